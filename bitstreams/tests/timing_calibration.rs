//! The calibration holds: the reference block (`satchain_hdl::calib::CalibSha256`, the
//! textbook SHA-256 round of secworks/sha256) synthesized by the flow's yosys script and timed
//! with the committed net delay lands within ±10 % of the published 116 MHz
//! (xc7z030fbg676-1). Uses the flow's cache in `target/synth/cache` (keyed by the Verilog), so
//! after `bash bitstreams/synth.sh` (or a previous run) no synthesis is repeated.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use bitstreams::timing::{calibration::TOLERANCE, Calibration};
use bitstreams::{flow, FlowOptions};
use std::path::Path;
use std::process::Command;

#[test]
fn reference_lands_within_tolerance_of_116_mhz() {
    let yosys_ok = Command::new("yosys")
        .arg("-V")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    assert!(yosys_ok, "yosys is not installed: apt-get install -y yosys");
    let cal = Calibration::shipped().unwrap();
    assert_eq!(cal.block, satchain_hdl::calib::GEN_NAME);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = root.join(bitstreams::DEFAULT_OUT_DIR);
    let rtl = out.join("calib-test");
    std::fs::create_dir_all(&rtl).unwrap();
    let file = rtl.join(format!("{}.v", cal.block));
    std::fs::write(&file, satchain_hdl::calib::verilog()).unwrap();
    let mut opts = FlowOptions::new(&rtl, &out);
    opts.verbose = false;
    let version = flow::yosys_version("yosys").unwrap();
    let b = flow::synth_file(&opts, &version, &file, Some(cal.net)).unwrap();
    let t = b
        .timing
        .as_ref()
        .unwrap_or_else(|| panic!("{:?}", b.timing_error));
    let d = t.domain("clock").unwrap();
    let err = cal.error(d.mhz);
    eprintln!(
        "calibration: model {:.2} MHz for {} vs {} MHz published ({:+.2} %), net {} ns/hop",
        d.mhz,
        cal.reference,
        cal.reference_mhz,
        100.0 * err,
        cal.net.base_ns
    );
    assert!(err.abs() <= TOLERANCE, "model {} MHz, error {err}", d.mhz);
    // Netlist names and `src` attributes carry the source file and line, never the checkout's
    // directory (yosys reads the file by name from its own directory), so reports do not
    // depend on the machine that synthesized.
    let k = flow::cache_key(&version, &std::fs::read_to_string(&file).unwrap());
    let il = out
        .join("cache")
        .join(format!("{}-{}.il", cal.block, &k[..16]));
    let il = std::fs::read_to_string(&il).unwrap();
    let dir = std::path::absolute(&rtl).unwrap();
    let dir = dir.to_string_lossy();
    assert!(
        il.contains(&format!("\"{}.v:", cal.block)),
        "no source-located names in the netlist"
    );
    assert!(!il.contains(&*dir), "the netlist names {dir}");
    // The path is the round's: schedule adders, the W multiplexer, T1, a' (a chain of adder
    // segments with LUT levels between them), not some side path.
    assert!(d.path.levels.carry4 >= 8, "{:?}", d.path.levels);
    assert!(d.path.levels.lut >= 6, "{:?}", d.path.levels);
    assert!(
        d.path.levels.muxf >= 1,
        "the W[t] multiplexer: {:?}",
        d.path.levels
    );
}
