//! The logic of [`FieldMul`]: one `#[hdl_gen]` kernel, stage by stage (README "Pipeline").
//!
//! `#[hdl_gen]` cannot name Rust constants, so the chunk counts and word geometry of
//! `plan.rs` appear here as literals; `rtl.rs` ties each literal to its constant with a
//! compile-time assertion and checks the plan's structure when it builds the block. Every
//! chunked adder follows the same pattern (plan.rs, "Words and stages"): `t = input ^ inv`,
//! per chunk `s_k = sum((t >> 32k) & m32) + ((K >> 32k) & m32)`, the top chunk unmasked; `W`
//! collects `s_k & m32` at `32k`, `C` collects `(s_k >> 32) & carry_mask_k` at `32(k+1)`.

use super::rtl::{FieldMul, MODE_PIPE, PIPE};
use rust_hdl::prelude::*;

impl<const TAG: usize> Logic for FieldMul<TAG> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, sc1_w, sc1_c, pw, pc, tw, tc, uw, uc);

        // ---------------- valid / tag / mode pipeline ----------------
        for i in 0..PIPE {
            self.vld[i].clock.next = self.clock.val();
            self.tagp[i].clock.next = self.clock.val();
        }
        self.vld[0].d.next = self.in_valid.val() & !self.reset.val();
        self.tagp[0].d.next = self.in_tag.val();
        self.mdp[0].d.next = self.mode.val();
        for i in 1..PIPE {
            self.vld[i].d.next = self.vld[i - 1].q.val() & !self.reset.val();
            self.tagp[i].d.next = self.tagp[i - 1].q.val();
        }
        // The output stage cleared by the reset: a register with a synchronous reset cannot
        // join a shift-register LUT (SRL), so yosys keeps it a flip-flop behind the SRL that
        // holds the earlier stages. An SRL's clock-to-out (1.5 ns against a flip-flop's
        // 0.46) put its tag output on the whole top's paths into the cluster's ready logic.
        // (24 = PIPE - 1, as at `out_tag`: rust-hdl's Verilog needs a literal index here.)
        if self.reset.val() {
            self.tagp[24].d.next = self.k_ztag.val();
        }
        for i in 0..MODE_PIPE {
            self.mdp[i].clock.next = self.clock.val();
        }
        for i in 1..MODE_PIPE {
            self.mdp[i].d.next = self.mdp[i - 1].q.val();
        }
        // Mode decode where the datapath needs it (index = the edge the op's data was loaded at).
        self.modp11.next = !(self.mdp[11].q.val().get_bit(0) ^ self.mdp[11].q.val().get_bit(1));
        self.hi11.next = !self.mdp[11].q.val().get_bit(0) & self.mdp[11].q.val().get_bit(1);
        self.hi13.next = !self.mdp[13].q.val().get_bit(0) & self.mdp[13].q.val().get_bit(1);
        self.modp15.next = !(self.mdp[15].q.val().get_bit(0) ^ self.mdp[15].q.val().get_bit(1));
        self.modp19.next = !(self.mdp[19].q.val().get_bit(0) ^ self.mdp[19].q.val().get_bit(1));
        self.modp20.next = !(self.mdp[20].q.val().get_bit(0) ^ self.mdp[20].q.val().get_bit(1));
        self.modp22.next = !(self.mdp[22].q.val().get_bit(0) ^ self.mdp[22].q.val().get_bit(1));

        // ---------------- front (edge 0: operands; edges 1..4: DSP inputs) ----------------
        // The A limb sums are formed from the port (the cluster drives `a` from a flip-flop)
        // and registered at edge 0, so the path into the DSP's A port starts at a flip-flop:
        // with `a` registered first, the sums' carry chains sat in front of the multiplier
        // (the block's critical path in the whole top's timing model).
        self.b_d[0].clock.next = self.clock.val();
        self.b_d[0].d.next = self.b.val();
        for j in 1..4 {
            self.b_d[j].clock.next = self.clock.val();
            self.b_d[j].d.next = self.b_d[j - 1].q.val();
            // Cleared by the reset so that no tap is an SRL's output (see the tag above):
            // b_d[3] out of an SRL16E was the FieldMul's longest path in the whole top.
            if self.reset.val() {
                self.b_d[j].d.next = self.k_z256.val();
            }
        }
        for p in 0..9 {
            // A limbs: limb i of the quarters in the product's set, summed without carries.
            for i in 0..3 {
                self.xl[3 * p + i].next = ((self.a.val() >> self.k_shq[4 * i].val())
                    & self.k_xm[12 * p + 4 * i].val())
                    + ((self.a.val() >> self.k_shq[4 * i + 1].val())
                        & self.k_xm[12 * p + 4 * i + 1].val())
                    + ((self.a.val() >> self.k_shq[4 * i + 2].val())
                        & self.k_xm[12 * p + 4 * i + 2].val())
                    + ((self.a.val() >> self.k_shq[4 * i + 3].val())
                        & self.k_xm[12 * p + 4 * i + 3].val());
                self.xl_r[3 * p + i].clock.next = self.clock.val();
                self.xl_r[3 * p + i].d.next = self.xl[3 * p + i].val().get_bits::<24>(0);
                self.cols[3 * p + i].clock.next = self.clock.val();
                self.cols[3 * p + i].x.next = self.xl_r[3 * p + i].q.val();
            }
            // B digits, digit-serial: digit j one edge after digit j-1, its carry registered.
            self.ys[4 * p].next = ((self.b_d[0].q.val() >> self.k_shb[0].val())
                & self.k_ym[16 * p].val())
                + ((self.b_d[0].q.val() >> self.k_shb[1].val()) & self.k_ym[16 * p + 1].val())
                + ((self.b_d[0].q.val() >> self.k_shb[2].val()) & self.k_ym[16 * p + 2].val())
                + ((self.b_d[0].q.val() >> self.k_shb[3].val()) & self.k_ym[16 * p + 3].val());
            for j in 1..4 {
                self.ys[4 * p + j].next = ((self.b_d[j].q.val() >> self.k_shb[4 * j].val())
                    & self.k_ym[16 * p + 4 * j].val())
                    + ((self.b_d[j].q.val() >> self.k_shb[4 * j + 1].val())
                        & self.k_ym[16 * p + 4 * j + 1].val())
                    + ((self.b_d[j].q.val() >> self.k_shb[4 * j + 2].val())
                        & self.k_ym[16 * p + 4 * j + 2].val())
                    + ((self.b_d[j].q.val() >> self.k_shb[4 * j + 3].val())
                        & self.k_ym[16 * p + 4 * j + 3].val())
                    + self.cy[3 * p + j - 1].q.val();
            }
            for j in 0..3 {
                self.cy[3 * p + j].clock.next = self.clock.val();
                self.cy[3 * p + j].d.next = (self.ys[4 * p + j].val() >> 17) & self.k_m2.val();
            }
            for i in 0..3 {
                self.cols[3 * p + i].y0.next = self.ys[4 * p].val().get_bits::<17>(0);
                self.cols[3 * p + i].y1.next = self.ys[4 * p + 1].val().get_bits::<17>(0);
                self.cols[3 * p + i].y2.next = self.ys[4 * p + 2].val().get_bits::<17>(0);
                self.cols[3 * p + i].y3.next = self.ys[4 * p + 3].val().get_bits::<17>(0);
            }
        }

        // ---------------- products: 3 columns (edge 7) ----------------
        for p in 0..9 {
            for k in 0..4 {
                self.sa_s[5 * p + k].next = ((self.cols[3 * p].p.val() >> self.k_sh[k].val())
                    & self.k_m32.val())
                    + ((self.cols[3 * p + 1].p.val() >> self.k_sh[k].val()) & self.k_m32.val())
                    + ((self.cols[3 * p + 2].p.val() >> self.k_sh[k].val()) & self.k_m32.val());
            }
            self.sa_s[5 * p + 4].next = (self.cols[3 * p].p.val() >> self.k_sh[4].val())
                + (self.cols[3 * p + 1].p.val() >> self.k_sh[4].val())
                + (self.cols[3 * p + 2].p.val() >> self.k_sh[4].val());
            self.sa_wo[5 * p].next = self.sa_s[5 * p].val() & self.k_m32.val();
            self.sa_co[5 * p].next =
                ((self.sa_s[5 * p].val() >> 32) & self.k_sa_cm[4 * p].val()) << self.k_sh[1].val();
            for k in 1..4 {
                self.sa_wo[5 * p + k].next = self.sa_wo[5 * p + k - 1].val()
                    | ((self.sa_s[5 * p + k].val() & self.k_m32.val()) << self.k_sh[k].val());
                self.sa_co[5 * p + k].next = self.sa_co[5 * p + k - 1].val()
                    | (((self.sa_s[5 * p + k].val() >> 32) & self.k_sa_cm[4 * p + k].val())
                        << self.k_sh[k + 1].val());
            }
            self.sa_wo[5 * p + 4].next = self.sa_wo[5 * p + 3].val()
                | ((self.sa_s[5 * p + 4].val() & self.k_sa_tm[p].val()) << self.k_sh[4].val());
            self.sa_w[p].clock.next = self.clock.val();
            self.sa_c[p].clock.next = self.clock.val();
            self.sa_w[p].d.next = self.sa_wo[5 * p + 4].val();
            self.sa_co[5 * p + 4].next = self.sa_co[5 * p + 3].val();
            self.sa_c[p].d.next = self.sa_co[5 * p + 4].val();
        }

        // ---------------- D = M - L - H per group (edge 8) ----------------
        for g in 0..3 {
            self.sb1_t[6 * g].next = self.sa_w[3 * g + 2].q.val() ^ self.k_sb1_inv[6 * g].val();
            self.sb1_t[6 * g + 1].next =
                self.sa_c[3 * g + 2].q.val() ^ self.k_sb1_inv[6 * g + 1].val();
            self.sb1_t[6 * g + 2].next = self.sa_w[3 * g].q.val() ^ self.k_sb1_inv[6 * g + 2].val();
            self.sb1_t[6 * g + 3].next = self.sa_c[3 * g].q.val() ^ self.k_sb1_inv[6 * g + 3].val();
            self.sb1_t[6 * g + 4].next =
                self.sa_w[3 * g + 1].q.val() ^ self.k_sb1_inv[6 * g + 4].val();
            self.sb1_t[6 * g + 5].next =
                self.sa_c[3 * g + 1].q.val() ^ self.k_sb1_inv[6 * g + 5].val();
            for k in 0..4 {
                self.sb1_s[5 * g + k].next = ((self.sb1_t[6 * g].val() >> self.k_sh[k].val())
                    & self.k_m32.val())
                    + ((self.sb1_t[6 * g + 1].val() >> self.k_sh[k].val()) & self.k_m32.val())
                    + ((self.sb1_t[6 * g + 2].val() >> self.k_sh[k].val()) & self.k_m32.val())
                    + ((self.sb1_t[6 * g + 3].val() >> self.k_sh[k].val()) & self.k_m32.val())
                    + ((self.sb1_t[6 * g + 4].val() >> self.k_sh[k].val()) & self.k_m32.val())
                    + ((self.sb1_t[6 * g + 5].val() >> self.k_sh[k].val()) & self.k_m32.val())
                    + ((self.k_sb1_k[g].val() >> self.k_sh[k].val()) & self.k_m32.val());
            }
            self.sb1_s[5 * g + 4].next = (self.sb1_t[6 * g].val() >> self.k_sh[4].val())
                + (self.sb1_t[6 * g + 1].val() >> self.k_sh[4].val())
                + (self.sb1_t[6 * g + 2].val() >> self.k_sh[4].val())
                + (self.sb1_t[6 * g + 3].val() >> self.k_sh[4].val())
                + (self.sb1_t[6 * g + 4].val() >> self.k_sh[4].val())
                + (self.sb1_t[6 * g + 5].val() >> self.k_sh[4].val())
                + (self.k_sb1_k[g].val() >> self.k_sh[4].val());
            self.sb1_wo[5 * g].next = self.sb1_s[5 * g].val() & self.k_m32.val();
            self.sb1_co[5 * g].next = ((self.sb1_s[5 * g].val() >> 32)
                & self.k_sb1_cm[4 * g].val())
                << self.k_sh[1].val();
            for k in 1..4 {
                self.sb1_wo[5 * g + k].next = self.sb1_wo[5 * g + k - 1].val()
                    | ((self.sb1_s[5 * g + k].val() & self.k_m32.val()) << self.k_sh[k].val());
                self.sb1_co[5 * g + k].next = self.sb1_co[5 * g + k - 1].val()
                    | (((self.sb1_s[5 * g + k].val() >> 32) & self.k_sb1_cm[4 * g + k].val())
                        << self.k_sh[k + 1].val());
            }
            self.sb1_wo[5 * g + 4].next = self.sb1_wo[5 * g + 3].val()
                | ((self.sb1_s[5 * g + 4].val() & self.k_sb1_tm[g].val()) << self.k_sh[4].val());
            self.sb1_w[g].clock.next = self.clock.val();
            self.sb1_c[g].clock.next = self.clock.val();
            self.sb1_w[g].d.next = self.sb1_wo[5 * g + 4].val();
            self.sb1_co[5 * g + 4].next = self.sb1_co[5 * g + 3].val();
            self.sb1_c[g].d.next = self.sb1_co[5 * g + 4].val();
            // L and H wait one edge for D.
            for r in 0..2 {
                self.lh_w[2 * g + r].clock.next = self.clock.val();
                self.lh_c[2 * g + r].clock.next = self.clock.val();
                self.lh_w[2 * g + r].d.next = self.sa_w[3 * g + r].q.val();
                self.lh_c[2 * g + r].d.next = self.sa_c[3 * g + r].q.val();
            }
        }

        // ---------------- X = L + D·2^64 + H·2^128 per group (edge 9) ----------------
        for g in 0..3 {
            self.sb2_t[6 * g].next = self.lh_w[2 * g].q.val();
            self.sb2_t[6 * g + 1].next = self.lh_c[2 * g].q.val();
            self.sb2_t[6 * g + 2].next = self.lh_w[2 * g + 1].q.val() << 128;
            self.sb2_t[6 * g + 3].next = self.lh_c[2 * g + 1].q.val() << 128;
            self.sb2_t[6 * g + 4].next = self.sb1_w[g].q.val() << 64;
            self.sb2_t[6 * g + 5].next = self.sb1_c[g].q.val() << 64;
            for k in 0..8 {
                self.sb2_s[9 * g + k].next = ((self.sb2_t[6 * g].val() >> self.k_sh[k].val())
                    & self.k_m32.val())
                    + ((self.sb2_t[6 * g + 1].val() >> self.k_sh[k].val()) & self.k_m32.val())
                    + ((self.sb2_t[6 * g + 2].val() >> self.k_sh[k].val()) & self.k_m32.val())
                    + ((self.sb2_t[6 * g + 3].val() >> self.k_sh[k].val()) & self.k_m32.val())
                    + ((self.sb2_t[6 * g + 4].val() >> self.k_sh[k].val()) & self.k_m32.val())
                    + ((self.sb2_t[6 * g + 5].val() >> self.k_sh[k].val()) & self.k_m32.val())
                    + ((self.k_sb2_k[g].val() >> self.k_sh[k].val()) & self.k_m32.val());
            }
            self.sb2_s[9 * g + 8].next = (self.sb2_t[6 * g].val() >> self.k_sh[8].val())
                + (self.sb2_t[6 * g + 1].val() >> self.k_sh[8].val())
                + (self.sb2_t[6 * g + 2].val() >> self.k_sh[8].val())
                + (self.sb2_t[6 * g + 3].val() >> self.k_sh[8].val())
                + (self.sb2_t[6 * g + 4].val() >> self.k_sh[8].val())
                + (self.sb2_t[6 * g + 5].val() >> self.k_sh[8].val())
                + (self.k_sb2_k[g].val() >> self.k_sh[8].val());
            self.sb2_wo[9 * g].next = self.sb2_s[9 * g].val() & self.k_m32.val();
            self.sb2_co[9 * g].next = ((self.sb2_s[9 * g].val() >> 32)
                & self.k_sb2_cm[8 * g].val())
                << self.k_sh[1].val();
            for k in 1..8 {
                self.sb2_wo[9 * g + k].next = self.sb2_wo[9 * g + k - 1].val()
                    | ((self.sb2_s[9 * g + k].val() & self.k_m32.val()) << self.k_sh[k].val());
                self.sb2_co[9 * g + k].next = self.sb2_co[9 * g + k - 1].val()
                    | (((self.sb2_s[9 * g + k].val() >> 32) & self.k_sb2_cm[8 * g + k].val())
                        << self.k_sh[k + 1].val());
            }
            self.sb2_wo[9 * g + 8].next = self.sb2_wo[9 * g + 7].val()
                | ((self.sb2_s[9 * g + 8].val() & self.k_sb2_tm[g].val()) << self.k_sh[8].val());
            self.sb2_w[g].clock.next = self.clock.val();
            self.sb2_c[g].clock.next = self.clock.val();
            self.sb2_w[g].d.next = self.sb2_wo[9 * g + 8].val();
            self.sb2_co[9 * g + 8].next = self.sb2_co[9 * g + 7].val();
            self.sb2_c[g].d.next = self.sb2_co[9 * g + 8].val();
        }

        // ---------------- E = X2 - X0 - X1 (edge 10) ----------------
        self.sc1_t[0].next = self.sb2_w[2].q.val() ^ self.k_sc1_inv[0].val();
        self.sc1_t[1].next = self.sb2_c[2].q.val() ^ self.k_sc1_inv[1].val();
        self.sc1_t[2].next = self.sb2_w[0].q.val() ^ self.k_sc1_inv[2].val();
        self.sc1_t[3].next = self.sb2_c[0].q.val() ^ self.k_sc1_inv[3].val();
        self.sc1_t[4].next = self.sb2_w[1].q.val() ^ self.k_sc1_inv[4].val();
        self.sc1_t[5].next = self.sb2_c[1].q.val() ^ self.k_sc1_inv[5].val();
        for k in 0..8 {
            self.sc1_s[k].next = ((self.sc1_t[0].val() >> self.k_sh[k].val()) & self.k_m32.val())
                + ((self.sc1_t[1].val() >> self.k_sh[k].val()) & self.k_m32.val())
                + ((self.sc1_t[2].val() >> self.k_sh[k].val()) & self.k_m32.val())
                + ((self.sc1_t[3].val() >> self.k_sh[k].val()) & self.k_m32.val())
                + ((self.sc1_t[4].val() >> self.k_sh[k].val()) & self.k_m32.val())
                + ((self.sc1_t[5].val() >> self.k_sh[k].val()) & self.k_m32.val())
                + ((self.k_sc1_k.val() >> self.k_sh[k].val()) & self.k_m32.val());
        }
        self.sc1_s[8].next = (self.sc1_t[0].val() >> self.k_sh[8].val())
            + (self.sc1_t[1].val() >> self.k_sh[8].val())
            + (self.sc1_t[2].val() >> self.k_sh[8].val())
            + (self.sc1_t[3].val() >> self.k_sh[8].val())
            + (self.sc1_t[4].val() >> self.k_sh[8].val())
            + (self.sc1_t[5].val() >> self.k_sh[8].val())
            + (self.k_sc1_k.val() >> self.k_sh[8].val());
        self.sc1_wo[0].next = self.sc1_s[0].val() & self.k_m32.val();
        self.sc1_co[0].next =
            ((self.sc1_s[0].val() >> 32) & self.k_sc1_cm[0].val()) << self.k_sh[1].val();
        for k in 1..8 {
            self.sc1_wo[k].next = self.sc1_wo[k - 1].val()
                | ((self.sc1_s[k].val() & self.k_m32.val()) << self.k_sh[k].val());
            self.sc1_co[k].next = self.sc1_co[k - 1].val()
                | (((self.sc1_s[k].val() >> 32) & self.k_sc1_cm[k].val())
                    << self.k_sh[k + 1].val());
        }
        self.sc1_wo[8].next = self.sc1_wo[7].val()
            | ((self.sc1_s[8].val() & self.k_sc1_tm.val()) << self.k_sh[8].val());
        self.sc1_w.d.next = self.sc1_wo[8].val();
        self.sc1_co[8].next = self.sc1_co[7].val();
        self.sc1_c.d.next = self.sc1_co[8].val();
        for r in 0..2 {
            self.xd_w[r].clock.next = self.clock.val();
            self.xd_c[r].clock.next = self.clock.val();
            self.xd_w[r].d.next = self.sb2_w[r].q.val();
            self.xd_c[r].d.next = self.sb2_c[r].q.val();
        }

        // ---------------- the product ab = X0 + E·2^128 + X1·2^256 (edge 11) ----------------
        self.sc2_t[0].next = self.xd_w[0].q.val();
        self.sc2_t[1].next = self.xd_c[0].q.val();
        self.sc2_t[2].next = self.xd_w[1].q.val() << 256;
        self.sc2_t[3].next = self.xd_c[1].q.val() << 256;
        self.sc2_t[4].next = self.sc1_w.q.val() << 128;
        self.sc2_t[5].next = self.sc1_c.q.val() << 128;
        for k in 0..16 {
            self.sc2_s[k].next = ((self.sc2_t[0].val() >> self.k_sh[k].val()) & self.k_m32.val())
                + ((self.sc2_t[1].val() >> self.k_sh[k].val()) & self.k_m32.val())
                + ((self.sc2_t[2].val() >> self.k_sh[k].val()) & self.k_m32.val())
                + ((self.sc2_t[3].val() >> self.k_sh[k].val()) & self.k_m32.val())
                + ((self.sc2_t[4].val() >> self.k_sh[k].val()) & self.k_m32.val())
                + ((self.sc2_t[5].val() >> self.k_sh[k].val()) & self.k_m32.val())
                + ((self.k_sc2_k.val() >> self.k_sh[k].val()) & self.k_m32.val());
        }
        self.sc2_s[16].next = (self.sc2_t[0].val() >> self.k_sh[16].val())
            + (self.sc2_t[1].val() >> self.k_sh[16].val())
            + (self.sc2_t[2].val() >> self.k_sh[16].val())
            + (self.sc2_t[3].val() >> self.k_sh[16].val())
            + (self.sc2_t[4].val() >> self.k_sh[16].val())
            + (self.sc2_t[5].val() >> self.k_sh[16].val())
            + (self.k_sc2_k.val() >> self.k_sh[16].val());
        self.sc2_wo[0].next = self.sc2_s[0].val() & self.k_m32.val();
        self.sc2_co[0].next =
            ((self.sc2_s[0].val() >> 32) & self.k_sc2_cm[0].val()) << self.k_sh[1].val();
        for k in 1..16 {
            self.sc2_wo[k].next = self.sc2_wo[k - 1].val()
                | ((self.sc2_s[k].val() & self.k_m32.val()) << self.k_sh[k].val());
            self.sc2_co[k].next = self.sc2_co[k - 1].val()
                | (((self.sc2_s[k].val() >> 32) & self.k_sc2_cm[k].val())
                    << self.k_sh[k + 1].val());
        }
        self.sc2_wo[16].next = self.sc2_wo[15].val()
            | ((self.sc2_s[16].val() & self.k_sc2_tm.val()) << self.k_sh[16].val());
        self.pw.d.next = self.sc2_wo[16].val();
        self.sc2_co[16].next = self.sc2_co[15].val();
        self.pc.d.next = self.sc2_co[16].val();

        // ---------------- HI: carry of the product's low half (edges 12, 13, 14) ----------------
        for k in 0..8 {
            self.xs[k].clock.next = self.clock.val();
            self.xg[k].clock.next = self.clock.val();
            self.xp[k].clock.next = self.clock.val();
            self.xs[k].d.next = (((self.pw.q.val() >> self.k_sh[k].val()) & self.k_m32.val())
                + ((self.pc.q.val() >> self.k_sh[k].val()) & self.k_m32.val()))
                & self.k_m33.val();
            self.xg[k].d.next = self.xs[k].q.val().get_bit(32);
            self.xp[k].d.next = (self.xs[k].q.val() & self.k_m32.val()) == self.k_m32.val();
        }
        self.xc[0].next = false;
        for k in 0..8 {
            self.xc[k + 1].next = self.xg[k].q.val() | (self.xp[k].q.val() & self.xc[k].val());
        }
        for j in 0..7 {
            self.cin_d[j].clock.next = self.clock.val();
        }
        self.cin_d[0].d.next = self.xc[8].val() & self.hi13.val();
        for j in 1..7 {
            self.cin_d[j].d.next = self.cin_d[j - 1].q.val();
        }

        // ---------------- first fold: tiles beta·Hi_i + gamma·Lo_i (edges 12..14) ----------------
        self.lo_w.next = self.pw.q.val() & self.k_m256.val();
        self.hi_w.next = self.pw.q.val() >> 256;
        for i in 0..11 {
            self.tiles[i].clock.next = self.clock.val();
            self.tiles[i].a.next = self.hi_w.val().get_bits::<24>(24 * i);
            self.tiles[i].c.next = self.lo_w.val().get_bits::<24>(24 * i);
            self.tiles[i].b.next = self.k_z17.val();
            if self.hi11.val() {
                self.tiles[i].c.next = self.k_z24.val();
                self.tiles[i].b.next = self.k_beta1.val();
            }
            if self.modp11.val() {
                self.tiles[i].b.next = self.k_beta977.val();
            }
        }
        self.eo[0].next = self.tiles[0].p.val();
        self.eo[1].next = self.tiles[1].p.val();
        for i in 2..11 {
            self.eo[i].next = self.eo[i - 2].val() | self.tiles[i].p.val();
        }
        // 977 times each carry field of the high half (fields at 256 + 32j): a table per field.
        for j in 0..9 {
            self.hsh[j].next = self.pc.q.val() >> self.k_sh[8 + j].val();
            self.hf[j].next = self.hsh[j].val().get_bits::<3>(0);
            match self.hf[j].val().index() {
                0 => {
                    self.ht[j].next = self.k_t977h[8 * j].val();
                }
                1 => {
                    self.ht[j].next = self.k_t977h[8 * j + 1].val();
                }
                2 => {
                    self.ht[j].next = self.k_t977h[8 * j + 2].val();
                }
                3 => {
                    self.ht[j].next = self.k_t977h[8 * j + 3].val();
                }
                4 => {
                    self.ht[j].next = self.k_t977h[8 * j + 4].val();
                }
                5 => {
                    self.ht[j].next = self.k_t977h[8 * j + 5].val();
                }
                6 => {
                    self.ht[j].next = self.k_t977h[8 * j + 6].val();
                }
                _ => {
                    self.ht[j].next = self.k_t977h[8 * j + 7].val();
                }
            }
        }
        self.hto[0].next = self.ht[0].val();
        for j in 1..9 {
            self.hto[j].next = self.hto[j - 1].val() | self.ht[j].val();
        }
        for j in 0..3 {
            self.r2_hiw[j].clock.next = self.clock.val();
            self.r2_clo[j].clock.next = self.clock.val();
            self.r2_chi32[j].clock.next = self.clock.val();
            self.r2_chi[j].clock.next = self.clock.val();
            self.r2_t977[j].clock.next = self.clock.val();
        }
        self.r2_hiw[0].d.next = self.k_zero.val();
        self.r2_clo[0].d.next = self.pc.q.val() & self.k_m256.val();
        self.r2_chi32[0].d.next = self.k_zero.val();
        self.r2_chi[0].d.next = self.k_zero.val();
        self.r2_t977[0].d.next = self.k_zero.val();
        if self.modp11.val() {
            self.r2_hiw[0].d.next = self.hi_w.val() << 32;
            self.r2_chi32[0].d.next = self.hsh[0].val() << 32;
            self.r2_t977[0].d.next = self.hto[8].val();
        }
        if self.hi11.val() {
            self.r2_clo[0].d.next = self.k_zero.val();
            self.r2_chi[0].d.next = self.hsh[0].val();
        }
        for j in 1..3 {
            self.r2_hiw[j].d.next = self.r2_hiw[j - 1].q.val();
            self.r2_clo[j].d.next = self.r2_clo[j - 1].q.val();
            self.r2_chi32[j].d.next = self.r2_chi32[j - 1].q.val();
            self.r2_chi[j].d.next = self.r2_chi[j - 1].q.val();
            self.r2_t977[j].d.next = self.r2_t977[j - 1].q.val();
        }

        // ---------------- first fold sum T (edge 15) ----------------
        for k in 0..8 {
            self.r2_s[k].next = ((self.eo[10].val() >> self.k_sh[k].val()) & self.k_m32.val())
                + ((self.eo[9].val() >> self.k_sh[k].val()) & self.k_m32.val())
                + ((self.r2_hiw[2].q.val() >> self.k_sh[k].val()) & self.k_m32.val())
                + ((self.r2_clo[2].q.val() >> self.k_sh[k].val()) & self.k_m32.val())
                + ((self.r2_chi32[2].q.val() >> self.k_sh[k].val()) & self.k_m32.val())
                + ((self.r2_chi[2].q.val() >> self.k_sh[k].val()) & self.k_m32.val())
                + ((self.r2_t977[2].q.val() >> self.k_sh[k].val()) & self.k_m32.val());
        }
        self.r2_s[8].next = (self.eo[10].val() >> self.k_sh[8].val())
            + (self.eo[9].val() >> self.k_sh[8].val())
            + (self.r2_hiw[2].q.val() >> self.k_sh[8].val())
            + (self.r2_clo[2].q.val() >> self.k_sh[8].val())
            + (self.r2_chi32[2].q.val() >> self.k_sh[8].val())
            + (self.r2_chi[2].q.val() >> self.k_sh[8].val())
            + (self.r2_t977[2].q.val() >> self.k_sh[8].val());
        self.r2_wo[0].next = self.r2_s[0].val() & self.k_m32.val();
        self.r2_co[0].next =
            ((self.r2_s[0].val() >> 32) & self.k_r2_cm[0].val()) << self.k_sh[1].val();
        for k in 1..8 {
            self.r2_wo[k].next = self.r2_wo[k - 1].val()
                | ((self.r2_s[k].val() & self.k_m32.val()) << self.k_sh[k].val());
            self.r2_co[k].next = self.r2_co[k - 1].val()
                | (((self.r2_s[k].val() >> 32) & self.k_r2_cm[k].val()) << self.k_sh[k + 1].val());
        }
        self.r2_wo[8].next =
            self.r2_wo[7].val() | ((self.r2_s[8].val() & self.k_r2_tm.val()) << self.k_sh[8].val());
        self.tw.d.next = self.r2_wo[8].val();
        self.r2_co[8].next = self.r2_co[7].val();
        self.tc.d.next = self.r2_co[8].val();

        // ---------------- second fold: W_top·977 on the DSP pair (edges 16..19) ----------------
        self.ttop.next = self.tw.q.val() >> 256;
        self.pair.clock.next = self.clock.val();
        self.pair.w.next = self.ttop.val().get_bits::<41>(0);
        if !self.modp15.val() {
            self.pair.w.next = self.k_z41.val();
        }
        self.c8sh.next = self.tc.q.val() >> 256;
        self.c8f.next = self.c8sh.val().get_bits::<3>(0);
        match self.c8f.val().index() {
            0 => {
                self.c8t.next = self.k_t977c8[0].val();
            }
            1 => {
                self.c8t.next = self.k_t977c8[1].val();
            }
            2 => {
                self.c8t.next = self.k_t977c8[2].val();
            }
            3 => {
                self.c8t.next = self.k_t977c8[3].val();
            }
            4 => {
                self.c8t.next = self.k_t977c8[4].val();
            }
            5 => {
                self.c8t.next = self.k_t977c8[5].val();
            }
            6 => {
                self.c8t.next = self.k_t977c8[6].val();
            }
            _ => {
                self.c8t.next = self.k_t977c8[7].val();
            }
        }
        for j in 0..4 {
            self.r3_twlo[j].clock.next = self.clock.val();
            self.r3_tclo[j].clock.next = self.clock.val();
            self.r3_ttop[j].clock.next = self.clock.val();
            self.r3_c8[j].clock.next = self.clock.val();
            self.r3_t977[j].clock.next = self.clock.val();
        }
        self.r3_twlo[0].d.next = self.tw.q.val() & self.k_m256.val();
        self.r3_tclo[0].d.next = self.tc.q.val() & self.k_m256.val();
        self.r3_ttop[0].d.next = self.k_zero.val();
        self.r3_c8[0].d.next = self.k_zero.val();
        self.r3_t977[0].d.next = self.k_zero.val();
        if self.modp15.val() {
            self.r3_ttop[0].d.next = self.ttop.val() << 32;
            self.r3_c8[0].d.next = self.c8sh.val() << 32;
            self.r3_t977[0].d.next = self.c8t.val();
        }
        for j in 1..4 {
            self.r3_twlo[j].d.next = self.r3_twlo[j - 1].q.val();
            self.r3_tclo[j].d.next = self.r3_tclo[j - 1].q.val();
            self.r3_ttop[j].d.next = self.r3_ttop[j - 1].q.val();
            self.r3_c8[j].d.next = self.r3_c8[j - 1].q.val();
            self.r3_t977[j].d.next = self.r3_t977[j - 1].q.val();
        }

        // ---------------- second fold sum U (edge 20) ----------------
        self.kmodp_g.next = self.k_zero.val();
        if self.modp19.val() {
            self.kmodp_g.next = self.k_kmodp.val();
        }
        for k in 0..8 {
            self.r3_s[k].next = ((self.r3_twlo[3].q.val() >> self.k_sh[k].val())
                & self.k_m32.val())
                + ((self.r3_tclo[3].q.val() >> self.k_sh[k].val()) & self.k_m32.val())
                + ((self.r3_ttop[3].q.val() >> self.k_sh[k].val()) & self.k_m32.val())
                + ((self.r3_c8[3].q.val() >> self.k_sh[k].val()) & self.k_m32.val())
                + ((self.pair.p.val() >> self.k_sh[k].val()) & self.k_m32.val())
                + ((self.r3_t977[3].q.val() >> self.k_sh[k].val()) & self.k_m32.val())
                + ((self.kmodp_g.val() >> self.k_sh[k].val()) & self.k_m32.val());
        }
        self.r3_s[8].next = (self.r3_twlo[3].q.val() >> self.k_sh[8].val())
            + (self.r3_tclo[3].q.val() >> self.k_sh[8].val())
            + (self.r3_ttop[3].q.val() >> self.k_sh[8].val())
            + (self.r3_c8[3].q.val() >> self.k_sh[8].val())
            + (self.pair.p.val() >> self.k_sh[8].val())
            + (self.r3_t977[3].q.val() >> self.k_sh[8].val())
            + (self.kmodp_g.val() >> self.k_sh[8].val());
        self.r3_wo[0].next = self.r3_s[0].val() & self.k_m32.val();
        self.r3_co[0].next =
            ((self.r3_s[0].val() >> 32) & self.k_r3_cm[0].val()) << self.k_sh[1].val();
        for k in 1..8 {
            self.r3_wo[k].next = self.r3_wo[k - 1].val()
                | ((self.r3_s[k].val() & self.k_m32.val()) << self.k_sh[k].val());
            self.r3_co[k].next = self.r3_co[k - 1].val()
                | (((self.r3_s[k].val() >> 32) & self.k_r3_cm[k].val()) << self.k_sh[k + 1].val());
        }
        self.r3_wo[8].next =
            self.r3_wo[7].val() | ((self.r3_s[8].val() & self.k_r3_tm.val()) << self.k_sh[8].val());
        self.uw.d.next = self.r3_wo[8].val();
        self.r3_co[8].next = self.r3_co[7].val();
        self.uc.d.next = self.r3_co[8].val();

        // ---------------- final unit (edges 21..24): the child `fin` (final_unit.rs) ----------------
        self.fin.clock.next = self.clock.val();
        self.fin.uw.next = self.uw.q.val();
        self.fin.uc.next = self.uc.q.val();
        self.fin.cin.next = self.cin_d[6].q.val();
        self.fin.modp20.next = self.modp20.val();
        self.fin.modp22.next = self.modp22.val();

        self.out.next = self.fin.fu_out.val();
        self.out_valid.next = self.vld[24].q.val();
        self.out_tag.next = self.tagp[24].q.val();
    }
}
