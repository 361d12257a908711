//! What an instruction reads and writes, as a set of thread resources ([`Res`]). One place
//! for the assembler's wait computation, the list scheduler's dependency graph and the
//! ISS's checks.
//!
//! An indexed register operand (`ia`/`ib`) may name any register from its base to the end of
//! its bank at run time, so it reads all of them (and `I`). Control fields count: BR reads its
//! condition's flag, DJNZ reads and writes `LC`, CALL writes `RA`, RET reads it.

use super::isa::{Bank, Ctl, Flag, Instr, Op, Operand, Reg, Src, BANK_REGS};

/// A piece of thread state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Res {
    Reg(Reg),
    Flag(Flag),
    /// The index register.
    I,
    /// The loop counter.
    Lc,
    /// The digit array of a slot.
    Digits(u8),
    /// The return address.
    Ra,
}

/// Number of dense resource indices ([`Res::index`]).
pub const RES_COUNT: usize = 64 + 6 + 3 + 4;

impl Res {
    /// Dense index in `0..RES_COUNT`.
    pub const fn index(self) -> usize {
        match self {
            Res::Reg(r) => r.index(),
            Res::Flag(f) => 64 + f.index(),
            Res::I => 70,
            Res::Lc => 71,
            Res::Ra => 72,
            Res::Digits(s) => 73 + (s as usize & 3),
        }
    }
}

fn push_src(out: &mut Vec<Res>, s: Src) {
    match s.base {
        Operand::Reg(r) => {
            if s.indexed {
                for n in r.n..BANK_REGS {
                    out.push(Res::Reg(Reg { bank: r.bank, n }));
                }
            } else {
                out.push(Res::Reg(r));
            }
        }
        Operand::K(_) => {}
    }
    if s.indexed {
        out.push(Res::I);
    }
}

/// Resources the op (not its control field) reads.
pub fn op_reads(op: &Op) -> Vec<Res> {
    let mut out = Vec::new();
    for s in op.sources() {
        push_src(&mut out, s);
    }
    out.extend(op.flags_read().iter().map(|&f| Res::Flag(f)));
    if let Op::Dig { slot } = *op {
        out.push(Res::Lc);
        out.push(Res::Digits(slot));
    }
    out
}

/// Resources the op (not its control field) writes.
pub fn op_writes(op: &Op) -> Vec<Res> {
    let mut out = Vec::new();
    if let Some(d) = op.dest() {
        out.push(Res::Reg(d));
    }
    out.extend(op.flags_written().iter().map(|&f| Res::Flag(f)));
    match *op {
        Op::Dig { .. } => out.push(Res::I),
        Op::Ldlc { .. } => out.push(Res::Lc),
        Op::Rec { slot, .. } => out.push(Res::Digits(slot)),
        _ => {}
    }
    out
}

/// Resources a control field reads (evaluated with the state as of the select cycle).
pub fn ctl_reads(ctl: Ctl) -> Vec<Res> {
    match ctl {
        Ctl::Br(c, _) => vec![Res::Flag(c.flag())],
        Ctl::Djnz(_) => vec![Res::Lc],
        Ctl::Ret => vec![Res::Ra],
        _ => vec![],
    }
}

/// Resources a control field writes.
pub fn ctl_writes(ctl: Ctl) -> Vec<Res> {
    match ctl {
        Ctl::Djnz(_) => vec![Res::Lc],
        Ctl::Call(_) => vec![Res::Ra],
        _ => vec![],
    }
}

/// Everything an instruction reads (op and control field).
pub fn reads(i: &Instr) -> Vec<Res> {
    let mut v = op_reads(&i.op);
    v.extend(ctl_reads(i.ctl));
    v
}

/// Everything an instruction writes (op and control field).
pub fn writes(i: &Instr) -> Vec<Res> {
    let mut v = op_writes(&i.op);
    v.extend(ctl_writes(i.ctl));
    v
}

/// Is this resource produced by the MUL unit (its readers wait with `mw`)?
pub const fn is_m_produced(r: Res) -> bool {
    matches!(r, Res::Reg(Reg { bank: Bank::P, .. }))
}

/// Is this resource produced by the ALU (its readers wait with `aw`)? S registers and the
/// flags EQ, LT, C, OD. (SG, DZ, I, LC, RA are written at select by C-class state changes.)
pub const fn is_a_produced(r: Res) -> bool {
    matches!(
        r,
        Res::Reg(Reg { bank: Bank::S, .. }) | Res::Flag(Flag::Eq | Flag::Lt | Flag::C | Flag::Od)
    )
}
