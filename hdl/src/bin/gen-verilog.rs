//! Writes the Verilog of the accelerator: `top.v` (the whole design) and one file per block
//! (each with its own `top` module, as rust-hdl emits it), plus `manifest.txt` (name, clock
//! domain, size, what it is): the synthesized entries of the block catalogue
//! (`satchain_hdl::catalog`).
//!
//! Usage: `cargo run -p satchain-hdl --bin gen-verilog -- DIR`

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next() else {
        eprintln!("usage: gen-verilog DIR");
        return ExitCode::from(2);
    };
    let dir = PathBuf::from(dir);
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("gen-verilog: cannot create {}: {e}", dir.display());
        return ExitCode::FAILURE;
    }
    let mut manifest = String::new();
    for m in satchain_hdl::catalog::gen_files() {
        let path = dir.join(format!("{}.v", m.name));
        let res = std::fs::File::create(&path).and_then(|mut f| f.write_all(m.verilog.as_bytes()));
        if let Err(e) = res {
            eprintln!("gen-verilog: cannot write {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
        if m.verilog.is_empty() {
            eprintln!("gen-verilog: block {} generated no Verilog", m.name);
            return ExitCode::FAILURE;
        }
        manifest.push_str(&format!(
            "{}.v\tmodule top\tclock domain {}\t{} bytes\t{}\n",
            m.name,
            m.domain.name(),
            m.verilog.len(),
            m.doc
        ));
        println!("wrote {}", path.display());
    }
    let mpath = dir.join("manifest.txt");
    if let Err(e) = std::fs::write(&mpath, manifest) {
        eprintln!("gen-verilog: cannot write {}: {e}", mpath.display());
        return ExitCode::FAILURE;
    }
    println!("wrote {}", mpath.display());
    ExitCode::SUCCESS
}
