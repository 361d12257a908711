//! `open_board` and its discovery against a fake sysfs and `/dev` tree in a temporary
//! directory: the UIO device found by its device-tree name among others, the errors when it is
//! missing or ambiguous, the u-dma-buf buffer (automatic, named, off, broken), and the whole
//! open on a "device" that is a plain file (its ID register reads 0, so the driver refuses it:
//! with the default policy the backend runs in software, with `FaultPolicy::Error` the open
//! fails with a typed error).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use accel_driver::WaitMode;
use crypto_core::backend::{Backend, HashJob};
use fallback_sw::SoftwareBackend;
use satchain_fpga::{
    find_uio, open_board, open_board_bus, BoardError, BoardOptions, DmaBuffer, FaultPolicy,
    UioDevice, DT_NAME,
};
use sha2::{Digest, Sha256};

/// A fresh directory under the system temp dir, removed on drop.
struct Tree(PathBuf);

impl Tree {
    fn new() -> Self {
        static N: AtomicU32 = AtomicU32::new(0);
        let p = std::env::temp_dir().join(format!(
            "satchain-fpga-board-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = fs::remove_dir_all(&p);
        fs::create_dir_all(p.join("sys/class")).unwrap();
        fs::create_dir_all(p.join("dev")).unwrap();
        Tree(p)
    }
    fn sys(&self) -> PathBuf {
        self.0.join("sys")
    }
    fn dev(&self) -> PathBuf {
        self.0.join("dev")
    }
    /// `sys/class/uio/uio{n}/name` (with the kernel's trailing newline) and, with `node`, a
    /// one-page `dev/uio{n}` that can be mapped.
    fn uio(&self, n: u32, name: Option<&str>, node: bool) {
        let d = self.sys().join(format!("class/uio/uio{n}"));
        fs::create_dir_all(&d).unwrap();
        if let Some(name) = name {
            fs::write(d.join("name"), format!("{name}\n")).unwrap();
        }
        if node {
            fs::write(self.dev().join(format!("uio{n}")), vec![0u8; 65536]).unwrap();
        }
    }
    /// A u-dma-buf buffer: sysfs `size` and `phys_addr`, and its node.
    fn udmabuf(&self, name: &str, size: &str, phys: &str, node_len: usize) {
        let d = self.sys().join("class/u-dma-buf").join(name);
        fs::create_dir_all(&d).unwrap();
        fs::write(d.join("size"), format!("{size}\n")).unwrap();
        fs::write(d.join("phys_addr"), format!("{phys}\n")).unwrap();
        fs::write(self.dev().join(name), vec![0u8; node_len]).unwrap();
    }
    fn opts(&self) -> BoardOptions {
        BoardOptions {
            sysfs: self.sys(),
            dev: self.dev(),
            ..BoardOptions::default()
        }
    }
}

impl Drop for Tree {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

#[test]
fn board_find_uio_picks_the_device_named_satchain() {
    let t = Tree::new();
    t.uio(0, Some("other-device"), false);
    t.uio(2, None, false); // no name attribute: skipped, listed as unknown
    t.uio(7, Some(DT_NAME), false);
    t.uio(11, Some("satchain-not"), false);
    fs::create_dir_all(t.sys().join("class/uio/not-a-uio")).unwrap();
    assert_eq!(find_uio(&t.sys(), DT_NAME).unwrap(), 7);
    assert_eq!(find_uio(&t.sys(), "other-device").unwrap(), 0);
}

#[test]
fn board_find_uio_reports_what_it_found_when_nothing_matches() {
    let t = Tree::new();
    t.uio(0, Some("gpio"), false);
    t.uio(1, Some("xadc"), false);
    match find_uio(&t.sys(), DT_NAME) {
        Err(e @ BoardError::UioNotFound { .. }) => {
            let BoardError::UioNotFound { ref found, .. } = e else {
                unreachable!()
            };
            assert_eq!(found, &["uio0=gpio".to_string(), "uio1=xadc".to_string()]);
            let text = e.to_string();
            assert!(
                text.contains("\"satchain\"") && text.contains("uio1=xadc"),
                "{text}"
            );
        }
        other => panic!("expected UioNotFound, got {other:?}"),
    }
}

#[test]
fn board_find_uio_without_uio_class_is_not_found() {
    let t = Tree::new();
    match find_uio(&t.sys(), DT_NAME) {
        Err(BoardError::UioNotFound { found, dir, .. }) => {
            assert!(found.is_empty());
            assert!(dir.ends_with("class/uio"));
        }
        other => panic!("expected UioNotFound, got {other:?}"),
    }
}

#[test]
fn board_find_uio_two_devices_with_the_name_are_ambiguous() {
    let t = Tree::new();
    t.uio(3, Some(DT_NAME), false);
    t.uio(1, Some(DT_NAME), false);
    match find_uio(&t.sys(), DT_NAME) {
        Err(BoardError::UioAmbiguous { devices, .. }) => assert_eq!(devices, vec![1, 3]),
        other => panic!("expected UioAmbiguous, got {other:?}"),
    }
}

#[test]
fn board_defaults_are_irq_named_uio_and_auto_dma() {
    let o = BoardOptions::default();
    assert_eq!(o.fpga.driver.wait, WaitMode::Irq);
    assert_eq!(o.uio, UioDevice::Named(DT_NAME.into()));
    assert_eq!(o.dma, DmaBuffer::Auto);
    assert_eq!(o.sysfs, Path::new("/sys"));
    assert_eq!(o.dev, Path::new("/dev"));
}

#[test]
fn board_bus_maps_the_found_uio_and_the_auto_dma_buffer() {
    let t = Tree::new();
    t.uio(0, Some("other"), true);
    t.uio(4, Some(DT_NAME), true);
    // Without a udmabuf0 in sysfs, Auto means no DMA.
    let bus = open_board_bus(&t.opts()).unwrap();
    assert!(!bus.has_dma());
    t.udmabuf("udmabuf0", "65536", "0x1f000000", 65536);
    let bus = open_board_bus(&t.opts()).unwrap();
    assert!(bus.has_dma());
    // Off ignores it; a named buffer is used.
    let off = BoardOptions {
        dma: DmaBuffer::Off,
        ..t.opts()
    };
    assert!(!open_board_bus(&off).unwrap().has_dma());
    t.udmabuf("udmabuf3", "4096", "268435456", 4096);
    let named = BoardOptions {
        dma: DmaBuffer::Named("udmabuf3".into()),
        ..t.opts()
    };
    assert!(open_board_bus(&named).unwrap().has_dma());
}

#[test]
fn board_bus_errors_are_typed() {
    let t = Tree::new();
    t.uio(0, Some(DT_NAME), false); // in sysfs, but no node in dev
    match open_board_bus(&t.opts()) {
        Err(BoardError::OpenUio { path, .. }) => assert!(path.ends_with("dev/uio0")),
        other => panic!("expected OpenUio, got {other:?}"),
    }
    t.uio(0, Some(DT_NAME), true);
    let missing = BoardOptions {
        dma: DmaBuffer::Named("udmabuf9".into()),
        ..t.opts()
    };
    assert!(matches!(
        open_board_bus(&missing),
        Err(BoardError::OpenDma { ref name, .. }) if name == "udmabuf9"
    ));
    t.udmabuf("udmabuf0", "65536", "not-a-number", 65536);
    assert!(matches!(
        open_board_bus(&t.opts()),
        Err(BoardError::OpenDma { .. })
    ));
    for bad in ["", "..", "../udmabuf0", "a/b"] {
        let o = BoardOptions {
            dma: DmaBuffer::Named(bad.into()),
            ..t.opts()
        };
        assert!(
            matches!(open_board_bus(&o), Err(BoardError::BadName { .. })),
            "{bad:?}"
        );
    }
    let o = BoardOptions {
        uio: UioDevice::Named("../x".into()),
        ..t.opts()
    };
    assert!(matches!(
        open_board_bus(&o),
        Err(BoardError::BadName { .. })
    ));
    // By number: sysfs is not consulted.
    let o = BoardOptions {
        uio: UioDevice::Number(0),
        sysfs: t.0.join("no-sysfs-here"),
        dma: DmaBuffer::Off,
        ..t.opts()
    };
    assert!(open_board_bus(&o).is_ok());
}

#[test]
fn board_open_on_a_device_that_is_not_the_accelerator() {
    let t = Tree::new();
    t.uio(2, Some(DT_NAME), true);
    t.udmabuf("udmabuf0", "65536", "0x1f000000", 65536);
    // Default policy (Fallback): the ID register reads 0, the device is out of service and
    // every job runs in software, with the right answers.
    let be = open_board(&t.opts(), SoftwareBackend::single_thread()).unwrap();
    assert!(!be.device_in_service());
    let why = be.disabled_reason().expect("a reason");
    assert!(!why.is_empty());
    let d = be.hash_batch(&[HashJob::sha256(b"abc".to_vec())]).unwrap();
    assert_eq!(d[0], <[u8; 32]>::from(Sha256::digest(b"abc")));
    assert_eq!(be.stats().fallback_jobs, 1);
    // FaultPolicy::Error: the open itself fails, typed.
    let mut strict = t.opts();
    strict.fpga.policy = FaultPolicy::Error;
    match open_board(&strict, SoftwareBackend::single_thread()) {
        Err(BoardError::Backend(e)) => assert!(!e.to_string().is_empty()),
        other => panic!("expected a backend error, got {:?}", other.err()),
    }
}
