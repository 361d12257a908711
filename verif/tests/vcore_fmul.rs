//! VerifyCore `FieldMul` (hdl/src/vcore/fmul) in Verilator against its hardware-granularity
//! model (`fmul::model`) and plain num-bigint: streams of back-to-back operations with random
//! modes (the reserved mode 3 included) and tags, every edge pair in every mode, bubbles
//! (`in_valid` low) between operations, a reset that drops the operations in flight. Each
//! result is checked for value, tag and exact latency ([`FMUL_LATENCY`]); `out_valid` must be
//! high exactly when a result is due. The DSP leaves have their own test
//! (`vcore_fmul_leaves_exact`).
//!
//! Seed: `SATCHAIN_SEED` (hex) or the fixed default; printed on failure. Case count:
//! `SATCHAIN_PROPTEST_CASES` (default 256). A failing stream is shrunk, re-run on a fresh model
//! with a VCD written to `target/vcd/`, and the panic message names seed, operation and VCD.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::VecDeque;
use std::path::Path;

use num_bigint::BigUint;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};
use satchain_hdl::vcore::fmul::leaf::{ADD_LATENCY, COL_LATENCY, PAIR_LATENCY};
use satchain_hdl::vcore::fmul::leaf_top::{ADD_SHIFT, COL_SHIFT};
use satchain_hdl::vcore::fmul::model::{self, edge_operands};
use satchain_hdl::vcore::fmul::plan::C977;
use satchain_hdl::vcore::fmul::{Mode, FMUL_LATENCY};
use verif::sim::{vcd_path, Model, PortId};

/// Fixed default seed (the same verdict on every run of a commit).
const DEFAULT_SEED: &str = "f1e1d0f1e1d0f1e1d0f1e1d0f1e1d0f1e1d0f1e1d0f1e1d0f1e1d0f1e1d0f1e1";

fn cases() -> u32 {
    std::env::var("SATCHAIN_PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(256)
}

/// `SATCHAIN_SEED` (hex, up to 64 digits) or the default.
fn seed() -> [u8; 32] {
    let h = std::env::var("SATCHAIN_SEED").unwrap_or_else(|_| DEFAULT_SEED.into());
    let v = BigUint::parse_bytes(h.trim_start_matches("0x").as_bytes(), 16)
        .expect("SATCHAIN_SEED must be hex");
    let b = v.to_bytes_le();
    let mut s = [0u8; 32];
    s[..b.len().min(32)].copy_from_slice(&b[..b.len().min(32)]);
    s
}

fn hex_seed(s: &[u8; 32]) -> String {
    format!("{:064x}", BigUint::from_bytes_le(s))
}

fn runner(s: &[u8; 32]) -> TestRunner {
    let config = Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    };
    TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, s))
}

/// One issue: operands, `mode` port value (0..=3), tag, and `gap` idle cycles before it.
#[derive(Clone, Debug)]
struct Op {
    a: BigUint,
    b: BigUint,
    mode: u8,
    tag: u16,
    gap: u8,
}

struct Dut {
    m: Model,
    reset: PortId,
    in_valid: PortId,
    a: PortId,
    b: PortId,
    mode: PortId,
    in_tag: PortId,
    out_valid: PortId,
    out: PortId,
    out_tag: PortId,
}

impl Dut {
    fn open(vcd: Option<&Path>) -> Dut {
        let m = match vcd {
            Some(p) => Model::with_vcd("vcore_fmul", p),
            None => Model::new("vcore_fmul"),
        }
        .expect("vcore_fmul model (satchain_hdl::vcore::BLOCKS)");
        let mut d = Dut {
            reset: m.port("reset").unwrap(),
            in_valid: m.port("in_valid").unwrap(),
            a: m.port("a").unwrap(),
            b: m.port("b").unwrap(),
            mode: m.port("mode").unwrap(),
            in_tag: m.port("in_tag").unwrap(),
            out_valid: m.port("out_valid").unwrap(),
            out: m.port("out").unwrap(),
            out_tag: m.port("out_tag").unwrap(),
            m,
        };
        d.m.set(d.reset, 1);
        d.m.ticks(2);
        d.m.set(d.reset, 0);
        d.m.eval();
        d
    }

    /// Drives `ops` (with their gaps) back to back and checks every result as it appears:
    /// value against the model and num-bigint, tag, and that it appears exactly
    /// `FMUL_LATENCY` cycles after its issue cycle; `out_valid` low whenever nothing is due.
    /// Idle inputs are scrambled (the unit must ignore them). Returns the number of cycles.
    fn run(&mut self, ops: &[Op]) -> Result<u64, String> {
        let lat = u64::from(FMUL_LATENCY);
        // (issue cycle, index, expected, tag)
        let mut due: VecDeque<(u64, usize, BigUint, u16)> = VecDeque::new();
        let mut cycle = 0u64;
        let junk = (BigUint::from(1u8) << 256u32) - 1u8;
        let mut next = 0usize;
        let mut gap_left = ops.first().map_or(0, |o| o.gap);
        while next < ops.len() || !due.is_empty() {
            let issue = next < ops.len() && gap_left == 0;
            if issue {
                let o = &ops[next];
                let mode = Mode::from_code(o.mode);
                let want = model::fmul(&o.a, &o.b, mode)
                    .map_err(|e| format!("op {next}: model error {e}"))?;
                let reference = model::reference(&o.a, &o.b, mode);
                if want != reference {
                    return Err(format!(
                        "op {next}: model {want:x} != num-bigint {reference:x}"
                    ));
                }
                self.m.set(self.in_valid, 1);
                self.m.set_biguint(self.a, &o.a);
                self.m.set_biguint(self.b, &o.b);
                self.m.set(self.mode, u64::from(o.mode));
                self.m.set(self.in_tag, u64::from(o.tag));
                due.push_back((cycle, next, want, o.tag));
                next += 1;
                gap_left = ops.get(next).map_or(0, |o| o.gap);
            } else {
                self.m.set(self.in_valid, 0);
                self.m.set_biguint(self.a, &junk);
                self.m.set_biguint(self.b, &(&junk - cycle));
                self.m.set(self.mode, cycle & 3);
                self.m.set(self.in_tag, 0xdead);
                gap_left = gap_left.saturating_sub(1);
            }
            self.m.tick();
            // After the edge ending cycle `cycle`: the output register holds cycle + 1.
            let v = self.m.get(self.out_valid);
            let expect_now = due.front().is_some_and(|d| d.0 + lat == cycle + 1);
            if v == 1 && !expect_now {
                return Err(format!(
                    "out_valid high in cycle {} with nothing due",
                    cycle + 1
                ));
            }
            if expect_now {
                let (issued, idx, want, tag) = due.pop_front().unwrap_or_default();
                if v != 1 {
                    return Err(format!(
                        "op {idx} (issued cycle {issued}): out_valid low in cycle {}",
                        issued + lat
                    ));
                }
                let got = self.m.get_biguint(self.out);
                if got != want {
                    return Err(format!("op {idx}: RTL {got:x} != expected {want:x}"));
                }
                let got_tag = self.m.get(self.out_tag);
                if got_tag != u64::from(tag) {
                    return Err(format!("op {idx}: tag {got_tag:x} != {tag:x}"));
                }
            }
            cycle += 1;
            if cycle > (ops.len() as u64) * 8 + 4 * lat + 64 {
                return Err("stream did not drain".into());
            }
        }
        Ok(cycle)
    }
}

fn operand() -> impl Strategy<Value = BigUint> {
    let e = edge_operands();
    let two256 = BigUint::from(1u8) << 256u32;
    prop_oneof![
        4 => prop::array::uniform8(any::<u32>()).prop_map(|w| BigUint::from_slice(&w)),
        1 => (0..e.len()).prop_map(move |i| e[i].clone()),
        // few set bits / few clear bits: long carry chains
        1 => prop::collection::vec(0u32..256, 1..4).prop_map(|bits| {
            let mut v = BigUint::from(0u8);
            for b in bits { v.set_bit(b.into(), true); }
            v
        }),
        1 => prop::collection::vec(0u32..256, 1..4).prop_map(move |bits| {
            let mut v = &two256 - 1u8;
            for b in bits { v.set_bit(b.into(), false); }
            v
        }),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    (
        operand(),
        operand(),
        0u8..4,
        any::<u16>(),
        prop_oneof![4 => Just(0u8), 1 => 1u8..4],
    )
        .prop_map(|(a, b, mode, tag, gap)| Op {
            a,
            b,
            mode,
            tag,
            gap,
        })
}

/// Re-runs a failing stream on a fresh model with a VCD; returns its path and the outcome.
fn replay_with_vcd(stem: &str, ops: &[Op]) -> (std::path::PathBuf, Result<u64, String>) {
    let vcd = vcd_path(stem);
    let r = Dut::open(Some(&vcd)).run(ops);
    (vcd, r)
}

#[test]
fn vcore_fmul_edge_pairs_every_mode() {
    let e = edge_operands();
    let mut ops = Vec::new();
    for (i, a) in e.iter().enumerate() {
        for (j, b) in e.iter().enumerate() {
            for mode in 0..3u8 {
                ops.push(Op {
                    a: a.clone(),
                    b: b.clone(),
                    mode,
                    tag: u16::try_from((i * e.len() + j) * 3 + usize::from(mode)).unwrap(),
                    gap: 0,
                });
            }
        }
    }
    let mut d = Dut::open(None);
    if let Err(msg) = d.run(&ops) {
        let (vcd, again) = replay_with_vcd("vcore_fmul-edges", &ops);
        panic!(
            "edge stream: {msg}; fresh re-run: {again:?}; VCD {}",
            vcd.display()
        );
    }
}

#[test]
fn vcore_fmul_random_streams() {
    let s = seed();
    let dut = std::cell::RefCell::new(Dut::open(None));
    let mut r = runner(&s);
    let out = r.run(&prop::collection::vec(op(), 1..48), |ops| {
        dut.borrow_mut()
            .run(&ops)
            .map(|_| ())
            .map_err(TestCaseError::fail)
    });
    if let Err(e) = out {
        if let proptest::test_runner::TestError::Fail(why, ops) = &e {
            let (vcd, again) = replay_with_vcd(&format!("vcore_fmul-{}", hex_seed(&s)), ops);
            panic!(
                "SATCHAIN_SEED={}: {why}; stream of {} ops {ops:x?}; fresh re-run: {again:?}; VCD {}",
                hex_seed(&s),
                ops.len(),
                vcd.display()
            );
        }
        panic!("SATCHAIN_SEED={}: {e}", hex_seed(&s));
    }
}

/// A reset drops the operations in flight (no `out_valid` for them) and the unit works
/// normally afterwards.
#[test]
fn vcore_fmul_reset_drops_in_flight() {
    let mut d = Dut::open(None);
    let a = model::edge_operands()[8].clone();
    d.m.set(d.in_valid, 1);
    d.m.set_biguint(d.a, &a);
    d.m.set_biguint(d.b, &a);
    d.m.set(d.mode, 0);
    for _ in 0..5 {
        d.m.tick();
    }
    d.m.set(d.in_valid, 0);
    d.m.ticks(3);
    d.m.set(d.reset, 1);
    d.m.tick();
    d.m.set(d.reset, 0);
    for _ in 0..2 * FMUL_LATENCY {
        d.m.tick();
        assert_eq!(d.m.get(d.out_valid), 0, "no result after reset");
    }
    let ops = [Op {
        a: a.clone(),
        b: BigUint::from(3u8),
        mode: 0,
        tag: 7,
        gap: 0,
    }];
    d.run(&ops).unwrap();
}

#[test]
fn vcore_fmul_vcd_trace_written() {
    let path = vcd_path("vcore_fmul-trace-selftest");
    let _ = std::fs::remove_file(&path);
    {
        let mut d = Dut::open(Some(&path));
        let t = (BigUint::from(1u8) << 256u32) - 1u8;
        d.run(&[Op {
            a: t.clone(),
            b: t,
            mode: 0,
            tag: 1,
            gap: 0,
        }])
        .unwrap();
        d.m.flush_vcd();
    }
    let text = std::fs::read_to_string(&path).expect("VCD written");
    assert!(
        text.contains("$var") && text.contains(" out_valid "),
        "VCD has the ports"
    );
}

/// The DSP leaves' Verilog (Verilator) on a back-to-back stream, digit j of operation t in
/// cycle t + j: each result equals the exact product with the published latency (their Rust
/// models are checked the same way by `fmul_leaf_models_exact` in the hdl crate).
#[test]
fn vcore_fmul_leaves_exact() {
    use rand::{Rng, SeedableRng};
    let s = seed();
    let mut rng = rand_chacha::ChaCha20Rng::from_seed(s);
    let m = |bits: u32| (1u64 << bits) - 1;
    let n = 64 * cases() as usize;
    #[derive(Clone, Copy)]
    struct L {
        x: u64,
        y: [u64; 4],
        a: u64,
        b: u64,
        c: u64,
        w: u64,
    }
    let ops: Vec<L> = (0..n)
        .map(|i| match i {
            0 => L {
                x: m(24),
                y: [m(17); 4],
                a: m(24),
                b: m(17),
                c: m(24),
                w: m(41),
            },
            1 => L {
                x: 0,
                y: [0; 4],
                a: 0,
                b: 0,
                c: 0,
                w: 0,
            },
            _ => L {
                x: rng.gen::<u64>() & m(24),
                y: std::array::from_fn(|_| rng.gen::<u64>() & m(17)),
                a: rng.gen::<u64>() & m(24),
                b: rng.gen::<u64>() & m(17),
                c: rng.gen::<u64>() & m(24),
                w: rng.gen::<u64>() & m(41),
            },
        })
        .collect();
    let mut d = Model::new("vcore_fmul_leaves").expect("vcore_fmul_leaves model");
    let p = |name: &str| d.port(name).unwrap();
    let (cx, cy, cp) = (
        p("col_x"),
        [p("col_y0"), p("col_y1"), p("col_y2"), p("col_y3")],
        p("col_p"),
    );
    let (aa, ab, ac, ap) = (p("add_a"), p("add_b"), p("add_c"), p("add_p"));
    let (pw, pp) = (p("pair_w"), p("pair_p"));
    for t in 0..n + 8 {
        if let Some(o) = ops.get(t) {
            d.set(cx, o.x);
            d.set(aa, o.a);
            d.set(ab, o.b);
            d.set(ac, o.c);
            d.set(pw, o.w);
        }
        for (j, port) in cy.iter().enumerate() {
            if let Some(o) = t.checked_sub(j).and_then(|k| ops.get(k)) {
                d.set(*port, o.y[j]);
            }
        }
        d.tick();
        if let Some(o) = t.checked_sub(COL_LATENCY as usize).and_then(|k| ops.get(k)) {
            let y: BigUint = (0..4).map(|j| BigUint::from(o.y[j]) << (17 * j)).sum();
            let want = (BigUint::from(o.x) * y) << COL_SHIFT;
            assert_eq!(
                d.get_biguint(cp),
                want,
                "column, op {t}, seed {}",
                hex_seed(&s)
            );
        }
        if let Some(o) = t.checked_sub(ADD_LATENCY as usize).and_then(|k| ops.get(k)) {
            let want = BigUint::from(o.a * o.b + o.c) << ADD_SHIFT;
            assert_eq!(
                d.get_biguint(ap),
                want,
                "tile, op {t}, seed {}",
                hex_seed(&s)
            );
        }
        if let Some(o) = t
            .checked_sub(PAIR_LATENCY as usize)
            .and_then(|k| ops.get(k))
        {
            let want = BigUint::from(o.w * C977);
            assert_eq!(
                d.get_biguint(pp),
                want,
                "pair, op {t}, seed {}",
                hex_seed(&s)
            );
        }
    }
}
