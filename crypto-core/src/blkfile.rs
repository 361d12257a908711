//! Bitcoin Core `blk*.dat` files: records of 4-byte network magic, u32 LE size, block.

use crate::encode::{Cursor, ParseError, ParseReason};
use crate::params::NetworkParams;
use crate::prelude::*;

pub use crate::params::MAX_BLK_RECORD_SIZE as MAX_RECORD_SIZE;

/// Iterator over the blocks of a blk*.dat image in memory: `(offset of the block bytes,
/// block bytes)`. Zero bytes between or after records are skipped, as Core's pre-allocated
/// files end in zeros. After the first error the iterator ends. For files and streams,
/// [`BlkReader`] reads one record at a time.
#[derive(Debug, Clone)]
pub struct BlkIter<'a> {
    data: &'a [u8],
    pos: usize,
    failed: bool,
}

pub fn blk_file_blocks(data: &[u8]) -> BlkIter<'_> {
    BlkIter {
        data,
        pos: 0,
        failed: false,
    }
}

/// Name of a known network magic (`bitcoin-main`, `qtum-testnet`, ...; see
/// [`NetworkParams::by_magic`] for the network's parameters).
pub fn magic_name(m: &[u8; 4]) -> Option<&'static str> {
    NetworkParams::by_magic(m).map(|p| p.name)
}

/// Checks a record header (magic at `at`, size at `at + 4`): a known network and a size in
/// `[80, MAX_RECORD_SIZE]`. The one framing rule of both readers.
fn record_header(
    magic: [u8; 4],
    size: u32,
    at: usize,
) -> Result<&'static NetworkParams, ParseError> {
    let net = NetworkParams::by_magic(&magic).ok_or(ParseError {
        what: "blk.magic",
        offset: at,
        reason: ParseReason::BadMagic { found: magic },
    })?;
    if !(80..=MAX_RECORD_SIZE).contains(&size) {
        return Err(ParseError {
            what: "blk.size",
            offset: at.saturating_add(4),
            reason: ParseReason::BlockSizeOutOfRange { size },
        });
    }
    Ok(net)
}

impl<'a> Iterator for BlkIter<'a> {
    type Item = Result<(usize, &'a [u8]), ParseError>;
    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        // Skip zero padding.
        let rest = self.data.get(self.pos..)?;
        let skip = rest.iter().take_while(|b| **b == 0).count();
        self.pos += skip;
        if self.pos >= self.data.len() {
            return None;
        }
        let rest = self.data.get(self.pos..)?;
        let mut c = Cursor::with_base(rest, self.pos);
        let r = (|| {
            let magic = c.array::<4>("blk.magic")?;
            let size = c.u32_le("blk.size")?;
            record_header(magic, size, self.pos)?;
            let off = c.abs_pos();
            let block = c.take(size as usize, "blk.block")?;
            Ok((off, block))
        })();
        match r {
            Ok(v) => {
                self.pos += c.pos();
                Some(Ok(v))
            }
            Err(e) => {
                self.failed = true;
                Some(Err(e))
            }
        }
    }
}

/// Bitcoin Core pre-allocates blk files in chunks of this size (`BLOCKFILE_CHUNK_SIZE`), so
/// a run of zero padding is never longer; a longer run is not a blk file.
pub const MAX_ZERO_PADDING: u64 = 16 * 1024 * 1024;

/// One record of a streamed blk file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlkRecord {
    /// A block: the offset of its bytes in the stream, the network of its magic, the bytes.
    Block {
        offset: u64,
        network: &'static NetworkParams,
        bytes: Vec<u8>,
    },
    /// A well-framed record larger than the reader's block limit: skipped without being
    /// held in memory (no valid block is that large).
    Oversize {
        offset: u64,
        network: &'static NetworkParams,
        size: u32,
    },
}

/// Streams a blk*.dat file (or any reader) record by record: memory is one block of at most
/// `max_block` bytes plus a 64 KiB buffer, whatever the input. Zero padding is skipped up to
/// [`MAX_ZERO_PADDING`] bytes at a time. After the first error the iterator ends.
#[cfg(feature = "std")]
#[derive(Debug)]
pub struct BlkReader<R> {
    inner: std::io::BufReader<R>,
    pos: u64,
    max_block: usize,
    failed: bool,
}

#[cfg(feature = "std")]
impl<R: std::io::Read> BlkReader<R> {
    /// A reader holding at most `max_block` bytes of block at a time (e.g. the chain's
    /// largest serialized block, [`crate::params::max_block_weight`]).
    pub fn new(inner: R, max_block: usize) -> Self {
        BlkReader {
            inner: std::io::BufReader::with_capacity(64 * 1024, inner),
            pos: 0,
            max_block,
            failed: false,
        }
    }
    /// Bytes consumed so far.
    pub fn position(&self) -> u64 {
        self.pos
    }

    fn at(&self) -> usize {
        usize::try_from(self.pos).unwrap_or(usize::MAX)
    }

    fn io_err(&self, what: &'static str, e: &std::io::Error) -> ParseError {
        ParseError {
            what,
            offset: self.at(),
            reason: ParseReason::Io(e.to_string()),
        }
    }

    /// Skips zero bytes; `Ok(false)` at the end of the input.
    fn skip_zeros(&mut self) -> Result<bool, ParseError> {
        use std::io::BufRead;
        let mut run = 0u64;
        loop {
            let buf = match self.inner.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(self.io_err("blk.padding", &e)),
            };
            if buf.is_empty() {
                return Ok(false);
            }
            let zeros = buf.iter().take_while(|b| **b == 0).count();
            let more = zeros < buf.len();
            self.inner.consume(zeros);
            self.pos += zeros as u64;
            run += zeros as u64;
            if run > MAX_ZERO_PADDING {
                return Err(ParseError {
                    what: "blk.padding",
                    offset: self.at(),
                    reason: ParseReason::Invalid(
                        "more than 16 MiB of zero padding (not a blk file)",
                    ),
                });
            }
            if more {
                return Ok(true);
            }
        }
    }

    /// Reads exactly `buf.len()` bytes of field `what`.
    fn read_field(&mut self, buf: &mut [u8], what: &'static str) -> Result<(), ParseError> {
        use std::io::Read;
        let mut got = 0usize;
        while got < buf.len() {
            match self.inner.read(buf.get_mut(got..).unwrap_or(&mut [])) {
                Ok(0) => {
                    return Err(ParseError {
                        what,
                        offset: self.at(),
                        reason: ParseReason::Truncated {
                            need: (buf.len() - got) as u64,
                            have: 0,
                        },
                    })
                }
                Ok(n) => {
                    got += n;
                    self.pos += n as u64;
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(self.io_err(what, &e)),
            }
        }
        Ok(())
    }

    fn record(&mut self) -> Result<Option<BlkRecord>, ParseError> {
        use std::io::Read;
        if !self.skip_zeros()? {
            return Ok(None);
        }
        let start = self.at();
        let mut head = [0u8; 8];
        self.read_field(&mut head, "blk.header")?;
        let (magic, size) = head.split_at(4);
        let magic: [u8; 4] = magic.try_into().unwrap_or([0; 4]);
        let size = u32::from_le_bytes(size.try_into().unwrap_or([0; 4]));
        let network = record_header(magic, size, start)?;
        let offset = self.pos;
        let len = size as usize;
        if len > self.max_block {
            let skipped = std::io::copy(
                &mut (&mut self.inner).take(u64::from(size)),
                &mut std::io::sink(),
            )
            .map_err(|e| self.io_err("blk.block", &e))?;
            self.pos += skipped;
            if skipped < u64::from(size) {
                return Err(ParseError {
                    what: "blk.block",
                    offset: self.at(),
                    reason: ParseReason::Truncated {
                        need: u64::from(size) - skipped,
                        have: 0,
                    },
                });
            }
            return Ok(Some(BlkRecord::Oversize {
                offset,
                network,
                size,
            }));
        }
        let mut bytes = vec![0u8; len];
        self.read_field(&mut bytes, "blk.block")?;
        Ok(Some(BlkRecord::Block {
            offset,
            network,
            bytes,
        }))
    }
}

#[cfg(feature = "std")]
impl<R: std::io::Read> Iterator for BlkReader<R> {
    type Item = Result<BlkRecord, ParseError>;
    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        match self.record() {
            Ok(r) => r.map(Ok),
            Err(e) => {
                self.failed = true;
                Some(Err(e))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn rec(magic: [u8; 4], body: &[u8]) -> Vec<u8> {
        let mut v = magic.to_vec();
        v.extend_from_slice(&(body.len() as u32).to_le_bytes());
        v.extend_from_slice(body);
        v
    }

    #[test]
    fn iterates_records_and_padding() {
        let m = crate::params::NETWORKS[0].magic;
        let mut f = rec(m, &[1u8; 81]);
        f.extend(rec(m, &[2u8; 90]));
        f.extend([0u8; 100]);
        let v: Vec<_> = blk_file_blocks(&f).collect::<Result<_, _>>().unwrap();
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].0, 8);
        assert_eq!(v[1].1.len(), 90);
    }

    #[test]
    fn reader_streams_the_same_records_and_skips_oversize_ones() {
        let m = crate::params::NETWORKS[0].magic;
        let mut f = rec(m, &[1u8; 81]);
        f.extend([0u8; 10]);
        f.extend(rec(m, &[2u8; 200]));
        f.extend(rec(m, &[3u8; 90]));
        f.extend([0u8; 100]);
        let recs: Vec<BlkRecord> = BlkReader::new(f.as_slice(), 100)
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(recs.len(), 3);
        assert!(matches!(&recs[0], BlkRecord::Block { offset: 8, bytes, .. } if bytes.len() == 81));
        assert!(matches!(
            &recs[1],
            BlkRecord::Oversize {
                offset: 107,
                size: 200,
                ..
            }
        ));
        assert!(matches!(&recs[2], BlkRecord::Block { offset: 315, bytes, .. } if bytes[0] == 3));
        let mut r = BlkReader::new(&f[..f.len() - 150], 1000);
        assert!(r.next().unwrap().is_ok());
        assert!(r.next().unwrap().is_ok());
        let e = r.next().unwrap().unwrap_err();
        assert!(matches!(e.reason, ParseReason::Truncated { .. }), "{e}");
        assert!(r.next().is_none());
    }

    #[test]
    fn reader_refuses_endless_zeros_after_16_mib() {
        let zeros = std::io::repeat(0).take(MAX_ZERO_PADDING + 2);
        let e = BlkReader::new(zeros, 1000).next().unwrap().unwrap_err();
        assert_eq!(e.what, "blk.padding");
    }

    #[test]
    fn typed_errors() {
        let m = crate::params::NETWORKS[0].magic;
        let mut f = rec(m, &[1u8; 81]);
        f.truncate(50);
        let e = blk_file_blocks(&f).next().unwrap().unwrap_err();
        assert!(matches!(e.reason, ParseReason::Truncated { .. }));
        let f = rec([1, 2, 3, 4], &[1u8; 81]);
        let mut it = blk_file_blocks(&f);
        assert!(matches!(
            it.next().unwrap().unwrap_err().reason,
            ParseReason::BadMagic { .. }
        ));
        assert!(it.next().is_none());
        let f = rec(m, &[1u8; 10]);
        assert!(matches!(
            blk_file_blocks(&f).next().unwrap().unwrap_err().reason,
            ParseReason::BlockSizeOutOfRange { size: 10 }
        ));
    }
}
