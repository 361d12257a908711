//! The parsers and the resource classification on output captured from real yosys 0.23 runs
//! with the flow's own scripts (`tests/data/*.stat.json` from `stat -json`, `*.ltp`; the designs
//! are `tests/data/*.v` or the project's own RTL).

use bitstreams::resources::Resources;
use bitstreams::yosys::{parse_ltp, parse_ltp_mix, parse_stat_json};

fn data(name: &str) -> String {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("missing test data {}: {e}", p.display()))
}

#[test]
fn captured_sha256_core() {
    // hdl's Sha256Core (one round per clock) as gen-verilog wrote it at commit f01a94b (the
    // design of the first, text capture), synthesized with the steps of `yosys::synth_script`.
    // That run wrote both `stat` (identical to the first capture) and this `stat -json`; the
    // old text parser and `parse_stat_json` read the same counts from them, so the figures
    // below are unchanged.
    let cells = parse_stat_json(&data("sha256_core.stat.json"), "top").unwrap();
    let r = Resources::from_cells(&cells);
    assert_eq!(
        r.lut,
        387 + 323 + 2 + 323 + 1246 + 2,
        "LUT2..LUT6 plus 2 INV"
    );
    assert_eq!(r.ff, 1321);
    assert_eq!(r.carry4, 114);
    assert_eq!(r.muxf7, 168);
    assert_eq!((r.dsp, r.ramb36, r.ramb18, r.lut_as_memory), (0, 0, 0, 0));
    assert!(r.unclassified.is_empty(), "{:?}", r.unclassified);
    let ltp = data("sha256_core.ltp");
    assert_eq!(parse_ltp(&ltp).unwrap(), 16);
    let mix = parse_ltp_mix(&ltp);
    assert_eq!(mix.lut_levels + mix.carry4_levels + mix.dsp_levels, 16);
    assert_eq!(mix.carry4_levels, 9);
}

#[test]
fn captured_dsp_and_carry() {
    // tests/data/dsp_adder.v: 32x32 multiply (4 DSP48E1) and a 32-bit adder.
    let r = Resources::from_cells(&parse_stat_json(&data("dsp_adder.stat.json"), "top").unwrap());
    assert_eq!(r.dsp, 4);
    assert_eq!(r.carry4, 20);
    assert_eq!(r.ff, 96);
    assert_eq!(r.lut, 79);
    let ltp = data("dsp_adder.ltp");
    assert_eq!(parse_ltp(&ltp).unwrap(), 15);
    let mix = parse_ltp_mix(&ltp);
    assert_eq!(mix.carry4_levels, 12);
    assert!(mix.dsp_levels >= 1);
}

#[test]
fn captured_memories() {
    // tests/data/memories.v: 64x64 register file with two async read ports (LUTRAM),
    // a 2048x36 synchronous RAM (block RAM) and a 16-deep shift register (SRL).
    let r = Resources::from_cells(&parse_stat_json(&data("memories.stat.json"), "top").unwrap());
    assert_eq!(r.lut_as_memory, 44 * 4 + 32, "RAM64M = 4 LUTs, SRL16E = 1");
    assert_eq!(r.lut, r.lut_as_memory);
    assert_eq!(r.ramb36, 2);
    assert!((r.bram36 - 2.0).abs() < 1e-9);
    assert_eq!(parse_ltp(&data("memories.ltp")).unwrap(), 1);
}
