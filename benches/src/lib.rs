#![doc = include_str!("../README.md")]

use std::path::PathBuf;

use crypto_core::{SchnorrJob, VerifyJob};

/// A file of the shared test data (`../shared/data` beside the repository; `testkit::data`).
pub fn shared_data(rel: &str) -> Result<PathBuf, String> {
    testkit::data::path(rel)
}

/// The bytes of mainnet block 413567.
pub fn block_413567() -> Result<Vec<u8>, String> {
    let p = shared_data("bitcoin-core/block413567.raw")?;
    std::fs::read(&p).map_err(|e| format!("{}: {e}", p.display()))
}

/// `n` valid verification jobs, deterministic in `seed`: distinct keys, one key in four
/// uncompressed (as on mainnet in 2016), low-S signatures on random 32-byte prehashes (the
/// workspace's one generator, `testkit::jobs`).
pub fn sample_verify_jobs(n: usize, seed: u64) -> Vec<VerifyJob> {
    testkit::jobs::random_valid_jobs_with(n, seed, testkit::jobs::KeyMix::EveryFourthUncompressed)
}

/// `n` valid BIP340 jobs, deterministic in `seed` (`testkit::jobs::random_valid_schnorr_jobs`:
/// random keys, 32-byte messages as Taproot signs, k256's BIP340 signer).
pub fn sample_schnorr_jobs(n: usize, seed: u64) -> Vec<SchnorrJob> {
    testkit::jobs::random_valid_schnorr_jobs(n, seed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sample_jobs_verify_in_both_libraries() {
        let libsecp = fallback_sw::Libsecp256k1::new();
        let jobs = sample_verify_jobs(16, 1);
        assert_eq!(jobs.len(), 16);
        for j in &jobs {
            assert!(fallback_sw::verify_one(j).is_valid());
            assert!(libsecp.verify(j).is_valid());
            let mut bad = j.clone();
            bad.prehash[0] ^= 1;
            assert!(!fallback_sw::verify_one(&bad).is_valid());
            assert!(!libsecp.verify(&bad).is_valid());
        }
    }

    #[test]
    fn sample_schnorr_jobs_verify_in_both_libraries() {
        let libsecp = fallback_sw::Libsecp256k1::new();
        let jobs = sample_schnorr_jobs(16, 1);
        assert_eq!(jobs.len(), 16);
        for j in &jobs {
            assert!(crypto_core::schnorr::verify_job_k256(j).is_valid());
            assert!(libsecp.verify_schnorr(j).is_valid());
            let mut bad = j.clone();
            bad.msg32[0] ^= 1;
            assert!(!crypto_core::schnorr::verify_job_k256(&bad).is_valid());
            assert!(!libsecp.verify_schnorr(&bad).is_valid());
        }
    }
}
