#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::cast_possible_truncation
)]
//! `VerifyRing` (verify-job DMA, `hdl/src/vring/`) on Verilator against its golden model
//! (`satchain_hdl::vring::model`), with the simulated DDR of `verif::axi_mem` (read and write
//! channels, protocol checker) and a stand-in verify core on the job / verdict ports:
//! - random job rings (fixed seed `SATCHAIN_SEED`, `SATCHAIN_PROPTEST_CASES` cases): ring sizes
//!   1..=64 slots (wrap-around many times), result rings smaller or larger than the job ring
//!   (the result-credit rule), rings across 4 KiB pages, full rings published at once, AXI
//!   latency / jitter / back-pressure, core back-pressure and out-of-order verdicts, malformed
//!   headers (-> `BAD_JOB_CODE` results); the slots fetched, the jobs delivered and the result
//!   entries written all as the model says; a VCD of a failing case;
//! - MMIO accesses per verify, amortised, over a batch of 1,024 jobs (the driver protocol of
//!   the README, accesses counted);
//! - bad ring configurations, RRESP / BRESP errors -> typed `RingError` codes, no hang;
//! - soft reset with bursts in flight, then a correct batch.
//!
//! The stand-in core is not a verifier: it answers each job with a code and a cycle count
//! derived from the job's bytes, so a result proves the job reached the core intact.

use std::collections::HashMap;

use accel_driver::DmaRegion;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use satchain_hdl::vring::model::{
    self, capacity, encode_slot, header, parse_header, result_addr, slot_addr, Job, JobKind,
    ResultEntry, RingError, BAD_JOB_CODE, SLOT_BURST0_BEATS, SLOT_READ_BEATS,
};
use verif::axi_mem::{AxiMem, DEFAULT_BASE};
use verif::sim::{vcd_path, Model, PortId};

fn cases() -> u32 {
    std::env::var("SATCHAIN_PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(12)
}

fn seed() -> u64 {
    std::env::var("SATCHAIN_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x7121_0001)
}

/// The stand-in core's answer to a job: a code (never `BAD_JOB_CODE`) and a cycle count from
/// the job's bytes, so a wrong byte anywhere shows in the result.
fn core_verdict(j: &Job) -> (u8, u32) {
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
struct Slot {
    header: u64,
    words: [[u8; 32]; 5],
}

impl Slot {
    fn expected(&self) -> Result<Job, u16> {
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

    fn expected_result(&self) -> ResultEntry {
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
struct Params {
    job_base: u32,
    job_log2: u8,
    res_base: u32,
    res_log2: u8,
    slots: Vec<Slot>,
    mem_latency: u64,
    mem_jitter: u64,
    mem_stall: u32,
    mem_outstanding: usize,
    write_latency: u64,
    write_outstanding: usize,
    /// Percent of clocks the core holds `job_ready` low.
    core_stall: u32,
    /// Core latency range (clocks) and jobs in flight.
    core_lat: (u64, u64),
    core_depth: usize,
    /// Driver: clocks between polls, most slots published per doorbell.
    poll: u64,
    chunk: u32,
    seed: u64,
}

fn random_slot(rng: &mut ChaCha8Rng, tag: u16, bad_percent: u32) -> Slot {
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

fn random_params(seed: u64) -> Params {
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

/// The ports of the block the harness drives or watches.
struct Ports {
    soft_reset: PortId,
    axi_reset: PortId,
    enable: PortId,
    job_base: PortId,
    job_log2: PortId,
    job_head: PortId,
    res_base: PortId,
    res_log2: PortId,
    res_tail: PortId,
    job_tail: PortId,
    res_head: PortId,
    res_nonempty: PortId,
    busy: PortId,
    err: PortId,
    err_code: PortId,
    err_resp: PortId,
    err_slot: PortId,
    job_valid: PortId,
    job_ready: PortId,
    job_kind: PortId,
    job_tag: PortId,
    job_prefix: PortId,
    job_words: [PortId; 5],
    verdict_valid: PortId,
    verdict_ready: PortId,
    verdict_tag: PortId,
    verdict_code: PortId,
    verdict_cycles: PortId,
}

impl Ports {
    fn find(m: &Model) -> Ports {
        let p = |n: &str| m.port(n).unwrap_or_else(|e| panic!("port {n}: {e}"));
        Ports {
            soft_reset: p("soft_reset"),
            axi_reset: p("axi_reset"),
            enable: p("enable"),
            job_base: p("job_base"),
            job_log2: p("job_log2"),
            job_head: p("job_head"),
            res_base: p("res_base"),
            res_log2: p("res_log2"),
            res_tail: p("res_tail"),
            job_tail: p("job_tail"),
            res_head: p("res_head"),
            res_nonempty: p("res_nonempty"),
            busy: p("busy"),
            err: p("err"),
            err_code: p("err_code"),
            err_resp: p("err_resp"),
            err_slot: p("err_slot"),
            job_valid: p("job_valid"),
            job_ready: p("job_ready"),
            job_kind: p("job_kind"),
            job_tag: p("job_tag"),
            job_prefix: p("job_prefix"),
            job_words: [p("job_z"), p("job_r"), p("job_s"), p("job_qx"), p("job_qy")],
            verdict_valid: p("verdict_valid"),
            verdict_ready: p("verdict_ready"),
            verdict_tag: p("verdict_tag"),
            verdict_code: p("verdict_code"),
            verdict_cycles: p("verdict_cycles"),
        }
    }
}

/// The stand-in verify core: accepts jobs (with back-pressure), answers each after a random
/// latency (so verdicts may leave out of order), holds a verdict until `verdict_ready`.
struct Core {
    stall: u32,
    lat: (u64, u64),
    depth: usize,
    rng: ChaCha8Rng,
    /// (ready at clock, job)
    inflight: Vec<(u64, Job)>,
    out: Option<Job>,
    delivered: Vec<Job>,
}

/// The block, its memory, the stand-in core and a software driver that counts its register
/// accesses (`mmio_reads` / `mmio_writes`; the block's index and status ports stand for the
/// registers the integration will add, see the README).
struct Ring {
    m: Model,
    p: Ports,
    mem: AxiMem,
    core: Core,
    now: u64,
    job_base: u32,
    job_log2: u8,
    res_base: u32,
    res_log2: u8,
    head: u16,
    rtail: u16,
    mmio_reads: u64,
    mmio_writes: u64,
    results: Vec<ResultEntry>,
    /// Slots whose first burst was requested (the credit monitor) and the violations seen.
    fetched: u16,
    seen_reads: usize,
    credit_violations: Vec<String>,
    /// Every job the driver has written, by ring index (for the fetch-order check).
    published: Vec<Slot>,
}

fn mem_off(mem: &AxiMem, addr: u64) -> usize {
    (addr - mem.bus_addr()) as usize
}

impl Ring {
    fn open(p: &Params, vcd: Option<&str>) -> Ring {
        let m = match vcd {
            Some(n) => Model::with_vcd("vring", vcd_path(n)).expect("vring model"),
            None => Model::new("vring").expect("vring model"),
        };
        let mut mem = AxiMem::new(DEFAULT_BASE, 4 << 20, p.mem_latency);
        let (rd, wr) = mem.attach_with_prefix(&m, "m_axi_");
        assert!(rd && wr, "vring has an AXI read and write master");
        mem.latency_jitter = p.mem_jitter;
        mem.stall_percent = p.mem_stall;
        mem.max_outstanding = p.mem_outstanding;
        mem.write_latency = p.write_latency;
        mem.max_outstanding_writes = p.write_outstanding;
        mem.strict_read_checks = true;
        mem.log_reads = true;
        mem.log_writes = true;
        mem.set_seed(p.seed ^ 0xA5A5);
        let ports = Ports::find(&m);
        let mut r = Ring {
            m,
            p: ports,
            mem,
            core: Core {
                stall: p.core_stall,
                lat: p.core_lat,
                depth: p.core_depth,
                rng: ChaCha8Rng::seed_from_u64(p.seed ^ 0xC0DE),
                inflight: Vec::new(),
                out: None,
                delivered: Vec::new(),
            },
            now: 0,
            job_base: p.job_base,
            job_log2: p.job_log2,
            res_base: p.res_base,
            res_log2: p.res_log2,
            head: 0,
            rtail: 0,
            mmio_reads: 0,
            mmio_writes: 0,
            results: Vec::new(),
            fetched: 0,
            seen_reads: 0,
            credit_violations: Vec::new(),
            published: Vec::new(),
        };
        let pp = &r.p;
        r.m.set(pp.soft_reset, 0);
        r.m.set(pp.axi_reset, 1);
        r.m.set(pp.enable, 0);
        r.m.set(pp.job_ready, 0);
        r.m.set(pp.verdict_valid, 0);
        r.m.eval();
        r.clocks(2);
        let pp = &r.p;
        r.m.set(pp.axi_reset, 0);
        r.clocks(2);
        r
    }

    /// Configuration: JOB_BASE, RES_BASE, one register with both sizes + enable (3 writes).
    fn configure(&mut self) {
        let p = &self.p;
        self.m.set(p.job_base, u64::from(self.job_base));
        self.m.set(p.job_log2, u64::from(self.job_log2));
        self.m.set(p.res_base, u64::from(self.res_base));
        self.m.set(p.res_log2, u64::from(self.res_log2));
        self.m.set(p.enable, 1);
        self.mmio_writes += 3;
    }

    fn get(&mut self, p: fn(&Ports) -> PortId) -> u64 {
        let id = p(&self.p);
        self.m.get(id)
    }

    /// One clock: core handshakes, memory, credit monitor.
    fn clock(&mut self) {
        let c = &mut self.core;
        let p = &self.p;
        // Core outputs for this clock.
        let ready = c.inflight.len() < c.depth && c.rng.gen_range(0..100) >= c.stall;
        self.m.set(p.job_ready, u64::from(ready));
        if c.out.is_none() {
            if let Some(i) = c.inflight.iter().position(|(t, _)| *t <= self.now) {
                c.out = Some(c.inflight.swap_remove(i).1);
            }
        }
        match &c.out {
            Some(j) => {
                let (code, cycles) = core_verdict(j);
                self.m.set(p.verdict_valid, 1);
                self.m.set(p.verdict_tag, u64::from(j.tag));
                self.m.set(p.verdict_code, u64::from(code));
                self.m.set(p.verdict_cycles, u64::from(cycles));
            }
            None => self.m.set(p.verdict_valid, 0),
        }
        self.m.eval();
        if self.m.get(p.verdict_ready) == 1 {
            c.out = None;
        }
        if ready && self.m.get(p.job_valid) == 1 {
            let kind = if self.m.get(p.job_kind) == 1 {
                JobKind::Bip340
            } else {
                JobKind::Ecdsa
            };
            let mut words = [[0u8; 32]; 5];
            for (w, &id) in words.iter_mut().zip(p.job_words.iter()) {
                let v = self.m.get_biguint(id).to_bytes_be();
                assert!(v.len() <= 32);
                w[32 - v.len()..].copy_from_slice(&v);
            }
            let j = Job {
                kind,
                tag: self.m.get(p.job_tag) as u16,
                prefix: self.m.get(p.job_prefix) as u8,
                words,
            };
            let lat = c.rng.gen_range(c.lat.0..=c.lat.1);
            c.delivered.push(j.clone());
            c.inflight.push((self.now + lat, j));
        }
        self.mem.clock(&mut self.m);
        self.now += 1;
        // Credit monitor: a slot's first burst is requested only while its result has room.
        while self.seen_reads < self.mem.read_log.len() {
            let r = self.mem.read_log[self.seen_reads];
            self.seen_reads += 1;
            if r.beats == SLOT_BURST0_BEATS {
                self.fetched = self.fetched.wrapping_add(1);
                let out = u32::from(self.fetched.wrapping_sub(self.rtail));
                if out > capacity(self.res_log2) {
                    self.credit_violations.push(format!(
                        "clock {}: slot {} fetched with res_tail {} (capacity {})",
                        self.now,
                        self.fetched - 1,
                        self.rtail,
                        capacity(self.res_log2)
                    ));
                }
            }
        }
    }

    fn clocks(&mut self, n: u64) {
        for _ in 0..n {
            self.clock();
        }
    }

    /// Driver step: read the status (1 read), take new results from memory and return them
    /// (1 write), publish up to `chunk` slots (1 write). Returns whether the block reported an
    /// error.
    fn poll(&mut self, slots: &[Slot], chunk: u32) -> bool {
        self.mmio_reads += 1;
        let res_head = self.get(|p| p.res_head) as u16;
        if self.get(|p| p.err) == 1 {
            return true;
        }
        if res_head != self.rtail {
            while self.rtail != res_head {
                let a = result_addr(self.res_base, self.res_log2, self.rtail);
                let mut b = [0u8; 8];
                let off = mem_off(&self.mem, a);
                self.mem.read(off, &mut b).expect("result entry");
                let e = ResultEntry::decode(u64::from_le_bytes(b)).unwrap_or(ResultEntry {
                    tag: 0xFFFF,
                    code: 0xFF,
                    cycles: 0,
                });
                self.results.push(e);
                self.rtail = self.rtail.wrapping_add(1);
            }
            let id = self.p.res_tail;
            self.m.set(id, u64::from(self.rtail));
            self.mmio_writes += 1;
        }
        // Slots free: those whose result software has taken (a result implies its slot was
        // read, and slots are read in order).
        let size = 1u32 << self.job_log2;
        let outstanding = u32::from(self.head.wrapping_sub(self.rtail));
        let next = self.published.len();
        let room = (size - outstanding).min(chunk) as usize;
        let n = room.min(slots.len() - next);
        if n > 0 {
            for s in &slots[next..next + n] {
                let a = slot_addr(self.job_base, self.job_log2, self.head);
                let off = mem_off(&self.mem, a);
                self.mem
                    .write(off, &encode_slot(s.header, &s.words))
                    .expect("slot");
                // Garbage in the unread tail of the slot.
                self.mem.write(off + 168, &[0xEE; 88]).expect("slot tail");
                self.published.push(s.clone());
                self.head = self.head.wrapping_add(1);
            }
            let id = self.p.job_head;
            self.m.set(id, u64::from(self.head));
            self.mmio_writes += 1;
        }
        false
    }

    /// Runs the driver until every slot's result was taken; `Err` on a block error or timeout.
    fn run(&mut self, slots: &[Slot], poll: u64, chunk: u32) -> Result<(), String> {
        let limit = self.now + 20_000 + 3_000 * slots.len() as u64;
        while self.results.len() < slots.len() {
            if self.poll(slots, chunk) {
                return Err(format!(
                    "block error: code {} resp {} slot {}",
                    self.get(|p| p.err_code),
                    self.get(|p| p.err_resp),
                    self.get(|p| p.err_slot)
                ));
            }
            if self.results.len() >= slots.len() {
                break;
            }
            self.clocks(poll);
            if self.now > limit {
                let (jt, rh, busy) = (
                    self.get(|p| p.job_tail),
                    self.get(|p| p.res_head),
                    self.get(|p| p.busy),
                );
                return Err(format!(
                    "timeout at clock {}: {} of {} results, job_tail {jt}, res_head {rh}, busy {busy}",
                    self.now,
                    self.results.len(),
                    slots.len(),
                ));
            }
        }
        Ok(())
    }

    /// Waits (bounded) until the block is idle.
    fn settle(&mut self) -> Result<(), String> {
        for _ in 0..2_000 {
            if self.get(|p| p.busy) == 0 && self.core.out.is_none() && self.core.inflight.is_empty()
            {
                self.clocks(8);
                return Ok(());
            }
            self.clock();
        }
        Err("block still busy 2,000 clocks after the batch".into())
    }
}

/// Everything the model says about a finished run.
fn check_run(r: &mut Ring, slots: &[Slot]) -> Result<(), String> {
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
    for (k, e) in r.results.iter().enumerate() {
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
        let a = slot_addr(r.job_base, r.job_log2, i as u16);
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
    let lo = u64::from(r.res_base);
    let hi = lo + 8 * (1u64 << r.res_log2);
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

fn run_case(p: &Params, vcd: Option<&str>) -> Result<Ring, String> {
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

#[test]
fn vring_random_rings_match_model() {
    let seed = seed();
    let n = cases();
    println!("vring_random_rings_match_model: seed = {seed}, cases = {n}");
    for c in 0..u64::from(n) {
        let case_seed = seed.wrapping_mul(0x9E37_79B9).wrapping_add(c);
        let p = random_params(case_seed);
        if let Err(e) = run_case(&p, None) {
            let name = format!("vring_random-{seed}-{c}");
            let _ = run_case(&p, Some(&name));
            panic!(
                "seed {seed}, case {c}: {e}\nparams: job_log2 {} res_log2 {} jobs {} \
                 job_base {:#x} res_base {:#x} mem lat {} jitter {} stall {} out {} \
                 wlat {} wout {} core stall {} lat {:?} depth {} poll {} chunk {}\n\
                 VCD of the failing case: {}",
                p.job_log2,
                p.res_log2,
                p.slots.len(),
                p.job_base,
                p.res_base,
                p.mem_latency,
                p.mem_jitter,
                p.mem_stall,
                p.mem_outstanding,
                p.write_latency,
                p.write_outstanding,
                p.core_stall,
                p.core_lat,
                p.core_depth,
                p.poll,
                p.chunk,
                vcd_path(&name).display()
            );
        }
    }
}

/// Rings published full at once, result ring of one or two entries (credit binds hard), and
/// a job ring that wraps many times.
#[test]
fn vring_full_rings_and_tiny_result_ring() {
    let seed = seed();
    for (job_log2, res_log2, n) in [(1u8, 1u8, 9usize), (4, 1, 40), (2, 5, 50), (6, 6, 200)] {
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ u64::from(job_log2) << 8 ^ n as u64);
        let slots = (0..n).map(|i| random_slot(&mut rng, i as u16, 0)).collect();
        let p = Params {
            job_base: DEFAULT_BASE as u32 + 0x2000,
            job_log2,
            res_base: DEFAULT_BASE as u32 + 0x20_0000,
            res_log2,
            slots,
            mem_latency: 20,
            mem_jitter: 0,
            mem_stall: 0,
            mem_outstanding: 2,
            write_latency: 10,
            write_outstanding: 2,
            core_stall: 0,
            core_lat: (30, 30),
            core_depth: 8,
            poll: 200,
            chunk: 1 << job_log2,
            seed,
        };
        if let Err(e) = run_case(&p, None) {
            let name = format!("vring_full-{job_log2}-{res_log2}");
            let _ = run_case(&p, Some(&name));
            panic!(
                "job_log2 {job_log2} res_log2 {res_log2}: {e}; VCD {}",
                vcd_path(&name).display()
            );
        }
    }
}

/// MMIO accesses per verify, amortised over a batch of 1,024 jobs through a 256-slot job ring
/// and a 256-entry result ring: configuration (3 writes), then per poll one status read and,
/// when something changed, one RES_TAIL and one JOB_HEAD write. Target: <= 4 per verify.
#[test]
fn vring_mmio_per_verify_batch_1024() {
    let seed = seed();
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x3310);
    let n = 1024usize;
    let slots: Vec<Slot> = (0..n).map(|i| random_slot(&mut rng, i as u16, 0)).collect();
    for poll in [256u64, 1024, 4096] {
        let p = Params {
            job_base: DEFAULT_BASE as u32,
            job_log2: 8,
            res_base: DEFAULT_BASE as u32 + 0x20_0000,
            res_log2: 8,
            slots: slots.clone(),
            mem_latency: verif::axi_mem::DEFAULT_LATENCY,
            mem_jitter: 0,
            mem_stall: 0,
            mem_outstanding: 4,
            write_latency: verif::axi_mem::DEFAULT_WRITE_LATENCY,
            write_outstanding: 4,
            core_stall: 0,
            core_lat: (200, 200),
            core_depth: 16,
            poll,
            chunk: 256,
            seed,
        };
        let r = run_case(&p, None).unwrap_or_else(|e| panic!("poll {poll}: {e}"));
        let total = r.mmio_reads + r.mmio_writes;
        let per = total as f64 / n as f64;
        println!(
            "vring MMIO: {n} jobs, poll every {poll} clocks: {} reads + {} writes = {total} \
             accesses, {per:.3} per verify; {} clocks ({:.1} clocks per job)",
            r.mmio_reads,
            r.mmio_writes,
            r.now,
            r.now as f64 / n as f64
        );
        assert!(per <= 4.0, "{per} MMIO accesses per verify");
    }
}

fn quiet_params(job_base: u32, job_log2: u8, res_base: u32, res_log2: u8, n: usize) -> Params {
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

/// A ring configuration the model refuses: typed error code, nothing read or written.
#[test]
fn vring_bad_ring_config_is_refused() {
    let b = DEFAULT_BASE as u32;
    let cases: [(u32, u8, u32, u8); 7] = [
        (b + 0x80, 4, b + 0x10_0000, 4),
        (b, 0, b + 0x10_0000, 4),
        (b, 17, b + 0x10_0000, 4),
        (0xFFFF_F000, 5, b + 0x10_0000, 4),
        (b, 4, b + 0x10_0004, 4),
        (b, 4, b + 0x10_0000, 0),
        (b, 4, 0xFFFF_FFF8, 1),
    ];
    for (jb, jl, rb, rl) in cases {
        let want = model::config_error(jb, jl, rb, rl).expect("the model refuses it");
        let p = quiet_params(jb, jl, rb, rl, 2);
        let mut r = Ring::open(&p, None);
        r.configure();
        r.poll(&[], 1);
        let id = r.p.job_head;
        r.m.set(id, 2);
        r.clocks(50);
        let code = r.get(|p| p.err_code) as u8;
        assert_eq!(r.get(|p| p.err), 1, "{jb:#x}/{jl} {rb:#x}/{rl}: no error");
        assert_eq!(
            RingError::from_bits(code),
            Some(want),
            "{jb:#x}/{jl} {rb:#x}/{rl}"
        );
        assert!(r.mem.read_log.is_empty() && r.mem.write_log.is_empty());
        assert_eq!(r.get(|p| p.busy), 0);
    }
}

/// RRESP SLVERR on slot 5: `RingError::Read`, `err_slot` = `job_tail` = 5, the results of
/// slots 0..5 written, nothing fetched after it; soft reset recovers.
#[test]
fn vring_read_error_names_the_slot() {
    let b = DEFAULT_BASE as u32;
    let p = quiet_params(b, 3, b + 0x10_0000, 3, 12);
    let mut r = Ring::open(&p, None);
    let bad = slot_addr(b, 3, 5) + 64;
    r.mem.inject_slverr(bad, 8);
    r.configure();
    let err = r.run(&p.slots, p.poll, p.chunk);
    assert!(err.is_err(), "the run must stop on the error");
    r.clocks(300);
    assert_eq!(r.get(|p| p.err), 1);
    assert_eq!(
        RingError::from_bits(r.get(|p| p.err_code) as u8),
        Some(RingError::Read)
    );
    assert_eq!(r.get(|p| p.err_resp), 2, "SLVERR");
    assert_eq!(r.get(|p| p.err_slot), 5);
    assert_eq!(r.get(|p| p.job_tail), 5);
    assert_eq!(
        r.get(|p| p.res_head),
        5,
        "the results before the bad slot are written"
    );
    let slot_reads = r
        .mem
        .read_log
        .iter()
        .filter(|x| x.beats == SLOT_BURST0_BEATS)
        .count();
    assert_eq!(slot_reads, 6, "nothing fetched after the failed slot");
    assert_eq!(r.get(|p| p.busy), 0);
    // Soft reset, then a clean batch on the same block.
    r.mem.clear_errors();
    recover_and_rerun(&mut r);
}

/// BRESP SLVERR on the result ring: `RingError::Write`, `err_slot` = first entry of the failed
/// burst; writing stops, the core is never blocked.
#[test]
fn vring_write_error_names_the_burst() {
    let b = DEFAULT_BASE as u32;
    let p = quiet_params(b, 4, b + 0x10_0000, 4, 30);
    let mut r = Ring::open(&p, None);
    let bad = result_addr(b + 0x10_0000, 4, 7);
    r.mem.inject_write_slverr(bad, 8);
    r.configure();
    let err = r.run(&p.slots, p.poll, p.chunk);
    assert!(err.is_err(), "the run must stop on the error");
    r.clocks(2_000);
    assert_eq!(
        RingError::from_bits(r.get(|p| p.err_code) as u8),
        Some(RingError::Write)
    );
    assert_eq!(r.get(|p| p.err_resp), 2);
    let slot = r.get(|p| p.err_slot) as u16;
    let head = r.get(|p| p.res_head) as u16;
    assert!(slot <= 7, "failed burst starts at {slot}, covers entry 7");
    assert_eq!(head, slot, "res_head stops at the failed burst");
    assert!(
        r.core.inflight.is_empty() && r.core.out.is_none(),
        "core never blocked"
    );
    assert_eq!(r.get(|p| p.busy), 0);
    r.mem.clear_write_errors();
    recover_and_rerun(&mut r);
}

/// Soft reset as the driver does it: the pulse also zeroes the software indices (JOB_HEAD,
/// RES_TAIL), or the block would see old slots published after the drain.
/// The core is reset with the ring (a verdict of an old job arriving after the pulse would
/// be taken as a result of the new batch): the stand-in core drops its jobs and takes none
/// until the drain is over.
fn soft_reset(r: &mut Ring) {
    let (id, h, t) = (r.p.soft_reset, r.p.job_head, r.p.res_tail);
    let depth = r.core.depth;
    r.core.depth = 0;
    r.core.inflight.clear();
    r.core.out = None;
    r.m.set(id, 1);
    r.m.set(h, 0);
    r.m.set(t, 0);
    r.clock();
    r.m.set(id, 0);
    r.mmio_writes += 1;
    for _ in 0..5_000 {
        if r.get(|p| p.busy) == 0 {
            break;
        }
        r.clock();
    }
    assert_eq!(r.get(|p| p.busy), 0, "soft reset drains");
    r.core.depth = depth;
    // Software's view restarts at 0 too.
    r.head = 0;
    r.rtail = 0;
    r.fetched = 0;
    r.seen_reads = r.mem.read_log.len();
    r.clocks(4);
}

fn recover_and_rerun(r: &mut Ring) {
    soft_reset(r);
    assert_eq!(r.get(|p| p.err), 0);
    assert_eq!(r.get(|p| p.job_tail), 0);
    r.results.clear();
    r.published.clear();
    r.core.delivered.clear();
    r.mem.read_log.clear();
    r.mem.write_log.clear();
    r.seen_reads = 0;
    let mut rng = ChaCha8Rng::seed_from_u64(77);
    let slots: Vec<Slot> = (0..20)
        .map(|i| random_slot(&mut rng, 0x100 + i as u16, 0))
        .collect();
    r.run(&slots, 50, 1 << r.job_log2)
        .expect("run after soft reset");
    r.settle().expect("idle");
    r.clocks(4);
    check_run(r, &slots).expect("batch after soft reset");
}

/// Soft reset at many points of a busy batch (read bursts and write bursts in flight): the
/// block drains, then the next batch is correct.
#[test]
fn vring_soft_reset_mid_batch_recovers() {
    let b = DEFAULT_BASE as u32;
    for stop in [3u64, 40, 97, 151, 260, 555] {
        let mut p = quiet_params(b, 4, b + 0x10_0000, 2, 40);
        p.mem_latency = 30;
        p.write_latency = 25;
        let mut r = Ring::open(&p, None);
        r.configure();
        r.poll(&p.slots, 16);
        r.clocks(stop);
        r.poll(&p.slots, 16);
        r.clocks(stop % 17);
        soft_reset(&mut r);
        recover_and_rerun(&mut r);
        assert!(r.mem.violations.is_empty(), "{:?}", r.mem.violations);
    }
}
