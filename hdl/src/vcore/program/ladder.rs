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

use super::point::{dbl, dbl_head, dbl_tail, load, madd, AffineIn};
use super::{labels, Layout};
use crate::vcore::asm::{Asm, Flow, Label};
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
///
/// Digit checks: each `DIG j+1` carries the branch on slot j's DZ (a control field reads the
/// flags as of its select, i.e. before its own DIG), so a position whose digits are all zero
/// costs `DIG 0` (hidden in the doubling's block) + three `DIG ; BR` + one `NOP ; BR`. An
/// addition re-reads its digit (`DIG j`) and ends by reading the next one. The loop's DJNZ
/// rides on the doubling's first op (after the last position that op is wasted: one M-op).
pub fn emit(a: &mut Asm, desc: &CurveDesc, l: &Layout, r_infinity: Label) -> Label {
    let tables = slot_tables(l);
    let entry = a.label("ladder");
    let names = |a: &mut Asm, s: &str| -> Vec<Label> {
        (0..6).map(|j| a.label(&format!("{s}{j}"))).collect()
    };
    // a[k] / c[k]: phase A / B check points (k = slot whose DZ is tested + 1, reading slot k).
    let pa = names(a, "a_chk");
    let pb = names(a, "b_chk");
    let ld: Vec<Label> = (0..4).map(|j| a.label(&format!("load_{j}"))).collect();
    let add: Vec<Label> = (0..4).map(|j| a.label(&format!("add_{j}"))).collect();
    let special: Vec<Label> = (0..4).map(|j| a.label(&format!("special_{j}"))).collect();
    let d0 = a.label(labels::PHASE_B);
    let d1 = a.label("phase_b_dbl");
    let ys = l.st[4];

    // After slot j (its digit handled) continue with slot j+1: read it and jump to the check
    // of slot j+1 (k = j + 2). Slot 3 has no successor: straight to the loop control.
    let next = |a: &mut Asm, j: usize, chk: &[Label], last: Label| {
        if j < 3 {
            a.dig(u8::try_from(j + 1).unwrap_or(0));
            a.jmp(chk[j + 2]);
        } else {
            a.jmp(last);
        }
    };

    a.bind(entry);
    a.comment("LC = top digit position; accumulator = infinity");
    a.ldlc(desc.top);
    a.here(labels::PHASE_A);
    for k in 0..5usize {
        a.bind(pa[k]);
        if k < 4 {
            a.dig(u8::try_from(k).unwrap_or(0));
        } else {
            a.nop();
        }
        if k > 0 {
            // the flags of the previous DIG: branch if slot k−1's digit is nonzero
            let op_ctl_label = ld[k - 1];
            // fold: the DIG (or NOP) carries the branch
            fold_last(a, op_ctl_label);
        }
    }
    a.bind(pa[5]);
    a.djnz(pa[0]);
    a.jmp(r_infinity);
    for (j, t) in tables.iter().enumerate() {
        a.bind(ld[j]);
        a.comment(format!("load slot {j}"));
        a.dig(u8::try_from(j).unwrap_or(0));
        signed_y(a, t, ys);
        if t.scaled {
            let (c2, c3) = (l.pt[11], l.pt[12]);
            a.sqr(c2, l.zt);
            a.mulp(c3, c2, l.zt);
            load(a, l, t.x, ys, Some((c2, c3)));
        } else {
            load(a, l, t.x, ys, None);
        }
        next(a, j, &pb, d0);
    }

    // Phase B: d1 = doubling + DIG 0, then the checks, then d0 (doubling head + DJNZ d1).
    a.bind(d1);
    dbl_tail(a, l.ax, l.ay, l.az, &l.pt, &l.st);
    a.dig(0);
    for k in 1..5usize {
        a.bind(pb[k]);
        if k < 4 {
            a.dig(u8::try_from(k).unwrap_or(0));
        } else {
            a.nop();
        }
        fold_last(a, add[k - 1]);
    }
    a.bind(d0);
    dbl_head(a, l.ay, &l.pt);
    fold_djnz(a, d1);
    a.ret();

    for (j, t) in tables.iter().enumerate() {
        a.bind(add[j]);
        a.dig(u8::try_from(j).unwrap_or(0));
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
        next(a, j, &pb, d0);
        a.bind(special[j]);
        a.comment("equal x: equal points -> double; opposite -> infinity");
        let dbl_path = a.label(labels::SPECIAL_DBL);
        a.cmp(l.st[0], Src::k(k::ZERO));
        a.br(Cond::Eq, dbl_path);
        a.here(labels::SPECIAL_INF);
        next(a, j, &pa, pa[5]);
        a.bind(dbl_path);
        dbl(a, l.ax, l.ay, l.az, &l.pt, &l.st);
        next(a, j, &pb, d0);
    }
    entry
}

/// Gives the instruction just emitted the control `BR NZ target`.
fn fold_last(a: &mut Asm, target: Label) {
    a.set_last_flow(Flow::Br(Cond::Nz, target));
}

/// Gives the instruction just emitted the control `DJNZ target`.
fn fold_djnz(a: &mut Asm, target: Label) {
    a.set_last_flow(Flow::Djnz(target));
}
