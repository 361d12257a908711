//! The VerifyRing under test with its memory, the stand-in verify core and the software driver
//! loop (publish slots, ring the doorbell, poll, collect results), counting MMIO accesses.
#![allow(clippy::panic, clippy::expect_used)] // test harness: a broken setup is a test failure

use crate::axi_mem::{AxiMem, DEFAULT_BASE};
use crate::sim::{vcd_path, Model, PortId};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use satchain_hdl::vring::model::{capacity, Job, JobKind, SLOT_BURST0_BEATS};

use super::driver::{PortRegs, RegPorts, SwDriver};
use super::{core_verdict, Params, Slot};

/// The ports of the block the harness drives or watches.
pub struct Ports {
    pub soft_reset: PortId,
    pub axi_reset: PortId,
    pub enable: PortId,
    pub job_base: PortId,
    pub job_log2: PortId,
    pub job_head: PortId,
    pub res_base: PortId,
    pub res_log2: PortId,
    pub res_tail: PortId,
    pub job_tail: PortId,
    pub res_head: PortId,
    pub res_nonempty: PortId,
    pub busy: PortId,
    pub err: PortId,
    pub err_code: PortId,
    pub err_resp: PortId,
    pub err_slot: PortId,
    pub job_valid: PortId,
    pub job_ready: PortId,
    pub job_kind: PortId,
    pub job_tag: PortId,
    pub job_prefix: PortId,
    pub job_words: [PortId; 5],
    pub verdict_valid: PortId,
    pub verdict_ready: PortId,
    pub verdict_tag: PortId,
    pub verdict_code: PortId,
    pub verdict_cycles: PortId,
}

impl Ports {
    pub fn find(m: &Model) -> Ports {
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
pub struct Core {
    pub stall: u32,
    pub lat: (u64, u64),
    pub depth: usize,
    pub rng: ChaCha8Rng,
    /// (ready at clock, job)
    pub inflight: Vec<(u64, Job)>,
    pub out: Option<Job>,
    pub delivered: Vec<Job>,
}

/// The block, its memory, the stand-in core and a software driver that counts its register
/// accesses (`mmio_reads` / `mmio_writes`; the block's index and status ports stand for the
/// registers the integration will add, see the README).
pub struct Ring {
    pub m: Model,
    pub p: Ports,
    pub mem: AxiMem,
    pub core: Core,
    pub now: u64,
    /// The software side: rings, indices, results, slots written, MMIO counts.
    pub drv: SwDriver,
    regs: RegPorts,
    /// Slots whose first burst was requested (the credit monitor) and the violations seen.
    pub fetched: u16,
    pub seen_reads: usize,
    pub credit_violations: Vec<String>,
}

impl Ring {
    pub fn open(p: &Params, vcd: Option<&str>) -> Ring {
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
        let regs = RegPorts::find(&m).expect("vring ports");
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
            drv: SwDriver::new(p.job_base, p.job_log2, p.res_base, p.res_log2),
            regs,
            fetched: 0,
            seen_reads: 0,
            credit_violations: Vec::new(),
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
    pub fn configure(&mut self) {
        let p = &self.p;
        let d = &mut self.drv;
        self.m.set(p.job_base, u64::from(d.job_base));
        self.m.set(p.job_log2, u64::from(d.job_log2));
        self.m.set(p.res_base, u64::from(d.res_base));
        self.m.set(p.res_log2, u64::from(d.res_log2));
        self.m.set(p.enable, 1);
        d.mmio_writes += 3;
    }

    pub fn get(&mut self, p: fn(&Ports) -> PortId) -> u64 {
        let id = p(&self.p);
        self.m.get(id)
    }

    /// One clock: core handshakes, memory, credit monitor.
    pub fn clock(&mut self) {
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
                let out = u32::from(self.fetched.wrapping_sub(self.drv.rtail));
                if out > capacity(self.drv.res_log2) {
                    self.credit_violations.push(format!(
                        "clock {}: slot {} fetched with res_tail {} (capacity {})",
                        self.now,
                        self.fetched - 1,
                        self.drv.rtail,
                        capacity(self.drv.res_log2)
                    ));
                }
            }
        }
    }

    pub fn clocks(&mut self, n: u64) {
        for _ in 0..n {
            self.clock();
        }
    }

    /// Driver step ([`SwDriver::poll`] on the block's ports). Returns whether the block
    /// reported an error.
    pub fn poll(&mut self, slots: &[Slot], chunk: u32) -> bool {
        let mut regs = PortRegs {
            m: &mut self.m,
            p: self.regs,
            mem: &mut self.mem,
        };
        self.drv.poll(&mut regs, slots, chunk)
    }

    /// Runs the driver until every slot's result was taken; `Err` on a block error or timeout.
    pub fn run(&mut self, slots: &[Slot], poll: u64, chunk: u32) -> Result<(), String> {
        let limit = self.now + 20_000 + 3_000 * slots.len() as u64;
        while self.drv.results.len() < slots.len() {
            if self.poll(slots, chunk) {
                return Err(format!(
                    "block error: code {} resp {} slot {}",
                    self.get(|p| p.err_code),
                    self.get(|p| p.err_resp),
                    self.get(|p| p.err_slot)
                ));
            }
            if self.drv.results.len() >= slots.len() {
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
                    self.drv.results.len(),
                    slots.len(),
                ));
            }
        }
        Ok(())
    }

    /// Waits (bounded) until the block is idle.
    pub fn settle(&mut self) -> Result<(), String> {
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

/// Soft reset as the driver does it: the pulse also zeroes the software indices (JOB_HEAD,
/// RES_TAIL), or the block would see old slots published after the drain.
/// The core is reset with the ring (a verdict of an old job arriving after the pulse would
/// be taken as a result of the new batch): the stand-in core drops its jobs and takes none
/// until the drain is over.
pub fn soft_reset(r: &mut Ring) {
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
    r.drv.mmio_writes += 1;
    for _ in 0..5_000 {
        if r.get(|p| p.busy) == 0 {
            break;
        }
        r.clock();
    }
    assert_eq!(r.get(|p| p.busy), 0, "soft reset drains");
    r.core.depth = depth;
    // Software's view restarts at 0 too.
    r.drv.head = 0;
    r.drv.rtail = 0;
    r.fetched = 0;
    r.seen_reads = r.mem.read_log.len();
    r.clocks(4);
}
