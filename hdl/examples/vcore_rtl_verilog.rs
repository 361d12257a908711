//! Writes the Verilog of the VerifyCore cluster blocks for a synthesis report, each with its
//! own module `top` (the form `bitstreams`' `synth-report --rtl DIR` reads):
//! `vcore_alu.v` (the ALU alone), `vcore_seq.v` (the sequencer with the secp256k1 program in
//! its ROM), `vcore_cluster.v` (one cluster with the program and K image; the FieldMul and the
//! Recoder are outside it, on its ports).
//!
//! ```text
//! cargo run --release -p satchain-hdl --example vcore_rtl_verilog -- DIR
//! bitstreams: synth-report --rtl DIR --out OUT --no-budget-fail
//! ```

#![allow(clippy::unwrap_used, clippy::expect_used)] // a developer tool

use rust_hdl::prelude::*;
use satchain_hdl::vcore::cluster::Cluster;
use satchain_hdl::vcore::program::secp256k1_desc;
use satchain_hdl::vcore::program::secp256k1_program;
use satchain_hdl::vcore::rom::rom_image;
use satchain_hdl::vcore::seq::Sequencer;

fn main() {
    let dir = std::env::args()
        .nth(1)
        .expect("usage: vcore_rtl_verilog DIR");
    std::fs::create_dir_all(&dir).unwrap();
    let prog = secp256k1_program().unwrap();
    let rom = rom_image(&prog.words).unwrap();
    let k: Vec<Bits<256>> = secp256k1_desc()
        .unwrap()
        .k_image()
        .into_iter()
        .map(Bits::from)
        .collect();
    let write = |name: &str, v: String| {
        let p = format!("{dir}/{name}.v");
        std::fs::write(&p, v).unwrap();
        println!("wrote {p}");
    };
    write("vcore_alu", satchain_hdl::vcore::alu::verilog());
    let mut seq = Sequencer::new(&rom);
    seq.connect_all();
    write("vcore_seq", generate_verilog(&seq));
    let mut cl = Cluster::new(&rom, &k);
    cl.connect_all();
    write("vcore_cluster", generate_verilog(&cl));
}
