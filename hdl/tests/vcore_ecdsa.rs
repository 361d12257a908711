//! k256 == fallback-sw == VerifyCore ISS on ECDSA, many jobs in flight.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod vcore_common;

use rand::Rng;
use satchain_hdl::vcore::iss::Config;
use vcore_common::*;

#[test]
fn vcore_ecdsa_smoke() {
    let mut r = rng("vcore_ecdsa_smoke", 1);
    let mut cs = Vec::new();
    for i in 0..4 {
        let sk = signing_key(&mut r);
        let z: [u8; 32] = r.gen();
        let (rr, s) = sign(&sk, &z);
        cs.push(Case {
            what: format!("valid {i}"),
            pubkey: key_bytes(&sk, i % 2 == 0),
            z,
            r: rr,
            s,
        });
    }
    let run = run_cases(&cs, &Config::default());
    for (c, res) in cs.iter().zip(&run.results) {
        println!(
            "{}: code {} cycles {} stats m {} a {} c {}",
            c.what,
            res.code,
            res.cycles,
            res.stats.as_ref().map_or(0, |s| s.m_ops),
            res.stats.as_ref().map_or(0, |s| s.a_ops),
            res.stats.as_ref().map_or(0, |s| s.c_ops)
        );
    }
    println!("total {} ports {:?}", run.total_cycles, run.ports);
    check_against_sw(&cs, &run);
}
