#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::cast_possible_truncation
)]
//! `VerifyRing` (verify-job DMA, `hdl/src/vring/`) on Verilator against its golden model
//! (`satchain_hdl::vring::model`), with the simulated DDR of `verif::axi_mem` (read and write
//! channels, protocol checker) and a stand-in verify core on the job / verdict ports:
//! - random job rings (fixed seed `SATCHAIN_SEED`, `SATCHAIN_PROPTEST_CASES` cases): ring sizes
//!   1..=64 slots (wrap-around many times), result rings smaller or larger than the job ring
//!   (the result-credit rule), rings across 4 KiB pages, full rings published at once, AXI
//!   latency / jitter / back-pressure, core back-pressure and out-of-order verdicts, malformed
//!   headers (-> `BAD_JOB_CODE` results); the slots fetched, the jobs delivered and the result
//!   entries written all as the model says; a VCD of a failing case;
//! - MMIO accesses per verify, amortised, over a batch of 1,024 jobs (the driver protocol of
//!   the README, accesses counted);
//! - bad ring configurations, RRESP / BRESP errors -> typed `RingError` codes, no hang;
//! - soft reset with bursts in flight, then a correct batch.
//!
//! The stand-in core is not a verifier: it answers each job with a code and a cycle count
//! derived from the job's bytes, so a result proves the job reached the core intact.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use satchain_hdl::vring::model::{self, result_addr, slot_addr, RingError, SLOT_BURST0_BEATS};
use verif::axi_mem::DEFAULT_BASE;
use verif::sim::vcd_path;
use verif::vring::{
    cases, quiet_params, random_params, random_slot, recover_and_rerun, run_case, seed, soft_reset,
    Params, Ring, Slot,
};

#[test]
fn vring_random_rings_match_model() {
    let seed = seed();
    let n = cases();
    println!("vring_random_rings_match_model: seed = {seed}, cases = {n}");
    for c in 0..u64::from(n) {
        let case_seed = seed.wrapping_mul(0x9E37_79B9).wrapping_add(c);
        let p = random_params(case_seed);
        if let Err(e) = run_case(&p, None) {
            let name = format!("vring_random-{seed}-{c}");
            let _ = run_case(&p, Some(&name));
            panic!(
                "seed {seed}, case {c}: {e}\nparams: job_log2 {} res_log2 {} jobs {} \
                 job_base {:#x} res_base {:#x} mem lat {} jitter {} stall {} out {} \
                 wlat {} wout {} core stall {} lat {:?} depth {} poll {} chunk {}\n\
                 VCD of the failing case: {}",
                p.job_log2,
                p.res_log2,
                p.slots.len(),
                p.job_base,
                p.res_base,
                p.mem_latency,
                p.mem_jitter,
                p.mem_stall,
                p.mem_outstanding,
                p.write_latency,
                p.write_outstanding,
                p.core_stall,
                p.core_lat,
                p.core_depth,
                p.poll,
                p.chunk,
                vcd_path(&name).display()
            );
        }
    }
}

/// Rings published full at once, result ring of one or two entries (credit binds hard), and
/// a job ring that wraps many times.
#[test]
fn vring_full_rings_and_tiny_result_ring() {
    let seed = seed();
    for (job_log2, res_log2, n) in [(1u8, 1u8, 9usize), (4, 1, 40), (2, 5, 50), (6, 6, 200)] {
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ u64::from(job_log2) << 8 ^ n as u64);
        let slots = (0..n).map(|i| random_slot(&mut rng, i as u16, 0)).collect();
        let p = Params {
            job_base: DEFAULT_BASE as u32 + 0x2000,
            job_log2,
            res_base: DEFAULT_BASE as u32 + 0x20_0000,
            res_log2,
            slots,
            mem_latency: 20,
            mem_jitter: 0,
            mem_stall: 0,
            mem_outstanding: 2,
            write_latency: 10,
            write_outstanding: 2,
            core_stall: 0,
            core_lat: (30, 30),
            core_depth: 8,
            poll: 200,
            chunk: 1 << job_log2,
            seed,
        };
        if let Err(e) = run_case(&p, None) {
            let name = format!("vring_full-{job_log2}-{res_log2}");
            let _ = run_case(&p, Some(&name));
            panic!(
                "job_log2 {job_log2} res_log2 {res_log2}: {e}; VCD {}",
                vcd_path(&name).display()
            );
        }
    }
}

/// MMIO accesses per verify, amortised over a batch of 1,024 jobs through a 256-slot job ring
/// and a 256-entry result ring: configuration (3 writes), then per poll one status read and,
/// when something changed, one RES_TAIL and one JOB_HEAD write. Target: <= 4 per verify.
#[test]
fn vring_mmio_per_verify_batch_1024() {
    let seed = seed();
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x3310);
    let n = 1024usize;
    let slots: Vec<Slot> = (0..n).map(|i| random_slot(&mut rng, i as u16, 0)).collect();
    for poll in [256u64, 1024, 4096] {
        let p = Params {
            job_base: DEFAULT_BASE as u32,
            job_log2: 8,
            res_base: DEFAULT_BASE as u32 + 0x20_0000,
            res_log2: 8,
            slots: slots.clone(),
            mem_latency: verif::axi_mem::DEFAULT_LATENCY,
            mem_jitter: 0,
            mem_stall: 0,
            mem_outstanding: 4,
            write_latency: verif::axi_mem::DEFAULT_WRITE_LATENCY,
            write_outstanding: 4,
            core_stall: 0,
            core_lat: (200, 200),
            core_depth: 16,
            poll,
            chunk: 256,
            seed,
        };
        let r = run_case(&p, None).unwrap_or_else(|e| panic!("poll {poll}: {e}"));
        let total = r.drv.mmio_reads + r.drv.mmio_writes;
        let per = total as f64 / n as f64;
        println!(
            "vring MMIO: {n} jobs, poll every {poll} clocks: {} reads + {} writes = {total} \
             accesses, {per:.3} per verify; {} clocks ({:.1} clocks per job)",
            r.drv.mmio_reads,
            r.drv.mmio_writes,
            r.now,
            r.now as f64 / n as f64
        );
        assert!(per <= 4.0, "{per} MMIO accesses per verify");
    }
}

/// A ring configuration the model refuses: typed error code, nothing read or written.
#[test]
fn vring_bad_ring_config_is_refused() {
    let b = DEFAULT_BASE as u32;
    let cases: [(u32, u8, u32, u8); 7] = [
        (b + 0x80, 4, b + 0x10_0000, 4),
        (b, 0, b + 0x10_0000, 4),
        (b, 17, b + 0x10_0000, 4),
        (0xFFFF_F000, 5, b + 0x10_0000, 4),
        (b, 4, b + 0x10_0004, 4),
        (b, 4, b + 0x10_0000, 0),
        (b, 4, 0xFFFF_FFF8, 1),
    ];
    for (jb, jl, rb, rl) in cases {
        let want = model::config_error(jb, jl, rb, rl).expect("the model refuses it");
        let p = quiet_params(jb, jl, rb, rl, 2);
        let mut r = Ring::open(&p, None);
        r.configure();
        r.poll(&[], 1);
        let id = r.p.job_head;
        r.m.set(id, 2);
        r.clocks(50);
        let code = r.get(|p| p.err_code) as u8;
        assert_eq!(r.get(|p| p.err), 1, "{jb:#x}/{jl} {rb:#x}/{rl}: no error");
        assert_eq!(
            RingError::from_bits(code),
            Some(want),
            "{jb:#x}/{jl} {rb:#x}/{rl}"
        );
        assert!(r.mem.read_log.is_empty() && r.mem.write_log.is_empty());
        assert_eq!(r.get(|p| p.busy), 0);
    }
}

/// RRESP SLVERR on slot 5: `RingError::Read`, `err_slot` = `job_tail` = 5, the results of
/// slots 0..5 written, nothing fetched after it; soft reset recovers.
#[test]
fn vring_read_error_names_the_slot() {
    let b = DEFAULT_BASE as u32;
    let p = quiet_params(b, 3, b + 0x10_0000, 3, 12);
    let mut r = Ring::open(&p, None);
    let bad = slot_addr(b, 3, 5) + 64;
    r.mem.inject_slverr(bad, 8);
    r.configure();
    let err = r.run(&p.slots, p.poll, p.chunk);
    assert!(err.is_err(), "the run must stop on the error");
    r.clocks(300);
    assert_eq!(r.get(|p| p.err), 1);
    assert_eq!(
        RingError::from_bits(r.get(|p| p.err_code) as u8),
        Some(RingError::Read)
    );
    assert_eq!(r.get(|p| p.err_resp), 2, "SLVERR");
    assert_eq!(r.get(|p| p.err_slot), 5);
    assert_eq!(r.get(|p| p.job_tail), 5);
    assert_eq!(
        r.get(|p| p.res_head),
        5,
        "the results before the bad slot are written"
    );
    let slot_reads = r
        .mem
        .read_log
        .iter()
        .filter(|x| x.beats == SLOT_BURST0_BEATS)
        .count();
    assert_eq!(slot_reads, 6, "nothing fetched after the failed slot");
    assert_eq!(r.get(|p| p.busy), 0);
    // Soft reset, then a clean batch on the same block.
    r.mem.clear_errors();
    recover_and_rerun(&mut r);
}

/// BRESP SLVERR on the result ring: `RingError::Write`, `err_slot` = first entry of the failed
/// burst; writing stops, the core is never blocked.
#[test]
fn vring_write_error_names_the_burst() {
    let b = DEFAULT_BASE as u32;
    let p = quiet_params(b, 4, b + 0x10_0000, 4, 30);
    let mut r = Ring::open(&p, None);
    let bad = result_addr(b + 0x10_0000, 4, 7);
    r.mem.inject_write_slverr(bad, 8);
    r.configure();
    let err = r.run(&p.slots, p.poll, p.chunk);
    assert!(err.is_err(), "the run must stop on the error");
    r.clocks(2_000);
    assert_eq!(
        RingError::from_bits(r.get(|p| p.err_code) as u8),
        Some(RingError::Write)
    );
    assert_eq!(r.get(|p| p.err_resp), 2);
    let slot = r.get(|p| p.err_slot) as u16;
    let head = r.get(|p| p.res_head) as u16;
    assert!(slot <= 7, "failed burst starts at {slot}, covers entry 7");
    assert_eq!(head, slot, "res_head stops at the failed burst");
    assert!(
        r.core.inflight.is_empty() && r.core.out.is_none(),
        "core never blocked"
    );
    assert_eq!(r.get(|p| p.busy), 0);
    r.mem.clear_write_errors();
    recover_and_rerun(&mut r);
}

/// Soft reset at many points of a busy batch (read bursts and write bursts in flight): the
/// block drains, then the next batch is correct.
#[test]
fn vring_soft_reset_mid_batch_recovers() {
    let b = DEFAULT_BASE as u32;
    for stop in [3u64, 40, 97, 151, 260, 555] {
        let mut p = quiet_params(b, 4, b + 0x10_0000, 2, 40);
        p.mem_latency = 30;
        p.write_latency = 25;
        let mut r = Ring::open(&p, None);
        r.configure();
        r.poll(&p.slots, 16);
        r.clocks(stop);
        r.poll(&p.slots, 16);
        r.clocks(stop % 17);
        soft_reset(&mut r);
        recover_and_rerun(&mut r);
        assert!(r.mem.violations.is_empty(), "{:?}", r.mem.violations);
    }
}
