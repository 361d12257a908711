//! `satchain demo`: builds the deterministic synthetic block of `fallback_sw::demo` (with
//! `--taproot`, `fallback_sw::demo::taproot`: a modern block and the outputs it spends) and
//! validates it with the chosen backend. Needs no data file.

use std::io::Write;
use std::time::Instant;

use clap::Args;
use std::collections::HashMap;

use crypto_core::{validate_block, BlockReport, Chain, ValidateOptions};
use fallback_sw::demo::taproot::build_taproot_demo_block;
use fallback_sw::demo::{
    build_demo_block, demo_height, expected_signatures, split_inputs, DEFAULT_INPUTS, DEFAULT_SEED,
};
use serde_json::{json, Value};

use crate::backend_select::BackendArgs;
use crate::cmd_validate::{write_summary, REGTEST_POW_LIMIT};
use crate::error::{CliError, EXIT_INVALID, EXIT_OK};
use crate::json::{micros, BlockJson, Device};

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Seed of the block (keys, transactions, amounts).
    #[arg(long, default_value_t = DEFAULT_SEED)]
    pub seed: u64,
    /// Signed inputs in the block (one in eight is a 2-of-3 P2SH multisig input; with
    /// `--taproot` the mix of fallback_sw::demo::taproot).
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
    /// A modern block: Taproot key-path and single-key script-path spends, segwit v0 and
    /// legacy inputs, validated with the outputs it spends (every input checkable).
    #[arg(long)]
    pub taproot: bool,
    /// With `--taproot`: also write the spent outputs here as JSON Lines (the input of
    /// `validate-block --prevouts`).
    #[arg(long, requires = "taproot", value_name = "FILE")]
    pub prevouts_out: Option<String>,
}

pub fn run(args: &DemoArgs) -> Result<u8, CliError> {
    let backend = args.backend.make()?;
    let total =
        usize::try_from(args.inputs).map_err(|_| CliError::Usage("--inputs too large".into()))?;
    if args.taproot {
        return run_taproot(args, backend.as_ref(), total);
    }
    let (n_p2pkh, n_multisig) = split_inputs(total);
    let t = Instant::now();
    let block = build_demo_block(args.seed, n_p2pkh, n_multisig);
    let build_us = micros(t.elapsed());
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
        "build_us": build_us,
    });
    let title = format!(
        "SatChain Accel demo: synthetic Bitcoin block, seed {}, {} signed inputs ({} P2PKH, {} P2SH 2-of-3 multisig), {} bytes, built in {} ms",
        args.seed, total, n_p2pkh, n_multisig, block.len(), build_us / 1000
    );
    print_report(
        args,
        backend.as_ref(),
        &report,
        demo,
        &title,
        complete,
        want_sigs,
    )?;
    Ok(if ok { EXIT_OK } else { EXIT_INVALID })
}

/// `demo --taproot`: the modern block, validated with the prevouts the builder returns.
fn run_taproot(
    args: &DemoArgs,
    backend: &dyn crypto_core::Backend,
    total: usize,
) -> Result<u8, CliError> {
    let t = Instant::now();
    let d = build_taproot_demo_block(args.seed, total);
    let build_us = micros(t.elapsed());
    if let Some(path) = &args.out {
        std::fs::write(path, &d.block).map_err(|e| CliError::io(format!("writing {path}"), e))?;
    }
    if let Some(path) = &args.prevouts_out {
        let mut text = String::new();
        for (op, o) in &d.prevouts {
            let mut txid = op.txid;
            txid.reverse();
            let line = json!({
                "txid": hex::encode(txid),
                "vout": op.vout,
                "amount": o.value,
                "script_pubkey": hex::encode(&o.script_pubkey),
            });
            text.push_str(&line.to_string());
            text.push('\n');
        }
        std::fs::write(path, text).map_err(|e| CliError::io(format!("writing {path}"), e))?;
    }
    let prevouts: HashMap<_, _> = d.prevouts.iter().cloned().collect();
    let mut opts = ValidateOptions::new(Chain::Bitcoin);
    opts.pow_limit = Some(REGTEST_POW_LIMIT);
    opts.prevouts = Some(&prevouts);
    let report = validate_block(&d.block, &opts, backend);
    let m = d.mix;
    let want = m.signatures();
    let complete = report.signatures.checked == want
        && report.signatures.valid == want
        && report.signatures.not_checkable == 0
        && report.schnorr_jobs == m.schnorr_signatures()
        && report.height == Some(d.height);
    let demo = json!({
        "seed": args.seed,
        "taproot": true,
        "inputs": m.total(),
        "p2tr_key_path_inputs": m.p2tr_key_path,
        "p2tr_script_path_inputs": m.p2tr_script_path,
        "p2wpkh_inputs": m.p2wpkh,
        "p2sh_p2wpkh_inputs": m.p2sh_p2wpkh,
        "p2wsh_multisig_inputs": m.p2wsh_multisig,
        "p2pkh_inputs": m.p2pkh,
        "annexes": m.annexes,
        "expected_signatures": want,
        "expected_schnorr_signatures": m.schnorr_signatures(),
        "all_signatures_checked": complete,
        "block_bytes": d.block.len(),
        "build_us": build_us,
    });
    let title = format!(
        "SatChain Accel demo: synthetic Taproot-era Bitcoin block, seed {}, {} signed inputs ({} Taproot key path, {} Taproot script path, {} P2WPKH, {} P2SH-P2WPKH, {} P2WSH 2-of-3, {} P2PKH; {} annexes), {} bytes, built in {} ms",
        args.seed, m.total(), m.p2tr_key_path, m.p2tr_script_path, m.p2wpkh, m.p2sh_p2wpkh,
        m.p2wsh_multisig, m.p2pkh, m.annexes, d.block.len(), build_us / 1000
    );
    print_report(args, backend, &report, demo, &title, complete, want)?;
    Ok(if report.valid && complete {
        EXIT_OK
    } else {
        EXIT_INVALID
    })
}

fn print_report(
    args: &DemoArgs,
    backend: &dyn crypto_core::Backend,
    report: &BlockReport,
    demo: Value,
    title: &str,
    complete: bool,
    want_sigs: u64,
) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    let werr = |e| CliError::io("writing stdout", e);
    let mut j = BlockJson::new(report, Device::of(backend));
    if args.json {
        j.demo = Some(demo);
        writeln!(out, "{}", j.to_line()).map_err(werr)?;
    } else {
        writeln!(out, "{title}").map_err(werr)?;
        write_summary(&mut out, &j, "demo").map_err(werr)?;
        let total_us = j.timings_us.get("total").unwrap_or(0);
        if report.backend == "sim" {
            // The simulation's wall time says nothing about the device's speed: the device
            // line above (cycles at the stated clock) does.
            writeln!(
                out,
                "  simulation         {:.1} ms wall time (the Verilated model, not a device rate)",
                total_us as f64 / 1e3
            )
            .map_err(werr)?;
        } else if total_us > 0 {
            writeln!(
                out,
                "  throughput         {:.0} signatures/s end to end ({} signatures in {:.1} ms)",
                report.signatures.checked as f64 / (total_us as f64 / 1e6),
                report.signatures.checked,
                total_us as f64 / 1e3
            )
            .map_err(werr)?;
        }
        if !complete {
            writeln!(out, "  DEMO FAILED: expected {want_sigs} signatures checked and valid, none not checkable")
                .map_err(werr)?;
        }
    }
    Ok(())
}
