//! A tiny assembler for the engine's microcode: one method per instruction, labels with
//! forward references, named registers ([`Reg`]) and constants ([`Src::c`]); macros are plain
//! Rust functions that take `&mut Asm` (see `program.rs`). Errors (a field out of range, an
//! unbound or twice-bound label, a program longer than 1024 words) are collected and returned
//! by [`Asm::finish`], never panicked on.

use super::isa::{Cond, EncodeError, Op, Src, MAX_PROGRAM_WORDS};
use std::collections::BTreeMap;
use std::fmt::{self, Write as _};

/// A destination register `R0..R63`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Reg(pub u8);

impl From<Reg> for Src {
    fn from(r: Reg) -> Src {
        Src::r(r.0)
    }
}

impl Reg {
    /// This register as an operand indexed by `I`.
    pub const fn idx(self) -> Src {
        Src::r(self.0).idx()
    }
    /// The register `k` above this one.
    pub const fn offset(self, k: u8) -> Reg {
        Reg(self.0 + k)
    }
}

/// A jump target, possibly not yet bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Label(usize);

#[derive(Debug, Clone)]
struct LabelInfo {
    name: String,
    pos: Option<usize>,
}

#[derive(Debug, Clone)]
struct Item {
    op: Op,
    target: Option<Label>,
    comment: Option<String>,
}

/// Assembly failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AsmError {
    /// The instruction at `pc` has a field out of range.
    Encode {
        pc: usize,
        op: String,
        err: EncodeError,
    },
    /// A label was used but never bound.
    Unbound { name: String },
    /// A label was bound twice.
    Rebound { name: String },
    /// More words than the microcode ROM holds.
    TooLong { words: usize },
}

impl fmt::Display for AsmError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AsmError::Encode { pc, op, err } => write!(f, "pc {pc}: `{op}`: {err}"),
            AsmError::Unbound { name } => write!(f, "label `{name}` used but never bound"),
            AsmError::Rebound { name } => write!(f, "label `{name}` bound twice"),
            AsmError::TooLong { words } => {
                write!(
                    f,
                    "program has {words} words, the ROM holds {MAX_PROGRAM_WORDS}"
                )
            }
        }
    }
}

impl std::error::Error for AsmError {}

/// An assembled program: the ROM words, the label addresses and a listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Program {
    /// Microcode ROM contents, word 0 at PC 0.
    pub words: Vec<u32>,
    /// Label name -> PC. Names are unique (a repeated name gets a `.N` suffix).
    pub labels: BTreeMap<String, u16>,
    /// Human-readable listing: PC, word, disassembly, comments, labels.
    pub listing: String,
}

impl Program {
    /// PC of a label.
    pub fn label(&self, name: &str) -> Option<u16> {
        self.labels.get(name).copied()
    }
}

/// The assembler.
#[derive(Debug, Default)]
pub struct Asm {
    items: Vec<Item>,
    labels: Vec<LabelInfo>,
    errors: Vec<AsmError>,
    pending_comment: Option<String>,
}

impl Asm {
    pub fn new() -> Asm {
        Asm::default()
    }

    /// Current PC (address of the next instruction).
    pub fn pc(&self) -> usize {
        self.items.len()
    }

    /// A new, unbound label. Names need not be unique.
    pub fn label(&mut self, name: &str) -> Label {
        self.labels.push(LabelInfo {
            name: name.to_string(),
            pos: None,
        });
        Label(self.labels.len() - 1)
    }

    /// Binds `l` to the current PC.
    pub fn bind(&mut self, l: Label) {
        let pc = self.pc();
        if let Some(info) = self.labels.get_mut(l.0) {
            if info.pos.is_some() {
                self.errors.push(AsmError::Rebound {
                    name: info.name.clone(),
                });
            } else {
                info.pos = Some(pc);
            }
        }
    }

    /// A new label bound here.
    pub fn here(&mut self, name: &str) -> Label {
        let l = self.label(name);
        self.bind(l);
        l
    }

    /// Attaches a comment to the next instruction emitted (shown in the listing).
    pub fn comment(&mut self, text: impl Into<String>) {
        let text = text.into();
        self.pending_comment = Some(match self.pending_comment.take() {
            Some(prev) => format!("{prev}; {text}"),
            None => text,
        });
    }

    fn emit(&mut self, op: Op, target: Option<Label>) {
        let comment = self.pending_comment.take();
        self.items.push(Item {
            op,
            target,
            comment,
        });
    }

    pub fn nop(&mut self) {
        self.emit(Op::Nop, None)
    }
    pub fn mulp(&mut self, d: Reg, a: impl Into<Src>, b: impl Into<Src>) {
        self.emit(
            Op::MulP {
                d: d.0,
                a: a.into(),
                b: b.into(),
            },
            None,
        )
    }
    /// `d = a² mod p` (a MULP with both operands equal).
    pub fn sqrp(&mut self, d: Reg, a: impl Into<Src>) {
        let a = a.into();
        self.emit(Op::MulP { d: d.0, a, b: a }, None)
    }
    pub fn addp(&mut self, d: Reg, a: impl Into<Src>, b: impl Into<Src>) {
        self.emit(
            Op::AddP {
                d: d.0,
                a: a.into(),
                b: b.into(),
            },
            None,
        )
    }
    pub fn subp(&mut self, d: Reg, a: impl Into<Src>, b: impl Into<Src>) {
        self.emit(
            Op::SubP {
                d: d.0,
                a: a.into(),
                b: b.into(),
            },
            None,
        )
    }
    pub fn muln(&mut self, d: Reg, a: impl Into<Src>, b: impl Into<Src>) {
        self.emit(
            Op::MulN {
                d: d.0,
                a: a.into(),
                b: b.into(),
            },
            None,
        )
    }
    pub fn mov(&mut self, d: Reg, a: impl Into<Src>) {
        self.emit(
            Op::Mov {
                d: d.0,
                a: a.into(),
            },
            None,
        )
    }
    pub fn add(&mut self, d: Reg, a: impl Into<Src>, b: impl Into<Src>) {
        self.emit(
            Op::Add {
                d: d.0,
                a: a.into(),
                b: b.into(),
            },
            None,
        )
    }
    pub fn sub(&mut self, d: Reg, a: impl Into<Src>, b: impl Into<Src>) {
        self.emit(
            Op::Sub {
                d: d.0,
                a: a.into(),
                b: b.into(),
            },
            None,
        )
    }
    pub fn cmp(&mut self, a: impl Into<Src>, b: impl Into<Src>) {
        self.emit(
            Op::Cmp {
                a: a.into(),
                b: b.into(),
            },
            None,
        )
    }
    pub fn odd(&mut self, a: impl Into<Src>) {
        self.emit(Op::Odd { a: a.into() }, None)
    }
    pub fn win(&mut self, a: impl Into<Src>, stride: u8) {
        self.emit(
            Op::Win {
                a: a.into(),
                stride,
            },
            None,
        )
    }
    pub fn ldlc(&mut self, imm: u8) {
        self.emit(Op::Ldlc { imm }, None)
    }
    pub fn djnz(&mut self, l: Label) {
        self.emit(Op::Djnz { target: 0 }, Some(l))
    }
    pub fn jmp(&mut self, l: Label) {
        self.emit(Op::Jmp { target: 0 }, Some(l))
    }
    pub fn br(&mut self, cond: Cond, l: Label) {
        self.emit(Op::Br { cond, target: 0 }, Some(l))
    }
    pub fn halt(&mut self, code: u8) {
        self.emit(Op::Halt { code }, None)
    }

    /// Resolves labels, encodes every instruction and builds the listing.
    pub fn finish(self) -> Result<Program, AsmError> {
        let Asm {
            items,
            labels,
            mut errors,
            ..
        } = self;
        if items.len() > MAX_PROGRAM_WORDS {
            errors.push(AsmError::TooLong { words: items.len() });
        }
        // Unique names.
        let mut names: Vec<String> = Vec::with_capacity(labels.len());
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        for l in &labels {
            let k = seen.entry(l.name.clone()).or_insert(0);
            names.push(if *k == 0 {
                l.name.clone()
            } else {
                format!("{}.{}", l.name, k)
            });
            *k += 1;
        }
        let mut label_map = BTreeMap::new();
        let mut at_pc: BTreeMap<usize, Vec<String>> = BTreeMap::new();
        for (l, name) in labels.iter().zip(&names) {
            if let Some(pos) = l.pos {
                label_map.insert(name.clone(), u16::try_from(pos).unwrap_or(u16::MAX));
                at_pc.entry(pos).or_default().push(name.clone());
            }
        }
        let mut words = Vec::with_capacity(items.len());
        let mut listing = String::new();
        for (pc, item) in items.iter().enumerate() {
            let mut op = item.op;
            if let Some(l) = item.target {
                match labels.get(l.0).and_then(|i| i.pos) {
                    Some(pos) => {
                        let t = u16::try_from(pos).unwrap_or(u16::MAX);
                        match &mut op {
                            Op::Djnz { target } | Op::Jmp { target } | Op::Br { target, .. } => {
                                *target = t
                            }
                            _ => {}
                        }
                    }
                    None => {
                        let name = names.get(l.0).cloned().unwrap_or_default();
                        if !errors
                            .iter()
                            .any(|e| *e == AsmError::Unbound { name: name.clone() })
                        {
                            errors.push(AsmError::Unbound { name });
                        }
                    }
                }
            }
            for name in at_pc.get(&pc).into_iter().flatten() {
                let _ = writeln!(listing, "{name}:");
            }
            match op.encode() {
                Ok(w) => {
                    words.push(w);
                    let _ = write!(listing, "{pc:4}  {w:08x}  {op}");
                    if let Some(c) = &item.comment {
                        let _ = write!(listing, "    ; {c}");
                    }
                    listing.push('\n');
                }
                Err(err) => errors.push(AsmError::Encode {
                    pc,
                    op: op.to_string(),
                    err,
                }),
            }
        }
        for name in at_pc.get(&items.len()).into_iter().flatten() {
            let _ = writeln!(listing, "{name}:");
        }
        match errors.into_iter().next() {
            Some(e) => Err(e),
            None => Ok(Program {
                words,
                labels: label_map,
                listing,
            }),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::ecdsa::isa::Op;

    #[test]
    fn asm_forward_and_backward_labels() {
        let mut a = Asm::new();
        let end = a.label("end");
        let top = a.here("top");
        a.mov(Reg(1), Src::c(1));
        a.br(Cond::Eq, end);
        a.jmp(top);
        a.bind(end);
        a.halt(0);
        let p = a.finish().unwrap();
        assert_eq!(p.words.len(), 4);
        assert_eq!(
            Op::decode(p.words[1]).unwrap(),
            Op::Br {
                cond: Cond::Eq,
                target: 3
            }
        );
        assert_eq!(Op::decode(p.words[2]).unwrap(), Op::Jmp { target: 0 });
        assert_eq!(p.label("end"), Some(3));
        assert!(p.listing.contains("top:"));
    }

    #[test]
    fn asm_errors_are_reported() {
        let mut a = Asm::new();
        let l = a.label("nowhere");
        a.jmp(l);
        assert_eq!(
            a.finish(),
            Err(AsmError::Unbound {
                name: "nowhere".into()
            })
        );
        let mut a = Asm::new();
        let l = a.here("x");
        a.bind(l);
        assert_eq!(a.finish(), Err(AsmError::Rebound { name: "x".into() }));
        let mut a = Asm::new();
        a.mov(Reg(64), Src::r(0));
        assert!(matches!(a.finish(), Err(AsmError::Encode { pc: 0, .. })));
        let mut a = Asm::new();
        for _ in 0..1025 {
            a.nop();
        }
        assert_eq!(a.finish(), Err(AsmError::TooLong { words: 1025 }));
        let mut a = Asm::new();
        a.here("dup");
        a.nop();
        a.here("dup");
        let p = a.finish().unwrap();
        assert_eq!(p.label("dup"), Some(0));
        assert_eq!(p.label("dup.1"), Some(1));
    }
}
