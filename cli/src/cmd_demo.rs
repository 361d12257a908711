//! `satchain demo`: builds the deterministic synthetic block of `fallback_sw::demo` and
//! validates it with the chosen backend. Needs no data file.

use std::io::Write;
use std::time::Instant;

use clap::Args;
use crypto_core::{validate_block, Chain, ValidateOptions};
use fallback_sw::demo::{
    build_demo_block, demo_height, expected_signatures, split_inputs, DEFAULT_INPUTS, DEFAULT_SEED,
};
use serde_json::{json, Value};

use crate::backend_select::BackendArgs;
use crate::cmd_validate::{write_summary, REGTEST_POW_LIMIT};
use crate::error::{CliError, EXIT_INVALID, EXIT_OK};

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Seed of the block (keys, transactions, amounts).
    #[arg(long, default_value_t = DEFAULT_SEED)]
    pub seed: u64,
    /// Signed inputs in the block (one in eight is a 2-of-3 P2SH multisig input).
    #[arg(long, default_value_t = DEFAULT_INPUTS as u64, value_parser = clap::value_parser!(u64).range(1..=200_000))]
    pub inputs: u64,
    /// One JSON object (the validate-block report plus a "demo" object) instead of text.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub backend: BackendArgs,
    /// Also write the block's raw bytes here (validate it with `validate-block --regtest`).
    #[arg(long)]
    pub out: Option<String>,
}

pub fn run(args: &DemoArgs) -> Result<u8, CliError> {
    let backend = args.backend.make()?;
    let total =
        usize::try_from(args.inputs).map_err(|_| CliError::Usage("--inputs too large".into()))?;
    let (n_p2pkh, n_multisig) = split_inputs(total);
    let t = Instant::now();
    let block = build_demo_block(args.seed, n_p2pkh, n_multisig);
    let build_ms = t.elapsed().as_secs_f64() * 1e3;
    if let Some(path) = &args.out {
        std::fs::write(path, &block).map_err(|e| CliError::io(format!("writing {path}"), e))?;
    }

    let mut opts = ValidateOptions::new(Chain::Bitcoin);
    opts.pow_limit = Some(REGTEST_POW_LIMIT);
    let report = validate_block(&block, &opts, backend.as_ref());
    let want_sigs = expected_signatures(n_p2pkh, n_multisig);
    // The demo passes only if the block is valid AND every signature it carries was checked.
    let complete = report.signatures.checked == want_sigs
        && report.signatures.valid == want_sigs
        && report.signatures.not_checkable == 0
        && report.height == Some(demo_height(args.seed));
    let ok = report.valid && complete;

    let demo = json!({
        "seed": args.seed,
        "inputs": total,
        "p2pkh_inputs": n_p2pkh,
        "multisig_inputs": n_multisig,
        "expected_signatures": want_sigs,
        "all_signatures_checked": complete,
        "block_bytes": block.len(),
        "build_ms": build_ms,
    });
    let mut out = std::io::stdout().lock();
    let werr = |e| CliError::io("writing stdout", e);
    if args.json {
        let mut v =
            serde_json::to_value(&report).map_err(|e| CliError::Usage(format!("JSON: {e}")))?;
        if let Value::Object(m) = &mut v {
            m.insert("demo".into(), demo);
        }
        writeln!(out, "{v}").map_err(werr)?;
    } else {
        writeln!(
            out,
            "SatChain Accel demo: synthetic Bitcoin block, seed {}, {} signed inputs ({} P2PKH, {} P2SH 2-of-3 multisig), {} bytes, built in {:.0} ms",
            args.seed, total, n_p2pkh, n_multisig, block.len(), build_ms
        )
        .map_err(werr)?;
        write_summary(&mut out, &report, "demo").map_err(werr)?;
        let total_ms = report.timings_ms.get("total").copied().unwrap_or(0.0);
        if total_ms > 0.0 {
            writeln!(
                out,
                "  throughput         {:.0} signatures/s end to end ({} signatures in {:.1} ms)",
                report.signatures.checked as f64 / (total_ms / 1e3),
                report.signatures.checked,
                total_ms
            )
            .map_err(werr)?;
        }
        if !complete {
            writeln!(out, "  DEMO FAILED: expected {want_sigs} signatures checked and valid, none not checkable")
                .map_err(werr)?;
        }
    }
    Ok(if ok { EXIT_OK } else { EXIT_INVALID })
}
