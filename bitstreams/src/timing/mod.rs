//! Static timing of the yosys-mapped netlist: a clock estimate for the XC7Z030 (-1) without
//! place and route.
//!
//! Every register-to-register path of the `synth_xilinx` netlist (`write_json`) is timed:
//! start points are the clocked outputs of flip-flops, SRLs, LUT-RAMs, block RAMs and DSP48E1
//! pipeline registers (with their clock-to-out), end points their clocked inputs (with their
//! setup), and between them every LUT, wide mux, CARRY4 step and combinational DSP/RAM stage
//! with its data-sheet delay ([`delays`]) plus one net delay per hop over general routing
//! (the calibrated parameter, [`calibration`]). Paths are grouped by clock domain (the top-level
//! clock port behind each clock pin); paths that cross domains are reported apart as CDC
//! paths, not as violations (the design synchronizes them).
//!
//! It is an estimate, not a timing report: it cannot see placement, congestion, clock skew or
//! jitter. Vivado's report after place and route is the check (`bitstreams/vivado/build.tcl`).

pub mod calibration;
pub mod cells;
pub mod delays;
mod dsp;
pub mod format;
pub mod graph;
pub mod netlist;
pub mod sta;

use std::collections::BTreeMap;
use std::path::Path;

pub use calibration::Calibration;
pub use delays::NetModel;
pub use netlist::Netlist;

/// Bumped when the meaning of the analysis changes (part of the cache key of results).
pub const MODEL_VERSION: &str = "satchain-sta-v2";

/// What went wrong in the timing analysis.
#[derive(Debug, thiserror::Error)]
pub enum TimingError {
    #[error("netlist: {0}")]
    Netlist(String),
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("combinational loop through {nodes} nodes (e.g. {sample:?}): no longest path exists")]
    CombinationalLoop { nodes: usize, sample: Vec<String> },
    #[error("calibration data: {0}")]
    Calibration(String),
}

/// Cell counts by kind on a path.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PathLevels {
    pub lut: u32,
    pub muxf: u32,
    pub carry4: u32,
    pub dsp: u32,
    pub bram: u32,
    pub lutram: u32,
    pub other: u32,
}

/// One step of a path: through `cell` from `from_pin` to `to_pin`, after the net `net`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PathStep {
    pub cell: String,
    pub cell_type: String,
    pub from_pin: String,
    pub to_pin: String,
    /// The table entry of the cell delay.
    pub delay: String,
    /// The net into `from_pin` (empty for the start point and internal steps).
    pub net: String,
    pub fanout: u32,
    pub net_ns: f64,
    pub cell_ns: f64,
    /// Arrival time after this step.
    pub at_ns: f64,
}

/// A register-to-register path.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TimingPath {
    /// Clock-to-out + logic + routing + setup.
    pub delay_ns: f64,
    pub logic_ns: f64,
    pub route_ns: f64,
    /// `cell (type) pin` of the start and the end point.
    pub start: String,
    pub end: String,
    pub levels: PathLevels,
    pub steps: Vec<PathStep>,
}

/// The worst path of one clock domain.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct DomainTiming {
    /// The clock port (`clock`, `ecdsa_clock`) or `derived:<net>`.
    pub clock: String,
    /// Worst register-to-register delay: the shortest period the model supports.
    pub period_ns: f64,
    pub mhz: f64,
    /// End points reached from this domain.
    pub endpoints: u64,
    pub path: TimingPath,
}

/// The worst path between two domains (a clock-domain crossing: not a violation).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CdcTiming {
    pub from_clock: String,
    pub to_clock: String,
    pub delay_ns: f64,
    pub endpoints: u64,
    pub path: TimingPath,
}

/// The analysis of one netlist.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TimingReport {
    /// Fingerprint of the delay table and net model ([`delays::fingerprint`]).
    pub model: String,
    pub net: NetModel,
    pub cells: u64,
    pub domains: Vec<DomainTiming>,
    pub cdc: Vec<CdcTiming>,
    /// Cell types the library does not know (timed as TILO from every input to every output).
    pub unknown_cells: BTreeMap<String, u64>,
    /// Remarks (latches, inverted or derived clocks), with counts.
    pub notes: BTreeMap<String, u64>,
}

impl TimingReport {
    /// The domain clocked by `clock`.
    pub fn domain(&self, clock: &str) -> Option<&DomainTiming> {
        self.domains.iter().find(|d| d.clock == clock)
    }
    /// The slowest domain.
    pub fn worst(&self) -> Option<&DomainTiming> {
        self.domains
            .iter()
            .max_by(|a, b| a.period_ns.total_cmp(&b.period_ns))
    }
}

/// The timing graph of `nl` and the arrival times over it.
fn timed(nl: &Netlist, net: NetModel) -> Result<(graph::Graph<'_>, sta::Arrivals), TimingError> {
    let mut g = graph::Graph::new(nl, net);
    for ci in 0..nl.cells.len() {
        cells::add_cell(&mut g, ci);
    }
    let arr = sta::propagate(&g)?;
    Ok((g, arr))
}

/// Times a netlist.
pub fn analyze(nl: &Netlist, net: NetModel) -> Result<TimingReport, TimingError> {
    let (g, arr) = timed(nl, net)?;
    let (domains, cdc) = sta::summarize(&g, &arr);
    Ok(TimingReport {
        model: delays::fingerprint(&net),
        net,
        cells: nl.cells.len() as u64,
        domains,
        cdc,
        unknown_cells: g.unknown,
        notes: g.notes,
    })
}

/// A register with end points slower than a target period ([`slow_registers`]).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SlowRegister {
    /// The register's name (bit index dropped).
    pub register: String,
    /// Its end points (bits, or a RAM's / DSP's input pins) over the period.
    pub endpoints: u64,
    /// The worst of them: delay and start point.
    pub worst_ns: f64,
    pub worst_from: String,
}

/// Every register of `nl` with a same-domain path longer than `period_ns` (the list to work
/// through before a clock of 1000 / `period_ns` MHz can hold), slowest first.
pub fn slow_registers(
    nl: &Netlist,
    net: NetModel,
    period_ns: f64,
) -> Result<Vec<SlowRegister>, TimingError> {
    let (g, arr) = timed(nl, net)?;
    Ok(sta::slow_registers(&g, &arr, period_ns))
}

/// Reads a yosys JSON netlist (module `top`).
pub fn read_netlist(path: &Path) -> Result<Netlist, TimingError> {
    let f = std::fs::File::open(path).map_err(|source| TimingError::Io {
        path: path.display().to_string(),
        source,
    })?;
    Netlist::from_json(f, "top", cells::is_output_pin)
}

/// Times a yosys JSON netlist file.
pub fn analyze_file(path: &Path, net: NetModel) -> Result<TimingReport, TimingError> {
    analyze(&read_netlist(path)?, net)
}
