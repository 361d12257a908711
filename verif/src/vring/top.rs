//! The shipped top (`top`: `satchain_hdl::top::RingTop`, the hash path and the verify-job
//! DMA into a `VerifyCore<1>`) under the software driver loop ([`SwDriver`]), every register
//! access a real AXI4-Lite transaction on the top's slave port ([`VerilatorBus`]) and both
//! rings in a memory model on the ring's master (`m1_axi_*`, read and write, protocol checks).
//! The register accesses counted are the bus's own counters: configuration, doorbells,
//! polls and result-tail writes, as the A9 would make them.
// A test harness: a broken setup is a test failure. Register fields are narrower than their
// target (16-bit indices, a 3-bit code) and the memory model's base is 32-bit.
#![allow(clippy::panic, clippy::expect_used, clippy::cast_possible_truncation)]

use std::path::Path;

use accel_driver::Bus;
use satchain_hdl::vring::model::{config_error, RingError};
use satchain_regmap::{field, reg};

use crate::axi_mem::AxiMem;
use crate::bus::{ring_memory, VerilatorBus, RING_MEM_BASE, TOP_MODEL};
use crate::sim::Model;

use super::driver::{RingRegs, SwDriver};
use super::path::{BatchFigures, PathConfig};
use super::Slot;

/// [`RingRegs`] on the top's registers: `VRING_STATUS` (one read), `VRING_RES_TAIL`,
/// `VRING_JOB_HEAD` (one write each); the most jobs inside the core a poll has seen.
struct BusRegs<'a> {
    bus: &'a mut VerilatorBus,
    max_inside: &'a mut u64,
}

impl RingRegs for BusRegs<'_> {
    fn mem(&mut self) -> &mut AxiMem {
        self.bus.ring_mem.as_mut().expect("ring memory attached")
    }
    fn status(&mut self) -> (u16, bool) {
        let s = self
            .bus
            .read32(reg::VRING_STATUS.offset)
            .unwrap_or_else(|e| panic!("VRING_STATUS read: {e}"));
        let inside = u64::from(field::VRING_STATUS::JOBS_INSIDE.get(s));
        *self.max_inside = (*self.max_inside).max(inside);
        (
            field::VRING_STATUS::RES_HEAD.get(s) as u16,
            field::VRING_STATUS::ERR.get(s) == 1,
        )
    }
    fn write_res_tail(&mut self, v: u16) {
        self.bus
            .write32(reg::VRING_RES_TAIL.offset, u32::from(v))
            .unwrap_or_else(|e| panic!("VRING_RES_TAIL write: {e}"));
    }
    fn write_job_head(&mut self, v: u16) {
        self.bus
            .write32(reg::VRING_JOB_HEAD.offset, u32::from(v))
            .unwrap_or_else(|e| panic!("VRING_JOB_HEAD write: {e}"));
    }
}

/// The Verilated ring top, its ring memory and the driver.
pub struct TopRing {
    pub bus: VerilatorBus,
    pub drv: SwDriver,
    /// Model clock at which the ring memory was attached (its clock 0).
    mem_epoch: u64,
    /// Most jobs inside the core, as the polls read it.
    pub max_inside: u64,
}

impl TopRing {
    /// Opens the ring top `top` (optionally writing a VCD of model cycles `from..to`), resets it,
    /// attaches a 4 MiB ring memory (`ring_memory`) on `m1_axi_*` with `c`'s latencies and
    /// places the job ring at its base and the result ring 1 MiB above; waits for `VRING_STATUS.BUSY` low
    /// (the core's reset after the hard reset).
    pub fn open(c: &PathConfig, vcd: Option<(&Path, u64, u64)>) -> TopRing {
        let m = Model::with_vcd_window(TOP_MODEL, vcd).expect("top model");
        let mut bus = VerilatorBus::from_model(m).expect("top: the top's ports");
        let mut mem = ring_memory(4 << 20, c.mem_latency, c.write_latency);
        mem.log_writes = true;
        bus.attach_ring_memory(mem).expect("top: ring master");
        let mem_epoch = bus.model().cycles();
        let base = RING_MEM_BASE as u32;
        let mut t = TopRing {
            bus,
            drv: SwDriver::new(base, c.job_log2, base + 0x10_0000, c.res_log2),
            mem_epoch,
            max_inside: 0,
        };
        t.settle().expect("idle after reset");
        t
    }

    /// The ring memory.
    pub fn mem(&mut self) -> &mut AxiMem {
        self.bus.ring_mem.as_mut().expect("ring memory attached")
    }

    /// `VRING_CFG` for the driver's sizes, enabled.
    pub fn cfg_word(&self) -> u32 {
        use field::VRING_CFG as C;
        C::JOB_LOG2.put(u32::from(self.drv.job_log2))
            | C::RES_LOG2.put(u32::from(self.drv.res_log2))
            | C::ENABLE.put(1)
    }

    /// Ring configuration as the driver does it: checked against the block's rules first
    /// (`model::config_error`), then `VRING_JOB_BASE`, `VRING_RES_BASE`, `VRING_CFG` (3 writes).
    pub fn configure(&mut self) -> Result<(), String> {
        let d = &self.drv;
        if let Some(e) = config_error(d.job_base, d.job_log2, d.res_base, d.res_log2) {
            return Err(format!("ring configuration refused by the driver: {e:?}"));
        }
        let (jb, rb, cfg) = (d.job_base, d.res_base, self.cfg_word());
        self.write(reg::VRING_JOB_BASE.offset, jb)?;
        self.write(reg::VRING_RES_BASE.offset, rb)?;
        self.write(reg::VRING_CFG.offset, cfg)
    }

    pub fn read(&mut self, off: u32) -> Result<u32, String> {
        self.bus
            .read32(off)
            .map_err(|e| format!("read {off:#x}: {e}"))
    }

    pub fn write(&mut self, off: u32, v: u32) -> Result<(), String> {
        self.bus
            .write32(off, v)
            .map_err(|e| format!("write {off:#x}: {e}"))
    }

    /// Bounded wait (register polls) until `VRING_STATUS.BUSY` is low.
    pub fn settle(&mut self) -> Result<(), String> {
        for _ in 0..400 {
            let s = self.read(reg::VRING_STATUS.offset)?;
            if field::VRING_STATUS::BUSY.get(s) == 0 {
                return Ok(());
            }
            self.bus.steps(8);
        }
        Err("VRING_STATUS.BUSY high 4,000 clocks on".into())
    }

    /// The ring error as the registers report it.
    pub fn ring_error(&mut self) -> Result<(Option<RingError>, u32, u32), String> {
        let s = self.read(reg::VRING_STATUS.offset)?;
        let t = self.read(reg::VRING_TAIL.offset)?;
        Ok((
            RingError::from_bits(field::VRING_STATUS::ERR_CODE.get(s) as u8),
            field::VRING_STATUS::ERR_RESP.get(s),
            field::VRING_TAIL::ERR_SLOT.get(t),
        ))
    }

    /// Runs `slots` through the rings: publish, doorbell, poll every `c.poll` clocks, until
    /// every slot's result was taken. `Err` on a ring error, `ERROR` nonzero, an AXI protocol
    /// violation or no progress within `limit` clocks. The register accesses are the bus's.
    pub fn run(
        &mut self,
        c: &PathConfig,
        slots: &[Slot],
        limit: u64,
    ) -> Result<BatchFigures, String> {
        let (r0, w0) = (self.bus.counters.reads, self.bus.counters.writes);
        let t0 = self.bus.model().cycles();
        let end = t0 + limit;
        loop {
            if self.poll_once(slots, c.chunk) {
                let (e, resp, slot) = self.ring_error()?;
                return Err(format!(
                    "ring error {e:?} (AXI response {resp}) at slot {slot}"
                ));
            }
            if self.drv.results.len() >= slots.len() {
                break;
            }
            self.bus.steps(c.poll);
            let v = &self.mem().violations;
            if !v.is_empty() {
                return Err(format!("AXI violations: {v:?}"));
            }
            let now = self.bus.model().cycles();
            if now > end {
                let err = self.read(reg::ERROR.offset)?;
                let tail = self.read(reg::VRING_TAIL.offset)?;
                return Err(format!(
                    "timeout at clock {now}: {} of {} results, job tail {}, ERROR {err:#x}",
                    self.drv.results.len(),
                    slots.len(),
                    field::VRING_TAIL::JOB_TAIL.get(tail)
                ));
            }
        }
        // The driver loop's register traffic ends here; the ERROR read below is the harness's.
        let (reads, writes) = (self.bus.counters.reads - r0, self.bus.counters.writes - w0);
        let now = self.bus.model().cycles();
        let err = self.read(reg::ERROR.offset)?;
        if err != 0 {
            return Err(format!("ERROR {err:#x} after the batch"));
        }
        let epoch = self.mem_epoch;
        let last_write = self
            .mem()
            .write_log
            .iter()
            .map(|w| w.cycle + epoch)
            .filter(|&c| c >= t0)
            .max()
            .unwrap_or(now);
        Ok(BatchFigures {
            jobs: slots.len(),
            clocks: now - t0,
            clocks_to_last_result: last_write - t0,
            mmio_reads: reads,
            mmio_writes: writes,
            max_inside: self.max_inside,
        })
    }

    /// One driver step ([`SwDriver::poll`]): take the results that came, publish up to `chunk`
    /// of `slots` not yet published. Returns whether the ring reported an error.
    pub fn poll_once(&mut self, slots: &[Slot], chunk: u32) -> bool {
        let mut regs = BusRegs {
            bus: &mut self.bus,
            max_inside: &mut self.max_inside,
        };
        self.drv.poll(&mut regs, slots, chunk)
    }

    /// Soft reset as the driver does it: `VRING_CFG` with `SOFT_RESET` set (the sizes and
    /// `ENABLE` kept; one write), then a bounded wait for `BUSY` low.
    pub fn soft_reset(&mut self) -> Result<(), String> {
        let cfg = self.cfg_word() | field::VRING_CFG::SOFT_RESET.put(1);
        self.write(reg::VRING_CFG.offset, cfg)?;
        self.drv.restart();
        self.settle()
    }

    pub fn flush_vcd(&mut self) {
        self.bus.model().flush_vcd();
    }
}
