#![doc = include_str!("../README.md")]

pub use satchain_regmap as regmap;

pub mod calib;
pub mod catalog;
pub mod ecdsa;
pub mod prim;
pub mod regblock;
pub mod selftest;
pub mod sha256;
pub mod top;
pub mod vcore;
pub mod vring;

pub use catalog::{sim_models, SimModel};
