//! Random signed ECDSA and BIP340 jobs, deterministic from a seed: the one generator of the
//! workspace (simulation tests, `satchain bench`, `satchain hw-report`, criterion benches).

use alloc::vec::Vec;

use crypto_core::{PubkeyBytes, SchnorrJob, VerifyJob};
use k256::ecdsa::signature::hazmat::PrehashSigner;
use k256::ecdsa::{Signature, SigningKey};
use rand_chacha::rand_core::{RngCore, SeedableRng};
use rand_chacha::ChaCha20Rng;

/// Which public keys come compressed (33 bytes) and which uncompressed (65 bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyMix {
    /// Each key's form drawn from the generator (about half of each).
    Random,
    /// Job i uncompressed when i % 4 == 3, as on mainnet in 2016 (the criterion benches'
    /// workload; no draw from the generator for it).
    EveryFourthUncompressed,
    /// The share `compressed : uncompressed` (e.g. a block's counts), the compressed keys
    /// spread evenly through the jobs (no draw from the generator for it).
    Share {
        compressed: usize,
        uncompressed: usize,
    },
}

/// `n` valid signatures over random 32-byte digests with random keys, low-S, compressed or
/// uncompressed keys at random; the same `seed` gives the same jobs.
pub fn random_valid_jobs(n: usize, seed: u64) -> Vec<VerifyJob> {
    random_valid_jobs_with(n, seed, KeyMix::Random)
}

/// As [`random_valid_jobs`], with the key forms chosen by `mix`.
pub fn random_valid_jobs_with(n: usize, seed: u64, mix: KeyMix) -> Vec<VerifyJob> {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let sk = SigningKey::random(&mut rng);
        let mut z = [0u8; 32];
        rng.fill_bytes(&mut z);
        let sig: Signature = match sk.sign_prehash(&z) {
            Ok(s) => s,
            Err(_) => continue,
        };
        let sig = sig.normalize_s().unwrap_or(sig);
        let (r, s) = sig.split_bytes();
        let compressed = match mix {
            KeyMix::Random => rng.next_u32() & 1 == 1,
            KeyMix::EveryFourthUncompressed => out.len() % 4 != 3,
            KeyMix::Share {
                compressed,
                uncompressed,
            } => {
                // round(n * share) compressed keys; job i takes one when the running count
                // steps between i and i + 1.
                let total = (compressed + uncompressed).max(1);
                let k = (n * compressed + total / 2) / total;
                let i = out.len();
                (i * k) / n != ((i + 1) * k) / n
            }
        };
        let pt = sk.verifying_key().to_encoded_point(compressed);
        let Some(pubkey) = PubkeyBytes::from_sec1(pt.as_bytes()) else {
            continue;
        };
        out.push(VerifyJob {
            pubkey,
            prehash: z,
            r: r.into(),
            s: s.into(),
        });
    }
    out
}

/// `n` valid BIP340 jobs, deterministic in `seed`: random keys, random 32-byte messages
/// (Taproot signs a 32-byte sighash) and random auxiliary data, signed by k256's BIP340
/// signer (`satchain hw-report`'s Schnorr batch, the criterion benches).
pub fn random_valid_schnorr_jobs(n: usize, seed: u64) -> Vec<SchnorrJob> {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let key = k256::schnorr::SigningKey::random(&mut rng);
        let mut msg32 = [0u8; 32];
        rng.fill_bytes(&mut msg32);
        let mut aux = [0u8; 32];
        rng.fill_bytes(&mut aux);
        let Ok(sig) = key.sign_raw(&msg32, &aux) else {
            continue;
        };
        out.push(SchnorrJob {
            xonly_pubkey: key.verifying_key().to_bytes().into(),
            msg32,
            sig64: sig.to_bytes(),
        });
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// `KeyMix::Share` gives round(n * share) compressed keys, spread through the batch, and
    /// the same jobs for the same seed.
    #[test]
    fn share_mix_counts_and_spreads() {
        let mix = KeyMix::Share {
            compressed: 3,
            uncompressed: 1,
        };
        let jobs = random_valid_jobs_with(10, 7, mix);
        let comp: Vec<bool> = jobs
            .iter()
            .map(|j| matches!(j.pubkey, PubkeyBytes::Compressed(_)))
            .collect();
        // round(10 * 3/4) = 8 (7.5 rounds up), never more than two uncompressed in a row.
        assert_eq!(comp.iter().filter(|&&c| c).count(), 8, "{comp:?}");
        assert!(!comp.windows(3).any(|w| w.iter().all(|&c| !c)), "{comp:?}");
        assert_eq!(jobs, random_valid_jobs_with(10, 7, mix));
        let all = random_valid_jobs_with(
            5,
            7,
            KeyMix::Share {
                compressed: 0,
                uncompressed: 9,
            },
        );
        assert!(all
            .iter()
            .all(|j| matches!(j.pubkey, PubkeyBytes::Uncompressed(_))));
    }

    /// The BIP340 generator: every job verifies in k256, the seed decides the jobs.
    #[test]
    fn schnorr_jobs_verify_and_follow_the_seed() {
        let jobs = random_valid_schnorr_jobs(6, 3);
        for j in &jobs {
            let vk = k256::schnorr::VerifyingKey::from_bytes(&j.xonly_pubkey).unwrap();
            let sig = k256::schnorr::Signature::try_from(&j.sig64[..]).unwrap();
            vk.verify_raw(&j.msg32, &sig).unwrap();
        }
        assert_eq!(jobs, random_valid_schnorr_jobs(6, 3));
        assert_ne!(jobs, random_valid_schnorr_jobs(6, 4));
    }
}
