//! The CLI's JSON view of a block report: one convention for every command, written down in
//! `cli/schema/satchain.schema.json` (and checked against it by `tests/schema.rs`).
//!
//! The convention: snake_case names and tags; `null` for a check that did not run (never a
//! `false` that looks like a failure); reason codes with their prose beside them; job counts
//! as named objects; times in whole microseconds (`*_us`), phases in pipeline order.
//!
//! [`crypto_core::BlockReport`] stays the library's report; this module is the only place
//! that turns it into the CLI's JSON, so `validate-block`, `demo` and the board build print
//! the same fields.

use crypto_core::{BlockReport, Chain, SigCounts, ValidationError};
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use serde_json::Value;

/// The validation pipeline's phases in the order they run (`crypto_core::validate`); the
/// timings are printed in this order, phases not listed here after them, `total` last.
pub const PHASE_ORDER: &[&str] = &[
    "parse",
    "header_hash",
    "structure",
    "txids",
    "merkle",
    "witness",
    "sig_plan",
    "hash160",
    "bip143",
    "taproot_commitment",
    "sighash",
    "verify",
    "resolve",
];

/// The code of a not-checkable reason of crypto-core's planners (`Plan::NotCheckable`), or
/// `"other"` for a text this table does not know. `tests/schema.rs` reads the planners'
/// sources and fails when one of their texts is missing here.
pub fn not_checkable_code(reason: &str) -> &'static str {
    match reason {
        "segwit spend: needs the spent output (amount, script)"
        | "scriptSig is not push-only: needs the spent output"
        | "script type needs the spent output (prevout provider)" => "needs_prevout",
        "Taproot signature commits to every spent output: the prevout provider lacks some" => {
            "needs_all_prevouts"
        }
        "input index out of range" => "input_index_out_of_range",
        "qtum OP_SPEND contract spend (checked by contract execution)" => "qtum_contract_spend",
        "Taproot not enforced in this block (Bitcoin Core's script_flag_exceptions)" => {
            "taproot_not_enforced"
        }
        "witness program of an undefined version or size (anyone-can-spend until a soft fork)" => {
            "unknown_witness_program"
        }
        "P2PKH spend with non-push scriptSig"
        | "P2PK spend with non-push scriptSig"
        | "multisig spend with non-push scriptSig" => "non_push_script_sig",
        "P2SH redeem script type not supported"
        | "spent output script type not supported"
        | "P2WSH witness script type not supported" => "unsupported_script",
        "Taproot script path with an unknown leaf version (anyone-can-spend until defined)" => {
            "unknown_leaf_version"
        }
        "Taproot script path: leaf is not <key> OP_CHECKSIG (needs general tapscript)" => {
            "unsupported_tapscript"
        }
        _ => "other",
    }
}

/// Phase -> whole microseconds, in pipeline order, `total` last.
#[derive(Debug, Clone, Default)]
pub struct Timings(pub Vec<(String, u64)>);

impl Timings {
    /// The report's millisecond timings, rounded to microseconds and put in pipeline order.
    pub fn from_report(r: &BlockReport) -> Self {
        let mut out: Vec<(String, u64)> = Vec::with_capacity(r.timings_ms.len());
        let us = |ms: f64| -> u64 {
            // Rounded, never negative; a phase longer than 584,000 years saturates.
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let v = (ms * 1e3).round().max(0.0) as u64;
            v
        };
        for p in PHASE_ORDER {
            if let Some(ms) = r.timings_ms.get(*p) {
                out.push(((*p).to_string(), us(*ms)));
            }
        }
        for (k, ms) in &r.timings_ms {
            if k != "total" && !PHASE_ORDER.contains(&k.as_str()) {
                out.push((k.clone(), us(*ms)));
            }
        }
        if let Some(ms) = r.timings_ms.get("total") {
            out.push(("total".to_string(), us(*ms)));
        }
        Timings(out)
    }
    /// The microseconds of `phase`.
    pub fn get(&self, phase: &str) -> Option<u64> {
        self.0.iter().find(|(k, _)| k == phase).map(|(_, v)| *v)
    }
}

impl Serialize for Timings {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

/// Jobs sent to the backend.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct BackendJobs {
    /// SHA-256 / SHA-256d jobs.
    pub hash: u64,
    /// ECDSA verify jobs.
    pub verify: u64,
    /// BIP340 verify jobs.
    pub schnorr: u64,
}

/// Why inputs could not be checked: a code, the planner's text, a count.
#[derive(Debug, Clone, Serialize)]
pub struct NotCheckable {
    /// Stable code (`needs_prevout`, ...; see [`not_checkable_code`]).
    pub code: &'static str,
    /// The planner's explanation.
    pub reason: String,
    /// Inputs with this reason.
    pub count: u64,
}

/// A hardware backend's device counters and the projection of its cycles to time.
#[derive(Debug, Clone, Serialize)]
pub struct Device {
    /// Simulated (`sim`) or counted (`fpga`) device cycles.
    pub cycles: u64,
    /// The backend's stated clock.
    pub clock_mhz: f64,
    /// `cycles` at `clock_mhz`, whole microseconds.
    pub projected_us: u64,
    /// Hash jobs the backend ran.
    pub hash_jobs: u64,
    /// Verify jobs the backend ran.
    pub verify_jobs: u64,
    /// Jobs recomputed in software after a fault.
    pub fallback_jobs: u64,
    /// Jobs re-checked in software as spot checks.
    pub spot_checked_jobs: u64,
    /// Faults by kind.
    pub faults: Vec<Fault>,
}

/// One kind of device fault and how often it was seen.
#[derive(Debug, Clone, Serialize)]
pub struct Fault {
    /// The fault's kind (`timeout`, ...).
    pub kind: String,
    /// How often.
    pub count: u64,
}

/// Faults of a backend's stats as `[{kind, count}]`.
pub fn faults(st: &crypto_core::BackendStats) -> Vec<Fault> {
    st.faults
        .iter()
        .map(|(k, n)| Fault {
            kind: k.clone(),
            count: *n,
        })
        .collect()
}

impl Device {
    /// The device summary of `backend`; `None` for a backend without a device (software).
    pub fn of(backend: &dyn crypto_core::Backend) -> Option<Self> {
        let clock = backend.projected_clock_mhz()?;
        let st = backend.stats();
        #[allow(
            clippy::cast_precision_loss,
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss
        )]
        let projected_us = (st.device_cycles as f64 / clock).round().max(0.0) as u64;
        Some(Device {
            cycles: st.device_cycles,
            clock_mhz: clock,
            projected_us,
            hash_jobs: st.hash_jobs,
            verify_jobs: st.verify_jobs,
            fallback_jobs: st.fallback_jobs,
            spot_checked_jobs: st.spot_checked_jobs,
            faults: faults(&st),
        })
    }
}

/// One block as the CLI prints it with `--json` (`validate-block`, `demo`).
#[derive(Debug, Serialize)]
pub struct BlockJson<'a> {
    /// Record number in a blk file (absent for a single block).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index: Option<usize>,
    /// Byte offset of the record in a blk file (absent for a single block).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<u64>,
    pub valid: bool,
    pub error: Option<&'a str>,
    pub error_detail: Option<&'a ValidationError>,
    /// A suggestion where the error points at a wrong option (`--chain qtum`).
    pub hint: Option<String>,
    pub chain: Chain,
    pub network: crypto_core::params::Network,
    pub block_hash: Option<&'a str>,
    pub height: Option<u32>,
    /// Null when the block was not parsed.
    pub txs: Option<usize>,
    /// Null when the block was not parsed.
    pub inputs: Option<usize>,
    /// Null when the merkle phase did not run.
    pub merkle_root_ok: Option<bool>,
    /// Null when the header was not hashed (proof of work not checked).
    pub pow_ok: Option<bool>,
    /// Null when the header was not hashed.
    pub proof_of_stake: Option<bool>,
    pub block_signature_ok: Option<bool>,
    pub qtum_delegator: Option<&'a str>,
    pub witness_commitment_ok: Option<bool>,
    pub signatures: &'a SigCounts,
    pub not_checkable_reasons: Vec<NotCheckable>,
    pub flags: Option<&'a crypto_core::ScriptFlags>,
    pub backend: &'a str,
    pub backend_jobs: BackendJobs,
    pub timings_us: Timings,
    /// Device counters on `sim` / `fpga`; null on `sw`.
    pub device: Option<Device>,
    /// `demo` only: what the demo built.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub demo: Option<Value>,
}

impl<'a> BlockJson<'a> {
    /// The JSON view of `r`, with the device summary of the backend that validated it.
    pub fn new(r: &'a BlockReport, device: Option<Device>) -> Self {
        let ran = |phase: &str| r.timings_ms.contains_key(phase);
        // `merkle_root_ok` is set right before the merkle phase's time is taken, `pow_ok`
        // and `proof_of_stake` right after the header hash's: a phase without a time did not
        // complete, and its check did not run.
        let parsed = ran("parse");
        let header = ran("header_hash");
        let mut reasons: Vec<NotCheckable> = r
            .not_checkable_reasons
            .iter()
            .map(|(why, n)| NotCheckable {
                code: not_checkable_code(why),
                reason: why.clone(),
                count: *n,
            })
            .collect();
        reasons.sort_by(|a, b| a.code.cmp(b.code).then(a.reason.cmp(&b.reason)));
        BlockJson {
            index: None,
            offset: None,
            valid: r.valid,
            error: r.error.as_deref(),
            error_detail: r.error_detail.as_ref(),
            hint: None,
            chain: r.chain,
            network: r.network,
            block_hash: r.block_hash.as_deref(),
            height: r.height,
            txs: parsed.then_some(r.txs),
            inputs: parsed.then_some(r.inputs),
            merkle_root_ok: ran("merkle").then_some(r.merkle_root_ok),
            pow_ok: header.then_some(r.pow_ok),
            proof_of_stake: header.then_some(r.proof_of_stake),
            block_signature_ok: r.block_signature_ok,
            qtum_delegator: r.qtum_delegator.as_deref(),
            witness_commitment_ok: r.witness_commitment_ok,
            signatures: &r.signatures,
            not_checkable_reasons: reasons,
            flags: r.flags.as_ref(),
            backend: &r.backend,
            backend_jobs: BackendJobs {
                hash: r.backend_jobs.0,
                verify: r.backend_jobs.1,
                schnorr: r.schnorr_jobs,
            },
            timings_us: Timings::from_report(r),
            device,
            demo: None,
        }
    }
    /// As one line of JSON.
    pub fn to_line(&self) -> String {
        // Serializing plain structs, strings and numbers cannot fail.
        serde_json::to_string(self).unwrap_or_else(|e| format!("{{\"error\":\"JSON: {e}\"}}"))
    }
}

/// A blk-file record that is no block report: an oversized record (skipped) or the point
/// where the file is damaged (`file_error`, the run stops).
#[derive(Debug, Serialize)]
pub struct RecordJson {
    pub index: usize,
    pub offset: u64,
    pub valid: bool,
    pub error: String,
    pub file_error: bool,
}

/// `x` rounded to 3 decimals: the precision the CLI reports clocks (MHz) and ratios at.
pub fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// Microseconds of a duration, rounded.
pub fn micros(d: std::time::Duration) -> u64 {
    u64::try_from((d.as_nanos() + 500) / 1000).unwrap_or(u64::MAX)
}
