//! The engine's clock-domain crossing (`hdl/src/ecdsa/cdc.rs`) on the Verilated top, through
//! the real driver: at several bus/engine clock ratios (engine slower, equal, faster, and
//! non-integer ratios) every verdict equals the software backend's and every job's engine
//! cycle count (`ECDSA_CYCLES`, counted in the engine domain) equals the ISS's prediction,
//! so the crossing neither loses, duplicates nor corrupts a job. A soft reset in the middle of
//! a job (the reset pulse is one bus cycle, shorter than an engine cycle at the slow ratios)
//! leaves the engine usable. A failure names the ratio and leaves a VCD in `target/vcd/`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::cast_possible_truncation
)]

use accel_driver::regmap::{ecdsa_key, reg};
use accel_driver::{Accel, Bus, EcdsaJob, EcdsaResult};
use crypto_core::{Backend, Verdict, VerifyJob};
use fallback_sw::SoftwareBackend;
use satchain_fpga::ecdsa_job;
use satchain_hdl::ecdsa::model;
use satchain_hdl::ecdsa::program::verify_program;
use verif::bus::{sim_driver_config, VerilatorBus};

/// Valid signatures (compressed and uncompressed keys, seeded by `salt`), every third with a
/// tampered prehash (INVALID, after a full run).
fn jobs(n: usize, salt: u8) -> Vec<VerifyJob> {
    let mut js = verif::ecdsa::random_valid_jobs(n, u64::from(salt));
    for j in js.iter_mut().skip(2).step_by(3) {
        j.prehash[0] ^= 1;
    }
    js
}

/// HALT code and cycles the ISS predicts for a job.
fn iss(j: &VerifyJob) -> (u8, u32) {
    let inputs = EcdsaJob::new(j.pubkey.as_bytes(), &j.prehash, &j.r, &j.s).unwrap();
    let o = model::run(&verify_program().words, &inputs).unwrap();
    (o.code, o.cycles as u32)
}

fn open(num: u32, den: u32, vcd: bool) -> Accel<VerilatorBus> {
    let mut bus = if vcd {
        let p = verif::sim::vcd_path(&format!("ecdsa_cdc-{num}-{den}"));
        println!("VCD: {}", p.display());
        VerilatorBus::engine_top_with_vcd(p).unwrap()
    } else {
        VerilatorBus::engine_top().unwrap()
    };
    bus.model().set_aux_clock_ratio(num, den).unwrap();
    let cfg = accel_driver::Config {
        read_engine_cycles: true,
        ..sim_driver_config()
    };
    Accel::open(bus, cfg).unwrap()
}

fn run(a: &mut Accel<VerilatorBus>, js: &[VerifyJob]) -> Vec<EcdsaResult> {
    let reqs: Vec<EcdsaJob> = js.iter().map(ecdsa_job).collect();
    let mut out = vec![None; reqs.len()];
    a.ecdsa_batch(&reqs, &mut out).unwrap();
    out.into_iter()
        .map(|r| r.expect("every job answered"))
        .collect()
}

fn check_ratio(num: u32, den: u32) -> Result<(), String> {
    let js = jobs(4, (num * 16 + den) as u8);
    let sw = SoftwareBackend::single_thread().verify_batch(&js).unwrap();
    let mut a = open(num, den, false);
    let bus_before = a.bus_mut().model().cycles();
    let eng_before = a.bus_mut().model().aux_cycles();
    let got = run(&mut a, &js);
    let bus_cycles = a.bus_mut().model().cycles() - bus_before;
    let eng_cycles = a.bus_mut().model().aux_cycles() - eng_before;
    for (i, (j, r)) in js.iter().zip(&got).enumerate() {
        let (code, cycles) = iss(j);
        if r.code as u8 != code {
            return Err(format!("job {i}: code {:?}, ISS {code}", r.code));
        }
        if r.engine_cycles != Some(cycles) {
            return Err(format!(
                "job {i}: engine cycles {:?}, ISS {cycles}",
                r.engine_cycles
            ));
        }
        let want = matches!(sw[i], Verdict::Valid);
        if (code == 0) != want {
            return Err(format!("job {i}: ISS code {code}, software {:?}", sw[i]));
        }
    }
    println!("ratio {num}/{den}: 4 verifies, {bus_cycles} bus cycles, {eng_cycles} engine cycles");
    Ok(())
}

#[test]
fn ecdsa_cdc_every_ratio_gives_the_iss_cycles_and_the_software_verdict() {
    // engine/bus: shipped 20/39 (76.9/150 MHz), equal, slow, faster, non-integer both ways.
    for (num, den) in [(20, 39), (1, 1), (1, 6), (3, 1), (7, 5), (5, 7)] {
        if let Err(e) = check_ratio(num, den) {
            let _ = std::panic::catch_unwind(|| {
                let js = jobs(4, (num * 16 + den) as u8);
                let mut a = open(num, den, true);
                let _ = run(&mut a, &js);
                a.bus_mut().model().flush_vcd();
            });
            panic!("engine/bus clock ratio {num}/{den}: {e} (VCD ecdsa_cdc-{num}-{den})");
        }
    }
}

#[test]
fn ecdsa_cdc_soft_reset_mid_job_leaves_the_engine_usable() {
    for (num, den) in [(1, 6), (20, 39), (3, 1)] {
        let mut a = open(num, den, false);
        let js = jobs(2, 0x33);
        // Queue one job by hand (40 operand words + KEY), let the engine start, reset.
        let req = ecdsa_job(&js[0]);
        for part in [req.z, req.r, req.s, req.qx, req.qy] {
            for w in accel_driver::accel::be_words(&part) {
                a.bus_mut().write32(reg::ECDSA_IN.offset, w).unwrap();
            }
        }
        let key = ecdsa_key::PREFIX.put(u32::from(req.prefix)) | ecdsa_key::TAG.put(7);
        a.bus_mut()
            .write32(reg::ECDSA_IN.offset, key)
            .unwrap_or_else(|e| panic!("{e:?}"));
        a.bus_mut().model().ticks(2_000);
        a.recover().unwrap();
        // The aborted job left nothing behind; the next batch is exact.
        let got = run(&mut a, &js);
        for (i, (j, r)) in js.iter().zip(&got).enumerate() {
            let (code, cycles) = iss(j);
            assert_eq!(r.code as u8, code, "ratio {num}/{den} job {i}");
            assert_eq!(r.engine_cycles, Some(cycles), "ratio {num}/{den} job {i}");
        }
        println!("ratio {num}/{den}: soft reset mid-job, next batch exact");
    }
}
