//! `timing-report`: static timing of a yosys JSON netlist with the calibrated model.
//!
//! ```text
//! timing-report NETLIST.json [--net-delay NS] [--fanout-factor F] [--json] [--paths]
//!               [--over PERIOD_NS]
//! timing-report --table        (prints the delay table as Markdown)
//! ```
//! `--over` lists every register with a same-domain path longer than PERIOD_NS (its bits
//! counted together, the worst one's delay and start point), slowest first: the work list for
//! a faster clock (7.0 for the IO PLL's 142.9 MHz). Without `--net-delay`, the committed calibration (`data/timing_calibration.json`) is used.
//! Exit codes: 0 = analyzed; 2 = usage, netlist or analysis error.

use bitstreams::timing::{self, format, Calibration};
use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str =
    "usage: timing-report NETLIST.json [--net-delay NS] [--fanout-factor F] [--json] [--paths] \
     [--over PERIOD_NS]";

fn main() -> ExitCode {
    match real_main() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("timing-report: error: {e}");
            ExitCode::from(2)
        }
    }
}

fn real_main() -> Result<(), String> {
    let mut file = None;
    let mut net = Calibration::shipped().map_err(|e| e.to_string())?.net;
    let (mut json, mut paths, mut over) = (false, false, None);
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut num = |what: &str| -> Result<f64, String> {
            args.next()
                .and_then(|v| v.parse::<f64>().ok())
                .filter(|x| x.is_finite() && *x >= 0.0)
                .ok_or(format!("{a} needs {what}\n{USAGE}"))
        };
        match a.as_str() {
            "--net-delay" => net.base_ns = num("a delay in ns")?,
            "--fanout-factor" => net.fanout_factor = num("a factor >= 0")?,
            "--json" => json = true,
            "--paths" => paths = true,
            "--over" => over = Some(num("a period in ns")?),
            "--table" => {
                print!("{}", timing::delays::markdown_table());
                return Ok(());
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            f if file.is_none() && !f.starts_with('-') => file = Some(PathBuf::from(f)),
            other => return Err(format!("unexpected argument `{other}`\n{USAGE}")),
        }
    }
    let file = file.ok_or(USAGE.to_string())?;
    if let Some(period) = over {
        let nl = timing::read_netlist(&file).map_err(|e| e.to_string())?;
        let slow = timing::slow_registers(&nl, net, period).map_err(|e| e.to_string())?;
        if json {
            println!(
                "{}",
                serde_json::to_string_pretty(&slow).map_err(|e| e.to_string())?
            );
        } else {
            print!("{}", format::slow_registers(&slow, period));
        }
        return Ok(());
    }
    let r = timing::analyze_file(&file, net).map_err(|e| e.to_string())?;
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&r).map_err(|e| e.to_string())?
        );
        return Ok(());
    }
    println!(
        "{}: {} cells; net delay {} ns/hop (fanout factor {})",
        file.display(),
        r.cells,
        net.base_ns,
        net.fanout_factor
    );
    print!("{}", format::summary(&r));
    if paths {
        for d in &r.domains {
            println!("  critical path of `{}`:", d.clock);
            print!("{}", format::path(&d.path));
        }
    }
    Ok(())
}
