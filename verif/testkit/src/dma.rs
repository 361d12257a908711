//! [`MemRegion`]: plain heap memory with a made-up bus address, standing in for a DMA region
//! (the behavioural model's memory, fuzzing, host tests). Not for the board: there a region is
//! `accel_driver::linux::UdmabufRegion` (or the simulated DDR of `verif::axi_mem::AxiMem`).

use alloc::vec;
use alloc::vec::Vec;

use accel_driver::dma::{check_range, DmaError, DmaRegion};

/// Heap memory posing as a DMA region at a given bus address (host tests, mock buses).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemRegion {
    bus_addr: u64,
    bytes: Vec<u8>,
}

impl MemRegion {
    /// `len` zero bytes at bus address `bus_addr`.
    pub fn new(bus_addr: u64, len: usize) -> Self {
        MemRegion {
            bus_addr,
            bytes: vec![0; len],
        }
    }
    /// The bytes (what the device would read).
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }
}

impl DmaRegion for MemRegion {
    fn bus_addr(&self) -> u64 {
        self.bus_addr
    }
    fn len(&self) -> usize {
        self.bytes.len()
    }
    fn write(&mut self, offset: usize, data: &[u8]) -> Result<(), DmaError> {
        let end = check_range(offset, data.len(), self.bytes.len())?;
        self.bytes[offset..end].copy_from_slice(data);
        Ok(())
    }
    fn read(&self, offset: usize, out: &mut [u8]) -> Result<(), DmaError> {
        let end = check_range(offset, out.len(), self.bytes.len())?;
        out.copy_from_slice(&self.bytes[offset..end]);
        Ok(())
    }
}
