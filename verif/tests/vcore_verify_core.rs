//! The VerifyCore RTL (`vcore_verify_core`: ScalarUnit + ReadyQueue + one ClusterCore, the
//! real secp256k1 program loaded through the load ports; `vcore_verify_core2`: the same with
//! two ClusterCores) against the ISS's core model with the same ports and clusters
//! (`iss::core::run_ports`): for every job the accept cycle, the verdict (tag, code, cycles)
//! and the cycle it leaves the verdict port are equal, and every code equals the k256
//! reference (`vcore_common/cases.rs`).
//!
//! - `vcore_verify_core_random_batches`: random batches (`verif::vcore::cases(32)` jobs each:
//!   ECDSA valid / invalid with compressed and uncompressed keys, BIP340 valid / invalid, r or
//!   s out of range), submitted back to back with random gaps, with random verdict-port
//!   back-pressure (short and long stalls).
//! - `vcore_verify_core_admission_cap`: a burst of early results while the verdict port is
//!   stalled fills the core to its cap (`INSIDE_CAP`): `job_ready` drops, nothing is lost, and
//!   the ISS predicts every cycle of it.
//! - `vcore_verify_core_two_clusters`: a back-to-back burst of more real jobs than one
//!   cluster has threads, then random gaps, on two clusters: jobs are handed to the lowest
//!   ready cluster, both clusters' verdict FIFOs and the ScalarUnit's early results share the
//!   verdict port under back-pressure; the ISS must say both clusters ran jobs.
//!
//! `SATCHAIN_SEED` changes the seed (printed), `SATCHAIN_PROPTEST_CASES` the batch size; a
//! failure writes a VCD under `target/vcd/`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may panic
#![allow(clippy::cast_possible_truncation)]

#[path = "vcore_common/cases.rs"]
mod cases;
#[path = "vcore_common/core_check.rs"]
mod core_check;

use cases::{early_case, ecdsa_case, schnorr_case, Case};
use core_check::check;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use satchain_hdl::vcore::iss::machine::CoreImage;
use satchain_hdl::vcore::timing::VERDICT_DELAY;
use satchain_hdl::vcore::verify_core::INSIDE_CAP;
use verif::vcore::verify_core::{CoreOutcome, CoreTbJob};

/// A verdict-ready pattern: runs of ready and not ready (lengths from `rng`), one long stall
/// of `stall` cycles from `stall_at`; ready after `len`.
fn pattern(rng: &mut ChaCha8Rng, len: usize, stall_at: usize, stall: usize) -> Vec<bool> {
    let mut v = Vec::with_capacity(len);
    while v.len() < len {
        let on = rng.gen_range(1..200);
        let off = if rng.gen_bool(0.3) {
            rng.gen_range(1..4)
        } else {
            rng.gen_range(1..60)
        };
        v.extend(std::iter::repeat_n(true, on));
        v.extend(std::iter::repeat_n(false, off));
    }
    v.truncate(len);
    for x in v.iter_mut().skip(stall_at).take(stall) {
        *x = false;
    }
    v
}

/// The bench jobs of `cases`: the first `burst` offered at cycle 0 (back to back), each later
/// one `gap(rng)` cycles after the one before; tag = random high byte, index low byte.
fn jobs_of(
    rng: &mut ChaCha8Rng,
    cases: &[Case],
    burst: usize,
    gap: fn(&mut ChaCha8Rng) -> u64,
) -> Vec<CoreTbJob> {
    let mut t = 0u64;
    cases
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if i >= burst {
                t += gap(rng);
            }
            CoreTbJob {
                job: c.job.clone(),
                tag: (rng.gen::<u16>() & 0xff00) | i as u16,
                arrival: t,
            }
        })
        .collect()
}

/// Every verdict carries its job's tag and the k256 reference's code.
fn assert_codes(seed: u64, rtl: &CoreOutcome, cases: &[Case], jobs: &[CoreTbJob]) {
    for (i, (v, c)) in rtl.verdicts.iter().zip(cases).enumerate() {
        assert_eq!(
            v.code, c.want,
            "SATCHAIN_SEED={seed} job {i} ({}): RTL/ISS code {} vs k256 {}",
            c.what, v.code, c.want
        );
        assert_eq!(v.tag, jobs[i].tag, "SATCHAIN_SEED={seed} job {i}");
    }
}

#[test]
fn vcore_verify_core_random_batches() {
    let seed = verif::vcore::seed();
    let n = verif::vcore::cases(32);
    println!("seed {seed} (replay with SATCHAIN_SEED={seed}), {n} jobs");
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x7E1F_C0DE);
    let img = CoreImage::secp256k1().unwrap();
    let cases: Vec<Case> = (0..n)
        .map(|_| match rng.gen_range(0..8) {
            0..=3 => ecdsa_case(&mut rng),
            4 | 5 => schnorr_case(&mut rng),
            _ => early_case(&mut rng),
        })
        .collect();
    // Back to back for the first third (the ScalarUnit and the ReadyQueue full), then random
    // gaps.
    let jobs = jobs_of(&mut rng, &cases, n / 3 + 1, |rng| {
        if rng.gen_bool(0.5) {
            0
        } else {
            rng.gen_range(1..4_000)
        }
    });
    let ready = pattern(&mut rng, 400_000, 20_000, 30_000);
    let start = std::time::Instant::now();
    let rtl = check("vcore_verify_core_random", seed, img, 1, &jobs, &ready);
    let wall = start.elapsed();
    assert_codes(seed, &rtl, &cases, &jobs);
    let mut by = std::collections::BTreeMap::<(&str, u8), usize>::new();
    for (v, c) in rtl.verdicts.iter().zip(&cases) {
        *by.entry((c.what, v.code)).or_default() += 1;
    }
    let codes: std::collections::BTreeSet<u8> = rtl.verdicts.iter().map(|v| v.code).collect();
    assert!(
        [0, 1, 2, 3].iter().all(|c| codes.contains(c)),
        "SATCHAIN_SEED={seed}: codes {codes:?} (the batch should hold valid, invalid and early)"
    );
    let stalled = rtl
        .verdicts
        .iter()
        .filter(|v| v.left > v.accept + u64::from(VERDICT_DELAY) + v.cycles + 2_000)
        .count();
    let valid: Vec<u64> = rtl
        .verdicts
        .iter()
        .zip(&cases)
        .filter(|(v, c)| v.code == 0 && c.job.kind as usize == 0)
        .map(|(v, _)| v.cycles)
        .collect();
    println!(
        "{} jobs, {} cycles, RTL == ISS (accept, verdict, leave cycle) == k256; {} verdicts held \
         by back-pressure > 2,000 cycles; max jobs inside {}; RTL run {:.1} s; {by:?}",
        jobs.len(),
        rtl.cycles,
        stalled,
        rtl.max_inside,
        wall.as_secs_f64()
    );
    if !valid.is_empty() {
        println!(
            "valid ECDSA: {} jobs, mean {:.0} thread cycles per verify",
            valid.len(),
            valid.iter().sum::<u64>() as f64 / valid.len() as f64
        );
    }
}

#[test]
fn vcore_verify_core_admission_cap() {
    let seed = verif::vcore::seed();
    println!("seed {seed} (replay with SATCHAIN_SEED={seed})");
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0xCA9);
    let img = CoreImage::secp256k1().unwrap();
    // Two real jobs first (they hold a thread), then more early results than the cap.
    let mut cases: Vec<Case> = vec![ecdsa_case(&mut rng), schnorr_case(&mut rng)];
    cases.extend((0..INSIDE_CAP + 16).map(|_| early_case(&mut rng)));
    let jobs: Vec<CoreTbJob> = cases
        .iter()
        .enumerate()
        .map(|(i, c)| CoreTbJob {
            job: c.job.clone(),
            tag: 0x4000 | i as u16,
            arrival: 0,
        })
        .collect();
    // Verdicts not taken for the first 2,000 cycles, then taken every other cycle.
    let ready: Vec<bool> = (0..200_000).map(|t| t >= 2_000 && t % 2 == 0).collect();
    let rtl = check("vcore_verify_core_cap", seed, img, 1, &jobs, &ready);
    for (i, (v, c)) in rtl.verdicts.iter().zip(&cases).enumerate() {
        assert_eq!(v.code, c.want, "job {i} ({})", c.what);
    }
    assert_eq!(
        rtl.max_inside, INSIDE_CAP as u64,
        "the cap should have been reached"
    );
    let late = rtl.verdicts.iter().filter(|v| v.accept >= 2_000).count();
    assert!(late > 0, "some jobs should have waited for the cap");
    println!(
        "{} jobs, {} cycles: cap {} reached, {late} jobs accepted only after the stall; \
         RTL == ISS",
        jobs.len(),
        rtl.cycles,
        INSIDE_CAP
    );
}

#[test]
fn vcore_verify_core_two_clusters() {
    let seed = verif::vcore::seed();
    // More real jobs at once than one cluster's threads, so the second cluster must take some.
    let threads = satchain_hdl::vcore::params::THREADS;
    let n = verif::vcore::cases(32).max(threads + 8);
    println!("seed {seed} (replay with SATCHAIN_SEED={seed}), {n} jobs on 2 clusters");
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x2C1F_57E2);
    let img = CoreImage::secp256k1().unwrap();
    let cases: Vec<Case> = (0..n)
        .map(|i| match (i < threads + 4, rng.gen_range(0..8)) {
            // The burst: real work only (ECDSA and BIP340, valid and invalid).
            (true, 0..=4) | (false, 0..=3) => ecdsa_case(&mut rng),
            (true, _) | (false, 4 | 5) => schnorr_case(&mut rng),
            (false, _) => early_case(&mut rng),
        })
        .collect();
    let jobs = jobs_of(&mut rng, &cases, threads + 4, |rng| rng.gen_range(0..3_000));
    let ready = pattern(&mut rng, 400_000, 30_000, 20_000);
    let start = std::time::Instant::now();
    let rtl = check("vcore_verify_core_two", seed, img, 2, &jobs, &ready);
    let wall = start.elapsed();
    assert_codes(seed, &rtl, &cases, &jobs);
    let mut per_source = [0usize; 3];
    for &src in &rtl.sources {
        per_source[src] += 1;
    }
    assert!(
        per_source[1] > 0 && per_source[2] > 0,
        "SATCHAIN_SEED={seed}: both clusters should have run jobs (early, cluster 0, cluster 1: \
         {per_source:?})"
    );
    println!(
        "{} jobs, {} cycles on 2 clusters, RTL == ISS == k256; verdicts from the ScalarUnit / \
         cluster 0 / cluster 1: {per_source:?}; max jobs inside {}; RTL run {:.1} s",
        jobs.len(),
        rtl.cycles,
        rtl.max_inside,
        wall.as_secs_f64()
    );
}
