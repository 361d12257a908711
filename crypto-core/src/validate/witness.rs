//! BIP141 witness commitment: the coinbase's last `OP_RETURN aa21a9ed…` output commits to
//! the witness merkle root and the coinbase's reserved value.

use crate::backend::HashJob;
use crate::block::Block;
use crate::header::Header;
use crate::merkle::merkle_root;
use crate::params::WITNESS_COMMITMENT_HEADER;
use crate::prelude::*;

use super::report::ValidationError;
use super::{merkle_node_count, Ctx};

/// Core's `ContextualCheckBlock` witness rules. Before segwit activation (`segwit` false)
/// no transaction may carry witness data and the commitment output is an ordinary output.
pub(super) fn check_witness(
    block: &Block,
    segwit: bool,
    ctx: &mut Ctx<'_, '_>,
) -> Result<(), ValidationError> {
    let Some(cb) = block.txs.first() else {
        return Ok(());
    };
    if !segwit {
        if let Some(tx) = block.txs.iter().position(|t| t.has_witness()) {
            ctx.rep.witness_commitment_ok = Some(false);
            ctx.rep.fail(ValidationError::UnexpectedWitness { tx });
        }
        return Ok(());
    }
    // Core's GetWitnessCommitmentIndex: the last matching output.
    let commit_idx = cb.outputs.iter().rposition(|o| {
        o.script_pubkey.len() >= 38 && o.script_pubkey.starts_with(&WITNESS_COMMITMENT_HEADER)
    });
    let any_witness = block.txs.iter().any(|t| t.has_witness());
    let Some(ci) = commit_idx else {
        if any_witness {
            let tx = block.txs.iter().position(|t| t.has_witness()).unwrap_or(0);
            ctx.rep.witness_commitment_ok = Some(false);
            ctx.rep.fail(ValidationError::UnexpectedWitness { tx });
        }
        return Ok(());
    };
    let nonce = match cb.inputs.first().map(|i| i.witness.as_slice()) {
        Some([n]) if n.len() == 32 => n.clone(),
        _ => {
            ctx.rep.witness_commitment_ok = Some(false);
            ctx.rep.fail(ValidationError::BadWitnessCommitment {
                reason: "coinbase witness must be exactly one 32-byte reserved value".into(),
            });
            return Ok(());
        }
    };
    let jobs: Vec<HashJob> = block
        .txs
        .iter()
        .skip(1)
        .map(|t| HashJob::sha256d(t.serialize(true)))
        .collect();
    let mut wtxids = vec![[0u8; 32]];
    wtxids.extend(ctx.hash(&jobs)?);
    // Qtum: in a proof-of-stake block the coinstake's witness hash is zero as well
    // (checked against the commitment of the real Qtum block blockbench.raw).
    if matches!(&block.header, Header::Qtum(q) if q.is_proof_of_stake()) {
        if let Some(w) = wtxids.get_mut(1) {
            *w = [0u8; 32];
        }
    }
    ctx.hash_jobs += merkle_node_count(wtxids.len());
    let root = merkle_root(&wtxids, ctx.backend)
        .map_err(ValidationError::Backend)?
        .root;
    let mut pre = root.to_vec();
    pre.extend_from_slice(&nonce);
    let commit = ctx.hash(&[HashJob::sha256d(pre)])?;
    let spk = cb
        .outputs
        .get(ci)
        .map(|o| o.script_pubkey.as_slice())
        .unwrap_or(&[]);
    let ok = commit.first().map(|c| c.as_slice()) == spk.get(6..38);
    ctx.rep.witness_commitment_ok = Some(ok);
    if !ok {
        ctx.rep.fail(ValidationError::BadWitnessCommitment {
            reason: "witness merkle root does not match".into(),
        });
    }
    Ok(())
}
