//! Every single-byte change of the real Qtum proof-of-stake block's signature field (its
//! var-int length at offset 180 and the 71 DER bytes after it; all 255 other values of each
//! byte) must be rejected. None keeps a valid canonical signature: a strict-DER low-S
//! encoding of (r, s) is unique, so a changed byte either breaks the encoding rule
//! (`bad-signature-encoding`) or changes r or s, which then fails verification; a changed
//! length byte misframes the block. The test fails, listing them, if any change is accepted.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::cast_possible_truncation
)]
mod common;

use std::collections::BTreeMap;

use common::{read_data, TestBackend};
use crypto_core::validate::BlockSigError;
use crypto_core::{validate_block, Chain, ValidateOptions, ValidationError};
use rayon::prelude::*;

/// Offset of the signature's var-int length in the 252-byte header.
const SIG_LEN_AT: usize = 180;

fn kind(e: &Option<ValidationError>) -> String {
    match e {
        None => "ACCEPTED".into(),
        Some(ValidationError::BadBlockSignature { reason }) => match reason {
            BlockSigError::NonCanonicalDer(why) => format!("non-canonical DER: {why}"),
            BlockSigError::HighS => "high S".into(),
            BlockSigError::Mismatch(f) => format!("does not verify: {f}"),
            other => format!("block signature: {other}"),
        },
        Some(ValidationError::Parse(p)) => format!("parse: {}", p.what),
        Some(other) => format!("other: {other}"),
    }
}

#[test]
fn every_single_byte_change_of_the_block_signature_is_rejected() {
    let raw = read_data("qtum/blockbench.raw");
    assert_eq!(raw[SIG_LEN_AT], 71, "the signature is 71 bytes of DER");
    let positions: Vec<usize> = (SIG_LEN_AT..SIG_LEN_AT + 1 + 71).collect();
    let opts = ValidateOptions::new(Chain::Qtum);
    // One task per byte position on rayon's global pool (these tests own the process; the
    // library's `SoftwareBackend::parallel` uses a pool of its own instead).
    let results: Vec<(usize, u8, String)> = positions
        .par_iter()
        .flat_map_iter(|&p| {
            let be = TestBackend::default();
            let raw = &raw;
            let opts = &opts;
            (0..=255u8).filter(move |&v| v != raw[p]).map(move |v| {
                let mut m = raw.clone();
                m[p] = v;
                let rep = validate_block(&m, opts, &be);
                assert_eq!(rep.valid, rep.error_detail.is_none());
                // Inside the DER bytes the header still frames the block: the first broken
                // rule must be the block signature's.
                if p > SIG_LEN_AT && rep.error_detail.is_some() {
                    assert!(
                        matches!(
                            rep.error_detail,
                            Some(ValidationError::BadBlockSignature { .. })
                        ),
                        "byte {p} = {v:#04x}: {:?}",
                        rep.error
                    );
                }
                (p, v, kind(&rep.error_detail))
            })
        })
        .collect();
    assert_eq!(results.len(), 72 * 255);
    let mut hist: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, _, k) in &results {
        *hist.entry(k.as_str()).or_default() += 1;
    }
    for (k, n) in &hist {
        println!("{n:6} x {k}");
    }
    let accepted: Vec<String> = results
        .iter()
        .filter(|(_, _, k)| k == "ACCEPTED")
        .map(|(p, v, _)| format!("byte {p} = {v:#04x}"))
        .collect();
    assert!(
        accepted.is_empty(),
        "single-byte changes accepted (each would need an explanation here): {accepted:?}"
    );
    // The case: bit 0 of byte 182, the DER SEQUENCE length.
    let flipped = results
        .iter()
        .find(|(p, v, _)| *p == 182 && *v == raw[182] ^ 1)
        .unwrap();
    assert_eq!(
        flipped.2,
        "non-canonical DER: SEQUENCE length does not cover the signature"
    );
}
