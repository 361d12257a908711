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

/// Verilator models of the ECDSA blocks.
pub fn sim_models() -> Vec<crate::SimModel> {
    let mut v = Vec::new();
    v.extend(arith_sim_models());
    v.extend(engine_sim_models());
    v
}

/// Verilator model of the arithmetic unit: `ecdsa_modmul`, generated standalone with top
/// module `top`. (ISA v1's `ModInv` unit was removed in v2: the program inverts by
/// exponentiation on `ModMul`; see `README-rtl.md`.)
pub fn arith_sim_models() -> Vec<crate::SimModel> {
    vec![crate::SimModel {
        name: "ecdsa_modmul",
        verilog: modmul::verilog(),
    }]
}

/// Verilator models of the engine (owner: the engine RTL): `ecdsa_engine` (the verify program
/// of `program.rs`), `ecdsa_engine_selftest` and
/// `ecdsa_engine_faults`, the engine running `engine::selftest_program()` and
/// `engine::fault_test_program()`. A program that fails to assemble leaves its model out (the
/// tests that open it then fail with "no such model").
pub fn engine_sim_models() -> Vec<crate::SimModel> {
    let mut v = Vec::new();
    let verify = program::verify_program();
    if !verify.words.is_empty() {
        v.push(crate::SimModel {
            name: "ecdsa_engine",
            verilog: engine::verilog(&verify.words),
        });
    }
    if let Ok(p) = engine::selftest_program() {
        v.push(crate::SimModel {
            name: "ecdsa_engine_selftest",
            verilog: engine::verilog(&p),
        });
    }
    if let Ok(p) = engine::fault_test_program() {
        v.push(crate::SimModel {
            name: "ecdsa_engine_faults",
            verilog: engine::verilog(&p),
        });
    }
    v
}
