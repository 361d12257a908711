//! One ECDSA verification job as the hardware takes it: the operands of `ECDSA_IN` (and the
//! engine's R0..R5). The driver writes [`EcdsaJob::words`], the behavioural model reads
//! [`EcdsaJob::from_words`], the ISS and the RTL tests load [`EcdsaJob::registers`]: the
//! stream layout is written here only.

use crate::{ecdsa_key, ECDSA_JOB_WORDS};

/// Words of one 256-bit operand in the `ECDSA_IN` stream.
const OPERAND_WORDS: usize = 8;

/// The operands of one verification: 32-byte big-endian values and the SEC1 prefix of the
/// public key. For a compressed key (prefix 2/3) `qy` is ignored by the engine; prefix 0
/// (or any value but 2, 3, 4) makes the engine answer `EcdsaCode::BadPubkey`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct EcdsaJob {
    /// Prehash, big-endian (R0; the engine reduces it mod n).
    pub z: [u8; 32],
    /// r (R1).
    pub r: [u8; 32],
    /// s (R2).
    pub s: [u8; 32],
    /// Public key x (R3).
    pub qx: [u8; 32],
    /// Public key y (R4; ignored for compressed keys).
    pub qy: [u8; 32],
    /// SEC1 prefix byte (R5).
    pub prefix: u8,
}

/// A public key that cannot be loaded at all: SEC1 keys are 33 or 65 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PubkeyLength(pub usize);

impl core::fmt::Display for PubkeyLength {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "public key is {} bytes; SEC1 keys are 33 or 65 bytes",
            self.0
        )
    }
}

impl EcdsaJob {
    /// The job of a SEC1 public key (33 or 65 bytes), a prehash and the signature scalars
    /// (big-endian, left-padded). The prefix is passed through when it fits the length
    /// (0x02/0x03 with 33 bytes, 0x04 with 65; the engine checks it again); one that does not
    /// fit (e.g. 65 bytes starting 0x02) is passed as 0, so the engine answers BadPubkey as
    /// software does, instead of reading the key as the other form.
    pub fn new(
        pubkey: &[u8],
        prehash: &[u8; 32],
        r: &[u8; 32],
        s: &[u8; 32],
    ) -> Result<EcdsaJob, PubkeyLength> {
        let mut job = EcdsaJob {
            z: *prehash,
            r: *r,
            s: *s,
            ..EcdsaJob::default()
        };
        match pubkey {
            [p, x @ ..] if x.len() == 32 => {
                job.qx.copy_from_slice(x);
                job.prefix = if matches!(p, 2 | 3) { *p } else { 0 };
            }
            [p, xy @ ..] if xy.len() == 64 => {
                job.qx.copy_from_slice(&xy[..32]);
                job.qy.copy_from_slice(&xy[32..]);
                job.prefix = if *p == 4 { 4 } else { 0 };
            }
            _ => return Err(PubkeyLength(pubkey.len())),
        }
        Ok(job)
    }

    /// The operands in load order (R0..R5), each 32 bytes big-endian; R5 is the prefix.
    pub fn registers(&self) -> [[u8; 32]; 6] {
        let mut prefix = [0u8; 32];
        prefix[31] = self.prefix;
        [self.z, self.r, self.s, self.qx, self.qy, prefix]
    }

    /// The `ECDSA_IN` stream of this job with `tag`: Z, R, S, QX, QY (each most-significant
    /// word first), then the KEY word (prefix | tag << 8) that queues the job.
    pub fn words(&self, tag: u8) -> [u32; ECDSA_JOB_WORDS as usize] {
        let mut w = [0u32; ECDSA_JOB_WORDS as usize];
        let operands = [&self.z, &self.r, &self.s, &self.qx, &self.qy];
        for (k, value) in operands.iter().enumerate() {
            for (i, c) in value.chunks_exact(4).enumerate() {
                w[k * OPERAND_WORDS + i] = u32::from_be_bytes([c[0], c[1], c[2], c[3]]);
            }
        }
        w[operands.len() * OPERAND_WORDS] =
            ecdsa_key::PREFIX.put(u32::from(self.prefix)) | ecdsa_key::TAG.put(u32::from(tag));
        w
    }

    /// The job and tag an `ECDSA_IN` stream carries (inverse of [`EcdsaJob::words`]).
    pub fn from_words(w: &[u32; ECDSA_JOB_WORDS as usize]) -> (EcdsaJob, u8) {
        let mut job = EcdsaJob::default();
        let operands = [&mut job.z, &mut job.r, &mut job.s, &mut job.qx, &mut job.qy];
        let n = operands.len();
        for (k, value) in operands.into_iter().enumerate() {
            for (i, c) in value.chunks_exact_mut(4).enumerate() {
                c.copy_from_slice(&w[k * OPERAND_WORDS + i].to_be_bytes());
            }
        }
        let key = w[n * OPERAND_WORDS];
        job.prefix = ecdsa_key::PREFIX.get(key).to_le_bytes()[0];
        (job, ecdsa_key::TAG.get(key).to_le_bytes()[0])
    }
}

// The stream is five operands and the KEY word.
const _: () = assert!(5 * OPERAND_WORDS + 1 == ECDSA_JOB_WORDS as usize);

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::cast_possible_truncation)]
mod tests {
    use super::*;

    #[test]
    fn sec1_forms_and_mismatched_prefixes() {
        let mut k33 = [7u8; 33];
        k33[0] = 3;
        let j = EcdsaJob::new(&k33, &[1; 32], &[2; 32], &[3; 32]).unwrap();
        assert_eq!((j.prefix, j.qx, j.qy), (3, [7; 32], [0; 32]));
        let mut k65 = [9u8; 65];
        k65[0] = 4;
        let j = EcdsaJob::new(&k65, &[1; 32], &[2; 32], &[3; 32]).unwrap();
        assert_eq!((j.prefix, j.qy), (4, [9; 32]));
        k65[0] = 2;
        assert_eq!(
            EcdsaJob::new(&k65, &[0; 32], &[0; 32], &[0; 32])
                .unwrap()
                .prefix,
            0
        );
        k33[0] = 4;
        assert_eq!(
            EcdsaJob::new(&k33, &[0; 32], &[0; 32], &[0; 32])
                .unwrap()
                .prefix,
            0
        );
        assert_eq!(
            EcdsaJob::new(&k65[..40], &[0; 32], &[0; 32], &[0; 32]),
            Err(PubkeyLength(40))
        );
        assert_eq!(
            EcdsaJob::new(&[], &[0; 32], &[0; 32], &[0; 32]),
            Err(PubkeyLength(0))
        );
    }

    #[test]
    fn words_roundtrip_and_layout() {
        let mut j = EcdsaJob::default();
        for (i, b) in j.z.iter_mut().enumerate() {
            *b = i as u8;
        }
        j.qy[31] = 0xee;
        j.prefix = 4;
        let w = j.words(0xab);
        assert_eq!(w[0], 0x0001_0203, "Z most significant word first");
        assert_eq!(w[39], 0x0000_00ee);
        assert_eq!(w[40], 0xab04, "KEY = prefix | tag << 8");
        assert_eq!(EcdsaJob::from_words(&w), (j, 0xab));
        assert_eq!(j.registers()[5][31], 4);
        assert_eq!(j.registers()[0], j.z);
    }
}
