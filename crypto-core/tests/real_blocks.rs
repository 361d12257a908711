#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
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
