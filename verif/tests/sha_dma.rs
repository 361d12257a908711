#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::cast_possible_truncation
)]
//! Descriptor DMA on the Verilated top (driver -> HASH_DMA_ADDR/HASH_DMA_CMD -> DmaReader ->
//! units), the data in the simulated DDR (`verif::axi_mem::AxiMem`):
//! - proptest batches (random 0..4 KiB, boundary lengths, headers, merkle pairs, all modes,
//!   random memory latency and outstanding-burst limit) == sha2, seed printed, VCD of a
//!   failing case; every burst checked by the memory's protocol checker;
//! - boundary lengths placed across 4 KiB pages (bursts split at the page end);
//! - RRESP SLVERR / DECERR -> typed error naming the job, no hang, recovery;
//! - refused descriptors (alignment, end of address space, mode, length): error code, nothing
//!   queued;
//! - soft reset with bursts in flight: they drain, the next batch is correct;
//! - register-path and DMA jobs in flight together.

use accel_driver::regmap::{self as rm, field, reg, ErrorCode, HashMode};
use accel_driver::{Accel, Bus, DmaRegion, DriverError, ErrorKind, HashReq};
use proptest::prelude::*;
use sha2::{Digest, Sha256};
use verif::axi_mem::DEFAULT_BASE;
use verif::bus::{sim_driver_config, VerilatorBus};
use verif::sim::vcd_path;

fn sw(mode: HashMode, data: &[u8]) -> [u8; 32] {
    let d: [u8; 32] = Sha256::digest(data).into();
    if mode == HashMode::Sha256 {
        d
    } else {
        Sha256::digest(d).into()
    }
}

const BOUNDARY: [usize; 16] = [
    0, 1, 7, 8, 9, 55, 56, 63, 64, 65, 119, 120, 127, 128, 129, 4096,
];

type Job = (HashMode, Vec<u8>);

fn open(latency: u64, outstanding: usize, vcd: Option<&str>) -> Accel<VerilatorBus> {
    let mut bus = match vcd {
        Some(n) => VerilatorBus::with_vcd(vcd_path(n)).expect("top"),
        None => VerilatorBus::new().expect("top"),
    };
    bus.mem.latency = latency;
    bus.mem.max_outstanding = outstanding;
    let a = Accel::open(bus, sim_driver_config()).expect("open");
    assert!(a.caps().hash_dma, "CAPS.HASH_DMA");
    a
}

fn check_batch(
    jobs: &[Job],
    latency: u64,
    outstanding: usize,
    vcd: Option<&str>,
) -> Result<(), String> {
    let mut a = open(latency, outstanding, vcd);
    let reqs: Vec<HashReq<'_>> = jobs
        .iter()
        .map(|(m, d)| HashReq { mode: *m, data: d })
        .collect();
    let mut out = vec![None; reqs.len()];
    let info = a.hash_batch(&reqs, &mut out).map_err(|e| e.to_string())?;
    let mut bus = a.into_bus();
    bus.model().flush_vcd();
    for (i, ((m, d), got)) in jobs.iter().zip(out.iter()).enumerate() {
        if *got != Some(sw(*m, d)) {
            return Err(format!("job {i}: {m:?} len {}: digest mismatch", d.len()));
        }
    }
    if !bus.mem.violations.is_empty() {
        return Err(format!("AXI violations: {:?}", bus.mem.violations));
    }
    let data_beats: u64 = jobs.iter().map(|(_, d)| d.len().div_ceil(8) as u64).sum();
    if bus.mem.stats.beats != data_beats {
        return Err(format!(
            "memory served {} beats, the jobs have {data_beats}",
            bus.mem.stats.beats
        ));
    }
    // Descriptor submission: 2 writes per job, no HASH_DATA.
    if info.writes < 2 * jobs.len() as u64 {
        return Err(format!("{} writes for {} jobs", info.writes, jobs.len()));
    }
    Ok(())
}

fn job_strategy() -> impl Strategy<Value = Job> {
    let mode = prop::sample::select(vec![HashMode::Sha256, HashMode::Sha256d]);
    prop_oneof![
        (mode.clone(), prop::collection::vec(any::<u8>(), 0..4096)),
        (mode, prop::sample::select(BOUNDARY.to_vec()), any::<u8>())
            .prop_map(|(m, len, b)| (m, (0..len).map(|i| b.wrapping_add(i as u8)).collect())),
        prop::collection::vec(any::<u8>(), 80).prop_map(|v| (HashMode::Header80, v)),
        prop::collection::vec(any::<u8>(), 64).prop_map(|v| (HashMode::Merkle64, v)),
    ]
}

#[test]
fn sha_dma_random_batches_match_sha2() {
    let mut runner = testkit::runner!("sha_dma_random_batches_match_sha2", 8);
    let seed = runner.config().rng_seed;
    let strat = (
        prop::collection::vec(job_strategy(), 1..40),
        1u64..64,
        1usize..=8,
    );
    let result = runner.run(&strat, |(jobs, lat, out)| {
        check_batch(&jobs, lat, out, None).map_err(TestCaseError::fail)?;
        Ok(())
    });
    if let Err(e) = result {
        if let proptest::test_runner::TestError::Fail(_, (jobs, lat, out)) = &e {
            let name = format!("sha_dma_random-{seed}");
            let _ = check_batch(jobs, *lat, *out, Some(&name));
            panic!(
                "seed {seed}: {e}; VCD of the failing case: {}",
                vcd_path(&name).display()
            );
        }
        panic!("seed {seed}: {e}");
    }
}

#[test]
fn sha_dma_boundary_lengths_across_4k_pages() {
    // Jobs are placed back to back (8-byte aligned) in the DMA region: a pad job of
    // 4096 - 8k bytes puts the next job 8k bytes before a page end, so its bursts must split
    // there. Every boundary length, at several distances from the page end, both modes.
    let mut jobs: Vec<Job> = Vec::new();
    let mut pos = 0usize;
    for (n, &len) in BOUNDARY
        .iter()
        .chain([4095usize, 4097, 9000].iter())
        .enumerate()
    {
        let k = [1usize, 2, 7, 15, 16, 17][n % 6];
        // Smallest pad that puts the next job 8k bytes before a page end.
        let pad = (4096 + 4096 - 8 * k - pos % 4096) % 4096;
        jobs.push((HashMode::Sha256, vec![0x5a; pad]));
        pos += pad.div_ceil(8) * 8;
        let mode = if n % 2 == 0 {
            HashMode::Sha256
        } else {
            HashMode::Sha256d
        };
        jobs.push((mode, (0..len).map(|i| (i * 13 + len) as u8).collect()));
        pos += len.div_ceil(8) * 8;
    }
    let mut a = open(verif::axi_mem::DEFAULT_LATENCY, 8, None);
    let reqs: Vec<HashReq<'_>> = jobs
        .iter()
        .map(|(m, d)| HashReq { mode: *m, data: d })
        .collect();
    let mut out = vec![None; reqs.len()];
    a.hash_batch(&reqs, &mut out).expect("batch");
    for (i, ((m, d), got)) in jobs.iter().zip(out.iter()).enumerate() {
        assert_eq!(*got, Some(sw(*m, d)), "job {i}: {m:?} len {}", d.len());
    }
    let bus = a.into_bus();
    assert!(bus.mem.violations.is_empty(), "{:?}", bus.mem.violations);
    assert!(
        bus.mem.stats.bursts_to_page_end >= 15,
        "bursts must have been split at page ends: {:?}",
        bus.mem.stats
    );
}

#[test]
fn sha_dma_rresp_slverr_is_typed_names_the_job_and_does_not_hang() {
    let mut a = open(verif::axi_mem::DEFAULT_LATENCY, 8, None);
    let jobs: Vec<Vec<u8>> = (0..10).map(|i| vec![i as u8; 300 + 40 * i]).collect();
    // Job 3's data lies after jobs 0..2, 8-byte aligned.
    let off3: usize = jobs[..3].iter().map(|j| j.len().div_ceil(8) * 8).sum();
    a.bus_mut()
        .mem
        .inject_slverr(DEFAULT_BASE + off3 as u64 + 64, 8);
    let reqs: Vec<HashReq<'_>> = jobs
        .iter()
        .map(|d| HashReq {
            mode: HashMode::Sha256d,
            data: d,
        })
        .collect();
    let mut out = vec![None; reqs.len()];
    let e = a
        .hash_batch(&reqs, &mut out)
        .expect_err("SLVERR must fail the batch");
    println!("{e}");
    assert!(
        matches!(e, DriverError::DmaRead { index: 3, .. }),
        "typed, naming job 3: {e:?}"
    );
    assert_eq!(e.kind(), ErrorKind::Hardware);
    // Results reported before the error are correct.
    for (i, o) in out.iter().enumerate() {
        if let Some(d) = o {
            assert_eq!(*d, sw(HashMode::Sha256d, &jobs[i]), "job {i}");
        }
    }
    assert!(a.bus().mem.stats.error_beats >= 1);
    // Recover; the same batch then completes.
    a.bus_mut().mem.clear_errors();
    a.recover().expect("recover");
    a.hash_batch(&reqs, &mut out).expect("batch after recovery");
    for (i, o) in out.iter().enumerate() {
        assert_eq!(*o, Some(sw(HashMode::Sha256d, &jobs[i])), "job {i}");
    }
}

fn raw_cmd(mode: HashMode, len: u32, tag: u8) -> u32 {
    field::HASH_DMA_CMD::TAG.put(u32::from(tag))
        | field::HASH_DMA_CMD::MODE.put(mode as u32)
        | field::HASH_DMA_CMD::LEN.put(len)
}

/// Waits (bounded) for a hash result; returns (tag, digest) and pops it.
fn raw_result(bus: &mut VerilatorBus, limit: u64) -> Option<(u8, [u8; 32])> {
    let t0 = bus.sim_cycles().unwrap_or(0);
    loop {
        let r = bus.read32(reg::HASH_RESULT.offset).unwrap();
        if field::HASH_RESULT::VALID.get(r) == 1 {
            let mut d = [0u8; 32];
            for k in 0..8u32 {
                let w = bus.read32(reg::HASH_DIGEST0.offset + 4 * k).unwrap();
                d[4 * k as usize..4 * k as usize + 4].copy_from_slice(&w.to_be_bytes());
            }
            bus.write32(reg::HASH_POP.offset, 0).unwrap();
            return Some((field::HASH_RESULT::TAG.get(r) as u8, d));
        }
        if bus.sim_cycles().unwrap_or(0) - t0 > limit {
            return None;
        }
        bus.steps(10);
    }
}

fn error_code(bus: &mut VerilatorBus) -> (u32, u32) {
    let e = bus.read32(reg::ERROR.offset).unwrap();
    bus.write32(reg::ERROR.offset, 0).unwrap();
    (field::ERROR::CODE.get(e), field::ERROR::TAG.get(e))
}

#[test]
fn sha_dma_refused_descriptors_and_decerr() {
    let mut bus = VerilatorBus::new().expect("top");
    let data: Vec<u8> = (0..200u32).map(|i| i as u8).collect();
    bus.mem.write(0, &data).unwrap();
    let cases: [(u32, HashMode, u32, ErrorCode); 5] = [
        (
            DEFAULT_BASE as u32 + 4,
            HashMode::Sha256,
            16,
            ErrorCode::DmaBadDescriptor,
        ),
        (
            0xFFFF_FFF8,
            HashMode::Sha256,
            16,
            ErrorCode::DmaBadDescriptor,
        ),
        (
            DEFAULT_BASE as u32,
            HashMode::Merkle64,
            63,
            ErrorCode::BadLength,
        ),
        (
            DEFAULT_BASE as u32,
            HashMode::Header80,
            64,
            ErrorCode::BadLength,
        ),
        (DEFAULT_BASE as u32, HashMode::Sha256, 16, ErrorCode::None),
    ];
    for (i, &(addr, mode, len, want)) in cases.iter().enumerate() {
        bus.write32(reg::HASH_DMA_ADDR.offset, addr).unwrap();
        assert_eq!(bus.read32(reg::HASH_DMA_ADDR.offset).unwrap(), addr);
        bus.write32(reg::HASH_DMA_CMD.offset, raw_cmd(mode, len, 40 + i as u8))
            .unwrap();
        let (code, tag) = error_code(&mut bus);
        assert_eq!(code, want as u32, "case {i}");
        if want != ErrorCode::None {
            assert_eq!(tag, 40 + i as u32, "case {i}: ERROR.TAG");
            bus.steps(100);
            let st = bus.read32(reg::STATUS.offset).unwrap();
            assert_eq!(
                field::STATUS::HASH_BUSY.get(st),
                0,
                "case {i}: nothing queued"
            );
        } else {
            let (t, d) = raw_result(&mut bus, 5_000).expect("result");
            assert_eq!(t, 44);
            assert_eq!(d, sw(HashMode::Sha256, &data[..16]));
        }
    }
    // Unknown mode (bits 10:8 = 7).
    bus.write32(reg::HASH_DMA_ADDR.offset, DEFAULT_BASE as u32)
        .unwrap();
    bus.write32(
        reg::HASH_DMA_CMD.offset,
        field::HASH_DMA_CMD::MODE.put(7) | field::HASH_DMA_CMD::LEN.put(8),
    )
    .unwrap();
    assert_eq!(error_code(&mut bus).0, ErrorCode::BadMode as u32);
    // A descriptor pointing outside the memory: DECERR -> DmaReadError with the tag; the job
    // still completes (no hang) and the bus stays usable.
    bus.write32(reg::HASH_DMA_ADDR.offset, 0x0000_1000).unwrap();
    bus.write32(reg::HASH_DMA_CMD.offset, raw_cmd(HashMode::Sha256, 100, 77))
        .unwrap();
    let (t, _) = raw_result(&mut bus, 5_000).expect("the job must complete");
    assert_eq!(t, 77);
    assert_eq!(error_code(&mut bus), (ErrorCode::DmaReadError as u32, 77));
    assert!(bus.mem.stats.error_beats >= 13);
    assert!(bus.mem.violations.is_empty(), "{:?}", bus.mem.violations);
    let _ = rm::MAX_HASH_LEN;
}

/// The end-of-address-space rule at its edges: ADDR + LEN = 2^32 is accepted, one byte more
/// is refused, whatever ADDR's low 21 bits are (the top checks against a bound prepared when
/// HASH_DMA_ADDR is written). An accepted descriptor up there reads outside the simulated
/// memory, so it completes with DmaReadError (DECERR) naming its tag.
#[test]
fn sha_dma_end_of_address_space_edges() {
    let mut bus = VerilatorBus::new().expect("top");
    let cases: [(u32, u32, bool); 10] = [
        (0xFFFF_FFF0, 16, true),
        (0xFFFF_FFF0, 17, false),
        (0xFFFF_FFF8, 8, true),
        (0xFFFF_FFF8, 9, false),
        (0xFFFF_FF00, 0x100, true),
        (0xFFFF_FF00, 0x101, false),
        (0xFFE0_0000, 64, true),
        (0xFFDF_FFF8, 16, true),
        (0xFFE0_0008, 0x1F_FFF9, false),
        // Last: a long read (the test ends without waiting for it).
        (0xFFE0_0008, 0x1F_FFF8, true),
    ];
    for (i, &(addr, len, accepted)) in cases.iter().enumerate() {
        let tag = 100 + i as u8;
        bus.write32(reg::HASH_DMA_ADDR.offset, addr).unwrap();
        if accepted && len > 4096 {
            // Long enough to read for a while: check only that it was not refused.
            bus.write32(
                reg::HASH_DMA_CMD.offset,
                raw_cmd(HashMode::Sha256, len, tag),
            )
            .unwrap();
            let e = bus.read32(reg::ERROR.offset).unwrap();
            assert_ne!(
                field::ERROR::CODE.get(e),
                ErrorCode::DmaBadDescriptor as u32,
                "case {i}: {addr:#x} + {len:#x} <= 2^32 must be accepted"
            );
            continue;
        }
        bus.write32(
            reg::HASH_DMA_CMD.offset,
            raw_cmd(HashMode::Sha256, len, tag),
        )
        .unwrap();
        if accepted {
            let (t, _) = raw_result(&mut bus, 20_000).expect("the job must complete");
            assert_eq!(t, tag, "case {i}");
            assert_eq!(
                error_code(&mut bus),
                (ErrorCode::DmaReadError as u32, u32::from(tag)),
                "case {i}: {addr:#x} + {len:#x} <= 2^32 is accepted and reads outside memory"
            );
        } else {
            assert_eq!(
                error_code(&mut bus),
                (ErrorCode::DmaBadDescriptor as u32, u32::from(tag)),
                "case {i}: {addr:#x} + {len:#x} > 2^32 is refused"
            );
        }
    }
    assert!(bus.mem.violations.is_empty(), "{:?}", bus.mem.violations);
}

#[test]
fn sha_dma_soft_reset_with_bursts_in_flight() {
    let mut bus = VerilatorBus::new().expect("top");
    bus.mem.latency = 60;
    let big = vec![0xc3u8; 200_000];
    bus.mem.write(0, &big).unwrap();
    for tag in 0..4u8 {
        bus.write32(
            reg::HASH_DMA_ADDR.offset,
            DEFAULT_BASE as u32 + u32::from(tag) * 40_000,
        )
        .unwrap();
        bus.write32(
            reg::HASH_DMA_CMD.offset,
            raw_cmd(HashMode::Sha256, 40_000, tag),
        )
        .unwrap();
    }
    bus.steps(150);
    assert!(bus.mem.outstanding() > 0, "bursts must be in flight");
    // Two soft resets in a row while bursts are still in flight.
    bus.write32(reg::CTRL.offset, field::CTRL::SOFT_RESET.put(1))
        .unwrap();
    bus.steps(5);
    assert!(bus.mem.outstanding() > 0, "bursts still in flight");
    bus.write32(reg::CTRL.offset, field::CTRL::SOFT_RESET.put(1))
        .unwrap();
    assert!(bus.mem.outstanding() > 0, "bursts still in flight");
    // New jobs at once, while the old bursts are still arriving: none of their beats may
    // land in a unit.
    let fresh: Vec<Vec<u8>> = (0..8).map(|i| vec![0x90 + i as u8; 200 + 64 * i]).collect();
    let mut off = 1 << 20;
    for (i, d) in fresh.iter().enumerate() {
        bus.mem.write(off, d).unwrap();
        bus.write32(reg::HASH_DMA_ADDR.offset, DEFAULT_BASE as u32 + off as u32)
            .unwrap();
        bus.write32(
            reg::HASH_DMA_CMD.offset,
            raw_cmd(HashMode::Sha256, d.len() as u32, 100 + i as u8),
        )
        .unwrap();
        off += d.len().div_ceil(8) * 8;
    }
    for _ in 0..fresh.len() {
        let (t, d) = raw_result(&mut bus, 50_000).expect("result after soft reset");
        let i = usize::from(t - 100);
        assert_eq!(
            d,
            sw(HashMode::Sha256, &fresh[i]),
            "job {i} after soft reset"
        );
    }
    assert_eq!(error_code(&mut bus).0, 0);
    bus.steps(400);
    assert_eq!(
        bus.mem.outstanding(),
        0,
        "in-flight bursts drain after a soft reset"
    );
    let st = bus.read32(reg::STATUS.offset).unwrap();
    assert_eq!(field::STATUS::HASH_BUSY.get(st), 0, "STATUS {st:#x}");
    // The next batch (fresh data over the same memory) is correct: no stale beat lands in a
    // unit.
    let mut a = Accel::open(bus, sim_driver_config()).expect("open");
    let jobs: Vec<Vec<u8>> = (0..16)
        .map(|i| vec![i as u8 ^ 0x3c; 500 + 97 * i])
        .collect();
    let reqs: Vec<HashReq<'_>> = jobs
        .iter()
        .map(|d| HashReq {
            mode: HashMode::Sha256,
            data: d,
        })
        .collect();
    let mut out = vec![None; reqs.len()];
    a.hash_batch(&reqs, &mut out)
        .expect("batch after soft reset");
    for (i, o) in out.iter().enumerate() {
        assert_eq!(*o, Some(sw(HashMode::Sha256, &jobs[i])), "job {i}");
    }
    assert!(a.bus().mem.violations.is_empty());
}

#[test]
fn sha_dma_and_register_jobs_in_flight_together() {
    let mut bus = VerilatorBus::new().expect("top");
    let dma_data: Vec<Vec<u8>> = (0..6)
        .map(|i| vec![0x40 + i as u8; 3000 + 111 * i])
        .collect();
    let mut off = 0usize;
    for (i, d) in dma_data.iter().enumerate() {
        bus.mem.write(off, d).unwrap();
        bus.write32(reg::HASH_DMA_ADDR.offset, DEFAULT_BASE as u32 + off as u32)
            .unwrap();
        bus.write32(
            reg::HASH_DMA_CMD.offset,
            raw_cmd(HashMode::Sha256d, d.len() as u32, i as u8),
        )
        .unwrap();
        off += d.len().div_ceil(8) * 8;
    }
    // A register-path job (HASH_CMD + HASH_DATA) while the DMA jobs run.
    let msg: Vec<u8> = (0..333u32).map(|i| (i * 3) as u8).collect();
    bus.write32(
        reg::HASH_CMD.offset,
        field::HASH_CMD::TAG.put(100)
            | field::HASH_CMD::MODE.put(HashMode::Sha256 as u32)
            | field::HASH_CMD::LEN.put(msg.len() as u32),
    )
    .unwrap();
    for w in accel_driver::accel::be_words(&msg) {
        bus.write32(reg::HASH_DATA.offset, w).unwrap();
    }
    let mut seen = 0;
    while seen < 7 {
        let (t, d) = raw_result(&mut bus, 50_000).expect("result");
        if t == 100 {
            assert_eq!(d, sw(HashMode::Sha256, &msg));
        } else {
            assert_eq!(
                d,
                sw(HashMode::Sha256d, &dma_data[usize::from(t)]),
                "tag {t}"
            );
        }
        seen += 1;
    }
    assert_eq!(error_code(&mut bus).0, 0);
}

#[test]
fn sha_dma_batch_larger_than_the_region_runs_in_rounds() {
    // An 8 KiB DMA region: a 40 KiB batch is copied and hashed in several rounds.
    let mut bus = VerilatorBus::new().expect("top");
    bus.set_memory(verif::axi_mem::AxiMem::new(
        DEFAULT_BASE,
        8192,
        verif::axi_mem::DEFAULT_LATENCY,
    ));
    let mut a = Accel::open(bus, sim_driver_config()).expect("open");
    let jobs: Vec<Vec<u8>> = (0..40).map(|i| vec![(i * 7) as u8; 700 + 13 * i]).collect();
    let reqs: Vec<HashReq<'_>> = jobs
        .iter()
        .map(|d| HashReq {
            mode: HashMode::Sha256,
            data: d,
        })
        .collect();
    let mut out = vec![None; reqs.len()];
    a.hash_batch(&reqs, &mut out).expect("batch");
    for (i, o) in out.iter().enumerate() {
        assert_eq!(*o, Some(sw(HashMode::Sha256, &jobs[i])), "job {i}");
    }
    // A job larger than the region is refused before any register write.
    let big = vec![1u8; 8193];
    let w0 = a.counters().writes;
    let e = a
        .hash_batch(
            &[HashReq {
                mode: HashMode::Sha256,
                data: &big,
            }],
            &mut [None],
        )
        .expect_err("too large for the region");
    assert!(
        matches!(
            e,
            DriverError::BadArgument {
                index: 0,
                reason: accel_driver::ArgError::DmaRegionTooSmall { .. }
            }
        ),
        "{e:?}"
    );
    assert_eq!(a.counters().writes, w0, "nothing written");
}
