//! The timing graph: nodes are net bits (plus a few internal nodes per DSP48E1), arcs are cell
//! delays plus the routing delay of the net that feeds them, start points are clocked outputs
//! (clock-to-out), end points are clocked inputs (setup). The cell library (`cells.rs`) adds
//! what each primitive contributes through the methods here.

use std::collections::{BTreeMap, HashMap};

use super::delays::{NetModel, Param};
use super::netlist::{Bit, Cell, Dir, Netlist};

/// Where a graph point sits on a cell, for the path report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PinRef {
    /// Pin `pin` (index into `cell.pins`), bit `bit`.
    Pin { pin: u16, bit: u16 },
    /// An internal point of the cell (a DSP48E1 stage).
    Internal(&'static str),
}

/// A delay from node `from` to node `to` through cell `cell`.
#[derive(Debug, Clone, Copy)]
pub struct Arc {
    pub from: u32,
    pub to: u32,
    /// Routing delay of the net `from` up to this cell input (0 on dedicated connections).
    pub net_ns: f64,
    pub cell_ns: f64,
    pub cell: u32,
    pub from_pin: PinRef,
    pub to_pin: PinRef,
    pub param: &'static str,
}

/// A start point: a clocked output with its clock-to-out.
#[derive(Debug, Clone, Copy)]
pub struct Start {
    pub node: u32,
    pub domain: usize,
    pub cko_ns: f64,
    pub cell: u32,
    pub pin: PinRef,
    pub clock_pin: &'static str,
    pub param: &'static str,
}

/// An end point: a clocked input with its setup time.
#[derive(Debug, Clone, Copy)]
pub struct End {
    pub from: u32,
    pub net_ns: f64,
    pub setup_ns: f64,
    pub domain: usize,
    pub cell: u32,
    pub pin: PinRef,
    pub param: &'static str,
}

/// The graph under construction, and when built.
pub struct Graph<'a> {
    pub nl: &'a Netlist,
    pub net: NetModel,
    /// Driver of each net: (cell, pin index, bit).
    driver: Vec<Option<(u32, u16, u16)>>,
    /// Number of cell input bits on each net.
    pub fanout: Vec<u32>,
    /// Top-level input port bit of each net, if any (for clock domain names).
    port_bit: HashMap<u32, String>,
    /// Internal nodes: (cell, label); node id = `max_net + 1 + index`.
    pub internal: Vec<(u32, &'static str)>,
    pub arcs: Vec<Arc>,
    pub starts: Vec<Start>,
    pub ends: Vec<End>,
    /// Clock domain names (top-level clock ports, or `derived:<net>`).
    pub domains: Vec<String>,
    domain_cache: HashMap<u32, usize>,
    /// Cell types the library does not know, with counts.
    pub unknown: BTreeMap<String, u64>,
    /// Remarks for the report (latches, inverted clocks, derived clocks).
    pub notes: BTreeMap<String, u64>,
}

/// Cell types that only buffer a clock (traced through when naming a domain).
const CLOCK_BUFFERS: &[&str] = &[
    "BUFG", "BUFGCTRL", "BUFGCE", "BUFGMUX", "BUFH", "BUFHCE", "BUFR", "BUFIO", "BUFMR", "IBUF",
    "IBUFG",
];

/// True for a cell type that only buffers a clock (no data arcs).
pub fn is_clock_buffer(ty: &str) -> bool {
    CLOCK_BUFFERS.contains(&ty)
}

impl<'a> Graph<'a> {
    pub fn new(nl: &'a Netlist, net: NetModel) -> Graph<'a> {
        let n = nl.max_net as usize + 1;
        let mut driver = vec![None; n];
        let mut fanout = vec![0u32; n];
        for (ci, c) in nl.cells.iter().enumerate() {
            for (pi, p) in c.pins.iter().enumerate() {
                for (bi, b) in p.bits.iter().enumerate() {
                    let Bit::Net(x) = *b else { continue };
                    match p.dir {
                        Dir::Out | Dir::InOut => {
                            driver[x as usize] = Some((idx32(ci), idx16(pi), idx16(bi)))
                        }
                        Dir::In => fanout[x as usize] += 1,
                    }
                }
            }
        }
        let mut port_bit = HashMap::new();
        for p in &nl.ports {
            if p.dir == Dir::Out {
                continue;
            }
            for (i, b) in p.bits.iter().enumerate() {
                if let Bit::Net(x) = *b {
                    let name = if p.bits.len() > 1 {
                        format!("{}[{i}]", p.name)
                    } else {
                        p.name.clone()
                    };
                    port_bit.insert(x, name);
                }
            }
        }
        Graph {
            nl,
            net,
            driver,
            fanout,
            port_bit,
            internal: Vec::new(),
            arcs: Vec::new(),
            starts: Vec::new(),
            ends: Vec::new(),
            domains: Vec::new(),
            domain_cache: HashMap::new(),
            unknown: BTreeMap::new(),
            notes: BTreeMap::new(),
        }
    }

    /// Number of nodes (nets + internal).
    pub fn node_count(&self) -> usize {
        self.nl.max_net as usize + 1 + self.internal.len()
    }

    /// True for a net node (false for an internal node).
    pub fn is_net(&self, node: u32) -> bool {
        node <= self.nl.max_net
    }

    /// A new internal node of `cell`.
    pub fn internal_node(&mut self, cell: u32, label: &'static str) -> u32 {
        self.internal.push((cell, label));
        self.nl.max_net + idx32(self.internal.len())
    }

    /// The driver (cell, pin, bit) of a net node.
    pub fn driver(&self, node: u32) -> Option<(u32, u16, u16)> {
        self.driver.get(node as usize).copied().flatten()
    }

    /// The clock domain of the net on pin `pin` of `cell` (traced back through clock buffers
    /// to a top-level port); `None` when the clock pin is constant or unconnected.
    pub fn domain_of(&mut self, cell: u32, pin: &str) -> Option<usize> {
        let c = &self.nl.cells[cell as usize];
        let mut n = c.net(pin, 0)?;
        if let Some(&d) = self.domain_cache.get(&n) {
            return Some(d);
        }
        let first = n;
        let inverted = c
            .param_u64(&format!("IS_{pin}_INVERTED"))
            .is_some_and(|v| v != 0);
        if inverted {
            *self
                .notes
                .entry("inverted clock pins (timed as rising edge)".into())
                .or_insert(0) += 1;
        }
        let name = loop {
            if let Some(p) = self.port_bit.get(&n) {
                break p.clone();
            }
            match self.driver(n) {
                Some((dc, _, _))
                    if CLOCK_BUFFERS.contains(&self.nl.cells[dc as usize].ty.as_str()) =>
                {
                    let d = &self.nl.cells[dc as usize];
                    match d.net("I", 0).or_else(|| d.net("I0", 0)) {
                        Some(m) => n = m,
                        None => break format!("derived:{}", self.nl.net_name(n)),
                    }
                }
                _ => {
                    *self
                        .notes
                        .entry("clock pins driven by logic (derived/gated clocks)".into())
                        .or_insert(0) += 1;
                    break format!("derived:{}", self.nl.net_name(n));
                }
            }
        };
        let d = match self.domains.iter().position(|x| *x == name) {
            Some(d) => d,
            None => {
                self.domains.push(name);
                self.domains.len() - 1
            }
        };
        self.domain_cache.insert(first, d);
        Some(d)
    }

    /// Routing delay from net `from` to input `pin` of `sink` (0 on dedicated connections).
    pub fn net_delay(&self, from: u32, sink: &Cell, pin: &str) -> f64 {
        if !self.is_net(from) {
            return 0.0;
        }
        let fo = self.fanout[from as usize];
        let Some((dc, dp, _)) = self.driver(from) else {
            return self.net.hop(fo);
        };
        let d = &self.nl.cells[dc as usize];
        let dpin = d.pins[dp as usize].name.as_str();
        let dty = d.ty.as_str();
        let sty = sink.ty.as_str();
        let is_lut = |t: &str| t.starts_with("LUT") || t == "INV";
        let dedicated = match (dty, dpin, sty, pin) {
            ("CARRY4", "CO", "CARRY4", "CI") => true,
            ("DSP48E1", dp, "DSP48E1", sp) => matches!(
                (dp, sp),
                ("PCOUT", "PCIN")
                    | ("ACOUT", "ACIN")
                    | ("BCOUT", "BCIN")
                    | ("CARRYCASCOUT", "CARRYCASCIN")
                    | ("MULTSIGNOUT", "MULTSIGNIN")
            ),
            (t, "O", "MUXF7", "I0" | "I1") if is_lut(t) => true,
            ("MUXF7", "O", "MUXF8", "I0" | "I1") => true,
            (dt, dp, st, sp) if dt.starts_with("RAMB") && st.starts_with("RAMB") => {
                dp.starts_with("CASCADEOUT") && sp.starts_with("CASCADEIN")
            }
            _ => false,
        };
        // The flip-flop and the carry chain of a slice take their LUT's output directly.
        let local = fo == 1
            && match (dty, sty, pin) {
                (t, "CARRY4", "S" | "DI") if is_lut(t) => true,
                (t, st, "D")
                    if st.starts_with("FD")
                        && (is_lut(t) || matches!(t, "MUXF7" | "MUXF8" | "CARRY4")) =>
                {
                    true
                }
                _ => false,
            };
        if dedicated || local {
            0.0
        } else {
            self.net.hop(fo)
        }
    }

    /// Index of pin `name` on `cell`.
    pub fn pin_index(&self, cell: u32, name: &str) -> Option<u16> {
        self.nl.cells[cell as usize]
            .pins
            .iter()
            .position(|p| p.name == name)
            .map(idx16)
    }

    /// Adds `cell`'s arc from bit `ib` of input `ipin` to node `to` (a net bit of an output,
    /// or an internal node), with delay `d`. No arc when the input bit is constant.
    pub fn arc_in(&mut self, cell: u32, ipin: &str, ib: usize, to: u32, to_pin: PinRef, d: &Param) {
        let c = &self.nl.cells[cell as usize];
        let (Some(from), Some(pi)) = (c.net(ipin, ib), self.pin_index(cell, ipin)) else {
            return;
        };
        let net_ns = self.net_delay(from, c, ipin);
        self.arcs.push(Arc {
            from,
            to,
            net_ns,
            cell_ns: d.ns,
            cell,
            from_pin: PinRef::Pin {
                pin: pi,
                bit: idx16(ib),
            },
            to_pin,
            param: d.name,
        });
    }

    /// Adds an arc between two internal/output nodes of one cell (no routing).
    pub fn arc_internal(
        &mut self,
        cell: u32,
        from: u32,
        from_pin: PinRef,
        to: u32,
        to_pin: PinRef,
        d: &Param,
    ) {
        self.arcs.push(Arc {
            from,
            to,
            net_ns: 0.0,
            cell_ns: d.ns,
            cell,
            from_pin,
            to_pin,
            param: d.name,
        });
    }

    /// A start point at `node` (clock-to-out `d`), clocked by `cell`'s pin `clock_pin`.
    pub fn start(&mut self, cell: u32, node: u32, pin: PinRef, clock_pin: &'static str, d: &Param) {
        let Some(domain) = self.domain_of(cell, clock_pin) else {
            return;
        };
        self.starts.push(Start {
            node,
            domain,
            cko_ns: d.ns,
            cell,
            pin,
            clock_pin,
            param: d.name,
        });
    }

    /// An end point at bit `ib` of input `ipin` (setup `d`), clocked by `clock_pin`.
    pub fn end_in(&mut self, cell: u32, ipin: &str, ib: usize, clock_pin: &str, d: &Param) {
        let c = &self.nl.cells[cell as usize];
        let (Some(from), Some(pi)) = (c.net(ipin, ib), self.pin_index(cell, ipin)) else {
            return;
        };
        let net_ns = self.net_delay(from, c, ipin);
        let Some(domain) = self.domain_of(cell, clock_pin) else {
            return;
        };
        self.ends.push(End {
            from,
            net_ns,
            setup_ns: d.ns,
            domain,
            cell,
            pin: PinRef::Pin {
                pin: pi,
                bit: idx16(ib),
            },
            param: d.name,
        });
    }

    /// An end point at an internal node (a DSP stage register), `d` includes its setup.
    pub fn end_internal(
        &mut self,
        cell: u32,
        from: u32,
        label: &'static str,
        clock_pin: &str,
        d: &Param,
    ) {
        let Some(domain) = self.domain_of(cell, clock_pin) else {
            return;
        };
        self.ends.push(End {
            from,
            net_ns: 0.0,
            setup_ns: d.ns,
            domain,
            cell,
            pin: PinRef::Internal(label),
            param: d.name,
        });
    }

    /// Counts a remark for the report.
    pub fn note(&mut self, what: &str) {
        *self.notes.entry(what.to_string()).or_insert(0) += 1;
    }

    /// Readable `pin[bit]` / internal label of a point on `cell`.
    pub fn pin_label(&self, cell: u32, p: PinRef) -> String {
        match p {
            PinRef::Internal(l) => l.to_string(),
            PinRef::Pin { pin, bit } => {
                let pn = &self.nl.cells[cell as usize].pins[pin as usize];
                if pn.bits.len() > 1 {
                    format!("{}[{bit}]", pn.name)
                } else {
                    pn.name.clone()
                }
            }
        }
    }

    /// Readable name of a node.
    pub fn node_name(&self, node: u32) -> String {
        if self.is_net(node) {
            self.nl.net_name(node)
        } else {
            let (c, l) = self.internal[(node - self.nl.max_net - 1) as usize];
            format!("{}/{l}", self.nl.cells[c as usize].name)
        }
    }
}

/// usize -> u32 for indices of a netlist (a netlist has far fewer than 2^32 cells/nets).
pub fn idx32(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

/// usize -> u16 for pin and bit indices (primitives have far fewer than 2^16 pins or bits).
pub fn idx16(i: usize) -> u16 {
    u16::try_from(i).unwrap_or(u16::MAX)
}
