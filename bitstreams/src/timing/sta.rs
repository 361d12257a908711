//! Longest-path analysis over the timing graph: arrival times per node and per launching clock
//! domain (in topological order), the worst end point of every (launch, capture) domain pair,
//! and the path behind it.

use std::collections::BTreeMap;

use super::graph::{End, Graph};
use super::{CdcTiming, DomainTiming, PathLevels, PathStep, SlowRegister, TimingError, TimingPath};

const NONE: u32 = u32::MAX;
/// `pred` values at or above this are start points (`START + index`).
const START: u32 = 0x8000_0000;

/// Arrival times of every node, per launching domain.
pub struct Arrivals {
    d: usize,
    at: Vec<f64>,
    pred: Vec<u32>,
}

impl Arrivals {
    fn get(&self, node: u32, dom: usize) -> f64 {
        self.at[node as usize * self.d + dom]
    }
}

/// Propagates arrival times. Fails on a combinational loop (naming some of its nets).
pub fn propagate(g: &Graph<'_>) -> Result<Arrivals, TimingError> {
    let n = g.node_count();
    let d = g.domains.len().max(1);
    let mut at = vec![f64::NEG_INFINITY; n * d];
    let mut pred = vec![NONE; n * d];
    for (si, s) in g.starts.iter().enumerate() {
        let k = s.node as usize * d + s.domain;
        if s.cko_ns > at[k] {
            at[k] = s.cko_ns;
            pred[k] = START + super::graph::idx32(si);
        }
    }
    // Adjacency (CSR) and in-degrees.
    let mut first = vec![0u32; n + 1];
    for a in &g.arcs {
        first[a.from as usize + 1] += 1;
    }
    for i in 0..n {
        first[i + 1] += first[i];
    }
    let mut fill = first.clone();
    let mut out = vec![0u32; g.arcs.len()];
    let mut indeg = vec![0u32; n];
    for (ai, a) in g.arcs.iter().enumerate() {
        out[fill[a.from as usize] as usize] = super::graph::idx32(ai);
        fill[a.from as usize] += 1;
        indeg[a.to as usize] += 1;
    }
    let mut queue: Vec<u32> = (0..n)
        .filter(|&i| indeg[i] == 0)
        .map(super::graph::idx32)
        .collect();
    let mut done = 0usize;
    while let Some(u) = queue.pop() {
        done += 1;
        for &ai in &out[first[u as usize] as usize..first[u as usize + 1] as usize] {
            let a = &g.arcs[ai as usize];
            let delay = a.net_ns + a.cell_ns;
            for dom in 0..d {
                let from = at[u as usize * d + dom];
                if from == f64::NEG_INFINITY {
                    continue;
                }
                let k = a.to as usize * d + dom;
                if from + delay > at[k] {
                    at[k] = from + delay;
                    pred[k] = ai;
                }
            }
            let v = a.to as usize;
            indeg[v] -= 1;
            if indeg[v] == 0 {
                queue.push(a.to);
            }
        }
    }
    if done < n {
        let nets: Vec<String> = (0..n)
            .filter(|&i| indeg[i] > 0)
            .take(8)
            .map(|i| g.node_name(super::graph::idx32(i)))
            .collect();
        return Err(TimingError::CombinationalLoop {
            nodes: n - done,
            sample: nets,
        });
    }
    Ok(Arrivals { d, at, pred })
}

/// The worst end point of each (launch, capture) domain pair: (index into `g.ends`, delay).
pub fn worst_per_pair(
    g: &Graph<'_>,
    arr: &Arrivals,
) -> BTreeMap<(usize, usize), (usize, f64, u64)> {
    let mut worst: BTreeMap<(usize, usize), (usize, f64, u64)> = BTreeMap::new();
    for (ei, e) in g.ends.iter().enumerate() {
        for dom in 0..arr.d {
            let Some(total) = end_delay(arr, e, dom) else {
                continue;
            };
            let w = worst
                .entry((dom, e.domain))
                .or_insert((ei, f64::NEG_INFINITY, 0));
            w.2 += 1;
            if total > w.1 {
                w.0 = ei;
                w.1 = total;
            }
        }
    }
    worst
}

/// Arrival at end point `e` of the paths launched in domain `dom`, setup included (`None`
/// when no path from `dom` reaches it).
fn end_delay(arr: &Arrivals, e: &End, dom: usize) -> Option<f64> {
    if dom >= arr.d {
        return None;
    }
    let a = arr.get(e.from, dom);
    (a != f64::NEG_INFINITY).then(|| a + e.net_ns + e.setup_ns)
}

/// Same-domain end points slower than `period_ns`, grouped by register (its name without the
/// bit index, so a 256-bit register is one row), the slowest register first.
pub fn slow_registers(g: &Graph<'_>, arr: &Arrivals, period_ns: f64) -> Vec<SlowRegister> {
    // Per register: end points over the period, and the worst one (index, delay).
    let mut by_reg: BTreeMap<String, (u64, usize, f64)> = BTreeMap::new();
    for (ei, e) in g.ends.iter().enumerate() {
        let Some(total) = end_delay(arr, e, e.domain).filter(|&t| t > period_ns) else {
            continue;
        };
        let w = by_reg
            .entry(register_of(&reg_name(g, e.cell, None)))
            .or_insert((0, ei, f64::NEG_INFINITY));
        w.0 += 1;
        if total > w.2 {
            (w.1, w.2) = (ei, total);
        }
    }
    let mut v: Vec<SlowRegister> = by_reg
        .into_iter()
        .map(|(register, (endpoints, ei, t))| SlowRegister {
            register,
            endpoints,
            worst_ns: round(t),
            worst_from: path(g, arr, ei, g.ends[ei].domain).start,
        })
        .collect();
    v.sort_by(|a, b| {
        b.worst_ns
            .total_cmp(&a.worst_ns)
            .then_with(|| a.register.cmp(&b.register))
    });
    v
}

/// `name[12]` -> `name`: the register a bit belongs to.
fn register_of(bit: &str) -> String {
    match bit.rfind('[') {
        Some(i) if bit.ends_with(']') && bit[i + 1..bit.len() - 1].parse::<u32>().is_ok() => {
            bit[..i].to_string()
        }
        _ => bit.to_string(),
    }
}

/// The path that ends at end point `ei`, launched in domain `dom`.
pub fn path(g: &Graph<'_>, arr: &Arrivals, ei: usize, dom: usize) -> TimingPath {
    let e = &g.ends[ei];
    let nl = g.nl;
    let mut arcs = Vec::new();
    let mut node = e.from;
    let start = loop {
        let p = arr.pred[node as usize * arr.d + dom];
        if p == NONE {
            break None;
        }
        if p >= START {
            break Some(&g.starts[(p - START) as usize]);
        }
        let a = &g.arcs[p as usize];
        arcs.push(a);
        node = a.from;
    };
    arcs.reverse();
    let mut steps = Vec::new();
    let mut levels = PathLevels::default();
    let (mut logic, mut route) = (0.0, 0.0);
    let mut t = 0.0;
    // Levels count the cells entered after the start point (a step inside the same cell,
    // such as a DSP's internal stages, is not a new level).
    let mut last_cell = start.map(|s| s.cell);
    if let Some(s) = start {
        let c = &nl.cells[s.cell as usize];
        t = s.cko_ns;
        logic += s.cko_ns;
        steps.push(PathStep {
            cell: c.name.clone(),
            cell_type: c.ty.clone(),
            from_pin: s.clock_pin.to_string(),
            to_pin: g.pin_label(s.cell, s.pin),
            delay: s.param.to_string(),
            net: String::new(),
            fanout: 0,
            net_ns: 0.0,
            cell_ns: round(s.cko_ns),
            at_ns: round(t),
        });
    }
    for a in arcs {
        let c = &nl.cells[a.cell as usize];
        t += a.net_ns + a.cell_ns;
        logic += a.cell_ns;
        route += a.net_ns;
        let net = if g.is_net(a.from) {
            g.node_name(a.from)
        } else {
            String::new()
        };
        let fanout = if g.is_net(a.from) {
            g.fanout[a.from as usize]
        } else {
            0
        };
        steps.push(PathStep {
            cell: c.name.clone(),
            cell_type: c.ty.clone(),
            from_pin: g.pin_label(a.cell, a.from_pin),
            to_pin: g.pin_label(a.cell, a.to_pin),
            delay: a.param.to_string(),
            net,
            fanout,
            net_ns: round(a.net_ns),
            cell_ns: round(a.cell_ns),
            at_ns: round(t),
        });
        if last_cell != Some(a.cell) {
            count(&mut levels, &c.ty);
            last_cell = Some(a.cell);
        }
    }
    let c = &nl.cells[e.cell as usize];
    t += e.net_ns + e.setup_ns;
    logic += e.setup_ns;
    route += e.net_ns;
    steps.push(PathStep {
        cell: c.name.clone(),
        cell_type: c.ty.clone(),
        from_pin: g.pin_label(e.cell, e.pin),
        to_pin: "(setup)".into(),
        delay: e.param.to_string(),
        net: if g.is_net(e.from) {
            g.node_name(e.from)
        } else {
            String::new()
        },
        fanout: if g.is_net(e.from) {
            g.fanout[e.from as usize]
        } else {
            0
        },
        net_ns: round(e.net_ns),
        cell_ns: round(e.setup_ns),
        at_ns: round(t),
    });
    // Name the registers by the signal they drive (the RTL register name survives synthesis
    // on the output net; yosys cell names are generated).
    let first = start.map(|s| {
        let c = &nl.cells[s.cell as usize];
        format!(
            "{} ({} {})",
            reg_name(g, s.cell, Some(s.node)),
            c.ty,
            g.pin_label(s.cell, s.pin)
        )
    });
    let last = format!(
        "{} ({} {})",
        reg_name(g, e.cell, None),
        c.ty,
        g.pin_label(e.cell, e.pin)
    );
    TimingPath {
        delay_ns: round(t),
        logic_ns: round(logic),
        route_ns: round(route),
        start: first.unwrap_or_default(),
        end: last,
        levels,
        steps,
    }
}

/// A readable name for a clocked cell: the net on `node` (a start point's output) or on its
/// first output bit, else the cell's instance name.
fn reg_name(g: &Graph<'_>, cell: u32, node: Option<u32>) -> String {
    let c = &g.nl.cells[cell as usize];
    let out = node.filter(|n| g.is_net(*n)).or_else(|| {
        c.pins
            .iter()
            .filter(|p| p.dir == super::netlist::Dir::Out)
            .flat_map(|p| p.bits.iter())
            .find_map(|b| match b {
                super::netlist::Bit::Net(n) => Some(*n),
                super::netlist::Bit::Const => None,
            })
    });
    match out {
        Some(n) if g.nl.names.contains_key(&n) => g.nl.net_name(n),
        _ => c.name.clone(),
    }
}

fn count(l: &mut PathLevels, ty: &str) {
    match ty {
        t if t.starts_with("LUT") || t == "INV" => l.lut += 1,
        "MUXF7" | "MUXF8" => l.muxf += 1,
        "CARRY4" => l.carry4 += 1,
        "DSP48E1" => l.dsp += 1,
        t if t.starts_with("RAMB") => l.bram += 1,
        t if t.starts_with("RAM") || t.starts_with("SRL") => l.lutram += 1,
        _ => l.other += 1,
    }
}

/// Rounds to picoseconds for the report.
pub fn round(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// Domain and CDC summaries from the worst pairs.
pub fn summarize(g: &Graph<'_>, arr: &Arrivals) -> (Vec<DomainTiming>, Vec<CdcTiming>) {
    let mut doms = Vec::new();
    let mut cdc = Vec::new();
    for ((from, to), (ei, delay, n)) in worst_per_pair(g, arr) {
        let p = path(g, arr, ei, from);
        if from == to {
            doms.push(DomainTiming {
                clock: g.domains[to].clone(),
                period_ns: round(delay),
                mhz: round(1000.0 / delay),
                endpoints: n,
                path: p,
            });
        } else {
            cdc.push(CdcTiming {
                from_clock: g.domains[from].clone(),
                to_clock: g.domains[to].clone(),
                delay_ns: round(delay),
                endpoints: n,
                path: p,
            });
        }
    }
    (doms, cdc)
}
