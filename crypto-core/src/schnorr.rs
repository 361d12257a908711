//! BIP340 Schnorr verification: the job a [`Backend`](crate::Backend) takes, its verdict, and
//! the software reference verifier (k256's `schnorr`), which is also the trait's default
//! [`verify_schnorr_batch`](crate::Backend::verify_schnorr_batch).
//!
//! BIP340 verification of `(pk, m, sig)`, in BIP340's order (the first failure is the verdict):
//! 1. `P = lift_x(pk)`: `pk < p` and `pk³ + 7` a square mod p, else [`SchnorrFailure::BadPubkey`];
//! 2. `r = sig[0..32] < p`, else [`SchnorrFailure::BadR`];
//! 3. `s = sig[32..64] < n`, else [`SchnorrFailure::BadS`];
//! 4. `e = H_BIP0340/challenge(r ‖ pk ‖ m) mod n`, `R = s·G − e·P`; R must be finite, have an
//!    even y and `x(R) = r`, else [`SchnorrFailure::Mismatch`].
//!
//! Steps 2 and 3 are [`check_rs`], shared by every software verifier (fallback-sw's k256 and
//! libsecp256k1 paths), so that verifiers differ only in steps 1 and 4 and give the same
//! verdict, reason included.

use crate::prelude::*;
use core::fmt;

use crate::der::ORDER_N;

/// The secp256k1 field prime p, big-endian.
pub const FIELD_P: [u8; 32] = [
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe, 0xff, 0xff, 0xfc, 0x2f,
];

/// SHA-256("BIP0340/challenge"): the challenge's tagged-hash prefix (twice).
pub const TAG_CHALLENGE: [u8; 32] = [
    0x7b, 0xb5, 0x2d, 0x7a, 0x9f, 0xef, 0x58, 0x32, 0x3e, 0xb1, 0xbf, 0x7a, 0x40, 0x7d, 0xb3, 0x82,
    0xd2, 0xf3, 0xf2, 0xd8, 0x1b, 0xb1, 0x22, 0x4f, 0x49, 0xfe, 0x51, 0x8f, 0x6d, 0x48, 0xd3, 0x7c,
];

/// One BIP340 verification, as Taproot uses it: a 32-byte message (the BIP341 sighash).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SchnorrJob {
    /// The x-only public key `pk` (not yet checked to be on the curve: the backend checks).
    pub xonly_pubkey: [u8; 32],
    /// The message `m`.
    pub msg32: [u8; 32],
    /// `r ‖ s` (the hash-type byte of a 65-byte Taproot signature is not part of it).
    pub sig64: [u8; 64],
}

impl SchnorrJob {
    /// The bytes whose SHA-256 is the challenge `e` (before reduction mod n):
    /// `SHA256(tag) ‖ SHA256(tag) ‖ r ‖ pk ‖ m`, 160 bytes. A hardware backend can send this
    /// to its hash units as an ordinary SHA-256 job.
    pub fn challenge_preimage(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(160);
        v.extend_from_slice(&TAG_CHALLENGE);
        v.extend_from_slice(&TAG_CHALLENGE);
        v.extend_from_slice(&self.sig64[..32]);
        v.extend_from_slice(&self.xonly_pubkey);
        v.extend_from_slice(&self.msg32);
        v
    }

    /// The challenge `e` = SHA-256 of [`SchnorrJob::challenge_preimage`], big-endian, not
    /// reduced mod n (a verifier that takes `e` reduces it).
    pub fn challenge(&self) -> [u8; 32] {
        use sha2::Digest as _;
        sha2::Sha256::digest(self.challenge_preimage()).into()
    }
}

/// Why a BIP340 signature was not accepted. The same codes come from every verifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum SchnorrFailure {
    /// The x-only key is not the x coordinate of a curve point (`x >= p`, or no square root).
    BadPubkey,
    /// `r >= p`.
    BadR,
    /// `s >= n`.
    BadS,
    /// `R = s·G − e·P` is infinite, has an odd y, or `x(R) != r`.
    Mismatch,
}

impl fmt::Display for SchnorrFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SchnorrFailure::BadPubkey => "x-only public key is not on the curve",
            SchnorrFailure::BadR => "r is not below the field size p",
            SchnorrFailure::BadS => "s is not below the group order",
            SchnorrFailure::Mismatch => "Schnorr signature does not verify",
        })
    }
}

/// Verdict of one BIP340 job.
#[must_use]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SchnorrVerdict {
    /// The signature verifies (BIP340 `Verify` returns true).
    Valid,
    /// It does not, and why.
    Invalid(SchnorrFailure),
}

impl SchnorrVerdict {
    /// `true` for [`SchnorrVerdict::Valid`].
    pub fn is_valid(self) -> bool {
        matches!(self, SchnorrVerdict::Valid)
    }
}

/// BIP340 steps 2 and 3: `r < p` (else `BadR`), `s < n` (else `BadS`). Big-endian bytes
/// compare as the integers they encode.
pub fn check_rs(sig64: &[u8; 64]) -> Result<(), SchnorrFailure> {
    let (r, s) = sig64.split_at(32);
    if r >= FIELD_P.as_slice() {
        return Err(SchnorrFailure::BadR);
    }
    if s >= ORDER_N.as_slice() {
        return Err(SchnorrFailure::BadS);
    }
    Ok(())
}

/// BIP340 verification with k256 of a message of any length (BIP340 allows any; Taproot
/// signs 32 bytes). The reference verifier.
///
/// k256's `Signature` refuses `r = 0` and `s = 0`. For `r = 0` that is BIP340's verdict
/// (no curve point has x = 0). For `s = 0`, BIP340 accepts iff `−e·P` has an even y and
/// x-coordinate r, with e the hash of r: finding such an r is as hard as inverting the hash, so
/// reporting `Mismatch` cannot differ from libsecp256k1 on any signature anyone can produce.
pub fn verify_k256(xonly_pubkey: &[u8; 32], msg: &[u8], sig64: &[u8; 64]) -> SchnorrVerdict {
    let Ok(key) = k256::schnorr::VerifyingKey::from_bytes(xonly_pubkey) else {
        return SchnorrVerdict::Invalid(SchnorrFailure::BadPubkey);
    };
    if let Err(f) = check_rs(sig64) {
        return SchnorrVerdict::Invalid(f);
    }
    let Ok(sig) = k256::schnorr::Signature::try_from(sig64.as_slice()) else {
        return SchnorrVerdict::Invalid(SchnorrFailure::Mismatch);
    };
    match key.verify_raw(msg, &sig) {
        Ok(()) => SchnorrVerdict::Valid,
        Err(_) => SchnorrVerdict::Invalid(SchnorrFailure::Mismatch),
    }
}

/// [`verify_k256`] on a job.
pub fn verify_job_k256(job: &SchnorrJob) -> SchnorrVerdict {
    verify_k256(&job.xonly_pubkey, &job.msg32, &job.sig64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use k256::elliptic_curve::ops::Reduce;
    use k256::elliptic_curve::point::AffineCoordinates;
    use k256::{ProjectivePoint, Scalar, U256};
    use sha2::{Digest, Sha256};

    #[test]
    fn challenge_tag_is_sha256_of_its_name() {
        let h: [u8; 32] = Sha256::digest(b"BIP0340/challenge").into();
        assert_eq!(h, TAG_CHALLENGE);
    }

    #[test]
    fn field_prime_is_p() {
        // p = 2^256 - 2^32 - 977: p + 2^32 + 977 overflows to exactly 2^256.
        let mut sum = FIELD_P;
        let add = (1u64 << 32) + 977;
        let mut carry = u128::from(add);
        for b in sum.iter_mut().rev() {
            let v = u128::from(*b) + (carry & 0xff);
            carry = (carry >> 8) + (v >> 8);
            *b = (v & 0xff) as u8;
        }
        assert_eq!(sum, [0u8; 32]);
        assert_eq!(carry, 1);
    }

    #[test]
    fn check_rs_bounds() {
        let mut sig = [0u8; 64];
        assert_eq!(check_rs(&sig), Ok(()));
        sig[..32].copy_from_slice(&FIELD_P);
        assert_eq!(check_rs(&sig), Err(SchnorrFailure::BadR));
        sig[31] -= 1; // p - 1
        assert_eq!(check_rs(&sig), Ok(()));
        sig[32..].copy_from_slice(&ORDER_N);
        assert_eq!(check_rs(&sig), Err(SchnorrFailure::BadS));
        sig[63] -= 1; // n - 1
        assert_eq!(check_rs(&sig), Ok(()));
    }

    /// The challenge preimage hashes to the e for which s·G − e·P = R (a hardware backend
    /// hashing `challenge_preimage` gets the verifier's e).
    #[test]
    fn challenge_preimage_gives_the_verifiers_e() {
        let sk = k256::schnorr::SigningKey::from_bytes(&[7u8; 32]).unwrap();
        let msg = [0x42u8; 32];
        let sig = sk.sign_raw(&msg, &[1u8; 32]).unwrap().to_bytes();
        let pk: [u8; 32] = sk.verifying_key().to_bytes().into();
        let job = SchnorrJob {
            xonly_pubkey: pk,
            msg32: msg,
            sig64: sig,
        };
        assert_eq!(verify_job_k256(&job), SchnorrVerdict::Valid);
        let e_bytes: [u8; 32] = Sha256::digest(job.challenge_preimage()).into();
        let e = <Scalar as Reduce<U256>>::reduce_bytes(&e_bytes.into());
        let s = <Scalar as Reduce<U256>>::reduce_bytes(
            &<[u8; 32]>::try_from(&sig[32..]).unwrap().into(),
        );
        let p = ProjectivePoint::from(*sk.verifying_key().as_affine());
        let r = (ProjectivePoint::GENERATOR * s - p * e).to_affine();
        let rx: [u8; 32] = r.x().into();
        assert_eq!(&rx[..], &sig[..32]);
        let mut bad = job.clone();
        bad.msg32[0] ^= 1;
        assert_eq!(
            verify_job_k256(&bad),
            SchnorrVerdict::Invalid(SchnorrFailure::Mismatch)
        );
    }
}
