//! BIP340 Schnorr verification (Taproot) on the fabric: FpgaBackend's
//! `verify_schnorr_batch` on the Verilated shipped ring top (`top`), where each job goes through
//! the verify-job ring (`kind` 1) into the `VerifyCore`, == crypto-core's k256 reference,
//! verdict and failure reason:
//! - BIP340's official test vectors with 32-byte messages (the ones Taproot can carry), from
//!   `crypto-core/tests/data/bip340-test-vectors.csv`;
//! - random jobs (`SATCHAIN_PROPTEST_CASES`, default 24; seed `SATCHAIN_SEED`, printed):
//!   valid k256 signatures, and tampered messages, tampered s, random x-only keys (about
//!   half of them not on the curve), r >= p and s >= n.
//!
//! Signatures with r >= p or s >= n never reach the device (BIP340 checks the key first, the
//! device checks r and s first): they are counted as the backend's software jobs, and every
//! other verdict is the device's (spot checks off, faults are errors).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crypto_core::schnorr::{check_rs, verify_job_k256, FIELD_P};
use crypto_core::{Backend, SchnorrJob};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use satchain_fpga::{FaultPolicy, FpgaConfig};

fn arr<const N: usize>(h: &str) -> [u8; N] {
    hex::decode(h).unwrap().try_into().unwrap()
}

/// BIP340's vectors whose message is 32 bytes, as jobs (index, job).
fn official_vectors() -> Vec<(usize, SchnorrJob)> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../crypto-core/tests/data/bip340-test-vectors.csv"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .filter_map(|l| {
            let f: Vec<&str> = l.trim_end().splitn(8, ',').collect();
            let msg = hex::decode(f[4]).unwrap();
            (msg.len() == 32).then(|| {
                (
                    f[0].parse().unwrap(),
                    SchnorrJob {
                        xonly_pubkey: arr(f[2]),
                        msg32: msg.try_into().unwrap(),
                        sig64: arr(f[5]),
                    },
                )
            })
        })
        .collect()
}

fn random_job(rng: &mut ChaCha8Rng) -> (&'static str, SchnorrJob) {
    let key = k256::schnorr::SigningKey::from_bytes(&rng.gen::<[u8; 32]>()).unwrap();
    let msg32: [u8; 32] = rng.gen();
    let sig = key.sign_raw(&msg32, &rng.gen::<[u8; 32]>()).unwrap();
    let mut j = SchnorrJob {
        xonly_pubkey: key.verifying_key().to_bytes().into(),
        msg32,
        sig64: sig.to_bytes(),
    };
    let what = match rng.gen_range(0..8) {
        0..=2 => "valid",
        3 => {
            j.msg32[rng.gen_range(0..32)] ^= 1 << rng.gen_range(0..8);
            "tampered message"
        }
        4 => {
            j.sig64[32 + rng.gen_range(1..32)] ^= 1 << rng.gen_range(0..8);
            "tampered s"
        }
        5 => {
            j.xonly_pubkey = rng.gen();
            "random x-only key"
        }
        6 => {
            j.sig64[..32].copy_from_slice(&FIELD_P);
            j.sig64[31] = j.sig64[31].wrapping_add(rng.gen_range(0..3));
            "r >= p"
        }
        _ => {
            j.sig64[32..].fill(0xFF);
            "s >= n"
        }
    };
    (what, j)
}

#[test]
fn ring_top_bip340_matches_k256() {
    let seed = verif::vcore::seed();
    let n = verif::vcore::cases(24) as usize;
    println!("seed {seed} (replay with SATCHAIN_SEED={seed}), {n} random jobs");
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0xB340_0001);
    let mut jobs: Vec<(String, SchnorrJob)> = official_vectors()
        .into_iter()
        .map(|(i, j)| (format!("BIP340 vector {i}"), j))
        .collect();
    let official = jobs.len();
    assert!(official >= 15, "{official} vectors with 32-byte messages");
    jobs.extend((0..n).map(|_| {
        let (w, j) = random_job(&mut rng);
        (w.to_string(), j)
    }));
    let be = verif::sim_backend_with(FpgaConfig {
        policy: FaultPolicy::Error,
        spot_check: 0.0,
        ..verif::bus::sim_config()
    })
    .unwrap();
    let sj: Vec<SchnorrJob> = jobs.iter().map(|(_, j)| j.clone()).collect();
    let hw = be.verify_schnorr_batch(&sj).expect("BIP340 batch");
    let mut valid = 0;
    for ((what, j), v) in jobs.iter().zip(&hw) {
        assert_eq!(*v, verify_job_k256(j), "SATCHAIN_SEED={seed}: {what}");
        valid += usize::from(v.is_valid());
    }
    let s = be.stats();
    assert!(s.faults.is_empty(), "{:?}", s.faults);
    let software = sj.iter().filter(|j| check_rs(&j.sig64).is_err()).count();
    assert_eq!(
        usize::try_from(s.fallback_jobs).ok(),
        Some(software),
        "only r/s out of range go to software"
    );
    println!(
        "{} jobs ({official} official vectors), {valid} valid, {} on the device, all equal to k256; {} simulated cycles",
        jobs.len(),
        jobs.len() - software,
        s.device_cycles
    );
}
