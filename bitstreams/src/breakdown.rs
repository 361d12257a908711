//! Where a design's resources go: a flattened `synth_xilinx` cut at named blocks
//! (`keep_hierarchy` on them, everything else flattened into its nearest kept parent), then
//! yosys `stat -json` rolled up per kept block with the flow's own LUT-site weights
//! ([`Resources::from_cells`]). The `synth_breakdown` example runs it; the figures of a cut
//! synthesis are a few per cent above the fully flattened total, since nothing is optimized
//! across a kept boundary.
//!
//! rust-hdl writes one Verilog module per block instance, named by its path (`top$cc$0$cl`),
//! so a block is named by its module name; a name ending in `*` names every module it
//! matches with the same number of `$` (one level: `top$cc$0$cl$seq$threads$*`).

use crate::resources::Resources;
use crate::yosys::CellCounts;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// A block pattern that names no module of the design.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no module of the design matches `{0}`")]
pub struct NoMatch(pub String);

/// Module names of rust-hdl Verilog (`module NAME(` at the start of a line), in file order.
pub fn verilog_modules(verilog: &str) -> Vec<String> {
    verilog
        .lines()
        .filter_map(|l| l.strip_prefix("module "))
        .filter_map(|r| {
            r.split(|c: char| c == '(' || c.is_whitespace())
                .next()
                .filter(|n| !n.is_empty())
        })
        .map(str::to_string)
        .collect()
}

/// Does `name` match `pattern` (`*` matches any run of characters)?
fn glob(pattern: &str, name: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == name,
        Some((head, tail)) => {
            let Some(rest) = name.strip_prefix(head) else {
                return false;
            };
            (0..=rest.len())
                .filter(|&i| rest.is_char_boundary(i))
                .any(|i| glob(tail, &rest[i..]))
        }
    }
}

/// The modules the patterns name (see the module docs), in pattern order.
pub fn kept_modules(modules: &[String], patterns: &[String]) -> Result<Vec<String>, NoMatch> {
    let dollars = |s: &str| s.matches('$').count();
    let mut keep = Vec::new();
    for p in patterns {
        let hits: Vec<&String> = modules
            .iter()
            .filter(|m| glob(p, m) && dollars(m) == dollars(p))
            .collect();
        if hits.is_empty() {
            return Err(NoMatch(p.clone()));
        }
        keep.extend(hits.into_iter().cloned());
    }
    Ok(keep)
}

/// The top of rust-hdl Verilog: the module with the fewest `$` in its name.
pub fn top_module(modules: &[String]) -> Option<&String> {
    modules.iter().min_by_key(|m| m.matches('$').count())
}

/// The yosys script: read `design`, keep `keep` as boundaries, flattened `synth_xilinx`
/// (7-series, as the flow's), `stat -json` to `stat_json`.
pub fn script(design: &str, top: &str, keep: &[String], stat_json: &str) -> String {
    let mut s = format!("read_verilog -sv {design}\nhierarchy -top {top}\n");
    for m in keep {
        let _ = writeln!(s, "setattr -mod -set keep_hierarchy 1 {m}");
    }
    let _ = writeln!(s, "synth_xilinx -family xc7 -top {top} -flatten -noiopad");
    let _ = writeln!(s, "tee -q -o {stat_json} stat -json");
    s
}

/// A kept block: its own cells, its total (own + instances of kept blocks, each as often as
/// instantiated) and its kept children, largest (LUT) first.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub module: String,
    pub own: Resources,
    pub total: Resources,
    pub children: Vec<(Block, u64)>,
}

/// `a += k·b`, over the counted resources (`unclassified` merged by name).
fn add_scaled(a: &mut Resources, b: &Resources, k: u64) {
    a.lut += k * b.lut;
    a.lut_as_memory += k * b.lut_as_memory;
    a.ff += k * b.ff;
    a.carry4 += k * b.carry4;
    a.dsp += k * b.dsp;
    a.ramb36 += k * b.ramb36;
    a.ramb18 += k * b.ramb18;
    a.muxf7 += k * b.muxf7;
    a.muxf8 += k * b.muxf8;
    #[allow(clippy::cast_precision_loss)]
    {
        a.bram36 += k as f64 * b.bram36;
    }
    for (n, c) in &b.unclassified {
        match a.unclassified.iter_mut().find(|(m, _)| m == n) {
            Some(x) => x.1 += k * c,
            None => a.unclassified.push((n.clone(), k * c)),
        }
    }
}

/// The block tree under `top` from per-module cell counts (`yosys::parse_stat_json_modules`):
/// a cell type that is a module of the map is an instance of that kept block.
pub fn tree(modules: &BTreeMap<String, CellCounts>, top: &str) -> Option<Block> {
    let cells = modules.get(top)?;
    let own_cells: CellCounts = cells
        .iter()
        .filter(|(t, _)| !modules.contains_key(*t))
        .map(|(t, &n)| (t.clone(), n))
        .collect();
    let own = Resources::from_cells(&own_cells);
    let mut total = own.clone();
    let mut children = Vec::new();
    for (t, &n) in cells {
        if t == top {
            continue;
        }
        if let Some(child) = modules.contains_key(t).then(|| tree(modules, t)).flatten() {
            add_scaled(&mut total, &child.total, n);
            children.push((child, n));
        }
    }
    children.sort_by(|a, b| {
        (b.0.total.lut * b.1)
            .cmp(&(a.0.total.lut * a.1))
            .then_with(|| a.0.module.cmp(&b.0.module))
    });
    Some(Block {
        module: top.to_string(),
        own,
        total,
        children,
    })
}

/// The table: one row per block (indented by depth, named relative to its parent, `xN` when
/// instantiated N > 1 times: the row is then all N), and "(own logic)" under every block with
/// kept children, down to `depth` levels.
pub fn table(root: &Block, depth: usize) -> String {
    let mut s = format!(
        "{:<44} {:>7} {:>6} {:>7} {:>6} {:>4} {:>6}\n",
        "block", "LUT", "(mem)", "FF", "CARRY4", "DSP", "BRAM36"
    );
    fn row(s: &mut String, name: &str, r: &Resources, k: u64, d: usize) {
        #[allow(clippy::cast_precision_loss)]
        let bram = r.bram36 * k as f64;
        let _ = writeln!(
            s,
            "{:<44} {:>7} {:>6} {:>7} {:>6} {:>4} {:>6.1}",
            format!("{}{name}", "  ".repeat(d)),
            r.lut * k,
            r.lut_as_memory * k,
            r.ff * k,
            r.carry4 * k,
            r.dsp * k,
            bram
        );
    }
    fn walk(s: &mut String, b: &Block, k: u64, d: usize, name: &str, depth: usize) {
        let shown = if k > 1 {
            format!("{name} x{k}")
        } else {
            name.to_string()
        };
        row(s, &shown, &b.total, k, d);
        if d >= depth || b.children.is_empty() {
            return;
        }
        row(s, "(own logic)", &b.own, k, d + 1);
        for (c, n) in &b.children {
            let rel = c
                .module
                .strip_prefix(&format!("{}$", b.module))
                .unwrap_or(&c.module);
            walk(s, c, k * n, d + 1, rel, depth);
        }
    }
    walk(&mut s, root, 1, 0, &root.module, depth);
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yosys::parse_stat_json_modules;

    /// `stat -json` as yosys 0.23 writes it for a cut design (names as RTLIL spells them, the
    /// hierarchy as text lines inside `design`).
    const STAT: &str = r#"{ "creator": "Yosys 0.23", "invocation": "stat -json ",
      "modules": {
        "\\top": { "num_wires": 1, "num_cells": 17,
          "num_cells_by_type": { "LUT6": 10, "FDRE": 4, "BUFG": 1, "\\top$a": 1, "\\top$b": 1 } },
        "\\top$a": { "num_cells": 7,
          "num_cells_by_type": { "LUT3": 2, "RAM32M": 2, "RAMB18E1": 1, "\\top$a$t": 2 } },
        "\\top$a$t": { "num_cells": 3, "num_cells_by_type": { "LUT6": 1, "CARRY4": 1, "FDRE": 1 } },
        "\\top$b": { "num_cells": 2, "num_cells_by_type": { "DSP48E1": 1, "SRLC32E": 1 } }
      },
      "design": {
         "num_cells": 22,
       top$a               1
       top$a$t             2
         "num_cells_by_type": { "LUT6": 12 }
      } }"#;

    #[test]
    fn rolls_kept_blocks_up_with_the_flows_lut_weights() {
        let m = parse_stat_json_modules(STAT).unwrap();
        let t = tree(&m, "top").unwrap();
        // own: 10 LUT6, 4 FF. a: 2 LUT3 + 2 RAM32M (4 sites each) + 2 x t (1 LUT6, 1 CARRY4,
        // 1 FF) = 12 LUT (8 as memory), 2 CARRY4, 2 FF, 0.5 BRAM36. b: 1 SRL, 1 DSP.
        assert_eq!((t.own.lut, t.own.ff), (10, 4));
        assert_eq!(t.total.lut, 10 + 12 + 1);
        assert_eq!(t.total.lut_as_memory, 8 + 1);
        assert_eq!((t.total.ff, t.total.carry4, t.total.dsp), (6, 2, 1));
        assert!((t.total.bram36 - 0.5).abs() < 1e-9);
        assert_eq!(t.children[0].0.module, "top$a", "largest first");
        assert_eq!(t.children[0].0.children[0].1, 2, "t instantiated twice");
        let text = table(&t, 9);
        assert!(text.contains("    t x2"), "{text}");
        assert!(text.lines().nth(1).unwrap().starts_with("top "), "{text}");
        let own_rows = text.lines().filter(|l| l.contains("(own logic)")).count();
        assert_eq!(own_rows, 2, "{text}");
    }

    #[test]
    fn patterns_name_modules_one_level_deep() {
        let v = "module top(\nendmodule\nmodule top$cc$0$cl (a);\nmodule top$cc$0$cl$seq(\n\
                 module top$cc$0$cl$seq$threads$0(\nmodule top$cc$0$cl$seq$threads$1(\n";
        let mods = verilog_modules(v);
        assert_eq!(mods.len(), 5);
        assert_eq!(top_module(&mods).map(String::as_str), Some("top"));
        let pats = |p: &[&str]| p.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let k = kept_modules(&mods, &pats(&["top$cc$0$cl", "top$cc$0$cl$seq$threads$*"])).unwrap();
        assert_eq!(
            k,
            pats(&[
                "top$cc$0$cl",
                "top$cc$0$cl$seq$threads$0",
                "top$cc$0$cl$seq$threads$1"
            ])
        );
        assert_eq!(
            kept_modules(&mods, &pats(&["top$cc$*"])),
            Err(NoMatch("top$cc$*".into())),
            "`*` stays within one level"
        );
    }
}
