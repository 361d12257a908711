//! The input planner: which signatures of an input can be checked, against which keys and
//! script code, and which hash conditions (P2PKH key hash, P2SH / P2WSH script hash) the
//! script imposes. No crypto here: HASH160 / SHA-256 requests are collected for one batch.

use crate::prelude::*;
use alloc::collections::BTreeMap;

use crate::script::{
    classify, looks_like_pubkey, looks_like_signature, p2pkh_script_pubkey, push_only, Template,
    OP_SPEND,
};
use crate::taproot::witness_program;
use crate::tx::{Transaction, TxOut};
use crate::Chain;

use super::options::PrevoutProvider;
use super::plan_taproot::TaprootCheck;
use super::report::ValidationError;

const NULLDUMMY_MSG: &str = "multisig dummy element is not empty (BIP147 NULLDUMMY)";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum SigVersion {
    Base,
    WitnessV0 { amount: i64 },
}

#[derive(Debug, Clone)]
pub(super) enum CodeSrc {
    Explicit(Vec<u8>),
    /// P2PKH script code built from HASH160 request `usize` (no-UTXO P2PKH guess).
    P2pkhFromH160(usize),
}

/// One input to check: m signatures against n keys (single-key forms have m = n = 1).
#[derive(Debug, Clone)]
pub(super) struct InputCheck {
    pub(super) tx: usize,
    pub(super) input: usize,
    pub(super) kind: &'static str,
    pub(super) sigs: Vec<Vec<u8>>,
    pub(super) keys: Vec<Vec<u8>>,
    pub(super) multisig: bool,
    pub(super) code: CodeSrc,
    pub(super) version: SigVersion,
    /// (HASH160 request, expected value, what) that must match for the script to pass.
    pub(super) h160_checks: Vec<(usize, [u8; 20], &'static str)>,
    /// (SHA-256 request, expected value, what): P2WSH witness-script commitments.
    pub(super) sha_checks: Vec<(usize, [u8; 32], &'static str)>,
}

#[derive(Debug)]
pub(super) enum Plan {
    Coinbase,
    NotCheckable(&'static str),
    Fail(ValidationError),
    Check(InputCheck),
    /// A BIP340 signature (Taproot key path or single-key script path).
    Taproot(TaprootCheck),
}

pub(super) struct Planner<'a> {
    pub(super) h160_reqs: Vec<Vec<u8>>,
    pub(super) sha_reqs: Vec<Vec<u8>>,
    pub(super) null_dummy: bool,
    pub(super) chain: Chain,
    pub(super) prevouts: Option<&'a dyn PrevoutProvider>,
    /// Per tx: the outputs all its inputs spend, or `None` if the provider lacks one.
    pub(super) spent_cache: BTreeMap<usize, Option<Vec<TxOut>>>,
    /// Taproot rules apply (all blocks but Core's one exception block).
    pub(super) taproot: bool,
}

impl Planner<'_> {
    fn sha(&mut self, data: &[u8]) -> usize {
        self.sha_reqs.push(data.to_vec());
        self.sha_reqs.len() - 1
    }

    fn h160(&mut self, data: &[u8]) -> usize {
        self.h160_reqs.push(data.to_vec());
        self.h160_reqs.len() - 1
    }

    pub(super) fn plan(&mut self, txi: usize, tx: &Transaction, ini: usize) -> Plan {
        let Some(inp) = tx.inputs.get(ini) else {
            return Plan::NotCheckable("input index out of range");
        };
        if txi == 0 && tx.is_coinbase() {
            return Plan::Coinbase;
        }
        if self.chain == Chain::Qtum && inp.script_sig.first() == Some(&OP_SPEND) {
            return Plan::NotCheckable(
                "qtum OP_SPEND contract spend (checked by contract execution)",
            );
        }
        if let Some(prev) = self.prevouts.and_then(|p| p.prevout(&inp.prevout)) {
            return self.plan_with_prevout(txi, tx, ini, &prev);
        }
        if !inp.witness.is_empty() {
            return Plan::NotCheckable("segwit spend: needs the spent output (amount, script)");
        }
        let Some(pushes) = push_only(&inp.script_sig) else {
            return Plan::NotCheckable("scriptSig is not push-only: needs the spent output");
        };
        // P2PKH by shape: exactly <sig> <pubkey>.
        if let [sig, key] = pushes.as_slice() {
            if looks_like_signature(sig) && looks_like_pubkey(key) {
                let r = self.h160(key);
                return Plan::Check(InputCheck {
                    tx: txi,
                    input: ini,
                    kind: "p2pkh",
                    sigs: vec![sig.clone()],
                    keys: vec![key.clone()],
                    multisig: false,
                    code: CodeSrc::P2pkhFromH160(r),
                    version: SigVersion::Base,
                    h160_checks: Vec::new(),
                    sha_checks: Vec::new(),
                });
            }
        }
        // P2SH multisig by shape: OP_0 <sig>*m <OP_m <pk>*n OP_n OP_CHECKMULTISIG>.
        if pushes.len() >= 3 && pushes.first().is_some_and(|d| d.is_empty()) {
            if let Some(redeem) = pushes.last() {
                if let Template::Multisig { m, keys } = classify(redeem) {
                    let sigs = &pushes[1..pushes.len() - 1];
                    if sigs.len() == m && sigs.iter().all(|s| looks_like_signature(s)) {
                        return Plan::Check(InputCheck {
                            tx: txi,
                            input: ini,
                            kind: "p2sh-multisig",
                            sigs: sigs.to_vec(),
                            keys: keys.iter().map(|k| k.to_vec()).collect(),
                            multisig: true,
                            code: CodeSrc::Explicit(redeem.clone()),
                            version: SigVersion::Base,
                            h160_checks: Vec::new(),
                            sha_checks: Vec::new(),
                        });
                    }
                }
            }
        }
        Plan::NotCheckable("script type needs the spent output (prevout provider)")
    }

    fn plan_with_prevout(
        &mut self,
        txi: usize,
        tx: &Transaction,
        ini: usize,
        prev: &TxOut,
    ) -> Plan {
        let Some(inp) = tx.inputs.get(ini) else {
            return Plan::NotCheckable("input index out of range");
        };
        let fail = |reason: &str| {
            Plan::Fail(ValidationError::BadScript {
                tx: txi,
                input: ini,
                reason: reason.to_string(),
            })
        };
        let spk = prev.script_pubkey.as_slice();
        match witness_program(spk) {
            Some((1, prog)) if prog.len() == 32 && !self.taproot => {
                return Plan::NotCheckable(
                    "Taproot not enforced in this block (Bitcoin Core's script_flag_exceptions)",
                )
            }
            Some((1, prog)) if prog.len() == 32 => {
                let mut key = [0u8; 32];
                key.copy_from_slice(prog);
                return self.plan_taproot(txi, tx, ini, prev, key);
            }
            // Versions 1..16 other than P2TR: no rules yet, anyone can spend (BIP341 / BIP141).
            Some((v, _)) if v >= 1 => {
                return Plan::NotCheckable(
                    "witness program of an undefined version or size (anyone-can-spend until a soft fork)",
                )
            }
            _ => {}
        }
        let tmpl = classify(spk);
        let is_witness_prog = matches!(tmpl, Template::P2wpkh(_) | Template::P2wsh(_));
        if !is_witness_prog && !matches!(tmpl, Template::P2sh(_)) && !inp.witness.is_empty() {
            return fail("witness data on a non-witness spend");
        }
        let pushes = push_only(&inp.script_sig);
        let base = |kind, sigs, keys, multisig, code| InputCheck {
            tx: txi,
            input: ini,
            kind,
            sigs,
            keys,
            multisig,
            code: CodeSrc::Explicit(code),
            version: SigVersion::Base,
            h160_checks: Vec::new(),
            sha_checks: Vec::new(),
        };
        match tmpl {
            Template::P2pkh(h) => {
                let Some(p) = pushes else {
                    return Plan::NotCheckable("P2PKH spend with non-push scriptSig");
                };
                let [.., sig, key] = p.as_slice() else {
                    return fail("P2PKH scriptSig needs <sig> <pubkey>");
                };
                let r = self.h160(key);
                let mut c = base(
                    "p2pkh",
                    vec![sig.clone()],
                    vec![key.clone()],
                    false,
                    spk.to_vec(),
                );
                c.h160_checks
                    .push((r, h, "public key hash does not match the P2PKH output"));
                Plan::Check(c)
            }
            Template::P2pk(key) => {
                let Some(p) = pushes else {
                    return Plan::NotCheckable("P2PK spend with non-push scriptSig");
                };
                let Some(sig) = p.last() else {
                    return fail("P2PK scriptSig is empty");
                };
                Plan::Check(base(
                    "p2pk",
                    vec![sig.clone()],
                    vec![key.to_vec()],
                    false,
                    spk.to_vec(),
                ))
            }
            Template::Multisig { m, keys } => {
                let Some(p) = pushes else {
                    return Plan::NotCheckable("multisig spend with non-push scriptSig");
                };
                if p.len() < m + 1 {
                    return fail("multisig scriptSig has too few items");
                }
                if self.null_dummy && !p[p.len() - m - 1].is_empty() {
                    return fail(NULLDUMMY_MSG);
                }
                let sigs = p[p.len() - m..].to_vec();
                Plan::Check(base(
                    "multisig",
                    sigs,
                    keys.iter().map(|k| k.to_vec()).collect(),
                    true,
                    spk.to_vec(),
                ))
            }
            Template::P2wpkh(h) => {
                if !inp.script_sig.is_empty() {
                    return fail("native witness spend with a non-empty scriptSig");
                }
                self.plan_p2wpkh(txi, ini, &inp.witness, h, prev.value)
            }
            Template::P2sh(h) => {
                let Some(p) = pushes else {
                    return fail("P2SH scriptSig is not push-only");
                };
                let Some(redeem) = p.last() else {
                    return fail("P2SH scriptSig is empty");
                };
                let rr = self.h160(redeem);
                let check = (rr, h, "redeem script hash does not match the P2SH output");
                let items = &p[..p.len() - 1];
                let plan = match classify(redeem) {
                    Template::Multisig { m, keys } => {
                        if items.len() < m + 1 {
                            return fail("P2SH multisig scriptSig has too few items");
                        }
                        if self.null_dummy && !items[items.len() - m - 1].is_empty() {
                            return fail(NULLDUMMY_MSG);
                        }
                        let sigs = items[items.len() - m..].to_vec();
                        let keys = keys.iter().map(|k| k.to_vec()).collect();
                        Plan::Check(base("p2sh-multisig", sigs, keys, true, redeem.clone()))
                    }
                    Template::P2pkh(h2) => {
                        let [.., sig, key] = items else {
                            return fail("P2SH-P2PKH needs <sig> <pubkey>");
                        };
                        let r = self.h160(key);
                        let mut c = base(
                            "p2sh-p2pkh",
                            vec![sig.clone()],
                            vec![key.clone()],
                            false,
                            redeem.clone(),
                        );
                        c.h160_checks.push((
                            r,
                            h2,
                            "public key hash does not match the redeem script",
                        ));
                        Plan::Check(c)
                    }
                    Template::P2pk(key) => {
                        let Some(sig) = items.last() else {
                            return fail("P2SH-P2PK needs <sig>");
                        };
                        Plan::Check(base(
                            "p2sh-p2pk",
                            vec![sig.clone()],
                            vec![key.to_vec()],
                            false,
                            redeem.clone(),
                        ))
                    }
                    Template::P2wpkh(h2) => {
                        if p.len() != 1 {
                            return fail(
                                "P2SH-P2WPKH scriptSig must be exactly the redeem script push",
                            );
                        }
                        self.plan_p2wpkh(txi, ini, &inp.witness, h2, prev.value)
                    }
                    Template::P2wsh(prog) => {
                        if p.len() != 1 {
                            return fail(
                                "P2SH-P2WSH scriptSig must be exactly the redeem script push",
                            );
                        }
                        self.plan_p2wsh(txi, ini, &inp.witness, prog, prev.value)
                    }
                    _ => return Plan::NotCheckable("P2SH redeem script type not supported"),
                };
                match plan {
                    Plan::Check(mut c) => {
                        c.h160_checks.push(check);
                        Plan::Check(c)
                    }
                    other => other,
                }
            }
            Template::P2wsh(prog) => {
                if !inp.script_sig.is_empty() {
                    return fail("native witness spend with a non-empty scriptSig");
                }
                self.plan_p2wsh(txi, ini, &inp.witness, prog, prev.value)
            }
            Template::Unknown => Plan::NotCheckable("spent output script type not supported"),
        }
    }

    /// P2WSH with a multisig, P2PKH or P2PK witness script (BIP143, no FindAndDelete).
    fn plan_p2wsh(
        &mut self,
        txi: usize,
        ini: usize,
        witness: &[Vec<u8>],
        prog: [u8; 32],
        amount: i64,
    ) -> Plan {
        let fail = |reason: &str| {
            Plan::Fail(ValidationError::BadScript {
                tx: txi,
                input: ini,
                reason: reason.to_string(),
            })
        };
        let Some((ws, stack)) = witness.split_last() else {
            return fail("P2WSH witness is empty");
        };
        let rs = self.sha(ws);
        let mut c = InputCheck {
            tx: txi,
            input: ini,
            kind: "p2wsh",
            sigs: Vec::new(),
            keys: Vec::new(),
            multisig: false,
            code: CodeSrc::Explicit(ws.clone()),
            version: SigVersion::WitnessV0 { amount },
            h160_checks: Vec::new(),
            sha_checks: vec![(
                rs,
                prog,
                "witness script hash does not match the P2WSH program",
            )],
        };
        match classify(ws) {
            Template::Multisig { m, keys } => {
                if stack.len() < m + 1 {
                    return fail("P2WSH multisig witness has too few items");
                }
                if self.null_dummy && !stack[stack.len() - m - 1].is_empty() {
                    return fail(NULLDUMMY_MSG);
                }
                c.kind = "p2wsh-multisig";
                c.sigs = stack[stack.len() - m..].to_vec();
                c.keys = keys.iter().map(|k| k.to_vec()).collect();
                c.multisig = true;
            }
            Template::P2pkh(h) => {
                let [.., sig, key] = stack else {
                    return fail("P2WSH-P2PKH needs <sig> <pubkey>");
                };
                let r = self.h160(key);
                c.kind = "p2wsh-p2pkh";
                c.sigs = vec![sig.clone()];
                c.keys = vec![key.clone()];
                c.h160_checks
                    .push((r, h, "public key hash does not match the witness script"));
            }
            Template::P2pk(key) => {
                let Some(sig) = stack.last() else {
                    return fail("P2WSH-P2PK needs <sig>");
                };
                c.kind = "p2wsh-p2pk";
                c.sigs = vec![sig.clone()];
                c.keys = vec![key.to_vec()];
            }
            _ => return Plan::NotCheckable("P2WSH witness script type not supported"),
        }
        Plan::Check(c)
    }

    fn plan_p2wpkh(
        &mut self,
        txi: usize,
        ini: usize,
        witness: &[Vec<u8>],
        h: [u8; 20],
        amount: i64,
    ) -> Plan {
        let [sig, key] = witness else {
            return Plan::Fail(ValidationError::BadScript {
                tx: txi,
                input: ini,
                reason: "P2WPKH witness must be exactly <sig> <pubkey>".into(),
            });
        };
        let r = self.h160(key);
        Plan::Check(InputCheck {
            tx: txi,
            input: ini,
            kind: "p2wpkh",
            sigs: vec![sig.clone()],
            keys: vec![key.clone()],
            multisig: false,
            code: CodeSrc::Explicit(p2pkh_script_pubkey(&h)),
            version: SigVersion::WitnessV0 { amount },
            h160_checks: vec![(r, h, "public key hash does not match the witness program")],
            sha_checks: Vec::new(),
        })
    }
}
