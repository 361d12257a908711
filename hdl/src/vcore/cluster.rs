//! `Cluster`: `THREADS` verification threads sharing one FieldMul and one ALU (ARCH.md
//! "Clusters"): the [`Sequencer`] (threads, issue ports, program ROM, digit RAM, job loads,
//! results), the [`RegFile`] (P, S, K banks in block RAM), the [`Alu`], the MUL operand stage
//! and the write-backs. The FieldMul and the Recoder are outside, on ports (`ClusterCore`,
//! `cluster_core.rs`, wires the real ones: the product unit; the stand-in test bench
//! `cluster_tb.rs` wires the verification-only FieldMul stand-in).
//!
//! # Pipeline (t = select cycle)
//! ```text
//!  t    select (3 round-robin arbiters over registered ready bits)
//!  t+1  port stage: winner's fields -> ROM / register-file / digit-RAM addresses
//!  t+2  BRAM arrays
//!  t+3  BRAM output registers: HEAD to the thread; operand select -> operand registers
//!  t+4  MUL: FieldMul in_valid              ALU: stage S1 (ALU fields entered in t+2)
//!  t+4+L  FieldMul out (flip-flops) = P write, mc -= 1     t+9: ALU out = S write, flags
//! ```
//! `FETCH_CYCLES = 4`, `ALU_WB = 2 + ALU_LATENCY = 9`, `MUL_WB = 4 + FieldMul latency`
//! (the FieldMul's outputs come straight from flip-flops, VCORE-DECISIONS.md).
//!
//! # Ports
//! - Jobs: `job_valid`, `job_kind`, `job_tag` with `job_ready` (handshake in t); the six words
//!   follow on `job_word`, word j in cycle t+3+j (the source streams them after the
//!   handshake, no gaps). Results: `res_valid` pulse with `res_tag`, `res_code`, `res_cycles`
//!   (no back-pressure).
//! - FieldMul: `mul_*` (ARCH.md contract; tag = {thread, d}).
//! - Recoder: requests `rec_req_*` (pushed in the REC's write-back cycle, never refused: the
//!   sequencer's credits guarantee room), `rec_load` (an entry left the queue), the digit
//!   write port `dg_*`, `rec_done`/`rec_done_tid`.
//! - Trace (for the RTL == ISS test; synthesis keeps nothing extra for them): the P and S
//!   write ports and the ALU flag writes as they happen.

use crate::prim::Placed;
use crate::prim::Widen;
use crate::vcore::alu::{Alu, ALU_LATENCY, ALU_TAG_BITS};
use crate::vcore::fmul_standin::FMUL_TAG_BITS;
use crate::vcore::regfile::RegFile;
use crate::vcore::seq::Sequencer;
use crate::vcore::timing::{ALU_WB, FETCH_CYCLES};
use rust_hdl::prelude::*;

const _: () = assert!(ALU_WB == 2 + ALU_LATENCY && FETCH_CYCLES == 4);

/// Cycles from select to the FieldMul's `in_valid` cycle.
pub const MUL_ISSUE: u32 = 4;
/// Cycles from the FieldMul's `out_valid` cycle to the P-bank write: 0, its outputs are
/// flip-flops and drive the bank's write port directly.
pub const MUL_OUT_REG: u32 = 0;

/// One cluster (see the module docs).
#[derive(LogicBlock)]
pub struct Cluster {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    pub job_valid: Signal<In, Bit>,
    pub job_kind: Signal<In, Bit>,
    pub job_tag: Signal<In, Bits<16>>,
    pub job_word: Signal<In, Bits<256>>,
    pub job_ready: Signal<Out, Bit>,
    /// ENTRY[0] (ECDSA) and ENTRY[1] (Schnorr): the program's entries, constants in a
    /// product top.
    pub entry0: Signal<In, Bits<11>>,
    pub entry1: Signal<In, Bits<11>>,
    /// Program and K load ports (test benches load programs at run time; a product top ties
    /// `prog_we` and `k_we` to 0 and the ROM/K contents are the constructor's image).
    pub prog_we: Signal<In, Bit>,
    pub prog_addr: Signal<In, Bits<11>>,
    pub prog_data: Signal<In, Bits<72>>,
    pub k_we: Signal<In, Bit>,
    pub k_addr: Signal<In, Bits<8>>,
    pub k_data: Signal<In, Bits<256>>,
    pub res_valid: Signal<Out, Bit>,
    pub res_tag: Signal<Out, Bits<16>>,
    pub res_code: Signal<Out, Bits<4>>,
    pub res_cycles: Signal<Out, Bits<32>>,
    // ---- FieldMul ----
    pub mul_in_valid: Signal<Out, Bit>,
    pub mul_a: Signal<Out, Bits<256>>,
    pub mul_b: Signal<Out, Bits<256>>,
    pub mul_mode: Signal<Out, Bits<2>>,
    pub mul_in_tag: Signal<Out, Bits<FMUL_TAG_BITS>>,
    pub mul_out_valid: Signal<In, Bit>,
    pub mul_out: Signal<In, Bits<256>>,
    pub mul_out_tag: Signal<In, Bits<FMUL_TAG_BITS>>,
    // ---- Recoder ----
    pub rec_req_valid: Signal<Out, Bit>,
    pub rec_req_tid: Signal<Out, Bits<5>>,
    pub rec_req_slot: Signal<Out, Bits<2>>,
    pub rec_req_w: Signal<Out, Bits<4>>,
    pub rec_req_k: Signal<Out, Bits<256>>,
    pub rec_load: Signal<In, Bit>,
    pub dg_we: Signal<In, Bit>,
    pub dg_tid: Signal<In, Bits<5>>,
    pub dg_slot: Signal<In, Bits<2>>,
    pub dg_pos: Signal<In, Bits<8>>,
    pub dg_digit: Signal<In, Bits<8>>,
    pub rec_done: Signal<In, Bit>,
    pub rec_done_tid: Signal<In, Bits<5>>,
    // ---- trace ----
    pub tr_p_we: Signal<Out, Bit>,
    pub tr_p_tid: Signal<Out, Bits<5>>,
    pub tr_p_reg: Signal<Out, Bits<5>>,
    pub tr_p_data: Signal<Out, Bits<256>>,
    pub tr_s_we: Signal<Out, Bit>,
    pub tr_s_tid: Signal<Out, Bits<5>>,
    pub tr_s_reg: Signal<Out, Bits<5>>,
    pub tr_s_data: Signal<Out, Bits<256>>,
    /// ALU completion (any A-op or load word) with its flag writes (EQ LT C OD).
    pub tr_a_v: Signal<Out, Bit>,
    pub tr_a_tid: Signal<Out, Bits<5>>,
    pub tr_a_flwe: Signal<Out, Bits<4>>,
    pub tr_a_flv: Signal<Out, Bits<4>>,
    // ---- blocks ----
    seq: Sequencer,
    rf: RegFile,
    alu: Alu,
    // ---- MUL operand path ----
    m1_v: DFF<Bit>,
    m1_tag: DFF<Bits<FMUL_TAG_BITS>>,
    m1_mode: DFF<Bits<2>>,
    m1_asel: DFF<Bit>,
    m1_bk: DFF<Bit>,
    m1_bs: DFF<Bit>,
    m2_v: DFF<Bit>,
    m2_tag: DFF<Bits<FMUL_TAG_BITS>>,
    m2_mode: DFF<Bits<2>>,
    m2_asel: DFF<Bit>,
    m2_bk: DFF<Bit>,
    m2_bs: DFF<Bit>,
    m3_v: DFF<Bit>,
    m3_tag: DFF<Bits<FMUL_TAG_BITS>>,
    m3_mode: DFF<Bits<2>>,
    m3_a: DFF<Bits<256>>,
    m3_b: DFF<Bits<256>>,
    // ---- ALU field register (t+2) and job word register ----
    a_v: DFF<Bit>,
    a_op: DFF<Bits<6>>,
    a_imm: DFF<Bits<8>>,
    a_sg: DFF<Bit>,
    a_asel: DFF<Bits<2>>,
    a_bsel: DFF<Bits<2>>,
    a_tag: DFF<Bits<ALU_TAG_BITS>>,
    jw: DFF<Bits<256>>,
    // ---- locals ----
    mtag_tid: Placed<5, FMUL_TAG_BITS>,
    mtag_d: Widen<5, FMUL_TAG_BITS>,
    xtag_imm: Placed<6, ALU_TAG_BITS>,
    xtag_tid: Placed<5, ALU_TAG_BITS>,
    xtag_d: Widen<5, ALU_TAG_BITS>,
    flwe: Signal<Local, Bits<4>>,
    flv: Signal<Local, Bits<4>>,
    k_bit4: [Constant<Bits<4>>; 4],
    k_zero4: Constant<Bits<4>>,
    k_cnt: Constant<Bits<ALU_TAG_BITS>>,
}

impl Cluster {
    /// A cluster whose ROM holds the 72-bit image `rom` (`rom::rom_image`) and whose K bank
    /// holds `k`.
    pub fn new(rom: &[Bits<72>], k: &[Bits<256>]) -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            job_valid: Default::default(),
            job_kind: Default::default(),
            job_tag: Default::default(),
            job_word: Default::default(),
            job_ready: Default::default(),
            entry0: Default::default(),
            entry1: Default::default(),
            prog_we: Default::default(),
            prog_addr: Default::default(),
            prog_data: Default::default(),
            k_we: Default::default(),
            k_addr: Default::default(),
            k_data: Default::default(),
            res_valid: Default::default(),
            res_tag: Default::default(),
            res_code: Default::default(),
            res_cycles: Default::default(),
            mul_in_valid: Default::default(),
            mul_a: Default::default(),
            mul_b: Default::default(),
            mul_mode: Default::default(),
            mul_in_tag: Default::default(),
            mul_out_valid: Default::default(),
            mul_out: Default::default(),
            mul_out_tag: Default::default(),
            rec_req_valid: Default::default(),
            rec_req_tid: Default::default(),
            rec_req_slot: Default::default(),
            rec_req_w: Default::default(),
            rec_req_k: Default::default(),
            rec_load: Default::default(),
            dg_we: Default::default(),
            dg_tid: Default::default(),
            dg_slot: Default::default(),
            dg_pos: Default::default(),
            dg_digit: Default::default(),
            rec_done: Default::default(),
            rec_done_tid: Default::default(),
            tr_p_we: Default::default(),
            tr_p_tid: Default::default(),
            tr_p_reg: Default::default(),
            tr_p_data: Default::default(),
            tr_s_we: Default::default(),
            tr_s_tid: Default::default(),
            tr_s_reg: Default::default(),
            tr_s_data: Default::default(),
            tr_a_v: Default::default(),
            tr_a_tid: Default::default(),
            tr_a_flwe: Default::default(),
            tr_a_flv: Default::default(),
            seq: Sequencer::new(rom),
            rf: RegFile::new(k),
            alu: Default::default(),
            m1_v: Default::default(),
            m1_tag: Default::default(),
            m1_mode: Default::default(),
            m1_asel: Default::default(),
            m1_bk: Default::default(),
            m1_bs: Default::default(),
            m2_v: Default::default(),
            m2_tag: Default::default(),
            m2_mode: Default::default(),
            m2_asel: Default::default(),
            m2_bk: Default::default(),
            m2_bs: Default::default(),
            m3_v: Default::default(),
            m3_tag: Default::default(),
            m3_mode: Default::default(),
            m3_a: Default::default(),
            m3_b: Default::default(),
            a_v: Default::default(),
            a_op: Default::default(),
            a_imm: Default::default(),
            a_sg: Default::default(),
            a_asel: Default::default(),
            a_bsel: Default::default(),
            a_tag: Default::default(),
            jw: Default::default(),
            mtag_tid: Placed::new(5),
            mtag_d: Default::default(),
            xtag_imm: Placed::new(11),
            xtag_tid: Placed::new(5),
            xtag_d: Default::default(),
            flwe: Default::default(),
            flv: Default::default(),
            k_bit4: std::array::from_fn(|i| Constant::new(Bits::from(1u64 << i))),
            k_zero4: Constant::new(Bits::default()),
            k_cnt: Constant::new(Bits::from(1u64 << 10)),
        }
    }
}

impl Logic for Cluster {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, m1_v, m1_tag, m1_mode, m1_asel, m1_bk, m1_bs, m2_v, m2_tag, m2_mode,
            m2_asel, m2_bk, m2_bs, m3_v, m3_tag, m3_mode, m3_a, m3_b, a_v, a_op, a_imm, a_sg,
            a_asel, a_bsel, a_tag, jw
        );
        clock!(self, clock, seq, rf, alu);
        self.seq.reset.next = self.reset.val();
        self.alu.reset.next = self.reset.val();

        // ---- jobs and results ----
        self.seq.job_valid.next = self.job_valid.val();
        self.seq.job_kind.next = self.job_kind.val();
        self.seq.job_tag.next = self.job_tag.val();
        self.seq.entry0.next = self.entry0.val();
        self.seq.entry1.next = self.entry1.val();
        self.seq.prog_we.next = self.prog_we.val();
        self.seq.prog_addr.next = self.prog_addr.val();
        self.seq.prog_data.next = self.prog_data.val();
        self.rf.k_we.next = self.k_we.val();
        self.rf.k_addr.next = self.k_addr.val();
        self.rf.k_data.next = self.k_data.val();
        self.job_ready.next = self.seq.job_ready.val();
        self.jw.d.next = self.job_word.val();
        self.res_valid.next = self.seq.res_valid.val();
        self.res_tag.next = self.seq.res_tag.val();
        self.res_code.next = self.seq.res_code.val();
        self.res_cycles.next = self.seq.res_cycles.val();

        // ---- register-file read addresses (port stage, t+1) ----
        self.rf.m_tid.next = self.seq.m_tid.val();
        self.rf.m_a_reg.next = self.seq.m_a_reg.val();
        self.rf.m_b_reg.next = self.seq.m_b_reg.val();
        self.rf.m_b_kidx.next = self.seq.m_b_kidx.val();
        self.rf.x_tid.next = self.seq.x_tid.val();
        self.rf.x_a_reg.next = self.seq.x_a_reg.val();
        self.rf.x_b_reg.next = self.seq.x_b_reg.val();
        self.rf.x_b_kidx.next = self.seq.x_b_kidx.val();

        // ---- MUL: t+1 fields -> t+2 -> t+3 operand select -> t+4 FieldMul ----
        self.mtag_tid.inp.next = self.seq.m_tid.val();
        self.mtag_d.inp.next = self.seq.m_d.val();
        self.m1_v.d.next = self.seq.m_v.val();
        self.m1_tag.d.next = self.mtag_tid.out.val() | self.mtag_d.out.val();
        self.m1_mode.d.next = self.seq.m_mode.val();
        self.m1_asel.d.next = self.seq.m_a_s.val();
        self.m1_bk.d.next = self.seq.m_b_k.val();
        self.m1_bs.d.next = self.seq.m_b_s.val();
        self.m2_v.d.next = self.m1_v.q.val();
        self.m2_tag.d.next = self.m1_tag.q.val();
        self.m2_mode.d.next = self.m1_mode.q.val();
        self.m2_asel.d.next = self.m1_asel.q.val();
        self.m2_bk.d.next = self.m1_bk.q.val();
        self.m2_bs.d.next = self.m1_bs.q.val();
        self.m3_v.d.next = self.m2_v.q.val();
        self.m3_tag.d.next = self.m2_tag.q.val();
        self.m3_mode.d.next = self.m2_mode.q.val();
        self.m3_a.d.next = self.rf.m_ap.val();
        if self.m2_asel.q.val() {
            self.m3_a.d.next = self.rf.m_as.val();
        }
        self.m3_b.d.next = self.rf.m_bp.val();
        if self.m2_bs.q.val() {
            self.m3_b.d.next = self.rf.m_bs.val();
        }
        if self.m2_bk.q.val() {
            self.m3_b.d.next = self.rf.m_bk.val();
        }
        self.mul_in_valid.next = self.m3_v.q.val();
        self.mul_in_tag.next = self.m3_tag.q.val();
        self.mul_mode.next = self.m3_mode.q.val();
        self.mul_a.next = self.m3_a.q.val();
        self.mul_b.next = self.m3_b.q.val();
        // Write-back: P write and mc decrement in the FieldMul's output cycle.
        self.rf.wp_we.next = self.mul_out_valid.val();
        self.rf.wp_tid.next = self.mul_out_tag.val().get_bits::<5>(5);
        self.rf.wp_reg.next = self.mul_out_tag.val().get_bits::<5>(0);
        self.rf.wp_data.next = self.mul_out.val();
        self.seq.wm_v.next = self.mul_out_valid.val();
        self.seq.wm_tid.next = self.mul_out_tag.val().get_bits::<5>(5);
        if self.reset.val() {
            self.m1_v.d.next = false;
            self.m2_v.d.next = false;
            self.m3_v.d.next = false;
        }

        // ---- ALU: t+1 fields -> t+2 (ALU decode) -> t+3 operands -> t+9 out ----
        self.xtag_imm.inp.next = self.seq.x_imm.val().get_bits::<6>(0);
        self.xtag_tid.inp.next = self.seq.x_tid.val();
        self.xtag_d.inp.next = self.seq.x_d.val();
        self.a_v.d.next = self.seq.x_v.val();
        self.a_op.d.next = self.seq.x_op.val();
        self.a_imm.d.next = self.seq.x_imm.val();
        self.a_sg.d.next = self.seq.x_sg.val();
        self.a_asel.d.next = self.seq.x_asel.val();
        self.a_bsel.d.next = self.seq.x_bsel.val();
        // Tag: {imm[5:0] (REC slot/w), count, thread, d}.
        self.a_tag.d.next =
            self.xtag_imm.out.val() | self.xtag_tid.out.val() | self.xtag_d.out.val();
        if self.seq.x_count.val() {
            self.a_tag.d.next = self.xtag_imm.out.val()
                | self.k_cnt.val()
                | self.xtag_tid.out.val()
                | self.xtag_d.out.val();
        }
        if self.reset.val() {
            self.a_v.d.next = false;
        }
        self.alu.in_valid.next = self.a_v.q.val();
        self.alu.in_op.next = self.a_op.q.val();
        self.alu.in_imm.next = self.a_imm.q.val();
        self.alu.in_sg.next = self.a_sg.q.val();
        self.alu.in_asel.next = self.a_asel.q.val();
        self.alu.in_bsel.next = self.a_bsel.q.val();
        self.alu.in_tag.next = self.a_tag.q.val();
        self.alu.a_p.next = self.rf.x_ap.val();
        self.alu.a_s.next = self.rf.x_as.val();
        self.alu.a_j.next = self.jw.q.val();
        self.alu.b_p.next = self.rf.x_bp.val();
        self.alu.b_s.next = self.rf.x_bs.val();
        self.alu.b_k.next = self.rf.x_bk.val();
        // Write-back (W = t + ALU_WB): S write, counters and flags, REC request.
        self.rf.ws_we.next = self.alu.out_valid.val() & self.alu.out_we.val();
        self.rf.ws_tid.next = self.alu.out_tag.val().get_bits::<5>(5);
        self.rf.ws_reg.next = self.alu.out_tag.val().get_bits::<5>(0);
        self.rf.ws_data.next = self.alu.out_data.val();
        self.flwe.next = self.k_zero4.val();
        if self.alu.out_eq_we.val() {
            self.flwe.next = self.flwe.val() | self.k_bit4[0].val();
        }
        if self.alu.out_lt_we.val() {
            self.flwe.next = self.flwe.val() | self.k_bit4[1].val();
        }
        if self.alu.out_c_we.val() {
            self.flwe.next = self.flwe.val() | self.k_bit4[2].val();
        }
        if self.alu.out_od_we.val() {
            self.flwe.next = self.flwe.val() | self.k_bit4[3].val();
        }
        self.flv.next = self.k_zero4.val();
        if self.alu.out_eq.val() {
            self.flv.next = self.flv.val() | self.k_bit4[0].val();
        }
        if self.alu.out_lt.val() {
            self.flv.next = self.flv.val() | self.k_bit4[1].val();
        }
        if self.alu.out_c.val() {
            self.flv.next = self.flv.val() | self.k_bit4[2].val();
        }
        if self.alu.out_od.val() {
            self.flv.next = self.flv.val() | self.k_bit4[3].val();
        }
        self.seq.wa_v.next = self.alu.out_valid.val();
        self.seq.wa_count.next = self.alu.out_tag.val().get_bit(10);
        self.seq.wa_tid.next = self.alu.out_tag.val().get_bits::<5>(5);
        self.seq.wa_flwe.next = self.flwe.val();
        self.seq.wa_flv.next = self.flv.val();
        self.rec_req_valid.next = self.alu.out_valid.val() & self.alu.out_rec.val();
        self.rec_req_tid.next = self.alu.out_tag.val().get_bits::<5>(5);
        self.rec_req_slot.next = self.alu.out_tag.val().get_bits::<2>(11);
        self.rec_req_w.next = self.alu.out_tag.val().get_bits::<4>(13);
        self.rec_req_k.next = self.alu.out_data.val();

        // ---- Recoder ----
        self.seq.rec_load.next = self.rec_load.val();
        self.seq.dg_we.next = self.dg_we.val();
        self.seq.dg_tid.next = self.dg_tid.val();
        self.seq.dg_slot.next = self.dg_slot.val();
        self.seq.dg_pos.next = self.dg_pos.val();
        self.seq.dg_digit.next = self.dg_digit.val();
        self.seq.rec_done.next = self.rec_done.val();
        self.seq.rec_done_tid.next = self.rec_done_tid.val();

        // ---- trace ----
        self.tr_p_we.next = self.mul_out_valid.val();
        self.tr_p_tid.next = self.mul_out_tag.val().get_bits::<5>(5);
        self.tr_p_reg.next = self.mul_out_tag.val().get_bits::<5>(0);
        self.tr_p_data.next = self.mul_out.val();
        self.tr_s_we.next = self.alu.out_valid.val() & self.alu.out_we.val();
        self.tr_s_tid.next = self.alu.out_tag.val().get_bits::<5>(5);
        self.tr_s_reg.next = self.alu.out_tag.val().get_bits::<5>(0);
        self.tr_s_data.next = self.alu.out_data.val();
        self.tr_a_v.next = self.alu.out_valid.val();
        self.tr_a_tid.next = self.alu.out_tag.val().get_bits::<5>(5);
        self.tr_a_flwe.next = self.flwe.val();
        self.tr_a_flv.next = self.flv.val();
    }
}
