#![doc = include_str!("../README.md")]
#![warn(missing_docs)]
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::cast_possible_truncation
    )
)]

pub mod board;
mod chunk;
mod faults;
mod kinds;
pub mod selftest;
#[cfg(test)]
mod tests;

pub use board::{
    find_uio, open_board, open_board_bus, BoardBus, BoardError, BoardOptions, DmaBuffer, UioDevice,
    DT_NAME,
};
pub use faults::fault;
pub use kinds::{bip340_job, ecdsa_job, hw_mode, verdict_of};

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard};

use accel_driver::{Accel, Bus, Counters};

use self::chunk::ChunkKind;
use self::faults::{fault_name, to_backend_error};
use self::kinds::{Hashing, SchnorrVerifying, Verifying};
use crypto_core::backend::{
    Backend, BackendError, BackendStats, Digest32, HashJob, Verdict, VerifyJob,
};
use crypto_core::schnorr::{SchnorrJob, SchnorrVerdict};

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
    /// Driver settings (wait mode, timeouts, DMA); [`open_board`] defaults to interrupts.
    pub driver: accel_driver::Config,
    /// What a device fault does to the batch.
    pub policy: FaultPolicy,
    /// Fraction of device results re-checked in software, 0.0 ..= 1.0.
    pub spot_check: f64,
    /// Seed of the spot-check sampling.
    pub spot_check_seed: u64,
    /// Run the known-answer self-test at open.
    pub self_test: bool,
    /// Jobs per device submission (the unit a fault recomputes in software).
    pub chunk: usize,
    /// Faulty chunks in a row after which the device is no longer used.
    pub max_consecutive_faults: u32,
    /// Clock at which device cycles are projected to wall time (default 177.78 MHz: the shipped
    /// bitstream's one clock, FCLK0 = ARM PLL 1600 MHz / 9, `satchain_hdl::top::BUS_CLOCK_MHZ`; this
    /// crate does not depend on satchain-hdl: `verif`'s `bus::clock_tests` checks the two
    /// agree).
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
            clock_mhz: 1600.0 / 9.0,
            name: "fpga",
        }
    }
}

/// Register traffic by job kind, from the driver's counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Traffic {
    /// Hash jobs in those chunks.
    pub hash_jobs: u64,
    /// Bus reads of those hash chunks.
    pub hash_reads: u64,
    /// Bus writes of those hash chunks.
    pub hash_writes: u64,
    /// Verification jobs in those chunks.
    pub verify_jobs: u64,
    /// Bus reads of those verification chunks.
    pub verify_reads: u64,
    /// Bus writes of those verification chunks.
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

impl<B: Bus> Inner<B> {
    fn fault(&mut self, name: &'static str) {
        *self.stats.faults.entry(name).or_insert(0) += 1;
        tracing::warn!(fault = name, "device fault");
    }

    /// [`Self::fault`] for a driver error, with its text in the event.
    fn fault_err(&mut self, e: &accel_driver::DriverError) {
        let name = fault_name(e);
        *self.stats.faults.entry(name).or_insert(0) += 1;
        tracing::warn!(fault = name, detail = %e, "device fault");
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
            let reason = format!(
                "device out of service after {} consecutive faults{}",
                self.consecutive_faults,
                if recovered { "" } else { " (recovery failed)" }
            );
            tracing::error!(
                consecutive_faults = self.consecutive_faults,
                reason = %reason,
                "device out of service: every job runs in software"
            );
            self.disabled = Some(reason);
        } else {
            tracing::info!(
                consecutive_faults = self.consecutive_faults,
                "device soft-reset after a fault"
            );
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
                inner.fault_err(&e);
                tracing::error!(reason = %e, "no usable device: every job runs in software");
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

    /// The settings it was opened with.
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
        let problem = self_test_vectors::<Hashing, B>(a, &hv, "hash")
            .or_else(|| self_test_vectors::<Verifying, B>(a, &vv, "verify"));
        if let Some(p) = problem {
            g.fault(fault::SELF_TEST);
            if let Some(a) = g.accel.as_mut() {
                let _ = a.recover();
            }
            if self.cfg.policy == FaultPolicy::Error {
                return Err(BackendError::Hardware { what: p });
            }
            tracing::error!(reason = %p, "device out of service: every job runs in software");
            g.accel = None;
            g.disabled = Some(p);
        }
        Ok(())
    }
}

/// Runs known-answer `vectors` of one kind through the device: the first problem, if any.
fn self_test_vectors<K: ChunkKind, B: Bus>(
    a: &mut Accel<B>,
    vectors: &[(K::Job, K::Out)],
    what: &str,
) -> Option<String> {
    let jobs: Vec<K::Job> = vectors.iter().map(|(j, _)| j.clone()).collect();
    match K::run_device(a, &jobs) {
        (Err(e), _) => Some(format!("self-test {what}: {e}")),
        (Ok(_), out) => vectors
            .iter()
            .zip(&out)
            .position(|((_, want), got)| got.as_ref() != Some(want))
            .map(|i| {
                let got = out[i].as_ref().map_or("no result".into(), K::show);
                format!("self-test {what} vector {i}: device gave {got}")
            }),
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
        self.run_jobs::<Hashing>(jobs, &mut g)
    }

    fn verify_batch(&self, jobs: &[VerifyJob]) -> Result<Vec<Verdict>, BackendError> {
        let mut g = self.lock();
        g.stats.verify_jobs += jobs.len() as u64;
        self.run_jobs::<Verifying>(jobs, &mut g)
    }

    /// Through the verify-job ring when the device has one ([`kinds::SchnorrVerifying`]);
    /// otherwise in software (the fallback backend's verifier), as before.
    fn verify_schnorr_batch(
        &self,
        jobs: &[SchnorrJob],
    ) -> Result<Vec<SchnorrVerdict>, BackendError> {
        let mut g = self.lock();
        let ring = g.accel.as_mut().is_some_and(|a| a.uses_verify_ring());
        if !ring {
            drop(g);
            return self.fallback.verify_schnorr_batch(jobs);
        }
        g.stats.verify_jobs += jobs.len() as u64;
        self.run_jobs::<SchnorrVerifying>(jobs, &mut g)
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
