//! Proof of work: compact `nBits` decoding with Bitcoin Core's `arith_uint256::SetCompact`
//! negative/overflow rules, and `CheckProofOfWork`.

/// A decoded compact target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CompactTarget {
    /// The 256-bit target, big-endian. Meaningless when `overflow`.
    pub target: [u8; 32],
    /// The sign bit was set with a non-zero mantissa.
    pub negative: bool,
    /// The target does not fit in 256 bits.
    pub overflow: bool,
}

/// `SetCompact`: the 3-byte mantissa shifted by `8 * (size - 3)` bits.
#[allow(clippy::cast_possible_truncation)] // every cast is guarded by a range check
pub fn decode_compact(bits: u32) -> CompactTarget {
    let size = (bits >> 24) as usize;
    let mut word = bits & 0x007f_ffff;
    let mut target = [0u8; 32];
    if size <= 3 {
        word >>= 8 * (3 - size) as u32;
        let wb = word.to_be_bytes();
        target[28..32].copy_from_slice(&wb);
    } else {
        for i in 0..3usize {
            let b = ((word >> (8 * i)) & 0xff) as u8;
            let p = size - 3 + i; // byte position counted from the least significant end
            if p < 32 {
                target[31 - p] = b;
            }
        }
    }
    let negative = word != 0 && (bits & 0x0080_0000) != 0;
    let overflow =
        word != 0 && (size > 34 || (word > 0xff && size > 33) || (word > 0xffff && size > 32));
    CompactTarget {
        target,
        negative,
        overflow,
    }
}

/// Why a header fails proof of work.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum PowError {
    /// `nBits` has the sign bit set with a non-zero mantissa.
    #[error("nBits encodes a negative target")]
    Negative,
    /// `nBits` decodes to zero.
    #[error("nBits encodes a zero target")]
    Zero,
    /// `nBits` decodes to more than 256 bits.
    #[error("nBits overflows 256 bits")]
    Overflow,
    /// The target is above the network's `powLimit`.
    #[error("target is above the network's proof-of-work limit")]
    AbovePowLimit,
    /// The block hash, as a number, is above the target.
    #[error("block hash is above the target")]
    HashAboveTarget,
}

pub use crate::params::{BITCOIN_POW_LIMIT, QTUM_POW_LIMIT};

/// Core's `CheckProofOfWork(hash, nBits, powLimit)`. `hash` in SHA-256 byte order
/// (little-endian as a number), `pow_limit` big-endian.
pub fn check_pow(hash: &[u8; 32], bits: u32, pow_limit: &[u8; 32]) -> Result<(), PowError> {
    let t = decode_compact(bits);
    if t.negative {
        return Err(PowError::Negative);
    }
    if t.overflow {
        return Err(PowError::Overflow);
    }
    if t.target == [0u8; 32] {
        return Err(PowError::Zero);
    }
    if t.target > *pow_limit {
        return Err(PowError::AbovePowLimit);
    }
    let mut be = *hash;
    be.reverse();
    if be > t.target {
        return Err(PowError::HashAboveTarget);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prelude::*;

    fn tgt_hex(bits: u32) -> String {
        hex::encode(decode_compact(bits).target)
    }

    #[test]
    fn set_compact_core_vectors() {
        // Cases from Core's arith_uint256_tests (bignum_SetCompact).
        assert_eq!(decode_compact(0).target, [0u8; 32]);
        assert_eq!(decode_compact(0x00123456).target, [0u8; 32]);
        assert_eq!(decode_compact(0x01003456).target, [0u8; 32]);
        assert_eq!(decode_compact(0x02000056).target, [0u8; 32]);
        assert_eq!(decode_compact(0x03000000).target, [0u8; 32]);
        assert_eq!(decode_compact(0x04000000).target, [0u8; 32]);
        assert_eq!(decode_compact(0x00923456).target, [0u8; 32]);
        assert!(!decode_compact(0x00923456).negative);
        assert!(tgt_hex(0x01123456).ends_with("12"));
        let t = decode_compact(0x01fedcba);
        assert!(tgt_hex(0x01fedcba).ends_with("7e"));
        assert!(t.negative);
        assert!(tgt_hex(0x02123456).ends_with("1234"));
        assert!(tgt_hex(0x03123456).ends_with("123456"));
        assert!(tgt_hex(0x04123456).ends_with("12345600"));
        assert!(decode_compact(0x04923456).negative);
        assert!(tgt_hex(0x05009234).ends_with("0092340000"));
        assert!(tgt_hex(0x20123456).starts_with("123456"));
        assert!(decode_compact(0xff123456).overflow);
        assert!(!decode_compact(0x22000001).overflow);
        assert!(decode_compact(0x23000001).overflow);
        assert!(decode_compact(0x22000100).overflow);
        assert!(!decode_compact(0x21000100).overflow);
        assert!(decode_compact(0x21010000).overflow);
    }

    #[test]
    fn genesis_pow() {
        // Bitcoin genesis: hash 000000000019d6...; bits 0x1d00ffff.
        let mut h = hex::decode("000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f")
            .unwrap();
        h.reverse();
        let h: [u8; 32] = h.try_into().unwrap();
        assert_eq!(check_pow(&h, 0x1d00ffff, &BITCOIN_POW_LIMIT), Ok(()));
        assert_eq!(
            check_pow(&h, 0x1b00ffff, &BITCOIN_POW_LIMIT),
            Err(PowError::HashAboveTarget)
        );
        assert_eq!(
            check_pow(&h, 0x1e00ffff, &BITCOIN_POW_LIMIT),
            Err(PowError::AbovePowLimit)
        );
        assert_eq!(
            check_pow(&h, 0x1d80ffff, &BITCOIN_POW_LIMIT),
            Err(PowError::Negative)
        );
    }
}
