//! The driver's `Accel` against a register model with fuzzed faults: stuck bits, single bit
//! flips, spurious status bits, bus errors and lost writes on the AXI4-Lite window, in polling
//! and interrupt mode, with and without hash DMA.
//!
//! Properties:
//! - no fault plan makes the driver panic or hang: every wait counts against `timeout_us`
//!   (200 µs of model time here), so a batch either ends or times out within a bounded
//!   number of bus accesses (libFuzzer's `-timeout` catches a driver loop that does not count);
//! - when no planned fault actually fired, the batch succeeds and every result equals the
//!   oracle (`sha2` for the digests, the model's own `ecdsa_code` for the verdicts): the target
//!   checks answers, not just survival;
//! - after an error the driver's `recover` either succeeds or reports a typed error.
#![no_main]

use accel_driver::bus::{Bus, BusError, BusErrorKind};
use accel_driver::dma::DmaRegion;
use accel_driver::regmap::{ErrorCode, HashMode, WINDOW_BYTES};
use accel_driver::{Accel, Config, EcdsaJob, HashReq, WaitMode};
use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use sha2::{Digest, Sha256};
use testkit::dma::MemRegion;
use testkit::mock::MockBus;
use testkit::model::{ecdsa_code, DeviceModel, ModelConfig};

/// One planned fault. Register indices wrap over the 256-byte window (mapped and unmapped
/// offsets alike); access counters count from the first access of `Accel::open`.
#[derive(Arbitrary, Debug, Clone, Copy)]
enum Fault {
    /// Every read of the register returns `value` in the bits of `mask`.
    Stuck { reg: u8, mask: u32, value: u32 },
    /// The `at`-th read (any register) has bit `bit` flipped.
    Flip { at: u16, bit: u8 },
    /// Reads of the register in accesses `from..from + len` have `bits` set.
    Spurious { reg: u8, bits: u32, from: u16, len: u16 },
    /// The `at`-th access (read or write) fails on the bus.
    BusErr { at: u16 },
    /// The `at`-th write never reaches the device.
    DropWrite { at: u16 },
}

#[derive(Arbitrary, Debug)]
struct Case {
    faults: Vec<Fault>,
    irq: bool,
    dma: bool,
    words_per_ready: u8,
    hash: Vec<(u8, Vec<u8>)>,
    ecdsa: Vec<([u8; 32], [u8; 32], [u8; 32], [u8; 32], u8)>,
}

fn offset(reg: u8) -> u32 {
    (u32::from(reg) * 4) % WINDOW_BYTES
}

struct FuzzBus {
    inner: MockBus<DeviceModel>,
    faults: Vec<Fault>,
    reads: u32,
    writes: u32,
    accesses: u32,
    /// Faults that changed what the driver saw or what the device got.
    fired: u32,
}

impl FuzzBus {
    fn bus_error(&mut self) -> Option<BusError> {
        let n = self.accesses;
        self.accesses += 1;
        let hit = self
            .faults
            .iter()
            .any(|f| matches!(*f, Fault::BusErr { at } if u32::from(at) == n));
        if hit {
            self.fired += 1;
            Some(BusError::new(BusErrorKind::SlaveError, None, "fuzzed bus error"))
        } else {
            None
        }
    }
}

impl Bus for FuzzBus {
    fn read32(&mut self, off: u32) -> Result<u32, BusError> {
        let n = self.accesses;
        if let Some(e) = self.bus_error() {
            return Err(e);
        }
        let clean = self.inner.read32(off)?;
        let mut v = clean;
        let r = self.reads;
        self.reads += 1;
        for f in &self.faults {
            match *f {
                Fault::Stuck { reg, mask, value } if offset(reg) == off => {
                    v = (v & !mask) | (value & mask)
                }
                Fault::Flip { at, bit } if u32::from(at) == r => v ^= 1u32 << (bit % 32),
                Fault::Spurious { reg, bits, from, len }
                    if offset(reg) == off
                        && n >= u32::from(from)
                        && n < u32::from(from) + u32::from(len) =>
                {
                    v |= bits
                }
                _ => {}
            }
        }
        if v != clean {
            self.fired += 1;
        }
        Ok(v)
    }
    fn write32(&mut self, off: u32, value: u32) -> Result<(), BusError> {
        if let Some(e) = self.bus_error() {
            return Err(e);
        }
        let w = self.writes;
        self.writes += 1;
        let dropped = self
            .faults
            .iter()
            .any(|f| matches!(*f, Fault::DropWrite { at } if u32::from(at) == w));
        if dropped {
            self.fired += 1;
            return Ok(());
        }
        self.inner.write32(off, value)
    }
    fn has_irq(&self) -> bool {
        self.inner.has_irq()
    }
    fn wait_irq(&mut self, timeout_us: u32) -> Result<bool, BusError> {
        if let Some(e) = self.bus_error() {
            return Err(e);
        }
        self.inner.wait_irq(timeout_us)
    }
    fn pause(&mut self, us: u32) {
        self.inner.pause(us)
    }
    fn sim_cycles(&self) -> Option<u64> {
        self.inner.sim_cycles()
    }
    fn dma_region(&mut self) -> Option<&mut dyn DmaRegion> {
        self.inner.dma_region()
    }
}

fn digest(mode: HashMode, data: &[u8]) -> [u8; 32] {
    let once: [u8; 32] = Sha256::digest(data).into();
    match mode {
        HashMode::Sha256 => once,
        _ => Sha256::digest(once).into(),
    }
}

fuzz_target!(|case: Case| {
    let mut dev = DeviceModel::new(ModelConfig {
        ecdsa_cycles: 600,
        ..ModelConfig::default()
    });
    if case.dma {
        dev.dma = Some(MemRegion::new(0x1000_0000, 2048));
    }
    let mut inner = MockBus::new(dev);
    inner.record = false;
    inner.irq = case.irq;
    let bus = FuzzBus {
        inner,
        faults: case.faults.iter().take(6).copied().collect(),
        reads: 0,
        writes: 0,
        accesses: 0,
        fired: 0,
    };
    let cfg_burst = u32::from(case.words_per_ready % 3);
    let cfg = Config {
        wait: if case.irq { WaitMode::Irq } else { WaitMode::Poll },
        timeout_us: 200,
        poll_interval_us: 1,
        irq_slice_us: 20,
        hash_words_per_ready: cfg_burst,
        use_dma: case.dma,
        ..Config::default()
    };
    // Jobs the device accepts: the modes with fixed lengths get exactly those lengths.
    let hash: Vec<(HashMode, Vec<u8>)> = case
        .hash
        .iter()
        .take(6)
        .map(|(m, d)| {
            let mode = HashMode::ALL[usize::from(*m) % HashMode::ALL.len()];
            let mut d = d.clone();
            match mode {
                HashMode::Merkle64 => d.resize(64, 0),
                HashMode::Header80 => d.resize(80, 0),
                _ => d.truncate(300),
            }
            (mode, d)
        })
        .collect();
    let reqs: Vec<HashReq<'_>> = hash
        .iter()
        .map(|(mode, data)| HashReq { mode: *mode, data })
        .collect();
    let ecdsa: Vec<EcdsaJob> = case
        .ecdsa
        .iter()
        .take(4)
        .map(|&(z, r, s, qx, prefix)| EcdsaJob {
            z,
            r,
            s,
            qx,
            qy: z,
            prefix: prefix % 6,
        })
        .collect();

    let mut acc = match Accel::open(bus, cfg) {
        Ok(a) => a,
        Err(_) => return, // a typed error on open is an acceptable outcome of a fault
    };
    let mut hout = vec![None; reqs.len()];
    let h = acc.hash_batch(&reqs, &mut hout);
    let mut eout = vec![None; ecdsa.len()];
    let e = if h.is_ok() {
        acc.ecdsa_batch(&ecdsa, &mut eout)
    } else {
        let _ = acc.recover();
        Ok(Default::default())
    };
    // `hash_words_per_ready` other than 1 is documented as unsafe unless the data queue drains
    // faster than the bus writes: there the device may report a data-queue overflow, a typed
    // error, and nothing else.
    let burst_ok = cfg_burst == 1;
    if acc.bus().fired == 0 && !burst_ok {
        if let Err(err) = &h {
            assert!(
                matches!(err, accel_driver::error::DriverError::Hw { code: Some(ErrorCode::DataOverflow), .. }),
                "no fault fired, unsafe burst {cfg_burst}: only a data overflow may fail it: {err:?}"
            );
            return;
        }
    }
    if acc.bus().fired == 0 {
        assert!(h.is_ok(), "no fault fired, yet the hash batch failed: {h:?}");
        assert!(e.is_ok(), "no fault fired, yet the ECDSA batch failed: {e:?}");
        for (i, (mode, data)) in hash.iter().enumerate() {
            assert_eq!(hout[i], Some(digest(*mode, data)), "hash job {i} ({mode:?})");
        }
        for (i, j) in ecdsa.iter().enumerate() {
            let want = ecdsa_code(j);
            assert_eq!(eout[i].map(|r| r.code), Some(want), "ECDSA job {i}");
        }
    }
    if e.is_err() {
        let _ = acc.recover();
    }
});
