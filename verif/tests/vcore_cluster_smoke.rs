//! Bring-up of the product cluster RTL (`vcore_cluster_core`) against the ISS on a short hand-written program: both entries,
//! M and A ops with dependencies, a branch, a loop, every job of a batch in flight at once.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may panic

use num_bigint::BigUint;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use satchain_hdl::vcore::asm::Asm;
use satchain_hdl::vcore::consts::CurveDesc;
use satchain_hdl::vcore::isa::{Cond, Reg, Src};
use satchain_hdl::vcore::iss::Machine;
use verif::vcore::cluster::{first_difference, run_iss, Bench, ClusterSim, TbJob};

#[test]
fn vcore_cluster_smoke() {
    let mut a = Asm::new();
    a.entry("e0");
    a.mulp(Reg::p(0), Reg::s(0), Reg::s(1));
    a.mulp(Reg::p(1), Reg::p(0), Src::k(3));
    a.lin(Reg::s(6), Reg::p(0), Reg::p(1), 1, -2);
    a.add(Reg::s(7), Reg::s(0), Reg::s(1));
    a.cmp(Reg::s(7), Reg::s(0));
    let lt = a.label("lt");
    a.br(Cond::Lt, lt);
    a.ldlc(3);
    let top = a.here("loop");
    a.mulp(Reg::p(2), Reg::p(1), Reg::p(1));
    a.djnz(top);
    a.halt(1);
    a.bind(lt);
    a.halt(3);
    a.entry("e1");
    a.mov(Reg::s(6), Src::k(2));
    a.halt(2);
    let prog = a.finish().unwrap();
    let entries = [prog.label("e0").unwrap(), prog.label("e1").unwrap()];
    let k = CurveDesc::secp256k1().unwrap().k_image();
    let m = Machine::new(&prog.words, &k, entries);
    let seed = verif::vcore::seed();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let jobs: Vec<TbJob> = (0..24u16)
        .map(|i| TbJob {
            kind: usize::from(rng.gen_range(0..4u8) == 0),
            tag: 0x100 + i,
            words: std::array::from_fn(|_| {
                let mut b = [0u8; 32];
                rng.fill(&mut b);
                BigUint::from_bytes_le(&b)
            }),
            arrival: u64::from(i) * rng.gen_range(0..6u64),
        })
        .collect();
    let iss = run_iss(&m, &jobs, 100_000).unwrap();
    let mut sim = ClusterSim::open(Bench::Core, None, &prog.words, &k, entries).unwrap();
    let rtl = sim
        .run(&jobs, 100_000)
        .unwrap_or_else(|e| panic!("seed {seed}: {e}"));
    if std::env::var("SATCHAIN_VCORE_DUMP").is_ok() {
        eprintln!(
            "ISS handshakes {:?}\nRTL handshakes {:?}",
            iss.handshakes, rtl.handshakes
        );
        eprintln!(
            "ISS results {:?}\nRTL results {:?}",
            iss.results, rtl.results
        );
    }
    if let Some(d) = first_difference(&iss, &rtl) {
        let vcd = verif::sim::vcd_path(&format!("vcore_cluster_smoke-{seed}"));
        let mut s = ClusterSim::open(Bench::Core, Some(&vcd), &prog.words, &k, entries).unwrap();
        let _ = s.run(&jobs, 100_000);
        s.flush_vcd();
        panic!("seed {seed}: {d}\n{}\nVCD {}", prog.listing, vcd.display());
    }
    println!(
        "{} jobs, {} writes, {} cycles: RTL == ISS",
        jobs.len(),
        rtl.writes.len(),
        rtl.cycles
    );
}
