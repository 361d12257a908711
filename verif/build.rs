//! Builds every design of `satchain_hdl::sim_models()` into a Verilator model and links it.
//!
//! For each model: write the Verilog, run `verilator --cc --trace`, generate a C++ shim
//! (extern "C" new/free/eval/dump/set/get) and a Rust port table from the Verilog port list,
//! compile with `cc`. Results are cached under `<target>/verilator-cache/<name>-<hash>/`, keyed
//! by a hash of the Verilog text, the Verilator version and this file's shim generator version,
//! so an unchanged design is neither re-verilated nor recompiled (and debug/release share it).
//!
//! `SATCHAIN_VERIF_ONLY=<name>[,<name>…]` (developer use, on a cold cache): build only the
//! named models; opening any other one then fails with `SimError::NoSuchModel`.
//! CI and the lead's runs leave it unset (all models are built).
//!
//! g++ flags: `DEFAULT_OPT` (-Og), and -O2 for the few models the suite simulates longest
//! (`LONG_SIM_MODELS`, with the measurements that chose them); `SATCHAIN_VERILATOR_OPT`
//! overrides both.
//!
//! Missing models are built several at a time (`SATCHAIN_VERILATOR_JOBS`, default cargo's job
//! count): on a cold tree this build script is the longest path of the workspace build.

use std::collections::hash_map::DefaultHasher;
use std::fmt::Write as _;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Bump when the generated shim or flags change, to invalidate the cache.
const SHIM_VERSION: u32 = 6;
const VERILATOR_INCLUDE: &str = "/usr/share/verilator/include";
/// The two g++ alias-query caps every model is compiled with (`main` has their measurements),
/// written once for `DEFAULT_OPT` and `LONG_SIM_OPT`.
macro_rules! alias_caps {
    () => {
        "--param=sccvn-max-alias-queries-per-access=100 --param=dse-max-alias-queries-per-store=32"
    };
}
/// g++ flags of the models unless SATCHAIN_VERILATOR_OPT says otherwise (whitespace-separated;
/// the measurements are in `main`).
const DEFAULT_OPT: &str = concat!("-Og ", alias_caps!());
/// g++ flags of the models in `LONG_SIM_MODELS`, unless SATCHAIN_VERILATOR_OPT says otherwise.
/// -Og does not inline Verilator's wide-word helpers (`VL_ADD_W`, `VL_SHIFTR_WWI`,
/// `_vl_insert_WW`: 30 % of a `perf` profile of the ring top's 256-verify batch, a call per
/// 256-bit operation); -O2 does.
const LONG_SIM_OPT: &str = concat!("-O2 ", alias_caps!());
/// The models compiled with `LONG_SIM_OPT`: those where -O2's longer g++ run pays back within
/// one CI run. Measured on this two-core machine (g++ 12.2), g++ on a model's non-`__Slow` files
/// two at a time (wall time), then the test binaries that simulate it, one at a time, user time:
/// - `top`: g++ 15.1 s at -Og, 42.8 s at -O2 (23.9 s at -O1). Tests: ring_top_bip340
///   86.7 -> 47.2 s, fault_top 75.8 -> 39.1 s, backends_agree_rejected 89.9 -> 55.7 s, the
///   top's five tests in vring_path ~152 -> ~80 s (the 256-verify batch 57.0 -> 29.7 s), and
///   every other test of the top (hw-report, sha_dma, Wycheproof, schema).
/// - `hash_cluster`: g++ 3.9 s -> 6.5 s; sha_block413567 (with the top) 112.8 -> 66.0 s.
///
/// Not listed, because they do not pay back: `vcore_cluster_tb` (the vcore_cluster test
/// 61.8 -> 60.6 s: its time is not in the model), `vcore_verify_core_toy` (g++ 12.9 -> 48.6 s
/// for its test's 29.9 -> 16.5 s), `vring_path` (g++ 17.4 -> 56.2 s for its two tests'
/// ~59 -> ~36 s).
const LONG_SIM_MODELS: &[&str] = &["top", "hash_cluster"];

#[derive(Debug, Clone)]
struct Port {
    name: String,
    width: u32,
    input: bool,
}

fn fail(msg: &str) -> ! {
    eprintln!("\nverif build error: {msg}\n");
    panic!("verif build error: {msg}");
}

/// Parses the port declarations of `module top` in rust-hdl's output.
fn parse_top_ports(verilog: &str) -> Vec<Port> {
    let mut ports = Vec::new();
    let mut in_top = false;
    for line in verilog.lines() {
        let t = line.trim();
        if t.starts_with("module top(") {
            in_top = true;
            continue;
        }
        if !in_top {
            continue;
        }
        if t.starts_with("endmodule")
            || t.starts_with("// Stub signals")
            || t.starts_with("// Update code")
        {
            break;
        }
        let (input, rest) = if let Some(r) = t.strip_prefix("input ") {
            (true, r)
        } else if let Some(r) = t.strip_prefix("output ") {
            (false, r)
        } else {
            continue;
        };
        let rest = rest.trim_end_matches(';');
        let mut width = 1u32;
        let mut name = "";
        for tok in rest.split_whitespace() {
            if tok.starts_with('[') {
                let inner = tok.trim_start_matches('[').trim_end_matches(']');
                let hi: u32 = inner
                    .split(':')
                    .next()
                    .and_then(|s| s.parse().ok())
                    .unwrap_or_else(|| fail(&format!("cannot parse range {tok}")));
                width = hi + 1;
            } else if tok != "wire" && tok != "reg" && tok != "signed" {
                name = tok;
            }
        }
        if name.is_empty() {
            fail(&format!("cannot parse port line `{t}`"));
        }
        ports.push(Port {
            name: name.to_string(),
            width,
            input,
        });
    }
    if ports.is_empty() {
        fail("no ports found in module top");
    }
    ports
}

fn words(width: u32) -> u32 {
    width.div_ceil(32)
}

/// Verilator's C++ member name of a port: `$` (rust-hdl's separator for nested interfaces)
/// is mangled to `__024`.
fn cpp_name(verilog_name: &str) -> String {
    verilog_name.replace('$', "__024")
}

fn gen_shim(name: &str, ports: &[Port]) -> String {
    let cls = format!("V{name}");
    let mut s = String::new();
    let _ = writeln!(s, "// Generated by verif/build.rs. Do not edit.");
    let _ = writeln!(s, "#include \"{cls}.h\"\n#include \"verilated.h\"\n#include \"verilated_vcd_c.h\"\n#include <cstdint>\n");
    let _ = writeln!(s, "struct Sim_{name} {{ VerilatedContext* ctx; {cls}* m; VerilatedVcdC* tfp; uint64_t t; }};\n");
    let _ = writeln!(s, "extern \"C\" void* sim_{name}_new(const char* vcd) {{");
    let _ = writeln!(s, "  Sim_{name}* s = new Sim_{name}();\n  s->ctx = new VerilatedContext();\n  s->ctx->traceEverOn(vcd != nullptr);");
    let _ = writeln!(
        s,
        "  s->m = new {cls}(s->ctx, \"top\");\n  s->tfp = nullptr;\n  s->t = 0;"
    );
    let _ = writeln!(s, "  if (vcd) {{ s->tfp = new VerilatedVcdC(); s->m->trace(s->tfp, 99); s->tfp->open(vcd); }}");
    let _ = writeln!(s, "  return s;\n}}\n");
    let _ = writeln!(s, "extern \"C\" void sim_{name}_free(void* p) {{\n  Sim_{name}* s = (Sim_{name}*)p;\n  if (s->tfp) {{ s->tfp->close(); delete s->tfp; }}\n  s->m->final();\n  delete s->m;\n  delete s->ctx;\n  delete s;\n}}\n");
    let _ = writeln!(
        s,
        "extern \"C\" void sim_{name}_eval(void* p) {{ ((Sim_{name}*)p)->m->eval(); }}\n"
    );
    let _ = writeln!(s, "extern \"C\" void sim_{name}_dump(void* p) {{\n  Sim_{name}* s = (Sim_{name}*)p;\n  if (s->tfp) {{ s->tfp->dump(s->t); }}\n  s->t += 1;\n}}\n");
    // A VCD time step without a dump (cycles outside the window a test asked for), so the
    // waveform's times stay equal to the cycle numbers a failure message names.
    let _ = writeln!(s, "extern \"C\" void sim_{name}_advance(void* p, uint64_t n) {{ ((Sim_{name}*)p)->t += n; }}\n");
    let _ = writeln!(s, "extern \"C\" void sim_{name}_flush(void* p) {{ Sim_{name}* s = (Sim_{name}*)p; if (s->tfp) s->tfp->flush(); }}\n");
    // set
    let _ = writeln!(s, "extern \"C\" void sim_{name}_set(void* p, uint32_t port, const uint32_t* w) {{\n  {cls}* m = ((Sim_{name}*)p)->m;\n  switch (port) {{");
    for (i, p) in ports.iter().enumerate() {
        if !p.input {
            continue;
        }
        let n = &cpp_name(&p.name);
        let top_mask = if p.width % 32 == 0 {
            "0xFFFFFFFFu".to_string()
        } else {
            format!("0x{:X}u", (1u64 << (p.width % 32)) - 1)
        };
        if p.width <= 32 {
            let _ = writeln!(s, "    case {i}: m->{n} = w[0] & {top_mask}; break;");
        } else if p.width <= 64 {
            let _ = writeln!(s, "    case {i}: m->{n} = (uint64_t)w[0] | ((uint64_t)(w[1] & {top_mask}) << 32); break;");
        } else {
            let nw = words(p.width);
            let _ = writeln!(s, "    case {i}: for (int k = 0; k < {nw}; k++) m->{n}[k] = w[k]; m->{n}[{}] &= {top_mask}; break;", nw - 1);
        }
    }
    let _ = writeln!(s, "    default: break;\n  }}\n}}\n");
    // get
    let _ = writeln!(s, "extern \"C\" void sim_{name}_get(void* p, uint32_t port, uint32_t* w) {{\n  {cls}* m = ((Sim_{name}*)p)->m;\n  switch (port) {{");
    for (i, p) in ports.iter().enumerate() {
        let n = &cpp_name(&p.name);
        if p.width <= 32 {
            let _ = writeln!(s, "    case {i}: w[0] = (uint32_t)m->{n}; break;");
        } else if p.width <= 64 {
            let _ = writeln!(
                s,
                "    case {i}: w[0] = (uint32_t)m->{n}; w[1] = (uint32_t)(m->{n} >> 32); break;"
            );
        } else {
            let _ = writeln!(
                s,
                "    case {i}: for (int k = 0; k < {}; k++) w[k] = m->{n}[k]; break;",
                words(p.width)
            );
        }
    }
    let _ = writeln!(s, "    default: break;\n  }}\n}}");
    s
}

fn hash_of(parts: &[&str]) -> u64 {
    let mut h = DefaultHasher::new();
    for p in parts {
        p.hash(&mut h);
    }
    h.finish()
}

fn target_dir(out_dir: &Path) -> PathBuf {
    // OUT_DIR = <target>/<profile>/build/verif-<hash>/out
    out_dir
        .ancestors()
        .nth(4)
        .map(Path::to_path_buf)
        .unwrap_or_else(|| out_dir.to_path_buf())
}

fn verilator_version() -> String {
    match Command::new("verilator").arg("--version").output() {
        Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout).trim().to_string(),
        _ => fail(
            "`verilator` was not found on PATH. Install it with `apt-get install -y verilator` \
             (Debian; `bash scripts/setup.sh` does this), then rebuild.",
        ),
    }
}

/// A model whose cached library is missing.
struct Pending<'a> {
    name: &'static str,
    verilog: &'a str,
    ports: Vec<Port>,
    dir: PathBuf,
    lib_name: String,
    /// g++ optimisation flags (whitespace-separated).
    opt: String,
}

/// Runs `cmd` (`what` names it in messages); a command that cannot start or exits non-zero
/// fails the build with its stderr.
fn run(cmd: &mut Command, what: &str) {
    let out = cmd
        .output()
        .unwrap_or_else(|e| fail(&format!("running {what}: {e}")));
    if !out.status.success() {
        fail(&format!(
            "{what} failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
}

/// Verilates one model and compiles it (with its shim) into `dir/lib<lib_name>.a`.
fn build_model(m: &Pending<'_>, waivers: &Path) {
    let (name, dir) = (m.name, &m.dir);
    std::fs::create_dir_all(dir).unwrap_or_else(|e| fail(&format!("mkdir {}: {e}", dir.display())));
    let vfile = dir.join(format!("{name}.v"));
    std::fs::write(&vfile, m.verilog)
        .unwrap_or_else(|e| fail(&format!("write {}: {e}", vfile.display())));
    let mut cmd = Command::new("verilator");
    cmd.arg("--cc")
        .arg("--trace")
        .arg("--prefix")
        .arg(format!("V{name}"))
        .arg("--top-module")
        .arg("top")
        .arg("-Mdir")
        .arg(dir)
        .arg("-Wno-DECLFILENAME")
        .arg("--x-assign")
        .arg("fast")
        .arg("--x-initial")
        .arg("fast");
    if waivers.exists() {
        cmd.arg(waivers);
    }
    cmd.arg(&vfile);
    run(
        &mut cmd,
        &format!(
            "verilator on model `{name}` (Verilog kept at {})",
            vfile.display()
        ),
    );
    let shim = dir.join(format!("shim_{name}.cpp"));
    std::fs::write(&shim, gen_shim(name, &m.ports))
        .unwrap_or_else(|e| fail(&format!("write shim: {e}")));
    let mut b = cc::Build::new();
    // Position-independent: linked into a shared library (`link_shared`).
    b.cpp(true)
        .pic(true)
        .out_dir(dir)
        .include(dir)
        .include(VERILATOR_INCLUDE)
        .include(format!("{VERILATOR_INCLUDE}/vltstd"))
        .flag("-std=c++17")
        .flag("-w")
        .flag("-fno-var-tracking")
        // No debug information (cc would add -g in a profile with debuginfo): the models are
        // debugged through their VCD waveforms; -g cost 6 % more g++ time on vcore_fmul.
        .debug(false)
        .define("VM_TRACE", "1")
        .define("VM_TRACE_VCD", "1")
        .cargo_metadata(false);
    for f in m.opt.split_whitespace() {
        b.flag(f);
    }
    let base = b.clone();
    b.file(&shim);
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| fail(&format!("read {}: {e}", dir.display())))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension().is_some_and(|x| x == "cpp")
                && p.file_name()
                    .is_some_and(|f| f.to_string_lossy().starts_with(&format!("V{name}")))
        })
        .collect();
    entries.sort();
    // Verilator's `__Slow` files hold code that runs once (constructors, initial blocks, the
    // trace declarations): compiled without optimisation, as Verilator's own makefiles do
    // (OPT_SLOW). Measured on the cluster test bench: its three `__Slow` files take 8.5 s of
    // CPU at -O0 against 24.5 s at -O1.
    let (slow, fast): (Vec<PathBuf>, Vec<PathBuf>) = entries
        .into_iter()
        .partition(|p| p.to_string_lossy().ends_with("__Slow.cpp"));
    if !slow.is_empty() {
        let mut bs = base;
        bs.flag("-O0");
        for f in slow {
            bs.file(f);
        }
        for o in bs.compile_intermediates() {
            b.object(o);
        }
    }
    for f in fast {
        b.file(f);
    }
    b.compile(&m.lib_name);
}

/// Builds the missing models, `workers` at a time. The models are independent and each one is
/// a verilator run followed by a few large C++ files, so building them one after the other
/// left a core idle for much of a cold build; the g++ processes stay bounded by cargo's `-j`
/// (cc takes jobserver tokens).
fn build_models(pending: &[Pending<'_>], waivers: &Path, workers: usize) {
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..workers.clamp(1, pending.len().max(1)) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(m) = pending.get(i) else { break };
                build_model(m, waivers);
            });
        }
    });
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=lint-waivers.vlt");
    println!("cargo:rerun-if-env-changed=SATCHAIN_VERILATOR_OPT");
    println!("cargo:rerun-if-env-changed=SATCHAIN_VERIF_ONLY");
    println!("cargo:rerun-if-env-changed=SATCHAIN_VERILATOR_JOBS");
    let out_dir =
        PathBuf::from(std::env::var("OUT_DIR").unwrap_or_else(|_| fail("OUT_DIR not set")));
    let manifest = PathBuf::from(
        std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| fail("no manifest dir")),
    );
    let target = target_dir(&out_dir);
    println!("cargo:rustc-env=SATCHAIN_TARGET_DIR={}", target.display());
    let version = verilator_version();
    let waivers = manifest.join("lint-waivers.vlt");
    let waiver_text = std::fs::read_to_string(&waivers).unwrap_or_default();
    // g++ optimisation of the models (DEFAULT_OPT: -Og and two caps, below). Measured earlier on
    // the cluster test bench's 16 generated files (g++ 12.2, one core): -O1 took 46 s of CPU,
    // -O2 75 s and -Os 82 s; every CI run builds every model cold, while most tests simulate
    // for seconds.
    // SATCHAIN_VERILATOR_OPT sets the flags of every model and of the runtime (e.g. -O2 for a
    // soak run); unset, LONG_SIM_MODELS get LONG_SIM_OPT.
    //
    // The two `--param`s cap GCC's alias-oracle walks, which grow faster than linearly with the
    // size of a function, and Verilator emits functions of tens of thousands of statements
    // (rust-hdl's flattened datapaths). Measured with g++ 12.2 on the generated C++ of
    // vcore_verify_core (17 files, 16.9 MB), one core, user time: -O1 106.6 s, -O1 with these
    // caps 80.5 s; on vcore_fmul 70.0 s against 55.9 s. In -ftime-report the "alias stmt walking"
    // pass fell from 20.4 s to 1.8 s on fmul's largest file. The caps only make GCC give up
    // earlier on proving two memory accesses independent; the code stays correct.
    // Simulation speed did not suffer: `cargo test --release -p verif --test vcore_verify_core`
    // ran 10.96 s with the caps, 11.49 s without.
    //
    // -Og rather than -O1 (both with the caps): g++ took 7.9 s instead of 13.2 s of user time on
    // the largest file of vcore_verify_core, and the simulations ran as fast, measured back to
    // back on a loaded machine: the vcore_cluster test (6 programs) 61.2 s of user time at -Og,
    // 62.0 s at -O1; the vcore_verify_core test 12.9-13.1 s at -Og, 14.8-15.6 s at -O1.
    let opt_env = std::env::var("SATCHAIN_VERILATOR_OPT").ok();
    let opt = opt_env.clone().unwrap_or_else(|| DEFAULT_OPT.to_string());
    let opt_flags: Vec<&str> = opt.split_whitespace().collect();
    let model_opt = |name: &str| -> String {
        match &opt_env {
            Some(o) => o.clone(),
            None if LONG_SIM_MODELS.contains(&name) => LONG_SIM_OPT.to_string(),
            None => DEFAULT_OPT.to_string(),
        }
    };
    let cache_root = target.join("verilator-cache");

    // The Verilator runtime, shared by all models.
    let rt_key = hash_of(&[&version, &opt, &SHIM_VERSION.to_string()]);
    let rt_dir = cache_root.join(format!("runtime-{rt_key:016x}"));
    let rt_lib = rt_dir.join("libverilated_rt.a");
    if !rt_lib.exists() {
        std::fs::create_dir_all(&rt_dir)
            .unwrap_or_else(|e| fail(&format!("mkdir {}: {e}", rt_dir.display())));
        let mut rt = cc::Build::new();
        for f in &opt_flags {
            rt.flag(f);
        }
        rt.cpp(true)
            .pic(true)
            .out_dir(&rt_dir)
            .include(VERILATOR_INCLUDE)
            .include(format!("{VERILATOR_INCLUDE}/vltstd"))
            .flag("-std=c++17")
            .flag("-w")
            .debug(false)
            .define("VM_TRACE", "1")
            .define("VM_TRACE_VCD", "1")
            .file(format!("{VERILATOR_INCLUDE}/verilated.cpp"))
            .file(format!("{VERILATOR_INCLUDE}/verilated_threads.cpp"))
            .file(format!("{VERILATOR_INCLUDE}/verilated_vcd_c.cpp"))
            .cargo_metadata(false)
            .compile("verilated_rt");
    }

    let only: Option<Vec<String>> = std::env::var("SATCHAIN_VERIF_ONLY")
        .ok()
        .map(|v| v.split(',').map(|s| s.trim().to_string()).collect());
    let all_models = satchain_hdl::sim_models();
    for n in LONG_SIM_MODELS {
        if !all_models.iter().any(|m| m.name == *n) {
            fail(&format!(
                "LONG_SIM_MODELS names `{n}`, which is not a simulation model"
            ));
        }
    }
    let models: Vec<_> = all_models
        .into_iter()
        .filter(|m| only.as_ref().is_none_or(|o| o.iter().any(|n| n == m.name)))
        .collect();
    let mut rust = String::new();
    let _ = writeln!(rust, "// Generated by verif/build.rs. Do not edit.");
    let mut table = String::from("pub(crate) static MODELS: &[ModelDesc] = &[\n");
    let mut libs = Vec::new();
    let mut to_build = Vec::new();
    for m in &models {
        let name = m.name;
        if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            fail(&format!("model name `{name}` must be [A-Za-z0-9_]"));
        }
        let ports = parse_top_ports(&m.verilog);
        let opt = model_opt(name);
        let key = hash_of(&[
            &m.verilog,
            &version,
            &opt,
            &waiver_text,
            &SHIM_VERSION.to_string(),
        ]);
        let dir = cache_root.join(format!("{name}-{key:016x}"));
        let lib_name = format!("sim_{name}_{key:016x}");
        let archive = dir.join(format!("lib{lib_name}.a"));
        if !archive.exists() {
            to_build.push(Pending {
                name,
                verilog: &m.verilog,
                ports: ports.clone(),
                dir: dir.clone(),
                lib_name: lib_name.clone(),
                opt,
            });
        }
        libs.push(archive);

        // The library's name carries the key of the whole set, known after the loop: a placeholder.
        let _ = writeln!(
            rust,
            "#[link(name = \"@SIM_LIB@\", kind = \"dylib\")]\nextern \"C\" {{"
        );
        let _ = writeln!(
            rust,
            "    fn sim_{name}_new(vcd: *const c_char) -> *mut c_void;"
        );
        for f in ["free", "eval", "dump", "flush"] {
            let _ = writeln!(rust, "    fn sim_{name}_{f}(p: *mut c_void);");
        }
        let _ = writeln!(rust, "    fn sim_{name}_advance(p: *mut c_void, n: u64);");
        let _ = writeln!(
            rust,
            "    fn sim_{name}_set(p: *mut c_void, port: u32, w: *const u32);"
        );
        let _ = writeln!(
            rust,
            "    fn sim_{name}_get(p: *mut c_void, port: u32, w: *mut u32);\n}}"
        );
        let _ = writeln!(table, "    ModelDesc {{ name: \"{name}\", ports: &[");
        for p in &ports {
            let _ = writeln!(
                table,
                "        PortDesc {{ name: \"{}\", width: {}, input: {} }},",
                p.name, p.width, p.input
            );
        }
        let _ = writeln!(
            table,
            "    ], new: sim_{name}_new, free: sim_{name}_free, eval: sim_{name}_eval, dump: sim_{name}_dump, flush: sim_{name}_flush, advance: sim_{name}_advance, set: sim_{name}_set, get: sim_{name}_get }},"
        );
    }
    // Workers: SATCHAIN_VERILATOR_JOBS, else cargo's job count for this build (NUM_JOBS).
    let workers = ["SATCHAIN_VERILATOR_JOBS", "NUM_JOBS"]
        .iter()
        .find_map(|v| std::env::var(v).ok()?.parse::<usize>().ok())
        .unwrap_or(2);
    build_models(&to_build, &waivers, workers);
    table.push_str("];\n");
    libs.push(rt_lib.clone());
    let (so_dir, so_name) = link_shared(&cache_root, &libs);
    println!("cargo:rustc-link-search=native={}", so_dir.display());
    rust = rust.replace("@SIM_LIB@", &so_name);
    rust.push_str(&table);
    std::fs::write(out_dir.join("models.rs"), rust)
        .unwrap_or_else(|e| fail(&format!("write models.rs: {e}")));
}

/// Stem of the shared library that holds every model and the Verilator runtime; the build
/// appends the key of the set of archives it links.
const SIM_LIB: &str = "satchain_sim";

/// The key of one set of model archives (their cache names carry their own keys).
fn shared_key(archives: &[PathBuf]) -> String {
    let names: Vec<String> = archives.iter().map(|a| a.display().to_string()).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    format!("{:016x}", hash_of(&refs))
}

/// Links all model archives and the Verilator runtime into one shared library,
/// `<cache>/sim-<key>/libsatchain_sim_<key>.so`, once per set of archives, and returns its
/// directory and its link name (`satchain_sim_<key>`).
///
/// Why a shared library: `MODELS` names every model, so a statically linked binary carries all
/// of them (~50 MB of machine code) whatever it simulates, and verif has ~50 test binaries; a
/// cold CI target directory was 8.6 GB, 6.4 GB of it test binaries of ~110 MB each, and one CI
/// run failed when the disk filled during that link. Linked against this library instead, each
/// binary carries only its own code.
///
/// How binaries find it: its soname is its absolute path, so every binary that links it (verif's
/// tests, and the CLI, benches and tests of other crates, to which build-script link arguments
/// such as an rpath would not reach) records that path as its `DT_NEEDED` entry, and the dynamic
/// loader opens it there without a search path. The binaries were already tied to this target
/// directory (`SATCHAIN_TARGET_DIR`, the VCD directory).
fn link_shared(cache_root: &Path, archives: &[PathBuf]) -> (PathBuf, String) {
    let key = shared_key(archives);
    let name = format!("{SIM_LIB}_{key}");
    let dir = cache_root.join(format!("sim-{key}"));
    let so = dir.join(format!("lib{name}.so"));
    if so.exists() {
        return (dir, name);
    }
    std::fs::create_dir_all(&dir)
        .unwrap_or_else(|e| fail(&format!("mkdir {}: {e}", dir.display())));
    // Written under a temporary name of this process and renamed, so an interrupted link never
    // leaves a library that a later build would take as complete, and two builds of verif in
    // one target directory (different feature sets) never write one file.
    let tmp = dir.join(format!("lib{name}.so.{}.tmp", std::process::id()));
    let mut cmd = cc::Build::new().cpp(true).get_compiler().to_command();
    cmd.arg("-shared")
        .arg("-o")
        .arg(&tmp)
        .arg(format!("-Wl,-soname,{}", so.display()))
        .arg("-Wl,--whole-archive");
    for a in archives {
        cmd.arg(a);
    }
    cmd.arg("-Wl,--no-whole-archive").arg("-lpthread");
    run(&mut cmd, &format!("the C++ linker on {}", so.display()));
    std::fs::rename(&tmp, &so).unwrap_or_else(|e| fail(&format!("rename {}: {e}", tmp.display())));
    (dir, name)
}
