//! Test-only fault injection at the bus: what a single-event upset or a broken bitstream
//! looks like from the CPU. Used by `testkit::mock::MockBus` and by verif's `VerilatorBus`, so the same
//! faults are injected in front of the behavioural model and in front of the RTL.
//!
//! - **stuck busy**: the device never reports a result again (STATUS busy bits forced on,
//!   result-valid bits and the result registers' VALID forced off, interrupt line held low);
//! - **flipped result bit**: XOR a mask into reads of one register (e.g. a digest word, or
//!   `ECDSA_RESULT.CODE` bit 0, turning VALID into INVALID);
//! - **spurious error bit**: `STATUS.ERROR` reads 1 and `ERROR` reads a code, until software
//!   writes `ERROR` or soft-resets;
//! - **dropped interrupt**: the next N interrupt wake-ups are not delivered.

use satchain_regmap::{field, reg};

/// XOR `mask` into reads of `offset`: skip the first `skip` reads, then flip `count` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flip {
    pub offset: u32,
    pub mask: u32,
    pub skip: u32,
    pub count: u32,
}

/// How many faults were actually injected (a test asserts the fault happened).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Injected {
    pub flipped_reads: u64,
    pub stuck_reads: u64,
    pub spurious_error_reads: u64,
    pub dropped_irqs: u64,
}

/// The fault-injection hook. All faults are off by default.
#[derive(Debug, Clone, Default)]
pub struct FaultHook {
    pub stuck_busy: bool,
    pub flip: Option<Flip>,
    /// When `Some(code)`, STATUS.ERROR reads 1 and ERROR reads `code` until cleared.
    pub spurious_error: Option<u8>,
    /// Number of interrupt wake-ups still to swallow.
    pub drop_irqs: u32,
    pub injected: Injected,
}

const RESULT_VALID_BITS: u32 =
    field::STATUS::HASH_RESULT_VALID.mask() | field::STATUS::ECDSA_RESULT_VALID.mask();
const BUSY_BITS: u32 = field::STATUS::HASH_BUSY.mask() | field::STATUS::ECDSA_BUSY.mask();

impl FaultHook {
    /// Applies the active faults to a value read from `offset`.
    pub fn on_read(&mut self, offset: u32, mut v: u32) -> u32 {
        if self.stuck_busy {
            let before = v;
            if offset == reg::STATUS.offset {
                v = (v | BUSY_BITS) & !RESULT_VALID_BITS;
            } else if offset == reg::HASH_RESULT.offset {
                v &= !field::HASH_RESULT::VALID.mask();
            } else if offset == reg::ECDSA_RESULT.offset {
                v &= !field::ECDSA_RESULT::VALID.mask();
            }
            if v != before {
                self.injected.stuck_reads += 1;
            }
        }
        if let Some(code) = self.spurious_error {
            if offset == reg::STATUS.offset {
                v |= field::STATUS::ERROR.mask();
                self.injected.spurious_error_reads += 1;
            } else if offset == reg::ERROR.offset && field::ERROR::CODE.get(v) == 0 {
                v = field::ERROR::CODE.put(u32::from(code));
                self.injected.spurious_error_reads += 1;
            }
        }
        if let Some(f) = self.flip.as_mut() {
            if offset == f.offset && f.count > 0 {
                if f.skip > 0 {
                    f.skip -= 1;
                } else {
                    f.count -= 1;
                    v ^= f.mask;
                    self.injected.flipped_reads += 1;
                }
            }
        }
        v
    }

    /// Sees a write before the device does (clearing ERROR or a soft reset ends a spurious error).
    pub fn on_write(&mut self, offset: u32, v: u32) {
        if offset == reg::ERROR.offset
            || (offset == reg::CTRL.offset && field::CTRL::SOFT_RESET.get(v) != 0)
        {
            self.spurious_error = None;
        }
    }

    /// The interrupt level software sees, given the device's line.
    pub fn irq_level(&self, line: bool) -> bool {
        if self.stuck_busy {
            return false;
        }
        line || self.spurious_error.is_some()
    }

    /// Called when a wait would deliver an interrupt: `true` if it is swallowed.
    pub fn swallow_irq(&mut self) -> bool {
        if self.drop_irqs > 0 {
            self.drop_irqs -= 1;
            self.injected.dropped_irqs += 1;
            true
        } else {
            false
        }
    }
}
