//! ScalarUnit: ECDSA pre-processing (range checks, `u1 = z/s`, `u2 = r/s` mod n) and the
//! Schnorr range checks, ahead of the clusters (ARCH.md, "ScalarUnit"). See `README.md`.

pub mod model;
pub mod rtl;

use rust_hdl::prelude::*;

/// The Verilog of a standalone `ScalarUnit` (top module `top`) for the modulus `md`, with the
/// VerifyCore's pass-through width.
pub fn verilog(md: &model::SuModulus) -> String {
    let mut uut = rtl::ScalarUnit::<{ rtl::PASS_BITS }>::new(md);
    uut.connect_all();
    generate_verilog(&uut)
}

/// The toy group order of the ScalarUnit's second Verilator model (`vcore_su_toy` in
/// `vcore::BLOCKS`; a prime, like the small orders of the core's toy-curve tests).
pub const TOY_ORDER: u32 = 199;

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    /// The Verilog generates; it is written to `target/vcore/su.v` for yosys (README.md).
    #[test]
    fn su_generates_verilog() {
        let v = super::verilog(&super::model::SuModulus::secp256k1());
        assert!(v.contains("module top("));
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/vcore");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("su.v"), v).unwrap();
    }
}
