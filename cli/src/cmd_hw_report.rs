//! `satchain hw-report [--json]`: the hardware report of issues 3, 4 and 5 in one object.
//!
//! Every number is measured here, now, or read from the synthesis report of the current RTL:
//! - `sha256`: the Verilated hash cluster (`verif::report::sha256_cycles`);
//! - `ecdsa`: a seeded batch of valid signatures with block 413567's key mix through the real
//!   driver's verify-job rings on the Verilated shipped top, and the same jobs on the core's
//!   ISS (`verif::report::ecdsa_ring_batch`);
//! - `schnorr`: a seeded batch of valid BIP340 signatures the same way
//!   (`verif::report::schnorr_ring_batch`);
//! - `driver`: register traffic per job counted on the simulated bus, through the real driver
//!   (`verif::bus::measure_driver_traffic` for hash jobs; the ECDSA batch for verifies);
//! - `resources`, `logic_depth`: yosys `synth_xilinx` via `bitstreams` (target/synth/
//!   resources.json when it matches the current RTL; otherwise the flow runs, cached per block).
//!
//! A part that cannot be measured is `null` and named in `missing` with the reason; no number
//! is ever filled in by hand.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use bitstreams::{FlowOptions, SynthReport, XC7Z030};
use clap::Args;
use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::error::{CliError, EXIT_OK};
use crate::hw_report_clock as clk;
use crate::json::round3;

#[derive(Debug, Args)]
pub struct HwReportArgs {
    /// One JSON object instead of text.
    #[arg(long)]
    pub json: bool,
    /// Random valid signatures in the ECDSA batch run through the driver on the Verilated top
    /// (the figure needs at least 256).
    #[arg(long, default_value_t = 256, value_parser = clap::value_parser!(u64).range(1..=65_536))]
    pub ecdsa_samples: u64,
    /// Random valid BIP340 signatures in the Schnorr batch, the same way (0: no Schnorr batch;
    /// the `schnorr` section is then null and named in `missing`).
    #[arg(long, default_value_t = 256, value_parser = clap::value_parser!(u64).range(0..=65_536))]
    pub schnorr_samples: u64,
    /// Seed of the signature sample.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Synthesis report to reuse when it matches the current RTL (read only; default:
    /// target/synth of the workspace found from the current directory, as
    /// `bash bitstreams/synth.sh` writes it).
    #[arg(long)]
    pub synth_dir: Option<String>,
    /// The only directory hw-report writes: the RTL and the synthesis flow's results when no
    /// matching report exists (default: ./hw-report under the current directory).
    #[arg(long, default_value = "hw-report")]
    pub out_dir: String,
    /// Never run yosys: when resources.json is missing or stale, report resources as missing.
    #[arg(long)]
    pub no_synth: bool,
    /// Block 413567 (default: ../shared/data/bitcoin-core/block413567.raw beside the workspace
    /// found from the current directory).
    #[arg(long)]
    pub block413567: Option<String>,
}

/// The SatChain workspace, found at run time: the current directory or its nearest ancestor
/// holding a `Cargo.toml` with a `[workspace]` and the register map (`hdl/regmap`). `None`
/// outside a checkout (then only explicit paths are used).
fn workspace_root() -> Option<PathBuf> {
    let cwd = std::env::current_dir().ok()?;
    cwd.ancestors()
        .find(|d| {
            d.join("hdl/regmap/Cargo.toml").is_file()
                && std::fs::read_to_string(d.join("Cargo.toml"))
                    .is_ok_and(|t| t.lines().any(|l| l.trim() == "[workspace]"))
        })
        .map(Path::to_path_buf)
}

/// The clock every projection uses: the shipped top's one clock, which the simulated backend
/// projects at.
pub fn projected_clock_mhz() -> f64 {
    verif::bus::sim_config().clock_mhz
}

/// The verifies per second the accelerator is built to reach (issue 11).
const ECDSA_TARGET_PER_S: f64 = 100_000.0;

pub fn run(args: &HwReportArgs) -> Result<u8, CliError> {
    let report = build(args);
    let mut out = std::io::stdout().lock();
    let werr = |e| CliError::io("writing stdout", e);
    if args.json {
        // Indented by one space: the form of the committed bitstreams/data/hw-report.json,
        // so `bitstreams::drift::REGENERATE` writes it as committed (and diffs stay readable).
        let mut buf = Vec::new();
        let fmt = serde_json::ser::PrettyFormatter::with_indent(b" ");
        report
            .serialize(&mut serde_json::Serializer::with_formatter(&mut buf, fmt))
            .map_err(|e| CliError::io("writing stdout", std::io::Error::other(e)))?;
        out.write_all(&buf).map_err(werr)?;
        writeln!(out).map_err(werr)?;
    } else {
        crate::hw_report_text::write_text(&mut out, &report).map_err(werr)?;
    }
    Ok(EXIT_OK)
}

/// Builds the report object (every measurement runs here).
pub fn build(args: &HwReportArgs) -> Value {
    let clock = projected_clock_mhz();
    let mut missing: Vec<String> = Vec::new();
    let t_all = Instant::now();

    eprintln!("hw-report: resources (yosys synth_xilinx, cached per block) ...");
    let synth = resources(args, &mut missing);
    eprintln!("hw-report: SHA-256 cycles on the Verilated hash cluster ...");
    let sha = sha256_section(args, clock, &mut missing);
    eprintln!(
        "hw-report: ECDSA batch through the driver on the Verilated top ({} signatures) ...",
        args.ecdsa_samples
    );
    let run = ecdsa_run(args, &mut missing);
    eprintln!(
        "hw-report: BIP340 batch through the driver on the Verilated top ({} signatures) ...",
        args.schnorr_samples
    );
    let schnorr_run = schnorr_run(args, &mut missing);
    eprintln!("hw-report: register traffic through the driver on the Verilated top ...");
    let driver = driver_section(run.as_ref(), &mut missing);

    let (resources_v, logic_depth) = match &synth {
        Some(r) => (
            resources_json(r),
            r.logic_depth.map(Value::from).unwrap_or(Value::Null),
        ),
        None => (Value::Null, Value::Null),
    };
    let mut m = Map::new();
    m.insert("device".into(), json!(XC7Z030.name));
    // One clock (the shipped RingTop): AXI, register block, hash cluster, DMA, the verify rings
    // and the VerifyCore. The design clock is checked against the calibrated static timing
    // model (crate::hw_report_clock) on the whole top; the `bus` and `ecdsa` domains are that
    // one clock, seen from the hash side and from the core's. Figures are projected at the
    // clock that holds (the design clock, or the model's estimate when that is lower).
    use satchain_hdl::catalog::{synth_blocks_in, Domain};
    let bus_blocks = synth_blocks_in(Domain::Bus);
    let mut bus_dom = clk::ClockDomain::find(synth.as_ref(), "bus", "clock", clock, &bus_blocks);
    bus_dom.reprojected =
        Some("the block 413567 hash figure (sha256.block413567_hash_ms_projected) is");
    // The core is synthesized only inside the top (its own runs are off-catalogue): the top's
    // timing is its only estimate.
    let mut ecdsa_dom = clk::ClockDomain::find(
        synth.as_ref(),
        "ECDSA (VerifyCore, on the one clock)",
        "clock",
        clock,
        &[],
    );
    ecdsa_dom.reprojected = Some("ecdsa.verifies_per_s is");
    let mut sha = sha;
    reproject_sha256(&mut sha, clock, bus_dom.held_mhz());
    let ecdsa = ecdsa_section(args, run.as_ref(), ecdsa_dom.held_mhz(), synth.as_ref());
    let schnorr = schnorr_section(args, schnorr_run.as_ref(), ecdsa_dom.held_mhz());
    m.insert("clock_mhz".into(), json!(round3(clock)));
    m.insert("clock_basis".into(), json!(bus_dom.basis()));
    m.insert(
        "ecdsa_clock_mhz".into(),
        json!(round3(ecdsa_dom.held_mhz())),
    );
    m.insert("ecdsa_clock_basis".into(), json!(ecdsa_dom.basis()));
    m.insert(
        "clock_domains".into(),
        json!({ "bus": bus_dom.json(), "ecdsa": ecdsa_dom.json() }),
    );
    m.insert(
        "timing".into(),
        clk::timing_json(synth.as_ref(), &mut missing),
    );
    m.insert("sha256".into(), sha);
    m.insert("ecdsa".into(), ecdsa);
    m.insert("schnorr".into(), schnorr);
    m.insert("driver".into(), driver);
    m.insert("resources".into(), resources_v);
    m.insert("logic_depth".into(), logic_depth);
    m.insert("missing".into(), json!(missing));
    m.insert(
        "report_us".into(),
        json!(crate::json::micros(t_all.elapsed())),
    );
    Value::Object(m)
}

// ------------------------------------------------------------------ resources

/// The synthesis report of the current RTL: read it when it matches, else run the flow
/// (unless --no-synth).
fn resources(args: &HwReportArgs, missing: &mut Vec<String>) -> Option<SynthReport> {
    let synth_dir = args
        .synth_dir
        .as_ref()
        .map(PathBuf::from)
        .or_else(|| workspace_root().map(|w| w.join("target/synth")));
    let out = PathBuf::from(&args.out_dir);
    // The Verilog gen-verilog writes, generated now (rust-hdl recurses deeply: big stack).
    let files = match std::thread::Builder::new()
        .stack_size(512 << 20)
        .spawn(satchain_hdl::catalog::gen_files)
    {
        Ok(h) => match h.join() {
            Ok(f) => f,
            Err(_) => {
                missing.push(
                    "resources: generating the Verilog failed (panic in the generator)".into(),
                );
                return None;
            }
        },
        Err(e) => {
            missing.push(format!("resources: cannot start the generator thread: {e}"));
            return None;
        }
    };
    let texts: Vec<(String, String)> = files
        .iter()
        .map(|f| (format!("{}.v", f.name), f.verilog.clone()))
        .collect();
    // A report matching the current RTL: the synthesis directory's, else an earlier run's
    // in the output directory.
    let current = synth_dir
        .iter()
        .chain([&out])
        .filter_map(|d| bitstreams::read_report(d).ok())
        .find(|r| bitstreams::report_matches(r, &texts));
    if let Some(r) = current {
        return Some(r);
    }
    if args.no_synth {
        let synth = synth_dir.as_deref().map_or_else(
            || "(no workspace found)".to_string(),
            |d| d.join("resources.json").display().to_string(),
        );
        missing.push(format!(
            "resources: no synthesis report matching the RTL in {synth} or {} (--no-synth): \
             run bash bitstreams/synth.sh",
            out.join("resources.json").display()
        ));
        return None;
    }
    // Write the current RTL into the output directory and run the flow there (only changed
    // files are synthesized again; the cache lives there too).
    let dir = out;
    let rtl = dir.join("rtl");
    let _ = std::fs::remove_dir_all(&rtl);
    if let Err(e) = std::fs::create_dir_all(&rtl) {
        missing.push(format!("resources: cannot create {}: {e}", rtl.display()));
        return None;
    }
    for (name, text) in &texts {
        if let Err(e) = std::fs::write(rtl.join(name), text) {
            missing.push(format!(
                "resources: cannot write {}: {e}",
                rtl.join(name).display()
            ));
            return None;
        }
    }
    // The workspace's committed synthesis results (bitstreams/src/flow.rs), read only: a block
    // whose Verilog they were made from is not synthesized again.
    let mut opts = FlowOptions::new(&rtl, &dir);
    opts.results_dir = workspace_root().map(|w| w.join("bitstreams/data/synth-results"));
    match bitstreams::run(&opts, &XC7Z030) {
        Ok(r) => Some(r),
        Err(e) => {
            missing.push(format!("resources: synthesis flow failed: {e}"));
            None
        }
    }
}

fn block_json(b: &bitstreams::BlockReport) -> Value {
    let r = &b.resources;
    json!({
        "lut": r.lut,
        "lut_as_memory": r.lut_as_memory,
        "ff": r.ff,
        "dsp": r.dsp,
        "bram36": r.bram36,
        "carry4": r.carry4,
        "logic_depth": b.logic_depth,
    })
}

fn resources_json(r: &SynthReport) -> Value {
    let mut blocks = Map::new();
    for b in &r.blocks {
        blocks.insert(b.name.clone(), block_json(b));
    }
    let (total, util) = match &r.total {
        Some(t) => {
            let u = t.resources.utilization(&XC7Z030);
            (
                block_json(t),
                json!({"lut": u.lut, "ff": u.ff, "dsp": u.dsp, "bram36": u.bram36, "carry4": u.carry4}),
            )
        }
        None => (Value::Null, Value::Null),
    };
    json!({
        "device": r.device,
        "tool": r.yosys_version,
        "budget": {
            "lut": r.budget.lut, "ff": r.budget.ff, "dsp": r.budget.dsp,
            "bram36": r.budget.bram36, "carry4": r.budget.carry4, "fraction": r.budget.fraction,
        },
        "blocks": blocks,
        "total": total,
        "utilization": util,
        "within_budget": r.total.is_some().then(|| r.within_budget()),
        "missing": r.missing,
    })
}

/// `sha256.block413567_hash_ms_projected` at the bus clock that holds (`held`): the design
/// clock, or the timing model's estimate when that is lower; the design-clock figure is kept
/// beside it.
fn reproject_sha256(sha: &mut Value, design: f64, held: f64) {
    let Some(o) = sha.as_object_mut() else { return };
    let Some(cycles) = o.get("block413567_hash_cycles").and_then(Value::as_u64) else {
        return;
    };
    #[allow(clippy::cast_precision_loss)]
    let ms = |mhz: f64| round3(cycles as f64 / (mhz * 1e3));
    o.insert("block413567_hash_ms_projected".into(), json!(ms(held)));
    o.insert("projection_clock_mhz".into(), json!(round3(held)));
    o.insert(
        "block413567_hash_ms_at_design_clock".into(),
        json!(ms(design)),
    );
    o.insert(
        "projection_basis".into(),
        json!(if held < design {
            "the bus clock the timing model supports (clock_domains.bus.supported_mhz_estimate), below the design clock"
        } else {
            "the design bus clock (clock_mhz), which the timing model supports or could not check"
        }),
    );
}

// ------------------------------------------------------------------ SHA-256

/// Block 413567: `--block413567`, else beside the workspace.
fn block_path(args: &HwReportArgs) -> PathBuf {
    args.block413567
        .as_ref()
        .map(PathBuf::from)
        .or_else(|| workspace_root().map(|w| w.join("../shared/data/bitcoin-core/block413567.raw")))
        .unwrap_or_else(|| PathBuf::from("block413567.raw"))
}

fn sha256_section(args: &HwReportArgs, clock: f64, missing: &mut Vec<String>) -> Value {
    let path = block_path(args);
    let t = Instant::now();
    match verif::report::sha256_cycles(&path) {
        Ok(c) => {
            #[allow(clippy::cast_precision_loss)]
            let ms = c.block413567_hash_cycles as f64 / (clock * 1e3);
            json!({
                "units": c.units,
                "cycles_per_block": c.cycles_per_block,
                "cycles_header_sha256d": c.cycles_header_sha256d,
                "cycles_merkle_node": c.cycles_merkle_node,
                "block413567_hash_cycles": c.block413567_hash_cycles,
                "block413567_hash_ms_projected": round3(ms),
                "block413567_compressions": c.block413567_compressions,
                "block413567_txs": c.block413567_txs,
                "block413567_mem_latency_cycles": c.block413567_mem_latency,
                "block413567_reg_writes_per_job": round3(c.block413567_reg_writes_per_job),
                "block413567_reg_reads_per_job": round3(c.block413567_reg_reads_per_job),
                "block413567_hash_cycles_register_stream": c.block413567_hash_cycles_register_stream,
                "source": "block413567_hash_cycles: accel-driver on the Verilated shipped top, descriptor DMA from a simulated DDR (AXI read slave, block413567_mem_latency_cycles from AR to first beat), all register traffic included (verif::report::block_hash_via_dma); per-block and per-job figures and block413567_hash_cycles_register_stream: Verilated hash_cluster fed one word per clock at its register-stream port (verif::report::sha256_cycles)",
                "measure_us": crate::json::micros(t.elapsed()),
            })
        }
        Err(e) => {
            missing.push(format!("sha256: {e}"));
            Value::Null
        }
    }
}

// ------------------------------------------------------------------ ECDSA

/// The ECDSA batch: `--ecdsa-samples` valid signatures (seed `--seed`) with block 413567's
/// key mix, through the driver on the Verilated top (`verif::report::ecdsa_ring_batch`).
fn ecdsa_run(args: &HwReportArgs, missing: &mut Vec<String>) -> Option<EcdsaRun> {
    let n = usize::try_from(args.ecdsa_samples).unwrap_or(usize::MAX);
    let t = Instant::now();
    let path = block_path(args);
    let raw = match std::fs::read(&path) {
        Ok(r) => r,
        Err(e) => {
            missing.push(format!(
                "ecdsa: block 413567 (its key mix): {}: {e}",
                path.display()
            ));
            return None;
        }
    };
    let mix = match verif::report::block_key_mix(&raw) {
        Ok(m) => m,
        Err(e) => {
            missing.push(format!("ecdsa: block 413567's key mix: {e}"));
            return None;
        }
    };
    let jobs = testkit::jobs::random_valid_jobs_with(
        n,
        args.seed,
        testkit::jobs::KeyMix::Share {
            compressed: mix.0,
            uncompressed: mix.1,
        },
    );
    match verif::report::ecdsa_ring_batch(&jobs) {
        Ok(r) => Some(EcdsaRun {
            r,
            mix,
            measure_us: crate::json::micros(t.elapsed()),
        }),
        Err(e) => {
            missing.push(format!("ecdsa: {e}"));
            None
        }
    }
}

/// The ECDSA batch with the block mix it copied.
struct EcdsaRun {
    r: verif::report::RingRun,
    mix: (usize, usize),
    measure_us: u64,
}

/// LUTs of a second `ClusterCore` with 22 threads (Cluster 16,363 less 2 x 434 for two threads,
/// FieldMul 9,312, Recoder 332: hdl/src/vcore/README.md, "Where the VerifyCore's LUTs go").
const SECOND_CLUSTER_22T_LUT: f64 = 25_100.0;
/// What the shipped cluster saves at 22 threads instead of 24 (2 x ~434 LUT, same table).
const CLUSTER_TWO_THREADS_LUT: f64 = 870.0;

/// `ecdsa`: the batch converted at `mhz` (the clock that holds for the core), the ISS's
/// figures beside it, and what limits the rate when it is below the target.
fn ecdsa_section(
    args: &HwReportArgs,
    run: Option<&EcdsaRun>,
    mhz: f64,
    synth: Option<&SynthReport>,
) -> Value {
    let Some(EcdsaRun { r, mix, measure_us }) = run else {
        return Value::Null;
    };
    let vps = r.verifies_per_s(mhz);
    let lut = synth.and_then(|s| s.total.as_ref()).map(|t| {
        let b = synth.map_or(0.0, |s| s.budget.lut as f64 * s.budget.fraction);
        (t.resources.lut, b)
    });
    let limit = (vps < ECDSA_TARGET_PER_S).then(|| {
        let luts = lut.map_or_else(String::new, |(l, b)| {
            // Two clusters of 22 threads: this top, less the first cluster's two threads, plus
            // a second ClusterCore; both from hdl/src/vcore/README.md's block breakdown.
            let over = l as f64 - CLUSTER_TWO_THREADS_LUT + SECOND_CLUSTER_22T_LUT - b;
            let n = bitstreams::report::group((over.abs() / 100.0).round() as u64 * 100);
            let verdict = if over > 0.0 {
                format!("does not fit: ~{n} LUT would have to go")
            } else {
                format!("would fit, ~{n} LUT inside the budget")
            };
            format!(
                "; the top uses {l} LUTs, {:.1} % of the budget's {b:.0} (70 % of the device), \
                 so a second cluster (~25.1k LUT at 22 threads, hdl/src/vcore/README.md \
                 \"Where the VerifyCore's LUTs go\") {verdict}",
                100.0 * l as f64 / b.max(1.0),
            )
        });
        // The rate the multipliers allow when always busy.
        let mults = r.iss_mults_per_verify;
        let ceiling = mhz * 1e6 * r.clusters as f64 / mults.max(1.0);
        format!(
            "{} cluster(s) with {} threads in flight keep the multiplier busy {:.1} % of \
             clocks (ISS), {:.0} thread cycles per verify, {:.0} clocks per verify at the top; \
             at {mhz:.1} MHz that is {vps:.0} verifies/s. About {mults:.0} multiplications per \
             verify on {} multiplier(s) allow at most {ceiling:.0} verifies/s at that clock even \
             fully busy{luts}. Measured in hdl/src/vcore/README.md: the threads' HEAD in distributed RAM saves no \
             LUTs, and a barrel sequencer (fixed issue turns, no per-thread ready logic) keeps \
             the multiplier at most 65.6 % busy on this program (\"A barrel cluster\"). Next \
             step: a program restructured for static issue, or an ALU and FieldMul built for \
             area, sized by synthesis before they enter the top; and lift the clock (critical \
             path: clock_domains.ecdsa.critical_path)",
            r.clusters,
            r.threads,
            100.0 * r.iss_multiplier_busy,
            r.iss_thread_cycles_per_verify,
            r.cycles_per_verify(),
            r.clusters,
        )
    });
    ring_section(
        args,
        r,
        mhz,
        json!({
        "target_verifies_per_s": ECDSA_TARGET_PER_S,
        "meets_target": vps >= ECDSA_TARGET_PER_S,
        "limit": limit,
        "batch_compressed_keys": r.compressed,
        "block413567_key_mix": {"compressed": mix.0, "uncompressed": mix.1},
        "source": "verifies_per_s, batch_clocks, cycles_per_verify: accel-driver's Accel::ecdsa_batch through the verify-job rings on the Verilated shipped top (model clocks from the first register access to the return, polls and ring DMA included), converted at clock_mhz; multiplier_busy_fraction, cycles_per_verify_per_thread, iss_batch_clocks: the VerifyCore ISS on the same jobs (verif::report::ecdsa_ring_batch)",
        "measure_us": measure_us,
        }),
    )
}

/// A ring batch's section: the fields `ecdsa` and `schnorr` share (the batch's rate at `mhz`,
/// its clocks and the ISS's figures for the same jobs), then the section's own `fields`.
fn ring_section(args: &HwReportArgs, r: &verif::report::RingRun, mhz: f64, fields: Value) -> Value {
    let mut v = json!({
        "verifies_per_s": r.verifies_per_s(mhz).round(),
        "clock_mhz": round3(mhz),
        "batch_verifies": r.verifies,
        "seed": args.seed,
        "batch_clocks": r.clocks,
        "device_cycles": r.device_cycles,
        "cycles_per_verify": round3(r.cycles_per_verify()),
        "clusters": r.clusters,
        "threads": r.threads,
        "multiplier_busy_fraction": round3(r.iss_multiplier_busy),
        "cycles_per_verify_per_thread": round3(r.iss_thread_cycles_per_verify),
        "mults_per_verify": round3(r.iss_mults_per_verify),
        "iss_batch_clocks": r.iss_clocks,
    });
    if let (Some(m), Value::Object(own)) = (v.as_object_mut(), fields) {
        m.extend(own);
    }
    v
}

/// The BIP340 batch: `--schnorr-samples` valid signatures (seed `--seed`), through the driver
/// on the Verilated top (`verif::report::schnorr_ring_batch`).
fn schnorr_run(
    args: &HwReportArgs,
    missing: &mut Vec<String>,
) -> Option<(verif::report::RingRun, u64)> {
    if args.schnorr_samples == 0 {
        missing.push("schnorr: --schnorr-samples 0".into());
        return None;
    }
    let n = usize::try_from(args.schnorr_samples).unwrap_or(usize::MAX);
    let t = Instant::now();
    let jobs = testkit::jobs::random_valid_schnorr_jobs(n, args.seed);
    match verif::report::schnorr_ring_batch(&jobs) {
        Ok(r) => Some((r, crate::json::micros(t.elapsed()))),
        Err(e) => {
            missing.push(format!("schnorr: {e}"));
            None
        }
    }
}

/// `schnorr`: the BIP340 batch converted at `mhz` (the core's clock), with its own traffic and
/// the ISS's figures, as `ecdsa` has them.
fn schnorr_section(
    args: &HwReportArgs,
    run: Option<&(verif::report::RingRun, u64)>,
    mhz: f64,
) -> Value {
    let Some((r, measure_us)) = run else {
        return Value::Null;
    };
    #[allow(clippy::cast_precision_loss)]
    let per = |x: u64| round3(x as f64 / r.verifies.max(1) as f64);
    ring_section(
        args,
        r,
        mhz,
        json!({
        "mmio_writes_per_verify": per(r.mmio_writes),
        "mmio_reads_per_verify": per(r.mmio_reads),
        "source": "verifies_per_s, batch_clocks, cycles_per_verify, mmio_*: accel-driver's Accel::bip340_batch (ring jobs of kind 1; the challenge e hashed on the CPU, as FpgaBackend does) through the verify-job rings on the Verilated shipped top, random valid BIP340 signatures (testkit::jobs::random_valid_schnorr_jobs), model clocks from the first register access to the return, converted at clock_mhz; multiplier_busy_fraction, cycles_per_verify_per_thread, iss_batch_clocks: the VerifyCore ISS on the same jobs (verif::report::schnorr_ring_batch)",
        "measure_us": measure_us,
        }),
    )
}

// ------------------------------------------------------------------ driver

/// Header jobs per batch for the hash traffic measurement.
const TRAFFIC_HEADERS: usize = 64;

fn driver_section(run: Option<&EcdsaRun>, missing: &mut Vec<String>) -> Value {
    // The driver owner's measurement: a fresh Verilated top, the real driver, one batch each.
    let hash = match verif::bus::measure_driver_traffic(TRAFFIC_HEADERS) {
        Ok(t) => t,
        Err(e) => {
            missing.push(format!("driver: {e}"));
            return Value::Null;
        }
    };
    #[allow(clippy::cast_precision_loss)]
    let per = |x: u64, n: usize| round3(x as f64 / n.max(1) as f64);
    let (wv, rv, nv, cv) = match run {
        Some(EcdsaRun { r, .. }) => (
            json!(per(r.mmio_writes, r.verifies)),
            json!(per(r.mmio_reads, r.verifies)),
            json!(r.verifies),
            json!(r.device_cycles),
        ),
        None => (Value::Null, Value::Null, Value::Null, Value::Null),
    };
    json!({
        "mmio_writes_per_verify": wv,
        "mmio_reads_per_verify": rv,
        "mmio_writes_per_header": hash.mmio_writes_per_header,
        "mmio_reads_per_header": hash.mmio_reads_per_header,
        "mmio_writes_per_header_register_path": hash.mmio_writes_per_header_register_path,
        "mmio_reads_per_header_register_path": hash.mmio_reads_per_header_register_path,
        "batch_verifies": nv,
        "batch_headers": hash.headers,
        "verify_batch_cycles": cv,
        "header_batch_cycles": hash.header_batch_cycles,
        "source": "bus accesses counted by accel-driver on the Verilated top: the ECDSA batch of the ecdsa section through the verify-job rings (configuration of the rings included), and one header batch each through descriptor DMA and the register path (verif::bus::measure_driver_traffic)",
    })
}
