//! The VerifyCore ISA (v3) in Rust: [`Instr`] = [`Op`] + waits + [`Ctl`], encoded in one
//! 64-bit word exactly as `ISA.md` ("Encoding") lays it out, and decoded back with every
//! word that is not a legal instruction a typed [`DecodeError`].
//!
//! Two kinds of illegal words (README "Decisions"):
//! - *faulting* ([`DecodeError::rtl_faults`]): an `op` value not in the ISA, `ctl` = 7,
//!   `ctl` = BR with `cond` > 11, `ctl` = HALT on an M- or A-class op. The RTL treats such a
//!   HEAD as `HALT 15` (ENGINE_FAULT); so does the ISS.
//! - *unchecked*: a destination `d` >= 32 on an op that writes one, a LIN coefficient code 6
//!   or 7, REC with `w` outside 2..8, SHRR with `imm` = 0. The RTL does not look (it computes
//!   something); the assembler never emits them and the ISS reports them as program errors.
//!
//! HALT is legal on every C-class op (NOP, LDLC, DIG); LDLC with DJNZ is legal (the branch
//! tests the old LC, LDLC's value wins). Every field an op does not use, and the reserved
//! bits 13:11, are ignored (the assembler writes zeros there, so `decode(encode(i)) == i` and
//! `encode(decode(w)) == w` for the words it emits).

use core::fmt;

mod code;
mod display;

pub use code::{DecodeError, EncodeError};

/// Registers per bank (`P0..P31`, `S0..S31`).
pub const BANK_REGS: u8 = 32;
/// Program ROM words addressable by an 11-bit PC / target.
pub const PC_LIMIT: u16 = 1 << 11;
/// `mw` / `aw` value meaning "do not wait on this unit".
pub const NO_WAIT: u8 = 7;
/// Largest real wait (`mc <= 6`).
pub const MAX_WAIT: u8 = 6;

/// Register bank: `P` is written only by M-class ops, `S` only by A-class ops and job loads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Bank {
    /// Multiplier results.
    P,
    /// ALU results and job words.
    S,
}

/// A register `P[n]` or `S[n]`, n < 32.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Reg {
    pub bank: Bank,
    pub n: u8,
}

impl Reg {
    /// `P[n]`.
    pub const fn p(n: u8) -> Reg {
        Reg { bank: Bank::P, n }
    }
    /// `S[n]`.
    pub const fn s(n: u8) -> Reg {
        Reg { bank: Bank::S, n }
    }
    /// The 6-bit operand/register code: 0..31 P, 32..63 S.
    pub const fn code(self) -> u8 {
        match self.bank {
            Bank::P => self.n,
            Bank::S => 32 + self.n,
        }
    }
    /// The register of a 6-bit code.
    pub const fn from_code(c: u8) -> Reg {
        if c & 32 == 0 {
            Reg::p(c & 31)
        } else {
            Reg::s(c & 31)
        }
    }
    /// Dense index 0..63 (P then S), for per-register tables.
    pub const fn index(self) -> usize {
        self.code() as usize
    }
    /// The register `k` above this one in the same bank.
    pub const fn offset(self, k: u8) -> Reg {
        Reg {
            bank: self.bank,
            n: self.n + k,
        }
    }
    /// This register as an operand indexed by `I`.
    pub const fn idx(self) -> Src {
        Src {
            base: Operand::Reg(self),
            indexed: true,
        }
    }
}

impl fmt::Display for Reg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.bank {
            Bank::P => write!(f, "P{}", self.n),
            Bank::S => write!(f, "S{}", self.n),
        }
    }
}

/// What a source operand names before indexing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Operand {
    /// A thread register.
    Reg(Reg),
    /// A constant-bank word `K[k]` (only in operand B).
    K(u8),
}

/// A source operand: a register or constant, optionally indexed by `I` (`ia` / `ib`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Src {
    pub base: Operand,
    pub indexed: bool,
}

impl Src {
    /// Constant `K[k]`.
    pub const fn k(k: u8) -> Src {
        Src {
            base: Operand::K(k),
            indexed: false,
        }
    }
    /// The same operand indexed by `I`.
    pub const fn idx(self) -> Src {
        Src {
            base: self.base,
            indexed: true,
        }
    }
    /// The register this operand names (before indexing), if any.
    pub const fn reg(self) -> Option<Reg> {
        match self.base {
            Operand::Reg(r) => Some(r),
            Operand::K(_) => None,
        }
    }
}

impl From<Reg> for Src {
    fn from(r: Reg) -> Src {
        Src {
            base: Operand::Reg(r),
            indexed: false,
        }
    }
}

impl fmt::Display for Src {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.base {
            Operand::Reg(r) => write!(f, "{r}")?,
            Operand::K(k) => write!(f, "K{k}")?,
        }
        if self.indexed {
            write!(f, "+I")?;
        }
        Ok(())
    }
}

/// Branch condition (`cond`, 4 bit; only with `ctl` = BR).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Cond {
    Eq = 0,
    Ne = 1,
    Lt = 2,
    Ge = 3,
    C = 4,
    Nc = 5,
    Od = 6,
    Ev = 7,
    Dz = 8,
    Nz = 9,
    Sg = 10,
    Ns = 11,
}

impl Cond {
    /// Every condition, in code order.
    pub const ALL: [Cond; 12] = [
        Cond::Eq,
        Cond::Ne,
        Cond::Lt,
        Cond::Ge,
        Cond::C,
        Cond::Nc,
        Cond::Od,
        Cond::Ev,
        Cond::Dz,
        Cond::Nz,
        Cond::Sg,
        Cond::Ns,
    ];
    /// The condition of a 4-bit code.
    pub const fn from_bits(v: u8) -> Option<Cond> {
        if (v as usize) < Cond::ALL.len() {
            Some(Cond::ALL[v as usize])
        } else {
            None
        }
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
            Cond::Dz => "DZ",
            Cond::Nz => "NZ",
            Cond::Sg => "SG",
            Cond::Ns => "NS",
        }
    }
    /// The flag this condition reads.
    pub const fn flag(self) -> Flag {
        match self {
            Cond::Eq | Cond::Ne => Flag::Eq,
            Cond::Lt | Cond::Ge => Flag::Lt,
            Cond::C | Cond::Nc => Flag::C,
            Cond::Od | Cond::Ev => Flag::Od,
            Cond::Dz | Cond::Nz => Flag::Dz,
            Cond::Sg | Cond::Ns => Flag::Sg,
        }
    }
    /// Evaluates the condition.
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
            Cond::Dz => f.dz,
            Cond::Nz => !f.dz,
            Cond::Sg => f.sg,
            Cond::Ns => !f.sg,
        }
    }
}

/// One flag. EQ, LT, C, OD are written by A-class ops; SG, DZ by DIG (C-class).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Flag {
    Eq,
    Lt,
    C,
    Od,
    Sg,
    Dz,
}

impl Flag {
    /// Every flag.
    pub const ALL: [Flag; 6] = [Flag::Eq, Flag::Lt, Flag::C, Flag::Od, Flag::Sg, Flag::Dz];
    /// Dense index 0..6.
    pub const fn index(self) -> usize {
        self as usize
    }
}

/// The flag register of a thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Flags {
    pub eq: bool,
    pub lt: bool,
    pub c: bool,
    pub od: bool,
    pub sg: bool,
    pub dz: bool,
}

/// Issue class of an op.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Class {
    /// MUL port (FieldMul).
    M,
    /// ALU port.
    A,
    /// No port: executes at select in its thread.
    C,
}

/// Opcode numbers (bits 63:58).
pub mod opcode {
    pub const NOP: u8 = 0;
    pub const MULP: u8 = 1;
    pub const MULLO: u8 = 2;
    pub const MULHI: u8 = 3;
    pub const LIN: u8 = 8;
    pub const NEGC: u8 = 9;
    pub const ADD: u8 = 10;
    pub const SUB: u8 = 11;
    pub const CMP: u8 = 12;
    pub const MOV: u8 = 13;
    pub const SHRR: u8 = 14;
    pub const ODD: u8 = 15;
    pub const REC: u8 = 16;
    pub const LDLC: u8 = 32;
    pub const DIG: u8 = 33;
}

/// LIN coefficient magnitudes by code (`{0:0,1:1,2:2,3:3,4:4,5:8}`).
pub const LIN_MAGNITUDES: [u8; 6] = [0, 1, 2, 3, 4, 8];

/// One operation (the `op` field and the fields it uses). `d` is a register of the op's
/// class bank: P for M-class, S for A-class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Op {
    Nop,
    /// `P[d] = a·b mod p`.
    MulP {
        d: Reg,
        a: Src,
        b: Src,
    },
    /// `P[d] = a·b mod 2^256`.
    MulLo {
        d: Reg,
        a: Src,
        b: Src,
    },
    /// `P[d] = floor(a·b / 2^256)`.
    MulHi {
        d: Reg,
        a: Src,
        b: Src,
    },
    /// `S[d] = (ka·a + kb·b) mod p`; ka in {0,1,2,3,4,8}, kb in ±{0,1,2,3,4,8}.
    Lin {
        d: Reg,
        a: Src,
        b: Src,
        ka: u8,
        kb: i8,
    },
    /// `S[d] = SG ? (p - a) mod p : a`.
    Negc {
        d: Reg,
        a: Src,
    },
    /// `S[d] = a + b mod 2^256`, C = carry.
    Add {
        d: Reg,
        a: Src,
        b: Src,
    },
    /// `S[d] = a - b mod 2^256`, C = borrow.
    Sub {
        d: Reg,
        a: Src,
        b: Src,
    },
    /// EQ = a == b, LT = a < b.
    Cmp {
        a: Src,
        b: Src,
    },
    /// `S[d] = b`.
    Mov {
        d: Reg,
        b: Src,
    },
    /// `S[d] = floor((a + 2^(sh-1)) / 2^sh)`, sh in 1..=255.
    Shrr {
        d: Reg,
        a: Src,
        sh: u8,
    },
    /// OD = a & 1.
    Odd {
        a: Src,
    },
    /// Recode a into digit slot `slot` with width `w` (2..=8).
    Rec {
        a: Src,
        slot: u8,
        w: u8,
    },
    /// LC = imm.
    Ldlc {
        imm: u8,
    },
    /// Read `digit[slot][LC]`: I, SG, DZ.
    Dig {
        slot: u8,
    },
}

impl Op {
    /// The op's opcode number.
    pub const fn opcode(&self) -> u8 {
        use opcode::*;
        match self {
            Op::Nop => NOP,
            Op::MulP { .. } => MULP,
            Op::MulLo { .. } => MULLO,
            Op::MulHi { .. } => MULHI,
            Op::Lin { .. } => LIN,
            Op::Negc { .. } => NEGC,
            Op::Add { .. } => ADD,
            Op::Sub { .. } => SUB,
            Op::Cmp { .. } => CMP,
            Op::Mov { .. } => MOV,
            Op::Shrr { .. } => SHRR,
            Op::Odd { .. } => ODD,
            Op::Rec { .. } => REC,
            Op::Ldlc { .. } => LDLC,
            Op::Dig { .. } => DIG,
        }
    }

    /// Mnemonic.
    pub const fn mnemonic(&self) -> &'static str {
        match self {
            Op::Nop => "NOP",
            Op::MulP { .. } => "MULP",
            Op::MulLo { .. } => "MULLO",
            Op::MulHi { .. } => "MULHI",
            Op::Lin { .. } => "LIN",
            Op::Negc { .. } => "NEGC",
            Op::Add { .. } => "ADD",
            Op::Sub { .. } => "SUB",
            Op::Cmp { .. } => "CMP",
            Op::Mov { .. } => "MOV",
            Op::Shrr { .. } => "SHRR",
            Op::Odd { .. } => "ODD",
            Op::Rec { .. } => "REC",
            Op::Ldlc { .. } => "LDLC",
            Op::Dig { .. } => "DIG",
        }
    }

    /// Issue class.
    pub const fn class(&self) -> Class {
        match self {
            Op::MulP { .. } | Op::MulLo { .. } | Op::MulHi { .. } => Class::M,
            Op::Nop | Op::Ldlc { .. } | Op::Dig { .. } => Class::C,
            _ => Class::A,
        }
    }

    /// The register written, if any (its bank is the class's bank).
    pub const fn dest(&self) -> Option<Reg> {
        match *self {
            Op::MulP { d, .. }
            | Op::MulLo { d, .. }
            | Op::MulHi { d, .. }
            | Op::Lin { d, .. }
            | Op::Negc { d, .. }
            | Op::Add { d, .. }
            | Op::Sub { d, .. }
            | Op::Mov { d, .. }
            | Op::Shrr { d, .. } => Some(d),
            _ => None,
        }
    }

    /// The source operands read (A first, then B).
    pub fn sources(&self) -> Vec<Src> {
        match *self {
            Op::MulP { a, b, .. }
            | Op::MulLo { a, b, .. }
            | Op::MulHi { a, b, .. }
            | Op::Lin { a, b, .. }
            | Op::Add { a, b, .. }
            | Op::Sub { a, b, .. }
            | Op::Cmp { a, b } => vec![a, b],
            Op::Negc { a, .. } | Op::Shrr { a, .. } | Op::Odd { a } | Op::Rec { a, .. } => {
                vec![a]
            }
            Op::Mov { b, .. } => vec![b],
            Op::Nop | Op::Ldlc { .. } | Op::Dig { .. } => vec![],
        }
    }

    /// Flags written by this op.
    pub const fn flags_written(&self) -> &'static [Flag] {
        match self {
            Op::Lin { .. } => &[Flag::Eq],
            Op::Add { .. } | Op::Sub { .. } => &[Flag::C],
            Op::Cmp { .. } => &[Flag::Eq, Flag::Lt],
            Op::Odd { .. } => &[Flag::Od],
            Op::Dig { .. } => &[Flag::Sg, Flag::Dz],
            _ => &[],
        }
    }

    /// Flags read by this op (not by its control field).
    pub const fn flags_read(&self) -> &'static [Flag] {
        match self {
            Op::Negc { .. } => &[Flag::Sg],
            _ => &[],
        }
    }

    /// Does this op use the index register `I` in an operand?
    pub fn uses_index(&self) -> bool {
        self.sources().iter().any(|s| s.indexed)
    }
}

/// Control field (`ctl`, with `cond` and `target`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Ctl {
    /// PC + 1.
    Seq,
    Jmp(u16),
    /// Taken: target, else PC + 1.
    Br(Cond, u16),
    /// `if LC != 0 { LC -= 1; PC = target } else PC + 1`.
    Djnz(u16),
    /// `RA = PC + 1; PC = target`.
    Call(u16),
    /// `PC = RA`.
    Ret,
    /// Stop with this result code (0..15), when `mc == ac == rc == 0`. Only on C-class ops.
    Halt(u8),
}

impl Ctl {
    /// The ctl code (bits 20:18).
    pub const fn code(self) -> u8 {
        match self {
            Ctl::Seq => 0,
            Ctl::Jmp(_) => 1,
            Ctl::Br(..) => 2,
            Ctl::Djnz(_) => 3,
            Ctl::Call(_) => 4,
            Ctl::Ret => 5,
            Ctl::Halt(_) => 6,
        }
    }
    /// Branch target, if the control field has one.
    pub const fn target(self) -> Option<u16> {
        match self {
            Ctl::Jmp(t) | Ctl::Br(_, t) | Ctl::Djnz(t) | Ctl::Call(t) => Some(t),
            _ => None,
        }
    }
    /// The same control with another target (no-op for controls without one).
    pub const fn with_target(self, t: u16) -> Ctl {
        match self {
            Ctl::Jmp(_) => Ctl::Jmp(t),
            Ctl::Br(c, _) => Ctl::Br(c, t),
            Ctl::Djnz(_) => Ctl::Djnz(t),
            Ctl::Call(_) => Ctl::Call(t),
            other => other,
        }
    }
    /// May execution continue at PC + 1 (not counting a RET's return)?
    pub const fn falls_through(self) -> bool {
        matches!(self, Ctl::Seq | Ctl::Br(..) | Ctl::Djnz(_))
    }
}

/// One instruction: op, waits (`mw`, `aw`; [`NO_WAIT`] = 7 = none) and control.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Instr {
    pub op: Op,
    /// Issue only when the thread's outstanding M-ops `mc <= mw` (7: no condition).
    pub mw: u8,
    /// Issue only when the thread's outstanding A-ops `ac <= aw` (7: no condition).
    pub aw: u8,
    pub ctl: Ctl,
}
