//! What can be checked of the Vivado flow without Vivado:
//! - build.tcl runs in plain tclsh with the Vivado commands recorded by a stub
//!   (tests/vivado_stub.tcl): the block design it builds (PS7 with GP0, one PL clock FCLK_CLK0 at
//!   177.778 MHz (ARM PLL), S_AXI_HP0 for the hash DMA `m_axi`, S_AXI_HP1 for the verify-job ring `m1_axi`,
//!   IRQ_F2P; AXI interconnects; the wrapper as a module reference at 0x43C0_0000), the runs,
//!   outputs and build summary, and its argument checks;
//! - every pin the Tcl connects on the accelerator cell is a port of the wrapper, and every
//!   wrapper port is connected; the masters' constant AXI attributes;
//! - the overlay agrees with the Tcl (base, range, interrupt, clock) and with
//!   `satchain_hdl::top::BUS_CLOCK_MHZ`.
//!
//! The wrapper-against-generated-top check is in tests/vivado_ports.rs.

use bitstreams::verilog::{parse_module_named, Dir};
use std::path::{Path, PathBuf};
use std::process::Command;

fn crate_path(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
}

/// A new empty directory, unique per call (tests run in parallel threads of one process).
fn fresh_dir(name: &str) -> PathBuf {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let d = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("vivado-{name}-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Splits one Tcl list (a line of the call log) into words: braces group, backslash escapes.
fn tcl_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut depth = 0;
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
                in_word = true;
            }
            '{' if depth == 0 && !in_word => {
                depth = 1;
                in_word = true;
            }
            '{' => {
                depth += 1;
                cur.push(c);
            }
            '}' if depth == 1 => depth = 0,
            '}' if depth > 1 => {
                depth -= 1;
                cur.push(c);
            }
            c if c.is_whitespace() && depth == 0 => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            c => {
                cur.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    words
}

struct StubRun {
    code: i32,
    calls: Vec<Vec<String>>,
    output: String,
    /// Where the stub puts the files build.tcl writes (other than constraints).
    files: PathBuf,
}

fn run_stub(tclargs: &[&str], env: &[(&str, &str)]) -> StubRun {
    let dir = fresh_dir("stub");
    let log = dir.join("calls.log");
    let mut cmd = Command::new("tclsh");
    cmd.arg(crate_path("tests/vivado_stub.tcl"))
        .arg(crate_path("vivado/build.tcl"))
        .arg(&log)
        .args(tclargs);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let o = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run tclsh ({e}): apt-get install -y tcl"));
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    StubRun {
        code: o.status.code().unwrap_or(-1),
        calls: text.lines().map(tcl_words).collect(),
        output: format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        ),
        files: dir.join("calls.log.files"),
    }
}

fn rtl_with_top() -> PathBuf {
    let d = fresh_dir("rtl");
    std::fs::write(d.join("top.v"), "module top(input clock); endmodule\n").unwrap();
    std::fs::write(
        d.join("sha256_core.v"),
        "module top(input clock); endmodule\n",
    )
    .unwrap();
    d
}

impl StubRun {
    fn find(&self, cmd: &str) -> Vec<&Vec<String>> {
        self.calls
            .iter()
            .filter(|c| c.first().map(String::as_str) == Some(cmd))
            .collect()
    }
    fn has(&self, words: &[&str]) -> bool {
        self.calls
            .iter()
            .any(|c| c.len() >= words.len() && c.iter().zip(words).all(|(a, b)| a == b))
    }
    /// Pins of cell `cell` used in connect_bd_net / connect_bd_intf_net calls.
    fn cell_pins(&self, cell: &str) -> Vec<String> {
        let prefix = format!("{cell}/");
        let mut v: Vec<String> = self
            .calls
            .iter()
            .filter(|c| matches!(c[0].as_str(), "connect_bd_net" | "connect_bd_intf_net"))
            .flat_map(|c| c[1..].iter())
            .filter_map(|w| w.strip_prefix(&prefix).map(str::to_string))
            .collect();
        v.sort();
        v.dedup();
        v
    }
    /// The text of a file build.tcl wrote (e.g. `build-summary.txt`), by its name.
    fn written(&self, name: &str) -> String {
        std::fs::read_to_string(self.files.join(name))
            .unwrap_or_else(|e| panic!("build.tcl did not write {name} ({e})"))
    }
    /// The nets (lists of pins) of connect_bd_net calls.
    fn nets(&self) -> Vec<Vec<String>> {
        self.find("connect_bd_net")
            .into_iter()
            .map(|c| c[1..].to_vec())
            .collect()
    }
}

#[test]
fn build_tcl_builds_the_zynq_block_design() {
    let rtl = rtl_with_top();
    let out = fresh_dir("out");
    let r = run_stub(&[rtl.to_str().unwrap(), out.to_str().unwrap()], &[]);
    assert_eq!(r.code, 0, "{}", r.output);

    // Project for the XC7Z030, -1 speed grade.
    let cp = r.find("create_project");
    assert_eq!(cp.len(), 1);
    assert!(
        cp[0]
            .windows(2)
            .any(|w| w[0] == "-part" && w[1] == "xc7z030sbg485-1"),
        "{:?}",
        cp[0]
    );
    // Sources: only top.v (each block file has its own `top`) and the wrapper.
    let add = &r.find("add_files")[0];
    let files = tcl_words(add.last().unwrap());
    assert_eq!(files.len(), 2, "{files:?}");
    assert!(files[0].ends_with("/top.v"));
    assert!(files[1].ends_with("vivado/satchain_axi_wrapper.v"));

    // PS7 with GP0, FCLK_CLK0 at the clock, reset, fabric interrupt.
    assert!(r.has(&[
        "create_bd_cell",
        "-type",
        "ip",
        "-vlnv",
        "xilinx.com:ip:processing_system7:5.5",
        "ps7"
    ]));
    let ps_props = r
        .find("set_property")
        .into_iter()
        .find(|c| c.len() == 4 && c[1] == "-dict" && c[3] == "ps7")
        .expect("set_property -dict on ps7")
        .clone();
    let dict = tcl_words(&ps_props[2]);
    let prop = |k: &str| {
        dict.iter()
            .position(|w| w == k)
            .map(|i| dict[i + 1].clone())
    };
    assert_eq!(prop("CONFIG.PCW_USE_M_AXI_GP0").as_deref(), Some("1"));
    // S_AXI_HP0, 64 bits wide, for the hash DMA master; S_AXI_HP1, 64 bits wide, for the
    // verify-job ring master.
    assert_eq!(prop("CONFIG.PCW_USE_S_AXI_HP0").as_deref(), Some("1"));
    assert_eq!(
        prop("CONFIG.PCW_S_AXI_HP0_DATA_WIDTH").as_deref(),
        Some("64")
    );
    assert_eq!(prop("CONFIG.PCW_USE_S_AXI_HP1").as_deref(), Some("1"));
    assert_eq!(
        prop("CONFIG.PCW_S_AXI_HP1_DATA_WIDTH").as_deref(),
        Some("64")
    );
    // No other HP/ACP port.
    for k in [
        "CONFIG.PCW_USE_S_AXI_HP2",
        "CONFIG.PCW_USE_S_AXI_HP3",
        "CONFIG.PCW_USE_S_AXI_ACP",
    ] {
        assert_eq!(prop(k), None, "{k} set");
    }
    // One PL clock: FCLK_CLK0 at 177.778 MHz from the ARM PLL (the design clock).
    assert_eq!(prop("CONFIG.PCW_EN_CLK0_PORT").as_deref(), Some("1"));
    assert_eq!(
        prop("CONFIG.PCW_FCLK0_PERIPHERAL_CLKSRC").as_deref(),
        Some("ARM PLL")
    );
    assert_eq!(
        prop("CONFIG.PCW_FPGA0_PERIPHERAL_FREQMHZ").as_deref(),
        Some("177.778")
    );
    assert_eq!(
        prop("CONFIG.PCW_USE_FABRIC_INTERRUPT").as_deref(),
        Some("1")
    );
    assert_eq!(prop("CONFIG.PCW_IRQ_F2P_INTR").as_deref(), Some("1"));
    // No second clock: FCLK_CLK1..3 are neither enabled nor set, nothing in the block design
    // uses them, and there is no clock-crossing constraint (no constraint file at all: the
    // clock constraint comes from the PS7 IP).
    for k in [
        "CONFIG.PCW_EN_CLK1_PORT",
        "CONFIG.PCW_EN_CLK2_PORT",
        "CONFIG.PCW_EN_CLK3_PORT",
        "CONFIG.PCW_FPGA1_PERIPHERAL_FREQMHZ",
        "CONFIG.PCW_FPGA2_PERIPHERAL_FREQMHZ",
        "CONFIG.PCW_FPGA3_PERIPHERAL_FREQMHZ",
    ] {
        assert_eq!(prop(k), None, "{k} set: the design has one clock");
    }
    for c in &r.calls {
        for w in c {
            for bad in [
                "FCLK_CLK1",
                "FCLK_CLK2",
                "FCLK_CLK3",
                "FPGA1",
                "clk_fpga_1",
                "satchain/eclk",
            ] {
                assert!(!w.contains(bad), "{bad} used: {c:?}");
            }
        }
    }
    assert!(
        !r.find("add_files")
            .iter()
            .any(|c| c.iter().any(|w| w == "constrs_1")),
        "no constraint file expected"
    );
    assert!(
        !r.find("open").iter().any(|c| c[1].ends_with(".xdc")),
        "no constraint file expected"
    );
    // Interconnect, reset block, accelerator as a module reference of the wrapper.
    assert!(r.has(&[
        "create_bd_cell",
        "-type",
        "ip",
        "-vlnv",
        "xilinx.com:ip:axi_interconnect:2.1",
        "axi_ic"
    ]));
    // One interconnect per DMA master (AXI4 -> AXI3 for its HP port), each 1 SI, 1 MI.
    for ic in ["axi_ic_hp", "axi_ic_hp1"] {
        assert!(r.has(&[
            "create_bd_cell",
            "-type",
            "ip",
            "-vlnv",
            "xilinx.com:ip:axi_interconnect:2.1",
            ic
        ]));
        assert!(
            r.find("set_property").iter().any(|c| c.len() == 4
                && c[1] == "-dict"
                && c[3] == ic
                && c[2] == "CONFIG.NUM_SI 1 CONFIG.NUM_MI 1"),
            "{ic}: 1 SI, 1 MI"
        );
    }
    assert!(r.has(&[
        "create_bd_cell",
        "-type",
        "ip",
        "-vlnv",
        "xilinx.com:ip:proc_sys_reset:5.0",
        "rst_fclk0"
    ]));
    assert!(r.has(&[
        "create_bd_cell",
        "-type",
        "module",
        "-reference",
        "satchain_axi_wrapper",
        "satchain"
    ]));

    // Connections.
    let nets = r.nets();
    let net_of = |pin: &str| {
        nets.iter()
            .find(|n| n.iter().any(|p| p == pin))
            .cloned()
            .unwrap_or_default()
    };
    let clk = net_of("satchain/aclk");
    for p in [
        "ps7/FCLK_CLK0",
        "ps7/M_AXI_GP0_ACLK",
        "axi_ic/ACLK",
        "axi_ic/M00_ACLK",
        "rst_fclk0/slowest_sync_clk",
        "ps7/S_AXI_HP0_ACLK",
        "axi_ic_hp/ACLK",
        "axi_ic_hp/S00_ACLK",
        "axi_ic_hp/M00_ACLK",
        "ps7/S_AXI_HP1_ACLK",
        "axi_ic_hp1/ACLK",
        "axi_ic_hp1/S00_ACLK",
        "axi_ic_hp1/M00_ACLK",
    ] {
        assert!(
            clk.iter().any(|x| x == p),
            "{p} not on the accelerator clock net {clk:?}"
        );
    }
    // FCLK_CLK0 is the only clock: every *ACLK / clock pin is on that one net.
    for n in &nets {
        if n.iter()
            .any(|p| p.ends_with("ACLK") || p.ends_with("/aclk") || p.ends_with("slowest_sync_clk"))
        {
            assert_eq!(n, &clk, "a clock pin on another net: {n:?}");
        }
    }
    assert_eq!(
        r.nets()
            .iter()
            .filter(|n| n.iter().any(|p| p.starts_with("ps7/FCLK_CLK")))
            .count(),
        1,
        "one PS clock net"
    );
    assert!(net_of("satchain/aresetn")
        .iter()
        .any(|x| x == "rst_fclk0/peripheral_aresetn"));
    assert!(net_of("ps7/FCLK_RESET0_N")
        .iter()
        .any(|x| x == "rst_fclk0/ext_reset_in"));
    assert_eq!(
        net_of("satchain/irq"),
        vec!["satchain/irq".to_string(), "ps7/IRQ_F2P".to_string()]
    );
    assert!(r.has(&["connect_bd_intf_net", "ps7/M_AXI_GP0", "axi_ic/S00_AXI"]));
    assert!(r.has(&["connect_bd_intf_net", "axi_ic/M00_AXI", "satchain/s_axi"]));
    // Hash DMA: accelerator master m_axi -> interconnect -> S_AXI_HP0; verify-job ring:
    // m1_axi -> its interconnect -> S_AXI_HP1. Each master sees the DDR window of its port.
    assert!(r.has(&["connect_bd_intf_net", "satchain/m_axi", "axi_ic_hp/S00_AXI"]));
    assert!(r.has(&["connect_bd_intf_net", "axi_ic_hp/M00_AXI", "ps7/S_AXI_HP0"]));
    assert!(r.has(&[
        "connect_bd_intf_net",
        "satchain/m1_axi",
        "axi_ic_hp1/S00_AXI"
    ]));
    assert!(r.has(&["connect_bd_intf_net", "axi_ic_hp1/M00_AXI", "ps7/S_AXI_HP1"]));
    assert_eq!(
        r.find("connect_bd_intf_net").len(),
        6,
        "GP0, HP0 and HP1 paths only"
    );
    for (space, seg) in [
        ("satchain/m_axi", "ps7/S_AXI_HP0/HP0_DDR_LOWOCM"),
        ("satchain/m1_axi", "ps7/S_AXI_HP1/HP1_DDR_LOWOCM"),
    ] {
        assert!(
            r.has(&[
                "assign_bd_address",
                "-offset",
                "0x00000000",
                "-range",
                "1G",
                "-target_address_space",
                space,
                seg,
                "-force"
            ]),
            "{space} -> {seg} not mapped"
        );
    }
    for p in [
        "axi_ic_hp/S00_ARESETN",
        "axi_ic_hp/M00_ARESETN",
        "axi_ic_hp1/S00_ARESETN",
        "axi_ic_hp1/M00_ARESETN",
    ] {
        assert!(
            net_of(p)
                .iter()
                .any(|x| x == "rst_fclk0/peripheral_aresetn"),
            "{p}"
        );
    }
    for p in ["axi_ic_hp/ARESETN", "axi_ic_hp1/ARESETN"] {
        assert!(
            net_of(p)
                .iter()
                .any(|x| x == "rst_fclk0/interconnect_aresetn"),
            "{p}"
        );
    }
    // Address of the register window.
    assert!(r.has(&["assign_bd_address", "-offset", "0x43C00000", "-range", "4K"]));
    assert!(r.find("validate_bd_design").len() == 1);

    // Runs and outputs.
    assert!(r.has(&["launch_runs", "synth_1"]));
    assert!(r.has(&["launch_runs", "impl_1", "-to_step", "write_bitstream"]));
    let cfg = &r.find("write_cfgmem")[0];
    assert!(cfg.windows(2).any(|w| w[0] == "-format" && w[1] == "bin"));
    assert!(cfg.last().unwrap().ends_with("/satchain.bin"));
    assert!(r.find("write_hw_platform")[0]
        .last()
        .unwrap()
        .ends_with("/satchain.xsa"));
    let copies: Vec<String> = r
        .find("file")
        .iter()
        .filter(|c| c[1] == "copy")
        .map(|c| c.last().unwrap().clone())
        .collect();
    assert!(
        copies.iter().any(|c| c.ends_with("/satchain.bit")),
        "{copies:?}"
    );
    assert!(
        copies.iter().any(|c| c.ends_with("/satchain-overlay.dtso")),
        "{copies:?}"
    );
    assert!(r.has(&["exit", "0"]));

    // The build summary: one clock, requested and actual.
    let summary = r.written("build-summary.txt");
    let lines: Vec<&str> = summary.lines().collect();
    for l in [
        "part xc7z030sbg485-1",
        "fclk0_requested_mhz 177.778",
        "fclk0_actual_mhz 177.778",
        "wns_ns 0.25",
        "timing_met 1",
        "accel_base 0x43C00000",
        "accel_range 4K",
    ] {
        assert!(
            lines.contains(&l),
            "no `{l}` in build-summary.txt:\n{summary}"
        );
    }
    assert!(
        !summary.contains("fclk1") && !summary.contains("ecdsa"),
        "second-clock lines in build-summary.txt:\n{summary}"
    );
    assert!(
        r.output
            .contains("FCLK_CLK0 requested 177.778 MHz, the PS7 PLL gives 177.778 MHz"),
        "{}",
        r.output
    );
    assert!(!r.output.contains("FCLK_CLK1"), "{}", r.output);
}

#[test]
fn build_tcl_connects_exactly_the_wrapper_ports() {
    let rtl = rtl_with_top();
    let out = fresh_dir("out2");
    let r = run_stub(&[rtl.to_str().unwrap(), out.to_str().unwrap()], &[]);
    assert_eq!(r.code, 0, "{}", r.output);
    let wrapper = std::fs::read_to_string(crate_path("vivado/satchain_axi_wrapper.v")).unwrap();
    let w = parse_module_named(&wrapper, "satchain_axi_wrapper").unwrap();
    let pins = r.cell_pins("satchain");
    // Single pins are wrapper ports; `s_axi` is the AXI interface Vivado infers from the
    // `s_axi_*` ports (their X_INTERFACE_INFO attributes).
    let mut covered: Vec<String> = Vec::new();
    // The wrapper ports of one AXI interface: every port named `<pin>_*`.
    let members_of = |pin: &str| -> Vec<String> {
        let prefix = format!("{pin}_");
        w.ports
            .iter()
            .filter(|p| p.name.starts_with(&prefix))
            .map(|p| p.name.clone())
            .collect()
    };
    for pin in &pins {
        if pin == "s_axi" {
            let members = members_of("s_axi");
            assert_eq!(
                members.len(),
                17,
                "AXI4-Lite without PROT has 17 signals: {members:?}"
            );
            covered.extend(members);
        } else if pin == "m_axi" {
            // The DMA read master: AXI4 read channels (AR with the tied-off SIZE, BURST,
            // CACHE, PROT; R with LAST).
            let members = members_of("m_axi");
            assert_eq!(
                members.len(),
                13,
                "AXI4 read-only master has 13 signals here: {members:?}"
            );
            covered.extend(members);
        } else if pin == "m1_axi" {
            // The verify-job ring master: the same 13 read signals, and the write channels
            // (AW with the tied-off SIZE, BURST, CACHE, PROT; W with STRB and LAST; B).
            let members = members_of("m1_axi");
            assert_eq!(
                members.len(),
                29,
                "AXI4 read/write master has 13 + 16 signals here: {members:?}"
            );
            for s in [
                "awaddr", "awlen", "wdata", "wstrb", "wlast", "bresp", "bready",
            ] {
                assert!(
                    members.iter().any(|m| *m == format!("m1_axi_{s}")),
                    "no m1_axi_{s}"
                );
            }
            covered.extend(members);
        } else {
            assert!(
                w.port(pin).is_some(),
                "build.tcl connects satchain/{pin}, which the wrapper does not have"
            );
            covered.push(pin.clone());
        }
    }
    covered.sort();
    let mut all: Vec<String> = w.ports.iter().map(|p| p.name.clone()).collect();
    all.sort();
    assert_eq!(
        covered, all,
        "every wrapper port is connected in the block design"
    );
    // Each AXI signal carries its X_INTERFACE_INFO so the interface is inferred.
    let mut axi_ports = 0;
    for p in &w.ports {
        let Some((bus, sig)) = p.name.split_once("_axi_") else {
            continue;
        };
        let (bus, sig) = (format!("{bus}_axi"), sig.to_ascii_uppercase());
        assert!(
            ["s_axi", "m_axi", "m1_axi"].contains(&bus.as_str()),
            "unknown bus {bus}"
        );
        assert!(
            wrapper.contains(&format!("xilinx.com:interface:aximm:1.0 {bus} {sig}\" *)")),
            "no X_INTERFACE_INFO for {}",
            p.name
        );
        axi_ports += 1;
    }
    assert_eq!(axi_ports, 17 + 13 + 29);
    // Both masters are AXI4, 64-bit data, 32-bit addresses, no ID, bursts <= 16 beats; m1_axi
    // reads and writes.
    assert!(wrapper.contains("PROTOCOL AXI4, READ_WRITE_MODE READ_ONLY, DATA_WIDTH 64, ADDR_WIDTH 32, ID_WIDTH 0, MAX_BURST_LENGTH 16"));
    assert!(wrapper.contains("PROTOCOL AXI4, READ_WRITE_MODE READ_WRITE, DATA_WIDTH 64, ADDR_WIDTH 32, ID_WIDTH 0, MAX_BURST_LENGTH 16"));
    // One clock, associated with all three AXI interfaces; no second clock input.
    assert!(
        wrapper.contains("ASSOCIATED_BUSIF s_axi:m_axi:m1_axi, ASSOCIATED_RESET aresetn"),
        "aclk must be associated with s_axi, m_axi and m1_axi"
    );
    let clocks: Vec<&str> = wrapper
        .lines()
        .filter(|l| l.contains("xilinx.com:signal:clock:1.0"))
        .collect();
    assert_eq!(clocks.len(), 1, "one clock input: {clocks:?}");
    assert!(w.port("eclk").is_none());
    // The masters' constant AXI attributes: 8-byte INCR beats, normal non-cacheable
    // bufferable, unprivileged secure data access.
    for (port, value) in [
        ("m_axi_arsize", "3'b011"),
        ("m_axi_arburst", "2'b01"),
        ("m_axi_arcache", "4'b0011"),
        ("m_axi_arprot", "3'b000"),
        ("m1_axi_arsize", "3'b011"),
        ("m1_axi_arburst", "2'b01"),
        ("m1_axi_arcache", "4'b0011"),
        ("m1_axi_arprot", "3'b000"),
        ("m1_axi_awsize", "3'b011"),
        ("m1_axi_awburst", "2'b01"),
        ("m1_axi_awcache", "4'b0011"),
        ("m1_axi_awprot", "3'b000"),
    ] {
        let assigns: Vec<String> = wrapper
            .lines()
            .map(|l| {
                l.split("//")
                    .next()
                    .unwrap()
                    .split_whitespace()
                    .collect::<String>()
            })
            .filter(|l| l.starts_with(&format!("assign{port}=")))
            .collect();
        assert_eq!(
            assigns,
            vec![format!("assign{port}={value};")],
            "{port} must be the constant {value}"
        );
        assert_eq!(w.port(port).unwrap().dir, Dir::Output);
    }
    assert_eq!(w.port("irq").unwrap().dir, Dir::Output);
    assert_eq!(w.port("aresetn").unwrap().dir, Dir::Input);
}

#[test]
fn build_tcl_checks_its_arguments() {
    let rtl = rtl_with_top();
    let out = fresh_dir("out3");
    let (rtl, out) = (rtl.to_str().unwrap(), out.to_str().unwrap());
    let usage = run_stub(&[], &[]);
    assert_eq!(usage.code, 2, "{}", usage.output);
    assert!(usage.output.contains("usage:"));
    assert!(usage.find("create_project").is_empty());

    let bad_clock = run_stub(&[rtl, out, "fast"], &[]);
    assert_eq!(bad_clock.code, 2, "{}", bad_clock.output);
    let bad_part = run_stub(&[rtl, out, "150", "xc7z020clg400-1"], &[]);
    assert_eq!(bad_part.code, 2, "{}", bad_part.output);
    assert!(bad_part.output.contains("XC7Z030"));

    let empty = fresh_dir("empty-rtl");
    let no_top = run_stub(&[empty.to_str().unwrap(), out], &[]);
    assert_eq!(no_top.code, 2, "{}", no_top.output);
    assert!(
        no_top.output.contains("bitstreams/synth.sh"),
        "{}",
        no_top.output
    );

    // Other clock and part are passed through. The removed second-clock variable is ignored
    // (even a malformed value: nothing reads it any more).
    let r = run_stub(
        &[rtl, out, "100", "xc7z030fbg676-2"],
        &[("SATCHAIN_ECDSA_CLOCK_MHZ", "fast")],
    );
    assert_eq!(r.code, 0, "{}", r.output);
    assert!(r.calls.iter().any(|c| c
        .iter()
        .any(|w| w.contains("CONFIG.PCW_FPGA0_PERIPHERAL_FREQMHZ 100"))));
    assert!(r
        .written("build-summary.txt")
        .lines()
        .any(|l| l == "fclk0_requested_mhz 100"));
    assert!(r.has(&["create_project", "-force", "satchain"]));
    assert!(r.find("create_project")[0]
        .iter()
        .any(|w| w == "xc7z030fbg676-2"));

    // Negative slack: the bitstream is still written (for inspection) but the exit status says
    // timing was not met.
    let slow = run_stub(&[rtl, out], &[("STUB_SLACK", "-0.4")]);
    assert_eq!(slow.code, 1, "{}", slow.output);
    assert!(slow.output.contains("TIMING NOT MET"));
}

#[test]
fn overlay_matches_build_tcl() {
    let dtso = std::fs::read_to_string(crate_path("vivado/satchain-overlay.dtso")).unwrap();
    let tcl = std::fs::read_to_string(crate_path("vivado/build.tcl")).unwrap();
    assert!(tcl.contains("set accel_base 0x43C00000"));
    assert!(tcl.contains("set accel_range 4K"));
    // The default clock is the design clock (FCLK_CLK0 = ARM PLL 1600 MHz / 9), and the only
    // one (verif's bus tests check the FPGA backend's default against the same constant).
    let mhz = satchain_hdl::top::BUS_CLOCK_MHZ;
    assert!((mhz - 1600.0 / 9.0).abs() < 1e-9);
    assert!(tcl.contains(&format!("set clock_mhz {mhz:.3}\n")));
    assert!(dtso.contains("satchain@43c00000 {"));
    assert!(dtso.contains("compatible = \"generic-uio\";"));
    assert!(dtso.contains("reg = <0x43c00000 0x1000>;"));
    // IRQ_F2P[0] = SPI 61 = 32 + 29, level-high (4).
    assert!(dtso.contains("interrupts = <0 29 4>;"));
    assert!(dtso.contains("assigned-clocks = <&clkc 15>;"));
    assert!(dtso.contains(&format!(
        "assigned-clock-rates = <{}>;",
        (mhz * 1e6).round() as u64
    )));
    assert!(!dtso.contains("clkc 16"), "the overlay sets a second clock");
    assert!(dtso.contains("firmware-name = \"satchain.bin\";"));
    // The register window fits the mapped page.
    assert!(satchain_hdl::regmap::WINDOW_BYTES <= 0x1000);
}

#[test]
fn tcl_word_splitter() {
    assert_eq!(
        tcl_words("a {b c} d\\ e {x {y z}}"),
        vec!["a", "b c", "d e", "x {y z}"]
    );
    assert_eq!(
        tcl_words("write_cfgmem -loadbit {up 0x0 /o/s.bit} /o/s.bin")[2],
        "up 0x0 /o/s.bit"
    );
}

#[test]
fn overlay_compiles_with_dtc() {
    let dir = fresh_dir("dtc");
    let dtbo = dir.join("satchain-overlay.dtbo");
    let o = Command::new("dtc")
        .args(["-@", "-I", "dts", "-O", "dtb", "-o"])
        .arg(&dtbo)
        .arg(crate_path("vivado/satchain-overlay.dtso"))
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run dtc ({e}): apt-get install -y device-tree-compiler (bash scripts/setup.sh does)")
        });
    assert!(
        o.status.success(),
        "dtc failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    // Decompile: the labels the overlay needs from the base tree are recorded as fixups.
    let back = Command::new("dtc")
        .args(["-I", "dtb", "-O", "dts"])
        .arg(&dtbo)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&back.stdout);
    for label in ["fpga_full", "amba", "intc", "clkc"] {
        assert!(
            text.contains(&format!("{label} = \"/fragment@")),
            "no fixup for &{label}:\n{text}"
        );
    }
    assert!(text.contains("reg = <0x43c00000 0x1000>;"), "{text}");
    assert!(text.contains("interrupts = <0x00 0x1d 0x04>;"), "{text}");
}
