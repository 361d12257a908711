//! Hash jobs: argument checks, the register path (`HASH_CMD` + `HASH_DATA`) and the
//! descriptor-DMA path (`HASH_DMA_ADDR` + `HASH_DMA_CMD`), each a job kind of the batch
//! engine (`batch.rs`).

use satchain_regmap::{field, reg, ErrorCode, Field, HashMode, DMA_ADDR_ALIGN, MAX_HASH_LEN};

use super::batch::JobKind;
use super::{byte, Accel, BatchInfo, NO_JOB};
use crate::bus::Bus;
use crate::error::{check_output_len, ArgError, DriverError, Phase};

/// One hash job as the driver sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HashReq<'a> {
    pub mode: HashMode,
    pub data: &'a [u8],
}

/// Packs bytes into big-endian 32-bit words (first byte in bits 31:24), zero-padding the last.
pub fn be_words(data: &[u8]) -> impl Iterator<Item = u32> + '_ {
    data.chunks(4).map(|c| {
        let mut w = [0u8; 4];
        w[..c.len()].copy_from_slice(c);
        u32::from_be_bytes(w)
    })
}

/// The `HASH_CMD` / `HASH_DMA_CMD` word of a job (the two registers share the fields).
fn cmd_word(tag: u8, job: &HashReq<'_>) -> u32 {
    field::HASH_CMD::TAG.put(u32::from(tag))
        | field::HASH_CMD::MODE.put(job.mode as u32)
        | field::HASH_CMD::LEN.put(u32::try_from(job.data.len()).unwrap_or(u32::MAX))
}

// HASH_DMA_CMD has HASH_CMD's fields.
const _: () = {
    let (a, b) = (field::HASH_CMD::TAG, field::HASH_DMA_CMD::TAG);
    assert!(a.lsb == b.lsb && a.width == b.width);
    let (a, b) = (field::HASH_CMD::MODE, field::HASH_DMA_CMD::MODE);
    assert!(a.lsb == b.lsb && a.width == b.width);
    let (a, b) = (field::HASH_CMD::LEN, field::HASH_DMA_CMD::LEN);
    assert!(a.lsb == b.lsb && a.width == b.width);
};

/// Reads the head hash result into its job's slot (shared by both hash kinds).
fn collect_hash<B: Bus>(
    a: &mut Accel<B>,
    out: &mut [Option<[u8; 32]>],
) -> Result<bool, DriverError> {
    let r = a.rd(reg::HASH_RESULT.offset)?;
    if field::HASH_RESULT::VALID.get(r) == 0 {
        return Ok(false);
    }
    let tag = byte(field::HASH_RESULT::TAG.get(r));
    let index = a.take_tag(tag)?;
    let mut d = [0u8; 32];
    for (k, chunk) in (0u32..).zip(d.chunks_exact_mut(4)) {
        let w = a.rd(reg::HASH_DIGEST0.offset + 4 * k)?;
        chunk.copy_from_slice(&w.to_be_bytes());
    }
    a.wr(reg::HASH_POP.offset, 0)?;
    match out.get_mut(index) {
        Some(slot) if slot.is_none() => *slot = Some(d),
        _ => return Err(DriverError::UnexpectedTag { tag }),
    }
    Ok(true)
}

/// The register path: `HASH_CMD`, then `ceil(LEN/4)` `HASH_DATA` words paced by
/// `STATUS.HASH_READY` (`Config::hash_words_per_ready`).
struct RegisterPath<'j, 'd> {
    jobs: &'j [HashReq<'d>],
}

impl<B: Bus> JobKind<B> for RegisterPath<'_, '_> {
    type Out = [u8; 32];
    const SUBMIT_PHASE: Phase = Phase::HashSubmit;
    const RESULT_PHASE: Phase = Phase::HashResult;
    const RESULT_VALID: Field = field::STATUS::HASH_RESULT_VALID;
    const COLLECT_WHILE_WAITING: bool = true;

    fn can_submit(&self, status: u32) -> bool {
        field::STATUS::HASH_READY.get(status) != 0
    }

    fn submit(
        &mut self,
        a: &mut Accel<B>,
        index: usize,
        out: &mut [Option<[u8; 32]>],
        done: &mut usize,
    ) -> Result<(), DriverError> {
        let job = self.jobs[index];
        let tag = a.alloc_tag(index);
        a.wr(reg::HASH_CMD.offset, cmd_word(tag, &job))?;
        // The observation of HASH_READY that admitted the command also admits `burst` data
        // words (HASH_READY = command queue and data queue both have room).
        let burst = a.cfg.hash_words_per_ready;
        let mut credit = burst;
        for w in be_words(job.data) {
            if burst != 0 && credit == 0 {
                let ready = field::STATUS::HASH_READY.mask();
                a.wait_room(self, ready, Phase::HashSubmit, out, done)?;
                credit = burst;
            }
            a.wr(reg::HASH_DATA.offset, w)?;
            credit = credit.saturating_sub(1);
        }
        Ok(())
    }

    fn collect(
        &mut self,
        a: &mut Accel<B>,
        out: &mut [Option<[u8; 32]>],
    ) -> Result<bool, DriverError> {
        collect_hash(a, out)
    }
}

/// The DMA path: job data is in the bus's DMA region; a job is `HASH_DMA_ADDR` +
/// `HASH_DMA_CMD`. At most `limit()` jobs are in flight, never more than the descriptor queue
/// holds (as deep as the result FIFO), so no `STATUS` bit gates a submission.
struct DmaPath<'j, 'd> {
    jobs: &'j [HashReq<'d>],
    /// Bus address of the region.
    base: u64,
    /// Offset in the region of the next job's data (this round).
    at: usize,
}

impl<B: Bus> JobKind<B> for DmaPath<'_, '_> {
    type Out = [u8; 32];
    const SUBMIT_PHASE: Phase = Phase::HashResult;
    const RESULT_PHASE: Phase = Phase::HashResult;
    const RESULT_VALID: Field = field::STATUS::HASH_RESULT_VALID;
    const SUBMIT_ALL: bool = true;
    const COLLECT_ALL: bool = true;

    fn can_submit(&self, _status: u32) -> bool {
        true
    }

    fn submit(
        &mut self,
        a: &mut Accel<B>,
        index: usize,
        _out: &mut [Option<[u8; 32]>],
        _done: &mut usize,
    ) -> Result<(), DriverError> {
        let job = self.jobs[index];
        let tag = a.alloc_tag(index);
        // The region check keeps the address below 2^32.
        let addr = self.base + self.at as u64;
        a.wr(
            reg::HASH_DMA_ADDR.offset,
            u32::try_from(addr).unwrap_or(u32::MAX),
        )?;
        a.wr(reg::HASH_DMA_CMD.offset, cmd_word(tag, &job))?;
        self.at += padded(job.data.len());
        Ok(())
    }

    fn collect(
        &mut self,
        a: &mut Accel<B>,
        out: &mut [Option<[u8; 32]>],
    ) -> Result<bool, DriverError> {
        collect_hash(a, out)
    }

    /// ERROR as a typed error; a DMA read error names the job whose data failed.
    fn error(&mut self, a: &mut Accel<B>) -> DriverError {
        match a.hw_error() {
            DriverError::Hw {
                code: Some(ErrorCode::DmaReadError),
                tag,
                ..
            } => match a.tag_owner[usize::from(tag)] {
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
}

/// Bytes a job takes in the DMA region (each job starts 8-byte aligned).
fn padded(len: usize) -> usize {
    let align = DMA_ADDR_ALIGN as usize;
    len.div_ceil(align) * align
}

impl<B: Bus> Accel<B> {
    pub fn check_hash_jobs(&self, jobs: &[HashReq<'_>], slots: usize) -> Result<(), DriverError> {
        check_output_len(jobs.len(), slots)?;
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
        self.run_batch(&mut RegisterPath { jobs }, 0..jobs.len(), out)?;
        self.end_batch(jobs.len(), start)
    }

    /// The DMA path of [`Accel::hash_batch`]: jobs are copied into the bus's DMA region
    /// (8-byte aligned, as many as fit: a batch larger than the region runs in several
    /// rounds) and submitted as descriptors; the hardware fetches the data itself. Results
    /// are collected as on the register path.
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
        if base % u64::from(DMA_ADDR_ALIGN) != 0
            || base.saturating_add(region as u64) > (1u64 << 32)
        {
            return Err(DriverError::Unsupported {
                what: "a DMA region that is not 8-byte aligned inside the 32-bit bus",
            });
        }
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
        let n = jobs.len();
        let mut kind = DmaPath { jobs, base, at: 0 };
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
            kind.at = 0;
            self.run_batch(&mut kind, first..end, out)?;
            first = end;
        }
        self.end_batch(n, start)
    }
}
