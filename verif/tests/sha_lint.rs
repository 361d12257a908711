//! Lint of every file `gen-verilog` writes (`satchain_hdl::catalog::gen_files()`): Verilator
//! `--lint-only -Wall` with all warnings fatal (WIDTH included), with the waivers and
//! scheduling hints of `verif/lint-waivers.vlt` and the FieldMul's `hdl/src/vcore/fmul/lint.vlt`
//! (each with its reason) and nothing else.

use std::path::PathBuf;
use std::process::Command;

#[test]
fn sha_lint_all_generated_files_wall_clean() {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let waivers = manifest.join("lint-waivers.vlt");
    assert!(waivers.exists(), "missing {}", waivers.display());
    // The FieldMul's own waivers (signal-name matches, each with its reason): the shipped top
    // holds a VerifyCore and so its FieldMul.
    let fmul_waivers = manifest.join("../hdl/src/vcore/fmul/lint.vlt");
    assert!(fmul_waivers.exists(), "missing {}", fmul_waivers.display());
    let dir = manifest.join("../target/lint-generated");
    std::fs::create_dir_all(&dir).expect("mkdir");
    let mut failures = Vec::new();
    // Building the top recurses deeply in rust-hdl: use a big stack.
    let files = std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(satchain_hdl::catalog::gen_files)
        .expect("spawn")
        .join()
        .expect("gen_files");
    assert!(files.iter().any(|f| f.name == "top"));
    for f in &files {
        let path = dir.join(format!("{}.v", f.name));
        std::fs::write(&path, &f.verilog).expect("write verilog");
        let out = Command::new("verilator")
            .arg("--lint-only")
            .arg("-Wall")
            .arg("-Wno-DECLFILENAME")
            .arg("--top-module")
            .arg("top")
            .arg(&waivers)
            .arg(&fmul_waivers)
            .arg(&path)
            .output()
            .unwrap_or_else(|e| {
                panic!("cannot run verilator ({e}); install it: apt-get install -y verilator")
            });
        let stderr = String::from_utf8_lossy(&out.stderr);
        if !out.status.success() || stderr.contains("%Warning") || stderr.contains("%Error") {
            let first: Vec<&str> = stderr
                .lines()
                .filter(|l| l.starts_with('%'))
                .take(20)
                .collect();
            failures.push(format!(
                "{}.v ({}):\n  {}",
                f.name,
                f.doc,
                first.join("\n  ")
            ));
        } else {
            println!("{}.v: lint clean", f.name);
        }
    }
    assert!(
        failures.is_empty(),
        "verilator -Wall findings:\n{}",
        failures.join("\n")
    );
}
