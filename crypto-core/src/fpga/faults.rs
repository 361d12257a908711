//! Fault names (the keys of `BackendStats::faults`) and the mapping of driver errors to
//! faults and to `BackendError`s.

// The FPGA backend is std-only (feature `fpga` implies `std`): the std prelude.
use std::prelude::rust_2021::*;

use accel_driver::{DriverError, ErrorKind};

use crate::backend::BackendError;

/// Fault names used in `BackendStats::faults`.
pub mod fault {
    pub const TIMEOUT: &str = "timeout";
    pub const ERROR_BIT: &str = "error_bit";
    pub const BAD_TAG: &str = "unexpected_tag";
    pub const BAD_CODE: &str = "bad_result_code";
    pub const ENGINE_FAULT: &str = "engine_fault";
    pub const BUS: &str = "bus_error";
    pub const MISMATCH: &str = "spot_check_mismatch";
    pub const BITSTREAM: &str = "bitstream_mismatch";
    pub const NOT_PRESENT: &str = "not_present";
    pub const SELF_TEST: &str = "self_test";
    pub const MISSED_IRQ: &str = "missed_irq";
    pub const UNSUPPORTED: &str = "unsupported";
    pub const DMA: &str = "dma_error";
}

pub(crate) fn fault_name(e: &DriverError) -> &'static str {
    match e {
        DriverError::Timeout { .. } => fault::TIMEOUT,
        DriverError::Hw { .. } => fault::ERROR_BIT,
        DriverError::UnexpectedTag { .. } => fault::BAD_TAG,
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
