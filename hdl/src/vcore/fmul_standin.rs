//! **Verification only — never shipped.** `FmulStandin`: a stand-in with the `FieldMul` block
//! contract (ARCH.md "FieldMul": `in_valid`, `a`, `b`, `mode` (0 MODP, 1 LO, 2 HI), `in_tag` ->
//! `out_valid`, `out`, `out_tag` exactly [`STANDIN_LATENCY`] clocks later, one op per clock),
//! written to verify the cluster before the real DSP48E1 FieldMul (`fmul/`) existed; the
//! product `ClusterCore` (`cluster_core.rs`) wires the real one. Its Verilog is a plain `a * b` (512 bits) and `% p` that Verilator evaluates
//! exactly, followed by a delay line; its `update()` is the same function on num-bigint. It is
//! not synthesizable into anything sensible and no shipped design instantiates it: only the
//! cluster test benches (`cluster_tb.rs`) do, and every resource figure of the cluster is
//! measured without it.

use rust_hdl::prelude::*;
use std::collections::VecDeque;

/// Latency of the stand-in: the FieldMul's announced `FMUL_LATENCY` (VCORE-DECISIONS.md).
pub const STANDIN_LATENCY: u32 = 25;
/// Tag width at the cluster's FieldMul port: {thread[4:0], d[4:0]}.
pub const FMUL_TAG_BITS: usize = 10;

/// The stand-in (see the module docs).
#[derive(LogicBlock)]
pub struct FmulStandin {
    pub clock: Signal<In, Clock>,
    pub in_valid: Signal<In, Bit>,
    pub a: Signal<In, Bits<256>>,
    pub b: Signal<In, Bits<256>>,
    pub mode: Signal<In, Bits<2>>,
    pub in_tag: Signal<In, Bits<FMUL_TAG_BITS>>,
    pub out_valid: Signal<Out, Bit>,
    pub out: Signal<Out, Bits<256>>,
    pub out_tag: Signal<Out, Bits<FMUL_TAG_BITS>>,
    _pipe: VecDeque<(bool, Bits<256>, Bits<FMUL_TAG_BITS>)>,
}

impl Default for FmulStandin {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            in_valid: Default::default(),
            a: Default::default(),
            b: Default::default(),
            mode: Default::default(),
            in_tag: Default::default(),
            out_valid: Default::default(),
            out: Default::default(),
            out_tag: Default::default(),
            _pipe: (0..STANDIN_LATENCY)
                .map(|_| (false, Bits::default(), Bits::default()))
                .collect(),
        }
    }
}

fn to_big<const N: usize>(b: &Bits<N>) -> num_bigint::BigUint {
    let mut v = num_bigint::BigUint::default();
    for i in (0..N).rev() {
        v <<= 1u32;
        if b.get_bit(i) {
            v += 1u32;
        }
    }
    v
}

/// The stand-in's function (and the FieldMul contract): MODP `a·b mod p`, LO `a·b mod 2^256`,
/// HI `floor(a·b / 2^256)`; mode 3 gives 0.
pub fn fmul_function(
    a: &num_bigint::BigUint,
    b: &num_bigint::BigUint,
    mode: u8,
) -> num_bigint::BigUint {
    let prod = a * b;
    let m = num_bigint::BigUint::from(1u8) << 256u32;
    match mode {
        0 => prod % crate::vcore::alu::model::p(),
        1 => prod % m,
        2 => prod >> 256u32,
        _ => num_bigint::BigUint::default(),
    }
}

impl Logic for FmulStandin {
    fn update(&mut self) {
        if self.clock.pos_edge() {
            let r = fmul_function(
                &to_big(&self.a.val()),
                &to_big(&self.b.val()),
                (self.mode.val().index() & 3) as u8,
            );
            self._pipe
                .push_back((self.in_valid.val(), Bits::from(r), self.in_tag.val()));
            self._pipe.pop_front();
        }
        if let Some((v, o, t)) = self._pipe.front() {
            self.out_valid.next = *v;
            self.out.next = *o;
            self.out_tag.next = *t;
        }
    }
    fn connect(&mut self) {
        self.out_valid.connect();
        self.out.connect();
        self.out_tag.connect();
    }
    fn hdl(&self) -> Verilog {
        Verilog::Custom(format!(
            "\
// VERIFICATION-ONLY stand-in for FieldMul (not synthesizable into the product).
localparam [255:0] P = 256'hfffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f;
wire [511:0] prod = {{256'd0, a}} * {{256'd0, b}};
/* verilator lint_off UNUSEDSIGNAL */
wire [511:0] pmod = prod % {{256'd0, P}};
/* verilator lint_on UNUSEDSIGNAL */
reg [255:0] res;
reg vq [0:{nm1}];
reg [255:0] dq [0:{nm1}];
reg [{tm1}:0] tq [0:{nm1}];
integer i;
always @(*) begin
   case (mode)
      2'd0: res = pmod[255:0];
      2'd1: res = prod[255:0];
      2'd2: res = prod[511:256];
      default: res = 256'd0;
   endcase
end
always @(posedge clock) begin
   vq[0] <= in_valid;
   dq[0] <= res;
   tq[0] <= in_tag;
   for (i = 1; i <= {nm1}; i = i + 1) begin
      vq[i] <= vq[i-1];
      dq[i] <= dq[i-1];
      tq[i] <= tq[i-1];
   end
end
always @(*) out_valid = vq[{nm1}];
always @(*) out = dq[{nm1}];
always @(*) out_tag = tq[{nm1}];
",
            nm1 = STANDIN_LATENCY - 1,
            tm1 = FMUL_TAG_BITS - 1,
        ))
    }
}
