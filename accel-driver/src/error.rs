//! Typed driver errors with a `kind()`.

use core::fmt;

use satchain_regmap::ErrorCode;

use crate::bus::BusError;

/// Kinds of driver failure, for logging and fault policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// A bus access failed.
    Bus,
    /// No SatChain accelerator answers at this address (wrong ID).
    NotPresent,
    /// The bitstream was built from another register map or interface version.
    BitstreamMismatch,
    /// The bitstream lacks what the job needs (no unit, mode not supported).
    Unsupported,
    /// A job argument is invalid; nothing was written to the device.
    BadArgument,
    /// The device did not finish in time.
    Timeout,
    /// The device latched an error code, or returned something inconsistent.
    Hardware,
}

/// Why a job argument was refused (checked before the first register write).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArgError {
    /// The message is longer than `MAX_HASH_LEN`.
    TooLong { len: usize, max: u32 },
    /// MERKLE64 needs 64 bytes, HEADER80 needs 80.
    BadModeLength {
        mode: satchain_regmap::HashMode,
        len: usize,
        want: usize,
    },
    /// The output slice does not have one slot per job.
    OutputLength { jobs: usize, slots: usize },
    /// The job (rounded up to 8 bytes) does not fit the bus's DMA region.
    DmaRegionTooSmall { len: usize, region: usize },
    /// The bus's ring region cannot hold the smallest ring pair (two slots and two result
    /// entries, after aligning to 256 bytes, below 2^32).
    RingRegionTooSmall { len: usize, need: usize },
}

impl fmt::Display for ArgError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ArgError::TooLong { len, max } => {
                write!(f, "message of {len} bytes exceeds MAX_HASH_LEN {max}")
            }
            ArgError::BadModeLength { mode, len, want } => {
                write!(f, "{mode:?} needs {want} bytes, got {len}")
            }
            ArgError::OutputLength { jobs, slots } => {
                write!(f, "{jobs} jobs but {slots} output slots")
            }
            ArgError::DmaRegionTooSmall { len, region } => {
                write!(
                    f,
                    "message of {len} bytes does not fit the {region}-byte DMA region"
                )
            }
            ArgError::RingRegionTooSmall { len, need } => write!(
                f,
                "the {len}-byte ring region cannot hold a verify ring pair (about {need} bytes, 256-byte aligned, below 4 GiB)"
            ),
        }
    }
}

/// What the driver was doing when it gave up waiting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Waiting for room in the hash input queue.
    HashSubmit,
    /// Waiting for a hash result.
    HashResult,
    /// Waiting for room in ECDSA_IN.
    EcdsaSubmit,
    /// Waiting for an ECDSA result.
    EcdsaResult,
}

/// A driver operation failed. On a batch error, results already collected stay valid
/// (the caller's output slots hold them); jobs without a result must be redone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DriverError {
    /// A bus access failed.
    Bus(BusError),
    /// The `ID` register does not read "SACC".
    NotPresent { found_id: u32 },
    /// `MAP_HASH` differs from the register map this driver was built with.
    BitstreamMismatch { expected: u32, found: u32 },
    /// The major interface version differs.
    VersionMismatch { expected_major: u16, found: u32 },
    /// The bitstream has no hash unit / ECDSA engine, or lacks a hash mode.
    Unsupported { what: &'static str },
    /// Job `index` was refused before anything was written to the device.
    BadArgument { index: usize, reason: ArgError },
    /// No progress for `waited_us` microseconds; `pending` jobs had no result.
    Timeout {
        phase: Phase,
        pending: usize,
        waited_us: u64,
    },
    /// The device latched `ERROR` (`code` is `None` for an unknown raw code).
    Hw {
        code: Option<ErrorCode>,
        raw: u32,
        tag: u8,
    },
    /// A result came back with a tag that no job in flight holds.
    UnexpectedTag { tag: u8 },
    /// An ECDSA result carried a code that is not an `EcdsaCode`.
    BadResultCode { tag: u8, raw: u32 },
    /// The memory answered the DMA read of job `index` (tag `tag`) with SLVERR/DECERR
    /// (`ERROR.CODE` = `DmaReadError`): the job's data did not arrive.
    DmaRead { index: usize, tag: u8 },
    /// A CPU access to the DMA region failed (a driver bug: ranges are checked first).
    Dma(crate::dma::DmaError),
    /// The verify-job ring stopped (`VRING_STATUS.ERR`): `error` decodes `raw`
    /// (`VRING_STATUS.ERR_CODE`), `resp` is the AXI response of a failed read/write, `slot`
    /// the ring index it names (`VRING_TAIL.ERR_SLOT`) and `index` the batch's job whose slot
    /// could not be read, when it is one.
    Ring {
        error: Option<satchain_regmap::vring::RingError>,
        raw: u32,
        resp: u32,
        slot: u16,
        index: Option<usize>,
    },
    /// A result-ring entry at ring index `index` that the device cannot have written.
    BadRingEntry { index: u16, raw: u64 },
    /// A ring result with a tag that no job of the batch waiting for a result holds.
    UnexpectedRingTag { tag: u16 },
}

/// `BadArgument(OutputLength)` unless there is one output slot per job: the check every batch
/// makes before its first register write.
pub(crate) fn check_output_len(jobs: usize, slots: usize) -> Result<(), DriverError> {
    if slots == jobs {
        return Ok(());
    }
    Err(DriverError::BadArgument {
        index: 0,
        reason: ArgError::OutputLength { jobs, slots },
    })
}

impl DriverError {
    pub const fn kind(&self) -> ErrorKind {
        match self {
            DriverError::Bus(_) => ErrorKind::Bus,
            DriverError::NotPresent { .. } => ErrorKind::NotPresent,
            DriverError::BitstreamMismatch { .. } | DriverError::VersionMismatch { .. } => {
                ErrorKind::BitstreamMismatch
            }
            DriverError::Unsupported { .. } => ErrorKind::Unsupported,
            DriverError::BadArgument { .. } => ErrorKind::BadArgument,
            DriverError::Timeout { .. } => ErrorKind::Timeout,
            DriverError::Hw { .. }
            | DriverError::UnexpectedTag { .. }
            | DriverError::BadResultCode { .. }
            | DriverError::DmaRead { .. }
            | DriverError::Dma(_)
            | DriverError::Ring { .. }
            | DriverError::BadRingEntry { .. }
            | DriverError::UnexpectedRingTag { .. } => ErrorKind::Hardware,
        }
    }
}

impl From<BusError> for DriverError {
    fn from(e: BusError) -> Self {
        DriverError::Bus(e)
    }
}

impl fmt::Display for DriverError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DriverError::Bus(e) => write!(f, "{e}"),
            DriverError::NotPresent { found_id } => {
                write!(f, "no SatChain accelerator: ID reads {found_id:#010x}, expected {:#010x}", satchain_regmap::ID_VALUE)
            }
            DriverError::BitstreamMismatch { expected, found } => write!(
                f,
                "bitstream built from another register map: MAP_HASH {found:#010x}, driver expects {expected:#010x}"
            ),
            DriverError::VersionMismatch { expected_major, found } => {
                write!(f, "interface version {found:#010x}, driver supports major {expected_major}")
            }
            DriverError::Unsupported { what } => write!(f, "bitstream does not support {what}"),
            DriverError::BadArgument { index, reason } => write!(f, "job {index}: {reason} (nothing written)"),
            DriverError::Timeout { phase, pending, waited_us } => {
                write!(f, "timeout in {phase:?} after {waited_us} us without progress, {pending} jobs pending")
            }
            DriverError::Hw { code, raw, tag } => write!(f, "device error {code:?} (raw {raw:#x}) for tag {tag}"),
            DriverError::UnexpectedTag { tag } => write!(f, "result with tag {tag} that no pending job holds"),
            DriverError::BadResultCode { tag, raw } => write!(f, "ECDSA result for tag {tag} has unknown code {raw}"),
            DriverError::DmaRead { index, tag } => write!(f, "DMA read error (SLVERR/DECERR) fetching the data of job {index} (tag {tag})"),
            DriverError::Dma(e) => write!(f, "{e}"),
            DriverError::Ring { error, raw, resp, slot, index } => {
                write!(f, "verify ring stopped: {error:?} (code {raw}, AXI response {resp}) at ring index {slot}")?;
                if let Some(i) = index {
                    write!(f, " (job {i})")?;
                }
                Ok(())
            }
            DriverError::BadRingEntry { index, raw } => write!(f, "result-ring entry {index} reads {raw:#018x}: not written by the device"),
            DriverError::UnexpectedRingTag { tag } => write!(f, "ring result with tag {tag} that no waiting job holds"),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for DriverError {}
#[cfg(feature = "std")]
impl std::error::Error for crate::bus::BusError {}
