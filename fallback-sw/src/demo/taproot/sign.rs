//! Signing the demo's transactions: every input of a transaction at once (Taproot key and
//! script paths with a random BIP341 hash type and sometimes an annex; segwit v0 and legacy
//! ECDSA with SIGHASH_ALL).

use alloc::vec;
use alloc::vec::Vec;

use crypto_core::script::push_data;
use crypto_core::sighash::{
    bip143_parts, bip143_preimage, legacy_preimage, Bip143Hashes, LegacySighash, SIGHASH_ALL,
    SIGHASH_ONE,
};
use crypto_core::taproot::sighash::{sighash_with, ScriptPath, NO_CODESEPARATOR};
use crypto_core::taproot::{tapleaf_preimage, ANNEX_TAG, TAPSCRIPT_LEAF_VERSION};
use crypto_core::{Transaction, TxOut};
use k256::NonZeroScalar;
use rand::Rng;
use rand_chacha::ChaCha20Rng;

use super::{tagged, tweak, InputMix, Pool, Spend, Tree};
use crate::{sha256, sha256d};

/// Fills the scriptSigs and witnesses of `tx`, whose inputs spend `spent` as `spends` says.
pub(super) fn sign_tx(
    pool: &Pool,
    tx: &mut Transaction,
    spends: &[Spend],
    spent: &[TxOut],
    mix: &mut InputMix,
    rng: &mut ChaCha20Rng,
) {
    let parts = bip143_parts(tx);
    let bip143 = Bip143Hashes {
        hash_prevouts: sha256d(&parts.prevouts),
        hash_sequence: sha256d(&parts.sequences),
        hash_outputs: sha256d(&parts.outputs),
    };
    let v0_sig = |tx: &Transaction, i: usize, k: usize, code: &[u8]| {
        let amount = spent.get(i).map_or(0, |o| o.value);
        let z = bip143_preimage(tx, i, code, amount, SIGHASH_ALL, &bip143, None)
            .map_or(SIGHASH_ONE, |p| sha256d(&p));
        pool.keys[k].ecdsa.sign(&z)
    };
    let mut filled: Vec<(Vec<u8>, Vec<Vec<u8>>)> = Vec::with_capacity(spends.len());
    for (i, s) in spends.iter().enumerate() {
        let entry = match *s {
            Spend::TrKey(k) => {
                let key = &pool.keys[k];
                let t = tweak(&key.xonly, None).0;
                mix.p2tr_key_path += 1;
                let w = sign_taproot(
                    pool,
                    tx,
                    spent,
                    i,
                    &key.even_secret,
                    Some(t),
                    None,
                    mix,
                    rng,
                );
                (Vec::new(), w)
            }
            Spend::TrTreeKey(t) => {
                let tree = &pool.trees[t];
                let key = &pool.keys[tree.internal];
                let tw = tweak(&key.xonly, Some(&tree.merkle_root)).0;
                mix.p2tr_key_path += 1;
                let w = sign_taproot(
                    pool,
                    tx,
                    spent,
                    i,
                    &key.even_secret,
                    Some(tw),
                    None,
                    mix,
                    rng,
                );
                (Vec::new(), w)
            }
            Spend::TrScript(t) => {
                let tree = &pool.trees[t];
                let key = &pool.keys[tree.leaf_key];
                mix.p2tr_script_path += 1;
                let w = sign_taproot(
                    pool,
                    tx,
                    spent,
                    i,
                    &key.even_secret,
                    None,
                    Some(tree),
                    mix,
                    rng,
                );
                (Vec::new(), w)
            }
            Spend::P2wpkh(k) | Spend::P2shP2wpkh(k) => {
                let key = &pool.keys[k].ecdsa;
                let sig = v0_sig(tx, i, k, &key.p2pkh());
                let script_sig = if matches!(s, Spend::P2shP2wpkh(_)) {
                    mix.p2sh_p2wpkh += 1;
                    push_data(&pool.wpkh_redeem(k))
                } else {
                    mix.p2wpkh += 1;
                    Vec::new()
                };
                (script_sig, vec![sig, key.pubkey.clone()])
            }
            Spend::P2wsh(g) => {
                let ws = &pool.groups[g];
                let skip = rng.gen_range(0..3usize);
                let mut w = vec![Vec::new()];
                for (pos, &k) in pool.group_keys[g].iter().enumerate() {
                    if pos != skip {
                        w.push(v0_sig(tx, i, k, ws));
                    }
                }
                w.push(ws.clone());
                mix.p2wsh_multisig += 1;
                (Vec::new(), w)
            }
            Spend::P2pkh(k) => {
                let key = &pool.keys[k].ecdsa;
                let z = match legacy_preimage(tx, i, &key.p2pkh(), SIGHASH_ALL) {
                    LegacySighash::Preimage(p) => sha256d(&p),
                    LegacySighash::One => SIGHASH_ONE,
                };
                let mut script_sig = push_data(&key.sign(&z));
                script_sig.extend_from_slice(&push_data(&key.pubkey));
                mix.p2pkh += 1;
                (script_sig, Vec::new())
            }
        };
        filled.push(entry);
    }
    for (input, (script_sig, witness)) in tx.inputs.iter_mut().zip(filled) {
        input.script_sig = script_sig;
        input.witness = witness;
    }
}

/// The witness of Taproot input `i`: a key-path signature by `secret` tweaked by `tweak`, or
/// (with `tree`) a script-path spend of its single-key leaf; a random hash type, sometimes an
/// annex.
#[allow(clippy::too_many_arguments)]
fn sign_taproot(
    pool: &Pool,
    tx: &Transaction,
    spent: &[TxOut],
    i: usize,
    secret: &NonZeroScalar,
    tweak: Option<[u8; 32]>,
    tree: Option<&Tree>,
    mix: &mut InputMix,
    rng: &mut ChaCha20Rng,
) -> Vec<Vec<u8>> {
    let ht = taproot_hash_type(rng, i < tx.outputs.len());
    let annex = rng.gen_ratio(1, 40).then(|| {
        let mut a = vec![ANNEX_TAG];
        let n = rng.gen_range(0..16usize);
        a.extend((0..n).map(|_| rng.gen::<u8>()));
        a
    });
    let script_path = tree.map(|t| ScriptPath {
        leaf_hash: tagged(&tapleaf_preimage(TAPSCRIPT_LEAF_VERSION, &t.leaf_script)),
        codesep_pos: NO_CODESEPARATOR,
    });
    // Fails only for an input index out of range or a SINGLE without output, which the
    // caller excludes; an empty message would make the signature fail, never pass.
    let msg =
        sighash_with(tx, spent, i, ht, annex.as_deref(), script_path, &sha256).unwrap_or([0u8; 32]);
    let mut w = vec![pool.schnorr_sign(secret, tweak, &msg, ht, rng)];
    if let Some(t) = tree {
        w.push(t.leaf_script.clone());
        w.push(t.control.to_bytes());
    }
    if let Some(a) = annex {
        mix.annexes += 1;
        w.push(a);
    }
    w
}

fn taproot_hash_type(rng: &mut ChaCha20Rng, has_output: bool) -> u8 {
    let ht = match rng.gen_range(0..100u32) {
        0..=79 => 0x00,
        80..=85 => 0x01,
        86..=88 => 0x81,
        89..=91 => 0x03,
        92..=94 => 0x83,
        95..=96 => 0x02,
        _ => 0x82,
    };
    if ht & 3 == 3 && !has_output {
        0x00
    } else {
        ht
    }
}
