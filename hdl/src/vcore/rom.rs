//! The cluster's program ROM image: 72-bit words generated from the program's 64-bit ISA
//! words (`asm::Program::words`, the same words the ISS runs), so the RTL needs no decoder and
//! the ISA has one definition (`isa::Instr::decode`).
//!
//! Word layout: bits 63:0 are the ISA word (ISA.md "Encoding") with two rewrites, bits 71:64 the
//! pre-decode:
//!
//! | bit | meaning |
//! |---|---|
//! | 64 | M-class (MUL port) |
//! | 65 | A-class (ALU port) |
//! | 66 | CTL port (C-class op, HALT, rewritten fault) |
//! | 67 | HALT (the thread ends with target[3:0] once mc = ac = rc = 0) |
//! | 68 | DIG |
//! | 69 | REC |
//! | 70 | LDLC |
//!
//! Rewrites: (1) a word the RTL must fault on (`DecodeError::rtl_faults`: illegal op, ctl 7,
//! BR condition > 11, HALT on an M/A op) becomes `NOP` with `ctl = HALT`, code 15 and no waits,
//! i.e. exactly the ENGINE_FAULT behaviour (VCORE-DECISIONS.md); (2) NEGC's `b` field is set to
//! its `a` field (the ALU reads `a` on both operand ports). Words the RTL does not check
//! (`d >= 32`, LIN codes 6/7, REC width, SHRR 0) keep their fields and are pre-decoded from the
//! opcode. Words past the program are 0 (`NOP`, never reached).

use super::isa::{opcode, Class, DecodeError, Instr};
use super::params::ROM_WORDS;
use rust_hdl::prelude::*;

/// Pre-decode bit positions (in the 72-bit word).
pub mod bit {
    pub const M: usize = 64;
    pub const A: usize = 65;
    pub const C: usize = 66;
    pub const HALT: usize = 67;
    pub const DIG: usize = 68;
    pub const REC: usize = 69;
    pub const LDLC: usize = 70;
}

/// The word a faulting instruction is replaced by: NOP, mw = aw = 7, ctl HALT, code 15.
pub const FAULT_WORD: u64 = (7 << 24) | (7 << 21) | (6 << 18) | 15;

fn class_of_opcode(op: u8) -> Class {
    match op {
        opcode::MULP | opcode::MULLO | opcode::MULHI => Class::M,
        opcode::LIN..=opcode::REC => Class::A,
        _ => Class::C,
    }
}

/// The 72-bit ROM word of one 64-bit program word, as `(high byte, low 64 bits)`.
pub fn rom_word(w: u64) -> (u8, u64) {
    let (w, halt) = match Instr::decode(w) {
        Err(e) if e.rtl_faults() => (FAULT_WORD, true),
        Ok(i) => (w, i.ctl.code() == 6),
        Err(DecodeError::Dest { .. } | DecodeError::Immediate { .. }) => (w, (w >> 18) & 7 == 6),
        Err(_) => (FAULT_WORD, true),
    };
    let op = ((w >> 58) & 0x3f) as u8;
    let mut w = w;
    if op == opcode::NEGC {
        // b := {ia, K = 0, 0, 0, a[5:0]}.
        let a = (w >> 45) & 0x7f;
        let b = ((a >> 6) << 9) | (a & 0x3f);
        w = (w & !(0x3ff << 35)) | (b << 35);
    }
    let mut pre = 0u8;
    match class_of_opcode(op) {
        Class::M => pre |= 1,
        Class::A => pre |= 1 << 1,
        Class::C => pre |= 1 << 2,
    }
    if halt {
        pre |= 1 << 3;
    }
    if op == opcode::DIG {
        pre |= 1 << 4;
    }
    if op == opcode::REC {
        pre |= 1 << 5;
    }
    if op == opcode::LDLC {
        pre |= 1 << 6;
    }
    (pre, w)
}

/// The ROM image (`ROM_WORDS` words of 72 bits) of a program.
///
/// # Errors
/// The program is longer than the ROM.
pub fn rom_image(words: &[u64]) -> Result<Vec<Bits<72>>, String> {
    if words.len() > ROM_WORDS {
        return Err(format!(
            "program of {} words does not fit the {ROM_WORDS}-word ROM",
            words.len()
        ));
    }
    Ok((0..ROM_WORDS)
        .map(|i| {
            let (pre, w) = rom_word(words.get(i).copied().unwrap_or(0));
            let v = (num_bigint::BigUint::from(pre) << 64u32) | num_bigint::BigUint::from(w);
            Bits::from(v)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vcore::isa::{Ctl, Op, Reg};

    #[test]
    fn rom_word_predecodes_and_rewrites() {
        let halt = Instr::new(Op::Nop, Ctl::Halt(3)).encode().unwrap_or(0);
        assert_eq!(rom_word(halt).0, (1 << 2) | (1 << 3));
        // Illegal opcode 40 -> fault word.
        assert_eq!(rom_word(40 << 58), ((1 << 2) | (1 << 3), FAULT_WORD));
        // ctl = 7 -> fault word.
        assert_eq!(rom_word(7 << 18).1, FAULT_WORD);
        let negc = Instr::new(
            Op::Negc {
                d: Reg::s(1),
                a: Reg::s(7).into(),
            },
            Ctl::Seq,
        )
        .encode()
        .unwrap_or(0);
        let (pre, w) = rom_word(negc);
        assert_eq!(pre, 1 << 1);
        assert_eq!((w >> 35) & 0x3f, (negc >> 45) & 0x3f);
        assert_eq!(rom_image(&[0; 3]).map(|v| v.len()), Ok(ROM_WORDS));
    }
}
