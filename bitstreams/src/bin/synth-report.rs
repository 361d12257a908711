//! `synth-report`: runs yosys over a directory of generated Verilog, writes `resources.json`
//! and `resources.md`, prints the table, and exits non-zero when the accelerator top uses more
//! than 70 % of any XC7Z030 resource.
//!
//! ```text
//! synth-report --rtl DIR --out DIR [--jobs N] [--yosys PATH] [--timeout SECS] [--exclude a,b]
//!              [--no-budget-fail]
//! ```
//! Exit codes: 0 = report written, within budget; 1 = over budget; 2 = usage or flow error.

use bitstreams::{flow, FlowOptions, XC7Z030};
use std::process::ExitCode;
use std::time::Duration;

const USAGE: &str =
    "usage: synth-report --rtl DIR --out DIR [--jobs N] [--yosys PATH] [--timeout SECS] \
                     [--exclude a,b] [--no-budget-fail] [--quiet]";

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
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(ExitCode::SUCCESS);
            }
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    opts.rtl_dir = rtl.ok_or(format!("--rtl is required\n{USAGE}"))?.into();
    opts.out_dir = out.ok_or(format!("--out is required\n{USAGE}"))?.into();
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
    if !report.within_budget() {
        eprintln!("synth-report: the accelerator exceeds 70 % of the xc7z030 (see the table)");
        if budget_fail {
            return Ok(ExitCode::from(1));
        }
    }
    Ok(ExitCode::SUCCESS)
}
