//! The board CLI (`--no-default-features`) links no simulation, synthesis or HDL crate; the
//! default build does (so this test would see them if a feature leaked).
#![allow(clippy::expect_used)] // a cargo that cannot run is a setup error of the test

use std::process::Command;

/// Crates of the development build only: Verilator (verif), yosys (bitstreams), the HDL.
const HOST_ONLY: &[&str] = &["verif", "bitstreams", "satchain-hdl", "rust-hdl"];

/// Package names in `cargo tree -p satchain-cli` (normal and build dependencies, the host
/// target's), with `extra` flags.
fn tree(extra: &[&str]) -> Vec<String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "tree",
            "--offline",
            "--locked",
            "-p",
            "satchain-cli",
            "-e",
            "normal,build",
            "--prefix",
            "none",
            "--format",
            "{p}",
        ])
        .args(extra)
        .output()
        .expect("run cargo tree");
    assert!(
        out.status.success(),
        "cargo tree failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_string)
        .collect()
}

fn host_only_in(names: &[String]) -> Vec<&'static str> {
    HOST_ONLY
        .iter()
        .copied()
        .filter(|h| {
            names
                .iter()
                .any(|n| n == h || n.starts_with(&format!("{h}-")))
        })
        .collect()
}

#[test]
fn board_cli_tree_has_no_simulation_synthesis_or_hdl_crate() {
    let board = tree(&["--no-default-features"]);
    assert!(
        board.iter().any(|n| n == "crypto-core")
            && board.iter().any(|n| n == "satchain-fpga")
            && board.iter().any(|n| n == "accel-driver"),
        "the board CLI links crypto-core, the FPGA backend and the driver: {board:?}"
    );
    assert_eq!(
        host_only_in(&board),
        Vec::<&str>::new(),
        "host-only crates in the board CLI"
    );
    let dev = tree(&[]);
    assert_eq!(
        host_only_in(&dev),
        HOST_ONLY.to_vec(),
        "the default build has sim and hw-report"
    );
}
