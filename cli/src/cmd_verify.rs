//! `satchain verify-batch FILE|-`: JSON Lines of ECDSA checks in, one verdict line out per
//! line in, same order.
//!
//! In: `{"id": any?, "pubkey": hex SEC1, "sig": hex DER (no hash-type byte),
//! "msg": hex (hashed with SHA-256) | "msg_hash": 32-byte hex}`.
//! Out: `{"id": .., "valid": bool, "error": string|null}`. A malformed line gets
//! `valid: false` and an error naming the field; the batch goes on.

use std::io::Write;

use clap::Args;
use crypto_core::der::{check_strict, is_low_s, parse_lax};
use crypto_core::{HashJob, PubkeyBytes, VerifyJob};
use serde_json::{json, Map, Value};

use crate::backend_select::BackendArgs;
use crate::error::{CliError, EXIT_ERROR, EXIT_OK};
use crate::input::{hex_field, open_lines, parse_object};

/// Lines per batch sent to the backend (bounds memory; order is kept across batches).
pub const CHUNK_LINES: usize = 4096;

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// JSON Lines file, or `-` for stdin.
    pub file: String,
    #[command(flatten)]
    pub backend: BackendArgs,
    /// Reject signatures that are not BIP66 strict DER (default: libsecp256k1's lax parser).
    #[arg(long)]
    pub strict_der: bool,
    /// Reject signatures with s > n/2 (BIP146).
    #[arg(long)]
    pub low_s: bool,
}

/// What one input line asks for, before hashing.
struct Parsed {
    pubkey: PubkeyBytes,
    r: [u8; 32],
    s: [u8; 32],
    msg: Msg,
}

enum Msg {
    Hash([u8; 32]),
    /// Index into the chunk's hash jobs.
    ToHash(usize),
}

fn parse_line(
    obj: &Map<String, Value>,
    args: &VerifyArgs,
    hash_jobs: &mut Vec<HashJob>,
) -> Result<Parsed, String> {
    let pk = hex_field(obj, "pubkey")?.ok_or("missing field \"pubkey\"")?;
    let pubkey = PubkeyBytes::from_sec1(&pk).ok_or_else(|| {
        format!("field \"pubkey\": not a SEC1 public key ({} bytes; want 33 bytes 02/03.. or 65 bytes 04/06/07..)", pk.len())
    })?;
    let sig = hex_field(obj, "sig")?.ok_or("missing field \"sig\"")?;
    if args.strict_der {
        // check_strict wants the hash-type byte Core's scripts carry; any value will do.
        let mut with_type = sig.clone();
        with_type.push(1);
        check_strict(&with_type).map_err(|e| format!("field \"sig\": {e}"))?;
    }
    let raw = parse_lax(&sig).map_err(|e| format!("field \"sig\": {e}"))?;
    if args.low_s && !is_low_s(&raw.s) {
        return Err("field \"sig\": s is above n/2 (BIP146 low-S required)".to_string());
    }
    let msg = match (hex_field(obj, "msg")?, hex_field(obj, "msg_hash")?) {
        (Some(_), Some(_)) => return Err("give \"msg\" or \"msg_hash\", not both".to_string()),
        (None, None) => return Err("missing field \"msg\" or \"msg_hash\"".to_string()),
        (Some(m), None) => {
            hash_jobs.push(HashJob::sha256(m));
            Msg::ToHash(hash_jobs.len() - 1)
        }
        (None, Some(h)) => {
            let h: [u8; 32] = h
                .as_slice()
                .try_into()
                .map_err(|_| format!("field \"msg_hash\": want 32 bytes, got {}", h.len()))?;
            Msg::Hash(h)
        }
    };
    Ok(Parsed {
        pubkey,
        r: raw.r,
        s: raw.s,
        msg,
    })
}

pub fn run(args: &VerifyArgs) -> Result<u8, CliError> {
    let backend = args.backend.make()?;
    let mut input = open_lines(&args.file)?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let werr = |e| CliError::io("writing stdout", e);
    let mut exit = EXIT_OK;
    loop {
        let lines = input.batch(CHUNK_LINES)?;
        if lines.is_empty() {
            break;
        }
        let mut hash_jobs = Vec::new();
        let mut ids = Vec::with_capacity(lines.len());
        let parsed: Vec<Result<Parsed, String>> = lines
            .iter()
            .map(|line| {
                let obj = parse_object(line);
                ids.push(
                    obj.as_ref()
                        .ok()
                        .and_then(|o| o.get("id").cloned())
                        .unwrap_or(Value::Null),
                );
                obj.and_then(|o| parse_line(&o, args, &mut hash_jobs))
            })
            .collect();
        // One hash batch for the chunk's `msg` fields, one verify batch for its jobs.
        let results: Vec<Result<(), String>> = match backend.hash_batch(&hash_jobs) {
            Err(e) => {
                exit = EXIT_ERROR;
                parsed
                    .iter()
                    .map(|_| Err(format!("backend failed the hash batch: {e}")))
                    .collect()
            }
            Ok(digests) => {
                let mut jobs = Vec::new();
                let mut job_of_line = Vec::with_capacity(parsed.len());
                for p in &parsed {
                    job_of_line.push(match p {
                        Ok(p) => {
                            let prehash = match p.msg {
                                Msg::Hash(h) => h,
                                Msg::ToHash(i) => digests.get(i).copied().unwrap_or([0; 32]),
                            };
                            jobs.push(VerifyJob {
                                pubkey: p.pubkey.clone(),
                                prehash,
                                r: p.r,
                                s: p.s,
                            });
                            Ok(jobs.len() - 1)
                        }
                        Err(e) => Err(e.clone()),
                    });
                }
                match backend.verify_batch(&jobs) {
                    Err(e) => {
                        exit = EXIT_ERROR;
                        parsed
                            .iter()
                            .map(|_| Err(format!("backend failed the verify batch: {e}")))
                            .collect()
                    }
                    Ok(verdicts) => job_of_line
                        .into_iter()
                        .map(|j| match j {
                            Ok(i) => match verdicts.get(i) {
                                Some(v) if v.is_valid() => Ok(()),
                                Some(crypto_core::Verdict::Invalid(why)) => Err(why.to_string()),
                                _ => Err("backend returned too few verdicts".to_string()),
                            },
                            Err(e) => Err(e),
                        })
                        .collect(),
                }
            }
        };
        for (id, res) in ids.into_iter().zip(results) {
            let line = match res {
                Ok(()) => json!({ "id": id, "valid": true, "error": null }),
                Err(e) => json!({ "id": id, "valid": false, "error": e }),
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
