//! What-if model of a **barrel cluster** (issue 11's next step; not a model of any RTL here):
//! how many issue turns a verify needs when the cluster gives its threads fixed turns in
//! rotation and each turn issues one *bundle* of at most `m` M-class, `a` A-class and `c`
//! C-class ops of one thread, the block's control field riding on its last bundle.
//!
//! Why it matters: the shipped cluster pays ~434 LUT per thread for its dynamic issue
//! (ThreadCtl, the ports' one-hot multiplexers and arbiters; hdl/src/vcore/README.md, "Where
//! the VerifyCore's LUTs go"). With fixed turns and a turn length `turn` longer than the
//! FieldMul's write-back latency, a thread's earlier results are always back by its next turn:
//! no scoreboard, no wait fields, no arbiter, and the per-thread state can sit in RAM read in
//! rotation. What that costs is issue slots: a thread cannot use its turn when its next ops
//! depend on each other, and a turn without an M-op is a cycle the multiplier idles. This
//! module measures that cost on the shipped program (the same ROM the ISS and RTL run).
//!
//! The model, per job (one thread, functionally executed as the ISS does):
//! - the program is cut into static basic blocks (leaders: entries, every control target, the
//!   word after every control field); each executed block is list-scheduled into bundles in
//!   program order, each op at the earliest bundle that respects its dependencies
//!   ([`crate::vcore::effects`], indexed operands reading their whole bank range, as the
//!   assembler's scheduler assumes): a read comes at least `latency` bundles after its
//!   producer (1 for everything written in a turn, since `turn` > MUL_WB; `rec_turns` for a
//!   REC's digits), a write no earlier than the last read of its resource (reads happen before
//!   writes in a bundle) and after its last write;
//! - the op with the block's control field goes in the block's last bundle (it sees the state
//!   as of that bundle's start, as the ISA's control fields do); a HALT goes one bundle after
//!   the block's other ops, when their writes are back;
//! - the next block starts in the next bundle. A bundle with no op (a REC's digits not back)
//!   is a stall turn and is counted;
//! - with `Bundle::staged`, a bundle runs in three stages (C-class ops, then the ALU op, then
//!   the multiplication, ALU_WB = 9 cycles fitting in a turn of 32), so an op may read what an
//!   earlier stage of its own bundle wrote, and a write at an earlier stage than a read of the
//!   same bundle must wait for the next bundle.
//!
//! The schedule of a block depends only on the block (every value from an earlier block is
//! back by its first turn), except for the digits, which stall by a hardware interlock, so a
//! compiler could emit these bundles statically. [`replay`] re-executes the job bundle by
//! bundle with bundle semantics (all reads of a bundle before its writes) and must give the
//! sequential execution's verdict and final registers; the tests check it on random jobs.
//!
//! Not modelled: the Recoder's queue when several threads recode at once, the job load
//! between two jobs of a thread, and the ScalarUnit feeding the threads (both measured on the
//! ISS for the shipped cluster: `vcore_throughput --profile`).

use super::core::CoreJob;
use super::exec::{ThreadState, Write};
use super::u256::U256;
use super::{IssError, Machine};
use crate::vcore::effects::{self, Res, RES_COUNT};
use crate::vcore::isa::{Class, Ctl, Instr, Op};
use crate::vcore::params::DIG_POSITIONS;
use crate::vcore::su::model::{self as su, SuJob, SuModulus, SuOutcome};
use crate::vcore::timing;

/// The thread words S0..S5 the ReadyQueue hands a cluster for `j` (the ScalarUnit's three and
/// the pass-through key words), or None when the ScalarUnit answers the job itself (BAD_R,
/// BAD_S).
pub fn job_words(md: &SuModulus, j: &CoreJob) -> Result<Option<[U256; 6]>, IssError> {
    let r = su::run(
        md,
        &SuJob {
            kind: j.kind,
            z: j.z.clone(),
            r: j.r.clone(),
            s: j.s.clone(),
        },
    )
    .map_err(IssError::ScalarUnit)?;
    Ok(match r.outcome {
        SuOutcome::Ready(w) => Some(j.thread_words(&w)),
        SuOutcome::Early(_) => None,
    })
}

/// Issue slots of a bundle and the latencies of the rotation, in turns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bundle {
    /// M-class ops per bundle (FieldMul issues).
    pub m: u8,
    /// A-class ops per bundle (ALU issues, REC).
    pub a: u8,
    /// C-class ops per bundle (DIG, LDLC).
    pub c: u8,
    /// Turns from a REC's bundle to the first bundle that may read its digits.
    pub rec_turns: u32,
    /// Staged bundles: within a turn the C-class ops run first, then the ALU op, then the
    /// multiplication, and each may read what an earlier stage of the same bundle wrote
    /// (the ALU's ALU_WB cycles fit in a turn). Unstaged: every op reads the state as of the
    /// bundle's start.
    pub staged: bool,
    /// Dataflow bound: an op may go into any bundle its dependencies allow, before the
    /// control fields of earlier blocks (as a trace scheduler specialising every path
    /// could); only control fields stay in order. Not a schedule a static program can have
    /// for every path: the bound of what scheduling alone could give.
    pub across_blocks: bool,
}

impl Bundle {
    /// One M, one A and one C op per bundle, with a turn of `turn` cycles (`turn` > MUL_WB).
    pub fn one_each(turn: u32) -> Bundle {
        Bundle {
            m: 1,
            a: 1,
            c: 1,
            rec_turns: rec_turns(turn),
            staged: false,
            across_blocks: false,
        }
    }
}

/// Turns a REC's digits take with a turn of `turn` cycles: its ALU write-back, the recoder's
/// start and one digit per cycle (`timing::REC_START`, `params::DIG_POSITIONS`).
pub fn rec_turns(turn: u32) -> u32 {
    let cycles =
        timing::ALU_WB + timing::REC_START + u32::try_from(DIG_POSITIONS).unwrap_or(u32::MAX);
    cycles.div_ceil(turn.max(1))
}

/// One job's bundles.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BarrelJob {
    /// The verdict (HALT code).
    pub code: u8,
    /// Bundles, stall turns included: the thread's turns from its first to its HALT.
    pub bundles: u64,
    /// Bundles with no op (a REC's digits not back yet).
    pub stalls: u64,
    pub m_ops: u64,
    pub a_ops: u64,
    pub c_ops: u64,
    /// Executed blocks.
    pub blocks: u64,
    /// Per PC: the bundles of the executed blocks that start there.
    pub bundles_at: Vec<u64>,
}

/// Start of a basic block at each PC (entries, control targets, the word after a control).
pub fn leaders(m: &Machine) -> Vec<bool> {
    let mut l = vec![false; m.rom.len() + 1];
    for &e in &m.entries {
        if let Some(x) = l.get_mut(usize::from(e)) {
            *x = true;
        }
    }
    for (pc, i) in m.rom.iter().enumerate() {
        let Ok(i) = i else { continue };
        if i.ctl != Ctl::Seq {
            l[pc + 1] = true;
        }
        if let Some(t) = i.ctl.target() {
            if let Some(x) = l.get_mut(usize::from(t)) {
                *x = true;
            }
        }
    }
    l
}

fn class_slot(op: &Op) -> Option<usize> {
    match (op, op.class()) {
        (Op::Nop, _) => None,
        (_, Class::M) => Some(0),
        (_, Class::A) => Some(1),
        (_, Class::C) => Some(2),
    }
}

/// The stage of an op inside a staged bundle: C-class ops (and the control field) first,
/// then the ALU, then the multiplier, each reading what the earlier stages wrote.
pub fn op_stage(op: &Op) -> u8 {
    match op.class() {
        Class::C => 0,
        Class::A => 1,
        Class::M => 2,
    }
}

/// The last write of a resource: bundle, stage, bundles until a later bundle may read it.
#[derive(Debug, Clone, Copy)]
struct Wrote {
    bundle: u64,
    stage: u8,
    lat: u64,
}

/// The instruction at `pc` (a word the RTL does not check, or a PC beyond the ROM, is an error).
fn fetch(m: &Machine, pc: u16) -> Result<Instr, IssError> {
    match m.rom.get(usize::from(pc)) {
        Some(Ok(i)) => Ok(*i),
        Some(Err(e)) => Err(IssError::Unchecked { pc, err: *e }),
        None => Err(IssError::PcOutOfRange {
            pc,
            len: m.rom.len(),
        }),
    }
}

/// One placed instruction: its PC and bundle (absolute turn number of the job).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placed {
    pub pc: u16,
    pub bundle: u64,
    /// Its stage in the bundle (0 when bundles are not staged).
    pub stage: u8,
}

/// Runs one job (thread words S0..S5 as the ReadyQueue hands them, `kind` 0 ECDSA / 1 BIP340)
/// on the program of `m`, sequentially, and schedules it into bundles. Returns the figures and
/// the placement of every executed instruction, in execution order.
pub fn schedule(
    m: &Machine,
    words: &[U256; 6],
    kind: usize,
    b: &Bundle,
    max_instrs: u64,
) -> Result<(BarrelJob, Vec<Placed>), IssError> {
    schedule_with(m, &leaders(m), words, kind, b, max_instrs).map(|(r, placed, _)| (r, placed))
}

/// [`schedule`] with the program's [`leaders`] computed by the caller (once per batch), also
/// returning the final registers of the functional run it makes on the way (the sequential
/// semantics, so a batch need not run the job a second time to check the replay).
fn schedule_with(
    m: &Machine,
    lead: &[bool],
    words: &[U256; 6],
    kind: usize,
    b: &Bundle,
    max_instrs: u64,
) -> Result<(BarrelJob, Vec<Placed>, [Option<U256>; 64]), IssError> {
    let len = m.rom.len();
    let entry = m.entries.get(kind).copied().unwrap_or(0);
    let mut st = ThreadState::load(words, entry);
    let mut wrote: [Option<Wrote>; RES_COUNT] = [None; RES_COUNT];
    // Per resource: the latest bundle that read it and the latest stage that read it there.
    let mut last_read: [Option<(u64, u8)>; RES_COUNT] = [None; RES_COUNT];
    let mut out = BarrelJob {
        bundles_at: vec![0; len],
        ..BarrelJob::default()
    };
    let mut placed = Vec::new();
    // Per bundle: ops per slot class; whether it holds an op or a control field.
    let mut used: Vec<[u8; 3]> = Vec::new();
    let mut filled: Vec<bool> = Vec::new();
    // Lower bound of the current block's bundles; with `across_blocks`, of its control field.
    let mut start = 0u64;
    let mut end = 0u64;
    let mut executed = 0u64;
    loop {
        // One basic block: [start PC, first control field or the word before a leader].
        let first_pc = usize::from(st.pc);
        let mut last_in_block = start;
        let mut any_in_block = false;
        let mut halted = None;
        loop {
            let pc = st.pc;
            let instr: Instr = fetch(m, pc)?;
            executed += 1;
            if executed > max_instrs {
                return Err(IssError::Timeout { cycle: executed });
            }
            let stage = if b.staged { op_stage(&instr.op) } else { 0 };
            let op_reads = effects::op_reads(&instr.op);
            let ctl_reads = effects::ctl_reads(instr.ctl);
            // (resource, stage of the write): the control field's writes come first.
            let writes: Vec<(Res, u8)> = effects::ctl_writes(instr.ctl)
                .into_iter()
                .map(|r| (r, 0))
                .chain(
                    effects::op_writes(&instr.op)
                        .into_iter()
                        .map(|r| (r, stage)),
                )
                .collect();
            let ends = instr.ctl != Ctl::Seq;
            let mut lo = if b.across_blocks && !ends { 0 } else { start };
            for r in &op_reads {
                if let Some(w) = wrote[r.index()] {
                    // A result of an earlier stage of the same bundle (staged bundles), else
                    // from `lat` bundles on.
                    lo = lo.max(if w.lat == 1 && w.stage < stage {
                        w.bundle
                    } else {
                        w.bundle + w.lat
                    });
                }
            }
            for r in &ctl_reads {
                if let Some(w) = wrote[r.index()] {
                    lo = lo.max(w.bundle + w.lat);
                }
            }
            for &(w, ws) in &writes {
                if let Some((rb, rs)) = last_read[w.index()] {
                    lo = lo.max(if rs > ws { rb + 1 } else { rb });
                }
                if let Some(x) = wrote[w.index()] {
                    lo = lo.max(x.bundle + 1);
                }
            }
            if ends && any_in_block {
                lo = lo.max(last_in_block);
                if matches!(instr.ctl, Ctl::Halt(_)) {
                    lo = lo.max(last_in_block + 1);
                }
            }
            let slot = class_slot(&instr.op);
            let mut at = lo;
            if let Some(s) = slot {
                let cap = [b.m, b.a, b.c][s];
                loop {
                    let i = usize::try_from(at).unwrap_or(usize::MAX);
                    if used.len() <= i {
                        used.resize(i + 1, [0; 3]);
                    }
                    if used[i][s] < cap {
                        used[i][s] += 1;
                        break;
                    }
                    at += 1;
                }
                match s {
                    0 => out.m_ops += 1,
                    1 => out.a_ops += 1,
                    _ => out.c_ops += 1,
                }
            }
            for (r, rs) in op_reads
                .iter()
                .map(|&r| (r, stage))
                .chain(ctl_reads.iter().map(|&r| (r, 0)))
            {
                let e = &mut last_read[r.index()];
                *e = Some(match *e {
                    Some((rb, s0)) if rb == at => (at, s0.max(rs)),
                    Some((rb, s0)) if rb > at => (rb, s0),
                    _ => (at, rs),
                });
            }
            for &(w, ws) in &writes {
                let lat = if matches!(w, Res::Digits(_)) {
                    u64::from(b.rec_turns)
                } else {
                    1
                };
                wrote[w.index()] = Some(Wrote {
                    bundle: at,
                    stage: ws,
                    lat,
                });
            }
            last_in_block = last_in_block.max(at);
            any_in_block = true;
            let fi = usize::try_from(at).unwrap_or(usize::MAX);
            if filled.len() <= fi {
                filled.resize(fi + 1, false);
            }
            filled[fi] = true;
            placed.push(Placed {
                pc,
                bundle: at,
                stage,
            });
            // Functional execution (sequential semantics).
            let issued = st.issue(&instr, &m.k, len)?;
            for w in &issued.writes {
                st.complete(w);
            }
            if let Some(code) = issued.halt {
                halted = Some(code);
                break;
            }
            st.pc = issued.next_pc;
            if ends || lead.get(usize::from(st.pc)).copied().unwrap_or(false) {
                break;
            }
        }
        out.blocks += 1;
        if let Some(x) = out.bundles_at.get_mut(first_pc) {
            *x += (last_in_block + 1).saturating_sub(end);
        }
        end = end.max(last_in_block + 1);
        start = last_in_block + 1;
        if let Some(code) = halted {
            out.code = code;
            out.bundles = end;
            out.stalls = (0..usize::try_from(end).unwrap_or(0))
                .filter(|&i| !filled.get(i).copied().unwrap_or(false))
                .count() as u64;
            return Ok((out, placed, st.regs));
        }
    }
}

/// Re-executes a job bundle by bundle with bundle semantics: within a bundle (a stage of a
/// staged bundle) every op reads the state as of its start (ops issued in program order,
/// their register and flag writes applied when the bundle or stage ends; a read of a write of
/// the same bundle or stage is a `Hazard`).
/// Returns the HALT code and the final registers.
pub fn replay(
    m: &Machine,
    words: &[U256; 6],
    kind: usize,
    placed: &[Placed],
) -> Result<(u8, [Option<U256>; 64]), IssError> {
    let len = m.rom.len();
    let entry = m.entries.get(kind).copied().unwrap_or(0);
    let mut st = ThreadState::load(words, entry);
    // Bundle, stage, then execution order: the ops of one stage issue in program order.
    let mut order: Vec<(u64, u8, usize)> = placed
        .iter()
        .enumerate()
        .map(|(i, p)| (p.bundle, p.stage, i))
        .collect();
    order.sort_unstable();
    let mut pending: Vec<Write> = Vec::new();
    let mut cur = None;
    for &(bundle, stage, i) in &order {
        if cur != Some((bundle, stage)) {
            for w in pending.drain(..) {
                st.complete(&w);
            }
            cur = Some((bundle, stage));
        }
        let pc = placed[i].pc;
        let instr = fetch(m, pc)?;
        st.pc = pc;
        let issued = st.issue(&instr, &m.k, len)?;
        pending.extend(issued.writes.iter().copied());
        if let Some(code) = issued.halt {
            for w in pending.drain(..) {
                st.complete(&w);
            }
            return Ok((code, st.regs));
        }
    }
    Err(IssError::Timeout {
        cycle: placed.len() as u64,
    })
}

/// A batch's sums (every job scheduled, replayed and checked against its sequential run).
#[derive(Debug, Clone, Default)]
pub struct Batch {
    pub jobs: usize,
    /// Sums over the jobs (`code`: the number of jobs whose verdict was not 0).
    pub total: BarrelJob,
    /// Per PC: (bundles of the executed blocks starting there, executions), all jobs.
    pub profile: Vec<(u64, u64)>,
}

impl Batch {
    /// Mean bundles per verify.
    pub fn bundles(&self) -> f64 {
        self.total.bundles as f64 / self.jobs.max(1) as f64
    }
    /// Mean of a per-job count.
    pub fn per(&self, x: u64) -> f64 {
        x as f64 / self.jobs.max(1) as f64
    }
    /// Each multiplier's busy fraction when every turn is a thread's with a job: M-ops ÷
    /// (bundles x M slots).
    pub fn busy(&self, b: &Bundle) -> f64 {
        self.total.m_ops as f64 / (self.total.bundles as f64 * f64::from(b.m.max(1)))
    }
    /// Verifies per second of one cluster issuing a bundle per cycle at `mhz` (a projection:
    /// the clock is an input).
    pub fn verifies_per_s(&self, mhz: f64) -> f64 {
        mhz * 1e6 / self.bundles()
    }
}

/// Schedules every job of a batch (thread words, all of one `kind`), replays each schedule
/// and compares it with the job's sequential run. Err names the job that fails.
pub fn batch(
    m: &Machine,
    words: &[[U256; 6]],
    kind: usize,
    b: &Bundle,
    max_instrs: u64,
) -> Result<Batch, String> {
    let mut out = Batch {
        jobs: words.len(),
        profile: vec![(0, 0); m.rom.len()],
        ..Batch::default()
    };
    let lead = leaders(m);
    for (i, w) in words.iter().enumerate() {
        // The schedule's own functional run is the sequential oracle (`sequential`'s steps).
        let (r, placed, regs) = schedule_with(m, &lead, w, kind, b, max_instrs)
            .map_err(|e| format!("job {i}: schedule: {e}"))?;
        let rep = replay(m, w, kind, &placed).map_err(|e| format!("job {i}: replay: {e}"))?;
        if rep != (r.code, regs) {
            return Err(format!(
                "job {i}: the bundles do not compute what the program computes"
            ));
        }
        let t = &mut out.total;
        t.code += u8::from(r.code != 0);
        t.bundles += r.bundles;
        t.stalls += r.stalls;
        t.m_ops += r.m_ops;
        t.a_ops += r.a_ops;
        t.c_ops += r.c_ops;
        t.blocks += r.blocks;
        for (p, &x) in out.profile.iter_mut().zip(&r.bundles_at) {
            p.0 += x;
        }
        for p in &placed {
            if let Some(x) = out.profile.get_mut(usize::from(p.pc)) {
                x.1 += 1;
            }
        }
    }
    Ok(out)
}

/// Sequential execution of a job (no timing): its HALT code and final registers.
pub fn sequential(
    m: &Machine,
    words: &[U256; 6],
    kind: usize,
    max_instrs: u64,
) -> Result<(u8, [Option<U256>; 64]), IssError> {
    let len = m.rom.len();
    let entry = m.entries.get(kind).copied().unwrap_or(0);
    let mut st = ThreadState::load(words, entry);
    for _ in 0..max_instrs {
        let pc = st.pc;
        let instr = fetch(m, pc)?;
        let issued = st.issue(&instr, &m.k, len)?;
        for w in &issued.writes {
            st.complete(w);
        }
        if let Some(code) = issued.halt {
            return Ok((code, st.regs));
        }
        st.pc = issued.next_pc;
    }
    Err(IssError::Timeout { cycle: max_instrs })
}
