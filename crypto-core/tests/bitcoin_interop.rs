//! rust-bitcoin interop (`bitcoin` feature): a `bitcoin::Block` validated through
//! `validate_bitcoin_block` gives the report `validate_block` gives for its bytes (block
//! 413567, tampered copies of it, a synthetic segwit block, and the in-memory blocks that
//! take the byte path), typed hashes equal to rust-bitcoin's own, and UTXO views keyed by
//! `bitcoin::OutPoint` act like crypto-core's own.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::cast_possible_truncation
)]
mod common;

use std::collections::{BTreeMap, HashMap};

use bitcoin::hashes::Hash;
use common::segwit::build as build_segwit;
use common::{merkle_root_sw, read_data, TestBackend};
use crypto_core::encode::{ParseReason, MAX_SIZE};
use crypto_core::params::Network;
use crypto_core::{
    validate_bitcoin_block, validate_block_with_hashes, Block, BlockReport, Chain, OutPoint,
    PrevoutProvider, Transaction, TxOut, ValidateOptions, ValidationError,
};

fn block413567() -> (Vec<u8>, bitcoin::Block) {
    let raw = read_data("bitcoin-core/block413567.raw");
    let block: bitcoin::Block = bitcoin::consensus::deserialize(&raw).unwrap();
    (raw, block)
}

/// The report as JSON without the timings (the only field that may differ between runs).
fn comparable(r: &BlockReport) -> serde_json::Value {
    let mut v = serde_json::to_value(r).unwrap();
    v.as_object_mut().unwrap().remove("timings_ms");
    v
}

/// Validates `block` both ways (typed, and its serialization) and asserts the same report.
fn both_ways(
    block: &bitcoin::Block,
    opts: &ValidateOptions<'_>,
) -> crypto_core::BitcoinBlockReport {
    let be = TestBackend::default();
    let typed = validate_bitcoin_block(block, opts, &be);
    let raw = bitcoin::consensus::serialize(block);
    let (bytes, hashes) = validate_block_with_hashes(&raw, opts, &be);
    assert_eq!(comparable(&typed.report), comparable(&bytes));
    assert_eq!(typed.report.error_detail, bytes.error_detail);
    let txids: Vec<[u8; 32]> = typed.txids.iter().map(|t| t.to_byte_array()).collect();
    assert_eq!(txids, hashes.txids);
    assert_eq!(
        typed.block_hash.map(|h| h.to_byte_array()),
        hashes.block_hash
    );
    assert_eq!(
        typed
            .wtxids
            .as_ref()
            .map(|w| w.iter().map(|h| h.to_byte_array()).collect::<Vec<_>>()),
        hashes.wtxids
    );
    typed
}

#[test]
fn block413567_both_ways_same_report_and_rust_bitcoin_hashes() {
    let (raw, block) = block413567();
    // The walk builds exactly what the parser reads from the bytes (tx offsets included).
    assert_eq!(
        Block::from_bitcoin(&block).unwrap(),
        Block::parse(&raw, Chain::Bitcoin).unwrap()
    );
    assert_eq!(bitcoin::consensus::serialize(&block), raw);

    let opts = ValidateOptions::new(Chain::Bitcoin);
    let r = both_ways(&block, &opts);
    assert!(r.report.valid, "{:?}", r.report.error);
    assert_eq!(r.report.height, Some(413_567));
    assert_eq!((r.report.txs, r.report.inputs), (1557, 4887));
    assert_eq!(r.report.signatures.valid, 5815);
    assert_eq!(r.report.backend_jobs, (12_893, 7_463));
    // The hashes the node gets back are rust-bitcoin's own.
    assert_eq!(r.block_hash, Some(block.block_hash()));
    assert_eq!(r.txids.len(), 1557);
    for (tx, id) in block.txdata.iter().zip(&r.txids) {
        assert_eq!(*id, tx.compute_txid());
    }
    // Pre-segwit block: no commitment, no wtxids.
    assert_eq!(r.wtxids, None);
}

#[test]
fn tampered_blocks_give_the_same_error_both_ways() {
    let (_, block) = block413567();
    let opts = ValidateOptions::new(Chain::Bitcoin);

    // A byte of tx 1 input 0's signature (inside r): the merkle root breaks first.
    let mut b = block.clone();
    let mut sig = b.txdata[1].input[0].script_sig.to_bytes();
    sig[20] ^= 1;
    b.txdata[1].input[0].script_sig = bitcoin::ScriptBuf::from_bytes(sig);
    let r = both_ways(&b, &opts);
    assert!(!r.report.valid);
    assert!(
        matches!(
            r.report.error_detail,
            Some(ValidationError::BadMerkleRoot { .. })
        ),
        "{:?}",
        r.report.error
    );
    // With the merkle root fixed the signature itself is what fails.
    b.header.merkle_root = b.compute_merkle_root().unwrap();
    let mut no_pow = opts;
    no_pow.check_pow = false; // the header changed, its work no longer holds
    let r = both_ways(&b, &no_pow);
    assert!(
        matches!(
            r.report.error_detail,
            Some(ValidationError::BadSignature {
                tx: 1,
                input: 0,
                ..
            })
        ),
        "{:?}",
        r.report.error
    );

    // The first 101 transactions, then the last of them again (an odd count: the same
    // root): CVE-2012-2459. (Duplicating in the full block breaks the size limit first.)
    let mut b = block.clone();
    b.txdata.truncate(101);
    b.header.merkle_root = b.compute_merkle_root().unwrap();
    let last = b.txdata.last().unwrap().clone();
    b.txdata.push(last);
    assert_eq!(b.compute_merkle_root(), Some(b.header.merkle_root));
    let r = both_ways(&b, &no_pow);
    assert_eq!(
        r.report.error_detail,
        Some(ValidationError::MutatedMerkle),
        "{:?}",
        r.report.error
    );

    // Qtum options on a bitcoin::Block: a typed error, no hashing.
    let q = validate_bitcoin_block(
        &block,
        &ValidateOptions::new(Chain::Qtum),
        &TestBackend::default(),
    );
    assert_eq!(
        q.report.error_detail,
        Some(ValidationError::ChainMismatch {
            block: Chain::Bitcoin,
            options: Chain::Qtum
        })
    );
    assert!(q.txids.is_empty() && q.block_hash.is_none());
}

/// Blocks only memory can hold take the byte path and get the parser's error, offset
/// included: a transaction without inputs (BIP144 form, superfluous witness) and a script
/// longer than `MAX_SIZE`.
#[test]
fn in_memory_only_blocks_get_the_parsers_errors() {
    let (_, block) = block413567();
    let opts = ValidateOptions::new(Chain::Bitcoin);

    let mut b = block.clone();
    b.txdata[5].input.clear();
    let r = both_ways(&b, &opts);
    let Some(ValidationError::Parse(e)) = &r.report.error_detail else {
        panic!("{:?}", r.report.error);
    };
    assert_eq!(e.reason, ParseReason::SuperfluousWitness);
    assert!(Transaction::from_bitcoin(&b.txdata[5]).is_err());

    let mut b = block;
    b.txdata[3].output[0].script_pubkey =
        bitcoin::ScriptBuf::from_bytes(vec![0x6a; MAX_SIZE as usize + 1]);
    let r = both_ways(&b, &opts);
    let Some(ValidationError::Parse(e)) = &r.report.error_detail else {
        panic!("{:?}", r.report.error);
    };
    assert!(matches!(e.reason, ParseReason::SizeTooLarge { .. }));
    assert_eq!(e.what, "tx.vout.script_pubkey");
}

/// A UTXO view of block 413567's own outputs (the repository has none of the outputs it
/// spends from earlier blocks): inputs that spend an earlier transaction of the same block
/// are checked against the real scriptPubKey. `HashMap` and `BTreeMap` keyed by
/// `bitcoin::OutPoint` give the report crypto-core's own `HashMap` gives.
#[test]
fn rust_bitcoin_utxo_views_act_like_crypto_cores() {
    let (raw, block) = block413567();
    let ours: HashMap<OutPoint, TxOut> = Block::parse(&raw, Chain::Bitcoin)
        .unwrap()
        .txs
        .iter()
        .zip(&block.txdata)
        .flat_map(|(t, bt)| {
            let txid = bt.compute_txid().to_byte_array();
            t.outputs.iter().enumerate().map(move |(i, o)| {
                (
                    OutPoint {
                        txid,
                        vout: i as u32,
                    },
                    o.clone(),
                )
            })
        })
        .collect();
    let theirs: HashMap<bitcoin::OutPoint, bitcoin::TxOut> = block
        .txdata
        .iter()
        .flat_map(|tx| {
            let txid = tx.compute_txid();
            tx.output
                .iter()
                .enumerate()
                .map(move |(i, o)| (bitcoin::OutPoint::new(txid, i as u32), o.clone()))
        })
        .collect();
    let theirs_sorted: BTreeMap<_, _> = theirs.clone().into_iter().collect();
    let spent_in_block = block
        .txdata
        .iter()
        .flat_map(|t| &t.input)
        .filter(|i| theirs.contains_key(&i.previous_output))
        .count();
    assert!(
        spent_in_block > 0,
        "block 413567 spends none of its own outputs"
    );

    let run = |p: &dyn PrevoutProvider| {
        let opts = ValidateOptions::builder(Chain::Bitcoin)
            .network(Network::Mainnet)
            .height(413_567)
            .prevouts(p)
            .build()
            .unwrap();
        both_ways(&block, &opts)
    };
    let a = run(&ours);
    let b = run(&theirs);
    let c = run(&theirs_sorted);
    assert!(a.report.valid, "{:?}", a.report.error);
    assert_eq!(comparable(&a.report), comparable(&b.report));
    assert_eq!(comparable(&a.report), comparable(&c.report));
    println!(
        "{spent_in_block} inputs spend outputs of the same block; signatures {:?}",
        a.report.signatures
    );

    // The lookup lends the stored output: same bytes, same amount.
    let op = block.txdata[1].input[0].previous_output;
    let ours_op = OutPoint::from(&op);
    assert_eq!(bitcoin::OutPoint::from(&ours_op), op);
    if let Some(p) = theirs.prevout(&ours_op) {
        let o = &theirs[&op];
        assert_eq!(p.script_pubkey, o.script_pubkey.as_bytes());
        assert_eq!(p.value as u64, o.value.to_sat());
    }
}

/// A segwit block (synthetic, P2WPKH spend with commitment): the wtxids come back, equal to
/// rust-bitcoin's (the coinbase's as BIP141 counts it: zero), and the P2WPKH input is checked
/// with a rust-bitcoin UTXO view.
#[test]
fn segwit_block_wtxids_and_p2wpkh_with_rust_bitcoin_prevouts() {
    let (raw, op, prev) = build_segwit(true);
    let block: bitcoin::Block = bitcoin::consensus::deserialize(&raw).unwrap();
    let utxos: HashMap<bitcoin::OutPoint, bitcoin::TxOut> = [(
        bitcoin::OutPoint::from(&op),
        bitcoin::TxOut {
            value: bitcoin::Amount::from_sat(prev.value as u64),
            script_pubkey: bitcoin::ScriptBuf::from_bytes(prev.script_pubkey.clone()),
        },
    )]
    .into();
    let mut opts = ValidateOptions::new(Chain::Bitcoin);
    opts.check_pow = false; // synthetic header
    opts.prevouts = Some(&utxos);
    let r = both_ways(&block, &opts);
    assert!(r.report.valid, "{:?}", r.report.error);
    assert_eq!(r.report.witness_commitment_ok, Some(true));
    assert_eq!(
        (r.report.signatures.checked, r.report.signatures.valid),
        (1, 1)
    );
    let w = r.wtxids.expect("commitment checked");
    assert_eq!(w[0], bitcoin::Wtxid::all_zeros());
    assert_eq!(w[1], block.txdata[1].compute_wtxid());
    assert_ne!(w[1].to_byte_array(), r.txids[1].to_byte_array());
    assert_eq!(
        block.witness_root().map(|x| x.to_byte_array()),
        Some(merkle_root_sw(
            w.iter().map(|x| x.to_byte_array()).collect()
        ))
    );
}
