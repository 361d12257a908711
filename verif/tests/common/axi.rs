//! A minimal AXI4-Lite master over a Verilated top (until verif's VerilatorBus replaces it).
#![allow(dead_code)]

use verif::sim::{Model, PortId};

pub const OKAY: u8 = 0;
pub const SLVERR: u8 = 2;

pub struct Axi {
    pub m: Model,
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
    pub irq: PortId,
}

const TIMEOUT: u32 = 1000;

impl Axi {
    pub fn new(model: &str) -> Axi {
        let m = Model::new(model).unwrap_or_else(|e| panic!("model {model}: {e:?}"));
        Self::from_model(m)
    }

    pub fn from_model(m: Model) -> Axi {
        let p = |n: &str| m.port(n).unwrap_or_else(|e| panic!("port {n}: {e:?}"));
        let mut a = Axi {
            reset: p("reset"),
            awaddr: p("s_axi_awaddr"),
            awvalid: p("s_axi_awvalid"),
            awready: p("s_axi_awready"),
            wdata: p("s_axi_wdata"),
            wstrb: p("s_axi_wstrb"),
            wvalid: p("s_axi_wvalid"),
            wready: p("s_axi_wready"),
            bresp: p("s_axi_bresp"),
            bvalid: p("s_axi_bvalid"),
            bready: p("s_axi_bready"),
            araddr: p("s_axi_araddr"),
            arvalid: p("s_axi_arvalid"),
            arready: p("s_axi_arready"),
            rdata: p("s_axi_rdata"),
            rresp: p("s_axi_rresp"),
            rvalid: p("s_axi_rvalid"),
            rready: p("s_axi_rready"),
            irq: p("irq"),
            m,
        };
        a.m.set(a.reset, 1);
        a.m.ticks(3);
        a.m.set(a.reset, 0);
        a.m.eval();
        a
    }

    /// One write; returns BRESP.
    pub fn write(&mut self, addr: u32, data: u32) -> u8 {
        self.m.set(self.awaddr, u64::from(addr));
        self.m.set(self.wdata, u64::from(data));
        self.m.set(self.wstrb, 0xF);
        self.m.set(self.awvalid, 1);
        self.m.set(self.wvalid, 1);
        self.m.set(self.bready, 1);
        let mut n = 0;
        loop {
            self.m.eval();
            let done = self.m.get(self.awready) == 1 && self.m.get(self.wready) == 1;
            self.m.tick();
            if done {
                break;
            }
            n += 1;
            assert!(n < TIMEOUT, "AXI write to {addr:#x} not accepted");
        }
        self.m.set(self.awvalid, 0);
        self.m.set(self.wvalid, 0);
        let mut n = 0;
        loop {
            self.m.eval();
            if self.m.get(self.bvalid) == 1 {
                let r = self.m.get(self.bresp) as u8;
                self.m.tick();
                self.m.set(self.bready, 0);
                self.m.eval();
                return r;
            }
            self.m.tick();
            n += 1;
            assert!(n < TIMEOUT, "AXI write to {addr:#x}: no response");
        }
    }

    /// One read; returns (RDATA, RRESP).
    pub fn read(&mut self, addr: u32) -> (u32, u8) {
        self.m.set(self.araddr, u64::from(addr));
        self.m.set(self.arvalid, 1);
        self.m.set(self.rready, 1);
        let mut n = 0;
        loop {
            self.m.eval();
            let done = self.m.get(self.arready) == 1;
            self.m.tick();
            if done {
                break;
            }
            n += 1;
            assert!(n < TIMEOUT, "AXI read of {addr:#x} not accepted");
        }
        self.m.set(self.arvalid, 0);
        let mut n = 0;
        loop {
            self.m.eval();
            if self.m.get(self.rvalid) == 1 {
                let d = self.m.get(self.rdata) as u32;
                let r = self.m.get(self.rresp) as u8;
                self.m.tick();
                self.m.set(self.rready, 0);
                self.m.eval();
                return (d, r);
            }
            self.m.tick();
            n += 1;
            assert!(n < TIMEOUT, "AXI read of {addr:#x}: no response");
        }
    }

    pub fn rd(&mut self, addr: u32) -> u32 {
        let (d, r) = self.read(addr);
        assert_eq!(r, OKAY, "read {addr:#x}: SLVERR");
        d
    }

    pub fn wr(&mut self, addr: u32, data: u32) {
        assert_eq!(self.write(addr, data), OKAY, "write {addr:#x}: SLVERR");
    }

    pub fn irq(&mut self) -> bool {
        self.m.eval();
        self.m.get(self.irq) == 1
    }
}
