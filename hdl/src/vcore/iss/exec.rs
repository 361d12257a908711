//! Architectural state of one thread and the functional execution of one instruction at its
//! select cycle (ISA.md semantics), with the checks the RTL cannot make: a read of a value
//! whose write has not completed (`Hazard`: the waits were too small), a read of a register
//! the job never wrote (`UninitRead`), operand preconditions, recoder preconditions.

use super::u256::U256;
use super::IssError;
use crate::vcore::effects::Res;
use crate::vcore::isa::{Bank, Class, Ctl, Flag, Flags, Instr, Op, Operand, Reg, Src, BANK_REGS};
use crate::vcore::params::{DIG_POSITIONS, DIG_SLOTS};
use crate::vcore::recoder::model::recode;

/// Thread state (one job).
#[derive(Debug, Clone)]
pub struct ThreadState {
    pub pc: u16,
    /// P0..P31 then S0..S31; `None` = not written by this job.
    pub regs: [Option<U256>; 64],
    pub flags: Flags,
    pub lc: u8,
    pub i: u8,
    pub ra: Option<u16>,
    pub digits: [[i8; DIG_POSITIONS]; DIG_SLOTS],
    /// Writes issued and not completed, per register (0..64) and flag EQ/LT/C/OD (64..68).
    pub pending: [u8; 68],
}

/// A register or flag write an issued op will perform at its write-back cycle.
#[derive(Debug, Clone, Copy)]
pub enum Write {
    Reg(Reg, U256),
    Flag(Flag, bool),
}

/// What issuing one instruction did.
#[derive(Debug, Clone, Default)]
pub struct Issued {
    /// Deferred writes (M or A unit), applied at write-back.
    pub writes: Vec<Write>,
    /// Next PC.
    pub next_pc: u16,
    /// The thread halts with this code.
    pub halt: Option<u8>,
    /// A REC request was sent (the recoder timing is the cluster's).
    pub rec: bool,
}

fn pend_index(r: Res) -> Option<usize> {
    match r {
        Res::Reg(r) => Some(r.index()),
        Res::Flag(Flag::Eq) => Some(64),
        Res::Flag(Flag::Lt) => Some(65),
        Res::Flag(Flag::C) => Some(66),
        Res::Flag(Flag::Od) => Some(67),
        _ => None,
    }
}

/// The pending-write slot of a write.
pub fn write_slot(w: &Write) -> usize {
    match w {
        Write::Reg(r, _) => r.index(),
        Write::Flag(f, _) => pend_index(Res::Flag(*f)).unwrap_or(64),
    }
}

impl ThreadState {
    /// A thread loaded with a job: S0..S5 = `words`, everything else reset (LC, I, RA, flags
    /// 0; registers not written).
    pub fn load(words: &[U256; 6], entry: u16) -> ThreadState {
        let mut regs = [None; 64];
        for (j, w) in words.iter().enumerate() {
            regs[Reg::s(u8::try_from(j).unwrap_or(0)).index()] = Some(*w);
        }
        ThreadState {
            pc: entry,
            regs,
            flags: Flags::default(),
            lc: 0,
            i: 0,
            ra: None,
            digits: [[0; DIG_POSITIONS]; DIG_SLOTS],
            pending: [0; 68],
        }
    }

    /// Applies a completed write.
    pub fn complete(&mut self, w: &Write) {
        let slot = write_slot(w);
        self.pending[slot] = self.pending[slot].saturating_sub(1);
        match *w {
            Write::Reg(r, v) => self.regs[r.index()] = Some(v),
            Write::Flag(f, v) => match f {
                Flag::Eq => self.flags.eq = v,
                Flag::Lt => self.flags.lt = v,
                Flag::C => self.flags.c = v,
                Flag::Od => self.flags.od = v,
                Flag::Sg => self.flags.sg = v,
                Flag::Dz => self.flags.dz = v,
            },
        }
    }

    fn err(&self, instr: &Instr, what: String) -> IssError {
        IssError::Precondition {
            pc: self.pc,
            instr: instr.to_string(),
            what,
        }
    }

    /// The register an operand names at run time (with I).
    fn reg_of(&self, instr: &Instr, s: Src) -> Result<Option<Reg>, IssError> {
        match s.base {
            Operand::Reg(r) => {
                let n = if s.indexed { r.n + self.i } else { r.n };
                if n >= BANK_REGS {
                    return Err(self.err(instr, format!("{r}+I (I = {}) leaves its bank", self.i)));
                }
                Ok(Some(Reg { bank: r.bank, n }))
            }
            Operand::K(_) => Ok(None),
        }
    }

    fn read(&self, instr: &Instr, s: Src, k: &[U256]) -> Result<U256, IssError> {
        match s.base {
            Operand::K(kk) => {
                let idx = usize::from(kk) + if s.indexed { usize::from(self.i) } else { 0 };
                k.get(idx)
                    .copied()
                    .ok_or_else(|| self.err(instr, format!("K{kk}+I = K{idx} wraps the bank")))
            }
            Operand::Reg(_) => {
                let r = self.reg_of(instr, s)?.unwrap_or(Reg::p(0));
                if self.pending[r.index()] > 0 {
                    return Err(IssError::Hazard {
                        pc: self.pc,
                        instr: instr.to_string(),
                        what: format!("{r} read before its write completed"),
                    });
                }
                self.regs[r.index()].ok_or(IssError::UninitRead {
                    pc: self.pc,
                    instr: instr.to_string(),
                    reg: r.to_string(),
                })
            }
        }
    }

    fn flag_ready(&self, instr: &Instr, f: Flag) -> Result<(), IssError> {
        if let Some(i) = pend_index(Res::Flag(f)) {
            if self.pending[i] > 0 {
                return Err(IssError::Hazard {
                    pc: self.pc,
                    instr: instr.to_string(),
                    what: format!("flag {f:?} read before its write completed"),
                });
            }
        }
        Ok(())
    }

    /// Issues `instr` (selected this cycle): reads operands, computes results (deferred as
    /// writes), executes C-class effects and the control field (with the state as of select).
    pub fn issue(&mut self, instr: &Instr, k: &[U256], len: usize) -> Result<Issued, IssError> {
        let p = super::u256::P;
        let mut out = Issued::default();
        let below_p = |v: &U256| v.lt(&p);
        // Control field first, with the state as of this cycle.
        let old_lc = self.lc;
        let mut next = self.pc.wrapping_add(1);
        match instr.ctl {
            Ctl::Seq => {}
            Ctl::Jmp(t) => next = t,
            Ctl::Br(c, t) => {
                self.flag_ready(instr, c.flag())?;
                if c.holds(self.flags) {
                    next = t;
                }
            }
            Ctl::Djnz(t) => {
                if self.lc != 0 {
                    self.lc -= 1;
                    next = t;
                }
            }
            Ctl::Call(t) => {
                if self.ra.is_some() {
                    return Err(self.err(instr, "CALL inside a called routine".into()));
                }
                self.ra = Some(self.pc.wrapping_add(1));
                next = t;
            }
            Ctl::Ret => match self.ra.take() {
                Some(ra) => next = ra,
                None => return Err(self.err(instr, "RET without CALL".into())),
            },
            Ctl::Halt(code) => out.halt = Some(code),
        }
        let w = |out: &mut Issued, d: Reg, v: U256| out.writes.push(Write::Reg(d, v));
        match instr.op {
            Op::Nop => {}
            Op::MulP { d, a, b } => {
                let v = self.read(instr, a, k)?.mul_mod_p(self.read(instr, b, k)?);
                w(&mut out, d, v)
            }
            Op::MulLo { d, a, b } => {
                let v = self.read(instr, a, k)?.mul_lo(self.read(instr, b, k)?);
                w(&mut out, d, v)
            }
            Op::MulHi { d, a, b } => {
                let v = self.read(instr, a, k)?.mul_hi(self.read(instr, b, k)?);
                w(&mut out, d, v)
            }
            Op::Lin { d, a, b, ka, kb } => {
                let (x, y) = (self.read(instr, a, k)?, self.read(instr, b, k)?);
                if !below_p(&x) || !below_p(&y) {
                    return Err(self.err(instr, "LIN operand >= p".into()));
                }
                let v = U256::lin(x, y, ka, kb);
                w(&mut out, d, v);
                out.writes.push(Write::Flag(Flag::Eq, v.is_zero()));
            }
            Op::Negc { d, a } => {
                let x = self.read(instr, a, k)?;
                if !below_p(&x) {
                    return Err(self.err(instr, "NEGC operand >= p".into()));
                }
                w(&mut out, d, if self.flags.sg { x.neg_mod_p() } else { x })
            }
            Op::Add { d, a, b } => {
                let (v, c) = self.read(instr, a, k)?.add(self.read(instr, b, k)?);
                w(&mut out, d, v);
                out.writes.push(Write::Flag(Flag::C, c));
            }
            Op::Sub { d, a, b } => {
                let (v, c) = self.read(instr, a, k)?.sub(self.read(instr, b, k)?);
                w(&mut out, d, v);
                out.writes.push(Write::Flag(Flag::C, c));
            }
            Op::Cmp { a, b } => {
                let (x, y) = (self.read(instr, a, k)?, self.read(instr, b, k)?);
                out.writes.push(Write::Flag(Flag::Eq, x == y));
                out.writes.push(Write::Flag(Flag::Lt, x.lt(&y)));
            }
            Op::Mov { d, b } => {
                let v = self.read(instr, b, k)?;
                w(&mut out, d, v)
            }
            Op::Shrr { d, a, sh } => {
                let v = self.read(instr, a, k)?.shrr(sh);
                w(&mut out, d, v)
            }
            Op::Odd { a } => {
                let v = self.read(instr, a, k)?;
                out.writes.push(Write::Flag(Flag::Od, v.bit(0)));
            }
            Op::Rec { a, slot, w } => {
                let v = self.read(instr, a, k)?;
                let digits = recode(&v.to_big(), u32::from(w)).map_err(IssError::Recoder)?;
                self.digits[usize::from(slot)] = digits;
                out.rec = true;
            }
            Op::Ldlc { imm } => self.lc = imm,
            Op::Dig { slot } => {
                let d =
                    self.digits[usize::from(slot) & 3][usize::from(old_lc).min(DIG_POSITIONS - 1)];
                if usize::from(old_lc) >= DIG_POSITIONS {
                    return Err(self.err(instr, format!("DIG at LC = {old_lc}")));
                }
                self.i = if d == 0 {
                    0
                } else {
                    (d.unsigned_abs() - 1) / 2
                };
                self.flags.sg = d < 0;
                self.flags.dz = d == 0;
            }
        }
        for wr in &out.writes {
            self.pending[write_slot(wr)] += 1;
        }
        if out.halt.is_none() && usize::from(next) >= len {
            return Err(IssError::PcOutOfRange { pc: next, len });
        }
        out.next_pc = next;
        let _ = Class::C;
        let _ = Bank::P;
        Ok(out)
    }
}
