//! Fault injection on the Verilated top through VerilatorBus's hook: stuck busy, a flipped
//! result bit, a spurious error bit, a dropped interrupt (on the shipped top's hash path; the
//! flipped verdict bit on the engine top's ECDSA_RESULT register). Each is detected (a fault counted
//! in the backend's stats, or a typed error under FaultPolicy::Error) and, under
//! FaultPolicy::Fallback, the results still equal fallback-sw's.
//!
//! The self-test at open is switched off here (it is tested in driver_top.rs): these tests are
//! about what happens after a fault, and they open several backends.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::cast_possible_truncation
)]

use accel_driver::fault::Flip;
use accel_driver::regmap::reg;
use crypto_core::{Backend, BackendErrorKind, HashJob};
use fallback_sw::SoftwareBackend;
use satchain_fpga::{fault, FaultPolicy, FpgaConfig};
use verif::bus::sim_config;

fn cfg(policy: FaultPolicy) -> FpgaConfig {
    let mut c = FpgaConfig {
        policy,
        spot_check: 0.0,
        self_test: false,
        chunk: 8,
        ..sim_config()
    };
    c.driver.timeout_us = 50;
    c
}

fn jobs() -> Vec<HashJob> {
    (0..24u8)
        .map(|i| match i % 3 {
            0 => HashJob::header80(&[i; 80]),
            1 => HashJob::merkle_node(&[i; 32], &[7; 32]),
            _ => HashJob::sha256d(vec![i; usize::from(i) * 5]),
        })
        .collect()
}

fn count(be: &impl Backend, name: &str) -> u64 {
    be.stats()
        .faults
        .iter()
        .find(|(k, _)| k == name)
        .map_or(0, |(_, v)| *v)
}

fn sw(j: &[HashJob]) -> Vec<[u8; 32]> {
    SoftwareBackend::single_thread().hash_batch(j).unwrap()
}

#[test]
fn fault_top_stuck_busy() {
    let j = jobs();
    let be = verif::sim_backend_with(cfg(FaultPolicy::Error)).unwrap();
    be.with_bus(|b| b.faults.stuck_busy = true);
    assert_eq!(
        be.hash_batch(&j).unwrap_err().kind(),
        BackendErrorKind::Timeout
    );

    let be = verif::sim_backend_with(cfg(FaultPolicy::Fallback)).unwrap();
    be.with_bus(|b| b.faults.stuck_busy = true);
    assert_eq!(be.hash_batch(&j).unwrap(), sw(&j));
    assert_eq!(count(&be, fault::TIMEOUT), 3, "{:?}", be.stats());
    assert_eq!(be.stats().fallback_jobs, 24);
    assert!(!be.device_in_service());
}

#[test]
fn fault_top_flipped_result_bit() {
    let j = jobs();
    let flip = Flip {
        offset: reg::HASH_DIGEST6.offset,
        mask: 1 << 17,
        skip: 10,
        count: 1,
    };
    let c = FpgaConfig {
        spot_check: 1.0,
        ..cfg(FaultPolicy::Error)
    };
    let be = verif::sim_backend_with(c).unwrap();
    be.with_bus(|b| b.faults.flip = Some(flip));
    assert_eq!(
        be.hash_batch(&j).unwrap_err().kind(),
        BackendErrorKind::Mismatch
    );

    let c = FpgaConfig {
        spot_check: 1.0,
        ..cfg(FaultPolicy::Fallback)
    };
    let be = verif::sim_backend_with(c).unwrap();
    be.with_bus(|b| b.faults.flip = Some(flip));
    assert_eq!(be.hash_batch(&j).unwrap(), sw(&j));
    assert_eq!(count(&be, fault::MISMATCH), 1);
    assert_eq!(
        be.stats().fallback_jobs,
        8,
        "only the chunk with the flipped digest is redone"
    );
    assert_eq!(be.device_jobs(), 16);
    assert_eq!(be.with_bus(|b| b.faults.injected.flipped_reads), Some(1));
}

#[test]
fn fault_top_spurious_error_bit() {
    let j = jobs();
    let be = verif::sim_backend_with(cfg(FaultPolicy::Error)).unwrap();
    be.with_bus(|b| b.faults.spurious_error = Some(3));
    let e = be.hash_batch(&j).unwrap_err();
    assert_eq!(e.kind(), BackendErrorKind::Hardware);
    assert!(e.to_string().contains("CmdOverflow"), "{e}");

    let be = verif::sim_backend_with(cfg(FaultPolicy::Fallback)).unwrap();
    be.with_bus(|b| b.faults.spurious_error = Some(3));
    assert_eq!(be.hash_batch(&j).unwrap(), sw(&j));
    assert_eq!(count(&be, fault::ERROR_BIT), 1);
    // Recovery (soft reset, ERROR cleared) put the device back in service for the rest.
    assert_eq!(be.stats().fallback_jobs, 8);
    assert_eq!(be.device_jobs(), 16);
}

#[test]
fn fault_top_dropped_interrupt() {
    let j = jobs();
    let mut c = cfg(FaultPolicy::Error);
    c.driver.timeout_us = 10_000;
    let be = verif::sim_backend_with(c).unwrap();
    be.with_bus(|b| b.faults.drop_irqs = 2);
    assert_eq!(be.hash_batch(&j).unwrap(), sw(&j));
    assert_eq!(be.with_bus(|b| b.faults.injected.dropped_irqs), Some(2));
    assert!(count(&be, fault::MISSED_IRQ) >= 1, "{:?}", be.stats());
    assert_eq!(be.stats().fallback_jobs, 0);
}

#[test]
fn fault_top_flipped_verdict_bit() {
    let vj = driver_jobs::verify_jobs(4);
    let mut c = FpgaConfig {
        spot_check: 1.0,
        chunk: 4,
        ..cfg(FaultPolicy::Fallback)
    };
    c.driver.timeout_us = 200_000; // a verification takes far longer than a hash
                                   // The flip is on the ECDSA_RESULT register: the engine top's verdict path (the shipped
                                   // top's verdicts come through the result ring in memory).
    let be = verif::bus::engine_backend_with(c).unwrap();
    be.with_bus(|b| {
        b.faults.flip = Some(Flip {
            offset: reg::ECDSA_RESULT.offset,
            mask: 1 << 4,
            skip: 0,
            count: 1,
        })
    });
    let want = SoftwareBackend::single_thread().verify_batch(&vj).unwrap();
    assert_eq!(be.verify_batch(&vj).unwrap(), want);
    assert_eq!(count(&be, fault::MISMATCH), 1, "{:?}", be.stats());
}

mod driver_jobs {
    use crypto_core::{PubkeyBytes, VerifyJob};
    use k256::ecdsa::signature::hazmat::PrehashSigner;
    use k256::ecdsa::{Signature, SigningKey};
    use sha2::{Digest, Sha256};

    pub fn verify_jobs(n: usize) -> Vec<VerifyJob> {
        (0..n)
            .map(|i| {
                let key = SigningKey::from_bytes(&[(i % 5 + 1) as u8; 32].into()).unwrap();
                let z: [u8; 32] = Sha256::digest([i as u8, 0xa5]).into();
                let sig: Signature = key.sign_prehash(&z).unwrap();
                let (r, s) = sig.split_bytes();
                let pk = key.verifying_key().to_encoded_point(true);
                VerifyJob {
                    pubkey: PubkeyBytes::from_sec1(pk.as_bytes()).unwrap(),
                    prehash: z,
                    r: r.into(),
                    s: s.into(),
                }
            })
            .collect()
    }
}
