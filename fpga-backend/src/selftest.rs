//! Known-answer self-test run at open: a few hashes of every mode and verifications that
//! must come out valid, mismatched and malformed. Expected values are published constants
//! (SHA-256 "abc", Bitcoin's genesis header hash) or were produced once with k256 and are
//! checked here against the software fallback as well.

use crypto_core::backend::{Digest32, HashJob, PubkeyBytes, Verdict, VerifyFailure, VerifyJob};

fn h32(s: &str) -> [u8; 32] {
    let mut b = [0u8; 32];
    // The literals below are 64 hex digits; a malformed one would give zeros and fail the test loudly.
    if let Ok(v) = hex::decode(s) {
        if v.len() == 32 {
            b.copy_from_slice(&v);
        }
    }
    b
}

/// Bitcoin's genesis block header (80 bytes).
const GENESIS: &str = "0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c";

/// Hash jobs and their known digests.
pub fn hash_vectors() -> Vec<(HashJob, Digest32)> {
    let genesis = hex::decode(GENESIS).unwrap_or_default();
    let mut header = [0u8; 80];
    if genesis.len() == 80 {
        header.copy_from_slice(&genesis);
    }
    vec![
        (
            HashJob::sha256(b"abc".to_vec()),
            h32("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ),
        (
            HashJob::sha256(vec![b'a'; 1000]),
            h32("41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3"),
        ),
        (
            HashJob::sha256d(Vec::new()),
            h32("5df6e0e2761359d30a8275058e299fcc0381534545f55cf43e41983f5d4c9456"),
        ),
        (
            HashJob::merkle_node(&[0; 32], &[0; 32]),
            h32("e2f61c3f71d1defd3fa999dfa36953755c690689799962b48bebd836974e8cf9"),
        ),
        (
            HashJob::header80(&header),
            h32("6fe28c0ab6f1b372c1a6a246ae63f74f931e8365e15a089c68d6190000000000"),
        ),
    ]
}

const KAT_PUB: &str = "034f355bdcb7cc0af728ef3cceb9615d90684bb5b2ca5f859ab0f0b704075871aa";
const KAT_PUB_U: &str = "044f355bdcb7cc0af728ef3cceb9615d90684bb5b2ca5f859ab0f0b704075871aa385b6b1b8ead809ca67454d9683fcf2ba03456d6fe2c4abe2b07f0fbdbb2f1c1";
const KAT_Z: &str = "b2771b20ab2b7fae80737686d1d8234199f17b6b214a97949093dbca152d8c82";
const KAT_R: &str = "b37a7028aa781cacc684931ae31ae1e993198e94a86e1e8bffb33f8f945e5590";
const KAT_S: &str = "31944c9f75253df921d47ec8b8ba11ca5f80bac64cad91634c588d25bcef911d";

/// Verification jobs and their known verdicts.
pub fn verify_vectors() -> Vec<(VerifyJob, Verdict)> {
    let pk = |s: &str| hex::decode(s).ok().and_then(|b| PubkeyBytes::from_sec1(&b));
    let (Some(c), Some(u)) = (pk(KAT_PUB), pk(KAT_PUB_U)) else {
        return Vec::new();
    };
    let good = VerifyJob {
        pubkey: c,
        prehash: h32(KAT_Z),
        r: h32(KAT_R),
        s: h32(KAT_S),
    };
    let mut wrong_z = good.clone();
    wrong_z.prehash[31] ^= 1;
    let mut off_curve = u.clone();
    if let PubkeyBytes::Uncompressed(a) = &mut off_curve {
        a[64] ^= 1;
    }
    vec![
        (good.clone(), Verdict::Valid),
        (
            VerifyJob {
                pubkey: u,
                ..good.clone()
            },
            Verdict::Valid,
        ),
        (wrong_z, Verdict::Invalid(VerifyFailure::Mismatch)),
        (
            VerifyJob {
                r: [0; 32],
                ..good.clone()
            },
            Verdict::Invalid(VerifyFailure::BadR),
        ),
        (
            VerifyJob {
                s: [0xff; 32],
                ..good.clone()
            },
            Verdict::Invalid(VerifyFailure::BadS),
        ),
        (
            VerifyJob {
                pubkey: off_curve,
                ..good
            },
            Verdict::Invalid(VerifyFailure::BadPubkey),
        ),
    ]
}
