//! Every command's JSON against `cli/schema/satchain.schema.json`, on real inputs: block
//! 413567, the Qtum block (as Qtum and, wrongly, as Bitcoin), a blk file, the demo blocks,
//! the board-CLI fixtures of `scripts/arm/` and malformed lines, on `sw` and (the Qtum block
//! and a hash batch) on `sim`. `hw-report` is validated in `bench_hw_report.rs`, where it
//! already runs. The validator itself is shown to reject wrong documents.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod common;

use std::path::PathBuf;

use common::{assert_schema, data, satchain, stdout, tmp, validator};
use serde_json::{json, Value};

fn assert_valid(def: &str, doc: &Value) {
    assert_schema(def, doc);
}

/// Runs the CLI, checks its exit code, validates every stdout line against `def`.
fn run_lines(def: &str, args: &[&str], stdin: Option<&[u8]>, want_exit: i32) -> Vec<Value> {
    let o = satchain(args, stdin);
    assert_eq!(
        o.status.code(),
        Some(want_exit),
        "{args:?}: stderr {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let lines: Vec<Value> = stdout(&o)
        .lines()
        .map(|l| {
            serde_json::from_str(l).unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}): {l}"))
        })
        .collect();
    assert!(!lines.is_empty(), "{args:?}: no output");
    for l in &lines {
        assert_valid(def, l);
    }
    lines
}

fn s(p: &std::path::Path) -> String {
    p.to_str().expect("utf8 path").to_string()
}

#[test]
fn schema_validate_block_real_blocks() {
    let b = s(&data("bitcoin-core/block413567.raw"));
    let r = &run_lines(
        "validate_block_line",
        &["validate-block", &b, "--json"],
        None,
        0,
    )[0];
    assert_eq!(r["merkle_root_ok"], true);
    assert_eq!(r["pow_ok"], true);
    assert!(r["device"].is_null());
    assert!(r["backend_jobs"]["hash"].as_u64().unwrap() > 0);
    // The phases come in pipeline order, total last (in the printed text: a parsed Value
    // sorts its keys).
    let text = stdout(&satchain(&["validate-block", &b, "--json"], None));
    let t = &text[text.find("\"timings_us\":{").expect("timings_us") + 14..];
    let t = &t[..t.find('}').expect("end of timings_us")];
    let phases: Vec<&str> = t
        .split(',')
        .map(|kv| kv.split(':').next().unwrap().trim_matches('"'))
        .collect();
    let want = [
        "parse",
        "header_hash",
        "structure",
        "txids",
        "merkle",
        "witness",
        "sig_plan",
    ];
    assert_eq!(&phases[..want.len()], &want, "{phases:?}");
    assert_eq!(phases.last(), Some(&"total"), "{phases:?}");
    assert_eq!(
        r["not_checkable_reasons"],
        json!([]),
        "every input of 413567 is checkable"
    );

    let q = s(&data("qtum/blockbench.raw"));
    let r = &run_lines(
        "validate_block_line",
        &["validate-block", &q, "--json", "--chain", "QTUM"],
        None,
        0,
    )[0];
    assert_eq!(r["chain"], "qtum");
    assert_eq!(r["not_checkable_reasons"][0]["code"], "qtum_contract_spend");

    // The Qtum block read as Bitcoin: checks that never ran are null, with a hint.
    let r = &run_lines(
        "validate_block_line",
        &["validate-block", &q, "--json"],
        None,
        1,
    )[0];
    assert!(r["merkle_root_ok"].is_null(), "{r}");
    assert!(r["pow_ok"].is_null(), "{r}");
    assert!(r["txs"].is_null(), "{r}");
    assert!(r["error_detail"]["parse"].is_object(), "{r}");
    assert!(r["hint"].as_str().unwrap().contains("--chain qtum"), "{r}");
}

#[test]
fn schema_validate_block_blk_file_and_garbage() {
    // A blk file: block 413567, an oversized record (skipped), then damage.
    let raw = std::fs::read(data("bitcoin-core/block413567.raw")).unwrap();
    let mut blk = Vec::new();
    blk.extend_from_slice(&[0xf9, 0xbe, 0xb4, 0xd9]);
    blk.extend_from_slice(&u32::try_from(raw.len()).unwrap().to_le_bytes());
    blk.extend_from_slice(&raw);
    blk.extend_from_slice(&[0xf9, 0xbe, 0xb4, 0xd9]);
    blk.extend_from_slice(&5_000_000u32.to_le_bytes());
    blk.extend(std::iter::repeat_n(0u8, 5_000_000));
    blk.extend_from_slice(&[0xf9, 0xbe, 0xb4, 0xd9, 1, 2]);
    let path = tmp("schema-blk00000.dat");
    std::fs::write(&path, &blk).unwrap();
    let lines = run_lines(
        "validate_block_line",
        &["validate-block", &s(&path), "--json"],
        None,
        2,
    );
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert_eq!(lines[0]["index"], 0);
    assert_eq!(lines[1]["file_error"], false);
    assert_eq!(lines[2]["file_error"], true);

    // Garbage: a typed error, nothing ran.
    let g = tmp("schema-garbage.bin");
    std::fs::write(&g, [0x55u8; 300]).unwrap();
    let r = &run_lines(
        "validate_block_line",
        &["validate-block", &s(&g), "--json"],
        None,
        1,
    )[0];
    assert!(r["pow_ok"].is_null() || r["pow_ok"] == false, "{r}");
    assert!(r["error"].is_string());
}

#[test]
fn schema_demo_plain_and_taproot() {
    let r = &run_lines("demo", &["demo", "--json", "--inputs", "16"], None, 0)[0];
    assert!(r["demo"]["build_us"].is_u64());
    let out = tmp("schema-tap.raw");
    let pre = tmp("schema-tap.jsonl");
    let r = &run_lines(
        "demo",
        &[
            "demo",
            "--json",
            "--taproot",
            "--inputs",
            "24",
            "--out",
            &s(&out),
            "--prevouts-out",
            &s(&pre),
        ],
        None,
        0,
    )[0];
    assert!(r["backend_jobs"]["schnorr"].as_u64().unwrap() > 0);
    // The block it wrote, validated with its prevouts: every input checkable.
    let r = &run_lines(
        "validate_block_line",
        &[
            "validate-block",
            &s(&out),
            "--json",
            "--regtest",
            "--prevouts",
            &s(&pre),
        ],
        None,
        0,
    )[0];
    assert_eq!(r["not_checkable_reasons"], json!([]));
    // Without them its segwit and Taproot inputs are not checkable: codes with prose.
    let r = &run_lines(
        "validate_block_line",
        &["validate-block", &s(&out), "--json", "--regtest"],
        None,
        0,
    )[0];
    let reasons = r["not_checkable_reasons"].as_array().unwrap();
    assert!(
        reasons.iter().any(|x| x["code"] == "needs_prevout"
            && x["reason"].as_str().unwrap().contains("spent output")),
        "{reasons:?}"
    );
}

fn fixture(name: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../scripts/arm")
        .join(name);
    std::fs::read(p).expect("scripts/arm fixture")
}

#[test]
fn schema_batch_commands_every_line() {
    let mut verify = fixture("verify.jsonl");
    verify.extend_from_slice(b"\nnot json\n{\"scheme\":\"bip340\",\"pubkey\":\"00\"}\n");
    let lines = run_lines("verify_line", &["verify-batch", "-"], Some(&verify), 0);
    assert!(lines.iter().any(|l| l["valid"] == true));
    assert!(lines.iter().any(|l| l["error"].is_string()));

    let mut hash = fixture("hash.jsonl");
    hash.extend_from_slice(b"\n{\"msg\":\"00\",\"mode\":\"merkle_node\"}\n[1]\n");
    let lines = run_lines("hash_line", &["hash-batch", "-"], Some(&hash), 0);
    assert!(lines.iter().all(|l| l.get("error").is_some()));
    let merkle = &lines[lines.len() - 2];
    assert_eq!(
        merkle["error"], "field \"msg\": merkle_node needs 64 bytes, got 1",
        "no Rust type name in errors"
    );
}

#[test]
fn schema_bench_sw() {
    run_lines(
        "bench",
        &[
            "bench",
            "--backend",
            "sw",
            "--json",
            "--sha-bytes",
            "65536",
            "--headers",
            "100",
            "--verifies",
            "8",
            "--demo-inputs",
            "8",
        ],
        None,
        0,
    );
}

/// The simulated accelerator: the device object is filled in and the lines still follow the
/// schema (the Qtum block is small: 7 transactions).
#[cfg(feature = "sim")]
#[test]
fn schema_sim_backend() {
    let q = s(&data("qtum/blockbench.raw"));
    let r = &run_lines(
        "validate_block_line",
        &[
            "validate-block",
            &q,
            "--json",
            "--chain",
            "qtum",
            "--backend",
            "sim",
        ],
        None,
        0,
    )[0];
    assert!(r["device"]["cycles"].as_u64().unwrap() > 0, "{r}");
    run_lines(
        "hash_line",
        &["hash-batch", "-", "--backend", "sim"],
        Some(&fixture("hash.jsonl")),
        0,
    );
}

/// The validator is not a rubber stamp: documents in the old shapes are rejected.
#[test]
fn schema_rejects_wrong_documents() {
    let b = s(&data("bitcoin-core/block413567.raw"));
    let o = satchain(&["validate-block", &b, "--json"], None);
    let good: Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_valid("validate_block_line", &good);
    let v = validator("validate_block_line");
    let mutate = |f: &dyn Fn(&mut Value)| {
        let mut d = good.clone();
        f(&mut d);
        d
    };
    let wrong = [
        mutate(&|d| d["backend_jobs"] = json!([12893, 7463])),
        mutate(&|d| d["timings_us"]["parse"] = json!(0.25)),
        mutate(&|d| d["not_checkable_reasons"] = json!({"segwit spend": 3})),
        mutate(&|d| d["error_detail"] = json!({"BadSignature": {"tx": 1}})),
        mutate(&|d| {
            d.as_object_mut().unwrap().remove("error");
        }),
        mutate(&|d| d["merkle_root_ok"] = json!("yes")),
    ];
    for w in &wrong {
        assert!(!v.is_valid(w), "accepted: {w}");
    }
    let h = validator("hash_line");
    assert!(h.is_valid(&json!({"id": 1, "digest": "00".repeat(32), "error": null})));
    assert!(
        !h.is_valid(&json!({"id": 1, "digest": "00".repeat(32)})),
        "error missing"
    );
    assert!(!h.is_valid(&json!({"id": 1, "digest": null, "error": null})));
    let vl = validator("verify_line");
    assert!(!vl.is_valid(&json!({"id": 1, "valid": false, "error": null})));
}

/// Every not-checkable text of crypto-core's planners has a code (not `other`).
#[test]
fn schema_every_not_checkable_reason_has_a_code() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../crypto-core/src/validate");
    let mut seen = 0;
    for f in ["plan.rs", "plan_taproot.rs"] {
        let src = std::fs::read_to_string(dir.join(f)).expect("planner source");
        for (i, _) in src.match_indices("Plan::NotCheckable(") {
            let rest = &src[i..];
            let start = rest.find('"').expect("a string literal") + 1;
            let end = start + rest[start..].find('"').expect("closing quote");
            let text = &rest[start..end];
            seen += 1;
            assert_ne!(
                satchain_cli::json::not_checkable_code(text),
                "other",
                "{f}: no code for {text:?} in cli/src/json.rs"
            );
        }
    }
    assert!(seen >= 15, "found only {seen} reasons: the scan is broken");
}
