//! Qtum proof of stake and contracts: the rules of `CheckBlock` and the height-dependent
//! header rules. The block signature is in `blocksig`.

use crate::block::Block;
use crate::header::QtumHeader;
use crate::params::{QtumParams, WITNESS_COMMITMENT_HEADER};
use crate::prelude::*;
use crate::script::{Ops, OP_CALL, OP_CREATE, OP_SENDER, OP_SPEND};
use crate::tx::Transaction;

use super::report::{BlockReport, ValidationError};

/// Qtum header rules that need only the height: no proof-of-work block after the last
/// proof-of-work height (`reject-pow`), and a proof-of-stake block time on the stake
/// timestamp grid (`CheckCoinStakeTimestamp`).
pub(super) fn check_qtum_context(
    q: &QtumHeader,
    qp: &QtumParams,
    height: Option<u32>,
    rep: &mut BlockReport,
) {
    let Some(h) = height else {
        return;
    };
    if !q.is_proof_of_stake() && h > qp.last_pow_block {
        rep.fail(ValidationError::ProofOfWorkAfterLastPowBlock {
            height: h,
            last: qp.last_pow_block,
        });
    }
    let mask = qp.stake_timestamp_mask_at(h);
    if q.is_proof_of_stake() && q.base.time & mask != 0 {
        rep.fail(ValidationError::BadStakeTimestamp {
            time: q.base.time,
            mask,
        });
    }
}

/// Qtum's `CheckBlock` rules for proof of stake and contracts (no UTXO set needed):
/// a coinstake only as tx 1 of a proof-of-stake block; the PoS coinbase pays nothing
/// (`CheckFirstCoinstakeOutput`); `prevoutStake` is the coinstake's first input unless a
/// proof of delegation says otherwise (and, below the offline-staking height where no
/// delegation is honoured, always: `CheckProofOfStake`'s `stake-prevout-diff-block-prevout`);
/// no contract opcodes in the coinbase or coinstake; an `OP_SPEND` transaction only right
/// after a contract transaction (`bad-opspend-tx`).
pub(super) fn check_qtum_stake(
    block: &Block,
    q: &QtumHeader,
    qp: Option<&QtumParams>,
    height: Option<u32>,
    rep: &mut BlockReport,
) {
    let bad = |reason: String| ValidationError::BadCoinstake { reason };
    for (i, tx) in block.txs.iter().enumerate() {
        if tx.is_coinstake() && (i != 1 || !q.is_proof_of_stake()) {
            rep.fail(bad(format!("tx {i} is a coinstake in the wrong position")));
        }
    }
    if let Some(cb) = block.txs.first() {
        let cb_fail = |reason: &str| ValidationError::BadTx {
            tx: 0,
            reason: reason.into(),
        };
        if has_contract_ops(cb) {
            rep.fail(cb_fail(
                "the coinbase must not contain OP_SPEND, OP_CALL, OP_CREATE or OP_SENDER",
            ));
        }
        if q.is_proof_of_stake() && !first_coinstake_output_ok(cb) {
            rep.fail(cb_fail(
                "the coinbase of a proof-of-stake block must pay nothing (one empty output, \
                 plus the witness commitment if any)",
            ));
        }
    }
    if q.is_proof_of_stake() {
        match block.txs.get(1) {
            Some(cs) if cs.is_coinstake() => {
                let same = cs.inputs.first().map(|i| i.prevout) == Some(q.prevout_stake);
                let delegation_honoured = q.has_proof_of_delegation()
                    && match (qp, height) {
                        (Some(qp), Some(h)) => h >= qp.offline_stake_height,
                        _ => true, // unknown height: only CheckBlock's rule applies
                    };
                if !same && !delegation_honoured {
                    rep.fail(bad(
                        "header prevoutStake differs from the coinstake's first input".into(),
                    ));
                }
                if has_contract_ops(cs) {
                    rep.fail(bad(
                        "the coinstake must not contain OP_SPEND, OP_CALL, OP_CREATE or OP_SENDER"
                            .into(),
                    ));
                }
            }
            _ => rep.fail(bad(
                "proof-of-stake block without a coinstake as tx 1".into()
            )),
        }
    }
    let mut last_was_contract = false;
    for (i, tx) in block.txs.iter().enumerate() {
        let spend = tx.inputs.iter().any(|x| x.script_sig == [OP_SPEND]);
        if spend && !last_was_contract {
            rep.fail(ValidationError::BadTx {
                tx: i,
                reason: "OP_SPEND transaction without a contract transaction before it".into(),
            });
        }
        last_was_contract = spend
            || tx
                .outputs
                .iter()
                .any(|o| creates_or_calls(&o.script_pubkey));
    }
}

/// How often `op` occurs in `script`, counting decodable ops only (Core's `CScript::Find`).
fn count_op(script: &[u8], op: u8) -> usize {
    Ops::new(script)
        .map_while(Result::ok)
        .filter(|o| o.opcode == op)
        .count()
}

/// `HasOpCreate() || HasOpCall()`: exactly one `OP_CREATE` or exactly one `OP_CALL`.
fn creates_or_calls(script: &[u8]) -> bool {
    count_op(script, OP_CREATE) == 1 || count_op(script, OP_CALL) == 1
}

/// `HasOpSpend() || HasCreateOrCall() || HasOpSender()` of a transaction.
fn has_contract_ops(tx: &Transaction) -> bool {
    tx.inputs.iter().any(|i| i.script_sig == [OP_SPEND])
        || tx.outputs.iter().any(|o| {
            creates_or_calls(&o.script_pubkey) || count_op(&o.script_pubkey, OP_SENDER) == 1
        })
}

/// `CheckFirstCoinstakeOutput`: without a witness commitment the coinbase has one empty
/// output; with one, two outputs: an empty one and the zero-value commitment.
fn first_coinstake_output_ok(cb: &Transaction) -> bool {
    let has_commitment = cb.outputs.iter().any(|o| {
        o.script_pubkey.len() >= 38 && o.script_pubkey.starts_with(&WITNESS_COMMITMENT_HEADER)
    });
    match (has_commitment, cb.outputs.as_slice()) {
        (false, [o]) => o.is_empty(),
        (true, [o, c]) => o.is_empty() && c.value == 0,
        _ => false,
    }
}
