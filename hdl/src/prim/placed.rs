//! `Placed<N, M>`: an `N`-bit word zero-extended to `M` bits and moved up by a fixed number of
//! bit positions (`out = inp << shift`), i.e. pure wiring.
//!
//! rust-hdl workaround: rust-hdl 0.46 has no concatenation, its widening `bit_cast` is a
//! Verilator WIDTH error, and inside `#[hdl_gen]` a shift amount cannot be computed from a loop
//! index (`Bits << usize` does not exist). This leaf emits the concatenation
//! `{zeros, inp, zeros}` with the shift fixed at construction, so a wide word can be assembled
//! from chunks in a loop (`out` of every chunk ORed together). No logic, no flip-flops.
use rust_hdl::prelude::*;

/// `out = inp << shift` (zero-extended to `M` bits); `shift + N <= M`.
#[derive(LogicBlock)]
pub struct Placed<const N: usize, const M: usize> {
    pub inp: Signal<In, Bits<N>>,
    pub out: Signal<Out, Bits<M>>,
    _shift: usize,
}

impl<const N: usize, const M: usize> Placed<N, M> {
    /// A placement at bit `shift`.
    pub fn new(shift: usize) -> Self {
        assert!(shift + N <= M, "Placed: word outside the target width");
        Self {
            inp: Default::default(),
            out: Default::default(),
            _shift: shift,
        }
    }
}

impl<const N: usize, const M: usize> Default for Placed<N, M> {
    fn default() -> Self {
        Self::new(0)
    }
}

impl<const N: usize, const M: usize> Logic for Placed<N, M> {
    fn update(&mut self) {
        let v = num_bigint::BigUint::from_bytes_le(&bits_le_bytes(&self.inp.val()));
        self.out.next = Bits::from(v << self._shift);
    }
    fn connect(&mut self) {
        self.out.connect();
    }
    fn hdl(&self) -> Verilog {
        let hi = M - N - self._shift;
        let mut parts = Vec::new();
        if hi > 0 {
            parts.push(format!("{hi}'d0"));
        }
        parts.push("inp".to_string());
        if self._shift > 0 {
            parts.push(format!("{}'d0", self._shift));
        }
        Verilog::Custom(format!("always @(*) out = {{{}}};", parts.join(", ")))
    }
}

/// Little-endian bytes of a `Bits<N>` (for the behavioural model).
fn bits_le_bytes<const N: usize>(b: &Bits<N>) -> Vec<u8> {
    (0..N.div_ceil(8))
        .map(|i| {
            (0..8).fold(0u8, |acc, j| {
                let k = 8 * i + j;
                if k < N && b.get_bit(k) {
                    acc | (1 << j)
                } else {
                    acc
                }
            })
        })
        .collect()
}

/// `N` placements at `0, step, 2 step, ...` (an array for a chunk loop).
pub fn placed_array<const N: usize, const M: usize, const K: usize>(
    first: usize,
    step: usize,
) -> [Placed<N, M>; K] {
    std::array::from_fn(|i| Placed::new(first + i * step))
}
