//! `VerifyPath<N>`: the verify-job DMA and the verification core joined — a [`VerifyRing`]
//! whose job port drives a [`VerifyCore<N>`] and whose verdict port takes the core's verdicts.
//! This is the block the accelerator top instantiates for ECDSA/BIP340 on the ring (README.md
//! "Integration", steps 1-2); its ring-side ports are the ones the `VRING_*` registers will
//! drive. Both halves run on one clock (`clock`): the ring's paths are short (ring.rs) and the
//! core's longest register-to-register path sets the clock of the pair.
//!
//! - **Images**: the core's ROM, K bank and entries are the constructor's (the product path:
//!   [`VerifyPath::secp256k1`]); the load ports are tied off.
//! - **Reset**: `reset` is the hard reset (the ring's `axi_reset` and the core's reset).
//!   `soft_reset` (a pulse, as for the ring) also resets the core, held for
//!   [`CORE_RESET_CLOCKS`] clocks so the FieldMul's pipeline (25 stages) and the clusters'
//!   write-back queues are empty when it ends: a verdict of a job from before the pulse can
//!   never reach the ring afterwards (the ring README's soft-reset rule). `busy` stays high
//!   until both the ring's drain and the core's reset are over.
//! - **Faults**: `core_fault` is the core's `fault` (never high by construction); `jobs_inside`
//!   the core's count of accepted jobs whose verdict the ring has not taken.
use rust_hdl::prelude::*;

use crate::vcore::fmul::plan::PlanError;
use crate::vcore::su::model::SuModulus;
use crate::vcore::verify_core::VerifyCore;
use crate::vring::VerifyRing;

/// Clocks the core is held in reset after a `soft_reset` pulse (>= the FieldMul's 25 stages
/// plus the clusters' write-back delay, `vcore::timing::MUL_WB`).
pub const CORE_RESET_CLOCKS: u64 = 63;
const _: () = assert!(CORE_RESET_CLOCKS > crate::vcore::timing::MUL_WB as u64 + 4);

/// The ring + core pair (see the module docs).
#[derive(LogicBlock)]
pub struct VerifyPath<const N: usize> {
    pub clock: Signal<In, Clock>,
    /// Hard reset (with the interconnect's reset).
    pub reset: Signal<In, Bit>,
    /// Soft reset pulse: drops every job, result and error; indices to 0; the core is reset.
    pub soft_reset: Signal<In, Bit>,
    pub enable: Signal<In, Bit>,
    pub job_base: Signal<In, Bits<32>>,
    pub job_log2: Signal<In, Bits<5>>,
    pub job_head: Signal<In, Bits<16>>,
    pub res_base: Signal<In, Bits<32>>,
    pub res_log2: Signal<In, Bits<5>>,
    pub res_tail: Signal<In, Bits<16>>,
    pub job_tail: Signal<Out, Bits<16>>,
    pub res_head: Signal<Out, Bits<16>>,
    pub res_nonempty: Signal<Out, Bit>,
    /// The ring's AXI traffic or drain, or the core's reset window.
    pub busy: Signal<Out, Bit>,
    pub err: Signal<Out, Bit>,
    pub err_code: Signal<Out, Bits<3>>,
    pub err_resp: Signal<Out, Bits<2>>,
    pub err_slot: Signal<Out, Bits<16>>,
    /// Some job inside the core.
    pub core_busy: Signal<Out, Bit>,
    pub core_fault: Signal<Out, Bit>,
    pub jobs_inside: Signal<Out, Bits<8>>,
    pub m_axi_araddr: Signal<Out, Bits<32>>,
    pub m_axi_arlen: Signal<Out, Bits<8>>,
    pub m_axi_arvalid: Signal<Out, Bit>,
    pub m_axi_arready: Signal<In, Bit>,
    pub m_axi_rdata: Signal<In, Bits<64>>,
    pub m_axi_rresp: Signal<In, Bits<2>>,
    pub m_axi_rvalid: Signal<In, Bit>,
    pub m_axi_rready: Signal<Out, Bit>,
    pub m_axi_awaddr: Signal<Out, Bits<32>>,
    pub m_axi_awlen: Signal<Out, Bits<8>>,
    pub m_axi_awvalid: Signal<Out, Bit>,
    pub m_axi_awready: Signal<In, Bit>,
    pub m_axi_wdata: Signal<Out, Bits<64>>,
    pub m_axi_wstrb: Signal<Out, Bits<8>>,
    pub m_axi_wlast: Signal<Out, Bit>,
    pub m_axi_wvalid: Signal<Out, Bit>,
    pub m_axi_wready: Signal<In, Bit>,
    pub m_axi_bresp: Signal<In, Bits<2>>,
    pub m_axi_bvalid: Signal<In, Bit>,
    pub m_axi_bready: Signal<Out, Bit>,
    ring: VerifyRing,
    core: VerifyCore<N>,
    /// Clocks of core reset left after a soft reset (0: not resetting).
    crst: DFF<Bits<6>>,
    core_reset: Signal<Local, Bit>,
    k_entry0: Constant<Bits<11>>,
    k_entry1: Constant<Bits<11>>,
    k_crst: Constant<Bits<6>>,
    k_one6: Constant<Bits<6>>,
    k_zero6: Constant<Bits<6>>,
    k_zero8: Constant<Bits<8>>,
    k_zero11: Constant<Bits<11>>,
    k_zero72: Constant<Bits<72>>,
    k_zero256: Constant<Bits<256>>,
}

impl<const N: usize> VerifyPath<N> {
    /// The pair with a core whose clusters hold `rom` and `k`, start ECDSA / BIP340 jobs at
    /// `entries`, and whose ScalarUnit works modulo `md.m()`. Build it on a thread with
    /// `fmul::BUILD_STACK` bytes of stack (the core is megabytes by value; [`verilog`]).
    ///
    /// # Errors
    /// A FieldMul's plan does not build.
    pub fn new(
        md: &SuModulus,
        rom: &[Bits<72>],
        k: &[Bits<256>],
        entries: [u16; 2],
    ) -> Result<Self, PlanError> {
        let core = VerifyCore::<N>::new(md, rom, k)?;
        Ok(Self {
            clock: Default::default(),
            reset: Default::default(),
            soft_reset: Default::default(),
            enable: Default::default(),
            job_base: Default::default(),
            job_log2: Default::default(),
            job_head: Default::default(),
            res_base: Default::default(),
            res_log2: Default::default(),
            res_tail: Default::default(),
            job_tail: Default::default(),
            res_head: Default::default(),
            res_nonempty: Default::default(),
            busy: Default::default(),
            err: Default::default(),
            err_code: Default::default(),
            err_resp: Default::default(),
            err_slot: Default::default(),
            core_busy: Default::default(),
            core_fault: Default::default(),
            jobs_inside: Default::default(),
            m_axi_araddr: Default::default(),
            m_axi_arlen: Default::default(),
            m_axi_arvalid: Default::default(),
            m_axi_arready: Default::default(),
            m_axi_rdata: Default::default(),
            m_axi_rresp: Default::default(),
            m_axi_rvalid: Default::default(),
            m_axi_rready: Default::default(),
            m_axi_awaddr: Default::default(),
            m_axi_awlen: Default::default(),
            m_axi_awvalid: Default::default(),
            m_axi_awready: Default::default(),
            m_axi_wdata: Default::default(),
            m_axi_wstrb: Default::default(),
            m_axi_wlast: Default::default(),
            m_axi_wvalid: Default::default(),
            m_axi_wready: Default::default(),
            m_axi_bresp: Default::default(),
            m_axi_bvalid: Default::default(),
            m_axi_bready: Default::default(),
            ring: VerifyRing::new(),
            core: *core,
            crst: Default::default(),
            core_reset: Default::default(),
            k_entry0: Constant::new(Bits::from(u64::from(entries[0]))),
            k_entry1: Constant::new(Bits::from(u64::from(entries[1]))),
            k_crst: Constant::new(Bits::from(CORE_RESET_CLOCKS)),
            k_one6: Constant::new(Bits::from(1u64)),
            k_zero6: Constant::new(Bits::default()),
            k_zero8: Constant::new(Bits::default()),
            k_zero11: Constant::new(Bits::default()),
            k_zero72: Constant::new(Bits::default()),
            k_zero256: Constant::new(Bits::default()),
        })
    }
}

impl<const N: usize> Logic for VerifyPath<N> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, crst);
        clock!(self, clock, ring, core);

        // ---- resets: the core follows the hard reset and every soft reset, stretched
        if self.crst.q.val() != self.k_zero6.val() {
            self.crst.d.next = self.crst.q.val() - self.k_one6.val();
        }
        if self.reset.val() | self.soft_reset.val() {
            self.crst.d.next = self.k_crst.val();
        }
        self.core_reset.next =
            self.reset.val() | self.soft_reset.val() | (self.crst.q.val() != self.k_zero6.val());
        self.core.reset.next = self.core_reset.val();
        self.ring.axi_reset.next = self.reset.val();
        self.ring.soft_reset.next = self.soft_reset.val();

        // ---- ring configuration and status
        self.ring.enable.next = self.enable.val();
        self.ring.job_base.next = self.job_base.val();
        self.ring.job_log2.next = self.job_log2.val();
        self.ring.job_head.next = self.job_head.val();
        self.ring.res_base.next = self.res_base.val();
        self.ring.res_log2.next = self.res_log2.val();
        self.ring.res_tail.next = self.res_tail.val();
        self.job_tail.next = self.ring.job_tail.val();
        self.res_head.next = self.ring.res_head.val();
        self.res_nonempty.next = self.ring.res_nonempty.val();
        self.busy.next = self.ring.busy.val() | self.core_reset.val();
        self.err.next = self.ring.err.val();
        self.err_code.next = self.ring.err_code.val();
        self.err_resp.next = self.ring.err_resp.val();
        self.err_slot.next = self.ring.err_slot.val();
        self.core_busy.next = self.core.busy.val();
        self.core_fault.next = self.core.fault.val();
        self.jobs_inside.next = self.core.jobs_inside.val();

        // ---- job port: ring -> core
        self.core.job_valid.next = self.ring.job_valid.val();
        self.ring.job_ready.next = self.core.job_ready.val();
        self.core.job_kind.next = self.ring.job_kind.val();
        self.core.job_tag.next = self.ring.job_tag.val();
        self.core.job_prefix.next = self.ring.job_prefix.val();
        self.core.job_z.next = self.ring.job_z.val();
        self.core.job_r.next = self.ring.job_r.val();
        self.core.job_s.next = self.ring.job_s.val();
        self.core.job_qx.next = self.ring.job_qx.val();
        self.core.job_qy.next = self.ring.job_qy.val();

        // ---- verdict port: core -> ring
        self.ring.verdict_valid.next = self.core.verdict_valid.val();
        self.core.verdict_ready.next = self.ring.verdict_ready.val();
        self.ring.verdict_tag.next = self.core.verdict_tag.val();
        self.ring.verdict_code.next = self.core.verdict_code.val();
        self.ring.verdict_cycles.next = self.core.verdict_cycles.val();

        // ---- the core's images are built in: load ports tied off
        self.core.entry0.next = self.k_entry0.val();
        self.core.entry1.next = self.k_entry1.val();
        self.core.prog_we.next = false;
        self.core.prog_addr.next = self.k_zero11.val();
        self.core.prog_data.next = self.k_zero72.val();
        self.core.k_we.next = false;
        self.core.k_addr.next = self.k_zero8.val();
        self.core.k_data.next = self.k_zero256.val();

        // ---- AXI master
        self.m_axi_araddr.next = self.ring.m_axi_araddr.val();
        self.m_axi_arlen.next = self.ring.m_axi_arlen.val();
        self.m_axi_arvalid.next = self.ring.m_axi_arvalid.val();
        self.ring.m_axi_arready.next = self.m_axi_arready.val();
        self.ring.m_axi_rdata.next = self.m_axi_rdata.val();
        self.ring.m_axi_rresp.next = self.m_axi_rresp.val();
        self.ring.m_axi_rvalid.next = self.m_axi_rvalid.val();
        self.m_axi_rready.next = self.ring.m_axi_rready.val();
        self.m_axi_awaddr.next = self.ring.m_axi_awaddr.val();
        self.m_axi_awlen.next = self.ring.m_axi_awlen.val();
        self.m_axi_awvalid.next = self.ring.m_axi_awvalid.val();
        self.ring.m_axi_awready.next = self.m_axi_awready.val();
        self.m_axi_wdata.next = self.ring.m_axi_wdata.val();
        self.m_axi_wstrb.next = self.ring.m_axi_wstrb.val();
        self.m_axi_wlast.next = self.ring.m_axi_wlast.val();
        self.m_axi_wvalid.next = self.ring.m_axi_wvalid.val();
        self.ring.m_axi_wready.next = self.m_axi_wready.val();
        self.ring.m_axi_bresp.next = self.m_axi_bresp.val();
        self.ring.m_axi_bvalid.next = self.m_axi_bvalid.val();
        self.m_axi_bready.next = self.ring.m_axi_bready.val();
    }
}

/// The Verilog of a `VerifyPath<N>` (see [`VerifyPath::new`]), built on a thread with
/// `fmul::BUILD_STACK` bytes of stack.
///
/// # Errors
/// A FieldMul's plan fails, or the build thread cannot start or fails.
pub fn verilog<const N: usize>(
    md: SuModulus,
    rom: Vec<Bits<72>>,
    k: Vec<Bits<256>>,
    entries: [u16; 2],
) -> Result<String, PlanError> {
    crate::vcore::fmul::on_build_stack(move || {
        let mut uut = VerifyPath::<N>::new(&md, &rom, &k, entries)?;
        uut.connect_all();
        Ok(generate_verilog(&uut))
    })
}

/// What a product `VerifyPath` is built from: secp256k1's ROM and K images (the clusters')
/// and the program's entries (ECDSA, BIP340). Every block that contains the product path
/// (the pair here, the ring top) takes them from here.
///
/// # Errors
/// The program does not assemble, or the curve constants fail.
pub fn secp256k1_path_images() -> Result<(Vec<Bits<72>>, Vec<Bits<256>>, [u16; 2]), String> {
    let (rom, k) = crate::vcore::cluster_core::secp256k1_images()?;
    let img =
        crate::vcore::iss::machine::CoreImage::secp256k1().map_err(|e| format!("program: {e}"))?;
    Ok((rom, k, img.machine.entries))
}

/// The product pair: one cluster, secp256k1's ROM, K bank, entries and order.
///
/// # Errors
/// The program does not assemble, or a FieldMul's plan fails.
pub fn secp256k1_verilog() -> Result<String, String> {
    let (rom, k, entries) = secp256k1_path_images()?;
    verilog::<1>(SuModulus::secp256k1(), rom, k, entries).map_err(|e| format!("FieldMul plan: {e}"))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may panic
mod tests {
    /// The product pair passes `verilator --lint-only -Wall` (every warning fatal; the
    /// project's waivers and the FieldMul's `lint.vlt`).
    #[test]
    fn verify_path_verilog_lints_clean() {
        let v = super::secp256k1_verilog().unwrap();
        if let Err(e) = crate::vcore::fmul::lint_with_waivers("vring_path", "verify_path", &v) {
            panic!("{e}");
        }
    }
}
