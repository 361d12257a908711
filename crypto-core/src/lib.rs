#![doc = include_str!("../README.md")]

pub mod backend;

pub use backend::{
    Backend, BackendError, BackendErrorKind, BackendStats, Digest32, HashJob, HashMode, PubkeyBytes, Verdict,
    VerifyFailure, VerifyJob,
};
