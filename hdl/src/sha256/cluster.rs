//! `HashCluster<N>`: N `Sha256Unit`s behind a dispatcher, with a command queue, a data queue
//! and a result FIFO; results carry their job's tag and may return out of order.
//!
//! Dispatcher: when no job is streaming, the command at the head of the command queue goes
//! to the lowest-numbered idle unit; then the job's `ceil(len/4)` data words are routed from
//! the data queue to that unit's 2 KiB input FIFO at up to one word per clock. A job whose
//! data fits the unit FIFO releases the stream at once, so the next job goes to the next
//! idle unit while the first is still hashing. Result arbiter: each clock, the lowest-numbered
//! unit holding a result moves it into the result FIFO (if not full; the unit waits
//! otherwise, so the result FIFO never overflows).
//!
//! Commands reaching the cluster are already validated (mode, length) by the register block;
//! the cluster sees only `double`, `len` and `tag`.
use rust_hdl::prelude::*;

use super::fifo::SyncFifo;
use super::unit::Sha256Unit;
use super::widen::Widen;

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
    units: [Sha256Unit; N],
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
            units: std::array::from_fn(|_| Sha256Unit::new()),
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
        dff_setup!(self, clock, streaming, words_left);
        for i in 0..N {
            self.cur[i].clock.next = self.clock.val();
            self.cur[i].d.next = self.cur[i].q.val();
            self.units[i].clock.next = self.clock.val();
            self.units[i].reset.next = self.reset.val();
        }
        clock!(self, clock, cmdq, dataq, resq);
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

        // Pick the lowest idle unit.
        self.found.next = false;
        for i in 0..N {
            self.pick[i].next = false;
            if !self.found.val() & self.units[i].cmd_ready.val() {
                self.pick[i].next = true;
                self.found.next = true;
            }
        }
        self.dispatch.next = !self.streaming.q.val() & !self.cmdq.empty.val() & self.found.val();
        self.cmdq.read.next = self.dispatch.val();

        // Route data to the streaming unit.
        self.cur_rdy.next = false;
        for i in 0..N {
            if self.cur[i].q.val() & self.units[i].data_ready.val() {
                self.cur_rdy.next = true;
            }
        }
        self.move_data.next = self.streaming.q.val() & !self.dataq.empty.val() & self.cur_rdy.val();
        self.dataq.read.next = self.move_data.val();
        for i in 0..N {
            self.units[i].cmd_valid.next = self.dispatch.val() & self.pick[i].val();
            self.units[i].cmd_double.next = self.cmdq.data_out.val().get_bit(0);
            self.units[i].cmd_len.next = self.cmdq.data_out.val().get_bits::<21>(9);
            self.units[i].cmd_tag.next = self.cmdq.data_out.val().get_bits::<8>(1);
            self.units[i].data.next = self.dataq.data_out.val();
            self.units[i].data_valid.next = self.move_data.val() & self.cur[i].q.val();
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
        self.busy.next = self.any_busy.val() | !self.cmdq.empty.val() | self.streaming.q.val();

        if self.reset.val() {
            self.streaming.d.next = false;
        }
    }
}
