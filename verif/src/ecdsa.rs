//! Running verification jobs on the Verilated `EcdsaEngine` (owner: the engine RTL).
//!
//! - [`EngineSim`]: one engine model (`ecdsa_engine`, the verify program; or
//!   `ecdsa_engine_selftest`), reset, load R0..R5, start, wait for `done`, read `code`/`cycles`
//!   and, optionally, the register-file write trace (`dbg_we/dbg_waddr/dbg_wdata`).
//! - [`verify_job`]: a `crypto_core` [`VerifyJob`] -> [`Verdict`] on the RTL.
//! - [`cycle_stats`]: mean/min/max cycles per verify over random valid signatures (for
//!   `satchain hw-report`).

use crate::sim::{Model, PortId, SimError};
use crypto_core::backend::{Verdict, VerifyJob};
use num_bigint::BigUint;
use satchain_hdl::ecdsa::model::EcdsaJob;
use std::fmt;
use std::path::Path;

/// Name of the model running the verify program.
pub const VERIFY_MODEL: &str = "ecdsa_engine";
/// Name of the model running `satchain_hdl::ecdsa::engine::selftest_program()`.
pub const SELFTEST_MODEL: &str = "ecdsa_engine_selftest";

/// Clock cycles a job may take in simulation before [`EngineSimError::Timeout`]: above the
/// engine's own watchdog (`timing::WATCHDOG_CYCLES`), so the engine's fault is what is seen.
pub const SIM_TIMEOUT_CYCLES: u64 = satchain_hdl::ecdsa::timing::WATCHDOG_CYCLES as u64 + 1000;

/// Failure to run a job on the simulated engine.
#[derive(Debug)]
pub enum EngineSimError {
    /// The model or one of its ports is missing.
    Sim(SimError),
    /// `done` did not come within [`SIM_TIMEOUT_CYCLES`].
    Timeout { cycles: u64 },
    /// `code` is not an `EcdsaCode`.
    BadCode(u8),
    /// The engine broke its port protocol (e.g. `done` longer than one cycle).
    Protocol(String),
}

impl fmt::Display for EngineSimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EngineSimError::Sim(e) => write!(f, "simulation: {e}"),
            EngineSimError::Timeout { cycles } => {
                write!(f, "engine did not finish within {cycles} cycles")
            }
            EngineSimError::BadCode(c) => write!(f, "engine returned unknown code {c}"),
            EngineSimError::Protocol(s) => write!(f, "engine port protocol: {s}"),
        }
    }
}

impl std::error::Error for EngineSimError {}

impl From<SimError> for EngineSimError {
    fn from(e: SimError) -> Self {
        EngineSimError::Sim(e)
    }
}

/// One register-file write seen on the debug port while the program ran.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceWrite {
    /// PC of the RD stage in the write cycle (the instruction after the writer, usually).
    pub pc: u16,
    pub reg: u8,
    pub value: BigUint,
}

/// Outcome of one job on the RTL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineRun {
    /// `code` at `done`.
    pub code: u8,
    /// `cycles` at `done` (the engine's own count).
    pub cycles: u32,
    /// Clock cycles from `start` to `done` as seen by the testbench.
    pub wall_cycles: u64,
    /// Register-file writes in order (only with tracing on).
    pub writes: Vec<TraceWrite>,
}

struct Ports {
    reset: PortId,
    load_en: PortId,
    load_sel: PortId,
    load_data: PortId,
    start: PortId,
    done: PortId,
    busy: PortId,
    code: PortId,
    cycles: PortId,
    dbg_pc: PortId,
    dbg_we: PortId,
    dbg_waddr: PortId,
    dbg_wdata: PortId,
}

/// A Verilated engine with its port handles.
pub struct EngineSim {
    m: Model,
    p: Ports,
    /// Record the register-file write trace of each run.
    pub trace: bool,
}

impl fmt::Debug for EngineSim {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EngineSim")
            .field("model", &self.m.name())
            .field("trace", &self.trace)
            .finish()
    }
}

impl EngineSim {
    /// Opens model `name` and resets it.
    pub fn new(name: &str) -> Result<EngineSim, EngineSimError> {
        Self::from_model(Model::new(name)?)
    }

    /// Like [`EngineSim::new`], dumping a VCD to `vcd`.
    pub fn with_vcd(name: &str, vcd: impl AsRef<Path>) -> Result<EngineSim, EngineSimError> {
        Self::from_model(Model::with_vcd(name, vcd)?)
    }

    fn from_model(m: Model) -> Result<EngineSim, EngineSimError> {
        let p = Ports {
            reset: m.port("reset")?,
            load_en: m.port("load_en")?,
            load_sel: m.port("load_sel")?,
            load_data: m.port("load_data")?,
            start: m.port("start")?,
            done: m.port("done")?,
            busy: m.port("busy")?,
            code: m.port("code")?,
            cycles: m.port("cycles")?,
            dbg_pc: m.port("dbg_pc")?,
            dbg_we: m.port("dbg_we")?,
            dbg_waddr: m.port("dbg_waddr")?,
            dbg_wdata: m.port("dbg_wdata")?,
        };
        let mut s = EngineSim { m, p, trace: false };
        s.reset();
        Ok(s)
    }

    /// Synchronous reset for 4 cycles.
    pub fn reset(&mut self) {
        self.m.set(self.p.start, 0);
        self.m.set(self.p.load_en, 0);
        self.m.set(self.p.reset, 1);
        self.m.eval();
        self.m.ticks(4);
        self.m.set(self.p.reset, 0);
        self.m.eval();
    }

    /// Total clock cycles the model has run.
    pub fn total_cycles(&self) -> u64 {
        self.m.cycles()
    }

    /// Loads R0..R5 (values < 2^256) through the load port.
    pub fn load(&mut self, regs: &[BigUint]) {
        for (i, v) in regs.iter().take(8).enumerate() {
            self.m.set(self.p.load_en, 1);
            self.m.set(self.p.load_sel, u64::try_from(i).unwrap_or(0));
            self.m.set_biguint(self.p.load_data, v);
            self.m.tick();
        }
        self.m.set(self.p.load_en, 0);
        self.m.eval();
    }

    /// Loads `regs` into R0.., starts, waits for `done`.
    pub fn run_regs(&mut self, regs: &[BigUint]) -> Result<EngineRun, EngineSimError> {
        self.load(regs);
        self.m.set(self.p.start, 1);
        self.m.tick();
        self.m.set(self.p.start, 0);
        self.m.eval();
        let mut writes = Vec::new();
        let mut wall = 1u64;
        loop {
            if self.trace && self.m.get(self.p.dbg_we) == 1 {
                let pc = u16::try_from(self.m.get(self.p.dbg_pc)).unwrap_or(u16::MAX);
                let reg = u8::try_from(self.m.get(self.p.dbg_waddr)).unwrap_or(u8::MAX);
                let value = self.m.get_biguint(self.p.dbg_wdata);
                writes.push(TraceWrite { pc, reg, value });
            }
            self.m.tick();
            wall += 1;
            if self.m.get(self.p.done) == 1 {
                break;
            }
            if wall > SIM_TIMEOUT_CYCLES {
                return Err(EngineSimError::Timeout { cycles: wall });
            }
        }
        let code = self.m.get(self.p.code);
        let code =
            u8::try_from(code).map_err(|_| EngineSimError::Protocol(format!("code {code}")))?;
        let cycles = self.m.get(self.p.cycles);
        let cycles = u32::try_from(cycles)
            .map_err(|_| EngineSimError::Protocol(format!("cycles {cycles}")))?;
        // One more cycle: `done` is a pulse, `busy` is low.
        self.m.tick();
        if self.m.get(self.p.done) != 0 || self.m.get(self.p.busy) != 0 {
            return Err(EngineSimError::Protocol(
                "done or busy still high the cycle after done".into(),
            ));
        }
        Ok(EngineRun {
            code,
            cycles,
            wall_cycles: wall,
            writes,
        })
    }

    /// Runs one verification's inputs.
    pub fn run(&mut self, inputs: &EcdsaJob) -> Result<EngineRun, EngineSimError> {
        self.run_regs(&satchain_hdl::ecdsa::model::load_values(inputs))
    }

    /// Flushes the VCD (if any).
    pub fn flush_vcd(&mut self) {
        self.m.flush_vcd();
    }
}

/// Maps an engine code to a verdict (`EngineFault` and unknown codes are errors), by the
/// backend's one mapping (`satchain_fpga::verdict_of`).
pub fn verdict_of(code: u8) -> Result<Verdict, EngineSimError> {
    satchain_regmap::EcdsaCode::from_bits(u32::from(code))
        .and_then(satchain_fpga::verdict_of)
        .ok_or(EngineSimError::BadCode(code))
}

/// Verifies one job on the engine `sim` (a [`VERIFY_MODEL`] engine).
pub fn verify_job(sim: &mut EngineSim, job: &VerifyJob) -> Result<Verdict, EngineSimError> {
    let run = sim.run(&satchain_fpga::ecdsa_job(job))?;
    verdict_of(run.code)
}

/// Cycle statistics of the engine over a sample of verifications.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CycleStats {
    pub samples: usize,
    pub mean: f64,
    pub min: u32,
    pub max: u32,
}

/// `n` random valid signatures, deterministic from `seed` (the workspace's one generator,
/// shared with `satchain bench`).
pub use testkit::jobs::random_valid_jobs;

/// Mean/min/max engine cycles per verification over `n` random valid signatures (seeded) on
/// the RTL ([`VERIFY_MODEL`]). Every job must come back VALID, or this is an error.
pub fn cycle_stats(n: usize, seed: u64) -> Result<CycleStats, EngineSimError> {
    let mut sim = EngineSim::new(VERIFY_MODEL)?;
    let mut sum = 0u64;
    let (mut min, mut max) = (u32::MAX, 0u32);
    for job in random_valid_jobs(n, seed) {
        let run = sim.run(&satchain_fpga::ecdsa_job(&job))?;
        if run.code != satchain_regmap::EcdsaCode::Valid as u8 {
            return Err(EngineSimError::BadCode(run.code));
        }
        sum += u64::from(run.cycles);
        min = min.min(run.cycles);
        max = max.max(run.cycles);
    }
    if n == 0 {
        return Ok(CycleStats {
            samples: 0,
            mean: 0.0,
            min: 0,
            max: 0,
        });
    }
    Ok(CycleStats {
        samples: n,
        mean: sum as f64 / n as f64,
        min,
        max,
    })
}
