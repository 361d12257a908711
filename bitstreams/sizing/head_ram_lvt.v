// SIZING SKETCH, NOT PRODUCT RTL (the product is rust-hdl; nothing instantiates this file).
// Question it answers (hdl/src/vcore/README.md, "Where the VerifyCore's LUTs go"): what would
// the threads' HEAD payload (~48 bits per thread, 24 threads) cost in distributed RAM instead of
// flip-flops, given four fetch ports that may each write a different thread in the same clock
// and three issue ports that read? Four banks (one per fetch port) of three read copies, a
// live-value table of per-thread 2-bit registers written from one-hot port decodes and read
// through the issue ports' one-hot grants, and a registered 4:1 word select per issue port.
// Reproduce (yosys 0.23):
//   yosys -p "read_verilog -sv bitstreams/sizing/head_ram_lvt.v; \
//             synth_xilinx -family xc7 -top top -flatten -noiopad; stat"
// Result (2026-12-07): 96 RAM32M (384 LUT sites) + 994 LUT2..LUT6 = 1,378 LUT sites, 192 FF.
module bank #(parameter W=48) (input clk, input we, input [4:0] wa, input [W-1:0] wd,
  input [4:0] ra0, ra1, ra2, output [W-1:0] q0, q1, q2);
  reg [W-1:0] m0 [0:31]; reg [W-1:0] m1 [0:31]; reg [W-1:0] m2 [0:31];
  always @(posedge clk) if (we) begin m0[wa] <= wd; m1[wa] <= wd; m2[wa] <= wd; end
  assign q0 = m0[ra0]; assign q1 = m1[ra1]; assign q2 = m2[ra2];
endmodule
module top #(parameter W=48, parameter T=24) (input clk,
  input [3:0] we, input [19:0] wa, input [4*W-1:0] wd,
  input [3*T-1:0] g, input [14:0] ra, output reg [3*W-1:0] q);
  reg [1:0] lvt [0:T-1];
  integer i, t;
  always @(posedge clk) for (t=0;t<T;t=t+1) for (i=0;i<4;i=i+1)
      if (we[i] && wa[5*i +: 5] == t) lvt[t] <= i[1:0];
  reg [1:0] sel [0:2];
  integer p;
  always @* for (p=0;p<3;p=p+1) begin sel[p] = 2'b0;
      for (t=0;t<T;t=t+1) if (g[T*p+t]) sel[p] = sel[p] | lvt[t]; end
  wire [W-1:0] bq [0:3][0:2];
  genvar b;
  generate for (b=0;b<4;b=b+1) begin : gb
    bank #(W) u(.clk(clk), .we(we[b]), .wa(wa[5*b +: 5]), .wd(wd[W*b +: W]),
      .ra0(ra[4:0]), .ra1(ra[9:5]), .ra2(ra[14:10]), .q0(bq[b][0]), .q1(bq[b][1]), .q2(bq[b][2]));
  end endgenerate
  always @(posedge clk) for (p=0;p<3;p=p+1) q[W*p +: W] <= bq[sel[p]][p];
endmodule
