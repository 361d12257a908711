//! A synthetic segwit Bitcoin block: a k256-signed P2WPKH spend, with or without the witness
//! commitment (no real segwit block is in ../shared/data).

use super::{merkle_root_sw, sha256d_sw};
use crypto_core::header::{BitcoinHeader, Header};
use crypto_core::script::{p2pkh_script_pubkey, p2wpkh_script_pubkey};
use crypto_core::sighash::{bip143_parts, bip143_preimage, Bip143Hashes};
use crypto_core::{hash160, Block, OutPoint, Transaction, TxIn, TxOut};
use k256::ecdsa::SigningKey;

/// The spent output's amount.
pub const AMOUNT: i64 = 50_000;

/// Returns (block bytes, the spent outpoint, its output).
pub fn build(with_commitment: bool) -> (Vec<u8>, OutPoint, TxOut) {
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
