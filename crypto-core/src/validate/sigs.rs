//! The signature pipeline, five phases each crossing the backend as whole batches: plan,
//! HASH160 / witness-script SHA-256, BIP143 and BIP341 midstates (then the Taproot
//! commitments, `sigs_taproot`), sighash preimages, verification (ECDSA with the Qtum block
//! signature in one verify batch, BIP340 in one Schnorr batch), then resolution
//! (CHECKMULTISIG matching) into counts and per-input errors.

use crate::clock::Instant;
use crate::prelude::*;
use alloc::collections::BTreeMap;

use crate::backend::{Digest32, HashJob, PubkeyBytes, Verdict, VerifyJob};
use crate::block::Block;
use crate::der;
use crate::hashes::ripemd160;
use crate::header::Header;
use crate::params::{Network, NetworkParams, BITCOIN_TAPROOT_EXCEPTION_BLOCK};
use crate::script::{find_and_delete, p2pkh_script_pubkey, push_data};
use crate::sighash::{
    bip143_parts, bip143_preimage, bip143_single_output, legacy_preimage, Bip143Hashes,
    LegacySighash, SIGHASH_ONE, SIGHASH_SINGLE,
};
use crate::tx::Transaction;
use crate::Chain;

use super::blocksig::{finish_block_signature, plan_block_signature, SigCheck};
use super::options::{ScriptFlags, ValidateOptions};
use super::plan::{CodeSrc, InputCheck, Plan, Planner, SigVersion};
use super::report::{SigCounts, ValidationError};
use super::sigs_taproot::TaprootStage;
use super::Ctx;

/// Per signature: the digest source and the parsed (r, s), or why the signature fails.
struct SigPrep {
    digest_idx: Option<usize>, // index into the sighash batch; None = SIGHASH_ONE
    rs: Result<der::RawSignature, String>,
}

/// Preimage bytes held before a sighash batch is sent early (a 1 MB block of ordinary
/// transactions stays far below this and goes in one batch).
const PREIMAGE_BATCH_BYTES: usize = 64 * 1024 * 1024;

type InputErrors = Vec<((usize, usize), ValidationError)>;

pub(super) fn check_signatures(
    block: &Block,
    signed_hash: Option<Digest32>,
    opts: &ValidateOptions<'_>,
    params: &NetworkParams,
    height: Option<u32>,
    flags: ScriptFlags,
    ctx: &mut Ctx<'_, '_>,
) -> Result<(), ValidationError> {
    // Qtum block signature: planned first, verified in the same batch as the inputs, and
    // reported before them (Qtum checks it in CheckBlock, before any script).
    let plan = match (&block.header, signed_hash) {
        (Header::Qtum(q), Some(hash)) if q.is_proof_of_stake() => {
            Some(plan_block_signature(block, q, &hash))
        }
        _ => None,
    };
    let extra = match &plan {
        Some(SigCheck::Verify(job)) => Some(job.clone()),
        _ => None,
    };
    let (input_errors, extra_verdict) = sig_pipeline(&block.txs, opts, flags, ctx, extra)?;
    if let (Some(plan), Header::Qtum(q), Some(hash)) = (plan, &block.header, signed_hash) {
        finish_block_signature(
            block,
            q,
            &hash,
            plan,
            extra_verdict,
            opts,
            params,
            height,
            ctx,
        )?;
    }
    if let Some((_, e)) = input_errors.into_iter().next() {
        ctx.rep.fail(e);
    }
    Ok(())
}

/// Plans, hashes and verifies every input signature of `txs` (index 0 is skipped if it is a
/// coinbase). Sets `ctx.rep.signatures` / `not_checkable_reasons`; returns the input errors
/// sorted by (tx, input) and the verdict of `extra` (verified in the same batch).
pub(super) fn sig_pipeline(
    txs: &[Transaction],
    opts: &ValidateOptions<'_>,
    flags: ScriptFlags,
    ctx: &mut Ctx<'_, '_>,
    extra: Option<VerifyJob>,
) -> Result<(InputErrors, Option<Verdict>), ValidationError> {
    let t = Instant::now();
    let mut planner = Planner {
        h160_reqs: Vec::new(),
        sha_reqs: Vec::new(),
        null_dummy: flags.null_dummy,
        chain: opts.chain,
        prevouts: opts.prevouts,
        spent_cache: BTreeMap::new(),
        taproot: !(opts.chain == Chain::Bitcoin
            && opts.network == Network::Mainnet
            && ctx.rep.block_hash.as_deref() == Some(BITCOIN_TAPROOT_EXCEPTION_BLOCK)),
    };
    let mut checks: Vec<InputCheck> = Vec::new();
    let mut tap_checks = Vec::new();
    let mut counts = SigCounts::default();
    // Errors are ordered by (tx, input): remember each with its position.
    let mut input_errors: Vec<((usize, usize), ValidationError)> = Vec::new();
    for (txi, tx) in txs.iter().enumerate() {
        for ini in 0..tx.inputs.len() {
            match planner.plan(txi, tx, ini) {
                Plan::Coinbase => {}
                Plan::NotCheckable(why) => {
                    counts.not_checkable += 1;
                    *ctx.rep
                        .not_checkable_reasons
                        .entry(why.to_string())
                        .or_insert(0) += 1;
                    if opts.require_all_checkable {
                        input_errors.push((
                            (txi, ini),
                            ValidationError::NotCheckable {
                                tx: txi,
                                input: ini,
                                reason: why.to_string(),
                            },
                        ));
                    }
                }
                Plan::Fail(e) => {
                    counts.checked += 1;
                    counts.invalid += 1;
                    input_errors.push(((txi, ini), e));
                }
                Plan::Check(c) => checks.push(c),
                Plan::Taproot(c) => tap_checks.push(c),
            }
        }
    }
    ctx.time("sig_plan", t);

    // HASH160 requests: SHA-256 on the backend, RIPEMD-160 here.
    let t = Instant::now();
    let jobs: Vec<HashJob> = planner
        .h160_reqs
        .iter()
        .chain(planner.sha_reqs.iter())
        .map(|d| HashJob::sha256(d.clone()))
        .collect();
    let sha = ctx.hash(&jobs)?;
    let n160 = planner.h160_reqs.len();
    let h160: Vec<[u8; 20]> = sha.iter().take(n160).map(|d| ripemd160(d)).collect();
    let sha_ws: Vec<Digest32> = sha.iter().skip(n160).copied().collect();
    ctx.time("hash160", t);

    // Resolve script codes and HASH160 conditions.
    let mut live: Vec<(InputCheck, Vec<u8>)> = Vec::with_capacity(checks.len());
    for c in checks {
        let failed = c
            .h160_checks
            .iter()
            .find(|(r, want, _)| h160.get(*r) != Some(want))
            .map(|(_, _, why)| *why)
            .or_else(|| {
                c.sha_checks
                    .iter()
                    .find(|(r, want, _)| sha_ws.get(*r) != Some(want))
                    .map(|(_, _, why)| *why)
            });
        if let Some(why) = failed {
            counts.checked += c.sigs.len() as u64;
            counts.invalid += c.sigs.len() as u64;
            input_errors.push((
                (c.tx, c.input),
                ValidationError::BadScript {
                    tx: c.tx,
                    input: c.input,
                    reason: why.to_string(),
                },
            ));
            continue;
        }
        let code = match &c.code {
            CodeSrc::Explicit(v) => v.clone(),
            CodeSrc::P2pkhFromH160(r) => match h160.get(*r) {
                Some(h) => p2pkh_script_pubkey(h),
                None => continue,
            },
        };
        live.push((c, code));
    }

    // BIP143 midstates for transactions with witness-v0 checks.
    let t = Instant::now();
    let mut bip_tx: BTreeMap<usize, usize> = BTreeMap::new(); // tx -> index of its 3 jobs
    let mut single_out: BTreeMap<(usize, usize), usize> = BTreeMap::new(); // (tx, out) -> job
    let mut jobs: Vec<HashJob> = Vec::new();
    for (c, _) in &live {
        if let SigVersion::WitnessV0 { .. } = c.version {
            let Some(tx) = txs.get(c.tx) else {
                continue;
            };
            if let alloc::collections::btree_map::Entry::Vacant(e) = bip_tx.entry(c.tx) {
                e.insert(jobs.len());
                let p = bip143_parts(tx);
                jobs.push(HashJob::sha256d(p.prevouts));
                jobs.push(HashJob::sha256d(p.sequences));
                jobs.push(HashJob::sha256d(p.outputs));
            }
            for s in &c.sigs {
                let ht = s.last().copied().unwrap_or(0) as i32;
                if ht & 0x1f == SIGHASH_SINGLE && !single_out.contains_key(&(c.tx, c.input)) {
                    if let Some(o) = bip143_single_output(tx, c.input) {
                        single_out.insert((c.tx, c.input), jobs.len());
                        jobs.push(HashJob::sha256d(o));
                    }
                }
            }
        }
    }
    let mut tap = TaprootStage::new(tap_checks);
    tap.push_midstate_jobs(txs, &planner.spent_cache, &mut jobs);
    let bip_digests = ctx.hash(&jobs)?;
    drop(jobs);
    ctx.time("bip143", t);
    let t = Instant::now();
    tap.check_commitments(&bip_digests, ctx, &mut counts, &mut input_errors)?;
    ctx.time("taproot_commitment", t);

    // Sighash preimages: one batch for the block, flushed early only when the preimages
    // exceed PREIMAGE_BATCH_BYTES (legacy sighashing is quadratic in the tx size, so a
    // hostile block must not make us hold gigabytes of preimages at once).
    let t = Instant::now();
    let mut pre_jobs: Vec<HashJob> = Vec::new();
    let mut pre_bytes = 0usize;
    let mut digests: Vec<Digest32> = Vec::new();
    let mut preps: Vec<Vec<SigPrep>> = Vec::with_capacity(live.len());
    for (c, code) in &live {
        let Some(tx) = txs.get(c.tx) else {
            continue;
        };
        let mut code_base = code.clone();
        if c.version == SigVersion::Base {
            // FindAndDelete every signature of this check (CHECKMULTISIG removes all of them).
            for s in &c.sigs {
                find_and_delete(&mut code_base, &push_data(s));
            }
        }
        let mut v = Vec::with_capacity(c.sigs.len());
        for s in &c.sigs {
            let rs = sig_rs(s, flags);
            let ht = s.last().copied().unwrap_or(0) as i32;
            let digest_idx = match c.version {
                SigVersion::Base => match legacy_preimage(tx, c.input, &code_base, ht) {
                    LegacySighash::Preimage(p) => {
                        pre_bytes += p.len();
                        pre_jobs.push(HashJob::sha256d(p));
                        Some(digests.len() + pre_jobs.len() - 1)
                    }
                    LegacySighash::One => None,
                },
                SigVersion::WitnessV0 { amount } => {
                    let base = bip_tx.get(&c.tx).copied().unwrap_or(0);
                    let d = |k: usize| bip_digests.get(base + k).copied().unwrap_or([0u8; 32]);
                    let hashes = Bip143Hashes {
                        hash_prevouts: d(0),
                        hash_sequence: d(1),
                        hash_outputs: d(2),
                    };
                    let so = single_out
                        .get(&(c.tx, c.input))
                        .and_then(|k| bip_digests.get(*k));
                    match bip143_preimage(tx, c.input, code, amount, ht, &hashes, so) {
                        Some(p) => {
                            pre_bytes += p.len();
                            pre_jobs.push(HashJob::sha256d(p));
                            Some(digests.len() + pre_jobs.len() - 1)
                        }
                        None => None,
                    }
                }
            };
            v.push(SigPrep { digest_idx, rs });
            if pre_bytes > PREIMAGE_BATCH_BYTES {
                digests.extend(ctx.hash(&pre_jobs)?);
                pre_jobs.clear();
                pre_bytes = 0;
            }
        }
        preps.push(v);
    }
    tap.push_sighash_jobs(
        txs,
        &bip_digests,
        digests.len(),
        &mut pre_jobs,
        &mut counts,
        &mut input_errors,
    );
    digests.extend(ctx.hash(&pre_jobs)?);
    drop(pre_jobs);
    ctx.time("sighash", t);

    // Verify jobs: P2PKH-like one pair; multisig the pairs OP_CHECKMULTISIG may consult.
    let t = Instant::now();
    let mut vjobs: Vec<VerifyJob> = Vec::new();
    // For each check: map (sig_from_end, key_from_end) -> job index (None = fails without crypto).
    let mut pair_maps: Vec<BTreeMap<(usize, usize), Option<usize>>> =
        Vec::with_capacity(live.len());
    let mut sig_errors: Vec<Vec<Option<String>>> = Vec::with_capacity(live.len());
    for ((c, _), prep) in live.iter().zip(preps.iter()) {
        let m = c.sigs.len();
        let n = c.keys.len();
        let mut map = BTreeMap::new();
        let errs: Vec<Option<String>> = prep.iter().map(|p| p.rs.as_ref().err().cloned()).collect();
        if m <= n {
            for ie in 0..m {
                for je in ie..=(ie + (n - m)) {
                    let si = m - 1 - ie;
                    let ki = n - 1 - je;
                    let job = match (
                        prep.get(si),
                        c.keys.get(ki).and_then(|k| PubkeyBytes::from_sec1(k)),
                    ) {
                        (
                            Some(SigPrep {
                                digest_idx,
                                rs: Ok(rs),
                            }),
                            Some(pk),
                        ) => {
                            let prehash = match digest_idx {
                                Some(d) => digests.get(*d).copied().unwrap_or([0u8; 32]),
                                None => SIGHASH_ONE,
                            };
                            vjobs.push(VerifyJob {
                                pubkey: pk,
                                prehash,
                                r: rs.r,
                                s: rs.s,
                            });
                            Some(vjobs.len() - 1)
                        }
                        _ => None,
                    };
                    map.insert((ie, je), job);
                }
            }
        }
        pair_maps.push(map);
        sig_errors.push(errs);
    }
    let extra_idx = extra.map(|j| {
        vjobs.push(j);
        vjobs.len() - 1
    });
    let verdicts = ctx.verify(&vjobs)?;
    let schnorr_jobs = tap.schnorr_jobs(&digests);
    let schnorr_verdicts = ctx.verify_schnorr(&schnorr_jobs)?;
    ctx.time("verify", t);
    tap.resolve(&schnorr_verdicts, &mut counts, &mut input_errors);
    let t = Instant::now();

    // Resolve.
    for (((c, _), map), errs) in live.iter().zip(pair_maps.iter()).zip(sig_errors.iter()) {
        let m = c.sigs.len();
        let n = c.keys.len();
        let pair = |ie: usize, je: usize| -> Result<(), String> {
            match map.get(&(ie, je)) {
                Some(Some(j)) => match verdicts.get(*j) {
                    Some(Verdict::Valid) => Ok(()),
                    Some(Verdict::Invalid(f)) => Err(f.to_string()),
                    None => Err("missing verdict".into()),
                },
                _ => {
                    let si = m.wrapping_sub(1 + ie);
                    match errs.get(si).cloned().flatten() {
                        Some(e) => Err(e),
                        None => Err("public key cannot be parsed".into()),
                    }
                }
            }
        };
        counts.checked += m as u64;
        let mut matched = 0usize;
        let mut err: Option<String> = None;
        if m > n {
            err = Some(format!("{m} signatures for {n} keys"));
        } else if !c.multisig {
            match pair(0, 0) {
                Ok(()) => matched = 1,
                Err(e) => err = Some(e),
            }
        } else {
            let (mut isig, mut ikey, mut nsigs, mut nkeys) = (0usize, 0usize, m, n);
            let mut last_err = String::new();
            while nsigs > 0 {
                match pair(isig, ikey) {
                    Ok(()) => {
                        isig += 1;
                        nsigs -= 1;
                        matched += 1;
                    }
                    Err(e) => last_err = e,
                }
                ikey += 1;
                nkeys -= 1;
                if nsigs > nkeys {
                    err = Some(format!(
                        "{m}-of-{n} multisig: {matched} signatures matched ({last_err})"
                    ));
                    break;
                }
            }
        }
        counts.valid += matched as u64;
        counts.invalid += (m - matched.min(m)) as u64;
        if let Some(e) = err {
            input_errors.push((
                (c.tx, c.input),
                ValidationError::BadSignature {
                    tx: c.tx,
                    input: c.input,
                    reason: format!("{} ({})", e, c.kind),
                },
            ));
        }
    }
    input_errors.sort_by_key(|(k, _)| *k);
    ctx.rep.signatures = counts;
    ctx.time("resolve", t);
    Ok((
        input_errors,
        extra_idx.and_then(|j| verdicts.get(j).copied()),
    ))
}

/// Encoding policy, then the lax parse Core verifies with.
fn sig_rs(sig: &[u8], flags: ScriptFlags) -> Result<der::RawSignature, String> {
    if sig.is_empty() {
        return Err(der::DerError::Empty.to_string());
    }
    if flags.strict_der || flags.low_s {
        der::check_strict(sig).map_err(|e| e.to_string())?;
    }
    if flags.low_s {
        der::check_low_s(sig).map_err(|e| e.to_string())?;
    }
    let body = sig.split_last().map(|(_, d)| d).unwrap_or(&[]);
    der::parse_lax(body).map_err(|e| e.to_string())
}
