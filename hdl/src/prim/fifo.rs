//! `SyncFifo`: first-word-fall-through FIFO with a synchronous reset, on a simple dual-port
//! RAM (block RAM or LUT RAM in synthesis).
//!
//! A leaf primitive (hand-written Verilog body, behavioural model in `update`), like rust-hdl's
//! `RAM`, for two reasons:
//! - rust-hdl's own `SynchronousFIFO` has no reset (DFFs only have initial values), and
//!   `CTRL.SOFT_RESET` must empty every FIFO;
//! - rust-hdl emits one `always @(*)` per module, so a rust-hdl FIFO computes `empty` and uses
//!   `read` in the same block; every consumer computes `read` from `empty`, and Verilator
//!   then sees a (false) combinational loop at block granularity. Here `empty`/`full` and the
//!   read-address forwarding are separate `always` blocks.
//!
//! Semantics: `data_out` is the head when `!empty`; `read` pops it (ignored when empty). A
//! `write` when `full` is dropped (callers check `full`). A written word becomes visible two
//! cycles later (registered RAM read; the read side sees the write pointer one cycle late).
use rust_hdl::prelude::*;
use std::collections::VecDeque;

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
    /// Behavioural model for rust-hdl's simulator: (entries written, visible count).
    _sim: Box<(VecDeque<D>, usize)>,
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
            empty: Signal::new_with_default(true),
            _sim: Box::new((VecDeque::new(), 0)),
        }
    }
}

impl<D: Synth, const N: usize, const NP1: usize> Logic for SyncFifo<D, N, NP1> {
    fn update(&mut self) {
        if self.clock.pos_edge() {
            let (q, visible) = &mut *self._sim;
            if self.reset.val() {
                q.clear();
                *visible = 0;
            } else {
                if self.read.val() && *visible > 0 {
                    q.pop_front();
                    *visible -= 1;
                }
                // Words written last cycle become visible now (approximation of the
                // two-cycle latency of the RTL; this model is for smoke tests only).
                *visible = q.len();
                if self.write.val() && q.len() < (1 << N) {
                    q.push_back(self.data_in.val());
                }
            }
        }
        let (q, visible) = &*self._sim;
        self.empty.next = *visible == 0;
        self.full.next = q.len() >= (1 << N);
        self.data_out.next = if *visible > 0 {
            q.front().copied().unwrap_or_default()
        } else {
            D::default()
        };
    }
    fn connect(&mut self) {
        self.full.connect();
        self.data_out.connect();
        self.empty.connect();
    }
    fn hdl(&self) -> Verilog {
        let w = D::BITS;
        let depth = 1usize << N;
        Verilog::Custom(format!(
            "\
reg [{n}:0] wr_ptr = 0;
reg [{n}:0] wr_seen = 0;
reg [{n}:0] rd_ptr = 0;
reg [{nm1}:0] raddr;
reg [{wm1}:0] mem [0:{dm1}];
reg [{wm1}:0] q;
wire [{n}:0] rd_inc = rd_ptr + {{{{{n}{{1'b0}}}}, 1'b1}};
wire [{n}:0] wr_inc = wr_ptr + {{{{{n}{{1'b0}}}}, 1'b1}};
wire is_empty = (rd_ptr == wr_seen);
wire is_full = ((wr_ptr ^ rd_ptr) == {{1'b1, {{{n}{{1'b0}}}}}});
always @(*) empty = is_empty;
always @(*) full = is_full;
always @(*) data_out = q;
always @(*) raddr = (read && !is_empty) ? rd_inc[{nm1}:0] : rd_ptr[{nm1}:0];
always @(posedge clock) begin
   q <= mem[raddr];
   if (write && !is_full) mem[wr_ptr[{nm1}:0]] <= data_in;
   if (reset) begin
      wr_ptr <= 0;
      wr_seen <= 0;
      rd_ptr <= 0;
   end else begin
      wr_seen <= wr_ptr;
      if (write && !is_full) wr_ptr <= wr_inc;
      if (read && !is_empty) rd_ptr <= rd_inc;
   end
end
",
            n = N,
            nm1 = N - 1,
            wm1 = w - 1,
            dm1 = depth - 1,
        ))
    }
}
