//! Opening the accelerator on a Linux board: the one place that turns "the bitstream and the
//! overlay are loaded" into an [`FpgaBackend`], so a node and the CLI do not each wire the UIO
//! device, the DMA buffer and the wait mode themselves.
//!
//! - **UIO device**: found by the name its device-tree node gives it (`satchain`, see
//!   `bitstreams/vivado/satchain-overlay.dtso`) in `{sysfs}/class/uio/uio*/name`, or given by
//!   number. Its map 0 is the register window, its interrupt IRQ_F2P.
//! - **DMA buffer** (hash job data by descriptor DMA): a `u-dma-buf` buffer, by default
//!   `udmabuf0` when `{sysfs}/class/u-dma-buf/udmabuf0` exists; named (then required) or off.
//! - **Wait mode**: interrupts by default (the driver still polls after `irq_slice_us`
//!   without one, so a lost interrupt costs time, not the job).

use std::io;
use std::path::{Path, PathBuf};

use accel_driver::linux::{UdmabufRegion, UioBus};
use accel_driver::{Bus, BusError, DmaRegion, WaitMode};
use crypto_core::backend::{Backend, BackendError};

use crate::{FpgaBackend, FpgaConfig};

/// The device-tree node name of the accelerator (the overlay's `satchain@43c00000` node), as
/// `uio_pdrv_genirq` reports it in `/sys/class/uio/uioN/name`.
pub const DT_NAME: &str = "satchain";

/// The `u-dma-buf` buffer [`DmaBuffer::Auto`] uses when it exists.
pub const DEFAULT_UDMABUF: &str = "udmabuf0";

/// Which UIO device is the accelerator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UioDevice {
    /// The one device whose `name` attribute equals this (default: [`DT_NAME`]).
    Named(String),
    /// `/dev/uio{n}`, without looking at sysfs.
    Number(u32),
}

/// Where hash job data for descriptor DMA lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DmaBuffer {
    /// [`DEFAULT_UDMABUF`] if its sysfs directory exists, else no DMA (data registers).
    Auto,
    /// This `u-dma-buf` buffer (`/dev/{name}`); an error if it cannot be opened.
    Named(String),
    /// No DMA: hash job data through `HASH_DATA`.
    Off,
}

/// How [`open_board`] finds and drives the device. `Default`: the UIO device named
/// [`DT_NAME`], [`DmaBuffer::Auto`], interrupts, the backend's default settings, `/sys`, `/dev`.
#[derive(Debug, Clone, PartialEq)]
pub struct BoardOptions {
    /// Which UIO device.
    pub uio: UioDevice,
    /// Which DMA buffer, if any.
    pub dma: DmaBuffer,
    /// Backend settings; `fpga.driver.wait` is the wait mode.
    pub fpga: FpgaConfig,
    /// Root of sysfs (`/sys`; tests use a fake tree).
    pub sysfs: PathBuf,
    /// Directory of the device nodes (`/dev`).
    pub dev: PathBuf,
}

impl Default for BoardOptions {
    fn default() -> Self {
        let mut fpga = FpgaConfig::default();
        fpga.driver.wait = WaitMode::Irq;
        BoardOptions {
            uio: UioDevice::Named(DT_NAME.into()),
            dma: DmaBuffer::Auto,
            fpga,
            sysfs: PathBuf::from("/sys"),
            dev: PathBuf::from("/dev"),
        }
    }
}

/// Why the board backend could not be opened.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BoardError {
    /// No UIO device has the wanted name.
    #[error(
        "no UIO device named {name:?} in {dir} (found: {found:?}); load the bitstream and the \
         overlay and bind uio_pdrv_genirq (bitstreams/README.md, Bring-up on the board)"
    )]
    UioNotFound {
        /// The name looked for.
        name: String,
        /// The sysfs class directory searched.
        dir: PathBuf,
        /// What the devices there are called (`uioN=name`).
        found: Vec<String>,
    },
    /// More than one UIO device has the wanted name.
    #[error("UIO devices {devices:?} are all named {name:?}: choose one by number")]
    UioAmbiguous {
        /// The name looked for.
        name: String,
        /// Their numbers.
        devices: Vec<u32>,
    },
    /// sysfs could not be read.
    #[error("cannot read {path}: {cause}")]
    Sysfs {
        /// What was read.
        path: PathBuf,
        /// The I/O error.
        #[source]
        cause: io::Error,
    },
    /// A device or buffer name that is not a plain file name.
    #[error("{what} name {name:?} is not a plain device name")]
    BadName {
        /// "UIO" or "DMA buffer".
        what: &'static str,
        /// The name given.
        name: String,
    },
    /// The UIO device node could not be opened or mapped.
    #[error("cannot open the UIO device {path} ({cause})")]
    OpenUio {
        /// The device node.
        path: PathBuf,
        /// The driver's error.
        cause: BusError,
    },
    /// The DMA buffer could not be opened, its sysfs attributes read or its memory mapped.
    #[error(
        "cannot open the DMA buffer {name:?} ({cause}); load the u-dma-buf module \
         (bitstreams/README.md, Bring-up on the board)"
    )]
    OpenDma {
        /// The buffer's name.
        name: String,
        /// The driver's error.
        cause: BusError,
    },
    /// The backend refused the device (only with `FaultPolicy::Error`: with `Fallback` a
    /// device that fails its checks gives a backend that runs in software).
    #[error(transparent)]
    Backend(#[from] BackendError),
}

/// The bus [`open_board`] drives: the UIO register window, with the DMA buffer when there is
/// one.
#[derive(Debug)]
pub struct BoardBus {
    uio: UioBus,
    dma: Option<UdmabufRegion>,
}

impl BoardBus {
    /// Whether hash job data can go by descriptor DMA (a buffer is mapped).
    pub fn has_dma(&self) -> bool {
        self.dma.is_some()
    }
}

impl Bus for BoardBus {
    fn read32(&mut self, offset: u32) -> Result<u32, BusError> {
        self.uio.read32(offset)
    }
    fn write32(&mut self, offset: u32, value: u32) -> Result<(), BusError> {
        self.uio.write32(offset, value)
    }
    fn has_irq(&self) -> bool {
        self.uio.has_irq()
    }
    fn wait_irq(&mut self, timeout_us: u32) -> Result<bool, BusError> {
        self.uio.wait_irq(timeout_us)
    }
    fn pause(&mut self, us: u32) {
        self.uio.pause(us)
    }
    fn dma_region(&mut self) -> Option<&mut dyn DmaRegion> {
        self.dma.as_mut().map(|r| r as &mut dyn DmaRegion)
    }
}

fn plain_name(what: &'static str, name: &str) -> Result<(), BoardError> {
    let bad = name.is_empty() || name == "." || name == ".." || name.contains(['/', '\0']);
    if bad {
        return Err(BoardError::BadName {
            what,
            name: name.into(),
        });
    }
    Ok(())
}

/// The number of the one UIO device under `{sysfs}/class/uio` whose `name` attribute
/// (trailing newline removed) is `name`.
pub fn find_uio(sysfs: &Path, name: &str) -> Result<u32, BoardError> {
    let dir = sysfs.join("class/uio");
    let entries = match std::fs::read_dir(&dir) {
        Ok(e) => e,
        // No UIO class at all: no UIO driver bound, the same advice as no match.
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(BoardError::UioNotFound {
                name: name.into(),
                dir,
                found: Vec::new(),
            })
        }
        Err(cause) => return Err(BoardError::Sysfs { path: dir, cause }),
    };
    let mut found = Vec::new();
    let mut matches = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|cause| BoardError::Sysfs {
            path: dir.clone(),
            cause,
        })?;
        let file_name = entry.file_name();
        let Some(n) = file_name
            .to_str()
            .and_then(|s| s.strip_prefix("uio"))
            .filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|d| d.parse::<u32>().ok())
        else {
            continue;
        };
        let attr = entry.path().join("name");
        let dev_name = match std::fs::read_to_string(&attr) {
            Ok(s) => s,
            // A device without a readable name is not ours; say what it was.
            Err(_) => {
                found.push(format!("uio{n}=?"));
                continue;
            }
        };
        let dev_name = dev_name.trim_end_matches(['\n', '\r']);
        found.push(format!("uio{n}={dev_name}"));
        if dev_name == name {
            matches.push(n);
        }
    }
    found.sort();
    matches.sort_unstable();
    match matches.as_slice() {
        [] => Err(BoardError::UioNotFound {
            name: name.into(),
            dir,
            found,
        }),
        [n] => Ok(*n),
        _ => Err(BoardError::UioAmbiguous {
            name: name.into(),
            devices: matches,
        }),
    }
}

/// Opens the register window (and DMA buffer) that `opts` describe, without opening the
/// backend: the bus a node could also hand to `accel_driver::Accel` directly.
pub fn open_board_bus(opts: &BoardOptions) -> Result<BoardBus, BoardError> {
    let n = match &opts.uio {
        UioDevice::Number(n) => *n,
        UioDevice::Named(name) => {
            plain_name("UIO", name)?;
            find_uio(&opts.sysfs, name)?
        }
    };
    let path = opts.dev.join(format!("uio{n}"));
    let uio = UioBus::open_path(&path, true).map_err(|cause| BoardError::OpenUio {
        path: path.clone(),
        cause,
    })?;
    let dma_name = match &opts.dma {
        DmaBuffer::Off => None,
        DmaBuffer::Named(name) => {
            plain_name("DMA buffer", name)?;
            Some(name.as_str())
        }
        DmaBuffer::Auto => opts
            .sysfs
            .join("class/u-dma-buf")
            .join(DEFAULT_UDMABUF)
            .is_dir()
            .then_some(DEFAULT_UDMABUF),
    };
    let dma = match dma_name {
        None => None,
        Some(name) => Some(
            UdmabufRegion::open_in(&opts.sysfs, &opts.dev, name).map_err(|cause| {
                BoardError::OpenDma {
                    name: name.into(),
                    cause,
                }
            })?,
        ),
    };
    Ok(BoardBus { uio, dma })
}

/// Opens the accelerator on the board as `opts` say, with `fallback` as the software backend:
/// finds the UIO device, maps it and the DMA buffer, then [`FpgaBackend::open`] (identity and
/// version checks, self-test, the fault policy of `opts.fpga`).
pub fn open_board<F: Backend>(
    opts: &BoardOptions,
    fallback: F,
) -> Result<FpgaBackend<BoardBus, F>, BoardError> {
    let bus = open_board_bus(opts)?;
    Ok(FpgaBackend::open(bus, fallback, opts.fpga)?)
}
