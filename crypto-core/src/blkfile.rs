//! Bitcoin Core `blk*.dat` files: records of 4-byte network magic, u32 LE size, block.

use crate::encode::{Cursor, ParseError, ParseReason};
use crate::params::NetworkParams;

pub use crate::params::MAX_BLK_RECORD_SIZE as MAX_RECORD_SIZE;

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

/// Name of a known network magic (`bitcoin-main`, `qtum-testnet`, ...; see
/// [`NetworkParams::by_magic`] for the network's parameters).
pub fn magic_name(m: &[u8; 4]) -> Option<&'static str> {
    NetworkParams::by_magic(m).map(|p| p.name)
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
