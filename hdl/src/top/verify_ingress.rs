//! `VerifyIngress<N>`: the verify-job DMA path of a ring top — a [`VerifyPath<N>`] (the
//! `VerifyRing` feeding a `VerifyCore<N>`) and the `VRING_*` registers that drive it:
//! `VRING_JOB_BASE`, `VRING_RES_BASE`, `VRING_CFG` (sizes, enable, soft reset),
//! `VRING_JOB_HEAD` (the doorbell), `VRING_RES_TAIL`, `VRING_STATUS` (one read is a poll),
//! `VRING_TAIL`. Ring formats and the flow-control rules: `hdl/src/vring/README.md`.
//!
//! - **Resets.** `reset` (hard) clears every register and resets the path. `clear` (hard or
//!   `CTRL.SOFT_RESET`) and a `VRING_CFG` write with `SOFT_RESET` set soft-reset the path
//!   (every job and verdict dropped, the core held in reset for `CORE_RESET_CLOCKS`) and zero
//!   `VRING_JOB_HEAD` / `VRING_RES_TAIL`; the bases, sizes and `ENABLE` are kept, so the driver
//!   can start the next batch with the doorbell alone once `VRING_STATUS.BUSY` is low.
//! - **Errors.** The clock the ring raises its error, this block reports
//!   `ErrorCode::RingError` to `ERROR` (no tag: the slot is in `VRING_TAIL.ERR_SLOT`); the ring
//!   stays stopped until a soft reset. The clock the core raises `fault` (never, by
//!   construction: `vcore::verify_core`), it reports `ErrorCode::CoreFault`.
//! - **STATUS.** `ECDSA_BUSY` while the path is busy or a job is inside the core.
//!
//! Interface to the top: the register port (`wr_*`, `rd_addr` -> `rdata`, zero unless one of
//! these registers is read), `status`, `err` (this clock's error code or 0), and the ring's
//! AXI master (read: job slots; write: verdict entries) as `m_axi_*`.
use rust_hdl::prelude::*;
use satchain_regmap as rm;

use crate::prim::{konst, regs, Placed, Widen};
use crate::vcore::fmul::plan::PlanError;
use crate::vcore::su::model::SuModulus;
use crate::vring::VerifyPath;

// The field positions the update below slices and places as literals (rust-hdl's `get_bits`
// takes a literal index): checked against the map here.
const _: () = {
    use rm::field::VRING_CFG as C;
    assert!(C::JOB_LOG2.lsb == 0 && C::JOB_LOG2.width == 5);
    assert!(C::RES_LOG2.lsb == 8 && C::RES_LOG2.width == 5);
    assert!(C::ENABLE.lsb == 16 && C::SOFT_RESET.lsb == 31);
    assert!(
        rm::field::VRING_JOB_HEAD::HEAD.lsb == 0 && rm::field::VRING_JOB_HEAD::HEAD.width == 16
    );
    assert!(
        rm::field::VRING_RES_TAIL::TAIL.lsb == 0 && rm::field::VRING_RES_TAIL::TAIL.width == 16
    );
    use rm::field::VRING_STATUS as S;
    assert!(S::RES_HEAD.lsb == 0 && S::RES_HEAD.width == 16);
    assert!(S::ERR_CODE.width == 3 && S::ERR_RESP.width == 2 && S::JOBS_INSIDE.width == 8);
    use rm::field::VRING_TAIL as T;
    assert!(T::JOB_TAIL.lsb == 0 && T::JOB_TAIL.width == 16 && T::ERR_SLOT.width == 16);
};

/// Interrupt coalescing of the result ring: results that must wait before
/// `STATUS.ECDSA_RESULT_VALID` rises (unless the hold-off ran out or the core is empty).
pub const RING_IRQ_RESULTS: u64 = 32;
/// Interrupt coalescing: clocks the first waiting result may wait (8,192 = 51 us at
/// 160 MHz), the longest a result waits for the interrupt.
pub const RING_IRQ_HOLDOFF: u64 = 8_192;

/// The ring path and its registers (see the module documentation).
#[derive(LogicBlock)]
pub struct VerifyIngress<const N: usize> {
    pub clock: Signal<In, Clock>,
    /// Hard reset.
    pub reset: Signal<In, Bit>,
    /// Hard or soft reset (`GlobalRegs::ireset`).
    pub clear: Signal<In, Bit>,
    pub wr_stb: Signal<In, Bit>,
    pub wr_addr: Signal<In, Bits<8>>,
    pub wr_data: Signal<In, Bits<32>>,
    pub rd_addr: Signal<In, Bits<8>>,
    pub rdata: Signal<Out, Bits<32>>,
    pub status: Signal<Out, Bits<32>>,
    pub err: Signal<Out, Bits<8>>,
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
    path: VerifyPath<N>,
    job_base: DFF<Bits<32>>,
    res_base: DFF<Bits<32>>,
    job_log2: DFF<Bits<5>>,
    res_log2: DFF<Bits<5>>,
    enable: DFF<Bit>,
    job_head: DFF<Bits<16>>,
    res_tail: DFF<Bits<16>>,
    /// `VRING_CFG.SOFT_RESET` written last clock.
    srst: DFF<Bit>,
    /// The ring's `err` last clock (its rising edge raises `RingError`).
    err_q: DFF<Bit>,
    /// The core's `fault` last clock.
    fault_q: DFF<Bit>,
    /// Clocks the result ring has been non-empty, saturating at `irq_t` (interrupt coalescing).
    irq_age: DFF<Bits<16>>,
    irq_k: Constant<Bits<16>>,
    irq_t: Constant<Bits<16>>,
    one16: Constant<Bits<16>>,
    w_jbase: Signal<Local, Bit>,
    w_rbase: Signal<Local, Bit>,
    w_cfg: Signal<Local, Bit>,
    w_head: Signal<Local, Bit>,
    w_tail: Signal<Local, Bit>,
    cfg_word: Signal<Local, Bits<32>>,
    st_word: Signal<Local, Bits<32>>,
    jlog_ext: Widen<5, 32>,
    rlog_ext: Placed<5, 32>,
    head_ext: Widen<16, 32>,
    tail_ext: Widen<16, 32>,
    rhead_ext: Widen<16, 32>,
    ecode_ext: Placed<3, 32>,
    eresp_ext: Placed<2, 32>,
    inside_ext: Placed<8, 32>,
    jtail_ext: Widen<16, 32>,
    eslot_ext: Placed<16, 32>,
    o_jbase: Constant<Bits<8>>,
    o_rbase: Constant<Bits<8>>,
    o_cfg: Constant<Bits<8>>,
    o_head: Constant<Bits<8>>,
    o_tail: Constant<Bits<8>>,
    o_status: Constant<Bits<8>>,
    o_jtail: Constant<Bits<8>>,
    m_enable: Constant<Bits<32>>,
    m_err: Constant<Bits<32>>,
    m_busy: Constant<Bits<32>>,
    m_nonempty: Constant<Bits<32>>,
    s_ecdsa_busy: Constant<Bits<32>>,
    s_ecdsa_rv: Constant<Bits<32>>,
    e_ring: Constant<Bits<8>>,
    e_fault: Constant<Bits<8>>,
    zero32: Constant<Bits<32>>,
    zero16: Constant<Bits<16>>,
    zero8: Constant<Bits<8>>,
    zero5: Constant<Bits<5>>,
}

impl<const N: usize> VerifyIngress<N> {
    /// The registers around a path whose core holds `rom`, `k`, `entries` and works modulo
    /// `md` (see [`VerifyPath::new`]; build it on a `fmul::BUILD_STACK` thread).
    ///
    /// # Errors
    /// A FieldMul's plan does not build.
    pub fn new(
        md: &SuModulus,
        rom: &[Bits<72>],
        k: &[Bits<256>],
        entries: [u16; 2],
    ) -> Result<Self, PlanError> {
        use rm::field::{STATUS as G, VRING_CFG as C, VRING_STATUS as S, VRING_TAIL as T};
        use rm::reg;
        Ok(Self {
            clock: Default::default(),
            reset: Default::default(),
            clear: Default::default(),
            wr_stb: Default::default(),
            wr_addr: Default::default(),
            wr_data: Default::default(),
            rd_addr: Default::default(),
            rdata: Default::default(),
            status: Default::default(),
            err: Default::default(),
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
            path: VerifyPath::new(md, rom, k, entries)?,
            job_base: Default::default(),
            res_base: Default::default(),
            job_log2: Default::default(),
            res_log2: Default::default(),
            enable: Default::default(),
            job_head: Default::default(),
            res_tail: Default::default(),
            srst: Default::default(),
            err_q: Default::default(),
            fault_q: Default::default(),
            irq_age: Default::default(),
            irq_k: konst(RING_IRQ_RESULTS),
            irq_t: konst(RING_IRQ_HOLDOFF),
            one16: konst(1),
            w_jbase: Default::default(),
            w_rbase: Default::default(),
            w_cfg: Default::default(),
            w_head: Default::default(),
            w_tail: Default::default(),
            cfg_word: Default::default(),
            st_word: Default::default(),
            jlog_ext: Default::default(),
            rlog_ext: Placed::new(C::RES_LOG2.lsb as usize),
            head_ext: Default::default(),
            tail_ext: Default::default(),
            rhead_ext: Default::default(),
            ecode_ext: Placed::new(S::ERR_CODE.lsb as usize),
            eresp_ext: Placed::new(S::ERR_RESP.lsb as usize),
            inside_ext: Placed::new(S::JOBS_INSIDE.lsb as usize),
            jtail_ext: Default::default(),
            eslot_ext: Placed::new(T::ERR_SLOT.lsb as usize),
            o_jbase: regs::offset(reg::VRING_JOB_BASE),
            o_rbase: regs::offset(reg::VRING_RES_BASE),
            o_cfg: regs::offset(reg::VRING_CFG),
            o_head: regs::offset(reg::VRING_JOB_HEAD),
            o_tail: regs::offset(reg::VRING_RES_TAIL),
            o_status: regs::offset(reg::VRING_STATUS),
            o_jtail: regs::offset(reg::VRING_TAIL),
            m_enable: regs::mask(C::ENABLE),
            m_err: regs::mask(S::ERR),
            m_busy: regs::mask(S::BUSY),
            m_nonempty: regs::mask(S::RES_NONEMPTY),
            s_ecdsa_busy: regs::mask(G::ECDSA_BUSY),
            s_ecdsa_rv: regs::mask(G::ECDSA_RESULT_VALID),
            e_ring: regs::error_code(rm::ErrorCode::RingError),
            e_fault: regs::error_code(rm::ErrorCode::CoreFault),
            zero32: konst(0),
            zero16: konst(0),
            zero8: konst(0),
            zero5: konst(0),
        })
    }
}

impl<const N: usize> Logic for VerifyIngress<N> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, job_base, res_base, job_log2, res_log2, enable, job_head, res_tail, srst,
            err_q, fault_q, irq_age
        );
        clock!(self, clock, path);

        // ---- register writes
        self.w_jbase.next = self.wr_stb.val() & (self.wr_addr.val() == self.o_jbase.val());
        self.w_rbase.next = self.wr_stb.val() & (self.wr_addr.val() == self.o_rbase.val());
        self.w_cfg.next = self.wr_stb.val() & (self.wr_addr.val() == self.o_cfg.val());
        self.w_head.next = self.wr_stb.val() & (self.wr_addr.val() == self.o_head.val());
        self.w_tail.next = self.wr_stb.val() & (self.wr_addr.val() == self.o_tail.val());
        if self.w_jbase.val() {
            self.job_base.d.next = self.wr_data.val();
        }
        if self.w_rbase.val() {
            self.res_base.d.next = self.wr_data.val();
        }
        if self.w_cfg.val() {
            self.job_log2.d.next = self.wr_data.val().get_bits::<5>(0);
            self.res_log2.d.next = self.wr_data.val().get_bits::<5>(8);
            self.enable.d.next = self.wr_data.val().get_bit(16);
        }
        self.srst.d.next = self.w_cfg.val() & self.wr_data.val().get_bit(31);
        if self.w_head.val() {
            self.job_head.d.next = self.wr_data.val().get_bits::<16>(0);
        }
        if self.w_tail.val() {
            self.res_tail.d.next = self.wr_data.val().get_bits::<16>(0);
        }
        // A soft reset (this block's or the global one) zeroes the indices with the pulse.
        if (self.w_cfg.val() & self.wr_data.val().get_bit(31)) | self.clear.val() {
            self.job_head.d.next = self.zero16.val();
            self.res_tail.d.next = self.zero16.val();
        }
        if self.reset.val() {
            self.job_base.d.next = self.zero32.val();
            self.res_base.d.next = self.zero32.val();
            self.job_log2.d.next = self.zero5.val();
            self.res_log2.d.next = self.zero5.val();
            self.enable.d.next = false;
            self.srst.d.next = false;
        }

        // ---- the path
        self.path.reset.next = self.reset.val();
        self.path.soft_reset.next = self.srst.q.val() | self.clear.val();
        self.path.enable.next = self.enable.q.val();
        self.path.job_base.next = self.job_base.q.val();
        self.path.job_log2.next = self.job_log2.q.val();
        self.path.job_head.next = self.job_head.q.val();
        self.path.res_base.next = self.res_base.q.val();
        self.path.res_log2.next = self.res_log2.q.val();
        self.path.res_tail.next = self.res_tail.q.val();

        // ---- status and errors
        self.err_q.d.next = self.path.err.val();
        self.err.next = self.zero8.val();
        self.fault_q.d.next = self.path.core_fault.val();
        if self.path.err.val() & !self.err_q.q.val() {
            self.err.next = self.e_ring.val();
        }
        if self.path.core_fault.val() & !self.fault_q.q.val() {
            self.err.next = self.e_fault.val();
        }
        self.status.next = self.zero32.val();
        if self.path.busy.val() | self.path.core_busy.val() {
            self.status.next = self.s_ecdsa_busy.val();
        }
        // Results written to the result ring and not yet taken (`VRING_RES_TAIL` behind the
        // head) set STATUS.ECDSA_RESULT_VALID, which the global registers turn into
        // IRQ_STATUS.ECDSA_DONE, so a driver can sleep on the interrupt instead of polling;
        // coalesced, so that one wake-up takes many results: the bit rises once
        // RING_IRQ_RESULTS results wait, or the first has waited RING_IRQ_HOLDOFF clocks, or
        // the core holds no job (the end of a batch, or a job ring software must refill).
        self.irq_age.d.next = self.zero16.val();
        if self.path.res_nonempty.val() {
            self.irq_age.d.next = self.irq_age.q.val();
            if self.irq_age.q.val() != self.irq_t.val() {
                self.irq_age.d.next = self.irq_age.q.val() + self.one16.val();
            }
        }
        if self.path.res_nonempty.val()
            & (((self.path.res_head.val() - self.res_tail.q.val()) >= self.irq_k.val())
                | (self.irq_age.q.val() == self.irq_t.val())
                | (self.path.jobs_inside.val() == self.zero8.val()))
        {
            self.status.next = self.status.val() | self.s_ecdsa_rv.val();
        }

        // ---- register reads
        self.jlog_ext.inp.next = self.job_log2.q.val();
        self.rlog_ext.inp.next = self.res_log2.q.val();
        self.head_ext.inp.next = self.job_head.q.val();
        self.tail_ext.inp.next = self.res_tail.q.val();
        self.rhead_ext.inp.next = self.path.res_head.val();
        self.ecode_ext.inp.next = self.path.err_code.val();
        self.eresp_ext.inp.next = self.path.err_resp.val();
        self.inside_ext.inp.next = self.path.jobs_inside.val();
        self.jtail_ext.inp.next = self.path.job_tail.val();
        self.eslot_ext.inp.next = self.path.err_slot.val();
        self.cfg_word.next = self.jlog_ext.out.val() | self.rlog_ext.out.val();
        if self.enable.q.val() {
            self.cfg_word.next = self.cfg_word.val() | self.m_enable.val();
        }
        self.st_word.next = self.rhead_ext.out.val()
            | self.ecode_ext.out.val()
            | self.eresp_ext.out.val()
            | self.inside_ext.out.val();
        if self.path.err.val() {
            self.st_word.next = self.st_word.val() | self.m_err.val();
        }
        if self.path.busy.val() {
            self.st_word.next = self.st_word.val() | self.m_busy.val();
        }
        if self.path.res_nonempty.val() {
            self.st_word.next = self.st_word.val() | self.m_nonempty.val();
        }
        self.rdata.next = self.zero32.val();
        if self.rd_addr.val() == self.o_jbase.val() {
            self.rdata.next = self.job_base.q.val();
        }
        if self.rd_addr.val() == self.o_rbase.val() {
            self.rdata.next = self.res_base.q.val();
        }
        if self.rd_addr.val() == self.o_cfg.val() {
            self.rdata.next = self.cfg_word.val();
        }
        if self.rd_addr.val() == self.o_head.val() {
            self.rdata.next = self.head_ext.out.val();
        }
        if self.rd_addr.val() == self.o_tail.val() {
            self.rdata.next = self.tail_ext.out.val();
        }
        if self.rd_addr.val() == self.o_status.val() {
            self.rdata.next = self.st_word.val();
        }
        if self.rd_addr.val() == self.o_jtail.val() {
            self.rdata.next = self.jtail_ext.out.val() | self.eslot_ext.out.val();
        }

        // ---- the ring's AXI master
        self.m_axi_araddr.next = self.path.m_axi_araddr.val();
        self.m_axi_arlen.next = self.path.m_axi_arlen.val();
        self.m_axi_arvalid.next = self.path.m_axi_arvalid.val();
        self.path.m_axi_arready.next = self.m_axi_arready.val();
        self.path.m_axi_rdata.next = self.m_axi_rdata.val();
        self.path.m_axi_rresp.next = self.m_axi_rresp.val();
        self.path.m_axi_rvalid.next = self.m_axi_rvalid.val();
        self.m_axi_rready.next = self.path.m_axi_rready.val();
        self.m_axi_awaddr.next = self.path.m_axi_awaddr.val();
        self.m_axi_awlen.next = self.path.m_axi_awlen.val();
        self.m_axi_awvalid.next = self.path.m_axi_awvalid.val();
        self.path.m_axi_awready.next = self.m_axi_awready.val();
        self.m_axi_wdata.next = self.path.m_axi_wdata.val();
        self.m_axi_wstrb.next = self.path.m_axi_wstrb.val();
        self.m_axi_wlast.next = self.path.m_axi_wlast.val();
        self.m_axi_wvalid.next = self.path.m_axi_wvalid.val();
        self.path.m_axi_wready.next = self.m_axi_wready.val();
        self.path.m_axi_bresp.next = self.m_axi_bresp.val();
        self.path.m_axi_bvalid.next = self.m_axi_bvalid.val();
        self.m_axi_bready.next = self.path.m_axi_bready.val();
    }
}
