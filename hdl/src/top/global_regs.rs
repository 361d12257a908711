//! `GlobalRegs`: the registers of the accelerator as a whole — ID, VERSION, MAP_HASH, CAPS,
//! CTRL (soft reset), STATUS (composed from the two paths' status bits and ERROR), ERROR
//! (first error latched), IRQ_ENABLE / IRQ_STATUS and the `irq` line, CYCLES.
//!
//! Interface: the register port (`wr_stb`/`wr_addr`/`wr_data` (bits 2:0), `rd_addr` → `rdata`, zero
//! unless a register of this block is read), `reset` (hard), `ireset` out (hard or soft
//! reset, from a flip-flop and `reset` only: every other block's reset), the paths' STATUS bits
//! in (`hash_status`, `ecdsa_status`: each zero outside its own bits) and their errors in
//! (`*_err` code or 0, `*_tag_set`/`*_tag`), `bad_addr` from the register block.
//!
//! Error priority in a clock (the first error since the last clear is kept): an unmapped
//! address, then the hash path's error, then the ECDSA path's; a tag is the last one a path
//! set (`HASH_CMD`/`HASH_DMA_CMD` always set it, a DMA read error and an engine fault too).
//! IRQ_STATUS bits are set while their condition holds (STATUS.HASH_RESULT_VALID,
//! STATUS.ECDSA_RESULT_VALID, ERROR nonzero) and write-1-to-clear.
use rust_hdl::prelude::*;
use satchain_regmap as rm;

use crate::prim::{konst, regs, Widen};

/// The global registers (see the module documentation).
#[derive(LogicBlock)]
pub struct GlobalRegs {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    /// `reset` or the one-clock `CTRL.SOFT_RESET` pulse.
    pub ireset: Signal<Out, Bit>,
    pub wr_stb: Signal<In, Bit>,
    pub wr_addr: Signal<In, Bits<8>>,
    /// Bits 2:0 of the written word: all this block's writable fields (CTRL.SOFT_RESET,
    /// IRQ_ENABLE, IRQ_STATUS; any write clears ERROR).
    pub wr_data: Signal<In, Bits<3>>,
    pub rd_addr: Signal<In, Bits<8>>,
    pub rdata: Signal<Out, Bits<32>>,
    pub bad_addr: Signal<In, Bit>,
    pub hash_status: Signal<In, Bits<32>>,
    pub hash_err: Signal<In, Bits<8>>,
    pub hash_tag_set: Signal<In, Bit>,
    pub hash_tag: Signal<In, Bits<8>>,
    pub ecdsa_status: Signal<In, Bits<32>>,
    pub ecdsa_err: Signal<In, Bits<8>>,
    pub ecdsa_tag_set: Signal<In, Bit>,
    pub ecdsa_tag: Signal<In, Bits<8>>,
    pub irq: Signal<Out, Bit>,
    srst: DFF<Bit>,
    cyc: DFF<Bits<32>>,
    err_code: DFF<Bits<8>>,
    err_tag: DFF<Bits<8>>,
    irq_en: DFF<Bits<3>>,
    irq_st: DFF<Bits<3>>,
    w_ctrl: Signal<Local, Bit>,
    w_error: Signal<Local, Bit>,
    w_irq_en: Signal<Local, Bit>,
    w_irq_st: Signal<Local, Bit>,
    cyc1: Signal<Local, Bits<32>>,
    new_err: Signal<Local, Bits<8>>,
    new_tag: Signal<Local, Bits<8>>,
    status: Signal<Local, Bits<32>>,
    ev: Signal<Local, Bits<3>>,
    err_tag_ext: Widen<8, 32>,
    err_code_ext: Widen<8, 32>,
    irq_en_ext: Widen<3, 32>,
    irq_st_ext: Widen<3, 32>,
    o_id: Constant<Bits<8>>,
    o_version: Constant<Bits<8>>,
    o_map_hash: Constant<Bits<8>>,
    o_caps: Constant<Bits<8>>,
    o_ctrl: Constant<Bits<8>>,
    o_status: Constant<Bits<8>>,
    o_error: Constant<Bits<8>>,
    o_irq_en: Constant<Bits<8>>,
    o_irq_st: Constant<Bits<8>>,
    o_cycles: Constant<Bits<8>>,
    v_id: Constant<Bits<32>>,
    v_version: Constant<Bits<32>>,
    v_map_hash: Constant<Bits<32>>,
    v_caps: Constant<Bits<32>>,
    e_bad_addr: Constant<Bits<8>>,
    s_error: Constant<Bits<32>>,
    s_hash_rv: Constant<Bits<32>>,
    s_ecdsa_rv: Constant<Bits<32>>,
    ev_hash: Constant<Bits<3>>,
    ev_ecdsa: Constant<Bits<3>>,
    ev_err: Constant<Bits<3>>,
    zero32: Constant<Bits<32>>,
    zero8: Constant<Bits<8>>,
    zero3: Constant<Bits<3>>,
    one32: Constant<Bits<32>>,
}

impl GlobalRegs {
    /// The global registers of a bitstream whose `CAPS` reads `caps`.
    pub fn new(caps: u32) -> Self {
        use rm::field::{IRQ_STATUS as I, STATUS as S};
        use rm::reg;
        Self {
            clock: Default::default(),
            reset: Default::default(),
            ireset: Default::default(),
            wr_stb: Default::default(),
            wr_addr: Default::default(),
            wr_data: Default::default(),
            rd_addr: Default::default(),
            rdata: Default::default(),
            bad_addr: Default::default(),
            hash_status: Default::default(),
            hash_err: Default::default(),
            hash_tag_set: Default::default(),
            hash_tag: Default::default(),
            ecdsa_status: Default::default(),
            ecdsa_err: Default::default(),
            ecdsa_tag_set: Default::default(),
            ecdsa_tag: Default::default(),
            irq: Default::default(),
            srst: Default::default(),
            cyc: Default::default(),
            err_code: Default::default(),
            err_tag: Default::default(),
            irq_en: Default::default(),
            irq_st: Default::default(),
            w_ctrl: Default::default(),
            w_error: Default::default(),
            w_irq_en: Default::default(),
            w_irq_st: Default::default(),
            cyc1: Default::default(),
            new_err: Default::default(),
            new_tag: Default::default(),
            status: Default::default(),
            ev: Default::default(),
            err_tag_ext: Default::default(),
            err_code_ext: Default::default(),
            irq_en_ext: Default::default(),
            irq_st_ext: Default::default(),
            o_id: regs::offset(reg::ID),
            o_version: regs::offset(reg::VERSION),
            o_map_hash: regs::offset(reg::MAP_HASH),
            o_caps: regs::offset(reg::CAPS),
            o_ctrl: regs::offset(reg::CTRL),
            o_status: regs::offset(reg::STATUS),
            o_error: regs::offset(reg::ERROR),
            o_irq_en: regs::offset(reg::IRQ_ENABLE),
            o_irq_st: regs::offset(reg::IRQ_STATUS),
            o_cycles: regs::offset(reg::CYCLES),
            v_id: konst(u64::from(rm::ID_VALUE)),
            v_version: konst(u64::from(rm::VERSION_VALUE)),
            v_map_hash: konst(u64::from(rm::MAP_HASH)),
            v_caps: konst(u64::from(caps)),
            e_bad_addr: regs::error_code(rm::ErrorCode::BadAddress),
            s_error: regs::mask(S::ERROR),
            s_hash_rv: regs::mask(S::HASH_RESULT_VALID),
            s_ecdsa_rv: regs::mask(S::ECDSA_RESULT_VALID),
            ev_hash: regs::mask_n(I::HASH_DONE),
            ev_ecdsa: regs::mask_n(I::ECDSA_DONE),
            ev_err: regs::mask_n(I::ERROR),
            zero32: konst(0),
            zero8: konst(0),
            zero3: konst(0),
            one32: konst(1),
        }
    }
}

impl Logic for GlobalRegs {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, srst, cyc, err_code, err_tag, irq_en, irq_st);
        self.ireset.next = self.reset.val() | self.srst.q.val();

        self.w_ctrl.next = self.wr_stb.val() & (self.wr_addr.val() == self.o_ctrl.val());
        self.w_error.next = self.wr_stb.val() & (self.wr_addr.val() == self.o_error.val());
        self.w_irq_en.next = self.wr_stb.val() & (self.wr_addr.val() == self.o_irq_en.val());
        self.w_irq_st.next = self.wr_stb.val() & (self.wr_addr.val() == self.o_irq_st.val());

        // Free-running cycle counter; soft reset pulse.
        self.cyc1.next = self.cyc.q.val() + self.one32.val();
        self.cyc.d.next = self.cyc1.val();
        self.srst.d.next = self.w_ctrl.val() & self.wr_data.val().get_bit(0);

        // This clock's error: unmapped address, then the hash path, then the ECDSA path.
        self.new_err.next = self.zero8.val();
        self.new_tag.next = self.zero8.val();
        if self.bad_addr.val() {
            self.new_err.next = self.e_bad_addr.val();
        }
        if self.hash_err.val() != self.zero8.val() {
            self.new_err.next = self.hash_err.val();
        }
        if self.hash_tag_set.val() {
            self.new_tag.next = self.hash_tag.val();
        }
        if self.ecdsa_err.val() != self.zero8.val() {
            self.new_err.next = self.ecdsa_err.val();
        }
        if self.ecdsa_tag_set.val() {
            self.new_tag.next = self.ecdsa_tag.val();
        }

        // ERROR keeps the first error until written.
        if self.w_error.val() {
            self.err_code.d.next = self.zero8.val();
            self.err_tag.d.next = self.zero8.val();
        }
        if (self.new_err.val() != self.zero8.val())
            & ((self.err_code.q.val() == self.zero8.val()) | self.w_error.val())
        {
            self.err_code.d.next = self.new_err.val();
            self.err_tag.d.next = self.new_tag.val();
        }

        // STATUS: the paths' bits and ERROR.
        self.status.next = self.hash_status.val() | self.ecdsa_status.val();
        if self.err_code.q.val() != self.zero8.val() {
            self.status.next = self.status.val() | self.s_error.val();
        }

        // IRQ: status bits set while their condition holds, write 1 to clear.
        if self.w_irq_en.val() {
            self.irq_en.d.next = self.wr_data.val();
        }
        self.ev.next = self.zero3.val();
        if (self.status.val() & self.s_hash_rv.val()) != self.zero32.val() {
            self.ev.next = self.ev.val() | self.ev_hash.val();
        }
        if (self.status.val() & self.s_ecdsa_rv.val()) != self.zero32.val() {
            self.ev.next = self.ev.val() | self.ev_ecdsa.val();
        }
        if self.err_code.q.val() != self.zero8.val() {
            self.ev.next = self.ev.val() | self.ev_err.val();
        }
        self.irq_st.d.next = self.irq_st.q.val() | self.ev.val();
        if self.w_irq_st.val() {
            self.irq_st.d.next = (self.irq_st.q.val() & !self.wr_data.val()) | self.ev.val();
        }
        self.irq.next = (self.irq_st.q.val() & self.irq_en.q.val()).any();

        // Read mux of this block's registers.
        self.err_tag_ext.inp.next = self.err_tag.q.val();
        self.err_code_ext.inp.next = self.err_code.q.val();
        self.irq_en_ext.inp.next = self.irq_en.q.val();
        self.irq_st_ext.inp.next = self.irq_st.q.val();
        self.rdata.next = self.zero32.val();
        if self.rd_addr.val() == self.o_id.val() {
            self.rdata.next = self.v_id.val();
        }
        if self.rd_addr.val() == self.o_version.val() {
            self.rdata.next = self.v_version.val();
        }
        if self.rd_addr.val() == self.o_map_hash.val() {
            self.rdata.next = self.v_map_hash.val();
        }
        if self.rd_addr.val() == self.o_caps.val() {
            self.rdata.next = self.v_caps.val();
        }
        if self.rd_addr.val() == self.o_status.val() {
            self.rdata.next = self.status.val();
        }
        if self.rd_addr.val() == self.o_error.val() {
            self.rdata.next = (self.err_tag_ext.out.val() << 8) | self.err_code_ext.out.val();
        }
        if self.rd_addr.val() == self.o_irq_en.val() {
            self.rdata.next = self.irq_en_ext.out.val();
        }
        if self.rd_addr.val() == self.o_irq_st.val() {
            self.rdata.next = self.irq_st_ext.out.val();
        }
        if self.rd_addr.val() == self.o_cycles.val() {
            self.rdata.next = self.cyc.q.val();
        }

        // Soft reset clears ERROR and IRQ_STATUS; only the hard reset clears IRQ_ENABLE.
        if self.ireset.val() {
            self.err_code.d.next = self.zero8.val();
            self.err_tag.d.next = self.zero8.val();
            self.irq_st.d.next = self.zero3.val();
        }
        if self.reset.val() {
            self.irq_en.d.next = self.zero3.val();
            self.srst.d.next = false;
        }
    }
}
