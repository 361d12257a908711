//! The JSON Lines inputs of `satchain verify-batch` and `satchain hash-batch`: the CLI's own
//! line reader (`input::lines_from`, the limits of `open_lines`) and batch processors
//! (`cmd_verify::process`, `cmd_hash::process`) over arbitrary bytes, on the single-thread
//! software backend.
//!
//! Input layout: byte 0 picks the command (bit 0: hash-batch, else verify-batch) and the
//! verify rules (bit 1: strict DER, bit 2: low S); the rest is the file.
//!
//! Properties:
//! - no panic; the processor returns `Ok` with exit code 0 (the input is never abandoned
//!   below the 64 KiB `-max_len`, so 2 would be a wrong verdict on the input);
//! - exactly one output line per input line, each a JSON object carrying the line's `id`
//!   (`null` when the line has none or is not an object);
//! - hash-batch: a line with a digest names a `msg` that hashes (SHA-256, or SHA-256d in
//!   the double modes) to exactly that digest, recomputed here with `sha2` from the line as
//!   `serde_json` reads it, with `error` null; a line without a digest carries an error string;
//! - verify-batch: `valid` is a bool, `error` is null exactly when `valid` is true, and a
//!   line that is not a JSON object is never valid.
#![no_main]

use std::io::Cursor;

use fallback_sw::SoftwareBackend;
use libfuzzer_sys::fuzz_target;
use satchain_cli::cmd_verify::SigRules;
use satchain_cli::input::lines_from;
use satchain_cli::{cmd_hash, cmd_verify};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The input split the way the CLI's line reader splits it: on `\n`, a final line without
/// one counts when non-empty.
fn input_lines(file: &[u8]) -> Vec<&[u8]> {
    let mut v: Vec<&[u8]> = file.split(|b| *b == b'\n').collect();
    if v.last().is_some_and(|l| l.is_empty()) {
        v.pop();
    }
    v
}

/// The line as a JSON object, as a well-behaved reader sees it (trailing CRs dropped).
fn object(line: &[u8]) -> Option<serde_json::Map<String, Value>> {
    let mut line = line;
    while let Some(rest) = line.strip_suffix(b"\r") {
        line = rest;
    }
    match serde_json::from_slice::<Value>(line) {
        Ok(Value::Object(m)) => Some(m),
        _ => None,
    }
}

fn expected_digest(obj: &serde_json::Map<String, Value>) -> Option<[u8; 32]> {
    let msg = hex::decode(obj.get("msg")?.as_str()?.trim()).ok()?;
    let once: [u8; 32] = Sha256::digest(&msg).into();
    let double = match obj.get("mode") {
        None | Some(Value::Null) => false,
        Some(Value::String(m)) if m == "sha256" => false,
        Some(Value::String(_)) => true,
        Some(_) => return None,
    };
    Some(if double { Sha256::digest(once).into() } else { once })
}

fuzz_target!(|data: &[u8]| {
    let Some((&sel, file)) = data.split_first() else {
        return;
    };
    let backend = SoftwareBackend::single_thread();
    let reader = lines_from(Cursor::new(file.to_vec()), "fuzz input");
    let mut out = Vec::new();
    let code = if sel & 1 == 1 {
        cmd_hash::process(&backend, reader, &mut out)
    } else {
        let rules = SigRules {
            strict_der: sel & 2 != 0,
            low_s: sel & 4 != 0,
        };
        cmd_verify::process(&rules, &backend, reader, &mut out)
    }
    .expect("an in-memory batch cannot fail on I/O");
    assert_eq!(code, 0, "exit code on an input below the runaway limit");

    let ins = input_lines(file);
    let outs: Vec<Value> = out
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice(l).expect("every output line is JSON"))
        .collect();
    assert_eq!(outs.len(), ins.len(), "one output line per input line");
    for (k, (line, o)) in ins.iter().zip(&outs).enumerate() {
        let obj = object(line);
        let want_id = obj
            .as_ref()
            .and_then(|m| m.get("id").cloned())
            .unwrap_or(Value::Null);
        assert_eq!(o.get("id"), Some(&want_id), "line {k}: id");
        if sel & 1 == 1 {
            match o.get("digest") {
                Some(Value::String(d)) => {
                    let obj = obj.as_ref().expect("a digest for a line that is no JSON object");
                    let want = expected_digest(obj).expect("a digest for a line without a msg");
                    assert_eq!(d, &hex::encode(want), "line {k}: digest");
                    assert_eq!(o.get("error"), Some(&Value::Null), "line {k}: error null");
                }
                Some(Value::Null) => {
                    assert!(o.get("error").is_some_and(Value::is_string), "line {k}: error");
                }
                other => panic!("line {k}: digest field {other:?}"),
            }
        } else {
            let valid = o.get("valid").and_then(Value::as_bool).expect("valid is a bool");
            let err = o.get("error").expect("an error field");
            assert_eq!(valid, err.is_null(), "line {k}: error is null exactly when valid");
            if obj.is_none() {
                assert!(!valid, "line {k}: not a JSON object, yet valid");
            }
        }
    }
});
