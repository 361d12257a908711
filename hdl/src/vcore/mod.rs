//! VerifyCore: the ECDSA/BIP340 verification core v3 (one pipelined field multiplier per
//! cluster, many verifications in flight). The contract is `ARCH.md` and `ISA.md` in this
//! directory; every block here is built against them.
//!
//! This module holds the parameters and the timing model that the RTL and the ISS share.
//! The RTL owns the latencies: a change of a pipeline depth changes [`timing`] in the same
//! commit, and the ISS follows automatically.
//!
//! Software half: [`isa`] (64-bit words), [`effects`] (what an instruction reads and writes),
//! [`asm`] (assembler; [`sched`] list scheduler, [`waits`] wait computation), [`consts`],
//! [`program`], [`iss`]; their README follows.
#![doc = include_str!("README.md")]

pub mod asm;
pub mod consts;
pub mod effects;
pub mod isa;
pub mod iss;
pub mod program;
pub mod sched;
pub mod toy;
pub mod waits;

pub mod fmul;
pub mod recoder;
pub mod su;

use crate::catalog::{Block, Domain};

/// The VerifyCore blocks in the catalogue: Verilator models for their equivalence tests
/// (`verif/tests/vcore_*.rs`). Not synthesized by `bitstreams/synth.sh` until they are in the
/// top; each block's README gives its own yosys command and figures.
pub const BLOCKS: &[Block] = &[
    Block {
        name: "vcore_su",
        doc: "ScalarUnit (order n of secp256k1): range checks, u1 = z/s, u2 = r/s mod n",
        domain: Domain::Engine,
        clock: "clock",
        synth: false,
        sim: true,
        verilog: || Some(su::verilog(&su::model::SuModulus::secp256k1())),
    },
    Block {
        name: "vcore_su_toy",
        doc: "ScalarUnit for the toy group order su::TOY_ORDER (same RTL)",
        domain: Domain::Engine,
        clock: "clock",
        synth: false,
        sim: true,
        verilog: || {
            su::model::SuModulus::with_order(&num_bigint::BigUint::from(su::TOY_ORDER))
                .ok()
                .map(|md| su::verilog(&md))
        },
    },
    Block {
        name: "vcore_fmul",
        doc: "FieldMul: pipelined 256x256 multiplier mod p on DSP48E1 cascades (16-bit tag)",
        domain: Domain::Engine,
        clock: "clock",
        synth: false,
        sim: true,
        // A plan that fails to build leaves the model out (its tests then fail with "no such
        // model").
        verilog: || fmul::verilog::<{ fmul::SIM_TAG_BITS }>().ok(),
    },
    Block {
        name: "vcore_fmul_leaves",
        doc: "FieldMul's DSP48E1 leaves, one of each, for their equivalence test",
        domain: Domain::Engine,
        clock: "clock",
        synth: false,
        sim: true,
        verilog: || Some(fmul::leaf_top::verilog()),
    },
    Block {
        name: "vcore_alu",
        doc: "Cluster A-class ALU (LIN/NEGC mod p, ADD/SUB/CMP/MOV/SHRR/ODD/REC, job load)",
        domain: Domain::Engine,
        clock: "clock",
        synth: false,
        sim: true,
        verilog: || Some(alu::verilog()),
    },
    Block {
        name: "vcore_cluster_tb",
        doc: "Cluster test bench: one cluster with the verification-only FieldMul stand-in",
        domain: Domain::Test,
        clock: "clock",
        synth: false,
        sim: true,
        verilog: || cluster_tb_verilog().ok(),
    },
    Block {
        name: "vcore_cluster_core",
        doc:
            "ClusterCore: one cluster with its real FieldMul and Recoder (ROM/K loaded at run time)",
        domain: Domain::Engine,
        clock: "clock",
        synth: false,
        sim: true,
        // A FieldMul plan that fails to build leaves the model out (its tests then fail with
        // "no such model").
        verilog: || cluster_core::verilog(Vec::new(), Vec::new()).ok(),
    },
    Block {
        name: "vcore_recoder",
        doc: "Recoder: signed wNAF digits into the digit RAM, one per clock",
        domain: Domain::Engine,
        clock: "clock",
        synth: false,
        sim: true,
        verilog: || Some(recoder::rtl::verilog()),
    },
    Block {
        name: "vcore_verify_core",
        doc: "VerifyCore<1>: ScalarUnit + ReadyQueue + one ClusterCore, job and verdict ports \
              (ROM/K loaded at run time)",
        domain: Domain::Engine,
        clock: "clock",
        // Not synthesized by bitstreams/synth.sh: its yosys run takes 13 minutes (767.6 s,
        // `bitstreams/examples/cluster_synth.rs --verify-core`, results committed in
        // bitstreams/data/synth-results), and the script's report check would fail on a block
        // the committed hw-report.json does not have (README.md). The secp256k1 images are
        // in the ROM and K bank of the synthesized one; this model loads them at run time.
        synth: false,
        sim: true,
        verilog: || {
            verify_core::verilog::<1>(su::model::SuModulus::secp256k1(), Vec::new(), Vec::new())
                .ok()
        },
    },
    Block {
        name: "vcore_verify_core2",
        doc: "VerifyCore<2>: the same core with two ClusterCores (hand-off to the lowest ready \
              cluster, one verdict FIFO per cluster), ROM/K loaded at run time",
        domain: Domain::Engine,
        clock: "clock",
        // Simulated only, like `vcore_verify_core` (same reasons).
        synth: false,
        sim: true,
        verilog: || {
            verify_core::verilog::<2>(su::model::SuModulus::secp256k1(), Vec::new(), Vec::new())
                .ok()
        },
    },
    Block {
        name: "vcore_verify_core_toy",
        doc: "VerifyCore<1> with the ScalarUnit built for the toy group order 13 (`toy`), for \
              the exhaustive toy-curve test on the RTL; ROM/K loaded at run time",
        domain: Domain::Engine,
        clock: "clock",
        // Simulated only: the same RTL as `vcore_verify_core` but for the ScalarUnit's
        // modulus, the only curve constant compiled in (p is secp256k1's for every curve of
        // the core; the program and K bank carry the rest and are loaded by the bench).
        synth: false,
        sim: true,
        verilog: || {
            let md = su::model::SuModulus::with_order(&num_bigint::BigUint::from(toy::N)).ok()?;
            verify_core::verilog::<1>(md, Vec::new(), Vec::new()).ok()
        },
    },
];

pub mod alu;
pub mod cluster;
pub mod cluster_core;
pub mod cluster_tb;
pub mod fmul_standin;
pub mod job_stream;
pub mod mem;
pub mod ready_queue;
pub mod regfile;
pub mod rom;
pub mod seq;
pub mod verify_core;

pub mod params {
    //! Structural parameters (ARCH.md, "Parameters").

    /// Clusters in the core (each: one FieldMul, one ALU, [`THREADS`] threads).
    pub const CLUSTERS: usize = 2;
    /// Threads per cluster (2..=32; not necessarily a power of two). 24: the ISS puts one
    /// cluster's multiplier at 0.915 busy on block 413567's mix (0.692 at 16, 0.971 at 32),
    /// and 32 threads do not fit the LUT budget beside the hash path (README.md, "How many
    /// threads fit").
    pub const THREADS: usize = 24;
    /// Registers per thread written by M-class ops.
    pub const P_REGS: usize = 32;
    /// Registers per thread written by A-class ops and job loads.
    pub const S_REGS: usize = 32;
    /// Constant bank words (256 bit).
    pub const K_WORDS: usize = 256;
    /// Program ROM words (64 bit).
    pub const ROM_WORDS: usize = 2048;
    /// wNAF digit arrays per thread.
    pub const DIG_SLOTS: usize = 4;
    /// Digits per array.
    pub const DIG_POSITIONS: usize = 136;
    /// Recoder request queue depth per cluster.
    pub const REC_QUEUE: usize = 4;
    /// Job words loaded into `S0..S5`.
    pub const JOB_WORDS: usize = 6;
    /// Bits of a thread number (`THREADS <= 2^THREAD_BITS`; the bank and digit-RAM addresses
    /// of thread numbers `THREADS..2^THREAD_BITS` are never used).
    pub const THREAD_BITS: usize = (usize::BITS - (THREADS - 1).leading_zeros()) as usize;
    /// Address bits of a P or S bank (`THREADS x 32` words).
    pub const BANK_ADDR_BITS: usize = THREAD_BITS + 5;
    /// Address bits of the digit RAM: {thread, slot[1:0], position[7:0]}.
    pub const DIG_ADDR_BITS: usize = THREAD_BITS + 10;

    const _: () = assert!(THREADS >= 2 && THREADS <= 32 && THREADS <= 1 << THREAD_BITS);
}

/// Verilog of the cluster test bench ([`cluster_tb::ClusterTb`]: cluster + verification-only
/// FieldMul stand-in). Its ROM and K bank start empty: the tests load the program under test
/// through the load ports (which also keeps the model's initialisation code small).
///
/// # Errors
/// None today (the signature leaves room for an image that does not fit).
pub fn cluster_tb_verilog() -> Result<String, String> {
    use rust_hdl::prelude::Block;
    let mut uut = cluster_tb::ClusterTb::new(&[], &[]);
    uut.connect_all();
    Ok(rust_hdl::prelude::generate_verilog(&uut))
}

pub mod timing {
    //! Cycle model (ARCH.md, "Timing model"). PROVISIONAL values until the RTL fixes them;
    //! the RTL block that owns each latency updates it here.

    /// Select cycle to the cycle in which the thread's next HEAD is valid (owner: cluster RTL;
    /// select, next-PC mux to the ROM, ROM array, ROM output register: `cluster.rs`).
    pub const FETCH_CYCLES: u32 = 4;
    /// Select cycle of an M-class op to its register write (and `mc` decrement) (owner:
    /// cluster RTL): 4 cycles to the FieldMul's `in_valid`, then its latency (25; its outputs
    /// are flip-flops that write the P bank directly); `cluster_core.rs` asserts it against
    /// `fmul::FMUL_LATENCY`.
    pub const MUL_WB: u32 = 29;
    /// Select cycle of an A-class op to its register/flag write (and `ac` decrement) (owner:
    /// cluster RTL): 2 cycles to the ALU's field input, `alu::ALU_LATENCY` = 7.
    pub const ALU_WB: u32 = 9;
    /// Select cycle of a HALT (or fault) to the cluster's `res_valid` pulse (cluster RTL;
    /// no thread sees it: for the core top's result path).
    pub const RES_DELAY: u32 = 2;
    /// HALT select (or the ScalarUnit's early-result cycle) to the first cycle the verdict
    /// can leave the VerifyCore's verdict port (owner: `verify_core.rs`): `RES_DELAY` plus
    /// the result FIFO's write-to-visible 2 (`prim::SyncFifo`); early results are delayed
    /// by `RES_DELAY` registers to line up.
    pub const VERDICT_DELAY: u32 = RES_DELAY + 2;
    /// Recoder: a request accepted by an empty recoder in cycle t has digit i on the write port
    /// in cycle t + REC_START + i (owner: `recoder`; queue rules in `recoder::model::RecTimeline`).
    pub const REC_START: u32 = 3;
    /// ScalarUnit (owner: `su`; all counts in clocks from the clock a job is accepted; every
    /// compute cycle takes two clocks, `su/rtl.rs` "Two clocks per compute cycle", so a job of
    /// C cycles takes 2·C − 1 clocks): clocks before the first step of an ECDSA job.
    pub const SU_SETUP: u32 = 6;
    /// ScalarUnit clocks per step: halve-u, halve-v, sub-u, sub-v. A sub takes a second
    /// cycle without a step, so that the halve after it reads the sub's sign from a register
    /// (`su/README.md`, "Theory": the clock's critical path until 2026-12-07).
    pub const SU_STEP_CYCLES: [u32; 4] = [2, 2, 4, 4];
    /// ScalarUnit cycles after the last step to the output (`out_valid`).
    pub const SU_FINISH: u32 = 3;
    /// ScalarUnit cycles from acceptance to an early result (BAD_R / BAD_S, both kinds).
    pub const SU_EARLY: u32 = 5;
    /// ScalarUnit cycles from acceptance to the output of a Schnorr job that passes the checks.
    pub const SU_PASS: u32 = 5;
    /// A thread running longer than this stops with ENGINE_FAULT.
    pub const WATCHDOG_CYCLES: u32 = 1 << 20;
}
