//! `VerifyRing`: the verify-job DMA (see `README.md` in this directory for the theory, the
//! normative ring formats and the software protocol). This file holds the interface and the
//! state; the logic is in `ring/logic.rs`.
//!
//! One AXI4 master (64-bit data, INCR bursts of 8-byte beats, at most 16 beats, never across
//! 4 KiB, one ID): the read side fetches job slots, the write side writes result entries.
//! - **Fetch** (one slot at a time): when enabled, the configuration is valid, no error is
//!   latched, a published slot is waiting (`jf != job_head`), the result ring has room for its
//!   result (`credit`: `jf - res_tail < capacity(res_log2)`, 16-bit arithmetic) and the job
//!   port is free, the block requests the slot as two bursts (16 + 5 beats), assembles
//!   the header and the five 256-bit values (byte-reversed: stored big-endian), and offers the
//!   job on `job_*`. A malformed header makes a `BAD_JOB` result instead. `job_tail` counts
//!   slots whose reading completed (their memory may be reused).
//! - **Results** from the core (`verdict_*`) and from malformed slots go through a 16-entry
//!   FIFO (LUT RAM) into write bursts of consecutive entries: a burst starts when the oldest
//!   waiting entry has waited `BATCH_HOLD_CLOCKS` clocks or 16 are waiting, and takes every
//!   waiting entry up to 16, the ring's end and the next 4 KiB boundary. One burst is in
//!   flight at a time; `res_head` advances by its length when BRESP = OKAY.
//! - **Errors** latch `err`, `err_code` (`model::RingError`), `err_resp` and `err_slot` (first
//!   error wins) until `soft_reset`. Any error stops fetching; a write error or a bad result
//!   ring also stops writing (results from the core are then accepted and dropped, so the
//!   core never blocks). A read error leaves `job_tail` at the failed slot; the results of the
//!   jobs before it are still written (`res_head` reaches `job_tail`).
//! - **Soft reset** drops every job, result and error and zeroes the indices. AXI transactions
//!   already issued complete: read beats are drained and discarded, a write burst in flight
//!   sends its beats and its response is ignored (as `DmaReader` does); `busy` is high until
//!   then and nothing new is issued. `axi_reset` (hard) also clears the channel state.
use rust_hdl::prelude::*;

use crate::prim::{SyncFifo, Widen};
use crate::sha256::dma::ByteRev64;

mod logic;

/// log2 of the result FIFO depth (entries waiting for, or in, a write burst).
pub const RES_FIFO_LOG2: usize = 4;

/// The verify-job DMA block (bus clock domain).
#[derive(LogicBlock)]
pub struct VerifyRing {
    pub clock: Signal<In, Clock>,
    /// Soft reset (one clock or longer): drop all jobs, results, errors; indices to 0.
    pub soft_reset: Signal<In, Bit>,
    /// Hard reset: also clears the AXI channel state (only with the interconnect's reset).
    pub axi_reset: Signal<In, Bit>,
    /// Fetch enable (results keep being written while low).
    pub enable: Signal<In, Bit>,
    /// Job ring base address (256-byte aligned); change only while disabled and not `busy`.
    pub job_base: Signal<In, Bits<32>>,
    /// Job ring slots = 2^job_log2, 1..=16.
    pub job_log2: Signal<In, Bits<5>>,
    /// Producer index of the job ring (software; the doorbell).
    pub job_head: Signal<In, Bits<16>>,
    /// Result ring base address (8-byte aligned).
    pub res_base: Signal<In, Bits<32>>,
    /// Result ring entries = 2^res_log2, 1..=16.
    pub res_log2: Signal<In, Bits<5>>,
    /// Consumer index of the result ring (software).
    pub res_tail: Signal<In, Bits<16>>,
    /// Slots whose reading completed (16-bit, wraps).
    pub job_tail: Signal<Out, Bits<16>>,
    /// Results written and acknowledged (16-bit, wraps).
    pub res_head: Signal<Out, Bits<16>>,
    /// `res_head != res_tail` (registered), for the interrupt logic.
    pub res_nonempty: Signal<Out, Bit>,
    /// AXI transactions in flight or a soft-reset drain in progress.
    pub busy: Signal<Out, Bit>,
    pub err: Signal<Out, Bit>,
    /// `model::RingError` (0 while no error).
    pub err_code: Signal<Out, Bits<3>>,
    /// RRESP / BRESP of a read / write error.
    pub err_resp: Signal<Out, Bits<2>>,
    /// Ring index of the failed slot / of the failed burst's first entry (0 for config errors).
    pub err_slot: Signal<Out, Bits<16>>,
    /// Job port (to the core): held until `job_ready`.
    pub job_valid: Signal<Out, Bit>,
    pub job_ready: Signal<In, Bit>,
    /// 0 ECDSA, 1 BIP340.
    pub job_kind: Signal<Out, Bit>,
    pub job_tag: Signal<Out, Bits<16>>,
    pub job_prefix: Signal<Out, Bits<8>>,
    /// z (ECDSA) or e (BIP340).
    pub job_z: Signal<Out, Bits<256>>,
    pub job_r: Signal<Out, Bits<256>>,
    pub job_s: Signal<Out, Bits<256>>,
    /// Qx or Px.
    pub job_qx: Signal<Out, Bits<256>>,
    /// Qy (meaningless for compressed keys and BIP340: whatever the slot holds).
    pub job_qy: Signal<Out, Bits<256>>,
    /// Verdict port (from the core): taken when `verdict_valid & verdict_ready`.
    pub verdict_valid: Signal<In, Bit>,
    /// From flip-flops and the reset inputs only (never from `verdict_valid`).
    pub verdict_ready: Signal<Out, Bit>,
    pub verdict_tag: Signal<In, Bits<16>>,
    pub verdict_code: Signal<In, Bits<4>>,
    pub verdict_cycles: Signal<In, Bits<32>>,
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

    // ---- configuration checks (registered; `enable` delayed so they have settled) ----
    en1: DFF<Bit>,
    en2: DFF<Bit>,
    en3: DFF<Bit>,
    jmask: DFF<Bits<16>>,
    rmask: DFF<Bits<16>>,
    jlog_ok: DFF<Bit>,
    rlog_ok: DFF<Bit>,
    jal_ok: DFF<Bit>,
    ral_ok: DFF<Bit>,
    /// The ring's last slot/entry passes 2^32 (carry of base + mask).
    jend_c: DFF<Bit>,
    rend_c: DFF<Bit>,
    jbad: DFF<Bit>,
    rbad: DFF<Bit>,
    // ---- error latch ----
    err_q: DFF<Bit>,
    err_code_q: DFF<Bits<3>>,
    err_resp_q: DFF<Bits<2>>,
    err_slot_q: DFF<Bits<16>>,
    /// Writing stopped (write error or bad result ring).
    whalt: DFF<Bit>,
    // ---- fetch ----
    /// 0 idle, 1 first AR pending, 2 second AR pending, 3 receiving.
    f_st: DFF<Bits<2>>,
    /// Slots requested (the next slot to fetch).
    jf: DFF<Bits<16>>,
    /// Slots read completely.
    jt: DFF<Bits<16>>,
    /// Address bits 31:8 of slot `jf` (registered), and of the slot being fetched.
    slot_hi: DFF<Bits<24>>,
    cur_hi: DFF<Bits<24>>,
    /// `jf - res_tail` (registered) and `jf != job_head`.
    cd: DFF<Bits<16>>,
    pubq: DFF<Bit>,
    /// Clocks until the registered fetch conditions reflect the last change of `jf`.
    fcool: DFF<Bits<2>>,
    ar_valid: DFF<Bit>,
    ar_addr: DFF<Bits<32>>,
    ar_len: DFF<Bits<8>>,
    ar_beats: DFF<Bits<5>>,
    /// Read beats requested and not yet received.
    rpend: DFF<Bits<5>>,
    /// Soft-reset drain of the read side.
    rdrain: DFF<Bit>,
    /// Beat index within the slot (0..=20).
    bcnt: DFF<Bits<5>>,
    slot_err: DFF<Bit>,
    slot_resp: DFF<Bits<2>>,
    h_tag: DFF<Bits<16>>,
    h_kind: DFF<Bit>,
    h_prefix: DFF<Bits<8>>,
    h_bad: DFF<Bit>,
    /// z, r, s, Qx, Qy: one 1280-bit shift register of 64-bit chunks (z's first chunk in
    /// `vals[0]` bits 255:192 after the 20 value beats).
    vals: [DFF<Bits<256>>; 5],
    /// Job offered on the job port / malformed-slot result waiting for the FIFO.
    jv: DFF<Bit>,
    bv: DFF<Bit>,
    // ---- results ----
    rq: SyncFifo<Bits<64>, RES_FIFO_LOG2, { RES_FIFO_LOG2 + 1 }>,
    /// Entries visible in the FIFO and not yet in a burst (0..=16), and its value - 1
    /// (registered, for the burst length).
    wav: DFF<Bits<5>>,
    av4: DFF<Bits<4>>,
    /// Pushes, delayed to when the FIFO shows them.
    p1: DFF<Bit>,
    p2: DFF<Bit>,
    /// Result index of the next burst's first entry; results acknowledged (`res_head`).
    rs: DFF<Bits<16>>,
    rh: DFF<Bits<16>>,
    /// `rs & rmask`, address bits 31:3 of entry `rs`, min(16, to wrap, to 4 KiB) - 1.
    roff: DFF<Bits<16>>,
    whi: DFF<Bits<29>>,
    lim: DFF<Bits<4>>,
    /// Age of the oldest waiting entry (saturates at the hold).
    wh: DFF<Bits<2>>,
    /// Clocks until the burst precomputation reflects the last change of `rs`.
    wcool: DFF<Bits<3>>,
    /// A burst is in flight (launched, B not yet received); launched last clock.
    wbusy: DFF<Bit>,
    lq: DFF<Bit>,
    aw_valid: DFF<Bit>,
    aw_addr: DFF<Bits<32>>,
    aw_len: DFF<Bits<4>>,
    /// W beats to send (the burst's beats - 1 remaining before the last).
    wact: DFF<Bit>,
    wcnt: DFF<Bits<4>>,
    /// Beats of the burst in flight and its first result index.
    bl: DFF<Bits<5>>,
    bidx: DFF<Bits<16>>,
    /// Soft-reset drain of the write side (a burst was in flight).
    wdrain: DFF<Bit>,
    rne: DFF<Bit>,

    // ---- wiring leaves (named `*_ext`: see verif/lint-waivers.vlt) ----
    jm_ext: Widen<16, 24>,
    rm_ext: Widen<16, 29>,
    jfm_ext: Widen<16, 24>,
    sa_ext: Widen<24, 32>,
    ca_ext: Widen<24, 32>,
    swap_ext: ByteRev64,
    z_ext: Widen<64, 256>,
    r_ext: Widen<64, 256>,
    s_ext: Widen<64, 256>,
    qx_ext: Widen<64, 256>,
    qy_ext: Widen<64, 256>,
    tag_ext: Widen<16, 64>,
    code_ext: Widen<4, 64>,
    cyc_ext: Widen<32, 64>,
    ro_ext: Widen<16, 29>,
    wa_ext: Widen<29, 32>,
    bl_ext: Widen<4, 5>,
    bq_ext: Widen<5, 16>,
    al_ext: Widen<4, 8>,

    // ---- locals ----
    run: Signal<Local, Bit>,
    cdm: Signal<Local, Bits<16>>,
    cred_ok: Signal<Local, Bit>,
    start: Signal<Local, Bit>,
    ar_hs: Signal<Local, Bit>,
    rp_add: Signal<Local, Bits<5>>,
    beat: Signal<Local, Bit>,
    resp_bad: Signal<Local, Bit>,
    resp_sel: Signal<Local, Bits<2>>,
    wdrop: Signal<Local, Bit>,
    push: Signal<Local, Bit>,
    sel_tag: Signal<Local, Bits<16>>,
    sel_code: Signal<Local, Bits<4>>,
    sel_cyc: Signal<Local, Bits<32>>,
    wrap_m1: Signal<Local, Bits<16>>,
    wrap4: Signal<Local, Bits<4>>,
    pg: Signal<Local, Bits<9>>,
    page4: Signal<Local, Bits<4>>,
    m2: Signal<Local, Bits<4>>,
    launch: Signal<Local, Bit>,
    wsub: Signal<Local, Bits<5>>,
    wvalid: Signal<Local, Bit>,
    burst_open: Signal<Local, Bit>,

    // ---- constants ----
    ones16: Constant<Bits<16>>,
    ones24: Constant<Bits<24>>,
    ones29: Constant<Bits<29>>,
    c16_5: Constant<Bits<5>>,
    c5_5: Constant<Bits<5>>,
    c20_5: Constant<Bits<5>>,
    c1_5: Constant<Bits<5>>,
    c1_16: Constant<Bits<16>>,
    c1_2: Constant<Bits<2>>,
    c3_2: Constant<Bits<2>>,
    c_hold: Constant<Bits<2>>,
    c1_3: Constant<Bits<3>>,
    c7_3: Constant<Bits<3>>,
    c1_4: Constant<Bits<4>>,
    c15_4: Constant<Bits<4>>,
    c15_8: Constant<Bits<8>>,
    c4_8: Constant<Bits<8>>,
    c128_32: Constant<Bits<32>>,
    ff8: Constant<Bits<8>>,
    st_a: Constant<Bits<2>>,
    st_b: Constant<Bits<2>>,
    st_r: Constant<Bits<2>>,
    c_badjob: Constant<Bits<4>>,
    e_read: Constant<Bits<3>>,
    e_write: Constant<Bits<3>>,
    e_badjob: Constant<Bits<3>>,
    e_badres: Constant<Bits<3>>,
    zero2: Constant<Bits<2>>,
    zero3: Constant<Bits<3>>,
    zero4: Constant<Bits<4>>,
    zero5: Constant<Bits<5>>,
    zero16: Constant<Bits<16>>,
    zero32: Constant<Bits<32>>,
}

/// Builds the block: every signal, flip-flop and leaf at its default, the constants by value.
macro_rules! ring_new {
    ($($f:ident),* $(,)?; $($c:ident = $v:expr),* $(,)?) => {
        VerifyRing {
            $($f: Default::default(),)*
            $($c: Constant::new(Bits::from($v as u64)),)*
        }
    };
}

impl Default for VerifyRing {
    fn default() -> Self {
        Self::new()
    }
}

impl VerifyRing {
    pub fn new() -> Self {
        use super::model::{RingError as E, BAD_JOB_CODE, BATCH_HOLD_CLOCKS};
        const _: () = assert!(BATCH_HOLD_CLOCKS >= 1 && BATCH_HOLD_CLOCKS <= 3);
        ring_new!(
            clock, soft_reset, axi_reset, enable, job_base, job_log2, job_head, res_base,
            res_log2, res_tail, job_tail, res_head, res_nonempty, busy, err, err_code, err_resp,
            err_slot, job_valid, job_ready, job_kind, job_tag, job_prefix, job_z, job_r, job_s,
            job_qx, job_qy, verdict_valid, verdict_ready, verdict_tag, verdict_code,
            verdict_cycles, m_axi_araddr, m_axi_arlen, m_axi_arvalid, m_axi_arready,
            m_axi_rdata, m_axi_rresp, m_axi_rvalid, m_axi_rready, m_axi_awaddr, m_axi_awlen,
            m_axi_awvalid, m_axi_awready, m_axi_wdata, m_axi_wstrb, m_axi_wlast, m_axi_wvalid,
            m_axi_wready, m_axi_bresp, m_axi_bvalid, m_axi_bready,
            en1, en2, en3, jmask, rmask, jlog_ok, rlog_ok, jal_ok, ral_ok, jend_c, rend_c, jbad,
            rbad, err_q, err_code_q, err_resp_q, err_slot_q, whalt,
            f_st, jf, jt, slot_hi, cur_hi, cd, pubq, fcool, ar_valid, ar_addr, ar_len, ar_beats,
            rpend, rdrain, bcnt, slot_err, slot_resp, h_tag, h_kind, h_prefix, h_bad, vals, jv,
            bv, rq, wav, av4, p1, p2, rs, rh, roff, whi, lim, wh, wcool, wbusy, lq, aw_valid,
            aw_addr, aw_len, wact, wcnt, bl, bidx, wdrain, rne,
            jm_ext, rm_ext, jfm_ext, sa_ext, ca_ext, swap_ext, z_ext, r_ext,
            s_ext, qx_ext, qy_ext, tag_ext, code_ext, cyc_ext, ro_ext, wa_ext, bl_ext, bq_ext,
            al_ext,
            run, cdm, cred_ok, start, ar_hs, rp_add, beat, resp_bad, resp_sel, wdrop,
            push, sel_tag, sel_code, sel_cyc, wrap_m1, wrap4, pg, page4, m2, launch, wsub,
            wvalid, burst_open;
            ones16 = 0xFFFF, ones24 = 0xFF_FFFF, ones29 = 0x1FFF_FFFF, c16_5 = 16, c5_5 = 5, c20_5 = 20, c1_5 = 1, c1_16 = 1, c1_2 = 1,
            c3_2 = 3, c_hold = BATCH_HOLD_CLOCKS, c1_3 = 1, c7_3 = 7, c1_4 = 1, c15_4 = 15,
            c15_8 = 15, c4_8 = 4, c128_32 = 0x80, ff8 = 0xFF, st_a = 1, st_b = 2, st_r = 3,
            c_badjob = BAD_JOB_CODE, e_read = E::Read as u8, e_write = E::Write as u8,
            e_badjob = E::BadJobRing as u8, e_badres = E::BadResRing as u8, zero2 = 0,
            zero3 = 0, zero4 = 0, zero5 = 0, zero16 = 0, zero32 = 0,
        )
    }
}
