//! 256-bit values and the exact arithmetic of the VerifyCore's units (FieldMul MODP/LO/HI,
//! the ALU's LIN, NEGC, ADD, SUB, SHRR) for the ISS, over secp256k1's p = 2^256 − 2^32 − 977
//! (every curve the programs support shares it). Four little-endian 64-bit limbs; checked
//! against num-bigint in the tests.

use num_bigint::BigUint;

/// A 256-bit value, least significant limb first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct U256(pub [u64; 4]);

/// secp256k1's field prime.
pub const P: U256 = U256([
    0xFFFF_FFFE_FFFF_FC2F,
    0xFFFF_FFFF_FFFF_FFFF,
    0xFFFF_FFFF_FFFF_FFFF,
    0xFFFF_FFFF_FFFF_FFFF,
]);
/// 2^256 mod p = 2^32 + 977.
const FOLD: u64 = 0x1_0000_03D1;

fn lo64(v: u128) -> u64 {
    (v & u128::from(u64::MAX)) as u64
}

impl U256 {
    pub const ZERO: U256 = U256([0; 4]);
    pub const ONE: U256 = U256([1, 0, 0, 0]);

    /// From a `BigUint` (bits above 256 dropped).
    pub fn from_big(v: &BigUint) -> U256 {
        let mut l = [0u64; 4];
        for (o, d) in l.iter_mut().zip(v.iter_u64_digits()) {
            *o = d;
        }
        U256(l)
    }

    pub fn to_big(self) -> BigUint {
        let mut d = Vec::with_capacity(8);
        for w in self.0 {
            d.push(lo64(u128::from(w)) as u32);
            d.push((w >> 32) as u32);
        }
        BigUint::from_slice(&d)
    }

    pub const fn from_u64(v: u64) -> U256 {
        U256([v, 0, 0, 0])
    }

    pub const fn is_zero(&self) -> bool {
        self.0[0] == 0 && self.0[1] == 0 && self.0[2] == 0 && self.0[3] == 0
    }

    pub const fn bit(&self, i: u32) -> bool {
        (self.0[(i / 64) as usize] >> (i % 64)) & 1 == 1
    }

    /// `(a + b) mod 2^256`, carry.
    pub fn add(self, b: U256) -> (U256, bool) {
        let mut out = [0u64; 4];
        let mut c = 0u128;
        for i in 0..4 {
            let s = u128::from(self.0[i]) + u128::from(b.0[i]) + c;
            out[i] = lo64(s);
            c = s >> 64;
        }
        (U256(out), c != 0)
    }

    /// `(a − b) mod 2^256`, borrow (a < b).
    pub fn sub(self, b: U256) -> (U256, bool) {
        let mut out = [0u64; 4];
        let mut borrow = 0u64;
        for i in 0..4 {
            let (d1, b1) = self.0[i].overflowing_sub(b.0[i]);
            let (d2, b2) = d1.overflowing_sub(borrow);
            out[i] = d2;
            borrow = u64::from(b1 || b2);
        }
        (U256(out), borrow != 0)
    }

    /// Full 512-bit product, little-endian limbs.
    pub fn mul_wide(self, b: U256) -> [u64; 8] {
        let mut out = [0u64; 8];
        for i in 0..4 {
            let mut c = 0u128;
            for j in 0..4 {
                let t = u128::from(self.0[i]) * u128::from(b.0[j]) + u128::from(out[i + j]) + c;
                out[i + j] = lo64(t);
                c = t >> 64;
            }
            out[i + 4] = lo64(c);
        }
        out
    }

    /// `a·b mod 2^256`.
    pub fn mul_lo(self, b: U256) -> U256 {
        let w = self.mul_wide(b);
        U256([w[0], w[1], w[2], w[3]])
    }

    /// `floor(a·b / 2^256)`.
    pub fn mul_hi(self, b: U256) -> U256 {
        let w = self.mul_wide(b);
        U256([w[4], w[5], w[6], w[7]])
    }

    /// Reduces hi·2^256 + lo (hi < 2^256) mod p, canonical.
    fn reduce512(w: [u64; 8]) -> U256 {
        // hi·(2^32 + 977) + lo < 2^256·2^33 + 2^256: fold once into 5 limbs, then again.
        let mut acc = [0u128; 5];
        for i in 0..4 {
            acc[i] += u128::from(w[i]);
            let t = u128::from(w[i + 4]) * u128::from(FOLD);
            acc[i] += t & u128::from(u64::MAX);
            acc[i + 1] += t >> 64;
        }
        let mut limbs = [0u64; 5];
        let mut c = 0u128;
        for i in 0..5 {
            let s = acc[i] + c;
            limbs[i] = lo64(s);
            c = s >> 64;
        }
        // limbs[4]·2^256 ≡ limbs[4]·FOLD (limbs[4] < 2^34)
        let t = u128::from(limbs[4]) * u128::from(FOLD);
        let (r, carry) = U256([limbs[0], limbs[1], limbs[2], limbs[3]]).add(U256([
            lo64(t),
            lo64(t >> 64),
            0,
            0,
        ]));
        let r = if carry {
            r.add(U256::from_u64(FOLD)).0
        } else {
            r
        };
        r.reduce_once()
    }

    /// `self mod p` for self < 2p (one conditional subtraction).
    fn reduce_once(self) -> U256 {
        let (d, borrow) = self.sub(P);
        if borrow {
            self
        } else {
            d
        }
    }

    /// `a·b mod p`, canonical, for any a, b < 2^256.
    pub fn mul_mod_p(self, b: U256) -> U256 {
        U256::reduce512(self.mul_wide(b))
    }

    /// `k·a mod p` for a < p and k <= 8.
    fn small_mul_mod_p(self, k: u8) -> U256 {
        let w = self.mul_wide(U256::from_u64(u64::from(k)));
        U256::reduce512(w)
    }

    /// `(ka·a + kb·b) mod p` (LIN), a, b < p.
    pub fn lin(a: U256, b: U256, ka: u8, kb: i8) -> U256 {
        let x = a.small_mul_mod_p(ka);
        let y = b.small_mul_mod_p(kb.unsigned_abs());
        if kb >= 0 {
            let (s, c) = x.add(y);
            if c {
                s.add(U256::from_u64(FOLD)).0.reduce_once()
            } else {
                s.reduce_once()
            }
        } else {
            let (d, borrow) = x.sub(y);
            if borrow {
                d.add(P).0
            } else {
                d
            }
        }
    }

    /// `(p − a) mod p` for a < p.
    pub fn neg_mod_p(self) -> U256 {
        if self.is_zero() {
            self
        } else {
            P.sub(self).0
        }
    }

    /// `floor((a + 2^(sh−1)) / 2^sh)` exactly (257-bit sum), 1 <= sh <= 255.
    pub fn shrr(self, sh: u8) -> U256 {
        let sh = u32::from(sh);
        let mut half = U256::ZERO;
        half.0[((sh - 1) / 64) as usize] = 1u64 << ((sh - 1) % 64);
        let (s, carry) = self.add(half);
        // 257-bit value carry·2^256 + s, shifted right by sh.
        let mut out = [0u64; 4];
        for (i, o) in out.iter_mut().enumerate() {
            let bit0 = i as u32 * 64 + sh;
            let mut v = 0u64;
            for k in 0..64u32 {
                let b = bit0 + k;
                let set = if b < 256 { s.bit(b) } else { b == 256 && carry };
                if set {
                    v |= 1 << k;
                }
            }
            *o = v;
        }
        U256(out)
    }

    /// Compare (unsigned).
    pub fn cmp(&self, b: &U256) -> std::cmp::Ordering {
        for i in (0..4).rev() {
            match self.0[i].cmp(&b.0[i]) {
                std::cmp::Ordering::Equal => {}
                o => return o,
            }
        }
        std::cmp::Ordering::Equal
    }

    pub fn lt(&self, b: &U256) -> bool {
        self.cmp(b) == std::cmp::Ordering::Less
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    fn rnd(r: &mut rand_chacha::ChaCha8Rng) -> U256 {
        match r.gen_range(0..6) {
            0 => U256([r.gen(), 0, 0, 0]),
            1 => P.sub(U256::from_u64(r.gen_range(0..3))).0,
            2 => U256([u64::MAX; 4]),
            _ => U256([r.gen(), r.gen(), r.gen(), r.gen()]),
        }
    }

    #[test]
    fn u256_matches_bigint() {
        let mut r = rand_chacha::ChaCha8Rng::seed_from_u64(11);
        let p = P.to_big();
        let m = BigUint::from(1u32) << 256u32;
        for _ in 0..20_000 {
            let (a, b) = (rnd(&mut r), rnd(&mut r));
            let (ab, bb) = (a.to_big(), b.to_big());
            assert_eq!(U256::from_big(&ab), a);
            assert_eq!(a.mul_mod_p(b).to_big(), (&ab * &bb) % &p);
            assert_eq!(a.mul_lo(b).to_big(), (&ab * &bb) % &m);
            assert_eq!(a.mul_hi(b).to_big(), (&ab * &bb) >> 256u32);
            assert_eq!(a.add(b).0.to_big(), (&ab + &bb) % &m);
            assert_eq!(a.add(b).1, &ab + &bb >= m);
            assert_eq!(a.sub(b).1, ab < bb);
            assert_eq!(a.sub(b).0.to_big(), (&ab + &m - &bb) % &m);
            let sh = r.gen_range(1..=255u8);
            let want = (&ab + (BigUint::from(1u32) << (u32::from(sh) - 1))) >> u32::from(sh);
            assert_eq!(a.shrr(sh).to_big(), want);
            let (ar, br) = (a.mul_mod_p(U256::ONE), b.mul_mod_p(U256::ONE));
            for (ka, kb) in [
                (1u8, 1i8),
                (1, -1),
                (0, -1),
                (3, 0),
                (4, 0),
                (1, -2),
                (1, -8),
                (8, 8),
            ] {
                let (x, y) = (ar.to_big(), br.to_big());
                let want = (BigUint::from(ka) * &x + &p * 16u32
                    - (BigUint::from(kb.unsigned_abs()) * &y) * u32::from(kb < 0)
                    + (BigUint::from(kb.unsigned_abs()) * &y) * u32::from(kb >= 0))
                    % &p;
                assert_eq!(U256::lin(ar, br, ka, kb).to_big(), want, "{ka} {kb}");
            }
            assert_eq!(ar.neg_mod_p().to_big(), (&p - ar.to_big()) % &p);
            assert_eq!(a.lt(&b), ab < bb);
        }
    }
}
