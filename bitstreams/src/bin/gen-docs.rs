//! Writes the generated documents: `hdl/regmap/registers.md` (from the register map) and the
//! README hardware table (from the committed `bitstreams/data/hw-report.json`). With `--check`
//! it writes nothing and exits 1 when a committed file differs (what
//! `bitstreams/tests/generated_docs.rs` checks in CI).
//!
//! Usage: `cargo run -p bitstreams --bin gen-docs [-- --check]`

use std::process::ExitCode;

use bitstreams::docs;

fn main() -> ExitCode {
    let check = match std::env::args().nth(1).as_deref() {
        None => false,
        Some("--check") => true,
        Some(_) => {
            eprintln!("usage: gen-docs [--check]");
            return ExitCode::from(2);
        }
    };
    let root = docs::workspace_root();
    let docs = match docs::generate(&root) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("gen-docs: {e}");
            return ExitCode::from(2);
        }
    };
    let mut stale = 0;
    for d in docs {
        let path = root.join(d.path);
        if std::fs::read_to_string(&path).is_ok_and(|t| t == d.text) {
            continue;
        }
        if check {
            eprintln!("gen-docs: {} is not what the generator writes", d.path);
            stale += 1;
        } else if let Err(e) = std::fs::write(&path, &d.text) {
            eprintln!("gen-docs: cannot write {}: {e}", path.display());
            return ExitCode::from(2);
        } else {
            eprintln!("gen-docs: wrote {}", d.path);
        }
    }
    if stale > 0 {
        eprintln!("gen-docs: run `{}`", docs::GEN_COMMAND);
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
