//! `satchain hw-report` without `--json`: the report object (`cmd_hw_report::build`) printed
//! as text, one line per section. Reads only the JSON object, so the text and `--json` can
//! never disagree.

use std::io::Write;

use serde_json::Value;

/// Writes the report `r` (the object `--json` prints) as text; a section that is `null` is
/// left out, and every entry of `missing` gets its own line.
pub fn write_text(out: &mut dyn Write, r: &Value) -> std::io::Result<()> {
    writeln!(
        out,
        "SatChain Accel hardware report ({})",
        r["device"].as_str().unwrap_or("?")
    )?;
    writeln!(
        out,
        "clock: {} MHz\n  basis: {}",
        r["clock_mhz"],
        r["clock_basis"].as_str().unwrap_or("")
    )?;
    writeln!(
        out,
        "ecdsa clock: {} MHz\n  basis: {}",
        r["ecdsa_clock_mhz"],
        r["ecdsa_clock_basis"].as_str().unwrap_or("")
    )?;
    let c = &r["timing"]["calibration"];
    if !c.is_null() {
        writeln!(
            out,
            "timing model calibration: {} MHz for {} ({} MHz published), net delay {} ns/hop",
            c["model_mhz"],
            c["reference"].as_str().unwrap_or(""),
            c["reference_mhz"],
            c["net_delay_ns"]
        )?;
    }
    let s = &r["sha256"];
    if !s.is_null() {
        writeln!(
            out,
            "sha256: {} units, {} cycles/block/unit, header SHA-256d {} cycles, merkle node {} cycles, \
             block 413567 txids+merkle {} cycles = {} ms projected at {} MHz",
            s["units"],
            s["cycles_per_block"],
            s["cycles_header_sha256d"],
            s["cycles_merkle_node"],
            s["block413567_hash_cycles"],
            s["block413567_hash_ms_projected"],
            s["projection_clock_mhz"]
        )?;
    }
    let e = &r["ecdsa"];
    if !e.is_null() {
        writeln!(
            out,
            "ecdsa: {} cluster(s), {} threads; {} verifies in {} clocks through the driver = {} verifies/s at {} MHz (target {}); multiplier busy {} (ISS)",
            e["clusters"], e["threads"], e["batch_verifies"], e["batch_clocks"], e["verifies_per_s"], e["clock_mhz"], e["target_verifies_per_s"], e["multiplier_busy_fraction"]
        )?;
        if let Some(l) = e["limit"].as_str() {
            writeln!(out, "  limit: {l}")?;
        }
    }
    let sc = &r["schnorr"];
    if !sc.is_null() {
        writeln!(
            out,
            "schnorr (BIP340): {} verifies in {} clocks through the driver = {} verifies/s at {} MHz; multiplier busy {} (ISS); {} writes + {} reads per verify",
            sc["batch_verifies"], sc["batch_clocks"], sc["verifies_per_s"], sc["clock_mhz"], sc["multiplier_busy_fraction"], sc["mmio_writes_per_verify"], sc["mmio_reads_per_verify"]
        )?;
    }
    let d = &r["driver"];
    if !d.is_null() {
        writeln!(
            out,
            "driver: {} writes + {} reads per verify, {} writes per header",
            d["mmio_writes_per_verify"], d["mmio_reads_per_verify"], d["mmio_writes_per_header"]
        )?;
    }
    let res = &r["resources"];
    if !res.is_null() {
        writeln!(out, "resources ({}):", res["tool"].as_str().unwrap_or(""))?;
        // `Value`'s Display ignores width and alignment: the columns are padded as strings.
        let row = |out: &mut dyn Write, name: &str, b: &Value| {
            let f = |k: &str| b[k].to_string();
            writeln!(
                out,
                "  {name:<14} LUT {:>7}  FF {:>7}  DSP {:>4}  BRAM36 {:>6}  CARRY4 {:>6}  depth {}",
                f("lut"),
                f("ff"),
                f("dsp"),
                f("bram36"),
                f("carry4"),
                f("logic_depth")
            )
        };
        if let Some(blocks) = res["blocks"].as_object() {
            for (name, b) in blocks {
                row(out, name, b)?;
            }
        }
        if !res["total"].is_null() {
            row(out, "total", &res["total"])?;
            let u = &res["utilization"];
            let pct = |k: &str| {
                u[k].as_f64()
                    .map(|x| format!("{:.1}%", x * 100.0))
                    .unwrap_or_default()
            };
            writeln!(
                out,
                "  of the xc7z030: LUT {}  FF {}  DSP {}  BRAM36 {}  CARRY4 {}  (budget 70%: {})",
                pct("lut"),
                pct("ff"),
                pct("dsp"),
                pct("bram36"),
                pct("carry4"),
                if res["within_budget"].as_bool() == Some(true) {
                    "within"
                } else {
                    "EXCEEDED"
                }
            )?;
        }
    }
    if let Some(m) = r["missing"].as_array() {
        for x in m {
            writeln!(out, "missing: {}", x.as_str().unwrap_or(""))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::write_text;
    use serde_json::json;

    fn text(r: &serde_json::Value) -> String {
        let mut out = Vec::new();
        write_text(&mut out, r).expect("writing to a Vec");
        String::from_utf8(out).expect("utf-8")
    }

    #[test]
    fn null_sections_are_left_out_and_missing_is_listed() {
        let t = text(&json!({
            "device": "xc7z030",
            "clock_mhz": 133.333,
            "clock_basis": "timing model",
            "ecdsa_clock_mhz": 133.333,
            "ecdsa_clock_basis": "same clock",
            "timing": {"calibration": null},
            "sha256": null,
            "ecdsa": null,
            "schnorr": null,
            "driver": null,
            "resources": null,
            "missing": ["ecdsa: no Verilator", "resources: no yosys"],
        }));
        assert!(
            t.starts_with("SatChain Accel hardware report (xc7z030)\n"),
            "{t}"
        );
        assert!(
            t.contains("clock: 133.333 MHz\n  basis: timing model\n"),
            "{t}"
        );
        for absent in [
            "\nsha256:",
            "\necdsa:",
            "\nschnorr",
            "\ndriver:",
            "\nresources (",
            "calibration",
        ] {
            assert!(
                !t.contains(absent),
                "`{absent}` printed for a null section:\n{t}"
            );
        }
        assert!(
            t.contains("missing: ecdsa: no Verilator\nmissing: resources: no yosys\n"),
            "{t}"
        );
    }

    #[test]
    fn sections_print_their_figures_and_the_budget_verdict() {
        let block = json!({"lut": 52864, "ff": 40569, "dsp": 121, "bram36": 92.0,
                           "carry4": 4375, "logic_depth": 26});
        let t = text(&json!({
            "device": "xc7z030",
            "clock_mhz": 133.333, "clock_basis": "b", "ecdsa_clock_mhz": 133.333,
            "ecdsa_clock_basis": "b",
            "timing": {"calibration": {"model_mhz": 115.97, "reference": "secworks",
                                        "reference_mhz": 116, "net_delay_ns": 0.5}},
            "ecdsa": {"clusters": 1, "threads": 24, "batch_verifies": 256,
                      "batch_clocks": 586974, "verifies_per_s": 58151.0, "clock_mhz": 133.333,
                      "target_verifies_per_s": 100000.0, "multiplier_busy_fraction": 0.917,
                      "limit": "one multiplier"},
            "driver": {"mmio_writes_per_verify": 0.281, "mmio_reads_per_verify": 0.586,
                       "mmio_writes_per_header": 7.0},
            "resources": {"tool": "Yosys 0.23", "blocks": {"top": block}, "total": block,
                          "utilization": {"lut": 0.6726, "ff": 0.258, "dsp": 0.3025,
                                          "bram36": 0.347, "carry4": 0.223},
                          "within_budget": false},
        }));
        assert!(
            t.contains("timing model calibration: 115.97 MHz for secworks (116 MHz published)"),
            "{t}"
        );
        assert!(
            t.contains("ecdsa: 1 cluster(s), 24 threads; 256 verifies in 586974 clocks"),
            "{t}"
        );
        assert!(
            t.contains("= 58151.0 verifies/s at 133.333 MHz (target 100000.0)"),
            "{t}"
        );
        assert!(t.contains("  limit: one multiplier\n"), "{t}");
        assert!(
            t.contains("driver: 0.281 writes + 0.586 reads per verify, 7.0 writes per header"),
            "{t}"
        );
        assert!(t.contains("  top            LUT   52864"), "{t}");
        assert!(t.contains("  total          LUT   52864"), "{t}");
        assert!(t.contains("of the xc7z030: LUT 67.3%"), "{t}");
        assert!(t.contains("(budget 70%: EXCEEDED)"), "{t}");
        assert!(!t.contains("missing:"), "{t}");
    }
}
