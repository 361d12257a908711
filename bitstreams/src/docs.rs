//! Generated documentation (issue 15, item 6): the README hardware table from a
//! `satchain hw-report --json` object, and `registers.md` from the register map. `gen-docs`
//! (`cargo run -p bitstreams --bin gen-docs`) writes both; `tests/generated_docs.rs` fails when
//! a committed file differs from what the generator writes now.
//!
//! The table reads the committed report `bitstreams/data/hw-report.json` (not a fresh run: a
//! full hw-report needs the yosys flow and the Verilated models, minutes of CI time). Refresh
//! it with `bash bitstreams/synth.sh && satchain hw-report --json > bitstreams/data/hw-report.json`,
//! then run `gen-docs`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::XC7Z030;

/// The committed hw-report object the table is generated from (relative to the workspace).
pub const HW_REPORT: &str = "bitstreams/data/hw-report.json";
/// The generated register document (relative to the workspace).
pub const REGISTERS_MD: &str = "hdl/regmap/registers.md";
/// The README holding the generated hardware table between the two markers.
pub const README: &str = "README.md";
/// The command that rewrites every generated document.
pub const GEN_COMMAND: &str = "cargo run -p bitstreams --bin gen-docs";

const BEGIN: &str = "<!-- hw-table: generated from bitstreams/data/hw-report.json by `cargo run -p bitstreams --bin gen-docs`; do not edit -->";
const END: &str = "<!-- hw-table end -->";

/// What stops a document from being generated.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DocError {
    /// The report lacks a figure the table shows (a `null` or absent field).
    #[error("hw-report has no `{0}` (a full report needs bash bitstreams/synth.sh first)")]
    Missing(String),
    /// The README has no (or a broken) pair of table markers.
    #[error("README: no `{BEGIN}` ... `{END}` pair")]
    NoMarkers,
}

/// The workspace root (this crate lives in `<root>/bitstreams`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// `registers.md`, from `satchain_regmap::doc`.
pub fn registers_md() -> String {
    let mut s = String::new();
    // Writing into a String cannot fail.
    let _ = satchain_regmap::doc::write_markdown(&mut s);
    s.push('\n');
    s
}

/// A number at `path` (`a.b.c`) of the report.
fn num(r: &Value, path: &str) -> Result<f64, DocError> {
    path.split('.')
        .try_fold(r, |v, k| v.get(k))
        .and_then(Value::as_f64)
        .ok_or_else(|| DocError::Missing(path.to_string()))
}

/// `x` rounded to `dp` decimals with thousands separators: `12345.6` -> `12,345.6`.
fn fmt_num(x: f64, dp: usize) -> String {
    let s = format!("{x:.dp$}");
    let (int, frac) = s.split_once('.').map_or((s.as_str(), ""), |(a, b)| (a, b));
    let (sign, digits) = int.strip_prefix('-').map_or(("", int), |d| ("-", d));
    let mut out = String::from(sign);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    out
}

fn pct(part: f64, whole: u64) -> String {
    #[allow(clippy::cast_precision_loss)]
    let w = whole as f64;
    format!("{:.1} %", 100.0 * part / w)
}

fn verdict(ok: bool) -> &'static str {
    if ok {
        "met"
    } else {
        "**not met**"
    }
}

/// The README hardware table (a Markdown table, no markers) from a hw-report object. Every
/// figure comes from the report; the targets are the issues' and each verdict is computed.
pub fn hw_table(r: &Value) -> Result<String, DocError> {
    let blk = |b: &str, k: &str| num(r, &format!("resources.blocks.{b}.{k}"));
    let mut t = String::new();
    t.push_str("| block | measured | target (issue) |\n|---|---|---|\n");

    // SHA-256 core and unit.
    let cpb = num(r, "sha256.cycles_per_block")?;
    let unit_lut = blk("sha256_unit", "lut")?;
    let _ = writeln!(
        t,
        "| `Sha256Core` / `Sha256Unit` | {} cycles per 64-byte block back-to-back; core {} LUT \
         (depth {}), unit with padder, FIFO and next-job slot {} LUT (depth {}), {} RAMB36 | \
         <= 65 cycles, <= 2,300 LUT per unit: {} |",
        fmt_num(cpb, 1),
        fmt_num(blk("sha256_core", "lut")?, 0),
        blk("sha256_core", "logic_depth")?,
        fmt_num(unit_lut, 0),
        blk("sha256_unit", "logic_depth")?,
        blk("sha256_unit", "bram36")?,
        verdict(cpb <= 65.0 && unit_lut <= 2300.0),
    );

    // Hash cluster.
    let units = num(r, "sha256.units")?;
    let cl_lut = blk("hash_cluster", "lut")?;
    #[allow(clippy::cast_precision_loss)]
    let cl_frac = cl_lut / XC7Z030.lut as f64;
    let _ = writeln!(
        t,
        "| `HashCluster<{units}>` | {} LUT ({}) with the DMA reader, {} FF, {} RAMB36, logic \
         depth {}; header SHA-256d {} and merkle node {} cycles command-to-result | 8 units <= \
         25 % LUT: {} |",
        fmt_num(cl_lut, 0),
        pct(cl_lut, XC7Z030.lut),
        fmt_num(blk("hash_cluster", "ff")?, 0),
        blk("hash_cluster", "bram36")?,
        blk("hash_cluster", "logic_depth")?,
        num(r, "sha256.cycles_header_sha256d")?,
        num(r, "sha256.cycles_merkle_node")?,
        verdict(units >= 8.0 && cl_frac <= 0.25),
    );

    // Block 413567.
    let ms = num(r, "sha256.block413567_hash_ms_projected")?;
    let mhz = num(r, "sha256.projection_clock_mhz")?;
    let stream = num(r, "sha256.block413567_hash_cycles_register_stream")?;
    let _ = writeln!(
        t,
        "| block 413567 txids + merkle root | **{} cycles = {} ms at {} MHz**: driver + \
         descriptor DMA from a simulated DDR with {} clocks read latency, all register traffic \
         included ({} writes + {} reads per job); the register stream alone (one word per \
         clock): {} cycles = {} ms | <= 1.5 ms: {} |",
        fmt_num(num(r, "sha256.block413567_hash_cycles")?, 0),
        fmt_num(ms, 2),
        fmt_num(mhz, 1),
        num(r, "sha256.block413567_mem_latency_cycles")?,
        fmt_num(num(r, "sha256.block413567_reg_writes_per_job")?, 1),
        fmt_num(num(r, "sha256.block413567_reg_reads_per_job")?, 1),
        fmt_num(stream, 0),
        fmt_num(stream / (mhz * 1e3), 2),
        verdict(ms <= 1.5),
    );

    // ECDSA: the VerifyCore behind the verify-job rings, through the driver.
    let vps = num(r, "ecdsa.verifies_per_s")?;
    let target = num(r, "ecdsa.target_verifies_per_s")?;
    let _ = writeln!(
        t,
        "| `VerifyCore<{}>` behind the verify-job rings | {} valid verifies ({} with compressed \
         keys: block 413567's mix) through `Accel::ecdsa_batch` on the Verilated top: {} clocks \
         per verify; {} threads, {} thread cycles per verify, multiplier busy {} of clocks (ISS, \
         same jobs) | multiplier busy >= 85 %: {} |",
        num(r, "ecdsa.clusters")?,
        fmt_num(num(r, "ecdsa.batch_verifies")?, 0),
        fmt_num(num(r, "ecdsa.batch_compressed_keys")?, 0),
        fmt_num(num(r, "ecdsa.cycles_per_verify")?, 0),
        num(r, "ecdsa.threads")?,
        fmt_num(num(r, "ecdsa.cycles_per_verify_per_thread")?, 0),
        format!("{:.1} %", 100.0 * num(r, "ecdsa.multiplier_busy_fraction")?),
        verdict(num(r, "ecdsa.multiplier_busy_fraction")? >= 0.85),
    );
    let _ = writeln!(
        t,
        "| ECDSA throughput | **{} verifies/s** at {} MHz (measured clocks at the clock the \
         timing model supports) | >= {}: {}; what limits it: `ecdsa.limit` in \
         `bitstreams/data/hw-report.json`, the core in `hdl/src/vcore/README.md` |",
        fmt_num(vps, 0),
        fmt_num(num(r, "ecdsa.clock_mhz")?, 1),
        fmt_num(target, 0),
        verdict(vps >= target),
    );

    // BIP340 (issue 16): the same core and rings, ring jobs of kind 1. No target of its own;
    // the verdict column says what it is measured against.
    let _ = writeln!(
        t,
        "| BIP340 (Taproot) throughput | **{} verifies/s** at {} MHz: {} random valid BIP340 \
         signatures through `Accel::bip340_batch` on the Verilated top, {} clocks per verify; \
         {} thread cycles per verify, multiplier busy {} (ISS); {} MMIO writes + {} reads per \
         verify | measured as ECDSA is (no target of its own) |",
        fmt_num(num(r, "schnorr.verifies_per_s")?, 0),
        fmt_num(num(r, "schnorr.clock_mhz")?, 1),
        fmt_num(num(r, "schnorr.batch_verifies")?, 0),
        fmt_num(num(r, "schnorr.cycles_per_verify")?, 0),
        fmt_num(num(r, "schnorr.cycles_per_verify_per_thread")?, 0),
        format!(
            "{:.1} %",
            100.0 * num(r, "schnorr.multiplier_busy_fraction")?
        ),
        fmt_num(num(r, "schnorr.mmio_writes_per_verify")?, 2),
        fmt_num(num(r, "schnorr.mmio_reads_per_verify")?, 2),
    );

    // Whole top.
    let within = r
        .pointer("/resources/within_budget")
        .and_then(Value::as_bool)
        .ok_or_else(|| DocError::Missing("resources.within_budget".into()))?;
    let _ = writeln!(
        t,
        "| whole top ({} SHA units + DMA reader + verify-job rings + `VerifyCore<{}>` + \
         AXI4-Lite) | {} LUT ({}), {} FF, {} DSP ({}), {} RAMB36 ({}) | <= 70 % of every \
         resource: {} |",
        units,
        num(r, "ecdsa.clusters")?,
        fmt_num(num(r, "resources.total.lut")?, 0),
        pct(num(r, "resources.total.lut")?, XC7Z030.lut),
        fmt_num(num(r, "resources.total.ff")?, 0),
        num(r, "resources.total.dsp")?,
        pct(num(r, "resources.total.dsp")?, XC7Z030.dsp),
        num(r, "resources.total.bram36")?,
        pct(num(r, "resources.total.bram36")?, XC7Z030.bram36),
        verdict(within),
    );

    // Clock.
    let meets = r
        .pointer("/clock_domains/bus/meets_estimate")
        .and_then(Value::as_bool)
        .ok_or_else(|| DocError::Missing("clock_domains.bus.meets_estimate".into()))?;
    let clock = num(r, "clock_domains.bus.mhz")?;
    let _ = writeln!(
        t,
        "| clock | one clock for the whole top: **{} MHz** (FCLK0); the timing model supports \
         ~{} MHz (calibrated: {} MHz for secworks' SHA-256 round, published 116) | the model \
         supports the design clock: {}; >= 150 MHz for the SHA path: {} (the hash figures are \
         projected at {} MHz) |",
        fmt_num(clock, 1),
        fmt_num(num(r, "clock_domains.bus.supported_mhz_estimate")?, 1),
        fmt_num(num(r, "timing.calibration.model_mhz")?, 1),
        verdict(meets),
        verdict(clock >= 150.0),
        fmt_num(mhz, 1),
    );

    // Driver traffic.
    let per_verify =
        num(r, "driver.mmio_writes_per_verify")? + num(r, "driver.mmio_reads_per_verify")?;
    let _ = writeln!(
        t,
        "| driver traffic | {} MMIO writes + {} reads per verify (the ECDSA batch of {} through \
         the rings, their configuration included); per 80-byte header {} writes + {} reads with \
         descriptor DMA, {} writes + {} reads through HASH_CMD/HASH_DATA | <= 4 MMIO accesses \
         per verify: {} |",
        fmt_num(num(r, "driver.mmio_writes_per_verify")?, 2),
        fmt_num(num(r, "driver.mmio_reads_per_verify")?, 2),
        fmt_num(num(r, "driver.batch_verifies")?, 0),
        fmt_num(num(r, "driver.mmio_writes_per_header")?, 1),
        fmt_num(num(r, "driver.mmio_reads_per_header")?, 1),
        fmt_num(num(r, "driver.mmio_writes_per_header_register_path")?, 1),
        fmt_num(num(r, "driver.mmio_reads_per_header_register_path")?, 1),
        verdict(per_verify <= 4.0),
    );
    Ok(t)
}

/// `readme` with the text between the table markers replaced by `table`.
pub fn splice_readme(readme: &str, table: &str) -> Result<String, DocError> {
    let b = readme.find(BEGIN).ok_or(DocError::NoMarkers)?;
    let after_begin = b + BEGIN.len();
    let e = readme[after_begin..]
        .find(END)
        .map(|i| after_begin + i)
        .ok_or(DocError::NoMarkers)?;
    Ok(format!(
        "{}\n{}{}",
        &readme[..after_begin],
        table,
        &readme[e..]
    ))
}

/// One generated document: where it goes and its text as the generator writes it now.
pub struct Generated {
    /// Relative to the workspace root.
    pub path: &'static str,
    pub text: String,
}

/// Every generated document, from the files of the workspace at `root`.
pub fn generate(root: &Path) -> Result<Vec<Generated>, String> {
    let read = |p: &str| {
        std::fs::read_to_string(root.join(p)).map_err(|e| format!("cannot read {p}: {e}"))
    };
    let report: Value =
        serde_json::from_str(&read(HW_REPORT)?).map_err(|e| format!("{HW_REPORT}: {e}"))?;
    let table = hw_table(&report).map_err(|e| format!("{HW_REPORT}: {e}"))?;
    let readme = splice_readme(&read(README)?, &table).map_err(|e| e.to_string())?;
    Ok(vec![
        Generated {
            path: REGISTERS_MD,
            text: registers_md(),
        },
        Generated {
            path: README,
            text: readme,
        },
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fmt_num_groups_thousands() {
        assert_eq!(fmt_num(1234567.0, 0), "1,234,567");
        assert_eq!(fmt_num(999.0, 0), "999");
        assert_eq!(fmt_num(35188.125, 1), "35,188.1");
        assert_eq!(fmt_num(-1234.5, 1), "-1,234.5");
    }

    #[test]
    fn splice_replaces_only_between_markers() {
        let readme = format!("a\n{BEGIN}\nold\n{END}\nb\n");
        let out = splice_readme(&readme, "new\n").unwrap_or_default();
        assert_eq!(out, format!("a\n{BEGIN}\nnew\n{END}\nb\n"));
        assert_eq!(splice_readme("no markers", "x"), Err(DocError::NoMarkers));
    }

    #[test]
    fn a_report_without_resources_is_refused() {
        let r = serde_json::json!({"sha256": {"cycles_per_block": 65.0}, "resources": null});
        assert!(matches!(hw_table(&r), Err(DocError::Missing(_))));
    }
}
