//! Writes the Verilog of `VerifyRing` (the verify-job DMA, `hdl/src/vring/`), for yosys or
//! inspection: `cargo run -p satchain-hdl --example vring_verilog -- [out.v]` (stdout without
//! an argument). Module `top`, as every rust-hdl design.

use std::io::Write as _;

fn main() -> std::io::Result<()> {
    let v = satchain_hdl::prim::verilog_of(satchain_hdl::vring::VerifyRing::new());
    match std::env::args().nth(1) {
        Some(path) => std::fs::write(path, v),
        None => std::io::stdout().write_all(v.as_bytes()),
    }
}
