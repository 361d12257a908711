//! The FieldMul golden model's error type and the bound / match checks every stage uses
//! (`model.rs`).

use super::plan::PlanError;
use num_bigint::BigUint;

/// A model failure: bad input, a bound the hardware relies on, or a stage whose words do not
/// stand for the value they must.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FmulModelError {
    /// An operand is not below 2^256.
    OperandTooWide {
        /// "a" or "b".
        operand: &'static str,
        /// Its bit length.
        bits: u64,
    },
    /// An intermediate exceeded its hardware word or its planned bound.
    Bound {
        /// Where.
        what: String,
        /// The offending value (hex).
        value: String,
    },
    /// A stage's words do not add up to the value they stand for.
    Mismatch {
        /// Where.
        what: String,
    },
    /// The plan did not build.
    Plan(PlanError),
}

impl std::fmt::Display for FmulModelError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FmulModelError::OperandTooWide { operand, bits } => {
                write!(f, "operand {operand} has {bits} bits, must be < 2^256")
            }
            FmulModelError::Bound { what, value } => write!(f, "{what}: {value} out of bound"),
            FmulModelError::Mismatch { what } => write!(f, "{what}: words do not match value"),
            FmulModelError::Plan(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for FmulModelError {}

impl From<PlanError> for FmulModelError {
    fn from(e: PlanError) -> Self {
        FmulModelError::Plan(e)
    }
}

pub(super) fn bound(
    what: impl Into<String>,
    v: &BigUint,
    limit: &BigUint,
) -> Result<(), FmulModelError> {
    if v > limit {
        return Err(FmulModelError::Bound {
            what: what.into(),
            value: format!("{v:x}"),
        });
    }
    Ok(())
}

/// `v`'s bits must all lie in `m`.
pub(super) fn within(
    what: impl Into<String>,
    v: &BigUint,
    m: &BigUint,
) -> Result<(), FmulModelError> {
    if (v & m) != *v {
        return Err(FmulModelError::Bound {
            what: what.into(),
            value: format!("{v:x}"),
        });
    }
    Ok(())
}

pub(super) fn check(what: impl Into<String>, ok: bool) -> Result<(), FmulModelError> {
    if ok {
        Ok(())
    } else {
        Err(FmulModelError::Mismatch { what: what.into() })
    }
}
