#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::cast_possible_truncation
)]
//! BIP340's official test vectors (all 19, valid and invalid) on both software verifiers,
//! with the failure reason each invalid vector must give; the batch API with both verifiers;
//! and the signing vectors reproduced by k256's signer (the demo builder's).

use crypto_core::schnorr::verify_k256;
use crypto_core::{Backend, SchnorrFailure, SchnorrJob, SchnorrVerdict};
use fallback_sw::{Libsecp256k1, SoftwareBackend, Verifier};

struct Vector {
    index: usize,
    secret: Option<[u8; 32]>,
    pubkey: [u8; 32],
    aux: Option<[u8; 32]>,
    msg: Vec<u8>,
    sig: [u8; 64],
    valid: bool,
    comment: String,
}

fn arr<const N: usize>(h: &str) -> [u8; N] {
    hex::decode(h).unwrap().try_into().unwrap()
}

fn vectors() -> Vec<Vector> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../crypto-core/tests/data/bip340-test-vectors.csv"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap().trim(),
        "index,secret key,public key,aux_rand,message,signature,verification result,comment"
    );
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.trim_end().splitn(8, ',').collect();
            assert_eq!(f.len(), 8, "{l}");
            let opt = |s: &str| (!s.is_empty()).then(|| arr::<32>(s));
            Vector {
                index: f[0].parse().unwrap(),
                secret: opt(f[1]),
                pubkey: arr(f[2]),
                aux: opt(f[3]),
                msg: hex::decode(f[4]).unwrap(),
                sig: arr(f[5]),
                valid: match f[6] {
                    "TRUE" => true,
                    "FALSE" => false,
                    other => panic!("result {other:?}"),
                },
                comment: f[7].to_string(),
            }
        })
        .collect()
}

/// The verdict each vector must get. The invalid ones name their reason in the comment; the
/// assert on the comment keeps this table tied to the file.
fn expected(v: &Vector) -> SchnorrVerdict {
    if v.valid {
        return SchnorrVerdict::Valid;
    }
    let (reason, phrase) = match v.index {
        5 => (SchnorrFailure::BadPubkey, "public key not on the curve"),
        14 => (SchnorrFailure::BadPubkey, "exceeds the field size"),
        12 => (SchnorrFailure::BadR, "sig[0:32] is equal to field size"),
        13 => (SchnorrFailure::BadS, "sig[32:64] is equal to curve order"),
        6 => (SchnorrFailure::Mismatch, "has_even_y(R) is false"),
        7 => (SchnorrFailure::Mismatch, "negated message"),
        8 => (SchnorrFailure::Mismatch, "negated s value"),
        9 | 10 => (SchnorrFailure::Mismatch, "sG - eP is infinite"),
        11 => (
            SchnorrFailure::Mismatch,
            "is not an X coordinate on the curve",
        ),
        i => panic!("vector {i} is invalid but has no expected reason"),
    };
    assert!(
        v.comment.contains(phrase),
        "vector {}: {}",
        v.index,
        v.comment
    );
    SchnorrVerdict::Invalid(reason)
}

#[test]
fn bip340_vectors_all_pass_on_both_verifiers() {
    let vs = vectors();
    assert_eq!(vs.len(), 19, "BIP340 has 19 vectors (0..=18)");
    assert_eq!(vs.iter().filter(|v| !v.valid).count(), 10);
    let lib = Libsecp256k1::new();
    for v in &vs {
        let want = expected(v);
        let k = verify_k256(&v.pubkey, &v.msg, &v.sig);
        let l = lib.verify_schnorr_msg(&v.pubkey, &v.msg, &v.sig);
        assert_eq!(k, want, "k256, vector {} ({})", v.index, v.comment);
        assert_eq!(l, want, "libsecp256k1, vector {} ({})", v.index, v.comment);
    }
}

/// The 32-byte-message vectors as jobs through `verify_schnorr_batch`, every verifier and
/// thread mode (one batch, verdicts in job order).
#[test]
fn bip340_vectors_through_the_batch_api() {
    let vs: Vec<Vector> = vectors()
        .into_iter()
        .filter(|v| v.msg.len() == 32)
        .collect();
    assert_eq!(vs.len(), 15);
    let jobs: Vec<SchnorrJob> = vs
        .iter()
        .map(|v| SchnorrJob {
            xonly_pubkey: v.pubkey,
            msg32: v.msg.clone().try_into().unwrap(),
            sig64: v.sig,
        })
        .collect();
    let want: Vec<SchnorrVerdict> = vs.iter().map(expected).collect();
    // 64 copies make the batch large enough to be split over threads.
    let big: Vec<SchnorrJob> = jobs.iter().cycle().take(jobs.len() * 64).cloned().collect();
    let big_want: Vec<SchnorrVerdict> = want.iter().cycle().take(big.len()).copied().collect();
    for &verifier in Verifier::ALL {
        for be in [
            SoftwareBackend::single_thread().with_verifier(verifier),
            SoftwareBackend::parallel(4).with_verifier(verifier),
        ] {
            assert_eq!(be.verify_schnorr_batch(&jobs).unwrap(), want, "{verifier}");
            assert_eq!(
                be.verify_schnorr_batch(&big).unwrap(),
                big_want,
                "{verifier}"
            );
            assert_eq!(be.schnorr_jobs(), (jobs.len() + big.len()) as u64);
        }
    }
}

/// The vectors with a secret key: k256's BIP340 signer (the demo builder's) gives exactly the
/// vector's signature for its aux_rand.
#[test]
fn bip340_signing_vectors_reproduce() {
    let mut n = 0;
    for v in vectors() {
        let (Some(sk), Some(aux)) = (v.secret, v.aux) else {
            continue;
        };
        let key = k256::schnorr::SigningKey::from_bytes(&sk).unwrap();
        let pk: [u8; 32] = key.verifying_key().to_bytes().into();
        assert_eq!(pk, v.pubkey, "vector {}", v.index);
        let sig = key.sign_raw(&v.msg, &aux).unwrap().to_bytes();
        assert_eq!(sig, v.sig, "vector {}", v.index);
        n += 1;
    }
    assert_eq!(n, 8, "vectors 0-3 and 15-18 carry a secret key");
}

/// Random keys, messages and single-bit corruptions: both verifiers agree, reason included.
#[test]
fn verifiers_agree_on_random_and_corrupted_signatures() {
    use rand::{Rng, RngCore, SeedableRng};
    let seed: u64 = std::env::var("SATCHAIN_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(340);
    let cases: usize = std::env::var("SATCHAIN_PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(256);
    let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(seed);
    let lib = Libsecp256k1::new();
    let (mut valid, mut invalid) = (0, 0);
    for case in 0..cases {
        let key = k256::schnorr::SigningKey::random(&mut rng);
        let mut msg = [0u8; 32];
        rng.fill_bytes(&mut msg);
        let mut aux = [0u8; 32];
        rng.fill_bytes(&mut aux);
        let mut job = SchnorrJob {
            xonly_pubkey: key.verifying_key().to_bytes().into(),
            msg32: msg,
            sig64: key.sign_raw(&msg, &aux).unwrap().to_bytes(),
        };
        match rng.gen_range(0..4) {
            0 => {}
            1 => job.sig64[rng.gen_range(0..64)] ^= 1 << rng.gen_range(0..8),
            2 => job.msg32[rng.gen_range(0..32)] ^= 1 << rng.gen_range(0..8),
            _ => job.xonly_pubkey[rng.gen_range(0..32)] ^= 1 << rng.gen_range(0..8),
        }
        let k = crypto_core::schnorr::verify_job_k256(&job);
        let l = lib.verify_schnorr(&job);
        assert_eq!(k, l, "seed {seed} case {case}: {job:?}");
        if k.is_valid() {
            valid += 1;
        } else {
            invalid += 1;
        }
    }
    assert!(
        valid > 0 && invalid > 0,
        "seed {seed}: {valid} valid, {invalid} invalid"
    );
}
