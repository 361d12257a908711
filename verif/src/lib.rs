#![doc = include_str!("../README.md")]

pub mod ecdsa;
pub mod sha_cluster;
pub mod sim;
