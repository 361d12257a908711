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

use common::{merkle_root_sw, sha256d_sw, TestBackend};
use crypto_core::header::{BitcoinHeader, Header};
use crypto_core::script::{p2pkh_script_pubkey, p2wpkh_script_pubkey};
use crypto_core::sighash::{bip143_parts, bip143_preimage, Bip143Hashes};
use crypto_core::{
    hash160, validate_block, Block, Chain, OutPoint, Transaction, TxIn, TxOut, ValidateOptions,
    ValidationError,
};
use k256::ecdsa::SigningKey;
use std::collections::HashMap;

const AMOUNT: i64 = 50_000;

/// Returns (block bytes, the spent outpoint, its output).
fn build(with_commitment: bool) -> (Vec<u8>, OutPoint, TxOut) {
    let sk = SigningKey::from_bytes(&[3u8; 32].into()).unwrap();
    let pk = sk
        .verifying_key()
        .to_encoded_point(true)
        .as_bytes()
        .to_vec();
    let h = hash160(&pk);
    let spent = OutPoint {
        txid: sha256d_sw(b"funding"),
        vout: 1,
    };
    let prev = TxOut {
        value: AMOUNT,
        script_pubkey: p2wpkh_script_pubkey(&h),
    };
    let mut spend = Transaction {
        version: 2,
        inputs: vec![TxIn {
            prevout: spent,
            script_sig: vec![],
            sequence: 0xffff_fffe,
            witness: vec![],
        }],
        outputs: vec![TxOut {
            value: AMOUNT - 1000,
            script_pubkey: p2pkh_script_pubkey(&[7; 20]),
        }],
        lock_time: 0,
    };
    let parts = bip143_parts(&spend);
    let hashes = Bip143Hashes {
        hash_prevouts: sha256d_sw(&parts.prevouts),
        hash_sequence: sha256d_sw(&parts.sequences),
        hash_outputs: sha256d_sw(&parts.outputs),
    };
    let pre = bip143_preimage(
        &spend,
        0,
        &p2pkh_script_pubkey(&h),
        AMOUNT,
        1,
        &hashes,
        None,
    )
    .unwrap();
    let sig: k256::ecdsa::Signature = sk.sign_prehash_recoverable(&sha256d_sw(&pre)).unwrap().0;
    let mut der = sig.to_der().as_bytes().to_vec();
    der.push(1);
    spend.inputs[0].witness = vec![der, pk];

    // Height 500,000 (after segwit activation), BIP34-encoded.
    let mut coinbase = Transaction {
        version: 1,
        inputs: vec![TxIn {
            prevout: OutPoint::NULL,
            script_sig: vec![0x03, 0x20, 0xa1, 0x07, 0x00],
            sequence: 0xffff_ffff,
            witness: vec![],
        }],
        outputs: vec![TxOut {
            value: 625_000_000,
            script_pubkey: vec![0x51],
        }],
        lock_time: 0,
    };
    if with_commitment {
        coinbase.inputs[0].witness = vec![vec![0u8; 32]];
        let wroot = merkle_root_sw(vec![[0u8; 32], sha256d_sw(&spend.serialize(true))]);
        let commit = sha256d_sw(&[wroot, [0u8; 32]].concat());
        let mut spk = vec![0x6a, 0x24, 0xaa, 0x21, 0xa9, 0xed];
        spk.extend_from_slice(&commit);
        coinbase.outputs.push(TxOut {
            value: 0,
            script_pubkey: spk,
        });
    }
    let txs = vec![coinbase, spend];
    let root = merkle_root_sw(
        txs.iter()
            .map(|t| sha256d_sw(&t.serialize(false)))
            .collect(),
    );
    let header = BitcoinHeader {
        version: 0x2000_0000,
        prev_block: [1; 32],
        merkle_root: root,
        time: 1_600_000_000,
        bits: 0x207f_ffff,
        nonce: 0,
    };
    (
        Block {
            header: Header::Bitcoin(header),
            txs,
            tx_offsets: vec![],
        }
        .serialize(),
        spent,
        prev,
    )
}

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
