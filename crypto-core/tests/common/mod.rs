//! Test-only backend on sha2 + k256, and data-file helpers.
#![allow(
    dead_code,
    clippy::panic,
    clippy::unwrap_used,
    clippy::cast_possible_truncation
)]

pub mod asm;
pub mod segwit;

use crypto_core::{
    Backend, BackendError, Digest32, HashJob, HashMode, Verdict, VerifyFailure, VerifyJob,
};
use k256::ecdsa::signature::hazmat::PrehashVerifier;
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock, PoisonError};

/// Verdicts of the jobs this test process has verified (see `TestBackend::verify_batch`).
static VERDICTS: OnceLock<Mutex<HashMap<VerifyJob, Verdict>>> = OnceLock::new();

#[derive(Debug, Default)]
pub struct TestBackend {
    pub hash_calls: AtomicU64,
    pub verify_calls: AtomicU64,
}

fn sha256(d: &[u8]) -> [u8; 32] {
    Sha256::digest(d).into()
}

impl Backend for TestBackend {
    fn name(&self) -> &'static str {
        "test-sw"
    }
    fn hash_batch(&self, jobs: &[HashJob]) -> Result<Vec<Digest32>, BackendError> {
        self.hash_calls.fetch_add(1, Ordering::Relaxed);
        jobs.iter()
            .enumerate()
            .map(|(i, j)| {
                j.check().map_err(|e| match e {
                    BackendError::BadJob { reason, .. } => {
                        BackendError::BadJob { index: i, reason }
                    }
                    other => other,
                })?;
                Ok(match j.mode {
                    HashMode::Sha256 => sha256(&j.data),
                    _ => sha256(&sha256(&j.data)),
                })
            })
            .collect()
    }
    /// A job's verdict is a pure function of the job, so the verdicts are kept for the
    /// process (`VERDICTS`): the tests validate block 413567 (7,463 signatures) and the Qtum
    /// block many times over with other options or one changed field, and the jobs that did
    /// not change are not verified again. Every job the process has not seen is verified by
    /// k256 (`verify_one`). This keeps the suites' run under `qemu-arm` (issue 13: about ten
    /// times slower than the host) to minutes. New jobs of a large batch run on rayon's
    /// global pool (test binaries own their process, so the global pool is theirs; the
    /// library's `SoftwareBackend::parallel` uses its own).
    fn verify_batch(&self, jobs: &[VerifyJob]) -> Result<Vec<Verdict>, BackendError> {
        self.verify_calls.fetch_add(1, Ordering::Relaxed);
        let memo = VERDICTS.get_or_init(Default::default);
        let mut out: Vec<Option<Verdict>> = {
            let m = memo.lock().unwrap_or_else(PoisonError::into_inner);
            jobs.iter().map(|j| m.get(j).copied()).collect()
        };
        let todo: Vec<usize> = (0..jobs.len()).filter(|&i| out[i].is_none()).collect();
        let fresh: Vec<Verdict> = if todo.len() < 64 {
            todo.iter().map(|&i| verify_one(&jobs[i])).collect()
        } else {
            todo.par_iter().map(|&i| verify_one(&jobs[i])).collect()
        };
        let mut m = memo.lock().unwrap_or_else(PoisonError::into_inner);
        for (&i, v) in todo.iter().zip(fresh) {
            m.insert(jobs[i].clone(), v);
            out[i] = Some(v);
        }
        // Every slot is filled: a known verdict or a fresh one.
        Ok(out.into_iter().map(Option::unwrap).collect())
    }
}

pub fn verify_one(j: &VerifyJob) -> Verdict {
    use k256::elliptic_curve::ops::Reduce;
    let _ = <k256::Scalar as Reduce<k256::U256>>::reduce_bytes;
    let Ok(vk) = k256::ecdsa::VerifyingKey::from_sec1_bytes(j.pubkey.as_bytes()) else {
        return Verdict::Invalid(VerifyFailure::BadPubkey);
    };
    let n = crypto_core::der::ORDER_N;
    if j.r == [0u8; 32] || j.r >= n {
        return Verdict::Invalid(VerifyFailure::BadR);
    }
    if j.s == [0u8; 32] || j.s >= n {
        return Verdict::Invalid(VerifyFailure::BadS);
    }
    let Ok(sig) = k256::ecdsa::Signature::from_scalars(j.r, j.s) else {
        return Verdict::Invalid(VerifyFailure::BadS);
    };
    let sig = sig.normalize_s().unwrap_or(sig);
    match vk.verify_prehash(&j.prehash, &sig) {
        Ok(()) => Verdict::Valid,
        Err(_) => Verdict::Invalid(VerifyFailure::Mismatch),
    }
}

/// The shared test data (`testkit::data`: ../shared/data beside the repository); panics loudly
/// when absent.
#[allow(unused_imports)] // not every test binary reads data
pub use testkit::data::{path_or_panic as data_path, read as read_data};

pub fn sha256d_sw(d: &[u8]) -> [u8; 32] {
    sha256(&sha256(d))
}

/// Bitcoin's merkle root of `level` (txids), in software: for building synthetic blocks.
pub fn merkle_root_sw(mut level: Vec<[u8; 32]>) -> [u8; 32] {
    while level.len() > 1 {
        if level.len() % 2 == 1 {
            level.push(*level.last().unwrap());
        }
        level = level
            .chunks(2)
            .map(|p| sha256d_sw(&[p[0], p[1]].concat()))
            .collect();
    }
    level.first().copied().unwrap_or([0u8; 32])
}

/// Recomputes a block's header merkle root after an edit (software hashes, tests only).
pub fn fix_merkle(b: &mut crypto_core::Block) {
    let root = merkle_root_sw(
        b.txs
            .iter()
            .map(|t| sha256d_sw(&t.serialize(false)))
            .collect(),
    );
    match &mut b.header {
        crypto_core::header::Header::Bitcoin(h) => h.merkle_root = root,
        crypto_core::header::Header::Qtum(q) => q.base.merkle_root = root,
    }
}
