//! Synthesis and timing of the VerifyCore's product cluster, `ClusterCore`
//! (hdl/src/vcore/cluster_core.rs: one cluster with its FieldMul and its Recoder, the
//! secp256k1 program in its ROM), or of the whole one-cluster `VerifyCore`
//! (hdl/src/vcore/verify_core.rs: ScalarUnit, ReadyQueue, ClusterCore, ports): the figures of
//! `hdl/src/vcore/README-cluster.md`, "Synthesis".
//!
//! ```text
//! cargo run --release -p bitstreams --example cluster_synth -- \
//!     [--cluster-only | --verify-core] [--results DIR] [OUTDIR]
//!     (OUTDIR default target/synth; --cluster-only: the Cluster without its FieldMul and
//!     Recoder, minutes instead of the ClusterCore's long synthesis; --verify-core: the whole
//!     VerifyCore<1> (the shipped top, which holds it, is catalogue block `top` and
//!     synthesized by `bitstreams/synth.sh`); --results DIR: read and publish the block's results there, as synth.sh does with
//!     bitstreams/data/synth-results)
//! ```
//!
//! Writes the Verilog to `OUTDIR/cluster-rtl/<name>.v` (`vcore_cluster_core`,
//! `vcore_cluster_only`, `vcore_verify_core`), synthesizes it with the flow's yosys script
//! (`synth_xilinx -family xc7 -top top -flatten -noiopad`, the same as `bitstreams/synth.sh`,
//! cached in `OUTDIR/cache` under the Verilog's hash and, with `--results`, taken from / kept in
//! that directory under the same key), times the mapped netlist with the committed calibration
//! (`data/timing_calibration.json`) and prints resources, logic depth, the model's clock and
//! its critical path. Not a catalogue block with `synth: true`: its yosys run (the FieldMul
//! alone took 851 s of CPU) would multiply CI's `synth.sh` time whenever the RTL changes.
//!
//! Exit status: 0 when synthesized and timed (and, for the ClusterCore and the VerifyCore, with
//! at least the FieldMul's 121 DSP48E1); 1 when the DSP count is short or timing failed; 2 on a
//! tool or flow error.

use bitstreams::timing::{format, Calibration};
use bitstreams::{flow, FlowOptions};
use satchain_hdl::vcore::fmul::plan;
use satchain_hdl::vcore::{cluster_core, verify_core};
use std::path::PathBuf;
use std::process::ExitCode;

/// The FieldMul's DSP48E1 (fmul_synth checks it maps to exactly these).
const FMUL_DSPS: u64 = (plan::PRODUCTS * plan::COLS * plan::ROWS + plan::R1_TILES + 2) as u64;

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("cluster_synth: error: {e}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<bool, String> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    const USAGE: &str = "usage: [--cluster-only | --verify-core] [--results DIR] [OUTDIR]";
    let mut cluster_only = false;
    let mut whole_core = false;
    let mut results = None;
    let mut out = root.join(bitstreams::DEFAULT_OUT_DIR);
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--cluster-only" => cluster_only = true,
            "--verify-core" => whole_core = true,
            "--results" => {
                results =
                    Some(PathBuf::from(args.next().ok_or_else(|| {
                        format!("--results needs a directory ({USAGE})")
                    })?))
            }
            d if !d.starts_with('-') => out = PathBuf::from(d),
            other => return Err(format!("unexpected argument `{other}` ({USAGE})")),
        }
    }
    if [cluster_only, whole_core].iter().filter(|&&b| b).count() > 1 {
        return Err(format!(
            "--cluster-only and --verify-core exclude each other ({USAGE})"
        ));
    }
    let rtl = out.join("cluster-rtl");
    std::fs::create_dir_all(&rtl).map_err(|e| format!("{}: {e}", rtl.display()))?;
    let (name, text) = if cluster_only {
        (
            "vcore_cluster_only",
            cluster_core::secp256k1_cluster_only_verilog()?,
        )
    } else if whole_core {
        ("vcore_verify_core", verify_core::secp256k1_verilog()?)
    } else {
        ("vcore_cluster_core", cluster_core::secp256k1_verilog()?)
    };
    let file = rtl.join(format!("{name}.v"));
    std::fs::write(&file, &text).map_err(|e| format!("{}: {e}", file.display()))?;

    let cal = Calibration::shipped().map_err(|e| e.to_string())?;
    let mut opts = FlowOptions::new(&rtl, &out);
    opts.verbose = true;
    if let Some(dir) = results {
        opts.results_dir = Some(dir);
        opts.publish_results = true;
    }
    let version = flow::yosys_version("yosys").map_err(|e| e.to_string())?;
    let b = flow::synth_file(&opts, &version, &file, Some(cal.net)).map_err(|e| e.to_string())?;

    let r = &b.resources;
    println!("{name}: {}", file.display());
    println!("  {version}; synth_xilinx -family xc7 -top top -flatten -noiopad");
    println!(
        "  DSP48E1 {}, LUT {} (of which memory {}), FF {}, CARRY4 {}, MUXF7 {}, MUXF8 {}, RAMB36 {}, RAMB18 {}",
        r.dsp, r.lut, r.lut_as_memory, r.ff, r.carry4, r.muxf7, r.muxf8, r.ramb36, r.ramb18
    );
    if !r.unclassified.is_empty() {
        println!("  unclassified cells: {:?}", r.unclassified);
    }
    println!(
        "  logic depth (ltp, FFs removed) {}: {} LUT, {} CARRY4, {} DSP",
        b.logic_depth, b.path_mix.lut_levels, b.path_mix.carry4_levels, b.path_mix.dsp_levels
    );
    if b.synth_ms > 0 {
        println!(
            "  yosys synthesis took {:.1} s (when it ran)",
            b.synth_ms as f64 / 1e3
        );
    }
    let mut ok = cluster_only || r.dsp >= FMUL_DSPS;
    if !ok {
        println!(
            "  MISMATCH: {} DSP48E1 mapped, the FieldMul alone has {FMUL_DSPS}",
            r.dsp
        );
    }
    match (&b.timing, &b.timing_error) {
        (Some(t), _) => {
            println!(
                "  timing model (net {} ns/hop, fanout factor {}; {} cells):",
                cal.net.base_ns, cal.net.fanout_factor, t.cells
            );
            print!("{}", format::summary(t));
            for d in &t.domains {
                println!("  critical path of `{}`:", d.clock);
                print!("{}", format::path(&d.path));
            }
            ok &= t.domain("clock").is_some();
        }
        (None, Some(e)) => {
            println!("  timing failed: {e}");
            ok = false;
        }
        (None, None) => {
            println!("  timing not run");
            ok = false;
        }
    }
    Ok(ok)
}
