//! Golden model of the [`Alu`](super::Alu): A-class semantics of ISA.md for any 256-bit
//! operands, exactly as the RTL computes them (also outside ISA.md's preconditions, where the
//! ISS reports an error instead: LIN/NEGC with operands >= p give the canonical `T mod p`, LIN's
//! reserved factor codes 6 and 7 act as 0, SHRR with imm = 0 shifts by 255).

use num_bigint::{BigInt, BigUint};
use num_traits::{One, Zero};

use super::op;

/// secp256k1 field prime p.
pub fn p() -> BigUint {
    (BigUint::one() << 256u32) - (BigUint::one() << 32u32) - 977u32
}

/// Outcome of one ALU operation (`None` = not written by this op).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AluOut {
    /// New value of S[d].
    pub write: Option<BigUint>,
    /// REC: the scalar k sent to the recoder.
    pub rec: Option<BigUint>,
    pub eq: Option<bool>,
    pub lt: Option<bool>,
    pub c: Option<bool>,
    pub od: Option<bool>,
}

/// LIN factor of a 3-bit code: {0:0, 1:1, 2:2, 3:3, 4:4, 5:8}; 6, 7 -> 0.
pub fn lin_factor(code: u8) -> u32 {
    match code & 7 {
        1 => 1,
        2 => 2,
        3 => 3,
        4 => 4,
        5 => 8,
        _ => 0,
    }
}

/// `v mod p` for a signed v, canonical.
fn mod_p(v: BigInt) -> BigUint {
    let p = BigInt::from(p());
    let r = ((v % &p) + &p) % &p;
    r.to_biguint().unwrap_or_default()
}

/// The result of A-class op `opcode` (ISA.md numbering, or [`op::LOAD`] with the job word in
/// `a`) with immediate `imm`, the thread's SG flag `sg` and operands `a`, `b` (< 2^256).
/// Opcodes that are not A-class return an empty [`AluOut`].
pub fn exec(opcode: u64, imm: u8, sg: bool, a: &BigUint, b: &BigUint) -> AluOut {
    let m256 = BigUint::one() << 256u32;
    let ai = BigInt::from(a.clone());
    let bi = BigInt::from(b.clone());
    let mut o = AluOut::default();
    match opcode {
        op::LIN => {
            let ka = lin_factor(imm);
            let kb = lin_factor(imm >> 3);
            let neg = imm & 0x40 != 0;
            let t = &ai * ka + if neg { -(&bi * kb) } else { &bi * kb };
            let r = mod_p(t);
            o.eq = Some(r.is_zero());
            o.write = Some(r);
        }
        op::NEGC => o.write = Some(if sg { mod_p(-ai) } else { mod_p(ai) }),
        op::ADD => {
            let s = a + b;
            o.c = Some(s >= m256);
            o.write = Some(s % &m256);
        }
        op::SUB => {
            o.c = Some(a < b);
            o.write = Some(((a + &m256) - b) % &m256);
        }
        op::CMP => {
            o.eq = Some(a == b);
            o.lt = Some(a < b);
        }
        op::MOV => o.write = Some(b.clone()),
        op::SHRR => {
            let s = u32::from(imm.wrapping_sub(1));
            let t = a >> s;
            let bit = &t & BigUint::one();
            o.write = Some((t >> 1u32) + bit);
        }
        op::ODD => o.od = Some(a.bit(0)),
        op::REC => o.rec = Some(a.clone()),
        op::LOAD => o.write = Some(a.clone()),
        _ => {}
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alu_model_examples() {
        let p = p();
        let one = BigUint::one();
        // LIN 3a - 8b with a = 1, b = 1: -5 mod p.
        let r = exec(op::LIN, 3 | (5 << 3) | 0x40, false, &one, &one);
        assert_eq!(r.write, Some(&p - 5u32));
        assert_eq!(r.eq, Some(false));
        // NEGC of 0 with SG is 0.
        assert_eq!(
            exec(op::NEGC, 0, true, &BigUint::zero(), &one).write,
            Some(BigUint::zero())
        );
        // SHRR rounds half up: (5 + 2) >> 2 = 1, (6 + 2) >> 2 = 2.
        assert_eq!(
            exec(op::SHRR, 2, false, &BigUint::from(5u32), &one).write,
            Some(one.clone())
        );
        assert_eq!(
            exec(op::SHRR, 2, false, &BigUint::from(6u32), &one).write,
            Some(BigUint::from(2u32))
        );
        // SUB borrows.
        let r = exec(op::SUB, 0, false, &one, &BigUint::from(2u32));
        assert_eq!(r.c, Some(true));
        assert_eq!(r.write, Some((BigUint::one() << 256u32) - 1u32));
    }
}
