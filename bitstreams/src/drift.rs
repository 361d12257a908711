//! Drift check of the committed hardware report: does `bitstreams/data/hw-report.json` (what the
//! README tables are generated from) still hold what the RTL synthesizes to today?
//!
//! `synth-report --check-committed bitstreams/data/hw-report.json` (what `synth.sh` runs) takes
//! the fresh synthesis it just produced and compares, with the committed report:
//! - the resources of every block and of the top (LUT, LUT as memory, FF, DSP48E1, RAMB36,
//!   CARRY4, logic depth): **exactly**. The flow is deterministic for a given yosys version
//!   and Verilog text (the cache key), so any difference is a change of the RTL or of the tool;
//! - the blocks present (a block added or removed is a difference; blocks left out of this run
//!   with `--exclude` are not compared, and `--exclude top` leaves out the top and the clocks);
//! - each clock domain's supported frequency from the static timing model on the top
//!   (`clock_domains.<d>.supported_mhz_estimate`, looked up by the domain's `port`), within
//!   [`MHZ_TOLERANCE`]: hw-report rounds to 3 decimals.
//!
//! The yosys version is compared too: a different version is named in the message, since it
//! explains differing figures (the README's figures are for the committed version).
//!
//! Driver traffic, ECDSA cycles and hash throughput in the report come from the Verilated
//! models, not from synthesis; they are not checked here.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::report::{BlockReport, SynthReport};

/// How far a domain's supported frequency may move (MHz) before it is a difference:
/// hw-report writes it rounded to 3 decimals.
pub const MHZ_TOLERANCE: f64 = 0.001;

/// The commands that bring the committed report and the README tables up to date.
pub const REGENERATE: &str = "bash bitstreams/synth.sh && \
     cargo run --release -p satchain-cli --bin satchain -- hw-report --json > bitstreams/data/hw-report.json && \
     cargo run -p bitstreams --bin gen-docs";

/// The synthesis figures of one design, as hw-report writes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Figures {
    pub lut: u64,
    pub lut_as_memory: u64,
    pub ff: u64,
    pub dsp: u64,
    /// RAMB36 equivalents times two (a RAMB18 is half of one).
    pub bram18: u64,
    pub carry4: u64,
    pub logic_depth: u64,
}

impl Figures {
    /// The figures of a fresh synthesis result.
    pub fn of(b: &BlockReport) -> Figures {
        let r = &b.resources;
        Figures {
            lut: r.lut,
            lut_as_memory: r.lut_as_memory,
            ff: r.ff,
            dsp: r.dsp,
            bram18: halves(r.bram36),
            carry4: r.carry4,
            logic_depth: u64::from(b.logic_depth),
        }
    }

    /// The figures of one `resources.blocks.<name>` / `resources.total` object of hw-report.
    pub fn from_json(v: &Value) -> Option<Figures> {
        let u = |k: &str| v.get(k)?.as_u64();
        Some(Figures {
            lut: u("lut")?,
            lut_as_memory: u("lut_as_memory")?,
            ff: u("ff")?,
            dsp: u("dsp")?,
            bram18: halves(v.get("bram36")?.as_f64()?),
            carry4: u("carry4")?,
            logic_depth: u("logic_depth")?,
        })
    }

    fn fields(&self) -> [(&'static str, u64); 7] {
        [
            ("lut", self.lut),
            ("lut_as_memory", self.lut_as_memory),
            ("ff", self.ff),
            ("dsp", self.dsp),
            ("bram36 (counted in RAMB18 halves)", self.bram18),
            ("carry4", self.carry4),
            ("logic_depth", self.logic_depth),
        ]
    }
}

/// RAMB36 equivalents (whole or half) as a count of halves.
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
fn halves(bram36: f64) -> u64 {
    (bram36 * 2.0).round().max(0.0) as u64
}

/// Everything the committed report and a fresh synthesis disagree on, one line each (empty:
/// the committed report is current). `excluded`: blocks this run left out.
pub fn compare(committed: &Value, fresh: &SynthReport, excluded: &[String]) -> Vec<String> {
    let mut diffs = Vec::new();
    let Some(res) = committed.get("resources").filter(|r| !r.is_null()) else {
        return vec!["the committed report has no `resources` object".into()];
    };
    let tool = res.get("tool").and_then(Value::as_str).unwrap_or("?");
    if tool != fresh.yosys_version {
        diffs.push(format!(
            "yosys version: committed `{tool}`, this run `{}` (figures differ between versions)",
            fresh.yosys_version
        ));
    }
    // Blocks.
    let committed_blocks: BTreeMap<&str, &Value> = res
        .get("blocks")
        .and_then(Value::as_object)
        .map(|m| m.iter().map(|(k, v)| (k.as_str(), v)).collect())
        .unwrap_or_default();
    for b in &fresh.blocks {
        match committed_blocks.get(b.name.as_str()) {
            None => diffs.push(format!("block `{}`: not in the committed report", b.name)),
            Some(v) => diff_figures(&mut diffs, &b.name, v, &Figures::of(b)),
        }
    }
    for name in committed_blocks.keys() {
        let fresh_has = fresh.blocks.iter().any(|b| b.name == *name);
        if !fresh_has && !excluded.iter().any(|e| e == name) {
            diffs.push(format!(
                "block `{name}`: in the committed report, not synthesized now"
            ));
        }
    }
    // The top and its clock domains (not compared when this run left the top out).
    if excluded.iter().any(|e| e == "top") {
        return diffs;
    }
    match (res.get("total").filter(|t| !t.is_null()), &fresh.total) {
        (Some(v), Some(t)) => diff_figures(&mut diffs, "top", v, &Figures::of(t)),
        (None, None) => {}
        (Some(_), None) => diffs.push("top: in the committed report, not synthesized now".into()),
        (None, Some(_)) => diffs.push("top: synthesized now, not in the committed report".into()),
    }
    // Clock domains (the static timing model on the top).
    let top_timing = fresh.total.as_ref().and_then(|t| t.timing.as_ref());
    if let Some(domains) = committed.get("clock_domains").and_then(Value::as_object) {
        // Two domains on one port (the ring top's `bus` and `ecdsa` are its one clock) are one
        // estimate: compared once.
        let mut seen: Vec<&str> = Vec::new();
        for (name, d) in domains {
            let Some(port) = d.get("port").and_then(Value::as_str) else {
                diffs.push(format!(
                    "clock domain `{name}`: no `port` in the committed report"
                ));
                continue;
            };
            if seen.contains(&port) {
                continue;
            }
            seen.push(port);
            let want = d.get("supported_mhz_estimate").and_then(Value::as_f64);
            let got = top_timing.and_then(|t| t.domain(port)).map(|x| x.mhz);
            match (want, got) {
                (Some(w), Some(g)) if (w - g).abs() <= MHZ_TOLERANCE => {}
                (None, None) => {}
                (w, g) => diffs.push(format!(
                    "clock domain `{name}` (port `{port}`): supported_mhz_estimate committed {}, \
                     timing model now {}",
                    w.map_or("none".into(), |x| format!("{x:.3}")),
                    g.map_or("none".into(), |x| format!("{x:.3}"))
                )),
            }
        }
    }
    diffs
}

fn diff_figures(diffs: &mut Vec<String>, name: &str, committed: &Value, fresh: &Figures) {
    let Some(c) = Figures::from_json(committed) else {
        diffs.push(format!(
            "{name}: the committed entry lacks a resource field"
        ));
        return;
    };
    for ((field, want), (_, got)) in c.fields().into_iter().zip(fresh.fields()) {
        if want != got {
            diffs.push(format!(
                "{name}.{field}: committed {want}, synthesized now {got}"
            ));
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::resources::Resources;
    use crate::timing::delays::NetModel;
    use crate::timing::{DomainTiming, PathLevels, TimingPath, TimingReport};

    fn committed() -> Value {
        let p = concat!(env!("CARGO_MANIFEST_DIR"), "/data/hw-report.json");
        serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
    }

    fn block(name: &str, v: &Value, timing: Option<TimingReport>) -> BlockReport {
        let u = |k: &str| v[k].as_u64().unwrap();
        BlockReport {
            name: name.into(),
            file: format!("{name}.v"),
            verilog_sha256: String::new(),
            resources: Resources {
                lut: u("lut"),
                lut_as_memory: u("lut_as_memory"),
                ff: u("ff"),
                carry4: u("carry4"),
                dsp: u("dsp"),
                bram36: v["bram36"].as_f64().unwrap(),
                ..Resources::default()
            },
            logic_depth: u32::try_from(u("logic_depth")).unwrap(),
            path_mix: Default::default(),
            synth_ms: 0,
            timing,
            timing_error: None,
        }
    }

    /// A synthesis result that says exactly what the committed report says (its clock
    /// domains as the top's timing).
    fn fresh_from(c: &Value) -> SynthReport {
        let res = &c["resources"];
        let blocks = res["blocks"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| block(k, v, None))
            .collect();
        let domains = c["clock_domains"]
            .as_object()
            .unwrap()
            .values()
            .map(|d| DomainTiming {
                clock: d["port"].as_str().unwrap().into(),
                period_ns: d["period_ns_estimate"].as_f64().unwrap(),
                mhz: d["supported_mhz_estimate"].as_f64().unwrap(),
                endpoints: 1,
                path: TimingPath {
                    delay_ns: 0.0,
                    logic_ns: 0.0,
                    route_ns: 0.0,
                    start: String::new(),
                    end: String::new(),
                    levels: PathLevels::default(),
                    steps: Vec::new(),
                },
            })
            .collect();
        let timing = TimingReport {
            model: String::new(),
            net: NetModel {
                base_ns: 0.0,
                fanout_factor: 0.0,
            },
            cells: 0,
            domains,
            cdc: Vec::new(),
            unknown_cells: Default::default(),
            notes: Default::default(),
        };
        let total = block("top", &res["total"], Some(timing));
        SynthReport::new(
            &crate::XC7Z030,
            res["tool"].as_str().unwrap().into(),
            blocks,
            Some(total),
            Vec::new(),
        )
    }

    #[test]
    fn drift_none_when_the_synthesis_says_what_is_committed() {
        let c = committed();
        let fresh = fresh_from(&c);
        assert!(
            fresh.blocks.len() >= 5,
            "the committed report lists the blocks"
        );
        assert_eq!(compare(&c, &fresh, &[]), Vec::<String>::new());
    }

    #[test]
    fn drift_names_each_changed_figure_block_and_clock() {
        let c = committed();
        let base = fresh_from(&c);
        // One LUT more in a block.
        let mut f = base.clone();
        f.blocks[0].resources.lut += 1;
        let d = compare(&c, &f, &[]);
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(
            d[0].starts_with(&format!("{}.lut: committed", f.blocks[0].name)),
            "{d:?}"
        );
        // Half a block RAM less in the top, one logic level more.
        let mut f = base.clone();
        let t = f.total.as_mut().unwrap();
        t.resources.bram36 -= 0.5;
        t.logic_depth += 1;
        let d = compare(&c, &f, &[]);
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(d.iter().any(|l| l.starts_with("top.bram36")), "{d:?}");
        assert!(d.iter().any(|l| l.starts_with("top.logic_depth")), "{d:?}");
        // A clock estimate moved by more than the tolerance; within it is no difference.
        let mut f = base.clone();
        f.total.as_mut().unwrap().timing.as_mut().unwrap().domains[0].mhz += MHZ_TOLERANCE / 2.0;
        assert!(compare(&c, &f, &[]).is_empty());
        f.total.as_mut().unwrap().timing.as_mut().unwrap().domains[0].mhz += 0.01;
        let d = compare(&c, &f, &[]);
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].starts_with("clock domain"), "{d:?}");
        // A block gone (unless excluded), a new block, another yosys.
        let mut f = base.clone();
        let gone = f.blocks.remove(0);
        let d = compare(&c, &f, &[]);
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].contains("not synthesized now"), "{d:?}");
        assert!(compare(&c, &f, &[gone.name.clone()]).is_empty());
        let mut f = base.clone();
        let mut extra = f.blocks[0].clone();
        extra.name = "new_block".into();
        f.blocks.push(extra);
        f.yosys_version = "Yosys 0.99".into();
        let d = compare(&c, &f, &[]);
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(d[0].starts_with("yosys version"), "{d:?}");
        assert!(d[1].starts_with("block `new_block`"), "{d:?}");
    }
}
