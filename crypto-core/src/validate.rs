//! The block-validation pipeline and its report.
//!
//! Phases (each crossing the backend boundary as whole batches):
//! 1. parse (no crypto); 2. header hash (one batch; Qtum: full and signed hash);
//! 3. proof of work; 4. structural consensus checks (CheckBlock / CheckTransaction rules that
//!    need no UTXO set); 5. txids (one batch); 6. merkle root, one batch per level, with
//!    CVE-2012-2459 detection; 7. witness commitment (wtxids in one batch); 8. signature jobs:
//!    HASH160 of keys / scripts (one SHA-256 batch), BIP143 midstates (one batch), all sighash
//!    preimages of the block (one batch), all (pubkey, sighash, r, s) jobs plus the Qtum block
//!    signature (one `verify_batch`).

use crate::clock::Instant;
use crate::prelude::*;
use alloc::collections::BTreeMap;
use core::fmt;

use crate::backend::{Backend, BackendError, Digest32, HashJob, PubkeyBytes, Verdict, VerifyJob};
use crate::block::Block;
use crate::der;
use crate::encode::{display_hex, ParseError};
use crate::hashes::ripemd160;
use crate::header::Header;
use crate::merkle::merkle_root;
use crate::pow::{check_pow, PowError, BITCOIN_POW_LIMIT, QTUM_POW_LIMIT};
use crate::script::{
    self, classify, find_and_delete, get_op, looks_like_pubkey, looks_like_signature,
    p2pkh_script_pubkey, push_data, push_only, script_num, Template, OP_CHECKMULTISIG,
    OP_CHECKMULTISIGVERIFY, OP_CHECKSIG, OP_CHECKSIGVERIFY, OP_SPEND,
};
use crate::sighash::{
    bip143_parts, bip143_preimage, bip143_single_output, legacy_preimage, Bip143Hashes,
    LegacySighash, SIGHASH_ONE, SIGHASH_SINGLE,
};
use crate::tx::{OutPoint, Transaction, TxOut};
use crate::Chain;

/// A node's view of the outputs being spent. With it, inputs whose script cannot be
/// checked from the block alone (P2PK, P2WPKH, P2PKH by scriptPubKey, P2SH-P2WPKH, bare
/// multisig) become checkable.
pub trait PrevoutProvider: Sync {
    fn prevout(&self, op: &OutPoint) -> Option<TxOut>;
}

#[cfg(feature = "std")]
impl PrevoutProvider for std::collections::HashMap<OutPoint, TxOut> {
    fn prevout(&self, op: &OutPoint) -> Option<TxOut> {
        self.get(op).cloned()
    }
}

/// Signature-encoding rules in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct ScriptFlags {
    /// BIP66 strict DER (consensus on Bitcoin mainnet from height 363,725).
    pub strict_der: bool,
    /// BIP146 low S (policy on Bitcoin; never a consensus rule there).
    pub low_s: bool,
    /// BIP147 NULLDUMMY: the extra CHECKMULTISIG element must be empty (consensus with segwit,
    /// Bitcoin mainnet from height 481,824).
    pub null_dummy: bool,
}

/// Bitcoin mainnet height from which segwit (and BIP147 NULLDUMMY) is enforced.
pub const SEGWIT_HEIGHT: u32 = 481_824;

/// Bitcoin mainnet height from which BIP66 strict DER is enforced.
pub const BIP66_HEIGHT: u32 = 363_725;

/// Options of [`validate_block`].
#[derive(Clone, Copy)]
pub struct ValidateOptions<'a> {
    pub chain: Chain,
    /// `None`: derived (Bitcoin: from the BIP34 height, strict from 363,725; Qtum: always strict).
    pub strict_der: Option<bool>,
    pub low_s: bool,
    /// Enforce proof of work (the result is reported either way).
    pub check_pow: bool,
    pub prevouts: Option<&'a dyn PrevoutProvider>,
    /// Proof-of-work limit (big-endian); `None` = the chain's mainnet limit.
    pub pow_limit: Option<[u8; 32]>,
    /// Treat an input that cannot be checked as an error instead of counting it.
    pub require_all_checkable: bool,
}

impl fmt::Debug for ValidateOptions<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ValidateOptions")
            .field("chain", &self.chain)
            .field("strict_der", &self.strict_der)
            .field("low_s", &self.low_s)
            .field("check_pow", &self.check_pow)
            .field("prevouts", &self.prevouts.is_some())
            .field("pow_limit", &self.pow_limit.map(hex::encode))
            .field("require_all_checkable", &self.require_all_checkable)
            .finish()
    }
}

impl<'a> ValidateOptions<'a> {
    /// Defaults: derived strict DER, no low-S, PoW enforced, no prevouts.
    pub fn new(chain: Chain) -> Self {
        ValidateOptions {
            chain,
            strict_der: None,
            low_s: false,
            check_pow: true,
            prevouts: None,
            pow_limit: None,
            require_all_checkable: false,
        }
    }
    /// The flags for a block at `height` (BIP34 height from the coinbase, if any).
    pub fn script_flags(&self, height: Option<u32>) -> ScriptFlags {
        let derived = match self.chain {
            Chain::Bitcoin => height.is_some_and(|h| h >= BIP66_HEIGHT),
            Chain::Qtum => true,
        };
        let null_dummy = match self.chain {
            Chain::Bitcoin => height.is_some_and(|h| h >= SEGWIT_HEIGHT),
            Chain::Qtum => true,
        };
        ScriptFlags {
            strict_der: self.strict_der.unwrap_or(derived),
            low_s: self.low_s,
            null_dummy,
        }
    }
}

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
    /// The Qtum staker's block signature does not verify (or cannot be located).
    BadBlockSignature {
        reason: String,
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
                "tx {tx} has witness data but the block has no witness commitment"
            ),
            BadCoinstake { reason } => write!(f, "coinstake: {reason}"),
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

/// What [`validate_block`] found. Serializes to the CLI's `--json` object.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BlockReport {
    pub valid: bool,
    pub error: Option<String>,
    pub error_detail: Option<ValidationError>,
    pub chain: Chain,
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
    /// Witness commitment checked and matched (null when the block has neither commitment nor witnesses).
    pub witness_commitment_ok: Option<bool>,
    pub signatures: SigCounts,
    /// Why inputs were not checkable, with counts.
    pub not_checkable_reasons: BTreeMap<String, u64>,
    pub flags: Option<ScriptFlags>,
    pub backend: String,
    /// Batches sent to the backend: (hash jobs, verify jobs).
    pub backend_jobs: (u64, u64),
    pub timings_ms: BTreeMap<String, f64>,
}

impl BlockReport {
    fn new(chain: Chain, backend: &str) -> Self {
        BlockReport {
            valid: false,
            error: None,
            error_detail: None,
            chain,
            block_hash: None,
            height: None,
            txs: 0,
            inputs: 0,
            merkle_root_ok: false,
            pow_ok: false,
            proof_of_stake: false,
            block_signature_ok: None,
            witness_commitment_ok: None,
            signatures: SigCounts::default(),
            not_checkable_reasons: BTreeMap::new(),
            flags: None,
            backend: backend.to_string(),
            backend_jobs: (0, 0),
            timings_ms: BTreeMap::new(),
        }
    }
    fn fail(&mut self, e: ValidationError) {
        if self.error_detail.is_none() {
            self.error = Some(e.to_string());
            self.error_detail = Some(e);
        }
    }
}

/// Validates one serialized block: every check that needs no UTXO set (plus the prevout-based
/// signature checks when `opts.prevouts` is given). Never panics; the first broken rule is in
/// `error` / `error_detail`.
pub fn validate_block(
    raw: &[u8],
    opts: &ValidateOptions<'_>,
    backend: &dyn Backend,
) -> BlockReport {
    let t0 = Instant::now();
    let mut rep = BlockReport::new(opts.chain, backend.name());
    let mut ctx = Ctx {
        backend,
        rep: &mut rep,
        hash_jobs: 0,
        verify_jobs: 0,
    };
    if let Err(e) = run(raw, opts, &mut ctx) {
        ctx.rep.fail(e);
    }
    let (h, v) = (ctx.hash_jobs, ctx.verify_jobs);
    rep.backend_jobs = (h, v);
    rep.valid = rep.error_detail.is_none();
    rep.timings_ms.insert("total".into(), ms(t0));
    rep
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1e3
}

struct Ctx<'r, 'b> {
    backend: &'b dyn Backend,
    rep: &'r mut BlockReport,
    hash_jobs: u64,
    verify_jobs: u64,
}

impl Ctx<'_, '_> {
    fn hash(&mut self, jobs: &[HashJob]) -> Result<Vec<Digest32>, ValidationError> {
        if jobs.is_empty() {
            return Ok(Vec::new());
        }
        self.hash_jobs += jobs.len() as u64;
        let r = self
            .backend
            .hash_batch(jobs)
            .map_err(ValidationError::Backend)?;
        if r.len() != jobs.len() {
            return Err(ValidationError::Backend(BackendError::Hardware {
                what: format!(
                    "hash_batch returned {} digests for {} jobs",
                    r.len(),
                    jobs.len()
                ),
            }));
        }
        Ok(r)
    }
    fn verify(&mut self, jobs: &[VerifyJob]) -> Result<Vec<Verdict>, ValidationError> {
        if jobs.is_empty() {
            return Ok(Vec::new());
        }
        self.verify_jobs += jobs.len() as u64;
        let r = self
            .backend
            .verify_batch(jobs)
            .map_err(ValidationError::Backend)?;
        if r.len() != jobs.len() {
            return Err(ValidationError::Backend(BackendError::Hardware {
                what: format!(
                    "verify_batch returned {} verdicts for {} jobs",
                    r.len(),
                    jobs.len()
                ),
            }));
        }
        Ok(r)
    }
    fn time(&mut self, phase: &str, t: Instant) {
        *self.rep.timings_ms.entry(phase.to_string()).or_insert(0.0) += ms(t);
    }
}

// Consensus constants.
const COIN: i64 = 100_000_000;
const BITCOIN_MAX_MONEY: i64 = 21_000_000 * COIN;
const QTUM_MAX_MONEY: i64 = 10_782_240_625_000_000;
const WITNESS_SCALE_FACTOR: u64 = 4;
const BITCOIN_MAX_BLOCK_WEIGHT: u64 = 4_000_000;
const QTUM_MAX_BLOCK_WEIGHT: u64 = 8_000_000;
const BITCOIN_MAX_BLOCK_SIGOPS_COST: u64 = 80_000;
const WITNESS_COMMITMENT_HEADER: [u8; 6] = [0x6a, 0x24, 0xaa, 0x21, 0xa9, 0xed];

fn max_money(chain: Chain) -> i64 {
    match chain {
        Chain::Bitcoin => BITCOIN_MAX_MONEY,
        Chain::Qtum => QTUM_MAX_MONEY,
    }
}
fn max_weight(chain: Chain) -> u64 {
    match chain {
        Chain::Bitcoin => BITCOIN_MAX_BLOCK_WEIGHT,
        Chain::Qtum => QTUM_MAX_BLOCK_WEIGHT,
    }
}

/// BIP34 height: the first push of the coinbase scriptSig as a script number.
pub fn bip34_height(coinbase: &Transaction) -> Option<u32> {
    let ss = &coinbase.inputs.first()?.script_sig;
    let mut pc = 0;
    let op = get_op(ss, &mut pc)?;
    let n = match (op.opcode, op.push) {
        (_, Some(d)) => script_num(d, 5)?,
        (o, None) if (script::OP_1..=script::OP_16).contains(&o) => i64::from(o - script::OP_1 + 1),
        _ => return None,
    };
    u32::try_from(n).ok()
}

fn run(
    raw: &[u8],
    opts: &ValidateOptions<'_>,
    ctx: &mut Ctx<'_, '_>,
) -> Result<(), ValidationError> {
    // 1. parse
    let t = Instant::now();
    let block = Block::parse(raw, opts.chain).map_err(ValidationError::Parse)?;
    ctx.time("parse", t);
    ctx.rep.txs = block.txs.len();
    ctx.rep.inputs = block.input_count();
    ctx.rep.height = block
        .txs
        .first()
        .filter(|t| t.is_coinbase())
        .and_then(bip34_height);
    let flags = opts.script_flags(ctx.rep.height);
    ctx.rep.flags = Some(flags);

    // 2. header hash (Qtum: also the hash the staker signed)
    let t = Instant::now();
    let mut jobs = Vec::with_capacity(2);
    match &block.header {
        Header::Bitcoin(h) => jobs.push(HashJob::header80(&h.to_bytes())),
        Header::Qtum(q) => {
            jobs.push(HashJob::sha256d(q.block_hash_preimage()));
            jobs.push(HashJob::sha256d(q.signed_preimage()));
        }
    }
    let hh = ctx.hash(&jobs)?;
    let block_hash = hh.first().copied().unwrap_or([0u8; 32]);
    let signed_hash = hh.get(1).copied();
    ctx.rep.block_hash = Some(display_hex(&block_hash));
    ctx.time("header_hash", t);

    // 3. proof of work (Qtum PoS blocks carry none)
    let base = *block.header.base();
    let pos = matches!(&block.header, Header::Qtum(q) if q.is_proof_of_stake());
    ctx.rep.proof_of_stake = pos;
    if pos {
        ctx.rep.pow_ok = true;
    } else {
        let limit = opts.pow_limit.unwrap_or(match opts.chain {
            Chain::Bitcoin => BITCOIN_POW_LIMIT,
            Chain::Qtum => QTUM_POW_LIMIT,
        });
        match check_pow(&block_hash, base.bits, &limit) {
            Ok(()) => ctx.rep.pow_ok = true,
            Err(e) => {
                if opts.check_pow {
                    ctx.rep.fail(ValidationError::BadPow(e));
                }
            }
        }
    }

    // 4. structure
    let t = Instant::now();
    check_structure(&block, opts, ctx.rep);
    ctx.time("structure", t);

    // 5. txids
    let t = Instant::now();
    let jobs: Vec<HashJob> = block
        .txs
        .iter()
        .map(|tx| HashJob::sha256d(tx.serialize(false)))
        .collect();
    let txids = ctx.hash(&jobs)?;
    drop(jobs);
    ctx.time("txids", t);

    // 6. merkle root
    let t = Instant::now();
    ctx.hash_jobs += merkle_node_count(txids.len());
    let mr = merkle_root(&txids, ctx.backend).map_err(ValidationError::Backend)?;
    ctx.rep.merkle_root_ok = mr.root == base.merkle_root && !mr.mutated;
    if mr.root != base.merkle_root {
        ctx.rep.fail(ValidationError::BadMerkleRoot {
            computed: display_hex(&mr.root),
            header: display_hex(&base.merkle_root),
        });
    } else if mr.mutated {
        ctx.rep.fail(ValidationError::MutatedMerkle);
    }
    ctx.time("merkle", t);

    // 7. witness commitment
    let t = Instant::now();
    check_witness(&block, ctx)?;
    ctx.time("witness", t);

    // 8. signatures (+ Qtum block signature in the same verify batch)
    check_signatures(&block, signed_hash, opts, flags, ctx)?;
    Ok(())
}

/// Number of MerkleNode jobs a tree over `n` leaves needs.
fn merkle_node_count(mut n: usize) -> u64 {
    let mut total = 0u64;
    while n > 1 {
        n = n.div_ceil(2);
        total += n as u64;
    }
    total
}

fn check_structure(block: &Block, opts: &ValidateOptions<'_>, rep: &mut BlockReport) {
    let chain = opts.chain;
    let maxw = max_weight(chain);
    if block.txs.is_empty() {
        rep.fail(ValidationError::NoTransactions);
        return;
    }
    let ntx = block.txs.len() as u64;
    if ntx * WITNESS_SCALE_FACTOR > maxw {
        rep.fail(ValidationError::BlockTooLarge {
            what: "tx count x4",
            value: ntx * 4,
            limit: maxw,
        });
    }
    let stripped = block.stripped_size() as u64;
    if stripped * WITNESS_SCALE_FACTOR > maxw {
        rep.fail(ValidationError::BlockTooLarge {
            what: "stripped size x4",
            value: stripped * 4,
            limit: maxw,
        });
    }
    let weight = block.weight() as u64;
    if weight > maxw {
        rep.fail(ValidationError::BlockTooLarge {
            what: "weight",
            value: weight,
            limit: maxw,
        });
    }
    if !block.txs.first().is_some_and(|t| t.is_coinbase()) {
        rep.fail(ValidationError::FirstTxNotCoinbase);
    }
    for (i, tx) in block.txs.iter().enumerate().skip(1) {
        if tx.is_coinbase() {
            rep.fail(ValidationError::ExtraCoinbase { tx: i });
        }
    }
    for (i, tx) in block.txs.iter().enumerate() {
        check_tx_rules(i, tx, chain, maxw, rep);
    }
    if chain == Chain::Bitcoin {
        let sigops: u64 = block.txs.iter().map(legacy_sigops).sum();
        if sigops * WITNESS_SCALE_FACTOR > BITCOIN_MAX_BLOCK_SIGOPS_COST {
            rep.fail(ValidationError::BlockTooLarge {
                what: "legacy sigop cost",
                value: sigops * WITNESS_SCALE_FACTOR,
                limit: BITCOIN_MAX_BLOCK_SIGOPS_COST,
            });
        }
    }
    if let Header::Qtum(q) = &block.header {
        check_qtum_stake(block, q, rep);
    }
}

/// CheckTransaction rules for tx `i` (no UTXO set needed).
fn check_tx_rules(i: usize, tx: &Transaction, chain: Chain, maxw: u64, rep: &mut BlockReport) {
    let money = max_money(chain);

    if tx.inputs.is_empty() {
        rep.fail(ValidationError::BadTx {
            tx: i,
            reason: "no inputs".into(),
        });
    }
    if tx.outputs.is_empty() {
        rep.fail(ValidationError::BadTx {
            tx: i,
            reason: "no outputs".into(),
        });
    }
    if (tx.stripped_size() as u64) * WITNESS_SCALE_FACTOR > maxw {
        rep.fail(ValidationError::BadTx {
            tx: i,
            reason: "transaction exceeds the block weight limit".into(),
        });
    }
    let mut total: i64 = 0;
    for (k, o) in tx.outputs.iter().enumerate() {
        if o.value < 0 {
            rep.fail(ValidationError::BadTx {
                tx: i,
                reason: format!("output {k} value is negative"),
            });
        } else if o.value > money {
            rep.fail(ValidationError::BadTx {
                tx: i,
                reason: format!("output {k} value above MAX_MONEY"),
            });
        } else {
            total = total.saturating_add(o.value);
            if total > money {
                rep.fail(ValidationError::BadTx {
                    tx: i,
                    reason: "output total above MAX_MONEY".into(),
                });
            }
        }
    }
    let mut seen: BTreeMap<OutPoint, usize> = BTreeMap::new();
    for (k, inp) in tx.inputs.iter().enumerate() {
        if let Some(first) = seen.insert(inp.prevout, k) {
            rep.fail(ValidationError::DuplicateInput {
                tx: i,
                input: k,
                first,
            });
        }
    }
    if tx.is_coinbase() {
        let len = tx.inputs.first().map_or(0, |x| x.script_sig.len());
        if !(2..=100).contains(&len) {
            rep.fail(ValidationError::BadCoinbaseLength { len });
        }
    } else {
        for (k, inp) in tx.inputs.iter().enumerate() {
            if inp.prevout.is_null() {
                rep.fail(ValidationError::NullPrevout { tx: i, input: k });
            }
        }
    }
}

fn check_qtum_stake(block: &Block, q: &crate::header::QtumHeader, rep: &mut BlockReport) {
    for (i, tx) in block.txs.iter().enumerate() {
        if tx.is_coinstake() && (i != 1 || !q.is_proof_of_stake()) {
            rep.fail(ValidationError::BadCoinstake {
                reason: format!("tx {i} is a coinstake in the wrong position"),
            });
        }
    }
    if q.is_proof_of_stake() {
        match block.txs.get(1) {
            Some(cs) if cs.is_coinstake() => {
                if cs.inputs.first().map(|i| i.prevout) != Some(q.prevout_stake) {
                    rep.fail(ValidationError::BadCoinstake {
                        reason: "header prevoutStake differs from the coinstake's first input"
                            .into(),
                    });
                }
            }
            _ => rep.fail(ValidationError::BadCoinstake {
                reason: "proof-of-stake block without a coinstake as tx 1".into(),
            }),
        }
    }
}

/// Core's `GetLegacySigOpCount` (inaccurate mode: a CHECKMULTISIG counts 20).
pub fn legacy_sigops(tx: &Transaction) -> u64 {
    let count = |s: &[u8]| -> u64 {
        let mut n = 0u64;
        let mut pc = 0usize;
        while pc < s.len() {
            match get_op(s, &mut pc) {
                Some(op) => match op.opcode {
                    OP_CHECKSIG | OP_CHECKSIGVERIFY => n += 1,
                    OP_CHECKMULTISIG | OP_CHECKMULTISIGVERIFY => n += 20,
                    _ => {}
                },
                None => break,
            }
        }
        n
    };
    tx.inputs.iter().map(|i| count(&i.script_sig)).sum::<u64>()
        + tx.outputs
            .iter()
            .map(|o| count(&o.script_pubkey))
            .sum::<u64>()
}

fn check_witness(block: &Block, ctx: &mut Ctx<'_, '_>) -> Result<(), ValidationError> {
    let Some(cb) = block.txs.first() else {
        return Ok(());
    };
    // Core's GetWitnessCommitmentIndex: the last matching output.
    let commit_idx = cb.outputs.iter().rposition(|o| {
        o.script_pubkey.len() >= 38 && o.script_pubkey.starts_with(&WITNESS_COMMITMENT_HEADER)
    });
    let any_witness = block.txs.iter().any(|t| t.has_witness());
    let Some(ci) = commit_idx else {
        if any_witness {
            let tx = block.txs.iter().position(|t| t.has_witness()).unwrap_or(0);
            ctx.rep.witness_commitment_ok = Some(false);
            ctx.rep.fail(ValidationError::UnexpectedWitness { tx });
        }
        return Ok(());
    };
    let nonce = match cb.inputs.first().map(|i| i.witness.as_slice()) {
        Some([n]) if n.len() == 32 => n.clone(),
        _ => {
            ctx.rep.witness_commitment_ok = Some(false);
            ctx.rep.fail(ValidationError::BadWitnessCommitment {
                reason: "coinbase witness must be exactly one 32-byte reserved value".into(),
            });
            return Ok(());
        }
    };
    let jobs: Vec<HashJob> = block
        .txs
        .iter()
        .skip(1)
        .map(|t| HashJob::sha256d(t.serialize(true)))
        .collect();
    let mut wtxids = vec![[0u8; 32]];
    wtxids.extend(ctx.hash(&jobs)?);
    // Qtum: in a proof-of-stake block the coinstake's witness hash is zero as well
    // (checked against the commitment of the real Qtum block blockbench.raw).
    if matches!(&block.header, Header::Qtum(q) if q.is_proof_of_stake()) {
        if let Some(w) = wtxids.get_mut(1) {
            *w = [0u8; 32];
        }
    }
    ctx.hash_jobs += merkle_node_count(wtxids.len());
    let root = merkle_root(&wtxids, ctx.backend)
        .map_err(ValidationError::Backend)?
        .root;
    let mut pre = root.to_vec();
    pre.extend_from_slice(&nonce);
    let commit = ctx.hash(&[HashJob::sha256d(pre)])?;
    let spk = cb
        .outputs
        .get(ci)
        .map(|o| o.script_pubkey.as_slice())
        .unwrap_or(&[]);
    let ok = commit.first().map(|c| c.as_slice()) == spk.get(6..38);
    ctx.rep.witness_commitment_ok = Some(ok);
    if !ok {
        ctx.rep.fail(ValidationError::BadWitnessCommitment {
            reason: "witness merkle root does not match".into(),
        });
    }
    Ok(())
}

// ---------------------------------------------------------------- signature jobs

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SigVersion {
    Base,
    WitnessV0 { amount: i64 },
}

#[derive(Debug, Clone)]
enum CodeSrc {
    Explicit(Vec<u8>),
    /// P2PKH script code built from HASH160 request `usize` (no-UTXO P2PKH guess).
    P2pkhFromH160(usize),
}

/// One input to check: m signatures against n keys (single-key forms have m = n = 1).
#[derive(Debug, Clone)]
struct InputCheck {
    tx: usize,
    input: usize,
    kind: &'static str,
    sigs: Vec<Vec<u8>>,
    keys: Vec<Vec<u8>>,
    multisig: bool,
    code: CodeSrc,
    version: SigVersion,
    /// (HASH160 request, expected value, what) that must match for the script to pass.
    h160_checks: Vec<(usize, [u8; 20], &'static str)>,
    /// (SHA-256 request, expected value, what): P2WSH witness-script commitments.
    sha_checks: Vec<(usize, [u8; 32], &'static str)>,
}

#[derive(Debug)]
enum Plan {
    Coinbase,
    NotCheckable(&'static str),
    Fail(ValidationError),
    Check(InputCheck),
}

struct Planner<'a> {
    h160_reqs: Vec<Vec<u8>>,
    sha_reqs: Vec<Vec<u8>>,
    null_dummy: bool,
    chain: Chain,
    prevouts: Option<&'a dyn PrevoutProvider>,
}

impl Planner<'_> {
    fn sha(&mut self, data: &[u8]) -> usize {
        self.sha_reqs.push(data.to_vec());
        self.sha_reqs.len() - 1
    }

    fn h160(&mut self, data: &[u8]) -> usize {
        self.h160_reqs.push(data.to_vec());
        self.h160_reqs.len() - 1
    }

    fn plan(&mut self, txi: usize, tx: &Transaction, ini: usize) -> Plan {
        let Some(inp) = tx.inputs.get(ini) else {
            return Plan::NotCheckable("input index out of range");
        };
        if txi == 0 && tx.is_coinbase() {
            return Plan::Coinbase;
        }
        if self.chain == Chain::Qtum && inp.script_sig.first() == Some(&OP_SPEND) {
            return Plan::NotCheckable(
                "qtum OP_SPEND contract spend (checked by contract execution)",
            );
        }
        if let Some(prev) = self.prevouts.and_then(|p| p.prevout(&inp.prevout)) {
            return self.plan_with_prevout(txi, tx, ini, &prev);
        }
        if !inp.witness.is_empty() {
            return Plan::NotCheckable("segwit spend: needs the spent output (amount, script)");
        }
        let Some(pushes) = push_only(&inp.script_sig) else {
            return Plan::NotCheckable("scriptSig is not push-only: needs the spent output");
        };
        // P2PKH by shape: exactly <sig> <pubkey>.
        if let [sig, key] = pushes.as_slice() {
            if looks_like_signature(sig) && looks_like_pubkey(key) {
                let r = self.h160(key);
                return Plan::Check(InputCheck {
                    tx: txi,
                    input: ini,
                    kind: "p2pkh",
                    sigs: vec![sig.clone()],
                    keys: vec![key.clone()],
                    multisig: false,
                    code: CodeSrc::P2pkhFromH160(r),
                    version: SigVersion::Base,
                    h160_checks: Vec::new(),
                    sha_checks: Vec::new(),
                });
            }
        }
        // P2SH multisig by shape: OP_0 <sig>*m <OP_m <pk>*n OP_n OP_CHECKMULTISIG>.
        if pushes.len() >= 3 && pushes.first().is_some_and(|d| d.is_empty()) {
            if let Some(redeem) = pushes.last() {
                if let Template::Multisig { m, keys } = classify(redeem) {
                    let sigs = &pushes[1..pushes.len() - 1];
                    if sigs.len() == m && sigs.iter().all(|s| looks_like_signature(s)) {
                        return Plan::Check(InputCheck {
                            tx: txi,
                            input: ini,
                            kind: "p2sh-multisig",
                            sigs: sigs.to_vec(),
                            keys: keys.iter().map(|k| k.to_vec()).collect(),
                            multisig: true,
                            code: CodeSrc::Explicit(redeem.clone()),
                            version: SigVersion::Base,
                            h160_checks: Vec::new(),
                            sha_checks: Vec::new(),
                        });
                    }
                }
            }
        }
        Plan::NotCheckable("script type needs the spent output (prevout provider)")
    }

    fn plan_with_prevout(
        &mut self,
        txi: usize,
        tx: &Transaction,
        ini: usize,
        prev: &TxOut,
    ) -> Plan {
        let Some(inp) = tx.inputs.get(ini) else {
            return Plan::NotCheckable("input index out of range");
        };
        let fail = |reason: &str| {
            Plan::Fail(ValidationError::BadScript {
                tx: txi,
                input: ini,
                reason: reason.to_string(),
            })
        };
        let spk = prev.script_pubkey.as_slice();
        let tmpl = classify(spk);
        let is_witness_prog = matches!(tmpl, Template::P2wpkh(_) | Template::P2wsh(_));
        if !is_witness_prog && !matches!(tmpl, Template::P2sh(_)) && !inp.witness.is_empty() {
            return fail("witness data on a non-witness spend");
        }
        let pushes = push_only(&inp.script_sig);
        let base = |kind, sigs, keys, multisig, code| InputCheck {
            tx: txi,
            input: ini,
            kind,
            sigs,
            keys,
            multisig,
            code: CodeSrc::Explicit(code),
            version: SigVersion::Base,
            h160_checks: Vec::new(),
            sha_checks: Vec::new(),
        };
        match tmpl {
            Template::P2pkh(h) => {
                let Some(p) = pushes else {
                    return Plan::NotCheckable("P2PKH spend with non-push scriptSig");
                };
                let [.., sig, key] = p.as_slice() else {
                    return fail("P2PKH scriptSig needs <sig> <pubkey>");
                };
                let r = self.h160(key);
                let mut c = base(
                    "p2pkh",
                    vec![sig.clone()],
                    vec![key.clone()],
                    false,
                    spk.to_vec(),
                );
                c.h160_checks
                    .push((r, h, "public key hash does not match the P2PKH output"));
                Plan::Check(c)
            }
            Template::P2pk(key) => {
                let Some(p) = pushes else {
                    return Plan::NotCheckable("P2PK spend with non-push scriptSig");
                };
                let Some(sig) = p.last() else {
                    return fail("P2PK scriptSig is empty");
                };
                Plan::Check(base(
                    "p2pk",
                    vec![sig.clone()],
                    vec![key.to_vec()],
                    false,
                    spk.to_vec(),
                ))
            }
            Template::Multisig { m, keys } => {
                let Some(p) = pushes else {
                    return Plan::NotCheckable("multisig spend with non-push scriptSig");
                };
                if p.len() < m + 1 {
                    return fail("multisig scriptSig has too few items");
                }
                if self.null_dummy && !p[p.len() - m - 1].is_empty() {
                    return fail(NULLDUMMY_MSG);
                }
                let sigs = p[p.len() - m..].to_vec();
                Plan::Check(base(
                    "multisig",
                    sigs,
                    keys.iter().map(|k| k.to_vec()).collect(),
                    true,
                    spk.to_vec(),
                ))
            }
            Template::P2wpkh(h) => {
                if !inp.script_sig.is_empty() {
                    return fail("native witness spend with a non-empty scriptSig");
                }
                self.plan_p2wpkh(txi, ini, &inp.witness, h, prev.value)
            }
            Template::P2sh(h) => {
                let Some(p) = pushes else {
                    return fail("P2SH scriptSig is not push-only");
                };
                let Some(redeem) = p.last() else {
                    return fail("P2SH scriptSig is empty");
                };
                let rr = self.h160(redeem);
                let check = (rr, h, "redeem script hash does not match the P2SH output");
                let items = &p[..p.len() - 1];
                let plan = match classify(redeem) {
                    Template::Multisig { m, keys } => {
                        if items.len() < m + 1 {
                            return fail("P2SH multisig scriptSig has too few items");
                        }
                        if self.null_dummy && !items[items.len() - m - 1].is_empty() {
                            return fail(NULLDUMMY_MSG);
                        }
                        let sigs = items[items.len() - m..].to_vec();
                        let keys = keys.iter().map(|k| k.to_vec()).collect();
                        Plan::Check(base("p2sh-multisig", sigs, keys, true, redeem.clone()))
                    }
                    Template::P2pkh(h2) => {
                        let [.., sig, key] = items else {
                            return fail("P2SH-P2PKH needs <sig> <pubkey>");
                        };
                        let r = self.h160(key);
                        let mut c = base(
                            "p2sh-p2pkh",
                            vec![sig.clone()],
                            vec![key.clone()],
                            false,
                            redeem.clone(),
                        );
                        c.h160_checks.push((
                            r,
                            h2,
                            "public key hash does not match the redeem script",
                        ));
                        Plan::Check(c)
                    }
                    Template::P2pk(key) => {
                        let Some(sig) = items.last() else {
                            return fail("P2SH-P2PK needs <sig>");
                        };
                        Plan::Check(base(
                            "p2sh-p2pk",
                            vec![sig.clone()],
                            vec![key.to_vec()],
                            false,
                            redeem.clone(),
                        ))
                    }
                    Template::P2wpkh(h2) => {
                        if p.len() != 1 {
                            return fail(
                                "P2SH-P2WPKH scriptSig must be exactly the redeem script push",
                            );
                        }
                        self.plan_p2wpkh(txi, ini, &inp.witness, h2, prev.value)
                    }
                    Template::P2wsh(prog) => {
                        if p.len() != 1 {
                            return fail(
                                "P2SH-P2WSH scriptSig must be exactly the redeem script push",
                            );
                        }
                        self.plan_p2wsh(txi, ini, &inp.witness, prog, prev.value)
                    }
                    _ => return Plan::NotCheckable("P2SH redeem script type not supported"),
                };
                match plan {
                    Plan::Check(mut c) => {
                        c.h160_checks.push(check);
                        Plan::Check(c)
                    }
                    other => other,
                }
            }
            Template::P2wsh(prog) => {
                if !inp.script_sig.is_empty() {
                    return fail("native witness spend with a non-empty scriptSig");
                }
                self.plan_p2wsh(txi, ini, &inp.witness, prog, prev.value)
            }
            Template::Unknown => Plan::NotCheckable("spent output script type not supported"),
        }
    }

    /// P2WSH with a multisig, P2PKH or P2PK witness script (BIP143, no FindAndDelete).
    fn plan_p2wsh(
        &mut self,
        txi: usize,
        ini: usize,
        witness: &[Vec<u8>],
        prog: [u8; 32],
        amount: i64,
    ) -> Plan {
        let fail = |reason: &str| {
            Plan::Fail(ValidationError::BadScript {
                tx: txi,
                input: ini,
                reason: reason.to_string(),
            })
        };
        let Some((ws, stack)) = witness.split_last() else {
            return fail("P2WSH witness is empty");
        };
        let rs = self.sha(ws);
        let mut c = InputCheck {
            tx: txi,
            input: ini,
            kind: "p2wsh",
            sigs: Vec::new(),
            keys: Vec::new(),
            multisig: false,
            code: CodeSrc::Explicit(ws.clone()),
            version: SigVersion::WitnessV0 { amount },
            h160_checks: Vec::new(),
            sha_checks: vec![(
                rs,
                prog,
                "witness script hash does not match the P2WSH program",
            )],
        };
        match classify(ws) {
            Template::Multisig { m, keys } => {
                if stack.len() < m + 1 {
                    return fail("P2WSH multisig witness has too few items");
                }
                if self.null_dummy && !stack[stack.len() - m - 1].is_empty() {
                    return fail(NULLDUMMY_MSG);
                }
                c.kind = "p2wsh-multisig";
                c.sigs = stack[stack.len() - m..].to_vec();
                c.keys = keys.iter().map(|k| k.to_vec()).collect();
                c.multisig = true;
            }
            Template::P2pkh(h) => {
                let [.., sig, key] = stack else {
                    return fail("P2WSH-P2PKH needs <sig> <pubkey>");
                };
                let r = self.h160(key);
                c.kind = "p2wsh-p2pkh";
                c.sigs = vec![sig.clone()];
                c.keys = vec![key.clone()];
                c.h160_checks
                    .push((r, h, "public key hash does not match the witness script"));
            }
            Template::P2pk(key) => {
                let Some(sig) = stack.last() else {
                    return fail("P2WSH-P2PK needs <sig>");
                };
                c.kind = "p2wsh-p2pk";
                c.sigs = vec![sig.clone()];
                c.keys = vec![key.to_vec()];
            }
            _ => return Plan::NotCheckable("P2WSH witness script type not supported"),
        }
        Plan::Check(c)
    }

    fn plan_p2wpkh(
        &mut self,
        txi: usize,
        ini: usize,
        witness: &[Vec<u8>],
        h: [u8; 20],
        amount: i64,
    ) -> Plan {
        let [sig, key] = witness else {
            return Plan::Fail(ValidationError::BadScript {
                tx: txi,
                input: ini,
                reason: "P2WPKH witness must be exactly <sig> <pubkey>".into(),
            });
        };
        let r = self.h160(key);
        Plan::Check(InputCheck {
            tx: txi,
            input: ini,
            kind: "p2wpkh",
            sigs: vec![sig.clone()],
            keys: vec![key.clone()],
            multisig: false,
            code: CodeSrc::Explicit(p2pkh_script_pubkey(&h)),
            version: SigVersion::WitnessV0 { amount },
            h160_checks: vec![(r, h, "public key hash does not match the witness program")],
            sha_checks: Vec::new(),
        })
    }
}

/// Per signature: the digest source and the parsed (r, s), or why the signature fails.
struct SigPrep {
    digest_idx: Option<usize>, // index into the sighash batch; None = SIGHASH_ONE
    rs: Result<der::RawSignature, String>,
}

/// Preimage bytes held before a sighash batch is sent early (a 1 MB block of ordinary
/// transactions stays far below this and goes in one batch).
const PREIMAGE_BATCH_BYTES: usize = 64 * 1024 * 1024;

const NULLDUMMY_MSG: &str = "multisig dummy element is not empty (BIP147 NULLDUMMY)";

type InputErrors = Vec<((usize, usize), ValidationError)>;

fn check_signatures(
    block: &Block,
    signed_hash: Option<Digest32>,
    opts: &ValidateOptions<'_>,
    flags: ScriptFlags,
    ctx: &mut Ctx<'_, '_>,
) -> Result<(), ValidationError> {
    // Qtum block signature: built first, verified in the same batch as the inputs.
    let mut block_sig_job: Option<Result<VerifyJob, String>> = None;
    if let Header::Qtum(q) = &block.header {
        if q.is_proof_of_stake() {
            let mut h = DirectH160 { ctx: &mut *ctx };
            block_sig_job = Some(qtum_block_sig_job(block, q, signed_hash, &mut h));
        } else {
            ctx.rep.block_signature_ok = Some(q.block_sig.is_empty());
            if !q.block_sig.is_empty() {
                ctx.rep.fail(ValidationError::BadBlockSignature {
                    reason: "proof-of-work block carries a block signature".into(),
                });
            }
        }
    }
    let extra = block_sig_job
        .as_ref()
        .and_then(|r| r.as_ref().ok().cloned());
    let (input_errors, extra_verdict) = sig_pipeline(&block.txs, opts, flags, ctx, extra)?;
    if let Some((_, e)) = input_errors.into_iter().next() {
        ctx.rep.fail(e);
    }
    if let Some(bs) = block_sig_job {
        let r = bs.and_then(|_| match extra_verdict {
            Some(Verdict::Valid) => Ok(()),
            Some(Verdict::Invalid(f)) => Err(f.to_string()),
            None => Err("missing verdict".into()),
        });
        ctx.rep.block_signature_ok = Some(r.is_ok());
        if let Err(reason) = r {
            ctx.rep.fail(ValidationError::BadBlockSignature { reason });
        }
    }
    Ok(())
}

/// Plans, hashes and verifies every input signature of `txs` (index 0 is skipped if it is a
/// coinbase). Sets `ctx.rep.signatures` / `not_checkable_reasons`; returns the input errors
/// sorted by (tx, input) and the verdict of `extra` (verified in the same batch).
fn sig_pipeline(
    txs: &[Transaction],
    opts: &ValidateOptions<'_>,
    flags: ScriptFlags,
    ctx: &mut Ctx<'_, '_>,
    extra: Option<VerifyJob>,
) -> Result<(InputErrors, Option<Verdict>), ValidationError> {
    let t = Instant::now();
    let mut planner = Planner {
        h160_reqs: Vec::new(),
        sha_reqs: Vec::new(),
        null_dummy: flags.null_dummy,
        chain: opts.chain,
        prevouts: opts.prevouts,
    };
    let mut checks: Vec<InputCheck> = Vec::new();
    let mut counts = SigCounts::default();
    // Errors are ordered by (tx, input): remember each with its position.
    let mut input_errors: Vec<((usize, usize), ValidationError)> = Vec::new();
    for (txi, tx) in txs.iter().enumerate() {
        for ini in 0..tx.inputs.len() {
            match planner.plan(txi, tx, ini) {
                Plan::Coinbase => {}
                Plan::NotCheckable(why) => {
                    counts.not_checkable += 1;
                    *ctx.rep
                        .not_checkable_reasons
                        .entry(why.to_string())
                        .or_insert(0) += 1;
                    if opts.require_all_checkable {
                        input_errors.push((
                            (txi, ini),
                            ValidationError::NotCheckable {
                                tx: txi,
                                input: ini,
                                reason: why.to_string(),
                            },
                        ));
                    }
                }
                Plan::Fail(e) => {
                    counts.checked += 1;
                    counts.invalid += 1;
                    input_errors.push(((txi, ini), e));
                }
                Plan::Check(c) => checks.push(c),
            }
        }
    }
    ctx.time("sig_plan", t);

    // HASH160 requests: SHA-256 on the backend, RIPEMD-160 here.
    let t = Instant::now();
    let jobs: Vec<HashJob> = planner
        .h160_reqs
        .iter()
        .chain(planner.sha_reqs.iter())
        .map(|d| HashJob::sha256(d.clone()))
        .collect();
    let sha = ctx.hash(&jobs)?;
    let n160 = planner.h160_reqs.len();
    let h160: Vec<[u8; 20]> = sha.iter().take(n160).map(|d| ripemd160(d)).collect();
    let sha_ws: Vec<Digest32> = sha.iter().skip(n160).copied().collect();
    ctx.time("hash160", t);

    // Resolve script codes and HASH160 conditions.
    let mut live: Vec<(InputCheck, Vec<u8>)> = Vec::with_capacity(checks.len());
    for c in checks {
        let failed = c
            .h160_checks
            .iter()
            .find(|(r, want, _)| h160.get(*r) != Some(want))
            .map(|(_, _, why)| *why)
            .or_else(|| {
                c.sha_checks
                    .iter()
                    .find(|(r, want, _)| sha_ws.get(*r) != Some(want))
                    .map(|(_, _, why)| *why)
            });
        if let Some(why) = failed {
            counts.checked += c.sigs.len() as u64;
            counts.invalid += c.sigs.len() as u64;
            input_errors.push((
                (c.tx, c.input),
                ValidationError::BadScript {
                    tx: c.tx,
                    input: c.input,
                    reason: why.to_string(),
                },
            ));
            continue;
        }
        let code = match &c.code {
            CodeSrc::Explicit(v) => v.clone(),
            CodeSrc::P2pkhFromH160(r) => match h160.get(*r) {
                Some(h) => p2pkh_script_pubkey(h),
                None => continue,
            },
        };
        live.push((c, code));
    }

    // BIP143 midstates for transactions with witness-v0 checks.
    let t = Instant::now();
    let mut bip_tx: BTreeMap<usize, usize> = BTreeMap::new(); // tx -> index of its 3 jobs
    let mut single_out: BTreeMap<(usize, usize), usize> = BTreeMap::new(); // (tx, out) -> job
    let mut jobs: Vec<HashJob> = Vec::new();
    for (c, _) in &live {
        if let SigVersion::WitnessV0 { .. } = c.version {
            let Some(tx) = txs.get(c.tx) else {
                continue;
            };
            if let alloc::collections::btree_map::Entry::Vacant(e) = bip_tx.entry(c.tx) {
                e.insert(jobs.len());
                let p = bip143_parts(tx);
                jobs.push(HashJob::sha256d(p.prevouts));
                jobs.push(HashJob::sha256d(p.sequences));
                jobs.push(HashJob::sha256d(p.outputs));
            }
            for s in &c.sigs {
                let ht = s.last().copied().unwrap_or(0) as i32;
                if ht & 0x1f == SIGHASH_SINGLE && !single_out.contains_key(&(c.tx, c.input)) {
                    if let Some(o) = bip143_single_output(tx, c.input) {
                        single_out.insert((c.tx, c.input), jobs.len());
                        jobs.push(HashJob::sha256d(o));
                    }
                }
            }
        }
    }
    let bip_digests = ctx.hash(&jobs)?;
    drop(jobs);
    ctx.time("bip143", t);

    // Sighash preimages: one batch for the block, flushed early only when the preimages
    // exceed PREIMAGE_BATCH_BYTES (legacy sighashing is quadratic in the tx size, so a
    // hostile block must not make us hold gigabytes of preimages at once).
    let t = Instant::now();
    let mut pre_jobs: Vec<HashJob> = Vec::new();
    let mut pre_bytes = 0usize;
    let mut digests: Vec<Digest32> = Vec::new();
    let mut preps: Vec<Vec<SigPrep>> = Vec::with_capacity(live.len());
    for (c, code) in &live {
        let Some(tx) = txs.get(c.tx) else {
            continue;
        };
        let mut code_base = code.clone();
        if c.version == SigVersion::Base {
            // FindAndDelete every signature of this check (CHECKMULTISIG removes all of them).
            for s in &c.sigs {
                find_and_delete(&mut code_base, &push_data(s));
            }
        }
        let mut v = Vec::with_capacity(c.sigs.len());
        for s in &c.sigs {
            let rs = sig_rs(s, flags);
            let ht = s.last().copied().unwrap_or(0) as i32;
            let digest_idx = match c.version {
                SigVersion::Base => match legacy_preimage(tx, c.input, &code_base, ht) {
                    LegacySighash::Preimage(p) => {
                        pre_bytes += p.len();
                        pre_jobs.push(HashJob::sha256d(p));
                        Some(digests.len() + pre_jobs.len() - 1)
                    }
                    LegacySighash::One => None,
                },
                SigVersion::WitnessV0 { amount } => {
                    let base = bip_tx.get(&c.tx).copied().unwrap_or(0);
                    let d = |k: usize| bip_digests.get(base + k).copied().unwrap_or([0u8; 32]);
                    let hashes = Bip143Hashes {
                        hash_prevouts: d(0),
                        hash_sequence: d(1),
                        hash_outputs: d(2),
                    };
                    let so = single_out
                        .get(&(c.tx, c.input))
                        .and_then(|k| bip_digests.get(*k));
                    match bip143_preimage(tx, c.input, code, amount, ht, &hashes, so) {
                        Some(p) => {
                            pre_bytes += p.len();
                            pre_jobs.push(HashJob::sha256d(p));
                            Some(digests.len() + pre_jobs.len() - 1)
                        }
                        None => None,
                    }
                }
            };
            v.push(SigPrep { digest_idx, rs });
            if pre_bytes > PREIMAGE_BATCH_BYTES {
                digests.extend(ctx.hash(&pre_jobs)?);
                pre_jobs.clear();
                pre_bytes = 0;
            }
        }
        preps.push(v);
    }
    digests.extend(ctx.hash(&pre_jobs)?);
    drop(pre_jobs);
    ctx.time("sighash", t);

    // Verify jobs: P2PKH-like one pair; multisig the pairs OP_CHECKMULTISIG may consult.
    let t = Instant::now();
    let mut vjobs: Vec<VerifyJob> = Vec::new();
    // For each check: map (sig_from_end, key_from_end) -> job index (None = fails without crypto).
    let mut pair_maps: Vec<BTreeMap<(usize, usize), Option<usize>>> =
        Vec::with_capacity(live.len());
    let mut sig_errors: Vec<Vec<Option<String>>> = Vec::with_capacity(live.len());
    for ((c, _), prep) in live.iter().zip(preps.iter()) {
        let m = c.sigs.len();
        let n = c.keys.len();
        let mut map = BTreeMap::new();
        let errs: Vec<Option<String>> = prep.iter().map(|p| p.rs.as_ref().err().cloned()).collect();
        if m <= n {
            for ie in 0..m {
                for je in ie..=(ie + (n - m)) {
                    let si = m - 1 - ie;
                    let ki = n - 1 - je;
                    let job = match (
                        prep.get(si),
                        c.keys.get(ki).and_then(|k| PubkeyBytes::from_sec1(k)),
                    ) {
                        (
                            Some(SigPrep {
                                digest_idx,
                                rs: Ok(rs),
                            }),
                            Some(pk),
                        ) => {
                            let prehash = match digest_idx {
                                Some(d) => digests.get(*d).copied().unwrap_or([0u8; 32]),
                                None => SIGHASH_ONE,
                            };
                            vjobs.push(VerifyJob {
                                pubkey: pk,
                                prehash,
                                r: rs.r,
                                s: rs.s,
                            });
                            Some(vjobs.len() - 1)
                        }
                        _ => None,
                    };
                    map.insert((ie, je), job);
                }
            }
        }
        pair_maps.push(map);
        sig_errors.push(errs);
    }
    let extra_idx = extra.map(|j| {
        vjobs.push(j);
        vjobs.len() - 1
    });
    let verdicts = ctx.verify(&vjobs)?;
    ctx.time("verify", t);
    let t = Instant::now();

    // Resolve.
    for (((c, _), map), errs) in live.iter().zip(pair_maps.iter()).zip(sig_errors.iter()) {
        let m = c.sigs.len();
        let n = c.keys.len();
        let pair = |ie: usize, je: usize| -> Result<(), String> {
            match map.get(&(ie, je)) {
                Some(Some(j)) => match verdicts.get(*j) {
                    Some(Verdict::Valid) => Ok(()),
                    Some(Verdict::Invalid(f)) => Err(f.to_string()),
                    None => Err("missing verdict".into()),
                },
                _ => {
                    let si = m.wrapping_sub(1 + ie);
                    match errs.get(si).cloned().flatten() {
                        Some(e) => Err(e),
                        None => Err("public key cannot be parsed".into()),
                    }
                }
            }
        };
        counts.checked += m as u64;
        let mut matched = 0usize;
        let mut err: Option<String> = None;
        if m > n {
            err = Some(format!("{m} signatures for {n} keys"));
        } else if !c.multisig {
            match pair(0, 0) {
                Ok(()) => matched = 1,
                Err(e) => err = Some(e),
            }
        } else {
            let (mut isig, mut ikey, mut nsigs, mut nkeys) = (0usize, 0usize, m, n);
            let mut last_err = String::new();
            while nsigs > 0 {
                match pair(isig, ikey) {
                    Ok(()) => {
                        isig += 1;
                        nsigs -= 1;
                        matched += 1;
                    }
                    Err(e) => last_err = e,
                }
                ikey += 1;
                nkeys -= 1;
                if nsigs > nkeys {
                    err = Some(format!(
                        "{m}-of-{n} multisig: {matched} signatures matched ({last_err})"
                    ));
                    break;
                }
            }
        }
        counts.valid += matched as u64;
        counts.invalid += (m - matched.min(m)) as u64;
        if let Some(e) = err {
            input_errors.push((
                (c.tx, c.input),
                ValidationError::BadSignature {
                    tx: c.tx,
                    input: c.input,
                    reason: format!("{} ({})", e, c.kind),
                },
            ));
        }
    }
    input_errors.sort_by_key(|(k, _)| *k);
    ctx.rep.signatures = counts;
    ctx.time("resolve", t);
    Ok((
        input_errors,
        extra_idx.and_then(|j| verdicts.get(j).copied()),
    ))
}

/// Encoding policy, then the lax parse Core verifies with.
fn sig_rs(sig: &[u8], flags: ScriptFlags) -> Result<der::RawSignature, String> {
    if sig.is_empty() {
        return Err(der::DerError::Empty.to_string());
    }
    if flags.strict_der || flags.low_s {
        der::check_strict(sig).map_err(|e| e.to_string())?;
    }
    if flags.low_s {
        der::check_low_s(sig).map_err(|e| e.to_string())?;
    }
    let body = sig.split_last().map(|(_, d)| d).unwrap_or(&[]);
    der::parse_lax(body).map_err(|e| e.to_string())
}

/// HASH160 through the backend for the (rare) block-signature key lookup.
struct DirectH160<'c, 'r, 'b> {
    ctx: &'c mut Ctx<'r, 'b>,
}

impl DirectH160<'_, '_, '_> {
    fn h160(&mut self, data: &[u8]) -> Result<[u8; 20], ValidationError> {
        let d = self.ctx.hash(&[HashJob::sha256(data.to_vec())])?;
        Ok(ripemd160(d.first().unwrap_or(&[0u8; 32])))
    }
}

/// Builds the Qtum block-signature job: the staker key is the coinstake's vout[1] P2PK key,
/// or for a P2PKH vout[1], the key revealed by the coinstake's first input (checked against
/// the hash). A 65-byte signature is read as compact (recovery byte, r, s), otherwise as DER.
fn qtum_block_sig_job(
    block: &Block,
    q: &crate::header::QtumHeader,
    signed_hash: Option<Digest32>,
    h: &mut DirectH160<'_, '_, '_>,
) -> Result<VerifyJob, String> {
    let cs = block
        .txs
        .get(1)
        .filter(|t| t.is_coinstake())
        .ok_or("no coinstake")?;
    let out = cs.outputs.get(1).ok_or("coinstake has no vout[1]")?;
    let key: Vec<u8> = match classify(&out.script_pubkey) {
        Template::P2pk(k) => k.to_vec(),
        Template::P2pkh(want) => {
            let ss = cs
                .inputs
                .first()
                .map(|i| i.script_sig.as_slice())
                .unwrap_or(&[]);
            let pushes = push_only(ss).ok_or("coinstake input scriptSig is not push-only")?;
            let k = pushes.last().ok_or("coinstake input reveals no key")?;
            let got = h.h160(k).map_err(|e| e.to_string())?;
            if got != want {
                return Err("key revealed by the coinstake input does not hash to vout[1]".into());
            }
            k.clone()
        }
        _ => return Err("coinstake vout[1] is neither P2PK nor P2PKH".into()),
    };
    let pk = PubkeyBytes::from_sec1(&key).ok_or("staker public key cannot be parsed")?;
    let sig = &q.block_sig;
    let rs = if sig.len() == 65 && (27..=34).contains(&sig[0]) {
        let mut r = [0u8; 32];
        let mut s = [0u8; 32];
        r.copy_from_slice(&sig[1..33]);
        s.copy_from_slice(&sig[33..65]);
        der::RawSignature { r, s }
    } else {
        der::parse_lax(sig).map_err(|e| e.to_string())?
    };
    let prehash = signed_hash.ok_or("signed header hash missing")?;
    Ok(VerifyJob {
        pubkey: pk,
        prehash,
        r: rs.r,
        s: rs.s,
    })
}

/// Result of [`check_transaction`].
#[derive(Debug, Clone, serde::Serialize)]
pub struct TxReport {
    pub valid: bool,
    pub error: Option<String>,
    pub error_detail: Option<ValidationError>,
    pub signatures: SigCounts,
    pub not_checkable_reasons: BTreeMap<String, u64>,
}

/// Checks one transaction outside a block: the CheckTransaction rules and every input
/// signature that is checkable (with `opts.prevouts`, also the prevout-based forms), under
/// the given `flags`. Error positions name tx 0. Never panics.
pub fn check_transaction(
    tx: &Transaction,
    opts: &ValidateOptions<'_>,
    flags: ScriptFlags,
    backend: &dyn Backend,
) -> TxReport {
    let mut rep = BlockReport::new(opts.chain, backend.name());
    check_tx_rules(0, tx, opts.chain, max_weight(opts.chain), &mut rep);
    let mut ctx = Ctx {
        backend,
        rep: &mut rep,
        hash_jobs: 0,
        verify_jobs: 0,
    };
    match sig_pipeline(core::slice::from_ref(tx), opts, flags, &mut ctx, None) {
        Ok((errs, _)) => {
            if let Some((_, e)) = errs.into_iter().next() {
                ctx.rep.fail(e);
            }
        }
        Err(e) => ctx.rep.fail(e),
    }
    TxReport {
        valid: rep.error_detail.is_none(),
        error: rep.error,
        error_detail: rep.error_detail,
        signatures: rep.signatures,
        not_checkable_reasons: rep.not_checkable_reasons,
    }
}
