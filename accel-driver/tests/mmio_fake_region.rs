#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::cast_possible_truncation,
    clippy::drop_non_drop
)]
//! The MMIO path on the host: `MmioBus` over a heap buffer standing in for the mapped
//! page, and `UioBus`/`DevMemBus` over a plain file through the real `mmap` code.

use std::io::Write;

use accel_driver::linux::{DevMemBus, StdDelay, UioBus};
use accel_driver::mmio::MmioBus;
use accel_driver::regmap::{field, reg, HashMode, ID_VALUE, MAP_HASH, VERSION_VALUE};
use accel_driver::{Accel, Bus, Config, DriverError, HashReq};

fn idx(off: u32) -> usize {
    (off / 4) as usize
}

/// A page that looks like an idle accelerator with one finished hash result (tag 0) waiting.
fn fake_page() -> Vec<u32> {
    let mut m = vec![0u32; 1024];
    m[idx(reg::ID.offset)] = ID_VALUE;
    m[idx(reg::VERSION.offset)] = VERSION_VALUE;
    m[idx(reg::MAP_HASH.offset)] = MAP_HASH;
    m[idx(reg::CAPS.offset)] = field::CAPS::HASH_UNITS.put(2)
        | field::CAPS::ECDSA_ENGINES.put(1)
        | field::CAPS::HASH_MODES.put(0xF);
    m[idx(reg::STATUS.offset)] =
        field::STATUS::HASH_READY.mask() | field::STATUS::HASH_RESULT_VALID.mask();
    m[idx(reg::HASH_RESULT.offset)] = field::HASH_RESULT::VALID.put(1);
    for k in 0..8 {
        m[idx(reg::HASH_DIGEST0.offset) + k] = 0x0101_0101 * (k as u32 + 1);
    }
    m
}

#[test]
fn mmio_over_heap_buffer_runs_open_and_a_hash_job() {
    let mut mem = fake_page();
    // SAFETY: `mem` is a live, aligned 4 KiB buffer that nothing else touches while `bus` lives.
    let bus = unsafe { MmioBus::new(mem.as_mut_ptr(), StdDelay) }.unwrap();
    // The static page always shows a finished result: do not re-read STATUS between data words.
    let cfg = Config {
        hash_words_per_ready: 0,
        ..Config::default()
    };
    let mut a = Accel::open(bus, cfg).unwrap();
    assert_eq!(a.caps().hash_units, 2);
    let data: Vec<u8> = (0..80u8).collect();
    let mut out = [None];
    a.hash_batch(
        &[HashReq {
            mode: HashMode::Header80,
            data: &data,
        }],
        &mut out,
    )
    .unwrap();
    let want: Vec<u8> = (1..=8u8).flat_map(|k| [k; 4]).collect();
    assert_eq!(out[0].unwrap().to_vec(), want);
    let c = a.counters();
    drop(a);
    // The volatile stores landed at the regmap offsets: the command word and the last data word.
    let cmd = mem[idx(reg::HASH_CMD.offset)];
    assert_eq!(field::HASH_CMD::LEN.get(cmd), 80);
    assert_eq!(field::HASH_CMD::MODE.get(cmd), HashMode::Header80 as u32);
    assert_eq!(
        mem[idx(reg::HASH_DATA.offset)],
        u32::from_be_bytes([76, 77, 78, 79])
    );
    assert_eq!(mem[idx(reg::CTRL.offset)], 1, "open() soft-resets");
    assert!(c.writes >= 22);
}

#[test]
fn mmio_open_refuses_foreign_map_hash() {
    let mut mem = fake_page();
    mem[idx(reg::MAP_HASH.offset)] = 0x1234_5678;
    // SAFETY: as above.
    let bus = unsafe { MmioBus::new(mem.as_mut_ptr(), StdDelay) }.unwrap();
    let e = Accel::open(bus, Config::default()).unwrap_err();
    assert_eq!(
        e,
        DriverError::BitstreamMismatch {
            expected: MAP_HASH,
            found: 0x1234_5678
        }
    );
}

fn page_file(name: &str, lead_pages: usize) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("accel-driver-{}-{name}", std::process::id()));
    let mut f = std::fs::File::create(&dir).unwrap();
    f.write_all(&vec![0u8; 4096 * lead_pages]).unwrap();
    for w in fake_page() {
        f.write_all(&w.to_ne_bytes()).unwrap();
    }
    dir
}

#[test]
fn uio_mapping_of_a_file_reads_and_writes_through_mmap() {
    let p = page_file("uio", 0);
    let bus = UioBus::open_path(&p, false).unwrap();
    let mut a = Accel::open(bus, Config::default()).unwrap();
    assert_eq!(a.caps().ecdsa_engines, 1);
    a.bus_mut().write32(reg::IRQ_ENABLE.offset, 5).unwrap();
    assert!(
        a.bus_mut().wait_irq(10).is_err(),
        "no interrupt on a file opened without irq"
    );
    drop(a);
    let bytes = std::fs::read(&p).unwrap();
    let w =
        |off: u32| u32::from_ne_bytes(bytes[off as usize..off as usize + 4].try_into().unwrap());
    assert_eq!(
        w(reg::IRQ_ENABLE.offset),
        5,
        "MAP_SHARED store reached the file"
    );
    assert_eq!(w(reg::CTRL.offset), 1);
    std::fs::remove_file(p).unwrap();
}

#[test]
fn devmem_mapping_at_unaligned_base_inside_a_page() {
    // The window at file offset 4096 + 0: base not page aligned relative to 0 is handled.
    let p = page_file("devmem", 1);
    let mut bus = DevMemBus::open_path(&p, 4096).unwrap();
    assert_eq!(bus.read32(reg::ID.offset).unwrap(), ID_VALUE);
    assert_eq!(bus.read32(reg::MAP_HASH.offset).unwrap(), MAP_HASH);
    assert!(DevMemBus::open_path(&p, 4097).is_err());
    assert!(DevMemBus::open(0x4000_0000).is_err() || std::path::Path::new("/dev/mem").exists());
    std::fs::remove_file(p).unwrap();
}

#[test]
fn udmabuf_region_maps_a_file_and_bounds_checks() {
    use accel_driver::linux::UdmabufRegion;
    use accel_driver::{DmaError, DmaRegion};
    let path = std::env::temp_dir().join(format!("satchain-udmabuf-{}", std::process::id()));
    std::fs::File::create(&path)
        .unwrap()
        .write_all(&vec![0u8; 8192])
        .unwrap();
    let mut r = UdmabufRegion::open_path(&path, 0x1f00_0000, 8192).unwrap();
    assert_eq!(r.bus_addr(), 0x1f00_0000);
    assert_eq!(r.len(), 8192);
    r.write(4090, b"satchain").unwrap();
    let mut b = [0u8; 8];
    r.read(4090, &mut b).unwrap();
    assert_eq!(&b, b"satchain");
    assert!(matches!(
        r.write(8190, b"xyz"),
        Err(DmaError::OutOfRange { .. })
    ));
    drop(r);
    // What the device would read: the bytes are in the backing file.
    let f = std::fs::read(&path).unwrap();
    assert_eq!(&f[4090..4098], b"satchain");
    let _ = std::fs::remove_file(&path);
}
