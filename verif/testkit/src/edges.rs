//! Constructed ECDSA edge cases for secp256k1, one generator for every verifier under test
//! (the VerifyCore's ISS in `hdl/tests/vcore_ecdsa.rs`, its RTL in
//! `verif/tests/vcore_verify_core_edges.rs`), deterministic from a seed:
//!
//! - Q = G and Q = −G with u1 = ±u2 (u = 1, 3, 7 and six random): the partial sums of
//!   u1·G + u2·Q meet (a doubling inside an addition) or cancel (R = infinity);
//! - Q = ±G with unrelated scalars;
//! - x(R) in [n, p): R chosen first (x = n + t on the curve), Q = (R − u1·G)/u2, r = x − n, so
//!   only the r + n comparison accepts; and the same with z + 1 (must fail);
//! - u1 or u2 set to each of the caller's scalars (`boundaries`: the GLV rounding boundaries
//!   k·b/n = j + 1/2 and their neighbours, 1, n − 1, n/2, λ — the caller derives them from the
//!   curve description, which this crate does not have);
//! - r and s at 0, 1, n − 1 and n on a valid signature, both key forms.
//!
//! The verdict each case deserves is the caller's reference (k256 and the software backend):
//! this module only builds inputs. The construction: R = (u1 + u2·q)·G, r = x(R) mod n (or a
//! given r), s = r/u2, z = u1·s, so that verification computes exactly u1 and u2.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use k256::ecdsa::signature::hazmat::PrehashSigner;
use k256::ecdsa::{Signature, SigningKey};
use k256::elliptic_curve::ff::PrimeField;
use k256::elliptic_curve::point::AffineCoordinates;
use k256::elliptic_curve::sec1::{FromEncodedPoint, ToEncodedPoint};
use k256::{AffinePoint, EncodedPoint, FieldBytes, ProjectivePoint, Scalar};
use rand_chacha::rand_core::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// An ECDSA case: what it exercises and the verifier's inputs (also the case type of the
/// VerifyCore's ISS tests, `hdl/tests/vcore_common`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EdgeCase {
    pub what: String,
    /// SEC1: 33 bytes (02/03) or 65 bytes (04).
    pub pubkey: Vec<u8>,
    pub z: [u8; 32],
    pub r: [u8; 32],
    pub s: [u8; 32],
}

/// The label of the x(R) ≥ n cases that must verify (the r + n path).
pub const X_GE_N_VALID: &str = "x(R) >= n";

fn bytes32(rng: &mut ChaCha8Rng) -> [u8; 32] {
    let mut b = [0u8; 32];
    rng.fill_bytes(&mut b);
    b
}

/// The big-endian 32-byte value reduced mod n (by at most one subtraction, since 2^256 < 2n).
fn reduce(b: &[u8; 32]) -> Scalar {
    let fb = FieldBytes::from(*b);
    Option::<Scalar>::from(Scalar::from_repr(fb)).unwrap_or_else(|| {
        // b >= n: b − n = b + (2^256 − n) mod 2^256, and 2^256 − n = −n mod 2^256.
        let d = add_be(b, &neg_be(&n_bytes()));
        Option::<Scalar>::from(Scalar::from_repr(FieldBytes::from(d))).unwrap_or(Scalar::ZERO)
    })
}

fn random_scalar(rng: &mut ChaCha8Rng) -> Scalar {
    reduce(&bytes32(rng))
}

/// n as 32 big-endian bytes: (n − 1) + 1.
pub fn n_bytes() -> [u8; 32] {
    let m1: [u8; 32] = (-Scalar::ONE).to_bytes().into();
    let mut one = [0u8; 32];
    one[31] = 1;
    add_be(&m1, &one)
}

/// a + b mod 2^256, big-endian.
fn add_be(a: &[u8; 32], b: &[u8; 32]) -> [u8; 32] {
    let mut o = [0u8; 32];
    let mut carry = 0u16;
    for i in (0..32).rev() {
        let s = u16::from(a[i]) + u16::from(b[i]) + carry;
        o[i] = (s & 0xff) as u8;
        carry = s >> 8;
    }
    o
}

/// −a mod 2^256, big-endian.
fn neg_be(a: &[u8; 32]) -> [u8; 32] {
    let mut inv = [0u8; 32];
    for (o, x) in inv.iter_mut().zip(a) {
        *o = !x;
    }
    let mut one = [0u8; 32];
    one[31] = 1;
    add_be(&inv, &one)
}

fn to32(s: &Scalar) -> [u8; 32] {
    s.to_bytes().into()
}

/// (z, r, s) for which verification with key q·G computes u1 = `u1`, u2 = `u2`:
/// r = x((u1 + u2·q)·G) mod n (or `r_override`), s = r/u2, z = u1·s. None if r or u2 is 0.
fn construct(q: &Scalar, u1: &Scalar, u2: &Scalar, r_override: Option<Scalar>) -> Option<EdgeCase> {
    let r = match r_override {
        Some(r) => r,
        None => {
            let rpt = (ProjectivePoint::GENERATOR * (*u1 + *u2 * q)).to_affine();
            reduce(&rpt.x().into())
        }
    };
    if bool::from(r.is_zero()) || bool::from(u2.is_zero()) {
        return None;
    }
    let s = r * Option::<Scalar>::from(u2.invert())?;
    let z = *u1 * s;
    let key = (ProjectivePoint::GENERATOR * q).to_affine();
    Some(EdgeCase {
        what: String::new(),
        pubkey: key.to_encoded_point(true).as_bytes().to_vec(),
        z: to32(&z),
        r: to32(&r),
        s: to32(&s),
    })
}

/// Every case of the module doc from `seed`; `boundaries` are big-endian scalars (reduced mod
/// n here) used as u1 and u2 in turn.
pub fn ecdsa_edges(seed: u64, boundaries: &[[u8; 32]]) -> Vec<EdgeCase> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut cs: Vec<EdgeCase> = Vec::new();
    let one = Scalar::ONE;
    // Small u first: the GLV halves are (u, 0), so both tables' first digits are u and the
    // first addition meets G + G (or G + (−G)) for sure; random u meet only by chance (when
    // the leading digits of the two windows agree).
    let small = [1u64, 3, 7].map(Scalar::from);
    let random: Vec<Scalar> = (0..6).map(|_| random_scalar(&mut rng)).collect();
    let all_kinds = [0usize, 1, 2];
    for (j, &u) in small.iter().chain(random.iter()).enumerate() {
        // Each small u in all three kinds, the random ones one kind each.
        let kinds: &[usize] = if j < small.len() {
            &all_kinds
        } else {
            &all_kinds[j % 3..=j % 3]
        };
        for &kind in kinds {
            let (q, u1, what) = match kind {
                0 => (one, u, "Q = G, u1 = u2: additions meet equal points"),
                1 => (
                    -one,
                    u,
                    "Q = -G, u1 = u2: R = infinity, partial sums cancel",
                ),
                _ => (one, -u, "Q = G, u1 = -u2: R = infinity"),
            };
            // R is infinity in the last two: any r (it must be rejected).
            let r_ovr = (kind != 0).then(|| random_scalar(&mut rng));
            if let Some(mut c) = construct(&q, &u1, &u, r_ovr) {
                c.what = what.into();
                cs.push(c);
            }
        }
    }
    for q in [one, -one] {
        let (u1, u2) = (random_scalar(&mut rng), random_scalar(&mut rng));
        if let Some(mut c) = construct(&q, &u1, &u2, None) {
            c.what = "Q = ±G".into();
            cs.push(c);
        }
    }
    // x(R) in [n, p): x = n + t for the first t that is on the curve (p − n ≈ 2^128: plenty).
    let n = n_bytes();
    let mut t = 0u8;
    let mut found = 0;
    while found < 3 && t < u8::MAX {
        t += 1;
        let mut tb = [0u8; 32];
        tb[31] = t;
        let x = add_be(&n, &tb);
        let mut enc = [0u8; 33];
        enc[0] = 2;
        enc[1..].copy_from_slice(&x);
        let Ok(ep) = EncodedPoint::from_bytes(enc) else {
            continue;
        };
        let Some(rp) = Option::<AffinePoint>::from(AffinePoint::from_encoded_point(&ep)) else {
            continue;
        };
        let (u1, u2) = (random_scalar(&mut rng), random_scalar(&mut rng));
        let Some(u2inv) = Option::<Scalar>::from(u2.invert()) else {
            continue;
        };
        found += 1;
        let qp = (ProjectivePoint::from(rp) - ProjectivePoint::GENERATOR * u1) * u2inv;
        let rr = reduce(&tb); // x − n = t
        let s = rr * u2inv;
        let z = u1 * s;
        for (what, zz) in [(X_GE_N_VALID, z), ("x(R) >= n, z + 1", z + one)] {
            cs.push(EdgeCase {
                what: what.into(),
                pubkey: qp.to_affine().to_encoded_point(false).as_bytes().to_vec(),
                z: to32(&zz),
                r: to32(&rr),
                s: to32(&s),
            });
        }
    }
    for (i, b) in boundaries.iter().enumerate() {
        let q = random_scalar(&mut rng);
        let other = random_scalar(&mut rng);
        let v = reduce(b);
        let (u1, u2) = if i % 2 == 0 { (v, other) } else { (other, v) };
        if let Some(mut c) = construct(&q, &u1, &u2, None) {
            c.what = format!("GLV boundary u{} = {}", 1 + i % 2, hex(b));
            cs.push(c);
        }
    }
    // r, s at 0, 1, n − 1, n on a valid signature, both key forms.
    let sk = loop {
        if let Ok(k) = SigningKey::from_bytes(&bytes32(&mut rng).into()) {
            break k;
        }
    };
    let z = bytes32(&mut rng);
    let (r0, s0) = match PrehashSigner::<Signature>::sign_prehash(&sk, &z) {
        Ok(sig) => {
            let b = sig.to_bytes();
            let (mut r, mut s) = ([0u8; 32], [0u8; 32]);
            r.copy_from_slice(&b[..32]);
            s.copy_from_slice(&b[32..]);
            (r, s)
        }
        Err(_) => return cs,
    };
    let mut one_b = [0u8; 32];
    one_b[31] = 1;
    let specials: [(&str, [u8; 32]); 4] = [
        ("0", [0u8; 32]),
        ("1", one_b),
        ("n-1", to32(&-Scalar::ONE)),
        ("n", n),
    ];
    for compressed in [true, false] {
        let key = sk
            .verifying_key()
            .as_affine()
            .to_encoded_point(compressed)
            .as_bytes()
            .to_vec();
        for (name, v) in &specials {
            for r_side in [true, false] {
                let (r, s) = if r_side { (*v, s0) } else { (r0, *v) };
                cs.push(EdgeCase {
                    what: format!("{} = {name}", if r_side { "r" } else { "s" }),
                    pubkey: key.clone(),
                    z,
                    r,
                    s,
                });
            }
        }
    }
    cs
}

fn hex(b: &[u8; 32]) -> String {
    let mut s = String::with_capacity(64);
    for x in b {
        s.push_str(&format!("{x:02x}"));
    }
    s
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may panic
mod tests {
    use super::*;

    #[test]
    fn edges_n_bytes_is_the_group_order() {
        assert_eq!(
            hex(&n_bytes()),
            "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141"
        );
        assert_eq!(reduce(&n_bytes()), Scalar::ZERO);
        let mut np1 = n_bytes();
        np1[31] += 1;
        assert_eq!(reduce(&np1), Scalar::ONE);
    }

    #[test]
    fn edges_construct_gives_the_requested_u1_u2() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let (q, u1, u2) = (
            random_scalar(&mut rng),
            random_scalar(&mut rng),
            random_scalar(&mut rng),
        );
        let c = construct(&q, &u1, &u2, None).unwrap();
        let (z, r, s) = (reduce(&c.z), reduce(&c.r), reduce(&c.s));
        let w = Option::<Scalar>::from(s.invert()).unwrap();
        assert_eq!(z * w, u1);
        assert_eq!(r * w, u2);
    }

    #[test]
    fn edges_are_deterministic_and_complete() {
        let a = ecdsa_edges(7, &[[0u8; 32]]);
        assert_eq!(a, ecdsa_edges(7, &[[0u8; 32]]));
        assert_eq!(a.iter().filter(|c| c.what == X_GE_N_VALID).count(), 3);
        assert_eq!(
            a.iter()
                .filter(|c| c.what.starts_with("r = ") || c.what.starts_with("s = "))
                .count(),
            16
        );
    }
}
