#![doc = include_str!("../README.md")]
#![allow(clippy::panic)] // test support: a bad environment variable is a setup error

pub mod seed;

pub use seed::{cases, seed, seed_bytes};
