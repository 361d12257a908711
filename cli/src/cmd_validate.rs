//! `satchain validate-block FILE`: one raw block (binary or hex), or a Bitcoin Core
//! `blk*.dat` file (detected by its network magic) with many blocks.

use std::collections::HashMap;
use std::io::Write;

use clap::Args;
use crypto_core::blkfile::{BlkReader, BlkRecord};
use crypto_core::params::{max_block_weight, Network, NetworkParams};
use crypto_core::{
    validate_block, Backend, BlockReport, Chain, OutPoint, PrevoutProvider, TxOut, ValidateOptions,
};
use serde_json::Value;

use crate::backend_select::BackendArgs;
use crate::error::{CliError, EXIT_ERROR, EXIT_INVALID, EXIT_OK};
use crate::input::{read_block_input, read_prevouts, BlockInput};
use crate::progress::Progress;

pub use crypto_core::params::REGTEST_POW_LIMIT;

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Block file: raw block bytes, the same as hex text, or a blk*.dat file; `-` = stdin.
    pub file: String,
    /// Block format and rules. Default: from the blk*.dat magic, else bitcoin.
    #[arg(long, value_parser = ["bitcoin", "qtum"], ignore_case = true)]
    pub chain: Option<String>,
    /// Network: activation heights, proof-of-work limit, Qtum staking heights. Default: from
    /// the blk*.dat magic, else mainnet. Qtum has mainnet, testnet and regtest.
    #[arg(long, value_parser = ["mainnet", "testnet", "testnet4", "signet", "regtest"], ignore_case = true)]
    pub network: Option<String>,
    /// The block's height as your node knows it: enables the exact BIP34, version and
    /// activation rules (default: the height the coinbase claims, where it can be trusted).
    #[arg(long)]
    pub height: Option<u32>,
    #[command(flatten)]
    pub backend: BackendArgs,
    /// One JSON object per block on stdout instead of the human summary.
    #[arg(long)]
    pub json: bool,
    /// Enforce BIP66 strict DER (default: from the block height on Bitcoin, always on Qtum).
    #[arg(long)]
    pub strict_der: bool,
    /// Enforce BIP146 low S (a policy rule; off by default).
    #[arg(long)]
    pub low_s: bool,
    /// Same as `--network regtest` (for blocks made by `demo --out`).
    #[arg(long, conflicts_with = "network")]
    pub regtest: bool,
    /// The outputs the block spends, as JSON Lines `{"txid", "vout", "amount",
    /// "script_pubkey"}` (txid in display hex, amount in satoshis): makes P2PK, segwit and
    /// Taproot inputs checkable.
    #[arg(long, value_name = "FILE")]
    pub prevouts: Option<String>,
}

pub fn run(args: &ValidateArgs) -> Result<u8, CliError> {
    let prevouts: Option<HashMap<OutPoint, TxOut>> =
        args.prevouts.as_deref().map(read_prevouts).transpose()?;
    let prevouts = prevouts.as_ref().map(|p| p as &dyn PrevoutProvider);
    let raw_chain = || {
        args.chain
            .as_deref()
            .and_then(|c| c.parse::<Chain>().ok())
            .unwrap_or(Chain::Bitcoin)
    };
    match read_block_input(&args.file, raw_chain)? {
        BlockInput::Blk { network, reader } => {
            let backend = args.backend.make()?;
            run_blk_file(args, reader, network, backend.as_ref(), prevouts)
        }
        BlockInput::Block(block) => {
            let backend = args.backend.make()?;
            let chain = parse_chain(args.chain.as_deref(), Chain::Bitcoin)?;
            let opts = options(args, chain, Network::Mainnet, prevouts)?;
            let report = validate_block(&block, &opts, backend.as_ref());
            drop(block);
            let mut out = std::io::stdout().lock();
            let device = device_summary(backend.as_ref());
            if args.json {
                let mut v = serde_json::to_value(&report)
                    .map_err(|e| CliError::Usage(format!("JSON: {e}")))?;
                if let (Some(d), Some(obj)) = (device, v.as_object_mut()) {
                    obj.insert("device".into(), d);
                }
                writeln!(out, "{v}").map_err(|e| CliError::io("writing stdout", e))?;
            } else {
                write_summary(&mut out, &report, &args.file)
                    .map_err(|e| CliError::io("writing stdout", e))?;
                if let Some(d) = device {
                    writeln!(
                        out,
                        "  device             {} cycles = {:.3} ms projected at {} MHz ({} jobs fell back to software)",
                        d["cycles"], d["projected_ms"].as_f64().unwrap_or(0.0), d["clock_mhz"], d["fallback_jobs"]
                    )
                    .map_err(|e| CliError::io("writing stdout", e))?;
                }
            }
            Ok(if report.valid { EXIT_OK } else { EXIT_INVALID })
        }
    }
}

/// Device cycles of a hardware backend (simulated on `sim`, counted on `fpga`) and their
/// projection to time at the backend's stated clock, for comparison with the software timings
/// in `timings_ms`. `None` for the software backend.
fn device_summary(backend: &dyn crypto_core::Backend) -> Option<Value> {
    let clock = backend.projected_clock_mhz()?;
    let st = backend.stats();
    #[allow(clippy::cast_precision_loss)]
    let ms = st.device_cycles as f64 / (clock * 1e3);
    Some(serde_json::json!({
        "cycles": st.device_cycles,
        "clock_mhz": clock,
        "projected_ms": (ms * 1000.0).round() / 1000.0,
        "hash_jobs": st.hash_jobs,
        "verify_jobs": st.verify_jobs,
        "fallback_jobs": st.fallback_jobs,
        "spot_checked_jobs": st.spot_checked_jobs,
        "faults": st.faults.iter().map(|(k, n)| serde_json::json!({ "kind": k, "count": n })).collect::<Vec<_>>(),
    }))
}

fn parse_chain(arg: Option<&str>, default: Chain) -> Result<Chain, CliError> {
    match arg {
        None => Ok(default),
        Some(s) => s.parse::<Chain>().map_err(CliError::Usage),
    }
}

/// The options of `args` for `chain`; `default_network` applies when neither `--network`
/// nor `--regtest` is given.
fn options<'a>(
    args: &ValidateArgs,
    chain: Chain,
    default_network: Network,
    prevouts: Option<&'a dyn PrevoutProvider>,
) -> Result<ValidateOptions<'a>, CliError> {
    let network = match (&args.network, args.regtest) {
        (Some(n), _) => n.parse::<Network>().map_err(CliError::Usage)?,
        (None, true) => Network::Regtest,
        (None, false) => default_network,
    };
    let mut b = ValidateOptions::builder(chain)
        .network(network)
        .low_s(args.low_s);
    if args.strict_der {
        b = b.strict_der(true);
    }
    if let Some(h) = args.height {
        b = b.height(h);
    }
    if let Some(p) = prevouts {
        b = b.prevouts(p);
    }
    b.build().map_err(|e| CliError::Usage(e.to_string()))
}

fn run_blk_file(
    args: &ValidateArgs,
    reader: Box<dyn std::io::Read>,
    file_net: &NetworkParams,
    backend: &dyn Backend,
    prevouts: Option<&dyn PrevoutProvider>,
) -> Result<u8, CliError> {
    let network = file_net.name;
    let chain = parse_chain(args.chain.as_deref(), file_net.chain)?;
    let opts = options(args, chain, file_net.network, prevouts)?;
    // One record in memory at a time, at most the chain's largest valid block.
    let max_block = usize::try_from(max_block_weight(chain)).unwrap_or(usize::MAX);
    let total = std::fs::metadata(&args.file).map_or(0, |m| m.len());
    let mut progress = Progress::new(usize::try_from(total).unwrap_or(usize::MAX));
    progress.update(0, "0 blocks");
    let mut out = std::io::stdout().lock();
    let (mut n, mut n_invalid) = (0usize, 0usize);
    let werr = |e| CliError::io("writing stdout", e);
    for item in BlkReader::new(reader, max_block) {
        let end = match item {
            Ok(BlkRecord::Block { offset, bytes, .. }) => {
                let report = validate_block(&bytes, &opts, backend);
                progress.clear();
                if args.json {
                    let mut v = serde_json::to_value(&report)
                        .map_err(|e| CliError::Usage(format!("JSON: {e}")))?;
                    if let Value::Object(m) = &mut v {
                        m.insert("index".into(), n.into());
                        m.insert("offset".into(), offset.into());
                    }
                    writeln!(out, "{v}").map_err(werr)?;
                } else {
                    writeln!(out, "{}", one_line(n, offset, &report)).map_err(werr)?;
                }
                if !report.valid {
                    n_invalid += 1;
                }
                offset + bytes.len() as u64
            }
            Ok(BlkRecord::Oversize { offset, size, .. }) => {
                // Well framed, but no valid block is this large: invalid, skipped unread.
                progress.clear();
                let error = format!(
                    "block record of {size} bytes exceeds the largest valid {chain} block \
                     ({max_block} bytes); skipped"
                );
                if args.json {
                    let v = serde_json::json!({ "index": n, "offset": offset, "valid": false, "error": error });
                    writeln!(out, "{v}").map_err(werr)?;
                } else {
                    writeln!(out, "#{n} @{offset} INVALID error: {error}").map_err(werr)?;
                }
                n_invalid += 1;
                offset + u64::from(size)
            }
            Err(e) => {
                progress.clear();
                // The file itself is damaged here: report it and stop (exit 2).
                if args.json {
                    let v = serde_json::json!({ "index": n, "offset": e.offset, "valid": false, "error": e.to_string(), "file_error": true });
                    writeln!(out, "{v}").map_err(werr)?;
                }
                eprintln!("{}: blk file damaged after {n} blocks: {e}", args.file);
                return Ok(EXIT_ERROR);
            }
        };
        n += 1;
        progress.update(
            usize::try_from(end).unwrap_or(usize::MAX),
            &format!("{n} blocks, {n_invalid} invalid"),
        );
    }
    progress.clear();
    if !args.json {
        writeln!(
            out,
            "{}: {network} blk file, {n} blocks, {} valid, {n_invalid} invalid",
            args.file,
            n - n_invalid
        )
        .map_err(werr)?;
    }
    Ok(if n_invalid > 0 { EXIT_INVALID } else { EXIT_OK })
}

fn one_line(index: usize, offset: u64, r: &BlockReport) -> String {
    let s = &r.signatures;
    format!(
        "#{index} @{offset} {} {} txs={} inputs={} sigs={}/{} not_checkable={} {:.1} ms{}",
        r.block_hash.as_deref().unwrap_or("?"),
        if r.valid { "VALID" } else { "INVALID" },
        r.txs,
        r.inputs,
        s.valid,
        s.checked,
        s.not_checkable,
        r.timings_ms.get("total").copied().unwrap_or(0.0),
        r.error
            .as_deref()
            .map(|e| format!(" error: {e}"))
            .unwrap_or_default()
    )
}

fn yes(b: bool) -> &'static str {
    if b {
        "ok"
    } else {
        "FAILED"
    }
}

/// The human summary of one block.
pub fn write_summary(out: &mut dyn Write, r: &BlockReport, source: &str) -> std::io::Result<()> {
    writeln!(
        out,
        "{source}: {} {} block {}",
        r.chain,
        r.network,
        r.block_hash.as_deref().unwrap_or("(unparsed)")
    )?;
    if let Some(h) = r.height {
        writeln!(out, "  height             {h}")?;
    }
    writeln!(
        out,
        "  verdict            {}",
        if r.valid { "VALID" } else { "INVALID" }
    )?;
    if let Some(e) = &r.error {
        writeln!(out, "  error              {e}")?;
    }
    writeln!(out, "  transactions       {}  inputs {}", r.txs, r.inputs)?;
    writeln!(out, "  merkle root        {}", yes(r.merkle_root_ok))?;
    writeln!(
        out,
        "  proof of work      {}{}",
        yes(r.pow_ok),
        if r.proof_of_stake {
            " (proof of stake: none needed)"
        } else {
            ""
        }
    )?;
    if let Some(b) = r.block_signature_ok {
        writeln!(out, "  block signature    {}", yes(b))?;
    }
    if let Some(b) = r.witness_commitment_ok {
        writeln!(out, "  witness commitment {}", yes(b))?;
    }
    let s = &r.signatures;
    writeln!(
        out,
        "  signatures         {} checked, {} valid, {} invalid, {} inputs not checkable",
        s.checked, s.valid, s.invalid, s.not_checkable
    )?;
    for (why, n) in &r.not_checkable_reasons {
        writeln!(out, "    not checkable: {n} x {why}")?;
    }
    if let Some(f) = &r.flags {
        writeln!(
            out,
            "  script flags       strict DER {}, low S {}",
            f.strict_der, f.low_s
        )?;
    }
    let timings: Vec<String> = r
        .timings_ms
        .iter()
        .map(|(k, v)| format!("{k} {v:.2}"))
        .collect();
    writeln!(
        out,
        "  backend            {} ({} hash jobs, {} verify jobs, {} BIP340 jobs)",
        r.backend, r.backend_jobs.0, r.backend_jobs.1, r.schnorr_jobs
    )?;
    writeln!(out, "  timings (ms)       {}", timings.join(", "))?;
    Ok(())
}
