//! The clock part of `satchain hw-report`: each clock domain's supported frequency from the
//! calibrated static timing model (`bitstreams::timing`) run by the synthesis flow, with the
//! critical path, and the model's calibration (`timing.calibration`).
//!
//! The whole top is the authority (its netlist has both domains as the Vivado build sees
//! them); without it, the blocks of each domain synthesized alone stand in (named in
//! `estimate_source`).

use crate::json::round3;
use bitstreams::timing::{calibration, Calibration, DomainTiming, TimingPath};
use bitstreams::SynthReport;
use serde_json::{json, Value};

/// One clock domain: its design frequency and the model's estimate.
pub struct ClockDomain {
    pub what: &'static str,
    /// The top-level clock port.
    pub port: &'static str,
    pub design_mhz: f64,
    pub blocks: Vec<&'static str>,
    /// (where the estimate comes from, the worst path).
    pub estimate: Option<(String, DomainTiming)>,
    /// What hw-report projects at the clock that holds when the design clock is above the
    /// estimate (`None`: its figures stay at the design clock).
    pub reprojected: Option<&'static str>,
}

impl ClockDomain {
    /// The domain of port `port` in the top's timing, or the worst of `blocks` (block, clock).
    pub fn find(
        synth: Option<&SynthReport>,
        what: &'static str,
        port: &'static str,
        design_mhz: f64,
        blocks: &[(&'static str, &'static str)],
    ) -> ClockDomain {
        let top = synth
            .and_then(|s| s.total.as_ref())
            .and_then(|t| t.timing.as_ref())
            .and_then(|t| t.domain(port))
            .map(|d| {
                (
                    format!("static timing model on the whole top (`top.v`), clock `{port}`"),
                    d.clone(),
                )
            });
        let estimate = top.or_else(|| {
            let s = synth?;
            blocks
                .iter()
                .filter_map(|(b, clk)| {
                    let br = s.blocks.iter().find(|x| x.name == *b)?;
                    let d = br.timing.as_ref()?.domain(clk)?;
                    Some((format!("static timing model on block `{b}` alone, clock `{clk}` (no top report)"), d.clone()))
                })
                .max_by(|a, b| a.1.period_ns.total_cmp(&b.1.period_ns))
        });
        ClockDomain {
            what,
            port,
            design_mhz,
            blocks: blocks.iter().map(|(b, _)| *b).collect(),
            estimate,
            reprojected: None,
        }
    }

    /// The model's supported frequency.
    pub fn supported_mhz(&self) -> Option<f64> {
        self.estimate.as_ref().map(|(_, d)| d.mhz)
    }

    /// The clock that holds: the design clock, or the model's estimate when that is lower.
    pub fn held_mhz(&self) -> f64 {
        self.supported_mhz()
            .map_or(self.design_mhz, |s| s.min(self.design_mhz))
    }

    pub fn json(&self) -> Value {
        let Some((src, d)) = &self.estimate else {
            return json!({
                "mhz": round3(self.design_mhz), "port": self.port, "blocks": self.blocks,
                "supported_mhz_estimate": Value::Null, "meets_estimate": Value::Null,
            });
        };
        json!({
            "mhz": round3(self.design_mhz),
            "port": self.port,
            "blocks": self.blocks,
            "supported_mhz_estimate": d.mhz,
            "period_ns_estimate": d.period_ns,
            "meets_estimate": d.mhz >= self.design_mhz,
            "estimate_source": src,
            "critical_path": path_json(&d.path),
        })
    }

    /// One sentence for `clock_basis` / `ecdsa_clock_basis`.
    pub fn basis(&self) -> String {
        let clock = self.design_mhz;
        let Some((src, d)) = &self.estimate else {
            return format!(
                "{clock:.1} MHz {} clock; no timing of its blocks ({}) is available (no synthesis \
                 report), so it is not backed by the timing model here",
                self.what,
                self.blocks.join(", ")
            );
        };
        let l = &d.path.levels;
        let verdict = match (d.mhz >= clock, self.reprojected) {
            (true, _) => format!("supports {clock:.1} MHz"),
            (false, Some(what)) => format!(
                "does NOT support {clock:.1} MHz: {what} projected at {:.1} MHz",
                d.mhz
            ),
            (false, None) => format!(
                "does NOT support {clock:.1} MHz (figures of this domain are still converted at \
                 {clock:.1} MHz: read them as above what the model supports)"
            ),
        };
        format!(
            "{clock:.1} MHz {} clock on the xc7z030 -1: {src} estimates {:.2} ns = {:.1} MHz \
             (worst path {} -> {}: {} LUT, {} MUXF, {} CARRY4, {} DSP, {} BRAM; logic {:.2} ns, \
             route {:.2} ns), so the model {verdict}. Calibrated on secworks' SHA-256 round (116 \
             MHz on the xc7z030-1); an estimate without place and route (no skew, jitter or \
             congestion): bitstreams/vivado/build.tcl reports the real slack",
            self.what,
            d.period_ns,
            d.mhz,
            d.path.start,
            d.path.end,
            l.lut,
            l.muxf,
            l.carry4,
            l.dsp,
            l.bram,
            d.path.logic_ns,
            d.path.route_ns
        )
    }
}

fn path_json(p: &TimingPath) -> Value {
    json!({
        "start": p.start,
        "end": p.end,
        "delay_ns": p.delay_ns,
        "logic_ns": p.logic_ns,
        "route_ns": p.route_ns,
        "levels": p.levels,
        "steps": p.steps.iter().map(|s| json!({
            "cell": s.cell, "type": s.cell_type, "pins": format!("{} -> {}", s.from_pin, s.to_pin),
            "net": s.net, "fanout": s.fanout, "net_ns": s.net_ns, "cell_ns": s.cell_ns,
            "at_ns": s.at_ns, "delay": s.delay,
        })).collect::<Vec<_>>(),
    })
}

/// The `timing` object: the model, its calibration (the reference re-timed now, beside the
/// published figure), every block's domains and the top's clock-domain crossings.
pub fn timing_json(synth: Option<&SynthReport>, missing: &mut Vec<String>) -> Value {
    let cal = match Calibration::shipped() {
        Ok(c) => c,
        Err(e) => {
            missing.push(format!("timing: {e}"));
            return Value::Null;
        }
    };
    let model_mhz = synth
        .and_then(|s| s.blocks.iter().find(|b| b.name == cal.block))
        .and_then(|b| b.timing.as_ref())
        .and_then(|t| t.domain("clock"))
        .map(|d| d.mhz);
    if model_mhz.is_none() {
        missing.push(format!(
            "timing.calibration.model_mhz: no timing of the reference block `{}` (run bash bitstreams/synth.sh)",
            cal.block
        ));
    }
    let mut blocks = serde_json::Map::new();
    if let Some(s) = synth {
        for b in s.blocks.iter().chain(s.total.iter()) {
            let v = match (&b.timing, &b.timing_error) {
                (Some(t), _) => json!(t
                    .domains
                    .iter()
                    .map(|d| (d.clock.clone(), json!(d.mhz)))
                    .collect::<serde_json::Map<_, _>>()),
                (None, Some(e)) => {
                    missing.push(format!("timing of {}: {e}", b.name));
                    Value::Null
                }
                (None, None) => Value::Null,
            };
            blocks.insert(b.name.clone(), v);
        }
    }
    let cdc: Vec<Value> = synth
        .and_then(|s| s.total.as_ref())
        .and_then(|t| t.timing.as_ref())
        .map(|t| {
            t.cdc
                .iter()
                .map(|c| json!({"from": c.from_clock, "to": c.to_clock, "delay_ns": c.delay_ns, "endpoints": c.endpoints,
                    "note": "clock-domain crossing through the synchronizers of hdl/src/ecdsa/cdc.rs: not a violation, not counted in either domain"}))
                .collect()
        })
        .unwrap_or_default();
    json!({
        "model": "static timing of the yosys synth_xilinx netlist: every register-to-register path (FF, SRL, LUT-RAM, block RAM and DSP48E1 pipeline registers), data-sheet cell delays (bitstreams/src/timing/delays.rs) plus a calibrated net delay per hop; an estimate, not a timing report",
        "model_fingerprint": bitstreams::timing::delays::fingerprint(&cal.net),
        "calibration": {
            "reference": cal.reference,
            "reference_mhz": cal.reference_mhz,
            "model_mhz": model_mhz,
            "net_delay_ns": cal.net.base_ns,
            "fanout_factor": cal.net.fanout_factor,
            "error_pct": model_mhz.map(|m| round3(100.0 * cal.error(m))),
            "tolerance_pct": 100.0 * calibration::TOLERANCE,
            "within_tolerance": model_mhz.map(|m| cal.holds(m)),
            "block": cal.block,
            "reference_source": cal.reference_source,
        },
        "blocks": blocks,
        "cdc": cdc,
    })
}
