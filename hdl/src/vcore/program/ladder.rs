//! The interleaved wNAF double-scalar loop, a routine (CALL / RET) shared by both kinds.
//!
//! Slots (REC'd by the caller): 0 = k1 of the G scalar (table G, K bank), 1 = k2 of the G
//! scalar (table λG = (β·x, y)), 2 = k1 of the Q scalar (per-thread table), 3 = k2 of the Q
//! scalar (λQ = (β·x', y')). LC runs from `desc.top` down to 0. At each position the four
//! digits are read (DIG: I = table index, SG = sign, DZ = zero) and nonzero ones added; the
//! accumulator is doubled between positions.
//!
//! Phase A (accumulator = infinity) has no doublings; the first nonzero digit loads the
//! accumulator and continues in phase B after that slot. An addition that meets equal x goes
//! to a special path: equal points -> doubling, opposite points -> infinity, back to phase A
//! after that slot. If phase A reaches the end, R is the point at infinity (`r_infinity`).
//! The routine returns (RET) with the finite result (X, Y, Z) in the table's frame.

use super::point::{dbl, load, madd, AffineIn};
use super::{labels, Layout};
use crate::vcore::asm::{Asm, Label};
use crate::vcore::consts::{k, CurveDesc};
use crate::vcore::isa::{Cond, Reg, Src};

/// Where slot j's table lives.
#[derive(Debug, Clone, Copy)]
struct SlotTable {
    x: Src,
    /// y: a K operand (G tables) or the per-thread S table.
    y: Src,
    /// In the original curve (G tables): scale by Zt.
    scaled: bool,
}

fn slot_tables(l: &Layout) -> [SlotTable; 4] {
    [
        SlotTable {
            x: Src::k(k::GX).idx(),
            y: Src::k(k::GY).idx(),
            scaled: true,
        },
        SlotTable {
            x: Src::k(k::LGX).idx(),
            y: Src::k(k::GY).idx(),
            scaled: true,
        },
        SlotTable {
            x: l.tx.idx(),
            y: l.ty.idx(),
            scaled: false,
        },
        SlotTable {
            x: l.tlx.idx(),
            y: l.ty.idx(),
            scaled: false,
        },
    ]
}

/// y of the slot's table entry at I with the digit's sign applied, into `d` (S).
fn signed_y(a: &mut Asm, t: &SlotTable, d: Reg) {
    match t.y.base {
        crate::vcore::isa::Operand::K(_) => {
            a.mov(d, t.y);
            a.negc(d, d);
        }
        crate::vcore::isa::Operand::Reg(_) => a.negc(d, t.y),
    }
}

/// Emits the routine; returns its entry label. `r_infinity` is where R = infinity goes.
pub fn emit(a: &mut Asm, desc: &CurveDesc, l: &Layout, r_infinity: Label) -> Label {
    let tables = slot_tables(l);
    let entry = a.label("ladder");
    let phase_a = a.label(labels::PHASE_A);
    let phase_b = a.label(labels::PHASE_B);
    let b_dbl = a.label("phase_b_dbl");
    let ld: Vec<Label> = (0..4).map(|j| a.label(&format!("load_{j}"))).collect();
    let add: Vec<Label> = (0..4).map(|j| a.label(&format!("add_{j}"))).collect();
    let special: Vec<Label> = (0..4).map(|j| a.label(&format!("special_{j}"))).collect();
    let ra: Vec<Label> = (0..4).map(|j| a.label(&format!("a_after_{j}"))).collect();
    let rb: Vec<Label> = (0..4).map(|j| a.label(&format!("b_after_{j}"))).collect();
    let ys = l.st[4];

    a.bind(entry);
    a.comment("LC = top digit position; accumulator = infinity");
    a.ldlc(desc.top);
    a.bind(phase_a);
    for j in 0..4u8 {
        a.dig(j);
        a.br(Cond::Nz, ld[usize::from(j)]);
        a.bind(ra[usize::from(j)]);
    }
    a.djnz(phase_a);
    a.jmp(r_infinity);

    for (j, t) in tables.iter().enumerate() {
        a.bind(ld[j]);
        a.comment(format!("load slot {j}"));
        signed_y(a, t, ys);
        if t.scaled {
            let (c2, c3) = (l.pt[11], l.pt[12]);
            a.sqr(c2, l.zt);
            a.mulp(c3, c2, l.zt);
            load(a, l, t.x, ys, Some((c2, c3)));
        } else {
            load(a, l, t.x, ys, None);
        }
        a.jmp(rb[j]);
    }

    a.bind(b_dbl);
    dbl(a, l.ax, l.ay, l.az, &l.pt, &l.st);
    a.bind(phase_b);
    for j in 0..4u8 {
        a.dig(j);
        a.br(Cond::Nz, add[usize::from(j)]);
        a.bind(rb[usize::from(j)]);
    }
    a.djnz(b_dbl);
    a.ret();

    for (j, t) in tables.iter().enumerate() {
        a.bind(add[j]);
        signed_y(a, t, ys);
        madd(
            a,
            l,
            AffineIn {
                x2: t.x,
                y2: ys,
                scale: t.scaled.then_some(l.zt),
            },
            special[j],
        );
        a.jmp(rb[j]);
        a.bind(special[j]);
        a.comment("equal x: equal points -> double; opposite -> infinity");
        let dbl_path = a.label(labels::SPECIAL_DBL);
        a.cmp(l.st[0], Src::k(k::ZERO));
        a.br(Cond::Eq, dbl_path);
        a.here(labels::SPECIAL_INF);
        a.jmp(ra[j]);
        a.bind(dbl_path);
        dbl(a, l.ax, l.ay, l.az, &l.pt, &l.st);
        a.jmp(rb[j]);
    }
    entry
}
