//! The clocked kernel of [`ScalarUnit`] (split from `rtl.rs` for size; same module).
//!
//! rust-hdl notes: no `let` in `#[hdl_gen]`, so every temporary is a `Local`; no widening
//! casts (Verilator WIDTH), so a segment is cut out of its word by a mask and a right shift
//! inside the full-width word, added there (yosys trims the adders to the segment's true
//! width: its upper operand bits are constant 0), and shifted back. `a + b + 1` is written
//! `((2a + 1) + (2b + 1)) >> 1`: one carry chain, and no `a + b` for yosys to share with the
//! carry-in-0 sum (which would chain two adders).

use super::ScalarUnit;
use rust_hdl::prelude::*;

impl<const PW: usize> Logic for ScalarUnit<PW> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, busy, ph1, ph2, run, first, ov, ev, kind, side1, tag, pass, rk, code,
            f_rlt, f_zge, f_rz, f_sz, u, v, ge, u_one, v_one, op_hu, op_hv, op_su, op_sv, stall,
            hb
        );
        // The stage registers behind the carry chains load every clock (a value is used in
        // the clock after it is taken, the B clock of a compute cycle).
        for j in 0..4 {
            self.d1[j].clock.next = self.clock.val();
            self.cge[j].clock.next = self.clock.val();
        }
        for j in 0..3 {
            self.d0[j].clock.next = self.clock.val();
            self.cgt[j].clock.next = self.clock.val();
        }
        for j in 0..16 {
            self.s0[j].clock.next = self.clock.val();
        }
        for j in 0..12 {
            self.s1[j].clock.next = self.clock.val();
        }
        // Two clocks per compute cycle (A: the chains into the stage registers; B: the
        // lookahead, the selects and every state register). Idle and holding an output, the
        // state advances every clock, so acceptance and the output handshakes keep their
        // one-clock timing.
        self.computing.next = self.busy.q.val() && !self.ov.q.val() && !self.ev.q.val();
        self.adv.next = !self.computing.val() || self.hb.q.val();
        self.hb.d.next = self.computing.val() && !self.hb.q.val();
        for r in 0..4 {
            self.xy[r].clock.next = self.clock.val();
            self.xy[r].d.next = self.xy[r].q.val();
            self.qk[r].clock.next = self.clock.val();
            self.qo[r].clock.next = self.clock.val();
            self.mdn[r].next = self.k_md[0].val();
            self.shr[r].clock.next = self.clock.val();
            self.shr[r].d.next = true;
            self.cin[r].clock.next = self.clock.val();
            self.cin[r].d.next = false;
        }

        self.z_ext.inp.next = self.in_z.val();
        self.r_ext.inp.next = self.in_r.val();

        // ================= u/v engine: the step of this cycle =================
        self.load.next = self.in_valid.val() && !self.busy.q.val();
        // The stop flags lag one cycle; the first step cycle ignores them (they still show the
        // values of the decide cycle), which makes the stop cycle L0 + S + 1 for every S.
        self.stop.next = (self.u_one.q.val() || self.v_one.q.val()) && !self.first.q.val();
        // A sub step is followed by a cycle without a step (`stall`): the halve that follows
        // it on the same side takes its k from the sign of the sub's result, which the x/y
        // engine writes in that cycle, and reads it from the register, not from the adder.
        self.active.next = self.run.q.val() && !self.stop.val() && !self.stall.q.val();
        self.hu.next = self.active.val() && !self.u.q.val().get_bit(0);
        self.hv.next = self.active.val() && self.u.q.val().get_bit(0) && !self.v.q.val().get_bit(0);
        self.su.next = self.active.val()
            && self.u.q.val().get_bit(0)
            && self.v.q.val().get_bit(0)
            && self.ge.q.val();
        self.sv.next = self.active.val()
            && self.u.q.val().get_bit(0)
            && self.v.q.val().get_bit(0)
            && !self.ge.q.val();

        // Subtractor D = A - B, A = ge ? u : v, B = the other (A >= B in sub steps; in the
        // check cycle ge = 1: D = s - m, its carry out is s >= m).
        self.da.next = self.v.q.val();
        self.db.next = self.u.q.val();
        if self.ge.q.val() {
            self.da.next = self.u.q.val();
            self.db.next = self.v.q.val();
        }
        for j in 0..4 {
            self.dsa[j].next = (self.da.val() >> self.k_sh[j].val()) & self.k_m64_256.val();
            self.dsb[j].next = ((!self.db.val()) >> self.k_sh[j].val()) & self.k_m64_256.val();
            self.d1[j].d.next = (((self.dsa[j].val() << 1) | self.k_one256.val())
                + ((self.dsb[j].val() << 1) | self.k_one256.val()))
                >> 1;
        }
        for j in 1..4 {
            self.d0[j - 1].d.next = self.dsa[j].val() + self.dsb[j].val();
        }
        // Segment 0 always takes the +1 (two's complement of B).
        self.dc[0].next = self.d1[0].q.val().get_bit(64);
        self.dpk[0].next = self.d1[0].q.val();
        for j in 1..4 {
            self.dc[j].next = self.d0[j - 1].q.val().get_bit(64)
                || (self.d1[j].q.val().get_bit(64) && self.dc[j - 1].val());
            self.dpk[j].next = self.d0[j - 1].q.val();
            if self.dc[j - 1].val() {
                self.dpk[j].next = self.d1[j].q.val();
            }
        }
        self.dsum.next = (self.dpk[0].val() & self.k_m64_256.val())
            | ((self.dpk[1].val() & self.k_m64_256.val()) << 64)
            | ((self.dpk[2].val() & self.k_m64_256.val()) << 128)
            | ((self.dpk[3].val() & self.k_m64_256.val()) << 192);

        // Comparator for the next step: the operands after this cycle's halve step.
        self.ca.next = self.u.q.val() >> 1;
        if self.u.q.val().get_bit(0) {
            self.ca.next = self.u.q.val();
        }
        self.cb.next = self.v.q.val();
        if self.u.q.val().get_bit(0) && !self.v.q.val().get_bit(0) {
            self.cb.next = self.v.q.val() >> 1;
        }
        for j in 1..4 {
            self.cgt[j - 1].d.next =
                self.ca.val().get_bits::<64>(64 * j) > self.cb.val().get_bits::<64>(64 * j);
        }
        for j in 0..4 {
            self.cge[j].d.next =
                self.ca.val().get_bits::<64>(64 * j) >= self.cb.val().get_bits::<64>(64 * j);
        }
        self.cmp.next = self.cgt[2].q.val()
            || (self.cge[3].q.val()
                && (self.cgt[1].q.val()
                    || (self.cge[2].q.val()
                        && (self.cgt[0].q.val() || (self.cge[1].q.val() && self.cge[0].q.val())))));

        if self.hu.val() {
            self.u.d.next = self.u.q.val() >> 1;
        }
        if self.su.val() {
            self.u.d.next = self.dsum.val();
        }
        if self.hv.val() {
            self.v.d.next = self.v.q.val() >> 1;
        }
        if self.sv.val() {
            self.v.d.next = self.dsum.val();
        }
        if self.run.q.val() {
            self.ge.d.next = self.cmp.val();
        }
        if self.ph1.q.val() {
            self.ge.d.next = self.dc[3].val();
        }
        self.u_one.d.next = !(self.u.q.val() >> 1).any() && self.u.q.val().get_bit(0);
        self.v_one.d.next = !(self.v.q.val() >> 1).any() && self.v.q.val().get_bit(0);
        self.first.d.next = false;
        self.op_hu.d.next = self.hu.val();
        self.op_hv.d.next = self.hv.val();
        self.op_su.d.next = self.su.val();
        self.op_sv.d.next = self.sv.val();
        self.stall.d.next = self.su.val() || self.sv.val();

        // ================= x/y engine: the step decided in the previous cycle =================
        self.oth[0].next = self.xy[1].q.val();
        self.oth[1].next = self.xy[0].q.val();
        self.oth[2].next = self.xy[3].q.val();
        self.oth[3].next = self.xy[2].q.val();
        self.we[0].next = self.op_hu.q.val()
            || self.op_su.q.val()
            || (self.ph2.q.val() && !self.kind.q.val() && self.f_zge.q.val());
        self.we[1].next = self.op_hv.q.val() || self.op_sv.q.val();
        self.we[2].next = self.op_hu.q.val() || self.op_su.q.val();
        self.we[3].next = self.op_hv.q.val() || self.op_sv.q.val();
        self.half[0].next = self.op_hu.q.val();
        self.half[1].next = self.op_hv.q.val();
        self.half[2].next = self.op_hu.q.val();
        self.half[3].next = self.op_hv.q.val();
        for r in 0..4 {
            // Operands by mode: 5 R + ~p, 4 R + ~m (checks, cin 1: R - C, sign in bit 256),
            // 3 R + ~O (sub, cin 1), 2 / 1 / 0 (R >> 1) + (k·m >> 1) (halve, cin = (k == 1)).
            // `shr` is the registered decode of "halve" (modes 0..2), so A is one LUT3 per bit.
            self.aa[r].next = self.xy[r].q.val();
            if self.shr[r].q.val() {
                self.aa[r].next = self.xy[r].q.val() >> 1;
            }
            // The mode was decoded in the previous cycle (`qk`, `qo`, below): B is one LUT3
            // per bit in front of the carry chain, with no mode decode on the path.
            self.q[r].next = self.qk[r].q.val();
            if self.qo[r].q.val() {
                self.q[r].next = !self.oth[r].val();
            }
            self.cin257[r].next = self.k_z257.val();
            if self.cin[r].q.val() {
                self.cin257[r].next = self.k_one257.val();
            }
            for j in 0..4 {
                self.sa[4 * r + j].next =
                    (self.aa[r].val() & self.k_seg257[j].val()) >> self.k_sh[j].val();
                self.sb[4 * r + j].next =
                    (self.q[r].val() & self.k_seg257[j].val()) >> self.k_sh[j].val();
            }
            for j in 1..4 {
                self.s1[3 * r + j - 1].d.next = (((self.sa[4 * r + j].val() << 1)
                    | self.k_one257.val())
                    + ((self.sb[4 * r + j].val() << 1) | self.k_one257.val()))
                    >> 1;
            }
            // Segment 0 with its carry-in: `(2a + c) + (2b + c) >> 1`, one two-operand chain.
            self.s0[4 * r].d.next = (((self.sa[4 * r].val() << 1) | self.cin257[r].val())
                + ((self.sb[4 * r].val() << 1) | self.cin257[r].val()))
                >> 1;
            for j in 1..4 {
                self.s0[4 * r + j].d.next = self.sa[4 * r + j].val() + self.sb[4 * r + j].val();
            }
            // Carries into segments 1..3, each written out from the chain outputs (carry
            // lookahead: one LUT level after the chains, not a ripple through the segments).
            self.sc[3 * r].next = self.s0[4 * r].q.val().get_bit(64);
            self.pk[4 * r].next = self.s0[4 * r].q.val();
            self.sc[3 * r + 1].next = self.s0[4 * r + 1].q.val().get_bit(64)
                || (self.s1[3 * r].q.val().get_bit(64) && self.s0[4 * r].q.val().get_bit(64));
            self.sc[3 * r + 2].next = self.s0[4 * r + 2].q.val().get_bit(64)
                || (self.s1[3 * r + 1].q.val().get_bit(64)
                    && (self.s0[4 * r + 1].q.val().get_bit(64)
                        || (self.s1[3 * r].q.val().get_bit(64)
                            && self.s0[4 * r].q.val().get_bit(64))));
            for j in 1..4 {
                self.pk[4 * r + j].next = self.s0[4 * r + j].q.val();
                if self.sc[3 * r + j - 1].val() {
                    self.pk[4 * r + j].next = self.s1[3 * r + j - 1].q.val();
                }
            }
            self.sum[r].next = (self.pk[4 * r].val() & self.k_seg257[0].val())
                | ((self.pk[4 * r + 1].val() << 64) & self.k_seg257[1].val())
                | ((self.pk[4 * r + 2].val() << 128) & self.k_seg257[2].val())
                | ((self.pk[4 * r + 3].val() << 192) & self.k_seg257[3].val());
            // A halve's result is < m: bit 256 of the sum is the shifted-out sign, dropped.
            // `nr0`/`nr256`: parity and sign of the register after this cycle, for the k of a
            // halve decided now. The sign is the register's own bit 256, never the adder's:
            // a write this cycle is a halve (result >= 0) or a check, or a sub, which is
            // followed by a stall cycle, so no halve is decided while a sub is written.
            // That keeps the 257-bit carry-select's sign bit off the `qk` decode path.
            self.nr0[r].next = self.xy[r].q.val().get_bit(0);
            self.nr256[r].next = self.xy[r].q.val().get_bit(256) && !self.we[r].val();
            if self.we[r].val() {
                self.xy[r].d.next = self.sum[r].val();
                self.nr0[r].next = self.sum[r].val().get_bit(0);
                if self.half[r].val() {
                    self.xy[r].d.next = self.sum[r].val() & self.k_lo256.val();
                }
            }
        }

        // Adder modes of the next cycle, from the step just decided and the register values
        // after this cycle (k of a halve: R[0] for R >= 0, 2 - R[0] for R < 0).
        self.hnext[0].next = self.hu.val();
        self.hnext[1].next = self.hv.val();
        self.hnext[2].next = self.hu.val();
        self.hnext[3].next = self.hv.val();
        self.snext[0].next = self.su.val();
        self.snext[1].next = self.sv.val();
        self.snext[2].next = self.su.val();
        self.snext[3].next = self.sv.val();
        for r in 0..4 {
            if self.snext[r].val() {
                self.mdn[r].next = self.k_md[3].val();
                self.shr[r].d.next = false;
                self.cin[r].d.next = true;
            }
            if self.hnext[r].val() {
                if self.nr0[r].val() {
                    self.mdn[r].next = self.k_md[1].val();
                    self.cin[r].d.next = true;
                } else if self.nr256[r].val() {
                    self.mdn[r].next = self.k_md[2].val();
                }
            }
        }
        // Checks: r against m (p for Schnorr) on y1 in the check cycle; z against m on x1 in
        // the check and the decide cycle (which writes z - m when z >= m).
        if self.load.val() || self.ph1.q.val() {
            self.mdn[0].next = self.k_md[4].val();
            self.shr[0].d.next = false;
            self.cin[0].d.next = true;
        }
        if self.load.val() {
            self.mdn[2].next = self.k_md[4].val();
            self.shr[2].d.next = false;
            if self.in_kind.val() {
                self.mdn[2].next = self.k_md[5].val();
            }
            self.cin[2].d.next = true;
        }
        // The next cycle's B operand, decoded here from the mode `mdn` (0/1/2: halve with
        // k = 0/1/2 adds k·m >> 1, 3: sub adds ~O, 4/5: checks add ~m/~p): `qk` is the
        // constant, `qo` selects ~O instead. Registering the decode takes the mode's fan-out
        // (one register per 257-bit adder) off the carry chain's path.
        for r in 0..4 {
            self.qk[r].d.next = self.k_z257.val();
            self.qo[r].d.next = false;
            if self.mdn[r].val().get_bit(2) {
                self.qk[r].d.next = self.k_nm.val();
                if self.mdn[r].val().get_bit(0) {
                    self.qk[r].d.next = self.k_np.val();
                }
            } else if self.mdn[r].val().get_bit(1) && self.mdn[r].val().get_bit(0) {
                self.qo[r].d.next = true;
            } else if self.mdn[r].val().get_bit(1) {
                self.qk[r].d.next = self.k_m.val();
            } else if self.mdn[r].val().get_bit(0) {
                self.qk[r].d.next = self.k_mh.val();
            }
        }

        // ================= job control =================
        self.ph1.d.next = false;
        self.ph2.d.next = self.ph1.q.val();
        if self.ph1.q.val() {
            // r < C (C = m, or p for Schnorr) iff r - C < 0; z >= m iff z - m >= 0.
            self.f_rlt.d.next = self.sum[2].val().get_bit(256);
            self.f_zge.d.next = !self.sum[0].val().get_bit(256);
            self.f_rz.d.next = !self.rk.q.val().any();
            self.f_sz.d.next = !self.u.q.val().any();
        }
        // ge holds s >= m here.
        self.bad_r.next = !self.f_rlt.q.val() || (self.f_rz.q.val() && !self.kind.q.val());
        self.bad_s.next = self.ge.q.val() || (self.f_sz.q.val() && !self.kind.q.val());
        if self.ph2.q.val() {
            if self.bad_r.val() || self.bad_s.val() {
                self.ev.d.next = true;
                self.code.d.next = self.k_code_s.val();
                if self.bad_r.val() {
                    self.code.d.next = self.k_code_r.val();
                }
            } else if self.kind.q.val() {
                self.ov.d.next = true;
            } else {
                self.run.d.next = true;
                self.first.d.next = true;
            }
        }
        if self.run.q.val() && self.stop.val() {
            self.run.d.next = false;
            self.ov.d.next = true;
            self.side1.d.next = self.u_one.q.val();
        }
        if self.ov.q.val() && self.out_ready.val() {
            self.ov.d.next = false;
            self.busy.d.next = false;
        }
        if self.ev.q.val() && self.early_ready.val() {
            self.ev.d.next = false;
            self.busy.d.next = false;
        }
        if self.load.val() {
            self.busy.d.next = true;
            self.ph1.d.next = true;
            self.kind.d.next = self.in_kind.val();
            self.tag.d.next = self.in_tag.val();
            self.pass.d.next = self.in_pass.val();
            self.rk.d.next = self.in_r.val();
            self.u.d.next = self.in_s.val();
            self.v.d.next = self.k_m256.val();
            self.ge.d.next = true;
            self.xy[0].d.next = self.z_ext.out.val();
            self.xy[1].d.next = self.k_z257.val();
            self.xy[2].d.next = self.r_ext.out.val();
            self.xy[3].d.next = self.k_z257.val();
        }
        // A clock: every state register keeps its value (the stage registers above take the
        // chains' results). rust-hdl has no clock enable on a DFF: written as a hold.
        if !self.adv.val() {
            self.busy.d.next = self.busy.q.val();
            self.ph1.d.next = self.ph1.q.val();
            self.ph2.d.next = self.ph2.q.val();
            self.run.d.next = self.run.q.val();
            self.first.d.next = self.first.q.val();
            self.ov.d.next = self.ov.q.val();
            self.ev.d.next = self.ev.q.val();
            self.kind.d.next = self.kind.q.val();
            self.side1.d.next = self.side1.q.val();
            self.tag.d.next = self.tag.q.val();
            self.pass.d.next = self.pass.q.val();
            self.rk.d.next = self.rk.q.val();
            self.code.d.next = self.code.q.val();
            self.f_rlt.d.next = self.f_rlt.q.val();
            self.f_zge.d.next = self.f_zge.q.val();
            self.f_rz.d.next = self.f_rz.q.val();
            self.f_sz.d.next = self.f_sz.q.val();
            self.u.d.next = self.u.q.val();
            self.v.d.next = self.v.q.val();
            self.ge.d.next = self.ge.q.val();
            self.u_one.d.next = self.u_one.q.val();
            self.v_one.d.next = self.v_one.q.val();
            self.op_hu.d.next = self.op_hu.q.val();
            self.op_hv.d.next = self.op_hv.q.val();
            self.op_su.d.next = self.op_su.q.val();
            self.op_sv.d.next = self.op_sv.q.val();
            self.stall.d.next = self.stall.q.val();
            for r in 0..4 {
                self.xy[r].d.next = self.xy[r].q.val();
                self.qk[r].d.next = self.qk[r].q.val();
                self.qo[r].d.next = self.qo[r].q.val();
                self.shr[r].d.next = self.shr[r].q.val();
                self.cin[r].d.next = self.cin[r].q.val();
            }
        }
        if self.reset.val() {
            self.hb.d.next = false;
            self.busy.d.next = false;
            self.ph1.d.next = false;
            self.ph2.d.next = false;
            self.run.d.next = false;
            self.ov.d.next = false;
            self.ev.d.next = false;
            self.op_hu.d.next = false;
            self.op_hv.d.next = false;
            self.op_su.d.next = false;
            self.op_sv.d.next = false;
            self.stall.d.next = false;
        }

        // ================= outputs =================
        self.in_ready.next = !self.busy.q.val();
        self.out_valid.next = self.ov.q.val();
        self.early_valid.next = self.ev.q.val();
        self.out_kind.next = self.kind.q.val();
        self.out_tag.next = self.tag.q.val();
        self.early_tag.next = self.tag.q.val();
        self.early_code.next = self.code.q.val();
        self.out_pass.next = self.pass.q.val();
        self.out_w0.next = self.rk.q.val();
        if self.kind.q.val() {
            self.out_w1.next = self.u.q.val();
            self.out_w2.next = self.xy[0].q.val().get_bits::<256>(0);
        } else if self.side1.q.val() {
            self.out_w1.next = self.xy[0].q.val().get_bits::<256>(0);
            self.out_w2.next = self.xy[2].q.val().get_bits::<256>(0);
        } else {
            self.out_w1.next = self.xy[1].q.val().get_bits::<256>(0);
            self.out_w2.next = self.xy[3].q.val().get_bits::<256>(0);
        }
    }
}
