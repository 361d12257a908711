//! Verilated models of the generated RTL, driven from Rust.
//!
//! Every design listed by `satchain_hdl::sim_models()` is built by `build.rs` into a Verilator
//! model with a small generated C++ shim. [`Model`] opens one by name, sets and reads ports by
//! name (any width; wide ports as 32-bit words, least-significant word first), evaluates and
//! clocks it, counts cycles, and optionally writes a VCD waveform.

use core::ffi::{c_char, c_void};
use std::ffi::CString;
use std::fmt;
use std::path::{Path, PathBuf};

use num_bigint::BigUint;

include!(concat!(env!("OUT_DIR"), "/models.rs"));

/// One port of a Verilated model.
#[derive(Debug, Clone, Copy)]
pub struct PortDesc {
    pub name: &'static str,
    pub width: u32,
    pub input: bool,
}

impl PortDesc {
    /// Number of 32-bit words that hold the port.
    pub fn words(&self) -> usize {
        self.width.div_ceil(32) as usize
    }
}

#[allow(missing_debug_implementations)]
pub(crate) struct ModelDesc {
    pub name: &'static str,
    pub ports: &'static [PortDesc],
    new: unsafe extern "C" fn(*const c_char) -> *mut c_void,
    free: unsafe extern "C" fn(*mut c_void),
    eval: unsafe extern "C" fn(*mut c_void),
    dump: unsafe extern "C" fn(*mut c_void),
    flush: unsafe extern "C" fn(*mut c_void),
    advance: unsafe extern "C" fn(*mut c_void, u64),
    set: unsafe extern "C" fn(*mut c_void, u32, *const u32),
    get: unsafe extern "C" fn(*mut c_void, u32, *mut u32),
}

/// Errors of the simulation harness.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SimError {
    /// No model of that name was built (see `satchain_hdl::sim_models()`).
    NoSuchModel(String),
    /// The model has no port of that name.
    NoSuchPort { model: &'static str, port: String },
    /// A value does not fit the port, or an output was written.
    BadValue {
        model: &'static str,
        port: &'static str,
        reason: String,
    },
    /// The VCD path is not valid.
    BadPath(String),
}

impl fmt::Display for SimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SimError::NoSuchModel(m) => write!(
                f,
                "no Verilated model named `{m}` (have: {})",
                model_names().join(", ")
            ),
            SimError::NoSuchPort { model, port } => {
                write!(f, "model `{model}` has no port `{port}`")
            }
            SimError::BadValue {
                model,
                port,
                reason,
            } => write!(f, "{model}.{port}: {reason}"),
            SimError::BadPath(p) => write!(f, "bad VCD path {p}"),
        }
    }
}

impl std::error::Error for SimError {}

/// Names of all models built into this crate.
pub fn model_names() -> Vec<&'static str> {
    MODELS.iter().map(|m| m.name).collect()
}

/// Ports of a model, by model name.
pub fn model_ports(name: &str) -> Option<&'static [PortDesc]> {
    MODELS.iter().find(|m| m.name == name).map(|m| m.ports)
}

/// The cargo target directory this crate was built in.
pub fn target_dir() -> PathBuf {
    PathBuf::from(env!("SATCHAIN_TARGET_DIR"))
}

/// Where a test should write the waveform of a failing case: `<target>/vcd/<stem>.vcd`.
pub fn vcd_path(stem: &str) -> PathBuf {
    let dir = target_dir().join("vcd");
    let _ = std::fs::create_dir_all(&dir);
    dir.join(format!("{stem}.vcd"))
}

/// Index of a port in its model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PortId(u32);

/// A running Verilated model. Each instance has its own `VerilatedContext`, so models may be
/// used from several threads at once (one model per thread).
pub struct Model {
    desc: &'static ModelDesc,
    ptr: *mut c_void,
    clock: Option<PortId>,
    aux: Option<AuxClock>,
    cycles: u64,
    vcd: Option<PathBuf>,
    /// Main-clock cycles `[from, to)` whose edges are written to the VCD (all by default).
    vcd_window: (u64, u64),
    buf: Vec<u32>,
}

/// A second, asynchronous clock driven by [`Model::tick`]: `num` of its cycles per `den` main
/// clock cycles (a phase accumulator; at most `ceil(num/den)` of its edges per main cycle, each
/// placed between the main clock's rising and falling edge).
#[derive(Debug, Clone, Copy)]
struct AuxClock {
    port: PortId,
    num: u32,
    den: u32,
    acc: u32,
    cycles: u64,
}

/// The second clock of the accelerator top: the ECDSA engines' clock domain.
pub const ECDSA_CLOCK_PORT: &str = "ecdsa_clock";

/// `"num/den"` with both in 1..=1000.
fn parse_ratio(v: &str) -> Option<(u32, u32)> {
    let (a, b) = v.trim().split_once('/')?;
    let (a, b): (u32, u32) = (a.trim().parse().ok()?, b.trim().parse().ok()?);
    ((1..=1000).contains(&a) && (1..=1000).contains(&b)).then_some((a, b))
}

/// The engine/bus clock ratio a newly opened top runs at (`SATCHAIN_ECDSA_CLOCK_RATIO` or the
/// shipped [`satchain_hdl::top::ECDSA_CLOCK_RATIO`]); `None` if the variable is malformed.
pub fn ecdsa_clock_ratio() -> Option<(u32, u32)> {
    match std::env::var("SATCHAIN_ECDSA_CLOCK_RATIO") {
        Ok(v) => parse_ratio(&v),
        Err(_) => Some(satchain_hdl::top::ECDSA_CLOCK_RATIO),
    }
}

// SAFETY: the C++ model is only reached through `&mut self` (or `&self` for reads that do not
// mutate the model), it owns its own VerilatedContext and no thread-local state, so moving it to
// another thread is sound.
unsafe impl Send for Model {}

impl fmt::Debug for Model {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Model")
            .field("name", &self.desc.name)
            .field("cycles", &self.cycles)
            .field("vcd", &self.vcd)
            .finish()
    }
}

impl Model {
    /// Opens model `name` without waveform tracing.
    pub fn new(name: &str) -> Result<Model, SimError> {
        Self::open(name, None)
    }

    /// Opens model `name` and writes a VCD waveform of everything it does to `vcd`.
    pub fn with_vcd(name: &str, vcd: impl AsRef<Path>) -> Result<Model, SimError> {
        Self::open(name, Some(vcd.as_ref()))
    }

    /// Opens `name` with a VCD of main-clock cycles `from..to` written to `path` when `vcd` is
    /// `Some((path, from, to))` ([`Model::set_vcd_window`]), without one otherwise: the
    /// replay-with-a-window of a failing long run.
    pub fn with_vcd_window(name: &str, vcd: Option<(&Path, u64, u64)>) -> Result<Model, SimError> {
        match vcd {
            Some((path, from, to)) => {
                let mut m = Self::with_vcd(name, path)?;
                m.set_vcd_window(from, to);
                Ok(m)
            }
            None => Self::new(name),
        }
    }

    fn open(name: &str, vcd: Option<&Path>) -> Result<Model, SimError> {
        let desc = MODELS
            .iter()
            .find(|m| m.name == name)
            .ok_or_else(|| SimError::NoSuchModel(name.to_string()))?;
        let cpath = match vcd {
            Some(p) => Some(
                CString::new(p.to_string_lossy().as_bytes())
                    .map_err(|_| SimError::BadPath(p.display().to_string()))?,
            ),
            None => None,
        };
        // SAFETY: `new` is the generated constructor; it copies the path string before returning
        // and accepts a null pointer for "no trace".
        let ptr = unsafe { (desc.new)(cpath.as_ref().map_or(core::ptr::null(), |c| c.as_ptr())) };
        let max_words = desc.ports.iter().map(PortDesc::words).max().unwrap_or(1);
        let mut m = Model {
            desc,
            ptr,
            clock: None,
            aux: None,
            cycles: 0,
            vcd: vcd.map(Path::to_path_buf),
            vcd_window: (0, u64::MAX),
            buf: vec![0; max_words],
        };
        m.clock = m.port("clock").ok();
        if let Some(c) = m.clock {
            // Settle with the clock low first, or the first rising edge is lost (TOOLCHAIN-NOTES).
            m.set(c, 0);
        }
        if let Ok(p) = m.port(ECDSA_CLOCK_PORT) {
            // The top's engine clock, at the ratio the design is projected at, unless
            // SATCHAIN_ECDSA_CLOCK_RATIO=num/den overrides it (long functional runs: the
            // crossing is exact at any ratio, `tests/ecdsa_cdc.rs`, and 1/1 simulates faster).
            let (num, den) = match std::env::var("SATCHAIN_ECDSA_CLOCK_RATIO") {
                Ok(v) => parse_ratio(&v).ok_or_else(|| SimError::BadValue {
                    model: desc.name,
                    port: "ecdsa_clock",
                    reason: format!(
                        "SATCHAIN_ECDSA_CLOCK_RATIO={v:?}: expected num/den, both in 1..=1000"
                    ),
                })?,
                Err(_) => satchain_hdl::top::ECDSA_CLOCK_RATIO,
            };
            m.set(p, 0);
            m.aux = Some(AuxClock {
                port: p,
                num,
                den,
                acc: 0,
                cycles: 0,
            });
        }
        m.eval();
        Ok(m)
    }

    /// Sets the ratio of the second clock (`ecdsa_clock` on the top): `num` of its cycles per
    /// `den` main-clock cycles. The crossing must work at any ratio; tests vary it.
    ///
    /// # Errors
    /// If the model has no second clock, or `num` or `den` is 0.
    pub fn set_aux_clock_ratio(&mut self, num: u32, den: u32) -> Result<(), SimError> {
        let name = self.desc.name;
        let Some(a) = self.aux.as_mut() else {
            return Err(SimError::NoSuchPort {
                model: name,
                port: ECDSA_CLOCK_PORT.into(),
            });
        };
        if num == 0 || den == 0 {
            return Err(SimError::BadValue {
                model: name,
                port: "ecdsa_clock",
                reason: format!("clock ratio {num}/{den}"),
            });
        }
        a.num = num;
        a.den = den;
        a.acc = 0;
        Ok(())
    }

    /// Cycles of the second clock so far (0 without one).
    pub fn aux_cycles(&self) -> u64 {
        self.aux.map_or(0, |a| a.cycles)
    }

    /// The model's name.
    pub fn name(&self) -> &'static str {
        self.desc.name
    }

    /// Path of the VCD being written, if any.
    pub fn vcd(&self) -> Option<&Path> {
        self.vcd.as_deref()
    }

    /// Port description by id.
    pub fn port_desc(&self, p: PortId) -> &'static PortDesc {
        &self.desc.ports[p.0 as usize]
    }

    /// Looks a port up by its Verilog name.
    pub fn port(&self, name: &str) -> Result<PortId, SimError> {
        self.desc
            .ports
            .iter()
            .position(|p| p.name == name)
            .map(|i| PortId(i as u32))
            .ok_or_else(|| SimError::NoSuchPort {
                model: self.desc.name,
                port: name.to_string(),
            })
    }

    /// Sets an input of up to 64 bits. Bits above the port width must be zero.
    ///
    /// # Panics
    /// If the port is an output or the value does not fit (a test-harness usage error).
    pub fn set(&mut self, p: PortId, v: u64) {
        self.try_set_words(p, &[v as u32, (v >> 32) as u32])
            .unwrap_or_else(|e| panic!("{e}"));
    }

    /// Sets an input from 32-bit words, least-significant first. Missing words are zero.
    ///
    /// # Panics
    /// On a usage error, see [`Model::try_set_words`].
    pub fn set_words(&mut self, p: PortId, w: &[u32]) {
        self.try_set_words(p, w).unwrap_or_else(|e| panic!("{e}"));
    }

    /// Sets an input from a big integer.
    ///
    /// # Panics
    /// On a usage error, see [`Model::try_set_words`].
    pub fn set_biguint(&mut self, p: PortId, v: &BigUint) {
        self.try_set_words(p, &v.to_u32_digits())
            .unwrap_or_else(|e| panic!("{e}"));
    }

    /// Sets an input from 32-bit words (least-significant first): an error if the port is an
    /// output or the value has bits set above the port's width.
    pub fn try_set_words(&mut self, p: PortId, w: &[u32]) -> Result<(), SimError> {
        let d = self.port_desc(p);
        if !d.input {
            return Err(SimError::BadValue {
                model: self.desc.name,
                port: d.name,
                reason: "is an output".into(),
            });
        }
        let n = d.words();
        for (i, &x) in w.iter().enumerate() {
            let limit_bits = d.width.saturating_sub(32 * i as u32);
            let ok = if limit_bits >= 32 {
                true
            } else {
                u64::from(x) >> limit_bits == 0
            };
            if !ok {
                return Err(SimError::BadValue {
                    model: self.desc.name,
                    port: d.name,
                    reason: format!("value wider than {} bits", d.width),
                });
            }
        }
        self.buf.iter_mut().for_each(|x| *x = 0);
        for (i, &x) in w.iter().take(n).enumerate() {
            self.buf[i] = x;
        }
        // SAFETY: `buf` holds at least `words()` words for every port of this model.
        unsafe { (self.desc.set)(self.ptr, p.0, self.buf.as_ptr()) };
        Ok(())
    }

    /// Reads a port of up to 64 bits (wider ports: the low 64 bits).
    pub fn get(&mut self, p: PortId) -> u64 {
        let w = self.get_words(p);
        u64::from(w[0]) | (u64::from(*w.get(1).unwrap_or(&0)) << 32)
    }

    /// Reads a port as 32-bit words, least-significant first.
    pub fn get_words(&mut self, p: PortId) -> Vec<u32> {
        let n = self.port_desc(p).words();
        // SAFETY: `buf` holds at least `words()` words for every port of this model.
        unsafe { (self.desc.get)(self.ptr, p.0, self.buf.as_mut_ptr()) };
        self.buf[..n].to_vec()
    }

    /// Reads a port as a big integer.
    pub fn get_biguint(&mut self, p: PortId) -> BigUint {
        BigUint::from_slice(&self.get_words(p))
    }

    /// Evaluates combinational logic with the current inputs.
    pub fn eval(&mut self) {
        // SAFETY: `ptr` is a live model created by `new`.
        unsafe { (self.desc.eval)(self.ptr) };
    }

    /// One clock cycle: rising edge, evaluate, dump; falling edge, evaluate, dump. With a second
    /// clock (the top's `ecdsa_clock`), its whole cycles due in this main cycle (by the ratio)
    /// run between the two main edges.
    /// Inputs set before `tick` are sampled at the rising edge.
    ///
    /// # Panics
    /// If the model has no `clock` port.
    pub fn tick(&mut self) {
        let c = self
            .clock
            .unwrap_or_else(|| panic!("model `{}` has no clock port", self.desc.name));
        self.set(c, 1);
        self.eval();
        self.dump_step();
        if let Some(mut a) = self.aux {
            a.acc += a.num;
            while a.acc >= a.den {
                a.acc -= a.den;
                a.cycles += 1;
                for level in [1, 0] {
                    self.set(a.port, level);
                    self.eval();
                    self.dump_step();
                }
            }
            self.aux = Some(a);
        }
        self.set(c, 0);
        self.eval();
        self.dump_step();
        self.cycles += 1;
    }

    /// One VCD time step: the signals are written when the current cycle is inside the window
    /// ([`Model::set_vcd_window`]), otherwise only the VCD clock advances.
    fn dump_step(&mut self) {
        let (from, to) = self.vcd_window;
        if (from..to).contains(&self.cycles) {
            // SAFETY: `ptr` is a live model.
            unsafe { (self.desc.dump)(self.ptr) };
        } else {
            // SAFETY: `ptr` is a live model.
            unsafe { (self.desc.advance)(self.ptr, 1) };
        }
    }

    /// Writes only main-clock cycles `from..to` to the VCD (the default is every cycle). A
    /// failing case of a long run replays with a window around the failure: one whole job of
    /// `vcore_verify_core` is ~20 GB of VCD, more than a waveform viewer opens. The VCD's
    /// times stay the simulation's (one unit per clock edge), so the window starts at time
    /// `2 * from` or later.
    pub fn set_vcd_window(&mut self, from: u64, to: u64) {
        self.vcd_window = (from, to.max(from));
    }

    /// `n` clock cycles.
    pub fn ticks(&mut self, n: u64) {
        for _ in 0..n {
            self.tick();
        }
    }

    /// Clock cycles since the model was opened.
    pub fn cycles(&self) -> u64 {
        self.cycles
    }

    /// Flushes the VCD file, if any (also done on drop).
    pub fn flush_vcd(&mut self) {
        // SAFETY: `ptr` is a live model.
        unsafe { (self.desc.flush)(self.ptr) };
    }
}

impl Drop for Model {
    fn drop(&mut self) {
        // SAFETY: `ptr` was created by `new` and is freed exactly once here.
        unsafe { (self.desc.free)(self.ptr) };
    }
}
