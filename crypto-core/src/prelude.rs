//! What the standard prelude gives a `std` crate, from `alloc`: crypto-core is `no_std` + `alloc`
//! (a node on an RTOS or bare metal links it), so every module starts with
//! `use crate::prelude::*;`.

pub(crate) use alloc::boxed::Box;
pub(crate) use alloc::string::{String, ToString};
pub(crate) use alloc::vec::Vec;
pub(crate) use alloc::{format, vec};
