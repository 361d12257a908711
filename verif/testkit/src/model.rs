//! A behavioural model of the register block (sha2 + k256), for host tests of the driver
//! and of crypto-core's `FpgaBackend` before (and besides) the Verilated RTL.
//!
//! It follows the register semantics of `satchain_regmap` (FIFOs, tags, ERROR latching,
//! IRQ_STATUS, soft reset; descriptor DMA when [`DeviceModel::dma`] holds a region, read
//! instantly at `HASH_DMA_CMD`) with a simple timing model: a SHA-256 unit takes
//! `hash_cycles_per_block` per 64-byte block, an ECDSA engine `ecdsa_cycles` per job; jobs
//! of different length finish out of order. It is a test model, not a reference for the RTL's
//! cycle counts.

use alloc::collections::VecDeque;
use alloc::vec::Vec;

use k256::elliptic_curve::ops::Reduce;
use k256::elliptic_curve::point::AffineCoordinates;
use k256::elliptic_curve::sec1::FromEncodedPoint;
use k256::elliptic_curve::PrimeField;
use k256::{AffinePoint, EncodedPoint, ProjectivePoint, Scalar, U256};
use satchain_regmap::{
    field, reg, EcdsaCode, EcdsaJob, ErrorCode, Field, HashMode, ECDSA_JOB_WORDS,
};
use sha2::{Digest, Sha256};

use crate::mock::Device;
use accel_driver::bus::{BusError, BusErrorKind};

/// Shape and timing of the modelled bitstream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModelConfig {
    pub id: u32,
    pub version: u32,
    pub map_hash: u32,
    pub hash_units: u32,
    pub ecdsa_engines: u32,
    pub result_fifo_log2: u32,
    /// Hash jobs accepted (queued, not yet on a unit) before HASH_READY drops.
    pub hash_queue: usize,
    /// ECDSA jobs queued before ECDSA_READY drops.
    pub ecdsa_queue: usize,
    /// HASH_DATA words the front data queue holds; it drains one word per clock while a
    /// unit is idle (as the RTL's dispatcher streams to an idle unit).
    pub data_queue_words: u64,
    pub hash_cycles_per_block: u64,
    pub ecdsa_cycles: u64,
}

impl Default for ModelConfig {
    fn default() -> Self {
        ModelConfig {
            id: satchain_regmap::ID_VALUE,
            version: satchain_regmap::VERSION_VALUE,
            map_hash: satchain_regmap::MAP_HASH,
            hash_units: 4,
            ecdsa_engines: 2,
            result_fifo_log2: 4,
            hash_queue: 4,
            ecdsa_queue: 2,
            data_queue_words: 16,
            hash_cycles_per_block: 66,
            ecdsa_cycles: 3000,
        }
    }
}

impl ModelConfig {
    pub fn caps(&self) -> u32 {
        field::CAPS::HASH_UNITS.put(self.hash_units)
            | field::CAPS::ECDSA_ENGINES.put(self.ecdsa_engines)
            | field::CAPS::HASH_MODES.put(HashMode::ALL_MASK)
            | field::CAPS::RESULT_FIFO_LOG2.put(self.result_fifo_log2)
    }
}

#[derive(Debug, Clone)]
struct HashPend {
    tag: u8,
    mode: HashMode,
    len: usize,
    data: Vec<u8>,
}

#[derive(Debug, Clone, Copy)]
struct Running {
    tag: u8,
    out: [u32; 8],
    done_at: u64,
}

#[derive(Debug, Clone, Copy)]
struct EcdsaRunning {
    tag: u8,
    code: EcdsaCode,
    done_at: u64,
    cycles: u32,
}

/// The behavioural register-block model.
#[derive(Debug, Clone)]
pub struct DeviceModel {
    pub cfg: ModelConfig,
    cycles: u64,
    error: u32,
    irq_enable: u32,
    irq_status: u32,
    hash_q: VecDeque<HashPend>,
    units: Vec<Option<Running>>,
    hash_results: VecDeque<(u8, [u32; 8])>,
    ecdsa_words: Vec<u32>,
    ecdsa_q: VecDeque<(u8, EcdsaCode)>,
    engines: Vec<Option<EcdsaRunning>>,
    ecdsa_results: VecDeque<(u8, EcdsaCode, u32)>,
    dataq: u64,
    /// Jobs the model has completed (hash, ecdsa), for tests.
    pub completed: (u64, u64),
    /// Memory behind the modelled DMA master: `Some` makes `CAPS.HASH_DMA` read 1 and
    /// enables `HASH_DMA_ADDR` / `HASH_DMA_CMD` (a read outside it answers DmaReadError).
    pub dma: Option<crate::dma::MemRegion>,
    dma_addr: u32,
    dma_q: VecDeque<HashPend>,
}

/// SHA-256 digest as eight big-endian words.
fn words(d: &[u8]) -> [u32; 8] {
    let mut w = [0u32; 8];
    for (i, c) in d.chunks_exact(4).enumerate().take(8) {
        w[i] = u32::from_be_bytes([c[0], c[1], c[2], c[3]]);
    }
    w
}

fn scalar_in_range(bytes: &[u8; 32]) -> Option<Scalar> {
    let s: Option<Scalar> = Scalar::from_repr((*bytes).into()).into();
    s.filter(|s| !bool::from(s.is_zero()))
}

/// ECDSA verification with the engine's result codes: r, then s, then the public key are
/// checked; any s in [1, n-1] is accepted (no low-S rule here, as in the hardware).
pub fn ecdsa_code(job: &EcdsaJob) -> EcdsaCode {
    let Some(r_s) = scalar_in_range(&job.r) else {
        return EcdsaCode::BadR;
    };
    let Some(s_s) = scalar_in_range(&job.s) else {
        return EcdsaCode::BadS;
    };
    let enc = match job.prefix {
        p @ (2 | 3) => {
            let mut b = [0u8; 33];
            b[0] = p;
            b[1..].copy_from_slice(&job.qx);
            EncodedPoint::from_bytes(b)
        }
        4 => {
            let mut b = [0u8; 65];
            b[0] = 4;
            b[1..33].copy_from_slice(&job.qx);
            b[33..].copy_from_slice(&job.qy);
            EncodedPoint::from_bytes(b)
        }
        _ => return EcdsaCode::BadPubkey,
    };
    let Ok(enc) = enc else {
        return EcdsaCode::BadPubkey;
    };
    let q: Option<AffinePoint> = AffinePoint::from_encoded_point(&enc).into();
    let Some(q) = q else {
        return EcdsaCode::BadPubkey;
    };
    let zs = <Scalar as Reduce<U256>>::reduce_bytes(&job.z.into());
    let s_inv: Option<Scalar> = s_s.invert().into();
    let Some(s_inv) = s_inv else {
        return EcdsaCode::BadS;
    };
    let u1 = zs * s_inv;
    let u2 = r_s * s_inv;
    let pt = ProjectivePoint::GENERATOR * u1 + ProjectivePoint::from(q) * u2;
    if pt == ProjectivePoint::IDENTITY {
        return EcdsaCode::Invalid;
    }
    let x = pt.to_affine().x();
    let xr = <Scalar as Reduce<U256>>::reduce_bytes(&x);
    if xr == r_s {
        EcdsaCode::Valid
    } else {
        EcdsaCode::Invalid
    }
}

/// Indices of the busy slots whose job is done at `now`, in completion order (hash units and
/// ECDSA engines finish out of order; results are queued in the order they finished).
fn finished_in_order<T>(slots: &[Option<T>], now: u64, done_at: impl Fn(&T) -> u64) -> Vec<usize> {
    let mut done: Vec<(u64, usize)> = slots
        .iter()
        .enumerate()
        .filter_map(|(i, s)| s.as_ref().map(|s| (done_at(s), i)))
        .filter(|&(t, _)| t <= now)
        .collect();
    done.sort_unstable();
    done.into_iter().map(|(_, i)| i).collect()
}

impl DeviceModel {
    pub fn new(cfg: ModelConfig) -> Self {
        DeviceModel {
            cfg,
            cycles: 0,
            error: 0,
            irq_enable: 0,
            irq_status: 0,
            hash_q: VecDeque::new(),
            units: alloc::vec![None; cfg.hash_units as usize],
            hash_results: VecDeque::new(),
            ecdsa_words: Vec::new(),
            ecdsa_q: VecDeque::new(),
            engines: alloc::vec![None; cfg.ecdsa_engines as usize],
            ecdsa_results: VecDeque::new(),
            dataq: 0,
            completed: (0, 0),
            dma: None,
            dma_addr: 0,
            dma_q: VecDeque::new(),
        }
    }

    fn fifo_depth(&self) -> usize {
        1usize << self.cfg.result_fifo_log2
    }

    fn latch(&mut self, code: ErrorCode, tag: u8) {
        if self.error == 0 {
            self.error =
                field::ERROR::CODE.put(code as u32) | field::ERROR::TAG.put(u32::from(tag));
        }
        self.irq_status |= field::IRQ_STATUS::ERROR.mask();
    }

    fn soft_reset(&mut self) {
        let cfg = self.cfg;
        let (cycles, completed, dma, dma_addr) =
            (self.cycles, self.completed, self.dma.take(), self.dma_addr);
        *self = DeviceModel::new(cfg);
        self.cycles = cycles;
        self.completed = completed;
        self.dma = dma;
        self.dma_addr = dma_addr;
    }

    fn status(&self) -> u32 {
        let mut s = 0;
        if (self.hash_q.len() < self.cfg.hash_queue
            || self.hash_q.back().is_some_and(|j| j.data.len() < j.len))
            && self.dataq < self.cfg.data_queue_words
        {
            s |= field::STATUS::HASH_READY.mask();
        }
        if !self.hash_results.is_empty() {
            s |= field::STATUS::HASH_RESULT_VALID.mask();
        }
        if !self.hash_q.is_empty()
            || !self.dma_q.is_empty()
            || self.units.iter().any(Option::is_some)
        {
            s |= field::STATUS::HASH_BUSY.mask();
        }
        if self.dma.is_some() && self.dma_q.len() < self.fifo_depth() {
            s |= field::STATUS::HASH_DMA_READY.mask();
        }
        if self.ecdsa_q.len() < self.cfg.ecdsa_queue {
            s |= field::STATUS::ECDSA_READY.mask();
        }
        if !self.ecdsa_results.is_empty() {
            s |= field::STATUS::ECDSA_RESULT_VALID.mask();
        }
        if !self.ecdsa_q.is_empty() || self.engines.iter().any(Option::is_some) {
            s |= field::STATUS::ECDSA_BUSY.mask();
        }
        if self.error != 0 {
            s |= field::STATUS::ERROR.mask();
        }
        s
    }

    fn run(&mut self) {
        let now = self.cycles;
        let depth = self.fifo_depth();
        // Finish hash units (results in completion order).
        for i in finished_in_order(&self.units, now, |u| u.done_at) {
            if self.hash_results.len() >= depth {
                break;
            }
            if let Some(u) = self.units[i].take() {
                self.hash_results.push_back((u.tag, u.out));
                self.irq_status |= field::IRQ_STATUS::HASH_DONE.mask();
                self.completed.0 += 1;
            }
        }
        // Start complete jobs on free units.
        for i in 0..self.units.len() {
            if self.units[i].is_some() {
                continue;
            }
            let j = match self.hash_q.front() {
                Some(j) if j.data.len() >= j.len => self.hash_q.pop_front(),
                _ => self.dma_q.pop_front(),
            };
            let Some(j) = j else {
                break;
            };
            let one = Sha256::digest(&j.data[..j.len]);
            let (out, passes) = match j.mode {
                HashMode::Sha256 => (words(&one), 1),
                _ => (words(&Sha256::digest(one)), 2),
            };
            let blocks = (j.len as u64 + 9).div_ceil(64) + if passes == 2 { 1 } else { 0 };
            self.units[i] = Some(Running {
                tag: j.tag,
                out,
                done_at: now + blocks * self.cfg.hash_cycles_per_block,
            });
        }
        // ECDSA engines.
        for i in finished_in_order(&self.engines, now, |e| e.done_at) {
            if self.ecdsa_results.len() >= depth {
                break;
            }
            if let Some(e) = self.engines[i].take() {
                self.ecdsa_results.push_back((e.tag, e.code, e.cycles));
                self.irq_status |= field::IRQ_STATUS::ECDSA_DONE.mask();
                self.completed.1 += 1;
            }
        }
        for i in 0..self.engines.len() {
            if self.engines[i].is_none() {
                if let Some((tag, code)) = self.ecdsa_q.pop_front() {
                    let c = self.cfg.ecdsa_cycles;
                    self.engines[i] = Some(EcdsaRunning {
                        tag,
                        code,
                        done_at: now + c,
                        cycles: u32::try_from(c).unwrap_or(u32::MAX),
                    });
                }
            }
        }
    }

    /// TAG, LEN and MODE of a `HASH_CMD` / `HASH_DMA_CMD` word (`fields`: that register's
    /// TAG, LEN, MODE), or `None` after latching `BadMode` / `BadLength`.
    fn hash_job(&mut self, v: u32, fields: [Field; 3]) -> Option<(u8, usize, HashMode)> {
        let [tag_f, len_f, mode_f] = fields;
        let tag = tag_f.get(v).to_le_bytes()[0];
        let len = len_f.get(v) as usize;
        let Some(mode) = HashMode::from_bits(mode_f.get(v)) else {
            self.latch(ErrorCode::BadMode, tag);
            return None;
        };
        if mode.fixed_len().is_some_and(|w| w as usize != len) {
            self.latch(ErrorCode::BadLength, tag);
            return None;
        }
        Some((tag, len, mode))
    }

    /// An access to an address with no register: `ERROR.CODE` = BadAddress, AXI SLVERR.
    fn unmapped(&mut self, offset: u32) -> BusError {
        self.latch(ErrorCode::BadAddress, 0);
        BusError::new(
            BusErrorKind::SlaveError,
            Some(offset),
            "SLVERR: unmapped address",
        )
    }

    fn hash_cmd(&mut self, v: u32) {
        use field::HASH_CMD as F;
        let Some((tag, len, mode)) = self.hash_job(v, [F::TAG, F::LEN, F::MODE]) else {
            return;
        };
        if self.hash_q.len() >= self.cfg.hash_queue {
            return self.latch(ErrorCode::CmdOverflow, tag);
        }
        self.hash_q.push_back(HashPend {
            tag,
            mode,
            len,
            data: Vec::with_capacity(len.min(1 << 16)),
        });
    }

    fn dma_cmd(&mut self, v: u32) {
        use field::HASH_DMA_CMD as F;
        let Some((tag, len, mode)) = self.hash_job(v, [F::TAG, F::LEN, F::MODE]) else {
            return;
        };
        let addr = u64::from(self.dma_addr);
        if addr % u64::from(satchain_regmap::DMA_ADDR_ALIGN) != 0 || addr + len as u64 > 1 << 32 {
            return self.latch(ErrorCode::DmaBadDescriptor, tag);
        }
        if self.dma_q.len() >= self.fifo_depth() {
            return self.latch(ErrorCode::CmdOverflow, tag);
        }
        let mut data = alloc::vec![0u8; len];
        let ok = self.dma.as_ref().is_some_and(|r| {
            use accel_driver::dma::DmaRegion;
            addr.checked_sub(r.bus_addr())
                .and_then(|o| usize::try_from(o).ok())
                .is_some_and(|o| r.read(o, &mut data).is_ok())
        });
        if !ok {
            self.latch(ErrorCode::DmaReadError, tag);
        }
        self.dma_q.push_back(HashPend {
            tag,
            mode,
            len,
            data,
        });
    }

    fn hash_data(&mut self, v: u32) {
        if self.dataq >= self.cfg.data_queue_words {
            return self.latch(ErrorCode::DataOverflow, 0);
        }
        match self.hash_q.back_mut() {
            Some(j) if j.data.len() < j.len => {
                self.dataq += 1;
                let take = (j.len - j.data.len()).min(4);
                j.data.extend_from_slice(&v.to_be_bytes()[..take]);
            }
            _ => self.latch(ErrorCode::DataOverflow, 0),
        }
    }

    fn ecdsa_in(&mut self, v: u32) {
        if self.ecdsa_words.is_empty() && self.ecdsa_q.len() >= self.cfg.ecdsa_queue {
            return self.latch(ErrorCode::EcdsaOverflow, 0);
        }
        self.ecdsa_words.push(v);
        if let Ok(words) = <[u32; ECDSA_JOB_WORDS as usize]>::try_from(&self.ecdsa_words[..]) {
            self.ecdsa_words.clear();
            let (job, tag) = EcdsaJob::from_words(&words);
            let code = ecdsa_code(&job);
            self.ecdsa_q.push_back((tag, code));
        }
    }
}

impl Device for DeviceModel {
    fn read(&mut self, offset: u32) -> Result<u32, BusError> {
        let head = self.hash_results.front().copied();
        let ehead = self.ecdsa_results.front().copied();
        Ok(match offset {
            o if o == reg::ID.offset => self.cfg.id,
            o if o == reg::VERSION.offset => self.cfg.version,
            o if o == reg::MAP_HASH.offset => self.cfg.map_hash,
            o if o == reg::CAPS.offset => {
                self.cfg.caps() | field::CAPS::HASH_DMA.put(u32::from(self.dma.is_some()))
            }
            o if o == reg::HASH_DMA_ADDR.offset => self.dma_addr,
            o if o == reg::CTRL.offset => 0,
            o if o == reg::STATUS.offset => self.status(),
            o if o == reg::ERROR.offset => self.error,
            o if o == reg::IRQ_ENABLE.offset => self.irq_enable,
            o if o == reg::IRQ_STATUS.offset => self.irq_status,
            o if o == reg::CYCLES.offset => (self.cycles & 0xffff_ffff) as u32, // CYCLES is the low 32 bits
            o if o == reg::HASH_RESULT.offset => head.map_or(0, |(t, _)| {
                field::HASH_RESULT::VALID.put(1) | field::HASH_RESULT::TAG.put(u32::from(t))
            }),
            o if (reg::HASH_DIGEST0.offset..=reg::HASH_DIGEST7.offset).contains(&o)
                && o % 4 == 0 =>
            {
                head.map_or(0, |(_, d)| d[((o - reg::HASH_DIGEST0.offset) / 4) as usize])
            }
            o if o == reg::ECDSA_RESULT.offset => ehead.map_or(0, |(t, c, _)| {
                field::ECDSA_RESULT::VALID.put(1)
                    | field::ECDSA_RESULT::CODE.put(c as u32)
                    | field::ECDSA_RESULT::TAG.put(u32::from(t))
            }),
            o if o == reg::ECDSA_CYCLES.offset => ehead.map_or(0, |(_, _, c)| c),
            o if satchain_regmap::by_offset(o).is_some() => 0, // write-only registers read 0
            _ => return Err(self.unmapped(offset)),
        })
    }

    fn write(&mut self, offset: u32, v: u32) -> Result<(), BusError> {
        match offset {
            o if o == reg::CTRL.offset => {
                if field::CTRL::SOFT_RESET.get(v) != 0 {
                    self.soft_reset();
                }
            }
            o if o == reg::ERROR.offset => self.error = 0,
            o if o == reg::IRQ_ENABLE.offset => self.irq_enable = v & 0x7,
            o if o == reg::IRQ_STATUS.offset => self.irq_status &= !v,
            o if o == reg::HASH_CMD.offset => self.hash_cmd(v),
            o if o == reg::HASH_DATA.offset => self.hash_data(v),
            o if o == reg::HASH_DMA_ADDR.offset && self.dma.is_some() => self.dma_addr = v,
            o if o == reg::HASH_DMA_CMD.offset && self.dma.is_some() => self.dma_cmd(v),
            o if o == reg::HASH_POP.offset => {
                if self.hash_results.pop_front().is_none() {
                    self.latch(ErrorCode::ResultUnderflow, 0);
                }
            }
            o if o == reg::ECDSA_IN.offset => self.ecdsa_in(v),
            o if o == reg::ECDSA_POP.offset => {
                if self.ecdsa_results.pop_front().is_none() {
                    self.latch(ErrorCode::ResultUnderflow, 0);
                }
            }
            o if satchain_regmap::by_offset(o).is_some() => {} // read-only: ignored
            _ => return Err(self.unmapped(offset)),
        }
        self.run();
        Ok(())
    }

    fn advance(&mut self, cycles: u64) {
        self.cycles += cycles;
        if self.units.iter().any(Option::is_none) {
            self.dataq -= self.dataq.min(cycles);
        }
        self.run();
    }

    fn dma_region(&mut self) -> Option<&mut dyn accel_driver::dma::DmaRegion> {
        self.dma
            .as_mut()
            .map(|r| r as &mut dyn accel_driver::dma::DmaRegion)
    }
    fn irq(&self) -> bool {
        self.irq_status & self.irq_enable != 0
    }
}
