//! The block-validation pipeline and its report.
//!
//! Phases (each crossing the backend boundary as whole batches):
//! 1. parse (no crypto); 2. header hash (one batch; Qtum: full and signed hash);
//! 3. proof of work; 4. structural consensus checks (CheckBlock / CheckTransaction rules that
//!    need no UTXO set); 5. txids (one batch); 6. merkle root, one batch per level, with
//!    CVE-2012-2459 detection; 7. witness commitment (wtxids in one batch); 8. signature jobs:
//!    HASH160 of keys / scripts (one SHA-256 batch), BIP143 midstates (one batch), all sighash
//!    preimages of the block (one batch), all (pubkey, sighash, r, s) jobs plus the Qtum block
//!    signature (one `verify_batch`), all BIP340 jobs (one `verify_schnorr_batch`); Taproot
//!    script-path commitments take one more hash batch per merkle-path level.
//!
//! Where things live: `options` (what the caller chooses), `report` (errors and the
//! report), `rules` (CheckBlock / CheckTransaction), `witness` (BIP141 commitment), `plan`
//! (which signatures an input needs), `sigs` (the batched signature pipeline), `qtum` (proof
//! of stake and the block signature).

use crate::prelude::*;
mod blocksig;
mod options;
mod plan;
mod plan_taproot;
mod qtum;
mod report;
mod rules;
mod sigs;
mod sigs_taproot;
mod witness;

use crate::clock::Instant;

use crate::backend::{Backend, BackendError, Digest32, HashJob, Verdict, VerifyJob};
use crate::block::Block;
use crate::encode::display_hex;
use crate::header::Header;
use crate::merkle::merkle_root;
use crate::params::max_block_weight;
use crate::pow::check_pow;
use crate::schnorr::{SchnorrJob, SchnorrVerdict};
use crate::tx::Transaction;

pub use blocksig::{pod_message_preimage, BlockSigError};
pub use options::{PrevoutProvider, ScriptFlags, ValidateOptions, BIP66_HEIGHT, SEGWIT_HEIGHT};
pub use report::{BlockReport, SigCounts, TxReport, ValidationError};
pub use rules::{bip34_height, legacy_sigops};

use blocksig::check_canonical;
use qtum::check_qtum_context;
use rules::{block_height, check_bip34, check_structure, check_tx_rules, check_version};
use sigs::{check_signatures, sig_pipeline};
use witness::check_witness;

/// Validates one serialized block: every check that needs no UTXO set (plus the prevout-based
/// signature checks when `opts.prevouts` is given). Never panics; the first broken rule is in
/// `error` / `error_detail`.
pub fn validate_block(
    raw: &[u8],
    opts: &ValidateOptions<'_>,
    backend: &dyn Backend,
) -> BlockReport {
    let t0 = Instant::now();
    let mut rep = BlockReport::new(opts.chain, opts.network, backend.name());
    let mut ctx = Ctx {
        backend,
        rep: &mut rep,
        hash_jobs: 0,
        verify_jobs: 0,
        schnorr_jobs: 0,
    };
    if let Err(e) = run(raw, opts, &mut ctx) {
        ctx.rep.fail(e);
    }
    let (h, v, s) = (ctx.hash_jobs, ctx.verify_jobs, ctx.schnorr_jobs);
    rep.backend_jobs = (h, v);
    rep.schnorr_jobs = s;
    rep.valid = rep.error_detail.is_none();
    rep.timings_ms.insert("total".into(), ms(t0));
    rep
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1e3
}

pub(super) struct Ctx<'r, 'b> {
    pub(super) backend: &'b dyn Backend,
    pub(super) rep: &'r mut BlockReport,
    pub(super) hash_jobs: u64,
    pub(super) verify_jobs: u64,
    pub(super) schnorr_jobs: u64,
}

impl Ctx<'_, '_> {
    pub(super) fn hash(&mut self, jobs: &[HashJob]) -> Result<Vec<Digest32>, ValidationError> {
        if jobs.is_empty() {
            return Ok(Vec::new());
        }
        self.hash_jobs += jobs.len() as u64;
        let r = self
            .backend
            .hash_batch(jobs)
            .map_err(ValidationError::Backend)?;
        if r.len() != jobs.len() {
            return Err(ValidationError::Backend(BackendError::Hardware {
                what: format!(
                    "hash_batch returned {} digests for {} jobs",
                    r.len(),
                    jobs.len()
                ),
            }));
        }
        Ok(r)
    }
    pub(super) fn verify(&mut self, jobs: &[VerifyJob]) -> Result<Vec<Verdict>, ValidationError> {
        if jobs.is_empty() {
            return Ok(Vec::new());
        }
        self.verify_jobs += jobs.len() as u64;
        let r = self
            .backend
            .verify_batch(jobs)
            .map_err(ValidationError::Backend)?;
        if r.len() != jobs.len() {
            return Err(ValidationError::Backend(BackendError::Hardware {
                what: format!(
                    "verify_batch returned {} verdicts for {} jobs",
                    r.len(),
                    jobs.len()
                ),
            }));
        }
        Ok(r)
    }
    pub(super) fn verify_schnorr(
        &mut self,
        jobs: &[SchnorrJob],
    ) -> Result<Vec<SchnorrVerdict>, ValidationError> {
        if jobs.is_empty() {
            return Ok(Vec::new());
        }
        self.schnorr_jobs += jobs.len() as u64;
        let r = self
            .backend
            .verify_schnorr_batch(jobs)
            .map_err(ValidationError::Backend)?;
        if r.len() != jobs.len() {
            return Err(ValidationError::Backend(BackendError::Hardware {
                what: format!(
                    "verify_schnorr_batch returned {} verdicts for {} jobs",
                    r.len(),
                    jobs.len()
                ),
            }));
        }
        Ok(r)
    }
    pub(super) fn time(&mut self, phase: &str, t: Instant) {
        *self.rep.timings_ms.entry(phase.to_string()).or_insert(0.0) += ms(t);
    }
}

fn run(
    raw: &[u8],
    opts: &ValidateOptions<'_>,
    ctx: &mut Ctx<'_, '_>,
) -> Result<(), ValidationError> {
    let params = opts.params()?;
    // 1. parse
    let t = Instant::now();
    let block = Block::parse(raw, opts.chain).map_err(ValidationError::Parse)?;
    ctx.time("parse", t);
    ctx.rep.txs = block.txs.len();
    ctx.rep.inputs = block.input_count();
    let height = block_height(&block, opts, params);
    ctx.rep.height = height;
    let flags = opts.script_flags(height);
    ctx.rep.flags = Some(flags);
    // Qtum checks the signature's encoding first of all (AcceptBlockHeader).
    if let Header::Qtum(q) = &block.header {
        let canonical = check_canonical(q);
        ctx.rep.block_signature_ok = Some(canonical.is_ok());
        if let Err(reason) = canonical {
            ctx.rep.fail(ValidationError::BadBlockSignature { reason });
        }
    }

    // 2. header hash (Qtum: also the hash the staker signed)
    let t = Instant::now();
    let mut jobs = Vec::with_capacity(2);
    match &block.header {
        Header::Bitcoin(h) => jobs.push(HashJob::header80(&h.to_bytes())),
        Header::Qtum(q) => {
            jobs.push(HashJob::sha256d(q.block_hash_preimage()));
            jobs.push(HashJob::sha256d(q.signed_preimage()));
        }
    }
    let hh = ctx.hash(&jobs)?;
    let block_hash = hh.first().copied().unwrap_or([0u8; 32]);
    let signed_hash = hh.get(1).copied();
    ctx.rep.block_hash = Some(display_hex(&block_hash));
    ctx.time("header_hash", t);

    // 3. proof of work (Qtum PoS blocks carry none)
    let base = *block.header.base();
    let pos = matches!(&block.header, Header::Qtum(q) if q.is_proof_of_stake());
    ctx.rep.proof_of_stake = pos;
    if pos {
        ctx.rep.pow_ok = true;
    } else {
        let limit = opts.pow_limit.unwrap_or(params.pow_limit);
        match check_pow(&block_hash, base.bits, &limit) {
            Ok(()) => ctx.rep.pow_ok = true,
            Err(e) => {
                if opts.check_pow {
                    ctx.rep.fail(ValidationError::BadPow(e));
                }
            }
        }
    }

    // Header context that needs only the height (version; Qtum: last PoW block, stake time).
    check_version(&block, params, height, ctx.rep);
    if let (Header::Qtum(q), Some(qp)) = (&block.header, params.qtum.as_ref()) {
        check_qtum_context(q, qp, height, ctx.rep);
    }

    // 4. structure (CheckBlock), then BIP34 (ContextualCheckBlock)
    let t = Instant::now();
    check_structure(&block, opts, params, height, ctx.rep);
    check_bip34(&block, opts, params, ctx.rep);
    ctx.time("structure", t);

    // 5. txids
    let t = Instant::now();
    let jobs: Vec<HashJob> = block
        .txs
        .iter()
        .map(|tx| HashJob::sha256d(tx.serialize(false)))
        .collect();
    let txids = ctx.hash(&jobs)?;
    drop(jobs);
    ctx.time("txids", t);

    // 6. merkle root
    let t = Instant::now();
    ctx.hash_jobs += merkle_node_count(txids.len());
    let mr = merkle_root(&txids, ctx.backend).map_err(ValidationError::Backend)?;
    ctx.rep.merkle_root_ok = mr.root == base.merkle_root && !mr.mutated;
    if mr.root != base.merkle_root {
        ctx.rep.fail(ValidationError::BadMerkleRoot {
            computed: display_hex(&mr.root),
            header: display_hex(&base.merkle_root),
        });
    } else if mr.mutated {
        ctx.rep.fail(ValidationError::MutatedMerkle);
    }
    ctx.time("merkle", t);

    // 7. witness commitment
    let t = Instant::now();
    // An unknown height counts as segwit-active: the commitment is checked when present.
    let segwit = height.is_none_or(|h| h >= params.segwit_height);
    check_witness(&block, segwit, ctx)?;
    ctx.time("witness", t);

    // 8. signatures (+ Qtum block signature in the same verify batch)
    check_signatures(&block, signed_hash, opts, params, height, flags, ctx)?;
    Ok(())
}

/// Number of MerkleNode jobs a tree over `n` leaves needs.
pub(super) fn merkle_node_count(mut n: usize) -> u64 {
    let mut total = 0u64;
    while n > 1 {
        n = n.div_ceil(2);
        total += n as u64;
    }
    total
}

/// Checks one transaction outside a block: the CheckTransaction rules and every input
/// signature that is checkable (with `opts.prevouts`, also the prevout-based forms), under
/// the given `flags`. Error positions name tx 0. Never panics.
pub fn check_transaction(
    tx: &Transaction,
    opts: &ValidateOptions<'_>,
    flags: ScriptFlags,
    backend: &dyn Backend,
) -> TxReport {
    let mut rep = BlockReport::new(opts.chain, opts.network, backend.name());
    check_tx_rules(0, tx, opts.chain, max_block_weight(opts.chain), &mut rep);
    let mut ctx = Ctx {
        backend,
        rep: &mut rep,
        hash_jobs: 0,
        verify_jobs: 0,
        schnorr_jobs: 0,
    };
    match sig_pipeline(core::slice::from_ref(tx), opts, flags, &mut ctx, None) {
        Ok((errs, _)) => {
            if let Some((_, e)) = errs.into_iter().next() {
                ctx.rep.fail(e);
            }
        }
        Err(e) => ctx.rep.fail(e),
    }
    TxReport {
        valid: rep.error_detail.is_none(),
        error: rep.error,
        error_detail: rep.error_detail,
        signatures: rep.signatures,
        not_checkable_reasons: rep.not_checkable_reasons,
    }
}
