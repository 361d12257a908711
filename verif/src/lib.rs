#![doc = include_str!("../README.md")]

pub mod ecdsa;
pub mod sim;
