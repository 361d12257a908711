//! The VerifyCore ISS against the timing model written out by hand (ARCH.md "Timing model",
//! VCORE-DECISIONS.md): micro-programs whose cycle counts follow from the rules alone, a wait
//! field made too permissive (the ISS reports a hazard), and the fault paths (illegal word,
//! watchdog, unchecked word).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::cast_possible_truncation
)]

use num_bigint::BigUint;
use satchain_hdl::vcore::asm::{Asm, AsmOptions, Program};
use satchain_hdl::vcore::consts::CurveDesc;
use satchain_hdl::vcore::isa::{Cond, Instr, Op, Reg, Src, NO_WAIT};
use satchain_hdl::vcore::iss::core::{CoreJob, Run};
use satchain_hdl::vcore::iss::machine::CoreImage;
use satchain_hdl::vcore::iss::{Config, IssError};
use satchain_hdl::vcore::program::{ENTRY_ECDSA, ENTRY_SCHNORR};
use satchain_hdl::vcore::su::model::{self as su, JobKind, SuJob, SuModulus};
use satchain_hdl::vcore::timing;

fn desc() -> CurveDesc {
    CurveDesc::secp256k1().unwrap()
}

/// One ECDSA job with r = s = 1, z = 0 (S0 = 1).
fn job() -> CoreJob {
    let mut one = [0u8; 32];
    one[31] = 1;
    let mut key = vec![2u8];
    key.extend_from_slice(&[0u8; 32]);
    CoreJob::ecdsa(&key, &[0u8; 32], &one, &one).unwrap()
}

fn su_cycles() -> u64 {
    let j = job();
    u64::from(
        su::run(
            &SuModulus::secp256k1(),
            &SuJob {
                kind: JobKind::Ecdsa,
                z: j.z,
                r: j.r,
                s: j.s,
            },
        )
        .unwrap()
        .cycles,
    )
}

/// First select cycle of a single job: SU output at su_cycles, pushed into the ReadyQueue
/// that cycle, handed to cluster 0 the next, HEAD after 6 load words + ALU_WB + FETCH.
fn first_select() -> u64 {
    su_cycles() + 1 + 6 + u64::from(timing::ALU_WB) + u64::from(timing::FETCH_CYCLES)
}

fn program(body: impl FnOnce(&mut Asm)) -> Program {
    let mut a = Asm::new();
    a.entry(ENTRY_ECDSA);
    body(&mut a);
    a.entry(ENTRY_SCHNORR);
    a.halt(9);
    a.finish_with(&AsmOptions::as_written()).unwrap()
}

fn run_words(words: Vec<u64>, cfg: &Config, jobs: &[CoreJob]) -> Result<Run, IssError> {
    let d = desc();
    let mut p = program(|a| a.halt(0));
    p.words = words;
    let img = CoreImage::from_program(&d, p).unwrap();
    img.run(cfg, jobs)
}

fn run_prog(p: Program) -> Run {
    let img = CoreImage::from_program(&desc(), p).unwrap();
    img.run(&Config::default(), &[job()]).unwrap()
}

#[test]
fn vcore_iss_mul_chain_timing() {
    // MULP P0 <- S0·S0 ; MULP P1 <- P0·P0 (mw 0) ; HALT (waits for mc = 0)
    let p = program(|a| {
        a.mulp(Reg::p(0), Reg::s(0), Reg::s(0));
        a.mulp(Reg::p(1), Reg::p(0), Reg::p(0));
        a.halt(0);
    });
    assert_eq!(p.instrs[1].mw, 0);
    let img = CoreImage::from_program(&desc(), p).unwrap();
    let cfg = Config {
        trace: true,
        ..Config::default()
    };
    let run = img.run(&cfg, &[job()]).unwrap();
    let wb = u64::from(timing::MUL_WB);
    let f = first_select();
    let t1 = f + wb + 1; // reads P0 in a cycle > its write cycle f + MUL_WB
    let h = t1 + wb + 1; // HALT when the second MULP has written
    assert_eq!(run.results[0].code, 0);
    assert_eq!(run.results[0].cycles, h - f + 1);
    assert_eq!(run.results[0].done_cycle, h);
    assert_eq!(run.total_cycles, h + 1);
    // The write trace: six job words, then P0 at f + MUL_WB and P1 at t1 + MUL_WB.
    let tr = &run.traces[0];
    assert_eq!(tr.len(), 8, "{tr:?}");
    let hs = su_cycles() + 1;
    for (j, (c, th, w)) in tr[..6].iter().enumerate() {
        assert_eq!(
            (*c, *th),
            (hs + 1 + j as u64 + u64::from(timing::ALU_WB), 0)
        );
        assert!(
            matches!(w, satchain_hdl::vcore::iss::exec::Write::Reg(r, _) if *r == Reg::s(j as u8))
        );
    }
    assert_eq!(tr[6].0, f + wb);
    assert_eq!(tr[7].0, t1 + wb);
}

#[test]
fn vcore_iss_alu_flag_branch_timing() {
    // LIN S6 = S0 - S0 (EQ = 1) ; NOP BR EQ ok (aw 0) ; HALT 1 ; ok: HALT 0
    let p = program(|a| {
        let ok = a.label("ok");
        a.subp(Reg::s(6), Reg::s(0), Reg::s(0));
        a.br(Cond::Eq, ok);
        a.halt(1);
        a.bind(ok);
        a.halt(0);
    });
    let run = run_prog(p);
    let f = first_select();
    let t_br = f + u64::from(timing::ALU_WB) + 1;
    let h = t_br + u64::from(timing::FETCH_CYCLES);
    assert_eq!(run.results[0].code, 0);
    assert_eq!(run.results[0].cycles, h - f + 1);
}

#[test]
fn vcore_iss_rec_dig_timing() {
    // REC S0 (= 1), slot 0, w 4 ; DIG 0 + HALT 0 (waits rc = 0).
    let p = program(|a| {
        a.rec(Reg::s(0), 0, 4);
        a.emit_flow(Op::Dig { slot: 0 }, satchain_hdl::vcore::asm::Flow::Halt(0));
    });
    let run = run_prog(p);
    let f = first_select();
    let accept = f + u64::from(timing::ALU_WB);
    let load = accept + 1;
    let done = load + u64::from(timing::REC_START) - 1 + 136;
    let h = done + 1;
    assert_eq!(run.results[0].cycles, h - f + 1);
}

#[test]
fn vcore_iss_reports_a_hazard_when_a_wait_is_too_permissive() {
    let img = CoreImage::secp256k1().unwrap();
    let p = &img.program;
    // a valid job
    let sk = k256::ecdsa::SigningKey::from_bytes(&[7u8; 32].into()).unwrap();
    let z = [3u8; 32];
    let sig: k256::ecdsa::Signature =
        k256::ecdsa::signature::hazmat::PrehashSigner::sign_prehash(&sk, &z).unwrap();
    let b = sig.to_bytes();
    use k256::elliptic_curve::sec1::ToEncodedPoint;
    let key = sk.verifying_key().as_affine().to_encoded_point(true);
    let j = CoreJob::ecdsa(
        key.as_bytes(),
        &z,
        b[..32].try_into().unwrap(),
        b[32..].try_into().unwrap(),
    )
    .unwrap();
    assert_eq!(
        img.run(&Config::default(), std::slice::from_ref(&j))
            .unwrap()
            .results[0]
            .code,
        0
    );
    // The instructions after the ECDSA entry that wait on the multiplier with mw = 0, in
    // program order. Lifting one such wait is either harmless on this job's path (the list
    // scheduler placed the instruction late enough anyway, or another wait covers it: the run
    // must then still be valid) or a hazard the ISS reports at exactly that PC. Which of them
    // is the first harmful one depends on the schedule (and so on `vcore::timing`), so the
    // test walks them until one is; it must find one among the first 16.
    let e = usize::from(p.label(ENTRY_ECDSA).unwrap());
    let candidates: Vec<usize> = (e..p.instrs.len())
        .filter(|&i| {
            p.instrs[i].mw == 0
                && matches!(
                    p.instrs[i].op.class(),
                    satchain_hdl::vcore::isa::Class::A | satchain_hdl::vcore::isa::Class::M
                )
        })
        .take(16)
        .collect();
    let mut found = None;
    for &k in &candidates {
        let mut words = p.words.clone();
        let mut bad: Instr = p.instrs[k];
        bad.mw = NO_WAIT;
        words[k] = bad.encode().unwrap();
        let mut img2 = img.clone();
        img2.machine = satchain_hdl::vcore::iss::Machine::new(
            &words,
            &img.desc.k_image(),
            img.machine.entries,
        );
        match img2.run(&Config::default(), std::slice::from_ref(&j)) {
            Ok(run) => assert_eq!(run.results[0].code, 0, "wait lifted at pc {k}"),
            Err(IssError::Hazard { pc, .. }) => {
                assert_eq!(usize::from(pc), k);
                found = Some(k);
                break;
            }
            Err(other) => panic!("wait lifted at pc {k}: expected a hazard, got {other:?}"),
        }
    }
    assert!(
        found.is_some(),
        "no hazard reported with the wait lifted at any of {candidates:?}"
    );
}

#[test]
fn vcore_iss_fault_paths() {
    let cfg = Config::default();
    // An illegal opcode after a MULP: HALT 15 once the MULP has written back.
    let p = program(|a| {
        a.mulp(Reg::p(0), Reg::s(0), Reg::s(0));
        a.nop(); // replaced below
    });
    let mut words = p.words.clone();
    words[1] = 63u64 << 58;
    let run = run_words(words.clone(), &cfg, &[job()]).unwrap();
    let f = first_select();
    let h = f + u64::from(timing::MUL_WB) + 1;
    assert_eq!(run.results[0].code, 15);
    assert_eq!(run.results[0].cycles, h - f + 1);
    // ctl = 7 and HALT on an ALU op fault too.
    words[1] = 7u64 << 18;
    assert_eq!(
        run_words(words.clone(), &cfg, &[job()]).unwrap().results[0].code,
        15
    );
    let mut i = Instr::new(
        Op::Odd {
            a: Reg::s(0).into(),
        },
        satchain_hdl::vcore::isa::Ctl::Seq,
    );
    i.mw = NO_WAIT;
    i.aw = NO_WAIT;
    words[1] = i.encode().unwrap() | (6 << 18);
    assert_eq!(
        run_words(words.clone(), &cfg, &[job()]).unwrap().results[0].code,
        15
    );
    // A word the RTL does not check (LIN coefficient code 7) is a program error.
    let lin = Instr::new(
        Op::Lin {
            d: Reg::s(6),
            a: Reg::s(0).into(),
            b: Src::k(1),
            ka: 1,
            kb: 1,
        },
        satchain_hdl::vcore::isa::Ctl::Seq,
    );
    words[1] = lin.encode().unwrap() | (7 << 27);
    assert!(matches!(
        run_words(words.clone(), &cfg, &[job()]),
        Err(IssError::Unchecked { pc: 1, .. })
    ));
    // Watchdog: a loop forever.
    let p = program(|a| {
        let l = a.here("spin");
        a.jmp(l);
    });
    let cfg_w = Config {
        watchdog: 1000,
        ..cfg
    };
    let img = CoreImage::from_program(&desc(), p).unwrap();
    let run = img.run(&cfg_w, &[job(), job()]).unwrap();
    for r in &run.results {
        assert_eq!(r.code, 15);
        assert!(r.cycles >= 1000 && r.cycles < 1000 + 8, "{}", r.cycles);
    }
    let _ = BigUint::default();
}
