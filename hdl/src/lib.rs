#![doc = include_str!("../README.md")]

pub use satchain_regmap as regmap;

pub mod ecdsa;
pub mod regblock;
pub mod selftest;
pub mod sha256;
pub mod top;
pub mod vcore;

/// One design that `verif` builds into a Verilator model.
#[derive(Debug, Clone)]
pub struct SimModel {
    /// Model name: the Verilator prefix becomes `V<name>`; Rust code opens it by this name.
    pub name: &'static str,
    /// Complete Verilog text; its top module is `top` (rust-hdl's convention).
    pub verilog: String,
}

/// Every design that `verif` builds into a Verilator model. Each block owner adds its
/// entries in its own module's `sim_models()`.
pub fn sim_models() -> Vec<SimModel> {
    let mut v = vec![SimModel {
        name: "harness_selftest",
        verilog: selftest::verilog(),
    }];
    v.extend(sha256::sim_models());
    v.extend(ecdsa::sim_models());
    v.extend(top::sim_models());
    v.extend(vcore::sim_models());
    v
}
