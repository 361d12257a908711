//! `EcdsaDispatch<ENGINES>`: the ECDSA path of the top — `ENGINES` engines (each behind its
//! clock-domain crossing, `EngineCdc`), the operand staging, the dispatcher and the result
//! FIFO; the registers `ECDSA_IN`, `ECDSA_RESULT`, `ECDSA_CYCLES`, `ECDSA_POP` and its bits of
//! STATUS.
//!
//! - `ECDSA_IN`: the 40 operand words of a job (`satchain_regmap::EcdsaJob::words`: Z, R, S,
//!   QX, QY, most-significant word first) are shifted into a staging register, the 41st (KEY)
//!   queues the job; a write while a job waits in staging -> `EcdsaOverflow`.
//! - A queued job is loaded into the lowest idle engine (R0..R5, one per clock) and started;
//!   results (tag, code, cycles) go to the result FIFO, lowest engine first. An `EngineFault`
//!   result also raises `EngineTimeout` with the job's tag.
//! - `ECDSA_POP` on an empty FIFO -> `ResultUnderflow`.
//!
//! Interface to the top (what a replacement ECDSA core implements): `clock` (bus), the
//! engines' `ecdsa_clock`, `reset` (hard or soft), the register port (`wr_*`, `rd_addr` ->
//! `rdata`, zero unless one of its registers is read), `status` (ECDSA_READY,
//! ECDSA_RESULT_VALID, ECDSA_BUSY) and this clock's error (`err`, 0 for none; `tag_set`/`tag`).
use rust_hdl::prelude::*;
use satchain_regmap as rm;

use crate::ecdsa::cdc::EngineCdc;
use crate::prim::{konst, regs, SyncFifo, Widen};
use crate::sha256::cluster::RESULT_FIFO_LOG2;

/// Engine operand registers loaded per job (R0..R5); `ld_cnt` counts R0..R5, then starts.
const LOAD_LAST: u64 = 5;

/// The ECDSA path (see the module documentation).
#[derive(LogicBlock)]
pub struct EcdsaDispatch<const ENGINES: usize> {
    pub clock: Signal<In, Clock>,
    pub ecdsa_clock: Signal<In, Clock>,
    /// Hard or soft reset.
    pub reset: Signal<In, Bit>,
    pub wr_stb: Signal<In, Bit>,
    pub wr_addr: Signal<In, Bits<8>>,
    pub wr_data: Signal<In, Bits<32>>,
    pub rd_addr: Signal<In, Bits<8>>,
    pub rdata: Signal<Out, Bits<32>>,
    pub status: Signal<Out, Bits<32>>,
    pub err: Signal<Out, Bits<8>>,
    pub tag_set: Signal<Out, Bit>,
    pub tag: Signal<Out, Bits<8>>,
    eng: [EngineCdc; ENGINES],
    eres: SyncFifo<Bits<44>, RESULT_FIFO_LOG2, { RESULT_FIFO_LOG2 + 1 }>,
    stage: DFF<Bits<1280>>,
    st_cnt: DFF<Bits<6>>,
    st_full: DFF<Bit>,
    st_key: DFF<Bits<16>>,
    ld_active: DFF<Bit>,
    ld_cnt: DFF<Bits<3>>,
    ld_eng: [DFF<Bit>; ENGINES],
    eng_busy: [DFF<Bit>; ENGINES],
    eng_pend: [DFF<Bit>; ENGINES],
    eng_tag: [DFF<Bits<8>>; ENGINES],
    w_ein: Signal<Local, Bit>,
    w_epop: Signal<Local, Bit>,
    win_ext: Widen<32, 1280>,
    prefix_ext: Widen<8, 256>,
    st_cnt1: Signal<Local, Bits<6>>,
    ld_cnt1: Signal<Local, Bits<3>>,
    efound: Signal<Local, Bit>,
    epick: [Signal<Local, Bit>; ENGINES],
    rfound: Signal<Local, Bit>,
    rpick: [Signal<Local, Bit>; ENGINES],
    r_tag: Signal<Local, Bits<8>>,
    r_code: Signal<Local, Bits<4>>,
    r_cycles: Signal<Local, Bits<32>>,
    r_tag_ext: Widen<8, 44>,
    r_code_ext: Widen<4, 44>,
    r_cyc_ext: Widen<32, 44>,
    any_eng_busy: Signal<Local, Bit>,
    eres_tag_ext: Widen<8, 32>,
    eres_code_ext: Widen<4, 32>,
    o_ein: Constant<Bits<8>>,
    o_eres: Constant<Bits<8>>,
    o_epop: Constant<Bits<8>>,
    o_ecyc: Constant<Bits<8>>,
    n_operand_words: Constant<Bits<6>>,
    ld_last: Constant<Bits<3>>,
    ld_start: Constant<Bits<3>>,
    e_ecdsa_ovf: Constant<Bits<8>>,
    e_timeout: Constant<Bits<8>>,
    e_underflow: Constant<Bits<8>>,
    code_fault: Constant<Bits<4>>,
    s_ecdsa_ready: Constant<Bits<32>>,
    s_ecdsa_rv: Constant<Bits<32>>,
    s_ecdsa_busy: Constant<Bits<32>>,
    zero32: Constant<Bits<32>>,
    zero8: Constant<Bits<8>>,
    zero6: Constant<Bits<6>>,
    zero4: Constant<Bits<4>>,
    zero3: Constant<Bits<3>>,
    one32: Constant<Bits<32>>,
    one6: Constant<Bits<6>>,
    one3: Constant<Bits<3>>,
}

impl<const ENGINES: usize> EcdsaDispatch<ENGINES> {
    /// The ECDSA path; its engines run `program` (the verify program).
    pub fn new(program: &[u32]) -> Self {
        use rm::field::STATUS as S;
        use rm::{reg, ErrorCode as E};
        Self {
            clock: Default::default(),
            ecdsa_clock: Default::default(),
            reset: Default::default(),
            wr_stb: Default::default(),
            wr_addr: Default::default(),
            wr_data: Default::default(),
            rd_addr: Default::default(),
            rdata: Default::default(),
            status: Default::default(),
            err: Default::default(),
            tag_set: Default::default(),
            tag: Default::default(),
            eng: std::array::from_fn(|_| EngineCdc::new(program)),
            eres: Default::default(),
            stage: Default::default(),
            st_cnt: Default::default(),
            st_full: Default::default(),
            st_key: Default::default(),
            ld_active: Default::default(),
            ld_cnt: Default::default(),
            ld_eng: std::array::from_fn(|_| Default::default()),
            eng_busy: std::array::from_fn(|_| Default::default()),
            eng_pend: std::array::from_fn(|_| Default::default()),
            eng_tag: std::array::from_fn(|_| Default::default()),
            w_ein: Default::default(),
            w_epop: Default::default(),
            win_ext: Default::default(),
            prefix_ext: Default::default(),
            st_cnt1: Default::default(),
            ld_cnt1: Default::default(),
            efound: Default::default(),
            epick: std::array::from_fn(|_| Default::default()),
            rfound: Default::default(),
            rpick: std::array::from_fn(|_| Default::default()),
            r_tag: Default::default(),
            r_code: Default::default(),
            r_cycles: Default::default(),
            r_tag_ext: Default::default(),
            r_code_ext: Default::default(),
            r_cyc_ext: Default::default(),
            any_eng_busy: Default::default(),
            eres_tag_ext: Default::default(),
            eres_code_ext: Default::default(),
            o_ein: regs::offset(reg::ECDSA_IN),
            o_eres: regs::offset(reg::ECDSA_RESULT),
            o_epop: regs::offset(reg::ECDSA_POP),
            o_ecyc: regs::offset(reg::ECDSA_CYCLES),
            n_operand_words: konst(u64::from(rm::ECDSA_JOB_WORDS - 1)),
            ld_last: konst(LOAD_LAST),
            ld_start: konst(LOAD_LAST + 1),
            e_ecdsa_ovf: regs::error_code(E::EcdsaOverflow),
            e_timeout: regs::error_code(E::EngineTimeout),
            e_underflow: regs::error_code(E::ResultUnderflow),
            code_fault: regs::ecdsa_code(rm::EcdsaCode::EngineFault),
            s_ecdsa_ready: regs::mask(S::ECDSA_READY),
            s_ecdsa_rv: regs::mask(S::ECDSA_RESULT_VALID),
            s_ecdsa_busy: regs::mask(S::ECDSA_BUSY),
            zero32: konst(0),
            zero8: konst(0),
            zero6: konst(0),
            zero4: konst(0),
            zero3: konst(0),
            one32: konst(1),
            one6: konst(1),
            one3: konst(1),
        }
    }
}

impl<const ENGINES: usize> Logic for EcdsaDispatch<ENGINES> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, stage, st_cnt, st_full, st_key, ld_active, ld_cnt);
        for e in 0..ENGINES {
            self.ld_eng[e].clock.next = self.clock.val();
            self.ld_eng[e].d.next = self.ld_eng[e].q.val();
            self.eng_busy[e].clock.next = self.clock.val();
            self.eng_busy[e].d.next = self.eng_busy[e].q.val();
            self.eng_pend[e].clock.next = self.clock.val();
            self.eng_pend[e].d.next = self.eng_pend[e].q.val();
            self.eng_tag[e].clock.next = self.clock.val();
            self.eng_tag[e].d.next = self.eng_tag[e].q.val();
            self.eng[e].clock.next = self.clock.val();
            self.eng[e].eclock.next = self.ecdsa_clock.val();
            self.eng[e].reset.next = self.reset.val();
        }
        clock!(self, clock, eres);
        self.eres.reset.next = self.reset.val();

        self.w_ein.next = self.wr_stb.val() & (self.wr_addr.val() == self.o_ein.val());
        self.w_epop.next = self.wr_stb.val() & (self.wr_addr.val() == self.o_epop.val());
        self.err.next = self.zero8.val();
        self.tag_set.next = false;
        self.tag.next = self.zero8.val();

        // ---- staging ----
        self.win_ext.inp.next = self.wr_data.val();
        self.st_cnt1.next = self.st_cnt.q.val() + self.one6.val();
        if self.w_ein.val() {
            if self.st_full.q.val() {
                self.err.next = self.e_ecdsa_ovf.val();
            } else if self.st_cnt.q.val() == self.n_operand_words.val() {
                self.st_key.d.next = self.wr_data.val().get_bits::<16>(0);
                self.st_full.d.next = true;
                self.st_cnt.d.next = self.zero6.val();
            } else {
                self.stage.d.next = (self.stage.q.val() << 32) | self.win_ext.out.val();
                self.st_cnt.d.next = self.st_cnt1.val();
            }
        }

        // ---- dispatch: lowest idle engine, R0..R5 one per clock, then start ----
        self.efound.next = false;
        for e in 0..ENGINES {
            self.epick[e].next = false;
            if !self.efound.val() & !self.eng_busy[e].q.val() {
                self.epick[e].next = true;
                self.efound.next = true;
            }
        }
        self.prefix_ext.inp.next = self.st_key.q.val().get_bits::<8>(0);
        self.ld_cnt1.next = self.ld_cnt.q.val() + self.one3.val();
        for e in 0..ENGINES {
            self.eng[e].load_en.next = false;
            self.eng[e].load_sel.next = self.ld_cnt.q.val();
            self.eng[e].load_data.next = self.stage.q.val().get_bits::<256>(1024);
            if self.ld_cnt.q.val() == self.ld_last.val() {
                self.eng[e].load_data.next = self.prefix_ext.out.val();
            }
            self.eng[e].start.next = false;
            if self.ld_active.q.val() & self.ld_eng[e].q.val() {
                if self.ld_cnt.q.val() == self.ld_start.val() {
                    self.eng[e].start.next = true;
                } else {
                    self.eng[e].load_en.next = true;
                }
            }
        }
        if self.ld_active.q.val() {
            self.ld_cnt.d.next = self.ld_cnt1.val();
            if self.ld_cnt.q.val() != self.ld_last.val() {
                self.stage.d.next = self.stage.q.val() << 256;
            }
            if self.ld_cnt.q.val() == self.ld_start.val() {
                self.ld_active.d.next = false;
                self.st_full.d.next = false;
            }
        } else if self.st_full.q.val() & self.efound.val() {
            self.ld_active.d.next = true;
            self.ld_cnt.d.next = self.zero3.val();
            for e in 0..ENGINES {
                self.ld_eng[e].d.next = self.epick[e].val();
                if self.epick[e].val() {
                    self.eng_busy[e].d.next = true;
                    self.eng_tag[e].d.next = self.st_key.q.val().get_bits::<8>(8);
                }
            }
        }

        // ---- results: lowest engine with a result first ----
        for e in 0..ENGINES {
            if self.eng[e].done.val() & self.eng_busy[e].q.val() {
                self.eng_pend[e].d.next = true;
            }
        }
        self.rfound.next = false;
        self.r_tag.next = self.zero8.val();
        self.r_code.next = self.zero4.val();
        self.r_cycles.next = self.zero32.val();
        for e in 0..ENGINES {
            self.rpick[e].next = false;
            if !self.rfound.val() & self.eng_pend[e].q.val() {
                self.rpick[e].next = true;
                self.rfound.next = true;
                self.r_tag.next = self.eng_tag[e].q.val();
                self.r_code.next = self.eng[e].code.val();
                self.r_cycles.next = self.eng[e].cycles.val();
            }
        }
        self.r_tag_ext.inp.next = self.r_tag.val();
        self.r_code_ext.inp.next = self.r_code.val();
        self.r_cyc_ext.inp.next = self.r_cycles.val();
        self.eres.data_in.next = (self.r_tag_ext.out.val() << 36)
            | (self.r_code_ext.out.val() << 32)
            | self.r_cyc_ext.out.val();
        self.eres.write.next = self.rfound.val() & !self.eres.full.val();
        if self.rfound.val() & !self.eres.full.val() {
            for e in 0..ENGINES {
                if self.rpick[e].val() {
                    self.eng_pend[e].d.next = false;
                    self.eng_busy[e].d.next = false;
                }
            }
            if self.r_code.val() == self.code_fault.val() {
                self.err.next = self.e_timeout.val();
                self.tag_set.next = true;
                self.tag.next = self.r_tag.val();
            }
        }
        self.eres.read.next = false;
        if self.w_epop.val() {
            if self.eres.empty.val() {
                self.err.next = self.e_underflow.val();
            } else {
                self.eres.read.next = true;
            }
        }
        self.any_eng_busy.next = false;
        for e in 0..ENGINES {
            if self.eng_busy[e].q.val() | self.eng[e].busy.val() {
                self.any_eng_busy.next = true;
            }
        }

        // ---- STATUS bits and the read mux of this path ----
        self.status.next = self.zero32.val();
        if !self.st_full.q.val() {
            self.status.next = self.status.val() | self.s_ecdsa_ready.val();
        }
        if !self.eres.empty.val() {
            self.status.next = self.status.val() | self.s_ecdsa_rv.val();
        }
        if self.st_full.q.val() | self.any_eng_busy.val() {
            self.status.next = self.status.val() | self.s_ecdsa_busy.val();
        }
        self.eres_tag_ext.inp.next = self.eres.data_out.val().get_bits::<8>(36);
        self.eres_code_ext.inp.next = self.eres.data_out.val().get_bits::<4>(32);
        self.rdata.next = self.zero32.val();
        if self.rd_addr.val() == self.o_eres.val() {
            if !self.eres.empty.val() {
                self.rdata.next = (self.eres_tag_ext.out.val() << 8)
                    | (self.eres_code_ext.out.val() << 4)
                    | self.one32.val();
            }
        }
        if self.rd_addr.val() == self.o_ecyc.val() {
            if !self.eres.empty.val() {
                self.rdata.next = self.eres.data_out.val().get_bits::<32>(0);
            }
        }

        if self.reset.val() {
            self.st_cnt.d.next = self.zero6.val();
            self.st_full.d.next = false;
            self.ld_active.d.next = false;
            for e in 0..ENGINES {
                self.eng_busy[e].d.next = false;
                self.eng_pend[e].d.next = false;
                self.ld_eng[e].d.next = false;
            }
        }
    }
}
