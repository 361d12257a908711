//! Exhaustive test of the VerifyCore programs on libsecp256k1's exhaustive-test curve
//! (y² = x³ + 2 over secp256k1's p, generator of order 13; `CurveDesc::toy13`): the same
//! program generator, the same ISS (whole core: ScalarUnit with modulus 13, two clusters),
//! against the affine reference arithmetic of `ecdsa::consts::Curve`. The job sets and the
//! reference codes are `satchain_hdl::vcore::toy` (the RTL test,
//! `verif/tests/vcore_verify_core_toy.rs`, runs the same ones through the Verilated core).
//! In a group this small the special paths (equal points, opposite points, R = infinity
//! mid-computation) are frequent; the test asserts each of them ran.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use satchain_hdl::vcore::iss::core::Run;
use satchain_hdl::vcore::iss::machine::CoreImage;
use satchain_hdl::vcore::iss::Config;
use satchain_hdl::vcore::program::{labels, ProgramOptions};
use satchain_hdl::vcore::toy::{Toy, ToyCases};

fn image(t: &Toy) -> CoreImage {
    CoreImage::new(&t.desc, &ProgramOptions::default()).unwrap()
}

fn run(img: &CoreImage, cases: &ToyCases) -> Run {
    let run = img
        .run(&Config::default(), &cases.jobs)
        .unwrap_or_else(|e| panic!("toy ISS: {e}"));
    for (i, (res, w)) in run.results.iter().zip(&cases.want).enumerate() {
        assert_eq!(res.code, *w, "job {i}: {:?}", cases.jobs[i]);
    }
    assert_eq!(run.results.len(), cases.jobs.len());
    let mut by = std::collections::BTreeMap::<u8, usize>::new();
    for r in &run.results {
        *by.entry(r.code).or_default() += 1;
    }
    println!("{} jobs, codes {by:?}", cases.jobs.len());
    run
}

#[test]
fn vcore_toy_ecdsa_exhaustive() {
    let t = Toy::new().unwrap();
    let img = image(&t);
    let cases = t.ecdsa_cases().unwrap();
    let run = run(&img, &cases);
    assert!(run.results[..cases.signed].iter().all(|r| r.code == 0));
    for l in [
        labels::SPECIAL_DBL,
        labels::SPECIAL_INF,
        labels::R_INFINITY,
        labels::DECOMPRESS,
    ] {
        let k = img.jobs_visiting(&run, l);
        println!("{l}: {k} of {} jobs", cases.jobs.len());
        assert!(k > 0, "{l} never ran");
    }
}

#[test]
fn vcore_toy_schnorr_exhaustive() {
    let t = Toy::new().unwrap();
    let img = image(&t);
    let cases = t.schnorr_cases().unwrap();
    let run = run(&img, &cases);
    assert!(img.jobs_visiting(&run, labels::SCHNORR_PARITY) > 0);
    assert!(img.jobs_visiting(&run, labels::R_INFINITY) > 0);
}
