//! A modern-looking synthetic Bitcoin block with Taproot spends, every input checkable with
//! the prevouts the builder returns (`satchain demo --taproot`).
//!
//! What [`build_taproot_demo_block`] produces (deterministic in its arguments, everything from
//! `ChaCha20Rng::seed_from_u64(seed)`):
//! - a coinbase with the BIP34 height, a P2TR payout, the BIP141 witness commitment and its
//!   reserved value;
//! - transactions of 1 to 8 inputs, each input drawn from this mix (weights out of 100):
//!   Taproot key path 50 (key-only outputs) + 5 (outputs with a script tree), Taproot script
//!   path through a single-key leaf `<key> OP_CHECKSIG` 8 (trees of two or three leaves, so a
//!   merkle path of one or two nodes), P2WPKH 20, P2SH-P2WPKH 5, P2WSH 2-of-3 multisig 4,
//!   P2PKH 8;
//! - Taproot hash types: DEFAULT (64-byte signature) 80 %, ALL 6, ALL|ANYONECANPAY 3, SINGLE 3,
//!   SINGLE|ANYONECANPAY 3 (where the input has its output; else DEFAULT), NONE 2,
//!   NONE|ANYONECANPAY 3; one Taproot input in 40 carries an annex. ECDSA inputs sign
//!   SIGHASH_ALL (BIP143 for segwit v0, legacy for P2PKH), low-S, strict DER;
//! - about one input in seven spends an output created earlier in the block; the rest spend
//!   outputs of "earlier blocks", all of which are returned in [`TaprootDemo::prevouts`]
//!   together with the in-block ones (a node's UTXO view while it connects the block);
//! - outputs pay what the inputs bring minus a fee; the header meets the regtest target.

use alloc::vec;
use alloc::vec::Vec;

use crypto_core::header::BitcoinHeader;
use crypto_core::params::WITNESS_COMMITMENT_HEADER;
use crypto_core::script::{
    height_push, multisig_redeem, p2sh_script_pubkey, p2wpkh_script_pubkey, push_data, OP_0,
};
use crypto_core::taproot::{
    p2tr_script_pubkey, single_key_leaf_script, tapbranch_preimage, tapleaf_preimage,
    taptweak_preimage, tweak_key, ControlBlock, TAPSCRIPT_LEAF_VERSION,
};
use crypto_core::{hash160, Block, Chain, OutPoint, ParseError, Transaction, TxIn, TxOut};
use k256::elliptic_curve::PrimeField;
use k256::{NonZeroScalar, Scalar};
use rand::{Rng, RngCore, SeedableRng};
use rand_chacha::ChaCha20Rng;

use super::{demo_height, meets_demo_target, merkle_root, Key, DEMO_BITS};
use crate::{sha256, sha256d};

mod sign;
use sign::sign_tx;

const KEY_POOL: usize = 64;
const TREES: usize = 16;
const MULTISIG_GROUPS: usize = 8;
const MAX_INPUTS_PER_TX: usize = 8;

/// How many inputs of each kind a Taproot demo block has.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct InputMix {
    pub p2tr_key_path: usize,
    pub p2tr_script_path: usize,
    pub p2wpkh: usize,
    pub p2sh_p2wpkh: usize,
    pub p2wsh_multisig: usize,
    pub p2pkh: usize,
    /// Taproot inputs with an annex (counted in the two Taproot kinds too).
    pub annexes: usize,
}

impl InputMix {
    /// All signed inputs.
    pub fn total(&self) -> usize {
        self.p2tr_key_path
            + self.p2tr_script_path
            + self.p2wpkh
            + self.p2sh_p2wpkh
            + self.p2wsh_multisig
            + self.p2pkh
    }
    /// Signatures the block carries (two per 2-of-3 multisig input, one otherwise).
    pub fn signatures(&self) -> u64 {
        (self.total() + self.p2wsh_multisig) as u64
    }
    /// BIP340 signatures among them.
    pub fn schnorr_signatures(&self) -> u64 {
        (self.p2tr_key_path + self.p2tr_script_path) as u64
    }
}

/// A Taproot demo block and what validating it needs.
#[derive(Debug, Clone)]
pub struct TaprootDemo {
    /// The serialized block (BIP144 form).
    pub block: Vec<u8>,
    /// The outputs its inputs spend: from earlier blocks and from the block itself.
    pub prevouts: Vec<(OutPoint, TxOut)>,
    pub height: u32,
    pub mix: InputMix,
}

/// A key for both signature schemes.
struct DemoKey {
    ecdsa: Key,
    /// BIP340 secret, negated if needed so that its point has an even y.
    even_secret: NonZeroScalar,
    xonly: [u8; 32],
}

impl DemoKey {
    fn new(rng: &mut ChaCha20Rng) -> Self {
        let ecdsa = Key::new(rng, true);
        let schnorr = k256::schnorr::SigningKey::from(*ecdsa.signing.as_nonzero_scalar());
        DemoKey {
            even_secret: *schnorr.as_nonzero_scalar(),
            xonly: schnorr.verifying_key().to_bytes().into(),
            ecdsa,
        }
    }
}

/// A P2TR output whose tree has one single-key leaf among two or three leaves.
struct Tree {
    internal: usize,
    leaf_key: usize,
    leaf_script: Vec<u8>,
    control: ControlBlock,
    merkle_root: [u8; 32],
    output_key: [u8; 32],
}

/// An output kind and how it is spent.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Spend {
    TrKey(usize),
    TrTreeKey(usize),
    TrScript(usize),
    P2wpkh(usize),
    P2shP2wpkh(usize),
    P2wsh(usize),
    P2pkh(usize),
}

fn tagged(preimage: &[u8]) -> [u8; 32] {
    sha256(preimage)
}

/// The TapTweak of `internal` (with `root`) and the tweaked output key.
fn tweak(internal: &[u8; 32], root: Option<&[u8; 32]>) -> ([u8; 32], [u8; 32], bool) {
    let t = tagged(&taptweak_preimage(internal, root));
    // A demo key's x is on the curve and t < n except with negligible probability; a failure
    // would make the block invalid, which the tests would catch.
    let (q, odd) = tweak_key(internal, &t).unwrap_or(([0u8; 32], false));
    (t, q, odd)
}

fn p2wsh_script_pubkey(ws: &[u8]) -> Vec<u8> {
    let mut v = vec![OP_0, 32];
    v.extend_from_slice(&sha256(ws));
    v
}

struct Pool {
    keys: Vec<DemoKey>,
    trees: Vec<Tree>,
    groups: Vec<Vec<u8>>,
    group_keys: Vec<[usize; 3]>,
}

impl Pool {
    fn new(rng: &mut ChaCha20Rng) -> Self {
        let keys: Vec<DemoKey> = (0..KEY_POOL).map(|_| DemoKey::new(rng)).collect();
        let trees = (0..TREES)
            .map(|_| {
                let internal = rng.gen_range(0..KEY_POOL);
                let leaf_key = rng.gen_range(0..KEY_POOL);
                let leaf_script = single_key_leaf_script(&keys[leaf_key].xonly);
                let mut node = tagged(&tapleaf_preimage(TAPSCRIPT_LEAF_VERSION, &leaf_script));
                // Siblings: leaf hashes of other scripts (a hash lock: OP_SHA256 <h> OP_EQUAL).
                let mut path = Vec::new();
                for _ in 0..rng.gen_range(1..=2usize) {
                    let mut other = vec![0xa8, 32];
                    let mut h = [0u8; 32];
                    rng.fill_bytes(&mut h);
                    other.extend_from_slice(&h);
                    other.push(0x87);
                    let sibling = tagged(&tapleaf_preimage(TAPSCRIPT_LEAF_VERSION, &other));
                    node = tagged(&tapbranch_preimage(&node, &sibling));
                    path.push(sibling);
                }
                let ik = keys[internal].xonly;
                let (_, output_key, odd) = tweak(&ik, Some(&node));
                Tree {
                    internal,
                    leaf_key,
                    leaf_script,
                    control: ControlBlock {
                        leaf_version: TAPSCRIPT_LEAF_VERSION,
                        output_key_odd: odd,
                        internal_key: ik,
                        path,
                    },
                    merkle_root: node,
                    output_key,
                }
            })
            .collect();
        let mut groups = Vec::new();
        let mut group_keys = Vec::new();
        for _ in 0..MULTISIG_GROUPS {
            let mut idx = [0usize; 3];
            let mut n = 0;
            while n < 3 {
                let k = rng.gen_range(0..KEY_POOL);
                if !idx[..n].contains(&k) {
                    idx[n] = k;
                    n += 1;
                }
            }
            let pks: Vec<&[u8]> = idx
                .iter()
                .map(|&k| keys[k].ecdsa.pubkey.as_slice())
                .collect();
            groups.push(multisig_redeem(2, &pks).unwrap_or_default());
            group_keys.push(idx);
        }
        Pool {
            keys,
            trees,
            groups,
            group_keys,
        }
    }

    fn random_spend(&self, rng: &mut ChaCha20Rng) -> Spend {
        let k = rng.gen_range(0..KEY_POOL);
        let t = rng.gen_range(0..TREES);
        match rng.gen_range(0..100u32) {
            0..=49 => Spend::TrKey(k),
            50..=54 => Spend::TrTreeKey(t),
            55..=62 => Spend::TrScript(t),
            63..=82 => Spend::P2wpkh(k),
            83..=87 => Spend::P2shP2wpkh(k),
            88..=91 => Spend::P2wsh(rng.gen_range(0..MULTISIG_GROUPS)),
            _ => Spend::P2pkh(k),
        }
    }

    fn wpkh_redeem(&self, k: usize) -> Vec<u8> {
        p2wpkh_script_pubkey(&hash160(&self.keys[k].ecdsa.pubkey))
    }

    fn script_pubkey(&self, s: Spend) -> Vec<u8> {
        match s {
            Spend::TrKey(k) => p2tr_script_pubkey(&tweak(&self.keys[k].xonly, None).1),
            Spend::TrTreeKey(t) | Spend::TrScript(t) => {
                p2tr_script_pubkey(&self.trees[t].output_key)
            }
            Spend::P2wpkh(k) => self.wpkh_redeem(k),
            Spend::P2shP2wpkh(k) => p2sh_script_pubkey(&hash160(&self.wpkh_redeem(k))),
            Spend::P2wsh(g) => p2wsh_script_pubkey(&self.groups[g]),
            Spend::P2pkh(k) => self.keys[k].ecdsa.p2pkh(),
        }
    }

    /// BIP340 signature of `msg` by `secret` tweaked by `t` (none: untweaked), plus the hash
    /// type byte unless DEFAULT.
    fn schnorr_sign(
        &self,
        secret: &NonZeroScalar,
        t: Option<[u8; 32]>,
        msg: &[u8; 32],
        hash_type: u8,
        rng: &mut ChaCha20Rng,
    ) -> Vec<u8> {
        let mut d: Scalar = **secret;
        if let Some(t) = t {
            let ts: Option<Scalar> = Scalar::from_repr(t.into()).into();
            d += ts.unwrap_or(Scalar::ZERO);
        }
        let Some(d) = Option::<NonZeroScalar>::from(NonZeroScalar::new(d)) else {
            return Vec::new();
        };
        let mut aux = [0u8; 32];
        rng.fill_bytes(&mut aux);
        let key = k256::schnorr::SigningKey::from(d);
        let Ok(sig) = key.sign_raw(msg, &aux) else {
            return Vec::new();
        };
        let mut v = sig.to_bytes().to_vec();
        if hash_type != 0 {
            v.push(hash_type);
        }
        v
    }
}

/// Builds the Taproot demo block with `n_inputs` signed inputs (see the module docs).
pub fn build_taproot_demo_block(seed: u64, n_inputs: usize) -> TaprootDemo {
    let mut rng = ChaCha20Rng::seed_from_u64(seed ^ 0x7a70_7230_7431_0000);
    let pool = Pool::new(&mut rng);
    let height = demo_height(seed);
    let mut mix = InputMix::default();
    let mut prevouts: Vec<(OutPoint, TxOut)> = Vec::with_capacity(n_inputs);
    let mut unspent: Vec<(OutPoint, TxOut, Spend)> = Vec::new();

    let subsidy: i64 = 5_000_000_000 >> (height / 210_000);
    let mut script_sig = height_push(height);
    script_sig.extend_from_slice(&push_data(b"/SatChain Accel taproot demo/"));
    let mut commitment = WITNESS_COMMITMENT_HEADER.to_vec();
    commitment.extend_from_slice(&[0u8; 32]); // set by `seal_witness`
    let coinbase = Transaction {
        version: 2,
        inputs: vec![TxIn {
            prevout: OutPoint::NULL,
            script_sig,
            sequence: u32::MAX,
            witness: vec![vec![0u8; 32]],
        }],
        outputs: vec![
            TxOut {
                value: subsidy,
                script_pubkey: pool.script_pubkey(Spend::TrKey(0)),
            },
            TxOut {
                value: 0,
                script_pubkey: commitment,
            },
        ],
        lock_time: 0,
    };
    let mut txs = vec![coinbase];

    let mut left = n_inputs;
    while left > 0 {
        let n_in = rng.gen_range(1..=MAX_INPUTS_PER_TX).min(left);
        left -= n_in;
        let mut spends = Vec::with_capacity(n_in);
        let mut spent = Vec::with_capacity(n_in);
        let mut inputs = Vec::with_capacity(n_in);
        for _ in 0..n_in {
            let want = pool.random_spend(&mut rng);
            let in_block = if rng.gen_ratio(1, 7) {
                unspent.iter().position(|(_, _, s)| *s == want)
            } else {
                None
            };
            let (prevout, out) = match in_block {
                Some(i) => {
                    let (op, o, _) = unspent.swap_remove(i);
                    (op, o)
                }
                None => {
                    let mut txid = [0u8; 32];
                    rng.fill_bytes(&mut txid);
                    let op = OutPoint {
                        txid,
                        vout: rng.gen_range(0..4),
                    };
                    let o = TxOut {
                        value: rng.gen_range(50_000..500_000_000i64),
                        script_pubkey: pool.script_pubkey(want),
                    };
                    (op, o)
                }
            };
            prevouts.push((prevout, out.clone()));
            inputs.push(TxIn {
                prevout,
                script_sig: Vec::new(),
                sequence: if rng.gen_ratio(3, 4) {
                    0xffff_fffd
                } else {
                    u32::MAX
                },
                witness: Vec::new(),
            });
            spends.push(want);
            spent.push(out);
        }
        let total_in: i64 = spent.iter().map(|o| o.value).sum();
        let fee = rng.gen_range(0..=total_in / 10);
        let mut budget = total_in - fee;
        // Small budgets (chains of in-block spends) get one output: no output goes negative.
        let n_out = if budget < 10_000 {
            1
        } else {
            rng.gen_range(1..=3usize)
        };
        let mut outputs = Vec::with_capacity(n_out);
        let mut out_kinds = Vec::with_capacity(n_out);
        for k in 0..n_out {
            let value = if k + 1 == n_out {
                budget
            } else {
                rng.gen_range(546..(budget / 2).max(547))
            };
            budget -= value;
            let kind = pool.random_spend(&mut rng);
            outputs.push(TxOut {
                value,
                script_pubkey: pool.script_pubkey(kind),
            });
            out_kinds.push(kind);
        }
        let mut tx = Transaction {
            version: if rng.gen_ratio(9, 10) { 2 } else { 1 },
            inputs,
            outputs,
            lock_time: if rng.gen_ratio(1, 3) { height - 1 } else { 0 },
        };
        sign_tx(&pool, &mut tx, &spends, &spent, &mut mix, &mut rng);
        let txid = sha256d(&tx.serialize(false));
        for ((vout, kind), o) in (0u32..).zip(out_kinds).zip(&tx.outputs) {
            unspent.push((OutPoint { txid, vout }, o.clone(), kind));
        }
        txs.push(tx);
    }

    let mut prev_block = [0u8; 32];
    rng.fill_bytes(&mut prev_block);
    let header = BitcoinHeader {
        version: 0x2000_0000,
        prev_block,
        merkle_root: [0u8; 32],
        time: 1_700_000_000 + u32::try_from(seed % 1_000_000).unwrap_or(0),
        bits: DEMO_BITS,
        nonce: 0,
    };
    TaprootDemo {
        block: seal_witness(header, txs),
        prevouts,
        height,
        mix,
    }
}

/// Sets the coinbase's witness commitment (its last `OP_RETURN aa21a9ed…` output, with the
/// coinbase's witness item as the reserved value), then the merkle root and the nonce, and
/// serializes the block with witnesses.
fn seal_witness(mut header: BitcoinHeader, mut txs: Vec<Transaction>) -> Vec<u8> {
    let mut wtxids: Vec<[u8; 32]> = vec![[0u8; 32]];
    wtxids.extend(txs.iter().skip(1).map(|t| sha256d(&t.serialize(true))));
    let root = merkle_root(wtxids);
    if let Some(cb) = txs.first_mut() {
        let reserved = cb
            .inputs
            .first()
            .and_then(|i| i.witness.first())
            .cloned()
            .unwrap_or_default();
        let mut pre = root.to_vec();
        pre.extend_from_slice(&reserved);
        let c = sha256d(&pre);
        if let Some(o) = cb.outputs.iter_mut().rev().find(|o| {
            o.script_pubkey.len() >= 38 && o.script_pubkey.starts_with(&WITNESS_COMMITMENT_HEADER)
        }) {
            o.script_pubkey[6..38].copy_from_slice(&c);
        }
    }
    let txids: Vec<[u8; 32]> = txs.iter().map(|t| sha256d(&t.serialize(false))).collect();
    header.merkle_root = merkle_root(txids);
    header.bits = DEMO_BITS;
    header.nonce = 0;
    while !meets_demo_target(&sha256d(&header.to_bytes())) && header.nonce < u32::MAX {
        header.nonce += 1;
    }
    let mut block = header.to_bytes().to_vec();
    crypto_core::encode::write_varint(&mut block, txs.len() as u64);
    for tx in &txs {
        tx.write(&mut block, true);
    }
    block
}

/// Re-seals an edited segwit block: recomputes the witness commitment, the merkle root and
/// the nonce, keeping witnesses, so that a test's planted defect (a tampered signature, a
/// changed annex) is the block's only one.
pub fn reseal_witness_block(raw: &[u8]) -> Result<Vec<u8>, ParseError> {
    let block = Block::parse(raw, Chain::Bitcoin)?;
    Ok(seal_witness(*block.header.base(), block.txs))
}
