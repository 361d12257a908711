//! The two entries (ECDSA, BIP340) and their final checks; assembles the whole ROM image.

use super::arith::{barrett_mod_n, glv_split, inv, sqrt};
use super::point::build_table;
use super::{labels, ladder, Layout, ProgramOptions, ENTRY_ECDSA, ENTRY_SCHNORR};
use crate::vcore::asm::{Asm, AsmError, Label, Program};
use crate::vcore::consts::{k, CurveDesc};
use crate::vcore::isa::{Cond, Reg, Src};
use satchain_regmap::EcdsaCode;

const VALID: u8 = EcdsaCode::Valid as u8;
const INVALID: u8 = EcdsaCode::Invalid as u8;
const BAD_PUBKEY: u8 = EcdsaCode::BadPubkey as u8;

/// Common exits.
struct Exits {
    valid: Label,
    invalid: Label,
    bad_pk: Label,
    r_infinity: Label,
}

/// Splits the G scalar into slots 0/1 and the Q scalar into slots 2/3 and sends the four
/// REC requests. `negate_q`: recode −k (BIP340's −e·P).
fn split_and_recode(a: &mut Asm, desc: &CurveDesc, l: &Layout, kg: Reg, kq: Reg, negate_q: bool) {
    let st = &l.st;
    let (g1, g2, q1, q2) = (st[2], st[3], st[4], st[5]);
    glv_split(a, desc, kg, g1, g2, &l.pt[0..6], &st[0..2]);
    glv_split(a, desc, kq, q1, q2, &l.pt[6..12], &st[6..8]);
    if negate_q {
        let zero = st[1];
        a.mov(zero, Src::k(k::ZERO));
        a.sub(q1, zero, q1);
        a.sub(q2, zero, q2);
    }
    a.rec(g1, 0, desc.w_g);
    a.rec(g2, 1, desc.w_g);
    a.rec(q1, 2, desc.w_q);
    a.rec(q2, 3, desc.w_q);
}

/// `y2 = x³ + b` into `y2` (S); `x` must be < p (checked by the caller's branch after).
fn curve_rhs(a: &mut Asm, l: &Layout, x: Reg, y2: Reg) {
    a.sqr(l.pt[12], x);
    a.mulp(l.pt[13], l.pt[12], x);
    a.lin(y2, l.pt[13], Src::k(k::B), 1, 1);
}

/// The routine registers: sqrt input (S) and output (P), inverse input and output (P).
struct RoutineRegs {
    sq_in: Reg,
    sq_out: Reg,
    inv_in: Reg,
    inv_out: Reg,
}

fn routine_regs(l: &Layout) -> RoutineRegs {
    RoutineRegs {
        sq_in: l.st[6],
        sq_out: l.pt[9],
        inv_in: l.pt[10],
        inv_out: l.pt[9],
    }
}

/// Assembles the program (both entries, the ladder, the sqrt and inverse routines).
pub fn build(desc: &CurveDesc, opts: &ProgramOptions) -> Result<Program, AsmError> {
    let l = Layout::new(desc);
    let rr = routine_regs(&l);
    let mut a = Asm::new();
    let ex = Exits {
        valid: a.label("valid"),
        invalid: a.label("invalid"),
        bad_pk: a.label("bad_pubkey"),
        r_infinity: a.label(labels::R_INFINITY),
    };
    let sqrt_l = a.label("sqrt");
    let inv_l = a.label("inverse");
    let ladder_l = a.label("ladder_call");

    ecdsa_entry(&mut a, desc, &l, &rr, &ex, sqrt_l, inv_l, ladder_l);
    schnorr_entry(&mut a, desc, &l, &rr, &ex, sqrt_l, inv_l, ladder_l);

    a.bind(ex.r_infinity);
    a.comment("R is the point at infinity");
    a.halt(INVALID);
    a.bind(ex.invalid);
    a.halt(INVALID);
    a.bind(ex.valid);
    a.halt(VALID);
    a.bind(ex.bad_pk);
    a.halt(BAD_PUBKEY);

    a.bind(sqrt_l);
    sqrt(&mut a, rr.sq_out, rr.sq_in, &l.pt[0..9]);
    a.ret();
    a.bind(inv_l);
    inv(&mut a, rr.inv_out, rr.inv_in, &l.pt[0..9]);
    a.ret();
    a.bind(ladder_l);
    let entry = ladder::emit(&mut a, desc, &l, ex.r_infinity);
    // `ladder_l` and the routine's own entry label are the same instruction.
    let _ = entry;
    a.finish_with(&opts.asm)
}

#[allow(clippy::too_many_arguments)]
fn ecdsa_entry(
    a: &mut Asm,
    desc: &CurveDesc,
    l: &Layout,
    rr: &RoutineRegs,
    ex: &Exits,
    sqrt_l: Label,
    inv_l: Label,
    ladder_l: Label,
) {
    let y2 = rr.sq_in;
    a.entry(ENTRY_ECDSA);
    a.comment("ECDSA: S0 r, S1 u1, S2 u2, S3 Qx, S4 Qy, S5 prefix");
    split_and_recode(a, desc, l, l.u1, l.u2, false);
    curve_rhs(a, l, l.qx, y2);
    a.cmp(l.qx, Src::k(k::P));
    a.br(Cond::Ge, ex.bad_pk);
    let uncompressed = a.label("uncompressed");
    let decompress = a.label(labels::DECOMPRESS);
    let key_ok = a.label("key_ok");
    a.cmp(l.meta, Src::k(k::FOUR));
    a.br(Cond::Eq, uncompressed);
    a.cmp(l.meta, Src::k(k::TWO));
    a.br(Cond::Eq, decompress);
    a.cmp(l.meta, Src::k(k::THREE));
    a.br(Cond::Ne, ex.bad_pk);
    a.bind(decompress);
    a.call(sqrt_l);
    let y = rr.sq_out;
    a.sqr(l.pt[12], y);
    a.cmp(l.pt[12], y2);
    a.br(Cond::Ne, ex.bad_pk);
    a.comment("parity(y) must equal the prefix's (3 = odd)");
    a.add(l.st[0], y, l.meta);
    a.odd(l.st[0]);
    a.mov(l.qy, y);
    a.br(Cond::Ev, key_ok);
    a.lin(l.qy, y, y, 0, -1);
    a.jmp(key_ok);
    a.bind(uncompressed);
    a.cmp(l.qy, Src::k(k::P));
    a.br(Cond::Ge, ex.bad_pk);
    a.sqr(l.pt[12], l.qy);
    a.cmp(l.pt[12], y2);
    a.br(Cond::Ne, ex.bad_pk);
    a.bind(key_ok);
    build_table(a, l, l.qx, l.qy);
    a.call(ladder_l);
    // Final check on R = (X, Y, Z·Zt).
    let (zr, z2, rz) = (rr.inv_in, l.pt[11], l.pt[12]);
    a.mulp(zr, l.az, l.zt);
    if desc.jacobian_final_check() {
        a.comment("X == r·Z², or X == (r+n)·Z² when r + n < p");
        a.sqr(z2, zr);
        a.mulp(rz, l.r, z2);
        a.cmp(l.ax, rz);
        a.br(Cond::Eq, ex.valid);
        a.cmp(l.r, Src::k(k::P_MINUS_N));
        a.br(Cond::Ge, ex.invalid);
        a.here(labels::FINAL_R_PLUS_N);
        a.add(l.st[0], l.r, Src::k(k::N));
        a.mulp(rz, l.st[0], z2);
        a.cmp(l.ax, rz);
        a.br(Cond::Eq, ex.valid);
        a.jmp(ex.invalid);
    } else {
        a.comment("toy curve: affine x mod n == r");
        a.call(inv_l);
        a.sqr(z2, rr.inv_out);
        a.mulp(rz, l.ax, z2);
        barrett_mod_n(a, l.st[1], rz, &l.pt[13..15]);
        a.cmp(l.st[1], l.r);
        a.br(Cond::Eq, ex.valid);
        a.jmp(ex.invalid);
    }
}

#[allow(clippy::too_many_arguments)]
fn schnorr_entry(
    a: &mut Asm,
    desc: &CurveDesc,
    l: &Layout,
    rr: &RoutineRegs,
    ex: &Exits,
    sqrt_l: Label,
    inv_l: Label,
    ladder_l: Label,
) {
    let y2 = rr.sq_in;
    a.entry(ENTRY_SCHNORR);
    a.comment("BIP340: S0 r, S1 s, S2 e, S3 Px; R = s·G − e·P");
    split_and_recode(a, desc, l, l.u1, l.u2, true);
    curve_rhs(a, l, l.qx, y2);
    a.cmp(l.qx, Src::k(k::P));
    a.br(Cond::Ge, ex.bad_pk);
    a.call(sqrt_l);
    let y = rr.sq_out;
    a.sqr(l.pt[12], y);
    a.cmp(l.pt[12], y2);
    a.br(Cond::Ne, ex.bad_pk);
    a.comment("lift_x: the even root");
    let even = a.label("lift_even");
    a.odd(y);
    a.mov(l.qy, y);
    a.br(Cond::Ev, even);
    a.lin(l.qy, y, y, 0, -1);
    a.bind(even);
    build_table(a, l, l.qx, l.qy);
    a.call(ladder_l);
    let (zr, z2, rz) = (rr.inv_in, l.pt[11], l.pt[12]);
    a.comment("x(R) == r: X == r·Z²");
    a.mulp(zr, l.az, l.zt);
    a.sqr(z2, zr);
    a.mulp(rz, l.r, z2);
    a.cmp(l.ax, rz);
    a.br(Cond::Ne, ex.invalid);
    a.here(labels::SCHNORR_PARITY);
    a.comment("y(R) even: y = Y·Z⁻³");
    a.call(inv_l);
    let zi = rr.inv_out;
    a.sqr(z2, zi);
    a.mulp(rz, z2, zi);
    a.mulp(l.pt[13], l.ay, rz);
    a.odd(l.pt[13]);
    a.br(Cond::Ev, ex.valid);
    a.jmp(ex.invalid);
}
