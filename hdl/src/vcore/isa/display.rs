//! Disassembly (`Display`) of ops, control fields and instructions.

use super::*;

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let m = self.mnemonic();
        match *self {
            Op::Nop => write!(f, "{m}"),
            Op::MulP { d, a, b }
            | Op::MulLo { d, a, b }
            | Op::MulHi { d, a, b }
            | Op::Add { d, a, b }
            | Op::Sub { d, a, b } => write!(f, "{m} {d}, {a}, {b}"),
            Op::Lin { d, a, b, ka, kb } => write!(f, "{m} {d}, {ka}*{a} {kb:+}*{b}"),
            Op::Negc { d, a } => write!(f, "{m} {d}, {a}"),
            Op::Cmp { a, b } => write!(f, "{m} {a}, {b}"),
            Op::Mov { d, b } => write!(f, "{m} {d}, {b}"),
            Op::Shrr { d, a, sh } => write!(f, "{m} {d}, {a}, {sh}"),
            Op::Odd { a } => write!(f, "{m} {a}"),
            Op::Rec { a, slot, w } => write!(f, "{m} {a}, slot {slot}, w {w}"),
            Op::Ldlc { imm } => write!(f, "{m} {imm}"),
            Op::Dig { slot } => write!(f, "{m} {slot}"),
        }
    }
}

impl fmt::Display for Ctl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ctl::Seq => Ok(()),
            Ctl::Jmp(t) => write!(f, "JMP {t}"),
            Ctl::Br(c, t) => write!(f, "BR {} {t}", c.name()),
            Ctl::Djnz(t) => write!(f, "DJNZ {t}"),
            Ctl::Call(t) => write!(f, "CALL {t}"),
            Ctl::Ret => write!(f, "RET"),
            Ctl::Halt(c) => write!(f, "HALT {c}"),
        }
    }
}

impl fmt::Display for Instr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.op)?;
        if self.ctl != Ctl::Seq {
            write!(f, " ; {}", self.ctl)?;
        }
        let w = |v: u8| {
            if v == NO_WAIT {
                "-".to_string()
            } else {
                v.to_string()
            }
        };
        write!(f, "  [mw {} aw {}]", w(self.mw), w(self.aw))
    }
}
