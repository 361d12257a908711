#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::cast_possible_truncation
)]
//! End-to-end tests of the `satchain` binary: real blocks from ../shared/data, exit codes and
//! bad input. The batch commands' JSON Lines contracts and the demo: `cli_batch.rs`.

mod common;

use common::{data, one_json, satchain, stdout, tmp};
use serde_json::Value;

#[test]
fn cli_validate_block_413567_json() {
    let f = data("bitcoin-core/block413567.raw");
    let o = satchain(
        &["validate-block", f.to_str().expect("path"), "--json"],
        None,
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v = one_json(&o);
    assert_eq!(v["valid"], true);
    assert_eq!(v["error"], Value::Null);
    assert_eq!(
        v["block_hash"],
        "0000000000000000025aff8be8a55df8f89c77296db6198f272d6577325d4069"
    );
    assert_eq!(v["txs"], 1557);
    assert_eq!(v["inputs"], 4887);
    assert_eq!(v["merkle_root_ok"], true);
    assert_eq!(v["pow_ok"], true);
    assert_eq!(v["block_signature_ok"], Value::Null);
    assert_eq!(v["signatures"]["checked"], 5815);
    assert_eq!(v["signatures"]["valid"], 5815);
    assert_eq!(v["signatures"]["invalid"], 0);
    assert_eq!(v["signatures"]["not_checkable"], 0);
    assert_eq!(v["backend"], "sw");
    let t = v["timings_us"].as_object().expect("timings_us object");
    assert!(
        t.get("total")
            .and_then(Value::as_u64)
            .is_some_and(|x| x > 0),
        "{t:?}"
    );
}

#[test]
fn cli_validate_qtum_block_json() {
    let f = data("qtum/blockbench.raw");
    let o = satchain(
        &[
            "validate-block",
            f.to_str().expect("path"),
            "--chain",
            "qtum",
            "--json",
            "--threads",
            "1",
        ],
        None,
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v = one_json(&o);
    assert_eq!(v["valid"], true);
    assert_eq!(
        v["block_hash"],
        "f4fdd3d2fbc70777e9f0f373c607a7d06f005e0e4f63d76bc416e9a728ec86ce"
    );
    assert_eq!(v["txs"], 7);
    assert_eq!(v["merkle_root_ok"], true);
    assert_eq!(v["block_signature_ok"], true);
    assert_eq!(v["signatures"]["valid"], 6);
    assert_eq!(v["signatures"]["invalid"], 0);
    assert_eq!(v["signatures"]["not_checkable"], 1);
}

#[test]
fn cli_validate_human_summary_and_hex_input() {
    let raw = std::fs::read(data("qtum/blockbench.raw")).expect("read");
    let hexfile = tmp("qtum.hex");
    std::fs::write(&hexfile, hex::encode(&raw) + "\n").expect("write");
    let o = satchain(
        &[
            "validate-block",
            hexfile.to_str().expect("path"),
            "--chain",
            "qtum",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0));
    let s = stdout(&o);
    assert!(
        s.contains("VALID") && s.contains("block signature    ok"),
        "{s}"
    );
    // From stdin too.
    let o = satchain(
        &["validate-block", "-", "--chain", "qtum", "--json"],
        Some(&raw),
    );
    assert_eq!(one_json(&o)["valid"], true);
}

#[test]
fn cli_validate_invalid_and_garbage_blocks() {
    let mut raw = std::fs::read(data("bitcoin-core/block413567.raw")).expect("read");
    // Flip a bit inside the last transaction: merkle mismatch, exit 1, error named.
    let n = raw.len();
    raw[n - 10] ^= 0x01;
    let f = tmp("flipped.raw");
    std::fs::write(&f, &raw).expect("write");
    let o = satchain(
        &["validate-block", f.to_str().expect("path"), "--json"],
        None,
    );
    assert_eq!(o.status.code(), Some(1));
    let v = one_json(&o);
    assert_eq!(v["valid"], false);
    assert_eq!(v["merkle_root_ok"], false);
    assert!(
        v["error"].as_str().is_some_and(|e| e.contains("merkle")),
        "{v}"
    );

    // Truncated and garbage input: a typed parse error, exit 1, never a panic.
    for (name, bytes) in [
        ("trunc", raw[..1000].to_vec()),
        ("garbage", vec![0x5a; 300]),
        ("short", vec![1, 2, 3]),
    ] {
        let f = tmp(name);
        std::fs::write(&f, &bytes).expect("write");
        let o = satchain(
            &["validate-block", f.to_str().expect("path"), "--json"],
            None,
        );
        assert_eq!(
            o.status.code(),
            Some(1),
            "{name}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let v = one_json(&o);
        assert_eq!(v["valid"], false);
        assert!(
            v["error"].as_str().is_some_and(|e| !e.is_empty()),
            "{name}: {v}"
        );
    }
}

#[test]
fn cli_validate_blk_file() {
    let btc = std::fs::read(data("bitcoin-core/block413567.raw")).expect("read");
    let mut blk = Vec::new();
    for _ in 0..2 {
        blk.extend_from_slice(&[0xf9, 0xbe, 0xb4, 0xd9]);
        blk.extend_from_slice(&(btc.len() as u32).to_le_bytes());
        blk.extend_from_slice(&btc);
    }
    blk.extend_from_slice(&[0u8; 64]); // pre-allocated zero tail, as Core leaves it
    let f = tmp("blk00000.dat");
    std::fs::write(&f, &blk).expect("write");
    let o = satchain(
        &["validate-block", f.to_str().expect("path"), "--json"],
        None,
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let lines: Vec<Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[1]["index"], 1);
    assert_eq!(lines[1]["offset"], 8 + btc.len() + 8);
    assert!(lines
        .iter()
        .all(|v| v["valid"] == true && v["signatures"]["valid"] == 5815));
    // Human mode: one line per block plus a total; truncated record: exit 2.
    let o = satchain(&["validate-block", f.to_str().expect("path")], None);
    let s = stdout(&o);
    assert!(s.contains("2 blocks, 2 valid, 0 invalid"), "{s}");
    std::fs::write(&f, &blk[..blk.len() - 64 - 100]).expect("write");
    let o = satchain(&["validate-block", f.to_str().expect("path")], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("after 1 blocks"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn cli_usage_and_io_errors_exit_2() {
    let o = satchain(&["validate-block", "/nonexistent/block.raw"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("/nonexistent/block.raw"));
    let f = data("qtum/blockbench.raw");
    // `sim` runs the Verilated top (tested elsewhere); `fpga` needs a UIO device named
    // "satchain" (satchain_fpga::open_board), absent here.
    for backend in ["fpga"] {
        let o = satchain(
            &[
                "validate-block",
                f.to_str().expect("path"),
                "--backend",
                backend,
            ],
            None,
        );
        assert_eq!(o.status.code(), Some(2));
        let e = String::from_utf8_lossy(&o.stderr).to_string();
        assert!(
            e.contains(&format!(
                "backend '{backend}': no UIO device named \"satchain\""
            )),
            "{e}"
        );
    }
    // SATCHAIN_UIO names the device by number instead of looking it up.
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_satchain"))
        .args([
            "validate-block",
            f.to_str().expect("path"),
            "--backend",
            "fpga",
        ])
        .env("SATCHAIN_UIO", "4000000")
        .output()
        .expect("run satchain");
    assert_eq!(o.status.code(), Some(2));
    let e = String::from_utf8_lossy(&o.stderr).to_string();
    assert!(
        e.contains("backend 'fpga': cannot open the UIO device /dev/uio4000000"),
        "{e}"
    );
    let o = satchain(
        &[
            "validate-block",
            f.to_str().expect("path"),
            "--backend",
            "gpu",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    let o = satchain(&["frobnicate"], None);
    assert_eq!(o.status.code(), Some(2));
}

/// Issue 5: the Qtum PoS block through driver + Verilated top gives the software verdict and
/// counts, and reports simulated device cycles with their projection.
#[test]
fn cli_validate_qtum_block_sim_equals_sw_and_reports_cycles() {
    let f = data("qtum/blockbench.raw");
    let f = f.to_str().unwrap();
    let sw = one_json(&satchain(
        &["validate-block", f, "--chain", "qtum", "--json"],
        None,
    ));
    let sim = one_json(&satchain(
        &[
            "validate-block",
            f,
            "--chain",
            "qtum",
            "--backend",
            "sim",
            "--json",
        ],
        None,
    ));
    for k in [
        "valid",
        "error",
        "block_hash",
        "txs",
        "inputs",
        "merkle_root_ok",
        "pow_ok",
        "block_signature_ok",
        "signatures",
    ] {
        assert_eq!(sw[k], sim[k], "field {k} differs between sw and sim");
    }
    assert_eq!(sim["backend"], "sim");
    assert!(
        sw["device"].is_null(),
        "the software backend has no device section"
    );
    let d = &sim["device"];
    assert!(
        d["cycles"].as_u64().unwrap() > 0,
        "simulated cycles reported: {d}"
    );
    assert!(d["projected_us"].as_u64().unwrap() > 0);
    assert_eq!(d["fallback_jobs"], 0, "no fault, so nothing fell back: {d}");
}

/// The closed value sets are clap `ValueEnum`s: `--help` lists them, names are taken in any
/// case, and a wrong value is a usage error (exit 2) naming the flag and the possible values.
#[test]
fn cli_value_enums_list_accept_any_case_and_name_the_flag() {
    let help = satchain(&["validate-block", "--help"], None);
    assert_eq!(help.status.code(), Some(0));
    let text = String::from_utf8_lossy(&help.stdout);
    for value in [
        "bitcoin",
        "qtum",
        "mainnet",
        "testnet4",
        "signet",
        "regtest",
        "sw",
        "fpga",
        "libsecp256k1",
        "k256",
    ] {
        assert!(text.contains(value), "--help lacks {value}: {text}");
    }
    for (flag, bad) in [
        ("--chain", "litecoin"),
        ("--network", "moon"),
        ("--backend", "gpu"),
        ("--verifier", "openssl"),
    ] {
        let o = satchain(&["validate-block", "-", flag, bad], Some(b""));
        assert_eq!(o.status.code(), Some(2), "{flag} {bad}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains(flag) && err.contains(bad) && err.contains("possible values"),
            "{flag} {bad}: {err}"
        );
    }
    // Any case: BTC (an alias), SW, K256 on a real block.
    let f = data("bitcoin-core/block413567.raw");
    let o = satchain(
        &[
            "validate-block",
            f.to_str().expect("path"),
            "--chain",
            "BTC",
            "--backend",
            "SW",
            "--verifier",
            "K256",
            "--network",
            "Main",
            "--json",
        ],
        None,
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(one_json(&o)["valid"], true);
}
