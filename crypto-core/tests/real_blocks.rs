#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::cast_possible_truncation
)]
mod common;

use common::{read_data, TestBackend};
use crypto_core::{validate_block, Chain, ValidateOptions, ValidationError};

#[test]
fn block413567_validates_end_to_end() {
    let raw = read_data("bitcoin-core/block413567.raw");
    let be = TestBackend::default();
    let rep = validate_block(&raw, &ValidateOptions::new(Chain::Bitcoin), &be);
    println!("{}", serde_json::to_string_pretty(&rep).unwrap());
    assert!(rep.valid, "block 413567 invalid: {:?}", rep.error);
    assert_eq!(rep.height, Some(413567));
    assert_eq!(rep.txs, 1557);
    assert_eq!(rep.inputs, 4887);
    assert!(rep.merkle_root_ok);
    assert!(rep.pow_ok);
    assert_eq!(rep.block_signature_ok, None);
    assert_eq!(rep.signatures.checked, 5815);
    assert_eq!(rep.signatures.valid, 5815);
    assert_eq!(rep.signatures.invalid, 0);
}

#[test]
fn qtum_blockbench_validates() {
    let raw = read_data("qtum/blockbench.raw");
    let be = TestBackend::default();
    let rep = validate_block(&raw, &ValidateOptions::new(Chain::Qtum), &be);
    println!("{}", serde_json::to_string_pretty(&rep).unwrap());
    assert!(rep.valid, "qtum block invalid: {:?}", rep.error);
    assert_eq!(
        rep.block_hash.as_deref(),
        Some("f4fdd3d2fbc70777e9f0f373c607a7d06f005e0e4f63d76bc416e9a728ec86ce")
    );
    assert_eq!(rep.height, Some(42987));
    assert_eq!(rep.txs, 7);
    assert!(rep.merkle_root_ok);
    assert!(rep.proof_of_stake);
    assert_eq!(rep.block_signature_ok, Some(true));
    assert_eq!(rep.signatures.checked, 6);
    assert_eq!(rep.signatures.valid, 6);
    assert_eq!(rep.signatures.not_checkable, 1);
    let _ = ValidationError::MutatedMerkle;
}

#[test]
fn blk_file_image_of_both_blocks() {
    let btc = read_data("bitcoin-core/block413567.raw");
    let qtum = read_data("qtum/blockbench.raw");
    let mut f = Vec::new();
    for (magic, b) in [
        ([0xf9u8, 0xbe, 0xb4, 0xd9], &btc),
        ([0xf1, 0xcf, 0xa6, 0xd3], &qtum),
    ] {
        f.extend_from_slice(&magic);
        f.extend_from_slice(&(b.len() as u32).to_le_bytes());
        f.extend_from_slice(b);
    }
    f.extend_from_slice(&[0u8; 4096]); // Core pre-allocates blk files with zeros
    let blocks: Vec<_> = crypto_core::blk_file_blocks(&f)
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(blocks.len(), 2);
    assert_eq!(blocks[0].0, 8);
    assert_eq!(blocks[0].1, &btc[..]);
    assert_eq!(blocks[1].1, &qtum[..]);
    let be = TestBackend::default();
    assert!(validate_block(blocks[1].1, &ValidateOptions::new(Chain::Qtum), &be).valid);
    // A truncated last record is a typed error naming the field.
    let cut = &f[..8 + btc.len() + 8 + 100];
    let errs: Vec<_> = crypto_core::blk_file_blocks(cut)
        .filter_map(|r| r.err())
        .collect();
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].what, "blk.block");
}

#[test]
fn qtum_tampered_block_signature_is_rejected() {
    let raw = read_data("qtum/blockbench.raw");
    let mut b = crypto_core::Block::parse(&raw, Chain::Qtum).unwrap();
    if let crypto_core::header::Header::Qtum(q) = &mut b.header {
        q.block_sig[10] ^= 0x01; // a byte inside r
    }
    let rep = validate_block(
        &b.serialize(),
        &ValidateOptions::new(Chain::Qtum),
        &TestBackend::default(),
    );
    assert!(rep.merkle_root_ok);
    assert_eq!(rep.block_signature_ok, Some(false));
    assert!(
        matches!(
            rep.error_detail,
            Some(ValidationError::BadBlockSignature { .. })
        ),
        "{:?}",
        rep.error
    );
    // The block hash covers the signature, so it changed too.
    assert_ne!(
        rep.block_hash.as_deref(),
        Some("f4fdd3d2fbc70777e9f0f373c607a7d06f005e0e4f63d76bc416e9a728ec86ce")
    );
}

#[test]
fn block413567_batches_and_low_s_option() {
    let raw = read_data("bitcoin-core/block413567.raw");
    let be = TestBackend::default();
    let mut opts = ValidateOptions::new(Chain::Bitcoin);
    opts.low_s = true;
    let rep = validate_block(&raw, &opts, &be);
    // Batch-first: a fixed number of backend calls, independent of the tx count
    // (header, txids, 11 merkle levels, hash160, sighash = 15 hash calls; 1 verify call).
    let hash_calls = be.hash_calls.load(std::sync::atomic::Ordering::Relaxed);
    let verify_calls = be.verify_calls.load(std::sync::atomic::Ordering::Relaxed);
    println!("low_s: valid={} error={:?} counts={:?}; hash calls {hash_calls}, verify calls {verify_calls}", rep.valid, rep.error, rep.signatures);
    assert!(hash_calls <= 16, "{hash_calls} hash_batch calls");
    assert_eq!(verify_calls, 1);
    assert_eq!(rep.signatures.checked, 5815);
    assert_eq!(rep.signatures.valid + rep.signatures.invalid, 5815);
}
