//! Golden model of [`FieldMul`](super::FieldMul) at hardware granularity: the same quarters,
//! limbs and digits, the same DSP cascades (every 48-bit P register value), the same chunked
//! adders with the same inputs, constants, masks and carry fields ([`plan`](super::plan)), the
//! same folds and the same final carry-lookahead and selection. Every intermediate is checked
//! against the bound its hardware word is sized for, and every stage's output against the exact
//! integer it stands for (computed independently with num-bigint); a violation is an
//! [`FmulModelError`], never a silent wrap.

use super::plan::{
    cp, mask, p, plan, Plan, Stage, A_LIMB_OFF, A_LIMB_W, A_PORT, B_DIGIT, B_DIG_W, C977, CHUNK,
    COLS, QSET, R1_SLICE, R1_TILES, R3_LO, ROWS, WW,
};
use super::Mode;
use num_bigint::BigUint;
use num_traits::{One, Zero};

pub use super::model_check::FmulModelError;
use super::model_check::{bound, check, within};

/// A value in carry-save form: the integer `w + c`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Cs {
    /// Sum word.
    pub w: BigUint,
    /// Carry word (fields at chunk bases).
    pub c: BigUint,
}

impl Cs {
    /// The integer the pair stands for.
    pub fn value(&self) -> BigUint {
        &self.w + &self.c
    }
}

/// Evaluates a chunked adder exactly as the RTL: `t_i = in_i ^ inv_i`, per chunk the masked
/// sum of the `t_i` chunks and the constant's chunk, low 32 bits to `W`, the rest (the carry)
/// to `C` one chunk up; the top chunk unmasked, whole into `W`.
pub fn eval_stage(st: &Stage, ins: &[BigUint]) -> Result<Cs, FmulModelError> {
    if ins.len() != st.inputs.len() {
        return Err(FmulModelError::Mismatch {
            what: format!("{}: {} inputs given", st.name, ins.len()),
        });
    }
    let mut t = Vec::new();
    for (i, x) in ins.iter().enumerate() {
        within(
            format!("{} input {}", st.name, st.inputs[i].what),
            x,
            &st.inputs[i].bits,
        )?;
        t.push(x ^ &st.inv[i]);
    }
    let mut out = Cs::default();
    for c in 0..st.chunks {
        let lo = CHUNK * c;
        let top = c + 1 == st.chunks;
        let m = if top { mask(WW) } else { mask(CHUNK) };
        let mut s = (&st.k >> lo) & &m;
        for x in &t {
            s += (x >> lo) & &m;
        }
        bound(format!("{} chunk {c} sum", st.name), &s, &st.sum_max[c])?;
        if top {
            out.w |= s << lo;
        } else {
            out.w |= (&s & mask(CHUNK)) << lo;
            out.c |= (&s >> CHUNK) << (lo + CHUNK);
        }
    }
    within(format!("{} W", st.name), &out.w, &mask(WW))?;
    within(format!("{} C", st.name), &out.c, &st.c_bits)?;
    Ok(out)
}

/// `x << s`, checked to stay within a [`WW`]-bit word (what the wiring does).
fn shl(what: &str, x: &BigUint, s: usize) -> Result<BigUint, FmulModelError> {
    let y = x << s;
    within(format!("{what} << {s}"), &y, &mask(WW))?;
    Ok(y)
}

/// One column: the 4-DSP cascade `P_j = (P_{j-1} >> 17) + x·y_j`; the column word is the low
/// 17 bits of `P_0..P_2` and the whole `P_3`, placed at 17-bit steps.
pub fn column(x: u64, y: &[u64; ROWS]) -> Result<BigUint, FmulModelError> {
    bound("column x", &BigUint::from(x), &mask(A_PORT))?;
    let mut prev: u64 = 0;
    let mut col = BigUint::zero();
    for (j, &yj) in y.iter().enumerate() {
        bound("column y digit", &BigUint::from(yj), &mask(B_DIGIT))?;
        // x < 2^24, y_j < 2^17: the product and the cascade stay far below 2^47.
        let pj = (prev >> B_DIGIT) + x * yj;
        bound("column P register", &BigUint::from(pj), &mask(47))?;
        if j + 1 == ROWS {
            col |= BigUint::from(pj) << (B_DIGIT * j);
        } else {
            col |= BigUint::from(pj & ((1 << B_DIGIT) - 1)) << (B_DIGIT * j);
        }
        prev = pj;
    }
    Ok(col)
}

/// The second fold's DSP pair: `P_a = lo·977`, `P_b = (P_a >> 17) + hi·977` with
/// `lo = w[16:0]`, `hi = w >> 17`; the word is `P_a[16:0] + P_b·2^17`.
pub fn dsp_pair(w: u64) -> Result<BigUint, FmulModelError> {
    bound("pair input", &BigUint::from(w), &mask(R3_LO + A_PORT))?;
    let pa = (w & ((1 << R3_LO) - 1)) * C977;
    let pb = (pa >> R3_LO) + (w >> R3_LO) * C977;
    bound("pair P register", &BigUint::from(pb), &mask(47))?;
    Ok(BigUint::from(pa & ((1 << R3_LO) - 1)) | (BigUint::from(pb) << R3_LO))
}

/// `977·f` for each carry field of `c` (shifted down by `down`), the RTL's table word.
fn times977(st: &Stage, c: &BigUint, down: usize) -> BigUint {
    let mut t = BigUint::zero();
    for (pos, w) in st.fields() {
        if pos >= down {
            t |= (((c >> pos) & mask(w)) * C977) << (pos - down);
        }
    }
    t
}

fn u64_of(x: &BigUint) -> u64 {
    x.iter_u64_digits().next().unwrap_or(0)
}

/// Intermediate values of one modelled operation (for tests and debugging).
#[derive(Clone, Debug)]
pub struct Trace {
    /// Column words `[product][column]`.
    pub cols: Vec<[BigUint; COLS]>,
    /// The nine products.
    pub sa: Vec<Cs>,
    /// `D` per group.
    pub sb1: Vec<Cs>,
    /// `X` per group.
    pub sb2: Vec<Cs>,
    /// `E`.
    pub sc1: Cs,
    /// The product (plus its offset).
    pub sc2: Cs,
    /// First fold.
    pub r2: Cs,
    /// Second fold.
    pub r3: Cs,
    /// The HI mode's carry into bit 256 of the product.
    pub cin: bool,
    /// MODP: the result was `U + 2^32 + 977 - 2^256` (`U >= p`).
    pub sel: bool,
    /// The result.
    pub out: BigUint,
}

/// `a·b` in `mode` as the hardware computes it.
pub fn fmul(a: &BigUint, b: &BigUint, mode: Mode) -> Result<BigUint, FmulModelError> {
    Ok(trace(a, b, mode)?.out)
}

/// The expected result, by plain num-bigint arithmetic.
pub fn reference(a: &BigUint, b: &BigUint, mode: Mode) -> BigUint {
    let ab = a * b;
    match mode {
        Mode::ModP => ab % p(),
        Mode::Lo => ab & mask(256),
        Mode::Hi => ab >> 256u32,
    }
}

/// The digits `y_0..y_3` of a product's B operand, formed digit-serially with the carries the
/// RTL registers between digits.
fn b_digits(bq: &[BigUint; 4], set: &[bool; 4]) -> Result<[u64; ROWS], FmulModelError> {
    let mut y = [0u64; ROWS];
    let mut carry = BigUint::zero();
    for (j, yj) in y.iter_mut().enumerate() {
        let mut d = carry.clone();
        for (q, &inq) in set.iter().enumerate() {
            if inq {
                d += (&bq[q] >> (B_DIGIT * j)) & mask(B_DIG_W[j]);
            }
        }
        bound("B digit sum", &d, &mask(B_DIGIT + 2))?;
        *yj = u64_of(&(&d & mask(B_DIGIT)));
        carry = d >> B_DIGIT;
    }
    check("B digits: carry out of the last digit", carry.is_zero())?;
    Ok(y)
}

/// The full trace of one operation.
pub fn trace(a: &BigUint, b: &BigUint, mode: Mode) -> Result<Trace, FmulModelError> {
    for (name, x) in [("a", a), ("b", b)] {
        if x.bits() > 256 {
            return Err(FmulModelError::OperandTooWide {
                operand: name,
                bits: x.bits(),
            });
        }
    }
    let pl: &Plan = plan()?;
    let aq: [BigUint; 4] = std::array::from_fn(|q| (a >> (64 * q)) & mask(64));
    let bq: [BigUint; 4] = std::array::from_fn(|q| (b >> (64 * q)) & mask(64));
    let qsum = |v: &[BigUint; 4], set: &[bool; 4]| -> BigUint {
        set.iter()
            .zip(v.iter())
            .filter(|(s, _)| **s)
            .map(|(_, x)| x.clone())
            .sum()
    };

    // ---- pre-add and DSP columns ----
    let mut cols = Vec::new();
    let mut sa = Vec::new();
    for (pi, set) in QSET.iter().enumerate() {
        let y = b_digits(&bq, set)?;
        let yval: BigUint = y
            .iter()
            .enumerate()
            .map(|(j, &d)| BigUint::from(d) << (B_DIGIT * j))
            .sum();
        check(format!("product {pi}: B digits"), yval == qsum(&bq, set))?;
        let mut c: [BigUint; COLS] = Default::default();
        let mut xval = BigUint::zero();
        for i in 0..COLS {
            let mut x = BigUint::zero();
            for (q, &inq) in set.iter().enumerate() {
                if inq {
                    x += (&aq[q] >> A_LIMB_OFF[i]) & mask(A_LIMB_W[i]);
                }
            }
            bound(format!("product {pi} limb {i}"), &x, &mask(A_PORT))?;
            xval += &x << A_LIMB_OFF[i];
            c[i] = column(u64_of(&x), &y)?;
            check(format!("product {pi} column {i}"), c[i] == &x * &yval)?;
        }
        check(format!("product {pi}: A limbs"), xval == qsum(&aq, set))?;
        let ins = [
            c[0].clone(),
            shl("col1", &c[1], A_LIMB_OFF[1])?,
            shl("col2", &c[2], A_LIMB_OFF[2])?,
        ];
        let v = eval_stage(&pl.sa[pi], &ins)?;
        check(
            format!("product {pi}"),
            v.value() == &xval * &yval + &pl.sa[pi].offset,
        )?;
        sa.push(v);
        cols.push(c);
    }

    // ---- level-2 Karatsuba per group ----
    let mut sb1 = Vec::new();
    let mut sb2 = Vec::new();
    for g in 0..3 {
        let (l, h, m) = (&sa[3 * g], &sa[3 * g + 1], &sa[3 * g + 2]);
        let d = eval_stage(
            &pl.sb1[g],
            &[
                m.w.clone(),
                m.c.clone(),
                l.w.clone(),
                l.c.clone(),
                h.w.clone(),
                h.c.clone(),
            ],
        )?;
        let dtrue = m.value() - l.value() - h.value();
        check(format!("D{g}"), d.value() == &dtrue + &pl.sb1[g].offset)?;
        let x = eval_stage(
            &pl.sb2[g],
            &[
                l.w.clone(),
                l.c.clone(),
                shl("H.w", &h.w, 128)?,
                shl("H.c", &h.c, 128)?,
                shl("D.w", &d.w, 64)?,
                shl("D.c", &d.c, 64)?,
            ],
        )?;
        let (sa_, sb_) = match g {
            0 => (&aq[0] + (&aq[1] << 64), &bq[0] + (&bq[1] << 64)),
            1 => (&aq[2] + (&aq[3] << 64), &bq[2] + (&bq[3] << 64)),
            _ => (
                &aq[0] + &aq[2] + ((&aq[1] + &aq[3]) << 64),
                &bq[0] + &bq[2] + ((&bq[1] + &bq[3]) << 64),
            ),
        };
        check(format!("X{g}"), x.value() == sa_ * sb_ + &pl.sb2[g].offset)?;
        sb1.push(d);
        sb2.push(x);
    }

    // ---- level-1 Karatsuba ----
    let (x0, x1, x2) = (&sb2[0], &sb2[1], &sb2[2]);
    let sc1 = eval_stage(
        &pl.sc1,
        &[
            x2.w.clone(),
            x2.c.clone(),
            x0.w.clone(),
            x0.c.clone(),
            x1.w.clone(),
            x1.c.clone(),
        ],
    )?;
    let xt = |g: usize| sb2[g].value() - &pl.sb2[g].offset;
    check("E", sc1.value() == xt(2) - xt(0) - xt(1) + &pl.sc1.offset)?;
    let sc2 = eval_stage(
        &pl.sc2,
        &[
            x0.w.clone(),
            x0.c.clone(),
            shl("X1.w", &x1.w, 256)?,
            shl("X1.c", &x1.c, 256)?,
            shl("E.w", &sc1.w, 128)?,
            shl("E.c", &sc1.c, 128)?,
        ],
    )?;
    check("product", sc2.value() == a * b + &pl.sc2.offset)?;

    // ---- HI: carry of the product's low half into bit 256 (lookahead over its chunks) ----
    let cin = mode == Mode::Hi && lookahead_carry(&sc2)?;

    // ---- first fold: DSP tiles beta·Hi_i + gamma·Lo_i ----
    let (beta, gamma): (u64, u64) = match mode {
        Mode::ModP => (C977, 1),
        Mode::Lo => (0, 1),
        Mode::Hi => (1, 0),
    };
    let hi_w = &sc2.w >> 256;
    let lo_w = &sc2.w & mask(256);
    let mut eo = [BigUint::zero(), BigUint::zero()];
    for i in 0..R1_TILES {
        let ah = u64_of(&((&hi_w >> (R1_SLICE * i)) & mask(R1_SLICE)));
        let cl = u64_of(&((&lo_w >> (R1_SLICE * i)) & mask(R1_SLICE)));
        // A (24 bits) x B (977) + C (24 bits): < 2^35, far below the 48-bit P register.
        let t = ah * beta + cl * gamma;
        eo[i % 2] |= BigUint::from(t) << (R1_SLICE * i);
    }
    check(
        "fold tiles",
        &eo[0] + &eo[1] == &hi_w * beta + &lo_w * gamma,
    )?;
    let c_lo = &sc2.c & mask(256);
    let c_hi = &sc2.c >> 256;
    let z = BigUint::zero();
    let gate = |on: bool, x: BigUint| if on { x } else { BigUint::zero() };
    let modp = mode == Mode::ModP;
    let r2 = eval_stage(
        &pl.r2,
        &[
            eo[0].clone(),
            eo[1].clone(),
            gate(modp, shl("Hi.w", &hi_w, 32)?),
            gate(mode != Mode::Hi, c_lo.clone()),
            gate(modp, shl("Hi.c", &c_hi, 32)?),
            gate(mode == Mode::Hi, c_hi.clone()),
            gate(modp, times977(&pl.sc2, &sc2.c, 256)),
        ],
    )?;
    let lo_v = &lo_w + &c_lo;
    let hi_v = &hi_w + &c_hi;
    let t_exp = match mode {
        Mode::ModP => &lo_v + &hi_v * cp(),
        Mode::Lo => lo_v.clone(),
        Mode::Hi => hi_v.clone(),
    };
    check("first fold", r2.value() == t_exp)?;

    // ---- second fold ----
    let wtop = &r2.w >> 256;
    let c8 = &r2.c >> 256;
    let zw = if modp { dsp_pair(u64_of(&wtop))? } else { z };
    check("second fold DSP pair", !modp || zw == &wtop * C977)?;
    let r3 = eval_stage(
        &pl.r3,
        &[
            &r2.w & mask(256),
            &r2.c & mask(256),
            gate(modp, shl("Ttop", &wtop, 32)?),
            gate(modp, shl("c8", &c8, 32)?),
            zw,
            gate(modp, times977(&pl.r2, &r2.c, 256)),
            gate(modp, pl.kmodp.clone()),
        ],
    )?;
    let t_lo = (&r2.w & mask(256)) + (&r2.c & mask(256));
    let u_exp = if modp {
        &t_lo + (&wtop + &c8) * cp() + &pl.kmodp
    } else {
        t_lo
    };
    check("second fold", r3.value() == u_exp)?;
    if modp {
        check("second fold mod p", r3.value() % p() == a * b % p())?;
    }

    // ---- final carry propagation and selection ----
    let (out, sel) = finish(&r3, mode, cin)?;
    check("result", out == reference(a, b, mode))?;
    Ok(Trace {
        cols,
        sa,
        sb1,
        sb2,
        sc1,
        sc2,
        r2,
        r3,
        cin,
        sel,
        out,
    })
}

/// Chunk `k` (32 bits) of `x`.
fn chunk(x: &BigUint, k: usize) -> BigUint {
    (x >> (CHUNK * k)) & mask(CHUNK)
}

/// Whether `sum_{k<8} (W_k + c_k)·2^(32k)` (the product's low half as its words hold it)
/// reaches 2^256: chunk sums, then generate/propagate lookahead, as the RTL.
fn lookahead_carry(v: &Cs) -> Result<bool, FmulModelError> {
    let mut carry = false;
    for k in 0..8 {
        let s = chunk(&v.w, k)
            + if k == 0 {
                BigUint::zero()
            } else {
                chunk(&v.c, k)
            };
        bound("HI lookahead chunk sum", &s, &mask(CHUNK + 1))?;
        let g = s.bit(32);
        let pr = (&s & mask(CHUNK)) == mask(CHUNK);
        carry = g || (pr && carry);
    }
    check(
        "HI lookahead",
        carry == ((&v.w & mask(256)) + (&v.c & mask(256)) >= BigUint::one() << 256),
    )?;
    Ok(carry)
}

/// The final unit: chunk sums `σ_k = W_k + c_k` with the second fold's carry `u8` folded in
/// (MODP: `977·u8` into chunk 0, `u8` into chunk 1) and the HI carry in chunk 0; variant B adds
/// 2^32 + 977 (chunks 0 and 1); lookahead carries for both variants; MODP selects B when it
/// reaches 2^256 (`U >= p`); each chunk adds its carry-in.
fn finish(u: &Cs, mode: Mode, cin: bool) -> Result<(BigUint, bool), FmulModelError> {
    let modp = mode == Mode::ModP;
    let u8v = &u.c >> 256;
    bound("U carry at 2^256", &u8v, &mask(3))?;
    let f0 = if modp { &u8v * C977 } else { BigUint::zero() };
    let f1 = if modp { u8v.clone() } else { BigUint::zero() };
    let mut s: Vec<BigUint> = (0..8)
        .map(|k| {
            chunk(&u.w, k)
                + if k == 0 {
                    BigUint::zero()
                } else {
                    chunk(&u.c, k)
                }
        })
        .collect();
    s[0] += &f0 + u8::from(cin);
    s[1] += &f1;
    let sb0 = chunk(&u.w, 0) + (&u8v + 1u8) * C977;
    let sb1 = &s[1] + 1u8;
    for (k, x) in s.iter().enumerate() {
        bound(format!("final chunk sum {k}"), x, &mask(CHUNK + 1))?;
    }
    bound("final chunk sum 0 (B)", &sb0, &mask(CHUNK + 1))?;
    bound("final chunk sum 1 (B)", &sb1, &mask(CHUNK + 1))?;
    let g: Vec<bool> = s.iter().map(|x| x.bit(32)).collect();
    let pr: Vec<bool> = s.iter().map(|x| (x & mask(CHUNK)) == mask(CHUNK)).collect();
    let mut ca = [false; 9];
    let mut cb = [false; 9];
    ca[1] = g[0];
    cb[1] = sb0.bit(32);
    cb[2] = sb1.bit(32) || ((&sb1 & mask(CHUNK)) == mask(CHUNK) && cb[1]);
    for k in 1..8 {
        ca[k + 1] = g[k] || (pr[k] && ca[k]);
        if k >= 2 {
            cb[k + 1] = g[k] || (pr[k] && cb[k]);
        }
    }
    let sel = modp && cb[8];
    let mut out = BigUint::zero();
    for k in 0..8 {
        let base = match (sel, k) {
            (true, 0) => &sb0,
            (true, 1) => &sb1,
            _ => &s[k],
        };
        let cc = if sel { cb[k] } else { ca[k] };
        out |= (((base & mask(CHUNK)) + u8::from(cc)) & mask(CHUNK)) << (CHUNK * k);
    }
    Ok((out, sel))
}

/// Every pair of values in `set` with every mode, through the model; for tests.
pub fn edge_operands() -> Vec<BigUint> {
    let pv = p();
    let t = BigUint::one() << 256u32;
    let h = |s: &str| BigUint::parse_bytes(s.as_bytes(), 16).unwrap_or_default();
    vec![
        BigUint::zero(),
        BigUint::one(),
        BigUint::from(2u8),
        BigUint::from(977u32),
        &pv - 1u8,
        &pv - 2u8,
        pv.clone(),
        &pv + 1u8,
        &t - 1u8,
        &t - 2u8,
        BigUint::one() << 255u32,
        (BigUint::one() << 128u32) - 1u8,
        BigUint::one() << 128u32,
        (BigUint::one() << 64u32) - 1u8,
        (BigUint::one() << 192u32) - 1u8,
        // Karatsuba sums with carries: A0 + A1 and every quarter pair overflow.
        h("ffffffffffffffffffffffffffffffffffffffffffffffff0000000000000001"),
        h("ffffffffffffffff0000000000000000ffffffffffffffff0000000000000000"),
        h("0000000000000000ffffffffffffffff0000000000000000ffffffffffffffff"),
        h("8000000000000000800000000000000080000000000000008000000000000000"),
        // limb / digit boundaries: all ones in a limb, a digit
        h("00000000000000000000000000000000000000000000000000003fffff3fffff"),
        h("000000000001ffff000000000001ffff000000000001ffff000000000001ffff"),
        // near p: fold carries
        h("fffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff"),
        h("00000000000000000000000000000000000000000000000000000001000003d1"),
        h("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141"),
    ]
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#[path = "model_tests.rs"]
mod tests;
