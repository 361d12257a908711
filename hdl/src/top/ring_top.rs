//! `RingTop<UNITS, N>`: the accelerator with the verify-job DMA instead of the register-fed
//! ECDSA engines — the hash path ([`HashIngress`]), the ring path ([`VerifyIngress`]: the
//! `VerifyRing` and a `VerifyCore<N>` with the secp256k1 program built in), the global
//! registers and the AXI4-Lite register block, all on one clock (`clock`).
//!
//! Why a second top rather than a third child of [`AccelTop`](super::AccelTop): rust-hdl
//! cannot leave a child out of a block, and a `VerifyCore` cannot be instantiated with zero
//! clusters, so "engines or ring" is a choice of type. This is the shipped top (catalogue
//! block `top`, `super::ShippedTop`); the register-fed engines (`AccelTop`) are simulation
//! models now. Its `CAPS` reads `ECDSA_ENGINES` = 0 and `VERIFY_RING` = 1: the
//! `ECDSA_IN` / `ECDSA_RESULT` registers are not implemented here (they read 0), and a driver
//! reads CAPS before using either path.
//!
//! Ports: as `AccelTop` without `ecdsa_clock` (one clock: the core's longest path sets it),
//! plus the ring's AXI master `m1_axi_*` (read: job slots, write: verdict entries; one ID,
//! INCR bursts of 8-byte beats, at most 16 beats, never crossing 4 KiB), for a second
//! S_AXI_HP port of the PS.
use rust_hdl::prelude::*;
use satchain_regmap as rm;

use super::{caps_value, GlobalRegs, HashIngress, VerifyIngress};
use crate::regblock::RegBlock;
use crate::vcore::fmul::plan::PlanError;
use crate::vcore::su::model::SuModulus;

/// CAPS of a ring top with `units` SHA-256 units.
pub const fn ring_caps_value(units: u32) -> u32 {
    caps_value(units, 0) | rm::field::CAPS::VERIFY_RING.put(1)
}

/// The ring top (see the module documentation).
#[derive(LogicBlock)]
pub struct RingTop<const UNITS: usize, const N: usize> {
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
    pub irq: Signal<Out, Bit>,
    pub m_axi_araddr: Signal<Out, Bits<32>>,
    pub m_axi_arlen: Signal<Out, Bits<8>>,
    pub m_axi_arvalid: Signal<Out, Bit>,
    pub m_axi_arready: Signal<In, Bit>,
    pub m_axi_rdata: Signal<In, Bits<64>>,
    pub m_axi_rresp: Signal<In, Bits<2>>,
    pub m_axi_rvalid: Signal<In, Bit>,
    pub m_axi_rready: Signal<Out, Bit>,
    pub m1_axi_araddr: Signal<Out, Bits<32>>,
    pub m1_axi_arlen: Signal<Out, Bits<8>>,
    pub m1_axi_arvalid: Signal<Out, Bit>,
    pub m1_axi_arready: Signal<In, Bit>,
    pub m1_axi_rdata: Signal<In, Bits<64>>,
    pub m1_axi_rresp: Signal<In, Bits<2>>,
    pub m1_axi_rvalid: Signal<In, Bit>,
    pub m1_axi_rready: Signal<Out, Bit>,
    pub m1_axi_awaddr: Signal<Out, Bits<32>>,
    pub m1_axi_awlen: Signal<Out, Bits<8>>,
    pub m1_axi_awvalid: Signal<Out, Bit>,
    pub m1_axi_awready: Signal<In, Bit>,
    pub m1_axi_wdata: Signal<Out, Bits<64>>,
    pub m1_axi_wstrb: Signal<Out, Bits<8>>,
    pub m1_axi_wlast: Signal<Out, Bit>,
    pub m1_axi_wvalid: Signal<Out, Bit>,
    pub m1_axi_wready: Signal<In, Bit>,
    pub m1_axi_bresp: Signal<In, Bits<2>>,
    pub m1_axi_bvalid: Signal<In, Bit>,
    pub m1_axi_bready: Signal<Out, Bit>,
    rb: RegBlock,
    hash: HashIngress<UNITS>,
    vring: VerifyIngress<N>,
    regs: GlobalRegs,
    zero8: Constant<Bits<8>>,
}

impl<const UNITS: usize, const N: usize> RingTop<UNITS, N> {
    /// The top with a core of `N` clusters holding `rom`, `k` and `entries`, working modulo
    /// `md` (build it on a `fmul::BUILD_STACK` thread: [`ring_top_verilog`]).
    ///
    /// # Errors
    /// A FieldMul's plan does not build.
    pub fn new(
        md: &SuModulus,
        rom: &[Bits<72>],
        k: &[Bits<256>],
        entries: [u16; 2],
    ) -> Result<Self, PlanError> {
        Ok(Self {
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
            irq: Default::default(),
            m_axi_araddr: Default::default(),
            m_axi_arlen: Default::default(),
            m_axi_arvalid: Default::default(),
            m_axi_arready: Default::default(),
            m_axi_rdata: Default::default(),
            m_axi_rresp: Default::default(),
            m_axi_rvalid: Default::default(),
            m_axi_rready: Default::default(),
            m1_axi_araddr: Default::default(),
            m1_axi_arlen: Default::default(),
            m1_axi_arvalid: Default::default(),
            m1_axi_arready: Default::default(),
            m1_axi_rdata: Default::default(),
            m1_axi_rresp: Default::default(),
            m1_axi_rvalid: Default::default(),
            m1_axi_rready: Default::default(),
            m1_axi_awaddr: Default::default(),
            m1_axi_awlen: Default::default(),
            m1_axi_awvalid: Default::default(),
            m1_axi_awready: Default::default(),
            m1_axi_wdata: Default::default(),
            m1_axi_wstrb: Default::default(),
            m1_axi_wlast: Default::default(),
            m1_axi_wvalid: Default::default(),
            m1_axi_wready: Default::default(),
            m1_axi_bresp: Default::default(),
            m1_axi_bvalid: Default::default(),
            m1_axi_bready: Default::default(),
            rb: RegBlock::new(),
            hash: HashIngress::new(),
            vring: VerifyIngress::new(md, rom, k, entries)?,
            regs: GlobalRegs::new(ring_caps_value(UNITS as u32)),
            zero8: crate::prim::konst(0),
        })
    }
}

impl<const UNITS: usize, const N: usize> Logic for RingTop<UNITS, N> {
    #[hdl_gen]
    fn update(&mut self) {
        clock!(self, clock, rb, hash, vring, regs);
        self.rb.reset.next = self.reset.val();
        self.regs.reset.next = self.reset.val();
        self.hash.reset.next = self.reset.val();
        self.hash.clear.next = self.regs.ireset.val();
        self.vring.reset.next = self.reset.val();
        self.vring.clear.next = self.regs.ireset.val();

        // AXI4-Lite slave.
        self.rb.s_axi_awaddr.next = self.s_axi_awaddr.val();
        self.rb.s_axi_awvalid.next = self.s_axi_awvalid.val();
        self.s_axi_awready.next = self.rb.s_axi_awready.val();
        self.rb.s_axi_wdata.next = self.s_axi_wdata.val();
        self.rb.s_axi_wstrb.next = self.s_axi_wstrb.val();
        self.rb.s_axi_wvalid.next = self.s_axi_wvalid.val();
        self.s_axi_wready.next = self.rb.s_axi_wready.val();
        self.s_axi_bresp.next = self.rb.s_axi_bresp.val();
        self.s_axi_bvalid.next = self.rb.s_axi_bvalid.val();
        self.rb.s_axi_bready.next = self.s_axi_bready.val();
        self.rb.s_axi_araddr.next = self.s_axi_araddr.val();
        self.rb.s_axi_arvalid.next = self.s_axi_arvalid.val();
        self.s_axi_arready.next = self.rb.s_axi_arready.val();
        self.s_axi_rdata.next = self.rb.s_axi_rdata.val();
        self.s_axi_rresp.next = self.rb.s_axi_rresp.val();
        self.s_axi_rvalid.next = self.rb.s_axi_rvalid.val();
        self.rb.s_axi_rready.next = self.s_axi_rready.val();

        // DMA read master of the hash path.
        self.m_axi_araddr.next = self.hash.m_axi_araddr.val();
        self.m_axi_arlen.next = self.hash.m_axi_arlen.val();
        self.m_axi_arvalid.next = self.hash.m_axi_arvalid.val();
        self.hash.m_axi_arready.next = self.m_axi_arready.val();
        self.hash.m_axi_rdata.next = self.m_axi_rdata.val();
        self.hash.m_axi_rresp.next = self.m_axi_rresp.val();
        self.hash.m_axi_rvalid.next = self.m_axi_rvalid.val();
        self.m_axi_rready.next = self.hash.m_axi_rready.val();

        // The ring's master (job slots in, verdict entries out).
        self.m1_axi_araddr.next = self.vring.m_axi_araddr.val();
        self.m1_axi_arlen.next = self.vring.m_axi_arlen.val();
        self.m1_axi_arvalid.next = self.vring.m_axi_arvalid.val();
        self.vring.m_axi_arready.next = self.m1_axi_arready.val();
        self.vring.m_axi_rdata.next = self.m1_axi_rdata.val();
        self.vring.m_axi_rresp.next = self.m1_axi_rresp.val();
        self.vring.m_axi_rvalid.next = self.m1_axi_rvalid.val();
        self.m1_axi_rready.next = self.vring.m_axi_rready.val();
        self.m1_axi_awaddr.next = self.vring.m_axi_awaddr.val();
        self.m1_axi_awlen.next = self.vring.m_axi_awlen.val();
        self.m1_axi_awvalid.next = self.vring.m_axi_awvalid.val();
        self.vring.m_axi_awready.next = self.m1_axi_awready.val();
        self.m1_axi_wdata.next = self.vring.m_axi_wdata.val();
        self.m1_axi_wstrb.next = self.vring.m_axi_wstrb.val();
        self.m1_axi_wlast.next = self.vring.m_axi_wlast.val();
        self.m1_axi_wvalid.next = self.vring.m_axi_wvalid.val();
        self.vring.m_axi_wready.next = self.m1_axi_wready.val();
        self.vring.m_axi_bresp.next = self.m1_axi_bresp.val();
        self.vring.m_axi_bvalid.next = self.m1_axi_bvalid.val();
        self.m1_axi_bready.next = self.vring.m_axi_bready.val();

        // The register port, to every child.
        self.hash.wr_stb.next = self.rb.wr_stb.val();
        self.hash.wr_addr.next = self.rb.wr_addr.val();
        self.hash.wr_data.next = self.rb.wr_data.val();
        self.hash.rd_addr.next = self.rb.rd_addr.val();
        self.vring.wr_stb.next = self.rb.wr_stb.val();
        self.vring.wr_addr.next = self.rb.wr_addr.val();
        self.vring.wr_data.next = self.rb.wr_data.val();
        self.vring.rd_addr.next = self.rb.rd_addr.val();
        self.regs.wr_stb.next = self.rb.wr_stb.val();
        self.regs.wr_addr.next = self.rb.wr_addr.val();
        self.regs.wr_data.next = self.rb.wr_data.val().get_bits::<3>(0);
        self.regs.rd_addr.next = self.rb.rd_addr.val();
        self.rb.rd_data.next =
            self.regs.rdata.val() | self.hash.rdata.val() | self.vring.rdata.val();

        // Status and errors, to the global registers (a ring error has no tag: its slot is
        // in VRING_TAIL.ERR_SLOT).
        self.hash.err_in.next = self.rb.bad_addr.val();
        self.regs.bad_addr.next = self.rb.bad_addr.val();
        self.regs.hash_status.next = self.hash.status.val();
        self.regs.hash_err.next = self.hash.err.val();
        self.regs.hash_tag_set.next = self.hash.tag_set.val();
        self.regs.hash_tag.next = self.hash.tag.val();
        self.regs.ecdsa_status.next = self.vring.status.val();
        self.regs.ecdsa_err.next = self.vring.err.val();
        self.regs.ecdsa_tag_set.next = false;
        self.regs.ecdsa_tag.next = self.zero8.val();
        self.irq.next = self.regs.irq.val();
    }
}

/// The Verilog of the ring top with `N` clusters and the secp256k1 program (ROM, K bank,
/// entries, order), built on a `fmul::BUILD_STACK` thread.
///
/// # Errors
/// The program does not assemble, or a FieldMul's plan fails.
pub fn ring_top_verilog<const UNITS: usize, const N: usize>() -> Result<String, String> {
    let (rom, k, entries) = crate::vring::path::secp256k1_path_images()?;
    crate::vcore::fmul::on_build_stack(move || {
        let mut top = RingTop::<UNITS, N>::new(&SuModulus::secp256k1(), &rom, &k, entries)?;
        top.connect_all();
        Ok(generate_verilog(&top))
    })
    .map_err(|e| format!("FieldMul plan: {e}"))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may panic
mod tests {
    /// The ring top passes `verilator --lint-only -Wall` (every warning fatal; the project's
    /// waivers and the FieldMul's `lint.vlt`).
    #[test]
    fn ring_top_verilog_lints_clean() {
        let v = super::ring_top_verilog::<{ crate::sha256::DEFAULT_UNITS }, 1>().unwrap();
        if let Err(e) = crate::vcore::fmul::lint_with_waivers("top_ring", "ring_top", &v) {
            panic!("{e}");
        }
    }
}
