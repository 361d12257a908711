//! Signature-hash preimages. crypto-core builds the bytes; the digest (SHA256d) is computed
//! by the backend in a batch.
//!
//! - Legacy (`SigVersion::BASE`): Core's `CTransactionSignatureSerializer`, including
//!   SIGHASH_NONE / SINGLE / ANYONECANPAY, OP_CODESEPARATOR removal in the script code and the
//!   SIGHASH_SINGLE "hash = 1" bug.
//! - BIP143 (segwit v0): the preimage given `hashPrevouts` / `hashSequence` / `hashOutputs`,
//!   which the caller computes (also through the backend) from [`bip143_parts`].

use crate::encode::{write_var_bytes, write_varint};
use crate::prelude::*;
use crate::script::{get_op, OP_CODESEPARATOR};
use crate::tx::{Transaction, TxOut};

pub const SIGHASH_ALL: i32 = 1;
pub const SIGHASH_NONE: i32 = 2;
pub const SIGHASH_SINGLE: i32 = 3;
pub const SIGHASH_ANYONECANPAY: i32 = 0x80;

/// The digest Core returns for SIGHASH_SINGLE without a matching output: uint256 one
/// (byte 0 = 1, in SHA-256 byte order).
pub const SIGHASH_ONE: [u8; 32] = {
    let mut a = [0u8; 32];
    a[0] = 1;
    a
};

/// A legacy sighash: either bytes to SHA256d, or the constant "1" of the SINGLE bug.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LegacySighash {
    Preimage(Vec<u8>),
    /// Input index has no matching output under SIGHASH_SINGLE (or is out of range):
    /// the digest is [`SIGHASH_ONE`] and nothing is hashed.
    One,
}

/// Core's `SerializeScriptCode`: the script with every OP_CODESEPARATOR removed, length
/// counted as `size - separators` (reproducing Core exactly, also for malformed scripts).
pub fn write_script_code(out: &mut Vec<u8>, script: &[u8]) {
    let mut pc = 0usize;
    let mut seps = 0usize;
    while let Some(op) = get_op(script, &mut pc) {
        if op.opcode == OP_CODESEPARATOR {
            seps += 1;
        }
    }
    write_varint(out, (script.len() - seps) as u64);
    let mut pc = 0usize;
    let mut begin = 0usize;
    while let Some(op) = get_op(script, &mut pc) {
        if op.opcode == OP_CODESEPARATOR {
            out.extend_from_slice(script.get(begin..pc - 1).unwrap_or(&[]));
            begin = pc;
        }
    }
    if begin != script.len() {
        out.extend_from_slice(script.get(begin..pc.max(begin)).unwrap_or(&[]));
    }
}

/// Legacy signature-hash preimage for `input` signing with `script_code` (already
/// FindAndDelete'd and cut at the last executed OP_CODESEPARATOR by the caller).
pub fn legacy_preimage(
    tx: &Transaction,
    input: usize,
    script_code: &[u8],
    hash_type: i32,
) -> LegacySighash {
    if input >= tx.inputs.len() {
        return LegacySighash::One;
    }
    let anyone = hash_type & SIGHASH_ANYONECANPAY != 0;
    let base = hash_type & 0x1f;
    let single = base == SIGHASH_SINGLE;
    let none = base == SIGHASH_NONE;
    if single && input >= tx.outputs.len() {
        return LegacySighash::One;
    }
    let mut out = Vec::with_capacity(tx.serialize(false).len() + script_code.len() + 8);
    out.extend_from_slice(&tx.version.to_le_bytes());
    let n_inputs = if anyone { 1 } else { tx.inputs.len() };
    write_varint(&mut out, n_inputs as u64);
    for k in 0..n_inputs {
        let idx = if anyone { input } else { k };
        let Some(inp) = tx.inputs.get(idx) else {
            return LegacySighash::One;
        };
        inp.prevout.write(&mut out);
        if idx != input {
            write_varint(&mut out, 0);
        } else {
            write_script_code(&mut out, script_code);
        }
        let seq = if idx != input && (single || none) {
            0
        } else {
            inp.sequence
        };
        out.extend_from_slice(&seq.to_le_bytes());
    }
    let n_outputs = if none {
        0
    } else if single {
        input + 1
    } else {
        tx.outputs.len()
    };
    write_varint(&mut out, n_outputs as u64);
    for k in 0..n_outputs {
        if single && k != input {
            TxOut::null().write(&mut out);
        } else if let Some(o) = tx.outputs.get(k) {
            o.write(&mut out);
        }
    }
    out.extend_from_slice(&tx.lock_time.to_le_bytes());
    out.extend_from_slice(&hash_type.to_le_bytes());
    LegacySighash::Preimage(out)
}

/// The three byte strings BIP143 hashes (SHA256d) once per transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bip143Parts {
    pub prevouts: Vec<u8>,
    pub sequences: Vec<u8>,
    pub outputs: Vec<u8>,
}

pub fn bip143_parts(tx: &Transaction) -> Bip143Parts {
    let mut prevouts = Vec::with_capacity(36 * tx.inputs.len());
    let mut sequences = Vec::with_capacity(4 * tx.inputs.len());
    for i in &tx.inputs {
        i.prevout.write(&mut prevouts);
        sequences.extend_from_slice(&i.sequence.to_le_bytes());
    }
    let mut outputs = Vec::new();
    for o in &tx.outputs {
        o.write(&mut outputs);
    }
    Bip143Parts {
        prevouts,
        sequences,
        outputs,
    }
}

/// Serialized output `k` (for SIGHASH_SINGLE's hashOutputs), if it exists.
pub fn bip143_single_output(tx: &Transaction, k: usize) -> Option<Vec<u8>> {
    tx.outputs.get(k).map(|o| {
        let mut v = Vec::new();
        o.write(&mut v);
        v
    })
}

/// SHA256d digests of [`Bip143Parts`] (and of the SINGLE output when it applies).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bip143Hashes {
    pub hash_prevouts: [u8; 32],
    pub hash_sequence: [u8; 32],
    pub hash_outputs: [u8; 32],
}

/// BIP143 preimage. `single_output_hash` is SHA256d of output `input` when the hash type is
/// SINGLE and that output exists.
pub fn bip143_preimage(
    tx: &Transaction,
    input: usize,
    script_code: &[u8],
    amount: i64,
    hash_type: i32,
    hashes: &Bip143Hashes,
    single_output_hash: Option<&[u8; 32]>,
) -> Option<Vec<u8>> {
    let inp = tx.inputs.get(input)?;
    let anyone = hash_type & SIGHASH_ANYONECANPAY != 0;
    let base = hash_type & 0x1f;
    let zero = [0u8; 32];
    let hp = if anyone { &zero } else { &hashes.hash_prevouts };
    let hs = if !anyone && base != SIGHASH_SINGLE && base != SIGHASH_NONE {
        &hashes.hash_sequence
    } else {
        &zero
    };
    let ho = if base != SIGHASH_SINGLE && base != SIGHASH_NONE {
        &hashes.hash_outputs
    } else if base == SIGHASH_SINGLE && input < tx.outputs.len() {
        single_output_hash?
    } else {
        &zero
    };
    let mut out = Vec::with_capacity(160 + script_code.len());
    out.extend_from_slice(&tx.version.to_le_bytes());
    out.extend_from_slice(hp);
    out.extend_from_slice(hs);
    inp.prevout.write(&mut out);
    write_var_bytes(&mut out, script_code);
    out.extend_from_slice(&amount.to_le_bytes());
    out.extend_from_slice(&inp.sequence.to_le_bytes());
    out.extend_from_slice(ho);
    out.extend_from_slice(&tx.lock_time.to_le_bytes());
    out.extend_from_slice(&hash_type.to_le_bytes());
    Some(out)
}
