//! Golden model of the ScalarUnit (ARCH.md, "ScalarUnit"): the range checks with their result
//! codes, `z mod m`, and the binary extended Euclidean algorithm with two numerators, counted
//! step by step, with the RTL's cycle count from [`crate::vcore::timing`].
//!
//! Generic over the modulus ([`SuModulus`]): secp256k1's group order n, or a small odd prime
//! order (a toy curve over the same field p). Every value is an exact integer (num-bigint);
//! inputs are the unit's 256-bit ports, so a value `>= 2^256` is a typed error, not a
//! truncation.
//!
//! API (stable; the ISS calls it): [`run`] for one job, [`inverse2`] for the algorithm alone,
//! [`cycles`] for the cycle count of an outcome.

use crate::vcore::timing;
use num_bigint::BigUint;
use num_integer::Integer;
use num_traits::{One, Zero};
use satchain_regmap::EcdsaCode;
use std::fmt;

/// secp256k1 field prime p, big-endian hex.
pub const P_HEX: &str = "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f";
/// secp256k1 group order n, big-endian hex.
pub const N_HEX: &str = "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141";

/// Width of every value port of the unit.
pub const WORD_BITS: u64 = 256;

/// Errors of the model: bad configuration or a value that does not fit a port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SuError {
    /// The modulus must be an odd prime in [3, 2^256).
    BadModulus { m: BigUint, why: &'static str },
    /// A job word does not fit the unit's 256-bit port.
    TooWide { field: &'static str, bits: u64 },
    /// `inverse2` called with `a` not in [1, m-1] or a numerator not in [0, m-1].
    OutOfRange { what: &'static str },
    /// gcd(a, m) != 1 (impossible for a prime modulus and a in [1, m-1]).
    NotInvertible,
    /// ECDSA `z >= 2m`: the unit reduces z by one conditional subtraction, which is `z mod m`
    /// only for z < 2m (always true for secp256k1's n, since 2n > 2^256; a toy-curve job must
    /// bring its z below 2m).
    ZNotReducible,
}

impl fmt::Display for SuError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SuError::BadModulus { m, why } => write!(f, "modulus {m:x}: {why}"),
            SuError::TooWide { field, bits } => {
                write!(f, "job field {field} has {bits} bits; the port is 256 bits")
            }
            SuError::OutOfRange { what } => write!(f, "inverse2: {what} out of range"),
            SuError::NotInvertible => write!(f, "inverse2: gcd(a, m) != 1"),
            SuError::ZNotReducible => {
                write!(
                    f,
                    "ECDSA z >= 2m: one conditional subtraction does not reduce it"
                )
            }
        }
    }
}

impl std::error::Error for SuError {}

fn hex(h: &str) -> BigUint {
    BigUint::parse_bytes(h.as_bytes(), 16).unwrap_or_default()
}

/// Miller-Rabin with the first 16 primes as bases: a configuration sanity check (the modulus
/// is a build-time constant: n, or a small toy order, for which it is exact).
fn probably_prime(m: &BigUint) -> bool {
    const BASES: [u32; 16] = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53];
    let one = BigUint::one();
    let m1 = m - &one;
    let tz = m1.trailing_zeros().unwrap_or(0);
    let d = &m1 >> tz;
    'base: for b in BASES {
        let b = BigUint::from(b);
        if &b % m == BigUint::zero() {
            if &b == m {
                return true;
            }
            continue;
        }
        let mut x = b.modpow(&d, m);
        if x == one || x == m1 {
            continue;
        }
        for _ in 1..tz {
            x = (&x * &x) % m;
            if x == m1 {
                continue 'base;
            }
        }
        return false;
    }
    true
}

/// The moduli of one unit: `m` (the group order the scalars live in) and `p` (the field
/// prime, for BIP340's `r < p` check).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuModulus {
    m: BigUint,
    p: BigUint,
}

impl SuModulus {
    /// secp256k1: m = n, p = p.
    pub fn secp256k1() -> SuModulus {
        SuModulus {
            m: hex(N_HEX),
            p: hex(P_HEX),
        }
    }

    /// A toy group order `m` (odd prime, 3 <= m < 2^256) over secp256k1's field p.
    pub fn with_order(m: &BigUint) -> Result<SuModulus, SuError> {
        let why = if m < &BigUint::from(3u8) {
            Some("must be at least 3")
        } else if m.bits() > WORD_BITS {
            Some("must be below 2^256")
        } else if m.is_even() {
            Some("must be odd")
        } else if !probably_prime(m) {
            Some("must be prime (the algorithm needs gcd(s, m) = 1 for every s)")
        } else {
            None
        };
        match why {
            Some(why) => Err(SuError::BadModulus { m: m.clone(), why }),
            None => Ok(SuModulus {
                m: m.clone(),
                p: hex(P_HEX),
            }),
        }
    }

    /// The group order m.
    pub fn m(&self) -> &BigUint {
        &self.m
    }

    /// The field prime p.
    pub fn p(&self) -> &BigUint {
        &self.p
    }
}

/// Job kind (ARCH.md, "Data types and the job").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum JobKind {
    /// ECDSA: range checks, then u1 = z/s, u2 = r/s mod m.
    Ecdsa = 0,
    /// BIP340 Schnorr: range checks only; the words pass unchanged.
    Schnorr = 1,
}

/// The scalar words of one job as they enter the unit (each < 2^256).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuJob {
    /// ECDSA or Schnorr.
    pub kind: JobKind,
    /// ECDSA: the prehash z (not reduced). Schnorr: the challenge e (not reduced).
    pub z: BigUint,
    /// r.
    pub r: BigUint,
    /// s.
    pub s: BigUint,
}

/// Step counts of the algorithm, per step kind (ARCH.md names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct StepCounts {
    /// `u` even: `u >>= 1`, halve x1, y1.
    pub halve_u: u32,
    /// `u` odd, `v` even: `v >>= 1`, halve x2, y2.
    pub halve_v: u32,
    /// Both odd, `u >= v`: `u -= v`, x1 -= x2, y1 -= y2.
    pub sub_u: u32,
    /// Both odd, `u < v`: `v -= u`, x2 -= x1, y2 -= y1.
    pub sub_v: u32,
}

impl StepCounts {
    /// All steps.
    pub fn total(&self) -> u32 {
        self.halve_u + self.halve_v + self.sub_u + self.sub_v
    }

    /// In the order of `timing::SU_STEP_CYCLES`: halve-u, halve-v, sub-u, sub-v.
    pub fn as_array(&self) -> [u32; 4] {
        [self.halve_u, self.halve_v, self.sub_u, self.sub_v]
    }
}

/// What the unit emits for a job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SuOutcome {
    /// To the ReadyQueue, as thread words S0..S2: ECDSA `[r, u1, u2]`, Schnorr `[r, s, e]`
    /// (the pass-through words and the tag travel unchanged beside them).
    Ready([BigUint; 3]),
    /// An early result (the job never reaches a thread): `BadR` or `BadS`.
    Early(EcdsaCode),
}

/// The model's answer for one job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuRun {
    /// Output words or early code.
    pub outcome: SuOutcome,
    /// Steps of the inversion (all zero for Schnorr and early results).
    pub steps: StepCounts,
    /// Clock cycles from the cycle the job is accepted (`in_valid && in_ready`) to the first
    /// cycle its output (`out_valid` or `early_valid`) is high; see [`cycles`].
    pub cycles: u32,
}

/// Cycle count of an outcome (ARCH.md, "Timing model", ScalarUnit): early results
/// `SU_EARLY`, Schnorr jobs `SU_PASS`, ECDSA jobs
/// `SU_SETUP + Σ steps[kind]·SU_STEP_CYCLES[kind] + SU_FINISH`.
pub fn cycles(kind: JobKind, early: bool, steps: &StepCounts) -> u32 {
    if early {
        return timing::SU_EARLY;
    }
    match kind {
        JobKind::Schnorr => timing::SU_PASS,
        JobKind::Ecdsa => {
            let body: u32 = steps
                .as_array()
                .iter()
                .zip(timing::SU_STEP_CYCLES.iter())
                .map(|(n, c)| n * c)
                .sum();
            timing::SU_SETUP + body + timing::SU_FINISH
        }
    }
}

/// `t/2 mod m` for t in [0, m-1] (ARCH.md `half`).
fn half(t: &BigUint, m: &BigUint) -> BigUint {
    if t.is_even() {
        t >> 1u32
    } else {
        (t + m) >> 1u32
    }
}

/// `(a - b) mod m` for a, b in [0, m-1].
fn sub_mod(a: &BigUint, b: &BigUint, m: &BigUint) -> BigUint {
    if a >= b {
        a - b
    } else {
        a + m - b
    }
}

/// The normative algorithm (ARCH.md): `(x·a⁻¹ mod m, y·a⁻¹ mod m)` by the binary extended
/// Euclidean algorithm with two numerators, and its step counts.
///
/// Preconditions (typed errors): m odd, a in [1, m-1], x and y in [0, m-1], gcd(a, m) = 1.
pub fn inverse2(
    m: &BigUint,
    a: &BigUint,
    x: &BigUint,
    y: &BigUint,
) -> Result<(BigUint, BigUint, StepCounts), SuError> {
    if m.is_even() || m < &BigUint::from(3u8) {
        return Err(SuError::OutOfRange { what: "modulus" });
    }
    if a.is_zero() || a >= m {
        return Err(SuError::OutOfRange { what: "a" });
    }
    if x >= m || y >= m {
        return Err(SuError::OutOfRange { what: "numerator" });
    }
    let (mut u, mut v) = (a.clone(), m.clone());
    let (mut x1, mut x2) = (x.clone(), BigUint::zero());
    let (mut y1, mut y2) = (y.clone(), BigUint::zero());
    let mut st = StepCounts::default();
    let one = BigUint::one();
    while u != one && v != one {
        // u or v reaching 0 means gcd(a, m) = u + v > 1: the loop would never end.
        if u.is_zero() || v.is_zero() {
            return Err(SuError::NotInvertible);
        }
        if u.is_even() {
            u >>= 1u32;
            x1 = half(&x1, m);
            y1 = half(&y1, m);
            st.halve_u += 1;
        } else if v.is_even() {
            v >>= 1u32;
            x2 = half(&x2, m);
            y2 = half(&y2, m);
            st.halve_v += 1;
        } else if u >= v {
            u -= &v;
            x1 = sub_mod(&x1, &x2, m);
            y1 = sub_mod(&y1, &y2, m);
            st.sub_u += 1;
        } else {
            v -= &u;
            x2 = sub_mod(&x2, &x1, m);
            y2 = sub_mod(&y2, &y1, m);
            st.sub_v += 1;
        }
    }
    if u == one {
        Ok((x1, y1, st))
    } else {
        Ok((x2, y2, st))
    }
}

fn check_width(field: &'static str, v: &BigUint) -> Result<(), SuError> {
    if v.bits() > WORD_BITS {
        return Err(SuError::TooWide {
            field,
            bits: v.bits(),
        });
    }
    Ok(())
}

/// One job through the unit (ARCH.md, "ScalarUnit"), with the RTL's cycle count.
///
/// - ECDSA: `r` not in [1, m-1] -> `BadR`; else `s` not in [1, m-1] -> `BadS`; else
///   `z' = z mod m` by one conditional subtraction (z < 2m is required: [`SuError::ZNotReducible`];
///   always true for n) and `Ready([r, z'/s, r/s])`.
/// - Schnorr: `r >= p` -> `BadR`; else `s >= m` -> `BadS`; else `Ready([r, s, e])` unchanged.
pub fn run(md: &SuModulus, job: &SuJob) -> Result<SuRun, SuError> {
    check_width("z", &job.z)?;
    check_width("r", &job.r)?;
    check_width("s", &job.s)?;
    let m = &md.m;
    let early = |code: EcdsaCode| SuRun {
        outcome: SuOutcome::Early(code),
        steps: StepCounts::default(),
        cycles: cycles(job.kind, true, &StepCounts::default()),
    };
    match job.kind {
        JobKind::Ecdsa => {
            if job.r.is_zero() || &job.r >= m {
                return Ok(early(EcdsaCode::BadR));
            }
            if job.s.is_zero() || &job.s >= m {
                return Ok(early(EcdsaCode::BadS));
            }
            let z = if &job.z >= m {
                &job.z - m
            } else {
                job.z.clone()
            };
            if &z >= m {
                return Err(SuError::ZNotReducible);
            }
            let (u1, u2, steps) = inverse2(m, &job.s, &z, &job.r)?;
            Ok(SuRun {
                outcome: SuOutcome::Ready([job.r.clone(), u1, u2]),
                steps,
                cycles: cycles(JobKind::Ecdsa, false, &steps),
            })
        }
        JobKind::Schnorr => {
            if job.r >= md.p {
                return Ok(early(EcdsaCode::BadR));
            }
            if &job.s >= m {
                return Ok(early(EcdsaCode::BadS));
            }
            Ok(SuRun {
                outcome: SuOutcome::Ready([job.r.clone(), job.s.clone(), job.z.clone()]),
                steps: StepCounts::default(),
                cycles: cycles(JobKind::Schnorr, false, &StepCounts::default()),
            })
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#[path = "model_tests.rs"]
mod tests;
