#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::cast_possible_truncation
)]
mod common;

use common::{fix_merkle, read_data, sha256d_sw, TestBackend};
use crypto_core::{validate_block, Block, Chain, ParseReason, ValidateOptions, ValidationError};
use proptest::prelude::*;

fn btc_block() -> Vec<u8> {
    read_data("bitcoin-core/block413567.raw")
}

#[test]
fn block_reserializes_byte_exact() {
    let raw = btc_block();
    let b = Block::parse(&raw, Chain::Bitcoin).unwrap();
    assert_eq!(b.serialize(), raw);
    let q = read_data("qtum/blockbench.raw");
    assert_eq!(Block::parse(&q, Chain::Qtum).unwrap().serialize(), q);
}

#[test]
fn flipped_bit_in_tx_gives_merkle_mismatch() {
    let raw = btc_block();
    let b = Block::parse(&raw, Chain::Bitcoin).unwrap();
    let mut bad = raw.clone();
    // Lowest bit of tx 100's lock time (last byte before tx 101).
    let at = b.tx_offsets[101] - 4;
    bad[at] ^= 1;
    let rep = validate_block(
        &bad,
        &ValidateOptions::new(Chain::Bitcoin),
        &TestBackend::default(),
    );
    assert!(!rep.valid);
    assert!(!rep.merkle_root_ok);
    assert!(
        matches!(
            rep.error_detail,
            Some(ValidationError::BadMerkleRoot { .. })
        ),
        "{:?}",
        rep.error
    );
    // The block hash is unchanged (header untouched) and PoW still holds.
    assert!(rep.pow_ok);
}

#[test]
fn tampered_signature_names_tx_and_input() {
    let raw = btc_block();
    let mut b = Block::parse(&raw, Chain::Bitcoin).unwrap();
    // First P2PKH-shaped input from tx 10 on: <sig> <pubkey>.
    let (tx, input) = (10..b.txs.len())
        .flat_map(|t| (0..b.txs[t].inputs.len()).map(move |i| (t, i)))
        .find(|&(t, i)| {
            let pushes =
                crypto_core::script::push_only(&b.txs[t].inputs[i].script_sig).unwrap_or_default();
            pushes.len() == 2 && pushes[0].first() == Some(&0x30)
        })
        .unwrap();
    let ss = &mut b.txs[tx].inputs[input].script_sig;
    ss[1 + 4 + 10] ^= 0x04; // a byte inside r
    fix_merkle(&mut b);
    let mut opts = ValidateOptions::new(Chain::Bitcoin);
    opts.check_pow = false; // the header changed, so its PoW is gone
    let rep = validate_block(&b.serialize(), &opts, &TestBackend::default());
    assert!(rep.merkle_root_ok, "{:?}", rep.error);
    assert!(!rep.pow_ok);
    match &rep.error_detail {
        Some(ValidationError::BadSignature {
            tx: t, input: i, ..
        }) => assert_eq!((*t, *i), (tx, input)),
        other => panic!("expected BadSignature, got {other:?}"),
    }
    assert!(rep
        .error
        .as_deref()
        .unwrap()
        .contains(&format!("tx {tx} input {input}")));
    assert_eq!(rep.signatures.invalid, 1);
    assert_eq!(rep.signatures.valid, 5814);
}

#[test]
fn mutated_merkle_detected() {
    // Qtum block: 7 txs; appending a copy of the last one keeps the root (CVE-2012-2459).
    let raw = read_data("qtum/blockbench.raw");
    let mut b = Block::parse(&raw, Chain::Qtum).unwrap();
    let last = b.txs.last().unwrap().clone();
    b.txs.push(last);
    let rep = validate_block(
        &b.serialize(),
        &ValidateOptions::new(Chain::Qtum),
        &TestBackend::default(),
    );
    assert!(!rep.valid);
    assert_eq!(
        rep.error_detail,
        Some(ValidationError::MutatedMerkle),
        "{:?}",
        rep.error
    );
}

#[test]
fn truncated_and_garbage_blocks_are_typed_parse_errors() {
    let raw = btc_block();
    for cut in [0usize, 1, 79, 80, 81, 500, raw.len() / 2, raw.len() - 1] {
        let rep = validate_block(
            &raw[..cut],
            &ValidateOptions::new(Chain::Bitcoin),
            &TestBackend::default(),
        );
        match rep.error_detail {
            Some(ValidationError::Parse(e)) => {
                assert!(
                    matches!(
                        e.reason,
                        ParseReason::Truncated { .. } | ParseReason::CountExceedsInput { .. }
                    ),
                    "cut {cut}: {e}"
                );
                assert!(
                    e.offset <= cut,
                    "cut {cut}: offset {} past the end",
                    e.offset
                );
            }
            other => panic!("cut {cut}: expected a parse error, got {other:?}"),
        }
    }
    let mut extra = raw.clone();
    extra.push(0);
    let rep = validate_block(
        &extra,
        &ValidateOptions::new(Chain::Bitcoin),
        &TestBackend::default(),
    );
    assert!(matches!(
        rep.error_detail,
        Some(ValidationError::Parse(crypto_core::ParseError {
            reason: ParseReason::TrailingData { extra: 1 },
            ..
        }))
    ));
    // A huge transaction count in a short buffer is rejected before allocating.
    let mut g = raw[..80].to_vec();
    g.extend_from_slice(&[0xfe, 0xff, 0xff, 0xff, 0x01]);
    let rep = validate_block(
        &g,
        &ValidateOptions::new(Chain::Bitcoin),
        &TestBackend::default(),
    );
    assert!(
        rep.error.as_deref().unwrap().contains("block.tx_count"),
        "{:?}",
        rep.error
    );
}

#[test]
fn proptest_random_bytes_never_panic() {
    // Fixed seed, cases from SATCHAIN_PROPTEST_CASES, failures kept in proptest-regressions/.
    let mut r = testkit::runner!("proptest_random_bytes_never_panic", 256);
    let be = TestBackend::default();
    r.run(
        &(
            proptest::collection::vec(any::<u8>(), 0..2000),
            any::<bool>(),
        ),
        |(data, qtum)| {
            let chain = if qtum { Chain::Qtum } else { Chain::Bitcoin };
            let rep = validate_block(&data, &ValidateOptions::new(chain), &be);
            prop_assert!(!rep.valid || rep.error.is_none());
            let _ = crypto_core::Transaction::parse(&data);
            let _ = crypto_core::der::parse_lax(&data);
            let _ = crypto_core::der::parse_strict(&data);
            let _ = crypto_core::blk_file_blocks(&data).count();
            Ok(())
        },
    )
    .unwrap();
}

#[test]
fn proptest_truncations_and_flips_of_real_block() {
    let raw = read_data("qtum/blockbench.raw");
    let btc = btc_block();
    let be = TestBackend::default();
    let mut r = testkit::runner!("proptest_truncations_and_flips_of_real_block", 64);
    r.run(
        &(0usize..raw.len(), any::<u8>(), 0usize..btc.len()),
        |(cut, flip, bcut)| {
            let rep = validate_block(&raw[..cut], &ValidateOptions::new(Chain::Qtum), &be);
            prop_assert!(
                matches!(rep.error_detail, Some(ValidationError::Parse(_))),
                "cut {}: {:?}",
                cut,
                rep.error
            );
            let mut m = raw.clone();
            m[cut] ^= flip | 1;
            let rep = validate_block(&m, &ValidateOptions::new(Chain::Qtum), &be);
            prop_assert!(!rep.valid, "flip at {} accepted", cut);
            let rep = validate_block(
                &btc[..bcut.min(btc.len() - 1)],
                &ValidateOptions::new(Chain::Bitcoin),
                &be,
            );
            prop_assert!(matches!(rep.error_detail, Some(ValidationError::Parse(_))));
            Ok(())
        },
    )
    .unwrap();
}

/// Legacy sighashing is quadratic in the number of inputs: a 2,000-input transaction needs
/// ~164 MB of preimages. They must be hashed in bounded chunks (several hash batches), and
/// the bogus signatures reported against the first input.
#[test]
fn quadratic_sighash_is_chunked() {
    use crypto_core::{OutPoint, Transaction, TxIn, TxOut};
    let raw = btc_block();
    let b = Block::parse(&raw, Chain::Bitcoin).unwrap();
    // Borrow a real P2PKH-shaped scriptSig (signature + key) from the block.
    let ss = b
        .txs
        .iter()
        .flat_map(|t| t.inputs.iter())
        .map(|i| i.script_sig.clone())
        .find(|s| {
            crypto_core::script::push_only(s)
                .is_some_and(|p| p.len() == 2 && p[0].first() == Some(&0x30))
        })
        .unwrap();
    let n = 2000u32;
    let tx = Transaction {
        version: 1,
        inputs: (0..n)
            .map(|k| TxIn {
                prevout: OutPoint {
                    txid: sha256d_sw(&k.to_le_bytes()),
                    vout: k,
                },
                script_sig: ss.clone(),
                sequence: 0xffff_ffff,
                witness: vec![],
            })
            .collect(),
        outputs: vec![TxOut {
            value: 1,
            script_pubkey: vec![0x51],
        }],
        lock_time: 0,
    };
    let be = TestBackend::default();
    let mut opts = ValidateOptions::new(Chain::Bitcoin);
    opts.strict_der = Some(true);
    let flags = opts.script_flags(None);
    let rep = crypto_core::check_transaction(&tx, &opts, flags, &be);
    let calls = be.hash_calls.load(std::sync::atomic::Ordering::Relaxed);
    println!(
        "{n} inputs: {calls} hash batches, counts {:?}",
        rep.signatures
    );
    assert!(
        calls >= 3,
        "preimages were not chunked ({calls} hash batches)"
    );
    assert_eq!(rep.signatures.checked, u64::from(n));
    assert_eq!(rep.signatures.invalid, u64::from(n));
    assert!(
        matches!(
            rep.error_detail,
            Some(ValidationError::BadSignature {
                tx: 0,
                input: 0,
                ..
            })
        ),
        "{:?}",
        rep.error
    );
}
