//! Cycle model of the RTL sequencer (owner: the RTL). The ISS sums these to predict the RTL's
//! cycle count exactly; a Verilator test checks that prediction. Values below are the RTL's
//! measured behaviour once it exists; until then they are placeholders marked as such.

/// Cycles the RTL spends on one instruction with opcode `op` (ISA.md numbering), from its
/// fetch to the fetch of the next instruction. INV ops: see [`inv_cycles`].
pub const fn op_cycles(op: u8) -> u32 {
    match op {
        1 => 10, // MULP (placeholder)
        4 => 20, // MULN (placeholder)
        5 | 6 => 0, // INVN / INVP: inv_cycles()
        _ => 2,  // everything else (placeholder)
    }
}

/// Cycles of an INVN/INVP that ran `iterations` loop iterations.
pub const fn inv_cycles(iterations: u32) -> u32 {
    4 + iterations // placeholder
}
