//! The cell library: what each 7-series primitive contributes to the timing graph (arcs,
//! start points, end points), with the delays of `delays.rs`.

use super::delays as t;
use super::graph::{idx32, Graph, PinRef};
use super::netlist::{Bit, Cell, Dir};

/// Output pins of the primitives the library knows, for netlists whose JSON carries no
/// `port_directions` for a cell (yosys writes them when the cell library is loaded).
pub fn is_output_pin(ty: &str, pin: &str) -> bool {
    match ty {
        t if t.starts_with("LUT") || t == "INV" || t.starts_with("MUXF") => pin == "O",
        "CARRY4" => pin == "O" || pin == "CO",
        t if t.starts_with("FD") || t.starts_with("LD") => pin == "Q",
        t if t.starts_with("SRL") => pin.starts_with('Q'),
        t if t.starts_with("RAMB") => {
            pin.starts_with("DO")
                || pin.starts_with("CASCADEOUT")
                || pin.ends_with("BITERR")
                || pin == "ECCPARITY"
                || pin == "RDADDRECC"
        }
        t if t.starts_with("RAM") => {
            pin.starts_with("DO") || pin == "O" || pin == "SPO" || pin == "DPO"
        }
        "DSP48E1" => matches!(
            pin,
            "P" | "PCOUT"
                | "ACOUT"
                | "BCOUT"
                | "CARRYOUT"
                | "CARRYCASCOUT"
                | "MULTSIGNOUT"
                | "OVERFLOW"
                | "UNDERFLOW"
                | "PATTERNDETECT"
                | "PATTERNBDETECT"
        ),
        t if t.starts_with("BUF") || t.starts_with("IBUF") || t.starts_with("OBUF") => pin == "O",
        _ => false,
    }
}

/// Adds cell `ci` to the graph.
pub fn add_cell(g: &mut Graph<'_>, ci: usize) {
    let nl = g.nl;
    let c = &nl.cells[ci];
    let cell = idx32(ci);
    let ty = c.ty.as_str();
    match ty {
        "LUT1" | "LUT2" | "LUT3" | "LUT4" | "LUT5" | "LUT6" | "INV" => {
            comb_all(g, cell, c, &t::TILO)
        }
        "MUXF7" | "MUXF8" => {
            let (di, s) = if ty == "MUXF7" {
                (&t::TIF7, &t::TSF7)
            } else {
                (&t::TIF8, &t::TSF8)
            };
            if let Some(o) = c.net("O", 0) {
                let op = out_ref(g, cell, "O", 0);
                g.arc_in(cell, "I0", 0, o, op, di);
                g.arc_in(cell, "I1", 0, o, op, di);
                g.arc_in(cell, "S", 0, o, op, s);
            }
        }
        "CARRY4" => carry4(g, cell, c),
        "FDRE" | "FDSE" | "FDCE" | "FDPE" | "FDRE_1" | "FDSE_1" | "FDCE_1" | "FDPE_1" => {
            if ty.ends_with("_1") {
                g.note("falling-edge flip-flops (timed as rising edge)");
            }
            flop(g, cell, c, "C");
        }
        "LDCE" | "LDPE" | "LDCE_1" | "LDPE_1" => {
            g.note("latches (timed as edge-triggered on G, transparency not modelled)");
            flop(g, cell, c, "G");
        }
        "SRL16E" | "SRLC16E" | "SRLC32E" => srl(g, cell, c),
        "RAMB18E1" | "RAMB36E1" => bram(g, cell, c),
        "DSP48E1" => super::dsp::dsp48e1(g, cell, c),
        t if t.starts_with("RAM") => lutram(g, cell, c),
        t if super::graph::is_clock_buffer(t) => {}
        "GND" | "VCC" => {}
        _ => {
            *g.unknown.entry(ty.to_string()).or_insert(0) += 1;
            comb_all(g, cell, c, &t::TUNKNOWN);
        }
    }
}

/// `PinRef` of output `pin` bit `b`.
pub fn out_ref(g: &Graph<'_>, cell: u32, pin: &str, b: usize) -> PinRef {
    PinRef::Pin {
        pin: g.pin_index(cell, pin).unwrap_or(u16::MAX),
        bit: super::graph::idx16(b),
    }
}

/// Every input bit to every output bit, delay `d`.
fn comb_all(g: &mut Graph<'_>, cell: u32, c: &Cell, d: &t::Param) {
    let outs: Vec<(String, usize, u32)> = net_bits(c, Dir::Out);
    let ins: Vec<(String, usize, u32)> = net_bits(c, Dir::In);
    for (op, ob, o) in &outs {
        let oref = out_ref(g, cell, op, *ob);
        for (ip, ib, _) in &ins {
            g.arc_in(cell, ip, *ib, *o, oref, d);
        }
    }
}

/// (pin, bit, net) of every net bit of direction `dir`.
pub fn net_bits(c: &Cell, dir: Dir) -> Vec<(String, usize, u32)> {
    let mut v = Vec::new();
    for p in c.pins.iter().filter(|p| p.dir == dir) {
        for (i, b) in p.bits.iter().enumerate() {
            if let Bit::Net(n) = b {
                v.push((p.name.clone(), i, *n));
            }
        }
    }
    v
}

fn carry4(g: &mut Graph<'_>, cell: u32, c: &Cell) {
    for (opin, k) in (0..4).flat_map(|k| [("CO", k), ("O", k)]) {
        let Some(o) = c.net(opin, k) else { continue };
        let oref = out_ref(g, cell, opin, k);
        let co = opin == "CO";
        g.arc_in(
            cell,
            "CI",
            0,
            o,
            oref,
            if co { &t::TBYP } else { &t::TCINO },
        );
        g.arc_in(cell, "CYINIT", 0, o, oref, &t::TCYINIT);
        for i in 0..=k {
            g.arc_in(cell, "S", i, o, oref, if co { &t::TOPCY } else { &t::TOPO });
            if co {
                g.arc_in(cell, "DI", i, o, oref, &t::TDICY);
            } else if i < k {
                g.arc_in(cell, "DI", i, o, oref, &t::TDIO);
            }
        }
    }
}

fn flop(g: &mut Graph<'_>, cell: u32, c: &Cell, clk: &'static str) {
    if let Some(q) = c.net("Q", 0) {
        let qref = out_ref(g, cell, "Q", 0);
        g.start(cell, q, qref, clk, &t::TCKO);
    }
    g.end_in(cell, "D", 0, clk, &t::TDICK);
    for ce in ["CE", "GE"] {
        g.end_in(cell, ce, 0, clk, &t::TCECK);
    }
    for sr in ["R", "S"] {
        g.end_in(cell, sr, 0, clk, &t::TSRCK);
    }
    for a in ["CLR", "PRE"] {
        g.end_in(cell, a, 0, clk, &t::TRECCK);
    }
}

fn srl(g: &mut Graph<'_>, cell: u32, c: &Cell) {
    let outs = net_bits(c, Dir::Out);
    for (op, ob, o) in &outs {
        let oref = out_ref(g, cell, op, *ob);
        g.start(cell, *o, oref, "CLK", &t::TREG_SRL);
        for p in c
            .pins
            .iter()
            .filter(|p| p.dir == Dir::In && p.name.starts_with('A'))
        {
            for i in 0..p.bits.len() {
                g.arc_in(cell, &p.name, i, *o, oref, &t::TILO);
            }
        }
    }
    g.end_in(cell, "D", 0, "CLK", &t::TDS_SRL);
    g.end_in(cell, "CE", 0, "CLK", &t::TDS_SRL);
}

/// LUT-RAM (RAM32M, RAM64M, RAM64X1D, RAM128X1D, RAM*X1S, ...): reads are combinational from
/// the address pins; writes are synchronous to WCLK (data, write enable, write address are end
/// points); the outputs also change after a write (start points at TSHCKO).
fn lutram(g: &mut Graph<'_>, cell: u32, c: &Cell) {
    let clk: &'static str = if c.pin("WCLK").is_some() {
        "WCLK"
    } else {
        "CLK"
    };
    let outs = net_bits(c, Dir::Out);
    let ins: Vec<(String, usize, u32)> = net_bits(c, Dir::In)
        .into_iter()
        .filter(|(p, _, _)| p != clk)
        .collect();
    let is_addr = |p: &str| {
        p.starts_with("ADDR")
            || p.starts_with("DPRA")
            || p.starts_with("RADR")
            || p.starts_with("WADR")
            || (p.starts_with('A') && p[1..].chars().all(|ch| ch.is_ascii_digit()))
    };
    let is_read_only = |p: &str| {
        p.starts_with("DPRA")
            || p.starts_with("RADR")
            || matches!(p, "ADDRA" | "ADDRB" | "ADDRC" | "ADDRE" | "ADDRF" | "ADDRG")
    };
    for (op, ob, o) in &outs {
        let oref = out_ref(g, cell, op, *ob);
        g.start(cell, *o, oref, clk, &t::TSHCKO);
        for (ip, ib, _) in ins
            .iter()
            .filter(|(p, _, _)| is_addr(p) && !p.starts_with("WADR"))
        {
            g.arc_in(cell, ip, *ib, *o, oref, &t::TILO);
        }
    }
    for (ip, ib, _) in ins.iter().filter(|(p, _, _)| !is_read_only(p)) {
        g.end_in(cell, ip, *ib, clk, &t::TDS_LRAM);
    }
}

/// RAMB18E1 / RAMB36E1. Port A pins are clocked by CLKARDCLK, port B pins by CLKBWRCLK; in
/// simple dual-port mode (RAM_MODE = SDP) all data outputs belong to the read clock
/// (CLKARDCLK) and all data inputs to the write clock (CLKBWRCLK).
fn bram(g: &mut Graph<'_>, cell: u32, c: &Cell) {
    let sdp = c.param_str("RAM_MODE") == Some("SDP");
    let reg_a = c.param_u64("DOA_REG").unwrap_or(0) != 0;
    let reg_b = c.param_u64("DOB_REG").unwrap_or(0) != 0;
    const CA: &str = "CLKARDCLK";
    const CB: &str = "CLKBWRCLK";
    for p in &c.pins {
        let n = p.name.as_str();
        if n == CA || n == CB {
            continue;
        }
        let side_a = port_letter(n) == Some('A');
        let (clk, d): (&'static str, &t::Param) = if p.dir == Dir::Out {
            let data = n.starts_with("DO") || n.starts_with("CASCADEOUT");
            let clk = if n == "ECCPARITY" {
                CB
            } else if sdp || side_a || !data {
                CA
            } else {
                CB
            };
            let reg = if sdp {
                reg_a || reg_b
            } else if side_a {
                reg_a
            } else {
                reg_b
            };
            (
                clk,
                if reg && data {
                    &t::TRCKO_DO_REG
                } else {
                    &t::TRCKO_DO
                },
            )
        } else {
            let data_in =
                n.starts_with("DI") || n.starts_with("CASCADEIN") || n.starts_with("INJECT");
            // ECC error injection belongs to the write side; SDP data inputs to the write clock.
            let clk = if n.starts_with("INJECT") || (sdp && data_in) || port_letter(n) == Some('B')
            {
                CB
            } else {
                CA
            };
            let d = if n.starts_with("ADDR") {
                &t::TRCCK_ADDR
            } else if data_in {
                &t::TRDCK_DI
            } else if n.starts_with("WE") {
                &t::TRCCK_WE
            } else if n.starts_with("EN") {
                &t::TRCCK_EN
            } else {
                &t::TRCCK_CTRL
            };
            (clk, d)
        };
        for (i, b) in p.bits.iter().enumerate() {
            let Bit::Net(x) = *b else { continue };
            if p.dir == Dir::Out {
                let oref = out_ref(g, cell, n, i);
                g.start(cell, x, oref, clk, d);
            } else {
                g.end_in(cell, n, i, clk, d);
            }
        }
    }
}

/// The port letter of a block RAM pin (`ADDRARDADDR` -> A, `WEBWE` -> B, `DOPADOP` -> A).
fn port_letter(n: &str) -> Option<char> {
    for pre in [
        "ADDR",
        "EN",
        "REGCE",
        "RSTRAM",
        "RSTREG",
        "WE",
        "DOP",
        "DIP",
        "DO",
        "DI",
        "CASCADEOUT",
        "CASCADEIN",
    ] {
        if let Some(rest) = n.strip_prefix(pre) {
            return rest.chars().next().filter(|c| *c == 'A' || *c == 'B');
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bram_port_letters() {
        assert_eq!(port_letter("ADDRARDADDR"), Some('A'));
        assert_eq!(port_letter("ADDRBWRADDR"), Some('B'));
        assert_eq!(port_letter("DOPADOP"), Some('A'));
        assert_eq!(port_letter("DOBDO"), Some('B'));
        assert_eq!(port_letter("WEBWE"), Some('B'));
        assert_eq!(port_letter("ENARDEN"), Some('A'));
        assert_eq!(port_letter("REGCEB"), Some('B'));
        assert_eq!(port_letter("RSTREGARSTREG"), Some('A'));
        assert_eq!(port_letter("ECCPARITY"), None);
    }

    #[test]
    fn output_pins() {
        assert!(is_output_pin("LUT6", "O"));
        assert!(!is_output_pin("LUT6", "I5"));
        assert!(is_output_pin("CARRY4", "CO"));
        assert!(is_output_pin("FDRE", "Q"));
        assert!(is_output_pin("SRLC32E", "Q31"));
        assert!(is_output_pin("RAMB36E1", "DOADO"));
        assert!(!is_output_pin("RAMB36E1", "DIADI"));
        assert!(is_output_pin("RAM64M", "DOD"));
        assert!(is_output_pin("DSP48E1", "PCOUT"));
        assert!(!is_output_pin("DSP48E1", "PCIN"));
    }
}
