//! Taproot (BIP341 / BIP342) building blocks: output and witness shapes, the control block,
//! the tagged-hash preimages (TapLeaf, TapBranch, TapTweak, TapSighash) and the output-key
//! tweak.
//!
//! A tagged hash `hash_tag(x)` is `SHA256(SHA256(tag) ‖ SHA256(tag) ‖ x)`. The `*_preimage`
//! functions return the whole byte string, so the digest is one ordinary SHA-256 job on any
//! backend (the 64-byte prefix is a constant block a hash unit could start from as a
//! midstate; nothing here depends on that).
//!
//! The tweak `Q = lift_x(p) + t·G` ([`tweak_key`]) is elliptic-curve arithmetic in software
//! (k256), like public-key recovery (`crate::recover`): the backends verify signatures and
//! expose no point addition. A checked script-path spend needs one per input.

pub mod sighash;

use crate::prelude::*;
use core::fmt;

use k256::elliptic_curve::point::{AffineCoordinates, DecompactPoint};
use k256::elliptic_curve::PrimeField;
use k256::{AffinePoint, FieldBytes, ProjectivePoint, Scalar};

use crate::encode::write_varint;
use crate::script::{OP_0, OP_1, OP_16};
use crate::tx::TxIn;

/// SHA-256("TapLeaf").
pub const TAG_TAPLEAF: [u8; 32] = [
    0xae, 0xea, 0x8f, 0xdc, 0x42, 0x08, 0x98, 0x31, 0x05, 0x73, 0x4b, 0x58, 0x08, 0x1d, 0x1e, 0x26,
    0x38, 0xd3, 0x5f, 0x1c, 0xb5, 0x40, 0x08, 0xd4, 0xd3, 0x57, 0xca, 0x03, 0xbe, 0x78, 0xe9, 0xee,
];
/// SHA-256("TapBranch").
pub const TAG_TAPBRANCH: [u8; 32] = [
    0x19, 0x41, 0xa1, 0xf2, 0xe5, 0x6e, 0xb9, 0x5f, 0xa2, 0xa9, 0xf1, 0x94, 0xbe, 0x5c, 0x01, 0xf7,
    0x21, 0x6f, 0x33, 0xed, 0x82, 0xb0, 0x91, 0x46, 0x34, 0x90, 0xd0, 0x5b, 0xf5, 0x16, 0xa0, 0x15,
];
/// SHA-256("TapTweak").
pub const TAG_TAPTWEAK: [u8; 32] = [
    0xe8, 0x0f, 0xe1, 0x63, 0x9c, 0x9c, 0xa0, 0x50, 0xe3, 0xaf, 0x1b, 0x39, 0xc1, 0x43, 0xc6, 0x3e,
    0x42, 0x9c, 0xbc, 0xeb, 0x15, 0xd9, 0x40, 0xfb, 0xb5, 0xc5, 0xa1, 0xf4, 0xaf, 0x57, 0xc5, 0xe9,
];
/// SHA-256("TapSighash").
pub const TAG_TAPSIGHASH: [u8; 32] = [
    0xf4, 0x0a, 0x48, 0xdf, 0x4b, 0x2a, 0x70, 0xc8, 0xb4, 0x92, 0x4b, 0xf2, 0x65, 0x46, 0x61, 0xed,
    0x3d, 0x95, 0xfd, 0x66, 0xa3, 0x13, 0xeb, 0x87, 0x23, 0x75, 0x97, 0xc6, 0x28, 0xe4, 0xa0, 0x31,
];

/// First byte of an annex (the last witness item, when there are at least two).
pub const ANNEX_TAG: u8 = 0x50;
/// Leaf version of BIP342 tapscript.
pub const TAPSCRIPT_LEAF_VERSION: u8 = 0xc0;
/// Bits of the control block's first byte that are the leaf version (bit 0 is the parity).
pub const LEAF_VERSION_MASK: u8 = 0xfe;
/// Control block: version/parity byte and internal key.
pub const CONTROL_BASE_SIZE: usize = 33;
/// Control block: bytes per merkle path node.
pub const CONTROL_NODE_SIZE: usize = 32;
/// Control block: at most this many path nodes.
pub const CONTROL_MAX_NODES: usize = 128;

/// `SHA256(tag) ‖ SHA256(tag) ‖ parts…`: SHA-256 of it is the tagged hash.
pub fn tagged_preimage(tag: &[u8; 32], parts: &[&[u8]]) -> Vec<u8> {
    let len = 64 + parts.iter().map(|p| p.len()).sum::<usize>();
    let mut v = Vec::with_capacity(len);
    v.extend_from_slice(tag);
    v.extend_from_slice(tag);
    for p in parts {
        v.extend_from_slice(p);
    }
    v
}

/// Core's `IsWitnessProgram`: `OP_n <2..=40 bytes>` (n = 0..16), the whole script 4..=42
/// bytes. Returns the version and the program.
pub fn witness_program(spk: &[u8]) -> Option<(u8, &[u8])> {
    if !(4..=42).contains(&spk.len()) {
        return None;
    }
    let op = *spk.first()?;
    let version = match op {
        OP_0 => 0,
        OP_1..=OP_16 => op - OP_1 + 1,
        _ => return None,
    };
    let len = usize::from(*spk.get(1)?);
    (len + 2 == spk.len()).then(|| (version, spk.get(2..).unwrap_or(&[])))
}

/// The output key of a P2TR scriptPubKey (`OP_1 <32 bytes>`).
pub fn p2tr_output_key(spk: &[u8]) -> Option<[u8; 32]> {
    match witness_program(spk) {
        Some((1, prog)) => prog.try_into().ok(),
        _ => None,
    }
}

/// `OP_1 <key>`: the P2TR scriptPubKey of an output key.
pub fn p2tr_script_pubkey(output_key: &[u8; 32]) -> Vec<u8> {
    let mut v = Vec::with_capacity(34);
    v.push(OP_1);
    v.push(32);
    v.extend_from_slice(output_key);
    v
}

/// The key of a single-key tapscript leaf `<32-byte key> OP_CHECKSIG`.
pub fn single_key_leaf(script: &[u8]) -> Option<[u8; 32]> {
    match script {
        [32, key @ .., 0xac] if key.len() == 32 => key.try_into().ok(),
        _ => None,
    }
}

/// `<key> OP_CHECKSIG`: the single-key tapscript leaf.
pub fn single_key_leaf_script(key: &[u8; 32]) -> Vec<u8> {
    let mut v = Vec::with_capacity(34);
    v.push(32);
    v.extend_from_slice(key);
    v.push(0xac);
    v
}

/// A Taproot input's witness with the annex taken off (BIP341: with at least two items and
/// a last item starting with 0x50, the last item is the annex).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaprootWitness<'a> {
    pub stack: &'a [Vec<u8>],
    pub annex: Option<&'a [u8]>,
}

impl<'a> TaprootWitness<'a> {
    pub fn split(input: &'a TxIn) -> Self {
        let w = input.witness.as_slice();
        match w.split_last() {
            Some((last, rest)) if !rest.is_empty() && last.first() == Some(&ANNEX_TAG) => {
                TaprootWitness {
                    stack: rest,
                    annex: Some(last),
                }
            }
            _ => TaprootWitness {
                stack: w,
                annex: None,
            },
        }
    }
}

/// Why a Taproot signature, control block or commitment is refused (reasons as BIP341 and
/// Bitcoin Core's script errors name them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaprootError {
    /// A signature that is not 64 or 65 bytes (`SCHNORR_SIG_SIZE`).
    SigSize(usize),
    /// A 65-byte signature with hash type 0x00 (`SCHNORR_SIG_HASHTYPE`).
    SigHashDefaultExplicit,
    /// A hash type BIP341 does not define (`SCHNORR_SIG_HASHTYPE`).
    BadHashType(u8),
    /// SIGHASH_SINGLE on an input without an output of the same index (`SCHNORR_SIG_HASHTYPE`).
    SingleWithoutOutput { input: usize, outputs: usize },
    /// The control block is not 33 + 32·m bytes with m <= 128 (`TAPROOT_WRONG_CONTROL_SIZE`).
    ControlBlockSize(usize),
    /// The control block's internal key is not on the curve (`WITNESS_PROGRAM_MISMATCH`).
    InternalKeyNotOnCurve,
    /// The TapTweak hash is not below the group order (`WITNESS_PROGRAM_MISMATCH`).
    TweakOverflow,
    /// `lift_x(p) + t·G` is not the output key, or its y parity is not the control block's
    /// (`WITNESS_PROGRAM_MISMATCH`).
    CommitmentMismatch,
}

impl fmt::Display for TaprootError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TaprootError::SigSize(n) => {
                write!(f, "Taproot signature is {n} bytes, not 64 or 65")
            }
            TaprootError::SigHashDefaultExplicit => f.write_str(
                "65-byte Taproot signature with hash type 0x00 (SIGHASH_DEFAULT must be a 64-byte signature)",
            ),
            TaprootError::BadHashType(h) => write!(f, "invalid Taproot hash type {h:#04x}"),
            TaprootError::SingleWithoutOutput { input, outputs } => write!(
                f,
                "SIGHASH_SINGLE on input {input} but the transaction has {outputs} outputs"
            ),
            TaprootError::ControlBlockSize(n) => write!(
                f,
                "control block is {n} bytes, not 33 + 32*m with m <= 128"
            ),
            TaprootError::InternalKeyNotOnCurve => {
                f.write_str("control block's internal key is not on the curve")
            }
            TaprootError::TweakOverflow => {
                f.write_str("TapTweak hash is not below the group order")
            }
            TaprootError::CommitmentMismatch => f.write_str(
                "control block does not commit to the output key (tweaked key or parity differs)",
            ),
        }
    }
}

impl core::error::Error for TaprootError {}

/// The hash types BIP341 defines: 0x00 (DEFAULT), 0x01..=0x03, 0x81..=0x83.
pub fn is_valid_hash_type(hash_type: u8) -> bool {
    matches!(hash_type, 0x00..=0x03 | 0x81..=0x83)
}

/// A Taproot signature: 64 bytes (hash type DEFAULT) or 65 with an explicit, valid, non-zero
/// hash type. Returns `(r ‖ s, hash type)`.
pub fn parse_signature(sig: &[u8]) -> Result<([u8; 64], u8), TaprootError> {
    let (body, hash_type) = match sig.len() {
        64 => (sig, 0u8),
        65 => {
            let ht = sig.get(64).copied().unwrap_or(0);
            if ht == 0 {
                return Err(TaprootError::SigHashDefaultExplicit);
            }
            (sig.get(..64).unwrap_or(&[]), ht)
        }
        n => return Err(TaprootError::SigSize(n)),
    };
    if !is_valid_hash_type(hash_type) {
        return Err(TaprootError::BadHashType(hash_type));
    }
    let rs: [u8; 64] = body
        .try_into()
        .map_err(|_| TaprootError::SigSize(sig.len()))?;
    Ok((rs, hash_type))
}

/// A parsed control block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ControlBlock {
    pub leaf_version: u8,
    /// The output key's y is odd.
    pub output_key_odd: bool,
    pub internal_key: [u8; 32],
    /// Merkle path, leaf to root.
    pub path: Vec<[u8; 32]>,
}

impl ControlBlock {
    pub fn parse(c: &[u8]) -> Result<Self, TaprootError> {
        let size_ok = c.len() >= CONTROL_BASE_SIZE
            && c.len() <= CONTROL_BASE_SIZE + CONTROL_NODE_SIZE * CONTROL_MAX_NODES
            && (c.len() - CONTROL_BASE_SIZE) % CONTROL_NODE_SIZE == 0;
        let head = c.get(..CONTROL_BASE_SIZE).filter(|_| size_ok);
        let Some(head) = head else {
            return Err(TaprootError::ControlBlockSize(c.len()));
        };
        let mut internal_key = [0u8; 32];
        internal_key.copy_from_slice(head.get(1..).unwrap_or(&[0u8; 32]));
        let path = c
            .get(CONTROL_BASE_SIZE..)
            .unwrap_or(&[])
            .chunks_exact(CONTROL_NODE_SIZE)
            .map(|n| {
                let mut a = [0u8; 32];
                a.copy_from_slice(n);
                a
            })
            .collect();
        Ok(ControlBlock {
            leaf_version: head[0] & LEAF_VERSION_MASK,
            output_key_odd: head[0] & 1 == 1,
            internal_key,
            path,
        })
    }

    /// Serializes (the inverse of [`ControlBlock::parse`]).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(CONTROL_BASE_SIZE + CONTROL_NODE_SIZE * self.path.len());
        v.push(self.leaf_version | u8::from(self.output_key_odd));
        v.extend_from_slice(&self.internal_key);
        for n in &self.path {
            v.extend_from_slice(n);
        }
        v
    }
}

/// TapLeaf preimage: `leaf_version ‖ compact_size(len) ‖ script`.
pub fn tapleaf_preimage(leaf_version: u8, script: &[u8]) -> Vec<u8> {
    let mut body = Vec::with_capacity(script.len() + 10);
    body.push(leaf_version);
    write_varint(&mut body, script.len() as u64);
    body.extend_from_slice(script);
    tagged_preimage(&TAG_TAPLEAF, &[&body])
}

/// TapBranch preimage of two child hashes, in lexicographic order.
pub fn tapbranch_preimage(a: &[u8; 32], b: &[u8; 32]) -> Vec<u8> {
    let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
    tagged_preimage(&TAG_TAPBRANCH, &[lo, hi])
}

/// TapTweak preimage: internal key, then the merkle root (none for a key-only output).
pub fn taptweak_preimage(internal_key: &[u8; 32], merkle_root: Option<&[u8; 32]>) -> Vec<u8> {
    match merkle_root {
        Some(root) => tagged_preimage(&TAG_TAPTWEAK, &[internal_key, root]),
        None => tagged_preimage(&TAG_TAPTWEAK, &[internal_key]),
    }
}

/// `lift_x(internal_key)`, the even-y point with that x, if there is one.
fn lift_x(x: &[u8; 32]) -> Option<AffinePoint> {
    Option::from(AffinePoint::decompact(&FieldBytes::from(*x)))
}

/// The output key of `internal_key` tweaked by the TapTweak hash `tweak`:
/// `Q = lift_x(p) + t·G`, as `(x(Q), y(Q) is odd)`.
pub fn tweak_key(
    internal_key: &[u8; 32],
    tweak: &[u8; 32],
) -> Result<([u8; 32], bool), TaprootError> {
    let p = lift_x(internal_key).ok_or(TaprootError::InternalKeyNotOnCurve)?;
    let t: Scalar = Option::from(Scalar::from_repr(FieldBytes::from(*tweak)))
        .ok_or(TaprootError::TweakOverflow)?;
    let q = (ProjectivePoint::from(p) + ProjectivePoint::GENERATOR * t).to_affine();
    if q == AffinePoint::IDENTITY {
        // t = -d: the tweak cancels the key (infeasible to find; refused as Core does).
        return Err(TaprootError::CommitmentMismatch);
    }
    let x: [u8; 32] = q.x().into();
    Ok((x, bool::from(q.y_is_odd())))
}

/// BIP341's commitment check: the internal key tweaked by `tweak` (the TapTweak hash of the
/// control block's key and the computed merkle root) is the output key, with the control
/// block's parity.
pub fn check_commitment(
    control: &ControlBlock,
    tweak: &[u8; 32],
    output_key: &[u8; 32],
) -> Result<(), TaprootError> {
    let (x, odd) = tweak_key(&control.internal_key, tweak)?;
    if &x == output_key && odd == control.output_key_odd {
        Ok(())
    } else {
        Err(TaprootError::CommitmentMismatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    #[test]
    fn tags_are_sha256_of_their_names() {
        for (name, tag) in [
            ("TapLeaf", TAG_TAPLEAF),
            ("TapBranch", TAG_TAPBRANCH),
            ("TapTweak", TAG_TAPTWEAK),
            ("TapSighash", TAG_TAPSIGHASH),
        ] {
            let h: [u8; 32] = Sha256::digest(name.as_bytes()).into();
            assert_eq!(h, tag, "{name}");
        }
    }

    #[test]
    fn witness_program_shapes() {
        let mut spk = vec![OP_1, 32];
        spk.extend_from_slice(&[9u8; 32]);
        assert_eq!(p2tr_output_key(&spk), Some([9u8; 32]));
        assert_eq!(p2tr_script_pubkey(&[9u8; 32]), spk);
        spk[1] = 31;
        assert_eq!(witness_program(&spk), None);
        assert_eq!(
            witness_program(&[OP_16, 2, 1, 2]),
            Some((16, &[1u8, 2][..]))
        );
        assert_eq!(witness_program(&[0x4f, 2, 1, 2]), None); // OP_1NEGATE
        assert_eq!(witness_program(&[OP_0, 1, 1]), None); // too short
        let v0 = [[OP_0, 20].as_slice(), &[1u8; 20]].concat();
        assert_eq!(p2tr_output_key(&v0), None);
        assert_eq!(witness_program(&v0), Some((0, &[1u8; 20][..])));
    }

    #[test]
    fn signature_hash_types() {
        let mut sig = vec![5u8; 64];
        assert_eq!(parse_signature(&sig), Ok(([5u8; 64], 0)));
        for ht in 0u8..=255 {
            sig.truncate(64);
            sig.push(ht);
            let r = parse_signature(&sig);
            match ht {
                0 => assert_eq!(r, Err(TaprootError::SigHashDefaultExplicit)),
                1..=3 | 0x81..=0x83 => assert_eq!(r, Ok(([5u8; 64], ht))),
                _ => assert_eq!(r, Err(TaprootError::BadHashType(ht))),
            }
        }
        assert_eq!(parse_signature(&[]), Err(TaprootError::SigSize(0)));
        assert_eq!(parse_signature(&[1u8; 66]), Err(TaprootError::SigSize(66)));
    }

    #[test]
    fn control_block_sizes() {
        for n in [0usize, 32, 34, 64, 66, 33 + 32 * 128 + 1, 33 + 32 * 129] {
            assert_eq!(
                ControlBlock::parse(&vec![0xc0; n]),
                Err(TaprootError::ControlBlockSize(n))
            );
        }
        for m in [0usize, 1, 128] {
            let mut c = vec![0xc1u8];
            c.extend_from_slice(&[2u8; 32]);
            for k in 0..m {
                c.extend_from_slice(&[(k % 251) as u8; 32]);
            }
            let cb = ControlBlock::parse(&c).unwrap();
            assert_eq!(cb.leaf_version, 0xc0);
            assert!(cb.output_key_odd);
            assert_eq!(cb.path.len(), m);
            assert_eq!(cb.to_bytes(), c);
        }
    }

    #[test]
    fn annex_split() {
        let input = |w: Vec<Vec<u8>>| TxIn {
            prevout: crate::OutPoint::NULL,
            script_sig: Vec::new(),
            sequence: 0,
            witness: w,
        };
        let one = input(vec![vec![0x50, 1]]);
        assert_eq!(TaprootWitness::split(&one).annex, None); // a lone item is never an annex
        let two = input(vec![vec![1u8; 64], vec![0x50]]);
        let s = TaprootWitness::split(&two);
        assert_eq!(s.annex, Some(&[0x50u8][..]));
        assert_eq!(s.stack.len(), 1);
        let not = input(vec![vec![1u8; 64], vec![0x51]]);
        assert_eq!(TaprootWitness::split(&not).stack.len(), 2);
    }

    #[test]
    fn single_key_leaf_shape() {
        let s = single_key_leaf_script(&[3u8; 32]);
        assert_eq!(single_key_leaf(&s), Some([3u8; 32]));
        let mut verify = s.clone();
        *verify.last_mut().unwrap() = 0xad; // OP_CHECKSIGVERIFY
        assert_eq!(single_key_leaf(&verify), None);
        assert_eq!(single_key_leaf(&s[..33]), None);
    }
}
