#![no_std]
#![warn(missing_docs)]
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

/// The top-level README's library example, compiled as a doc test (not shown in the docs).
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
mod verify;

#[cfg(feature = "libsecp256k1")]
pub use verify::Libsecp256k1;
pub use verify::{verify_one, UnknownVerifier, Verifier};

/// Below this many hash jobs a batch is hashed on the calling thread (handing it to the pool
/// costs more).
const PARALLEL_MIN_HASH_JOBS: usize = 256;
/// Below this many verify jobs a batch is verified on the calling thread.
const PARALLEL_MIN_VERIFY_JOBS: usize = 8;

/// The software backend: SHA-256 from `sha2`, ECDSA from libsecp256k1 or k256 ([`Verifier`]).
/// See the crate docs.
#[derive(Debug)]
pub struct SoftwareBackend {
    threads: usize,
    /// The worker pool of a parallel backend (`None`: everything on the calling thread).
    #[cfg(feature = "std")]
    pool: Option<rayon::ThreadPool>,
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

    /// Large batches run on a [`rayon`] thread pool of `threads` workers that this backend
    /// creates and owns (threads named `satchain-sw-N`, ended when the backend is dropped).
    /// `threads == 0` means `std::thread::available_parallelism()` (1 if unknown); 1 is
    /// [`single_thread`](Self::single_thread) (no pool).
    ///
    /// Which pool: always this backend's own, never rayon's global pool, which it neither
    /// uses nor sizes. A node with rayon pools of its own keeps them as configured; a batch
    /// call blocks the calling thread in [`rayon::ThreadPool::install`] until this pool is
    /// done (called from a worker of another rayon pool, that worker keeps running its own
    /// pool's tasks meanwhile, as rayon documents). Two backends mean two pools.
    ///
    /// If the operating system refuses the threads, the backend works on the calling thread
    /// and [`threads`](Self::threads) reports 1.
    #[cfg(feature = "std")]
    pub fn parallel(threads: usize) -> Self {
        let threads = if threads == 0 {
            std::thread::available_parallelism()
                .map(core::num::NonZeroUsize::get)
                .unwrap_or(1)
        } else {
            threads
        };
        if threads <= 1 {
            return Self::with_threads(1);
        }
        match rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|i| std::format!("satchain-sw-{i}"))
            .build()
        {
            Ok(pool) => SoftwareBackend {
                pool: Some(pool),
                ..Self::with_threads(threads)
            },
            Err(_) => Self::with_threads(1),
        }
    }

    fn with_threads(threads: usize) -> Self {
        SoftwareBackend {
            threads: threads.max(1),
            #[cfg(feature = "std")]
            pool: None,
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

    /// Number of worker threads a large batch runs on (1 = single-thread mode, no pool).
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

impl SoftwareBackend {
    /// `f` over `items`, results in the order of `items`: on this backend's pool when there
    /// is one and `items` holds at least `min_parallel` jobs, else on the calling thread.
    #[cfg(feature = "std")]
    fn map_jobs<T: Sync, R: Send, F: Fn(&T) -> R + Sync>(
        &self,
        items: &[T],
        min_parallel: usize,
        f: F,
    ) -> Vec<R> {
        match &self.pool {
            Some(pool) if items.len() >= min_parallel => {
                use rayon::prelude::*;
                // Pieces of at least a quarter of a worker's share: jobs of uneven cost (an
                // invalid key fails early) still balance, without one task per job.
                let min_len = (items.len() / (4 * pool.current_num_threads())).max(1);
                // A worker's panic (only a bug in sha2/k256/libsecp256k1 can raise one) is
                // re-raised here by rayon, as the scoped threads did before.
                pool.install(|| items.par_iter().with_min_len(min_len).map(&f).collect())
            }
            _ => items.iter().map(f).collect(),
        }
    }

    /// Without `std` there are no threads: `f` over `items` in order, on the calling thread.
    #[cfg(not(feature = "std"))]
    fn map_jobs<T, R, F: Fn(&T) -> R>(&self, items: &[T], _min_parallel: usize, f: F) -> Vec<R> {
        items.iter().map(f).collect()
    }
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
        Ok(self.map_jobs(jobs, PARALLEL_MIN_HASH_JOBS, hash_checked))
    }

    fn verify_batch(&self, jobs: &[VerifyJob]) -> Result<Vec<Verdict>, BackendError> {
        self.verify_jobs
            .fetch_add(jobs.len() as u64, Ordering::Relaxed);
        Ok(self.map_jobs(jobs, PARALLEL_MIN_VERIFY_JOBS, |job| self.verify(job)))
    }

    fn verify_schnorr_batch(
        &self,
        jobs: &[SchnorrJob],
    ) -> Result<Vec<SchnorrVerdict>, BackendError> {
        self.schnorr_jobs
            .fetch_add(jobs.len() as u64, Ordering::Relaxed);
        Ok(self.map_jobs(jobs, PARALLEL_MIN_VERIFY_JOBS, |job| {
            self.verify_schnorr(job)
        }))
    }

    fn stats(&self) -> BackendStats {
        BackendStats {
            hash_jobs: self.hash_jobs.load(Ordering::Relaxed),
            verify_jobs: self.verify_jobs.load(Ordering::Relaxed),
            ..BackendStats::default()
        }
    }
}
