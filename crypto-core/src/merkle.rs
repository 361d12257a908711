//! Merkle root with Bitcoin Core's CVE-2012-2459 mutation detection. Each tree level is one
//! `hash_batch` call of `MerkleNode` jobs.

use crate::backend::{Backend, BackendError, Digest32, HashJob};
use crate::prelude::*;

/// Result of [`merkle_root`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MerkleResult {
    pub root: Digest32,
    /// Core's `mutated`: two identical adjacent hashes at some level (CVE-2012-2459).
    pub mutated: bool,
}

/// Core's `ComputeMerkleRoot(hashes, &mutated)`. An empty list gives the zero hash.
pub fn merkle_root(
    leaves: &[Digest32],
    backend: &dyn Backend,
) -> Result<MerkleResult, BackendError> {
    let mut level: Vec<Digest32> = leaves.to_vec();
    let mut mutated = false;
    while level.len() > 1 {
        let mut pos = 0;
        while pos + 1 < level.len() {
            if level[pos] == level[pos + 1] {
                mutated = true;
            }
            pos += 2;
        }
        if level.len() % 2 == 1 {
            if let Some(last) = level.last().copied() {
                level.push(last);
            }
        }
        let jobs: Vec<HashJob> = level
            .chunks_exact(2)
            .map(|p| HashJob::merkle_node(&p[0], &p[1]))
            .collect();
        let next = backend.hash_batch(&jobs)?;
        if next.len() != jobs.len() {
            return Err(BackendError::Hardware {
                what: format!(
                    "hash_batch returned {} digests for {} merkle jobs",
                    next.len(),
                    jobs.len()
                ),
            });
        }
        level = next;
    }
    Ok(MerkleResult {
        root: level.first().copied().unwrap_or([0u8; 32]),
        mutated,
    })
}
