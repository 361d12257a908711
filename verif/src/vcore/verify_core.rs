//! The VerifyCore (`satchain_hdl::vcore::verify_core`; models `vcore_verify_core`, one
//! ClusterCore, `vcore_verify_core2`, two, and `vcore_verify_core_toy`, one for the toy curve;
//! ROM/K loaded at run time) in Verilator, and the
//! same job stream on the ISS's core model with the same ports and the same number of clusters
//! (`iss::core::run_ports`), so a test compares every job's accept cycle, verdict (tag, code,
//! cycles) and the cycle it leaves the verdict port.
//!
//! The bench offers job i from `arrival` on (in order, `job_valid` held until taken), drives
//! `verdict_ready` from a pattern, and checks in every cycle that `fault` stays low, that
//! `inside` never exceeds the cap and that `busy == (inside != 0)`.

use crate::sim::{Model, PortId, SimError};
use num_bigint::BigUint;
use satchain_hdl::vcore::iss::core::{run_ports, CoreJob, Ports};
use satchain_hdl::vcore::iss::machine::CoreImage;
use satchain_hdl::vcore::iss::Config;
use satchain_hdl::vcore::rom::rom_word;
use satchain_hdl::vcore::timing::VERDICT_DELAY;
use satchain_hdl::vcore::verify_core::INSIDE_CAP;
use std::collections::BTreeMap;
use std::path::Path;

/// The Verilator models: (curve, clusters, model name), as `satchain_hdl::vcore::BLOCKS`
/// lists them. The curve is the `Curve::name` of the image a bench loads: the ScalarUnit's
/// group order is the one curve constant compiled into a model (`vcore_verify_core_toy` has
/// the toy order 13); the program and the K bank are loaded at run time.
pub const MODELS: [(&str, usize, &str); 3] = [
    ("secp256k1", 1, "vcore_verify_core"),
    ("secp256k1", 2, "vcore_verify_core2"),
    ("toy13", 1, "vcore_verify_core_toy"),
];

/// The model of a VerifyCore for `curve` with `clusters` ClusterCores.
///
/// # Errors
/// No model has that curve and that many clusters.
pub fn model_name(curve: &str, clusters: usize) -> Result<&'static str, SimError> {
    MODELS
        .iter()
        .find(|(c, n, _)| *c == curve && *n == clusters)
        .map(|(_, _, name)| *name)
        .ok_or_else(|| {
            SimError::NoSuchModel(format!("<VerifyCore for {curve} with {clusters} clusters>"))
        })
}

/// One job of a bench run.
#[derive(Debug, Clone)]
pub struct CoreTbJob {
    pub job: CoreJob,
    pub tag: u16,
    /// First cycle it is offered.
    pub arrival: u64,
}

/// What happened to one job (either side).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Verdict {
    /// Job-port handshake cycle.
    pub accept: u64,
    /// Verdict-port handshake cycle.
    pub left: u64,
    pub tag: u16,
    pub code: u8,
    pub cycles: u64,
}

/// A bench run: per job (submission order) its verdict, and figures of the run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CoreOutcome {
    pub verdicts: Vec<Verdict>,
    /// Cycles simulated (ISS: to the last verdict).
    pub cycles: u64,
    /// Most jobs inside at once (RTL only; 0 from the ISS).
    pub max_inside: u64,
    /// Per job, where the ISS says its verdict came from: 0 the ScalarUnit (an early result),
    /// 1 + c cluster c (ISS only; empty from the RTL, which does not say).
    pub sources: Vec<usize>,
}

/// The ISS side with `clusters` clusters and the RTL's ports (cap [`INSIDE_CAP`], delay
/// `VERDICT_DELAY`).
///
/// # Errors
/// An ISS error (program or model error, or no end within `limit` cycles).
pub fn run_iss(
    img: &CoreImage,
    clusters: usize,
    jobs: &[CoreTbJob],
    ready: &dyn Fn(u64) -> bool,
    limit: u64,
) -> Result<CoreOutcome, String> {
    let cfg = Config {
        clusters,
        ..Config::default()
    };
    let arrivals: Vec<u64> = jobs.iter().map(|j| j.arrival).collect();
    let ports = Ports {
        arrivals: &arrivals,
        ready,
        cap: INSIDE_CAP,
        delay: u64::from(VERDICT_DELAY),
    };
    let cj: Vec<CoreJob> = jobs.iter().map(|j| j.job.clone()).collect();
    let run = run_ports(&cfg, &img.machine, &img.su, &cj, &ports, limit)
        .map_err(|e| format!("ISS: {e}"))?;
    let verdicts: Vec<Verdict> = run
        .results
        .iter()
        .zip(jobs)
        .map(|(r, j)| Verdict {
            accept: r.accept_cycle,
            left: r.left_cycle,
            tag: j.tag,
            code: r.code,
            cycles: r.cycles,
        })
        .collect();
    let cycles = verdicts.iter().map(|v| v.left + 1).max().unwrap_or(0);
    Ok(CoreOutcome {
        verdicts,
        cycles,
        max_inside: 0,
        sources: run.results.iter().map(|r| r.source).collect(),
    })
}

struct SimPorts {
    reset: PortId,
    job: [PortId; 10],
    verdict: [PortId; 5],
    entry: [PortId; 2],
    prog: [PortId; 3],
    k: [PortId; 3],
    busy: PortId,
    inside: PortId,
    fault: PortId,
}

/// The Verilated VerifyCore.
pub struct CoreSim {
    m: Model,
    p: SimPorts,
}

impl std::fmt::Debug for CoreSim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CoreSim")
            .field("model", &self.m.name())
            .finish()
    }
}

impl CoreSim {
    /// Opens the model for `img`'s curve with `clusters` ClusterCores ([`model_name`]; optionally writing a
    /// VCD), loads `img`'s program and K bank through the load ports (they reach every
    /// cluster), resets.
    pub fn open(img: &CoreImage, clusters: usize, vcd: Option<&Path>) -> Result<CoreSim, SimError> {
        Self::open_inner(img, clusters, vcd, None)
    }

    /// Like [`CoreSim::open`] with a VCD of model cycles `from..to` only (the program load
    /// included in the count, [`CoreSim::load_cycles`]); [`vcd_window`] gives the window of a
    /// failing job.
    pub fn open_with_vcd_window(
        img: &CoreImage,
        clusters: usize,
        vcd: &Path,
        from: u64,
        to: u64,
    ) -> Result<CoreSim, SimError> {
        Self::open_inner(img, clusters, Some(vcd), Some((from, to)))
    }

    /// Model cycles [`CoreSim::open`] spends loading the program and the K bank before the
    /// bench's cycle 0.
    pub fn load_cycles() -> u64 {
        satchain_hdl::vcore::params::ROM_WORDS as u64 + 256 + 4
    }

    fn open_inner(
        img: &CoreImage,
        clusters: usize,
        vcd: Option<&Path>,
        window: Option<(u64, u64)>,
    ) -> Result<CoreSim, SimError> {
        let name = model_name(img.desc.curve.name, clusters)?;
        let mut m = match vcd {
            Some(v) => Model::with_vcd(name, v)?,
            None => Model::new(name)?,
        };
        if let Some((from, to)) = window {
            m.set_vcd_window(from, to);
        }
        let c = |n: &str| m.port(n);
        let p = SimPorts {
            reset: c("reset")?,
            job: [
                c("job_valid")?,
                c("job_ready")?,
                c("job_kind")?,
                c("job_tag")?,
                c("job_prefix")?,
                c("job_z")?,
                c("job_r")?,
                c("job_s")?,
                c("job_qx")?,
                c("job_qy")?,
            ],
            verdict: [
                c("verdict_valid")?,
                c("verdict_ready")?,
                c("verdict_tag")?,
                c("verdict_code")?,
                c("verdict_cycles")?,
            ],
            entry: [c("entry0")?, c("entry1")?],
            prog: [c("prog_we")?, c("prog_addr")?, c("prog_data")?],
            k: [c("k_we")?, c("k_addr")?, c("k_data")?],
            busy: c("busy")?,
            inside: c("jobs_inside")?,
            fault: c("fault")?,
        };
        let mut s = CoreSim { m, p };
        s.load(img);
        Ok(s)
    }

    fn load(&mut self, img: &CoreImage) {
        let m = &mut self.m;
        let entries = img.machine.entries;
        m.set(self.p.reset, 1);
        m.set(self.p.entry[0], u64::from(entries[0]));
        m.set(self.p.entry[1], u64::from(entries[1]));
        let words = &img.program.words;
        for a in 0..satchain_hdl::vcore::params::ROM_WORDS {
            let (pre, w) = rom_word(words.get(a).copied().unwrap_or(0));
            let v = (BigUint::from(pre) << 64u32) | BigUint::from(w);
            m.set(self.p.prog[0], 1);
            m.set(self.p.prog[1], a as u64);
            m.set_biguint(self.p.prog[2], &v);
            m.tick();
        }
        m.set(self.p.prog[0], 0);
        for (a, v) in img.desc.k_image().iter().enumerate().take(256) {
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

    /// Runs `jobs` with `verdict_ready` = `ready(t)` until every verdict has left (or
    /// `limit` cycles). Cycle 0 is the first cycle after the reset.
    pub fn run(
        &mut self,
        jobs: &[CoreTbJob],
        ready: &dyn Fn(u64) -> bool,
        limit: u64,
    ) -> Result<CoreOutcome, String> {
        let mut out = CoreOutcome {
            verdicts: vec![Verdict::default(); jobs.len()],
            ..CoreOutcome::default()
        };
        let mut accept = vec![None; jobs.len()];
        let mut seen = vec![false; jobs.len()];
        let mut by_tag: BTreeMap<u16, usize> = BTreeMap::new();
        let mut next = 0usize;
        let mut left = 0usize;
        let mut t = 0u64;
        let [jv, jr, kind, tag, prefix, z, r, s, qx, qy] = self.p.job;
        let [vv, vr, vt, vc, vy] = self.p.verdict;
        while left < jobs.len() {
            if t > limit {
                return Err(format!("RTL: no end within {limit} cycles"));
            }
            let offer = next < jobs.len() && jobs[next].arrival <= t;
            self.m.set(jv, u64::from(offer));
            if offer {
                let j = &jobs[next].job;
                self.m.set(kind, j.kind as u64);
                self.m.set(tag, u64::from(jobs[next].tag));
                self.m.set(prefix, u64::from(j.prefix));
                self.m.set_biguint(z, &j.z);
                self.m.set_biguint(r, &j.r);
                self.m.set_biguint(s, &j.s);
                self.m.set_biguint(qx, &j.qx);
                self.m.set_biguint(qy, &j.qy);
            }
            let rdy = ready(t);
            self.m.set(vr, u64::from(rdy));
            self.m.eval();
            if self.m.get(self.p.fault) != 0 {
                return Err(format!(
                    "RTL cycle {t}: fault (a lost result or a refused REC)"
                ));
            }
            let inside = self.m.get(self.p.inside);
            out.max_inside = out.max_inside.max(inside);
            if inside > INSIDE_CAP as u64 || self.m.get(self.p.busy) != u64::from(inside != 0) {
                return Err(format!("RTL cycle {t}: inside {inside}, busy inconsistent"));
            }
            if offer && self.m.get(jr) == 1 {
                accept[next] = Some(t);
                if by_tag.insert(jobs[next].tag, next).is_some() {
                    return Err(format!("bench: tag {} used twice", jobs[next].tag));
                }
                next += 1;
            }
            if rdy && self.m.get(vv) == 1 {
                // 16- and 4-bit ports: the conversions cannot fail.
                let tg = u16::try_from(self.m.get(vt)).map_err(|e| e.to_string())?;
                let i = *by_tag
                    .get(&tg)
                    .ok_or_else(|| format!("RTL cycle {t}: verdict for unknown tag {tg:#x}"))?;
                if std::mem::replace(&mut seen[i], true) {
                    return Err(format!("RTL cycle {t}: second verdict for tag {tg:#x}"));
                }
                out.verdicts[i] = Verdict {
                    accept: accept[i].unwrap_or(u64::MAX),
                    left: t,
                    tag: tg,
                    code: u8::try_from(self.m.get(vc)).map_err(|e| e.to_string())?,
                    cycles: self.m.get(vy),
                };
                left += 1;
            }
            self.m.tick();
            t += 1;
        }
        out.cycles = t;
        Ok(out)
    }

    /// Flushes the VCD (if any).
    pub fn flush_vcd(&mut self) {
        self.m.flush_vcd();
    }

    /// Model cycles so far (the program load included).
    pub fn cycles(&self) -> u64 {
        self.m.cycles()
    }
}

/// The cycles a failure VCD should cover, in model cycles: the `before` cycles up to the first
/// cycle at which the first differing job is seen to differ, and `after` cycles past it. That
/// cycle is the earlier acceptance when the two sides accepted the job at different cycles,
/// else the earlier verdict (a wrong code or cycle count shows when the verdict leaves); a
/// side without a verdict counts as leaving at `limit`. With no differing job (the RTL run
/// ended in an error) it is `limit`. `load` is what [`CoreSim::open`] spent loading the
/// program (the bench's cycle 0 is after it).
///
/// A whole job does not fit a waveform viewer: the VerifyCore's pipelines write ~160 KB of
/// VCD per clock edge, so the ~60,000 cycles of one verification were 20 GB when a failure
/// replayed the job's whole life. `SATCHAIN_VCD_CYCLES` sets `before` in the tests (default
/// 1,000 cycles, ~0.15 GB: 149 MB measured).
pub fn vcd_window(
    iss: &CoreOutcome,
    rtl: Option<&CoreOutcome>,
    load: u64,
    limit: u64,
    before: u64,
    after: u64,
) -> (u64, u64) {
    let seen = rtl
        .and_then(|rtl| {
            let n = iss.verdicts.len().max(rtl.verdicts.len());
            (0..n)
                .find(|&i| iss.verdicts.get(i) != rtl.verdicts.get(i))
                .map(|i| match (iss.verdicts.get(i), rtl.verdicts.get(i)) {
                    (Some(a), Some(b)) if a.accept != b.accept => a.accept.min(b.accept),
                    (Some(a), Some(b)) => a.left.min(b.left),
                    (Some(v), None) | (None, Some(v)) => v.left.min(limit),
                    (None, None) => limit,
                })
        })
        .unwrap_or(limit);
    (
        load + seen.saturating_sub(before),
        load + seen.saturating_add(after),
    )
}

/// The first job whose verdicts differ, in words.
pub fn first_difference(iss: &CoreOutcome, rtl: &CoreOutcome) -> Option<String> {
    let n = iss.verdicts.len().max(rtl.verdicts.len());
    (0..n)
        .find(|&i| iss.verdicts.get(i) != rtl.verdicts.get(i))
        .map(|i| {
            format!(
                "job {i}: ISS {:?}\n        RTL {:?}",
                iss.verdicts.get(i),
                rtl.verdicts.get(i)
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(accept: u64, left: u64, code: u8) -> Verdict {
        Verdict {
            accept,
            left,
            code,
            ..Verdict::default()
        }
    }

    #[test]
    fn vcd_window_ends_where_the_first_difference_shows() {
        let iss = CoreOutcome {
            verdicts: vec![v(0, 50_000, 0), v(100, 90_000, 0), v(200, 95_000, 1)],
            ..CoreOutcome::default()
        };
        let mut rtl = iss.clone();
        rtl.verdicts[1] = v(100, 91_000, 3);
        rtl.verdicts[2] = v(0, 10, 9);
        // Job 1 differs in its verdict, which the ISS gives at 90,000.
        assert_eq!(
            vcd_window(&iss, Some(&rtl), 600, 1_000_000, 1_000, 50),
            (600 + 89_000, 600 + 90_050)
        );
        // Accepted at different cycles: the earlier acceptance.
        rtl.verdicts[1].accept = 120;
        assert_eq!(
            vcd_window(&iss, Some(&rtl), 600, 1_000_000, 1_000, 50),
            (600, 600 + 150)
        );
        // A verdict missing on one side: the other side's.
        rtl.verdicts.truncate(1);
        assert_eq!(
            vcd_window(&iss, Some(&rtl), 600, 1_000_000, 1_000, 50),
            (600 + 89_000, 600 + 90_050)
        );
        // No RTL outcome (its run failed), or nothing differs: around the limit.
        assert_eq!(
            vcd_window(&iss, None, 600, 1_000_000, 1_000, 50),
            (600 + 999_000, 600 + 1_000_050)
        );
        assert_eq!(vcd_window(&iss, Some(&iss), 0, 100, 10, 5), (90, 105));
    }
}
