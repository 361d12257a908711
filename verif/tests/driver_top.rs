//! The driver end to end on the Verilated top (VerilatorBus): identity at open, the
//! known-answer self-test, hash and ECDSA batches through FpgaBackend == fallback-sw, and the
//! hash-job register traffic that `satchain hw-report` reports.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::cast_possible_truncation
)]

use accel_driver::regmap::{self, HashMode as HwMode};
use accel_driver::Accel;
use crypto_core::{Backend, HashJob, PubkeyBytes, Verdict, VerifyFailure, VerifyJob};
use fallback_sw::SoftwareBackend;
use k256::ecdsa::signature::hazmat::PrehashSigner;
use k256::ecdsa::{Signature, SigningKey};
use satchain_fpga::{FaultPolicy, FpgaConfig};
use sha2::{Digest, Sha256};
use verif::bus::{sim_config, sim_driver_config, VerilatorBus};

fn strict() -> FpgaConfig {
    FpgaConfig {
        policy: FaultPolicy::Error,
        spot_check: 0.0,
        ..sim_config()
    }
}

pub fn verify_jobs(n: usize) -> Vec<VerifyJob> {
    (0..n)
        .map(|i| {
            let key = SigningKey::from_bytes(&[(i % 5 + 1) as u8; 32].into()).unwrap();
            let z: [u8; 32] = Sha256::digest([i as u8, 0x5a]).into();
            let sig: Signature = key.sign_prehash(&z).unwrap();
            let (r, s) = sig.split_bytes();
            let pk = key.verifying_key().to_encoded_point(i % 2 == 0);
            let mut j = VerifyJob {
                pubkey: PubkeyBytes::from_sec1(pk.as_bytes()).unwrap(),
                prehash: z,
                r: r.into(),
                s: s.into(),
            };
            match i % 6 {
                1 => j.prehash[5] ^= 4,
                3 => j.s = [0xff; 32],
                _ => {}
            }
            j
        })
        .collect()
}

#[test]
fn driver_top_open_reads_identity_and_caps() {
    let a = Accel::open(VerilatorBus::new().unwrap(), sim_driver_config()).unwrap();
    let c = a.caps();
    assert_eq!(c.version, regmap::VERSION_VALUE);
    // The shipped top verifies through the verify-job rings: no register-fed engine.
    assert!(
        c.hash_units >= 1 && c.verify_ring && c.ecdsa_engines == 0,
        "{c:?}"
    );
    assert!(c.supports(HwMode::Header80) && c.supports(HwMode::Merkle64));
    println!("top caps: {c:?}");
}

#[test]
fn driver_top_hash_batch_equals_software() {
    let be = verif::sim_backend_with(strict()).unwrap();
    assert!(be.device_in_service(), "{:?}", be.disabled_reason());
    let mut jobs = Vec::new();
    for (i, len) in [0usize, 1, 4, 55, 56, 63, 64, 65, 119, 120, 128, 300, 1500]
        .into_iter()
        .enumerate()
    {
        let d: Vec<u8> = (0..len).map(|k| (k * 7 + i) as u8).collect();
        jobs.push(HashJob::sha256(d.clone()));
        jobs.push(HashJob::sha256d(d));
    }
    for i in 0..20u8 {
        jobs.push(HashJob::header80(&[i; 80]));
        jobs.push(HashJob::merkle_node(&[i; 32], &[!i; 32]));
    }
    let sw = SoftwareBackend::single_thread();
    assert_eq!(be.hash_batch(&jobs).unwrap(), sw.hash_batch(&jobs).unwrap());
    let s = be.stats();
    assert!(s.faults.is_empty(), "{:?}", s.faults);
    assert_eq!(be.device_jobs(), jobs.len() as u64);
    assert!(s.device_cycles > 0);
}

#[test]
fn driver_top_verify_batch_equals_software() {
    let be = verif::sim_backend_with(strict()).unwrap();
    let jobs = verify_jobs(6);
    let sw = SoftwareBackend::single_thread()
        .verify_batch(&jobs)
        .unwrap();
    let hw = be.verify_batch(&jobs).unwrap();
    assert_eq!(hw, sw);
    assert!(hw.contains(&Verdict::Valid));
    assert!(hw.contains(&Verdict::Invalid(VerifyFailure::Mismatch)));
    assert!(hw.contains(&Verdict::Invalid(VerifyFailure::BadS)));
    let s = be.stats();
    assert!(s.faults.is_empty(), "{:?}", s.faults);
    println!("6 verifications: {} device cycles", s.device_cycles);
}

/// Hash-job register traffic, counted on the bus in simulation (interrupt mode). The verify
/// traffic through the rings is measured by `vring_path::vring_top_driver_batch_throughput`.
#[test]
fn driver_top_register_traffic_per_job() {
    let t = verif::bus::measure_driver_traffic(32).unwrap();
    println!("{t:?}");
    // Register path: 1 HASH_CMD + 20 HASH_DATA + 1 HASH_POP per header; descriptor DMA:
    // HASH_DMA_ADDR + HASH_DMA_CMD + HASH_POP; the rest are IRQ_STATUS clears before waits.
    assert!(
        (22.0..24.0).contains(&t.mmio_writes_per_header_register_path),
        "{t:?}"
    );
    assert!((3.0..5.0).contains(&t.mmio_writes_per_header), "{t:?}");
    // Reads: STATUS before every data word (pacing, register path only), the result, 8
    // digest words.
    assert!(t.mmio_reads_per_header_register_path >= 29.0, "{t:?}");
    assert!(t.mmio_reads_per_header >= 9.0, "{t:?}");
}
