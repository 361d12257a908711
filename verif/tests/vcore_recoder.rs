//! The VerifyCore Recoder (`hdl/src/vcore/recoder/rtl.rs`) in Verilator against its golden
//! model (`recoder/model.rs`): every digit write (cycle, thread, slot, position, encoded
//! digit), every `rec_done` pulse (cycle, thread), every `rec_load` pulse (the cycle a request
//! leaves the queue: the cluster's credit return) and `rec_req_ready` in every cycle, for request
//! streams with random gaps, back-to-back requests and a full queue; plus a reset in the
//! middle of a request, and `verilator --lint-only -Wall` of the generated Verilog.
//!
//! Seed: `SATCHAIN_SEED` (decimal u64; fixed default), printed; requests per stream scale
//! with `SATCHAIN_PROPTEST_CASES`. A failing stream is re-run from the same seed with a VCD
//! at `target/vcd/vcore_recoder-<seed>.vcd`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::cast_possible_truncation
)]

use std::collections::VecDeque;

use num_bigint::BigUint;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use satchain_hdl::vcore::params::DIG_POSITIONS;
use satchain_hdl::vcore::recoder::model::{self, RecTimeline, MAX_W, MIN_W};
use verif::sim::{vcd_path, Model, PortId};

const MODEL: &str = "vcore_recoder";

fn one() -> BigUint {
    BigUint::from(1u8)
}

fn seed() -> u64 {
    std::env::var("SATCHAIN_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x7ec0_de01)
}

fn cases(default: usize) -> usize {
    std::env::var("SATCHAIN_PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// One request as the REC instruction sends it.
#[derive(Debug, Clone)]
struct Req {
    thread: u64,
    slot: u64,
    w: u32,
    k: BigUint,
}

/// A write the model expects on the port.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Write {
    cycle: u64,
    thread: u64,
    slot: u64,
    pos: u64,
    digit: u64,
}

struct Dut {
    m: Model,
    reset: PortId,
    rec_req_valid: PortId,
    rec_req_ready: PortId,
    rec_req_tid: PortId,
    rec_req_slot: PortId,
    rec_req_w: PortId,
    rec_req_k: PortId,
    dg_we: PortId,
    dg_tid: PortId,
    dg_slot: PortId,
    dg_pos: PortId,
    dg_digit: PortId,
    rec_done: PortId,
    rec_load: PortId,
    rec_done_tid: PortId,
}

impl Dut {
    fn open(vcd: Option<&std::path::Path>) -> Dut {
        let m = match vcd {
            Some(p) => Model::with_vcd(MODEL, p),
            None => Model::new(MODEL),
        }
        .expect("vcore_recoder model (satchain_hdl::vcore::recoder::sim_models)");
        let p = |n: &str| m.port(n).unwrap();
        let mut d = Dut {
            reset: p("reset"),
            rec_req_valid: p("rec_req_valid"),
            rec_req_ready: p("rec_req_ready"),
            rec_req_tid: p("rec_req_tid"),
            rec_req_slot: p("rec_req_slot"),
            rec_req_w: p("rec_req_w"),
            rec_req_k: p("rec_req_k"),
            dg_we: p("dg_we"),
            dg_tid: p("dg_tid"),
            dg_slot: p("dg_slot"),
            dg_pos: p("dg_pos"),
            dg_digit: p("dg_digit"),
            rec_done: p("rec_done"),
            rec_load: p("rec_load"),
            rec_done_tid: p("rec_done_tid"),
            m,
        };
        d.m.set(d.reset, 1);
        d.m.ticks(2);
        d.m.set(d.reset, 0);
        d.m.eval();
        d
    }
}

/// The two's-complement pattern of (negative, magnitude).
fn pattern(neg: bool, mag: &BigUint) -> BigUint {
    if neg && *mag != BigUint::default() {
        (one() << 256u32) - mag
    } else {
        mag.clone()
    }
}

/// A random request within the REC precondition; one in four from the edge list.
fn random_req(rng: &mut ChaCha8Rng) -> Req {
    let w = rng.gen_range(MIN_W..=MAX_W);
    let lim = DIG_POSITIONS as u32 - w;
    let mag = if rng.gen_range(0..4) == 0 {
        let edges = [
            BigUint::default(),
            one(),
            (one() << 129u32) - 1u8,
            one() << 128u32,
            (one() << lim) - 1u8,
            ((one() << 60u32) - 1u8) << 3u32,
            ((one() << w) - 1u8) << 1u32,
            BigUint::parse_bytes(b"5555555555555555555555555555555", 16).unwrap_or_default(),
        ];
        edges[rng.gen_range(0..edges.len())].clone()
    } else {
        let bits = rng.gen_range(0..=lim);
        let mut b = [0u8; 17];
        rng.fill(&mut b);
        BigUint::from_bytes_le(&b) % (one() << bits)
    };
    // Edges too wide for this w fall back to their low bits.
    let mag = mag % (one() << lim);
    Req {
        thread: rng.gen_range(0..32),
        slot: rng.gen_range(0..4),
        w,
        k: pattern(rng.gen(), &mag),
    }
}

/// Runs one stream of `n` requests (random gaps: none, short, or long enough to drain) on a
/// fresh instance; the first mismatch is an `Err` naming the cycle.
fn run_stream(seed: u64, n: usize, vcd: Option<&std::path::Path>) -> Result<u64, String> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let reqs: Vec<Req> = (0..n).map(|_| random_req(&mut rng)).collect();
    let mut d = Dut::open(vcd);
    let t0 = d.m.cycles();
    let mut tl = RecTimeline::new();
    let mut writes: VecDeque<Write> = VecDeque::new();
    let mut dones: VecDeque<(u64, u64)> = VecDeque::new();
    let mut loads: VecDeque<u64> = VecDeque::new();
    let mut next = 0usize;
    let mut idle_until = 0u64;
    let mut limit = 0u64;
    loop {
        let t = d.m.cycles() - t0;
        let offering = next < reqs.len() && t >= idle_until;
        if offering {
            let r = &reqs[next];
            d.m.set(d.rec_req_valid, 1);
            d.m.set(d.rec_req_tid, r.thread);
            d.m.set(d.rec_req_slot, r.slot);
            d.m.set(d.rec_req_w, u64::from(r.w));
            d.m.set_biguint(d.rec_req_k, &r.k);
        } else {
            d.m.set(d.rec_req_valid, 0);
            // Garbage on the data ports: nothing may be taken without rec_req_valid.
            d.m.set(d.rec_req_w, 15);
            d.m.set_biguint(d.rec_req_k, &((one() << 256u32) - 1u8));
        }
        d.m.eval();
        let ready = d.m.get(d.rec_req_ready) == 1;
        if ready != tl.can_accept(t) {
            return Err(format!(
                "cycle {t}: rec_req_ready {ready}, model {}",
                tl.can_accept(t)
            ));
        }
        if offering && ready {
            let r = &reqs[next];
            let s = tl.accept(t).map_err(|e| format!("cycle {t}: {e}"))?;
            let digits = model::recode(&r.k, r.w).map_err(|e| format!("request {next}: {e}"))?;
            for (i, &dg) in digits.iter().enumerate() {
                writes.push_back(Write {
                    cycle: s.first_write + i as u64,
                    thread: r.thread,
                    slot: r.slot,
                    pos: i as u64,
                    digit: u64::from(model::encode_digit(dg)),
                });
            }
            dones.push_back((s.done, r.thread));
            loads.push_back(s.load);
            limit = s.done + 4;
            next += 1;
            // Gaps: mostly back to back (fills the queue), sometimes a pause or a drain.
            idle_until = t + match rng.gen_range(0..8) {
                0 => rng.gen_range(1..20),
                1 => 300,
                _ => 0,
            };
        }
        // Write port.
        let got = (d.m.get(d.dg_we) == 1).then(|| Write {
            cycle: t,
            thread: d.m.get(d.dg_tid),
            slot: d.m.get(d.dg_slot),
            pos: d.m.get(d.dg_pos),
            digit: d.m.get(d.dg_digit),
        });
        let want = if writes.front().is_some_and(|w| w.cycle == t) {
            writes.pop_front()
        } else {
            None
        };
        if got != want {
            return Err(format!("cycle {t}: write {got:?}, model {want:?}"));
        }
        let got_done = (d.m.get(d.rec_done) == 1).then(|| (t, d.m.get(d.rec_done_tid)));
        let want_done = if dones.front().is_some_and(|x| x.0 == t) {
            dones.pop_front()
        } else {
            None
        };
        if got_done != want_done {
            return Err(format!("cycle {t}: done {got_done:?}, model {want_done:?}"));
        }
        let want_load = loads.front() == Some(&t);
        if want_load {
            loads.pop_front();
        }
        if (d.m.get(d.rec_load) == 1) != want_load {
            return Err(format!(
                "cycle {t}: rec_load {}, model {want_load}",
                d.m.get(d.rec_load)
            ));
        }
        if next == reqs.len() && writes.is_empty() && dones.is_empty() && t > limit {
            d.m.flush_vcd();
            return Ok(t);
        }
        if t > 1_000_000 + 200 * n as u64 {
            return Err(format!("cycle {t}: stream did not finish"));
        }
        d.m.tick();
    }
}

#[test]
fn vcore_recoder_matches_model() {
    let seed = seed();
    let n = cases(300);
    eprintln!("vcore_recoder_matches_model: SATCHAIN_SEED={seed}, {n} requests");
    match run_stream(seed, n, None) {
        Ok(cycles) => eprintln!("{n} requests in {cycles} cycles"),
        Err(e) => {
            let vcd = vcd_path(&format!("vcore_recoder-{seed}"));
            let again = run_stream(seed, n, Some(&vcd));
            panic!(
                "SATCHAIN_SEED={seed}: {e}\n  re-run with VCD: {again:?}\n  VCD: {}",
                vcd.display()
            );
        }
    }
}

/// `reset` while a request is being recoded and two wait: no further writes or `done`, the
/// queue is empty (`rec_req_ready`, no `rec_load`), and the next request is recoded exactly as
/// from reset. Twice: in an ordinary cycle, and in the cycle the engine would load the second
/// request (a load in the reset cycle must not move the read pointer away from the emptied
/// queue's write pointer, nor pulse `rec_load`).
#[test]
fn vcore_recoder_reset_mid_request() {
    // Accepts in cycles 0, 1, 2: loads in 1 and 1 + DIG_POSITIONS.
    reset_then_fresh(43, false);
    reset_then_fresh(1 + DIG_POSITIONS as u64, true);
}

fn reset_then_fresh(reset_cycle: u64, at_load: bool) {
    let mut d = Dut::open(None);
    let t0 = d.m.cycles();
    let k = pattern(true, &((one() << 100u32) - 12345u32));
    for _ in 0..3 {
        d.m.set(d.rec_req_valid, 1);
        d.m.set(d.rec_req_tid, 7);
        d.m.set(d.rec_req_slot, 1);
        d.m.set(d.rec_req_w, 5);
        d.m.set_biguint(d.rec_req_k, &k);
        d.m.tick();
    }
    d.m.set(d.rec_req_valid, 0);
    d.m.ticks(reset_cycle - (d.m.cycles() - t0));
    d.m.eval();
    assert_eq!(
        d.m.get(d.rec_load),
        u64::from(at_load),
        "rec_load without reset, cycle {reset_cycle}"
    );
    d.m.set(d.reset, 1);
    d.m.eval();
    assert_eq!(d.m.get(d.rec_load), 0, "rec_load during reset");
    d.m.tick();
    d.m.set(d.reset, 0);
    for _ in 0..600 {
        d.m.eval();
        assert_eq!(d.m.get(d.dg_we), 0, "write after reset");
        assert_eq!(d.m.get(d.rec_done), 0, "done after reset");
        assert_eq!(d.m.get(d.rec_load), 0, "load after reset");
        assert_eq!(d.m.get(d.rec_req_ready), 1, "queue empty after reset");
        d.m.tick();
    }
    // A fresh request: digit i in accept + REC_START + i.
    let k2 = BigUint::from(0xdead_beefu64);
    let digits = model::recode(&k2, 4).unwrap();
    d.m.set(d.rec_req_valid, 1);
    d.m.set(d.rec_req_tid, 3);
    d.m.set(d.rec_req_slot, 2);
    d.m.set(d.rec_req_w, 4);
    d.m.set_biguint(d.rec_req_k, &k2);
    d.m.tick();
    d.m.set(d.rec_req_valid, 0);
    let start = u64::from(satchain_hdl::vcore::timing::REC_START);
    for t in 1..start + DIG_POSITIONS as u64 + 3 {
        d.m.eval();
        let i = t.wrapping_sub(start);
        if t >= start && i < DIG_POSITIONS as u64 {
            assert_eq!(d.m.get(d.dg_we), 1, "cycle {t}");
            assert_eq!(d.m.get(d.dg_pos), i);
            assert_eq!(
                d.m.get(d.dg_digit),
                u64::from(model::encode_digit(digits[i as usize]))
            );
        } else {
            assert_eq!(d.m.get(d.dg_we), 0, "cycle {t}");
        }
        assert_eq!(
            d.m.get(d.rec_load),
            u64::from(t == 1),
            "rec_load, cycle {t}"
        );
        assert_eq!(
            d.m.get(d.rec_done),
            u64::from(t == start + DIG_POSITIONS as u64),
            "done, cycle {t}"
        );
        d.m.tick();
    }
}

#[test]
fn vcore_recoder_verilog_lints_clean() {
    let v = satchain_hdl::vcore::recoder::rtl::verilog();
    if let Err(e) = satchain_hdl::prim::lint::verilator_lint("lint-vcore", "vcore_recoder", &v, &[])
    {
        panic!("{e}");
    }
}
