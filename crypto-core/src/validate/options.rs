//! What the caller chooses: chain, signature-encoding flags, proof-of-work enforcement, the
//! node's view of spent outputs.

use std::fmt;

use crate::tx::{OutPoint, TxOut};
use crate::Chain;

/// A node's view of the outputs being spent. With it, inputs whose script cannot be
/// checked from the block alone (P2PK, P2WPKH, P2PKH by scriptPubKey, P2SH-P2WPKH, bare
/// multisig) become checkable.
pub trait PrevoutProvider: Sync {
    fn prevout(&self, op: &OutPoint) -> Option<TxOut>;
}

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

/// Bitcoin mainnet height from which segwit (and BIP147 NULLDUMMY) is enforced.
pub const SEGWIT_HEIGHT: u32 = 481_824;

/// Bitcoin mainnet height from which BIP66 strict DER is enforced.
pub const BIP66_HEIGHT: u32 = 363_725;

/// Options of [`validate_block`].
#[derive(Clone, Copy)]
pub struct ValidateOptions<'a> {
    pub chain: Chain,
    /// `None`: derived (Bitcoin: from the BIP34 height, strict from 363,725; Qtum: always strict).
    pub strict_der: Option<bool>,
    pub low_s: bool,
    /// Enforce proof of work (the result is reported either way).
    pub check_pow: bool,
    pub prevouts: Option<&'a dyn PrevoutProvider>,
    /// Proof-of-work limit (big-endian); `None` = the chain's mainnet limit.
    pub pow_limit: Option<[u8; 32]>,
    /// Treat an input that cannot be checked as an error instead of counting it.
    pub require_all_checkable: bool,
}

impl fmt::Debug for ValidateOptions<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ValidateOptions")
            .field("chain", &self.chain)
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
    /// Defaults: derived strict DER, no low-S, PoW enforced, no prevouts.
    pub fn new(chain: Chain) -> Self {
        ValidateOptions {
            chain,
            strict_der: None,
            low_s: false,
            check_pow: true,
            prevouts: None,
            pow_limit: None,
            require_all_checkable: false,
        }
    }
    /// The flags for a block at `height` (BIP34 height from the coinbase, if any).
    pub fn script_flags(&self, height: Option<u32>) -> ScriptFlags {
        let derived = match self.chain {
            Chain::Bitcoin => height.is_some_and(|h| h >= BIP66_HEIGHT),
            Chain::Qtum => true,
        };
        let null_dummy = match self.chain {
            Chain::Bitcoin => height.is_some_and(|h| h >= SEGWIT_HEIGHT),
            Chain::Qtum => true,
        };
        ScriptFlags {
            strict_der: self.strict_der.unwrap_or(derived),
            low_s: self.low_s,
            null_dummy,
        }
    }
}
