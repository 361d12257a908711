//! The closed sets of option values (`--chain`, `--network`, `--backend`, `--verifier`) as clap
//! [`ValueEnum`]s: clap checks the name (case-insensitively, where the option says
//! `ignore_case`), lists the possible values in `--help`, and names the flag in the error
//! for a wrong value. Each converts into the library type it selects.

use clap::builder::PossibleValue;
use clap::ValueEnum;
use crypto_core::params::Network;
use crypto_core::Chain;
use fallback_sw::Verifier;

/// `--chain`: block format and consensus rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ChainArg {
    /// Bitcoin (80-byte header, segwit, Taproot).
    #[value(alias = "btc")]
    Bitcoin,
    /// Qtum (the header adds state roots, the stake prevout and the block signature).
    Qtum,
}

impl From<ChainArg> for Chain {
    fn from(c: ChainArg) -> Chain {
        match c {
            ChainArg::Bitcoin => Chain::Bitcoin,
            ChainArg::Qtum => Chain::Qtum,
        }
    }
}

/// `--network`: activation heights, proof-of-work limit, Qtum staking heights.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum NetworkArg {
    /// The main network.
    #[value(alias = "main")]
    Mainnet,
    /// Bitcoin testnet3 / Qtum testnet.
    #[value(aliases = ["test", "testnet3"])]
    Testnet,
    /// Bitcoin testnet4 (BIP94).
    Testnet4,
    /// Bitcoin's default signet.
    Signet,
    /// Local test network.
    Regtest,
}

impl From<NetworkArg> for Network {
    fn from(n: NetworkArg) -> Network {
        match n {
            NetworkArg::Mainnet => Network::Mainnet,
            NetworkArg::Testnet => Network::Testnet,
            NetworkArg::Testnet4 => Network::Testnet4,
            NetworkArg::Signet => Network::Signet,
            NetworkArg::Regtest => Network::Regtest,
        }
    }
}

/// `--verifier`: the library that checks the ECDSA and BIP340 equations on `--backend sw`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum VerifierArg {
    /// libsecp256k1 (C, through the `secp256k1` crate): the fastest, the default.
    #[value(name = "libsecp256k1")]
    Libsecp256k1,
    /// k256 (pure Rust).
    #[value(name = "k256")]
    K256,
}

impl From<VerifierArg> for Verifier {
    fn from(v: VerifierArg) -> Verifier {
        match v {
            VerifierArg::Libsecp256k1 => Verifier::Libsecp256k1,
            VerifierArg::K256 => Verifier::K256,
        }
    }
}

/// `--backend`: where the hashes and signature checks run.
///
/// `ValueEnum` by hand, not derived: `sim` exists only with the `sim` feature (the board CLI
/// has no simulator), and the derive cannot leave a variant out of the possible values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackendKind {
    /// Software (`fallback-sw`).
    Sw,
    /// The Verilated accelerator top through the real driver (development build only).
    #[cfg(feature = "sim")]
    Sim,
    /// The board (UIO device, software fallback).
    Fpga,
}

impl BackendKind {
    /// The name on the command line and in the JSON output.
    pub fn name(self) -> &'static str {
        match self {
            BackendKind::Sw => "sw",
            #[cfg(feature = "sim")]
            BackendKind::Sim => "sim",
            BackendKind::Fpga => "fpga",
        }
    }
}

impl ValueEnum for BackendKind {
    fn value_variants<'a>() -> &'a [Self] {
        &[
            BackendKind::Sw,
            #[cfg(feature = "sim")]
            BackendKind::Sim,
            BackendKind::Fpga,
        ]
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        let help = match self {
            BackendKind::Sw => "software",
            #[cfg(feature = "sim")]
            BackendKind::Sim => "Verilator simulation of the accelerator",
            BackendKind::Fpga => "the board",
        };
        Some(PossibleValue::new(self.name()).help(help))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choices_name_the_library_values() {
        for c in ChainArg::value_variants() {
            let name = c.to_possible_value().map(|p| p.get_name().to_string());
            assert_eq!(name, Some(Chain::from(*c).to_string()));
        }
        for n in NetworkArg::value_variants() {
            let name = n.to_possible_value().map(|p| p.get_name().to_string());
            let parsed: Result<Network, _> = name.as_deref().unwrap_or("").parse();
            assert_eq!(parsed, Ok(Network::from(*n)));
        }
        for v in VerifierArg::value_variants() {
            let name = v.to_possible_value().map(|p| p.get_name().to_string());
            assert_eq!(name.as_deref(), Some(Verifier::from(*v).name()));
        }
        // Every verifier the library has is selectable.
        assert_eq!(VerifierArg::value_variants().len(), Verifier::ALL.len());
    }
}
