//! RTL == ISS on the engine's self-test microcode (`engine::selftest_program()`): every
//! opcode, both operand sources, the index register, every BR condition, loops, MULP/MULN.
//! Compares the HALT code, the cycle count (ISS sum of `timing.rs` == RTL counter)
//! and the full register-write trace, over random inputs (proptest-style, seeded; case count
//! from SATCHAIN_PROPTEST_CASES). A failing case prints its seed and leaves a VCD.

use num_bigint::BigUint;
use rand::{Rng, SeedableRng};
use satchain_hdl::ecdsa::engine::selftest_program;
use satchain_hdl::ecdsa::model::{Iss, RunOptions};
use verif::ecdsa::{EngineRun, EngineSim, SELFTEST_MODEL};

fn cases(default: u32) -> usize {
    testkit::cases(default) as usize
}

fn p() -> BigUint {
    BigUint::parse_bytes(
        b"fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f",
        16,
    )
    .unwrap()
}

fn n() -> BigUint {
    BigUint::parse_bytes(
        b"fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141",
        16,
    )
    .unwrap()
}

/// Random value < p, biased towards edges.
fn field(rng: &mut impl Rng, nonzero: bool) -> BigUint {
    let p = p();
    let v = match rng.gen_range(0..8) {
        0 => &p - 1u32,
        1 => BigUint::from(1u32),
        2 => &p - BigUint::from(rng.gen::<u32>()) - 1u32,
        3 => BigUint::from(rng.gen::<u64>()),
        _ => {
            let mut b = [0u8; 32];
            rng.fill(&mut b);
            BigUint::from_bytes_be(&b) % &p
        }
    };
    if nonzero && v == BigUint::from(0u32) {
        BigUint::from(5u32)
    } else {
        v
    }
}

fn compare(inputs: &[BigUint], program: &[u32], rtl: &EngineRun) -> Result<(), String> {
    let iss = Iss::secp256k1()
        .run_regs(
            program,
            inputs,
            &RunOptions {
                trace: true,
                ..RunOptions::default()
            },
        )
        .map_err(|e| format!("ISS error: {e}"))?;
    let iss_writes: Vec<(u8, BigUint)> = iss.trace.iter().filter_map(|t| t.write.clone()).collect();
    let rtl_writes: Vec<(u8, BigUint)> = rtl
        .writes
        .iter()
        .map(|w| (w.reg, w.value.clone()))
        .collect();
    for (i, (a, b)) in iss_writes.iter().zip(&rtl_writes).enumerate() {
        if a != b {
            let pc = iss
                .trace
                .iter()
                .filter(|t| t.write.is_some())
                .nth(i)
                .map(|t| t.pc);
            return Err(format!(
                "write #{i} (ISS pc {pc:?}) differs: ISS R{}={:x}, RTL R{}={:x}",
                a.0, a.1, b.0, b.1
            ));
        }
    }
    if iss_writes.len() != rtl_writes.len() {
        return Err(format!(
            "ISS wrote {} times, RTL {}",
            iss_writes.len(),
            rtl_writes.len()
        ));
    }
    if u64::from(rtl.code) != u64::from(iss.code) {
        return Err(format!("code: ISS {} RTL {}", iss.code, rtl.code));
    }
    if u64::from(rtl.cycles) != iss.cycles {
        return Err(format!("cycles: ISS {} RTL {}", iss.cycles, rtl.cycles));
    }
    if rtl.wall_cycles != iss.cycles + 1 {
        return Err(format!(
            "start->done took {} clock cycles, expected cycles + 1 = {}",
            rtl.wall_cycles,
            iss.cycles + 1
        ));
    }
    Ok(())
}

#[test]
fn ecdsa_engine_selftest_rtl_equals_iss() {
    let program = selftest_program().expect("self-test program assembles");
    let count = cases(8);
    let seed = testkit::seed("ecdsa_engine_selftest_rtl_equals_iss");
    println!("ecdsa_engine_selftest: {count} cases");
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let mut sim = EngineSim::new(SELFTEST_MODEL).expect("model ecdsa_engine_selftest");
    sim.trace = true;
    for case in 0..count {
        let mut inputs: Vec<BigUint> = (0..6).map(|i| field(&mut rng, i == 1 || i == 2)).collect();
        // The self-test's precondition: R1 in [1, n-1].
        if inputs[1] >= n() {
            inputs[1] = &inputs[1] - n() + 1u32;
        }
        let rtl = sim.run_regs(&inputs).expect("RTL run");
        if let Err(e) = compare(&inputs, &program, &rtl) {
            let vcd = verif::sim::vcd_path(&format!("ecdsa_engine_selftest-{seed}-{case}"));
            if let Ok(mut s) = EngineSim::with_vcd(SELFTEST_MODEL, &vcd) {
                s.trace = true;
                let _ = s.run_regs(&inputs);
                s.flush_vcd();
            }
            panic!(
                "case {case} (seed {seed}) inputs {:x?}: {e}; VCD: {}",
                inputs
                    .iter()
                    .map(|v| v.to_str_radix(16))
                    .collect::<Vec<_>>(),
                vcd.display()
            );
        }
        if case == 0 {
            println!(
                "case 0: code {} cycles {} writes {}",
                rtl.code,
                rtl.cycles,
                rtl.writes.len()
            );
        }
    }
}

/// EngineFault (15) for an illegal opcode, an illegal BR condition, a reserved opcode (5, ISA
/// v1's INVN, removed with the ModInv unit) and an endless loop (watchdog); code 0 otherwise. The engine must come back
/// (done pulse, not busy) every time, and run the next job normally.
#[test]
fn ecdsa_engine_faults_stop_with_engine_fault() {
    use satchain_hdl::ecdsa::timing::WATCHDOG_CYCLES;
    let mut sim = EngineSim::new("ecdsa_engine_faults").expect("model ecdsa_engine_faults");
    let zero = BigUint::from(0u32);
    for (sel, want) in [
        (1u32, 15u8),
        (0, 0),
        (2, 15),
        (3, 15),
        (0, 0),
        (4, 15),
        (9, 0),
    ] {
        let regs = vec![BigUint::from(sel), zero.clone()];
        let run = sim.run_regs(&regs).expect("engine finishes");
        println!("R0={sel}: code {} cycles {}", run.code, run.cycles);
        assert_eq!(run.code, want, "R0 = {sel}");
        if sel == 4 {
            assert_eq!(run.cycles, WATCHDOG_CYCLES + 1, "watchdog cycle count");
        }
    }
}
