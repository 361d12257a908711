//! The timing model on a netlist captured from yosys 0.23 (`tests/data/timing_small.v`:
//! `synth_xilinx -family xc7 -top top -flatten -noiopad; write_json`, reduced to module `top`
//! with cell and net attributes dropped): two clocks, a 16-bit adder, a DSP48E1 multiplier
//! with its AREG/BREG/MREG absorbed, and a crossing from `clk_a` to `clk_b`. Net model 0.5 ns
//! per hop, fanout factor 0.25, as in `timing_sta.rs`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use bitstreams::timing::{analyze_file, NetModel};
use std::path::Path;

const NET: NetModel = NetModel {
    base_ns: 0.5,
    fanout_factor: 0.25,
};

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn captured_two_clock_netlist() {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/timing_small.json");
    let r = analyze_file(&p, NET).unwrap();
    assert_eq!(r.cells, 90);
    assert!(r.unknown_cells.is_empty(), "{:?}", r.unknown_cells);
    // Worst `clk_a` path: ya[3] (two loads: hop(2) = 0.5 * 1.25 = 0.625)
    // -> LUT2 0.124 -> (slice) CARRY4 S[3]->CO[3] 0.550 -> 3 x CI->CO 0.114 -> CI->O[0] 0.334
    // -> (slice) FF D setup 0.062, after TCKO 0.456: 2.493 ns.
    let a = r.domain("clk_a").unwrap();
    assert!(close(a.period_ns, 2.493), "{}", a.period_ns);
    assert_eq!((a.path.levels.lut, a.path.levels.carry4), (1, 5));
    assert_eq!(a.path.steps[1].net, "ya[3]");
    assert_eq!(a.path.steps[1].fanout, 2);
    // The multiplier (AREG/BREG -> MREG, one internal stage, 1/FMAX = 1.781 ns) is shorter.
    assert!(a.period_ns > 1.781);
    // `clk_b` only captures from `clk_a`: no clk_b -> clk_b path, one crossing of 17 bits.
    assert!(r.domain("clk_b").is_none());
    assert_eq!(r.cdc.len(), 1);
    let c = &r.cdc[0];
    assert_eq!(
        (c.from_clock.as_str(), c.to_clock.as_str()),
        ("clk_a", "clk_b")
    );
    assert_eq!(c.endpoints, 17);
    // s[i] (FF, one load) -> s_b[i]: 0.456 + 0.5 + 0.062.
    assert!(close(c.delay_ns, 1.018), "{}", c.delay_ns);
}
