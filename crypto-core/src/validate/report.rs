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
    /// Signatures the script rules required to be valid.
    pub checked: u64,
    /// Of those, verified.
    pub valid: u64,
    /// Of those, not verified.
    pub invalid: u64,
    /// Non-coinbase inputs that could not be checked.
    pub not_checkable: u64,
}

/// The first consensus rule a block broke.
///
/// `Display` is the report's `error` text (the CLI prints it); where a variant wraps a typed
/// error (`Parse`, `BadPow`, `BadBlockSignature`, `Backend`) its text is part of that
/// `Display` and `source()` returns it as well.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ValidationError {
    /// The block (or transaction) could not be parsed.
    #[error("{0}")]
    Parse(#[from] ParseError),
    /// The header's merkle root is not the root of the transactions (`bad-txnmrklroot`).
    #[error("merkle root mismatch: computed {computed}, header has {header}")]
    BadMerkleRoot {
        /// The root of the block's txids (display hex).
        computed: String,
        /// The header's root (display hex).
        header: String,
    },
    /// Two identical adjacent hashes in the merkle tree (CVE-2012-2459).
    #[error("merkle tree is mutated (duplicate adjacent hashes, CVE-2012-2459)")]
    MutatedMerkle,
    /// Proof of work fails (`high-hash`, or a malformed `nBits`).
    #[error("proof of work: {0}")]
    BadPow(#[source] PowError),
    /// The block has no transactions (`bad-blk-length`).
    #[error("block has no transactions")]
    NoTransactions,
    /// The first transaction is not a coinbase (`bad-cb-missing`).
    #[error("tx 0 is not a coinbase")]
    FirstTxNotCoinbase,
    /// A coinbase after the first transaction (`bad-cb-multiple`).
    #[error("tx {tx} is a second coinbase")]
    ExtraCoinbase {
        /// The transaction's index in the block.
        tx: usize,
    },
    /// The coinbase scriptSig is not 2..=100 bytes (`bad-cb-length`).
    #[error("tx 0: coinbase scriptSig length {len} not in 2..=100")]
    BadCoinbaseLength {
        /// The scriptSig's length.
        len: usize,
    },
    /// A size, weight or sigop limit of the block is exceeded.
    #[error("block {what} {value} exceeds {limit}")]
    BlockTooLarge {
        /// Which limit (`"weight"`, `"stripped size x4"`, `"legacy sigop cost"`, ...).
        what: &'static str,
        /// The block's value.
        value: u64,
        /// The limit.
        limit: u64,
    },
    /// A CheckTransaction rule (empty vin / vout, output values, ...).
    #[error("tx {tx}: {reason}")]
    BadTx {
        /// The transaction's index in the block.
        tx: usize,
        /// The rule broken.
        reason: String,
    },
    /// Two inputs of a transaction spend the same outpoint (`bad-txns-inputs-duplicate`).
    #[error("tx {tx} input {input}: spends the same outpoint as input {first}")]
    DuplicateInput {
        /// The transaction's index in the block.
        tx: usize,
        /// The later input.
        input: usize,
        /// The first input spending the outpoint.
        first: usize,
    },
    /// A non-coinbase input spends the null outpoint (`bad-txns-prevout-null`).
    #[error("tx {tx} input {input}: null prevout in a non-coinbase")]
    NullPrevout {
        /// The transaction's index in the block.
        tx: usize,
        /// The input's index.
        input: usize,
    },
    /// The BIP141 witness commitment is malformed or does not match.
    #[error("witness commitment: {reason}")]
    BadWitnessCommitment {
        /// What is wrong.
        reason: String,
    },
    /// Witness data without a commitment, or before segwit (`unexpected-witness`).
    #[error(
        "tx {tx} has unexpected witness data (no witness commitment, or segwit not active at this height)"
    )]
    UnexpectedWitness {
        /// The first transaction with witness data.
        tx: usize,
    },
    /// Qtum: a coinstake or proof-of-stake rule.
    #[error("coinstake: {reason}")]
    BadCoinstake {
        /// The rule broken.
        reason: String,
    },
    /// `nVersion` below what the network requires at this height (`bad-version`).
    #[error("block version {version:#010x} is below {min} required at height {height}")]
    BadVersion {
        /// The header's version.
        version: i32,
        /// The block's height.
        height: u32,
        /// The lowest version allowed at that height.
        min: i32,
    },
    /// The coinbase does not start with the block's height (BIP34, `bad-cb-height`).
    #[error("coinbase {} (BIP34): {reason}", Bip34Claim(*.expected))]
    BadCoinbaseHeight {
        /// The height the node gave, or `None` when the coinbase's own claim was checked.
        expected: Option<u32>,
        /// What is wrong with the coinbase's height push.
        reason: String,
    },
    /// Qtum: a proof-of-work block above the network's last proof-of-work height (`reject-pow`).
    #[error("proof-of-work block at height {height}, after the last proof-of-work block {last}")]
    ProofOfWorkAfterLastPowBlock {
        /// The block's height.
        height: u32,
        /// The network's last proof-of-work height.
        last: u32,
    },
    /// Qtum: a proof-of-stake block time not on the stake timestamp grid (`timestamp-invalid`).
    #[error("proof-of-stake block time {time} has bits of the stake timestamp mask {mask:#x} set")]
    BadStakeTimestamp {
        /// The header's time.
        time: u32,
        /// The network's stake timestamp mask at this height.
        mask: u32,
    },
    /// The options name a network the chain does not have (e.g. Qtum testnet4).
    #[error("{chain} has no {network} network")]
    UnsupportedNetwork {
        /// The chain of the options.
        chain: Chain,
        /// The network asked for.
        network: Network,
    },
    /// The block handed over is of another chain than the options name (a `bitcoin::Block`
    /// validated with Qtum options).
    #[error("a {block} block cannot be validated as {options}")]
    ChainMismatch {
        /// The chain the block belongs to.
        block: Chain,
        /// The chain of the options.
        options: Chain,
    },
    /// A signature check failed (verification, encoding, or multisig matching).
    #[error("tx {tx} input {input}: bad signature: {reason}")]
    BadSignature {
        /// The transaction's index in the block.
        tx: usize,
        /// The input's index.
        input: usize,
        /// Why the signature fails.
        reason: String,
    },
    /// The input's script fails for a reason other than a signature (e.g. key hash mismatch).
    #[error("tx {tx} input {input}: script fails: {reason}")]
    BadScript {
        /// The transaction's index in the block.
        tx: usize,
        /// The input's index.
        input: usize,
        /// Why the script fails.
        reason: String,
    },
    /// The Qtum block signature breaks a rule (encoding, verification, signer).
    #[error("block signature: {reason}")]
    BadBlockSignature {
        /// The rule broken.
        #[source]
        reason: BlockSigError,
    },
    /// Only with `require_all_checkable`.
    #[error("tx {tx} input {input}: not checkable: {reason}")]
    NotCheckable {
        /// The transaction's index in the block.
        tx: usize,
        /// The input's index.
        input: usize,
        /// Why it cannot be checked.
        reason: String,
    },
    /// The backend failed a batch (no verdict could be reached).
    #[error("backend: {0}")]
    Backend(
        #[serde(serialize_with = "ser_display")]
        #[source]
        BackendError,
    ),
}

/// The subject of `BadCoinbaseHeight`'s text: the node's height, or the coinbase's claim.
struct Bip34Claim(Option<u32>);

impl fmt::Display for Bip34Claim {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(h) => write!(f, "does not start with height {h}"),
            None => f.write_str("height"),
        }
    }
}

fn ser_display<S: serde::Serializer, T: fmt::Display>(v: &T, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(v)
}

/// What [`validate_block`](super::validate_block) found. Serializes with serde as it is; the
/// CLI prints its own view of it (`satchain-cli`'s `json` module and `cli/schema/`: checks
/// that did not run as null, reason codes, timings in microseconds).
#[derive(Debug, Clone, serde::Serialize)]
pub struct BlockReport {
    /// No rule broken.
    pub valid: bool,
    /// The first rule broken, as text (`Display` of `error_detail`).
    pub error: Option<String>,
    /// The first rule broken.
    pub error_detail: Option<ValidationError>,
    /// The chain validated as.
    pub chain: Chain,
    /// The network whose parameters applied.
    pub network: Network,
    /// Display hex (byte-reversed).
    pub block_hash: Option<String>,
    /// BIP34 height from the coinbase, when present.
    pub height: Option<u32>,
    /// Transactions in the block.
    pub txs: usize,
    /// Inputs in the block (the coinbase's included).
    pub inputs: usize,
    /// The header's merkle root matches and the tree is not mutated.
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
    /// Signature counters.
    pub signatures: SigCounts,
    /// Why inputs were not checkable, with counts.
    pub not_checkable_reasons: BTreeMap<String, u64>,
    /// The signature-encoding rules applied.
    pub flags: Option<ScriptFlags>,
    /// The backend's name (`sw`, `sim`, `fpga`).
    pub backend: String,
    /// Batches sent to the backend: (hash jobs, verify jobs).
    pub backend_jobs: (u64, u64),
    /// BIP340 jobs sent to the backend (`verify_schnorr_batch`), besides `backend_jobs`.
    pub schnorr_jobs: u64,
    /// Wall time per phase (and `total`), milliseconds; 0 without `std`.
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
    /// No rule broken.
    pub valid: bool,
    /// The first rule broken, as text.
    pub error: Option<String>,
    /// The first rule broken.
    pub error_detail: Option<ValidationError>,
    /// Signature counters.
    pub signatures: SigCounts,
    /// Why inputs were not checkable, with counts.
    pub not_checkable_reasons: BTreeMap<String, u64>,
}
