#![doc = include_str!("../README.md")]

pub mod axi_mem;
pub mod axi_mem_write;
pub mod bus;
pub mod ecdsa;
pub mod report;
pub mod sha_cluster;
pub mod sim;
pub mod vcore;
pub mod vring;

pub use bus::{sim_backend, sim_backend_with, VerilatorBus};
