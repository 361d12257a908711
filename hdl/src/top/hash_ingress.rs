//! `HashIngress<UNITS>`: the hash path of the top — the `HashCluster` and the registers that
//! feed and drain it: `HASH_CMD`, `HASH_DATA`, `HASH_DMA_ADDR`, `HASH_DMA_CMD`, `HASH_RESULT`,
//! `HASH_DIGEST0..7`, `HASH_POP`, and its bits of STATUS.
//!
//! - `HASH_CMD` is checked on write: a MODE at or above `HashMode::COUNT` -> `BadMode`, a LEN
//!   other than the mode's `fixed_len()` -> `BadLength`, command queue full -> `CmdOverflow`;
//!   a refused command queues nothing. Each accepted command expects `ceil(LEN/4)`
//!   `HASH_DATA` words (`hexp` counts them); a word with none expected, or while the data
//!   queue is full, is dropped with `DataOverflow`.
//! - `HASH_DMA_CMD` queues a DMA job {`HASH_DMA_ADDR`, LEN, MODE, TAG}: the same MODE/LEN
//!   checks, then ADDR not 8-byte aligned or ADDR + LEN past 2^32 -> `DmaBadDescriptor`,
//!   descriptor queue full -> `CmdOverflow`. The end-of-address-space check is prepared when
//!   `HASH_DMA_ADDR` is written (no 33-bit addition on the command's path, which was the bus
//!   clock's critical path): LEN < 2^21, so ADDR + LEN > 2^32 exactly when ADDR's bits 31:21
//!   are all ones (`dma_top`) and LEN > 2^21 - ADDR[20:0] (`dma_room`, 1..2^21). An RRESP error latches `DmaReadError` with the
//!   job's tag unless this clock's register access already raised an error (`err_in`: the
//!   register block's unmapped-address pulse, or a command refused above).
//! - `HASH_POP` on an empty FIFO -> `ResultUnderflow`.
//!
//! Interface to the top: the register port (`wr_*`, `rd_addr` -> `rdata`), `status` (its
//! STATUS bits: HASH_READY, HASH_RESULT_VALID, HASH_BUSY, HASH_DMA_READY), this clock's
//! error (`err`, 0 for none; `tag_set`/`tag`), `clear` (hard or soft reset: cluster, FIFOs,
//! `hexp`), `reset` (hard reset only: `HASH_DMA_ADDR`, the AXI channel) and the DMA read
//! master `m_axi_*`.
use rust_hdl::prelude::*;
use satchain_regmap as rm;

use crate::prim::{konst, regs, Widen};
use crate::sha256::HashCluster;

/// Modes with a fixed `LEN` (MERKLE64, HEADER80).
const FIXED_MODES: usize = {
    let mut n = 0;
    let mut i = 0;
    while i < rm::HashMode::ALL.len() {
        if rm::HashMode::ALL[i].fixed_len().is_some() {
            n += 1;
        }
        i += 1;
    }
    n
};

/// The hash path (see the module documentation).
#[derive(LogicBlock)]
pub struct HashIngress<const UNITS: usize> {
    pub clock: Signal<In, Clock>,
    /// Hard reset.
    pub reset: Signal<In, Bit>,
    /// Hard or soft reset.
    pub clear: Signal<In, Bit>,
    pub wr_stb: Signal<In, Bit>,
    pub wr_addr: Signal<In, Bits<8>>,
    pub wr_data: Signal<In, Bits<32>>,
    pub rd_addr: Signal<In, Bits<8>>,
    pub rdata: Signal<Out, Bits<32>>,
    pub status: Signal<Out, Bits<32>>,
    /// An error was raised earlier in this clock (unmapped address): a DMA read error waits.
    pub err_in: Signal<In, Bit>,
    pub err: Signal<Out, Bits<8>>,
    pub tag_set: Signal<Out, Bit>,
    pub tag: Signal<Out, Bits<8>>,
    pub m_axi_araddr: Signal<Out, Bits<32>>,
    pub m_axi_arlen: Signal<Out, Bits<8>>,
    pub m_axi_arvalid: Signal<Out, Bit>,
    pub m_axi_arready: Signal<In, Bit>,
    pub m_axi_rdata: Signal<In, Bits<64>>,
    pub m_axi_rresp: Signal<In, Bits<2>>,
    pub m_axi_rvalid: Signal<In, Bit>,
    pub m_axi_rready: Signal<Out, Bit>,
    hc: HashCluster<UNITS>,
    dma_addr: DFF<Bits<32>>,
    dma_top: DFF<Bit>,
    dma_room: DFF<Bits<22>>,
    hexp: DFF<Bits<22>>,
    w_hcmd: Signal<Local, Bit>,
    w_hdata: Signal<Local, Bit>,
    w_hpop: Signal<Local, Bit>,
    w_daddr: Signal<Local, Bit>,
    w_dcmd: Signal<Local, Bit>,
    c_tag: Signal<Local, Bits<8>>,
    c_mode: Signal<Local, Bits<3>>,
    c_len: Signal<Local, Bits<21>>,
    mode_bad: Signal<Local, Bit>,
    len_bad: Signal<Local, Bit>,
    c_len_ext: Widen<21, 22>,
    c_words3: Signal<Local, Bits<22>>,
    c_words: Signal<Local, Bits<22>>,
    exp_m1: Signal<Local, Bits<22>>,
    exp_plus: Signal<Local, Bits<22>>,
    waddr_lo_ext: Widen<21, 22>,
    hres_tag_ext: Widen<8, 32>,
    o_hcmd: Constant<Bits<8>>,
    o_hdata: Constant<Bits<8>>,
    o_hres: Constant<Bits<8>>,
    o_hpop: Constant<Bits<8>>,
    o_hdig: [Constant<Bits<8>>; 8],
    o_daddr: Constant<Bits<8>>,
    o_dcmd: Constant<Bits<8>>,
    mode_limit: Constant<Bits<3>>,
    mode_sha256: Constant<Bits<3>>,
    fixed_mode: [Constant<Bits<3>>; FIXED_MODES],
    fixed_len: [Constant<Bits<21>>; FIXED_MODES],
    e_bad_mode: Constant<Bits<8>>,
    e_bad_len: Constant<Bits<8>>,
    e_cmd_ovf: Constant<Bits<8>>,
    e_data_ovf: Constant<Bits<8>>,
    e_underflow: Constant<Bits<8>>,
    e_dma_desc: Constant<Bits<8>>,
    e_dma_read: Constant<Bits<8>>,
    s_hash_ready: Constant<Bits<32>>,
    s_hash_rv: Constant<Bits<32>>,
    s_hash_busy: Constant<Bits<32>>,
    s_dma_ready: Constant<Bits<32>>,
    top11: Constant<Bits<11>>,
    span22: Constant<Bits<22>>,
    zero32: Constant<Bits<32>>,
    zero22: Constant<Bits<22>>,
    zero8: Constant<Bits<8>>,
    zero3: Constant<Bits<3>>,
    one22: Constant<Bits<22>>,
    three22: Constant<Bits<22>>,
    one32: Constant<Bits<32>>,
}

impl<const UNITS: usize> Default for HashIngress<UNITS> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const UNITS: usize> HashIngress<UNITS> {
    pub fn new() -> Self {
        use rm::field::STATUS as S;
        use rm::{reg, ErrorCode as E, HashMode};
        let mut fixed = HashMode::ALL
            .into_iter()
            .filter_map(|m| m.fixed_len().map(|len| (m, len)));
        let fixed: [(HashMode, u32); FIXED_MODES] =
            std::array::from_fn(|_| fixed.next().unwrap_or((HashMode::Sha256, 0)));
        Self {
            clock: Default::default(),
            reset: Default::default(),
            clear: Default::default(),
            wr_stb: Default::default(),
            wr_addr: Default::default(),
            wr_data: Default::default(),
            rd_addr: Default::default(),
            rdata: Default::default(),
            status: Default::default(),
            err_in: Default::default(),
            err: Default::default(),
            tag_set: Default::default(),
            tag: Default::default(),
            m_axi_araddr: Default::default(),
            m_axi_arlen: Default::default(),
            m_axi_arvalid: Default::default(),
            m_axi_arready: Default::default(),
            m_axi_rdata: Default::default(),
            m_axi_rresp: Default::default(),
            m_axi_rvalid: Default::default(),
            m_axi_rready: Default::default(),
            hc: HashCluster::new(),
            dma_addr: Default::default(),
            dma_top: Default::default(),
            dma_room: Default::default(),
            hexp: Default::default(),
            w_hcmd: Default::default(),
            w_hdata: Default::default(),
            w_hpop: Default::default(),
            w_daddr: Default::default(),
            w_dcmd: Default::default(),
            c_tag: Default::default(),
            c_mode: Default::default(),
            c_len: Default::default(),
            mode_bad: Default::default(),
            len_bad: Default::default(),
            c_len_ext: Default::default(),
            c_words3: Default::default(),
            c_words: Default::default(),
            exp_m1: Default::default(),
            exp_plus: Default::default(),
            waddr_lo_ext: Default::default(),
            hres_tag_ext: Default::default(),
            o_hcmd: regs::offset(reg::HASH_CMD),
            o_hdata: regs::offset(reg::HASH_DATA),
            o_hres: regs::offset(reg::HASH_RESULT),
            o_hpop: regs::offset(reg::HASH_POP),
            o_hdig: regs::offsets([
                reg::HASH_DIGEST0,
                reg::HASH_DIGEST1,
                reg::HASH_DIGEST2,
                reg::HASH_DIGEST3,
                reg::HASH_DIGEST4,
                reg::HASH_DIGEST5,
                reg::HASH_DIGEST6,
                reg::HASH_DIGEST7,
            ]),
            o_daddr: regs::offset(reg::HASH_DMA_ADDR),
            o_dcmd: regs::offset(reg::HASH_DMA_CMD),
            mode_limit: konst(u64::from(HashMode::COUNT)),
            mode_sha256: regs::hash_mode(HashMode::Sha256),
            fixed_mode: fixed.map(|(m, _)| regs::hash_mode(m)),
            fixed_len: fixed.map(|(_, len)| konst(u64::from(len))),
            e_bad_mode: regs::error_code(E::BadMode),
            e_bad_len: regs::error_code(E::BadLength),
            e_cmd_ovf: regs::error_code(E::CmdOverflow),
            e_data_ovf: regs::error_code(E::DataOverflow),
            e_underflow: regs::error_code(E::ResultUnderflow),
            e_dma_desc: regs::error_code(E::DmaBadDescriptor),
            e_dma_read: regs::error_code(E::DmaReadError),
            s_hash_ready: regs::mask(S::HASH_READY),
            s_hash_rv: regs::mask(S::HASH_RESULT_VALID),
            s_hash_busy: regs::mask(S::HASH_BUSY),
            s_dma_ready: regs::mask(S::HASH_DMA_READY),
            top11: konst(0x7FF),
            span22: konst(1 << 21),
            zero32: konst(0),
            zero22: konst(0),
            zero8: konst(0),
            zero3: konst(0),
            one22: konst(1),
            three22: konst(3),
            one32: konst(1),
        }
    }
}

impl<const UNITS: usize> Logic for HashIngress<UNITS> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, dma_addr, dma_top, dma_room, hexp);
        clock!(self, clock, hc);
        self.hc.reset.next = self.clear.val();
        self.hc.axi_reset.next = self.reset.val();
        self.m_axi_araddr.next = self.hc.m_axi_araddr.val();
        self.m_axi_arlen.next = self.hc.m_axi_arlen.val();
        self.m_axi_arvalid.next = self.hc.m_axi_arvalid.val();
        self.hc.m_axi_arready.next = self.m_axi_arready.val();
        self.hc.m_axi_rdata.next = self.m_axi_rdata.val();
        self.hc.m_axi_rresp.next = self.m_axi_rresp.val();
        self.hc.m_axi_rvalid.next = self.m_axi_rvalid.val();
        self.m_axi_rready.next = self.hc.m_axi_rready.val();

        self.w_hcmd.next = self.wr_stb.val() & (self.wr_addr.val() == self.o_hcmd.val());
        self.w_hdata.next = self.wr_stb.val() & (self.wr_addr.val() == self.o_hdata.val());
        self.w_hpop.next = self.wr_stb.val() & (self.wr_addr.val() == self.o_hpop.val());
        self.w_daddr.next = self.wr_stb.val() & (self.wr_addr.val() == self.o_daddr.val());
        self.w_dcmd.next = self.wr_stb.val() & (self.wr_addr.val() == self.o_dcmd.val());

        self.err.next = self.zero8.val();
        self.tag_set.next = false;
        self.tag.next = self.zero8.val();

        // The fields of HASH_CMD and HASH_DMA_CMD (the same layout) and their checks.
        self.c_tag.next = self.wr_data.val().get_bits::<8>(0);
        self.c_mode.next = self.wr_data.val().get_bits::<3>(8);
        self.c_len.next = self.wr_data.val().get_bits::<21>(11);
        self.mode_bad.next = self.c_mode.val() >= self.mode_limit.val();
        self.len_bad.next = false;
        for i in 0..FIXED_MODES {
            if (self.c_mode.val() == self.fixed_mode[i].val())
                & (self.c_len.val() != self.fixed_len[i].val())
            {
                self.len_bad.next = true;
            }
        }
        self.c_len_ext.inp.next = self.c_len.val();
        self.c_words3.next = self.c_len_ext.out.val() + self.three22.val();
        self.c_words.next = self.c_words3.val() >> 2;
        self.exp_plus.next = self.hexp.q.val() + self.c_words.val();
        self.exp_m1.next = self.hexp.q.val() - self.one22.val();

        // Register-path commands.
        self.hc.cmd_valid.next = false;
        self.hc.cmd_double.next = self.c_mode.val() != self.mode_sha256.val();
        self.hc.cmd_len.next = self.c_len.val();
        self.hc.cmd_tag.next = self.c_tag.val();
        self.hc.data_valid.next = false;
        self.hc.data.next = self.wr_data.val();
        self.hc.res_pop.next = false;
        if self.w_hcmd.val() {
            self.tag_set.next = true;
            self.tag.next = self.c_tag.val();
            if self.mode_bad.val() {
                self.err.next = self.e_bad_mode.val();
            } else if self.len_bad.val() {
                self.err.next = self.e_bad_len.val();
            } else if !self.hc.cmd_ready.val() {
                self.err.next = self.e_cmd_ovf.val();
            } else {
                self.hc.cmd_valid.next = true;
                self.hexp.d.next = self.exp_plus.val();
            }
        }

        // DMA descriptors: the same MODE/LEN checks, then alignment and the end of the
        // address space (prepared with the address: see the module documentation).
        self.waddr_lo_ext.inp.next = self.wr_data.val().get_bits::<21>(0);
        if self.w_daddr.val() {
            self.dma_addr.d.next = self.wr_data.val();
            self.dma_top.d.next = self.wr_data.val().get_bits::<11>(21) == self.top11.val();
            self.dma_room.d.next = self.span22.val() - self.waddr_lo_ext.out.val();
        }
        self.hc.dcmd_valid.next = false;
        self.hc.dcmd_double.next = self.c_mode.val() != self.mode_sha256.val();
        self.hc.dcmd_len.next = self.c_len.val();
        self.hc.dcmd_tag.next = self.c_tag.val();
        self.hc.dcmd_addr.next = self.dma_addr.q.val();
        if self.w_dcmd.val() {
            self.tag_set.next = true;
            self.tag.next = self.c_tag.val();
            if self.mode_bad.val() {
                self.err.next = self.e_bad_mode.val();
            } else if self.len_bad.val() {
                self.err.next = self.e_bad_len.val();
            } else if (self.dma_addr.q.val().get_bits::<3>(0) != self.zero3.val())
                | (self.dma_top.q.val() & (self.c_len_ext.out.val() > self.dma_room.q.val()))
            {
                self.err.next = self.e_dma_desc.val();
            } else if !self.hc.dcmd_ready.val() {
                self.err.next = self.e_cmd_ovf.val();
            } else {
                self.hc.dcmd_valid.next = true;
            }
        }
        // A DMA read error, unless this clock's register access raised one.
        if self.hc.dma_err.val() & !self.err_in.val() & (self.err.val() == self.zero8.val()) {
            self.err.next = self.e_dma_read.val();
            self.tag_set.next = true;
            self.tag.next = self.hc.dma_err_tag.val();
        }

        // Data words and result pops.
        if self.w_hdata.val() {
            if (self.hexp.q.val() == self.zero22.val()) | !self.hc.data_ready.val() {
                self.err.next = self.e_data_ovf.val();
            } else {
                self.hc.data_valid.next = true;
                self.hexp.d.next = self.exp_m1.val();
            }
        }
        if self.w_hpop.val() {
            if self.hc.res_valid.val() {
                self.hc.res_pop.next = true;
            } else {
                self.err.next = self.e_underflow.val();
            }
        }

        // STATUS bits of this path.
        self.status.next = self.zero32.val();
        if self.hc.cmd_ready.val() & self.hc.data_ready.val() {
            self.status.next = self.status.val() | self.s_hash_ready.val();
        }
        if self.hc.res_valid.val() {
            self.status.next = self.status.val() | self.s_hash_rv.val();
        }
        if self.hc.busy.val() | (self.hexp.q.val() != self.zero22.val()) {
            self.status.next = self.status.val() | self.s_hash_busy.val();
        }
        if self.hc.dcmd_ready.val() {
            self.status.next = self.status.val() | self.s_dma_ready.val();
        }

        // Read mux of this path's registers.
        self.hres_tag_ext.inp.next = self.hc.res_tag.val();
        self.rdata.next = self.zero32.val();
        if self.rd_addr.val() == self.o_daddr.val() {
            self.rdata.next = self.dma_addr.q.val();
        }
        if self.rd_addr.val() == self.o_hres.val() {
            if self.hc.res_valid.val() {
                self.rdata.next = (self.hres_tag_ext.out.val() << 8) | self.one32.val();
            }
        }
        for i in 0..8 {
            if self.rd_addr.val() == self.o_hdig[i].val() {
                if self.hc.res_valid.val() {
                    self.rdata.next = self.hc.res_digest.val().get_bits::<32>(224 - 32 * i);
                }
            }
        }

        if self.clear.val() {
            self.hexp.d.next = self.zero22.val();
        }
        if self.reset.val() {
            self.dma_addr.d.next = self.zero32.val();
            self.dma_top.d.next = false;
            self.dma_room.d.next = self.span22.val();
        }
    }
}
