//! The block catalogue: every design this crate generates, listed once with its name, what it
//! is, its Verilog, its clock domain and who builds it. The Verilog generator (`gen-verilog`,
//! [`gen_files`]), the Verilator models of `verif` ([`sim_models`]), the synthesis script
//! (`bitstreams/synth.sh` synthesizes what `gen-verilog` writes) and `satchain hw-report`
//! (the clock domains, [`synth_blocks_in`]) all read this list and no other.
//!
//! Each block's owner lists its entries beside the block (`sha256::BLOCKS`,
//! `ecdsa::BLOCKS`, `top::BLOCKS`, `selftest::BLOCKS`, `calib::BLOCKS`, `vring::BLOCKS`, `vcore::BLOCKS`); [`catalog`] puts them together. To add
//! a block: write it, add one [`Block`] to its module's list, and everything above picks it
//! up (a Verilator model when `sim`, a synthesized and linted file when `synth`).

/// The clock a block runs on in the accelerator. The shipped top (`RingTop`) has one clock,
/// `clock`; the engine tops (`AccelTop`, simulation models) have `clock` and `ecdsa_clock`,
/// asynchronous to each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Domain {
    /// The bus clock: AXI4-Lite, register block, hash cluster, DMA.
    Bus,
    /// The engines' clock (`ecdsa_clock`). An engine behind its crossing (`EngineCdc`)
    /// counts here: its long paths are the engine's.
    Engine,
    /// Both clocks (the top).
    Both,
    /// Not part of the accelerator (a test harness, the timing-model reference).
    Test,
}

impl Domain {
    pub const fn name(self) -> &'static str {
        match self {
            Domain::Bus => "bus",
            Domain::Engine => "engine",
            Domain::Both => "bus+engine",
            Domain::Test => "test",
        }
    }
}

/// One catalogued design.
#[derive(Debug, Clone, Copy)]
pub struct Block {
    /// File stem (`<name>.v`) and Verilator model name (`V<name>`).
    pub name: &'static str,
    /// What the design is.
    pub doc: &'static str,
    pub domain: Domain,
    /// The port of its domain's clock in its own Verilog (`clock`; the engine behind its
    /// crossing: `eclock`; the top, in both domains: `clock` is the bus clock and
    /// `ecdsa_clock` the engines'). The timing model names each clock domain by this port.
    pub clock: &'static str,
    /// `gen-verilog` writes it: synthesized (`bitstreams/synth.sh`), linted, in `hw-report`.
    pub synth: bool,
    /// `verif` builds a Verilator model of it.
    pub sim: bool,
    /// Its complete Verilog (top module `top`, rust-hdl's convention); `None` when it cannot
    /// be built now (a test program that does not assemble: tests opening the model then
    /// fail with "no such model"). Synthesized blocks always return `Some`.
    pub verilog: fn() -> Option<String>,
}

/// Every catalogued design, in a fixed order (the order of `gen-verilog`'s manifest).
pub fn catalog() -> Vec<Block> {
    [
        crate::top::BLOCKS,
        crate::sha256::BLOCKS,
        crate::regblock::BLOCKS,
        crate::ecdsa::BLOCKS,
        crate::selftest::BLOCKS,
        crate::calib::BLOCKS,
        crate::vring::BLOCKS,
        crate::vcore::BLOCKS,
    ]
    .concat()
}

/// One design that `verif` builds into a Verilator model.
#[derive(Debug, Clone)]
pub struct SimModel {
    /// Model name: the Verilator prefix becomes `V<name>`; Rust code opens it by this name.
    pub name: &'static str,
    /// Complete Verilog text; its top module is `top` (rust-hdl's convention).
    pub verilog: String,
}

/// Every design that `verif` builds into a Verilator model (the catalogue's `sim` entries).
pub fn sim_models() -> Vec<SimModel> {
    catalog()
        .into_iter()
        .filter(|b| b.sim)
        .filter_map(|b| {
            (b.verilog)().map(|verilog| SimModel {
                name: b.name,
                verilog,
            })
        })
        .collect()
}

/// One file written by `gen-verilog`.
#[derive(Debug, Clone)]
pub struct GenFile {
    /// File stem (`<name>.v`).
    pub name: &'static str,
    /// What the file holds.
    pub doc: &'static str,
    pub domain: Domain,
    pub verilog: String,
}

/// Every file `gen-verilog` writes (the catalogue's `synth` entries): the whole top and each
/// block on its own (each file's module is `top`; synthesize them one at a time).
pub fn gen_files() -> Vec<GenFile> {
    catalog()
        .into_iter()
        .filter(|b| b.synth)
        .map(|b| GenFile {
            name: b.name,
            doc: b.doc,
            domain: b.domain,
            // A synthesized block always generates (see `Block::verilog`); an empty text
            // would fail synthesis and lint loudly.
            verilog: (b.verilog)().unwrap_or_default(),
        })
        .collect()
}

/// The synthesized blocks of a clock domain, each with its clock port (for `hw-report`'s
/// per-domain clock estimate when the whole top has no timing).
pub fn synth_blocks_in(domain: Domain) -> Vec<(&'static str, &'static str)> {
    catalog()
        .into_iter()
        .filter(|b| b.synth && b.domain == domain)
        .map(|b| (b.name, b.clock))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_every_block_is_used() {
        let all = catalog();
        for (i, a) in all.iter().enumerate() {
            assert!(
                a.synth || a.sim,
                "{} is neither synthesized nor simulated",
                a.name
            );
            assert!(
                all[i + 1..].iter().all(|b| b.name != a.name),
                "{} listed twice",
                a.name
            );
            assert!(
                a.name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                "{}: names are file stems and C++ identifiers",
                a.name
            );
        }
        assert!(all.iter().any(|b| b.name == "top" && b.synth && b.sim));
    }
}
