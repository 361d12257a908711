//! `RegBlock`: the AXI4-Lite slave of the accelerator, generated from the register map.
//!
//! Rust code walks `satchain_regmap::REGISTERS` to build the decode: one offset comparator per
//! register (`offs[i]`), one read mask per register (`rmask[i]`: all ones when readable, zero
//! for write-only registers, so WO registers read as 0 by construction), and the "address is
//! mapped" term (OR of the hits). An access to an unmapped address completes with SLVERR and
//! pulses `bad_addr` (the top latches `ErrorCode::BadAddress`). Adding a register to the map
//! changes this decode automatically; its semantics live in `top.rs`, and the register-walk
//! test in verif fails for a mapped register the top does not implement.
//!
//! Protocol: a write is accepted when AW and W are both valid and no write response is
//! pending (`awready = wready = awvalid & wvalid & !bvalid`); the response follows in the next
//! cycle. A read is accepted when no read response is pending; `rdata` is registered. A write
//! with `wstrb == 0` writes nothing (AXI: no byte enabled); any other strobe pattern writes
//! the whole word (registers are not byte-addressable).
//!
//! Towards the top: `wr_stb` (one cycle per accepted write, with `wr_addr`, `wr_data`, only
//! for mapped addresses), `rd_addr` (address of the read being accepted; reads have no side
//! effects) and `rd_data` (the top's combinational value for `rd_addr`).
use rust_hdl::prelude::*;
use satchain_regmap::{Access, REGISTERS};

/// Number of registers in the map.
pub const NREG: usize = REGISTERS.len();

/// AXI4-Lite slave and map decode.
#[derive(LogicBlock)]
pub struct RegBlock {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    pub s_axi_awaddr: Signal<In, Bits<8>>,
    pub s_axi_awvalid: Signal<In, Bit>,
    pub s_axi_awready: Signal<Out, Bit>,
    pub s_axi_wdata: Signal<In, Bits<32>>,
    pub s_axi_wstrb: Signal<In, Bits<4>>,
    pub s_axi_wvalid: Signal<In, Bit>,
    pub s_axi_wready: Signal<Out, Bit>,
    pub s_axi_bresp: Signal<Out, Bits<2>>,
    pub s_axi_bvalid: Signal<Out, Bit>,
    pub s_axi_bready: Signal<In, Bit>,
    pub s_axi_araddr: Signal<In, Bits<8>>,
    pub s_axi_arvalid: Signal<In, Bit>,
    pub s_axi_arready: Signal<Out, Bit>,
    pub s_axi_rdata: Signal<Out, Bits<32>>,
    pub s_axi_rresp: Signal<Out, Bits<2>>,
    pub s_axi_rvalid: Signal<Out, Bit>,
    pub s_axi_rready: Signal<In, Bit>,
    /// One cycle: a write to a mapped address (`wr_addr`, `wr_data`).
    pub wr_stb: Signal<Out, Bit>,
    pub wr_addr: Signal<Out, Bits<8>>,
    pub wr_data: Signal<Out, Bits<32>>,
    /// Address of the read being accepted (reads have no side effects).
    pub rd_addr: Signal<Out, Bits<8>>,
    /// The top's value of the register at `rd_addr` (combinational).
    pub rd_data: Signal<In, Bits<32>>,
    /// One cycle: an access to an unmapped address was answered with SLVERR.
    pub bad_addr: Signal<Out, Bit>,
    offs: [Constant<Bits<8>>; NREG],
    rmask: [Constant<Bits<32>>; NREG],
    whit: [Signal<Local, Bit>; NREG],
    rhit: [Signal<Local, Bit>; NREG],
    wmapped: Signal<Local, Bit>,
    rmapped: Signal<Local, Bit>,
    rsel_mask: Signal<Local, Bits<32>>,
    waccept: Signal<Local, Bit>,
    raccept: Signal<Local, Bit>,
    bvalid: DFF<Bit>,
    bresp: DFF<Bits<2>>,
    rvalid: DFF<Bit>,
    rresp: DFF<Bits<2>>,
    rdata: DFF<Bits<32>>,
    okay: Constant<Bits<2>>,
    slverr: Constant<Bits<2>>,
    zero32: Constant<Bits<32>>,
}

/// The register block in the catalogue (`crate::catalog`): synthesized on its own; simulated
/// inside the top.
pub const BLOCKS: &[crate::catalog::Block] = &[crate::catalog::Block {
    name: "regblock",
    doc: "RegBlock: AXI4-Lite slave and register-map decode",
    domain: crate::catalog::Domain::Bus,
    clock: "clock",
    synth: true,
    sim: false,
    verilog: || Some(crate::prim::verilog_of(RegBlock::new())),
}];

impl Default for RegBlock {
    fn default() -> Self {
        Self::new()
    }
}

impl RegBlock {
    /// Builds the decode from the register map.
    pub fn new() -> Self {
        let offs: [Constant<Bits<8>>; NREG] =
            std::array::from_fn(|i| Constant::new(u64::from(REGISTERS[i].offset).into()));
        let rmask: [Constant<Bits<32>>; NREG] = std::array::from_fn(|i| {
            let m: u64 = match REGISTERS[i].access {
                Access::Wo => 0,
                Access::Ro | Access::Rw | Access::Rw1c => 0xFFFF_FFFF,
            };
            Constant::new(m.into())
        });
        Self {
            clock: Default::default(),
            reset: Default::default(),
            s_axi_awaddr: Default::default(),
            s_axi_awvalid: Default::default(),
            s_axi_awready: Default::default(),
            s_axi_wdata: Default::default(),
            s_axi_wstrb: Default::default(),
            s_axi_wvalid: Default::default(),
            s_axi_wready: Default::default(),
            s_axi_bresp: Default::default(),
            s_axi_bvalid: Default::default(),
            s_axi_bready: Default::default(),
            s_axi_araddr: Default::default(),
            s_axi_arvalid: Default::default(),
            s_axi_arready: Default::default(),
            s_axi_rdata: Default::default(),
            s_axi_rresp: Default::default(),
            s_axi_rvalid: Default::default(),
            s_axi_rready: Default::default(),
            wr_stb: Default::default(),
            wr_addr: Default::default(),
            wr_data: Default::default(),
            rd_addr: Default::default(),
            rd_data: Default::default(),
            bad_addr: Default::default(),
            offs,
            rmask,
            whit: std::array::from_fn(|_| Default::default()),
            rhit: std::array::from_fn(|_| Default::default()),
            wmapped: Default::default(),
            rmapped: Default::default(),
            rsel_mask: Default::default(),
            waccept: Default::default(),
            raccept: Default::default(),
            bvalid: Default::default(),
            bresp: Default::default(),
            rvalid: Default::default(),
            rresp: Default::default(),
            rdata: Default::default(),
            okay: Constant::new(0u64.into()),
            slverr: Constant::new(2u64.into()),
            zero32: Constant::new(0u64.into()),
        }
    }
}

impl Logic for RegBlock {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, bvalid, bresp, rvalid, rresp, rdata);
        // Decode, one comparator per register of the map.
        self.wmapped.next = false;
        self.rmapped.next = false;
        self.rsel_mask.next = self.zero32.val();
        for i in 0..NREG {
            self.whit[i].next = self.s_axi_awaddr.val() == self.offs[i].val();
            self.rhit[i].next = self.s_axi_araddr.val() == self.offs[i].val();
            if self.whit[i].val() {
                self.wmapped.next = true;
            }
            if self.rhit[i].val() {
                self.rmapped.next = true;
                self.rsel_mask.next = self.rmask[i].val();
            }
        }
        // Write channel.
        self.waccept.next =
            self.s_axi_awvalid.val() & self.s_axi_wvalid.val() & !self.bvalid.q.val();
        self.s_axi_awready.next = self.waccept.val();
        self.s_axi_wready.next = self.waccept.val();
        self.wr_stb.next = self.waccept.val() & self.wmapped.val() & self.s_axi_wstrb.val().any();
        self.wr_addr.next = self.s_axi_awaddr.val();
        self.wr_data.next = self.s_axi_wdata.val();
        if self.waccept.val() {
            self.bvalid.d.next = true;
            self.bresp.d.next = self.okay.val();
            if !self.wmapped.val() {
                self.bresp.d.next = self.slverr.val();
            }
        } else if self.s_axi_bready.val() {
            self.bvalid.d.next = false;
        }
        self.s_axi_bvalid.next = self.bvalid.q.val();
        self.s_axi_bresp.next = self.bresp.q.val();
        // Read channel.
        self.raccept.next = self.s_axi_arvalid.val() & !self.rvalid.q.val();
        self.s_axi_arready.next = self.raccept.val();
        self.rd_addr.next = self.s_axi_araddr.val();
        if self.raccept.val() {
            self.rvalid.d.next = true;
            self.rdata.d.next = self.rd_data.val() & self.rsel_mask.val();
            self.rresp.d.next = self.okay.val();
            if !self.rmapped.val() {
                self.rresp.d.next = self.slverr.val();
            }
        } else if self.s_axi_rready.val() {
            self.rvalid.d.next = false;
        }
        self.s_axi_rvalid.next = self.rvalid.q.val();
        self.s_axi_rresp.next = self.rresp.q.val();
        self.s_axi_rdata.next = self.rdata.q.val();
        self.bad_addr.next =
            (self.waccept.val() & !self.wmapped.val()) | (self.raccept.val() & !self.rmapped.val());
        if self.reset.val() {
            self.bvalid.d.next = false;
            self.rvalid.d.next = false;
        }
    }
}
