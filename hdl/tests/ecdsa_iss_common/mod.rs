//! Shared by the k256 == ISS tests of the microcoded ECDSA engine (`ecdsa_iss.rs`: random and
//! tampered cases; `ecdsa_iss_edges.rs`: constructed edge cases): the program, the k256 oracle,
//! the ISS run and the per-case check.

#![allow(dead_code)]

use crypto_core::backend::{PubkeyBytes, Verdict, VerifyFailure, VerifyJob};
use k256::ecdsa::signature::hazmat::{PrehashSigner, PrehashVerifier};
use k256::ecdsa::{Signature, SigningKey, VerifyingKey};
use k256::elliptic_curve::scalar::IsHigh;
use k256::elliptic_curve::PrimeField;
use k256::{FieldBytes, Scalar};
use num_bigint::BigUint;
use proptest::prelude::*;
use proptest::test_runner::{TestCaseError, TestRunner};
use satchain_hdl::ecdsa::asm::Program;
use satchain_hdl::ecdsa::consts::Curve;
use satchain_hdl::ecdsa::model::{self, EcdsaJob, IssOutcome};
use satchain_hdl::ecdsa::program::verify_program;
use std::sync::OnceLock;

pub fn program() -> &'static Program {
    static P: OnceLock<Program> = OnceLock::new();
    P.get_or_init(|| {
        let p = verify_program();
        assert!(!p.words.is_empty(), "{}", p.listing);
        p
    })
}

pub fn cases() -> u32 {
    testkit::cases(2000)
}

/// A proptest runner with the test's fixed seed (`testkit::seed`), failures kept in
/// `proptest-regressions/<name>.txt`.
pub fn runner(name: &str, cases: u32) -> TestRunner {
    testkit::seed::runner(env!("CARGO_MANIFEST_DIR"), name, cases)
}

#[derive(Debug, Clone)]
pub struct Case {
    pub what: String,
    pub pubkey: Vec<u8>,
    pub z: [u8; 32],
    pub r: [u8; 32],
    pub s: [u8; 32],
}

pub fn be32(v: &BigUint) -> [u8; 32] {
    let b = v.to_bytes_be();
    let mut o = [0u8; 32];
    let b = &b[b.len().saturating_sub(32)..];
    o[32 - b.len()..].copy_from_slice(b);
    o
}

pub fn big(b: &[u8]) -> BigUint {
    BigUint::from_bytes_be(b)
}

pub fn curve() -> &'static Curve {
    static C: OnceLock<Curve> = OnceLock::new();
    C.get_or_init(Curve::secp256k1)
}

pub fn scalar(v: &BigUint) -> Scalar {
    let v = v % &curve().n;
    Option::<Scalar>::from(Scalar::from_repr(FieldBytes::from(be32(&v)))).expect("reduced")
}

pub fn scalar_big(s: &Scalar) -> BigUint {
    big(&s.to_bytes())
}

/// k256's answer, with the precedence of the software backend: r, s, public key, equation.
pub fn k256_verdict(c: &Case) -> Verdict {
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
    // k256 rejects high-S; (r, s) and (r, n-s) verify alike, so normalize (plain ECDSA).
    let s = if bool::from(s.is_high()) { -s } else { s };
    let sig = Signature::from_scalars(r, s).expect("r, s in range");
    match vk.verify_prehash(&c.z, &sig) {
        Ok(()) => Verdict::Valid,
        Err(_) => Verdict::Invalid(VerifyFailure::Mismatch),
    }
}

pub fn code_to_verdict(code: u8) -> Option<Verdict> {
    Some(match code {
        0 => Verdict::Valid,
        1 => Verdict::Invalid(VerifyFailure::Mismatch),
        2 => Verdict::Invalid(VerifyFailure::BadR),
        3 => Verdict::Invalid(VerifyFailure::BadS),
        4 => Verdict::Invalid(VerifyFailure::BadPubkey),
        _ => return None,
    })
}

pub fn iss(c: &Case, trace: bool) -> IssOutcome {
    let inputs = EcdsaJob::new(&c.pubkey, &c.z, &c.r, &c.s).expect("33 or 65 bytes");
    let out = if trace {
        model::run_traced(&program().words, &inputs)
    } else {
        model::run(&program().words, &inputs)
    };
    match out {
        Ok(o) => o,
        Err(e) => panic!("{}: ISS error {e}\ncase {c:?}", c.what),
    }
}

pub fn check(c: &Case) -> Result<IssOutcome, TestCaseError> {
    let o = iss(c, false);
    let want = k256_verdict(c);
    let got = code_to_verdict(o.code);
    prop_assert_eq!(
        got,
        Some(want),
        "{}: ISS code {} vs k256 {:?}\ncase {:?}",
        c.what,
        o.code,
        want,
        c
    );
    // The product's software backend on the same job, when the key parses as a job does
    // (`PubkeyBytes::from_sec1`; it turns hybrid 0x06/0x07 keys into 0x04 ones, so the
    // engine is then run on those bytes, as the driver would).
    if let Some(pubkey) = PubkeyBytes::from_sec1(&c.pubkey) {
        let job = VerifyJob {
            pubkey,
            prehash: c.z,
            r: c.r,
            s: c.s,
        };
        let sw = fallback_sw::verify_one(&job);
        let conv = Case {
            pubkey: job.pubkey.as_bytes().to_vec(),
            ..c.clone()
        };
        let o2 = if conv.pubkey == c.pubkey {
            o.clone()
        } else {
            iss(&conv, false)
        };
        prop_assert_eq!(
            code_to_verdict(o2.code),
            Some(sw),
            "{}: ISS code {} vs fallback-sw {:?}\ncase {:?}",
            c.what,
            o2.code,
            sw,
            conv
        );
    }
    Ok(o)
}

pub fn sign(sk: &SigningKey, z: &[u8; 32]) -> ([u8; 32], [u8; 32]) {
    let sig: Signature = sk.sign_prehash(z).expect("sign");
    let (r, s) = sig.split_bytes();
    (r.into(), s.into())
}

pub fn key_bytes(sk: &SigningKey, compressed: bool) -> Vec<u8> {
    sk.verifying_key()
        .to_encoded_point(compressed)
        .as_bytes()
        .to_vec()
}

pub fn signing_key(seed: &[u8; 32]) -> SigningKey {
    SigningKey::from_bytes(&FieldBytes::from(*seed))
        .unwrap_or_else(|_| SigningKey::from_bytes(&FieldBytes::from([1u8; 32])).expect("key"))
}

/// One case of kind `kind` built from random material.
pub fn make_case(
    kind: u8,
    sk: [u8; 32],
    z: [u8; 32],
    extra: [u8; 32],
    bit: u16,
    compressed: bool,
) -> Case {
    let c = curve();
    let key = signing_key(&sk);
    let (r, s) = sign(&key, &z);
    let pubkey = key_bytes(&key, compressed);
    let mut case = Case {
        what: String::new(),
        pubkey,
        z,
        r,
        s,
    };
    let n = &c.n;
    let p = &c.p;
    let specials = |i: u8| -> [u8; 32] {
        let v = match i % 8 {
            0 => BigUint::ZERO,
            1 => BigUint::from(1u32),
            2 => n - 1u32,
            3 => n.clone(),
            4 => n + 1u32,
            5 => (BigUint::from(1u32) << 256u32) - 1u32,
            6 => n + big(&extra) % ((BigUint::from(1u32) << 256u32) - n), // random >= n
            _ => big(&extra) % n,                                         // random in range
        };
        be32(&v)
    };
    match kind {
        0 => case.what = "valid".into(),
        1 => {
            case.what = "valid, high-S".into();
            case.s = be32(&(n - big(&s)));
        }
        2 => {
            case.what = format!("r bit {} flipped", bit % 256);
            case.r[31 - usize::from(bit % 256) / 8] ^= 1 << (bit % 8);
        }
        3 => {
            case.what = format!("s bit {} flipped", bit % 256);
            case.s[31 - usize::from(bit % 256) / 8] ^= 1 << (bit % 8);
        }
        4 => {
            case.what = format!("z bit {} flipped", bit % 256);
            case.z[31 - usize::from(bit % 256) / 8] ^= 1 << (bit % 8);
        }
        5 => {
            let nbits = case.pubkey.len() * 8;
            let b = usize::from(bit) % nbits;
            case.what = format!("pubkey bit {b} flipped");
            case.pubkey[b / 8] ^= 1 << (b % 8);
        }
        6 => {
            case.what = format!("r special {}", extra[0] % 8);
            case.r = specials(extra[0]);
        }
        7 => {
            case.what = format!("s special {}", extra[0] % 8);
            case.s = specials(extra[0]);
        }
        8 => {
            // A coordinate >= p.
            let v = be32(&(p + big(&extra[..4])));
            let v = if extra[5] & 1 == 0 { v } else { [0xff; 32] };
            if compressed || extra[6] & 1 == 0 {
                case.what = "pubkey x >= p".into();
                case.pubkey[1..33].copy_from_slice(&v);
            } else {
                case.what = "pubkey y >= p".into();
                case.pubkey[33..65].copy_from_slice(&v);
            }
        }
        9 => {
            case.what = "uncompressed pubkey with random y (off the curve)".into();
            let mut k = key_bytes(&key, false);
            k[33..65].copy_from_slice(&extra);
            case.pubkey = k;
        }
        10 => {
            case.what = "compressed pubkey with random x (half have no square root)".into();
            case.pubkey[1..33].copy_from_slice(&extra);
        }
        11 => {
            let prefixes = [0u8, 1, 5, 6, 7, 0xff, 2, 3, 4];
            let pre = prefixes[usize::from(extra[0]) % prefixes.len()];
            case.what = format!("prefix {pre:#04x} on a {}-byte key", case.pubkey.len());
            case.pubkey[0] = pre;
        }
        12 => {
            case.what = "random r, s in range".into();
            case.r = be32(&(big(&extra) % n));
            case.s = be32(&(big(&z) % n));
        }
        _ => {
            case.what = "uncompressed key with y negated".into();
            let mut k = key_bytes(&key, false);
            let y = big(&k[33..65]);
            k[33..65].copy_from_slice(&be32(&(p - y)));
            case.pubkey = k;
        }
    }
    case
}
