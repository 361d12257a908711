//! The write side of [`crate::axi_mem::AxiMem`]: AXI4 AW / W / B channels of a slave memory,
//! with latency, backpressure, OKAY / SLVERR / DECERR responses and a protocol checker.
//!
//! - AW bursts are accepted while fewer than `max_outstanding_writes` are open (accepted and
//!   not yet answered on B); W beats are accepted into a queue (W may lead AW, as AXI allows).
//!   A burst completes when its AW and all its beats are in: its beats are applied to memory
//!   (by WSTRB) and its response is due `write_latency` (+ jitter) clocks later, in order.
//! - Response: DECERR if a beat lies outside the memory, else SLVERR if a beat lies in an
//!   injected write-error range, else OKAY; erroring beats are not written.
//! - Checker (violations are recorded, tests assert none): AW alignment, <= 16 beats, no 4 KiB
//!   crossing (the read side's rules); WLAST exactly on each burst's last beat; AWVALID and
//!   WVALID held with stable payload until accepted; BVALID handshakes only for open bursts
//!   (by construction); W beats left without an AW are visible as [`WriteSide::orphan_beats`].

use std::collections::VecDeque;

use crate::axi_mem::{check_burst_rules, OKAY};
use crate::sim::{Model, PortId};

/// Ports of an AXI write master, looked up once.
#[derive(Debug, Clone, Copy)]
pub(crate) struct WritePorts {
    awaddr: PortId,
    awlen: PortId,
    awvalid: PortId,
    awready: PortId,
    wdata: PortId,
    wstrb: PortId,
    wlast: PortId,
    wvalid: PortId,
    wready: PortId,
    bresp: PortId,
    bvalid: PortId,
    bready: PortId,
}

impl WritePorts {
    /// The write ports `<prefix>aw*`, `<prefix>w*`, `<prefix>b*` of `m`, if all exist.
    pub(crate) fn find(m: &Model, prefix: &str) -> Option<WritePorts> {
        let p = |n: &str| m.port(&format!("{prefix}{n}")).ok();
        Some(WritePorts {
            awaddr: p("awaddr")?,
            awlen: p("awlen")?,
            awvalid: p("awvalid")?,
            awready: p("awready")?,
            wdata: p("wdata")?,
            wstrb: p("wstrb")?,
            wlast: p("wlast")?,
            wvalid: p("wvalid")?,
            wready: p("wready")?,
            bresp: p("bresp")?,
            bvalid: p("bvalid")?,
            bready: p("bready")?,
        })
    }
}

/// Write-side traffic counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AxiWriteStats {
    pub bursts: u64,
    pub beats: u64,
    /// Most bursts open (AW accepted, B not yet taken) at once.
    pub max_outstanding: usize,
    /// Bursts answered SLVERR or DECERR.
    pub error_bursts: u64,
    /// Clocks with BVALID high and BREADY low.
    pub b_stalls: u64,
    /// W beats accepted before their burst's AW.
    pub w_before_aw: u64,
}

/// One write beat applied (or refused) by the memory, for tests that check where data landed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WriteBeatRecord {
    pub addr: u64,
    pub data: u64,
    pub strb: u8,
    /// The burst's response (the beat was written only if its own address was good).
    pub resp: u64,
    /// Clock at which the burst completed (all beats in).
    pub cycle: u64,
}

#[derive(Debug, Clone, Copy)]
struct Aw {
    addr: u64,
    beats: u64,
}

#[derive(Debug, Clone, Copy)]
struct W {
    data: u64,
    strb: u8,
    last: bool,
}

#[derive(Debug, Clone, Copy)]
struct B {
    resp: u64,
    ready_at: u64,
}

/// A handshake payload seen with VALID high and READY low (must be presented again unchanged).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Held {
    None,
    Aw(u64, u64),
    W(u64, u64, u64),
}

/// What the memory drove this clock (decided before `eval`).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct WriteDrive {
    awready: bool,
    wready: bool,
    bvalid: bool,
}

/// Memory-side access for applying a completed burst.
pub(crate) trait WriteTarget {
    /// Writes the bytes of `data` selected by `strb` at `addr`; the beat's response.
    fn write_beat(&mut self, addr: u64, data: u64, strb: u8) -> u64;
}

/// State of the write channels.
#[derive(Debug)]
pub(crate) struct WriteSide {
    ports: WritePorts,
    aws: VecDeque<Aw>,
    ws: VecDeque<W>,
    bs: VecDeque<B>,
    /// Bursts accepted on AW and not yet answered on B.
    open: usize,
    held_aw: Held,
    held_w: Held,
}

impl WriteSide {
    pub(crate) fn new(ports: WritePorts) -> WriteSide {
        WriteSide {
            ports,
            aws: VecDeque::new(),
            ws: VecDeque::new(),
            bs: VecDeque::new(),
            open: 0,
            held_aw: Held::None,
            held_w: Held::None,
        }
    }

    /// Bursts accepted and not yet answered.
    pub(crate) fn open(&self) -> usize {
        self.open
    }

    /// W beats accepted that no AW has claimed yet.
    pub(crate) fn orphan_beats(&self) -> usize {
        self.ws.len()
    }

    /// Forgets every burst in flight (with a hard reset of the master).
    pub(crate) fn reset(&mut self) {
        self.aws.clear();
        self.ws.clear();
        self.bs.clear();
        self.open = 0;
        self.held_aw = Held::None;
        self.held_w = Held::None;
    }

    /// Drives AWREADY, WREADY, BVALID/BRESP for this clock. `stall(i)` says whether channel
    /// `i` (0 AW, 1 W, 2 B) is held off this clock.
    pub(crate) fn drive(
        &mut self,
        m: &mut Model,
        now: u64,
        max_open: usize,
        mut stall: impl FnMut(u32) -> bool,
    ) -> WriteDrive {
        let awready = self.open < max_open && !stall(0);
        let wready = self.ws.len() < 64 && !stall(1);
        let head = self.bs.front().copied().filter(|b| now >= b.ready_at);
        let bvalid = head.is_some() && !stall(2);
        m.set(self.ports.awready, u64::from(awready));
        m.set(self.ports.wready, u64::from(wready));
        m.set(self.ports.bvalid, u64::from(bvalid));
        m.set(self.ports.bresp, head.map_or(OKAY, |b| b.resp));
        WriteDrive {
            awready,
            wready,
            bvalid,
        }
    }

    /// Samples the master after `eval` and advances the channels. `latency(now)` gives the
    /// response delay of a burst completing now.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn sample(
        &mut self,
        m: &mut Model,
        d: WriteDrive,
        now: u64,
        latency: u64,
        mem: &mut impl WriteTarget,
        stats: &mut AxiWriteStats,
        violations: &mut Vec<String>,
        log: Option<&mut Vec<WriteBeatRecord>>,
    ) {
        let p = self.ports;
        let awvalid = m.get(p.awvalid) == 1;
        let wvalid = m.get(p.wvalid) == 1;
        let bready = m.get(p.bready) == 1;
        let aw = (m.get(p.awaddr), m.get(p.awlen));
        let w = (m.get(p.wdata), m.get(p.wstrb), m.get(p.wlast));
        // Stability of payloads presented without READY last clock.
        if let Held::Aw(a, l) = self.held_aw {
            if !awvalid || aw != (a, l) {
                violations.push(format!(
                    "AW at {a:#x} len {l} withdrawn or changed before AWREADY (now {:#x} len {}, valid {awvalid})",
                    aw.0, aw.1
                ));
            }
        }
        if let Held::W(x, s, l) = self.held_w {
            if !wvalid || w != (x, s, l) {
                violations.push(format!(
                    "W beat {x:#x} withdrawn or changed before WREADY (valid {wvalid})"
                ));
            }
        }
        self.held_aw = if awvalid && !d.awready {
            Held::Aw(aw.0, aw.1)
        } else {
            Held::None
        };
        self.held_w = if wvalid && !d.wready {
            Held::W(w.0, w.1, w.2)
        } else {
            Held::None
        };
        if awvalid && d.awready {
            let (addr, beats) = (aw.0, aw.1 + 1);
            let (v, _) = check_burst_rules(addr, beats);
            violations.extend(v);
            self.aws.push_back(Aw { addr, beats });
            self.open += 1;
            stats.bursts += 1;
            stats.max_outstanding = stats.max_outstanding.max(self.open);
        }
        if wvalid && d.wready {
            if self.aws.is_empty() {
                stats.w_before_aw += 1;
            }
            self.ws.push_back(W {
                data: w.0,
                // WSTRB is an 8-bit port.
                strb: u8::try_from(w.1).unwrap_or(u8::MAX),
                last: w.2 == 1,
            });
            stats.beats += 1;
        }
        if d.bvalid {
            if bready {
                self.bs.pop_front();
                self.open = self.open.saturating_sub(1);
            } else {
                stats.b_stalls += 1;
            }
        }
        // Complete every burst whose beats are all in.
        let mut log = log;
        while let Some(&a) = self.aws.front() {
            let n = usize::try_from(a.beats).unwrap_or(usize::MAX);
            if self.ws.len() < n {
                break;
            }
            self.aws.pop_front();
            let mut resp = OKAY;
            let mut beats = Vec::with_capacity(n);
            for i in 0..n {
                let Some(b) = self.ws.pop_front() else { break };
                if b.last != (i + 1 == n) {
                    violations.push(format!(
                        "burst at {:#x}: WLAST {} on beat {i} of {n}",
                        a.addr, b.last
                    ));
                }
                let addr = a.addr + 8 * i as u64;
                // OKAY (0) < SLVERR (2) < DECERR (3): the burst answers the worst beat.
                let r = mem.write_beat(addr, b.data, b.strb);
                resp = resp.max(r);
                beats.push((addr, b));
            }
            if resp != OKAY {
                stats.error_bursts += 1;
            }
            if let Some(log) = log.as_deref_mut() {
                for (addr, b) in beats {
                    log.push(WriteBeatRecord {
                        addr,
                        data: b.data,
                        strb: b.strb,
                        resp,
                        cycle: now,
                    });
                }
            }
            self.bs.push_back(B {
                resp,
                ready_at: now + latency.max(1),
            });
        }
    }
}
