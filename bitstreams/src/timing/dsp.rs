//! DSP48E1 in the timing graph, by which of its pipeline registers are enabled.
//!
//! The slice is modelled as three internal points: `AB` (the multiplier operand, after the
//! optional A/B/D input registers), `ALU` (the ALU input: multiplier output, C, after the
//! optional MREG/CREG) and `PC` (the PCIN cascade input). Data-sheet rows map onto it:
//!
//! | path | registers | delay |
//! |---|---|---|
//! | A/B pin -> input register | AREG/BREG >= 1 | setup TDSPDCK_A_AREG / TDSPDCK_B_BREG |
//! | AB -> MREG | MREG = 1 | setup TDSPDCK_{A,B}_MREG_MULT |
//! | AB -> ALU | MREG = 0 | TDSPDCK_{A,B}_PREG_MULT - TDSPDCK_C_PREG (derived) |
//! | ALU -> PREG | PREG = 1 | setup TDSPDCK_C_PREG |
//! | ALU -> P pin | PREG = 0 | TDSPDO_C_P |
//! | PCIN -> PREG / P | | derived / TDSPDO_PCIN_P |
//! | PREG -> P, PCOUT | PREG = 1 | TDSPCKO_P_PREG |
//! | input register, MREG -> next stage | | TDSPCKO_P_MREG - TDSPDO_C_P (derived) |
//!
//! So A (no input register) -> P register through the multiplier is exactly
//! TDSPDCK_{A,B}_PREG_MULT, and MREG -> P pin (no PREG) is exactly TDSPCKO_P_MREG.
//! Cascade connections (PCOUT->PCIN, ACOUT->ACIN, BCOUT->BCIN) are dedicated: no routing.

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

/// Adds one DSP48E1.
pub fn dsp48e1(g: &mut Graph<'_>, cell: u32, c: &Cell) {
    let mult = !matches!(c.param_str("USE_MULT"), Some("NONE"));
    let dport = matches!(c.param_str("USE_DPORT"), Some("TRUE"));
    let (areg, breg, dreg) = (
        reg(c, "AREG"),
        reg(c, "BREG"),
        reg(c, "DREG") || reg(c, "ADREG"),
    );
    let (creg, mreg, preg) = (reg(c, "CREG"), reg(c, "MREG"), reg(c, "PREG"));
    let ab = g.internal_node(cell, "AB");
    let alu = g.internal_node(cell, "ALU");
    let pc = g.internal_node(cell, "PC");
    let (r_ab, r_alu, r_pc) = (
        PinRef::Internal("AB"),
        PinRef::Internal("ALU"),
        PinRef::Internal("PC"),
    );

    // Input stage: A/ACIN, B/BCIN, D.
    for (pins, has_reg, setup, via) in [
        (["A", "ACIN"], areg, &t::TDSPDCK_A_AREG, &t::TDSP_INT_CKO),
        (["B", "BCIN"], breg, &t::TDSPDCK_B_BREG, &t::TDSP_INT_CKO),
    ] {
        for p in pins {
            for i in bits(c, p) {
                if has_reg {
                    g.end_in(cell, p, i, CLK, setup);
                } else {
                    g.arc_in(cell, p, i, ab, r_ab, &ZERO);
                }
            }
        }
        if has_reg {
            g.start(cell, ab, r_ab, CLK, via);
        }
    }
    if dport {
        for i in bits(c, "D") {
            if dreg {
                g.end_in(cell, "D", i, CLK, &t::TDSPDCK_A_AREG);
            } else {
                g.arc_in(cell, "D", i, ab, r_ab, &t::TDSP_PREADD);
            }
        }
        if dreg {
            g.start(cell, ab, r_ab, CLK, &t::TDSP_INT_CKO);
        }
    }
    // A/B cascade outputs: from the input registers, or straight through.
    for (p, has_reg) in [("ACOUT", areg), ("BCOUT", breg)] {
        for i in bits(c, p) {
            let Some(o) = c.net(p, i) else { continue };
            let oref = super::cells::out_ref(g, cell, p, i);
            if has_reg {
                g.start(cell, o, oref, CLK, &t::TDSP_INT_CKO);
            } else {
                g.arc_internal(cell, ab, r_ab, o, oref, &ZERO);
            }
        }
    }
    // Multiplier stage.
    if mult {
        if mreg {
            g.end_internal(cell, ab, "MREG", CLK, &t::TDSPDCK_AB_MREG_MULT);
            g.start(cell, alu, PinRef::Internal("MREG"), CLK, &t::TDSP_INT_CKO);
        } else {
            g.arc_internal(cell, ab, r_ab, alu, r_alu, &t::TDSP_MUL_ALU);
        }
    } else {
        g.arc_internal(cell, ab, r_ab, alu, r_alu, &ZERO);
    }
    // C into the ALU.
    for i in bits(c, "C") {
        if creg {
            g.end_in(cell, "C", i, CLK, &t::TDSPDCK_C_CREG);
        } else {
            g.arc_in(cell, "C", i, alu, r_alu, &ZERO);
        }
    }
    if creg && !bits(c, "C").is_empty() {
        g.start(cell, alu, PinRef::Internal("CREG"), CLK, &t::TDSP_INT_CKO);
    }
    // Cascade inputs.
    for p in ["PCIN", "CARRYCASCIN", "MULTSIGNIN"] {
        for i in bits(c, p) {
            g.arc_in(cell, p, i, pc, r_pc, &ZERO);
        }
    }
    // Dynamic control inputs: registered ones are end points, the others feed the stage they
    // steer (INMODE the operand stage, the rest the ALU).
    for (p, r, stage, sref) in [
        ("OPMODE", "OPMODEREG", alu, r_alu),
        ("ALUMODE", "ALUMODEREG", alu, r_alu),
        ("CARRYINSEL", "CARRYINSELREG", alu, r_alu),
        ("CARRYIN", "CARRYINREG", alu, r_alu),
        ("INMODE", "INMODEREG", ab, r_ab),
    ] {
        for i in bits(c, p) {
            if reg(c, r) {
                g.end_in(cell, p, i, CLK, &t::TDSPDCK_CTRL);
            } else {
                g.arc_in(cell, p, i, stage, sref, &ZERO);
            }
        }
    }
    // Clock enables and resets.
    for p in c.pins.iter().map(|p| p.name.clone()).collect::<Vec<_>>() {
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
    // Output stage.
    if preg {
        g.end_internal(cell, alu, "PREG", CLK, &t::TDSP_ALU_PREG);
        g.end_internal(cell, pc, "PREG", CLK, &t::TDSP_PCIN_PREG);
    }
    for p in [
        "P",
        "PCOUT",
        "CARRYOUT",
        "CARRYCASCOUT",
        "MULTSIGNOUT",
        "OVERFLOW",
        "UNDERFLOW",
        "PATTERNDETECT",
        "PATTERNBDETECT",
    ] {
        for i in bits(c, p) {
            let Some(o) = c.net(p, i) else { continue };
            let oref = super::cells::out_ref(g, cell, p, i);
            if preg {
                g.start(cell, o, oref, CLK, &t::TDSPCKO_P_PREG);
            } else {
                g.arc_internal(cell, alu, r_alu, o, oref, &t::TDSP_ALU_P);
                g.arc_internal(cell, pc, r_pc, o, oref, &t::TDSPDO_PCIN_P);
            }
        }
    }
}

/// A wire inside the slice.
const ZERO: t::Param = t::Param {
    name: "(wire)",
    ns: 0.0,
    what: "a connection inside the cell",
    source: t::Source::Derived,
};
