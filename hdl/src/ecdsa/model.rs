//! The instruction-set simulator (ISS) of the ECDSA engine: the golden model at hardware
//! granularity. It fetches, decodes and executes the microcode word by word exactly as
//! `ISA.md` specifies, on exact 256-bit values (num-bigint), and sums the RTL's cycle costs
//! from [`super::timing`] (`op_cycles`), so it predicts the RTL's cycle count.
//!
//! Beyond the ISA it checks the program: an operand that violates an instruction's
//! precondition (e.g. a MULP operand `>= p`), a read of a register that was neither loaded by
//! the host nor written by the program (the RTL would read a stale value of the previous job),
//! or a PC beyond the program are [`IssError`]s, so a program bug cannot hide behind an
//! RTL-specific behaviour. Illegal words (including the reserved opcodes 5 and 6, ISA v1's
//! INVN/INVP) and the watchdog are errors too; the RTL reports all of those as `EngineFault` (15).

use super::consts::{const_rom_for, Curve};
use super::isa::{Cond, DecodeError, Flags, Op, Src, CONST_BASE, NUM_REGS};
use super::timing;
use bitvec::prelude::*;
use num_bigint::BigUint;
use num_traits::{One, Zero};
use satchain_regmap::EcdsaCode;
use std::fmt;
use std::sync::OnceLock;

/// The inputs of one verification are the register map's ECDSA job (one type for the
/// driver, the behavioural model, the ISS and the RTL tests).
pub use satchain_regmap::{EcdsaJob, PubkeyLength};

/// The values of R0..R5 as the host loads them (`EcdsaJob::registers` as numbers).
pub fn load_values(job: &EcdsaJob) -> [BigUint; 6] {
    job.registers().map(|r| BigUint::from_bytes_be(&r))
}

/// One executed instruction (with [`RunOptions::trace`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceEntry {
    pub pc: u16,
    pub op: Op,
    /// Cycle count before this instruction.
    pub cycle: u64,
    /// Register written and its new value.
    pub write: Option<(u8, BigUint)>,
    /// For BR/DJNZ: whether the branch was taken.
    pub taken: Option<bool>,
}

/// Result of a program run that reached HALT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssOutcome {
    /// The HALT code (`satchain_regmap::EcdsaCode` values).
    pub code: u8,
    /// Cycles, as the RTL counts them (sum of the executed instructions' costs, HALT included).
    pub cycles: u64,
    /// Instructions executed (HALT included).
    pub instructions: u64,
    /// Final register file (unwritten registers read as 0).
    pub regs: Vec<BigUint>,
    /// Executed instructions, if tracing was requested.
    pub trace: Vec<TraceEntry>,
}

impl IssOutcome {
    /// The HALT code as the register map's enum (`None` for codes it does not define).
    pub fn ecdsa_code(&self) -> Option<EcdsaCode> {
        EcdsaCode::from_bits(u32::from(self.code))
    }
    /// Executed PCs in order (requires tracing).
    pub fn visited(&self, pc: u16) -> bool {
        self.trace.iter().any(|t| t.pc == pc)
    }
}

/// The run did not reach HALT. The RTL reports each of these as `EngineFault` (15), except
/// [`IssError::Precondition`] and [`IssError::UninitRead`], which are program bugs the RTL
/// cannot see (it would compute a wrong value silently).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IssError {
    /// The word at `pc` is not a legal instruction.
    Decode { pc: u16, err: DecodeError },
    /// PC left the program.
    PcOutOfRange { pc: u16, len: usize },
    /// An operand outside the instruction's domain (e.g. MULP with an operand >= p).
    Precondition { pc: u16, op: Op, what: String },
    /// A register read before any load or write.
    UninitRead { pc: u16, op: Op, reg: u8 },
    /// More than the watchdog's cycles.
    Watchdog { pc: u16, cycles: u64 },
}

impl IssError {
    /// The result code the RTL produces for this condition.
    pub const fn rtl_code(&self) -> u8 {
        EcdsaCode::EngineFault as u8
    }
}

impl fmt::Display for IssError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IssError::Decode { pc, err } => write!(f, "pc {pc}: {err}"),
            IssError::PcOutOfRange { pc, len } => {
                write!(f, "pc {pc} is beyond the program ({len} words)")
            }
            IssError::Precondition { pc, op, what } => write!(f, "pc {pc}: `{op}`: {what}"),
            IssError::UninitRead { pc, op, reg } => {
                write!(
                    f,
                    "pc {pc}: `{op}` reads R{reg}, which was never loaded or written"
                )
            }
            IssError::Watchdog { pc, cycles } => {
                write!(f, "watchdog: {cycles} cycles, pc {pc}")
            }
        }
    }
}

impl std::error::Error for IssError {}

/// Options of a run.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Record every executed instruction.
    pub trace: bool,
    /// Stop with [`IssError::Watchdog`] when the cycle count exceeds this.
    pub watchdog_cycles: u64,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            trace: false,
            watchdog_cycles: u64::from(timing::WATCHDOG_CYCLES),
        }
    }
}

/// An ISS for one curve: the arithmetic moduli and the constant ROM (built once).
#[derive(Debug, Clone)]
pub struct Iss {
    curve: Curve,
    consts: Vec<BigUint>,
}

/// 4-bit window `(v >> 4*lc) & 15`, extracted with bitvec over the value's 64-bit digits.
fn window(v: &BigUint, lc: u8) -> u8 {
    let mut digits = [0u64; 4];
    for (d, s) in digits.iter_mut().zip(v.iter_u64_digits()) {
        *d = s;
    }
    let bits = digits.view_bits::<Lsb0>();
    let lo = 4 * usize::from(lc);
    if lo + 4 > bits.len() {
        return 0;
    }
    bits[lo..lo + 4].load_le::<u8>()
}

impl Iss {
    /// An ISS for `curve` (secp256k1 for the product; toy curves for exhaustive tests).
    pub fn new(curve: Curve) -> Iss {
        let consts = const_rom_for(&curve);
        Iss { curve, consts }
    }

    /// The shared secp256k1 ISS.
    pub fn secp256k1() -> &'static Iss {
        static ISS: OnceLock<Iss> = OnceLock::new();
        ISS.get_or_init(|| Iss::new(Curve::secp256k1()))
    }

    pub fn curve(&self) -> &Curve {
        &self.curve
    }

    /// Runs `program` on `inputs` until HALT.
    pub fn run(
        &self,
        program: &[u32],
        inputs: &EcdsaJob,
        opts: &RunOptions,
    ) -> Result<IssOutcome, IssError> {
        self.run_regs(program, &load_values(inputs), opts)
    }

    /// Runs `program` with R0..R(k-1) preloaded from `init` (k <= 64).
    pub fn run_regs(
        &self,
        program: &[u32],
        init: &[BigUint],
        opts: &RunOptions,
    ) -> Result<IssOutcome, IssError> {
        let p = &self.curve.p;
        let n = &self.curve.n;
        let mask256 = (BigUint::one() << 256u32) - 1u32;
        let mut regs: Vec<BigUint> = vec![BigUint::zero(); NUM_REGS];
        let mut valid = [false; NUM_REGS];
        for (i, v) in init.iter().take(NUM_REGS).enumerate() {
            regs[i] = v & &mask256;
            valid[i] = true;
        }
        let mut flags = Flags::default();
        let (mut pc, mut lc, mut idx): (u16, u8, u8) = (0, 0, 0);
        let mut cycles = 0u64;
        let mut instructions = 0u64;
        let mut trace = Vec::new();

        loop {
            let Some(&word) = program.get(usize::from(pc)) else {
                return Err(IssError::PcOutOfRange {
                    pc,
                    len: program.len(),
                });
            };
            let op = Op::decode(word).map_err(|err| IssError::Decode { pc, err })?;
            let cycle_before = cycles;
            instructions += 1;

            // Operand read with the index register and the uninitialised-read check.
            let read = |s: Src| -> Result<BigUint, IssError> {
                let addr = s.effective(idx);
                if addr >= CONST_BASE {
                    Ok(self.consts[usize::from(addr - CONST_BASE)].clone())
                } else if valid[usize::from(addr)] {
                    Ok(regs[usize::from(addr)].clone())
                } else {
                    Err(IssError::UninitRead { pc, op, reg: addr })
                }
            };
            let pre = |ok: bool, what: &str| -> Result<(), IssError> {
                if ok {
                    Ok(())
                } else {
                    Err(IssError::Precondition {
                        pc,
                        op,
                        what: what.to_string(),
                    })
                }
            };

            let mut write: Option<(u8, BigUint)> = None;
            let mut taken = None;
            let mut next = pc.wrapping_add(1);
            let cost = u64::from(timing::op_cycles(op.opcode()));
            match op {
                Op::Nop => {}
                Op::MulP { d, a, b } | Op::AddP { d, a, b } | Op::SubP { d, a, b } => {
                    let (x, y) = (read(a)?, read(b)?);
                    pre(&x < p && &y < p, "field operand >= p")?;
                    let v = match op {
                        Op::MulP { .. } => (x * y) % p,
                        Op::AddP { .. } => (x + y) % p,
                        _ => (x + p - y) % p,
                    };
                    write = Some((d, v));
                }
                Op::MulN { d, a, b } => {
                    let (x, y) = (read(a)?, read(b)?);
                    write = Some((d, (x * y) % n));
                }
                Op::Mov { d, a } => write = Some((d, read(a)?)),
                Op::Add { d, a, b } => {
                    let s = read(a)? + read(b)?;
                    flags.c = s.bits() > 256;
                    write = Some((d, s & &mask256));
                }
                Op::Sub { d, a, b } => {
                    let (x, y) = (read(a)?, read(b)?);
                    flags.c = x < y;
                    let v = if x >= y {
                        x - y
                    } else {
                        (x + (BigUint::one() << 256u32)) - y
                    };
                    write = Some((d, v));
                }
                Op::Cmp { a, b } => {
                    let (x, y) = (read(a)?, read(b)?);
                    flags.eq = x == y;
                    flags.lt = x < y;
                }
                Op::Odd { a } => flags.od = read(a)?.bit(0),
                Op::Win { a, stride } => {
                    let w = window(&read(a)?, lc);
                    flags.wz = w == 0;
                    idx = if w == 0 { 0 } else { ((w - 1) * stride) & 0x7f };
                }
                Op::Ldlc { imm } => lc = imm,
                Op::Djnz { target } => {
                    taken = Some(lc != 0);
                    if lc != 0 {
                        lc -= 1;
                        next = target;
                    }
                }
                Op::Jmp { target } => next = target,
                Op::Br { cond, target } => {
                    let t = Cond::holds(cond, flags);
                    taken = Some(t);
                    if t {
                        next = target;
                    }
                }
                Op::Halt { .. } => {}
            }
            cycles += cost;
            if let Some((d, v)) = &write {
                regs[usize::from(*d)] = v.clone();
                valid[usize::from(*d)] = true;
            }
            if opts.trace {
                trace.push(TraceEntry {
                    pc,
                    op,
                    cycle: cycle_before,
                    write,
                    taken,
                });
            }
            if let Op::Halt { code } = op {
                return Ok(IssOutcome {
                    code,
                    cycles,
                    instructions,
                    regs,
                    trace,
                });
            }
            if cycles > opts.watchdog_cycles {
                return Err(IssError::Watchdog { pc, cycles });
            }
            pc = next;
        }
    }
}

/// Runs `program` on the secp256k1 ISS with default options (no trace).
pub fn run(program: &[u32], inputs: &EcdsaJob) -> Result<IssOutcome, IssError> {
    Iss::secp256k1().run(program, inputs, &RunOptions::default())
}

/// Like [`run`], recording the trace.
pub fn run_traced(program: &[u32], inputs: &EcdsaJob) -> Result<IssOutcome, IssError> {
    Iss::secp256k1().run(
        program,
        inputs,
        &RunOptions {
            trace: true,
            ..RunOptions::default()
        },
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::ecdsa::asm::{Asm, Reg};
    use crate::ecdsa::consts::c;
    use crate::ecdsa::isa::Src;

    fn iss() -> &'static Iss {
        Iss::secp256k1()
    }

    #[test]
    fn iss_window_and_flags() {
        let mut a = Asm::new();
        a.ldlc(1);
        a.win(Reg(0), 3); // W = 0xA -> I = 27
        a.mov(Reg(1), Src::r(0).idx()); // reads R27: never written -> error would fire; use C
        a.halt(0);
        let prog = a.finish().unwrap();
        let e = iss().run_regs(
            &prog.words,
            &[BigUint::from(0xA5u32)],
            &RunOptions::default(),
        );
        assert!(
            matches!(e, Err(IssError::UninitRead { reg: 27, .. })),
            "{e:?}"
        );

        let mut a = Asm::new();
        a.ldlc(1);
        a.win(Reg(0), 2); // W = 0xA -> I = 18: C16+18 = C34 = x(10G)
        a.mov(Reg(1), Src::c(c::G_TABLE).idx());
        a.sub(Reg(2), Src::c(0), Src::c(1)); // borrow
        let l = a.label("borrow");
        a.br(Cond::C, l);
        a.halt(9);
        a.bind(l);
        a.cmp(Src::c(c::P), Src::c(c::N));
        let l2 = a.label("lt");
        a.br(Cond::Lt, l2);
        a.halt(1);
        a.bind(l2);
        a.halt(0);
        let prog = a.finish().unwrap();
        let o = iss()
            .run_regs(
                &prog.words,
                &[BigUint::from(0xA5u32)],
                &RunOptions {
                    trace: true,
                    ..Default::default()
                },
            )
            .unwrap();
        // p > n: CMP p, n does not set LT -> HALT 1
        assert_eq!(o.code, 1);
        assert_eq!(o.regs[1], const_rom_for(&Curve::secp256k1())[34]);
        assert_eq!(o.regs[2], (BigUint::one() << 256u32) - 1u32);
        assert_eq!(o.instructions, 8);
        let expect: u64 = o
            .trace
            .iter()
            .map(|t| u64::from(timing::op_cycles(t.op.opcode())))
            .sum();
        assert_eq!(o.cycles, expect);
    }

    #[test]
    fn iss_preconditions_and_faults_are_errors() {
        let mut a = Asm::new();
        a.mulp(Reg(1), Src::c(c::P), Src::c(1));
        a.halt(0);
        let prog = a.finish().unwrap();
        let e = iss().run_regs(&prog.words, &[], &RunOptions::default());
        assert!(matches!(e, Err(IssError::Precondition { pc: 0, .. })));

        let e = iss().run_regs(&[31 << 27], &[], &RunOptions::default());
        assert!(matches!(e, Err(IssError::Decode { pc: 0, .. })));

        let e = iss().run_regs(&[0], &[], &RunOptions::default());
        assert!(matches!(e, Err(IssError::PcOutOfRange { pc: 1, .. })));

        let mut a = Asm::new();
        let l = a.here("spin");
        a.jmp(l);
        let prog = a.finish().unwrap();
        let e = iss().run_regs(&prog.words, &[], &RunOptions::default());
        assert!(matches!(e, Err(IssError::Watchdog { .. })));
    }

    #[test]
    fn iss_never_panics_on_random_words() {
        // Random programs (biased to legal opcodes) on random inputs: the ISS returns an
        // outcome or a typed error, never panics or runs past the watchdog.
        use rand::{Rng, SeedableRng};
        let seed = testkit::seed("iss_never_panics_on_random_words");
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        let opts = RunOptions {
            trace: false,
            watchdog_cycles: 20_000,
        };
        let (mut halted, mut errors) = (0, 0);
        for _ in 0..2000 {
            let len = rng.gen_range(1..48);
            let words: Vec<u32> = (0..len)
                .map(|_| {
                    let w: u32 = rng.gen();
                    let op = rng.gen_range(0u32..20);
                    // Targets into the program most of the time.
                    let w = (w & !0x3ff) | rng.gen_range(0..len as u32 + 2);
                    (op << 27) | (w & 0x07ff_ffff)
                })
                .collect();
            let init: Vec<BigUint> = (0..6)
                .map(|_| {
                    let mut b = [0u8; 32];
                    rng.fill(&mut b);
                    BigUint::from_bytes_be(&b)
                })
                .collect();
            match iss().run_regs(&words, &init, &opts) {
                Ok(o) => {
                    halted += 1;
                    assert!(o.instructions >= 1);
                }
                Err(_) => errors += 1,
            }
        }
        assert!(halted > 0 && errors > 0, "halted {halted} errors {errors}");
    }
}
