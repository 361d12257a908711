//! The static timing model on tiny hand-made netlists, each expected delay worked out by hand
//! from the delay table (`bitstreams/src/timing/delays.rs`). Net model for all of them: 0.5 ns
//! per hop, fanout factor 0.25, so a general-routing hop on a net with one load is 0.500 ns and
//! with four loads 0.5 * (1 + 0.25 * 2) = 0.750 ns.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use bitstreams::timing::netlist::{Bit, Cell, Dir, Netlist, Pin, Port};
use bitstreams::timing::{analyze, slow_registers, NetModel, TimingError};

const NET: NetModel = NetModel {
    base_ns: 0.5,
    fanout_factor: 0.25,
};

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

fn bits(v: &[Option<u32>]) -> Vec<Bit> {
    v.iter().map(|b| b.map_or(Bit::Const, Bit::Net)).collect()
}

/// A cell with `(pin, direction, bits)`; `None` bits are constants.
fn cell(
    name: &str,
    ty: &str,
    params: &[(&str, &str)],
    pins: &[(&str, Dir, &[Option<u32>])],
) -> Cell {
    Cell {
        name: name.into(),
        ty: ty.into(),
        params: params
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        pins: pins
            .iter()
            .map(|(n, d, b)| Pin {
                name: n.to_string(),
                dir: *d,
                bits: bits(b),
            })
            .collect(),
    }
}

fn ff(name: &str, clk: u32, d: Option<u32>, q: u32) -> Cell {
    cell(
        name,
        "FDRE",
        &[],
        &[
            ("C", Dir::In, &[Some(clk)]),
            ("CE", Dir::In, &[None]),
            ("R", Dir::In, &[None]),
            ("D", Dir::In, &[d]),
            ("Q", Dir::Out, &[Some(q)]),
        ],
    )
}

fn lut1(name: &str, i: u32, o: u32) -> Cell {
    cell(
        name,
        "LUT1",
        &[],
        &[("I0", Dir::In, &[Some(i)]), ("O", Dir::Out, &[Some(o)])],
    )
}

fn netlist(clocks: &[(&str, u32)], cells: Vec<Cell>) -> Netlist {
    let max = cells
        .iter()
        .flat_map(|c| c.pins.iter().flat_map(|p| p.bits.iter()))
        .filter_map(|b| match b {
            Bit::Net(n) => Some(*n),
            Bit::Const => None,
        })
        .max()
        .unwrap_or(0);
    Netlist {
        module: "top".into(),
        ports: clocks
            .iter()
            .map(|(n, b)| Port {
                name: n.to_string(),
                dir: Dir::In,
                bits: vec![Bit::Net(*b)],
            })
            .collect(),
        cells,
        names: Default::default(),
        max_net: max,
    }
}

/// `src` (Q on net 10) -> `l1` -> `l2` -> `l3` (output on net 13), clock on net 1.
fn ff_and_three_luts() -> Vec<Cell> {
    vec![
        ff("src", 1, None, 10),
        lut1("l1", 10, 11),
        lut1("l2", 11, 12),
        lut1("l3", 12, 13),
    ]
}

/// FF -> LUT -> LUT -> LUT -> FF.
/// TCKO 0.456 + 3 x (hop 0.500 + TILO 0.124) + LUT->FF in its slice 0 + TDICK 0.062 = 2.390.
#[test]
fn lut_chain_between_two_flip_flops() {
    let mut cells = ff_and_three_luts();
    cells.push(ff("dst", 1, Some(13), 14));
    let nl = netlist(&[("clock", 1)], cells);
    let r = analyze(&nl, NET).unwrap();
    assert_eq!(r.domains.len(), 1);
    let d = r.domain("clock").unwrap();
    assert!(close(d.period_ns, 2.390), "{}", d.period_ns);
    assert!(close(d.mhz, 418.41), "{}", d.mhz);
    assert_eq!(d.path.levels.lut, 3);
    assert!(close(d.path.route_ns, 1.5) && close(d.path.logic_ns, 0.89));
    let cells: Vec<&str> = d.path.steps.iter().map(|s| s.cell.as_str()).collect();
    assert_eq!(cells, ["src", "l1", "l2", "l3", "dst"]);
    assert!(r.cdc.is_empty() && r.unknown_cells.is_empty());
}

/// `slow_registers`: the bits of one register are one row (named by their output nets, the
/// bit index dropped), rows over the period only, slowest first, with the worst bit's start.
/// Register `a` (2 bits) is 3 LUTs behind `src`, `b` 1 LUT. `src` and `l3` drive two loads
/// each (hop(2) = 0.625): `a` = TCKO 0.456 + 0.625 + 0.124 + 2 x (0.500 + 0.124) + 0.625 +
/// TDICK 0.062 = 3.140 ns, `b` = 0.456 + 0.625 + 0.124 + (LUT -> FF in its slice) 0 + 0.062
/// = 1.267 ns.
#[test]
fn slow_registers_group_bits_by_register() {
    let mut cells = ff_and_three_luts();
    cells.extend([
        ff("a0", 1, Some(13), 20),
        ff("a1", 1, Some(13), 21),
        lut1("m1", 10, 30),
        ff("b", 1, Some(30), 22),
    ]);
    let mut nl = netlist(&[("clock", 1)], cells);
    for (n, name) in [(10, "src"), (20, "a[0]"), (21, "a[1]"), (22, "b")] {
        nl.names.insert(n, name.into());
    }
    let slow = slow_registers(&nl, NET, 2.5).unwrap();
    assert_eq!(slow.len(), 1, "{slow:?}");
    assert_eq!(slow[0].register, "a");
    assert_eq!(slow[0].endpoints, 2);
    assert!(close(slow[0].worst_ns, 3.14), "{}", slow[0].worst_ns);
    assert!(
        slow[0].worst_from.starts_with("src "),
        "{}",
        slow[0].worst_from
    );
    let all = slow_registers(&nl, NET, 1.0).unwrap();
    let names: Vec<&str> = all.iter().map(|r| r.register.as_str()).collect();
    assert_eq!(names, ["a", "b"]);
    assert!(close(all[1].worst_ns, 1.267), "{}", all[1].worst_ns);
    assert!(slow_registers(&nl, NET, 3.14).unwrap().is_empty());
}

/// The fanout term: the first LUT output also drives three more flip-flops (four loads).
/// TCKO 0.456 + hop(1) 0.500 + TILO 0.124 + hop(4) 0.750 + TDICK 0.062 = 1.892.
#[test]
fn fanout_costs_routing() {
    let mut cells = vec![ff("src", 1, None, 10), lut1("l1", 10, 11)];
    for i in 0..4 {
        cells.push(ff(&format!("d{i}"), 1, Some(11), 20 + i));
    }
    let r = analyze(&netlist(&[("clock", 1)], cells), NET).unwrap();
    let d = r.domain("clock").unwrap();
    assert!(close(d.period_ns, 1.892), "{}", d.period_ns);
    assert_eq!(d.path.steps.last().unwrap().fanout, 4);
}

fn carry4(
    name: &str,
    ci: Option<u32>,
    s: [Option<u32>; 4],
    co: [Option<u32>; 4],
    o: [Option<u32>; 4],
) -> Cell {
    cell(
        name,
        "CARRY4",
        &[],
        &[
            ("CI", Dir::In, &[ci]),
            ("CYINIT", Dir::In, &[None]),
            ("DI", Dir::In, &[None, None, None, None]),
            ("S", Dir::In, &s),
            ("CO", Dir::Out, &co),
            ("O", Dir::Out, &o),
        ],
    )
}

/// FF -> LUT -> CARRY4 (S[0] -> CO[3]) -> CARRY4 (CI -> CO[3]) -> CARRY4 (CI -> O[2]) -> FF.
/// TCKO 0.456 + hop 0.500 + TILO 0.124 + (LUT->S in its slice) 0 + TOPCY 0.550
/// + (carry chain) 0 + TBYP 0.114 + 0 + TCINO 0.334 + (O->FF in its slice) 0 + TDICK 0.062
/// = 2.140.
#[test]
fn carry4_chain() {
    let nl = netlist(
        &[("clock", 1)],
        vec![
            ff("src", 1, None, 10),
            lut1("prop", 10, 11),
            carry4(
                "c0",
                None,
                [Some(11), None, None, None],
                [None, None, None, Some(20)],
                [None; 4],
            ),
            carry4(
                "c1",
                Some(20),
                [None; 4],
                [None, None, None, Some(21)],
                [None; 4],
            ),
            carry4(
                "c2",
                Some(21),
                [None; 4],
                [None; 4],
                [None, None, Some(22), None],
            ),
            ff("dst", 1, Some(22), 30),
        ],
    );
    let r = analyze(&nl, NET).unwrap();
    let d = r.domain("clock").unwrap();
    assert!(close(d.period_ns, 2.140), "{}", d.period_ns);
    assert_eq!((d.path.levels.lut, d.path.levels.carry4), (1, 3));
    assert!(close(d.path.route_ns, 0.5));
    let pins: Vec<String> = d
        .path
        .steps
        .iter()
        .map(|s| format!("{}->{}", s.from_pin, s.to_pin))
        .collect();
    assert_eq!(pins[2], "S[0]->CO[3]");
    assert_eq!(pins[3], "CI->CO[3]");
    assert_eq!(pins[4], "CI->O[2]");
}

fn ramb36(name: &str, clk: u32, doa_reg: bool, addr0: u32, do0: u32) -> Cell {
    cell(
        name,
        "RAMB36E1",
        &[
            ("DOA_REG", if doa_reg { "1" } else { "0" }),
            ("RAM_MODE", "TDP"),
        ],
        &[
            ("CLKARDCLK", Dir::In, &[Some(clk)]),
            ("CLKBWRCLK", Dir::In, &[None]),
            ("ADDRARDADDR", Dir::In, &[Some(addr0), None]),
            ("ENARDEN", Dir::In, &[None]),
            ("DOADO", Dir::Out, &[Some(do0), None]),
        ],
    )
}

/// BRAM -> LUT -> FF. Without the output register: TRCKO_DO 2.460 + hop 0.500 + TILO 0.124 +
/// (LUT->FF) 0 + TDICK 0.062 = 3.146. With DOA_REG = 1: TRCKO_DO_REG 0.890 + ... = 1.576.
/// The address path FF -> ADDR (TCKO 0.456 + hop 0.500 + TRCCK_ADDR 0.570 = 1.526) is shorter.
#[test]
fn bram_to_lut_to_flip_flop() {
    for (reg, expect) in [(false, 3.146), (true, 1.576)] {
        let nl = netlist(
            &[("clock", 1)],
            vec![
                ff("addr", 1, None, 10),
                ramb36("mem", 1, reg, 10, 11),
                lut1("l", 11, 12),
                ff("dst", 1, Some(12), 13),
            ],
        );
        let r = analyze(&nl, NET).unwrap();
        let d = r.domain("clock").unwrap();
        assert!(close(d.period_ns, expect), "DOA_REG={reg}: {}", d.period_ns);
        assert_eq!(d.path.steps[0].cell_type, "RAMB36E1");
        assert_eq!(d.path.steps[0].from_pin, "CLKARDCLK");
        assert_eq!(d.path.levels.lut, 1);
    }
}

fn dsp(name: &str, clk: u32, regs: &[(&str, &str)], pins: &[(&str, Dir, &[Option<u32>])]) -> Cell {
    let clk = [Some(clk)];
    let mut all: Vec<(&str, Dir, &[Option<u32>])> = vec![("CLK", Dir::In, &clk[..])];
    all.extend_from_slice(pins);
    let mut params = vec![("USE_MULT", "MULTIPLY")];
    params.extend_from_slice(regs);
    cell(name, "DSP48E1", &params, &all)
}

/// FF -> DSP1 (AREG = BREG = 1, MREG = PREG = 0) -PCOUT->PCIN-> DSP2 (PREG = 1) -> FF.
/// Worst: DSP1's A/B registers -> multiplier -> PCOUT without MREG/PREG (1/FMAX 1.781 +
/// TDSPCKO_P_MREG 2.310 = 4.091, derived) -> dedicated cascade 0 -> PCIN setup to DSP2's PREG
/// (1.810, derived) = 5.901. The others: FF -> A register: TCKO 0.456 + hop 0.5 +
/// TDSPDCK_A_AREG 0.38 = 1.336; DSP2 P -> FF: TDSPCKO_P_PREG 0.45 + hop 0.5 + TDICK 0.062 =
/// 1.012.
#[test]
fn dsp_cascade() {
    let nl = netlist(
        &[("clock", 1)],
        vec![
            ff("a", 1, None, 10),
            ff("b", 1, None, 11),
            dsp(
                "m1",
                1,
                &[("AREG", "1"), ("BREG", "1"), ("MREG", "0"), ("PREG", "0")],
                &[
                    ("A", Dir::In, &[Some(10)]),
                    ("B", Dir::In, &[Some(11)]),
                    ("PCOUT", Dir::Out, &[Some(20), Some(21)]),
                ],
            ),
            dsp(
                "m2",
                1,
                &[("AREG", "0"), ("BREG", "0"), ("MREG", "0"), ("PREG", "1")],
                &[
                    ("PCIN", Dir::In, &[Some(20), Some(21)]),
                    ("P", Dir::Out, &[Some(30)]),
                ],
            ),
            ff("p", 1, Some(30), 31),
        ],
    );
    let r = analyze(&nl, NET).unwrap();
    let d = r.domain("clock").unwrap();
    assert!(close(d.period_ns, 5.901), "{}", d.period_ns);
    assert!(close(d.path.route_ns, 0.0), "the cascade is dedicated");
    assert_eq!(d.path.levels.dsp, 1, "one DSP entered after the start");
    assert_eq!(d.path.steps.first().unwrap().cell, "m1");
    assert_eq!(d.path.steps.last().unwrap().cell, "m2");
    assert_eq!(d.path.steps.last().unwrap().from_pin, "PREG");
}

/// Two clocks: a path from a `clock` register into an `ecdsa_clock` register is a crossing,
/// reported apart and not counted in either domain.
#[test]
fn clock_domains_and_crossings() {
    let nl = netlist(
        &[("clock", 1), ("ecdsa_clock", 2)],
        vec![
            ff("a", 1, None, 10),
            lut1("l1", 10, 11),
            lut1("l2", 11, 12),
            // a's Q has two loads (l1, d): hop 0.5 * (1 + 0.25) = 0.625.
            // crossing: 0.456 + 0.625 + 0.124 + 0.5 + 0.124 + 0 + 0.062 = 1.891
            ff("b", 2, Some(12), 13),
            // ecdsa_clock domain: 0.456 + 0.5 + 0.062 = 1.018
            ff("c", 2, Some(13), 14),
            // clock domain: 0.456 + 0.625 + 0.062 = 1.143
            ff("d", 1, Some(10), 15),
        ],
    );
    let r = analyze(&nl, NET).unwrap();
    assert!(close(r.domain("clock").unwrap().period_ns, 1.143));
    assert!(close(r.domain("ecdsa_clock").unwrap().period_ns, 1.018));
    assert_eq!(r.cdc.len(), 1);
    assert_eq!(
        (r.cdc[0].from_clock.as_str(), r.cdc[0].to_clock.as_str()),
        ("clock", "ecdsa_clock")
    );
    assert!(close(r.cdc[0].delay_ns, 1.891));
}

/// A clock through a BUFG is still its port's domain; a clock made by logic is named apart.
#[test]
fn clock_buffers_and_derived_clocks() {
    let bufg = cell(
        "bufg",
        "BUFG",
        &[],
        &[("I", Dir::In, &[Some(1)]), ("O", Dir::Out, &[Some(2)])],
    );
    let nl = netlist(
        &[("clock", 1)],
        vec![
            bufg,
            ff("a", 2, None, 10),
            ff("b", 2, Some(10), 11),
            lut1("div", 11, 12),
            ff("g", 12, Some(11), 13),
        ],
    );
    let r = analyze(&nl, NET).unwrap();
    assert!(r.domain("clock").is_some());
    assert!(r.cdc.iter().any(|c| c.to_clock.starts_with("derived:")));
    assert_eq!(
        r.notes
            .get("clock pins driven by logic (derived/gated clocks)"),
        Some(&1)
    );
}

/// A combinational loop is a typed error; an unknown cell type is timed and listed.
#[test]
fn loops_fail_and_unknown_cells_are_listed() {
    let nl = netlist(&[("clock", 1)], vec![lut1("x", 10, 11), lut1("y", 11, 10)]);
    assert!(matches!(
        analyze(&nl, NET),
        Err(TimingError::CombinationalLoop { nodes: 2, .. })
    ));
    let odd = cell(
        "odd",
        "XORCY",
        &[],
        &[("LI", Dir::In, &[Some(10)]), ("O", Dir::Out, &[Some(11)])],
    );
    let nl = netlist(
        &[("clock", 1)],
        vec![ff("a", 1, None, 10), odd, ff("b", 1, Some(11), 12)],
    );
    let r = analyze(&nl, NET).unwrap();
    assert_eq!(r.unknown_cells.get("XORCY"), Some(&1));
    // TCKO 0.456 + hop 0.5 + TUNKNOWN 0.124 + hop 0.5 (not a slice-local driver) + TDICK 0.062.
    assert!(close(r.domain("clock").unwrap().period_ns, 1.642));
}

/// LUT-RAM and SRL. RAM64M: read address -> DOA is combinational (TILO), the write side is
/// clocked (data setup TDS 0.5; DOA changes TSHCKO 1.3 after a write). SRLC32E: Q is a start
/// point (TREG 1.5), D an end point (0.45).
/// Paths: FF -> ADDRA -> DOA -> FF: 0.456 + 0.5 + 0.124 + 0.5 + 0.062 = 1.642;
/// RAM write -> DOA -> FF: 1.3 + 0.5 + 0.062 = 1.862; FF -> DIA: 0.456 + 0.5 + 0.5 = 1.456;
/// SRL Q -> FF: 1.5 + 0.5 + 0.062 = 2.062 (the worst); FF -> SRL D: 0.456 + 0.5 + 0.45.
#[test]
fn lutram_and_srl() {
    let ram = cell(
        "rf",
        "RAM64M",
        &[],
        &[
            ("WCLK", Dir::In, &[Some(1)]),
            ("WE", Dir::In, &[None]),
            ("ADDRA", Dir::In, &[Some(10), None]),
            ("ADDRD", Dir::In, &[None, None]),
            ("DIA", Dir::In, &[Some(11)]),
            ("DOA", Dir::Out, &[Some(12)]),
        ],
    );
    let srl = cell(
        "sr",
        "SRLC32E",
        &[],
        &[
            ("CLK", Dir::In, &[Some(1)]),
            ("CE", Dir::In, &[None]),
            ("A", Dir::In, &[None, None]),
            ("D", Dir::In, &[Some(20)]),
            ("Q", Dir::Out, &[Some(21)]),
        ],
    );
    let nl = netlist(
        &[("clock", 1)],
        vec![
            ff("ra", 1, None, 10),
            ff("wd", 1, None, 11),
            ram,
            ff("rd", 1, Some(12), 13),
            ff("sd", 1, None, 20),
            srl,
            ff("so", 1, Some(21), 22),
        ],
    );
    let r = analyze(&nl, NET).unwrap();
    let d = r.domain("clock").unwrap();
    assert!(close(d.period_ns, 2.062), "{}", d.period_ns);
    assert_eq!(d.path.steps[0].cell_type, "SRLC32E");
    // Without the SRL, the LUT-RAM's write-to-output path is the worst.
    let nl2 = netlist(&[("clock", 1)], nl.cells[..4].to_vec());
    let r2 = analyze(&nl2, NET).unwrap();
    let d2 = r2.domain("clock").unwrap();
    assert!(close(d2.period_ns, 1.862), "{}", d2.period_ns);
    assert_eq!(d2.path.steps[0].from_pin, "WCLK");
    // End points: DIA (write data) and rd's D; ADDRA is a read address only.
    assert_eq!(d2.endpoints, 2);
}
