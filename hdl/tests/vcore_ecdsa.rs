//! k256 == fallback-sw == VerifyCore ISS on ECDSA, with every batch run through the whole
//! core model (ScalarUnit, two clusters, many jobs in flight at once).
//!
//! `SATCHAIN_PROPTEST_CASES` sets the random case count (default 512, run as batches of 256);
//! `SATCHAIN_SEED` replays a run (the seed is printed).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::cast_possible_truncation
)]

mod vcore_common;

use crypto_core::backend::{Verdict, VerifyFailure};
use k256::ecdsa::signature::hazmat::PrehashVerifier;
use k256::ecdsa::{Signature, VerifyingKey};
use k256::elliptic_curve::scalar::IsHigh;
use k256::elliptic_curve::PrimeField;
use k256::{FieldBytes, Scalar};
use num_bigint::BigUint;
use rand::Rng;
use satchain_hdl::vcore::consts::CurveDesc;
use satchain_hdl::vcore::iss::Config;
use satchain_hdl::vcore::program::labels;
use vcore_common::*;

/// Derived once: `CurveDesc::secp256k1()` builds the K-bank tables (affine inversions).
fn desc() -> &'static CurveDesc {
    static D: std::sync::OnceLock<CurveDesc> = std::sync::OnceLock::new();
    D.get_or_init(|| CurveDesc::secp256k1().unwrap())
}

fn be32(v: &BigUint) -> [u8; 32] {
    let b = v.to_bytes_be();
    let mut o = [0u8; 32];
    o[32 - b.len()..].copy_from_slice(&b);
    o
}

fn big(b: &[u8]) -> BigUint {
    BigUint::from_bytes_be(b)
}

/// k256's answer with the software backend's precedence: r, s, public key, equation (plain
/// ECDSA: a high-S signature is normalized first, as fallback-sw does).
fn k256_verdict(c: &Case) -> Verdict {
    let nz = |b: &[u8; 32]| {
        Option::<Scalar>::from(Scalar::from_repr(FieldBytes::from(*b)))
            .filter(|s| !bool::from(s.is_zero()))
    };
    let Some(r) = nz(&c.r) else {
        return Verdict::Invalid(VerifyFailure::BadR);
    };
    let Some(s) = nz(&c.s) else {
        return Verdict::Invalid(VerifyFailure::BadS);
    };
    let prefix_ok = matches!(
        (c.pubkey.len(), c.pubkey.first()),
        (33, Some(2 | 3)) | (65, Some(4))
    );
    if !prefix_ok {
        return Verdict::Invalid(VerifyFailure::BadPubkey);
    }
    let Ok(vk) = VerifyingKey::from_sec1_bytes(&c.pubkey) else {
        return Verdict::Invalid(VerifyFailure::BadPubkey);
    };
    let s = if bool::from(s.is_high()) { -s } else { s };
    let sig = Signature::from_scalars(r, s).unwrap();
    match vk.verify_prehash(&c.z, &sig) {
        Ok(()) => Verdict::Valid,
        Err(_) => Verdict::Invalid(VerifyFailure::Mismatch),
    }
}

fn check_k256(cases: &[Case], run: &satchain_hdl::vcore::iss::core::Run) {
    for (c, r) in cases.iter().zip(&run.results) {
        let want = k256_verdict(c);
        assert_eq!(
            code_to_verdict(r.code),
            Some(want),
            "{}: ISS code {} vs k256 {want:?}\ncase {c:?}",
            c.what,
            r.code
        );
    }
    check_against_sw(cases, run);
}

/// A random case of one of 13 kinds (valid, high-S, bit flips, special scalars, bad keys).
fn random_case(r: &mut rand_chacha::ChaCha8Rng) -> Case {
    let d = desc();
    let (n, p) = (&d.curve.n, &d.curve.p);
    let sk = signing_key(r);
    let z: [u8; 32] = r.gen();
    let (rr, s) = sign(&sk, &z);
    let compressed = r.gen();
    let mut c = Case {
        what: String::new(),
        pubkey: key_bytes(&sk, compressed),
        z,
        r: rr,
        s,
    };
    let extra: [u8; 32] = r.gen();
    let special = |i: u8| -> [u8; 32] {
        let two256 = BigUint::from(1u32) << 256u32;
        be32(&match i % 8 {
            0 => BigUint::default(),
            1 => BigUint::from(1u32),
            2 => n - 1u32,
            3 => n.clone(),
            4 => n + 1u32,
            5 => &two256 - 1u32,
            6 => n + big(&extra) % (&two256 - n),
            _ => big(&extra) % n,
        })
    };
    let bit = r.gen_range(0..256usize);
    match r.gen_range(0..13) {
        0..=2 => c.what = format!("valid ({})", if compressed { "02/03" } else { "04" }),
        3 => {
            c.what = "valid, high-S".into();
            c.s = be32(&(n - big(&s)));
        }
        4 => {
            c.what = format!("r bit {bit} flipped");
            c.r[31 - bit / 8] ^= 1 << (bit % 8);
        }
        5 => {
            c.what = format!("s bit {bit} flipped");
            c.s[31 - bit / 8] ^= 1 << (bit % 8);
        }
        6 => {
            c.what = format!("z bit {bit} flipped");
            c.z[31 - bit / 8] ^= 1 << (bit % 8);
        }
        7 => {
            let b = r.gen_range(8..c.pubkey.len() * 8);
            c.what = format!("pubkey bit {b} flipped");
            c.pubkey[b / 8] ^= 1 << (b % 8);
        }
        8 => {
            c.what = format!("r special {}", extra[0] % 8);
            c.r = special(extra[0]);
        }
        9 => {
            c.what = format!("s special {}", extra[0] % 8);
            c.s = special(extra[0]);
        }
        10 => {
            let v = be32(&(p + big(&extra[..4])));
            if compressed || extra[6] & 1 == 0 {
                c.what = "pubkey x >= p".into();
                c.pubkey[1..33].copy_from_slice(&v);
            } else {
                c.what = "pubkey y >= p".into();
                c.pubkey[33..65].copy_from_slice(&v);
            }
        }
        11 => {
            if compressed {
                c.what = "compressed key, random x (half have no root)".into();
                c.pubkey[1..33].copy_from_slice(&extra);
            } else {
                c.what = "uncompressed key, random y (off the curve)".into();
                c.pubkey[33..65].copy_from_slice(&extra);
            }
        }
        _ => {
            let pre = [0u8, 1, 5, 6, 7, 0xff, 2, 3, 4][usize::from(extra[0]) % 9];
            c.what = format!("prefix {pre:#04x} on a {}-byte key", c.pubkey.len());
            c.pubkey[0] = pre;
        }
    }
    c
}

#[test]
fn vcore_ecdsa_random_and_tampered_batches() {
    let mut r = rng("vcore_ecdsa_random_and_tampered_batches", 0xec_d5a);
    let total = cases(512);
    let mut done = 0;
    while done < total {
        let batch: Vec<Case> = (0..256.min(total - done))
            .map(|_| random_case(&mut r))
            .collect();
        let run = run_cases(&batch, &Config::default());
        check_k256(&batch, &run);
        done += batch.len();
    }
}

#[test]
fn vcore_ecdsa_constructed_edges() {
    // The cases are `testkit::edges` (the RTL test `vcore_verify_core_edges` runs the same).
    let s = seed(0xed6e);
    println!("vcore_ecdsa_constructed_edges: seed {s} (replay with SATCHAIN_SEED={s})");
    let bounds: Vec<[u8; 32]> = desc().glv_test_scalars().iter().map(be32).collect();
    let cs = testkit::edges::ecdsa_edges(s, &bounds);
    let run = run_cases(&cs, &Config::default());
    check_k256(&cs, &run);
    // The special paths ran.
    for l in [
        labels::SPECIAL_DBL,
        labels::SPECIAL_INF,
        labels::R_INFINITY,
        labels::FINAL_R_PLUS_N,
        labels::DECOMPRESS,
    ] {
        let k = image().jobs_visiting(&run, l);
        println!("{l}: {k} jobs");
        assert!(k > 0, "path {l} never ran");
    }
    let x_ge_n = testkit::edges::X_GE_N_VALID;
    assert!(
        cs.iter().any(|c| c.what == x_ge_n)
            && run
                .results
                .iter()
                .zip(&cs)
                .all(|(r, c)| c.what != x_ge_n || r.code == 0)
    );
}
