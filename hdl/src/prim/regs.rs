//! Constants taken from the register map, for the blocks that implement registers: an offset
//! as the 8-bit address the register block decodes, a field's mask in a 32-bit word, a code
//! as its `ERROR.CODE` / `ECDSA_RESULT.CODE` value. Nothing here restates the map.

use rust_hdl::prelude::*;
use satchain_regmap as rm;

use super::konst;

/// The register's offset as the register block's 8-bit address.
pub fn offset(r: rm::Register) -> Constant<Bits<8>> {
    konst(u64::from(r.offset))
}

/// The offsets of several registers (e.g. the eight digest words).
pub fn offsets<const K: usize>(rs: [rm::Register; K]) -> [Constant<Bits<8>>; K] {
    rs.map(offset)
}

/// A field's mask in place (a status or interrupt bit, a field to set).
pub fn mask(f: rm::Field) -> Constant<Bits<32>> {
    konst(u64::from(f.mask()))
}

/// A field's mask, `N` bits wide (for registers narrower than 32 bits, e.g. IRQ_STATUS).
pub fn mask_n<const N: usize>(f: rm::Field) -> Constant<Bits<N>> {
    konst(u64::from(f.mask()))
}

/// An `ERROR.CODE` value.
pub fn error_code(c: rm::ErrorCode) -> Constant<Bits<8>> {
    konst(c as u64)
}

/// An `ECDSA_RESULT.CODE` value.
pub fn ecdsa_code(c: rm::EcdsaCode) -> Constant<Bits<4>> {
    konst(c as u64)
}

/// A `HASH_CMD.MODE` value.
pub fn hash_mode(m: rm::HashMode) -> Constant<Bits<3>> {
    konst(m as u64)
}
