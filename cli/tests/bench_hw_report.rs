//! `satchain bench` and `satchain hw-report` end to end (the binary, JSON output).

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

mod common;

fn satchain(args: &[&str]) -> (i32, Value, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_satchain"))
        .args(args)
        .output()
        .expect("run satchain");
    let stdout = String::from_utf8_lossy(&o.stdout).to_string();
    let stderr = String::from_utf8_lossy(&o.stderr).to_string();
    let v = serde_json::from_str(stdout.trim()).unwrap_or(Value::Null);
    (
        o.status.code().unwrap_or(-1),
        v,
        format!("{stdout}\n{stderr}"),
    )
}

fn block413567() -> PathBuf {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/data/bitcoin-core/block413567.raw");
    assert!(
        p.exists(),
        "test data missing: {} (../shared/data beside the repository)",
        p.display()
    );
    p
}

#[test]
fn bench_sw_runs_every_workload() {
    let (code, v, text) = satchain(&[
        "bench",
        "--backend",
        "sw",
        "--json",
        "--sha-bytes",
        "262144",
        "--headers",
        "500",
        "--verifies",
        "40",
        "--demo-inputs",
        "12",
    ]);
    assert_eq!(code, 0, "{text}");
    assert_eq!(v["backend"], "sw");
    common::assert_schema("bench", &v);
    assert!(v["clock_mhz"].is_null(), "no projection on sw");
    let w = v["workloads"].as_array().expect("workloads");
    let names: Vec<&str> = w.iter().map(|x| x["workload"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "sha256",
            "sha256d_header",
            "merkle_root",
            "ecdsa_verify",
            "validate_block"
        ]
    );
    for x in w {
        let rate = x["rate"].as_f64().unwrap();
        assert!(rate.is_finite() && rate > 0.0, "{x}");
        // Whole microseconds: a sub-microsecond workload (a 4-txid merkle tree on sw) rounds
        // to 0, so the rate above (from the unrounded time) is what shows it was timed; the
        // median lies within its runs' spread.
        let (t, lo, hi) = (
            x["time_us"].as_u64().unwrap(),
            x["time_us_min"].as_u64().unwrap(),
            x["time_us_max"].as_u64().unwrap(),
        );
        assert!(lo <= t && t <= hi, "{x}");
        assert!(x["device_cycles"].is_null());
        assert!(
            x["id"].as_str().unwrap().split('/').nth(1) == Some("sw"),
            "{x}"
        );
    }
    assert_eq!(w[0]["bytes"], 262_144);
    assert_eq!(w[0]["id"], "sha256/sw/65536");
    assert_eq!(w[1]["jobs"], 500);
    assert_eq!(w[3]["jobs"], 40);
    let note = w[4]["note"].as_str().unwrap();
    assert!(
        note.contains("demo block") && note.contains(": valid"),
        "{note}"
    );
}

#[test]
fn bench_sw_validates_a_block_file() {
    let p = block413567();
    let (code, v, text) = satchain(&[
        "bench",
        "--backend",
        "sw",
        "--json",
        "--sha-bytes",
        "65536",
        "--headers",
        "10",
        "--verifies",
        "4",
        p.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{text}");
    let w = v["workloads"].as_array().unwrap();
    assert_eq!(
        w[2]["id"], "merkle_root/sw/1557",
        "block 413567 has 1557 transactions"
    );
    assert_eq!(w[4]["id"], "validate_block/sw/999887");
    assert!(
        w[4]["note"].as_str().unwrap().contains(": valid"),
        "{}",
        w[4]
    );
}

#[test]
fn bench_rejects_bad_input() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let garbage = dir.join("bench-garbage.bin");
    std::fs::write(&garbage, b"not a block").unwrap();
    let (code, _, text) = satchain(&[
        "bench",
        "--backend",
        "sw",
        "--headers",
        "1",
        "--verifies",
        "1",
        "--sha-bytes",
        "64",
        garbage.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("not a Bitcoin block"), "{text}");
    let (code, _, _) = satchain(&["bench", "--backend", "nope"]);
    assert_eq!(code, 2);
}

#[test]
fn hw_report_measures_and_names_what_is_missing() {
    // An empty synthesis directory with --no-synth: resources must be null and named in `missing`;
    // every simulated figure is measured.
    let dir =
        Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("hw-report-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (code, v, text) = satchain(&[
        "hw-report",
        "--json",
        "--no-synth",
        "--ecdsa-samples",
        "3",
        "--schnorr-samples",
        "2",
        "--synth-dir",
        dir.to_str().unwrap(),
        "--out-dir",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{text}");
    assert_eq!(v["device"], "xc7z030");
    assert!(v["clock_mhz"].as_f64().unwrap() > 0.0);
    assert!(v["clock_basis"].as_str().unwrap().contains("MHz"));
    assert!(v["ecdsa_clock_mhz"].as_f64().unwrap() > 0.0);
    assert!(v["ecdsa_clock_basis"].as_str().unwrap().contains("MHz"));
    assert!(v["resources"].is_null());
    assert!(v["logic_depth"].is_null());
    let missing: Vec<&str> = v["missing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap())
        .collect();
    assert!(
        missing.iter().any(|m| m.starts_with("resources:")),
        "{missing:?}"
    );

    let s = &v["sha256"];
    assert!(!s.is_null(), "sha256 not measured: {missing:?}");
    assert_eq!(s["units"], 8);
    assert!(
        s["cycles_per_block"].as_f64().unwrap() >= 64.0,
        "a round per clock is the floor: {s}"
    );
    assert!(s["cycles_header_sha256d"].as_u64().unwrap() > 3 * 64, "{s}");
    assert_eq!(s["block413567_txs"], 1557);
    assert!(s["block413567_hash_cycles"].as_u64().unwrap() > 0);
    assert!(
        s["block413567_hash_cycles"].as_u64().unwrap()
            < s["block413567_hash_cycles_register_stream"]
                .as_u64()
                .unwrap(),
        "the DMA ingress must beat the register stream: {s}"
    );

    // ECDSA and BIP340: small batches through the verify-job rings; the rate is the batch's
    // clocks converted at the core's clock, and the traffic is the driver's own count.
    let ecdsa_mhz = v["ecdsa_clock_mhz"].as_f64().unwrap();
    for (name, n) in [("ecdsa", 3u64), ("schnorr", 2)] {
        let e = &v[name];
        assert!(!e.is_null(), "{name} not measured: {missing:?}");
        assert_eq!(e["batch_verifies"], n, "{e}");
        let clocks = e["batch_clocks"].as_f64().unwrap();
        assert!(clocks > 0.0, "{e}");
        let cpv = e["cycles_per_verify"].as_f64().unwrap();
        assert!((cpv - clocks / n as f64).abs() < 0.01, "{e}");
        let vps = e["verifies_per_s"].as_f64().unwrap();
        let want = n as f64 * ecdsa_mhz * 1e6 / clocks;
        assert!(
            (vps - want).abs() <= 1.0,
            "{name}: verifies_per_s = batch x clock / batch clocks: {vps} vs {want}"
        );
        // A verify runs ~40k thread cycles at the least (two 256-bit scalar multiplications).
        assert!(
            e["cycles_per_verify_per_thread"].as_f64().unwrap() > 20_000.0,
            "{e}"
        );
        let busy = e["multiplier_busy_fraction"].as_f64().unwrap();
        assert!(busy > 0.0 && busy <= 1.0, "{e}");
    }
    // With 2 jobs the ring configuration dominates: a few writes per verify, but far fewer
    // than the ~43 of the register path.
    let s = &v["schnorr"];
    let sw = s["mmio_writes_per_verify"].as_f64().unwrap();
    assert!(sw > 0.0 && sw < 20.0, "{s}");

    let d = &v["driver"];
    assert!(!d.is_null(), "driver traffic not measured: {missing:?}");
    let w = d["mmio_writes_per_verify"].as_f64().unwrap();
    assert!(w > 0.0 && w < 20.0, "{d}");
    // Register path: a header is 20 data words plus a command; descriptor DMA: address,
    // command and the result pop.
    assert!(
        d["mmio_writes_per_header_register_path"].as_f64().unwrap() >= 21.0,
        "{d}"
    );
    let w = d["mmio_writes_per_header"].as_f64().unwrap();
    assert!((3.0..5.0).contains(&w), "{d}");
    common::assert_schema("hw_report", &v);
}

#[test]
fn bench_sim_projects_device_cycles() {
    let (code, v, text) = satchain(&[
        "bench",
        "--backend",
        "sim",
        "--json",
        "--sha-bytes",
        "8192",
        "--headers",
        "16",
        "--verifies",
        "2",
        "--demo-inputs",
        "3",
    ]);
    assert_eq!(code, 0, "{text}");
    assert_eq!(v["backend"], "sim");
    common::assert_schema("bench", &v);
    let mhz = v["clock_mhz"].as_f64().expect("sim projects at a clock");
    assert!(mhz > 0.0);
    let w = v["workloads"].as_array().expect("workloads");
    assert_eq!(w.len(), 5);
    for x in w {
        let cycles = x["device_cycles"]
            .as_u64()
            .unwrap_or_else(|| panic!("no device cycles: {x}"));
        assert!(cycles > 0, "{x}");
        // time = cycles / clock: the projection, not the simulation's wall time.
        let us = x["time_us"].as_u64().unwrap() as f64;
        assert!((us - cycles as f64 / mhz).abs() <= 0.5 + 1e-9, "{x}");
        assert!(x["id"].as_str().unwrap().contains("/sim/"), "{x}");
    }
    // 16 headers on a hash cluster cannot take fewer cycles than one compression pair (> 128).
    assert!(w[1]["device_cycles"].as_u64().unwrap() > 128);
    assert!(
        w[4]["note"].as_str().unwrap().contains(": valid"),
        "{}",
        w[4]
    );
    assert_eq!(
        v["backend_stats"]["fallback_jobs"], 0,
        "{}",
        v["backend_stats"]
    );
}
