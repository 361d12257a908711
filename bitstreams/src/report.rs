//! The synthesis report: `resources.json` (read by `satchain hw-report`) and a Markdown table.

use crate::resources::{Device, Resources, BUDGET_RATIO};
use crate::timing::TimingReport;
use crate::yosys::PathMix;
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;

/// File name of the JSON report inside the synthesis output directory.
pub const RESOURCES_JSON: &str = "resources.json";
/// File name of the Markdown table inside the synthesis output directory.
pub const RESOURCES_MD: &str = "resources.md";
/// Format version of `resources.json`; bumped on an incompatible change.
pub const REPORT_FORMAT: u32 = 1;

/// Synthesis result of one Verilog file (one block, or the whole top).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BlockReport {
    /// Block name: the file stem (`sha256_core`, `top`, ...).
    pub name: String,
    /// The Verilog file synthesized, relative to the RTL directory.
    pub file: String,
    /// SHA-256 (hex) of the Verilog text: the cache key together with the script.
    pub verilog_sha256: String,
    pub resources: Resources,
    /// Cells on the longest combinational path (yosys `ltp` after removing flip-flops).
    pub logic_depth: u32,
    /// What those cells are (heuristic, from instance names).
    pub path_mix: PathMix,
    /// Wall-clock milliseconds yosys took when this result was produced (not when read from cache).
    pub synth_ms: u64,
    /// Static timing of the mapped netlist with the calibrated model (`crate::timing`).
    #[serde(default)]
    pub timing: Option<TimingReport>,
    /// Why `timing` is missing, when it is.
    #[serde(default)]
    pub timing_error: Option<String>,
}

/// The budget the report was checked against.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BudgetInfo {
    pub lut: u64,
    pub ff: u64,
    pub dsp: u64,
    pub bram36: u64,
    pub carry4: u64,
    /// Allowed fraction of each resource.
    pub fraction: f64,
}

impl BudgetInfo {
    pub fn of(dev: &Device) -> Self {
        #[allow(clippy::cast_precision_loss)]
        let fraction = BUDGET_RATIO.0 as f64 / BUDGET_RATIO.1 as f64;
        BudgetInfo {
            lut: dev.lut,
            ff: dev.ff,
            dsp: dev.dsp,
            bram36: dev.bram36,
            carry4: dev.carry4,
            fraction,
        }
    }
}

/// One resource over budget.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OverBudget {
    pub resource: String,
    pub utilization: f64,
}

/// The whole report (`resources.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SynthReport {
    pub format: u32,
    /// Always "xc7z030".
    pub device: String,
    pub budget: BudgetInfo,
    /// `yosys -V` of the run.
    pub yosys_version: String,
    /// The synthesis command, for the record.
    pub synth_command: String,
    /// Every block file except the top, in name order.
    pub blocks: Vec<BlockReport>,
    /// The whole accelerator (`top.v`); `None` when the RTL has no top yet.
    pub total: Option<BlockReport>,
    /// Parts that are not there yet, said explicitly (e.g. "top.v: the accelerator top is not generated yet").
    pub missing: Vec<String>,
    /// Resources of `total` over the budget fraction (empty when within budget or no total).
    pub over_budget: Vec<OverBudget>,
    /// Largest logic depth over all synthesized designs (the top's, when it exists).
    pub logic_depth: Option<u32>,
    /// Fingerprint of the timing model (delay table + calibrated net delay) the `timing`
    /// fields were computed with; a report with another fingerprint is stale.
    #[serde(default)]
    pub timing_model: Option<String>,
}

impl SynthReport {
    /// Builds the report and applies the budget check to the total.
    pub fn new(
        dev: &Device,
        yosys_version: String,
        blocks: Vec<BlockReport>,
        total: Option<BlockReport>,
        mut missing: Vec<String>,
    ) -> Self {
        let over_budget = total
            .as_ref()
            .map(|t| {
                t.resources
                    .over_budget(dev, BUDGET_RATIO)
                    .into_iter()
                    .map(|(r, u)| OverBudget {
                        resource: r.to_string(),
                        utilization: u,
                    })
                    .collect()
            })
            .unwrap_or_default();
        if total.is_none() {
            missing.push("total: the accelerator top (top.v) is not generated yet, so the budget check is not applied".into());
        }
        let logic_depth = match &total {
            Some(t) => Some(t.logic_depth),
            None => blocks.iter().map(|b| b.logic_depth).max(),
        };
        SynthReport {
            format: REPORT_FORMAT,
            device: dev.name.to_string(),
            budget: BudgetInfo::of(dev),
            yosys_version,
            synth_command:
                "yosys: read_verilog; synth_xilinx -family xc7 -top top -flatten -noiopad; stat; \
                            delete t:FD* t:IBUF t:OBUF t:BUFG; ltp"
                    .into(),
            blocks,
            total,
            missing,
            over_budget,
            logic_depth,
            timing_model: None,
        }
    }

    /// True when the accelerator fits in the budget (or there is no total to check yet).
    pub fn within_budget(&self) -> bool {
        self.over_budget.is_empty()
    }

    /// The Markdown table: one row per block, the total, the device and the 70 % budget.
    pub fn to_markdown(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "| block | LUT | FF | CARRY4 | DSP48E1 | RAMB36 | RAMB18 | logic depth |\n|---|---:|---:|---:|---:|---:|---:|---:|"
        );
        let row = |s: &mut String, name: &str, b: &BlockReport| {
            let r = &b.resources;
            let _ = writeln!(
                s,
                "| {name} | {} | {} | {} | {} | {} | {} | {} |",
                group(r.lut),
                group(r.ff),
                group(r.carry4),
                r.dsp,
                r.ramb36,
                r.ramb18,
                b.logic_depth
            );
        };
        for b in &self.blocks {
            row(&mut s, &b.name, b);
        }
        match &self.total {
            Some(t) => {
                row(&mut s, "**total (top)**", t);
                let u = t.resources.utilization(&crate::resources::XC7Z030);
                let _ = writeln!(
                    s,
                    "| total, % of {} | {:.1} % | {:.1} % | {:.1} % | {:.1} % | {:.1} % (RAMB36 eq.) | | |",
                    self.device,
                    u.lut * 100.0,
                    u.ff * 100.0,
                    u.carry4 * 100.0,
                    u.dsp * 100.0,
                    u.bram36 * 100.0
                );
            }
            None => {
                let _ = writeln!(s, "| **total (top)** | not generated yet | | | | | | |");
            }
        }
        let b = &self.budget;
        let _ = writeln!(
            s,
            "| {} device | {} | {} | {} | {} | {} | | |",
            self.device,
            group(b.lut),
            group(b.ff),
            group(b.carry4),
            b.dsp,
            b.bram36
        );
        let _ = writeln!(
            s,
            "| budget ({:.0} %) | {} | {} | {} | {} | {} | | |",
            b.fraction * 100.0,
            group(b.lut * BUDGET_RATIO.0 / BUDGET_RATIO.1),
            group(b.ff * BUDGET_RATIO.0 / BUDGET_RATIO.1),
            group(b.carry4 * BUDGET_RATIO.0 / BUDGET_RATIO.1),
            b.dsp * BUDGET_RATIO.0 / BUDGET_RATIO.1,
            format_half(b.bram36 * 2 * BUDGET_RATIO.0 / BUDGET_RATIO.1),
        );
        s.push('\n');
        if self.total.is_some() {
            if self.within_budget() {
                let _ = writeln!(
                    s,
                    "Budget check: PASS (every resource of the top <= {:.0} % of the {}).",
                    b.fraction * 100.0,
                    self.device
                );
            } else {
                let list: Vec<String> = self
                    .over_budget
                    .iter()
                    .map(|o| format!("{} {:.1} %", o.resource, o.utilization * 100.0))
                    .collect();
                let _ = writeln!(
                    s,
                    "Budget check: FAIL, over {:.0} %: {}.",
                    b.fraction * 100.0,
                    list.join(", ")
                );
            }
        }
        for m in &self.missing {
            let _ = writeln!(s, "Missing: {m}");
        }
        s.push_str(&self.timing_markdown());
        let _ = writeln!(
            s,
            "\nyosys {} `synth_xilinx -family xc7 -flatten -noiopad`, one run per file. LUT counts are \
             LUT sites before LUT6_2 packing (an upper bound); logic depth = cells on the longest \
             combinational path after synthesis, an estimate (no place and route for 7-series here).",
            self.yosys_version
        );
        s
    }
}

impl SynthReport {
    /// The timing table: per block and clock domain, the worst register-to-register delay of
    /// the calibrated model and what lies on that path.
    pub fn timing_markdown(&self) -> String {
        let mut s = String::new();
        let blocks: Vec<&BlockReport> = self.blocks.iter().chain(self.total.iter()).collect();
        if blocks
            .iter()
            .all(|b| b.timing.is_none() && b.timing_error.is_none())
        {
            return s;
        }
        let _ = writeln!(
            s,
            "\n| block | clock | period (ns) | model MHz | LUT | MUXF | CARRY4 | DSP | BRAM | logic / route (ns) |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
        );
        for b in blocks {
            if let Some(e) = &b.timing_error {
                let _ = writeln!(s, "| {} | timing failed: {e} | | | | | | | | |", b.name);
            }
            for d in b.timing.iter().flat_map(|t| t.domains.iter()) {
                let l = &d.path.levels;
                let _ = writeln!(
                    s,
                    "| {} | {} | {:.2} | {:.1} | {} | {} | {} | {} | {} | {:.2} / {:.2} |",
                    b.name,
                    d.clock,
                    d.period_ns,
                    d.mhz,
                    l.lut,
                    l.muxf,
                    l.carry4,
                    l.dsp,
                    l.bram,
                    d.path.logic_ns,
                    d.path.route_ns
                );
            }
        }
        s
    }
}

/// 12345 -> "12,345".
pub fn group(n: u64) -> String {
    let d = n.to_string();
    let mut out = String::new();
    for (i, c) in d.chars().enumerate() {
        if i > 0 && (d.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A count of halves as "185.5" / "185".
fn format_half(halves: u64) -> String {
    if halves % 2 == 0 {
        (halves / 2).to_string()
    } else {
        format!("{}.5", halves / 2)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::XC7Z030;

    fn block(name: &str, lut: u64, dsp: u64, depth: u32) -> BlockReport {
        BlockReport {
            name: name.into(),
            file: format!("{name}.v"),
            verilog_sha256: "00".into(),
            resources: Resources {
                lut,
                ff: 2 * lut,
                carry4: lut / 10,
                dsp,
                ..Default::default()
            },
            logic_depth: depth,
            path_mix: PathMix::default(),
            synth_ms: 1000,
            timing: None,
            timing_error: None,
        }
    }

    #[test]
    fn group_thousands() {
        assert_eq!(group(0), "0");
        assert_eq!(group(999), "999");
        assert_eq!(group(1000), "1,000");
        assert_eq!(group(78600), "78,600");
        assert_eq!(group(1234567), "1,234,567");
    }

    #[test]
    fn report_within_budget_and_json_roundtrip() {
        let r = SynthReport::new(
            &XC7Z030,
            "Yosys 0.23".into(),
            vec![block("sha256_core", 1600, 0, 9)],
            Some(block("top", 20_000, 100, 12)),
            vec![],
        );
        assert!(r.within_budget());
        assert_eq!(r.logic_depth, Some(12));
        let json = serde_json::to_string(&r).unwrap();
        let back: SynthReport = serde_json::from_str(&json).unwrap();
        assert_eq!(back, r);
        let md = r.to_markdown();
        assert!(
            md.contains("| sha256_core | 1,600 | 3,200 | 160 | 0 | 0 | 0 | 9 |"),
            "{md}"
        );
        assert!(md.contains("Budget check: PASS"));
        assert!(
            md.contains("| budget (70 %) | 55,020 | 110,040 | 13,755 | 280 | 185.5 |"),
            "{md}"
        );
    }

    #[test]
    fn report_over_budget_fails_and_missing_top_is_explicit() {
        let r = SynthReport::new(
            &XC7Z030,
            "y".into(),
            vec![],
            Some(block("top", 60_000, 10, 5)),
            vec![],
        );
        assert!(!r.within_budget());
        assert_eq!(r.over_budget[0].resource, "LUT");
        assert!(r
            .to_markdown()
            .contains("Budget check: FAIL, over 70 %: LUT 76.3 %"));
        let r = SynthReport::new(
            &XC7Z030,
            "y".into(),
            vec![block("a", 1, 0, 4), block("b", 1, 0, 7)],
            None,
            vec![],
        );
        assert!(r.within_budget());
        assert_eq!(r.logic_depth, Some(7));
        assert_eq!(r.missing.len(), 1);
        assert!(r.to_markdown().contains("not generated yet"));
    }
}
