#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::cast_possible_truncation
)]
//! The Taproot side of the CLI: BIP340 lines in `verify-batch`, `demo --taproot`, and
//! `validate-block --prevouts` (good files, malformed files, a wrong amount).

mod common;

use common::{one_json, satchain, stdout, tmp};
use serde_json::Value;

/// BIP340's vectors with a 32-byte message, as verify-batch lines, with the error each must get.
fn bip340_lines() -> Vec<(String, Option<&'static str>)> {
    let p = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../crypto-core/tests/data/bip340-test-vectors.csv"
    );
    let text = std::fs::read_to_string(p).unwrap();
    text.lines()
        .skip(1)
        .filter(|l| !l.is_empty())
        .filter_map(|l| {
            let f: Vec<&str> = l.splitn(8, ',').collect();
            (f[4].len() == 64).then(|| {
                let want = match (f[6], f[0]) {
                    ("TRUE", _) => None,
                    (_, "5" | "14") => Some("x-only public key is not on the curve"),
                    (_, "12") => Some("r is not below the field size p"),
                    (_, "13") => Some("s is not below the group order"),
                    _ => Some("Schnorr signature does not verify"),
                };
                let line = format!(
                    r#"{{"id":{},"scheme":"bip340","pubkey":"{}","sig":"{}","msg":"{}"}}"#,
                    f[0],
                    f[2].to_lowercase(),
                    f[5].to_lowercase(),
                    f[4].to_lowercase()
                );
                (line, want)
            })
        })
        .collect()
}

#[test]
fn cli_verify_batch_bip340_lines() {
    let vectors = bip340_lines();
    assert_eq!(vectors.len(), 15);
    let v0 = &vectors[0].0;
    let malformed = [
        (
            v0.replace("\"pubkey\":\"f9", "\"pubkey\":\"02f9"),
            "field \"pubkey\": BIP340 wants 32 bytes, got 33",
        ),
        (
            v0.replace("\"sig\":\"", "\"sig\":\"00"),
            "field \"sig\": BIP340 wants 64 bytes, got 65",
        ),
        (
            v0.replace("\"msg\":\"00", "\"msg\":\""),
            "field \"msg\": BIP340 wants 32 bytes, got 31",
        ),
        (v0.replace("\"msg\":", "\"msg_hash\":"), "not \"msg_hash\""),
        (
            v0.replace("bip340", "schnorr"),
            "field \"scheme\": want \"ecdsa\" or \"bip340\"",
        ),
    ];
    let mut input = String::new();
    for (l, _) in &vectors {
        input.push_str(l);
        input.push('\n');
    }
    for (l, _) in &malformed {
        input.push_str(l);
        input.push('\n');
    }
    // Both software verifiers, and `--backend sim`: the BIP340 jobs through the verify-job
    // rings into the VerifyCore of the Verilated top, the same answers line for line.
    for (flag, verifier) in [
        ("--verifier", "libsecp256k1"),
        ("--verifier", "k256"),
        ("--backend", "sim"),
    ] {
        let o = satchain(
            &["verify-batch", "-", flag, verifier],
            Some(input.as_bytes()),
        );
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        let out: Vec<Value> = stdout(&o)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(out.len(), vectors.len() + malformed.len());
        for ((line, want), got) in vectors.iter().zip(&out) {
            match want {
                None => assert_eq!(got["valid"], true, "{verifier}: {line} -> {got}"),
                Some(e) => {
                    assert_eq!(got["valid"], false, "{verifier}: {line}");
                    assert_eq!(got["error"], *e, "{verifier}: {line}");
                }
            }
        }
        for ((_, want), got) in malformed.iter().zip(&out[vectors.len()..]) {
            assert_eq!(got["valid"], false);
            assert!(
                got["error"].as_str().unwrap().contains(want),
                "{got} vs {want}"
            );
        }
    }
}

#[test]
fn cli_demo_taproot_and_prevouts_file() {
    let raw = tmp("taproot-demo.raw");
    let pv = tmp("taproot-demo.jsonl");
    let o = satchain(
        &[
            "demo",
            "--taproot",
            "--inputs",
            "200",
            "--seed",
            "3",
            "--json",
            "--out",
            raw.to_str().unwrap(),
            "--prevouts-out",
            pv.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v = one_json(&o);
    let d = &v["demo"];
    assert_eq!(v["valid"], true);
    assert_eq!(d["all_signatures_checked"], true);
    assert_eq!(v["signatures"]["checked"], d["expected_signatures"]);
    assert_eq!(
        v["backend_jobs"]["schnorr"],
        d["expected_schnorr_signatures"]
    );
    assert!(d["p2tr_script_path_inputs"].as_u64().unwrap() > 0);

    // The written block and prevouts validate the same way through validate-block.
    let (raw_s, pv_s) = (raw.to_str().unwrap(), pv.to_str().unwrap());
    let o = satchain(
        &[
            "validate-block",
            raw_s,
            "--regtest",
            "--prevouts",
            pv_s,
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
    let w = one_json(&o);
    assert_eq!(w["signatures"], v["signatures"]);
    assert_eq!(w["signatures"]["not_checkable"], 0);
    // Without the prevouts only the P2PKH inputs are checkable.
    let o = satchain(&["validate-block", raw_s, "--regtest", "--json"], None);
    let w = one_json(&o);
    assert_eq!(w["signatures"]["checked"], d["p2pkh_inputs"]);

    // One Taproot amount off by one satoshi: invalid, the tx and input named.
    let text = std::fs::read_to_string(&pv).unwrap();
    let mut lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let k = lines
        .iter()
        .position(|l| l["script_pubkey"].as_str().unwrap().starts_with("5120"))
        .unwrap();
    let a = lines[k]["amount"].as_i64().unwrap();
    lines[k]["amount"] = (a + 1).into();
    let bad = tmp("taproot-demo-bad.jsonl");
    let body: Vec<String> = lines.iter().map(Value::to_string).collect();
    std::fs::write(&bad, body.join("\n")).unwrap();
    let o = satchain(
        &[
            "validate-block",
            raw_s,
            "--regtest",
            "--prevouts",
            bad.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(1));
    let s = stdout(&o);
    assert!(
        s.contains("error              tx ") && s.contains(" input ") && s.contains("(p2tr-"),
        "{s}"
    );
    for p in [&raw, &pv, &bad] {
        let _ = std::fs::remove_file(p);
    }
}

#[test]
fn cli_malformed_prevouts_files_exit_2_naming_the_line() {
    let good = r#"{"txid":"00000000000000000000000000000000000000000000000000000000000000aa","vout":0,"amount":1000,"script_pubkey":"51"}"#;
    let cases = [
        (
            format!("{good}\n{{\"txid\":\"zz\"}}"),
            "line 2: field \"txid\": invalid hex",
        ),
        (format!("{good}\n{good}"), "line 2: outpoint given twice"),
        (
            good.replace("\"amount\":1000", "\"amount\":-1"),
            "line 1: field \"amount\"",
        ),
        (
            good.replace("\"amount\":1000", "\"amount\":1.5"),
            "line 1: field \"amount\"",
        ),
        (good.replace(",\"vout\":0", ""), "line 1: field \"vout\""),
        (
            good.replace("00aa\"", "aa\""),
            "line 1: field \"txid\": want 32 bytes, got 31",
        ),
        ("[1,2]".to_string(), "line 1: line is not a JSON object"),
        (
            good.replace("\"51\"", &format!("\"{}\"", "51".repeat(10_001))),
            "longer than 10000",
        ),
    ];
    // Any block will do: the prevouts file is read first.
    let block = tmp("prevouts-block.raw");
    std::fs::write(&block, [0u8; 81]).unwrap();
    for (i, (text, want)) in cases.iter().enumerate() {
        let f = tmp(&format!("prevouts-{i}.jsonl"));
        std::fs::write(&f, format!("\n{text}\n").trim_start()).unwrap();
        let o = satchain(
            &[
                "validate-block",
                block.to_str().unwrap(),
                "--prevouts",
                f.to_str().unwrap(),
            ],
            None,
        );
        assert_eq!(o.status.code(), Some(2), "case {i}");
        let e = String::from_utf8_lossy(&o.stderr);
        assert!(e.contains(want), "case {i}: {e}");
        let _ = std::fs::remove_file(&f);
    }
    let o = satchain(
        &[
            "validate-block",
            block.to_str().unwrap(),
            "--prevouts",
            "/nonexistent/p.jsonl",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    let _ = std::fs::remove_file(&block);
}
