# SatChain Accel: Vivado batch build of the Zynq XC7Z030 bitstream.
#
#   vivado -mode batch -source bitstreams/vivado/build.tcl -tclargs <rtl dir> <out dir> [clock_mhz] [part]
#
#   <rtl dir>   the generated Verilog (bash bitstreams/synth.sh writes it to target/synth/rtl;
#               or: cargo run --release -p satchain-hdl --bin gen-verilog -- <rtl dir>).
#               Only <rtl dir>/top.v is used: the per-block files each have their own `top`.
#   <out dir>   receives satchain.bit, satchain.bin, satchain.xsa, satchain-overlay.dtso,
#               utilization.rpt, timing_summary.rpt, build-summary.txt and the project (vivado/).
#   clock_mhz   FCLK_CLK0, the accelerator's one clock (default 177.778 = ARM PLL 1600 MHz / 9:
#               satchain_hdl::top::BUS_CLOCK_MHZ, the clock the hw-report projects at, see
#               `satchain hw-report` clock_basis and clock_domains.bus.supported_mhz_estimate
#               for the calibrated timing model's figure). FCLK0's source is the ARM PLL (1600
#               MHz with the CPU at 800 MHz; a slower CPU clock makes FCLK0 slower, never
#               faster); the IO PLL's nearest rate, 1000 MHz / 6 = 166.67 MHz, was the clock
#               until 2026-12-08.
#               The PS7 derives the clock with integer dividers; build-summary.txt records the
#               frequency actually set.
#   part        default xc7z030sbg485-1 (see bitstreams/README.md: -1 is the slowest speed
#               grade, so timing met there holds for every grade; the SBG485 package is the one
#               of common XC7Z030 modules; the fabric is the same in every package).
#
# Environment: SATCHAIN_VIVADO_JOBS (parallel jobs, default 2), SATCHAIN_PS7_PRESET (a Tcl file
# that sets the board's PS7 configuration, e.g. DDR and MIO, on the cell `ps7`; without it the
# PS7 keeps Vivado's defaults, which is enough for a PL bitstream loaded from Linux, whose PS is
# already configured by the boot loader).
#
# Exit status: 0 bitstream written and timing met; 1 bitstream written but timing not met;
# 2 usage error; any Vivado error aborts the script with a non-zero status.
#
# Nothing here runs without Vivado. No bitstream is ever produced any other way.

set script_dir [file dirname [file normalize [info script]]]

if {[llength $argv] < 2} {
    puts stderr "usage: vivado -mode batch -source build.tcl -tclargs <rtl dir> <out dir> \[clock_mhz\] \[part\]"
    exit 2
}
set rtl_dir [file normalize [lindex $argv 0]]
set out_dir [file normalize [lindex $argv 1]]
set clock_mhz 177.778
if {[llength $argv] > 2} { set clock_mhz [lindex $argv 2] }
set part xc7z030sbg485-1
if {[llength $argv] > 3} { set part [lindex $argv 3] }
if {![string is double -strict $clock_mhz] || $clock_mhz <= 0 || $clock_mhz > 250} {
    puts stderr "build.tcl: clock_mhz must be a number in (0, 250\], got '$clock_mhz'"
    exit 2
}
if {![string match xc7z030* $part]} {
    puts stderr "build.tcl: the design targets the XC7Z030; part '$part' is not one"
    exit 2
}
set jobs 2
if {[info exists ::env(SATCHAIN_VIVADO_JOBS)]} { set jobs $::env(SATCHAIN_VIVADO_JOBS) }

set top_v     [file join $rtl_dir top.v]
set wrapper_v [file join $script_dir satchain_axi_wrapper.v]
set dtso      [file join $script_dir satchain-overlay.dtso]
foreach f [list $top_v $wrapper_v $dtso] {
    if {![file exists $f]} {
        puts stderr "build.tcl: missing $f"
        if {$f eq $top_v} {
            puts stderr "  generate the RTL first: bash bitstreams/synth.sh (writes target/synth/rtl)"
        }
        exit 2
    }
}
file mkdir $out_dir
set proj_dir [file join $out_dir vivado]

# Accelerator register window on M_AXI_GP0 (Linux maps it through UIO; see the overlay).
set accel_base 0x43C00000
set accel_range 4K
# The two DMA masters reach DDR through their own HP ports, each mapping the whole 1 GiB DDR
# window of the port (0x0000_0000..0x3FFF_FFFF; the driver's buffers are reserved-memory /
# u-dma-buf regions inside it): satchain/m_axi (hash descriptor DMA, read only) through
# S_AXI_HP0, satchain/m1_axi (verify-job ring: reads job slots, writes verdict entries) through
# S_AXI_HP1.
set hp_ddr_base 0x00000000
set hp_ddr_range 1G

puts "build.tcl: part $part, FCLK_CLK0 $clock_mhz MHz (the one clock), RTL $top_v, out $out_dir"

# ---------------------------------------------------------------- project and sources
create_project -force satchain $proj_dir -part $part
set_property target_language Verilog [current_project]
add_files -norecurse -fileset sources_1 [list $top_v $wrapper_v]
update_compile_order -fileset sources_1

# ---------------------------------------------------------------- block design
create_bd_design satchain_bd

# Zynq PS: GP0 master for the registers, S_AXI_HP0 (64-bit) for the hash DMA master's reads
# from DDR, S_AXI_HP1 (64-bit) for the verify-job ring master's reads and writes, FCLK_CLK0 for
# the fabric (the only PL clock), one fabric interrupt.
set ps7 [create_bd_cell -type ip -vlnv xilinx.com:ip:processing_system7:5.5 ps7]
if {[info exists ::env(SATCHAIN_PS7_PRESET)]} {
    puts "build.tcl: applying the PS7 preset $::env(SATCHAIN_PS7_PRESET)"
    source $::env(SATCHAIN_PS7_PRESET)
}
set_property -dict [list \
    CONFIG.PCW_USE_M_AXI_GP0 {1} \
    CONFIG.PCW_USE_S_AXI_HP0 {1} \
    CONFIG.PCW_S_AXI_HP0_DATA_WIDTH {64} \
    CONFIG.PCW_USE_S_AXI_HP1 {1} \
    CONFIG.PCW_S_AXI_HP1_DATA_WIDTH {64} \
    CONFIG.PCW_EN_CLK0_PORT {1} \
    CONFIG.PCW_FCLK0_PERIPHERAL_CLKSRC {ARM PLL} \
    CONFIG.PCW_FPGA0_PERIPHERAL_FREQMHZ $clock_mhz \
    CONFIG.PCW_EN_RST0_PORT {1} \
    CONFIG.PCW_USE_FABRIC_INTERRUPT {1} \
    CONFIG.PCW_IRQ_F2P_INTR {1} \
] $ps7
apply_bd_automation -rule xilinx.com:bd_rule:processing_system7 \
    -config {make_external "FIXED_IO, DDR" apply_board_preset "0" Master "Disable" Slave "Disable"} $ps7

# Reset synchronizer for FCLK_CLK0, the AXI interconnect (GP0 -> one AXI4-Lite slave) and the
# accelerator as a module reference of the wrapper.
set rst [create_bd_cell -type ip -vlnv xilinx.com:ip:proc_sys_reset:5.0 rst_fclk0]
set ic  [create_bd_cell -type ip -vlnv xilinx.com:ip:axi_interconnect:2.1 axi_ic]
set_property -dict [list CONFIG.NUM_SI {1} CONFIG.NUM_MI {1}] $ic
# DMA paths: each AXI4 master of the accelerator -> its own interconnect (AXI4 -> AXI3
# protocol conversion; bursts are <= 16 beats, so none is split) -> its HP port.
# Hash DMA (read only): satchain/m_axi -> axi_ic_hp -> S_AXI_HP0.
set ic_hp [create_bd_cell -type ip -vlnv xilinx.com:ip:axi_interconnect:2.1 axi_ic_hp]
set_property -dict [list CONFIG.NUM_SI {1} CONFIG.NUM_MI {1}] $ic_hp
# Verify-job ring (read and write): satchain/m1_axi -> axi_ic_hp1 -> S_AXI_HP1.
set ic_hp1 [create_bd_cell -type ip -vlnv xilinx.com:ip:axi_interconnect:2.1 axi_ic_hp1]
set_property -dict [list CONFIG.NUM_SI {1} CONFIG.NUM_MI {1}] $ic_hp1
set acc [create_bd_cell -type module -reference satchain_axi_wrapper satchain]

# Clock: FCLK_CLK0, the one clock, drives GP0, both HP ports, the interconnects, the reset block
# and the accelerator.
connect_bd_net [get_bd_pins ps7/FCLK_CLK0] \
    [get_bd_pins ps7/M_AXI_GP0_ACLK] \
    [get_bd_pins rst_fclk0/slowest_sync_clk] \
    [get_bd_pins axi_ic/ACLK] [get_bd_pins axi_ic/S00_ACLK] [get_bd_pins axi_ic/M00_ACLK] \
    [get_bd_pins ps7/S_AXI_HP0_ACLK] \
    [get_bd_pins axi_ic_hp/ACLK] [get_bd_pins axi_ic_hp/S00_ACLK] [get_bd_pins axi_ic_hp/M00_ACLK] \
    [get_bd_pins ps7/S_AXI_HP1_ACLK] \
    [get_bd_pins axi_ic_hp1/ACLK] [get_bd_pins axi_ic_hp1/S00_ACLK] [get_bd_pins axi_ic_hp1/M00_ACLK] \
    [get_bd_pins satchain/aclk]
# Resets: PS reset -> synchronizer -> interconnect and accelerator (the wrapper makes it active-high).
connect_bd_net [get_bd_pins ps7/FCLK_RESET0_N] [get_bd_pins rst_fclk0/ext_reset_in]
connect_bd_net [get_bd_pins rst_fclk0/interconnect_aresetn] [get_bd_pins axi_ic/ARESETN] \
    [get_bd_pins axi_ic_hp/ARESETN] [get_bd_pins axi_ic_hp1/ARESETN]
connect_bd_net [get_bd_pins rst_fclk0/peripheral_aresetn] \
    [get_bd_pins axi_ic/S00_ARESETN] [get_bd_pins axi_ic/M00_ARESETN] \
    [get_bd_pins axi_ic_hp/S00_ARESETN] [get_bd_pins axi_ic_hp/M00_ARESETN] \
    [get_bd_pins axi_ic_hp1/S00_ARESETN] [get_bd_pins axi_ic_hp1/M00_ARESETN] \
    [get_bd_pins satchain/aresetn]
# Registers: GP0 -> interconnect -> accelerator.
connect_bd_intf_net [get_bd_intf_pins ps7/M_AXI_GP0] [get_bd_intf_pins axi_ic/S00_AXI]
connect_bd_intf_net [get_bd_intf_pins axi_ic/M00_AXI] [get_bd_intf_pins satchain/s_axi]
# Hash DMA: accelerator -> interconnect -> S_AXI_HP0 (DDR).
connect_bd_intf_net [get_bd_intf_pins satchain/m_axi] [get_bd_intf_pins axi_ic_hp/S00_AXI]
connect_bd_intf_net [get_bd_intf_pins axi_ic_hp/M00_AXI] [get_bd_intf_pins ps7/S_AXI_HP0]
# Verify-job ring: accelerator -> interconnect -> S_AXI_HP1 (DDR; job slots in, verdicts out).
connect_bd_intf_net [get_bd_intf_pins satchain/m1_axi] [get_bd_intf_pins axi_ic_hp1/S00_AXI]
connect_bd_intf_net [get_bd_intf_pins axi_ic_hp1/M00_AXI] [get_bd_intf_pins ps7/S_AXI_HP1]
# Interrupt: IRQ_F2P[0] = GIC SPI 61 (the overlay's `interrupts = <0 29 4>`).
connect_bd_net [get_bd_pins satchain/irq] [get_bd_pins ps7/IRQ_F2P]

assign_bd_address -offset $accel_base -range $accel_range \
    -target_address_space [get_bd_addr_spaces ps7/Data] \
    [get_bd_addr_segs satchain/s_axi/reg0] -force
assign_bd_address -offset $hp_ddr_base -range $hp_ddr_range \
    -target_address_space [get_bd_addr_spaces satchain/m_axi] \
    [get_bd_addr_segs ps7/S_AXI_HP0/HP0_DDR_LOWOCM] -force
assign_bd_address -offset $hp_ddr_base -range $hp_ddr_range \
    -target_address_space [get_bd_addr_spaces satchain/m1_axi] \
    [get_bd_addr_segs ps7/S_AXI_HP1/HP1_DDR_LOWOCM] -force

validate_bd_design
save_bd_design
set act_mhz [get_property CONFIG.PCW_ACT_FPGA0_PERIPHERAL_FREQMHZ $ps7]
puts "build.tcl: FCLK_CLK0 requested $clock_mhz MHz, the PS7 PLL gives $act_mhz MHz"

set bd_file [get_files satchain_bd.bd]
generate_target all $bd_file
set bd_wrapper [make_wrapper -files $bd_file -top]
add_files -norecurse -fileset sources_1 $bd_wrapper
set_property top satchain_bd_wrapper [get_filesets sources_1]
update_compile_order -fileset sources_1

# ---------------------------------------------------------------- synthesis, implementation, bitstream
# The clock constraint of FCLK_CLK0 (clk_fpga_0) comes from the PS7 IP's own XDC, at the
# frequency set above; the design has one clock, so no other constraint is needed (no clock
# crossing), and the accelerator has no I/O pins (everything is inside the PS-PL boundary).
launch_runs synth_1 -jobs $jobs
wait_on_run synth_1
if {[get_property PROGRESS [get_runs synth_1]] ne "100%"} {
    error "build.tcl: synthesis failed, see $proj_dir/satchain.runs/synth_1/runme.log"
}
launch_runs impl_1 -to_step write_bitstream -jobs $jobs
wait_on_run impl_1
if {[get_property PROGRESS [get_runs impl_1]] ne "100%"} {
    error "build.tcl: implementation failed, see $proj_dir/satchain.runs/impl_1/runme.log"
}

open_run impl_1
report_utilization -file [file join $out_dir utilization.rpt]
report_utilization -hierarchical -file [file join $out_dir utilization_hier.rpt]
report_timing_summary -max_paths 10 -file [file join $out_dir timing_summary.rpt]
set wns [get_property SLACK [get_timing_paths -delay_type max -max_paths 1]]

# ---------------------------------------------------------------- outputs
set impl_dir [get_property DIRECTORY [get_runs impl_1]]
set bit_out [file join $out_dir satchain.bit]
file copy -force [file join $impl_dir satchain_bd_wrapper.bit] $bit_out
# .bin for Linux fpga_manager / fpgautil: the raw configuration data, not bit-swapped.
write_cfgmem -force -format bin -interface SMAPx32 -disablebitswap \
    -loadbit "up 0x0 $bit_out" [file join $out_dir satchain.bin]
# Hardware description for PetaLinux / Vitis (FSBL with this PS7 setup and the bitstream).
write_hw_platform -fixed -include_bit -force -file [file join $out_dir satchain.xsa]
file copy -force $dtso [file join $out_dir satchain-overlay.dtso]

set met [expr {$wns >= 0}]
set fh [open [file join $out_dir build-summary.txt] w]
puts $fh "part $part"
puts $fh "fclk0_requested_mhz $clock_mhz"
puts $fh "fclk0_actual_mhz $act_mhz"
puts $fh "wns_ns $wns"
puts $fh "timing_met $met"
puts $fh "accel_base $accel_base"
puts $fh "accel_range $accel_range"
puts $fh "outputs satchain.bit satchain.bin satchain.xsa satchain-overlay.dtso"
close $fh
puts "build.tcl: wrote $bit_out, satchain.bin, satchain.xsa; WNS $wns ns at $act_mhz MHz"
if {!$met} {
    puts stderr "build.tcl: TIMING NOT MET (WNS $wns ns): lower clock_mhz or shorten the critical path; see timing_summary.rpt"
    exit 1
}
exit 0
