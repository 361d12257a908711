//! k256 == ISS on constructed edge cases of the microcoded ECDSA engine: x(R) in [n, p) (the
//! `r + n` branch), partial sums that meet or cancel, R = infinity, edge scalars and keys, and
//! loop-layout variants of the program. (Random and tampered cases: `ecdsa_iss.rs`.)

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::cast_possible_truncation
)]

mod ecdsa_iss_common;

use crypto_core::backend::{Verdict, VerifyFailure};
use ecdsa_iss_common::*;
use k256::elliptic_curve::sec1::{FromEncodedPoint, ToEncodedPoint};
use k256::{AffinePoint, EncodedPoint, ProjectivePoint, Scalar};
use num_bigint::BigUint;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use satchain_hdl::ecdsa::model::{self, EcdsaJob};
use satchain_hdl::ecdsa::program::{labels, try_verify_program, ProgramOptions};

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
