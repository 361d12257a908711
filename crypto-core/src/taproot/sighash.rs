//! BIP341 signature messages (`SigMsg`) and BIP342's script-path extension.
//!
//! The sighash of an input is `hash_TapSighash(0x00 ‖ SigMsg)`: one SHA-256 job over
//! [`sighash_preimage`]. `SigMsg` commits to single-SHA-256 digests of the whole
//! transaction's prevouts, amounts, scriptPubKeys and sequences ([`TxParts`] → [`TxHashes`],
//! four SHA-256 jobs per transaction; not under ANYONECANPAY) and outputs
//! ([`outputs_preimage`]; under ALL and DEFAULT, also with ANYONECANPAY), and per input to the
//! annex and the SINGLE output (one job each, [`annex_preimage`] and
//! [`single_output_preimage`]). The block pipeline sends all of these as batches;
//! [`sighash_with`] computes one sighash with a caller's SHA-256 (signers, tests).

use crate::prelude::*;
use core::fmt;

use crate::encode::write_var_bytes;
use crate::tx::{Transaction, TxOut};

use super::{is_valid_hash_type, tagged_preimage, TaprootError, TAG_TAPSIGHASH};

/// Hash type 0x00: as SIGHASH_ALL, signalled by a 64-byte signature.
pub const SIGHASH_DEFAULT: u8 = 0x00;
/// `codesep_pos` when no OP_CODESEPARATOR was executed.
pub const NO_CODESEPARATOR: u32 = 0xffff_ffff;

/// What the four input-side transaction-wide digests hash (each with single SHA-256); the
/// amounts and scriptPubKeys are those of the spent outputs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TxParts {
    pub prevouts: Vec<u8>,
    pub amounts: Vec<u8>,
    pub script_pubkeys: Vec<u8>,
    pub sequences: Vec<u8>,
}

impl TxParts {
    /// The parts of `tx` spending `spent` (the outputs its inputs spend, in input order), or
    /// `None` if `spent` does not have one output per input.
    pub fn new(tx: &Transaction, spent: &[TxOut]) -> Option<Self> {
        if spent.len() != tx.inputs.len() {
            return None;
        }
        let n = tx.inputs.len();
        let mut p = TxParts {
            prevouts: Vec::with_capacity(36 * n),
            amounts: Vec::with_capacity(8 * n),
            script_pubkeys: Vec::with_capacity(35 * n),
            sequences: Vec::with_capacity(4 * n),
        };
        for (i, o) in tx.inputs.iter().zip(spent) {
            i.prevout.write(&mut p.prevouts);
            p.amounts.extend_from_slice(&o.value.to_le_bytes());
            write_var_bytes(&mut p.script_pubkeys, &o.script_pubkey);
            p.sequences.extend_from_slice(&i.sequence.to_le_bytes());
        }
        Some(p)
    }

    /// The four parts in [`TxHashes::from_digests`] order.
    pub fn into_array(self) -> [Vec<u8>; 4] {
        [
            self.prevouts,
            self.amounts,
            self.script_pubkeys,
            self.sequences,
        ]
    }
}

/// SHA-256 of each of [`TxParts`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TxHashes {
    pub sha_prevouts: [u8; 32],
    pub sha_amounts: [u8; 32],
    pub sha_script_pubkeys: [u8; 32],
    pub sha_sequences: [u8; 32],
}

impl TxHashes {
    /// From the digests of [`TxParts::into_array`], in that order.
    pub fn from_digests(d: &[[u8; 32]; 4]) -> Self {
        TxHashes {
            sha_prevouts: d[0],
            sha_amounts: d[1],
            sha_script_pubkeys: d[2],
            sha_sequences: d[3],
        }
    }
}

/// All outputs serialized: SHA-256 of it is `sha_outputs`.
pub fn outputs_preimage(tx: &Transaction) -> Vec<u8> {
    let mut v = Vec::new();
    for o in &tx.outputs {
        o.write(&mut v);
    }
    v
}

/// `compact_size(len) ‖ annex`: SHA-256 of it is `sha_annex`.
pub fn annex_preimage(annex: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(annex.len() + 9);
    write_var_bytes(&mut v, annex);
    v
}

/// The serialized output `index` (SHA-256 of it is `sha_single_output`), if it exists.
pub fn single_output_preimage(tx: &Transaction, index: usize) -> Option<Vec<u8>> {
    tx.outputs.get(index).map(|o| {
        let mut v = Vec::with_capacity(9 + o.script_pubkey.len());
        o.write(&mut v);
        v
    })
}

/// The script-path extension (BIP342): the leaf hash and the position of the last executed
/// OP_CODESEPARATOR ([`NO_CODESEPARATOR`] if none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScriptPath {
    pub leaf_hash: [u8; 32],
    pub codesep_pos: u32,
}

/// What one input's signature message needs besides the transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpendData<'a> {
    pub input: usize,
    pub hash_type: u8,
    /// The output this input spends (used under ANYONECANPAY).
    pub spent: &'a TxOut,
    /// `sha_outputs`, needed under ALL and DEFAULT.
    pub outputs_hash: Option<[u8; 32]>,
    /// `sha_annex`, when the witness has an annex.
    pub annex_hash: Option<[u8; 32]>,
    /// `sha_single_output` (SHA-256 of output `input`), needed under SIGHASH_SINGLE.
    pub single_output_hash: Option<[u8; 32]>,
    pub script_path: Option<ScriptPath>,
}

/// Why no signature message can be built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SighashError {
    /// A hash type BIP341 refuses, SINGLE without its output: what the script check reports.
    Taproot(TaprootError),
    /// The input index is out of range.
    InputOutOfRange,
    /// Without ANYONECANPAY the transaction-wide digests are needed (all spent outputs).
    MissingTxHashes,
    /// SIGHASH_ALL / DEFAULT's output digest was not given.
    MissingOutputsHash,
    /// SIGHASH_SINGLE's output digest was not given.
    MissingSingleOutputHash,
}

impl fmt::Display for SighashError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SighashError::Taproot(e) => write!(f, "{e}"),
            SighashError::InputOutOfRange => f.write_str("input index out of range"),
            SighashError::MissingTxHashes => {
                f.write_str("the signature message needs every spent output of the transaction")
            }
            SighashError::MissingOutputsHash => f.write_str("the outputs digest was not given"),
            SighashError::MissingSingleOutputHash => {
                f.write_str("SIGHASH_SINGLE output digest not given")
            }
        }
    }
}

impl core::error::Error for SighashError {}

/// BIP341's `SigMsg(hash_type, ext_flag)` (ext_flag = 1 with a script path: BIP342), without
/// the epoch byte. `hashes` may be `None` only under ANYONECANPAY.
pub fn sig_msg(
    tx: &Transaction,
    hashes: Option<&TxHashes>,
    d: &SpendData<'_>,
) -> Result<Vec<u8>, SighashError> {
    let ht = d.hash_type;
    if !is_valid_hash_type(ht) {
        return Err(SighashError::Taproot(TaprootError::BadHashType(ht)));
    }
    let inp = tx
        .inputs
        .get(d.input)
        .ok_or(SighashError::InputOutOfRange)?;
    let anyone = ht & 0x80 != 0;
    let output_type = if ht == SIGHASH_DEFAULT { 1 } else { ht & 3 };
    let mut m = Vec::with_capacity(256);
    m.push(ht);
    m.extend_from_slice(&tx.version.to_le_bytes());
    m.extend_from_slice(&tx.lock_time.to_le_bytes());
    if !anyone {
        let h = hashes.ok_or(SighashError::MissingTxHashes)?;
        m.extend_from_slice(&h.sha_prevouts);
        m.extend_from_slice(&h.sha_amounts);
        m.extend_from_slice(&h.sha_script_pubkeys);
        m.extend_from_slice(&h.sha_sequences);
    }
    if output_type == 1 {
        let h = d.outputs_hash.ok_or(SighashError::MissingOutputsHash)?;
        m.extend_from_slice(&h);
    }
    let ext_flag = u8::from(d.script_path.is_some());
    m.push(2 * ext_flag + u8::from(d.annex_hash.is_some()));
    if anyone {
        inp.prevout.write(&mut m);
        m.extend_from_slice(&d.spent.value.to_le_bytes());
        write_var_bytes(&mut m, &d.spent.script_pubkey);
        m.extend_from_slice(&inp.sequence.to_le_bytes());
    } else {
        let index = u32::try_from(d.input).map_err(|_| SighashError::InputOutOfRange)?;
        m.extend_from_slice(&index.to_le_bytes());
    }
    if let Some(a) = &d.annex_hash {
        m.extend_from_slice(a);
    }
    if output_type == 3 {
        if d.input >= tx.outputs.len() {
            return Err(SighashError::Taproot(TaprootError::SingleWithoutOutput {
                input: d.input,
                outputs: tx.outputs.len(),
            }));
        }
        let h = d
            .single_output_hash
            .ok_or(SighashError::MissingSingleOutputHash)?;
        m.extend_from_slice(&h);
    }
    if let Some(sp) = &d.script_path {
        m.extend_from_slice(&sp.leaf_hash);
        m.push(0x00); // key_version
        m.extend_from_slice(&sp.codesep_pos.to_le_bytes());
    }
    Ok(m)
}

/// `SHA256(tag) ‖ SHA256(tag) ‖ 0x00 ‖ SigMsg`: SHA-256 of it is the sighash.
pub fn sighash_preimage(
    tx: &Transaction,
    hashes: Option<&TxHashes>,
    d: &SpendData<'_>,
) -> Result<Vec<u8>, SighashError> {
    let msg = sig_msg(tx, hashes, d)?;
    Ok(tagged_preimage(&TAG_TAPSIGHASH, &[&[0x00], &msg]))
}

/// One input's sighash with the caller's SHA-256 (not batched: for signers and tests).
/// `spent` holds the outputs all inputs spend, in input order; under ANYONECANPAY only
/// `spent[input]` is read.
pub fn sighash_with(
    tx: &Transaction,
    spent: &[TxOut],
    input: usize,
    hash_type: u8,
    annex: Option<&[u8]>,
    script_path: Option<ScriptPath>,
    sha256: &dyn Fn(&[u8]) -> [u8; 32],
) -> Result<[u8; 32], SighashError> {
    let own = spent.get(input).ok_or(SighashError::InputOutOfRange)?;
    let hashes = TxParts::new(tx, spent).map(|p| {
        let a = p.into_array();
        TxHashes::from_digests(&[sha256(&a[0]), sha256(&a[1]), sha256(&a[2]), sha256(&a[3])])
    });
    let d = SpendData {
        input,
        hash_type,
        spent: own,
        outputs_hash: Some(sha256(&outputs_preimage(tx))),
        annex_hash: annex.map(|a| sha256(&annex_preimage(a))),
        single_output_hash: single_output_preimage(tx, input).map(|o| sha256(&o)),
        script_path,
    };
    Ok(sha256(&sighash_preimage(tx, hashes.as_ref(), &d)?))
}
