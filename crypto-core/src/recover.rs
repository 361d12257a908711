//! Public-key recovery from compact signatures, as Qtum's `CPubKey::RecoverCompact` does it
//! with libsecp256k1's `ecdsa_recover` (used for the block signature and the proof of
//! delegation).
//!
//! **This runs in software (k256), outside the [`Backend`](crate::Backend).** The backend
//! verifies `(key, hash, r, s)`; it has no recovery operation (recovery needs the point R
//! from `r` and a square root, which neither the accelerator nor its driver expose), and a
//! block needs at most a handful of recoveries. Where Qtum's rule is "recover and compare
//! with a known key", the comparison is exact; where a key is known anyway (a DER block
//! signature), verification goes through the backend.

use crate::prelude::*;
use k256::ecdsa::{RecoveryId, Signature, VerifyingKey};

use crate::der::ORDER_N;

/// Bytes of a compact signature: header, r, s.
pub const COMPACT_SIGNATURE_SIZE: usize = 65;

/// Qtum's `RecoverCompact(hash, sig)`: `sig` is 65 bytes `header || r || s`; any header byte
/// is accepted as Qtum reads it: `recid = (header - 27) & 3`, compressed iff
/// `(header - 27) & 4` (so 27..=34 are the canonical values and, e.g., 35 reads like 27).
/// Returns the recovered key serialized compressed or uncompressed as the header says, or
/// `None` where libsecp256k1 fails (r or s zero or >= n, no point for r, infinity).
pub fn recover_compact(hash: &[u8; 32], sig: &[u8]) -> Option<Vec<u8>> {
    if sig.len() != COMPACT_SIGNATURE_SIZE {
        return None;
    }
    let h = i32::from(*sig.first()?) - 27;
    let recid = u8::try_from(h & 3).ok()?;
    let compressed = h & 4 != 0;
    let r: [u8; 32] = sig.get(1..33)?.try_into().ok()?;
    let s: [u8; 32] = sig.get(33..65)?.try_into().ok()?;
    recover(hash, &r, &s, recid, compressed)
}

/// libsecp256k1's `ecdsa_recover` for `(r, s, recid)`, the key serialized as asked.
/// High `s` is accepted (as libsecp256k1's recovery does): it is negated and the parity of R
/// flipped, which recovers the same key.
pub fn recover(
    hash: &[u8; 32],
    r: &[u8; 32],
    s: &[u8; 32],
    recid: u8,
    compressed: bool,
) -> Option<Vec<u8>> {
    if *r >= ORDER_N || *s >= ORDER_N {
        return None; // parse_compact overflow
    }
    let sig = Signature::from_scalars(*r, *s).ok()?; // zero r or s: no signature
    let (sig, recid) = match sig.normalize_s() {
        Some(low) => (low, recid ^ 1),
        None => (sig, recid),
    };
    let id = RecoveryId::from_byte(recid)?;
    let vk = VerifyingKey::recover_from_prehash(hash, &sig, id).ok()?;
    Some(vk.to_encoded_point(compressed).as_bytes().to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;
    use k256::ecdsa::SigningKey;

    fn key() -> SigningKey {
        SigningKey::from_bytes(&[7u8; 32].into()).unwrap()
    }

    #[test]
    fn recovers_the_signing_key_in_both_encodings() {
        let sk = key();
        let hash = [0x42u8; 32];
        let (sig, id) = sk.sign_prehash_recoverable(&hash).unwrap();
        for compressed in [true, false] {
            let mut c = vec![27 + id.to_byte() + if compressed { 4 } else { 0 }];
            c.extend_from_slice(&sig.to_bytes());
            let want = sk
                .verifying_key()
                .to_encoded_point(compressed)
                .as_bytes()
                .to_vec();
            assert_eq!(recover_compact(&hash, &c), Some(want.clone()));
            // Qtum reads the header modulo 8 from 27: +8 recovers the same key.
            c[0] = c[0].wrapping_add(8);
            assert_eq!(recover_compact(&hash, &c), Some(want));
        }
    }

    #[test]
    fn high_s_recovers_the_same_key_with_the_other_parity() {
        let sk = key();
        let hash = [0x17u8; 32];
        let (sig, id) = sk.sign_prehash_recoverable(&hash).unwrap();
        let (r, s) = sig.split_scalars();
        let high = Signature::from_scalars(r.to_bytes(), (-*s).to_bytes()).unwrap();
        let want = sk
            .verifying_key()
            .to_encoded_point(true)
            .as_bytes()
            .to_vec();
        let rb: [u8; 32] = high.r().to_bytes().into();
        let sb: [u8; 32] = high.s().to_bytes().into();
        assert_eq!(
            recover(&hash, &rb, &sb, id.to_byte() ^ 1, true),
            Some(want.clone())
        );
        // The original parity with the negated s gives another key.
        assert_ne!(recover(&hash, &rb, &sb, id.to_byte(), true), Some(want));
    }

    #[test]
    fn zero_or_overflowing_scalars_do_not_recover() {
        let hash = [1u8; 32];
        let one = {
            let mut a = [0u8; 32];
            a[31] = 1;
            a
        };
        assert_eq!(recover(&hash, &[0u8; 32], &one, 0, true), None);
        assert_eq!(recover(&hash, &one, &[0u8; 32], 0, true), None);
        assert_eq!(recover(&hash, &ORDER_N, &one, 0, true), None);
        assert_eq!(recover(&hash, &one, &ORDER_N, 0, true), None);
        assert_eq!(recover_compact(&hash, &[27u8; 64]), None);
    }
}
