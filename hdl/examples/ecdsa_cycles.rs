//! ISS cycle statistics of the ECDSA verify microcode with the current `timing.rs`:
//! cycles per verification (mean / min / max) over random valid signatures, compressed and
//! uncompressed keys, instructions per verify, and where the cycles go.
//!
//! `cargo run -p satchain-hdl --release --example ecdsa_cycles -- [count] [seed]`

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cast_possible_truncation
)]

use k256::ecdsa::signature::hazmat::PrehashSigner;
use k256::ecdsa::{Signature, SigningKey};
use rand::{RngCore, SeedableRng};
use satchain_hdl::ecdsa::isa::opcode::MNEMONICS;
use satchain_hdl::ecdsa::model::{self, EcdsaJob};
use satchain_hdl::ecdsa::program::verify_program;
use satchain_hdl::ecdsa::timing;

fn main() {
    let mut args = std::env::args().skip(1);
    let count: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(1000);
    let seed: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(1);
    let prog = verify_program();
    assert!(!prog.words.is_empty(), "{}", prog.listing);
    println!(
        "program: {} words (ROM 1024); seed {seed}; {count} valid signatures per key form",
        prog.words.len()
    );
    println!(
        "timing.rs: MULP {} cycles, MULN {}, BR {}, WIN {}, ALU {}",
        timing::op_cycles(1),
        timing::op_cycles(4),
        timing::op_cycles(16),
        timing::op_cycles(12),
        timing::op_cycles(2)
    );
    let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(seed);
    for compressed in [true, false] {
        let mut cycles = Vec::with_capacity(count);
        let mut instrs = 0u64;
        let mut by_op = [(0u64, 0u64); 18];
        for i in 0..count {
            let mut sk = [0u8; 32];
            let mut z = [0u8; 32];
            rng.fill_bytes(&mut sk);
            rng.fill_bytes(&mut z);
            let Ok(key) = SigningKey::from_bytes(&sk.into()) else {
                continue;
            };
            let sig: Signature = key.sign_prehash(&z).expect("sign");
            let (r, s) = sig.split_bytes();
            let pk = key.verifying_key().to_encoded_point(compressed);
            let inputs = EcdsaJob::new(pk.as_bytes(), &z, &r.into(), &s.into()).expect("key");
            // Trace a few runs for the per-opcode breakdown; time the rest untraced.
            let o = if i < 50 {
                model::run_traced(&prog.words, &inputs)
            } else {
                model::run(&prog.words, &inputs)
            }
            .expect("ISS");
            assert_eq!(o.code, 0, "valid signature rejected");
            for t in &o.trace {
                let op = usize::from(t.op.opcode());
                by_op[op].0 += 1;
            }
            if i < 50 {
                for w in o.trace.windows(2) {
                    by_op[usize::from(w[0].op.opcode())].1 += w[1].cycle - w[0].cycle;
                }
                if let Some(last) = o.trace.last() {
                    by_op[usize::from(last.op.opcode())].1 += o.cycles - last.cycle;
                }
            }
            cycles.push(o.cycles);
            instrs += o.instructions;
        }
        let n = cycles.len() as f64;
        let mean = cycles.iter().sum::<u64>() as f64 / n;
        let min = cycles.iter().min().copied().unwrap_or(0);
        let max = cycles.iter().max().copied().unwrap_or(0);
        println!(
            "\n{} keys: {} verifies: cycles mean {mean:.0}, min {min}, max {max}; instructions/verify {:.0}",
            if compressed { "compressed" } else { "uncompressed" },
            cycles.len(),
            instrs as f64 / n,
        );
        println!("  where the cycles go (first 50 verifies, per verify):");
        let total: u64 = by_op.iter().map(|x| x.1).sum();
        let traced = count.min(50) as f64;
        for (op, (_, cyc)) in by_op.iter().enumerate() {
            if *cyc > 0 {
                println!(
                    "    {:<5} {:>7.0} cycles ({:>4.1}%)",
                    MNEMONICS[op],
                    *cyc as f64 / traced,
                    100.0 * *cyc as f64 / total as f64
                );
            }
        }
    }
}
