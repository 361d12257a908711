//! The two software verifiers behind one contract (see the crate docs, "Verify jobs" and
//! "Schnorr jobs"): k256 (pure Rust, always built) and libsecp256k1 (Bitcoin Core's C library
//! through the `secp256k1` crate, feature `libsecp256k1`). For ECDSA both run the same checks
//! in the same order through [`precheck`]; for BIP340 both parse the key with their own
//! `lift_x`, then share crypto-core's `check_rs`; so only the final equation differs between
//! them, and `tests/verifiers.rs` / `tests/bip340.rs` hold them to the same verdict.

use core::fmt;
use core::str::FromStr;

#[cfg(feature = "libsecp256k1")]
use crypto_core::schnorr::check_rs;
use crypto_core::{PubkeyBytes, Verdict, VerifyFailure, VerifyJob};
#[cfg(feature = "libsecp256k1")]
use crypto_core::{SchnorrFailure, SchnorrJob, SchnorrVerdict};
use k256::ecdsa::signature::hazmat::PrehashVerifier;
use k256::ecdsa::{Signature, VerifyingKey};
use k256::elliptic_curve::scalar::IsHigh;
use k256::elliptic_curve::subtle::CtOption;
use k256::elliptic_curve::PrimeField;
use k256::{FieldBytes, Scalar};

/// Which library checks the ECDSA equation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verifier {
    /// RustCrypto `k256`: pure Rust, the reference.
    K256,
    /// libsecp256k1 (the `secp256k1` crate): Bitcoin Core's verifier, about twice as fast.
    #[cfg(feature = "libsecp256k1")]
    Libsecp256k1,
}

impl Verifier {
    /// Every verifier this build has, the default first.
    pub const ALL: &'static [Verifier] = &[
        #[cfg(feature = "libsecp256k1")]
        Verifier::Libsecp256k1,
        Verifier::K256,
    ];

    /// The faster verifier this build has: libsecp256k1 where it is built, else k256.
    pub const fn fastest() -> Verifier {
        #[cfg(feature = "libsecp256k1")]
        {
            Verifier::Libsecp256k1
        }
        #[cfg(not(feature = "libsecp256k1"))]
        {
            Verifier::K256
        }
    }

    /// The name used on the command line and in reports: "k256" or "libsecp256k1".
    pub const fn name(self) -> &'static str {
        match self {
            Verifier::K256 => "k256",
            #[cfg(feature = "libsecp256k1")]
            Verifier::Libsecp256k1 => "libsecp256k1",
        }
    }
}

impl Default for Verifier {
    fn default() -> Self {
        Verifier::fastest()
    }
}

impl fmt::Display for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A verifier name this build does not have (unknown, or libsecp256k1 without its feature).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownVerifier(pub alloc::string::String);

impl fmt::Display for UnknownVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown verifier {:?} (this build has:", self.0)?;
        for v in Verifier::ALL {
            write!(f, " {v}")?;
        }
        f.write_str(")")
    }
}

impl core::error::Error for UnknownVerifier {}

impl FromStr for Verifier {
    type Err = UnknownVerifier;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Verifier::ALL
            .iter()
            .copied()
            .find(|v| v.name() == s)
            .ok_or_else(|| UnknownVerifier(s.into()))
    }
}

/// A scalar in `[1, n-1]` from 32 big-endian bytes, or `None` for 0 and values `>= n`.
fn nonzero_scalar(bytes: &[u8; 32]) -> Option<Scalar> {
    let ct: CtOption<Scalar> = Scalar::from_repr(FieldBytes::from(*bytes));
    Option::<Scalar>::from(ct).filter(|s| !bool::from(s.is_zero()))
}

/// The checks before the equation, shared by both verifiers: `r` in `[1, n-1]` (`BadR`),
/// `s` in `[1, n-1]` (`BadS`), then a SEC1 prefix a Bitcoin verifier accepts (`BadPubkey`).
/// Returns `(r, s)` as k256 scalars.
fn precheck(job: &VerifyJob) -> Result<(Scalar, Scalar), VerifyFailure> {
    let r = nonzero_scalar(&job.r).ok_or(VerifyFailure::BadR)?;
    let s = nonzero_scalar(&job.s).ok_or(VerifyFailure::BadS)?;
    // Only 02/03 (33 bytes) and 04 (65 bytes): k256 would also take 0x05 ("compact" points,
    // x only) and libsecp256k1 the hybrid 06/07 forms; Bitcoin's verifier takes neither here.
    let prefix_ok = match &job.pubkey {
        PubkeyBytes::Compressed(b) => matches!(b[0], 0x02 | 0x03),
        PubkeyBytes::Uncompressed(b) => b[0] == 0x04,
    };
    if !prefix_ok {
        return Err(VerifyFailure::BadPubkey);
    }
    Ok((r, s))
}

/// Verifies one job with k256 as plain ECDSA over secp256k1 (any `s` in `[1, n-1]`).
///
/// Checks run in this order and the first failure is the verdict: `r` range (`BadR`),
/// `s` range (`BadS`), public key decoding (`BadPubkey`), then the equation (`Mismatch`).
/// The prehash is taken as a 256-bit big-endian integer reduced mod n, as ECDSA says.
pub fn verify_one(job: &VerifyJob) -> Verdict {
    let (r, s) = match precheck(job) {
        Ok(rs) => rs,
        Err(f) => return Verdict::Invalid(f),
    };
    let Ok(key) = VerifyingKey::from_sec1_bytes(job.pubkey.as_bytes()) else {
        return Verdict::Invalid(VerifyFailure::BadPubkey);
    };
    // k256 enforces low-S in `verify_prehashed`. (r, s) and (r, n - s) verify for the same
    // (key, z): u1 and u2 both change sign, so the point R changes sign and keeps its x.
    // The backend contract is plain ECDSA, so normalize; low-S policy is the caller's.
    let s = if bool::from(s.is_high()) { -s } else { s };
    let Ok(sig) = Signature::from_scalars(r, s) else {
        // Unreachable for r, s in [1, n-1]; treated as a malformed signature, never a panic.
        return Verdict::Invalid(VerifyFailure::BadS);
    };
    match key.verify_prehash(&job.prehash, &sig) {
        Ok(()) => Verdict::Valid,
        Err(_) => Verdict::Invalid(VerifyFailure::Mismatch),
    }
}

/// libsecp256k1 with its verification context (allocated once; `Send + Sync`).
#[cfg(feature = "libsecp256k1")]
pub struct Libsecp256k1 {
    ctx: secp256k1::Secp256k1<secp256k1::VerifyOnly>,
}

#[cfg(feature = "libsecp256k1")]
impl fmt::Debug for Libsecp256k1 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Libsecp256k1")
    }
}

#[cfg(feature = "libsecp256k1")]
impl Default for Libsecp256k1 {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(feature = "libsecp256k1")]
impl Libsecp256k1 {
    /// A verification-only context (libsecp256k1 >= 0.4 needs no precomputation for it).
    pub fn new() -> Self {
        Libsecp256k1 {
            ctx: secp256k1::Secp256k1::verification_only(),
        }
    }

    /// [`verify_one`]'s contract with libsecp256k1 checking the equation: the same checks
    /// in the same order, high S accepted (normalized first: libsecp256k1 rejects it).
    pub fn verify(&self, job: &VerifyJob) -> Verdict {
        if let Err(f) = precheck(job) {
            return Verdict::Invalid(f);
        }
        let Ok(key) = secp256k1::PublicKey::from_slice(job.pubkey.as_bytes()) else {
            return Verdict::Invalid(VerifyFailure::BadPubkey);
        };
        let mut compact = [0u8; 64];
        compact[..32].copy_from_slice(&job.r);
        compact[32..].copy_from_slice(&job.s);
        let Ok(mut sig) = secp256k1::ecdsa::Signature::from_compact(&compact) else {
            // Unreachable after `precheck` (r, s < n); a malformed signature, never a panic.
            return Verdict::Invalid(VerifyFailure::BadS);
        };
        sig.normalize_s();
        // libsecp256k1 reduces the 32-byte digest mod n, as ECDSA (and k256) do.
        let msg = secp256k1::Message::from_digest(job.prehash);
        match self.ctx.verify_ecdsa(&msg, &sig, &key) {
            Ok(()) => Verdict::Valid,
            Err(_) => Verdict::Invalid(VerifyFailure::Mismatch),
        }
    }

    /// BIP340 verification with libsecp256k1 (`secp256k1_schnorrsig_verify`) of a message of
    /// any length, with crypto-core's `verify_k256` contract: key (`BadPubkey`), then `r < p`
    /// (`BadR`), `s < n` (`BadS`), then the equation (`Mismatch`).
    pub fn verify_schnorr_msg(
        &self,
        xonly_pubkey: &[u8; 32],
        msg: &[u8],
        sig64: &[u8; 64],
    ) -> SchnorrVerdict {
        use secp256k1::ffi::CPtr;
        // x >= p or no square root: libsecp256k1's `xonly_pubkey_parse` fails.
        let Ok(key) = secp256k1::XOnlyPublicKey::from_slice(xonly_pubkey) else {
            return SchnorrVerdict::Invalid(SchnorrFailure::BadPubkey);
        };
        if let Err(f) = check_rs(sig64) {
            return SchnorrVerdict::Invalid(f);
        }
        // The `secp256k1` crate (0.29) takes only 32-byte messages; BIP340 allows any length,
        // and libsecp256k1's C function takes (msg, msglen).
        // SAFETY: `self.ctx` is a live verification context owned by `self`; `sig64` points to
        // 64 readable bytes; `msg` to `msg.len()` readable bytes (an empty slice's pointer is
        // non-null, and libsecp256k1 reads nothing when msglen is 0); `key` is a parsed
        // x-only key that outlives the call. The function only reads through these pointers.
        let ok = unsafe {
            secp256k1::ffi::secp256k1_schnorrsig_verify(
                self.ctx.ctx().as_ptr(),
                sig64.as_ptr(),
                msg.as_ptr(),
                msg.len(),
                key.as_c_ptr(),
            )
        };
        if ok == 1 {
            SchnorrVerdict::Valid
        } else {
            SchnorrVerdict::Invalid(SchnorrFailure::Mismatch)
        }
    }

    /// [`Libsecp256k1::verify_schnorr_msg`] on a job.
    pub fn verify_schnorr(&self, job: &SchnorrJob) -> SchnorrVerdict {
        self.verify_schnorr_msg(&job.xonly_pubkey, &job.msg32, &job.sig64)
    }
}
