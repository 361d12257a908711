//! One cluster, cycle by cycle (ARCH.md "Timing model", VCORE-DECISIONS.md):
//!
//! - cycle t, in this order: writes whose write-back cycle is < t complete (registers, flags,
//!   `mc`/`ac` decrements); recoder `done` pulses < t decrement `rc`, queue pops < t return a
//!   credit; then the three ports select among ready threads (round robin after the previous
//!   winner; a port with no ready thread keeps its winner): MUL (M-class HEAD), ALU (A-class,
//!   unless a job load holds the port), CTL (C-class: NOP, LDLC, DIG, HALT, faults);
//! - a thread is ready when its HEAD is valid, `mc <= mw`, `ac <= aw` (7: no condition),
//!   plus: REC needs a credit, DIG needs `rc == 0`, HALT and faults need `mc == ac == rc == 0`
//!   (waits ignored);
//! - a selected op reads its operands and computes at once; M writes at t + MUL_WB, A at
//!   t + ALU_WB; the counters count from the end of cycle t; HEAD is valid again at t + FETCH;
//! - REC in t: `rc`, credit −1; accepted by the recoder at t + ALU_WB (`RecTimeline`); the
//!   credit returns after its `load` cycle, `rc` after its `done` cycle;
//! - a job handshake in t loads the lowest idle thread: ALU port held t+1..t+6, HEAD at ENTRY
//!   valid at t + 6 + ALU_WB + FETCH; `job_ready` low t+1..t+5; a HALT in h frees the thread
//!   from h+1; result cycles = h − f + 1 (f = first select);
//! - an illegal HEAD (RTL-faulting decode error) or a thread older than the watchdog is a
//!   C-class `HALT 15`.

use super::exec::{Issued, ThreadState, Write};
use super::u256::U256;
use super::{Config, IssError, JobStats, Machine};
use crate::vcore::isa::{Class, Ctl, Instr, Op, NO_WAIT};
use crate::vcore::params::REC_QUEUE;
use crate::vcore::recoder::model::RecTimeline;
use satchain_regmap::EcdsaCode;
use std::collections::VecDeque;

/// A job as a cluster receives it.
#[derive(Debug, Clone)]
pub struct ClusterJob {
    pub id: usize,
    pub kind: usize,
    /// S0..S5.
    pub words: [U256; 6],
}

/// A finished job.
#[derive(Debug, Clone)]
pub struct ClusterResult {
    pub id: usize,
    pub code: u8,
    /// h − f + 1.
    pub cycles: u64,
    /// Select cycle of the HALT.
    pub halt_cycle: u64,
    pub stats: JobStats,
}

#[derive(Debug, Clone)]
enum State {
    Idle,
    Running,
}

#[derive(Debug, Clone)]
struct Slot {
    state: State,
    job: usize,
    ts: Box<ThreadState>,
    head_at: u64,
    first: Option<u64>,
    mc: u32,
    ac: u32,
    rc: u32,
    stats: JobStats,
}

/// Per-cluster counters over a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PortStats {
    pub mul_issues: u64,
    pub alu_issues: u64,
    pub ctl_issues: u64,
    pub load_cycles: u64,
}

/// One cluster.
#[derive(Debug)]
pub struct Cluster {
    cfg: Config,
    slots: Vec<Slot>,
    rr: [usize; 3],
    mul_pipe: VecDeque<(u64, usize, Vec<Write>)>,
    alu_pipe: VecDeque<(u64, usize, Vec<Write>)>,
    rec: RecTimeline,
    /// (cycle, thread) rc decrements after `cycle`; credit returns after `cycle`.
    rec_done: VecDeque<(u64, usize)>,
    rec_pop: VecDeque<u64>,
    /// REC selections so far, the cycle of the last one, recoder loads (queue pops) so far.
    rec_selected: usize,
    rec_last_select: Option<u64>,
    rec_loaded: usize,
    /// Opt-in trace of every register/flag write: (write-back cycle, thread, write).
    pub trace: Option<Vec<(u64, usize, Write)>>,
    last_handshake: Option<u64>,
    /// The handshake before `last_handshake`: its load still holds the ALU port in the
    /// handshake cycle of the next one (loads may follow each other every 6 cycles).
    prev_handshake: Option<u64>,
    pub stats: PortStats,
}

const MUL: usize = 0;
const ALU: usize = 1;
const CTL: usize = 2;
const LOAD_WORDS: u64 = 6;

/// What a ready HEAD would do.
#[derive(Debug, Clone, Copy)]
enum Head {
    Op(Instr),
    Fault,
}

impl Cluster {
    pub fn new(cfg: &Config) -> Cluster {
        let idle = Slot {
            state: State::Idle,
            job: 0,
            ts: Box::new(ThreadState::load(&[U256::ZERO; 6], 0)),
            head_at: 0,
            first: None,
            mc: 0,
            ac: 0,
            rc: 0,
            stats: JobStats::default(),
        };
        Cluster {
            cfg: *cfg,
            slots: vec![idle; cfg.threads],
            rr: [cfg.threads - 1; 3],
            mul_pipe: VecDeque::new(),
            alu_pipe: VecDeque::new(),
            rec: RecTimeline::new(),
            rec_done: VecDeque::new(),
            rec_pop: VecDeque::new(),
            rec_selected: 0,
            rec_last_select: None,
            rec_loaded: 0,
            trace: cfg.trace.then(Vec::new),
            last_handshake: None,
            prev_handshake: None,
            stats: PortStats::default(),
        }
    }

    /// Can a job be handed over in cycle t?
    pub fn job_ready(&self, t: u64) -> bool {
        let blocked = self
            .last_handshake
            .is_some_and(|h| t > h && t <= h + LOAD_WORDS - 1);
        !blocked && self.slots.iter().any(|s| matches!(s.state, State::Idle))
    }

    /// Handshake in cycle t (the caller checked `job_ready(t)`).
    pub fn accept(&mut self, t: u64, job: ClusterJob, m: &Machine) {
        let Some(i) = self
            .slots
            .iter()
            .position(|s| matches!(s.state, State::Idle))
        else {
            return;
        };
        let entry = m.entries.get(job.kind).copied().unwrap_or(0);
        let s = &mut self.slots[i];
        s.state = State::Running;
        s.job = job.id;
        s.ts = Box::new(ThreadState::load(&job.words, entry));
        s.head_at = t + LOAD_WORDS + u64::from(self.cfg.alu_wb) + u64::from(self.cfg.fetch);
        s.first = None;
        s.mc = 0;
        s.ac = 0;
        s.rc = 0;
        s.stats = JobStats {
            visited: vec![0; m.rom.len().div_ceil(64)],
            ..JobStats::default()
        };
        if let Some(tr) = self.trace.as_mut() {
            for (j, w) in job.words.iter().enumerate() {
                let j = j as u64;
                let reg = crate::vcore::isa::Reg::s(u8::try_from(j).unwrap_or(0));
                tr.push((
                    t + 1 + j + u64::from(self.cfg.alu_wb),
                    i,
                    Write::Reg(reg, *w),
                ));
            }
        }
        self.prev_handshake = self.last_handshake;
        self.last_handshake = Some(t);
        self.stats.load_cycles += LOAD_WORDS;
    }

    /// Any thread busy or anything in flight?
    pub fn busy(&self) -> bool {
        self.slots.iter().any(|s| matches!(s.state, State::Running))
    }

    fn load_holds_alu(&self, t: u64) -> bool {
        [self.last_handshake, self.prev_handshake]
            .iter()
            .flatten()
            .any(|&h| t > h && t <= h + LOAD_WORDS)
    }

    /// Advances one cycle; finished jobs are appended to `done`.
    pub fn step(
        &mut self,
        t: u64,
        m: &Machine,
        done: &mut Vec<ClusterResult>,
    ) -> Result<(), IssError> {
        // 1. completions (write-back cycle < t)
        let trace = &mut self.trace;
        for (pipe, is_mul) in [(&mut self.mul_pipe, true), (&mut self.alu_pipe, false)] {
            while pipe.front().is_some_and(|e| e.0 < t) {
                if let Some((wc, th, writes)) = pipe.pop_front() {
                    let s = &mut self.slots[th];
                    for w in &writes {
                        s.ts.complete(w);
                    }
                    if let Some(tr) = trace.as_mut() {
                        tr.extend(writes.iter().map(|w| (wc, th, *w)));
                    }
                    if is_mul {
                        s.mc -= 1;
                    } else {
                        s.ac -= 1;
                    }
                }
            }
        }
        while self.rec_done.front().is_some_and(|e| e.0 < t) {
            if let Some((_, th)) = self.rec_done.pop_front() {
                self.slots[th].rc -= 1;
            }
        }
        while self.rec_pop.front().is_some_and(|&c| c < t) {
            self.rec_pop.pop_front();
            self.rec_loaded += 1;
        }
        // 2. select
        let n = self.slots.len();
        let alu_free = !self.load_holds_alu(t);
        let mut winners: [Option<(usize, Head)>; 3] = [None, None, None];
        for port in [MUL, ALU, CTL] {
            if port == ALU && !alu_free {
                continue;
            }
            for k in 1..=n {
                let th = (self.rr[port] + k) % n;
                if let Some(h) = self.ready(th, t, port, m)? {
                    winners[port] = Some((th, h));
                    self.rr[port] = th;
                    break;
                }
            }
        }
        // 3. issue
        for port in [MUL, ALU, CTL] {
            let Some((th, head)) = winners[port] else {
                continue;
            };
            match port {
                MUL => self.stats.mul_issues += 1,
                ALU => self.stats.alu_issues += 1,
                _ => self.stats.ctl_issues += 1,
            }
            let len = m.rom.len();
            let s = &mut self.slots[th];
            let first = *s.first.get_or_insert(t);
            let pc = s.ts.pc;
            if let Some(w) = s.stats.visited.get_mut(usize::from(pc) / 64) {
                *w |= 1u64 << (pc % 64);
            }
            let issued: Issued = match head {
                Head::Fault => Issued {
                    halt: Some(EcdsaCode::EngineFault as u8),
                    ..Issued::default()
                },
                Head::Op(instr) => s.ts.issue(&instr, &m.k, len)?,
            };
            match port {
                MUL => {
                    s.stats.m_ops += 1;
                    s.mc += 1;
                    self.mul_pipe
                        .push_back((t + u64::from(self.cfg.mul_wb), th, issued.writes));
                }
                ALU => {
                    s.stats.a_ops += 1;
                    s.ac += 1;
                    self.alu_pipe
                        .push_back((t + u64::from(self.cfg.alu_wb), th, issued.writes));
                }
                _ => s.stats.c_ops += 1,
            }
            if issued.rec {
                s.rc += 1;
                self.rec_selected += 1;
                self.rec_last_select = Some(t);
                let sched = self
                    .rec
                    .accept(t + u64::from(self.cfg.alu_wb))
                    .map_err(IssError::Recoder)?;
                self.rec_done.push_back((sched.done, th));
                self.rec_pop.push_back(sched.load);
            }
            if let Some(code) = issued.halt {
                let stats = std::mem::take(&mut s.stats);
                done.push(ClusterResult {
                    id: s.job,
                    code,
                    cycles: t - first + 1,
                    halt_cycle: t,
                    stats,
                });
                s.state = State::Idle;
            } else {
                s.ts.pc = issued.next_pc;
                s.head_at = t + u64::from(self.cfg.fetch);
            }
        }
        Ok(())
    }

    /// REC readiness (VCORE-DECISIONS.md, wp-c3-cluster's amended rule): REC_QUEUE − S(t−2) +
    /// L(t−1) >= 2, S(x) = REC selections in cycles <= x, L(x) = recoder loads in cycles <= x.
    fn rec_room(&self, t: u64) -> bool {
        let recent = usize::from(self.rec_last_select.is_some_and(|c| c + 1 == t));
        let s_t2 = self.rec_selected - recent;
        REC_QUEUE + self.rec_loaded >= 2 + s_t2
    }

    /// Is thread `th` ready on `port` in cycle t? Returns what it would issue.
    fn ready(&self, th: usize, t: u64, port: usize, m: &Machine) -> Result<Option<Head>, IssError> {
        let s = &self.slots[th];
        if !matches!(s.state, State::Running) || s.head_at > t {
            return Ok(None);
        }
        let old = s.first.is_some_and(|f| t - f >= self.cfg.watchdog);
        let head = match m.rom.get(usize::from(s.ts.pc)) {
            None => {
                return Err(IssError::PcOutOfRange {
                    pc: s.ts.pc,
                    len: m.rom.len(),
                })
            }
            Some(Err(e)) if e.rtl_faults() => Head::Fault,
            Some(Err(e)) => {
                return Err(IssError::Unchecked {
                    pc: s.ts.pc,
                    err: *e,
                })
            }
            Some(Ok(i)) if old => {
                let _ = i;
                Head::Fault
            }
            Some(Ok(i)) => Head::Op(*i),
        };
        let drained = s.mc == 0 && s.ac == 0 && s.rc == 0;
        let class = match head {
            Head::Fault => Class::C,
            Head::Op(i) => i.op.class(),
        };
        let want = match class {
            Class::M => MUL,
            Class::A => ALU,
            Class::C => CTL,
        };
        if want != port {
            return Ok(None);
        }
        let ok = match head {
            Head::Fault => drained,
            Head::Op(i) if matches!(i.ctl, Ctl::Halt(_)) => {
                drained && !(matches!(i.op, Op::Dig { .. }) && s.rc != 0)
            }
            Head::Op(i) => {
                let waits = (i.mw == NO_WAIT || s.mc <= u32::from(i.mw))
                    && (i.aw == NO_WAIT || s.ac <= u32::from(i.aw));
                waits
                    && match i.op {
                        Op::Rec { .. } => self.rec_room(t),
                        Op::Dig { .. } => s.rc == 0,
                        _ => true,
                    }
            }
        };
        Ok(ok.then_some(head))
    }
}
