#![no_std]
#![doc = include_str!("../README.md")]

#[cfg(feature = "std")]
extern crate std;

pub mod accel;
pub mod bus;
pub mod dma;
pub mod error;
pub mod fault;
#[cfg(feature = "std")]
pub mod linux;
pub mod mmio;
#[cfg(feature = "zynq-baremetal")]
pub mod zynq;

pub use accel::{
    Accel, BatchInfo, Bip340Job, Caps, Config, Counters, EcdsaResult, HashReq, WaitMode,
};
pub use bus::{Bus, BusError, BusErrorKind};
pub use dma::{DmaError, DmaRegion, WithDma};
pub use error::{ArgError, DriverError, ErrorKind, Phase};
pub use satchain_regmap as regmap;
/// One ECDSA job: the register map's type (the `ECDSA_IN` stream is defined there).
pub use satchain_regmap::EcdsaJob;
