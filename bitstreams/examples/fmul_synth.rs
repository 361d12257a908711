//! Synthesis and timing of the VerifyCore's `FieldMul` alone (hdl/src/vcore/fmul): the figures
//! of its README, "Resources and clock".
//!
//! ```text
//! cargo run --release -p bitstreams --example fmul_synth [-- [--leaves] [OUTDIR]]
//!     (OUTDIR default target/synth; --leaves: only the leaves, seconds instead of the block's
//!     long synthesis)
//! ```
//!
//! Writes the block's Verilog (16-bit tag, the Verilog the Verilator tests run) to
//! `OUTDIR/fmul-rtl/vcore_fmul.v` and the DSP leaves' wrapper (`leaf_top`) beside it,
//! synthesizes both with the flow's yosys script
//! (`synth_xilinx -family xc7 -top top -flatten -noiopad`, the same as `bitstreams/synth.sh`,
//! cached in `OUTDIR/cache` under the Verilog's hash), times the mapped netlist with the
//! committed calibration (`data/timing_calibration.json`) and prints resources, logic depth,
//! the model's clock and its critical path. It is not one of the accelerator's blocks yet, so
//! `synth.sh` does not synthesize it.
//!
//! Exit status: 0 when the leaves map to their 7 DSP48E1 without a CARRY4 and the block's
//! netlist has exactly the DSP48E1 count the plan builds (9 x 3 x 4 column DSPs + the first
//! fold's tiles + the second fold's pair) and was timed;
//! 1 when the count differs or timing failed; 2 on a tool or flow error.

use bitstreams::timing::{format, Calibration};
use bitstreams::{flow, FlowOptions};
use satchain_hdl::vcore::fmul::{self, leaf_top, plan, FMUL_LATENCY, SIM_TAG_BITS};
use std::path::PathBuf;
use std::process::ExitCode;

/// The DSP48E1 the plan instantiates: every one must survive synthesis as a DSP48E1.
const PLAN_DSPS: u64 = (plan::PRODUCTS * plan::COLS * plan::ROWS + plan::R1_TILES + 2) as u64;
/// One of each leaf (`leaf_top`): a column (4), a tile (1), the pair (2).
const LEAF_DSPS: u64 = (plan::ROWS + 1 + 2) as u64;

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("fmul_synth: error: {e}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<bool, String> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut leaves_only = false;
    let mut out = root.join(bitstreams::DEFAULT_OUT_DIR);
    for a in std::env::args().skip(1) {
        match a.as_str() {
            "--leaves" => leaves_only = true,
            d if !d.starts_with('-') => out = PathBuf::from(d),
            other => {
                return Err(format!(
                    "unexpected argument `{other}` (usage: [--leaves] [OUTDIR])"
                ))
            }
        }
    }
    let rtl = out.join("fmul-rtl");
    std::fs::create_dir_all(&rtl).map_err(|e| format!("{}: {e}", rtl.display()))?;
    let file = rtl.join("vcore_fmul.v");
    let text = fmul::verilog::<SIM_TAG_BITS>().map_err(|e| format!("FieldMul plan: {e:?}"))?;
    std::fs::write(&file, &text).map_err(|e| format!("{}: {e}", file.display()))?;
    let leaves = rtl.join("vcore_fmul_leaves.v");
    std::fs::write(&leaves, leaf_top::verilog())
        .map_err(|e| format!("{}: {e}", leaves.display()))?;

    let cal = Calibration::shipped().map_err(|e| e.to_string())?;
    let mut opts = FlowOptions::new(&rtl, &out);
    opts.verbose = true;
    let version = flow::yosys_version("yosys").map_err(|e| e.to_string())?;

    // The leaves alone first (seconds): every multiply, add and pipeline register of a leaf
    // must land inside its DSP48E1s (no CARRY4); the fabric is alignment registers only.
    let l = flow::synth_file(&opts, &version, &leaves, Some(cal.net)).map_err(|e| e.to_string())?;
    let lr = &l.resources;
    println!(
        "leaves (one column, one tile, the pair): {}\n  DSP48E1 {} (expected {LEAF_DSPS}), LUT {}, FF {}, CARRY4 {}",
        leaves.display(),
        lr.dsp,
        lr.lut,
        lr.ff,
        lr.carry4
    );
    if let Some(t) = &l.timing {
        print!("{}", format::summary(t));
    }
    let leaves_ok = lr.dsp == LEAF_DSPS && lr.carry4 == 0;
    if !leaves_ok {
        println!("  MISMATCH: the leaves should map to {LEAF_DSPS} DSP48E1 and no CARRY4");
    }
    if leaves_only {
        return Ok(leaves_ok);
    }

    let b = flow::synth_file(&opts, &version, &file, Some(cal.net)).map_err(|e| e.to_string())?;

    let r = &b.resources;
    println!(
        "FieldMul<{SIM_TAG_BITS}> (latency {FMUL_LATENCY}): {}",
        file.display()
    );
    println!("  {version}; synth_xilinx -family xc7 -top top -flatten -noiopad");
    println!(
        "  DSP48E1 {} (plan {PLAN_DSPS}), LUT {} (of which memory {}), FF {}, CARRY4 {}, MUXF7 {}, MUXF8 {}, RAMB36 {}, RAMB18 {}",
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
    let mut ok = leaves_ok && r.dsp == PLAN_DSPS;
    if !ok {
        println!(
            "  MISMATCH: {} DSP48E1 mapped, the plan has {PLAN_DSPS}",
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
