//! Prints the Verilog of the Verilator harness self-test block.
fn main() {
    print!(
        "{}",
        satchain_hdl::prim::verilog_of(satchain_hdl::selftest::HarnessSelftest::default())
    );
}
