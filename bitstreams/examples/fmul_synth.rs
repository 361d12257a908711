//! Synthesis and timing of the VerifyCore's `FieldMul` alone (hdl/src/vcore/fmul): the figures
//! of its README, "Resources and clock".
//!
//! ```text
//! cargo run --release -p bitstreams --example fmul_synth [-- OUTDIR]     (default target/synth)
//! ```
//!
//! Writes the block's Verilog (16-bit tag, the Verilog the Verilator tests run) to
//! `OUTDIR/fmul-rtl/vcore_fmul.v`, synthesizes it with the flow's yosys script
//! (`synth_xilinx -family xc7 -top top -flatten -noiopad`, the same as `bitstreams/synth.sh`,
//! cached in `OUTDIR/cache` under the Verilog's hash), times the mapped netlist with the
//! committed calibration (`data/timing_calibration.json`) and prints resources, logic depth,
//! the model's clock and its critical path. It is not one of the accelerator's blocks yet, so
//! `synth.sh` does not synthesize it.
//!
//! Exit status: 0 when the netlist has exactly the DSP48E1 count the plan builds
//! (9 x 3 x 4 column DSPs + the first fold's tiles + the second fold's pair) and was timed;
//! 1 when the count differs or timing failed; 2 on a tool or flow error.

use bitstreams::timing::{format, Calibration};
use bitstreams::{flow, FlowOptions};
use satchain_hdl::vcore::fmul::{self, plan, FMUL_LATENCY, SIM_TAG_BITS};
use std::path::PathBuf;
use std::process::ExitCode;

/// The DSP48E1 the plan instantiates: every one must survive synthesis as a DSP48E1.
const PLAN_DSPS: u64 = (plan::PRODUCTS * plan::COLS * plan::ROWS + plan::R1_TILES + 2) as u64;

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
    let out = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join(bitstreams::DEFAULT_OUT_DIR));
    let rtl = out.join("fmul-rtl");
    std::fs::create_dir_all(&rtl).map_err(|e| format!("{}: {e}", rtl.display()))?;
    let file = rtl.join("vcore_fmul.v");
    let text = fmul::verilog::<SIM_TAG_BITS>().map_err(|e| format!("FieldMul plan: {e:?}"))?;
    std::fs::write(&file, &text).map_err(|e| format!("{}: {e}", file.display()))?;

    let cal = Calibration::shipped().map_err(|e| e.to_string())?;
    let mut opts = FlowOptions::new(&rtl, &out);
    opts.verbose = true;
    let version = flow::yosys_version("yosys").map_err(|e| e.to_string())?;
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
    let mut ok = r.dsp == PLAN_DSPS;
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
