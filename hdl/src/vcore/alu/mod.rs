//! `Alu`: the cluster's A-class unit (ISA.md: LIN NEGC ADD SUB CMP MOV SHRR ODD REC, plus the
//! cluster's job-word load), fully pipelined: one operation per clock, fixed latency
//! [`ALU_LATENCY`], results in issue order.
//!
//! # Ports and timing
//! The operation's fields (`in_valid`, `in_op`, `in_imm`, `in_sg`, `in_asel`, `in_bsel`,
//! `in_tag`) come in cycle c; its operand words come one clock later, in c + 1, as candidates
//! (`a_p`/`a_s`/`a_j` for A, `b_p`/`b_s`/`b_k` for B: the P bank, S bank, job word and K bank
//! read ports of the register file, which deliver two clocks after their address). The result
//! (`out_*`) is valid in cycle c + [`ALU_LATENCY`], for one clock.
//!
//! # Datapath (stages; each ends in a register)
//! - **D** (c): decode op/imm/sg into the stage controls (LIN's factors as shift + "times 3" +
//!   zero + negate).
//! - **S0** (c+1): operand select: A = P, S or job word, cleared when unused; B = P, S or K,
//!   complemented for a subtraction, cleared when unused (the clear is the flip-flops'
//!   synchronous reset, so it costs no logic level).
//! - **S1**: `T = x + X2 + y + Y2 (+2 carry injections)` in 261-bit two's complement, reduced to
//!   two vectors by two carry-save levels: x = A·2^sa, X2 = 2A (factor 3), y = ±B·2^sb, Y2 = ±2B.
//!   So `T = ka·a ± kb·b` exactly (|T| < 2^260) for LIN/NEGC, `a ± b` for ADD/SUB/CMP, `b` for
//!   MOV, `a` for ODD/REC/load. In parallel, SHRR's right shift by `imm - 1` (three 4:1 levels).
//! - **S2/S3** (`back.rs`): the 261-bit sum in 32-bit chunks with registered chunk
//!   generate/propagate, then carry resolution and chunk increment: T, its high part
//!   `H = T >> 256` (5-bit signed) and low part `L = T mod 2^256`. S3 looks up both values H
//!   can take (with and without a carry out of bit 255) beside its carry chain and ends in a
//!   2:1 choice by that carry.
//! - **S4/S5** (`back.rs`): mod-p fold. With c = 2^256 - p = 2^32 + 977, `T ≡ L + H·c`; the
//!   result is `L + H·c` or `L + (H ± 1)·c` taken mod 2^256 (the `±1` adds or removes one p),
//!   chosen by a carry/borrow out of bit 256. `H·c` is a table of H (a 40-bit value), so each
//!   candidate is a 40-bit add plus a ±1 carried into the upper 216 bits (chunked, with
//!   registered chunk flags). SHRR uses the same path with `L = t >> 1`, `H·c := t & 1`
//!   (round half up); ADD/SUB/CMP/MOV/ODD/REC/load with `H·c := 0` (result `L`). EQ is computed
//!   from chunk zero flags of both candidates, so it comes with the result.
//!
//! Flags: LIN EQ (result == 0); ADD C (carry out, T bit 256); SUB C (borrow, T < 0); CMP EQ
//! (a - b == 0 mod 2^256) and LT (T < 0); ODD OD (a bit 0). Preconditions of ISA.md (LIN/NEGC
//! operands < p) bound T as above; outside them the result is still `T mod p` canonical for
//! any 256-bit operands (|T| <= 16·(2^256 - 1) < 2^260), which the tests also check.
//! Reserved factor codes 6 and 7 of LIN act as 0 (the assembler never emits them).
//!
//! rust-hdl notes: zero-extensions use `Widen` (a concatenation leaf; rust-hdl's widening
//! `bit_cast` is a WIDTH error in Verilator); every small literal is a `Constant`; the
//! `H -> H·c` tables are per-entry `if`s on H, which abc maps to one 5-input LUT per bit.

mod back;
pub mod model;
// `Alu::default()` (constants and child blocks): a file of its own, beside `update()`.
mod construct;

use crate::prim::Widen;
use back::AluBack;
use rust_hdl::prelude::*;

/// Cycles from the `in_valid` cycle to the `out_valid` cycle.
pub const ALU_LATENCY: u32 = 7;
/// Width of the tag that travels with an operation, unchanged.
pub const ALU_TAG_BITS: usize = 17;

/// ISA A-class opcodes (ISA.md) and the cluster's job-word load (not an ISA opcode).
pub mod op {
    pub const LIN: u64 = 8;
    pub const NEGC: u64 = 9;
    pub const ADD: u64 = 10;
    pub const SUB: u64 = 11;
    pub const CMP: u64 = 12;
    pub const MOV: u64 = 13;
    pub const SHRR: u64 = 14;
    pub const ODD: u64 = 15;
    pub const REC: u64 = 16;
    /// Job load: `S[d] = a_j` (the job word on the A candidate port `a_j`).
    pub const LOAD: u64 = 63;
}

/// Operand-A sources (`in_asel`) and operand-B sources (`in_bsel`).
pub mod src {
    pub const P: u64 = 0;
    pub const S: u64 = 1;
    /// A: the job word (`a_j`); B: the constant bank (`b_k`).
    pub const J_OR_K: u64 = 2;
}

/// The A-class unit (see the module docs).
#[derive(LogicBlock)]
pub struct Alu {
    pub clock: Signal<In, Clock>,
    /// Synchronous; clears only the output stage (tag and controls), see `back.rs`'s S5.
    pub reset: Signal<In, Bit>,
    pub in_valid: Signal<In, Bit>,
    pub in_op: Signal<In, Bits<6>>,
    pub in_imm: Signal<In, Bits<8>>,
    /// The issuing thread's SG flag (NEGC).
    pub in_sg: Signal<In, Bit>,
    pub in_asel: Signal<In, Bits<2>>,
    pub in_bsel: Signal<In, Bits<2>>,
    pub in_tag: Signal<In, Bits<ALU_TAG_BITS>>,
    pub a_p: Signal<In, Bits<256>>,
    pub a_s: Signal<In, Bits<256>>,
    pub a_j: Signal<In, Bits<256>>,
    pub b_p: Signal<In, Bits<256>>,
    pub b_s: Signal<In, Bits<256>>,
    pub b_k: Signal<In, Bits<256>>,
    pub out_valid: Signal<Out, Bit>,
    pub out_tag: Signal<Out, Bits<ALU_TAG_BITS>>,
    /// Write `out_data` to S[d] (LIN NEGC ADD SUB MOV SHRR load).
    pub out_we: Signal<Out, Bit>,
    /// A REC request: `out_data` is k.
    pub out_rec: Signal<Out, Bit>,
    pub out_data: Signal<Out, Bits<256>>,
    pub out_eq_we: Signal<Out, Bit>,
    pub out_eq: Signal<Out, Bit>,
    pub out_lt_we: Signal<Out, Bit>,
    pub out_lt: Signal<Out, Bit>,
    pub out_c_we: Signal<Out, Bit>,
    pub out_c: Signal<Out, Bit>,
    pub out_od_we: Signal<Out, Bit>,
    pub out_od: Signal<Out, Bit>,
    back: AluBack,
    // ---- D -> S0 ----
    d_asel: DFF<Bits<2>>,
    d_bsel: DFF<Bits<2>>,
    d_zero_a: DFF<Bit>,
    d_zero_b: DFF<Bit>,
    d_neg_b: DFF<Bit>,
    d_sa: DFF<Bits<2>>,
    d_sb: DFF<Bits<2>>,
    d_is3a: DFF<Bit>,
    d_is3b: DFF<Bit>,
    d_shamt: DFF<Bits<8>>,
    /// valid, we, rec, eq_we, lt_we, c_we, c_borrow, od_we, modp, shr.
    d_ctl: DFF<Bits<10>>,
    d_tag: DFF<Bits<ALU_TAG_BITS>>,
    // ---- S0 -> S1 ----
    ra: DFF<Bits<256>>,
    rb: DFF<Bits<256>>,
    s0_nb: DFF<Bit>,
    s0_sa: DFF<Bits<2>>,
    s0_sb: DFF<Bits<2>>,
    s0_is3a: DFF<Bit>,
    s0_is3b: DFF<Bit>,
    s0_shamt: DFF<Bits<8>>,
    s0_ctl: DFF<Bits<10>>,
    s0_tag: DFF<Bits<ALU_TAG_BITS>>,
    // ---- S1 -> S2 (in `back`'s input ports) ----
    s1_s: DFF<Bits<261>>,
    s1_c: DFF<Bits<261>>,
    s1_u: DFF<Bits<256>>,
    s1_sh: DFF<Bits<2>>,
    s1_od: DFF<Bit>,
    s1_ctl: DFF<Bits<10>>,
    s1_tag: DFF<Bits<ALU_TAG_BITS>>,
    // ---- D decode locals ----
    dc: Signal<Local, Bits<10>>,
    bm: Signal<Local, Bits<256>>,
    m1: Signal<Local, Bits<261>>,
    is_lin: Signal<Local, Bit>,
    is_negc: Signal<Local, Bit>,
    ka: Signal<Local, Bits<3>>,
    kb: Signal<Local, Bits<3>>,
    // ---- S1 locals ----
    a_ext: Widen<256, 261>,
    b_ext: Widen<256, 261>,
    x: Signal<Local, Bits<261>>,
    x2: Signal<Local, Bits<261>>,
    y: Signal<Local, Bits<261>>,
    y2: Signal<Local, Bits<261>>,
    s1: Signal<Local, Bits<261>>,
    c1: Signal<Local, Bits<261>>,
    u1: Signal<Local, Bits<256>>,
    u2: Signal<Local, Bits<256>>,
    // ---- constants ----
    k_op: [Constant<Bits<6>>; 10],
    /// LIN factor codes 0, 2, 3, 4, 5 (code 1 is the default: shift 0).
    k_code: [Constant<Bits<3>>; 5],
    k_src_j: Constant<Bits<2>>,
    k_src_s: Constant<Bits<2>>,
    k_src_k: Constant<Bits<2>>,
    k_sh: [Constant<Bits<2>>; 4],
    k_one8: Constant<Bits<8>>,
    k_zero256: Constant<Bits<256>>,
    k_zero261: Constant<Bits<261>>,
    k_one261: Constant<Bits<261>>,
    /// `fill[s]`: the bits of ~(b << s) that are not bits of ~b (261-bit two's complement).
    k_fill: [Constant<Bits<261>>; 4],
    k_bit: [Constant<Bits<10>>; 10],
    k_zero10: Constant<Bits<10>>,
}

/// Control-vector bit positions (`d_ctl`, `s0_ctl`, ...).
pub(crate) mod ctl {
    pub const VALID: usize = 0;
    pub const WE: usize = 1;
    pub const REC: usize = 2;
    pub const EQ_WE: usize = 3;
    pub const LT_WE: usize = 4;
    pub const C_WE: usize = 5;
    pub const C_BORROW: usize = 6;
    pub const OD_WE: usize = 7;
    pub const MODP: usize = 8;
    pub const SHR: usize = 9;
    // `#[hdl_gen]` kernels cannot name constants: they use these positions as literals.
    const _: () = assert!(VALID == 0 && WE == 1 && REC == 2 && EQ_WE == 3 && LT_WE == 4);
    const _: () = assert!(C_WE == 5 && C_BORROW == 6 && OD_WE == 7 && MODP == 8 && SHR == 9);
}

/// 261-bit constant with ones at bits `[0, s)` and `[256 + s, 261)`.
fn fill(s: usize) -> Bits<261> {
    let one = num_bigint::BigUint::from(1u8);
    let low = (&one << s) - &one;
    let high = ((&one << 261) - &one) ^ ((&one << (256 + s)) - &one);
    Bits::from(low | high)
}

impl Logic for Alu {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, d_asel, d_bsel, d_zero_a, d_zero_b, d_neg_b, d_sa, d_sb, d_is3a, d_is3b,
            d_shamt, d_ctl, d_tag, ra, rb, s0_nb, s0_sa, s0_sb, s0_is3a, s0_is3b, s0_shamt, s0_ctl,
            s0_tag, s1_s, s1_c, s1_u, s1_sh, s1_od, s1_ctl, s1_tag
        );
        self.back.clock.next = self.clock.val();
        self.back.reset.next = self.reset.val();

        // ================= D: decode =================
        // k_op: 0 LIN 1 NEGC 2 ADD 3 SUB 4 CMP 5 MOV 6 SHRR 7 ODD 8 REC 9 LOAD.
        self.is_lin.next = self.in_op.val() == self.k_op[0].val();
        self.is_negc.next = self.in_op.val() == self.k_op[1].val();
        self.ka.next = self.in_imm.val().get_bits::<3>(0);
        self.kb.next = self.in_imm.val().get_bits::<3>(3);
        self.d_asel.d.next = self.in_asel.val();
        self.d_bsel.d.next = self.in_bsel.val();
        self.d_zero_a.d.next = false;
        self.d_zero_b.d.next = false;
        self.d_neg_b.d.next = false;
        self.d_sa.d.next = self.k_sh[0].val();
        self.d_sb.d.next = self.k_sh[0].val();
        self.d_is3a.d.next = false;
        self.d_is3b.d.next = false;
        self.d_shamt.d.next = self.in_imm.val() - self.k_one8.val();
        self.d_tag.d.next = self.in_tag.val();
        self.dc.next = self.k_zero10.val();
        if self.in_valid.val() {
            self.dc.next = self.k_bit[0].val();
        }
        if self.is_lin.val() {
            // Factor codes {0:0, 1:1, 2:2, 3:3, 4:4, 5:8}; 6 and 7 act as 0.
            if (self.ka.val() == self.k_code[0].val())
                | (self.ka.val().get_bits::<2>(1) == self.k_sh[3].val())
            {
                self.d_zero_a.d.next = true;
            }
            if self.ka.val() == self.k_code[1].val() {
                self.d_sa.d.next = self.k_sh[1].val();
            }
            if self.ka.val() == self.k_code[2].val() {
                self.d_is3a.d.next = true;
            }
            if self.ka.val() == self.k_code[3].val() {
                self.d_sa.d.next = self.k_sh[2].val();
            }
            if self.ka.val() == self.k_code[4].val() {
                self.d_sa.d.next = self.k_sh[3].val();
            }
            if (self.kb.val() == self.k_code[0].val())
                | (self.kb.val().get_bits::<2>(1) == self.k_sh[3].val())
            {
                self.d_zero_b.d.next = true;
            } else {
                self.d_neg_b.d.next = self.in_imm.val().get_bit(6);
            }
            if self.kb.val() == self.k_code[1].val() {
                self.d_sb.d.next = self.k_sh[1].val();
            }
            if self.kb.val() == self.k_code[2].val() {
                self.d_is3b.d.next = true;
            }
            if self.kb.val() == self.k_code[3].val() {
                self.d_sb.d.next = self.k_sh[2].val();
            }
            if self.kb.val() == self.k_code[4].val() {
                self.d_sb.d.next = self.k_sh[3].val();
            }
        }
        // NEGC d,a (the cluster reads a on both ports): SG ? 0·a - 1·a : 1·a + 0·a, mod p.
        if self.is_negc.val() {
            if self.in_sg.val() {
                self.d_zero_a.d.next = true;
                self.d_neg_b.d.next = true;
            } else {
                self.d_zero_b.d.next = true;
            }
        }
        if self.is_lin.val() | self.is_negc.val() {
            self.dc.next = self.dc.val() | self.k_bit[8].val() | self.k_bit[1].val();
        }
        if self.is_lin.val() {
            self.dc.next = self.dc.val() | self.k_bit[3].val();
        }
        // ADD: a + b, C = carry.
        if self.in_op.val() == self.k_op[2].val() {
            self.dc.next = self.dc.val() | self.k_bit[1].val() | self.k_bit[5].val();
        }
        // SUB: a - b, C = borrow.
        if self.in_op.val() == self.k_op[3].val() {
            self.d_neg_b.d.next = true;
            self.dc.next =
                self.dc.val() | self.k_bit[1].val() | self.k_bit[5].val() | self.k_bit[6].val();
        }
        // CMP: a - b, EQ and LT only.
        if self.in_op.val() == self.k_op[4].val() {
            self.d_neg_b.d.next = true;
            self.dc.next = self.dc.val() | self.k_bit[3].val() | self.k_bit[4].val();
        }
        // MOV: 0 + b.
        if self.in_op.val() == self.k_op[5].val() {
            self.d_zero_a.d.next = true;
            self.dc.next = self.dc.val() | self.k_bit[1].val();
        }
        // SHRR: own shifter, B unused.
        if self.in_op.val() == self.k_op[6].val() {
            self.d_zero_b.d.next = true;
            self.dc.next = self.dc.val() | self.k_bit[1].val() | self.k_bit[9].val();
        }
        // ODD: OD = a bit 0.
        if self.in_op.val() == self.k_op[7].val() {
            self.d_zero_b.d.next = true;
            self.dc.next = self.dc.val() | self.k_bit[7].val();
        }
        // REC: a + 0 goes to the recoder.
        if self.in_op.val() == self.k_op[8].val() {
            self.d_zero_b.d.next = true;
            self.dc.next = self.dc.val() | self.k_bit[2].val();
        }
        // Job load: job word + 0.
        if self.in_op.val() == self.k_op[9].val() {
            self.d_zero_b.d.next = true;
            self.d_asel.d.next = self.k_src_j.val();
            self.dc.next = self.dc.val() | self.k_bit[1].val();
        }
        if !self.in_valid.val() {
            self.dc.next = self.k_zero10.val();
        }
        self.d_ctl.d.next = self.dc.val();

        // ================= S0: operand select =================
        if self.d_asel.q.val() == self.k_src_s.val() {
            self.ra.d.next = self.a_s.val();
        } else if self.d_asel.q.val() == self.k_src_j.val() {
            self.ra.d.next = self.a_j.val();
        } else {
            self.ra.d.next = self.a_p.val();
        }
        if self.d_zero_a.q.val() {
            self.ra.d.next = self.k_zero256.val();
        }
        if self.d_bsel.q.val() == self.k_src_s.val() {
            self.bm.next = self.b_s.val();
        } else if self.d_bsel.q.val() == self.k_src_k.val() {
            self.bm.next = self.b_k.val();
        } else {
            self.bm.next = self.b_p.val();
        }
        self.rb.d.next = self.bm.val();
        if self.d_neg_b.q.val() {
            self.rb.d.next = !self.bm.val();
        }
        if self.d_zero_b.q.val() {
            self.rb.d.next = self.k_zero256.val();
        }
        self.s0_nb.d.next = self.d_neg_b.q.val();
        self.s0_sa.d.next = self.d_sa.q.val();
        self.s0_sb.d.next = self.d_sb.q.val();
        self.s0_is3a.d.next = self.d_is3a.q.val();
        self.s0_is3b.d.next = self.d_is3b.q.val();
        self.s0_shamt.d.next = self.d_shamt.q.val();
        self.s0_ctl.d.next = self.d_ctl.q.val();
        self.s0_tag.d.next = self.d_tag.q.val();

        // ================= S1: two carry-save levels; SHRR shifts by 64/16/4 =================
        self.a_ext.inp.next = self.ra.q.val();
        self.b_ext.inp.next = self.rb.q.val();
        self.x.next = self.a_ext.out.val();
        if self.s0_sa.q.val() == self.k_sh[1].val() {
            self.x.next = self.a_ext.out.val() << 1;
        }
        if self.s0_sa.q.val() == self.k_sh[2].val() {
            self.x.next = self.a_ext.out.val() << 2;
        }
        if self.s0_sa.q.val() == self.k_sh[3].val() {
            self.x.next = self.a_ext.out.val() << 3;
        }
        self.x2.next = self.k_zero261.val();
        if self.s0_is3a.q.val() {
            self.x2.next = self.a_ext.out.val() << 1;
        }
        self.y.next = self.b_ext.out.val();
        if self.s0_nb.q.val() {
            self.y.next = self.b_ext.out.val() | self.k_fill[0].val();
        }
        if self.s0_sb.q.val() == self.k_sh[1].val() {
            self.y.next = self.b_ext.out.val() << 1;
            if self.s0_nb.q.val() {
                self.y.next = (self.b_ext.out.val() << 1) | self.k_fill[1].val();
            }
        }
        if self.s0_sb.q.val() == self.k_sh[2].val() {
            self.y.next = self.b_ext.out.val() << 2;
            if self.s0_nb.q.val() {
                self.y.next = (self.b_ext.out.val() << 2) | self.k_fill[2].val();
            }
        }
        if self.s0_sb.q.val() == self.k_sh[3].val() {
            self.y.next = self.b_ext.out.val() << 3;
            if self.s0_nb.q.val() {
                self.y.next = (self.b_ext.out.val() << 3) | self.k_fill[3].val();
            }
        }
        self.y2.next = self.k_zero261.val();
        if self.s0_is3b.q.val() {
            self.y2.next = self.b_ext.out.val() << 1;
            if self.s0_nb.q.val() {
                self.y2.next = (self.b_ext.out.val() << 1) | self.k_fill[1].val();
            }
        }
        // Level 1: x + X2 + y; the free bit 0 of the carry word takes y's "+1" (negation).
        self.s1.next = self.x.val() ^ self.x2.val() ^ self.y.val();
        self.m1.next = (self.x.val() & self.x2.val())
            | (self.x.val() & self.y.val())
            | (self.x2.val() & self.y.val());
        self.c1.next = self.m1.val() << 1;
        if self.s0_nb.q.val() {
            self.c1.next = (self.m1.val() << 1) | self.k_one261.val();
        }
        // Level 2: + Y2; bit 0 of the carry word takes Y2's "+1".
        self.s1_s.d.next = self.s1.val() ^ self.c1.val() ^ self.y2.val();
        self.s1_c.d.next = ((self.s1.val() & self.c1.val())
            | (self.s1.val() & self.y2.val())
            | (self.c1.val() & self.y2.val()))
            << 1;
        if self.s0_nb.q.val() & self.s0_is3b.q.val() {
            self.s1_c.d.next = (((self.s1.val() & self.c1.val())
                | (self.s1.val() & self.y2.val())
                | (self.c1.val() & self.y2.val()))
                << 1)
                | self.k_one261.val();
        }
        // SHRR: t = a >> (imm - 1); here the shifts by 64·s[7:6], 16·s[5:4], 4·s[3:2].
        self.u1.next = self.ra.q.val();
        if self.s0_shamt.q.val().get_bits::<2>(6) == self.k_sh[1].val() {
            self.u1.next = self.ra.q.val() >> 64;
        }
        if self.s0_shamt.q.val().get_bits::<2>(6) == self.k_sh[2].val() {
            self.u1.next = self.ra.q.val() >> 128;
        }
        if self.s0_shamt.q.val().get_bits::<2>(6) == self.k_sh[3].val() {
            self.u1.next = self.ra.q.val() >> 192;
        }
        self.u2.next = self.u1.val();
        if self.s0_shamt.q.val().get_bits::<2>(4) == self.k_sh[1].val() {
            self.u2.next = self.u1.val() >> 16;
        }
        if self.s0_shamt.q.val().get_bits::<2>(4) == self.k_sh[2].val() {
            self.u2.next = self.u1.val() >> 32;
        }
        if self.s0_shamt.q.val().get_bits::<2>(4) == self.k_sh[3].val() {
            self.u2.next = self.u1.val() >> 48;
        }
        self.s1_u.d.next = self.u2.val();
        if self.s0_shamt.q.val().get_bits::<2>(2) == self.k_sh[1].val() {
            self.s1_u.d.next = self.u2.val() >> 4;
        }
        if self.s0_shamt.q.val().get_bits::<2>(2) == self.k_sh[2].val() {
            self.s1_u.d.next = self.u2.val() >> 8;
        }
        if self.s0_shamt.q.val().get_bits::<2>(2) == self.k_sh[3].val() {
            self.s1_u.d.next = self.u2.val() >> 12;
        }
        self.s1_sh.d.next = self.s0_shamt.q.val().get_bits::<2>(0);
        self.s1_od.d.next = self.ra.q.val().get_bit(0);
        self.s1_ctl.d.next = self.s0_ctl.q.val();
        self.s1_tag.d.next = self.s0_tag.q.val();

        // ================= S2..S5 =================
        self.back.s.next = self.s1_s.q.val();
        self.back.c.next = self.s1_c.q.val();
        self.back.u.next = self.s1_u.q.val();
        self.back.sh.next = self.s1_sh.q.val();
        self.back.od.next = self.s1_od.q.val();
        self.back.ctl.next = self.s1_ctl.q.val();
        self.back.tag.next = self.s1_tag.q.val();
        self.out_valid.next = self.back.out_valid.val();
        self.out_we.next = self.back.out_we.val();
        self.out_rec.next = self.back.out_rec.val();
        self.out_eq_we.next = self.back.out_eq_we.val();
        self.out_lt_we.next = self.back.out_lt_we.val();
        self.out_c_we.next = self.back.out_c_we.val();
        self.out_od_we.next = self.back.out_od_we.val();
        self.out_tag.next = self.back.out_tag.val();
        self.out_data.next = self.back.out_data.val();
        self.out_eq.next = self.back.out_eq.val();
        self.out_lt.next = self.back.out_lt.val();
        self.out_c.next = self.back.out_c.val();
        self.out_od.next = self.back.out_od.val();
    }
}

/// Verilog of a standalone [`Alu`] (top module `top`).
pub fn verilog() -> String {
    let mut uut = Alu::default();
    uut.connect_all();
    generate_verilog(&uut)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may panic
mod tests {
    #[test]
    fn alu_generates_verilog() {
        let v = super::verilog();
        assert!(v.contains("module top("));
        if let Ok(dir) = std::env::var("SATCHAIN_DUMP_VCORE_DIR") {
            std::fs::write(format!("{dir}/vcore_alu.v"), v).unwrap();
        }
    }
}
