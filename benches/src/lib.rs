#![doc = include_str!("../README.md")]

use std::path::PathBuf;

use crypto_core::{PubkeyBytes, VerifyJob};
use k256::ecdsa::signature::hazmat::PrehashSigner;
use k256::ecdsa::{Signature, SigningKey};
use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha20Rng;

/// A file of the shared test data (`../shared/data` beside the repository).
pub fn shared_data(rel: &str) -> Result<PathBuf, String> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/data")
        .join(rel);
    if p.exists() {
        Ok(p)
    } else {
        Err(format!(
            "{} is missing: the benches need ../shared/data beside the repository",
            p.display()
        ))
    }
}

/// The bytes of mainnet block 413567.
pub fn block_413567() -> Result<Vec<u8>, String> {
    let p = shared_data("bitcoin-core/block413567.raw")?;
    std::fs::read(&p).map_err(|e| format!("{}: {e}", p.display()))
}

/// `n` valid verification jobs, deterministic in `seed`: distinct keys, one key in four
/// uncompressed (as on mainnet in 2016), low-S signatures on random 32-byte prehashes.
pub fn sample_verify_jobs(n: usize, seed: u64) -> Vec<VerifyJob> {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let mut jobs = Vec::with_capacity(n);
    while jobs.len() < n {
        let key = SigningKey::random(&mut rng);
        let mut z = [0u8; 32];
        rng.fill_bytes(&mut z);
        let Ok(sig) = PrehashSigner::<Signature>::sign_prehash(&key, &z) else {
            continue;
        };
        let (r, s) = sig.split_bytes();
        let enc = key.verifying_key().to_encoded_point(jobs.len() % 4 != 3);
        let Some(pubkey) = PubkeyBytes::from_sec1(enc.as_bytes()) else {
            continue;
        };
        jobs.push(VerifyJob {
            pubkey,
            prehash: z,
            r: r.into(),
            s: s.into(),
        });
    }
    jobs
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
}
