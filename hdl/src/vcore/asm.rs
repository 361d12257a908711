//! The VerifyCore assembler: one method per instruction, labels with forward references,
//! macros as plain Rust functions over `&mut Asm` (see `program/`), and a `finish` pipeline
//! that turns the instruction list into ROM words:
//!
//! 1. split into basic blocks (a block starts at a bound label and after a control transfer);
//! 2. (option `schedule`) reorder each block with the list scheduler ([`super::sched`]) so
//!    that independent instructions fill the latency of the multiplier and the ALU;
//! 3. (option `fold`) move a block's control transfer (emitted as `NOP ; ctl`) onto the
//!    block's last real instruction when that is legal, saving one fetch slot;
//! 4. resolve labels, compute the wait fields ([`super::waits`], ISA.md "Waits") over the
//!    final control-flow graph, and encode.
//!
//! Errors (a field out of range, an unbound or twice-bound label, a program longer than the
//! ROM) are collected and returned by [`Asm::finish`], never panicked on.

use super::effects::{ctl_reads, ctl_writes, op_writes, Res};
use super::isa::{Cond, Ctl, EncodeError, Instr, Op, Reg, Src};
use super::params::ROM_WORDS;
use super::sched::{self, Latencies};
use super::waits::{compute_waits, successors};
use std::collections::BTreeMap;
use std::fmt::{self, Write as _};

/// A jump target, possibly not bound yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Label(usize);

/// A control field whose target is a label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    Seq,
    Jmp(Label),
    Br(Cond, Label),
    Djnz(Label),
    Call(Label),
    Ret,
    Halt(u8),
}

impl Flow {
    fn label(self) -> Option<Label> {
        match self {
            Flow::Jmp(l) | Flow::Br(_, l) | Flow::Djnz(l) | Flow::Call(l) => Some(l),
            _ => None,
        }
    }
    fn to_ctl(self, target: u16) -> Ctl {
        match self {
            Flow::Seq => Ctl::Seq,
            Flow::Jmp(_) => Ctl::Jmp(target),
            Flow::Br(c, _) => Ctl::Br(c, target),
            Flow::Djnz(_) => Ctl::Djnz(target),
            Flow::Call(_) => Ctl::Call(target),
            Flow::Ret => Ctl::Ret,
            Flow::Halt(c) => Ctl::Halt(c),
        }
    }
}

#[derive(Debug, Clone)]
struct LabelInfo {
    name: String,
    pos: Option<usize>,
}

#[derive(Debug, Clone)]
struct Item {
    op: Op,
    flow: Flow,
    comment: Option<String>,
}

/// Assembly failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AsmError {
    /// The instruction at `pc` cannot be encoded.
    Encode {
        pc: usize,
        instr: String,
        err: EncodeError,
    },
    /// A label was used but never bound.
    Unbound { name: String },
    /// A label was bound twice.
    Rebound { name: String },
    /// More words than the program ROM holds.
    TooLong { words: usize },
}

impl fmt::Display for AsmError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AsmError::Encode { pc, instr, err } => write!(f, "pc {pc}: `{instr}`: {err}"),
            AsmError::Unbound { name } => write!(f, "label `{name}` used but never bound"),
            AsmError::Rebound { name } => write!(f, "label `{name}` bound twice"),
            AsmError::TooLong { words } => {
                write!(f, "program has {words} words, the ROM holds {ROM_WORDS}")
            }
        }
    }
}

impl std::error::Error for AsmError {}

/// Options of [`Asm::finish_with`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AsmOptions {
    /// Reorder instructions inside basic blocks (list scheduler).
    pub schedule: bool,
    /// Fold `NOP ; ctl` into the block's last instruction when legal.
    pub fold: bool,
    /// Latencies the scheduler plans with.
    pub latencies: Latencies,
}

impl Default for AsmOptions {
    fn default() -> Self {
        AsmOptions {
            schedule: true,
            fold: true,
            latencies: Latencies::default(),
        }
    }
}

impl AsmOptions {
    /// Program order as written: no scheduling, no folding (waits still computed).
    pub const fn as_written() -> AsmOptions {
        AsmOptions {
            schedule: false,
            fold: false,
            latencies: Latencies::DEFAULT,
        }
    }
}

/// An assembled program.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Program {
    /// Decoded instructions (waits filled in), PC order.
    pub instrs: Vec<Instr>,
    /// ROM words, word 0 at PC 0.
    pub words: Vec<u64>,
    /// Label name -> PC (a repeated name gets a `.N` suffix).
    pub labels: BTreeMap<String, u16>,
    /// Entry PCs the waits were computed for (threads start only here).
    pub entries: Vec<u16>,
    /// Listing: PC, word, disassembly, comments, labels.
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
    entries: Vec<Label>,
    pending_comment: Option<String>,
}

impl Asm {
    pub fn new() -> Asm {
        Asm::default()
    }

    /// Index of the next instruction (before scheduling).
    pub fn pos(&self) -> usize {
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

    /// Binds `l` here (a basic block starts here).
    pub fn bind(&mut self, l: Label) {
        let pos = self.pos();
        if let Some(info) = self.labels.get_mut(l.0) {
            if info.pos.is_some() {
                self.errors.push(AsmError::Rebound {
                    name: info.name.clone(),
                });
            } else {
                info.pos = Some(pos);
            }
        }
    }

    /// A new label bound here.
    pub fn here(&mut self, name: &str) -> Label {
        let l = self.label(name);
        self.bind(l);
        l
    }

    /// A new label bound here that is a thread entry point (waits assume nothing in flight).
    pub fn entry(&mut self, name: &str) -> Label {
        let l = self.here(name);
        self.entries.push(l);
        l
    }

    /// Attaches a comment to the next instruction (shown in the listing).
    pub fn comment(&mut self, text: impl Into<String>) {
        let text = text.into();
        self.pending_comment = Some(match self.pending_comment.take() {
            Some(prev) => format!("{prev}; {text}"),
            None => text,
        });
    }

    /// Emits `op` with control `flow`.
    pub fn emit_flow(&mut self, op: Op, flow: Flow) {
        let comment = self.pending_comment.take();
        self.items.push(Item { op, flow, comment });
    }

    /// Emits `op` (control SEQ).
    pub fn emit(&mut self, op: Op) {
        self.emit_flow(op, Flow::Seq)
    }

    pub fn nop(&mut self) {
        self.emit(Op::Nop)
    }
    /// `P[d] = a·b mod p`.
    pub fn mulp(&mut self, d: Reg, a: impl Into<Src>, b: impl Into<Src>) {
        self.emit(Op::MulP {
            d,
            a: a.into(),
            b: b.into(),
        })
    }
    /// `P[d] = a² mod p`.
    pub fn sqr(&mut self, d: Reg, a: impl Into<Src>) {
        let a = a.into();
        self.emit(Op::MulP { d, a, b: a })
    }
    /// `P[d] = a·b mod 2^256`.
    pub fn mullo(&mut self, d: Reg, a: impl Into<Src>, b: impl Into<Src>) {
        self.emit(Op::MulLo {
            d,
            a: a.into(),
            b: b.into(),
        })
    }
    /// `P[d] = floor(a·b / 2^256)`.
    pub fn mulhi(&mut self, d: Reg, a: impl Into<Src>, b: impl Into<Src>) {
        self.emit(Op::MulHi {
            d,
            a: a.into(),
            b: b.into(),
        })
    }
    /// `S[d] = ka·a + kb·b mod p` (sets EQ = result is zero).
    pub fn lin(&mut self, d: Reg, a: impl Into<Src>, b: impl Into<Src>, ka: u8, kb: i8) {
        self.emit(Op::Lin {
            d,
            a: a.into(),
            b: b.into(),
            ka,
            kb,
        })
    }
    /// `S[d] = a + b mod p`.
    pub fn addp(&mut self, d: Reg, a: impl Into<Src>, b: impl Into<Src>) {
        self.lin(d, a, b, 1, 1)
    }
    /// `S[d] = a - b mod p`.
    pub fn subp(&mut self, d: Reg, a: impl Into<Src>, b: impl Into<Src>) {
        self.lin(d, a, b, 1, -1)
    }
    /// `S[d] = k·a mod p` (k in {0,1,2,3,4,8}; reads `a` twice).
    pub fn scale(&mut self, d: Reg, a: impl Into<Src>, k: u8) {
        let a = a.into();
        self.lin(d, a, a, k, 0)
    }
    /// `S[d] = SG ? p - a : a`.
    pub fn negc(&mut self, d: Reg, a: impl Into<Src>) {
        self.emit(Op::Negc { d, a: a.into() })
    }
    /// `S[d] = a + b mod 2^256`, C = carry.
    pub fn add(&mut self, d: Reg, a: impl Into<Src>, b: impl Into<Src>) {
        self.emit(Op::Add {
            d,
            a: a.into(),
            b: b.into(),
        })
    }
    /// `S[d] = a - b mod 2^256`, C = borrow.
    pub fn sub(&mut self, d: Reg, a: impl Into<Src>, b: impl Into<Src>) {
        self.emit(Op::Sub {
            d,
            a: a.into(),
            b: b.into(),
        })
    }
    /// EQ = (a == b), LT = (a < b).
    pub fn cmp(&mut self, a: impl Into<Src>, b: impl Into<Src>) {
        self.emit(Op::Cmp {
            a: a.into(),
            b: b.into(),
        })
    }
    /// `S[d] = b`.
    pub fn mov(&mut self, d: Reg, b: impl Into<Src>) {
        self.emit(Op::Mov { d, b: b.into() })
    }
    /// `S[d] = round(a / 2^sh)` (half up).
    pub fn shrr(&mut self, d: Reg, a: impl Into<Src>, sh: u8) {
        self.emit(Op::Shrr { d, a: a.into(), sh })
    }
    /// OD = a & 1.
    pub fn odd(&mut self, a: impl Into<Src>) {
        self.emit(Op::Odd { a: a.into() })
    }
    /// Recode `a` into digit slot `slot` with width `w`.
    pub fn rec(&mut self, a: impl Into<Src>, slot: u8, w: u8) {
        self.emit(Op::Rec {
            a: a.into(),
            slot,
            w,
        })
    }
    /// LC = imm.
    pub fn ldlc(&mut self, imm: u8) {
        self.emit(Op::Ldlc { imm })
    }
    /// Digit `slot` at LC -> I, SG, DZ.
    pub fn dig(&mut self, slot: u8) {
        self.emit(Op::Dig { slot })
    }
    pub fn jmp(&mut self, l: Label) {
        self.emit_flow(Op::Nop, Flow::Jmp(l))
    }
    pub fn br(&mut self, c: Cond, l: Label) {
        self.emit_flow(Op::Nop, Flow::Br(c, l))
    }
    pub fn djnz(&mut self, l: Label) {
        self.emit_flow(Op::Nop, Flow::Djnz(l))
    }
    pub fn call(&mut self, l: Label) {
        self.emit_flow(Op::Nop, Flow::Call(l))
    }
    pub fn ret(&mut self) {
        self.emit_flow(Op::Nop, Flow::Ret)
    }
    pub fn halt(&mut self, code: u8) {
        self.emit_flow(Op::Nop, Flow::Halt(code))
    }

    /// Assembles with the default options (scheduled, folded).
    pub fn finish(self) -> Result<Program, AsmError> {
        self.finish_with(&AsmOptions::default())
    }

    /// Assembles with `opts`.
    pub fn finish_with(self, opts: &AsmOptions) -> Result<Program, AsmError> {
        let Asm {
            items,
            labels,
            mut errors,
            entries,
            ..
        } = self;
        // Resolve against the unscheduled order first (block CFG and liveness).
        let pos_of = |l: Label| labels.get(l.0).and_then(|i| i.pos);
        for it in &items {
            if let Some(l) = it.flow.label() {
                if pos_of(l).is_none() {
                    let name = labels.get(l.0).map(|i| i.name.clone()).unwrap_or_default();
                    let e = AsmError::Unbound { name };
                    if !errors.contains(&e) {
                        errors.push(e);
                    }
                }
            }
        }
        if let Some(e) = errors.into_iter().next() {
            return Err(e);
        }
        let resolve = |f: Flow, map: &dyn Fn(usize) -> usize| -> Ctl {
            let t = f.label().and_then(pos_of).map_or(0, map);
            f.to_ctl(u16::try_from(t).unwrap_or(u16::MAX))
        };
        // Block starts: bound labels and after control transfers.
        let n = items.len();
        let mut start = vec![false; n + 1];
        start[0] = true;
        start[n] = true;
        for l in &labels {
            if let Some(p) = l.pos {
                start[p] = true;
            }
        }
        for (i, it) in items.iter().enumerate() {
            if it.flow != Flow::Seq {
                start[i + 1] = true;
            }
        }
        let blocks: Vec<(usize, usize)> = {
            let mut b = Vec::new();
            let mut s = 0;
            for (i, &st) in start.iter().enumerate().skip(1) {
                if st {
                    if i > s {
                        b.push((s, i));
                    }
                    s = i;
                }
            }
            b
        };
        let pre: Vec<Instr> = items
            .iter()
            .map(|it| Instr::new(it.op, resolve(it.flow, &|p| p)))
            .collect();
        let entry_pcs: Vec<usize> = if entries.is_empty() {
            vec![0]
        } else {
            entries.iter().filter_map(|&l| pos_of(l)).collect()
        };
        let live_out = sched::live_out(&pre, &successors(&pre));

        // Schedule and fold block by block.
        let mut order: Vec<usize> = Vec::with_capacity(n);
        let mut folded_ctl: BTreeMap<usize, usize> = BTreeMap::new(); // item -> ctl donor
        let mut new_pos = vec![0usize; n + 1];
        for &(s, e) in &blocks {
            let body: Vec<usize> = (s..e).collect();
            let last = e - 1;
            let term = (items[last].op == Op::Nop && items[last].flow != Flow::Seq).then_some(last);
            let movable: Vec<usize> = body.iter().copied().filter(|&i| Some(i) != term).collect();
            let mut seq: Vec<usize> = if opts.schedule && movable.len() > 1 {
                let instrs: Vec<Instr> = movable.iter().map(|&i| pre[i]).collect();
                let term_reads = term.map(|t| ctl_reads(pre[t].ctl)).unwrap_or_default();
                sched::schedule_block(&instrs, &term_reads, live_out[last], &opts.latencies)
                    .into_iter()
                    .map(|k| movable[k])
                    .collect()
            } else {
                movable.clone()
            };
            let mut keep_term = term.is_some();
            if let (true, Some(t), Some(&l)) = (opts.fold, term, seq.last()) {
                if can_fold(&items[l], &items[t]) {
                    folded_ctl.insert(l, t);
                    keep_term = false;
                }
            }
            if keep_term {
                if let Some(t) = term {
                    seq.push(t);
                }
            }
            new_pos[s] = order.len();
            order.extend(seq);
        }
        new_pos[n] = order.len();
        let map = |p: usize| new_pos[p];

        let mut instrs: Vec<Instr> = order
            .iter()
            .map(|&i| {
                let flow = folded_ctl.get(&i).map_or(items[i].flow, |&t| items[t].flow);
                Instr::new(items[i].op, resolve(flow, &map))
            })
            .collect();
        let entry_new: Vec<usize> = entry_pcs.iter().map(|&p| map(p)).collect();
        compute_waits(&mut instrs, &entry_new);

        let mut errors = Vec::new();
        if instrs.len() > ROM_WORDS {
            errors.push(AsmError::TooLong {
                words: instrs.len(),
            });
        }
        // Names and listing.
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        let mut label_map = BTreeMap::new();
        let mut at_pc: BTreeMap<usize, Vec<String>> = BTreeMap::new();
        for l in &labels {
            let k = seen.entry(l.name.clone()).or_insert(0);
            let name = if *k == 0 {
                l.name.clone()
            } else {
                format!("{}.{}", l.name, k)
            };
            *k += 1;
            if let Some(p) = l.pos {
                let pc = map(p);
                label_map.insert(name.clone(), u16::try_from(pc).unwrap_or(u16::MAX));
                at_pc.entry(pc).or_default().push(name);
            }
        }
        let mut words = Vec::with_capacity(instrs.len());
        let mut listing = String::new();
        for (pc, (ins, &src)) in instrs.iter().zip(&order).enumerate() {
            for name in at_pc.get(&pc).into_iter().flatten() {
                let _ = writeln!(listing, "{name}:");
            }
            match ins.encode() {
                Ok(w) => {
                    words.push(w);
                    let _ = write!(listing, "{pc:4}  {w:016x}  {ins}");
                    if let Some(c) = &items[src].comment {
                        let _ = write!(listing, "    ; {c}");
                    }
                    listing.push('\n');
                }
                Err(err) => errors.push(AsmError::Encode {
                    pc,
                    instr: ins.to_string(),
                    err,
                }),
            }
        }
        for name in at_pc.get(&instrs.len()).into_iter().flatten() {
            let _ = writeln!(listing, "{name}:");
        }
        match errors.into_iter().next() {
            Some(e) => Err(e),
            None => Ok(Program {
                instrs,
                words,
                labels: label_map,
                entries: entry_new
                    .iter()
                    .map(|&p| u16::try_from(p).unwrap_or(u16::MAX))
                    .collect(),
                listing,
            }),
        }
    }
}

/// May the control transfer of `term` (a `NOP ; ctl`) move onto `last`, the instruction
/// before it? Only if `last` has no control of its own, the control does not read anything
/// `last`'s op writes (it would see the old value), the two do not write the same thing,
/// and HALT stays on its NOP.
fn can_fold(last: &Item, term: &Item) -> bool {
    if last.flow != Flow::Seq || matches!(term.flow, Flow::Halt(_) | Flow::Seq) {
        return false;
    }
    let ctl = term.flow.to_ctl(0);
    let w: Vec<Res> = op_writes(&last.op);
    !ctl_reads(ctl).iter().any(|r| w.contains(r)) && !ctl_writes(ctl).iter().any(|r| w.contains(r))
}
