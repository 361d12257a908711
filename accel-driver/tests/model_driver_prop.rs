#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::cast_possible_truncation
)]
//! Property: for random batches (modes, lengths incl. block boundaries), random in-flight
//! limits and wait modes, and random model shapes, every job gets exactly its own
//! digest (tags never mixed up, none lost). Case count: SATCHAIN_PROPTEST_CASES (default 32);
//! fixed seed (`testkit::seed`); failures are kept in `proptest-regressions/`.

use accel_driver::regmap::HashMode;
use accel_driver::{Accel, Config, HashReq, WaitMode};
use proptest::prelude::*;
use sha2::{Digest, Sha256};
use testkit::mock::MockBus;
use testkit::model::{DeviceModel, ModelConfig};

fn job() -> impl Strategy<Value = (u8, Vec<u8>)> {
    let len = prop_oneof![
        Just(0usize),
        Just(55),
        Just(56),
        Just(63),
        Just(64),
        Just(119),
        Just(120),
        0usize..300
    ];
    (0u8..4, len, any::<u8>()).prop_map(|(m, l, seed)| {
        let l = match m {
            2 => 64,
            3 => 80,
            _ => l,
        };
        (
            m,
            (0..l).map(|i| (i as u8).wrapping_mul(13) ^ seed).collect(),
        )
    })
}

proptest! {
    #![proptest_config(testkit::proptest_config!("driver_every_job_gets_its_own_digest", 32))]
    #[test]
    fn driver_every_job_gets_its_own_digest(
        jobs in prop::collection::vec(job(), 1..60),
        units in 1u32..9,
        fifo_log2 in 0u32..5,
        limit in prop::option::of(1u16..40),
        irq in any::<bool>(),
    ) {
        let model = ModelConfig { hash_units: units, result_fifo_log2: fifo_log2, ..Default::default() };
        let cfg = Config {
            wait: if irq { WaitMode::Irq } else { WaitMode::Poll },
            max_in_flight: limit,
            // 1 (the default) is the only pacing HASH_READY guarantees; 2 or more fails here.
            hash_words_per_ready: 1,
            ..Config::default()
        };
        let mut bus = MockBus::new(DeviceModel::new(model));
        bus.record = false;
        let mut a = Accel::open(bus, cfg).unwrap();
        let reqs: Vec<HashReq> = jobs
            .iter()
            .map(|(m, d)| HashReq { mode: HashMode::from_bits(u32::from(*m)).unwrap(), data: d })
            .collect();
        let mut out = vec![None; reqs.len()];
        a.hash_batch(&reqs, &mut out).unwrap();
        for (i, (m, d)) in jobs.iter().enumerate() {
            let one = Sha256::digest(d);
            let want: [u8; 32] = if *m == 0 { one.into() } else { Sha256::digest(one).into() };
            prop_assert_eq!(out[i], Some(want), "job {} mode {} len {}", i, m, d.len());
        }
        prop_assert_eq!(a.counters().irq_missed, 0);
    }
}
