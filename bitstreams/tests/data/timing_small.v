// Captured for bitstreams/tests/timing_captured.rs: two clocks, an adder (carry chain), a
// multiplier (DSP48E1), and a crossing from clk_a to clk_b.
module top(input clk_a, input clk_b, input [15:0] x, input [15:0] y,
           output reg [16:0] s, output reg [16:0] s_b, output reg [31:0] m);
  reg [15:0] xa, ya;
  always @(posedge clk_a) begin
    xa <= x;
    ya <= y;
    s <= xa + ya;
    m <= xa * ya;
  end
  always @(posedge clk_b) s_b <= s;
endmodule
