//! ECDSA jobs: 41 `ECDSA_IN` words each (`satchain_regmap::EcdsaJob::words`), results from
//! `ECDSA_RESULT` / `ECDSA_CYCLES` / `ECDSA_POP`; a job kind of the batch engine.

use satchain_regmap::{field, reg, EcdsaCode, EcdsaJob, Field, ECDSA_JOB_WORDS};

use super::batch::JobKind;
use super::{byte, Accel, BatchInfo};
use crate::bus::Bus;
use crate::error::{check_output_len, DriverError, Phase};

/// Result of one verification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EcdsaResult {
    pub code: EcdsaCode,
    /// `ECDSA_CYCLES` of this result, when `Config::read_engine_cycles` is set.
    pub engine_cycles: Option<u32>,
}

/// `ECDSA_IN` submission: `STATUS.ECDSA_READY` admits a whole job (the top stages one).
struct EcdsaIn<'j> {
    jobs: &'j [EcdsaJob],
}

impl<B: Bus> JobKind<B> for EcdsaIn<'_> {
    type Out = EcdsaResult;
    const SUBMIT_PHASE: Phase = Phase::EcdsaSubmit;
    const RESULT_PHASE: Phase = Phase::EcdsaResult;
    const RESULT_VALID: Field = field::STATUS::ECDSA_RESULT_VALID;

    fn can_submit(&self, status: u32) -> bool {
        field::STATUS::ECDSA_READY.get(status) != 0
    }

    fn submit(
        &mut self,
        a: &mut Accel<B>,
        index: usize,
        out: &mut [Option<EcdsaResult>],
        done: &mut usize,
    ) -> Result<(), DriverError> {
        let tag = a.alloc_tag(index);
        let burst = match a.cfg.ecdsa_words_per_ready {
            0 => ECDSA_JOB_WORDS,
            b => b,
        };
        // Operand words, then the KEY word that queues the job; STATUS.ECDSA_READY is
        // re-checked after every `burst` words.
        for (i, w) in (0u32..).zip(self.jobs[index].words(tag)) {
            if i > 0 && i % burst == 0 {
                let ready = field::STATUS::ECDSA_READY.mask();
                a.wait_room(self, ready, Phase::EcdsaSubmit, out, done)?;
            }
            a.wr(reg::ECDSA_IN.offset, w)?;
        }
        Ok(())
    }

    /// With at most `CAPS.ECDSA_ENGINES` jobs in the device an engine is idle, so the job
    /// just staged moves into it within a few clocks and the staging register takes the
    /// next one. Staging room is not an interrupt source: wait for it by polling, or an
    /// IRQ-mode wait would sleep until a result and the other engines would sit idle.
    fn after_submit(
        &mut self,
        a: &mut Accel<B>,
        more: bool,
        out: &mut [Option<EcdsaResult>],
        done: &mut usize,
    ) -> Result<(), DriverError> {
        if more && a.in_flight <= a.caps.ecdsa_engines {
            let ready = field::STATUS::ECDSA_READY.mask();
            a.wait_room(self, ready, Phase::EcdsaSubmit, out, done)?;
        }
        Ok(())
    }

    fn collect(
        &mut self,
        a: &mut Accel<B>,
        out: &mut [Option<EcdsaResult>],
    ) -> Result<bool, DriverError> {
        let r = a.rd(reg::ECDSA_RESULT.offset)?;
        if field::ECDSA_RESULT::VALID.get(r) == 0 {
            return Ok(false);
        }
        let tag = byte(field::ECDSA_RESULT::TAG.get(r));
        let raw = field::ECDSA_RESULT::CODE.get(r);
        let index = a.take_tag(tag)?;
        let engine_cycles = if a.cfg.read_engine_cycles {
            Some(a.rd(reg::ECDSA_CYCLES.offset)?)
        } else {
            None
        };
        a.wr(reg::ECDSA_POP.offset, 0)?;
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

impl<B: Bus> Accel<B> {
    /// Verifies a batch of ECDSA signatures. `out` gets one result per job, in job order.
    /// Same error contract as [`Accel::hash_batch`]. Through the verify-job ring when the
    /// bitstream has one and the bus offers its region (`ring.rs`), else through `ECDSA_IN`.
    pub fn ecdsa_batch(
        &mut self,
        jobs: &[EcdsaJob],
        out: &mut [Option<EcdsaResult>],
    ) -> Result<BatchInfo, DriverError> {
        check_output_len(jobs.len(), out.len())?;
        let ring = self.uses_verify_ring();
        if !jobs.is_empty() && !ring && self.caps.ecdsa_engines == 0 {
            return Err(DriverError::Unsupported {
                what: "ECDSA (CAPS.ECDSA_ENGINES = 0, and no verify ring)",
            });
        }
        out.iter_mut().for_each(|o| *o = None);
        let start = self.begin_batch()?;
        if ring {
            self.ring_batch(jobs, out)?;
        } else {
            self.run_batch(&mut EcdsaIn { jobs }, 0..jobs.len(), out)?;
        }
        self.end_batch(jobs.len(), start)
    }
}
