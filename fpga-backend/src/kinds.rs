//! The job kinds of the FPGA backend (`chunk.rs`) and the one translation between
//! crypto-core's jobs and the hardware's: modes ([`hw_mode`]), ECDSA jobs ([`ecdsa_job`]) and
//! result codes ([`verdict_of`], [`schnorr_verdict_of`]); BIP340 jobs go through the verify
//! ring ([`SchnorrVerifying`]).

use accel_driver::regmap::{EcdsaCode, EcdsaJob, HashMode as HwMode, MAX_HASH_LEN};
use accel_driver::{Accel, BatchInfo, Bip340Job, Bus, DriverError, HashReq};

use super::chunk::ChunkKind;
use super::faults::fault;
use super::Traffic;
use crypto_core::backend::{
    Backend, BackendError, Digest32, HashJob, HashMode, Verdict, VerifyFailure, VerifyJob,
};
use crypto_core::schnorr::{check_rs, SchnorrFailure, SchnorrJob, SchnorrVerdict};

/// The hardware mode of a job's mode (the same discriminants: `HASH_CMD.MODE`).
pub const fn hw_mode(m: HashMode) -> HwMode {
    match m {
        HashMode::Sha256 => HwMode::Sha256,
        HashMode::Sha256d => HwMode::Sha256d,
        HashMode::MerkleNode => HwMode::Merkle64,
        HashMode::Header80 => HwMode::Header80,
    }
}

// The job rules of crypto-core and the register map's mode rules agree, mode by mode.
const _: () = {
    let modes = [
        HashMode::Sha256,
        HashMode::Sha256d,
        HashMode::MerkleNode,
        HashMode::Header80,
    ];
    let mut i = 0;
    while i < modes.len() {
        let hw = hw_mode(modes[i]);
        assert!(hw as u32 == modes[i] as u32);
        match (modes[i].fixed_len(), hw.fixed_len()) {
            (Some(a), Some(b)) => assert!(a == b as usize),
            (None, None) => {}
            _ => core::panic!("crypto-core and the register map disagree on a fixed length"),
        }
        i += 1;
    }
};

/// The hardware's view of a verification job. `PubkeyBytes` always has a SEC1 length, so
/// the conversion cannot fail; were it to, the job keeps prefix 0 and the device answers
/// `BadPubkey`, as software does.
pub fn ecdsa_job(j: &VerifyJob) -> EcdsaJob {
    EcdsaJob::new(j.pubkey.as_bytes(), &j.prehash, &j.r, &j.s).unwrap_or_default()
}

/// The hardware's view of a BIP340 job: the challenge `e` hashed here on the CPU (the tagged
/// SHA-256 of r, the key and the message), r and s split from the signature, the x-only key.
pub fn bip340_job(j: &SchnorrJob) -> Bip340Job {
    let mut r = [0u8; 32];
    let mut s = [0u8; 32];
    r.copy_from_slice(&j.sig64[..32]);
    s.copy_from_slice(&j.sig64[32..]);
    Bip340Job {
        e: j.challenge(),
        r,
        s,
        px: j.xonly_pubkey,
    }
}

/// A device result code as a verdict; `None` for `EngineFault` (no verdict) and for `BadJob`
/// (a verify-ring slot the device refused: the job was never checked, so software decides).
pub fn verdict_of(code: EcdsaCode) -> Option<Verdict> {
    match code {
        EcdsaCode::Valid => Some(Verdict::Valid),
        EcdsaCode::Invalid => Some(Verdict::Invalid(VerifyFailure::Mismatch)),
        EcdsaCode::BadR => Some(Verdict::Invalid(VerifyFailure::BadR)),
        EcdsaCode::BadS => Some(Verdict::Invalid(VerifyFailure::BadS)),
        EcdsaCode::BadPubkey => Some(Verdict::Invalid(VerifyFailure::BadPubkey)),
        EcdsaCode::BadJob | EcdsaCode::EngineFault => None,
    }
}

/// Hash jobs: `Accel::hash_batch`. Messages longer than `HASH_CMD.LEN` can hold go to
/// software; a job without a digest (the driver reports success only with every slot
/// filled) fails the chunk.
pub(crate) struct Hashing;

impl ChunkKind for Hashing {
    type Job = HashJob;
    type Out = Digest32;
    const KIND: &'static str = "hash";
    const NO_RESULT_FAULT: &'static str = fault::BAD_TAG;
    const REDO_MISSING: bool = false;

    fn device_can(job: &HashJob) -> bool {
        job.data.len() <= MAX_HASH_LEN as usize
    }
    fn run_device<B: Bus>(
        a: &mut Accel<B>,
        jobs: &[HashJob],
    ) -> (Result<BatchInfo, DriverError>, Vec<Option<Digest32>>) {
        let reqs: Vec<HashReq> = jobs
            .iter()
            .map(|j| HashReq {
                mode: hw_mode(j.mode),
                data: &j.data,
            })
            .collect();
        let mut out = vec![None; reqs.len()];
        (a.hash_batch(&reqs, &mut out), out)
    }
    fn run_software<F: Backend>(f: &F, jobs: &[HashJob]) -> Result<Vec<Digest32>, BackendError> {
        f.hash_batch(jobs)
    }
    fn missing(index: usize) -> String {
        format!("no result for job {index}")
    }
    fn show(out: &Digest32) -> String {
        hex::encode(out)
    }
    fn count_traffic(t: &mut Traffic, jobs: usize, info: &BatchInfo) {
        t.hash_jobs += jobs as u64;
        t.hash_reads += info.reads;
        t.hash_writes += info.writes;
    }
}

/// Verification jobs: `Accel::ecdsa_batch`. A job the engine answered with `EngineFault`
/// (no verdict) is recomputed alone in software.
pub(crate) struct Verifying;

impl ChunkKind for Verifying {
    type Job = VerifyJob;
    type Out = Verdict;
    const KIND: &'static str = "verify";
    const NO_RESULT_FAULT: &'static str = fault::ENGINE_FAULT;
    const REDO_MISSING: bool = true;

    fn run_device<B: Bus>(
        a: &mut Accel<B>,
        jobs: &[VerifyJob],
    ) -> (Result<BatchInfo, DriverError>, Vec<Option<Verdict>>) {
        let reqs: Vec<EcdsaJob> = jobs.iter().map(ecdsa_job).collect();
        let mut out = vec![None; reqs.len()];
        let res = a.ecdsa_batch(&reqs, &mut out);
        let verdicts = out
            .iter()
            .map(|r| r.and_then(|r| verdict_of(r.code)))
            .collect();
        (res, verdicts)
    }
    fn run_software<F: Backend>(f: &F, jobs: &[VerifyJob]) -> Result<Vec<Verdict>, BackendError> {
        f.verify_batch(jobs)
    }
    fn missing(index: usize) -> String {
        format!("engine fault on job {index} (no verdict)")
    }
    fn show(out: &Verdict) -> String {
        format!("{out:?}")
    }
    fn count_traffic(t: &mut Traffic, jobs: usize, info: &BatchInfo) {
        t.verify_jobs += jobs as u64;
        t.verify_reads += info.reads;
        t.verify_writes += info.writes;
    }
}

/// BIP340 verdict of a device result code (the ring's `kind` 1 answers with `EcdsaCode`
/// values). `None` for no verdict: `EngineFault`, `BadJob`, and `BadR` / `BadS`, which cannot
/// come back for a job that [`SchnorrVerifying::device_can`] let through (r and s are in range):
/// such a result is treated as no result (recomputed in software, counted as a fault).
pub fn schnorr_verdict_of(code: EcdsaCode) -> Option<SchnorrVerdict> {
    match code {
        EcdsaCode::Valid => Some(SchnorrVerdict::Valid),
        EcdsaCode::Invalid => Some(SchnorrVerdict::Invalid(SchnorrFailure::Mismatch)),
        EcdsaCode::BadPubkey => Some(SchnorrVerdict::Invalid(SchnorrFailure::BadPubkey)),
        EcdsaCode::BadR | EcdsaCode::BadS | EcdsaCode::BadJob | EcdsaCode::EngineFault => None,
    }
}

/// BIP340 verifications (Taproot): `Accel::bip340_batch` through the verify-job ring, the
/// challenge `e` computed here. A signature with r >= p or s >= n never goes to the device:
/// BIP340 checks the key before r and s and the device checks r and s first, so software
/// decides those (they fail in microseconds), and the reason is BIP340's.
pub(crate) struct SchnorrVerifying;

impl ChunkKind for SchnorrVerifying {
    type Job = SchnorrJob;
    type Out = SchnorrVerdict;
    const KIND: &'static str = "schnorr";
    const NO_RESULT_FAULT: &'static str = fault::ENGINE_FAULT;
    const REDO_MISSING: bool = true;

    fn device_can(job: &SchnorrJob) -> bool {
        check_rs(&job.sig64).is_ok()
    }
    fn run_device<B: Bus>(
        a: &mut Accel<B>,
        jobs: &[SchnorrJob],
    ) -> (Result<BatchInfo, DriverError>, Vec<Option<SchnorrVerdict>>) {
        let reqs: Vec<Bip340Job> = jobs.iter().map(bip340_job).collect();
        let mut out = vec![None; reqs.len()];
        let res = a.bip340_batch(&reqs, &mut out);
        let verdicts = out
            .iter()
            .map(|r| r.and_then(|r| schnorr_verdict_of(r.code)))
            .collect();
        (res, verdicts)
    }
    fn run_software<F: Backend>(
        f: &F,
        jobs: &[SchnorrJob],
    ) -> Result<Vec<SchnorrVerdict>, BackendError> {
        f.verify_schnorr_batch(jobs)
    }
    fn missing(index: usize) -> String {
        format!("no BIP340 verdict for job {index}")
    }
    fn show(out: &SchnorrVerdict) -> String {
        format!("{out:?}")
    }
    /// Counted with the ECDSA verifications (`Traffic` has one verify line).
    fn count_traffic(t: &mut Traffic, jobs: usize, info: &BatchInfo) {
        Verifying::count_traffic(t, jobs, info);
    }
}
