//! The real blocks through driver + FpgaBackend over the behavioural register-block model
//! (MockBus<DeviceModel>), against the software backend: same verdict and counts. Then the
//! same with faults injected mid-block. The Verilated-top version is driver_top.rs / fault_top.rs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use accel_driver::fault::Flip;
use accel_driver::regmap::reg;
use accel_driver::WaitMode;
use crypto_core::{validate_block, Backend, BlockReport, Chain, ValidateOptions};
use fallback_sw::SoftwareBackend;
use satchain_fpga::{FaultPolicy, FpgaBackend, FpgaConfig};
use testkit::data::read as data;
use testkit::mock::MockBus;
use testkit::model::{DeviceModel, ModelConfig};

type ModelBackend = FpgaBackend<MockBus<DeviceModel>, SoftwareBackend>;

fn model_backend(cfg: FpgaConfig) -> ModelBackend {
    let bus = MockBus::new(DeviceModel::new(ModelConfig {
        ecdsa_cycles: 2000,
        ..Default::default()
    }));
    let mut bus = bus;
    bus.record = false; // long runs: do not keep the access log
    FpgaBackend::open(bus, SoftwareBackend::single_thread(), cfg).unwrap()
}

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

fn check_block(rel: &str, chain: Chain, cfg: FpgaConfig) -> (BlockReport, ModelBackend) {
    let raw = data(rel);
    let opts = ValidateOptions::new(chain);
    let sw = validate_block(&raw, &opts, &SoftwareBackend::single_thread());
    let be = model_backend(cfg);
    let hw = validate_block(&raw, &opts, &be);
    same_verdict(&hw, &sw);
    (hw, be)
}

fn irq_cfg() -> FpgaConfig {
    let mut c = FpgaConfig {
        spot_check: 0.02,
        name: "model",
        ..FpgaConfig::default()
    };
    c.driver.wait = WaitMode::Irq;
    c.driver.irq_slice_us = 20;
    c
}

#[test]
fn driver_model_block413567_same_as_software() {
    let (rep, be) = check_block("bitcoin-core/block413567.raw", Chain::Bitcoin, irq_cfg());
    assert!(rep.valid, "{:?}", rep.error);
    assert_eq!(rep.signatures.valid, 5815);
    let s = be.stats();
    assert!(s.faults.is_empty(), "{:?}", s.faults);
    assert_eq!(s.fallback_jobs, 0);
    assert_eq!(be.device_jobs(), s.hash_jobs + s.verify_jobs);
    let t = be.traffic();
    let wpv = t.verify_writes as f64 / t.verify_jobs as f64;
    let rpv = t.verify_reads as f64 / t.verify_jobs as f64;
    println!(
        "model: {} verifies, mmio writes/verify {wpv:.2}, reads/verify {rpv:.2}; {t:?}",
        t.verify_jobs
    );
    assert!((42.0..44.0).contains(&wpv), "{wpv}");
}

#[test]
fn driver_model_qtum_pos_block_same_as_software() {
    let (rep, _) = check_block("qtum/blockbench.raw", Chain::Qtum, irq_cfg());
    assert!(rep.valid, "{:?}", rep.error);
    assert_eq!(rep.block_signature_ok, Some(true));
}

#[test]
fn fault_model_flipped_verdicts_in_block_are_caught() {
    let mut c = irq_cfg();
    c.spot_check = 1.0;
    let raw = data("bitcoin-core/block413567.raw");
    let opts = ValidateOptions::new(Chain::Bitcoin);
    let sw = validate_block(&raw, &opts, &SoftwareBackend::single_thread());
    let be = model_backend(c);
    // VALID -> INVALID on the 100th and 3000th ECDSA result read.
    be.with_bus(|b| {
        b.faults.flip = Some(Flip {
            offset: reg::ECDSA_RESULT.offset,
            mask: 1 << 4,
            skip: 100,
            count: 1,
        })
    });
    let hw = validate_block(&raw, &opts, &be);
    same_verdict(&hw, &sw);
    let s = be.stats();
    assert_eq!(s.faults, vec![("spot_check_mismatch".to_string(), 1)]);
    assert_eq!(
        be.device_jobs() + s.fallback_jobs,
        s.hash_jobs + s.verify_jobs
    );
}

#[test]
fn fault_model_stuck_busy_mid_block_falls_back() {
    let mut c = irq_cfg();
    c.policy = FaultPolicy::Fallback;
    c.driver.timeout_us = 2_000;
    let raw = data("bitcoin-core/block413567.raw");
    let opts = ValidateOptions::new(Chain::Bitcoin);
    let sw = validate_block(&raw, &opts, &SoftwareBackend::single_thread());
    let be = model_backend(c);
    be.with_bus(|b| b.faults.stuck_busy = true);
    let hw = validate_block(&raw, &opts, &be);
    same_verdict(&hw, &sw);
    let s = be.stats();
    assert!(
        s.faults.iter().any(|(k, v)| k == "timeout" && *v == 3),
        "{:?}",
        s.faults
    );
    assert!(!be.device_in_service());
    assert_eq!(s.fallback_jobs, s.hash_jobs + s.verify_jobs);
    // Policy Error: the batch fails with a typed timeout and validation reports it.
    let mut c = irq_cfg();
    c.policy = FaultPolicy::Error;
    c.driver.timeout_us = 2_000;
    let be = model_backend(c);
    be.with_bus(|b| b.faults.stuck_busy = true);
    let hw = validate_block(&raw, &opts, &be);
    assert!(!hw.valid);
    assert!(
        hw.error.as_deref().unwrap_or("").contains("timeout"),
        "{:?}",
        hw.error
    );
    assert_eq!(be.name(), "model");
}
