//! ECDSA secp256k1 verification engine: microcode ISA, assembler, program, ISS (golden model)
//! and the rust-hdl RTL. See `ISA.md` for the contract between them.
//!
#![doc = include_str!("README.md")]

pub mod arith_model;
pub mod asm;
pub mod cdc;
pub mod consts;
pub mod engine;
pub mod isa;
pub mod model;
pub mod modmul;
pub mod mulleaf;
pub mod program;
pub mod regfile;
pub mod sequencer;
pub mod timing;

use crate::catalog::{Block, Domain};
use crate::prim::verilog_of;

/// The ECDSA blocks in the catalogue (`crate::catalog`): the arithmetic unit `ecdsa_modmul`
/// (standalone, model only; ISA v1's `ModInv` unit was removed in v2: the program inverts
/// by exponentiation on `ModMul`, see `README-rtl.md`), the engine running the verify
/// program of `program.rs` (`ecdsa_engine`), the engine running `engine::selftest_program()`
/// and `engine::fault_test_program()` (models only), and the engine behind its clock-domain
/// crossing as the top instantiates it (`ecdsa_engine_cdc`, synthesis only). A test
/// program that fails to assemble leaves its model out (the tests that open it then fail
/// with "no such model").
pub const BLOCKS: &[Block] = &[
    Block {
        name: "ecdsa_modmul",
        doc: "ModMul: the engine's 256-bit modular multiplier (mod p / mod n)",
        domain: Domain::Engine,
        clock: "clock",
        synth: false,
        sim: true,
        verilog: || Some(verilog_of(modmul::ModMul::default())),
    },
    Block {
        name: "ecdsa_engine",
        doc: "EcdsaEngine running verify_program()",
        domain: Domain::Engine,
        clock: "clock",
        synth: true,
        sim: true,
        verilog: || {
            let words = program::verify_program().words;
            (!words.is_empty()).then(|| verilog_of(engine::EcdsaEngine::new(&words)))
        },
    },
    Block {
        name: "ecdsa_engine_selftest",
        doc: "EcdsaEngine running engine::selftest_program()",
        domain: Domain::Engine,
        clock: "clock",
        synth: false,
        sim: true,
        verilog: || {
            engine::selftest_program()
                .ok()
                .map(|p| verilog_of(engine::EcdsaEngine::new(&p)))
        },
    },
    Block {
        name: "ecdsa_engine_faults",
        doc: "EcdsaEngine running engine::fault_test_program()",
        domain: Domain::Engine,
        clock: "clock",
        synth: false,
        sim: true,
        verilog: || {
            engine::fault_test_program()
                .ok()
                .map(|p| verilog_of(engine::EcdsaEngine::new(&p)))
        },
    },
    Block {
        name: "ecdsa_engine_cdc",
        doc: "EngineCdc: the engine behind its clock-domain crossing, as the top instantiates it",
        domain: Domain::Engine,
        clock: "eclock",
        synth: true,
        sim: false,
        verilog: || {
            Some(verilog_of(cdc::EngineCdc::new(
                &program::verify_program().words,
            )))
        },
    },
];
