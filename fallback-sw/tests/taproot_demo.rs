#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::cast_possible_truncation
)]
//! The Taproot demo block validates with every input checked (both verifiers); a tampered
//! Schnorr signature, a changed annex, a wrong spent amount, a wrong control block and a
//! missing prevout are each caught, naming the tx and input.

use std::collections::HashMap;

use crypto_core::params::REGTEST_POW_LIMIT;
use crypto_core::taproot::{p2tr_output_key, ControlBlock, ANNEX_TAG};
use crypto_core::{
    validate_block, Block, BlockReport, Chain, OutPoint, TxOut, ValidateOptions, ValidationError,
};
use fallback_sw::demo::taproot::{build_taproot_demo_block, reseal_witness_block, TaprootDemo};
use fallback_sw::{SoftwareBackend, Verifier};

type Prevouts = HashMap<OutPoint, TxOut>;

fn prevouts(d: &TaprootDemo) -> Prevouts {
    d.prevouts.iter().cloned().collect()
}

fn validate(raw: &[u8], p: Option<&Prevouts>, be: &SoftwareBackend) -> BlockReport {
    let mut o = ValidateOptions::new(Chain::Bitcoin);
    o.pow_limit = Some(REGTEST_POW_LIMIT);
    o.prevouts = p.map(|p| p as &dyn crypto_core::PrevoutProvider);
    validate_block(raw, &o, be)
}

fn demo() -> TaprootDemo {
    build_taproot_demo_block(11, 600)
}

/// (tx, input, spent output) of every Taproot input, in block order.
fn taproot_inputs(block: &Block, p: &Prevouts) -> Vec<(usize, usize, TxOut)> {
    let mut v = Vec::new();
    for (t, tx) in block.txs.iter().enumerate().skip(1) {
        for (i, inp) in tx.inputs.iter().enumerate() {
            let o = p[&inp.prevout].clone();
            if p2tr_output_key(&o.script_pubkey).is_some() {
                v.push((t, i, o));
            }
        }
    }
    v
}

#[test]
fn taproot_demo_validates_with_every_input_checked() {
    let d = demo();
    let p = prevouts(&d);
    let m = d.mix;
    assert_eq!(m.total(), 600);
    assert!(m.p2tr_key_path > 250 && m.p2tr_script_path > 20, "{m:?}");
    assert!(m.p2wpkh > 0 && m.p2sh_p2wpkh > 0 && m.p2wsh_multisig > 0 && m.p2pkh > 0);
    assert!(m.annexes > 0, "{m:?}");
    // Every BIP341 hash type occurs among the Taproot signatures.
    let block = Block::parse(&d.block, Chain::Bitcoin).unwrap();
    let types: std::collections::BTreeSet<u8> = taproot_inputs(&block, &p)
        .iter()
        .map(|(t, i, _)| {
            let sig = &block.txs[*t].inputs[*i].witness[0];
            if sig.len() == 65 {
                sig[64]
            } else {
                0
            }
        })
        .collect();
    assert_eq!(
        types,
        [0u8, 1, 2, 3, 0x81, 0x82, 0x83].into_iter().collect()
    );
    for &verifier in Verifier::ALL {
        let be = SoftwareBackend::parallel(0).with_verifier(verifier);
        let rep = validate(&d.block, Some(&p), &be);
        assert!(rep.valid, "{verifier}: {:?}", rep.error);
        assert_eq!(rep.witness_commitment_ok, Some(true));
        assert_eq!(rep.height, Some(d.height));
        assert_eq!(rep.inputs, 601, "inputs incl. the coinbase's");
        assert_eq!(rep.signatures.checked, m.signatures(), "{verifier}");
        assert_eq!(rep.signatures.valid, m.signatures());
        assert_eq!(
            rep.signatures.not_checkable, 0,
            "{:?}",
            rep.not_checkable_reasons
        );
        assert_eq!(
            rep.schnorr_jobs,
            m.schnorr_signatures(),
            "one BIP340 job per input"
        );
        assert_eq!(be.schnorr_jobs(), m.schnorr_signatures());
    }
    // Without prevouts no segwit input is checkable: every input is counted, none valid.
    let be = SoftwareBackend::single_thread();
    let rep = validate(&d.block, None, &be);
    assert!(rep.valid);
    assert_eq!(rep.signatures.checked, m.p2pkh as u64);
    assert_eq!(rep.signatures.not_checkable, (m.total() - m.p2pkh) as u64);
}

#[test]
fn taproot_demo_is_deterministic() {
    let a = build_taproot_demo_block(5, 40);
    let b = build_taproot_demo_block(5, 40);
    assert_eq!(a.block, b.block);
    assert_eq!(a.prevouts, b.prevouts);
    assert_ne!(a.block, build_taproot_demo_block(6, 40).block);
    for n in [1usize, 2, 9] {
        let d = build_taproot_demo_block(n as u64, n);
        let rep = validate(
            &d.block,
            Some(&prevouts(&d)),
            &SoftwareBackend::single_thread(),
        );
        assert!(rep.valid, "{n} inputs: {:?}", rep.error);
        assert_eq!(rep.signatures.valid, d.mix.signatures());
    }
}

fn expect_bad(rep: &BlockReport, tx: usize, input: usize, what: &str) {
    assert!(!rep.valid, "{what}: accepted");
    match &rep.error_detail {
        Some(ValidationError::BadSignature {
            tx: t,
            input: i,
            reason,
        })
        | Some(ValidationError::BadScript {
            tx: t,
            input: i,
            reason,
        }) => {
            assert_eq!((*t, *i), (tx, input), "{what}: {reason}");
        }
        other => panic!("{what}: {other:?}"),
    }
    let e = rep.error.as_deref().unwrap();
    assert!(
        e.starts_with(&format!("tx {tx} input {input}:")),
        "{what}: {e}"
    );
}

#[test]
fn tampered_schnorr_signature_is_named() {
    let d = demo();
    let p = prevouts(&d);
    let mut block = Block::parse(&d.block, Chain::Bitcoin).unwrap();
    let (t, i, _) = taproot_inputs(&block, &p)[7].clone();
    block.txs[t].inputs[i].witness[0][40] ^= 0x10; // s
    let raw = reseal_witness_block(&block.serialize()).unwrap();
    for &verifier in Verifier::ALL {
        let rep = validate(
            &raw,
            Some(&p),
            &SoftwareBackend::parallel(0).with_verifier(verifier),
        );
        expect_bad(&rep, t, i, "tampered s");
        assert!(rep
            .error
            .unwrap()
            .contains("Schnorr signature does not verify"));
        assert_eq!(rep.signatures.invalid, 1);
        assert_eq!(rep.signatures.valid, d.mix.signatures() - 1);
    }
}

#[test]
fn wrong_annex_is_named() {
    let d = demo();
    let p = prevouts(&d);
    let block = Block::parse(&d.block, Chain::Bitcoin).unwrap();
    let with_annex = |b: &Block| {
        taproot_inputs(b, &p)
            .into_iter()
            .find(|(t, i, _)| {
                let w = &b.txs[*t].inputs[*i].witness;
                w.len() >= 2 && w.last().unwrap()[0] == ANNEX_TAG
            })
            .unwrap()
    };
    let (t, i, _) = with_annex(&block);
    // A changed annex byte (or a longer annex) changes sha_annex.
    let mut b = block.clone();
    b.txs[t].inputs[i].witness.last_mut().unwrap().push(0x01);
    let rep = validate(
        &reseal_witness_block(&b.serialize()).unwrap(),
        Some(&p),
        &SoftwareBackend::single_thread(),
    );
    expect_bad(&rep, t, i, "changed annex");
    // An annex removed, or added where the signer had none, flips spend_type.
    let mut b = block.clone();
    b.txs[t].inputs[i].witness.pop();
    let rep = validate(
        &reseal_witness_block(&b.serialize()).unwrap(),
        Some(&p),
        &SoftwareBackend::single_thread(),
    );
    expect_bad(&rep, t, i, "removed annex");
    let (t2, i2, _) = taproot_inputs(&block, &p)
        .into_iter()
        .find(|(t, i, _)| block.txs[*t].inputs[*i].witness.len() == 1)
        .unwrap();
    let mut b = block.clone();
    b.txs[t2].inputs[i2].witness.push(vec![ANNEX_TAG, 7]);
    let rep = validate(
        &reseal_witness_block(&b.serialize()).unwrap(),
        Some(&p),
        &SoftwareBackend::single_thread(),
    );
    expect_bad(&rep, t2, i2, "added annex");
}

/// A wrong amount for a Taproot input's spent output: the signature message commits to every
/// spent amount (sha_amounts) unless ANYONECANPAY, so the first Taproot input of the tx that
/// commits to it fails.
#[test]
fn wrong_spent_amount_is_named() {
    let d = demo();
    let block = Block::parse(&d.block, Chain::Bitcoin).unwrap();
    let p0 = prevouts(&d);
    let hash_type = |t: usize, i: usize| {
        let w = &block.txs[t].inputs[i].witness;
        let sig = &w[0];
        if sig.len() == 65 {
            sig[64]
        } else {
            0
        }
    };
    let mut tried = 0;
    for (t, i, o) in taproot_inputs(&block, &p0).into_iter().step_by(37).take(6) {
        let mut p = p0.clone();
        let op = block.txs[t].inputs[i].prevout;
        p.insert(
            op,
            TxOut {
                value: o.value + 1,
                script_pubkey: o.script_pubkey.clone(),
            },
        );
        let first = taproot_inputs(&block, &p0)
            .into_iter()
            .filter(|(tt, _, _)| *tt == t)
            .map(|(_, ii, _)| ii)
            .find(|&ii| ii == i || hash_type(t, ii) & 0x80 == 0)
            .unwrap();
        let rep = validate(&d.block, Some(&p), &SoftwareBackend::single_thread());
        expect_bad(&rep, t, first, "amount + 1");
        tried += 1;
    }
    assert_eq!(tried, 6);
}

#[test]
fn wrong_control_block_is_named() {
    let d = demo();
    let p = prevouts(&d);
    let block = Block::parse(&d.block, Chain::Bitcoin).unwrap();
    let (t, i, _) = taproot_inputs(&block, &p)
        .into_iter()
        .find(|(t, i, _)| {
            let w = &block.txs[*t].inputs[*i].witness;
            w.len() >= 3 && w[2].len() >= 33
        })
        .unwrap();
    let cb_at = |b: &Block| b.txs[t].inputs[i].witness[2].clone();
    let cb = ControlBlock::parse(&cb_at(&block)).unwrap();
    for (what, change) in [("parity", 0usize), ("internal key", 5), ("merkle path", 40)] {
        let mut b = block.clone();
        b.txs[t].inputs[i].witness[2][change] ^= 1;
        let rep = validate(
            &reseal_witness_block(&b.serialize()).unwrap(),
            Some(&p),
            &SoftwareBackend::single_thread(),
        );
        expect_bad(&rep, t, i, what);
        let e = rep.error.unwrap();
        assert!(
            e.contains("control block") || e.contains("not on the curve"),
            "{what}: {e}"
        );
    }
    assert!(!cb.path.is_empty());
    // A control block of a wrong size.
    let mut b = block.clone();
    b.txs[t].inputs[i].witness[2].push(0);
    let rep = validate(
        &reseal_witness_block(&b.serialize()).unwrap(),
        Some(&p),
        &SoftwareBackend::single_thread(),
    );
    expect_bad(&rep, t, i, "control block size");
    // The leaf key changed: the commitment no longer holds.
    let mut b = block.clone();
    b.txs[t].inputs[i].witness[1][3] ^= 1;
    let rep = validate(
        &reseal_witness_block(&b.serialize()).unwrap(),
        Some(&p),
        &SoftwareBackend::single_thread(),
    );
    expect_bad(&rep, t, i, "leaf script");
}

#[test]
fn missing_prevout_makes_taproot_inputs_of_that_tx_not_checkable() {
    let d = demo();
    let block = Block::parse(&d.block, Chain::Bitcoin).unwrap();
    let mut p = prevouts(&d);
    // A tx with at least two inputs, the second Taproot and not ANYONECANPAY.
    let (t, _, _) = taproot_inputs(&block, &p)
        .into_iter()
        .find(|(t, i, _)| *i == 1 && block.txs[*t].inputs[1].witness[0].len() == 64)
        .unwrap();
    p.remove(&block.txs[t].inputs[0].prevout);
    let rep = validate(&d.block, Some(&p), &SoftwareBackend::single_thread());
    assert!(rep.valid, "{:?}", rep.error);
    assert!(
        rep.signatures.not_checkable >= 2,
        "{:?}",
        rep.not_checkable_reasons
    );
    assert!(
        rep.not_checkable_reasons
            .keys()
            .any(|k| k.contains("every spent output")),
        "{:?}",
        rep.not_checkable_reasons
    );
    let mut strict = ValidateOptions::new(Chain::Bitcoin);
    strict.pow_limit = Some(REGTEST_POW_LIMIT);
    strict.prevouts = Some(&p);
    strict.require_all_checkable = true;
    let rep = validate_block(&d.block, &strict, &SoftwareBackend::single_thread());
    assert!(matches!(
        rep.error_detail,
        Some(ValidationError::NotCheckable { tx, input: 0, .. }) if tx == t
    ));
}

/// Re-seals `b` and validates it with the demo's prevouts.
fn revalidate(b: &Block, p: &Prevouts) -> BlockReport {
    validate(
        &reseal_witness_block(&b.serialize()).unwrap(),
        Some(p),
        &SoftwareBackend::single_thread(),
    )
}

/// BIP341's signature rules, each refused before any verification, naming tx and input.
#[test]
fn taproot_signature_encoding_rules() {
    let d = demo();
    let p = prevouts(&d);
    let block = Block::parse(&d.block, Chain::Bitcoin).unwrap();
    let tap = taproot_inputs(&block, &p);
    let key_path = |want64: bool| {
        tap.iter()
            .find(|(t, i, _)| {
                let w = &block.txs[*t].inputs[*i].witness;
                w.len() == 1 && (w[0].len() == 64) == want64
            })
            .cloned()
            .unwrap()
    };
    let (t, i, _) = key_path(true);
    type Change = fn(&mut Vec<u8>);
    let cases: [(&str, Change, &str); 5] = [
        ("explicit 0x00", |s| s.push(0x00), "hash type 0x00"),
        (
            "hash type 0x84",
            |s| s.push(0x84),
            "invalid Taproot hash type 0x84",
        ),
        (
            "hash type 0x04",
            |s| s.push(0x04),
            "invalid Taproot hash type 0x04",
        ),
        ("63 bytes", |s| s.truncate(63), "63 bytes, not 64 or 65"),
        ("66 bytes", |s| s.extend([1, 1]), "66 bytes, not 64 or 65"),
    ];
    for (what, change, msg) in cases {
        let mut b = block.clone();
        change(&mut b.txs[t].inputs[i].witness[0]);
        let rep = revalidate(&b, &p);
        expect_bad(&rep, t, i, what);
        assert!(
            rep.error.as_deref().unwrap().contains(msg),
            "{what}: {:?}",
            rep.error
        );
    }
    // A valid explicit hash type that is not the one signed: the sighash differs.
    let mut b = block.clone();
    b.txs[t].inputs[i].witness[0].push(0x01);
    expect_bad(&revalidate(&b, &p), t, i, "ALL instead of DEFAULT");
    // SIGHASH_SINGLE on an input without its output.
    let (t, i, _) = tap
        .iter()
        .find(|(t, i, _)| {
            *i >= block.txs[*t].outputs.len() && block.txs[*t].inputs[*i].witness.len() == 1
        })
        .cloned()
        .expect("a Taproot input past the last output");
    let mut b = block.clone();
    let sig = &mut b.txs[t].inputs[i].witness[0];
    sig.truncate(64);
    sig.push(0x03);
    let rep = revalidate(&b, &p);
    expect_bad(&rep, t, i, "SINGLE without output");
    assert!(rep.error.unwrap().contains("SIGHASH_SINGLE"));
}

/// Spends the builder does not make, each counted or refused as BIP341 says.
#[test]
fn taproot_shapes_not_checked_or_refused() {
    let d = demo();
    let p = prevouts(&d);
    let block = Block::parse(&d.block, Chain::Bitcoin).unwrap();
    let tap = taproot_inputs(&block, &p);
    let (ts, is, _) = tap
        .iter()
        .find(|(t, i, _)| block.txs[*t].inputs[*i].witness.len() == 3)
        .cloned()
        .unwrap();
    let not_checkable = |b: &Block, p: &Prevouts, why: &str| {
        let rep = revalidate(b, p);
        assert!(rep.valid, "{why}: {:?}", rep.error);
        assert_eq!(rep.signatures.not_checkable, 1, "{why}");
        assert!(
            rep.not_checkable_reasons.keys().any(|k| k.contains(why)),
            "{why}: {:?}",
            rep.not_checkable_reasons
        );
    };
    // Unknown leaf version (parity bit kept): anyone-can-spend until defined.
    let mut b = block.clone();
    b.txs[ts].inputs[is].witness[2][0] ^= 0x02;
    not_checkable(&b, &p, "unknown leaf version");
    // A leaf other than <key> OP_CHECKSIG needs general tapscript.
    let mut b = block.clone();
    *b.txs[ts].inputs[is].witness[1].last_mut().unwrap() = 0xad; // OP_CHECKSIGVERIFY
    not_checkable(&b, &p, "not <key> OP_CHECKSIG");
    // An undefined witness version.
    let (tk, ik, o) = tap.iter().find(|(_, _, _)| true).cloned().unwrap();
    let mut p2 = p.clone();
    let mut spk = o.script_pubkey.clone();
    spk[0] = 0x52; // OP_2
    p2.insert(
        block.txs[tk].inputs[ik].prevout,
        TxOut {
            value: o.value,
            script_pubkey: spk,
        },
    );
    // (other Taproot inputs of that tx commit to the changed scriptPubKey and fail: only
    // the first error matters here if any; the input itself is counted not checkable.)
    let rep = validate(&d.block, Some(&p2), &SoftwareBackend::single_thread());
    assert!(rep
        .not_checkable_reasons
        .keys()
        .any(|k| k.contains("undefined version")));
    // Script-path stack shapes that fail without crypto.
    let mut b = block.clone();
    b.txs[ts].inputs[is].witness.insert(0, vec![1]);
    expect_bad(
        &revalidate(&b, &p),
        ts,
        is,
        "two stack items for <key> OP_CHECKSIG",
    );
    let mut b = block.clone();
    b.txs[ts].inputs[is].witness[0].clear();
    let rep = revalidate(&b, &p);
    expect_bad(&rep, ts, is, "empty signature");
    // Key path: empty witness, non-empty scriptSig.
    let mut b = block.clone();
    b.txs[tk].inputs[ik].witness.clear();
    expect_bad(&revalidate(&b, &p), tk, ik, "empty witness");
    let mut b = block.clone();
    b.txs[tk].inputs[ik].script_sig = vec![0x51];
    expect_bad(&revalidate(&b, &p), tk, ik, "scriptSig");
}
