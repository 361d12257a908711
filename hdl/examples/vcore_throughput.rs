//! Throughput of the VerifyCore on the cycle-exact ISS: a batch of random valid ECDSA jobs
//! with block 413567's mix of compressed / uncompressed keys (counted from the block through
//! crypto-core's validator), over a sweep of THREADS x MUL_WB.
//!
//! ```text
//! cargo run -p satchain-hdl --release --example vcore_throughput -- \
//!     [--jobs 256] [--threads 8,16,24,32] [--mul-wb 24,32,40] [--fetch F] [--alu-wb A] \
//!     [--mhz 150] [--seed 1] [--schnorr]
//! ```
//! Prints, per configuration: total clocks, verifies/s at `--mhz` (and at 150 MHz), M-ops and
//! A-ops per verify, multiplier busy fraction (MUL issues / (clocks x clusters)), mean thread
//! cycles per verify. Figures are ISS measurements of the program in this commit; the clock
//! is an input, not a measurement.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cast_possible_truncation
)]

use crypto_core::{
    validate_block, Backend, BackendError, Chain, Digest32, HashJob, PubkeyBytes, ValidateOptions,
    Verdict, VerifyJob,
};
use k256::ecdsa::signature::hazmat::PrehashSigner;
use k256::ecdsa::{Signature, SigningKey};
use k256::elliptic_curve::sec1::ToEncodedPoint;
use rand::{Rng, SeedableRng};
use satchain_hdl::vcore::iss::core::CoreJob;
use satchain_hdl::vcore::iss::machine::CoreImage;
use satchain_hdl::vcore::iss::Config;
use std::sync::Mutex;

/// Records the verify jobs the validator sends and answers them in software.
#[derive(Default)]
struct Recorder {
    jobs: Mutex<Vec<VerifyJob>>,
}

impl Backend for Recorder {
    fn name(&self) -> &'static str {
        "recorder"
    }
    fn hash_batch(&self, jobs: &[HashJob]) -> Result<Vec<Digest32>, BackendError> {
        jobs.iter().map(fallback_sw::hash_one).collect()
    }
    fn verify_batch(&self, jobs: &[VerifyJob]) -> Result<Vec<Verdict>, BackendError> {
        self.jobs.lock().unwrap().extend_from_slice(jobs);
        Ok(jobs.iter().map(fallback_sw::verify_one).collect())
    }
}

/// (compressed, uncompressed) key counts of block 413567's verify jobs.
fn block_mix() -> (usize, usize) {
    let p = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/data/bitcoin-core/block413567.raw");
    let raw = std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    let rec = Recorder::default();
    let rep = validate_block(&raw, &ValidateOptions::new(Chain::Bitcoin), &rec);
    assert!(rep.valid, "block 413567: {:?}", rep.error);
    let jobs = rec.jobs.lock().unwrap();
    let c = jobs
        .iter()
        .filter(|j| matches!(j.pubkey, PubkeyBytes::Compressed(_)))
        .count();
    (c, jobs.len() - c)
}

fn arg_list(args: &[String], name: &str, default: &[u32]) -> Vec<u32> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(|v| v.split(',').map(|x| x.parse().unwrap()).collect())
        .unwrap_or_else(|| default.to_vec())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n = arg_list(&args, "--jobs", &[256])[0] as usize;
    let threads = arg_list(&args, "--threads", &[8, 16, 24, 32]);
    let mul_wbs = arg_list(&args, "--mul-wb", &[24, 32, 40]);
    let mhz = f64::from(arg_list(&args, "--mhz", &[150])[0]);
    let seed = u64::from(arg_list(&args, "--seed", &[1])[0]);
    let base = Config::default();
    let fetch = arg_list(&args, "--fetch", &[base.fetch])[0];
    let alu_wb = arg_list(&args, "--alu-wb", &[base.alu_wb])[0];

    let (comp, unc) = block_mix();
    let frac = comp as f64 / (comp + unc) as f64;
    println!(
        "block 413567: {} verify jobs, {comp} compressed keys, {unc} uncompressed ({:.1} % compressed)",
        comp + unc,
        100.0 * frac
    );
    let n_comp = (n as f64 * frac).round() as usize;
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let mut jobs = Vec::with_capacity(n);
    for i in 0..n {
        let sk = loop {
            let b: [u8; 32] = rng.gen();
            if let Ok(k) = SigningKey::from_bytes(&b.into()) {
                break k;
            }
        };
        let z: [u8; 32] = rng.gen();
        let sig: Signature = sk.sign_prehash(&z).unwrap();
        let b = sig.to_bytes();
        let (mut r, mut s) = ([0u8; 32], [0u8; 32]);
        r.copy_from_slice(&b[..32]);
        s.copy_from_slice(&b[32..]);
        // Spread the compressed keys evenly through the batch.
        let compressed = (i * n_comp) / n != ((i + 1) * n_comp) / n;
        let key = sk.verifying_key().as_affine().to_encoded_point(compressed);
        jobs.push(CoreJob::ecdsa(key.as_bytes(), &z, &r, &s).unwrap());
    }
    let img = CoreImage::secp256k1().unwrap();
    let prog = &img.program;
    println!(
        "program: {} words, fetch {fetch}, alu_wb {alu_wb}, {} jobs ({n_comp} compressed), clock {mhz} MHz",
        prog.words.len(),
        n
    );
    println!(
        "{:>7} {:>6} {:>10} {:>12} {:>12} {:>9} {:>9} {:>6} {:>11}",
        "threads",
        "mul_wb",
        "clocks",
        "ver/s@clk",
        "ver/s@150",
        "M/verify",
        "A/verify",
        "busy",
        "cyc/ver/thr"
    );
    for &t in &threads {
        for &wb in &mul_wbs {
            let cfg = Config {
                threads: t as usize,
                mul_wb: wb,
                fetch,
                alu_wb,
                ..base
            };
            let started = std::time::Instant::now();
            let run = img.run(&cfg, &jobs).unwrap_or_else(|e| panic!("ISS: {e}"));
            let wall = started.elapsed();
            assert!(
                run.results.iter().all(|r| r.code == 0),
                "a valid job failed"
            );
            let clocks = run.total_cycles as f64;
            let per = |f: fn(&satchain_hdl::vcore::iss::JobStats) -> u32| {
                run.results
                    .iter()
                    .map(|r| f64::from(r.stats.as_ref().map_or(0, f)))
                    .sum::<f64>()
                    / n as f64
            };
            let mul: u64 = run.ports.iter().map(|p| p.mul_issues).sum();
            let busy = mul as f64 / (clocks * cfg.clusters as f64);
            let cyc = run.results.iter().map(|r| r.cycles as f64).sum::<f64>() / n as f64;
            println!(
                "{:>7} {:>6} {:>10} {:>12.0} {:>12.0} {:>9.1} {:>9.1} {:>6.3} {:>11.0}   ({:.1} s)",
                t,
                wb,
                run.total_cycles,
                n as f64 / (clocks / (mhz * 1e6)),
                n as f64 / (clocks / 150e6),
                per(|s| s.m_ops),
                per(|s| s.a_ops),
                busy,
                cyc,
                wall.as_secs_f64()
            );
        }
    }
}
