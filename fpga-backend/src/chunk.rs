//! The chunk runner: one fault policy, spot-check and fallback skeleton for every kind of job.
//!
//! A [`ChunkKind`] says how a chunk of its jobs runs on the device (through the driver), how
//! it runs in software, and what to do with a job the device answered without a result.
//! [`FpgaBackend::run_jobs`] splits a batch into chunks and [`FpgaBackend::run_chunk`] runs
//! one: device, then the missing results, then spot checks, each fault counted and handled by
//! the [`FaultPolicy`]; every job's result comes from exactly one place.
//!
//! Kinds today (`kinds.rs`): hashing and ECDSA verification. A new engine (or a new way to
//! submit to one) is a new `ChunkKind`; the policy stays here.

use std::fmt;

use accel_driver::{Accel, BatchInfo, Bus, DriverError};

use super::faults::{fault, to_backend_error};
use super::{FaultPolicy, FpgaBackend, Inner, Traffic};
use crypto_core::backend::{Backend, BackendError};

/// One kind of job as the backend runs it.
pub(crate) trait ChunkKind {
    type Job: Clone;
    type Out: Copy + PartialEq + fmt::Debug;
    /// The kind's name in `tracing` events (`hash`, `verify`).
    const KIND: &'static str;
    /// Fault counted for each job the device answered without a result.
    const NO_RESULT_FAULT: &'static str;
    /// Jobs without a device result are recomputed one by one in software (the rest of the
    /// chunk keeps the device's results); otherwise the whole chunk counts as faulty.
    const REDO_MISSING: bool;

    /// The job can go to the device at all (otherwise it goes to software, not a fault).
    fn device_can(_job: &Self::Job) -> bool {
        true
    }
    /// Runs `jobs` on the device: the driver's batch info, and one result slot per job
    /// (`None`: no result for that job).
    fn run_device<B: Bus>(
        a: &mut Accel<B>,
        jobs: &[Self::Job],
    ) -> (Result<BatchInfo, DriverError>, Vec<Option<Self::Out>>);
    /// Runs `jobs` in software.
    fn run_software<F: Backend>(f: &F, jobs: &[Self::Job]) -> Result<Vec<Self::Out>, BackendError>;
    /// What a job without a device result is, for an error message.
    fn missing(index: usize) -> String;
    /// A result as the error messages show it.
    fn show(out: &Self::Out) -> String;
    /// Adds a chunk whose device results were used to the traffic statistics.
    fn count_traffic(t: &mut Traffic, jobs: usize, info: &BatchInfo);
}

impl<B: Bus, F: Backend> FpgaBackend<B, F> {
    /// `jobs` in software; they count as fallback jobs.
    fn software<K: ChunkKind>(
        &self,
        jobs: &[K::Job],
        g: &mut Inner<B>,
    ) -> Result<Vec<K::Out>, BackendError> {
        g.stats.fallback_jobs += jobs.len() as u64;
        K::run_software(&self.fallback, jobs)
    }

    /// A fault under the policy: `Err(error)` with `FaultPolicy::Error`, `Ok(None)` (the
    /// caller recomputes the chunk in software) with `FaultPolicy::Fallback`.
    fn on_fault<T>(&self, error: BackendError) -> Result<Option<T>, BackendError> {
        match self.cfg.policy {
            FaultPolicy::Error => Err(error),
            FaultPolicy::Fallback => Ok(None),
        }
    }

    /// Every job of a batch, in chunks of `FpgaConfig::chunk` (jobs the device cannot take
    /// go to software one by one).
    pub(super) fn run_jobs<K: ChunkKind>(
        &self,
        jobs: &[K::Job],
        g: &mut Inner<B>,
    ) -> Result<Vec<K::Out>, BackendError> {
        let before = BatchMark::new(g);
        let mut out = Vec::with_capacity(jobs.len());
        let chunk = self.cfg.chunk.max(1);
        let mut start = 0;
        while start < jobs.len() {
            if !K::device_can(&jobs[start]) {
                out.extend(self.software::<K>(&jobs[start..=start], g)?);
                start += 1;
                continue;
            }
            let mut end = start;
            while end < jobs.len() && end - start < chunk && K::device_can(&jobs[end]) {
                end += 1;
            }
            let part = &jobs[start..end];
            let r = match self.run_chunk::<K>(part, start, g)? {
                Some(r) => r,
                None => {
                    fallback_event(g, K::KIND, part.len());
                    self.software::<K>(part, g)?
                }
            };
            if r.len() != part.len() {
                return Err(BackendError::Hardware {
                    what: format!("{} results for {} jobs", r.len(), part.len()),
                });
            }
            out.extend(r);
            start = end;
        }
        before.event(g, K::KIND, jobs.len());
        Ok(out)
    }

    /// One chunk through the device (`base`: index of its first job in the batch).
    /// `Ok(Some(results))`: the device answered (missing results recomputed where the kind
    /// allows) and the spot checks passed; `Ok(None)`: a fault under the fallback policy (the
    /// caller recomputes the chunk).
    pub(super) fn run_chunk<K: ChunkKind>(
        &self,
        jobs: &[K::Job],
        base: usize,
        g: &mut Inner<B>,
    ) -> Result<Option<Vec<K::Out>>, BackendError> {
        let Some(a) = g.accel.as_mut() else {
            return Ok(None);
        };
        let missed0 = a.counters().irq_missed;
        let (res, mut out) = K::run_device(a, jobs);
        let missed = a.counters().irq_missed - missed0;
        for _ in 0..missed {
            g.fault(fault::MISSED_IRQ);
        }
        let info = match res {
            Ok(info) => info,
            Err(e) => {
                g.fault_err(&e);
                g.after_fault(self.cfg.max_consecutive_faults);
                return self.on_fault(to_backend_error(&e));
            }
        };
        g.stats.device_cycles += u64::from(info.device_cycles);

        // Jobs the device answered without a result.
        let missing: Vec<usize> = (0..jobs.len()).filter(|&i| out[i].is_none()).collect();
        if let Some(&first) = missing.first() {
            for _ in &missing {
                g.fault(K::NO_RESULT_FAULT);
            }
            if !K::REDO_MISSING || self.cfg.policy == FaultPolicy::Error {
                g.after_fault(self.cfg.max_consecutive_faults);
                return self.on_fault(BackendError::Hardware {
                    what: K::missing(base + first),
                });
            }
            let sj: Vec<K::Job> = missing.iter().map(|&i| jobs[i].clone()).collect();
            let sw = self.software::<K>(&sj, g)?;
            for (&i, r) in missing.iter().zip(sw) {
                out[i] = Some(r);
            }
        }
        let results: Vec<K::Out> = out.into_iter().flatten().collect();
        if results.len() != jobs.len() {
            return Err(BackendError::Hardware {
                what: format!("{} results for {} jobs", results.len(), jobs.len()),
            });
        }

        // Spot checks of the device's own results.
        let picked: Vec<usize> = (0..jobs.len())
            .filter(|i| !missing.contains(i))
            .filter(|_| g.sample(self.cfg.spot_check))
            .collect();
        if !picked.is_empty() {
            g.stats.spot_checked_jobs += picked.len() as u64;
            let sj: Vec<K::Job> = picked.iter().map(|&i| jobs[i].clone()).collect();
            let sw = K::run_software(&self.fallback, &sj)?;
            if let Some((k, &i)) = picked
                .iter()
                .enumerate()
                .find(|(k, &i)| sw.get(*k) != Some(&results[i]))
            {
                tracing::error!(kind = K::KIND, job = base + i, "spot check mismatch");
                g.fault(fault::MISMATCH);
                g.after_fault(self.cfg.max_consecutive_faults);
                // The missing jobs were counted as fallbacks; the caller recomputes the whole
                // chunk, so take them back out.
                if self.cfg.policy == FaultPolicy::Fallback {
                    g.stats.fallback_jobs -= missing.len() as u64;
                }
                return self.on_fault(BackendError::SpotCheckMismatch {
                    index: base + i,
                    what: format!(
                        "device {} != software {}",
                        K::show(&results[i]),
                        sw.get(k).map(K::show).unwrap_or_default()
                    ),
                });
            }
        }
        g.consecutive_faults = 0;
        g.stats.device_jobs += (jobs.len() - missing.len()) as u64;
        K::count_traffic(&mut g.stats.traffic, jobs.len(), &info);
        Ok(Some(results))
    }
}

/// The `WARN` (device still in service: a fault just sent this chunk to software) or `DEBUG`
/// (device out of service, already announced) event of a software recomputation.
fn fallback_event<B: Bus>(g: &Inner<B>, kind: &'static str, jobs: usize) {
    if g.accel.is_some() {
        tracing::warn!(kind, jobs, "chunk recomputed in software after a fault");
    } else {
        tracing::debug!(
            kind,
            jobs,
            "device out of service: chunk computed in software"
        );
    }
}

/// Counters at the start of a batch, for its `DEBUG` event.
struct BatchMark {
    t0: std::time::Instant,
    device_jobs: u64,
    fallback_jobs: u64,
    device_cycles: u64,
}

impl BatchMark {
    fn new<B: Bus>(g: &Inner<B>) -> Self {
        BatchMark {
            t0: std::time::Instant::now(),
            device_jobs: g.stats.device_jobs,
            fallback_jobs: g.stats.fallback_jobs,
            device_cycles: g.stats.device_cycles,
        }
    }

    fn event<B: Bus>(&self, g: &Inner<B>, kind: &'static str, jobs: usize) {
        tracing::debug!(
            kind,
            jobs,
            device_jobs = g.stats.device_jobs - self.device_jobs,
            fallback_jobs = g.stats.fallback_jobs - self.fallback_jobs,
            device_cycles = g.stats.device_cycles - self.device_cycles,
            elapsed_us = u64::try_from(self.t0.elapsed().as_micros()).unwrap_or(u64::MAX),
            "batch done"
        );
    }
}
