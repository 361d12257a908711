//! Recoder: signed wNAF digits of scalars into the cluster's digit RAM, one digit per clock
//! (ARCH.md, "Recoder"; ISA.md, "REC"). See `README.md`.

pub mod model;

/// Verilator models of the Recoder.
pub fn sim_models() -> Vec<crate::SimModel> {
    Vec::new()
}
