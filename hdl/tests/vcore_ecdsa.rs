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
use k256::elliptic_curve::point::AffineCoordinates;
use k256::elliptic_curve::scalar::IsHigh;
use k256::elliptic_curve::sec1::{FromEncodedPoint, ToEncodedPoint};
use k256::elliptic_curve::PrimeField;
use k256::{AffinePoint, EncodedPoint, FieldBytes, ProjectivePoint, Scalar};
use num_bigint::BigUint;
use rand::Rng;
use satchain_hdl::vcore::consts::CurveDesc;
use satchain_hdl::vcore::iss::Config;
use satchain_hdl::vcore::program::labels;
use vcore_common::*;

fn desc() -> CurveDesc {
    CurveDesc::secp256k1().unwrap()
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

fn scalar(v: &BigUint) -> Scalar {
    let n = desc().curve.n;
    Option::<Scalar>::from(Scalar::from_repr(FieldBytes::from(be32(&(v % &n))))).unwrap()
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

/// (z, r, s) for which verification computes u1 = `u1`, u2 = `u2` with key q·G, i.e.
/// R = (u1 + u2·q)·G: r = x(R) mod n (or `r_override`), s = r/u2, z = u1·s.
fn construct(q: &Scalar, u1: &Scalar, u2: &Scalar, r_override: Option<Scalar>) -> Option<Case> {
    let rpt = (ProjectivePoint::GENERATOR * (*u1 + *u2 * q)).to_affine();
    let r = match r_override {
        Some(r) => r,
        None => {
            let x = big(&rpt.x());
            scalar(&x)
        }
    };
    if bool::from(r.is_zero()) || bool::from(u2.is_zero()) {
        return None;
    }
    let s = r * u2.invert().unwrap();
    let z = *u1 * s;
    let key = (ProjectivePoint::GENERATOR * q).to_affine();
    Some(Case {
        what: String::new(),
        pubkey: key.to_encoded_point(true).as_bytes().to_vec(),
        z: z.to_bytes().into(),
        r: r.to_bytes().into(),
        s: s.to_bytes().into(),
    })
}

#[test]
fn vcore_ecdsa_constructed_edges() {
    let d = desc();
    let n = &d.curve.n;
    let mut r = rng("vcore_ecdsa_constructed_edges", 0xed6e);
    let mut cs: Vec<Case> = Vec::new();
    let rs = |r: &mut rand_chacha::ChaCha8Rng| scalar(&big(&r.gen::<[u8; 32]>()));
    let one = Scalar::ONE;
    // Q = G and Q = −G with u1 = ±u2: partial sums meet (doubling) or cancel (infinity).
    for i in 0..6 {
        let u = rs(&mut r);
        let (q, u1, what) = match i % 3 {
            0 => (one, u, "Q = G, u1 = u2: additions meet equal points"),
            1 => (
                -one,
                u,
                "Q = -G, u1 = u2: R = infinity, partial sums cancel",
            ),
            _ => (one, -u, "Q = G, u1 = -u2: R = infinity"),
        };
        let r_ovr = (i % 3 != 0).then_some(rs(&mut r));
        if let Some(mut c) = construct(&q, &u1, &u, r_ovr) {
            c.what = what.into();
            cs.push(c);
        }
    }
    // Q = ±G with unrelated scalars.
    for q in [one, -one] {
        let (u1, u2) = (rs(&mut r), rs(&mut r));
        let mut c = construct(&q, &u1, &u2, None).unwrap();
        c.what = "Q = ±G".into();
        cs.push(c);
    }
    // x(R) in [n, p): R chosen first, Q = (R − u1·G)/u2.
    let mut t = 0u32;
    while cs.iter().filter(|c| c.what.starts_with("x(R)")).count() < 3 {
        t += 1;
        let x = n + BigUint::from(t);
        let mut enc = vec![2u8];
        enc.extend_from_slice(&be32(&x));
        let Some(rp) = Option::<AffinePoint>::from(AffinePoint::from_encoded_point(
            &EncodedPoint::from_bytes(&enc).unwrap(),
        )) else {
            continue;
        };
        let (u1, u2) = (rs(&mut r), rs(&mut r));
        let qp =
            (ProjectivePoint::from(rp) - ProjectivePoint::GENERATOR * u1) * u2.invert().unwrap();
        let rr = scalar(&(&x - n));
        let s = rr * u2.invert().unwrap();
        let z = u1 * s;
        for (what, zz) in [("x(R) >= n", z), ("x(R) >= n, z + 1", z + one)] {
            cs.push(Case {
                what: what.into(),
                pubkey: qp.to_affine().to_encoded_point(false).as_bytes().to_vec(),
                z: zz.to_bytes().into(),
                r: rr.to_bytes().into(),
                s: s.to_bytes().into(),
            });
        }
    }
    // GLV rounding boundaries for u1 and u2: k·b/n = j + 1/2 (± 1).
    let mut bounds = vec![BigUint::from(1u32), n - 1u32, n >> 1u32, d.lambda.clone()];
    for bm in [d.glv.b2.magnitude(), d.glv.b1.magnitude()] {
        for j in [0u32, 1, 7, 1 << 20] {
            let kk = (BigUint::from(2 * j + 1) * n) / (bm << 1u32);
            for dk in [0u32, 1, 2] {
                bounds.push((&kk + dk) % n);
            }
        }
    }
    for (i, b) in bounds.iter().enumerate() {
        let q = rs(&mut r);
        let other = rs(&mut r);
        let (u1, u2) = if i % 2 == 0 {
            (scalar(b), other)
        } else {
            (other, scalar(b))
        };
        if let Some(mut c) = construct(&q, &u1, &u2, None) {
            c.what = format!("GLV boundary u{} = {b:x}", 1 + i % 2);
            cs.push(c);
        }
    }
    // r, s at 0, 1, n−1, n on a valid key, both forms.
    let sk = signing_key(&mut r);
    let z: [u8; 32] = r.gen();
    let (r0, s0) = sign(&sk, &z);
    for compressed in [true, false] {
        for (which, v) in [
            (0, BigUint::default()),
            (1, BigUint::from(1u32)),
            (2, n - 1u32),
            (3, n.clone()),
        ] {
            for rs_sel in [0, 1] {
                let mut c = Case {
                    what: format!("{} = {which}", if rs_sel == 0 { "r" } else { "s" }),
                    pubkey: key_bytes(&sk, compressed),
                    z,
                    r: r0,
                    s: s0,
                };
                if rs_sel == 0 {
                    c.r = be32(&v);
                } else {
                    c.s = be32(&v);
                }
                cs.push(c);
            }
        }
    }
    let run = run_cases(&cs, &Config::default());
    check_k256(&cs, &run);
    // The special paths ran.
    let prog = &image().program;
    let ran = |name: &str| {
        let pcs: Vec<u16> = prog
            .labels
            .iter()
            .filter(|(k, _)| k.as_str() == name || k.starts_with(&format!("{name}.")))
            .map(|(_, &v)| v)
            .collect();
        run.results
            .iter()
            .filter(|res| {
                res.stats
                    .as_ref()
                    .is_some_and(|s| pcs.iter().any(|&pc| s.visited(pc)))
            })
            .count()
    };
    for l in [
        labels::SPECIAL_DBL,
        labels::SPECIAL_INF,
        labels::R_INFINITY,
        labels::FINAL_R_PLUS_N,
        labels::DECOMPRESS,
    ] {
        let k = ran(l);
        println!("{l}: {k} jobs");
        assert!(k > 0, "path {l} never ran");
    }
    assert!(
        cs.iter().any(|c| c.what == "x(R) >= n")
            && run
                .results
                .iter()
                .zip(&cs)
                .all(|(r, c)| c.what != "x(R) >= n" || r.code == 0)
    );
}
