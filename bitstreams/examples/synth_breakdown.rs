//! Where a design's LUTs go, block by block (`bitstreams::breakdown`): yosys `synth_xilinx
//! -flatten` with `keep_hierarchy` on the named blocks, then `stat -json` rolled up per kept
//! block with the flow's LUT-site weights.
//!
//! ```text
//! cargo run --release -p bitstreams --example synth_breakdown -- \
//!     DESIGN.v OUTDIR BLOCK [BLOCK ...] [--depth N] [--reuse]
//! ```
//! DESIGN.v is rust-hdl Verilog (one module per block instance, named by its path); each BLOCK
//! is a module name that stays a boundary, and a name ending in `*` names every module it
//! matches one level down. OUTDIR gets the yosys script, its log and `stat.json`; the table
//! goes to stdout. `--reuse` skips yosys and reads OUTDIR's `stat.json` of an earlier run of
//! the same script, if it is newer than the design (e.g. to print another `--depth`). The VerifyCore breakdown of hdl/src/vcore/README.md ("Where the
//! VerifyCore's LUTs go"), on the Verilog `cluster_synth --verify-core` writes (yosys ~17 min
//! on two cores):
//!
//! ```text
//! cargo run --release -p bitstreams --example synth_breakdown -- \
//!     target/synth/cluster-rtl/vcore_verify_core.v target/synth/breakdown \
//!     'top$cc$0$cl' 'top$cc$0$cl$seq' 'top$cc$0$cl$alu' 'top$cc$0$cl$rf' 'top$cc$0$fm' \
//!     'top$cc$0$rc' 'top$sunit' 'top$rq' 'top$js$0' \
//!     'top$cc$0$cl$seq$threads$*' 'top$cc$0$cl$seq$arb_*'
//! ```
//! Exit status 0, or 2 with a message (bad arguments, no such module, yosys failed).

use bitstreams::breakdown;
use bitstreams::yosys::parse_stat_json_modules;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("synth_breakdown: {e}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<(), String> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut depth = 9;
    let reuse = args.iter().any(|a| a == "--reuse");
    args.retain(|a| a != "--reuse");
    if let Some(i) = args.iter().position(|a| a == "--depth") {
        let v = args
            .get(i + 1)
            .ok_or("--depth needs a number")?
            .parse::<usize>()
            .map_err(|e| format!("--depth: {e}"))?;
        depth = v;
        args.drain(i..i + 2);
    }
    if args.len() < 3 {
        return Err(
            "usage: synth_breakdown DESIGN.v OUTDIR BLOCK [BLOCK ...] [--depth N] [--reuse]".into(),
        );
    }
    let design = PathBuf::from(&args[0]);
    let out = PathBuf::from(&args[1]);
    let verilog =
        std::fs::read_to_string(&design).map_err(|e| format!("{}: {e}", design.display()))?;
    let modules = breakdown::verilog_modules(&verilog);
    let top = breakdown::top_module(&modules)
        .ok_or_else(|| format!("{}: no module", design.display()))?
        .clone();
    let keep = breakdown::kept_modules(&modules, &args[2..]).map_err(|e| e.to_string())?;
    std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    let abs = |p: &Path| std::fs::canonicalize(p).map_err(|e| format!("{}: {e}", p.display()));
    let (design_abs, out_abs) = (abs(&design)?, abs(&out)?);
    let stat = out_abs.join("stat.json");
    let script = breakdown::script(
        &design_abs.display().to_string(),
        &top,
        &keep,
        &stat.display().to_string(),
    );
    let ys = out_abs.join("script.ys");
    if reuse {
        check_reusable(&ys, &script, &stat, &design_abs)?;
    } else {
        std::fs::write(&ys, script).map_err(|e| format!("{}: {e}", ys.display()))?;
        let log = out_abs.join("yosys.log");
        // yosys' warnings (thousands of BRAM port resizings on a large design) go to its
        // log; stderr is shown only when it fails.
        let run = Command::new("yosys")
            .arg("-q")
            .arg("-l")
            .arg(&log)
            .arg("-s")
            .arg(&ys)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .output()
            .map_err(|e| format!("yosys: {e}"))?;
        if !run.status.success() {
            let err = String::from_utf8_lossy(&run.stderr);
            let tail: Vec<&str> = err.lines().rev().take(20).collect();
            return Err(format!(
                "yosys failed ({}); see {}\n{}",
                run.status,
                log.display(),
                tail.into_iter().rev().collect::<Vec<_>>().join("\n")
            ));
        }
    }
    let text = std::fs::read_to_string(&stat).map_err(|e| format!("{}: {e}", stat.display()))?;
    let cells = parse_stat_json_modules(&text).map_err(|e| e.to_string())?;
    let root = breakdown::tree(&cells, &top)
        .ok_or_else(|| format!("{}: no module `{top}`", stat.display()))?;
    print!("{}", breakdown::table(&root, depth));
    Ok(())
}

/// `--reuse`: OUTDIR's `stat.json` stands for this run only if OUTDIR's script is this run's
/// script and the statistics are newer than the design.
fn check_reusable(ys: &Path, script: &str, stat: &Path, design: &Path) -> Result<(), String> {
    let old = std::fs::read_to_string(ys).map_err(|e| format!("--reuse: {}: {e}", ys.display()))?;
    if old != script {
        return Err(format!(
            "--reuse: {} is another run's script (other design or blocks)",
            ys.display()
        ));
    }
    let mtime = |p: &Path| {
        std::fs::metadata(p)
            .and_then(|m| m.modified())
            .map_err(|e| format!("--reuse: {}: {e}", p.display()))
    };
    if mtime(stat)? < mtime(design)? {
        return Err(format!(
            "--reuse: {} is older than the design",
            stat.display()
        ));
    }
    Ok(())
}
