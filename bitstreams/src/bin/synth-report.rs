//! `synth-report`: runs yosys over a directory of generated Verilog, writes `resources.json`
//! and `resources.md`, prints the table, and exits non-zero when the accelerator top uses more
//! than 70 % of any XC7Z030 resource.
//!
//! ```text
//! synth-report --rtl DIR --out DIR [--jobs N] [--yosys PATH] [--timeout SECS] [--exclude a,b]
//!              [--no-budget-fail] [--check-committed HW_REPORT_JSON]
//!              [--results DIR [--fresh]]
//! ```
//! With `--results` the small result files of every block are kept in DIR and read from there
//! when `--out`'s cache misses (`bitstreams::flow`, "Committed results"); `--fresh` does not read
//! them (every block the cache lacks is synthesized) but still refreshes them.
//! With `--check-committed` the fresh figures are compared with a committed
//! `satchain hw-report --json` object (`bitstreams::drift`: resources exactly, clock-domain
//! estimates within 0.001 MHz) and every difference is printed with the regenerate command.
//!
//! Exit codes: 0 = report written, within budget (and the committed report current);
//! 1 = over budget; 2 = usage or flow error; 3 = the committed report differs.

use bitstreams::{flow, FlowOptions, XC7Z030};
use std::process::ExitCode;
use std::time::Duration;

const USAGE: &str =
    "usage: synth-report --rtl DIR --out DIR [--jobs N] [--yosys PATH] [--timeout SECS] \
                     [--exclude a,b] [--no-budget-fail] [--quiet] \
                     [--check-committed HW_REPORT_JSON] [--results DIR [--fresh]]";

fn main() -> ExitCode {
    match real_main() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("synth-report: error: {e}");
            ExitCode::from(2)
        }
    }
}

fn real_main() -> Result<ExitCode, String> {
    let mut args = std::env::args().skip(1);
    let mut rtl = None;
    let mut out = None;
    let mut opts = FlowOptions::new("", "");
    let mut budget_fail = true;
    let mut committed = None;
    while let Some(a) = args.next() {
        let mut val = |what: &str| args.next().ok_or(format!("{a} needs {what}\n{USAGE}"));
        match a.as_str() {
            "--rtl" => rtl = Some(val("a directory")?),
            "--out" => out = Some(val("a directory")?),
            "--jobs" => {
                opts.jobs = val("a number")?
                    .parse()
                    .map_err(|e| format!("--jobs: {e}"))?
            }
            "--yosys" => opts.yosys = val("a path")?,
            "--timeout" => {
                opts.timeout = Duration::from_secs(
                    val("seconds")?
                        .parse()
                        .map_err(|e| format!("--timeout: {e}"))?,
                )
            }
            "--exclude" => opts.exclude = val("names")?.split(',').map(str::to_string).collect(),
            "--no-budget-fail" => budget_fail = false,
            "--quiet" => opts.verbose = false,
            "--check-committed" => committed = Some(val("a path")?),
            "--results" => {
                opts.results_dir = Some(val("a directory")?.into());
                opts.publish_results = true;
            }
            "--fresh" => opts.fresh = true,
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(ExitCode::SUCCESS);
            }
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    opts.rtl_dir = rtl.ok_or(format!("--rtl is required\n{USAGE}"))?.into();
    opts.out_dir = out.ok_or(format!("--out is required\n{USAGE}"))?.into();
    // Read before the (long) flow runs: a bad path is a usage error, not a drift.
    let committed = match committed {
        None => None,
        Some(p) => {
            let text = std::fs::read_to_string(&p).map_err(|e| format!("{p}: {e}"))?;
            let v: serde_json::Value =
                serde_json::from_str(&text).map_err(|e| format!("{p}: not JSON: {e}"))?;
            Some((p, v))
        }
    };
    let report = flow::run(&opts, &XC7Z030).map_err(|e| e.to_string())?;
    print!("{}", report.to_markdown());
    println!(
        "\nwritten: {} and {}",
        opts.out_dir
            .join(bitstreams::report::RESOURCES_JSON)
            .display(),
        opts.out_dir
            .join(bitstreams::report::RESOURCES_MD)
            .display()
    );
    let drift = match &committed {
        Some((path, v)) => {
            let d = bitstreams::drift::compare(v, &report, &opts.exclude);
            if d.is_empty() {
                println!("{path}: current (resources and clock estimates match this synthesis)");
            } else {
                eprintln!(
                    "synth-report: {path} does not match what the RTL synthesizes to now \
                     ({} difference(s)):",
                    d.len()
                );
                for line in &d {
                    eprintln!("  - {line}");
                }
                eprintln!(
                    "synth-report: if the change is intended, regenerate the report and the \
                     README tables and commit them:\n  {}",
                    bitstreams::drift::REGENERATE
                );
            }
            !d.is_empty()
        }
        None => false,
    };
    if !report.within_budget() {
        eprintln!("synth-report: the accelerator exceeds 70 % of the xc7z030 (see the table)");
        if budget_fail {
            return Ok(ExitCode::from(1));
        }
    }
    if drift {
        return Ok(ExitCode::from(3));
    }
    Ok(ExitCode::SUCCESS)
}
