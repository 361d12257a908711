//! The accelerator as the Zynq sees it. Two top types share their children:
//! - **`RingTop<UNITS, N>`** (`ring_top.rs`), the shipped top ([`ShippedTop`], catalogue
//!   block `top`): register block, hash path, the verify-job rings feeding a `VerifyCore`
//!   ([`VerifyIngress`]) and the global registers, on one clock ([`BUS_CLOCK_MHZ`]);
//! - **`AccelTop<UNITS, ENGINES>`** (this file), the register-fed engine top it replaced,
//!   kept as simulation models (`top_2eng` = [`EngineTop`], `top_1eng`, `top_hash`) for the
//!   engine, clock-crossing and ECDSA-register tests.
//!
//! `AccelTop` is four child blocks and wiring only:
//! - `RegBlock` (`crate::regblock`): the AXI4-Lite slave; its decode is generated from the
//!   register map;
//! - [`HashIngress`] (`hash_ingress.rs`): the SHA-256 `HashCluster` and the hash registers
//!   (commands, data, DMA descriptors, results), with its DMA read master;
//! - [`EcdsaDispatch`] (`ecdsa_dispatch.rs`): `ENGINES` ECDSA engines with their staging,
//!   dispatcher and result FIFO, and the ECDSA registers;
//! - [`GlobalRegs`] (`global_regs.rs`): ID, VERSION, MAP_HASH, CAPS, CTRL, STATUS, ERROR,
//!   IRQ_ENABLE / IRQ_STATUS, CYCLES, and the interrupt line.
//!
//! Each child decodes the writes and reads of its own registers from one register port
//! (`wr_stb`/`wr_addr`/`wr_data`, `rd_addr` -> `rdata`, zero when it is not addressed; the
//! top ORs the three), reports its STATUS bits and this clock's error (code, tag) to
//! `GlobalRegs`, and is reset by `GlobalRegs::ireset` (hard or soft reset). Register offsets
//! and constants come from `satchain_regmap`; none is written here twice.
//!
//! Ports of `AccelTop` (`RingTop`'s are these without `ecdsa_clock`, plus its ring master
//! `m1_axi_*`): `clock` (the bus clock: AXI, register block, hash cluster, DMA, staging),
//! `ecdsa_clock` (the engines' clock, asynchronous to `clock`; see `ecdsa::cdc` and
//! [`ENGINE_TOP_BUS_CLOCK_MHZ`] / [`ECDSA_CLOCK_MHZ`]), `reset` (active
//! high, synchronous to `clock`), `s_axi_*` (AXI4-Lite slave, 8-bit addresses, 32-bit data),
//! `irq`, and the DMA read master `m_axi_ar{addr[32],len[8],valid,ready}`,
//! `m_axi_r{data[64],resp,valid,ready}` (one ID, INCR bursts of 8-byte beats, at most 16 beats,
//! never crossing 4 KiB; the Vivado wrapper ties ARSIZE = 3, ARBURST = INCR and leaves RLAST
//! unused: beats are counted).
//!
//! Semantics: the children's documentation and `hdl/README.md` (programmer's guide);
//! `CTRL.SOFT_RESET` resets the cluster, engines, FIFOs, staging, ERROR and IRQ_STATUS.
//!
//! **Where to add a register**: declare it in `hdl/regmap/src/lib.rs` (bump the minor
//! version), implement its write/read in the child block that owns the logic (a new child
//! for a new engine), and the register block's decode, the driver's offsets and
//! `registers.md` follow from the map; `verif/tests/regmap_walk.rs` reads and writes every
//! mapped register on the Verilated top (a value or writable field no child implements fails).

mod ecdsa_dispatch;
mod global_regs;
mod hash_ingress;
pub mod ring_top;
mod verify_ingress;

pub use ecdsa_dispatch::EcdsaDispatch;
pub use global_regs::GlobalRegs;
pub use hash_ingress::HashIngress;
pub use ring_top::{ring_caps_value, RingTop};
pub use verify_ingress::{VerifyIngress, RING_IRQ_HOLDOFF, RING_IRQ_RESULTS};

use rust_hdl::prelude::*;
use satchain_regmap as rm;

use crate::catalog::{Block, Domain};
use crate::prim::verilog_of;
use crate::regblock::RegBlock;
use crate::sha256::cluster::RESULT_FIFO_LOG2;

const RESULT_FIFO_LOG2_U32: u32 = {
    assert!(RESULT_FIFO_LOG2 < 16);
    RESULT_FIFO_LOG2 as u32
};

/// ECDSA engines of the engine top (`top_2eng`, [`EngineTop`]): the register-fed engines the
/// ring top replaced, kept as a simulation model for the engine and clock-crossing tests.
pub const DEFAULT_ENGINES: usize = 2;

/// The shipped top's one clock (MHz): AXI4-Lite, register block, hash cluster, DMA, the verify
/// ring and the `VerifyCore` (`RingTop` has no second clock). Zynq FCLK0 = ARM PLL 1600 MHz / 9
/// = 177.78 MHz (`accel_driver::zynq::PlClock`) with the CPU at its 800 MHz (a slower CPU clock
/// gives a slower, still safe FCLK0: 1333.3 MHz / 9 = 148.1 MHz). The calibrated timing model
/// puts the whole top above it (`hw-report`: `clock_domains.bus.supported_mhz_estimate`) since
/// the ALU's output-stage tag left its SRL16E and its S4 propagate bits became compares, and the
/// SHA-256 unit's `wlt` and the hash DMA's burst length were registered or flattened (2026-12-08).
/// Earlier clocks: 125 MHz (IO PLL / 8) until the morning of 2026-12-07, 133.33 MHz (ARM PLL / 10
/// or / 12), 142.86 MHz (IO PLL / 7), 160 MHz (ARM PLL 1600 MHz / 10) that evening, then
/// 166.67 MHz (IO PLL 1000 MHz / 6) until 2026-12-08.
pub const BUS_CLOCK_MHZ: f64 = 1600.0 / 9.0;
/// The engine tops' engine clock (MHz, `ecdsa_clock` of `top_2eng` / `top_1eng`, simulation
/// models since the ring top shipped): FCLK1 = IO PLL 1000 MHz / 13 against a 150 MHz bus, the
/// configuration those tops were designed and measured at (engine ModMul's longest path,
/// 43 CARRY4 + 11 LUT levels, ~78 MHz by the model).
pub const ECDSA_CLOCK_MHZ: f64 = 1000.0 / 13.0;
/// The engine tops' bus clock (MHz) that [`ECDSA_CLOCK_RATIO`] is taken against.
pub const ENGINE_TOP_BUS_CLOCK_MHZ: f64 = 150.0;
/// `ECDSA_CLOCK_MHZ / ENGINE_TOP_BUS_CLOCK_MHZ` as a fraction (20/39), for simulations of the
/// engine tops that drive both clocks (`verif::sim::Model` ticks `ecdsa_clock` at this ratio).
pub const ECDSA_CLOCK_RATIO: (u32, u32) = (20, 39);
const _: () = {
    // 20/39 * 150 = 1000/13 = 76.92: the ratio and the two clocks agree.
    assert!(ECDSA_CLOCK_RATIO.0 * 150 * 13 == ECDSA_CLOCK_RATIO.1 * 1000);
};

/// Value of the CAPS register for a configuration.
pub const fn caps_value(units: u32, engines: u32) -> u32 {
    rm::field::CAPS::HASH_UNITS.put(units)
        | rm::field::CAPS::ECDSA_ENGINES.put(engines)
        | rm::field::CAPS::HASH_MODES.put(rm::HashMode::ALL_MASK)
        | rm::field::CAPS::RESULT_FIFO_LOG2.put(RESULT_FIFO_LOG2_U32)
        | rm::field::CAPS::HASH_DMA.put(1)
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
    hash: HashIngress<UNITS>,
    ecdsa: EcdsaDispatch<ENGINES>,
    regs: GlobalRegs,
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
            hash: HashIngress::new(),
            ecdsa: EcdsaDispatch::new(&program.words),
            regs: GlobalRegs::new(caps_value(UNITS as u32, ENGINES as u32)),
        }
    }
}

impl<const UNITS: usize, const ENGINES: usize> Logic for AccelTop<UNITS, ENGINES> {
    #[hdl_gen]
    fn update(&mut self) {
        clock!(self, clock, rb, hash, ecdsa, regs);
        self.ecdsa.ecdsa_clock.next = self.ecdsa_clock.val();
        self.rb.reset.next = self.reset.val();
        self.regs.reset.next = self.reset.val();
        self.hash.reset.next = self.reset.val();
        self.hash.clear.next = self.regs.ireset.val();
        self.ecdsa.reset.next = self.regs.ireset.val();

        // AXI4-Lite slave.
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

        // DMA read master of the hash path.
        self.m_axi_araddr.next = self.hash.m_axi_araddr.val();
        self.m_axi_arlen.next = self.hash.m_axi_arlen.val();
        self.m_axi_arvalid.next = self.hash.m_axi_arvalid.val();
        self.hash.m_axi_arready.next = self.m_axi_arready.val();
        self.hash.m_axi_rdata.next = self.m_axi_rdata.val();
        self.hash.m_axi_rresp.next = self.m_axi_rresp.val();
        self.hash.m_axi_rvalid.next = self.m_axi_rvalid.val();
        self.m_axi_rready.next = self.hash.m_axi_rready.val();

        // The register port, to every child.
        self.hash.wr_stb.next = self.rb.wr_stb.val();
        self.hash.wr_addr.next = self.rb.wr_addr.val();
        self.hash.wr_data.next = self.rb.wr_data.val();
        self.hash.rd_addr.next = self.rb.rd_addr.val();
        self.ecdsa.wr_stb.next = self.rb.wr_stb.val();
        self.ecdsa.wr_addr.next = self.rb.wr_addr.val();
        self.ecdsa.wr_data.next = self.rb.wr_data.val();
        self.ecdsa.rd_addr.next = self.rb.rd_addr.val();
        self.regs.wr_stb.next = self.rb.wr_stb.val();
        self.regs.wr_addr.next = self.rb.wr_addr.val();
        self.regs.wr_data.next = self.rb.wr_data.val().get_bits::<3>(0);
        self.regs.rd_addr.next = self.rb.rd_addr.val();
        self.rb.rd_data.next =
            self.regs.rdata.val() | self.hash.rdata.val() | self.ecdsa.rdata.val();

        // Status and errors, to the global registers.
        self.hash.err_in.next = self.rb.bad_addr.val();
        self.regs.bad_addr.next = self.rb.bad_addr.val();
        self.regs.hash_status.next = self.hash.status.val();
        self.regs.hash_err.next = self.hash.err.val();
        self.regs.hash_tag_set.next = self.hash.tag_set.val();
        self.regs.hash_tag.next = self.hash.tag.val();
        self.regs.ecdsa_status.next = self.ecdsa.status.val();
        self.regs.ecdsa_err.next = self.ecdsa.err.val();
        self.regs.ecdsa_tag_set.next = self.ecdsa.tag_set.val();
        self.regs.ecdsa_tag.next = self.ecdsa.tag.val();
        self.irq.next = self.regs.irq.val();
    }
}

/// The shipped top: the ring top (`ring_top.rs`) with [`RING_CLUSTERS`] clusters; build its
/// Verilog with [`ring_top::ring_top_verilog`] (it needs the secp256k1 program images).
pub type ShippedTop = RingTop<{ crate::sha256::DEFAULT_UNITS }, RING_CLUSTERS>;
/// The engine top (`top_2eng`): [`DEFAULT_ENGINES`] register-fed engines behind their clock
/// crossing, a simulation model since the ring top shipped.
pub type EngineTop = AccelTop<{ crate::sha256::DEFAULT_UNITS }, DEFAULT_ENGINES>;

/// Clusters of the shipped top's `VerifyCore` (one fits the LUT budget beside the hash path:
/// `hdl/src/vcore/README.md`, "How many ClusterCores fit").
pub const RING_CLUSTERS: usize = 1;

/// The tops in the catalogue (`crate::catalog`): `top`, the shipped configuration (the ring
/// top: verify-job DMA into a `VerifyCore`; synthesized and simulated), and three simulation
/// models of the register-fed engine top `AccelTop`: `top_2eng` ([`EngineTop`]: the engine,
/// clock-crossing and ECDSA-register tests), `top_1eng` (one engine: the reference the
/// multi-engine speed-up is measured against) and `top_hash` (no engine: a smaller model for
/// the hash-path tests).
pub const BLOCKS: &[Block] = &[
    Block {
        name: "top",
        doc: "accelerator top (RingTop): RegBlock + HashCluster<8> + VerifyRing feeding \
              VerifyCore<1>, one clock",
        // One clock for all of it: its domain is the bus clock's.
        domain: Domain::Bus,
        clock: "clock",
        synth: true,
        sim: true,
        verilog: || {
            ring_top::ring_top_verilog::<{ crate::sha256::DEFAULT_UNITS }, RING_CLUSTERS>().ok()
        },
    },
    Block {
        name: "top_2eng",
        doc: "engine top (AccelTop): RegBlock + HashCluster<8> + EngineCdc(EcdsaEngine) x \
              DEFAULT_ENGINES, two clocks",
        domain: Domain::Both,
        clock: "clock",
        synth: false,
        sim: true,
        verilog: || Some(verilog_of(EngineTop::new())),
    },
    Block {
        name: "top_hash",
        doc: "the top without ECDSA engines (hash-path tests)",
        domain: Domain::Bus,
        clock: "clock",
        synth: false,
        sim: true,
        verilog: || {
            Some(verilog_of(
                AccelTop::<{ crate::sha256::DEFAULT_UNITS }, 0>::new(),
            ))
        },
    },
    Block {
        name: "top_1eng",
        doc: "the top with one ECDSA engine (multi-engine reference)",
        domain: Domain::Both,
        clock: "clock",
        synth: false,
        sim: true,
        verilog: || {
            Some(verilog_of(
                AccelTop::<{ crate::sha256::DEFAULT_UNITS }, 1>::new(),
            ))
        },
    },
];
