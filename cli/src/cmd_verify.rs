//! `satchain verify-batch FILE|-`: JSON Lines of ECDSA or BIP340 checks in, one verdict line
//! out per line in, same order.
//!
//! In (ECDSA, `"scheme": "ecdsa"` or no scheme): `{"id": any?, "pubkey": hex SEC1, "sig": hex
//! DER (no hash-type byte), "msg": hex (hashed with SHA-256) | "msg_hash": 32-byte hex}`.
//! In (BIP340): `{"id": any?, "scheme": "bip340", "pubkey": 32-byte x-only hex, "sig": 64-byte
//! hex, "msg": 32-byte hex (the message itself, not hashed)}`.
//! Out: `{"id": .., "valid": bool, "error": string|null}`. A malformed line gets
//! `valid: false` and an error naming the field; the batch goes on.

use std::io::Write;

use clap::Args;
use crypto_core::der::{check_strict, is_low_s, parse_lax};
use crypto_core::{Backend, HashJob, PubkeyBytes, SchnorrJob, SchnorrVerdict, Verdict, VerifyJob};
use serde_json::{json, Map, Value};

use crate::backend_select::BackendArgs;
use crate::error::{CliError, EXIT_ERROR, EXIT_OK};
use crate::input::{hex_field, open_lines, parse_object, Lines};

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

/// The signature encoding rules a batch applies to its ECDSA lines.
#[derive(Debug, Clone, Copy, Default)]
pub struct SigRules {
    /// BIP66 strict DER (otherwise libsecp256k1's lax parser).
    pub strict_der: bool,
    /// s <= n/2 (BIP146).
    pub low_s: bool,
}

/// What one input line asks for.
enum Job {
    Ecdsa(Parsed),
    Schnorr(SchnorrJob),
}

/// An ECDSA line, before hashing.
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
    args: &SigRules,
    hash_jobs: &mut Vec<HashJob>,
) -> Result<Job, String> {
    match obj.get("scheme") {
        None | Some(Value::Null) => parse_ecdsa(obj, args, hash_jobs).map(Job::Ecdsa),
        Some(Value::String(s)) if s == "ecdsa" => parse_ecdsa(obj, args, hash_jobs).map(Job::Ecdsa),
        Some(Value::String(s)) if s == "bip340" => parse_bip340(obj).map(Job::Schnorr),
        Some(other) => Err(format!(
            "field \"scheme\": want \"ecdsa\" or \"bip340\", got {other}"
        )),
    }
}

/// `field` as exactly `N` bytes of hex.
fn fixed<const N: usize>(obj: &Map<String, Value>, field: &str) -> Result<[u8; N], String> {
    let v = hex_field(obj, field)?.ok_or_else(|| format!("missing field {field:?}"))?;
    let n = v.len();
    v.try_into()
        .map_err(|_| format!("field {field:?}: BIP340 wants {N} bytes, got {n}"))
}

fn parse_bip340(obj: &Map<String, Value>) -> Result<SchnorrJob, String> {
    if obj.contains_key("msg_hash") {
        return Err("BIP340 lines take \"msg\" (the 32-byte message), not \"msg_hash\"".into());
    }
    Ok(SchnorrJob {
        xonly_pubkey: fixed(obj, "pubkey")?,
        sig64: fixed(obj, "sig")?,
        msg32: fixed(obj, "msg")?,
    })
}

fn parse_ecdsa(
    obj: &Map<String, Value>,
    args: &SigRules,
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
    let input = open_lines(&args.file)?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let rules = SigRules {
        strict_der: args.strict_der,
        low_s: args.low_s,
    };
    process(&rules, backend.as_ref(), input, &mut out)
}

/// The batch itself: every line of `input` in, one verdict line per line out to `out`, in
/// order, through `backend`. The exit code is `EXIT_ERROR` when the backend failed a batch or
/// the input was abandoned (a runaway line); malformed lines only make their own verdict.
pub fn process(
    rules: &SigRules,
    backend: &dyn Backend,
    mut input: Lines,
    out: &mut dyn Write,
) -> Result<u8, CliError> {
    let args = rules;
    let werr = |e| CliError::io("writing stdout", e);
    let mut exit = EXIT_OK;
    loop {
        let lines = input.batch(CHUNK_LINES)?;
        if lines.is_empty() {
            break;
        }
        let mut hash_jobs = Vec::new();
        let mut ids = Vec::with_capacity(lines.len());
        let parsed: Vec<Result<Job, String>> = lines
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
        // One hash batch for the chunk's ECDSA `msg` fields, one ECDSA verify batch and one
        // BIP340 batch for its jobs.
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
                let mut schnorr = Vec::new();
                // Per line: Ok((is_schnorr, job index)) or the parse error.
                let mut job_of_line = Vec::with_capacity(parsed.len());
                for p in &parsed {
                    job_of_line.push(match p {
                        Ok(Job::Ecdsa(p)) => {
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
                            Ok((false, jobs.len() - 1))
                        }
                        Ok(Job::Schnorr(j)) => {
                            schnorr.push(j.clone());
                            Ok((true, schnorr.len() - 1))
                        }
                        Err(e) => Err(e.clone()),
                    });
                }
                let verdicts = backend
                    .verify_batch(&jobs)
                    .map_err(|e| format!("backend failed the verify batch: {e}"));
                let schnorr_verdicts = backend
                    .verify_schnorr_batch(&schnorr)
                    .map_err(|e| format!("backend failed the BIP340 verify batch: {e}"));
                if verdicts.is_err() || schnorr_verdicts.is_err() {
                    exit = EXIT_ERROR;
                }
                job_of_line
                    .into_iter()
                    .map(|j| {
                        let (is_schnorr, i) = j?;
                        let why = if is_schnorr {
                            match schnorr_verdicts.as_ref()?.get(i) {
                                Some(SchnorrVerdict::Valid) => return Ok(()),
                                Some(SchnorrVerdict::Invalid(why)) => why.to_string(),
                                None => "backend returned too few verdicts".to_string(),
                            }
                        } else {
                            match verdicts.as_ref()?.get(i) {
                                Some(Verdict::Valid) => return Ok(()),
                                Some(Verdict::Invalid(why)) => why.to_string(),
                                None => "backend returned too few verdicts".to_string(),
                            }
                        };
                        Err(why)
                    })
                    .collect()
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
