//! The cluster RTL running the real secp256k1 program (`vcore::program`, ECDSA and BIP340 entries) on random batches with many
//! jobs in flight: RTL == ISS in every register/flag write, handshake, result code and cycle
//! count, and every code == the k256 reference (ECDSA: `fallback_sw::verify_one`; BIP340:
//! `k256::schnorr`'s `verify_raw`, with the ARCH code order r, s, key, equation).
//!
//! Two tests, one per bench (`verif::vcore::cluster::Bench`): `vcore_cluster_core_real_programs`
//! on the product `ClusterCore` (real FieldMul and Recoder) and `vcore_cluster_real_programs` on
//! the verification-only stand-in bench (the same jobs; it localises a failure to the
//! FieldMul/Recoder integration or to the cluster).
//!
//! Jobs reach the cluster as the ScalarUnit golden model hands them on (`su::model::run`:
//! words S0..S2, then Qx, Qy, prefix); early results (BAD_R / BAD_S) never reach a thread and
//! are not generated here (the ISS tests cover them). `SATCHAIN_SEED` changes the seed,
//! `SATCHAIN_PROPTEST_CASES` the number of jobs per kind; a failure prints the seed and
//! writes a VCD under `target/vcd/`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may panic
#![allow(clippy::cast_possible_truncation)]

#[path = "vcore_common/cases.rs"]
mod cases;

use cases::{ecdsa_case, schnorr_case, Case};
use num_bigint::BigUint;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use satchain_hdl::vcore::iss::machine::CoreImage;
use satchain_hdl::vcore::su::model::{self as su, SuJob, SuOutcome};
use verif::vcore::cluster::{first_difference, run_iss, Bench, ClusterSim, TbJob};

/// The job words as the ScalarUnit hands them to a cluster.
fn tb_job(img: &CoreImage, c: &Case, tag: u16, arrival: u64) -> TbJob {
    let j = &c.job;
    let run = su::run(
        &img.su,
        &SuJob {
            kind: j.kind,
            z: j.z.clone(),
            r: j.r.clone(),
            s: j.s.clone(),
        },
    )
    .unwrap();
    let SuOutcome::Ready(w) = run.outcome else {
        panic!("{}: early result {:?}", c.what, run.outcome)
    };
    let [w0, w1, w2] = w;
    TbJob {
        kind: j.kind as usize,
        tag,
        words: [
            w0,
            w1,
            w2,
            j.qx.clone(),
            j.qy.clone(),
            BigUint::from(j.prefix),
        ],
        arrival,
    }
}

#[test]
fn vcore_cluster_core_real_programs() {
    real_programs(Bench::Core);
}

#[test]
fn vcore_cluster_real_programs() {
    real_programs(Bench::Standin);
}

fn real_programs(bench: Bench) {
    let seed = verif::vcore::seed();
    let per_kind = verif::vcore::cases(24);
    println!(
        "{bench:?} bench ({}): seed {seed} (replay with SATCHAIN_SEED={seed}), {per_kind} jobs per kind",
        bench.model()
    );
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0xEC_D5A0);
    let img = CoreImage::secp256k1().unwrap();
    let mut cases: Vec<Case> = (0..per_kind)
        .flat_map(|_| [ecdsa_case(&mut rng), schnorr_case(&mut rng)])
        .collect();
    // Random order and arrival: a burst (every thread busy, jobs queue), then stragglers.
    for i in (1..cases.len()).rev() {
        cases.swap(i, rng.gen_range(0..=i));
    }
    let mut t = 0u64;
    let jobs: Vec<TbJob> = cases
        .iter()
        .enumerate()
        .map(|(i, c)| {
            t += if i < 20 { 0 } else { rng.gen_range(0..3_000) };
            tb_job(img, c, 0x8000 | i as u16, t)
        })
        .collect();
    let k = img.desc.k_image();
    let words = &img.program.words;
    let entries = img.machine.entries;
    let iss = run_iss(&img.machine, &jobs, 1 << 28).unwrap();
    let mut sim = ClusterSim::open(bench, None, words, &k, entries).unwrap();
    let limit = iss.cycles + 10_000;
    let rtl = sim.run(&jobs, limit);
    let diff = match &rtl {
        Ok(rtl) => first_difference(&iss, rtl),
        Err(e) => Some(e.clone()),
    };
    if let Some(d) = diff {
        let vcd = verif::sim::vcd_path(&format!("vcore_cluster_programs-{}-{seed}", bench.model()));
        let mut s = ClusterSim::open(bench, Some(&vcd), words, &k, entries).unwrap();
        let _ = s.run(&jobs, limit);
        s.flush_vcd();
        panic!("{bench:?} SATCHAIN_SEED={seed}: {d}\nVCD {}", vcd.display());
    }
    let rtl = rtl.unwrap();
    let mut by = std::collections::BTreeMap::<(&str, u8), usize>::new();
    for r in &rtl.results {
        let c = &cases[r.job];
        assert_eq!(
            r.code, c.want,
            "{bench:?} SATCHAIN_SEED={seed} job {} ({}): RTL/ISS code {} vs k256 {}",
            r.job, c.what, r.code, c.want
        );
        *by.entry((c.what, r.code)).or_default() += 1;
    }
    let codes: std::collections::BTreeSet<u8> = rtl.results.iter().map(|r| r.code).collect();
    assert!(codes.contains(&0) && codes.contains(&1), "codes {codes:?}");
    println!(
        "{} jobs, {} writes, {} cycles: RTL == ISS == k256; {by:?}",
        jobs.len(),
        rtl.writes.len(),
        rtl.cycles
    );
    print_figures(&rtl, &cases);
}

/// Throughput figures of this run, measured on the RTL outcome (equal to the ISS's): thread
/// cycles per verify by kind, and the FieldMul busy fraction (P-bank writes per cycle; only
/// M-class ops write P) over the cycles in which every thread held a job.
fn print_figures(rtl: &verif::vcore::cluster::Outcome, cases: &[Case]) {
    use satchain_hdl::vcore::params::THREADS;
    use verif::vcore::cluster::WriteEv;
    for (kind, name) in [(0usize, "ECDSA"), (1, "BIP340")] {
        let c: Vec<u64> = rtl
            .results
            .iter()
            .filter(|r| cases[r.job].job.kind as usize == kind && r.code == 0)
            .map(|r| r.cycles)
            .collect();
        if !c.is_empty() {
            let mean = c.iter().sum::<u64>() as f64 / c.len() as f64;
            println!(
                "{name}: {} valid verifies, {mean:.0} thread cycles per verify (min {}, max {})",
                c.len(),
                c.iter().min().unwrap(),
                c.iter().max().unwrap()
            );
        }
    }
    // in-flight count over time: +1 at a handshake, -1 at a HALT select
    let mut ev: Vec<(u64, i64)> = rtl.handshakes.iter().map(|&t| (t, 1)).collect();
    ev.extend(rtl.results.iter().map(|r| (r.halt_cycle, -1)));
    ev.sort();
    let (mut n, mut from, mut full) = (0i64, 0u64, Vec::new());
    for (t, d) in ev {
        let was_full = n >= THREADS as i64;
        n += d;
        if !was_full && n >= THREADS as i64 {
            from = t;
        } else if was_full && n < THREADS as i64 {
            full.push((from, t));
        }
    }
    let span: u64 = full.iter().map(|(a, b)| b - a).sum();
    let muls = rtl
        .writes
        .iter()
        .filter(|(c, _, w)| {
            matches!(w, WriteEv::Reg { bank: 0, .. }) && full.iter().any(|(a, b)| c >= a && c < b)
        })
        .count();
    if span > 0 {
        println!(
            "{THREADS} threads; all threads busy for {span} cycles: {muls} FieldMul results, \
             busy fraction {:.3}",
            muls as f64 / span as f64
        );
    }
}
