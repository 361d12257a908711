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
    #[command(subcommand)]
    command: Command,
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
