//! The VerifyCore throughput measurement, shared by `examples/vcore_throughput.rs` (which prints
//! it) and `tests/vcore_throughput.rs` (which recomputes the README's tables from it), so the
//! README's figures come from one piece of code and none is typed by hand.
//!
//! A batch is random valid ECDSA jobs with block 413567's mix of compressed / uncompressed keys
//! (counted from the block through crypto-core's validator), or random valid BIP340 jobs; it is
//! run through the whole core model of the ISS (`CoreImage::run`).

#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::cast_possible_truncation
)]

use crypto_core::{
    validate_block, Backend, BackendError, Chain, Digest32, HashJob, PubkeyBytes, ValidateOptions,
    Verdict, VerifyJob,
};
use k256::ecdsa::signature::hazmat::PrehashSigner;
use k256::ecdsa::{Signature, SigningKey};
use k256::elliptic_curve::sec1::ToEncodedPoint;
use rand::{Rng, SeedableRng};
use satchain_hdl::vcore::iss::core::{CoreJob, Run};
use satchain_hdl::vcore::iss::machine::CoreImage;
use satchain_hdl::vcore::iss::Config;
use std::sync::Mutex;

/// Records the verify jobs the validator sends and answers them in software.
#[derive(Default)]
struct Recorder {
    jobs: Mutex<Vec<VerifyJob>>,
}

impl Backend for Recorder {
    fn name(&self) -> &'static str {
        "recorder"
    }
    fn hash_batch(&self, jobs: &[HashJob]) -> Result<Vec<Digest32>, BackendError> {
        jobs.iter().map(fallback_sw::hash_one).collect()
    }
    fn verify_batch(&self, jobs: &[VerifyJob]) -> Result<Vec<Verdict>, BackendError> {
        self.jobs.lock().unwrap().extend_from_slice(jobs);
        Ok(jobs.iter().map(fallback_sw::verify_one).collect())
    }
}

/// (compressed, uncompressed) key counts of block 413567's verify jobs.
pub fn block_mix() -> (usize, usize) {
    let p = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/data/bitcoin-core/block413567.raw");
    let raw = std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    let rec = Recorder::default();
    let rep = validate_block(&raw, &ValidateOptions::new(Chain::Bitcoin), &rec);
    assert!(rep.valid, "block 413567: {:?}", rep.error);
    let jobs = rec.jobs.lock().unwrap();
    let c = jobs
        .iter()
        .filter(|j| matches!(j.pubkey, PubkeyBytes::Compressed(_)))
        .count();
    (c, jobs.len() - c)
}

/// The options of the example (and of a README table's marker line).
#[derive(Debug, Clone, PartialEq)]
pub struct Opts {
    pub jobs: usize,
    pub threads: Vec<u32>,
    /// Clusters in the core (default: `params::CLUSTERS`; the shipped top has 1).
    pub clusters: usize,
    pub mul_wbs: Vec<u32>,
    pub fetch: u32,
    pub alu_wb: u32,
    pub mhz: f64,
    pub seed: u64,
    pub schnorr: bool,
    /// Share of compressed keys in percent; None = block 413567's mix.
    pub compressed: Option<f64>,
    pub profile: bool,
    pub markdown: bool,
}

/// The comma-separated values of flag `name`, or `default` when the flag is absent. A flag
/// without a value, an empty list or a value that does not parse is an error naming the flag.
pub fn arg_list<T>(args: &[String], name: &str, default: &[T]) -> Result<Vec<T>, String>
where
    T: std::str::FromStr + Clone,
    T::Err: std::fmt::Display,
{
    let Some(i) = args.iter().position(|a| a == name) else {
        return Ok(default.to_vec());
    };
    let v = args
        .get(i + 1)
        .filter(|v| !v.starts_with("--"))
        .ok_or_else(|| format!("{name} needs a value"))?;
    v.split(',')
        .map(|x| x.parse().map_err(|e| format!("{name} {v}: {e}")))
        .collect()
}

/// The one value of flag `name` (see [`arg_list`]).
pub fn arg_one<T>(args: &[String], name: &str, default: T) -> Result<T, String>
where
    T: std::str::FromStr + Clone,
    T::Err: std::fmt::Display,
{
    match arg_list(args, name, &[default])?.as_slice() {
        [x] => Ok(x.clone()),
        _ => Err(format!("{name} takes one value")),
    }
}

impl Opts {
    /// Parses `--jobs N --clusters C --threads a,b --mul-wb a,b --fetch F --alu-wb A --mhz M --seed S
    /// --schnorr --compressed PCT --profile --markdown` (other words are ignored). A malformed
    /// value is an error that names its flag.
    pub fn parse(args: &[String]) -> Result<Opts, String> {
        let base = Config::default();
        let positive = |name: &str, n: u32| {
            if n == 0 {
                Err(format!("{name} 0: must be at least 1"))
            } else {
                Ok(n)
            }
        };
        let threads: Vec<u32> = arg_list(args, "--threads", &[8, 16, 24, 32])?;
        for &t in &threads {
            positive("--threads", t)?;
        }
        Ok(Opts {
            jobs: positive("--jobs", arg_one::<u32>(args, "--jobs", 256)?)? as usize,
            threads,
            clusters: positive(
                "--clusters",
                arg_one::<u32>(args, "--clusters", base.clusters as u32)?,
            )? as usize,
            mul_wbs: arg_list(args, "--mul-wb", &[24, 32, 40])?,
            fetch: arg_one(args, "--fetch", base.fetch)?,
            alu_wb: arg_one(args, "--alu-wb", base.alu_wb)?,
            mhz: match arg_one::<f64>(args, "--mhz", 150.0)? {
                m if m.is_finite() && m > 0.0 => m,
                m => return Err(format!("--mhz {m}: not a positive number of MHz")),
            },
            seed: u64::from(arg_one::<u32>(args, "--seed", 1)?),
            schnorr: args.iter().any(|a| a == "--schnorr"),
            compressed: match args.iter().position(|a| a == "--compressed") {
                None => None,
                Some(_) => match arg_one::<f64>(args, "--compressed", 0.0)? {
                    p if (0.0..=100.0).contains(&p) => Some(p),
                    p => return Err(format!("--compressed {p}: a percentage, 0 to 100")),
                },
            },
            profile: args.iter().any(|a| a == "--profile"),
            markdown: args.iter().any(|a| a == "--markdown"),
        })
    }

    pub fn config(&self, threads: u32, mul_wb: u32) -> Config {
        Config {
            clusters: self.clusters,
            threads: threads as usize,
            mul_wb,
            fetch: self.fetch,
            alu_wb: self.alu_wb,
            profile: self.profile,
            ..Config::default()
        }
    }
}

/// The batch `o` describes, and the number of compressed keys in it.
pub fn batch(o: &Opts) -> (Vec<CoreJob>, usize) {
    let n = o.jobs;
    let frac = match o.compressed {
        Some(pct) => pct / 100.0,
        None if o.schnorr => 0.0,
        None => {
            let (comp, unc) = block_mix();
            comp as f64 / (comp + unc) as f64
        }
    };
    let n_comp = if o.schnorr {
        0
    } else {
        (n as f64 * frac).round() as usize
    };
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(o.seed);
    let mut jobs = Vec::with_capacity(n);
    for i in 0..n {
        if o.schnorr {
            jobs.push(schnorr_job(&mut rng));
            continue;
        }
        let sk = loop {
            let b: [u8; 32] = rng.gen();
            if let Ok(k) = SigningKey::from_bytes(&b.into()) {
                break k;
            }
        };
        let z: [u8; 32] = rng.gen();
        let sig: Signature = sk.sign_prehash(&z).unwrap();
        let b = sig.to_bytes();
        let (mut r, mut s) = ([0u8; 32], [0u8; 32]);
        r.copy_from_slice(&b[..32]);
        s.copy_from_slice(&b[32..]);
        // Spread the compressed keys evenly through the batch.
        let compressed = (i * n_comp) / n != ((i + 1) * n_comp) / n;
        let key = sk.verifying_key().as_affine().to_encoded_point(compressed);
        jobs.push(CoreJob::ecdsa(key.as_bytes(), &z, &r, &s).unwrap());
    }
    (jobs, n_comp)
}

/// A random valid BIP340 job (k256's signer; e = tagged hash of r || P || m).
fn schnorr_job(rng: &mut rand_chacha::ChaCha8Rng) -> CoreJob {
    let sk = loop {
        if let Ok(k) = k256::schnorr::SigningKey::from_bytes(&rng.gen::<[u8; 32]>()) {
            break k;
        }
    };
    let msg: [u8; 32] = rng.gen();
    let sig = sk.sign_raw(&msg, &rng.gen()).unwrap().to_bytes();
    let px: [u8; 32] = sk.verifying_key().to_bytes().into();
    let th = fallback_sw::sha256(b"BIP0340/challenge");
    let mut d = th.to_vec();
    d.extend_from_slice(&th);
    d.extend_from_slice(&sig[..32]);
    d.extend_from_slice(&px);
    d.extend_from_slice(&msg);
    let e = fallback_sw::sha256(&d);
    CoreJob::schnorr(
        &px,
        &e,
        sig[..32].try_into().unwrap(),
        sig[32..].try_into().unwrap(),
    )
}

/// One configuration's figures.
#[derive(Debug, Clone)]
pub struct Measured {
    pub threads: u32,
    pub mul_wb: u32,
    pub jobs: usize,
    /// Clocks from the first cycle to the last result.
    pub clocks: u64,
    /// Mean M-ops / A-ops per verify.
    pub m_ops: f64,
    pub a_ops: f64,
    /// MUL issues / (clocks x clusters).
    pub busy: f64,
    /// Mean thread cycles per verify (h − f + 1).
    pub cycles_per_verify: f64,
    /// Mean ScalarUnit cycles per job.
    pub su_per_job: f64,
    pub run: Run,
}

/// Runs `jobs` on `img` with `cfg`; every job must come out valid.
pub fn measure(img: &CoreImage, cfg: &Config, jobs: &[CoreJob]) -> Measured {
    let run = img.run(cfg, jobs).unwrap_or_else(|e| panic!("ISS: {e}"));
    assert!(
        run.results.iter().all(|r| r.code == 0),
        "a valid job failed"
    );
    let n = jobs.len() as f64;
    let per = |f: fn(&satchain_hdl::vcore::iss::JobStats) -> u32| {
        run.results
            .iter()
            .map(|r| f64::from(r.stats.as_ref().map_or(0, f)))
            .sum::<f64>()
            / n
    };
    let mul: u64 = run.ports.iter().map(|p| p.mul_issues).sum();
    let clocks = run.total_cycles as f64;
    Measured {
        threads: cfg.threads as u32,
        mul_wb: cfg.mul_wb,
        jobs: jobs.len(),
        clocks: run.total_cycles,
        m_ops: per(|s| s.m_ops),
        a_ops: per(|s| s.a_ops),
        busy: mul as f64 / (clocks * cfg.clusters as f64),
        cycles_per_verify: run.results.iter().map(|r| r.cycles as f64).sum::<f64>() / n,
        su_per_job: run.su_busy as f64 / n,
        run,
    }
}

impl Measured {
    /// Verifies per second at `mhz` (a projection: the clock is an input).
    pub fn verifies_per_s(&self, mhz: f64) -> f64 {
        self.jobs as f64 / (self.clocks as f64 / (mhz * 1e6))
    }

    /// The README table row (header: [`TABLE_HEADER`]).
    pub fn markdown_row(&self) -> String {
        format!(
            "| {} | {} | {} | {} | {:.3} | {} | {:.1} | {:.1} |",
            self.threads,
            self.mul_wb,
            group(self.clocks as f64),
            group(self.verifies_per_s(150.0)),
            self.busy,
            group(self.cycles_per_verify),
            self.m_ops,
            self.a_ops
        )
    }
}

/// The header of the README's throughput tables.
pub const TABLE_HEADER: &str = "| THREADS | MUL_WB | clocks | verifies/s @150 MHz | busy | cyc/ver/thr | M-ops/ver | A-ops/ver |\n|---|---|---|---|---|---|---|---|";

/// `x` rounded to an integer with thousands separators (1,234,567).
pub fn group(x: f64) -> String {
    let s = format!("{:.0}", x.round());
    let (sign, digits) = s.strip_prefix('-').map_or(("", s.as_str()), |d| ("-", d));
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("{sign}{out}")
}

/// One program region's share of a verify (means over the batch).
#[derive(Debug, Clone)]
pub struct Region {
    pub name: String,
    /// Thread cycles spent up to the selects of the region's instructions (fetch, waits,
    /// arbitration) and their share of all thread cycles.
    pub cycles: f64,
    pub percent: f64,
    pub m_ops: f64,
    pub a_ops: f64,
    pub c_ops: f64,
}

/// The labels that start a profile region (in ROM order; a region runs to the next one).
pub const REGION_LABELS: [&str; 18] = [
    "entry_ecdsa",
    "decompress",
    "uncompressed",
    "key_ok",
    "entry_schnorr",
    "lift_even",
    "valid",
    "sqrt",
    "inverse",
    "ladder_call",
    "phase_a",
    "load_0",
    "phase_b_dbl",
    "phase_b",
    "add_0",
    "add_1",
    "add_2",
    "add_3",
];

/// Per region, from a run's per-PC profile (`Config::profile`) of `n` jobs.
pub fn profile_regions(
    prog: &satchain_hdl::vcore::asm::Program,
    prof: &[(u64, u64)],
    n: usize,
) -> Vec<Region> {
    use satchain_hdl::vcore::isa::Class;
    let mut starts: Vec<(u16, &str)> = REGION_LABELS
        .iter()
        .filter_map(|m| prog.label(m).map(|pc| (pc, *m)))
        .collect();
    starts.sort_unstable();
    // region -> (cycles, M-ops, A-ops, C-ops)
    let mut sums: Vec<(String, [u64; 4])> = Vec::new();
    for (pc, &(c, k)) in prof.iter().enumerate() {
        let region = starts
            .iter()
            .rev()
            .find(|(s, _)| usize::from(*s) <= pc)
            .map_or("start", |(_, m)| m);
        let class = prog.instrs[pc].op.class();
        let add = [
            c,
            if class == Class::M { k } else { 0 },
            if class == Class::A { k } else { 0 },
            if class == Class::C { k } else { 0 },
        ];
        match sums.iter_mut().find(|(r, _)| r == region) {
            Some(x) => (0..4).for_each(|i| x.1[i] += add[i]),
            None => sums.push((region.to_string(), add)),
        }
    }
    let total: u64 = sums.iter().map(|x| x.1[0]).sum();
    let nn = n as f64;
    sums.into_iter()
        .map(|(name, v)| Region {
            name,
            cycles: v[0] as f64 / nn,
            percent: 100.0 * v[0] as f64 / total.max(1) as f64,
            m_ops: v[1] as f64 / nn,
            a_ops: v[2] as f64 / nn,
            c_ops: v[3] as f64 / nn,
        })
        .collect()
}

/// The header of the README's profile tables.
pub const PROFILE_HEADER: &str =
    "| region | thread cycles | % | M-ops | A-ops | C-ops |\n|---|---|---|---|---|---|";

/// The README's profile table of a measurement made with `Config::profile`: the regions with
/// any work, then the total, then the ScalarUnit's mean cycles per job.
pub fn profile_markdown(prog: &satchain_hdl::vcore::asm::Program, m: &Measured) -> String {
    let regions = profile_regions(prog, &m.run.profile, m.jobs);
    let mut out = vec![PROFILE_HEADER.to_string()];
    let mut tot = [0.0f64; 4];
    for r in regions
        .iter()
        .filter(|r| r.cycles > 0.0 || r.m_ops + r.a_ops + r.c_ops > 0.0)
    {
        out.push(format!(
            "| `{}` | {} | {:.1} | {:.1} | {:.1} | {:.1} |",
            r.name,
            group(r.cycles),
            r.percent,
            r.m_ops,
            r.a_ops,
            r.c_ops
        ));
        for (t, v) in tot.iter_mut().zip([r.cycles, r.m_ops, r.a_ops, r.c_ops]) {
            *t += v;
        }
    }
    out.push(format!(
        "| **total** | {} | 100.0 | **{:.1}** | {:.1} | {:.1} |",
        group(tot[0]),
        tot[1],
        tot[2],
        tot[3]
    ));
    out.push(format!(
        "| ScalarUnit per job | {} | | | | |",
        group(m.su_per_job)
    ));
    out.join("\n")
}
