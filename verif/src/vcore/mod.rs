//! Driving the VerifyCore cluster blocks in Verilator (owner: the cluster RTL,
//! `hdl/src/vcore/README-cluster.md`).
//!
//! - [`alu`]: the standalone `Alu` (`vcore_alu`), one operation per clock, checked against
//!   `satchain_hdl::vcore::alu::model`.
//! - [`cluster`]: the cluster test benches (`vcore_cluster_core`: the product cluster with its
//!   real FieldMul and Recoder; `vcore_cluster_tb`: the FieldMul stand-in) and the same job
//!   stream on the ISS's cluster model, compared write by write.
//! - [`progen`]: random programs for the cluster test (every op, control kind and condition).
//! - [`verify_core`]: the whole VerifyCore (`vcore_verify_core`) against the ISS's core
//!   model with the same ports.
//!
//! Randomized tests take [`seed`] (fixed default, `SATCHAIN_SEED` overrides, decimal or `0x`
//! hex) and scale their case counts with [`cases`] (`SATCHAIN_PROPTEST_CASES`, 64 = the default).

pub mod alu;
pub mod cluster;
pub mod progen;
pub mod verify_core;

/// Default seed of the vcore tests (same commit, same cases).
pub const DEFAULT_SEED: u64 = 0x5EED_0C3C;

/// The seed: `SATCHAIN_SEED` (decimal or `0x` hex) or [`DEFAULT_SEED`].
pub fn seed() -> u64 {
    std::env::var("SATCHAIN_SEED")
        .ok()
        .and_then(|v| {
            let v = v.trim();
            match v.strip_prefix("0x") {
                Some(h) => u64::from_str_radix(h, 16).ok(),
                None => v.parse().ok(),
            }
        })
        .unwrap_or(DEFAULT_SEED)
}

/// `default` scaled by `SATCHAIN_PROPTEST_CASES / 64`, at least 1 (the rule of
/// `testkit::seed::scaled`, which the library cannot use: `testkit`'s `seed` needs its `std`
/// feature, a dev-dependency here). The reference is 64, the value CI sets (`.ci/run`), so CI
/// runs exactly the default set (whose ISA-coverage assertions need it whole) and a soak run
/// (1,000) about 16 times it; without the variable (or with one that does not parse):
/// `default`.
pub fn cases(default: usize) -> usize {
    std::env::var("SATCHAIN_PROPTEST_CASES")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .map_or(default, |n| (default.saturating_mul(n) / CI_CASES).max(1))
}

/// The `SATCHAIN_PROPTEST_CASES` value at which [`cases`] returns its default (CI's).
pub const CI_CASES: usize = 64;
