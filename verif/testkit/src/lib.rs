#![doc = include_str!("../README.md")]
#![cfg_attr(not(feature = "std"), no_std)]
#![allow(clippy::panic)] // test support: a bad environment variable is a setup error

extern crate alloc;

#[cfg(feature = "std")]
pub mod data;
#[cfg(feature = "device")]
pub mod dma;
pub mod edges;
pub mod jobs;
#[cfg(feature = "device")]
pub mod mock;
#[cfg(feature = "device")]
pub mod model;
#[cfg(feature = "std")]
pub mod seed;

#[cfg(feature = "std")]
pub use seed::{cases, seed, seed_bytes};
