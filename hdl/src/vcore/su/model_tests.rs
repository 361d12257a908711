//! Unit tests of the SU model (`model.rs`), in a file of their own.

use super::*;
use rand::{Rng, SeedableRng};

fn seed() -> u64 {
    let s = std::env::var("SATCHAIN_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x5c_a1a7);
    println!("su model tests: SATCHAIN_SEED={s}");
    s
}

fn cases(default: usize) -> usize {
    std::env::var("SATCHAIN_PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn rand256(rng: &mut impl Rng) -> BigUint {
    let mut b = [0u8; 32];
    rng.fill(&mut b);
    BigUint::from_bytes_be(&b)
}

/// a⁻¹ mod m by Fermat (m prime): independent of the algorithm under test.
fn inv(a: &BigUint, m: &BigUint) -> BigUint {
    a.modpow(&(m - 2u8), m)
}

/// Checks one ECDSA job against plain modular arithmetic, the code order and the cycle
/// formula.
fn check_ecdsa(md: &SuModulus, z: &BigUint, r: &BigUint, s: &BigUint) -> SuRun {
    let m = md.m();
    let job = SuJob {
        kind: JobKind::Ecdsa,
        z: z.clone(),
        r: r.clone(),
        s: s.clone(),
    };
    let out = run(md, &job).unwrap_or_else(|e| panic!("z {z:x} r {r:x} s {s:x}: {e}"));
    let ctx = format!("m {m:x} z {z:x} r {r:x} s {s:x}");
    if r.is_zero() || r >= m {
        assert_eq!(out.outcome, SuOutcome::Early(EcdsaCode::BadR), "{ctx}");
        assert_eq!(out.cycles, timing::SU_EARLY);
    } else if s.is_zero() || s >= m {
        assert_eq!(out.outcome, SuOutcome::Early(EcdsaCode::BadS), "{ctx}");
        assert_eq!(out.cycles, timing::SU_EARLY);
    } else {
        let w = inv(s, m);
        let u1 = (z % m) * &w % m;
        let u2 = r * &w % m;
        assert_eq!(out.outcome, SuOutcome::Ready([r.clone(), u1, u2]), "{ctx}");
        let st = out.steps;
        let body: u32 = (0..4)
            .map(|k| st.as_array()[k] * timing::SU_STEP_CYCLES[k])
            .sum();
        assert_eq!(
            out.cycles,
            timing::SU_SETUP + body + timing::SU_FINISH,
            "{ctx}"
        );
        // Every halve halves u·v and no step raises it, so halves <= bits(s) + bits(m); a
        // sub leaves its side even, so a halve of that side follows (the loop never ends
        // on a sub): subs <= halves.
        let halves = st.halve_u + st.halve_v;
        assert!(u64::from(halves) <= s.bits() + m.bits(), "{ctx} {st:?}");
        assert!(st.sub_u + st.sub_v <= halves, "{ctx} {st:?}");
    }
    out
}

#[test]
fn su_model_secp256k1_edges() {
    let md = SuModulus::secp256k1();
    let n = md.m().clone();
    let two256 = BigUint::one() << 256u32;
    let mut vals = vec![
        BigUint::zero(),
        BigUint::one(),
        BigUint::from(2u8),
        BigUint::from(3u8),
        &n - 1u8,
        &n - 2u8,
        n.clone(),
        &n + 1u8,
        &two256 - 1u8,
        md.p() - 1u8,
        md.p().clone(),
        (&n + 1u8) >> 1u32,
    ];
    for k in [1u32, 2, 7, 64, 128, 129, 200, 255] {
        vals.push(BigUint::one() << k);
        vals.push((BigUint::one() << k) - 1u8);
    }
    for s in &vals {
        for r in &vals {
            for z in &vals {
                check_ecdsa(&md, z, r, s);
            }
        }
    }
}

#[test]
fn su_model_secp256k1_random_and_step_statistics() {
    let md = SuModulus::secp256k1();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed());
    let n_cases = cases(2000);
    let (mut sum, mut max, mut min) = (0u64, 0u32, u32::MAX);
    let mut kinds = [0u64; 4];
    for _ in 0..n_cases {
        let (z, r, s) = (rand256(&mut rng), rand256(&mut rng), rand256(&mut rng));
        // Most random r, s are in range (n is close to 2^256); keep them so.
        let out = check_ecdsa(&md, &z, &(&r % md.m()), &(&s % md.m()));
        let t = out.steps.total();
        if t > 0 {
            sum += u64::from(out.cycles);
            max = max.max(out.cycles);
            min = min.min(out.cycles);
            for (k, c) in kinds.iter_mut().zip(out.steps.as_array()) {
                *k += u64::from(c);
            }
        }
    }
    let n = n_cases as f64;
    println!(
        "secp256k1 ECDSA jobs: cycles mean {:.1} min {min} max {max}; steps per job \
         halve-u {:.1} halve-v {:.1} sub-u {:.1} sub-v {:.1}",
        sum as f64 / n,
        kinds[0] as f64 / n,
        kinds[1] as f64 / n,
        kinds[2] as f64 / n,
        kinds[3] as f64 / n
    );
}

#[test]
fn su_model_toy_orders_exhaustive() {
    for m in [3u32, 13, 199] {
        let md = SuModulus::with_order(&BigUint::from(m)).unwrap();
        // Every (s, r) with the z edges, and every (s, z) with r = 5: every input of
        // the inversion and of both range checks (m = 3, 13: all triples).
        let all_z = m < 100;
        for s in 0..=m {
            for r in 0..=m {
                for z in 0..2 * m {
                    if all_z || r == 5 || [0, 1, m - 1, m, m + 1, 2 * m - 1].contains(&z) {
                        check_ecdsa(&md, &BigUint::from(z), &BigUint::from(r), &BigUint::from(s));
                    }
                }
            }
        }
        // z >= 2m is refused (one conditional subtraction cannot reduce it) ...
        let job = SuJob {
            kind: JobKind::Ecdsa,
            z: BigUint::from(2 * m),
            r: BigUint::one(),
            s: BigUint::one(),
        };
        assert_eq!(run(&md, &job), Err(SuError::ZNotReducible));
        // ... unless an early result comes first.
        let job = SuJob {
            r: BigUint::zero(),
            ..job
        };
        assert_eq!(
            run(&md, &job).unwrap().outcome,
            SuOutcome::Early(EcdsaCode::BadR)
        );
    }
}

#[test]
fn su_model_schnorr_checks() {
    let md = SuModulus::secp256k1();
    let (n, p) = (md.m().clone(), md.p().clone());
    let e = (BigUint::one() << 256u32) - 1u8;
    let cases = [
        (p.clone(), BigUint::zero(), Some(EcdsaCode::BadR)),
        (p.clone(), n.clone(), Some(EcdsaCode::BadR)),
        (&p - 1u8, n.clone(), Some(EcdsaCode::BadS)),
        (&p - 1u8, &n - 1u8, None),
        (BigUint::zero(), BigUint::zero(), None),
        (n.clone(), &n + 1u8, Some(EcdsaCode::BadS)),
    ];
    for (r, s, code) in cases {
        let job = SuJob {
            kind: JobKind::Schnorr,
            z: e.clone(),
            r: r.clone(),
            s: s.clone(),
        };
        let out = run(&md, &job).unwrap();
        match code {
            Some(c) => {
                assert_eq!(out.outcome, SuOutcome::Early(c));
                assert_eq!(out.cycles, timing::SU_EARLY);
            }
            None => {
                assert_eq!(out.outcome, SuOutcome::Ready([r, s, e.clone()]));
                assert_eq!(out.cycles, timing::SU_PASS);
            }
        }
        assert_eq!(out.steps, StepCounts::default());
    }
}

#[test]
fn su_model_typed_errors() {
    for bad in [0u32, 1, 2, 4, 9, 15, 221] {
        assert!(matches!(
            SuModulus::with_order(&BigUint::from(bad)),
            Err(SuError::BadModulus { .. })
        ));
    }
    assert!(SuModulus::with_order(&(BigUint::one() << 256u32)).is_err());
    let n = SuModulus::secp256k1().m().clone();
    assert_eq!(SuModulus::with_order(&n), Ok(SuModulus::secp256k1()));
    let md = SuModulus::secp256k1();
    let job = SuJob {
        kind: JobKind::Ecdsa,
        z: BigUint::one() << 256u32,
        r: BigUint::one(),
        s: BigUint::one(),
    };
    assert_eq!(
        run(&md, &job),
        Err(SuError::TooWide {
            field: "z",
            bits: 257
        })
    );
    let m = BigUint::from(15u8);
    assert_eq!(
        inverse2(&m, &BigUint::from(3u8), &BigUint::one(), &BigUint::one()),
        Err(SuError::NotInvertible)
    );
    assert!(inverse2(&n, &BigUint::zero(), &BigUint::one(), &BigUint::one()).is_err());
    assert!(inverse2(&n, &BigUint::one(), &n, &BigUint::one()).is_err());
}

/// The step counts of a known case, worked by hand: a = 3, m = 13, x = 1, y = 2.
/// (u,v) = (3,13) -> sub-v (3,10) -> halve-v (3,5) -> sub-v (3,2) -> halve-v (3,1): stop.
#[test]
fn su_model_worked_example() {
    let m = BigUint::from(13u8);
    let (x, y, st) = inverse2(
        &m,
        &BigUint::from(3u8),
        &BigUint::one(),
        &BigUint::from(2u8),
    )
    .unwrap();
    assert_eq!(x, BigUint::from(9u8)); // 3·9 = 27 = 1 mod 13
    assert_eq!(y, BigUint::from(5u8)); // 3·5 = 15 = 2 mod 13
    assert_eq!(
        st,
        StepCounts {
            halve_u: 0,
            halve_v: 2,
            sub_u: 0,
            sub_v: 2
        }
    );
}
