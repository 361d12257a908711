//! `satchain bench [--backend sw|sim|fpga] [--json] [FILE]`: one workload set on any backend.
//!
//! Workloads (ids `<alg>/<backend>/<size>`, as the criterion benches name them):
//! - `sha256`: SHA-256 of many messages, MB/s;
//! - `sha256d_header`: SHA-256d of 80-byte headers, headers/s;
//! - `merkle_root`: the merkle tree of a block from its txids, nodes/s and the time per block;
//! - `ecdsa_verify`: random valid signatures, verifies/s;
//! - `validate_block`: full validation of the demo block (or FILE), blocks/s and ms per block.
//!
//! Time base: on `sw` and `fpga` the wall clock of this process; on `sim` the simulated device
//! cycles (`Backend::stats().device_cycles`) projected at `Backend::projected_clock_mhz()` —
//! the wall time of the simulation is printed too, but it is not the hardware's speed.
//! Every result of a non-software backend is compared with the software backend; a mismatch
//! is an error, not a number.

use std::io::Write;
use std::time::Instant;

use clap::Args;
use crypto_core::merkle::merkle_root;
use crypto_core::{validate_block, Backend, Block, Chain, HashJob, ValidateOptions};
use fallback_sw::demo::{build_demo_block, split_inputs, DEFAULT_INPUTS, DEFAULT_SEED};
use fallback_sw::SoftwareBackend;
use serde_json::{json, Value};

use crate::backend_select::BackendArgs;
use crate::choices::ChainArg;
use crate::cmd_validate::REGTEST_POW_LIMIT;
use crate::error::{CliError, EXIT_OK};
use crate::input::read_block;

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Block to validate (raw bytes or a hex dump); default: the demo block.
    pub file: Option<String>,
    /// Chain of FILE.
    #[arg(long, value_enum, default_value_t = ChainArg::Bitcoin, ignore_case = true)]
    pub chain: ChainArg,
    /// One JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub backend: BackendArgs,
    /// Total bytes of the SHA-256 workload (default: 32 MiB; 64 KiB on sim).
    #[arg(long)]
    pub sha_bytes: Option<u64>,
    /// Headers of the SHA-256d workload (default: 100,000; 256 on sim).
    #[arg(long)]
    pub headers: Option<u64>,
    /// Signatures of the verify workload (default: 4,000; 16 on sim).
    #[arg(long)]
    pub verifies: Option<u64>,
    /// Signed inputs of the demo block (default: 2,400; 48 on sim).
    #[arg(long)]
    pub demo_inputs: Option<u64>,
    /// Timed runs of each workload; the median is reported with the fastest and slowest
    /// (default: 5; 1 on sim, whose simulated cycles do not vary from run to run).
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=1000))]
    pub runs: Option<u16>,
    /// Seed of the generated data (messages, keys, demo block).
    #[arg(long, default_value_t = DEFAULT_SEED)]
    pub seed: u64,
}

/// Workload sizes.
#[derive(Debug, Clone, Copy)]
struct Sizes {
    sha_bytes: u64,
    sha_msg: u64,
    headers: u64,
    verifies: u64,
    demo_inputs: u64,
}

impl Sizes {
    fn for_backend(name: &str, a: &BenchArgs) -> Sizes {
        let sim = name == "sim";
        let d = if sim {
            Sizes {
                sha_bytes: 64 << 10,
                sha_msg: 4 << 10,
                headers: 256,
                verifies: 16,
                demo_inputs: 48,
            }
        } else {
            Sizes {
                sha_bytes: 32 << 20,
                sha_msg: 64 << 10,
                headers: 100_000,
                verifies: 4_000,
                demo_inputs: DEFAULT_INPUTS as u64,
            }
        };
        Sizes {
            sha_bytes: a.sha_bytes.unwrap_or(d.sha_bytes),
            sha_msg: d.sha_msg.min(a.sha_bytes.unwrap_or(d.sha_bytes)).max(1),
            headers: a.headers.unwrap_or(d.headers),
            verifies: a.verifies.unwrap_or(d.verifies),
            demo_inputs: a.demo_inputs.unwrap_or(d.demo_inputs),
        }
    }
}

/// One measured workload.
#[derive(Debug, Clone)]
struct Measured {
    id: String,
    workload: &'static str,
    jobs: u64,
    bytes: u64,
    wall_s: f64,
    device_cycles: Option<u64>,
    /// Seconds on the device: wall (sw/fpga) or projected from cycles (sim).
    time_s: f64,
    rate: f64,
    unit: &'static str,
    note: String,
}

struct Ctx<'a> {
    backend: &'a dyn Backend,
    name: &'static str,
    /// Projection clock for `sim` (device cycles -> seconds).
    clock_mhz: Option<f64>,
    reference: Option<SoftwareBackend>,
    /// Timed runs per workload (the median is reported, with the spread).
    runs: usize,
    /// (fastest, slowest) time of the last `timed` call, seconds.
    spread: std::cell::Cell<(f64, f64)>,
}

impl Ctx<'_> {
    fn cycles(&self) -> u64 {
        self.backend.stats().device_cycles
    }

    /// Runs `f` `self.runs` times, measuring wall time and device cycles of each run; returns
    /// the last run's result and the median run's (wall s, cycles, time s), and leaves the
    /// fastest and slowest time in `self.spread`.
    fn timed<T>(
        &self,
        f: impl Fn() -> Result<T, CliError>,
    ) -> Result<(T, f64, Option<u64>, f64), CliError> {
        let mut samples: Vec<(f64, f64, Option<u64>)> = Vec::with_capacity(self.runs);
        let mut last = None;
        for _ in 0..self.runs.max(1) {
            let c0 = self.cycles();
            let t = Instant::now();
            let r = f()?;
            let wall = t.elapsed().as_secs_f64();
            let c1 = self.cycles();
            last = Some(r);
            match self.clock_mhz {
                Some(mhz) => {
                    let cyc = c1.saturating_sub(c0);
                    if cyc == 0 {
                        return Err(CliError::BackendUnavailable(format!(
                            "backend '{}' reported no device cycles for a workload: cannot project its time",
                            self.name
                        )));
                    }
                    #[allow(clippy::cast_precision_loss)]
                    let secs = cyc as f64 / (mhz * 1e6);
                    samples.push((secs, wall, Some(cyc)));
                }
                None => samples.push((wall, wall, None)),
            }
        }
        samples.sort_by(|a, b| a.0.total_cmp(&b.0));
        let (secs, wall, cyc) = samples[samples.len() / 2];
        self.spread
            .set((samples[0].0, samples[samples.len() - 1].0));
        let r = last.ok_or_else(|| CliError::Usage("--runs must be at least 1".into()))?;
        Ok((r, wall, cyc, secs))
    }
}

/// Seconds as whole microseconds (the JSON convention, `crate::json`).
fn us(secs: f64) -> u64 {
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let v = (secs * 1e6).round().max(0.0) as u64;
    v
}

fn backend_err(what: &str) -> impl Fn(crypto_core::BackendError) -> CliError + '_ {
    move |e| CliError::BackendUnavailable(format!("{what}: {e}"))
}

pub fn run(args: &BenchArgs) -> Result<u8, CliError> {
    let backend = args.backend.make()?;
    let name = backend.name();
    let sizes = Sizes::for_backend(name, args);
    // Projection only where the time base is simulated cycles.
    let clock_mhz = if name == "sim" {
        Some(backend.projected_clock_mhz().ok_or_else(|| {
            CliError::BackendUnavailable("backend 'sim' gives no projection clock".into())
        })?)
    } else {
        None
    };
    let ctx = Ctx {
        backend: backend.as_ref(),
        name,
        clock_mhz,
        reference: (name != "sw").then(SoftwareBackend::single_thread),
        runs: usize::from(args.runs.unwrap_or(if name == "sim" { 1 } else { 5 })),
        spread: std::cell::Cell::new((0.0, 0.0)),
    };

    // The block: FILE or the demo block (built before any timing).
    let chain = Chain::from(args.chain);
    let (block, block_source, demo) = match &args.file {
        Some(f) => (read_block(f, chain)?, f.clone(), false),
        None => {
            let total = usize::try_from(sizes.demo_inputs)
                .map_err(|_| CliError::Usage("--demo-inputs too large".into()))?;
            let (p, m) = split_inputs(total.max(1));
            (
                build_demo_block(args.seed, p, m),
                format!("demo block (seed {}, {} inputs)", args.seed, total.max(1)),
                true,
            )
        }
    };

    let mut results = Vec::new();
    // (fastest, slowest) seconds of each workload's runs, beside `results`.
    let mut spreads = Vec::new();
    let runs = ctx.runs;
    eprintln!("bench: backend {name}: sha256 ({runs} runs) ...");
    results.push(bench_sha256(&ctx, &sizes, args.seed)?);
    spreads.push(ctx.spread.get());
    eprintln!("bench: backend {name}: sha256d headers ...");
    results.push(bench_headers(&ctx, &sizes)?);
    spreads.push(ctx.spread.get());
    eprintln!("bench: backend {name}: merkle root ...");
    results.push(bench_merkle(&ctx, &block, chain, &block_source)?);
    spreads.push(ctx.spread.get());
    eprintln!("bench: backend {name}: ecdsa verify ...");
    results.push(bench_verify(&ctx, &sizes, args.seed)?);
    spreads.push(ctx.spread.get());
    eprintln!("bench: backend {name}: validate block ...");
    results.push(bench_validate(&ctx, &block, chain, demo, &block_source)?);
    spreads.push(ctx.spread.get());

    let stats = backend.stats();
    let basis = match clock_mhz {
        Some(mhz) => format!(
            "simulated device cycles projected at {} MHz (the simulation's own wall time is listed apart)",
            crate::json::round3(mhz)
        ),
        None => "wall time of this process".to_string(),
    };
    let out_v = json!({
        "backend": name,
        "time_basis": basis,
        "clock_mhz": clock_mhz,
        "block": block_source,
        "runs": runs,
        "workloads": results.iter().zip(&spreads).map(|(m, (lo, hi))| json!({
            "id": m.id,
            "workload": m.workload,
            "jobs": m.jobs,
            "bytes": m.bytes,
            "time_us": us(m.time_s),
            "time_us_min": us(*lo),
            "time_us_max": us(*hi),
            "runs": runs,
            "rate": m.rate,
            "unit": m.unit,
            "device_cycles": m.device_cycles,
            "wall_us": us(m.wall_s),
            "note": m.note,
        })).collect::<Vec<Value>>(),
        "backend_stats": {
            "hash_jobs": stats.hash_jobs,
            "verify_jobs": stats.verify_jobs,
            "device_cycles": stats.device_cycles,
            "faults": crate::json::faults(&stats),
            "fallback_jobs": stats.fallback_jobs,
            "spot_checked_jobs": stats.spot_checked_jobs,
        },
    });
    let mut out = std::io::stdout().lock();
    let werr = |e| CliError::io("writing stdout", e);
    if args.json {
        writeln!(out, "{out_v}").map_err(werr)?;
    } else {
        writeln!(
            out,
            "satchain bench, backend {name}; time base: {basis}; median of {runs} runs (spread min..max)"
        )
        .map_err(werr)?;
        for (m, (lo, hi)) in results.iter().zip(&spreads) {
            let cyc = m
                .device_cycles
                .map(|c| format!("  {c} cycles"))
                .unwrap_or_default();
            writeln!(
                out,
                "  {:<32} {:>14.2} {:<10} ({} jobs, {:.4} s [{:.4}..{:.4}]{cyc}; wall {:.3} s) {}",
                m.id, m.rate, m.unit, m.jobs, m.time_s, lo, hi, m.wall_s, m.note
            )
            .map_err(werr)?;
        }
        if stats.fallback_jobs > 0 || !stats.faults.is_empty() {
            writeln!(
                out,
                "  faults {:?}, {} jobs recomputed in software",
                stats.faults, stats.fallback_jobs
            )
            .map_err(werr)?;
        }
    }
    Ok(EXIT_OK)
}

fn rate(q: f64, secs: f64) -> f64 {
    if secs > 0.0 {
        q / secs
    } else {
        f64::INFINITY
    }
}

/// Deterministic message bytes (xorshift) so every backend hashes the same data.
fn fill(buf: &mut [u8], mut x: u64) {
    for b in buf.iter_mut() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        *b = (x >> 24) as u8;
    }
}

fn check_hashes(
    ctx: &Ctx<'_>,
    jobs: &[HashJob],
    got: &[[u8; 32]],
    what: &str,
) -> Result<(), CliError> {
    if let Some(sw) = &ctx.reference {
        let want = sw
            .hash_batch(jobs)
            .map_err(backend_err("software reference"))?;
        if want != got {
            return Err(CliError::BackendUnavailable(format!(
                "{what}: backend '{}' disagrees with the software backend",
                ctx.name
            )));
        }
    }
    Ok(())
}

fn bench_sha256(ctx: &Ctx<'_>, s: &Sizes, seed: u64) -> Result<Measured, CliError> {
    let n = s.sha_bytes.div_ceil(s.sha_msg).max(1);
    let jobs: Vec<HashJob> = (0..n)
        .map(|i| {
            let len = usize::try_from(s.sha_msg).unwrap_or(usize::MAX);
            let mut m = vec![0u8; len];
            fill(&mut m, seed ^ (i + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15));
            HashJob::sha256(m)
        })
        .collect();
    let bytes: u64 = jobs.iter().map(|j| j.data.len() as u64).sum();
    let (got, wall, cyc, secs) =
        ctx.timed(|| ctx.backend.hash_batch(&jobs).map_err(backend_err("sha256")))?;
    check_hashes(ctx, &jobs, &got, "sha256")?;
    #[allow(clippy::cast_precision_loss)]
    let mbs = rate(bytes as f64 / 1e6, secs);
    Ok(Measured {
        id: format!("sha256/{}/{}", ctx.name, s.sha_msg),
        workload: "sha256",
        jobs: n,
        bytes,
        wall_s: wall,
        device_cycles: cyc,
        time_s: secs,
        rate: mbs,
        unit: "MB/s",
        note: format!("{n} messages of {} bytes", s.sha_msg),
    })
}

fn bench_headers(ctx: &Ctx<'_>, s: &Sizes) -> Result<Measured, CliError> {
    let jobs: Vec<HashJob> = (0..s.headers)
        .map(|i| {
            let mut h = [0u8; 80];
            fill(&mut h, i.wrapping_mul(0x2545_f491_4f6c_dd1d) | 1);
            HashJob::header80(&h)
        })
        .collect();
    let (got, wall, cyc, secs) = ctx.timed(|| {
        ctx.backend
            .hash_batch(&jobs)
            .map_err(backend_err("sha256d headers"))
    })?;
    check_hashes(ctx, &jobs, &got, "sha256d headers")?;
    #[allow(clippy::cast_precision_loss)]
    let hps = rate(s.headers as f64, secs);
    Ok(Measured {
        id: format!("sha256d_header/{}/80", ctx.name),
        workload: "sha256d_header",
        jobs: s.headers,
        bytes: s.headers * 80,
        wall_s: wall,
        device_cycles: cyc,
        time_s: secs,
        rate: hps,
        unit: "headers/s",
        note: String::new(),
    })
}

fn bench_merkle(
    ctx: &Ctx<'_>,
    block: &[u8],
    chain: Chain,
    source: &str,
) -> Result<Measured, CliError> {
    let parsed = Block::parse(block, chain)
        .map_err(|e| CliError::Usage(format!("{source}: not a {chain:?} block: {e:?}")))?;
    // txids in software (not timed): the workload is the tree.
    let sw = SoftwareBackend::single_thread();
    let txjobs: Vec<HashJob> = parsed
        .txs
        .iter()
        .map(|t| HashJob::sha256d(t.serialize(false)))
        .collect();
    let leaves = sw.hash_batch(&txjobs).map_err(backend_err("txids"))?;
    let (root, wall, cyc, secs) =
        ctx.timed(|| merkle_root(&leaves, ctx.backend).map_err(backend_err("merkle root")))?;
    let want = merkle_root(&leaves, &sw).map_err(backend_err("software merkle root"))?;
    if root != want {
        return Err(CliError::BackendUnavailable(format!(
            "merkle root: backend '{}' disagrees with the software backend",
            ctx.name
        )));
    }
    // Nodes: sum over levels of ceil(len/2).
    let mut nodes = 0u64;
    let mut len = leaves.len() as u64;
    while len > 1 {
        len = len.div_ceil(2);
        nodes += len;
    }
    #[allow(clippy::cast_precision_loss)]
    let nps = rate(nodes as f64, secs);
    Ok(Measured {
        id: format!("merkle_root/{}/{}", ctx.name, leaves.len()),
        workload: "merkle_root",
        jobs: nodes,
        bytes: nodes * 64,
        wall_s: wall,
        device_cycles: cyc,
        time_s: secs,
        rate: nps,
        unit: "nodes/s",
        note: format!("{} txids, {:.3} ms per tree", leaves.len(), secs * 1e3),
    })
}

fn bench_verify(ctx: &Ctx<'_>, s: &Sizes, seed: u64) -> Result<Measured, CliError> {
    let n =
        usize::try_from(s.verifies).map_err(|_| CliError::Usage("--verifies too large".into()))?;
    let jobs = testkit::jobs::random_valid_jobs(n, seed);
    let (verdicts, wall, cyc, secs) = ctx.timed(|| {
        ctx.backend
            .verify_batch(&jobs)
            .map_err(backend_err("ecdsa verify"))
    })?;
    if let Some(i) = verdicts.iter().position(|v| !v.is_valid()) {
        return Err(CliError::BackendUnavailable(format!(
            "ecdsa verify: backend '{}' rejected valid signature {i}: {:?}",
            ctx.name, verdicts[i]
        )));
    }
    if verdicts.len() != jobs.len() {
        return Err(CliError::BackendUnavailable(format!(
            "ecdsa verify: {} verdicts for {} jobs",
            verdicts.len(),
            jobs.len()
        )));
    }
    #[allow(clippy::cast_precision_loss)]
    let vps = rate(n as f64, secs);
    Ok(Measured {
        id: format!("ecdsa_verify/{}/{n}", ctx.name),
        workload: "ecdsa_verify",
        jobs: s.verifies,
        bytes: 0,
        wall_s: wall,
        device_cycles: cyc,
        time_s: secs,
        rate: vps,
        unit: "verifies/s",
        note: "random valid signatures, compressed and uncompressed keys".into(),
    })
}

fn bench_validate(
    ctx: &Ctx<'_>,
    block: &[u8],
    chain: Chain,
    demo: bool,
    source: &str,
) -> Result<Measured, CliError> {
    let mut opts = ValidateOptions::new(chain);
    if demo {
        opts.pow_limit = Some(REGTEST_POW_LIMIT);
    }
    let (report, wall, cyc, secs) = ctx.timed(|| Ok(validate_block(block, &opts, ctx.backend)))?;
    if ctx.reference.is_some() {
        let sw = SoftwareBackend::single_thread();
        let want = validate_block(block, &opts, &sw);
        if want.valid != report.valid
            || want.signatures.valid != report.signatures.valid
            || want.error != report.error
        {
            return Err(CliError::BackendUnavailable(format!(
                "validate {source}: backend '{}' verdict differs from the software backend",
                ctx.name
            )));
        }
    }
    let verdict = if report.valid {
        "valid".to_string()
    } else {
        format!("INVALID: {}", report.error.clone().unwrap_or_default())
    };
    Ok(Measured {
        id: format!("validate_block/{}/{}", ctx.name, block.len()),
        workload: "validate_block",
        jobs: report.signatures.checked,
        bytes: block.len() as u64,
        wall_s: wall,
        device_cycles: cyc,
        time_s: secs,
        rate: rate(1.0, secs),
        unit: "blocks/s",
        note: format!(
            "{source}: {verdict}, {} signatures checked, {:.2} ms per block",
            report.signatures.checked,
            secs * 1e3
        ),
    })
}
