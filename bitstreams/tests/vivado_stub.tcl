# Runs build.tcl in plain tclsh with every Vivado command replaced by a recorder, so a test can
# check the script's structure without Vivado:
#
#   tclsh vivado_stub.tcl <build.tcl> <call log> <tclargs...>
#
# Every command tclsh does not know (create_project, create_bd_cell, connect_bd_net, ...) goes
# to `unknown`, which appends the call as one Tcl list per line to <call log> and returns a
# plausible value: object names for get_*/create_* commands, "100%" for run progress, a slack
# of 0.25 ns (or $STUB_SLACK), 177.778 as the "actual" FCLK0 frequency. `file copy` and `exit` are
# recorded instead of executed (nothing is copied; nothing is written to the out dir: files
# build.tcl opens for writing, other than constraints, land in <call log>.files/). Tcl syntax
# errors and calls to real Tcl commands with wrong arguments fail for real.

if {[llength $argv] < 2} {
    puts stderr "usage: tclsh vivado_stub.tcl <build.tcl> <call log> <tclargs...>"
    exit 2
}
set stub_script [lindex $argv 0]
set stub_log [open [lindex $argv 1] w]
set stub_files "[lindex $argv 1].files"
set stub_clock 177.778

proc stub_record {call} {
    global stub_log
    puts $stub_log [list {*}$call]
    flush $stub_log
}

proc unknown {args} {
    global stub_clock
    stub_record $args
    set cmd [lindex $args 0]
    set last [lindex $args end]
    switch -glob -- $cmd {
        get_property {
            set prop [lindex $args 1]
            switch -- $prop {
                PROGRESS { return "100%" }
                SLACK {
                    if {[info exists ::env(STUB_SLACK)]} { return $::env(STUB_SLACK) }
                    return 0.25
                }
                DIRECTORY { return "/stub/impl_1" }
                CONFIG.PCW_ACT_FPGA0_PERIPHERAL_FREQMHZ { return $stub_clock }
                default { return "" }
            }
        }
        create_bd_cell -
        create_bd_design -
        get_bd_cells -
        get_bd_pins -
        get_bd_intf_pins -
        get_bd_addr_spaces -
        get_bd_addr_segs -
        get_runs -
        get_filesets -
        get_files { return $last }
        current_project { return satchain }
        make_wrapper { return "/stub/satchain_bd_wrapper.v" }
        get_timing_paths { return "stub_path" }
        default { return "" }
    }
}

# `file copy` would need the Vivado outputs: record it instead. Other `file` subcommands run.
rename file stub_real_file
proc file {sub args} {
    if {$sub eq "copy" || $sub eq "mkdir"} {
        stub_record [list file $sub {*}$args]
        return ""
    }
    return [stub_real_file $sub {*}$args]
}

# `open ... w`: constraint files (*.xdc) are written for real, so a test can read what Vivado
# would get; any other file (the summary) goes to <call log>.files/<its name> instead of the out
# dir, so a test can read what build.tcl wrote there.
rename open stub_real_open
proc open {path {mode r} args} {
    if {[string match *w* $mode] && [string match *.xdc $path]} {
        stub_record [list open $path $mode]
        stub_real_file mkdir [stub_real_file dirname $path]
        return [stub_real_open $path $mode]
    }
    if {[string match *w* $mode]} {
        global stub_files
        stub_record [list open $path $mode]
        stub_real_file mkdir $stub_files
        return [stub_real_open [stub_real_file join $stub_files [stub_real_file tail $path]] $mode]
    }
    return [stub_real_open $path $mode {*}$args]
}

rename exit stub_real_exit
proc exit {{code 0}} {
    stub_record [list exit $code]
    return -code error -errorcode [list STUB_EXIT $code] "stub exit $code"
}

set argv [lrange $argv 2 end]
set argc [llength $argv]
set rc [catch {source $stub_script} msg opts]
close $stub_log
if {$rc != 0} {
    set ec [dict get $opts -errorcode]
    if {[lindex $ec 0] eq "STUB_EXIT"} {
        stub_real_exit [lindex $ec 1]
    }
    puts stderr "build.tcl failed under the stub: $msg"
    puts stderr [dict get $opts -errorinfo]
    stub_real_exit 3
}
stub_real_exit 0
