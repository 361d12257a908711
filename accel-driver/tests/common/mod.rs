//! Shared by the driver-on-model tests (`model_driver.rs`, `model_driver_faults.rs`): the
//! model behind `MockBus`, the software hash, deterministic messages and signed ECDSA jobs.

#![allow(dead_code)]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::cast_possible_truncation,
    clippy::drop_non_drop
)]

use accel_driver::regmap::{EcdsaCode, HashMode};
use accel_driver::{Accel, Config, EcdsaJob, WaitMode};
use k256::ecdsa::signature::hazmat::PrehashSigner;
use k256::ecdsa::{Signature, SigningKey};
use sha2::{Digest, Sha256};
use testkit::mock::MockBus;
use testkit::model::{DeviceModel, ModelConfig};

pub fn bus(cfg: ModelConfig) -> MockBus<DeviceModel> {
    MockBus::new(DeviceModel::new(cfg))
}

pub fn open(cfg: ModelConfig, wait: WaitMode) -> Accel<MockBus<DeviceModel>> {
    Accel::open(
        bus(cfg),
        Config {
            wait,
            ..Config::default()
        },
    )
    .expect("open model")
}

pub fn sw(mode: HashMode, data: &[u8]) -> [u8; 32] {
    let one = Sha256::digest(data);
    match mode {
        HashMode::Sha256 => one.into(),
        _ => Sha256::digest(one).into(),
    }
}

/// Deterministic message bytes.
pub fn msg(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
        .collect()
}

pub fn sig_job(key: &SigningKey, z: [u8; 32], compressed: bool) -> EcdsaJob {
    let sig: Signature = key.sign_prehash(&z).unwrap();
    let (r, s) = sig.split_bytes();
    let ep = key.verifying_key().to_encoded_point(false);
    let mut qx = [0u8; 32];
    let mut qy = [0u8; 32];
    qx.copy_from_slice(ep.x().unwrap());
    qy.copy_from_slice(ep.y().unwrap());
    let prefix = if compressed { 2 + (qy[31] & 1) } else { 4 };
    if compressed {
        qy = [0; 32];
    }
    EcdsaJob {
        z,
        r: r.into(),
        s: s.into(),
        qx,
        qy,
        prefix,
    }
}

pub fn ecdsa_jobs() -> (Vec<EcdsaJob>, Vec<EcdsaCode>) {
    let mut jobs = Vec::new();
    let mut want = Vec::new();
    for i in 1..=6u8 {
        let key = SigningKey::from_bytes(&[i; 32].into()).unwrap();
        let z = Sha256::digest([i]).into();
        let good = sig_job(&key, z, i % 2 == 0);
        jobs.push(good);
        want.push(EcdsaCode::Valid);
        let mut bad = good;
        bad.z[0] ^= 1;
        jobs.push(bad);
        want.push(EcdsaCode::Invalid);
    }
    let base = jobs[0];
    let n = hex32("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");
    jobs.push(EcdsaJob { r: [0; 32], ..base });
    want.push(EcdsaCode::BadR);
    jobs.push(EcdsaJob { r: n, ..base });
    want.push(EcdsaCode::BadR);
    jobs.push(EcdsaJob { s: [0; 32], ..base });
    want.push(EcdsaCode::BadS);
    jobs.push(EcdsaJob { s: n, ..base });
    want.push(EcdsaCode::BadS);
    jobs.push(EcdsaJob { prefix: 5, ..base });
    want.push(EcdsaCode::BadPubkey);
    let mut off = base;
    off.qy[31] ^= 1; // not on the curve
    jobs.push(off);
    want.push(EcdsaCode::BadPubkey);
    // High s (n - s) is accepted by the engine: verification does not apply low-S.
    let key = SigningKey::from_bytes(&[7; 32].into()).unwrap();
    let z = Sha256::digest(b"high s").into();
    let mut hi = sig_job(&key, z, true);
    hi.s = sub_n(&n, &hi.s);
    jobs.push(hi);
    want.push(EcdsaCode::Valid);
    (jobs, want)
}

pub fn hex32(s: &str) -> [u8; 32] {
    let mut b = [0u8; 32];
    for i in 0..32 {
        b[i] = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap();
    }
    b
}

pub fn sub_n(n: &[u8; 32], s: &[u8; 32]) -> [u8; 32] {
    let mut out = [0u8; 32];
    let mut borrow = 0i16;
    for i in (0..32).rev() {
        let d = i16::from(n[i]) - i16::from(s[i]) - borrow;
        borrow = i16::from(d < 0);
        out[i] = (d + 256 * borrow) as u8;
    }
    out
}

pub fn open_dma(region: usize) -> Accel<MockBus<DeviceModel>> {
    let mut dev = DeviceModel::new(ModelConfig::default());
    dev.dma = Some(testkit::dma::MemRegion::new(0x1000_0000, region));
    Accel::open(MockBus::new(dev), Config::default()).expect("open model with DMA")
}
