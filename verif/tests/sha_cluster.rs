//! HashCluster (Verilator, 8 units) against sha2: proptest over random batches (messages
//! 0..4 KiB with the boundary lengths always included, headers, merkle pairs, SHA-256 and
//! SHA-256d, many jobs in flight); out-of-order completion; a VCD of a failing case.

use proptest::prelude::*;
use sha2::{Digest, Sha256};
use verif::sha_cluster::{ClusterJob, ClusterSim};
use verif::sim::vcd_path;

fn sw(double: bool, data: &[u8]) -> [u8; 32] {
    let d: [u8; 32] = Sha256::digest(data).into();
    if double {
        Sha256::digest(d).into()
    } else {
        d
    }
}

const BOUNDARY: [usize; 8] = [0, 55, 56, 63, 64, 119, 120, 128];

fn check_batch(jobs: &[(bool, Vec<u8>)], vcd: Option<&str>) -> Result<(), String> {
    let path = vcd.map(vcd_path);
    let mut c = ClusterSim::new(path.as_deref()).map_err(|e| format!("{e:?}"))?;
    let cj: Vec<ClusterJob<'_>> = jobs
        .iter()
        .map(|(d, v)| ClusterJob {
            double: *d,
            data: v,
        })
        .collect();
    let run = c.run(&cj, 256).map_err(|e| e.to_string())?;
    c.flush_vcd();
    for (i, ((dbl, data), got)) in jobs.iter().zip(run.digests.iter()).enumerate() {
        if *got != sw(*dbl, data) {
            return Err(format!(
                "job {i}: len {} double {dbl}: digest mismatch",
                data.len()
            ));
        }
    }
    Ok(())
}

fn job_strategy() -> impl Strategy<Value = (bool, Vec<u8>)> {
    prop_oneof![
        // random message, single or double
        (any::<bool>(), prop::collection::vec(any::<u8>(), 0..4096)),
        // boundary lengths
        (
            any::<bool>(),
            prop::sample::select(BOUNDARY.to_vec()),
            any::<u8>()
        )
            .prop_map(|(d, len, b)| (d, (0..len).map(|i| b.wrapping_add(i as u8)).collect())),
        // header (80 bytes, double)
        prop::collection::vec(any::<u8>(), 80).prop_map(|v| (true, v)),
        // merkle pair (64 bytes, double)
        prop::collection::vec(any::<u8>(), 64).prop_map(|v| (true, v)),
    ]
}

#[test]
fn hash_cluster_random_batches_match_sha2() {
    let mut runner = testkit::runner!("hash_cluster_random_batches_match_sha2", 8);
    let seed = runner.config().rng_seed;
    let strat = prop::collection::vec(job_strategy(), 1..24);
    let result = runner.run(&strat, |jobs| {
        check_batch(&jobs, None).map_err(TestCaseError::fail)?;
        Ok(())
    });
    if let Err(e) = result {
        // Re-run the minimal failing case with a waveform.
        if let proptest::test_runner::TestError::Fail(_, jobs) = &e {
            let name = format!("hash_cluster_random-{seed}");
            let _ = check_batch(jobs, Some(&name));
            panic!(
                "seed {seed}: {e}; VCD of the failing case: {}",
                vcd_path(&name).display()
            );
        }
        panic!("seed {seed}: {e}");
    }
}

#[test]
fn hash_cluster_boundary_lengths_all_modes() {
    let mut jobs = Vec::new();
    for &len in &BOUNDARY {
        for double in [false, true] {
            jobs.push((
                double,
                (0..len).map(|i| (i * 7 + len) as u8).collect::<Vec<u8>>(),
            ));
        }
    }
    check_batch(&jobs, None).unwrap();
}

#[test]
fn hash_cluster_results_return_out_of_order() {
    // A long job first, then short ones: the short ones finish first on other units.
    let long = vec![0x11u8; 3000];
    let short = vec![0x22u8; 10];
    let jobs = [
        ClusterJob {
            double: false,
            data: &long,
        },
        ClusterJob {
            double: true,
            data: &short,
        },
        ClusterJob {
            double: false,
            data: &short,
        },
    ];
    let mut c = ClusterSim::new(None).unwrap();
    let run = c.run(&jobs, 256).unwrap();
    assert_eq!(run.digests[0], sw(false, &long));
    assert_eq!(run.digests[1], sw(true, &short));
    assert_eq!(run.digests[2], sw(false, &short));
    assert_eq!(
        run.result_order.last(),
        Some(&0),
        "long job must finish last: {:?}",
        run.result_order
    );
    assert!(c.idle());
}

#[test]
fn hash_cluster_tags_wrap_with_many_jobs() {
    // 600 jobs: tags wrap around 256 twice; at most 256 in flight.
    let datas: Vec<Vec<u8>> = (0..600u32)
        .map(|i| i.to_le_bytes().repeat((i % 20) as usize))
        .collect();
    let jobs: Vec<ClusterJob<'_>> = datas
        .iter()
        .enumerate()
        .map(|(i, d)| ClusterJob {
            double: i % 3 == 0,
            data: d,
        })
        .collect();
    let mut c = ClusterSim::new(None).unwrap();
    let run = c.run(&jobs, 256).unwrap();
    for (i, d) in datas.iter().enumerate() {
        assert_eq!(run.digests[i], sw(i % 3 == 0, d), "job {i}");
    }
    println!("600 short jobs: {} cycles", run.cycles);
}
