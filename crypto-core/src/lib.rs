#![no_std]
#![warn(missing_docs)]
#![doc = include_str!("../README.md")]
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::cast_possible_truncation
    )
)]

extern crate alloc;
#[cfg(any(feature = "std", test))]
extern crate std;

mod prelude;

pub mod backend;
pub mod blkfile;
pub mod block;
mod clock;
pub mod der;
pub mod encode;
pub mod hashes;
pub mod header;
pub mod merkle;
pub mod params;
pub mod pow;
pub mod recover;
#[cfg(feature = "bitcoin")]
pub mod rust_bitcoin;
pub mod schnorr;
pub mod script;
pub mod sighash;
pub mod taproot;
#[cfg(feature = "traits")]
pub mod traits;
pub mod tx;
pub mod validate;

pub use backend::{
    Backend, BackendError, BackendErrorKind, BackendStats, Digest32, HashJob, HashMode,
    PubkeyBytes, Verdict, VerifyFailure, VerifyJob,
};
pub use blkfile::{blk_file_blocks, BlkIter};
pub use block::Block;
pub use encode::{ParseError, ParseReason};
pub use hashes::{hash160, ripemd160};
#[cfg(feature = "bitcoin")]
pub use rust_bitcoin::{validate_bitcoin_block, BitcoinBlockReport};
pub use schnorr::{SchnorrFailure, SchnorrJob, SchnorrVerdict};
pub use tx::{OutPoint, Transaction, TxIn, TxOut};
pub use validate::{
    check_transaction, validate_block, validate_block_with_hashes, BlockHashes, BlockReport,
    Prevout, PrevoutProvider, ScriptFlags, SigCounts, TxReport, ValidateOptions,
    ValidateOptionsBuilder, ValidationError,
};

use core::fmt;
use core::str::FromStr;

use crate::prelude::*;

/// Which chain's block format and rules apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Chain {
    /// Bitcoin: 80-byte headers, proof of work.
    Bitcoin,
    /// Qtum: the extended, staker-signed header; proof of stake.
    Qtum,
}

impl FromStr for Chain {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "bitcoin" | "btc" => Ok(Chain::Bitcoin),
            "qtum" => Ok(Chain::Qtum),
            other => Err(format!(
                "unknown chain {other:?} (expected \"bitcoin\" or \"qtum\")"
            )),
        }
    }
}

impl fmt::Display for Chain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Chain::Bitcoin => "bitcoin",
            Chain::Qtum => "qtum",
        })
    }
}
