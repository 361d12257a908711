//! k256 == ISS: the verification microcode on the instruction-set simulator against k256
//! (plain ECDSA: high-S accepted, as the Backend contract says), with the ISS code mapped to
//! crypto-core's `Verdict`.
//!
//! `SATCHAIN_PROPTEST_CASES` sets the random case count (default 2000); `SATCHAIN_SEED` replays
//! a run (the seed is printed at the start of every property test).
//!
//! Constructed edge cases (x(R) >= n, partial sums that meet, edge scalars and keys, program
//! variants): `ecdsa_iss_edges.rs`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::cast_possible_truncation
)]

mod ecdsa_iss_common;

use crypto_core::backend::Verdict;
use ecdsa_iss_common::*;
use k256::ecdsa::signature::hazmat::PrehashVerifier;
use k256::ecdsa::Signature;
use proptest::prelude::*;

#[test]
fn k256_rejects_high_s_and_the_oracle_normalizes() {
    // What k256 does: `verify_prehash` rejects a high-S signature that plain ECDSA accepts;
    // the oracle (and fallback-sw) normalize s, so high-S cases are VALID for the engine too.
    let key = signing_key(&[3; 32]);
    let z = [0x11; 32];
    let (r, s) = sign(&key, &z);
    let n = &curve().n;
    let high = be32(&(n - big(&s)));
    let sig = Signature::from_scalars(r, high).expect("in range");
    assert!(
        key.verifying_key().verify_prehash(&z, &sig).is_err(),
        "k256 accepts high-S?"
    );
    let case = Case {
        what: "high-S".into(),
        pubkey: key_bytes(&key, true),
        z,
        r,
        s: high,
    };
    assert_eq!(k256_verdict(&case), Verdict::Valid);
    assert_eq!(iss(&case, false).code, 0);
}

#[test]
fn iss_matches_k256_on_random_and_tampered_cases() {
    let mut runner = runner("iss_matches_k256_on_random_and_tampered_cases", cases());
    let strategy = (
        0u8..14,
        any::<[u8; 32]>(),
        any::<[u8; 32]>(),
        any::<[u8; 32]>(),
        any::<u16>(),
        any::<bool>(),
    );
    let counts = std::sync::Mutex::new([[0u32; 5]; 14]);
    let result = runner.run(&strategy, |(kind, sk, z, extra, bit, compressed)| {
        let c = make_case(kind, sk, z, extra, bit, compressed);
        let o = check(&c)?;
        if let Ok(mut m) = counts.lock() {
            m[usize::from(kind)][usize::from(o.code.min(4))] += 1;
        }
        Ok(())
    });
    if let Ok(m) = counts.lock() {
        println!("kind: [VALID, INVALID, BAD_R, BAD_S, BAD_PUBKEY] counts");
        for (k, row) in m.iter().enumerate() {
            println!("  {k:2}: {row:?}");
        }
    }
    if let Err(e) = result {
        panic!("{e}");
    }
}

#[test]
fn iss_accepts_valid_signatures_and_counts_cycles() {
    let mut runner = runner(
        "iss_accepts_valid_signatures_and_counts_cycles",
        (cases() / 4).max(50),
    );
    let strategy = (
        any::<[u8; 32]>(),
        any::<[u8; 32]>(),
        any::<bool>(),
        any::<bool>(),
    );
    let stats = std::sync::Mutex::new(Vec::new());
    runner
        .run(&strategy, |(sk, z, compressed, high)| {
            let mut c = make_case(if high { 1 } else { 0 }, sk, z, [0; 32], 0, compressed);
            c.what = format!("valid (compressed {compressed}, high-S {high})");
            let o = check(&c)?;
            prop_assert_eq!(o.code, 0);
            if let Ok(mut s) = stats.lock() {
                s.push((compressed, o.cycles, o.instructions));
            }
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
    let s = stats.lock().expect("stats");
    for compressed in [false, true] {
        let v: Vec<_> = s.iter().filter(|x| x.0 == compressed).collect();
        if v.is_empty() {
            continue;
        }
        let mean = v.iter().map(|x| x.1).sum::<u64>() as f64 / v.len() as f64;
        let min = v.iter().map(|x| x.1).min().unwrap_or(0);
        let max = v.iter().map(|x| x.1).max().unwrap_or(0);
        println!(
            "compressed={compressed}: {} verifies, cycles mean {mean:.0} min {min} max {max}",
            v.len()
        );
    }
}
