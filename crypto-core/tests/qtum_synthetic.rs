//! Synthetic Qtum proof-of-stake blocks signed here with k256, one per block-signature rule
//! (`validate/blocksig.rs`): compact and DER staker signatures, the two staker-key forms,
//! encodings Qtum refuses, proofs of delegation (offline staking) and the height-dependent
//! signer rules with and without the staked coin. The real Qtum block has a P2PK staker and
//! a DER signature at height 42,987 only.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::cast_possible_truncation
)]
mod common;

use std::collections::HashMap;

use common::{merkle_root_sw, sha256d_sw, TestBackend};
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

fn key(seed: u8) -> SigningKey {
    SigningKey::from_bytes(&[seed; 32].into()).unwrap()
}

fn pubkey(seed: u8, compressed: bool) -> Vec<u8> {
    key(seed)
        .verifying_key()
        .to_encoded_point(compressed)
        .as_bytes()
        .to_vec()
}

/// How the coinstake's vout[1] names the staker.
#[derive(Clone, Copy, PartialEq)]
enum StakerOut {
    P2pk,
    OpReturn,
    P2pkh,
}

/// The staker's block signature.
#[derive(Clone, Copy, PartialEq)]
enum Sig {
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
struct Spec {
    staker: u8,
    /// Who signs the block (normally the staker).
    signer: u8,
    out: StakerOut,
    sig: Sig,
    /// Proof of delegation by this key, over the staker key id (or `pod_over`).
    delegator: Option<u8>,
    pod_over: Option<[u8; 20]>,
    height: u32,
    /// Staked coin owner (default: the delegator, else the staker), P2PKH.
    owner: Option<u8>,
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
struct Built {
    raw: Vec<u8>,
    coins: HashMap<OutPoint, TxOut>,
}

fn compact(sk: &SigningKey, hash: &[u8; 32], compressed: bool, offset: u8) -> Vec<u8> {
    let (sig, recid) = sk.sign_prehash_recoverable(hash).unwrap();
    let mut c = vec![27 + recid.to_byte() + if compressed { 4 } else { 0 } + offset];
    c.extend_from_slice(&sig.to_bytes());
    c
}

fn build(spec: &Spec) -> Built {
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

fn run(b: &Built, with_coins: bool) -> BlockReport {
    let mut o = ValidateOptions::builder(Chain::Qtum).network(Network::Mainnet);
    if with_coins {
        o = o.prevouts(&b.coins);
    }
    validate_block(&b.raw, &o.build().unwrap(), &TestBackend::default())
}

fn sig_error(rep: &BlockReport) -> BlockSigError {
    match &rep.error_detail {
        Some(ValidationError::BadBlockSignature { reason }) => reason.clone(),
        other => panic!("expected a block-signature error, got {other:?}"),
    }
}

#[test]
fn compact_and_der_staker_signatures_with_both_key_forms() {
    for out in [StakerOut::P2pk, StakerOut::OpReturn] {
        for sig in [
            Sig::Compact {
                compressed: true,
                offset: 0,
            },
            Sig::Der,
        ] {
            let b = build(&Spec {
                out,
                sig,
                ..Spec::default()
            });
            for coins in [false, true] {
                let rep = run(&b, coins);
                assert!(rep.valid, "{:?}", rep.error);
                assert_eq!(rep.block_signature_ok, Some(true));
                assert!(rep.proof_of_stake);
            }
        }
    }
}

/// Qtum reads a compact header byte as `(h - 27) & 3` and `(h - 27) & 4`: 8 more is the same
/// signature to Qtum (and a different block hash), so the block is valid, as Qtum has it.
#[test]
fn compact_header_byte_is_read_modulo_eight() {
    let b = build(&Spec {
        sig: Sig::Compact {
            compressed: true,
            offset: 8,
        },
        ..Spec::default()
    });
    let rep = run(&b, false);
    assert!(rep.valid, "{:?}", rep.error);
}

#[test]
fn compact_signature_with_the_wrong_key_encoding_or_signer_is_rejected() {
    // The header says "uncompressed": the recovered key is the staker's, serialized
    // uncompressed, which is not the compressed vout[1] key.
    let b = build(&Spec {
        sig: Sig::Compact {
            compressed: false,
            offset: 0,
        },
        ..Spec::default()
    });
    assert_eq!(sig_error(&run(&b, false)), BlockSigError::RecoversOtherKey);
    let b = build(&Spec {
        signer: 6,
        ..Spec::default()
    });
    let rep = run(&b, false);
    assert_eq!(sig_error(&rep), BlockSigError::RecoversOtherKey);
    assert_eq!(rep.block_signature_ok, Some(false));
    let b = build(&Spec {
        signer: 6,
        sig: Sig::Der,
        ..Spec::default()
    });
    assert!(matches!(
        sig_error(&run(&b, false)),
        BlockSigError::Mismatch(_)
    ));
}

#[test]
fn high_s_and_non_canonical_der_are_rejected_before_verification() {
    let b = build(&Spec {
        sig: Sig::DerHighS,
        ..Spec::default()
    });
    let rep = run(&b, false);
    assert_eq!(sig_error(&rep), BlockSigError::HighS);
    assert!(rep
        .error
        .as_deref()
        .unwrap()
        .contains("block signature: high S"));
    // The same signature with R padded by a needless zero byte: lax DER would accept it.
    let b = build(&Spec {
        sig: Sig::Der,
        ..Spec::default()
    });
    let mut blk = Block::parse(&b.raw, Chain::Qtum).unwrap();
    let Header::Qtum(q) = &mut blk.header else {
        unreachable!()
    };
    let der = q.block_sig.clone();
    let len_r = der[3] as usize;
    let mut padded = vec![0x30, der[1] + 1, 0x02, der[3] + 1, 0x00];
    padded.extend_from_slice(&der[4..4 + len_r]);
    padded.extend_from_slice(&der[4 + len_r..]);
    q.block_sig = padded;
    let rep = validate_block(
        &blk.serialize(),
        &ValidateOptions::new(Chain::Qtum),
        &TestBackend::default(),
    );
    assert_eq!(
        sig_error(&rep),
        BlockSigError::NonCanonicalDer("R has excess padding")
    );
    assert!(rep
        .error
        .as_deref()
        .unwrap()
        .starts_with("block signature: non-canonical DER"));
}

#[test]
fn staker_key_must_be_p2pk_or_op_return() {
    let b = build(&Spec {
        out: StakerOut::P2pkh,
        ..Spec::default()
    });
    assert!(matches!(
        sig_error(&run(&b, false)),
        BlockSigError::NoStakerKey(_)
    ));
}

#[test]
fn proof_of_work_block_must_not_be_signed() {
    let b = build(&Spec::default());
    let mut blk = Block::parse(&b.raw, Chain::Qtum).unwrap();
    let Header::Qtum(q) = &mut blk.header else {
        unreachable!()
    };
    q.prevout_stake = OutPoint::NULL;
    let o = ValidateOptions::builder(Chain::Qtum)
        .network(Network::Regtest) // proof of work is allowed at any height there
        .check_pow(false)
        .build()
        .unwrap();
    let rep = validate_block(&blk.serialize(), &o, &TestBackend::default());
    assert_eq!(sig_error(&rep), BlockSigError::OnProofOfWork { len: 65 });
}

/// Offline staking (height 700,000 >= mainnet's 680,000): a compact staker signature plus the
/// delegator's proof over the staker's key id. The delegator is recovered and reported; with
/// the staked coin known it must be the coin's owner.
#[test]
fn delegated_block_validates_and_reports_the_delegator() {
    let spec = Spec {
        delegator: Some(9),
        height: 700_000,
        ..Spec::default()
    };
    let b = build(&spec);
    let want = hex::encode(hash160(&pubkey(9, true)));
    for coins in [false, true] {
        let rep = run(&b, coins);
        assert!(rep.valid, "coins={coins}: {:?}", rep.error);
        assert_eq!(rep.qtum_delegator.as_deref(), Some(want.as_str()));
    }
    // The staked coin belongs to someone else: the PoD is not its owner's.
    let b = build(&Spec {
        owner: Some(11),
        ..spec.clone()
    });
    assert!(run(&b, false).valid);
    assert!(matches!(
        sig_error(&run(&b, true)),
        BlockSigError::PodNotFromOwner { .. }
    ));
    // A PoD over another key id recovers some other key: only the coin exposes it.
    let b = build(&Spec {
        pod_over: Some([0x33; 20]),
        ..spec.clone()
    });
    assert!(matches!(
        sig_error(&run(&b, true)),
        BlockSigError::PodNotFromOwner { .. }
    ));
}

#[test]
fn delegated_block_needs_a_compact_staker_signature_and_a_recoverable_pod() {
    let spec = Spec {
        delegator: Some(9),
        height: 700_000,
        ..Spec::default()
    };
    // DER staker part + PoD: the encoding rule refuses it first.
    let b = build(&Spec {
        sig: Sig::Der,
        ..spec.clone()
    });
    let rep = run(&b, false);
    let BlockSigError::PodMalformed { len } = sig_error(&rep) else {
        panic!("{:?}", rep.error)
    };
    assert!(len > 130);
    assert!(rep
        .error
        .as_deref()
        .unwrap()
        .contains("block signature: proof of delegation malformed"));
    // A PoD whose r is zero recovers nothing.
    let b = build(&spec);
    let mut blk = Block::parse(&b.raw, Chain::Qtum).unwrap();
    let Header::Qtum(q) = &mut blk.header else {
        unreachable!()
    };
    let n = q.block_sig.len();
    q.block_sig[n - 64..n - 32].fill(0);
    // Re-sign the header: the PoD is under the staker's signature.
    let signed = sha256d_sw(&q.signed_preimage());
    let staker = compact(&key(5), &signed, true, 0);
    q.block_sig[..65].copy_from_slice(&staker);
    let rep = validate_block(
        &blk.serialize(),
        &ValidateOptions::new(Chain::Qtum),
        &TestBackend::default(),
    );
    assert_eq!(sig_error(&rep), BlockSigError::PodNotRecoverable);
}

/// Below the offline-staking height no delegation is honoured: prevoutStake must be the
/// coinstake's own input (`stake-prevout-diff-block-prevout`).
#[test]
fn delegation_below_offline_staking_height_is_not_honoured() {
    let b = build(&Spec {
        delegator: Some(9),
        height: 42_987,
        ..Spec::default()
    });
    let rep = run(&b, false);
    assert!(
        matches!(rep.error_detail, Some(ValidationError::BadCoinstake { .. })),
        "{:?}",
        rep.error
    );
    assert_eq!(rep.qtum_delegator, None);
}

/// After the header-signature height the signer must own the staked coin; from offline
/// staking on, the signature must be compact to recover it. Between the two, the DER form
/// recovers it (any recovery id).
#[test]
fn signer_must_own_the_staked_coin_after_the_header_signature_height() {
    for (height, sig) in [
        (
            700_000,
            Sig::Compact {
                compressed: true,
                offset: 0,
            },
        ),
        (500_000, Sig::Der),
    ] {
        let spec = Spec {
            height,
            sig,
            ..Spec::default()
        };
        let rep = run(&build(&spec), true);
        assert!(rep.valid, "{height}: {:?}", rep.error);
        // A coin of someone else.
        let b = build(&Spec {
            owner: Some(12),
            ..spec.clone()
        });
        assert!(
            run(&b, false).valid,
            "{height}: without the coin nothing to compare"
        );
        let rep = run(&b, true);
        assert!(
            matches!(sig_error(&rep), BlockSigError::NotStakedCoinOwner { .. }),
            "{height}: {:?}",
            rep.error
        );
    }
    let b = build(&Spec {
        height: 700_000,
        sig: Sig::Der,
        ..Spec::default()
    });
    assert_eq!(
        sig_error(&run(&b, false)),
        BlockSigError::NotRecoverable {
            from_height: 680_000
        }
    );
    let b = build(&Spec {
        height: 500_000,
        ..Spec::default()
    });
    assert_eq!(sig_error(&run(&b, false)), BlockSigError::NoSigner);
}

/// Above the header-signature height the coinstake pays the stake back to the coin's script
/// (or, for a P2PKH coin, to P2PK of the same key): `CheckBlockInputPubKeyMatchesOutputPubKey`.
#[test]
fn stake_output_must_match_the_staked_coin() {
    let b = build(&Spec {
        height: 700_000,
        ..Spec::default()
    });
    assert!(run(&b, true).valid);
    let b = build(&Spec {
        height: 700_000,
        out: StakerOut::OpReturn,
        ..Spec::default()
    });
    let rep = run(&b, true);
    assert!(
        matches!(rep.error_detail, Some(ValidationError::BadCoinstake { .. })),
        "{:?}",
        rep.error
    );
}
