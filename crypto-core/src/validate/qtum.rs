//! Qtum proof of stake: the coinstake's position and `prevoutStake`, and the staker's block
//! signature.

use crate::backend::{Digest32, HashJob, PubkeyBytes, VerifyJob};
use crate::block::Block;
use crate::der;
use crate::hashes::ripemd160;
use crate::header::QtumHeader;
use crate::params::QtumParams;
use crate::script::{classify, push_only, Template};

use super::report::{BlockReport, ValidationError};
use super::Ctx;

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

pub(super) fn check_qtum_stake(block: &Block, q: &QtumHeader, rep: &mut BlockReport) {
    for (i, tx) in block.txs.iter().enumerate() {
        if tx.is_coinstake() && (i != 1 || !q.is_proof_of_stake()) {
            rep.fail(ValidationError::BadCoinstake {
                reason: format!("tx {i} is a coinstake in the wrong position"),
            });
        }
    }
    if q.is_proof_of_stake() {
        match block.txs.get(1) {
            Some(cs) if cs.is_coinstake() => {
                if cs.inputs.first().map(|i| i.prevout) != Some(q.prevout_stake) {
                    rep.fail(ValidationError::BadCoinstake {
                        reason: "header prevoutStake differs from the coinstake's first input"
                            .into(),
                    });
                }
            }
            _ => rep.fail(ValidationError::BadCoinstake {
                reason: "proof-of-stake block without a coinstake as tx 1".into(),
            }),
        }
    }
}

/// HASH160 through the backend for the (rare) block-signature key lookup.
pub(super) struct DirectH160<'c, 'r, 'b> {
    pub(super) ctx: &'c mut Ctx<'r, 'b>,
}

impl DirectH160<'_, '_, '_> {
    fn h160(&mut self, data: &[u8]) -> Result<[u8; 20], ValidationError> {
        let d = self.ctx.hash(&[HashJob::sha256(data.to_vec())])?;
        Ok(ripemd160(d.first().unwrap_or(&[0u8; 32])))
    }
}

/// Builds the Qtum block-signature job: the staker key is the coinstake's vout[1] P2PK key,
/// or for a P2PKH vout[1], the key revealed by the coinstake's first input (checked against
/// the hash). A 65-byte signature is read as compact (recovery byte, r, s), otherwise as DER.
pub(super) fn qtum_block_sig_job(
    block: &Block,
    q: &QtumHeader,
    signed_hash: Option<Digest32>,
    h: &mut DirectH160<'_, '_, '_>,
) -> Result<VerifyJob, String> {
    let cs = block
        .txs
        .get(1)
        .filter(|t| t.is_coinstake())
        .ok_or("no coinstake")?;
    let out = cs.outputs.get(1).ok_or("coinstake has no vout[1]")?;
    let key: Vec<u8> = match classify(&out.script_pubkey) {
        Template::P2pk(k) => k.to_vec(),
        Template::P2pkh(want) => {
            let ss = cs
                .inputs
                .first()
                .map(|i| i.script_sig.as_slice())
                .unwrap_or(&[]);
            let pushes = push_only(ss).ok_or("coinstake input scriptSig is not push-only")?;
            let k = pushes.last().ok_or("coinstake input reveals no key")?;
            let got = h.h160(k).map_err(|e| e.to_string())?;
            if got != want {
                return Err("key revealed by the coinstake input does not hash to vout[1]".into());
            }
            k.clone()
        }
        _ => return Err("coinstake vout[1] is neither P2PK nor P2PKH".into()),
    };
    let pk = PubkeyBytes::from_sec1(&key).ok_or("staker public key cannot be parsed")?;
    let sig = &q.block_sig;
    let rs = if sig.len() == 65 && (27..=34).contains(&sig[0]) {
        let mut r = [0u8; 32];
        let mut s = [0u8; 32];
        r.copy_from_slice(&sig[1..33]);
        s.copy_from_slice(&sig[33..65]);
        der::RawSignature { r, s }
    } else {
        der::parse_lax(sig).map_err(|e| e.to_string())?
    };
    let prehash = signed_hash.ok_or("signed header hash missing")?;
    Ok(VerifyJob {
        pubkey: pk,
        prehash,
        r: rs.r,
        s: rs.s,
    })
}
