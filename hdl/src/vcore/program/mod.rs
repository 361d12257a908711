//! The verification programs of the VerifyCore, written once with the assembler
//! ([`super::asm`]) and generated per curve ([`super::consts::CurveDesc`]): ECDSA (kind 0,
//! entry `entry_ecdsa`) and BIP340 Schnorr (kind 1, entry `entry_schnorr`) in one ROM image.
//!
//! Structure (details in `vcore/README.md`):
//! 1. public key: range/prefix checks, decompression (`sqrt`, libsecp256k1's addition chain)
//!    or the curve equation; BIP340's lift_x;
//! 2. GLV split of both scalars with MULHI/SHRR/MULLO ([`arith::glv_split`]), four REC
//!    requests (G, λG with the K-bank window, Q, λQ with the per-thread window);
//! 3. the per-thread table of odd multiples of Q on an isomorphic curve where they all share
//!    one Z ("effective affine", [`point::build_table`]), so every addition in the loop is a
//!    mixed addition;
//! 4. one interleaved wNAF loop over the digit positions ([`ladder`]), phase A while the
//!    accumulator is the point at infinity, phase B otherwise; special cases exact;
//! 5. the final check: ECDSA X == r·Z² or (r+n)·Z² (Jacobian), toy curves by the affine x
//!    reduced mod n; Schnorr X == r·Z², then the parity of the affine y (Z⁻¹ by Fermat).

pub mod arith;
pub mod ladder;
pub mod point;
pub mod verify;

use super::asm::{AsmError, AsmOptions, Program};
use super::consts::{CurveDesc, CurveError};
use super::isa::Reg;
use std::sync::OnceLock;

/// Entry label of kind 0 (ECDSA).
pub const ENTRY_ECDSA: &str = "entry_ecdsa";
/// Entry label of kind 1 (BIP340 Schnorr).
pub const ENTRY_SCHNORR: &str = "entry_schnorr";

/// Labels tests look up.
pub mod labels {
    pub const PHASE_A: &str = "phase_a";
    pub const PHASE_B: &str = "phase_b";
    pub const SPECIAL_DBL: &str = "special_dbl";
    pub const SPECIAL_INF: &str = "special_inf";
    pub const R_INFINITY: &str = "r_infinity";
    pub const FINAL_R_PLUS_N: &str = "final_r_plus_n";
    pub const DECOMPRESS: &str = "decompress";
    pub const SCHNORR_PARITY: &str = "schnorr_parity";
}

/// Register layout, derived from the Q-table size `nq = 2^(w_q − 2)`.
///
/// | bank | registers | contents |
/// |---|---|---|
/// | S | S0 | r (kept for the final check) |
/// | S | S1, S2 | u1, u2 (ECDSA) / s, e (Schnorr) — consumed by the split |
/// | S | S3, S4 | Qx, Qy (Schnorr: Px, then y) |
/// | S | S5 | meta (SEC1 prefix) |
/// | S | S6, S7 | accumulator X, Y |
/// | S | S8 .. S8+nq | table x' |
/// | S | S8+nq .. S8+2nq | table y' |
/// | S | the rest | ALU temporaries |
/// | P | P0 .. Pnq | table β·x' (λQ) |
/// | P | Pnq | Zt (the table's isomorphism scale) |
/// | P | Pnq+1 | accumulator Z |
/// | P | the rest | multiplier temporaries |
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    pub nq: u8,
    pub r: Reg,
    pub u1: Reg,
    pub u2: Reg,
    pub qx: Reg,
    pub qy: Reg,
    pub meta: Reg,
    pub ax: Reg,
    pub ay: Reg,
    pub az: Reg,
    pub zt: Reg,
    pub tx: Reg,
    pub ty: Reg,
    pub tlx: Reg,
    /// ALU temporaries (S bank).
    pub st: Vec<Reg>,
    /// Multiplier temporaries (P bank).
    pub pt: Vec<Reg>,
}

impl Layout {
    /// The layout for a curve's Q-table window.
    pub fn new(desc: &CurveDesc) -> Layout {
        let nq = 1u8 << (desc.w_q - 2);
        Layout {
            nq,
            r: Reg::s(0),
            u1: Reg::s(1),
            u2: Reg::s(2),
            qx: Reg::s(3),
            qy: Reg::s(4),
            meta: Reg::s(5),
            ax: Reg::s(6),
            ay: Reg::s(7),
            tx: Reg::s(8),
            ty: Reg::s(8 + nq),
            st: (8 + 2 * nq..32).map(Reg::s).collect(),
            tlx: Reg::p(0),
            zt: Reg::p(nq),
            az: Reg::p(nq + 1),
            pt: (nq + 2..32).map(Reg::p).collect(),
        }
    }
}

/// Generation options.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ProgramOptions {
    /// Assembler options (scheduling, folding).
    pub asm: AsmOptions,
}

/// Builds the ECDSA + Schnorr program for `desc`.
pub fn build(desc: &CurveDesc, opts: &ProgramOptions) -> Result<Program, AsmError> {
    verify::build(desc, opts)
}

/// The secp256k1 curve description (derived once).
pub fn secp256k1_desc() -> Result<&'static CurveDesc, CurveError> {
    static D: OnceLock<Result<CurveDesc, CurveError>> = OnceLock::new();
    D.get_or_init(CurveDesc::secp256k1)
        .as_ref()
        .map_err(Clone::clone)
}

/// The product program (secp256k1, default options), built once.
pub fn secp256k1_program() -> Result<&'static Program, ProgramError> {
    static P: OnceLock<Result<Program, ProgramError>> = OnceLock::new();
    P.get_or_init(|| {
        let d = secp256k1_desc().map_err(ProgramError::Curve)?;
        build(d, &ProgramOptions::default()).map_err(ProgramError::Asm)
    })
    .as_ref()
    .map_err(Clone::clone)
}

/// The program could not be generated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProgramError {
    Curve(CurveError),
    Asm(AsmError),
}

impl std::fmt::Display for ProgramError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProgramError::Curve(e) => write!(f, "curve: {e}"),
            ProgramError::Asm(e) => write!(f, "assembler: {e}"),
        }
    }
}

impl std::error::Error for ProgramError {}
