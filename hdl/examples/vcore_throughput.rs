//! Throughput of the VerifyCore on the cycle-exact ISS: a batch of random valid ECDSA jobs
//! with block 413567's mix of compressed / uncompressed keys (counted from the block through
//! crypto-core's validator), over a sweep of THREADS x MUL_WB.
//!
//! ```text
//! cargo run -p satchain-hdl --release --example vcore_throughput -- \
//!     [--jobs 256] [--clusters 2] [--threads 8,16,24,32] [--mul-wb 24,32,40] [--fetch F] [--alu-wb A] \
//!     [--mhz 150] [--seed 1] [--profile] [--schnorr] [--compressed PCT] [--markdown]
//! ```
//! `--schnorr`: the batch is random valid BIP340 signatures instead (32-byte messages).
//! `--profile`: also prints the ScalarUnit's mean cycles per job and where a thread's cycles
//! go (per program region, the cycles from the previous select to each select: fetch, waits
//! and arbitration), for the first configuration.
//! Prints, per configuration: total clocks, verifies/s at `--mhz` (and at 150 MHz), M-ops and
//! A-ops per verify, multiplier busy fraction (MUL issues / (clocks x clusters)), mean thread
//! cycles per verify. Figures are ISS measurements of the program in this commit; the clock
//! is an input, not a measurement. `--markdown` prints the rows as the README's tables have
//! them; `tests/vcore_throughput.rs` recomputes those tables (the batch and the measurement are
//! `tests/vcore_common/throughput.rs`, shared with that test).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::cast_possible_truncation
)]

#[path = "../tests/vcore_common/throughput.rs"]
mod throughput;

use satchain_hdl::vcore::iss::machine::CoreImage;
use throughput::{batch, block_mix, measure, Opts, TABLE_HEADER};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let o = Opts::parse(&args).unwrap_or_else(|e| {
        eprintln!("vcore_throughput: {e}");
        std::process::exit(2)
    });
    if !o.schnorr {
        let (comp, unc) = block_mix();
        println!(
            "block 413567: {} verify jobs, {comp} compressed keys, {unc} uncompressed ({:.1} % compressed)",
            comp + unc,
            100.0 * comp as f64 / (comp + unc) as f64
        );
    }
    let (jobs, n_comp) = batch(&o);
    let n = jobs.len();
    let img = CoreImage::secp256k1().unwrap();
    let prog = &img.program;
    println!(
        "program: {} words, fetch {}, alu_wb {}, {} {} jobs ({} compressed), clock {} MHz",
        prog.words.len(),
        o.fetch,
        o.alu_wb,
        n,
        if o.schnorr { "BIP340" } else { "ECDSA" },
        n_comp,
        o.mhz
    );
    print_registers(img);
    if o.markdown {
        println!("{TABLE_HEADER}");
    } else {
        println!(
            "{:>7} {:>6} {:>10} {:>12} {:>12} {:>9} {:>9} {:>6} {:>11}",
            "threads",
            "mul_wb",
            "clocks",
            "ver/s@clk",
            "ver/s@150",
            "M/verify",
            "A/verify",
            "busy",
            "cyc/ver/thr"
        );
    }
    for &t in &o.threads {
        for &wb in &o.mul_wbs {
            let cfg = o.config(t, wb);
            let started = std::time::Instant::now();
            let m = measure(img, &cfg, &jobs);
            let wall = started.elapsed();
            if o.markdown {
                println!("{}", m.markdown_row());
            } else {
                println!(
                    "{:>7} {:>6} {:>10} {:>12.0} {:>12.0} {:>9.1} {:>9.1} {:>6.3} {:>11.0}   ({:.1} s)",
                    t,
                    wb,
                    m.clocks,
                    m.verifies_per_s(o.mhz),
                    m.verifies_per_s(150.0),
                    m.m_ops,
                    m.a_ops,
                    m.busy,
                    m.cycles_per_verify,
                    wall.as_secs_f64()
                );
            }
            if o.profile {
                if o.markdown {
                    println!("\n{}", throughput::profile_markdown(prog, &m));
                } else {
                    println!("ScalarUnit: {:.0} cycles per job (mean)", m.su_per_job);
                    print_profile(prog, &m.run.profile, n);
                }
                return;
            }
        }
    }
}

/// Thread cycles, M-ops, A-ops and C-ops per verify by program region.
fn print_profile(prog: &satchain_hdl::vcore::asm::Program, prof: &[(u64, u64)], n: usize) {
    let regions = throughput::profile_regions(prog, prof, n);
    println!("per verify, by program region (thread cycles: fetch + waits + arbitration):");
    println!(
        "  {:>14} {:>8} {:>6} {:>8} {:>8} {:>8}",
        "region", "cycles", "%", "M-ops", "A-ops", "C-ops"
    );
    for r in regions {
        println!(
            "  {:>14} {:>8.0} {:>5.1}% {:>8.1} {:>8.1} {:>8.1}",
            r.name, r.cycles, r.percent, r.m_ops, r.a_ops, r.c_ops
        );
    }
}

/// Registers the program names (an indexed operand reaches base .. base + table size − 1).
fn print_registers(img: &CoreImage) {
    use satchain_hdl::vcore::isa::{Bank, Operand};
    let nq = 1u8 << (img.desc.w_q - 2);
    let mut used = [[false; 32]; 2];
    let mut mark =
        |bank: Bank, n: u8| used[usize::from(bank == Bank::S)][usize::from(n.min(31))] = true;
    for i in &img.program.instrs {
        if let Some(d) = i.op.dest() {
            mark(d.bank, d.n);
        }
        for s in i.op.sources() {
            if let Operand::Reg(r) = s.base {
                let span = if s.indexed { nq } else { 1 };
                for k in 0..span {
                    mark(r.bank, r.n + k);
                }
            }
        }
    }
    let count = |b: usize| used[b].iter().filter(|&&x| x).count();
    println!(
        "registers named by the program: P {} of 32, S {} of 32 (per thread); ROM {} of {} words",
        count(0),
        count(1),
        img.program.words.len(),
        satchain_hdl::vcore::params::ROM_WORDS
    );
}
