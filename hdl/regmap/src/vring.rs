//! The verify-job ring contract (`VRING_*` registers): the memory formats software writes and
//! reads — job slots, their header, result entries — and the index, address and
//! configuration rules both sides follow. Normative tables and the theory:
//! `hdl/src/vring/README.md`. The RTL's own timing rules (bursts, batching window, fetch
//! credit) live beside the block, in `satchain_hdl::vring::model`, which re-exports this.

/// Bytes per job slot in memory (the slot stride; the slot base is `job_base + 256 * (i mod size)`).
pub const SLOT_BYTES: u64 = 256;
/// Bytes of a slot the block reads (beats 0..=20); bytes 168..=255 are never read.
pub const SLOT_READ_BYTES: usize = 168;
/// Bytes per result entry (`res_base + 8 * (k mod size)`).
pub const RESULT_BYTES: u64 = 8;
/// Result code of a job slot whose header is malformed (kind 2 or 3, or a reserved bit set):
/// the job does not reach the core; its result carries the slot's tag, this code, cycles 0.
/// (`EcdsaCode::BadJob`: result-ring entries only, never an engine's code.)
pub const BAD_JOB_CODE: u8 = crate::EcdsaCode::BadJob as u8;
/// Smallest and largest ring size exponent (`job_log2`, `res_log2`).
pub const LOG2_MIN: u8 = 1;
pub const LOG2_MAX: u8 = 16;

/// `err_code` values (bits 2:0). `err_resp` holds the AXI response of a read/write error,
/// `err_slot` the ring index of the failed job slot / the first entry of the failed burst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum RingError {
    /// A beat of a job slot came back with RRESP != OKAY (`err_slot` = that slot's index).
    Read = 1,
    /// A result burst was answered with BRESP != OKAY (`err_slot` = index of its first entry).
    Write = 2,
    /// `job_base` not 256-byte aligned, `job_log2` outside 1..=16, or the ring passes 2^32.
    BadJobRing = 3,
    /// `res_base` not 8-byte aligned, `res_log2` outside 1..=16, or the ring passes 2^32.
    BadResRing = 4,
}

impl RingError {
    /// Decodes `err_code` (0 = no error; unknown values are `None`).
    pub const fn from_bits(v: u8) -> Option<RingError> {
        match v {
            1 => Some(RingError::Read),
            2 => Some(RingError::Write),
            3 => Some(RingError::BadJobRing),
            4 => Some(RingError::BadResRing),
            _ => None,
        }
    }
}

/// Signature scheme of a job (`kind`, header bits 17:16).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JobKind {
    /// ECDSA: words are z, r, s, Qx, Qy; `prefix` is the SEC1 prefix byte (2, 3 or 4).
    Ecdsa = 0,
    /// BIP340 Schnorr: words are e, r, s, Px, (ignored); `prefix` is ignored (write 0).
    Bip340 = 1,
}

/// Header beat (slot bytes 0..8, little-endian) of a well-formed job.
pub fn header(kind: JobKind, tag: u16, prefix: u8) -> u64 {
    u64::from(tag) | (kind as u64) << 16 | u64::from(prefix) << 24
}

/// Why a header is refused (the job gets a `BAD_JOB_CODE` result).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadHeader {
    /// Kind 2 or 3.
    Kind(u8),
    /// Bits 23:18 or 63:32 not zero.
    Reserved(u64),
}

/// The hardware's reading of a header beat: `(kind, tag, prefix)` or why it is refused.
pub fn parse_header(h: u64) -> Result<(JobKind, u16, u8), BadHeader> {
    let reserved = h & 0xFFFF_FFFF_00FC_0000;
    if reserved != 0 {
        return Err(BadHeader::Reserved(reserved));
    }
    let [t0, t1, k, prefix, ..] = h.to_le_bytes();
    let kind = match k & 3 {
        0 => JobKind::Ecdsa,
        1 => JobKind::Bip340,
        k => return Err(BadHeader::Kind(k)),
    };
    Ok((kind, u16::from_le_bytes([t0, t1]), prefix))
}

/// The bytes 0..168 of a slot holding `header` and `words` (the slot's remaining 88 bytes are
/// not read).
pub fn encode_slot(header: u64, words: &[[u8; 32]; 5]) -> [u8; SLOT_READ_BYTES] {
    let mut s = [0u8; SLOT_READ_BYTES];
    s[..8].copy_from_slice(&header.to_le_bytes());
    for (i, w) in words.iter().enumerate() {
        s[8 + 32 * i..40 + 32 * i].copy_from_slice(w);
    }
    s
}

/// One result entry (8 bytes, little-endian u64 in memory).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ResultEntry {
    pub tag: u16,
    /// `EcdsaCode` of the core, or [`BAD_JOB_CODE`].
    pub code: u8,
    pub cycles: u32,
}

impl ResultEntry {
    /// The entry as the block writes it: tag 15:0, code 19:16, zero 31:20, cycles 63:32.
    pub fn encode(&self) -> u64 {
        u64::from(self.tag) | u64::from(self.code & 0xF) << 16 | u64::from(self.cycles) << 32
    }

    /// Decodes an entry; `None` if bits 31:20 are not zero (not written by the block).
    pub fn decode(v: u64) -> Option<ResultEntry> {
        if v & 0xFFF0_0000 != 0 {
            return None;
        }
        Some(ResultEntry {
            tag: (v & 0xFFFF) as u16,
            code: ((v >> 16) & 0xF) as u8,
            cycles: (v >> 32) as u32,
        })
    }
}

/// Entries software may have outstanding in a ring of `2^log2` entries: the size, except
/// 65,535 for `log2 = 16` (16-bit indices cannot tell a full 65,536-entry ring from an empty one).
pub fn capacity(log2: u8) -> u32 {
    if log2 >= 16 {
        0xFFFF
    } else {
        1 << log2
    }
}

/// Bus address of job slot `index` (a 16-bit ring index).
pub fn slot_addr(job_base: u32, job_log2: u8, index: u16) -> u64 {
    let mask = (1u64 << job_log2) - 1;
    u64::from(job_base) + SLOT_BYTES * (u64::from(index) & mask)
}

/// Bus address of result entry `index`.
pub fn result_addr(res_base: u32, res_log2: u8, index: u16) -> u64 {
    let mask = (1u64 << res_log2) - 1;
    u64::from(res_base) + RESULT_BYTES * (u64::from(index) & mask)
}

/// The configuration error the block reports for a ring configuration, if any (job ring
/// checked first).
pub fn config_error(job_base: u32, job_log2: u8, res_base: u32, res_log2: u8) -> Option<RingError> {
    let ok = |base: u32, log2: u8, align: u32, stride: u64| {
        (LOG2_MIN..=LOG2_MAX).contains(&log2)
            && base % align == 0
            && u64::from(base) + (stride << log2) <= 1 << 32
    };
    if !ok(job_base, job_log2, 256, SLOT_BYTES) {
        Some(RingError::BadJobRing)
    } else if !ok(res_base, res_log2, 8, RESULT_BYTES) {
        Some(RingError::BadResRing)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn header_round_trip_and_refusals() {
        let h = header(JobKind::Bip340, 0xBEEF, 0x03);
        assert_eq!(h, 0x0301_BEEF);
        assert_eq!(parse_header(h), Ok((JobKind::Bip340, 0xBEEF, 3)));
        assert_eq!(parse_header(2 << 16), Err(BadHeader::Kind(2)));
        assert_eq!(parse_header(3 << 16 | 7), Err(BadHeader::Kind(3)));
        assert_eq!(parse_header(1 << 18), Err(BadHeader::Reserved(1 << 18)));
        assert_eq!(parse_header(1 << 23), Err(BadHeader::Reserved(1 << 23)));
        assert_eq!(parse_header(1 << 32), Err(BadHeader::Reserved(1 << 32)));
        assert_eq!(parse_header(1 << 63), Err(BadHeader::Reserved(1 << 63)));
        // The prefix byte is free.
        assert!(parse_header(0xFF << 24).is_ok());
    }

    #[test]
    #[allow(clippy::cast_possible_truncation)] // i < 5
    fn slot_layout_big_endian_values() {
        let mut words = [[0u8; 32]; 5];
        for (i, w) in words.iter_mut().enumerate() {
            w[0] = 0x10 * (i as u8 + 1);
            w[31] = i as u8;
        }
        let s = encode_slot(0x0400_1234, &words);
        assert_eq!(&s[..8], &[0x34, 0x12, 0, 0x04, 0, 0, 0, 0]);
        assert_eq!(s[8], 0x10);
        assert_eq!(s[39], 0);
        assert_eq!(s[40], 0x20);
        assert_eq!(s[136], 0x50);
        assert_eq!(s[167], 4);
    }

    #[test]
    fn result_entry_round_trip() {
        let e = ResultEntry {
            tag: 0xA5A5,
            code: 15,
            cycles: 0xDEAD_BEEF,
        };
        assert_eq!(e.encode(), 0xDEAD_BEEF_000F_A5A5);
        assert_eq!(ResultEntry::decode(e.encode()), Some(e));
        assert_eq!(ResultEntry::decode(1 << 20), None);
    }

    #[test]
    fn config_checks() {
        assert_eq!(config_error(0x1000_0000, 4, 0x2000_0000, 4), None);
        assert_eq!(
            config_error(0x1000_0080, 4, 0x2000_0000, 4),
            Some(RingError::BadJobRing)
        );
        assert_eq!(
            config_error(0x1000_0000, 0, 0x2000_0000, 4),
            Some(RingError::BadJobRing)
        );
        assert_eq!(
            config_error(0x1000_0000, 17, 0x2000_0000, 4),
            Some(RingError::BadJobRing)
        );
        assert_eq!(
            config_error(0x1000_0000, 4, 0x2000_0004, 4),
            Some(RingError::BadResRing)
        );
        // The last 4 KiB of the space holds 16 slots exactly, not 32.
        assert_eq!(config_error(0xFFFF_F000, 4, 0x2000_0000, 4), None);
        assert_eq!(
            config_error(0xFFFF_F000, 5, 0x2000_0000, 4),
            Some(RingError::BadJobRing)
        );
        assert_eq!(
            config_error(0x1000_0000, 4, 0xFFFF_FFF8, 1),
            Some(RingError::BadResRing)
        );
    }
}
