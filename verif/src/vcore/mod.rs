//! Driving the VerifyCore cluster blocks in Verilator (owner: the cluster RTL,
//! `hdl/src/vcore/README-rtl.md`).
//!
//! - [`alu`]: the standalone `Alu` (`vcore_alu`), one operation per clock, checked against
//!   `satchain_hdl::vcore::alu::model`.
//!
//! Randomized tests take [`seed`] (fixed default, `SATCHAIN_SEED` overrides, decimal or `0x`
//! hex) and scale their case counts with [`cases`] (`SATCHAIN_PROPTEST_CASES`).

pub mod alu;
pub mod cluster;

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

/// `default` scaled by `SATCHAIN_PROPTEST_CASES` (the value replaces the default).
pub fn cases(default: usize) -> usize {
    std::env::var("SATCHAIN_PROPTEST_CASES")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}
