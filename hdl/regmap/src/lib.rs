#![no_std]
#![doc = include_str!("../README.md")]

pub mod doc;
mod ecdsa_job;
pub mod vring;

pub use ecdsa_job::{EcdsaJob, PubkeyLength};

/// How software may access a register.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Read only.
    Ro,
    /// Write only (reads return 0).
    Wo,
    /// Read/write.
    Rw,
    /// Read; writing 1 to a bit clears it.
    Rw1c,
}

impl Access {
    /// Short name used in docs and in the map hash.
    pub const fn name(self) -> &'static str {
        match self {
            Access::Ro => "RO",
            Access::Wo => "WO",
            Access::Rw => "RW",
            Access::Rw1c => "RW1C",
        }
    }
}

/// A bit field inside a register.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    pub name: &'static str,
    /// Lowest bit.
    pub lsb: u32,
    /// Width in bits.
    pub width: u32,
    pub doc: &'static str,
}

impl Field {
    pub const fn new(name: &'static str, lsb: u32, width: u32, doc: &'static str) -> Self {
        Field {
            name,
            lsb,
            width,
            doc,
        }
    }
    /// Mask of the field in place.
    pub const fn mask(&self) -> u32 {
        if self.width >= 32 {
            u32::MAX
        } else {
            ((1u32 << self.width) - 1) << self.lsb
        }
    }
    /// Extract the field from a register value.
    pub const fn get(&self, reg: u32) -> u32 {
        (reg & self.mask()) >> self.lsb
    }
    /// Place `v` into the field (bits outside the field are dropped).
    pub const fn put(&self, v: u32) -> u32 {
        (v << self.lsb) & self.mask()
    }
}

/// One 32-bit register.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Register {
    pub name: &'static str,
    /// Byte offset from the base of the AXI4-Lite window.
    pub offset: u32,
    pub access: Access,
    /// Value after reset (for RO registers: the value the hardware reports, where constant).
    pub reset: u32,
    pub doc: &'static str,
    pub fields: &'static [Field],
}

macro_rules! regs {
    ($( $(#[$m:meta])* $id:ident = $off:expr, $acc:ident, $reset:expr, $doc:expr, [ $( $fid:ident : $lsb:expr, $w:expr, $fdoc:expr ;)* ] ;)*) => {
        /// Register definitions: offsets and fields as constants.
        pub mod reg {
            use super::*;
            $(
                $(#[$m])*
                #[doc = $doc]
                pub const $id: Register = Register {
                    name: stringify!($id),
                    offset: $off,
                    access: Access::$acc,
                    reset: $reset,
                    doc: $doc,
                    fields: &[ $( Field::new(stringify!($fid), $lsb, $w, $fdoc), )* ],
                };
            )*
        }
        /// Field constants, one module per register.
        #[allow(non_snake_case)]
        pub mod field {
            use super::*;
            $(
                #[allow(non_snake_case, unused_imports)]
                pub mod $id {
                    use super::*;
                    $( #[doc = $fdoc] pub const $fid: Field = Field::new(stringify!($fid), $lsb, $w, $fdoc); )*
                }
            )*
        }
        /// Every register, in address order.
        pub const REGISTERS: &[Register] = &[ $( reg::$id, )* ];
    };
}

/// Value of the `ID` register: ASCII "SACC".
pub const ID_VALUE: u32 = 0x5341_4343;
/// Register-map / RTL interface version: major in 31:16, minor in 15:0.
pub const VERSION_VALUE: u32 = 0x0001_0002;

/// Size of the AXI4-Lite window in bytes (address bits used by the slave).
pub const WINDOW_BYTES: u32 = 0x100;

regs! {
    ID = 0x000, Ro, ID_VALUE, "Identification: ASCII \"SACC\".", [];
    VERSION = 0x004, Ro, VERSION_VALUE, "Interface version (major 31:16, minor 15:0).", [
        MINOR: 0, 16, "minor version";
        MAJOR: 16, 16, "major version: the driver refuses another major";
    ];
    MAP_HASH = 0x008, Ro, 0, "FNV-1a hash of this register map (see `MAP_HASH`).", [];
    CAPS = 0x00C, Ro, 0, "Capabilities of this bitstream.", [
        HASH_UNITS: 0, 4, "number of SHA-256 units in the hash cluster";
        ECDSA_ENGINES: 4, 4, "number of ECDSA verification engines";
        HASH_MODES: 8, 8, "bit m set: hash mode m supported";
        RESULT_FIFO_LOG2: 16, 4, "log2 of the result FIFO depth (hash and ECDSA)";
        HASH_DMA: 20, 1, "descriptor DMA ingress (HASH_DMA_ADDR / HASH_DMA_CMD, AXI read master) present";
        VERIFY_RING: 21, 1, "verify-job DMA present (VRING_* registers, second AXI master): signature jobs from a job ring in memory, verdicts to a result ring";
    ];
    CTRL = 0x010, Rw, 0, "Global control.", [
        SOFT_RESET: 0, 1, "write 1: abort all jobs, empty all FIFOs, clear ERROR (self-clearing)";
    ];
    STATUS = 0x014, Ro, 0, "Global status.", [
        HASH_READY: 0, 1, "the hash cluster accepts a command word / data word";
        HASH_RESULT_VALID: 1, 1, "a hash result waits in HASH_RESULT/HASH_DIGEST";
        HASH_BUSY: 2, 1, "a hash job is queued or running";
        ECDSA_READY: 3, 1, "ECDSA_IN accepts operand words";
        ECDSA_RESULT_VALID: 4, 1, "an ECDSA result waits in ECDSA_RESULT (engine tops) or in the result ring, not yet taken (CAPS.VERIFY_RING tops)";
        ECDSA_BUSY: 5, 1, "a verification is queued or running";
        ERROR: 8, 1, "ERROR holds a nonzero code";
        HASH_DMA_READY: 9, 1, "the DMA descriptor queue accepts a HASH_DMA_CMD";
    ];
    ERROR = 0x018, Rw, 0, "First error since the last clear. Any write clears it.", [
        CODE: 0, 8, "error code (ErrorCode)";
        TAG: 8, 8, "tag of the job that caused it, where one applies";
    ];
    IRQ_ENABLE = 0x01C, Rw, 0, "Interrupt enables (IRQ_F2P line = OR of enabled IRQ_STATUS bits).", [
        HASH_DONE: 0, 1, "a hash result became available";
        ECDSA_DONE: 1, 1, "an ECDSA result became available";
        ERROR: 2, 1, "an error code was latched";
    ];
    IRQ_STATUS = 0x020, Rw1c, 0, "Interrupt status; write 1 to clear a bit.", [
        HASH_DONE: 0, 1, "a hash result became available";
        ECDSA_DONE: 1, 1, "an ECDSA result became available";
        ERROR: 2, 1, "an error code was latched";
    ];
    CYCLES = 0x024, Ro, 0, "Free-running cycle counter (low 32 bits) of the accelerator clock.", [];
    HASH_CMD = 0x040, Wo, 0, "Start a hash job: the LEN bytes of the message follow as ceil(LEN/4) writes to HASH_DATA.", [
        TAG: 0, 8, "tag returned with the result";
        MODE: 8, 3, "HashMode: 0 SHA256, 1 SHA256D, 2 MERKLE64 (LEN = 64), 3 HEADER80 (LEN = 80)";
        LEN: 11, 21, "message length in bytes (at most MAX_HASH_LEN)";
    ];
    HASH_DATA = 0x044, Wo, 0, "Message data, 4 bytes a write, big-endian (first byte in bits 31:24); the last word is zero-padded.", [];
    HASH_RESULT = 0x048, Ro, 0, "Head of the hash result FIFO.", [
        VALID: 0, 1, "a result is present";
        TAG: 8, 8, "tag of the job";
    ];
    HASH_POP = 0x04C, Wo, 0, "Any write drops the head hash result.", [];
    HASH_DIGEST0 = 0x050, Ro, 0, "Digest bytes 0..4 (big-endian) of the head result.", [];
    HASH_DIGEST1 = 0x054, Ro, 0, "Digest bytes 4..8.", [];
    HASH_DIGEST2 = 0x058, Ro, 0, "Digest bytes 8..12.", [];
    HASH_DIGEST3 = 0x05C, Ro, 0, "Digest bytes 12..16.", [];
    HASH_DIGEST4 = 0x060, Ro, 0, "Digest bytes 16..20.", [];
    HASH_DIGEST5 = 0x064, Ro, 0, "Digest bytes 20..24.", [];
    HASH_DIGEST6 = 0x068, Ro, 0, "Digest bytes 24..28.", [];
    HASH_DIGEST7 = 0x06C, Ro, 0, "Digest bytes 28..32.", [];
    HASH_DMA_ADDR = 0x070, Rw, 0, "Bus address of the next DMA job's first byte (8-byte aligned); HASH_DMA_CMD takes it.", [];
    HASH_DMA_CMD = 0x074, Wo, 0, "Queue a DMA hash job {HASH_DMA_ADDR, LEN, MODE, TAG}: the hardware reads the LEN bytes from memory itself (no HASH_DATA writes). Same fields as HASH_CMD.", [
        TAG: 0, 8, "tag returned with the result";
        MODE: 8, 3, "HashMode, as HASH_CMD.MODE";
        LEN: 11, 21, "message length in bytes; HASH_DMA_ADDR + LEN must not pass 2^32";
    ];
    ECDSA_IN = 0x080, Wo, 0, "ECDSA operand stream: 41 writes per job: Z[8], R[8], S[8], QX[8], QY[8] (each most-significant word first), then KEY; the KEY word queues the job.", [];
    ECDSA_RESULT = 0x084, Ro, 0, "Head of the ECDSA result FIFO.", [
        VALID: 0, 1, "a result is present";
        CODE: 4, 4, "EcdsaCode of the verification";
        TAG: 8, 8, "tag of the job";
    ];
    ECDSA_POP = 0x088, Wo, 0, "Any write drops the head ECDSA result.", [];
    ECDSA_CYCLES = 0x08C, Ro, 0, "Engine cycles spent on the head ECDSA result.", [];
    VRING_JOB_BASE = 0x090, Rw, 0, "Verify-job DMA: bus address of job-ring slot 0 (256-byte slots; 256-byte aligned). Change it only while VRING_CFG.ENABLE is 0.", [];
    VRING_RES_BASE = 0x094, Rw, 0, "Bus address of result-ring entry 0 (8-byte entries; 8-byte aligned). Change it only while VRING_CFG.ENABLE is 0.", [];
    VRING_CFG = 0x098, Rw, 0, "Ring sizes, enable and soft reset of the verify-job DMA.", [
        JOB_LOG2: 0, 5, "log2 of the job ring's slot count (1..16)";
        RES_LOG2: 8, 5, "log2 of the result ring's entry count (1..16)";
        ENABLE: 16, 1, "1: the DMA reads published jobs and writes verdicts";
        SOFT_RESET: 31, 1, "write 1: drop every job and verdict of the ring path, zero VRING_JOB_HEAD and VRING_RES_TAIL, clear the ring error (self-clearing, reads 0)";
    ];
    VRING_JOB_HEAD = 0x09C, Rw, 0, "Doorbell: software's job-ring head (free-running 16-bit index; slots before it are published).", [
        HEAD: 0, 16, "job-ring head";
    ];
    VRING_RES_TAIL = 0x0A0, Rw, 0, "Software's result-ring tail (free-running 16-bit index; entries before it are consumed and may be rewritten).", [
        TAIL: 0, 16, "result-ring tail";
    ];
    VRING_STATUS = 0x0A4, Ro, 0, "Verify-job DMA status: one read is a poll.", [
        RES_HEAD: 0, 16, "result-ring head (entries before it are written and visible)";
        ERR: 16, 1, "the ring stopped on an error (ERR_CODE); VRING_CFG.SOFT_RESET clears it";
        ERR_CODE: 17, 3, "RingError: 1 job read error, 2 result write error, 3 bad job ring (base, size), 4 bad result ring";
        ERR_RESP: 20, 2, "AXI response of the failed read/write";
        BUSY: 22, 1, "the DMA has traffic in flight, or the ring path is resetting";
        RES_NONEMPTY: 23, 1, "RES_HEAD differs from VRING_RES_TAIL";
        JOBS_INSIDE: 24, 8, "jobs inside the verification core (accepted, verdict not yet taken by the DMA)";
    ];
    VRING_TAIL = 0x0A8, Ro, 0, "Job-ring tail and the slot of a ring error.", [
        JOB_TAIL: 0, 16, "job-ring tail (slots before it are read into the core)";
        ERR_SLOT: 16, 16, "job-ring index or result-ring index of the error";
    ];
}

/// Layout of the final `KEY` word of an ECDSA job (written to `ECDSA_IN`).
pub mod ecdsa_key {
    use super::Field;
    /// SEC1 prefix: 0x02 / 0x03 (compressed, QY words ignored), 0x04 (uncompressed).
    pub const PREFIX: Field = Field::new("PREFIX", 0, 8, "SEC1 prefix byte");
    /// Tag returned with the result.
    pub const TAG: Field = Field::new("TAG", 8, 8, "job tag");
}

/// Words written to `ECDSA_IN` per job.
pub const ECDSA_JOB_WORDS: u32 = 41;
/// Alignment (bytes) of `HASH_DMA_ADDR`: the DMA reads 64-bit beats.
pub const DMA_ADDR_ALIGN: u32 = 8;
/// Longest AXI read burst of the DMA master, in 64-bit beats (bursts never cross 4 KiB).
pub const DMA_MAX_BURST_BEATS: u32 = 16;
/// Largest message a single `HASH_CMD` job may carry, in bytes.
pub const MAX_HASH_LEN: u32 = (1 << 21) - 1;

/// Hash modes (`HASH_CMD.MODE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum HashMode {
    /// SHA-256 of LEN bytes.
    Sha256 = 0,
    /// SHA-256(SHA-256(m)) of LEN bytes.
    Sha256d = 1,
    /// SHA-256d of a 64-byte merkle node (left || right); LEN must be 64.
    Merkle64 = 2,
    /// SHA-256d of an 80-byte block header; LEN must be 80.
    Header80 = 3,
}

impl HashMode {
    /// Every mode, in `MODE` order (mode m is `ALL[m]`).
    pub const ALL: [HashMode; 4] = [
        HashMode::Sha256,
        HashMode::Sha256d,
        HashMode::Merkle64,
        HashMode::Header80,
    ];
    /// Number of modes: `MODE` values at or above it are `ErrorCode::BadMode`.
    #[allow(clippy::cast_possible_truncation)] // four modes
    pub const COUNT: u32 = Self::ALL.len() as u32;
    /// `CAPS.HASH_MODES` of a bitstream that implements every mode.
    pub const ALL_MASK: u32 = (1 << Self::COUNT) - 1;

    pub const fn from_bits(v: u32) -> Option<HashMode> {
        match v {
            0 => Some(HashMode::Sha256),
            1 => Some(HashMode::Sha256d),
            2 => Some(HashMode::Merkle64),
            3 => Some(HashMode::Header80),
            _ => None,
        }
    }

    /// The only `LEN` the mode accepts, for the fixed-size modes: a merkle node is two
    /// 32-byte digests, a block header 80 bytes. Any other `LEN` is `ErrorCode::BadLength`.
    pub const fn fixed_len(self) -> Option<u32> {
        match self {
            HashMode::Merkle64 => Some(64),
            HashMode::Header80 => Some(80),
            HashMode::Sha256 | HashMode::Sha256d => None,
        }
    }

    /// Whether `len` bytes fit the mode (its fixed length, and at most [`MAX_HASH_LEN`]).
    pub const fn accepts_len(self, len: usize) -> bool {
        match self.fixed_len() {
            Some(n) => len == n as usize,
            None => len <= MAX_HASH_LEN as usize,
        }
    }

    /// Whether the second SHA-256 pass runs (every mode but `Sha256`).
    pub const fn is_double(self) -> bool {
        !matches!(self, HashMode::Sha256)
    }
}

// `from_bits` and `ALL` agree, and MODE (3 bits) holds every mode.
const _: () = {
    let mut m = 0;
    while m < HashMode::ALL.len() {
        assert!(HashMode::ALL[m] as usize == m);
        m += 1;
    }
    assert!(HashMode::COUNT <= 1 << 3);
};

/// Codes latched in `ERROR.CODE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum ErrorCode {
    None = 0,
    /// `HASH_CMD.MODE` names no supported mode.
    BadMode = 1,
    /// LEN does not fit the mode (MERKLE64 needs 64, HEADER80 needs 80).
    BadLength = 2,
    /// A `HASH_CMD` arrived while the command queue was full.
    CmdOverflow = 3,
    /// A `HASH_DATA` word arrived with no job expecting data, or the data FIFO was full.
    DataOverflow = 4,
    /// `HASH_POP`/`ECDSA_POP` on an empty result FIFO.
    ResultUnderflow = 5,
    /// `ECDSA_IN` written while it was not ready.
    EcdsaOverflow = 6,
    /// An engine watchdog expired (the job's result carries EcdsaCode::EngineFault).
    EngineTimeout = 7,
    /// Access to an address with no register (AXI SLVERR as well).
    BadAddress = 8,
    /// A DMA descriptor was refused: HASH_DMA_ADDR not 8-byte aligned, or ADDR + LEN passes
    /// the end of the 32-bit address space. Nothing was queued.
    DmaBadDescriptor = 9,
    /// The memory answered a DMA read of job TAG with SLVERR/DECERR. The job still completes
    /// (with a meaningless digest): discard it, then `CTRL.SOFT_RESET`.
    DmaReadError = 10,
    /// The verify-job DMA stopped on an error: `VRING_STATUS.ERR_CODE` / `ERR_RESP` and
    /// `VRING_TAIL.ERR_SLOT` say why and where; `VRING_CFG.SOFT_RESET` clears it.
    RingError = 11,
    /// The ring path's verification core reported a fault (an internal consistency check
    /// failed: never expected). Its jobs may have no verdict: `VRING_CFG.SOFT_RESET`, then
    /// verify the batch's jobs without a result in software.
    CoreFault = 12,
}

impl ErrorCode {
    pub const fn from_bits(v: u32) -> Option<ErrorCode> {
        match v {
            0 => Some(ErrorCode::None),
            1 => Some(ErrorCode::BadMode),
            2 => Some(ErrorCode::BadLength),
            3 => Some(ErrorCode::CmdOverflow),
            4 => Some(ErrorCode::DataOverflow),
            5 => Some(ErrorCode::ResultUnderflow),
            6 => Some(ErrorCode::EcdsaOverflow),
            7 => Some(ErrorCode::EngineTimeout),
            8 => Some(ErrorCode::BadAddress),
            9 => Some(ErrorCode::DmaBadDescriptor),
            10 => Some(ErrorCode::DmaReadError),
            11 => Some(ErrorCode::RingError),
            12 => Some(ErrorCode::CoreFault),
            _ => None,
        }
    }
}

/// Result codes of an ECDSA verification (`ECDSA_RESULT.CODE`). The engine's
/// HALT codes are these values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum EcdsaCode {
    /// The signature verifies.
    Valid = 0,
    /// Well-formed inputs, but the signature does not verify (incl. R at infinity).
    Invalid = 1,
    /// r = 0 or r >= n.
    BadR = 2,
    /// s = 0 or s >= n.
    BadS = 3,
    /// Public key: coordinate >= p, not on the curve, no square root for a compressed x,
    /// or an unknown prefix.
    BadPubkey = 4,
    /// A verify-job ring slot whose header is malformed (unknown kind, reserved bit set):
    /// the job never reached the core (result-ring entries only).
    BadJob = 14,
    /// The engine stopped without a verdict (watchdog, illegal microcode state).
    EngineFault = 15,
}

impl EcdsaCode {
    pub const fn from_bits(v: u32) -> Option<EcdsaCode> {
        match v {
            0 => Some(EcdsaCode::Valid),
            1 => Some(EcdsaCode::Invalid),
            2 => Some(EcdsaCode::BadR),
            3 => Some(EcdsaCode::BadS),
            4 => Some(EcdsaCode::BadPubkey),
            14 => Some(EcdsaCode::BadJob),
            15 => Some(EcdsaCode::EngineFault),
            _ => None,
        }
    }
}

const fn fnv1a(mut h: u32, bytes: &[u8]) -> u32 {
    let mut i = 0;
    while i < bytes.len() {
        h ^= bytes[i] as u32;
        h = h.wrapping_mul(0x0100_0193);
        i += 1;
    }
    h
}

const fn fnv1a_u32(h: u32, v: u32) -> u32 {
    fnv1a(h, &v.to_le_bytes())
}

const fn compute_map_hash() -> u32 {
    let mut h = 0x811c_9dc5u32;
    h = fnv1a_u32(h, VERSION_VALUE);
    let mut i = 0;
    while i < REGISTERS.len() {
        let r = &REGISTERS[i];
        h = fnv1a(h, r.name.as_bytes());
        h = fnv1a_u32(h, r.offset);
        h = fnv1a(h, r.access.name().as_bytes());
        let mut j = 0;
        while j < r.fields.len() {
            let f = &r.fields[j];
            h = fnv1a(h, f.name.as_bytes());
            h = fnv1a_u32(h, f.lsb);
            h = fnv1a_u32(h, f.width);
            j += 1;
        }
        i += 1;
    }
    h = fnv1a_u32(h, ECDSA_JOB_WORDS);
    h
}

/// Hash of the register map that the `MAP_HASH` register reports.
pub const MAP_HASH: u32 = compute_map_hash();

/// Look a register up by offset.
pub fn by_offset(offset: u32) -> Option<&'static Register> {
    REGISTERS.iter().find(|r| r.offset == offset)
}

#[cfg(test)]
#[allow(clippy::cast_possible_truncation)]
mod tests {
    use super::*;

    #[test]
    fn offsets_unique_aligned_in_window() {
        for (i, a) in REGISTERS.iter().enumerate() {
            assert_eq!(a.offset % 4, 0, "{} unaligned", a.name);
            assert!(a.offset < WINDOW_BYTES, "{} outside window", a.name);
            for b in &REGISTERS[i + 1..] {
                assert_ne!(
                    a.offset, b.offset,
                    "{} and {} share an offset",
                    a.name, b.name
                );
                assert!(
                    a.offset < b.offset,
                    "registers must be listed in address order"
                );
            }
        }
    }

    #[test]
    fn fields_fit_and_do_not_overlap() {
        for r in REGISTERS {
            let mut used = 0u32;
            for f in r.fields {
                assert!(
                    f.width >= 1 && f.lsb + f.width <= 32,
                    "{}.{} out of range",
                    r.name,
                    f.name
                );
                assert_eq!(used & f.mask(), 0, "{}.{} overlaps", r.name, f.name);
                used |= f.mask();
            }
        }
    }

    #[test]
    fn field_put_get_roundtrip() {
        let v = field::HASH_CMD::LEN.put(1234)
            | field::HASH_CMD::MODE.put(3)
            | field::HASH_CMD::TAG.put(0xab);
        assert_eq!(field::HASH_CMD::LEN.get(v), 1234);
        assert_eq!(field::HASH_CMD::MODE.get(v), 3);
        assert_eq!(field::HASH_CMD::TAG.get(v), 0xab);
    }

    #[test]
    fn hash_mode_rules() {
        for (m, mode) in HashMode::ALL.iter().enumerate() {
            assert_eq!(HashMode::from_bits(m as u32), Some(*mode));
        }
        assert_eq!(HashMode::from_bits(HashMode::COUNT), None);
        assert_eq!(HashMode::ALL_MASK, 0x0F);
        assert!(HashMode::Merkle64.accepts_len(64) && !HashMode::Merkle64.accepts_len(65));
        assert!(HashMode::Header80.accepts_len(80) && !HashMode::Header80.accepts_len(64));
        assert!(HashMode::Sha256.accepts_len(0) && HashMode::Sha256d.accepts_len(1000));
        assert!(!HashMode::Sha256.accepts_len(MAX_HASH_LEN as usize + 1));
    }

    #[test]
    fn map_hash_is_stable_and_nonzero() {
        assert_ne!(MAP_HASH, 0);
        assert_eq!(MAP_HASH, compute_map_hash());
    }
}
