//! Fault names (the keys of `BackendStats::faults`) and the mapping of driver errors to
//! faults and to `BackendError`s.

use accel_driver::{DriverError, ErrorKind};

use crypto_core::backend::BackendError;

/// Fault names used in `BackendStats::faults`.
pub mod fault {
    /// The driver gave up waiting (no job accepted, no result).
    pub const TIMEOUT: &str = "timeout";
    /// The device latched an error (`STATUS.ERROR`).
    pub const ERROR_BIT: &str = "error_bit";
    /// A result with a tag no job in flight has (or a hash job without a result).
    pub const BAD_TAG: &str = "unexpected_tag";
    /// A verification result code the backend does not know.
    pub const BAD_CODE: &str = "bad_result_code";
    /// A verification job the device answered without a result.
    pub const ENGINE_FAULT: &str = "engine_fault";
    /// A bus access failed.
    pub const BUS: &str = "bus_error";
    /// A spot check disagreed with the software fallback.
    pub const MISMATCH: &str = "spot_check_mismatch";
    /// The bitstream's ID, version or register-map hash is not the driver's.
    pub const BITSTREAM: &str = "bitstream_mismatch";
    /// No device answers at the register window.
    pub const NOT_PRESENT: &str = "not_present";
    /// The known-answer self-test at open failed.
    pub const SELF_TEST: &str = "self_test";
    /// A lost interrupt: a wait ended without one although the device had made progress
    /// (recovered by polling).
    pub const MISSED_IRQ: &str = "missed_irq";
    /// The device or bus cannot do what was asked (or a job it refuses).
    pub const UNSUPPORTED: &str = "unsupported";
    /// Descriptor DMA failed (the DMA buffer or the fabric's read).
    pub const DMA: &str = "dma_error";
    /// The verify-job ring stopped on an error, or wrote an entry it cannot have written.
    pub const RING: &str = "ring_error";
}

pub(crate) fn fault_name(e: &DriverError) -> &'static str {
    match e {
        DriverError::Timeout { .. } => fault::TIMEOUT,
        DriverError::Hw { .. } => fault::ERROR_BIT,
        DriverError::UnexpectedTag { .. } | DriverError::UnexpectedRingTag { .. } => fault::BAD_TAG,
        DriverError::Ring { .. } | DriverError::BadRingEntry { .. } => fault::RING,
        DriverError::BadResultCode { .. } => fault::BAD_CODE,
        DriverError::DmaRead { .. } | DriverError::Dma(_) => fault::DMA,
        DriverError::Bus(_) => fault::BUS,
        DriverError::NotPresent { .. } => fault::NOT_PRESENT,
        DriverError::BitstreamMismatch { .. } | DriverError::VersionMismatch { .. } => {
            fault::BITSTREAM
        }
        DriverError::Unsupported { .. } | DriverError::BadArgument { .. } => fault::UNSUPPORTED,
    }
}

pub(crate) fn to_backend_error(e: &DriverError) -> BackendError {
    let what = e.to_string();
    match e.kind() {
        ErrorKind::Timeout => BackendError::Timeout { what },
        ErrorKind::Bus => BackendError::Io(what),
        ErrorKind::NotPresent | ErrorKind::BitstreamMismatch | ErrorKind::Unsupported => {
            BackendError::Unavailable(what)
        }
        ErrorKind::BadArgument | ErrorKind::Hardware => BackendError::Hardware { what },
    }
}
