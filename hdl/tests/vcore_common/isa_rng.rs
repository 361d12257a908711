//! The seed and case-count rule of the VerifyCore ISA, assembler and waits tests
//! (`vcore_isa.rs`, `vcore_waits_asm.rs`): fixed default seed, printed, `SATCHAIN_SEED` replays.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

pub fn seed() -> u64 {
    std::env::var("SATCHAIN_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5a7c_4a11)
}

/// Iterations of a loop in this file. These loops are pure decoder/assembler checks at
/// microseconds each (the 200,000-word loop runs in ~0.1 s), so the CI knob
/// `SATCHAIN_PROPTEST_CASES` (64 in `.ci/run`, sized for the Verilator tests) may raise them
/// but never lower them below their default: 64 random words would leave most decoder rules
/// unvisited (CI run of 2026-12-03: 17 legal / 47 illegal words, assertion failed).
pub fn cases(default: u32) -> u32 {
    std::env::var("SATCHAIN_PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse::<u32>().ok())
        .map_or(default, |n| n.max(default))
}

pub fn rng(name: &str) -> ChaCha8Rng {
    let s = seed();
    println!("{name}: seed {s} (replay with SATCHAIN_SEED={s})");
    ChaCha8Rng::seed_from_u64(s)
}
