//! Real blocks validated through driver + Verilated shipped top (hash cluster + verify-job
//! rings + `VerifyCore`) == fallback-sw: same verdict and counts; simulated cycles and
//! projected time printed. The Qtum block also through the engine top (`top_2eng`: the
//! register-fed engines behind their clock crossing).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Instant;

use crypto_core::{validate_block, Backend, BlockReport, Chain, ValidateOptions};
use fallback_sw::SoftwareBackend;
use satchain_fpga::{FaultPolicy, FpgaConfig};
use testkit::data::read as data;

fn same_verdict(a: &BlockReport, b: &BlockReport) {
    assert_eq!(a.valid, b.valid, "valid: {:?} vs {:?}", a.error, b.error);
    assert_eq!(a.error, b.error);
    assert_eq!(a.block_hash, b.block_hash);
    assert_eq!((a.txs, a.inputs), (b.txs, b.inputs));
    assert_eq!(a.merkle_root_ok, b.merkle_root_ok);
    assert_eq!(a.block_signature_ok, b.block_signature_ok);
    assert_eq!(a.signatures, b.signatures);
    assert_eq!(a.backend_jobs, b.backend_jobs);
}

/// Every device result is compared with software: a disagreement fails the test.
fn strict() -> FpgaConfig {
    FpgaConfig {
        policy: FaultPolicy::Error,
        spot_check: 1.0,
        ..verif::bus::sim_config()
    }
}

/// `rel` through FpgaBackend on the shipped top (`top`: hash cluster + verify-job rings +
/// `VerifyCore`) == software; every job went to the device (no fault, no fallback).
fn run(rel: &str, chain: Chain) -> BlockReport {
    let be = verif::sim_backend_with(strict()).unwrap();
    let (hw, s) = run_on(rel, chain, &be, "the shipped top");
    assert!(s.verify_jobs > 0, "no verification reached the rings");
    let mhz = be.projected_clock_mhz().unwrap();
    println!(
        "{rel}: {} simulated cycles = {:.3} ms at {mhz} MHz (the shipped top's one clock)",
        s.device_cycles,
        s.device_cycles as f64 / mhz / 1000.0,
    );
    hw
}

/// `rel` on the engine top (`top_2eng`: two register-fed engines behind their clock crossing,
/// at `SATCHAIN_ECDSA_CLOCK_RATIO` or the engine tops' 20/39).
fn run_engine_top(rel: &str, chain: Chain) -> BlockReport {
    let be = verif::bus::engine_backend_with(strict()).unwrap();
    let (hw, s) = run_on(rel, chain, &be, "the engine top");
    let ratio = verif::sim::ecdsa_clock_ratio().unwrap();
    let designed = satchain_hdl::top::ECDSA_CLOCK_RATIO;
    println!(
        "{rel}: engine/bus clock ratio {}/{}{}; {} simulated bus cycles",
        ratio.0,
        ratio.1,
        if ratio == designed {
            " (the engine tops' designed clocks)".to_string()
        } else {
            format!(
                " (NOT the designed {}/{}: a functional run)",
                designed.0, designed.1
            )
        },
        s.device_cycles,
    );
    hw
}

fn run_on(
    rel: &str,
    chain: Chain,
    be: &impl Backend,
    what: &str,
) -> (BlockReport, crypto_core::BackendStats) {
    let raw = data(rel);
    let opts = ValidateOptions::new(chain);
    let sw = validate_block(&raw, &opts, &SoftwareBackend::single_thread());
    let t = Instant::now();
    let hw = validate_block(&raw, &opts, be);
    same_verdict(&hw, &sw);
    let s = be.stats();
    assert!(s.faults.is_empty(), "{:?}", s.faults);
    assert_eq!(s.fallback_jobs, 0);
    println!(
        "{rel} on {what}: {} hash + {} verify jobs (sim wall {:.1} s)",
        s.hash_jobs,
        s.verify_jobs,
        t.elapsed().as_secs_f64(),
    );
    (hw, s)
}

#[test]
fn driver_top_qtum_pos_block_same_as_software() {
    let r = run("qtum/blockbench.raw", Chain::Qtum);
    assert!(r.valid, "{:?}", r.error);
    assert_eq!(r.block_signature_ok, Some(true));
}

#[test]
fn engine_top_qtum_pos_block_same_as_software() {
    let r = run_engine_top("qtum/blockbench.raw", Chain::Qtum);
    assert!(r.valid, "{:?}", r.error);
    assert_eq!(r.block_signature_ok, Some(true));
}

/// Block 413567 (1557 txs, 7463 verifications incl. multisig candidate pairs) on the
/// Verilated shipped top: ~3,000 clocks per verification through the rings, ~23 M clocks in
/// all, many minutes of RTL simulation, so it is not in the default run:
/// `cargo test --release -p verif --test driver_top_blocks -- --ignored`.
#[test]
#[ignore = "many minutes of RTL simulation; run with --ignored"]
fn driver_top_block413567_same_as_software() {
    let r = run("bitcoin-core/block413567.raw", Chain::Bitcoin);
    assert!(r.valid, "{:?}", r.error);
    assert_eq!(r.signatures.valid, 5815);
}
