//! blk*.dat iteration: the streaming `BlkReader` (what the CLI uses on files of any size) and
//! the in-memory `blk_file_blocks` must agree record for record on arbitrary bytes, whatever
//! the reader's read sizes (short reads are legal `Read` behaviour) and its block limit, and
//! fail with the same error (field, offset, reason) where they fail.
//!
//! Input layout: byte 0 picks the read-size pattern, bytes 1..3 the block limit (LE u16,
//! scaled by 64; 0 = no limit below `MAX_RECORD_SIZE`), the rest is the file.
#![no_main]

use std::io::Read;

use crypto_core::blkfile::{blk_file_blocks, BlkRecord, MAX_RECORD_SIZE};
use libfuzzer_sys::fuzz_target;

/// A reader that hands out the file in pieces of 1..=k bytes (k from the fuzz input).
struct Pieces<'a> {
    data: &'a [u8],
    step: usize,
    n: usize,
}

impl Read for Pieces<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.n = self.n.wrapping_mul(1103515245).wrapping_add(12345);
        let want = 1 + (self.n >> 16) % self.step;
        let k = want.min(buf.len()).min(self.data.len());
        buf[..k].copy_from_slice(&self.data[..k]);
        self.data = &self.data[k..];
        Ok(k)
    }
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 3 {
        return;
    }
    let step = 1 + usize::from(data[0]) * 37;
    let limit = match usize::from(u16::from_le_bytes([data[1], data[2]])) * 64 {
        0 => MAX_RECORD_SIZE as usize,
        l => l,
    };
    let file = &data[3..];
    let reader = crypto_core::blkfile::BlkReader::new(
        Pieces {
            data: file,
            step,
            n: usize::from(data[0]),
        },
        limit,
    );
    let mut mem = blk_file_blocks(file);
    let mut records = 0usize;
    for streamed in reader {
        let in_mem = mem.next();
        records += 1;
        assert!(records <= file.len() / 88 + 1, "more records than the bytes allow");
        match (streamed, in_mem) {
            (Ok(BlkRecord::Block { offset, bytes, .. }), Some(Ok((o, b)))) => {
                assert!(bytes.len() <= limit, "a block above the limit was held");
                assert_eq!((offset as usize, bytes.as_slice()), (o, b), "record {records}");
            }
            (Ok(BlkRecord::Oversize { offset, size, .. }), Some(Ok((o, b)))) => {
                assert!(size as usize > limit, "oversize below the limit");
                assert_eq!((offset as usize, size as usize), (o, b.len()), "record {records}");
            }
            (Err(e), Some(Err(f))) => {
                assert_eq!(e, f, "both fail, differently");
                return;
            }
            (s, m) => panic!("record {records}: streamed {s:?}, in memory {m:?}"),
        }
    }
    assert!(mem.next().is_none(), "the in-memory iterator has more records than the stream");
});
