//! Block headers: Bitcoin's 80 bytes and Qtum's extended, signed header.

use crate::encode::{write_var_bytes, Cursor, ParseError};
use crate::prelude::*;
use crate::recover::COMPACT_SIGNATURE_SIZE;
use crate::tx::OutPoint;

/// The 80-byte Bitcoin header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BitcoinHeader {
    pub version: i32,
    pub prev_block: [u8; 32],
    pub merkle_root: [u8; 32],
    pub time: u32,
    pub bits: u32,
    pub nonce: u32,
}

impl BitcoinHeader {
    pub fn parse_from(c: &mut Cursor<'_>) -> Result<Self, ParseError> {
        Ok(BitcoinHeader {
            version: c.i32_le("header.version")?,
            prev_block: c.array("header.prev_block")?,
            merkle_root: c.array("header.merkle_root")?,
            time: c.u32_le("header.time")?,
            bits: c.u32_le("header.bits")?,
            nonce: c.u32_le("header.nonce")?,
        })
    }
    pub fn parse(data: &[u8]) -> Result<Self, ParseError> {
        Self::parse_from(&mut Cursor::new(data))
    }
    pub fn to_bytes(&self) -> [u8; 80] {
        let mut b = [0u8; 80];
        b[0..4].copy_from_slice(&self.version.to_le_bytes());
        b[4..36].copy_from_slice(&self.prev_block);
        b[36..68].copy_from_slice(&self.merkle_root);
        b[68..72].copy_from_slice(&self.time.to_le_bytes());
        b[72..76].copy_from_slice(&self.bits.to_le_bytes());
        b[76..80].copy_from_slice(&self.nonce.to_le_bytes());
        b
    }
}

/// Qtum's header: the Bitcoin part, the EVM state and UTXO roots, the staked outpoint and
/// the staker's signature. The block hash covers everything; the staker signs the hash of
/// the header without `vchBlockSig` (see `signed_preimage`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QtumHeader {
    pub base: BitcoinHeader,
    pub hash_state_root: [u8; 32],
    pub hash_utxo_root: [u8; 32],
    pub prevout_stake: OutPoint,
    pub block_sig: Vec<u8>,
}

/// Bytes of a Qtum header without the signature (80 + 32 + 32 + 36).
pub const QTUM_UNSIGNED_HEADER_LEN: usize = 180;

impl QtumHeader {
    pub fn parse_from(c: &mut Cursor<'_>) -> Result<Self, ParseError> {
        let base = BitcoinHeader::parse_from(c)?;
        let hash_state_root = c.array("header.hash_state_root")?;
        let hash_utxo_root = c.array("header.hash_utxo_root")?;
        let prevout_stake = OutPoint::parse(c)?;
        let block_sig = c.var_bytes("header.block_sig")?.to_vec();
        Ok(QtumHeader {
            base,
            hash_state_root,
            hash_utxo_root,
            prevout_stake,
            block_sig,
        })
    }
    pub fn parse(data: &[u8]) -> Result<Self, ParseError> {
        Self::parse_from(&mut Cursor::new(data))
    }
    /// Qtum `IsProofOfStake()`: a non-null staked outpoint.
    pub fn is_proof_of_stake(&self) -> bool {
        !self.prevout_stake.is_null()
    }
    /// The 180 bytes before the signature field.
    fn write_unsigned(&self, v: &mut Vec<u8>) {
        v.extend_from_slice(&self.base.to_bytes());
        v.extend_from_slice(&self.hash_state_root);
        v.extend_from_slice(&self.hash_utxo_root);
        self.prevout_stake.write(v);
    }
    /// Qtum `HasProofOfDelegation()`: the signature field holds at least two compact
    /// signatures' worth of bytes; its last 65 bytes are then the delegator's proof.
    pub fn has_proof_of_delegation(&self) -> bool {
        self.block_sig.len() >= 2 * COMPACT_SIGNATURE_SIZE
    }
    /// Qtum `GetBlockSignature()`: the staker's signature (the field without the PoD).
    pub fn staker_signature(&self) -> &[u8] {
        let n = self.block_sig.len();
        if self.has_proof_of_delegation() {
            self.block_sig
                .get(..n - COMPACT_SIGNATURE_SIZE)
                .unwrap_or(&[])
        } else {
            &self.block_sig
        }
    }
    /// Qtum `GetProofOfDelegation()`: the delegator's 65-byte compact signature, if any.
    pub fn proof_of_delegation(&self) -> Option<&[u8]> {
        let n = self.block_sig.len();
        self.has_proof_of_delegation()
            .then(|| self.block_sig.get(n - COMPACT_SIGNATURE_SIZE..))
            .flatten()
    }
    /// The header bytes the staker signs (Qtum `GetHashWithoutSign`, hash = SHA256d of
    /// these): the header without `vchBlockSig`, followed by the proof of delegation (as
    /// var-bytes) when there is one, so the staker's signature covers the delegation.
    pub fn signed_preimage(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(QTUM_UNSIGNED_HEADER_LEN + 1 + COMPACT_SIGNATURE_SIZE);
        self.write_unsigned(&mut v);
        if let Some(pod) = self.proof_of_delegation() {
            write_var_bytes(&mut v, pod);
        }
        v
    }
    /// The full serialized header; the block hash is SHA256d of these bytes.
    pub fn block_hash_preimage(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(QTUM_UNSIGNED_HEADER_LEN + 3 + self.block_sig.len());
        self.write_unsigned(&mut v);
        write_var_bytes(&mut v, &self.block_sig);
        v
    }
}

/// A header of either chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Header {
    Bitcoin(BitcoinHeader),
    Qtum(QtumHeader),
}

impl Header {
    pub fn base(&self) -> &BitcoinHeader {
        match self {
            Header::Bitcoin(h) => h,
            Header::Qtum(q) => &q.base,
        }
    }
    /// The bytes whose SHA256d is the block hash.
    pub fn hash_preimage(&self) -> Vec<u8> {
        match self {
            Header::Bitcoin(h) => h.to_bytes().to_vec(),
            Header::Qtum(q) => q.block_hash_preimage(),
        }
    }
}
