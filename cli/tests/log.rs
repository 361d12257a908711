//! `--log` / `RUST_LOG`: the backends' tracing events on stderr, stdout still pure JSON.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod common;

use std::path::PathBuf;

use common::{satchain, stdout};
use serde_json::Value;

fn hash_lines() -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scripts/arm/hash.jsonl");
    std::fs::read(p).expect("scripts/arm/hash.jsonl")
}

fn all_json(o: &std::process::Output) -> usize {
    let s = stdout(o);
    for l in s.lines() {
        serde_json::from_str::<Value>(l).unwrap_or_else(|e| panic!("stdout not JSON ({e}): {l}"));
    }
    s.lines().count()
}

/// On the simulated accelerator the FPGA backend's `batch done` events appear at `debug`,
/// on stderr only; without `--log` (default `warn`) they do not.
#[cfg(feature = "sim")]
#[test]
fn log_debug_shows_backend_events_on_stderr_only() {
    let input = hash_lines();
    let n_in = input
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .count();
    let o = satchain(
        &["--log", "debug", "hash-batch", "-", "--backend", "sim"],
        Some(&input),
    );
    assert_eq!(o.status.code(), Some(0));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("DEBUG") && err.contains("batch done") && err.contains("satchain_fpga"),
        "no backend debug event on stderr: {err}"
    );
    assert_eq!(all_json(&o), n_in, "one JSON line per input line");
    assert!(
        !stdout(&o).contains("batch done"),
        "events leaked into stdout"
    );

    let quiet = satchain(&["hash-batch", "-", "--backend", "sim"], Some(&input));
    assert_eq!(quiet.status.code(), Some(0));
    let err = String::from_utf8_lossy(&quiet.stderr);
    assert!(
        !err.contains("batch done"),
        "debug events without --log: {err}"
    );
    assert_eq!(stdout(&quiet), stdout(&o), "--log changes only stderr");
}

/// A filter that does not parse is a usage error (exit 2), before anything runs.
#[test]
fn log_bad_filter_is_a_usage_error() {
    let o = satchain(
        &["--log", "satchain=notalevel", "hash-batch", "-"],
        Some(b""),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--log"));
    assert!(o.stdout.is_empty());
}
