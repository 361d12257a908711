//! rust-bitcoin (`bitcoin` 0.32) interop, behind the `bitcoin` feature: validate a
//! `bitcoin::Block` as it is, get typed hashes back, and hand the node's UTXO view over
//! without copying it.
//!
//! **How the block gets in: walked, not re-serialized.** [`validate_bitcoin_block`] converts
//! the `bitcoin::Block` into crypto-core's [`Block`] field by field (scripts and witness
//! items are copied once, as the byte parser copies them) and runs the same pipeline as
//! [`validate_block`](crate::validate_block) from there: no serialization, no second parse.
//! The result is *identical* to validating `bitcoin::consensus::serialize(block)`: same
//! checks, same report, same error positions. That holds because a serialization can break
//! only two of the parser's rules, and the walk hands exactly those blocks to the byte path:
//! - a length or count above Core's `MAX_SIZE` (0x02000000) — the parser's
//!   `SizeTooLarge` with its offset;
//! - a transaction without inputs, which rust-bitcoin writes in the BIP144 form (marker,
//!   flag, no witness) and Core reads as a superfluous witness record.
//!
//! A block decoded from the wire never has either (rust-bitcoin's decoder refuses both), so
//! the byte path runs only for blocks built in memory. Everything else a serialization
//! could get wrong (compact sizes, the segwit marker) rust-bitcoin's encoder writes
//! canonically; `tests/bitcoin_interop.rs` holds the walk against the parser on block
//! 413567, and on blocks that take the byte path.
//!
//! **Prevouts.** [`PrevoutProvider`] lends outputs ([`Prevout`]: amount and a borrowed
//! script), so `HashMap<bitcoin::OutPoint, bitcoin::TxOut>` (and a `BTreeMap`) serve as a
//! UTXO view with no allocation per input. A node with its own UTXO cache implements
//! `PrevoutProvider` in a few lines with the conversions here (`bitcoin::OutPoint::from`,
//! `Prevout::from(&bitcoin::TxOut)`).

use bitcoin::hashes::Hash;
use bitcoin::{BlockHash, Txid, Wtxid};

use crate::backend::Backend;
use crate::block::Block;
use crate::encode::{varint_len, ParseError, MAX_SIZE};
use crate::header::{BitcoinHeader, Header};
use crate::prelude::*;
use crate::tx::{OutPoint, Transaction, TxIn, TxOut};
use crate::validate::{
    validate_with, BlockReport, Prevout, PrevoutProvider, ValidateOptions, ValidationError,
};
use crate::Chain;

/// What [`validate_bitcoin_block`] found: the report of [`validate_block`](crate::validate_block)
/// and the hashes computed on the way, typed.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct BitcoinBlockReport {
    /// The verdict, counts, flags and timings (the CLI's `--json` object).
    pub report: BlockReport,
    /// The block hash; `None` when validation stopped before the header was hashed.
    pub block_hash: Option<BlockHash>,
    /// One txid per transaction, in block order; empty when validation stopped before the
    /// txid phase (backend failure, options naming another chain).
    pub txids: Vec<Txid>,
    /// One wtxid per transaction where the witness commitment was checked; entry 0 (the
    /// coinbase) is all zeros, as BIP141 counts it. `None` without a checked commitment.
    pub wtxids: Option<Vec<Wtxid>>,
}

/// Validates a `bitcoin::Block` exactly as [`validate_block`](crate::validate_block) validates
/// its serialization (see the module docs for why the two agree), without serializing it.
/// `opts.chain` must be [`Chain::Bitcoin`] (else [`ValidationError::ChainMismatch`]).
/// Never panics.
pub fn validate_bitcoin_block(
    block: &bitcoin::Block,
    opts: &ValidateOptions<'_>,
    backend: &dyn Backend,
) -> BitcoinBlockReport {
    let load = || {
        if opts.chain != Chain::Bitcoin {
            return Err(ValidationError::ChainMismatch {
                block: Chain::Bitcoin,
                options: opts.chain,
            });
        }
        Block::from_bitcoin(block).map_err(ValidationError::Parse)
    };
    let (report, h) = validate_with(load, opts, backend);
    BitcoinBlockReport {
        report,
        block_hash: h.block_hash.map(BlockHash::from_byte_array),
        txids: h.txids.into_iter().map(Txid::from_byte_array).collect(),
        wtxids: h
            .wtxids
            .map(|w| w.into_iter().map(Wtxid::from_byte_array).collect()),
    }
}

impl Block {
    /// The block a `bitcoin::Block` serializes to, built field by field; exactly
    /// `Block::parse(&bitcoin::consensus::serialize(b), Chain::Bitcoin)` (the two blocks the
    /// walk cannot represent go through those bytes, see the module docs).
    pub fn from_bitcoin(b: &bitcoin::Block) -> Result<Block, ParseError> {
        if let Some(block) = walk_block(b) {
            return Ok(block);
        }
        Block::parse(&bitcoin::consensus::serialize(b), Chain::Bitcoin)
    }
}

impl Transaction {
    /// The transaction a `bitcoin::Transaction` serializes to; exactly
    /// `Transaction::parse_exact(&bitcoin::consensus::serialize(tx))`, without the bytes
    /// unless the walk cannot represent it (see the module docs). For
    /// [`check_transaction`](crate::check_transaction).
    pub fn from_bitcoin(tx: &bitcoin::Transaction) -> Result<Transaction, ParseError> {
        if let Some(t) = walk_tx(tx) {
            return Ok(t);
        }
        Transaction::parse_exact(&bitcoin::consensus::serialize(tx))
    }
}

impl From<&OutPoint> for bitcoin::OutPoint {
    fn from(op: &OutPoint) -> Self {
        bitcoin::OutPoint {
            txid: Txid::from_byte_array(op.txid),
            vout: op.vout,
        }
    }
}

impl From<&bitcoin::OutPoint> for OutPoint {
    fn from(op: &bitcoin::OutPoint) -> Self {
        OutPoint {
            txid: op.txid.to_byte_array(),
            vout: op.vout,
        }
    }
}

impl<'a> From<&'a bitcoin::TxOut> for Prevout<'a> {
    fn from(o: &'a bitcoin::TxOut) -> Self {
        Prevout {
            value: sat_to_i64(o.value),
            script_pubkey: o.script_pubkey.as_bytes(),
        }
    }
}

#[cfg(feature = "std")]
impl<S: core::hash::BuildHasher + Sync> PrevoutProvider
    for std::collections::HashMap<bitcoin::OutPoint, bitcoin::TxOut, S>
{
    fn prevout(&self, op: &OutPoint) -> Option<Prevout<'_>> {
        self.get(&bitcoin::OutPoint::from(op)).map(Prevout::from)
    }
}

impl PrevoutProvider for alloc::collections::BTreeMap<bitcoin::OutPoint, bitcoin::TxOut> {
    fn prevout(&self, op: &OutPoint) -> Option<Prevout<'_>> {
        self.get(&bitcoin::OutPoint::from(op)).map(Prevout::from)
    }
}

/// The amount's 8 bytes read as Core's signed `CAmount`, bit for bit as the wire carries them
/// (an amount above `i64::MAX` is negative here, and out of range for the consensus checks,
/// as it is for Core).
fn sat_to_i64(a: bitcoin::Amount) -> i64 {
    i64::from_le_bytes(a.to_sat().to_le_bytes())
}

/// Whether a length or count passes the parser's `MAX_SIZE` rule.
fn fits(n: usize) -> bool {
    n as u64 <= MAX_SIZE
}

/// The walk: `None` where the serialization would break a parser rule (see the module docs).
fn walk_block(b: &bitcoin::Block) -> Option<Block> {
    if !fits(b.txdata.len()) {
        return None;
    }
    let h = &b.header;
    let header = Header::Bitcoin(BitcoinHeader {
        version: h.version.to_consensus(),
        prev_block: h.prev_blockhash.to_byte_array(),
        merkle_root: h.merkle_root.to_byte_array(),
        time: h.time,
        bits: h.bits.to_consensus(),
        nonce: h.nonce,
    });
    let mut txs = Vec::with_capacity(b.txdata.len());
    let mut tx_offsets = Vec::with_capacity(b.txdata.len());
    let mut offset = 80 + varint_len(b.txdata.len() as u64);
    for tx in &b.txdata {
        txs.push(walk_tx(tx)?);
        tx_offsets.push(offset);
        offset = offset.saturating_add(tx.total_size());
    }
    Some(Block {
        header,
        txs,
        tx_offsets,
    })
}

fn walk_tx(tx: &bitcoin::Transaction) -> Option<Transaction> {
    if tx.input.is_empty() || !fits(tx.input.len()) || !fits(tx.output.len()) {
        return None;
    }
    let mut inputs = Vec::with_capacity(tx.input.len());
    for i in &tx.input {
        let script_sig = i.script_sig.as_bytes();
        if !fits(script_sig.len()) || !fits(i.witness.len()) {
            return None;
        }
        let mut witness = Vec::with_capacity(i.witness.len());
        for item in i.witness.iter() {
            if !fits(item.len()) {
                return None;
            }
            witness.push(item.to_vec());
        }
        inputs.push(TxIn {
            prevout: OutPoint::from(&i.previous_output),
            script_sig: script_sig.to_vec(),
            sequence: i.sequence.to_consensus_u32(),
            witness,
        });
    }
    let mut outputs = Vec::with_capacity(tx.output.len());
    for o in &tx.output {
        let spk = o.script_pubkey.as_bytes();
        if !fits(spk.len()) {
            return None;
        }
        outputs.push(TxOut {
            value: sat_to_i64(o.value),
            script_pubkey: spk.to_vec(),
        });
    }
    Some(Transaction {
        version: tx.version.0,
        inputs,
        outputs,
        lock_time: tx.lock_time.to_consensus_u32(),
    })
}
