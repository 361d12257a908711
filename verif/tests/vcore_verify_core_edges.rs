//! The constructed ECDSA edge cases of issue 11 on the VerifyCore RTL (`vcore_verify_core`,
//! the real secp256k1 program loaded): `testkit::edges::ecdsa_edges`, the same cases the ISS
//! test `hdl/tests/vcore_ecdsa.rs` (`vcore_ecdsa_constructed_edges`) runs —
//! Q = ±G with u1 = ±u2 (partial sums that meet: a doubling inside an addition; or cancel:
//! R = infinity), x(R) in [n, p) built on purpose (only the r + n comparison accepts), u1 or u2
//! at the GLV rounding boundaries (`CurveDesc::glv_test_scalars`), r and s at 0, 1, n − 1, n on
//! both key forms.
//!
//! Every job's accept cycle, verdict (tag, code, cycles) and leave cycle on the RTL equal the
//! ISS's (`core_check::check`, which writes a VCD of the cycles before a difference under
//! `target/vcd/`), every code equals the software backend's (`fallback_sw::verify_one`, k256),
//! and the special paths of the program ran (counted on the ISS run of the same jobs), so a
//! case set that stopped reaching them fails. `SATCHAIN_SEED` (printed) varies the random
//! scalars of the constructions.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may panic
#![allow(clippy::cast_possible_truncation)]

#[path = "vcore_common/cases.rs"]
mod cases;
#[path = "vcore_common/core_check.rs"]
mod core_check;

use core_check::check;
use crypto_core::backend::{PubkeyBytes, Verdict, VerifyFailure, VerifyJob};
use num_bigint::BigUint;
use satchain_hdl::vcore::consts::CurveDesc;
use satchain_hdl::vcore::iss::core::CoreJob;
use satchain_hdl::vcore::iss::machine::CoreImage;
use satchain_hdl::vcore::iss::Config;
use satchain_hdl::vcore::program::labels;
use testkit::edges::{ecdsa_edges, EdgeCase, X_GE_N_VALID};
use verif::vcore::verify_core::CoreTbJob;

fn be32(v: &BigUint) -> [u8; 32] {
    let b = v.to_bytes_be();
    let mut o = [0u8; 32];
    o[32 - b.len()..].copy_from_slice(&b);
    o
}

/// The software backend's code for a case (a key of a wrong length or prefix: BAD_PUBKEY).
fn reference(c: &EdgeCase) -> u8 {
    let v = match PubkeyBytes::from_sec1(&c.pubkey) {
        Some(pubkey) => fallback_sw::verify_one(&VerifyJob {
            pubkey,
            prehash: c.z,
            r: c.r,
            s: c.s,
        }),
        None => Verdict::Invalid(VerifyFailure::BadPubkey),
    };
    cases::code(v)
}

#[test]
fn vcore_verify_core_constructed_edges() {
    let seed = verif::vcore::seed();
    println!("seed {seed} (replay with SATCHAIN_SEED={seed})");
    let desc = CurveDesc::secp256k1().unwrap();
    let bounds: Vec<[u8; 32]> = desc.glv_test_scalars().iter().map(be32).collect();
    let cs = ecdsa_edges(seed, &bounds);
    let img = CoreImage::secp256k1().unwrap();
    let jobs: Vec<CoreTbJob> = cs
        .iter()
        .enumerate()
        .map(|(i, c)| CoreTbJob {
            job: CoreJob::ecdsa(&c.pubkey, &c.z, &c.r, &c.s)
                .unwrap_or_else(|e| panic!("case {i} {}: {e:?}", c.what)),
            tag: i as u16,
            arrival: 0,
        })
        .collect();
    // Back to back, the verdict port always ready: the core full from the first cycle.
    let rtl = check("vcore_verify_core_edges", seed, img, 1, &jobs, &[]);
    let mut by_code = std::collections::BTreeMap::<u8, usize>::new();
    for (i, (v, c)) in rtl.verdicts.iter().zip(&cs).enumerate() {
        let want = reference(c);
        assert_eq!(
            v.code, want,
            "SATCHAIN_SEED={seed} case {i} ({}): RTL/ISS code {} vs software {want}\n{c:?}",
            c.what, v.code
        );
        assert_eq!(v.tag, i as u16, "SATCHAIN_SEED={seed} case {i}");
        if c.what == X_GE_N_VALID {
            assert_eq!(
                v.code, 0,
                "SATCHAIN_SEED={seed} case {i}: x(R) >= n must verify"
            );
        }
        *by_code.entry(v.code).or_default() += 1;
    }
    assert!(
        cs.iter().any(|c| c.what == X_GE_N_VALID),
        "no x(R) >= n case"
    );
    println!(
        "{} cases, {} cycles: RTL == ISS (accept, verdict, leave cycle) == software; codes {by_code:?}",
        cs.len(),
        rtl.cycles
    );
    // The special paths ran (the ISS run of the same jobs says which labels they visited).
    let cj: Vec<CoreJob> = jobs.iter().map(|j| j.job.clone()).collect();
    let iss = img
        .run(
            &Config {
                clusters: 1,
                ..Config::default()
            },
            &cj,
        )
        .unwrap_or_else(|e| panic!("ISS: {e}"));
    for l in [
        labels::SPECIAL_DBL,
        labels::SPECIAL_INF,
        labels::R_INFINITY,
        labels::FINAL_R_PLUS_N,
        labels::DECOMPRESS,
    ] {
        let k = img.jobs_visiting(&iss, l);
        println!("{l}: {k} jobs");
        assert!(k > 0, "SATCHAIN_SEED={seed}: no case ran {l}");
    }
}
