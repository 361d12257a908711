//! The Taproot part of the signature pipeline. Every hash is an ordinary SHA-256 job, sent
//! in the pipeline's batches:
//! 1. with the BIP143 midstates: per transaction the BIP341 digests (prevouts, amounts,
//!    scriptPubKeys, sequences where an input signs without ANYONECANPAY; outputs where one
//!    signs ALL or DEFAULT), per input the annex, SINGLE output and TapLeaf hashes;
//! 2. script-path commitments: one batch per merkle-path level (TapBranch), the TapTweak
//!    hash when an input's root is reached, then the tweak `lift_x(p) + t·G` in software;
//! 3. with the block's sighash preimages: the TapSighash of each input;
//! 4. one `verify_schnorr_batch` with every BIP340 signature of the block.

use crate::prelude::*;
use alloc::collections::BTreeMap;

use crate::backend::{Digest32, HashJob};
use crate::schnorr::{SchnorrJob, SchnorrVerdict};
use crate::taproot::sighash::{
    annex_preimage, outputs_preimage, sighash_preimage, single_output_preimage, ScriptPath,
    SpendData, TxHashes, TxParts, NO_CODESEPARATOR, SIGHASH_DEFAULT,
};
use crate::taproot::{check_commitment, tapbranch_preimage, tapleaf_preimage, taptweak_preimage};
use crate::tx::{Transaction, TxOut};

use super::plan_taproot::TaprootCheck;
use super::report::{SigCounts, ValidationError};
use super::Ctx;

type InputErrors = Vec<((usize, usize), ValidationError)>;

/// Job indices of one check in the midstate batch.
#[derive(Debug, Clone, Copy, Default)]
struct MidJobs {
    annex: Option<usize>,
    single: Option<usize>,
    leaf: Option<usize>,
}

/// The Taproot checks of a block on their way through the pipeline.
pub(super) struct TaprootStage {
    checks: Vec<TaprootCheck>,
    /// tx -> index of its four input-side BIP341 digests in the midstate batch.
    tx_jobs: BTreeMap<usize, usize>,
    /// tx -> index of its `sha_outputs` job.
    outputs_jobs: BTreeMap<usize, usize>,
    mid: Vec<MidJobs>,
    /// Per check: its sighash's index in the block's sighash batch; `None` once it failed.
    sighash: Vec<Option<usize>>,
    /// Per check: the leaf hash (script path), from the midstate batch.
    leaf_hash: Vec<Option<Digest32>>,
}

impl TaprootStage {
    pub(super) fn new(checks: Vec<TaprootCheck>) -> Self {
        let n = checks.len();
        TaprootStage {
            checks,
            tx_jobs: BTreeMap::new(),
            outputs_jobs: BTreeMap::new(),
            mid: vec![MidJobs::default(); n],
            sighash: vec![None; n],
            leaf_hash: vec![None; n],
        }
    }

    /// Appends the midstate jobs to `jobs` (the BIP143 batch). `spent` holds, per tx, all
    /// spent outputs where the provider knows them (the planner's cache).
    pub(super) fn push_midstate_jobs(
        &mut self,
        txs: &[Transaction],
        spent: &BTreeMap<usize, Option<Vec<TxOut>>>,
        jobs: &mut Vec<HashJob>,
    ) {
        for (c, m) in self.checks.iter().zip(self.mid.iter_mut()) {
            let Some(tx) = txs.get(c.tx) else { continue };
            if c.hash_type & 0x80 == 0 && !self.tx_jobs.contains_key(&c.tx) {
                if let Some(parts) = spent
                    .get(&c.tx)
                    .and_then(Option::as_ref)
                    .and_then(|s| TxParts::new(tx, s))
                {
                    self.tx_jobs.insert(c.tx, jobs.len());
                    jobs.extend(parts.into_array().into_iter().map(HashJob::sha256));
                }
            }
            let signs_outputs = c.hash_type == SIGHASH_DEFAULT || c.hash_type & 3 == 1;
            if signs_outputs && !self.outputs_jobs.contains_key(&c.tx) {
                self.outputs_jobs.insert(c.tx, jobs.len());
                jobs.push(HashJob::sha256(outputs_preimage(tx)));
            }
            if let Some(a) = &c.annex {
                m.annex = Some(jobs.len());
                jobs.push(HashJob::sha256(annex_preimage(a)));
            }
            if c.hash_type & 3 == 3 {
                if let Some(o) = single_output_preimage(tx, c.input) {
                    m.single = Some(jobs.len());
                    jobs.push(HashJob::sha256(o));
                }
            }
            if let Some(l) = &c.leaf {
                m.leaf = Some(jobs.len());
                jobs.push(HashJob::sha256(tapleaf_preimage(
                    l.control.leaf_version,
                    &l.script,
                )));
            }
        }
    }

    /// Script-path commitments: merkle root from the leaf hash and the path (one batch per
    /// level), TapTweak (in the batch after the root), then the tweak check in software.
    /// A failing input becomes an error; its signature is not verified.
    pub(super) fn check_commitments(
        &mut self,
        mid_digests: &[Digest32],
        ctx: &mut Ctx<'_, '_>,
        counts: &mut SigCounts,
        errors: &mut InputErrors,
    ) -> Result<(), ValidationError> {
        let mut node: Vec<Option<Digest32>> = Vec::with_capacity(self.checks.len());
        for m in &self.mid {
            node.push(m.leaf.and_then(|j| mid_digests.get(j).copied()));
        }
        self.leaf_hash.clone_from(&node);
        let mut level = vec![0usize; self.checks.len()];
        let mut tweak: Vec<Option<Digest32>> = vec![None; self.checks.len()];
        loop {
            let mut jobs = Vec::new();
            let mut owners = Vec::new();
            for (i, c) in self.checks.iter().enumerate() {
                let (Some(l), Some(h), None) = (&c.leaf, node[i], tweak[i]) else {
                    continue;
                };
                match l.control.path.get(level[i]) {
                    Some(sibling) => jobs.push(HashJob::sha256(tapbranch_preimage(&h, sibling))),
                    None => jobs.push(HashJob::sha256(taptweak_preimage(
                        &l.control.internal_key,
                        Some(&h),
                    ))),
                }
                owners.push(i);
            }
            if jobs.is_empty() {
                break;
            }
            let d = ctx.hash(&jobs)?;
            for (i, h) in owners.into_iter().zip(d) {
                let done = self.checks[i]
                    .leaf
                    .as_ref()
                    .is_some_and(|l| level[i] >= l.control.path.len());
                if done {
                    tweak[i] = Some(h);
                } else {
                    node[i] = Some(h);
                    level[i] += 1;
                }
            }
        }
        for (i, c) in self.checks.iter().enumerate() {
            let Some(l) = &c.leaf else { continue };
            let r = match tweak[i] {
                Some(t) => check_commitment(&l.control, &t, &l.output_key),
                None => Err(crate::taproot::TaprootError::CommitmentMismatch),
            };
            if let Err(e) = r {
                counts.checked += 1;
                counts.invalid += 1;
                errors.push((
                    (c.tx, c.input),
                    ValidationError::BadScript {
                        tx: c.tx,
                        input: c.input,
                        reason: format!("{e} ({})", c.kind),
                    },
                ));
                self.leaf_hash[i] = None; // marks the check as failed
            }
        }
        Ok(())
    }

    /// Appends each live check's TapSighash preimage to `pre_jobs`; `base` is the number of
    /// sighash digests already computed (the early-flushed part of the batch).
    pub(super) fn push_sighash_jobs(
        &mut self,
        txs: &[Transaction],
        mid_digests: &[Digest32],
        base: usize,
        pre_jobs: &mut Vec<HashJob>,
        counts: &mut SigCounts,
        errors: &mut InputErrors,
    ) {
        let digest = |j: Option<usize>| j.and_then(|j| mid_digests.get(j).copied());
        for (i, c) in self.checks.iter().enumerate() {
            if c.leaf.is_some() && self.leaf_hash[i].is_none() {
                continue; // commitment failed
            }
            let Some(tx) = txs.get(c.tx) else { continue };
            let hashes = self.tx_jobs.get(&c.tx).map(|&b| {
                let d = |k: usize| mid_digests.get(b + k).copied().unwrap_or([0u8; 32]);
                TxHashes::from_digests(&[d(0), d(1), d(2), d(3)])
            });
            let data = SpendData {
                input: c.input,
                hash_type: c.hash_type,
                spent: &c.spent,
                outputs_hash: digest(self.outputs_jobs.get(&c.tx).copied()),
                annex_hash: digest(self.mid[i].annex),
                single_output_hash: digest(self.mid[i].single),
                script_path: self.leaf_hash[i].map(|leaf_hash| ScriptPath {
                    leaf_hash,
                    codesep_pos: NO_CODESEPARATOR,
                }),
            };
            match sighash_preimage(tx, hashes.as_ref(), &data) {
                Ok(p) => {
                    self.sighash[i] = Some(base + pre_jobs.len());
                    pre_jobs.push(HashJob::sha256(p));
                }
                Err(e) => {
                    counts.checked += 1;
                    counts.invalid += 1;
                    errors.push((
                        (c.tx, c.input),
                        ValidationError::BadSignature {
                            tx: c.tx,
                            input: c.input,
                            reason: format!("{e} ({})", c.kind),
                        },
                    ));
                }
            }
        }
    }

    /// The BIP340 jobs of the live checks, given the block's sighash digests.
    pub(super) fn schnorr_jobs(&self, sighashes: &[Digest32]) -> Vec<SchnorrJob> {
        self.checks
            .iter()
            .zip(&self.sighash)
            .filter_map(|(c, s)| {
                // `Ctx::hash` returns one digest per job, so the index is always in range.
                let msg32 = sighashes.get((*s)?).copied().unwrap_or([0u8; 32]);
                Some(SchnorrJob {
                    xonly_pubkey: c.key,
                    msg32,
                    sig64: c.sig,
                })
            })
            .collect()
    }

    /// Counts the verdicts (in [`TaprootStage::schnorr_jobs`] order) and records failures.
    pub(super) fn resolve(
        &self,
        verdicts: &[SchnorrVerdict],
        counts: &mut SigCounts,
        errors: &mut InputErrors,
    ) {
        let live = self
            .checks
            .iter()
            .zip(&self.sighash)
            .filter(|(_, s)| s.is_some())
            .map(|(c, _)| c);
        for (k, c) in live.enumerate() {
            counts.checked += 1;
            let reason = match verdicts.get(k) {
                Some(SchnorrVerdict::Valid) => {
                    counts.valid += 1;
                    continue;
                }
                Some(SchnorrVerdict::Invalid(f)) => f.to_string(),
                None => "missing verdict".to_string(),
            };
            counts.invalid += 1;
            errors.push((
                (c.tx, c.input),
                ValidationError::BadSignature {
                    tx: c.tx,
                    input: c.input,
                    reason: format!("{reason} ({})", c.kind),
                },
            ));
        }
    }
}
