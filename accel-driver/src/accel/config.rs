//! Driver settings and what the driver reports: `Config`, `WaitMode`, `Caps`, `Counters`,
//! `BatchInfo`.

use satchain_regmap::{field, HashMode, ECDSA_JOB_WORDS};

/// How the driver waits for the device.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaitMode {
    /// Read `STATUS`, pause `poll_interval_us`, repeat.
    Poll,
    /// Enable the interrupt sources and block on the bus's interrupt; after `irq_slice_us`
    /// without an interrupt the driver polls anyway (so a lost interrupt costs time, not the job).
    Irq,
}

/// Driver settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    pub wait: WaitMode,
    /// Give up after this many microseconds without progress (no job accepted, no result).
    pub timeout_us: u32,
    /// Pause between two polls in polling mode; also what one wake-up without progress
    /// counts against the timeout in interrupt mode.
    pub poll_interval_us: u32,
    /// Longest single wait for an interrupt before the driver polls anyway.
    pub irq_slice_us: u32,
    /// HASH_DATA words written after one observation of `STATUS.HASH_READY` before
    /// `STATUS` is read again (0: the whole job after one observation). `HASH_READY` promises
    /// one free slot of the data queue, so 1 is the only value that is safe on every
    /// bitstream; larger values are safe when the data queue drains faster than the bus
    /// writes (see the README).
    pub hash_words_per_ready: u32,
    /// ECDSA_IN words written after one observation of `STATUS.ECDSA_READY`
    /// (41 = a whole job; 0 likewise).
    pub ecdsa_words_per_ready: u32,
    /// Most jobs in flight; `None`: the result FIFO depth from `CAPS` (at most 256 tags).
    pub max_in_flight: Option<u16>,
    /// Read `ECDSA_CYCLES` for every result (one more read per verification).
    pub read_engine_cycles: bool,
    /// Submit hash jobs as DMA descriptors when the bitstream has `CAPS.HASH_DMA` and the
    /// bus offers a [`crate::dma::DmaRegion`] (otherwise, or when false: HASH_CMD/HASH_DATA).
    pub use_dma: bool,
    /// log2 of the verify-job rings' entry count (at most; smaller when the ring region is
    /// smaller): 8 = 256 jobs in flight, 66 KiB of ring memory.
    pub ring_log2: u8,
    /// Pause between two `VRING_STATUS` polls that found nothing to do. A verification takes
    /// tens of microseconds of a core that holds many, so polling about as often as results
    /// come keeps the register traffic near one access per verification (a 1 us poll would
    /// spend ~20 reads per verification, `hdl/src/vring/README.md`).
    pub ring_poll_us: u32,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            wait: WaitMode::Poll,
            timeout_us: 1_000_000,
            poll_interval_us: 1,
            irq_slice_us: 10_000,
            hash_words_per_ready: 1,
            ecdsa_words_per_ready: ECDSA_JOB_WORDS,
            max_in_flight: None,
            read_engine_cycles: false,
            use_dma: true,
            ring_log2: 8,
            ring_poll_us: 30,
        }
    }
}

/// What the bitstream reports in `VERSION` and `CAPS`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caps {
    pub version: u32,
    pub hash_units: u32,
    pub ecdsa_engines: u32,
    /// Bit m set: `HashMode` m supported.
    pub hash_modes: u32,
    /// Depth of each result FIFO (and of the DMA descriptor queue).
    pub result_fifo_depth: u32,
    /// Descriptor DMA ingress present (`HASH_DMA_ADDR` / `HASH_DMA_CMD`).
    pub hash_dma: bool,
    /// Verify-job DMA present (`VRING_*`).
    pub verify_ring: bool,
}

impl Caps {
    pub const fn from_regs(version: u32, caps: u32) -> Self {
        let log2 = field::CAPS::RESULT_FIFO_LOG2.get(caps);
        Caps {
            version,
            hash_units: field::CAPS::HASH_UNITS.get(caps),
            ecdsa_engines: field::CAPS::ECDSA_ENGINES.get(caps),
            hash_modes: field::CAPS::HASH_MODES.get(caps),
            result_fifo_depth: 1u32 << log2,
            hash_dma: field::CAPS::HASH_DMA.get(caps) != 0,
            verify_ring: field::CAPS::VERIFY_RING.get(caps) != 0,
        }
    }
    pub const fn supports(&self, mode: HashMode) -> bool {
        self.hash_modes & (1 << mode as u32) != 0
    }
}

/// Bus traffic and waiting, since `open` (or the last [`Accel::reset_counters`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counters {
    pub reads: u64,
    pub writes: u64,
    /// Pauses taken in polling (and in interrupt mode after a wake-up without progress).
    pub pauses: u64,
    pub irq_waits: u64,
    /// Waits that ended without an interrupt although the device had made progress:
    /// a lost (dropped) interrupt, recovered by polling.
    pub irq_missed: u64,
}

/// Measurements of one batch.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BatchInfo {
    pub jobs: usize,
    pub reads: u64,
    pub writes: u64,
    /// `CYCLES` difference over the batch (accelerator clock, wraps at 2^32).
    pub device_cycles: u32,
}
