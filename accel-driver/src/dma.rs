//! DMA buffers: memory the accelerator's DMA read master can reach, with a CPU view.
//!
//! The hash cluster's descriptor DMA (`HASH_DMA_ADDR` / `HASH_DMA_CMD`) reads job data from
//! bus addresses. A [`DmaRegion`] is a block of such memory: its bus (physical) address as the
//! accelerator sees it, and CPU access to its bytes. Implementations:
//! - `linux::UdmabufRegion` (feature `std`): a `u-dma-buf` / reserved-memory buffer mapped
//!   from `/dev/udmabufN` (physical address from sysfs);
//! - `testkit::dma::MemRegion` (test support, not in this crate): plain heap memory with a
//!   made-up bus address, for host tests with a mock bus;
//! - `verif::axi_mem::AxiMem`: the simulated DDR behind the Verilated top.
//!
//! A bus offers its region through [`crate::Bus::dma_region`]; [`WithDma`] pairs any register
//! bus with a region. When the bus has a region and the bitstream reports `CAPS.HASH_DMA`,
//! [`crate::Accel::hash_batch`] submits hash jobs as descriptors (2 register writes per job
//! instead of `1 + ceil(len/4)`).

use core::fmt;

use crate::bus::{Bus, BusError};

/// A CPU access outside the region.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DmaError {
    OutOfRange {
        offset: usize,
        len: usize,
        region: usize,
    },
}

impl fmt::Display for DmaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DmaError::OutOfRange {
                offset,
                len,
                region,
            } => write!(
                f,
                "DMA buffer access of {len} bytes at offset {offset} outside the {region}-byte region"
            ),
        }
    }
}

/// Memory reachable by the accelerator's DMA master, with a CPU view.
pub trait DmaRegion {
    /// Bus address of byte 0 as the accelerator sees it.
    fn bus_addr(&self) -> u64;
    /// Size in bytes.
    fn len(&self) -> usize;
    /// Whether the region is empty.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Copies `data` to `offset` (CPU view).
    fn write(&mut self, offset: usize, data: &[u8]) -> Result<(), DmaError>;
    /// Copies bytes at `offset` into `out` (CPU view).
    fn read(&self, offset: usize, out: &mut [u8]) -> Result<(), DmaError>;
    /// Makes CPU writes to `offset .. offset + len` visible to the device before descriptors
    /// that point there are submitted (cache clean on a cached mapping). The default is a
    /// memory fence, enough for an uncached (`O_SYNC`) mapping.
    fn sync_for_device(&mut self, offset: usize, len: usize) {
        let _ = (offset, len);
        core::sync::atomic::fence(core::sync::atomic::Ordering::SeqCst);
    }
    /// Makes device writes to `offset .. offset + len` (e.g. result-ring entries) visible to
    /// the CPU before it reads them (cache invalidate on a cached mapping). The default is a
    /// memory fence, enough for an uncached (`O_SYNC`) mapping.
    fn sync_for_cpu(&mut self, offset: usize, len: usize) {
        let _ = (offset, len);
        core::sync::atomic::fence(core::sync::atomic::Ordering::SeqCst);
    }
}

/// Bounds check shared by the plain-memory implementations.
pub fn check_range(offset: usize, len: usize, region: usize) -> Result<usize, DmaError> {
    offset
        .checked_add(len)
        .filter(|&e| e <= region)
        .ok_or(DmaError::OutOfRange {
            offset,
            len,
            region,
        })
}

/// A register bus paired with a DMA region (e.g. `UioBus` + `UdmabufRegion` on the board).
#[derive(Debug)]
pub struct WithDma<B, R> {
    pub bus: B,
    pub region: R,
}

impl<B: Bus, R: DmaRegion> WithDma<B, R> {
    pub fn new(bus: B, region: R) -> Self {
        WithDma { bus, region }
    }
}

impl<B: Bus, R: DmaRegion> Bus for WithDma<B, R> {
    fn read32(&mut self, offset: u32) -> Result<u32, BusError> {
        self.bus.read32(offset)
    }
    fn write32(&mut self, offset: u32, value: u32) -> Result<(), BusError> {
        self.bus.write32(offset, value)
    }
    fn has_irq(&self) -> bool {
        self.bus.has_irq()
    }
    fn wait_irq(&mut self, timeout_us: u32) -> Result<bool, BusError> {
        self.bus.wait_irq(timeout_us)
    }
    fn pause(&mut self, us: u32) {
        self.bus.pause(us)
    }
    fn sim_cycles(&self) -> Option<u64> {
        self.bus.sim_cycles()
    }
    fn dma_region(&mut self) -> Option<&mut dyn DmaRegion> {
        Some(&mut self.region)
    }
}
