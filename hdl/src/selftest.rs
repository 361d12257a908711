//! A small block whose only purpose is to test the Verilator harness in `verif`: it has ports of
//! width 1, 16, 40 and 256 bits, a counter and a registered wide path, so the harness's port
//! table, shim and clocking are checked against known behaviour.

use rust_hdl::prelude::*;

/// Harness self-test block: `wide_out` = `wide_in` one clock later, `q_out` = !`q_in`
/// (combinational), `count` increments every clock.
#[derive(LogicBlock)]
pub struct HarnessSelftest {
    pub clock: Signal<In, Clock>,
    pub wide_in: Signal<In, Bits<256>>,
    pub wide_out: Signal<Out, Bits<256>>,
    pub q_in: Signal<In, Bits<40>>,
    pub q_out: Signal<Out, Bits<40>>,
    pub flag_in: Signal<In, Bit>,
    pub flag_out: Signal<Out, Bit>,
    pub count: Signal<Out, Bits<16>>,
    one: Constant<Bits<16>>,
    wide_reg: DFF<Bits<256>>,
    cnt: DFF<Bits<16>>,
}

impl Logic for HarnessSelftest {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, wide_reg, cnt);
        self.wide_reg.d.next = self.wide_in.val();
        self.wide_out.next = self.wide_reg.q.val();
        self.cnt.d.next = self.cnt.q.val() + self.one.val();
        self.count.next = self.cnt.q.val();
        self.q_out.next = !self.q_in.val();
        self.flag_out.next = !self.flag_in.val();
    }
}

impl Default for HarnessSelftest {
    fn default() -> Self {
        HarnessSelftest {
            clock: Default::default(),
            wide_in: Default::default(),
            wide_out: Default::default(),
            q_in: Default::default(),
            q_out: Default::default(),
            flag_in: Default::default(),
            flag_out: Default::default(),
            count: Default::default(),
            one: Constant::new(1.into()),
            wide_reg: Default::default(),
            cnt: Default::default(),
        }
    }
}

/// The harness self-test in the block catalogue (a Verilator model, not synthesized).
pub const BLOCKS: &[crate::catalog::Block] = &[crate::catalog::Block {
    name: "harness_selftest",
    doc: "HarnessSelftest: ports of 1, 16, 40 and 256 bits for the Verilator harness's own test",
    domain: crate::catalog::Domain::Test,
    clock: "clock",
    synth: false,
    sim: true,
    verilog: || Some(crate::prim::verilog_of(HarnessSelftest::default())),
}];
