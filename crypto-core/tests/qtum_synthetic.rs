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

#[path = "common/qtum.rs"]
mod qtum;

use qtum::*;

use common::{sha256d_sw, TestBackend};
use crypto_core::header::Header;
use crypto_core::params::Network;
use crypto_core::validate::BlockSigError;
use crypto_core::{
    hash160, validate_block, Block, Chain, OutPoint, ValidateOptions, ValidationError,
};

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
