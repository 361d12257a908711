//! `VerilatorBus`: accel-driver's [`Bus`] over the Verilated accelerator top's AXI4-Lite
//! slave port, so every simulation test also tests the driver. It counts clock cycles
//! (`sim_cycles`), turns the driver's pauses and interrupt waits into clock ticks at
//! `clock_mhz`, and carries the same test-only [`FaultHook`] as `MockBus` (stuck busy,
//! flipped result bit, spurious error bit, dropped interrupt).
//!
//! Port contract of the top (see hdl/src/top.rs): `clock`, `reset` (active high, synchronous),
//! `s_axi_aw{addr,valid,ready}`, `s_axi_w{data,strb,valid,ready}`, `s_axi_b{resp,valid,ready}`,
//! `s_axi_ar{addr,valid,ready}`, `s_axi_r{data,resp,valid,ready}`, `irq`.

use std::path::Path;

use accel_driver::fault::FaultHook;
use accel_driver::{Bus, BusError, BusErrorKind};
use crypto_core::BackendError;
use fallback_sw::SoftwareBackend;
use satchain_fpga::{FpgaBackend, FpgaConfig};

use crate::axi_mem::AxiMem;
use crate::sim::{Model, PortId, SimError};

/// Name of the shipped accelerator top (`satchain_hdl::top::RingTop`: verify-job rings into
/// the `VerifyCore`) among `satchain_hdl::sim_models()`.
pub const TOP_MODEL: &str = "top";
/// The engine top (`satchain_hdl::top::EngineTop`: two register-fed ECDSA engines behind their
/// clock crossing), a simulation model for the engine, crossing and ECDSA-register tests.
pub const ENGINE_TOP_MODEL: &str = "top_2eng";
/// Port-name prefix of the ring top's verify-job AXI master.
pub const RING_MASTER_PREFIX: &str = "m1_axi_";

#[derive(Debug, Clone, Copy)]
struct Ports {
    reset: PortId,
    awaddr: PortId,
    awvalid: PortId,
    awready: PortId,
    wdata: PortId,
    wstrb: PortId,
    wvalid: PortId,
    wready: PortId,
    bresp: PortId,
    bvalid: PortId,
    bready: PortId,
    araddr: PortId,
    arvalid: PortId,
    arready: PortId,
    rdata: PortId,
    rresp: PortId,
    rvalid: PortId,
    rready: PortId,
    irq: PortId,
}

/// Bus transactions and cycles spent on them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AxiCounters {
    pub reads: u64,
    pub writes: u64,
    /// Clock cycles spent inside AXI transactions.
    pub axi_cycles: u64,
    /// Transactions answered with SLVERR/DECERR.
    pub error_responses: u64,
}

/// The driver's bus over the Verilated top.
#[derive(Debug)]
pub struct VerilatorBus {
    m: Model,
    p: Ports,
    /// Test-only fault injection between the driver and the RTL.
    pub faults: FaultHook,
    /// Clock used to turn microseconds of pause/wait into cycles.
    pub clock_mhz: u32,
    /// Cycles after which an AXI handshake that did not complete is an error.
    pub handshake_limit: u64,
    pub counters: AxiCounters,
    /// The simulated DDR behind the top's DMA read master (the driver's DMA region).
    pub mem: AxiMem,
    /// The memory behind a ring top's verify-job master (`m1_axi_*`, read and write), once
    /// [`VerilatorBus::attach_ring_memory`] connected it; clocked with `mem`.
    pub ring_mem: Option<AxiMem>,
}

impl VerilatorBus {
    /// Opens the Verilated shipped top with its memories (see [`VerilatorBus::from_model`])
    /// and resets it.
    pub fn new() -> Result<Self, SimError> {
        Self::from_model(Model::new(TOP_MODEL)?)
    }

    /// Like [`VerilatorBus::new`], writing a VCD waveform to `vcd`.
    pub fn with_vcd(vcd: impl AsRef<Path>) -> Result<Self, SimError> {
        Self::from_model(Model::with_vcd(TOP_MODEL, vcd)?)
    }

    /// Opens the Verilated engine top ([`ENGINE_TOP_MODEL`]) and resets it.
    pub fn engine_top() -> Result<Self, SimError> {
        Self::from_model(Model::new(ENGINE_TOP_MODEL)?)
    }

    /// Like [`VerilatorBus::engine_top`], writing a VCD waveform to `vcd`.
    pub fn engine_top_with_vcd(vcd: impl AsRef<Path>) -> Result<Self, SimError> {
        Self::from_model(Model::with_vcd(ENGINE_TOP_MODEL, vcd)?)
    }

    /// Opens another Verilated design with the top's AXI4-Lite slave (`reset`, `s_axi_*`,
    /// `irq`; e.g. `top_hash`) for register-map tests: the raw [`VerilatorBus::read_with_resp`]
    /// / [`VerilatorBus::write_with_resp`] see every response, and a handshake may take up to
    /// 1,000 cycles (a full data queue holds WREADY low).
    pub fn open_design(model: &str) -> Result<Self, SimError> {
        let mut b = Self::from_model(Model::new(model)?)?;
        b.handshake_limit = 1_000;
        Ok(b)
    }

    /// Wraps an opened model that has the top's port list. The hash DMA's memory model is
    /// attached to `m_axi_*`; a model with the verify-job master `m1_axi_*` (the ring top) also
    /// gets the default ring memory ([`RING_MEM_BASE`], [`RING_MEM_BYTES`], read latency 40
    /// clocks, write latency 20; [`VerilatorBus::attach_ring_memory`] replaces it).
    pub fn from_model(m: Model) -> Result<Self, SimError> {
        let p = Ports {
            reset: m.port("reset")?,
            awaddr: m.port("s_axi_awaddr")?,
            awvalid: m.port("s_axi_awvalid")?,
            awready: m.port("s_axi_awready")?,
            wdata: m.port("s_axi_wdata")?,
            wstrb: m.port("s_axi_wstrb")?,
            wvalid: m.port("s_axi_wvalid")?,
            wready: m.port("s_axi_wready")?,
            bresp: m.port("s_axi_bresp")?,
            bvalid: m.port("s_axi_bvalid")?,
            bready: m.port("s_axi_bready")?,
            araddr: m.port("s_axi_araddr")?,
            arvalid: m.port("s_axi_arvalid")?,
            arready: m.port("s_axi_arready")?,
            rdata: m.port("s_axi_rdata")?,
            rresp: m.port("s_axi_rresp")?,
            rvalid: m.port("s_axi_rvalid")?,
            rready: m.port("s_axi_rready")?,
            irq: m.port("irq")?,
        };
        let mut b = VerilatorBus {
            m,
            p,
            faults: FaultHook::default(),
            clock_mhz: SIM_CLOCK_MHZ,
            handshake_limit: 64,
            counters: AxiCounters::default(),
            mem: AxiMem::default(),
            ring_mem: None,
        };
        b.mem.attach(&b.m);
        if b.m.port(&format!("{RING_MASTER_PREFIX}arvalid")).is_ok() {
            b.attach_ring_memory(ring_memory(RING_MEM_BYTES, 40, 20))?;
        }
        for port in [
            p.awvalid, p.wvalid, p.bready, p.arvalid, p.rready, p.awaddr, p.araddr, p.wdata,
            p.wstrb,
        ] {
            b.m.set(port, 0);
        }
        b.reset(4);
        Ok(b)
    }

    /// Holds `reset` high for `cycles` clock cycles.
    pub fn reset(&mut self, cycles: u64) {
        // The top's DMA master forgets its bursts on a hard reset: so does the memory.
        self.mem.reset_channel();
        if let Some(r) = self.ring_mem.as_mut() {
            r.reset_channel();
        }
        self.m.set(self.p.reset, 1);
        for _ in 0..cycles.max(1) {
            self.step();
        }
        self.m.set(self.p.reset, 0);
        self.m.eval();
    }

    /// Replaces the simulated DDR (e.g. a smaller region, another base or latency) and
    /// connects it to the top's DMA master.
    pub fn set_memory(&mut self, mut mem: AxiMem) {
        mem.attach(&self.m);
        self.mem = mem;
    }

    /// Connects `mem` to a ring top's verify-job master (`m1_axi_*`: read and write side).
    ///
    /// # Errors
    /// The model has no such master.
    pub fn attach_ring_memory(&mut self, mut mem: AxiMem) -> Result<(), SimError> {
        match mem.attach_with_prefix(&self.m, RING_MASTER_PREFIX) {
            (true, true) => {
                self.ring_mem = Some(mem);
                Ok(())
            }
            _ => Err(SimError::NoSuchPort {
                model: self.m.name(),
                port: format!("{RING_MASTER_PREFIX}* (the verify ring's read and write master)"),
            }),
        }
    }

    /// One clock of the top, with the memory models answering its DMA masters.
    pub fn step(&mut self) {
        match self.ring_mem.as_mut() {
            Some(r) => AxiMem::clock_pair(&mut self.mem, r, &mut self.m),
            None => self.mem.clock(&mut self.m),
        }
    }

    /// `n` clocks (see [`VerilatorBus::step`]).
    pub fn steps(&mut self, n: u64) {
        for _ in 0..n {
            self.step();
        }
    }

    /// The underlying model (for VCD flushing, cycle counts, direct port pokes in tests).
    pub fn model(&mut self) -> &mut Model {
        &mut self.m
    }

    fn timeout(&self, offset: u32, what: &'static str) -> BusError {
        BusError::new(BusErrorKind::Io, Some(offset), what)
    }

    /// One AXI4-Lite write; returns BRESP.
    fn axi_write(&mut self, offset: u32, value: u32) -> Result<u64, BusError> {
        let p = self.p;
        let start = self.m.cycles();
        self.m.set(p.awaddr, u64::from(offset));
        self.m.set(p.wdata, u64::from(value));
        self.m.set(p.wstrb, 0xF);
        self.m.set(p.awvalid, 1);
        self.m.set(p.wvalid, 1);
        self.m.set(p.bready, 1);
        let (mut aw, mut w) = (false, false);
        while !(aw && w) {
            self.m.eval();
            let awr = !aw && self.m.get(p.awready) == 1;
            let wr = !w && self.m.get(p.wready) == 1;
            self.step();
            if awr {
                aw = true;
                self.m.set(p.awvalid, 0);
            }
            if wr {
                w = true;
                self.m.set(p.wvalid, 0);
            }
            if self.m.cycles() - start > self.handshake_limit {
                self.m.set(p.awvalid, 0);
                self.m.set(p.wvalid, 0);
                return Err(self.timeout(offset, "AXI write address/data handshake"));
            }
        }
        loop {
            self.m.eval();
            if self.m.get(p.bvalid) == 1 {
                let resp = self.m.get(p.bresp);
                self.step();
                self.m.set(p.bready, 0);
                self.counters.axi_cycles += self.m.cycles() - start;
                return Ok(resp);
            }
            self.step();
            if self.m.cycles() - start > self.handshake_limit {
                self.m.set(p.bready, 0);
                return Err(self.timeout(offset, "AXI write response"));
            }
        }
    }

    /// One AXI4-Lite read; returns (RDATA, RRESP).
    fn axi_read(&mut self, offset: u32) -> Result<(u32, u64), BusError> {
        let p = self.p;
        let start = self.m.cycles();
        self.m.set(p.araddr, u64::from(offset));
        self.m.set(p.arvalid, 1);
        self.m.set(p.rready, 1);
        loop {
            self.m.eval();
            let arr = self.m.get(p.arready) == 1;
            self.step();
            if arr {
                self.m.set(p.arvalid, 0);
                break;
            }
            if self.m.cycles() - start > self.handshake_limit {
                self.m.set(p.arvalid, 0);
                return Err(self.timeout(offset, "AXI read address handshake"));
            }
        }
        loop {
            self.m.eval();
            if self.m.get(p.rvalid) == 1 {
                let data = (self.m.get(p.rdata) & 0xffff_ffff) as u32;
                let resp = self.m.get(p.rresp);
                self.step();
                self.m.set(p.rready, 0);
                self.counters.axi_cycles += self.m.cycles() - start;
                return Ok((data, resp));
            }
            self.step();
            if self.m.cycles() - start > self.handshake_limit {
                self.m.set(p.rready, 0);
                return Err(self.timeout(offset, "AXI read data"));
            }
        }
    }

    /// Raw AXI read with its response code, bypassing the fault hook (register-map tests).
    pub fn read_with_resp(&mut self, offset: u32) -> Result<(u32, u64), BusError> {
        self.axi_read(offset)
    }

    /// Raw AXI write returning BRESP, bypassing the fault hook.
    pub fn write_with_resp(&mut self, offset: u32, value: u32) -> Result<u64, BusError> {
        self.axi_write(offset, value)
    }

    /// Level of the top's `irq` output.
    pub fn irq_line(&mut self) -> bool {
        self.m.eval();
        self.m.get(self.p.irq) == 1
    }
}

impl Bus for VerilatorBus {
    fn read32(&mut self, offset: u32) -> Result<u32, BusError> {
        self.counters.reads += 1;
        let (v, resp) = self.axi_read(offset)?;
        if resp != 0 {
            self.counters.error_responses += 1;
            return Err(BusError::new(
                BusErrorKind::SlaveError,
                Some(offset),
                "AXI read answered SLVERR/DECERR",
            ));
        }
        Ok(self.faults.on_read(offset, v))
    }

    fn write32(&mut self, offset: u32, value: u32) -> Result<(), BusError> {
        self.counters.writes += 1;
        self.faults.on_write(offset, value);
        let resp = self.axi_write(offset, value)?;
        if resp != 0 {
            self.counters.error_responses += 1;
            return Err(BusError::new(
                BusErrorKind::SlaveError,
                Some(offset),
                "AXI write answered SLVERR/DECERR",
            ));
        }
        Ok(())
    }

    fn has_irq(&self) -> bool {
        true
    }

    fn wait_irq(&mut self, timeout_us: u32) -> Result<bool, BusError> {
        let budget = u64::from(timeout_us) * u64::from(self.clock_mhz);
        let start = self.m.cycles();
        let mut swallowed = false;
        loop {
            let line = self.irq_line();
            if !swallowed && self.faults.irq_level(line) {
                if self.faults.swallow_irq() {
                    swallowed = true;
                } else {
                    return Ok(true);
                }
            }
            if self.m.cycles() - start >= budget {
                return Ok(false);
            }
            self.step();
        }
    }

    fn pause(&mut self, us: u32) {
        for _ in 0..u64::from(us) * u64::from(self.clock_mhz) {
            self.step();
        }
    }

    fn sim_cycles(&self) -> Option<u64> {
        Some(self.m.cycles())
    }

    fn dma_region(&mut self) -> Option<&mut dyn accel_driver::DmaRegion> {
        Some(&mut self.mem)
    }

    fn ring_region(&mut self) -> Option<&mut dyn accel_driver::DmaRegion> {
        self.ring_mem
            .as_mut()
            .map(|m| m as &mut dyn accel_driver::DmaRegion)
    }
}

/// Driver settings for simulation: interrupt mode; a wait gives up after 1 ms of simulated
/// time (what a dropped interrupt costs, far above a verification's latency), and the
/// timeout is 200 ms without progress.
pub fn sim_driver_config() -> accel_driver::Config {
    accel_driver::Config {
        wait: accel_driver::WaitMode::Irq,
        timeout_us: 200_000,
        irq_slice_us: 1_000,
        poll_interval_us: 1,
        ..accel_driver::Config::default()
    }
}

/// Backend settings for `--backend sim`: fall back to software on a fault, re-check 1% of
/// jobs, projected at the shipped top's clock.
pub fn sim_config() -> FpgaConfig {
    FpgaConfig {
        driver: sim_driver_config(),
        name: "sim",
        clock_mhz: satchain_hdl::top::BUS_CLOCK_MHZ,
        ..FpgaConfig::default()
    }
}

/// The simulated accelerator as a `Backend`: driver + Verilated shipped top, software fallback.
pub fn sim_backend() -> Result<FpgaBackend<VerilatorBus, SoftwareBackend>, BackendError> {
    sim_backend_with(sim_config())
}

/// [`sim_backend`] with explicit settings.
pub fn sim_backend_with(
    cfg: FpgaConfig,
) -> Result<FpgaBackend<VerilatorBus, SoftwareBackend>, BackendError> {
    backend_over(VerilatorBus::new(), TOP_MODEL, cfg)
}

/// [`sim_backend_with`] over the engine top ([`ENGINE_TOP_MODEL`]): verifications go through
/// the ECDSA registers into the engines (the fault-injection and engine tests).
pub fn engine_backend_with(
    cfg: FpgaConfig,
) -> Result<FpgaBackend<VerilatorBus, SoftwareBackend>, BackendError> {
    backend_over(VerilatorBus::engine_top(), ENGINE_TOP_MODEL, cfg)
}

fn backend_over(
    bus: Result<VerilatorBus, SimError>,
    model: &str,
    cfg: FpgaConfig,
) -> Result<FpgaBackend<VerilatorBus, SoftwareBackend>, BackendError> {
    let bus = bus.map_err(|e| {
        BackendError::Unavailable(format!("the Verilated top `{model}` is not available: {e}"))
    })?;
    FpgaBackend::open(bus, SoftwareBackend::single_thread(), cfg)
}

/// The clock (MHz) a simulated bus turns the driver's pauses into clocks at: the shipped top's,
/// rounded down to a whole number of MHz (142 for 142.86: a pause is 0.6 % shorter in clocks).
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
pub const SIM_CLOCK_MHZ: u32 = satchain_hdl::top::BUS_CLOCK_MHZ as u32;

/// Base of the ring top's ring memory model: 64 MiB above the hash DMA's region, so the two
/// memory models (one DDR on the board, reached by two masters) never share an address.
pub const RING_MEM_BASE: u64 = crate::axi_mem::DEFAULT_BASE + 0x0400_0000;
/// Size of the ring memory model: room for the driver's default rings (2 x 256 entries).
pub const RING_MEM_BYTES: usize = 1 << 20;

/// A ring memory model: `bytes` at [`RING_MEM_BASE`], the given read and write latencies
/// (clocks), AXI read-protocol checks on.
pub fn ring_memory(bytes: usize, read_latency: u64, write_latency: u64) -> AxiMem {
    let mut mem = AxiMem::new(RING_MEM_BASE, bytes, read_latency);
    mem.write_latency = write_latency;
    mem.strict_read_checks = true;
    mem
}

/// Hash-job register traffic, counted on the bus while the driver runs header jobs on the
/// Verilated top (interrupt mode, default pacing): the hash half of `satchain hw-report`'s
/// `driver` section (the verify half comes from the ECDSA batch,
/// [`crate::report::ecdsa_ring_batch`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DriverTraffic {
    /// Per 80-byte header job through descriptor DMA (the driver's default on the top):
    /// HASH_DMA_ADDR + HASH_DMA_CMD + HASH_POP, plus IRQ_STATUS clears before waits.
    pub mmio_writes_per_header: f64,
    pub mmio_reads_per_header: f64,
    /// Per header job through the register path (HASH_CMD + 20 HASH_DATA + HASH_POP, ...).
    pub mmio_writes_per_header_register_path: f64,
    pub mmio_reads_per_header_register_path: f64,
    /// Accelerator cycles for the header batch (CYCLES register).
    pub header_batch_cycles: u32,
    pub headers: usize,
}

/// Measures [`DriverTraffic`] with `headers` 80-byte header jobs (once through the register
/// path, once through descriptor DMA) on a fresh Verilated top.
pub fn measure_driver_traffic(headers: usize) -> Result<DriverTraffic, String> {
    use accel_driver::regmap::HashMode;
    use accel_driver::{Accel, HashReq};
    let bus = VerilatorBus::new().map_err(|e| format!("Verilated top: {e}"))?;
    let reg_cfg = accel_driver::Config {
        use_dma: false,
        ..sim_driver_config()
    };
    let mut a = Accel::open(bus, reg_cfg).map_err(|e| e.to_string())?;
    let hdr: Vec<[u8; 80]> = (0..headers)
        .map(|i| [(i % 251).to_le_bytes()[0]; 80])
        .collect();
    let reqs: Vec<HashReq> = hdr
        .iter()
        .map(|h| HashReq {
            mode: HashMode::Header80,
            data: h,
        })
        .collect();
    let mut out = vec![None; reqs.len()];
    let hr = a.hash_batch(&reqs, &mut out).map_err(|e| e.to_string())?;
    let mut a = Accel::open(a.into_bus(), sim_driver_config()).map_err(|e| e.to_string())?;
    let hi = a.hash_batch(&reqs, &mut out).map_err(|e| e.to_string())?;
    let per = |x: u64, n: usize| if n == 0 { 0.0 } else { x as f64 / n as f64 };
    Ok(DriverTraffic {
        mmio_writes_per_header: per(hi.writes, headers),
        mmio_reads_per_header: per(hi.reads, headers),
        mmio_writes_per_header_register_path: per(hr.writes, headers),
        mmio_reads_per_header_register_path: per(hr.reads, headers),
        header_batch_cycles: hi.device_cycles,
        headers,
    })
}

#[cfg(test)]
mod clock_tests {
    /// The board backend projects device cycles at the shipped top's clock (satchain-fpga does
    /// not depend on satchain-hdl, so its default is a literal).
    #[test]
    fn fpga_backend_default_clock_is_the_shipped_clock() {
        let d = satchain_fpga::FpgaConfig::default().clock_mhz;
        assert!((d - satchain_hdl::top::BUS_CLOCK_MHZ).abs() < 1e-9, "{d}");
    }
}
