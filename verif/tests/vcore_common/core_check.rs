//! The RTL-against-ISS comparison of the VerifyCore benches (`vcore_verify_core`,
//! `vcore_verify_core_toy`): one run on each side, the first difference, and on a difference a
//! VCD of the cycles before it.

use satchain_hdl::vcore::iss::machine::CoreImage;
use verif::vcore::verify_core::{
    first_difference, run_iss, vcd_window, CoreOutcome, CoreSim, CoreTbJob,
};

/// Runs `jobs` on both sides (`clusters` ClusterCores) and compares; on a difference writes a
/// VCD and panics. Returns the RTL's outcome with the ISS's `sources`.
pub fn check(
    name: &str,
    seed: u64,
    img: &CoreImage,
    clusters: usize,
    jobs: &[CoreTbJob],
    ready: &[bool],
) -> CoreOutcome {
    let rdy = |t: u64| ready.get(t as usize).copied().unwrap_or(true);
    let iss = run_iss(img, clusters, jobs, &rdy, 1 << 26).unwrap();
    let limit = iss.cycles + 10_000;
    let mut sim = CoreSim::open(img, clusters, None).unwrap();
    assert_eq!(
        sim.cycles(),
        CoreSim::load_cycles(),
        "the failure VCD's window counts on it"
    );
    let rtl = sim.run(jobs, &rdy, limit);
    let diff = match &rtl {
        Ok(rtl) => first_difference(&iss, rtl),
        Err(e) => Some(e.clone()),
    };
    if let Some(d) = diff {
        let vcd = verif::sim::vcd_path(&format!("{name}-{seed}"));
        // Only the cycles up to where the first difference shows (`vcd_window`: one whole
        // job is ~20 GB of VCD); SATCHAIN_VCD_CYCLES widens it.
        let before = std::env::var("SATCHAIN_VCD_CYCLES")
            .ok()
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(1_000);
        let load = CoreSim::load_cycles();
        let (from, to) = vcd_window(&iss, rtl.as_ref().ok(), load, limit, before, 100);
        let mut s = CoreSim::open_with_vcd_window(img, clusters, &vcd, from, to).unwrap();
        let _ = s.run(jobs, &rdy, limit);
        s.flush_vcd();
        panic!(
            "{name} SATCHAIN_SEED={seed}: RTL != ISS: {d}\nVCD {} (model cycles {from}..{to})",
            vcd.display()
        );
    }
    let mut rtl = rtl.unwrap();
    rtl.sources = iss.sources;
    rtl
}
