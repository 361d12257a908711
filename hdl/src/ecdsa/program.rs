//! The ECDSA verification microcode, written once with the assembler of `asm.rs`. The ISS
//! (`model.rs`) runs these words; the RTL generator fills the microcode ROM with the same words.
//!
//! [`verify_program`] is the secp256k1 program; [`verify_program_for`] generates the same
//! program for another curve y² = x³ + b with p ≡ 3 (mod 4) (the exhaustive toy-curve test runs
//! it on the ISS). Only the square-root exponentiation and the reduction of z depend on the
//! curve beyond the constant ROM: secp256k1 uses libsecp256k1's addition chain for
//! (p+1)/4, other curves a plain square-and-multiply.
//!
//! Size: this file is the microcode program itself (the register allocation below, the point
//! formulas and the verification flow read as one listing), which issue 15 exempts from the
//! ~600-line rule; it is kept whole on purpose.
//!
//! Register allocation (R0..R5 are loaded by the host):
//!
//! | register | contents |
//! |---|---|
//! | R0 | z, reduced mod n in place, then u1 = z·w |
//! | R1 | r (kept for the final check) |
//! | R2 | s, then w = s⁻¹, then u2 = r·w |
//! | R3, R4, R5 | Qx, Qy, prefix; then entry 1 of the Q table (Qx, Qy, 1) |
//! | R3 + 3(k-1) .. +2 | the Q table: k·Q in Jacobian (X, Y, Z), k = 1..15 (R3..R47) |
//! | R48, R49, R50 | the accumulator (X, Y, Z), Jacobian |
//! | R51..R63 | temporaries T0..T12 |
//!
//! Structure: range checks (BAD_R, BAD_S), public-key checks and decompression (BAD_PUBKEY),
//! w = s⁻¹ = s^(n−2) (MULN sliding-window exponentiation: the engine has no inversion unit),
//! u1, u2 (MULN), the Q table in Jacobian coordinates (one doubling, thirteen mixed additions
//! with the affine Q), then a 4-bit fixed-window Shamir loop over LC = 63..0 in two phases:
//! phase A while the accumulator is the point at infinity (no doublings; the first nonzero
//! window loads the accumulator from a table), phase B while it is finite (4 doublings, mixed
//! addition of the G-table entry from the constant ROM, Jacobian addition of the Q-table entry).
//! An addition whose inputs have equal x goes to a special path: equal points -> doubling,
//! opposite points -> the accumulator becomes infinity and the loop continues in phase A.
//! Doubling a finite point never gives infinity (the group has odd order, no point has y = 0).
//! Finally R = infinity -> INVALID; else X == r·Z² (mod p), or, when r + n < p,
//! X == (r+n)·Z², -> VALID, else INVALID.
//!
//! Formulas (Explicit-Formulas Database, short Weierstrass a = 0, Jacobian coordinates):
//! doubling `dbl-2009-l`, mixed addition `madd-2004-hmv` (same 11 multiplications as
//! `madd-2007-bl`, fewer additions), addition `add-2007-bl` (Jacobian-table variant only).
//! Where the EFD trades a multiplication for a squaring plus additions (D = 2((X+B)²-A-C) =
//! 4·X·B, Z3 = ((Z1+Z2)²-Z1Z1-Z2Z2)·H = 2·Z1·Z2·H) the program uses the product form: the
//! engine squares with the same multiplier, so the squaring saves nothing and every addition
//! costs a cycle. The results are identical field elements.

use super::asm::{Asm, AsmError, Label, Program, Reg};
use super::consts::{c, Curve};
use super::isa::{Cond, Src};
use num_bigint::BigUint;
use satchain_regmap::EcdsaCode;

/// z, then u1.
pub const R_U1: Reg = Reg(0);
/// r.
pub const R_R: Reg = Reg(1);
/// s, then w, then u2.
pub const R_U2: Reg = Reg(2);
/// Qx (entry 1 of the Q table).
pub const R_QX: Reg = Reg(3);
/// Qy.
pub const R_QY: Reg = Reg(4);
/// The SEC1 prefix, then Z = 1 of entry 1.
pub const R_PREFIX: Reg = Reg(5);
/// Base of the Q table (X of 1·Q); entry k at `Q_TABLE + 3(k-1)`.
pub const Q_TABLE: Reg = Reg(3);
/// Accumulator X, Y, Z.
pub const ACC: [Reg; 3] = [Reg(48), Reg(49), Reg(50)];
/// Temporaries T0..T12.
pub const T: [Reg; 13] = [
    Reg(51),
    Reg(52),
    Reg(53),
    Reg(54),
    Reg(55),
    Reg(56),
    Reg(57),
    Reg(58),
    Reg(59),
    Reg(60),
    Reg(61),
    Reg(62),
    Reg(63),
];

const VALID: u8 = EcdsaCode::Valid as u8;
const INVALID: u8 = EcdsaCode::Invalid as u8;
const BAD_R: u8 = EcdsaCode::BadR as u8;
const BAD_S: u8 = EcdsaCode::BadS as u8;
const BAD_PUBKEY: u8 = EcdsaCode::BadPubkey as u8;

/// Labels every caller of the program may look up (tests use them with the trace).
pub mod labels {
    /// Phase A: the accumulator is infinity.
    pub const PHASE_A: &str = "phase_a";
    /// Phase B: the accumulator is finite.
    pub const PHASE_B: &str = "phase_b";
    /// The final check.
    pub const FINAL: &str = "final";
    /// The second comparison X == (r+n)·Z² (taken only when r + n < p).
    pub const FINAL_R_PLUS_N: &str = "final_r_plus_n";
    /// Mixed addition hit equal x: doubling or infinity.
    pub const G_SPECIAL: &str = "g_special";
    /// Jacobian addition hit equal x.
    pub const Q_SPECIAL: &str = "q_special";
    /// Special paths that double the accumulator.
    pub const G_SPECIAL_DBL: &str = "g_special_dbl";
    pub const Q_SPECIAL_DBL: &str = "q_special_dbl";
    /// Compressed-key decompression.
    pub const DECOMPRESS: &str = "decompress";
}

/// Generation options (for the cycle/ROM-size trade-offs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProgramOptions {
    /// Runs of more than this many squarings become an LDLC/DJNZ loop (saves ROM words,
    /// costs one DJNZ per squaring).
    pub max_unrolled_squarings: u32,
    /// Squarings per LDLC/DJNZ loop body (1..=8): a looped run costs one DJNZ cycle per
    /// body, so a body of 4 squarings makes the loop overhead a quarter cycle per squaring.
    pub squarings_per_loop_body: u32,
}

impl Default for ProgramOptions {
    fn default() -> Self {
        ProgramOptions {
            max_unrolled_squarings: DEFAULT_MAX_UNROLLED_SQUARINGS,
            squarings_per_loop_body: DEFAULT_SQUARINGS_PER_LOOP_BODY,
        }
    }
}

/// Squaring runs longer than this become LDLC/DJNZ loops (the ROM holds 1024 words; the
/// unrolled program would not fit once s⁻¹ is an exponentiation).
pub const DEFAULT_MAX_UNROLLED_SQUARINGS: u32 = 6;
/// Squarings per loop body (see [`ProgramOptions::squarings_per_loop_body`]).
pub const DEFAULT_SQUARINGS_PER_LOOP_BODY: u32 = 4;

/// The modulus a multiplication reduces by: MULP (p) or MULN (n).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Modulus {
    P,
    N,
}

fn mulm(a: &mut Asm, m: Modulus, d: Reg, x: impl Into<Src>, y: impl Into<Src>) {
    match m {
        Modulus::P => a.mulp(d, x, y),
        Modulus::N => a.muln(d, x, y),
    }
}

/// `d = s^(2^n)` mod p: n squarings, unrolled or as LDLC/DJNZ loops (uses LC).
fn sqr_n(a: &mut Asm, d: Reg, s: Reg, n: u32, o: &ProgramOptions) {
    sqr_n_mod(a, Modulus::P, d, s, n, o);
}

/// `d = s^(2^n)` mod p or n. Runs of more than `o.max_unrolled_squarings` are looped with
/// `o.squarings_per_loop_body` squarings per DJNZ; the remainder is unrolled. LDLC's 8-bit
/// count (k runs the body k + 1 times) is split over several loops when needed.
fn sqr_n_mod(a: &mut Asm, m: Modulus, d: Reg, s: Reg, n: u32, o: &ProgramOptions) {
    if n == 0 {
        if d != s {
            a.mov(d, s);
        }
        return;
    }
    mulm(a, m, d, s, s);
    let mut rest = n - 1;
    let body = o.squarings_per_loop_body.clamp(1, 8);
    if rest > o.max_unrolled_squarings && rest >= 2 * body {
        while rest >= 2 * body {
            let iters = (rest / body).min(256);
            a.ldlc(u8::try_from(iters - 1).unwrap_or(u8::MAX));
            let l = a.here("sqr_loop");
            for _ in 0..body {
                mulm(a, m, d, d, d);
            }
            a.djnz(l);
            rest -= iters * body;
        }
    }
    for _ in 0..rest {
        mulm(a, m, d, d, d);
    }
}

/// Multiplications of a left-to-right sliding-window exponentiation by `e` with windows of
/// up to `w` bits (precomputation included), used to pick `w`.
fn window_mults(e: &BigUint, w: u32) -> u64 {
    let mut mults = (1u64 << (w - 1)) - 1 + u64::from(w > 1);
    let mut i = i64::try_from(e.bits()).unwrap_or(0) - 1;
    let mut first = true;
    while i >= 0 {
        if !e.bit(i as u64) {
            i -= 1;
            continue;
        }
        let mut j = (i - i64::from(w) + 1).max(0);
        while !e.bit(j as u64) {
            j += 1;
        }
        if !first {
            mults += 1;
        }
        first = false;
        i = j - 1;
    }
    mults
}

/// `d = x^e` mod p or n by left-to-right sliding windows over the odd powers
/// x, x³, …, x^(2^w − 1), with the window width `w` that needs the fewest multiplications for
/// this exponent and the registers given. The exponent is a constant, so the window
/// decomposition is done here, at generation time: the microcode is a straight sequence of
/// squaring runs (looped per [`sqr_n_mod`]) and multiplications, with no data-dependent
/// control flow. `x` is read only; `tmp[0]` is the accumulator, `tmp[1..]` the table (x² is
/// formed in the accumulator). `d` may equal `x`, not a `tmp`. Requires `e >= 1`.
fn pow_window(
    a: &mut Asm,
    m: Modulus,
    d: Reg,
    x: Reg,
    e: &BigUint,
    tmp: &[Reg],
    o: &ProgramOptions,
) {
    let Some((&acc, spare)) = tmp.split_first() else {
        return;
    };
    let max_w = (1..=6u32)
        .filter(|w| (1usize << (w - 1)) - 1 <= spare.len())
        .max()
        .unwrap_or(1);
    let w = (1..=max_w).min_by_key(|&w| window_mults(e, w)).unwrap_or(1);
    // table[k] = x^(2k+1)
    let mut table: Vec<Reg> = vec![x];
    table.extend(spare.iter().take((1 << (w - 1)) - 1));
    if w > 1 {
        a.comment(format!(
            "odd powers x^1..x^{} (window {w})",
            (1u32 << w) - 1
        ));
        mulm(a, m, acc, x, x);
        for k in 1..table.len() {
            mulm(a, m, table[k], table[k - 1], acc);
        }
    }
    let mut i = i64::try_from(e.bits()).unwrap_or(0) - 1;
    let mut pending = 0u32;
    let mut first = true;
    while i >= 0 {
        if !e.bit(i as u64) {
            pending += 1;
            i -= 1;
            continue;
        }
        let mut j = (i - i64::from(w) + 1).max(0);
        while !e.bit(j as u64) {
            j += 1;
        }
        let mut v = 0usize;
        for b in (j..=i).rev() {
            v = (v << 1) | usize::from(e.bit(b as u64));
        }
        let entry = table[(v - 1) / 2];
        if first {
            a.mov(acc, entry);
            first = false;
        } else {
            pending += u32::try_from(i - j + 1).unwrap_or(0);
            sqr_n_mod(a, m, acc, acc, pending, o);
            mulm(a, m, acc, acc, entry);
        }
        pending = 0;
        i = j - 1;
    }
    sqr_n_mod(a, m, acc, acc, pending, o);
    a.mov(d, acc);
}

/// `d = x⁻¹ mod n` by Fermat's little theorem, `x^(n−2)` (n is prime; the caller has
/// checked x in [1, n−1]). The engine has no inversion unit: one inversion per verification
/// does not pay for the LUTs of a binary-GCD datapath (see `README-rtl.md`).
fn inv_mod_n(a: &mut Asm, d: Reg, x: Reg, curve: &Curve, tmp: &[Reg], o: &ProgramOptions) {
    a.comment("w = s^(n-2) mod n (Fermat)");
    let e = &curve.n - 2u32;
    pow_window(a, Modulus::N, d, x, &e, tmp, o);
}

/// `d = a^((p+1)/4)` for secp256k1 by libsecp256k1's addition chain (`secp256k1_fe_sqrt`):
/// blocks of ones of lengths {2, 22, 223}: 1, [2], 3, 6, 9, 11, [22], 44, 88, 176, 220, [223].
/// 253 squarings, 13 multiplications. Uses T1..T9; `x` must not be one of them.
fn sqrt_secp256k1(asm: &mut Asm, d: Reg, x: Reg, o: &ProgramOptions) {
    let [_, x2, x3, x6, x11, x22, x44, x88, x176, t1, ..] = T;
    asm.comment("sqrt: libsecp256k1 addition chain for (p+1)/4");
    asm.sqrp(x2, x);
    asm.mulp(x2, x2, x); // x2 = x^(2^2-1)
    asm.sqrp(x3, x2);
    asm.mulp(x3, x3, x); // x3
    sqr_n(asm, x6, x3, 3, o);
    asm.mulp(x6, x6, x3); // x6
    sqr_n(asm, x6, x6, 3, o);
    asm.mulp(x6, x6, x3); // x9 (in x6)
    sqr_n(asm, x11, x6, 2, o);
    asm.mulp(x11, x11, x2); // x11
    sqr_n(asm, x22, x11, 11, o);
    asm.mulp(x22, x22, x11); // x22
    sqr_n(asm, x44, x22, 22, o);
    asm.mulp(x44, x44, x22); // x44
    sqr_n(asm, x88, x44, 44, o);
    asm.mulp(x88, x88, x44); // x88
    sqr_n(asm, x176, x88, 88, o);
    asm.mulp(x176, x176, x88); // x176
    sqr_n(asm, x176, x176, 44, o);
    asm.mulp(x176, x176, x44); // x220 (in x176)
    sqr_n(asm, x176, x176, 3, o);
    asm.mulp(x176, x176, x3); // x223 (in x176)
    sqr_n(asm, t1, x176, 23, o);
    asm.mulp(t1, t1, x22);
    sqr_n(asm, t1, t1, 6, o);
    asm.mulp(t1, t1, x2);
    sqr_n(asm, d, t1, 2, o);
}

/// `d = x^e` by left-to-right square-and-multiply (generic curves). Uses no temporaries;
/// `d` must differ from `x`.
fn pow_generic(asm: &mut Asm, d: Reg, x: Reg, e: &BigUint) {
    let bits = e.bits();
    if bits == 0 {
        asm.mov(d, Src::c(c::ONE));
        return;
    }
    asm.mov(d, x);
    for i in (0..bits - 1).rev() {
        asm.sqrp(d, d);
        if e.bit(i) {
            asm.mulp(d, d, x);
        }
    }
}

/// Point doubling, `dbl-2009-l` (a = 0): (x3, y3, z3) = 2·(x, y, z). In place allowed.
/// Computed as D = 4·X·Y² = 2·X·(2B) and 8C = 8·Y⁴ = 2·(2B)² with 2B = B + B, instead of
/// D = 2((X+B)²-A-C) and three doublings of C: the same values with one squaring traded for a
/// multiplication (same cost here) and two fewer additions. 7 MULP + 10 ADDP/SUBP.
/// Uses t[0..4].
#[allow(clippy::too_many_arguments)]
fn dbl(a: &mut Asm, x: Reg, y: Reg, z: Reg, x3: Reg, y3: Reg, z3: Reg, t: &[Reg]) {
    let (t0, t1, t2, t3) = (t[0], t[1], t[2], t[3]);
    a.comment("dbl-2009-l");
    a.sqrp(t0, x); // A = X²
    a.sqrp(t1, y); // B = Y²
    a.mulp(z3, y, z); // Y·Z (last use of y, z)
    a.addp(z3, z3, z3); // Z3 = 2·Y·Z
    a.addp(t1, t1, t1); // 2B
    a.mulp(t2, x, t1); // 2·X·B
    a.addp(t2, t2, t2); // D = 4·X·B
    a.sqrp(t1, t1); // 4·C
    a.addp(t1, t1, t1); // 8·C
    a.addp(t3, t0, t0);
    a.addp(t0, t3, t0); // E = 3A
    a.sqrp(t3, t0); // F = E²
    a.subp(x3, t3, t2);
    a.subp(x3, x3, t2); // X3 = F - 2D
    a.subp(t2, t2, x3); // D - X3
    a.mulp(t2, t0, t2); // E·(D - X3)
    a.subp(y3, t2, t1); // Y3 = E·(D-X3) - 8C
}

/// Mixed addition `madd-2004-hmv` (Hankerson-Menezes-Vanstone, Guide to ECC, Alg. 3.22):
/// (x3, y3, z3) = (x1, y1, z1) + (x2, y2) with (x1, y1, z1) finite (z1 != 0). In place
/// allowed. With H = U2 - X1, r = S2 - Y1: Z3 = Z1·H, X3 = r² - H³ - 2·X1·H²,
/// Y3 = r·(X1·H² - X3) - Y1·H³. Chosen over `madd-2007-bl` (7M + 4S, 10 additions here)
/// because it needs the same 11 multiplications and only 7 additions, and every ADDP/SUBP is
/// a cycle on this engine. If `special` is given, branches there when U2 == X1 (equal x)
/// with S2 in t[2] and Y1 untouched, else assumes x differ. Uses t[0..5].
#[allow(clippy::too_many_arguments)]
fn madd(
    a: &mut Asm,
    x1: Reg,
    y1: Reg,
    z1: Reg,
    x2: Src,
    y2: Src,
    x3: Reg,
    y3: Reg,
    z3: Reg,
    t: &[Reg],
    special: Option<Label>,
) {
    let (t0, t1, t2, t3, t4) = (t[0], t[1], t[2], t[3], t[4]);
    a.comment("madd-2004-hmv");
    a.sqrp(t0, z1); // Z1²
    a.mulp(t2, t0, z1); // Z1³
    a.mulp(t1, t0, x2); // U2 = X2·Z1²
    a.mulp(t2, t2, y2); // S2 = Y2·Z1³
    if let Some(l) = special {
        a.cmp(t1, x1);
        a.br(Cond::Eq, l);
    }
    a.subp(t1, t1, x1); // H
    a.subp(t2, t2, y1); // r
    a.mulp(z3, z1, t1); // Z3 = Z1·H (last use of z1)
    a.sqrp(t4, t1); // H²
    a.mulp(t3, t4, t1); // H³
    a.mulp(t4, t4, x1); // X1·H² (last use of x1)
    a.addp(t1, t4, t4); // 2·X1·H²
    a.sqrp(x3, t2); // r²
    a.subp(x3, x3, t1);
    a.subp(x3, x3, t3); // X3 = r² - 2·X1·H² - H³
    a.subp(t4, t4, x3); // X1·H² - X3
    a.mulp(t4, t4, t2); // r·(X1·H² - X3)
    a.mulp(t3, t3, y1); // Y1·H³ (last use of y1)
    a.subp(y3, t4, t3); // Y3
}

/// Jacobian addition `add-2007-bl`: (x1, y1, z1) += (x2, y2, z2), both finite. Branches to
/// `special` when U1 == U2 (equal x), with S1 in t[4] and S2 in t[5].
/// 16 MULP + 11 ADDP/SUBP. Uses t[0..8].
#[allow(clippy::too_many_arguments)]
fn jadd(
    a: &mut Asm,
    x1: Reg,
    y1: Reg,
    z1: Reg,
    x2: Src,
    y2: Src,
    z2: Src,
    t: &[Reg],
    special: Label,
) {
    let (t0, t1, t2, t3, t4, t5, t6, t7) = (t[0], t[1], t[2], t[3], t[4], t[5], t[6], t[7]);
    a.comment("add-2007-bl");
    a.sqrp(t0, z1); // Z1Z1
    a.mulp(t1, z2, z2); // Z2Z2
    a.mulp(t2, x1, t1); // U1
    a.mulp(t3, x2, t0); // U2
    a.mulp(t4, z2, t1); // Z2³
    a.mulp(t4, y1, t4); // S1
    a.mulp(t5, z1, t0); // Z1³
    a.mulp(t5, y2, t5); // S2
    a.cmp(t2, t3);
    a.br(Cond::Eq, special);
    a.subp(t3, t3, t2); // H
    a.addp(t6, t3, t3);
    a.sqrp(t6, t6); // I = (2H)²
    a.mulp(t7, t3, t6); // J = H·I
    a.subp(t5, t5, t4);
    a.addp(t5, t5, t5); // r = 2·(S2 - S1)
    a.mulp(t6, t2, t6); // V = U1·I
    a.mulp(t4, t4, t7); // S1·J
    a.mulp(z1, z1, z2);
    a.addp(z1, z1, z1);
    a.mulp(z1, z1, t3); // Z3 = 2·Z1·Z2·H
    a.sqrp(x1, t5); // r²
    a.subp(x1, x1, t7);
    a.subp(x1, x1, t6);
    a.subp(x1, x1, t6); // X3 = r² - J - 2V
    a.subp(t6, t6, x1); // V - X3
    a.mulp(t6, t5, t6); // r·(V - X3)
    a.addp(t4, t4, t4); // 2·S1·J
    a.subp(y1, t6, t4); // Y3
}

/// The secp256k1 verification program (default options).
pub fn verify_program() -> Program {
    // The generator is deterministic and its output is covered by every ISS test; an
    // assembler error here is a bug in this file, reported by `try_verify_program`.
    match try_verify_program(&Curve::secp256k1(), &ProgramOptions::default()) {
        Ok(p) => p,
        Err(e) => Program {
            words: vec![],
            labels: Default::default(),
            listing: format!("assembler error: {e}"),
        },
    }
}

/// The verification program for `curve` (p ≡ 3 mod 4, a = 0).
pub fn verify_program_for(curve: &Curve) -> Result<Program, AsmError> {
    try_verify_program(curve, &ProgramOptions::default())
}

/// The verification program for `curve` with explicit options.
pub fn try_verify_program(curve: &Curve, o: &ProgramOptions) -> Result<Program, AsmError> {
    let mut a = Asm::new();
    let [ax, ay, az] = ACC;
    let bad_r = a.label("bad_r");
    let bad_s = a.label("bad_s");
    let bad_pk = a.label("bad_pubkey");
    let invalid = a.label("invalid");
    let valid = a.label("valid");

    // ---- r, s in [1, n-1] ----
    a.comment("r in [1, n-1]");
    a.cmp(R_R, Src::c(c::ZERO));
    a.br(Cond::Eq, bad_r);
    a.cmp(R_R, Src::c(c::N));
    a.br(Cond::Ge, bad_r);
    a.comment("s in [1, n-1]");
    a.cmp(R_U2, Src::c(c::ZERO));
    a.br(Cond::Eq, bad_s);
    a.cmp(R_U2, Src::c(c::N));
    a.br(Cond::Ge, bad_s);

    // ---- public key ----
    let [t0, t1, t2, ..] = T;
    let uncompressed = a.label("uncompressed");
    let decompress = a.label(labels::DECOMPRESS);
    let key_ok = a.label("key_ok");
    a.comment("Qx < p");
    a.cmp(R_QX, Src::c(c::P));
    a.br(Cond::Ge, bad_pk);
    a.comment("T0 = Qx³ + b");
    a.sqrp(t0, R_QX);
    a.mulp(t0, t0, R_QX);
    a.addp(t0, t0, Src::c(c::B));
    a.comment("prefix 4: uncompressed, 2/3: compressed, else BAD_PUBKEY");
    a.cmp(R_PREFIX, Src::c(c::FOUR));
    a.br(Cond::Eq, uncompressed);
    a.cmp(R_PREFIX, Src::c(c::TWO));
    a.br(Cond::Eq, decompress);
    a.cmp(R_PREFIX, Src::c(c::THREE));
    a.br(Cond::Ne, bad_pk);
    a.bind(decompress);
    if curve.is_secp256k1() {
        sqrt_secp256k1(&mut a, t1, t0, o);
    } else {
        pow_generic(&mut a, t1, t0, &((&curve.p + 1u32) >> 2));
    }
    a.comment("the root must square back, else x has no point");
    a.sqrp(t2, t1);
    a.cmp(t2, t0);
    a.br(Cond::Ne, bad_pk);
    a.comment("parity: negate when parity(y) != parity(prefix) (3 = odd)");
    a.add(t2, t1, R_PREFIX);
    a.odd(t2);
    let parity_ok = a.label("parity_ok");
    a.mov(R_QY, t1);
    a.br(Cond::Ev, parity_ok);
    a.subp(R_QY, Src::c(c::ZERO), t1);
    a.bind(parity_ok);
    a.jmp(key_ok);
    a.bind(uncompressed);
    a.comment("Qy < p and Qy² == Qx³ + b");
    a.cmp(R_QY, Src::c(c::P));
    a.br(Cond::Ge, bad_pk);
    a.sqrp(t1, R_QY);
    a.cmp(t1, t0);
    a.br(Cond::Ne, bad_pk);
    a.bind(key_ok);

    // ---- scalars ----
    if (BigUint::from(1u32) << 256u32) < (&curve.n << 1u32) {
        a.comment("z mod n (z < 2^256 < 2n: one conditional subtraction)");
        let zok = a.label("z_reduced");
        a.cmp(R_U1, Src::c(c::N));
        a.br(Cond::Lt, zok);
        a.sub(R_U1, R_U1, Src::c(c::N));
        a.bind(zok);
    } else {
        a.comment("z mod n");
        a.muln(R_U1, R_U1, Src::c(c::ONE));
    }
    a.comment("w = s^-1 mod n; u1 = z·w; u2 = r·w");
    // The Q table is not built yet: R6..R47 are free for the exponentiation.
    let scratch: Vec<Reg> = (6u8..=47).map(Reg).collect();
    inv_mod_n(&mut a, R_U2, R_U2, curve, &scratch, o);
    a.muln(R_U1, R_U1, R_U2);
    a.muln(R_U2, R_R, R_U2);

    // ---- Q table: k·Q, k = 1..15, Jacobian, stride 3 ----
    a.comment("Q table entry 1 = (Qx, Qy, 1)");
    a.mov(R_PREFIX, Src::c(c::ONE));
    let e = |k: u8| Q_TABLE.offset(3 * (k - 1));
    a.comment("2Q");
    dbl(
        &mut a,
        e(1),
        e(1).offset(1),
        e(1).offset(2),
        e(2),
        e(2).offset(1),
        e(2).offset(2),
        &T,
    );
    for k in 3u8..=15 {
        a.comment(format!("{k}Q = {}Q + Q", k - 1));
        let (p, q) = (e(k - 1), e(k));
        madd(
            &mut a,
            p,
            p.offset(1),
            p.offset(2),
            R_QX.into(),
            R_QY.into(),
            q,
            q.offset(1),
            q.offset(2),
            &T,
            None,
        );
    }

    // ---- Shamir loop ----
    let phase_a = a.label(labels::PHASE_A);
    let a_after_g = a.label("a_after_g");
    let a_after_q = a.label("a_after_q");
    let a_gcopy = a.label("a_gcopy");
    let a_qcopy = a.label("a_qcopy");
    let phase_b = a.label(labels::PHASE_B);
    let b_after_g = a.label("b_after_g");
    let b_after_q = a.label("b_after_q");
    let g_special = a.label(labels::G_SPECIAL);
    let q_special = a.label(labels::Q_SPECIAL);
    let final_ = a.label(labels::FINAL);

    a.comment("acc = infinity; LC = 63 (top window)");
    a.ldlc(63);
    a.bind(phase_a);
    a.win(R_U1, 2);
    a.br(Cond::Nwz, a_gcopy);
    a.bind(a_after_g);
    a.win(R_U2, 3);
    a.br(Cond::Nwz, a_qcopy);
    a.bind(a_after_q);
    a.djnz(phase_a);
    a.comment("R = u1·G + u2·Q is infinity");
    a.halt(INVALID);
    a.bind(a_gcopy);
    a.mov(ax, Src::c(c::G_TABLE).idx());
    a.mov(ay, Src::c(c::G_TABLE + 1).idx());
    a.mov(az, Src::c(c::ONE));
    a.jmp(b_after_g);
    a.bind(a_qcopy);
    a.mov(ax, Q_TABLE.idx());
    a.mov(ay, Q_TABLE.offset(1).idx());
    a.mov(az, Q_TABLE.offset(2).idx());
    a.jmp(b_after_q);

    a.bind(phase_b);
    for _ in 0..4 {
        dbl(&mut a, ax, ay, az, ax, ay, az, &T);
    }
    a.win(R_U1, 2);
    a.br(Cond::Wz, b_after_g);
    let (gx, gy) = (Src::c(c::G_TABLE).idx(), Src::c(c::G_TABLE + 1).idx());
    madd(&mut a, ax, ay, az, gx, gy, ax, ay, az, &T, Some(g_special));
    a.bind(b_after_g);
    a.win(R_U2, 3);
    a.br(Cond::Wz, b_after_q);
    let (qx, qy, qz) = (
        Q_TABLE.idx(),
        Q_TABLE.offset(1).idx(),
        Q_TABLE.offset(2).idx(),
    );
    jadd(&mut a, ax, ay, az, qx, qy, qz, &T, q_special);
    a.bind(b_after_q);
    a.djnz(phase_b);
    a.jmp(final_);

    a.bind(g_special);
    a.comment("equal x: same point -> double, opposite -> infinity (phase A)");
    a.cmp(T[2], ay); // S2 == Y1 ?
    a.br(Cond::Ne, a_after_g);
    a.here(labels::G_SPECIAL_DBL);
    dbl(&mut a, ax, ay, az, ax, ay, az, &T);
    a.jmp(b_after_g);

    a.bind(q_special);
    a.comment("equal x: same point -> double, opposite -> infinity (phase A)");
    a.cmp(T[4], T[5]); // S1 == S2 ? (add-2007-bl)
    a.br(Cond::Ne, a_after_q);
    a.here(labels::Q_SPECIAL_DBL);
    dbl(&mut a, ax, ay, az, ax, ay, az, &T);
    a.jmp(b_after_q);

    // ---- final check: X == r·Z² or (r+n)·Z² (mod p) ----
    a.bind(final_);
    if curve.n > curve.p {
        a.comment("r >= p cannot equal x(R) mod n < p (n > p on this curve)");
        a.cmp(R_R, Src::c(c::P));
        a.br(Cond::Ge, invalid);
    }
    a.sqrp(t0, az);
    a.mulp(t1, R_R, t0);
    a.cmp(ax, t1);
    a.br(Cond::Eq, valid);
    a.comment("r + n < p ?");
    a.cmp(R_R, Src::c(c::P_MINUS_N));
    a.br(Cond::Ge, invalid);
    a.here(labels::FINAL_R_PLUS_N);
    a.add(t2, R_R, Src::c(c::N));
    a.mulp(t1, t2, t0);
    a.cmp(ax, t1);
    a.br(Cond::Eq, valid);
    a.bind(invalid);
    a.halt(INVALID);
    a.bind(valid);
    a.halt(VALID);
    a.bind(bad_r);
    a.halt(BAD_R);
    a.bind(bad_s);
    a.halt(BAD_S);
    a.bind(bad_pk);
    a.halt(BAD_PUBKEY);
    a.finish()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn program_assembles_and_fits_the_rom() {
        let p = try_verify_program(&Curve::secp256k1(), &ProgramOptions::default()).unwrap();
        assert!(
            p.words.len() <= crate::ecdsa::isa::MAX_PROGRAM_WORDS,
            "{}",
            p.words.len()
        );
        assert_eq!(verify_program(), p);
        for l in [
            labels::PHASE_A,
            labels::PHASE_B,
            labels::FINAL,
            labels::FINAL_R_PLUS_N,
        ] {
            assert!(p.label(l).is_some(), "{l}");
        }
        let toy = verify_program_for(&Curve::toy43()).unwrap();
        assert!(toy.words.len() < p.words.len());
        let looped = ProgramOptions {
            max_unrolled_squarings: 0,
            squarings_per_loop_body: 1,
        };
        let pl = try_verify_program(&Curve::secp256k1(), &looped).unwrap();
        assert!(pl.words.len() < p.words.len());
    }
}
