//! The constant ROM `C0..C63` of the ECDSA engine, and the curve parameters it is built from.
//!
//! Layout (ISA.md): C0..C4 = 0..4, C5 = b (7), C6 = p, C7 = n, C8 = p - n (0 if n >= p),
//! C16 + 2(k-1) / C17 + 2(k-1) = affine x / y of k·G for k = 1..15, everything else 0.
//! The G table is computed here with num-bigint (affine double-and-add); a test checks it
//! against k256's multiples of the generator.
//!
//! [`const_rom`] gives the secp256k1 ROM as 64 entries of eight 32-bit words, **least
//! significant word first** (word 0 = bits 31:0), which is how the RTL generator fills its ROM.
//! [`const_rom_for`] gives the same as `BigUint`s for any [`Curve`] (the ISS uses this; the
//! toy-curve test runs the same program generator on a small curve).

use num_bigint::BigUint;
use num_integer::Integer;
use num_traits::{One, Zero};

/// Constant-ROM indices (add [`CONST_BASE`](super::isa::CONST_BASE) for an operand address,
/// or use [`Src::c`](super::isa::Src::c)).
pub mod c {
    pub const ZERO: u8 = 0;
    pub const ONE: u8 = 1;
    pub const TWO: u8 = 2;
    pub const THREE: u8 = 3;
    pub const FOUR: u8 = 4;
    /// Curve coefficient b (7).
    pub const B: u8 = 5;
    pub const P: u8 = 6;
    pub const N: u8 = 7;
    /// p - n when n < p, else 0 (then the `r + n < p` case never applies).
    pub const P_MINUS_N: u8 = 8;
    /// x(1·G); x(k·G) is at `G_TABLE + 2(k-1)`, y(k·G) one above.
    pub const G_TABLE: u8 = 16;
    /// First entry free for the program.
    pub const FREE: u8 = 46;
}

/// A short Weierstrass curve y² = x³ + b over F_p (a = 0) with a generator of prime order n.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Curve {
    pub name: &'static str,
    pub p: BigUint,
    pub n: BigUint,
    pub b: BigUint,
    pub gx: BigUint,
    pub gy: BigUint,
}

fn hex(s: &str) -> BigUint {
    // Only called on the literal constants below; a parse failure is a programming error
    // caught by every test, so fall back to zero rather than panic in library code.
    BigUint::parse_bytes(s.as_bytes(), 16).unwrap_or_default()
}

impl Curve {
    /// secp256k1 (SEC 2, 2.4.1).
    pub fn secp256k1() -> Curve {
        Curve {
            name: "secp256k1",
            p: hex("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFC2F"),
            n: hex("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141"),
            b: BigUint::from(7u32),
            gx: hex("79BE667EF9DCBBAC55A06295CE870B07029BFCDB2DCE28D959F2815B16F81798"),
            gy: hex("483ADA7726A3C4655DA4FBFC0E1108A8FD17B448A68554199C47D08FFB10D4B8"),
        }
    }

    /// A toy curve for exhaustive tests: y² = x³ + 7 over F_43 (43 ≡ 3 mod 4), 31 points
    /// (prime, so every point but infinity generates), n < p so the `r + n < p` case occurs
    /// for r in 1..=11. Found by point counting over the primes p ≡ 7 (mod 12) below 400.
    pub fn toy43() -> Curve {
        Curve {
            name: "toy43",
            p: BigUint::from(43u32),
            n: BigUint::from(31u32),
            b: BigUint::from(7u32),
            // (2, 31): 31² = 961 = 22·43 + 15 = 8 + 7 = 2³ + 7 (mod 43).
            gx: BigUint::from(2u32),
            gy: BigUint::from(31u32),
        }
    }

    /// True for the curve the RTL implements.
    pub fn is_secp256k1(&self) -> bool {
        *self == Curve::secp256k1()
    }

    /// The generator as an affine point.
    pub fn g(&self) -> Affine {
        Some((self.gx.clone(), self.gy.clone()))
    }

    /// Is (x, y) on the curve (with x, y < p)?
    pub fn on_curve(&self, x: &BigUint, y: &BigUint) -> bool {
        x < &self.p && y < &self.p && (y * y) % &self.p == (x * x * x + &self.b) % &self.p
    }

    fn sub(&self, a: &BigUint, b: &BigUint) -> BigUint {
        ((a + &self.p) - (b % &self.p)) % &self.p
    }

    fn inv(&self, a: &BigUint) -> BigUint {
        // p is prime: a^(p-2).
        a.modpow(&(&self.p - 2u32), &self.p)
    }

    /// Affine point addition (reference arithmetic for tables and tests; `None` = infinity).
    pub fn add(&self, a: &Affine, b: &Affine) -> Affine {
        let (Some((x1, y1)), Some((x2, y2))) = (a, b) else {
            return if a.is_none() { b.clone() } else { a.clone() };
        };
        let p = &self.p;
        let lambda = if x1 == x2 {
            if ((y1 + y2) % p).is_zero() {
                return None;
            }
            // (3x² + a) / 2y with a = 0
            (BigUint::from(3u32) * x1 * x1 % p) * self.inv(&(BigUint::from(2u32) * y1 % p)) % p
        } else {
            self.sub(y2, y1) * self.inv(&self.sub(x2, x1)) % p
        };
        let x3 = self.sub(&self.sub(&(&lambda * &lambda % p), x1), x2);
        let y3 = self.sub(&(&lambda * self.sub(x1, &x3) % p), y1);
        Some((x3, y3))
    }

    /// Negation.
    pub fn neg(&self, a: &Affine) -> Affine {
        a.as_ref()
            .map(|(x, y)| (x.clone(), self.sub(&BigUint::zero(), y)))
    }

    /// k·P by double-and-add (variable time: public data only).
    pub fn mul(&self, k: &BigUint, pt: &Affine) -> Affine {
        let mut acc: Affine = None;
        for i in (0..k.bits()).rev() {
            acc = self.add(&acc, &acc);
            if k.bit(i) {
                acc = self.add(&acc, pt);
            }
        }
        acc
    }

    /// A square root of `a` mod p (p ≡ 3 mod 4), if one exists.
    pub fn sqrt(&self, a: &BigUint) -> Option<BigUint> {
        let e = (&self.p + 1u32) >> 2;
        let r = a.modpow(&e, &self.p);
        ((&r * &r) % &self.p == a % &self.p).then_some(r)
    }

    /// Plain ECDSA verification on this curve (reference for the toy test): accepts any
    /// s in [1, n-1] (no low-S rule). Inputs must already be range-checked by the caller.
    pub fn ecdsa_verify(&self, q: &Affine, z: &BigUint, r: &BigUint, s: &BigUint) -> bool {
        let n = &self.n;
        let Some(w) = mod_inverse(s, n) else {
            return false;
        };
        let u1 = (z % n) * &w % n;
        let u2 = r * &w % n;
        match self.add(&self.mul(&u1, &self.g()), &self.mul(&u2, q)) {
            None => false,
            Some((x, _)) => &(x % n) == r,
        }
    }
}

/// An affine point, `None` = the point at infinity.
pub type Affine = Option<(BigUint, BigUint)>;

/// a^-1 mod m by the extended Euclidean algorithm (reference helper).
pub fn mod_inverse(a: &BigUint, m: &BigUint) -> Option<BigUint> {
    use num_bigint::BigInt;
    let (a, m) = (BigInt::from(a.clone()), BigInt::from(m.clone()));
    let e = a.extended_gcd(&m);
    if !e.gcd.is_one() {
        return None;
    }
    e.x.mod_floor(&m).to_biguint()
}

/// k·G for k = 1..15 (affine; `None` only on toy curves with n <= 15).
pub fn g_multiples(curve: &Curve) -> Vec<Affine> {
    let g = curve.g();
    let mut out = Vec::with_capacity(15);
    let mut acc: Affine = None;
    for _ in 0..15 {
        acc = curve.add(&acc, &g);
        out.push(acc.clone());
    }
    out
}

/// The 64 constant-ROM entries for `curve`.
pub fn const_rom_for(curve: &Curve) -> Vec<BigUint> {
    let mut rom = vec![BigUint::zero(); 64];
    for (i, v) in rom.iter_mut().take(5).enumerate() {
        *v = BigUint::from(i);
    }
    rom[usize::from(c::B)] = curve.b.clone();
    rom[usize::from(c::P)] = curve.p.clone();
    rom[usize::from(c::N)] = curve.n.clone();
    if curve.n < curve.p {
        rom[usize::from(c::P_MINUS_N)] = &curve.p - &curve.n;
    }
    for (k, pt) in g_multiples(curve).into_iter().enumerate() {
        if let Some((x, y)) = pt {
            rom[usize::from(c::G_TABLE) + 2 * k] = x;
            rom[usize::from(c::G_TABLE) + 2 * k + 1] = y;
        }
    }
    rom
}

/// A 256-bit value as eight 32-bit words, least significant first (bits above 256 dropped).
pub fn to_words(v: &BigUint) -> [u32; 8] {
    let mut w = [0u32; 8];
    for (o, d) in w.iter_mut().zip(v.iter_u32_digits()) {
        *o = d;
    }
    w
}

/// Eight 32-bit words (least significant first) as a `BigUint`.
pub fn from_words(w: &[u32; 8]) -> BigUint {
    BigUint::from_slice(w)
}

/// The secp256k1 constant ROM as the RTL stores it: 64 x 8 words, least significant word first.
pub fn const_rom() -> [[u32; 8]; 64] {
    let mut out = [[0u32; 8]; 64];
    for (o, v) in out.iter_mut().zip(const_rom_for(&Curve::secp256k1())) {
        *o = to_words(&v);
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn consts_curve_parameters_are_consistent() {
        for curve in [Curve::secp256k1(), Curve::toy43()] {
            assert!(curve.on_curve(&curve.gx, &curve.gy), "{}", curve.name);
            assert_eq!(curve.mul(&curve.n, &curve.g()), None, "{}: n·G", curve.name);
            assert_eq!(&curve.p % 4u32, BigUint::from(3u32));
        }
        let k = Curve::secp256k1();
        assert_eq!(
            &k.p,
            &((BigUint::one() << 256) - (BigUint::one() << 32) - 977u32)
        );
    }

    #[test]
    fn consts_toy_curve_has_prime_order_31() {
        let t = Curve::toy43();
        let mut count = 1; // infinity
        for x in 0u32..43 {
            for y in 0u32..43 {
                if t.on_curve(&x.into(), &y.into()) {
                    count += 1;
                }
            }
        }
        assert_eq!(count, 31);
    }

    #[test]
    fn consts_rom_layout_and_words() {
        let rom = const_rom();
        let big = const_rom_for(&Curve::secp256k1());
        assert_eq!(rom[1], [1, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(rom[5][0], 7);
        assert_eq!(rom[6][0], 0xFFFF_FC2F);
        assert_eq!(rom[6][1], 0xFFFF_FFFE);
        for (w, b) in rom.iter().zip(&big) {
            assert_eq!(&from_words(w), b);
        }
        assert_eq!(&big[8] + &big[7], big[6]);
        for v in &big[9..16] {
            assert!(v.is_zero());
        }
        for v in &big[46..] {
            assert!(v.is_zero());
        }
    }
}
