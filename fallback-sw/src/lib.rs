#![no_std]
#![doc = include_str!("../README.md")]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

use alloc::vec::Vec;
use core::sync::atomic::{AtomicU64, Ordering};

use crypto_core::schnorr::verify_job_k256;
use crypto_core::{
    Backend, BackendError, BackendStats, Digest32, HashJob, HashMode, SchnorrJob, SchnorrVerdict,
    Verdict, VerifyJob,
};
use sha2::{Digest, Sha256};

pub mod demo;
mod verify;

#[cfg(feature = "libsecp256k1")]
pub use verify::Libsecp256k1;
pub use verify::{verify_one, UnknownVerifier, Verifier};

/// Below this many hash jobs a batch is hashed on the calling thread (spawning costs more).
const PARALLEL_MIN_HASH_JOBS: usize = 256;
/// Below this many verify jobs a batch is verified on the calling thread.
const PARALLEL_MIN_VERIFY_JOBS: usize = 8;

/// The software backend: SHA-256 from `sha2`, ECDSA from libsecp256k1 or k256 ([`Verifier`]).
/// See the crate docs.
#[derive(Debug)]
pub struct SoftwareBackend {
    threads: usize,
    verifier: Verifier,
    #[cfg(feature = "libsecp256k1")]
    libsecp: Libsecp256k1,
    hash_jobs: AtomicU64,
    verify_jobs: AtomicU64,
    schnorr_jobs: AtomicU64,
}

#[cfg(feature = "std")]
impl Default for SoftwareBackend {
    /// Parallel over all available cores, the fastest verifier.
    fn default() -> Self {
        Self::parallel(0)
    }
}

impl SoftwareBackend {
    /// Everything on the calling thread: the mode for measurements (and the only one
    /// without `std`).
    pub fn single_thread() -> Self {
        Self::with_threads(1)
    }

    /// Batches are split into `threads` contiguous chunks run under `std::thread::scope`.
    /// `threads == 0` means `std::thread::available_parallelism()` (1 if unknown).
    #[cfg(feature = "std")]
    pub fn parallel(threads: usize) -> Self {
        let threads = if threads == 0 {
            std::thread::available_parallelism()
                .map(core::num::NonZeroUsize::get)
                .unwrap_or(1)
        } else {
            threads
        };
        Self::with_threads(threads)
    }

    fn with_threads(threads: usize) -> Self {
        SoftwareBackend {
            threads: threads.max(1),
            verifier: Verifier::fastest(),
            #[cfg(feature = "libsecp256k1")]
            libsecp: Libsecp256k1::new(),
            hash_jobs: AtomicU64::new(0),
            verify_jobs: AtomicU64::new(0),
            schnorr_jobs: AtomicU64::new(0),
        }
    }

    /// The same backend checking signatures with `verifier` (default: [`Verifier::fastest`]).
    #[must_use]
    pub fn with_verifier(mut self, verifier: Verifier) -> Self {
        self.verifier = verifier;
        self
    }

    /// Number of worker threads a large batch is split over (1 = single-thread mode).
    pub fn threads(&self) -> usize {
        self.threads
    }

    /// The library that checks the ECDSA and BIP340 equations.
    pub fn verifier(&self) -> Verifier {
        self.verifier
    }

    /// Verifies one job with this backend's verifier.
    pub fn verify(&self, job: &VerifyJob) -> Verdict {
        match self.verifier {
            Verifier::K256 => verify_one(job),
            #[cfg(feature = "libsecp256k1")]
            Verifier::Libsecp256k1 => self.libsecp.verify(job),
        }
    }

    /// Verifies one BIP340 job with this backend's verifier.
    pub fn verify_schnorr(&self, job: &SchnorrJob) -> SchnorrVerdict {
        match self.verifier {
            Verifier::K256 => verify_job_k256(job),
            #[cfg(feature = "libsecp256k1")]
            Verifier::Libsecp256k1 => self.libsecp.verify_schnorr(job),
        }
    }

    /// BIP340 jobs verified so far (not in [`BackendStats`], which counts ECDSA jobs).
    pub fn schnorr_jobs(&self) -> u64 {
        self.schnorr_jobs.load(Ordering::Relaxed)
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

/// Runs `f` over `items` on up to `threads` scoped threads in contiguous chunks, keeping order.
#[cfg(feature = "std")]
fn map_chunked<T: Sync, R: Send, F: Fn(&T) -> R + Sync>(
    items: &[T],
    threads: usize,
    min_parallel: usize,
    f: &F,
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

/// Without `std` there are no threads: `f` over `items` in order, on the calling thread.
#[cfg(not(feature = "std"))]
fn map_chunked<T, R, F: Fn(&T) -> R>(items: &[T], _threads: usize, _min: usize, f: &F) -> Vec<R> {
    items.iter().map(f).collect()
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
            &hash_checked,
        ))
    }

    fn verify_batch(&self, jobs: &[VerifyJob]) -> Result<Vec<Verdict>, BackendError> {
        self.verify_jobs
            .fetch_add(jobs.len() as u64, Ordering::Relaxed);
        Ok(map_chunked(
            jobs,
            self.threads,
            PARALLEL_MIN_VERIFY_JOBS,
            &|job| self.verify(job),
        ))
    }

    fn verify_schnorr_batch(
        &self,
        jobs: &[SchnorrJob],
    ) -> Result<Vec<SchnorrVerdict>, BackendError> {
        self.schnorr_jobs
            .fetch_add(jobs.len() as u64, Ordering::Relaxed);
        Ok(map_chunked(
            jobs,
            self.threads,
            PARALLEL_MIN_VERIFY_JOBS,
            &|job| self.verify_schnorr(job),
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
