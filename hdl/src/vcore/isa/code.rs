//! Encoding and decoding of the 64-bit instruction word (ISA.md "Encoding").

use super::*;

fn lin_code(mag: u8) -> Option<u8> {
    LIN_MAGNITUDES
        .iter()
        .position(|&m| m == mag)
        .and_then(|i| u8::try_from(i).ok())
}

impl Src {
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

impl Op {
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
