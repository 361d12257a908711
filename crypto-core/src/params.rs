//! Every consensus constant in one place: amounts, size / weight / sigop limits, the witness
//! commitment tag, proof-of-work limits and the blk-file framing limit. Values are Bitcoin
//! Core's (`consensus/amount.h`, `consensus/consensus.h`, `kernel/chainparams.cpp`) and Qtum's
//! (`consensus/amount.h`, `consensus/consensus.cpp`: the DGP defaults).

use crate::Chain;

/// Satoshis per coin.
pub const COIN: i64 = 100_000_000;
/// Bitcoin's `MAX_MONEY`.
pub const BITCOIN_MAX_MONEY: i64 = 21_000_000 * COIN;
/// Qtum's `MAX_MONEY` (107,822,406.25 QTUM).
pub const QTUM_MAX_MONEY: i64 = 107_822_406 * COIN + 25 * (COIN / 100);

/// BIP141 `WITNESS_SCALE_FACTOR`.
pub const WITNESS_SCALE_FACTOR: u64 = 4;
/// Bitcoin's `MAX_BLOCK_WEIGHT` (BIP141).
pub const BITCOIN_MAX_BLOCK_WEIGHT: u64 = 4_000_000;
/// Qtum's `dgpMaxBlockWeight` default. Qtum's DGP contract can change it at run time
/// (`updateBlockSizeParams`); a node that follows the DGP passes its value.
pub const QTUM_MAX_BLOCK_WEIGHT: u64 = 8_000_000;
/// Bitcoin's `MAX_BLOCK_SIGOPS_COST`.
pub const BITCOIN_MAX_BLOCK_SIGOPS_COST: u64 = 80_000;
/// Qtum's `dgpMaxBlockSigOps` default (DGP-adjustable, like the weight).
pub const QTUM_MAX_BLOCK_SIGOPS_COST: u64 = 80_000;

/// A coinbase scriptSig is 2..=100 bytes (`CheckTransaction`, `bad-cb-length`).
pub const COINBASE_SCRIPT_SIG_LEN: core::ops::RangeInclusive<usize> = 2..=100;

/// BIP141 witness commitment output: `OP_RETURN`, push 36, tag `aa21a9ed`.
pub const WITNESS_COMMITMENT_HEADER: [u8; 6] = [0x6a, 0x24, 0xaa, 0x21, 0xa9, 0xed];

/// Bitcoin mainnet `powLimit` (big-endian): 00000000ffff…ff.
pub const BITCOIN_POW_LIMIT: [u8; 32] = pow_limit(4, 0xff);
/// Bitcoin and Qtum regtest `powLimit` (big-endian): 7fff…ff.
pub const REGTEST_POW_LIMIT: [u8; 32] = pow_limit(0, 0x7f);
/// Qtum mainnet `powLimit` (big-endian): 0000ffff…ff.
pub const QTUM_POW_LIMIT: [u8; 32] = pow_limit(2, 0xff);

/// `zeros` leading zero bytes, then `first`, then 0xff.
const fn pow_limit(zeros: usize, first: u8) -> [u8; 32] {
    let mut a = [0xffu8; 32];
    let mut i = 0;
    while i < zeros {
        a[i] = 0;
        i += 1;
    }
    a[zeros] = first;
    a
}

/// Largest blk*.dat record accepted (Qtum's DGP can raise its serialized block size above
/// Bitcoin's 4 MB).
pub const MAX_BLK_RECORD_SIZE: u32 = 32 * 1024 * 1024;

/// The chain's `MAX_MONEY`.
pub fn max_money(chain: Chain) -> i64 {
    match chain {
        Chain::Bitcoin => BITCOIN_MAX_MONEY,
        Chain::Qtum => QTUM_MAX_MONEY,
    }
}

/// The chain's block weight limit.
pub fn max_block_weight(chain: Chain) -> u64 {
    match chain {
        Chain::Bitcoin => BITCOIN_MAX_BLOCK_WEIGHT,
        Chain::Qtum => QTUM_MAX_BLOCK_WEIGHT,
    }
}
