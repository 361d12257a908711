//! Helpers of the CLI integration tests: the shared data directory, running the binary with
//! optional stdin, parsing its output.
#![allow(dead_code, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

pub fn data(rel: &str) -> PathBuf {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/data")
        .join(rel);
    assert!(
        p.exists(),
        "test data {} is missing: these tests need the shared data directory beside the repository (../shared/data)",
        p.display()
    );
    p
}

pub fn satchain(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_satchain"));
    cmd.args(args).stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    });
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn satchain");
    // Feed stdin from a thread: the child writes output while it still reads input, and
    // a full stdout pipe would otherwise block both sides.
    let writer = stdin.map(|input| {
        let mut pipe = child.stdin.take().expect("stdin");
        let input = input.to_vec();
        std::thread::spawn(move || pipe.write_all(&input).expect("write stdin"))
    });
    let out = child.wait_with_output().expect("wait");
    if let Some(w) = writer {
        w.join().expect("stdin writer");
    }
    out
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("utf8 stdout")
}

pub fn one_json(o: &Output) -> Value {
    let s = stdout(o);
    let lines: Vec<&str> = s.lines().collect();
    assert_eq!(
        lines.len(),
        1,
        "want exactly one JSON line, got: {s}\nstderr: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_str(lines[0]).expect("valid JSON")
}

pub fn tmp(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    dir.join(format!("{}-{name}", std::process::id()))
}

/// The CLI's JSON Schema (`cli/schema/satchain.schema.json`).
pub fn schema_root() -> Value {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("schema/satchain.schema.json");
    serde_json::from_str(&std::fs::read_to_string(&p).expect("read schema")).expect("schema JSON")
}

/// A validator for the schema's definition `def` (`validate_block_line`, `hash_line`, ...).
pub fn validator(def: &str) -> jsonschema::Validator {
    let root = schema_root();
    assert!(
        root["$defs"][def].is_object(),
        "no $defs/{def} in the schema"
    );
    let s = serde_json::json!({
        "$schema": root["$schema"],
        "$defs": root["$defs"],
        "$ref": format!("#/$defs/{def}"),
    });
    jsonschema::validator_for(&s).expect("schema compiles")
}

/// Panics with every violation when `doc` does not follow the schema's `def`.
pub fn assert_schema(def: &str, doc: &Value) {
    let errors: Vec<String> = validator(def)
        .iter_errors(doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{def}: {errors:#?}\n{doc}");
}
