//! Field and scalar macros: squaring runs, libsecp256k1's addition chains for the square root
//! ((p+1)/4) and the inverse (p−2), the GLV split, Barrett reduction mod a small n.

use crate::vcore::asm::Asm;
use crate::vcore::consts::{k, CurveDesc};
use crate::vcore::isa::{Reg, Src};

/// `d = s^(2^n)` (n >= 1): one squaring, then the rest as an LDLC/DJNZ loop whose body is a
/// single squaring (the assembler folds the DJNZ onto it: no overhead). Uses LC.
pub fn sqr_n(a: &mut Asm, d: Reg, s: Reg, n: u32) {
    if n == 0 {
        return;
    }
    a.sqr(d, s);
    let rest = n - 1;
    if rest >= 2 {
        a.ldlc(u8::try_from(rest - 1).unwrap_or(u8::MAX));
        let l = a.here("sqr_loop");
        a.sqr(d, d);
        a.djnz(l);
    } else {
        for _ in 0..rest {
            a.sqr(d, d);
        }
    }
}

/// The common prefix of libsecp256k1's chains: x^(2^k − 1) for k = 2, 3, 22, 223.
/// Uses `t[0..8]` (P registers); returns `[x2, x3, x22, x223]` (registers among `t`).
fn ones_chain(a: &mut Asm, x: Reg, t: &[Reg]) -> [Reg; 4] {
    let (x2, x3, x6, x11, x22, x44, x88, x176) = (t[0], t[1], t[2], t[3], t[4], t[5], t[6], t[7]);
    a.sqr(x2, x);
    a.mulp(x2, x2, x);
    a.sqr(x3, x2);
    a.mulp(x3, x3, x);
    sqr_n(a, x6, x3, 3);
    a.mulp(x6, x6, x3);
    sqr_n(a, x6, x6, 3);
    a.mulp(x6, x6, x3); // 9 ones
    sqr_n(a, x11, x6, 2);
    a.mulp(x11, x11, x2);
    sqr_n(a, x22, x11, 11);
    a.mulp(x22, x22, x11);
    sqr_n(a, x44, x22, 22);
    a.mulp(x44, x44, x22);
    sqr_n(a, x88, x44, 44);
    a.mulp(x88, x88, x44);
    sqr_n(a, x176, x88, 88);
    a.mulp(x176, x176, x88);
    sqr_n(a, x176, x176, 44);
    a.mulp(x176, x176, x44); // 220
    sqr_n(a, x176, x176, 3);
    a.mulp(x176, x176, x3); // 223
    [x2, x3, x22, x176]
}

/// `d = x^((p+1)/4)` (a square root when one exists): 223 ones, 0, 22 ones, 0000 11 00.
/// 253 squarings, 13 multiplications. Uses `t[0..9]`; `d` may be one of them.
pub fn sqrt(a: &mut Asm, d: Reg, x: Reg, t: &[Reg]) {
    a.comment("sqrt: x^((p+1)/4), libsecp256k1's chain");
    let [x2, _, x22, x223] = ones_chain(a, x, t);
    let t1 = t[8];
    sqr_n(a, t1, x223, 23);
    a.mulp(t1, t1, x22);
    sqr_n(a, t1, t1, 6);
    a.mulp(t1, t1, x2);
    sqr_n(a, d, t1, 2);
}

/// `d = x^(p−2) = x⁻¹` (x != 0): 223 ones, 0, 22 ones, 0000 1 0 11 0 1.
/// 255 squarings, 15 multiplications. Uses `t[0..9]`; `d` may be one of them.
pub fn inv(a: &mut Asm, d: Reg, x: Reg, t: &[Reg]) {
    a.comment("inverse: x^(p-2), libsecp256k1's chain");
    let [x2, _, x22, x223] = ones_chain(a, x, t);
    let t1 = t[8];
    sqr_n(a, t1, x223, 23);
    a.mulp(t1, t1, x22);
    sqr_n(a, t1, t1, 5);
    a.mulp(t1, t1, x);
    sqr_n(a, t1, t1, 3);
    a.mulp(t1, t1, x2);
    sqr_n(a, t1, t1, 2);
    a.mulp(d, t1, x);
}

/// GLV split of the scalar in `kk` (S register, any 256-bit value): k1 -> `k1`, k2 -> `k2`
/// (S registers, 256-bit two's complement; consts.rs proves |k1|, |k2| <= bound). Uses
/// `pt[0..6]`, `st[0..2]`. 2 MULHI + 4 MULLO, 2 SHRR + 3 ADD.
pub fn glv_split(a: &mut Asm, desc: &CurveDesc, kk: Reg, k1: Reg, k2: Reg, pt: &[Reg], st: &[Reg]) {
    a.comment("GLV split: c1 = round(k*b2/n), c2 = round(-k*b1/n)");
    a.mulhi(pt[0], kk, Src::k(k::G1));
    a.mulhi(pt[1], kk, Src::k(k::G2));
    a.shrr(st[0], pt[0], desc.glv.shift);
    a.shrr(st[1], pt[1], desc.glv.shift);
    a.mullo(pt[2], st[0], Src::k(k::NA1));
    a.mullo(pt[3], st[1], Src::k(k::NA2));
    a.mullo(pt[4], st[0], Src::k(k::NB1));
    a.mullo(pt[5], st[1], Src::k(k::NB2));
    a.add(k1, kk, pt[2]);
    a.add(k1, k1, pt[3]);
    a.add(k2, pt[4], pt[5]);
}

/// `rem = x mod n` for x < 2^256 and a small n (Barrett with floor(2^256/n), then at most
/// two conditional subtractions). `rem` is an S register. Uses `pt[0..2]`.
pub fn barrett_mod_n(a: &mut Asm, rem: Reg, x: Reg, pt: &[Reg]) {
    a.comment("x mod n (Barrett)");
    a.mulhi(pt[0], x, Src::k(k::BARRETT));
    a.mullo(pt[1], pt[0], Src::k(k::N));
    a.sub(rem, x, pt[1]);
    for _ in 0..2 {
        let done = a.label("mod_n_done");
        a.cmp(rem, Src::k(k::N));
        a.br(crate::vcore::isa::Cond::Lt, done);
        a.sub(rem, rem, Src::k(k::N));
        a.bind(done);
    }
}
