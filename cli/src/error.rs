//! The CLI's error type and its exit codes.

use std::fmt;

/// Exit code: the block(s) validated (or the batch command ran).
pub const EXIT_OK: u8 = 0;
/// Exit code: at least one block is invalid.
pub const EXIT_INVALID: u8 = 1;
/// Exit code: usage error, unreadable input, unavailable backend, output failure.
pub const EXIT_ERROR: u8 = 2;

/// Everything that makes a command fail before it has an answer (exit code 2).
#[derive(Debug)]
pub enum CliError {
    /// Bad arguments or option values.
    Usage(String),
    /// A file or stream could not be read or written.
    Io {
        what: String,
        source: std::io::Error,
    },
    /// The chosen backend cannot run here.
    BackendUnavailable(String),
    /// The input cannot be what the command reads (too large, not hex, not JSON Lines).
    Input(String),
}

impl CliError {
    pub fn io(what: impl Into<String>, source: std::io::Error) -> Self {
        CliError::Io {
            what: what.into(),
            source,
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Usage(s) => write!(f, "usage: {s}"),
            CliError::Io { what, source } => write!(f, "{what}: {source}"),
            CliError::BackendUnavailable(s) | CliError::Input(s) => f.write_str(s),
        }
    }
}

impl std::error::Error for CliError {}
