//! Structural consensus rules that need no UTXO set: Core's `CheckBlock` / `CheckTransaction`
//! (sizes, weight, coinbase, output values, duplicate inputs, legacy sigops) and BIP34.

use crate::prelude::*;
use alloc::collections::BTreeMap;

use crate::block::Block;
use crate::header::Header;
use crate::params::NetworkParams;
use crate::params::{
    max_block_sigops_cost, max_block_weight, max_money, COINBASE_SCRIPT_SIG_LEN,
    WITNESS_SCALE_FACTOR,
};
use crate::script::{
    self, get_op, height_push, script_num, OP_CHECKMULTISIG, OP_CHECKMULTISIGVERIFY, OP_CHECKSIG,
    OP_CHECKSIGVERIFY,
};
use crate::tx::{OutPoint, Transaction};
use crate::Chain;

use super::options::ValidateOptions;
use super::qtum::check_qtum_stake;
use super::report::{BlockReport, ValidationError};

/// BIP34 height: the first push of the coinbase scriptSig as a script number.
pub fn bip34_height(coinbase: &Transaction) -> Option<u32> {
    let ss = &coinbase.inputs.first()?.script_sig;
    let mut pc = 0;
    let op = get_op(ss, &mut pc)?;
    let n = match (op.opcode, op.push) {
        (_, Some(d)) => script_num(d, 5)?,
        (o, None) if (script::OP_1..=script::OP_16).contains(&o) => i64::from(o - script::OP_1 + 1),
        _ => return None,
    };
    u32::try_from(n).ok()
}

/// The height the contextual rules use: the node's (`opts.height`), else the coinbase's
/// BIP34 claim where the claim can be trusted: on networks where BIP34 is active from
/// genesis or block 1, and elsewhere for blocks of version 2 or more (version-1 blocks
/// predate BIP34 and their coinbase's first push is arbitrary, e.g. `04ffff001d`).
pub(super) fn block_height(
    block: &Block,
    opts: &ValidateOptions<'_>,
    params: &NetworkParams,
) -> Option<u32> {
    if opts.height.is_some() {
        return opts.height;
    }
    let claimed = block
        .txs
        .first()
        .filter(|t| t.is_coinbase())
        .and_then(bip34_height)?;
    (params.bip34_height <= 1 || block.header.base().version >= 2).then_some(claimed)
}

/// Header context that depends only on the height (`ContextualCheckBlockHeader`): the
/// minimum block version (BIP34 / BIP66 / BIP65 `bad-version`).
pub(super) fn check_version(
    block: &Block,
    params: &NetworkParams,
    height: Option<u32>,
    rep: &mut BlockReport,
) {
    let Some(h) = height else {
        return;
    };
    let version = block.header.base().version;
    let min = params.min_block_version(h);
    if version < min {
        rep.fail(ValidationError::BadVersion {
            version,
            height: h,
            min,
        });
    }
}

/// BIP34 (`ContextualCheckBlock`, `bad-cb-height`): from the network's BIP34 height the
/// coinbase scriptSig starts with `CScript() << height`. Checked against the node's height
/// when it is given; without it, only where BIP34 is active from genesis or block 1 (every
/// block then carries its height, so the claim must be a canonical push of at least the
/// activation height). Elsewhere a node must give the height for this rule.
pub(super) fn check_bip34(
    block: &Block,
    opts: &ValidateOptions<'_>,
    params: &NetworkParams,
    rep: &mut BlockReport,
) {
    let Some(ss) = block
        .txs
        .first()
        .filter(|t| t.is_coinbase())
        .and_then(|cb| cb.inputs.first())
        .map(|i| i.script_sig.as_slice())
    else {
        return; // FirstTxNotCoinbase is reported by check_structure
    };
    let shown = |n: usize| hex::encode(ss.get(..n.min(ss.len())).unwrap_or(&[]));
    match opts.height {
        Some(h) if h >= params.bip34_height => {
            let want = height_push(h);
            if !ss.starts_with(&want) {
                rep.fail(ValidationError::BadCoinbaseHeight {
                    expected: Some(h),
                    reason: format!(
                        "scriptSig starts with {}, expected {}",
                        shown(want.len()),
                        hex::encode(&want)
                    ),
                });
            }
        }
        Some(_) => {}
        None if params.bip34_height <= 1 => {
            let claimed = block.txs.first().and_then(bip34_height);
            let reason = match claimed {
                None => Some("the coinbase does not start with a height push".to_string()),
                Some(c) if c < params.bip34_height => Some(format!(
                    "claims height {c}, below the activation height {}",
                    params.bip34_height
                )),
                Some(c) if !ss.starts_with(&height_push(c)) => Some(format!(
                    "height {c} is not pushed as CScript() << {c} (scriptSig starts with {})",
                    shown(6)
                )),
                Some(_) => None,
            };
            if let Some(reason) = reason {
                rep.fail(ValidationError::BadCoinbaseHeight {
                    expected: None,
                    reason,
                });
            }
        }
        None => {}
    }
}

pub(super) fn check_structure(
    block: &Block,
    opts: &ValidateOptions<'_>,
    params: &NetworkParams,
    height: Option<u32>,
    rep: &mut BlockReport,
) {
    let chain = opts.chain;
    let maxw = max_block_weight(chain);
    if block.txs.is_empty() {
        rep.fail(ValidationError::NoTransactions);
        return;
    }
    let ntx = block.txs.len() as u64;
    if ntx * WITNESS_SCALE_FACTOR > maxw {
        rep.fail(ValidationError::BlockTooLarge {
            what: "tx count x4",
            value: ntx * 4,
            limit: maxw,
        });
    }
    let stripped = block.stripped_size() as u64;
    if stripped * WITNESS_SCALE_FACTOR > maxw {
        rep.fail(ValidationError::BlockTooLarge {
            what: "stripped size x4",
            value: stripped * 4,
            limit: maxw,
        });
    }
    let weight = block.weight() as u64;
    if weight > maxw {
        rep.fail(ValidationError::BlockTooLarge {
            what: "weight",
            value: weight,
            limit: maxw,
        });
    }
    if !block.txs.first().is_some_and(|t| t.is_coinbase()) {
        rep.fail(ValidationError::FirstTxNotCoinbase);
    }
    for (i, tx) in block.txs.iter().enumerate().skip(1) {
        if tx.is_coinbase() {
            rep.fail(ValidationError::ExtraCoinbase { tx: i });
        }
    }
    for (i, tx) in block.txs.iter().enumerate() {
        check_tx_rules(i, tx, chain, maxw, rep);
    }
    // CheckBlock's legacy count (Qtum: against dgpMaxBlockSigOps). P2SH and witness sigops
    // need the spent outputs and are counted by the node (ConnectBlock).
    let sigops: u64 = block.txs.iter().map(legacy_sigops).sum();
    let limit = max_block_sigops_cost(chain);
    if sigops * WITNESS_SCALE_FACTOR > limit {
        rep.fail(ValidationError::BlockTooLarge {
            what: "legacy sigop cost",
            value: sigops * WITNESS_SCALE_FACTOR,
            limit,
        });
    }
    if let Header::Qtum(q) = &block.header {
        check_qtum_stake(block, q, params.qtum.as_ref(), height, rep);
    }
}

/// CheckTransaction rules for tx `i` (no UTXO set needed).
pub(super) fn check_tx_rules(
    i: usize,
    tx: &Transaction,
    chain: Chain,
    maxw: u64,
    rep: &mut BlockReport,
) {
    let money = max_money(chain);

    if tx.inputs.is_empty() {
        rep.fail(ValidationError::BadTx {
            tx: i,
            reason: "no inputs".into(),
        });
    }
    if tx.outputs.is_empty() {
        rep.fail(ValidationError::BadTx {
            tx: i,
            reason: "no outputs".into(),
        });
    }
    if (tx.stripped_size() as u64) * WITNESS_SCALE_FACTOR > maxw {
        rep.fail(ValidationError::BadTx {
            tx: i,
            reason: "transaction exceeds the block weight limit".into(),
        });
    }
    let mut total: i64 = 0;
    for (k, o) in tx.outputs.iter().enumerate() {
        if o.value < 0 {
            rep.fail(ValidationError::BadTx {
                tx: i,
                reason: format!("output {k} value is negative"),
            });
        } else if o.value > money {
            rep.fail(ValidationError::BadTx {
                tx: i,
                reason: format!("output {k} value above MAX_MONEY"),
            });
        } else {
            total = total.saturating_add(o.value);
            if total > money {
                rep.fail(ValidationError::BadTx {
                    tx: i,
                    reason: "output total above MAX_MONEY".into(),
                });
            }
        }
    }
    let mut seen: BTreeMap<OutPoint, usize> = BTreeMap::new();
    for (k, inp) in tx.inputs.iter().enumerate() {
        if let Some(first) = seen.insert(inp.prevout, k) {
            rep.fail(ValidationError::DuplicateInput {
                tx: i,
                input: k,
                first,
            });
        }
    }
    if tx.is_coinbase() {
        let len = tx.inputs.first().map_or(0, |x| x.script_sig.len());
        if !COINBASE_SCRIPT_SIG_LEN.contains(&len) {
            rep.fail(ValidationError::BadCoinbaseLength { len });
        }
    } else {
        for (k, inp) in tx.inputs.iter().enumerate() {
            if inp.prevout.is_null() {
                rep.fail(ValidationError::NullPrevout { tx: i, input: k });
            }
        }
    }
}

/// Core's `GetLegacySigOpCount` (inaccurate mode: a CHECKMULTISIG counts 20).
pub fn legacy_sigops(tx: &Transaction) -> u64 {
    let count = |s: &[u8]| -> u64 {
        let mut n = 0u64;
        let mut pc = 0usize;
        while pc < s.len() {
            match get_op(s, &mut pc) {
                Some(op) => match op.opcode {
                    OP_CHECKSIG | OP_CHECKSIGVERIFY => n += 1,
                    OP_CHECKMULTISIG | OP_CHECKMULTISIGVERIFY => n += 20,
                    _ => {}
                },
                None => break,
            }
        }
        n
    };
    tx.inputs.iter().map(|i| count(&i.script_sig)).sum::<u64>()
        + tx.outputs
            .iter()
            .map(|o| count(&o.script_pubkey))
            .sum::<u64>()
}
