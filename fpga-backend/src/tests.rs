//! FpgaBackend over the behavioural model (MockBus<DeviceModel>): self-test, results equal
//! the reference, fault policy for each injected fault, no job lost or counted twice.
//! The same scenarios run end to end on the Verilated top in verif/tests/fault_*.rs.

use accel_driver::fault::Flip;
use accel_driver::regmap::reg;
use accel_driver::WaitMode;
use k256::ecdsa::signature::hazmat::PrehashSigner;
use k256::ecdsa::{Signature, SigningKey};
use sha2::{Digest, Sha256};
use testkit::mock::MockBus;
use testkit::model::{ecdsa_code, DeviceModel, ModelConfig};

use super::*;
use crypto_core::backend::{
    Backend, BackendErrorKind, HashJob, HashMode, PubkeyBytes, VerifyFailure, VerifyJob,
};

/// Reference backend for these tests: sha2 and the model's k256-based verification.
#[derive(Debug, Default)]
struct RefBackend;

impl Backend for RefBackend {
    fn name(&self) -> &'static str {
        "ref"
    }
    fn hash_batch(&self, jobs: &[HashJob]) -> Result<Vec<Digest32>, BackendError> {
        Ok(jobs
            .iter()
            .map(|j| {
                let one = Sha256::digest(&j.data);
                match j.mode {
                    HashMode::Sha256 => one.into(),
                    _ => Sha256::digest(one).into(),
                }
            })
            .collect())
    }
    fn verify_batch(&self, jobs: &[VerifyJob]) -> Result<Vec<Verdict>, BackendError> {
        Ok(jobs
            .iter()
            .map(|j| verdict_of(ecdsa_code(&ecdsa_job(j))).unwrap())
            .collect())
    }
}

type Mock = MockBus<DeviceModel>;

fn cfg(policy: FaultPolicy) -> FpgaConfig {
    FpgaConfig {
        policy,
        spot_check: 0.0,
        chunk: 16,
        ..FpgaConfig::default()
    }
}

fn backend(policy: FaultPolicy) -> FpgaBackend<Mock, RefBackend> {
    FpgaBackend::open(
        MockBus::new(DeviceModel::new(ModelConfig::default())),
        RefBackend,
        cfg(policy),
    )
    .unwrap()
}

fn hash_jobs(n: usize) -> Vec<HashJob> {
    (0..n)
        .map(|i| match i % 4 {
            0 => HashJob::sha256(vec![i as u8; i * 3]),
            1 => HashJob::sha256d(vec![i as u8; i]),
            2 => HashJob::merkle_node(&[i as u8; 32], &[1; 32]),
            _ => HashJob::header80(&[i as u8; 80]),
        })
        .collect()
}

fn verify_jobs(n: usize) -> Vec<VerifyJob> {
    (0..n)
        .map(|i| {
            let key = SigningKey::from_bytes(&[(i % 7 + 1) as u8; 32].into()).unwrap();
            let z: [u8; 32] = Sha256::digest([i as u8]).into();
            let sig: Signature = key.sign_prehash(&z).unwrap();
            let (r, s) = sig.split_bytes();
            let pk = key.verifying_key().to_encoded_point(i % 2 == 0);
            let mut j = VerifyJob {
                pubkey: PubkeyBytes::from_sec1(pk.as_bytes()).unwrap(),
                prehash: z,
                r: r.into(),
                s: s.into(),
            };
            if i % 3 == 1 {
                j.prehash[0] ^= 0x80; // mismatch
            }
            if i % 11 == 5 {
                j.r = [0; 32]; // BadR
            }
            j
        })
        .collect()
}

fn faults(be: &impl Backend, name: &str) -> u64 {
    be.stats()
        .faults
        .iter()
        .find(|(k, _)| k == name)
        .map_or(0, |(_, v)| *v)
}

/// Every job has exactly one source of its result.
fn accounting_holds(be: &FpgaBackend<Mock, RefBackend>) {
    let s = be.stats();
    assert_eq!(
        be.device_jobs() + s.fallback_jobs,
        s.hash_jobs + s.verify_jobs,
        "{s:?}"
    );
}

#[test]
fn fpga_backend_matches_reference_and_counts() {
    let be = backend(FaultPolicy::Error);
    assert!(be.device_in_service());
    let hj = hash_jobs(50);
    let vj = verify_jobs(30);
    assert_eq!(
        be.hash_batch(&hj).unwrap(),
        RefBackend.hash_batch(&hj).unwrap()
    );
    let v = be.verify_batch(&vj).unwrap();
    assert_eq!(v, RefBackend.verify_batch(&vj).unwrap());
    assert!(v.contains(&Verdict::Valid) && v.contains(&Verdict::Invalid(VerifyFailure::Mismatch)));
    assert!(v.contains(&Verdict::Invalid(VerifyFailure::BadR)));
    let s = be.stats();
    assert_eq!((s.hash_jobs, s.verify_jobs, s.fallback_jobs), (50, 30, 0));
    assert!(s.device_cycles > 0);
    assert!(s.faults.is_empty(), "{:?}", s.faults);
    assert_eq!(be.device_jobs(), 80);
    let t = be.traffic();
    assert_eq!(t.verify_jobs, 30);
    assert!(t.verify_writes >= 42 * 30, "41 ECDSA_IN + 1 POP per verify");
}

#[test]
fn bad_job_is_typed_error_not_fault() {
    let be = backend(FaultPolicy::Fallback);
    let jobs = vec![
        HashJob::sha256(vec![1]),
        HashJob {
            mode: HashMode::MerkleNode,
            data: vec![0; 63],
        },
    ];
    let e = be.hash_batch(&jobs).unwrap_err();
    assert!(matches!(e, BackendError::BadJob { index: 1, .. }), "{e:?}");
    assert!(be.stats().faults.is_empty());
}

#[test]
fn bitstream_mismatch_error_or_software() {
    let model = || {
        MockBus::new(DeviceModel::new(ModelConfig {
            map_hash: 0x1111_2222,
            ..Default::default()
        }))
    };
    let e = FpgaBackend::open(model(), RefBackend, cfg(FaultPolicy::Error)).unwrap_err();
    assert_eq!(e.kind(), BackendErrorKind::Unavailable);
    assert!(e.to_string().contains("MAP_HASH"), "{e}");
    let be = FpgaBackend::open(model(), RefBackend, cfg(FaultPolicy::Fallback)).unwrap();
    assert!(!be.device_in_service());
    let hj = hash_jobs(5);
    assert_eq!(
        be.hash_batch(&hj).unwrap(),
        RefBackend.hash_batch(&hj).unwrap()
    );
    assert_eq!(faults(&be, fault::BITSTREAM), 1);
    assert_eq!(be.stats().fallback_jobs, 5);
    accounting_holds(&be);
}

#[test]
fn stuck_busy_timeout_error_or_fallback() {
    for policy in [FaultPolicy::Error, FaultPolicy::Fallback] {
        let mut c = cfg(policy);
        c.driver.timeout_us = 300;
        let be = FpgaBackend::open(
            MockBus::new(DeviceModel::new(ModelConfig::default())),
            RefBackend,
            c,
        )
        .unwrap();
        let hj = hash_jobs(40);
        let vj = verify_jobs(20);
        be.with_bus(|b| b.faults.stuck_busy = true);
        match policy {
            FaultPolicy::Error => {
                assert_eq!(
                    be.hash_batch(&hj).unwrap_err().kind(),
                    BackendErrorKind::Timeout
                );
                assert_eq!(
                    be.verify_batch(&vj).unwrap_err().kind(),
                    BackendErrorKind::Timeout
                );
            }
            FaultPolicy::Fallback => {
                assert_eq!(
                    be.hash_batch(&hj).unwrap(),
                    RefBackend.hash_batch(&hj).unwrap()
                );
                assert_eq!(
                    be.verify_batch(&vj).unwrap(),
                    RefBackend.verify_batch(&vj).unwrap()
                );
                // 3 consecutive faulty chunks take the device out of service; the rest is software.
                assert!(!be.device_in_service());
                assert_eq!(faults(&be, fault::TIMEOUT), 3);
                assert_eq!(be.stats().fallback_jobs, 60);
                accounting_holds(&be);
            }
        }
    }
}

#[test]
fn flipped_result_bit_caught_by_spot_check() {
    for policy in [FaultPolicy::Error, FaultPolicy::Fallback] {
        let c = FpgaConfig {
            spot_check: 1.0,
            ..cfg(policy)
        };
        let be = FpgaBackend::open(
            MockBus::new(DeviceModel::new(ModelConfig::default())),
            RefBackend,
            c,
        )
        .unwrap();
        let hj = hash_jobs(40);
        be.with_bus(|b| {
            b.faults.flip = Some(Flip {
                offset: reg::HASH_DIGEST5.offset,
                mask: 1 << 9,
                skip: 20,
                count: 1,
            })
        });
        match policy {
            FaultPolicy::Error => {
                let e = be.hash_batch(&hj).unwrap_err();
                assert!(
                    matches!(e, BackendError::SpotCheckMismatch { index: 20, .. }),
                    "{e:?}"
                );
            }
            FaultPolicy::Fallback => {
                assert_eq!(
                    be.hash_batch(&hj).unwrap(),
                    RefBackend.hash_batch(&hj).unwrap()
                );
                assert_eq!(faults(&be, fault::MISMATCH), 1);
                assert_eq!(be.stats().fallback_jobs, 16, "one chunk recomputed");
                assert!(be.device_in_service());
                accounting_holds(&be);
            }
        }
        // A flipped ECDSA verdict bit (VALID -> INVALID) likewise.
        let vj = verify_jobs(20);
        be.with_bus(|b| {
            b.faults.flip = Some(Flip {
                offset: reg::ECDSA_RESULT.offset,
                mask: 1 << 4,
                skip: 0,
                count: 1,
            })
        });
        match policy {
            FaultPolicy::Error => assert_eq!(
                be.verify_batch(&vj).unwrap_err().kind(),
                BackendErrorKind::Mismatch
            ),
            FaultPolicy::Fallback => {
                assert_eq!(
                    be.verify_batch(&vj).unwrap(),
                    RefBackend.verify_batch(&vj).unwrap()
                );
                assert_eq!(faults(&be, fault::MISMATCH), 2);
                accounting_holds(&be);
            }
        }
    }
}

#[test]
fn flipped_bit_without_spot_check_goes_unnoticed() {
    // The reason spot checks exist: with none, a flipped digest bit reaches the caller.
    let be = backend(FaultPolicy::Fallback);
    let hj = hash_jobs(8);
    be.with_bus(|b| {
        b.faults.flip = Some(Flip {
            offset: reg::HASH_DIGEST0.offset,
            mask: 1,
            skip: 0,
            count: 1,
        })
    });
    assert_ne!(
        be.hash_batch(&hj).unwrap(),
        RefBackend.hash_batch(&hj).unwrap()
    );
}

#[test]
fn spurious_error_bit_error_or_fallback() {
    for policy in [FaultPolicy::Error, FaultPolicy::Fallback] {
        let be = backend(policy);
        let vj = verify_jobs(10);
        be.with_bus(|b| b.faults.spurious_error = Some(4));
        match policy {
            FaultPolicy::Error => assert_eq!(
                be.verify_batch(&vj).unwrap_err().kind(),
                BackendErrorKind::Hardware
            ),
            FaultPolicy::Fallback => {
                assert_eq!(
                    be.verify_batch(&vj).unwrap(),
                    RefBackend.verify_batch(&vj).unwrap()
                );
                assert_eq!(faults(&be, fault::ERROR_BIT), 1);
                // The soft reset cleared it: the device answers the next batch.
                let d0 = be.device_jobs();
                assert_eq!(
                    be.verify_batch(&vj).unwrap(),
                    RefBackend.verify_batch(&vj).unwrap()
                );
                assert_eq!(be.device_jobs(), d0 + 10);
                accounting_holds(&be);
            }
        }
    }
}

#[test]
fn dropped_interrupt_is_recovered_by_polling() {
    let mut c = cfg(FaultPolicy::Error);
    c.driver.wait = WaitMode::Irq;
    c.driver.irq_slice_us = 40;
    let be = FpgaBackend::open(
        MockBus::new(DeviceModel::new(ModelConfig::default())),
        RefBackend,
        c,
    )
    .unwrap();
    be.with_bus(|b| b.faults.drop_irqs = 2);
    let vj = verify_jobs(12);
    assert_eq!(
        be.verify_batch(&vj).unwrap(),
        RefBackend.verify_batch(&vj).unwrap()
    );
    assert!(faults(&be, fault::MISSED_IRQ) >= 1, "{:?}", be.stats());
    assert_eq!(be.stats().fallback_jobs, 0);
}

#[test]
fn engine_fault_code_redone_in_software_only_for_that_job() {
    let be = backend(FaultPolicy::Fallback);
    let vj = verify_jobs(10);
    // CODE 0 (VALID) xor 0xF = 15 (EngineFault) on the third result read.
    be.with_bus(|b| {
        b.faults.flip = Some(Flip {
            offset: reg::ECDSA_RESULT.offset,
            mask: 0xF0,
            skip: 2,
            count: 1,
        })
    });
    assert_eq!(
        be.verify_batch(&vj).unwrap(),
        RefBackend.verify_batch(&vj).unwrap()
    );
    assert_eq!(faults(&be, fault::ENGINE_FAULT), 1);
    assert_eq!(be.stats().fallback_jobs, 1);
    accounting_holds(&be);
}

#[test]
fn self_test_failure_refuses_or_disables_device() {
    let bad = || {
        let mut b = MockBus::new(DeviceModel::new(ModelConfig::default()));
        b.faults.flip = Some(Flip {
            offset: reg::HASH_DIGEST2.offset,
            mask: 1 << 3,
            skip: 0,
            count: 1,
        });
        b
    };
    let e = FpgaBackend::open(bad(), RefBackend, cfg(FaultPolicy::Error)).unwrap_err();
    assert!(e.to_string().contains("self-test"), "{e}");
    let be = FpgaBackend::open(bad(), RefBackend, cfg(FaultPolicy::Fallback)).unwrap();
    assert!(!be.device_in_service());
    assert_eq!(faults(&be, fault::SELF_TEST), 1);
    assert!(be
        .disabled_reason()
        .unwrap()
        .contains("self-test hash vector 0"));
}

#[test]
fn self_test_vectors_are_right_in_software() {
    for (j, want) in selftest::hash_vectors() {
        assert_eq!(RefBackend.hash_batch(&[j]).unwrap()[0], want);
    }
    let vv = selftest::verify_vectors();
    assert_eq!(vv.len(), 6);
    for (j, want) in vv {
        assert_eq!(RefBackend.verify_batch(&[j]).unwrap()[0], want);
    }
}

#[test]
fn spot_check_fraction_is_respected() {
    let c = FpgaConfig {
        spot_check: 0.25,
        chunk: 1000,
        ..cfg(FaultPolicy::Error)
    };
    let be = FpgaBackend::open(
        MockBus::new(DeviceModel::new(ModelConfig::default())),
        RefBackend,
        c,
    )
    .unwrap();
    be.hash_batch(&hash_jobs(400)).unwrap();
    let n = be.stats().spot_checked_jobs;
    assert!((60..=140).contains(&n), "{n} of 400 checked at 25%");
}

#[test]
fn ecosystem_traits_over_the_device() {
    use crypto_core::traits::{BackendSha256, BackendVerifyingKey};
    use digest::Digest as _;
    use signature::hazmat::PrehashVerifier;
    use signature::Verifier;

    let be = backend(FaultPolicy::Error);
    let mut h = BackendSha256::new(&be);
    digest::Update::update(&mut h, b"hello ");
    digest::Update::update(&mut h, b"world");
    let d = digest::FixedOutput::finalize_fixed(h);
    assert_eq!(&d[..], &Sha256::digest(b"hello world")[..]);
    // Through the generic `Digest` API (needs Default: a backend that is Default).
    let d2 = BackendSha256::<RefBackend>::digest(b"abc");
    assert_eq!(&d2[..], &Sha256::digest(b"abc")[..]);

    let key = SigningKey::from_bytes(&[3; 32].into()).unwrap();
    let msg = b"satchain";
    let z = Sha256::digest(msg);
    let sig: Signature = key.sign_prehash(&z).unwrap();
    let vk = BackendVerifyingKey::from_sec1_bytes(
        key.verifying_key().to_encoded_point(true).as_bytes(),
        &be,
    )
    .unwrap();
    vk.verify_prehash(&z, &sig).unwrap();
    vk.verify(msg, &sig).unwrap();
    assert!(vk.verify(b"other", &sig).is_err());
    assert!(
        vk.verify_prehash(&z[..15], &sig).is_err(),
        "prehash shorter than 16 bytes"
    );
    let before = be.stats().verify_jobs;
    assert!(vk.verify_prehash(&[0u8; 40], &sig).is_err());
    assert_eq!(
        be.stats().verify_jobs,
        before + 1,
        "verifications ran on the FPGA backend"
    );
}
