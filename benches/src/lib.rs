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

/// Verifies one job with libsecp256k1 (the `secp256k1` crate): parse the key, parse the
/// compact signature, normalize S, verify — the same work `fallback_sw::verify_one` does.
pub fn libsecp256k1_verify(
    ctx: &secp256k1::Secp256k1<secp256k1::VerifyOnly>,
    job: &VerifyJob,
) -> bool {
    let Ok(pk) = secp256k1::PublicKey::from_slice(job.pubkey.as_bytes()) else {
        return false;
    };
    let mut compact = [0u8; 64];
    compact[..32].copy_from_slice(&job.r);
    compact[32..].copy_from_slice(&job.s);
    let Ok(mut sig) = secp256k1::ecdsa::Signature::from_compact(&compact) else {
        return false;
    };
    sig.normalize_s();
    ctx.verify_ecdsa(&secp256k1::Message::from_digest(job.prehash), &sig, &pk)
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sample_jobs_verify_in_both_libraries() {
        let ctx = secp256k1::Secp256k1::verification_only();
        let jobs = sample_verify_jobs(16, 1);
        assert_eq!(jobs.len(), 16);
        for j in &jobs {
            assert!(fallback_sw::verify_one(j).is_valid());
            assert!(libsecp256k1_verify(&ctx, j));
            let mut bad = j.clone();
            bad.prehash[0] ^= 1;
            assert!(!fallback_sw::verify_one(&bad).is_valid());
            assert!(!libsecp256k1_verify(&ctx, &bad));
        }
    }
}
