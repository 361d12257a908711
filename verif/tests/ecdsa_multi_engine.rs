//! The shipped top's two ECDSA engines (`top`) against the one-engine top (`top_1eng`): the
//! top loads each staged job into the lowest idle engine, so a batch runs on both at once. Through
//! the real driver every verdict equals the software backend's and every job's engine cycle
//! count equals the ISS's; the batch must take clearly fewer bus cycles than the same batch
//! on the one-engine top (both engines really work in parallel). A failure leaves a VCD in
//! `target/vcd/`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::cast_possible_truncation
)]

use accel_driver::{Accel, EcdsaJob, EcdsaResult};
use crypto_core::{Backend, Verdict, VerifyJob};
use fallback_sw::SoftwareBackend;
use satchain_fpga::ecdsa_job;
use satchain_hdl::ecdsa::model;
use satchain_hdl::ecdsa::program::verify_program;
use verif::bus::{sim_driver_config, VerilatorBus};
use verif::sim::Model;

/// Valid signatures (compressed and uncompressed keys), every fourth with a wrong `s`
/// (INVALID after a full run).
fn jobs(n: usize) -> Vec<VerifyJob> {
    let mut js = verif::ecdsa::random_valid_jobs(n, 0x2e);
    for j in js.iter_mut().skip(3).step_by(4) {
        j.s[31] ^= 1;
    }
    js
}

fn open(model: &str, vcd: bool) -> Accel<VerilatorBus> {
    let m = if vcd {
        let p = verif::sim::vcd_path(&format!("ecdsa_multi_engine-{model}"));
        println!("VCD: {}", p.display());
        Model::with_vcd(model, p).unwrap()
    } else {
        Model::new(model).unwrap()
    };
    let bus = VerilatorBus::from_model(m).unwrap();
    let cfg = accel_driver::Config {
        read_engine_cycles: true,
        ..sim_driver_config()
    };
    Accel::open(bus, cfg).unwrap()
}

/// Runs the batch; returns the results and the bus cycles it took.
fn run(a: &mut Accel<VerilatorBus>, js: &[VerifyJob]) -> (Vec<EcdsaResult>, u64) {
    let reqs: Vec<EcdsaJob> = js.iter().map(ecdsa_job).collect();
    let mut out = vec![None; reqs.len()];
    let t0 = a.bus_mut().model().cycles();
    a.ecdsa_batch(&reqs, &mut out).unwrap();
    let cycles = a.bus_mut().model().cycles() - t0;
    let res = out
        .into_iter()
        .map(|r| r.expect("every job answered"))
        .collect();
    (res, cycles)
}

fn check(model: &str, js: &[VerifyJob]) -> Result<u64, String> {
    let sw = SoftwareBackend::single_thread().verify_batch(js).unwrap();
    let mut a = open(model, false);
    let engines = a.caps().ecdsa_engines;
    let (got, cycles) = run(&mut a, js);
    for (i, (j, r)) in js.iter().zip(&got).enumerate() {
        let inputs = EcdsaJob::new(j.pubkey.as_bytes(), &j.prehash, &j.r, &j.s).unwrap();
        let o = model::run(&verify_program().words, &inputs).unwrap();
        if r.code as u8 != o.code || r.engine_cycles != Some(o.cycles as u32) {
            return Err(format!(
                "{model} job {i}: code {:?} cycles {:?}, ISS {} / {}",
                r.code, r.engine_cycles, o.code, o.cycles
            ));
        }
        if (o.code == 0) != matches!(sw[i], Verdict::Valid) {
            return Err(format!(
                "{model} job {i}: ISS code {}, software {:?}",
                o.code, sw[i]
            ));
        }
    }
    println!(
        "{model} ({engines} engine(s)): {} verifies in {cycles} bus cycles",
        js.len()
    );
    Ok(cycles)
}

#[test]
fn two_engines_share_a_batch_and_match_iss_and_software() {
    let js = jobs(6);
    let two = check(verif::bus::ENGINE_TOP_MODEL, &js).unwrap_or_else(|e| {
        let _ = std::panic::catch_unwind(|| {
            let mut a = open(verif::bus::ENGINE_TOP_MODEL, true);
            let _ = run(&mut a, &jobs(6));
            a.bus_mut().model().flush_vcd();
        });
        panic!("{e}");
    });
    let one = check("top_1eng", &js).unwrap();
    // Two engines in parallel: about half the one-engine time (measured 0.50).
    assert!(
        (two as f64) < 0.6 * one as f64,
        "2 engines took {two} bus cycles, 1 engine {one}: the jobs did not run in parallel"
    );
}
