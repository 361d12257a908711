//! Barrel-cluster study (issue 11): the shipped program scheduled into bundles for a cluster
//! that gives its threads fixed turns (`satchain_hdl::vcore::iss::barrel`), on a batch of
//! random valid jobs with block 413567's key mix (the batch of `vcore_throughput`).
//!
//! ```text
//! cargo run -p satchain-hdl --release --example vcore_barrel -- \
//!     [--jobs 256] [--seed 1] [--schnorr] [--compressed PCT] [--mhz 133.333] \
//!     [--turn 32] [--slots 1/1/1,1/2/1,1/1/1s,1/2/1s] [--regions]
//! ```
//! `--regions`: also where the bundles go, per program region (the regions of
//! `vcore_throughput --profile`), and the basic blocks executed per verify.
//! `--turn T`: cycles between two turns of a thread (= threads per multiplier; must exceed
//! MUL_WB so that every result is back by the next turn). `--slots m/a/c`: M, A and C ops per
//! bundle (`m` > 1 means `m` multipliers per cluster); a trailing `s` (`1/1/1s`) makes the bundles staged (C, then ALU, then multiplier,
//! each stage reading the earlier ones' results); a trailing `x` gives the dataflow bound
//! (`Bundle::across_blocks`: ops move across block boundaries, only control fields stay in
//! order), the best any scheduling of this program could do. Prints, per shape: bundles per verify (stall turns included), M/A/C ops per verify,
//! each multiplier's busy fraction when every turn belongs to a thread with a job (M-ops ÷
//! (bundles x m)), and what that gives at `--mhz` for one and two clusters: a projection from this
//! model and an input clock, not a measurement of any RTL. Every job is also replayed bundle
//! by bundle (bundle semantics) and must give the sequential verdict and registers.

#[path = "../tests/vcore_common/throughput.rs"]
mod throughput;

use satchain_hdl::vcore::iss::barrel::{self, Bundle};
use satchain_hdl::vcore::iss::machine::CoreImage;
use satchain_hdl::vcore::iss::u256::U256;
use satchain_hdl::vcore::timing;
use throughput::{arg_list, batch, Opts};

/// `m/a/c` with an optional `s` (staged) and `x` (across blocks) after it.
fn shape(s: &str) -> Result<([u8; 3], bool, bool), String> {
    let body = s.trim_end_matches(['s', 'x']);
    let flags = &s[body.len()..];
    let v: Vec<u8> = body
        .split('/')
        .map(|x| x.parse().map_err(|e| format!("--slots {s}: {e}")))
        .collect::<Result<_, _>>()?;
    match v[..] {
        [m, a, c] if m > 0 && a > 0 && c > 0 => {
            Ok(([m, a, c], flags.contains('s'), flags.contains('x')))
        }
        _ => Err(format!("--slots {s}: want m/a/c[s][x], each at least 1")),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Err(e) = run(&args) {
        eprintln!("vcore_barrel: {e}");
        std::process::exit(2);
    }
}

fn run(args: &[String]) -> Result<(), String> {
    let mut o = Opts::parse(args)?;
    if !args.iter().any(|a| a == "--mhz") {
        o.mhz = 133.333;
    }
    let turns: Vec<u32> = arg_list(args, "--turn", &[32])?;
    if let Some(t) = turns.iter().find(|&&t| t <= timing::MUL_WB) {
        return Err(format!(
            "--turn {t}: a turn must exceed MUL_WB ({}) so that results are back by the next one",
            timing::MUL_WB
        ));
    }
    let default_slots = ["1/1/1", "1/2/1", "1/1/1s", "1/2/1s"].map(String::from);
    let shapes: Vec<([u8; 3], bool, bool)> = arg_list(args, "--slots", &default_slots)?
        .iter()
        .map(|s| shape(s))
        .collect::<Result<_, _>>()?;
    let (jobs, n_comp) = batch(&o);
    let img = CoreImage::secp256k1().map_err(|e| e.to_string())?;
    let m = &img.machine;
    let kind = usize::from(o.schnorr);
    let ws: Vec<[U256; 6]> = jobs
        .iter()
        .map(|j| {
            barrel::job_words(&img.su, j)
                .map_err(|e| e.to_string())?
                .ok_or_else(|| "a valid job was answered by the scalar unit".to_string())
        })
        .collect::<Result<_, _>>()?;
    println!(
        "{} {} jobs ({} compressed), program {} words, MUL_WB {}, clock {} MHz (an input)",
        jobs.len(),
        if o.schnorr { "BIP340" } else { "ECDSA" },
        n_comp,
        img.program.words.len(),
        timing::MUL_WB,
        o.mhz
    );
    println!(
        "{:>4} {:>8} {:>9} {:>7} {:>8} {:>8} {:>7} {:>6} {:>12} {:>12}",
        "turn", "slots", "bundles", "stalls", "M", "A", "C", "busy", "ver/s 1 cl", "ver/s 2 cl"
    );
    let regions = args.iter().any(|a| a == "--regions");
    for &turn in &turns {
        for &(sh, staged, across_blocks) in &shapes {
            let b = Bundle {
                m: sh[0],
                a: sh[1],
                c: sh[2],
                rec_turns: barrel::rec_turns(turn),
                staged,
                across_blocks,
            };
            let bt = barrel::batch(m, &ws, kind, &b, 1 << 24)?;
            if bt.total.code != 0 {
                return Err(format!("{} valid jobs came out invalid", bt.total.code));
            }
            let bundles = bt.bundles();
            let vps = bt.verifies_per_s(o.mhz);
            println!(
                "{:>4} {:>8} {:>9.1} {:>7.1} {:>8.1} {:>8.1} {:>7.1} {:>6.3} {:>12.0} {:>12.0}",
                turn,
                format!(
                    "{}/{}/{}{}{}",
                    sh[0],
                    sh[1],
                    sh[2],
                    if staged { "s" } else { "" },
                    if across_blocks { "x" } else { "" }
                ),
                bundles,
                bt.per(bt.total.stalls),
                bt.per(bt.total.m_ops),
                bt.per(bt.total.a_ops),
                bt.per(bt.total.c_ops),
                bt.busy(&b),
                vps,
                2.0 * vps
            );
            if regions {
                println!(
                    "  {:>14} {:>8} {:>6} {:>8} {:>8} {:>8}",
                    "region", "bundles", "%", "M-ops", "A-ops", "C-ops"
                );
                for r in throughput::profile_regions(&img.program, &bt.profile, ws.len()) {
                    println!(
                        "  {:>14} {:>8.1} {:>5.1}% {:>8.1} {:>8.1} {:>8.1}",
                        r.name, r.cycles, r.percent, r.m_ops, r.a_ops, r.c_ops
                    );
                }
                println!("  blocks per verify: {:.1}", bt.per(bt.total.blocks));
            }
        }
    }
    Ok(())
}
