//! VerifyCore assembler (labels, folding, scheduling, errors) and the wait computation
//! against a brute-force enumeration of paths. (Encoding and decoding: `vcore_isa.rs`.)
//!
//! `SATCHAIN_SEED` replays a run (the seed is printed); `SATCHAIN_PROPTEST_CASES` scales the
//! number of random cases.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::cast_possible_truncation
)]

use isa_rng::{cases, rng};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use satchain_hdl::vcore::asm::{Asm, AsmOptions};
use satchain_hdl::vcore::isa::{Bank, Cond, Ctl, Instr, Op, Operand, Reg, Src, NO_WAIT};
use satchain_hdl::vcore::waits::compute_waits;

#[path = "vcore_common/isa_rng.rs"]
mod isa_rng;

// ---------------------------------------------------------------------------------------
// Waits: brute force over paths.

/// What an instruction reads that a unit produces: (is_m, resource id). Written from ISA.md
/// for the ops the random programs use (independent of `effects.rs`): P registers are
/// produced by M-ops, S registers and EQ/LT/C/OD by A-ops. Ids: registers by code (0..63),
/// flags 100 + k.
fn ref_reads(i: &Instr) -> Vec<(bool, u32)> {
    let mut v = Vec::new();
    let mut src = |s: Src| {
        if let Operand::Reg(r) = s.base {
            let last = if s.indexed { 31 } else { r.n };
            for n in r.n..=last {
                match r.bank {
                    Bank::P => v.push((true, u32::from(n))),
                    Bank::S => v.push((false, 32 + u32::from(n))),
                }
            }
        }
    };
    match i.op {
        Op::MulP { a, b, .. } | Op::Lin { a, b, .. } | Op::Add { a, b, .. } => {
            src(a);
            src(b)
        }
        Op::Cmp { a, b } => {
            src(a);
            src(b)
        }
        Op::Mov { b, .. } => src(b),
        Op::Odd { a } => src(a),
        _ => {}
    }
    if let Ctl::Br(c, _) = i.ctl {
        let id = match c {
            Cond::Eq | Cond::Ne => Some(100),
            Cond::Lt | Cond::Ge => Some(101),
            Cond::C | Cond::Nc => Some(102),
            Cond::Od | Cond::Ev => Some(103),
            _ => None,
        };
        if let Some(id) = id {
            v.push((false, id));
        }
    }
    v
}

fn ref_writes(i: &Instr) -> Vec<u32> {
    match i.op {
        Op::MulP { d, .. } => vec![u32::from(d.n)],
        Op::Lin { d, .. } => vec![32 + u32::from(d.n), 100],
        Op::Add { d, .. } => vec![32 + u32::from(d.n), 102],
        Op::Mov { d, .. } => vec![32 + u32::from(d.n)],
        Op::Cmp { .. } => vec![100, 101],
        Op::Odd { .. } => vec![103],
        _ => vec![],
    }
}

fn ref_succ(p: &[Instr], pc: usize) -> Vec<usize> {
    let mut v = match p[pc].ctl {
        Ctl::Seq => vec![pc + 1],
        Ctl::Jmp(t) => vec![usize::from(t)],
        Ctl::Br(_, t) | Ctl::Djnz(t) => vec![usize::from(t), pc + 1],
        _ => vec![],
    };
    v.retain(|&s| s < p.len());
    v
}

/// Minimum over all paths from PC 0 of the count of same-class ops after the last producer,
/// per instruction and unit: (mw, aw) expected, or None if unreachable.
fn brute_waits(p: &[Instr]) -> Vec<Option<(u8, u8)>> {
    let n = p.len();
    let mut best: Vec<Option<(u32, u32)>> = vec![None; n];
    let max_len = 2 * n + 2;
    let mut path: Vec<usize> = vec![0];
    fn visit(p: &[Instr], path: &mut Vec<usize>, best: &mut [Option<(u32, u32)>], max_len: usize) {
        let x = *path.last().unwrap_or(&0);
        let (mut m, mut a) = (u32::MAX, u32::MAX);
        for (is_m, res) in ref_reads(&p[x]) {
            // last writer before x on the path
            let prefix = &path[..path.len() - 1];
            if let Some(yi) = prefix
                .iter()
                .rposition(|&y| ref_writes(&p[y]).contains(&res))
            {
                let count = prefix[yi + 1..]
                    .iter()
                    .filter(|&&k| {
                        let c = p[k].op.class();
                        if is_m {
                            c == satchain_hdl::vcore::isa::Class::M
                        } else {
                            c == satchain_hdl::vcore::isa::Class::A
                        }
                    })
                    .count() as u32;
                if is_m {
                    m = m.min(count);
                } else {
                    a = a.min(count);
                }
            }
        }
        let e = best[x].get_or_insert((u32::MAX, u32::MAX));
        e.0 = e.0.min(m);
        e.1 = e.1.min(a);
        if path.len() >= max_len {
            return;
        }
        for s in ref_succ(p, x) {
            path.push(s);
            visit(p, path, best, max_len);
            path.pop();
        }
    }
    if n > 0 {
        visit(p, &mut path, &mut best, max_len);
    }
    let w = |v: u32| {
        if v == u32::MAX {
            NO_WAIT
        } else {
            v.min(6) as u8
        }
    };
    best.into_iter()
        .map(|b| b.map(|(m, a)| (w(m), w(a))))
        .collect()
}

fn small_program(r: &mut ChaCha8Rng, len: usize, branchy: bool) -> Vec<Instr> {
    let reg = |r: &mut ChaCha8Rng| {
        if r.gen() {
            Reg::p(r.gen_range(0..4))
        } else {
            Reg::s(r.gen_range(0..4))
        }
    };
    let src = |r: &mut ChaCha8Rng| -> Src {
        let s: Src = reg(r).into();
        if r.gen_ratio(1, 8) {
            // indexed: reads from base to the end of the bank
            Src { indexed: true, ..s }
        } else {
            s
        }
    };
    let mut p = Vec::new();
    let mut branches = 0;
    for pc in 0..len {
        let op = match r.gen_range(0..8) {
            0..=2 => Op::MulP {
                d: Reg::p(r.gen_range(0..4)),
                a: src(r),
                b: src(r),
            },
            3 | 4 => Op::Lin {
                d: Reg::s(r.gen_range(0..4)),
                a: src(r),
                b: src(r),
                ka: 1,
                kb: -1,
            },
            5 => Op::Cmp {
                a: src(r),
                b: src(r),
            },
            6 => Op::Add {
                d: Reg::s(r.gen_range(0..4)),
                a: src(r),
                b: src(r),
            },
            _ => Op::Mov {
                d: Reg::s(r.gen_range(0..4)),
                b: src(r),
            },
        };
        let ctl = if pc + 1 == len {
            Ctl::Seq
        } else if branchy && branches < 3 && r.gen_ratio(1, 4) {
            branches += 1;
            let t = r.gen_range(0..len) as u16;
            match r.gen_range(0..3) {
                0 => Ctl::Jmp(t),
                1 => Ctl::Br(Cond::ALL[r.gen_range(0..8)], t),
                _ => Ctl::Br(Cond::Ne, t),
            }
        } else {
            Ctl::Seq
        };
        p.push(Instr::new(op, ctl));
    }
    p.push(Instr::new(Op::Nop, Ctl::Halt(0)));
    p
}

#[test]
fn vcore_waits_equal_brute_force() {
    let mut r = rng("vcore_waits_equal_brute_force");
    for k in 0..cases(600) {
        let branchy = k % 2 == 1;
        let len = r.gen_range(1..if branchy { 10 } else { 16 });
        let mut p = small_program(&mut r, len, branchy);
        compute_waits(&mut p, &[0]);
        let want = brute_waits(&p);
        for (pc, (i, w)) in p.iter().zip(&want).enumerate() {
            let got = (i.mw, i.aw);
            let want = w.unwrap_or((0, 0));
            assert_eq!(
                got,
                want,
                "case {k} pc {pc}: {i}\nprogram:\n{}",
                p.iter()
                    .enumerate()
                    .map(|(pc, i)| format!("{pc:3} {i}\n"))
                    .collect::<String>()
            );
        }
    }
}

#[test]
fn vcore_waits_through_call_and_ret() {
    // 0: MULP P0 ; CALL 4 | 1: MULP P2, P1 (P1 from the routine) | 2: NOP HALT
    // 4: routine: MULP P1, P0 ; 5: NOP RET. Also called from 6 after more M-ops.
    let m = |d: u8, a: u8| Op::MulP {
        d: Reg::p(d),
        a: Reg::p(a).into(),
        b: Src::k(1),
    };
    let mut p = vec![
        Instr::new(m(0, 5), Ctl::Seq),
        Instr::new(Op::Nop, Ctl::Call(4)),
        Instr::new(m(2, 1), Ctl::Seq),
        Instr::new(Op::Nop, Ctl::Halt(0)),
        Instr::new(m(1, 0), Ctl::Seq),
        Instr::new(Op::Nop, Ctl::Ret),
    ];
    // P5 is never written: no M wait for pc 0.
    compute_waits(&mut p, &[0]);
    assert_eq!((p[0].mw, p[0].aw), (NO_WAIT, NO_WAIT));
    assert_eq!(p[4].mw, 0, "routine reads P0 written just before the CALL");
    assert_eq!(p[2].mw, 0, "after RET, P1 was the last M-op");
}

#[test]
fn vcore_asm_labels_fold_and_schedule() {
    let mut a = Asm::new();
    let e = a.entry("start");
    let done = a.label("done");
    let (p0, p1, p2, s0, s1) = (Reg::p(0), Reg::p(1), Reg::p(2), Reg::s(0), Reg::s(1));
    a.mulp(p0, s0, s1); // chain: p0 -> p1
    a.mulp(p1, p0, p0);
    a.mulp(p2, s0, s0); // independent: the scheduler moves it between the two
    a.cmp(s0, s1);
    a.br(Cond::Eq, done);
    a.addp(s1, p1, p2);
    a.jmp(e);
    a.bind(done);
    a.halt(0);
    let p = a.finish().unwrap();
    // Block 1: four ops, BR folded onto the last (not the CMP, which writes EQ).
    assert_eq!(p.instrs.len(), 6, "{}", p.listing);
    let br = p
        .instrs
        .iter()
        .position(|i| matches!(i.ctl, Ctl::Br(Cond::Eq, _)))
        .unwrap();
    assert_eq!(br, 3, "{}", p.listing);
    assert!(!matches!(p.instrs[3].op, Op::Cmp { .. }));
    let chain0 = p.instrs.iter().position(|i| {
        i.op == Op::MulP {
            d: p0,
            a: s0.into(),
            b: s1.into(),
        }
    });
    let chain1 = p
        .instrs
        .iter()
        .position(|i| matches!(i.op, Op::MulP { d, .. } if d == p1));
    let indep = p
        .instrs
        .iter()
        .position(|i| matches!(i.op, Op::MulP { d, .. } if d == p2));
    let (c0, c1, ind) = (chain0.unwrap(), chain1.unwrap(), indep.unwrap());
    assert!(c0 < ind && ind < c1, "{}", p.listing);
    assert_eq!(p.instrs[c1].mw, 1, "one M-op between producer and consumer");
    // JMP folded onto the ADD; the target label resolved.
    assert_eq!(p.instrs[4].ctl, Ctl::Jmp(0));
    assert_eq!(p.label("done"), Some(5));
    assert_eq!(p.instrs[5].ctl, Ctl::Halt(0));
    assert_eq!(p.entries, vec![0]);

    // As written: no reordering, no folding.
    let mut a = Asm::new();
    a.mulp(p0, s0, s1);
    a.mulp(p1, p0, p0);
    a.halt(0);
    let p = a.finish_with(&AsmOptions::as_written()).unwrap();
    assert_eq!(p.instrs[1].mw, 0);
}

#[test]
fn vcore_asm_errors() {
    let mut a = Asm::new();
    let l = a.label("nowhere");
    a.jmp(l);
    assert!(a.finish().is_err());
    let mut a = Asm::new();
    let l = a.here("x");
    a.bind(l);
    assert!(a.finish().is_err());
    let mut a = Asm::new();
    a.mulp(Reg::s(0), Reg::p(0), Reg::p(0));
    assert!(a.finish().is_err());
    let mut a = Asm::new();
    for _ in 0..=satchain_hdl::vcore::params::ROM_WORDS {
        a.nop();
    }
    assert!(a.finish().is_err());
}
