//! Golden model of the arithmetic units at hardware granularity: the same 64-bit digits, the
//! same folds, the same word widths (every intermediate is taken mod 2^`ACC_BITS` exactly as the
//! RTL's wires), the same schedule and the same iteration semantics as `modmul.rs`.
//! Tests check it against plain num-bigint arithmetic; the Verilator tests check the RTL against
//! it (result, latency, iteration count).
//!
//! The model also checks the value bounds the RTL's widths rely on and reports a violation as
//! [`ArithModelError::Bound`] (it never silently wraps a value the hardware would need).

use super::modmul::{
    ACC_BITS, CN_HEX, CP_HEX, CY_BITS, MULN_LATENCY, MULP_LATENCY, N_HEX, P_HEX, SEG,
};
use num_bigint::BigUint;
use num_traits::{One, Zero};

/// Which modulus.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Modulus {
    /// The field prime p = 2^256 - 2^32 - 977.
    P,
    /// The group order n.
    N,
}

impl Modulus {
    /// The modulus value.
    pub fn value(self) -> BigUint {
        match self {
            Modulus::P => hex(P_HEX),
            Modulus::N => hex(N_HEX),
        }
    }
    /// 2^256 - m.
    pub fn complement(self) -> BigUint {
        match self {
            Modulus::P => hex(CP_HEX),
            Modulus::N => hex(CN_HEX),
        }
    }
}

/// A model failure: bad input, or a bound the RTL's widths rely on does not hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ArithModelError {
    /// An operand is not below 2^256.
    OperandTooWide {
        /// Which operand ("a" or "b").
        operand: &'static str,
        /// Its bit length.
        bits: u64,
    },
    /// An intermediate exceeded the bound the hardware word is sized for.
    Bound {
        /// Where (e.g. "PSTEP digit 2").
        what: String,
        /// Bit length found.
        bits: u64,
        /// Bit length allowed.
        limit: u64,
    },
}

impl std::fmt::Display for ArithModelError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ArithModelError::OperandTooWide { operand, bits } => {
                write!(f, "operand {operand} has {bits} bits, must be < 2^256")
            }
            ArithModelError::Bound { what, bits, limit } => {
                write!(
                    f,
                    "{what}: value has {bits} bits, hardware word allows {limit}"
                )
            }
        }
    }
}

impl std::error::Error for ArithModelError {}

fn hex(h: &str) -> BigUint {
    BigUint::parse_bytes(h.as_bytes(), 16).unwrap_or_default()
}

fn mask(bits: usize) -> BigUint {
    (BigUint::one() << bits) - 1u8
}

/// `x mod 2^ACC_BITS`: what a wire of the adder tree holds.
fn w(x: BigUint) -> BigUint {
    x & mask(ACC_BITS)
}

fn bound(what: impl Into<String>, x: &BigUint, limit: u64) -> Result<(), ArithModelError> {
    if x.bits() > limit {
        return Err(ArithModelError::Bound {
            what: what.into(),
            bits: x.bits(),
            limit,
        });
    }
    Ok(())
}

/// fold(h) = h * (2^32 + 977), as the RTL computes it: the sum of
/// `h << 32, h << 9, h << 8, h << 7, h << 6, h << 4, h` on an ACC_BITS-wide word.
pub fn fold_p(h: &BigUint) -> BigUint {
    let mut f = BigUint::zero();
    for s in [32u32, 9, 8, 7, 6, 4, 0] {
        f += w(h << s);
    }
    w(f)
}

/// One multiplier pass of the DSP array (256 x 68 bits) as the RTL presents it to the adder
/// tree: for each 17-bit row, the even columns' tile products concatenated (disjoint bit ranges)
/// and the odd columns' — 8 words, in the RTL's order E0, O0, E1, O1, ...
fn dsp_rows(a: &BigUint, b68: &BigUint) -> Vec<BigUint> {
    let mut rows = Vec::with_capacity(8);
    for row in 0..4usize {
        let b_slice = (b68 >> (17 * row)) & mask(17);
        let mut even = BigUint::zero();
        let mut odd = BigUint::zero();
        for col in 0..11usize {
            let aw = if col < 10 { 24 } else { 16 };
            let a_slice = (a >> (24 * col)) & mask(aw);
            let t = (&a_slice * &b_slice) << (24 * col + 17 * row);
            if col % 2 == 0 {
                even |= t;
            } else {
                odd |= t;
            }
        }
        rows.push(w(even));
        rows.push(w(odd));
    }
    rows
}

/// The accumulator as the RTL holds it: `a` (ACC_BITS) plus carries `cy` of weight 2^SEG.
/// Its value is `a + cy * 2^SEG`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SegAcc {
    /// The accumulator register.
    pub a: BigUint,
    /// The stored low-segment carries (< 2^CY_BITS).
    pub cy: BigUint,
}

impl SegAcc {
    /// The integer the pair stands for.
    pub fn value(&self) -> BigUint {
        &self.a + (&self.cy << SEG)
    }
}

/// One accumulator update: 9 operands (8 DSP row words, X), each split at SEG into a low and a
/// high part summed by two separate adders; the fold term `low_only` joins the low sum whole;
/// `cy_term` (the previous carries, already at their weight in units of 2^SEG) joins the high
/// sum.
fn seg_step(
    ops: &[BigUint],
    low_only: &BigUint,
    cy_term: &BigUint,
    what: &str,
) -> Result<SegAcc, ArithModelError> {
    // `low_only` (the fold term) is added whole to the low sum, as the RTL does.
    bound(format!("{what}: fold term"), low_only, 166)?;
    let mut low = low_only.clone();
    let mut high = cy_term.clone();
    for op in ops {
        low += op & mask(SEG);
        high += op >> SEG;
    }
    let exact = &low + (&high << SEG);
    // The high adder is ACC_BITS - SEG bits: the value must not lose anything there.
    bound(
        format!("{what}: high segment"),
        &high,
        (ACC_BITS - SEG) as u64,
    )?;
    bound(
        format!("{what}: low-segment carries"),
        &(&low >> SEG),
        CY_BITS as u64,
    )?;
    let next = SegAcc {
        a: (&low & mask(SEG)) | ((&high << SEG) & mask(ACC_BITS)),
        cy: (&low >> SEG) & mask(CY_BITS),
    };
    debug_assert_eq!(next.value(), exact);
    Ok(next)
}

/// The trace of one modelled multiplication.
#[derive(Clone, Debug)]
pub struct MulTrace {
    /// The accumulator after every update, in order.
    pub acc: Vec<SegAcc>,
    /// The fully reduced result.
    pub result: BigUint,
    /// Cycles from `start` to `done` (the published latency of the schedule that ran).
    pub latency: u32,
}

/// The final stage: `y` (< 2m), `y2 = y + (2^256 - m)`; result `y2 mod 2^256` if `y2 >= 2^256`.
fn final_stage(acc: &SegAcc, m: Modulus) -> Result<BigUint, ArithModelError> {
    let cy = (&acc.cy << SEG) & mask(257);
    let y = match m {
        Modulus::P => (&acc.a & mask(256)) + (fold_p(&(&acc.a >> 256u32)) & mask(257)) + cy,
        Modulus::N => {
            bound("final: acc before mod-n final", &acc.a, 257)?;
            (&acc.a & mask(257)) + cy
        }
    };
    // y < 2m is what makes one conditional subtraction enough (and y < 2^257 the word).
    if y >= m.value() * 2u8 {
        return Err(ArithModelError::Bound {
            what: "final: y >= 2m".into(),
            bits: y.bits(),
            limit: 257,
        });
    }
    // The RTL's y and y2 are 257-bit words.
    let y = y & mask(257);
    let y2 = (&y + m.complement()) & mask(257);
    if y2.bit(256) || y.bit(256) {
        Ok(y2 & mask(256))
    } else {
        Ok(y & mask(256))
    }
}

/// a * b mod m through the RTL's schedule.
pub fn modmul(a: &BigUint, b: &BigUint, m: Modulus) -> Result<MulTrace, ArithModelError> {
    if a.bits() > 256 {
        return Err(ArithModelError::OperandTooWide {
            operand: "a",
            bits: a.bits(),
        });
    }
    if b.bits() > 256 {
        return Err(ArithModelError::OperandTooWide {
            operand: "b",
            bits: b.bits(),
        });
    }
    let digit = |i: usize| (b >> (64 * i)) & mask(64);
    let mut acc = SegAcc::default();
    let mut trace = Vec::new();
    match m {
        Modulus::P => {
            for i in (0..4).rev() {
                // PSTEP: acc' = ((A << 64) mod 2^256) + fold(A >> 192) + a * b_i + cy * 2^(SEG+64)
                let mut ops = dsp_rows(a, &digit(i));
                ops.push(w(&acc.a << 64u32) & mask(256));
                let f = fold_p(&(&acc.a >> 192u32));
                acc = seg_step(&ops, &f, &(&acc.cy << 64u32), &format!("PSTEP digit {i}"))?;
                bound(format!("PSTEP digit {i}"), &acc.value(), 321)?;
                trace.push(acc.clone());
            }
            let result = final_stage(&acc, m)?;
            Ok(MulTrace {
                acc: trace,
                result,
                latency: MULP_LATENCY,
            })
        }
        Modulus::N => {
            for i in (0..4).rev() {
                // NSTEP: acc' = A << 64 + a * b_i + cy * 2^(SEG+64)  (needs A < 2^260)
                bound(format!("NSTEP digit {i}: acc in"), &acc.a, 260)?;
                let mut ops = dsp_rows(a, &digit(i));
                ops.push(w(&acc.a << 64u32));
                let z = BigUint::zero();
                acc = seg_step(&ops, &z, &(&acc.cy << 64u32), &format!("NSTEP digit {i}"))?;
                bound(format!("NSTEP digit {i}"), &acc.value(), 322)?;
                trace.push(acc.clone());
                // NFOLD: acc' = A mod 2^256 + c_n * (A >> 256) + cy * 2^SEG  (top: 68-bit B port)
                let top = (&acc.a >> 256u32) & mask(68);
                let mut ops = dsp_rows(&m.complement(), &top);
                ops.push(&acc.a & mask(256));
                let z = BigUint::zero();
                acc = seg_step(&ops, &z, &acc.cy, &format!("NFOLD digit {i}"))?;
                trace.push(acc.clone());
            }
            let result = final_stage(&acc, m)?;
            Ok(MulTrace {
                acc: trace,
                result,
                latency: MULN_LATENCY,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    fn cases() -> u32 {
        testkit::cases(2000)
    }

    fn edges(m: Modulus) -> Vec<BigUint> {
        let md = m.value();
        let top = mask(256);
        vec![
            BigUint::zero(),
            BigUint::one(),
            BigUint::from(2u8),
            &md - 1u8,
            &md - 2u8,
            md.clone(),
            &md + 1u8,
            top.clone(),
            &top - 1u8,
            BigUint::one() << 255u32,
            mask(192),
            mask(128),
            (BigUint::one() << 256u32) - m.complement() - 1u8,
            hex("fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2e"),
            hex("ffffffffffffffff0000000000000000ffffffffffffffff0000000000000000"),
        ]
    }

    #[test]
    fn arith_model_modmul_matches_bignum() {
        let seed = testkit::seed("arith_model_modmul_matches_bignum");
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        for m in [Modulus::P, Modulus::N] {
            let md = m.value();
            let mut ops: Vec<(BigUint, BigUint)> = Vec::new();
            for x in edges(m) {
                for y in edges(m) {
                    ops.push((x.clone(), y.clone()));
                }
            }
            for _ in 0..cases() {
                let mut x = [0u8; 32];
                let mut y = [0u8; 32];
                rng.fill(&mut x);
                rng.fill(&mut y);
                ops.push((BigUint::from_bytes_be(&x), BigUint::from_bytes_be(&y)));
            }
            for (x, y) in ops {
                let t = modmul(&x, &y, m)
                    .unwrap_or_else(|e| panic!("seed {seed} {m:?} {x:x} {y:x}: {e}"));
                assert_eq!(
                    t.result,
                    (&x * &y) % &md,
                    "seed {seed} {m:?} a={x:x} b={y:x}"
                );
            }
        }
    }
}
