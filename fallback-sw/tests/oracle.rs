#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::cast_possible_truncation
)]
//! SoftwareBackend against libsecp256k1 (the `secp256k1` crate) as an oracle, edge cases
//! named in the backend contract, hash known answers, and single-thread == parallel.

use crypto_core::{
    Backend, BackendError, HashJob, HashMode, PubkeyBytes, Verdict, VerifyFailure, VerifyJob,
};
use fallback_sw::{verify_one, SoftwareBackend};
use k256::ecdsa::signature::hazmat::PrehashSigner;
use k256::ecdsa::{Signature, SigningKey};
use k256::elliptic_curve::group::prime::PrimeCurveAffine;
use k256::elliptic_curve::ops::Reduce;
use k256::elliptic_curve::point::AffineCoordinates;
use k256::elliptic_curve::sec1::{FromEncodedPoint, ToEncodedPoint};
use k256::elliptic_curve::Field;
use k256::{AffinePoint, EncodedPoint, FieldBytes, ProjectivePoint, Scalar, U256};
use proptest::prelude::*;
use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha20Rng;

const N: [u8; 32] = hex32("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");
const P: [u8; 32] = hex32("fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f");

const fn hex32(s: &str) -> [u8; 32] {
    let b = s.as_bytes();
    let mut out = [0u8; 32];
    let mut i = 0;
    while i < 32 {
        out[i] = nib(b[2 * i]) << 4 | nib(b[2 * i + 1]);
        i += 1;
    }
    out
}
const fn nib(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        _ => panic!("bad hex"),
    }
}

/// Big-endian 256-bit add of a small value (wrapping), for "n + 1", "p + 1" and so on.
fn add_small(mut x: [u8; 32], mut v: u32) -> [u8; 32] {
    for byte in x.iter_mut().rev() {
        let t = *byte as u32 + (v & 0xff);
        *byte = (t & 0xff) as u8;
        v = (v >> 8) + (t >> 8);
    }
    x
}
fn sub_small(mut x: [u8; 32], mut v: u32) -> [u8; 32] {
    for byte in x.iter_mut().rev() {
        let t = *byte as i64 - (v & 0xff) as i64;
        let borrow = if t < 0 { 1 } else { 0 };
        *byte = (t + 256 * borrow) as u8;
        v = (v >> 8) + borrow as u32;
    }
    x
}
fn small(v: u32) -> [u8; 32] {
    add_small([0u8; 32], v)
}

/// libsecp256k1's verdict (true = valid). It rejects high S, so normalize first; the
/// backend contract is plain ECDSA for any s in [1, n-1].
fn oracle(job: &VerifyJob) -> bool {
    let secp = secp256k1::Secp256k1::verification_only();
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
    let msg = secp256k1::Message::from_digest(job.prehash);
    secp.verify_ecdsa(&msg, &sig, &pk).is_ok()
}

fn pubkey_of(point: &AffinePoint, compressed: bool) -> PubkeyBytes {
    let enc = point.to_encoded_point(compressed);
    PubkeyBytes::from_sec1(enc.as_bytes()).expect("valid SEC1 from k256")
}

fn signed_job(rng: &mut ChaCha20Rng, compressed: bool) -> VerifyJob {
    let key = SigningKey::random(rng);
    let mut z = [0u8; 32];
    rng.fill_bytes(&mut z);
    let sig: Signature = key.sign_prehash(&z).expect("sign");
    let (r, s) = sig.split_bytes();
    VerifyJob {
        pubkey: pubkey_of(key.verifying_key().as_affine(), compressed),
        prehash: z,
        r: r.into(),
        s: s.into(),
    }
}

fn neg_s(job: &VerifyJob) -> VerifyJob {
    let s = <Scalar as Reduce<U256>>::reduce_bytes(&FieldBytes::from(job.s));
    let mut j = job.clone();
    j.s = (-s).to_bytes().into();
    j
}

/// For any curve point R and s, builds the key Q for which (r = x(R) mod n, s) verifies on z:
/// R = u1 G + u2 Q  =>  Q = u2^-1 (R - u1 G), u1 = z/s, u2 = r/s.
fn forge(rpoint: &AffinePoint, s: Scalar, z: [u8; 32], compressed: bool) -> Option<VerifyJob> {
    let x = rpoint.x();
    let r = <Scalar as Reduce<U256>>::reduce_bytes(&x);
    if bool::from(r.is_zero()) {
        return None;
    }
    let zs = <Scalar as Reduce<U256>>::reduce_bytes(&FieldBytes::from(z));
    let s_inv = s.invert().expect("s != 0");
    let u1 = zs * s_inv;
    let u2 = r * s_inv;
    let q = (ProjectivePoint::from(*rpoint) - ProjectivePoint::GENERATOR * u1)
        * u2.invert().expect("r != 0");
    Some(VerifyJob {
        pubkey: pubkey_of(&q.to_affine(), compressed),
        prehash: z,
        r: r.to_bytes().into(),
        s: s.to_bytes().into(),
    })
}

/// The curve point with this x and even y, if x < p and x^3 + 7 is a square.
fn point_with_x(x: [u8; 32]) -> Option<AffinePoint> {
    let mut b = [0u8; 33];
    b[0] = 2;
    b[1..].copy_from_slice(&x);
    let enc = EncodedPoint::from_bytes(b).ok()?;
    Option::from(AffinePoint::from_encoded_point(&enc))
}

/// The verdict of k256 (`verify_one`), after checking that the libsecp256k1 verifier of the
/// backend gives exactly the same one (failure reason included).
fn verify_both(job: &VerifyJob) -> Verdict {
    let k = verify_one(job);
    let l = fallback_sw::Libsecp256k1::new().verify(job);
    assert_eq!(k, l, "k256 and libsecp256k1 verifiers disagree on {job:?}");
    k
}

fn check(job: &VerifyJob, want: Verdict) {
    let got = verify_both(job);
    assert_eq!(got, want, "backend verdict for {job:?}");
    assert_eq!(oracle(job), want.is_valid(), "oracle disagrees for {job:?}");
}

#[test]
fn verify_valid_and_high_s() {
    let mut rng = ChaCha20Rng::seed_from_u64(1);
    for compressed in [true, false] {
        let job = signed_job(&mut rng, compressed);
        check(&job, Verdict::Valid);
        let high = neg_s(&job);
        assert_ne!(high.s, job.s);
        check(&high, Verdict::Valid);
        let mut bad = job.clone();
        bad.prehash[31] ^= 1;
        check(&bad, Verdict::Invalid(VerifyFailure::Mismatch));
    }
}

#[test]
fn verify_r_and_s_range() {
    let mut rng = ChaCha20Rng::seed_from_u64(2);
    let job = signed_job(&mut rng, true);
    for (r, want) in [
        (small(0), Verdict::Invalid(VerifyFailure::BadR)),
        (N, Verdict::Invalid(VerifyFailure::BadR)),
        (add_small(N, 1), Verdict::Invalid(VerifyFailure::BadR)),
        ([0xff; 32], Verdict::Invalid(VerifyFailure::BadR)),
        (small(1), Verdict::Invalid(VerifyFailure::Mismatch)),
        (sub_small(N, 1), Verdict::Invalid(VerifyFailure::Mismatch)),
    ] {
        let mut j = job.clone();
        j.r = r;
        check(&j, want);
    }
    for (s, want) in [
        (small(0), Verdict::Invalid(VerifyFailure::BadS)),
        (N, Verdict::Invalid(VerifyFailure::BadS)),
        ([0xff; 32], Verdict::Invalid(VerifyFailure::BadS)),
        (small(1), Verdict::Invalid(VerifyFailure::Mismatch)),
        (sub_small(N, 1), Verdict::Invalid(VerifyFailure::Mismatch)),
    ] {
        let mut j = job.clone();
        j.s = s;
        check(&j, want);
    }
    // Precedence: r is checked before s, s before the key.
    let mut j = job.clone();
    j.r = small(0);
    j.s = small(0);
    j.pubkey = PubkeyBytes::Compressed([5; 33]);
    assert_eq!(verify_both(&j), Verdict::Invalid(VerifyFailure::BadR));
    j.r = small(1);
    assert_eq!(verify_both(&j), Verdict::Invalid(VerifyFailure::BadS));
}

#[test]
fn verify_valid_signatures_at_the_range_edges() {
    // s = 1 and s = n-1 (high), and r values from R points with small x, with x = n-1,
    // and with x >= n (r = x - n: the "r + n < p" case of the final check).
    let z = hex32("8b2c1a0d7e6f5a4b3c2d1e0f00112233445566778899aabbccddeeff00112233");
    let mut rng = ChaCha20Rng::seed_from_u64(3);
    let k = Scalar::random(&mut rng);
    let rpoint = (ProjectivePoint::GENERATOR * k).to_affine();
    for s in [small(1), sub_small(N, 1), small(2)] {
        let s = <Scalar as Reduce<U256>>::reduce_bytes(&FieldBytes::from(s));
        for compressed in [true, false] {
            check(
                &forge(&rpoint, s, z, compressed).expect("r != 0"),
                Verdict::Valid,
            );
        }
    }
    let mut found_reduced = 0;
    let mut found_small = 0;
    for v in 0..64u32 {
        for (x, is_reduced) in [
            (small(v), false),
            (add_small(N, v), true),
            (sub_small(N, v + 1), false),
        ] {
            let Some(rp) = point_with_x(x) else { continue };
            let Some(job) = forge(&rp, Scalar::from(7u64), z, true) else {
                continue;
            };
            check(&job, Verdict::Valid);
            if is_reduced {
                found_reduced += 1;
            } else if x < small(64) {
                found_small += 1;
            }
        }
    }
    assert!(
        found_reduced > 0 && found_small > 0,
        "no edge R points found: {found_reduced} {found_small}"
    );
}

#[test]
fn verify_prehash_not_below_n() {
    let mut rng = ChaCha20Rng::seed_from_u64(4);
    let key = SigningKey::random(&mut rng);
    for z in [[0xff; 32], N, add_small(N, 5), P] {
        let sig: Signature = key.sign_prehash(&z).expect("sign");
        let (r, s) = sig.split_bytes();
        let job = VerifyJob {
            pubkey: pubkey_of(key.verifying_key().as_affine(), true),
            prehash: z,
            r: r.into(),
            s: s.into(),
        };
        check(&job, Verdict::Valid);
        // z and z - n are the same message mod n.
        if z >= N {
            let mut reduced = job.clone();
            let zr = <Scalar as Reduce<U256>>::reduce_bytes(&FieldBytes::from(z));
            reduced.prehash = zr.to_bytes().into();
            assert_ne!(reduced.prehash, z);
            check(&reduced, Verdict::Valid);
        }
    }
}

#[test]
fn verify_bad_pubkeys() {
    let mut rng = ChaCha20Rng::seed_from_u64(5);
    let job = signed_job(&mut rng, false);
    let PubkeyBytes::Uncompressed(good) = job.pubkey.clone() else {
        panic!("want uncompressed")
    };
    let bad = Verdict::Invalid(VerifyFailure::BadPubkey);
    // Off the curve: y + 1.
    let mut off = good;
    off[64] ^= 1;
    check(
        &VerifyJob {
            pubkey: PubkeyBytes::Uncompressed(off),
            ..job.clone()
        },
        bad,
    );
    // x >= p, uncompressed and compressed.
    for x in [P, add_small(P, 1), add_small(P, 7), [0xff; 32]] {
        let mut u = good;
        u[1..33].copy_from_slice(&x);
        check(
            &VerifyJob {
                pubkey: PubkeyBytes::Uncompressed(u),
                ..job.clone()
            },
            bad,
        );
        let mut c = [2u8; 33];
        c[1..].copy_from_slice(&x);
        check(
            &VerifyJob {
                pubkey: PubkeyBytes::Compressed(c),
                ..job.clone()
            },
            bad,
        );
    }
    // y >= p.
    let mut u = good;
    u[33..].copy_from_slice(&P);
    check(
        &VerifyJob {
            pubkey: PubkeyBytes::Uncompressed(u),
            ..job.clone()
        },
        bad,
    );
    // Compressed x with no square root of x^3 + 7.
    let mut nonresidues = 0;
    for v in 1..40u32 {
        if point_with_x(small(v)).is_none() {
            let mut c = [3u8; 33];
            c[1..].copy_from_slice(&small(v));
            check(
                &VerifyJob {
                    pubkey: PubkeyBytes::Compressed(c),
                    ..job.clone()
                },
                bad,
            );
            nonresidues += 1;
        }
    }
    assert!(nonresidues > 0);
    // Unknown prefixes inside the enum (the fields are public, so this can be built).
    let mut c = [0u8; 33];
    c[1..].copy_from_slice(&good[1..33]);
    for prefix in [0u8, 1, 4, 5, 6, 7, 0xff] {
        c[0] = prefix;
        check(
            &VerifyJob {
                pubkey: PubkeyBytes::Compressed(c),
                ..job.clone()
            },
            bad,
        );
    }
    for prefix in [0u8, 2, 3, 5] {
        let mut u = good;
        u[0] = prefix;
        check(
            &VerifyJob {
                pubkey: PubkeyBytes::Uncompressed(u),
                ..job.clone()
            },
            bad,
        );
    }
    // The point at infinity has no SEC1 form the enum can hold; the generator is fine.
    let g = pubkey_of(&AffinePoint::generator(), true);
    assert!(matches!(
        verify_both(&VerifyJob {
            pubkey: g,
            ..job.clone()
        }),
        Verdict::Invalid(VerifyFailure::Mismatch)
    ));
}

#[test]
fn hash_known_answers() {
    let be = SoftwareBackend::single_thread();
    let genesis_header = hex::decode(concat!(
        "0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27ac72c3e",
        "67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c"
    ))
    .expect("hex");
    let header: [u8; 80] = genesis_header.try_into().expect("80 bytes");
    let jobs = vec![
        HashJob::sha256(b"abc".to_vec()),
        HashJob::sha256(Vec::new()),
        HashJob::sha256d(Vec::new()),
        HashJob::header80(&header),
        HashJob::merkle_node(&[0u8; 32], &[0u8; 32]),
    ];
    let out = be.hash_batch(&jobs).expect("hash");
    let mut genesis = out[3];
    genesis.reverse();
    assert_eq!(
        hex::encode(out[0]),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    assert_eq!(
        hex::encode(out[1]),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    assert_eq!(
        hex::encode(out[2]),
        "5df6e0e2761359d30a8275058e299fcc0381534545f55cf43e41983f5d4c9456"
    );
    assert_eq!(
        hex::encode(genesis),
        "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f"
    );
    // The merkle node of two zero hashes is SHA-256d of 64 zero bytes.
    assert_eq!(out[4], fallback_sw::sha256d(&[0u8; 64]));
    assert_ne!(out[4], fallback_sw::sha256(&[0u8; 64]));
}

#[test]
fn hash_bad_length_names_the_job() {
    let be = SoftwareBackend::parallel(2);
    let mut jobs: Vec<HashJob> = (0..10u8).map(|i| HashJob::sha256(vec![i; 10])).collect();
    jobs.push(HashJob {
        mode: HashMode::MerkleNode,
        data: vec![0; 63],
    });
    jobs.push(HashJob {
        mode: HashMode::Header80,
        data: vec![0; 81],
    });
    match be.hash_batch(&jobs) {
        Err(BackendError::BadJob { index: 10, reason }) => {
            assert!(reason.contains("64"), "{reason}")
        }
        other => panic!("want BadJob at 10, got {other:?}"),
    }
    assert!(be.hash_batch(&[]).expect("empty batch").is_empty());
    assert!(be.verify_batch(&[]).expect("empty batch").is_empty());
}

#[test]
fn single_thread_equals_parallel() {
    let mut rng = ChaCha20Rng::seed_from_u64(6);
    let mut vjobs = Vec::new();
    for i in 0..120 {
        let mut j = signed_job(&mut rng, i % 3 != 0);
        match i % 5 {
            1 => j.prehash[0] ^= 0x80,
            2 => j = neg_s(&j),
            3 => j.r = N,
            _ => {}
        }
        vjobs.push(j);
    }
    let mut hjobs = Vec::new();
    for i in 0..1000usize {
        let mut data = vec![0u8; i % 200];
        rng.fill_bytes(&mut data);
        hjobs.push(match i % 4 {
            0 => HashJob::sha256(data),
            1 => HashJob::sha256d(data),
            2 => HashJob {
                mode: HashMode::MerkleNode,
                data: vec![(i % 251) as u8; 64],
            },
            _ => HashJob {
                mode: HashMode::Header80,
                data: vec![(i % 13) as u8; 80],
            },
        });
    }
    let one = SoftwareBackend::single_thread();
    let v1 = one.verify_batch(&vjobs).expect("verify");
    let h1 = one.hash_batch(&hjobs).expect("hash");
    assert_eq!(v1.iter().filter(|v| v.is_valid()).count(), 72, "{v1:?}");
    for threads in [2, 3, 7, 0] {
        let par = SoftwareBackend::parallel(threads);
        assert_eq!(
            par.verify_batch(&vjobs).expect("verify"),
            v1,
            "threads={threads}"
        );
        assert_eq!(
            par.hash_batch(&hjobs).expect("hash"),
            h1,
            "threads={threads}"
        );
    }
    for (j, v) in vjobs.iter().zip(&v1) {
        assert_eq!(oracle(j), v.is_valid());
    }
    let st = one.stats();
    assert_eq!((st.hash_jobs, st.verify_jobs), (1000, 120));
}

proptest! {
    #![proptest_config(testkit::proptest_config!("verify_matches_libsecp256k1", 64))]

    /// Real signatures, optionally mutated: the backend agrees with libsecp256k1.
    #[test]
    fn verify_matches_libsecp256k1(seed in any::<u64>(), compressed in any::<bool>(), mutation in 0u8..6, bit in 0usize..256) {
        let mut rng = ChaCha20Rng::seed_from_u64(seed);
        let mut job = signed_job(&mut rng, compressed);
        match mutation {
            0 => {}
            1 => job = neg_s(&job),
            2 => job.prehash[bit / 8] ^= 1 << (bit % 8),
            3 => job.r[bit / 8] ^= 1 << (bit % 8),
            4 => job.s[bit / 8] ^= 1 << (bit % 8),
            _ => {
                let mut b = job.pubkey.as_bytes().to_vec();
                let i = 1 + bit % (b.len() - 1);
                b[i] ^= 1 << (bit % 8);
                job.pubkey = match b.len() { 33 => PubkeyBytes::Compressed(b.try_into().expect("33")), _ => PubkeyBytes::Uncompressed(b.try_into().expect("65")) };
            }
        }
        let got = verify_both(&job);
        prop_assert_eq!(got.is_valid(), oracle(&job), "seed {} mutation {} bit {} verdict {:?}", seed, mutation, bit, got);
        if mutation <= 1 { prop_assert!(got.is_valid()); }
    }
}

proptest! {
    #![proptest_config(testkit::proptest_config!("verify_random_bytes", 64))]

    /// Arbitrary bytes: never a panic, and the same validity as libsecp256k1.
    #[test]
    fn verify_random_bytes(r in any::<[u8; 32]>(), s in any::<[u8; 32]>(), z in any::<[u8; 32]>(), x in any::<[u8; 32]>(), prefix in 2u8..4) {
        let mut c = [prefix; 33];
        c[1..].copy_from_slice(&x);
        let job = VerifyJob { pubkey: PubkeyBytes::Compressed(c), prehash: z, r, s };
        prop_assert_eq!(verify_both(&job).is_valid(), oracle(&job));
    }
}
