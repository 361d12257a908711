//! Linux user-space access: a UIO device (`/dev/uioN`, map 0 = the register window,
//! interrupts by blocking read) or `/dev/mem` at a physical base address.

use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::time::{Duration, Instant};

use embedded_hal::delay::DelayNs;

use crate::bus::{Bus, BusError, BusErrorKind};
use crate::mmio::MmioBus;

fn errno() -> i32 {
    std::io::Error::last_os_error().raw_os_error().unwrap_or(0)
}

fn io_err(what: &'static str) -> BusError {
    BusError::new(BusErrorKind::Io, None, what).with_errno(errno())
}

/// Delay on a hosted OS: sleeps for long waits, spins on the clock for short ones.
#[derive(Debug, Clone, Copy, Default)]
pub struct StdDelay;

impl DelayNs for StdDelay {
    fn delay_ns(&mut self, ns: u32) {
        let d = Duration::from_nanos(u64::from(ns));
        if ns >= 100_000 {
            std::thread::sleep(d);
        } else {
            let t = Instant::now();
            while t.elapsed() < d {
                std::hint::spin_loop();
            }
        }
    }
}

/// An `mmap`ed region, unmapped on drop.
#[derive(Debug)]
struct Mapping {
    base: *mut libc::c_void,
    len: usize,
}

impl Drop for Mapping {
    fn drop(&mut self) {
        // SAFETY: `base`/`len` are exactly what mmap returned and nothing uses the mapping after drop
        // (the MmioBus pointing into it is dropped first: it is declared first in the owners below).
        unsafe {
            libc::munmap(self.base, self.len);
        }
    }
}

/// An open file descriptor, closed on drop.
#[derive(Debug)]
struct Fd(libc::c_int);

impl Drop for Fd {
    fn drop(&mut self) {
        // SAFETY: the descriptor is owned by this value and closed once.
        unsafe {
            libc::close(self.0);
        }
    }
}

fn page_size() -> usize {
    // SAFETY: sysconf has no preconditions.
    let p = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    usize::try_from(p).ok().filter(|&p| p > 0).unwrap_or(4096)
}

fn open_fd(path: &Path, flags: libc::c_int) -> Result<Fd, BusError> {
    let c = CString::new(path.as_os_str().as_bytes())
        .map_err(|_| BusError::new(BusErrorKind::Io, None, "device path contains a NUL byte"))?;
    // SAFETY: `c` is a valid NUL-terminated string for the duration of the call.
    let fd = unsafe { libc::open(c.as_ptr(), flags | libc::O_CLOEXEC) };
    if fd < 0 {
        return Err(io_err("open device"));
    }
    Ok(Fd(fd))
}

fn map(fd: &Fd, offset: u64, len: usize) -> Result<Mapping, BusError> {
    let off = libc::off_t::try_from(offset)
        .map_err(|_| BusError::new(BusErrorKind::BadOffset, None, "mmap offset"))?;
    // SAFETY: a fresh shared mapping of an open descriptor; the kernel checks offset and length.
    let p = unsafe {
        libc::mmap(
            core::ptr::null_mut(),
            len,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_SHARED,
            fd.0,
            off,
        )
    };
    if p == libc::MAP_FAILED {
        return Err(io_err("mmap register window"));
    }
    Ok(Mapping { base: p, len })
}

/// The register window of a UIO device (`uio_pdrv_genirq` or similar with the accelerator's
/// AXI window as map 0 and IRQ_F2P as its interrupt).
#[derive(Debug)]
pub struct UioBus {
    // Field order matters: the bus is dropped before the mapping it points into.
    mmio: MmioBus<StdDelay>,
    _map: Mapping,
    fd: Fd,
    irq: bool,
}

// SAFETY: all fields are owned exclusively (mapping, descriptor); moving them between threads is fine.
unsafe impl Send for UioBus {}

impl UioBus {
    /// Opens `/dev/uio{n}`, maps map 0, uses its interrupt.
    pub fn open(n: u32) -> Result<Self, BusError> {
        Self::open_path(Path::new(&std::format!("/dev/uio{n}")), true)
    }

    /// Opens a UIO device node (or, for tests, any file of at least one page) and maps its
    /// first page. `irq`: whether the node delivers interrupts (a UIO node does).
    pub fn open_path(path: &Path, irq: bool) -> Result<Self, BusError> {
        let fd = open_fd(path, libc::O_RDWR | libc::O_SYNC)?;
        let len = page_size().max(satchain_regmap::WINDOW_BYTES as usize);
        let m = map(&fd, 0, len)?;
        // SAFETY: the mapping is at least WINDOW_BYTES long, page aligned, owned by this value and
        // lives as long as `mmio` (dropped after it); no other code in this process maps it.
        let mmio = unsafe { MmioBus::new(m.base.cast::<u32>(), StdDelay)? };
        Ok(UioBus {
            mmio,
            _map: m,
            fd,
            irq,
        })
    }
}

impl Bus for UioBus {
    fn read32(&mut self, offset: u32) -> Result<u32, BusError> {
        self.mmio.read32(offset)
    }
    fn write32(&mut self, offset: u32, value: u32) -> Result<(), BusError> {
        self.mmio.write32(offset, value)
    }
    fn has_irq(&self) -> bool {
        self.irq
    }
    /// Re-arms the UIO interrupt (write 1), then waits for it with `poll` and consumes the
    /// event count with a blocking read.
    fn wait_irq(&mut self, timeout_us: u32) -> Result<bool, BusError> {
        if !self.irq {
            return Err(BusError::unsupported(
                "wait_irq on a UIO bus opened without interrupt",
            ));
        }
        let one: u32 = 1;
        // SAFETY: writes 4 bytes from a live local to our own descriptor.
        let n = unsafe { libc::write(self.fd.0, (&one as *const u32).cast(), 4) };
        if n != 4 {
            return Err(io_err("re-arm UIO interrupt"));
        }
        let mut pfd = libc::pollfd {
            fd: self.fd.0,
            events: libc::POLLIN,
            revents: 0,
        };
        let ms = libc::c_int::try_from(timeout_us.div_ceil(1000)).unwrap_or(libc::c_int::MAX);
        // SAFETY: one valid pollfd for the duration of the call.
        let r = unsafe { libc::poll(&mut pfd, 1, ms) };
        if r < 0 {
            return Err(io_err("poll UIO interrupt"));
        }
        if r == 0 {
            return Ok(false);
        }
        let mut count: u32 = 0;
        // SAFETY: reads 4 bytes into a live local from our own descriptor.
        let n = unsafe { libc::read(self.fd.0, (&mut count as *mut u32).cast(), 4) };
        if n != 4 {
            return Err(io_err("read UIO interrupt count"));
        }
        Ok(true)
    }
    fn pause(&mut self, us: u32) {
        self.mmio.pause(us)
    }
}

/// The register window at a physical address through `/dev/mem` (needs root; no interrupts:
/// use polling mode).
#[derive(Debug)]
pub struct DevMemBus {
    mmio: MmioBus<StdDelay>,
    _map: Mapping,
    _fd: Fd,
}

// SAFETY: all fields are owned exclusively (mapping, descriptor); moving them between threads is fine.
unsafe impl Send for DevMemBus {}

impl DevMemBus {
    /// Maps the window at physical address `base` (e.g. 0x43C0_0000 on GP0).
    pub fn open(base: u64) -> Result<Self, BusError> {
        Self::open_path(Path::new("/dev/mem"), base)
    }

    /// Like [`DevMemBus::open`] on another file (tests use a plain file).
    pub fn open_path(path: &Path, base: u64) -> Result<Self, BusError> {
        if base % 4 != 0 {
            return Err(BusError::new(
                BusErrorKind::BadOffset,
                None,
                "physical base not 4-byte aligned",
            ));
        }
        let fd = open_fd(path, libc::O_RDWR | libc::O_SYNC)?;
        let page = page_size();
        let inner = usize::try_from(base % page as u64)
            .map_err(|_| BusError::new(BusErrorKind::BadOffset, None, "physical base"))?;
        let aligned = base - inner as u64;
        let len = (inner + satchain_regmap::WINDOW_BYTES as usize).div_ceil(page) * page;
        let m = map(&fd, aligned, len)?;
        // SAFETY: `inner + WINDOW_BYTES <= len`, so the window lies inside the mapping, which is owned
        // here and outlives `mmio`; alignment is 4 because base and the page are.
        let mmio = unsafe { MmioBus::new(m.base.cast::<u8>().add(inner).cast::<u32>(), StdDelay)? };
        Ok(DevMemBus {
            mmio,
            _map: m,
            _fd: fd,
        })
    }
}

impl Bus for DevMemBus {
    fn read32(&mut self, offset: u32) -> Result<u32, BusError> {
        self.mmio.read32(offset)
    }
    fn write32(&mut self, offset: u32, value: u32) -> Result<(), BusError> {
        self.mmio.write32(offset, value)
    }
    fn pause(&mut self, us: u32) {
        self.mmio.pause(us)
    }
}

/// A DMA buffer from the `u-dma-buf` kernel module (`/dev/udmabufN`, a physically contiguous
/// buffer, e.g. carved out of a `reserved-memory` node), mapped uncached (`O_SYNC`), its bus
/// address read from `/sys/class/u-dma-buf/udmabufN/phys_addr`. On the Zynq-7000 the HP
/// ports see DDR at its physical address, so that address is what `HASH_DMA_ADDR` takes.
/// Pair it with the register bus: `WithDma::new(UioBus::open(0)?, UdmabufRegion::open("udmabuf0")?)`.
#[derive(Debug)]
pub struct UdmabufRegion {
    map: Mapping,
    _fd: Fd,
    bus_addr: u64,
}

// SAFETY: the mapping and descriptor are owned exclusively; moving them between threads is fine.
unsafe impl Send for UdmabufRegion {}

fn read_sysfs_u64(path: &Path) -> Result<u64, BusError> {
    let s = std::fs::read_to_string(path)
        .map_err(|_| BusError::new(BusErrorKind::Io, None, "read u-dma-buf sysfs attribute"))?;
    let t = s.trim();
    let v = match t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        Some(h) => u64::from_str_radix(h, 16),
        None => t.parse(),
    };
    v.map_err(|_| BusError::new(BusErrorKind::Io, None, "parse u-dma-buf sysfs attribute"))
}

impl UdmabufRegion {
    /// Opens `/dev/{name}` with the size and physical address from
    /// `/sys/class/u-dma-buf/{name}/{size,phys_addr}`.
    pub fn open(name: &str) -> Result<Self, BusError> {
        Self::open_in(Path::new("/sys"), Path::new("/dev"), name)
    }

    /// [`UdmabufRegion::open`] with other sysfs and `/dev` roots: reads
    /// `{sysfs}/class/u-dma-buf/{name}/{size,phys_addr}` and maps `{dev}/{name}` (tests use a
    /// fake tree; `satchain-fpga`'s board opener takes the roots as options).
    pub fn open_in(sysfs: &Path, dev: &Path, name: &str) -> Result<Self, BusError> {
        let sys = sysfs.join("class/u-dma-buf").join(name);
        let len = read_sysfs_u64(&sys.join("size"))?;
        let bus_addr = read_sysfs_u64(&sys.join("phys_addr"))?;
        Self::open_path(&dev.join(name), bus_addr, len)
    }

    /// Maps `len` bytes of a device node (or, for tests, a file) whose memory the accelerator
    /// sees at `bus_addr`.
    pub fn open_path(path: &Path, bus_addr: u64, len: u64) -> Result<Self, BusError> {
        let len = usize::try_from(len)
            .ok()
            .filter(|&l| l > 0)
            .ok_or(BusError::new(BusErrorKind::Io, None, "DMA buffer size"))?;
        let fd = open_fd(path, libc::O_RDWR | libc::O_SYNC)?;
        let map = map(&fd, 0, len)?;
        Ok(UdmabufRegion {
            map,
            _fd: fd,
            bus_addr,
        })
    }

    fn bytes(&self) -> &[u8] {
        // SAFETY: the mapping is `len` bytes, readable and writable, owned by this value and
        // alive as long as it; the device only reads it.
        unsafe { core::slice::from_raw_parts(self.map.base.cast::<u8>(), self.map.len) }
    }

    fn bytes_mut(&mut self) -> &mut [u8] {
        // SAFETY: as in `bytes`, and `&mut self` makes this the only CPU view in use.
        unsafe { core::slice::from_raw_parts_mut(self.map.base.cast::<u8>(), self.map.len) }
    }
}

impl crate::dma::DmaRegion for UdmabufRegion {
    fn bus_addr(&self) -> u64 {
        self.bus_addr
    }
    fn len(&self) -> usize {
        self.map.len
    }
    fn write(&mut self, offset: usize, data: &[u8]) -> Result<(), crate::dma::DmaError> {
        let end = crate::dma::check_range(offset, data.len(), self.map.len)?;
        self.bytes_mut()[offset..end].copy_from_slice(data);
        Ok(())
    }
    fn read(&self, offset: usize, out: &mut [u8]) -> Result<(), crate::dma::DmaError> {
        let end = crate::dma::check_range(offset, out.len(), self.map.len)?;
        out.copy_from_slice(&self.bytes()[offset..end]);
        Ok(())
    }
}
