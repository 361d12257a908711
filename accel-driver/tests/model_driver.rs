#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::cast_possible_truncation,
    clippy::drop_non_drop
)]
//! The driver against the behavioural register-block model behind `MockBus`:
//! identity checks, hashing and ECDSA (results by tag, out of order), argument checks
//! before any write. Injected faults, in-flight limits and DMA: `model_driver_faults.rs`.

mod common;

use accel_driver::regmap::{field, reg, EcdsaCode, HashMode, MAX_HASH_LEN};
use accel_driver::{Accel, ArgError, Config, DriverError, ErrorKind, HashReq, WaitMode};
use common::*;
use testkit::mock::Access;
use testkit::model::ModelConfig;

#[test]
fn open_refuses_wrong_id_version_and_map_hash() {
    let e = Accel::open(
        bus(ModelConfig {
            id: 0xdead_beef,
            ..Default::default()
        }),
        Config::default(),
    )
    .unwrap_err();
    assert_eq!(
        e,
        DriverError::NotPresent {
            found_id: 0xdead_beef
        }
    );
    assert_eq!(e.kind(), ErrorKind::NotPresent);
    let e = Accel::open(
        bus(ModelConfig {
            version: 0x0002_0000,
            ..Default::default()
        }),
        Config::default(),
    )
    .unwrap_err();
    assert!(
        matches!(
            e,
            DriverError::VersionMismatch {
                expected_major: 1,
                found: 0x0002_0000
            }
        ),
        "{e:?}"
    );
    let wrong = accel_driver::regmap::MAP_HASH ^ 1;
    let e = Accel::open(
        bus(ModelConfig {
            map_hash: wrong,
            ..Default::default()
        }),
        Config::default(),
    )
    .unwrap_err();
    assert_eq!(
        e,
        DriverError::BitstreamMismatch {
            expected: accel_driver::regmap::MAP_HASH,
            found: wrong
        }
    );
    assert_eq!(e.kind(), ErrorKind::BitstreamMismatch);
    // A minor version bump is accepted.
    let a = Accel::open(
        bus(ModelConfig {
            version: 0x0001_0007,
            ..Default::default()
        }),
        Config::default(),
    )
    .unwrap();
    assert_eq!(a.caps().hash_units, 4);
    assert_eq!(a.caps().ecdsa_engines, 2);
    assert_eq!(a.caps().result_fifo_depth, 16);
}

#[test]
fn hash_batch_all_modes_match_sha2_out_of_order() {
    for wait in [WaitMode::Poll, WaitMode::Irq] {
        let mut a = open(ModelConfig::default(), wait);
        let lens = [
            0usize, 1, 3, 4, 55, 56, 63, 64, 65, 119, 120, 128, 1000, 5, 300, 2,
        ];
        let mut bufs: Vec<(HashMode, Vec<u8>)> = Vec::new();
        for (i, &l) in lens.iter().enumerate() {
            let mode = if i % 2 == 0 {
                HashMode::Sha256
            } else {
                HashMode::Sha256d
            };
            bufs.push((mode, msg(l, i as u8)));
        }
        for i in 0..5 {
            bufs.push((HashMode::Merkle64, msg(64, 100 + i)));
            bufs.push((HashMode::Header80, msg(80, 200 + i)));
        }
        // More jobs than tags in flight (FIFO depth 16) to exercise tag reuse.
        for i in 0..40u8 {
            bufs.push((HashMode::Sha256d, msg(usize::from(i) * 7, i)));
        }
        let jobs: Vec<HashReq> = bufs
            .iter()
            .map(|(m, d)| HashReq { mode: *m, data: d })
            .collect();
        let mut out = vec![None; jobs.len()];
        let info = a.hash_batch(&jobs, &mut out).unwrap();
        assert_eq!(info.jobs, jobs.len());
        for (i, (m, d)) in bufs.iter().enumerate() {
            assert_eq!(
                out[i],
                Some(sw(*m, d)),
                "job {i} ({m:?}, {} bytes, {wait:?})",
                d.len()
            );
        }
        // Results came back out of submission order at least once.
        let tags: Vec<u32> = a
            .bus()
            .log
            .iter()
            .filter_map(|x| match x {
                Access::Read { offset, value }
                    if *offset == reg::HASH_RESULT.offset && value & 1 == 1 =>
                {
                    Some(field::HASH_RESULT::TAG.get(*value))
                }
                _ => None,
            })
            .collect();
        assert!(
            tags.windows(2).any(|w| w[1] < w[0] && w[0] - w[1] < 100),
            "results all in order: {tags:?}"
        );
        assert!(info.device_cycles > 0);
        if wait == WaitMode::Irq {
            assert!(
                a.counters().irq_waits > 0,
                "irq mode never waited on the interrupt"
            );
            assert_eq!(a.counters().irq_missed, 0);
        }
    }
}

#[test]
fn header_traffic_is_cmd_plus_20_data_plus_pop() {
    let mut a = open(ModelConfig::default(), WaitMode::Irq);
    let h = msg(80, 9);
    let jobs: Vec<HashReq> = (0..32)
        .map(|_| HashReq {
            mode: HashMode::Header80,
            data: &h,
        })
        .collect();
    let mut out = vec![None; jobs.len()];
    let info = a.hash_batch(&jobs, &mut out).unwrap();
    // Per header: HASH_CMD + 20 HASH_DATA + HASH_POP = 22 writes; plus IRQ_STATUS clears when idle.
    let per = info.writes as f64 / 32.0;
    assert!((22.0..23.5).contains(&per), "writes per header {per}");
    assert_eq!(a.bus().writes_to(reg::HASH_DATA.offset), 32 * 20);
}

#[test]
fn ecdsa_batch_codes_match_model_reference() {
    for wait in [WaitMode::Poll, WaitMode::Irq] {
        let mut a = open(ModelConfig::default(), wait);
        let (jobs, want) = ecdsa_jobs();
        let mut out = vec![None; jobs.len()];
        let info = a.ecdsa_batch(&jobs, &mut out).unwrap();
        let got: Vec<EcdsaCode> = out.iter().map(|o| o.unwrap().code).collect();
        assert_eq!(got, want, "{wait:?}");
        // 41 ECDSA_IN writes + 1 pop per job.
        assert_eq!(a.bus().writes_to(reg::ECDSA_IN.offset), 41 * jobs.len());
        assert_eq!(a.bus().writes_to(reg::ECDSA_POP.offset), jobs.len());
        assert!(info.device_cycles >= 3000);
    }
}

#[test]
fn bad_arguments_refused_before_any_write() {
    let mut a = open(ModelConfig::default(), WaitMode::Poll);
    let before = a.bus().log.len();
    let short = msg(63, 1);
    let ok = msg(10, 2);
    let jobs = [
        HashReq {
            mode: HashMode::Sha256,
            data: &ok,
        },
        HashReq {
            mode: HashMode::Merkle64,
            data: &short,
        },
    ];
    let mut out = vec![None; 2];
    let e = a.hash_batch(&jobs, &mut out).unwrap_err();
    assert_eq!(
        e,
        DriverError::BadArgument {
            index: 1,
            reason: ArgError::BadModeLength {
                mode: HashMode::Merkle64,
                len: 63,
                want: 64
            }
        }
    );
    let h = msg(81, 3);
    let e = a
        .hash_batch(
            &[HashReq {
                mode: HashMode::Header80,
                data: &h,
            }],
            &mut out[..1],
        )
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::BadArgument);
    let big = vec![0u8; MAX_HASH_LEN as usize + 1];
    let e = a
        .hash_batch(
            &[HashReq {
                mode: HashMode::Sha256,
                data: &big,
            }],
            &mut out[..1],
        )
        .unwrap_err();
    assert!(
        matches!(
            e,
            DriverError::BadArgument {
                index: 0,
                reason: ArgError::TooLong { .. }
            }
        ),
        "{e:?}"
    );
    let e = a.hash_batch(&jobs[..1], &mut out).unwrap_err();
    assert!(matches!(
        e,
        DriverError::BadArgument {
            reason: ArgError::OutputLength { jobs: 1, slots: 2 },
            ..
        }
    ));
    assert_eq!(a.bus().log.len(), before, "a refused batch touched the bus");
}

#[test]
fn no_engine_or_unit_is_unsupported() {
    let mut a = open(
        ModelConfig {
            ecdsa_engines: 0,
            ..Default::default()
        },
        WaitMode::Poll,
    );
    let (jobs, _) = ecdsa_jobs();
    let mut out = vec![None; jobs.len()];
    assert_eq!(
        a.ecdsa_batch(&jobs, &mut out).unwrap_err().kind(),
        ErrorKind::Unsupported
    );
}
