//! The `satchain` command-line tool as a library: each subcommand's arguments and its `run`,
//! and the JSON Lines batch processors (`cmd_verify::process`, `cmd_hash::process`) over any
//! reader and writer, so tests and the fuzz targets drive exactly the code the binary runs.
//! The binary (`src/main.rs`) only parses the command line; the user documentation is
//! `cli/README.md`.

pub mod backend_select;
pub mod choices;
pub mod cmd_bench;
pub mod cmd_demo;
pub mod cmd_hash;
#[cfg(feature = "hw-report")]
pub mod cmd_hw_report;
pub mod cmd_validate;
pub mod cmd_verify;
pub mod error;
#[cfg(feature = "hw-report")]
pub mod hw_report_clock;
#[cfg(feature = "hw-report")]
pub mod hw_report_text;
pub mod input;
pub mod json;
pub mod progress;
