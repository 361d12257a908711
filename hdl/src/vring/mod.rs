//! Verify-job DMA: `VerifyRing` reads signature-verification jobs from a ring in DDR and
//! writes their verdicts to a result ring, so software pays a few register accesses per batch
//! instead of ~43 per verify. See `README.md` in this directory (theory, normative ring
//! formats, interfaces, MMIO cost, verification status).

pub mod model;
pub mod ring;

pub use self::ring::VerifyRing;

/// Verilator models of the ring block.
pub fn sim_models() -> Vec<crate::SimModel> {
    vec![crate::SimModel {
        name: "vring",
        verilog: crate::sha256::verilog_of(VerifyRing::new()),
    }]
}
