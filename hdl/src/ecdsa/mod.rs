//! ECDSA secp256k1 verification engine: microcode ISA, assembler, program, ISS (golden model)
//! and the rust-hdl RTL. See `ISA.md` for the contract between them.

pub mod asm;
pub mod consts;
pub mod isa;
pub mod model;
pub mod program;
pub mod timing;

/// Verilator models of the ECDSA blocks.
pub fn sim_models() -> Vec<crate::SimModel> {
    Vec::new()
}
