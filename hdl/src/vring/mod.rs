//! Verify-job DMA: `VerifyRing` reads signature-verification jobs from a ring in DDR and
//! writes their verdicts to a result ring, so software pays a few register accesses per batch
//! instead of ~43 per verify. See `README.md` in this directory (theory, normative ring
//! formats, interfaces, MMIO cost, verification status).

pub mod model;
pub mod ring;

pub use self::ring::VerifyRing;

use crate::catalog::{Block, Domain};

/// The ring block in the catalogue: a Verilator model (`verif/tests/vring.rs`). Not yet in
/// the top, so not synthesized with it (README, "Integration").
pub const BLOCKS: &[Block] = &[Block {
    name: "vring",
    doc: "VerifyRing: verify-job DMA (job ring in, verdict ring out)",
    domain: Domain::Bus,
    clock: "clock",
    synth: false,
    sim: true,
    verilog: || Some(crate::prim::verilog_of(VerifyRing::new())),
}];
