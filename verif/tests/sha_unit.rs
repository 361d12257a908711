//! Sha256Unit (Verilator): hardware padding and single/double modes against sha2, boundary
//! lengths, random lengths, data arriving before/after the command, result hold until ack.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use satchain_hdl::sha256::model;
use sha2::{Digest, Sha256};
use verif::report::unit_beats;
use verif::sim::{vcd_path, Model, PortId};

struct Unit {
    m: Model,
    cmd_valid: PortId,
    cmd_ready: PortId,
    cmd_double: PortId,
    cmd_len: PortId,
    cmd_tag: PortId,
    data_valid: PortId,
    data: PortId,
    data_ready: PortId,
    res_valid: PortId,
    res_ack: PortId,
    res_tag: PortId,
    res_digest: PortId,
    reset: PortId,
}

impl Unit {
    fn new() -> Unit {
        Unit::open(None)
    }

    fn open(vcd: Option<&std::path::Path>) -> Unit {
        let m = match vcd {
            Some(p) => Model::with_vcd("sha256_unit", p),
            None => Model::new("sha256_unit"),
        }
        .expect("model sha256_unit");
        let p = |n: &str| m.port(n).expect(n);
        let mut u = Unit {
            cmd_valid: p("cmd_valid"),
            cmd_ready: p("cmd_ready"),
            cmd_double: p("cmd_double"),
            cmd_len: p("cmd_len"),
            cmd_tag: p("cmd_tag"),
            data_valid: p("data_valid"),
            data: p("data"),
            data_ready: p("data_ready"),
            res_valid: p("res_valid"),
            res_ack: p("res_ack"),
            res_tag: p("res_tag"),
            res_digest: p("res_digest"),
            reset: p("reset"),
            m,
        };
        u.m.eval();
        u.m.set(u.reset, 1);
        u.m.ticks(2);
        u.m.set(u.reset, 0);
        u.m.eval();
        u
    }

    /// Runs one job; returns (digest bytes, tag, cycles from command to result valid).
    fn run(
        &mut self,
        double: bool,
        data: &[u8],
        tag: u8,
        data_first: usize,
    ) -> ([u8; 32], u8, u64) {
        self.run_throttled(double, data, tag, data_first, None)
    }

    /// `run` with the data side offering a beat only with probability `p` per clock (the
    /// FIFO runs dry in the middle of blocks, so the core stalls).
    fn run_throttled(
        &mut self,
        double: bool,
        data: &[u8],
        tag: u8,
        data_first: usize,
        mut throttle: Option<(&mut ChaCha8Rng, f64)>,
    ) -> ([u8; 32], u8, u64) {
        let words = unit_beats(data);
        let mut wi = 0;
        // Optionally push some data beats before the command.
        while wi < data_first.min(words.len()) {
            assert_eq!(self.m.get(self.data_ready), 1);
            self.m.set(self.data_valid, 1);
            self.m.set(self.data, words[wi]);
            self.m.tick();
            wi += 1;
        }
        self.m.set(self.data_valid, 0);
        self.m.eval();
        assert_eq!(self.m.get(self.cmd_ready), 1, "unit not idle");
        self.m.set(self.cmd_valid, 1);
        self.m.set(self.cmd_double, u64::from(double));
        self.m.set(self.cmd_len, data.len() as u64);
        self.m.set(self.cmd_tag, u64::from(tag));
        let t0 = self.m.cycles();
        self.m.tick();
        self.m.set(self.cmd_valid, 0);
        let mut guard = 0u64;
        loop {
            self.m.eval();
            if self.m.get(self.res_valid) == 1 {
                break;
            }
            let offer = match throttle.as_mut() {
                Some((r, p)) => r.gen_bool(*p),
                None => true,
            };
            if offer && wi < words.len() && self.m.get(self.data_ready) == 1 {
                self.m.set(self.data_valid, 1);
                self.m.set(self.data, words[wi]);
                wi += 1;
            } else {
                self.m.set(self.data_valid, 0);
            }
            self.m.tick();
            guard += 1;
            assert!(
                guard < 200 * (data.len() as u64 + 64),
                "unit hung (len {})",
                data.len()
            );
        }
        self.m.set(self.data_valid, 0);
        let cycles = self.m.cycles() - t0;
        let w = self.m.get_words(self.res_digest);
        let mut d = [0u32; 8];
        for i in 0..8 {
            d[i] = w[7 - i];
        }
        let tag_out = self.m.get(self.res_tag) as u8;
        // The result is held until acknowledged.
        self.m.tick();
        assert_eq!(
            self.m.get(self.res_valid),
            1,
            "result must be held until res_ack"
        );
        self.m.set(self.res_ack, 1);
        self.m.tick();
        self.m.set(self.res_ack, 0);
        self.m.eval();
        assert_eq!(self.m.get(self.res_valid), 0);
        assert_eq!(self.m.get(self.cmd_ready), 1);
        (model::words_to_bytes(&d), tag_out, cycles)
    }
}

fn sw(double: bool, data: &[u8]) -> [u8; 32] {
    let d: [u8; 32] = Sha256::digest(data).into();
    if double {
        Sha256::digest(d).into()
    } else {
        d
    }
}

/// Runs a sequence of jobs on one unit (results may depend on what ran before, so a replay
/// starts from the beginning); on a mismatch the whole sequence is re-run on a fresh model
/// writing a VCD, and the test fails with the seed and the waveform's path.
fn check(name: &str, case: impl Fn(&mut Unit, u64) -> Result<(), String>) {
    let seed = testkit::seed(&format!("sha256_unit-{name}"));
    let mut u = Unit::new();
    if let Err(e) = case(&mut u, seed) {
        let vcd = vcd_path(&format!("sha256_unit-{name}-{seed}"));
        let mut u2 = Unit::open(Some(&vcd));
        let _ = case(&mut u2, seed);
        u2.m.flush_vcd();
        panic!("{name}: {e} (seed {seed}; waveform {})", vcd.display());
    }
}

/// `len` random bytes, `len` drawn from `lens`.
fn random_msg(rng: &mut ChaCha8Rng, lens: std::ops::Range<usize>) -> Vec<u8> {
    let mut data = vec![0u8; rng.gen_range(lens)];
    rng.fill(&mut data[..]);
    data
}

#[test]
fn sha256_unit_boundary_lengths_match_sha2() {
    check("boundary", |u, seed| {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        for len in [
            0usize, 1, 2, 3, 4, 5, 55, 56, 57, 63, 64, 65, 80, 119, 120, 127, 128, 129, 200,
        ] {
            let mut data = vec![0u8; len];
            rng.fill(&mut data[..]);
            for double in [false, true] {
                let tag = (len as u8) ^ u8::from(double);
                let (d, t, _) = u.run(double, &data, tag, 0);
                if d != sw(double, &data) || t != tag {
                    return Err(format!("len {len} double {double}: digest/tag differ"));
                }
            }
        }
        Ok(())
    });
}

#[test]
fn sha256_unit_random_lengths_match_sha2() {
    let cases = testkit::cases(24) as usize;
    println!("cases = {cases}");
    check("random", |u, seed| {
        job_sequence(u, seed, cases, 4096, false)
    });
}

/// `cases` random jobs in a row on one unit, compared with sha2. Unthrottled: random mode,
/// up to 7 beats written before the command. Throttled: data offered with probability
/// 0.05 / 0.2 / 0.6 per clock, single and double alternating.
fn job_sequence(
    u: &mut Unit,
    seed: u64,
    cases: usize,
    max_len: usize,
    throttled: bool,
) -> Result<(), String> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut thr = ChaCha8Rng::seed_from_u64(seed ^ 0xFFFF);
    for n in 0..cases {
        let data = random_msg(&mut rng, 0..max_len);
        let (double, early, p) = if throttled {
            (n % 2 == 1, 0, [0.05, 0.2, 0.6][n % 3])
        } else {
            (rng.gen_bool(0.5), rng.gen_range(0..8usize), 1.0)
        };
        let throttle = throttled.then_some((&mut thr, p));
        let (d, _, _) = u.run_throttled(double, &data, n as u8, early, throttle);
        if d != sw(double, &data) {
            return Err(format!(
                "case {n}: len {} double {double} early {early} p {p}: digest differs",
                data.len()
            ));
        }
    }
    Ok(())
}

#[test]
fn sha256_unit_slow_data_stalls_the_core_exactly() {
    // Data arriving slower than the core consumes it: the padder runs dry inside blocks and
    // the rounds stall; single and double jobs alternate so a second pass always follows a
    // first pass that stalled.
    check("slow-data", |u, seed| job_sequence(u, seed, 12, 600, true));
}

#[test]
fn sha256_unit_next_job_slot_overlaps_jobs() {
    // Commands go in as soon as `cmd_ready` (the next-job slot frees when the running job has
    // taken all its data), data beats in order as the FIFO takes them, results acknowledged a
    // random number of clocks late: every job's digest and tag must come out, in order, and
    // the slot must really be used (a command accepted while the unit is busy).
    check("next-job", |u, seed| {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let jobs: Vec<(bool, Vec<u8>)> = (0..16)
            .map(|_| {
                let d = random_msg(&mut rng, 0..300);
                (rng.gen_bool(0.5), d)
            })
            .collect();
        let busy = u.m.port("busy").unwrap();
        let beats: Vec<Vec<u64>> = jobs.iter().map(|(_, d)| unit_beats(d)).collect();
        let (mut next_cmd, mut feed_job, mut feed_beat, mut got) = (0usize, 0usize, 0usize, 0);
        let mut overlapped = 0;
        let mut ack_wait = 0u32;
        for _ in 0..200_000 {
            u.m.eval();
            // Command.
            let cmd = next_cmd < jobs.len() && u.m.get(u.cmd_ready) == 1;
            if cmd {
                if u.m.get(busy) == 1 {
                    overlapped += 1;
                }
                u.m.set(u.cmd_double, u64::from(jobs[next_cmd].0));
                u.m.set(u.cmd_len, jobs[next_cmd].1.len() as u64);
                u.m.set(u.cmd_tag, next_cmd as u64);
            }
            u.m.set(u.cmd_valid, u64::from(cmd));
            // Data of accepted jobs only, in order.
            while feed_job < next_cmd && feed_beat == beats[feed_job].len() {
                feed_job += 1;
                feed_beat = 0;
            }
            let data = feed_job < next_cmd
                && feed_beat < beats[feed_job].len()
                && u.m.get(u.data_ready) == 1
                && rng.gen_bool(0.7);
            if data {
                u.m.set(u.data, beats[feed_job][feed_beat]);
            }
            u.m.set(u.data_valid, u64::from(data));
            // Result, acknowledged late.
            let mut ack = false;
            if u.m.get(u.res_valid) == 1 {
                if ack_wait == 0 {
                    let w = u.m.get_words(u.res_digest);
                    let mut d = [0u32; 8];
                    for i in 0..8 {
                        d[i] = w[7 - i];
                    }
                    let tag = u.m.get(u.res_tag) as usize;
                    let (dbl, msg) = &jobs[got];
                    if tag != got || model::words_to_bytes(&d) != sw(*dbl, msg) {
                        return Err(format!(
                            "result {got}: tag {tag}, digest differs (len {}, double {dbl})",
                            msg.len()
                        ));
                    }
                    ack = true;
                    got += 1;
                    ack_wait = if rng.gen_bool(0.3) {
                        rng.gen_range(60..250)
                    } else {
                        rng.gen_range(0..8)
                    };
                } else {
                    ack_wait -= 1;
                }
            }
            u.m.set(u.res_ack, u64::from(ack));
            if cmd {
                next_cmd += 1;
            }
            if data {
                feed_beat += 1;
            }
            u.m.tick();
            if got == jobs.len() {
                u.m.set(u.cmd_valid, 0);
                u.m.set(u.data_valid, 0);
                u.m.set(u.res_ack, 0);
                u.m.eval();
                if overlapped == 0 {
                    return Err("no command was accepted while the unit was busy".into());
                }
                println!(
                    "{overlapped} of {} commands went into the next-job slot",
                    jobs.len()
                );
                return Ok(());
            }
        }
        Err(format!("hung after {got} of {} results", jobs.len()))
    });
}

#[test]
fn sha256_unit_cycle_counts() {
    let mut u = Unit::new();
    let hdr = [7u8; 80];
    let (d, _, c_hdr) = u.run(true, &hdr, 1, 0);
    assert_eq!(d, sw(true, &hdr));
    let node = [9u8; 64];
    let (d, _, c_node) = u.run(true, &node, 2, 0);
    assert_eq!(d, sw(true, &node));
    let big = vec![0x3cu8; 64 * 40 - 9]; // exactly 40 blocks after padding
    let (d, _, c_big) = u.run(false, &big, 3, 0);
    assert_eq!(d, sw(false, &big));
    println!(
        "unit cycles: header80 sha256d {c_hdr}, merkle node {c_node}, 40-block message {c_big}"
    );
    // 3 compressions each for the header and the node; 65/block steady state for a long message.
    assert!(c_hdr <= 3 * 65 + 40, "header {c_hdr}");
    assert!(c_node <= 3 * 65 + 40, "node {c_node}");
    assert!(c_big <= 40 * 65 + 40, "40 blocks {c_big}");
}
