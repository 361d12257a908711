//! BIP341's wallet test vectors and the Core-generated Taproot sighash cases (see
//! tests/data/README.md): signature messages, sighashes, digests, tweaks, leaf hashes, merkle
//! roots and control blocks must match exactly; the signed BIP341 transaction validates
//! through the pipeline on a backend that keeps the trait's default (software) Schnorr path.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::cast_possible_truncation
)]

mod common;

use std::collections::HashMap;

use crypto_core::taproot::sighash::{
    outputs_preimage, sig_msg, sighash_with, ScriptPath, SpendData, TxHashes, TxParts,
    NO_CODESEPARATOR,
};
use crypto_core::taproot::{
    check_commitment, p2tr_output_key, tapbranch_preimage, tapleaf_preimage, taptweak_preimage,
    tweak_key, ControlBlock, TaprootError,
};
use crypto_core::{
    check_transaction, Backend, Chain, OutPoint, SchnorrFailure, SchnorrJob, SchnorrVerdict,
    Transaction, TxOut, ValidateOptions, ValidationError,
};
use serde_json::Value;
use sha2::{Digest, Sha256};

fn sha256(d: &[u8]) -> [u8; 32] {
    Sha256::digest(d).into()
}

fn h32(v: &Value) -> [u8; 32] {
    hex::decode(v.as_str().unwrap())
        .unwrap()
        .try_into()
        .unwrap()
}

fn bytes(v: &Value) -> Vec<u8> {
    hex::decode(v.as_str().unwrap()).unwrap()
}

fn load(name: &str) -> Value {
    let p = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{p}: {e}")))
        .unwrap()
}

fn spent_outputs(v: &Value, amount: &str) -> Vec<TxOut> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|u| TxOut {
            value: u[amount].as_i64().unwrap(),
            script_pubkey: bytes(&u["scriptPubKey"]),
        })
        .collect()
}

#[test]
fn bip341_key_path_sighashes_match() {
    let v = load("bip341-wallet-test-vectors.json");
    let kps = v["keyPathSpending"].as_array().unwrap();
    assert_eq!(kps.len(), 1);
    let case = &kps[0];
    let tx = Transaction::parse_exact(&bytes(&case["given"]["rawUnsignedTx"])).unwrap();
    let spent = spent_outputs(&case["given"]["utxosSpent"], "amountSats");
    let parts = TxParts::new(&tx, &spent).unwrap().into_array();
    let d: Vec<[u8; 32]> = parts.iter().map(|p| sha256(p)).collect();
    let hashes = TxHashes::from_digests(&d.clone().try_into().unwrap());
    let im = &case["intermediary"];
    assert_eq!(hashes.sha_prevouts, h32(&im["hashPrevouts"]));
    assert_eq!(hashes.sha_amounts, h32(&im["hashAmounts"]));
    assert_eq!(hashes.sha_script_pubkeys, h32(&im["hashScriptPubkeys"]));
    assert_eq!(hashes.sha_sequences, h32(&im["hashSequences"]));
    let sha_outputs = sha256(&outputs_preimage(&tx));
    assert_eq!(sha_outputs, h32(&im["hashOutputs"]));

    let inputs = case["inputSpending"].as_array().unwrap();
    assert_eq!(inputs.len(), 7);
    let mut signed = tx.clone();
    let mut jobs = Vec::new();
    for s in inputs {
        let g = &s["given"];
        let i = g["txinIndex"].as_u64().unwrap() as usize;
        let ht = u8::try_from(g["hashType"].as_u64().unwrap()).unwrap();
        let data = SpendData {
            input: i,
            hash_type: ht,
            spent: &spent[i],
            outputs_hash: Some(sha_outputs),
            annex_hash: None,
            single_output_hash: tx
                .outputs
                .get(i)
                .map(|o| {
                    let mut b = Vec::new();
                    o.write(&mut b);
                    sha256(&b)
                })
                .filter(|_| ht & 3 == 3),
            script_path: None,
        };
        let msg = sig_msg(&tx, Some(&hashes), &data).unwrap();
        // The vectors' sigMsg includes the epoch byte 0x00 that precedes SigMsg in the hash.
        assert_eq!(
            [&[0u8][..], &msg].concat(),
            bytes(&s["intermediary"]["sigMsg"]),
            "input {i} sigMsg"
        );
        let sh = sighash_with(&tx, &spent, i, ht, None, None, &sha256).unwrap();
        assert_eq!(sh, h32(&s["intermediary"]["sigHash"]), "input {i} sigHash");
        // The internal key tweaked by the vector's tweak is the output key being spent.
        let ik = h32(&s["intermediary"]["internalPubkey"]);
        let root = (!g["merkleRoot"].is_null()).then(|| h32(&g["merkleRoot"]));
        let tweak = sha256(&taptweak_preimage(&ik, root.as_ref()));
        assert_eq!(tweak, h32(&s["intermediary"]["tweak"]), "input {i} tweak");
        let q = p2tr_output_key(&spent[i].script_pubkey).unwrap();
        assert_eq!(tweak_key(&ik, &tweak).unwrap().0, q, "input {i} output key");
        let w: Vec<Vec<u8>> = s["expected"]["witness"]
            .as_array()
            .unwrap()
            .iter()
            .map(bytes)
            .collect();
        jobs.push(SchnorrJob {
            xonly_pubkey: q,
            msg32: sh,
            sig64: w[0][..64].try_into().unwrap(),
        });
        signed.inputs[i].witness = w;
    }
    // The vectors' signatures verify through the trait's default (software) Schnorr path.
    let be = common::TestBackend::default();
    let verdicts = be.verify_schnorr_batch(&jobs).unwrap();
    assert!(verdicts.iter().all(|v| v.is_valid()), "{verdicts:?}");

    // The signed transaction through the pipeline: the 7 Taproot inputs check out; the
    // vectors leave the P2PKH input 2 and the P2WPKH input 5 unsigned, which is reported.
    let prev: HashMap<OutPoint, TxOut> = tx
        .inputs
        .iter()
        .map(|i| i.prevout)
        .zip(spent.iter().cloned())
        .collect();
    let mut opts = ValidateOptions::new(Chain::Bitcoin);
    opts.prevouts = Some(&prev);
    let flags = opts.script_flags(Some(800_000));
    let rep = check_transaction(&signed, &opts, flags, &be);
    assert_eq!(rep.signatures.valid, 7, "{:?}", rep.error);
    assert_eq!(rep.signatures.invalid, 2);
    assert!(matches!(
        rep.error_detail,
        Some(ValidationError::BadScript {
            tx: 0,
            input: 2,
            ..
        })
    ));
    // One signature tampered: named.
    let mut bad = signed.clone();
    bad.inputs[3].witness[0][10] ^= 1;
    let rep = check_transaction(&bad, &opts, flags, &be);
    assert_eq!(rep.signatures.valid, 6);
    assert_eq!(rep.signatures.invalid, 3);
}

#[test]
fn bip341_script_trees_commit_to_their_output_keys() {
    let v = load("bip341-wallet-test-vectors.json");
    let mut control_blocks = 0;
    for (n, case) in v["scriptPubKey"].as_array().unwrap().iter().enumerate() {
        let g = &case["given"];
        let im = &case["intermediary"];
        let ik = h32(&g["internalPubkey"]);
        let root = (!im["merkleRoot"].is_null()).then(|| h32(&im["merkleRoot"]));
        let tweak = sha256(&taptweak_preimage(&ik, root.as_ref()));
        assert_eq!(tweak, h32(&im["tweak"]), "case {n}");
        let (q, _) = tweak_key(&ik, &tweak).unwrap();
        assert_eq!(q, h32(&im["tweakedPubkey"]), "case {n}");
        // Leaves in tree order (depth-first), as the vectors list their leaf hashes.
        fn leaves(t: &Value, out: &mut Vec<(u8, Vec<u8>)>) {
            match t {
                Value::Array(a) => a.iter().for_each(|x| leaves(x, out)),
                Value::Object(o) => out.push((
                    u8::try_from(o["leafVersion"].as_u64().unwrap()).unwrap(),
                    hex::decode(o["script"].as_str().unwrap()).unwrap(),
                )),
                _ => {}
            }
        }
        let mut ls = Vec::new();
        leaves(&g["scriptTree"], &mut ls);
        let Some(cbs) = case["expected"]["scriptPathControlBlocks"].as_array() else {
            assert!(ls.is_empty());
            continue;
        };
        let hashes = im["leafHashes"].as_array().unwrap();
        assert_eq!(ls.len(), hashes.len());
        assert_eq!(cbs.len(), ls.len());
        for ((leaf, want_hash), cb) in ls.iter().zip(hashes).zip(cbs) {
            let lh = sha256(&tapleaf_preimage(leaf.0, &leaf.1));
            assert_eq!(lh, h32(want_hash), "case {n}");
            let control = ControlBlock::parse(&bytes(cb)).unwrap();
            assert_eq!(control.leaf_version, leaf.0);
            assert_eq!(control.to_bytes(), bytes(cb));
            let mut node = lh;
            for sibling in &control.path {
                node = sha256(&tapbranch_preimage(&node, sibling));
            }
            assert_eq!(
                Some(node),
                root,
                "case {n}: merkle root from the control block"
            );
            let t = sha256(&taptweak_preimage(&control.internal_key, Some(&node)));
            assert_eq!(check_commitment(&control, &t, &q), Ok(()), "case {n}");
            let mut flipped = control.clone();
            flipped.output_key_odd ^= true;
            assert_eq!(
                check_commitment(&flipped, &t, &q),
                Err(TaprootError::CommitmentMismatch)
            );
            control_blocks += 1;
        }
    }
    assert_eq!(
        control_blocks, 12,
        "the vectors' script-path control blocks"
    );
}

#[test]
fn core_generated_sighash_cases_match() {
    let v = load("taproot-sighash-cases.json");
    let cases = v["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 11);
    let mut kinds = std::collections::BTreeSet::new();
    for (n, c) in cases.iter().enumerate() {
        let tx = Transaction::parse_exact(&bytes(&c["tx"])).unwrap();
        let spent: Vec<TxOut> = c["spent"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| TxOut {
                value: o["amount"].as_i64().unwrap(),
                script_pubkey: bytes(&o["script_pubkey"]),
            })
            .collect();
        let input = c["input"].as_u64().unwrap() as usize;
        let ht = u8::try_from(c["hash_type"].as_u64().unwrap()).unwrap();
        let annex = c["annex"].as_str().map(|a| hex::decode(a).unwrap());
        let leaf_hash = match (c["leaf_script"].as_str(), c["leaf_hash"].as_str()) {
            (Some(s), _) => Some(sha256(&tapleaf_preimage(0xc0, &hex::decode(s).unwrap()))),
            (_, Some(h)) => Some(hex::decode(h).unwrap().try_into().unwrap()),
            _ => None,
        };
        let sp = leaf_hash.map(|leaf_hash| ScriptPath {
            leaf_hash,
            codesep_pos: NO_CODESEPARATOR,
        });
        let want = h32(&c["sighash"]);
        let got = sighash_with(&tx, &spent, input, ht, annex.as_deref(), sp, &sha256).unwrap();
        assert_eq!(got, want, "case {n} ({})", c["source"]);
        // Under ANYONECANPAY the other spent outputs are not read: garbage there changes nothing.
        let mut others = spent.clone();
        for (k, o) in others.iter_mut().enumerate() {
            if k != input {
                o.value ^= 0x5555;
            }
        }
        let got2 = sighash_with(&tx, &others, input, ht, annex.as_deref(), sp, &sha256).unwrap();
        assert_eq!(got2 == want, ht & 0x80 != 0 || spent.len() == 1, "case {n}");
        // Another codeseparator position changes a script-path sighash.
        if let Some(mut sp) = sp {
            sp.codesep_pos = 0;
            let moved = sighash_with(&tx, &spent, input, ht, annex.as_deref(), Some(sp), &sha256);
            assert_ne!(moved.unwrap(), want);
        }
        kinds.insert((ht, annex.is_some(), sp.is_some()));
    }
    assert_eq!(kinds.len(), 10, "{kinds:?}");
}

/// The 32-byte-message BIP340 vectors through `Backend::verify_schnorr_batch`'s default
/// implementation (the path the FPGA and simulation backends take until they override it).
#[test]
fn bip340_vectors_through_the_default_backend_path() {
    let p = format!(
        "{}/tests/data/bip340-test-vectors.csv",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&p).unwrap();
    let mut jobs = Vec::new();
    let mut want = Vec::new();
    for l in text.lines().skip(1).filter(|l| !l.is_empty()) {
        let f: Vec<&str> = l.splitn(8, ',').collect();
        let msg = hex::decode(f[4]).unwrap();
        let Ok(msg32) = <[u8; 32]>::try_from(msg.as_slice()) else {
            continue;
        };
        jobs.push(SchnorrJob {
            xonly_pubkey: hex::decode(f[2]).unwrap().try_into().unwrap(),
            msg32,
            sig64: hex::decode(f[5]).unwrap().try_into().unwrap(),
        });
        want.push(match (f[6], f[0]) {
            ("TRUE", _) => SchnorrVerdict::Valid,
            (_, "5" | "14") => SchnorrVerdict::Invalid(SchnorrFailure::BadPubkey),
            (_, "12") => SchnorrVerdict::Invalid(SchnorrFailure::BadR),
            (_, "13") => SchnorrVerdict::Invalid(SchnorrFailure::BadS),
            _ => SchnorrVerdict::Invalid(SchnorrFailure::Mismatch),
        });
    }
    assert_eq!(jobs.len(), 15);
    let be = common::TestBackend::default();
    assert_eq!(be.verify_schnorr_batch(&jobs).unwrap(), want);
    let boxed: Box<dyn Backend> = Box::new(common::TestBackend::default());
    assert_eq!(boxed.verify_schnorr_batch(&jobs).unwrap(), want);
}
