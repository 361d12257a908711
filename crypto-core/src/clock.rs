//! The clock of the phase timings (`BlockReport::timings_ms`): `std::time::Instant` with the
//! `std` feature. Without it (bare metal, an RTOS) crypto-core has no clock and every timing
//! reads 0; such a caller times `validate_block` with its own timer.

#[cfg(feature = "std")]
pub(crate) use std::time::Instant;

/// A stand-in for `std::time::Instant` that measures nothing.
#[cfg(not(feature = "std"))]
#[derive(Debug, Clone, Copy)]
pub(crate) struct Instant;

#[cfg(not(feature = "std"))]
impl Instant {
    pub(crate) fn now() -> Self {
        Instant
    }

    pub(crate) fn elapsed(&self) -> core::time::Duration {
        core::time::Duration::ZERO
    }
}
