//! The verify-job DMA with the real core behind it (`vring_path`: `VerifyRing` feeding
//! `VerifyCore<1>` with the secp256k1 program, K bank and entries built in, the product
//! configuration), driven the way software drives it: jobs written into a job ring in memory,
//! a doorbell, a status poll, verdicts read from a result ring (`verif::vring::SwDriver`,
//! every register access counted).
//!
//! - `vring_path_random_jobs_match_k256`: random jobs (`SATCHAIN_PROPTEST_CASES`, default
//!   24; seed `SATCHAIN_SEED`, printed): ECDSA valid / invalid with compressed and
//!   uncompressed keys, BIP340 valid / invalid, r or s out of range, and refused headers,
//!   through rings smaller than the batch (8 slots, 8 result entries: both rings wrap, and the
//!   result credit binds: at most 8 jobs are fetched ahead of the results software took),
//!   memory with latency. Every slot gets
//!   exactly one result; its code is the k256 reference's (`BAD_JOB_CODE` for a refused
//!   header); then a soft reset and a second batch on the same model.
//! - `vring_path_batch_throughput`: the batch of the ISS throughput tables (256 random valid
//!   ECDSA verifies, seed 1, block 413567's mix of compressed / uncompressed keys) through
//!   256-entry rings, the driver polling every 4,096 clocks: the clocks from the first doorbell
//!   to the last verdict taken, the register accesses per verify, the most jobs in flight and
//!   the ISS's clocks for the same batch on the core alone, printed and written to
//!   `target/vring_path_batch.json`.
//!
//! A failing run is replayed with a VCD of its last 20,000 clocks under `target/vcd/`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may panic
#![allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]

#[path = "vcore_common/cases.rs"]
mod cases;
// The ISS throughput batch and its measurement, shared with hdl's `vcore_throughput`.
#[path = "../../hdl/tests/vcore_common/throughput.rs"]
mod throughput;

use cases::{early_case, ecdsa_case, schnorr_case, Case};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use satchain_hdl::vcore::iss::machine::CoreImage;
use satchain_hdl::vcore::iss::Config;
use satchain_hdl::vring::model::{ResultEntry, RingError, BAD_JOB_CODE};
use satchain_regmap::{self as rm, field, reg};
use std::collections::HashMap;
use std::fmt::Write as _;
use verif::sim::vcd_path;
use verif::vring::path::{slot_of, BatchFigures, PathConfig, PathSim};
use verif::vring::top::TopRing;
use verif::vring::Slot;

/// Runs `slots` on a fresh model; on failure replays with a VCD of the last clocks and panics
/// with the message, the seed and the VCD's path.
fn run_or_replay(c: &PathConfig, slots: &[Slot], what: &str, seed: u64) -> (PathSim, BatchFigures) {
    let limit = 200_000 + 20_000 * slots.len() as u64;
    let mut s = PathSim::open(c, None);
    s.configure();
    match s.run(c, slots, limit) {
        Ok(f) => (s, f),
        Err(e) => {
            let at = s.now;
            let vcd = vcd_path(&format!("vring_path-{what}-{seed}"));
            let mut r = PathSim::open(c, Some((&vcd, at.saturating_sub(20_000), at + 1)));
            r.configure();
            let _ = r.run(c, slots, limit);
            r.flush_vcd();
            panic!(
                "SATCHAIN_SEED={seed} {what}: {e}; VCD of clocks {}..{at}: {}",
                at.saturating_sub(20_000),
                vcd.display()
            );
        }
    }
}

/// Every slot has exactly one result, with the expected code (and tag).
fn check_results(results: &[ResultEntry], want: &HashMap<u16, u8>, what: &str, seed: u64) {
    let mut left = want.clone();
    for (k, e) in results.iter().enumerate() {
        let Some(code) = left.remove(&e.tag) else {
            panic!("SATCHAIN_SEED={seed} {what}: result {k} {e:?}: no such job, or repeated");
        };
        assert_eq!(
            e.code, code,
            "SATCHAIN_SEED={seed} {what}: result {k} (tag {:#06x}) code {} vs reference {code}",
            e.tag, e.code
        );
        if code == BAD_JOB_CODE {
            assert_eq!(
                e.cycles, 0,
                "SATCHAIN_SEED={seed} {what}: refused job {e:?}"
            );
        }
    }
    assert!(
        left.is_empty(),
        "SATCHAIN_SEED={seed} {what}: {} results missing",
        left.len()
    );
}

/// A random batch of `n` slots with the codes the reference expects, by tag.
fn random_batch(rng: &mut ChaCha8Rng, n: usize, tag0: u16) -> (Vec<Slot>, HashMap<u16, u8>) {
    let mut slots = Vec::with_capacity(n);
    let mut want = HashMap::new();
    for i in 0..n {
        let tag = tag0.wrapping_add(i as u16);
        let c: Case = match rng.gen_range(0..10) {
            0..=3 => ecdsa_case(rng),
            4..=6 => schnorr_case(rng),
            7 | 8 => early_case(rng),
            _ => {
                // A refused header (kind 2 or 3, or a reserved bit): answered BAD_JOB, never
                // reaches the core.
                let c = ecdsa_case(rng);
                let mut s = slot_of(&c.job, tag);
                s.header |= match rng.gen_range(0..3) {
                    0 => 2 << 16,
                    1 => 1 << rng.gen_range(18..24),
                    _ => 1 << rng.gen_range(32..64),
                };
                slots.push(s);
                want.insert(tag, BAD_JOB_CODE);
                continue;
            }
        };
        slots.push(slot_of(&c.job, tag));
        want.insert(tag, c.want);
    }
    (slots, want)
}

/// Rings smaller than the random batches (8 slots, 8 result entries: both rings wrap and the
/// result credit binds), memory with latency, frequent polls.
const SMALL_RINGS: PathConfig = PathConfig {
    job_log2: 3,
    res_log2: 3,
    mem_latency: 24,
    write_latency: 12,
    poll: 97,
    chunk: 8,
};

/// Rings that hold the whole throughput batch, polled every 4,096 clocks.
const BATCH_RINGS: PathConfig = PathConfig {
    job_log2: 8,
    res_log2: 8,
    mem_latency: 40,
    write_latency: 20,
    poll: 4_096,
    chunk: 256,
};

/// The batch of the ISS's throughput tables (hdl/src/vcore/README.md): 256 random valid ECDSA
/// jobs, seed 1, block 413567's key mix; its compressed-key count and its ring slots (tag =
/// batch index).
fn throughput_batch(
    o: &throughput::Opts,
) -> (
    Vec<satchain_hdl::vcore::iss::core::CoreJob>,
    usize,
    Vec<Slot>,
) {
    let (jobs, n_comp) = throughput::batch(o);
    let slots = jobs
        .iter()
        .enumerate()
        .map(|(i, j)| slot_of(j, i as u16))
        .collect();
    (jobs, n_comp, slots)
}

#[test]
fn vring_path_random_jobs_match_k256() {
    let seed = verif::vcore::seed();
    let n = verif::vcore::cases(24);
    println!("seed {seed} (replay with SATCHAIN_SEED={seed}), {n} jobs per batch");
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x7A7E_0001);
    let c = SMALL_RINGS;
    let (slots, want) = random_batch(&mut rng, n, 0x3100);
    let (mut s, f) = run_or_replay(&c, &slots, "random", seed);
    check_results(&s.drv.results, &want, "first batch", seed);
    println!(
        "first batch: {n} jobs in {} clocks, at most {} in the core",
        f.clocks, f.max_inside
    );
    // Soft reset, then another batch on the same model: nothing of the first one is left.
    s.soft_reset().expect("soft reset drains");
    let (slots2, want2) = random_batch(&mut rng, n.div_ceil(2), 0x5200);
    s.configure();
    let f2 = s
        .run(&c, &slots2, 200_000 + 20_000 * slots2.len() as u64)
        .unwrap_or_else(|e| panic!("SATCHAIN_SEED={seed} after soft reset: {e}"));
    check_results(&s.drv.results, &want2, "batch after soft reset", seed);
    println!(
        "after soft reset: {} jobs in {} clocks",
        slots2.len(),
        f2.clocks
    );
    assert!(
        s.mem.violations.is_empty(),
        "AXI violations: {:?}",
        s.mem.violations
    );
}

#[test]
fn vring_path_batch_throughput() {
    // The batch of the ISS's throughput tables (hdl/src/vcore/README.md): 256 random valid
    // ECDSA jobs, seed 1, block 413567's key mix; and the ISS's clocks for it on one cluster.
    let o = throughput::Opts::parse(&[]).expect("the default options parse");
    let (jobs, n_comp, slots) = throughput_batch(&o);
    let img = CoreImage::secp256k1().unwrap();
    let iss = throughput::measure(
        img,
        &Config {
            clusters: 1,
            ..Config::default()
        },
        &jobs,
    );
    let c = BATCH_RINGS;
    let (s, f) = run_or_replay(&c, &slots, "batch", o.seed);
    let want: HashMap<u16, u8> = (0..jobs.len() as u16).map(|t| (t, 0)).collect();
    check_results(&s.drv.results, &want, "batch", o.seed);
    let n = jobs.len() as f64;
    let per = (f.mmio_reads + f.mmio_writes) as f64 / n;
    let json = serde_json::json!({
        "jobs": jobs.len(),
        "compressed": n_comp,
        "clocks_to_last_poll": f.clocks,
        "clocks": f.clocks_to_last_result,
        "clocks_per_verify": f.clocks_to_last_result as f64 / n,
        "iss_core_clocks": iss.clocks,
        "iss_multiplier_busy_fraction": iss.busy,
        "mmio_reads": f.mmio_reads,
        "mmio_writes": f.mmio_writes,
        "mmio_per_verify": per,
        "max_jobs_inside": f.max_inside,
        "poll_clocks": c.poll,
    });
    println!("{json}");
    let out = verif::sim::target_dir().join("vring_path_batch.json");
    std::fs::write(&out, format!("{json:#}\n")).unwrap();
    assert!(per <= 4.0, "{per} register accesses per verify");
}

// ---- The same, on the shipped ring top (`top`): registers over AXI4-Lite, rings on `m1_axi_*`.

/// Runs `slots` on a fresh ring top; on failure replays with a VCD of the last 20,000 clocks
/// and panics with the message, the seed and the VCD's path.
fn top_run_or_replay(
    c: &PathConfig,
    slots: &[Slot],
    what: &str,
    seed: u64,
) -> (TopRing, BatchFigures) {
    let limit = 200_000 + 20_000 * slots.len() as u64;
    let mut t = TopRing::open(c, None);
    match t.configure().and_then(|()| t.run(c, slots, limit)) {
        Ok(f) => (t, f),
        Err(e) => {
            let at = t.bus.model().cycles();
            let vcd = vcd_path(&format!("top_ring-{what}-{seed}"));
            let mut r = TopRing::open(c, Some((&vcd, at.saturating_sub(20_000), at + 1)));
            let _ = r.configure().and_then(|()| r.run(c, slots, limit));
            r.flush_vcd();
            panic!(
                "SATCHAIN_SEED={seed} top {what}: {e}; VCD of clocks {}..{at}: {}",
                at.saturating_sub(20_000),
                vcd.display()
            );
        }
    }
}

#[test]
fn vring_top_registers_caps_and_errors() {
    use field::{VRING_CFG as C, VRING_STATUS as S};
    let mut t = TopRing::open(&SMALL_RINGS, None);
    let caps = t.read(reg::CAPS.offset).unwrap();
    assert_eq!(field::CAPS::VERIFY_RING.get(caps), 1, "CAPS {caps:#x}");
    assert_eq!(field::CAPS::ECDSA_ENGINES.get(caps), 0, "CAPS {caps:#x}");
    assert_eq!(
        caps,
        satchain_hdl::top::ring_caps_value(satchain_hdl::sha256::DEFAULT_UNITS as u32)
    );
    let vring = [
        reg::VRING_JOB_BASE,
        reg::VRING_RES_BASE,
        reg::VRING_CFG,
        reg::VRING_JOB_HEAD,
        reg::VRING_RES_TAIL,
        reg::VRING_STATUS,
        reg::VRING_TAIL,
    ];
    for r in vring {
        assert_eq!(t.read(r.offset).unwrap(), r.reset, "{} after reset", r.name);
    }
    // RW registers hold their fields (ENABLE low: nothing starts).
    t.write(reg::VRING_JOB_BASE.offset, 0xFFFF_FF00).unwrap();
    t.write(reg::VRING_RES_BASE.offset, 0x1234_5678).unwrap();
    t.write(reg::VRING_JOB_HEAD.offset, 0xFFFF_ABCD).unwrap();
    t.write(reg::VRING_RES_TAIL.offset, 0x0001_8001).unwrap();
    assert_eq!(t.read(reg::VRING_JOB_BASE.offset).unwrap(), 0xFFFF_FF00);
    assert_eq!(t.read(reg::VRING_RES_BASE.offset).unwrap(), 0x1234_5678);
    assert_eq!(t.read(reg::VRING_JOB_HEAD.offset).unwrap(), 0xABCD);
    assert_eq!(t.read(reg::VRING_RES_TAIL.offset).unwrap(), 0x8001);
    // RO registers ignore writes.
    for r in [reg::VRING_STATUS, reg::VRING_TAIL] {
        let before = t.read(r.offset).unwrap();
        t.write(r.offset, !before).unwrap();
        assert_eq!(
            t.read(r.offset).unwrap(),
            before,
            "{} changed on write",
            r.name
        );
    }
    // Enabling a ring the block refuses (job_log2 = 31, a base that passes 2^32): the ring
    // stops with BadJobRing, ERROR latches RingError, IRQ_STATUS.ERROR is set.
    t.write(reg::VRING_CFG.offset, 0x7FFF_FFFF).unwrap();
    t.bus.steps(4);
    let want_cfg = C::JOB_LOG2.mask() | C::RES_LOG2.mask() | C::ENABLE.mask();
    assert_eq!(t.read(reg::VRING_CFG.offset).unwrap(), want_cfg);
    let (e, _, _) = t.ring_error().unwrap();
    assert_eq!(e, Some(RingError::BadJobRing));
    let st = t.read(reg::VRING_STATUS.offset).unwrap();
    assert_eq!(S::ERR.get(st), 1, "VRING_STATUS {st:#x}");
    let err = t.read(reg::ERROR.offset).unwrap();
    assert_eq!(
        field::ERROR::CODE.get(err),
        rm::ErrorCode::RingError as u32,
        "ERROR {err:#x}"
    );
    let irq = t.read(reg::IRQ_STATUS.offset).unwrap();
    assert_eq!(field::IRQ_STATUS::ERROR.get(irq), 1, "IRQ_STATUS {irq:#x}");
    // The ring's soft reset (ENABLE dropped in the same write): error gone, indices zero,
    // SOFT_RESET reads 0, bases kept.
    t.write(reg::VRING_CFG.offset, C::SOFT_RESET.mask())
        .unwrap();
    t.settle().unwrap();
    assert_eq!(t.read(reg::VRING_CFG.offset).unwrap(), 0);
    assert_eq!(t.read(reg::VRING_JOB_HEAD.offset).unwrap(), 0);
    assert_eq!(t.read(reg::VRING_RES_TAIL.offset).unwrap(), 0);
    assert_eq!(t.read(reg::VRING_STATUS.offset).unwrap(), 0);
    assert_eq!(t.read(reg::VRING_TAIL.offset).unwrap(), 0);
    assert_eq!(t.read(reg::VRING_JOB_BASE.offset).unwrap(), 0xFFFF_FF00);
    t.write(reg::ERROR.offset, 0).unwrap();
    assert_eq!(t.read(reg::ERROR.offset).unwrap(), 0);
    // The global soft reset (CTRL.SOFT_RESET) zeroes the ring's indices too.
    t.write(reg::VRING_JOB_HEAD.offset, 5).unwrap();
    t.write(reg::VRING_RES_TAIL.offset, 7).unwrap();
    t.write(reg::CTRL.offset, field::CTRL::SOFT_RESET.mask())
        .unwrap();
    t.settle().unwrap();
    assert_eq!(t.read(reg::VRING_JOB_HEAD.offset).unwrap(), 0);
    assert_eq!(t.read(reg::VRING_RES_TAIL.offset).unwrap(), 0);
    assert_eq!(t.read(reg::VRING_RES_BASE.offset).unwrap(), 0x1234_5678);
    // The ECDSA register path is absent on this top: its registers read 0.
    assert_eq!(t.read(reg::ECDSA_RESULT.offset).unwrap(), 0);
}

#[test]
fn vring_top_random_jobs_match_k256() {
    let seed = verif::vcore::seed();
    let n = verif::vcore::cases(24);
    println!("seed {seed} (replay with SATCHAIN_SEED={seed}), {n} jobs per batch");
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x7A7E_0002);
    let c = SMALL_RINGS;
    let (slots, want) = random_batch(&mut rng, n, 0x3100);
    let (mut t, f) = top_run_or_replay(&c, &slots, "random", seed);
    check_results(&t.drv.results, &want, "top: first batch", seed);
    println!(
        "first batch: {n} jobs in {} clocks, {} register reads + {} writes",
        f.clocks, f.mmio_reads, f.mmio_writes
    );
    // The ring's soft reset, then another batch (the configuration is kept).
    t.soft_reset().expect("soft reset drains");
    let (slots2, want2) = random_batch(&mut rng, n.div_ceil(2), 0x5200);
    t.run(&c, &slots2, 200_000 + 20_000 * slots2.len() as u64)
        .unwrap_or_else(|e| panic!("SATCHAIN_SEED={seed} top after the ring's soft reset: {e}"));
    check_results(
        &t.drv.results,
        &want2,
        "top: after the ring's soft reset",
        seed,
    );
    // The global soft reset mid-batch: jobs are dropped; then a batch runs clean.
    let (slots3, _) = random_batch(&mut rng, 6, 0x6300);
    t.drv.next_batch();
    // Publishes all six at the first poll; 2,000 clocks later they are still in the core.
    let early = t.run(&c, &slots3, 2_000);
    assert!(early.is_err(), "six verifies done in 2,000 clocks?");
    assert_eq!(t.drv.published.len(), slots3.len());
    let st = t.read(reg::VRING_STATUS.offset).unwrap();
    assert!(
        field::VRING_STATUS::JOBS_INSIDE.get(st) > 0,
        "VRING_STATUS {st:#x}"
    );
    t.write(reg::CTRL.offset, field::CTRL::SOFT_RESET.mask())
        .unwrap();
    t.settle().unwrap();
    t.drv.restart();
    let (slots4, want4) = random_batch(&mut rng, n.div_ceil(3), 0x7400);
    t.run(&c, &slots4, 200_000 + 20_000 * slots4.len() as u64)
        .unwrap_or_else(|e| panic!("SATCHAIN_SEED={seed} top after CTRL.SOFT_RESET: {e}"));
    check_results(&t.drv.results, &want4, "top: after CTRL.SOFT_RESET", seed);
    let v = &t.mem().violations;
    assert!(v.is_empty(), "AXI violations: {v:?}");
}

#[test]
fn vring_top_batch_throughput() {
    // The batch of `vring_path_batch_throughput` through the top's registers.
    let o = throughput::Opts::parse(&[]).expect("the default options parse");
    let (jobs, n_comp, slots) = throughput_batch(&o);
    let c = BATCH_RINGS;
    let (t, f) = top_run_or_replay(&c, &slots, "batch", o.seed);
    let want: HashMap<u16, u8> = (0..jobs.len() as u16).map(|t| (t, 0)).collect();
    check_results(&t.drv.results, &want, "top batch", o.seed);
    let n = jobs.len() as f64;
    // Configuration (3 writes) included: the whole batch's register traffic at the slave.
    let (reads, writes) = (f.mmio_reads, f.mmio_writes + 3);
    let per = (reads + writes) as f64 / n;
    let json = serde_json::json!({
        "model": verif::bus::TOP_MODEL,
        "jobs": jobs.len(),
        "compressed": n_comp,
        "clocks_to_last_poll": f.clocks,
        "clocks": f.clocks_to_last_result,
        "clocks_per_verify": f.clocks_to_last_result as f64 / n,
        "mmio_reads": reads,
        "mmio_writes": writes,
        "mmio_per_verify": per,
        "max_jobs_inside_at_a_poll": f.max_inside,
        "poll_clocks": c.poll,
    });
    println!("{json}");
    let out = verif::sim::target_dir().join("vring_top_batch.json");
    std::fs::write(&out, format!("{json:#}\n")).unwrap();
    assert!(per <= 4.0, "{per} register accesses per verify");
}

// ---- accel-driver's `ecdsa_batch` on the ring top (the product's path to the ring).

/// The driver's job of an ECDSA core job.
fn ecdsa_job_of(j: &satchain_hdl::vcore::iss::core::CoreJob) -> satchain_regmap::EcdsaJob {
    satchain_regmap::EcdsaJob {
        z: cases::be32(&j.z),
        r: cases::be32(&j.r),
        s: cases::be32(&j.s),
        qx: cases::be32(&j.qx),
        qy: cases::be32(&j.qy),
        prefix: j.prefix,
    }
}

/// `Accel` over the Verilated ring top with its ring memory (`VerilatorBus::new`); default
/// `Config` (the bus converts pauses at the shipped top's clock).
fn open_driver() -> accel_driver::Accel<verif::VerilatorBus> {
    open_driver_with(accel_driver::Config::default())
}

fn open_driver_with(cfg: accel_driver::Config) -> accel_driver::Accel<verif::VerilatorBus> {
    let bus = verif::VerilatorBus::new().expect("top with its ring memory");
    let mut a = accel_driver::Accel::open(bus, cfg).expect("open");
    assert!(a.caps().verify_ring && a.caps().ecdsa_engines == 0);
    assert!(a.uses_verify_ring());
    a
}

#[test]
fn vring_top_driver_batch_throughput() {
    use satchain_regmap::EcdsaCode;
    let o = throughput::Opts::parse(&[]).expect("the default options parse");
    let (jobs, n_comp) = throughput::batch(&o);
    let ej: Vec<_> = jobs.iter().map(ecdsa_job_of).collect();
    // SATCHAIN_RING_WAIT=irq: the same batch with `WaitMode::Irq` (a figure in
    // hdl/src/vring/README.md); by default the driver's default, polling.
    let irq = std::env::var("SATCHAIN_RING_WAIT").is_ok_and(|v| v == "irq");
    let mut a = open_driver_with(accel_driver::Config {
        wait: if irq {
            accel_driver::WaitMode::Irq
        } else {
            accel_driver::WaitMode::Poll
        },
        ..accel_driver::Config::default()
    });
    let mut out = vec![None; ej.len()];
    let c0 = a.bus_mut().model().cycles();
    let info = a.ecdsa_batch(&ej, &mut out).expect("ring batch");
    let clocks = a.bus_mut().model().cycles() - c0;
    for (i, r) in out.iter().enumerate() {
        assert_eq!(r.map(|r| r.code), Some(EcdsaCode::Valid), "job {i}");
    }
    let n = ej.len() as f64;
    let per = (info.reads + info.writes) as f64 / n;
    let cfg = a.config();
    let json = serde_json::json!({
        "model": verif::bus::TOP_MODEL,
        "driver": "accel_driver::Accel::ecdsa_batch (verify-job ring), default Config",
        "wait": if irq { "irq" } else { "poll" },
        "ring_poll_us": cfg.ring_poll_us,
        "bus_clock_mhz_for_pauses": a.bus().clock_mhz,
        "jobs": ej.len(),
        "compressed": n_comp,
        "clocks": clocks,
        "device_cycles": info.device_cycles,
        "clocks_per_verify": clocks as f64 / n,
        "mmio_reads": info.reads,
        "mmio_writes": info.writes,
        "mmio_per_verify": per,
    });
    println!("{json}");
    let path = verif::sim::target_dir().join("vring_top_driver_batch.json");
    std::fs::write(&path, format!("{json:#}\n")).unwrap();
    assert!(per <= 4.0, "{per} register accesses per verify");
    let v = &a.bus_mut().ring_mem.as_ref().unwrap().violations;
    assert!(v.is_empty(), "AXI violations: {v:?}");
}

#[test]
fn vring_top_driver_random_ecdsa_matches_software() {
    use satchain_regmap::EcdsaCode;
    let seed = verif::vcore::seed();
    let n = verif::vcore::cases(24);
    println!("seed {seed} (replay with SATCHAIN_SEED={seed}), {n} jobs per batch");
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x7A7E_0003);
    let mut a = open_driver();
    // Two batches on the same rings (the indices continue), then one after `recover`.
    for round in 0..3 {
        if round == 2 {
            a.recover().expect("recover");
        }
        let mut cases_ = Vec::new();
        while cases_.len() < n {
            let c = if rng.gen_bool(0.7) {
                ecdsa_case(&mut rng)
            } else {
                early_case(&mut rng)
            };
            if c.job.kind == satchain_hdl::vcore::su::model::JobKind::Ecdsa {
                cases_.push(c);
            }
        }
        let ej: Vec<_> = cases_.iter().map(|c| ecdsa_job_of(&c.job)).collect();
        let mut out = vec![None; ej.len()];
        a.ecdsa_batch(&ej, &mut out)
            .unwrap_or_else(|e| panic!("SATCHAIN_SEED={seed} round {round}: {e}"));
        for (i, (c, r)) in cases_.iter().zip(&out).enumerate() {
            let want = EcdsaCode::from_bits(u32::from(c.want));
            assert_eq!(
                r.map(|r| r.code),
                want,
                "SATCHAIN_SEED={seed} round {round} job {i} ({})",
                c.what
            );
        }
    }
}

#[test]
fn vring_top_driver_ring_read_error_is_typed_and_recovers() {
    use accel_driver::DriverError;
    use satchain_regmap::EcdsaCode;
    let seed = verif::vcore::seed();
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x7A7E_0004);
    let mut a = open_driver();
    let cases_: Vec<_> = (0..8).map(|_| ecdsa_case(&mut rng)).collect();
    let ej: Vec<_> = cases_.iter().map(|c| ecdsa_job_of(&c.job)).collect();
    // Job 5's slot answers SLVERR (the ring sits at the region's base: slot i at 256 i).
    let base = verif::bus::RING_MEM_BASE;
    a.bus_mut()
        .ring_mem
        .as_mut()
        .unwrap()
        .inject_slverr(base + 256 * 5 + 64, 8);
    let mut out = vec![None; ej.len()];
    match a.ecdsa_batch(&ej, &mut out) {
        Err(DriverError::Ring {
            error: Some(RingError::Read),
            index: Some(5),
            slot: 5,
            resp,
            ..
        }) => assert_ne!(resp, 0),
        other => panic!("SATCHAIN_SEED={seed}: want a typed read error of job 5, got {other:?}"),
    }
    // What came back before the error is right; job 5 has no verdict.
    assert!(out[5].is_none());
    for (i, (c, r)) in cases_.iter().zip(&out).enumerate() {
        if let Some(r) = r {
            assert_eq!(
                Some(r.code),
                EcdsaCode::from_bits(u32::from(c.want)),
                "job {i}"
            );
        }
    }
    // ERROR latched RingError; recover, and the same batch runs clean.
    let e = a.bus_mut().read_with_resp(reg::ERROR.offset).unwrap().0;
    assert_eq!(field::ERROR::CODE.get(e), rm::ErrorCode::RingError as u32);
    a.bus_mut().ring_mem.as_mut().unwrap().clear_errors();
    a.recover().expect("recover");
    a.ecdsa_batch(&ej, &mut out).expect("after recover");
    for (i, (c, r)) in cases_.iter().zip(&out).enumerate() {
        assert_eq!(
            r.map(|r| r.code),
            EcdsaCode::from_bits(u32::from(c.want)),
            "job {i}"
        );
    }
}

/// `WaitMode::Irq` on the ring top: the driver sleeps on `IRQ_STATUS.ECDSA_DONE` (raised,
/// coalesced, while the result ring holds entries not taken) instead of pausing; every verdict
/// is right, the driver did wait on the interrupt, at most once per two jobs, and no wait ran
/// out while a result was there. Then with
/// two interrupts swallowed between the line and the driver (`FaultHook::drop_irqs`): the
/// batch still completes, the lost interrupts costing one `irq_slice_us` each.
#[test]
fn vring_top_driver_irq_wait() {
    use accel_driver::{Config, WaitMode};
    use satchain_regmap::EcdsaCode;
    let seed = verif::vcore::seed();
    let n = verif::vcore::cases(24);
    println!("seed {seed} (replay with SATCHAIN_SEED={seed}), {n} jobs per batch");
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x1B0_0001);
    for round in 0..2 {
        // Round 0: the default slice (10 ms), longer than the batch, so a wait that runs out
        // would be a lost interrupt. Round 1, with interrupts swallowed: a 200 us slice, so the
        // lost ones cost little simulation (a slice may then also end while a held-off result
        // waits: `irq_missed` counts those too, so it is only bounded below there).
        let cfg = Config {
            wait: WaitMode::Irq,
            irq_slice_us: if round == 0 { 10_000 } else { 200 },
            ..Config::default()
        };
        let mut a = open_driver_with(cfg);
        let cs: Vec<_> = (0..n).map(|_| ecdsa_case(&mut rng)).collect();
        let ej: Vec<_> = cs.iter().map(|c| ecdsa_job_of(&c.job)).collect();
        if round == 1 {
            a.bus_mut().faults.drop_irqs = 2;
        }
        let before = a.counters();
        let mut out = vec![None; ej.len()];
        let info = a
            .ecdsa_batch(&ej, &mut out)
            .unwrap_or_else(|e| panic!("SATCHAIN_SEED={seed} round {round}: {e}"));
        let after = a.counters();
        for (i, (c, r)) in cs.iter().zip(&out).enumerate() {
            assert_eq!(
                r.map(|r| r.code),
                EcdsaCode::from_bits(u32::from(c.want)),
                "SATCHAIN_SEED={seed} round {round} job {i} ({})",
                c.what
            );
        }
        let waits = after.irq_waits - before.irq_waits;
        let missed = after.irq_missed - before.irq_missed;
        println!(
            "round {round}: {} jobs, {} device cycles, {waits} interrupt waits, {missed} ran out \
             with a result there, {} reads + {} writes",
            ej.len(),
            info.device_cycles,
            info.reads,
            info.writes
        );
        assert!(
            waits > 0,
            "round {round}: the driver never waited on the interrupt"
        );
        assert_eq!(
            after.pauses, before.pauses,
            "round {round}: paused in Irq mode"
        );
        if round == 0 {
            assert_eq!(
                missed, 0,
                "SATCHAIN_SEED={seed}: a wait ran out with a result there"
            );
            // Coalesced: one wake-up takes several results (without it, one per result: 24
            // waits for 24 jobs; with it, 6). Below 16 jobs the results may come too far apart
            // for a bound this simple.
            if n >= 16 {
                assert!(
                    usize::try_from(waits).unwrap_or(usize::MAX) <= n / 2,
                    "SATCHAIN_SEED={seed}: {waits} interrupt waits for {n} jobs: not coalesced"
                );
            }
        } else {
            assert_eq!(
                a.bus().faults.injected.dropped_irqs,
                2,
                "the hook swallowed two interrupts"
            );
            assert!(
                missed >= 1,
                "a swallowed interrupt went unnoticed: {missed}"
            );
        }
    }
}

/// One look at the registers the result interrupt is made of, in this order: `IRQ_STATUS`,
/// `STATUS`, `VRING_STATUS` (a bit seen set in an earlier read is still set in a later one
/// while no result is taken, so the checks below hold across the reads' few clocks).
#[derive(Debug, Clone, Copy)]
struct IrqSample {
    /// Model clock after the last read.
    at: u64,
    /// `IRQ_STATUS.ECDSA_DONE`.
    done: bool,
    /// `STATUS.ECDSA_RESULT_VALID`.
    rv: bool,
    /// Results written and not taken (`RES_HEAD` − software's tail).
    waiting: u16,
    /// `VRING_STATUS.JOBS_INSIDE`.
    inside: u32,
}

fn irq_sample(t: &mut TopRing) -> Result<IrqSample, String> {
    let irq = t.read(reg::IRQ_STATUS.offset)?;
    let st = t.read(reg::STATUS.offset)?;
    let vs = t.read(reg::VRING_STATUS.offset)?;
    let head = field::VRING_STATUS::RES_HEAD.get(vs) as u16;
    Ok(IrqSample {
        at: t.bus.model().cycles(),
        done: field::IRQ_STATUS::ECDSA_DONE.get(irq) == 1,
        rv: field::STATUS::ECDSA_RESULT_VALID.get(st) == 1,
        waiting: head.wrapping_sub(t.drv.rtail),
        inside: field::VRING_STATUS::JOBS_INSIDE.get(vs),
    })
}

/// Samples every `gap` clocks until `stop` holds (the stopping sample is the last one kept),
/// at most `limit` clocks; `IRQ_STATUS.ECDSA_DONE` must imply `ECDSA_RESULT_VALID` in every
/// sample (the interrupt never runs ahead of the status bit).
fn irq_samples(
    t: &mut TopRing,
    gap: u64,
    limit: u64,
    what: &str,
    stop: impl Fn(&IrqSample) -> bool,
) -> Result<Vec<IrqSample>, String> {
    let end = t.bus.model().cycles() + limit;
    let mut v = Vec::new();
    loop {
        let s = irq_sample(t)?;
        if s.done && !s.rv {
            return Err(format!(
                "{what}: IRQ_STATUS.ECDSA_DONE without ECDSA_RESULT_VALID: {s:?}"
            ));
        }
        v.push(s);
        if stop(&s) {
            return Ok(v);
        }
        if s.at > end {
            return Err(format!("{what}: no stop within {limit} clocks; last {s:?}"));
        }
        t.bus.steps(gap);
    }
}

/// Takes the results that came (one driver step, nothing to publish) and clears
/// `IRQ_STATUS`; then `ECDSA_RESULT_VALID` and `IRQ_STATUS.ECDSA_DONE` must be low.
fn irq_take(t: &mut TopRing, slots: &[Slot], what: &str) -> Result<(), String> {
    if t.poll_once(slots, 0) {
        return Err(format!("{what}: ring error"));
    }
    t.write(reg::IRQ_STATUS.offset, u32::MAX)?;
    let s = irq_sample(t)?;
    if s.rv || s.done || s.waiting != 0 {
        return Err(format!(
            "{what}: results taken, the interrupt is still up: {s:?}"
        ));
    }
    Ok(())
}

/// The result-interrupt coalescing of the ring top, phase by phase; returns what it saw.
fn irq_coalescing_run(t: &mut TopRing, seed: u64) -> Result<String, String> {
    use satchain_hdl::top::{RING_IRQ_HOLDOFF as HOLDOFF, RING_IRQ_RESULTS as K};
    const GAP: u64 = 4;
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x1B0_0002);
    let valid = loop {
        let c = ecdsa_case(&mut rng);
        if c.what == "ecdsa valid" {
            break c;
        }
    };
    // Slot 0: the valid verify (tens of thousands of clocks in the core); then refused
    // headers (kind 2), which the ring answers BAD_JOB at once without the core: 3 for the
    // hold-off phase, K for the count phase.
    let refused = |tag: u16, rng: &mut ChaCha8Rng| {
        let c = ecdsa_case(rng);
        let mut s = slot_of(&c.job, tag);
        s.header |= 2 << 16;
        s
    };
    let mut slots = vec![slot_of(&valid.job, 0x7000)];
    for i in 0..3 + K as u16 {
        slots.push(refused(0x7001 + i, &mut rng));
    }
    let (a_end, b_end) = (4, 4 + K as usize);
    t.configure()?;
    t.write(reg::IRQ_STATUS.offset, u32::MAX)?;
    let mut log = String::new();

    // Phase A, the hold-off: 3 results wait, the core holds the valid job. The bit must stay
    // low until the first result has waited RING_IRQ_HOLDOFF clocks, then rise.
    if t.poll_once(&slots[..a_end], 64) {
        return Err("phase A: ring error".into());
    }
    let v = irq_samples(t, GAP, 4_000, "phase A, first result", |s| s.waiting > 0)?;
    let first_seen = v.last().map_or(0, |s| s.at);
    let first_after = v.iter().rev().nth(1).map_or(0, |s| s.at);
    let v = irq_samples(t, GAP, HOLDOFF + 4_000, "phase A, hold-off", |s| s.rv)?;
    for s in &v {
        if s.inside != 1 || s.waiting > 3 {
            return Err(format!(
                "phase A: the valid job left the core or too many results: {s:?}"
            ));
        }
    }
    let rise = v.last().map_or(0, |s| s.at);
    // The first result arrived in (first_after, first_seen]; the bit rises HOLDOFF clocks
    // later, seen within one sample (`period` clocks: the gap and the three reads) plus the
    // two clocks of the register path.
    let period = first_seen - first_after;
    if rise < first_after + HOLDOFF || rise > first_seen + HOLDOFF + period + 2 {
        return Err(format!(
            "phase A: the bit rose at clock {rise}, the first result came in ({first_after}, \
             {first_seen}]: not {HOLDOFF} clocks later"
        ));
    }
    writeln!(
        log,
        "hold-off: 3 results waiting, 1 job inside, the bit rose {} clocks after the first \
         result was seen (a sample every {} clocks)",
        rise - first_seen,
        first_seen - first_after
    )
    .unwrap();
    irq_take(t, &slots[..a_end], "phase A")?;

    // Phase B, the count: K refused jobs, the valid one still inside. The bit rises once K
    // results wait, long before the hold-off.
    if t.poll_once(&slots[..b_end], 64) {
        return Err("phase B: ring error".into());
    }
    let v = irq_samples(t, GAP, 4_000, "phase B", |s| s.rv)?;
    let b0 = v.iter().find(|s| s.waiting > 0).map_or(0, |s| s.at);
    for s in &v {
        if s.inside != 1 {
            return Err(format!("phase B: the valid job left the core: {s:?}"));
        }
        if s.rv && u64::from(s.waiting) < K {
            return Err(format!(
                "phase B: the bit rose with {} of {K} results: {s:?}",
                s.waiting
            ));
        }
    }
    let last = v.last().copied().ok_or("phase B: no sample")?;
    // Not the hold-off: within the 4,000 clocks of the sampling.
    let early = v.iter().rev().nth(1).map_or(0, |s| s.waiting);
    writeln!(
        log,
        "count: the bit rose with {} results waiting ({early} one sample before), {} clocks \
         after the first",
        last.waiting,
        last.at - b0
    )
    .unwrap();
    irq_take(t, &slots[..b_end], "phase B")?;

    // Phase C, the empty core: the valid job's verdict alone; the bit rises at once.
    let v = irq_samples(t, GAP, 200_000, "phase C", |s| s.rv)?;
    let c0 = v
        .iter()
        .find(|s| s.waiting > 0)
        .copied()
        .ok_or("phase C: the bit rose with no result")?;
    let last = v.last().copied().ok_or("phase C: no sample")?;
    if last.inside != 0 || last.at - c0.at > 2 * period {
        return Err(format!(
            "phase C: the verdict came at {} and the bit rose at {} ({last:?})",
            c0.at, last.at
        ));
    }
    irq_take(t, &slots[..b_end], "phase C")?;
    writeln!(
        log,
        "empty core: the bit rose {} clocks after the verdict was seen",
        last.at - c0.at
    )
    .unwrap();
    // Every slot answered: BAD_JOB for the refused, the reference's code for the valid one.
    let got: HashMap<u16, u8> = t.drv.results.iter().map(|r| (r.tag, r.code)).collect();
    for (i, s) in slots.iter().enumerate() {
        let tag = 0x7000 + i as u16;
        let want = if i == 0 { valid.want } else { BAD_JOB_CODE };
        if got.get(&tag) != Some(&want) {
            return Err(format!(
                "slot {i} (tag {tag:#x}): {:?}, want {want} ({:#x})",
                got.get(&tag),
                s.header
            ));
        }
    }
    Ok(log)
}

/// The result interrupt's coalescing at the registers, on the ring top: one valid ECDSA job
/// holds the core while refused headers (answered BAD_JOB by the ring at once) fill the result
/// ring. `STATUS.ECDSA_RESULT_VALID` (and so `IRQ_STATUS.ECDSA_DONE`, which never runs ahead
/// of it) stays low while fewer than `RING_IRQ_RESULTS` results wait, the first has waited
/// less than `RING_IRQ_HOLDOFF` clocks and the core holds a job; it rises exactly when one of
/// the three holds — phase A: 3 results, the hold-off (its clock checked against the first
/// result's); phase B: 32 results; phase C: the core empty, the valid verdict alone — and
/// falls when software takes the results. Sampled every 4 clocks (3 register reads each).
#[test]
fn vring_top_result_irq_coalescing() {
    let seed = verif::vcore::seed();
    println!("seed {seed} (replay with SATCHAIN_SEED={seed})");
    let c = PathConfig {
        job_log2: 6,
        res_log2: 6,
        mem_latency: 24,
        write_latency: 12,
        poll: 97,
        chunk: 64,
    };
    let mut t = TopRing::open(&c, None);
    match irq_coalescing_run(&mut t, seed) {
        Ok(log) => print!("{log}"),
        Err(e) => {
            let at = t.bus.model().cycles();
            let vcd = vcd_path(&format!("top_ring-irq-coalescing-{seed}"));
            let mut r = TopRing::open(&c, Some((&vcd, 0, at + 1)));
            let _ = irq_coalescing_run(&mut r, seed);
            r.flush_vcd();
            panic!("SATCHAIN_SEED={seed}: {e}; VCD: {}", vcd.display());
        }
    }
}
