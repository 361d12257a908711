//! `Widen<N, M>`: zero-extension of a `Bits<N>` to a `Bits<M>` (M > N).
//!
//! rust-hdl 0.46 emits `bit_cast::<M, N>(x)` as `((x) & M'hff..)`, which Verilator flags as a
//! WIDTH mismatch (fatal in our lint). This leaf primitive emits an explicit concatenation
//! `{{(M-N){1'b0}}, inp}` instead, so wide values can be assembled from words lint-clean.
//! It is only wiring: no logic, no flip-flops. Requires M > N.
use rust_hdl::prelude::*;

/// Zero-extends `inp` (N bits) to `out` (M bits).
#[derive(LogicBlock, Default)]
pub struct Widen<const N: usize, const M: usize> {
    pub inp: Signal<In, Bits<N>>,
    pub out: Signal<Out, Bits<M>>,
}

impl<const N: usize, const M: usize> Logic for Widen<N, M> {
    fn update(&mut self) {
        self.out.next = bit_cast::<M, N>(self.inp.val());
    }
    fn connect(&mut self) {
        self.out.connect();
    }
    fn hdl(&self) -> Verilog {
        Verilog::Custom(format!("always @(*) out = {{{{{}{{1'b0}}}}, inp}};", M - N))
    }
}
