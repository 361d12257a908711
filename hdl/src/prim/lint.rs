//! `verilator --lint-only -Wall` of a block's generated Verilog, every warning fatal: the one
//! way every "it lints clean" test runs the linter (the unit tests of `calib`, `ecdsa::modmul`
//! and `vcore::fmul`, verif's SU and Recoder tests), so the flags and the waiver file are the
//! same for all of them and for the Verilator models verif builds.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The project's waiver file (`verif/lint-waivers.vlt`, each waiver with its reason).
pub fn waiver_file() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../verif/lint-waivers.vlt")
}

/// Writes `verilog` to `<workspace>/target/<dir>/<file>.v` (left there for yosys and for a
/// reader) and lints it with the project's waivers plus `extra_waivers`. `Ok(path)` when
/// verilator exits 0 and prints no `%Warning`; otherwise `Err` with verilator's messages.
pub fn verilator_lint(
    dir: &str,
    file: &str,
    verilog: &str,
    extra_waivers: &[PathBuf],
) -> Result<PathBuf, String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../target")
        .join(dir);
    std::fs::create_dir_all(&dir).map_err(|e| format!("mkdir {}: {e}", dir.display()))?;
    let path = dir.join(format!("{file}.v"));
    std::fs::write(&path, verilog).map_err(|e| format!("write {}: {e}", path.display()))?;
    let out = Command::new("verilator")
        .args([
            "--lint-only",
            "-Wall",
            "-Wno-DECLFILENAME",
            "--top-module",
            "top",
        ])
        .arg(waiver_file())
        .args(extra_waivers)
        .arg(&path)
        .output()
        .map_err(|e| {
            format!("cannot run verilator ({e}); install it: apt-get install -y verilator")
        })?;
    let msg = String::from_utf8_lossy(&out.stderr);
    if out.status.success() && !msg.contains("%Warning") {
        Ok(path)
    } else {
        Err(format!("verilator lint of {}:\n{msg}", path.display()))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::verilator_lint;

    /// The helper fails on a warning: an input nobody reads is UNUSEDSIGNAL under -Wall.
    #[test]
    fn lint_reports_a_warning_as_failure() {
        let bad =
            "module top(input wire a, input wire b, output wire y);\n  assign y = a;\nendmodule\n";
        let err = verilator_lint("lint-selftest", "unused_input", bad, &[]).unwrap_err();
        assert!(err.contains("UNUSED"), "{err}");
        let good = "module top(input wire a, output wire y);\n  assign y = a;\nendmodule\n";
        assert!(verilator_lint("lint-selftest", "clean", good, &[]).is_ok());
    }
}
