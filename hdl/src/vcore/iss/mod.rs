//! Cycle-exact instruction-set simulator of the VerifyCore: threads, the three issue ports
//! with round-robin arbiters (MUL, ALU, CTL), outstanding-op counters and wait fields, fetch
//! latency, job loads, the Recoder queue and the ScalarUnit, exactly as ARCH.md "Timing
//! model" and README "Decisions" say. Latencies come from [`crate::vcore::timing`] and sizes
//! from [`crate::vcore::params`] through [`Config`] (overridable for sweeps).
//!
//! - [`exec`]: a thread's architectural state and the functional execution of an instruction;
//! - [`cluster`]: one cluster, cycle by cycle;
//! - [`core`]: the whole core (ScalarUnit, ReadyQueue, clusters, results);
//! - [`barrel`]: a what-if model, not of any RTL: the program scheduled into bundles for a
//!   cluster with fixed issue turns (the study of hdl/src/vcore/README.md, "A barrel cluster").
//!
//! Besides predicting codes and cycles, the ISS checks the program: a value read before its
//! write completed (`Hazard`, i.e. a wait field too small), a register the job never wrote,
//! operand preconditions, CALL/RET misuse. The RTL cannot see those (it computes on).

pub mod barrel;
pub mod cluster;
pub mod core;
pub mod exec;
pub mod machine;
pub mod u256;

use crate::vcore::isa::{DecodeError, Instr};
use crate::vcore::params;
use crate::vcore::recoder::model::RecError;
use crate::vcore::su::model::SuError;
use crate::vcore::timing;
use std::fmt;
use u256::U256;

/// Structural and timing parameters of a simulated core.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    pub clusters: usize,
    pub threads: usize,
    pub fetch: u32,
    pub mul_wb: u32,
    pub alu_wb: u32,
    /// ReadyQueue depth between the ScalarUnit and the clusters.
    pub ready_queue: usize,
    pub watchdog: u64,
    /// Record every register/flag write per cluster (`Run::traces`).
    pub trace: bool,
    /// Per-PC latency profile (`Run::profile`).
    pub profile: bool,
}

/// ReadyQueue depth (provisional, README "Decisions").
pub const READY_QUEUE: usize = 2;

impl Default for Config {
    fn default() -> Self {
        Config {
            clusters: params::CLUSTERS,
            threads: params::THREADS,
            fetch: timing::FETCH_CYCLES,
            mul_wb: timing::MUL_WB,
            alu_wb: timing::ALU_WB,
            ready_queue: READY_QUEUE,
            watchdog: u64::from(timing::WATCHDOG_CYCLES),
            trace: false,
            profile: false,
        }
    }
}

/// A program error the ISS found (the RTL would compute on silently) or a model error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IssError {
    /// An operand read before the write of an earlier op completed (waits too small).
    Hazard {
        pc: u16,
        instr: String,
        what: String,
    },
    /// A register read that the job never wrote.
    UninitRead { pc: u16, instr: String, reg: String },
    /// An operand outside the instruction's domain, or CALL/RET misuse.
    Precondition {
        pc: u16,
        instr: String,
        what: String,
    },
    /// A word the RTL does not check (d >= 32, bad immediates).
    Unchecked { pc: u16, err: DecodeError },
    /// The next PC is beyond the program.
    PcOutOfRange { pc: u16, len: usize },
    /// REC precondition (|k| too large) or queue rule.
    Recoder(RecError),
    /// ScalarUnit model error (e.g. a toy-curve z >= 2m).
    ScalarUnit(SuError),
    /// The simulation did not finish within the cycle limit.
    Timeout { cycle: u64 },
}

impl fmt::Display for IssError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IssError::Hazard { pc, instr, what } => write!(f, "pc {pc} `{instr}`: hazard: {what}"),
            IssError::UninitRead { pc, instr, reg } => {
                write!(
                    f,
                    "pc {pc} `{instr}`: reads {reg}, never written by this job"
                )
            }
            IssError::Precondition { pc, instr, what } => write!(f, "pc {pc} `{instr}`: {what}"),
            IssError::Unchecked { pc, err } => write!(f, "pc {pc}: {err}"),
            IssError::PcOutOfRange { pc, len } => {
                write!(f, "next pc {pc} is beyond the program ({len} words)")
            }
            IssError::Recoder(e) => write!(f, "recoder: {e}"),
            IssError::ScalarUnit(e) => write!(f, "scalar unit: {e}"),
            IssError::Timeout { cycle } => write!(f, "no progress / limit at cycle {cycle}"),
        }
    }
}

impl std::error::Error for IssError {}

/// The ROM and constant bank a core runs.
#[derive(Debug, Clone)]
pub struct Machine {
    /// Decoded ROM words (decode errors kept: the RTL faults or computes on them).
    pub rom: Vec<Result<Instr, DecodeError>>,
    /// The K bank.
    pub k: Vec<U256>,
    /// `ENTRY[kind]`.
    pub entries: [u16; 2],
}

impl Machine {
    /// From ROM words, the K image and the two entries.
    pub fn new(words: &[u64], k: &[num_bigint::BigUint], entries: [u16; 2]) -> Machine {
        Machine {
            rom: words.iter().map(|&w| Instr::decode(w)).collect(),
            k: k.iter().map(U256::from_big).collect(),
            entries,
        }
    }
}

/// Per-job execution statistics.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JobStats {
    pub m_ops: u32,
    pub a_ops: u32,
    pub c_ops: u32,
    /// Executed PCs (bit per ROM word).
    pub visited: Vec<u64>,
}

impl JobStats {
    /// Did the job execute the instruction at `pc`?
    pub fn visited(&self, pc: u16) -> bool {
        self.visited
            .get(usize::from(pc) / 64)
            .is_some_and(|w| (w >> (pc % 64)) & 1 == 1)
    }
}
