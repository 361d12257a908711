//! A synthetic Qtum proof-of-stake block whose staker output is P2PKH, signed here with k256:
//! exercises the P2PKH staker-key path and the 65-byte compact block signature, which the
//! real Qtum block (P2PK staker, DER signature) does not.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::cast_possible_truncation
)]
mod common;

use common::{sha256d_sw, TestBackend};
use crypto_core::header::{BitcoinHeader, Header, QtumHeader};
use crypto_core::script::{p2pkh_script_pubkey, push_data};
use crypto_core::sighash::{legacy_preimage, LegacySighash};
use crypto_core::{
    hash160, validate_block, Block, Chain, OutPoint, Transaction, TxIn, TxOut, ValidateOptions,
    ValidationError,
};
use k256::ecdsa::SigningKey;

fn key(b: u8) -> (SigningKey, Vec<u8>) {
    let sk = SigningKey::from_bytes(&[b; 32].into()).unwrap();
    let pk = sk
        .verifying_key()
        .to_encoded_point(true)
        .as_bytes()
        .to_vec();
    (sk, pk)
}

fn build(staker: u8, block_signer: u8, compact: bool) -> Vec<u8> {
    let (sk, pk) = key(staker);
    let h = hash160(&pk);
    let coinbase = Transaction {
        version: 1,
        inputs: vec![TxIn {
            prevout: OutPoint::NULL,
            script_sig: vec![0x03, 0xeb, 0xa7, 0x00, 0x00],
            sequence: 0xffff_ffff,
            witness: vec![],
        }],
        outputs: vec![TxOut {
            value: 0,
            script_pubkey: vec![],
        }],
        lock_time: 0,
    };
    let stake = OutPoint {
        txid: sha256d_sw(b"staked output"),
        vout: 0,
    };
    let mut coinstake = Transaction {
        version: 2,
        inputs: vec![TxIn {
            prevout: stake,
            script_sig: vec![],
            sequence: 0xffff_ffff,
            witness: vec![],
        }],
        outputs: vec![
            TxOut {
                value: 0,
                script_pubkey: vec![],
            },
            TxOut {
                value: 1_000_000_000,
                script_pubkey: p2pkh_script_pubkey(&h),
            },
        ],
        lock_time: 0,
    };
    let LegacySighash::Preimage(pre) = legacy_preimage(&coinstake, 0, &p2pkh_script_pubkey(&h), 1)
    else {
        panic!()
    };
    let sig: k256::ecdsa::Signature = sk.sign_prehash_recoverable(&sha256d_sw(&pre)).unwrap().0;
    let mut der = sig.to_der().as_bytes().to_vec();
    der.push(1);
    coinstake.inputs[0].script_sig = [push_data(&der), push_data(&pk)].concat();
    let txs = vec![coinbase, coinstake];
    let ids: Vec<[u8; 32]> = txs
        .iter()
        .map(|t| sha256d_sw(&t.serialize(false)))
        .collect();
    let root = sha256d_sw(&[ids[0], ids[1]].concat());
    let mut q = QtumHeader {
        base: BitcoinHeader {
            version: 0x2000_0000,
            prev_block: [9; 32],
            merkle_root: root,
            time: 1_510_357_360,
            bits: 0x1a07_b678,
            nonce: 0,
        },
        hash_state_root: [1; 32],
        hash_utxo_root: [2; 32],
        prevout_stake: stake,
        block_sig: vec![],
    };
    let signed = sha256d_sw(&q.signed_preimage());
    let (bsk, _) = key(block_signer);
    let (bs, recid) = bsk.sign_prehash_recoverable(&signed).unwrap();
    q.block_sig = if compact {
        let mut c = vec![27 + 4 + recid.to_byte()];
        c.extend_from_slice(&bs.to_bytes());
        c
    } else {
        bs.to_der().as_bytes().to_vec()
    };
    Block {
        header: Header::Qtum(q),
        txs,
        tx_offsets: vec![],
    }
    .serialize()
}

#[test]
fn p2pkh_staker_with_compact_and_der_block_signatures() {
    let be = TestBackend::default();
    for compact in [true, false] {
        let rep = validate_block(
            &build(5, 5, compact),
            &ValidateOptions::new(Chain::Qtum),
            &be,
        );
        assert!(rep.valid, "compact={compact}: {:?}", rep.error);
        assert!(rep.proof_of_stake);
        assert_eq!(rep.block_signature_ok, Some(true));
        assert_eq!(rep.signatures.checked, 1);
        assert_eq!(rep.signatures.valid, 1);
    }
}

#[test]
fn block_signed_by_another_key_is_rejected() {
    let be = TestBackend::default();
    let rep = validate_block(&build(5, 6, true), &ValidateOptions::new(Chain::Qtum), &be);
    assert_eq!(rep.block_signature_ok, Some(false));
    assert!(
        matches!(
            rep.error_detail,
            Some(ValidationError::BadBlockSignature { .. })
        ),
        "{:?}",
        rep.error
    );
    assert_eq!(rep.signatures.valid, 1); // the coinstake input itself is fine
}
