//! Cycle measurements of the SHA-256 hardware on the Verilated models, for
//! `satchain hw-report` (issue 3's `sha256` object).
//!
//! The ECDSA and BIP340 batches through the verify-job rings are in [`ring`] (re-exported here).
//!
//! `block413567_hash_cycles` is measured on the shipped design: accel-driver on the Verilated
//! `top`, jobs submitted as DMA descriptors, data read by the cluster's AXI master from the
//! simulated DDR ([`crate::axi_mem::AxiMem`], [`crate::axi_mem::DEFAULT_LATENCY`] clocks read
//! latency), every register access of the driver included ([`block_hash_via_dma`]).
//! The other figures run the Verilated `hash_cluster` (8 units, the shipped configuration),
//! fed at its register-stream port at up to one 32-bit word per clock:
//! - `cycles_per_block`: steady state of one unit, `(c(80 blocks) - c(40 blocks)) / 40` for
//!   single messages on an otherwise idle cluster;
//! - `cycles_header_sha256d`, `cycles_merkle_node`: one job, command to result popped;
//! - `block413567_hash_cycles_register_stream`: all txids of block 413567 (one SHA-256d job
//!   per transaction), then the merkle tree level by level (each level waits for the previous
//!   one) through the single in-order register stream, command of the first job to the last
//!   result popped: the ingress limit that the DMA removes. The computed root must equal the
//!   header's. (CPU writes over GP0 are much slower than one word per clock, so on the board
//!   the register path is slower still.)

use std::path::Path;

use crate::sha_cluster::{ClusterError, ClusterJob, ClusterSim};
use crypto_core::block::Block;
use crypto_core::Chain;

mod ring;
pub use ring::{ecdsa_ring_batch, schnorr_ring_batch, RingRun};

/// Cycle figures of the SHA-256 cluster (see the module docs for how each is measured).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sha256Cycles {
    /// Units in the measured cluster.
    pub units: usize,
    /// Steady-state cycles per 64-byte block, one unit.
    pub cycles_per_block: f64,
    pub cycles_header_sha256d: u64,
    pub cycles_merkle_node: u64,
    /// txids + merkle root of block 413567 on the shipped top through descriptor DMA.
    pub block413567_hash_cycles: u64,
    /// Memory read latency assumed for `block413567_hash_cycles` (clocks).
    pub block413567_mem_latency: u64,
    /// Driver register accesses per hash job in that run (GP0 traffic on the board).
    pub block413567_reg_writes_per_job: f64,
    pub block413567_reg_reads_per_job: f64,
    /// The same on the cluster's register stream, fed one word per clock (no DMA).
    pub block413567_hash_cycles_register_stream: u64,
    /// SHA-256 compressions that took (from the padding rule, counted in software).
    pub block413567_compressions: u64,
    pub block413567_txs: usize,
    /// What-if, not the shipped top: txids + merkle root with one data channel per unit
    /// (same unit RTL, [`block_hash_per_unit_feed`]); the gap to `block413567_hash_cycles`
    /// is the cost of the single in-order ingress stream.
    pub block413567_hash_cycles_per_unit_feed: u64,
}

/// Why a measurement failed.
#[derive(Debug)]
pub enum ReportError {
    Cluster(ClusterError),
    Io(String),
    Parse(String),
    /// The hardware's merkle root differs from the block header's.
    RootMismatch,
    /// The driver failed on the Verilated top.
    Driver(String),
}

impl std::fmt::Display for ReportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReportError::Cluster(e) => write!(f, "hash cluster: {e}"),
            ReportError::Io(e) => write!(f, "{e}"),
            ReportError::Parse(e) => write!(f, "block parse: {e}"),
            ReportError::RootMismatch => write!(
                f,
                "merkle root from the simulated cluster differs from the header"
            ),
            ReportError::Driver(e) => write!(f, "driver on the Verilated top: {e}"),
        }
    }
}

impl std::error::Error for ReportError {}

impl From<ClusterError> for ReportError {
    fn from(e: ClusterError) -> Self {
        ReportError::Cluster(e)
    }
}

impl From<crate::sim::SimError> for ReportError {
    fn from(e: crate::sim::SimError) -> Self {
        ReportError::Cluster(ClusterError::Sim(e))
    }
}

/// Padded 64-byte blocks of a `len`-byte message.
fn blocks(len: usize) -> u64 {
    ((len as u64) + 8) / 64 + 1
}

/// Result of hashing a block's transactions and merkle tree on the cluster.
#[derive(Debug, Clone)]
pub struct BlockHashRun {
    /// txids in block order (internal byte order).
    pub txids: Vec<[u8; 32]>,
    pub merkle_root: [u8; 32],
    pub cycles: u64,
    pub compressions: u64,
}

/// One merkle level's node inputs: an odd level repeats its last hash (Bitcoin's rule), then
/// each pair is concatenated into the 64-byte message of its parent.
fn merkle_pairs(level: &mut Vec<[u8; 32]>) -> Vec<Vec<u8>> {
    if level.len() % 2 == 1 {
        if let Some(last) = level.last().copied() {
            level.push(last);
        }
    }
    level.chunks(2).map(|p| [p[0], p[1]].concat()).collect()
}

/// Hashes the transactions of a raw (non-segwit) Bitcoin block and its merkle tree on the
/// Verilated cluster. The caller compares the root with the header.
pub fn block_hash_on_cluster(raw: &[u8]) -> Result<BlockHashRun, ReportError> {
    let block =
        Block::parse(raw, Chain::Bitcoin).map_err(|e| ReportError::Parse(format!("{e:?}")))?;
    let n = block.txs.len();
    let mut ranges = Vec::with_capacity(n);
    for i in 0..n {
        let start = block.tx_offsets[i];
        let end = if i + 1 < n {
            block.tx_offsets[i + 1]
        } else {
            raw.len()
        };
        ranges.push(start..end);
    }
    let mut sim = ClusterSim::new(None)?;
    let jobs: Vec<ClusterJob<'_>> = ranges
        .iter()
        .map(|r| ClusterJob {
            double: true,
            data: &raw[r.clone()],
        })
        .collect();
    let mut compressions: u64 = jobs.iter().map(|j| blocks(j.data.len()) + 1).sum();
    let run = sim.run(&jobs, 256)?;
    let mut cycles = run.cycles;
    let txids = run.digests;
    let mut level = txids.clone();
    while level.len() > 1 {
        let pairs = merkle_pairs(&mut level);
        let jobs: Vec<ClusterJob<'_>> = pairs
            .iter()
            .map(|p| ClusterJob {
                double: true,
                data: p,
            })
            .collect();
        compressions += 3 * jobs.len() as u64;
        let run = sim.run(&jobs, 256)?;
        cycles += run.cycles;
        level = run.digests;
    }
    let merkle_root = level.first().copied().unwrap_or([0u8; 32]);
    Ok(BlockHashRun {
        txids,
        merkle_root,
        cycles,
        compressions,
    })
}

fn single_job_cycles(double: bool, data: &[u8]) -> Result<u64, ReportError> {
    let mut sim = ClusterSim::new(None)?;
    let run = sim.run(&[ClusterJob { double, data }], 1)?;
    Ok(run.cycles)
}

/// Measures the SHA-256 figures of the hardware report. `block413567` is the path of
/// `shared/data/bitcoin-core/block413567.raw`.
pub fn sha256_cycles(block413567: &Path) -> Result<Sha256Cycles, ReportError> {
    let raw = std::fs::read(block413567)
        .map_err(|e| ReportError::Io(format!("{}: {e}", block413567.display())))?;
    let c40 = single_job_cycles(false, &vec![0xa5u8; 64 * 40 - 9])?;
    let c80 = single_job_cycles(false, &vec![0xa5u8; 64 * 80 - 9])?;
    let cycles_per_block = (c80.saturating_sub(c40)) as f64 / 40.0;
    let cycles_header_sha256d = single_job_cycles(true, &[0x11u8; 80])?;
    let cycles_merkle_node = single_job_cycles(true, &[0x22u8; 64])?;
    let run = block_hash_on_cluster(&raw)?;
    if raw.len() < 68 || run.merkle_root[..] != raw[36..68] {
        return Err(ReportError::RootMismatch);
    }
    let lanes = block_hash_per_unit_feed(&raw, satchain_hdl::sha256::DEFAULT_UNITS)?;
    if lanes.merkle_root[..] != raw[36..68] {
        return Err(ReportError::RootMismatch);
    }
    let dma = block_hash_via_dma(&raw, crate::axi_mem::DEFAULT_LATENCY)?;
    if dma.run.merkle_root[..] != raw[36..68] {
        return Err(ReportError::RootMismatch);
    }
    let per_job = |x: u64| x as f64 / dma.jobs.max(1) as f64;
    Ok(Sha256Cycles {
        units: satchain_hdl::sha256::DEFAULT_UNITS,
        cycles_per_block,
        cycles_header_sha256d,
        cycles_merkle_node,
        block413567_hash_cycles: dma.run.cycles,
        block413567_mem_latency: dma.mem_latency,
        block413567_reg_writes_per_job: per_job(dma.reg_writes),
        block413567_reg_reads_per_job: per_job(dma.reg_reads),
        block413567_hash_cycles_register_stream: run.cycles,
        block413567_compressions: run.compressions,
        block413567_txs: run.txids.len(),
        block413567_hash_cycles_per_unit_feed: lanes.cycles,
    })
}

/// A message as `Sha256Unit` data beats: 8 bytes each, big-endian (the first word in bits
/// 63:32), the last beat zero-padded.
pub fn unit_beats(data: &[u8]) -> Vec<u64> {
    data.chunks(8)
        .map(|c| {
            let mut b = [0u8; 8];
            b[..c.len()].copy_from_slice(c);
            u64::from_be_bytes(b)
        })
        .collect()
}

/// One Verilated `sha256_unit` with its own data channel (for [`block_hash_per_unit_feed`]).
#[derive(Debug)]
struct UnitLane {
    m: crate::sim::Model,
    p: Vec<crate::sim::PortId>,
    job: Option<usize>,
    /// The job's 64-bit beats (two big-endian words each, first in 63:32).
    words: Vec<u64>,
    pos: usize,
}

// Port order in `UnitLane::p`.
const U_PORTS: [&str; 13] = [
    "reset",
    "cmd_valid",
    "cmd_ready",
    "cmd_double",
    "cmd_len",
    "cmd_tag",
    "data_valid",
    "data",
    "data_ready",
    "res_valid",
    "res_ack",
    "res_digest",
    "busy",
];

impl UnitLane {
    fn new() -> Result<UnitLane, crate::sim::SimError> {
        let m = crate::sim::Model::new("sha256_unit")?;
        let p = U_PORTS
            .iter()
            .map(|n| m.port(n))
            .collect::<Result<Vec<_>, _>>()?;
        let mut u = UnitLane {
            m,
            p,
            job: None,
            words: Vec::new(),
            pos: 0,
        };
        u.m.set(u.p[0], 1);
        u.m.ticks(2);
        u.m.set(u.p[0], 0);
        u.m.eval();
        Ok(u)
    }
}

/// Runs SHA-256d jobs on `lanes` units, each with its own data channel at one word per clock,
/// largest job first to the next idle unit. Returns digests (job order) and cycles.
fn run_lanes(lanes: &mut [UnitLane], jobs: &[&[u8]]) -> Result<(Vec<[u8; 32]>, u64), ReportError> {
    let mut order: Vec<usize> = (0..jobs.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(jobs[i].len()));
    let mut next = 0;
    let mut done = 0;
    let mut out = vec![[0u8; 32]; jobs.len()];
    let mut cycles = 0u64;
    while done < jobs.len() {
        for u in lanes.iter_mut() {
            u.m.eval();
            // result
            if u.m.get(u.p[9]) == 1 {
                let w = u.m.get_words(u.p[11]);
                let mut d = [0u8; 32];
                for i in 0..8 {
                    d[4 * i..4 * i + 4].copy_from_slice(&w[7 - i].to_be_bytes());
                }
                if let Some(j) = u.job.take() {
                    out[j] = d;
                    done += 1;
                }
                u.m.set(u.p[10], 1);
            } else {
                u.m.set(u.p[10], 0);
            }
            // command
            if u.job.is_none() && next < order.len() && u.m.get(u.p[2]) == 1 && u.m.get(u.p[9]) == 0
            {
                let j = order[next];
                next += 1;
                u.job = Some(j);
                u.words = unit_beats(jobs[j]);
                u.pos = 0;
                u.m.set(u.p[1], 1);
                u.m.set(u.p[3], 1);
                u.m.set(u.p[4], jobs[j].len() as u64);
                u.m.set(u.p[5], 0);
            } else {
                u.m.set(u.p[1], 0);
            }
            // data
            if u.job.is_some() && u.pos < u.words.len() && u.m.get(u.p[8]) == 1 {
                u.m.set(u.p[6], 1);
                u.m.set(u.p[7], u.words[u.pos]);
                u.pos += 1;
            } else {
                u.m.set(u.p[6], 0);
            }
            u.m.tick();
        }
        cycles += 1;
        if cycles > 100_000_000 {
            return Err(ReportError::Cluster(ClusterError::Hung {
                cycles,
                done,
                total: jobs.len(),
            }));
        }
    }
    for u in lanes.iter_mut() {
        u.m.set(u.p[1], 0);
        u.m.set(u.p[6], 0);
        u.m.set(u.p[10], 0);
        u.m.eval();
    }
    Ok((out, cycles))
}

/// What-if measurement for the next ingress design: the same `Sha256Unit` RTL, `units` of
/// them, but each with its own data channel (e.g. one DMA reader per unit over S_AXI_HP)
/// instead of the cluster's single in-order stream. Txids then merkle levels of a raw block,
/// largest job first. Not the shipped top: the report labels it as a projection of an
/// architecture change, measured on the Verilated units.
pub fn block_hash_per_unit_feed(raw: &[u8], units: usize) -> Result<BlockHashRun, ReportError> {
    let block =
        Block::parse(raw, Chain::Bitcoin).map_err(|e| ReportError::Parse(format!("{e:?}")))?;
    let n = block.txs.len();
    let mut lanes = Vec::with_capacity(units);
    for _ in 0..units.max(1) {
        lanes.push(UnitLane::new()?);
    }
    let mut txs: Vec<&[u8]> = Vec::with_capacity(n);
    for i in 0..n {
        let start = block.tx_offsets[i];
        let end = if i + 1 < n {
            block.tx_offsets[i + 1]
        } else {
            raw.len()
        };
        txs.push(&raw[start..end]);
    }
    let mut compressions: u64 = txs.iter().map(|t| blocks(t.len()) + 1).sum();
    let (txids, mut cycles) = run_lanes(&mut lanes, &txs)?;
    let mut level = txids.clone();
    while level.len() > 1 {
        let pairs = merkle_pairs(&mut level);
        let jobs: Vec<&[u8]> = pairs.iter().map(Vec::as_slice).collect();
        compressions += 3 * jobs.len() as u64;
        let (d, c) = run_lanes(&mut lanes, &jobs)?;
        cycles += c;
        level = d;
    }
    let merkle_root = level.first().copied().unwrap_or([0u8; 32]);
    Ok(BlockHashRun {
        txids,
        merkle_root,
        cycles,
        compressions,
    })
}

/// Txids and merkle root of a block hashed through the shipped top with descriptor DMA.
#[derive(Debug, Clone)]
pub struct DmaBlockRun {
    pub run: BlockHashRun,
    /// Memory read latency assumed (clocks from AR to the first beat).
    pub mem_latency: u64,
    /// Register accesses by the driver over the whole block (GP0 traffic on the board).
    pub reg_reads: u64,
    pub reg_writes: u64,
    /// Hash jobs submitted (txids + merkle nodes).
    pub jobs: usize,
    pub mem: crate::axi_mem::AxiMemStats,
}

/// Splits a raw non-segwit Bitcoin block into its serialized transactions.
pub fn block_transactions(raw: &[u8]) -> Result<Vec<&[u8]>, ReportError> {
    let block =
        Block::parse(raw, Chain::Bitcoin).map_err(|e| ReportError::Parse(format!("{e:?}")))?;
    let n = block.txs.len();
    let mut txs = Vec::with_capacity(n);
    for i in 0..n {
        let start = block.tx_offsets[i];
        let end = if i + 1 < n {
            block.tx_offsets[i + 1]
        } else {
            raw.len()
        };
        txs.push(&raw[start..end]);
    }
    Ok(txs)
}

/// Hashes a block's transactions (one SHA-256d job each) and then its merkle tree (level by
/// level, MERKLE64 jobs) through accel-driver on the Verilated shipped top (`top`), the data
/// fetched by the hash cluster's DMA from the simulated DDR ([`crate::axi_mem::AxiMem`],
/// read latency `mem_latency`). Cycles: from the first descriptor of the txid batch to the
/// last result read of the root, all register traffic of the driver included (interrupt
/// mode, the settings of `--backend sim`). The driver's copies into the DMA region take no
/// simulated time (on the board the block would already be in that memory).
pub fn block_hash_via_dma(raw: &[u8], mem_latency: u64) -> Result<DmaBlockRun, ReportError> {
    use accel_driver::regmap::HashMode;
    use accel_driver::{Accel, Bus, HashReq};
    let txs = block_transactions(raw)?;
    let mut bus = crate::bus::VerilatorBus::new()?;
    bus.mem.latency = mem_latency.max(1);
    let drv = |e: accel_driver::DriverError| ReportError::Driver(e.to_string());
    let mut a = Accel::open(bus, crate::bus::sim_driver_config()).map_err(drv)?;
    if !a.caps().hash_dma {
        return Err(ReportError::Driver(
            "the top reports no CAPS.HASH_DMA".into(),
        ));
    }
    let mut compressions: u64 = txs.iter().map(|t| blocks(t.len()) + 1).sum();
    let c0 = a.bus().sim_cycles().unwrap_or(0);
    let c = a.counters();
    let reqs: Vec<HashReq<'_>> = txs
        .iter()
        .map(|t| HashReq {
            mode: HashMode::Sha256d,
            data: t,
        })
        .collect();
    let mut out = vec![None; reqs.len()];
    a.hash_batch(&reqs, &mut out).map_err(drv)?;
    let txids: Vec<[u8; 32]> = out.iter().map(|d| d.unwrap_or([0; 32])).collect();
    let mut jobs = reqs.len();
    let mut level = txids.clone();
    while level.len() > 1 {
        let pairs = merkle_pairs(&mut level);
        let reqs: Vec<HashReq<'_>> = pairs
            .iter()
            .map(|p| HashReq {
                mode: HashMode::Merkle64,
                data: p,
            })
            .collect();
        compressions += 3 * reqs.len() as u64;
        jobs += reqs.len();
        let mut out = vec![None; reqs.len()];
        a.hash_batch(&reqs, &mut out).map_err(drv)?;
        level = out.iter().map(|d| d.unwrap_or([0; 32])).collect();
    }
    let cycles = a.bus().sim_cycles().unwrap_or(0) - c0;
    let c1 = a.counters();
    let merkle_root = level.first().copied().unwrap_or([0u8; 32]);
    let bus = a.into_bus();
    if !bus.mem.violations.is_empty() {
        return Err(ReportError::Driver(format!(
            "AXI protocol violations by the DMA master: {:?}",
            bus.mem.violations
        )));
    }
    Ok(DmaBlockRun {
        run: BlockHashRun {
            txids,
            merkle_root,
            cycles,
            compressions,
        },
        mem_latency: bus.mem.latency,
        reg_reads: c1.reads - c.reads,
        reg_writes: c1.writes - c.writes,
        jobs,
        mem: bus.mem.stats,
    })
}

// ------------------------------------------------------------------ ECDSA on the shipped top

/// (compressed, uncompressed) public keys among the verify jobs that validating `raw` (a
/// Bitcoin block) sends to its backend: the key mix `hw-report`'s ECDSA batch copies.
pub fn block_key_mix(raw: &[u8]) -> Result<(usize, usize), ReportError> {
    use crypto_core::{
        validate_block, Backend, BackendError, Digest32, HashJob, PubkeyBytes, ValidateOptions,
        Verdict, VerifyJob,
    };
    /// Answers in software and counts the key forms of the verify jobs.
    struct Counter {
        sw: fallback_sw::SoftwareBackend,
        mix: std::sync::Mutex<(usize, usize)>,
    }
    impl Backend for Counter {
        fn name(&self) -> &'static str {
            "key-mix counter"
        }
        fn hash_batch(&self, jobs: &[HashJob]) -> Result<Vec<Digest32>, BackendError> {
            self.sw.hash_batch(jobs)
        }
        fn verify_batch(&self, jobs: &[VerifyJob]) -> Result<Vec<Verdict>, BackendError> {
            let c = jobs
                .iter()
                .filter(|j| matches!(j.pubkey, PubkeyBytes::Compressed(_)))
                .count();
            if let Ok(mut m) = self.mix.lock() {
                m.0 += c;
                m.1 += jobs.len() - c;
            }
            self.sw.verify_batch(jobs)
        }
    }
    let counter = Counter {
        sw: fallback_sw::SoftwareBackend::single_thread(),
        mix: std::sync::Mutex::new((0, 0)),
    };
    let rep = validate_block(raw, &ValidateOptions::new(Chain::Bitcoin), &counter);
    if !rep.valid {
        return Err(ReportError::Parse(format!(
            "the block does not validate in software: {:?}",
            rep.error
        )));
    }
    let mix = *counter
        .mix
        .lock()
        .map_err(|_| ReportError::Io("key-mix counter poisoned".into()))?;
    Ok(mix)
}
