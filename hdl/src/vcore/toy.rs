//! The exhaustive job sets of libsecp256k1's exhaustive-test curve (`CurveDesc::toy13`:
//! y² = x³ + 2 over secp256k1's p, a generator of order 13) and their reference verdicts from
//! the affine arithmetic of `ecdsa::consts::Curve`.
//!
//! One source for both sides of the toy-curve equivalence: the ISS test
//! (`hdl/tests/vcore_toy.rs`) runs every job here on the ISS, the RTL test
//! (`verif/tests/vcore_verify_core_toy.rs`) runs them through the Verilated VerifyCore built
//! with the toy order (`vcore_verify_core_toy`) and compares with the ISS cycle by cycle.
//!
//! - ECDSA: every key d × every message z in [0, 2n) (the ScalarUnit reduces z < 2n) × every
//!   nonce k with r, s ≠ 0, the key compressed and uncompressed for z < n (one form for z ≥ n);
//!   then every (r, s) in [0, n+1]² for every key with z = 5 (forms alternating).
//! - BIP340: every key (the x-only form) × challenge e × nonce, with e given unreduced
//!   (e + n·d) as the ScalarUnit sees it; then every s in [0, n] for every r = x(k·G) and for
//!   r = p (out of range).
//!
//! In a group this small the special paths (equal points, opposite points, R = infinity mid-
//! computation, decompression) are frequent; the tests assert they ran.

use num_bigint::BigUint;

use crate::ecdsa::consts::{mod_inverse, Affine};
use crate::vcore::consts::{CurveDesc, CurveError};
use crate::vcore::iss::core::CoreJob;
use crate::vcore::su::model::JobKind;

/// The toy group order.
pub const N: u64 = 13;

/// A job set with its reference codes (same index).
#[derive(Debug, Clone, Default)]
pub struct ToyCases {
    pub jobs: Vec<CoreJob>,
    pub want: Vec<u8>,
    /// Jobs `0..signed` carry a valid signature (code 0 expected).
    pub signed: usize,
}

/// The toy curve and its multiples of G.
#[derive(Debug, Clone)]
pub struct Toy {
    pub desc: CurveDesc,
    /// i·G for i in 0..13 (index 0 = infinity).
    pub mult: Vec<Affine>,
}

fn b32(v: &BigUint) -> [u8; 32] {
    let b = v.to_bytes_be();
    let mut o = [0u8; 32];
    o[32 - b.len()..].copy_from_slice(&b);
    o
}

fn n32(v: u64) -> [u8; 32] {
    b32(&BigUint::from(v))
}

fn low_u64(v: &BigUint) -> u64 {
    v.to_u64_digits().first().copied().unwrap_or(0)
}

/// Errors building the toy cases (a broken curve description or an internal inconsistency;
/// never expected, reported instead of a panic).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToyError(pub String);

impl std::fmt::Display for ToyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "toy curve: {}", self.0)
    }
}

impl std::error::Error for ToyError {}

impl From<CurveError> for ToyError {
    fn from(e: CurveError) -> Self {
        ToyError(format!("{e:?}"))
    }
}

impl Toy {
    /// The order-13 curve and its multiples.
    ///
    /// # Errors
    /// The curve description fails its own checks.
    pub fn new() -> Result<Toy, ToyError> {
        let desc = CurveDesc::toy13()?;
        if desc.curve.n != BigUint::from(N) {
            return Err(ToyError(format!("order {} is not {N}", desc.curve.n)));
        }
        let c = &desc.curve;
        let mut mult = vec![None];
        for i in 1..N {
            mult.push(c.mul(&BigUint::from(i), &c.g()));
        }
        Ok(Toy { desc, mult })
    }

    fn point(&self, i: u64) -> Result<(BigUint, BigUint), ToyError> {
        self.mult
            .get(usize::try_from(i).unwrap_or(usize::MAX))
            .cloned()
            .flatten()
            .ok_or_else(|| ToyError(format!("{i}·G is not a finite point")))
    }

    fn key_bytes(&self, d: u64, compressed: bool) -> Result<Vec<u8>, ToyError> {
        let (x, y) = self.point(d)?;
        Ok(if compressed {
            let mut k = vec![2 + u8::from(y.bit(0))];
            k.extend_from_slice(&b32(&x));
            k
        } else {
            let mut k = vec![4];
            k.extend_from_slice(&b32(&x));
            k.extend_from_slice(&b32(&y));
            k
        })
    }

    fn ecdsa_job(
        &self,
        d: u64,
        compressed: bool,
        z: u64,
        r: u64,
        s: u64,
    ) -> Result<CoreJob, ToyError> {
        let key = self.key_bytes(d, compressed)?;
        CoreJob::ecdsa(&key, &n32(z), &n32(r), &n32(s)).map_err(|e| ToyError(format!("{e:?}")))
    }

    /// Reference ECDSA code on the toy group (range checks, then the equation).
    pub fn ecdsa_ref(&self, d: u64, z: u64, r: u64, s: u64) -> u8 {
        if r == 0 || r >= N {
            return 2;
        }
        if s == 0 || s >= N {
            return 3;
        }
        let q = &self.mult[usize::try_from(d).unwrap_or(0)];
        let ok = self.desc.curve.ecdsa_verify(
            q,
            &BigUint::from(z),
            &BigUint::from(r),
            &BigUint::from(s),
        );
        u8::from(!ok)
    }

    /// Reference BIP340 code: r < p, s < n, lift_x(Px) exists, s·G − e·P finite with even y
    /// and x == r.
    pub fn schnorr_ref(&self, px: &BigUint, e: u64, r: &BigUint, s: u64) -> u8 {
        let c = &self.desc.curve;
        if r >= &c.p {
            return 2;
        }
        if s >= N {
            return 3;
        }
        let Some(y) = c.sqrt(&((px * px * px + &c.b) % &c.p)) else {
            return 4;
        };
        let y = if y.bit(0) { &c.p - &y } else { y };
        let pp = Some((px.clone(), y));
        let sg = c.mul(&BigUint::from(s), &c.g());
        let ep = c.mul(&BigUint::from((N - e % N) % N), &pp);
        match c.add(&sg, &ep) {
            Some((x, yy)) if !yy.bit(0) && &x == r => 0,
            _ => 1,
        }
    }

    /// Every ECDSA case (module doc).
    ///
    /// # Errors
    /// See [`ToyError`].
    pub fn ecdsa_cases(&self) -> Result<ToyCases, ToyError> {
        let n = BigUint::from(N);
        let mut out = ToyCases::default();
        for d in 1..N {
            for z in 0..2 * N {
                for k in 1..N {
                    let (rx, _) = self.point(k)?;
                    let r = low_u64(&(&rx % &n));
                    if r == 0 {
                        continue;
                    }
                    let kinv = mod_inverse(&BigUint::from(k), &n)
                        .ok_or_else(|| ToyError(format!("{k} has no inverse")))?;
                    let s = low_u64(&((kinv * BigUint::from(z + r * d)) % &n));
                    if s == 0 {
                        continue;
                    }
                    for compressed in [true, false].into_iter().take(if z < N { 2 } else { 1 }) {
                        out.jobs.push(self.ecdsa_job(d, compressed, z, r, s)?);
                        out.want.push(self.ecdsa_ref(d, z, r, s));
                    }
                }
            }
        }
        out.signed = out.jobs.len();
        for d in 1..N {
            for r in 0..=N + 1 {
                for s in 0..=N + 1 {
                    out.jobs.push(self.ecdsa_job(d, (r + s) % 2 == 0, 5, r, s)?);
                    out.want.push(self.ecdsa_ref(d, 5, r, s));
                }
            }
        }
        Ok(out)
    }

    /// The x-only key of i·G: (x, the scalar of the even-y point, i or n − i).
    fn xonly(&self, i: u64) -> Result<(BigUint, u64), ToyError> {
        let (x, y) = self.point(i)?;
        Ok((x, if y.bit(0) { N - i } else { i }))
    }

    /// Every BIP340 case (module doc). None is counted as `signed`: the valid ones are the
    /// reference's code 0.
    ///
    /// # Errors
    /// See [`ToyError`].
    pub fn schnorr_cases(&self) -> Result<ToyCases, ToyError> {
        let p = &self.desc.curve.p;
        let mut out = ToyCases::default();
        let job = |z: BigUint, r: BigUint, s: u64, px: &BigUint| CoreJob {
            kind: JobKind::Schnorr,
            z,
            r,
            s: BigUint::from(s),
            qx: px.clone(),
            qy: BigUint::default(),
            prefix: 0,
        };
        for d0 in 1..N {
            let (px, d) = self.xonly(d0)?;
            for e in 0..N {
                for k0 in 1..N {
                    let (rx, k) = self.xonly(k0)?;
                    let s = (k + e * d) % N;
                    // the challenge unreduced, as a hash would give it
                    let e_word = BigUint::from(e) + BigUint::from(N) * BigUint::from(d0);
                    out.want.push(self.schnorr_ref(&px, e, &rx, s));
                    out.jobs.push(job(e_word, rx, s, &px));
                }
            }
            for k0 in 0..N {
                let r = if k0 == 0 {
                    p.clone()
                } else {
                    self.xonly(k0)?.0
                };
                for s in 0..=N {
                    out.want.push(self.schnorr_ref(&px, 3, &r, s));
                    out.jobs.push(job(BigUint::from(3u32), r.clone(), s, &px));
                }
            }
        }
        Ok(out)
    }
}
