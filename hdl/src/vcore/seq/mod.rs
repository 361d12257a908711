//! `Sequencer`: the cluster's `THREADS` threads ([`ThreadCtl`]), the three issue ports with
//! their round-robin arbiters (MUL, ALU, CTL), the program ROM (two true-dual-port copies:
//! MUL/ALU fetch, CTL/job-entry fetch), the digit RAM (written by the Recoder, read by DIG),
//! job loading, REC credits and results.
//!
//! # Pipeline (cycle t = select)
//! - **t, select**: each arbiter grants one requesting thread; requests are the threads'
//!   registered ready bits, minus threads granted in t-1 (their HEAD is gone), minus the ALU
//!   port during a job load and REC heads without credit. The CTL grant of a halting HEAD
//!   frees the thread at the end of t (idle from t+1).
//! - **t+1, port stage**: the registered grant selects (AND-OR over threads) the winner's
//!   precomputed next PC (to the ROM), operand addresses (to the register file, in the
//!   cluster), destination and op fields (to the units); the CTL winner's DIG address goes to
//!   the digit RAM; a halted winner's result is registered. Per-thread effects (PC, LC, RA,
//!   counters) happen in the threads.
//! - **t+2**: ROM / digit RAM / register file arrays.
//! - **t+3**: their output registers: the new HEAD (and DIG's I/SG/DZ) reach the thread,
//!   which computes its ready bit for t+4 from it: `FETCH_CYCLES = 4`.
//! - Results: `res_valid` in t+2.
//!
//! # Job loads
//! `job_ready` = some thread idle and no load in its first five cycles. A handshake in t
//! (`job_valid && job_ready`) loads the lowest idle thread at the end of t; the ALU port is
//! taken in t+1..t+6 (word j in t_j = t+1+j: a LOAD op with d = j through the ALU, so it is
//! written in t_j + ALU_WB like any ALU result; the cluster puts the job word on the ALU's A
//! input), and the ENTRY fetch is issued as if selected in t_5 + ALU_WB: HEAD valid in
//! t_5 + ALU_WB + FETCH_CYCLES.
//!
//! # REC credits (VCORE-DECISIONS.md)
//! `crv(t) = REC_QUEUE - S(t-2) + L(t-1)` (S: REC selections, L: recoder loads); a REC head
//! may request in t iff `crv(t) >= 2`. Only registers feed the ALU arbiter.

pub mod arbiter;
pub mod thread;

// The constructor (constants, ROM image, child blocks): a file of its own, beside the ports,
// state and `update()` here.
mod construct;

use crate::prim::Placed;
use crate::prim::Widen;
use crate::vcore::alu::op as alu_op;
use crate::vcore::mem::{Bram, Brom2};
use crate::vcore::params::{DIG_ADDR_BITS, REC_QUEUE, THREADS, THREAD_BITS};
use crate::vcore::timing::ALU_WB;
use arbiter::RrArbiter;
use rust_hdl::prelude::*;
use thread::{ThreadCtl, AGE_BITS};

/// Cycles from a job handshake to the cycle its ENTRY fetch address reaches the ROM (the
/// fetch's "port stage"): t_5 + ALU_WB + 1 = t + 7 + ALU_WB.
const ENTRY_DELAY: usize = ALU_WB as usize + 7;
const N2: usize = 2 * THREADS;

/// The sequencer (see the module docs).
#[derive(LogicBlock)]
pub struct Sequencer {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    pub job_valid: Signal<In, Bit>,
    pub job_kind: Signal<In, Bit>,
    pub job_tag: Signal<In, Bits<16>>,
    pub job_ready: Signal<Out, Bit>,
    /// ENTRY[0] (ECDSA) and ENTRY[1] (Schnorr): constants in a product top.
    pub entry0: Signal<In, Bits<11>>,
    pub entry1: Signal<In, Bits<11>>,
    /// Program load port (test benches; tied off in a product top).
    pub prog_we: Signal<In, Bit>,
    pub prog_addr: Signal<In, Bits<11>>,
    pub prog_data: Signal<In, Bits<72>>,
    pub res_valid: Signal<Out, Bit>,
    pub res_tag: Signal<Out, Bits<16>>,
    pub res_code: Signal<Out, Bits<4>>,
    pub res_cycles: Signal<Out, Bits<32>>,
    // ---- MUL issue (port stage) ----
    pub m_v: Signal<Out, Bit>,
    pub m_tid: Signal<Out, Bits<5>>,
    pub m_d: Signal<Out, Bits<5>>,
    pub m_mode: Signal<Out, Bits<2>>,
    pub m_a_s: Signal<Out, Bit>,
    pub m_a_reg: Signal<Out, Bits<5>>,
    pub m_b_k: Signal<Out, Bit>,
    pub m_b_s: Signal<Out, Bit>,
    pub m_b_reg: Signal<Out, Bits<5>>,
    pub m_b_kidx: Signal<Out, Bits<8>>,
    // ---- ALU issue (port stage) ----
    pub x_v: Signal<Out, Bit>,
    /// 1: a thread's A-op (counted in `ac`); 0: a job-load word.
    pub x_count: Signal<Out, Bit>,
    pub x_tid: Signal<Out, Bits<5>>,
    pub x_d: Signal<Out, Bits<5>>,
    pub x_op: Signal<Out, Bits<6>>,
    pub x_imm: Signal<Out, Bits<8>>,
    pub x_sg: Signal<Out, Bit>,
    /// ALU source codes (`alu::src`).
    pub x_asel: Signal<Out, Bits<2>>,
    pub x_bsel: Signal<Out, Bits<2>>,
    pub x_a_reg: Signal<Out, Bits<5>>,
    pub x_b_reg: Signal<Out, Bits<5>>,
    pub x_b_kidx: Signal<Out, Bits<8>>,
    // ---- completions (write-back cycle W) ----
    pub wm_v: Signal<In, Bit>,
    pub wm_tid: Signal<In, Bits<5>>,
    pub wa_v: Signal<In, Bit>,
    pub wa_count: Signal<In, Bit>,
    pub wa_tid: Signal<In, Bits<5>>,
    /// EQ LT C OD write enables and values.
    pub wa_flwe: Signal<In, Bits<4>>,
    pub wa_flv: Signal<In, Bits<4>>,
    pub rec_done: Signal<In, Bit>,
    pub rec_done_tid: Signal<In, Bits<5>>,
    /// The Recoder took a request out of its queue this cycle (returns a credit).
    pub rec_load: Signal<In, Bit>,
    // ---- digit RAM write port (Recoder) ----
    pub dg_we: Signal<In, Bit>,
    pub dg_tid: Signal<In, Bits<5>>,
    pub dg_slot: Signal<In, Bits<2>>,
    pub dg_pos: Signal<In, Bits<8>>,
    pub dg_digit: Signal<In, Bits<8>>,
    // ---- blocks ----
    threads: [ThreadCtl; THREADS],
    arb_m: RrArbiter<THREADS, N2>,
    arb_a: RrArbiter<THREADS, N2>,
    arb_c: RrArbiter<THREADS, N2>,
    rom0: Brom2<72, 11>,
    rom1: Brom2<72, 11>,
    digits: Bram<8, DIG_ADDR_BITS>,
    // ---- registers ----
    won_m: DFF<Bits<THREADS>>,
    won_a: DFF<Bits<THREADS>>,
    won_c: DFF<Bits<THREADS>>,
    won_any: DFF<Bits<THREADS>>,
    /// Fetch requests in flight (ports 0 MUL, 1 ALU, 2 CTL, 3 entry): t+2 and t+3.
    fv1: DFF<Bits<4>>,
    fv2: DFF<Bits<4>>,
    ft1: [DFF<Bits<5>>; 4],
    ft2: [DFF<Bits<5>>; 4],
    dv1: DFF<Bit>,
    dv2: DFF<Bit>,
    dt1: DFF<Bits<5>>,
    dt2: DFF<Bits<5>>,
    res_v: DFF<Bit>,
    res_t: DFF<Bits<16>>,
    res_c: DFF<Bits<4>>,
    res_n: DFF<Bits<AGE_BITS>>,
    crv: DFF<Bits<4>>,
    rec_ok: DFF<Bit>,
    ld_cnt: DFF<Bits<3>>,
    /// `ld_cnt != 0`, registered beside it (the next count's test), so the ALU port's request
    /// mask reads one flip-flop instead of decoding the counter in front of its arbiter: that
    /// decode began the top's longest path once the ALU's was cut (6.144 ns, `arb_a.above`).
    ld_busy: DFF<Bit>,
    ld_tid: DFF<Bits<5>>,
    lw_v: DFF<Bit>,
    lw_j: DFF<Bits<5>>,
    lw_tid: DFF<Bits<5>>,
    /// ENTRY fetch delay line: {valid, kind, tid[4:0]}.
    dl: [DFF<Bits<7>>; ENTRY_DELAY],
    dl0: Signal<Local, Bits<7>>,
    dl_last: Signal<Local, Bits<7>>,
    // ---- locals ----
    rdy_m: Signal<Local, Bits<THREADS>>,
    rdy_a: Signal<Local, Bits<THREADS>>,
    rdy_c: Signal<Local, Bits<THREADS>>,
    isrec: Signal<Local, Bits<THREADS>>,
    idle: Signal<Local, Bits<THREADS>>,
    lowest: Signal<Local, Bits<THREADS>>,
    li_tid: Signal<Local, Bits<5>>,
    hsk: Signal<Local, Bit>,
    gprev: Signal<Local, Bit>,
    crn: Signal<Local, Bits<4>>,
    fv0: Signal<Local, Bits<4>>,
    m_npc: Signal<Local, Bits<11>>,
    a_npc: Signal<Local, Bits<11>>,
    c_npc: Signal<Local, Bits<11>>,
    x_a_s: Signal<Local, Bit>,
    x_b_k: Signal<Local, Bit>,
    x_b_s: Signal<Local, Bit>,
    m_op: Signal<Local, Bits<6>>,
    c_tid: Signal<Local, Bits<5>>,
    c_dig: Signal<Local, Bit>,
    c_halt: Signal<Local, Bit>,
    c_lc: Signal<Local, Bits<8>>,
    c_slot: Signal<Local, Bits<8>>,
    c_code: Signal<Local, Bits<4>>,
    c_tag: Signal<Local, Bits<16>>,
    c_age: Signal<Local, Bits<AGE_BITS>>,
    dra_tid: Placed<THREAD_BITS, DIG_ADDR_BITS>,
    dra_slot: Placed<2, DIG_ADDR_BITS>,
    dra_pos: Widen<8, DIG_ADDR_BITS>,
    dwa_tid: Placed<THREAD_BITS, DIG_ADDR_BITS>,
    dwa_slot: Placed<2, DIG_ADDR_BITS>,
    dwa_pos: Widen<8, DIG_ADDR_BITS>,
    cyc_ext: Widen<AGE_BITS, 32>,
    j_ext: Widen<3, 5>,
    // ---- constants ----
    k_oh: [Constant<Bits<THREADS>>; THREADS],
    k_tid: [Constant<Bits<5>>; THREADS],
    k_bit4: [Constant<Bits<4>>; 4],
    k_zero_n: Constant<Bits<THREADS>>,
    k_one_n: Constant<Bits<THREADS>>,
    k_zero4: Constant<Bits<4>>,
    k_zero5: Constant<Bits<5>>,
    k_zero6: Constant<Bits<6>>,
    k_zero8: Constant<Bits<8>>,
    k_zero11: Constant<Bits<11>>,
    k_zero16: Constant<Bits<16>>,
    k_zero_age: Constant<Bits<AGE_BITS>>,
    k_zero7: Constant<Bits<7>>,
    k_zero3: Constant<Bits<3>>,
    k_one2: Constant<Bits<2>>,
    k_one3: Constant<Bits<3>>,
    k_one4: Constant<Bits<4>>,
    k_two4: Constant<Bits<4>>,
    k_six3: Constant<Bits<3>>,
    k_load_op: Constant<Bits<6>>,
    k_src_s: Constant<Bits<2>>,
    k_src_jk: Constant<Bits<2>>,
    k_src_p: Constant<Bits<2>>,
    k_recq: Constant<Bits<4>>,
    k_dl_valid: Constant<Bits<7>>,
    k_dl_kind: Constant<Bits<7>>,
    k_dl_tid: [Constant<Bits<7>>; THREADS],
}

impl Logic for Sequencer {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, won_m, won_a, won_c, won_any, fv1, fv2, dv1, dv2, dt1, dt2, res_v, res_t,
            res_c, res_n, crv, rec_ok, ld_cnt, ld_busy, ld_tid, lw_v, lw_j, lw_tid
        );
        for p in 0..4 {
            self.ft1[p].clock.next = self.clock.val();
            self.ft1[p].d.next = self.ft1[p].q.val();
            self.ft2[p].clock.next = self.clock.val();
            self.ft2[p].d.next = self.ft2[p].q.val();
        }
        for k in 0..ENTRY_DELAY {
            self.dl[k].clock.next = self.clock.val();
        }
        clock!(self, clock, arb_m, arb_a, arb_c, rom0, rom1, digits);
        self.arb_m.reset.next = self.reset.val();
        self.arb_a.reset.next = self.reset.val();
        self.arb_c.reset.next = self.reset.val();
        self.rom0.we.next = self.prog_we.val();
        self.rom0.wa.next = self.prog_addr.val();
        self.rom0.wd.next = self.prog_data.val();
        self.rom1.we.next = self.prog_we.val();
        self.rom1.wa.next = self.prog_addr.val();
        self.rom1.wd.next = self.prog_data.val();

        // ================= thread vectors =================
        self.rdy_m.next = self.k_zero_n.val();
        self.rdy_a.next = self.k_zero_n.val();
        self.rdy_c.next = self.k_zero_n.val();
        self.isrec.next = self.k_zero_n.val();
        self.idle.next = self.k_zero_n.val();
        for i in 0..THREADS {
            self.threads[i].clock.next = self.clock.val();
            self.threads[i].reset.next = self.reset.val();
            if self.threads[i].rdy_m.val() {
                self.rdy_m.next = self.rdy_m.val() | self.k_oh[i].val();
            }
            if self.threads[i].rdy_a.val() {
                self.rdy_a.next = self.rdy_a.val() | self.k_oh[i].val();
            }
            if self.threads[i].rdy_c.val() {
                self.rdy_c.next = self.rdy_c.val() | self.k_oh[i].val();
            }
            if self.threads[i].isrec.val() {
                self.isrec.next = self.isrec.val() | self.k_oh[i].val();
            }
            if !self.threads[i].active.val() {
                self.idle.next = self.idle.val() | self.k_oh[i].val();
            }
        }

        // ================= select (cycle t) =================
        self.arb_m.req.next = self.rdy_m.val() & !self.won_any.q.val();
        self.arb_a.req.next = self.rdy_a.val() & !self.won_any.q.val();
        if !self.rec_ok.q.val() {
            self.arb_a.req.next = self.rdy_a.val() & !self.won_any.q.val() & !self.isrec.val();
        }
        if self.ld_busy.q.val() {
            self.arb_a.req.next = self.k_zero_n.val();
        }
        self.arb_c.req.next = self.rdy_c.val() & !self.won_any.q.val();
        self.won_m.d.next = self.arb_m.grant.val();
        self.won_a.d.next = self.arb_a.grant.val();
        self.won_c.d.next = self.arb_c.grant.val();
        self.won_any.d.next =
            self.arb_m.grant.val() | self.arb_a.grant.val() | self.arb_c.grant.val();
        for i in 0..THREADS {
            self.threads[i].grant_m.next = self.arb_m.grant.val().get_bit(i);
            self.threads[i].grant_a.next = self.arb_a.grant.val().get_bit(i);
            self.threads[i].grant_c.next = self.arb_c.grant.val().get_bit(i);
        }

        // ================= port stage (t+1): MUL =================
        self.m_npc.next = self.k_zero11.val();
        self.m_tid.next = self.k_zero5.val();
        self.m_d.next = self.k_zero5.val();
        self.m_op.next = self.k_zero6.val();
        self.m_a_s.next = false;
        self.m_a_reg.next = self.k_zero5.val();
        self.m_b_k.next = false;
        self.m_b_s.next = false;
        self.m_b_reg.next = self.k_zero5.val();
        self.m_b_kidx.next = self.k_zero8.val();
        for i in 0..THREADS {
            if self.won_m.q.val().get_bit(i) {
                self.m_npc.next = self.m_npc.val() | self.threads[i].npc.val();
                self.m_tid.next = self.m_tid.val() | self.k_tid[i].val();
                self.m_d.next = self.m_d.val() | self.threads[i].d.val();
                self.m_op.next = self.m_op.val() | self.threads[i].op.val();
                self.m_a_s.next = self.m_a_s.val() | self.threads[i].a_s.val();
                self.m_a_reg.next = self.m_a_reg.val() | self.threads[i].a_reg.val();
                self.m_b_k.next = self.m_b_k.val() | self.threads[i].b_k.val();
                self.m_b_s.next = self.m_b_s.val() | self.threads[i].b_s.val();
                self.m_b_reg.next = self.m_b_reg.val() | self.threads[i].b_reg.val();
                self.m_b_kidx.next = self.m_b_kidx.val() | self.threads[i].b_kidx.val();
            }
        }
        self.m_v.next = self.won_m.q.val().any();
        // MULP 1 -> mode 0 (mod p), MULLO 2 -> 1, MULHI 3 -> 2.
        self.m_mode.next = self.m_op.val().get_bits::<2>(0) - self.k_one2.val();

        // ================= port stage (t+1): ALU, or a job-load word =================
        self.a_npc.next = self.k_zero11.val();
        self.x_tid.next = self.k_zero5.val();
        self.x_d.next = self.k_zero5.val();
        self.x_op.next = self.k_zero6.val();
        self.x_imm.next = self.k_zero8.val();
        self.x_sg.next = false;
        self.x_a_s.next = false;
        self.x_a_reg.next = self.k_zero5.val();
        self.x_b_k.next = false;
        self.x_b_s.next = false;
        self.x_b_reg.next = self.k_zero5.val();
        self.x_b_kidx.next = self.k_zero8.val();
        for i in 0..THREADS {
            if self.won_a.q.val().get_bit(i) {
                self.a_npc.next = self.a_npc.val() | self.threads[i].npc.val();
                self.x_tid.next = self.x_tid.val() | self.k_tid[i].val();
                self.x_d.next = self.x_d.val() | self.threads[i].d.val();
                self.x_op.next = self.x_op.val() | self.threads[i].op.val();
                self.x_imm.next = self.x_imm.val() | self.threads[i].imm.val();
                self.x_sg.next = self.x_sg.val() | self.threads[i].sg.val();
                self.x_a_s.next = self.x_a_s.val() | self.threads[i].a_s.val();
                self.x_a_reg.next = self.x_a_reg.val() | self.threads[i].a_reg.val();
                self.x_b_k.next = self.x_b_k.val() | self.threads[i].b_k.val();
                self.x_b_s.next = self.x_b_s.val() | self.threads[i].b_s.val();
                self.x_b_reg.next = self.x_b_reg.val() | self.threads[i].b_reg.val();
                self.x_b_kidx.next = self.x_b_kidx.val() | self.threads[i].b_kidx.val();
            }
        }
        self.x_v.next = self.won_a.q.val().any();
        self.x_count.next = true;
        self.x_asel.next = self.k_src_p.val();
        if self.x_a_s.val() {
            self.x_asel.next = self.k_src_s.val();
        }
        self.x_bsel.next = self.k_src_p.val();
        if self.x_b_s.val() {
            self.x_bsel.next = self.k_src_s.val();
        }
        if self.x_b_k.val() {
            self.x_bsel.next = self.k_src_jk.val();
        }
        if self.lw_v.q.val() {
            self.x_v.next = true;
            self.x_count.next = false;
            self.x_tid.next = self.lw_tid.q.val();
            self.x_d.next = self.lw_j.q.val();
            self.x_op.next = self.k_load_op.val();
            self.x_asel.next = self.k_src_jk.val();
        }

        // ================= port stage (t+1): CTL =================
        self.c_npc.next = self.k_zero11.val();
        self.c_tid.next = self.k_zero5.val();
        self.c_dig.next = false;
        self.c_halt.next = false;
        self.c_lc.next = self.k_zero8.val();
        self.c_slot.next = self.k_zero8.val();
        self.c_code.next = self.k_zero4.val();
        self.c_tag.next = self.k_zero16.val();
        self.c_age.next = self.k_zero_age.val();
        for i in 0..THREADS {
            if self.won_c.q.val().get_bit(i) {
                self.c_npc.next = self.c_npc.val() | self.threads[i].npc.val();
                self.c_tid.next = self.c_tid.val() | self.k_tid[i].val();
                self.c_dig.next = self.c_dig.val() | self.threads[i].isdig.val();
                self.c_halt.next = self.c_halt.val() | self.threads[i].halted.val();
                self.c_lc.next = self.c_lc.val() | self.threads[i].lc.val();
                self.c_slot.next = self.c_slot.val() | self.threads[i].imm.val();
                self.c_code.next = self.c_code.val() | self.threads[i].code.val();
                self.c_tag.next = self.c_tag.val() | self.threads[i].tag.val();
                self.c_age.next = self.c_age.val() | self.threads[i].age.val();
            }
        }
        // Digit RAM read: {thread, slot = imm[1:0], LC}; the word reaches the thread in t+3.
        self.dra_tid.inp.next = self.c_tid.val().get_bits::<THREAD_BITS>(0);
        self.dra_slot.inp.next = self.c_slot.val().get_bits::<2>(0);
        self.dra_pos.inp.next = self.c_lc.val();
        self.digits.raddr.next =
            self.dra_tid.out.val() | self.dra_slot.out.val() | self.dra_pos.out.val();
        self.dv1.d.next = self.won_c.q.val().any() & self.c_dig.val() & !self.c_halt.val();
        self.dt1.d.next = self.c_tid.val();
        self.dv2.d.next = self.dv1.q.val();
        self.dt2.d.next = self.dt1.q.val();
        // Digit RAM write (Recoder).
        self.dwa_tid.inp.next = self.dg_tid.val().get_bits::<THREAD_BITS>(0);
        self.dwa_slot.inp.next = self.dg_slot.val();
        self.dwa_pos.inp.next = self.dg_pos.val();
        self.digits.we.next = self.dg_we.val();
        self.digits.waddr.next =
            self.dwa_tid.out.val() | self.dwa_slot.out.val() | self.dwa_pos.out.val();
        self.digits.wdata.next = self.dg_digit.val();
        // Result (t+2).
        self.res_v.d.next = self.won_c.q.val().any() & self.c_halt.val();
        self.res_t.d.next = self.c_tag.val();
        self.res_c.d.next = self.c_code.val();
        self.res_n.d.next = self.c_age.val();
        self.cyc_ext.inp.next = self.res_n.q.val();
        self.res_valid.next = self.res_v.q.val();
        self.res_tag.next = self.res_t.q.val();
        self.res_code.next = self.res_c.q.val();
        self.res_cycles.next = self.cyc_ext.out.val();

        // ================= fetch (ROM addresses in t+1, words in t+3) =================
        // (A one-iteration loop: `#[hdl_gen]` evaluates array indices with loop variables
        // only, so the last delay stage is named through one.)
        self.dl_last.next = self.k_zero7.val();
        for k in (ENTRY_DELAY - 1)..ENTRY_DELAY {
            self.dl_last.next = self.dl[k].q.val();
        }
        self.rom0.ra.next = self.m_npc.val();
        self.rom0.rb.next = self.a_npc.val();
        self.rom1.ra.next = self.c_npc.val();
        self.rom1.rb.next = self.entry0.val();
        if self.dl_last.val().get_bit(5) {
            self.rom1.rb.next = self.entry1.val();
        }
        self.fv0.next = self.k_zero4.val();
        if self.won_m.q.val().any() {
            self.fv0.next = self.fv0.val() | self.k_bit4[0].val();
        }
        if self.won_a.q.val().any() {
            self.fv0.next = self.fv0.val() | self.k_bit4[1].val();
        }
        if self.won_c.q.val().any() & !self.c_halt.val() {
            self.fv0.next = self.fv0.val() | self.k_bit4[2].val();
        }
        if self.dl_last.val().get_bit(6) {
            self.fv0.next = self.fv0.val() | self.k_bit4[3].val();
        }
        self.fv1.d.next = self.fv0.val();
        self.fv2.d.next = self.fv1.q.val();
        self.ft1[0].d.next = self.m_tid.val();
        self.ft1[1].d.next = self.x_tid.val();
        self.ft1[2].d.next = self.c_tid.val();
        self.ft1[3].d.next = self.dl_last.val().get_bits::<5>(0);
        for p in 0..4 {
            self.ft2[p].d.next = self.ft1[p].q.val();
        }
        for i in 0..THREADS {
            self.threads[i].rom_v0.next = self.fv2.q.val().get_bit(0);
            self.threads[i].rom_v1.next = self.fv2.q.val().get_bit(1);
            self.threads[i].rom_v2.next = self.fv2.q.val().get_bit(2);
            self.threads[i].rom_v3.next = self.fv2.q.val().get_bit(3);
            self.threads[i].rom_tid0.next = self.ft2[0].q.val();
            self.threads[i].rom_tid1.next = self.ft2[1].q.val();
            self.threads[i].rom_tid2.next = self.ft2[2].q.val();
            self.threads[i].rom_tid3.next = self.ft2[3].q.val();
            self.threads[i].rom_q0.next = self.rom0.qa.val();
            self.threads[i].rom_q1.next = self.rom0.qb.val();
            self.threads[i].rom_q2.next = self.rom1.qa.val();
            self.threads[i].rom_q3.next = self.rom1.qb.val();
            self.threads[i].dig_v.next =
                self.dv2.q.val() & (self.dt2.q.val() == self.k_tid[i].val());
            self.threads[i].dig.next = self.digits.rdata.val();
        }

        // ================= completions =================
        for i in 0..THREADS {
            self.threads[i].dec_m.next =
                self.wm_v.val() & (self.wm_tid.val() == self.k_tid[i].val());
            self.threads[i].dec_a.next =
                self.wa_v.val() & self.wa_count.val() & (self.wa_tid.val() == self.k_tid[i].val());
            self.threads[i].fl_we.next = self.k_zero4.val();
            if self.wa_v.val() & (self.wa_tid.val() == self.k_tid[i].val()) {
                self.threads[i].fl_we.next = self.wa_flwe.val();
            }
            self.threads[i].fl_val.next = self.wa_flv.val();
            self.threads[i].dec_r.next =
                self.rec_done.val() & (self.rec_done_tid.val() == self.k_tid[i].val());
        }

        // ================= REC credits =================
        self.gprev.next = (self.won_a.q.val() & self.isrec.val()).any();
        self.crn.next = self.crv.q.val();
        if self.gprev.val() & !self.rec_load.val() {
            self.crn.next = self.crv.q.val() - self.k_one4.val();
        }
        if !self.gprev.val() & self.rec_load.val() {
            self.crn.next = self.crv.q.val() + self.k_one4.val();
        }
        self.crv.d.next = self.crn.val();
        self.rec_ok.d.next = self.crn.val() >= self.k_two4.val();

        // ================= job load =================
        self.job_ready.next = self.idle.val().any() & (self.ld_cnt.q.val() <= self.k_one3.val());
        self.hsk.next = self.job_valid.val()
            & self.idle.val().any()
            & (self.ld_cnt.q.val() <= self.k_one3.val());
        self.lowest.next = self.idle.val() & (!self.idle.val() + self.k_one_n.val());
        self.li_tid.next = self.k_zero5.val();
        for i in 0..THREADS {
            if self.lowest.val().get_bit(i) {
                self.li_tid.next = self.li_tid.val() | self.k_tid[i].val();
            }
            self.threads[i].load.next = self.hsk.val() & self.lowest.val().get_bit(i);
            self.threads[i].load_tag.next = self.job_tag.val();
            self.threads[i].load_pc.next = self.entry0.val();
            if self.job_kind.val() {
                self.threads[i].load_pc.next = self.entry1.val();
            }
        }
        if self.ld_cnt.q.val().any() {
            self.ld_cnt.d.next = self.ld_cnt.q.val() - self.k_one3.val();
        }
        // The count is nonzero next cycle iff a job loads now or it is above 1 now.
        self.ld_busy.d.next = self.hsk.val() | (self.ld_cnt.q.val() > self.k_one3.val());
        if self.hsk.val() {
            self.ld_cnt.d.next = self.k_six3.val();
            self.ld_tid.d.next = self.li_tid.val();
        }
        // Load word j = 6 - ld_cnt takes the ALU port this cycle; its port stage is next.
        self.lw_v.d.next = self.ld_cnt.q.val().any();
        self.j_ext.inp.next = self.k_six3.val() - self.ld_cnt.q.val();
        self.lw_j.d.next = self.j_ext.out.val();
        self.lw_tid.d.next = self.ld_tid.q.val();
        // ENTRY fetch delay line.
        self.dl0.next = self.k_zero7.val();
        if self.hsk.val() {
            self.dl0.next = self.k_dl_valid.val();
            if self.job_kind.val() {
                self.dl0.next = self.k_dl_valid.val() | self.k_dl_kind.val();
            }
            for i in 0..THREADS {
                if self.lowest.val().get_bit(i) {
                    self.dl0.next = self.dl0.val() | self.k_dl_tid[i].val();
                }
            }
        }
        self.dl[0].d.next = self.dl0.val();
        for k in 1..ENTRY_DELAY {
            self.dl[k].d.next = self.dl[k - 1].q.val();
        }

        // ================= reset =================
        if self.reset.val() {
            self.won_m.d.next = self.k_zero_n.val();
            self.won_a.d.next = self.k_zero_n.val();
            self.won_c.d.next = self.k_zero_n.val();
            self.won_any.d.next = self.k_zero_n.val();
            self.fv1.d.next = self.k_zero4.val();
            self.fv2.d.next = self.k_zero4.val();
            self.dv1.d.next = false;
            self.dv2.d.next = false;
            self.res_v.d.next = false;
            self.crv.d.next = self.k_recq.val();
            self.rec_ok.d.next = true;
            self.ld_cnt.d.next = self.k_zero3.val();
            self.ld_busy.d.next = false;
            self.lw_v.d.next = false;
            for k in 0..ENTRY_DELAY {
                self.dl[k].d.next = self.k_zero7.val();
            }
        }
    }
}
