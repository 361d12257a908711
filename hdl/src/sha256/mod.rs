//! SHA-256 hardware: compression core, hash unit with hardware padding and modes, and the
//! hash cluster behind a dispatcher. See `README.md` in this directory.

pub mod cluster;
pub mod consts;
pub mod core;
pub mod dma;
pub mod model;
pub mod unit;

pub use self::cluster::HashCluster;
pub use self::core::Sha256Core;
pub use self::unit::Sha256Unit;

use crate::catalog::{Block, Domain};
use crate::prim::verilog_of;

/// Number of SHA-256 units in the shipped configuration.
pub const DEFAULT_UNITS: usize = 8;

/// The SHA-256 blocks in the catalogue (`crate::catalog`).
pub const BLOCKS: &[Block] = &[
    Block {
        name: "sha256_core",
        doc: "Sha256Core: compression, 1 round/clock",
        domain: Domain::Bus,
        clock: "clock",
        synth: true,
        sim: true,
        verilog: || Some(verilog_of(Sha256Core::new())),
    },
    Block {
        name: "sha256_unit",
        doc: "Sha256Unit: core + 2 KiB input FIFO + padder + modes",
        domain: Domain::Bus,
        clock: "clock",
        synth: true,
        sim: true,
        verilog: || Some(verilog_of(Sha256Unit::new())),
    },
    Block {
        name: "hash_cluster",
        doc: "HashCluster<8>: dispatcher, 8 units, DMA reader, result FIFO",
        domain: Domain::Bus,
        clock: "clock",
        synth: true,
        sim: true,
        verilog: || Some(verilog_of(HashCluster::<DEFAULT_UNITS>::new())),
    },
];
