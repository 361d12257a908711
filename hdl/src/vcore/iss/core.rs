//! The whole core: jobs enter the ScalarUnit in order (one at a time, its golden model's
//! cycle count; the next job is accepted the cycle after the output handshake), early results
//! (BAD_R / BAD_S) leave at once, ready jobs wait in the ReadyQueue (`Config::ready_queue`
//! entries; the SU output waits for room) and are handed, one per cycle, to the
//! lowest-numbered cluster whose `job_ready` is high. The README's "Decisions" states
//! these rules; the lead's top must match them or amend them there.
//!
//! [`run_ports`] adds the RTL top's (`vcore::verify_core`) job and verdict ports: job `i` is
//! offered from `arrivals[i]` on and accepted only while fewer than `cap` jobs are inside
//! (accepted, verdict not yet taken); a result can leave `delay` cycles after its
//! `done_cycle`, through one queue per source (0: the ScalarUnit's early results, 1 + c:
//! cluster c), the lowest-numbered source with a visible head first, one verdict per cycle in
//! which `ready(t)` holds. [`run`] is `run_ports` with every job offered at cycle 0, always
//! ready and no cap (it is the throughput model; its cycle counts do not depend on the ports).

use super::cluster::{Cluster, ClusterJob, ClusterResult, PortStats};
use super::u256::U256;
use super::{Config, IssError, JobStats, Machine};
use crate::vcore::su::model::{self as su, JobKind, SuJob, SuModulus, SuOutcome};
use num_bigint::BigUint;
use std::collections::VecDeque;

/// One verification job as the host submits it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoreJob {
    pub kind: JobKind,
    /// ECDSA: the prehash z; Schnorr: the challenge e (both unreduced).
    pub z: BigUint,
    pub r: BigUint,
    pub s: BigUint,
    /// Qx (Schnorr: Px).
    pub qx: BigUint,
    /// Qy (ECDSA uncompressed; else 0).
    pub qy: BigUint,
    /// SEC1 prefix byte (ECDSA; 0 for Schnorr).
    pub prefix: u8,
}

/// A job's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoreResult {
    pub code: u8,
    /// Thread cycles (h − f + 1); 0 for early results.
    pub cycles: u64,
    /// Cycle the result was produced (HALT select, or the SU output).
    pub done_cycle: u64,
    /// Execution statistics (None for early results).
    pub stats: Option<JobStats>,
    /// Where it came from: 0 the ScalarUnit (early result), 1 + c cluster c.
    pub source: usize,
    /// Cycle of its verdict-port handshake ([`run_ports`]).
    pub left_cycle: u64,
    /// Cycle of its job-port handshake (the ScalarUnit's accept).
    pub accept_cycle: u64,
}

/// The job and verdict ports of the core top (see the module docs).
pub struct Ports<'a> {
    /// First cycle job i is offered (jobs are offered in order).
    pub arrivals: &'a [u64],
    /// `verdict_ready` in cycle t.
    pub ready: &'a dyn Fn(u64) -> bool,
    /// Jobs inside the core (accepted, verdict not taken) at most.
    pub cap: usize,
    /// Cycles from `done_cycle` to the first cycle the verdict can leave.
    pub delay: u64,
}

impl std::fmt::Debug for Ports<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ports")
            .field("jobs", &self.arrivals.len())
            .field("cap", &self.cap)
            .field("delay", &self.delay)
            .finish()
    }
}

/// A batch run.
#[derive(Debug, Clone)]
pub struct Run {
    /// Per job, in submission order.
    pub results: Vec<CoreResult>,
    /// Clocks from the first cycle to the last result (inclusive).
    pub total_cycles: u64,
    pub ports: Vec<PortStats>,
    /// Cycles the ScalarUnit was working.
    pub su_busy: u64,
    /// Per cluster, with `Config::trace`: every write (write-back cycle, thread, write), in
    /// completion order; job-load words as writes of S0..S5 at t_j + ALU_WB.
    pub traces: Vec<Vec<(u64, usize, super::exec::Write)>>,
    /// With `Config::profile`: per PC, (thread cycles spent up to that instruction's select,
    /// number of selects), all jobs, all clusters; the cycles sum to the jobs' cycles.
    pub profile: Vec<(u64, u64)>,
}

#[derive(Debug)]
struct SuSlot {
    job: usize,
    out_at: u64,
    outcome: SuOutcome,
}

/// Runs `jobs` through a core with `cfg`, ROM/K `m`, scalar modulus `md` (every job offered
/// at cycle 0, verdicts always taken, no cap; `left_cycle` = `done_cycle` + the RTL's
/// `verify_core::VERDICT_DELAY` unless two results meet).
pub fn run(
    cfg: &Config,
    m: &Machine,
    md: &SuModulus,
    jobs: &[CoreJob],
    max_cycles: u64,
) -> Result<Run, IssError> {
    let arrivals = vec![0; jobs.len()];
    let ports = Ports {
        arrivals: &arrivals,
        ready: &|_| true,
        cap: usize::MAX,
        delay: u64::from(crate::vcore::timing::VERDICT_DELAY),
    };
    run_ports(cfg, m, md, jobs, &ports, max_cycles)
}

/// [`run`] with the top's ports (module docs).
pub fn run_ports(
    cfg: &Config,
    m: &Machine,
    md: &SuModulus,
    jobs: &[CoreJob],
    ports: &Ports<'_>,
    max_cycles: u64,
) -> Result<Run, IssError> {
    let mut clusters: Vec<Cluster> = (0..cfg.clusters).map(|_| Cluster::new(cfg)).collect();
    if cfg.profile {
        for c in clusters.iter_mut() {
            c.profile = Some(vec![(0, 0); m.rom.len()]);
        }
    }
    let mut results: Vec<Option<CoreResult>> = vec![None; jobs.len()];
    let mut next_job = 0usize;
    let mut su_slot: Option<SuSlot> = None;
    let mut su_free_at = 0u64;
    let mut su_busy = 0u64;
    let mut ready: VecDeque<ClusterJob> = VecDeque::new();
    let mut finished = 0usize;
    let mut done: Vec<ClusterResult> = Vec::new();
    let mut t = 0u64;
    let mut last = 0u64;
    // Verdict queues per source: (visible from, job).
    let mut outq: Vec<VecDeque<(u64, usize)>> = vec![VecDeque::new(); cfg.clusters + 1];
    let mut left: Vec<u64> = vec![0; jobs.len()];
    let mut source: Vec<usize> = vec![0; jobs.len()];
    let mut accept: Vec<u64> = vec![0; jobs.len()];
    let (mut accepted, mut delivered) = (0usize, 0usize);
    while finished < jobs.len() || delivered < jobs.len() {
        if t > max_cycles {
            return Err(IssError::Timeout { cycle: t });
        }
        // Jobs inside as of the start of t (the RTL's registered count).
        let inside = accepted - delivered;
        // Hand the ReadyQueue head to a cluster (state as of the start of t).
        if let Some(c) = clusters.iter().position(|c| c.job_ready(t)) {
            if let Some(j) = ready.pop_front() {
                clusters[c].accept(t, j, m);
            }
        }
        // ScalarUnit output handshake, then accept the next job the cycle after.
        if let Some(slot) = &su_slot {
            if slot.out_at <= t {
                let handed = match &slot.outcome {
                    SuOutcome::Early(code) => {
                        results[slot.job] = Some(CoreResult {
                            code: *code as u8,
                            cycles: 0,
                            done_cycle: t,
                            stats: None,
                            source: 0,
                            left_cycle: 0,
                            accept_cycle: 0,
                        });
                        outq[0].push_back((t + ports.delay, slot.job));
                        finished += 1;
                        last = t;
                        true
                    }
                    SuOutcome::Ready(w) if ready.len() < cfg.ready_queue => {
                        let job = &jobs[slot.job];
                        let words = job.thread_words(w);
                        ready.push_back(ClusterJob {
                            id: slot.job,
                            kind: job.kind as usize,
                            words,
                        });
                        true
                    }
                    SuOutcome::Ready(_) => false,
                };
                if handed {
                    su_slot = None;
                    su_free_at = t + 1;
                }
            }
        }
        if su_slot.is_none()
            && t >= su_free_at
            && next_job < jobs.len()
            && ports.arrivals.get(next_job).is_none_or(|&a| a <= t)
            && inside < ports.cap
        {
            accepted += 1;
            accept[next_job] = t;
            let job = &jobs[next_job];
            let r = su::run(
                md,
                &SuJob {
                    kind: job.kind,
                    z: job.z.clone(),
                    r: job.r.clone(),
                    s: job.s.clone(),
                },
            )
            .map_err(IssError::ScalarUnit)?;
            su_busy += u64::from(r.cycles);
            su_slot = Some(SuSlot {
                job: next_job,
                out_at: t + u64::from(r.cycles),
                outcome: r.outcome,
            });
            next_job += 1;
        }
        for (ci, c) in clusters.iter_mut().enumerate() {
            c.step(t, m, &mut done)?;
            for r in done.drain(..) {
                last = last.max(r.halt_cycle);
                finished += 1;
                outq[1 + ci].push_back((r.halt_cycle + ports.delay, r.id));
                source[r.id] = 1 + ci;
                results[r.id] = Some(CoreResult {
                    code: r.code,
                    cycles: r.cycles,
                    done_cycle: r.halt_cycle,
                    stats: Some(r.stats),
                    source: 1 + ci,
                    left_cycle: 0,
                    accept_cycle: 0,
                });
            }
        }
        // One verdict leaves: the lowest-numbered source whose head is visible.
        if (ports.ready)(t) {
            if let Some(q) = outq
                .iter_mut()
                .find(|q| q.front().is_some_and(|&(v, _)| v <= t))
            {
                if let Some((_, j)) = q.pop_front() {
                    left[j] = t;
                    delivered += 1;
                }
            }
        }
        t += 1;
    }
    Ok(Run {
        results: results
            .into_iter()
            .enumerate()
            .map(|(j, r)| {
                let mut r = r.unwrap_or(CoreResult {
                    code: 15,
                    cycles: 0,
                    done_cycle: 0,
                    stats: None,
                    source: source[j],
                    left_cycle: 0,
                    accept_cycle: 0,
                });
                r.left_cycle = left[j];
                r.accept_cycle = accept[j];
                r
            })
            .collect(),
        total_cycles: last + 1,
        ports: clusters.iter().map(|c| c.stats).collect(),
        su_busy,
        profile: clusters
            .iter()
            .fold(vec![(0, 0); m.rom.len()], |mut acc, c| {
                for (a, x) in acc.iter_mut().zip(c.profile.iter().flatten()) {
                    a.0 += x.0;
                    a.1 += x.1;
                }
                acc
            }),
        traces: clusters
            .iter_mut()
            .map(|c| c.trace.take().unwrap_or_default())
            .collect(),
    })
}

/// A public key that cannot be put into a job at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PubkeyLength(pub usize);

impl std::fmt::Display for PubkeyLength {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "public key is {} bytes; SEC1 keys are 33 or 65 bytes",
            self.0
        )
    }
}

impl std::error::Error for PubkeyLength {}

fn be(b: &[u8]) -> BigUint {
    BigUint::from_bytes_be(b)
}

impl CoreJob {
    /// The thread words S0..S5 a cluster loads for this job: the ScalarUnit's three words
    /// (`SuOutcome::Ready`) and the pass-through key words Qx, Qy and the prefix.
    pub fn thread_words(&self, su_words: &[BigUint; 3]) -> [U256; 6] {
        [
            U256::from_big(&su_words[0]),
            U256::from_big(&su_words[1]),
            U256::from_big(&su_words[2]),
            U256::from_big(&self.qx),
            U256::from_big(&self.qy),
            U256::from_u64(u64::from(self.prefix)),
        ]
    }

    /// An ECDSA job from a SEC1 key (33 or 65 bytes), prehash and signature scalars
    /// (big-endian). The prefix is passed only when it fits the length (0x02/0x03 with 33
    /// bytes, 0x04 with 65), else 0, so the program answers BAD_PUBKEY as the software backend
    /// does (a 65-byte key starting 0x02 is not read as a compressed key).
    pub fn ecdsa(
        pubkey: &[u8],
        z: &[u8; 32],
        r: &[u8; 32],
        s: &[u8; 32],
    ) -> Result<CoreJob, PubkeyLength> {
        let (qx, qy) = match pubkey.len() {
            33 => (be(&pubkey[1..33]), BigUint::default()),
            65 => (be(&pubkey[1..33]), be(&pubkey[33..65])),
            n => return Err(PubkeyLength(n)),
        };
        let prefix = match (pubkey.len(), pubkey[0]) {
            (33, p @ (2 | 3)) | (65, p @ 4) => p,
            _ => 0,
        };
        Ok(CoreJob {
            kind: JobKind::Ecdsa,
            z: be(z),
            r: be(r),
            s: be(s),
            qx,
            qy,
            prefix,
        })
    }

    /// A BIP340 job: x-only key, challenge e = H_challenge(r || P || m) (unreduced), r, s.
    pub fn schnorr(px: &[u8; 32], e: &[u8; 32], r: &[u8; 32], s: &[u8; 32]) -> CoreJob {
        CoreJob {
            kind: JobKind::Schnorr,
            z: be(e),
            r: be(r),
            s: be(s),
            qx: be(px),
            qy: BigUint::default(),
            prefix: 0,
        }
    }
}
