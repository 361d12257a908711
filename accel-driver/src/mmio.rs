//! Memory-mapped access: a `#[repr(C)]` register block of `volatile-register` cells laid
//! out like `satchain_regmap::REGISTERS`, and [`MmioBus`] over it.
//!
//! The struct is written out here (so the compiler checks every access kind: no write to
//! an `RO` cell, no read of a `WO` cell); [`LAYOUT`] lists each cell with its
//! `offset_of!`, and the tests walk `REGISTERS` and require an identical offset and a
//! compatible access kind for every register, plus the window size. A regmap change that
//! this file does not follow fails the build's tests, not the board.

use core::mem::offset_of;
use core::ptr::NonNull;

use embedded_hal::delay::DelayNs;
use satchain_regmap::{reg, Access};
use volatile_register::{RO, RW, WO};

use crate::bus::{Bus, BusError, BusErrorKind};

/// The accelerator's AXI4-Lite window as the CPU sees it.
#[repr(C)]
pub struct RegisterBlock {
    pub id: RO<u32>,
    pub version: RO<u32>,
    pub map_hash: RO<u32>,
    pub caps: RO<u32>,
    pub ctrl: RW<u32>,
    pub status: RO<u32>,
    pub error: RW<u32>,
    pub irq_enable: RW<u32>,
    pub irq_status: RW<u32>,
    pub cycles: RO<u32>,
    _reserved0: [u32; 6],
    pub hash_cmd: WO<u32>,
    pub hash_data: WO<u32>,
    pub hash_result: RO<u32>,
    pub hash_pop: WO<u32>,
    pub hash_digest: [RO<u32>; 8],
    pub hash_dma_addr: RW<u32>,
    pub hash_dma_cmd: WO<u32>,
    _reserved1: [u32; 2],
    pub ecdsa_in: WO<u32>,
    pub ecdsa_result: RO<u32>,
    pub ecdsa_pop: WO<u32>,
    pub ecdsa_cycles: RO<u32>,
    pub vring_job_base: RW<u32>,
    pub vring_res_base: RW<u32>,
    pub vring_cfg: RW<u32>,
    pub vring_job_head: RW<u32>,
    pub vring_res_tail: RW<u32>,
    pub vring_status: RO<u32>,
    pub vring_tail: RO<u32>,
    _reserved2: [u32; 21],
}

/// Kind of cell a register is mapped to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell {
    Ro,
    Wo,
    Rw,
}

impl Cell {
    /// Whether a register of `access` may live in a cell of this kind.
    pub const fn fits(self, access: Access) -> bool {
        matches!(
            (self, access),
            (Cell::Ro, Access::Ro)
                | (Cell::Wo, Access::Wo)
                | (Cell::Rw, Access::Rw)
                | (Cell::Rw, Access::Rw1c)
        )
    }
}

const DIGEST: usize = offset_of!(RegisterBlock, hash_digest);

/// Every register cell of [`RegisterBlock`]: name (as in the regmap), byte offset, cell kind.
pub const LAYOUT: &[(&str, usize, Cell)] = &[
    ("ID", offset_of!(RegisterBlock, id), Cell::Ro),
    ("VERSION", offset_of!(RegisterBlock, version), Cell::Ro),
    ("MAP_HASH", offset_of!(RegisterBlock, map_hash), Cell::Ro),
    ("CAPS", offset_of!(RegisterBlock, caps), Cell::Ro),
    ("CTRL", offset_of!(RegisterBlock, ctrl), Cell::Rw),
    ("STATUS", offset_of!(RegisterBlock, status), Cell::Ro),
    ("ERROR", offset_of!(RegisterBlock, error), Cell::Rw),
    (
        "IRQ_ENABLE",
        offset_of!(RegisterBlock, irq_enable),
        Cell::Rw,
    ),
    (
        "IRQ_STATUS",
        offset_of!(RegisterBlock, irq_status),
        Cell::Rw,
    ),
    ("CYCLES", offset_of!(RegisterBlock, cycles), Cell::Ro),
    ("HASH_CMD", offset_of!(RegisterBlock, hash_cmd), Cell::Wo),
    ("HASH_DATA", offset_of!(RegisterBlock, hash_data), Cell::Wo),
    (
        "HASH_RESULT",
        offset_of!(RegisterBlock, hash_result),
        Cell::Ro,
    ),
    ("HASH_POP", offset_of!(RegisterBlock, hash_pop), Cell::Wo),
    ("HASH_DIGEST0", DIGEST, Cell::Ro),
    ("HASH_DIGEST1", DIGEST + 4, Cell::Ro),
    ("HASH_DIGEST2", DIGEST + 8, Cell::Ro),
    ("HASH_DIGEST3", DIGEST + 12, Cell::Ro),
    ("HASH_DIGEST4", DIGEST + 16, Cell::Ro),
    ("HASH_DIGEST5", DIGEST + 20, Cell::Ro),
    ("HASH_DIGEST6", DIGEST + 24, Cell::Ro),
    ("HASH_DIGEST7", DIGEST + 28, Cell::Ro),
    (
        "HASH_DMA_ADDR",
        offset_of!(RegisterBlock, hash_dma_addr),
        Cell::Rw,
    ),
    (
        "HASH_DMA_CMD",
        offset_of!(RegisterBlock, hash_dma_cmd),
        Cell::Wo,
    ),
    ("ECDSA_IN", offset_of!(RegisterBlock, ecdsa_in), Cell::Wo),
    (
        "ECDSA_RESULT",
        offset_of!(RegisterBlock, ecdsa_result),
        Cell::Ro,
    ),
    ("ECDSA_POP", offset_of!(RegisterBlock, ecdsa_pop), Cell::Wo),
    (
        "ECDSA_CYCLES",
        offset_of!(RegisterBlock, ecdsa_cycles),
        Cell::Ro,
    ),
    (
        "VRING_JOB_BASE",
        offset_of!(RegisterBlock, vring_job_base),
        Cell::Rw,
    ),
    (
        "VRING_RES_BASE",
        offset_of!(RegisterBlock, vring_res_base),
        Cell::Rw,
    ),
    ("VRING_CFG", offset_of!(RegisterBlock, vring_cfg), Cell::Rw),
    (
        "VRING_JOB_HEAD",
        offset_of!(RegisterBlock, vring_job_head),
        Cell::Rw,
    ),
    (
        "VRING_RES_TAIL",
        offset_of!(RegisterBlock, vring_res_tail),
        Cell::Rw,
    ),
    (
        "VRING_STATUS",
        offset_of!(RegisterBlock, vring_status),
        Cell::Ro,
    ),
    (
        "VRING_TAIL",
        offset_of!(RegisterBlock, vring_tail),
        Cell::Ro,
    ),
];

// The window size is a compile-time fact as well.
const _: () =
    assert!(core::mem::size_of::<RegisterBlock>() == satchain_regmap::WINDOW_BYTES as usize);

const O_ID: u32 = reg::ID.offset;
const O_VERSION: u32 = reg::VERSION.offset;
const O_MAP_HASH: u32 = reg::MAP_HASH.offset;
const O_CAPS: u32 = reg::CAPS.offset;
const O_CTRL: u32 = reg::CTRL.offset;
const O_STATUS: u32 = reg::STATUS.offset;
const O_ERROR: u32 = reg::ERROR.offset;
const O_IRQ_ENABLE: u32 = reg::IRQ_ENABLE.offset;
const O_IRQ_STATUS: u32 = reg::IRQ_STATUS.offset;
const O_CYCLES: u32 = reg::CYCLES.offset;
const O_HASH_CMD: u32 = reg::HASH_CMD.offset;
const O_HASH_DATA: u32 = reg::HASH_DATA.offset;
const O_HASH_RESULT: u32 = reg::HASH_RESULT.offset;
const O_HASH_POP: u32 = reg::HASH_POP.offset;
const O_DIGEST0: u32 = reg::HASH_DIGEST0.offset;
const O_DIGEST7: u32 = reg::HASH_DIGEST7.offset;
const O_HASH_DMA_ADDR: u32 = reg::HASH_DMA_ADDR.offset;
const O_HASH_DMA_CMD: u32 = reg::HASH_DMA_CMD.offset;
const O_ECDSA_IN: u32 = reg::ECDSA_IN.offset;
const O_ECDSA_RESULT: u32 = reg::ECDSA_RESULT.offset;
const O_ECDSA_POP: u32 = reg::ECDSA_POP.offset;
const O_ECDSA_CYCLES: u32 = reg::ECDSA_CYCLES.offset;
const O_VRING_JOB_BASE: u32 = reg::VRING_JOB_BASE.offset;
const O_VRING_RES_BASE: u32 = reg::VRING_RES_BASE.offset;
const O_VRING_CFG: u32 = reg::VRING_CFG.offset;
const O_VRING_JOB_HEAD: u32 = reg::VRING_JOB_HEAD.offset;
const O_VRING_RES_TAIL: u32 = reg::VRING_RES_TAIL.offset;
const O_VRING_STATUS: u32 = reg::VRING_STATUS.offset;
const O_VRING_TAIL: u32 = reg::VRING_TAIL.offset;

/// A busy-wait delay for bare metal when no timer is at hand: `spins_per_us` iterations of
/// `spin_loop` per microsecond (uncalibrated; give a real `DelayNs` where one exists).
#[derive(Debug, Clone, Copy)]
pub struct SpinDelay {
    pub spins_per_us: u32,
}

impl DelayNs for SpinDelay {
    fn delay_ns(&mut self, ns: u32) {
        let n = u64::from(ns) * u64::from(self.spins_per_us) / 1000 + 1;
        for _ in 0..n {
            core::hint::spin_loop();
        }
    }
}

/// The driver's bus over a mapped register window.
#[derive(Debug)]
pub struct MmioBus<D: DelayNs> {
    regs: NonNull<RegisterBlock>,
    delay: D,
}

impl core::fmt::Debug for RegisterBlock {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("RegisterBlock")
            .field("id", &self.id.read())
            .finish_non_exhaustive()
    }
}

// SAFETY: the constructor's contract gives this value exclusive use of the register window;
// moving it to another thread moves that exclusive use with it. It is not Sync.
unsafe impl<D: DelayNs + Send> Send for MmioBus<D> {}

impl<D: DelayNs> MmioBus<D> {
    /// A bus over the register window at `base` (bare metal: the PL's GP0 address, e.g.
    /// 0x43C0_0000; Linux: a pointer returned by `mmap`).
    ///
    /// # Safety
    /// `base` must point to `WINDOW_BYTES` bytes that are either the accelerator's AXI4-Lite
    /// window mapped as device (uncached) memory, or ordinary memory standing in for it;
    /// 4-byte aligned; valid for as long as the bus lives; and not accessed by anything else
    /// meanwhile (this bus is the only owner of the device).
    pub unsafe fn new(base: *mut u32, delay: D) -> Result<Self, BusError> {
        match NonNull::new(base.cast::<RegisterBlock>()) {
            Some(regs) if (base as usize) % 4 == 0 => Ok(MmioBus { regs, delay }),
            _ => Err(BusError::new(
                BusErrorKind::BadOffset,
                None,
                "MMIO base is null or unaligned",
            )),
        }
    }

    /// The typed register block.
    pub fn regs(&self) -> &RegisterBlock {
        // SAFETY: `new`'s contract: the pointer is valid, aligned and exclusively ours for our lifetime.
        unsafe { self.regs.as_ref() }
    }
}

impl<D: DelayNs> Bus for MmioBus<D> {
    fn read32(&mut self, offset: u32) -> Result<u32, BusError> {
        let r = self.regs();
        Ok(match offset {
            O_ID => r.id.read(),
            O_VERSION => r.version.read(),
            O_MAP_HASH => r.map_hash.read(),
            O_CAPS => r.caps.read(),
            O_CTRL => r.ctrl.read(),
            O_STATUS => r.status.read(),
            O_ERROR => r.error.read(),
            O_IRQ_ENABLE => r.irq_enable.read(),
            O_IRQ_STATUS => r.irq_status.read(),
            O_CYCLES => r.cycles.read(),
            O_HASH_RESULT => r.hash_result.read(),
            O_DIGEST0..=O_DIGEST7 if offset % 4 == 0 => {
                r.hash_digest[((offset - O_DIGEST0) / 4) as usize].read()
            }
            O_ECDSA_RESULT => r.ecdsa_result.read(),
            O_ECDSA_CYCLES => r.ecdsa_cycles.read(),
            O_HASH_DMA_ADDR => r.hash_dma_addr.read(),
            O_VRING_JOB_BASE => r.vring_job_base.read(),
            O_VRING_RES_BASE => r.vring_res_base.read(),
            O_VRING_CFG => r.vring_cfg.read(),
            O_VRING_JOB_HEAD => r.vring_job_head.read(),
            O_VRING_RES_TAIL => r.vring_res_tail.read(),
            O_VRING_STATUS => r.vring_status.read(),
            O_VRING_TAIL => r.vring_tail.read(),
            O_HASH_CMD | O_HASH_DATA | O_HASH_POP | O_HASH_DMA_CMD | O_ECDSA_IN | O_ECDSA_POP => {
                return Err(BusError::new(
                    BusErrorKind::Access,
                    Some(offset),
                    "read of a write-only register",
                ))
            }
            _ => {
                return Err(BusError::new(
                    BusErrorKind::BadOffset,
                    Some(offset),
                    "read of an unmapped offset",
                ))
            }
        })
    }

    fn write32(&mut self, offset: u32, value: u32) -> Result<(), BusError> {
        let r = self.regs();
        // SAFETY: writes to device registers have side effects on the device only; the cells
        // are valid (constructor contract) and the value is a plain u32.
        unsafe {
            match offset {
                O_CTRL => r.ctrl.write(value),
                O_ERROR => r.error.write(value),
                O_IRQ_ENABLE => r.irq_enable.write(value),
                O_IRQ_STATUS => r.irq_status.write(value),
                O_HASH_CMD => r.hash_cmd.write(value),
                O_HASH_DATA => r.hash_data.write(value),
                O_HASH_POP => r.hash_pop.write(value),
                O_HASH_DMA_ADDR => r.hash_dma_addr.write(value),
                O_HASH_DMA_CMD => r.hash_dma_cmd.write(value),
                O_ECDSA_IN => r.ecdsa_in.write(value),
                O_ECDSA_POP => r.ecdsa_pop.write(value),
                O_VRING_JOB_BASE => r.vring_job_base.write(value),
                O_VRING_RES_BASE => r.vring_res_base.write(value),
                O_VRING_CFG => r.vring_cfg.write(value),
                O_VRING_JOB_HEAD => r.vring_job_head.write(value),
                O_VRING_RES_TAIL => r.vring_res_tail.write(value),
                O_ID | O_VERSION | O_MAP_HASH | O_CAPS | O_STATUS | O_CYCLES | O_HASH_RESULT
                | O_ECDSA_RESULT | O_ECDSA_CYCLES | O_VRING_STATUS | O_VRING_TAIL => {
                    return Err(BusError::new(
                        BusErrorKind::Access,
                        Some(offset),
                        "write of a read-only register",
                    ))
                }
                O_DIGEST0..=O_DIGEST7 => {
                    return Err(BusError::new(
                        BusErrorKind::Access,
                        Some(offset),
                        "write of a read-only register",
                    ))
                }
                _ => {
                    return Err(BusError::new(
                        BusErrorKind::BadOffset,
                        Some(offset),
                        "write of an unmapped offset",
                    ))
                }
            }
        }
        Ok(())
    }

    fn pause(&mut self, us: u32) {
        self.delay.delay_us(us);
    }
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::cast_possible_truncation,
    clippy::drop_non_drop
)]
mod tests {
    use super::*;
    use satchain_regmap::REGISTERS;

    #[test]
    fn layout_matches_regmap_every_register() {
        assert_eq!(
            LAYOUT.len(),
            REGISTERS.len(),
            "register block and regmap list different registers"
        );
        for r in REGISTERS {
            let cell = LAYOUT.iter().find(|(n, _, _)| *n == r.name);
            let Some((_, off, kind)) = cell else {
                panic!("{} has no cell in RegisterBlock", r.name)
            };
            assert_eq!(
                *off, r.offset as usize,
                "{}: struct offset {off:#x} != regmap {:#x}",
                r.name, r.offset
            );
            assert!(
                kind.fits(r.access),
                "{}: cell {kind:?} cannot hold a {:?} register",
                r.name,
                r.access
            );
        }
        assert_eq!(
            core::mem::size_of::<RegisterBlock>(),
            satchain_regmap::WINDOW_BYTES as usize
        );
    }

    #[test]
    fn bus_dispatch_matches_layout() {
        // Every readable register goes to the word at its offset, every writable one too.
        let mut mem = [0u32; 64];
        for (i, w) in mem.iter_mut().enumerate() {
            *w = 0xA500_0000 | i as u32;
        }
        let base = mem.as_mut_ptr();
        // SAFETY: `mem` is 256 aligned bytes that outlive the bus and nothing else touches meanwhile.
        let mut bus = unsafe { MmioBus::new(base, SpinDelay { spins_per_us: 1 }) }.unwrap();
        for r in REGISTERS {
            let idx = r.offset as usize / 4;
            match r.access {
                Access::Ro | Access::Rw | Access::Rw1c => {
                    assert_eq!(
                        bus.read32(r.offset).unwrap(),
                        0xA500_0000 | idx as u32,
                        "{}",
                        r.name
                    )
                }
                Access::Wo => assert_eq!(
                    bus.read32(r.offset).unwrap_err().kind(),
                    BusErrorKind::Access
                ),
            }
            match r.access {
                Access::Wo | Access::Rw | Access::Rw1c => {
                    bus.write32(r.offset, 0x1234_0000 | idx as u32).unwrap()
                }
                Access::Ro => assert_eq!(
                    bus.write32(r.offset, 0).unwrap_err().kind(),
                    BusErrorKind::Access
                ),
            }
        }
        assert_eq!(
            bus.read32(0x28).unwrap_err().kind(),
            BusErrorKind::BadOffset
        );
        assert_eq!(
            bus.write32(0xfc, 0).unwrap_err().kind(),
            BusErrorKind::BadOffset
        );
        drop(bus);
        for r in REGISTERS {
            let idx = r.offset as usize / 4;
            let want = if r.access == Access::Ro {
                0xA500_0000
            } else {
                0x1234_0000
            } | idx as u32;
            assert_eq!(mem[idx], want, "{}", r.name);
        }
    }
}
