//! A synthetic segwit Bitcoin block (k256-signed P2WPKH spend + witness commitment):
//! BIP143 through the block pipeline with a PrevoutProvider, the commitment check, and the
//! "witness without commitment" rule. No real segwit block is in ../shared/data.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::cast_possible_truncation
)]
mod common;

use common::segwit::{build, AMOUNT};
use common::TestBackend;
use crypto_core::{
    validate_block, Block, Chain, OutPoint, TxOut, ValidateOptions, ValidationError,
};
use std::collections::HashMap;

fn opts<'a>(p: Option<&'a HashMap<OutPoint, TxOut>>) -> ValidateOptions<'a> {
    let mut o = ValidateOptions::new(Chain::Bitcoin);
    o.check_pow = false; // synthetic header, no work done
    o.prevouts = p.map(|m| m as &dyn crypto_core::PrevoutProvider);
    o
}

#[test]
fn p2wpkh_block_with_commitment_validates_with_prevouts() {
    let (raw, op, prev) = build(true);
    let map: HashMap<OutPoint, TxOut> = [(op, prev.clone())].into();
    let be = TestBackend::default();
    let rep = validate_block(&raw, &opts(Some(&map)), &be);
    assert!(rep.valid, "{:?}", rep.error);
    assert_eq!(rep.height, Some(500_000));
    assert_eq!(rep.witness_commitment_ok, Some(true));
    assert_eq!(
        (
            rep.signatures.checked,
            rep.signatures.valid,
            rep.signatures.not_checkable
        ),
        (1, 1, 0)
    );
    let f = rep.flags.unwrap();
    assert!(f.strict_der && f.null_dummy && !f.low_s);

    // Without prevouts the P2WPKH input is counted, not trusted.
    let rep = validate_block(&raw, &opts(None), &be);
    assert!(rep.valid, "{:?}", rep.error);
    assert_eq!(
        (rep.signatures.checked, rep.signatures.not_checkable),
        (0, 1)
    );

    // A wrong amount changes the BIP143 digest: the signature fails, naming tx 1 input 0.
    let wrong: HashMap<OutPoint, TxOut> = [(
        op,
        TxOut {
            value: AMOUNT + 1,
            ..prev
        },
    )]
    .into();
    let rep = validate_block(&raw, &opts(Some(&wrong)), &be);
    assert!(
        matches!(
            rep.error_detail,
            Some(ValidationError::BadSignature {
                tx: 1,
                input: 0,
                ..
            })
        ),
        "{:?}",
        rep.error
    );
}

#[test]
fn witness_without_commitment_and_bad_commitment_rejected() {
    let (raw, ..) = build(false);
    let rep = validate_block(&raw, &opts(None), &TestBackend::default());
    assert_eq!(
        rep.error_detail,
        Some(ValidationError::UnexpectedWitness { tx: 1 }),
        "{:?}",
        rep.error
    );

    let (raw, ..) = build(true);
    let mut b = Block::parse(&raw, Chain::Bitcoin).unwrap();
    b.txs[1].inputs[0].witness[0][10] ^= 1; // witness data is outside the txid merkle tree
    let rep = validate_block(&b.serialize(), &opts(None), &TestBackend::default());
    assert!(rep.merkle_root_ok);
    assert_eq!(rep.witness_commitment_ok, Some(false));
    assert!(
        matches!(
            rep.error_detail,
            Some(ValidationError::BadWitnessCommitment { .. })
        ),
        "{:?}",
        rep.error
    );
}

/// Before segwit activation no transaction may carry a witness, commitment or not
/// (`unexpected-witness`): the block claims height 500,000, after mainnet's activation
/// (481,824) and before testnet3's (834,624).
#[test]
fn witness_before_segwit_activation_is_rejected() {
    let (raw, op, prev) = build(true);
    let map: HashMap<OutPoint, TxOut> = [(op, prev)].into();
    let be = TestBackend::default();
    let mut o = opts(Some(&map));
    o.network = crypto_core::params::Network::Testnet;
    let rep = validate_block(&raw, &o, &be);
    assert_eq!(rep.height, Some(500_000));
    // The coinbase's witness reserved value is the first witness found.
    assert_eq!(
        rep.error_detail,
        Some(ValidationError::UnexpectedWitness { tx: 0 }),
        "{:?}",
        rep.error
    );
    assert!(!rep.flags.unwrap().null_dummy);
}
