//! **Verification only — never shipped.** `ClusterTb`: a [`Cluster`] with the
//! [`FmulStandin`](crate::vcore::fmul_standin::FmulStandin) on its FieldMul ports, for the
//! Verilator tests (`verif/src/vcore/cluster.rs`, `Bench::Standin`). The Recoder ports stay
//! outside: the test bench plays the Recoder from its golden model (`recoder::model`). Every
//! other port is the cluster's.
//!
//! What it still buys: the second run of the real-program test (a failure on the product
//! `ClusterCore` but not here points at the FieldMul/Recoder integration) and a fast model
//! (the random-program test ran 9.5 s here, 124.8 s on the `ClusterCore`). Its cold Verilator
//! build (329 s) is longer than the `ClusterCore`'s (287 s); README-cluster.md weighs removing
//! it.

use crate::vcore::cluster::Cluster;
use crate::vcore::cluster::{MUL_ISSUE, MUL_OUT_REG};
use crate::vcore::fmul_standin::FmulStandin;
use crate::vcore::fmul_standin::STANDIN_LATENCY;
use crate::vcore::timing::MUL_WB;
use rust_hdl::prelude::*;

// The test bench's MUL write-back latency is what vcore::timing (and so the ISS) says.
const _: () = assert!(MUL_WB == MUL_ISSUE + STANDIN_LATENCY + MUL_OUT_REG);

/// Cluster + FieldMul stand-in (see the module docs).
#[derive(LogicBlock)]
pub struct ClusterTb {
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
    pub rec_req_valid: Signal<Out, Bit>,
    pub rec_req_tid: Signal<Out, Bits<5>>,
    pub rec_req_slot: Signal<Out, Bits<2>>,
    pub rec_req_w: Signal<Out, Bits<4>>,
    pub rec_req_k: Signal<Out, Bits<256>>,
    pub rec_load: Signal<In, Bit>,
    pub dg_we: Signal<In, Bit>,
    pub dg_tid: Signal<In, Bits<5>>,
    pub dg_slot: Signal<In, Bits<2>>,
    pub dg_pos: Signal<In, Bits<8>>,
    pub dg_digit: Signal<In, Bits<8>>,
    pub rec_done: Signal<In, Bit>,
    pub rec_done_tid: Signal<In, Bits<5>>,
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
    fm: FmulStandin,
}

impl ClusterTb {
    /// A test bench whose ROM and K bank start with `rom` and `k`.
    pub fn new(rom: &[Bits<72>], k: &[Bits<256>]) -> Self {
        Self {
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
            rec_req_valid: Default::default(),
            rec_req_tid: Default::default(),
            rec_req_slot: Default::default(),
            rec_req_w: Default::default(),
            rec_req_k: Default::default(),
            rec_load: Default::default(),
            dg_we: Default::default(),
            dg_tid: Default::default(),
            dg_slot: Default::default(),
            dg_pos: Default::default(),
            dg_digit: Default::default(),
            rec_done: Default::default(),
            rec_done_tid: Default::default(),
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
            fm: Default::default(),
        }
    }
}

impl Logic for ClusterTb {
    #[hdl_gen]
    fn update(&mut self) {
        self.cl.clock.next = self.clock.val();
        self.fm.clock.next = self.clock.val();
        self.cl.reset.next = self.reset.val();
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
        self.fm.in_valid.next = self.cl.mul_in_valid.val();
        self.fm.a.next = self.cl.mul_a.val();
        self.fm.b.next = self.cl.mul_b.val();
        self.fm.mode.next = self.cl.mul_mode.val();
        self.fm.in_tag.next = self.cl.mul_in_tag.val();
        self.cl.mul_out_valid.next = self.fm.out_valid.val();
        self.cl.mul_out.next = self.fm.out.val();
        self.cl.mul_out_tag.next = self.fm.out_tag.val();
        self.rec_req_valid.next = self.cl.rec_req_valid.val();
        self.rec_req_tid.next = self.cl.rec_req_tid.val();
        self.rec_req_slot.next = self.cl.rec_req_slot.val();
        self.rec_req_w.next = self.cl.rec_req_w.val();
        self.rec_req_k.next = self.cl.rec_req_k.val();
        self.cl.rec_load.next = self.rec_load.val();
        self.cl.dg_we.next = self.dg_we.val();
        self.cl.dg_tid.next = self.dg_tid.val();
        self.cl.dg_slot.next = self.dg_slot.val();
        self.cl.dg_pos.next = self.dg_pos.val();
        self.cl.dg_digit.next = self.dg_digit.val();
        self.cl.rec_done.next = self.rec_done.val();
        self.cl.rec_done_tid.next = self.rec_done_tid.val();
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

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may panic
mod tests {
    #[test]
    fn cluster_tb_generates_verilog() {
        let v = crate::vcore::cluster_tb_verilog().unwrap();
        assert!(v.contains("module top("));
        if let Ok(dir) = std::env::var("SATCHAIN_DUMP_VCORE_DIR") {
            std::fs::write(format!("{dir}/vcore_cluster_tb.v"), v).unwrap();
        }
    }
}
