//! `AxiMem`: an AXI read-slave memory model on the [`Model`] port API, the simulated "DDR"
//! behind the accelerator top's DMA read master (`m_axi_*`).
//!
//! - Read latency: `latency` clocks from the AR handshake to the first data beat (default
//!   [`DEFAULT_LATENCY`], a Zynq-7000 S_AXI_HP read from DDR3 seen from a 150 MHz fabric),
//!   then one 64-bit beat per clock; up to `max_outstanding` bursts accepted (ARREADY low
//!   otherwise), answered in order (one ID).
//! - Addresses `base .. base + size` are memory; a beat outside answers DECERR, a beat in an
//!   injected error range (`inject_slverr`) answers SLVERR, with zero data.
//! - Protocol checker: every accepted burst is checked (INCR of 8-byte beats: address 8-byte
//!   aligned, at most `satchain_regmap::DMA_MAX_BURST_BEATS` beats, not crossing 4 KiB);
//!   violations are recorded in `violations`, which tests assert empty. RREADY low while
//!   RVALID is high counts as a stall (`stats.r_stalls`).
//!
//! The CPU side is [`accel_driver::DmaRegion`]: the driver writes job data into the model.

use std::collections::VecDeque;

use accel_driver::dma::{check_range, DmaError, DmaRegion};
use satchain_regmap::DMA_MAX_BURST_BEATS;

use crate::sim::{Model, PortId};

/// Default read latency in fabric clocks (AR accepted -> first beat): S_AXI_HP -> DDR3 on a
/// Zynq-7000 is ~150-200 ns for a page hit; 28 clocks at 150 MHz = 187 ns.
pub const DEFAULT_LATENCY: u64 = 28;
/// Default bus address of the simulated DMA region (a reserved-memory block in DDR).
pub const DEFAULT_BASE: u64 = 0x1000_0000;
/// Default size of the simulated DMA region.
pub const DEFAULT_SIZE: usize = 4 << 20;

const OKAY: u64 = 0;
const SLVERR: u64 = 2;
const DECERR: u64 = 3;

#[derive(Debug, Clone, Copy)]
struct Burst {
    addr: u64,
    beats: u64,
    sent: u64,
    ready_at: u64,
}

/// Ports of the master, looked up once.
#[derive(Debug, Clone, Copy)]
struct MemPorts {
    araddr: PortId,
    arlen: PortId,
    arvalid: PortId,
    arready: PortId,
    rdata: PortId,
    rresp: PortId,
    rvalid: PortId,
    rready: PortId,
}

/// Traffic counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AxiMemStats {
    pub bursts: u64,
    pub beats: u64,
    /// Most bursts accepted and not finished at once.
    pub max_outstanding: usize,
    /// Bursts that ended exactly at a 4 KiB boundary (crossing would be a violation).
    pub bursts_to_page_end: u64,
    /// Clocks with RVALID high and RREADY low.
    pub r_stalls: u64,
    /// Beats answered SLVERR/DECERR.
    pub error_beats: u64,
}

/// The memory model (see the module docs).
#[derive(Debug)]
pub struct AxiMem {
    base: u64,
    data: Vec<u8>,
    /// Clocks from the AR handshake to the first beat.
    pub latency: u64,
    /// Bursts accepted before ARREADY drops.
    pub max_outstanding: usize,
    errors: Vec<(u64, u64)>,
    pending: VecDeque<Burst>,
    ports: Option<MemPorts>,
    now: u64,
    pub stats: AxiMemStats,
    /// Protocol violations seen (empty on a correct master).
    pub violations: Vec<String>,
}

impl Default for AxiMem {
    fn default() -> Self {
        AxiMem::new(DEFAULT_BASE, DEFAULT_SIZE, DEFAULT_LATENCY)
    }
}

impl AxiMem {
    /// `size` bytes of zeroed memory at bus address `base`, answering after `latency` clocks.
    pub fn new(base: u64, size: usize, latency: u64) -> AxiMem {
        AxiMem {
            base,
            data: vec![0; size],
            latency: latency.max(1),
            max_outstanding: 8,
            errors: Vec::new(),
            pending: VecDeque::new(),
            ports: None,
            now: 0,
            stats: AxiMemStats::default(),
            violations: Vec::new(),
        }
    }

    /// Connects to the `m_axi_*` ports of `m`. Returns false (and stays passive) when the
    /// model has no DMA master.
    pub fn attach(&mut self, m: &Model) -> bool {
        let p = |n: &str| m.port(n).ok();
        self.ports = (|| {
            Some(MemPorts {
                araddr: p("m_axi_araddr")?,
                arlen: p("m_axi_arlen")?,
                arvalid: p("m_axi_arvalid")?,
                arready: p("m_axi_arready")?,
                rdata: p("m_axi_rdata")?,
                rresp: p("m_axi_rresp")?,
                rvalid: p("m_axi_rvalid")?,
                rready: p("m_axi_rready")?,
            })
        })();
        self.ports.is_some()
    }

    /// Answers SLVERR for every beat whose address lies in `start .. start + len`.
    pub fn inject_slverr(&mut self, start: u64, len: u64) {
        self.errors.push((start, start + len));
    }

    /// Removes all injected errors.
    pub fn clear_errors(&mut self) {
        self.errors.clear();
    }

    /// Bursts accepted and not yet fully answered.
    pub fn outstanding(&self) -> usize {
        self.pending.len()
    }

    /// Drops all state of bursts in flight (use only together with a hard reset of the master).
    pub fn reset_channel(&mut self) {
        self.pending.clear();
    }

    fn beat(&self, addr: u64) -> (u64, u64) {
        if self.errors.iter().any(|&(s, e)| addr >= s && addr < e) {
            return (0, SLVERR);
        }
        let bytes = addr
            .checked_sub(self.base)
            .and_then(|o| usize::try_from(o).ok())
            .and_then(|o| self.data.get(o..o.checked_add(8)?));
        match bytes {
            Some(b) => {
                let mut w = [0u8; 8];
                w.copy_from_slice(b);
                (u64::from_le_bytes(w), OKAY)
            }
            None => (0, DECERR),
        }
    }

    /// One clock of the slave around one clock of the model: drives the slave outputs for
    /// this cycle, samples the master's handshakes, then ticks `m`.
    pub fn clock(&mut self, m: &mut Model) {
        let Some(p) = self.ports else {
            m.tick();
            self.now += 1;
            return;
        };
        let arready = self.pending.len() < self.max_outstanding;
        let head = self
            .pending
            .front()
            .copied()
            .filter(|b| self.now >= b.ready_at);
        let (rdata, rresp) = match head {
            Some(b) => self.beat(b.addr + 8 * b.sent),
            None => (0, OKAY),
        };
        m.set(p.arready, u64::from(arready));
        m.set(p.rvalid, u64::from(head.is_some()));
        m.set(p.rdata, rdata);
        m.set(p.rresp, rresp);
        m.eval();
        let arvalid = m.get(p.arvalid) == 1;
        let rready = m.get(p.rready) == 1;
        if arvalid && arready {
            let addr = m.get(p.araddr);
            let beats = m.get(p.arlen) + 1;
            self.check_burst(addr, beats);
            self.pending.push_back(Burst {
                addr,
                beats,
                sent: 0,
                ready_at: self.now + self.latency,
            });
            self.stats.bursts += 1;
            self.stats.max_outstanding = self.stats.max_outstanding.max(self.pending.len());
        }
        if head.is_some() {
            if rready {
                self.stats.beats += 1;
                if rresp != OKAY {
                    self.stats.error_beats += 1;
                }
                if let Some(b) = self.pending.front_mut() {
                    b.sent += 1;
                    if b.sent == b.beats {
                        self.pending.pop_front();
                    }
                }
            } else {
                self.stats.r_stalls += 1;
            }
        }
        m.tick();
        self.now += 1;
    }

    fn check_burst(&mut self, addr: u64, beats: u64) {
        if addr % 8 != 0 {
            self.violations
                .push(format!("burst at {addr:#x}: not 8-byte aligned"));
        }
        if beats > u64::from(DMA_MAX_BURST_BEATS) {
            self.violations
                .push(format!("burst at {addr:#x}: {beats} beats > 16"));
        }
        let end = addr + 8 * beats;
        if addr / 4096 != (end - 1) / 4096 {
            self.violations.push(format!(
                "burst at {addr:#x} of {beats} beats crosses a 4 KiB boundary"
            ));
        }
        if end % 4096 == 0 {
            self.stats.bursts_to_page_end += 1;
        }
    }
}

impl DmaRegion for AxiMem {
    fn bus_addr(&self) -> u64 {
        self.base
    }
    fn len(&self) -> usize {
        self.data.len()
    }
    fn write(&mut self, offset: usize, data: &[u8]) -> Result<(), DmaError> {
        let end = check_range(offset, data.len(), self.data.len())?;
        self.data[offset..end].copy_from_slice(data);
        Ok(())
    }
    fn read(&self, offset: usize, out: &mut [u8]) -> Result<(), DmaError> {
        let end = check_range(offset, out.len(), self.data.len())?;
        out.copy_from_slice(&self.data[offset..end]);
        Ok(())
    }
}
