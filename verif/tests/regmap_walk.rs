//! Register-map walk over AXI4-Lite on the Verilated tops (the shipped ring top and the engine
//! top): every register of
//! `satchain_regmap::REGISTERS` returns its constant / reset value, WO registers read 0, RW
//! registers hold what is written (within their fields), unmapped addresses answer SLVERR and
//! latch ERROR.BadAddress.

use accel_driver::Bus;
use verif::VerilatorBus;

/// AXI responses.
const OKAY: u64 = 0;
const SLVERR: u64 = 2;
use satchain_hdl::top::{caps_value, ring_caps_value, DEFAULT_ENGINES};
use satchain_regmap::{self as rm, field, reg, Access, REGISTERS};

fn live(r: &rm::Register) -> bool {
    // Values that depend on the running hardware, checked by their semantics below.
    r.name == "STATUS" || r.name == "CYCLES"
}

/// Reads every register of `model` after reset: constants, reset values, WO registers 0,
/// STATUS = `ready` once the design is idle, CYCLES counting, CAPS = `caps`.
fn walk_reset_and_constant_values(model: &str, caps: u32, ready: u32) {
    let mut a = VerilatorBus::open_design(model).expect("model");
    for r in REGISTERS {
        let (v, resp) = a.read_with_resp(r.offset).unwrap();
        assert_eq!(resp, OKAY, "{model}: {} read: SLVERR", r.name);
        if live(r) {
            continue;
        }
        let want = match r.name {
            "ID" => rm::ID_VALUE,
            "VERSION" => rm::VERSION_VALUE,
            "MAP_HASH" => rm::MAP_HASH,
            "CAPS" => caps,
            _ => r.reset,
        };
        assert_eq!(
            v, want,
            "{model}: {} @ {:#x}: read {v:#x}, want {want:#x}",
            r.name, r.offset
        );
        if r.access == Access::Wo {
            assert_eq!(v, 0, "{model}: WO register {} must read 0", r.name);
        }
    }
    // STATUS once idle (the ring top's core finishes its own reset first: ECDSA_BUSY for a
    // few hundred clocks): ready for what the design has, nothing pending, no error.
    let mut s = a.read32(reg::STATUS.offset).unwrap();
    for _ in 0..100 {
        if field::STATUS::ECDSA_BUSY.get(s) == 0 {
            break;
        }
        a.steps(100);
        s = a.read32(reg::STATUS.offset).unwrap();
    }
    assert_eq!(s, ready, "{model}: STATUS {s:#x}");
    // CYCLES counts clock cycles.
    let c0 = a.read32(reg::CYCLES.offset).unwrap();
    a.steps(100);
    let c1 = a.read32(reg::CYCLES.offset).unwrap();
    assert!(
        c1.wrapping_sub(c0) >= 100 && c1.wrapping_sub(c0) < 120,
        "{model}: CYCLES {c0} -> {c1}"
    );
    // CAPS fields agree with the configuration.
    let c = a.read32(reg::CAPS.offset).unwrap();
    assert_eq!(
        field::CAPS::HASH_UNITS.get(c) as usize,
        satchain_hdl::sha256::DEFAULT_UNITS
    );
    assert_eq!(field::CAPS::HASH_MODES.get(c), 0x0F);
    assert_eq!(field::CAPS::HASH_DMA.get(c), 1);
}

/// The shipped top: the verify-job rings (CAPS.VERIFY_RING), no register-fed engine.
#[test]
fn regmap_walk_reset_and_constant_values() {
    let units = satchain_hdl::sha256::DEFAULT_UNITS as u32;
    let caps = ring_caps_value(units);
    assert_eq!(field::CAPS::VERIFY_RING.get(caps), 1);
    assert_eq!(field::CAPS::ECDSA_ENGINES.get(caps), 0);
    walk_reset_and_constant_values(
        verif::bus::TOP_MODEL,
        caps,
        field::STATUS::HASH_READY.mask() | field::STATUS::HASH_DMA_READY.mask(),
    );
}

/// The engine top: DEFAULT_ENGINES engines behind the ECDSA registers.
#[test]
fn regmap_walk_engine_top_reset_and_constant_values() {
    let units = satchain_hdl::sha256::DEFAULT_UNITS as u32;
    let caps = caps_value(units, DEFAULT_ENGINES as u32);
    assert_eq!(
        field::CAPS::ECDSA_ENGINES.get(caps) as usize,
        DEFAULT_ENGINES
    );
    walk_reset_and_constant_values(
        verif::bus::ENGINE_TOP_MODEL,
        caps,
        field::STATUS::HASH_READY.mask()
            | field::STATUS::HASH_DMA_READY.mask()
            | field::STATUS::ECDSA_READY.mask(),
    );
}

#[test]
fn regmap_walk_access_semantics() {
    let mut a = VerilatorBus::open_design("top_hash").expect("model");
    // RO registers ignore writes.
    for r in REGISTERS
        .iter()
        .filter(|r| r.access == Access::Ro && !live(r))
    {
        let before = a.read32(r.offset).unwrap();
        assert_eq!(a.write_with_resp(r.offset, !before).unwrap(), OKAY);
        assert_eq!(
            a.read32(r.offset).unwrap(),
            before,
            "RO register {} changed on write",
            r.name
        );
    }
    // IRQ_ENABLE holds its 3 field bits.
    a.write32(reg::IRQ_ENABLE.offset, 0xFFFF_FFFF).unwrap();
    let m = field::IRQ_ENABLE::HASH_DONE.mask()
        | field::IRQ_ENABLE::ECDSA_DONE.mask()
        | field::IRQ_ENABLE::ERROR.mask();
    assert_eq!(a.read32(reg::IRQ_ENABLE.offset).unwrap(), m);
    a.write32(reg::IRQ_ENABLE.offset, 0).unwrap();
    assert_eq!(a.read32(reg::IRQ_ENABLE.offset).unwrap(), 0);
    // CTRL reads 0 (SOFT_RESET self-clears).
    a.write32(reg::CTRL.offset, field::CTRL::SOFT_RESET.mask())
        .unwrap();
    assert_eq!(a.read32(reg::CTRL.offset).unwrap(), 0);
    // ERROR: any write clears; IRQ_STATUS: W1C.
    a.write32(reg::HASH_POP.offset, 1).unwrap(); // pop on empty -> ResultUnderflow
    let e = a.read32(reg::ERROR.offset).unwrap();
    assert_eq!(
        field::ERROR::CODE.get(e),
        rm::ErrorCode::ResultUnderflow as u32
    );
    assert_eq!(
        field::IRQ_STATUS::ERROR.get(a.read32(reg::IRQ_STATUS.offset).unwrap()),
        1
    );
    a.write32(reg::ERROR.offset, 0).unwrap();
    assert_eq!(a.read32(reg::ERROR.offset).unwrap(), 0);
    a.write32(reg::IRQ_STATUS.offset, field::IRQ_STATUS::ERROR.mask())
        .unwrap();
    assert_eq!(a.read32(reg::IRQ_STATUS.offset).unwrap(), 0);
}

#[test]
fn regmap_unmapped_addresses_slverr_and_bad_address() {
    let mut a = VerilatorBus::open_design("top_hash").expect("model");
    let mut n = 0;
    for off in (0..rm::WINDOW_BYTES).step_by(4) {
        if rm::by_offset(off).is_some() {
            continue;
        }
        n += 1;
        let (v, r) = a.read_with_resp(off).unwrap();
        assert_eq!((v, r), (0, SLVERR), "read of unmapped {off:#x}");
        let e = a.read32(reg::ERROR.offset).unwrap();
        assert_eq!(
            field::ERROR::CODE.get(e),
            rm::ErrorCode::BadAddress as u32,
            "after read of {off:#x}"
        );
        a.write32(reg::ERROR.offset, 0).unwrap();
        assert_eq!(
            a.write_with_resp(off, 0x1234).unwrap(),
            SLVERR,
            "write to unmapped {off:#x}"
        );
        let e = a.read32(reg::ERROR.offset).unwrap();
        assert_eq!(
            field::ERROR::CODE.get(e),
            rm::ErrorCode::BadAddress as u32,
            "after write to {off:#x}"
        );
        a.write32(reg::ERROR.offset, 0).unwrap();
    }
    // Unaligned addresses are unmapped too.
    assert_eq!(a.read_with_resp(reg::ID.offset + 1).unwrap().1, SLVERR);
    assert!(n > 0);
}
