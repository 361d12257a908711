//! Readers of the yosys 0.23 output the flow uses: `stat -json` (cell counts of the flattened,
//! technology-mapped design) and `ltp` (longest topological path).
//!
//! The cell counts come from yosys' machine-readable `stat -json`, deserialized with serde.
//! `ltp` has no machine-readable form in yosys 0.23 (`help ltp`: only `-noff`), so its one
//! summary line and the `(via ...)` steps are read from the text: that parser stays.
//!
//! Both work on files written with `tee -q -o FILE stat -json` / `tee -q -o FILE ltp`, so the
//! tests run on output captured from real runs (`tests/data/`).

use std::collections::BTreeMap;

/// Cell type -> number of instances, as `stat` lists them for one module.
pub type CellCounts = BTreeMap<String, u64>;

/// What went wrong while reading yosys output.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// The `stat -json` output is not the JSON document yosys writes (the message is serde's).
    #[error("yosys stat -json output: {0}")]
    StatJson(String),
    /// The `stat -json` output has no entry for the module.
    #[error("yosys stat -json output has no module `{module}`")]
    NoModule { module: String },
    /// The per-type counts do not add up to `num_cells` (a format we do not understand).
    #[error("yosys stat -json output for `{module}`: cell types sum to {sum}, but num_cells says {total}")]
    CellSumMismatch {
        module: String,
        sum: u64,
        total: u64,
    },
    /// No `Longest topological path in <module> (length=N)` line in the `ltp` output.
    #[error("yosys ltp output has no `Longest topological path in ... (length=N)` line")]
    NoLtp,
    /// A number could not be read.
    #[error("yosys ltp output: cannot read the path length in `{text}`")]
    BadLtpLength { text: String },
}

/// The part of the `stat -json` document the flow reads (yosys also writes `creator`,
/// `invocation`, wire and memory counts, and a `design` total; serde skips them).
#[derive(serde::Deserialize)]
struct StatJson {
    /// Module name as RTLIL spells it (`\top`) -> its statistics.
    modules: BTreeMap<String, ModuleStat>,
}

#[derive(serde::Deserialize)]
struct ModuleStat {
    num_cells: u64,
    num_cells_by_type: CellCounts,
}

/// Reads the cell counts of module `module` (after `-flatten` it is the only one, `top`)
/// from yosys `stat -json` output:
/// ```text
/// { "creator": "Yosys 0.23 ...", "invocation": "stat -json ",
///   "modules": { "\\top": { ..., "num_cells": 200,
///                "num_cells_by_type": { "BUFG": 1, "CARRY4": 20, ... } } }, ... }
/// ```
/// The module is looked up as RTLIL names it (`\top`) or by its plain name. The per-type
/// counts must add up to `num_cells`, or the output is rejected (so a format change in a
/// newer yosys cannot silently drop cells).
pub fn parse_stat_json(text: &str, module: &str) -> Result<CellCounts, ParseError> {
    let mut modules = parse_stat_json_modules(text)?;
    modules
        .remove(module.strip_prefix('\\').unwrap_or(module))
        .ok_or_else(|| ParseError::NoModule {
            module: module.to_string(),
        })
}

/// Every module's cell counts from yosys `stat -json` output, by plain name (RTLIL's leading
/// `\` dropped from module names and from cell types, so that an instance of a kept
/// submodule is counted under the submodule's name). Each module's per-type counts must add
/// up to its `num_cells`, as in [`parse_stat_json`].
///
/// yosys 0.23 writes the design hierarchy of a design with kept submodules into the `design`
/// object as text lines (`   top$cc$0$cl   1`: no quotes, no colon), which is not JSON; those
/// lines are dropped before parsing (a JSON line of this document has a `"` or only brackets
/// and commas).
pub fn parse_stat_json_modules(text: &str) -> Result<BTreeMap<String, CellCounts>, ParseError> {
    let json: String = text
        .lines()
        .filter(|l| {
            l.contains('"')
                || l.chars()
                    .all(|c| c.is_whitespace() || matches!(c, '{' | '}' | '[' | ']' | ','))
        })
        .flat_map(|l| [l, "\n"])
        .collect();
    let stat: StatJson =
        serde_json::from_str(&json).map_err(|e| ParseError::StatJson(e.to_string()))?;
    let plain = |n: &str| n.strip_prefix('\\').unwrap_or(n).to_string();
    let mut out = BTreeMap::new();
    for (name, m) in stat.modules {
        let module = plain(&name);
        let sum = m
            .num_cells_by_type
            .values()
            .try_fold(0u64, |s, &n| s.checked_add(n));
        if sum != Some(m.num_cells) {
            return Err(ParseError::CellSumMismatch {
                module,
                sum: sum.unwrap_or(u64::MAX),
                total: m.num_cells,
            });
        }
        let mut cells = CellCounts::new();
        for (t, n) in m.num_cells_by_type {
            *cells.entry(plain(&t)).or_insert(0) += n;
        }
        out.insert(module, cells);
    }
    Ok(out)
}

/// Reads the length of the longest topological path from yosys `ltp` output
/// (`Longest topological path in top (length=15):`). With `ltp` run after
/// `delete t:FD* t:IBUF t:OBUF t:BUFG`, this is the number of cells on the longest
/// register-to-register (or port-to-register) combinational path: LUTs, MUXF7/8, each CARRY4
/// of a chain, and DSP48E1 / RAMB cells counted as one level each.
pub fn parse_ltp(text: &str) -> Result<u32, ParseError> {
    let mut best: Option<u32> = None;
    for l in text.lines() {
        let t = l.trim();
        if !t.starts_with("Longest topological path in ") {
            continue;
        }
        let len = t
            .split("(length=")
            .nth(1)
            .and_then(|r| r.split(')').next())
            .ok_or_else(|| ParseError::BadLtpLength {
                text: t.to_string(),
            })?;
        let n = len
            .trim()
            .parse::<u32>()
            .map_err(|_| ParseError::BadLtpLength {
                text: t.to_string(),
            })?;
        best = Some(best.map_or(n, |b| b.max(n)));
    }
    best.ok_or(ParseError::NoLtp)
}

/// Cell types on the longest path, counted by the instance name heuristics yosys leaves in the
/// `(via ...)` part of each `ltp` step: CARRY4 steps (`carry4`) and DSP steps (`dsp` / `.mul`).
/// Everything else is counted as a LUT/MUX level. Used only to explain the depth in the
/// report (a carry step costs ~0.1 ns, a LUT level with routing ~0.5 ns on -1 parts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct PathMix {
    pub lut_levels: u32,
    pub carry4_levels: u32,
    pub dsp_levels: u32,
}

/// Classifies the steps of the (first) longest path in `ltp` output; see [`PathMix`].
pub fn parse_ltp_mix(text: &str) -> PathMix {
    let mut mix = PathMix::default();
    let mut in_path = false;
    for l in text.lines() {
        let t = l.trim();
        if t.starts_with("Longest topological path in ") {
            if in_path {
                break;
            }
            in_path = true;
            continue;
        }
        if !in_path {
            continue;
        }
        let Some(via) = t.split("(via ").nth(1) else {
            continue;
        };
        let v = via.to_ascii_lowercase();
        if v.contains("carry4") {
            mix.carry4_levels += 1;
        } else if v.contains("dsp") || v.contains(".mul") || v.contains("mul_slice") {
            mix.dsp_levels += 1;
        } else {
            mix.lut_levels += 1;
        }
    }
    mix
}

/// Step 1, synthesis: read, synthesize for 7-series, write the cell counts (`stat -json`, for
/// [`parse_stat_json`]), and keep the mapped netlist (RTLIL) so the depth step can run again without a new synthesis.
pub fn synth_script(verilog_path: &str, top: &str, stat_path: &str, netlist_path: &str) -> String {
    format!(
        "read_verilog -sv {v}; synth_xilinx -family xc7 -top {top} -flatten -noiopad; \
         tee -q -o {s} stat -json; write_rtlil {n}",
        v = quote(verilog_path),
        s = quote(stat_path),
        n = quote(netlist_path),
    )
}

/// Cells removed before `ltp`, so the longest path runs register to register:
/// flip-flops and I/O buffers (TOOLCHAIN-NOTES: `ltp -noff` on the mapped netlist mistakes
/// flip-flops for logic), and the memory primitives. Block RAMs are synchronous on every port;
/// LUT RAMs and SRLs write synchronously, but `ltp` would see a path from their write data to
/// their read data and chain register-file writes into reads (measured: 2,165 "levels" through
/// the ECDSA register file). Removing them makes each memory a path endpoint, which leaves out
/// the one LUT level of an asynchronous LUT-RAM read (address -> data): the depth is short by
/// at most that level on such paths. DSP48E1 cells stay (they can be combinational).
pub const DEPTH_DELETE: &str =
    "delete t:FD* t:IBUF t:OBUF t:BUFG t:RAMB18E1 t:RAMB36E1 t:RAM* t:SRL*";

/// Step 2, logic depth: read the netlist of step 1, remove sequential and memory cells, `ltp`.
pub fn depth_script(netlist_path: &str, ltp_path: &str) -> String {
    format!(
        "read_rtlil {n}; {DEPTH_DELETE}; tee -q -o {l} ltp",
        n = quote(netlist_path),
        l = quote(ltp_path)
    )
}

/// Step 3, timing: the mapped netlist of step 1 as JSON, for the static timing model.
pub fn json_script(netlist_path: &str, json_path: &str) -> String {
    format!(
        "read_rtlil {n}; write_json {j}",
        n = quote(netlist_path),
        j = quote(json_path)
    )
}

fn quote(p: &str) -> String {
    if p.chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-+".contains(c))
    {
        p.to_string()
    } else {
        format!("\"{}\"", p.replace('"', "\\\""))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `stat -json` of tests/data/dsp_adder.v, as yosys 0.23 writes it (wire counts cut).
    const SMALL_STAT: &str = r#"{
   "creator": "Yosys 0.23 (git sha1 7ce5011c24b)",
   "invocation": "stat -json ",
   "modules": {
      "\\top": {
         "num_wires":         27,
         "num_cells":         200,
         "num_cells_by_type": {
            "BUFG": 1,
            "CARRY4": 20,
            "DSP48E1": 4,
            "FDRE": 96,
            "LUT2": 79
         }
      }
   },
      "design": {
         "num_cells":         200,
         "num_cells_by_type": { "BUFG": 1, "CARRY4": 20, "DSP48E1": 4, "FDRE": 96, "LUT2": 79 }
      }
}
"#;

    #[test]
    fn stat_json_reads_cell_list() {
        let c = parse_stat_json(SMALL_STAT, "top").unwrap();
        assert_eq!(c.get("CARRY4"), Some(&20));
        assert_eq!(c.get("DSP48E1"), Some(&4));
        assert_eq!(c.get("FDRE"), Some(&96));
        assert_eq!(c.get("LUT2"), Some(&79));
        assert_eq!(c.len(), 5);
        // The plain name is accepted as well as RTLIL's `\top`.
        let plain = SMALL_STAT.replace(r#""\\top""#, r#""top""#);
        assert_eq!(parse_stat_json(&plain, "top").unwrap(), c);
    }

    #[test]
    fn stat_json_rejects_sum_mismatch() {
        let bad = SMALL_STAT.replacen("\"num_cells\":         200", "\"num_cells\": 201", 1);
        assert_eq!(
            parse_stat_json(&bad, "top"),
            Err(ParseError::CellSumMismatch {
                module: "top".into(),
                sum: 200,
                total: 201,
            })
        );
    }

    #[test]
    fn stat_json_rejects_missing_module_and_garbage() {
        assert_eq!(
            parse_stat_json(SMALL_STAT, "other"),
            Err(ParseError::NoModule {
                module: "other".into()
            })
        );
        // The text form of `stat` (what the flow read before `-json`) is refused, not guessed at.
        let text = "=== top ===\n   Number of cells:                200\n     BUFG 1\n";
        assert!(matches!(
            parse_stat_json(text, "top"),
            Err(ParseError::StatJson(_))
        ));
        let no_count = SMALL_STAT.replacen("\"num_cells\":         200,", "", 1);
        assert!(matches!(
            parse_stat_json(&no_count, "top"),
            Err(ParseError::StatJson(_))
        ));
        let bad_count = SMALL_STAT.replace("\"LUT2\": 79", "\"LUT2\": \"seventy nine\"");
        assert!(matches!(
            parse_stat_json(&bad_count, "top"),
            Err(ParseError::StatJson(_))
        ));
    }

    #[test]
    fn ltp_parses_length_and_mix() {
        let t = "Longest topological path in top (length=3):\n    0: \\b [16]\n    1: x (via a.genblk1.slice[0].genblk1.carry4)\n    2: y (via $abc$1$lut)\n    3: z (via m.mul_sliceB_last)\n";
        assert_eq!(parse_ltp(t).unwrap(), 3);
        assert_eq!(
            parse_ltp_mix(t),
            PathMix {
                lut_levels: 1,
                carry4_levels: 1,
                dsp_levels: 1
            }
        );
        assert_eq!(parse_ltp("nothing here"), Err(ParseError::NoLtp));
        assert!(matches!(
            parse_ltp("Longest topological path in top (length=x):"),
            Err(ParseError::BadLtpLength { .. })
        ));
    }

    #[test]
    fn script_quotes_odd_paths() {
        let s = synth_script("/a b/top.v", "top", "/o/s.json", "/o/n.il");
        assert!(s.contains("read_verilog -sv \"/a b/top.v\""));
        assert!(s.contains("-top top -flatten -noiopad"));
        assert!(s.contains("tee -q -o /o/s.json stat -json;"));
        assert!(s.contains("write_rtlil /o/n.il"));
        let d = depth_script("/o/n.il", "/o/l.txt");
        assert!(d.starts_with("read_rtlil /o/n.il; delete t:FD* t:IBUF t:OBUF t:BUFG t:RAMB18E1"));
        assert!(d.ends_with("tee -q -o /o/l.txt ltp"));
    }
}
