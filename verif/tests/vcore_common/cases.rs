//! Random verification jobs with the code the k256 reference expects, shared by the vcore
//! tests that run the real secp256k1 program (`vcore_cluster_programs`, `vcore_verify_core`).
//! ECDSA: `fallback_sw::verify_one`; BIP340: `k256::schnorr`'s `verify_raw`, with the ARCH code
//! order r, s, key, equation.

// Each test that includes this file uses part of it.
#![allow(dead_code)]

use crypto_core::backend::{PubkeyBytes, Verdict, VerifyFailure, VerifyJob};
use k256::ecdsa::signature::hazmat::PrehashSigner;
use k256::elliptic_curve::sec1::ToEncodedPoint;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use satchain_hdl::vcore::iss::core::CoreJob;

/// A job for the cluster and the code the k256 reference expects.
pub struct Case {
    pub what: &'static str,
    pub job: CoreJob,
    pub want: u8,
}

/// The `EcdsaCode` the core answers for a software verdict.
pub fn code(v: Verdict) -> u8 {
    match v {
        Verdict::Valid => 0,
        Verdict::Invalid(VerifyFailure::Mismatch) => 1,
        Verdict::Invalid(VerifyFailure::BadR) => 2,
        Verdict::Invalid(VerifyFailure::BadS) => 3,
        Verdict::Invalid(VerifyFailure::BadPubkey) => 4,
    }
}

pub fn ecdsa_case(rng: &mut ChaCha8Rng) -> Case {
    let sk = loop {
        if let Ok(k) = k256::ecdsa::SigningKey::from_bytes(&rng.gen::<[u8; 32]>().into()) {
            break k;
        }
    };
    let compressed = rng.gen_bool(0.5);
    let mut key = sk
        .verifying_key()
        .as_affine()
        .to_encoded_point(compressed)
        .as_bytes()
        .to_vec();
    let mut z: [u8; 32] = rng.gen();
    let sig: k256::ecdsa::Signature = sk.sign_prehash(&z).unwrap();
    let b = sig.to_bytes();
    let (mut r, mut s) = ([0u8; 32], [0u8; 32]);
    r.copy_from_slice(&b[..32]);
    s.copy_from_slice(&b[32..]);
    let what = match rng.gen_range(0..8) {
        0..=3 => "ecdsa valid",
        4 => {
            z[rng.gen_range(0..32)] ^= 1 << rng.gen_range(0..8);
            "ecdsa z changed"
        }
        5 => {
            r[rng.gen_range(1..32)] ^= 1 << rng.gen_range(0..8);
            "ecdsa r changed"
        }
        6 => {
            // a key x that is (most likely) not on the curve
            key[1 + rng.gen_range(0..32)] ^= 1 << rng.gen_range(0..8);
            "ecdsa key changed"
        }
        _ => {
            if compressed {
                key[0] ^= 1; // the other y
            } else {
                key[64] ^= 1;
            }
            "ecdsa key parity/y changed"
        }
    };
    let pubkey = PubkeyBytes::from_sec1(&key).unwrap();
    let want = code(fallback_sw::verify_one(&VerifyJob {
        pubkey,
        prehash: z,
        r,
        s,
    }));
    Case {
        what,
        job: CoreJob::ecdsa(&key, &z, &r, &s).unwrap(),
        want,
    }
}

pub fn tagged(tag: &str, data: &[u8]) -> [u8; 32] {
    let th = fallback_sw::sha256(tag.as_bytes());
    let mut m = th.to_vec();
    m.extend_from_slice(&th);
    m.extend_from_slice(data);
    fallback_sw::sha256(&m)
}

pub fn schnorr_case(rng: &mut ChaCha8Rng) -> Case {
    let sk = loop {
        if let Ok(k) = k256::schnorr::SigningKey::from_bytes(&rng.gen::<[u8; 32]>()) {
            break k;
        }
    };
    let mut px: [u8; 32] = sk.verifying_key().to_bytes().into();
    let mut msg: Vec<u8> = (0..rng.gen_range(0..64)).map(|_| rng.gen()).collect();
    let mut sig = sk.sign_raw(&msg, &rng.gen()).unwrap().to_bytes();
    let what = match rng.gen_range(0..6) {
        0..=2 => "bip340 valid",
        3 => {
            msg.push(rng.gen());
            "bip340 message changed"
        }
        4 => {
            sig[1 + rng.gen_range(0..31)] ^= 1 << rng.gen_range(0..8);
            "bip340 r changed"
        }
        _ => {
            px[rng.gen_range(0..32)] ^= 1 << rng.gen_range(0..8);
            "bip340 key changed"
        }
    };
    let mut d = sig[..32].to_vec();
    d.extend_from_slice(&px);
    d.extend_from_slice(&msg);
    let e = tagged("BIP0340/challenge", &d);
    // r < p and s < n hold for these cases (a changed r bit below the top byte of a valid r
    // stays < p except with negligible probability, which the ScalarUnit check below catches)
    let want = match k256::schnorr::VerifyingKey::from_bytes(&px) {
        Err(_) => 4,
        Ok(vk) => {
            let s = k256::schnorr::Signature::try_from(&sig[..]).unwrap();
            u8::from(vk.verify_raw(&msg, &s).is_err())
        }
    };
    let r: [u8; 32] = sig[..32].try_into().unwrap();
    let s: [u8; 32] = sig[32..].try_into().unwrap();
    Case {
        what,
        job: CoreJob::schnorr(&px, &e, &r, &s),
        want,
    }
}

/// 32 big-endian bytes of `v` (< 2^256).
pub fn be32(v: &num_bigint::BigUint) -> [u8; 32] {
    let b = v.to_bytes_be();
    let mut o = [0u8; 32];
    o[32 - b.len()..].copy_from_slice(&b);
    o
}

/// A job the ScalarUnit answers at once: r or s out of range (0, n, n + 1, 2^256 − 1; BIP340's
/// r: p or 2^256 − 1), on an otherwise random ECDSA or BIP340 job. ECDSA's expected code is
/// `fallback_sw::verify_one`'s; BIP340's is the rule (r >= p: BAD_R, s >= n: BAD_S; k256
/// refuses such a signature without saying which).
pub fn early_case(rng: &mut ChaCha8Rng) -> Case {
    use num_bigint::BigUint;
    let hex = |h: &str| BigUint::parse_bytes(h.as_bytes(), 16).unwrap();
    let n = hex("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141");
    let p = hex("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFC2F");
    let top = (BigUint::from(1u8) << 256u32) - 1u8;
    let pick = rng.gen_range(0..4);
    let ok = {
        let mut x: [u8; 32] = rng.gen();
        x[0] &= 0x7f;
        x[31] |= 1;
        x
    };
    let z: [u8; 32] = rng.gen();
    let bad_r = rng.gen_bool(0.5);
    if rng.gen_bool(0.5) {
        let bad = be32(&[BigUint::default(), n.clone(), &n + 1u8, top][pick]);
        let (r, s) = if bad_r { (bad, ok) } else { (ok, bad) };
        let mut key = vec![2u8 | rng.gen_range(0..2u8)];
        key.extend_from_slice(&rng.gen::<[u8; 32]>());
        let want = code(fallback_sw::verify_one(&VerifyJob {
            pubkey: PubkeyBytes::from_sec1(&key).unwrap(),
            prehash: z,
            r,
            s,
        }));
        Case {
            what: if bad_r {
                "ecdsa r out of range"
            } else {
                "ecdsa s out of range"
            },
            job: CoreJob::ecdsa(&key, &z, &r, &s).unwrap(),
            want,
        }
    } else {
        let (r, s) = if bad_r {
            (be32(if pick < 2 { &p } else { &top }), ok)
        } else {
            (
                ok,
                be32(&[n.clone(), &n + 1u8, top.clone(), n.clone()][pick]),
            )
        };
        let px: [u8; 32] = rng.gen();
        Case {
            what: if bad_r {
                "bip340 r out of range"
            } else {
                "bip340 s out of range"
            },
            job: CoreJob::schnorr(&px, &z, &r, &s),
            want: if bad_r { 2 } else { 3 },
        }
    }
}
