//! Running yosys over an RTL directory, with a cache keyed by the Verilog text.
//!
//! Every `*.v` file of the RTL directory is one design whose top module is `top` (rust-hdl's
//! convention; submodules are `top$...`). `top.v` is the whole accelerator (the report's total);
//! every other file is a block. Results are cached in `<out>/cache/` under the SHA-256 of
//! (yosys version, script, Verilog text): an unchanged block is not synthesized again.
//!
//! **Committed results.** The cache holds each block's netlists (tens of MB); the report needs
//! only four small files of it: yosys's `stat` (resources), the logic-depth listing, the static
//! timing result and the time yosys took. With [`FlowOptions::results_dir`] set (synth.sh sets
//! it to `bitstreams/data/synth-results/`, which the repository keeps), those files are copied
//! there after every run, under the same key, and a block whose key is found there is not
//! synthesized again on a fresh checkout: its figures are the ones yosys produced from the same
//! Verilog text, yosys version and script (and the same timing-model fingerprint for the
//! timing). A block whose Verilog changed misses and is synthesized; `SATCHAIN_SYNTH_FRESH=1`
//! (synth.sh) or [`FlowOptions::fresh`] ignores the committed results and runs yosys on every
//! block that `<out>/cache` does not hold. This is what keeps a fresh-clone CI run from spending
//! ~16 min of a core re-deriving figures that the committed `hw-report.json` already states.

use crate::report::{BlockReport, SynthReport, RESOURCES_JSON, RESOURCES_MD};
use crate::resources::{Device, Resources};
use crate::timing::{Calibration, NetModel, TimingReport};
use crate::yosys;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Bumped when the script or the meaning of cached files changes. v4: yosys runs in the RTL
/// file's directory and reads it by file name, so netlist names carry `top.v:LINE`, not the
/// directory of the checkout that synthesized it (v3 netlists hold absolute paths).
const CACHE_VERSION: &str = "satchain-synth-cache-v4";

/// Options of one flow run.
#[derive(Debug, Clone)]
pub struct FlowOptions {
    /// Directory with the generated `*.v` files.
    pub rtl_dir: PathBuf,
    /// Where `resources.json`, `resources.md`, `logs/` and `cache/` go.
    pub out_dir: PathBuf,
    /// The yosys executable.
    pub yosys: String,
    /// File stems that are not part of the accelerator (e.g. `harness_selftest`).
    pub exclude: Vec<String>,
    /// Upper bound on one yosys run.
    pub timeout: Duration,
    /// Files synthesized at the same time.
    pub jobs: usize,
    /// Print progress to stderr.
    pub verbose: bool,
    /// Run the static timing model on every netlist (`crate::timing`).
    pub timing: bool,
    /// The committed results (module docs): read when `<out>/cache` misses, unless `fresh`.
    pub results_dir: Option<PathBuf>,
    /// Refresh `results_dir` after every block (its stale entries of the block removed):
    /// synth.sh does; `satchain hw-report` only reads it (it writes only where it is told).
    pub publish_results: bool,
    /// Do not read `results_dir` (still refresh it): every block `<out>/cache` does not hold is
    /// synthesized.
    pub fresh: bool,
}

impl FlowOptions {
    pub fn new(rtl_dir: impl Into<PathBuf>, out_dir: impl Into<PathBuf>) -> Self {
        FlowOptions {
            rtl_dir: rtl_dir.into(),
            out_dir: out_dir.into(),
            yosys: "yosys".into(),
            exclude: vec!["harness_selftest".into()],
            timeout: Duration::from_secs(3600),
            jobs: 1,
            verbose: true,
            timing: true,
            results_dir: None,
            publish_results: false,
            fresh: false,
        }
    }
}

/// What went wrong in the flow.
#[derive(Debug, thiserror::Error)]
pub enum FlowError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot run `{yosys}` ({source}); install it with `apt-get install -y yosys` (or run bash scripts/setup.sh)")]
    YosysMissing {
        yosys: String,
        source: std::io::Error,
    },
    #[error("yosys failed on {file} (exit {status}); log: {log}\n{tail}")]
    YosysFailed {
        file: String,
        status: String,
        log: PathBuf,
        tail: String,
    },
    #[error("yosys on {file} did not finish within {secs} s; log: {log}")]
    Timeout {
        file: String,
        secs: u64,
        log: PathBuf,
    },
    #[error("{file}: {source}")]
    Parse {
        file: String,
        source: yosys::ParseError,
    },
    #[error("no *.v files in {0}: generate the RTL first (bash bitstreams/synth.sh does)")]
    NoRtl(PathBuf),
    #[error("{file}: no module named `top` (rust-hdl names the top module `top`)")]
    NoTop { file: String },
    #[error("cannot write the report: {0}")]
    Json(#[from] serde_json::Error),
    #[error("timing model: {0}")]
    Timing(#[from] crate::timing::TimingError),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> FlowError + '_ {
    move |source| FlowError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// `yosys -V`, e.g. "Yosys 0.23 (git sha1 7ce5011c24b)".
pub fn yosys_version(yosys: &str) -> Result<String, FlowError> {
    let out = Command::new(yosys)
        .arg("-V")
        .output()
        .map_err(|source| FlowError::YosysMissing {
            yosys: yosys.into(),
            source,
        })?;
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// The `*.v` files of `dir` that are not excluded, sorted by name.
pub fn rtl_files(dir: &Path, exclude: &[String]) -> Result<Vec<PathBuf>, FlowError> {
    let mut files = Vec::new();
    for e in std::fs::read_dir(dir).map_err(io(dir))? {
        let p = e.map_err(io(dir))?.path();
        let is_v = p.extension().is_some_and(|x| x == "v");
        let stem = p
            .file_stem()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_default();
        if is_v && !exclude.contains(&stem) {
            files.push(p);
        }
    }
    files.sort();
    if files.is_empty() {
        return Err(FlowError::NoRtl(dir.to_path_buf()));
    }
    Ok(files)
}

/// Cache key of one file: SHA-256 over the cache version, yosys version, script and Verilog.
pub fn cache_key(yosys_version: &str, verilog: &str) -> String {
    let mut h = Sha256::new();
    h.update(CACHE_VERSION.as_bytes());
    h.update([0]);
    h.update(yosys_version.as_bytes());
    h.update([0]);
    h.update(yosys::synth_script("IN", "top", "STAT", "NETLIST").as_bytes());
    h.update([0]);
    h.update(verilog.as_bytes());
    hex::encode(h.finalize())
}

fn sha256_hex(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}

#[derive(serde::Serialize, serde::Deserialize)]
struct CacheMeta {
    synth_ms: u64,
}

/// Synthesizes one file (or reads its cached result) and returns its report.
pub fn synth_file(
    opts: &FlowOptions,
    yosys_version: &str,
    file: &Path,
    net: Option<NetModel>,
) -> Result<BlockReport, FlowError> {
    let name = file
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    let rel = file
        .file_name()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    let verilog = std::fs::read_to_string(file).map_err(io(file))?;
    if !verilog.contains("module top(") && !verilog.contains("module top (") {
        return Err(FlowError::NoTop { file: rel });
    }
    let key = cache_key(yosys_version, &verilog);
    let cache = opts.out_dir.join("cache");
    let logs = opts.out_dir.join("logs");
    std::fs::create_dir_all(&cache).map_err(io(&cache))?;
    std::fs::create_dir_all(&logs).map_err(io(&logs))?;
    let k = &key[..16];
    let stat_p = cache.join(format!("{name}-{k}.stat.json"));
    let netlist_p = cache.join(format!("{name}-{k}.il"));
    let meta_p = cache.join(format!("{name}-{k}.json"));
    // The depth step has its own key: changing its script does not redo the synthesis.
    let dkey = sha256_hex(&yosys::depth_script("NETLIST", "LTP"));
    let ltp_p = cache.join(format!("{name}-{k}-{}.ltp", &dkey[..8]));

    let synth_cached = stat_p.exists() && netlist_p.exists() && meta_p.exists();
    let fp = net.map(|n| crate::timing::delays::fingerprint(&n));
    let names = ResultNames::new(&name, k, &dkey[..8], fp.as_deref());
    if !(synth_cached && ltp_p.exists()) && !opts.fresh {
        if let Some(dir) = &opts.results_dir {
            if let Some(b) = committed_result(dir, &names, &name, &rel, &verilog)? {
                if opts.verbose {
                    eprintln!("synth: {rel}: committed result ({k}, {})", dir.display());
                }
                return Ok(b);
            }
        }
    }
    let synth_ms = if synth_cached {
        if opts.verbose {
            eprintln!("synth: {rel}: cached ({k})");
        }
        let m: CacheMeta =
            serde_json::from_str(&std::fs::read_to_string(&meta_p).map_err(io(&meta_p))?)?;
        m.synth_ms
    } else {
        let log_p = logs.join(format!("{name}.log"));
        if opts.verbose {
            eprintln!(
                "synth: {rel}: running yosys synth_xilinx (log: {})",
                log_p.display()
            );
        }
        // Temporary names first so an interrupted run never leaves a half cache entry.
        let tmp_stat = cache.join(format!("{name}-{k}.stat.json.tmp"));
        let tmp_net = netlist_p.with_extension("il.tmp");
        // yosys names cells and nets after the source as it was given (`$lt$<path>:LINE$N`):
        // read the file by its name from its own directory, so reports and netlists are the
        // same whichever checkout synthesized them. The outputs get absolute paths for that.
        let src_dir = file.parent().unwrap_or(Path::new("."));
        let abs = |p: &Path| std::path::absolute(p).map_err(io(p));
        let script = yosys::synth_script(
            &rel,
            "top",
            &abs(&tmp_stat)?.to_string_lossy(),
            &abs(&tmp_net)?.to_string_lossy(),
        );
        let ms = run_yosys(opts, &script, &log_p, &rel, Some(src_dir))?;
        std::fs::rename(&tmp_stat, &stat_p).map_err(io(&tmp_stat))?;
        std::fs::rename(&tmp_net, &netlist_p).map_err(io(&tmp_net))?;
        std::fs::write(&meta_p, serde_json::to_string(&CacheMeta { synth_ms: ms })?)
            .map_err(io(&meta_p))?;
        if opts.verbose {
            eprintln!("synth: {rel}: done in {:.1} s", ms as f64 / 1e3);
        }
        ms
    };
    if !ltp_p.exists() {
        let log_p = logs.join(format!("{name}.depth.log"));
        let tmp_ltp = ltp_p.with_extension("ltp.tmp");
        let script = yosys::depth_script(&netlist_p.to_string_lossy(), &tmp_ltp.to_string_lossy());
        run_yosys(opts, &script, &log_p, &rel, None)?;
        std::fs::rename(&tmp_ltp, &ltp_p).map_err(io(&tmp_ltp))?;
    }
    let stat = std::fs::read_to_string(&stat_p).map_err(io(&stat_p))?;
    let ltp = std::fs::read_to_string(&ltp_p).map_err(io(&ltp_p))?;
    let perr = |source| FlowError::Parse {
        file: rel.clone(),
        source,
    };
    let cells = yosys::parse_stat_json(&stat, "top").map_err(perr)?;
    let depth = yosys::parse_ltp(&ltp).map_err(perr)?;
    let (timing, timing_error) = match net {
        // A timing failure does not void the resource report: it is recorded in the block
        // (`timing_error`, printed in the timing table and named by hw-report in `missing`).
        Some(net) => match block_timing(opts, &netlist_p, &name, k, &rel, net) {
            Ok(t) => (Some(t), None),
            Err(e) => (None, Some(e.to_string())),
        },
        None => (None, None),
    };
    if let Some(dir) = opts.results_dir.as_ref().filter(|_| opts.publish_results) {
        publish_result(dir, &names, &name, &stat, &ltp, synth_ms, timing.as_ref())?;
    }
    Ok(BlockReport {
        name,
        file: rel.clone(),
        verilog_sha256: sha256_hex(&verilog),
        resources: Resources::from_cells(&cells),
        logic_depth: depth,
        path_mix: yosys::parse_ltp_mix(&ltp),
        synth_ms,
        timing,
        timing_error,
    })
}

/// File names of one block's committed result.
struct ResultNames {
    stat: String,
    meta: String,
    ltp: String,
    /// None when the flow runs without timing.
    timing: Option<String>,
}

impl ResultNames {
    fn new(name: &str, k: &str, dkey8: &str, fp: Option<&str>) -> Self {
        ResultNames {
            stat: format!("{name}-{k}.stat.json"),
            meta: format!("{name}-{k}.json"),
            ltp: format!("{name}-{k}-{dkey8}.ltp"),
            timing: fp.map(|fp| format!("{name}-{k}-{fp}.timing.json")),
        }
    }

    fn all(&self) -> impl Iterator<Item = &String> {
        [&self.stat, &self.meta, &self.ltp]
            .into_iter()
            .chain(self.timing.as_ref())
    }
}

/// True when `file` is an entry of block `name` in a results directory: `{name}-` followed by
/// the 16 hex digits of a key (so `sha256_core` never claims `sha256_core_x`'s files).
/// Designs synthesized outside `synth.sh`'s catalogue run whose results are committed beside
/// the catalogue's (`examples/cluster_synth.rs`: each takes 3 to 15 minutes of yosys, too long
/// for every CI run): a catalogue run keeps their entries.
pub const OFF_CATALOGUE_RESULTS: &[&str] = &[
    "vcore_cluster_core",
    "vcore_cluster_only",
    "vcore_verify_core",
];

fn is_entry_of(file: &str, name: &str) -> bool {
    file.strip_prefix(name)
        .and_then(|r| r.strip_prefix('-'))
        .is_some_and(|r| r.len() > 16 && r[..16].bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The block's report from the committed results in `dir`, when every file it needs is there.
fn committed_result(
    dir: &Path,
    names: &ResultNames,
    name: &str,
    rel: &str,
    verilog: &str,
) -> Result<Option<BlockReport>, FlowError> {
    if !names.all().all(|f| dir.join(f).is_file()) {
        return Ok(None);
    }
    let read = |f: &str| {
        let p = dir.join(f);
        std::fs::read_to_string(&p).map_err(io(&p))
    };
    let perr = |source| FlowError::Parse {
        file: rel.to_string(),
        source,
    };
    let stat = read(&names.stat)?;
    let ltp = read(&names.ltp)?;
    let meta: CacheMeta = serde_json::from_str(&read(&names.meta)?)?;
    let timing = match &names.timing {
        Some(f) => Some(serde_json::from_str::<TimingReport>(&read(f)?)?),
        None => None,
    };
    let cells = yosys::parse_stat_json(&stat, "top").map_err(perr)?;
    Ok(Some(BlockReport {
        name: name.to_string(),
        file: rel.to_string(),
        verilog_sha256: sha256_hex(verilog),
        resources: Resources::from_cells(&cells),
        logic_depth: yosys::parse_ltp(&ltp).map_err(perr)?,
        path_mix: yosys::parse_ltp_mix(&ltp),
        synth_ms: meta.synth_ms,
        timing,
        timing_error: None,
    }))
}

/// Writes the block's result files into `dir` and removes the block's other entries there. A
/// block whose timing failed keeps no timing file, so the next run synthesizes it again.
fn publish_result(
    dir: &Path,
    names: &ResultNames,
    name: &str,
    stat: &str,
    ltp: &str,
    synth_ms: u64,
    timing: Option<&TimingReport>,
) -> Result<(), FlowError> {
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    // Returns whether the file changed. Unchanged files are not rewritten (a read-only
    // checkout of current results is fine).
    let write = |f: &str, text: &str| -> Result<bool, FlowError> {
        let p = dir.join(f);
        if std::fs::read_to_string(&p).is_ok_and(|t| t == text) {
            return Ok(false);
        }
        std::fs::write(&p, text).map_err(io(&p))?;
        Ok(true)
    };
    let stat_changed = write(&names.stat, stat)?;
    let ltp_changed = write(&names.ltp, ltp)?;
    // `synth_ms` is the time of the yosys run that made the result. A later run of the same
    // Verilog (a test's own synthesis left in target/synth/cache, say) gives the same stat
    // and depth report but another time: the committed time stays, so a test run never
    // dirties the checkout (seen: the second of ten test.sh runs in one clone rewrote
    // calib_sha256's meta).
    if stat_changed || ltp_changed || !dir.join(&names.meta).exists() {
        write(
            &names.meta,
            &serde_json::to_string(&CacheMeta { synth_ms })?,
        )?;
    }
    let mut keep: Vec<&String> = vec![&names.stat, &names.ltp, &names.meta];
    if let (Some(f), Some(t)) = (&names.timing, timing) {
        write(f, &(serde_json::to_string_pretty(t)? + "\n"))?;
        keep.push(f);
    }
    for e in std::fs::read_dir(dir).map_err(io(dir))? {
        let e = e.map_err(io(dir))?;
        let f = e.file_name().to_string_lossy().to_string();
        if is_entry_of(&f, name) && !keep.contains(&&f) {
            std::fs::remove_file(e.path()).map_err(io(&e.path()))?;
        }
    }
    Ok(())
}

/// Step 3, timing: the mapped netlist as JSON (`read_rtlil; write_json`, cached beside the
/// RTLIL under the same key), then the static timing model (cached under the key and the
/// model's fingerprint, so a new calibration re-times without a new synthesis).
fn block_timing(
    opts: &FlowOptions,
    netlist_p: &Path,
    name: &str,
    k: &str,
    rel: &str,
    net: NetModel,
) -> Result<TimingReport, FlowError> {
    let cache = opts.out_dir.join("cache");
    let json_p = cache.join(format!("{name}-{k}.netlist.json"));
    if !json_p.exists() {
        let log_p = opts.out_dir.join("logs").join(format!("{name}.json.log"));
        let tmp = json_p.with_extension("json.tmp");
        let script = yosys::json_script(&netlist_p.to_string_lossy(), &tmp.to_string_lossy());
        run_yosys(opts, &script, &log_p, rel, None)?;
        std::fs::rename(&tmp, &json_p).map_err(io(&tmp))?;
    }
    let fp = crate::timing::delays::fingerprint(&net);
    let timing_p = cache.join(format!("{name}-{k}-{fp}.timing.json"));
    if let Ok(text) = std::fs::read_to_string(&timing_p) {
        if let Ok(t) = serde_json::from_str::<TimingReport>(&text) {
            return Ok(t);
        }
    }
    if opts.verbose {
        eprintln!("timing: {rel}: static timing of the mapped netlist");
    }
    let t = crate::timing::analyze_file(&json_p, net)?;
    std::fs::write(&timing_p, serde_json::to_string(&t)?).map_err(io(&timing_p))?;
    Ok(t)
}

/// The fingerprint of the timing model the flow uses now (the shipped calibration).
pub fn current_timing_model() -> Option<String> {
    Calibration::shipped()
        .ok()
        .map(|c| crate::timing::delays::fingerprint(&c.net))
}

/// Runs one yosys script with its output in `log_p`, within `opts.timeout`, in `cwd` when
/// given; returns the milliseconds it took.
fn run_yosys(
    opts: &FlowOptions,
    script: &str,
    log_p: &Path,
    rel: &str,
    cwd: Option<&Path>,
) -> Result<u64, FlowError> {
    let log = std::fs::File::create(log_p).map_err(io(log_p))?;
    let log2 = log.try_clone().map_err(io(log_p))?;
    let t0 = Instant::now();
    let mut cmd = Command::new(&opts.yosys);
    if let Some(dir) = cwd {
        cmd.current_dir(dir);
    }
    let mut child = cmd
        .arg("-p")
        .arg(script)
        .stdin(Stdio::null())
        .stdout(Stdio::from(log))
        .stderr(Stdio::from(log2))
        .spawn()
        .map_err(|source| FlowError::YosysMissing {
            yosys: opts.yosys.clone(),
            source,
        })?;
    let status = loop {
        if let Some(st) = child.try_wait().map_err(io(log_p))? {
            break st;
        }
        if t0.elapsed() > opts.timeout {
            // The child is ours; kill only it.
            let _ = child.kill();
            let _ = child.wait();
            return Err(FlowError::Timeout {
                file: rel.to_string(),
                secs: opts.timeout.as_secs(),
                log: log_p.to_path_buf(),
            });
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    if !status.success() {
        let text = std::fs::read_to_string(log_p).unwrap_or_default();
        let tail: Vec<&str> = text.lines().rev().take(15).collect();
        let tail = tail.into_iter().rev().collect::<Vec<_>>().join("\n");
        return Err(FlowError::YosysFailed {
            file: rel.to_string(),
            status: status.to_string(),
            log: log_p.to_path_buf(),
            tail,
        });
    }
    Ok(u64::try_from(t0.elapsed().as_millis()).unwrap_or(u64::MAX))
}

/// Runs the flow over `opts.rtl_dir` and writes `resources.json` and `resources.md` into
/// `opts.out_dir`. The caller decides what to do with an over-budget report.
pub fn run(opts: &FlowOptions, dev: &Device) -> Result<SynthReport, FlowError> {
    let version = yosys_version(&opts.yosys)?;
    let files = rtl_files(&opts.rtl_dir, &opts.exclude)?;
    let net = if opts.timing {
        Some(Calibration::shipped()?.net)
    } else {
        None
    };
    std::fs::create_dir_all(&opts.out_dir).map_err(io(&opts.out_dir))?;
    let jobs = opts.jobs.max(1);
    let mut results: Vec<Option<Result<BlockReport, FlowError>>> =
        (0..files.len()).map(|_| None).collect();
    // Synthesize the biggest files first so parallel runs finish together.
    let mut order: Vec<usize> = (0..files.len()).collect();
    order.sort_by_key(|&i| {
        std::cmp::Reverse(std::fs::metadata(&files[i]).map(|m| m.len()).unwrap_or(0))
    });
    let next = std::sync::atomic::AtomicUsize::new(0);
    let slots = std::sync::Mutex::new(&mut results);
    std::thread::scope(|s| {
        for _ in 0..jobs {
            s.spawn(|| loop {
                let k = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let Some(&i) = order.get(k) else { break };
                let r = synth_file(opts, &version, &files[i], net);
                if let Ok(mut g) = slots.lock() {
                    g[i] = Some(r);
                }
            });
        }
    });
    // Entries of blocks that no longer exist leave the committed results too (not those of
    // the designs `examples/cluster_synth.rs` synthesizes outside the catalogue).
    if let Some(dir) = opts.results_dir.as_ref().filter(|_| opts.publish_results) {
        let stems: Vec<String> = files
            .iter()
            .filter_map(|f| f.file_stem().map(|s| s.to_string_lossy().to_string()))
            .chain(OFF_CATALOGUE_RESULTS.iter().map(|s| (*s).to_string()))
            .collect();
        if let Ok(rd) = std::fs::read_dir(dir) {
            for e in rd.flatten() {
                let f = e.file_name().to_string_lossy().to_string();
                if !stems.iter().any(|n| is_entry_of(&f, n)) {
                    std::fs::remove_file(e.path()).map_err(io(&e.path()))?;
                }
            }
        }
    }
    let mut blocks = Vec::new();
    let mut total = None;
    for r in results.into_iter().flatten() {
        let b = r?;
        if b.name == "top" {
            total = Some(b);
        } else {
            blocks.push(b);
        }
    }
    let mut report = SynthReport::new(dev, version, blocks, total, Vec::new());
    report.timing_model = net.map(|n| crate::timing::delays::fingerprint(&n));
    let json_p = opts.out_dir.join(RESOURCES_JSON);
    std::fs::write(&json_p, serde_json::to_string_pretty(&report)? + "\n").map_err(io(&json_p))?;
    let md_p = opts.out_dir.join(RESOURCES_MD);
    std::fs::write(&md_p, report.to_markdown()).map_err(io(&md_p))?;
    Ok(report)
}

/// Reads a report written by [`run`].
pub fn read_report(out_dir: &Path) -> Result<SynthReport, FlowError> {
    let p = out_dir.join(RESOURCES_JSON);
    let text = std::fs::read_to_string(&p).map_err(io(&p))?;
    Ok(serde_json::from_str(&text)?)
}

/// True when `report` was produced from exactly the Verilog now in `rtl_dir` (same files, same
/// text), so `satchain hw-report` can tell a stale report from a current one.
pub fn report_is_current(
    report: &SynthReport,
    rtl_dir: &Path,
    exclude: &[String],
) -> Result<bool, FlowError> {
    let files = rtl_files(rtl_dir, exclude)?;
    let mut have: Vec<(String, String)> = report
        .blocks
        .iter()
        .chain(report.total.iter())
        .map(|b| (b.file.clone(), b.verilog_sha256.clone()))
        .collect();
    have.sort();
    let mut now = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).map_err(io(&f))?;
        let rel = f
            .file_name()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_default();
        now.push((rel, sha256_hex(&text)));
    }
    now.sort();
    Ok(have == now && report.timing_model == current_timing_model())
}

/// True when `report` was produced from exactly these Verilog texts (`(file name, text)`,
/// e.g. from `satchain_hdl::catalog::gen_files()`), so a caller can tell a stale report without
/// writing the files out.
pub fn report_matches(report: &SynthReport, files: &[(String, String)]) -> bool {
    let mut have: Vec<(String, String)> = report
        .blocks
        .iter()
        .chain(report.total.iter())
        .map(|b| (b.file.clone(), b.verilog_sha256.clone()))
        .collect();
    have.sort();
    let mut now: Vec<(String, String)> = files
        .iter()
        .map(|(f, t)| (f.clone(), sha256_hex(t)))
        .collect();
    now.sort();
    have == now && report.timing_model == current_timing_model()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may panic
mod tests {
    use super::{publish_result, ResultNames};

    /// Publishing the same result again with another yosys time leaves the committed files
    /// untouched; a changed result replaces the time too.
    #[test]
    fn flow_publish_keeps_the_time_of_an_unchanged_result() {
        let dir = std::env::temp_dir().join(format!("satchain-publish-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let names = ResultNames::new("blk", "0123456789abcdef", "dkey0001", None);
        let meta = || std::fs::read_to_string(dir.join(&names.meta)).unwrap();
        publish_result(&dir, &names, "blk", "{\"stat\":1}", "ltp 1", 24_875, None).unwrap();
        assert_eq!(meta(), r#"{"synth_ms":24875}"#);
        publish_result(&dir, &names, "blk", "{\"stat\":1}", "ltp 1", 19_763, None).unwrap();
        assert_eq!(
            meta(),
            r#"{"synth_ms":24875}"#,
            "same result: the time stays"
        );
        publish_result(&dir, &names, "blk", "{\"stat\":2}", "ltp 1", 19_763, None).unwrap();
        assert_eq!(meta(), r#"{"synth_ms":19763}"#, "new result: its time");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
