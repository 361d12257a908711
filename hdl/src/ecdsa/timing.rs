//! Cycle model of the RTL sequencer (owner: the RTL, `sequencer.rs`). The ISS sums these to
//! predict the RTL's cycle count exactly; a Verilator test (`verif/tests/ecdsa_engine.rs`)
//! checks that prediction for every job it runs.
//!
//! Derivation (see the pipeline description in `sequencer.rs`): an instruction's cost is the
//! number of cycles from its RD (issue) cycle to the next instruction's RD cycle.
//! - ALU ops (ADDP SUBP MOV ADD SUB CMP ODD) and NOP LDLC DJNZ JMP HALT: 1.
//! - WIN: 2 (the cycle after it is a bubble so that the next RD sees the new I).
//! - BR: 2 (decided in its EX cycle from registered flags), taken or not.
//! - MULP / MULN: 1 + the unit's start->done latency (start in the first EX cycle; the result
//!   is written, and forwarded to the next RD, in the `done` cycle).
//! - Opcodes 5 and 6 (ISA v1's INVN/INVP) are reserved: the RTL faults on them, no cost.
//!
//! The job's `cycles` count every cycle from the first RD (PC 0) to the HALT's RD inclusive,
//! i.e. exactly the sum of the executed instructions' costs.

use super::modmul::{MULN_LATENCY, MULP_LATENCY};

/// Cycles after which a running job stops with EngineFault (the engine's watchdog).
pub const WATCHDOG_CYCLES: u32 = 1 << 20;

/// Cycles the RTL spends on one instruction with opcode `op` (ISA.md numbering), from its
/// RD cycle to the RD cycle of the next instruction.
pub const fn op_cycles(op: u8) -> u32 {
    match op {
        1 => 1 + MULP_LATENCY,
        4 => 1 + MULN_LATENCY,
        12 | 16 => 2, // WIN, BR
        _ => 1,
    }
}
