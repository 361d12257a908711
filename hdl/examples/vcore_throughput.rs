//! Throughput of the VerifyCore on the cycle-exact ISS: a batch of random valid ECDSA jobs
//! with block 413567's mix of compressed / uncompressed keys (counted from the block through
//! crypto-core's validator), over a sweep of THREADS x MUL_WB.
//!
//! ```text
//! cargo run -p satchain-hdl --release --example vcore_throughput -- \
//!     [--jobs 256] [--threads 8,16,24,32] [--mul-wb 24,32,40] [--fetch F] [--alu-wb A] \
//!     [--mhz 150] [--seed 1] [--profile] [--schnorr] [--compressed PCT]
//! ```
//! `--schnorr`: the batch is random valid BIP340 signatures instead (32-byte messages).
//! `--profile`: also prints where a thread's cycles go (per program region, the cycles from
//! the previous select to each select: fetch, waits and arbitration), for the first
//! configuration.
//! Prints, per configuration: total clocks, verifies/s at `--mhz` (and at 150 MHz), M-ops and
//! A-ops per verify, multiplier busy fraction (MUL issues / (clocks x clusters)), mean thread
//! cycles per verify. Figures are ISS measurements of the program in this commit; the clock
//! is an input, not a measurement.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
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
    // --compressed PCT overrides the block's mix (e.g. 0 or 100 for the per-form budgets).
    let frac = args
        .iter()
        .position(|a| a == "--compressed")
        .and_then(|i| args.get(i + 1))
        .map_or(frac, |v| v.parse::<f64>().unwrap() / 100.0);
    let n_comp = (n as f64 * frac).round() as usize;
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let mut jobs = Vec::with_capacity(n);
    let schnorr = args.iter().any(|a| a == "--schnorr");
    for i in 0..n {
        if schnorr {
            jobs.push(schnorr_job(&mut rng));
            continue;
        }
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
        "program: {} words, fetch {fetch}, alu_wb {alu_wb}, {} {} jobs ({} compressed), clock {mhz} MHz",
        prog.words.len(),
        n,
        if schnorr { "BIP340" } else { "ECDSA" },
        if schnorr { 0 } else { n_comp }
    );
    print_registers(img);
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
    let profile = args.iter().any(|a| a == "--profile");
    for &t in &threads {
        for &wb in &mul_wbs {
            let cfg = Config {
                threads: t as usize,
                mul_wb: wb,
                fetch,
                alu_wb,
                profile,
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
            if profile {
                print_profile(prog, &run.profile, n);
                return;
            }
        }
    }
}

/// Thread cycles, M-ops and A-ops per verify by program region (a region starts at each of
/// these labels).
fn print_profile(prog: &satchain_hdl::vcore::asm::Program, prof: &[(u64, u64)], n: usize) {
    use satchain_hdl::vcore::isa::Class;
    let majors = [
        "entry_ecdsa",
        "decompress",
        "uncompressed",
        "key_ok",
        "entry_schnorr",
        "lift_even",
        "valid",
        "sqrt",
        "inverse",
        "ladder_call",
        "phase_a",
        "load_0",
        "phase_b_dbl",
        "phase_b",
        "add_0",
        "add_1",
        "add_2",
        "add_3",
    ];
    let mut starts: Vec<(u16, &str)> = majors
        .iter()
        .filter_map(|m| prog.label(m).map(|pc| (pc, *m)))
        .collect();
    starts.sort();
    // region -> (cycles, M-ops, A-ops, C-ops)
    let mut sums: Vec<(String, [u64; 4])> = Vec::new();
    for (pc, &(c, k)) in prof.iter().enumerate() {
        let region = starts
            .iter()
            .rev()
            .find(|(s, _)| usize::from(*s) <= pc)
            .map_or("start", |(_, m)| m);
        let class = prog.instrs[pc].op.class();
        let add = [
            c,
            if class == Class::M { k } else { 0 },
            if class == Class::A { k } else { 0 },
            if class == Class::C { k } else { 0 },
        ];
        match sums.iter_mut().find(|(r, _)| r == region) {
            Some(x) => (0..4).for_each(|i| x.1[i] += add[i]),
            None => sums.push((region.to_string(), add)),
        }
    }
    let total: u64 = sums.iter().map(|x| x.1[0]).sum();
    let nn = n as f64;
    println!("per verify, by program region (thread cycles: fetch + waits + arbitration):");
    println!(
        "  {:>14} {:>8} {:>6} {:>8} {:>8} {:>8}",
        "region", "cycles", "%", "M-ops", "A-ops", "C-ops"
    );
    for (r, v) in sums {
        println!(
            "  {r:>14} {:>8.0} {:>5.1}% {:>8.1} {:>8.1} {:>8.1}",
            v[0] as f64 / nn,
            100.0 * v[0] as f64 / total as f64,
            v[1] as f64 / nn,
            v[2] as f64 / nn,
            v[3] as f64 / nn
        );
    }
}

/// Registers the program names (an indexed operand reaches base .. base + table size − 1).
fn print_registers(img: &CoreImage) {
    use satchain_hdl::vcore::isa::{Bank, Operand};
    let nq = 1u8 << (img.desc.w_q - 2);
    let mut used = [[false; 32]; 2];
    let mut mark =
        |bank: Bank, n: u8| used[usize::from(bank == Bank::S)][usize::from(n.min(31))] = true;
    for i in &img.program.instrs {
        if let Some(d) = i.op.dest() {
            mark(d.bank, d.n);
        }
        for s in i.op.sources() {
            if let Operand::Reg(r) = s.base {
                let span = if s.indexed { nq } else { 1 };
                for k in 0..span {
                    mark(r.bank, r.n + k);
                }
            }
        }
    }
    let count = |b: usize| used[b].iter().filter(|&&x| x).count();
    println!(
        "registers named by the program: P {} of 32, S {} of 32 (per thread); ROM {} of {} words",
        count(0),
        count(1),
        img.program.words.len(),
        satchain_hdl::vcore::params::ROM_WORDS
    );
}

/// A random valid BIP340 job (k256's signer; e = tagged hash of r || P || m).
fn schnorr_job(rng: &mut rand_chacha::ChaCha8Rng) -> CoreJob {
    let sk = loop {
        if let Ok(k) = k256::schnorr::SigningKey::from_bytes(&rng.gen::<[u8; 32]>()) {
            break k;
        }
    };
    let msg: [u8; 32] = rng.gen();
    let sig = sk.sign_raw(&msg, &rng.gen()).unwrap().to_bytes();
    let px: [u8; 32] = sk.verifying_key().to_bytes().into();
    let th = fallback_sw::sha256(b"BIP0340/challenge");
    let mut d = th.to_vec();
    d.extend_from_slice(&th);
    d.extend_from_slice(&sig[..32]);
    d.extend_from_slice(&px);
    d.extend_from_slice(&msg);
    let e = fallback_sw::sha256(&d);
    CoreJob::schnorr(
        &px,
        &e,
        sig[..32].try_into().unwrap(),
        sig[32..].try_into().unwrap(),
    )
}
