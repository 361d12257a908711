// satchain_axi_wrapper: the one hand-written Verilog file of the project.
//
// A port adapter, nothing more: it gives the generated accelerator top (module `top`, written by
// `cargo run --release -p satchain-hdl --bin gen-verilog -- DIR`; the ring top `RingTop`,
// hdl/src/top/ring_top.rs) the port names and interface attributes Vivado's IP integrator
// expects, so the block design can use it as a module reference, and it turns the active-low AXI
// reset into the top's active-high synchronous reset. It contains no logic besides the reset
// inversion and the constant AXI attributes of the two masters (ARSIZE/AWSIZE = 8 bytes,
// ARBURST/AWBURST = INCR, ARCACHE/AWCACHE = normal non-cacheable bufferable, ARPROT/AWPROT = 0);
// all behaviour is in the generated RTL.
//
// One clock: `aclk` (FCLK_CLK0, 125 MHz by default) drives the whole top; there is no second
// clock domain and no crossing.
//
// m_axi: the hash cluster's descriptor-DMA read master (AXI4, read only, 64-bit data, 32-bit
// addresses, one ID, INCR bursts of at most 16 beats that never cross 4 KiB, so the AXI3
// S_AXI_HP0 port takes them through the interconnect unchanged). RLAST is not used by the top
// (it counts beats); the port exists for the interface definition.
//
// m1_axi: the verify-job ring master (hdl/src/vring: AXI4, read and write, 64-bit data, 32-bit
// addresses, one ID, INCR bursts of 8-byte beats, at most 16 beats, never crossing 4 KiB). It
// reads job slots from DDR and writes verdict entries to DDR through S_AXI_HP1 (AXI3, through
// its own interconnect, bursts unchanged). At most two read bursts (a slot is 16 + 5 beats) and
// one write burst are in flight. RLAST is not used by the top either (it counts beats).
//
// The register window of the top is 256 bytes (8 address bits, regmap WINDOW_BYTES); the AXI
// slave takes the 12 address bits of a 4 KiB page (the smallest range the address editor
// assigns, and the page a Linux UIO mapping covers) and passes the low 8 bits on, so the
// 256-byte window repeats 16 times inside the page. Software uses the first copy.
//
// The port list of `top` is a contract (notes/C-sha.md); bitstreams/tests/vivado_ports.rs checks
// that every port of the generated top is connected here with the same width and direction.

`timescale 1ns / 1ps
`default_nettype none

module satchain_axi_wrapper (
    (* X_INTERFACE_INFO = "xilinx.com:signal:clock:1.0 aclk CLK" *)
    (* X_INTERFACE_PARAMETER = "ASSOCIATED_BUSIF s_axi:m_axi:m1_axi, ASSOCIATED_RESET aresetn" *)
    input  wire        aclk,
    (* X_INTERFACE_INFO = "xilinx.com:signal:reset:1.0 aresetn RST" *)
    (* X_INTERFACE_PARAMETER = "POLARITY ACTIVE_LOW" *)
    input  wire        aresetn,

    (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi AWADDR" *)
    (* X_INTERFACE_PARAMETER = "PROTOCOL AXI4LITE, DATA_WIDTH 32, ADDR_WIDTH 12" *)
    input  wire [11:0] s_axi_awaddr,
    (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi AWVALID" *)
    input  wire        s_axi_awvalid,
    (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi AWREADY" *)
    output wire        s_axi_awready,
    (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi WDATA" *)
    input  wire [31:0] s_axi_wdata,
    (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi WSTRB" *)
    input  wire [3:0]  s_axi_wstrb,
    (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi WVALID" *)
    input  wire        s_axi_wvalid,
    (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi WREADY" *)
    output wire        s_axi_wready,
    (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi BRESP" *)
    output wire [1:0]  s_axi_bresp,
    (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi BVALID" *)
    output wire        s_axi_bvalid,
    (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi BREADY" *)
    input  wire        s_axi_bready,
    (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi ARADDR" *)
    input  wire [11:0] s_axi_araddr,
    (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi ARVALID" *)
    input  wire        s_axi_arvalid,
    (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi ARREADY" *)
    output wire        s_axi_arready,
    (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi RDATA" *)
    output wire [31:0] s_axi_rdata,
    (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi RRESP" *)
    output wire [1:0]  s_axi_rresp,
    (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi RVALID" *)
    output wire        s_axi_rvalid,
    (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 s_axi RREADY" *)
    input  wire        s_axi_rready,

    (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi ARADDR" *)
    (* X_INTERFACE_PARAMETER = "PROTOCOL AXI4, READ_WRITE_MODE READ_ONLY, DATA_WIDTH 64, ADDR_WIDTH 32, ID_WIDTH 0, MAX_BURST_LENGTH 16, NUM_READ_OUTSTANDING 8, SUPPORTS_NARROW_BURST 0" *)
    output wire [31:0] m_axi_araddr,
    (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi ARLEN" *)
    output wire [7:0]  m_axi_arlen,
    (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi ARSIZE" *)
    output wire [2:0]  m_axi_arsize,
    (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi ARBURST" *)
    output wire [1:0]  m_axi_arburst,
    (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi ARCACHE" *)
    output wire [3:0]  m_axi_arcache,
    (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi ARPROT" *)
    output wire [2:0]  m_axi_arprot,
    (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi ARVALID" *)
    output wire        m_axi_arvalid,
    (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi ARREADY" *)
    input  wire        m_axi_arready,
    (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi RDATA" *)
    input  wire [63:0] m_axi_rdata,
    (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi RRESP" *)
    input  wire [1:0]  m_axi_rresp,
    (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi RLAST" *)
    input  wire        m_axi_rlast,
    (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi RVALID" *)
    input  wire        m_axi_rvalid,
    (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m_axi RREADY" *)
    output wire        m_axi_rready,

    (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m1_axi ARADDR" *)
    (* X_INTERFACE_PARAMETER = "PROTOCOL AXI4, READ_WRITE_MODE READ_WRITE, DATA_WIDTH 64, ADDR_WIDTH 32, ID_WIDTH 0, MAX_BURST_LENGTH 16, NUM_READ_OUTSTANDING 2, NUM_WRITE_OUTSTANDING 1, SUPPORTS_NARROW_BURST 0" *)
    output wire [31:0] m1_axi_araddr,
    (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m1_axi ARLEN" *)
    output wire [7:0]  m1_axi_arlen,
    (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m1_axi ARSIZE" *)
    output wire [2:0]  m1_axi_arsize,
    (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m1_axi ARBURST" *)
    output wire [1:0]  m1_axi_arburst,
    (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m1_axi ARCACHE" *)
    output wire [3:0]  m1_axi_arcache,
    (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m1_axi ARPROT" *)
    output wire [2:0]  m1_axi_arprot,
    (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m1_axi ARVALID" *)
    output wire        m1_axi_arvalid,
    (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m1_axi ARREADY" *)
    input  wire        m1_axi_arready,
    (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m1_axi RDATA" *)
    input  wire [63:0] m1_axi_rdata,
    (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m1_axi RRESP" *)
    input  wire [1:0]  m1_axi_rresp,
    (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m1_axi RLAST" *)
    input  wire        m1_axi_rlast,
    (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m1_axi RVALID" *)
    input  wire        m1_axi_rvalid,
    (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m1_axi RREADY" *)
    output wire        m1_axi_rready,
    (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m1_axi AWADDR" *)
    output wire [31:0] m1_axi_awaddr,
    (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m1_axi AWLEN" *)
    output wire [7:0]  m1_axi_awlen,
    (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m1_axi AWSIZE" *)
    output wire [2:0]  m1_axi_awsize,
    (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m1_axi AWBURST" *)
    output wire [1:0]  m1_axi_awburst,
    (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m1_axi AWCACHE" *)
    output wire [3:0]  m1_axi_awcache,
    (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m1_axi AWPROT" *)
    output wire [2:0]  m1_axi_awprot,
    (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m1_axi AWVALID" *)
    output wire        m1_axi_awvalid,
    (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m1_axi AWREADY" *)
    input  wire        m1_axi_awready,
    (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m1_axi WDATA" *)
    output wire [63:0] m1_axi_wdata,
    (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m1_axi WSTRB" *)
    output wire [7:0]  m1_axi_wstrb,
    (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m1_axi WLAST" *)
    output wire        m1_axi_wlast,
    (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m1_axi WVALID" *)
    output wire        m1_axi_wvalid,
    (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m1_axi WREADY" *)
    input  wire        m1_axi_wready,
    (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m1_axi BRESP" *)
    input  wire [1:0]  m1_axi_bresp,
    (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m1_axi BVALID" *)
    input  wire        m1_axi_bvalid,
    (* X_INTERFACE_INFO = "xilinx.com:interface:aximm:1.0 m1_axi BREADY" *)
    output wire        m1_axi_bready,

    (* X_INTERFACE_INFO = "xilinx.com:signal:interrupt:1.0 irq INTERRUPT" *)
    (* X_INTERFACE_PARAMETER = "SENSITIVITY LEVEL_HIGH" *)
    output wire        irq
);

    assign m_axi_arsize  = 3'b011;   // 8-byte beats
    assign m_axi_arburst = 2'b01;    // INCR
    assign m_axi_arcache = 4'b0011;  // normal non-cacheable, bufferable
    assign m_axi_arprot  = 3'b000;

    assign m1_axi_arsize  = 3'b011;   // 8-byte beats
    assign m1_axi_arburst = 2'b01;    // INCR
    assign m1_axi_arcache = 4'b0011;  // normal non-cacheable, bufferable
    assign m1_axi_arprot  = 3'b000;
    assign m1_axi_awsize  = 3'b011;   // 8-byte beats
    assign m1_axi_awburst = 2'b01;    // INCR
    assign m1_axi_awcache = 4'b0011;  // normal non-cacheable, bufferable
    assign m1_axi_awprot  = 3'b000;

    top accel (
        .clock         (aclk),
        .reset         (~aresetn),
        .s_axi_awaddr  (s_axi_awaddr[7:0]),
        .s_axi_awvalid (s_axi_awvalid),
        .s_axi_awready (s_axi_awready),
        .s_axi_wdata   (s_axi_wdata),
        .s_axi_wstrb   (s_axi_wstrb),
        .s_axi_wvalid  (s_axi_wvalid),
        .s_axi_wready  (s_axi_wready),
        .s_axi_bresp   (s_axi_bresp),
        .s_axi_bvalid  (s_axi_bvalid),
        .s_axi_bready  (s_axi_bready),
        .s_axi_araddr  (s_axi_araddr[7:0]),
        .s_axi_arvalid (s_axi_arvalid),
        .s_axi_arready (s_axi_arready),
        .s_axi_rdata   (s_axi_rdata),
        .s_axi_rresp   (s_axi_rresp),
        .s_axi_rvalid  (s_axi_rvalid),
        .s_axi_rready  (s_axi_rready),
        .irq           (irq),
        .m_axi_araddr  (m_axi_araddr),
        .m_axi_arlen   (m_axi_arlen),
        .m_axi_arvalid (m_axi_arvalid),
        .m_axi_arready (m_axi_arready),
        .m_axi_rdata   (m_axi_rdata),
        .m_axi_rresp   (m_axi_rresp),
        .m_axi_rvalid  (m_axi_rvalid),
        .m_axi_rready  (m_axi_rready),
        .m1_axi_araddr  (m1_axi_araddr),
        .m1_axi_arlen   (m1_axi_arlen),
        .m1_axi_arvalid (m1_axi_arvalid),
        .m1_axi_arready (m1_axi_arready),
        .m1_axi_rdata   (m1_axi_rdata),
        .m1_axi_rresp   (m1_axi_rresp),
        .m1_axi_rvalid  (m1_axi_rvalid),
        .m1_axi_rready  (m1_axi_rready),
        .m1_axi_awaddr  (m1_axi_awaddr),
        .m1_axi_awlen   (m1_axi_awlen),
        .m1_axi_awvalid (m1_axi_awvalid),
        .m1_axi_awready (m1_axi_awready),
        .m1_axi_wdata   (m1_axi_wdata),
        .m1_axi_wstrb   (m1_axi_wstrb),
        .m1_axi_wlast   (m1_axi_wlast),
        .m1_axi_wvalid  (m1_axi_wvalid),
        .m1_axi_wready  (m1_axi_wready),
        .m1_axi_bresp   (m1_axi_bresp),
        .m1_axi_bvalid  (m1_axi_bvalid),
        .m1_axi_bready  (m1_axi_bready)
    );

endmodule

`default_nettype wire
