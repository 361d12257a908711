//! `Accel`: open the device, submit hash and ECDSA batches, collect results by tag.
//!
//! - `mod.rs` (here): the driver object: identity check, recovery, counters, tags, waiting.
//! - `config.rs`: settings (`Config`, `WaitMode`) and reports (`Caps`, `Counters`,
//!   `BatchInfo`).
//! - `batch.rs`: the one submit / collect / wait / timeout loop, generic over a job kind.
//! - `hash.rs`, `ecdsa.rs`: the job kinds (argument checks, submission, collection).

mod batch;
mod config;
mod ecdsa;
mod hash;
mod ring;

pub use config::{BatchInfo, Caps, Config, Counters, WaitMode};
pub use ecdsa::EcdsaResult;
pub use hash::{be_words, HashReq};
pub use ring::Bip340Job;

use satchain_regmap::{field, reg, ErrorCode, ID_VALUE, MAP_HASH, VERSION_VALUE};

use crate::bus::Bus;
use crate::error::DriverError;

const NO_JOB: usize = usize::MAX;

/// Low byte of a field value (the 8-bit TAG fields).
const fn byte(v: u32) -> u8 {
    v.to_le_bytes()[0]
}
const IRQ_ALL: u32 = field::IRQ_STATUS::HASH_DONE.mask()
    | field::IRQ_STATUS::ECDSA_DONE.mask()
    | field::IRQ_STATUS::ERROR.mask();

/// The driver: owns the bus, knows the bitstream's capabilities, tracks jobs in flight by tag.
#[derive(Debug)]
pub struct Accel<B: Bus> {
    bus: B,
    cfg: Config,
    caps: Caps,
    counters: Counters,
    /// Job index holding each tag, or `NO_JOB`.
    tag_owner: [usize; 256],
    next_tag: u8,
    in_flight: u32,
    /// The last wait ended by its time slice, not by an interrupt.
    last_wait_timed_out: bool,
    /// The verify-job rings as configured in the device (`ring.rs`); `None`: configure them
    /// at the next ring batch.
    ring: Option<ring::RingState>,
}

impl<B: Bus> Accel<B> {
    /// Checks that a compatible SatChain accelerator answers on `bus` (ID, major version,
    /// MAP_HASH), reads its capabilities, resets it to a known state and sets up interrupts.
    pub fn open(bus: B, cfg: Config) -> Result<Self, DriverError> {
        let mut a = Accel {
            bus,
            cfg,
            caps: Caps::from_regs(0, 0),
            counters: Counters::default(),
            tag_owner: [NO_JOB; 256],
            next_tag: 0,
            in_flight: 0,
            last_wait_timed_out: false,
            ring: None,
        };
        a.caps = a.check_identity()?;
        if cfg.wait == WaitMode::Irq && !a.bus.has_irq() {
            return Err(DriverError::Unsupported {
                what: "interrupts on this bus",
            });
        }
        a.recover()?;
        Ok(a)
    }

    /// Reads ID, VERSION, MAP_HASH and CAPS and checks them against this driver.
    pub fn check_identity(&mut self) -> Result<Caps, DriverError> {
        let id = self.rd(reg::ID.offset)?;
        if id != ID_VALUE {
            return Err(DriverError::NotPresent { found_id: id });
        }
        let version = self.rd(reg::VERSION.offset)?;
        let want_major = field::VERSION::MAJOR.get(VERSION_VALUE);
        if field::VERSION::MAJOR.get(version) != want_major {
            return Err(DriverError::VersionMismatch {
                expected_major: u16::try_from(want_major).unwrap_or(u16::MAX),
                found: version,
            });
        }
        let hash = self.rd(reg::MAP_HASH.offset)?;
        if hash != MAP_HASH {
            return Err(DriverError::BitstreamMismatch {
                expected: MAP_HASH,
                found: hash,
            });
        }
        let caps = self.rd(reg::CAPS.offset)?;
        Ok(Caps::from_regs(version, caps))
    }

    /// Brings the device to a known state after a fault: soft reset (drops every job and
    /// result), clears ERROR and IRQ_STATUS, programs IRQ_ENABLE, forgets all tags.
    pub fn recover(&mut self) -> Result<(), DriverError> {
        self.wr(reg::CTRL.offset, field::CTRL::SOFT_RESET.put(1))?;
        self.wr(reg::ERROR.offset, 0)?;
        self.wr(reg::IRQ_STATUS.offset, IRQ_ALL)?;
        let en = if self.cfg.wait == WaitMode::Irq {
            IRQ_ALL
        } else {
            0
        };
        self.wr(reg::IRQ_ENABLE.offset, en)?;
        self.tag_owner = [NO_JOB; 256];
        self.in_flight = 0;
        // The soft reset zeroed the rings' indices: configure them afresh.
        self.ring = None;
        Ok(())
    }

    pub fn caps(&self) -> Caps {
        self.caps
    }
    pub fn config(&self) -> Config {
        self.cfg
    }
    pub fn counters(&self) -> Counters {
        self.counters
    }
    pub fn reset_counters(&mut self) {
        self.counters = Counters::default();
    }
    pub fn bus(&self) -> &B {
        &self.bus
    }
    pub fn bus_mut(&mut self) -> &mut B {
        &mut self.bus
    }
    pub fn into_bus(self) -> B {
        self.bus
    }

    pub(crate) fn rd(&mut self, offset: u32) -> Result<u32, DriverError> {
        self.counters.reads += 1;
        Ok(self.bus.read32(offset)?)
    }

    pub(crate) fn wr(&mut self, offset: u32, v: u32) -> Result<(), DriverError> {
        self.counters.writes += 1;
        Ok(self.bus.write32(offset, v)?)
    }

    /// Jobs in flight: at most the result-FIFO depth, so every pending result fits in the
    /// FIFO and no unit ever holds a finished result (which would stop the data queue).
    pub(crate) fn limit(&self) -> u32 {
        let depth = self.caps.result_fifo_depth.clamp(1, 256);
        match self.cfg.max_in_flight {
            Some(m) => u32::from(m).clamp(1, depth),
            None => depth,
        }
    }

    pub(crate) fn alloc_tag(&mut self, index: usize) -> u8 {
        // The caller keeps in_flight < 256, so a free tag exists.
        for _ in 0..256 {
            let t = self.next_tag;
            self.next_tag = self.next_tag.wrapping_add(1);
            if self.tag_owner[usize::from(t)] == NO_JOB {
                self.tag_owner[usize::from(t)] = index;
                self.in_flight += 1;
                return t;
            }
        }
        0
    }

    pub(crate) fn take_tag(&mut self, tag: u8) -> Result<usize, DriverError> {
        let owner = self.tag_owner[usize::from(tag)];
        if owner == NO_JOB {
            return Err(DriverError::UnexpectedTag { tag });
        }
        self.tag_owner[usize::from(tag)] = NO_JOB;
        self.in_flight -= 1;
        Ok(owner)
    }

    pub(crate) fn hw_error(&mut self) -> DriverError {
        match self.rd(reg::ERROR.offset) {
            Ok(e) => {
                let raw = field::ERROR::CODE.get(e);
                DriverError::Hw {
                    code: ErrorCode::from_bits(raw),
                    raw,
                    tag: byte(field::ERROR::TAG.get(e)),
                }
            }
            Err(e) => e,
        }
    }

    /// Nothing could be done: wait (pause or interrupt). Returns the microseconds to count
    /// against the timeout — never 0, whatever the configured intervals: a device that keeps
    /// promising work it never delivers (a stuck or flipped VALID bit behind an "actionable"
    /// STATUS, a storm of empty interrupts) would otherwise keep the loop busy forever without
    /// the timeout advancing (found by fuzz/driver).
    pub(crate) fn idle(&mut self, actionable: impl Fn(u32) -> bool) -> Result<u64, DriverError> {
        let cost_us = match self.cfg.wait {
            WaitMode::Poll => {
                self.counters.pauses += 1;
                self.bus.pause(self.cfg.poll_interval_us);
                self.cfg.poll_interval_us
            }
            WaitMode::Irq => {
                // Clear the latched events, then look once more: an event between our last
                // STATUS read and the clear would otherwise be missed.
                self.wr(reg::IRQ_STATUS.offset, IRQ_ALL)?;
                let st = self.rd(reg::STATUS.offset)?;
                if actionable(st) {
                    self.cfg.poll_interval_us
                } else {
                    self.counters.irq_waits += 1;
                    let got = self.bus.wait_irq(self.cfg.irq_slice_us)?;
                    self.last_wait_timed_out = !got;
                    if got {
                        self.cfg.poll_interval_us
                    } else {
                        self.cfg.irq_slice_us
                    }
                }
            }
        };
        Ok(u64::from(cost_us.max(1)))
    }

    /// Called after an iteration that made progress. Only a collected result (or an error) is
    /// an interrupt source: room in an input queue is not, so it does not count as a miss.
    pub(crate) fn note_progress(&mut self, result_seen: bool) {
        if self.last_wait_timed_out && result_seen {
            self.counters.irq_missed += 1;
        }
        self.last_wait_timed_out = false;
    }

    pub(crate) fn begin_batch(&mut self) -> Result<(u64, u64, u32), DriverError> {
        let (r, w) = (self.counters.reads, self.counters.writes);
        let c = self.rd(reg::CYCLES.offset)?;
        self.last_wait_timed_out = false;
        Ok((r, w, c))
    }

    pub(crate) fn end_batch(
        &mut self,
        jobs: usize,
        start: (u64, u64, u32),
    ) -> Result<BatchInfo, DriverError> {
        let c = self.rd(reg::CYCLES.offset)?;
        Ok(BatchInfo {
            jobs,
            reads: self.counters.reads - start.0,
            writes: self.counters.writes - start.1,
            device_cycles: c.wrapping_sub(start.2),
        })
    }
}
