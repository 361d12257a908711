//! The harness itself against a block of known behaviour (hdl/src/selftest.rs): port widths
//! 1, 16, 40 and 256, registered and combinational paths, cycle counting, VCD output.

use num_bigint::BigUint;
use verif::sim::{vcd_path, Model};

#[test]
fn harness_selftest_ports_and_clocking() {
    let mut m = Model::new("harness_selftest").expect("model");
    let wide_in = m.port("wide_in").expect("port");
    let wide_out = m.port("wide_out").expect("port");
    let q_in = m.port("q_in").expect("port");
    let q_out = m.port("q_out").expect("port");
    let flag_in = m.port("flag_in").expect("port");
    let flag_out = m.port("flag_out").expect("port");
    let count = m.port("count").expect("port");

    // Combinational paths settle on eval.
    m.set(q_in, 0x12_3456_789a);
    m.set(flag_in, 1);
    m.eval();
    assert_eq!(m.get(q_out), !0x12_3456_789au64 & ((1 << 40) - 1));
    assert_eq!(m.get(flag_out), 0);

    // The counter starts at its initial value 0 and counts clocks.
    assert_eq!(m.get(count), 0);
    m.ticks(5);
    assert_eq!(m.get(count), 5);
    assert_eq!(m.cycles(), 5);

    // 256-bit registered path, all 8 words distinct.
    let v = (BigUint::from(1u8) << 255u32)
        + BigUint::from(0xdead_beef_u32) * (BigUint::from(1u8) << 100u32)
        + 7u32;
    m.set_biguint(wide_in, &v);
    m.eval();
    assert_ne!(
        m.get_biguint(wide_out),
        v,
        "registered: no change before the edge"
    );
    m.tick();
    assert_eq!(m.get_biguint(wide_out), v);

    // Values wider than the port and writes to outputs are rejected.
    assert!(m.try_set_words(q_in, &[0, 1 << 8]).is_err());
    assert!(m.try_set_words(q_out, &[0]).is_err());
    assert!(m.port("nope").is_err());
}

#[test]
fn harness_selftest_writes_vcd() {
    let path = vcd_path("harness_selftest");
    let _ = std::fs::remove_file(&path);
    {
        let mut m = Model::with_vcd("harness_selftest", &path).expect("model");
        m.ticks(3);
    }
    let text = std::fs::read_to_string(&path).expect("vcd written");
    assert!(
        text.contains("$var") && text.contains("count"),
        "VCD has the signals"
    );
    assert!(text.contains("#5"), "VCD has the time steps of 3 cycles");
}

#[test]
fn harness_selftest_vcd_window_keeps_the_simulation_times() {
    let path = vcd_path("harness_selftest_window");
    let _ = std::fs::remove_file(&path);
    {
        let mut m = Model::with_vcd("harness_selftest", &path).expect("model");
        m.set_vcd_window(5, 8);
        m.ticks(12);
    }
    let text = std::fs::read_to_string(&path).expect("vcd written");
    // Two time steps per cycle (rising and falling edge): cycles 5..8 are times 10..=15.
    let times: Vec<u64> = text
        .lines()
        .filter_map(|l| l.strip_prefix('#')?.trim().parse().ok())
        .collect();
    assert_eq!(times, (10..=15).collect::<Vec<u64>>(), "{text}");
    assert!(
        text.contains("$var") && text.contains("count"),
        "VCD has the signals"
    );
}
