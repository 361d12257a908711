//! The ring formats and index rules of `VerifyRing`, in Rust: what the driver writes and reads
//! (normative tables in `README.md`), and the hardware's decisions that software can predict
//! (which slots it may read, when it may fetch, where result k lands). The Verilator tests
//! (`verif/tests/vring.rs`) check the RTL against these functions.
//!
//! The software-visible half (formats, indices, addresses, configuration checks) is the
//! register map's contract, `satchain_regmap::vring`, re-exported here.

pub use satchain_regmap::vring::*;

/// Beats (8 bytes) of a slot the block reads: header + five 256-bit values.
pub const SLOT_READ_BEATS: u64 = 21;
/// Beats of the first read burst of a slot (the second has `SLOT_READ_BEATS - 16`).
pub const SLOT_BURST0_BEATS: u64 = 16;
/// Clocks a lone result waits for others to share its write burst (the batching window).
pub const BATCH_HOLD_CLOCKS: u64 = 3;
/// Most result entries in one write burst (AXI INCR, 8-byte beats).
pub const MAX_BURST_BEATS: u64 = 16;

/// One job as software writes it and as the block delivers it to the core.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Job {
    pub kind: JobKind,
    pub tag: u16,
    pub prefix: u8,
    /// z (or e), r, s, Qx (or Px), Qy: each big-endian, byte 0 most significant.
    pub words: [[u8; 32]; 5],
}

/// The slot bytes of a well-formed job.
pub fn encode_job(j: &Job) -> [u8; SLOT_READ_BYTES] {
    encode_slot(header(j.kind, j.tag, j.prefix), &j.words)
}

/// The block's fetch rule for the result side: a job slot is fetched only while
/// `fetched - res_tail < capacity(res_log2)` (16-bit index arithmetic), so every fetched
/// job has a result entry that no unread result occupies.
pub fn credit_ok(fetched: u16, res_tail: u16, res_log2: u8) -> bool {
    u32::from(fetched.wrapping_sub(res_tail)) < capacity(res_log2)
}

/// Length in entries of the write burst that starts at result index `first` with `avail`
/// entries waiting: at most 16, never past the ring's end (wrap) or a 4 KiB boundary.
pub fn burst_len(res_base: u32, res_log2: u8, first: u16, avail: u64) -> u64 {
    let mask = (1u64 << res_log2) - 1;
    let off = u64::from(first) & mask;
    let to_wrap = mask + 1 - off;
    let addr = u64::from(res_base) + RESULT_BYTES * off;
    let to_page = (4096 - addr % 4096) / RESULT_BYTES;
    avail.min(MAX_BURST_BEATS).min(to_wrap).min(to_page)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn credit_and_capacity() {
        assert_eq!(capacity(1), 2);
        assert_eq!(capacity(15), 32768);
        assert_eq!(capacity(16), 65535);
        assert!(credit_ok(1, 0, 1));
        assert!(!credit_ok(2, 0, 1));
        assert!(credit_ok(0x0000, 0xFFFF, 1)); // wraps: one outstanding
        assert!(!credit_ok(0x0001, 0xFFFF, 1));
        assert!(credit_ok(0xFFFE, 0, 16));
        assert!(!credit_ok(0xFFFF, 0, 16));
    }

    #[test]
    fn burst_lengths_stop_at_wrap_and_page() {
        assert_eq!(burst_len(0x1000_0000, 10, 0, 40), 16);
        assert_eq!(burst_len(0x1000_0000, 3, 5, 40), 3);
        assert_eq!(burst_len(0x1000_0FF0, 10, 0, 40), 2);
        assert_eq!(burst_len(0x1000_0000, 10, 7, 1), 1);
    }
}
