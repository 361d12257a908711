#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `--verifier libsecp256k1|k256` of the sw backend: both give the same lines on the same
//! input (scripts/arm/verify.jsonl: valid compressed/uncompressed/high-S, a wrong message, an
//! x >= p key, a line that is not JSON); an unknown name or another backend is a usage error.

use std::path::PathBuf;
use std::process::{Command, Output};

fn satchain(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_satchain"))
        .args(args)
        .output()
        .expect("run satchain")
}

fn fixture() -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../scripts/arm/verify.jsonl")
        .to_string_lossy()
        .into_owned()
}

#[test]
fn verifiers_give_the_same_lines() {
    let file = fixture();
    let default = satchain(&["verify-batch", &file]);
    assert_eq!(default.status.code(), Some(0));
    let out = String::from_utf8(default.stdout.clone()).unwrap();
    let valid: Vec<bool> = out.lines().map(|l| l.contains("\"valid\":true")).collect();
    assert_eq!(valid, [true, true, true, false, false, false], "{out}");
    for v in ["libsecp256k1", "k256"] {
        for threads in ["1", "2"] {
            let o = satchain(&["verify-batch", &file, "--verifier", v, "--threads", threads]);
            assert_eq!(o.status.code(), Some(0), "{v}");
            assert_eq!(
                o.stdout, default.stdout,
                "--verifier {v} --threads {threads}"
            );
        }
    }
}

#[test]
fn verifier_usage_errors() {
    let file = fixture();
    let o = satchain(&["verify-batch", &file, "--verifier", "openssl"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("libsecp256k1") && err.contains("k256"),
        "{err}"
    );
    let o = satchain(&[
        "verify-batch",
        &file,
        // fpga: in the development and the board build alike (sim is not in the board's);
        // the option is refused before any device is opened.
        "--backend",
        "fpga",
        "--verifier",
        "k256",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--verifier applies to --backend sw"));
}
