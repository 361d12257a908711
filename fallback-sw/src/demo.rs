//! A realistic synthetic Bitcoin block, built deterministically from a seed, so that
//! `satchain demo` needs no data file.
//!
//! What [`build_demo_block`] produces:
//! - a coinbase with the BIP34 height push (height `DEMO_BASE_HEIGHT + seed % 100_000`, which
//!   is after BIP66, so strict DER applies) paying the subsidy to a P2PKH output;
//! - transactions of 1 to 8 inputs each (the mix of a busy block), every input signed with
//!   SIGHASH_ALL over the legacy sighash, strict-DER, low-S signatures (k256, RFC 6979 nonces):
//!   - P2PKH inputs (`<sig> <pubkey>`), keys from a pool of 64 where every fourth key is
//!     used uncompressed;
//!   - P2SH 2-of-3 multisig inputs (`OP_0 <sig> <sig> <redeemScript>`), the two signing keys
//!     chosen at random and ordered as OP_CHECKMULTISIG requires;
//!   - about one input in seven spends an output created earlier in the same block (the
//!     outputs pay to the same key pool), the rest spend outpoints of earlier blocks;
//! - the correct merkle root, and a header at the easy regtest target (nBits `0x207fffff`)
//!   with the nonce ground until the header hash meets it.
//!
//! Everything, keys included, comes from `ChaCha20Rng::seed_from_u64(seed)`: the same
//! arguments give the same bytes on every machine.

use alloc::vec;
use alloc::vec::Vec;

use crypto_core::header::BitcoinHeader;
use crypto_core::script::{
    height_push, multisig_redeem, p2pkh_script_pubkey, p2sh_script_pubkey, push_data, OP_0,
};
use crypto_core::sighash::{legacy_preimage, LegacySighash, SIGHASH_ALL};
use crypto_core::{hash160, OutPoint, Transaction, TxIn, TxOut};
use k256::ecdsa::signature::hazmat::PrehashSigner;
use k256::ecdsa::{Signature, SigningKey};
use rand::{Rng, RngCore, SeedableRng};
use rand_chacha::ChaCha20Rng;

use crate::sha256d;

pub mod taproot;

/// Seed of `satchain demo` when none is given.
pub const DEFAULT_SEED: u64 = 2016;
/// Inputs of `satchain demo` when `--inputs` is not given.
pub const DEFAULT_INPUTS: usize = 2400;
/// Height of the demo block for seed 0 (the seed adds `seed % 100_000`).
pub const DEMO_BASE_HEIGHT: u32 = 700_000;
/// nBits of the demo block: the regtest proof-of-work limit.
pub const DEMO_BITS: u32 = 0x207f_ffff;
/// The regtest proof-of-work limit (big-endian 7fff..ff) the demo block meets: pass it as
/// `ValidateOptions::pow_limit` to validate a demo block.
pub const REGTEST_POW_LIMIT: [u8; 32] = {
    let mut a = [0xff; 32];
    a[0] = 0x7f;
    a
};

const KEY_POOL: usize = 64;
const MULTISIG_GROUPS: usize = 16;
const MAX_INPUTS_PER_TX: usize = 8;

/// How `satchain demo --inputs N` splits N: one input in eight is a 2-of-3 multisig input.
pub fn split_inputs(total: usize) -> (usize, usize) {
    let multisig = total / 8;
    (total - multisig, multisig)
}

/// Signatures in a demo block: one per P2PKH input, two per 2-of-3 multisig input.
pub fn expected_signatures(n_p2pkh: usize, n_multisig: usize) -> u64 {
    n_p2pkh as u64 + 2 * n_multisig as u64
}

/// The block height the demo block of `seed` carries in its coinbase.
pub fn demo_height(seed: u64) -> u32 {
    // seed % 100_000 < 2^17, so the cast is exact.
    DEMO_BASE_HEIGHT + (seed % 100_000) as u32
}

struct Key {
    signing: SigningKey,
    pubkey: Vec<u8>,
}

impl Key {
    fn new(rng: &mut ChaCha20Rng, compressed: bool) -> Self {
        let signing = SigningKey::random(rng);
        let pubkey = signing
            .verifying_key()
            .to_encoded_point(compressed)
            .as_bytes()
            .to_vec();
        Key { signing, pubkey }
    }
    fn p2pkh(&self) -> Vec<u8> {
        p2pkh_script_pubkey(&hash160(&self.pubkey))
    }
    /// DER signature + SIGHASH_ALL byte, low-S.
    fn sign(&self, z: &[u8; 32]) -> Vec<u8> {
        // RFC 6979 signing cannot fail for a 32-byte prehash and a valid key; an empty
        // signature would make the block invalid, which the tests would catch.
        let Ok(sig) = PrehashSigner::<Signature>::sign_prehash(&self.signing, z) else {
            return Vec::new();
        };
        let sig = sig.normalize_s().unwrap_or(sig);
        let mut der = sig.to_der().as_bytes().to_vec();
        // SIGHASH_ALL = 1 fits a byte.
        der.push(SIGHASH_ALL.to_le_bytes()[0]);
        der
    }
}

/// A 2-of-3 group: indices into the key pool and its redeem script.
struct Group {
    keys: [usize; 3],
    redeem: Vec<u8>,
}

#[derive(Clone, Copy)]
enum Spend {
    P2pkh(usize),
    Multisig(usize),
}

fn merkle_root(mut level: Vec<[u8; 32]>) -> [u8; 32] {
    if level.is_empty() {
        return [0u8; 32];
    }
    while level.len() > 1 {
        if level.len() % 2 == 1 {
            if let Some(last) = level.last().copied() {
                level.push(last);
            }
        }
        level = level
            .chunks(2)
            .map(|p| {
                let mut b = [0u8; 64];
                b[..32].copy_from_slice(&p[0]);
                b[32..].copy_from_slice(&p[1]);
                sha256d(&b)
            })
            .collect();
    }
    level[0]
}

/// Header hash (internal byte order) meets the target of [`DEMO_BITS`]:
/// 0x7fffff * 256^(0x20 - 3), i.e. big-endian `7f ff ff 00 .. 00`.
fn meets_demo_target(hash: &[u8; 32]) -> bool {
    let mut be = *hash;
    be.reverse();
    let mut target = [0u8; 32];
    target[..3].copy_from_slice(&[0x7f, 0xff, 0xff]);
    be <= target
}

/// Builds the demo block: `n_p2pkh` P2PKH inputs and `n_multisig` P2SH 2-of-3 inputs
/// (see the module docs). Deterministic in all three arguments.
pub fn build_demo_block(seed: u64, n_p2pkh: usize, n_multisig: usize) -> Vec<u8> {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let keys: Vec<Key> = (0..KEY_POOL)
        .map(|i| Key::new(&mut rng, i % 4 != 3))
        .collect();
    let groups: Vec<Group> = (0..MULTISIG_GROUPS)
        .map(|_| {
            let mut idx = [0usize; 3];
            let mut n = 0;
            while n < 3 {
                let k = rng.gen_range(0..KEY_POOL);
                if !idx[..n].contains(&k) {
                    idx[n] = k;
                    n += 1;
                }
            }
            let pks: Vec<&[u8]> = idx.iter().map(|&k| keys[k].pubkey.as_slice()).collect();
            let redeem = multisig_redeem(2, &pks).unwrap_or_default();
            Group { keys: idx, redeem }
        })
        .collect();

    // Input kinds in block order: multisig inputs spread evenly among the P2PKH ones.
    let total = n_p2pkh + n_multisig;
    let mut kinds = Vec::with_capacity(total);
    let (mut p, mut m) = (0usize, 0usize);
    for _ in 0..total {
        // Take a multisig input when it is "behind" its share of the inputs so far.
        let take_multisig = m < n_multisig && (p >= n_p2pkh || m * total <= (p + m) * n_multisig);
        if take_multisig {
            kinds.push(Spend::Multisig(rng.gen_range(0..MULTISIG_GROUPS)));
            m += 1;
        } else {
            kinds.push(Spend::P2pkh(rng.gen_range(0..KEY_POOL)));
            p += 1;
        }
    }

    let height = demo_height(seed);
    let subsidy: i64 = 5_000_000_000 >> (height / 210_000);
    let mut coinbase_key = [0u8; 20];
    rng.fill_bytes(&mut coinbase_key);
    let mut script_sig = height_push(height);
    script_sig.extend_from_slice(&push_data(b"/SatChain Accel demo/"));
    let coinbase = Transaction {
        version: 1,
        inputs: vec![TxIn {
            prevout: OutPoint::NULL,
            script_sig,
            sequence: u32::MAX,
            witness: Vec::new(),
        }],
        outputs: vec![TxOut {
            value: subsidy,
            script_pubkey: p2pkh_script_pubkey(&coinbase_key),
        }],
        lock_time: 0,
    };
    let mut txs = vec![coinbase];
    // Outputs created in this block that later transactions may spend.
    let mut unspent: Vec<(OutPoint, Spend)> = Vec::new();

    let mut next = 0usize;
    while next < kinds.len() {
        let n_in = rng.gen_range(1..=MAX_INPUTS_PER_TX).min(kinds.len() - next);
        let spends = &kinds[next..next + n_in];
        next += n_in;

        let mut inputs = Vec::with_capacity(n_in);
        for spend in spends {
            // About one input in seven spends an output of this block, if one of the same
            // kind is unspent (same key or group, so the signature is checkable the same way).
            let in_block = if rng.gen_ratio(1, 7) {
                unspent.iter().position(|(_, s)| match (s, spend) {
                    (Spend::P2pkh(a), Spend::P2pkh(b)) => a == b,
                    (Spend::Multisig(a), Spend::Multisig(b)) => a == b,
                    _ => false,
                })
            } else {
                None
            };
            let prevout = match in_block {
                Some(i) => unspent.swap_remove(i).0,
                None => {
                    let mut txid = [0u8; 32];
                    rng.fill_bytes(&mut txid);
                    OutPoint {
                        txid,
                        vout: rng.gen_range(0..4),
                    }
                }
            };
            let sequence = if rng.gen_ratio(1, 10) {
                0xffff_fffd
            } else {
                u32::MAX
            };
            inputs.push(TxIn {
                prevout,
                script_sig: Vec::new(),
                sequence,
                witness: Vec::new(),
            });
        }

        let n_out = rng.gen_range(1..=3usize);
        let mut outputs = Vec::with_capacity(n_out);
        let mut out_kinds = Vec::with_capacity(n_out);
        for _ in 0..n_out {
            let value = rng.gen_range(10_000..2_000_000_000i64);
            let kind = if rng.gen_ratio(1, 5) {
                Spend::Multisig(rng.gen_range(0..MULTISIG_GROUPS))
            } else {
                Spend::P2pkh(rng.gen_range(0..KEY_POOL))
            };
            let script_pubkey = match kind {
                Spend::P2pkh(k) => keys[k].p2pkh(),
                Spend::Multisig(g) => p2sh_script_pubkey(&hash160(&groups[g].redeem)),
            };
            outputs.push(TxOut {
                value,
                script_pubkey,
            });
            out_kinds.push(kind);
        }
        let lock_time = if rng.gen_ratio(1, 4) {
            demo_height(seed) - 1
        } else {
            0
        };
        let mut tx = Transaction {
            version: if rng.gen_ratio(1, 2) { 1 } else { 2 },
            inputs,
            outputs,
            lock_time,
        };

        // Legacy sighash: other inputs' scriptSigs are blanked, so sign before filling any.
        let mut script_sigs = Vec::with_capacity(n_in);
        for (i, spend) in spends.iter().enumerate() {
            let script_code = match *spend {
                Spend::P2pkh(k) => keys[k].p2pkh(),
                Spend::Multisig(g) => groups[g].redeem.clone(),
            };
            let z = match legacy_preimage(&tx, i, &script_code, SIGHASH_ALL) {
                LegacySighash::Preimage(bytes) => sha256d(&bytes),
                LegacySighash::One => crypto_core::sighash::SIGHASH_ONE,
            };
            let script_sig = match *spend {
                Spend::P2pkh(k) => {
                    let mut s = push_data(&keys[k].sign(&z));
                    s.extend_from_slice(&push_data(&keys[k].pubkey));
                    s
                }
                Spend::Multisig(g) => {
                    let group = &groups[g];
                    // Two of the three keys, in redeem-script order.
                    let skip = rng.gen_range(0..3usize);
                    let mut s = vec![OP_0];
                    for (pos, &k) in group.keys.iter().enumerate() {
                        if pos != skip {
                            s.extend_from_slice(&push_data(&keys[k].sign(&z)));
                        }
                    }
                    s.extend_from_slice(&push_data(&group.redeem));
                    s
                }
            };
            script_sigs.push(script_sig);
        }
        for (input, s) in tx.inputs.iter_mut().zip(script_sigs) {
            input.script_sig = s;
        }
        let txid = sha256d(&tx.serialize(false));
        for (vout, kind) in (0u32..).zip(out_kinds) {
            unspent.push((OutPoint { txid, vout }, kind));
        }
        txs.push(tx);
    }

    let mut prev_block = [0u8; 32];
    rng.fill_bytes(&mut prev_block);
    let header = BitcoinHeader {
        version: 0x2000_0000,
        prev_block,
        merkle_root: [0u8; 32],
        // seed % 1_000_000 < 2^20, exact.
        time: 1_700_000_000 + (seed % 1_000_000) as u32,
        bits: DEMO_BITS,
        nonce: 0,
    };
    seal(header, &txs)
}

/// Sets the merkle root from `txs`, grinds the nonce to the [`DEMO_BITS`] target and
/// serializes header and transactions.
fn seal(mut header: BitcoinHeader, txs: &[Transaction]) -> Vec<u8> {
    let txids: Vec<[u8; 32]> = txs.iter().map(|t| sha256d(&t.serialize(false))).collect();
    header.merkle_root = merkle_root(txids);
    header.bits = DEMO_BITS;
    header.nonce = 0;
    // About half of all nonces meet this target; the loop ends within a few tries.
    while !meets_demo_target(&sha256d(&header.to_bytes())) && header.nonce < u32::MAX {
        header.nonce += 1;
    }
    let mut block = header.to_bytes().to_vec();
    crypto_core::encode::write_varint(&mut block, txs.len() as u64);
    for tx in txs {
        tx.write(&mut block, false);
    }
    block
}

/// Re-seals an edited Bitcoin block: recomputes the merkle root and grinds the nonce to the
/// demo target, so that a test can build a block whose *only* defect is the one it planted
/// (e.g. a tampered signature, which would otherwise first break the merkle root).
/// Witness data is dropped.
pub fn reseal_block(raw: &[u8]) -> Result<Vec<u8>, crypto_core::ParseError> {
    let block = crypto_core::Block::parse(raw, crypto_core::Chain::Bitcoin)?;
    Ok(seal(*block.header.base(), &block.txs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_target_check() {
        let mut h = [0u8; 32];
        assert!(meets_demo_target(&h));
        h[31] = 0x7f;
        h[30] = 0xff;
        h[29] = 0xff;
        assert!(meets_demo_target(&h));
        h[28] = 1;
        assert!(!meets_demo_target(&h));
        h[31] = 0x80;
        h[28] = 0;
        assert!(!meets_demo_target(&h));
    }
}
