//! DSP48E1 in the timing graph, by which of its pipeline registers are enabled.
//!
//! The slice has a few *sources* — the operand pins (A/ACIN, B/BCIN, D), the ALU-input pins
//! (C and the unregistered dynamic controls), the cascade input PCIN, and the internal
//! registers AREG/BREG/DREG, MREG, CREG — and a few *sinks* — the input registers (setup at
//! the pins), MREG, PREG, and the P/PCOUT pins when PREG is off. Each (source, sink) pair gets
//! the delay of its data-sheet row:
//!
//! | from \ to | MREG | PREG | P pin (no PREG) |
//! |---|---|---|---|
//! | A/B pin, multiplier | TDSPDCK_{A,B}_MREG_MULT 3.66 | (no MREG) TDSPDCK_{A,B}_PREG_MULT 5.89 | (no MREG) 5.62 derived |
//! | A/B pin, no multiplier | | TDSPDCK_C_PREG 2.11 | TDSPDO_C_P 1.84 |
//! | C pin | | TDSPDCK_C_PREG 2.11 | TDSPDO_C_P 1.84 |
//! | PCIN | | 1.81 derived | TDSPDO_PCIN_P 1.54 |
//! | AREG/BREG, multiplier | 1/FMAX 1.781 | (no MREG) 2 x 1/FMAX | (no MREG) 1/FMAX + TDSPCKO_P_MREG |
//! | AREG/BREG no multiplier, MREG, CREG | | 1/FMAX 1.781 | TDSPCKO_P_MREG 2.31 |
//!
//! PREG drives P and PCOUT at TDSPCKO_P_PREG. Internal registers start at 0 ns (their
//! clock-to-out is inside the stage figures). Cascade connections (PCOUT->PCIN,
//! ACOUT->ACIN, BCOUT->BCIN) are dedicated: no routing delay.

use super::delays as t;
use super::graph::{Graph, PinRef};
use super::netlist::{Bit, Cell};

const CLK: &str = "CLK";

fn reg(c: &Cell, name: &str) -> bool {
    c.param_u64(name).unwrap_or(0) != 0
}

/// Every connected bit index of pin `p`.
fn bits(c: &Cell, p: &str) -> Vec<usize> {
    c.pin(p)
        .map(|pin| {
            pin.bits
                .iter()
                .enumerate()
                .filter(|(_, b)| matches!(b, Bit::Net(_)))
                .map(|(i, _)| i)
                .collect()
        })
        .unwrap_or_default()
}

/// A wire inside the slice.
const ZERO: t::Param = t::Param {
    name: "(wire)",
    ns: 0.0,
    what: "a connection inside the cell",
    source: t::Source::Derived,
};

/// An internal register as a start point: its clock-to-out is part of the stage delays.
const REG: t::Param = t::Param {
    name: "(internal register)",
    ns: 0.0,
    what: "clock-to-out counted in the stage delay",
    source: t::Source::Derived,
};

/// The delays from one source to the MREG, PREG and P-pin sinks (`None`: no such path).
struct Row {
    node: u32,
    label: &'static str,
    to_mreg: Option<&'static t::Param>,
    to_preg: &'static t::Param,
    to_p: &'static t::Param,
}

/// Adds one DSP48E1.
pub fn dsp48e1(g: &mut Graph<'_>, cell: u32, c: &Cell) {
    let mult = !matches!(c.param_str("USE_MULT"), Some("NONE"));
    let dport = matches!(c.param_str("USE_DPORT"), Some("TRUE"));
    let (areg, breg) = (reg(c, "AREG"), reg(c, "BREG"));
    let dreg = reg(c, "DREG") || reg(c, "ADREG");
    let (creg, mreg, preg) = (reg(c, "CREG"), reg(c, "MREG"), reg(c, "PREG"));

    let j_ab = g.internal_node(cell, "A/B in");
    let s_ab = g.internal_node(cell, "AREG/BREG");
    let j_c = g.internal_node(cell, "C in");
    let j_pc = g.internal_node(cell, "PCIN");
    let s_m = g.internal_node(cell, "MREG");
    let s_c = g.internal_node(cell, "CREG");
    let (r_jab, r_sab) = (PinRef::Internal("A/B in"), PinRef::Internal("AREG/BREG"));
    let (r_jc, r_jpc) = (PinRef::Internal("C in"), PinRef::Internal("PCIN"));

    // Operand inputs: registered ones end at the pins, the others join `A/B in`.
    let mut any_in_reg = false;
    for (pins, has_reg, setup, extra) in [
        (&["A", "ACIN"][..], areg, &t::TDSPDCK_A_AREG, &ZERO),
        (&["B", "BCIN"][..], breg, &t::TDSPDCK_B_BREG, &ZERO),
        (&["D"][..], dreg, &t::TDSPDCK_A_AREG, &t::TDSP_PREADD),
    ] {
        if pins == ["D"] && !dport {
            continue;
        }
        for p in pins {
            for i in bits(c, p) {
                if has_reg {
                    any_in_reg = true;
                    g.end_in(cell, p, i, CLK, setup);
                } else {
                    g.arc_in(cell, p, i, j_ab, r_jab, extra);
                }
            }
        }
    }
    if any_in_reg {
        g.start(cell, s_ab, r_sab, CLK, &REG);
    }
    for (p, has_reg) in [("ACOUT", areg), ("BCOUT", breg)] {
        for i in bits(c, p) {
            let Some(o) = c.net(p, i) else { continue };
            let oref = super::cells::out_ref(g, cell, p, i);
            if has_reg {
                g.start(cell, o, oref, CLK, &t::TDSPCKO_CASC);
            } else {
                g.arc_internal(cell, j_ab, r_jab, o, oref, &ZERO);
            }
        }
    }
    // ALU-side inputs: C, and the dynamic controls that are not registered.
    for i in bits(c, "C") {
        if creg {
            g.end_in(cell, "C", i, CLK, &t::TDSPDCK_C_CREG);
        } else {
            g.arc_in(cell, "C", i, j_c, r_jc, &ZERO);
        }
    }
    if creg && !bits(c, "C").is_empty() {
        g.start(cell, s_c, PinRef::Internal("CREG"), CLK, &REG);
    }
    for (p, r, to_ab) in [
        ("OPMODE", "OPMODEREG", false),
        ("ALUMODE", "ALUMODEREG", false),
        ("CARRYINSEL", "CARRYINSELREG", false),
        ("CARRYIN", "CARRYINREG", false),
        ("INMODE", "INMODEREG", true),
    ] {
        for i in bits(c, p) {
            if reg(c, r) {
                g.end_in(cell, p, i, CLK, &t::TDSPDCK_CTRL);
            } else if to_ab {
                g.arc_in(cell, p, i, j_ab, r_jab, &ZERO);
            } else {
                g.arc_in(cell, p, i, j_c, r_jc, &ZERO);
            }
        }
    }
    for p in ["PCIN", "CARRYCASCIN", "MULTSIGNIN"] {
        for i in bits(c, p) {
            g.arc_in(cell, p, i, j_pc, r_jpc, &ZERO);
        }
    }
    let names: Vec<String> = c.pins.iter().map(|p| p.name.clone()).collect();
    for p in names {
        let d = if p.starts_with("CE") {
            &t::TDSPDCK_CE
        } else if p.starts_with("RST") {
            &t::TDSPDCK_RST
        } else {
            continue;
        };
        for i in bits(c, &p) {
            g.end_in(cell, &p, i, CLK, d);
        }
    }

    // The (source, sink) delays.
    let mut rows = vec![
        Row {
            node: j_c,
            label: "C in",
            to_mreg: None,
            to_preg: &t::TDSPDCK_C_PREG,
            to_p: &t::TDSPDO_C_P,
        },
        Row {
            node: j_pc,
            label: "PCIN",
            to_mreg: None,
            to_preg: &t::TDSP_PCIN_PREG,
            to_p: &t::TDSPDO_PCIN_P,
        },
        Row {
            node: s_c,
            label: "CREG",
            to_mreg: None,
            to_preg: &t::TDSP_STAGE,
            to_p: &t::TDSP_REG_P,
        },
    ];
    if mult {
        rows.push(Row {
            node: j_ab,
            label: "A/B in",
            to_mreg: Some(&t::TDSPDCK_AB_MREG_MULT),
            to_preg: &t::TDSPDCK_AB_PREG_MULT,
            to_p: &t::TDSP_AB_P,
        });
        rows.push(Row {
            node: s_ab,
            label: "AREG/BREG",
            to_mreg: Some(&t::TDSP_STAGE),
            to_preg: &t::TDSP_REG_PREG_MULT,
            to_p: &t::TDSP_REG_P_MULT,
        });
    } else {
        rows.push(Row {
            node: j_ab,
            label: "A/B in",
            to_mreg: None,
            to_preg: &t::TDSPDCK_C_PREG,
            to_p: &t::TDSPDO_C_P,
        });
        rows.push(Row {
            node: s_ab,
            label: "AREG/BREG",
            to_mreg: None,
            to_preg: &t::TDSP_STAGE,
            to_p: &t::TDSP_REG_P,
        });
    }
    if mult && mreg {
        // Operands stop at MREG; MREG feeds the ALU.
        for r in &rows {
            if let Some(d) = r.to_mreg {
                g.end_internal(cell, r.node, "MREG", CLK, d);
            }
        }
        rows.retain(|r| r.to_mreg.is_none());
        g.start(cell, s_m, PinRef::Internal("MREG"), CLK, &REG);
        rows.push(Row {
            node: s_m,
            label: "MREG",
            to_mreg: None,
            to_preg: &t::TDSP_STAGE,
            to_p: &t::TDSP_REG_P,
        });
    }
    let outs = [
        "P",
        "PCOUT",
        "CARRYOUT",
        "CARRYCASCOUT",
        "MULTSIGNOUT",
        "OVERFLOW",
        "UNDERFLOW",
        "PATTERNDETECT",
        "PATTERNBDETECT",
    ];
    if preg {
        for r in &rows {
            g.end_internal(cell, r.node, "PREG", CLK, r.to_preg);
        }
    }
    for p in outs {
        for i in bits(c, p) {
            let Some(o) = c.net(p, i) else { continue };
            let oref = super::cells::out_ref(g, cell, p, i);
            if preg {
                g.start(cell, o, oref, CLK, &t::TDSPCKO_P_PREG);
            } else {
                for r in &rows {
                    g.arc_internal(cell, r.node, PinRef::Internal(r.label), o, oref, r.to_p);
                }
            }
        }
    }
}
