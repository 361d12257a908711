//! The cluster's `Alu` in Verilator against its golden model (`vcore::alu::model`): every
//! A-class op and the job load, every LIN factor pair (both signs, the reserved codes too),
//! NEGC with SG set and clear, SHRR at every shift, on edge operands (0, 1, p - 1, p, p + 1,
//! 2^255, 2^256 - 1, ...) and random ones, issued back to back (one per clock) so that every
//! pipeline stage holds a different op. Operand candidates that an op does not select carry
//! random noise. Case count: `SATCHAIN_PROPTEST_CASES` (random batches, default 40); seed:
//! `SATCHAIN_SEED` (printed); a failing batch is re-run into `target/vcd/vcore_alu-<seed>.vcd`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may panic

use num_bigint::BigUint;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use satchain_hdl::vcore::alu::model::{exec, p};
use satchain_hdl::vcore::alu::{op, src};
use verif::vcore::alu::{AluOp, AluOutput, AluSim};

fn edges() -> Vec<BigUint> {
    let one = BigUint::from(1u32);
    let m = (&one << 256u32) - 1u32;
    let p = p();
    vec![
        BigUint::default(),
        one.clone(),
        BigUint::from(2u32),
        &p - 2u32,
        &p - 1u32,
        p.clone(),
        &p + 1u32,
        &one << 255u32,
        (&one << 255u32) - 1u32,
        &m - 1u32,
        m,
        (&one << 128u32) - 1u32,
        &one << 40u32,
        (&one << 40u32) - 1u32,
    ]
}

fn rand256(rng: &mut ChaCha8Rng) -> BigUint {
    let mut b = [0u8; 32];
    rng.fill(&mut b);
    BigUint::from_bytes_le(&b)
}

/// An operand: an edge value, a random value below p, or a random 256-bit value.
fn operand(rng: &mut ChaCha8Rng, edges: &[BigUint]) -> BigUint {
    match rng.gen_range(0..4) {
        0 => edges[rng.gen_range(0..edges.len())].clone(),
        1 => rand256(rng) % p(),
        _ => rand256(rng),
    }
}

fn random_op(rng: &mut ChaCha8Rng, edges: &[BigUint], tag: u32) -> AluOp {
    let ops = [
        op::LIN,
        op::LIN,
        op::LIN,
        op::NEGC,
        op::ADD,
        op::SUB,
        op::CMP,
        op::MOV,
        op::SHRR,
        op::ODD,
        op::REC,
        op::LOAD,
    ];
    let o = ops[rng.gen_range(0..ops.len())];
    let a = operand(rng, edges);
    let b = if o == op::NEGC {
        a.clone()
    } else {
        operand(rng, edges)
    };
    AluOp {
        op: o,
        imm: rng.gen(),
        sg: rng.gen(),
        asel: if o == op::LOAD {
            src::J_OR_K
        } else {
            rng.gen_range(0..2)
        },
        bsel: rng.gen_range(0..3),
        tag: tag & 0xFF_FFFF,
        a,
        b,
    }
}

fn check(o: &AluOp, got: &AluOutput) -> Result<(), String> {
    let want = exec(o.op, o.imm, o.sg, &o.a, &o.b);
    let mut err = Vec::new();
    if got.tag != o.tag {
        err.push(format!("tag {:#x} want {:#x}", got.tag, o.tag));
    }
    if got.we != want.write.is_some() || got.rec != want.rec.is_some() {
        err.push(format!(
            "we/rec {}/{} want {:?}/{:?}",
            got.we, got.rec, want.write, want.rec
        ));
    }
    if let Some(v) = want.write.as_ref().or(want.rec.as_ref()) {
        if *v != got.data {
            err.push(format!("data {:#x} want {v:#x}", got.data));
        }
    }
    if (got.eq, got.lt, got.c, got.od) != (want.eq, want.lt, want.c, want.od) {
        err.push(format!(
            "flags eq/lt/c/od {:?} want {:?}",
            (got.eq, got.lt, got.c, got.od),
            (want.eq, want.lt, want.c, want.od)
        ));
    }
    if err.is_empty() {
        Ok(())
    } else {
        Err(err.join("; "))
    }
}

/// Runs `ops` back to back; on a mismatch re-runs them into a VCD and panics with the seed.
fn run_batch(name: &str, seed: u64, ops: &[AluOp], noise: &BigUint) {
    let mut sim = AluSim::new(None).expect("model vcore_alu");
    let outs = sim
        .run(ops, noise)
        .unwrap_or_else(|e| panic!("{name} (seed {seed}): {e}"));
    assert_eq!(outs.len(), ops.len());
    for (i, (o, got)) in ops.iter().zip(&outs).enumerate() {
        if let Err(e) = check(o, got) {
            let vcd = verif::sim::vcd_path(&format!("{name}-{seed}"));
            if let Ok(mut s) = AluSim::new(Some(&vcd)) {
                let _ = s.run(ops, noise);
                s.flush_vcd();
            }
            panic!(
                "{name}: op {i} (seed {seed}, SATCHAIN_SEED={seed} replays) {:?} imm {:#x} sg {} a {:#x} b {:#x}: {e}\n  VCD: {}",
                o.op,
                o.imm,
                o.sg,
                o.a,
                o.b,
                vcd.display()
            );
        }
    }
}

#[test]
fn vcore_alu_every_lin_factor_and_shift_on_edges() {
    let seed = verif::vcore::seed();
    println!("vcore_alu exhaustive: seed {seed} (SATCHAIN_SEED to replay)");
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let e = edges();
    let mut ops = Vec::new();
    let mut tag = 0u32;
    let mut push = |ops: &mut Vec<AluOp>, o: u64, imm: u8, sg: bool, a: &BigUint, b: &BigUint| {
        tag += 1;
        ops.push(AluOp {
            op: o,
            imm,
            sg,
            asel: if o == op::LOAD {
                src::J_OR_K
            } else {
                u64::from(tag % 2)
            },
            bsel: u64::from(tag % 3),
            tag,
            a: a.clone(),
            b: b.clone(),
        });
    };
    // Every LIN immediate (factor codes incl. reserved ones, both signs, bit 7 ignored).
    for imm in 0..=255u8 {
        let a = &e[(imm as usize) % e.len()];
        let b = &e[(imm as usize / 3) % e.len()];
        push(&mut ops, op::LIN, imm, false, a, b);
        let (ra, rb) = (rand256(&mut rng) % p(), rand256(&mut rng) % p());
        push(&mut ops, op::LIN, imm, false, &ra, &rb);
    }
    // Every SHRR shift, on edges and random values.
    for imm in 0..=255u8 {
        let a = &e[(imm as usize) % e.len()];
        push(&mut ops, op::SHRR, imm, false, a, a);
        let r = rand256(&mut rng);
        push(&mut ops, op::SHRR, imm, false, &r, &r);
    }
    // Every pair of edges through the two-operand ops, NEGC both ways, ODD, REC, load.
    for a in &e {
        for b in &e {
            for o in [op::ADD, op::SUB, op::CMP, op::MOV] {
                push(&mut ops, o, 0, false, a, b);
            }
            push(&mut ops, op::LIN, 0x2D | 0x40, false, a, b); // 8a - 8b
            push(&mut ops, op::LIN, 0x2D, false, a, b); // 8a + 8b
            push(&mut ops, op::LIN, 0x1B | 0x40, false, a, b); // 3a - 3b
        }
        for sg in [false, true] {
            push(&mut ops, op::NEGC, 0, sg, a, a);
        }
        for o in [op::ODD, op::REC, op::LOAD] {
            push(&mut ops, o, 0, false, a, &BigUint::default());
        }
    }
    let noise = rand256(&mut rng);
    run_batch("vcore_alu_exhaustive", seed, &ops, &noise);
}

#[test]
fn vcore_alu_random_back_to_back() {
    let seed = verif::vcore::seed();
    let batches = verif::vcore::cases(40);
    println!("vcore_alu random: {batches} batches of 256, seed {seed} (SATCHAIN_SEED to replay)");
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0xA1u64);
    let e = edges();
    for batch in 0..u32::try_from(batches).unwrap_or(u32::MAX) {
        let ops: Vec<AluOp> = (0..256u32)
            .map(|i| random_op(&mut rng, &e, batch << 8 | i))
            .collect();
        let noise = rand256(&mut rng);
        run_batch(&format!("vcore_alu_random_{batch}"), seed, &ops, &noise);
    }
}

/// The reset clears the output stage (its tag would otherwise be an SRL16E, the top's longest
/// path): an op whose result reaches that stage during the reset comes out neither valid nor
/// tagged; a reset one clock earlier or later, or none, leaves it untouched.
#[test]
fn vcore_alu_reset_clears_the_output_stage() {
    let seed = verif::vcore::seed();
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5E7u64);
    let e = edges();
    let lat = satchain_hdl::vcore::alu::ALU_LATENCY as usize;
    let noise = rand256(&mut rng);
    let mut sim = AluSim::new(None).expect("model vcore_alu");
    for i in 0..32u32 {
        // A nonzero tag, so a cleared tag shows.
        let o = random_op(&mut rng, &e, 0x1_0000 | (i + 1));
        let want_tag = u64::from(o.tag);
        for at in [None, Some(lat - 2), Some(lat)] {
            assert_eq!(
                sim.valid_tag_with_reset(&o, &noise, at),
                (true, want_tag),
                "op {i} (seed {seed}) {:?}, reset at {at:?}: the op must come out",
                o.op
            );
        }
        assert_eq!(
            sim.valid_tag_with_reset(&o, &noise, Some(lat - 1)),
            (false, 0),
            "op {i} (seed {seed}) {:?}, reset as it enters the output stage: must be cleared",
            o.op
        );
    }
}
