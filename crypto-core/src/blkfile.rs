//! Bitcoin Core `blk*.dat` files: records of 4-byte network magic, u32 LE size, block.

use crate::encode::{Cursor, ParseError, ParseReason};

/// Network magics this reader accepts (`pchMessageStart`).
pub const KNOWN_MAGICS: &[([u8; 4], &str)] = &[
    ([0xf9, 0xbe, 0xb4, 0xd9], "bitcoin-main"),
    ([0x0b, 0x11, 0x09, 0x07], "bitcoin-testnet3"),
    ([0x1c, 0x16, 0x3f, 0x28], "bitcoin-testnet4"),
    ([0x0a, 0x03, 0xcf, 0x40], "bitcoin-signet"),
    ([0xfa, 0xbf, 0xb5, 0xda], "bitcoin-regtest"),
    ([0xf1, 0xcf, 0xa6, 0xd3], "qtum-main"),
    ([0x0d, 0x22, 0x15, 0x06], "qtum-testnet"),
    ([0xfd, 0xdd, 0xc6, 0xe1], "qtum-regtest"),
];

/// Largest record accepted (Qtum's largest serialized block is above Bitcoin's 4 MB).
pub const MAX_RECORD_SIZE: u32 = 32 * 1024 * 1024;

/// Iterator over the blocks of a blk*.dat image: `(offset of the block bytes, block bytes)`.
/// Zero bytes between or after records are skipped, as Core's pre-allocated files end in
/// zeros. After the first error the iterator ends.
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

/// Name of a known network magic.
pub fn magic_name(m: &[u8; 4]) -> Option<&'static str> {
    KNOWN_MAGICS.iter().find(|(k, _)| k == m).map(|(_, n)| *n)
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
            if magic_name(&magic).is_none() {
                return Err(ParseError {
                    what: "blk.magic",
                    offset: self.pos,
                    reason: ParseReason::BadMagic { found: magic },
                });
            }
            let size_at = c.abs_pos();
            let size = c.u32_le("blk.size")?;
            if !(80..=MAX_RECORD_SIZE).contains(&size) {
                return Err(ParseError {
                    what: "blk.size",
                    offset: size_at,
                    reason: ParseReason::BlockSizeOutOfRange { size },
                });
            }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prelude::*;

    fn rec(magic: [u8; 4], body: &[u8]) -> Vec<u8> {
        let mut v = magic.to_vec();
        v.extend_from_slice(&(body.len() as u32).to_le_bytes());
        v.extend_from_slice(body);
        v
    }

    #[test]
    fn iterates_records_and_padding() {
        let m = KNOWN_MAGICS[0].0;
        let mut f = rec(m, &[1u8; 81]);
        f.extend(rec(m, &[2u8; 90]));
        f.extend([0u8; 100]);
        let v: Vec<_> = blk_file_blocks(&f).collect::<Result<_, _>>().unwrap();
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].0, 8);
        assert_eq!(v[1].1.len(), 90);
    }

    #[test]
    fn typed_errors() {
        let m = KNOWN_MAGICS[0].0;
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
