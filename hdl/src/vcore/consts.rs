//! Curve descriptions for the VerifyCore programs and the constant bank image `K0..K255`.
//!
//! A [`CurveDesc`] is a short Weierstrass curve y² = x³ + b over secp256k1's field p with a
//! generator G of prime order n and the GLV endomorphism φ(x, y) = (β·x, y) = λ·(x, y) on
//! G's subgroup. Two are provided: secp256k1 and libsecp256k1's exhaustive-test curve of order
//! 13 (`toy13`: b = 2, the same p, generator from libsecp256k1's `group_impl.h`). β, λ and a
//! reduced GLV basis are *derived* here (cube roots of unity, then the extended Euclidean
//! algorithm on (n, λ)); the tests check every property the program relies on.
//!
//! GLV split (what the program computes with MULHI / SHRR / MULLO / ADD, exactly):
//! with the basis v1 = (a1, b1), v2 = (a2, b2) (a + b·λ ≡ 0 mod n, a1·b2 − a2·b1 = n),
//! c1 = round(k·b2/n), c2 = round(−k·b1/n), k1 = k − c1·a1 − c2·a2, k2 = −c1·b1 − c2·b2, so
//! k1 + k2·λ ≡ k (mod n). The roundings use g = round(2^(256+s)·|b|/n) < 2^256:
//! `c' = SHRR(MULHI(k, g), s) = floor(k·g/2^(256+s) + 1/2)`, and the signs of b2, −b1 are
//! folded into the MULLO constants, so k1, k2 come out of 256-bit wrapping arithmetic as exact
//! two's-complement integers. |c − k·b/n| <= 1/2 + 2^-(1+s) gives
//! |k1| <= (1/2 + 2^-(1+s))·(|a1| + |a2|) and likewise |k2| with b; [`Glv::bound`] is that
//! bound, and it must stay below 2^(DIG_POSITIONS − w) for REC.

use crate::ecdsa::consts::{Affine, Curve};
use crate::vcore::params::{DIG_POSITIONS, K_WORDS};
use num_bigint::{BigInt, BigUint};
use num_integer::Integer;
use num_traits::{One, Signed, Zero};

/// Constant-bank indices.
pub mod k {
    pub const ZERO: u8 = 0;
    pub const ONE: u8 = 1;
    pub const TWO: u8 = 2;
    pub const THREE: u8 = 3;
    pub const FOUR: u8 = 4;
    /// Curve coefficient b.
    pub const B: u8 = 5;
    pub const P: u8 = 6;
    pub const N: u8 = 7;
    /// p − n when n < p (the `r + n < p` test), else 0.
    pub const P_MINUS_N: u8 = 8;
    /// β (φ(x, y) = (β·x, y)).
    pub const BETA: u8 = 9;
    /// GLV rounding constants g1 (for c1 = k·b2/n) and g2 (for c2 = −k·b1/n).
    pub const G1: u8 = 10;
    pub const G2: u8 = 11;
    /// MULLO constants: k1 = k + c1'·NA1 + c2'·NA2, k2 = c1'·NB1 + c2'·NB2 (mod 2^256).
    pub const NA1: u8 = 12;
    pub const NA2: u8 = 13;
    pub const NB1: u8 = 14;
    pub const NB2: u8 = 15;
    /// floor(2^256 / n) (Barrett reduction of x mod n, toy curves).
    pub const BARRETT: u8 = 16;
    /// (p + 1) / 2 = 1/2 mod p.
    pub const HALF: u8 = 17;
    /// x of the odd multiples (2i+1)·G, i = 0..2^(wG−2).
    pub const GX: u8 = 32;
    /// y of the odd multiples (2i+1)·G.
    pub const GY: u8 = 96;
    /// x of (2i+1)·λG = β·x((2i+1)·G) (y is the same).
    pub const LGX: u8 = 160;
    /// Largest table (entries) the layout holds: window 8.
    pub const TABLE_MAX: usize = 64;
}

/// GLV decomposition constants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Glv {
    /// Reduced basis of {(a, b) : a + b·λ ≡ 0 mod n}, oriented so a1·b2 − a2·b1 = n.
    pub a1: BigInt,
    pub b1: BigInt,
    pub a2: BigInt,
    pub b2: BigInt,
    /// round(2^(256+shift)·|b2|/n), round(2^(256+shift)·|b1|/n).
    pub g1: BigUint,
    pub g2: BigUint,
    /// The SHRR shift s.
    pub shift: u8,
    /// MULLO constants (two's complement mod 2^256), see [`k::NA1`].
    pub na1: BigUint,
    pub na2: BigUint,
    pub nb1: BigUint,
    pub nb2: BigUint,
    /// Bound on |k1| and |k2| (module docs).
    pub bound: BigUint,
}

/// A curve and everything the program generator and the K image need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurveDesc {
    /// p, n, b, G and the affine reference arithmetic.
    pub curve: Curve,
    pub beta: BigUint,
    pub lambda: BigUint,
    pub glv: Glv,
    /// wNAF width of the G and λG tables (K bank).
    pub w_g: u8,
    /// wNAF width of the per-thread Q / λQ tables.
    pub w_q: u8,
    /// First digit position the main loop reads (LC start): the scalars' digits above it are 0.
    pub top: u8,
}

/// The curve does not admit the program's construction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurveError(pub String);

impl std::fmt::Display for CurveError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CurveError {}

fn hex(s: &str) -> BigUint {
    BigUint::parse_bytes(s.as_bytes(), 16).unwrap_or_default()
}

/// 2^256.
pub fn two256() -> BigUint {
    BigUint::one() << 256u32
}

/// A signed integer as a 256-bit two's-complement pattern.
pub fn twos(v: &BigInt) -> BigUint {
    let m = BigInt::from(two256());
    v.mod_floor(&m).to_biguint().unwrap_or_default()
}

/// A 256-bit two's-complement pattern as a signed integer.
pub fn signed(v: &BigUint) -> BigInt {
    if v.bit(255) {
        BigInt::from(v.clone()) - BigInt::from(two256())
    } else {
        BigInt::from(v.clone())
    }
}

/// The nontrivial cube roots of unity modulo a prime m ≡ 1 (mod 3).
fn cube_roots_of_unity(m: &BigUint) -> Vec<BigUint> {
    let e = (m - 1u32) / 3u32;
    let mut g = BigUint::from(2u32);
    while &g < m {
        let r = g.modpow(&e, m);
        if !r.is_one() {
            let r2 = (&r * &r) % m;
            return vec![r, r2];
        }
        g += 1u32;
    }
    vec![]
}

/// Reduced basis of {(a, b) : a + b·λ ≡ 0 mod n} by the extended Euclidean algorithm on
/// (n, λ) (Gallant–Lambert–Vanstone), oriented so that a1·b2 − a2·b1 = n.
fn glv_basis(n: &BigUint, lambda: &BigUint) -> [BigInt; 4] {
    let n_i = BigInt::from(n.clone());
    let sqrt_n = n.sqrt();
    // remainders r_i = s_i·n + t_i·λ; keep (r, t)
    let (mut r0, mut r1) = (n_i.clone(), BigInt::from(lambda.clone()));
    let (mut t0, mut t1) = (BigInt::zero(), BigInt::one());
    let mut seq: Vec<(BigInt, BigInt)> = vec![(r0.clone(), t0.clone()), (r1.clone(), t1.clone())];
    while !r1.is_zero() {
        let q = &r0 / &r1;
        let r2 = &r0 - &q * &r1;
        let t2 = &t0 - &q * &t1;
        r0 = std::mem::replace(&mut r1, r2);
        t0 = std::mem::replace(&mut t1, t2);
        seq.push((r1.clone(), t1.clone()));
    }
    // l: largest index with r_l >= sqrt(n)
    let sq = BigInt::from(sqrt_n);
    let l = seq.iter().rposition(|(r, _)| r >= &sq).unwrap_or(0);
    let vec_of = |i: usize| -> (BigInt, BigInt) {
        let (r, t) = seq.get(i).cloned().unwrap_or_default();
        (r, -t)
    };
    let v1 = vec_of(l + 1);
    let c1 = vec_of(l);
    let c2 = vec_of(l + 2);
    let norm = |v: &(BigInt, BigInt)| &v.0 * &v.0 + &v.1 * &v.1;
    let v2 = if seq.len() > l + 2 && norm(&c2) < norm(&c1) {
        c2
    } else {
        c1
    };
    let (mut a1, mut b1, mut a2, mut b2) = (v1.0, v1.1, v2.0, v2.1);
    if &a1 * &b2 - &a2 * &b1 < BigInt::zero() {
        std::mem::swap(&mut a1, &mut a2);
        std::mem::swap(&mut b1, &mut b2);
    }
    [a1, b1, a2, b2]
}

impl Glv {
    fn derive(n: &BigUint, lambda: &BigUint, w_max: u8) -> Result<Glv, CurveError> {
        let [a1, b1, a2, b2] = glv_basis(n, lambda);
        let n_i = BigInt::from(n.clone());
        if &a1 * &b2 - &a2 * &b1 != n_i {
            return Err(CurveError("GLV basis determinant is not n".into()));
        }
        for (a, b) in [(&a1, &b1), (&a2, &b2)] {
            if !(a + b * BigInt::from(lambda.clone()))
                .mod_floor(&n_i)
                .is_zero()
            {
                return Err(CurveError("GLV basis vector not in the lattice".into()));
            }
        }
        let (m1, m2) = (b2.magnitude().clone(), b1.magnitude().clone());
        let big = m1.clone().max(m2.clone());
        // Largest s <= 255 with round(2^(256+s)·big/n) < 2^256.
        let g_of = |s: u32, m: &BigUint| ((m << (256 + s)) + (n >> 1u32)) / n;
        let mut shift = 255u32;
        while shift > 1 && g_of(shift, &big) >= two256() {
            shift -= 1;
        }
        let (g1, g2) = (g_of(shift, &m1), g_of(shift, &m2));
        // c1 = s1·c1', c2 = s2·c2' with s1 = sign(b2), s2 = sign(−b1).
        let s1 = if b2.is_negative() { -1 } else { 1 };
        let s2 = if b1.is_positive() { -1 } else { 1 };
        let (s1, s2) = (BigInt::from(s1), BigInt::from(s2));
        let na1 = twos(&(-(&s1 * &a1)));
        let na2 = twos(&(-(&s2 * &a2)));
        let nb1 = twos(&(-(&s1 * &b1)));
        let nb2 = twos(&(-(&s2 * &b2)));
        // bound = (1/2 + 2^-(1+s))·max(|a1|+|a2|, |b1|+|b2|), rounded up
        let sa = a1.magnitude() + a2.magnitude();
        let sb = b1.magnitude() + b2.magnitude();
        let m = sa.max(sb);
        let bound = ((&m << shift) + &m + (BigUint::one() << (shift + 1)) - 1u32) >> (shift + 1);
        let limit = BigUint::one() << (DIG_POSITIONS - usize::from(w_max));
        if bound >= limit {
            return Err(CurveError(format!(
                "GLV bound {bound:x} exceeds the recoder's 2^{}",
                DIG_POSITIONS - usize::from(w_max)
            )));
        }
        Ok(Glv {
            a1,
            b1,
            a2,
            b2,
            g1,
            g2,
            shift: u8::try_from(shift).unwrap_or(255),
            na1,
            na2,
            nb1,
            nb2,
            bound,
        })
    }

    /// The split exactly as the program computes it: 256-bit patterns (k1, k2).
    pub fn split(&self, k: &BigUint) -> (BigUint, BigUint) {
        let m = two256();
        let round = |g: &BigUint| {
            let hi = (k * g) >> 256u32;
            (hi + (BigUint::one() << (self.shift - 1))) >> self.shift
        };
        let (c1, c2) = (round(&self.g1), round(&self.g2));
        let k1 = (k + &c1 * &self.na1 + &c2 * &self.na2) % &m;
        let k2 = (&c1 * &self.nb1 + &c2 * &self.nb2) % &m;
        (k1, k2)
    }
}

impl CurveDesc {
    /// secp256k1 (SEC 2), G table window 8, Q table window 5.
    pub fn secp256k1() -> Result<CurveDesc, CurveError> {
        CurveDesc::derive(Curve::secp256k1(), 8, 5)
    }

    /// Scalars at which the GLV split is most likely to go wrong, for tests to use as u1 and
    /// u2: 1, n − 1, n/2, λ, and for each basis magnitude |b| of the rounding
    /// c = round(k·|b|/n) the k nearest to c's half-way points, k = floor((2j+1)·n / 2|b|)
    /// and the next two, for j in {0, 1, 7, 2^20}.
    pub fn glv_test_scalars(&self) -> Vec<BigUint> {
        let n = &self.curve.n;
        let mut v = vec![
            BigUint::from(1u32),
            n - 1u32,
            n >> 1u32,
            self.lambda.clone(),
        ];
        for bm in [self.glv.b2.magnitude(), self.glv.b1.magnitude()] {
            for j in [0u32, 1, 7, 1 << 20] {
                let k = (BigUint::from(2 * j + 1) * n) / (bm << 1u32);
                for dk in [0u32, 1, 2] {
                    v.push((&k + dk) % n);
                }
            }
        }
        v
    }

    /// libsecp256k1's exhaustive-test curve: y² = x³ + 2 over secp256k1's p, generator of
    /// order 13 (`group_impl.h`, `SECP256K1_G_ORDER_13`).
    pub fn toy13() -> Result<CurveDesc, CurveError> {
        let c = Curve {
            name: "toy13",
            p: Curve::secp256k1().p,
            n: BigUint::from(13u32),
            b: BigUint::from(2u32),
            gx: hex("a2482ff84bf34edfa51262fde57921dbe0dd2cb7a5914790bc71631fc09704fb"),
            gy: hex("942536cba3e494923a701cc3ee3e443fdf182aa915b8aa6a166d3b19ba84b045"),
        };
        CurveDesc::derive(c, 4, 4)
    }

    /// Derives β, λ, the GLV constants and the loop start for `curve` and the windows.
    pub fn derive(curve: Curve, w_g: u8, w_q: u8) -> Result<CurveDesc, CurveError> {
        let err = |s: &str| CurveError(format!("{}: {s}", curve.name));
        if !curve.on_curve(&curve.gx, &curve.gy) {
            return Err(err("G is not on the curve"));
        }
        if curve.mul(&curve.n, &curve.g()).is_some() {
            return Err(err("n·G is not the point at infinity"));
        }
        if !(3..=8).contains(&w_g)
            || !(3..=8).contains(&w_q)
            || (1usize << (w_g - 2)) > k::TABLE_MAX
        {
            return Err(err("window out of range"));
        }
        let g = curve.g();
        let mut pair = None;
        for beta in cube_roots_of_unity(&curve.p) {
            for lambda in cube_roots_of_unity(&curve.n) {
                let phi = g.as_ref().map(|(x, y)| ((x * &beta) % &curve.p, y.clone()));
                if curve.mul(&lambda, &g) == phi {
                    pair = Some((beta.clone(), lambda));
                }
            }
        }
        let (beta, lambda) = pair.ok_or_else(|| err("no (β, λ) pair"))?;
        let glv = Glv::derive(&curve.n, &lambda, w_g.max(w_q)).map_err(|e| err(&e.0))?;
        let top = u8::try_from(glv.bound.bits()).map_err(|_| err("bound"))?;
        // The per-thread table (odd multiples m·Q built as (m−2)·Q + 2·Q) must never meet a
        // special case, and the K table must hold finite points.
        let n = &curve.n;
        for m in (1u32..(1 << (w_q - 1))).step_by(2) {
            let mm = BigUint::from(m) % n;
            let bad = |v: &BigUint| v.is_zero() || *v == BigUint::from(2u32) % n || *v == n - 2u32;
            if m > 1 && (bad(&((BigUint::from(m - 2)) % n)) || mm.is_zero()) {
                return Err(err(
                    "Q table window meets a special case of the group order",
                ));
            }
        }
        for m in (1u32..(1 << (w_g - 1))).step_by(2) {
            if (BigUint::from(m) % n).is_zero() {
                return Err(err("G table window holds the point at infinity"));
            }
        }
        Ok(CurveDesc {
            curve,
            beta,
            lambda,
            glv,
            w_g,
            w_q,
            top,
        })
    }

    /// Odd multiples (2i+1)·G, i = 0..2^(w_g−2) (affine, finite).
    pub fn g_table(&self) -> Vec<(BigUint, BigUint)> {
        let c = &self.curve;
        let g = c.g();
        let g2 = c.add(&g, &g);
        let mut out = Vec::new();
        let mut acc: Affine = g;
        for _ in 0..(1usize << (self.w_g - 2)) {
            if let Some(pt) = acc.clone() {
                out.push(pt);
            }
            acc = c.add(&acc, &g2);
        }
        out
    }

    /// The constant bank image, K0..K255.
    pub fn k_image(&self) -> Vec<BigUint> {
        let c = &self.curve;
        let mut kk = vec![BigUint::zero(); K_WORDS];
        let mut set = |i: u8, v: BigUint| kk[usize::from(i)] = v;
        for i in 0..=4u8 {
            set(i, BigUint::from(i));
        }
        set(k::B, c.b.clone());
        set(k::P, c.p.clone());
        set(k::N, c.n.clone());
        if c.n < c.p {
            set(k::P_MINUS_N, &c.p - &c.n);
        }
        set(k::BETA, self.beta.clone());
        set(k::G1, self.glv.g1.clone());
        set(k::G2, self.glv.g2.clone());
        set(k::NA1, self.glv.na1.clone());
        set(k::NA2, self.glv.na2.clone());
        set(k::NB1, self.glv.nb1.clone());
        set(k::NB2, self.glv.nb2.clone());
        set(k::BARRETT, two256() / &c.n);
        set(k::HALF, (&c.p + 1u32) >> 1);
        for (i, (x, y)) in self.g_table().into_iter().enumerate() {
            let i = u8::try_from(i).unwrap_or(0);
            set(k::LGX + i, (&x * &self.beta) % &c.p);
            set(k::GX + i, x);
            set(k::GY + i, y);
        }
        kk
    }

    /// True for secp256k1 (the final check by r·Z² and (r+n)·Z² applies).
    pub fn jacobian_final_check(&self) -> bool {
        // x(R) mod n == r has at most two candidates x in [0, p) only when 2n > p.
        (&self.curve.n << 1u32) > self.curve.p
    }
}

/// The K image as the RTL stores it: 256 x 8 words of 32 bits, least significant word first.
pub fn k_words(desc: &CurveDesc) -> Vec<[u32; 8]> {
    desc.k_image()
        .iter()
        .map(|v| {
            let mut w = [0u32; 8];
            for (o, d) in w.iter_mut().zip(v.iter_u32_digits()) {
                *o = d;
            }
            w
        })
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    fn check_split(d: &CurveDesc, kk: &BigUint) {
        let (k1, k2) = d.glv.split(kk);
        let (s1, s2) = (signed(&k1), signed(&k2));
        let n = BigInt::from(d.curve.n.clone());
        let lhs =
            (&s1 + &s2 * BigInt::from(d.lambda.clone()) - BigInt::from(kk.clone())).mod_floor(&n);
        assert!(lhs.is_zero(), "{}: k {kk:x}", d.curve.name);
        assert!(
            s1.magnitude() <= &d.glv.bound,
            "{}: |k1| k {kk:x}",
            d.curve.name
        );
        assert!(
            s2.magnitude() <= &d.glv.bound,
            "{}: |k2| k {kk:x}",
            d.curve.name
        );
    }

    #[test]
    fn consts_secp256k1_glv_and_tables() {
        let d = CurveDesc::secp256k1().unwrap();
        let c = &d.curve;
        // β and λ: cube roots of unity that pair up (derived; libsecp256k1 uses the same λ).
        assert_eq!(d.beta.modpow(&BigUint::from(3u32), &c.p), BigUint::one());
        assert_eq!(d.lambda.modpow(&BigUint::from(3u32), &c.n), BigUint::one());
        let lam_lib = hex("5363ad4cc05c30e0a5261c028812645a122e22ea20816678df02967c1b23bd72");
        assert!(d.lambda == lam_lib || d.lambda == (&lam_lib * &lam_lib) % &c.n);
        assert!(
            d.glv.bound < (BigUint::one() << 128u32),
            "{:x}",
            d.glv.bound
        );
        assert_eq!(d.top, 128);
        assert!(d.jacobian_final_check());
        let mut edges = vec![
            BigUint::zero(),
            BigUint::one(),
            &c.n - 1u32,
            &c.n >> 1u32,
            d.lambda.clone(),
            two256() - 1u32,
        ];
        // Around the rounding boundaries of c1 and c2: k·b/n = j + 1/2.
        for (bm, _) in [(d.glv.b2.magnitude(), 0), (d.glv.b1.magnitude(), 1)] {
            for j in [1u32, 2, 1000] {
                let kk = ((BigUint::from(2 * j + 1) * &c.n) / (bm << 1u32)) % &c.n;
                for dk in 0u32..3 {
                    edges.push((&kk + dk) % &c.n);
                }
            }
        }
        for kk in &edges {
            check_split(&d, kk);
        }
        let mut x = BigUint::from(0x1234_5678u32);
        for _ in 0..2000 {
            x = (&x * &x + 0x9e37_79b9u32) % &c.n;
            check_split(&d, &x);
        }
        // Tables: K entries are (2i+1)·G and β·x.
        let kim = d.k_image();
        for i in [0usize, 1, 63] {
            let m = BigUint::from(2 * i + 1);
            let (x, y) = c.mul(&m, &c.g()).unwrap();
            assert_eq!(kim[usize::from(k::GX) + i], x);
            assert_eq!(kim[usize::from(k::GY) + i], y);
            let (lx, ly) = c.mul(&(&m * &d.lambda), &c.g()).unwrap();
            assert_eq!(kim[usize::from(k::LGX) + i], lx);
            assert_eq!(y, ly);
        }
        assert_eq!(k_words(&d)[usize::from(k::P)][0], 0xFFFF_FC2F);
    }

    #[test]
    fn consts_toy13_is_libsecp256k1s_order_13_group() {
        let d = CurveDesc::toy13().unwrap();
        let c = &d.curve;
        assert!(c.on_curve(&c.gx, &c.gy));
        let g = c.g();
        let mut acc: Affine = None;
        for i in 1..=13u32 {
            acc = c.add(&acc, &g);
            assert_eq!(acc.is_none(), i == 13, "{i}·G");
        }
        assert!(!d.jacobian_final_check());
        for kk in 0u32..=40 {
            check_split(&d, &BigUint::from(kk));
        }
        for i in 0..4 {
            let (x, _) = &d.g_table()[i];
            let m = BigUint::from(2 * i + 1);
            assert_eq!(Some(x.clone()), c.mul(&m, &g).map(|p| p.0));
        }
        println!(
            "toy13: lambda {} beta {:x} basis ({}, {}) ({}, {}) bound {} shift {} top {}",
            d.lambda,
            d.beta,
            d.glv.a1,
            d.glv.b1,
            d.glv.a2,
            d.glv.b2,
            d.glv.bound,
            d.glv.shift,
            d.top
        );
    }
}
