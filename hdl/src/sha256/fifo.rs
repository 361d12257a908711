//! `SyncFifo`: first-word-fall-through FIFO with a synchronous reset, on a simple dual-port
//! RAM (block RAM or LUT RAM in synthesis, inferred from rust-hdl's `RAM`).
//!
//! rust-hdl's own `SynchronousFIFO` has no reset (DFFs only have initial values), and
//! `CTRL.SOFT_RESET` must empty every FIFO, so this one resets its pointers.
//!
//! Semantics: `data_out` is the head when `!empty`; `read` pops it. A `write` when `full` is
//! ignored (callers check `full`: the blocks here never write a full FIFO). A written word
//! becomes visible two cycles later (the RAM read is registered; the write pointer seen by
//! the read side is delayed one cycle), as in rust-hdl's FIFO.
use rust_hdl::prelude::*;

/// FIFO of `2^N` entries of `D`; `NP1` must be `N + 1`.
#[derive(LogicBlock)]
pub struct SyncFifo<D: Synth, const N: usize, const NP1: usize> {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    pub write: Signal<In, Bit>,
    pub data_in: Signal<In, D>,
    pub full: Signal<Out, Bit>,
    pub read: Signal<In, Bit>,
    pub data_out: Signal<Out, D>,
    pub empty: Signal<Out, Bit>,
    ram: RAM<D, N>,
    wr: DFF<Bits<NP1>>,
    wr_d: DFF<Bits<NP1>>,
    rd: DFF<Bits<NP1>>,
    rd1: Signal<Local, Bits<NP1>>,
    wr1: Signal<Local, Bits<NP1>>,
    is_empty: Signal<Local, Bit>,
    is_full: Signal<Local, Bit>,
    one: Constant<Bits<NP1>>,
    top: Constant<Bits<NP1>>,
    zero: Constant<Bits<NP1>>,
}

impl<D: Synth, const N: usize, const NP1: usize> Default for SyncFifo<D, N, NP1> {
    fn default() -> Self {
        assert_eq!(NP1, N + 1, "SyncFifo: NP1 must be N + 1");
        Self {
            clock: Default::default(),
            reset: Default::default(),
            write: Default::default(),
            data_in: Default::default(),
            full: Default::default(),
            read: Default::default(),
            data_out: Default::default(),
            empty: Default::default(),
            ram: Default::default(),
            wr: Default::default(),
            wr_d: Default::default(),
            rd: Default::default(),
            rd1: Default::default(),
            wr1: Default::default(),
            is_empty: Default::default(),
            is_full: Default::default(),
            one: Constant::new(1u64.into()),
            top: Constant::new((1u64 << N).into()),
            zero: Constant::new(0u64.into()),
        }
    }
}

impl<D: Synth, const N: usize, const NP1: usize> Logic for SyncFifo<D, N, NP1> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, wr, wr_d, rd);
        self.ram.read_clock.next = self.clock.val();
        self.ram.write_clock.next = self.clock.val();
        self.rd1.next = self.rd.q.val() + self.one.val();
        self.wr1.next = self.wr.q.val() + self.one.val();
        self.is_empty.next = self.rd.q.val() == self.wr_d.q.val();
        self.is_full.next = (self.wr.q.val() ^ self.rd.q.val()) == self.top.val();
        self.empty.next = self.is_empty.val();
        self.full.next = self.is_full.val();
        self.data_out.next = self.ram.read_data.val();
        self.ram.write_address.next = self.wr.q.val().get_bits::<N>(0);
        self.ram.write_data.next = self.data_in.val();
        self.ram.write_enable.next = self.write.val() & !self.is_full.val();
        self.ram.read_address.next = self.rd.q.val().get_bits::<N>(0);
        self.wr_d.d.next = self.wr.q.val();
        if self.write.val() & !self.is_full.val() {
            self.wr.d.next = self.wr1.val();
        }
        if self.read.val() & !self.is_empty.val() {
            self.rd.d.next = self.rd1.val();
            self.ram.read_address.next = self.rd1.val().get_bits::<N>(0);
        }
        if self.reset.val() {
            self.wr.d.next = self.zero.val();
            self.wr_d.d.next = self.zero.val();
            self.rd.d.next = self.zero.val();
        }
    }
}
