//! Transactions: legacy and segwit (BIP144) serialization, as Bitcoin Core reads them.

use crate::encode::{write_var_bytes, write_varint, Cursor, ParseError, ParseReason};
use crate::prelude::*;

/// A reference to an output: txid (internal byte order) and index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OutPoint {
    pub txid: [u8; 32],
    pub vout: u32,
}

impl OutPoint {
    /// The null outpoint used by coinbase inputs (and Qtum's PoW `prevoutStake`).
    pub const NULL: OutPoint = OutPoint {
        txid: [0u8; 32],
        vout: u32::MAX,
    };
    pub fn is_null(&self) -> bool {
        self.txid == [0u8; 32] && self.vout == u32::MAX
    }
    pub fn parse(c: &mut Cursor<'_>) -> Result<Self, ParseError> {
        let txid = c.array::<32>("outpoint.txid")?;
        let vout = c.u32_le("outpoint.n")?;
        Ok(OutPoint { txid, vout })
    }
    pub fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.txid);
        out.extend_from_slice(&self.vout.to_le_bytes());
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TxIn {
    pub prevout: OutPoint,
    pub script_sig: Vec<u8>,
    pub sequence: u32,
    /// Witness stack (empty for legacy inputs).
    pub witness: Vec<Vec<u8>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TxOut {
    /// Amount in the chain's base unit (satoshi). Signed as in Core, range-checked by consensus.
    pub value: i64,
    pub script_pubkey: Vec<u8>,
}

impl TxOut {
    /// Core's `CTxOut::SetNull` value, used by the SIGHASH_SINGLE serializer.
    pub fn null() -> Self {
        TxOut {
            value: -1,
            script_pubkey: Vec::new(),
        }
    }
    pub fn is_empty(&self) -> bool {
        self.value == 0 && self.script_pubkey.is_empty()
    }
    pub fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.value.to_le_bytes());
        write_var_bytes(out, &self.script_pubkey);
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transaction {
    pub version: i32,
    pub inputs: Vec<TxIn>,
    pub outputs: Vec<TxOut>,
    pub lock_time: u32,
}

// Smallest encodings, used to bound counts by the remaining input.
const MIN_TXIN: usize = 32 + 4 + 1 + 4;
const MIN_TXOUT: usize = 8 + 1;

impl Transaction {
    /// Parses one transaction from the start of `data` and returns it with the number of
    /// bytes it used. Accepts both serializations, as Core's `UnserializeTransaction` does
    /// with witness allowed.
    pub fn parse(data: &[u8]) -> Result<(Self, usize), ParseError> {
        let mut c = Cursor::new(data);
        let tx = Self::parse_from(&mut c)?;
        Ok((tx, c.pos()))
    }

    /// Parses exactly one transaction: trailing bytes are an error.
    pub fn parse_exact(data: &[u8]) -> Result<Self, ParseError> {
        let mut c = Cursor::new(data);
        let tx = Self::parse_from(&mut c)?;
        if !c.is_empty() {
            return Err(c.err(
                "tx",
                ParseReason::TrailingData {
                    extra: c.remaining(),
                },
            ));
        }
        Ok(tx)
    }

    /// Parses from a cursor (offsets in errors are the cursor's absolute offsets).
    pub fn parse_from(c: &mut Cursor<'_>) -> Result<Self, ParseError> {
        let version = c.i32_le("tx.version")?;
        let mut inputs = parse_inputs(c)?;
        let mut outputs = Vec::new();
        let mut flags = 0u8;
        if inputs.is_empty() {
            // Either a segwit marker (0x00) or a genuinely empty input list.
            flags = c.u8("tx.segwit_flag")?;
            if flags != 0 {
                inputs = parse_inputs(c)?;
                outputs = parse_outputs(c)?;
            }
        } else {
            outputs = parse_outputs(c)?;
        }
        if flags & 1 != 0 {
            flags ^= 1;
            let wstart = c.abs_pos();
            for inp in inputs.iter_mut() {
                let n = c.count("tx.witness.count", 1)?;
                let mut stack = Vec::with_capacity(n);
                for _ in 0..n {
                    stack.push(c.var_bytes("tx.witness.item")?.to_vec());
                }
                inp.witness = stack;
            }
            if inputs.iter().all(|i| i.witness.is_empty()) {
                return Err(ParseError {
                    what: "tx.witness",
                    offset: wstart,
                    reason: ParseReason::SuperfluousWitness,
                });
            }
        }
        if flags != 0 {
            return Err(c.err("tx.segwit_flag", ParseReason::UnknownOptionalData { flags }));
        }
        let lock_time = c.u32_le("tx.lock_time")?;
        Ok(Transaction {
            version,
            inputs,
            outputs,
            lock_time,
        })
    }

    pub fn has_witness(&self) -> bool {
        self.inputs.iter().any(|i| !i.witness.is_empty())
    }

    /// Coinbase: exactly one input with the null prevout.
    pub fn is_coinbase(&self) -> bool {
        self.inputs.len() == 1 && self.inputs.first().is_some_and(|i| i.prevout.is_null())
    }

    /// Qtum/PoS coinstake: inputs present, first not null, at least two outputs, first output empty.
    pub fn is_coinstake(&self) -> bool {
        self.inputs.first().is_some_and(|i| !i.prevout.is_null())
            && self.outputs.len() >= 2
            && self.outputs.first().is_some_and(|o| o.is_empty())
    }

    /// Serialization; with `witness` and a witness present, the BIP144 form.
    pub fn serialize(&self, witness: bool) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.size_hint());
        self.write(&mut out, witness);
        out
    }

    pub fn write(&self, out: &mut Vec<u8>, witness: bool) {
        let segwit = witness && self.has_witness();
        out.extend_from_slice(&self.version.to_le_bytes());
        if segwit {
            out.push(0x00);
            out.push(0x01);
        }
        write_varint(out, self.inputs.len() as u64);
        for i in &self.inputs {
            i.prevout.write(out);
            write_var_bytes(out, &i.script_sig);
            out.extend_from_slice(&i.sequence.to_le_bytes());
        }
        write_varint(out, self.outputs.len() as u64);
        for o in &self.outputs {
            o.write(out);
        }
        if segwit {
            for i in &self.inputs {
                write_varint(out, i.witness.len() as u64);
                for w in &i.witness {
                    write_var_bytes(out, w);
                }
            }
        }
        out.extend_from_slice(&self.lock_time.to_le_bytes());
    }

    fn size_hint(&self) -> usize {
        let ins: usize = self.inputs.iter().map(|i| 41 + i.script_sig.len()).sum();
        let outs: usize = self.outputs.iter().map(|o| 9 + o.script_pubkey.len()).sum();
        10 + ins + outs
    }

    /// Size without witness data.
    pub fn stripped_size(&self) -> usize {
        self.serialize(false).len()
    }
    /// Size with witness data.
    pub fn total_size(&self) -> usize {
        self.serialize(true).len()
    }
}

fn parse_inputs(c: &mut Cursor<'_>) -> Result<Vec<TxIn>, ParseError> {
    let n = c.count("tx.vin.count", MIN_TXIN)?;
    let mut v = Vec::with_capacity(n);
    for _ in 0..n {
        let prevout = OutPoint::parse(c)?;
        let script_sig = c.var_bytes("tx.vin.script_sig")?.to_vec();
        let sequence = c.u32_le("tx.vin.sequence")?;
        v.push(TxIn {
            prevout,
            script_sig,
            sequence,
            witness: Vec::new(),
        });
    }
    Ok(v)
}

fn parse_outputs(c: &mut Cursor<'_>) -> Result<Vec<TxOut>, ParseError> {
    let n = c.count("tx.vout.count", MIN_TXOUT)?;
    let mut v = Vec::with_capacity(n);
    for _ in 0..n {
        let value = c.i64_le("tx.vout.value")?;
        let script_pubkey = c.var_bytes("tx.vout.script_pubkey")?.to_vec();
        v.push(TxOut {
            value,
            script_pubkey,
        });
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tx_roundtrip_segwit() {
        let tx = Transaction {
            version: 2,
            inputs: vec![TxIn {
                prevout: OutPoint {
                    txid: [7; 32],
                    vout: 3,
                },
                script_sig: vec![],
                sequence: 0xffff_fffd,
                witness: vec![vec![1, 2, 3], vec![]],
            }],
            outputs: vec![TxOut {
                value: 5000,
                script_pubkey: vec![0x51],
            }],
            lock_time: 99,
        };
        let b = tx.serialize(true);
        assert_eq!(&b[4..6], &[0, 1]);
        let (t2, n) = Transaction::parse(&b).unwrap();
        assert_eq!(n, b.len());
        assert_eq!(t2, tx);
        let legacy = tx.serialize(false);
        let (t3, _) = Transaction::parse(&legacy).unwrap();
        assert!(t3.inputs[0].witness.is_empty());
    }

    #[test]
    fn superfluous_witness_rejected() {
        // version, marker, flag, 1 input, 1 output, witness count 0, locktime
        let mut b = vec![1, 0, 0, 0, 0, 1, 1];
        b.extend_from_slice(&[0u8; 36]);
        b.extend_from_slice(&[0, 0xff, 0xff, 0xff, 0xff, 1]);
        b.extend_from_slice(&[0u8; 8]);
        b.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
        let e = Transaction::parse(&b).unwrap_err();
        assert_eq!(e.reason, ParseReason::SuperfluousWitness);
    }
}
