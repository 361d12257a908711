//! The exhaustive toy-curve test on the RTL (issue 11): the VerifyCore built with the toy
//! group order 13 (`vcore_verify_core_toy`: the same RTL as `vcore_verify_core`, only the
//! ScalarUnit's compiled-in modulus differs), loaded with the toy curve's program and K bank,
//! runs the job sets of `satchain_hdl::vcore::toy` — every key × message × nonce, every
//! (r, s) in [0, n+1]² per key, and the BIP340 equivalents, ~12,000 jobs — and every job's
//! accept cycle, verdict (tag, code, cycles) and leave cycle equal the ISS's, and every code
//! equals the affine reference of the toy group.
//!
//! - Default (CI): a slice of `verif::vcore::cases(384)` jobs, every k-th job of the whole set
//!   from an offset derived from the seed (`SATCHAIN_SEED`, printed), so another seed runs
//!   another slice; the test asserts the slice went through the special paths (doubling inside
//!   an addition, P + (−P), R = infinity, decompression, BIP340 parity).
//! - `SATCHAIN_TOY_RTL=all`: every job. (`scripts/soak.sh`'s suite `vcore-toy-rtl` runs
//!   other seeds' slices, about 16 times larger.)
//!
//! Jobs go in chunks of 128, back to back, verdict port always ready (back-pressure and
//! gaps are `vcore_verify_core`'s subject); a chunk that differs writes a VCD of the cycles
//! before the first difference under `target/vcd/`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may panic
#![allow(clippy::cast_possible_truncation)]

#[path = "vcore_common/core_check.rs"]
mod core_check;

use core_check::check;
use satchain_hdl::vcore::iss::core::CoreJob;
use satchain_hdl::vcore::iss::machine::CoreImage;
use satchain_hdl::vcore::iss::Config;
use satchain_hdl::vcore::program::{labels, ProgramOptions};
use satchain_hdl::vcore::toy::{Toy, ToyCases};
use verif::vcore::verify_core::CoreTbJob;

const CHUNK: usize = 128;

/// Every toy job (ECDSA then BIP340) with its reference code.
fn all_cases(t: &Toy) -> ToyCases {
    let mut c = t.ecdsa_cases().unwrap();
    let s = t.schnorr_cases().unwrap();
    c.jobs.extend(s.jobs);
    c.want.extend(s.want);
    c
}

/// The indices this run covers: all, or every `stride`-th from a seeded offset.
fn selection(total: usize, seed: u64) -> (Vec<usize>, String) {
    if std::env::var("SATCHAIN_TOY_RTL").is_ok_and(|v| v.trim() == "all") {
        return (
            (0..total).collect(),
            "every job (SATCHAIN_TOY_RTL=all)".into(),
        );
    }
    let want = verif::vcore::cases(384).clamp(1, total);
    let stride = total.div_ceil(want);
    let offset = (seed % stride as u64) as usize;
    let idx: Vec<usize> = (offset..total).step_by(stride).collect();
    let what =
        format!("every {stride}th job from {offset} (SATCHAIN_TOY_RTL=all runs all {total})");
    (idx, what)
}

#[test]
fn vcore_verify_core_toy_exhaustive() {
    let seed = verif::vcore::seed();
    let t = Toy::new().unwrap();
    let img = CoreImage::new(&t.desc, &ProgramOptions::default()).unwrap();
    let cases = all_cases(&t);
    let (idx, what) = selection(cases.jobs.len(), seed);
    println!(
        "seed {seed} (replay with SATCHAIN_SEED={seed}): {} jobs, {what}",
        idx.len()
    );
    let chunks: Vec<&[usize]> = idx.chunks(CHUNK).collect();
    // Independent chunks on up to two threads (one Verilated model each).
    let workers = std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .min(2);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let start = std::time::Instant::now();
    let totals = std::sync::Mutex::new((0u64, std::collections::BTreeMap::<u8, usize>::new()));
    std::thread::scope(|sc| {
        for _ in 0..workers {
            sc.spawn(|| loop {
                let c = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(chunk) = chunks.get(c) else { break };
                let jobs: Vec<CoreTbJob> = chunk
                    .iter()
                    .map(|&i| CoreTbJob {
                        job: cases.jobs[i].clone(),
                        tag: i as u16,
                        arrival: 0,
                    })
                    .collect();
                let rtl = check(
                    &format!("vcore_verify_core_toy-c{c}"),
                    seed,
                    &img,
                    1,
                    &jobs,
                    &[],
                );
                let mut tot = totals.lock().unwrap();
                tot.0 += rtl.cycles;
                for (v, &i) in rtl.verdicts.iter().zip(chunk.iter()) {
                    assert_eq!(
                        v.code, cases.want[i],
                        "SATCHAIN_SEED={seed} toy job {i} {:?}: RTL/ISS code {} vs reference {}",
                        cases.jobs[i], v.code, cases.want[i]
                    );
                    assert_eq!(v.tag, i as u16, "SATCHAIN_SEED={seed} toy job {i}");
                    *tot.1.entry(v.code).or_default() += 1;
                }
            });
        }
    });
    let (cycles, by) = totals.into_inner().unwrap();
    let signed = idx.iter().filter(|&&i| i < cases.signed).count();
    println!(
        "{} toy jobs ({signed} validly signed ECDSA) in {} chunks, {cycles} simulated cycles: \
         RTL == ISS (accept, verdict, leave cycle) == reference; codes {by:?}; {:.1} s",
        idx.len(),
        chunks.len(),
        start.elapsed().as_secs_f64()
    );
    let sel: Vec<CoreJob> = idx.iter().map(|&i| cases.jobs[i].clone()).collect();
    let names = [
        labels::SPECIAL_DBL,
        labels::SPECIAL_INF,
        labels::R_INFINITY,
        labels::DECOMPRESS,
        labels::SCHNORR_PARITY,
    ];
    let iss = img
        .run(&Config::default(), &sel)
        .unwrap_or_else(|e| panic!("toy ISS: {e}"));
    for l in names {
        let k = img.jobs_visiting(&iss, l);
        println!("{l}: {k} of {} jobs", sel.len());
        assert!(k > 0, "SATCHAIN_SEED={seed}: no job of the slice ran {l}");
    }
}
