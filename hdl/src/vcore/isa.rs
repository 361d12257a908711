//! The VerifyCore ISA (v3) in Rust: [`Instr`] = [`Op`] + waits + [`Ctl`], encoded in one
//! 64-bit word exactly as `ISA.md` ("Encoding") lays it out, and decoded back with every
//! word that is not a legal instruction a typed [`DecodeError`].
//!
//! Two kinds of illegal words (VCORE-DECISIONS.md):
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
    fn encode_a(self) -> Result<u64, EncodeError> {
        match self.base {
            Operand::Reg(r) if r.n < BANK_REGS => {
                Ok(u64::from(r.code()) | (u64::from(self.indexed) << 6))
            }
            Operand::Reg(_) => Err(EncodeError::Register),
            Operand::K(_) => Err(EncodeError::KInOperandA),
        }
    }
    fn encode_b(self) -> Result<u64, EncodeError> {
        let ib = u64::from(self.indexed) << 9;
        match self.base {
            Operand::Reg(r) if r.n < BANK_REGS => Ok(u64::from(r.code()) | ib),
            Operand::Reg(_) => Err(EncodeError::Register),
            Operand::K(k) => Ok(u64::from(k) | (1 << 8) | ib),
        }
    }
    fn decode_a(v: u64) -> Src {
        Src {
            base: Operand::Reg(Reg::from_code(field8(v, 0, 6))),
            indexed: v & (1 << 6) != 0,
        }
    }
    fn decode_b(v: u64) -> Src {
        let base = if v & (1 << 8) != 0 {
            Operand::K(field8(v, 0, 8))
        } else {
            Operand::Reg(Reg::from_code(field8(v, 0, 6)))
        };
        Src {
            base,
            indexed: v & (1 << 9) != 0,
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

fn lin_code(mag: u8) -> Option<u8> {
    LIN_MAGNITUDES
        .iter()
        .position(|&m| m == mag)
        .and_then(|i| u8::try_from(i).ok())
}

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

    fn check(&self) -> Result<(), EncodeError> {
        let bank = match self.class() {
            Class::M => Some(Bank::P),
            Class::A => Some(Bank::S),
            Class::C => None,
        };
        if let (Some(d), Some(bank)) = (self.dest(), bank) {
            if d.bank != bank {
                return Err(EncodeError::DestBank);
            }
            if d.n >= BANK_REGS {
                return Err(EncodeError::Register);
            }
        }
        match *self {
            Op::Lin { ka, kb, .. }
                if lin_code(ka).is_none() || lin_code(kb.unsigned_abs()).is_none() =>
            {
                return Err(EncodeError::Immediate)
            }
            Op::Shrr { sh: 0, .. } => return Err(EncodeError::Immediate),
            Op::Rec { slot, w, .. } if slot > 3 || !(2..=8).contains(&w) => {
                return Err(EncodeError::Immediate)
            }
            Op::Dig { slot } if slot > 3 => return Err(EncodeError::Immediate),
            _ => {}
        }
        Ok(())
    }

    /// (d, a, b, imm) fields as encoded.
    fn fields(&self) -> Result<(u64, u64, u64, u64), EncodeError> {
        self.check()?;
        let d = self.dest().map_or(0, |r| u64::from(r.n));
        let (a, b) = match *self {
            Op::MulP { a, b, .. }
            | Op::MulLo { a, b, .. }
            | Op::MulHi { a, b, .. }
            | Op::Lin { a, b, .. }
            | Op::Add { a, b, .. }
            | Op::Sub { a, b, .. }
            | Op::Cmp { a, b } => (a.encode_a()?, b.encode_b()?),
            Op::Negc { a, .. } | Op::Shrr { a, .. } | Op::Odd { a } | Op::Rec { a, .. } => {
                (a.encode_a()?, 0)
            }
            Op::Mov { b, .. } => (0, b.encode_b()?),
            Op::Nop | Op::Ldlc { .. } | Op::Dig { .. } => (0, 0),
        };
        let imm = match *self {
            Op::Lin { ka, kb, .. } => {
                let ca = lin_code(ka).ok_or(EncodeError::Immediate)?;
                let cb = lin_code(kb.unsigned_abs()).ok_or(EncodeError::Immediate)?;
                u64::from(ca) | (u64::from(cb) << 3) | (u64::from(kb < 0) << 6)
            }
            Op::Shrr { sh, .. } => u64::from(sh),
            Op::Rec { slot, w, .. } => u64::from(slot) | (u64::from(w) << 2),
            Op::Ldlc { imm } => u64::from(imm),
            Op::Dig { slot } => u64::from(slot),
            _ => 0,
        };
        Ok((d, a, b, imm))
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

/// An instruction cannot be encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EncodeError {
    /// A register number >= 32.
    Register,
    /// The destination is not in the op's class bank (M -> P, A -> S).
    DestBank,
    /// A constant operand in the A position (K exists only in B).
    KInOperandA,
    /// An immediate out of its range (LIN coefficient, REC width/slot, DIG slot, SHRR 0).
    Immediate,
    /// `mw` or `aw` > 7.
    Wait,
    /// Target >= 2048 or HALT code > 15.
    Target,
    /// HALT on an M- or A-class op.
    CtlOnOp,
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = match self {
            EncodeError::Register => "register number >= 32",
            EncodeError::DestBank => "destination not in the op's bank (M -> P, A -> S)",
            EncodeError::KInOperandA => "a constant K can only be operand B",
            EncodeError::Immediate => "immediate out of range",
            EncodeError::Wait => "wait field > 7",
            EncodeError::Target => "target >= 2048 or HALT code > 15",
            EncodeError::CtlOnOp => "HALT only on a C-class op (NOP, LDLC, DIG)",
        };
        f.write_str(s)
    }
}

impl std::error::Error for EncodeError {}

/// A 64-bit word is not a legal instruction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecodeError {
    /// `op` is not an opcode of the ISA (faulting).
    Opcode(u8),
    /// `ctl` = 7 (faulting).
    Ctl,
    /// BR with a condition code > 11 (faulting).
    Cond(u8),
    /// HALT on an M- or A-class op (faulting).
    HaltOnUnitOp { opcode: u8 },
    /// A destination >= 32 on an op that writes one (unchecked by the RTL).
    Dest { opcode: u8, d: u8 },
    /// An immediate out of range: LIN coefficient code 6/7, REC width outside 2..8, SHRR 0
    /// (unchecked by the RTL).
    Immediate { opcode: u8, imm: u8 },
}

impl DecodeError {
    /// Does the RTL detect this word (and end the thread with ENGINE_FAULT)?
    pub const fn rtl_faults(&self) -> bool {
        matches!(
            self,
            DecodeError::Opcode(_)
                | DecodeError::Ctl
                | DecodeError::Cond(_)
                | DecodeError::HaltOnUnitOp { .. }
        )
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::Opcode(o) => write!(f, "illegal opcode {o}"),
            DecodeError::Ctl => write!(f, "illegal control code 7"),
            DecodeError::Cond(c) => write!(f, "illegal branch condition {c}"),
            DecodeError::Dest { opcode, d } => {
                write!(f, "opcode {opcode}: destination {d} >= 32")
            }
            DecodeError::Immediate { opcode, imm } => {
                write!(f, "opcode {opcode}: immediate {imm:#04x} out of range")
            }
            DecodeError::HaltOnUnitOp { opcode } => {
                write!(f, "opcode {opcode}: HALT on an M- or A-class op")
            }
        }
    }
}

impl std::error::Error for DecodeError {}

fn field(w: u64, lo: u32, bits: u32) -> u64 {
    (w >> lo) & ((1u64 << bits) - 1)
}

/// A field of at most 8 bits (the mask makes the narrowing exact).
fn field8(w: u64, lo: u32, bits: u32) -> u8 {
    (field(w, lo, bits.min(8)) & 0xff) as u8
}

impl Instr {
    /// An instruction with no waits computed (`mw = aw = 0`, the safe values) and `ctl`.
    pub const fn new(op: Op, ctl: Ctl) -> Instr {
        Instr {
            op,
            mw: 0,
            aw: 0,
            ctl,
        }
    }

    /// The 64-bit word.
    pub fn encode(&self) -> Result<u64, EncodeError> {
        let (d, a, b, imm) = self.op.fields()?;
        if self.mw > 7 || self.aw > 7 {
            return Err(EncodeError::Wait);
        }
        if matches!(self.ctl, Ctl::Halt(_)) && self.op.class() != Class::C {
            return Err(EncodeError::CtlOnOp);
        }
        let (cond, target) = match self.ctl {
            Ctl::Br(c, t) => (c as u64, t),
            Ctl::Halt(code) if code > 15 => return Err(EncodeError::Target),
            Ctl::Halt(code) => (0, u16::from(code)),
            c => (0, c.target().unwrap_or(0)),
        };
        if target >= PC_LIMIT {
            return Err(EncodeError::Target);
        }
        Ok((u64::from(self.op.opcode()) << 58)
            | (d << 52)
            | (a << 45)
            | (b << 35)
            | (imm << 27)
            | (u64::from(self.mw) << 24)
            | (u64::from(self.aw) << 21)
            | (u64::from(self.ctl.code()) << 18)
            | (cond << 14)
            | u64::from(target))
    }

    /// Decodes a word; illegal words are errors (see the module docs for the list).
    pub fn decode(w: u64) -> Result<Instr, DecodeError> {
        use opcode::*;
        let opc = field8(w, 58, 6);
        let d_raw = field8(w, 52, 6);
        let a = Src::decode_a(field(w, 45, 7));
        let b = Src::decode_b(field(w, 35, 10));
        let imm = field8(w, 27, 8);
        let mw = field8(w, 24, 3);
        let aw = field8(w, 21, 3);
        let ctl_code = field8(w, 18, 3);
        let cond_code = field8(w, 14, 4);
        let target = u16::try_from(field(w, 0, 11)).unwrap_or(0);
        let dest = |bank: Bank| -> Result<Reg, DecodeError> {
            if d_raw >= BANK_REGS {
                Err(DecodeError::Dest {
                    opcode: opc,
                    d: d_raw,
                })
            } else {
                Ok(Reg { bank, n: d_raw })
            }
        };
        let bad_imm = DecodeError::Immediate { opcode: opc, imm };
        // The faulting checks first (the RTL's rules), then the unchecked ones.
        let class = match opc {
            NOP | LDLC | DIG => Class::C,
            MULP | MULLO | MULHI => Class::M,
            LIN..=REC => Class::A,
            other => return Err(DecodeError::Opcode(other)),
        };
        let ctl = match ctl_code {
            0 => Ctl::Seq,
            1 => Ctl::Jmp(target),
            2 => Ctl::Br(
                Cond::from_bits(cond_code).ok_or(DecodeError::Cond(cond_code))?,
                target,
            ),
            3 => Ctl::Djnz(target),
            4 => Ctl::Call(target),
            5 => Ctl::Ret,
            6 => Ctl::Halt(field8(w, 0, 4)),
            _ => return Err(DecodeError::Ctl),
        };
        if matches!(ctl, Ctl::Halt(_)) && class != Class::C {
            return Err(DecodeError::HaltOnUnitOp { opcode: opc });
        }
        let op = match opc {
            NOP => Op::Nop,
            MULP => Op::MulP {
                d: dest(Bank::P)?,
                a,
                b,
            },
            MULLO => Op::MulLo {
                d: dest(Bank::P)?,
                a,
                b,
            },
            MULHI => Op::MulHi {
                d: dest(Bank::P)?,
                a,
                b,
            },
            LIN => {
                let d = dest(Bank::S)?;
                let ka = *LIN_MAGNITUDES.get(usize::from(imm & 7)).ok_or(bad_imm)?;
                let kbm = *LIN_MAGNITUDES
                    .get(usize::from((imm >> 3) & 7))
                    .ok_or(bad_imm)?;
                let kbm = i8::try_from(kbm).map_err(|_| bad_imm)?;
                Op::Lin {
                    d,
                    a,
                    b,
                    ka,
                    kb: if imm & 0x40 != 0 { -kbm } else { kbm },
                }
            }
            NEGC => Op::Negc {
                d: dest(Bank::S)?,
                a,
            },
            ADD => Op::Add {
                d: dest(Bank::S)?,
                a,
                b,
            },
            SUB => Op::Sub {
                d: dest(Bank::S)?,
                a,
                b,
            },
            CMP => Op::Cmp { a, b },
            MOV => Op::Mov {
                d: dest(Bank::S)?,
                b,
            },
            SHRR => {
                let d = dest(Bank::S)?;
                if imm == 0 {
                    return Err(bad_imm);
                }
                Op::Shrr { d, a, sh: imm }
            }
            ODD => Op::Odd { a },
            REC => {
                let wdt = (imm >> 2) & 15;
                if !(2..=8).contains(&wdt) {
                    return Err(bad_imm);
                }
                Op::Rec {
                    a,
                    slot: imm & 3,
                    w: wdt,
                }
            }
            LDLC => Op::Ldlc { imm },
            DIG => Op::Dig { slot: imm & 3 },
            other => return Err(DecodeError::Opcode(other)),
        };
        Ok(Instr { op, mw, aw, ctl })
    }
}

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
