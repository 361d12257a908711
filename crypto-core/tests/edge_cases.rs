//! Consensus edge cases a node meets, each on a block built from the real ones: a second
//! coinbase; duplicated transactions (CVE-2012-2459) at every level of the merkle tree; a
//! 64-byte transaction; witness data without a commitment; size / weight limits; the
//! legacy sigop limit (both chains); BIP34. Blocks whose header changes are validated with
//! proof of work off (their work is gone, not the point).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::cast_possible_truncation
)]
mod common;

use common::{fix_merkle, merkle_root_sw, read_data, sha256d_sw, TestBackend};
use crypto_core::params::Network;
use crypto_core::script::{height_push, push_data, OP_CHECKSIG};
use crypto_core::{
    validate_block, Block, BlockReport, Chain, OutPoint, Transaction, TxIn, TxOut, ValidateOptions,
    ValidationError,
};

fn btc() -> Block {
    Block::parse(&read_data("bitcoin-core/block413567.raw"), Chain::Bitcoin).unwrap()
}

fn qtum() -> Block {
    Block::parse(&read_data("qtum/blockbench.raw"), Chain::Qtum).unwrap()
}

fn no_pow(chain: Chain) -> ValidateOptions<'static> {
    ValidateOptions::builder(chain)
        .check_pow(false)
        .build()
        .unwrap()
}

fn validate(b: &Block, o: &ValidateOptions<'_>) -> BlockReport {
    validate_block(&b.serialize(), o, &TestBackend::default())
}

/// A transaction of `stripped` bytes without witness: one input (empty scriptSig), one
/// output whose script fills the rest.
fn tx_of_size(stripped: usize, tag: u32) -> Transaction {
    // 4 version + 1 + 41 input + 1 + 8 value + script var-bytes + 4 lock time.
    let rest = stripped - 59;
    let script_len = match rest {
        r if r - 1 <= 0xfc => r - 1,
        r if r - 3 <= 0xffff => r - 3,
        r => r - 5,
    };
    let tx = Transaction {
        version: 1,
        inputs: vec![TxIn {
            prevout: OutPoint {
                txid: sha256d_sw(&tag.to_le_bytes()),
                vout: tag,
            },
            script_sig: vec![],
            sequence: 0xffff_ffff,
            witness: vec![],
        }],
        outputs: vec![TxOut {
            value: 1,
            script_pubkey: vec![0x51; script_len],
        }],
        lock_time: 0,
    };
    assert_eq!(tx.serialize(false).len(), stripped);
    tx
}

#[test]
fn second_coinbase_is_rejected() {
    let mut b = btc();
    b.txs.truncate(100);
    let mut cb2 = b.txs[0].clone();
    cb2.inputs[0].script_sig.extend_from_slice(b"second"); // a different txid
    b.txs.insert(5, cb2);
    fix_merkle(&mut b);
    let rep = validate(&b, &no_pow(Chain::Bitcoin));
    assert!(rep.merkle_root_ok);
    assert_eq!(
        rep.error_detail,
        Some(ValidationError::ExtraCoinbase { tx: 5 }),
        "{:?}",
        rep.error
    );
}

/// CVE-2012-2459 at level k: with `3·2^k` transactions level k has 3 nodes, the last paired
/// with itself; appending a copy of the last `2^k` transactions makes that pairing real and
/// leaves the root unchanged. The mutated block matches the header and is still rejected.
#[test]
fn duplicated_transactions_are_caught_at_every_tree_level() {
    let full = btc();
    // The coinbase and the smallest transactions, so 2,048 of them fit in a block.
    let mut small: Vec<Transaction> = full.txs[1..].to_vec();
    small.sort_by_key(|t| t.serialize(false).len());
    let pool: Vec<Transaction> = std::iter::once(full.txs[0].clone()).chain(small).collect();
    for k in 0..=9u32 {
        let n = 3usize << k;
        let mut b = Block {
            header: full.header.clone(),
            txs: pool[..n].to_vec(),
            tx_offsets: vec![],
        };
        fix_merkle(&mut b);
        let tail = b.txs[n - (1 << k)..].to_vec();
        let mut m = b.clone();
        m.txs.extend(tail);
        let ids = |x: &Block| {
            x.txs
                .iter()
                .map(|t| sha256d_sw(&t.serialize(false)))
                .collect()
        };
        assert_eq!(
            merkle_root_sw(ids(&b)),
            merkle_root_sw(ids(&m)),
            "level {k}: same root"
        );
        let rep = validate(&m, &no_pow(Chain::Bitcoin));
        assert_eq!(
            rep.error_detail,
            Some(ValidationError::MutatedMerkle),
            "level {k}: {:?}",
            rep.error
        );
        assert!(!rep.merkle_root_ok);
    }
}

/// A transaction of exactly 64 bytes without witness reads as an inner merkle node (its two
/// halves). Bitcoin Core accepts such blocks: consensus has no rule against them (only the
/// relay policy `MIN_STANDARD_TX_NONWITNESS_SIZE = 65`, and `IsBlockMutated`, which treats
/// them as mutation only in blocks without a coinbase, i.e. blocks invalid anyway). BIP 54
/// (Consensus Cleanup, draft) would invalidate them. So do we: accepted.
#[test]
fn sixty_four_byte_transaction_is_valid_but_ambiguous() {
    let t64 = tx_of_size(64, 7);
    let bytes = t64.serialize(false);
    // The ambiguity: its txid is the hash of a merkle node whose children are its halves.
    let node = sha256d_sw(&[&bytes[..32], &bytes[32..]].concat());
    assert_eq!(sha256d_sw(&bytes), node);
    let mut b = btc();
    b.txs.push(t64);
    fix_merkle(&mut b);
    let rep = validate(&b, &no_pow(Chain::Bitcoin));
    assert!(rep.valid, "{:?}", rep.error);
    assert_eq!(rep.signatures.not_checkable, 1); // its input needs the spent output
                                                 // A coinbase-less block of 64-byte transactions is what IsBlockMutated flags: invalid.
    let mut b = btc();
    b.txs = vec![tx_of_size(64, 1), tx_of_size(64, 2)];
    fix_merkle(&mut b);
    let rep = validate(&b, &no_pow(Chain::Bitcoin));
    assert_eq!(rep.error_detail, Some(ValidationError::FirstTxNotCoinbase));
}

/// Witness data is outside the txid tree, so adding it leaves the real header valid: only
/// the missing commitment catches it.
#[test]
fn witness_without_commitment_on_the_real_block() {
    let mut b = btc();
    b.txs[1].inputs[0].witness = vec![vec![1, 2, 3]];
    let rep = validate(&b, &ValidateOptions::new(Chain::Bitcoin));
    assert!(rep.pow_ok && rep.merkle_root_ok);
    assert_eq!(
        rep.error_detail,
        Some(ValidationError::UnexpectedWitness { tx: 1 }),
        "{:?}",
        rep.error
    );
}

#[test]
fn size_and_weight_limits() {
    // Block 413567 is 999,887 bytes: 3,999,548 weight units. 200 more stripped bytes break
    // the size rule (stripped size × 4 > 4,000,000).
    let mut b = btc();
    b.txs.push(tx_of_size(200, 1));
    fix_merkle(&mut b);
    let rep = validate(&b, &no_pow(Chain::Bitcoin));
    assert!(
        matches!(
            rep.error_detail,
            Some(ValidationError::BlockTooLarge {
                what: "stripped size x4",
                limit: 4_000_000,
                ..
            })
        ),
        "{:?}",
        rep.error
    );
    // 600 witness bytes: stripped size still fits, the weight does not.
    let mut b = btc();
    b.txs[1].inputs[0].witness = vec![vec![0u8; 600]];
    let rep = validate(&b, &ValidateOptions::new(Chain::Bitcoin));
    assert!(
        matches!(
            rep.error_detail,
            Some(ValidationError::BlockTooLarge { what: "weight", .. })
        ),
        "{:?}",
        rep.error
    );
    // Qtum: 8,000,000 weight (dgpMaxBlockWeight default).
    let mut q = qtum();
    q.txs.push(tx_of_size(2_000_000, 1));
    fix_merkle(&mut q);
    let rep = validate(&q, &no_pow(Chain::Qtum));
    assert!(
        matches!(
            rep.error_detail,
            Some(ValidationError::BlockTooLarge {
                what: "stripped size x4",
                limit: 8_000_000,
                ..
            })
        ),
        "{:?}",
        rep.error
    );
}

/// The legacy sigop count (CheckBlock) needs no UTXO: 20,001 OP_CHECKSIGs in an output cost
/// 80,004 > 80,000. Qtum applies the same rule against its DGP default.
#[test]
fn legacy_sigop_limit_on_both_chains() {
    let mut spam = tx_of_size(100, 9);
    spam.outputs[0].script_pubkey = vec![OP_CHECKSIG; 20_001];
    for chain in [Chain::Bitcoin, Chain::Qtum] {
        let mut b = if chain == Chain::Bitcoin {
            btc()
        } else {
            qtum()
        };
        if chain == Chain::Bitcoin {
            // Make room: drop transactions so the block stays under the size limit.
            b.txs.truncate(1000);
        }
        b.txs.push(spam.clone());
        fix_merkle(&mut b);
        let rep = validate(&b, &no_pow(chain));
        assert!(
            matches!(
                rep.error_detail,
                Some(ValidationError::BlockTooLarge {
                    what: "legacy sigop cost",
                    limit: 80_000,
                    ..
                })
            ),
            "{chain}: {:?}",
            rep.error
        );
    }
}

/// BIP34 without the node's height: where it holds from block 1 (Bitcoin regtest) the
/// coinbase's claim must be `CScript() << height`; a padded push of the same number is
/// refused. On mainnet (BIP34 from 227,931) only the node's height can decide.
#[test]
fn bip34_claim_must_be_canonical_where_bip34_holds_from_block_one() {
    let mut b = btc();
    let ss = &mut b.txs[0].inputs[0].script_sig;
    let canonical = height_push(413_567);
    assert!(ss.starts_with(&canonical));
    // 413,567 with a zero pad; one byte of the extra-nonce goes to keep 100 bytes.
    let rest = ss[canonical.len()..ss.len() - 1].to_vec();
    *ss = [push_data(&[0x7f, 0x4f, 0x06, 0x00]), rest].concat();
    fix_merkle(&mut b);
    let regtest = ValidateOptions::builder(Chain::Bitcoin)
        .network(Network::Regtest)
        .check_pow(false)
        .build()
        .unwrap();
    let rep = validate(&b, &regtest);
    assert!(
        matches!(
            rep.error_detail,
            Some(ValidationError::BadCoinbaseHeight { expected: None, .. })
        ),
        "{:?}",
        rep.error
    );
    // Mainnet without the height: nothing to compare with.
    let rep = validate(&b, &no_pow(Chain::Bitcoin));
    assert!(rep.valid, "{:?}", rep.error);
    // With the node's height it is a mismatch.
    let with_h = ValidateOptions::builder(Chain::Bitcoin)
        .height(413_567)
        .check_pow(false)
        .build()
        .unwrap();
    let rep = validate(&b, &with_h);
    assert!(
        matches!(
            rep.error_detail,
            Some(ValidationError::BadCoinbaseHeight {
                expected: Some(413_567),
                ..
            })
        ),
        "{:?}",
        rep.error
    );
}
