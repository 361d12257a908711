//! The ports the Vivado wrapper expects match the generated accelerator top.
//!
//! `satchain_axi_wrapper.v` instantiates `top`; this test reads the wrapper's connections and
//! the generated top's port list (from satchain-hdl, the same text gen-verilog writes) and
//! checks: every port of `top` is connected exactly once, with the same width, inputs driven by
//! wrapper inputs and outputs driving wrapper outputs; and yosys elaborates wrapper + top with
//! `hierarchy -check`.

use bitstreams::verilog::{
    instance_connections, parse_module_named, Connection, Dir, Module, Port,
};
use std::path::Path;
use std::process::Command;

/// The top's port contract (notes/C-sha.md): the driver and the Vivado flow depend on it.
const CONTRACT: &[(&str, Dir, u32)] = &[
    ("clock", Dir::Input, 1),
    ("reset", Dir::Input, 1),
    ("s_axi_awaddr", Dir::Input, 8),
    ("s_axi_awvalid", Dir::Input, 1),
    ("s_axi_awready", Dir::Output, 1),
    ("s_axi_wdata", Dir::Input, 32),
    ("s_axi_wstrb", Dir::Input, 4),
    ("s_axi_wvalid", Dir::Input, 1),
    ("s_axi_wready", Dir::Output, 1),
    ("s_axi_bresp", Dir::Output, 2),
    ("s_axi_bvalid", Dir::Output, 1),
    ("s_axi_bready", Dir::Input, 1),
    ("s_axi_araddr", Dir::Input, 8),
    ("s_axi_arvalid", Dir::Input, 1),
    ("s_axi_arready", Dir::Output, 1),
    ("s_axi_rdata", Dir::Output, 32),
    ("s_axi_rresp", Dir::Output, 2),
    ("s_axi_rvalid", Dir::Output, 1),
    ("s_axi_rready", Dir::Input, 1),
    ("irq", Dir::Output, 1),
    ("m_axi_araddr", Dir::Output, 32),
    ("m_axi_arlen", Dir::Output, 8),
    ("m_axi_arvalid", Dir::Output, 1),
    ("m_axi_arready", Dir::Input, 1),
    ("m_axi_rdata", Dir::Input, 64),
    ("m_axi_rresp", Dir::Input, 2),
    ("m_axi_rvalid", Dir::Input, 1),
    ("m_axi_rready", Dir::Output, 1),
    // The verify-job ring master (read: job slots, write: verdict entries; S_AXI_HP1).
    ("m1_axi_araddr", Dir::Output, 32),
    ("m1_axi_arlen", Dir::Output, 8),
    ("m1_axi_arvalid", Dir::Output, 1),
    ("m1_axi_arready", Dir::Input, 1),
    ("m1_axi_rdata", Dir::Input, 64),
    ("m1_axi_rresp", Dir::Input, 2),
    ("m1_axi_rvalid", Dir::Input, 1),
    ("m1_axi_rready", Dir::Output, 1),
    ("m1_axi_awaddr", Dir::Output, 32),
    ("m1_axi_awlen", Dir::Output, 8),
    ("m1_axi_awvalid", Dir::Output, 1),
    ("m1_axi_awready", Dir::Input, 1),
    ("m1_axi_wdata", Dir::Output, 64),
    ("m1_axi_wstrb", Dir::Output, 8),
    ("m1_axi_wlast", Dir::Output, 1),
    ("m1_axi_wvalid", Dir::Output, 1),
    ("m1_axi_wready", Dir::Input, 1),
    ("m1_axi_bresp", Dir::Input, 2),
    ("m1_axi_bvalid", Dir::Input, 1),
    ("m1_axi_bready", Dir::Output, 1),
];

fn wrapper_text() -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("vivado/satchain_axi_wrapper.v");
    std::fs::read_to_string(p).unwrap()
}

/// Checks that the wrapper's instance of `top` connects exactly `top_ports`.
fn check_wrapper_against(top_ports: &[Port]) {
    let text = wrapper_text();
    let w = parse_module_named(&text, "satchain_axi_wrapper").unwrap();
    let conns = instance_connections(&text, "satchain_axi_wrapper", "top").unwrap();
    for c in &conns {
        assert_eq!(
            conns.iter().filter(|d| d.port == c.port).count(),
            1,
            "port {} connected twice",
            c.port
        );
    }
    for p in top_ports {
        let c = conns
            .iter()
            .find(|c| c.port == p.name)
            .unwrap_or_else(|| panic!("the wrapper does not connect top port `{}`", p.name));
        check_connection(&w, p, c);
    }
    for c in &conns {
        assert!(
            top_ports.iter().any(|p| p.name == c.port),
            "the wrapper connects `.{}`, which the generated top does not have",
            c.port
        );
    }
}

fn check_connection(w: &Module, p: &Port, c: &Connection) {
    let wp = w.port(&c.signal).unwrap_or_else(|| {
        panic!(
            "top port `{}` is connected to `{}`, not a wrapper port",
            p.name, c.signal
        )
    });
    let width = match c.select {
        Some((msb, lsb)) => {
            assert!(
                msb < wp.width && lsb <= msb,
                "{}: select [{msb}:{lsb}] outside `{}`",
                p.name,
                wp.name
            );
            msb - lsb + 1
        }
        None => wp.width,
    };
    assert_eq!(
        width, p.width,
        "top port `{}` is {} bits, the wrapper connects {} bits",
        p.name, p.width, width
    );
    match p.dir {
        Dir::Input => assert_eq!(
            wp.dir,
            Dir::Input,
            "top input `{}` must come from a wrapper input",
            p.name
        ),
        Dir::Output => {
            assert_eq!(
                wp.dir,
                Dir::Output,
                "top output `{}` must drive a wrapper output",
                p.name
            );
            assert!(
                !c.inverted && c.select.is_none(),
                "top output `{}` must be connected plainly",
                p.name
            );
        }
        Dir::Inout => panic!("top has an inout port `{}`", p.name),
    }
    // The one adaptation: reset is active-high, the AXI reset active-low.
    if p.name == "reset" {
        assert!(
            c.inverted && c.signal == "aresetn",
            "reset must be ~aresetn"
        );
    } else {
        assert!(!c.inverted, "only reset is inverted, not `{}`", p.name);
    }
}

#[test]
fn wrapper_matches_the_port_contract() {
    let ports: Vec<Port> = CONTRACT
        .iter()
        .map(|&(n, d, w)| Port {
            name: n.to_string(),
            dir: d,
            width: w,
        })
        .collect();
    check_wrapper_against(&ports);
}

/// The Verilog of the accelerator top exactly as gen-verilog writes it (`top.v`).
fn generated_top() -> String {
    // rust-hdl's generator recurses deeply on big designs: give it a big stack.
    let files = std::thread::Builder::new()
        .stack_size(512 << 20)
        .spawn(satchain_hdl::catalog::gen_files)
        .unwrap()
        .join()
        .unwrap();
    let names: Vec<&str> = files.iter().map(|m| m.name).collect();
    files.iter().find(|m| m.name == "top").map(|m| m.verilog.clone()).unwrap_or_else(|| {
        panic!("satchain_hdl::catalog::gen_files() has no `top` file (have: {names:?}): gen-verilog must write top.v")
    })
}

#[test]
fn wrapper_matches_the_generated_top() {
    let top_v = generated_top();
    let top = parse_module_named(&top_v, "top").unwrap();
    // The generated top honours the contract ...
    let got: Vec<(&str, Dir, u32)> = top
        .ports
        .iter()
        .map(|p| (p.name.as_str(), p.dir, p.width))
        .collect();
    let mut got_sorted = got.clone();
    got_sorted.sort_by_key(|p| p.0);
    let mut want = CONTRACT.to_vec();
    want.sort_by_key(|p| p.0);
    assert_eq!(
        got_sorted, want,
        "generated top ports differ from the contract"
    );
    // ... and the wrapper connects it.
    check_wrapper_against(&top.ports);

    // yosys elaborates wrapper + generated top without a port error.
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("ports-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let top_p = dir.join("top.v");
    std::fs::write(&top_p, &top_v).unwrap();
    let wrapper_p = Path::new(env!("CARGO_MANIFEST_DIR")).join("vivado/satchain_axi_wrapper.v");
    let o = Command::new("yosys")
        .arg("-q")
        .arg("-p")
        .arg(format!(
            "read_verilog -sv {} {}; hierarchy -check -top satchain_axi_wrapper",
            top_p.display(),
            wrapper_p.display()
        ))
        .output()
        .unwrap_or_else(|e| panic!("cannot run yosys ({e}): apt-get install -y yosys"));
    assert!(
        o.status.success(),
        "yosys hierarchy -check failed:\n{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}
