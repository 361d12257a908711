//! `DmaReader<N>`: the hash cluster's descriptor-DMA ingress, an AXI read master (64-bit data,
//! INCR bursts) that fetches each DMA job's bytes from memory and writes them, as 64-bit beats,
//! straight into the FIFO of the unit the job was dispatched to.
//!
//! - **Jobs.** `start[i]` (one-hot, from the cluster's dispatcher) gives unit i a job: the
//!   first byte's address `start_addr` (8-byte aligned, checked by the register block),
//!   `start_beats = ceil(len/8)` and the tag (for error reports). Per unit the reader keeps
//!   the next address, the beats still to request and a credit counter.
//! - **Credits.** A unit's FIFO holds 2^`UNIT_FIFO_LOG2` beats and is empty when its job
//!   starts; each burst requested for it takes its length in credits, each beat the unit pops
//!   (`pop[i]`) returns one. A burst is only requested with a whole burst of credit, so the
//!   read data channel never waits for a unit (`m_axi_rready` depends only on the tracker).
//! - **Bursts.** Each clock the AR channel is free, the next unit in round-robin order that has
//!   beats to request and at least `DMA_MAX_BURST_BEATS` credits gets one burst of
//!   `min(16, beats left, beats to the next 4 KiB boundary)` beats: bursts never cross 4 KiB
//!   (AXI rule), and several are outstanding (up to the tracker depth, 8), which hides the
//!   memory latency: at 1 beat (2 words) per clock the 8 units (16 words per 65 clocks each,
//!   1.97 words per clock together) are fed. The request is two pipeline stages for the
//!   clock: each unit's eligibility and burst length are registered from its state, then
//!   the round-robin pick muxes the winner onto the AR registers while every unit updates its
//!   own address / beats / credit with its own adders.
//! - **Read data.** All bursts use one ID, so data returns in request order; an in-order
//!   tracker FIFO of {unit, beats} routes each beat to its unit (bytes reversed:
//!   AXI is little-endian, the units take big-endian words, first word in 63:32). `RLAST` is not
//!   needed (beats are counted). A beat with RRESP != OKAY is still delivered (the job finishes,
//!   nothing hangs) and pulses `err` with the job's tag.
//! - **Soft reset** (`reset`) drops every job. Bursts already requested are still received (AXI
//!   has no way to cancel them) and discarded: `reset` starts a drain during which no burst is
//!   requested and every beat is dropped; it ends when the tracker is empty and no AR is
//!   pending, so any number of soft resets in a row is safe. Jobs dispatched meanwhile start
//!   their bursts after the drain. The AXI channel state (`ar_valid`, tracker) is only
//!   cleared by `axi_reset` (the hard reset).
//!
//! rust-hdl limits met here: the round-robin pick is two priority chains (units above the
//! last winner first, then all) because hdl_gen cannot index arrays with an expression; byte
//! reversal and zero-extensions are the `ByteRev64` / `Widen` wiring leaves.
use rust_hdl::prelude::*;
use satchain_regmap::DMA_MAX_BURST_BEATS;

use super::unit::UNIT_FIFO_LOG2;
use crate::prim::SyncFifo;
use crate::prim::{konst, Widen};

/// log2 of the number of bursts in flight (tracker FIFO depth).
pub const TRACK_LOG2: usize = 3;

/// Width of a beat count: a job of at most 2^21 - 1 bytes has at most 2^18 beats.
pub const BEATS_BITS: usize = 19;

/// 64-bit byte reversal (wiring only): `out[63:56] = inp[7:0]`, ... `out[7:0] = inp[63:56]`.
#[derive(LogicBlock, Default)]
pub struct ByteRev64 {
    pub inp: Signal<In, Bits<64>>,
    pub out: Signal<Out, Bits<64>>,
}

impl Logic for ByteRev64 {
    fn update(&mut self) {
        let v = self.inp.val().to_u64();
        self.out.next = Bits::<64>::from(v.swap_bytes());
    }
    fn connect(&mut self) {
        self.out.connect();
    }
    fn hdl(&self) -> Verilog {
        Verilog::Custom(
            "always @(*) out = {inp[7:0], inp[15:8], inp[23:16], inp[31:24], \
             inp[39:32], inp[47:40], inp[55:48], inp[63:56]};"
                .to_string(),
        )
    }
}

/// The DMA read master of a cluster of `N` units.
#[derive(LogicBlock)]
pub struct DmaReader<const N: usize> {
    pub clock: Signal<In, Clock>,
    /// Soft reset: drop all jobs (outstanding bursts are drained and discarded).
    pub reset: Signal<In, Bit>,
    /// Hard reset: also clears the AXI channel state.
    pub axi_reset: Signal<In, Bit>,
    pub start: Signal<In, Bits<N>>,
    pub start_addr: Signal<In, Bits<32>>,
    pub start_beats: Signal<In, Bits<BEATS_BITS>>,
    pub start_tag: Signal<In, Bits<8>>,
    pub pop: Signal<In, Bits<N>>,
    pub beat_valid: Signal<Out, Bits<N>>,
    pub beat: Signal<Out, Bits<64>>,
    pub err: Signal<Out, Bit>,
    pub err_tag: Signal<Out, Bits<8>>,
    pub m_axi_araddr: Signal<Out, Bits<32>>,
    pub m_axi_arlen: Signal<Out, Bits<8>>,
    pub m_axi_arvalid: Signal<Out, Bit>,
    pub m_axi_arready: Signal<In, Bit>,
    pub m_axi_rdata: Signal<In, Bits<64>>,
    pub m_axi_rresp: Signal<In, Bits<2>>,
    pub m_axi_rvalid: Signal<In, Bit>,
    pub m_axi_rready: Signal<Out, Bit>,
    addr: [DFF<Bits<32>>; N],
    left: [DFF<Bits<BEATS_BITS>>; N],
    credit: [DFF<Bits<10>>; N],
    tag: [DFF<Bits<8>>; N],
    /// Units after the last burst's unit (round-robin mask).
    last_mask: DFF<Bits<N>>,
    /// Draining bursts requested before a soft reset.
    drain: DFF<Bit>,
    ar_valid: DFF<Bit>,
    ar_addr: DFF<Bits<32>>,
    ar_len: DFF<Bits<8>>,
    rcnt: DFF<Bits<4>>,
    /// Tracker entry: unit in 7:4, beats - 1 in 3:0.
    trk: SyncFifo<Bits<8>, TRACK_LOG2, { TRACK_LOG2 + 1 }>,
    swap: ByteRev64,
    elig_q: [DFF<Bit>; N],
    /// Request pipeline: stage 1 holds the picked unit, stage 2 adds its burst length.
    s1: DFF<Bit>,
    s2: DFF<Bit>,
    s_onehot: DFF<Bits<N>>,
    s_idx: DFF<Bits<4>>,
    s_addr: DFF<Bits<32>>,
    s_left: DFF<Bits<BEATS_BITS>>,
    s_blen: DFF<Bits<5>>,
    s_blm1: DFF<Bits<5>>,
    bnd_ext: Widen<9, 10>,
    tb_ext: Widen<10, BEATS_BITS>,
    bq10_ext: Widen<5, 10>,
    bq19_ext: Widen<5, BEATS_BITS>,
    bq32_ext: Widen<5, 32>,
    tb: Signal<Local, Bits<10>>,
    /// Stage 2's three comparisons, side by side: beats left < 16, beats to the 4 KiB
    /// boundary < 16, boundary < left.
    lt_l16: Signal<Local, Bit>,
    lt_t16: Signal<Local, Bit>,
    lt_tl: Signal<Local, Bit>,
    bl5: Signal<Local, Bits<5>>,
    blm1: Signal<Local, Bits<5>>,
    na: Signal<Local, Bits<32>>,
    nl: Signal<Local, Bits<BEATS_BITS>>,
    p_onehot: Signal<Local, Bits<N>>,
    p_left: Signal<Local, Bits<BEATS_BITS>>,
    hi_ext: Widen<4, 8>,
    bl8m_ext: Widen<4, 8>,
    al8_ext: Widen<5, 8>,
    bv: Signal<Local, Bits<N>>,
    hi: [Signal<Local, Bit>; N],
    pick: [Signal<Local, Bit>; N],
    found_hi: Signal<Local, Bit>,
    found: Signal<Local, Bit>,
    issue: Signal<Local, Bit>,
    can_pick: Signal<Local, Bit>,
    p_idx: Signal<Local, Bits<4>>,
    p_above: Signal<Local, Bits<N>>,
    p_addr: Signal<Local, Bits<32>>,
    cr_sub: [Signal<Local, Bits<10>>; N],
    cr_new: [Signal<Local, Bits<10>>; N],
    r_fire: Signal<Local, Bit>,
    h_idx: Signal<Local, Bits<4>>,
    h_len: Signal<Local, Bits<4>>,
    h_tag: Signal<Local, Bits<8>>,
    rcnt1: Signal<Local, Bits<4>>,
    idxc: [Constant<Bits<4>>; N],
    /// Bit i set.
    onehot: [Constant<Bits<N>>; N],
    /// Bits i+1..N-1 set.
    above: [Constant<Bits<N>>; N],
    c16_19: Constant<Bits<BEATS_BITS>>,
    c512_10: Constant<Bits<10>>,
    c1_10: Constant<Bits<10>>,
    c1_5: Constant<Bits<5>>,
    c16_10: Constant<Bits<10>>,
    c16_5: Constant<Bits<5>>,
    c15_5: Constant<Bits<5>>,
    c1_4: Constant<Bits<4>>,
    zero4: Constant<Bits<4>>,
    zero2: Constant<Bits<2>>,
    zero8: Constant<Bits<8>>,
    zero10: Constant<Bits<10>>,
    zero19: Constant<Bits<BEATS_BITS>>,
    credit_min: Constant<Bits<10>>,
    credit_full: Constant<Bits<10>>,
    zero_n: Constant<Bits<N>>,
}

impl<const N: usize> Default for DmaReader<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> DmaReader<N> {
    pub fn new() -> Self {
        assert!((1..=15).contains(&N), "DmaReader: 1..=15 units");
        Self {
            clock: Default::default(),
            reset: Default::default(),
            axi_reset: Default::default(),
            start: Default::default(),
            start_addr: Default::default(),
            start_beats: Default::default(),
            start_tag: Default::default(),
            pop: Default::default(),
            beat_valid: Default::default(),
            beat: Default::default(),
            err: Default::default(),
            err_tag: Default::default(),
            m_axi_araddr: Default::default(),
            m_axi_arlen: Default::default(),
            m_axi_arvalid: Default::default(),
            m_axi_arready: Default::default(),
            m_axi_rdata: Default::default(),
            m_axi_rresp: Default::default(),
            m_axi_rvalid: Default::default(),
            m_axi_rready: Default::default(),
            addr: std::array::from_fn(|_| Default::default()),
            left: std::array::from_fn(|_| Default::default()),
            credit: std::array::from_fn(|_| Default::default()),
            tag: std::array::from_fn(|_| Default::default()),
            last_mask: Default::default(),
            drain: Default::default(),
            ar_valid: Default::default(),
            ar_addr: Default::default(),
            ar_len: Default::default(),
            rcnt: Default::default(),
            trk: Default::default(),
            swap: Default::default(),
            elig_q: std::array::from_fn(|_| Default::default()),
            s1: Default::default(),
            s2: Default::default(),
            s_onehot: Default::default(),
            s_idx: Default::default(),
            s_addr: Default::default(),
            s_left: Default::default(),
            s_blen: Default::default(),
            s_blm1: Default::default(),
            bnd_ext: Default::default(),
            tb_ext: Default::default(),
            bq10_ext: Default::default(),
            bq19_ext: Default::default(),
            bq32_ext: Default::default(),
            tb: Default::default(),
            lt_l16: Default::default(),
            lt_t16: Default::default(),
            lt_tl: Default::default(),
            bl5: Default::default(),
            blm1: Default::default(),
            na: Default::default(),
            nl: Default::default(),
            p_onehot: Default::default(),
            p_left: Default::default(),
            hi_ext: Default::default(),
            bl8m_ext: Default::default(),
            al8_ext: Default::default(),
            bv: Default::default(),
            hi: std::array::from_fn(|_| Default::default()),
            pick: std::array::from_fn(|_| Default::default()),
            found_hi: Default::default(),
            found: Default::default(),
            issue: Default::default(),
            can_pick: Default::default(),
            p_idx: Default::default(),
            p_above: Default::default(),
            p_addr: Default::default(),
            cr_sub: std::array::from_fn(|_| Default::default()),
            cr_new: std::array::from_fn(|_| Default::default()),
            r_fire: Default::default(),
            h_idx: Default::default(),
            h_len: Default::default(),
            h_tag: Default::default(),
            rcnt1: Default::default(),
            idxc: std::array::from_fn(|i| konst(i as u64)),
            onehot: std::array::from_fn(|i| konst(1u64 << i)),
            above: std::array::from_fn(|i| konst(((1u64 << N) - 1) & !((2u64 << i) - 1))),
            c16_19: konst(u64::from(DMA_MAX_BURST_BEATS)),
            c512_10: konst(512),
            c1_10: konst(1),
            c1_5: konst(1),
            c16_10: konst(u64::from(DMA_MAX_BURST_BEATS)),
            c16_5: konst(u64::from(DMA_MAX_BURST_BEATS)),
            c15_5: konst(u64::from(DMA_MAX_BURST_BEATS) - 1),
            c1_4: konst(1),
            zero4: konst(0),
            zero2: konst(0),
            zero8: konst(0),
            zero10: konst(0),
            zero19: konst(0),
            credit_min: konst(u64::from(DMA_MAX_BURST_BEATS)),
            credit_full: konst(1u64 << UNIT_FIFO_LOG2),
            zero_n: konst(0),
        }
    }
}

impl<const N: usize> Logic for DmaReader<N> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, last_mask, drain, ar_valid, ar_addr, ar_len, rcnt, s1, s2, s_onehot,
            s_idx, s_addr, s_left, s_blen, s_blm1
        );
        for i in 0..N {
            self.addr[i].clock.next = self.clock.val();
            self.addr[i].d.next = self.addr[i].q.val();
            self.left[i].clock.next = self.clock.val();
            self.left[i].d.next = self.left[i].q.val();
            self.credit[i].clock.next = self.clock.val();
            self.credit[i].d.next = self.credit[i].q.val();
            self.tag[i].clock.next = self.clock.val();
            self.tag[i].d.next = self.tag[i].q.val();
            self.elig_q[i].clock.next = self.clock.val();
        }
        clock!(self, clock, trk);
        self.trk.reset.next = self.axi_reset.val();

        // ---- burst request: a three-stage pipeline, one request at a time ----
        // Stage 0 (every clock, per unit, registered): eligibility = beats left and at least
        // a burst of credit. Stage 1: round-robin pick among eligible units, the winner's
        // address and beats left registered. Stage 2: burst length = min(16, beats left,
        // beats to the next 4 KiB boundary = 512 - addr[11:3]), registered. Stage 3: the
        // request (AR registers, tracker entry) and the winner's state update. A new pick
        // waits until the AR handshake of the previous one, so every pick sees its unit's
        // state settled (at most one burst per 4 clocks: bursts are up to 16 beats).
        for i in 0..N {
            self.elig_q[i].d.next = (self.left[i].q.val() != self.zero19.val())
                & (self.credit[i].q.val() >= self.credit_min.val());
            self.hi[i].next = self.elig_q[i].q.val() & self.last_mask.q.val().get_bit(i);
        }
        self.found_hi.next = false;
        for i in 0..N {
            self.pick[i].next = false;
            if !self.found_hi.val() & self.hi[i].val() {
                self.pick[i].next = true;
                self.found_hi.next = true;
            }
        }
        self.found.next = self.found_hi.val();
        for i in 0..N {
            if !self.found.val() & self.elig_q[i].q.val() {
                self.pick[i].next = true;
                self.found.next = true;
            }
        }
        self.p_idx.next = self.zero4.val();
        self.p_onehot.next = self.zero_n.val();
        self.p_addr.next = self.addr[0].q.val();
        self.p_left.next = self.zero19.val();
        self.p_above.next = self.zero_n.val();
        for i in 0..N {
            if self.pick[i].val() {
                self.p_above.next = self.above[i].val();
                self.p_onehot.next = self.onehot[i].val();
                self.p_idx.next = self.idxc[i].val();
                self.p_addr.next = self.addr[i].q.val();
                self.p_left.next = self.left[i].q.val();
            }
        }
        self.can_pick.next = !self.s1.q.val()
            & !self.s2.q.val()
            & !self.ar_valid.q.val()
            & !self.trk.full.val()
            & !self.drain.q.val();
        if self.can_pick.val() & self.found.val() {
            self.s1.d.next = true;
            self.s_onehot.d.next = self.p_onehot.val();
            self.s_idx.d.next = self.p_idx.val();
            self.s_addr.d.next = self.p_addr.val();
            self.s_left.d.next = self.p_left.val();
            self.last_mask.d.next = self.p_above.val();
        }
        // Stage 2: burst length.
        self.bnd_ext.inp.next = self.s_addr.q.val().get_bits::<9>(3);
        self.tb.next = self.c512_10.val() - self.bnd_ext.out.val();
        self.tb_ext.inp.next = self.tb.val();
        // min(16, left, tb) and the same minus one, from three comparisons made side by side
        // (not one minimum after the other, then the decrement: that chain ending at s_blm1
        // was the hash path's longest, 5.8 ns by the timing model). The "minus one" of each
        // candidate needs no subtraction after the choice: tb - 1 = 511 - addr[11:3], whose
        // low bits are !addr[7:3]; left - 1 is taken only when left < 16 (and left >= 1: a
        // unit is picked only with beats left), so five bits of it suffice.
        self.lt_l16.next = self.s_left.q.val() < self.c16_19.val();
        self.lt_t16.next = self.tb.val() < self.c16_10.val();
        self.lt_tl.next = self.tb_ext.out.val() < self.s_left.q.val();
        self.bl5.next = self.c16_5.val();
        self.blm1.next = self.c15_5.val();
        if (self.lt_l16.val() & self.lt_tl.val()) | (!self.lt_l16.val() & self.lt_t16.val()) {
            self.bl5.next = self.tb.val().get_bits::<5>(0);
            self.blm1.next = !self.s_addr.q.val().get_bits::<5>(3);
        }
        if self.lt_l16.val() & !self.lt_tl.val() {
            self.bl5.next = self.s_left.q.val().get_bits::<5>(0);
            self.blm1.next = self.s_left.q.val().get_bits::<5>(0) - self.c1_5.val();
        }
        if self.s1.q.val() {
            self.s1.d.next = false;
            self.s2.d.next = true;
            self.s_blen.d.next = self.bl5.val();
            self.s_blm1.d.next = self.blm1.val();
        }
        // Stage 3: request and update.
        self.issue.next = self.s2.q.val();
        if self.s2.q.val() {
            self.s2.d.next = false;
        }
        self.bq10_ext.inp.next = self.s_blen.q.val();
        self.bq19_ext.inp.next = self.s_blen.q.val();
        self.bq32_ext.inp.next = self.s_blen.q.val();
        self.na.next = self.s_addr.q.val() + (self.bq32_ext.out.val() << 3);
        self.nl.next = self.s_left.q.val() - self.bq19_ext.out.val();

        // Tracker entry of the burst.
        self.hi_ext.inp.next = self.s_idx.q.val();
        self.bl8m_ext.inp.next = self.s_blm1.q.val().get_bits::<4>(0);
        self.al8_ext.inp.next = self.s_blm1.q.val();
        self.trk.data_in.next = (self.hi_ext.out.val() << 4) | self.bl8m_ext.out.val();
        self.trk.write.next = self.issue.val();
        // The drain ends when every burst requested before the soft reset has been received.
        if self.drain.q.val() & self.trk.empty.val() & !self.ar_valid.q.val() {
            self.drain.d.next = false;
        }

        // AR channel (registered; valid held until ARREADY).
        if self.ar_valid.q.val() & self.m_axi_arready.val() {
            self.ar_valid.d.next = false;
        }
        if self.issue.val() {
            self.ar_valid.d.next = true;
            self.ar_addr.d.next = self.s_addr.q.val();
            self.ar_len.d.next = self.al8_ext.out.val();
        }
        self.m_axi_arvalid.next = self.ar_valid.q.val();
        self.m_axi_araddr.next = self.ar_addr.q.val();
        self.m_axi_arlen.next = self.ar_len.q.val();

        // Per-unit state: job start, burst issue, credit return.
        for i in 0..N {
            self.cr_sub[i].next = self.credit[i].q.val();
            if self.issue.val() & self.s_onehot.q.val().get_bit(i) {
                self.cr_sub[i].next = self.credit[i].q.val() - self.bq10_ext.out.val();
                self.addr[i].d.next = self.na.val();
                self.left[i].d.next = self.nl.val();
            }
            self.cr_new[i].next = self.cr_sub[i].val();
            if self.pop.val().get_bit(i) {
                self.cr_new[i].next = self.cr_sub[i].val() + self.c1_10.val();
            }
            self.credit[i].d.next = self.cr_new[i].val();
            if self.start.val().get_bit(i) {
                self.addr[i].d.next = self.start_addr.val();
                self.left[i].d.next = self.start_beats.val();
                self.credit[i].d.next = self.credit_full.val();
                self.tag[i].d.next = self.start_tag.val();
            }
        }

        // ---- read data: route each beat to the unit at the tracker head ----
        self.h_idx.next = self.trk.data_out.val().get_bits::<4>(4);
        self.h_len.next = self.trk.data_out.val().get_bits::<4>(0);
        self.m_axi_rready.next = !self.trk.empty.val();
        self.r_fire.next = self.m_axi_rvalid.val() & !self.trk.empty.val();
        self.rcnt1.next = self.rcnt.q.val() + self.c1_4.val();
        self.trk.read.next = false;
        if self.r_fire.val() {
            self.rcnt.d.next = self.rcnt1.val();
            if self.rcnt.q.val() == self.h_len.val() {
                self.rcnt.d.next = self.zero4.val();
                self.trk.read.next = true;
            }
        }
        self.swap.inp.next = self.m_axi_rdata.val();
        self.beat.next = self.swap.out.val();
        self.bv.next = self.zero_n.val();
        self.h_tag.next = self.zero8.val();
        for i in 0..N {
            if self.h_idx.val() == self.idxc[i].val() {
                self.h_tag.next = self.tag[i].q.val();
                if self.r_fire.val() & !self.drain.q.val() {
                    self.bv.next = self.bv.val() | self.onehot[i].val();
                }
            }
        }
        self.beat_valid.next = self.bv.val();
        self.err.next =
            self.r_fire.val() & !self.drain.q.val() & (self.m_axi_rresp.val() != self.zero2.val());
        self.err_tag.next = self.h_tag.val();

        // ---- resets ----
        if self.reset.val() {
            self.drain.d.next = true;
            self.s1.d.next = false;
            self.s2.d.next = false;
            for i in 0..N {
                self.left[i].d.next = self.zero19.val();
                self.credit[i].d.next = self.zero10.val();
            }
        }
        if self.axi_reset.val() {
            self.drain.d.next = false;
            self.ar_valid.d.next = false;
            self.rcnt.d.next = self.zero4.val();
            self.last_mask.d.next = self.zero_n.val();
        }
    }
}
