module top(input clock, input we, input [5:0] wa, input [5:0] ra, input [5:0] rb, input [63:0] wd,
           output [63:0] qa, output [63:0] qb, input [10:0] ba, input [35:0] bd, input bwe, output reg [35:0] bq,
           input [31:0] sd, output [31:0] sq);
reg [63:0] rf [0:63];
reg [35:0] bram [0:2047];
reg [31:0] sr [0:15];
integer i;
always @(posedge clock) begin
  if (we) rf[wa] <= wd;
  if (bwe) bram[ba] <= bd;
  bq <= bram[ba];
  sr[0] <= sd;
  for (i = 1; i < 16; i = i + 1) sr[i] <= sr[i-1];
end
assign qa = rf[ra];
assign qb = rf[rb];
assign sq = sr[15];
endmodule
