//! Planning Taproot (witness v1) spends: which are checked, which are counted not checkable,
//! and which fail without any crypto. Rules as Bitcoin Core's `VerifyWitnessProgram`
//! (BIP341) and `EvalChecksigTapscript` (BIP342) apply them:
//!
//! - **key path** (one stack item after the annex is taken off): the item is a 64- or
//!   65-byte signature with a valid hash type, verified against the output key;
//! - **script path** (two or more items): the last is the control block (33 + 32·m bytes), the
//!   one before it the leaf script. Checked only for a tapscript leaf (0xc0) that is exactly
//!   `<32-byte key> OP_CHECKSIG` with one more stack item, the signature: then the leaf hash,
//!   the merkle path and the tweak must reproduce the output key, and the signature must
//!   verify against the leaf key. Any other leaf is not checkable (general script).
//!
//! The signature message commits to every spent output of the transaction (except under
//! ANYONECANPAY), so a non-ANYONECANPAY spend is checkable only when the `PrevoutProvider`
//! knows all of them.

use crate::prelude::*;

use crate::taproot::{
    parse_signature, single_key_leaf, ControlBlock, TaprootError, TaprootWitness,
    TAPSCRIPT_LEAF_VERSION,
};
use crate::tx::{Transaction, TxOut};

use super::options::Prevout;
use super::plan::{Plan, Planner};
use super::report::ValidationError;

/// A checked script-path spend: what the commitment check needs.
#[derive(Debug, Clone)]
pub(super) struct LeafSpend {
    pub(super) script: Vec<u8>,
    pub(super) control: ControlBlock,
    /// The output key the commitment must reproduce.
    pub(super) output_key: [u8; 32],
}

/// One Taproot signature to check.
#[derive(Debug, Clone)]
pub(super) struct TaprootCheck {
    pub(super) tx: usize,
    pub(super) input: usize,
    /// "p2tr-key" or "p2tr-script".
    pub(super) kind: &'static str,
    /// The key the signature is verified against: the output key (key path) or the leaf key.
    pub(super) key: [u8; 32],
    pub(super) sig: [u8; 64],
    pub(super) hash_type: u8,
    pub(super) annex: Option<Vec<u8>>,
    /// The output this input spends.
    pub(super) spent: TxOut,
    pub(super) leaf: Option<LeafSpend>,
}

/// An owned copy of a borrowed prevout: the Taproot check outlives the provider's borrow
/// (it is carried to the signature phase, and BIP341 commits to every spent output).
fn owned(o: &Prevout<'_>) -> TxOut {
    TxOut {
        value: o.value,
        script_pubkey: o.script_pubkey.to_vec(),
    }
}

impl Planner<'_> {
    /// The outputs all inputs of `tx` spend, if the provider knows every one (cached per tx).
    pub(super) fn all_spent(&mut self, txi: usize, tx: &Transaction) -> Option<&Vec<TxOut>> {
        if !self.spent_cache.contains_key(&txi) {
            let all = self.prevouts.and_then(|p| {
                tx.inputs
                    .iter()
                    .map(|i| p.prevout(&i.prevout).map(|o| owned(&o)))
                    .collect::<Option<Vec<TxOut>>>()
            });
            self.spent_cache.insert(txi, all);
        }
        self.spent_cache.get(&txi).and_then(Option::as_ref)
    }

    /// A spend of the P2TR output `prev` with output key `output_key`.
    pub(super) fn plan_taproot(
        &mut self,
        txi: usize,
        tx: &Transaction,
        ini: usize,
        prev: &Prevout<'_>,
        output_key: [u8; 32],
    ) -> Plan {
        let fail = |reason: String| {
            Plan::Fail(ValidationError::BadScript {
                tx: txi,
                input: ini,
                reason,
            })
        };
        let bad_sig = |e: TaprootError| {
            Plan::Fail(ValidationError::BadSignature {
                tx: txi,
                input: ini,
                reason: e.to_string(),
            })
        };
        let Some(inp) = tx.inputs.get(ini) else {
            return Plan::NotCheckable("input index out of range");
        };
        if !inp.script_sig.is_empty() {
            return fail("Taproot spend with a non-empty scriptSig".into());
        }
        if inp.witness.is_empty() {
            return fail("Taproot witness is empty".into());
        }
        let w = TaprootWitness::split(inp);
        let (sig_item, key, kind, leaf) = match w.stack {
            [sig] => (sig, output_key, "p2tr-key", None),
            [rest @ .., script, control] => {
                let control = match ControlBlock::parse(control) {
                    Ok(c) => c,
                    Err(e) => return fail(e.to_string()),
                };
                if control.leaf_version != TAPSCRIPT_LEAF_VERSION {
                    return Plan::NotCheckable(
                        "Taproot script path with an unknown leaf version (anyone-can-spend until defined)",
                    );
                }
                let Some(leaf_key) = single_key_leaf(script) else {
                    return Plan::NotCheckable(
                        "Taproot script path: leaf is not <key> OP_CHECKSIG (needs general tapscript)",
                    );
                };
                let [sig] = rest else {
                    return fail(format!(
                        "tapscript <key> OP_CHECKSIG needs exactly the signature on the stack, got {} items",
                        rest.len()
                    ));
                };
                if sig.is_empty() {
                    return fail("empty signature: OP_CHECKSIG leaves false (tapscript)".into());
                }
                let leaf = LeafSpend {
                    script: script.clone(),
                    control,
                    output_key,
                };
                (sig, leaf_key, "p2tr-script", Some(leaf))
            }
            [] => return fail("Taproot witness is only an annex".into()),
        };
        let (sig, hash_type) = match parse_signature(sig_item) {
            Ok(s) => s,
            Err(e) => return bad_sig(e),
        };
        if hash_type & 3 == 3 && ini >= tx.outputs.len() {
            return bad_sig(TaprootError::SingleWithoutOutput {
                input: ini,
                outputs: tx.outputs.len(),
            });
        }
        if hash_type & 0x80 == 0 && self.all_spent(txi, tx).is_none() {
            return Plan::NotCheckable(
                "Taproot signature commits to every spent output: the prevout provider lacks some",
            );
        }
        Plan::Taproot(TaprootCheck {
            tx: txi,
            input: ini,
            kind,
            key,
            sig,
            hash_type,
            annex: w.annex.map(<[u8]>::to_vec),
            spent: owned(prev),
            leaf,
        })
    }
}
