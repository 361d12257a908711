//! List scheduler: reorders the instructions of one basic block so that a thread, issuing in
//! order, finds independent work while its multiplications (and ALU ops) are in flight.
//!
//! The dependency graph of a block has an edge i -> j (i before j in program order) for every
//! true dependency (j reads what i wrote; latency = the producer's write-back + 1, the earliest
//! select that reads the new value), anti-dependency and output dependency (order only). For
//! flags, `I`, `LC` and digit arrays, writes nobody reads are *dead* ([`live_out`] gives what a
//! block's successors read): a dead write is free to move except across the live range of
//! another write of the same thing. So the EQ flag that every LIN writes does not serialize
//! the field arithmetic.
//!
//! Schedule: cycle-driven list scheduling for one thread in isolation. The next instruction is
//! the one that can issue earliest (fetch spacing, and the wait-field rule: all but the most
//! recent `mw` M-ops of the thread must have completed, likewise `aw`), ties broken by the
//! longest latency-weighted path to the block end, then by program order.

use super::effects::{op_reads, op_writes, reads, writes, Res, RES_COUNT};
use super::isa::{Class, Instr, MAX_WAIT};
use super::timing;

/// Latencies the scheduler plans with (cycles from a producer's select to the first select
/// that reads its result).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Latencies {
    pub mul: u32,
    pub alu: u32,
    pub fetch: u32,
}

impl Latencies {
    /// From `vcore::timing`.
    pub const DEFAULT: Latencies = Latencies {
        mul: timing::MUL_WB + 1,
        alu: timing::ALU_WB + 1,
        fetch: timing::FETCH_CYCLES,
    };
}

impl Default for Latencies {
    fn default() -> Self {
        Latencies::DEFAULT
    }
}

/// Cycles a REC takes until a DIG of its slot may issue (planning figure only).
const REC_PLAN_CYCLES: u32 = 140;

/// A set of resources (bit `Res::index`).
pub type ResSet = u128;

fn bit(r: Res) -> ResSet {
    1u128 << r.index()
}

fn set_of(v: &[Res]) -> ResSet {
    v.iter().fold(0, |s, &r| s | bit(r))
}

/// Resources live after each instruction (read on some path before being written), by
/// backward data flow over `succ` (from `waits::successors`).
pub fn live_out(prog: &[Instr], succ: &[Vec<usize>]) -> Vec<ResSet> {
    let n = prog.len();
    let uses: Vec<ResSet> = prog.iter().map(|i| set_of(&reads(i))).collect();
    let defs: Vec<ResSet> = prog.iter().map(|i| set_of(&writes(i))).collect();
    let mut out = vec![0u128; n];
    let mut changed = true;
    while changed {
        changed = false;
        for pc in (0..n).rev() {
            let o = succ[pc]
                .iter()
                .fold(0u128, |s, &q| s | uses[q] | (out[q] & !defs[q]));
            if o != out[pc] {
                out[pc] = o;
                changed = true;
            }
        }
    }
    out
}

#[derive(Debug, Clone, Copy)]
struct Edge {
    to: usize,
    lat: u32,
}

fn produce_latency(i: &Instr, r: Res, lat: &Latencies) -> u32 {
    match (i.op.class(), r) {
        (_, Res::Digits(_)) => lat.alu + REC_PLAN_CYCLES,
        (Class::M, _) => lat.mul,
        (Class::A, _) => lat.alu,
        (Class::C, _) => lat.fetch,
    }
}

/// Dependency edges of a block (see the module docs), `live_after` = resources read after
/// the block's last instruction.
fn edges(block: &[Instr], live_after: ResSet, lat: &Latencies) -> Vec<Vec<Edge>> {
    let n = block.len();
    let mut e: Vec<Vec<Edge>> = vec![Vec::new(); n];
    let add = |e: &mut Vec<Vec<Edge>>, i: usize, j: usize, l: u32| {
        if i != j {
            if let Some(x) = e[i].iter_mut().find(|x| x.to == j) {
                x.lat = x.lat.max(l);
            } else {
                e[i].push(Edge { to: j, lat: l });
            }
        }
    };
    let rd: Vec<Vec<Res>> = block.iter().map(|i| op_reads(&i.op)).collect();
    let wr: Vec<Vec<Res>> = block.iter().map(|i| op_writes(&i.op)).collect();
    for idx in 0..RES_COUNT {
        // writers of this resource with the readers attached to each; readers before any write
        let mut writers: Vec<(usize, Vec<usize>)> = Vec::new();
        let mut early_readers: Vec<usize> = Vec::new();
        for k in 0..n {
            if rd[k].iter().any(|r| r.index() == idx) {
                match writers.last_mut() {
                    Some((_, readers)) => readers.push(k),
                    None => early_readers.push(k),
                }
            }
            if wr[k].iter().any(|r| r.index() == idx) {
                writers.push((k, Vec::new()));
            }
        }
        if writers.is_empty() {
            continue;
        }
        let is_reg = idx < 64;
        let last = writers.len() - 1;
        let live: Vec<bool> = writers
            .iter()
            .enumerate()
            .map(|(x, (_, rs))| {
                is_reg || !rs.is_empty() || (x == last && live_after & (1u128 << idx) != 0)
            })
            .collect();
        for (x, (w, readers)) in writers.iter().enumerate() {
            let res = wr[*w]
                .iter()
                .copied()
                .find(|r| r.index() == idx)
                .unwrap_or(Res::I);
            for &r in readers {
                add(&mut e, *w, r, produce_latency(&block[*w], res, lat));
            }
            for (y, (w2, _)) in writers.iter().enumerate().skip(x + 1) {
                if live[y] {
                    add(&mut e, *w, *w2, 0);
                }
                if live[x] {
                    for &r in readers {
                        add(&mut e, r, *w2, 0);
                    }
                }
            }
        }
        for &r in &early_readers {
            for (w, _) in &writers {
                add(&mut e, r, *w, 0);
            }
        }
    }
    e
}

/// The schedule of one block: a permutation of `0..block.len()` (indices into `block`).
/// `term_reads`: what the block's control transfer (kept last) reads; `live_out`: resources
/// live after the block.
pub fn schedule_block(
    block: &[Instr],
    term_reads: &[Res],
    live_out: ResSet,
    lat: &Latencies,
) -> Vec<usize> {
    let n = block.len();
    let live_after = live_out | set_of(term_reads);
    let e = edges(block, live_after, lat);
    // Priority: longest latency-weighted path to the end (own latency at the sinks; a write
    // the control transfer reads counts its latency).
    let mut prio = vec![0u32; n];
    for i in (0..n).rev() {
        let own = match block[i].op.class() {
            Class::M => lat.mul,
            Class::A => lat.alu,
            Class::C => lat.fetch,
        };
        let via = e[i]
            .iter()
            .map(|x| x.lat.max(lat.fetch) + prio[x.to])
            .max()
            .unwrap_or(0);
        prio[i] = own.max(via);
    }
    let mut preds = vec![0usize; n];
    for es in &e {
        for x in es {
            preds[x.to] += 1;
        }
    }
    let mut ready_at = vec![0u32; n]; // from edge latencies
    let mut done = vec![false; n];
    let mut order = Vec::with_capacity(n);
    let mut t_last: Option<u32> = None;
    let mut m_issue: Vec<(usize, u32)> = Vec::new();
    let mut a_issue: Vec<(usize, u32)> = Vec::new();
    for _ in 0..n {
        let mut best: Option<(u32, u32, usize)> = None; // (earliest, prio, idx)
        for c in 0..n {
            if done[c] || preds[c] != 0 {
                continue;
            }
            let mut t = t_last.map_or(0, |t| t + lat.fetch).max(ready_at[c]);
            // wait-field rule for in-block producers
            for (issues, is_m, l) in [(&m_issue, true, lat.mul), (&a_issue, false, lat.alu)] {
                let producers: Vec<usize> = reads(&block[c])
                    .iter()
                    .filter(|r| {
                        if is_m {
                            super::effects::is_m_produced(**r)
                        } else {
                            super::effects::is_a_produced(**r)
                        }
                    })
                    .filter_map(|r| {
                        issues
                            .iter()
                            .rposition(|(k, _)| writes(&block[*k]).contains(r))
                    })
                    .collect();
                if let Some(&p) = producers.iter().max() {
                    let after = issues.len() - 1 - p;
                    let w = after.min(usize::from(MAX_WAIT));
                    let k = issues.len() - 1 - w;
                    t = t.max(issues[k].1 + l);
                }
            }
            let key = (t, prio[c], c);
            best = match best {
                None => Some(key),
                Some(b) => {
                    if key.0 < b.0
                        || (key.0 == b.0 && (key.1 > b.1 || (key.1 == b.1 && key.2 < b.2)))
                    {
                        Some(key)
                    } else {
                        Some(b)
                    }
                }
            };
        }
        let Some((t, _, c)) = best else { break };
        done[c] = true;
        order.push(c);
        t_last = Some(t);
        match block[c].op.class() {
            Class::M => m_issue.push((c, t)),
            Class::A => a_issue.push((c, t)),
            Class::C => {}
        }
        for x in &e[c] {
            preds[x.to] -= 1;
            ready_at[x.to] = ready_at[x.to].max(t + x.lat);
        }
    }
    // A cycle in the graph cannot happen (edges go forward); keep any leftovers in order.
    for (c, d) in done.iter().enumerate() {
        if !d {
            order.push(c);
        }
    }
    order
}
