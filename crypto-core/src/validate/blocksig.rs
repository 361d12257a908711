//! Qtum's block signature, exactly as Qtum applies it (`validation.cpp`, `pos.cpp`,
//! `primitives/block.cpp` at a3956895):
//!
//! 1. **Encoding** (`CheckCanonicalBlockSignature`, in `AcceptBlockHeader` before anything
//!    else, reason `bad-signature-encoding`): a proof-of-work block has an empty field; a
//!    proof-of-stake block's staker signature is either 65 bytes (compact) or the whole
//!    field is strict DER without hash type *and* low S. With a proof of delegation (field
//!    >= 130 bytes, its last 65 bytes) the staker part must therefore be compact.
//! 2. **Signature** (`CheckBlockSignature`, in `CheckBlock`): the staker key is the
//!    coinstake's `vout[1]`: its P2PK key, or the key pushed right after `OP_RETURN`
//!    (`GetBlockPublicKey`). A 65-byte signature whose recovered key equals it passes;
//!    otherwise the signature is verified as lax DER (high S normalised) against it. The
//!    signed hash covers the proof of delegation.
//! 3. **Signer** (height-dependent, `CheckRecoveredPubKeyFromBlockSignature` above
//!    `nEnableHeaderSignatureHeight`, and the delegation part of `CheckProofOfStake` from
//!    `nOfflineStakeHeight`): the recovered signer / delegator must own the staked coin —
//!    compared when a [`PrevoutProvider`](super::PrevoutProvider) knows `prevoutStake`; the
//!    recoveries themselves must succeed whether or not the coin is known.
//!
//! Recovery runs in software ([`crate::recover`]); SHA-256 goes through the backend.

use crate::prelude::*;

use crate::backend::{Digest32, HashJob, PubkeyBytes, Verdict, VerifyFailure, VerifyJob};
use crate::block::Block;
use crate::der::{self, DerError};
use crate::encode::write_var_bytes;
use crate::hashes::ripemd160;
use crate::header::QtumHeader;
use crate::params::{NetworkParams, QtumParams};
use crate::recover::{recover, recover_compact, COMPACT_SIGNATURE_SIZE};
use crate::script::{classify, Ops, Template, OP_16, OP_RETURN};

use super::options::{Prevout, ValidateOptions};
use super::report::ValidationError;
use super::Ctx;

/// Why a Qtum block signature is rejected. Shown after `block signature: `.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum BlockSigError {
    /// A proof-of-work block must carry no signature.
    #[error("proof-of-work block carries a {len}-byte signature")]
    OnProofOfWork {
        /// Length of the signature field.
        len: usize,
    },
    /// Not strict DER (`IsValidSignatureEncoding` without hash type); the rule broken.
    #[error("non-canonical DER ({0})")]
    NonCanonicalDer(&'static str),
    /// Strict DER with `s > n/2`.
    #[error("high S (s above n/2)")]
    HighS,
    /// The field is long enough to hold a proof of delegation (>= 130 bytes), so its staker
    /// part (`len - 65` bytes) had to be a 65-byte compact signature.
    #[error(
        "proof of delegation malformed: a {len}-byte field holds a proof of delegation, \
         so its first {} bytes must be a 65-byte compact staker signature",
        .len.saturating_sub(COMPACT_SIGNATURE_SIZE)
    )]
    PodMalformed {
        /// Length of the signature field.
        len: usize,
    },
    /// `GetBlockPublicKey` finds no staker key in the coinstake.
    #[error("no staker key: {0}")]
    NoStakerKey(&'static str),
    /// Neither a compact signature of the staker key nor parseable as DER.
    #[error("cannot be parsed ({0})")]
    Unparseable(&'static str),
    /// A 65-byte signature recovers a key other than the staker's and is no DER signature
    /// of it either.
    #[error("compact signature recovers a key other than the staker's (coinstake vout[1])")]
    RecoversOtherKey,
    /// Verification against the staker key failed.
    #[error("does not verify against the staker key: {0}")]
    Mismatch(#[source] VerifyFailure),
    /// From `nOfflineStakeHeight` the staker signature must recover a key (compact).
    #[error("not a recoverable compact signature (required from height {from_height})")]
    NotRecoverable {
        /// The network's `nOfflineStakeHeight`.
        from_height: u32,
    },
    /// Between the header-signature and offline-staking heights the signature must recover
    /// a key from its DER form.
    #[error("recovers no signing key from its DER form")]
    NoSigner,
    /// The proof of delegation recovers no key over the staker's key id.
    #[error("proof of delegation recovers no key over the staker's key id")]
    PodNotRecoverable,
    /// The staked coin (`prevoutStake`) is neither P2PK nor P2PKH.
    #[error("the staked coin is neither P2PK nor P2PKH")]
    StakedCoinNotP2pk,
    /// The recovered block signer does not own the staked coin.
    #[error("signer {signer} does not own the staked coin (owner {owner})")]
    NotStakedCoinOwner {
        /// Key id (HASH160, hex) of the recovered signer (before offline staking, when the
        /// DER signature recovers several keys: how many, none of them the owner).
        signer: String,
        /// Key id (HASH160, hex) of the coin's owner.
        owner: String,
    },
    /// The delegator recovered from the proof of delegation does not own the staked coin.
    #[error("proof of delegation signed by {delegator}, but the staked coin belongs to {owner}")]
    PodNotFromOwner {
        /// Key id (HASH160, hex) of the recovered delegator.
        delegator: String,
        /// Key id (HASH160, hex) of the coin's owner.
        owner: String,
    },
}

/// `CheckCanonicalBlockSignature`.
pub(super) fn check_canonical(q: &QtumHeader) -> Result<(), BlockSigError> {
    let field = &q.block_sig;
    if !q.is_proof_of_stake() {
        return match field.len() {
            0 => Ok(()),
            len => Err(BlockSigError::OnProofOfWork { len }),
        };
    }
    if q.staker_signature().len() == COMPACT_SIGNATURE_SIZE {
        return Ok(()); // a proof of delegation, if any, is 65 bytes by construction
    }
    if q.has_proof_of_delegation() {
        return Err(BlockSigError::PodMalformed { len: field.len() });
    }
    // IsDERSignature / IsLowDERSignature on the whole field, without hash type.
    der::check_strict_encoding(field, false).map_err(|e| match e {
        DerError::NotStrictDer(why) => BlockSigError::NonCanonicalDer(why),
        _ => BlockSigError::NonCanonicalDer("not a DER signature"),
    })?;
    if !der::is_low_s_der(field) {
        return Err(BlockSigError::HighS);
    }
    Ok(())
}

/// `GetBlockPublicKey`: the coinstake's `vout[1]` P2PK key, or the key pushed right after
/// `OP_RETURN` in a push-only `vout[1]` (`IsCompressedOrUncompressedPubKey`).
pub(super) fn staker_key(block: &Block) -> Result<&[u8], BlockSigError> {
    let out = block
        .txs
        .get(1)
        .and_then(|cs| cs.outputs.get(1))
        .ok_or(BlockSigError::NoStakerKey("the coinstake has no vout[1]"))?;
    if let Some(k) = p2pk_key(&out.script_pubkey) {
        return Ok(k);
    }
    let s = &out.script_pubkey;
    if s.first() != Some(&OP_RETURN) {
        return Err(BlockSigError::NoStakerKey(
            "vout[1] is neither P2PK nor OP_RETURN <pubkey>",
        ));
    }
    let rest = s.get(1..).unwrap_or(&[]);
    // Solver's NULL_DATA: everything after OP_RETURN is push-only (opcodes <= OP_16).
    let ops: Option<Vec<_>> = Ops::new(rest)
        .map(|op| op.ok().filter(|o| o.opcode <= OP_16))
        .collect();
    let key = ops
        .and_then(|ops| ops.first().and_then(|o| o.push))
        .filter(|k| matches!((k.len(), k.first()), (33, Some(2 | 3)) | (65, Some(4))))
        .ok_or(BlockSigError::NoStakerKey(
            "vout[1] OP_RETURN does not push a public key first",
        ))?;
    Ok(key)
}

/// Core's `MatchPayToPubkey`: a P2PK script whose key length fits its prefix.
fn p2pk_key(script: &[u8]) -> Option<&[u8]> {
    match classify(script) {
        Template::P2pk(k) if crate::script::looks_like_pubkey(k) => Some(k),
        _ => None,
    }
}

/// What `CheckBlockSignature` needs: decided already (compact recovery), or one verify job
/// for the batch with the error to report if it fails.
pub(super) enum SigCheck {
    Done(Result<(), BlockSigError>),
    Verify(VerifyJob),
}

/// `CheckBlockSignature` up to the verification, which joins the block's verify batch.
pub(super) fn plan_block_signature(block: &Block, q: &QtumHeader, hash: &Digest32) -> SigCheck {
    let key = match staker_key(block) {
        Ok(k) => k,
        Err(e) => return SigCheck::Done(Err(e)),
    };
    let sig = q.staker_signature();
    let mut other_key = false;
    if sig.len() == COMPACT_SIGNATURE_SIZE {
        match recover_compact(hash, sig) {
            Some(k) if k == key => return SigCheck::Done(Ok(())),
            Some(_) => other_key = true,
            None => {}
        }
    }
    let Some(pubkey) = PubkeyBytes::from_sec1(key) else {
        return SigCheck::Done(Err(BlockSigError::NoStakerKey(
            "the staker public key cannot be parsed",
        )));
    };
    match der::parse_lax(sig) {
        Ok(rs) => SigCheck::Verify(VerifyJob {
            pubkey,
            prehash: *hash,
            r: rs.r,
            s: rs.s,
        }),
        Err(_) if other_key => SigCheck::Done(Err(BlockSigError::RecoversOtherKey)),
        Err(e) => SigCheck::Done(Err(BlockSigError::Unparseable(match e {
            DerError::Unparseable(why) => why,
            _ => "empty",
        }))),
    }
}

/// The result of a planned check once the batch's verdict is known.
fn resolve(check: SigCheck, verdict: Option<Verdict>) -> Result<(), BlockSigError> {
    match check {
        SigCheck::Done(r) => r,
        SigCheck::Verify(_) => match verdict {
            Some(Verdict::Valid) => Ok(()),
            Some(Verdict::Invalid(f)) => Err(BlockSigError::Mismatch(f)),
            None => Err(BlockSigError::Mismatch(VerifyFailure::Mismatch)),
        },
    }
}

/// After the verify batch: records `CheckBlockSignature`'s result, then the signer rules
/// (with the height) and the stake-output rule (with the staked coin), in Qtum's order.
#[allow(clippy::too_many_arguments)] // the pipeline's state, passed through once
pub(super) fn finish_block_signature(
    block: &Block,
    q: &QtumHeader,
    hash: &Digest32,
    plan: SigCheck,
    verdict: Option<Verdict>,
    opts: &ValidateOptions<'_>,
    params: &NetworkParams,
    height: Option<u32>,
    ctx: &mut Ctx<'_, '_>,
) -> Result<(), ValidationError> {
    let r = resolve(plan, verdict);
    ctx.rep.block_signature_ok = Some(ctx.rep.block_signature_ok.unwrap_or(true) && r.is_ok());
    if let Err(reason) = r {
        ctx.rep.fail(ValidationError::BadBlockSignature { reason });
    }
    let (Some(qp), Some(height)) = (params.qtum.as_ref(), height) else {
        return Ok(());
    };
    let coin = opts.prevouts.and_then(|p| p.prevout(&q.prevout_stake));
    let mut h = DirectHash { ctx: &mut *ctx };
    match check_signer(block, q, hash, qp, height, coin.as_ref(), &mut h)? {
        Ok(delegator) => ctx.rep.qtum_delegator = delegator.map(hex::encode),
        Err(reason) => {
            ctx.rep.block_signature_ok = Some(false);
            ctx.rep.fail(ValidationError::BadBlockSignature { reason });
        }
    }
    if let Some(coin) = coin.filter(|_| height > qp.enable_header_signature_height) {
        if !q.has_proof_of_delegation() {
            let mut h = DirectHash { ctx: &mut *ctx };
            if let Err(reason) = check_stake_output(block, &coin, &mut h)? {
                ctx.rep.fail(ValidationError::BadCoinstake { reason });
            }
        }
    }
    Ok(())
}

/// SHA-256 through the backend, RIPEMD-160 here, for the few hashes the block signature
/// rules need outside the main batches.
pub(super) struct DirectHash<'c, 'r, 'b> {
    pub(super) ctx: &'c mut Ctx<'r, 'b>,
}

impl DirectHash<'_, '_, '_> {
    fn hash(&mut self, job: HashJob) -> Result<Digest32, ValidationError> {
        Ok(self.ctx.hash(&[job])?.first().copied().unwrap_or([0u8; 32]))
    }
    pub(super) fn h160(&mut self, data: &[u8]) -> Result<[u8; 20], ValidationError> {
        Ok(ripemd160(&self.hash(HashJob::sha256(data.to_vec()))?))
    }
    fn sha256d(&mut self, data: Vec<u8>) -> Result<Digest32, ValidationError> {
        self.hash(HashJob::sha256d(data))
    }
}

/// `SignStr`'s message: SHA256d of `"Qtum Signed Message:\n"` and the message, each as a
/// var-string; the message of a proof of delegation is the staker's key id in hex (storage
/// byte order, `GetReverseHex`).
pub fn pod_message_preimage(staker_key_id: &[u8; 20]) -> Vec<u8> {
    const MAGIC: &[u8] = b"Qtum Signed Message:\n";
    let mut v = Vec::with_capacity(64);
    write_var_bytes(&mut v, MAGIC);
    write_var_bytes(&mut v, hex::encode(staker_key_id).as_bytes());
    v
}

/// `ExtractPublicKeyHash`: the key hash of a P2PK or P2PKH script (zero otherwise).
fn public_key_hash(
    script: &[u8],
    h: &mut DirectHash<'_, '_, '_>,
) -> Result<Option<[u8; 20]>, ValidationError> {
    if let Some(k) = p2pk_key(script) {
        return h.h160(k).map(Some);
    }
    Ok(match classify(script) {
        Template::P2pkh(hash) => Some(hash),
        _ => None,
    })
}

/// The height-dependent signer rules (module docs, point 3). Returns the delegator's key id
/// recovered from the proof of delegation when the rules recover it.
fn check_signer(
    block: &Block,
    q: &QtumHeader,
    hash: &Digest32,
    qp: &QtumParams,
    height: u32,
    coin: Option<&Prevout<'_>>,
    h: &mut DirectHash<'_, '_, '_>,
) -> Result<Result<Option<[u8; 20]>, BlockSigError>, ValidationError> {
    let header_rule = height > qp.enable_header_signature_height;
    let pod_rule = height >= qp.offline_stake_height && q.has_proof_of_delegation();
    if !header_rule && !pod_rule {
        return Ok(Ok(None));
    }
    let owner = match coin {
        Some(c) => match public_key_hash(c.script_pubkey, h)? {
            Some(o) => Some(o),
            None => return Ok(Err(BlockSigError::StakedCoinNotP2pk)),
        },
        None => None,
    };
    let mut delegator = None;
    // CheckRecoveredPubKeyFromBlockSignature (header check), after nEnableHeaderSignatureHeight.
    if header_rule {
        if let Err(e) = check_recovered_signer(q, hash, qp, height, owner, h, &mut delegator)? {
            return Ok(Err(e));
        }
    }
    // CheckProofOfStake (ConnectBlock), from nOfflineStakeHeight: the PoD signs the key hash
    // of vout[1] and comes from the staked coin's owner.
    if pod_rule {
        if let Some(pod) = q.proof_of_delegation() {
            let vout1 = block
                .txs
                .get(1)
                .and_then(|cs| cs.outputs.get(1))
                .map(|o| o.script_pubkey.as_slice())
                .unwrap_or(&[]);
            let staker_id = public_key_hash(vout1, h)?.unwrap_or([0u8; 20]);
            match pod_signer(pod, &staker_id, owner, h)? {
                Ok(id) => delegator = Some(id),
                Err(e) => return Ok(Err(e)),
            }
        }
    }
    Ok(Ok(delegator))
}

/// `SignStr::VerifyMessage(owner, hex(staker_id), pod)`: the delegator's key id, or why not.
/// Without the owner only the recovery is checked.
fn pod_signer(
    pod: &[u8],
    staker_id: &[u8; 20],
    owner: Option<[u8; 20]>,
    h: &mut DirectHash<'_, '_, '_>,
) -> Result<Result<[u8; 20], BlockSigError>, ValidationError> {
    let msg = h.sha256d(pod_message_preimage(staker_id))?;
    let Some(d) = recover_compact(&msg, pod) else {
        return Ok(Err(BlockSigError::PodNotRecoverable));
    };
    let id = h.h160(&d)?;
    Ok(match owner.filter(|o| *o != id) {
        Some(o) => Err(BlockSigError::PodNotFromOwner {
            delegator: hex::encode(id),
            owner: hex::encode(o),
        }),
        None => Ok(id),
    })
}

/// `CheckRecoveredPubKeyFromBlockSignature` after the coin lookup.
fn check_recovered_signer(
    q: &QtumHeader,
    hash: &Digest32,
    qp: &QtumParams,
    height: u32,
    owner: Option<[u8; 20]>,
    h: &mut DirectHash<'_, '_, '_>,
    delegator: &mut Option<[u8; 20]>,
) -> Result<Result<(), BlockSigError>, ValidationError> {
    let sig = q.staker_signature();
    if height >= qp.offline_stake_height {
        let Some(signer) = recover_compact(hash, sig) else {
            return Ok(Err(BlockSigError::NotRecoverable {
                from_height: qp.offline_stake_height,
            }));
        };
        let signer_id = h.h160(&signer)?;
        if let Some(pod) = q.proof_of_delegation() {
            return Ok(pod_signer(pod, &signer_id, owner, h)?.map(|id| *delegator = Some(id)));
        }
        return Ok(match owner.filter(|o| *o != signer_id) {
            Some(o) => Err(BlockSigError::NotStakedCoinOwner {
                signer: hex::encode(signer_id),
                owner: hex::encode(o),
            }),
            None => Ok(()),
        });
    }
    // Before offline staking: RecoverLaxDER with every recovery id and both encodings.
    let Ok(rs) = der::parse_lax(sig) else {
        return Ok(Err(BlockSigError::NoSigner));
    };
    let keys: Vec<Vec<u8>> = (0..4u8)
        .flat_map(|recid| [false, true].map(|c| (recid, c)))
        .filter_map(|(recid, c)| recover(hash, &rs.r, &rs.s, recid, c))
        .collect();
    if keys.is_empty() {
        return Ok(Err(BlockSigError::NoSigner));
    }
    if let Some(o) = owner {
        let mut found = false;
        for k in &keys {
            found |= h.h160(k)? == o;
        }
        if !found {
            return Ok(Err(BlockSigError::NotStakedCoinOwner {
                signer: format!("none of the {} keys it recovers", keys.len()),
                owner: hex::encode(o),
            }));
        }
    }
    Ok(Ok(()))
}

/// `CheckBlockInputPubKeyMatchesOutputPubKey` (ConnectBlock, above the header-signature
/// height) for a block without proof of delegation: the coinstake's `vout[1]` pays back to
/// the staked coin's script, or the coin is P2PKH and `vout[1]` P2PK of the same key. (With a
/// delegation the output index depends on the delegation contract's fee: node state.)
fn check_stake_output(
    block: &Block,
    coin: &Prevout<'_>,
    h: &mut DirectHash<'_, '_, '_>,
) -> Result<Result<(), String>, ValidationError> {
    let Some(out) = block.txs.get(1).and_then(|cs| cs.outputs.get(1)) else {
        return Ok(Err("the coinstake has no vout[1]".into()));
    };
    if out.script_pubkey == coin.script_pubkey {
        return Ok(Ok(()));
    }
    let Template::P2pkh(want) = classify(coin.script_pubkey) else {
        return Ok(Err(
            "vout[1] differs from the staked coin's script, which is not P2PKH".into(),
        ));
    };
    let Some(key) = p2pk_key(&out.script_pubkey) else {
        return Ok(Err(
            "the staked coin is P2PKH but vout[1] is not P2PK".into()
        ));
    };
    Ok(if h.h160(key)? == want {
        Ok(())
    } else {
        Err("vout[1]'s key does not hash to the staked coin's key hash".into())
    })
}
