#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::cast_possible_truncation
)]
//! The demo block validates end to end with every signature checked, is deterministic, and
//! a tampered signature is caught and named.

use crypto_core::params::REGTEST_POW_LIMIT;
use crypto_core::{validate_block, Chain, ValidateOptions, ValidationError};
use fallback_sw::demo::{build_demo_block, demo_height, expected_signatures, reseal_block};
use fallback_sw::SoftwareBackend;

fn opts() -> ValidateOptions<'static> {
    let mut o = ValidateOptions::new(Chain::Bitcoin);
    o.pow_limit = Some(REGTEST_POW_LIMIT);
    o
}

#[test]
fn demo_block_validates_with_all_signatures_checked() {
    let (p2pkh, multisig) = (700, 100);
    let block = build_demo_block(7, p2pkh, multisig);
    let be = SoftwareBackend::parallel(0);
    let rep = validate_block(&block, &opts(), &be);
    assert!(rep.valid, "demo block invalid: {:?}", rep.error);
    assert!(rep.merkle_root_ok && rep.pow_ok);
    assert_eq!(rep.height, Some(demo_height(7)));
    assert_eq!(
        rep.inputs,
        p2pkh + multisig + 1,
        "inputs incl. the coinbase's"
    );
    let want = expected_signatures(p2pkh, multisig);
    assert_eq!(rep.signatures.checked, want);
    assert_eq!(rep.signatures.valid, want);
    assert_eq!(rep.signatures.invalid, 0);
    assert_eq!(rep.signatures.not_checkable, 0);
    // Strict DER applies at the demo height, and low-S signing means low-S passes too.
    assert_eq!(rep.flags.map(|f| f.strict_der), Some(true));
    let mut strict = opts();
    strict.low_s = true;
    assert!(validate_block(&block, &strict, &be).valid);
    // The mainnet PoW limit rejects the easy target: the PoW check is real.
    let mainnet = validate_block(&block, &ValidateOptions::new(Chain::Bitcoin), &be);
    assert!(!mainnet.valid && !mainnet.pow_ok, "{:?}", mainnet.error);
}

#[test]
fn demo_block_is_deterministic() {
    let a = build_demo_block(42, 50, 10);
    let b = build_demo_block(42, 50, 10);
    assert_eq!(a, b);
    assert_ne!(a, build_demo_block(43, 50, 10));
    assert_ne!(a, build_demo_block(42, 51, 10));
}

#[test]
fn demo_block_small_shapes() {
    let be = SoftwareBackend::single_thread();
    for (p, m) in [(0, 0), (1, 0), (0, 1), (3, 2)] {
        let block = build_demo_block(1, p, m);
        let rep = validate_block(&block, &opts(), &be);
        assert!(rep.valid, "({p},{m}): {:?}", rep.error);
        assert_eq!(rep.signatures.valid, expected_signatures(p, m), "({p},{m})");
    }
}

/// Finds a DER signature push (`<len> 30 <len2> 02 ..`) after `from` and flips a byte of r.
fn tamper_first_signature(block: &mut [u8], from: usize) -> usize {
    for i in from..block.len() - 8 {
        let len = block[i] as usize;
        if (70..=73).contains(&len)
            && block[i + 1] == 0x30
            && block[i + 2] as usize == len - 3
            && block[i + 3] == 0x02
        {
            let at = i + 10;
            block[at] ^= 0x01;
            return at;
        }
    }
    panic!("no signature found");
}

#[test]
fn demo_block_tampered_signature_names_tx_and_input() {
    let block = build_demo_block(9, 40, 8);
    let be = SoftwareBackend::single_thread();
    // Resealing an untouched block keeps it valid (the helper itself is sound).
    assert!(validate_block(&reseal_block(&block).expect("reseal"), &opts(), &be).valid);

    let mut bad = block.clone();
    tamper_first_signature(&mut bad, 81);
    // Without resealing, the txid changes and the merkle root is the first failure.
    let rep = validate_block(&bad, &opts(), &be);
    assert!(!rep.valid && !rep.merkle_root_ok, "{:?}", rep.error);

    // Resealed, only the signature is wrong: the report names tx 1, input 0.
    let bad = reseal_block(&bad).expect("reseal");
    let rep = validate_block(&bad, &opts(), &be);
    assert!(!rep.valid);
    assert!(rep.merkle_root_ok && rep.pow_ok);
    match &rep.error_detail {
        Some(ValidationError::BadSignature {
            tx: 1, input: 0, ..
        }) => {}
        other => panic!("want BadSignature at tx 1 input 0, got {other:?}"),
    }
    assert!(
        rep.error.as_deref().unwrap_or("").contains("tx 1 input 0"),
        "{:?}",
        rep.error
    );
    assert!(rep.signatures.invalid >= 1);
}
