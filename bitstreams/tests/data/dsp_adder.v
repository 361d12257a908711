module top(input clock, input [31:0] a, input [31:0] b, output reg [63:0] p, output reg [31:0] s);
reg [7:0] mem [0:1023];
reg [7:0] q;
always @(posedge clock) begin p <= a*b; s <= a + b; q <= mem[a[9:0]]; mem[b[9:0]] <= a[7:0]; end
endmodule
