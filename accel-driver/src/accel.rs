//! `Accel`: open the device, submit hash and ECDSA batches, collect results by tag.

use satchain_regmap::{
    field, reg, EcdsaCode, EcdsaJob, ErrorCode, HashMode, DMA_ADDR_ALIGN, ECDSA_JOB_WORDS,
    ID_VALUE, MAP_HASH, MAX_HASH_LEN, VERSION_VALUE,
};

use crate::bus::Bus;
use crate::error::{ArgError, DriverError, Phase};

/// How the driver waits for the device.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaitMode {
    /// Read `STATUS`, pause `poll_interval_us`, repeat.
    Poll,
    /// Enable the interrupt sources and block on the bus's interrupt; after `irq_slice_us`
    /// without an interrupt the driver polls anyway (so a lost interrupt costs time, not the job).
    Irq,
}

/// Driver settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    pub wait: WaitMode,
    /// Give up after this many microseconds without progress (no job accepted, no result).
    pub timeout_us: u32,
    /// Pause between two polls in polling mode; also what one wake-up without progress
    /// counts against the timeout in interrupt mode.
    pub poll_interval_us: u32,
    /// Longest single wait for an interrupt before the driver polls anyway.
    pub irq_slice_us: u32,
    /// HASH_DATA words written after one observation of `STATUS.HASH_READY` before
    /// `STATUS` is read again (0: the whole job after one observation). `HASH_READY` promises
    /// one free slot of the data queue, so 1 is the only value that is safe on every
    /// bitstream; larger values are safe when the data queue drains faster than the bus
    /// writes (see the README).
    pub hash_words_per_ready: u32,
    /// ECDSA_IN words written after one observation of `STATUS.ECDSA_READY`
    /// (41 = a whole job; 0 likewise).
    pub ecdsa_words_per_ready: u32,
    /// Most jobs in flight; `None`: the result FIFO depth from `CAPS` (at most 256 tags).
    pub max_in_flight: Option<u16>,
    /// Read `ECDSA_CYCLES` for every result (one more read per verification).
    pub read_engine_cycles: bool,
    /// Submit hash jobs as DMA descriptors when the bitstream has `CAPS.HASH_DMA` and the
    /// bus offers a [`crate::dma::DmaRegion`] (otherwise, or when false: HASH_CMD/HASH_DATA).
    pub use_dma: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            wait: WaitMode::Poll,
            timeout_us: 1_000_000,
            poll_interval_us: 1,
            irq_slice_us: 10_000,
            hash_words_per_ready: 1,
            ecdsa_words_per_ready: ECDSA_JOB_WORDS,
            max_in_flight: None,
            read_engine_cycles: false,
            use_dma: true,
        }
    }
}

/// What the bitstream reports in `VERSION` and `CAPS`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caps {
    pub version: u32,
    pub hash_units: u32,
    pub ecdsa_engines: u32,
    /// Bit m set: `HashMode` m supported.
    pub hash_modes: u32,
    /// Depth of each result FIFO (and of the DMA descriptor queue).
    pub result_fifo_depth: u32,
    /// Descriptor DMA ingress present (`HASH_DMA_ADDR` / `HASH_DMA_CMD`).
    pub hash_dma: bool,
}

impl Caps {
    pub const fn from_regs(version: u32, caps: u32) -> Self {
        let log2 = field::CAPS::RESULT_FIFO_LOG2.get(caps);
        Caps {
            version,
            hash_units: field::CAPS::HASH_UNITS.get(caps),
            ecdsa_engines: field::CAPS::ECDSA_ENGINES.get(caps),
            hash_modes: field::CAPS::HASH_MODES.get(caps),
            result_fifo_depth: 1u32 << log2,
            hash_dma: field::CAPS::HASH_DMA.get(caps) != 0,
        }
    }
    pub const fn supports(&self, mode: HashMode) -> bool {
        self.hash_modes & (1 << mode as u32) != 0
    }
}

/// Bus traffic and waiting, since `open` (or the last [`Accel::reset_counters`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counters {
    pub reads: u64,
    pub writes: u64,
    /// Pauses taken in polling (and in interrupt mode after a wake-up without progress).
    pub pauses: u64,
    pub irq_waits: u64,
    /// Waits that ended without an interrupt although the device had made progress:
    /// a lost (dropped) interrupt, recovered by polling.
    pub irq_missed: u64,
}

/// One hash job as the driver sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HashReq<'a> {
    pub mode: HashMode,
    pub data: &'a [u8],
}

/// Result of one verification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EcdsaResult {
    pub code: EcdsaCode,
    /// `ECDSA_CYCLES` of this result, when `Config::read_engine_cycles` is set.
    pub engine_cycles: Option<u32>,
}

/// Measurements of one batch.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BatchInfo {
    pub jobs: usize,
    pub reads: u64,
    pub writes: u64,
    /// `CYCLES` difference over the batch (accelerator clock, wraps at 2^32).
    pub device_cycles: u32,
}

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
}

/// Packs bytes into big-endian 32-bit words (first byte in bits 31:24), zero-padding the last.
pub fn be_words(data: &[u8]) -> impl Iterator<Item = u32> + '_ {
    data.chunks(4).map(|c| {
        let mut w = [0u8; 4];
        w[..c.len()].copy_from_slice(c);
        u32::from_be_bytes(w)
    })
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

    fn rd(&mut self, offset: u32) -> Result<u32, DriverError> {
        self.counters.reads += 1;
        Ok(self.bus.read32(offset)?)
    }

    fn wr(&mut self, offset: u32, v: u32) -> Result<(), DriverError> {
        self.counters.writes += 1;
        Ok(self.bus.write32(offset, v)?)
    }

    /// Jobs in flight: at most the result-FIFO depth, so every pending result fits in the
    /// FIFO and no unit ever holds a finished result (which would stop the data queue).
    fn limit(&self) -> u32 {
        let depth = self.caps.result_fifo_depth.clamp(1, 256);
        match self.cfg.max_in_flight {
            Some(m) => u32::from(m).clamp(1, depth),
            None => depth,
        }
    }

    fn alloc_tag(&mut self, index: usize) -> u8 {
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

    fn take_tag(&mut self, tag: u8) -> Result<usize, DriverError> {
        let owner = self.tag_owner[usize::from(tag)];
        if owner == NO_JOB {
            return Err(DriverError::UnexpectedTag { tag });
        }
        self.tag_owner[usize::from(tag)] = NO_JOB;
        self.in_flight -= 1;
        Ok(owner)
    }

    fn hw_error(&mut self) -> DriverError {
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
    /// against the timeout.
    fn idle(&mut self, actionable: impl Fn(u32) -> bool) -> Result<u64, DriverError> {
        match self.cfg.wait {
            WaitMode::Poll => {
                self.counters.pauses += 1;
                self.bus.pause(self.cfg.poll_interval_us);
                Ok(u64::from(self.cfg.poll_interval_us))
            }
            WaitMode::Irq => {
                // Clear the latched events, then look once more: an event between our last
                // STATUS read and the clear would otherwise be missed.
                self.wr(reg::IRQ_STATUS.offset, IRQ_ALL)?;
                let st = self.rd(reg::STATUS.offset)?;
                if actionable(st) {
                    return Ok(0);
                }
                self.counters.irq_waits += 1;
                let got = self.bus.wait_irq(self.cfg.irq_slice_us)?;
                self.last_wait_timed_out = !got;
                Ok(u64::from(if got {
                    self.cfg.poll_interval_us
                } else {
                    self.cfg.irq_slice_us
                }))
            }
        }
    }

    /// Called after an iteration that made progress. Only a collected result (or an error) is
    /// an interrupt source: room in an input queue is not, so it does not count as a miss.
    fn note_progress(&mut self, result_seen: bool) {
        if self.last_wait_timed_out && result_seen {
            self.counters.irq_missed += 1;
        }
        self.last_wait_timed_out = false;
    }

    fn begin_batch(&mut self) -> Result<(u64, u64, u32), DriverError> {
        let (r, w) = (self.counters.reads, self.counters.writes);
        let c = self.rd(reg::CYCLES.offset)?;
        self.last_wait_timed_out = false;
        Ok((r, w, c))
    }

    fn end_batch(&mut self, jobs: usize, start: (u64, u64, u32)) -> Result<BatchInfo, DriverError> {
        let c = self.rd(reg::CYCLES.offset)?;
        Ok(BatchInfo {
            jobs,
            reads: self.counters.reads - start.0,
            writes: self.counters.writes - start.1,
            device_cycles: c.wrapping_sub(start.2),
        })
    }

    /// Checks every hash job against the mode rules and the bitstream. Nothing is written.
    pub fn check_hash_jobs(&self, jobs: &[HashReq<'_>], slots: usize) -> Result<(), DriverError> {
        if slots != jobs.len() {
            return Err(DriverError::BadArgument {
                index: 0,
                reason: ArgError::OutputLength {
                    jobs: jobs.len(),
                    slots,
                },
            });
        }
        if !jobs.is_empty() && self.caps.hash_units == 0 {
            return Err(DriverError::Unsupported {
                what: "hashing (CAPS.HASH_UNITS = 0)",
            });
        }
        for (index, j) in jobs.iter().enumerate() {
            if j.data.len() > MAX_HASH_LEN as usize {
                return Err(DriverError::BadArgument {
                    index,
                    reason: ArgError::TooLong {
                        len: j.data.len(),
                        max: MAX_HASH_LEN,
                    },
                });
            }
            if let Some(want) = j.mode.fixed_len() {
                let want = want as usize;
                if j.data.len() != want {
                    return Err(DriverError::BadArgument {
                        index,
                        reason: ArgError::BadModeLength {
                            mode: j.mode,
                            len: j.data.len(),
                            want,
                        },
                    });
                }
            }
            if !self.caps.supports(j.mode) {
                return Err(DriverError::Unsupported {
                    what: "this hash mode (CAPS.HASH_MODES)",
                });
            }
        }
        Ok(())
    }

    /// Hashes a batch. `out` gets one digest per job, in job order. Results return by tag,
    /// in any order. On error, slots already `Some` hold correct-as-reported results and
    /// the device should be [`Accel::recover`]ed before the next batch.
    pub fn hash_batch(
        &mut self,
        jobs: &[HashReq<'_>],
        out: &mut [Option<[u8; 32]>],
    ) -> Result<BatchInfo, DriverError> {
        self.check_hash_jobs(jobs, out.len())?;
        if self.cfg.use_dma && self.caps.hash_dma && self.bus.dma_region().is_some() {
            return self.hash_batch_dma(jobs, out);
        }
        out.iter_mut().for_each(|o| *o = None);
        let start = self.begin_batch()?;
        let limit = self.limit();
        let n = jobs.len();
        let (mut next, mut done, mut waited) = (0usize, 0usize, 0u64);
        while done < n {
            let st = self.rd(reg::STATUS.offset)?;
            if field::STATUS::ERROR.get(st) != 0 {
                return Err(self.hw_error());
            }
            let mut progress = false;
            // Submit first: the queue refills while the result is read.
            if next < n && self.in_flight < limit && field::STATUS::HASH_READY.get(st) != 0 {
                self.submit_hash(next, &jobs[next], out, &mut done)?;
                next += 1;
                progress = true;
            }
            let mut result_seen = false;
            if field::STATUS::HASH_RESULT_VALID.get(st) != 0 && self.collect_hash(out)? {
                done += 1;
                progress = true;
                result_seen = true;
            }
            if progress {
                self.note_progress(result_seen);
                waited = 0;
            } else {
                let want_submit = next < n && self.in_flight < limit;
                waited += self.idle(|s| {
                    field::STATUS::ERROR.get(s) != 0
                        || field::STATUS::HASH_RESULT_VALID.get(s) != 0
                        || (want_submit && field::STATUS::HASH_READY.get(s) != 0)
                })?;
                if waited > u64::from(self.cfg.timeout_us) {
                    let phase = if self.in_flight > 0 {
                        Phase::HashResult
                    } else {
                        Phase::HashSubmit
                    };
                    return Err(DriverError::Timeout {
                        phase,
                        pending: n - done,
                        waited_us: waited,
                    });
                }
            }
        }
        self.end_batch(n, start)
    }

    /// The DMA path of [`Accel::hash_batch`]: jobs are copied into the bus's DMA region
    /// (8-byte aligned, as many as fit: a batch larger than the region runs in several
    /// rounds) and submitted as descriptors, `HASH_DMA_ADDR` + `HASH_DMA_CMD` per job; the
    /// hardware fetches the data itself. At most `limit()` jobs are in flight, which is never
    /// more than the descriptor queue holds (as deep as the result FIFO), so no STATUS read
    /// is needed before a submission. Results are collected as on the register path.
    fn hash_batch_dma(
        &mut self,
        jobs: &[HashReq<'_>],
        out: &mut [Option<[u8; 32]>],
    ) -> Result<BatchInfo, DriverError> {
        let (base, region) = match self.bus.dma_region() {
            Some(r) => (r.bus_addr(), r.len()),
            None => {
                return Err(DriverError::Unsupported {
                    what: "DMA without a DMA region",
                })
            }
        };
        let align = DMA_ADDR_ALIGN as usize;
        if base % u64::from(DMA_ADDR_ALIGN) != 0
            || base.saturating_add(region as u64) > (1u64 << 32)
        {
            return Err(DriverError::Unsupported {
                what: "a DMA region that is not 8-byte aligned inside the 32-bit bus",
            });
        }
        let padded = |len: usize| len.div_ceil(align) * align;
        for (index, j) in jobs.iter().enumerate() {
            if padded(j.data.len()) > region {
                return Err(DriverError::BadArgument {
                    index,
                    reason: ArgError::DmaRegionTooSmall {
                        len: j.data.len(),
                        region,
                    },
                });
            }
        }
        out.iter_mut().for_each(|o| *o = None);
        let start = self.begin_batch()?;
        let limit = self.limit();
        let n = jobs.len();
        let mut first = 0usize;
        while first < n {
            // Copy a round of jobs into the region.
            let mut end = first;
            let mut pos = 0usize;
            if let Some(r) = self.bus.dma_region() {
                while end < n && pos + padded(jobs[end].data.len()) <= region {
                    r.write(pos, jobs[end].data).map_err(DriverError::Dma)?;
                    pos += padded(jobs[end].data.len());
                    end += 1;
                }
                r.sync_for_device(0, pos);
            }
            let (mut next, mut done, mut waited) = (first, first, 0u64);
            let mut at = 0usize;
            while done < end {
                let st = self.rd(reg::STATUS.offset)?;
                if field::STATUS::ERROR.get(st) != 0 {
                    return Err(self.hw_error_dma());
                }
                let mut progress = false;
                while next < end && self.in_flight < limit {
                    let addr = base + at as u64;
                    self.submit_hash_dma(next, &jobs[next], addr)?;
                    at += padded(jobs[next].data.len());
                    next += 1;
                    progress = true;
                }
                let mut result_seen = false;
                if field::STATUS::HASH_RESULT_VALID.get(st) != 0 {
                    while done < end && self.collect_hash(out)? {
                        done += 1;
                        progress = true;
                        result_seen = true;
                    }
                }
                if progress {
                    self.note_progress(result_seen);
                    waited = 0;
                } else {
                    waited += self.idle(|s| {
                        field::STATUS::ERROR.get(s) != 0
                            || field::STATUS::HASH_RESULT_VALID.get(s) != 0
                    })?;
                    if waited > u64::from(self.cfg.timeout_us) {
                        return Err(DriverError::Timeout {
                            phase: Phase::HashResult,
                            pending: n - done,
                            waited_us: waited,
                        });
                    }
                }
            }
            first = end;
        }
        self.end_batch(n, start)
    }

    fn submit_hash_dma(
        &mut self,
        index: usize,
        job: &HashReq<'_>,
        addr: u64,
    ) -> Result<(), DriverError> {
        let tag = self.alloc_tag(index);
        let cmd = field::HASH_DMA_CMD::TAG.put(u32::from(tag))
            | field::HASH_DMA_CMD::MODE.put(job.mode as u32)
            | field::HASH_DMA_CMD::LEN.put(u32::try_from(job.data.len()).unwrap_or(u32::MAX));
        // The region check keeps addr below 2^32.
        self.wr(
            reg::HASH_DMA_ADDR.offset,
            u32::try_from(addr).unwrap_or(u32::MAX),
        )?;
        self.wr(reg::HASH_DMA_CMD.offset, cmd)
    }

    /// ERROR as a typed error; a DMA read error names the job whose data failed.
    fn hw_error_dma(&mut self) -> DriverError {
        match self.hw_error() {
            DriverError::Hw {
                code: Some(ErrorCode::DmaReadError),
                tag,
                ..
            } => match self.tag_owner[usize::from(tag)] {
                NO_JOB => DriverError::Hw {
                    code: Some(ErrorCode::DmaReadError),
                    raw: ErrorCode::DmaReadError as u32,
                    tag,
                },
                index => DriverError::DmaRead { index, tag },
            },
            e => e,
        }
    }

    fn wait_ready(&mut self, mask: u32, phase: Phase, pending: usize) -> Result<(), DriverError> {
        let mut waited = 0u64;
        loop {
            let st = self.rd(reg::STATUS.offset)?;
            if field::STATUS::ERROR.get(st) != 0 {
                return Err(self.hw_error());
            }
            if st & mask != 0 {
                return Ok(());
            }
            // Only space matters here: an IRQ does not signal it, so poll.
            self.counters.pauses += 1;
            self.bus.pause(self.cfg.poll_interval_us);
            waited += u64::from(self.cfg.poll_interval_us);
            if waited > u64::from(self.cfg.timeout_us) {
                return Err(DriverError::Timeout {
                    phase,
                    pending,
                    waited_us: waited,
                });
            }
        }
    }

    /// Waits for HASH_READY in the middle of a job, collecting results meanwhile (a result
    /// left in the FIFO could keep a unit, and so the data queue, from draining).
    fn wait_hash_room(
        &mut self,
        out: &mut [Option<[u8; 32]>],
        done: &mut usize,
    ) -> Result<(), DriverError> {
        let mut waited = 0u64;
        loop {
            let st = self.rd(reg::STATUS.offset)?;
            if field::STATUS::ERROR.get(st) != 0 {
                return Err(self.hw_error());
            }
            if field::STATUS::HASH_RESULT_VALID.get(st) != 0 && self.collect_hash(out)? {
                *done += 1;
                waited = 0;
                continue;
            }
            if field::STATUS::HASH_READY.get(st) != 0 {
                return Ok(());
            }
            self.counters.pauses += 1;
            self.bus.pause(self.cfg.poll_interval_us);
            waited += u64::from(self.cfg.poll_interval_us);
            if waited > u64::from(self.cfg.timeout_us) {
                let pending = out.iter().filter(|o| o.is_none()).count();
                return Err(DriverError::Timeout {
                    phase: Phase::HashSubmit,
                    pending,
                    waited_us: waited,
                });
            }
        }
    }

    fn submit_hash(
        &mut self,
        index: usize,
        job: &HashReq<'_>,
        out: &mut [Option<[u8; 32]>],
        done: &mut usize,
    ) -> Result<(), DriverError> {
        let tag = self.alloc_tag(index);
        let cmd = field::HASH_CMD::TAG.put(u32::from(tag))
            | field::HASH_CMD::MODE.put(job.mode as u32)
            | field::HASH_CMD::LEN.put(u32::try_from(job.data.len()).unwrap_or(u32::MAX));
        self.wr(reg::HASH_CMD.offset, cmd)?;
        // The observation of HASH_READY that admitted the command also admits `burst` data
        // words (HASH_READY = command queue and data queue both have room).
        let burst = self.cfg.hash_words_per_ready;
        let mut credit = burst;
        for w in be_words(job.data) {
            if burst != 0 && credit == 0 {
                self.wait_hash_room(out, done)?;
                credit = burst;
            }
            self.wr(reg::HASH_DATA.offset, w)?;
            credit = credit.saturating_sub(1);
        }
        Ok(())
    }

    fn collect_hash(&mut self, out: &mut [Option<[u8; 32]>]) -> Result<bool, DriverError> {
        let r = self.rd(reg::HASH_RESULT.offset)?;
        if field::HASH_RESULT::VALID.get(r) == 0 {
            return Ok(false);
        }
        let tag = byte(field::HASH_RESULT::TAG.get(r));
        let index = self.take_tag(tag)?;
        let mut d = [0u8; 32];
        for (k, chunk) in (0u32..).zip(d.chunks_exact_mut(4)) {
            let w = self.rd(reg::HASH_DIGEST0.offset + 4 * k)?;
            chunk.copy_from_slice(&w.to_be_bytes());
        }
        self.wr(reg::HASH_POP.offset, 0)?;
        match out.get_mut(index) {
            Some(slot) if slot.is_none() => *slot = Some(d),
            _ => return Err(DriverError::UnexpectedTag { tag }),
        }
        Ok(true)
    }

    /// Verifies a batch of ECDSA signatures. `out` gets one result per job, in job order.
    /// Same error contract as [`Accel::hash_batch`].
    pub fn ecdsa_batch(
        &mut self,
        jobs: &[EcdsaJob],
        out: &mut [Option<EcdsaResult>],
    ) -> Result<BatchInfo, DriverError> {
        if out.len() != jobs.len() {
            return Err(DriverError::BadArgument {
                index: 0,
                reason: ArgError::OutputLength {
                    jobs: jobs.len(),
                    slots: out.len(),
                },
            });
        }
        if !jobs.is_empty() && self.caps.ecdsa_engines == 0 {
            return Err(DriverError::Unsupported {
                what: "ECDSA (CAPS.ECDSA_ENGINES = 0)",
            });
        }
        out.iter_mut().for_each(|o| *o = None);
        let start = self.begin_batch()?;
        let limit = self.limit();
        let n = jobs.len();
        let (mut next, mut done, mut waited) = (0usize, 0usize, 0u64);
        while done < n {
            let st = self.rd(reg::STATUS.offset)?;
            if field::STATUS::ERROR.get(st) != 0 {
                return Err(self.hw_error());
            }
            let mut progress = false;
            // Submit first: the queue refills while the result is read.
            if next < n && self.in_flight < limit && field::STATUS::ECDSA_READY.get(st) != 0 {
                self.submit_ecdsa(next, &jobs[next])?;
                next += 1;
                progress = true;
                // With at most CAPS.ECDSA_ENGINES jobs in the device an engine is idle, so
                // the job just staged moves into it within a few clocks and the staging
                // register takes the next one. Staging room is not an interrupt source: wait
                // for it by polling, or an IRQ-mode wait would sleep until a result and the
                // other engines would sit idle.
                if next < n && self.in_flight < limit && self.in_flight <= self.caps.ecdsa_engines {
                    self.wait_ready(
                        field::STATUS::ECDSA_READY.mask(),
                        Phase::EcdsaSubmit,
                        n - done,
                    )?;
                }
            }
            let mut result_seen = false;
            if field::STATUS::ECDSA_RESULT_VALID.get(st) != 0 && self.collect_ecdsa(out)? {
                done += 1;
                progress = true;
                result_seen = true;
            }
            if progress {
                self.note_progress(result_seen);
                waited = 0;
            } else {
                let want_submit = next < n && self.in_flight < limit;
                waited += self.idle(|s| {
                    field::STATUS::ERROR.get(s) != 0
                        || field::STATUS::ECDSA_RESULT_VALID.get(s) != 0
                        || (want_submit && field::STATUS::ECDSA_READY.get(s) != 0)
                })?;
                if waited > u64::from(self.cfg.timeout_us) {
                    let phase = if self.in_flight > 0 {
                        Phase::EcdsaResult
                    } else {
                        Phase::EcdsaSubmit
                    };
                    return Err(DriverError::Timeout {
                        phase,
                        pending: n - done,
                        waited_us: waited,
                    });
                }
            }
        }
        self.end_batch(n, start)
    }

    fn submit_ecdsa(&mut self, index: usize, job: &EcdsaJob) -> Result<(), DriverError> {
        let tag = self.alloc_tag(index);
        let burst = match self.cfg.ecdsa_words_per_ready {
            0 => ECDSA_JOB_WORDS,
            b => b,
        };
        // Operand words, then the KEY word that queues the job; STATUS.ECDSA_READY is
        // re-checked after every `burst` words.
        for (i, w) in (0u32..).zip(job.words(tag)) {
            if i > 0 && i % burst == 0 {
                self.wait_ready(field::STATUS::ECDSA_READY.mask(), Phase::EcdsaSubmit, 1)?;
            }
            self.wr(reg::ECDSA_IN.offset, w)?;
        }
        Ok(())
    }

    fn collect_ecdsa(&mut self, out: &mut [Option<EcdsaResult>]) -> Result<bool, DriverError> {
        let r = self.rd(reg::ECDSA_RESULT.offset)?;
        if field::ECDSA_RESULT::VALID.get(r) == 0 {
            return Ok(false);
        }
        let tag = byte(field::ECDSA_RESULT::TAG.get(r));
        let raw = field::ECDSA_RESULT::CODE.get(r);
        let index = self.take_tag(tag)?;
        let engine_cycles = if self.cfg.read_engine_cycles {
            Some(self.rd(reg::ECDSA_CYCLES.offset)?)
        } else {
            None
        };
        self.wr(reg::ECDSA_POP.offset, 0)?;
        let code = EcdsaCode::from_bits(raw).ok_or(DriverError::BadResultCode { tag, raw })?;
        match out.get_mut(index) {
            Some(slot) if slot.is_none() => {
                *slot = Some(EcdsaResult {
                    code,
                    engine_cycles,
                })
            }
            _ => return Err(DriverError::UnexpectedTag { tag }),
        }
        Ok(true)
    }
}
