//! One seed rule for every property test and random test of the workspace.
//!
//! - **Fixed by default**: a test's seed is derived from [`BASE_SEED`] and the test's name,
//!   so the same commit gives the same cases, and the same verdict, on every run.
//! - **Override**: `SATCHAIN_SEED` (or `SATCHAIN_PROPTEST_SEED`; decimal or `0x` hex, a
//!   `u64`) replaces the derived seed of every test that runs; the soak script
//!   (`scripts/soak.sh`) sets both to hunt with fresh seeds.
//! - **Printed**: every test prints its seed when it starts (`cargo test` shows the output of
//!   a failing test), as `SATCHAIN_SEED=0x...`, the line that replays it.
//! - **Case counts** scale with `SATCHAIN_PROPTEST_CASES` ([`cases`]).
//! - **Regressions**: proptest runners persist failing cases in
//!   `<crate>/proptest-regressions/<test>.txt`, replayed before new cases; commit those files.

use std::path::Path;

use proptest::test_runner::{Config, FileFailurePersistence, RngAlgorithm, RngSeed, TestRunner};

/// The constant every default seed is derived from. Changing it changes every test's cases.
pub const BASE_SEED: u64 = 0x5a7c_4a11_5eed_0001;

/// Environment variables that override the seed, in order of precedence.
pub const SEED_VARS: [&str; 2] = ["SATCHAIN_SEED", "SATCHAIN_PROPTEST_SEED"];

/// Environment variable holding the case count of property and random tests.
pub const CASES_VAR: &str = "SATCHAIN_PROPTEST_CASES";

/// splitmix64: a bijective mixer (also the step of [`expand`]).
pub const fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

const fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    let mut i = 0;
    while i < bytes.len() {
        h ^= bytes[i] as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
        i += 1;
    }
    h
}

/// The default seed of test `test` (no environment involved).
pub const fn derived(test: &str) -> u64 {
    splitmix64(BASE_SEED ^ fnv1a64(test.as_bytes()))
}

/// Parses a seed: decimal, or hexadecimal with a `0x` prefix.
pub fn parse_seed(s: &str) -> Option<u64> {
    let s = s.trim();
    match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(h) => u64::from_str_radix(h, 16).ok(),
        None => s.parse().ok(),
    }
}

/// The seed override from the environment, if one is set. A value that does not parse is a
/// test setup error and panics with the variable's name.
pub fn env_seed() -> Option<u64> {
    for var in SEED_VARS {
        if let Ok(v) = std::env::var(var) {
            match parse_seed(&v) {
                Some(s) => return Some(s),
                None => panic!("{var}={v:?} is not a seed (decimal or 0x-prefixed hex u64)"),
            }
        }
    }
    None
}

/// The seed of test `test`: the environment's override or [`derived`]. Prints the line that
/// replays it.
pub fn seed(test: &str) -> u64 {
    let (s, from) = match env_seed() {
        Some(s) => (s, "from the environment"),
        None => (derived(test), "default, derived from the test name"),
    };
    println!("{test}: SATCHAIN_SEED={s:#018x} ({from}; set it to replay)");
    s
}

/// `n` bytes of key material expanded from a `u64` seed (splitmix64 stream).
pub fn expand<const N: usize>(seed: u64) -> [u8; N] {
    let mut out = [0u8; N];
    let mut x = seed;
    for chunk in out.chunks_mut(8) {
        x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let w = splitmix64(x).to_le_bytes();
        chunk.copy_from_slice(&w[..chunk.len()]);
    }
    out
}

/// [`seed`] as 32 bytes (for RNGs seeded from 256 bits).
pub fn seed_bytes(test: &str) -> [u8; 32] {
    expand(seed(test))
}

/// The case count: `SATCHAIN_PROPTEST_CASES` if set (a value that does not parse panics),
/// else `default`.
pub fn cases(default: u32) -> u32 {
    match std::env::var(CASES_VAR) {
        Ok(v) => v
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("{CASES_VAR}={v:?} is not a case count")),
        Err(_) => default,
    }
}

/// `default` scaled by `SATCHAIN_PROPTEST_CASES / reference` (at least 1): for tests whose
/// natural count differs from a proptest's (e.g. 2000 cheap model cases per 256 property
/// cases). Without the variable: `default`.
pub fn scaled(default: u32, reference: u32) -> u32 {
    match std::env::var(CASES_VAR) {
        Ok(_) => {
            let c = u64::from(cases(reference));
            let v = u64::from(default) * c / u64::from(reference.max(1));
            u32::try_from(v.max(1)).unwrap_or(u32::MAX)
        }
        Err(_) => default,
    }
}

/// Path of the regression file of `test` in the crate at `manifest_dir`.
pub fn regression_file(manifest_dir: &str, test: &str) -> String {
    let name: String = test
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    Path::new(manifest_dir)
        .join("proptest-regressions")
        .join(format!("{name}.txt"))
        .to_string_lossy()
        .into_owned()
}

/// The proptest configuration of test `test` in the crate at `manifest_dir`: [`cases`],
/// the [`seed`], ChaCha, failures persisted in [`regression_file`]. Use it through
/// [`crate::proptest_config!`] (which passes the crate's directory).
pub fn proptest_config(manifest_dir: &str, test: &str, default_cases: u32) -> Config {
    let file = regression_file(manifest_dir, test);
    if let Some(dir) = Path::new(&file).parent() {
        // Proptest appends to the file; the directory must exist. Failing to create it only
        // loses persistence (proptest reports it), not the test.
        let _ = std::fs::create_dir_all(dir);
    }
    let cases = cases(default_cases);
    let seed = seed(test);
    println!("{test}: {cases} cases, regressions in {file}");
    Config {
        cases,
        rng_seed: RngSeed::Fixed(seed),
        rng_algorithm: RngAlgorithm::ChaCha,
        // The file name is built at run time; proptest wants it for the program's lifetime.
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(Box::leak(
            file.into_boxed_str(),
        )))),
        ..Config::default()
    }
}

/// A proptest runner for test `test` (see [`proptest_config`]); use it through
/// [`crate::runner!`].
pub fn runner(manifest_dir: &str, test: &str, default_cases: u32) -> TestRunner {
    // `new` seeds ChaCha from `rng_seed`, as `proptest!` does with the same config.
    TestRunner::new(proptest_config(manifest_dir, test, default_cases))
}

/// `testkit::proptest_config!("name", cases)`: [`proptest_config`] for the calling crate
/// (for `#![proptest_config(...)]` inside `proptest!`).
#[macro_export]
macro_rules! proptest_config {
    ($test:expr, $cases:expr) => {
        $crate::seed::proptest_config(env!("CARGO_MANIFEST_DIR"), $test, $cases)
    };
}

/// `testkit::runner!("name", cases)`: [`runner`] for the calling crate.
#[macro_export]
macro_rules! runner {
    ($test:expr, $cases:expr) => {
        $crate::seed::runner(env!("CARGO_MANIFEST_DIR"), $test, $cases)
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_seeds_are_fixed_and_differ_by_name() {
        assert_eq!(derived("a"), derived("a"));
        assert_ne!(derived("a"), derived("b"));
        // Pinned: a change of the derivation changes every test's cases; do it on purpose.
        assert_eq!(derived(""), splitmix64(BASE_SEED ^ 0xcbf2_9ce4_8422_2325));
    }

    #[test]
    fn seeds_parse_in_decimal_and_hex() {
        assert_eq!(parse_seed("42"), Some(42));
        assert_eq!(parse_seed("0x2a"), Some(42));
        assert_eq!(parse_seed(" 0X2A "), Some(42));
        assert_eq!(parse_seed("zz"), None);
        assert_eq!(parse_seed("0x"), None);
    }

    #[test]
    fn expansion_is_deterministic_and_fills_every_byte() {
        let a: [u8; 32] = expand(7);
        assert_eq!(a, expand::<32>(7));
        assert_ne!(a, expand::<32>(8));
        let b: [u8; 5] = expand(7);
        assert_eq!(b, a[..5]);
    }

    #[test]
    fn regression_files_live_under_the_crate() {
        let f = regression_file("/x/crate", "mod::test name");
        assert_eq!(f, "/x/crate/proptest-regressions/mod--test-name.txt");
    }
}
