//! The ECDSA arithmetic unit (hdl/src/ecdsa/modmul.rs) in Verilator against the
//! hardware-granularity model (hdl/src/ecdsa/arith_model.rs) and plain num-bigint:
//! result, exact latency (the published `MULP_LATENCY` / `MULN_LATENCY`) and `done` as a
//! one-cycle pulse.
//!
//! Case count: `SATCHAIN_PROPTEST_CASES` (default 256). Seed: fixed per test, overridden by
//! `SATCHAIN_SEED` (`testkit::seed`); always printed. A failing case is shrunk, then re-run with a VCD written to
//! `target/vcd/<test>-<seed>.vcd`, and the panic message names seed, inputs and VCD.

use std::cell::RefCell;
use std::path::Path;

use num_bigint::BigUint;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use satchain_hdl::ecdsa::arith_model::{self, Modulus};
use satchain_hdl::ecdsa::modmul::{MULN_LATENCY, MULP_LATENCY};
use verif::sim::{vcd_path, Model, PortId};

fn hex(h: &str) -> BigUint {
    BigUint::parse_bytes(h.as_bytes(), 16).unwrap()
}

fn two256() -> BigUint {
    BigUint::from(1u8) << 256u32
}

/// Edge operands: 0, 1, m-1, m, values near 2^256, values whose folds carry.
fn edges() -> Vec<BigUint> {
    let p = Modulus::P.value();
    let n = Modulus::N.value();
    let t = two256();
    vec![
        BigUint::from(0u8),
        BigUint::from(1u8),
        BigUint::from(2u8),
        &p - 1u8,
        &p - 2u8,
        p.clone(),
        &p + 1u8,
        &n - 1u8,
        &n - 2u8,
        n.clone(),
        &n + 1u8,
        &t - 1u8,
        &t - 2u8,
        BigUint::from(1u8) << 255u32,
        (BigUint::from(1u8) << 192u32) - 1u8,
        (BigUint::from(1u8) << 64u32) - 1u8,
        hex("ffffffffffffffff0000000000000000ffffffffffffffff0000000000000000"),
        hex("00000000fffffffffffffffffffffffffffffffffffffffffffffffffffffc2f"),
        hex("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd036413f"),
        hex("8000000000000000000000000000000000000000000000000000000000000001"),
    ]
}

fn operand() -> impl Strategy<Value = BigUint> {
    let e = edges();
    prop_oneof![
        3 => prop::array::uniform8(any::<u32>()).prop_map(|w| BigUint::from_slice(&w)),
        1 => (0..e.len()).prop_map(move |i| e[i].clone()),
        // few set bits / few clear bits: long carry chains in the folds
        1 => prop::collection::vec(0u32..256, 1..4).prop_map(|bits| {
            let mut v = BigUint::from(0u8);
            for b in bits { v.set_bit(b.into(), true); }
            v
        }),
        1 => prop::collection::vec(0u32..256, 1..4).prop_map(|bits| {
            let mut v = two256() - 1u8;
            for b in bits { v.set_bit(b.into(), false); }
            v
        }),
    ]
}

struct MulDut {
    m: Model,
    reset: PortId,
    start: PortId,
    a: PortId,
    b: PortId,
    modn: PortId,
    done: PortId,
    result: PortId,
}

impl MulDut {
    fn open(vcd: Option<&Path>) -> MulDut {
        let m = match vcd {
            Some(p) => Model::with_vcd("ecdsa_modmul", p),
            None => Model::new("ecdsa_modmul"),
        }
        .expect("ecdsa_modmul model (satchain_hdl::ecdsa::BLOCKS)");
        let mut d = MulDut {
            reset: m.port("reset").unwrap(),
            start: m.port("start").unwrap(),
            a: m.port("a").unwrap(),
            b: m.port("b").unwrap(),
            modn: m.port("modn").unwrap(),
            done: m.port("done").unwrap(),
            result: m.port("result").unwrap(),
            m,
        };
        d.m.set(d.reset, 1);
        d.m.ticks(2);
        d.m.set(d.reset, 0);
        d.m.eval();
        d
    }

    /// Runs one operation; returns (result, cycles from the start cycle to the done cycle).
    fn run(&mut self, a: &BigUint, b: &BigUint, modn: bool) -> Result<(BigUint, u32), String> {
        self.m.set_biguint(self.a, a);
        self.m.set_biguint(self.b, b);
        self.m.set(self.modn, modn as u64);
        self.m.set(self.start, 1);
        self.m.tick();
        self.m.set(self.start, 0);
        // Scramble the operand ports: the unit must have sampled them at start.
        self.m.set_biguint(self.a, &(two256() - 1u8));
        self.m.set_biguint(self.b, &(two256() - 1u8));
        self.m.set(self.modn, (!modn) as u64);
        let mut cycles = 1u32;
        loop {
            self.m.eval();
            if self.m.get(self.done) == 1 {
                let r = self.m.get_biguint(self.result);
                self.m.tick();
                if self.m.get(self.done) != 0 {
                    return Err("done is not a one-cycle pulse".into());
                }
                if self.m.get_biguint(self.result) != r {
                    return Err("result changed after done".into());
                }
                return Ok((r, cycles));
            }
            if cycles > 64 {
                return Err("no done within 64 cycles".into());
            }
            self.m.tick();
            cycles += 1;
        }
    }
}

fn check_mul(dut: &mut MulDut, a: &BigUint, b: &BigUint, modn: bool) -> Result<(), String> {
    let md = if modn { Modulus::N } else { Modulus::P };
    let model = arith_model::modmul(a, b, md).map_err(|e| format!("model: {e}"))?;
    let expect = (a * b) % md.value();
    if model.result != expect {
        return Err(format!("model {:x} != bignum {expect:x}", model.result));
    }
    let (r, cycles) = dut.run(a, b, modn)?;
    if r != expect {
        return Err(format!("RTL {r:x} != expected {expect:x}"));
    }
    let lat = if modn { MULN_LATENCY } else { MULP_LATENCY };
    if cycles != lat || cycles != model.latency {
        return Err(format!(
            "latency {cycles} cycles, published {lat}, model {}",
            model.latency
        ));
    }
    Ok(())
}

#[test]
fn ecdsa_modmul_matches_model() {
    let dut = RefCell::new(MulDut::open(None));

    // Every pair of edge operands, both moduli, back to back on one instance.
    for x in edges() {
        for y in edges() {
            for modn in [false, true] {
                if let Err(e) = check_mul(&mut dut.borrow_mut(), &x, &y, modn) {
                    let vcd = vcd_path("ecdsa_modmul-edges");
                    let _ = check_mul(&mut MulDut::open(Some(&vcd)), &x, &y, modn);
                    panic!(
                        "edge case a={x:x} b={y:x} modn={modn}: {e}; VCD {}",
                        vcd.display()
                    );
                }
            }
        }
    }

    let mut r = testkit::runner!("ecdsa_modmul_matches_model", 256);
    let s = r.config().rng_seed;
    let out = r.run(&(operand(), operand(), any::<bool>()), |(a, b, modn)| {
        check_mul(&mut dut.borrow_mut(), &a, &b, modn).map_err(TestCaseError::fail)
    });
    if let Err(e) = out {
        let vcd = vcd_path(&format!("ecdsa_modmul-{s}"));
        if let proptest::test_runner::TestError::Fail(_, (a, b, modn)) = &e {
            let again = check_mul(&mut MulDut::open(Some(&vcd)), a, b, *modn);
            panic!(
                "SATCHAIN_SEED={s} a={a:x} b={b:x} modn={modn}: {e}; fresh re-run: {again:?}; VCD {}",
                vcd.display()
            );
        }
        panic!("SATCHAIN_SEED={s}: {e}");
    }
}

/// `reset` in the middle of an operation aborts it (no `done`), and the next one is correct.
#[test]
fn ecdsa_modmul_reset_aborts() {
    let mut d = MulDut::open(None);
    let a = Modulus::P.value() - 5u8;
    d.m.set_biguint(d.a, &a);
    d.m.set_biguint(d.b, &a);
    d.m.set(d.modn, 1);
    d.m.set(d.start, 1);
    d.m.tick();
    d.m.set(d.start, 0);
    d.m.ticks(3);
    d.m.set(d.reset, 1);
    d.m.tick();
    d.m.set(d.reset, 0);
    for _ in 0..20 {
        d.m.eval();
        assert_eq!(d.m.get(d.done), 0, "no done after reset");
        d.m.tick();
    }
    check_mul(&mut d, &a, &BigUint::from(3u8), false).unwrap();
}

#[test]
fn ecdsa_modmul_vcd_trace_written() {
    let path = vcd_path("ecdsa_modmul-trace-selftest");
    let _ = std::fs::remove_file(&path);
    {
        let mut d = MulDut::open(Some(&path));
        check_mul(&mut d, &(two256() - 1u8), &(two256() - 1u8), false).unwrap();
        d.m.flush_vcd();
    }
    let text = std::fs::read_to_string(&path).expect("VCD written");
    assert!(
        text.contains("$var") && text.contains(" done "),
        "VCD has the ports"
    );
}
