//! Driver for the Verilated `hash_cluster` model (the SHA-256 cluster at its native port):
//! issues jobs with 8-bit tags, streams their data words at up to one word per clock, pops
//! results (out of order) and matches them by tag. Used by the equivalence tests and by the
//! cycle measurements of the hardware report.

use std::path::Path;

use crate::sim::{Model, PortId, SimError};

/// One job for the cluster.
#[derive(Debug, Clone, Copy)]
pub struct ClusterJob<'a> {
    /// SHA-256d (modes SHA256D / MERKLE64 / HEADER80) instead of SHA-256.
    pub double: bool,
    pub data: &'a [u8],
}

/// Results in job order, and the cycles the batch took.
#[derive(Debug, Clone)]
pub struct ClusterRun {
    pub digests: Vec<[u8; 32]>,
    /// Clock cycles from the first command to the last result popped.
    pub cycles: u64,
    /// Tags in the order results came out (shows out-of-order completion).
    pub result_order: Vec<u8>,
}

/// Why a cluster run failed.
#[derive(Debug)]
pub enum ClusterError {
    Sim(SimError),
    /// No progress for this many cycles (a hang).
    Hung {
        cycles: u64,
        done: usize,
        total: usize,
    },
    /// A result arrived with a tag that no job in flight carries.
    UnknownTag(u8),
    /// A job longer than the hardware's LEN field allows.
    TooLong {
        index: usize,
        len: usize,
    },
}

impl From<SimError> for ClusterError {
    fn from(e: SimError) -> Self {
        ClusterError::Sim(e)
    }
}

impl std::fmt::Display for ClusterError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ClusterError::Sim(e) => write!(f, "simulator: {e:?}"),
            ClusterError::Hung {
                cycles,
                done,
                total,
            } => {
                write!(
                    f,
                    "cluster made no progress for {cycles} cycles ({done}/{total} results)"
                )
            }
            ClusterError::UnknownTag(t) => {
                write!(f, "result with tag {t} that no job in flight carries")
            }
            ClusterError::TooLong { index, len } => {
                write!(f, "job {index}: {len} bytes exceeds MAX_HASH_LEN")
            }
        }
    }
}

impl std::error::Error for ClusterError {}

/// The Verilated hash cluster.
#[derive(Debug)]
pub struct ClusterSim {
    m: Model,
    reset: PortId,
    cmd_valid: PortId,
    cmd_ready: PortId,
    cmd_double: PortId,
    cmd_len: PortId,
    cmd_tag: PortId,
    data_valid: PortId,
    data: PortId,
    data_ready: PortId,
    res_valid: PortId,
    res_pop: PortId,
    res_tag: PortId,
    res_digest: PortId,
    busy: PortId,
}

fn words_of(data: &[u8]) -> impl Iterator<Item = u32> + '_ {
    data.chunks(4).map(|c| {
        let mut b = [0u8; 4];
        b[..c.len()].copy_from_slice(c);
        u32::from_be_bytes(b)
    })
}

/// Cycles without any handshake after which a run is declared hung.
const HANG_CYCLES: u64 = 10_000;

impl ClusterSim {
    /// Opens the model (optionally with a VCD) and applies reset.
    pub fn new(vcd: Option<&Path>) -> Result<ClusterSim, SimError> {
        let m = match vcd {
            Some(p) => Model::with_vcd("hash_cluster", p)?,
            None => Model::new("hash_cluster")?,
        };
        let mut s = ClusterSim {
            reset: m.port("reset")?,
            cmd_valid: m.port("cmd_valid")?,
            cmd_ready: m.port("cmd_ready")?,
            cmd_double: m.port("cmd_double")?,
            cmd_len: m.port("cmd_len")?,
            cmd_tag: m.port("cmd_tag")?,
            data_valid: m.port("data_valid")?,
            data: m.port("data")?,
            data_ready: m.port("data_ready")?,
            res_valid: m.port("res_valid")?,
            res_pop: m.port("res_pop")?,
            res_tag: m.port("res_tag")?,
            res_digest: m.port("res_digest")?,
            busy: m.port("busy")?,
            m,
        };
        s.m.set(s.reset, 1);
        s.m.ticks(2);
        s.m.set(s.reset, 0);
        s.m.eval();
        Ok(s)
    }

    /// Cycles simulated so far.
    pub fn cycles(&self) -> u64 {
        self.m.cycles()
    }

    /// Is the cluster idle (nothing queued, streaming or hashing)?
    pub fn idle(&mut self) -> bool {
        self.m.eval();
        self.m.get(self.busy) == 0
    }

    /// Flushes the waveform (if any).
    pub fn flush_vcd(&mut self) {
        self.m.flush_vcd();
    }

    /// Runs a batch: at most `max_in_flight` (<= 256) jobs in flight, tags assigned
    /// round-robin, data streamed at one word per clock when the cluster accepts it.
    pub fn run(
        &mut self,
        jobs: &[ClusterJob<'_>],
        max_in_flight: usize,
    ) -> Result<ClusterRun, ClusterError> {
        for (index, j) in jobs.iter().enumerate() {
            if j.data.len() > satchain_regmap::MAX_HASH_LEN as usize {
                return Err(ClusterError::TooLong {
                    index,
                    len: j.data.len(),
                });
            }
        }
        let max_in_flight = max_in_flight.clamp(1, 256);
        let mut digests = vec![[0u8; 32]; jobs.len()];
        let mut owner: [Option<usize>; 256] = [None; 256];
        let mut in_flight = 0usize;
        let mut next_cmd = 0usize;
        // Data stream: (job index, word iterator position).
        let mut stream_job = 0usize;
        let mut stream_words: Vec<u32> = Vec::new();
        let mut stream_pos = 0usize;
        let mut stream_loaded = usize::MAX;
        let mut done = 0usize;
        let mut order = Vec::with_capacity(jobs.len());
        let start = self.m.cycles();
        let mut idle_cycles = 0u64;
        while done < jobs.len() {
            self.m.eval();
            let mut progress = false;
            // Command.
            let tag = (next_cmd % 256) as u8;
            let can_cmd = next_cmd < jobs.len()
                && in_flight < max_in_flight
                && owner[tag as usize].is_none()
                && self.m.get(self.cmd_ready) == 1;
            if can_cmd {
                let j = &jobs[next_cmd];
                self.m.set(self.cmd_valid, 1);
                self.m.set(self.cmd_double, u64::from(j.double));
                self.m.set(self.cmd_len, j.data.len() as u64);
                self.m.set(self.cmd_tag, u64::from(tag));
                owner[tag as usize] = Some(next_cmd);
                in_flight += 1;
                next_cmd += 1;
                progress = true;
            } else {
                self.m.set(self.cmd_valid, 0);
            }
            // Data of commands already issued (or issued this cycle), in job order.
            while stream_job < next_cmd {
                if stream_loaded != stream_job {
                    stream_words = words_of(jobs[stream_job].data).collect();
                    stream_pos = 0;
                    stream_loaded = stream_job;
                }
                if stream_pos < stream_words.len() {
                    break;
                }
                stream_job += 1;
            }
            if stream_job < next_cmd
                && stream_pos < stream_words.len()
                && self.m.get(self.data_ready) == 1
            {
                self.m.set(self.data_valid, 1);
                self.m.set(self.data, u64::from(stream_words[stream_pos]));
                stream_pos += 1;
                progress = true;
            } else {
                self.m.set(self.data_valid, 0);
            }
            // Result.
            if self.m.get(self.res_valid) == 1 {
                let t = self.m.get(self.res_tag) as u8;
                let idx = owner[t as usize]
                    .take()
                    .ok_or(ClusterError::UnknownTag(t))?;
                let w = self.m.get_words(self.res_digest);
                let mut d = [0u8; 32];
                for i in 0..8 {
                    d[4 * i..4 * i + 4].copy_from_slice(&w[7 - i].to_be_bytes());
                }
                digests[idx] = d;
                order.push(t);
                in_flight -= 1;
                done += 1;
                self.m.set(self.res_pop, 1);
                progress = true;
            } else {
                self.m.set(self.res_pop, 0);
            }
            self.m.tick();
            if progress {
                idle_cycles = 0;
            } else {
                idle_cycles += 1;
                if idle_cycles > HANG_CYCLES {
                    return Err(ClusterError::Hung {
                        cycles: idle_cycles,
                        done,
                        total: jobs.len(),
                    });
                }
            }
        }
        self.m.set(self.cmd_valid, 0);
        self.m.set(self.data_valid, 0);
        self.m.set(self.res_pop, 0);
        self.m.eval();
        Ok(ClusterRun {
            digests,
            cycles: self.m.cycles() - start,
            result_order: order,
        })
    }
}
