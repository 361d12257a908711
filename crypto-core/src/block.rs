//! Whole blocks: a header followed by a compact-size count of transactions.

use crate::encode::{Cursor, ParseError, ParseReason};
use crate::header::{BitcoinHeader, Header, QtumHeader};
use crate::prelude::*;
use crate::tx::Transaction;
use crate::Chain;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub header: Header,
    pub txs: Vec<Transaction>,
    /// Byte offset of each transaction in the raw block (for error reports).
    pub tx_offsets: Vec<usize>,
}

/// Smallest possible transaction encoding (version, 0 inputs, flag 0, locktime).
const MIN_TX: usize = 10;

impl Block {
    /// Parses a block; the whole buffer must be used.
    pub fn parse(raw: &[u8], chain: Chain) -> Result<Self, ParseError> {
        let mut c = Cursor::new(raw);
        let header = match chain {
            Chain::Bitcoin => Header::Bitcoin(BitcoinHeader::parse_from(&mut c)?),
            Chain::Qtum => Header::Qtum(QtumHeader::parse_from(&mut c)?),
        };
        let n = c.count("block.tx_count", MIN_TX)?;
        let mut txs = Vec::with_capacity(n);
        let mut tx_offsets = Vec::with_capacity(n);
        for _ in 0..n {
            tx_offsets.push(c.abs_pos());
            txs.push(Transaction::parse_from(&mut c)?);
        }
        if !c.is_empty() {
            return Err(c.err(
                "block",
                ParseReason::TrailingData {
                    extra: c.remaining(),
                },
            ));
        }
        Ok(Block {
            header,
            txs,
            tx_offsets,
        })
    }

    /// Serialization (with witness data where present).
    pub fn serialize(&self) -> Vec<u8> {
        let mut out = self.header.hash_preimage();
        crate::encode::write_varint(&mut out, self.txs.len() as u64);
        for t in &self.txs {
            t.write(&mut out, true);
        }
        out
    }

    pub fn input_count(&self) -> usize {
        self.txs.iter().map(|t| t.inputs.len()).sum()
    }
    /// Serialized size without witness data (header + count + stripped txs).
    pub fn stripped_size(&self) -> usize {
        self.header.hash_preimage().len()
            + crate::encode::varint_len(self.txs.len() as u64)
            + self.txs.iter().map(|t| t.stripped_size()).sum::<usize>()
    }
    /// Serialized size with witness data.
    pub fn total_size(&self) -> usize {
        self.header.hash_preimage().len()
            + crate::encode::varint_len(self.txs.len() as u64)
            + self.txs.iter().map(|t| t.total_size()).sum::<usize>()
    }
    /// BIP141 weight: stripped * 3 + total.
    pub fn weight(&self) -> usize {
        self.stripped_size()
            .saturating_mul(3)
            .saturating_add(self.total_size())
    }
}
