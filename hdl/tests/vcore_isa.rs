//! VerifyCore ISA: encode/decode round trips and the illegal-word rules checked against an
//! independent reading of ISA.md, fixed encodings. (The assembler and the wait computation:
//! `vcore_waits_asm.rs`.)
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
use satchain_hdl::vcore::isa::{
    Bank, Cond, Ctl, DecodeError, Instr, Op, Operand, Reg, Src, NO_WAIT,
};

#[path = "vcore_common/isa_rng.rs"]
mod isa_rng;

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
