//! k256 == ISS: the verification microcode on the instruction-set simulator against k256
//! (plain ECDSA: high-S accepted, as the Backend contract says), with the ISS code mapped to
//! crypto-core's `Verdict`.
//!
//! `SATCHAIN_PROPTEST_CASES` sets the random case count (default 2000); `SATCHAIN_SEED` replays
//! a run (the seed is printed at the start of every property test).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::cast_possible_truncation
)]

use crypto_core::backend::{PubkeyBytes, Verdict, VerifyFailure, VerifyJob};
use k256::ecdsa::signature::hazmat::{PrehashSigner, PrehashVerifier};
use k256::ecdsa::{Signature, SigningKey, VerifyingKey};
use k256::elliptic_curve::scalar::IsHigh;
use k256::elliptic_curve::sec1::{FromEncodedPoint, ToEncodedPoint};
use k256::elliptic_curve::PrimeField;
use k256::{AffinePoint, EncodedPoint, FieldBytes, ProjectivePoint, Scalar};
use num_bigint::BigUint;
use proptest::prelude::*;
use proptest::test_runner::{TestCaseError, TestRunner};
use satchain_hdl::ecdsa::asm::Program;
use satchain_hdl::ecdsa::consts::Curve;
use satchain_hdl::ecdsa::model::{self, EcdsaJob, IssOutcome};
use satchain_hdl::ecdsa::program::{labels, try_verify_program, verify_program, ProgramOptions};
use std::sync::OnceLock;

fn program() -> &'static Program {
    static P: OnceLock<Program> = OnceLock::new();
    P.get_or_init(|| {
        let p = verify_program();
        assert!(!p.words.is_empty(), "{}", p.listing);
        p
    })
}

fn cases() -> u32 {
    testkit::cases(2000)
}

/// A proptest runner with the test's fixed seed (`testkit::seed`), failures kept in
/// `proptest-regressions/<name>.txt`.
fn runner(name: &str, cases: u32) -> TestRunner {
    testkit::seed::runner(env!("CARGO_MANIFEST_DIR"), name, cases)
}

#[derive(Debug, Clone)]
struct Case {
    what: String,
    pubkey: Vec<u8>,
    z: [u8; 32],
    r: [u8; 32],
    s: [u8; 32],
}

fn be32(v: &BigUint) -> [u8; 32] {
    let b = v.to_bytes_be();
    let mut o = [0u8; 32];
    let b = &b[b.len().saturating_sub(32)..];
    o[32 - b.len()..].copy_from_slice(b);
    o
}

fn big(b: &[u8]) -> BigUint {
    BigUint::from_bytes_be(b)
}

fn curve() -> &'static Curve {
    static C: OnceLock<Curve> = OnceLock::new();
    C.get_or_init(Curve::secp256k1)
}

fn scalar(v: &BigUint) -> Scalar {
    let v = v % &curve().n;
    Option::<Scalar>::from(Scalar::from_repr(FieldBytes::from(be32(&v)))).expect("reduced")
}

fn scalar_big(s: &Scalar) -> BigUint {
    big(&s.to_bytes())
}

/// k256's answer, with the precedence of the software backend: r, s, public key, equation.
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
    // k256 rejects high-S; (r, s) and (r, n-s) verify alike, so normalize (plain ECDSA).
    let s = if bool::from(s.is_high()) { -s } else { s };
    let sig = Signature::from_scalars(r, s).expect("r, s in range");
    match vk.verify_prehash(&c.z, &sig) {
        Ok(()) => Verdict::Valid,
        Err(_) => Verdict::Invalid(VerifyFailure::Mismatch),
    }
}

fn code_to_verdict(code: u8) -> Option<Verdict> {
    Some(match code {
        0 => Verdict::Valid,
        1 => Verdict::Invalid(VerifyFailure::Mismatch),
        2 => Verdict::Invalid(VerifyFailure::BadR),
        3 => Verdict::Invalid(VerifyFailure::BadS),
        4 => Verdict::Invalid(VerifyFailure::BadPubkey),
        _ => return None,
    })
}

fn iss(c: &Case, trace: bool) -> IssOutcome {
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

fn check(c: &Case) -> Result<IssOutcome, TestCaseError> {
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

#[test]
fn k256_rejects_high_s_and_the_oracle_normalizes() {
    // What k256 does: `verify_prehash` rejects a high-S signature that plain ECDSA accepts;
    // the oracle (and fallback-sw) normalize s, so high-S cases are VALID for the engine too.
    let key = signing_key(&[3; 32]);
    let z = [0x11; 32];
    let (r, s) = sign(&key, &z);
    let n = &curve().n;
    let high = be32(&(n - big(&s)));
    let sig = Signature::from_scalars(r, high).expect("in range");
    assert!(
        key.verifying_key().verify_prehash(&z, &sig).is_err(),
        "k256 accepts high-S?"
    );
    let case = Case {
        what: "high-S".into(),
        pubkey: key_bytes(&key, true),
        z,
        r,
        s: high,
    };
    assert_eq!(k256_verdict(&case), Verdict::Valid);
    assert_eq!(iss(&case, false).code, 0);
}

fn sign(sk: &SigningKey, z: &[u8; 32]) -> ([u8; 32], [u8; 32]) {
    let sig: Signature = sk.sign_prehash(z).expect("sign");
    let (r, s) = sig.split_bytes();
    (r.into(), s.into())
}

fn key_bytes(sk: &SigningKey, compressed: bool) -> Vec<u8> {
    sk.verifying_key()
        .to_encoded_point(compressed)
        .as_bytes()
        .to_vec()
}

fn signing_key(seed: &[u8; 32]) -> SigningKey {
    SigningKey::from_bytes(&FieldBytes::from(*seed))
        .unwrap_or_else(|_| SigningKey::from_bytes(&FieldBytes::from([1u8; 32])).expect("key"))
}

/// One case of kind `kind` built from random material.
fn make_case(
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

#[test]
fn iss_matches_k256_on_random_and_tampered_cases() {
    let mut runner = runner("iss_matches_k256_on_random_and_tampered_cases", cases());
    let strategy = (
        0u8..14,
        any::<[u8; 32]>(),
        any::<[u8; 32]>(),
        any::<[u8; 32]>(),
        any::<u16>(),
        any::<bool>(),
    );
    let counts = std::sync::Mutex::new([[0u32; 5]; 14]);
    let result = runner.run(&strategy, |(kind, sk, z, extra, bit, compressed)| {
        let c = make_case(kind, sk, z, extra, bit, compressed);
        let o = check(&c)?;
        if let Ok(mut m) = counts.lock() {
            m[usize::from(kind)][usize::from(o.code.min(4))] += 1;
        }
        Ok(())
    });
    if let Ok(m) = counts.lock() {
        println!("kind: [VALID, INVALID, BAD_R, BAD_S, BAD_PUBKEY] counts");
        for (k, row) in m.iter().enumerate() {
            println!("  {k:2}: {row:?}");
        }
    }
    if let Err(e) = result {
        panic!("{e}");
    }
}

#[test]
fn iss_accepts_valid_signatures_and_counts_cycles() {
    let mut runner = runner(
        "iss_accepts_valid_signatures_and_counts_cycles",
        (cases() / 4).max(50),
    );
    let strategy = (
        any::<[u8; 32]>(),
        any::<[u8; 32]>(),
        any::<bool>(),
        any::<bool>(),
    );
    let stats = std::sync::Mutex::new(Vec::new());
    runner
        .run(&strategy, |(sk, z, compressed, high)| {
            let mut c = make_case(if high { 1 } else { 0 }, sk, z, [0; 32], 0, compressed);
            c.what = format!("valid (compressed {compressed}, high-S {high})");
            let o = check(&c)?;
            prop_assert_eq!(o.code, 0);
            if let Ok(mut s) = stats.lock() {
                s.push((compressed, o.cycles, o.instructions));
            }
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
    let s = stats.lock().expect("stats");
    for compressed in [false, true] {
        let v: Vec<_> = s.iter().filter(|x| x.0 == compressed).collect();
        if v.is_empty() {
            continue;
        }
        let mean = v.iter().map(|x| x.1).sum::<u64>() as f64 / v.len() as f64;
        let min = v.iter().map(|x| x.1).min().unwrap_or(0);
        let max = v.iter().map(|x| x.1).max().unwrap_or(0);
        println!(
            "compressed={compressed}: {} verifies, cycles mean {mean:.0} min {min} max {max}",
            v.len()
        );
    }
}

/// Builds a valid signature with prescribed u1, u2 and key q: R = (u1 + u2·q)·G,
/// r = x(R) mod n, s = r / u2, z = u1·s.
fn construct(q: &BigUint, u1: &BigUint, u2: &BigUint, compressed: bool) -> Option<Case> {
    let (qs, u1s, u2s) = (scalar(q), scalar(u1), scalar(u2));
    let rp = (ProjectivePoint::GENERATOR * (u1s + u2s * qs)).to_affine();
    let enc = rp.to_encoded_point(false);
    let x = big(enc.x()?);
    let r = scalar(&x);
    let s = r * Option::<Scalar>::from(u2s.invert())?;
    let z = u1s * s;
    let qp = (ProjectivePoint::GENERATOR * qs).to_affine();
    Some(Case {
        what: format!("constructed q={q:x} u1={u1:x} u2={u2:x}"),
        pubkey: qp.to_encoded_point(compressed).as_bytes().to_vec(),
        z: z.to_bytes().into(),
        r: r.to_bytes().into(),
        s: s.to_bytes().into(),
    })
}

fn label_pc(name: &str) -> u16 {
    program()
        .label(name)
        .unwrap_or_else(|| panic!("label {name}"))
}

#[test]
fn iss_takes_the_r_plus_n_branch_when_x_of_r_is_at_least_n() {
    let c = curve();
    let n = &c.n;
    let p = &c.p;
    let mut found = 0;
    let mut t = 1u32;
    // R with x in [n, p): x = n + t (t >= 1, so r != 0) for the first t where x³ + 7 is a
    // square.
    while found < 4 && t < 1000 {
        let x = n + t;
        t += 1;
        if &x >= p {
            break;
        }
        let rhs = (&x * &x * &x + 7u32) % p;
        let Some(y) = c.sqrt(&rhs) else { continue };
        let mut enc = [0u8; 65];
        enc[0] = 4;
        enc[1..33].copy_from_slice(&be32(&x));
        enc[33..65].copy_from_slice(&be32(&y));
        let rpt: AffinePoint = Option::from(AffinePoint::from_encoded_point(
            &EncodedPoint::from_bytes(enc).expect("encoding"),
        ))
        .expect("R on the curve");
        let r_big = &x - n; // r = x(R) mod n
        let r = scalar(&r_big);
        // Choose s and u1; then u2 = r/s, z = u1·s, Q = (R - u1·G)/u2.
        let s = scalar(&BigUint::from(0x1234_5678u64 + u64::from(t)));
        let u1 = scalar(&BigUint::from(0xdead_beefu64 * u64::from(t)));
        let w = Option::<Scalar>::from(s.invert()).expect("s != 0");
        let u2 = r * w;
        let z = u1 * s;
        let q = (ProjectivePoint::from(rpt) - ProjectivePoint::GENERATOR * u1)
            * Option::<Scalar>::from(u2.invert()).expect("u2 != 0");
        for compressed in [false, true] {
            let case = Case {
                what: format!("x(R) = n + {}", t - 1),
                pubkey: q
                    .to_affine()
                    .to_encoded_point(compressed)
                    .as_bytes()
                    .to_vec(),
                z: z.to_bytes().into(),
                r: r.to_bytes().into(),
                s: s.to_bytes().into(),
            };
            assert_eq!(scalar_big(&r), r_big);
            assert_eq!(k256_verdict(&case), Verdict::Valid, "{}", case.what);
            let o = iss(&case, true);
            assert_eq!(o.code, 0, "{}", case.what);
            assert!(
                o.visited(label_pc(labels::FINAL_R_PLUS_N)),
                "{}: branch not taken",
                case.what
            );
            // Tampered z: the same branch runs and says INVALID.
            let mut bad = case.clone();
            bad.z[31] ^= 1;
            let o = iss(&bad, true);
            assert_eq!(o.code, 1);
            assert_eq!(
                k256_verdict(&bad),
                Verdict::Invalid(VerifyFailure::Mismatch)
            );
        }
        found += 1;
    }
    assert!(found >= 2, "found only {found} points with x in [n, p)");
    // And an ordinary valid signature does not take it when r >= p - n.
    let case = make_case(0, [7; 32], [9; 32], [0; 32], 0, true);
    let o = iss(&case, true);
    assert_eq!(o.code, 0);
    let r = big(&case.r);
    if r >= p - n {
        assert!(!o.visited(label_pc(labels::FINAL_R_PLUS_N)));
    }
}

#[test]
fn iss_handles_partial_sums_that_meet() {
    let c = curve();
    let n = &c.n;
    let inv16 = satchain_hdl::ecdsa::consts::mod_inverse(&BigUint::from(16u32), n)
        .expect("16 is invertible mod n");
    let rest = |seed: u64| BigUint::from(seed).pow(4) % (BigUint::from(1u32) << 240u32);
    let mut specials = (0, 0, 0, 0);
    for w1 in 1u32..=15 {
        for (opposite, label) in [(false, labels::G_SPECIAL_DBL), (true, labels::G_SPECIAL)] {
            // Q = q·G with 16·q = ±w1: u2's top window 1 loads Q, u1's second window w1 then
            // meets 16·Q = ±w1·G in the mixed addition.
            let q = if opposite {
                n - (&inv16 * w1) % n
            } else {
                (&inv16 * w1) % n
            };
            let u2 = (BigUint::from(1u32) << 252u32) + rest(u64::from(w1) + 77);
            let u1 = (BigUint::from(w1) << 248u32) + rest(u64::from(w1) + 1000);
            for compressed in [false, true] {
                let case = construct(&q, &u1, &u2, compressed).expect("construct");
                let want = k256_verdict(&case);
                let o = iss(&case, true);
                assert_eq!(code_to_verdict(o.code), Some(want), "{}", case.what);
                assert_eq!(o.code, 0, "{}", case.what);
                assert!(
                    o.visited(label_pc(label)),
                    "{}: {label} not visited",
                    case.what
                );
                if opposite {
                    specials.1 += 1;
                    assert!(!o.visited(label_pc(labels::G_SPECIAL_DBL)));
                } else {
                    specials.0 += 1;
                }
            }
        }
    }
    // Q-table side: Q = G, equal top windows: acc = w·G (G copy), then + w·Q = doubling.
    // Q = -G: the Q addition cancels the accumulator (-> phase A), lower windows differ.
    for w in 1u32..=15 {
        for (q, label) in [
            (BigUint::from(1u32), labels::Q_SPECIAL_DBL),
            (n - 1u32, labels::Q_SPECIAL),
        ] {
            let u1 = (BigUint::from(w) << 252u32) + rest(u64::from(w) + 5);
            let u2 = (BigUint::from(w) << 252u32) + rest(u64::from(w) + 9);
            let case = construct(&q, &u1, &u2, w % 2 == 0).expect("construct");
            let o = iss(&case, true);
            assert_eq!(
                code_to_verdict(o.code),
                Some(k256_verdict(&case)),
                "{}",
                case.what
            );
            assert_eq!(o.code, 0, "{}", case.what);
            assert!(
                o.visited(label_pc(label)),
                "{}: {label} not visited",
                case.what
            );
            if q == BigUint::from(1u32) {
                specials.2 += 1;
            } else {
                specials.3 += 1;
                assert!(!o.visited(label_pc(labels::Q_SPECIAL_DBL)));
            }
        }
    }
    // R = infinity: u1 = n - u2 with Q = G. k256 and the ISS both say INVALID.
    for k in 1u64..=20 {
        let u2 = BigUint::from(k).pow(7) % n + 1u32;
        let u1 = n - &u2;
        let s = scalar(&BigUint::from(3u32 + k as u32));
        // u2 = r/s requires r = u2·s.
        let r = scalar(&u2) * s;
        let z = scalar(&u1) * s;
        let case = Case {
            what: format!("R = infinity, k = {k}"),
            pubkey: ProjectivePoint::GENERATOR
                .to_affine()
                .to_encoded_point(true)
                .as_bytes()
                .to_vec(),
            z: z.to_bytes().into(),
            r: r.to_bytes().into(),
            s: s.to_bytes().into(),
        };
        let o = iss(&case, false);
        assert_eq!(
            k256_verdict(&case),
            Verdict::Invalid(VerifyFailure::Mismatch)
        );
        assert_eq!(o.code, 1, "{}", case.what);
    }
    println!(
        "special paths: g dbl {}, g inf {}, q dbl {}, q inf {}",
        specials.0, specials.1, specials.2, specials.3
    );
}

#[test]
fn iss_edge_scalars_and_keys() {
    let c = curve();
    let n = &c.n;
    let p = &c.p;
    let key = signing_key(&[42; 32]);
    let z = [0x5a; 32];
    let (r, s) = sign(&key, &z);
    let edges = [
        BigUint::ZERO,
        BigUint::from(1u32),
        n - 1u32,
        n.clone(),
        n + 1u32,
        p - 1u32,
        p.clone(),
        (BigUint::from(1u32) << 256u32) - 1u32,
    ];
    let mut cases = Vec::new();
    for compressed in [false, true] {
        let pk = key_bytes(&key, compressed);
        cases.push(Case {
            what: "valid".into(),
            pubkey: pk.clone(),
            z,
            r,
            s,
        });
        for e in &edges {
            cases.push(Case {
                what: format!("r = {e:x}"),
                pubkey: pk.clone(),
                z,
                r: be32(e),
                s,
            });
            cases.push(Case {
                what: format!("s = {e:x}"),
                pubkey: pk.clone(),
                z,
                r,
                s: be32(e),
            });
            cases.push(Case {
                what: format!("z = {e:x}"),
                pubkey: pk.clone(),
                z: be32(e),
                r,
                s,
            });
            let mut k = pk.clone();
            k[1..33].copy_from_slice(&be32(e));
            cases.push(Case {
                what: format!("Qx = {e:x}"),
                pubkey: k,
                z,
                r,
                s,
            });
            if !compressed {
                let mut k = pk.clone();
                k[33..65].copy_from_slice(&be32(e));
                cases.push(Case {
                    what: format!("Qy = {e:x}"),
                    pubkey: k,
                    z,
                    r,
                    s,
                });
            }
        }
        // Both r and s bad: BAD_R first (the software backend's precedence).
        cases.push(Case {
            what: "r = s = 0".into(),
            pubkey: pk.clone(),
            z,
            r: [0; 32],
            s: [0; 32],
        });
        let mut k = pk.clone();
        k[0] = 9;
        cases.push(Case {
            what: "s = 0, bad prefix".into(),
            pubkey: k,
            z,
            r,
            s: [0; 32],
        });
    }
    // z >= n reduces: z and z + n verify alike.
    let zr = big(&z);
    if &zr + n < (BigUint::from(1u32) << 256u32) {
        let pk = key_bytes(&key, true);
        cases.push(Case {
            what: "z + n".into(),
            pubkey: pk,
            z: be32(&(&zr + n)),
            r,
            s,
        });
    }
    let mut codes = [0u32; 5];
    for case in &cases {
        let o = check(case).unwrap_or_else(|e| panic!("{e}"));
        codes[usize::from(o.code.min(4))] += 1;
    }
    println!(
        "edge cases: {} [VALID, INVALID, BAD_R, BAD_S, BAD_PUBKEY] = {codes:?}",
        cases.len()
    );
    assert!(codes.iter().all(|&c| c > 0), "every code occurs: {codes:?}");
}

#[test]
fn iss_program_variants_match_k256() {
    // The alternatives of `ProgramOptions`: every squaring run (square root, s^(n-2)) as an
    // LDLC/DJNZ loop with a one-squaring body, and runs up to 16 unrolled with 8-squaring
    // loop bodies beyond.
    let variants = [
        (
            "looped squarings",
            ProgramOptions {
                max_unrolled_squarings: 0,
                squarings_per_loop_body: 1,
            },
        ),
        (
            "8-squaring loop bodies",
            ProgramOptions {
                max_unrolled_squarings: 16,
                squarings_per_loop_body: 8,
            },
        ),
    ];
    for (name, opts) in variants {
        let prog = try_verify_program(curve(), &opts).expect("assemble");
        assert_ne!(prog.words, program().words, "{name}: a different program");
        let mut runner = runner(
            &format!("iss_program_variants_match_k256 ({name})"),
            (cases() / 8).max(50),
        );
        let strategy = (
            0u8..14,
            any::<[u8; 32]>(),
            any::<[u8; 32]>(),
            any::<[u8; 32]>(),
            any::<u16>(),
            any::<bool>(),
        );
        runner
            .run(&strategy, |(kind, sk, z, extra, bit, compressed)| {
                let c = make_case(kind, sk, z, extra, bit, compressed);
                let inputs = EcdsaJob::new(&c.pubkey, &c.z, &c.r, &c.s).expect("length");
                let o = model::run(&prog.words, &inputs)
                    .map_err(|e| TestCaseError::fail(e.to_string()))?;
                prop_assert_eq!(
                    code_to_verdict(o.code),
                    Some(k256_verdict(&c)),
                    "{}: {}",
                    name,
                    c.what
                );
                Ok(())
            })
            .unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}
