//! `AluBack`: stages S2..S5 of the [`Alu`](super::Alu) — the 261-bit carry-propagate sum and
//! the mod-p fold (see the module docs of `alu`). Inputs are S1's registers; outputs are
//! S5's registers.
//!
//! - **S2**: `s + c` (or SHRR's `(t >> 1) + 0` after its last 4:1 shift) in eight 32-bit
//!   chunks with carry-in 0 plus the 5-bit top chunk; per chunk the sum, generate (carry out)
//!   and propagate (all of `s ^ c` set) are registered, and both values H can take: the top
//!   chunk's sum `h0` and `h0 + 1` (a carry out of bit 255).
//! - **S3**: chunk carries `cin[k+1] = g[k] | p[k] & cin[k]`, chunk increments, so
//!   `T = H·2^256 + L`. Beside the carry chain, for both candidates of H a table gives
//!   `E0 = H·c` and `E1 = (H ± 1)·c` (+1 when H >= 0, -1 when H < 0) as 40-bit two's
//!   complement, their negations (for the zero test), H's sign and the C/LT flags; the carry
//!   out of bit 255 picks one (a 2:1 choice). SHRR: `E0 = t & 1`; other ops: `E0 = 0`.
//! - **S4**: `lo_i = L[39:0] + E_i` (carry `c_i`); the upper 216 bits of L in seven chunks get
//!   `adj = chunk ± 1` with its carry out, registered with zero flags of `chunk` and `adj`.
//!   The candidate choice: `take1` = (H >= 0 and L + E1 carries past bit 255) or (H < 0 and
//!   L + E0 borrows past bit 255); the chosen candidate's ±1 reaches chunk j iff its low carry
//!   (or borrow) is set and every lower chunk propagates (all ones / all zeros).
//! - **S5**: per bit a 2:1 choice; EQ from the chosen zero flags.

use super::ALU_TAG_BITS;
use crate::prim::Widen;
use crate::prim::{placed_array, Placed};
use num_bigint::BigInt;
use rust_hdl::prelude::*;

/// c = 2^256 - p.
const C_P: i64 = (1 << 32) + 977;

/// `v mod 2^40` as 40 bits (v may be negative).
fn two40(v: i64) -> Bits<40> {
    let m = BigInt::from(1u64 << 40);
    let r = ((BigInt::from(v) % &m) + &m) % &m;
    let (_, digits) = r.to_u64_digits();
    Bits::from(digits.first().copied().unwrap_or(0))
}

/// An `N`-bit constant.
fn k<const N: usize>(v: u64) -> Constant<Bits<N>> {
    Constant::new(Bits::from(v))
}

/// `2^bits - 1` as an `N`-bit constant.
fn big<const N: usize>(bits: usize) -> Constant<Bits<N>> {
    Constant::new(Bits::from((num_bigint::BigUint::from(1u8) << bits) - 1u8))
}

/// The 5-bit two's complement value of table index `i`.
fn signed5(i: usize) -> i64 {
    let i = i as i64;
    if i >= 16 {
        i - 32
    } else {
        i
    }
}

#[derive(LogicBlock)]
pub(super) struct AluBack {
    pub clock: Signal<In, Clock>,
    /// Clears the output stage's tag and controls (see S5).
    pub reset: Signal<In, Bit>,
    pub s: Signal<In, Bits<261>>,
    pub c: Signal<In, Bits<261>>,
    pub u: Signal<In, Bits<256>>,
    pub sh: Signal<In, Bits<2>>,
    pub od: Signal<In, Bit>,
    pub ctl: Signal<In, Bits<10>>,
    pub tag: Signal<In, Bits<ALU_TAG_BITS>>,
    pub out_valid: Signal<Out, Bit>,
    pub out_we: Signal<Out, Bit>,
    pub out_rec: Signal<Out, Bit>,
    pub out_eq_we: Signal<Out, Bit>,
    pub out_lt_we: Signal<Out, Bit>,
    pub out_c_we: Signal<Out, Bit>,
    pub out_od_we: Signal<Out, Bit>,
    pub out_tag: Signal<Out, Bits<ALU_TAG_BITS>>,
    pub out_data: Signal<Out, Bits<256>>,
    pub out_eq: Signal<Out, Bit>,
    pub out_lt: Signal<Out, Bit>,
    pub out_c: Signal<Out, Bit>,
    pub out_od: Signal<Out, Bit>,
    // ---- S2 ----
    t: Signal<Local, Bits<256>>,
    t_ext: Widen<256, 261>,
    xs: Signal<Local, Bits<261>>,
    ys: Signal<Local, Bits<261>>,
    sum0: [Signal<Local, Bits<33>>; 8],
    s2_sum: [DFF<Bits<32>>; 8],
    s2_g: [DFF<Bit>; 8],
    s2_p: [DFF<Bit>; 8],
    /// H for no carry out of bit 255 (`[0]`: the top chunk's sum) and for a carry (`[1]`).
    s2_h: [DFF<Bits<5>>; 2],
    s2_t0: DFF<Bit>,
    s2_od: DFF<Bit>,
    s2_ctl: DFF<Bits<10>>,
    s2_tag: DFF<Bits<ALU_TAG_BITS>>,
    // ---- S3 ----
    run: Signal<Local, Bit>,
    cin: [Signal<Local, Bits<32>>; 8],
    chunk: [Signal<Local, Bits<32>>; 8],
    chunk_ext: [Placed<32, 256>; 8],
    lv: Signal<Local, Bits<256>>,
    /// Per candidate H (`s2_h`): the fold constants, H's sign and the C/LT flags.
    e0c: [Signal<Local, Bits<40>>; 2],
    e1c: [Signal<Local, Bits<40>>; 2],
    ne0c: [Signal<Local, Bits<40>>; 2],
    ne1c: [Signal<Local, Bits<40>>; 2],
    posc: [Signal<Local, Bit>; 2],
    ltc: [Signal<Local, Bit>; 2],
    cc: [Signal<Local, Bit>; 2],
    s3_l: DFF<Bits<256>>,
    s3_e0: DFF<Bits<40>>,
    s3_e1: DFF<Bits<40>>,
    s3_ne0: DFF<Bits<40>>,
    s3_ne1: DFF<Bits<40>>,
    s3_pos: DFF<Bit>,
    s3_lt: DFF<Bit>,
    s3_c: DFF<Bit>,
    s3_od: DFF<Bit>,
    s3_ctl: DFF<Bits<10>>,
    s3_tag: DFF<Bits<ALU_TAG_BITS>>,
    // ---- S4 ----
    l40_ext: Widen<40, 41>,
    e0_ext: Widen<40, 41>,
    e1_ext: Widen<40, 41>,
    lo0: Signal<Local, Bits<41>>,
    lo1: Signal<Local, Bits<41>>,
    uc_ext: [Widen<32, 33>; 6],
    uc6_ext: Widen<24, 25>,
    adj: [Signal<Local, Bits<33>>; 6],
    adj6: Signal<Local, Bits<25>>,
    pp: [Signal<Local, Bit>; 7],
    pre: Signal<Local, Bit>,
    take1: Signal<Local, Bit>,
    csel: Signal<Local, Bit>,
    s4_lo0: DFF<Bits<40>>,
    s4_lo1: DFF<Bits<40>>,
    s4_uc: [DFF<Bits<32>>; 6],
    s4_uc6: DFF<Bits<24>>,
    s4_adj: [DFF<Bits<32>>; 6],
    s4_adj6: DFF<Bits<24>>,
    s4_pre: [DFF<Bit>; 7],
    s4_lz: [DFF<Bit>; 7],
    s4_az: [DFF<Bit>; 7],
    s4_u: DFF<Bit>,
    s4_take1: DFF<Bit>,
    s4_zl0: DFF<Bit>,
    s4_zl1: DFF<Bit>,
    s4_lt: DFF<Bit>,
    s4_c: DFF<Bit>,
    s4_od: DFF<Bit>,
    s4_ctl: DFF<Bits<10>>,
    s4_tag: DFF<Bits<ALU_TAG_BITS>>,
    // ---- S5 ----
    use_adj: [Signal<Local, Bit>; 7],
    eqv: Signal<Local, Bit>,
    lo_ext: Widen<40, 256>,
    up_ext: [Placed<32, 256>; 6],
    up6_ext: Placed<24, 256>,
    upv: [Signal<Local, Bits<32>>; 6],
    upv6: Signal<Local, Bits<24>>,
    lov: Signal<Local, Bits<40>>,
    dv: Signal<Local, Bits<256>>,
    s5_data: DFF<Bits<256>>,
    s5_eq: DFF<Bit>,
    s5_lt: DFF<Bit>,
    s5_c: DFF<Bit>,
    s5_od: DFF<Bit>,
    /// Only the bits read at the output (0..5, 7); the stage controls end at S4.
    s5_ctl: DFF<Bits<8>>,
    s5_tag: DFF<Bits<ALU_TAG_BITS>>,
    // ---- constants ----
    k_m32: Constant<Bits<33>>,
    k_ones32: Constant<Bits<32>>,
    k_zero32: Constant<Bits<32>>,
    k_one32: Constant<Bits<32>>,
    k_one5: Constant<Bits<5>>,
    k_zero261: Constant<Bits<261>>,
    k_zero256: Constant<Bits<256>>,
    /// 1, 2, 3.
    k_sh: [Constant<Bits<2>>; 3],
    k_idx5: [Constant<Bits<5>>; 32],
    k_e0: [Constant<Bits<40>>; 32],
    k_e1: [Constant<Bits<40>>; 32],
    k_ne0: [Constant<Bits<40>>; 32],
    k_ne1: [Constant<Bits<40>>; 32],
    k_zero40: Constant<Bits<40>>,
    k_one40: Constant<Bits<40>>,
    k_ones40: Constant<Bits<40>>,
    k_one33: Constant<Bits<33>>,
    k_ones33: Constant<Bits<33>>,
    k_one25: Constant<Bits<25>>,
    k_ones25: Constant<Bits<25>>,
    k_zero24: Constant<Bits<24>>,
    k_one24: Constant<Bits<24>>,
    k_ones24: Constant<Bits<24>>,
    k_zero8: Constant<Bits<8>>,
    k_ztag: Constant<Bits<ALU_TAG_BITS>>,
}

impl Default for AluBack {
    fn default() -> Self {
        let e0 = |i: usize| signed5(i) * C_P;
        let e1 = |i: usize| {
            let h = signed5(i);
            (if h >= 0 { h + 1 } else { h - 1 }) * C_P
        };
        Self {
            clock: Default::default(),
            reset: Default::default(),
            s: Default::default(),
            c: Default::default(),
            u: Default::default(),
            sh: Default::default(),
            od: Default::default(),
            ctl: Default::default(),
            tag: Default::default(),
            out_valid: Default::default(),
            out_we: Default::default(),
            out_rec: Default::default(),
            out_eq_we: Default::default(),
            out_lt_we: Default::default(),
            out_c_we: Default::default(),
            out_od_we: Default::default(),
            out_tag: Default::default(),
            out_data: Default::default(),
            out_eq: Default::default(),
            out_lt: Default::default(),
            out_c: Default::default(),
            out_od: Default::default(),
            t: Default::default(),
            t_ext: Default::default(),
            xs: Default::default(),
            ys: Default::default(),
            sum0: Default::default(),
            s2_sum: Default::default(),
            s2_g: Default::default(),
            s2_p: Default::default(),
            s2_h: Default::default(),
            s2_t0: Default::default(),
            s2_od: Default::default(),
            s2_ctl: Default::default(),
            s2_tag: Default::default(),
            run: Default::default(),
            cin: Default::default(),
            chunk: Default::default(),
            chunk_ext: placed_array(0, 32),
            lv: Default::default(),
            e0c: Default::default(),
            e1c: Default::default(),
            ne0c: Default::default(),
            ne1c: Default::default(),
            posc: Default::default(),
            ltc: Default::default(),
            cc: Default::default(),
            s3_l: Default::default(),
            s3_e0: Default::default(),
            s3_e1: Default::default(),
            s3_ne0: Default::default(),
            s3_ne1: Default::default(),
            s3_pos: Default::default(),
            s3_lt: Default::default(),
            s3_c: Default::default(),
            s3_od: Default::default(),
            s3_ctl: Default::default(),
            s3_tag: Default::default(),
            l40_ext: Default::default(),
            e0_ext: Default::default(),
            e1_ext: Default::default(),
            lo0: Default::default(),
            lo1: Default::default(),
            uc_ext: Default::default(),
            uc6_ext: Default::default(),
            adj: Default::default(),
            adj6: Default::default(),
            pp: Default::default(),
            pre: Default::default(),
            take1: Default::default(),
            csel: Default::default(),
            s4_lo0: Default::default(),
            s4_lo1: Default::default(),
            s4_uc: Default::default(),
            s4_uc6: Default::default(),
            s4_adj: Default::default(),
            s4_adj6: Default::default(),
            s4_pre: Default::default(),
            s4_lz: Default::default(),
            s4_az: Default::default(),
            s4_u: Default::default(),
            s4_take1: Default::default(),
            s4_zl0: Default::default(),
            s4_zl1: Default::default(),
            s4_lt: Default::default(),
            s4_c: Default::default(),
            s4_od: Default::default(),
            s4_ctl: Default::default(),
            s4_tag: Default::default(),
            use_adj: Default::default(),
            eqv: Default::default(),
            lo_ext: Default::default(),
            up_ext: placed_array(40, 32),
            up6_ext: Placed::new(232),
            upv: Default::default(),
            upv6: Default::default(),
            lov: Default::default(),
            dv: Default::default(),
            s5_data: Default::default(),
            s5_eq: Default::default(),
            s5_lt: Default::default(),
            s5_c: Default::default(),
            s5_od: Default::default(),
            s5_ctl: Default::default(),
            s5_tag: Default::default(),
            k_m32: big(32),
            k_ones32: big(32),
            k_zero32: k(0),
            k_one32: k(1),
            k_one5: k(1),
            k_zero261: Constant::new(Bits::default()),
            k_zero256: Constant::new(Bits::default()),
            k_sh: std::array::from_fn(|i| k(i as u64 + 1)),
            k_idx5: std::array::from_fn(|i| k(i as u64)),
            k_e0: std::array::from_fn(|i| Constant::new(two40(e0(i)))),
            k_e1: std::array::from_fn(|i| Constant::new(two40(e1(i)))),
            k_ne0: std::array::from_fn(|i| Constant::new(two40(-e0(i)))),
            k_ne1: std::array::from_fn(|i| Constant::new(two40(-e1(i)))),
            k_zero40: k(0),
            k_one40: k(1),
            k_ones40: big(40),
            k_one33: k(1),
            k_ones33: big(32),
            k_one25: k(1),
            k_ones25: big(24),
            k_zero24: k(0),
            k_one24: k(1),
            k_ones24: big(24),
            k_zero8: k(0),
            k_ztag: k(0),
        }
    }
}

impl Logic for AluBack {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, s2_t0, s2_od, s2_ctl, s2_tag, s3_l, s3_e0, s3_e1, s3_ne0, s3_ne1, s3_pos,
            s3_lt, s3_c, s3_od, s3_ctl, s3_tag, s4_lo0, s4_lo1, s4_uc6, s4_adj6, s4_u, s4_take1,
            s4_zl0, s4_zl1, s4_lt, s4_c, s4_od, s4_ctl, s4_tag, s5_data, s5_eq, s5_lt, s5_c, s5_od,
            s5_ctl, s5_tag
        );
        for j in 0..2 {
            self.s2_h[j].clock.next = self.clock.val();
        }
        for k in 0..8 {
            self.s2_sum[k].clock.next = self.clock.val();
            self.s2_g[k].clock.next = self.clock.val();
            self.s2_p[k].clock.next = self.clock.val();
        }
        for j in 0..6 {
            self.s4_uc[j].clock.next = self.clock.val();
            self.s4_adj[j].clock.next = self.clock.val();
        }
        for j in 0..7 {
            self.s4_pre[j].clock.next = self.clock.val();
            self.s4_lz[j].clock.next = self.clock.val();
            self.s4_az[j].clock.next = self.clock.val();
        }

        // ================= S2: chunk sums =================
        // SHRR: the last 4:1 level of the shift by imm - 1, then (t >> 1) + 0.
        self.t.next = self.u.val();
        if self.sh.val() == self.k_sh[0].val() {
            self.t.next = self.u.val() >> 1;
        }
        if self.sh.val() == self.k_sh[1].val() {
            self.t.next = self.u.val() >> 2;
        }
        if self.sh.val() == self.k_sh[2].val() {
            self.t.next = self.u.val() >> 3;
        }
        self.t_ext.inp.next = self.t.val() >> 1;
        self.xs.next = self.s.val();
        self.ys.next = self.c.val();
        if self.ctl.val().get_bit(9) {
            self.xs.next = self.t_ext.out.val();
            self.ys.next = self.k_zero261.val();
        }
        for k in 0..8 {
            self.sum0[k].next = (self.xs.val().get_bits::<33>(k * 32) & self.k_m32.val())
                + (self.ys.val().get_bits::<33>(k * 32) & self.k_m32.val());
            self.s2_sum[k].d.next = self.sum0[k].val().get_bits::<32>(0);
            self.s2_g[k].d.next = self.sum0[k].val().get_bit(32);
            self.s2_p[k].d.next = (self.xs.val().get_bits::<32>(k * 32)
                ^ self.ys.val().get_bits::<32>(k * 32))
                == self.k_ones32.val();
        }
        // H = T >> 256 is the top chunk's sum plus the carry out of bit 255 (resolved in S3);
        // both values are registered, so S3 looks both up in the fold table beside its carry
        // chain and ends in a 2:1 choice (an increment of H and then the table after the
        // chain was the top's critical path at 160 MHz: 6.155 ns, `timing-report`).
        self.s2_h[0].d.next = self.xs.val().get_bits::<5>(256) + self.ys.val().get_bits::<5>(256);
        self.s2_h[1].d.next =
            self.xs.val().get_bits::<5>(256) + self.ys.val().get_bits::<5>(256) + self.k_one5.val();
        self.s2_t0.d.next = self.t.val().get_bit(0);
        self.s2_od.d.next = self.od.val();
        self.s2_ctl.d.next = self.ctl.val();
        self.s2_tag.d.next = self.tag.val();

        // ================= S3: carries, T = H·2^256 + L, fold constants =================
        self.run.next = false;
        for k in 0..8 {
            self.cin[k].next = self.k_zero32.val();
            if self.run.val() {
                self.cin[k].next = self.k_one32.val();
            }
            self.run.next = self.s2_g[k].q.val() | (self.s2_p[k].q.val() & self.run.val());
        }
        self.lv.next = self.k_zero256.val();
        for k in 0..8 {
            self.chunk[k].next = self.s2_sum[k].q.val() + self.cin[k].val();
            self.chunk_ext[k].inp.next = self.chunk[k].val();
            self.lv.next = self.lv.val() | self.chunk_ext[k].out.val();
        }
        self.s3_l.d.next = self.lv.val();
        // Both candidates of H through the table, in parallel with the carry chain.
        for j in 0..2 {
            self.e0c[j].next = self.k_zero40.val();
            self.e1c[j].next = self.k_zero40.val();
            self.ne0c[j].next = self.k_zero40.val();
            self.ne1c[j].next = self.k_zero40.val();
            self.posc[j].next = true;
            if self.s2_ctl.q.val().get_bit(8) {
                for i in 0..32 {
                    if self.s2_h[j].q.val() == self.k_idx5[i].val() {
                        self.e0c[j].next = self.k_e0[i].val();
                        self.e1c[j].next = self.k_e1[i].val();
                        self.ne0c[j].next = self.k_ne0[i].val();
                        self.ne1c[j].next = self.k_ne1[i].val();
                    }
                }
                self.posc[j].next = !self.s2_h[j].q.val().get_bit(4);
            }
            // ADD: carry = T bit 256; SUB: borrow = T < 0; CMP: LT = T < 0.
            self.cc[j].next = self.s2_h[j].q.val().get_bit(0);
            if self.s2_ctl.q.val().get_bit(6) {
                self.cc[j].next = self.s2_h[j].q.val().get_bit(4);
            }
            self.ltc[j].next = self.s2_h[j].q.val().get_bit(4);
        }
        // `run` is now the carry out of bit 255: it picks H's candidate.
        self.s3_e0.d.next = self.e0c[0].val();
        self.s3_e1.d.next = self.e1c[0].val();
        self.s3_ne0.d.next = self.ne0c[0].val();
        self.s3_ne1.d.next = self.ne1c[0].val();
        self.s3_pos.d.next = self.posc[0].val();
        self.s3_c.d.next = self.cc[0].val();
        self.s3_lt.d.next = self.ltc[0].val();
        if self.run.val() {
            self.s3_e0.d.next = self.e0c[1].val();
            self.s3_e1.d.next = self.e1c[1].val();
            self.s3_ne0.d.next = self.ne0c[1].val();
            self.s3_ne1.d.next = self.ne1c[1].val();
            self.s3_pos.d.next = self.posc[1].val();
            self.s3_c.d.next = self.cc[1].val();
            self.s3_lt.d.next = self.ltc[1].val();
        }
        if self.s2_ctl.q.val().get_bit(9) & self.s2_t0.q.val() {
            self.s3_e0.d.next = self.k_one40.val();
            self.s3_ne0.d.next = self.k_ones40.val();
        }
        self.s3_od.d.next = self.s2_od.q.val();
        self.s3_ctl.d.next = self.s2_ctl.q.val();
        self.s3_tag.d.next = self.s2_tag.q.val();

        // ================= S4: both candidates' low adds, upper chunks ±1 =================
        self.l40_ext.inp.next = self.s3_l.q.val().get_bits::<40>(0);
        self.e0_ext.inp.next = self.s3_e0.q.val();
        self.e1_ext.inp.next = self.s3_e1.q.val();
        self.lo0.next = self.l40_ext.out.val() + self.e0_ext.out.val();
        self.lo1.next = self.l40_ext.out.val() + self.e1_ext.out.val();
        self.s4_lo0.d.next = self.lo0.val().get_bits::<40>(0);
        self.s4_lo1.d.next = self.lo1.val().get_bits::<40>(0);
        self.s4_zl0.d.next = self.s3_l.q.val().get_bits::<40>(0) == self.s3_ne0.q.val();
        self.s4_zl1.d.next = self.s3_l.q.val().get_bits::<40>(0) == self.s3_ne1.q.val();
        // Chunk j of L[255:40] (j < 6: 32 bits at 40 + 32j; j = 6: 24 bits at 232).
        self.pre.next = true;
        for j in 0..6 {
            self.uc_ext[j].inp.next = self.s3_l.q.val().get_bits::<32>(40 + j * 32);
            self.adj[j].next = self.uc_ext[j].out.val() + self.k_ones33.val();
            if self.s3_pos.q.val() {
                self.adj[j].next = self.uc_ext[j].out.val() + self.k_one33.val();
            }
            // Propagate: pos (chunk + 1 overflows) = all ones; neg (chunk - 1 borrows) = 0.
            // Compared on the chunk itself, not read off the adder's carry out: the adder's
            // chain behind s3_pos's mux was the path s3_pos -> s4_take1 (5.67 ns in the top).
            self.pp[j].next = self.s3_l.q.val().get_bits::<32>(40 + j * 32) == self.k_zero32.val();
            if self.s3_pos.q.val() {
                self.pp[j].next =
                    self.s3_l.q.val().get_bits::<32>(40 + j * 32) == self.k_ones32.val();
            }
            self.s4_pre[j].d.next = self.pre.val();
            self.pre.next = self.pre.val() & self.pp[j].val();
            self.s4_uc[j].d.next = self.s3_l.q.val().get_bits::<32>(40 + j * 32);
            self.s4_adj[j].d.next = self.adj[j].val().get_bits::<32>(0);
            self.s4_lz[j].d.next =
                self.s3_l.q.val().get_bits::<32>(40 + j * 32) == self.k_zero32.val();
            self.s4_az[j].d.next =
                self.s3_l.q.val().get_bits::<32>(40 + j * 32) == self.k_one32.val();
            if self.s3_pos.q.val() {
                self.s4_az[j].d.next =
                    self.s3_l.q.val().get_bits::<32>(40 + j * 32) == self.k_ones32.val();
            }
        }
        self.uc6_ext.inp.next = self.s3_l.q.val().get_bits::<24>(232);
        self.adj6.next = self.uc6_ext.out.val() + self.k_ones25.val();
        if self.s3_pos.q.val() {
            self.adj6.next = self.uc6_ext.out.val() + self.k_one25.val();
        }
        self.pp[6].next = self.s3_l.q.val().get_bits::<24>(232) == self.k_zero24.val();
        if self.s3_pos.q.val() {
            self.pp[6].next = self.s3_l.q.val().get_bits::<24>(232) == self.k_ones24.val();
        }
        self.s4_pre[6].d.next = self.pre.val();
        self.s4_uc6.d.next = self.s3_l.q.val().get_bits::<24>(232);
        self.s4_adj6.d.next = self.adj6.val().get_bits::<24>(0);
        self.s4_lz[6].d.next = self.s3_l.q.val().get_bits::<24>(232) == self.k_zero24.val();
        self.s4_az[6].d.next = self.s3_l.q.val().get_bits::<24>(232) == self.k_one24.val();
        if self.s3_pos.q.val() {
            self.s4_az[6].d.next = self.s3_l.q.val().get_bits::<24>(232) == self.k_ones24.val();
        }
        // take1: H >= 0 and L + E1 >= 2^256, or H < 0 and L + E0 < 0 (both only for mod p).
        self.take1.next = false;
        if self.s3_ctl.q.val().get_bit(8) & self.pre.val() & self.pp[6].val() {
            if self.s3_pos.q.val() {
                self.take1.next = self.lo1.val().get_bit(40);
            } else {
                self.take1.next = !self.lo0.val().get_bit(40);
            }
        }
        self.csel.next = self.lo0.val().get_bit(40);
        if self.take1.val() {
            self.csel.next = self.lo1.val().get_bit(40);
        }
        // u: the chosen candidate adds +1 (pos, carry) or -1 (neg, no carry) above bit 40.
        self.s4_u.d.next = !self.csel.val();
        if self.s3_pos.q.val() {
            self.s4_u.d.next = self.csel.val();
        }
        self.s4_take1.d.next = self.take1.val();
        self.s4_lt.d.next = self.s3_lt.q.val();
        self.s4_c.d.next = self.s3_c.q.val();
        self.s4_od.d.next = self.s3_od.q.val();
        self.s4_ctl.d.next = self.s3_ctl.q.val();
        self.s4_tag.d.next = self.s3_tag.q.val();

        // ================= S5: select, EQ =================
        self.lov.next = self.s4_lo0.q.val();
        self.eqv.next = self.s4_zl0.q.val();
        if self.s4_take1.q.val() {
            self.lov.next = self.s4_lo1.q.val();
            self.eqv.next = self.s4_zl1.q.val();
        }
        for j in 0..7 {
            self.use_adj[j].next = self.s4_pre[j].q.val() & self.s4_u.q.val();
            if self.use_adj[j].val() {
                self.eqv.next = self.eqv.val() & self.s4_az[j].q.val();
            } else {
                self.eqv.next = self.eqv.val() & self.s4_lz[j].q.val();
            }
        }
        for j in 0..6 {
            self.upv[j].next = self.s4_uc[j].q.val();
            if self.use_adj[j].val() {
                self.upv[j].next = self.s4_adj[j].q.val();
            }
            self.up_ext[j].inp.next = self.upv[j].val();
        }
        self.upv6.next = self.s4_uc6.q.val();
        if self.use_adj[6].val() {
            self.upv6.next = self.s4_adj6.q.val();
        }
        self.up6_ext.inp.next = self.upv6.val();
        self.lo_ext.inp.next = self.lov.val();
        self.dv.next = self.lo_ext.out.val() | self.up6_ext.out.val();
        for j in 0..6 {
            self.dv.next = self.dv.val() | self.up_ext[j].out.val();
        }
        self.s5_data.d.next = self.dv.val();
        self.s5_eq.d.next = self.eqv.val();
        self.s5_lt.d.next = self.s4_lt.q.val();
        self.s5_c.d.next = self.s4_c.q.val();
        self.s5_od.d.next = self.s4_od.q.val();
        self.s5_ctl.d.next = self.s4_ctl.q.val().get_bits::<8>(0);
        self.s5_tag.d.next = self.s4_tag.q.val();
        // The output stage cleared by the reset: a register with a synchronous reset cannot
        // join a shift-register LUT (SRL), and the tag (read at no stage in between) was
        // otherwise an SRL16E whose 1.5 ns clock-to-out began the whole top's longest path
        // (the thread id decoded into the sequencer's ready bits). Same fix as the FieldMul's.
        if self.reset.val() {
            self.s5_ctl.d.next = self.k_zero8.val();
            self.s5_tag.d.next = self.k_ztag.val();
        }

        self.out_valid.next = self.s5_ctl.q.val().get_bit(0);
        self.out_we.next = self.s5_ctl.q.val().get_bit(1);
        self.out_rec.next = self.s5_ctl.q.val().get_bit(2);
        self.out_eq_we.next = self.s5_ctl.q.val().get_bit(3);
        self.out_lt_we.next = self.s5_ctl.q.val().get_bit(4);
        self.out_c_we.next = self.s5_ctl.q.val().get_bit(5);
        self.out_od_we.next = self.s5_ctl.q.val().get_bit(7);
        self.out_tag.next = self.s5_tag.q.val();
        self.out_data.next = self.s5_data.q.val();
        self.out_eq.next = self.s5_eq.q.val();
        self.out_lt.next = self.s5_lt.q.val();
        self.out_c.next = self.s5_c.q.val();
        self.out_od.next = self.s5_od.q.val();
    }
}
