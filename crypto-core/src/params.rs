//! Every consensus constant in one place: amounts, size / weight / sigop limits, the witness
//! commitment tag, proof-of-work limits and the blk-file framing limit. Values are Bitcoin
//! Core's (`consensus/amount.h`, `consensus/consensus.h`, `kernel/chainparams.cpp`) and Qtum's
//! (`consensus/amount.h`, `consensus/consensus.cpp`: the DGP defaults).

use crate::prelude::*;
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
/// The one Bitcoin mainnet block (height 692,261) whose Taproot spends Core does not check
/// (`script_flag_exceptions`: P2SH + WITNESS only): its hash in display hex. Core enforces the
/// Taproot rules on every other block of every network (since Core 23; Qtum likewise).
pub const BITCOIN_TAPROOT_EXCEPTION_BLOCK: &str =
    "0000000000000000000f14c35b2d841e986ab5441de8c585d5ffe55ea1e395ad";

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

/// The chain's block sigop-cost limit (`MAX_BLOCK_SIGOPS_COST`; Qtum: the DGP default).
pub fn max_block_sigops_cost(chain: Chain) -> u64 {
    match chain {
        Chain::Bitcoin => BITCOIN_MAX_BLOCK_SIGOPS_COST,
        Chain::Qtum => QTUM_MAX_BLOCK_SIGOPS_COST,
    }
}

/// The chain's block weight limit.
pub fn max_block_weight(chain: Chain) -> u64 {
    match chain {
        Chain::Bitcoin => BITCOIN_MAX_BLOCK_WEIGHT,
        Chain::Qtum => QTUM_MAX_BLOCK_WEIGHT,
    }
}

/// A network of a chain. Bitcoin has all five; Qtum has mainnet, testnet and regtest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Network {
    Mainnet,
    /// Bitcoin testnet3 / Qtum testnet.
    Testnet,
    /// Bitcoin testnet4 (BIP94).
    Testnet4,
    /// Bitcoin's default signet (challenge `5121…52ae`).
    Signet,
    Regtest,
}

impl Network {
    /// Every network, in declaration order.
    pub const ALL: [Network; 5] = [
        Network::Mainnet,
        Network::Testnet,
        Network::Testnet4,
        Network::Signet,
        Network::Regtest,
    ];
    /// The name `--network` takes.
    pub fn as_str(self) -> &'static str {
        match self {
            Network::Mainnet => "mainnet",
            Network::Testnet => "testnet",
            Network::Testnet4 => "testnet4",
            Network::Signet => "signet",
            Network::Regtest => "regtest",
        }
    }
}

impl core::fmt::Display for Network {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl core::str::FromStr for Network {
    type Err = String;
    /// Case-insensitive; `main`, `test` and `testnet3` are accepted as aliases.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "mainnet" | "main" => Ok(Network::Mainnet),
            "testnet" | "test" | "testnet3" => Ok(Network::Testnet),
            "testnet4" => Ok(Network::Testnet4),
            "signet" => Ok(Network::Signet),
            "regtest" => Ok(Network::Regtest),
            other => Err(format!(
                "unknown network {other:?} (expected mainnet, testnet, testnet4, signet or regtest)"
            )),
        }
    }
}

/// Qtum's proof-of-stake parameters (`CChainParams::consensus`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QtumParams {
    /// `nLastPOWBlock`: a proof-of-work block above this height is rejected (`reject-pow`).
    pub last_pow_block: u32,
    /// `nEnableHeaderSignatureHeight`: from the block after it, the block signature must
    /// recover to the staked coin's owner (needs the staked coin: `PrevoutProvider`).
    pub enable_header_signature_height: u32,
    /// `nOfflineStakeHeight`: offline staking (proof of delegation) and compact block
    /// signatures from this height.
    pub offline_stake_height: u32,
    /// `nReduceBlocktimeHeight`: the stake timestamp mask changes here.
    pub reduce_blocktime_height: u32,
    /// `nStakeTimestampMask` before `reduce_blocktime_height`.
    pub stake_timestamp_mask: u32,
    /// `nRBTStakeTimestampMask` from `reduce_blocktime_height`.
    pub rbt_stake_timestamp_mask: u32,
}

impl QtumParams {
    /// `StakeTimestampMask(height)`.
    pub fn stake_timestamp_mask_at(&self, height: u32) -> u32 {
        if height < self.reduce_blocktime_height {
            self.stake_timestamp_mask
        } else {
            self.rbt_stake_timestamp_mask
        }
    }
}

/// One network's consensus parameters: activation heights (buried deployments), the
/// proof-of-work limit and the message start that also frames blk*.dat records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NetworkParams {
    pub chain: Chain,
    pub network: Network,
    /// Name of the blk-file network, e.g. `bitcoin-main`.
    pub name: &'static str,
    /// `pchMessageStart`.
    pub magic: [u8; 4],
    /// `powLimit`, big-endian.
    pub pow_limit: [u8; 32],
    /// Coinbase starts with the height (BIP34); blocks need `nVersion >= 2`.
    pub bip34_height: u32,
    /// BIP66 strict DER; blocks need `nVersion >= 3`.
    pub bip66_height: u32,
    /// BIP65 CHECKLOCKTIMEVERIFY; blocks need `nVersion >= 4`.
    pub bip65_height: u32,
    /// BIP68/112/113 (CSV).
    pub csv_height: u32,
    /// BIP141/143/147 (segwit, NULLDUMMY).
    pub segwit_height: u32,
    /// Qtum's proof-of-stake parameters; `None` on Bitcoin.
    pub qtum: Option<QtumParams>,
}

/// Qtum regtest, mainnet and testnet share these except where noted.
const QTUM_MAIN_POS: QtumParams = QtumParams {
    last_pow_block: 5_000,
    enable_header_signature_height: 399_100,
    offline_stake_height: 680_000,
    reduce_blocktime_height: 845_000,
    stake_timestamp_mask: 15,
    rbt_stake_timestamp_mask: 3,
};

/// Signet's powLimit 00000377ae00…00 (big-endian).
const SIGNET_POW_LIMIT: [u8; 32] = {
    let mut a = [0u8; 32];
    a[2] = 0x03;
    a[3] = 0x77;
    a[4] = 0xae;
    a
};

/// Every supported network: Bitcoin Core's `kernel/chainparams.cpp` (testnet4 as of Core 28)
/// and Qtum's at commit a3956895 (2025-01-28).
pub const NETWORKS: [NetworkParams; 8] = [
    NetworkParams {
        chain: Chain::Bitcoin,
        network: Network::Mainnet,
        name: "bitcoin-main",
        magic: [0xf9, 0xbe, 0xb4, 0xd9],
        pow_limit: BITCOIN_POW_LIMIT,
        bip34_height: 227_931,
        bip66_height: 363_725,
        bip65_height: 388_381,
        csv_height: 419_328,
        segwit_height: 481_824,
        qtum: None,
    },
    NetworkParams {
        chain: Chain::Bitcoin,
        network: Network::Testnet,
        name: "bitcoin-testnet3",
        magic: [0x0b, 0x11, 0x09, 0x07],
        pow_limit: BITCOIN_POW_LIMIT,
        bip34_height: 21_111,
        bip66_height: 330_776,
        bip65_height: 581_885,
        csv_height: 770_112,
        segwit_height: 834_624,
        qtum: None,
    },
    NetworkParams {
        chain: Chain::Bitcoin,
        network: Network::Testnet4,
        name: "bitcoin-testnet4",
        magic: [0x1c, 0x16, 0x3f, 0x28],
        pow_limit: BITCOIN_POW_LIMIT,
        bip34_height: 1,
        bip66_height: 1,
        bip65_height: 1,
        csv_height: 1,
        segwit_height: 1,
        qtum: None,
    },
    NetworkParams {
        chain: Chain::Bitcoin,
        network: Network::Signet,
        name: "bitcoin-signet",
        magic: [0x0a, 0x03, 0xcf, 0x40],
        pow_limit: SIGNET_POW_LIMIT,
        bip34_height: 1,
        bip66_height: 1,
        bip65_height: 1,
        csv_height: 1,
        segwit_height: 1,
        qtum: None,
    },
    NetworkParams {
        chain: Chain::Bitcoin,
        network: Network::Regtest,
        name: "bitcoin-regtest",
        magic: [0xfa, 0xbf, 0xb5, 0xda],
        pow_limit: REGTEST_POW_LIMIT,
        bip34_height: 1,
        bip66_height: 1,
        bip65_height: 1,
        csv_height: 1,
        segwit_height: 0,
        qtum: None,
    },
    NetworkParams {
        chain: Chain::Qtum,
        network: Network::Mainnet,
        name: "qtum-main",
        magic: [0xf1, 0xcf, 0xa6, 0xd3],
        pow_limit: QTUM_POW_LIMIT,
        bip34_height: 0,
        bip66_height: 0,
        bip65_height: 0,
        csv_height: 6_048,
        segwit_height: 6_048,
        qtum: Some(QTUM_MAIN_POS),
    },
    NetworkParams {
        chain: Chain::Qtum,
        network: Network::Testnet,
        name: "qtum-testnet",
        magic: [0x0d, 0x22, 0x15, 0x06],
        pow_limit: QTUM_POW_LIMIT,
        bip34_height: 0,
        bip66_height: 0,
        bip65_height: 0,
        csv_height: 6_048,
        segwit_height: 6_048,
        qtum: Some(QtumParams {
            enable_header_signature_height: 391_993,
            offline_stake_height: 625_000,
            reduce_blocktime_height: 806_600,
            ..QTUM_MAIN_POS
        }),
    },
    NetworkParams {
        chain: Chain::Qtum,
        network: Network::Regtest,
        name: "qtum-regtest",
        magic: [0xfd, 0xdd, 0xc6, 0xe1],
        pow_limit: REGTEST_POW_LIMIT,
        bip34_height: 1,
        bip66_height: 1,
        bip65_height: 1,
        csv_height: 1,
        segwit_height: 0,
        qtum: Some(QtumParams {
            last_pow_block: 0x7fff_ffff,
            enable_header_signature_height: 0,
            offline_stake_height: 1,
            reduce_blocktime_height: 0,
            ..QTUM_MAIN_POS
        }),
    },
];

impl NetworkParams {
    /// The parameters of `network` on `chain`; `None` for a network the chain does not have
    /// (Qtum testnet4 / signet).
    pub fn get(chain: Chain, network: Network) -> Option<&'static NetworkParams> {
        NETWORKS
            .iter()
            .find(|p| p.chain == chain && p.network == network)
    }
    /// The network whose message start is `magic` (blk*.dat framing).
    pub fn by_magic(magic: &[u8; 4]) -> Option<&'static NetworkParams> {
        NETWORKS.iter().find(|p| p.magic == *magic)
    }
    /// Whether a buried deployment active from `at` applies to a block at `height`.
    /// An unknown height counts as active only where the deployment is active from genesis.
    pub fn active(at: u32, height: Option<u32>) -> bool {
        at == 0 || height.is_some_and(|h| h >= at)
    }
    /// The smallest `nVersion` a block at `height` may have (`bad-version`): 2 from BIP34,
    /// 3 from BIP66, 4 from BIP65.
    pub fn min_block_version(&self, height: u32) -> i32 {
        if height >= self.bip65_height {
            4
        } else if height >= self.bip66_height {
            3
        } else if height >= self.bip34_height {
            2
        } else {
            i32::MIN
        }
    }
}
