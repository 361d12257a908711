//! ECDSA signature encodings: BIP66 strict DER (Core's `IsValidSignatureEncoding`), the lax
//! parser Core uses for verification (libsecp256k1 `contrib/lax_der_parsing.c`), and low-S.

/// Why an encoding was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum DerError {
    /// Fails BIP66 `IsValidSignatureEncoding`; the text names the rule.
    #[error("signature is not strict DER (BIP66): {0}")]
    NotStrictDer(&'static str),
    /// The lax parser could not find a SEQUENCE of two INTEGERs.
    #[error("signature cannot be parsed even laxly: {0}")]
    Unparseable(&'static str),
    /// `s` above n/2 while low-S is required.
    #[error("signature has high S (BIP146 low-S required)")]
    HighS,
    /// Empty signature.
    #[error("empty signature")]
    Empty,
}

/// r and s, big-endian, left-padded. Values `>= n` are mapped to zero (as the lax parser
/// does), so such a signature never verifies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawSignature {
    /// `r`, big-endian, left-padded (0 when out of range).
    pub r: [u8; 32],
    /// `s`, big-endian, left-padded (0 when out of range).
    pub s: [u8; 32],
}

/// The secp256k1 group order n, big-endian.
pub const ORDER_N: [u8; 32] = [
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
    0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41,
];

/// n / 2, big-endian.
pub const HALF_ORDER_N: [u8; 32] = [
    0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0x5d, 0x57, 0x6e, 0x73, 0x57, 0xa4, 0x50, 0x1d, 0xdf, 0xe9, 0x2f, 0x46, 0x68, 0x1b, 0x20, 0xa0,
];

/// BIP66 `IsValidSignatureEncoding` on a signature *including* its trailing hash-type byte.
pub fn check_strict(sig: &[u8]) -> Result<(), DerError> {
    check_strict_encoding(sig, true)
}

/// `IsValidSignatureEncoding(sig, has_hash_type)`: Qtum calls it with `false` on the block
/// signature (a bare DER signature); the size bounds stay 9..=73 either way, as in Qtum's
/// `interpreter.cpp`.
pub fn check_strict_encoding(sig: &[u8], has_hash_type: bool) -> Result<(), DerError> {
    use DerError::NotStrictDer as E;
    let n = sig.len();
    if n < 9 {
        return Err(E("shorter than 9 bytes"));
    }
    if n > 73 {
        return Err(E("longer than 73 bytes"));
    }
    let tail = usize::from(has_hash_type);
    let b = |i: usize| sig.get(i).copied().unwrap_or(0);
    if b(0) != 0x30 {
        return Err(E("no SEQUENCE tag"));
    }
    if b(1) as usize != n - 2 - tail {
        return Err(E("SEQUENCE length does not cover the signature"));
    }
    let len_r = b(3) as usize;
    if 5 + len_r >= n {
        return Err(E("R length runs past the end"));
    }
    let len_s = b(5 + len_r) as usize;
    if len_r + len_s + 6 + tail != n {
        return Err(E("R and S lengths do not add up"));
    }
    if b(2) != 0x02 {
        return Err(E("R is not an INTEGER"));
    }
    if len_r == 0 {
        return Err(E("R has zero length"));
    }
    if b(4) & 0x80 != 0 {
        return Err(E("R is negative"));
    }
    if len_r > 1 && b(4) == 0x00 && b(5) & 0x80 == 0 {
        return Err(E("R has excess padding"));
    }
    if b(len_r + 4) != 0x02 {
        return Err(E("S is not an INTEGER"));
    }
    if len_s == 0 {
        return Err(E("S has zero length"));
    }
    if b(len_r + 6) & 0x80 != 0 {
        return Err(E("S is negative"));
    }
    if len_s > 1 && b(len_r + 6) == 0x00 && b(len_r + 7) & 0x80 == 0 {
        return Err(E("S has excess padding"));
    }
    Ok(())
}

/// A strictly encoded signature with its hash type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StrictSignature {
    /// The trailing sighash type byte.
    pub hash_type: u8,
    /// `r` and `s`.
    pub sig: RawSignature,
}

/// Parses a BIP66 signature (with trailing hash-type byte).
pub fn parse_strict(sig: &[u8]) -> Result<StrictSignature, DerError> {
    check_strict(sig)?;
    let (hash_type, der) = match sig.split_last() {
        Some((h, d)) => (*h, d),
        None => return Err(DerError::Empty),
    };
    Ok(StrictSignature {
        hash_type,
        sig: parse_lax(der)?,
    })
}

/// libsecp256k1's `ecdsa_signature_parse_der_lax` on a DER signature *without* hash type.
/// Returns `Err` where it returns 0; on r or s overflow (>= n or longer than 32 bytes)
/// returns the all-zero signature as it does (which then fails verification).
pub fn parse_lax(input: &[u8]) -> Result<RawSignature, DerError> {
    use DerError::Unparseable as E;
    let len = input.len();
    let at = |i: usize| input.get(i).copied();
    let mut pos = 0usize;
    if at(pos) != Some(0x30) {
        return Err(E("no SEQUENCE tag"));
    }
    pos += 1;
    let mut lenbyte = at(pos).ok_or(E("no SEQUENCE length"))? as usize;
    pos += 1;
    if lenbyte & 0x80 != 0 {
        lenbyte -= 0x80;
        if lenbyte > len - pos {
            return Err(E("SEQUENCE length bytes run past the end"));
        }
        pos += lenbyte;
    }
    let (rpos, rlen, p) = lax_integer(input, pos, "R")?;
    pos = p + rlen;
    let (spos, slen, _) = lax_integer(input, pos, "S")?;
    let mut r = [0u8; 32];
    let mut s = [0u8; 32];
    let mut overflow = !copy_int(input, rpos, rlen, &mut r) | !copy_int(input, spos, slen, &mut s);
    if !overflow && (r >= ORDER_N || s >= ORDER_N) {
        overflow = true;
    }
    if overflow {
        r = [0u8; 32];
        s = [0u8; 32];
    }
    Ok(RawSignature { r, s })
}

/// Reads an INTEGER header at `pos`; returns (content position, content length, content position).
fn lax_integer(
    input: &[u8],
    mut pos: usize,
    which: &'static str,
) -> Result<(usize, usize, usize), DerError> {
    let len = input.len();
    let at = |i: usize| input.get(i).copied();
    let e = |_: ()| {
        DerError::Unparseable(if which == "R" {
            "bad R integer"
        } else {
            "bad S integer"
        })
    };
    if at(pos) != Some(0x02) {
        return Err(e(()));
    }
    pos += 1;
    let mut lenbyte = at(pos).ok_or(()).map_err(e)? as usize;
    pos += 1;
    let ilen;
    if lenbyte & 0x80 != 0 {
        lenbyte -= 0x80;
        if lenbyte > len - pos {
            return Err(e(()));
        }
        while lenbyte > 0 && at(pos) == Some(0) {
            pos += 1;
            lenbyte -= 1;
        }
        if lenbyte >= 4 {
            return Err(e(()));
        }
        let mut l = 0usize;
        while lenbyte > 0 {
            l = (l << 8) + at(pos).ok_or(()).map_err(e)? as usize;
            pos += 1;
            lenbyte -= 1;
        }
        ilen = l;
    } else {
        ilen = lenbyte;
    }
    if ilen > len - pos {
        return Err(e(()));
    }
    Ok((pos, ilen, pos))
}

/// Copies an unsigned big-endian integer, ignoring leading zeros; false on > 32 bytes.
fn copy_int(input: &[u8], mut pos: usize, mut len: usize, out: &mut [u8; 32]) -> bool {
    while len > 0 && input.get(pos) == Some(&0) {
        len -= 1;
        pos += 1;
    }
    if len > 32 {
        return false;
    }
    match input.get(pos..pos + len) {
        Some(src) => {
            out[32 - len..].copy_from_slice(src);
            true
        }
        None => false,
    }
}

/// Core's `CPubKey::CheckLowS` on a DER signature without hash type: the lax parse must
/// succeed and give `s <= n/2` (an overflowing value parses as zero, which is low).
pub fn is_low_s_der(der: &[u8]) -> bool {
    parse_lax(der).is_ok_and(|rs| is_low_s(&rs.s))
}

/// `s <= n/2`.
pub fn is_low_s(s: &[u8; 32]) -> bool {
    *s <= HALF_ORDER_N
}

/// Core's `IsLowDERSignature` on a signature with hash type: strict encoding required, then low S.
pub fn check_low_s(sig: &[u8]) -> Result<(), DerError> {
    let p = parse_strict(sig)?;
    if is_low_s(&p.sig.s) {
        Ok(())
    } else {
        Err(DerError::HighS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prelude::*;

    const SIG: &str = "3044022057292e2d4dfe775becdd0a9e6547997c728cdf35390f6a017da56d654d374e4902206b643be2fc53763b4e284845bfea2c597d2dc7759941dce937636c9d341b71ed01";

    #[test]
    fn strict_accepts_normal_signature() {
        let s = hex::decode(SIG).unwrap();
        let p = parse_strict(&s).unwrap();
        assert_eq!(p.hash_type, 1);
        assert_eq!(p.sig.r[0], 0x57);
        assert!(is_low_s(&p.sig.s));
    }

    #[test]
    fn strict_rejects_padding_lax_accepts() {
        // R with an extra leading zero: 0x0021 00 57...
        let s = hex::decode(SIG).unwrap();
        let mut v = vec![0x30, s[1] + 1, 0x02, 0x21, 0x00];
        v.extend_from_slice(&s[4..]);
        assert!(matches!(check_strict(&v), Err(DerError::NotStrictDer(_))));
        let lax = parse_lax(&v[..v.len() - 1]).unwrap();
        assert_eq!(lax, parse_strict(&s).unwrap().sig);
    }

    #[test]
    fn overflow_gives_zero() {
        let mut v = vec![0x30, 0x26, 0x02, 0x21, 0x01];
        v.extend_from_slice(&[0xff; 32]);
        v.extend_from_slice(&[0x02, 0x01, 0x01]);
        let lax = parse_lax(&v).unwrap();
        assert_eq!(lax.r, [0u8; 32]);
        assert_eq!(lax.s, [0u8; 32]);
    }

    #[test]
    fn high_s_detected() {
        assert!(!is_low_s(&ORDER_N));
        assert!(is_low_s(&HALF_ORDER_N));
        let mut over = HALF_ORDER_N;
        over[31] += 1;
        assert!(!is_low_s(&over));
    }
}
