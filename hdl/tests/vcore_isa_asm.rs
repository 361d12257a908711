//! VerifyCore ISA and assembler: encode/decode round trips, the illegal-word rules checked
//! against an independent reading of ISA.md, the assembler's labels / folding / scheduling,
//! and the wait computation against a brute-force enumeration of paths.
//!
//! `SATCHAIN_SEED` replays a run (the seed is printed); `SATCHAIN_PROPTEST_CASES` scales the
//! number of random cases.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::cast_possible_truncation
)]

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use satchain_hdl::vcore::asm::{Asm, AsmOptions};
use satchain_hdl::vcore::isa::{
    Bank, Cond, Ctl, DecodeError, Instr, Op, Operand, Reg, Src, NO_WAIT,
};
use satchain_hdl::vcore::waits::compute_waits;

fn seed() -> u64 {
    std::env::var("SATCHAIN_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5a7c_4a11)
}

/// Iterations of a loop in this file. These loops are pure decoder/assembler checks at
/// microseconds each (the 200,000-word loop runs in ~0.1 s), so the CI knob
/// `SATCHAIN_PROPTEST_CASES` (64 in `.ci/run`, sized for the Verilator tests) may raise them
/// but never lower them below their default: 64 random words would leave most decoder rules
/// unvisited (CI run of 2026-12-03: 17 legal / 47 illegal words, assertion failed).
fn cases(default: u32) -> u32 {
    std::env::var("SATCHAIN_PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse::<u32>().ok())
        .map_or(default, |n| n.max(default))
}

fn rng(name: &str) -> ChaCha8Rng {
    let s = seed();
    println!("{name}: seed {s} (replay with SATCHAIN_SEED={s})");
    ChaCha8Rng::seed_from_u64(s)
}

fn rand_reg(r: &mut ChaCha8Rng) -> Reg {
    if r.gen() {
        Reg::p(r.gen_range(0..32))
    } else {
        Reg::s(r.gen_range(0..32))
    }
}

fn rand_a(r: &mut ChaCha8Rng) -> Src {
    Src {
        base: Operand::Reg(rand_reg(r)),
        indexed: r.gen(),
    }
}

fn rand_b(r: &mut ChaCha8Rng) -> Src {
    let base = if r.gen() {
        Operand::K(r.gen())
    } else {
        Operand::Reg(rand_reg(r))
    };
    Src {
        base,
        indexed: r.gen(),
    }
}

const MAGS: [u8; 6] = [0, 1, 2, 3, 4, 8];

fn rand_op(r: &mut ChaCha8Rng) -> Op {
    let pd = Reg::p(r.gen_range(0..32));
    let sd = Reg::s(r.gen_range(0..32));
    let (a, b) = (rand_a(r), rand_b(r));
    match r.gen_range(0..15) {
        0 => Op::Nop,
        1 => Op::MulP { d: pd, a, b },
        2 => Op::MulLo { d: pd, a, b },
        3 => Op::MulHi { d: pd, a, b },
        4 => {
            let kb = MAGS[r.gen_range(0..6)] as i8;
            Op::Lin {
                d: sd,
                a,
                b,
                ka: MAGS[r.gen_range(0..6)],
                kb: if kb != 0 && r.gen() { -kb } else { kb },
            }
        }
        5 => Op::Negc { d: sd, a },
        6 => Op::Add { d: sd, a, b },
        7 => Op::Sub { d: sd, a, b },
        8 => Op::Cmp { a, b },
        9 => Op::Mov { d: sd, b },
        10 => Op::Shrr {
            d: sd,
            a,
            sh: r.gen_range(1..=255),
        },
        11 => Op::Odd { a },
        12 => Op::Rec {
            a,
            slot: r.gen_range(0..4),
            w: r.gen_range(2..=8),
        },
        13 => Op::Ldlc { imm: r.gen() },
        _ => Op::Dig {
            slot: r.gen_range(0..4),
        },
    }
}

fn rand_ctl(r: &mut ChaCha8Rng, op: &Op) -> Ctl {
    let t = r.gen_range(0..2048u16);
    loop {
        let c = match r.gen_range(0..7) {
            0 => Ctl::Seq,
            1 => Ctl::Jmp(t),
            2 => Ctl::Br(Cond::ALL[r.gen_range(0..12)], t),
            3 => Ctl::Djnz(t),
            4 => Ctl::Call(t),
            5 => Ctl::Ret,
            _ => Ctl::Halt(r.gen_range(0..16)),
        };
        let ok = match c {
            Ctl::Halt(_) => matches!(op, Op::Nop | Op::Ldlc { .. } | Op::Dig { .. }),
            _ => true,
        };
        if ok {
            return c;
        }
    }
}

#[test]
fn vcore_isa_round_trip_of_random_instructions() {
    let mut r = rng("vcore_isa_round_trip_of_random_instructions");
    for _ in 0..cases(20_000) {
        let op = rand_op(&mut r);
        let i = Instr {
            op,
            mw: r.gen_range(0..8),
            aw: r.gen_range(0..8),
            ctl: rand_ctl(&mut r, &op),
        };
        let w = i.encode().unwrap_or_else(|e| panic!("{i}: {e}"));
        assert_eq!(Instr::decode(w), Ok(i), "{i} -> {w:016x}");
        assert_eq!(Instr::decode(w).unwrap().encode(), Ok(w));
    }
}

/// ISA.md's field layout and the legality rules of VCORE-DECISIONS.md, read independently of
/// `isa.rs`, in the decoder's order: the RTL-faulting rules first, then the unchecked ones.
fn reference_legality(w: u64) -> Result<(), &'static str> {
    let f = |lo: u32, bits: u32| (w >> lo) & ((1 << bits) - 1);
    let (op, d, imm, ctl, cond) = (f(58, 6), f(52, 6), f(27, 8), f(18, 3), f(14, 4));
    let writes_d = matches!(op, 1..=3 | 8..=11 | 13 | 14);
    if !matches!(op, 0..=3 | 8..=16 | 32 | 33) {
        return Err("op");
    }
    if ctl == 7 {
        return Err("ctl");
    }
    if ctl == 2 && cond > 11 {
        return Err("cond");
    }
    if ctl == 6 && !matches!(op, 0 | 32 | 33) {
        return Err("halt");
    }
    if writes_d && d >= 32 {
        return Err("dest");
    }
    if op == 8 && ((imm & 7) > 5 || ((imm >> 3) & 7) > 5) {
        return Err("imm");
    }
    if op == 16 && !(2..=8).contains(&((imm >> 2) & 15)) {
        return Err("imm");
    }
    if op == 14 && imm == 0 {
        return Err("imm");
    }
    Ok(())
}

#[test]
fn vcore_isa_illegal_words_are_typed_errors() {
    let mut r = rng("vcore_isa_illegal_words_are_typed_errors");
    let (mut legal, mut illegal) = (0u32, 0u32);
    for k in 0..cases(200_000) {
        // Random words, half of them with a legal opcode so the other rules get exercised.
        let mut w: u64 = r.gen();
        if k % 2 == 0 {
            let ops = [0u64, 1, 2, 3, 8, 9, 10, 11, 12, 13, 14, 15, 16, 32, 33];
            w = (w & !(63 << 58)) | (ops[r.gen_range(0..ops.len())] << 58);
        }
        let got = Instr::decode(w);
        match (reference_legality(w), got) {
            (Ok(()), Ok(i)) => {
                legal += 1;
                // Canonical form: fields the op ignores are zero; decoding it gives the same.
                let c = i.encode().unwrap_or_else(|e| panic!("{w:016x}: {i}: {e}"));
                assert_eq!(Instr::decode(c), Ok(i), "{w:016x}");
            }
            (Err(why), Err(e)) => {
                illegal += 1;
                let kind = match e {
                    DecodeError::Opcode(_) => "op",
                    DecodeError::Ctl => "ctl",
                    DecodeError::Cond(_) => "cond",
                    DecodeError::HaltOnUnitOp { .. } => "halt",
                    DecodeError::Dest { .. } => "dest",
                    DecodeError::Immediate { .. } => "imm",
                };
                assert_eq!(kind, why, "{w:016x}: decoder says {e}");
                assert_eq!(
                    e.rtl_faults(),
                    matches!(why, "op" | "ctl" | "cond" | "halt"),
                    "{w:016x}"
                );
            }
            (want, got) => panic!("{w:016x}: reference {want:?}, decoder {got:?}"),
        }
    }
    println!("legal {legal}, illegal {illegal}");
    assert!(legal > 1000 && illegal > 1000);
}

#[test]
fn vcore_isa_fixed_encodings() {
    // MULP P3, S5, K20+I ; BR EQ 17, mw 2, aw 7
    let i = Instr {
        op: Op::MulP {
            d: Reg::p(3),
            a: Reg::s(5).into(),
            b: Src::k(20).idx(),
        },
        mw: 2,
        aw: NO_WAIT,
        ctl: Ctl::Br(Cond::Eq, 17),
    };
    let w = i.encode().unwrap();
    assert_eq!(w >> 58, 1);
    assert_eq!((w >> 52) & 63, 3);
    assert_eq!((w >> 45) & 127, 37);
    assert_eq!((w >> 35) & 1023, (1 << 9) | (1 << 8) | 20);
    assert_eq!((w >> 24) & 7, 2);
    assert_eq!((w >> 21) & 7, 7);
    assert_eq!((w >> 18) & 7, 2);
    assert_eq!((w >> 14) & 15, 0);
    assert_eq!(w & 2047, 17);
    // LIN S1, 3*P2 -8*S4: ka code 3, kb code 5 negative
    let i = Instr::new(
        Op::Lin {
            d: Reg::s(1),
            a: Reg::p(2).into(),
            b: Reg::s(4).into(),
            ka: 3,
            kb: -8,
        },
        Ctl::Seq,
    );
    let w = i.encode().unwrap();
    assert_eq!((w >> 27) & 255, 3 | (5 << 3) | (1 << 6));
    // HALT 4
    let w = Instr::new(Op::Nop, Ctl::Halt(4)).encode().unwrap();
    assert_eq!((w >> 18) & 7, 6);
    assert_eq!(w & 15, 4);
    // Encode errors
    let bad = |op: Op, ctl: Ctl| Instr::new(op, ctl).encode().is_err();
    assert!(bad(
        Op::MulP {
            d: Reg::s(1),
            a: Reg::p(0).into(),
            b: Reg::p(0).into()
        },
        Ctl::Seq
    ));
    assert!(bad(
        Op::Add {
            d: Reg::s(1),
            a: Src::k(3),
            b: Reg::p(0).into()
        },
        Ctl::Seq
    ));
    assert!(!bad(Op::Ldlc { imm: 3 }, Ctl::Djnz(4)));
    assert!(!bad(Op::Dig { slot: 0 }, Ctl::Halt(0)));
    assert!(bad(
        Op::Odd {
            a: Reg::s(0).into()
        },
        Ctl::Halt(0)
    ));
    assert!(bad(Op::Nop, Ctl::Jmp(2048)));
    assert!(bad(
        Op::Rec {
            a: Reg::s(0).into(),
            slot: 0,
            w: 9
        },
        Ctl::Seq
    ));
    assert!(bad(
        Op::Lin {
            d: Reg::s(0),
            a: Reg::s(0).into(),
            b: Reg::s(0).into(),
            ka: 5,
            kb: 1
        },
        Ctl::Seq
    ));
    assert_eq!(
        Reg::from_code(37),
        Reg {
            bank: Bank::S,
            n: 5
        }
    );
}

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
