//! `FpgaBackend`: the [`Backend`] over `accel-driver`, with a software fallback and a fault
//! policy. Works on any [`Bus`]: the board (`MmioBus`, `UioBus`), the Verilated top
//! (`verif::bus::VerilatorBus`) or the behavioural model (`MockBus<DeviceModel>`).
//!
//! - **Splitting**: a batch goes to the device in chunks of [`FpgaConfig::chunk`] jobs; inside
//!   a chunk the driver keeps up to the result-FIFO depth of jobs in flight (at least one per
//!   unit/engine), and the hardware dispatcher spreads them over its SHA-256 units and ECDSA
//!   engines; results return by tag, out of order.
//! - **Self-test** at open: known-answer hashes of every mode and valid / mismatched /
//!   malformed verifications ([`selftest`]).
//! - **Fault policy** ([`FaultPolicy`]): a timeout, a latched error, an unknown tag or result
//!   code, a bus error, an engine fault, a bitstream/version mismatch or a spot check that
//!   disagrees with software either fails the batch with a typed [`BackendError`]
//!   (`FaultPolicy::Error`) or recomputes the affected chunk in software
//!   (`FaultPolicy::Fallback`). Each job's result comes from exactly one place (device or
//!   software), so nothing is lost or counted twice, and the verdicts equal software's.
//!   After a fault the device is soft-reset; after [`FpgaConfig::max_consecutive_faults`]
//!   faulty chunks in a row it is taken out of service (all jobs in software).
//! - **Spot checks**: a fraction of the jobs the device answered is recomputed with the
//!   fallback (deterministic xorshift sampling from a seed).

pub mod selftest;
#[cfg(test)]
mod tests;
#[cfg(feature = "traits")]
pub mod traits;

// The FPGA backend is std-only (feature `fpga` implies `std`): the std prelude.
use std::prelude::rust_2021::*;

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard};

use accel_driver::regmap::{EcdsaCode, HashMode as HwMode, MAX_HASH_LEN};
use accel_driver::{Accel, Bus, Counters, DriverError, EcdsaReq, ErrorKind, HashReq};

use crate::backend::{
    Backend, BackendError, BackendStats, Digest32, HashJob, HashMode, PubkeyBytes, Verdict,
    VerifyFailure, VerifyJob,
};

/// What to do when the device misbehaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultPolicy {
    /// Fail the batch with a typed error (the caller decides).
    Error,
    /// Recompute the affected jobs with the software fallback.
    Fallback,
}

/// Settings of an [`FpgaBackend`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FpgaConfig {
    pub driver: accel_driver::Config,
    pub policy: FaultPolicy,
    /// Fraction of device results re-checked in software, 0.0 ..= 1.0.
    pub spot_check: f64,
    pub spot_check_seed: u64,
    /// Run the known-answer self-test at open.
    pub self_test: bool,
    /// Jobs per device submission (the unit a fault recomputes in software).
    pub chunk: usize,
    /// Faulty chunks in a row after which the device is no longer used.
    pub max_consecutive_faults: u32,
    /// Clock at which device cycles are projected to wall time.
    pub clock_mhz: f64,
    /// `Backend::name()`: "fpga" on the board, "sim" in simulation.
    pub name: &'static str,
}

impl Default for FpgaConfig {
    fn default() -> Self {
        FpgaConfig {
            driver: accel_driver::Config::default(),
            policy: FaultPolicy::Fallback,
            spot_check: 0.01,
            spot_check_seed: 0x5a7c_4a11_acce_1001,
            self_test: true,
            chunk: 1024,
            max_consecutive_faults: 3,
            clock_mhz: 150.0,
            name: "fpga",
        }
    }
}

/// Register traffic by job kind, from the driver's counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Traffic {
    pub hash_jobs: u64,
    pub hash_reads: u64,
    pub hash_writes: u64,
    pub verify_jobs: u64,
    pub verify_reads: u64,
    pub verify_writes: u64,
}

#[derive(Debug, Default)]
struct Stats {
    hash_jobs: u64,
    verify_jobs: u64,
    device_cycles: u64,
    faults: BTreeMap<&'static str, u64>,
    fallback_jobs: u64,
    spot_checked_jobs: u64,
    /// Jobs whose result came from the device (and was used).
    device_jobs: u64,
    traffic: Traffic,
}

#[derive(Debug)]
struct Inner<B: Bus> {
    accel: Option<Accel<B>>,
    /// Why the device is out of service, when it is.
    disabled: Option<String>,
    consecutive_faults: u32,
    rng: u64,
    stats: Stats,
}

/// The FPGA (or simulated FPGA) backend with a software fallback `F`.
#[derive(Debug)]
pub struct FpgaBackend<B: Bus, F: Backend> {
    inner: Mutex<Inner<B>>,
    fallback: F,
    cfg: FpgaConfig,
}

/// Fault names used in `BackendStats::faults`.
pub mod fault {
    pub const TIMEOUT: &str = "timeout";
    pub const ERROR_BIT: &str = "error_bit";
    pub const BAD_TAG: &str = "unexpected_tag";
    pub const BAD_CODE: &str = "bad_result_code";
    pub const ENGINE_FAULT: &str = "engine_fault";
    pub const BUS: &str = "bus_error";
    pub const MISMATCH: &str = "spot_check_mismatch";
    pub const BITSTREAM: &str = "bitstream_mismatch";
    pub const NOT_PRESENT: &str = "not_present";
    pub const SELF_TEST: &str = "self_test";
    pub const MISSED_IRQ: &str = "missed_irq";
    pub const UNSUPPORTED: &str = "unsupported";
    pub const DMA: &str = "dma_error";
}

fn fault_name(e: &DriverError) -> &'static str {
    match e {
        DriverError::Timeout { .. } => fault::TIMEOUT,
        DriverError::Hw { .. } => fault::ERROR_BIT,
        DriverError::UnexpectedTag { .. } => fault::BAD_TAG,
        DriverError::BadResultCode { .. } => fault::BAD_CODE,
        DriverError::DmaRead { .. } | DriverError::Dma(_) => fault::DMA,
        DriverError::Bus(_) => fault::BUS,
        DriverError::NotPresent { .. } => fault::NOT_PRESENT,
        DriverError::BitstreamMismatch { .. } | DriverError::VersionMismatch { .. } => {
            fault::BITSTREAM
        }
        DriverError::Unsupported { .. } | DriverError::BadArgument { .. } => fault::UNSUPPORTED,
    }
}

fn to_backend_error(e: &DriverError) -> BackendError {
    let what = e.to_string();
    match e.kind() {
        ErrorKind::Timeout => BackendError::Timeout { what },
        ErrorKind::Bus => BackendError::Io(what),
        ErrorKind::NotPresent | ErrorKind::BitstreamMismatch | ErrorKind::Unsupported => {
            BackendError::Unavailable(what)
        }
        ErrorKind::BadArgument | ErrorKind::Hardware => BackendError::Hardware { what },
    }
}

fn hw_mode(m: HashMode) -> HwMode {
    match m {
        HashMode::Sha256 => HwMode::Sha256,
        HashMode::Sha256d => HwMode::Sha256d,
        HashMode::MerkleNode => HwMode::Merkle64,
        HashMode::Header80 => HwMode::Header80,
    }
}

/// The driver's view of a verification job.
pub fn ecdsa_req(j: &VerifyJob) -> EcdsaReq {
    let mut qx = [0u8; 32];
    let mut qy = [0u8; 32];
    let prefix = match &j.pubkey {
        PubkeyBytes::Compressed(a) => {
            qx.copy_from_slice(&a[1..33]);
            a[0]
        }
        PubkeyBytes::Uncompressed(a) => {
            qx.copy_from_slice(&a[1..33]);
            qy.copy_from_slice(&a[33..65]);
            a[0]
        }
    };
    EcdsaReq {
        z: j.prehash,
        r: j.r,
        s: j.s,
        qx,
        qy,
        prefix,
    }
}

/// A device result code as a verdict; `None` for `EngineFault` (no verdict).
pub fn verdict_of(code: EcdsaCode) -> Option<Verdict> {
    match code {
        EcdsaCode::Valid => Some(Verdict::Valid),
        EcdsaCode::Invalid => Some(Verdict::Invalid(VerifyFailure::Mismatch)),
        EcdsaCode::BadR => Some(Verdict::Invalid(VerifyFailure::BadR)),
        EcdsaCode::BadS => Some(Verdict::Invalid(VerifyFailure::BadS)),
        EcdsaCode::BadPubkey => Some(Verdict::Invalid(VerifyFailure::BadPubkey)),
        EcdsaCode::EngineFault => None,
    }
}

impl<B: Bus> Inner<B> {
    fn fault(&mut self, name: &'static str) {
        *self.stats.faults.entry(name).or_insert(0) += 1;
    }

    /// xorshift64*: deterministic spot-check sampling.
    fn sample(&mut self, fraction: f64) -> bool {
        if fraction <= 0.0 {
            return false;
        }
        if fraction >= 1.0 {
            return true;
        }
        let mut x = self.rng;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.rng = x;
        let r = x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11;
        (r as f64) < fraction * (1u64 << 53) as f64
    }

    /// After a device fault: soft-reset, count, maybe take the device out of service.
    fn after_fault(&mut self, max_consecutive: u32) {
        self.consecutive_faults += 1;
        let recovered = self
            .accel
            .as_mut()
            .map(|a| a.recover().is_ok())
            .unwrap_or(false);
        if !recovered || self.consecutive_faults >= max_consecutive {
            self.accel = None;
            self.disabled = Some(format!(
                "device out of service after {} consecutive faults{}",
                self.consecutive_faults,
                if recovered { "" } else { " (recovery failed)" }
            ));
        }
    }
}

impl<B: Bus, F: Backend> FpgaBackend<B, F> {
    /// Opens the device on `bus`, runs the self-test (if configured) and returns the backend.
    /// With `FaultPolicy::Fallback`, a missing/mismatched device or a failed self-test gives a
    /// backend that runs in software (reported in stats); with `Error` it is an error.
    pub fn open(bus: B, fallback: F, cfg: FpgaConfig) -> Result<Self, BackendError> {
        let mut inner = Inner {
            accel: None,
            disabled: None,
            consecutive_faults: 0,
            rng: cfg.spot_check_seed | 1,
            stats: Stats::default(),
        };
        match Accel::open(bus, cfg.driver) {
            Ok(a) => inner.accel = Some(a),
            Err(e) => {
                if cfg.policy == FaultPolicy::Error {
                    return Err(to_backend_error(&e));
                }
                inner.fault(fault_name(&e));
                inner.disabled = Some(e.to_string());
            }
        }
        let be = FpgaBackend {
            inner: Mutex::new(inner),
            fallback,
            cfg,
        };
        if cfg.self_test && be.device_in_service() {
            be.run_self_test()?;
        }
        Ok(be)
    }

    fn lock(&self) -> MutexGuard<'_, Inner<B>> {
        // A panic while holding the lock cannot leave the device worse than a fault does:
        // use the state anyway (the next fault path soft-resets the device).
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Whether jobs currently go to the device.
    pub fn device_in_service(&self) -> bool {
        self.lock().accel.is_some()
    }

    /// Why the device is not used, if it is not.
    pub fn disabled_reason(&self) -> Option<String> {
        self.lock().disabled.clone()
    }

    /// Driver counters (bus reads/writes, waits, missed interrupts).
    pub fn driver_counters(&self) -> Option<Counters> {
        self.lock().accel.as_ref().map(|a| a.counters())
    }

    /// Jobs whose result came from the device. With `stats().fallback_jobs` this adds up to
    /// every job submitted: each result has exactly one source.
    pub fn device_jobs(&self) -> u64 {
        self.lock().stats.device_jobs
    }

    /// Register traffic by job kind, over the chunks whose device results were used.
    pub fn traffic(&self) -> Traffic {
        self.lock().stats.traffic
    }

    /// Runs `f` on the bus (tests use this to inject faults into a simulated bus).
    pub fn with_bus<R>(&self, f: impl FnOnce(&mut B) -> R) -> Option<R> {
        self.lock().accel.as_mut().map(|a| f(a.bus_mut()))
    }

    pub fn config(&self) -> FpgaConfig {
        self.cfg
    }

    /// The known-answer self-test: every vector through the device (not the fallback) and
    /// against its known answer. On failure: `Err` (policy Error) or device out of service.
    pub fn run_self_test(&self) -> Result<(), BackendError> {
        let hv = selftest::hash_vectors();
        let vv = selftest::verify_vectors();
        let mut g = self.lock();
        let Some(a) = g.accel.as_mut() else {
            return Ok(());
        };
        let reqs: Vec<HashReq> = hv
            .iter()
            .map(|(j, _)| HashReq {
                mode: hw_mode(j.mode),
                data: &j.data,
            })
            .collect();
        let mut hout = vec![None; reqs.len()];
        let mut problem = match a.hash_batch(&reqs, &mut hout) {
            Ok(_) => hv
                .iter()
                .zip(&hout)
                .position(|((_, want), got)| got.as_ref() != Some(want))
                .map(|i| {
                    format!(
                        "self-test hash vector {i}: device gave {:?}",
                        hout[i].map(hex::encode)
                    )
                }),
            Err(e) => Some(format!("self-test hashing: {e}")),
        };
        if problem.is_none() {
            let ereqs: Vec<EcdsaReq> = vv.iter().map(|(j, _)| ecdsa_req(j)).collect();
            let mut eout = vec![None; ereqs.len()];
            problem = match a.ecdsa_batch(&ereqs, &mut eout) {
                Ok(_) => vv
                    .iter()
                    .zip(&eout)
                    .position(|((_, want), got)| {
                        got.and_then(|r| verdict_of(r.code)) != Some(*want)
                    })
                    .map(|i| format!("self-test verify vector {i}: device gave {:?}", eout[i])),
                Err(e) => Some(format!("self-test verification: {e}")),
            };
        }
        if let Some(p) = problem {
            g.fault(fault::SELF_TEST);
            if let Some(a) = g.accel.as_mut() {
                let _ = a.recover();
            }
            if self.cfg.policy == FaultPolicy::Error {
                return Err(BackendError::Hardware { what: p });
            }
            g.accel = None;
            g.disabled = Some(p);
        }
        Ok(())
    }

    fn sw_hash(&self, jobs: &[HashJob], g: &mut Inner<B>) -> Result<Vec<Digest32>, BackendError> {
        g.stats.fallback_jobs += jobs.len() as u64;
        self.fallback.hash_batch(jobs)
    }

    fn sw_verify(
        &self,
        jobs: &[VerifyJob],
        g: &mut Inner<B>,
    ) -> Result<Vec<Verdict>, BackendError> {
        g.stats.fallback_jobs += jobs.len() as u64;
        self.fallback.verify_batch(jobs)
    }

    /// One chunk through the device. `Ok(Some(results))`: device answered and spot checks
    /// passed; `Ok(None)`: a fault under the fallback policy (caller recomputes the chunk).
    fn hash_chunk(
        &self,
        jobs: &[HashJob],
        base: usize,
        g: &mut Inner<B>,
    ) -> Result<Option<Vec<Digest32>>, BackendError> {
        let Some(a) = g.accel.as_mut() else {
            return Ok(None);
        };
        let reqs: Vec<HashReq> = jobs
            .iter()
            .map(|j| HashReq {
                mode: hw_mode(j.mode),
                data: &j.data,
            })
            .collect();
        let mut out = vec![None; reqs.len()];
        let missed0 = a.counters().irq_missed;
        let res = a.hash_batch(&reqs, &mut out);
        let missed = a.counters().irq_missed - missed0;
        for _ in 0..missed {
            g.fault(fault::MISSED_IRQ);
        }
        let info = match res {
            Ok(info) => info,
            Err(e) => {
                g.fault(fault_name(&e));
                g.after_fault(self.cfg.max_consecutive_faults);
                return match self.cfg.policy {
                    FaultPolicy::Error => Err(to_backend_error(&e)),
                    FaultPolicy::Fallback => Ok(None),
                };
            }
        };
        g.stats.device_cycles += u64::from(info.device_cycles);
        let mut digests = Vec::with_capacity(out.len());
        for (i, d) in out.iter().enumerate() {
            match d {
                Some(d) => digests.push(*d),
                None => {
                    // The driver reports success only with every slot filled; treat a gap as a fault.
                    g.fault(fault::BAD_TAG);
                    g.after_fault(self.cfg.max_consecutive_faults);
                    return match self.cfg.policy {
                        FaultPolicy::Error => Err(BackendError::Hardware {
                            what: format!("no result for job {}", base + i),
                        }),
                        FaultPolicy::Fallback => Ok(None),
                    };
                }
            }
        }
        // Spot checks.
        let picked: Vec<usize> = (0..jobs.len())
            .filter(|_| g.sample(self.cfg.spot_check))
            .collect();
        if !picked.is_empty() {
            g.stats.spot_checked_jobs += picked.len() as u64;
            let sj: Vec<HashJob> = picked.iter().map(|&i| jobs[i].clone()).collect();
            let sw = self.fallback.hash_batch(&sj)?;
            if let Some((k, &i)) = picked
                .iter()
                .enumerate()
                .find(|(k, &i)| sw.get(*k) != Some(&digests[i]))
            {
                g.fault(fault::MISMATCH);
                g.after_fault(self.cfg.max_consecutive_faults);
                return match self.cfg.policy {
                    FaultPolicy::Error => Err(BackendError::SpotCheckMismatch {
                        index: base + i,
                        what: format!(
                            "device {} != software {}",
                            hex::encode(digests[i]),
                            sw.get(k).map(hex::encode).unwrap_or_default()
                        ),
                    }),
                    FaultPolicy::Fallback => Ok(None),
                };
            }
        }
        g.consecutive_faults = 0;
        g.stats.device_jobs += jobs.len() as u64;
        g.stats.traffic.hash_jobs += jobs.len() as u64;
        g.stats.traffic.hash_reads += info.reads;
        g.stats.traffic.hash_writes += info.writes;
        Ok(Some(digests))
    }

    fn verify_chunk(
        &self,
        jobs: &[VerifyJob],
        base: usize,
        g: &mut Inner<B>,
    ) -> Result<Option<Vec<Verdict>>, BackendError> {
        let Some(a) = g.accel.as_mut() else {
            return Ok(None);
        };
        let reqs: Vec<EcdsaReq> = jobs.iter().map(ecdsa_req).collect();
        let mut out = vec![None; reqs.len()];
        let missed0 = a.counters().irq_missed;
        let res = a.ecdsa_batch(&reqs, &mut out);
        let missed = a.counters().irq_missed - missed0;
        for _ in 0..missed {
            g.fault(fault::MISSED_IRQ);
        }
        let info = match res {
            Ok(info) => info,
            Err(e) => {
                g.fault(fault_name(&e));
                g.after_fault(self.cfg.max_consecutive_faults);
                return match self.cfg.policy {
                    FaultPolicy::Error => Err(to_backend_error(&e)),
                    FaultPolicy::Fallback => Ok(None),
                };
            }
        };
        g.stats.device_cycles += u64::from(info.device_cycles);
        let mut verdicts = Vec::with_capacity(out.len());
        let mut engine_faults = Vec::new();
        for (i, r) in out.iter().enumerate() {
            match r.and_then(|r| verdict_of(r.code)) {
                Some(v) => verdicts.push(v),
                None => {
                    // EngineFault (or a gap): no verdict from the device for this job.
                    engine_faults.push(i);
                    verdicts.push(Verdict::Invalid(VerifyFailure::Mismatch)); // placeholder, replaced below
                }
            }
        }
        if !engine_faults.is_empty() {
            for _ in &engine_faults {
                g.fault(fault::ENGINE_FAULT);
            }
            if self.cfg.policy == FaultPolicy::Error {
                g.after_fault(self.cfg.max_consecutive_faults);
                return Err(BackendError::Hardware {
                    what: format!(
                        "engine fault on job {} (no verdict)",
                        base + engine_faults[0]
                    ),
                });
            }
            // Only the jobs without a verdict are redone in software.
            let sj: Vec<VerifyJob> = engine_faults.iter().map(|&i| jobs[i].clone()).collect();
            let sw = self.sw_verify(&sj, g)?;
            for (k, &i) in engine_faults.iter().enumerate() {
                if let Some(v) = sw.get(k) {
                    verdicts[i] = *v;
                }
            }
        }
        let picked: Vec<usize> = (0..jobs.len())
            .filter(|i| !engine_faults.contains(i))
            .filter(|_| g.sample(self.cfg.spot_check))
            .collect();
        if !picked.is_empty() {
            g.stats.spot_checked_jobs += picked.len() as u64;
            let sj: Vec<VerifyJob> = picked.iter().map(|&i| jobs[i].clone()).collect();
            let sw = self.fallback.verify_batch(&sj)?;
            if let Some((k, &i)) = picked
                .iter()
                .enumerate()
                .find(|(k, &i)| sw.get(*k) != Some(&verdicts[i]))
            {
                g.fault(fault::MISMATCH);
                g.after_fault(self.cfg.max_consecutive_faults);
                return match self.cfg.policy {
                    FaultPolicy::Error => Err(BackendError::SpotCheckMismatch {
                        index: base + i,
                        what: format!("device {:?} != software {:?}", verdicts[i], sw.get(k)),
                    }),
                    FaultPolicy::Fallback => {
                        // The engine-fault jobs were already counted as fallbacks; the
                        // caller recomputes the whole chunk, so take them back out.
                        g.stats.fallback_jobs -= engine_faults.len() as u64;
                        Ok(None)
                    }
                };
            }
        }
        g.consecutive_faults = 0;
        g.stats.device_jobs += (jobs.len() - engine_faults.len()) as u64;
        g.stats.traffic.verify_jobs += jobs.len() as u64;
        g.stats.traffic.verify_reads += info.reads;
        g.stats.traffic.verify_writes += info.writes;
        Ok(Some(verdicts))
    }
}

impl<B: Bus + Send, F: Backend> Backend for FpgaBackend<B, F> {
    fn name(&self) -> &'static str {
        self.cfg.name
    }

    fn hash_batch(&self, jobs: &[HashJob]) -> Result<Vec<Digest32>, BackendError> {
        for (index, j) in jobs.iter().enumerate() {
            j.check().map_err(|e| match e {
                BackendError::BadJob { reason, .. } => BackendError::BadJob { index, reason },
                other => other,
            })?;
        }
        let mut g = self.lock();
        g.stats.hash_jobs += jobs.len() as u64;
        let mut out: Vec<Digest32> = Vec::with_capacity(jobs.len());
        let chunk = self.cfg.chunk.max(1);
        let mut start = 0;
        while start < jobs.len() {
            // Messages longer than the device's LEN field go to software (not a fault).
            if jobs[start].data.len() > MAX_HASH_LEN as usize {
                let d = self.sw_hash(&jobs[start..=start], &mut g)?;
                out.extend(d);
                start += 1;
                continue;
            }
            let mut end = start;
            while end < jobs.len()
                && end - start < chunk
                && jobs[end].data.len() <= MAX_HASH_LEN as usize
            {
                end += 1;
            }
            let part = &jobs[start..end];
            let r = match self.hash_chunk(part, start, &mut g)? {
                Some(d) => d,
                None => self.sw_hash(part, &mut g)?,
            };
            if r.len() != part.len() {
                return Err(BackendError::Hardware {
                    what: format!("{} results for {} jobs", r.len(), part.len()),
                });
            }
            out.extend(r);
            start = end;
        }
        Ok(out)
    }

    fn verify_batch(&self, jobs: &[VerifyJob]) -> Result<Vec<Verdict>, BackendError> {
        let mut g = self.lock();
        g.stats.verify_jobs += jobs.len() as u64;
        let mut out = Vec::with_capacity(jobs.len());
        for (k, part) in jobs.chunks(self.cfg.chunk.max(1)).enumerate() {
            let base = k * self.cfg.chunk.max(1);
            let r = match self.verify_chunk(part, base, &mut g)? {
                Some(v) => v,
                None => self.sw_verify(part, &mut g)?,
            };
            if r.len() != part.len() {
                return Err(BackendError::Hardware {
                    what: format!("{} verdicts for {} jobs", r.len(), part.len()),
                });
            }
            out.extend(r);
        }
        Ok(out)
    }

    fn stats(&self) -> BackendStats {
        let g = self.lock();
        BackendStats {
            hash_jobs: g.stats.hash_jobs,
            verify_jobs: g.stats.verify_jobs,
            device_cycles: g.stats.device_cycles,
            faults: g
                .stats
                .faults
                .iter()
                .map(|(k, v)| ((*k).to_string(), *v))
                .collect(),
            fallback_jobs: g.stats.fallback_jobs,
            spot_checked_jobs: g.stats.spot_checked_jobs,
        }
    }

    fn projected_clock_mhz(&self) -> Option<f64> {
        Some(self.cfg.clock_mhz)
    }
}
