//! Whole-block validation on arbitrary bytes, both chains, with a cheap fake backend
//! (the point is parsing and the pipeline's bookkeeping, not the crypto): must never panic,
//! and a block that parses must re-serialize to the same bytes.
#![no_main]

use crypto_core::{
    blk_file_blocks, validate_block, Backend, BackendError, Block, Chain, Digest32, HashJob, ValidateOptions,
    Verdict, VerifyFailure, VerifyJob,
};
use libfuzzer_sys::fuzz_target;

struct FakeBackend;

impl Backend for FakeBackend {
    fn name(&self) -> &'static str {
        "fuzz-fake"
    }
    fn hash_batch(&self, jobs: &[HashJob]) -> Result<Vec<Digest32>, BackendError> {
        // Not a hash; deterministic and length-sensitive is enough here.
        Ok(jobs
            .iter()
            .map(|j| {
                let mut d = [0u8; 32];
                for (i, b) in j.data.iter().enumerate() {
                    d[i % 32] = d[i % 32].wrapping_mul(31).wrapping_add(*b);
                }
                d[0] ^= j.data.len() as u8;
                d
            })
            .collect())
    }
    fn verify_batch(&self, jobs: &[VerifyJob]) -> Result<Vec<Verdict>, BackendError> {
        Ok(jobs.iter().map(|j| if j.r[0] & 1 == 0 { Verdict::Valid } else { Verdict::Invalid(VerifyFailure::Mismatch) }).collect())
    }
}

fuzz_target!(|data: &[u8]| {
    for chain in [Chain::Bitcoin, Chain::Qtum] {
        let rep = validate_block(data, &ValidateOptions::new(chain), &FakeBackend);
        assert_eq!(rep.valid, rep.error.is_none());
        if let Ok(b) = Block::parse(data, chain) {
            assert_eq!(b.serialize(), data, "parse/serialize round trip");
        }
    }
    for r in blk_file_blocks(data) {
        if r.is_err() {
            break;
        }
    }
});
