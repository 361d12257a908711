//! Text rendering of a timing report (for `timing-report`, `synth-report` and the README).

use std::fmt::Write as _;

use super::{SlowRegister, TimingPath, TimingReport};

/// One line per domain and per crossing.
pub fn summary(r: &TimingReport) -> String {
    let mut s = String::new();
    for d in &r.domains {
        let l = &d.path.levels;
        let _ = writeln!(
            s,
            "  {:<14} {:>7.3} ns  {:>7.1} MHz  ({} LUT, {} MUXF, {} CARRY4, {} DSP, {} BRAM; logic {:.2} ns, route {:.2} ns)",
            d.clock, d.period_ns, d.mhz, l.lut, l.muxf, l.carry4, l.dsp, l.bram, d.path.logic_ns, d.path.route_ns
        );
    }
    for c in &r.cdc {
        let _ = writeln!(
            s,
            "  CDC {} -> {}: {:.3} ns over {} end points (crossing, not a violation)",
            c.from_clock, c.to_clock, c.delay_ns, c.endpoints
        );
    }
    if !r.unknown_cells.is_empty() {
        let _ = writeln!(
            s,
            "  unmodelled cell types (timed as TILO): {:?}",
            r.unknown_cells
        );
    }
    for (n, k) in &r.notes {
        let _ = writeln!(s, "  note: {n}: {k}");
    }
    s
}

/// A Vivado-like listing of one path.
pub fn path(p: &TimingPath) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "    from {}\n    to   {}", p.start, p.end);
    let _ = writeln!(
        s,
        "    {:>8} {:>8} {:>8}  {:<36} {:<10} net in (fanout)",
        "net", "cell", "at", "cell (pins)", "type"
    );
    for st in &p.steps {
        let pins = format!("{} -> {}", st.from_pin, st.to_pin);
        let net = if st.net.is_empty() {
            String::new()
        } else {
            format!("{} ({})", st.net, st.fanout)
        };
        let _ = writeln!(
            s,
            "    {:>8.3} {:>8.3} {:>8.3}  {:<36} {:<10} {}",
            st.net_ns,
            st.cell_ns,
            st.at_ns,
            format!("{} {}", short(&st.cell), pins),
            st.cell_type,
            net
        );
    }
    let _ = writeln!(
        s,
        "    total {:.3} ns = logic {:.3} + route {:.3}",
        p.delay_ns, p.logic_ns, p.route_ns
    );
    s
}

/// Cell names from yosys can be long (`$abc$12345$lut$...`): keep the tail.
fn short(name: &str) -> String {
    let n = name.chars().count();
    if n <= 28 {
        name.to_string()
    } else {
        let tail: String = name.chars().skip(n - 27).collect();
        format!("…{tail}")
    }
}

/// The registers over a target period, one line each.
pub fn slow_registers(v: &[SlowRegister], period_ns: f64) -> String {
    let mut s = String::new();
    let bits: u64 = v.iter().map(|r| r.endpoints).sum();
    let _ = writeln!(
        s,
        "{} register(s), {bits} end point(s) over {period_ns} ns ({:.1} MHz):",
        v.len(),
        1000.0 / period_ns
    );
    for r in v {
        let _ = writeln!(
            s,
            "  {:>7.3} ns  {:>5} bit(s)  {}  <- {}",
            r.worst_ns, r.endpoints, r.register, r.worst_from
        );
    }
    s
}
