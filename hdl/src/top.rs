//! `AccelTop<UNITS, ENGINES>`: the accelerator as the Zynq sees it: the AXI4-Lite register
//! block (`RegBlock`, decode generated from the register map), the SHA-256 `HashCluster`,
//! `ENGINES` ECDSA engines with their operand staging and result FIFO, and the global
//! registers (CTRL, STATUS, ERROR, IRQ, CYCLES). Register offsets and constants come from
//! `satchain_regmap`; none is written here twice.
//!
//! Ports (fixed contract with the driver and the Vivado flow): `clock` (the bus clock: AXI,
//! register block, hash cluster, DMA, staging), `ecdsa_clock` (the engines' clock, asynchronous
//! to `clock`; see `ecdsa::cdc` and [`BUS_CLOCK_MHZ`] / [`ECDSA_CLOCK_MHZ`]), `reset` (active
//! high, synchronous to `clock`), `s_axi_*` (AXI4-Lite slave, 8-bit addresses, 32-bit data),
//! `irq`, and the DMA read master `m_axi_ar{addr[32],len[8],valid,ready}`,
//! `m_axi_r{data[64],resp,valid,ready}` (one ID, INCR bursts of 8-byte beats, at most 16 beats,
//! never crossing 4 KiB; the Vivado wrapper ties ARSIZE = 3, ARBURST = INCR and leaves RLAST
//! unused: beats are counted).
//!
//! Semantics (see `hdl/README.md` for the programmer's guide):
//! - `HASH_CMD` is checked on write: unknown MODE -> `BadMode`, LEN not 64 (MERKLE64) / 80
//!   (HEADER80) -> `BadLength`, command queue full -> `CmdOverflow`; a refused command queues
//!   nothing. Each accepted command expects `ceil(LEN/4)` `HASH_DATA` words; a word with none
//!   expected, or while the data queue is full, is dropped with `DataOverflow`.
//! - `HASH_DMA_CMD` queues a DMA job {`HASH_DMA_ADDR`, LEN, MODE, TAG}: the same MODE/LEN
//!   checks as `HASH_CMD`, then ADDR not 8-byte aligned or ADDR + LEN past 2^32 ->
//!   `DmaBadDescriptor`, descriptor queue full -> `CmdOverflow`; a refused descriptor queues
//!   nothing. The cluster's `DmaReader` fetches the bytes over the `m_axi_*` read master; an
//!   RRESP error latches `DmaReadError` with the job's tag (the job still completes).
//! - `HASH_POP`/`ECDSA_POP` on an empty FIFO -> `ResultUnderflow`.
//! - `ECDSA_IN`: 40 operand words (Z, R, S, QX, QY, most-significant word first) are shifted
//!   into a staging register, the 41st (KEY) queues the job; a write while a job waits in
//!   staging -> `EcdsaOverflow`. A queued job is loaded into the lowest idle engine (R0..R5,
//!   one per clock) and started; results (tag, code, cycles) go to the ECDSA result FIFO.
//!   An `EngineFault` result also latches `EngineTimeout` with the job's tag.
//! - ERROR keeps the first error (code, tag) until written. IRQ_STATUS bits are set while their
//!   condition holds (result FIFO not empty, ERROR nonzero) and cleared by writing 1 when it
//!   no longer holds; `irq` = OR of enabled status bits.
//! - `CTRL.SOFT_RESET` resets the cluster, engines, FIFOs, staging, ERROR and IRQ_STATUS.
use rust_hdl::prelude::*;
use satchain_regmap as rm;

use crate::ecdsa::cdc::EngineCdc;
use crate::regblock::RegBlock;
use crate::sha256::cluster::{HashCluster, RESULT_FIFO_LOG2};
use crate::sha256::fifo::SyncFifo;
use crate::sha256::widen::Widen;

const RESULT_FIFO_LOG2_U32: u32 = {
    assert!(RESULT_FIFO_LOG2 < 16);
    RESULT_FIFO_LOG2 as u32
};

/// ECDSA engines in the shipped configuration: two, for twice the verifies per second (each
/// engine ~9.6k LUT and 44 DSP48E1 as the top instantiates it; the whole top stays well inside
/// the 70 % budget, see `bitstreams/README.md`).
pub const DEFAULT_ENGINES: usize = 2;

/// The bus clock the design is projected at (MHz): AXI4-Lite, register block, hash cluster.
/// Its blocks' logic depth (15-16 levels, `bitstreams/synth.sh`) supports it; Zynq FCLK0.
pub const BUS_CLOCK_MHZ: f64 = 150.0;
/// The engines' clock (MHz), Zynq FCLK1 = IO PLL 1000 MHz / 13. The engine's longest path
/// (ModMul's final reduction: 43 CARRY4 + 11 LUT levels, ~12.4 ns by the `hw-report` delay
/// model) supports ~81 MHz; 76.9 MHz is the nearest FCLK of the IO PLL at or below.
pub const ECDSA_CLOCK_MHZ: f64 = 1000.0 / 13.0;
/// `ECDSA_CLOCK_MHZ / BUS_CLOCK_MHZ` as a fraction (20/39), for simulations that drive both
/// clocks (`verif::sim::Model` ticks `ecdsa_clock` at this ratio).
pub const ECDSA_CLOCK_RATIO: (u32, u32) = (20, 39);
const _: () = {
    // 20/39 * 150 = 1000/13 = 76.92: the ratio and the two clocks agree.
    assert!(ECDSA_CLOCK_RATIO.0 * 150 * 13 == ECDSA_CLOCK_RATIO.1 * 1000);
};

/// Value of the CAPS register for a configuration.
pub const fn caps_value(units: u32, engines: u32) -> u32 {
    rm::field::CAPS::HASH_UNITS.put(units)
        | rm::field::CAPS::ECDSA_ENGINES.put(engines)
        | rm::field::CAPS::HASH_MODES.put(0x0F)
        | rm::field::CAPS::RESULT_FIFO_LOG2.put(RESULT_FIFO_LOG2_U32)
        | rm::field::CAPS::HASH_DMA.put(1)
}

fn k<const N: usize>(v: u64) -> Constant<Bits<N>> {
    Constant::new(v.into())
}

fn off(r: rm::Register) -> Constant<Bits<8>> {
    k(u64::from(r.offset))
}

/// The accelerator top.
#[derive(LogicBlock)]
pub struct AccelTop<const UNITS: usize, const ENGINES: usize> {
    pub clock: Signal<In, Clock>,
    pub ecdsa_clock: Signal<In, Clock>,
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
    rb: RegBlock,
    dma_addr: DFF<Bits<32>>,
    w_daddr: Signal<Local, Bit>,
    w_dcmd: Signal<Local, Bit>,
    d_end: Signal<Local, Bits<33>>,
    daddr33_ext: Widen<32, 33>,
    dlen33_ext: Widen<21, 33>,
    o_daddr: Constant<Bits<8>>,
    o_dcmd: Constant<Bits<8>>,
    e_dma_desc: Constant<Bits<8>>,
    e_dma_read: Constant<Bits<8>>,
    s_dma_ready: Constant<Bits<32>>,
    zero3a: Constant<Bits<3>>,
    top33: Constant<Bits<33>>,
    hc: HashCluster<UNITS>,
    eng: [EngineCdc; ENGINES],
    eres: SyncFifo<Bits<44>, RESULT_FIFO_LOG2, { RESULT_FIFO_LOG2 + 1 }>,
    // global registers
    srst: DFF<Bit>,
    cyc: DFF<Bits<32>>,
    err_code: DFF<Bits<8>>,
    err_tag: DFF<Bits<8>>,
    irq_en: DFF<Bits<3>>,
    irq_st: DFF<Bits<3>>,
    hexp: DFF<Bits<22>>,
    // ECDSA staging and dispatch
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
    // combinational
    ireset: Signal<Local, Bit>,
    w_ctrl: Signal<Local, Bit>,
    w_error: Signal<Local, Bit>,
    w_irq_en: Signal<Local, Bit>,
    w_irq_st: Signal<Local, Bit>,
    w_hcmd: Signal<Local, Bit>,
    w_hdata: Signal<Local, Bit>,
    w_hpop: Signal<Local, Bit>,
    w_ein: Signal<Local, Bit>,
    w_epop: Signal<Local, Bit>,
    c_tag: Signal<Local, Bits<8>>,
    c_mode: Signal<Local, Bits<3>>,
    c_len: Signal<Local, Bits<21>>,
    c_len_ext: Widen<21, 22>,
    c_words3: Signal<Local, Bits<22>>,
    c_words: Signal<Local, Bits<22>>,
    exp_m1: Signal<Local, Bits<22>>,
    exp_plus: Signal<Local, Bits<22>>,
    new_err: Signal<Local, Bits<8>>,
    new_tag: Signal<Local, Bits<8>>,
    win_ext: Widen<32, 1280>,
    prefix_ext: Widen<8, 256>,
    st_cnt1: Signal<Local, Bits<6>>,
    cyc1: Signal<Local, Bits<32>>,
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
    ev: Signal<Local, Bits<3>>,
    rdv: Signal<Local, Bits<32>>,
    err_tag_ext: Widen<8, 32>,
    err_code_ext: Widen<8, 32>,
    irq_en_ext: Widen<3, 32>,
    irq_st_ext: Widen<3, 32>,
    hres_tag_ext: Widen<8, 32>,
    eres_tag_ext: Widen<8, 32>,
    eres_code_ext: Widen<4, 32>,
    // offsets (from the register map)
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
    o_hcmd: Constant<Bits<8>>,
    o_hdata: Constant<Bits<8>>,
    o_hres: Constant<Bits<8>>,
    o_hpop: Constant<Bits<8>>,
    o_hdig: [Constant<Bits<8>>; 8],
    o_ein: Constant<Bits<8>>,
    o_eres: Constant<Bits<8>>,
    o_epop: Constant<Bits<8>>,
    o_ecyc: Constant<Bits<8>>,
    // constant values
    v_id: Constant<Bits<32>>,
    v_version: Constant<Bits<32>>,
    v_map_hash: Constant<Bits<32>>,
    v_caps: Constant<Bits<32>>,
    zero32: Constant<Bits<32>>,
    zero22: Constant<Bits<22>>,
    zero8: Constant<Bits<8>>,
    zero6: Constant<Bits<6>>,
    zero3: Constant<Bits<3>>,
    zero4: Constant<Bits<4>>,
    one22: Constant<Bits<22>>,
    three22: Constant<Bits<22>>,
    one32: Constant<Bits<32>>,
    one6: Constant<Bits<6>>,
    one3: Constant<Bits<3>>,
    n_operand_words: Constant<Bits<6>>,
    ld_last: Constant<Bits<3>>,
    ld_start: Constant<Bits<3>>,
    mode_limit: Constant<Bits<3>>,
    mode_merkle: Constant<Bits<3>>,
    mode_header: Constant<Bits<3>>,
    mode_sha256: Constant<Bits<3>>,
    len64: Constant<Bits<21>>,
    len80: Constant<Bits<21>>,
    e_bad_mode: Constant<Bits<8>>,
    e_bad_len: Constant<Bits<8>>,
    e_cmd_ovf: Constant<Bits<8>>,
    e_data_ovf: Constant<Bits<8>>,
    e_underflow: Constant<Bits<8>>,
    e_ecdsa_ovf: Constant<Bits<8>>,
    e_timeout: Constant<Bits<8>>,
    e_bad_addr: Constant<Bits<8>>,
    code_fault: Constant<Bits<4>>,
    s_hash_ready: Constant<Bits<32>>,
    s_hash_rv: Constant<Bits<32>>,
    s_hash_busy: Constant<Bits<32>>,
    s_ecdsa_ready: Constant<Bits<32>>,
    s_ecdsa_rv: Constant<Bits<32>>,
    s_ecdsa_busy: Constant<Bits<32>>,
    s_error: Constant<Bits<32>>,
    ev_hash: Constant<Bits<3>>,
    ev_ecdsa: Constant<Bits<3>>,
    ev_err: Constant<Bits<3>>,
}

impl<const UNITS: usize, const ENGINES: usize> Default for AccelTop<UNITS, ENGINES> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const UNITS: usize, const ENGINES: usize> AccelTop<UNITS, ENGINES> {
    /// Builds the top; the engines run `crate::ecdsa::program::verify_program()`.
    pub fn new() -> Self {
        assert!(ENGINES <= 15, "CAPS.ECDSA_ENGINES is 4 bits");
        let program = crate::ecdsa::program::verify_program();
        let bit = |f: rm::Field| -> Constant<Bits<32>> { k(u64::from(f.mask())) };
        use rm::field::STATUS as S;
        Self {
            clock: Default::default(),
            ecdsa_clock: Default::default(),
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
            rb: RegBlock::new(),
            dma_addr: Default::default(),
            w_daddr: Default::default(),
            w_dcmd: Default::default(),
            d_end: Default::default(),
            daddr33_ext: Default::default(),
            dlen33_ext: Default::default(),
            o_daddr: off(rm::reg::HASH_DMA_ADDR),
            o_dcmd: off(rm::reg::HASH_DMA_CMD),
            e_dma_desc: k(rm::ErrorCode::DmaBadDescriptor as u64),
            e_dma_read: k(rm::ErrorCode::DmaReadError as u64),
            s_dma_ready: bit(S::HASH_DMA_READY),
            zero3a: k(0),
            top33: k(1u64 << 32),
            hc: HashCluster::new(),
            eng: std::array::from_fn(|_| EngineCdc::new(&program.words)),
            eres: Default::default(),
            srst: Default::default(),
            cyc: Default::default(),
            err_code: Default::default(),
            err_tag: Default::default(),
            irq_en: Default::default(),
            irq_st: Default::default(),
            hexp: Default::default(),
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
            ireset: Default::default(),
            w_ctrl: Default::default(),
            w_error: Default::default(),
            w_irq_en: Default::default(),
            w_irq_st: Default::default(),
            w_hcmd: Default::default(),
            w_hdata: Default::default(),
            w_hpop: Default::default(),
            w_ein: Default::default(),
            w_epop: Default::default(),
            c_tag: Default::default(),
            c_mode: Default::default(),
            c_len: Default::default(),
            c_len_ext: Default::default(),
            c_words3: Default::default(),
            c_words: Default::default(),
            exp_m1: Default::default(),
            exp_plus: Default::default(),
            new_err: Default::default(),
            new_tag: Default::default(),
            win_ext: Default::default(),
            prefix_ext: Default::default(),
            st_cnt1: Default::default(),
            cyc1: Default::default(),
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
            ev: Default::default(),
            rdv: Default::default(),
            err_tag_ext: Default::default(),
            err_code_ext: Default::default(),
            irq_en_ext: Default::default(),
            irq_st_ext: Default::default(),
            hres_tag_ext: Default::default(),
            eres_tag_ext: Default::default(),
            eres_code_ext: Default::default(),
            o_id: off(rm::reg::ID),
            o_version: off(rm::reg::VERSION),
            o_map_hash: off(rm::reg::MAP_HASH),
            o_caps: off(rm::reg::CAPS),
            o_ctrl: off(rm::reg::CTRL),
            o_status: off(rm::reg::STATUS),
            o_error: off(rm::reg::ERROR),
            o_irq_en: off(rm::reg::IRQ_ENABLE),
            o_irq_st: off(rm::reg::IRQ_STATUS),
            o_cycles: off(rm::reg::CYCLES),
            o_hcmd: off(rm::reg::HASH_CMD),
            o_hdata: off(rm::reg::HASH_DATA),
            o_hres: off(rm::reg::HASH_RESULT),
            o_hpop: off(rm::reg::HASH_POP),
            o_hdig: [
                off(rm::reg::HASH_DIGEST0),
                off(rm::reg::HASH_DIGEST1),
                off(rm::reg::HASH_DIGEST2),
                off(rm::reg::HASH_DIGEST3),
                off(rm::reg::HASH_DIGEST4),
                off(rm::reg::HASH_DIGEST5),
                off(rm::reg::HASH_DIGEST6),
                off(rm::reg::HASH_DIGEST7),
            ],
            o_ein: off(rm::reg::ECDSA_IN),
            o_eres: off(rm::reg::ECDSA_RESULT),
            o_epop: off(rm::reg::ECDSA_POP),
            o_ecyc: off(rm::reg::ECDSA_CYCLES),
            v_id: k(u64::from(rm::ID_VALUE)),
            v_version: k(u64::from(rm::VERSION_VALUE)),
            v_map_hash: k(u64::from(rm::MAP_HASH)),
            v_caps: k(u64::from(caps_value(UNITS as u32, ENGINES as u32))),
            zero32: k(0),
            zero22: k(0),
            zero8: k(0),
            zero6: k(0),
            zero3: k(0),
            zero4: k(0),
            one22: k(1),
            three22: k(3),
            one32: k(1),
            one6: k(1),
            one3: k(1),
            n_operand_words: k(u64::from(rm::ECDSA_JOB_WORDS - 1)),
            ld_last: k(5),
            ld_start: k(6),
            mode_limit: k(4),
            mode_merkle: k(rm::HashMode::Merkle64 as u64),
            mode_header: k(rm::HashMode::Header80 as u64),
            mode_sha256: k(rm::HashMode::Sha256 as u64),
            len64: k(64),
            len80: k(80),
            e_bad_mode: k(rm::ErrorCode::BadMode as u64),
            e_bad_len: k(rm::ErrorCode::BadLength as u64),
            e_cmd_ovf: k(rm::ErrorCode::CmdOverflow as u64),
            e_data_ovf: k(rm::ErrorCode::DataOverflow as u64),
            e_underflow: k(rm::ErrorCode::ResultUnderflow as u64),
            e_ecdsa_ovf: k(rm::ErrorCode::EcdsaOverflow as u64),
            e_timeout: k(rm::ErrorCode::EngineTimeout as u64),
            e_bad_addr: k(rm::ErrorCode::BadAddress as u64),
            code_fault: k(rm::EcdsaCode::EngineFault as u64),
            s_hash_ready: bit(S::HASH_READY),
            s_hash_rv: bit(S::HASH_RESULT_VALID),
            s_hash_busy: bit(S::HASH_BUSY),
            s_ecdsa_ready: bit(S::ECDSA_READY),
            s_ecdsa_rv: bit(S::ECDSA_RESULT_VALID),
            s_ecdsa_busy: bit(S::ECDSA_BUSY),
            s_error: bit(S::ERROR),
            ev_hash: k(u64::from(rm::field::IRQ_STATUS::HASH_DONE.mask())),
            ev_ecdsa: k(u64::from(rm::field::IRQ_STATUS::ECDSA_DONE.mask())),
            ev_err: k(u64::from(rm::field::IRQ_STATUS::ERROR.mask())),
        }
    }
}

impl<const UNITS: usize, const ENGINES: usize> Logic for AccelTop<UNITS, ENGINES> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, srst, cyc, err_code, err_tag, irq_en, irq_st, hexp, stage, st_cnt,
            st_full, st_key, ld_active, ld_cnt, dma_addr
        );
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
        }
        clock!(self, clock, rb, hc, eres);
        self.ireset.next = self.reset.val() | self.srst.q.val();
        self.rb.reset.next = self.reset.val();
        self.hc.reset.next = self.ireset.val();
        self.hc.axi_reset.next = self.reset.val();
        self.m_axi_araddr.next = self.hc.m_axi_araddr.val();
        self.m_axi_arlen.next = self.hc.m_axi_arlen.val();
        self.m_axi_arvalid.next = self.hc.m_axi_arvalid.val();
        self.hc.m_axi_arready.next = self.m_axi_arready.val();
        self.hc.m_axi_rdata.next = self.m_axi_rdata.val();
        self.hc.m_axi_rresp.next = self.m_axi_rresp.val();
        self.hc.m_axi_rvalid.next = self.m_axi_rvalid.val();
        self.m_axi_rready.next = self.hc.m_axi_rready.val();
        self.eres.reset.next = self.ireset.val();
        for e in 0..ENGINES {
            self.eng[e].reset.next = self.ireset.val();
        }

        // AXI pass-through to the register block.
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

        // Write strobes per register.
        self.w_ctrl.next = self.rb.wr_stb.val() & (self.rb.wr_addr.val() == self.o_ctrl.val());
        self.w_error.next = self.rb.wr_stb.val() & (self.rb.wr_addr.val() == self.o_error.val());
        self.w_irq_en.next = self.rb.wr_stb.val() & (self.rb.wr_addr.val() == self.o_irq_en.val());
        self.w_irq_st.next = self.rb.wr_stb.val() & (self.rb.wr_addr.val() == self.o_irq_st.val());
        self.w_hcmd.next = self.rb.wr_stb.val() & (self.rb.wr_addr.val() == self.o_hcmd.val());
        self.w_hdata.next = self.rb.wr_stb.val() & (self.rb.wr_addr.val() == self.o_hdata.val());
        self.w_hpop.next = self.rb.wr_stb.val() & (self.rb.wr_addr.val() == self.o_hpop.val());
        self.w_ein.next = self.rb.wr_stb.val() & (self.rb.wr_addr.val() == self.o_ein.val());
        self.w_epop.next = self.rb.wr_stb.val() & (self.rb.wr_addr.val() == self.o_epop.val());
        self.w_daddr.next = self.rb.wr_stb.val() & (self.rb.wr_addr.val() == self.o_daddr.val());
        self.w_dcmd.next = self.rb.wr_stb.val() & (self.rb.wr_addr.val() == self.o_dcmd.val());

        // Free-running cycle counter; soft reset pulse.
        self.cyc1.next = self.cyc.q.val() + self.one32.val();
        self.cyc.d.next = self.cyc1.val();
        self.srst.d.next = self.w_ctrl.val() & self.rb.wr_data.val().get_bit(0);

        self.new_err.next = self.zero8.val();
        self.new_tag.next = self.zero8.val();
        if self.rb.bad_addr.val() {
            self.new_err.next = self.e_bad_addr.val();
        }

        // ---- hash job ingress ----
        self.c_tag.next = self.rb.wr_data.val().get_bits::<8>(0);
        self.c_mode.next = self.rb.wr_data.val().get_bits::<3>(8);
        self.c_len.next = self.rb.wr_data.val().get_bits::<21>(11);
        self.c_len_ext.inp.next = self.c_len.val();
        self.c_words3.next = self.c_len_ext.out.val() + self.three22.val();
        self.c_words.next = self.c_words3.val() >> 2;
        self.exp_plus.next = self.hexp.q.val() + self.c_words.val();
        self.exp_m1.next = self.hexp.q.val() - self.one22.val();
        self.hc.cmd_valid.next = false;
        self.hc.cmd_double.next = self.c_mode.val() != self.mode_sha256.val();
        self.hc.cmd_len.next = self.c_len.val();
        self.hc.cmd_tag.next = self.c_tag.val();
        self.hc.data_valid.next = false;
        self.hc.data.next = self.rb.wr_data.val();
        self.hc.res_pop.next = false;
        if self.w_hcmd.val() {
            self.new_tag.next = self.c_tag.val();
            if self.c_mode.val() >= self.mode_limit.val() {
                self.new_err.next = self.e_bad_mode.val();
            } else if ((self.c_mode.val() == self.mode_merkle.val())
                & (self.c_len.val() != self.len64.val()))
                | ((self.c_mode.val() == self.mode_header.val())
                    & (self.c_len.val() != self.len80.val()))
            {
                self.new_err.next = self.e_bad_len.val();
            } else if !self.hc.cmd_ready.val() {
                self.new_err.next = self.e_cmd_ovf.val();
            } else {
                self.hc.cmd_valid.next = true;
                self.hexp.d.next = self.exp_plus.val();
            }
        }
        // DMA descriptors: same MODE/LEN checks, then alignment and the end of the address space.
        if self.w_daddr.val() {
            self.dma_addr.d.next = self.rb.wr_data.val();
        }
        self.daddr33_ext.inp.next = self.dma_addr.q.val();
        self.dlen33_ext.inp.next = self.c_len.val();
        self.d_end.next = self.daddr33_ext.out.val() + self.dlen33_ext.out.val();
        self.hc.dcmd_valid.next = false;
        self.hc.dcmd_double.next = self.c_mode.val() != self.mode_sha256.val();
        self.hc.dcmd_len.next = self.c_len.val();
        self.hc.dcmd_tag.next = self.c_tag.val();
        self.hc.dcmd_addr.next = self.dma_addr.q.val();
        if self.w_dcmd.val() {
            self.new_tag.next = self.c_tag.val();
            if self.c_mode.val() >= self.mode_limit.val() {
                self.new_err.next = self.e_bad_mode.val();
            } else if ((self.c_mode.val() == self.mode_merkle.val())
                & (self.c_len.val() != self.len64.val()))
                | ((self.c_mode.val() == self.mode_header.val())
                    & (self.c_len.val() != self.len80.val()))
            {
                self.new_err.next = self.e_bad_len.val();
            } else if (self.dma_addr.q.val().get_bits::<3>(0) != self.zero3a.val())
                | (self.d_end.val() > self.top33.val())
            {
                self.new_err.next = self.e_dma_desc.val();
            } else if !self.hc.dcmd_ready.val() {
                self.new_err.next = self.e_cmd_ovf.val();
            } else {
                self.hc.dcmd_valid.next = true;
            }
        }
        // A DMA read error (unless this clock's register access latched one).
        if self.hc.dma_err.val() & (self.new_err.val() == self.zero8.val()) {
            self.new_err.next = self.e_dma_read.val();
            self.new_tag.next = self.hc.dma_err_tag.val();
        }
        if self.w_hdata.val() {
            if (self.hexp.q.val() == self.zero22.val()) | !self.hc.data_ready.val() {
                self.new_err.next = self.e_data_ovf.val();
            } else {
                self.hc.data_valid.next = true;
                self.hexp.d.next = self.exp_m1.val();
            }
        }
        if self.w_hpop.val() {
            if self.hc.res_valid.val() {
                self.hc.res_pop.next = true;
            } else {
                self.new_err.next = self.e_underflow.val();
            }
        }

        // ---- ECDSA staging ----
        self.win_ext.inp.next = self.rb.wr_data.val();
        self.st_cnt1.next = self.st_cnt.q.val() + self.one6.val();
        if self.w_ein.val() {
            if self.st_full.q.val() {
                self.new_err.next = self.e_ecdsa_ovf.val();
            } else if self.st_cnt.q.val() == self.n_operand_words.val() {
                self.st_key.d.next = self.rb.wr_data.val().get_bits::<16>(0);
                self.st_full.d.next = true;
                self.st_cnt.d.next = self.zero6.val();
            } else {
                self.stage.d.next = (self.stage.q.val() << 32) | self.win_ext.out.val();
                self.st_cnt.d.next = self.st_cnt1.val();
            }
        }

        // ---- ECDSA dispatch: lowest idle engine, R0..R5 one per clock, then start ----
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

        // ---- ECDSA results ----
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
                self.new_err.next = self.e_timeout.val();
                self.new_tag.next = self.r_tag.val();
            }
        }
        self.eres.read.next = false;
        if self.w_epop.val() {
            if self.eres.empty.val() {
                self.new_err.next = self.e_underflow.val();
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

        // ---- ERROR, IRQ ----
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
        if self.w_irq_en.val() {
            self.irq_en.d.next = self.rb.wr_data.val().get_bits::<3>(0);
        }
        self.ev.next = self.zero3.val();
        if self.hc.res_valid.val() {
            self.ev.next = self.ev.val() | self.ev_hash.val();
        }
        if !self.eres.empty.val() {
            self.ev.next = self.ev.val() | self.ev_ecdsa.val();
        }
        if self.err_code.q.val() != self.zero8.val() {
            self.ev.next = self.ev.val() | self.ev_err.val();
        }
        self.irq_st.d.next = self.irq_st.q.val() | self.ev.val();
        if self.w_irq_st.val() {
            self.irq_st.d.next =
                (self.irq_st.q.val() & !self.rb.wr_data.val().get_bits::<3>(0)) | self.ev.val();
        }
        self.irq.next = (self.irq_st.q.val() & self.irq_en.q.val()).any();

        // ---- read mux ----
        self.err_tag_ext.inp.next = self.err_tag.q.val();
        self.err_code_ext.inp.next = self.err_code.q.val();
        self.irq_en_ext.inp.next = self.irq_en.q.val();
        self.irq_st_ext.inp.next = self.irq_st.q.val();
        self.hres_tag_ext.inp.next = self.hc.res_tag.val();
        self.eres_tag_ext.inp.next = self.eres.data_out.val().get_bits::<8>(36);
        self.eres_code_ext.inp.next = self.eres.data_out.val().get_bits::<4>(32);
        self.rdv.next = self.zero32.val();
        if self.rb.rd_addr.val() == self.o_id.val() {
            self.rdv.next = self.v_id.val();
        }
        if self.rb.rd_addr.val() == self.o_version.val() {
            self.rdv.next = self.v_version.val();
        }
        if self.rb.rd_addr.val() == self.o_map_hash.val() {
            self.rdv.next = self.v_map_hash.val();
        }
        if self.rb.rd_addr.val() == self.o_caps.val() {
            self.rdv.next = self.v_caps.val();
        }
        if self.rb.rd_addr.val() == self.o_status.val() {
            if self.hc.cmd_ready.val() & self.hc.data_ready.val() {
                self.rdv.next = self.rdv.val() | self.s_hash_ready.val();
            }
            if self.hc.res_valid.val() {
                self.rdv.next = self.rdv.val() | self.s_hash_rv.val();
            }
            if self.hc.busy.val() | (self.hexp.q.val() != self.zero22.val()) {
                self.rdv.next = self.rdv.val() | self.s_hash_busy.val();
            }
            if !self.st_full.q.val() {
                self.rdv.next = self.rdv.val() | self.s_ecdsa_ready.val();
            }
            if !self.eres.empty.val() {
                self.rdv.next = self.rdv.val() | self.s_ecdsa_rv.val();
            }
            if self.st_full.q.val() | self.any_eng_busy.val() {
                self.rdv.next = self.rdv.val() | self.s_ecdsa_busy.val();
            }
            if self.err_code.q.val() != self.zero8.val() {
                self.rdv.next = self.rdv.val() | self.s_error.val();
            }
            if self.hc.dcmd_ready.val() {
                self.rdv.next = self.rdv.val() | self.s_dma_ready.val();
            }
        }
        if self.rb.rd_addr.val() == self.o_daddr.val() {
            self.rdv.next = self.dma_addr.q.val();
        }
        if self.rb.rd_addr.val() == self.o_error.val() {
            self.rdv.next = (self.err_tag_ext.out.val() << 8) | self.err_code_ext.out.val();
        }
        if self.rb.rd_addr.val() == self.o_irq_en.val() {
            self.rdv.next = self.irq_en_ext.out.val();
        }
        if self.rb.rd_addr.val() == self.o_irq_st.val() {
            self.rdv.next = self.irq_st_ext.out.val();
        }
        if self.rb.rd_addr.val() == self.o_cycles.val() {
            self.rdv.next = self.cyc.q.val();
        }
        if self.rb.rd_addr.val() == self.o_hres.val() {
            if self.hc.res_valid.val() {
                self.rdv.next = (self.hres_tag_ext.out.val() << 8) | self.one32.val();
            }
        }
        for i in 0..8 {
            if self.rb.rd_addr.val() == self.o_hdig[i].val() {
                if self.hc.res_valid.val() {
                    self.rdv.next = self.hc.res_digest.val().get_bits::<32>(224 - 32 * i);
                }
            }
        }
        if self.rb.rd_addr.val() == self.o_eres.val() {
            if !self.eres.empty.val() {
                self.rdv.next = (self.eres_tag_ext.out.val() << 8)
                    | (self.eres_code_ext.out.val() << 4)
                    | self.one32.val();
            }
        }
        if self.rb.rd_addr.val() == self.o_ecyc.val() {
            if !self.eres.empty.val() {
                self.rdv.next = self.eres.data_out.val().get_bits::<32>(0);
            }
        }
        self.rb.rd_data.next = self.rdv.val();

        // ---- soft reset / reset ----
        if self.ireset.val() {
            self.err_code.d.next = self.zero8.val();
            self.err_tag.d.next = self.zero8.val();
            self.irq_st.d.next = self.zero3.val();
            self.hexp.d.next = self.zero22.val();
            self.st_cnt.d.next = self.zero6.val();
            self.st_full.d.next = false;
            self.ld_active.d.next = false;
            for e in 0..ENGINES {
                self.eng_busy[e].d.next = false;
                self.eng_pend[e].d.next = false;
                self.ld_eng[e].d.next = false;
            }
        }
        if self.reset.val() {
            self.dma_addr.d.next = self.zero32.val();
            self.irq_en.d.next = self.zero3.val();
            self.srst.d.next = false;
        }
    }
}

/// The shipped configuration.
pub type ShippedTop = AccelTop<{ crate::sha256::DEFAULT_UNITS }, DEFAULT_ENGINES>;

/// Verilator models of the top: `top` (the shipped configuration, two ECDSA engines),
/// `top_hash` (the same with no ECDSA engine: a smaller model for the hash-path tests) and
/// `top_1eng` (one engine: the reference the multi-engine speed-up is measured against).
pub fn sim_models() -> Vec<crate::SimModel> {
    vec![
        crate::SimModel {
            name: "top",
            verilog: crate::sha256::verilog_of(ShippedTop::new()),
        },
        crate::SimModel {
            name: "top_hash",
            verilog: crate::sha256::verilog_of(
                AccelTop::<{ crate::sha256::DEFAULT_UNITS }, 0>::new(),
            ),
        },
        crate::SimModel {
            name: "top_1eng",
            verilog: crate::sha256::verilog_of(
                AccelTop::<{ crate::sha256::DEFAULT_UNITS }, 1>::new(),
            ),
        },
    ]
}

/// One file written by `gen-verilog`.
#[derive(Debug, Clone)]
pub struct GenFile {
    /// File stem (`<name>.v`).
    pub name: &'static str,
    /// What the file holds.
    pub doc: &'static str,
    pub verilog: String,
}

/// Every file `gen-verilog` writes: the whole top, and each block on its own (each file's
/// module is `top`, rust-hdl's convention; synthesize them one at a time).
pub fn gen_files() -> Vec<GenFile> {
    use crate::sha256::{verilog_of, DEFAULT_UNITS};
    let mut v = vec![
        GenFile {
            name: "top",
            doc: "accelerator top: RegBlock + HashCluster<8> + EngineCdc(EcdsaEngine) x DEFAULT_ENGINES",
            verilog: verilog_of(ShippedTop::new()),
        },
        GenFile {
            name: "sha256_core",
            doc: "Sha256Core: compression, 1 round/clock",
            verilog: verilog_of(crate::sha256::Sha256Core::new()),
        },
        GenFile {
            name: "sha256_unit",
            doc: "Sha256Unit: core + 2 KiB input FIFO + padder + modes",
            verilog: verilog_of(crate::sha256::Sha256Unit::new()),
        },
        GenFile {
            name: "hash_cluster",
            doc: "HashCluster<8>: dispatcher, 8 units, result FIFO",
            verilog: verilog_of(crate::sha256::HashCluster::<DEFAULT_UNITS>::new()),
        },
        GenFile {
            name: "regblock",
            doc: "RegBlock: AXI4-Lite slave and register-map decode",
            verilog: verilog_of(crate::regblock::RegBlock::new()),
        },
    ];
    let program = crate::ecdsa::program::verify_program();
    v.push(GenFile {
        name: "ecdsa_engine",
        doc: "EcdsaEngine running verify_program()",
        verilog: verilog_of(crate::ecdsa::engine::EcdsaEngine::new(&program.words)),
    });
    v.push(GenFile {
        name: "ecdsa_engine_cdc",
        doc: "EngineCdc: the engine behind its clock-domain crossing, as the top instantiates it",
        verilog: verilog_of(crate::ecdsa::cdc::EngineCdc::new(&program.words)),
    });
    v.push(GenFile {
        name: crate::calib::GEN_NAME,
        doc: "CalibSha256: timing-model calibration reference (not part of the accelerator)",
        verilog: crate::calib::verilog(),
    });
    v
}
