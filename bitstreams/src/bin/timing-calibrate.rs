//! `timing-calibrate`: fits the net delay per hop so the model's figure for the calibration
//! reference equals the published place-and-route figure, and writes the calibration record.
//!
//! ```text
//! timing-calibrate NETLIST.json [--fanout-factor F] [--write FILE]
//! ```
//! NETLIST.json is the yosys `write_json` of the reference block (`calib_sha256`) after
//! `synth_xilinx -family xc7 -flatten -noiopad` (`bash bitstreams/synth.sh` leaves it in
//! `target/synth/cache/`). The model's period is nondecreasing in the net delay, so a bisection
//! finds the value. Without `--write` the record is printed only.

use bitstreams::timing::{self, Calibration};
use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: timing-calibrate NETLIST.json [--fanout-factor F] [--write FILE]";

fn main() -> ExitCode {
    match real_main() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("timing-calibrate: error: {e}");
            ExitCode::from(2)
        }
    }
}

fn real_main() -> Result<(), String> {
    let mut cal = Calibration::shipped().map_err(|e| e.to_string())?;
    let mut file = None;
    let mut write = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--fanout-factor" => {
                cal.net.fanout_factor = args
                    .next()
                    .and_then(|v| v.parse::<f64>().ok())
                    .filter(|x| x.is_finite() && *x >= 0.0)
                    .ok_or(format!("--fanout-factor needs a factor >= 0\n{USAGE}"))?
            }
            "--write" => write = Some(PathBuf::from(args.next().ok_or(USAGE)?)),
            f if file.is_none() && !f.starts_with('-') => file = Some(PathBuf::from(f)),
            other => return Err(format!("unexpected argument `{other}`\n{USAGE}")),
        }
    }
    let file = file.ok_or(USAGE.to_string())?;
    let nl = timing::read_netlist(&file).map_err(|e| e.to_string())?;
    let target_ns = 1000.0 / cal.reference_mhz;
    let net0 = cal.net;
    let period = |base: f64| -> Result<f64, String> {
        let mut net = net0;
        net.base_ns = base;
        let r = timing::analyze(&nl, net).map_err(|e| e.to_string())?;
        r.domain("clock")
            .map(|d| d.period_ns)
            .ok_or("the reference has no `clock` domain".to_string())
    };
    let (mut lo, mut hi) = (0.0_f64, 4.0_f64);
    if period(lo)? > target_ns {
        return Err(format!(
            "even with no routing delay the model is slower than {} MHz: the cell delays alone exceed the reference",
            cal.reference_mhz
        ));
    }
    if period(hi)? < target_ns {
        return Err(format!(
            "a net delay of {hi} ns per hop still does not reach {target_ns:.3} ns"
        ));
    }
    for _ in 0..40 {
        let mid = 0.5 * (lo + hi);
        if period(mid)? < target_ns {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    // Three decimals (ps), rounded toward the reference.
    cal.net.base_ns = (lo * 1000.0).round() / 1000.0;
    let p = period(cal.net.base_ns)?;
    cal.model_mhz = (1000.0 / p * 100.0).round() / 100.0;
    cal.yosys_version = bitstreams::flow::yosys_version("yosys").map_err(|e| e.to_string())?;
    let text = serde_json::to_string_pretty(&cal).map_err(|e| e.to_string())? + "\n";
    println!(
        "net delay {:.3} ns/hop: model {:.2} MHz for the reference ({} MHz published, {:+.2} %)",
        cal.net.base_ns,
        cal.model_mhz,
        cal.reference_mhz,
        100.0 * cal.error(cal.model_mhz)
    );
    match write {
        Some(w) => std::fs::write(&w, text).map_err(|e| format!("{}: {e}", w.display()))?,
        None => print!("{text}"),
    }
    Ok(())
}
