//! SHA-256 hardware: compression core, hash unit with hardware padding and modes, and the
//! hash cluster behind a dispatcher. See `README.md` in this directory.

pub mod cluster;
pub mod consts;
pub mod core;
pub mod dma;
pub mod fifo;
pub mod model;
pub mod unit;
pub mod widen;

pub use self::cluster::HashCluster;
pub use self::core::Sha256Core;
pub use self::unit::Sha256Unit;

use rust_hdl::prelude::*;

/// Number of SHA-256 units in the shipped configuration.
pub const DEFAULT_UNITS: usize = 8;

/// Verilog text of a block (top module `top`), after `connect_all()`.
pub fn verilog_of<B: Block>(mut b: B) -> String {
    b.connect_all();
    generate_verilog(&b)
}

/// Verilator models of the SHA-256 blocks.
pub fn sim_models() -> Vec<crate::SimModel> {
    vec![
        crate::SimModel {
            name: "sha256_core",
            verilog: verilog_of(Sha256Core::new()),
        },
        crate::SimModel {
            name: "sha256_unit",
            verilog: verilog_of(Sha256Unit::new()),
        },
        crate::SimModel {
            name: "hash_cluster",
            verilog: verilog_of(HashCluster::<DEFAULT_UNITS>::new()),
        },
    ]
}
