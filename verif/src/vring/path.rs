//! The `VerifyPath` (`vring_path`: the `VerifyRing` feeding a real `VerifyCore<1>` with the
//! secp256k1 program built in) under a software driver loop ([`SwDriver`]) with its memory
//! (`AxiMem`, read and write channels, protocol checks): what a verification batch costs
//! when the A9 hands it over through the rings, in clocks and in register accesses.
#![allow(clippy::panic, clippy::expect_used)] // test harness: a broken setup is a test failure

use std::path::Path;

use crate::axi_mem::{AxiMem, DEFAULT_BASE};
use crate::sim::{Model, PortId};
use num_bigint::BigUint;
use satchain_hdl::vcore::iss::core::CoreJob;
use satchain_hdl::vcore::su::model::JobKind as CoreKind;
use satchain_hdl::vring::model::{header, JobKind};

use super::driver::{PortRegs, RegPorts, SwDriver};
use super::Slot;

/// 32 big-endian bytes of `v` (< 2^256).
fn be32(v: &BigUint) -> [u8; 32] {
    let b = v.to_bytes_be();
    assert!(b.len() <= 32, "a job value >= 2^256");
    let mut o = [0u8; 32];
    o[32 - b.len()..].copy_from_slice(&b);
    o
}

/// The job-ring slot of a core job, with `tag`.
pub fn slot_of(j: &CoreJob, tag: u16) -> Slot {
    let kind = match j.kind {
        CoreKind::Ecdsa => JobKind::Ecdsa,
        CoreKind::Schnorr => JobKind::Bip340,
    };
    Slot {
        header: header(kind, tag, j.prefix),
        words: [be32(&j.z), be32(&j.r), be32(&j.s), be32(&j.qx), be32(&j.qy)],
    }
}

/// Ring placement and memory timing of a run.
#[derive(Debug, Clone, Copy)]
pub struct PathConfig {
    pub job_log2: u8,
    pub res_log2: u8,
    /// Read latency of the memory (clocks), and its write latency.
    pub mem_latency: u64,
    pub write_latency: u64,
    /// Driver: clocks between polls, most slots published per doorbell.
    pub poll: u64,
    pub chunk: u32,
}

/// What a finished batch measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchFigures {
    pub jobs: usize,
    /// First doorbell to the poll that took the last result (a multiple of the poll period).
    pub clocks: u64,
    /// First doorbell to the clock `res_head` reached the batch's end (the last result entry
    /// written and acknowledged): what the batch costs the fabric, without the poll's wait.
    pub clocks_to_last_result: u64,
    pub mmio_reads: u64,
    pub mmio_writes: u64,
    /// Most jobs inside the core at once (sampled every clock).
    pub max_inside: u64,
}

struct Ports {
    reset: PortId,
    soft_reset: PortId,
    enable: PortId,
    job_base: PortId,
    job_log2: PortId,
    res_base: PortId,
    res_log2: PortId,
    busy: PortId,
    err_code: PortId,
    err_slot: PortId,
    job_tail: PortId,
    res_head: PortId,
    core_fault: PortId,
    jobs_inside: PortId,
}

/// The Verilated pair, its memory and the driver.
pub struct PathSim {
    pub m: Model,
    pub mem: AxiMem,
    pub drv: SwDriver,
    regs: RegPorts,
    p: Ports,
    pub now: u64,
    pub max_inside: u64,
    /// Last clock `res_head` changed, and its value then.
    res_seen: (u64, u64),
}

impl PathSim {
    /// Opens `vring_path` (optionally writing a VCD of model cycles `from..to`), resets it,
    /// places the job ring at the memory's base and the result ring 1 MiB above.
    pub fn open(c: &PathConfig, vcd: Option<(&Path, u64, u64)>) -> PathSim {
        let m = Model::with_vcd_window("vring_path", vcd).expect("vring_path model");
        let mut mem = AxiMem::new(DEFAULT_BASE, 4 << 20, c.mem_latency);
        let (rd, wr) = mem.attach_with_prefix(&m, "m_axi_");
        assert!(rd && wr, "vring_path has an AXI read and write master");
        mem.write_latency = c.write_latency;
        mem.strict_read_checks = true;
        let port = |n: &str| m.port(n).unwrap_or_else(|e| panic!("port {n}: {e}"));
        let p = Ports {
            reset: port("reset"),
            soft_reset: port("soft_reset"),
            enable: port("enable"),
            job_base: port("job_base"),
            job_log2: port("job_log2"),
            res_base: port("res_base"),
            res_log2: port("res_log2"),
            busy: port("busy"),
            err_code: port("err_code"),
            err_slot: port("err_slot"),
            job_tail: port("job_tail"),
            res_head: port("res_head"),
            core_fault: port("core_fault"),
            jobs_inside: port("jobs_inside"),
        };
        let regs = RegPorts::find(&m).expect("vring_path ring ports");
        let base = DEFAULT_BASE as u32;
        let mut s = PathSim {
            m,
            mem,
            drv: SwDriver::new(base, c.job_log2, base + 0x10_0000, c.res_log2),
            regs,
            p,
            now: 0,
            max_inside: 0,
            res_seen: (0, 0),
        };
        s.m.set(s.p.reset, 1);
        s.m.set(s.p.soft_reset, 0);
        s.m.set(s.p.enable, 0);
        s.m.eval();
        s.clocks(4);
        s.m.set(s.p.reset, 0);
        // The core's reset is stretched after the hard reset too (`CORE_RESET_CLOCKS`).
        s.settle().expect("idle after reset");
        s
    }

    /// Ring configuration: JOB_BASE, RES_BASE, one register with both sizes + enable (3
    /// writes, as counted for the register map of the ring README).
    pub fn configure(&mut self) {
        let (p, d) = (&self.p, &mut self.drv);
        self.m.set(p.job_base, u64::from(d.job_base));
        self.m.set(p.job_log2, u64::from(d.job_log2));
        self.m.set(p.res_base, u64::from(d.res_base));
        self.m.set(p.res_log2, u64::from(d.res_log2));
        self.m.set(p.enable, 1);
        d.mmio_writes += 3;
    }

    /// One clock; a core fault is an error.
    pub fn clock(&mut self) -> Result<(), String> {
        self.mem.clock(&mut self.m);
        self.now += 1;
        let inside = self.m.get(self.p.jobs_inside);
        self.max_inside = self.max_inside.max(inside);
        let rh = self.m.get(self.p.res_head);
        if rh != self.res_seen.1 {
            self.res_seen = (self.now, rh);
        }
        if self.m.get(self.p.core_fault) == 1 {
            return Err(format!("core fault at clock {}", self.now));
        }
        Ok(())
    }

    pub fn clocks(&mut self, n: u64) {
        for _ in 0..n {
            self.clock().expect("clock");
        }
    }

    /// Bounded wait until `busy` is low.
    pub fn settle(&mut self) -> Result<(), String> {
        for _ in 0..2_000 {
            if self.m.get(self.p.busy) == 0 {
                return Ok(());
            }
            self.clock()?;
        }
        Err("busy 2,000 clocks after the end".into())
    }

    /// Runs `slots` through the rings: publish, doorbell, poll every `poll` clocks, until
    /// every slot's result was taken. `Err` on a ring error, a core fault, an AXI protocol
    /// violation or no progress within `limit` clocks.
    pub fn run(
        &mut self,
        c: &PathConfig,
        slots: &[Slot],
        limit: u64,
    ) -> Result<BatchFigures, String> {
        let (r0, w0) = (self.drv.mmio_reads, self.drv.mmio_writes);
        let t0 = self.now;
        let end = self.now + limit;
        loop {
            let mut regs = PortRegs {
                m: &mut self.m,
                p: self.regs,
                mem: &mut self.mem,
            };
            if self.drv.poll(&mut regs, slots, c.chunk) {
                return Err(format!(
                    "ring error: code {} slot {}",
                    self.m.get(self.p.err_code),
                    self.m.get(self.p.err_slot)
                ));
            }
            if self.drv.results.len() >= slots.len() {
                break;
            }
            for _ in 0..c.poll {
                self.clock()?;
            }
            if !self.mem.violations.is_empty() {
                return Err(format!("AXI violations: {:?}", self.mem.violations));
            }
            if self.now > end {
                return Err(format!(
                    "timeout at clock {}: {} of {} results, job_tail {}, jobs inside {}",
                    self.now,
                    self.drv.results.len(),
                    slots.len(),
                    self.m.get(self.p.job_tail),
                    self.m.get(self.p.jobs_inside)
                ));
            }
        }
        Ok(BatchFigures {
            jobs: slots.len(),
            clocks: self.now - t0,
            clocks_to_last_result: self.res_seen.0.saturating_sub(t0),
            mmio_reads: self.drv.mmio_reads - r0,
            mmio_writes: self.drv.mmio_writes - w0,
            max_inside: self.max_inside,
        })
    }

    /// Soft reset as the driver does it: the pulse with JOB_HEAD and RES_TAIL zeroed (one
    /// register write), then a bounded wait for `busy` low.
    pub fn soft_reset(&mut self) -> Result<(), String> {
        self.m.set(self.p.soft_reset, 1);
        self.m.set(self.regs.job_head, 0);
        self.m.set(self.regs.res_tail, 0);
        self.clock()?;
        self.m.set(self.p.soft_reset, 0);
        self.drv.mmio_writes += 1;
        self.drv.restart();
        self.settle()
    }

    pub fn flush_vcd(&mut self) {
        self.m.flush_vcd();
    }
}
