//! `MockBus`: a bus for host tests of `accel-driver` that records every access, counts time in device
//! cycles, and puts a [`FaultHook`] between the driver and a [`Device`] (a plain register
//! file, or the behavioural model in [`crate::model`]).

use alloc::vec::Vec;

use accel_driver::bus::{Bus, BusError, BusErrorKind};
use accel_driver::fault::FaultHook;

/// Something that behaves like the register block.
pub trait Device {
    fn read(&mut self, offset: u32) -> Result<u32, BusError>;
    fn write(&mut self, offset: u32, value: u32) -> Result<(), BusError>;
    /// Let `cycles` clock cycles pass.
    fn advance(&mut self, cycles: u64);
    /// Level of the interrupt output.
    fn irq(&self) -> bool;
    /// Memory behind the device's DMA master, if it models one.
    fn dma_region(&mut self) -> Option<&mut dyn accel_driver::dma::DmaRegion> {
        None
    }
}

/// One recorded access.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Read { offset: u32, value: u32 },
    Write { offset: u32, value: u32 },
    Pause { us: u32 },
    WaitIrq { timeout_us: u32, got: bool },
}

/// Memory-backed registers with no behaviour: reads return what was last written (or preset).
#[derive(Debug, Clone)]
pub struct RegFile {
    pub words: [u32; 64],
}

impl RegFile {
    /// A register file that identifies as a compatible accelerator (ID, VERSION, MAP_HASH,
    /// and `caps` in CAPS) and otherwise reads 0.
    pub fn identified(caps: u32) -> Self {
        let mut words = [0u32; 64];
        words[(satchain_regmap::reg::ID.offset / 4) as usize] = satchain_regmap::ID_VALUE;
        words[(satchain_regmap::reg::VERSION.offset / 4) as usize] = satchain_regmap::VERSION_VALUE;
        words[(satchain_regmap::reg::MAP_HASH.offset / 4) as usize] = satchain_regmap::MAP_HASH;
        words[(satchain_regmap::reg::CAPS.offset / 4) as usize] = caps;
        RegFile { words }
    }
}

impl Device for RegFile {
    fn read(&mut self, offset: u32) -> Result<u32, BusError> {
        self.words
            .get((offset / 4) as usize)
            .copied()
            .ok_or(BusError::new(
                BusErrorKind::BadOffset,
                Some(offset),
                "read outside the window",
            ))
    }
    fn write(&mut self, offset: u32, value: u32) -> Result<(), BusError> {
        match self.words.get_mut((offset / 4) as usize) {
            Some(w) => {
                *w = value;
                Ok(())
            }
            None => Err(BusError::new(
                BusErrorKind::BadOffset,
                Some(offset),
                "write outside the window",
            )),
        }
    }
    fn advance(&mut self, _cycles: u64) {}
    fn irq(&self) -> bool {
        false
    }
}

/// A recording, fault-injecting bus around a [`Device`].
#[derive(Debug)]
pub struct MockBus<D: Device> {
    pub dev: D,
    pub faults: FaultHook,
    /// Every access, in order (only while `record` is set).
    pub log: Vec<Access>,
    pub record: bool,
    /// Device clock in MHz: converts pauses and irq timeouts to cycles.
    pub clock_mhz: u32,
    /// Cycles one register access costs (an AXI4-Lite transaction is a few cycles).
    pub cycles_per_access: u64,
    /// Whether `wait_irq` is offered.
    pub irq: bool,
    cycles: u64,
}

impl<D: Device> MockBus<D> {
    pub fn new(dev: D) -> Self {
        MockBus {
            dev,
            faults: FaultHook::default(),
            log: Vec::new(),
            record: true,
            clock_mhz: 150,
            cycles_per_access: 4,
            irq: true,
            cycles: 0,
        }
    }

    fn step(&mut self, n: u64) {
        self.cycles += n;
        self.dev.advance(n);
    }

    /// Recorded writes to `offset`.
    pub fn writes_to(&self, offset: u32) -> usize {
        self.log
            .iter()
            .filter(|a| matches!(a, Access::Write { offset: o, .. } if *o == offset))
            .count()
    }
}

impl<D: Device> Bus for MockBus<D> {
    fn read32(&mut self, offset: u32) -> Result<u32, BusError> {
        self.step(self.cycles_per_access);
        let v = self.dev.read(offset)?;
        let v = self.faults.on_read(offset, v);
        if self.record {
            self.log.push(Access::Read { offset, value: v });
        }
        Ok(v)
    }
    fn write32(&mut self, offset: u32, value: u32) -> Result<(), BusError> {
        self.step(self.cycles_per_access);
        self.faults.on_write(offset, value);
        if self.record {
            self.log.push(Access::Write { offset, value });
        }
        self.dev.write(offset, value)
    }
    fn has_irq(&self) -> bool {
        self.irq
    }
    fn wait_irq(&mut self, timeout_us: u32) -> Result<bool, BusError> {
        if !self.irq {
            return Err(BusError::unsupported("wait_irq"));
        }
        let budget = u64::from(timeout_us) * u64::from(self.clock_mhz);
        let mut waited = 0u64;
        let mut swallowed = false;
        let got = loop {
            if !swallowed && self.faults.irq_level(self.dev.irq()) {
                if self.faults.swallow_irq() {
                    swallowed = true;
                } else {
                    break true;
                }
            }
            if waited >= budget {
                break false;
            }
            let n = 16.min(budget - waited);
            self.step(n);
            waited += n;
        };
        if self.record {
            self.log.push(Access::WaitIrq { timeout_us, got });
        }
        Ok(got)
    }
    fn pause(&mut self, us: u32) {
        self.step(u64::from(us) * u64::from(self.clock_mhz));
        if self.record {
            self.log.push(Access::Pause { us });
        }
    }
    fn sim_cycles(&self) -> Option<u64> {
        Some(self.cycles)
    }
    fn dma_region(&mut self) -> Option<&mut dyn accel_driver::dma::DmaRegion> {
        self.dev.dma_region()
    }
}
