//! Point arithmetic macros (short Weierstrass, a = 0, Jacobian coordinates X/Z², Y/Z³):
//! doubling (dbl-2009-l in product form), mixed addition (madd-2004-hmv) with an optional
//! isomorphism scale, and the per-thread table of odd multiples of Q with a common Z.
//!
//! Banks: a multiplication writes P, a LIN writes S. The accumulator keeps X, Y in S and Z in
//! P at every block boundary ([`super::Layout`]).

use super::Layout;
use crate::vcore::asm::{Asm, Label};
use crate::vcore::consts::k;
use crate::vcore::isa::{Cond, Reg, Src};

/// In-place doubling of (x, y, z), x and y in S, z in P. dbl-2009-l with D = 4·X·B and
/// 8C = 8·B² folded into LIN coefficients: 7 M, 6 A. Uses `pt[0..6]`, `st[0..4]`.
/// A finite point of odd order never doubles to infinity, so there is no special case.
pub fn dbl(a: &mut Asm, x: Reg, y: Reg, z: Reg, pt: &[Reg], st: &[Reg]) {
    let (pa, pb, pxb, pc, pf, pt4) = (pt[0], pt[1], pt[2], pt[3], pt[4], pt[5]);
    let (s2y, se, sd, st3) = (st[0], st[1], st[2], st[3]);
    a.comment("dbl-2009-l");
    a.sqr(pa, x); // A = X²
    a.sqr(pb, y); // B = Y²
    a.scale(s2y, y, 2); // 2Y
    a.mulp(z, s2y, z); // Z3 = 2·Y·Z
    a.mulp(pxb, x, pb); // X·B
    a.sqr(pc, pb); // C = B²
    a.scale(se, pa, 3); // E = 3A
    a.scale(sd, pxb, 4); // D = 4·X·B
    a.sqr(pf, se); // F = E²
    a.lin(x, pf, sd, 1, -2); // X3 = F − 2D
    a.subp(st3, sd, x); // D − X3
    a.mulp(pt4, se, st3); // E·(D − X3)
    a.lin(y, pt4, pc, 1, -8); // Y3 = E·(D − X3) − 8C
}

/// The second operand of a mixed addition: affine (x2, y2) in the accumulator's frame.
#[derive(Debug, Clone, Copy)]
pub struct AffineIn {
    /// x2 (any operand B: K[.]+I, S[.]+I, P[.]+I).
    pub x2: Src,
    /// y2 with its sign applied (S register).
    pub y2: Reg,
    /// For points on the original curve added to an accumulator in the table's frame:
    /// the frame scale Zt (then W = Z1·Zt replaces Z1 in U2, S2).
    pub scale: Option<Reg>,
}

/// Mixed addition acc += p2, madd-2004-hmv: H = U2 − X1, R = S2 − Y1, Z3 = Z1·H,
/// X3 = R² − H³ − 2·X1·H², Y3 = R·(X1·H² − X3) − Y1·H³ (11 M, 12 M with a scale; 5 A).
/// Branches to `special` when H = 0 (equal x), with R in `st[0]` and the accumulator
/// untouched. Uses `pt[0..11]`, `st[0..4]`.
pub fn madd(a: &mut Asm, l: &Layout, p2: AffineIn, special: Label) {
    let pt = &l.pt;
    let st = &l.st;
    let (x1, y1, z1) = (l.ax, l.ay, l.az);
    let (sr, sh, s_t, s_t2) = (st[0], st[1], st[2], st[3]);
    a.comment("madd-2004-hmv");
    let w = match p2.scale {
        Some(zt) => {
            a.mulp(pt[0], z1, zt);
            pt[0]
        }
        None => z1,
    };
    let (w2, w3, u2, s2) = (pt[1], pt[2], pt[3], pt[4]);
    a.sqr(w2, w);
    a.mulp(w3, w2, w);
    a.mulp(u2, w2, p2.x2);
    a.mulp(s2, w3, p2.y2);
    a.subp(sr, s2, y1); // R (EQ dead: overwritten below)
    a.subp(sh, u2, x1); // H, EQ = (H == 0)
    a.br(Cond::Eq, special);
    let (h2, h3, v, r2, t3, t4) = (pt[5], pt[6], pt[7], pt[8], pt[9], pt[10]);
    a.mulp(z1, z1, sh); // Z3 = Z1·H
    a.sqr(h2, sh);
    a.mulp(h3, h2, sh);
    a.mulp(v, x1, h2); // X1·H²
    a.sqr(r2, sr);
    a.subp(s_t, r2, h3);
    a.lin(x1, s_t, v, 1, -2); // X3
    a.subp(s_t2, v, x1); // X1·H² − X3
    a.mulp(t3, sr, s_t2);
    a.mulp(t4, y1, h3); // Y1·H³ (old Y1)
    a.subp(y1, t3, t4); // Y3
}

/// Loads the accumulator with an affine point of the table's frame: X = x2·c2, Y = y2·c3
/// (when `scale` = Some((c2, c3)), else X = x2, Y = y2), Z = 1. `y2` is the signed y (S).
pub fn load(a: &mut Asm, l: &Layout, x2: Src, y2: Reg, scale: Option<(Reg, Reg)>) {
    let pt = &l.pt;
    let st = &l.st;
    match scale {
        Some((c2, c3)) => {
            a.mulp(pt[1], c2, x2);
            a.mov(l.ax, pt[1]);
            a.mulp(pt[2], c3, y2);
            a.mov(l.ay, pt[2]);
        }
        None => {
            a.mov(l.ax, x2);
            a.mov(l.ay, y2);
        }
    }
    a.mov(st[2], Src::k(k::ONE));
    a.mulp(l.az, st[2], Src::k(k::ONE));
}

/// Builds the per-thread table from the affine point (qx, qy) (S registers, on the curve,
/// of order n): the odd multiples (2j+1)·Q, j < nq, as affine points (x'_j, y'_j) of one
/// isomorphic curve y² = x³ + b·Zt⁶ (x' = x·Zt², y' = y·Zt³), into S[tx+j], S[ty+j], with
/// β·x'_j into P[tlx+j] and Zt into P[zt].
///
/// D = 2Q (Jacobian, Z_D = 2·qy); in D's frame D is affine and Q is (qx·Z_D², qy·Z_D³);
/// entry j+1 = entry j + D by mixed additions (H_j saved: Z_{j+1} = Z_j·H_j); then every
/// entry is brought to the last entry's Z by the ratios ρ_j = Π_{i>=j} H_i
/// (x' = X·ρ², y' = Y·ρ³). No special case can occur: consts.rs checks that (2j+1) is never
/// ≡ 0, ±2 (mod n) for the window.
pub fn build_table(a: &mut Asm, l: &Layout, qx: Reg, qy: Reg) {
    let nq = usize::from(l.nq);
    let pt = &l.pt;
    let st = &l.st;
    a.comment("Q table: D = 2Q (Z_D = 2*qy)");
    // D = 2Q from Z = 1 (dbl-2009-l): X_D, Y_D, Z_D = 2y, all in S.
    let (pa, pb, pxb, pc, pf, pt4) = (pt[0], pt[1], pt[2], pt[3], pt[4], pt[5]);
    let (sxd, syd, szd, se, sd, st3) = (st[0], st[1], st[2], st[3], st[4], st[5]);
    a.sqr(pa, qx);
    a.sqr(pb, qy);
    a.scale(szd, qy, 2);
    a.mulp(pxb, qx, pb);
    a.sqr(pc, pb);
    a.scale(se, pa, 3);
    a.scale(sd, pxb, 4);
    a.sqr(pf, se);
    a.lin(sxd, pf, sd, 1, -2);
    a.subp(st3, sd, sxd);
    a.mulp(pt4, se, st3);
    a.lin(syd, pt4, pc, 1, -8);
    // Q in D's frame: (qx·Z_D², qy·Z_D³), Z = 1 (entry 0, kept in P until the end).
    let (z2, z3, x0, y0) = (pt[6], pt[7], pt[8], pt[9]);
    a.sqr(z2, szd);
    a.mulp(z3, z2, szd);
    a.mulp(x0, qx, z2);
    a.mulp(y0, qy, z3);
    let at = |base: Reg, j: usize| base.offset(u8::try_from(j).unwrap_or(0));
    let xs = |j: usize| if j == 0 { x0 } else { at(l.tx, j) };
    let ys = |j: usize| if j == 0 { y0 } else { at(l.ty, j) };
    // H_j: the spare temporaries, then the job words and the accumulator (free here; the
    // split has consumed u1/u2 and the key check the prefix).
    let hregs: Vec<Reg> = st[6..]
        .iter()
        .copied()
        .chain([l.u1, l.u2, l.meta, l.ax, l.ay])
        .collect();
    let (sr, s_t, s_t2) = (se, sd, st3);
    let m = &pt[12..];
    let mut z_cur: Option<Reg> = None; // Z_j of entry j (None: 1)
    for j in 0..nq - 1 {
        a.comment(format!("table entry {} = entry {j} + D", j + 1));
        let h = hregs[j];
        let (x1, y1) = (xs(j), ys(j));
        let (x3, y3) = (xs(j + 1), ys(j + 1));
        match z_cur {
            None => {
                a.subp(sr, syd, y1);
                a.subp(h, sxd, x1);
            }
            Some(z) => {
                a.sqr(m[0], z);
                a.mulp(m[1], m[0], z);
                a.mulp(m[2], m[0], sxd);
                a.mulp(m[3], m[1], syd);
                a.subp(sr, m[3], y1);
                a.subp(h, m[2], x1);
            }
        }
        let zj = at(pt[0], 10 + (j % 2)); // alternate two registers: Z_{j+1} = Z_j·H_j
        z_cur = Some(match z_cur {
            None => h,
            Some(z) => {
                a.mulp(zj, z, h);
                zj
            }
        });
        a.sqr(m[4], h);
        a.mulp(m[5], m[4], h);
        a.mulp(m[6], x1, m[4]);
        a.sqr(m[7], sr);
        a.subp(s_t, m[7], m[5]);
        a.lin(x3, s_t, m[6], 1, -2);
        a.subp(s_t2, m[6], x3);
        a.mulp(m[8], sr, s_t2);
        a.mulp(m[9], y1, m[5]);
        a.subp(y3, m[8], m[9]);
    }
    // Common Z: Zt = Z_D·Z_last; entry j scaled by ρ_j = H_j·…·H_{last−1}.
    a.comment("table: common Z");
    let last = nq - 1;
    match z_cur {
        Some(z) => a.mulp(l.zt, szd, z),
        None => a.mulp(l.zt, szd, Src::k(k::ONE)),
    }
    a.mulp(at(l.tlx, last), xs(last), Src::k(k::BETA));
    let (rho2, rho3, nx, ny) = (m[1], m[2], m[3], m[4]);
    let mut rho: Option<Reg> = None;
    for j in (0..last).rev() {
        let r = match rho {
            None => hregs[j],
            Some(r) => {
                let nr = at(pt[0], 10 + (j % 2));
                a.mulp(nr, r, hregs[j]);
                nr
            }
        };
        rho = Some(r);
        a.sqr(rho2, r);
        a.mulp(rho3, rho2, r);
        a.mulp(nx, xs(j), rho2);
        a.mulp(ny, ys(j), rho3);
        a.mov(at(l.tx, j), nx);
        a.mov(at(l.ty, j), ny);
        a.mulp(at(l.tlx, j), nx, Src::k(k::BETA));
    }
}
