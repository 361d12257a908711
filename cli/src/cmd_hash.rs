//! `satchain hash-batch FILE|-`: JSON Lines `{"id"?, "msg": hex, "mode": ..}` in,
//! `{"id": .., "digest": hex, "error": null}` out (SHA-256 byte order), one line per line,
//! same order.
//!
//! Modes: `sha256` (default), `sha256d`, and the hardware's fixed-size modes
//! `merkle_node` (64 bytes) and `header80` (80 bytes), which are SHA-256d too.
//! A malformed line yields `{"id": .., "digest": null, "error": ..}`; the batch goes on.

use std::io::Write;

use clap::Args;
use crypto_core::{Backend, HashJob, HashMode};
use serde_json::{json, Map, Value};

use crate::backend_select::BackendArgs;
use crate::error::{CliError, EXIT_ERROR, EXIT_OK};
use crate::input::{hex_field, open_lines, parse_object, Lines};

/// Lines per batch sent to the backend.
pub const CHUNK_LINES: usize = 4096;

#[derive(Debug, Args)]
pub struct HashArgs {
    /// JSON Lines file, or `-` for stdin.
    pub file: String,
    #[command(flatten)]
    pub backend: BackendArgs,
}

fn parse_line(obj: &Map<String, Value>) -> Result<HashJob, String> {
    let data = hex_field(obj, "msg")?.ok_or("missing field \"msg\"")?;
    let mode = match obj.get("mode") {
        None | Some(Value::Null) => HashMode::Sha256,
        Some(Value::String(m)) => match m.as_str() {
            "sha256" => HashMode::Sha256,
            "sha256d" => HashMode::Sha256d,
            "merkle_node" => HashMode::MerkleNode,
            "header80" => HashMode::Header80,
            other => {
                return Err(format!(
                "field \"mode\": unknown mode {other:?} (sha256, sha256d, merkle_node, header80)"
            ))
            }
        },
        Some(_) => return Err("field \"mode\": expected a string".to_string()),
    };
    let job = HashJob { mode, data };
    // Length rules per line, so one bad line cannot fail the whole batch.
    job.check().map_err(|e| match e {
        crypto_core::BackendError::BadJob { reason, .. } => format!("field \"msg\": {reason}"),
        other => other.to_string(),
    })?;
    Ok(job)
}

pub fn run(args: &HashArgs) -> Result<u8, CliError> {
    let backend = args.backend.make()?;
    let input = open_lines(&args.file)?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    process(backend.as_ref(), input, &mut out)
}

/// The batch itself: every line of `input` in, one digest line per line out to `out`, in
/// order, through `backend`. The exit code is `EXIT_ERROR` when the backend failed a batch or
/// the input was abandoned (a runaway line); malformed lines only make their own output line.
pub fn process(
    backend: &dyn Backend,
    mut input: Lines,
    out: &mut dyn Write,
) -> Result<u8, CliError> {
    let werr = |e| CliError::io("writing stdout", e);
    let mut exit = EXIT_OK;
    loop {
        let lines = input.batch(CHUNK_LINES)?;
        if lines.is_empty() {
            break;
        }
        let mut ids = Vec::with_capacity(lines.len());
        let mut jobs = Vec::new();
        let slots: Vec<Result<usize, String>> = lines
            .iter()
            .map(|line| {
                let obj = parse_object(line);
                ids.push(
                    obj.as_ref()
                        .ok()
                        .and_then(|o| o.get("id").cloned())
                        .unwrap_or(Value::Null),
                );
                obj.and_then(|o| parse_line(&o)).map(|job| {
                    jobs.push(job);
                    jobs.len() - 1
                })
            })
            .collect();
        let digests = match backend.hash_batch(&jobs) {
            Ok(d) => Ok(d),
            Err(e) => {
                exit = EXIT_ERROR;
                Err(format!("backend failed the batch: {e}"))
            }
        };
        for (id, slot) in ids.into_iter().zip(slots) {
            let res = slot.and_then(|i| match &digests {
                Ok(d) => d
                    .get(i)
                    .map(hex::encode)
                    .ok_or_else(|| "backend returned too few digests".to_string()),
                Err(e) => Err(e.clone()),
            });
            let line = match res {
                Ok(d) => json!({ "id": id, "digest": d, "error": null }),
                Err(e) => json!({ "id": id, "digest": null, "error": e }),
            };
            writeln!(out, "{line}").map_err(werr)?;
        }
    }
    out.flush().map_err(werr)?;
    if let Some(why) = &input.aborted {
        eprintln!("satchain: {why}");
        exit = EXIT_ERROR;
    }
    Ok(exit)
}
