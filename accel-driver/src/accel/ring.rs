//! ECDSA over the verify-job DMA (`CAPS.VERIFY_RING`): jobs go into a job ring in memory
//! (`satchain_regmap::vring` formats), verdicts come back in a result ring; the register
//! traffic is a doorbell (`VRING_JOB_HEAD`) per group of published jobs, one `VRING_STATUS`
//! read per poll and a `VRING_RES_TAIL` write per group of results taken — about one access
//! per verification instead of ~43 (`hdl/src/vring/README.md`, "MMIO cost").
//!
//! - **Rings.** Both live in the bus's ring region ([`Bus::ring_region`]): the job ring at the
//!   first 256-byte boundary, the result ring right after it, both `2^log2` entries with
//!   `log2` the largest up to `Config::ring_log2` that fits the region. They are configured
//!   (3 writes) at the first ring batch after `open` / `recover` and kept after that; the
//!   16-bit indices continue from batch to batch.
//! - **Tags.** A job's ring tag is its batch index mod 2^16. At most `capacity(log2)` (<
//!   2^16) jobs are published and not yet answered, so a tag names one job of that window:
//!   the newest published job with that tag. A result for a job that is not waiting is
//!   [`DriverError::UnexpectedRingTag`].
//! - **Errors.** `VRING_STATUS.ERR` is [`DriverError::Ring`] (with the job index when the
//!   slot of a read error is one of this batch's); a result entry the device cannot have
//!   written is [`DriverError::BadRingEntry`]; no progress for `Config::timeout_us` is
//!   `ERROR` if one is latched (a core fault), else a [`DriverError::Timeout`]. After any
//!   error the ring is configured afresh by the next batch (after [`Accel::recover`], as for
//!   every other error). Results taken before the error stay in `out`.
//! - **Waiting**: `WaitMode::Poll` pauses `Config::ring_poll_us` between polls that find
//!   nothing; `WaitMode::Irq` sleeps on the interrupt (`IRQ_STATUS.ECDSA_DONE`, raised while
//!   the result ring holds entries not yet taken), at most `Config::irq_slice_us` at a time.
use satchain_regmap::vring::{
    capacity, config_error, encode_slot, header, JobKind as RingJobKind, ResultEntry, RingError,
    RESULT_BYTES, SLOT_BYTES, SLOT_READ_BYTES,
};
use satchain_regmap::{field, reg, EcdsaCode, EcdsaJob};

use super::{Accel, BatchInfo, EcdsaResult, WaitMode};
use crate::bus::Bus;
use crate::error::{check_output_len, ArgError, DriverError, Phase};

/// The rings as configured in the device, and software's indices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RingState {
    /// Region offset of the job ring and of the result ring.
    job_off: usize,
    res_off: usize,
    job_base: u32,
    res_base: u32,
    log2: u8,
    /// Next job-ring index to publish; next result index to take.
    head: u16,
    rtail: u16,
}

/// A slot's and a result entry's size in bytes, as CPU offsets.
const SLOT: usize = 256;
const ENTRY: usize = 8;
const _: () = assert!(SLOT as u64 == SLOT_BYTES && ENTRY as u64 == RESULT_BYTES);

/// The low 16 bits (ring indices and tags are 16-bit, free-running).
fn low16(x: usize) -> u16 {
    u16::try_from(x & 0xFFFF).unwrap_or_default()
}

/// A 16-bit register field's value (the field is 16 bits wide: it always fits).
fn field16(f: satchain_regmap::Field, reg: u32) -> u16 {
    u16::try_from(f.get(reg)).unwrap_or(u16::MAX)
}

/// Bytes a ring pair of `2^log2` entries takes.
const fn rings_bytes(log2: u8) -> u64 {
    (SLOT_BYTES + RESULT_BYTES) << log2
}

impl RingState {
    /// The largest ring pair up to `max_log2` that fits a region at bus address `bus` of
    /// `len` bytes; `None` when not even two slots fit below 2^32.
    fn plan(bus: u64, len: usize, max_log2: u8) -> Option<RingState> {
        let job_off = usize::try_from(bus.next_multiple_of(SLOT_BYTES) - bus).ok()?;
        let room = u64::try_from(len.checked_sub(job_off)?).ok()?;
        let mut log2 = max_log2.min(16);
        while log2 >= 1 && rings_bytes(log2) > room {
            log2 -= 1;
        }
        if log2 < 1 {
            return None;
        }
        let job_base = u32::try_from(bus + job_off as u64).ok()?;
        let res_off = job_off + usize::try_from(SLOT_BYTES << log2).ok()?;
        let res_base = u32::try_from(bus + res_off as u64).ok()?;
        if config_error(job_base, log2, res_base, log2).is_some() {
            return None;
        }
        Some(RingState {
            job_off,
            res_off,
            job_base,
            res_base,
            log2,
            head: 0,
            rtail: 0,
        })
    }

    fn mask(&self) -> usize {
        (1usize << self.log2) - 1
    }
    /// Region offset of job slot `index` (the device's `slot_addr`, relative).
    fn slot_off(&self, index: u16) -> usize {
        self.job_off + SLOT * (usize::from(index) & self.mask())
    }
    /// Region offset of result entry `index` (the device's `result_addr`, relative).
    fn result_off(&self, index: u16) -> usize {
        self.res_off + ENTRY * (usize::from(index) & self.mask())
    }
}

/// The five 256-bit values of a job, as the ring slot carries them (big-endian each).
fn slot_words(job: &EcdsaJob) -> [[u8; 32]; 5] {
    [job.z, job.r, job.s, job.qx, job.qy]
}

/// One BIP340 verification as the ring carries it (`kind` 1): the challenge `e` (SHA-256 of
/// BIP340's tagged preimage, not reduced), the signature's `r` and `s`, and the x-only key
/// `px`, each big-endian. The device answers with the `EcdsaCode` values: `Valid`, `Invalid`
/// (R infinite, odd y or x(R) != r), `BadR` (r >= p), `BadS` (s >= n), `BadPubkey` (no point
/// with that x). It checks r and s before the key; BIP340 checks the key first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Bip340Job {
    pub e: [u8; 32],
    pub r: [u8; 32],
    pub s: [u8; 32],
    pub px: [u8; 32],
}

/// A job the ring carries: its kind, SEC1 prefix (0 for BIP340) and five values.
pub(crate) trait RingItem {
    fn slot(&self, tag: u16) -> [u8; SLOT_READ_BYTES];
}

impl RingItem for EcdsaJob {
    fn slot(&self, tag: u16) -> [u8; SLOT_READ_BYTES] {
        encode_slot(
            header(RingJobKind::Ecdsa, tag, self.prefix),
            &slot_words(self),
        )
    }
}

impl RingItem for Bip340Job {
    fn slot(&self, tag: u16) -> [u8; SLOT_READ_BYTES] {
        encode_slot(
            header(RingJobKind::Bip340, tag, 0),
            &[self.e, self.r, self.s, self.px, [0; 32]],
        )
    }
}

impl<B: Bus> Accel<B> {
    /// Whether ECDSA batches go through the verify-job ring: the bitstream has it and the bus
    /// offers a ring region.
    pub fn uses_verify_ring(&mut self) -> bool {
        self.caps.verify_ring && self.bus.ring_region().is_some()
    }

    /// The ring pair for this batch: the configured one, or a new one (3 register writes).
    fn ring_setup(&mut self) -> Result<RingState, DriverError> {
        if let Some(r) = self.ring {
            return Ok(r);
        }
        let Some(region) = self.bus.ring_region() else {
            return Err(DriverError::Unsupported {
                what: "the verify ring (the bus offers no ring region)",
            });
        };
        let (bus, len) = (region.bus_addr(), region.len());
        let r = RingState::plan(bus, len, self.cfg.ring_log2).ok_or(DriverError::BadArgument {
            index: 0,
            reason: ArgError::RingRegionTooSmall {
                len,
                need: 2 * (SLOT + ENTRY) + SLOT,
            },
        })?;
        let cfg = field::VRING_CFG::JOB_LOG2.put(u32::from(r.log2))
            | field::VRING_CFG::RES_LOG2.put(u32::from(r.log2))
            | field::VRING_CFG::ENABLE.put(1);
        self.wr(reg::VRING_JOB_BASE.offset, r.job_base)?;
        self.wr(reg::VRING_RES_BASE.offset, r.res_base)?;
        self.wr(reg::VRING_CFG.offset, cfg)?;
        self.ring = Some(r);
        Ok(r)
    }

    /// Verifies a batch of BIP340 signatures through the verify-job ring (the only path for
    /// them: `Unsupported` without `CAPS.VERIFY_RING` and a ring region). `out` gets one
    /// result per job, in job order; same error contract as [`Accel::ecdsa_batch`].
    pub fn bip340_batch(
        &mut self,
        jobs: &[Bip340Job],
        out: &mut [Option<EcdsaResult>],
    ) -> Result<BatchInfo, DriverError> {
        check_output_len(jobs.len(), out.len())?;
        if !jobs.is_empty() && !self.uses_verify_ring() {
            return Err(DriverError::Unsupported {
                what: "BIP340 (no verify ring: CAPS.VERIFY_RING, or no ring region)",
            });
        }
        out.iter_mut().for_each(|o| *o = None);
        let start = self.begin_batch()?;
        self.ring_batch(jobs, out)?;
        self.end_batch(jobs.len(), start)
    }

    /// A batch of ring jobs (ECDSA: `ecdsa_batch`; BIP340: `bip340_batch`; see the module
    /// documentation). On error the ring is forgotten (configured afresh by the next batch).
    pub(crate) fn ring_batch<T: RingItem>(
        &mut self,
        jobs: &[T],
        out: &mut [Option<EcdsaResult>],
    ) -> Result<(), DriverError> {
        let mut r = self.ring_setup()?;
        let res = self.ring_loop(&mut r, jobs, out);
        self.ring = match res {
            Ok(()) => Some(r),
            Err(_) => None,
        };
        res
    }

    fn ring_loop<T: RingItem>(
        &mut self,
        r: &mut RingState,
        jobs: &[T],
        out: &mut [Option<EcdsaResult>],
    ) -> Result<(), DriverError> {
        let cap = capacity(r.log2) as usize;
        let (mut next, mut done, mut waited) = (0usize, 0usize, 0u64);
        // One poll: publish into the free slots (one doorbell), read the status once, take
        // the new results (one tail write); then pause unless the batch is done. Per poll
        // that is one read, and a write for each side that moved.
        loop {
            let mut progress = false;
            let outstanding = usize::from(r.head.wrapping_sub(r.rtail));
            let n = (cap - outstanding).min(jobs.len() - next);
            if n > 0 {
                self.publish(r, &jobs[next..next + n], next)?;
                next += n;
                self.wr(reg::VRING_JOB_HEAD.offset, u32::from(r.head))?;
                progress = true;
            }
            let s = self.rd(reg::VRING_STATUS.offset)?;
            if field::VRING_STATUS::ERR.get(s) != 0 {
                return Err(self.ring_error(r, s, next));
            }
            let res_head = field16(field::VRING_STATUS::RES_HEAD, s);
            if res_head != r.rtail {
                done += self.take_results(r, res_head, next, out)?;
                self.wr(reg::VRING_RES_TAIL.offset, u32::from(r.rtail))?;
                progress = true;
                self.note_progress(true);
            }
            if done == jobs.len() {
                return Ok(());
            }
            if progress {
                waited = 0;
            }
            waited += self.ring_idle()?;
            if waited > u64::from(self.cfg.timeout_us) {
                let e = self.rd(reg::ERROR.offset)?;
                if field::ERROR::CODE.get(e) != 0 {
                    return Err(self.hw_error());
                }
                return Err(DriverError::Timeout {
                    phase: Phase::EcdsaResult,
                    pending: out.iter().filter(|o| o.is_none()).count(),
                    waited_us: waited,
                });
            }
        }
    }

    /// Nothing to take: wait, and return the microseconds to count against the timeout
    /// (never 0). `WaitMode::Poll` pauses `Config::ring_poll_us`. `WaitMode::Irq` sleeps on
    /// the interrupt: a ring top sets `STATUS.ECDSA_RESULT_VALID` while the result ring holds
    /// entries not yet taken (and `STATUS.ERROR` on a ring or core error), which raise
    /// `IRQ_STATUS.ECDSA_DONE` / `ERROR`; [`Accel::idle`] clears the latched events, reads
    /// `STATUS` once more and waits only when neither is set, so a result written between the
    /// last `VRING_STATUS` read and the clear is not missed.
    fn ring_idle(&mut self) -> Result<u64, DriverError> {
        match self.cfg.wait {
            WaitMode::Poll => {
                self.counters.pauses += 1;
                self.bus.pause(self.cfg.ring_poll_us);
                Ok(u64::from(self.cfg.ring_poll_us.max(1)))
            }
            WaitMode::Irq => self.idle(|st| {
                field::STATUS::ECDSA_RESULT_VALID.get(st) != 0 || field::STATUS::ERROR.get(st) != 0
            }),
        }
    }

    /// Writes `jobs` (batch indices from `first`) into the slots from `r.head` on.
    fn publish<T: RingItem>(
        &mut self,
        r: &mut RingState,
        jobs: &[T],
        first: usize,
    ) -> Result<(), DriverError> {
        let region = self.bus.ring_region().ok_or(DriverError::Unsupported {
            what: "the verify ring (the ring region went away)",
        })?;
        let start = usize::from(r.head) & r.mask();
        for (i, j) in jobs.iter().enumerate() {
            let slot = j.slot(low16(first + i));
            region
                .write(r.slot_off(r.head), &slot)
                .map_err(DriverError::Dma)?;
            r.head = r.head.wrapping_add(1);
        }
        // The slots written, or the whole ring when they wrap.
        let (from, to) = if start + jobs.len() <= r.mask() + 1 {
            (start * SLOT, (start + jobs.len()) * SLOT)
        } else {
            (0, (r.mask() + 1) * SLOT)
        };
        region.sync_for_device(r.job_off + from, to - from);
        Ok(())
    }

    /// Takes the result entries `r.rtail .. res_head` into `out`; returns how many.
    fn take_results(
        &mut self,
        r: &mut RingState,
        res_head: u16,
        next: usize,
        out: &mut [Option<EcdsaResult>],
    ) -> Result<usize, DriverError> {
        let region = self.bus.ring_region().ok_or(DriverError::Unsupported {
            what: "the verify ring (the ring region went away)",
        })?;
        region.sync_for_cpu(r.res_off, ENTRY * (r.mask() + 1));
        let mut n = 0;
        while r.rtail != res_head {
            let mut b = [0u8; ENTRY];
            region
                .read(r.result_off(r.rtail), &mut b)
                .map_err(DriverError::Dma)?;
            let raw = u64::from_le_bytes(b);
            let e = ResultEntry::decode(raw).ok_or(DriverError::BadRingEntry {
                index: r.rtail,
                raw,
            })?;
            // The newest published job with this tag (the window is < 2^16 jobs).
            let back = low16(next.wrapping_sub(1)).wrapping_sub(e.tag);
            let index = next
                .checked_sub(1 + usize::from(back))
                .filter(|&i| out.get(i).is_some_and(Option::is_none))
                .ok_or(DriverError::UnexpectedRingTag { tag: e.tag })?;
            let code =
                EcdsaCode::from_bits(u32::from(e.code)).ok_or(DriverError::BadResultCode {
                    tag: (e.tag & 0xFF) as u8,
                    raw: u32::from(e.code),
                })?;
            out[index] = Some(EcdsaResult {
                code,
                engine_cycles: self.cfg.read_engine_cycles.then_some(e.cycles),
            });
            r.rtail = r.rtail.wrapping_add(1);
            n += 1;
        }
        Ok(n)
    }

    /// The typed error of a stopped ring (one more read: `VRING_TAIL`).
    fn ring_error(&mut self, r: &RingState, status: u32, next: usize) -> DriverError {
        let raw = field::VRING_STATUS::ERR_CODE.get(status);
        let resp = field::VRING_STATUS::ERR_RESP.get(status);
        let slot = match self.rd(reg::VRING_TAIL.offset) {
            Ok(t) => field16(field::VRING_TAIL::ERR_SLOT, t),
            Err(e) => return e,
        };
        let error = u8::try_from(raw).ok().and_then(RingError::from_bits);
        // A read error names a job slot: the job published `head - slot` slots ago.
        let index = match error {
            Some(RingError::Read) => {
                let back = usize::from(r.head.wrapping_sub(slot));
                next.checked_sub(back)
            }
            _ => None,
        };
        DriverError::Ring {
            error,
            raw,
            resp,
            slot,
            index,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn plan_fits_the_region_and_the_device_rules() {
        // 1 MiB at a 4 KiB-aligned address: the cap decides.
        let r = RingState::plan(0x1000_0000, 1 << 20, 8).unwrap();
        assert_eq!((r.job_off, r.log2, r.res_off), (0, 8, 256 << 8));
        assert_eq!(r.res_base, 0x1000_0000 + (256 << 8));
        // An unaligned base: the job ring starts at the next 256-byte boundary.
        let r = RingState::plan(0x1000_0008, 1 << 20, 4).unwrap();
        assert_eq!(r.job_off, 248);
        assert_eq!(r.job_base % 256, 0);
        // A small region: the largest ring that fits.
        let r = RingState::plan(0x1000_0000, 264 * 8 + 10, 8).unwrap();
        assert_eq!(r.log2, 3);
        assert!(RingState::plan(0x1000_0000, 264 * 2 - 1, 8).is_none());
        // Not below 2^32.
        assert!(RingState::plan(0xFFFF_FF00, 1 << 20, 8).is_none());
        assert!(RingState::plan(1 << 32, 1 << 20, 8).is_none());
    }

    #[test]
    fn slot_words_are_the_operands_in_order() {
        let q: [u8; 33] =
            core::array::from_fn(|i| u8::try_from(i).map_or(0, |b| if b == 0 { 2 } else { b }));
        let j = EcdsaJob::new(&q, &[7; 32], &[8; 32], &[9; 32]).unwrap();
        let w = slot_words(&j);
        assert_eq!(w[0], [7; 32]);
        assert_eq!(w[1], [8; 32]);
        assert_eq!(w[2], [9; 32]);
        assert_eq!(&w[3][..], &q[1..]);
        assert_eq!(w[4], [0; 32]);
    }
}
