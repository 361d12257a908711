//! Primitives every block uses: zero-extension ([`Widen`]) and its shifted form ([`Placed`]:
//! a word placed at a fixed bit offset of a wider one), the resettable FIFO
//! ([`SyncFifo`]), constants from numbers and from the register map ([`konst`], [`regs`]),
//! [`verilog_of`] (a block's Verilog text) and [`lint::verilator_lint`] (the lint every block's
//! Verilog passes). The hand-written Verilog of the leaf
//! primitives is explained in their files; everything else is plain rust-hdl.

pub mod fifo;
pub mod lint;
pub mod placed;
pub mod regs;
pub mod widen;

pub use self::fifo::SyncFifo;
pub use self::placed::{placed_array, Placed};
pub use self::widen::Widen;

use rust_hdl::prelude::*;

/// A `Bits<N>` constant. rust-hdl emits bare literals 32 bits wide, so every small-width
/// constant a block compares or adds is a `Constant` field built with this.
pub fn konst<const N: usize>(v: u64) -> Constant<Bits<N>> {
    Constant::new(v.into())
}

/// Verilog text of a block (top module `top`, submodules `top$<field>`), after
/// `connect_all()`.
pub fn verilog_of<B: Block>(mut b: B) -> String {
    b.connect_all();
    generate_verilog(&b)
}
