//! The batch-first boundary between consensus code and the crypto engines.
//!
//! Block validation talks to a backend only through [`Backend::hash_batch`],
//! [`Backend::verify_batch`] (ECDSA) and [`Backend::verify_schnorr_batch`] (BIP340). The
//! software backend (`fallback-sw`), the simulated accelerator (`verif`) and the board
//! (`FpgaBackend` over `accel-driver`) all implement it and must give identical answers.

use crate::prelude::*;
use core::fmt;

use crate::schnorr::{verify_job_k256, SchnorrJob, SchnorrVerdict};

/// A 32-byte digest, in the byte order SHA-256 produces (not display-reversed).
pub type Digest32 = [u8; 32];

/// What a hash job computes. The discriminants equal the hardware's `HASH_CMD.MODE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HashMode {
    /// SHA-256 of the data.
    Sha256 = 0,
    /// SHA-256(SHA-256(data)).
    Sha256d = 1,
    /// SHA-256d of a 64-byte merkle node `left || right`; data must be 64 bytes.
    MerkleNode = 2,
    /// SHA-256d of an 80-byte block header; data must be 80 bytes.
    Header80 = 3,
}

impl HashMode {
    /// The only data length the mode accepts, for the fixed-size modes (a merkle node is
    /// two digests, a header 80 bytes). The FPGA backend checks at compile time that the
    /// hardware's modes (`satchain_regmap::HashMode::fixed_len`) agree.
    pub const fn fixed_len(self) -> Option<usize> {
        match self {
            HashMode::MerkleNode => Some(64),
            HashMode::Header80 => Some(80),
            HashMode::Sha256 | HashMode::Sha256d => None,
        }
    }
    /// The mode's name as the CLI and its JSON spell it (`sha256`, `sha256d`, `merkle_node`,
    /// `header80`); error texts use it rather than the Rust variant name.
    pub const fn name(self) -> &'static str {
        match self {
            HashMode::Sha256 => "sha256",
            HashMode::Sha256d => "sha256d",
            HashMode::MerkleNode => "merkle_node",
            HashMode::Header80 => "header80",
        }
    }
}

/// One hash job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HashJob {
    /// What to compute.
    pub mode: HashMode,
    /// The bytes to hash (64 for `MerkleNode`, 80 for `Header80`).
    pub data: Vec<u8>,
}

impl HashJob {
    /// SHA-256 of `data`.
    pub fn sha256(data: impl Into<Vec<u8>>) -> Self {
        HashJob {
            mode: HashMode::Sha256,
            data: data.into(),
        }
    }
    /// SHA-256d of `data`.
    pub fn sha256d(data: impl Into<Vec<u8>>) -> Self {
        HashJob {
            mode: HashMode::Sha256d,
            data: data.into(),
        }
    }
    /// SHA-256d of the merkle node `left || right`.
    pub fn merkle_node(left: &Digest32, right: &Digest32) -> Self {
        let mut data = Vec::with_capacity(64);
        data.extend_from_slice(left);
        data.extend_from_slice(right);
        HashJob {
            mode: HashMode::MerkleNode,
            data,
        }
    }
    /// SHA-256d of an 80-byte header.
    pub fn header80(header: &[u8; 80]) -> Self {
        HashJob {
            mode: HashMode::Header80,
            data: header.to_vec(),
        }
    }
    /// Checks the length rule of the mode ([`HashMode::fixed_len`]).
    pub fn check(&self) -> Result<(), BackendError> {
        match self.mode.fixed_len() {
            Some(n) if self.data.len() != n => Err(BackendError::BadJob {
                index: 0,
                reason: format!(
                    "{} needs {} bytes, got {}",
                    self.mode.name(),
                    n,
                    self.data.len()
                ),
            }),
            _ => Ok(()),
        }
    }
}

/// A SEC1-encoded public key as it appeared in the script, not yet validated.
/// Validation (on the curve, coordinates < p, a square root for compressed x) is the
/// backend's job, so the hardware sees exactly what software sees.
#[derive(Clone, PartialEq, Eq, Hash)]
pub enum PubkeyBytes {
    /// 0x02/0x03 prefix + x.
    Compressed([u8; 33]),
    /// 0x04 prefix + x + y.
    Uncompressed([u8; 65]),
}

impl PubkeyBytes {
    /// Parses the two SEC1 forms a verifier accepts. Hybrid keys (0x06/0x07) are
    /// converted to uncompressed form when their parity byte matches y, as
    /// libsecp256k1's `ec_pubkey_parse` does; anything else is `None`.
    pub fn from_sec1(bytes: &[u8]) -> Option<Self> {
        match (bytes.len(), bytes.first()) {
            (33, Some(0x02 | 0x03)) => {
                let mut a = [0u8; 33];
                a.copy_from_slice(bytes);
                Some(PubkeyBytes::Compressed(a))
            }
            (65, Some(0x04)) => {
                let mut a = [0u8; 65];
                a.copy_from_slice(bytes);
                Some(PubkeyBytes::Uncompressed(a))
            }
            (65, Some(&p @ (0x06 | 0x07))) => {
                let y_odd = bytes[64] & 1 == 1;
                if y_odd != (p == 0x07) {
                    return None;
                }
                let mut a = [0u8; 65];
                a.copy_from_slice(bytes);
                a[0] = 0x04;
                Some(PubkeyBytes::Uncompressed(a))
            }
            _ => None,
        }
    }
    /// The SEC1 bytes (33 or 65).
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            PubkeyBytes::Compressed(a) => a,
            PubkeyBytes::Uncompressed(a) => a,
        }
    }
}

impl fmt::Debug for PubkeyBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Pubkey(")?;
        for b in self.as_bytes() {
            write!(f, "{b:02x}")?;
        }
        write!(f, ")")
    }
}

/// One ECDSA verification: plain ECDSA over secp256k1 on a 32-byte prehash.
/// Encoding policy (strict DER, low-S) is applied by the caller before a job is built;
/// the backend accepts any `s` in `[1, n-1]`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct VerifyJob {
    /// The key, as it appeared in the script (validated by the backend).
    pub pubkey: PubkeyBytes,
    /// The message hash `z` (e.g. the sighash), big-endian as produced by SHA-256d.
    pub prehash: [u8; 32],
    /// `r`, big-endian, left-padded to 32 bytes.
    pub r: [u8; 32],
    /// `s`, big-endian, left-padded to 32 bytes.
    pub s: [u8; 32],
}

/// Why a signature was not accepted. The same codes come from software and hardware.
///
/// Not `#[non_exhaustive]`: these are the accelerator's result codes (`accel-driver`), a
/// closed set that the driver and the equivalence tests match exhaustively.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
pub enum VerifyFailure {
    /// The equation does not hold (or R is the point at infinity).
    #[error("signature does not verify")]
    Mismatch,
    /// r = 0 or r >= n.
    #[error("r is zero or not below the group order")]
    BadR,
    /// s = 0 or s >= n.
    #[error("s is zero or not below the group order")]
    BadS,
    /// The public key is not a valid curve point.
    #[error("public key is not a valid curve point")]
    BadPubkey,
}

/// Verdict of one verification job.
#[must_use]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verdict {
    /// The signature verifies.
    Valid,
    /// It does not, and why.
    Invalid(VerifyFailure),
}

impl Verdict {
    /// `true` for [`Verdict::Valid`].
    pub fn is_valid(self) -> bool {
        matches!(self, Verdict::Valid)
    }
}

/// Kinds of backend failure, for logging and policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BackendErrorKind {
    /// [`BackendError::BadJob`].
    BadJob,
    /// [`BackendError::Unavailable`].
    Unavailable,
    /// [`BackendError::Timeout`].
    Timeout,
    /// [`BackendError::Hardware`].
    Hardware,
    /// [`BackendError::SpotCheckMismatch`].
    Mismatch,
    /// [`BackendError::Io`].
    Io,
}

/// A batch could not be completed by this backend.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BackendError {
    /// Job `index` of the batch is malformed (e.g. a merkle node that is not 64 bytes).
    #[error("job {index} is malformed: {reason}")]
    BadJob {
        /// The job's index in the batch.
        index: usize,
        /// What is wrong with it.
        reason: String,
    },
    /// The backend cannot run here (not built, no device, no bitstream).
    #[error("backend unavailable: {0}")]
    Unavailable(String),
    /// The device did not answer in time.
    #[error("device timeout: {what}")]
    Timeout {
        /// What was waited for.
        what: String,
    },
    /// The device reported an error or returned something inconsistent.
    #[error("device error: {what}")]
    Hardware {
        /// What the device reported or did.
        what: String,
    },
    /// A spot check against software disagreed with the device.
    #[error("job {index}: device result disagrees with software spot check: {what}")]
    SpotCheckMismatch {
        /// The job's index in the batch.
        index: usize,
        /// The two results.
        what: String,
    },
    /// I/O to the device failed.
    #[error("device I/O error: {0}")]
    Io(String),
}

impl BackendError {
    /// The error's kind.
    pub fn kind(&self) -> BackendErrorKind {
        match self {
            BackendError::BadJob { .. } => BackendErrorKind::BadJob,
            BackendError::Unavailable(_) => BackendErrorKind::Unavailable,
            BackendError::Timeout { .. } => BackendErrorKind::Timeout,
            BackendError::Hardware { .. } => BackendErrorKind::Hardware,
            BackendError::SpotCheckMismatch { .. } => BackendErrorKind::Mismatch,
            BackendError::Io(_) => BackendErrorKind::Io,
        }
    }
}

/// Counters a backend keeps; a node can log them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BackendStats {
    /// Hash jobs run since creation.
    pub hash_jobs: u64,
    /// Verify jobs run since creation.
    pub verify_jobs: u64,
    /// Simulated or measured device cycles spent (hardware backends only).
    pub device_cycles: u64,
    /// Faults seen, by kind (timeout, error bit, spot-check mismatch, ...).
    pub faults: Vec<(String, u64)>,
    /// Jobs recomputed in software after a fault.
    pub fallback_jobs: u64,
    /// Jobs re-checked in software as spot checks.
    pub spot_checked_jobs: u64,
}

/// A crypto engine for block validation. Batches, not single calls, cross this boundary.
///
/// Contract: `hash_batch` returns one digest per job, in job order; `verify_batch` and
/// `verify_schnorr_batch` one verdict per job, in job order. An `Err` means the whole batch
/// failed and no result of it may be used.
pub trait Backend: Send + Sync {
    /// Short name: "sw", "sim", "fpga".
    fn name(&self) -> &'static str;
    /// One digest per job, in job order; `Err` fails the whole batch.
    fn hash_batch(&self, jobs: &[HashJob]) -> Result<Vec<Digest32>, BackendError>;
    /// One verdict per job, in job order; `Err` fails the whole batch.
    fn verify_batch(&self, jobs: &[VerifyJob]) -> Result<Vec<Verdict>, BackendError>;
    /// BIP340 Schnorr verifications (Taproot). The default verifies in software with k256 on
    /// the calling thread ([`verify_job_k256`]): a backend without a Schnorr engine stays
    /// correct, and one that has an engine overrides this.
    fn verify_schnorr_batch(
        &self,
        jobs: &[SchnorrJob],
    ) -> Result<Vec<SchnorrVerdict>, BackendError> {
        Ok(jobs.iter().map(verify_job_k256).collect())
    }
    /// Counters since creation.
    fn stats(&self) -> BackendStats {
        BackendStats::default()
    }
    /// Clock (MHz) at which device cycles are projected to wall time, for hardware backends.
    fn projected_clock_mhz(&self) -> Option<f64> {
        None
    }
}

impl<B: Backend + ?Sized> Backend for &B {
    fn name(&self) -> &'static str {
        (**self).name()
    }
    fn hash_batch(&self, jobs: &[HashJob]) -> Result<Vec<Digest32>, BackendError> {
        (**self).hash_batch(jobs)
    }
    fn verify_batch(&self, jobs: &[VerifyJob]) -> Result<Vec<Verdict>, BackendError> {
        (**self).verify_batch(jobs)
    }
    fn verify_schnorr_batch(
        &self,
        jobs: &[SchnorrJob],
    ) -> Result<Vec<SchnorrVerdict>, BackendError> {
        (**self).verify_schnorr_batch(jobs)
    }
    fn stats(&self) -> BackendStats {
        (**self).stats()
    }
    fn projected_clock_mhz(&self) -> Option<f64> {
        (**self).projected_clock_mhz()
    }
}

impl<B: Backend + ?Sized> Backend for Box<B> {
    fn name(&self) -> &'static str {
        (**self).name()
    }
    fn hash_batch(&self, jobs: &[HashJob]) -> Result<Vec<Digest32>, BackendError> {
        (**self).hash_batch(jobs)
    }
    fn verify_batch(&self, jobs: &[VerifyJob]) -> Result<Vec<Verdict>, BackendError> {
        (**self).verify_batch(jobs)
    }
    fn verify_schnorr_batch(
        &self,
        jobs: &[SchnorrJob],
    ) -> Result<Vec<SchnorrVerdict>, BackendError> {
        (**self).verify_schnorr_batch(jobs)
    }
    fn stats(&self) -> BackendStats {
        (**self).stats()
    }
    fn projected_clock_mhz(&self) -> Option<f64> {
        (**self).projected_clock_mhz()
    }
}
