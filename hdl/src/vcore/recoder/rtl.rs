//! `Recoder` RTL: a request queue of `REC_QUEUE` entries and a serial wNAF engine that writes
//! one digit per clock (ISA.md "REC", timing in `recoder::model::RecTimeline`).
//!
//! # Engine (no carry chain)
//! `m = |k|` is never formed: for `k < 0`, `m = ~k + 1`, so the engine holds `R = k ^ neg`
//! (bitwise) and a pending carry `c` of weight 2^0, with `m = R + c` throughout:
//! - position with `R[0] ^ c == 0` (m even): digit 0, `R >>= 1`, `c` unchanged
//!   (`(R + c) / 2 = (R >> 1) + c` when `R[0] == c`);
//! - m odd: the window `W = (R + c) mod 2^w` is `R[w-1:0] | 1` (if `c = 1` then `R[0] = 0`: no
//!   carry), the digit is `W` or `W - 2^w` by `W[w-1]`, so `|d|` index `(|d|-1)/2` is
//!   `R[w-1:1]` or its complement; `m - d` has its low w bits zero plus `2^w` when `d < 0`: the
//!   next `w-1` digits are 0 (`skip`), after which `c = (d < 0)` applies at bit 0.
//! The digit's sign is `(d < 0) ^ neg` (ISA: `neg ? -d : d`).
//!
//! Only `k[135:0]` and `k[255]` are stored: under the REC precondition (`m < 2^(136-w)`)
//! every higher bit of `R` is 0. A request outside the precondition (an ISS error) still
//! produces exactly `DIG_POSITIONS` writes and one `done`; `w` outside 2..8 is treated as 8.
//!
//! # Pipeline
//! Cycle L: the engine loads the queue head (`R`, `c`, `neg`, `w`, thread, slot; pos = 0).
//! Cycles L+1 .. L+136: position `pos` is decided from the engine registers into the write
//! port registers, which drive the port in the next cycle: digit i on the port in `L + 2 + i`
//! (`REC_START - 1 = 2` after the load). In the cycle that decides position 135 the engine
//! may load the next request (back to back, no gap). `done` is registered from the last
//! write, so it pulses in `L + 138`.
//!
//! # Queue
//! A circular buffer with 2-bit read/write pointers. The cluster pushes without asking
//! (`rec_req_valid`; its credit counter, VCORE-DECISIONS.md, keeps the queue from overflowing)
//! and returns a credit on `rec_load`. `rec_req_ready` is `count < REC_QUEUE` from the
//! registered count (a push into a full queue is dropped), so a request could be taken exactly
//! when `RecTimeline::can_accept` says so: the tests check it in every cycle.

use rust_hdl::prelude::*;

/// Stored bits of k (positions 0..135).
const KB: usize = 136;
const _: () = assert!(
    super::super::params::REC_QUEUE == 4 && super::super::params::DIG_POSITIONS == KB,
    "the queue arrays and KB follow params"
);

/// The Recoder (see the module docs).
#[derive(LogicBlock)]
pub struct Recoder {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset: empties the queue, aborts the running request (no `done`).
    pub reset: Signal<In, Bit>,
    /// A request is pushed (the REC's write-back cycle; the cluster's credits guarantee
    /// room, VCORE-DECISIONS.md; a push into a full queue is dropped).
    pub rec_req_valid: Signal<In, Bit>,
    /// The queue has room (registered; the cluster does not need it, the tests check it).
    pub rec_req_ready: Signal<Out, Bit>,
    /// Requesting thread (THREADS <= 32).
    pub rec_req_tid: Signal<In, Bits<5>>,
    /// Digit array of the thread.
    pub rec_req_slot: Signal<In, Bits<2>>,
    /// Window width, 2..8.
    pub rec_req_w: Signal<In, Bits<4>>,
    /// The scalar, 256-bit two's complement.
    pub rec_req_k: Signal<In, Bits<256>>,
    /// The engine takes a request out of the queue this cycle (`RecSchedule::load`; the
    /// cluster returns a credit). One LUT4 of flip-flops and `reset`; never during reset.
    pub rec_load: Signal<Out, Bit>,
    /// Digit write port (registered): write `dg_digit` to `digit[dg_tid][dg_slot][dg_pos]`.
    pub dg_we: Signal<Out, Bit>,
    /// Thread of the write.
    pub dg_tid: Signal<Out, Bits<5>>,
    /// Slot of the write.
    pub dg_slot: Signal<Out, Bits<2>>,
    /// Position 0..135.
    pub dg_pos: Signal<Out, Bits<8>>,
    /// Encoded digit: bit 7 sign, bit 6 zero, bits 5:0 `(|d|-1)/2`.
    pub dg_digit: Signal<Out, Bits<8>>,
    /// One-cycle pulse, the cycle after a request's last digit write (`rc -= 1`).
    pub rec_done: Signal<Out, Bit>,
    /// Thread of the finished request.
    pub rec_done_tid: Signal<Out, Bits<5>>,

    // ---- queue
    q_k: [DFF<Bits<KB>>; 4],
    q_neg: [DFF<Bit>; 4],
    q_w: [DFF<Bits<4>>; 4],
    q_thread: [DFF<Bits<5>>; 4],
    q_slot: [DFF<Bits<2>>; 4],
    wrp: DFF<Bits<2>>,
    rdp: DFF<Bits<2>>,
    count: DFF<Bits<3>>,
    /// `count != 0`, registered with the count (so `rec_load` is one LUT from flip-flops).
    nonempty: DFF<Bit>,
    // ---- engine
    busy: DFF<Bit>,
    pos: DFF<Bits<8>>,
    r: DFF<Bits<KB>>,
    c: DFF<Bit>,
    neg: DFF<Bit>,
    skip: DFF<Bits<3>>,
    w: DFF<Bits<4>>,
    e_thread: DFF<Bits<5>>,
    e_slot: DFF<Bits<2>>,
    /// `busy && pos == DIG_POSITIONS - 1`, registered one cycle ahead.
    at_last: DFF<Bit>,
    // ---- write port and done registers
    o_en: DFF<Bit>,
    o_last: DFF<Bit>,
    o_thread: DFF<Bits<5>>,
    o_slot: DFF<Bits<2>>,
    o_pos: DFF<Bits<8>>,
    o_digit: DFF<Bits<8>>,
    o_done: DFF<Bit>,
    o_done_thread: DFF<Bits<5>>,
    // ---- combinational
    push: Signal<Local, Bit>,
    load: Signal<Local, Bit>,
    last: Signal<Local, Bit>,
    cnt_next: Signal<Local, Bits<3>>,
    head_k: Signal<Local, Bits<KB>>,
    head_neg: Signal<Local, Bit>,
    head_w: Signal<Local, Bits<4>>,
    head_thread: Signal<Local, Bits<5>>,
    head_slot: Signal<Local, Bits<2>>,
    negmask: Signal<Local, Bits<KB>>,
    odd: Signal<Local, Bit>,
    dneg: Signal<Local, Bit>,
    imask: Signal<Local, Bits<8>>,
    wm1: Signal<Local, Bits<3>>,
    inv: Signal<Local, Bits<8>>,
    idx: Signal<Local, Bits<8>>,
    // ---- constants
    k_full: Constant<Bits<3>>,
    k_one3: Constant<Bits<3>>,
    k_zero3: Constant<Bits<3>>,
    k_one8: Constant<Bits<8>>,
    k_zero8: Constant<Bits<8>>,
    k_pen: Constant<Bits<8>>,
    k_ones_kb: Constant<Bits<KB>>,
    k_zero_kb: Constant<Bits<KB>>,
    k_ones8: Constant<Bits<8>>,
    k_sign: Constant<Bits<8>>,
    k_zero_digit: Constant<Bits<8>>,
    k_one2: Constant<Bits<2>>,
    k_idx: [Constant<Bits<2>>; 4],
    k_m: [Constant<Bits<8>>; 7],
    k_wm1: [Constant<Bits<3>>; 7],
}

impl Default for Recoder {
    fn default() -> Self {
        let ones_kb = Bits::<KB>::from((num_bigint::BigUint::from(1u8) << KB) - 1u8);
        Self {
            clock: Default::default(),
            reset: Default::default(),
            rec_req_valid: Default::default(),
            rec_req_ready: Default::default(),
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
            q_k: Default::default(),
            q_neg: Default::default(),
            q_w: Default::default(),
            q_thread: Default::default(),
            q_slot: Default::default(),
            wrp: Default::default(),
            rdp: Default::default(),
            count: Default::default(),
            nonempty: Default::default(),
            busy: Default::default(),
            pos: Default::default(),
            r: Default::default(),
            c: Default::default(),
            neg: Default::default(),
            skip: Default::default(),
            w: Default::default(),
            e_thread: Default::default(),
            e_slot: Default::default(),
            at_last: Default::default(),
            o_en: Default::default(),
            o_last: Default::default(),
            o_thread: Default::default(),
            o_slot: Default::default(),
            o_pos: Default::default(),
            o_digit: Default::default(),
            o_done: Default::default(),
            o_done_thread: Default::default(),
            push: Default::default(),
            load: Default::default(),
            last: Default::default(),
            cnt_next: Default::default(),
            head_k: Default::default(),
            head_neg: Default::default(),
            head_w: Default::default(),
            head_thread: Default::default(),
            head_slot: Default::default(),
            negmask: Default::default(),
            odd: Default::default(),
            dneg: Default::default(),
            imask: Default::default(),
            wm1: Default::default(),
            inv: Default::default(),
            idx: Default::default(),
            k_full: Constant::new(Bits::from(super::super::params::REC_QUEUE as u64)),
            k_one3: Constant::new(Bits::from(1u64)),
            k_zero3: Constant::new(Bits::default()),
            k_one8: Constant::new(Bits::from(1u64)),
            k_zero8: Constant::new(Bits::default()),
            k_pen: Constant::new(Bits::from(super::super::params::DIG_POSITIONS as u64 - 2)),
            k_ones_kb: Constant::new(ones_kb),
            k_zero_kb: Constant::new(Bits::default()),
            k_ones8: Constant::new(Bits::from(0xffu64)),
            k_sign: Constant::new(Bits::from(0x80u64)),
            k_zero_digit: Constant::new(Bits::from(0x40u64)),
            k_one2: Constant::new(Bits::from(1u64)),
            k_idx: std::array::from_fn(|i| Constant::new(Bits::from(i as u64))),
            // For w = 2..8: the mask of the w-2 index bits (|d| < 2^(w-1), so (|d|-1)/2 has
            // w-2 bits) and w-1 (the zero digits after a nonzero one).
            k_m: std::array::from_fn(|i| Constant::new(Bits::from((1u64 << i) - 1))),
            k_wm1: std::array::from_fn(|i| Constant::new(Bits::from(i as u64 + 1))),
        }
    }
}

impl Logic for Recoder {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            wrp,
            rdp,
            count,
            nonempty,
            busy,
            pos,
            r,
            c,
            neg,
            skip,
            w,
            e_thread,
            e_slot,
            at_last,
            o_en,
            o_last,
            o_thread,
            o_slot,
            o_pos,
            o_digit,
            o_done,
            o_done_thread
        );
        for i in 0..4 {
            self.q_k[i].clock.next = self.clock.val();
            self.q_k[i].d.next = self.q_k[i].q.val();
            self.q_neg[i].clock.next = self.clock.val();
            self.q_neg[i].d.next = self.q_neg[i].q.val();
            self.q_w[i].clock.next = self.clock.val();
            self.q_w[i].d.next = self.q_w[i].q.val();
            self.q_thread[i].clock.next = self.clock.val();
            self.q_thread[i].d.next = self.q_thread[i].q.val();
            self.q_slot[i].clock.next = self.clock.val();
            self.q_slot[i].d.next = self.q_slot[i].q.val();
        }

        // ---------------- queue ----------------
        self.rec_req_ready.next = self.count.q.val() != self.k_full.val();
        self.push.next = self.rec_req_valid.val() && (self.count.q.val() != self.k_full.val());
        for i in 0..4 {
            if self.push.val() && (self.wrp.q.val() == self.k_idx[i].val()) {
                self.q_k[i].d.next = self.rec_req_k.val().get_bits::<KB>(0);
                self.q_neg[i].d.next = self.rec_req_k.val().get_bit(255);
                self.q_w[i].d.next = self.rec_req_w.val();
                self.q_thread[i].d.next = self.rec_req_tid.val();
                self.q_slot[i].d.next = self.rec_req_slot.val();
            }
        }
        // Head of the queue (one-hot read pointer).
        self.head_k.next = self.q_k[0].q.val();
        self.head_neg.next = self.q_neg[0].q.val();
        self.head_w.next = self.q_w[0].q.val();
        self.head_thread.next = self.q_thread[0].q.val();
        self.head_slot.next = self.q_slot[0].q.val();
        for i in 1..4 {
            if self.rdp.q.val() == self.k_idx[i].val() {
                self.head_k.next = self.q_k[i].q.val();
                self.head_neg.next = self.q_neg[i].q.val();
                self.head_w.next = self.q_w[i].q.val();
                self.head_thread.next = self.q_thread[i].q.val();
                self.head_slot.next = self.q_slot[i].q.val();
            }
        }
        self.last.next = self.at_last.q.val();
        // No load in a reset cycle: the read pointer must stay where the emptied queue's
        // write pointer is set (below), and the cluster must not see a credit return.
        self.load.next =
            self.nonempty.q.val() && (!self.busy.q.val() || self.last.val()) && !self.reset.val();
        self.rec_load.next = self.load.val();
        if self.push.val() {
            self.wrp.d.next = self.wrp.q.val() + self.k_one2.val();
        }
        if self.load.val() {
            self.rdp.d.next = self.rdp.q.val() + self.k_one2.val();
        }
        self.cnt_next.next = self.count.q.val();
        if self.push.val() && !self.load.val() {
            self.cnt_next.next = self.count.q.val() + self.k_one3.val();
        }
        if !self.push.val() && self.load.val() {
            self.cnt_next.next = self.count.q.val() - self.k_one3.val();
        }
        self.count.d.next = self.cnt_next.val();
        self.nonempty.d.next = self.cnt_next.val() != self.k_zero3.val();

        // ---------------- engine: one position per cycle ----------------
        // w - 1 and the index mask (w - 2 low bits of R[w-1:1]) by w; w outside 2..8 as 8.
        self.wm1.next = self.k_wm1[6].val();
        self.imask.next = self.k_m[6].val();
        match self.w.q.val().index() {
            2 => {
                self.wm1.next = self.k_wm1[0].val();
                self.imask.next = self.k_m[0].val();
            }
            3 => {
                self.wm1.next = self.k_wm1[1].val();
                self.imask.next = self.k_m[1].val();
            }
            4 => {
                self.wm1.next = self.k_wm1[2].val();
                self.imask.next = self.k_m[2].val();
            }
            5 => {
                self.wm1.next = self.k_wm1[3].val();
                self.imask.next = self.k_m[3].val();
            }
            6 => {
                self.wm1.next = self.k_wm1[4].val();
                self.imask.next = self.k_m[4].val();
            }
            7 => {
                self.wm1.next = self.k_wm1[5].val();
                self.imask.next = self.k_m[5].val();
            }
            _ => {}
        }
        // d < 0 iff W[w-1] = R[w-1] (w >= 2, so bit w-1 is not the forced bit 0).
        self.dneg.next = self.r.q.val().get_bit(7);
        match self.w.q.val().index() {
            2 => {
                self.dneg.next = self.r.q.val().get_bit(1);
            }
            3 => {
                self.dneg.next = self.r.q.val().get_bit(2);
            }
            4 => {
                self.dneg.next = self.r.q.val().get_bit(3);
            }
            5 => {
                self.dneg.next = self.r.q.val().get_bit(4);
            }
            6 => {
                self.dneg.next = self.r.q.val().get_bit(5);
            }
            7 => {
                self.dneg.next = self.r.q.val().get_bit(6);
            }
            _ => {}
        }
        self.odd.next = (self.r.q.val().get_bit(0) ^ self.c.q.val()) && !self.skip.q.val().any();
        // (|d|-1)/2 = W[w-2:1] (d > 0) or ~W[w-2:1] (d < 0): (2^w - 1 - W) / 2.
        self.inv.next = self.k_zero8.val();
        if self.dneg.val() {
            self.inv.next = self.k_ones8.val();
        }
        self.idx.next = (self.r.q.val().get_bits::<8>(1) ^ self.inv.val()) & self.imask.val();

        self.o_en.d.next = false;
        self.o_last.d.next = false;
        // A load in this cycle restarts at pos 0 (and happens only when !busy or at_last).
        self.at_last.d.next = self.busy.q.val() && (self.pos.q.val() == self.k_pen.val());
        if self.busy.q.val() {
            self.o_en.d.next = true;
            self.o_last.d.next = self.last.val();
            self.o_thread.d.next = self.e_thread.q.val();
            self.o_slot.d.next = self.e_slot.q.val();
            self.o_pos.d.next = self.pos.q.val();
            self.o_digit.d.next = self.k_zero_digit.val();
            self.r.d.next = self.r.q.val() >> 1;
            self.pos.d.next = self.pos.q.val() + self.k_one8.val();
            if self.skip.q.val().any() {
                self.skip.d.next = self.skip.q.val() - self.k_one3.val();
            }
            if self.odd.val() {
                self.o_digit.d.next = self.idx.val();
                if self.dneg.val() ^ self.neg.q.val() {
                    self.o_digit.d.next = self.idx.val() | self.k_sign.val();
                }
                self.skip.d.next = self.wm1.val();
                self.c.d.next = self.dneg.val();
            }
            if self.last.val() {
                self.busy.d.next = false;
            }
        }
        self.negmask.next = self.k_zero_kb.val();
        if self.head_neg.val() {
            self.negmask.next = self.k_ones_kb.val();
        }
        if self.load.val() {
            self.busy.d.next = true;
            self.pos.d.next = self.k_zero8.val();
            self.r.d.next = self.head_k.val() ^ self.negmask.val();
            self.c.d.next = self.head_neg.val();
            self.neg.d.next = self.head_neg.val();
            self.skip.d.next = self.k_zero3.val();
            self.w.d.next = self.head_w.val();
            self.e_thread.d.next = self.head_thread.val();
            self.e_slot.d.next = self.head_slot.val();
        }
        self.o_done.d.next = self.o_en.q.val() && self.o_last.q.val();
        self.o_done_thread.d.next = self.o_thread.q.val();

        if self.reset.val() {
            self.count.d.next = self.k_zero3.val();
            self.nonempty.d.next = false;
            self.at_last.d.next = false;
            self.wrp.d.next = self.rdp.q.val();
            self.busy.d.next = false;
            self.o_en.d.next = false;
            self.o_last.d.next = false;
            self.o_done.d.next = false;
        }

        self.dg_we.next = self.o_en.q.val();
        self.dg_tid.next = self.o_thread.q.val();
        self.dg_slot.next = self.o_slot.q.val();
        self.dg_pos.next = self.o_pos.q.val();
        self.dg_digit.next = self.o_digit.q.val();
        self.rec_done.next = self.o_done.q.val();
        self.rec_done_tid.next = self.o_done_thread.q.val();
    }
}

/// The Verilog of a standalone `Recoder` (top module `top`).
pub fn verilog() -> String {
    let mut uut = Recoder::default();
    uut.connect_all();
    generate_verilog(&uut)
}
