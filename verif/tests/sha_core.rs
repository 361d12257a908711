//! Sha256Core (Verilator) against the golden model's compression: the serial word stream
//! (`W[0]` prefetched, `W[1]` at start, `W[t+2]` in round t), messages of one or more chained
//! blocks, gaps in the stream (the rounds stall), back-to-back blocks at 65 cycles per block.
//!
//! A failing case prints its seed (`SATCHAIN_SEED` replays it) and is re-run with a VCD
//! waveform under `target/vcd/`.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use satchain_hdl::sha256::model;
use verif::sim::{vcd_path, Model, PortId};

const IV: [u32; 8] = [
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
];

struct Core {
    m: Model,
    reset: PortId,
    win: PortId,
    win_valid: PortId,
    win_first: PortId,
    win_ready: PortId,
    ready: PortId,
    done: PortId,
    digest: PortId,
}

impl Core {
    fn new(vcd: Option<&std::path::Path>) -> Core {
        let m = match vcd {
            Some(p) => Model::with_vcd("sha256_core", p),
            None => Model::new("sha256_core"),
        }
        .expect("model sha256_core");
        let p = |m: &Model, n: &str| m.port(n).expect(n);
        let mut c = Core {
            reset: p(&m, "reset"),
            win: p(&m, "win"),
            win_valid: p(&m, "win_valid"),
            win_first: p(&m, "win_first"),
            win_ready: p(&m, "win_ready"),
            ready: p(&m, "ready"),
            done: p(&m, "done"),
            digest: p(&m, "digest"),
            m,
        };
        c.m.eval();
        c.m.set(c.reset, 1);
        c.m.ticks(2);
        c.m.set(c.reset, 0);
        c.m.eval();
        c
    }
    fn digest(&mut self) -> [u32; 8] {
        let w = self.m.get_words(self.digest);
        let mut d = [0u32; 8];
        for i in 0..8 {
            d[i] = w[7 - i];
        }
        d
    }
}

/// What one run measured.
struct Run {
    /// Cycle of each block's start (the clock its `W[1]` is taken).
    starts: Vec<u64>,
}

/// Streams `msgs` (each a list of 16-word blocks) into the core; a word is offered with
/// probability `p_valid` each clock. Checks the digest after every block against the model.
fn stream(
    c: &mut Core,
    msgs: &[Vec<[u32; 16]>],
    p_valid: f64,
    rng: &mut ChaCha8Rng,
) -> Result<Run, String> {
    // The word stream and the expected digest after each block.
    let mut words: Vec<(u32, bool, bool)> = Vec::new(); // (word, first, is W[1])
    let mut want: Vec<[u32; 8]> = Vec::new();
    for m in msgs {
        let mut h = IV;
        for (bi, b) in m.iter().enumerate() {
            for (wi, &w) in b.iter().enumerate() {
                words.push((w, wi == 0 && bi == 0, wi == 1));
            }
            model::compress(&mut h, b);
            want.push(h);
        }
    }
    let mut next = 0;
    let mut done = 0;
    let mut starts = Vec::new();
    let mut guard = 0u64;
    while done < want.len() {
        let offer = next < words.len() && rng.gen_bool(p_valid);
        if offer {
            c.m.set(c.win, u64::from(words[next].0));
            c.m.set(c.win_first, u64::from(words[next].1));
        }
        c.m.set(c.win_valid, u64::from(offer));
        c.m.eval();
        if offer && c.m.get(c.win_ready) == 1 {
            if words[next].2 {
                starts.push(c.m.cycles());
            }
            next += 1;
        }
        c.m.tick();
        c.m.eval();
        if c.m.get(c.done) == 1 {
            let got = c.digest();
            if got != want[done] {
                return Err(format!(
                    "block {done}: digest {got:08x?}, model {:08x?} (cycle {})",
                    want[done],
                    c.m.cycles()
                ));
            }
            done += 1;
        }
        guard += 1;
        if guard as f64 > 2_000.0 + 400.0 * want.len() as f64 / p_valid.max(0.05) {
            return Err(format!("hung after {done} of {} blocks", want.len()));
        }
    }
    c.m.set(c.win_valid, 0);
    c.m.eval();
    Ok(Run { starts })
}

fn random_msgs(rng: &mut ChaCha8Rng, n: usize, max_blocks: usize) -> Vec<Vec<[u32; 16]>> {
    (0..n)
        .map(|_| {
            let nb = rng.gen_range(1..=max_blocks);
            (0..nb)
                .map(|_| {
                    let mut b = [0u32; 16];
                    for w in b.iter_mut() {
                        *w = rng.gen();
                    }
                    b
                })
                .collect()
        })
        .collect()
}

/// Runs `case` on a fresh model; on failure re-runs it with a VCD and panics with the seed.
fn check(name: &str, case: impl Fn(&mut Core, &mut ChaCha8Rng) -> Result<(), String>) {
    let seed = testkit::seed(&format!("sha256_core-{name}"));
    let mut c = Core::new(None);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    if let Err(e) = case(&mut c, &mut rng) {
        let vcd = vcd_path(&format!("sha256_core-{name}-{seed}"));
        let mut c2 = Core::new(Some(&vcd));
        let mut rng2 = ChaCha8Rng::seed_from_u64(seed);
        let _ = case(&mut c2, &mut rng2);
        c2.m.flush_vcd();
        panic!("{name}: {e} (seed {seed}; waveform {})", vcd.display());
    }
}

#[test]
fn sha256_core_messages_match_model() {
    check("messages", |c, rng| {
        let msgs = random_msgs(rng, 12, 3);
        stream(c, &msgs, 1.0, rng).map(|_| ())
    });
}

#[test]
fn sha256_core_stalls_keep_state() {
    // Words offered at random with gaps: every stall in rounds 0..13, idle gaps between
    // blocks and a late W[1] must leave the digests exact.
    check("stalls", |c, rng| {
        for p in [0.9, 0.5, 0.15] {
            let msgs = random_msgs(rng, 6, 3);
            stream(c, &msgs, p, rng)?;
        }
        Ok(())
    });
}

#[test]
fn sha256_core_back_to_back_65_cycles_per_block() {
    check("b2b", |c, rng| {
        // One 12-block message, then three 1-block messages (a new message starts in FINAL).
        let mut msgs = random_msgs(rng, 1, 1);
        msgs[0] = random_msgs(rng, 12, 1).into_iter().flatten().collect();
        msgs.extend(random_msgs(rng, 3, 1));
        let run = stream(c, &msgs, 1.0, rng)?;
        let periods: Vec<u64> = run.starts.windows(2).map(|w| w[1] - w[0]).collect();
        println!("start periods: {periods:?}");
        if periods.len() != 14 || periods.iter().any(|&p| p != 65) {
            return Err(format!("steady state must be 65 cycles/block: {periods:?}"));
        }
        Ok(())
    });
}

#[test]
fn sha256_core_reset_mid_block_recovers() {
    check("reset", |c, rng| {
        let msgs = random_msgs(rng, 1, 2);
        // Start a block, reset in the middle of it (and with a W[0] prefetched), then run.
        for (i, &w) in msgs[0][0].iter().take(9).enumerate() {
            c.m.set(c.win, u64::from(w));
            c.m.set(c.win_first, u64::from(i == 0));
            c.m.set(c.win_valid, 1);
            c.m.tick();
        }
        c.m.set(c.win_valid, 0);
        c.m.ticks(3);
        c.m.set(c.reset, 1);
        c.m.tick();
        c.m.set(c.reset, 0);
        c.m.eval();
        if c.m.get(c.ready) != 1 {
            return Err("not idle after reset".into());
        }
        stream(c, &msgs, 1.0, rng).map(|_| ())
    });
}
