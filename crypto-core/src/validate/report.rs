//! What validation found: the first broken rule ([`ValidationError`]) and the per-block
//! report ([`BlockReport`], the CLI's `--json` object).

use crate::prelude::*;
use alloc::collections::BTreeMap;
use core::fmt;

use crate::backend::BackendError;
use crate::encode::ParseError;
use crate::params::Network;
use crate::pow::PowError;
use crate::Chain;

use super::blocksig::BlockSigError;
use super::options::ScriptFlags;

/// Signature counters. `checked` counts signatures the script rules required to be valid
/// (P2PKH/P2PK/P2WPKH: 1 per input; m-of-n multisig: m); `valid` of those verified;
/// `invalid` did not; `not_checkable` counts non-coinbase inputs that could not be checked
/// without the spent outputs (never counted as valid).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct SigCounts {
    pub checked: u64,
    pub valid: u64,
    pub invalid: u64,
    pub not_checkable: u64,
}

/// The first consensus rule a block broke.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub enum ValidationError {
    Parse(ParseError),
    BadMerkleRoot {
        computed: String,
        header: String,
    },
    /// Two identical adjacent hashes in the merkle tree (CVE-2012-2459).
    MutatedMerkle,
    BadPow(PowError),
    NoTransactions,
    FirstTxNotCoinbase,
    ExtraCoinbase {
        tx: usize,
    },
    BadCoinbaseLength {
        len: usize,
    },
    BlockTooLarge {
        what: &'static str,
        value: u64,
        limit: u64,
    },
    BadTx {
        tx: usize,
        reason: String,
    },
    DuplicateInput {
        tx: usize,
        input: usize,
        first: usize,
    },
    NullPrevout {
        tx: usize,
        input: usize,
    },
    BadWitnessCommitment {
        reason: String,
    },
    UnexpectedWitness {
        tx: usize,
    },
    BadCoinstake {
        reason: String,
    },
    /// `nVersion` below what the network requires at this height (`bad-version`).
    BadVersion {
        version: i32,
        height: u32,
        min: i32,
    },
    /// The coinbase does not start with the block's height (BIP34, `bad-cb-height`).
    BadCoinbaseHeight {
        /// The height the node gave, or `None` when the coinbase's own claim was checked.
        expected: Option<u32>,
        reason: String,
    },
    /// Qtum: a proof-of-work block above the network's last proof-of-work height (`reject-pow`).
    ProofOfWorkAfterLastPowBlock {
        height: u32,
        last: u32,
    },
    /// Qtum: a proof-of-stake block time not on the stake timestamp grid (`timestamp-invalid`).
    BadStakeTimestamp {
        time: u32,
        mask: u32,
    },
    /// The options name a network the chain does not have (e.g. Qtum testnet4).
    UnsupportedNetwork {
        chain: Chain,
        network: Network,
    },
    /// A signature check failed (verification, encoding, or multisig matching).
    BadSignature {
        tx: usize,
        input: usize,
        reason: String,
    },
    /// The input's script fails for a reason other than a signature (e.g. key hash mismatch).
    BadScript {
        tx: usize,
        input: usize,
        reason: String,
    },
    /// The Qtum block signature breaks a rule (encoding, verification, signer).
    BadBlockSignature {
        reason: BlockSigError,
    },
    /// Only with `require_all_checkable`.
    NotCheckable {
        tx: usize,
        input: usize,
        reason: String,
    },
    Backend(#[serde(serialize_with = "ser_display")] BackendError),
}

fn ser_display<S: serde::Serializer, T: fmt::Display>(v: &T, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(v)
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use ValidationError::*;
        match self {
            Parse(e) => write!(f, "{e}"),
            BadMerkleRoot { computed, header } => {
                write!(
                    f,
                    "merkle root mismatch: computed {computed}, header has {header}"
                )
            }
            MutatedMerkle => {
                f.write_str("merkle tree is mutated (duplicate adjacent hashes, CVE-2012-2459)")
            }
            BadPow(e) => write!(f, "proof of work: {e}"),
            NoTransactions => f.write_str("block has no transactions"),
            FirstTxNotCoinbase => f.write_str("tx 0 is not a coinbase"),
            ExtraCoinbase { tx } => write!(f, "tx {tx} is a second coinbase"),
            BadCoinbaseLength { len } => {
                write!(f, "tx 0: coinbase scriptSig length {len} not in 2..=100")
            }
            BlockTooLarge { what, value, limit } => {
                write!(f, "block {what} {value} exceeds {limit}")
            }
            BadTx { tx, reason } => write!(f, "tx {tx}: {reason}"),
            DuplicateInput { tx, input, first } => {
                write!(
                    f,
                    "tx {tx} input {input}: spends the same outpoint as input {first}"
                )
            }
            NullPrevout { tx, input } => {
                write!(f, "tx {tx} input {input}: null prevout in a non-coinbase")
            }
            BadWitnessCommitment { reason } => write!(f, "witness commitment: {reason}"),
            UnexpectedWitness { tx } => write!(
                f,
                "tx {tx} has unexpected witness data (no witness commitment, or segwit not active at this height)"
            ),
            BadCoinstake { reason } => write!(f, "coinstake: {reason}"),
            BadVersion {
                version,
                height,
                min,
            } => write!(
                f,
                "block version {version:#010x} is below {min} required at height {height}"
            ),
            BadCoinbaseHeight {
                expected: Some(h),
                reason,
            } => write!(f, "coinbase does not start with height {h} (BIP34): {reason}"),
            BadCoinbaseHeight {
                expected: None,
                reason,
            } => write!(f, "coinbase height (BIP34): {reason}"),
            ProofOfWorkAfterLastPowBlock { height, last } => write!(
                f,
                "proof-of-work block at height {height}, after the last proof-of-work block {last}"
            ),
            BadStakeTimestamp { time, mask } => write!(
                f,
                "proof-of-stake block time {time} has bits of the stake timestamp mask {mask:#x} set"
            ),
            UnsupportedNetwork { chain, network } => {
                write!(f, "{chain} has no {network} network")
            }
            BadSignature { tx, input, reason } => {
                write!(f, "tx {tx} input {input}: bad signature: {reason}")
            }
            BadScript { tx, input, reason } => {
                write!(f, "tx {tx} input {input}: script fails: {reason}")
            }
            BadBlockSignature { reason } => write!(f, "block signature: {reason}"),
            NotCheckable { tx, input, reason } => {
                write!(f, "tx {tx} input {input}: not checkable: {reason}")
            }
            Backend(e) => write!(f, "backend: {e}"),
        }
    }
}

impl core::error::Error for ValidationError {}

/// What [`validate_block`](super::validate_block) found. Serializes to the CLI's `--json` object.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BlockReport {
    pub valid: bool,
    pub error: Option<String>,
    pub error_detail: Option<ValidationError>,
    pub chain: Chain,
    /// The network whose parameters applied.
    pub network: Network,
    /// Display hex (byte-reversed).
    pub block_hash: Option<String>,
    /// BIP34 height from the coinbase, when present.
    pub height: Option<u32>,
    pub txs: usize,
    pub inputs: usize,
    pub merkle_root_ok: bool,
    /// Proof of work holds (for a Qtum proof-of-stake block, which needs none: true).
    pub pow_ok: bool,
    /// Qtum: the header's `prevoutStake` is set (proof of stake).
    pub proof_of_stake: bool,
    /// Qtum: the staker's signature verified (PoW block: the signature is empty); Bitcoin: null.
    pub block_signature_ok: Option<bool>,
    /// Qtum offline staking: the key id (HASH160, hex) of the delegator recovered from the
    /// proof of delegation, where the rules in force recover it; null otherwise.
    pub qtum_delegator: Option<String>,
    /// Witness commitment checked and matched (null when the block has neither commitment nor witnesses).
    pub witness_commitment_ok: Option<bool>,
    pub signatures: SigCounts,
    /// Why inputs were not checkable, with counts.
    pub not_checkable_reasons: BTreeMap<String, u64>,
    pub flags: Option<ScriptFlags>,
    pub backend: String,
    /// Batches sent to the backend: (hash jobs, verify jobs).
    pub backend_jobs: (u64, u64),
    /// BIP340 jobs sent to the backend (`verify_schnorr_batch`), besides `backend_jobs`.
    pub schnorr_jobs: u64,
    pub timings_ms: BTreeMap<String, f64>,
}

impl BlockReport {
    pub(super) fn new(chain: Chain, network: Network, backend: &str) -> Self {
        BlockReport {
            valid: false,
            error: None,
            error_detail: None,
            chain,
            network,
            block_hash: None,
            height: None,
            txs: 0,
            inputs: 0,
            merkle_root_ok: false,
            pow_ok: false,
            proof_of_stake: false,
            block_signature_ok: None,
            qtum_delegator: None,
            witness_commitment_ok: None,
            signatures: SigCounts::default(),
            not_checkable_reasons: BTreeMap::new(),
            flags: None,
            backend: backend.to_string(),
            backend_jobs: (0, 0),
            schnorr_jobs: 0,
            timings_ms: BTreeMap::new(),
        }
    }
    pub(super) fn fail(&mut self, e: ValidationError) {
        if self.error_detail.is_none() {
            self.error = Some(e.to_string());
            self.error_detail = Some(e);
        }
    }
}

/// Result of [`check_transaction`](super::check_transaction).
#[derive(Debug, Clone, serde::Serialize)]
pub struct TxReport {
    pub valid: bool,
    pub error: Option<String>,
    pub error_detail: Option<ValidationError>,
    pub signatures: SigCounts,
    pub not_checkable_reasons: BTreeMap<String, u64>,
}
