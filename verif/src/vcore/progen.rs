//! Random programs for the cluster test (RTL == ISS on every write): every op, every control
//! kind and condition, waits, DIG with indexed operands, REC, CALL/RET, loops, several HALT
//! codes, and (optionally) illegal words on data-dependent paths.
//!
//! The programs are legal for the ISS by construction (it would report a program error
//! otherwise, and the test fails on that too):
//! - registers are split into pools by what they may hold: *field* registers (< p: written
//!   only by MULP, LIN, NEGC or a MOV of a field value) feed LIN and NEGC; *raw* registers take
//!   anything; *recode* registers `S26..S29` hold `±x` with `x <= 2^127` (SHRR by >= 129, or
//!   `0 - q`) so every REC meets its precondition for every width; `S30 = 0`;
//! - every register is written in the entry prologue, and all four digit slots are recoded
//!   there (slots 0/1 with w <= 5, so that `I <= 7`; slots 2/3 with any width);
//! - indexed operands appear only right after a `DIG` of slot 0 or 1 in the same straight
//!   line, with bases that stay inside their pool for `I <= 7`;
//! - `LC <= 135` always (LDLC only as a loop header), loops are not nested, CALL only outside
//!   loops and subroutines, every path ends in HALT (or a fault).

use num_bigint::BigUint;
use rand::seq::SliceRandom;
use rand::Rng;
use satchain_hdl::vcore::asm::{Asm, AsmOptions, Flow, Label, Program};
use satchain_hdl::vcore::isa::{opcode, Cond, Instr, Op, Reg, Src};

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct GenOptions {
    /// Body elements per entry (each an op or a small structure).
    pub body: usize,
    /// Put illegal words on data-dependent paths.
    pub faults: bool,
    /// Let the assembler's list scheduler reorder (else the program runs as written).
    pub schedule: bool,
    /// Largest loop count of a DIG walk (LDLC immediate, <= 135).
    pub max_walk: u8,
}

impl Default for GenOptions {
    fn default() -> Self {
        GenOptions {
            body: 40,
            faults: false,
            schedule: true,
            max_walk: 40,
        }
    }
}

/// A generated program: its (possibly patched) ROM words and entries.
#[derive(Debug, Clone)]
pub struct GenProgram {
    pub prog: Program,
    /// `prog.words` with the illegal words patched in.
    pub words: Vec<u64>,
    pub entries: [u16; 2],
    /// PCs of the illegal words.
    pub faults: Vec<u16>,
}

const FP: std::ops::Range<u8> = 0..12; // P field
const RP: std::ops::Range<u8> = 12..32; // P raw
const FS: std::ops::Range<u8> = 6..14; // S field
const RS: std::ops::Range<u8> = 14..26; // S raw
const QS: std::ops::Range<u8> = 26..30; // S recode sources
const ZERO: u8 = 30; // S30 = 0
const RAW_S31: u8 = 31;

/// A 64-bit word from raw fields (for illegal words the encoder refuses).
fn raw_word(op: u64, d: u64, a: u64, b: u64, ctl: u64, cond: u64, target: u64) -> u64 {
    (op << 58) | (d << 52) | (a << 45) | (b << 35) | (ctl << 18) | (cond << 14) | target
}

struct Gen<'r, R: Rng> {
    a: Asm,
    rng: &'r mut R,
    opts: GenOptions,
    /// K indices whose value is < p.
    kfield: Vec<u8>,
    /// K bases b with K[b..b+8] all < p.
    kfield_idx: Vec<u8>,
    subs: Vec<Label>,
    illegal: Vec<(String, u64)>,
    names: usize,
}

impl<'r, R: Rng> Gen<'r, R> {
    fn fresh(&mut self, what: &str) -> String {
        self.names += 1;
        format!("{what}_{}", self.names)
    }
    fn pick(&mut self, r: std::ops::Range<u8>) -> u8 {
        self.rng.gen_range(r)
    }
    fn field_reg(&mut self) -> Reg {
        if self.rng.gen_bool(0.5) {
            Reg::p(self.pick(FP))
        } else {
            Reg::s(self.pick(FS))
        }
    }
    fn any_reg(&mut self) -> Reg {
        match self.rng.gen_range(0..10) {
            0 => Reg::s(self.pick(0..6)),
            1 | 2 => Reg::p(self.pick(FP)),
            3 | 4 => Reg::p(self.pick(RP)),
            5 => Reg::s(self.pick(FS)),
            6 | 7 => Reg::s(self.pick(RS)),
            8 => Reg::s(self.pick(QS)),
            _ => Reg::s(*[ZERO, RAW_S31].choose(&mut *self.rng).unwrap_or(&ZERO)),
        }
    }
    fn any_b(&mut self) -> Src {
        if self.rng.gen_bool(0.25) {
            Src::k(self.rng.gen())
        } else {
            self.any_reg().into()
        }
    }
    fn field_b(&mut self) -> Src {
        if self.rng.gen_bool(0.25) && !self.kfield.is_empty() {
            Src::k(*self.kfield.choose(&mut *self.rng).unwrap_or(&0))
        } else {
            self.field_reg().into()
        }
    }
    /// An indexed source (`I <= 7`): field-valued if `field`.
    fn indexed(&mut self, field: bool, b_side: bool) -> Src {
        if b_side && self.rng.gen_bool(0.4) {
            let k = if field {
                *self.kfield_idx.choose(&mut *self.rng).unwrap_or(&0)
            } else {
                self.rng.gen_range(0..=248)
            };
            return Src::k(k).idx();
        }
        let r = match (field, self.rng.gen_bool(0.5)) {
            (true, true) => Reg::p(self.pick(FP.start..FP.end - 7)),
            (true, false) => Reg::s(FS.start),
            (false, true) => Reg::p(self.pick(RP.start..RP.end - 7)),
            (false, false) => Reg::s(self.pick(RS.start..RS.end - 7)),
        };
        r.idx()
    }
    fn lin_coefs(&mut self) -> (u8, i8) {
        let mags = [0u8, 1, 2, 3, 4, 8];
        let ka = *mags.choose(&mut *self.rng).unwrap_or(&1);
        let kb = *mags.choose(&mut *self.rng).unwrap_or(&1) as i8;
        (ka, if self.rng.gen_bool(0.5) { -kb } else { kb })
    }

    /// One random unit op (no control); `ix`: may use indexed operands (`I <= 7`).
    fn op(&mut self, ix: bool) {
        let ia = ix && self.rng.gen_bool(0.5);
        let ib = ix && self.rng.gen_bool(0.5);
        let any_a = |g: &mut Self| -> Src {
            if ia {
                g.indexed(false, false)
            } else {
                g.any_reg().into()
            }
        };
        let any_b = |g: &mut Self| -> Src {
            if ib {
                g.indexed(false, true)
            } else {
                g.any_b()
            }
        };
        let field_a = |g: &mut Self| -> Src {
            if ia {
                g.indexed(true, false)
            } else {
                g.field_reg().into()
            }
        };
        let field_b = |g: &mut Self| -> Src {
            if ib {
                g.indexed(true, true)
            } else {
                g.field_b()
            }
        };
        match self.rng.gen_range(0..16) {
            0 | 1 => {
                let d = if self.rng.gen_bool(0.7) {
                    Reg::p(self.pick(FP))
                } else {
                    Reg::p(self.pick(RP))
                };
                let (x, y) = (any_a(self), any_b(self));
                self.a.mulp(d, x, y)
            }
            2 => {
                let d = Reg::p(self.pick(RP));
                let (x, y) = (any_a(self), any_b(self));
                self.a.mullo(d, x, y)
            }
            3 => {
                let d = Reg::p(self.pick(RP));
                let (x, y) = (any_a(self), any_b(self));
                self.a.mulhi(d, x, y)
            }
            4 | 5 => {
                let d = Reg::s(self.pick(FS));
                let (x, y) = (field_a(self), field_b(self));
                let (ka, kb) = self.lin_coefs();
                self.a.lin(d, x, y, ka, kb)
            }
            6 => {
                let d = Reg::s(self.pick(FS));
                let x = field_a(self);
                self.a.negc(d, x)
            }
            7 => {
                let d = Reg::s(self.pick(RS));
                let (x, y) = (any_a(self), any_b(self));
                self.a.add(d, x, y)
            }
            8 => {
                let d = Reg::s(self.pick(RS));
                let (x, y) = (any_a(self), any_b(self));
                self.a.sub(d, x, y)
            }
            9 => {
                let (x, y) = (any_a(self), any_b(self));
                self.a.cmp(x, y)
            }
            10 => {
                if self.rng.gen_bool(0.5) {
                    let d = Reg::s(self.pick(FS));
                    let y = field_b(self);
                    self.a.mov(d, y)
                } else {
                    let d = Reg::s(self.pick(RS));
                    let y = any_b(self);
                    self.a.mov(d, y)
                }
            }
            11 => {
                let d = Reg::s(self.pick(RS));
                let x = any_a(self);
                let sh = self.rng.gen_range(1..=255);
                self.a.shrr(d, x, sh)
            }
            12 => {
                let x = any_a(self);
                self.a.odd(x)
            }
            13 => self.recode_source(),
            14 => self.rec(),
            _ => self.a.nop(),
        }
    }

    /// A new value in a recode register: `round(x / 2^sh)` with sh >= 129, or `0 - q`.
    fn recode_source(&mut self) {
        let d = Reg::s(self.pick(QS));
        if self.rng.gen_bool(0.6) {
            let x = self.any_reg();
            let sh = self.rng.gen_range(129..=255);
            self.a.shrr(d, x, sh)
        } else {
            let q = Reg::s(self.pick(QS));
            self.a.sub(d, Reg::s(ZERO), q)
        }
    }

    fn rec(&mut self) {
        let slot = self.rng.gen_range(0..4u8);
        let w = if slot < 2 {
            self.rng.gen_range(2..=5)
        } else {
            self.rng.gen_range(2..=8)
        };
        let q = Reg::s(self.pick(QS));
        self.a.rec(q, slot, w)
    }

    /// A random condition and an op that sets its flag (both outcomes likely).
    fn test_and_cond(&mut self) -> Cond {
        let c = *Cond::ALL.choose(&mut *self.rng).unwrap_or(&Cond::Eq);
        match c {
            Cond::Lt | Cond::Ge => {
                let (x, y) = (self.any_reg(), self.any_b());
                self.a.cmp(x, y);
            }
            Cond::Eq | Cond::Ne => {
                // a CMP of a register with itself or another, or a LIN that may give zero
                if self.rng.gen_bool(0.5) {
                    let x = self.any_reg();
                    let y = if self.rng.gen_bool(0.5) {
                        Src::from(x)
                    } else {
                        self.any_b()
                    };
                    self.a.cmp(x, y);
                } else {
                    let d = Reg::s(self.pick(FS));
                    let x = self.field_reg();
                    let (ka, kb) = self.lin_coefs();
                    self.a.lin(d, x, x, ka, kb);
                }
            }
            Cond::C | Cond::Nc => {
                let d = Reg::s(self.pick(RS));
                let (x, y) = (self.any_reg(), self.any_b());
                if self.rng.gen_bool(0.5) {
                    self.a.add(d, x, y)
                } else {
                    self.a.sub(d, x, y)
                }
            }
            Cond::Od | Cond::Ev => {
                let x = self.any_reg();
                self.a.odd(x);
            }
            Cond::Dz | Cond::Nz | Cond::Sg | Cond::Ns => self.a.dig(self.rng.gen_range(0..4)),
        }
        c
    }

    fn ops(&mut self, n: usize, ix: bool) {
        for _ in 0..n {
            self.op(ix)
        }
    }

    /// `DIG slot (0/1)` then ops with indexed operands (a conditional NEGC among them).
    fn dig_group(&mut self) {
        self.a.dig(self.rng.gen_range(0..2));
        if self.rng.gen_bool(0.3) {
            let d = Reg::s(self.pick(FS));
            let x = self.indexed(true, false);
            self.a.negc(d, x);
        }
        let n = self.rng.gen_range(1..4);
        self.ops(n, true);
    }

    /// An illegal word (to be patched in) as a block of its own.
    fn illegal(&mut self) {
        let name = self.fresh("illegal");
        let mut w = match self.rng.gen_range(0..4) {
            0 => raw_word(
                *[4u64, 7, 20, 40, 63].choose(&mut *self.rng).unwrap_or(&40),
                1,
                2,
                3,
                0,
                0,
                0,
            ),
            1 => raw_word(u64::from(opcode::ADD), 3, 33, 34, 7, 0, 5),
            2 => raw_word(
                u64::from(opcode::NOP),
                0,
                0,
                0,
                2,
                self.rng.gen_range(12..16),
                3,
            ),
            _ => raw_word(u64::from(opcode::MULP), 4, 1, 2, 6, 0, 9),
        };
        w |= u64::from(self.rng.gen_range(0..8u8)) << 24; // waits: ignored by a fault
        debug_assert!(Instr::decode(w).is_err_and(|e| e.rtl_faults()));
        let l = self.a.label(&name);
        self.a.bind(l);
        self.a.halt(14); // placeholder, patched
        self.illegal.push((name, w));
    }

    /// A body element at nesting `depth` (0: may open a structure).
    fn element(&mut self, depth: u8, in_loop: bool, in_sub: bool) {
        let choice = if depth > 0 {
            self.rng.gen_range(0..12)
        } else {
            self.rng.gen_range(0..20)
        };
        match choice {
            0..=8 => self.op(false),
            9 | 10 => self.dig_group(),
            11 => self.rec(),
            12 | 13 => {
                // forward branch over a block (maybe a halt or an illegal word in it)
                let skip = self.a.label("skip");
                let c = self.test_and_cond();
                self.a.br(c, skip);
                match self.rng.gen_range(0..6) {
                    0 => {
                        let code = self.rng.gen_range(0..15);
                        self.ops(1, false);
                        self.a.halt(code)
                    }
                    1 if self.opts.faults => self.illegal(),
                    _ => {
                        let n = self.rng.gen_range(1..4);
                        for _ in 0..n {
                            self.element(depth + 1, in_loop, in_sub)
                        }
                    }
                }
                self.a.bind(skip);
            }
            14 if !in_loop => {
                // a loop, maybe a DIG walk over the digit positions
                let walk = self.rng.gen_bool(0.4);
                let n = if walk {
                    self.rng.gen_range(0..=self.opts.max_walk)
                } else {
                    self.rng.gen_range(0..5)
                };
                self.a.ldlc(n);
                let top = self.a.here("loop");
                if walk {
                    self.dig_group();
                }
                let k = self.rng.gen_range(1..4);
                for _ in 0..k {
                    self.element(depth + 1, true, in_sub)
                }
                self.a.djnz(top);
            }
            15 if !in_loop && !in_sub && !self.subs.is_empty() => {
                let s = *self.subs.choose(&mut *self.rng).unwrap_or(&self.subs[0]);
                // CALL on an op of its own (emit_flow) or on a NOP
                if self.rng.gen_bool(0.5) {
                    self.a.call(s)
                } else {
                    let d = Reg::s(self.pick(RS));
                    let x = self.any_reg();
                    self.a.emit_flow(
                        Op::Add {
                            d,
                            a: x.into(),
                            b: x.into(),
                        },
                        Flow::Call(s),
                    )
                }
            }
            16 => {
                // jump over dead code
                let over = self.a.label("over");
                self.a.jmp(over);
                self.ops(2, false);
                self.a.bind(over);
            }
            17 if !in_loop => {
                // LDLC carrying DJNZ (the old LC is tested, the immediate wins); not inside a
                // loop, whose counter it would reload
                let l = self.a.label("ldlc_djnz");
                let n = self.rng.gen_range(0..3);
                self.a.emit_flow(Op::Ldlc { imm: n }, Flow::Djnz(l));
                self.a.bind(l);
            }
            _ => self.op(false),
        }
    }

    fn prologue(&mut self) {
        self.a.mov(Reg::s(ZERO), Src::k(0));
        for n in FP {
            let (x, y) = (self.pick(0..6), self.any_b_prologue());
            self.a.mulp(Reg::p(n), Reg::s(x), y);
        }
        for n in FS {
            let (x, y) = (self.pick(FP), self.pick(FP));
            let (ka, kb) = self.lin_coefs();
            self.a.lin(Reg::s(n), Reg::p(x), Reg::p(y), ka, kb);
        }
        for n in RP {
            let (x, y) = (self.pick(0..6), self.any_b_prologue());
            match n % 3 {
                0 => self.a.mullo(Reg::p(n), Reg::s(x), y),
                1 => self.a.mulhi(Reg::p(n), Reg::s(x), y),
                _ => self.a.mulp(Reg::p(n), Reg::s(x), y),
            }
        }
        for n in RS.chain([RAW_S31]) {
            let (x, y) = (Reg::s(self.pick(0..6)), self.any_b_prologue());
            match n % 3 {
                0 => self.a.add(Reg::s(n), x, y),
                1 => self.a.sub(Reg::s(n), x, y),
                _ => self.a.mov(Reg::s(n), y),
            }
        }
        for n in QS {
            let sh = self.rng.gen_range(129..=255);
            let x = self.pick(0..6);
            self.a.shrr(Reg::s(n), Reg::s(x), sh);
            if self.rng.gen_bool(0.5) {
                self.a.sub(Reg::s(n), Reg::s(ZERO), Reg::s(n));
            }
        }
        for slot in 0..4u8 {
            let w = if slot < 2 {
                self.rng.gen_range(2..=5)
            } else {
                self.rng.gen_range(2..=8)
            };
            let q = Reg::s(self.pick(QS));
            self.a.rec(q, slot, w);
        }
    }

    /// Operand B in the prologue: a job word or a constant.
    fn any_b_prologue(&mut self) -> Src {
        if self.rng.gen_bool(0.3) {
            Src::k(self.rng.gen())
        } else {
            Reg::s(self.pick(0..6)).into()
        }
    }

    fn entry(&mut self, name: &str) {
        self.a.entry(name);
        self.prologue();
        for _ in 0..self.opts.body {
            self.element(0, false, false);
        }
        let code = self.rng.gen_range(0..15);
        self.a.halt(code);
    }
}

/// A random program over the K image `k` (see the module docs).
///
/// # Errors
/// The assembler refused the program (a generator bug).
pub fn generate<R: Rng>(
    rng: &mut R,
    k: &[BigUint],
    opts: &GenOptions,
) -> Result<GenProgram, String> {
    let p = satchain_hdl::vcore::alu::model::p();
    let below: Vec<bool> = (0..256).map(|i| k.get(i).is_none_or(|v| *v < p)).collect();
    let kfield: Vec<u8> = (0..=255u8).filter(|&i| below[usize::from(i)]).collect();
    let kfield_idx: Vec<u8> = (0..=248u8)
        .filter(|&b| (0..8).all(|j| below[usize::from(b) + j]))
        .collect();
    let mut g = Gen {
        a: Asm::new(),
        rng,
        opts: *opts,
        kfield,
        kfield_idx,
        subs: Vec::new(),
        illegal: Vec::new(),
        names: 0,
    };
    // Subroutines are emitted after both entries; their labels exist from the start.
    let nsub = g.rng.gen_range(1..4);
    g.subs = (0..nsub).map(|i| g.a.label(&format!("sub{i}"))).collect();
    g.entry("e0");
    g.entry("e1");
    for i in 0..nsub {
        let l = g.subs[i];
        g.a.bind(l);
        let n = g.rng.gen_range(1..6);
        for _ in 0..n {
            g.element(0, false, true);
        }
        g.a.ret();
    }
    let illegal = std::mem::take(&mut g.illegal);
    let asm = g.a;
    let prog = if opts.schedule {
        asm.finish()
    } else {
        asm.finish_with(&AsmOptions::as_written())
    }
    .map_err(|e| e.to_string())?;
    let mut words = prog.words.clone();
    let mut faults = Vec::new();
    for (name, w) in illegal {
        let pc = prog
            .label(&name)
            .ok_or_else(|| format!("label {name} missing"))?;
        words[usize::from(pc)] = w;
        faults.push(pc);
    }
    let entries = [
        prog.label("e0").ok_or("no e0")?,
        prog.label("e1").ok_or("no e1")?,
    ];
    Ok(GenProgram {
        prog,
        words,
        entries,
        faults,
    })
}
