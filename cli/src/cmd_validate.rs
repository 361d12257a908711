//! `satchain validate-block FILE`: one raw block (binary or hex), or a Bitcoin Core
//! `blk*.dat` file (detected by its network magic) with many blocks.

use std::collections::HashMap;
use std::io::Write;

use clap::Args;
use crypto_core::blkfile::{BlkReader, BlkRecord};
use crypto_core::params::{max_block_weight, Network, NetworkParams};
use crypto_core::{
    validate_block, Backend, Block, BlockReport, Chain, OutPoint, PrevoutProvider, TxOut,
    ValidateOptions, ValidationError,
};

use crate::backend_select::BackendArgs;
use crate::choices::{ChainArg, NetworkArg};
use crate::error::{CliError, EXIT_ERROR, EXIT_INVALID, EXIT_OK};
use crate::input::{read_block_input, read_prevouts, BlockInput};
use crate::json::{BlockJson, Device, RecordJson};
use crate::progress::Progress;

pub use crypto_core::params::REGTEST_POW_LIMIT;

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Block file: raw block bytes, the same as hex text, or a blk*.dat file; `-` = stdin.
    pub file: String,
    /// Block format and rules. Default: from the blk*.dat magic, else bitcoin.
    #[arg(long, value_enum, ignore_case = true)]
    pub chain: Option<ChainArg>,
    /// Network: activation heights, proof-of-work limit, Qtum staking heights. Default: from
    /// the blk*.dat magic, else mainnet. Qtum has mainnet, testnet and regtest.
    #[arg(long, value_enum, ignore_case = true)]
    pub network: Option<NetworkArg>,
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
    let raw_chain = || args.chain.map_or(Chain::Bitcoin, Chain::from);
    match read_block_input(&args.file, raw_chain)? {
        BlockInput::Blk { network, reader } => {
            let backend = args.backend.make()?;
            run_blk_file(args, reader, network, backend.as_ref(), prevouts)
        }
        BlockInput::Block(block) => {
            let backend = args.backend.make()?;
            let chain = args.chain.map_or(Chain::Bitcoin, Chain::from);
            let opts = options(args, chain, Network::Mainnet, prevouts)?;
            let report = validate_block(&block, &opts, backend.as_ref());
            let hint = chain_hint(&report, &block);
            drop(block);
            let mut out = std::io::stdout().lock();
            let mut j = BlockJson::new(&report, Device::of(backend.as_ref()));
            j.hint = hint;
            if args.json {
                writeln!(out, "{}", j.to_line()).map_err(|e| CliError::io("writing stdout", e))?;
            } else {
                write_summary(&mut out, &j, &args.file)
                    .map_err(|e| CliError::io("writing stdout", e))?;
            }
            Ok(if report.valid { EXIT_OK } else { EXIT_INVALID })
        }
    }
}

/// A hint where the block was read as Bitcoin, did not parse, and parses as Qtum.
fn chain_hint(r: &BlockReport, raw: &[u8]) -> Option<String> {
    let parse_failed = matches!(r.error_detail, Some(ValidationError::Parse(_)));
    (r.chain == Chain::Bitcoin && parse_failed && Block::parse(raw, Chain::Qtum).is_ok())
        .then(|| "the bytes parse as a Qtum block: try --chain qtum".to_string())
}

/// The options of `args` for `chain`; `default_network` applies when neither `--network`
/// nor `--regtest` is given.
fn options<'a>(
    args: &ValidateArgs,
    chain: Chain,
    default_network: Network,
    prevouts: Option<&'a dyn PrevoutProvider>,
) -> Result<ValidateOptions<'a>, CliError> {
    let network = match (args.network, args.regtest) {
        (Some(n), _) => Network::from(n),
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
    let chain = args.chain.map_or(file_net.chain, Chain::from);
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
                let mut j = BlockJson::new(&report, Device::of(backend));
                let line = if args.json {
                    j.index = Some(n);
                    j.offset = Some(offset);
                    j.to_line()
                } else {
                    one_line(n, offset, &j)
                };
                progress.suspend(|| writeln!(out, "{line}")).map_err(werr)?;
                if !report.valid {
                    n_invalid += 1;
                }
                offset + bytes.len() as u64
            }
            Ok(BlkRecord::Oversize { offset, size, .. }) => {
                // Well framed, but no valid block is this large: invalid, skipped unread.
                let error = format!(
                    "block record of {size} bytes exceeds the largest valid {chain} block \
                     ({max_block} bytes); skipped"
                );
                if args.json {
                    let v = RecordJson {
                        index: n,
                        offset,
                        valid: false,
                        error,
                        file_error: false,
                    };
                    let v = serde_json::to_string(&v)
                        .map_err(|e| CliError::Usage(format!("JSON: {e}")))?;
                    progress.suspend(|| writeln!(out, "{v}")).map_err(werr)?;
                } else {
                    progress
                        .suspend(|| writeln!(out, "#{n} @{offset} INVALID error: {error}"))
                        .map_err(werr)?;
                }
                n_invalid += 1;
                offset + u64::from(size)
            }
            Err(e) => {
                progress.finish();
                // The file itself is damaged here: report it and stop (exit 2).
                if args.json {
                    let v = RecordJson {
                        index: n,
                        offset: e.offset as u64,
                        valid: false,
                        error: e.to_string(),
                        file_error: true,
                    };
                    let v = serde_json::to_string(&v)
                        .map_err(|e| CliError::Usage(format!("JSON: {e}")))?;
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
    progress.finish();
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

fn one_line(index: usize, offset: u64, r: &BlockJson<'_>) -> String {
    let s = &r.signatures;
    format!(
        "#{index} @{offset} {} {} txs={} inputs={} sigs={}/{} not_checkable={} {:.1} ms{}",
        r.block_hash.unwrap_or("?"),
        if r.valid { "VALID" } else { "INVALID" },
        r.txs.unwrap_or(0),
        r.inputs.unwrap_or(0),
        s.valid,
        s.checked,
        s.not_checkable,
        ms(r.timings_us.get("total").unwrap_or(0)),
        r.error.map(|e| format!(" error: {e}")).unwrap_or_default()
    )
}

/// A check's outcome: `ok`, `FAILED`, or `not run`.
fn yes(b: Option<bool>) -> &'static str {
    match b {
        Some(true) => "ok",
        Some(false) => "FAILED",
        None => "not run",
    }
}

/// Milliseconds of whole microseconds, for the text output.
#[allow(clippy::cast_precision_loss)]
fn ms(us: u64) -> f64 {
    us as f64 / 1e3
}

/// The human summary of one block (the same view as `--json`).
pub fn write_summary(out: &mut dyn Write, r: &BlockJson<'_>, source: &str) -> std::io::Result<()> {
    writeln!(
        out,
        "{source}: {} {} block {}",
        r.chain,
        r.network,
        r.block_hash.unwrap_or("(unparsed)")
    )?;
    if let Some(h) = r.height {
        writeln!(out, "  height             {h}")?;
    }
    writeln!(
        out,
        "  verdict            {}",
        if r.valid { "VALID" } else { "INVALID" }
    )?;
    if let Some(e) = r.error {
        writeln!(out, "  error              {e}")?;
    }
    if let Some(h) = &r.hint {
        writeln!(out, "  hint               {h}")?;
    }
    let count = |n: Option<usize>| n.map_or_else(|| "not parsed".to_string(), |n| n.to_string());
    writeln!(
        out,
        "  transactions       {}  inputs {}",
        count(r.txs),
        count(r.inputs)
    )?;
    writeln!(out, "  merkle root        {}", yes(r.merkle_root_ok))?;
    writeln!(
        out,
        "  proof of work      {}{}",
        yes(r.pow_ok),
        if r.proof_of_stake == Some(true) {
            " (proof of stake: none needed)"
        } else {
            ""
        }
    )?;
    if let Some(b) = r.block_signature_ok {
        writeln!(out, "  block signature    {}", yes(Some(b)))?;
    }
    if let Some(b) = r.witness_commitment_ok {
        writeln!(out, "  witness commitment {}", yes(Some(b)))?;
    }
    let s = r.signatures;
    writeln!(
        out,
        "  signatures         {} checked, {} valid, {} invalid, {} inputs not checkable",
        s.checked, s.valid, s.invalid, s.not_checkable
    )?;
    for n in &r.not_checkable_reasons {
        writeln!(
            out,
            "    not checkable: {} x {} ({})",
            n.count, n.code, n.reason
        )?;
    }
    if let Some(f) = r.flags {
        writeln!(
            out,
            "  script flags       strict DER {}, low S {}",
            f.strict_der, f.low_s
        )?;
    }
    let timings: Vec<String> = r
        .timings_us
        .0
        .iter()
        .map(|(k, v)| format!("{k} {:.3}", ms(*v)))
        .collect();
    let j = r.backend_jobs;
    writeln!(
        out,
        "  backend            {} ({} hash jobs, {} verify jobs, {} BIP340 jobs)",
        r.backend, j.hash, j.verify, j.schnorr
    )?;
    writeln!(out, "  timings (ms)       {}", timings.join(", "))?;
    if let Some(d) = &r.device {
        writeln!(
            out,
            "  device             {} cycles = {:.3} ms projected at {} MHz ({} jobs fell back to software)",
            d.cycles,
            ms(d.projected_us),
            crate::json::round3(d.clock_mhz),
            d.fallback_jobs
        )?;
    }
    Ok(())
}
