//! The cluster test benches in Verilator, and the same job stream on the ISS's cluster model,
//! so a test compares RTL and ISS in every register and flag write (write-back cycle, thread,
//! register, value), every handshake, every result and every cycle count.
//!
//! Two benches ([`Bench`]):
//! - [`Bench::Core`] (`vcore_cluster_core`): the product `ClusterCore`, one cluster with its
//!   real FieldMul (DSP48E1 leaves, latency 25) and its real Recoder; the bench only checks
//!   that the Recoder never refuses a request (`rec_refused`).
//! - [`Bench::Standin`] (`vcore_cluster_tb`, **verification only**): the cluster with the
//!   FieldMul stand-in (exact `a*b`, `% p`, a 25-clock delay line) and the Recoder played here
//!   from its golden model (`recoder::model`: `RecTimeline` for the queue timing, `recode` for
//!   the digits). Its Verilator model builds several times faster than the core's, which is
//!   what the random-program test (`vcore_cluster.rs`) uses it for.
//!
//! Programs and K images are loaded at run time through the load ports.

use crate::sim::{Model, PortId, SimError};
use num_bigint::BigUint;
use satchain_hdl::vcore::iss::cluster::{Cluster as IssCluster, ClusterJob};
use satchain_hdl::vcore::iss::exec::Write;
use satchain_hdl::vcore::iss::u256::U256;
use satchain_hdl::vcore::iss::{Config, IssError, Machine};
use satchain_hdl::vcore::recoder::model::{encode_digit, recode, RecTimeline};
use satchain_hdl::vcore::rom::rom_word;
use satchain_hdl::vcore::timing::RES_DELAY;
use std::collections::BTreeMap;
use std::path::Path;

/// Verilator model name of the stand-in cluster test bench.
pub const MODEL: &str = "vcore_cluster_tb";
/// Verilator model name of the product cluster (`ClusterCore`).
pub const CORE_MODEL: &str = "vcore_cluster_core";

/// Which cluster RTL a [`ClusterSim`] runs (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bench {
    /// `ClusterCore`: real FieldMul and Recoder.
    Core,
    /// Cluster + FieldMul stand-in; the Recoder is played by the bench.
    Standin,
}

impl Bench {
    /// The Verilator model's name.
    pub fn model(self) -> &'static str {
        match self {
            Bench::Core => CORE_MODEL,
            Bench::Standin => MODEL,
        }
    }
}

/// One job offered to the cluster from cycle `arrival` on (jobs are offered in order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TbJob {
    pub kind: usize,
    pub tag: u16,
    pub words: [BigUint; 6],
    pub arrival: u64,
}

/// One write as both sides report it: (write-back cycle, thread, what).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum WriteEv {
    /// Bank 0 = P, 1 = S.
    Reg { bank: u8, n: u8, value: BigUint },
    /// Flag index: 0 EQ, 1 LT, 2 C, 3 OD.
    Flag { flag: u8, value: bool },
}

/// A job's result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct TbResult {
    /// Index of the job in the submitted list.
    pub job: usize,
    pub code: u8,
    pub cycles: u64,
    /// Cycle of the HALT select (RTL: the `res_valid` cycle minus `RES_DELAY`).
    pub halt_cycle: u64,
}

/// Everything one side did with a job stream.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Handshake cycle of each job.
    pub handshakes: Vec<u64>,
    pub results: Vec<TbResult>,
    /// Sorted by (cycle, thread, write).
    pub writes: Vec<(u64, usize, WriteEv)>,
    /// Cycles simulated.
    pub cycles: u64,
    /// ISS only (for coverage; not compared): every PC some job issued, one bit per ROM word.
    pub visited: Vec<u64>,
}

/// The ISS side: the same jobs on `iss::cluster::Cluster` (one cluster, `cfg` with trace on).
///
/// # Errors
/// An ISS error (a program error or a model error), or `limit` cycles exceeded.
pub fn run_iss(m: &Machine, jobs: &[TbJob], limit: u64) -> Result<Outcome, String> {
    let cfg = Config {
        clusters: 1,
        trace: true,
        ..Config::default()
    };
    let mut cl = IssCluster::new(&cfg);
    let mut out = Outcome::default();
    let mut done = Vec::new();
    let mut next = 0usize;
    let mut t = 0u64;
    while out.results.len() < jobs.len() {
        if t > limit {
            return Err(format!("ISS: no end within {limit} cycles"));
        }
        if next < jobs.len() && jobs[next].arrival <= t && cl.job_ready(t) {
            let j = &jobs[next];
            let words = std::array::from_fn(|i| U256::from_big(&j.words[i]));
            cl.accept(
                t,
                ClusterJob {
                    id: next,
                    kind: j.kind,
                    words,
                },
                m,
            );
            out.handshakes.push(t);
            next += 1;
        }
        cl.step(t, m, &mut done)
            .map_err(|e: IssError| format!("ISS at cycle {t}: {e}"))?;
        for r in done.drain(..) {
            if out.visited.len() < r.stats.visited.len() {
                out.visited.resize(r.stats.visited.len(), 0);
            }
            for (o, v) in out.visited.iter_mut().zip(&r.stats.visited) {
                *o |= v;
            }
            out.results.push(TbResult {
                job: r.id,
                code: r.code,
                cycles: r.cycles,
                halt_cycle: r.halt_cycle,
            });
        }
        t += 1;
    }
    out.cycles = t;
    for (c, th, w) in cl.trace.take().unwrap_or_default() {
        let ev = match w {
            Write::Reg(r, v) => WriteEv::Reg {
                bank: u8::from(r.index() >= 32),
                n: (r.index() % 32) as u8,
                value: v.to_big(),
            },
            Write::Flag(f, v) => WriteEv::Flag {
                flag: f.index() as u8,
                value: v,
            },
        };
        out.writes.push((c, th, ev));
    }
    out.writes.sort();
    out.results.sort_by_key(|r| (r.halt_cycle, r.job));
    Ok(out)
}

struct Ports {
    reset: PortId,
    job_valid: PortId,
    job_kind: PortId,
    job_tag: PortId,
    job_word: PortId,
    job_ready: PortId,
    entry: [PortId; 2],
    prog: [PortId; 3],
    k: [PortId; 3],
    res: [PortId; 4],
    /// The bench plays the Recoder (stand-in bench).
    rec: Option<RecPorts>,
    /// `rec_refused` (core: the Recoder is inside).
    refused: Option<PortId>,
    tr_p: [PortId; 4],
    tr_s: [PortId; 4],
    tr_a: [PortId; 4],
}

struct RecPorts {
    req: [PortId; 5],
    rec_load: PortId,
    dg: [PortId; 5],
    done: [PortId; 2],
}

/// A Verilated cluster test bench.
pub struct ClusterSim {
    m: Model,
    p: Ports,
}

impl std::fmt::Debug for ClusterSim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClusterSim")
            .field("model", &self.m.name())
            .finish()
    }
}

/// A pending Recoder event of the emulated Recoder.
#[derive(Debug, Clone, Copy)]
struct RecJob {
    tid: u64,
    slot: u64,
    first_write: u64,
    load: u64,
    done: u64,
    digits: [i8; satchain_hdl::vcore::params::DIG_POSITIONS],
}

impl ClusterSim {
    /// Opens the stand-in bench ([`Bench::Standin`]); see [`ClusterSim::open`].
    pub fn new(
        vcd: Option<&Path>,
        words: &[u64],
        k: &[BigUint],
        entries: [u16; 2],
    ) -> Result<ClusterSim, SimError> {
        Self::open(Bench::Standin, vcd, words, k, entries)
    }

    /// Opens `bench`'s model (optionally writing a VCD), loads `words` / `k` / `entries`,
    /// resets.
    pub fn open(
        bench: Bench,
        vcd: Option<&Path>,
        words: &[u64],
        k: &[BigUint],
        entries: [u16; 2],
    ) -> Result<ClusterSim, SimError> {
        let name = bench.model();
        let m = match vcd {
            Some(v) => Model::with_vcd(name, v)?,
            None => Model::new(name)?,
        };
        let c = |n: &str| m.port(n);
        let (rec, refused) = match bench {
            Bench::Standin => (
                Some(RecPorts {
                    req: [
                        c("rec_req_valid")?,
                        c("rec_req_tid")?,
                        c("rec_req_slot")?,
                        c("rec_req_w")?,
                        c("rec_req_k")?,
                    ],
                    rec_load: c("rec_load")?,
                    dg: [
                        c("dg_we")?,
                        c("dg_tid")?,
                        c("dg_slot")?,
                        c("dg_pos")?,
                        c("dg_digit")?,
                    ],
                    done: [c("rec_done")?, c("rec_done_tid")?],
                }),
                None,
            ),
            Bench::Core => (None, Some(c("rec_refused")?)),
        };
        let p = Ports {
            reset: c("reset")?,
            job_valid: c("job_valid")?,
            job_kind: c("job_kind")?,
            job_tag: c("job_tag")?,
            job_word: c("job_word")?,
            job_ready: c("job_ready")?,
            entry: [c("entry0")?, c("entry1")?],
            prog: [c("prog_we")?, c("prog_addr")?, c("prog_data")?],
            k: [c("k_we")?, c("k_addr")?, c("k_data")?],
            res: [
                c("res_valid")?,
                c("res_tag")?,
                c("res_code")?,
                c("res_cycles")?,
            ],
            rec,
            refused,
            tr_p: [
                c("tr_p_we")?,
                c("tr_p_tid")?,
                c("tr_p_reg")?,
                c("tr_p_data")?,
            ],
            tr_s: [
                c("tr_s_we")?,
                c("tr_s_tid")?,
                c("tr_s_reg")?,
                c("tr_s_data")?,
            ],
            tr_a: [
                c("tr_a_v")?,
                c("tr_a_tid")?,
                c("tr_a_flwe")?,
                c("tr_a_flv")?,
            ],
        };
        let mut s = ClusterSim { m, p };
        s.load(words, k, entries);
        Ok(s)
    }

    fn load(&mut self, words: &[u64], k: &[BigUint], entries: [u16; 2]) {
        let m = &mut self.m;
        m.set(self.p.reset, 1);
        m.set(self.p.entry[0], u64::from(entries[0]));
        m.set(self.p.entry[1], u64::from(entries[1]));
        for a in 0..satchain_hdl::vcore::params::ROM_WORDS {
            let (pre, w) = rom_word(words.get(a).copied().unwrap_or(0));
            let v = (BigUint::from(pre) << 64u32) | BigUint::from(w);
            m.set(self.p.prog[0], 1);
            m.set(self.p.prog[1], a as u64);
            m.set_biguint(self.p.prog[2], &v);
            m.tick();
        }
        m.set(self.p.prog[0], 0);
        for (a, v) in k.iter().enumerate().take(256) {
            m.set(self.p.k[0], 1);
            m.set(self.p.k[1], a as u64);
            m.set_biguint(self.p.k[2], v);
            m.tick();
        }
        m.set(self.p.k[0], 0);
        m.ticks(4);
        m.set(self.p.reset, 0);
        m.eval();
    }

    /// Runs `jobs` until every result is out (or `limit` cycles) and reports what happened.
    /// Cycle 0 is the first cycle after the reset.
    pub fn run(&mut self, jobs: &[TbJob], limit: u64) -> Result<Outcome, String> {
        let mut out = Outcome::default();
        let mut rec = RecTimeline::new();
        let mut recs: Vec<RecJob> = Vec::new();
        let mut next = 0usize;
        // Load words due: cycle -> word.
        let mut words_due: BTreeMap<u64, BigUint> = BTreeMap::new();
        let mut tags: BTreeMap<u16, usize> = BTreeMap::new();
        let mut t = 0u64;
        while out.results.len() < jobs.len() {
            if t > limit {
                return Err(format!("RTL: no end within {limit} cycles"));
            }
            // ---- inputs of cycle t ----
            let offer = next < jobs.len() && jobs[next].arrival <= t;
            self.m.set(self.p.job_valid, u64::from(offer));
            if offer {
                self.m.set(self.p.job_kind, jobs[next].kind as u64);
                self.m.set(self.p.job_tag, u64::from(jobs[next].tag));
            }
            if let Some(w) = words_due.remove(&t) {
                self.m.set_biguint(self.p.job_word, &w);
            }
            if let Some(rp) = &self.p.rec {
                self.m
                    .set(rp.rec_load, u64::from(recs.iter().any(|r| r.load == t)));
                let writing = recs
                    .iter()
                    .find(|r| t >= r.first_write && t < r.first_write + r.digits.len() as u64);
                match writing {
                    Some(r) => {
                        let pos = (t - r.first_write) as usize;
                        self.m.set(rp.dg[0], 1);
                        self.m.set(rp.dg[1], r.tid);
                        self.m.set(rp.dg[2], r.slot);
                        self.m.set(rp.dg[3], pos as u64);
                        self.m.set(rp.dg[4], u64::from(encode_digit(r.digits[pos])));
                    }
                    None => self.m.set(rp.dg[0], 0),
                }
                let done = recs.iter().find(|r| r.done == t).map(|r| r.tid);
                self.m.set(rp.done[0], u64::from(done.is_some()));
                self.m.set(rp.done[1], done.unwrap_or(0));
            }
            self.m.eval();
            // ---- outputs of cycle t ----
            if offer && self.m.get(self.p.job_ready) == 1 {
                out.handshakes.push(t);
                tags.insert(jobs[next].tag, next);
                for (j, w) in jobs[next].words.iter().enumerate() {
                    words_due.insert(t + 3 + j as u64, w.clone());
                }
                next += 1;
            }
            if let Some(rp) = &self.p.rec {
                if self.m.get(rp.req[0]) == 1 {
                    let tid = self.m.get(rp.req[1]);
                    let slot = self.m.get(rp.req[2]);
                    let w = self.m.get(rp.req[3]);
                    let k = self.m.get_biguint(rp.req[4]);
                    let s = rec
                        .accept(t)
                        .map_err(|e| format!("RTL cycle {t}: recoder request refused: {e}"))?;
                    let digits = recode(&k, w as u32)
                        .map_err(|e| format!("RTL cycle {t}: REC of thread {tid}: {e}"))?;
                    recs.push(RecJob {
                        tid,
                        slot,
                        first_write: s.first_write,
                        load: s.load,
                        done: s.done,
                        digits,
                    });
                }
            }
            if let Some(p) = self.p.refused {
                if self.m.get(p) == 1 {
                    return Err(format!("RTL cycle {t}: the Recoder refused a REC request"));
                }
            }
            recs.retain(|r| r.done >= t);
            self.trace(t, &mut out);
            if self.m.get(self.p.res[0]) == 1 {
                let tag = self.m.get(self.p.res[1]) as u16;
                let job = *tags
                    .get(&tag)
                    .ok_or_else(|| format!("RTL cycle {t}: result for unknown tag {tag}"))?;
                out.results.push(TbResult {
                    job,
                    code: self.m.get(self.p.res[2]) as u8,
                    cycles: self.m.get(self.p.res[3]),
                    halt_cycle: t.wrapping_sub(u64::from(RES_DELAY)),
                });
            }
            self.m.tick();
            t += 1;
        }
        out.cycles = t;
        out.writes.sort();
        out.results.sort_by_key(|r| (r.halt_cycle, r.job));
        Ok(out)
    }

    fn trace(&mut self, t: u64, out: &mut Outcome) {
        for (bank, p) in [(0u8, self.p.tr_p), (1u8, self.p.tr_s)] {
            if self.m.get(p[0]) == 1 {
                let tid = self.m.get(p[1]) as usize;
                let n = self.m.get(p[2]) as u8;
                let value = self.m.get_biguint(p[3]);
                out.writes.push((t, tid, WriteEv::Reg { bank, n, value }));
            }
        }
        if self.m.get(self.p.tr_a[0]) == 1 {
            let tid = self.m.get(self.p.tr_a[1]) as usize;
            let we = self.m.get(self.p.tr_a[2]);
            let v = self.m.get(self.p.tr_a[3]);
            for flag in 0..4u8 {
                if we >> flag & 1 == 1 {
                    let value = v >> flag & 1 == 1;
                    out.writes.push((t, tid, WriteEv::Flag { flag, value }));
                }
            }
        }
    }

    /// Flushes the VCD (if any).
    pub fn flush_vcd(&mut self) {
        self.m.flush_vcd();
    }
}

/// The first difference between two outcomes, in words.
pub fn first_difference(iss: &Outcome, rtl: &Outcome) -> Option<String> {
    if iss.handshakes != rtl.handshakes {
        let i = iss
            .handshakes
            .iter()
            .zip(&rtl.handshakes)
            .position(|(a, b)| a != b)
            .unwrap_or(iss.handshakes.len().min(rtl.handshakes.len()));
        return Some(format!(
            "job {i} handshake: ISS cycle {:?}, RTL cycle {:?}",
            iss.handshakes.get(i),
            rtl.handshakes.get(i)
        ));
    }
    if let Some(i) = (0..iss.writes.len().max(rtl.writes.len()))
        .find(|&i| iss.writes.get(i) != rtl.writes.get(i))
    {
        return Some(format!(
            "write #{i}: ISS {:?}\n                RTL {:?}",
            iss.writes.get(i),
            rtl.writes.get(i)
        ));
    }
    if iss.results != rtl.results {
        let i = (0..iss.results.len().max(rtl.results.len()))
            .find(|&i| iss.results.get(i) != rtl.results.get(i))
            .unwrap_or(0);
        return Some(format!(
            "result #{i}: ISS {:?}, RTL {:?}",
            iss.results.get(i),
            rtl.results.get(i)
        ));
    }
    None
}
