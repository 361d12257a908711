//! Tests of the FieldMul golden model (`model.rs`): random and edge operands against the
//! num-bigint reference, bound checks, and an ignored dump of the adder plan.

use super::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;

fn cases() -> usize {
    std::env::var("SATCHAIN_PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(256)
}

fn seed() -> u64 {
    std::env::var("SATCHAIN_SEED")
        .ok()
        .and_then(|s| u64::from_str_radix(s.trim_start_matches("0x"), 16).ok())
        .unwrap_or(0x00f1_e1d0_u64)
}

const MODES: [Mode; 3] = [Mode::ModP, Mode::Lo, Mode::Hi];

use super::super::plan::PRODUCTS;

#[test]
fn fmul_plan_builds() {
    let pl = plan().unwrap();
    assert_eq!(pl.sa.len(), PRODUCTS);
    // the product stage's offset is a multiple of 2^512 (invisible to LO/HI)
    assert!((&pl.sc2.offset % (BigUint::one() << 512u32)).is_zero());
}

#[test]
fn fmul_model_edges_all_modes() {
    let e = edge_operands();
    for a in &e {
        for b in &e {
            for m in MODES {
                let got = fmul(a, b, m).unwrap_or_else(|err| {
                    panic!("a={a:x} b={b:x} {m:?}: {err}");
                });
                assert_eq!(got, reference(a, b, m), "a={a:x} b={b:x} {m:?}");
            }
        }
    }
}

#[test]
fn fmul_model_random_all_modes() {
    let s = seed();
    let mut rng = ChaCha20Rng::seed_from_u64(s);
    for n in 0..cases() {
        let mut op = || {
            let mut w = [0u32; 8];
            rng.fill(&mut w[..]);
            // sparse / dense patterns stress carries
            match n % 4 {
                0 => BigUint::from_slice(&w),
                1 => BigUint::from_slice(&w.map(|x| x | 0xffff_0000)),
                2 => BigUint::from_slice(&w.map(|x| x & 0x0101_0101)),
                _ => mask(256) - BigUint::from_slice(&w.map(|x| x & 0x0000_00ff)),
            }
        };
        let (a, b) = (op(), op());
        for m in MODES {
            let got = fmul(&a, &b, m)
                .unwrap_or_else(|e| panic!("SATCHAIN_SEED={s:x} a={a:x} b={b:x} {m:?}: {e}"));
            assert_eq!(got, reference(&a, &b, m), "SATCHAIN_SEED={s:x}");
        }
    }
}

#[test]
fn fmul_model_rejects_wide_operand() {
    let a = BigUint::one() << 256u32;
    assert!(matches!(
        fmul(&a, &BigUint::one(), Mode::ModP),
        Err(FmulModelError::OperandTooWide { operand: "a", .. })
    ));
}

#[test]
fn fmul_model_selects_both_variants() {
    // p-1 squared mod p = 1 (no subtraction); (2^256-1)^2 needs the U >= p variant or not:
    // both selections must occur over the edge set.
    let e = edge_operands();
    let mut seen = [false; 2];
    for a in &e {
        for b in &e {
            seen[usize::from(trace(a, b, Mode::ModP).unwrap().sel)] = true;
        }
    }
    assert_eq!(seen, [true, true]);
}

#[test]
fn fmul_model_hi_carry_occurs() {
    // The product's low half as the words hold it reaches 2^256 for some operands, so
    // the HI lookahead is exercised.
    let e = edge_operands();
    let n = e
        .iter()
        .flat_map(|a| e.iter().map(move |b| (a, b)))
        .filter(|(a, b)| trace(a, b, Mode::Hi).unwrap().cin)
        .count();
    assert!(n > 0);
}

#[allow(clippy::unwrap_used)]
mod dump {
    use super::super::super::plan::*;
    #[test]
    #[ignore]
    fn fmul_plan_dump() {
        let pl = plan().unwrap();
        let mut all: Vec<&Stage> = pl
            .sa
            .iter()
            .chain(pl.sb1.iter())
            .chain(pl.sb2.iter())
            .collect();
        all.push(&pl.sc1);
        all.push(&pl.sc2);
        all.push(&pl.r2);
        all.push(&pl.r3);
        for s in all {
            println!(
                "{} frame {} chunks {} off {:x} k.bits {} w.bits {} fields {:?}",
                s.name,
                s.frame,
                s.chunks,
                s.offset,
                s.k.bits(),
                s.w_bits.bits(),
                s.fields()
            );
            for i in &s.inputs {
                println!(
                    "   in {} bits {} ones {} neg {}",
                    i.what,
                    i.bits.bits(),
                    i.bits.count_ones(),
                    i.neg
                );
            }
        }
        println!(
            "r1 {} {} z {} kmodp {:x}",
            pl.r1_bits[0].bits(),
            pl.r1_bits[1].bits(),
            pl.z_bits.bits(),
            pl.kmodp
        );
    }
}
