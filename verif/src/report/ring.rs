//! `hw-report`'s ECDSA and BIP340 figures: one batch of verify jobs through the verify-job
//! rings (`Accel::ecdsa_batch` or `Accel::bip340_batch`, the `--backend sim` driver settings)
//! on the Verilated shipped top, and the same jobs on the VerifyCore's ISS for the figures the
//! RTL has no counter for.

use accel_driver::regmap::EcdsaCode;
use accel_driver::{Accel, Bip340Job, Bus, EcdsaJob};
use satchain_hdl::vcore::iss::core::CoreJob;
use satchain_hdl::vcore::iss::machine::CoreImage;
use satchain_hdl::vcore::iss::Config;

use super::ReportError;

/// One ring batch as described at the module: what the driver and the ISS measured.
#[derive(Debug, Clone, PartialEq)]
pub struct RingRun {
    pub verifies: usize,
    /// Jobs with a compressed key (the core recovers y: a square root per job); every BIP340
    /// job has an x-only key and counts here.
    pub compressed: usize,
    /// Model clocks from the driver's first register access to its return: every register
    /// access, the rings' DMA, the core's work and the polls.
    pub clocks: u64,
    /// `CYCLES` difference over the batch, as the driver read it.
    pub device_cycles: u32,
    pub mmio_reads: u64,
    pub mmio_writes: u64,
    /// Clusters of the core and threads in flight (clusters x threads per cluster).
    pub clusters: usize,
    pub threads: usize,
    /// The ISS on the same jobs (`satchain_hdl::vcore::iss`, the shipped core's parameters):
    /// clocks to the last result, multiplier issues per clock and cluster, and the mean thread
    /// cycles of one verify (from its start on a thread to its verdict).
    pub iss_clocks: u64,
    pub iss_multiplier_busy: f64,
    pub iss_thread_cycles_per_verify: f64,
    /// FieldMul issues per verify (ISS): with the multipliers' clock, the rate they allow
    /// when always busy.
    pub iss_mults_per_verify: f64,
}

impl RingRun {
    /// Model clocks per verify over the batch.
    #[allow(clippy::cast_precision_loss)]
    pub fn cycles_per_verify(&self) -> f64 {
        self.clocks.max(1) as f64 / self.verifies.max(1) as f64
    }

    /// The batch's rate with its clocks converted at `mhz`.
    #[allow(clippy::cast_precision_loss)]
    pub fn verifies_per_s(&self, mhz: f64) -> f64 {
        self.verifies as f64 * mhz * 1e6 / self.clocks.max(1) as f64
    }
}

/// The driver's side of a batch: the ring jobs of one kind.
enum RingJobs {
    Ecdsa(Vec<EcdsaJob>),
    Bip340(Vec<Bip340Job>),
}

/// Runs `jobs` (all valid signatures: any other verdict is an error) as described at
/// [`RingRun`].
pub fn ecdsa_ring_batch(jobs: &[crypto_core::VerifyJob]) -> Result<RingRun, ReportError> {
    let core_jobs = jobs
        .iter()
        .map(|j| {
            CoreJob::ecdsa(j.pubkey.as_bytes(), &j.prehash, &j.r, &j.s)
                .map_err(|e| ReportError::Parse(format!("ISS job: {e:?}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let compressed = jobs
        .iter()
        .filter(|j| matches!(j.pubkey, crypto_core::PubkeyBytes::Compressed(_)))
        .count();
    let ring = RingJobs::Ecdsa(jobs.iter().map(satchain_fpga::ecdsa_job).collect());
    ring_batch(&ring, &core_jobs, compressed)
}

/// As [`ecdsa_ring_batch`] for BIP340 jobs (ring jobs of kind 1, built as `FpgaBackend` builds
/// them: `satchain_fpga::bip340_job`, the challenge `e` hashed on the CPU).
pub fn schnorr_ring_batch(jobs: &[crypto_core::SchnorrJob]) -> Result<RingRun, ReportError> {
    let bj: Vec<Bip340Job> = jobs.iter().map(satchain_fpga::bip340_job).collect();
    let core_jobs: Vec<CoreJob> = bj
        .iter()
        .map(|b| CoreJob::schnorr(&b.px, &b.e, &b.r, &b.s))
        .collect();
    ring_batch(&RingJobs::Bip340(bj), &core_jobs, jobs.len())
}

fn ring_batch(
    ring: &RingJobs,
    core_jobs: &[CoreJob],
    compressed: usize,
) -> Result<RingRun, ReportError> {
    let drv = |e: accel_driver::DriverError| ReportError::Driver(e.to_string());
    let bus = crate::bus::VerilatorBus::new()?;
    let mut a = Accel::open(bus, crate::bus::sim_driver_config()).map_err(drv)?;
    if !a.uses_verify_ring() {
        return Err(ReportError::Driver(
            "the top reports no CAPS.VERIFY_RING (or the bus has no ring region)".into(),
        ));
    }
    let mut out = vec![None; core_jobs.len()];
    let c0 = a.bus_mut().sim_cycles().unwrap_or(0);
    let (kind, info) = match ring {
        RingJobs::Ecdsa(j) => ("ECDSA", a.ecdsa_batch(j, &mut out)),
        RingJobs::Bip340(j) => ("BIP340", a.bip340_batch(j, &mut out)),
    };
    let info = info.map_err(drv)?;
    let clocks = a.bus_mut().sim_cycles().unwrap_or(0) - c0;
    if let Some(i) = out
        .iter()
        .position(|r| r.map(|r| r.code) != Some(EcdsaCode::Valid))
    {
        return Err(ReportError::Driver(format!(
            "{kind} job {i} of a batch of valid signatures came back {:?}",
            out[i]
        )));
    }
    let cfg = Config {
        clusters: satchain_hdl::top::RING_CLUSTERS,
        ..Config::default()
    };
    let img = CoreImage::secp256k1().map_err(|e| ReportError::Parse(format!("ISS image: {e}")))?;
    let run = img
        .run(&cfg, core_jobs)
        .map_err(|e| ReportError::Parse(format!("ISS: {e}")))?;
    let n = out.len().max(1) as f64;
    let mul: u64 = run.ports.iter().map(|p| p.mul_issues).sum();
    Ok(RingRun {
        verifies: out.len(),
        compressed,
        clocks,
        device_cycles: info.device_cycles,
        mmio_reads: info.reads,
        mmio_writes: info.writes,
        clusters: cfg.clusters,
        threads: cfg.clusters * cfg.threads,
        iss_clocks: run.total_cycles,
        iss_multiplier_busy: mul as f64 / (run.total_cycles.max(1) as f64 * cfg.clusters as f64),
        iss_thread_cycles_per_verify: run.results.iter().map(|r| r.cycles as f64).sum::<f64>() / n,
        iss_mults_per_verify: mul as f64 / n,
    })
}
