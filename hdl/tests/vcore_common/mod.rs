//! Shared helpers of the VerifyCore ISS tests: seeds, k256 signing, the software verdicts.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crypto_core::backend::{PubkeyBytes, Verdict, VerifyFailure, VerifyJob};
use k256::ecdsa::signature::hazmat::PrehashSigner;
use k256::ecdsa::{Signature, SigningKey};
use k256::elliptic_curve::sec1::ToEncodedPoint;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use satchain_hdl::vcore::iss::core::{CoreJob, Run};
use satchain_hdl::vcore::iss::machine::CoreImage;
use satchain_hdl::vcore::iss::Config;

pub fn seed(default: u64) -> u64 {
    std::env::var("SATCHAIN_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

pub fn cases(default: usize) -> usize {
    std::env::var("SATCHAIN_PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

pub fn rng(name: &str, default: u64) -> ChaCha8Rng {
    let s = seed(default);
    println!("{name}: seed {s} (replay with SATCHAIN_SEED={s})");
    ChaCha8Rng::seed_from_u64(s)
}

pub fn image() -> &'static CoreImage {
    CoreImage::secp256k1().unwrap_or_else(|e| panic!("program: {e}"))
}

/// A random signing key.
pub fn signing_key(r: &mut ChaCha8Rng) -> SigningKey {
    loop {
        let b: [u8; 32] = r.gen();
        if let Ok(k) = SigningKey::from_bytes(&b.into()) {
            return k;
        }
    }
}

pub fn key_bytes(sk: &SigningKey, compressed: bool) -> Vec<u8> {
    sk.verifying_key()
        .as_affine()
        .to_encoded_point(compressed)
        .as_bytes()
        .to_vec()
}

pub fn sign(sk: &SigningKey, z: &[u8; 32]) -> ([u8; 32], [u8; 32]) {
    let sig: Signature = sk.sign_prehash(z).unwrap();
    let b = sig.to_bytes();
    let mut r = [0u8; 32];
    let mut s = [0u8; 32];
    r.copy_from_slice(&b[..32]);
    s.copy_from_slice(&b[32..]);
    (r, s)
}

/// An ECDSA case: what it exercises, SEC1 key bytes, z, r, s (the type of `testkit::edges`,
/// so its constructed cases are used as they come).
pub use testkit::edges::EdgeCase as Case;

pub fn code_to_verdict(code: u8) -> Option<Verdict> {
    Some(match code {
        0 => Verdict::Valid,
        1 => Verdict::Invalid(VerifyFailure::Mismatch),
        2 => Verdict::Invalid(VerifyFailure::BadR),
        3 => Verdict::Invalid(VerifyFailure::BadS),
        4 => Verdict::Invalid(VerifyFailure::BadPubkey),
        _ => return None,
    })
}

/// The software backend's verdict (`fallback_sw::verify_one`) and the key bytes the
/// driver would send (hybrid keys converted), or None when the key is not a job.
pub fn sw_verdict(c: &Case) -> Option<(Verdict, Vec<u8>)> {
    let pubkey = PubkeyBytes::from_sec1(&c.pubkey)?;
    let job = VerifyJob {
        pubkey,
        prehash: c.z,
        r: c.r,
        s: c.s,
    };
    Some((
        fallback_sw::verify_one(&job),
        job.pubkey.as_bytes().to_vec(),
    ))
}

/// Runs ECDSA cases as one batch through the core ISS (default configuration).
pub fn run_cases(cases: &[Case], cfg: &Config) -> Run {
    let jobs: Vec<CoreJob> = cases
        .iter()
        .map(|c| CoreJob::ecdsa(&c.pubkey, &c.z, &c.r, &c.s).expect("33 or 65 bytes"))
        .collect();
    match image().run(cfg, &jobs) {
        Ok(r) => r,
        Err(e) => panic!("ISS error {e}"),
    }
}

/// Asserts ISS code == fallback-sw verdict for every case that is a job. A key the software
/// path converts (hybrid 0x06/0x07 -> 0x04) is run again on the converted bytes, as the driver
/// would send them.
pub fn check_against_sw(cases: &[Case], run: &Run) {
    let mut converted: Vec<(Case, Verdict)> = Vec::new();
    for (c, r) in cases.iter().zip(&run.results) {
        let Some((want, bytes)) = sw_verdict(c) else {
            continue;
        };
        if bytes != c.pubkey {
            converted.push((
                Case {
                    what: format!("{} (converted key)", c.what),
                    pubkey: bytes,
                    ..c.clone()
                },
                want,
            ));
            continue;
        }
        assert_eq!(
            code_to_verdict(r.code),
            Some(want),
            "{}: ISS code {} vs fallback-sw {:?}\ncase {:?}",
            c.what,
            r.code,
            want,
            c
        );
    }
    if converted.is_empty() {
        return;
    }
    let cs: Vec<Case> = converted.iter().map(|(c, _)| c.clone()).collect();
    let run2 = run_cases(&cs, &Config::default());
    for ((c, want), r) in converted.iter().zip(&run2.results) {
        assert_eq!(
            code_to_verdict(r.code),
            Some(*want),
            "{}: ISS code {} vs fallback-sw {:?}\ncase {:?}",
            c.what,
            r.code,
            want,
            c
        );
    }
}
