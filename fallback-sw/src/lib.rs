#![doc = include_str!("../README.md")]

use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicU64, Ordering};

use crypto_core::{
    Backend, BackendError, BackendStats, Digest32, HashJob, HashMode, PubkeyBytes, Verdict,
    VerifyFailure, VerifyJob,
};
use k256::ecdsa::signature::hazmat::PrehashVerifier;
use k256::ecdsa::{Signature, VerifyingKey};
use k256::elliptic_curve::scalar::IsHigh;
use k256::elliptic_curve::subtle::CtOption;
use k256::elliptic_curve::PrimeField;
use k256::{FieldBytes, Scalar};
use sha2::{Digest, Sha256};

pub mod demo;

/// Below this many hash jobs a batch is hashed on the calling thread (spawning costs more).
const PARALLEL_MIN_HASH_JOBS: usize = 256;
/// Below this many verify jobs a batch is verified on the calling thread.
const PARALLEL_MIN_VERIFY_JOBS: usize = 8;

/// The software backend: SHA-256 from `sha2`, ECDSA from `k256`. See the crate docs.
#[derive(Debug)]
pub struct SoftwareBackend {
    threads: usize,
    hash_jobs: AtomicU64,
    verify_jobs: AtomicU64,
}

impl Default for SoftwareBackend {
    /// Parallel over all available cores.
    fn default() -> Self {
        Self::parallel(0)
    }
}

impl SoftwareBackend {
    /// Everything on the calling thread: the mode for measurements.
    pub fn single_thread() -> Self {
        Self::with_threads(1)
    }

    /// Batches are split into `threads` contiguous chunks run under `std::thread::scope`.
    /// `threads == 0` means `std::thread::available_parallelism()` (1 if unknown).
    pub fn parallel(threads: usize) -> Self {
        let threads = if threads == 0 {
            std::thread::available_parallelism()
                .map(NonZeroUsize::get)
                .unwrap_or(1)
        } else {
            threads
        };
        Self::with_threads(threads)
    }

    fn with_threads(threads: usize) -> Self {
        SoftwareBackend {
            threads: threads.max(1),
            hash_jobs: AtomicU64::new(0),
            verify_jobs: AtomicU64::new(0),
        }
    }

    /// Number of worker threads a large batch is split over (1 = single-thread mode).
    pub fn threads(&self) -> usize {
        self.threads
    }
}

/// SHA-256 of `data`.
pub fn sha256(data: &[u8]) -> Digest32 {
    Sha256::digest(data).into()
}

/// SHA-256(SHA-256(`data`)).
pub fn sha256d(data: &[u8]) -> Digest32 {
    Sha256::digest(Sha256::digest(data)).into()
}

/// Hashes one job whose length rule has already been checked.
fn hash_checked(job: &HashJob) -> Digest32 {
    match job.mode {
        HashMode::Sha256 => sha256(&job.data),
        HashMode::Sha256d | HashMode::MerkleNode | HashMode::Header80 => sha256d(&job.data),
    }
}

/// Hashes one job, checking the mode's length rule first.
pub fn hash_one(job: &HashJob) -> Result<Digest32, BackendError> {
    job.check()?;
    Ok(hash_checked(job))
}

/// A scalar in `[1, n-1]` from 32 big-endian bytes, or `None` for 0 and values `>= n`.
fn nonzero_scalar(bytes: &[u8; 32]) -> Option<Scalar> {
    let ct: CtOption<Scalar> = Scalar::from_repr(FieldBytes::from(*bytes));
    Option::<Scalar>::from(ct).filter(|s| !bool::from(s.is_zero()))
}

/// Verifies one job as plain ECDSA over secp256k1 (any `s` in `[1, n-1]`, high or low).
///
/// Checks run in this order and the first failure is the verdict: `r` range (`BadR`),
/// `s` range (`BadS`), public key decoding (`BadPubkey`), then the equation (`Mismatch`).
/// The prehash is taken as a 256-bit big-endian integer reduced mod n, as ECDSA says.
pub fn verify_one(job: &VerifyJob) -> Verdict {
    let Some(r) = nonzero_scalar(&job.r) else {
        return Verdict::Invalid(VerifyFailure::BadR);
    };
    let Some(s) = nonzero_scalar(&job.s) else {
        return Verdict::Invalid(VerifyFailure::BadS);
    };
    // Only the SEC1 prefixes a Bitcoin verifier accepts: k256 would also take 0x05
    // ("compact" points, x only) and 0x00 (identity), libsecp256k1 does not.
    let prefix_ok = match &job.pubkey {
        PubkeyBytes::Compressed(b) => matches!(b[0], 0x02 | 0x03),
        PubkeyBytes::Uncompressed(b) => b[0] == 0x04,
    };
    if !prefix_ok {
        return Verdict::Invalid(VerifyFailure::BadPubkey);
    }
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

/// Runs `f` over `items` on up to `threads` scoped threads in contiguous chunks, keeping order.
fn map_chunked<T: Sync, R: Send>(
    items: &[T],
    threads: usize,
    min_parallel: usize,
    f: fn(&T) -> R,
) -> Vec<R> {
    if threads <= 1 || items.len() < min_parallel {
        return items.iter().map(f).collect();
    }
    let chunk = items.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let mut chunks = items.chunks(chunk);
        // The calling thread takes the first chunk itself.
        let first = chunks.next();
        let handles: Vec<_> = chunks
            .map(|c| scope.spawn(move || c.iter().map(f).collect::<Vec<R>>()))
            .collect();
        let mut out: Vec<R> = first.map(|c| c.iter().map(f).collect()).unwrap_or_default();
        out.reserve(items.len().saturating_sub(out.len()));
        for h in handles {
            match h.join() {
                Ok(part) => out.extend(part),
                // A worker can only panic through a bug in sha2/k256; re-raise it as is.
                Err(payload) => std::panic::resume_unwind(payload),
            }
        }
        out
    })
}

impl Backend for SoftwareBackend {
    fn name(&self) -> &'static str {
        "sw"
    }

    fn hash_batch(&self, jobs: &[HashJob]) -> Result<Vec<Digest32>, BackendError> {
        for (index, job) in jobs.iter().enumerate() {
            job.check().map_err(|e| match e {
                BackendError::BadJob { reason, .. } => BackendError::BadJob { index, reason },
                other => other,
            })?;
        }
        self.hash_jobs
            .fetch_add(jobs.len() as u64, Ordering::Relaxed);
        Ok(map_chunked(
            jobs,
            self.threads,
            PARALLEL_MIN_HASH_JOBS,
            hash_checked,
        ))
    }

    fn verify_batch(&self, jobs: &[VerifyJob]) -> Result<Vec<Verdict>, BackendError> {
        self.verify_jobs
            .fetch_add(jobs.len() as u64, Ordering::Relaxed);
        Ok(map_chunked(
            jobs,
            self.threads,
            PARALLEL_MIN_VERIFY_JOBS,
            verify_one,
        ))
    }

    fn stats(&self) -> BackendStats {
        BackendStats {
            hash_jobs: self.hash_jobs.load(Ordering::Relaxed),
            verify_jobs: self.verify_jobs.load(Ordering::Relaxed),
            ..BackendStats::default()
        }
    }
}
