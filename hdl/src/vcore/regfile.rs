//! `RegFile`: the cluster's register banks in block RAM (ARCH.md "Budget").
//!
//! - P bank (`THREADS x 32 x 256`, written only by the MUL write-back) and S bank (same size,
//!   written only by the ALU write-back, which also carries the job-load words): four copies
//!   each, one per read port (MUL A, MUL B, ALU A, ALU B), all written together. Each copy is
//!   a simple-dual-port `2^BANK_ADDR_BITS x 256` array: `512 x 256` (4 RAMB36 of 512 x 72) at
//!   16 threads, `1024 x 256` (8 RAMB36 of 1K x 36, of which 24 x 32 = 768 words used) at 24.
//! - K bank (`256 x 256`, constants, read-only in a product top: its load port `k_*` is for
//!   test benches): two copies, for the B ports of MUL and ALU.
//!
//! Reads take two clocks (address in c, word in c + 2, `mem::Bram`); the port stage presents
//! the addresses in t+1, so the words are there in t+3. Address = {thread, register}.

use crate::prim::Placed;
use crate::prim::Widen;
use crate::vcore::mem::Bram;
use crate::vcore::params::{BANK_ADDR_BITS, THREAD_BITS};
use rust_hdl::prelude::*;

/// Register banks (see the module docs).
#[derive(LogicBlock)]
pub struct RegFile {
    pub clock: Signal<In, Clock>,
    // ---- read addresses (cycle c) ----
    pub m_tid: Signal<In, Bits<5>>,
    pub m_a_reg: Signal<In, Bits<5>>,
    pub m_b_reg: Signal<In, Bits<5>>,
    pub m_b_kidx: Signal<In, Bits<8>>,
    pub x_tid: Signal<In, Bits<5>>,
    pub x_a_reg: Signal<In, Bits<5>>,
    pub x_b_reg: Signal<In, Bits<5>>,
    pub x_b_kidx: Signal<In, Bits<8>>,
    // ---- read data (cycle c + 2): P, S and K candidates per port ----
    pub m_ap: Signal<Out, Bits<256>>,
    pub m_as: Signal<Out, Bits<256>>,
    pub m_bp: Signal<Out, Bits<256>>,
    pub m_bs: Signal<Out, Bits<256>>,
    pub m_bk: Signal<Out, Bits<256>>,
    pub x_ap: Signal<Out, Bits<256>>,
    pub x_as: Signal<Out, Bits<256>>,
    pub x_bp: Signal<Out, Bits<256>>,
    pub x_bs: Signal<Out, Bits<256>>,
    pub x_bk: Signal<Out, Bits<256>>,
    // ---- write ports ----
    pub wp_we: Signal<In, Bit>,
    pub wp_tid: Signal<In, Bits<5>>,
    pub wp_reg: Signal<In, Bits<5>>,
    pub wp_data: Signal<In, Bits<256>>,
    pub ws_we: Signal<In, Bit>,
    pub ws_tid: Signal<In, Bits<5>>,
    pub ws_reg: Signal<In, Bits<5>>,
    pub ws_data: Signal<In, Bits<256>>,
    /// K load port (test benches; tied off in a product top).
    pub k_we: Signal<In, Bit>,
    pub k_addr: Signal<In, Bits<8>>,
    pub k_data: Signal<In, Bits<256>>,
    /// P copies: 0 MUL-A, 1 MUL-B, 2 ALU-A, 3 ALU-B; S copies likewise.
    p: [Bram<256, BANK_ADDR_BITS>; 4],
    s: [Bram<256, BANK_ADDR_BITS>; 4],
    /// K copies: 0 MUL-B, 1 ALU-B.
    k: [Bram<256, 8>; 2],
    // {thread, reg} addresses.
    t_ma: Placed<THREAD_BITS, BANK_ADDR_BITS>,
    t_xa: Placed<THREAD_BITS, BANK_ADDR_BITS>,
    t_wp: Placed<THREAD_BITS, BANK_ADDR_BITS>,
    t_ws: Placed<THREAD_BITS, BANK_ADDR_BITS>,
    r_maa: Widen<5, BANK_ADDR_BITS>,
    r_mba: Widen<5, BANK_ADDR_BITS>,
    r_xaa: Widen<5, BANK_ADDR_BITS>,
    r_xba: Widen<5, BANK_ADDR_BITS>,
    r_wp: Widen<5, BANK_ADDR_BITS>,
    r_ws: Widen<5, BANK_ADDR_BITS>,
}

impl RegFile {
    /// Register banks with the constant bank `k` (K0.., missing words 0).
    pub fn new(k: &[Bits<256>]) -> Self {
        Self {
            clock: Default::default(),
            m_tid: Default::default(),
            m_a_reg: Default::default(),
            m_b_reg: Default::default(),
            m_b_kidx: Default::default(),
            x_tid: Default::default(),
            x_a_reg: Default::default(),
            x_b_reg: Default::default(),
            x_b_kidx: Default::default(),
            m_ap: Default::default(),
            m_as: Default::default(),
            m_bp: Default::default(),
            m_bs: Default::default(),
            m_bk: Default::default(),
            x_ap: Default::default(),
            x_as: Default::default(),
            x_bp: Default::default(),
            x_bs: Default::default(),
            x_bk: Default::default(),
            wp_we: Default::default(),
            wp_tid: Default::default(),
            wp_reg: Default::default(),
            wp_data: Default::default(),
            ws_we: Default::default(),
            ws_tid: Default::default(),
            ws_reg: Default::default(),
            ws_data: Default::default(),
            k_we: Default::default(),
            k_addr: Default::default(),
            k_data: Default::default(),
            p: Default::default(),
            s: Default::default(),
            k: [Bram::new(k), Bram::new(k)],
            t_ma: Placed::new(5),
            t_xa: Placed::new(5),
            t_wp: Placed::new(5),
            t_ws: Placed::new(5),
            r_maa: Default::default(),
            r_mba: Default::default(),
            r_xaa: Default::default(),
            r_xba: Default::default(),
            r_wp: Default::default(),
            r_ws: Default::default(),
        }
    }
}

impl Logic for RegFile {
    #[hdl_gen]
    fn update(&mut self) {
        for c in 0..4 {
            self.p[c].clock.next = self.clock.val();
            self.s[c].clock.next = self.clock.val();
        }
        for c in 0..2 {
            self.k[c].clock.next = self.clock.val();
            self.k[c].we.next = self.k_we.val();
            self.k[c].waddr.next = self.k_addr.val();
            self.k[c].wdata.next = self.k_data.val();
        }
        self.t_ma.inp.next = self.m_tid.val().get_bits::<THREAD_BITS>(0);
        self.t_xa.inp.next = self.x_tid.val().get_bits::<THREAD_BITS>(0);
        self.t_wp.inp.next = self.wp_tid.val().get_bits::<THREAD_BITS>(0);
        self.t_ws.inp.next = self.ws_tid.val().get_bits::<THREAD_BITS>(0);
        self.r_maa.inp.next = self.m_a_reg.val();
        self.r_mba.inp.next = self.m_b_reg.val();
        self.r_xaa.inp.next = self.x_a_reg.val();
        self.r_xba.inp.next = self.x_b_reg.val();
        self.r_wp.inp.next = self.wp_reg.val();
        self.r_ws.inp.next = self.ws_reg.val();
        for c in 0..4 {
            self.p[c].we.next = self.wp_we.val();
            self.p[c].waddr.next = self.t_wp.out.val() | self.r_wp.out.val();
            self.p[c].wdata.next = self.wp_data.val();
            self.s[c].we.next = self.ws_we.val();
            self.s[c].waddr.next = self.t_ws.out.val() | self.r_ws.out.val();
            self.s[c].wdata.next = self.ws_data.val();
        }
        self.p[0].raddr.next = self.t_ma.out.val() | self.r_maa.out.val();
        self.s[0].raddr.next = self.t_ma.out.val() | self.r_maa.out.val();
        self.p[1].raddr.next = self.t_ma.out.val() | self.r_mba.out.val();
        self.s[1].raddr.next = self.t_ma.out.val() | self.r_mba.out.val();
        self.p[2].raddr.next = self.t_xa.out.val() | self.r_xaa.out.val();
        self.s[2].raddr.next = self.t_xa.out.val() | self.r_xaa.out.val();
        self.p[3].raddr.next = self.t_xa.out.val() | self.r_xba.out.val();
        self.s[3].raddr.next = self.t_xa.out.val() | self.r_xba.out.val();
        self.k[0].raddr.next = self.m_b_kidx.val();
        self.k[1].raddr.next = self.x_b_kidx.val();
        self.m_ap.next = self.p[0].rdata.val();
        self.m_as.next = self.s[0].rdata.val();
        self.m_bp.next = self.p[1].rdata.val();
        self.m_bs.next = self.s[1].rdata.val();
        self.m_bk.next = self.k[0].rdata.val();
        self.x_ap.next = self.p[2].rdata.val();
        self.x_as.next = self.s[2].rdata.val();
        self.x_bp.next = self.p[3].rdata.val();
        self.x_bs.next = self.s[3].rdata.val();
        self.x_bk.next = self.k[1].rdata.val();
    }
}
