#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::cast_possible_truncation
)]
//! End-to-end tests of the `satchain` batch commands (`verify-batch`, `hash-batch`: JSON Lines
//! in and out, order, ids, chunking, garbage lines) and of the demo. (Block validation and exit
//! codes: `cli.rs`.)

mod common;

use common::{one_json, satchain, stdout, tmp};
use k256::ecdsa::signature::hazmat::PrehashSigner;
use k256::ecdsa::{Signature, SigningKey};
use serde_json::Value;
use sha2::{Digest, Sha256};

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

/// A numeric id comes back as the number the user sent. Found by the `jsonl` fuzz target
/// (2026-12-05): serde_json's default float parser is off by one ULP on some inputs
/// (`11110111111.23022230` came back as `11110111111.230225`, which is another double);
/// the workspace enables its `float_roundtrip` parser. Compared with Rust's correctly rounded
/// `str::parse::<f64>`, not with serde_json's own reading.
#[test]
fn cli_batch_numeric_ids_come_back_exactly() {
    let ids = [
        "11110111111.23022230",
        "11110111111.11511115",
        "0.1",
        "-2.5e-300",
        "1.7976931348623157e308",
        "123456.78901234567",
    ];
    let input: String = ids
        .iter()
        .map(|id| format!("{{\"id\":{id},\"msg\":\"00\"}}\n"))
        .collect();
    let o = satchain(&["hash-batch", "-"], Some(input.as_bytes()));
    assert_eq!(o.status.code(), Some(0));
    let out: Vec<Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    assert_eq!(out.len(), ids.len());
    for (id, line) in ids.iter().zip(&out) {
        let want: f64 = id.parse().unwrap();
        let got = line["id"].as_f64().unwrap();
        assert_eq!(
            got.to_bits(),
            want.to_bits(),
            "id {id}: came back {}",
            line["id"]
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
