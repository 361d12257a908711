//! The batch engine: one submit / collect / wait / timeout loop for every kind of job.
//!
//! A [`JobKind`] says how one job of its kind is submitted, which `STATUS` bits mean "room
//! for a job" and "a result waits", how one result is collected and what an error is;
//! [`Accel::run_batch`] keeps up to `limit()` jobs in flight, submits first (the queue
//! refills while a result is read), collects by tag, waits by polling or interrupt when
//! nothing can be done, and gives up with a typed [`DriverError::Timeout`] after
//! `Config::timeout_us` without progress. [`Accel::wait_room`] is the one poll loop for room
//! in an input queue in the middle of a submission (room is not an interrupt source).
//!
//! Kinds today: the hash register path and the hash DMA path (`hash.rs`), ECDSA (`ecdsa.rs`).
//! A new engine with its own submission protocol is a new `JobKind` in its own file.

use core::ops::Range;

use satchain_regmap::{field, reg, Field};

use super::Accel;
use crate::bus::Bus;
use crate::error::{DriverError, Phase};

/// One kind of job: its protocol on the register interface.
pub(crate) trait JobKind<B: Bus> {
    /// What one job's result is.
    type Out;
    /// Phase of a timeout while jobs remain to be submitted with none in flight.
    const SUBMIT_PHASE: Phase;
    /// Phase of a timeout while results are awaited.
    const RESULT_PHASE: Phase;
    /// `STATUS` bit: a result of this kind waits.
    const RESULT_VALID: Field;
    /// Submit every job the in-flight limit admits in one step (no `STATUS` bit gates a
    /// submission), rather than one per `STATUS` read.
    const SUBMIT_ALL: bool = false;
    /// Collect every waiting result in one step, rather than one per `STATUS` read.
    const COLLECT_ALL: bool = false;
    /// Collect results while polling for room in the middle of a submission (a result left
    /// in the FIFO could keep the input queue from draining).
    const COLLECT_WHILE_WAITING: bool = false;

    /// `STATUS` admits a submission now.
    fn can_submit(&self, status: u32) -> bool;
    /// Submits job `index` (tag allocation included). May wait for room through
    /// [`Accel::wait_room`], collecting into `out` / `done` meanwhile.
    fn submit(
        &mut self,
        a: &mut Accel<B>,
        index: usize,
        out: &mut [Option<Self::Out>],
        done: &mut usize,
    ) -> Result<(), DriverError>;
    /// After a submission, with `more` jobs admitted by the in-flight limit: what to do
    /// before the next `STATUS` read (e.g. wait for the staging register to take the next).
    fn after_submit(
        &mut self,
        _a: &mut Accel<B>,
        _more: bool,
        _out: &mut [Option<Self::Out>],
        _done: &mut usize,
    ) -> Result<(), DriverError> {
        Ok(())
    }
    /// Collects the head result into its slot of `out`; `false` when none was there.
    fn collect(
        &mut self,
        a: &mut Accel<B>,
        out: &mut [Option<Self::Out>],
    ) -> Result<bool, DriverError>;
    /// `ERROR` latched: the typed error.
    fn error(&mut self, a: &mut Accel<B>) -> DriverError {
        a.hw_error()
    }
}

/// Jobs of the batch without a result (`DriverError::Timeout::pending`).
fn pending<T>(out: &[Option<T>]) -> usize {
    out.iter().filter(|o| o.is_none()).count()
}

impl<B: Bus> Accel<B> {
    /// Runs jobs `range` of a batch whose results go to `out` (indexed by job). Returns when
    /// every job of `range` has its result.
    pub(crate) fn run_batch<K: JobKind<B>>(
        &mut self,
        kind: &mut K,
        range: Range<usize>,
        out: &mut [Option<K::Out>],
    ) -> Result<(), DriverError> {
        let limit = self.limit();
        let end = range.end;
        let (mut next, mut done, mut waited) = (range.start, range.start, 0u64);
        while done < end {
            let st = self.rd(reg::STATUS.offset)?;
            if field::STATUS::ERROR.get(st) != 0 {
                return Err(kind.error(self));
            }
            let mut progress = false;
            // Submit first: the queue refills while the result is read.
            while next < end && self.in_flight < limit && kind.can_submit(st) {
                kind.submit(self, next, out, &mut done)?;
                next += 1;
                progress = true;
                if !K::SUBMIT_ALL {
                    let more = next < end && self.in_flight < limit;
                    kind.after_submit(self, more, out, &mut done)?;
                    break;
                }
            }
            let mut result_seen = false;
            if K::RESULT_VALID.get(st) != 0 {
                while done < end && kind.collect(self, out)? {
                    done += 1;
                    progress = true;
                    result_seen = true;
                    if !K::COLLECT_ALL {
                        break;
                    }
                }
            }
            if progress {
                self.note_progress(result_seen);
                waited = 0;
            } else {
                let want_submit = next < end && self.in_flight < limit;
                waited += self.idle(|s| {
                    field::STATUS::ERROR.get(s) != 0
                        || K::RESULT_VALID.get(s) != 0
                        || (want_submit && kind.can_submit(s))
                })?;
                if waited > u64::from(self.cfg.timeout_us) {
                    let phase = if self.in_flight > 0 {
                        K::RESULT_PHASE
                    } else {
                        K::SUBMIT_PHASE
                    };
                    return Err(DriverError::Timeout {
                        phase,
                        pending: pending(out),
                        waited_us: waited,
                    });
                }
            }
        }
        Ok(())
    }

    /// Polls `STATUS` until a bit of `mask` (room in an input queue) is set, in the middle of
    /// a submission. Room is not an interrupt source, so this polls in either wait mode.
    /// Kinds that [`JobKind::COLLECT_WHILE_WAITING`] collect results meanwhile (each one
    /// restarts the timeout).
    pub(crate) fn wait_room<K: JobKind<B>>(
        &mut self,
        kind: &mut K,
        mask: u32,
        phase: Phase,
        out: &mut [Option<K::Out>],
        done: &mut usize,
    ) -> Result<(), DriverError> {
        let mut waited = 0u64;
        loop {
            let st = self.rd(reg::STATUS.offset)?;
            if field::STATUS::ERROR.get(st) != 0 {
                return Err(kind.error(self));
            }
            if K::COLLECT_WHILE_WAITING
                && K::RESULT_VALID.get(st) != 0
                && kind.collect(self, out)?
            {
                *done += 1;
                waited = 0;
                continue;
            }
            if st & mask != 0 {
                return Ok(());
            }
            self.counters.pauses += 1;
            self.bus.pause(self.cfg.poll_interval_us);
            waited += u64::from(self.cfg.poll_interval_us);
            if waited > u64::from(self.cfg.timeout_us) {
                return Err(DriverError::Timeout {
                    phase,
                    pending: pending(out),
                    waited_us: waited,
                });
            }
        }
    }
}
