//! The Qtum proof-of-stake block builder of `qtum_synthetic.rs`: a staker, a signer, a staker-key
//! form, a block-signature encoding, an optional proof of delegation and a height make a
//! block (`build`), signed here with k256, and its staked coin; `run` validates it.

use std::collections::HashMap;

use crate::common::{merkle_root_sw, sha256d_sw, TestBackend};
use crypto_core::header::{BitcoinHeader, Header, QtumHeader};
use crypto_core::params::Network;
use crypto_core::script::{height_push, p2pk_script_pubkey, p2pkh_script_pubkey, push_data};
use crypto_core::sighash::{legacy_preimage, LegacySighash};
use crypto_core::validate::{pod_message_preimage, BlockSigError};
use crypto_core::{
    hash160, validate_block, Block, BlockReport, Chain, OutPoint, Transaction, TxIn, TxOut,
    ValidateOptions, ValidationError,
};
use k256::ecdsa::SigningKey;

pub fn key(seed: u8) -> SigningKey {
    SigningKey::from_bytes(&[seed; 32].into()).unwrap()
}

pub fn pubkey(seed: u8, compressed: bool) -> Vec<u8> {
    key(seed)
        .verifying_key()
        .to_encoded_point(compressed)
        .as_bytes()
        .to_vec()
}

/// How the coinstake's vout[1] names the staker.
#[derive(Clone, Copy, PartialEq)]
pub enum StakerOut {
    P2pk,
    OpReturn,
    P2pkh,
}

/// The staker's block signature.
#[derive(Clone, Copy, PartialEq)]
pub enum Sig {
    /// Compact; the header byte is `27 + recid + 4·compressed + offset`.
    Compact {
        compressed: bool,
        offset: u8,
    },
    Der,
    /// DER with s replaced by n − s (same signature, high S).
    DerHighS,
}

#[derive(Clone)]
pub struct Spec {
    pub staker: u8,
    /// Who signs the block (normally the staker).
    pub signer: u8,
    pub out: StakerOut,
    pub sig: Sig,
    /// Proof of delegation by this key, over the staker key id (or `pod_over`).
    pub delegator: Option<u8>,
    pub pod_over: Option<[u8; 20]>,
    pub height: u32,
    /// Staked coin owner (default: the delegator, else the staker), P2PKH.
    pub owner: Option<u8>,
}

impl Default for Spec {
    fn default() -> Self {
        Spec {
            staker: 5,
            signer: 5,
            out: StakerOut::P2pk,
            sig: Sig::Compact {
                compressed: true,
                offset: 0,
            },
            delegator: None,
            pod_over: None,
            height: 42_987,
            owner: None,
        }
    }
}

/// A built block with the staked coin and the coinstake's spent output.
pub struct Built {
    pub raw: Vec<u8>,
    pub coins: HashMap<OutPoint, TxOut>,
}

pub fn compact(sk: &SigningKey, hash: &[u8; 32], compressed: bool, offset: u8) -> Vec<u8> {
    let (sig, recid) = sk.sign_prehash_recoverable(hash).unwrap();
    let mut c = vec![27 + recid.to_byte() + if compressed { 4 } else { 0 } + offset];
    c.extend_from_slice(&sig.to_bytes());
    c
}

pub fn build(spec: &Spec) -> Built {
    let staker_pk = pubkey(spec.staker, true);
    let owner = spec.owner.or(spec.delegator).unwrap_or(spec.staker);
    let coin_script = p2pkh_script_pubkey(&hash160(&pubkey(owner, true)));
    let stake = OutPoint {
        txid: sha256d_sw(b"staked output"),
        vout: 0,
    };
    // Offline staking: the staker spends its own UTXO; the delegator's coin is not moved.
    let own_utxo = OutPoint {
        txid: sha256d_sw(b"super staker utxo"),
        vout: 1,
    };
    let spent = if spec.delegator.is_some() {
        own_utxo
    } else {
        stake
    };
    let spent_script = if spec.delegator.is_some() {
        p2pk_script_pubkey(&staker_pk)
    } else {
        coin_script.clone()
    };
    let mut cb_script = height_push(spec.height);
    cb_script.push(0x00);
    let coinbase = Transaction {
        version: 1,
        inputs: vec![TxIn {
            prevout: OutPoint::NULL,
            script_sig: cb_script,
            sequence: 0xffff_ffff,
            witness: vec![],
        }],
        outputs: vec![TxOut {
            value: 0,
            script_pubkey: vec![],
        }],
        lock_time: 0,
    };
    let staker_script = match spec.out {
        StakerOut::P2pk => p2pk_script_pubkey(&staker_pk),
        StakerOut::OpReturn => [vec![0x6a], push_data(&staker_pk)].concat(),
        StakerOut::P2pkh => p2pkh_script_pubkey(&hash160(&staker_pk)),
    };
    let mut outputs = vec![
        TxOut {
            value: 0,
            script_pubkey: vec![],
        },
        TxOut {
            value: 1_000_000_000,
            script_pubkey: staker_script,
        },
    ];
    if spec.delegator.is_some() {
        outputs.push(TxOut {
            value: 400_000_000,
            script_pubkey: coin_script.clone(),
        });
    }
    let mut coinstake = Transaction {
        version: 2,
        inputs: vec![TxIn {
            prevout: spent,
            script_sig: vec![],
            sequence: 0xffff_ffff,
            witness: vec![],
        }],
        outputs,
        lock_time: 0,
    };
    // The coinstake input: P2PKH of the owner (no delegation) or P2PK of the staker.
    let LegacySighash::Preimage(pre) = legacy_preimage(&coinstake, 0, &spent_script, 1) else {
        panic!()
    };
    let in_key = if spec.delegator.is_some() {
        spec.staker
    } else {
        owner
    };
    let sig: k256::ecdsa::Signature = key(in_key)
        .sign_prehash_recoverable(&sha256d_sw(&pre))
        .unwrap()
        .0;
    let mut der = sig.to_der().as_bytes().to_vec();
    der.push(1);
    coinstake.inputs[0].script_sig = if spec.delegator.is_some() {
        push_data(&der)
    } else {
        [push_data(&der), push_data(&pubkey(owner, true))].concat()
    };
    let txs = vec![coinbase, coinstake];
    let root = merkle_root_sw(
        txs.iter()
            .map(|t| sha256d_sw(&t.serialize(false)))
            .collect(),
    );
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
    if let Some(d) = spec.delegator {
        let over = spec.pod_over.unwrap_or_else(|| hash160(&staker_pk));
        let msg = sha256d_sw(&pod_message_preimage(&over));
        q.block_sig = [vec![0u8; 65], compact(&key(d), &msg, true, 0)].concat();
    }
    // The signed hash covers the proof of delegation (GetHashWithoutSign).
    let signed = sha256d_sw(&q.signed_preimage());
    let sk = key(spec.signer);
    let staker_sig = match spec.sig {
        Sig::Compact { compressed, offset } => compact(&sk, &signed, compressed, offset),
        Sig::Der => sk
            .sign_prehash_recoverable(&signed)
            .unwrap()
            .0
            .to_der()
            .as_bytes()
            .to_vec(),
        Sig::DerHighS => {
            let s = sk.sign_prehash_recoverable(&signed).unwrap().0;
            let (r, s) = s.split_scalars();
            let high =
                k256::ecdsa::Signature::from_scalars(r.to_bytes(), (-*s).to_bytes()).unwrap();
            high.to_der().as_bytes().to_vec()
        }
    };
    let pod = q.proof_of_delegation().map(<[u8]>::to_vec);
    q.block_sig = [staker_sig, pod.unwrap_or_default()].concat();
    let coins: HashMap<OutPoint, TxOut> = [
        (
            stake,
            TxOut {
                value: 2_000_000_000,
                script_pubkey: coin_script,
            },
        ),
        (
            own_utxo,
            TxOut {
                value: 1_000_000_000,
                script_pubkey: p2pk_script_pubkey(&staker_pk),
            },
        ),
    ]
    .into();
    Built {
        raw: Block {
            header: Header::Qtum(q),
            txs,
            tx_offsets: vec![],
        }
        .serialize(),
        coins,
    }
}

pub fn run(b: &Built, with_coins: bool) -> BlockReport {
    let mut o = ValidateOptions::builder(Chain::Qtum).network(Network::Mainnet);
    if with_coins {
        o = o.prevouts(&b.coins);
    }
    validate_block(&b.raw, &o.build().unwrap(), &TestBackend::default())
}

pub fn sig_error(rep: &BlockReport) -> BlockSigError {
    match &rep.error_detail {
        Some(ValidationError::BadBlockSignature { reason }) => reason.clone(),
        other => panic!("expected a block-signature error, got {other:?}"),
    }
}
