//! Leaf primitives of the ECDSA arithmetic: one DSP48E1-sized multiplier tile and a zero-extension.
//!
//! rust-hdl 0.46 workarounds that live here (see `/work/shared/TOOLCHAIN-NOTES.md`):
//! - rust-hdl multiplies only `Bits<16> * Bits<16>`, so a DSP product is a leaf block whose
//!   `hdl()` is `Verilog::Custom` (a plain `*` that yosys maps to one DSP48E1) and whose
//!   `update()` is an exact integer model. Only this primitive is custom; the multiplier array,
//!   adder tree, reduction and control are rust-hdl (`modmul.rs`).
//! - `bit_cast` to a wider width is emitted as `(x) & N'hff..`, which Verilator flags as a WIDTH
//!   warning (fatal in the harness). Widening is therefore done by [`ZeroExt`] (a concatenation
//!   with zeros), and the tile emits its product already zero-extended and shifted to its place in
//!   the wide accumulator word, so the adder tree never needs a cast.

use rust_hdl::prelude::*;

/// Width of the positioned tile outputs: the word in which `ModMul` sums its partial products.
pub const TILE_OUT_BITS: usize = crate::ecdsa::modmul::ACC_BITS;

/// One DSP48E1 tile: `p = (a * b) << shift`, product registered (the DSP's M/P register).
///
/// `a` is `AW` bits (24, or 16 for the top column), `b` is 17 bits: an unsigned 24x17 product is
/// exactly one DSP48E1 (25x18 signed). The registered product is at most 41 bits; the output
/// port carries it at bit offset `shift` of a [`TILE_OUT_BITS`]-wide word (wiring only).
#[derive(Clone, Debug, LogicBlock)]
pub struct MulTile<const AW: usize> {
    /// Clock (the product register).
    pub clock: Signal<In, Clock>,
    /// Multiplicand slice.
    pub a: Signal<In, Bits<AW>>,
    /// Multiplier slice.
    pub b: Signal<In, Bits<17>>,
    /// Registered product, shifted left by `shift` bits.
    pub p: Signal<Out, Bits<TILE_OUT_BITS>>,
    // Leading underscore: rust-hdl's LogicBlock derive skips `_` fields (parameters, not signals).
    _shift: usize,
}

impl<const AW: usize> MulTile<AW> {
    /// A tile whose product lands at bit `shift` of the accumulator word.
    pub fn new(shift: usize) -> Self {
        assert!(AW <= 24, "MulTile: a wider than one DSP48E1 port");
        assert!(
            shift + AW + 17 <= TILE_OUT_BITS,
            "MulTile: product outside the word"
        );
        Self {
            clock: Default::default(),
            a: Default::default(),
            b: Default::default(),
            p: Default::default(),
            _shift: shift,
        }
    }
}

impl<const AW: usize> Logic for MulTile<AW> {
    fn update(&mut self) {
        if self.clock.pos_edge() {
            // Exact model: AW + 17 <= 41 bits, so the product fits a u64.
            let prod = self.a.val().to_u64() * self.b.val().to_u64();
            let wide = Bits::<TILE_OUT_BITS>::from(num_bigint::BigUint::from(prod) << self._shift);
            self.p.next = wide;
        }
    }
    fn connect(&mut self) {
        self.p.connect();
    }
    fn hdl(&self) -> Verilog {
        let pw = AW + 17;
        let hi = TILE_OUT_BITS - pw - self._shift;
        let mut parts = Vec::new();
        if hi > 0 {
            parts.push(format!("{hi}'d0"));
        }
        parts.push("prod".to_string());
        if self._shift > 0 {
            parts.push(format!("{}'d0", self._shift));
        }
        Verilog::Custom(format!(
            "\
reg [{msb}:0] prod;
initial prod = {pw}'d0;
always @(posedge clock) prod <= {{{pa}'d0, a}} * {{{pb}'d0, b}};
always @(*) p = {{{parts}}};
",
            msb = pw - 1,
            pa = 17,
            pb = AW,
            parts = parts.join(", ")
        ))
    }
    fn timing(&self) -> Vec<TimingInfo> {
        vec![TimingInfo {
            name: "mul_tile".into(),
            clock: "clock".into(),
            inputs: vec!["a".into(), "b".into()],
            outputs: vec!["p".into()],
        }]
    }
}

/// Zero extension from `M` to `N` bits (`N > M`): `o = {0, i}`. Wiring only.
#[derive(Clone, Debug, LogicBlock)]
pub struct ZeroExt<const M: usize, const N: usize> {
    /// Narrow input.
    pub i: Signal<In, Bits<M>>,
    /// Zero-extended output.
    pub o: Signal<Out, Bits<N>>,
}

impl<const M: usize, const N: usize> Default for ZeroExt<M, N> {
    fn default() -> Self {
        assert!(N > M, "ZeroExt must widen");
        Self {
            i: Default::default(),
            o: Default::default(),
        }
    }
}

impl<const M: usize, const N: usize> Logic for ZeroExt<M, N> {
    fn update(&mut self) {
        self.o.next = bit_cast::<N, M>(self.i.val());
    }
    fn connect(&mut self) {
        self.o.connect();
    }
    fn hdl(&self) -> Verilog {
        Verilog::Custom(format!("always @(*) o = {{{}'d0, i}};\n", N - M))
    }
}
