//! The VerifyCore ScalarUnit (`hdl/src/vcore/su/rtl.rs`) in Verilator against its golden model
//! (`su/model.rs`, itself checked against num-bigint): output words or early code, tag and
//! pass-through, and the exact cycle count of every job (`model::run(..).cycles`), with the
//! handshake rules (outputs held while `out_ready`/`early_ready` is low, `in_ready` again the
//! cycle after the output handshake). Two builds of the same RTL: secp256k1's n (`vcore_su`)
//! and the toy order 199 (`vcore_su_toy`, every (s, r) pair exhaustively).
//!
//! Seed: `SATCHAIN_SEED` (decimal u64; fixed default), printed; random job counts scale with
//! `SATCHAIN_PROPTEST_CASES`. A failing job is re-run alone on a fresh instance with a VCD at
//! `target/vcd/vcore_su-<seed>-<n>.vcd`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::cast_possible_truncation
)]

use num_bigint::BigUint;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use satchain_hdl::vcore::su::model::{self, JobKind, SuJob, SuModulus, SuOutcome};
use satchain_hdl::vcore::su::rtl::{PASS_BITS, TAG_BITS};
use satchain_hdl::vcore::su::TOY_ORDER;
use verif::sim::{vcd_path, Model, PortId};

fn seed() -> u64 {
    std::env::var("SATCHAIN_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x5ca1_a201)
}

fn cases(default: usize) -> usize {
    std::env::var("SATCHAIN_PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn big(v: u64) -> BigUint {
    BigUint::from(v)
}

fn pow2(k: u32) -> BigUint {
    BigUint::from(1u8) << k
}

fn rand_bits(rng: &mut ChaCha8Rng, bits: usize) -> BigUint {
    let mut b = vec![0u8; bits.div_ceil(8)];
    rng.fill(&mut b[..]);
    BigUint::from_bytes_le(&b) % pow2(bits as u32)
}

/// One job with its side data.
#[derive(Debug, Clone)]
struct Case {
    job: SuJob,
    tag: u64,
    pass: BigUint,
    /// Cycles `out_ready` / `early_ready` stays low after the output appears.
    hold: u32,
}

struct Dut {
    m: Model,
    reset: PortId,
    in_valid: PortId,
    in_ready: PortId,
    in_kind: PortId,
    in_tag: PortId,
    in_z: PortId,
    in_r: PortId,
    in_s: PortId,
    in_pass: PortId,
    out_valid: PortId,
    out_ready: PortId,
    out_kind: PortId,
    out_tag: PortId,
    out_w: [PortId; 3],
    out_pass: PortId,
    early_valid: PortId,
    early_ready: PortId,
    early_tag: PortId,
    early_code: PortId,
}

impl Dut {
    fn open(name: &str, vcd: Option<&std::path::Path>) -> Dut {
        let m = match vcd {
            Some(p) => Model::with_vcd(name, p),
            None => Model::new(name),
        }
        .unwrap_or_else(|e| panic!("{e} (satchain_hdl::vcore::su::sim_models)"));
        let p = |n: &str| m.port(n).unwrap();
        let mut d = Dut {
            reset: p("reset"),
            in_valid: p("in_valid"),
            in_ready: p("in_ready"),
            in_kind: p("in_kind"),
            in_tag: p("in_tag"),
            in_z: p("in_z"),
            in_r: p("in_r"),
            in_s: p("in_s"),
            in_pass: p("in_pass"),
            out_valid: p("out_valid"),
            out_ready: p("out_ready"),
            out_kind: p("out_kind"),
            out_tag: p("out_tag"),
            out_w: [p("out_w0"), p("out_w1"), p("out_w2")],
            out_pass: p("out_pass"),
            early_valid: p("early_valid"),
            early_ready: p("early_ready"),
            early_tag: p("early_tag"),
            early_code: p("early_code"),
            m,
        };
        d.m.set(d.reset, 1);
        d.m.ticks(2);
        d.m.set(d.reset, 0);
        d.m.eval();
        d
    }

    fn scramble_inputs(&mut self) {
        let ones = pow2(256) - 1u8;
        self.m.set(self.in_kind, 1);
        self.m.set(self.in_tag, (1 << TAG_BITS) - 1);
        for p in [self.in_z, self.in_r, self.in_s] {
            self.m.set_biguint(p, &ones);
        }
        self.m
            .set_biguint(self.in_pass, &(pow2(PASS_BITS as u32) - 1u8));
    }

    /// Runs one job from an idle unit; `Ok(cycles)` if outputs and timing match the model.
    fn run(&mut self, md: &SuModulus, c: &Case) -> Result<u32, String> {
        let want = model::run(md, &c.job).map_err(|e| format!("model: {e}"))?;
        self.m.eval();
        if self.m.get(self.in_ready) != 1 {
            return Err("in_ready low on an idle unit".into());
        }
        self.m.set(self.in_valid, 1);
        self.m.set(self.in_kind, c.job.kind as u64);
        self.m.set(self.in_tag, c.tag);
        self.m.set_biguint(self.in_z, &c.job.z);
        self.m.set_biguint(self.in_r, &c.job.r);
        self.m.set_biguint(self.in_s, &c.job.s);
        self.m.set_biguint(self.in_pass, &c.pass);
        self.m.set(self.out_ready, 0);
        self.m.set(self.early_ready, 0);
        self.m.tick();
        // The unit must have sampled everything in the accept cycle.
        self.m.set(self.in_valid, 0);
        self.scramble_inputs();
        let mut cycles = 1u32;
        loop {
            self.m.eval();
            let (ov, ev) = (self.m.get(self.out_valid), self.m.get(self.early_valid));
            if self.m.get(self.in_ready) != 0 {
                return Err(format!("cycle {cycles}: in_ready while busy"));
            }
            // A new offer while busy must not be taken.
            self.m.set(self.in_valid, u64::from(cycles % 3 == 0));
            if ov == 1 || ev == 1 {
                break;
            }
            if cycles > 5_000 {
                return Err("no output within 5,000 cycles".into());
            }
            self.m.tick();
            cycles += 1;
        }
        if cycles != want.cycles {
            return Err(format!(
                "cycles: RTL {cycles}, model {} (steps {:?})",
                want.cycles, want.steps
            ));
        }
        // Hold the output for `hold` cycles, then take it; it must not change meanwhile.
        let snapshot = |d: &mut Dut| -> Vec<BigUint> {
            let mut v = vec![
                big(d.m.get(d.out_valid)),
                big(d.m.get(d.early_valid)),
                big(d.m.get(d.out_kind)),
                big(d.m.get(d.out_tag)),
                big(d.m.get(d.early_tag)),
                big(d.m.get(d.early_code)),
                d.m.get_biguint(d.out_pass),
            ];
            for p in d.out_w {
                v.push(d.m.get_biguint(p));
            }
            v
        };
        let first = snapshot(self);
        for h in 0..=c.hold {
            self.m.eval();
            if snapshot(self) != first {
                return Err(format!("outputs changed while held ({h} cycles)"));
            }
            if h == c.hold {
                break;
            }
            self.m.tick();
        }
        match &want.outcome {
            SuOutcome::Early(code) => {
                if self.m.get(self.out_valid) != 0 {
                    return Err("out_valid with an early result".into());
                }
                let got = (self.m.get(self.early_code), self.m.get(self.early_tag));
                if got != (*code as u64, c.tag) {
                    return Err(format!("early (code, tag) {got:?}, model {code:?}"));
                }
            }
            SuOutcome::Ready(w) => {
                if self.m.get(self.early_valid) != 0 {
                    return Err("early_valid with a ready job".into());
                }
                for (i, want_w) in w.iter().enumerate() {
                    let got = self.m.get_biguint(self.out_w[i]);
                    if &got != want_w {
                        return Err(format!("out_w{i} {got:x}, model {want_w:x}"));
                    }
                }
                if self.m.get(self.out_tag) != c.tag
                    || self.m.get(self.out_kind) != c.job.kind as u64
                    || self.m.get_biguint(self.out_pass) != c.pass
                {
                    return Err("tag / kind / pass-through differ".into());
                }
            }
        }
        self.m.set(self.in_valid, 0);
        self.m.set(self.out_ready, 1);
        self.m.set(self.early_ready, 1);
        self.m.tick();
        self.m.set(self.out_ready, 0);
        self.m.set(self.early_ready, 0);
        self.m.eval();
        if self.m.get(self.out_valid) != 0 || self.m.get(self.early_valid) != 0 {
            return Err("output still valid after the handshake".into());
        }
        if self.m.get(self.in_ready) != 1 {
            return Err("in_ready low the cycle after the output handshake".into());
        }
        Ok(cycles)
    }
}

/// Runs every case on one instance; on a mismatch, re-runs that case alone with a VCD.
fn run_cases(name: &str, md: &SuModulus, seed: u64, list: &[Case]) -> Vec<u32> {
    let mut d = Dut::open(name, None);
    let mut out = Vec::with_capacity(list.len());
    for (i, c) in list.iter().enumerate() {
        match d.run(md, c) {
            Ok(n) => out.push(n),
            Err(e) => {
                let vcd = vcd_path(&format!("{name}-{seed}-{i}"));
                let again = Dut::open(name, Some(&vcd)).run(md, c);
                panic!(
                    "{name} SATCHAIN_SEED={seed} case {i}: {e}\n  job {:?} z {:x} r {:x} s {:x}\n  \
                     fresh re-run: {again:?}\n  VCD: {}",
                    c.job.kind,
                    c.job.z,
                    c.job.r,
                    c.job.s,
                    vcd.display()
                );
            }
        }
    }
    out
}

fn case(rng: &mut ChaCha8Rng, kind: JobKind, z: BigUint, r: BigUint, s: BigUint) -> Case {
    Case {
        job: SuJob { kind, z, r, s },
        tag: rng.gen_range(0..1u64 << TAG_BITS),
        pass: rand_bits(rng, PASS_BITS),
        hold: if rng.gen_range(0..4) == 0 {
            rng.gen_range(1..4)
        } else {
            0
        },
    }
}

#[test]
fn vcore_su_secp256k1_matches_model() {
    let seed = seed();
    eprintln!("vcore_su_secp256k1_matches_model: SATCHAIN_SEED={seed}");
    let md = SuModulus::secp256k1();
    let (n, p) = (md.m().clone(), md.p().clone());
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut edges = vec![
        big(0),
        big(1),
        big(2),
        big(3),
        &n - 1u8,
        &n - 2u8,
        n.clone(),
        &n + 1u8,
        &p - 1u8,
        p.clone(),
        pow2(256) - 1u8,
        (&n + 1u8) >> 1u32,
    ];
    for k in [1u32, 7, 64, 127, 128, 191, 192, 255] {
        edges.push(pow2(k));
        edges.push(pow2(k) - 1u8);
    }
    let mut list = Vec::new();
    // Every s edge with valid z, r; every r and z edge with a valid s; Schnorr edges.
    for s in &edges {
        let (z, r) = (rand_bits(&mut rng, 256), rand_bits(&mut rng, 256) % &n);
        list.push(case(&mut rng, JobKind::Ecdsa, z, r, s.clone()));
    }
    for e in &edges {
        let s = rand_bits(&mut rng, 256) % &n;
        let z = rand_bits(&mut rng, 256);
        list.push(case(
            &mut rng,
            JobKind::Ecdsa,
            z.clone(),
            e.clone(),
            s.clone(),
        ));
        list.push(case(&mut rng, JobKind::Ecdsa, e.clone(), big(5), s.clone()));
        list.push(case(
            &mut rng,
            JobKind::Schnorr,
            z.clone(),
            e.clone(),
            s.clone(),
        ));
        list.push(case(&mut rng, JobKind::Schnorr, z, big(5), e.clone()));
    }
    // Random jobs: mostly valid, some with r or s out of range.
    for _ in 0..cases(400) {
        let kind = if rng.gen_range(0..8) == 0 {
            JobKind::Schnorr
        } else {
            JobKind::Ecdsa
        };
        let z = rand_bits(&mut rng, 256);
        let mut r = rand_bits(&mut rng, 256);
        let mut s = rand_bits(&mut rng, 256);
        if rng.gen_range(0..6) != 0 {
            r %= &n;
            s %= &n;
        }
        list.push(case(&mut rng, kind, z, r, s));
    }
    let cyc = run_cases("vcore_su", &md, seed, &list);
    // Throughput figure: ECDSA jobs that ran the inversion.
    let ran: Vec<u32> = cyc
        .iter()
        .zip(&list)
        .filter(|(_, c)| {
            matches!(
                model::run(&md, &c.job).map(|r| r.steps.total() > 0),
                Ok(true)
            )
        })
        .map(|(n, _)| *n)
        .collect();
    let mean = ran.iter().map(|&x| f64::from(x)).sum::<f64>() / ran.len().max(1) as f64;
    eprintln!(
        "vcore_su: {} jobs; {} ECDSA inversions on the RTL: cycles mean {mean:.1}, min {}, max {}",
        list.len(),
        ran.len(),
        ran.iter().min().unwrap_or(&0),
        ran.iter().max().unwrap_or(&0)
    );
}

/// The same RTL built for the toy order 199: every (s, r) in [0, 199]^2 for ECDSA with a
/// random z < 2m, every z < 2m for a few (s, r), and Schnorr edges.
#[test]
fn vcore_su_toy_order_exhaustive() {
    let seed = seed();
    eprintln!("vcore_su_toy_order_exhaustive: SATCHAIN_SEED={seed}");
    let m = u64::from(TOY_ORDER);
    let md = SuModulus::with_order(&big(m)).unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut list = Vec::new();
    for s in 0..=m {
        for r in 0..=m {
            let z = rng.gen_range(0..2 * m);
            list.push(case(&mut rng, JobKind::Ecdsa, big(z), big(r), big(s)));
        }
    }
    for (s, r) in [(1, 1), (2, 198), (198, 3), (100, 50)] {
        for z in 0..2 * m {
            list.push(case(&mut rng, JobKind::Ecdsa, big(z), big(r), big(s)));
        }
    }
    let p = md.p().clone();
    for (r, s) in [
        (p.clone(), big(0)),
        (&p - 1u8, big(m)),
        (&p - 1u8, big(m - 1)),
        (big(0), big(0)),
    ] {
        let e = rand_bits(&mut rng, 256);
        list.push(case(&mut rng, JobKind::Schnorr, e, r, s));
    }
    run_cases("vcore_su_toy", &md, seed, &list);
}

/// Jobs back to back with `out_ready` always high: each takes exactly model cycles + 1
/// (accept to accept), and a reset in the middle of a job drops it cleanly.
#[test]
fn vcore_su_back_to_back_and_reset() {
    let md = SuModulus::secp256k1();
    let n = md.m().clone();
    let mut rng = ChaCha8Rng::seed_from_u64(seed());
    let mut d = Dut::open("vcore_su", None);
    d.m.set(d.out_ready, 1);
    d.m.set(d.early_ready, 1);
    let jobs: Vec<SuJob> = (0..20)
        .map(|i| SuJob {
            kind: if i % 5 == 4 {
                JobKind::Schnorr
            } else {
                JobKind::Ecdsa
            },
            z: rand_bits(&mut rng, 256),
            r: if i % 7 == 3 {
                big(0)
            } else {
                rand_bits(&mut rng, 256) % &n
            },
            s: rand_bits(&mut rng, 256) % &n,
        })
        .collect();
    let mut accepts = Vec::new();
    let mut next = 0;
    let mut outs = 0;
    while outs < jobs.len() {
        if next < jobs.len() {
            let j = &jobs[next];
            d.m.set(d.in_valid, 1);
            d.m.set(d.in_kind, j.kind as u64);
            d.m.set_biguint(d.in_z, &j.z);
            d.m.set_biguint(d.in_r, &j.r);
            d.m.set_biguint(d.in_s, &j.s);
        } else {
            d.m.set(d.in_valid, 0);
        }
        d.m.eval();
        if next < jobs.len() && d.m.get(d.in_ready) == 1 {
            accepts.push(d.m.cycles());
            next += 1;
        }
        outs += (d.m.get(d.out_valid) + d.m.get(d.early_valid)) as usize;
        assert!(d.m.cycles() < 100_000, "stuck");
        d.m.tick();
    }
    for (i, w) in accepts.windows(2).enumerate() {
        let c = model::run(&md, &jobs[i]).unwrap().cycles;
        assert_eq!(w[1] - w[0], u64::from(c) + 1, "job {i}");
    }
    // Reset mid-inversion: no output, idle, and the next job is exact.
    d.m.set(d.in_valid, 1);
    d.m.set(d.in_kind, 0);
    d.m.ticks(1);
    d.m.set(d.in_valid, 0);
    d.m.ticks(100);
    d.m.set(d.reset, 1);
    d.m.tick();
    d.m.set(d.reset, 0);
    for _ in 0..700 {
        d.m.eval();
        assert_eq!(d.m.get(d.out_valid) + d.m.get(d.early_valid), 0);
        assert_eq!(d.m.get(d.in_ready), 1);
        d.m.tick();
    }
    d.m.set(d.out_ready, 0);
    d.m.set(d.early_ready, 0);
    let c = case(&mut rng, JobKind::Ecdsa, big(77), big(99), &n - 5u8);
    d.run(&md, &c).unwrap();
}

#[test]
fn vcore_su_verilog_lints_clean() {
    let v = satchain_hdl::vcore::su::verilog(&SuModulus::secp256k1());
    if let Err(e) = satchain_hdl::prim::lint::verilator_lint("lint-vcore", "vcore_su", &v, &[]) {
        panic!("{e}");
    }
}
