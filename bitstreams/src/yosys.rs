//! Parsers for the parts of yosys 0.23 output the flow uses: `stat` (cell counts of the
//! flattened, technology-mapped design) and `ltp` (longest topological path).
//!
//! Both parsers work on text captured with `tee -o FILE stat` / `tee -o FILE ltp`, so the unit
//! tests run on output captured from real runs (`tests/data/`).

use std::collections::BTreeMap;

/// Cell type -> number of instances, as `stat` lists them for one module.
pub type CellCounts = BTreeMap<String, u64>;

/// What went wrong while reading yosys output.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// No `=== <module> ===` section in the `stat` output.
    #[error("yosys stat output has no `=== {module} ===` section")]
    NoModule { module: String },
    /// The module section has no `Number of cells:` line.
    #[error("yosys stat output for `{module}` has no `Number of cells:` line")]
    NoCellCount { module: String },
    /// A line of the cell list could not be read.
    #[error("yosys stat output line {line}: cannot read `{text}` as `<cell type> <count>`")]
    BadCellLine { line: usize, text: String },
    /// The per-type counts do not add up to `Number of cells:` (a format we do not understand).
    #[error("yosys stat output for `{module}`: cell types sum to {sum}, but `Number of cells:` says {total}")]
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

/// Reads the cell counts of module `module` (after `-flatten` it is the only one, `top`)
/// from yosys `stat` output.
///
/// The section looks like
/// ```text
/// === top ===
///    Number of wires:                 27
///    ...
///    Number of cells:                200
///      BUFG                            1
///      CARRY4                         20
/// ```
/// The per-type lines are the ones indented deeper than `Number of cells:` that follow it.
/// Their sum must equal the total, or the output is rejected (so a format change in a newer
/// yosys cannot silently drop cells).
pub fn parse_stat(text: &str, module: &str) -> Result<CellCounts, ParseError> {
    let header = format!("=== {module} ===");
    let mut lines = text.lines().enumerate();
    // Find the module's section (the last one if `stat` was printed more than once).
    let mut start = None;
    for (i, l) in text.lines().enumerate() {
        if l.trim() == header {
            start = Some(i);
        }
    }
    let start = start.ok_or_else(|| ParseError::NoModule {
        module: module.to_string(),
    })?;
    let mut total: Option<(u64, usize)> = None; // (count, indent of the `Number of cells` line)
    let mut cells = CellCounts::new();
    for (i, l) in lines.by_ref().skip(start + 1) {
        if l.trim_start().starts_with("===") {
            break; // next module
        }
        let indent = l.len() - l.trim_start().len();
        let t = l.trim();
        if let Some(rest) = t.strip_prefix("Number of cells:") {
            let n = rest
                .trim()
                .parse::<u64>()
                .map_err(|_| ParseError::BadCellLine {
                    line: i + 1,
                    text: l.to_string(),
                })?;
            total = Some((n, indent));
            continue;
        }
        let Some((_, cells_indent)) = total else {
            continue;
        };
        if t.is_empty() {
            if cells.is_empty() {
                continue;
            }
            break;
        }
        if indent <= cells_indent {
            break; // back at the level of `Number of ...` lines, or another section
        }
        let mut parts = t.split_whitespace();
        let (Some(name), Some(count), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(ParseError::BadCellLine {
                line: i + 1,
                text: l.to_string(),
            });
        };
        let count = count.parse::<u64>().map_err(|_| ParseError::BadCellLine {
            line: i + 1,
            text: l.to_string(),
        })?;
        *cells.entry(name.to_string()).or_insert(0) += count;
    }
    let (total, _) = total.ok_or_else(|| ParseError::NoCellCount {
        module: module.to_string(),
    })?;
    let sum: u64 = cells.values().sum();
    if sum != total {
        return Err(ParseError::CellSumMismatch {
            module: module.to_string(),
            sum,
            total,
        });
    }
    Ok(cells)
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

/// Step 1, synthesis: read, synthesize for 7-series, print the cell counts, and keep the
/// mapped netlist (RTLIL) so the depth step can run again without a new synthesis.
pub fn synth_script(verilog_path: &str, top: &str, stat_path: &str, netlist_path: &str) -> String {
    format!(
        "read_verilog -sv {v}; synth_xilinx -family xc7 -top {top} -flatten -noiopad; \
         tee -q -o {s} stat; write_rtlil {n}",
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

    const SMALL_STAT: &str = "\n3. Printing statistics.\n\n=== top ===\n\n   Number of wires:                 27\n   Number of wire bits:            924\n   Number of public wires:           5\n   Number of public wire bits:     161\n   Number of memories:               0\n   Number of memory bits:            0\n   Number of processes:              0\n   Number of cells:                200\n     BUFG                            1\n     CARRY4                         20\n     DSP48E1                         4\n     FDRE                           96\n     LUT2                           79\n\n";

    #[test]
    fn stat_parses_cell_list() {
        let c = parse_stat(SMALL_STAT, "top").unwrap();
        assert_eq!(c.get("CARRY4"), Some(&20));
        assert_eq!(c.get("DSP48E1"), Some(&4));
        assert_eq!(c.get("FDRE"), Some(&96));
        assert_eq!(c.get("LUT2"), Some(&79));
        assert_eq!(c.len(), 5);
    }

    #[test]
    fn stat_rejects_sum_mismatch() {
        let bad = SMALL_STAT.replace("200", "201");
        assert!(matches!(
            parse_stat(&bad, "top"),
            Err(ParseError::CellSumMismatch {
                sum: 200,
                total: 201,
                ..
            })
        ));
    }

    #[test]
    fn stat_rejects_missing_module_and_garbage() {
        assert!(matches!(
            parse_stat(SMALL_STAT, "other"),
            Err(ParseError::NoModule { .. })
        ));
        assert!(matches!(
            parse_stat("=== top ===\n", "top"),
            Err(ParseError::NoCellCount { .. })
        ));
        let bad = SMALL_STAT.replace("LUT2                           79", "LUT2   seventy nine");
        assert!(matches!(
            parse_stat(&bad, "top"),
            Err(ParseError::BadCellLine { .. })
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
        let s = synth_script("/a b/top.v", "top", "/o/s.txt", "/o/n.il");
        assert!(s.contains("read_verilog -sv \"/a b/top.v\""));
        assert!(s.contains("-top top -flatten -noiopad"));
        assert!(s.contains("write_rtlil /o/n.il"));
        let d = depth_script("/o/n.il", "/o/l.txt");
        assert!(d.starts_with("read_rtlil /o/n.il; delete t:FD* t:IBUF t:OBUF t:BUFG t:RAMB18E1"));
        assert!(d.ends_with("tee -q -o /o/l.txt ltp"));
    }
}
