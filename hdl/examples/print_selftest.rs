fn main() {
    print!("{}", satchain_hdl::selftest::verilog());
}
