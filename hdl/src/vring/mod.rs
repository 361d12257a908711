//! Verify-job DMA: `VerifyRing` reads signature-verification jobs from a ring in DDR and
//! writes their verdicts to a result ring, so software pays a few register accesses per batch
//! instead of ~43 per verify. See `README.md` in this directory (theory, normative ring
//! formats, interfaces, MMIO cost, verification status).

pub mod model;
pub mod path;
pub mod ring;

pub use self::path::VerifyPath;
pub use self::ring::VerifyRing;

use crate::catalog::{Block, Domain};

/// The ring blocks in the catalogue: Verilator models (`verif/tests/vring.rs`,
/// `verif/tests/vring_path.rs`). Not yet in the top, so not synthesized with it (README,
/// "Integration").
pub const BLOCKS: &[Block] = &[
    Block {
        name: "vring",
        doc: "VerifyRing: verify-job DMA (job ring in, verdict ring out)",
        domain: Domain::Bus,
        clock: "clock",
        synth: false,
        sim: true,
        verilog: || Some(crate::prim::verilog_of(VerifyRing::new())),
    },
    Block {
        name: "vring_path",
        doc: "VerifyPath<1>: VerifyRing feeding VerifyCore<1> (secp256k1 ROM, K bank and \
              entries built in): jobs from a DDR ring to verdicts in a DDR ring",
        domain: Domain::Engine,
        clock: "clock",
        // Simulated only, like `vcore_verify_core` (its yosys run is the core's 13 minutes);
        // it is synthesized as part of the top once it is there.
        synth: false,
        sim: true,
        verilog: || path::secp256k1_verilog().ok(),
    },
];
