//! `EcdsaSequencer`: microcode sequencer of the ECDSA engine — microcode ROM, constant ROM,
//! register file, 256-bit ALU, flags/LC/I/W, branches, HALT, faults — with the port of the
//! arithmetic unit (ModMul) it dispatches to. `EcdsaEngine` (engine.rs) wires it to `ModMul`.
//!
//! # Pipeline (normative for `timing.rs`)
//! Two stages, RD and EX, no data-dependent stalls between instructions, so every opcode has a
//! fixed cost (the ISS sums `timing::op_cycles`):
//! - **RD**: the instruction at PC is in `ir` (the registered microcode ROM output; the ROM is
//!   addressed with the next PC). Operand addresses (+I when `ia`/`ib`; 0..63 registers,
//!   64..127 constants) go to the operand store (`regfile.rs`: register file and constant ROM
//!   in one BRAM array), whose outputs are registered (read enable = issue): the operands
//!   appear at the start of EX. Control instructions (NOP, LDLC, DJNZ, JMP, HALT) complete in
//!   RD. RD issues only when the EX stage completes in the same cycle; the register file's
//!   write-first read forwards the value EX writes in that cycle.
//! - **EX**: the 256-bit ALU (1 cycle) and the register-file write, or the multi-cycle units:
//!   `start` in the first EX cycle, wait for `done`, write the result in the `done` cycle (the
//!   next instruction's RD runs in that same cycle and gets the result forwarded).
//! - BR is decided in its EX cycle from registered flags (the RD cycle after a BR is a bubble);
//!   WIN changes I, so the cycle after a WIN is a bubble too.
//!
//! Costs: ALU ops 1, NOP/LDLC/DJNZ/JMP/HALT 1, WIN 2, BR 2 (taken or not), MULP/MULN
//! `1 + latency`.
//!
//! Microcode ROM: 1024 words, each the 32-bit instruction from `program.rs` extended by the
//! generator with its decoded opcode (one-hot) and BR condition (one-hot) — computed from the
//! same words, so the RTL needs no decoder and the ISA has one definition. Unused words are NOP.
//!
//! ALU: two 256-bit adders for all of ADD SUB ADDP SUBP MOV CMP (a - b = ~(~a + b), see
//! `update`). Exact
//! semantics, also outside the ISA's preconditions: ADDP d = a+b-p if a+b >= p else a+b
//! (mod 2^256); SUBP d = a-b if a >= b else a-b+p (mod 2^256).
//!
//! Faults (code 15, EngineFault): opcode 5, 6 (reserved) or > 17, BR cond > 9, and the watchdog
//! (`timing::WATCHDOG_CYCLES` cycles in one job).
//!
//! rust-hdl notes: inside `#[hdl_gen]` there is no `let`, so temporaries are `Local` signals;
//! every literal that meets a narrower signal is a `Constant<Bits<N>>` (bare literals are
//! emitted 32 bits wide); rust-hdl's widening `bit_cast` emits `x & N'hff..` with operands of
//! different widths, which Verilator rejects (WIDTH), so nothing here widens: carries come from
//! the top bits, zero-extensions are built from masked slices. Every child's output that this
//! block reads is registered (SyncROM, operand store): a combinational child read by rust-hdl's
//! single `always @(*)` block that also drives the child's inputs is a Verilator UNOPTFLAT.

use super::regfile::OperandStore;
use rust_hdl::prelude::*;

// The constructor (program and constant ROMs, child blocks, constants) is a file of its own,
// beside the ports, state and `update()` here.
mod construct;

/// 2^256 - p = 2^32 + 977.
const P_COMPLEMENT: u64 = 0x1_0000_03D1;

/// Builds a `Bits<256>` from four little-endian 64-bit limbs.
pub fn bits256_from_limbs(limbs: &[u64; 4]) -> Bits<256> {
    let mut b = Bits::<256>::default();
    for (i, l) in limbs.iter().enumerate() {
        b.set_bits::<64>(64 * i, Bits::<64>::from(*l));
    }
    b
}

/// Number of opcodes (0..=17, ISA.md).
const N_OPS: u64 = 18;
/// Number of BR conditions (0..=9, ISA.md).
const N_CONDS: u64 = 10;

/// The pre-decoded microcode word the ROM holds for instruction `word`: bits 31:0 the word,
/// 49:32 the opcode one-hot (all zero for an illegal opcode, including the reserved 5 and 6:
/// ISA v1's INVN/INVP, removed with the ModInv unit), 59:50 the BR condition one-hot
/// (all zero for an illegal condition; don't care for other opcodes).
pub fn predecode(word: u32) -> u64 {
    let op = u64::from(word >> 27);
    let cond = u64::from((word >> 23) & 0xF);
    let op_hot = if op < N_OPS && op != 5 && op != 6 {
        1u64 << op
    } else {
        0
    };
    let cond_hot = if cond < N_CONDS { 1u64 << cond } else { 0 };
    u64::from(word) | (op_hot << 32) | (cond_hot << 50)
}

/// The microcode sequencer with its register file, ROMs and ALU.
#[derive(LogicBlock)]
pub struct EcdsaSequencer {
    pub clock: Signal<In, Clock>,
    /// Synchronous, active high.
    pub reset: Signal<In, Bit>,
    /// Host load port: `R[load_sel] = load_data` when not busy.
    pub load_en: Signal<In, Bit>,
    pub load_sel: Signal<In, Bits<3>>,
    pub load_data: Signal<In, Bits<256>>,
    /// Start the program at PC 0 (ignored while busy).
    pub start: Signal<In, Bit>,
    pub busy: Signal<Out, Bit>,
    /// One-cycle pulse; `code` and `cycles` are valid then and held until the next job ends.
    pub done: Signal<Out, Bit>,
    pub code: Signal<Out, Bits<4>>,
    pub cycles: Signal<Out, Bits<32>>,
    /// Debug: the PC of the RD stage and the register-file write port (a write trace).
    pub dbg_pc: Signal<Out, Bits<10>>,
    pub dbg_we: Signal<Out, Bit>,
    pub dbg_waddr: Signal<Out, Bits<6>>,
    pub dbg_wdata: Signal<Out, Bits<256>>,
    /// ModMul interface.
    pub mul_start: Signal<Out, Bit>,
    pub mul_a: Signal<Out, Bits<256>>,
    pub mul_b: Signal<Out, Bits<256>>,
    pub mul_modn: Signal<Out, Bit>,
    pub mul_done: Signal<In, Bit>,
    pub mul_result: Signal<In, Bits<256>>,

    // ---- storage (all with registered outputs)
    ucode: SyncROM<Bits<64>, 10>,
    rf: OperandStore,

    // ---- state
    running: DFF<Bit>,
    done_r: DFF<Bit>,
    code_r: DFF<Bits<4>>,
    cycles_r: DFF<Bits<32>>,
    pc: DFF<Bits<10>>,
    bubble: DFF<Bit>,
    ex_valid: DFF<Bit>,
    ex_first: DFF<Bit>,
    ex_op: DFF<Bits<18>>,
    ex_d: DFF<Bits<6>>,
    ex_target: DFF<Bits<10>>,
    ex_cond: DFF<Bits<10>>,
    ex_stride: DFF<Bits<2>>,
    f_eq: DFF<Bit>,
    f_lt: DFF<Bit>,
    f_c: DFF<Bit>,
    f_od: DFF<Bit>,
    f_wz: DFF<Bit>,
    lc: DFF<Bits<8>>,
    w: DFF<Bits<4>>,
    ix: DFF<Bits<7>>,

    // ---- combinational temporaries
    ir: Signal<Local, Bits<32>>,
    dec: Signal<Local, Bits<18>>,
    cdec: Signal<Local, Bits<10>>,
    next_pc: Signal<Local, Bits<10>>,
    pc_inc: Signal<Local, Bits<10>>,
    addr_a: Signal<Local, Bits<7>>,
    addr_b: Signal<Local, Bits<7>>,
    opa: Signal<Local, Bits<256>>,
    opb: Signal<Local, Bits<256>>,
    is_sub: Signal<Local, Bit>,
    smask: Signal<Local, Bits<256>>,
    ax: Signal<Local, Bits<256>>,
    bx: Signal<Local, Bits<256>>,
    alu_s: Signal<Local, Bits<256>>,
    s1: Signal<Local, Bits<256>>,
    s1_lo: Signal<Local, Bits<256>>,
    s1_h0: Signal<Local, Bits<256>>,
    s1_h1: Signal<Local, Bits<256>>,
    s1_hi: Signal<Local, Bits<256>>,
    s2_lo: Signal<Local, Bits<256>>,
    s2_h0: Signal<Local, Bits<256>>,
    s2_h1: Signal<Local, Bits<256>>,
    s2_hi: Signal<Local, Bits<256>>,
    full1: Signal<Local, Bit>,
    c_x: Signal<Local, Bits<256>>,
    c_m: Signal<Local, Bits<256>>,
    c_y: Signal<Local, Bits<256>>,
    s2: Signal<Local, Bits<256>>,
    full2: Signal<Local, Bit>,
    alu_r: Signal<Local, Bits<256>>,
    ws128: Signal<Local, Bits<128>>,
    ws64: Signal<Local, Bits<64>>,
    ws32: Signal<Local, Bits<32>>,
    ws16: Signal<Local, Bits<16>>,
    ws8: Signal<Local, Bits<8>>,
    ws8s: Signal<Local, Bits<8>>,
    win_w7: Signal<Local, Bits<7>>,
    win_wm1: Signal<Local, Bits<7>>,
    win_i: Signal<Local, Bits<7>>,
    br_taken: Signal<Local, Bit>,
    ex_done: Signal<Local, Bit>,
    we_x: Signal<Local, Bit>,
    wdata_x: Signal<Local, Bits<256>>,
    finish: Signal<Local, Bit>,
    finish_code: Signal<Local, Bits<4>>,
    issue: Signal<Local, Bit>,
    ld_a0: Signal<Local, Bits<6>>,
    ld_a1: Signal<Local, Bits<6>>,
    ld_a2: Signal<Local, Bits<6>>,

    // ---- constants
    k_pc: Constant<Bits<256>>,
    k_lo: Constant<Bits<256>>,
    one256: Constant<Bits<256>>,
    zero256: Constant<Bits<256>>,
    k_watchdog: Constant<Bits<32>>,
    k_fault: Constant<Bits<4>>,
    k_nib7: Constant<Bits<7>>,
    one6: Constant<Bits<6>>,
    two6: Constant<Bits<6>>,
    four6: Constant<Bits<6>>,
    one7: Constant<Bits<7>>,
    one8: Constant<Bits<8>>,
    one10: Constant<Bits<10>>,
    one32: Constant<Bits<32>>,
    zero4: Constant<Bits<4>>,
    zero6: Constant<Bits<6>>,
    zero7: Constant<Bits<7>>,
    zero8: Constant<Bits<8>>,
    zero10: Constant<Bits<10>>,
    zero32: Constant<Bits<32>>,
}

impl Logic for EcdsaSequencer {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, running, done_r, code_r, cycles_r, pc, bubble, ex_valid, ex_first, ex_op,
            ex_d, ex_target, ex_cond, ex_stride, f_eq, f_lt, f_c, f_od, f_wz, lc, w, ix
        );
        self.rf.clock.next = self.clock.val();
        self.ucode.clock.next = self.clock.val();

        // ================= EX stage operands =================
        self.opa.next = self.rf.rd_a.val();
        self.opb.next = self.rf.rd_b.val();

        // ================= ALU =================
        // Two 256-bit adders serve ADD SUB ADDP SUBP MOV CMP (no widening: see module doc).
        // With S = all ones for subtraction (SUB SUBP CMP) and a' = a ^ S, b' = b (0 for MOV):
        //   s1 = (a' + b') ^ S          = a + b, or a - b because a - b = ~(~a + b)
        //   s2 = (a' + b' + Kc) ^ S     Kc = 2^256 - p: a + b - p, or ~(~a + b + Kc) = a - b + p
        // The carry out of a' + b' is the ADD carry and, for S = 1, the borrow of a - b. s2 is
        // one carry-save level (nonzero only in Kc's 33 low bits) and one adder.
        // Carry-outs come from the high-half sums, plus for s2 the carry the carry-save level
        // shifted out of bit 255.
        self.is_sub.next = self.ex_op.q.val().get_bit(3)
            || self.ex_op.q.val().get_bit(9)
            || self.ex_op.q.val().get_bit(10);
        self.smask.next = self.zero256.val();
        if self.is_sub.val() {
            self.smask.next = !self.zero256.val();
        }
        self.ax.next = self.opa.val() ^ self.smask.val();
        self.bx.next = self.opb.val();
        if self.ex_op.q.val().get_bit(7) {
            self.bx.next = self.zero256.val();
        }
        // Carry-select at bit 128 (timing: 33 instead of 65 CARRY4 in series). All values are
        // 256-bit vectors with zero upper halves, so yosys trims the adders to ~130 bits and no
        // rust-hdl widening is needed: hi1 = ((2x+1) + (2y+1)) >> 1 = x + y + 1.
        self.s1_lo.next = (self.ax.val() & self.k_lo.val()) + (self.bx.val() & self.k_lo.val());
        self.s1_h0.next = (self.ax.val() >> 128) + (self.bx.val() >> 128);
        self.s1_h1.next = ((self.ax.val() >> 128) << 1 | self.one256.val())
            + ((self.bx.val() >> 128) << 1 | self.one256.val());
        self.s1_hi.next = self.s1_h0.val();
        self.full1.next = self.s1_h0.val().get_bit(128);
        if self.s1_lo.val().get_bit(128) {
            self.s1_hi.next = self.s1_h1.val() >> 1;
            self.full1.next = self.s1_h1.val().get_bit(129);
        }
        self.s1.next = (self.s1_hi.val() << 128) | (self.s1_lo.val() & self.k_lo.val());
        self.c_x.next = self.ax.val() ^ self.bx.val() ^ self.k_pc.val();
        self.c_m.next = (self.ax.val() & self.bx.val())
            | (self.ax.val() & self.k_pc.val())
            | (self.bx.val() & self.k_pc.val());
        self.c_y.next = self.c_m.val() << 1;
        self.s2_lo.next = (self.c_x.val() & self.k_lo.val()) + (self.c_y.val() & self.k_lo.val());
        self.s2_h0.next = (self.c_x.val() >> 128) + (self.c_y.val() >> 128);
        self.s2_h1.next = ((self.c_x.val() >> 128) << 1 | self.one256.val())
            + ((self.c_y.val() >> 128) << 1 | self.one256.val());
        self.s2_hi.next = self.s2_h0.val();
        self.full2.next = self.c_m.val().get_bit(255) || self.s2_h0.val().get_bit(128);
        if self.s2_lo.val().get_bit(128) {
            self.s2_hi.next = self.s2_h1.val() >> 1;
            self.full2.next = self.c_m.val().get_bit(255) || self.s2_h1.val().get_bit(129);
        }
        self.s2.next = (self.s2_hi.val() << 128) | (self.s2_lo.val() & self.k_lo.val());
        // ADDP: a + b >= p iff s2 carried out; SUBP: a < b iff s1 carried out (borrow).
        self.alu_s.next = self.s1.val();
        if (self.ex_op.q.val().get_bit(2) && self.full2.val())
            || (self.ex_op.q.val().get_bit(3) && self.full1.val())
        {
            self.alu_s.next = self.s2.val();
        }
        self.alu_r.next = self.alu_s.val() ^ self.smask.val();
        // WIN: nibble LC of operand A by a binary mux tree on LC[5:0]; 0 when LC >= 64.
        self.ws128.next = self.opa.val().get_bits::<128>(0);
        if self.lc.q.val().get_bit(5) {
            self.ws128.next = self.opa.val().get_bits::<128>(128);
        }
        self.ws64.next = self.ws128.val().get_bits::<64>(0);
        if self.lc.q.val().get_bit(4) {
            self.ws64.next = self.ws128.val().get_bits::<64>(64);
        }
        self.ws32.next = self.ws64.val().get_bits::<32>(0);
        if self.lc.q.val().get_bit(3) {
            self.ws32.next = self.ws64.val().get_bits::<32>(32);
        }
        self.ws16.next = self.ws32.val().get_bits::<16>(0);
        if self.lc.q.val().get_bit(2) {
            self.ws16.next = self.ws32.val().get_bits::<16>(16);
        }
        self.ws8.next = self.ws16.val().get_bits::<8>(0);
        if self.lc.q.val().get_bit(1) {
            self.ws8.next = self.ws16.val().get_bits::<8>(8);
        }
        self.ws8s.next = self.ws8.val() >> 4;
        // W as a 7-bit value: the selected byte shifted down by 4 or not, masked to a nibble.
        self.win_w7.next = self.ws8.val().get_bits::<7>(0) & self.k_nib7.val();
        if self.lc.q.val().get_bit(0) {
            self.win_w7.next = self.ws8s.val().get_bits::<7>(0) & self.k_nib7.val();
        }
        if self.lc.q.val().get_bit(7) || self.lc.q.val().get_bit(6) {
            self.win_w7.next = self.zero7.val();
        }
        // I = (W - 1) * stride, stride in 0..3; 0 when W = 0.
        self.win_wm1.next = self.win_w7.val() - self.one7.val();
        self.win_i.next = self.zero7.val();
        if self.ex_stride.q.val().get_bit(0) {
            self.win_i.next = self.win_wm1.val();
        }
        if self.ex_stride.q.val().get_bit(1) {
            self.win_i.next = (self.win_wm1.val() << 1) + self.win_i.val();
        }
        if !self.win_w7.val().any() {
            self.win_i.next = self.zero7.val();
        }
        // BR condition (one-hot cond register against the registered flags).
        self.br_taken.next = (self.ex_cond.q.val().get_bit(0) && self.f_eq.q.val())
            || (self.ex_cond.q.val().get_bit(1) && !self.f_eq.q.val())
            || (self.ex_cond.q.val().get_bit(2) && self.f_lt.q.val())
            || (self.ex_cond.q.val().get_bit(3) && !self.f_lt.q.val())
            || (self.ex_cond.q.val().get_bit(4) && self.f_c.q.val())
            || (self.ex_cond.q.val().get_bit(5) && !self.f_c.q.val())
            || (self.ex_cond.q.val().get_bit(6) && self.f_od.q.val())
            || (self.ex_cond.q.val().get_bit(7) && !self.f_od.q.val())
            || (self.ex_cond.q.val().get_bit(8) && self.f_wz.q.val())
            || (self.ex_cond.q.val().get_bit(9) && !self.f_wz.q.val());

        // ================= EX stage =================
        // ex_op is one-hot in ISA numbering: 1 MULP 2 ADDP 3 SUBP 4 MULN (5, 6 reserved) 7 MOV
        // 8 ADD 9 SUB 10 CMP 11 ODD 12 WIN 16 BR.
        self.pc_inc.next = self.pc.q.val() + self.one10.val();
        self.next_pc.next = self.pc.q.val();
        self.ex_done.next = true;
        self.we_x.next = false;
        self.wdata_x.next = self.alu_r.val();
        self.finish.next = false;
        self.finish_code.next = self.k_fault.val();
        self.mul_start.next = false;
        self.mul_a.next = self.opa.val();
        self.mul_b.next = self.opb.val();
        self.mul_modn.next = self.ex_op.q.val().get_bit(4);
        if self.ex_valid.q.val() {
            if self.ex_op.q.val().get_bit(1) || self.ex_op.q.val().get_bit(4) {
                self.mul_start.next = self.ex_first.q.val();
                self.wdata_x.next = self.mul_result.val();
                if self.mul_done.val() && !self.ex_first.q.val() {
                    self.we_x.next = true;
                } else {
                    self.ex_done.next = false;
                }
            }
            // ADDP SUBP MOV ADD SUB write the ALU result.
            if self.ex_op.q.val().get_bit(2)
                || self.ex_op.q.val().get_bit(3)
                || self.ex_op.q.val().get_bit(7)
                || self.ex_op.q.val().get_bit(8)
                || self.ex_op.q.val().get_bit(9)
            {
                self.we_x.next = true;
            }
            if self.ex_op.q.val().get_bit(8) || self.ex_op.q.val().get_bit(9) {
                self.f_c.d.next = self.full1.val();
            }
            if self.ex_op.q.val().get_bit(10) {
                self.f_eq.d.next = self.opa.val() == self.opb.val();
                self.f_lt.d.next = self.full1.val();
            }
            if self.ex_op.q.val().get_bit(11) {
                self.f_od.d.next = self.opa.val().get_bit(0);
            }
            if self.ex_op.q.val().get_bit(12) {
                self.w.d.next = self.win_w7.val().get_bits::<4>(0);
                self.ix.d.next = self.win_i.val();
                self.f_wz.d.next = !self.win_w7.val().any();
            }
            if self.ex_op.q.val().get_bit(16) {
                self.next_pc.next = self.pc_inc.val();
                if self.br_taken.val() {
                    self.next_pc.next = self.ex_target.q.val();
                }
            }
        }
        if self.ex_done.val() {
            self.ex_valid.d.next = false;
        }
        self.ex_first.d.next = false;

        // ================= register-file write port =================
        self.ld_a0.next = self.zero6.val();
        if self.load_sel.val().get_bit(0) {
            self.ld_a0.next = self.one6.val();
        }
        self.ld_a1.next = self.zero6.val();
        if self.load_sel.val().get_bit(1) {
            self.ld_a1.next = self.two6.val();
        }
        self.ld_a2.next = self.zero6.val();
        if self.load_sel.val().get_bit(2) {
            self.ld_a2.next = self.four6.val();
        }
        self.rf.we.next = self.we_x.val() && self.running.q.val();
        self.rf.waddr.next = self.ex_d.q.val();
        self.rf.wdata.next = self.wdata_x.val();
        if !self.running.q.val() {
            self.rf.we.next = self.load_en.val();
            self.rf.waddr.next = self.ld_a0.val() | self.ld_a1.val() | self.ld_a2.val();
            self.rf.wdata.next = self.load_data.val();
        }
        self.dbg_we.next = self.we_x.val() && self.running.q.val();
        self.dbg_waddr.next = self.ex_d.q.val();
        self.dbg_wdata.next = self.wdata_x.val();

        // ================= RD stage =================
        self.ir.next = self.ucode.data.val().get_bits::<32>(0);
        self.dec.next = self.ucode.data.val().get_bits::<18>(32);
        self.cdec.next = self.ucode.data.val().get_bits::<10>(50);
        self.addr_a.next = self.ir.val().get_bits::<7>(14);
        if self.ir.val().get_bit(6) {
            self.addr_a.next = self.ir.val().get_bits::<7>(14) + self.ix.q.val();
        }
        self.addr_b.next = self.ir.val().get_bits::<7>(7);
        if self.ir.val().get_bit(5) {
            self.addr_b.next = self.ir.val().get_bits::<7>(7) + self.ix.q.val();
        }
        self.rf.ra.next = self.addr_a.val();
        self.rf.rb.next = self.addr_b.val();
        self.rf.re.next = false;

        self.issue.next = self.running.q.val() && self.ex_done.val() && !self.bubble.q.val();
        self.bubble.d.next = false;
        if self.issue.val() {
            // Data instructions (opcodes 1..=12): read the operands, enter EX.
            if self.dec.val().get_bits::<12>(1).any() {
                self.rf.re.next = true;
                self.ex_valid.d.next = true;
                self.ex_first.d.next = true;
                self.ex_op.d.next = self.dec.val();
                self.ex_d.d.next = self.ir.val().get_bits::<6>(21);
                self.ex_stride.d.next = self.ir.val().get_bits::<2>(0);
                self.next_pc.next = self.pc_inc.val();
                if self.dec.val().get_bit(12) {
                    self.bubble.d.next = true;
                }
            }
            // NOP
            if self.dec.val().get_bit(0) {
                self.next_pc.next = self.pc_inc.val();
            }
            // LDLC
            if self.dec.val().get_bit(13) {
                self.lc.d.next = self.ir.val().get_bits::<8>(0);
                self.next_pc.next = self.pc_inc.val();
            }
            // DJNZ
            if self.dec.val().get_bit(14) {
                if self.lc.q.val().any() {
                    self.lc.d.next = self.lc.q.val() - self.one8.val();
                    self.next_pc.next = self.ir.val().get_bits::<10>(0);
                } else {
                    self.next_pc.next = self.pc_inc.val();
                }
            }
            // JMP
            if self.dec.val().get_bit(15) {
                self.next_pc.next = self.ir.val().get_bits::<10>(0);
            }
            // BR: decided in EX from the registered flags; the next cycle is a bubble.
            if self.dec.val().get_bit(16) {
                if self.cdec.val().any() {
                    self.ex_valid.d.next = true;
                    self.ex_op.d.next = self.dec.val();
                    self.ex_cond.d.next = self.cdec.val();
                    self.ex_target.d.next = self.ir.val().get_bits::<10>(0);
                    self.bubble.d.next = true;
                } else {
                    self.finish.next = true;
                }
            }
            // HALT
            if self.dec.val().get_bit(17) {
                self.finish.next = true;
                self.finish_code.next = self.ir.val().get_bits::<4>(0);
            }
            // Illegal opcode.
            if !self.dec.val().any() {
                self.finish.next = true;
            }
        }

        // ================= job control =================
        if self.running.q.val() {
            self.cycles_r.d.next = self.cycles_r.q.val() + self.one32.val();
            if self.cycles_r.q.val() == self.k_watchdog.val() {
                self.finish.next = true;
                self.finish_code.next = self.k_fault.val();
            }
        }
        self.done_r.d.next = false;
        if self.finish.val() {
            self.running.d.next = false;
            self.done_r.d.next = true;
            self.code_r.d.next = self.finish_code.val();
            self.ex_valid.d.next = false;
        }
        if !self.running.q.val() && self.start.val() {
            self.running.d.next = true;
            self.next_pc.next = self.zero10.val();
            self.cycles_r.d.next = self.zero32.val();
            self.bubble.d.next = false;
            self.ex_valid.d.next = false;
            self.ex_first.d.next = false;
            self.f_eq.d.next = false;
            self.f_lt.d.next = false;
            self.f_c.d.next = false;
            self.f_od.d.next = false;
            self.f_wz.d.next = false;
            self.lc.d.next = self.zero8.val();
            self.w.d.next = self.zero4.val();
            self.ix.d.next = self.zero7.val();
        }
        if self.reset.val() {
            self.running.d.next = false;
            self.done_r.d.next = false;
            self.code_r.d.next = self.zero4.val();
            self.cycles_r.d.next = self.zero32.val();
            self.ex_valid.d.next = false;
            self.next_pc.next = self.zero10.val();
        }
        self.pc.d.next = self.next_pc.val();
        self.ucode.address.next = self.next_pc.val();

        self.busy.next = self.running.q.val();
        self.done.next = self.done_r.q.val();
        self.code.next = self.code_r.q.val();
        self.cycles.next = self.cycles_r.q.val();
        self.dbg_pc.next = self.pc.q.val();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequencer_predecode() {
        assert_eq!(predecode(0) >> 32 & 0x3FFFF, 1); // NOP
        assert_eq!(predecode(17 << 27) >> 32 & 0x3FFFF, 1 << 17); // HALT
        assert_eq!(predecode(18 << 27) >> 32 & 0x3FFFF, 0); // illegal
        let br_cond9 = (16u32 << 27) | (9 << 23);
        assert_eq!(predecode(br_cond9) >> 50, 1 << 9);
        let br_cond10 = (16u32 << 27) | (10 << 23);
        assert_eq!(predecode(br_cond10) >> 50, 0);
    }

    #[test]
    fn sequencer_generates_verilog() {
        let mut uut = EcdsaSequencer::new(&[0x8800_0000], &[[0, 0, 0, 0], [1, 0, 0, 0]]);
        uut.connect_all();
        let v = generate_verilog(&uut);
        assert!(v.contains("module top("));
        // The sequencer with the real verify program, for yosys (README-rtl.md).
        if let Ok(path) = std::env::var("SATCHAIN_DUMP_SEQ_VERILOG") {
            let words = super::super::program::verify_program().words;
            let mut uut = EcdsaSequencer::new(&words, &super::super::engine::const_rom_limbs());
            uut.connect_all();
            std::fs::write(path, generate_verilog(&uut)).unwrap();
        }
    }
}
