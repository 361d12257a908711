//! Leaf primitives of the ECDSA arithmetic: one DSP48E1-sized multiplier tile and the
//! accumulator register.
//!
//! rust-hdl 0.46 workarounds that live here (see `/work/shared/TOOLCHAIN-NOTES.md`):
//! - rust-hdl multiplies only `Bits<16> * Bits<16>`, so a DSP product is a leaf block whose
//!   `hdl()` is `Verilog::Custom` (a plain `*` that yosys maps to one DSP48E1) and whose
//!   `update()` is an exact integer model. Only this primitive is custom; the multiplier array,
//!   adder tree, reduction and control are rust-hdl (`modmul.rs`).
//! - `bit_cast` to a wider width is emitted as `(x) & N'hff..`, which Verilator flags as a WIDTH
//!   warning (fatal in the harness). The tile therefore emits its product already
//!   zero-extended and shifted to its place in the wide accumulator word, so the adder tree
//!   never needs a cast (a combinational widening leaf such as `crate::prim::Widen` would be a
//!   false loop inside `ModMul`, see `README-arith.md`).

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

/// The `ModMul` accumulator register, held as two 162-bit halves and a 4-bit carry word, with
/// its outputs already concatenated / placed (wiring only; the flip-flops are plain registers).
///
/// Why a leaf: rust-hdl 0.46 has no concatenation and its `bit_cast` widening trips Verilator's
/// WIDTH check, while the segmented accumulator needs the two narrow adder results joined into
/// one word and the carries placed at bit 0, 64 (of the high half) and 162. A combinational
/// concatenation leaf would close a false loop through the parent's single `always @(*)` block
/// (Verilator UNOPTFLAT); a registered one does not.
#[derive(Clone, Debug, Default, LogicBlock)]
pub struct AccReg {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Next low half (bits 0..162).
    pub lo_d: Signal<In, Bits<162>>,
    /// Next high half (bits 162..324).
    pub hi_d: Signal<In, Bits<162>>,
    /// Next carry word (weight 2^162).
    pub cy_d: Signal<In, Bits<4>>,
    /// `{hi, lo}`.
    pub q: Signal<Out, Bits<324>>,
    /// The carries at bit 0 of a 162-bit word.
    pub cy_at0: Signal<Out, Bits<162>>,
    /// The carries at bit 64 of a 162-bit word.
    pub cy_at64: Signal<Out, Bits<162>>,
    /// The carries at bit 162 of a 257-bit word.
    pub cy_at162: Signal<Out, Bits<257>>,
}

impl Logic for AccReg {
    fn update(&mut self) {
        if self.clock.pos_edge() {
            let lo = num_bigint::BigUint::from(self.lo_d.val());
            let hi = num_bigint::BigUint::from(self.hi_d.val());
            let cy = num_bigint::BigUint::from(self.cy_d.val());
            self.q.next = Bits::from(lo | (hi << 162u32));
            self.cy_at0.next = Bits::from(cy.clone());
            self.cy_at64.next = Bits::from(cy.clone() << 64u32);
            self.cy_at162.next = Bits::from(cy << 162u32);
        }
    }
    fn connect(&mut self) {
        self.q.connect();
        self.cy_at0.connect();
        self.cy_at64.connect();
        self.cy_at162.connect();
    }
    fn hdl(&self) -> Verilog {
        Verilog::Custom(
            "\
reg [161:0] lo_r;
reg [161:0] hi_r;
reg [3:0] cy_r;
initial begin
   lo_r = 162'd0;
   hi_r = 162'd0;
   cy_r = 4'd0;
end
always @(posedge clock) begin
   lo_r <= lo_d;
   hi_r <= hi_d;
   cy_r <= cy_d;
end
always @(*) begin
   q = {hi_r, lo_r};
   cy_at0 = {158'd0, cy_r};
   cy_at64 = {94'd0, cy_r, 64'd0};
   cy_at162 = {91'd0, cy_r, 162'd0};
end
"
            .into(),
        )
    }
    fn timing(&self) -> Vec<TimingInfo> {
        vec![TimingInfo {
            name: "acc_reg".into(),
            clock: "clock".into(),
            inputs: vec!["lo_d".into(), "hi_d".into(), "cy_d".into()],
            outputs: vec![
                "q".into(),
                "cy_at0".into(),
                "cy_at64".into(),
                "cy_at162".into(),
            ],
        }]
    }
}
