//! `HashCluster<N>`: N `Sha256Unit`s behind a dispatcher, with a command queue, a data queue
//! and a result FIFO; results carry their job's tag and may return out of order.
//!
//! Dispatcher: when no job is streaming, the command at the head of the command queue goes
//! to the lowest-numbered idle unit, or, when no unit is idle, to the lowest unit whose
//! next-job slot is free (its running job has taken all its data; see `unit.rs`); then the
//! job's `ceil(len/4)` data words are routed from the data queue to that unit's 2 KiB input
//! FIFO at up to one word per clock. A job whose data fits the unit FIFO releases the stream
//! at once, so the next job goes to the next unit while the first is still hashing. Result
//! arbiter: each clock, the lowest-numbered unit holding a result moves it into the result
//! FIFO (if not full; the unit waits otherwise, so the result FIFO never overflows).
//!
//! Commands reaching the cluster are already validated (mode, length) by the register block;
//! the cluster sees only `double`, `len` and `tag`.
//!
//! Two ingresses feed the units:
//! - the register stream (`cmd_*` + `data`): 32-bit words in job order, packed in pairs into
//!   the units' 64-bit beats (an odd last word of a job goes alone, zero-padded);
//! - descriptor DMA (`dcmd_*`: address, length, double, tag): a second queue of 16 descriptors;
//!   its head goes to a unit (the same choice) on any clock the register stream does not
//!   dispatch, and `DmaReader` fetches the bytes over the `m_axi_*` read master straight into that unit's
//!   FIFO, for all units at once (see `dma.rs`). A DMA job never waits behind another job's
//!   data, which is what lets 8 units run at full speed on large transactions.
use rust_hdl::prelude::*;

use super::dma::{DmaReader, BEATS_BITS};
use super::unit::Sha256Unit;
use crate::prim::SyncFifo;
use crate::prim::Widen;

/// log2 of the command-queue depth.
pub const CMD_FIFO_LOG2: usize = 4;
/// log2 of the front data-queue depth.
pub const DATA_FIFO_LOG2: usize = 4;
/// log2 of the result FIFO depth (reported in `CAPS.RESULT_FIFO_LOG2`).
pub const RESULT_FIFO_LOG2: usize = 4;

/// N SHA-256 units with dispatcher and result FIFO.
#[derive(LogicBlock)]
pub struct HashCluster<const N: usize> {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    pub cmd_valid: Signal<In, Bit>,
    pub cmd_ready: Signal<Out, Bit>,
    pub cmd_double: Signal<In, Bit>,
    pub cmd_len: Signal<In, Bits<21>>,
    pub cmd_tag: Signal<In, Bits<8>>,
    pub data_valid: Signal<In, Bit>,
    pub data: Signal<In, Bits<32>>,
    pub data_ready: Signal<Out, Bit>,
    pub res_valid: Signal<Out, Bit>,
    pub res_pop: Signal<In, Bit>,
    pub res_tag: Signal<Out, Bits<8>>,
    pub res_digest: Signal<Out, Bits<256>>,
    /// A job is queued, streaming or being hashed.
    pub busy: Signal<Out, Bit>,
    /// Hard reset of the AXI master's channel state (`reset` is the soft reset).
    pub axi_reset: Signal<In, Bit>,
    pub dcmd_valid: Signal<In, Bit>,
    pub dcmd_ready: Signal<Out, Bit>,
    pub dcmd_double: Signal<In, Bit>,
    pub dcmd_len: Signal<In, Bits<21>>,
    pub dcmd_tag: Signal<In, Bits<8>>,
    pub dcmd_addr: Signal<In, Bits<32>>,
    /// A DMA read of job `dma_err_tag` was answered SLVERR/DECERR (one pulse per beat).
    pub dma_err: Signal<Out, Bit>,
    pub dma_err_tag: Signal<Out, Bits<8>>,
    pub m_axi_araddr: Signal<Out, Bits<32>>,
    pub m_axi_arlen: Signal<Out, Bits<8>>,
    pub m_axi_arvalid: Signal<Out, Bit>,
    pub m_axi_arready: Signal<In, Bit>,
    pub m_axi_rdata: Signal<In, Bits<64>>,
    pub m_axi_rresp: Signal<In, Bits<2>>,
    pub m_axi_rvalid: Signal<In, Bit>,
    pub m_axi_rready: Signal<Out, Bit>,
    units: [Sha256Unit; N],
    dma: DmaReader<N>,
    /// DMA descriptor queue entry: addr in 61:30, len in 29:9, tag in 8:1, double in 0.
    dq: SyncFifo<Bits<62>, CMD_FIFO_LOG2, { CMD_FIFO_LOG2 + 1 }>,
    half: DFF<Bit>,
    hold: DFF<Bits<32>>,
    d_len_ext: Widen<21, 62>,
    d_tag_ext: Widen<8, 62>,
    d_addr_ext: Widen<32, 62>,
    dq_len_ext: Widen<18, BEATS_BITS>,
    hold_ext: Widen<32, 64>,
    word_ext: Widen<32, 64>,
    dbeats: Signal<Local, Bits<BEATS_BITS>>,
    ddispatch: Signal<Local, Bit>,
    push: Signal<Local, Bit>,
    lbeat: Signal<Local, Bits<64>>,
    start_v: Signal<Local, Bits<N>>,
    pop_v: Signal<Local, Bits<N>>,
    c1_19: Constant<Bits<BEATS_BITS>>,
    zero3: Constant<Bits<3>>,
    onehot: [Constant<Bits<N>>; N],
    c1_62: Constant<Bits<62>>,
    zero_n: Constant<Bits<N>>,
    cmdq: SyncFifo<Bits<30>, CMD_FIFO_LOG2, { CMD_FIFO_LOG2 + 1 }>,
    dataq: SyncFifo<Bits<32>, DATA_FIFO_LOG2, { DATA_FIFO_LOG2 + 1 }>,
    resq: SyncFifo<Bits<264>, RESULT_FIFO_LOG2, { RESULT_FIFO_LOG2 + 1 }>,
    streaming: DFF<Bit>,
    cur: [DFF<Bit>; N],
    words_left: DFF<Bits<22>>,
    len_ext: Widen<21, 30>,
    tag_ext: Widen<8, 30>,
    q_len_ext: Widen<21, 22>,
    rtag_ext: Widen<8, 264>,
    rdig_ext: Widen<256, 264>,
    pick: [Signal<Local, Bit>; N],
    pick_idle: [Signal<Local, Bit>; N],
    found_idle: Signal<Local, Bit>,
    rpick: [Signal<Local, Bit>; N],
    found: Signal<Local, Bit>,
    rfound: Signal<Local, Bit>,
    any_busy: Signal<Local, Bit>,
    cur_rdy: Signal<Local, Bit>,
    dispatch: Signal<Local, Bit>,
    move_data: Signal<Local, Bit>,
    q_words: Signal<Local, Bits<22>>,
    q_words3: Signal<Local, Bits<22>>,
    rtag: Signal<Local, Bits<8>>,
    rdig: Signal<Local, Bits<256>>,
    wl1: Signal<Local, Bits<22>>,
    c1_30: Constant<Bits<30>>,
    c1_22: Constant<Bits<22>>,
    c3_22: Constant<Bits<22>>,
    zero22: Constant<Bits<22>>,
    zero8: Constant<Bits<8>>,
    zero256: Constant<Bits<256>>,
}

impl<const N: usize> Default for HashCluster<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> HashCluster<N> {
    pub fn new() -> Self {
        assert!(
            (1..=15).contains(&N),
            "HashCluster: 1..=15 units (CAPS.HASH_UNITS is 4 bits)"
        );
        Self {
            clock: Default::default(),
            reset: Default::default(),
            cmd_valid: Default::default(),
            cmd_ready: Default::default(),
            cmd_double: Default::default(),
            cmd_len: Default::default(),
            cmd_tag: Default::default(),
            data_valid: Default::default(),
            data: Default::default(),
            data_ready: Default::default(),
            res_valid: Default::default(),
            res_pop: Default::default(),
            res_tag: Default::default(),
            res_digest: Default::default(),
            busy: Default::default(),
            axi_reset: Default::default(),
            dcmd_valid: Default::default(),
            dcmd_ready: Default::default(),
            dcmd_double: Default::default(),
            dcmd_len: Default::default(),
            dcmd_tag: Default::default(),
            dcmd_addr: Default::default(),
            dma_err: Default::default(),
            dma_err_tag: Default::default(),
            m_axi_araddr: Default::default(),
            m_axi_arlen: Default::default(),
            m_axi_arvalid: Default::default(),
            m_axi_arready: Default::default(),
            m_axi_rdata: Default::default(),
            m_axi_rresp: Default::default(),
            m_axi_rvalid: Default::default(),
            m_axi_rready: Default::default(),
            units: std::array::from_fn(|_| Sha256Unit::new()),
            dma: DmaReader::new(),
            dq: Default::default(),
            half: Default::default(),
            hold: Default::default(),
            d_len_ext: Default::default(),
            d_tag_ext: Default::default(),
            d_addr_ext: Default::default(),
            dq_len_ext: Default::default(),
            hold_ext: Default::default(),
            word_ext: Default::default(),
            dbeats: Default::default(),
            ddispatch: Default::default(),
            push: Default::default(),
            lbeat: Default::default(),
            start_v: Default::default(),
            pop_v: Default::default(),
            c1_19: Constant::new(1u64.into()),
            zero3: Constant::new(0u64.into()),
            onehot: std::array::from_fn(|i| Constant::new((1u64 << i).into())),
            c1_62: Constant::new(1u64.into()),
            zero_n: Constant::new(0u64.into()),
            cmdq: Default::default(),
            dataq: Default::default(),
            resq: Default::default(),
            streaming: Default::default(),
            cur: std::array::from_fn(|_| Default::default()),
            words_left: Default::default(),
            len_ext: Default::default(),
            tag_ext: Default::default(),
            q_len_ext: Default::default(),
            rtag_ext: Default::default(),
            rdig_ext: Default::default(),
            pick: std::array::from_fn(|_| Default::default()),
            pick_idle: std::array::from_fn(|_| Default::default()),
            found_idle: Default::default(),
            rpick: std::array::from_fn(|_| Default::default()),
            found: Default::default(),
            rfound: Default::default(),
            any_busy: Default::default(),
            cur_rdy: Default::default(),
            dispatch: Default::default(),
            move_data: Default::default(),
            q_words: Default::default(),
            q_words3: Default::default(),
            rtag: Default::default(),
            rdig: Default::default(),
            wl1: Default::default(),
            c1_30: Constant::new(1u64.into()),
            c1_22: Constant::new(1u64.into()),
            c3_22: Constant::new(3u64.into()),
            zero22: Constant::new(0u64.into()),
            zero8: Constant::new(0u64.into()),
            zero256: Constant::new(0u64.into()),
        }
    }
}

impl<const N: usize> Logic for HashCluster<N> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, streaming, words_left, half, hold);
        for i in 0..N {
            self.cur[i].clock.next = self.clock.val();
            self.cur[i].d.next = self.cur[i].q.val();
            self.units[i].clock.next = self.clock.val();
            self.units[i].reset.next = self.reset.val();
        }
        clock!(self, clock, cmdq, dataq, resq, dq, dma);
        self.dq.reset.next = self.reset.val();
        self.dma.reset.next = self.reset.val();
        self.dma.axi_reset.next = self.axi_reset.val();
        self.cmdq.reset.next = self.reset.val();
        self.dataq.reset.next = self.reset.val();
        self.resq.reset.next = self.reset.val();

        // Ingress queues. Command entry: len in 29:9, tag in 8:1, double in 0.
        self.len_ext.inp.next = self.cmd_len.val();
        self.tag_ext.inp.next = self.cmd_tag.val();
        self.cmdq.data_in.next = (self.len_ext.out.val() << 9) | (self.tag_ext.out.val() << 1);
        if self.cmd_double.val() {
            self.cmdq.data_in.next =
                (self.len_ext.out.val() << 9) | (self.tag_ext.out.val() << 1) | self.c1_30.val();
        }
        self.cmdq.write.next = self.cmd_valid.val();
        self.cmd_ready.next = !self.cmdq.full.val();
        self.dataq.data_in.next = self.data.val();
        self.dataq.write.next = self.data_valid.val();
        self.data_ready.next = !self.dataq.full.val();

        // Head command decode.
        self.q_len_ext.inp.next = self.cmdq.data_out.val().get_bits::<21>(9);
        self.q_words3.next = self.q_len_ext.out.val() + self.c3_22.val();
        self.q_words.next = self.q_words3.val() >> 2;
        self.wl1.next = self.words_left.q.val() - self.c1_22.val();

        // Pick the lowest idle unit; when none is idle, the lowest unit whose next-job slot is
        // free (its running job has all its data; the new job's data streams in meanwhile).
        self.found_idle.next = false;
        self.found.next = false;
        for i in 0..N {
            self.pick_idle[i].next = false;
            // (`!busy`: no job and no pending job, which implies `cmd_ready`.)
            if !self.found_idle.val() & !self.units[i].busy.val() {
                self.pick_idle[i].next = true;
                self.found_idle.next = true;
            }
            self.pick[i].next = false;
            if !self.found.val() & self.units[i].cmd_ready.val() {
                self.pick[i].next = true;
                self.found.next = true;
            }
        }
        if self.found_idle.val() {
            for i in 0..N {
                self.pick[i].next = self.pick_idle[i].val();
            }
        }
        self.dispatch.next = !self.streaming.q.val() & !self.cmdq.empty.val() & self.found.val();
        self.cmdq.read.next = self.dispatch.val();

        // DMA descriptors: the head goes to the picked unit when the register stream
        // does not dispatch on this clock.
        self.d_len_ext.inp.next = self.dcmd_len.val();
        self.d_tag_ext.inp.next = self.dcmd_tag.val();
        self.d_addr_ext.inp.next = self.dcmd_addr.val();
        self.dq.data_in.next = (self.d_addr_ext.out.val() << 30)
            | (self.d_len_ext.out.val() << 9)
            | (self.d_tag_ext.out.val() << 1);
        if self.dcmd_double.val() {
            self.dq.data_in.next = (self.d_addr_ext.out.val() << 30)
                | (self.d_len_ext.out.val() << 9)
                | (self.d_tag_ext.out.val() << 1)
                | self.c1_62.val();
        }
        self.dq.write.next = self.dcmd_valid.val();
        self.dcmd_ready.next = !self.dq.full.val();
        self.ddispatch.next = !self.dispatch.val() & !self.dq.empty.val() & self.found.val();
        self.dq.read.next = self.ddispatch.val();
        // ceil(len / 8) beats: len[20:3], plus one for a partial last beat.
        self.dq_len_ext.inp.next = self.dq.data_out.val().get_bits::<18>(12);
        self.dbeats.next = self.dq_len_ext.out.val();
        if self.dq.data_out.val().get_bits::<3>(9) != self.zero3.val() {
            self.dbeats.next = self.dq_len_ext.out.val() + self.c1_19.val();
        }
        self.start_v.next = self.zero_n.val();
        for i in 0..N {
            if self.ddispatch.val() & self.pick[i].val() {
                self.start_v.next = self.start_v.val() | self.onehot[i].val();
            }
        }
        self.dma.start.next = self.start_v.val();
        self.dma.start_addr.next = self.dq.data_out.val().get_bits::<32>(30);
        self.dma.start_beats.next = self.dbeats.val();
        self.dma.start_tag.next = self.dq.data_out.val().get_bits::<8>(1);
        self.pop_v.next = self.zero_n.val();
        for i in 0..N {
            if self.units[i].data_pop.val() {
                self.pop_v.next = self.pop_v.val() | self.onehot[i].val();
            }
        }
        self.dma.pop.next = self.pop_v.val();
        self.m_axi_araddr.next = self.dma.m_axi_araddr.val();
        self.m_axi_arlen.next = self.dma.m_axi_arlen.val();
        self.m_axi_arvalid.next = self.dma.m_axi_arvalid.val();
        self.dma.m_axi_arready.next = self.m_axi_arready.val();
        self.dma.m_axi_rdata.next = self.m_axi_rdata.val();
        self.dma.m_axi_rresp.next = self.m_axi_rresp.val();
        self.dma.m_axi_rvalid.next = self.m_axi_rvalid.val();
        self.m_axi_rready.next = self.dma.m_axi_rready.val();
        self.dma_err.next = self.dma.err.val();
        self.dma_err_tag.next = self.dma.err_tag.val();

        // Route data to the streaming unit.
        self.cur_rdy.next = false;
        for i in 0..N {
            if self.cur[i].q.val() & self.units[i].data_ready.val() {
                self.cur_rdy.next = true;
            }
        }
        self.move_data.next = self.streaming.q.val() & !self.dataq.empty.val() & self.cur_rdy.val();
        self.dataq.read.next = self.move_data.val();
        // Pack register-stream words in pairs (first word in 63:32); a job's last word goes
        // out at once.
        self.push.next = self.move_data.val()
            & (self.half.q.val() | (self.words_left.q.val() == self.c1_22.val()));
        self.hold_ext.inp.next = self.hold.q.val();
        self.word_ext.inp.next = self.dataq.data_out.val();
        self.lbeat.next = self.word_ext.out.val() << 32;
        if self.half.q.val() {
            self.lbeat.next = (self.hold_ext.out.val() << 32) | self.word_ext.out.val();
        }
        if self.move_data.val() {
            if self.push.val() {
                self.half.d.next = false;
            } else {
                self.half.d.next = true;
                self.hold.d.next = self.dataq.data_out.val();
            }
        }
        for i in 0..N {
            self.units[i].cmd_valid.next =
                (self.dispatch.val() | self.ddispatch.val()) & self.pick[i].val();
            self.units[i].cmd_double.next = self.cmdq.data_out.val().get_bit(0);
            self.units[i].cmd_len.next = self.cmdq.data_out.val().get_bits::<21>(9);
            self.units[i].cmd_tag.next = self.cmdq.data_out.val().get_bits::<8>(1);
            if self.ddispatch.val() {
                self.units[i].cmd_double.next = self.dq.data_out.val().get_bit(0);
                self.units[i].cmd_len.next = self.dq.data_out.val().get_bits::<21>(9);
                self.units[i].cmd_tag.next = self.dq.data_out.val().get_bits::<8>(1);
            }
            self.units[i].data.next = self.lbeat.val();
            self.units[i].data_valid.next = self.push.val() & self.cur[i].q.val();
            if self.dma.beat_valid.val().get_bit(i) {
                self.units[i].data.next = self.dma.beat.val();
                self.units[i].data_valid.next = true;
            }
        }
        if self.move_data.val() {
            self.words_left.d.next = self.wl1.val();
            if self.words_left.q.val() == self.c1_22.val() {
                self.streaming.d.next = false;
            }
        }
        if self.dispatch.val() {
            for i in 0..N {
                self.cur[i].d.next = self.pick[i].val();
            }
            self.words_left.d.next = self.q_words.val();
            self.streaming.d.next = self.q_words.val() != self.zero22.val();
        }

        // Results: lowest unit with a result, into the result FIFO.
        self.rfound.next = false;
        self.rtag.next = self.zero8.val();
        self.rdig.next = self.zero256.val();
        for i in 0..N {
            self.rpick[i].next = false;
            if !self.rfound.val() & self.units[i].res_valid.val() {
                self.rpick[i].next = true;
                self.rfound.next = true;
                self.rtag.next = self.units[i].res_tag.val();
                self.rdig.next = self.units[i].res_digest.val();
            }
        }
        for i in 0..N {
            self.units[i].res_ack.next = self.rpick[i].val() & !self.resq.full.val();
        }
        self.rtag_ext.inp.next = self.rtag.val();
        self.rdig_ext.inp.next = self.rdig.val();
        self.resq.data_in.next = (self.rtag_ext.out.val() << 256) | self.rdig_ext.out.val();
        self.resq.write.next = self.rfound.val() & !self.resq.full.val();
        self.resq.read.next = self.res_pop.val();
        self.res_valid.next = !self.resq.empty.val();
        self.res_tag.next = self.resq.data_out.val().get_bits::<8>(256);
        self.res_digest.next = self.resq.data_out.val().get_bits::<256>(0);

        self.any_busy.next = false;
        for i in 0..N {
            if self.units[i].busy.val() {
                self.any_busy.next = true;
            }
        }
        self.busy.next = self.any_busy.val()
            | !self.cmdq.empty.val()
            | !self.dq.empty.val()
            | self.streaming.q.val();

        if self.reset.val() {
            self.streaming.d.next = false;
            self.half.d.next = false;
        }
    }
}
