#![doc = include_str!("../README.md")]

pub mod breakdown;
pub mod docs;
pub mod drift;
pub mod flow;
pub mod report;
pub mod resources;
pub mod timing;
pub mod verilog;
pub mod yosys;

pub use flow::{read_report, report_is_current, report_matches, run, FlowError, FlowOptions};
pub use report::{BlockReport, SynthReport};
pub use resources::{Device, Resources, BUDGET_RATIO, XC7Z030};

/// Default synthesis output directory, relative to the workspace root.
pub const DEFAULT_OUT_DIR: &str = "target/synth";
