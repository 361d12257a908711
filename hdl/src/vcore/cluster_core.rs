//! `ClusterCore`: the product cluster — one [`Cluster`] with its own [`FieldMul`] and its own
//! [`Recoder`] wired to its ports. This is the unit the VerifyCore top instantiates
//! `params::CLUSTERS` times; nothing verification-only is inside it.
//!
//! Ports are the cluster's minus the FieldMul and Recoder ports (now internal), plus
//! `rec_refused`: high in a cycle where the cluster pushes a REC request that the Recoder's
//! queue refuses (`rec_req_valid & !rec_req_ready`). The cluster's credit rule makes that
//! impossible; the test benches check that it never happens, a product top may leave it open.
//!
//! The program-load (`prog_*`, `k_*`) and trace (`tr_*`) ports are the cluster's: test benches
//! load programs at run time and compare the trace with the ISS; a product top ties
//! `prog_we`/`k_we` to 0 (the ROM and K images are the constructor's) and leaves the trace
//! open (synthesis removes what drives only open outputs).
//!
//! Timing: the FieldMul's `in_valid` cycle is `MUL_ISSUE` cycles after the select and its
//! output flip-flops write the P bank directly, so `vcore::timing::MUL_WB` is
//! `MUL_ISSUE + FMUL_LATENCY + MUL_OUT_REG` (asserted below).

use crate::vcore::cluster::{Cluster, MUL_ISSUE, MUL_OUT_REG};
use crate::vcore::fmul::plan::PlanError;
use crate::vcore::fmul::{FieldMul, FMUL_LATENCY};
use crate::vcore::fmul_standin::FMUL_TAG_BITS;
use crate::vcore::recoder::rtl::Recoder;
use crate::vcore::timing::MUL_WB;
use rust_hdl::prelude::*;

// The ISS's MUL write-back latency is what this block's FieldMul gives.
const _: () = assert!(MUL_WB == MUL_ISSUE + FMUL_LATENCY + MUL_OUT_REG);

/// Cluster + FieldMul + Recoder (see the module docs).
#[derive(LogicBlock)]
pub struct ClusterCore {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    pub job_valid: Signal<In, Bit>,
    pub job_kind: Signal<In, Bit>,
    pub job_tag: Signal<In, Bits<16>>,
    pub job_word: Signal<In, Bits<256>>,
    pub job_ready: Signal<Out, Bit>,
    pub entry0: Signal<In, Bits<11>>,
    pub entry1: Signal<In, Bits<11>>,
    pub prog_we: Signal<In, Bit>,
    pub prog_addr: Signal<In, Bits<11>>,
    pub prog_data: Signal<In, Bits<72>>,
    pub k_we: Signal<In, Bit>,
    pub k_addr: Signal<In, Bits<8>>,
    pub k_data: Signal<In, Bits<256>>,
    pub res_valid: Signal<Out, Bit>,
    pub res_tag: Signal<Out, Bits<16>>,
    pub res_code: Signal<Out, Bits<4>>,
    pub res_cycles: Signal<Out, Bits<32>>,
    /// A REC request the Recoder refused this cycle (never, by the credit rule).
    pub rec_refused: Signal<Out, Bit>,
    pub tr_p_we: Signal<Out, Bit>,
    pub tr_p_tid: Signal<Out, Bits<5>>,
    pub tr_p_reg: Signal<Out, Bits<5>>,
    pub tr_p_data: Signal<Out, Bits<256>>,
    pub tr_s_we: Signal<Out, Bit>,
    pub tr_s_tid: Signal<Out, Bits<5>>,
    pub tr_s_reg: Signal<Out, Bits<5>>,
    pub tr_s_data: Signal<Out, Bits<256>>,
    pub tr_a_v: Signal<Out, Bit>,
    pub tr_a_tid: Signal<Out, Bits<5>>,
    pub tr_a_flwe: Signal<Out, Bits<4>>,
    pub tr_a_flv: Signal<Out, Bits<4>>,
    cl: Cluster,
    fm: FieldMul<FMUL_TAG_BITS>,
    rc: Recoder,
}

impl ClusterCore {
    /// A cluster core whose ROM holds the 72-bit image `rom` (`rom::rom_image`) and whose K
    /// bank holds `k`.
    ///
    /// `FieldMul` is several megabytes by value: build it on a thread with
    /// `fmul::BUILD_STACK` bytes of stack (as [`verilog`] does).
    ///
    /// # Errors
    /// The FieldMul's plan does not build or does not fit its RTL.
    pub fn new(rom: &[Bits<72>], k: &[Bits<256>]) -> Result<Self, PlanError> {
        Ok(Self {
            clock: Default::default(),
            reset: Default::default(),
            job_valid: Default::default(),
            job_kind: Default::default(),
            job_tag: Default::default(),
            job_word: Default::default(),
            job_ready: Default::default(),
            entry0: Default::default(),
            entry1: Default::default(),
            prog_we: Default::default(),
            prog_addr: Default::default(),
            prog_data: Default::default(),
            k_we: Default::default(),
            k_addr: Default::default(),
            k_data: Default::default(),
            res_valid: Default::default(),
            res_tag: Default::default(),
            res_code: Default::default(),
            res_cycles: Default::default(),
            rec_refused: Default::default(),
            tr_p_we: Default::default(),
            tr_p_tid: Default::default(),
            tr_p_reg: Default::default(),
            tr_p_data: Default::default(),
            tr_s_we: Default::default(),
            tr_s_tid: Default::default(),
            tr_s_reg: Default::default(),
            tr_s_data: Default::default(),
            tr_a_v: Default::default(),
            tr_a_tid: Default::default(),
            tr_a_flwe: Default::default(),
            tr_a_flv: Default::default(),
            cl: Cluster::new(rom, k),
            fm: FieldMul::new()?,
            rc: Recoder::default(),
        })
    }
}

impl Logic for ClusterCore {
    #[hdl_gen]
    fn update(&mut self) {
        self.cl.clock.next = self.clock.val();
        self.fm.clock.next = self.clock.val();
        self.rc.clock.next = self.clock.val();
        self.cl.reset.next = self.reset.val();
        self.fm.reset.next = self.reset.val();
        self.rc.reset.next = self.reset.val();
        // ---- jobs, results, load ports ----
        self.cl.job_valid.next = self.job_valid.val();
        self.cl.job_kind.next = self.job_kind.val();
        self.cl.job_tag.next = self.job_tag.val();
        self.cl.job_word.next = self.job_word.val();
        self.job_ready.next = self.cl.job_ready.val();
        self.cl.entry0.next = self.entry0.val();
        self.cl.entry1.next = self.entry1.val();
        self.cl.prog_we.next = self.prog_we.val();
        self.cl.prog_addr.next = self.prog_addr.val();
        self.cl.prog_data.next = self.prog_data.val();
        self.cl.k_we.next = self.k_we.val();
        self.cl.k_addr.next = self.k_addr.val();
        self.cl.k_data.next = self.k_data.val();
        self.res_valid.next = self.cl.res_valid.val();
        self.res_tag.next = self.cl.res_tag.val();
        self.res_code.next = self.cl.res_code.val();
        self.res_cycles.next = self.cl.res_cycles.val();
        // ---- FieldMul ----
        self.fm.in_valid.next = self.cl.mul_in_valid.val();
        self.fm.a.next = self.cl.mul_a.val();
        self.fm.b.next = self.cl.mul_b.val();
        self.fm.mode.next = self.cl.mul_mode.val();
        self.fm.in_tag.next = self.cl.mul_in_tag.val();
        self.cl.mul_out_valid.next = self.fm.out_valid.val();
        self.cl.mul_out.next = self.fm.out.val();
        self.cl.mul_out_tag.next = self.fm.out_tag.val();
        // ---- Recoder ----
        self.rc.rec_req_valid.next = self.cl.rec_req_valid.val();
        self.rc.rec_req_tid.next = self.cl.rec_req_tid.val();
        self.rc.rec_req_slot.next = self.cl.rec_req_slot.val();
        self.rc.rec_req_w.next = self.cl.rec_req_w.val();
        self.rc.rec_req_k.next = self.cl.rec_req_k.val();
        self.rec_refused.next = self.cl.rec_req_valid.val() & !self.rc.rec_req_ready.val();
        self.cl.rec_load.next = self.rc.rec_load.val();
        self.cl.dg_we.next = self.rc.dg_we.val();
        self.cl.dg_tid.next = self.rc.dg_tid.val();
        self.cl.dg_slot.next = self.rc.dg_slot.val();
        self.cl.dg_pos.next = self.rc.dg_pos.val();
        self.cl.dg_digit.next = self.rc.dg_digit.val();
        self.cl.rec_done.next = self.rc.rec_done.val();
        self.cl.rec_done_tid.next = self.rc.rec_done_tid.val();
        // ---- trace ----
        self.tr_p_we.next = self.cl.tr_p_we.val();
        self.tr_p_tid.next = self.cl.tr_p_tid.val();
        self.tr_p_reg.next = self.cl.tr_p_reg.val();
        self.tr_p_data.next = self.cl.tr_p_data.val();
        self.tr_s_we.next = self.cl.tr_s_we.val();
        self.tr_s_tid.next = self.cl.tr_s_tid.val();
        self.tr_s_reg.next = self.cl.tr_s_reg.val();
        self.tr_s_data.next = self.cl.tr_s_data.val();
        self.tr_a_v.next = self.cl.tr_a_v.val();
        self.tr_a_tid.next = self.cl.tr_a_tid.val();
        self.tr_a_flwe.next = self.cl.tr_a_flwe.val();
        self.tr_a_flv.next = self.cl.tr_a_flv.val();
    }
}

/// The Verilog of a [`ClusterCore`] whose ROM and K bank start with `rom` and `k` (empty for
/// the Verilator bench, which loads programs through the load ports; the secp256k1 images for
/// synthesis). Built on a thread with `fmul::BUILD_STACK` bytes of stack.
///
/// # Errors
/// The FieldMul's plan fails, or the build thread cannot start or fails.
pub fn verilog(rom: Vec<Bits<72>>, k: Vec<Bits<256>>) -> Result<String, PlanError> {
    crate::vcore::fmul::on_build_stack(move || {
        let mut uut = Box::new(ClusterCore::new(&rom, &k)?);
        uut.connect_all();
        Ok(generate_verilog(uut.as_ref()))
    })
}

/// The secp256k1 ROM image (`program::secp256k1_program`) and K image of a product cluster.
///
/// # Errors
/// The program does not assemble or fit, or the curve constants fail.
pub fn secp256k1_images() -> Result<(Vec<Bits<72>>, Vec<Bits<256>>), String> {
    use crate::vcore::program::{secp256k1_desc, secp256k1_program};
    use crate::vcore::rom::rom_image;
    let prog = secp256k1_program().map_err(|e| format!("program: {e:?}"))?;
    let rom = rom_image(&prog.words).map_err(|e| format!("ROM image: {e:?}"))?;
    let k = secp256k1_desc()
        .map_err(|e| format!("curve constants: {e:?}"))?
        .k_image()
        .into_iter()
        .map(Bits::from)
        .collect();
    Ok((rom, k))
}

/// The Verilog of the product [`ClusterCore`] with the [`secp256k1_images`]: what synthesis
/// measures and what the lint test checks.
///
/// # Errors
/// See [`secp256k1_images`]; or the FieldMul's plan fails.
pub fn secp256k1_verilog() -> Result<String, String> {
    let (rom, k) = secp256k1_images()?;
    verilog(rom, k).map_err(|e| format!("FieldMul plan: {e}"))
}

/// The Verilog of the [`Cluster`] alone (FieldMul and Recoder on its ports) with the
/// [`secp256k1_images`], for comparing its synthesis with the whole [`ClusterCore`]'s.
///
/// # Errors
/// See [`secp256k1_images`].
pub fn secp256k1_cluster_only_verilog() -> Result<String, String> {
    let (rom, k) = secp256k1_images()?;
    let mut cl = Cluster::new(&rom, &k);
    cl.connect_all();
    Ok(generate_verilog(&cl))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may panic
mod tests {
    /// The product cluster (secp256k1 program and K image) passes `verilator --lint-only
    /// -Wall` (every warning fatal; the project's waivers and the FieldMul's `lint.vlt`).
    #[test]
    fn cluster_core_verilog_lints_clean() {
        let v = super::secp256k1_verilog().unwrap();
        if let Err(e) =
            crate::vcore::fmul::lint_with_waivers("vcore_cluster_core", "cluster_core", &v)
        {
            panic!("{e}");
        }
    }
}
