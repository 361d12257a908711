//! The `VerifyRing` harness (`verif/tests/vring.rs`): the random job-ring generator, the
//! stand-in verify core, the software driver loop that counts its MMIO accesses, and the
//! checks of a finished run against the golden model (`satchain_hdl::vring::model`).
//!
//! The stand-in core is not a verifier: it answers each job with a code and a cycle count
//! derived from the job's bytes, so a result proves the job reached the core intact.
#![allow(clippy::panic, clippy::expect_used)] // test harness: a broken setup is a test failure

use std::collections::HashMap;

use crate::axi_mem::DEFAULT_BASE;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use satchain_hdl::vring::model::{
    header, parse_header, slot_addr, Job, JobKind, ResultEntry, BAD_JOB_CODE, SLOT_BURST0_BEATS,
    SLOT_READ_BEATS,
};

pub mod driver;
pub mod path;
mod ring;
pub mod top;

pub use driver::{mem_off, PortRegs, RegPorts, RingRegs, SwDriver};
pub use ring::{soft_reset, Core, Ports, Ring};

/// Random rings per run: `SATCHAIN_PROPTEST_CASES`, default 12.
pub fn cases() -> u32 {
    std::env::var("SATCHAIN_PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(12)
}

/// The run's seed: `SATCHAIN_SEED`, default fixed.
pub fn seed() -> u64 {
    std::env::var("SATCHAIN_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x7121_0001)
}

/// The stand-in core's answer to a job: a code (never `BAD_JOB_CODE`) and a cycle count from
/// the job's bytes, so a wrong byte anywhere shows in the result.
pub fn core_verdict(j: &Job) -> (u8, u32) {
    let mut h: u32 = 0x811C_9DC5 ^ u32::from(j.tag) ^ (j.kind as u32) << 16;
    h ^= u32::from(j.prefix) << 24;
    for w in &j.words {
        for &b in w {
            h = (h ^ u32::from(b)).wrapping_mul(0x0100_0193);
        }
    }
    let c = (h >> 28) as u8;
    let c = if c == BAD_JOB_CODE { 15 } else { c };
    (c, h)
}

/// A slot as software writes it: well-formed or with a refused header.
#[derive(Debug, Clone)]
pub struct Slot {
    pub header: u64,
    pub words: [[u8; 32]; 5],
}

impl Slot {
    pub fn expected(&self) -> Result<Job, u16> {
        match parse_header(self.header) {
            Ok((kind, tag, prefix)) => Ok(Job {
                kind,
                tag,
                prefix,
                words: self.words,
            }),
            Err(_) => Err((self.header & 0xFFFF) as u16),
        }
    }

    pub fn expected_result(&self) -> ResultEntry {
        match self.expected() {
            Ok(j) => {
                let (code, cycles) = core_verdict(&j);
                ResultEntry {
                    tag: j.tag,
                    code,
                    cycles,
                }
            }
            Err(tag) => ResultEntry {
                tag,
                code: BAD_JOB_CODE,
                cycles: 0,
            },
        }
    }
}

/// Parameters of one run.
#[derive(Debug, Clone)]
pub struct Params {
    pub job_base: u32,
    pub job_log2: u8,
    pub res_base: u32,
    pub res_log2: u8,
    pub slots: Vec<Slot>,
    pub mem_latency: u64,
    pub mem_jitter: u64,
    pub mem_stall: u32,
    pub mem_outstanding: usize,
    pub write_latency: u64,
    pub write_outstanding: usize,
    /// Percent of clocks the core holds `job_ready` low.
    pub core_stall: u32,
    /// Core latency range (clocks) and jobs in flight.
    pub core_lat: (u64, u64),
    pub core_depth: usize,
    /// Driver: clocks between polls, most slots published per doorbell.
    pub poll: u64,
    pub chunk: u32,
    pub seed: u64,
}

pub fn random_slot(rng: &mut ChaCha8Rng, tag: u16, bad_percent: u32) -> Slot {
    let mut words = [[0u8; 32]; 5];
    for w in &mut words {
        rng.fill(&mut w[..]);
    }
    let kind = if rng.gen_bool(0.5) {
        JobKind::Ecdsa
    } else {
        JobKind::Bip340
    };
    let mut h = header(kind, tag, rng.gen());
    if rng.gen_range(0..100) < bad_percent {
        h = match rng.gen_range(0..4) {
            0 => (h & !(3 << 16)) | 2 << 16,
            1 => h | 3 << 16,
            2 => h | 1u64 << rng.gen_range(18..24u32),
            _ => h | 1u64 << rng.gen_range(32..64u32),
        };
    }
    Slot { header: h, words }
}

pub fn random_params(seed: u64) -> Params {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let job_log2 = rng.gen_range(1..=6u8);
    let res_log2 = rng.gen_range(1..=6u8);
    let n = rng.gen_range(1..=96usize);
    let slots = (0..n)
        .map(|i| random_slot(&mut rng, i as u16 ^ 0x5A00, 10))
        .collect();
    let base = DEFAULT_BASE as u32;
    let job_base = base + 0x1_0000 * rng.gen_range(0..4) + 256 * rng.gen_range(0..32);
    // Half the runs put the result ring across a 4 KiB page boundary.
    let res_base = if rng.gen_bool(0.5) {
        base + 0x10_0000 + 0x1000 - 8 * rng.gen_range(1..(1 << res_log2).max(2))
    } else {
        base + 0x10_0000 + 8 * rng.gen_range(0..64)
    };
    let lo = rng.gen_range(1..60);
    Params {
        job_base,
        job_log2,
        res_base,
        res_log2,
        slots,
        mem_latency: rng.gen_range(1..48),
        mem_jitter: rng.gen_range(0..8),
        mem_stall: [0, 0, 10, 30][rng.gen_range(0..4)],
        mem_outstanding: rng.gen_range(1..=4),
        write_latency: rng.gen_range(1..32),
        write_outstanding: rng.gen_range(1..=4),
        core_stall: [0, 0, 20, 60, 90][rng.gen_range(0..5)],
        core_lat: (lo, lo + rng.gen_range(0..200)),
        core_depth: rng.gen_range(1..=8),
        poll: [1, 7, 64, 300][rng.gen_range(0..4)],
        chunk: rng.gen_range(1..=(1u32 << job_log2)),
        seed,
    }
}

/// Everything the model says about a finished run.
pub fn check_run(r: &mut Ring, slots: &[Slot]) -> Result<(), String> {
    // Jobs delivered to the core: the well-formed slots, in order, intact.
    let want: Vec<Job> = slots.iter().filter_map(|s| s.expected().ok()).collect();
    if r.core.delivered.len() != want.len() {
        return Err(format!(
            "{} jobs delivered, {} well-formed slots",
            r.core.delivered.len(),
            want.len()
        ));
    }
    for (i, (got, w)) in r.core.delivered.iter().zip(&want).enumerate() {
        if got != w {
            return Err(format!("job {i} delivered as {got:?}, slot holds {w:?}"));
        }
    }
    // Results: one per slot, each as predicted (tags are unique within a run).
    let mut exp: HashMap<u16, ResultEntry> = HashMap::new();
    for s in slots {
        let e = s.expected_result();
        exp.insert(e.tag, e);
    }
    for (k, e) in r.drv.results.iter().enumerate() {
        match exp.remove(&e.tag) {
            Some(x) if x == *e => {}
            Some(x) => return Err(format!("result {k}: {e:?}, expected {x:?}")),
            None => return Err(format!("result {k}: {e:?} unexpected or repeated")),
        }
    }
    if !exp.is_empty() {
        return Err(format!("{} results missing", exp.len()));
    }
    // Slots fetched: slot i at its address, 16 + 5 beats, in order.
    let mut want_reads = Vec::new();
    for i in 0..slots.len() {
        let a = slot_addr(r.drv.job_base, r.drv.job_log2, i as u16);
        want_reads.push((a, SLOT_BURST0_BEATS));
        want_reads.push((
            a + 8 * SLOT_BURST0_BEATS,
            SLOT_READ_BEATS - SLOT_BURST0_BEATS,
        ));
    }
    let got_reads: Vec<(u64, u64)> = r.mem.read_log.iter().map(|b| (b.addr, b.beats)).collect();
    if got_reads != want_reads {
        return Err(format!(
            "read bursts {:x?}, model says {:x?}",
            &got_reads[..got_reads.len().min(8)],
            &want_reads[..want_reads.len().min(8)]
        ));
    }
    // Result writes: inside the ring, full strobes, all OKAY, one beat per result.
    let lo = u64::from(r.drv.res_base);
    let hi = lo + 8 * (1u64 << r.drv.res_log2);
    for w in &r.mem.write_log {
        if w.addr < lo || w.addr >= hi || w.strb != 0xFF || w.resp != 0 {
            return Err(format!(
                "write beat {w:?} outside the result ring {lo:#x}..{hi:#x}"
            ));
        }
    }
    if r.mem.write_log.len() != slots.len() {
        return Err(format!(
            "{} result beats written for {} slots",
            r.mem.write_log.len(),
            slots.len()
        ));
    }
    if !r.credit_violations.is_empty() {
        return Err(format!("credit rule broken: {:?}", r.credit_violations));
    }
    if !r.mem.violations.is_empty() {
        return Err(format!("AXI violations: {:?}", r.mem.violations));
    }
    if r.mem.orphan_write_beats() != 0 {
        return Err(format!("{} orphan W beats", r.mem.orphan_write_beats()));
    }
    let n = slots.len() as u64;
    let st = (
        r.get(|p| p.job_tail),
        r.get(|p| p.res_head),
        r.get(|p| p.err),
        r.get(|p| p.res_nonempty),
    );
    if st != (n & 0xFFFF, n & 0xFFFF, 0, 0) {
        return Err(format!(
            "final (job_tail, res_head, err, res_nonempty) = {st:?}, expected ({n}, {n}, 0, 0)"
        ));
    }
    Ok(())
}

/// One run: open, configure, publish every slot, drain, check against the model.
pub fn run_case(p: &Params, vcd: Option<&str>) -> Result<Ring, String> {
    let mut r = Ring::open(p, vcd);
    r.configure();
    let res = r
        .run(&p.slots, p.poll, p.chunk)
        .and_then(|()| r.settle())
        .and_then(|()| {
            // The last res_tail write lands; res_nonempty follows it.
            r.clocks(4);
            check_run(&mut r, &p.slots)
        });
    r.m.flush_vcd();
    res.map(|()| r)
}

/// Parameters without jitter or stalls (fixed seed), for the directed error and reset tests.
pub fn quiet_params(job_base: u32, job_log2: u8, res_base: u32, res_log2: u8, n: usize) -> Params {
    let mut rng = ChaCha8Rng::seed_from_u64(0xBAD);
    Params {
        job_base,
        job_log2,
        res_base,
        res_log2,
        slots: (0..n).map(|i| random_slot(&mut rng, i as u16, 0)).collect(),
        mem_latency: 10,
        mem_jitter: 0,
        mem_stall: 0,
        mem_outstanding: 2,
        write_latency: 5,
        write_outstanding: 2,
        core_stall: 0,
        core_lat: (20, 20),
        core_depth: 4,
        poll: 50,
        chunk: 1 << job_log2,
        seed: 0xBAD,
    }
}

/// Soft reset after an error, then a clean batch of 20 jobs checked against the model.
pub fn recover_and_rerun(r: &mut Ring) {
    soft_reset(r);
    assert_eq!(r.get(|p| p.err), 0);
    assert_eq!(r.get(|p| p.job_tail), 0);
    r.drv.results.clear();
    r.drv.published.clear();
    r.core.delivered.clear();
    r.mem.read_log.clear();
    r.mem.write_log.clear();
    r.seen_reads = 0;
    let mut rng = ChaCha8Rng::seed_from_u64(77);
    let slots: Vec<Slot> = (0..20)
        .map(|i| random_slot(&mut rng, 0x100 + i as u16, 0))
        .collect();
    r.run(&slots, 50, 1 << r.drv.job_log2)
        .expect("run after soft reset");
    r.settle().expect("idle");
    r.clocks(4);
    check_run(r, &slots).expect("batch after soft reset");
}
