//! `FieldMul`: the VerifyCore's fully pipelined 256x256-bit multiplier (ARCH.md, "FieldMul"):
//! one operation per clock, fixed latency [`FMUL_LATENCY`], modes MODP (`a·b mod p`,
//! canonical), LO (`a·b mod 2^256`) and HI (`floor(a·b / 2^256)`) for every `a, b < 2^256`,
//! a tag carried alongside. Two-level Karatsuba on 108 DSP48E1 (nine 66x66-bit sub-products,
//! each three 4-DSP PCIN cascades), carry-save chunked adders, the fold
//! `2^256 = 2^32 + 977 (mod p)` on 13 more DSPs, a carry-lookahead final stage.
//!
//! Files: `plan.rs` (layout, stages, constants and bounds, shared), `model.rs` (golden model
//! at hardware granularity; `model_check.rs` its error type and checks, `model_tests.rs` its
//! tests), `leaf.rs` (the DSP48E1 Verilog leaves), `rtl.rs` + `rtl_logic.rs` (the rust-hdl
//! block, edges 0..=20) and `final_unit.rs` (its child, edges 21..=24), `leaf_top.rs` (a
//! wrapper that exposes one of each leaf for its own Verilator test). Theory, pipeline
//! diagram, measurements: `README.md`.

mod final_unit;
pub mod leaf;
pub mod leaf_top;
pub mod model;
mod model_check;
pub mod plan;
pub mod rtl;
mod rtl_logic;

pub use rtl::FieldMul;
use rust_hdl::prelude::{generate_verilog, Block};

/// Clock cycles from the cycle an operation is presented (`in_valid` high) to the cycle its
/// result is on `out` with `out_valid` high. The cluster's `MUL_WB` builds on it
/// (`vcore::timing`, VCORE-DECISIONS.md).
pub const FMUL_LATENCY: u32 = 25;
const _: () = assert!(FMUL_LATENCY as usize == rtl::PIPE && FMUL_LATENCY <= 32);

/// Tag width of the standalone Verilator model (the block is generic over it, >= 10).
pub const SIM_TAG_BITS: usize = 16;

/// Operation of one FieldMul issue (`mode` port).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Mode {
    /// `a·b mod p`, canonical.
    ModP,
    /// `a·b mod 2^256`.
    Lo,
    /// `floor(a·b / 2^256)`.
    Hi,
}

impl Mode {
    /// The `mode` port value.
    pub fn code(self) -> u8 {
        match self {
            Mode::ModP => 0,
            Mode::Lo => 1,
            Mode::Hi => 2,
        }
    }
    /// The operation the RTL performs for a `mode` port value (2 bits): 1 LO, 2 HI, and 0 or
    /// the reserved 3 MODP.
    pub fn from_code(code: u8) -> Mode {
        match code & 3 {
            1 => Mode::Lo,
            2 => Mode::Hi,
            _ => Mode::ModP,
        }
    }
}

/// Stack for building the block: rust-hdl keeps every `Bits<N>` wider than 128 bits as an
/// inline `[bool; N]` (three per signal), so `FieldMul` is several megabytes by value.
pub const BUILD_STACK: usize = 256 << 20;

/// Runs `build` (which builds a block containing FieldMuls and returns its Verilog) on a thread
/// with a [`BUILD_STACK`]-byte stack: every Verilog generator of such a block goes through here.
///
/// # Errors
/// `build`'s error, or the build thread cannot start or fails.
pub fn on_build_stack<F>(build: F) -> Result<String, plan::PlanError>
where
    F: FnOnce() -> Result<String, plan::PlanError> + Send + 'static,
{
    let worker = std::thread::Builder::new()
        .stack_size(BUILD_STACK)
        .spawn(build)
        .map_err(|e| plan::PlanError(format!("cannot start the build thread: {e}")))?;
    worker
        .join()
        .map_err(|_| plan::PlanError("the build thread failed".into()))?
}

/// The Verilog of a standalone `FieldMul` with a `TAG`-bit tag (top module `top`). Built on a
/// thread with a [`BUILD_STACK`]-byte stack (see there).
pub fn verilog<const TAG: usize>() -> Result<String, plan::PlanError> {
    on_build_stack(|| {
        let mut uut = FieldMul::<TAG>::new()?;
        uut.connect_all();
        Ok(generate_verilog(&uut))
    })
}

/// `verilator --lint-only -Wall` (every warning fatal) of Verilog that contains a FieldMul:
/// the project's waivers and this block's `lint.vlt`. The file is left in `target/<dir>/`.
/// For the lint tests of this block and of the blocks that instantiate it.
#[cfg(test)]
pub(crate) fn lint_with_waivers(dir: &str, file: &str, verilog: &str) -> Result<(), String> {
    let own = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/vcore/fmul/lint.vlt");
    crate::prim::lint::verilator_lint(dir, file, verilog, &[own]).map(|_| ())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    fn lint(name: &str, text: &str) {
        if let Err(e) = lint_with_waivers("vcore_fmul", name, text) {
            panic!("{e}");
        }
    }

    /// The generated Verilog of the block and of the leaf wrapper passes
    /// `verilator --lint-only -Wall` (every warning fatal; the project's waiver file and this
    /// block's `lint.vlt`, each waiver with its reason); the
    /// files are left in `target/vcore_fmul/` for yosys.
    #[test]
    fn fmul_verilog_lints_clean() {
        lint("fmul", &verilog::<SIM_TAG_BITS>().unwrap());
        lint("fmul_leaves", &leaf_top::verilog());
    }
}
