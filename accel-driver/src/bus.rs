//! The `Bus` trait: the only way the driver touches the device.

use core::fmt;

/// What went wrong on the bus, for logging and policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BusErrorKind {
    /// The offset is not a register of the map (or is outside the mapped window).
    BadOffset,
    /// The register cannot be accessed this way (read of a write-only cell through MMIO,
    /// write of a read-only one).
    Access,
    /// The slave answered with an AXI error response (SLVERR/DECERR).
    SlaveError,
    /// The handshake did not complete (simulated bus) or the OS call failed.
    Io,
    /// The bus cannot do this (e.g. no interrupt line).
    Unsupported,
}

/// A failed bus access.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BusError {
    kind: BusErrorKind,
    /// Byte offset of the access, where one applies.
    pub offset: Option<u32>,
    /// What was being done.
    pub what: &'static str,
    /// OS error number for `Io` errors on Linux (0 otherwise).
    pub errno: i32,
}

impl BusError {
    pub const fn new(kind: BusErrorKind, offset: Option<u32>, what: &'static str) -> Self {
        BusError {
            kind,
            offset,
            what,
            errno: 0,
        }
    }
    pub const fn with_errno(mut self, errno: i32) -> Self {
        self.errno = errno;
        self
    }
    pub const fn kind(&self) -> BusErrorKind {
        self.kind
    }
    pub const fn unsupported(what: &'static str) -> Self {
        BusError::new(BusErrorKind::Unsupported, None, what)
    }
}

impl fmt::Display for BusError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "bus error ({:?}) during {}", self.kind, self.what)?;
        if let Some(o) = self.offset {
            write!(f, " at offset {o:#05x}")?;
        }
        if self.errno != 0 {
            write!(f, " (errno {})", self.errno)?;
        }
        Ok(())
    }
}

/// 32-bit register access to the accelerator's AXI4-Lite window, plus a way to wait.
///
/// Offsets are byte offsets from the window base and always come from `satchain_regmap`.
/// Implementations: [`crate::mmio::MmioBus`] (board, bare metal or Linux mapping),
/// `testkit::mock::MockBus` (host tests), and `verif::bus::VerilatorBus` (simulation).
pub trait Bus {
    /// Read the 32-bit register at `offset`.
    fn read32(&mut self, offset: u32) -> Result<u32, BusError>;
    /// Write `value` to the 32-bit register at `offset`.
    fn write32(&mut self, offset: u32, value: u32) -> Result<(), BusError>;
    /// Whether [`Bus::wait_irq`] is backed by a real interrupt line.
    fn has_irq(&self) -> bool {
        false
    }
    /// Block until the accelerator's interrupt line is asserted or `timeout_us`
    /// microseconds pass. `Ok(true)`: interrupt seen; `Ok(false)`: timed out.
    fn wait_irq(&mut self, timeout_us: u32) -> Result<bool, BusError> {
        let _ = timeout_us;
        Err(BusError::unsupported("wait_irq"))
    }
    /// Let about `us` microseconds pass between two polls (a delay on hardware, clock
    /// cycles in a simulator). The driver counts these pauses against its timeout.
    fn pause(&mut self, us: u32);
    /// Device clock cycles elapsed since the bus was created, when the bus can observe
    /// them (simulation); `None` on hardware.
    fn sim_cycles(&self) -> Option<u64> {
        None
    }
    /// Memory the accelerator's DMA master can read, when this bus has some (see
    /// [`crate::dma`]); `None`: jobs go through the data registers.
    fn dma_region(&mut self) -> Option<&mut dyn crate::dma::DmaRegion> {
        None
    }
    /// Memory the verify-job ring's AXI master reaches, for the job and result rings
    /// (`Accel::ecdsa_batch` uses the ring when the bitstream has one and this is `Some`).
    /// Kept apart from [`Bus::dma_region`], whose bytes the hash jobs overwrite.
    fn ring_region(&mut self) -> Option<&mut dyn crate::dma::DmaRegion> {
        None
    }
}

impl<B: Bus + ?Sized> Bus for &mut B {
    fn read32(&mut self, offset: u32) -> Result<u32, BusError> {
        (**self).read32(offset)
    }
    fn write32(&mut self, offset: u32, value: u32) -> Result<(), BusError> {
        (**self).write32(offset, value)
    }
    fn has_irq(&self) -> bool {
        (**self).has_irq()
    }
    fn wait_irq(&mut self, timeout_us: u32) -> Result<bool, BusError> {
        (**self).wait_irq(timeout_us)
    }
    fn pause(&mut self, us: u32) {
        (**self).pause(us)
    }
    fn sim_cycles(&self) -> Option<u64> {
        (**self).sim_cycles()
    }
    fn dma_region(&mut self) -> Option<&mut dyn crate::dma::DmaRegion> {
        (**self).dma_region()
    }
    fn ring_region(&mut self) -> Option<&mut dyn crate::dma::DmaRegion> {
        (**self).ring_region()
    }
}
