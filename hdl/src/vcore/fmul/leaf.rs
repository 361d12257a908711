//! DSP48E1 leaves of FieldMul: the only hand-written Verilog of the block (TOOLCHAIN-NOTES.md:
//! rust-hdl multiplies only 16x16 bits). Each leaf is plain behavioural Verilog that yosys 0.23
//! `synth_xilinx` maps to DSP48E1s with every pipeline register inside the DSP (A/B/C, M, P, the
//! PCIN>>17 cascade and the ACIN cascade for the delayed A operand; checked with `stat` and
//! `write_json`, README "Measured resources and clock"), and each has an exact Rust model in
//! `update()` that performs the same register transfers. Outputs are placed at a bit offset of a [`WW`]-bit word
//! (wiring), so the parent never widens a value (a Verilator WIDTH error).
//!
//! - [`MulCol`]: one column of a sub-product, `x · (y0 + y1·2^17 + y2·2^34 + y3·2^51)`, a
//!   4-DSP PCIN cascade; `x` and `y0` in cycle t, `y_j` in cycle t + j; the exact column word
//!   appears after the clock edge ending cycle t + 5 ([`COL_LATENCY`] edges).
//! - [`MulAdd`]: `a·b + c` (one DSP with C port), after [`ADD_LATENCY`] edges.
//! - [`MulPair`]: `w · 977` for a 41-bit `w` (two DSPs, PCIN>>17 cascade), after
//!   [`PAIR_LATENCY`] edges.

use super::plan::{B_DIGIT, C977, R3_LO, WW};
use num_bigint::BigUint;
use rust_hdl::prelude::*;

/// Clock edges from the `x`/`y0` edge to a valid [`MulCol`] output (output taken after it).
pub const COL_LATENCY: u32 = 5;
/// Clock edges from the input edge to a valid [`MulAdd`] output.
pub const ADD_LATENCY: u32 = 2;
/// Clock edges from the input edge to a valid [`MulPair`] output.
pub const PAIR_LATENCY: u32 = 3;

const M17: u64 = (1 << B_DIGIT) - 1;

fn placed(v: BigUint, shift: usize) -> Bits<WW> {
    Bits::from(v << shift)
}

/// Register state of one [`MulCol`] (the Verilog's `reg`s, same names).
#[derive(Clone, Debug, Default)]
struct ColRegs {
    d: [u64; 3],
    ra: [u64; 4],
    rb: [u64; 4],
    m: [u64; 4],
    p: [u64; 4],
    q0: [u64; 3],
    q1: [u64; 2],
    q2: u64,
}

/// One column: a 4-DSP cascade (see the module docs). `out_bits` is how many bits of the column
/// word the plan allows (the column's bound); the output is that word placed at `shift`.
#[derive(Clone, Debug, LogicBlock)]
pub struct MulCol {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// The A limb (24 bits), cycle t.
    pub x: Signal<In, Bits<24>>,
    /// B digit 0, cycle t.
    pub y0: Signal<In, Bits<17>>,
    /// B digit 1, cycle t + 1.
    pub y1: Signal<In, Bits<17>>,
    /// B digit 2, cycle t + 2.
    pub y2: Signal<In, Bits<17>>,
    /// B digit 3, cycle t + 3.
    pub y3: Signal<In, Bits<17>>,
    /// The column word, placed.
    pub p: Signal<Out, Bits<WW>>,
    _shift: usize,
    _out_bits: usize,
    _r: ColRegs,
}

impl MulCol {
    /// A column whose `out_bits`-bit word lands at bit `shift`.
    pub fn new(shift: usize, out_bits: usize) -> Self {
        assert!(
            out_bits > 3 * B_DIGIT && out_bits <= 3 * B_DIGIT + 47 && shift + out_bits <= WW,
            "MulCol: bad geometry"
        );
        Self {
            clock: Default::default(),
            x: Default::default(),
            y0: Default::default(),
            y1: Default::default(),
            y2: Default::default(),
            y3: Default::default(),
            p: Default::default(),
            _shift: shift,
            _out_bits: out_bits,
            _r: ColRegs::default(),
        }
    }
}

impl Logic for MulCol {
    fn update(&mut self) {
        if self.clock.pos_edge() {
            let r = &self._r;
            let x = self.x.val().to_u64();
            let y = [
                self.y0.val().to_u64(),
                self.y1.val().to_u64(),
                self.y2.val().to_u64(),
                self.y3.val().to_u64(),
            ];
            let n = ColRegs {
                d: [x, r.d[0], r.d[1]],
                ra: [x, r.d[0], r.d[1], r.d[2]],
                rb: y,
                m: std::array::from_fn(|j| r.ra[j] * r.rb[j]),
                p: [
                    r.m[0],
                    (r.p[0] >> B_DIGIT) + r.m[1],
                    (r.p[1] >> B_DIGIT) + r.m[2],
                    (r.p[2] >> B_DIGIT) + r.m[3],
                ],
                q0: [r.p[0] & M17, r.q0[0], r.q0[1]],
                q1: [r.p[1] & M17, r.q1[0]],
                q2: r.p[2] & M17,
            };
            let top = n.p[3] & ((1u64 << (self._out_bits - 3 * B_DIGIT)) - 1);
            let v = BigUint::from(n.q0[2])
                | (BigUint::from(n.q1[1]) << B_DIGIT)
                | (BigUint::from(n.q2) << (2 * B_DIGIT))
                | (BigUint::from(top) << (3 * B_DIGIT));
            self.p.next = placed(v, self._shift);
            self._r = n;
        }
    }
    fn connect(&mut self) {
        self.p.connect();
    }
    fn hdl(&self) -> Verilog {
        let tb = self._out_bits - 3 * B_DIGIT;
        let hi = WW - self._shift - self._out_bits;
        let mut parts = Vec::new();
        if hi > 0 {
            parts.push(format!("{hi}'d0"));
        }
        parts.push(format!("p3[{}:0], q2a, q1b, q0c", tb - 1));
        if self._shift > 0 {
            parts.push(format!("{}'d0", self._shift));
        }
        Verilog::Custom(format!(
            "\
// DSP48E1 column: A = x (ACIN cascade, delayed j edges for DSP j), B = y_j, M, P,
// P_j = (P_{{j-1}} >> 17) + M_j (PCIN cascade); low 17 bits of P_0..P_2 re-aligned.
reg [23:0] d1, d2, d3, ra0, ra1, ra2, ra3;
reg [16:0] rb0, rb1, rb2, rb3;
reg [40:0] m0, m1, m2, m3;
reg [47:0] p0, p1, p2, p3;
reg [16:0] q0a, q0b, q0c, q1a, q1b, q2a;
initial begin
   d1 = 0; d2 = 0; d3 = 0; ra0 = 0; ra1 = 0; ra2 = 0; ra3 = 0;
   rb0 = 0; rb1 = 0; rb2 = 0; rb3 = 0; m0 = 0; m1 = 0; m2 = 0; m3 = 0;
   p0 = 0; p1 = 0; p2 = 0; p3 = 0; q0a = 0; q0b = 0; q0c = 0; q1a = 0; q1b = 0; q2a = 0;
end
always @(posedge clock) begin
   d1 <= x; d2 <= d1; d3 <= d2;
   ra0 <= x; ra1 <= d1; ra2 <= d2; ra3 <= d3;
   rb0 <= y0; rb1 <= y1; rb2 <= y2; rb3 <= y3;
   m0 <= ra0 * rb0; m1 <= ra1 * rb1; m2 <= ra2 * rb2; m3 <= ra3 * rb3;
   p0 <= {{7'd0, m0}};
   p1 <= (p0 >> 17) + {{7'd0, m1}};
   p2 <= (p1 >> 17) + {{7'd0, m2}};
   p3 <= (p2 >> 17) + {{7'd0, m3}};
   q0a <= p0[16:0]; q0b <= q0a; q0c <= q0b;
   q1a <= p1[16:0]; q1b <= q1a;
   q2a <= p2[16:0];
end
// verilator lint_off UNUSEDSIGNAL
wire [47:0] p3_all = p3;
// verilator lint_on UNUSEDSIGNAL
always @(*) p = {{{parts}}};
",
            parts = parts.join(", ")
        ))
    }
    fn timing(&self) -> Vec<TimingInfo> {
        vec![TimingInfo {
            name: "mul_col".into(),
            clock: "clock".into(),
            inputs: vec![
                "x".into(),
                "y0".into(),
                "y1".into(),
                "y2".into(),
                "y3".into(),
            ],
            outputs: vec!["p".into()],
        }]
    }
}

/// Register state of one [`MulAdd`].
#[derive(Clone, Debug, Default)]
struct AddRegs {
    ar: u64,
    br: u64,
    c1: u64,
    c2: u64,
    m: u64,
    p: u64,
}

/// `a·b + c` in one DSP48E1 (A/B/C registers, M, P). The `out_bits`-bit result lands at `shift`.
#[derive(Clone, Debug, LogicBlock)]
pub struct MulAdd {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// A operand (24 bits).
    pub a: Signal<In, Bits<24>>,
    /// B operand (17 bits).
    pub b: Signal<In, Bits<17>>,
    /// Addend (24 bits), same cycle as `a` and `b`.
    pub c: Signal<In, Bits<24>>,
    /// The result, placed.
    pub p: Signal<Out, Bits<WW>>,
    _shift: usize,
    _out_bits: usize,
    _r: AddRegs,
}

impl MulAdd {
    /// A tile whose `out_bits`-bit result lands at bit `shift`.
    pub fn new(shift: usize, out_bits: usize) -> Self {
        assert!(
            (25..=42).contains(&out_bits) && shift + out_bits <= WW,
            "MulAdd: bad geometry"
        );
        Self {
            clock: Default::default(),
            a: Default::default(),
            b: Default::default(),
            c: Default::default(),
            p: Default::default(),
            _shift: shift,
            _out_bits: out_bits,
            _r: AddRegs::default(),
        }
    }
}

impl Logic for MulAdd {
    fn update(&mut self) {
        if self.clock.pos_edge() {
            let r = &self._r;
            let n = AddRegs {
                ar: self.a.val().to_u64(),
                br: self.b.val().to_u64(),
                c1: self.c.val().to_u64(),
                c2: r.c1,
                m: r.ar * r.br,
                p: r.m + r.c2,
            };
            let v = n.p & ((1u64 << self._out_bits) - 1);
            self.p.next = placed(BigUint::from(v), self._shift);
            self._r = n;
        }
    }
    fn connect(&mut self) {
        self.p.connect();
    }
    fn hdl(&self) -> Verilog {
        let hi = WW - self._shift - self._out_bits;
        let mut parts = Vec::new();
        if hi > 0 {
            parts.push(format!("{hi}'d0"));
        }
        parts.push(format!("pr[{}:0]", self._out_bits - 1));
        if self._shift > 0 {
            parts.push(format!("{}'d0", self._shift));
        }
        Verilog::Custom(format!(
            "\
// DSP48E1 tile: AREG, BREG, CREG (C delayed to meet M), MREG, PREG: P = A*B + C.
reg [23:0] ar, c1, c2;
reg [16:0] br;
reg [40:0] m;
reg [47:0] pr;
initial begin
   ar = 0; c1 = 0; c2 = 0; br = 0; m = 0; pr = 0;
end
always @(posedge clock) begin
   ar <= a; br <= b; c1 <= c;
   m <= ar * br; c2 <= c1;
   pr <= {{7'd0, m}} + {{24'd0, c2}};
end
// verilator lint_off UNUSEDSIGNAL
wire [47:0] pr_all = pr;
// verilator lint_on UNUSEDSIGNAL
always @(*) p = {{{parts}}};
",
            parts = parts.join(", ")
        ))
    }
    fn timing(&self) -> Vec<TimingInfo> {
        vec![TimingInfo {
            name: "mul_add".into(),
            clock: "clock".into(),
            inputs: vec!["a".into(), "b".into(), "c".into()],
            outputs: vec!["p".into()],
        }]
    }
}

/// Register state of one [`MulPair`].
#[derive(Clone, Debug, Default)]
struct PairRegs {
    aa: u64,
    abd: u64,
    ab: u64,
    ma: u64,
    mb: u64,
    pa: u64,
    pb: u64,
    qa: u64,
}

/// `w · 977` on two DSP48E1s: `P_a = w[16:0]·977`, `P_b = (P_a >> 17) + w[40:17]·977`
/// (PCIN>>17 cascade). The `out_bits`-bit product lands at bit 0.
#[derive(Clone, Debug, LogicBlock)]
pub struct MulPair {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Multiplicand (41 bits).
    pub w: Signal<In, Bits<41>>,
    /// The product, at bit 0.
    pub p: Signal<Out, Bits<WW>>,
    _out_bits: usize,
    _r: PairRegs,
}

impl MulPair {
    /// A pair whose product has at most `out_bits` bits.
    pub fn new(out_bits: usize) -> Self {
        assert!(
            out_bits > R3_LO && out_bits <= R3_LO + 47,
            "MulPair: bad geometry"
        );
        Self {
            clock: Default::default(),
            w: Default::default(),
            p: Default::default(),
            _out_bits: out_bits,
            _r: PairRegs::default(),
        }
    }
}

impl Logic for MulPair {
    fn update(&mut self) {
        if self.clock.pos_edge() {
            let r = &self._r;
            let w = self.w.val().to_u64();
            let n = PairRegs {
                aa: w & ((1 << R3_LO) - 1),
                abd: w >> R3_LO,
                ab: r.abd,
                ma: r.aa * C977,
                mb: r.ab * C977,
                pa: r.ma,
                pb: (r.pa >> R3_LO) + r.mb,
                qa: r.pa & ((1 << R3_LO) - 1),
            };
            let top = n.pb & ((1u64 << (self._out_bits - R3_LO)) - 1);
            self.p.next = placed(BigUint::from(n.qa) | (BigUint::from(top) << R3_LO), 0);
            self._r = n;
        }
    }
    fn connect(&mut self) {
        self.p.connect();
    }
    fn hdl(&self) -> Verilog {
        let tb = self._out_bits - R3_LO;
        Verilog::Custom(format!(
            "\
// Two DSP48E1s: P_a = w[16:0]*977; P_b = (P_a >> 17) + w[40:17]*977 (PCIN cascade, AREG=2).
reg [16:0] aa, qa;
reg [23:0] abd, ab;
reg [33:0] ma;
reg [40:0] mb;
reg [47:0] pa, pb;
initial begin
   aa = 0; qa = 0; abd = 0; ab = 0; ma = 0; mb = 0; pa = 0; pb = 0;
end
always @(posedge clock) begin
   aa <= w[16:0]; abd <= w[40:17]; ab <= abd;
   ma <= aa * 17'd{c977}; mb <= ab * 17'd{c977};
   pa <= {{14'd0, ma}};
   pb <= (pa >> 17) + {{7'd0, mb}};
   qa <= pa[16:0];
end
// verilator lint_off UNUSEDSIGNAL
wire [47:0] pb_all = pb;
// verilator lint_on UNUSEDSIGNAL
always @(*) p = {{{hi}'d0, pb[{tbm}:0], qa}};
",
            c977 = C977,
            hi = WW - self._out_bits,
            tbm = tb - 1
        ))
    }
    fn timing(&self) -> Vec<TimingInfo> {
        vec![TimingInfo {
            name: "mul_pair".into(),
            clock: "clock".into(),
            inputs: vec!["w".into()],
            outputs: vec!["p".into()],
        }]
    }
}
