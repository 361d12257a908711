//! `EngineCdc`: an [`EcdsaEngine`] in its own clock domain, behind a clock-domain crossing
//! with the same host-side ports as the engine itself.
//!
//! Why: the hash cluster, the register block and the AXI port close timing at the bus clock
//! (150 MHz projected: logic depth 15-16), the engine's longest path (ModMul's final 257-bit
//! reduction, logic depth ~75) does not. One clock for both would hold the whole top to the
//! engine's speed; two clocks let each run at what its logic supports. The two clocks may be
//! unrelated (any ratio, any phase): every signal that crosses is either synchronized
//! through two flip-flops or held stable by a handshake while the other side samples it.
//!
//! Host side (`clock`, the bus domain) — the engine's own contract, so the top is unchanged:
//! `reset`; `load_en`/`load_sel` (0..5)/`load_data` write operand staging registers R0..R5
//! while not busy; `start` (one cycle) runs the job; `busy`; `done` (one bus-clock pulse) with
//! `code` and `cycles` (engine-clock cycles of the job) valid then and held until the next
//! job ends. A `start` while the previous job's handshake is still closing is remembered and
//! issued when it has closed.
//!
//! Crossing (four-phase handshake, level signals only):
//! 1. bus: staging written, `start` -> `req` = 1 (staging is not written again until `done`:
//!    the top loads an engine only after it has collected its result).
//! 2. engine: `req` synchronized -> loads R0..R5 from the staging registers (quasi-static:
//!    unchanged since before `req` rose), starts the engine, waits for its `done`, then
//!    `ack` = 1. The engine holds `code` and `cycles` from then on.
//! 3. bus: `ack` synchronized -> `done` pulse (the top reads `code`/`cycles`, stable for at
//!    least two bus cycles by then), `req` = 0.
//! 4. engine: `req` low -> `ack` = 0; bus: `ack` low -> idle.
//!
//! Reset: a bus-side reset (also the one-cycle soft reset) sets `rst_hold`, which stays high
//! until the engine domain has seen it (`rst_ack` synchronized back), so a reset pulse shorter
//! than an engine clock period is never lost. The engine domain resets its state and the
//! engine while the synchronized `rst_hold` is high. The bus side reports `busy` and issues
//! no request until the reset handshake has closed. Because the handshake is level-based, a
//! request raised while the engine still processes the reset is simply served after it.
//!
//! For the Vivado flow: the two clocks are asynchronous clock groups; the staging registers
//! -> engine load data and the engine's `code`/`cycles` -> bus side are quasi-static paths
//! (`set_max_delay -datapath_only` of one engine-clock period in `bitstreams/vivado`).
//!
//! rust-hdl note: a block with two clocks is plain rust-hdl — every `DFF` gets its clock
//! assigned explicitly (`dff_setup!` covers the bus-domain ones, the engine-domain ones are
//! clocked from `eclock` by hand below).

use super::engine::EcdsaEngine;
use rust_hdl::prelude::*;

/// The engine behind a clock-domain crossing (see the module documentation).
#[derive(LogicBlock)]
pub struct EngineCdc {
    /// Bus clock (host side).
    pub clock: Signal<In, Clock>,
    /// Engine clock.
    pub eclock: Signal<In, Clock>,
    /// Bus-side synchronous reset, active high.
    pub reset: Signal<In, Bit>,
    pub load_en: Signal<In, Bit>,
    pub load_sel: Signal<In, Bits<3>>,
    pub load_data: Signal<In, Bits<256>>,
    pub start: Signal<In, Bit>,
    pub busy: Signal<Out, Bit>,
    pub done: Signal<Out, Bit>,
    pub code: Signal<Out, Bits<4>>,
    pub cycles: Signal<Out, Bits<32>>,
    eng: EcdsaEngine,
    // ---- bus domain
    stg: [DFF<Bits<256>>; 6],
    req: DFF<Bit>,
    pend: DFF<Bit>,
    ack_s1: DFF<Bit>,
    ack_s2: DFF<Bit>,
    rst_hold: DFF<Bit>,
    rack_s1: DFF<Bit>,
    rack_s2: DFF<Bit>,
    // ---- engine domain
    req_e1: DFF<Bit>,
    req_e2: DFF<Bit>,
    rst_e1: DFF<Bit>,
    rst_e2: DFF<Bit>,
    rst_ack: DFF<Bit>,
    loading: DFF<Bit>,
    kick: DFF<Bit>,
    running: DFF<Bit>,
    lcnt: DFF<Bits<3>>,
    ack: DFF<Bit>,
    // ---- combinational
    m01: Signal<Local, Bits<256>>,
    m23: Signal<Local, Bits<256>>,
    m45: Signal<Local, Bits<256>>,
    m03: Signal<Local, Bits<256>>,
    idle: Signal<Local, Bit>,
    lcnt1: Signal<Local, Bits<3>>,
    k_zero3: Constant<Bits<3>>,
    k_one3: Constant<Bits<3>>,
    k_five3: Constant<Bits<3>>,
}

impl EngineCdc {
    /// An engine running `program` behind the crossing.
    pub fn new(program: &[u32]) -> Self {
        Self {
            clock: Default::default(),
            eclock: Default::default(),
            reset: Default::default(),
            load_en: Default::default(),
            load_sel: Default::default(),
            load_data: Default::default(),
            start: Default::default(),
            busy: Default::default(),
            done: Default::default(),
            code: Default::default(),
            cycles: Default::default(),
            eng: EcdsaEngine::new(program),
            stg: Default::default(),
            req: Default::default(),
            pend: Default::default(),
            ack_s1: Default::default(),
            ack_s2: Default::default(),
            rst_hold: Default::default(),
            rack_s1: Default::default(),
            rack_s2: Default::default(),
            req_e1: Default::default(),
            req_e2: Default::default(),
            rst_e1: Default::default(),
            rst_e2: Default::default(),
            rst_ack: Default::default(),
            loading: Default::default(),
            kick: Default::default(),
            running: Default::default(),
            lcnt: Default::default(),
            ack: Default::default(),
            m01: Default::default(),
            m23: Default::default(),
            m45: Default::default(),
            m03: Default::default(),
            idle: Default::default(),
            lcnt1: Default::default(),
            k_zero3: Constant::new(0u64.into()),
            k_one3: Constant::new(1u64.into()),
            k_five3: Constant::new(5u64.into()),
        }
    }
}

impl Logic for EngineCdc {
    #[hdl_gen]
    fn update(&mut self) {
        // ================= bus domain =================
        dff_setup!(self, clock, req, pend, ack_s1, ack_s2, rst_hold, rack_s1, rack_s2);
        for i in 0..6 {
            self.stg[i].clock.next = self.clock.val();
            self.stg[i].d.next = self.stg[i].q.val();
        }
        // Two-flip-flop synchronizers of the engine domain's levels.
        self.ack_s1.d.next = self.ack.q.val();
        self.ack_s2.d.next = self.ack_s1.q.val();
        self.rack_s1.d.next = self.rst_ack.q.val();
        self.rack_s2.d.next = self.rack_s1.q.val();

        // Operand staging (the top writes it only while this engine is not busy).
        for i in 0..6 {
            if self.load_en.val() & (self.load_sel.val().index() == i) {
                self.stg[i].d.next = self.load_data.val();
            }
        }
        // Handshake.
        self.idle.next = !self.req.q.val()
            & !self.ack_s2.q.val()
            & !self.rst_hold.q.val()
            & !self.rack_s2.q.val();
        self.done.next = false;
        if self.req.q.val() & self.ack_s2.q.val() {
            self.done.next = true;
            self.req.d.next = false;
        }
        if self.start.val() | self.pend.q.val() {
            if self.idle.val() {
                self.req.d.next = true;
                self.pend.d.next = false;
            } else {
                self.pend.d.next = true;
            }
        }
        // Reset handshake: held until the engine domain acknowledges it.
        if self.rst_hold.q.val() & self.rack_s2.q.val() {
            self.rst_hold.d.next = false;
        }
        if self.reset.val() {
            self.rst_hold.d.next = true;
            self.req.d.next = false;
            self.pend.d.next = false;
        }
        self.busy.next = !self.idle.val() | self.pend.q.val();
        self.code.next = self.eng.code.val();
        self.cycles.next = self.eng.cycles.val();

        // ================= engine domain =================
        self.req_e1.clock.next = self.eclock.val();
        self.req_e2.clock.next = self.eclock.val();
        self.rst_e1.clock.next = self.eclock.val();
        self.rst_e2.clock.next = self.eclock.val();
        self.rst_ack.clock.next = self.eclock.val();
        self.loading.clock.next = self.eclock.val();
        self.kick.clock.next = self.eclock.val();
        self.running.clock.next = self.eclock.val();
        self.lcnt.clock.next = self.eclock.val();
        self.ack.clock.next = self.eclock.val();
        self.eng.clock.next = self.eclock.val();

        self.req_e1.d.next = self.req.q.val();
        self.req_e2.d.next = self.req_e1.q.val();
        self.rst_e1.d.next = self.rst_hold.q.val();
        self.rst_e2.d.next = self.rst_e1.q.val();
        self.rst_ack.d.next = self.rst_e2.q.val();
        self.eng.reset.next = self.rst_e2.q.val();

        self.loading.d.next = self.loading.q.val();
        self.kick.d.next = false;
        self.running.d.next = self.running.q.val();
        self.lcnt.d.next = self.lcnt.q.val();
        self.ack.d.next = self.ack.q.val();
        self.lcnt1.next = self.lcnt.q.val() + self.k_one3.val();

        self.eng.load_en.next = false;
        self.eng.load_sel.next = self.lcnt.q.val();
        // R[lcnt] as a balanced tree on the bits of lcnt (a `match` becomes a chain of five
        // 2:1 multiplexers per bit in yosys, ~5 LUTs per bit; the tree is ~2).
        self.m01.next = self.stg[0].q.val();
        if self.lcnt.q.val().get_bit(0) {
            self.m01.next = self.stg[1].q.val();
        }
        self.m23.next = self.stg[2].q.val();
        if self.lcnt.q.val().get_bit(0) {
            self.m23.next = self.stg[3].q.val();
        }
        self.m45.next = self.stg[4].q.val();
        if self.lcnt.q.val().get_bit(0) {
            self.m45.next = self.stg[5].q.val();
        }
        self.m03.next = self.m01.val();
        if self.lcnt.q.val().get_bit(1) {
            self.m03.next = self.m23.val();
        }
        self.eng.load_data.next = self.m03.val();
        if self.lcnt.q.val().get_bit(2) {
            self.eng.load_data.next = self.m45.val();
        }
        self.eng.start.next = false;

        if self.loading.q.val() {
            // R0..R5, one per engine clock, then start.
            self.eng.load_en.next = true;
            self.lcnt.d.next = self.lcnt1.val();
            if self.lcnt.q.val() == self.k_five3.val() {
                self.loading.d.next = false;
                self.kick.d.next = true;
            }
        } else if self.kick.q.val() {
            // One cycle after the last load: start (the engine is idle here).
            self.eng.start.next = true;
            self.running.d.next = true;
        } else if self.running.q.val() {
            if self.eng.done.val() {
                self.running.d.next = false;
                self.ack.d.next = true;
            }
        } else if self.ack.q.val() {
            if !self.req_e2.q.val() {
                self.ack.d.next = false;
            }
        } else if self.req_e2.q.val() {
            self.loading.d.next = true;
            self.lcnt.d.next = self.k_zero3.val();
        }
        if self.rst_e2.q.val() {
            self.loading.d.next = false;
            self.kick.d.next = false;
            self.running.d.next = false;
            self.ack.d.next = false;
            self.lcnt.d.next = self.k_zero3.val();
            self.eng.start.next = false;
            self.eng.load_en.next = false;
        }
    }
}
