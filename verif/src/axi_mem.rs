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
//! - Write side (when the master has `m_axi_aw*`/`w*`/`b*` ports; [`crate::axi_mem_write`]):
//!   AW/W/B with `write_latency`, up to `max_outstanding_writes` open bursts, OKAY / SLVERR
//!   (`inject_write_slverr`) / DECERR (outside the memory), and its own protocol checker.
//! - Optional, off by default (the read side then behaves exactly as without them):
//!   `stall_percent` random backpressure on every ready/valid the memory drives,
//!   `latency_jitter` extra random latency per burst, `strict_read_checks` (ARVALID held with a
//!   stable payload until ARREADY), `log_reads` / `log_writes` traffic logs.
//!
//! The CPU side is [`accel_driver::DmaRegion`]: the driver writes job data into the model.

use std::collections::VecDeque;

use accel_driver::dma::{check_range, DmaError, DmaRegion};
use satchain_regmap::DMA_MAX_BURST_BEATS;

use crate::axi_mem_write::{AxiWriteStats, WriteBeatRecord, WritePorts, WriteSide, WriteTarget};
use crate::sim::{Model, PortId};

/// Default read latency in fabric clocks (AR accepted -> first beat): S_AXI_HP -> DDR3 on a
/// Zynq-7000 is ~150-200 ns for a page hit; 28 clocks at 150 MHz = 187 ns.
pub const DEFAULT_LATENCY: u64 = 28;
/// Default bus address of the simulated DMA region (a reserved-memory block in DDR).
pub const DEFAULT_BASE: u64 = 0x1000_0000;
/// Default size of the simulated DMA region.
pub const DEFAULT_SIZE: usize = 4 << 20;

pub(crate) const OKAY: u64 = 0;
pub(crate) const SLVERR: u64 = 2;
pub(crate) const DECERR: u64 = 3;
/// Default write latency: last W beat (or AW) to BVALID, in fabric clocks.
pub const DEFAULT_WRITE_LATENCY: u64 = 20;

/// One read burst accepted on AR (logged when `log_reads`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadBurstRecord {
    pub addr: u64,
    pub beats: u64,
    /// Clock of the AR handshake.
    pub cycle: u64,
}

/// The AXI burst rules both sides check: INCR of 8-byte beats, 8-byte aligned, at most
/// 16 beats, not crossing 4 KiB. Returns the violations and whether the burst ends exactly at
/// a 4 KiB boundary.
pub(crate) fn check_burst_rules(addr: u64, beats: u64) -> (Vec<String>, bool) {
    let mut v = Vec::new();
    if addr % 8 != 0 {
        v.push(format!("burst at {addr:#x}: not 8-byte aligned"));
    }
    if beats > u64::from(DMA_MAX_BURST_BEATS) {
        v.push(format!("burst at {addr:#x}: {beats} beats > 16"));
    }
    let end = addr + 8 * beats;
    if addr / 4096 != (end - 1) / 4096 {
        v.push(format!(
            "burst at {addr:#x} of {beats} beats crosses a 4 KiB boundary"
        ));
    }
    (v, end % 4096 == 0)
}

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
    /// Write channels, when the master has them.
    wr: Option<WriteSide>,
    /// Clocks from a write burst's completion (AW and all W beats in) to BVALID.
    pub write_latency: u64,
    /// Write bursts open (AW accepted, B not taken) before AWREADY drops.
    pub max_outstanding_writes: usize,
    write_errors: Vec<(u64, u64)>,
    pub write_stats: AxiWriteStats,
    /// Extra latency per burst, uniform in 0..=latency_jitter clocks (0: off).
    pub latency_jitter: u64,
    /// Percent of clocks on which each ready/valid the memory drives is held low (0: off).
    pub stall_percent: u32,
    rng: u64,
    /// Also check that ARVALID stays high with a stable address/length until ARREADY.
    pub strict_read_checks: bool,
    held_ar: Option<(u64, u64)>,
    /// Record every accepted read burst in `read_log`.
    pub log_reads: bool,
    pub read_log: Vec<ReadBurstRecord>,
    /// Record every write beat in `write_log`.
    pub log_writes: bool,
    pub write_log: Vec<WriteBeatRecord>,
}

/// The memory array as the write side sees it.
struct MemTarget<'a> {
    base: u64,
    data: &'a mut [u8],
    errors: &'a [(u64, u64)],
}

impl WriteTarget for MemTarget<'_> {
    fn write_beat(&mut self, addr: u64, data: u64, strb: u8) -> u64 {
        let Some(off) = addr
            .checked_sub(self.base)
            .and_then(|o| usize::try_from(o).ok())
            .filter(|o| o.checked_add(8).is_some_and(|e| e <= self.data.len()))
        else {
            return DECERR;
        };
        if self.errors.iter().any(|&(s, e)| addr >= s && addr < e) {
            return SLVERR;
        }
        for (i, b) in data.to_le_bytes().iter().enumerate() {
            if strb >> i & 1 == 1 {
                self.data[off + i] = *b;
            }
        }
        OKAY
    }
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
            wr: None,
            write_latency: DEFAULT_WRITE_LATENCY,
            max_outstanding_writes: 8,
            write_errors: Vec::new(),
            write_stats: AxiWriteStats::default(),
            latency_jitter: 0,
            stall_percent: 0,
            rng: 0x9E37_79B9_7F4A_7C15,
            strict_read_checks: false,
            held_ar: None,
            log_reads: false,
            read_log: Vec::new(),
            log_writes: false,
            write_log: Vec::new(),
        }
    }

    /// Seeds the generator behind `stall_percent` and `latency_jitter`.
    pub fn set_seed(&mut self, seed: u64) {
        self.rng = seed | 1;
    }

    fn next_rand(&mut self) -> u64 {
        // xorshift64*
        let mut x = self.rng;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.rng = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// True on `stall_percent` percent of calls (never when 0; draws nothing then).
    fn stall(&mut self) -> bool {
        self.stall_percent > 0 && self.next_rand() % 100 < u64::from(self.stall_percent)
    }

    /// A burst's latency: the base plus the jitter (no draw when the jitter is 0).
    fn burst_latency(&mut self, base: u64) -> u64 {
        if self.latency_jitter == 0 {
            base
        } else {
            base + self.next_rand() % (self.latency_jitter + 1)
        }
    }

    /// Connects to the AXI master ports named `<prefix>araddr` ... `<prefix>bready` of `m`
    /// (read side, write side, or both). Returns (read side found, write side found).
    pub fn attach_with_prefix(&mut self, m: &Model, prefix: &str) -> (bool, bool) {
        let p = |n: &str| m.port(&format!("{prefix}{n}")).ok();
        self.ports = (|| {
            Some(MemPorts {
                araddr: p("araddr")?,
                arlen: p("arlen")?,
                arvalid: p("arvalid")?,
                arready: p("arready")?,
                rdata: p("rdata")?,
                rresp: p("rresp")?,
                rvalid: p("rvalid")?,
                rready: p("rready")?,
            })
        })();
        self.wr = WritePorts::find(m, prefix).map(WriteSide::new);
        (self.ports.is_some(), self.wr.is_some())
    }

    /// Answers SLVERR for every write burst with a beat in `start .. start + len` (those
    /// beats are not written).
    pub fn inject_write_slverr(&mut self, start: u64, len: u64) {
        self.write_errors.push((start, start + len));
    }

    /// Removes all injected write errors.
    pub fn clear_write_errors(&mut self) {
        self.write_errors.clear();
    }

    /// Write bursts accepted on AW and not yet answered on B.
    pub fn outstanding_writes(&self) -> usize {
        self.wr.as_ref().map_or(0, WriteSide::open)
    }

    /// W beats accepted that no AW has claimed (non-zero after a run: a protocol error).
    pub fn orphan_write_beats(&self) -> usize {
        self.wr.as_ref().map_or(0, WriteSide::orphan_beats)
    }

    /// Connects to the `m_axi_*` ports of `m`. Returns false (and stays passive) when the
    /// model has no DMA master.
    pub fn attach(&mut self, m: &Model) -> bool {
        self.attach_with_prefix(m, "m_axi_").0
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
        self.held_ar = None;
        if let Some(w) = self.wr.as_mut() {
            w.reset();
        }
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
        self.drive_and_sample(m);
        m.tick();
        self.now += 1;
    }

    /// One clock of two slaves on two masters of one model (e.g. the hash DMA's and the verify
    /// ring's): each drives its outputs and samples its master, then `m` ticks once. The
    /// masters are independent blocks (no combinational path from one's inputs to the other's
    /// outputs), so sampling one before the other drives is exact.
    pub fn clock_pair(a: &mut AxiMem, b: &mut AxiMem, m: &mut Model) {
        a.drive_and_sample(m);
        b.drive_and_sample(m);
        m.tick();
        a.now += 1;
        b.now += 1;
    }

    /// This clock's slave outputs, then the master's handshakes sampled (no tick).
    fn drive_and_sample(&mut self, m: &mut Model) {
        let wdrive = match self.wr.take() {
            Some(mut w) => {
                let (now, max_open) = (self.now, self.max_outstanding_writes);
                let d = w.drive(m, now, max_open, |_| self.stall());
                self.wr = Some(w);
                Some(d)
            }
            None => None,
        };
        let Some(p) = self.ports else {
            if let Some(d) = wdrive {
                m.eval();
                self.sample_writes(m, d);
            }
            return;
        };
        let arready = self.pending.len() < self.max_outstanding && !self.stall();
        let head = self
            .pending
            .front()
            .copied()
            .filter(|b| self.now >= b.ready_at);
        let head = if head.is_some() && self.stall() {
            None
        } else {
            head
        };
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
        if self.strict_read_checks {
            let ar = (m.get(p.araddr), m.get(p.arlen));
            if let Some((a, l)) = self.held_ar {
                if !arvalid || ar != (a, l) {
                    self.violations.push(format!(
                        "AR at {a:#x} len {l} withdrawn or changed before ARREADY"
                    ));
                }
            }
            self.held_ar = (arvalid && !arready).then_some(ar);
        }
        if arvalid && arready {
            let addr = m.get(p.araddr);
            let beats = m.get(p.arlen) + 1;
            self.check_burst(addr, beats);
            if self.log_reads {
                self.read_log.push(ReadBurstRecord {
                    addr,
                    beats,
                    cycle: self.now,
                });
            }
            let latency = self.burst_latency(self.latency);
            self.pending.push_back(Burst {
                addr,
                beats,
                sent: 0,
                ready_at: self.now + latency,
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
        if let Some(d) = wdrive {
            self.sample_writes(m, d);
        }
    }

    fn sample_writes(&mut self, m: &mut Model, d: crate::axi_mem_write::WriteDrive) {
        let Some(mut w) = self.wr.take() else { return };
        let latency = self.burst_latency(self.write_latency);
        let mut target = MemTarget {
            base: self.base,
            data: &mut self.data,
            errors: &self.write_errors,
        };
        let log = self.log_writes.then_some(&mut self.write_log);
        w.sample(
            m,
            d,
            self.now,
            latency,
            &mut target,
            &mut self.write_stats,
            &mut self.violations,
            log,
        );
        self.wr = Some(w);
    }

    fn check_burst(&mut self, addr: u64, beats: u64) {
        let (v, to_page_end) = check_burst_rules(addr, beats);
        self.violations.extend(v);
        if to_page_end {
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
