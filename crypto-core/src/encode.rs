//! Bounds-checked reading and writing of Bitcoin's wire encoding.
//!
//! Every read goes through [`Cursor`], which never indexes out of bounds and reports
//! failures as a [`ParseError`] naming the field, the absolute byte offset and the reason.

use crate::prelude::*;

/// Bitcoin Core's `MAX_SIZE`: the largest compact size a deserializer accepts.
pub const MAX_SIZE: u64 = 0x0200_0000;

/// Why a parse failed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ParseReason {
    /// The input ended: `need` more bytes were wanted, `have` were left.
    #[error("truncated: need {need} bytes, {have} left")]
    Truncated {
        /// Bytes the field needed.
        need: u64,
        /// Bytes that were left.
        have: usize,
    },
    /// A compact size was not in its shortest form.
    #[error("non-canonical compact size")]
    NonCanonicalVarint,
    /// A compact size above [`MAX_SIZE`] (or a field-specific limit).
    #[error("size {value} exceeds limit {limit}")]
    SizeTooLarge {
        /// The size read.
        value: u64,
        /// The largest size accepted.
        limit: u64,
    },
    /// An element count larger than the remaining input could possibly hold.
    #[error("count {count} cannot fit in the {remaining} bytes left")]
    CountExceedsInput {
        /// The count read.
        count: u64,
        /// Bytes left after the count.
        remaining: usize,
    },
    /// A segwit marker/flag announced witnesses, but every witness was empty.
    #[error("superfluous witness record")]
    SuperfluousWitness,
    /// A segwit flag byte with unknown bits.
    #[error("unknown transaction optional data (flags {flags:#04x})")]
    UnknownOptionalData {
        /// The flag byte, with the witness bit (0x01) already cleared.
        flags: u8,
    },
    /// Bytes left over after the structure ended.
    #[error("{extra} trailing bytes")]
    TrailingData {
        /// How many bytes were left over.
        extra: usize,
    },
    /// A blk*.dat record did not start with a known network magic.
    #[error("unknown network magic {}", hex::encode(found))]
    BadMagic {
        /// The four bytes found where the magic belongs.
        found: [u8; 4],
    },
    /// A blk*.dat record size outside [80, limit].
    #[error("block record size {size} out of range")]
    BlockSizeOutOfRange {
        /// The record's size field.
        size: u32,
    },
    /// Reading the input failed (a streamed source).
    #[error("read error: {0}")]
    Io(String),
    /// Anything else, described.
    #[error("{0}")]
    Invalid(&'static str),
}

/// A typed parse failure: which field, at which absolute offset, and why. `source()` is the
/// [`ParseReason`] (its text is part of this error's `Display` as well).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, thiserror::Error)]
#[error("parse error in {what} at offset {offset}: {reason}")]
#[non_exhaustive]
pub struct ParseError {
    /// The field being read, e.g. `"tx.vin.script_sig"`.
    pub what: &'static str,
    /// Absolute byte offset (within the buffer handed to the top-level parser) where the field starts.
    pub offset: usize,
    /// Why the field could not be read.
    #[source]
    pub reason: ParseReason,
}

impl ParseError {
    /// A parse error at `offset` in field `what` (the struct is `#[non_exhaustive]`: code
    /// outside crypto-core builds one here).
    pub fn new(what: &'static str, offset: usize, reason: ParseReason) -> Self {
        ParseError {
            what,
            offset,
            reason,
        }
    }
}

/// A bounds-checked reader over a byte slice.
#[derive(Debug, Clone)]
pub struct Cursor<'a> {
    data: &'a [u8],
    pos: usize,
    /// Absolute offset of `data[0]` for error reports.
    base: usize,
}

impl<'a> Cursor<'a> {
    /// A cursor at the start of `data`; error offsets count from it.
    pub fn new(data: &'a [u8]) -> Self {
        Cursor {
            data,
            pos: 0,
            base: 0,
        }
    }
    /// A cursor whose error offsets are shifted by `base`.
    pub fn with_base(data: &'a [u8], base: usize) -> Self {
        Cursor { data, pos: 0, base }
    }
    /// Position relative to the slice start.
    pub fn pos(&self) -> usize {
        self.pos
    }
    /// Absolute position (base + pos).
    pub fn abs_pos(&self) -> usize {
        self.base.saturating_add(self.pos)
    }
    /// Bytes left to read.
    pub fn remaining(&self) -> usize {
        self.data.len().saturating_sub(self.pos)
    }
    /// `true` when everything was read.
    pub fn is_empty(&self) -> bool {
        self.remaining() == 0
    }
    /// The bytes consumed between `start` (a previous [`Cursor::pos`]) and now.
    pub fn since(&self, start: usize) -> &'a [u8] {
        self.data.get(start..self.pos).unwrap_or(&[])
    }
    /// The unread bytes.
    pub fn rest(&self) -> &'a [u8] {
        self.data.get(self.pos..).unwrap_or(&[])
    }

    /// A [`ParseError`] for field `what` at the current position.
    pub fn err(&self, what: &'static str, reason: ParseReason) -> ParseError {
        ParseError {
            what,
            offset: self.abs_pos(),
            reason,
        }
    }

    /// The next `n` bytes, or `Truncated`.
    pub fn take(&mut self, n: usize, what: &'static str) -> Result<&'a [u8], ParseError> {
        let have = self.remaining();
        if n > have {
            return Err(self.err(
                what,
                ParseReason::Truncated {
                    need: n as u64,
                    have,
                },
            ));
        }
        let end = self.pos + n;
        let s = self.data.get(self.pos..end).ok_or_else(|| ParseError {
            what,
            offset: self.base + self.pos,
            reason: ParseReason::Invalid("slice out of range"),
        })?;
        self.pos = end;
        Ok(s)
    }

    /// The next `N` bytes as an array.
    pub fn array<const N: usize>(&mut self, what: &'static str) -> Result<[u8; N], ParseError> {
        let s = self.take(N, what)?;
        let mut a = [0u8; N];
        a.copy_from_slice(s);
        Ok(a)
    }
    /// One byte.
    pub fn u8(&mut self, what: &'static str) -> Result<u8, ParseError> {
        Ok(self.array::<1>(what)?[0])
    }
    /// A little-endian `u16`.
    pub fn u16_le(&mut self, what: &'static str) -> Result<u16, ParseError> {
        Ok(u16::from_le_bytes(self.array(what)?))
    }
    /// A little-endian `u32`.
    pub fn u32_le(&mut self, what: &'static str) -> Result<u32, ParseError> {
        Ok(u32::from_le_bytes(self.array(what)?))
    }
    /// A little-endian `i32`.
    pub fn i32_le(&mut self, what: &'static str) -> Result<i32, ParseError> {
        Ok(i32::from_le_bytes(self.array(what)?))
    }
    /// A little-endian `u64`.
    pub fn u64_le(&mut self, what: &'static str) -> Result<u64, ParseError> {
        Ok(u64::from_le_bytes(self.array(what)?))
    }
    /// A little-endian `i64`.
    pub fn i64_le(&mut self, what: &'static str) -> Result<i64, ParseError> {
        Ok(i64::from_le_bytes(self.array(what)?))
    }

    /// Bitcoin Core's `ReadCompactSize` with range check (canonical form, `<= MAX_SIZE`).
    pub fn varint(&mut self, what: &'static str) -> Result<u64, ParseError> {
        let start = self.abs_pos();
        let first = self.u8(what)?;
        let (v, min) = match first {
            0xfd => (u64::from(self.u16_le(what)?), 0xfd),
            0xfe => (u64::from(self.u32_le(what)?), 0x1_0000),
            0xff => (self.u64_le(what)?, 0x1_0000_0000),
            b => (u64::from(b), 0),
        };
        if v < min {
            return Err(ParseError {
                what,
                offset: start,
                reason: ParseReason::NonCanonicalVarint,
            });
        }
        if v > MAX_SIZE {
            return Err(ParseError {
                what,
                offset: start,
                reason: ParseReason::SizeTooLarge {
                    value: v,
                    limit: MAX_SIZE,
                },
            });
        }
        Ok(v)
    }

    /// A count of elements each at least `min_elem_size` bytes long; fails early when the
    /// remaining input cannot hold them, so callers may allocate `count` elements safely.
    pub fn count(&mut self, what: &'static str, min_elem_size: usize) -> Result<usize, ParseError> {
        let start = self.abs_pos();
        let n = self.varint(what)?;
        let remaining = self.remaining();
        let cap = (remaining / min_elem_size.max(1)) as u64;
        if n > cap {
            return Err(ParseError {
                what,
                offset: start,
                reason: ParseReason::CountExceedsInput {
                    count: n,
                    remaining,
                },
            });
        }
        usize::try_from(n).map_err(|_| ParseError {
            what,
            offset: start,
            reason: ParseReason::SizeTooLarge {
                value: n,
                limit: usize::MAX as u64,
            },
        })
    }

    /// A compact-size-prefixed byte string.
    pub fn var_bytes(&mut self, what: &'static str) -> Result<&'a [u8], ParseError> {
        let n = self.count(what, 1)?;
        self.take(n, what)
    }
}

/// Appends Bitcoin's compact size encoding of `n`.
#[allow(clippy::cast_possible_truncation)] // every cast is guarded by a range check
pub fn write_varint(out: &mut Vec<u8>, n: u64) {
    if n < 0xfd {
        out.push(n as u8);
    } else if n <= 0xffff {
        out.push(0xfd);
        out.extend_from_slice(&(n as u16).to_le_bytes());
    } else if n <= 0xffff_ffff {
        out.push(0xfe);
        out.extend_from_slice(&(n as u32).to_le_bytes());
    } else {
        out.push(0xff);
        out.extend_from_slice(&n.to_le_bytes());
    }
}

/// Appends a compact-size-prefixed byte string.
pub fn write_var_bytes(out: &mut Vec<u8>, b: &[u8]) {
    write_varint(out, b.len() as u64);
    out.extend_from_slice(b);
}

/// Size of the compact size encoding of `n`.
pub fn varint_len(n: u64) -> usize {
    if n < 0xfd {
        1
    } else if n <= 0xffff {
        3
    } else if n <= 0xffff_ffff {
        5
    } else {
        9
    }
}

/// Display hex of a hash (byte-reversed, as Bitcoin shows uint256).
pub fn display_hex(h: &[u8; 32]) -> String {
    let mut r = *h;
    r.reverse();
    hex::encode(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varint_roundtrip_and_canonical() {
        for n in [0u64, 1, 0xfc, 0xfd, 0xffff, 0x10000, 0x0100_0000, MAX_SIZE] {
            let mut v = Vec::new();
            write_varint(&mut v, n);
            assert_eq!(v.len(), varint_len(n));
            let mut c = Cursor::new(&v);
            assert_eq!(c.varint("n").unwrap(), n);
        }
        let mut c = Cursor::new(&[0xfd, 0x10, 0x00]);
        assert_eq!(
            c.varint("n").unwrap_err().reason,
            ParseReason::NonCanonicalVarint
        );
        let mut c = Cursor::new(&[0xfe, 0x00, 0x00, 0x00, 0x03]);
        assert!(matches!(
            c.varint("n").unwrap_err().reason,
            ParseReason::SizeTooLarge { .. }
        ));
        let mut c = Cursor::new(&[0xfd, 0x10]);
        assert!(matches!(
            c.varint("n").unwrap_err().reason,
            ParseReason::Truncated { .. }
        ));
    }

    #[test]
    fn count_bounded_by_input() {
        let mut c = Cursor::with_base(&[0x05, 1, 2, 3], 100);
        let e = c.count("vin", 1).unwrap_err();
        assert_eq!(e.offset, 100);
        assert!(matches!(
            e.reason,
            ParseReason::CountExceedsInput {
                count: 5,
                remaining: 3
            }
        ));
    }
}
