//! The ECDSA engine's microcode ISA (v2) in Rust: [`Op`], [`encode`](Op::encode) and
//! [`decode`](Op::decode), exactly as `ISA.md` specifies them.
//!
//! Decoding follows what the RTL looks at: the opcode (bits 31:27) selects the fields; bits a
//! given opcode does not use are ignored (they are zero in every word the assembler emits, and
//! `Op::encode(Op::decode(w)) == w` holds for those canonical words). Illegal opcodes (5, 6 and 18..31) and
//! illegal branch conditions (10..15) are [`DecodeError`]s; the RTL stops with `EngineFault` on them.

use core::fmt;

/// Number of general registers `R0..R63`.
pub const NUM_REGS: usize = 64;
/// Number of constant-ROM entries `C0..C63` (operand addresses 64..127).
pub const NUM_CONSTS: usize = 64;
/// Maximum program length (10-bit PC).
pub const MAX_PROGRAM_WORDS: usize = 1024;
/// Operand address of constant `C0`.
pub const CONST_BASE: u8 = 64;

/// A source operand: a 7-bit address (`< 64`: register, `>= 64`: constant `C[addr-64]`) and
/// whether the index register `I` is added to it (the instruction's `ia` / `ib` bit).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Src {
    /// 7-bit operand address.
    pub addr: u8,
    /// Add `I` to the address (7-bit wrap).
    pub indexed: bool,
}

impl Src {
    /// Register `R[n]` (n < 64).
    pub const fn r(n: u8) -> Src {
        Src {
            addr: n & 63,
            indexed: false,
        }
    }
    /// Constant `C[n]` (n < 64).
    pub const fn c(n: u8) -> Src {
        Src {
            addr: CONST_BASE | (n & 63),
            indexed: false,
        }
    }
    /// The same operand, indexed by `I`.
    pub const fn idx(self) -> Src {
        Src {
            addr: self.addr,
            indexed: true,
        }
    }
    /// The effective 7-bit address for index register value `i`.
    pub const fn effective(self, i: u8) -> u8 {
        if self.indexed {
            self.addr.wrapping_add(i) & 0x7f
        } else {
            self.addr & 0x7f
        }
    }
}

impl fmt::Display for Src {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.addr >= CONST_BASE {
            write!(f, "C{}", self.addr - CONST_BASE)?;
        } else {
            write!(f, "R{}", self.addr)?;
        }
        if self.indexed {
            write!(f, "+I")?;
        }
        Ok(())
    }
}

/// Branch condition of `BR` (4 bit).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Cond {
    /// EQ set.
    Eq = 0,
    /// EQ clear.
    Ne = 1,
    /// LT set.
    Lt = 2,
    /// LT clear.
    Ge = 3,
    /// C (carry / borrow) set.
    C = 4,
    /// C clear.
    Nc = 5,
    /// OD set.
    Od = 6,
    /// OD clear.
    Ev = 7,
    /// WZ set (last window was zero).
    Wz = 8,
    /// WZ clear.
    Nwz = 9,
}

impl Cond {
    /// Decodes the 4-bit condition field.
    pub const fn from_bits(v: u32) -> Option<Cond> {
        Some(match v {
            0 => Cond::Eq,
            1 => Cond::Ne,
            2 => Cond::Lt,
            3 => Cond::Ge,
            4 => Cond::C,
            5 => Cond::Nc,
            6 => Cond::Od,
            7 => Cond::Ev,
            8 => Cond::Wz,
            9 => Cond::Nwz,
            _ => return None,
        })
    }
    /// Mnemonic.
    pub const fn name(self) -> &'static str {
        match self {
            Cond::Eq => "EQ",
            Cond::Ne => "NE",
            Cond::Lt => "LT",
            Cond::Ge => "GE",
            Cond::C => "C",
            Cond::Nc => "NC",
            Cond::Od => "OD",
            Cond::Ev => "EV",
            Cond::Wz => "WZ",
            Cond::Nwz => "NWZ",
        }
    }
    /// Evaluates the condition on the flags.
    pub const fn holds(self, f: Flags) -> bool {
        match self {
            Cond::Eq => f.eq,
            Cond::Ne => !f.eq,
            Cond::Lt => f.lt,
            Cond::Ge => !f.lt,
            Cond::C => f.c,
            Cond::Nc => !f.c,
            Cond::Od => f.od,
            Cond::Ev => !f.od,
            Cond::Wz => f.wz,
            Cond::Nwz => !f.wz,
        }
    }
}

/// The flag register.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Flags {
    pub eq: bool,
    pub lt: bool,
    pub c: bool,
    pub od: bool,
    pub wz: bool,
}

/// One decoded instruction. `d` is a register number (0..63); targets are PCs (0..1023).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Op {
    Nop,
    MulP {
        d: u8,
        a: Src,
        b: Src,
    },
    AddP {
        d: u8,
        a: Src,
        b: Src,
    },
    SubP {
        d: u8,
        a: Src,
        b: Src,
    },
    MulN {
        d: u8,
        a: Src,
        b: Src,
    },
    Mov {
        d: u8,
        a: Src,
    },
    Add {
        d: u8,
        a: Src,
        b: Src,
    },
    Sub {
        d: u8,
        a: Src,
        b: Src,
    },
    Cmp {
        a: Src,
        b: Src,
    },
    Odd {
        a: Src,
    },
    /// `W = (a >> 4*LC) & 15; I = W == 0 ? 0 : (W-1)*stride`.
    Win {
        a: Src,
        stride: u8,
    },
    Ldlc {
        imm: u8,
    },
    Djnz {
        target: u16,
    },
    Jmp {
        target: u16,
    },
    Br {
        cond: Cond,
        target: u16,
    },
    Halt {
        code: u8,
    },
}

/// Opcode numbers (bits 31:27).
pub mod opcode {
    pub const NOP: u8 = 0;
    pub const MULP: u8 = 1;
    pub const ADDP: u8 = 2;
    pub const SUBP: u8 = 3;
    pub const MULN: u8 = 4;
    /// Reserved (ISA v1's INVN, removed in v2 with the ModInv unit): illegal.
    pub const RESERVED_5: u8 = 5;
    /// Reserved (ISA v1's INVP, removed in v2): illegal.
    pub const RESERVED_6: u8 = 6;
    pub const MOV: u8 = 7;
    pub const ADD: u8 = 8;
    pub const SUB: u8 = 9;
    pub const CMP: u8 = 10;
    pub const ODD: u8 = 11;
    pub const WIN: u8 = 12;
    pub const LDLC: u8 = 13;
    pub const DJNZ: u8 = 14;
    pub const JMP: u8 = 15;
    pub const BR: u8 = 16;
    pub const HALT: u8 = 17;
    /// Mnemonics indexed by opcode.
    pub const MNEMONICS: [&str; 18] = [
        "NOP", "MULP", "ADDP", "SUBP", "MULN", "(5)", "(6)", "MOV", "ADD", "SUB", "CMP", "ODD",
        "WIN", "LDLC", "DJNZ", "JMP", "BR", "HALT",
    ];
}

/// Why a word is not a legal instruction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecodeError {
    /// Opcode field (bits 31:27) is 5, 6 (reserved since ISA v2) or 18..31.
    IllegalOpcode { word: u32, opcode: u8 },
    /// `BR` with a condition field of 10..15.
    IllegalCond { word: u32, cond: u8 },
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::IllegalOpcode { word, opcode } => {
                write!(f, "illegal opcode {opcode} in word {word:#010x}")
            }
            DecodeError::IllegalCond { word, cond } => {
                write!(f, "illegal branch condition {cond} in word {word:#010x}")
            }
        }
    }
}

impl std::error::Error for DecodeError {}

/// Why an [`Op`] cannot be encoded (a field out of range).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EncodeError {
    /// Destination register >= 64.
    Dest(u8),
    /// Operand address >= 128.
    Operand(u8),
    /// Jump target >= 1024.
    Target(u16),
    /// HALT code >= 16.
    Code(u8),
    /// WIN stride >= 4.
    Stride(u8),
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EncodeError::Dest(v) => write!(f, "destination register {v} is not below 64"),
            EncodeError::Operand(v) => write!(f, "operand address {v} is not below 128"),
            EncodeError::Target(v) => write!(f, "jump target {v} is not below 1024"),
            EncodeError::Code(v) => write!(f, "HALT code {v} is not below 16"),
            EncodeError::Stride(v) => write!(f, "WIN stride {v} is not below 4"),
        }
    }
}

impl std::error::Error for EncodeError {}

const fn field(w: u32, lsb: u32, width: u32) -> u32 {
    (w >> lsb) & ((1 << width) - 1)
}

// The `as u8` / `as u16` casts below are of fields masked to at most 10 bits.
#[allow(clippy::cast_possible_truncation)]
fn src_a(w: u32) -> Src {
    Src {
        addr: field(w, 14, 7) as u8,
        indexed: field(w, 6, 1) == 1,
    }
}
#[allow(clippy::cast_possible_truncation)]
fn src_b(w: u32) -> Src {
    Src {
        addr: field(w, 7, 7) as u8,
        indexed: field(w, 5, 1) == 1,
    }
}
#[allow(clippy::cast_possible_truncation)]
fn dest(w: u32) -> u8 {
    field(w, 21, 6) as u8
}
#[allow(clippy::cast_possible_truncation)]
fn target(w: u32) -> u16 {
    field(w, 0, 10) as u16
}

impl Op {
    /// The opcode number (bits 31:27), used by `timing::op_cycles`.
    pub const fn opcode(&self) -> u8 {
        use opcode::*;
        match self {
            Op::Nop => NOP,
            Op::MulP { .. } => MULP,
            Op::AddP { .. } => ADDP,
            Op::SubP { .. } => SUBP,
            Op::MulN { .. } => MULN,
            Op::Mov { .. } => MOV,
            Op::Add { .. } => ADD,
            Op::Sub { .. } => SUB,
            Op::Cmp { .. } => CMP,
            Op::Odd { .. } => ODD,
            Op::Win { .. } => WIN,
            Op::Ldlc { .. } => LDLC,
            Op::Djnz { .. } => DJNZ,
            Op::Jmp { .. } => JMP,
            Op::Br { .. } => BR,
            Op::Halt { .. } => HALT,
        }
    }

    /// Decodes one 32-bit word.
    #[allow(clippy::cast_possible_truncation)]
    pub fn decode(w: u32) -> Result<Op, DecodeError> {
        let op = field(w, 27, 5) as u8;
        let (d, a, b) = (dest(w), src_a(w), src_b(w));
        Ok(match op {
            opcode::NOP => Op::Nop,
            opcode::MULP => Op::MulP { d, a, b },
            opcode::ADDP => Op::AddP { d, a, b },
            opcode::SUBP => Op::SubP { d, a, b },
            opcode::MULN => Op::MulN { d, a, b },
            opcode::MOV => Op::Mov { d, a },
            opcode::ADD => Op::Add { d, a, b },
            opcode::SUB => Op::Sub { d, a, b },
            opcode::CMP => Op::Cmp { a, b },
            opcode::ODD => Op::Odd { a },
            opcode::WIN => Op::Win {
                a,
                stride: field(w, 0, 2) as u8,
            },
            opcode::LDLC => Op::Ldlc {
                imm: field(w, 0, 8) as u8,
            },
            opcode::DJNZ => Op::Djnz { target: target(w) },
            opcode::JMP => Op::Jmp { target: target(w) },
            opcode::BR => {
                let c = field(w, 23, 4);
                match Cond::from_bits(c) {
                    Some(cond) => Op::Br {
                        cond,
                        target: target(w),
                    },
                    None => {
                        return Err(DecodeError::IllegalCond {
                            word: w,
                            cond: c as u8,
                        })
                    }
                }
            }
            opcode::HALT => Op::Halt {
                code: field(w, 0, 4) as u8,
            },
            _ => {
                return Err(DecodeError::IllegalOpcode {
                    word: w,
                    opcode: op,
                })
            }
        })
    }

    /// Encodes the instruction; unused bits are zero.
    pub fn encode(&self) -> Result<u32, EncodeError> {
        fn d_(d: u8) -> Result<u32, EncodeError> {
            if d < 64 {
                Ok(u32::from(d) << 21)
            } else {
                Err(EncodeError::Dest(d))
            }
        }
        fn a_(a: Src) -> Result<u32, EncodeError> {
            if a.addr < 128 {
                Ok((u32::from(a.addr) << 14) | (u32::from(a.indexed) << 6))
            } else {
                Err(EncodeError::Operand(a.addr))
            }
        }
        fn b_(b: Src) -> Result<u32, EncodeError> {
            if b.addr < 128 {
                Ok((u32::from(b.addr) << 7) | (u32::from(b.indexed) << 5))
            } else {
                Err(EncodeError::Operand(b.addr))
            }
        }
        fn t_(t: u16) -> Result<u32, EncodeError> {
            if usize::from(t) < MAX_PROGRAM_WORDS {
                Ok(u32::from(t))
            } else {
                Err(EncodeError::Target(t))
            }
        }
        let fields = match *self {
            Op::Nop => 0,
            Op::MulP { d, a, b }
            | Op::AddP { d, a, b }
            | Op::SubP { d, a, b }
            | Op::MulN { d, a, b }
            | Op::Add { d, a, b }
            | Op::Sub { d, a, b } => d_(d)? | a_(a)? | b_(b)?,
            Op::Mov { d, a } => d_(d)? | a_(a)?,
            Op::Cmp { a, b } => a_(a)? | b_(b)?,
            Op::Odd { a } => a_(a)?,
            Op::Win { a, stride } => {
                if stride >= 4 {
                    return Err(EncodeError::Stride(stride));
                }
                a_(a)? | u32::from(stride)
            }
            Op::Ldlc { imm } => u32::from(imm),
            Op::Djnz { target } | Op::Jmp { target } => t_(target)?,
            Op::Br { cond, target } => ((cond as u32) << 23) | t_(target)?,
            Op::Halt { code } => {
                if code >= 16 {
                    return Err(EncodeError::Code(code));
                }
                u32::from(code)
            }
        };
        Ok((u32::from(self.opcode()) << 27) | fields)
    }

    /// The destination register this instruction writes, if any.
    pub const fn dest(&self) -> Option<u8> {
        match *self {
            Op::MulP { d, .. }
            | Op::AddP { d, .. }
            | Op::SubP { d, .. }
            | Op::MulN { d, .. }
            | Op::Mov { d, .. }
            | Op::Add { d, .. }
            | Op::Sub { d, .. } => Some(d),
            _ => None,
        }
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let m = opcode::MNEMONICS[usize::from(self.opcode())];
        match *self {
            Op::Nop => write!(f, "{m}"),
            Op::MulP { d, a, b }
            | Op::AddP { d, a, b }
            | Op::SubP { d, a, b }
            | Op::MulN { d, a, b }
            | Op::Add { d, a, b }
            | Op::Sub { d, a, b } => write!(f, "{m:<5} R{d}, {a}, {b}"),
            Op::Mov { d, a } => write!(f, "{m:<5} R{d}, {a}"),
            Op::Cmp { a, b } => write!(f, "{m:<5} {a}, {b}"),
            Op::Odd { a } => write!(f, "{m:<5} {a}"),
            Op::Win { a, stride } => write!(f, "{m:<5} {a}, {stride}"),
            Op::Ldlc { imm } => write!(f, "{m:<5} {imm}"),
            Op::Djnz { target } | Op::Jmp { target } => write!(f, "{m:<5} {target}"),
            Op::Br { cond, target } => write!(f, "{m:<5} {}, {target}", cond.name()),
            Op::Halt { code } => write!(f, "{m:<5} {code}"),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#[path = "isa_tests.rs"]
mod tests;
