#![doc = include_str!("../README.md")]
#![cfg_attr(not(feature = "std"), no_std)]
#![allow(clippy::panic)] // test support: a bad environment variable is a setup error

extern crate alloc;

pub mod jobs;
#[cfg(feature = "std")]
pub mod seed;

#[cfg(feature = "std")]
pub use seed::{cases, seed, seed_bytes};
