//! The technology-mapped netlist as yosys `write_json` writes it (flattened: one module of
//! primitives), reduced to what timing needs: cells with typed pins, parameters, nets and a
//! readable name per net bit.

use std::collections::{BTreeMap, HashMap};
use std::io::Read;

use super::TimingError;

/// One bit of a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Bit {
    /// A net (yosys bit number).
    Net(u32),
    /// Constant 0 or 1, or undefined (`x`/`z`): no timing node.
    Const,
}

/// Pin direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dir {
    In,
    Out,
    InOut,
}

/// A cell pin: its name, direction and bits (bit 0 first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pin {
    pub name: String,
    pub dir: Dir,
    pub bits: Vec<Bit>,
}

/// A cell: instance name, type (LUT6, FDRE, ...), parameters, pins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    pub name: String,
    pub ty: String,
    /// Parameter values as yosys writes them (bit strings MSB first, or text).
    pub params: BTreeMap<String, String>,
    pub pins: Vec<Pin>,
}

impl Cell {
    /// The pin called `name`.
    pub fn pin(&self, name: &str) -> Option<&Pin> {
        self.pins.iter().find(|p| p.name == name)
    }
    /// Bit `i` of pin `name`, when it is a net.
    pub fn net(&self, name: &str, i: usize) -> Option<u32> {
        match self.pin(name)?.bits.get(i)? {
            Bit::Net(n) => Some(*n),
            Bit::Const => None,
        }
    }
    /// A numeric parameter (bit string or decimal), `x`/`z` bits read as 0.
    pub fn param_u64(&self, name: &str) -> Option<u64> {
        let v = self.params.get(name)?.trim();
        if !v.is_empty() && v.chars().all(|c| matches!(c, '0' | '1' | 'x' | 'z')) {
            let mut x: u64 = 0;
            for c in v
                .chars()
                .rev()
                .take(64)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
            {
                x = (x << 1) | u64::from(c == '1');
            }
            return Some(x);
        }
        v.parse().ok()
    }
    /// A text parameter (`"MULTIPLY"`, `"SDP"`, ...), trimmed.
    pub fn param_str(&self, name: &str) -> Option<&str> {
        self.params.get(name).map(|s| s.trim())
    }
}

/// A top-level port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Port {
    pub name: String,
    pub dir: Dir,
    pub bits: Vec<Bit>,
}

/// The flattened netlist of one module.
#[derive(Debug, Clone, Default)]
pub struct Netlist {
    pub module: String,
    pub ports: Vec<Port>,
    pub cells: Vec<Cell>,
    /// Readable name of each named net bit (`signal[3]`), preferring public names.
    pub names: HashMap<u32, String>,
    /// Largest net number used (nodes are numbered 0..=max_net).
    pub max_net: u32,
}

impl Netlist {
    /// The readable name of a net bit (or `net#N`).
    pub fn net_name(&self, n: u32) -> String {
        self.names
            .get(&n)
            .cloned()
            .unwrap_or_else(|| format!("net#{n}"))
    }
}

// ------------------------------------------------------------------ JSON shape

#[derive(serde::Deserialize)]
struct JFile {
    modules: BTreeMap<String, JModule>,
}

#[derive(serde::Deserialize, Default)]
struct JModule {
    #[serde(default)]
    attributes: BTreeMap<String, serde_json::Value>,
    #[serde(default)]
    ports: BTreeMap<String, JPort>,
    #[serde(default)]
    cells: BTreeMap<String, JCell>,
    #[serde(default)]
    netnames: BTreeMap<String, JNet>,
}

#[derive(serde::Deserialize)]
struct JPort {
    direction: String,
    bits: Vec<serde_json::Value>,
}

#[derive(serde::Deserialize)]
struct JCell {
    #[serde(rename = "type")]
    ty: String,
    #[serde(default)]
    parameters: BTreeMap<String, serde_json::Value>,
    #[serde(default)]
    port_directions: BTreeMap<String, String>,
    #[serde(default)]
    connections: BTreeMap<String, Vec<serde_json::Value>>,
}

#[derive(serde::Deserialize)]
struct JNet {
    #[serde(default)]
    hide_name: u8,
    bits: Vec<serde_json::Value>,
}

fn bit(v: &serde_json::Value, what: &str) -> Result<Bit, TimingError> {
    match v {
        serde_json::Value::Number(n) => n
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .map(Bit::Net)
            .ok_or_else(|| TimingError::Netlist(format!("{what}: bad net number {n}"))),
        serde_json::Value::String(s) if matches!(s.as_str(), "0" | "1" | "x" | "z") => {
            Ok(Bit::Const)
        }
        other => Err(TimingError::Netlist(format!("{what}: bad bit {other}"))),
    }
}

fn dir(s: &str, what: &str) -> Result<Dir, TimingError> {
    match s {
        "input" => Ok(Dir::In),
        "output" => Ok(Dir::Out),
        "inout" => Ok(Dir::InOut),
        _ => Err(TimingError::Netlist(format!("{what}: direction `{s}`"))),
    }
}

impl Netlist {
    /// Reads module `top` (or the only module marked `top`) of a yosys JSON netlist.
    /// `out_pin` names the output pins of cell types whose JSON carries no
    /// `port_directions` (the timing library knows them).
    pub fn from_json(
        r: impl Read,
        top: &str,
        out_pin: impl Fn(&str, &str) -> bool,
    ) -> Result<Netlist, TimingError> {
        let f: JFile = serde_json::from_reader(std::io::BufReader::new(r))
            .map_err(|e| TimingError::Netlist(format!("JSON: {e}")))?;
        let (name, m) = f
            .modules
            .into_iter()
            .find(|(n, m)| n == top || m.attributes.contains_key("top") && top.is_empty())
            .ok_or_else(|| TimingError::Netlist(format!("no module `{top}` in the netlist")))?;
        let mut nl = Netlist {
            module: name,
            ..Netlist::default()
        };
        let mut max = 0u32;
        let mut note = |b: &Bit| {
            if let Bit::Net(n) = b {
                max = max.max(*n);
            }
        };
        for (pname, p) in m.ports {
            let bits = p
                .bits
                .iter()
                .map(|v| bit(v, &pname))
                .collect::<Result<Vec<_>, _>>()?;
            bits.iter().for_each(&mut note);
            nl.ports.push(Port {
                dir: dir(&p.direction, &pname)?,
                name: pname,
                bits,
            });
        }
        for (cname, c) in m.cells {
            let mut pins = Vec::with_capacity(c.connections.len());
            for (pn, bits) in c.connections {
                let what = format!("cell {cname} pin {pn}");
                let bits = bits
                    .iter()
                    .map(|v| bit(v, &what))
                    .collect::<Result<Vec<_>, _>>()?;
                bits.iter().for_each(&mut note);
                let d = match c.port_directions.get(&pn) {
                    Some(s) => dir(s, &what)?,
                    None if out_pin(&c.ty, &pn) => Dir::Out,
                    None => Dir::In,
                };
                pins.push(Pin {
                    name: pn,
                    dir: d,
                    bits,
                });
            }
            let params = c
                .parameters
                .into_iter()
                .map(|(k, v)| {
                    let s = match v {
                        serde_json::Value::String(s) => s,
                        other => other.to_string(),
                    };
                    (k, s)
                })
                .collect();
            nl.cells.push(Cell {
                name: cname,
                ty: c.ty,
                params,
                pins,
            });
        }
        // Net names: public names first, then the shortest.
        let mut best: HashMap<u32, (bool, String)> = HashMap::new();
        for (nname, n) in m.netnames {
            let public = n.hide_name == 0;
            let width = n.bits.len();
            for (i, v) in n.bits.iter().enumerate() {
                let Ok(Bit::Net(b)) = bit(v, &nname) else {
                    continue;
                };
                let label = if width > 1 {
                    format!("{nname}[{i}]")
                } else {
                    nname.clone()
                };
                let better = match best.get(&b) {
                    None => true,
                    Some((p, l)) => (public && !p) || (public == *p && label.len() < l.len()),
                };
                if better {
                    best.insert(b, (public, label));
                }
            }
        }
        nl.names = best.into_iter().map(|(b, (_, l))| (b, l)).collect();
        nl.max_net = max;
        Ok(nl)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = r#"{"creator":"test","modules":{
      "LUT2":{"attributes":{"blackbox":"1"},"ports":{},"cells":{},"netnames":{}},
      "top":{"attributes":{"top":"1"},
        "ports":{"clock":{"direction":"input","bits":[2]},"q":{"direction":"output","bits":[4]}},
        "cells":{
          "ff":{"hide_name":0,"type":"FDRE","parameters":{"INIT":"0"},
                "connections":{"C":[2],"CE":["1"],"D":[3],"Q":[4],"R":["0"]}},
          "lut":{"hide_name":1,"type":"LUT2","parameters":{"INIT":"0110"},
                "port_directions":{"I0":"input","I1":"input","O":"output"},
                "connections":{"I0":[4],"I1":["x"],"O":[3]}}},
        "netnames":{"$auto$1":{"hide_name":1,"bits":[3]},"q":{"hide_name":0,"bits":[4]},
                    "state":{"hide_name":0,"bits":[3,4]}}}}}"#;

    #[test]
    fn reads_cells_pins_and_names() {
        let nl =
            Netlist::from_json(SMALL.as_bytes(), "top", |ty, p| ty == "FDRE" && p == "Q").unwrap();
        assert_eq!(nl.module, "top");
        assert_eq!(nl.cells.len(), 2);
        assert_eq!(nl.max_net, 4);
        let ff = nl.cells.iter().find(|c| c.ty == "FDRE").unwrap();
        assert_eq!(ff.pin("Q").unwrap().dir, Dir::Out);
        assert_eq!(ff.pin("D").unwrap().dir, Dir::In);
        assert_eq!(ff.net("CE", 0), None);
        assert_eq!(ff.net("D", 0), Some(3));
        let lut = nl.cells.iter().find(|c| c.ty == "LUT2").unwrap();
        assert_eq!(lut.param_u64("INIT"), Some(6));
        assert_eq!(lut.pin("I1").unwrap().bits, vec![Bit::Const]);
        // Public names win over `$auto` ones; the shorter public name wins.
        assert_eq!(nl.net_name(3), "state[0]");
        assert_eq!(nl.net_name(4), "q");
        assert_eq!(nl.net_name(99), "net#99");
    }

    #[test]
    fn errors_are_typed() {
        assert!(matches!(
            Netlist::from_json("{".as_bytes(), "top", |_, _| false),
            Err(TimingError::Netlist(_))
        ));
        assert!(matches!(
            Netlist::from_json(SMALL.as_bytes(), "other", |_, _| false),
            Err(TimingError::Netlist(_))
        ));
        let bad = SMALL.replace("\"D\":[3]", "\"D\":[-3]");
        assert!(matches!(
            Netlist::from_json(bad.as_bytes(), "top", |_, _| false),
            Err(TimingError::Netlist(_))
        ));
    }
}
