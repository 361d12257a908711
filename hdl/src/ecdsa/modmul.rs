//! `ModMul`: 256-bit modular multiplier, mod p (secp256k1 field) or mod n (group order).
//!
//! Datapath: a 256 x 68-bit multiplier array of 44 DSP48E1 tiles (10 columns of 24-bit x 17-bit
//! tiles plus one 16-bit top column, 4 rows of 17 bits), registered at the tile outputs, feeding
//! a fabric adder tree that also adds the accumulator term. `b` is consumed in 64-bit digits,
//! most significant first (operand scanning, MSD first), so the accumulator only ever grows by
//! one digit before it is folded back:
//!
//! - **mod p** (`PSTEP`, one cycle per digit): `acc' = (acc mod 2^192) * 2^64 + fold(acc >> 192)
//!   + a * b_i`, where `fold(h) = h * (2^32 + 977) = (h << 32) + (h << 9) + (h << 8) + (h << 7)
//!   + (h << 6) + (h << 4) + h` is shifts and adds in fabric (2^256 = 2^32 + 977 mod p). `acc < 2^321` throughout.
//! - **mod n** (`NSTEP` + `NFOLD`, three cycles per digit): `acc' = acc * 2^64 + a * b_i`, then
//!   `acc' = (acc mod 2^256) + c_n * (acc >> 256)` with `c_n = 2^256 - n` (129 bits) on the same
//!   DSP array (A = c_n, B = the 66-bit top of `acc`). `acc < 2^322` throughout.
//! - **final** (one cycle, both moduli): `y = acc` (mod n) or `y = (acc mod 2^256) +
//!   fold(acc >> 256)` (mod p); then `y < 2m`, and `y >= m` iff `y + (2^256 - m) >= 2^256`, so
//!   `result = (y + c) mod 2^256` when that sum carries past bit 255, else `y`. Both sums are
//!   computed in parallel (no compare-then-subtract chain).
//!
//! The bounds behind every width are argued in `README-arith.md` and checked, step by step, by
//! `arith_model.rs` (same digits, same folds) against num-bigint.
//!
//! Timing: `start` (cycle 0) samples `a`, `b`, `modn`; the top digit goes to the tiles from the
//! ports in that same cycle. `done` is a one-cycle pulse [`MULP_LATENCY`] / [`MULN_LATENCY`]
//! cycles after the `start` cycle; `result` holds from `done` until the end of the next
//! operation. `start` while busy restarts. `reset` (synchronous) aborts.
//!
//! Carry chains: the accumulator update is two independent sums, bits 0..162 (10 operands, a
//! 166-bit result whose top 4 bits are registered as carries `cy`) and bits 162..324 (11
//! operands including `cy`); so the value is `acc = A + cy * 2^162` and no adder in the loop is
//! longer than 166 bits. The fold is a 166-bit sum. The final stage's sums are 169 bits with a
//! carry-selected 89-bit incrementer above them (see `update`).
//!
//! rust-hdl notes: no `bit_cast` widening anywhere (Verilator WIDTH, see `mulleaf.rs`): narrow
//! words are slices (`get_bits`) of wider ones, zero-extension is a slice of a right-shifted
//! word (the locals `zx_*`, whose unread top bits `verif/lint-waivers.vlt` waives by name),
//! and the one concatenation (the accumulator halves) is the `AccReg` leaf. Every adder is
//! declared at its true width so that yosys does not build carry chains over constant zeros.
//! Small constants are `Constant` fields so no 32-bit literal meets a narrow signal.

use super::mulleaf::{AccReg, MulTile};
use rust_hdl::prelude::*;

/// Width of the accumulator and of every word in the adder tree: 256 x 68-bit products and the
/// largest accumulator value (< 2^322) both fit.
pub const ACC_BITS: usize = 324;

/// The accumulator's carry chain is cut at this bit: the low `SEG` bits and the high
/// `ACC_BITS - SEG` bits are summed by two independent adders, and the low sum's carries
/// (< 2^`CY_BITS`) are stored in `cy` and added back, at weight 2^SEG, in the next step.
pub const SEG: usize = 162;
/// Width of the stored low-segment carries: at most 10 operands of < 2^SEG each.
pub const CY_BITS: usize = 4;
// `#[hdl_gen]` kernels cannot name constants: `update()` writes SEG as the literal 162.
const _: () = assert!(SEG == 162 && CY_BITS == 4);

/// Cycles from the `start` cycle to the `done` cycle for a multiplication mod p.
pub const MULP_LATENCY: u32 = 6;
/// Cycles from the `start` cycle to the `done` cycle for a multiplication mod n.
pub const MULN_LATENCY: u32 = 14;

/// Number of DSP48E1 tiles in the multiplier array.
pub const DSP_TILES: usize = 44;

/// secp256k1 field prime p, big-endian hex.
pub const P_HEX: &str = "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f";
/// secp256k1 group order n, big-endian hex.
pub const N_HEX: &str = "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141";
/// 2^256 - p = 2^32 + 977.
pub const CP_HEX: &str = "1000003d1";
/// 2^256 - n (129 bits).
pub const CN_HEX: &str = "14551231950b75fc4402da1732fc9bebf";

/// `2^k - 1` as an `N`-bit constant.
fn mask<const N: usize>(k: usize) -> Bits<N> {
    Bits::from((num_bigint::BigUint::from(1u8) << k) - 1u8)
}

/// A hex constant as `N` bits (the hex strings above are valid by construction).
fn hex_bits<const N: usize>(hex: &str) -> Bits<N> {
    Bits::from(num_bigint::BigUint::parse_bytes(hex.as_bytes(), 16).unwrap_or_default())
}

/// Number of 24-bit tile columns (bits 0..240 of A); the 16-bit top column is separate.
const COLS: usize = 10;

/// The modular multiplier (see the module docs).
#[derive(LogicBlock)]
pub struct ModMul {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous, active-high reset: aborts any operation, no `done`.
    pub reset: Signal<In, Bit>,
    /// Start an operation with `a`, `b`, `modn` (sampled this cycle).
    pub start: Signal<In, Bit>,
    /// Operand a < 2^256 (for mod p, any a < 2^256 works; the ISA promises a < p).
    pub a: Signal<In, Bits<256>>,
    /// Operand b < 2^256.
    pub b: Signal<In, Bits<256>>,
    /// 0: mod p, 1: mod n.
    pub modn: Signal<In, Bit>,
    /// One-cycle pulse: `result` is valid.
    pub done: Signal<Out, Bit>,
    /// a * b mod m, fully reduced (< m).
    pub result: Signal<Out, Bits<256>>,

    // --- state ---
    a_reg: DFF<Bits<256>>,
    b_reg: DFF<Bits<256>>,
    acc: AccReg,
    step: DFF<Bits<4>>,
    busy: DFF<Bit>,
    mode_n: DFF<Bit>,
    done_r: DFF<Bit>,
    res: DFF<Bits<256>>,

    // --- multiplier array: tiles[4 * col + row], col 0..10 (24-bit), row 0..4 (17-bit) ---
    tiles: [MulTile<24>; 40],
    tiles_hi: [MulTile<16>; 4],

    // --- control (decoded from step / mode) ---
    c_pstep: Signal<Local, Bit>,
    c_nstep: Signal<Local, Bit>,
    c_nfold: Signal<Local, Bit>,
    c_feed_fold: Signal<Local, Bit>,
    c_shift_b: Signal<Local, Bit>,
    c_final: Signal<Local, Bit>,

    // --- datapath temporaries ---
    amux: Signal<Local, Bits<256>>,
    zx_b: Signal<Local, Bits<256>>,
    bmux: Signal<Local, Bits<68>>,
    ev: [Signal<Local, Bits<ACC_BITS>>; 24],
    od: [Signal<Local, Bits<ACC_BITS>>; 20],
    x: Signal<Local, Bits<ACC_BITS>>,
    zx_h: Signal<Local, Bits<ACC_BITS>>,
    h: Signal<Local, Bits<166>>,
    fold: Signal<Local, Bits<166>>,
    lo: [Signal<Local, Bits<166>>; 10],
    hi: [Signal<Local, Bits<162>>; 9],
    cy_term: Signal<Local, Bits<162>>,
    lowsum: Signal<Local, Bits<166>>,
    highsum: Signal<Local, Bits<162>>,
    zx_hf: Signal<Local, Bits<ACC_BITS>>,
    hf: Signal<Local, Bits<257>>,
    ybase: Signal<Local, Bits<257>>,
    yf: Signal<Local, Bits<257>>,
    y: Signal<Local, Bits<257>>,
    yc: Signal<Local, Bits<257>>,
    y2: Signal<Local, Bits<257>>,
    yt: Signal<Local, Bits<257>>,
    ylo: Signal<Local, Bits<257>>,
    lo1: Signal<Local, Bits<257>>,
    lo2: Signal<Local, Bits<257>>,
    yhb: Signal<Local, Bits<257>>,
    yhb1: Signal<Local, Bits<257>>,
    yh1: Signal<Local, Bits<257>>,
    yh2: Signal<Local, Bits<257>>,

    // --- constants ---
    k_mask256: Constant<Bits<ACC_BITS>>,
    k_mask162: Constant<Bits<166>>,
    k_mask256y: Constant<Bits<257>>,
    k_zero166: Constant<Bits<166>>,
    k_zero162: Constant<Bits<162>>,
    k_zero_y: Constant<Bits<257>>,
    k_mask168y: Constant<Bits<257>>,
    k_one_y: Constant<Bits<257>>,
    k_zero4: Constant<Bits<4>>,
    k_cp: Constant<Bits<257>>,
    k_cn: Constant<Bits<257>>,
    k_cn_a: Constant<Bits<256>>,
    k_one4: Constant<Bits<4>>,
}

impl Default for ModMul {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            start: Default::default(),
            a: Default::default(),
            b: Default::default(),
            modn: Default::default(),
            done: Default::default(),
            result: Default::default(),
            a_reg: Default::default(),
            b_reg: Default::default(),
            acc: Default::default(),
            step: Default::default(),
            busy: Default::default(),
            mode_n: Default::default(),
            done_r: Default::default(),
            res: Default::default(),
            tiles: std::array::from_fn(|k| MulTile::new(24 * (k / 4) + 17 * (k % 4))),
            tiles_hi: std::array::from_fn(|j| MulTile::new(24 * COLS + 17 * j)),
            c_pstep: Default::default(),
            c_nstep: Default::default(),
            c_nfold: Default::default(),
            c_feed_fold: Default::default(),
            c_shift_b: Default::default(),
            c_final: Default::default(),
            amux: Default::default(),
            zx_b: Default::default(),
            bmux: Default::default(),
            ev: Default::default(),
            od: Default::default(),
            x: Default::default(),
            zx_h: Default::default(),
            h: Default::default(),
            fold: Default::default(),
            lo: Default::default(),
            hi: Default::default(),
            cy_term: Default::default(),
            lowsum: Default::default(),
            highsum: Default::default(),
            zx_hf: Default::default(),
            hf: Default::default(),
            ybase: Default::default(),
            yf: Default::default(),
            y: Default::default(),
            yc: Default::default(),
            y2: Default::default(),
            yt: Default::default(),
            ylo: Default::default(),
            lo1: Default::default(),
            lo2: Default::default(),
            yhb: Default::default(),
            yhb1: Default::default(),
            yh1: Default::default(),
            yh2: Default::default(),
            k_mask256: Constant::new(mask(256)),
            k_mask162: Constant::new(mask(SEG)),
            k_mask256y: Constant::new(mask(256)),
            k_zero166: Constant::new(Bits::default()),
            k_zero162: Constant::new(Bits::default()),
            k_zero_y: Constant::new(Bits::default()),
            k_mask168y: Constant::new(mask(168)),
            k_one_y: Constant::new(1.into()),
            k_zero4: Constant::new(Bits::default()),
            k_cp: Constant::new(hex_bits(CP_HEX)),
            k_cn: Constant::new(hex_bits(CN_HEX)),
            k_cn_a: Constant::new(hex_bits(CN_HEX)),
            k_one4: Constant::new(1.into()),
        }
    }
}

impl Logic for ModMul {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, a_reg, b_reg, step, busy, mode_n, done_r, res);
        self.acc.clock.next = self.clock.val();

        // ---------------- control decode ----------------
        // Decoded from registers only (no path from the `start` port into the datapath's
        // control); a `start` overrides every register update below.
        self.c_pstep.next = false;
        self.c_nstep.next = false;
        self.c_nfold.next = false;
        self.c_feed_fold.next = false;
        self.c_shift_b.next = false;
        self.c_final.next = false;
        if self.busy.q.val() {
            if self.mode_n.q.val() {
                match self.step.q.val().index() {
                    1 => {
                        self.c_nstep.next = true;
                    }
                    2 => {
                        self.c_feed_fold.next = true;
                    }
                    3 => {
                        self.c_nfold.next = true;
                        self.c_shift_b.next = true;
                    }
                    4 => {
                        self.c_nstep.next = true;
                    }
                    5 => {
                        self.c_feed_fold.next = true;
                    }
                    6 => {
                        self.c_nfold.next = true;
                        self.c_shift_b.next = true;
                    }
                    7 => {
                        self.c_nstep.next = true;
                    }
                    8 => {
                        self.c_feed_fold.next = true;
                    }
                    9 => {
                        self.c_nfold.next = true;
                        self.c_shift_b.next = true;
                    }
                    10 => {
                        self.c_nstep.next = true;
                    }
                    11 => {
                        self.c_feed_fold.next = true;
                    }
                    12 => {
                        self.c_nfold.next = true;
                    }
                    13 => {
                        self.c_final.next = true;
                    }
                    _ => {}
                }
            } else {
                match self.step.q.val().index() {
                    1 => {
                        self.c_pstep.next = true;
                        self.c_shift_b.next = true;
                    }
                    2 => {
                        self.c_pstep.next = true;
                        self.c_shift_b.next = true;
                    }
                    3 => {
                        self.c_pstep.next = true;
                        self.c_shift_b.next = true;
                    }
                    4 => {
                        self.c_pstep.next = true;
                    }
                    5 => {
                        self.c_final.next = true;
                    }
                    _ => {}
                }
            }
        }

        // ---------------- multiplier operands ----------------
        if self.start.val() {
            self.amux.next = self.a.val();
            self.zx_b.next = self.b.val() >> 192;
        } else if self.c_feed_fold.val() {
            self.amux.next = self.k_cn_a.val();
            self.zx_b.next = self.b_reg.q.val() >> 192;
        } else {
            self.amux.next = self.a_reg.q.val();
            self.zx_b.next = self.b_reg.q.val() >> 192;
        }
        // Zero extension of the 64-bit digit to the 68-bit B port: a slice of the shifted word
        // (its bits 64.. are zero), no cast.
        if self.c_feed_fold.val() {
            self.bmux.next = self.acc.q.val().get_bits::<68>(256);
        } else {
            self.bmux.next = self.zx_b.val().get_bits::<68>(0);
        }
        for i in 0..10 {
            for j in 0..4 {
                self.tiles[4 * i + j].clock.next = self.clock.val();
                self.tiles[4 * i + j].a.next = self.amux.val().get_bits::<24>(24 * i);
                self.tiles[4 * i + j].b.next = self.bmux.val().get_bits::<17>(17 * j);
            }
        }
        for j in 0..4 {
            self.tiles_hi[j].clock.next = self.clock.val();
            self.tiles_hi[j].a.next = self.amux.val().get_bits::<16>(240);
            self.tiles_hi[j].b.next = self.bmux.val().get_bits::<17>(17 * j);
        }

        // ---------------- partial products ----------------
        // Per row, the even columns (0, 2, .., 8, top) and the odd columns (1, 3, .., 9) each
        // occupy disjoint bit ranges (41-bit products at a 48-bit pitch), so OR concatenates.
        for j in 0..4 {
            self.ev[6 * j].next = self.tiles[j].p.val();
            for k in 1..5 {
                self.ev[6 * j + k].next =
                    self.ev[6 * j + k - 1].val() | self.tiles[8 * k + j].p.val();
            }
            self.ev[6 * j + 5].next = self.ev[6 * j + 4].val() | self.tiles_hi[j].p.val();
            self.od[5 * j].next = self.tiles[4 + j].p.val();
            for k in 1..5 {
                self.od[5 * j + k].next =
                    self.od[5 * j + k - 1].val() | self.tiles[8 * k + 4 + j].p.val();
            }
        }

        // ---------------- accumulator operand X ----------------
        if self.c_nfold.val() {
            self.x.next = self.acc.q.val() & self.k_mask256.val();
        } else if self.c_pstep.val() {
            self.x.next = (self.acc.q.val() << 64) & self.k_mask256.val();
        } else {
            self.x.next = self.acc.q.val() << 64;
        }

        // ---------------- fold by 2^256 = 2^32 + 977 (mod p), 166 bits ----------------
        // h = A >> 192 < 2^132, fold(h) < 2^165.
        // 977 = 2^9 + 2^8 + 2^7 + 2^6 + 2^4 + 1: all terms positive, so the sum's width is
        // its true width.
        self.zx_h.next = self.acc.q.val() >> 192;
        self.h.next = self.zx_h.val().get_bits::<166>(0);
        self.fold.next = (self.h.val() << 32)
            + (self.h.val() << 9)
            + (self.h.val() << 8)
            + (self.h.val() << 7)
            + (self.h.val() << 6)
            + (self.h.val() << 4)
            + self.h.val();

        // ---------------- split operands at bit 162 ----------------
        for j in 0..4 {
            self.lo[2 * j].next =
                self.ev[6 * j + 5].val().get_bits::<166>(0) & self.k_mask162.val();
            self.hi[2 * j].next = self.ev[6 * j + 5].val().get_bits::<162>(162);
            self.lo[2 * j + 1].next =
                self.od[5 * j + 4].val().get_bits::<166>(0) & self.k_mask162.val();
            self.hi[2 * j + 1].next = self.od[5 * j + 4].val().get_bits::<162>(162);
        }
        self.lo[8].next = self.x.val().get_bits::<166>(0) & self.k_mask162.val();
        self.hi[8].next = self.x.val().get_bits::<162>(162);
        // The whole fold joins the low sum (A < 2^321 bounds it by 2^162 * 1.0001, so the low
        // sum stays < 2^166): its carry chain then feeds only the top of the low adder, never
        // the bottom of the high one.
        if self.c_pstep.val() {
            self.lo[9].next = self.fold.val();
        } else {
            self.lo[9].next = self.k_zero166.val();
        }
        // The stored carries weigh 2^162; after the digit shift of PSTEP / NSTEP, 2^(162+64).
        if self.c_nfold.val() {
            self.cy_term.next = self.acc.cy_at0.val();
        } else {
            self.cy_term.next = self.acc.cy_at64.val();
        }
        // Two independent sums: 10 low parts (< 2^166, top 4 bits become the new carries) and
        // 9 high parts plus the carries (< 2^160 by the value bound, so nothing is lost).
        self.lowsum.next = self.lo[0].val()
            + self.lo[1].val()
            + self.lo[2].val()
            + self.lo[3].val()
            + self.lo[4].val()
            + self.lo[5].val()
            + self.lo[6].val()
            + self.lo[7].val()
            + self.lo[8].val()
            + self.lo[9].val();
        self.highsum.next = self.hi[0].val()
            + self.hi[1].val()
            + self.hi[2].val()
            + self.hi[3].val()
            + self.hi[4].val()
            + self.hi[5].val()
            + self.hi[6].val()
            + self.hi[7].val()
            + self.hi[8].val()
            + self.cy_term.val();

        // ---------------- final reduction (257-bit words) ----------------
        // y < 2m < 2^257 and y + (2^256 - m) < m + 2^256 < 2^257.
        self.zx_hf.next = self.acc.q.val() >> 256;
        self.hf.next = self.zx_hf.val().get_bits::<257>(0);
        if self.mode_n.q.val() {
            self.ybase.next = self.acc.q.val().get_bits::<257>(0);
            self.yf.next = self.k_zero_y.val();
            self.yc.next = self.k_cn.val();
        } else {
            self.ybase.next = self.acc.q.val().get_bits::<257>(0) & self.k_mask256y.val();
            self.yf.next = (self.hf.val() << 32)
                + (self.hf.val() << 9)
                + (self.hf.val() << 8)
                + (self.hf.val() << 7)
                + (self.hf.val() << 6)
                + (self.hf.val() << 4)
                + self.hf.val();
            self.yc.next = self.k_cp.val();
        }
        // y = ybase + t and y2 = y + yc with t = yf + cy * 2^162 < 2^167 and yc < 2^129, as two
        // parallel 169-bit sums of the low 168 bits (lo1, lo2 < 2^168 + 2^167 + 2^129 < 2^169,
        // so each carries at most 1 into bit 168) and one shared incrementer of the high 89
        // bits (carry-select). Longest chain: 169 bits (43 CARRY4) instead of two chained
        // 257-bit sums (65 CARRY4 + the select), which set the engine's clock.
        self.yt.next = self.yf.val() + self.acc.cy_at162.val();
        self.ylo.next = self.ybase.val() & self.k_mask168y.val();
        self.lo1.next = self.ylo.val() + self.yt.val();
        self.lo2.next = self.ylo.val() + self.yt.val() + self.yc.val();
        self.yhb.next = self.ybase.val() >> 168;
        self.yhb1.next = self.yhb.val() + self.k_one_y.val();
        self.yh1.next = self.yhb.val();
        if self.lo1.val().get_bit(168) {
            self.yh1.next = self.yhb1.val();
        }
        self.yh2.next = self.yhb.val();
        if self.lo2.val().get_bit(168) {
            self.yh2.next = self.yhb1.val();
        }
        self.y.next = (self.yh1.val() << 168) | (self.lo1.val() & self.k_mask168y.val());
        self.y2.next = (self.yh2.val() << 168) | (self.lo2.val() & self.k_mask168y.val());

        // ---------------- registers ----------------
        self.done_r.d.next = false;
        // Hold by default.
        self.acc.lo_d.next = self.acc.q.val().get_bits::<162>(0);
        self.acc.hi_d.next = self.acc.q.val().get_bits::<162>(162);
        self.acc.cy_d.next = self.acc.cy_at0.val().get_bits::<4>(0);
        if self.c_pstep.val() | self.c_nstep.val() | self.c_nfold.val() {
            self.acc.lo_d.next = self.lowsum.val().get_bits::<162>(0);
            self.acc.hi_d.next = self.highsum.val();
            self.acc.cy_d.next = self.lowsum.val().get_bits::<4>(162);
        }
        if self.c_shift_b.val() {
            self.b_reg.d.next = self.b_reg.q.val() << 64;
        }
        if self.busy.q.val() {
            self.step.d.next = self.step.q.val() + self.k_one4.val();
        }
        if self.c_final.val() {
            self.busy.d.next = false;
            self.done_r.d.next = true;
            // y >= m  <=>  y + (2^256 - m) >= 2^256. (y bit 256 implies it; ORed in so that
            // every bit of y is used, which keeps `verilator -Wall` quiet.)
            if self.y2.val().get_bit(256) | self.y.val().get_bit(256) {
                self.res.d.next = self.y2.val().get_bits::<256>(0);
            } else {
                self.res.d.next = self.y.val().get_bits::<256>(0);
            }
        }
        if self.start.val() {
            self.a_reg.d.next = self.a.val();
            self.b_reg.d.next = self.b.val() << 64;
            self.acc.lo_d.next = self.k_zero162.val();
            self.acc.hi_d.next = self.k_zero162.val();
            self.acc.cy_d.next = self.k_zero4.val();
            self.step.d.next = self.k_one4.val();
            self.busy.d.next = true;
            self.mode_n.d.next = self.modn.val();
        }
        if self.reset.val() {
            self.busy.d.next = false;
            self.done_r.d.next = false;
        }
        self.done.next = self.done_r.q.val();
        self.result.next = self.res.q.val();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// rust-hdl's own simulator (the Rust meaning of `update()`, leaves included) agrees with
    /// the model on one product per modulus, with the published latency. Smoke test only: the
    /// equivalence tests run on Verilator (`verif/tests/ecdsa_arith.rs`).
    #[test]
    fn modmul_rust_hdl_sim_smoke() {
        use crate::ecdsa::arith_model::{self, Modulus};
        use num_bigint::BigUint;
        let a = BigUint::parse_bytes(P_HEX.as_bytes(), 16).unwrap() - 3u8;
        let b = BigUint::parse_bytes(N_HEX.as_bytes(), 16).unwrap() + 12345u32;
        let mut cases = Vec::new();
        for (modn, m, lat) in [
            (false, Modulus::P, MULP_LATENCY),
            (true, Modulus::N, MULN_LATENCY),
        ] {
            let t = arith_model::modmul(&a, &b, m).unwrap();
            assert_eq!(t.result, (&a * &b) % m.value());
            cases.push((modn, Bits::<256>::from(t.result), lat));
        }
        let (av, bv) = (Bits::<256>::from(a), Bits::<256>::from(b));
        let mut sim = Simulation::new();
        sim.add_clock(5, |x: &mut Box<ModMul>| x.clock.next = !x.clock.val());
        sim.add_testbench(move |mut sim: Sim<ModMul>| {
            let mut x = sim.init()?;
            for (modn, expect, lat) in cases.clone() {
                x.a.next = av;
                x.b.next = bv;
                x.modn.next = modn;
                x.start.next = true;
                wait_clock_cycle!(sim, clock, x);
                x.start.next = false;
                let mut n = 1u32;
                while !x.done.val() && n < 40 {
                    wait_clock_cycle!(sim, clock, x);
                    n += 1;
                }
                sim_assert_eq!(sim, x.result.val(), expect, x);
                sim_assert_eq!(sim, n, lat, x);
            }
            sim.done(x)
        });
        let mut uut = ModMul::default();
        uut.connect_all();
        sim.run(Box::new(uut), 10_000).unwrap();
    }

    /// The generated Verilog passes `verilator --lint-only -Wall`, every warning fatal, with
    /// the project's waiver file (`verif/lint-waivers.vlt`, each waiver with its reason).
    #[test]
    fn modmul_verilog_lints_clean() {
        let v = crate::prim::verilog_of(ModMul::default());
        if let Err(e) = crate::prim::lint::verilator_lint("ecdsa_arith", "modmul", &v, &[]) {
            panic!("{e}");
        }
    }
}
