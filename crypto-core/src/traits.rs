//! Ecosystem traits over any [`Backend`], so code written against RustCrypto traits can take
//! the accelerator: a `digest`-compatible SHA-256 ([`BackendSha256`]) and a secp256k1
//! verifying key implementing `signature::hazmat::PrehashVerifier` and `signature::Verifier`
//! ([`BackendVerifyingKey`]).
//!
//! They live in crypto-core behind the optional `traits` feature (digest, signature, k256,
//! sha2), because they are adapters over the `Backend` trait defined here: the driver stays
//! free of crypto crates and the software backend is not needed to build them.
//!
//! Differences from k256's own types, on purpose: the verifier applies the Backend contract
//! (any `s` in `[1, n-1]` verifies; k256's verifier rejects high S); batches are one job each
//! here, so prefer `Backend::verify_batch` for throughput.

// The adapters need `std` (feature `traits` implies it); their collections come from `alloc`.
use crate::prelude::*;

use digest::consts::U32;
use digest::{FixedOutput, HashMarker, Output, OutputSizeUser, Reset, Update};
use k256::ecdsa::Signature;
use sha2::Digest as _;

use crate::backend::{Backend, BackendError, Digest32, HashJob, PubkeyBytes, Verdict, VerifyJob};

/// SHA-256 computed by a backend. The message is buffered and hashed as one job at
/// finalization. `digest::FixedOutput` cannot fail, so if the backend returns an error the
/// digest is computed with `sha2` in software; use [`BackendSha256::try_finalize`] to get the
/// error instead.
#[derive(Debug, Clone)]
pub struct BackendSha256<B: Backend> {
    backend: B,
    buf: Vec<u8>,
}

impl<B: Backend> BackendSha256<B> {
    /// An empty hasher whose digest `backend` computes.
    pub fn new(backend: B) -> Self {
        BackendSha256 {
            backend,
            buf: Vec::new(),
        }
    }

    /// Finalizes through the backend, returning its error if it fails.
    pub fn try_finalize(self) -> Result<Digest32, BackendError> {
        let mut v = self.backend.hash_batch(&[HashJob::sha256(self.buf)])?;
        v.pop().ok_or(BackendError::Hardware {
            what: "no digest returned".into(),
        })
    }
}

impl<B: Backend + Default> Default for BackendSha256<B> {
    fn default() -> Self {
        BackendSha256::new(B::default())
    }
}

impl<B: Backend> HashMarker for BackendSha256<B> {}

impl<B: Backend> OutputSizeUser for BackendSha256<B> {
    type OutputSize = U32;
}

impl<B: Backend> Update for BackendSha256<B> {
    fn update(&mut self, data: &[u8]) {
        self.buf.extend_from_slice(data);
    }
}

impl<B: Backend> Reset for BackendSha256<B> {
    fn reset(&mut self) {
        self.buf.clear();
    }
}

impl<B: Backend> FixedOutput for BackendSha256<B> {
    fn finalize_into(self, out: &mut Output<Self>) {
        let msg = self.buf.clone();
        let d = match self.try_finalize() {
            Ok(d) => d,
            Err(_) => sha2::Sha256::digest(&msg).into(),
        };
        out.copy_from_slice(&d);
    }
}

/// A secp256k1 public key whose verifications run on a backend.
#[derive(Debug, Clone)]
pub struct BackendVerifyingKey<B: Backend> {
    key: PubkeyBytes,
    backend: B,
}

impl<B: Backend> BackendVerifyingKey<B> {
    /// From SEC1 bytes (compressed, uncompressed or hybrid). The key's validity is checked by
    /// the backend at verification time, as for every job.
    pub fn from_sec1_bytes(bytes: &[u8], backend: B) -> Result<Self, signature::Error> {
        let key = PubkeyBytes::from_sec1(bytes).ok_or_else(signature::Error::new)?;
        Ok(BackendVerifyingKey { key, backend })
    }

    /// The key as the backend receives it.
    pub fn pubkey(&self) -> &PubkeyBytes {
        &self.key
    }

    /// The backend's verdict for a 32-byte prehash.
    pub fn verdict(&self, z: [u8; 32], sig: &Signature) -> Result<Verdict, BackendError> {
        let job = VerifyJob {
            pubkey: self.key.clone(),
            prehash: z,
            r: sig.r().to_bytes().into(),
            s: sig.s().to_bytes().into(),
        };
        let mut v = self.backend.verify_batch(&[job])?;
        v.pop().ok_or(BackendError::Hardware {
            what: "no verdict returned".into(),
        })
    }
}

/// ECDSA's bits2field as k256 applies it to a prehash: fewer than 16 bytes is an error,
/// shorter than 32 is left-padded, longer is truncated to the leftmost 32 bytes.
fn bits2field(prehash: &[u8]) -> Result<[u8; 32], signature::Error> {
    if prehash.len() < 16 {
        return Err(signature::Error::new());
    }
    let mut z = [0u8; 32];
    if prehash.len() < 32 {
        z[32 - prehash.len()..].copy_from_slice(prehash);
    } else {
        z.copy_from_slice(&prehash[..32]);
    }
    Ok(z)
}

impl<B: Backend> signature::hazmat::PrehashVerifier<Signature> for BackendVerifyingKey<B> {
    fn verify_prehash(&self, prehash: &[u8], sig: &Signature) -> Result<(), signature::Error> {
        let z = bits2field(prehash)?;
        match self.verdict(z, sig) {
            Ok(Verdict::Valid) => Ok(()),
            Ok(Verdict::Invalid(_)) => Err(signature::Error::new()),
            Err(e) => Err(signature::Error::from_source(e)),
        }
    }
}

impl<B: Backend> signature::Verifier<Signature> for BackendVerifyingKey<B> {
    /// Verifies `sig` over SHA-256(`msg`), the hash also computed by the backend.
    fn verify(&self, msg: &[u8], sig: &Signature) -> Result<(), signature::Error> {
        let mut z = self
            .backend
            .hash_batch(&[HashJob::sha256(msg.to_vec())])
            .map_err(signature::Error::from_source)?;
        let z = z.pop().ok_or_else(signature::Error::new)?;
        signature::hazmat::PrehashVerifier::verify_prehash(self, &z, sig)
    }
}
