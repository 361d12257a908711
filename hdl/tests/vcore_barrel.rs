//! The barrel-cluster study model (`vcore::iss::barrel`): its bundles must compute what the
//! program computes, its functional run must follow the ISS's path, and its replay check must
//! be able to fail.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "vcore_common/throughput.rs"]
mod throughput;

use satchain_hdl::vcore::effects;
use satchain_hdl::vcore::iss::barrel::{self, Bundle, Placed};
use satchain_hdl::vcore::iss::core::CoreJob;
use satchain_hdl::vcore::iss::machine::CoreImage;
use satchain_hdl::vcore::iss::{Config, IssError};
use throughput::{batch, Opts};

const MAX: u64 = 1 << 24;

/// 20 ECDSA jobs (block 413567's key mix) and 6 BIP340 jobs, seed 7; every third ECDSA job
/// and one BIP340 job with a wrong message (INVALID).
fn jobs() -> Vec<CoreJob> {
    let args = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let (mut v, _) = batch(&Opts::parse(&args(&["--jobs", "20", "--seed", "7"])).unwrap());
    let schnorr = args(&["--jobs", "6", "--seed", "7", "--schnorr"]);
    let (b, _) = batch(&Opts::parse(&schnorr).unwrap());
    v.extend(b);
    for (i, j) in v.iter_mut().enumerate() {
        if (i < 20 && i % 3 == 0) || i == 21 {
            j.z ^= num_bigint::BigUint::from(1u32 << (i % 29));
        }
    }
    v
}

#[test]
fn bundles_compute_what_the_program_computes_and_follow_the_iss() {
    let img = CoreImage::secp256k1().unwrap();
    let m = &img.machine;
    let jobs = jobs();
    let iss = img.run(&Config::default(), &jobs).unwrap();
    let mut invalid = 0;
    for (shape, staged, across_blocks) in [
        ([1u8, 1, 1], false, false),
        ([1, 2, 1], false, false),
        ([2, 2, 2], false, false),
        ([1, 1, 1], true, false),
        ([1, 2, 1], true, false),
        ([1, 1, 1], false, true),
        ([1, 1, 1], true, true),
    ] {
        let b = Bundle {
            m: shape[0],
            a: shape[1],
            c: shape[2],
            rec_turns: barrel::rec_turns(32),
            staged,
            across_blocks,
        };
        for (i, j) in jobs.iter().enumerate() {
            let kind = j.kind as usize;
            let w = barrel::job_words(&img.su, j).unwrap().expect("in range");
            let (r, placed) = barrel::schedule(m, &w, kind, &b, MAX).unwrap();
            let seq = barrel::sequential(m, &w, kind, MAX).unwrap();
            let rep = barrel::replay(m, &w, kind, &placed).unwrap();
            assert!(rep == seq, "job {i} {b:?}: replay differs");
            let cr = &iss.results[i];
            let st = cr.stats.as_ref().unwrap();
            assert_eq!(r.code, cr.code, "job {i}: verdict differs from the ISS");
            assert_eq!(seq.0, cr.code, "job {i}");
            assert_eq!(
                (r.m_ops, r.a_ops),
                (u64::from(st.m_ops), u64::from(st.a_ops)),
                "job {i}: op counts differ from the ISS's"
            );
            assert_eq!(
                placed.len() as u64,
                u64::from(st.m_ops + st.a_ops + st.c_ops)
            );
            let cap = |ops: u64, per: u8| ops.div_ceil(u64::from(per));
            assert!(r.bundles >= cap(r.m_ops, b.m) && r.bundles >= cap(r.a_ops, b.a));
            if shape == [1, 1, 1] && !staged && !across_blocks {
                // Wider or staged bundles, or moving across blocks, never need more turns.
                for other in [
                    Bundle { a: 2, ..b },
                    Bundle { staged: true, ..b },
                    Bundle {
                        across_blocks: true,
                        ..b
                    },
                ] {
                    let (ro, _) = barrel::schedule(m, &w, kind, &other, MAX).unwrap();
                    assert!(ro.bundles <= r.bundles, "job {i}: {other:?}");
                }
                invalid += usize::from(r.code != 0);
            }
        }
    }
    assert_eq!(invalid, 8, "the batch's INVALID jobs");
}

#[test]
fn replay_detects_a_bundle_that_breaks_a_dependency() {
    let img = CoreImage::secp256k1().unwrap();
    let m = &img.machine;
    let j = &jobs()[1];
    let w = barrel::job_words(&img.su, j).unwrap().unwrap();
    let (_, placed) = barrel::schedule(m, &w, 0, &Bundle::one_each(32), MAX).unwrap();
    // A multiplication whose result the next bundle reads: put the reader in the same bundle.
    let instr = |p: &Placed| m.rom[usize::from(p.pc)].as_ref().copied().unwrap();
    let (k, _) = placed
        .iter()
        .enumerate()
        .skip(40)
        .find(|(k, p)| {
            let wr = effects::writes(&instr(p));
            placed[k + 1..].iter().any(|q| {
                q.bundle == p.bundle + 1 && effects::reads(&instr(q)).iter().any(|r| wr.contains(r))
            })
        })
        .expect("a producer read in the next bundle");
    let mut broken = placed.clone();
    let consumer = broken[k + 1..]
        .iter()
        .position(|q| {
            q.bundle == placed[k].bundle + 1
                && effects::reads(&instr(q))
                    .iter()
                    .any(|r| effects::writes(&instr(&placed[k])).contains(r))
        })
        .unwrap()
        + k
        + 1;
    broken[consumer].bundle = placed[k].bundle;
    match barrel::replay(m, &w, 0, &broken) {
        Err(IssError::Hazard { .. }) => {}
        other => {
            let seq = barrel::sequential(m, &w, 0, MAX).unwrap();
            assert!(
                other.as_ref().ok() != Some(&seq),
                "a broken schedule replayed like the sequential run"
            );
        }
    }
}

/// The barrel table of `src/vcore/README.md` ("A barrel cluster, measured on the program") is
/// this model's output: every row's bundles, busy fraction and verifies/s are recomputed on the
/// example's batch (256 jobs of block 413567's mix, seed 1, 133.333 MHz), and the BIP340
/// sentence below it too. A mismatch prints what the README should say.
#[test]
fn readme_barrel_table_is_this_model() {
    let img = CoreImage::secp256k1().unwrap();
    let words = |schnorr: bool| {
        let mut a = vec!["--jobs".to_string(), "256".to_string()];
        if schnorr {
            a.push("--schnorr".to_string());
        }
        batch(&Opts::parse(&a).unwrap())
            .0
            .iter()
            .map(|j| barrel::job_words(&img.su, j).unwrap().unwrap())
            .collect::<Vec<_>>()
    };
    let shape = |m: u8, a: u8, staged: bool, across_blocks: bool| Bundle {
        m,
        a,
        c: 1,
        rec_turns: barrel::rec_turns(32),
        staged,
        across_blocks,
    };
    let shapes = [
        shape(1, 1, false, false),
        shape(1, 2, false, false),
        shape(1, 1, true, false),
        shape(2, 2, false, false),
        shape(1, 1, false, true),
        shape(1, 1, true, true),
    ];
    let readme = std::fs::read_to_string(
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src/vcore/README.md"),
    )
    .unwrap();
    let head = "| bundle | bundles per verify | multiplier busy | 1 cluster | 2 clusters |";
    let rows: Vec<Vec<String>> = readme
        .lines()
        .skip_while(|l| *l != head)
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            l.split('|')
                .skip(2)
                .take(4)
                .map(|c| c.trim().to_string())
                .collect()
        })
        .collect();
    assert_eq!(rows.len(), shapes.len(), "the README's barrel table rows");
    let ecdsa = words(false);
    let mut want = Vec::new();
    for b in &shapes {
        let bt = barrel::batch(&img.machine, &ecdsa, 0, b, MAX).unwrap();
        let v = bt.verifies_per_s(133.333);
        want.push(vec![
            throughput::group(bt.bundles()),
            format!("{:.3}", bt.busy(b)),
            format!("{}/s", throughput::group(v)),
            format!("{}/s", throughput::group(2.0 * v)),
        ]);
    }
    assert_eq!(
        rows, want,
        "README rows (bundles, busy, 1 cluster, 2 clusters)"
    );
    let schnorr = words(true);
    let fig = |b: &Bundle| {
        let bt = barrel::batch(&img.machine, &schnorr, 1, b, MAX).unwrap();
        (
            throughput::group(bt.bundles()),
            format!("{:.3}", bt.busy(b)),
        )
    };
    let (s0, s1) = (fig(&shapes[0]), fig(&shapes[5]));
    let sentence = format!(
        "{} bundles, {} busy as a static program; {} and {} as the",
        s0.0, s0.1, s1.0, s1.1
    );
    assert!(
        readme
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .contains(&sentence),
        "the README's BIP340 figures: want \"{sentence}\""
    );
}
