#![doc = include_str!("../README.md")]

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[cfg(feature = "hw-report")]
use satchain_cli::cmd_hw_report;
use satchain_cli::error::EXIT_ERROR;
use satchain_cli::{cmd_bench, cmd_demo, cmd_hash, cmd_validate, cmd_verify};

/// SatChain Accel: validate Bitcoin and Qtum blocks with SHA-256 and ECDSA on a software,
/// simulated or FPGA backend.
#[derive(Debug, Parser)]
#[command(
    name = "satchain",
    version,
    about,
    after_help = "Exit codes: 0 valid / done, 1 invalid block, 2 usage or I/O error."
)]
struct Cli {
    /// Which events to print on stderr (tracing-subscriber's EnvFilter syntax: `debug`,
    /// `satchain_fpga=debug,warn`, ...). Default: `RUST_LOG`, else `warn` (faults, fallback,
    /// a device taken out of service). stdout stays the command's output alone.
    #[arg(long, global = true, value_name = "FILTER")]
    log: Option<String>,
    #[command(subcommand)]
    command: Command,
}

/// Events (the FPGA backend's faults, fallbacks, batch sizes and timings, on `sim` and
/// `fpga`) go to stderr, filtered by `--log`, else `RUST_LOG`, else `warn`.
fn init_log(filter: Option<&str>) -> Result<(), String> {
    use tracing_subscriber::EnvFilter;
    let filter = match filter {
        Some(f) => EnvFilter::try_new(f).map_err(|e| format!("--log {f:?}: {e}"))?,
        None => EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("warn")),
    };
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .try_init()
        .map_err(|e| format!("log: {e}"))
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Validate a block (raw, hex, or a blk*.dat file with many blocks).
    ValidateBlock(cmd_validate::ValidateArgs),
    /// Verify ECDSA signatures given as JSON Lines.
    VerifyBatch(cmd_verify::VerifyArgs),
    /// Hash messages given as JSON Lines.
    HashBatch(cmd_hash::HashArgs),
    /// Build a synthetic signed block deterministically and validate it.
    Demo(cmd_demo::DemoArgs),
    /// Hardware report: cycles (Verilated RTL), register traffic, resources (yosys), clock.
    #[cfg(feature = "hw-report")]
    HwReport(cmd_hw_report::HwReportArgs),
    /// Run the workload set (SHA-256, headers, merkle, verify, validate) on a backend.
    Bench(cmd_bench::BenchArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Err(e) = init_log(cli.log.as_deref()) {
        eprintln!("satchain: {e}");
        return ExitCode::from(EXIT_ERROR);
    }
    let result = match &cli.command {
        Command::ValidateBlock(a) => cmd_validate::run(a),
        Command::VerifyBatch(a) => cmd_verify::run(a),
        Command::HashBatch(a) => cmd_hash::run(a),
        Command::Demo(a) => cmd_demo::run(a),
        #[cfg(feature = "hw-report")]
        Command::HwReport(a) => cmd_hw_report::run(a),
        Command::Bench(a) => cmd_bench::run(a),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("satchain: {e}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}
