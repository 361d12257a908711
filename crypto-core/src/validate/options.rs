//! What the caller chooses: chain and network, the height the node knows, signature-encoding
//! flags, proof-of-work enforcement, the node's view of spent outputs.

use core::fmt;

use crate::params::{Network, NetworkParams, NETWORKS};
use crate::tx::{OutPoint, TxOut};
use crate::Chain;

use super::report::ValidationError;

/// A node's view of the outputs being spent. With it, inputs whose script cannot be
/// checked from the block alone (P2PK, P2WPKH, P2PKH by scriptPubKey, P2SH-P2WPKH, bare
/// multisig) become checkable.
pub trait PrevoutProvider: Sync {
    fn prevout(&self, op: &OutPoint) -> Option<TxOut>;
}

#[cfg(feature = "std")]
impl PrevoutProvider for std::collections::HashMap<OutPoint, TxOut> {
    fn prevout(&self, op: &OutPoint) -> Option<TxOut> {
        self.get(op).cloned()
    }
}

/// Signature-encoding rules in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct ScriptFlags {
    /// BIP66 strict DER (consensus on Bitcoin mainnet from height 363,725).
    pub strict_der: bool,
    /// BIP146 low S (policy on Bitcoin; never a consensus rule there).
    pub low_s: bool,
    /// BIP147 NULLDUMMY: the extra CHECKMULTISIG element must be empty (consensus with segwit,
    /// Bitcoin mainnet from height 481,824).
    pub null_dummy: bool,
}

/// Bitcoin mainnet height from which segwit (and BIP147 NULLDUMMY) is enforced (see
/// [`NetworkParams`] for every network).
pub const SEGWIT_HEIGHT: u32 = NETWORKS[0].segwit_height;

/// Bitcoin mainnet height from which BIP66 strict DER is enforced.
pub const BIP66_HEIGHT: u32 = NETWORKS[0].bip66_height;

/// Options of [`validate_block`](super::validate_block). Build them with
/// [`ValidateOptions::builder`]; [`ValidateOptions::new`] is the chain's mainnet with defaults.
#[derive(Clone, Copy)]
pub struct ValidateOptions<'a> {
    pub chain: Chain,
    /// Activation heights, proof-of-work limit and Qtum's staking heights come from here.
    pub network: Network,
    /// The block's height as the node knows it (from its chain). `None`: the height the
    /// coinbase claims (BIP34) is used where it can be trusted (see the crate docs).
    pub height: Option<u32>,
    /// `None`: derived from the network's BIP66 height (strict from activation on).
    pub strict_der: Option<bool>,
    pub low_s: bool,
    /// Enforce proof of work (the result is reported either way).
    pub check_pow: bool,
    pub prevouts: Option<&'a dyn PrevoutProvider>,
    /// Proof-of-work limit (big-endian); `None` = the network's `powLimit`.
    pub pow_limit: Option<[u8; 32]>,
    /// Treat an input that cannot be checked as an error instead of counting it.
    pub require_all_checkable: bool,
}

impl fmt::Debug for ValidateOptions<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ValidateOptions")
            .field("chain", &self.chain)
            .field("network", &self.network)
            .field("height", &self.height)
            .field("strict_der", &self.strict_der)
            .field("low_s", &self.low_s)
            .field("check_pow", &self.check_pow)
            .field("prevouts", &self.prevouts.is_some())
            .field("pow_limit", &self.pow_limit.map(hex::encode))
            .field("require_all_checkable", &self.require_all_checkable)
            .finish()
    }
}

impl<'a> ValidateOptions<'a> {
    /// The chain's mainnet; defaults: derived strict DER, no low-S, PoW enforced, no prevouts,
    /// height from the coinbase.
    pub fn new(chain: Chain) -> Self {
        ValidateOptions {
            chain,
            network: Network::Mainnet,
            height: None,
            strict_der: None,
            low_s: false,
            check_pow: true,
            prevouts: None,
            pow_limit: None,
            require_all_checkable: false,
        }
    }
    /// A builder starting from [`ValidateOptions::new`].
    pub fn builder(chain: Chain) -> ValidateOptionsBuilder<'a> {
        ValidateOptionsBuilder {
            opts: Self::new(chain),
        }
    }
    /// The network's parameters, or a typed error for a network the chain does not have.
    pub fn params(&self) -> Result<&'static NetworkParams, ValidationError> {
        NetworkParams::get(self.chain, self.network).ok_or(ValidationError::UnsupportedNetwork {
            chain: self.chain,
            network: self.network,
        })
    }
    /// The flags for a block at `height`: strict DER from the network's BIP66 height,
    /// NULLDUMMY from its segwit height (an unknown height enables only what is active
    /// from genesis).
    pub fn script_flags(&self, height: Option<u32>) -> ScriptFlags {
        let (bip66, segwit) = match self.params() {
            Ok(p) => (p.bip66_height, p.segwit_height),
            // validate_block reports the unsupported network; flags stay the laxest.
            Err(_) => (u32::MAX, u32::MAX),
        };
        ScriptFlags {
            strict_der: self
                .strict_der
                .unwrap_or(NetworkParams::active(bip66, height)),
            low_s: self.low_s,
            null_dummy: NetworkParams::active(segwit, height),
        }
    }
}

/// Builds [`ValidateOptions`]; `build` checks that the chain has the network.
///
/// ```
/// use crypto_core::{params::Network, Chain, ValidateOptions};
/// let opts = ValidateOptions::builder(Chain::Bitcoin)
///     .network(Network::Testnet)
///     .height(2_500_000)
///     .low_s(true)
///     .build()
///     .unwrap();
/// assert!(opts.script_flags(Some(2_500_000)).strict_der);
/// assert!(ValidateOptions::builder(Chain::Qtum).network(Network::Signet).build().is_err());
/// ```
#[derive(Debug, Clone, Copy)]
#[must_use]
pub struct ValidateOptionsBuilder<'a> {
    opts: ValidateOptions<'a>,
}

impl<'a> ValidateOptionsBuilder<'a> {
    pub fn network(mut self, network: Network) -> Self {
        self.opts.network = network;
        self
    }
    /// The block's height from the node's chain (enables the exact BIP34 / version /
    /// activation rules; see the crate docs).
    pub fn height(mut self, height: u32) -> Self {
        self.opts.height = Some(height);
        self
    }
    /// Force BIP66 strict DER on or off (default: from the network's activation height).
    pub fn strict_der(mut self, on: bool) -> Self {
        self.opts.strict_der = Some(on);
        self
    }
    pub fn low_s(mut self, on: bool) -> Self {
        self.opts.low_s = on;
        self
    }
    pub fn check_pow(mut self, on: bool) -> Self {
        self.opts.check_pow = on;
        self
    }
    pub fn prevouts(mut self, p: &'a dyn PrevoutProvider) -> Self {
        self.opts.prevouts = Some(p);
        self
    }
    /// Override the network's proof-of-work limit (big-endian).
    pub fn pow_limit(mut self, limit: [u8; 32]) -> Self {
        self.opts.pow_limit = Some(limit);
        self
    }
    pub fn require_all_checkable(mut self, on: bool) -> Self {
        self.opts.require_all_checkable = on;
        self
    }
    /// The options, or [`ValidationError::UnsupportedNetwork`].
    pub fn build(self) -> Result<ValidateOptions<'a>, ValidationError> {
        self.opts.params()?;
        Ok(self.opts)
    }
}
