//! `EcdsaEngine`: one ECDSA secp256k1 verification engine — the microcode sequencer
//! ([`EcdsaSequencer`]: register file, ROMs, ALU, control) with the arithmetic units it
//! dispatches to (`ModMul` for MULP/MULN). There is no inversion unit: the program inverts
//! by exponentiation on `ModMul` (ISA v2; see `README-rtl.md`, "Why no ModInv").
//!
//! Ports (the contract with the register block):
//! - `clock`, `reset` (synchronous, active high)
//! - `load_en`, `load_sel` (R0..R5), `load_data`: write an input register while not busy
//! - `start`: run the program from PC 0 (ignored while busy); `busy` while it runs
//! - `done`: one-cycle pulse at the end; `code` (`EcdsaCode`) and `cycles` (cycles from the
//!   first instruction to HALT inclusive) are valid then and held until the next job ends
//! - debug: `dbg_pc` (PC of the RD stage) and the register-file write trace `dbg_we`,
//!   `dbg_waddr`, `dbg_wdata` (EX-stage writes while running), for RTL-vs-ISS comparison.
//!
//! The microcode ROM is filled from the same `Vec<u32>` the ISS runs (`program.rs`), the
//! constant ROM from `consts::const_rom()`.
//!
#![doc = include_str!("README-rtl.md")]

use super::modmul::ModMul;
use super::sequencer::EcdsaSequencer;
use rust_hdl::prelude::*;

/// One verification engine.
#[derive(LogicBlock)]
pub struct EcdsaEngine {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    pub load_en: Signal<In, Bit>,
    pub load_sel: Signal<In, Bits<3>>,
    pub load_data: Signal<In, Bits<256>>,
    pub start: Signal<In, Bit>,
    pub busy: Signal<Out, Bit>,
    pub done: Signal<Out, Bit>,
    pub code: Signal<Out, Bits<4>>,
    pub cycles: Signal<Out, Bits<32>>,
    pub dbg_pc: Signal<Out, Bits<10>>,
    pub dbg_we: Signal<Out, Bit>,
    pub dbg_waddr: Signal<Out, Bits<6>>,
    pub dbg_wdata: Signal<Out, Bits<256>>,
    seq: EcdsaSequencer,
    mul: ModMul,
}

/// The secp256k1 constant ROM (`consts::const_rom()`) as little-endian 64-bit limbs.
pub fn const_rom_limbs() -> Vec<[u64; 4]> {
    super::consts::const_rom()
        .iter()
        .map(|w| {
            let mut l = [0u64; 4];
            for (i, limb) in l.iter_mut().enumerate() {
                *limb = u64::from(w[2 * i]) | (u64::from(w[2 * i + 1]) << 32);
            }
            l
        })
        .collect()
}

impl EcdsaEngine {
    /// An engine running `program` (microcode words) with the secp256k1 constant ROM.
    pub fn new(program: &[u32]) -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            load_en: Default::default(),
            load_sel: Default::default(),
            load_data: Default::default(),
            start: Default::default(),
            busy: Default::default(),
            done: Default::default(),
            code: Default::default(),
            cycles: Default::default(),
            dbg_pc: Default::default(),
            dbg_we: Default::default(),
            dbg_waddr: Default::default(),
            dbg_wdata: Default::default(),
            seq: EcdsaSequencer::new(program, &const_rom_limbs()),
            mul: ModMul::default(),
        }
    }
}

impl Logic for EcdsaEngine {
    #[hdl_gen]
    fn update(&mut self) {
        self.seq.clock.next = self.clock.val();
        self.mul.clock.next = self.clock.val();
        self.seq.reset.next = self.reset.val();
        self.mul.reset.next = self.reset.val();

        self.seq.load_en.next = self.load_en.val();
        self.seq.load_sel.next = self.load_sel.val();
        self.seq.load_data.next = self.load_data.val();
        self.seq.start.next = self.start.val();
        self.busy.next = self.seq.busy.val();
        self.done.next = self.seq.done.val();
        self.code.next = self.seq.code.val();
        self.cycles.next = self.seq.cycles.val();
        self.dbg_pc.next = self.seq.dbg_pc.val();
        self.dbg_we.next = self.seq.dbg_we.val();
        self.dbg_waddr.next = self.seq.dbg_waddr.val();
        self.dbg_wdata.next = self.seq.dbg_wdata.val();

        self.mul.start.next = self.seq.mul_start.val();
        self.mul.a.next = self.seq.mul_a.val();
        self.mul.b.next = self.seq.mul_b.val();
        self.mul.modn.next = self.seq.mul_modn.val();
        self.seq.mul_done.next = self.mul.done.val();
        self.seq.mul_result.next = self.mul.result.val();
    }
}

/// A self-test microcode program that exercises every opcode, both operand sources, the index
/// register, every BR condition, loops and both moduli of MULx on the inputs R0..R5.
/// It is the engine's bring-up test (RTL == ISS on random inputs, write trace included), not
/// the verify program. Preconditions: R0..R5 < p, R1 in [1, n-1], R2 nonzero.
pub fn selftest_program() -> Result<Vec<u32>, super::asm::AsmError> {
    use super::asm::{Asm, Reg};
    use super::consts::c;
    use super::isa::{Cond, Src};
    let r = Reg;
    let k = Src::c;
    let mut a = Asm::new();
    // Field ops, both sources, forwarding of each result into the next instruction.
    a.addp(r(6), r(0), r(1));
    a.subp(r(7), r(6), r(2));
    a.subp(r(8), r(2), r(6));
    a.mulp(r(9), r(7), r(8));
    a.mulp(r(10), r(9), r(9));
    a.addp(r(11), r(10), k(c::P_MINUS_N));
    a.muln(r(12), r(11), r(3));
    a.add(r(13), r(12), k(c::P));
    a.sub(r(14), r(13), r(4));
    a.mov(r(15), k(c::N));
    a.muln(r(16), r(1), r(1));
    a.mulp(r(17), r(2), r(2));
    a.mulp(r(18), r(17), r(2));
    a.muln(r(19), r(16), r(1));
    // Flags and every BR condition (taken and not taken depending on the data).
    let conds = [
        Cond::Eq,
        Cond::Ne,
        Cond::Lt,
        Cond::Ge,
        Cond::C,
        Cond::Nc,
        Cond::Od,
        Cond::Ev,
        Cond::Wz,
        Cond::Nwz,
    ];
    a.mov(r(21), k(c::ZERO));
    for (i, cond) in conds.iter().enumerate() {
        let skip = a.label(&format!("skip{i}"));
        match i % 5 {
            0 => a.cmp(r(18), k(c::ONE)),
            1 => a.cmp(r(0), r(1)),
            2 => {
                a.add(r(20), r(3), r(4));
            }
            3 => a.odd(r(0)),
            _ => {
                a.ldlc(3);
                a.win(r(1), 2);
            }
        }
        a.br(*cond, skip);
        a.addp(r(21), r(21), k(c::ONE));
        a.bind(skip);
    }
    // A windowed loop: I from the windows of R2 (stride 2), indexed reads of the G table.
    a.mov(r(22), k(c::ZERO));
    a.mov(r(23), k(c::ZERO));
    a.ldlc(63);
    let top = a.here("loop");
    a.win(r(2), 2);
    let zero = a.label("wz");
    a.br(Cond::Wz, zero);
    a.addp(r(22), r(22), Src::c(c::G_TABLE).idx());
    a.mulp(r(23), r(22), Src::c(c::G_TABLE + 1).idx());
    a.bind(zero);
    a.djnz(top);
    // Indexed register reads: I = W - 1 <= 14 from nibble 0 of R0, reading R6..R20.
    a.ldlc(0);
    a.win(r(0), 1);
    a.mov(r(24), r(6).idx());
    a.addp(r(25), r(22), r(23));
    let end = a.label("end");
    a.jmp(end);
    a.halt(14); // skipped
    a.bind(end);
    a.nop();
    a.cmp(r(25), k(c::ZERO));
    let one = a.label("one");
    a.br(Cond::Eq, one);
    a.halt(1);
    a.bind(one);
    a.halt(0);
    a.finish().map(|p| p.words)
}

/// Words the fault-test program patches in (not encodable by the assembler on purpose).
pub const ILLEGAL_OPCODE_WORD: u32 = 31 << 27;
/// BR with condition 12 (illegal), target 0.
pub const ILLEGAL_COND_WORD: u32 = (16 << 27) | (12 << 23);
/// Opcode 5, reserved since ISA v2 (v1's INVN, with operands R6, C0): must fault, not run.
pub const RESERVED_OPCODE_WORD: u32 = (5 << 27) | (6 << 21) | (64 << 14);

/// A microcode program that stops the engine with EngineFault on purpose, selected by R0:
/// 1 an illegal opcode, 2 an illegal BR condition, 3 a reserved opcode (ISA v1's INVN),
/// 4 an endless loop (the watchdog); any other R0 halts with code 0.
pub fn fault_test_program() -> Result<Vec<u32>, super::asm::AsmError> {
    use super::asm::{Asm, Reg};
    use super::consts::c;
    use super::isa::{Cond, Src};
    let mut a = Asm::new();
    let mut patches = Vec::new();
    let sel = [c::ONE, c::TWO, c::THREE, c::FOUR];
    for (case, k) in sel.iter().enumerate() {
        let next = a.label("next");
        a.cmp(Reg(0), Src::c(*k));
        a.br(Cond::Ne, next);
        match case {
            0 => {
                patches.push((a.pc(), ILLEGAL_OPCODE_WORD));
                a.halt(0);
            }
            1 => {
                patches.push((a.pc(), ILLEGAL_COND_WORD));
                a.halt(0);
            }
            2 => {
                patches.push((a.pc(), RESERVED_OPCODE_WORD));
                a.halt(0);
            }
            _ => {
                let l = a.here("forever");
                a.jmp(l);
            }
        }
        a.bind(next);
    }
    a.halt(0);
    let mut words = a.finish()?.words;
    for (pc, w) in patches {
        if let Some(slot) = words.get_mut(pc) {
            *slot = w;
        }
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_selftest_program_assembles() {
        let p = selftest_program().unwrap();
        assert!(p.len() > 60 && p.len() < 1024);
    }

    #[test]
    fn engine_const_rom_limbs_match_words() {
        let l = const_rom_limbs();
        let w = super::super::consts::const_rom();
        assert_eq!(l.len(), 64);
        assert_eq!(l[6][0] as u32, w[6][0]);
        assert_eq!((l[6][3] >> 32) as u32, w[6][7]);
    }
}
