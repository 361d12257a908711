//! ScalarUnit: ECDSA pre-processing (range checks, `u1 = z/s`, `u2 = r/s` mod n) and the
//! Schnorr range checks, ahead of the clusters (ARCH.md, "ScalarUnit"). See `README.md`.

pub mod model;

/// Verilator models of the ScalarUnit.
pub fn sim_models() -> Vec<crate::SimModel> {
    Vec::new()
}
