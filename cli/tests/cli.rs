#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::cast_possible_truncation
)]
//! End-to-end tests of the `satchain` binary: real blocks from ../shared/data, the batch
//! commands' JSON Lines contracts, the demo, exit codes and bad input.

mod common;

use common::{data, one_json, satchain, stdout, tmp};
use k256::ecdsa::signature::hazmat::PrehashSigner;
use k256::ecdsa::{Signature, SigningKey};
use serde_json::Value;
use sha2::{Digest, Sha256};

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

fn sign(seed: u8, msg_hash: &[u8; 32], compressed: bool) -> (String, String) {
    let key = SigningKey::from_slice(&[seed; 32]).expect("key");
    let sig: Signature = key.sign_prehash(msg_hash).expect("sign");
    let pk = key.verifying_key().to_encoded_point(compressed);
    (
        hex::encode(pk.as_bytes()),
        hex::encode(sig.to_der().as_bytes()),
    )
}

#[test]
fn cli_verify_batch_keeps_order_and_echoes_ids() {
    let msg = b"SatChain Accel";
    let h: [u8; 32] = Sha256::digest(msg).into();
    let (pk, sig) = sign(7, &h, true);
    let (pk_u, sig_u) = sign(9, &h, false);
    // The same signature with s replaced by n - s (high S): valid as plain ECDSA, not with --low-s.
    let key = SigningKey::from_slice(&[7; 32]).expect("key");
    let s: Signature = key.sign_prehash(&h).expect("sign");
    let high =
        Signature::from_scalars(s.r().to_bytes(), (-*s.s().as_ref()).to_bytes()).expect("high s");
    let sig_high = hex::encode(high.to_der().as_bytes());
    let lines = [
        format!(
            r#"{{"id":1,"pubkey":"{pk}","sig":"{sig}","msg":"{}"}}"#,
            hex::encode(msg)
        ),
        format!(
            r#"{{"id":"two","pubkey":"{pk}","sig":"{sig}","msg_hash":"{}"}}"#,
            hex::encode(h)
        ),
        format!(
            r#"{{"id":3,"pubkey":"{pk_u}","sig":"{sig_u}","msg":"{}"}}"#,
            hex::encode(msg)
        ),
        format!(
            r#"{{"id":4,"pubkey":"{pk}","sig":"{sig}","msg":"{}"}}"#,
            hex::encode(b"other")
        ),
        format!(
            r#"{{"id":5,"pubkey":"{pk_u}","sig":"{sig}","msg":"{}"}}"#,
            hex::encode(msg)
        ),
        "not json".to_string(),
        format!(r#"{{"id":7,"pubkey":"zz","sig":"{sig}","msg":"00"}}"#),
        format!(r#"{{"id":8,"pubkey":"{pk}","sig":"3000","msg":"00"}}"#),
        format!(r#"{{"id":9,"pubkey":"{pk}","sig":"{sig}"}}"#),
        format!(r#"{{"id":10,"pubkey":"{pk}","sig":"{sig}","msg_hash":"0011"}}"#),
        String::new(),
        format!(
            r#"{{"id":12,"pubkey":"{pk}","sig":"{sig_high}","msg":"{}"}}"#,
            hex::encode(msg)
        ),
        format!(
            r#"{{"id":13,"pubkey":"02{}","sig":"{sig}","msg":"{}"}}"#,
            "ff".repeat(32),
            hex::encode(msg)
        ),
    ];
    let input = lines.join("\n") + "\n";
    let o = satchain(&["verify-batch", "-"], Some(input.as_bytes()));
    assert_eq!(
        o.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let out: Vec<Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    assert_eq!(out.len(), lines.len(), "one line out per line in");
    let valid: Vec<bool> = out
        .iter()
        .map(|v| v["valid"].as_bool().expect("valid bool"))
        .collect();
    assert_eq!(
        valid,
        [true, true, true, false, false, false, false, false, false, false, false, true, false]
    );
    assert_eq!(out[0]["id"], 1);
    assert_eq!(out[1]["id"], "two");
    assert_eq!(out[5]["id"], Value::Null);
    assert_eq!(out[6]["id"], 7);
    assert_eq!(out[0]["error"], Value::Null);
    let err = |i: usize| out[i]["error"].as_str().unwrap_or_default().to_string();
    assert!(err(3).contains("does not verify"), "{}", err(3));
    assert!(err(5).contains("JSON"), "{}", err(5));
    assert!(err(6).contains("pubkey"), "{}", err(6));
    assert!(err(7).contains("sig"), "{}", err(7));
    assert!(err(8).contains("msg"), "{}", err(8));
    assert!(err(9).contains("32 bytes"), "{}", err(9));
    assert!(err(12).contains("public key"), "{}", err(12));

    // --low-s rejects the high-S line; --strict-der still accepts the DER ones.
    let o = satchain(
        &[
            "verify-batch",
            "-",
            "--low-s",
            "--strict-der",
            "--threads",
            "1",
        ],
        Some(input.as_bytes()),
    );
    let out: Vec<Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    assert_eq!(out[0]["valid"], true);
    assert_eq!(out[11]["valid"], false);
    assert!(
        out[11]["error"]
            .as_str()
            .unwrap_or_default()
            .contains("low-S"),
        "{}",
        out[11]
    );
}

#[test]
fn cli_verify_batch_many_lines_cross_chunks() {
    // More lines than one backend batch (4096): order must hold across chunks.
    let h: [u8; 32] = Sha256::digest(b"x").into();
    let (pk, sig) = sign(3, &h, true);
    let mut input = String::new();
    for i in 0..5000 {
        let m = if i % 3 == 0 { "x" } else { "y" };
        input += &format!(
            "{{\"id\":{i},\"pubkey\":\"{pk}\",\"sig\":\"{sig}\",\"msg\":\"{}\"}}\n",
            hex::encode(m)
        );
    }
    let o = satchain(&["verify-batch", "-"], Some(input.as_bytes()));
    assert_eq!(o.status.code(), Some(0));
    let out: Vec<Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    assert_eq!(out.len(), 5000);
    for (i, v) in out.iter().enumerate() {
        assert_eq!(v["id"], i);
        assert_eq!(v["valid"], i % 3 == 0, "line {i}");
    }
}

#[test]
fn cli_hash_batch_known_answers() {
    let header = "0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c";
    let input = format!(
        "{}\n{}\n{}\n{}\n{}\n{}\n{}\n",
        r#"{"id":"a","msg":"616263","mode":"sha256"}"#,
        r#"{"msg":"","mode":"sha256d"}"#,
        r#"{"msg":"616263"}"#,
        format_args!(r#"{{"msg":"{header}","mode":"header80"}}"#),
        r#"{"msg":"00","mode":"sha512"}"#,
        r#"{"msg":"0011","mode":"merkle_node"}"#,
        r#"{"msg":"xyz"}"#,
    );
    let o = satchain(&["hash-batch", "-"], Some(input.as_bytes()));
    assert_eq!(
        o.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let out: Vec<Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    assert_eq!(out.len(), 7);
    assert_eq!(out[0]["id"], "a");
    assert_eq!(
        out[0]["digest"],
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    assert_eq!(
        out[1]["digest"],
        "5df6e0e2761359d30a8275058e299fcc0381534545f55cf43e41983f5d4c9456"
    );
    assert_eq!(out[2]["digest"], out[0]["digest"]);
    // Genesis block hash, in SHA-256 byte order (the display form is reversed).
    assert_eq!(
        out[3]["digest"],
        "6fe28c0ab6f1b372c1a6a246ae63f74f931e8365e15a089c68d6190000000000"
    );
    for (i, line) in out.iter().enumerate().skip(4) {
        assert_eq!(line["digest"], Value::Null, "line {i}");
        assert!(
            line["error"].as_str().is_some_and(|e| !e.is_empty()),
            "line {i}: {line}"
        );
    }
}

#[test]
fn cli_demo_valid() {
    let out_file = tmp("demo.raw");
    let o = satchain(
        &[
            "demo",
            "--inputs",
            "300",
            "--seed",
            "5",
            "--json",
            "--out",
            out_file.to_str().expect("path"),
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
    assert_eq!(v["demo"]["inputs"], 300);
    assert_eq!(v["demo"]["all_signatures_checked"], true);
    let want = v["demo"]["expected_signatures"].as_u64().expect("u64");
    assert_eq!(want, 300 - 300 / 8 + 2 * (300 / 8));
    assert_eq!(v["signatures"]["valid"], want);
    assert_eq!(v["signatures"]["checked"], want);
    // The written block validates with validate-block --regtest, and fails mainnet PoW.
    let p = out_file.to_str().expect("path");
    let o = satchain(&["validate-block", p, "--regtest", "--json"], None);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(one_json(&o)["block_hash"], v["block_hash"]);
    let o = satchain(&["validate-block", p, "--json"], None);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(one_json(&o)["pow_ok"], false);
    // Human output of the default demo.
    let o = satchain(&["demo"], None);
    assert_eq!(o.status.code(), Some(0));
    let s = stdout(&o);
    assert!(
        s.contains("VALID") && s.contains("2700 checked, 2700 valid"),
        "{s}"
    );
}

/// Random bytes, broken JSON and wrong types: one line out per line in, never a crash.
#[test]
fn cli_batch_commands_survive_garbage_lines() {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let templates: [&[u8]; 8] = [
        br#"{"pubkey":"02","sig":"30","msg":"00"}"#,
        br#"{"pubkey":5,"sig":[],"msg_hash":{}}"#,
        br#"[1,2,3]"#,
        br#"{"msg":"0g"}"#,
        br#"{"id":{"nested":true},"msg":"00","mode":7}"#,
        b"\xff\xfe\x00{not utf8",
        br#"{"pubkey":"04"#,
        b"null",
    ];
    let mut input = Vec::new();
    let n_lines = 300;
    for _ in 0..n_lines {
        let r = next();
        let mut line = templates[(r % 8) as usize].to_vec();
        // Corrupt some bytes at random (never inserting a newline).
        for _ in 0..(r >> 8) % 4 {
            let v = next();
            if !line.is_empty() {
                let at = (v as usize) % line.len();
                line[at] = match (v >> 32) as u8 {
                    b'\n' => b'x',
                    b => b,
                };
            }
        }
        input.extend_from_slice(&line);
        input.push(b'\n');
    }
    for cmd in ["verify-batch", "hash-batch"] {
        let o = satchain(&[cmd, "-"], Some(&input));
        assert_eq!(
            o.status.code(),
            Some(0),
            "{cmd}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let out: Vec<Value> = stdout(&o)
            .lines()
            .map(|l| serde_json::from_str(l).expect("json"))
            .collect();
        assert_eq!(out.len(), n_lines, "{cmd}: one line out per line in");
        for v in &out {
            assert!(
                v["error"].is_string() || v["digest"].is_string(),
                "{cmd}: {v}"
            );
        }
    }
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
