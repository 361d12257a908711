//! Network parameters: the table itself (magics, limits, heights) against facts that can be
//! recomputed here, and the rules each network's parameters switch (script flags, block
//! version, BIP34, segwit activation, proof-of-work limit, Qtum's last PoW block and stake
//! timestamp) on blocks built from the real ones.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::cast_possible_truncation
)]
mod common;

use common::{read_data, sha256d_sw, TestBackend};
use crypto_core::header::Header;
use crypto_core::params::{Network, NetworkParams, NETWORKS};
use crypto_core::pow::{check_pow, PowError};
use crypto_core::{validate_block, Block, Chain, ValidateOptions, ValidationError};

fn opts(chain: Chain, network: Network) -> ValidateOptions<'static> {
    ValidateOptions::builder(chain)
        .network(network)
        .build()
        .unwrap()
}

#[test]
fn network_names_parse_case_insensitively() {
    for n in Network::ALL {
        assert_eq!(n.as_str().parse::<Network>(), Ok(n));
        assert_eq!(n.as_str().to_uppercase().parse::<Network>(), Ok(n));
    }
    assert_eq!("Testnet3".parse::<Network>(), Ok(Network::Testnet));
    assert_eq!("main".parse::<Network>(), Ok(Network::Mainnet));
    assert!("testnet5".parse::<Network>().is_err());
}

#[test]
fn every_chain_network_pair_is_listed_once_and_magics_are_unique() {
    for chain in [Chain::Bitcoin, Chain::Qtum] {
        for n in Network::ALL {
            let found = NETWORKS
                .iter()
                .filter(|p| p.chain == chain && p.network == n)
                .count();
            let expected = usize::from(
                chain == Chain::Bitcoin
                    || matches!(n, Network::Mainnet | Network::Testnet | Network::Regtest),
            );
            assert_eq!(found, expected, "{chain} {n}");
        }
    }
    for p in &NETWORKS {
        assert_eq!(NetworkParams::by_magic(&p.magic).unwrap().name, p.name);
        assert_eq!(
            crypto_core::blkfile::magic_name(&p.magic),
            Some(p.name),
            "{}",
            p.name
        );
    }
    assert!(NetworkParams::get(Chain::Qtum, Network::Testnet4).is_none());
    assert!(ValidateOptions::builder(Chain::Qtum)
        .network(Network::Signet)
        .build()
        .is_err());
}

/// Signet's message start is the first 4 bytes of SHA256d of the serialized challenge
/// (BIP325); the default challenge is a 1-of-2 multisig.
#[test]
fn signet_magic_is_derived_from_its_challenge() {
    let challenge = hex::decode(
        "512103ad5e0edad18cb1f0fc0d28a3d4f1f3e445640337489abb10404f2d1e086be430210359ef5021964fe22d6f8e05b2463c9540ce96883fe3b278760f048f5189f2e6c452ae",
    )
    .unwrap();
    let mut ser = vec![challenge.len() as u8];
    ser.extend_from_slice(&challenge);
    let h = sha256d_sw(&ser);
    let p = NetworkParams::get(Chain::Bitcoin, Network::Signet).unwrap();
    assert_eq!(p.magic, h[..4]);
}

fn display_to_internal(hex_display: &str) -> [u8; 32] {
    let mut v = hex::decode(hex_display).unwrap();
    v.reverse();
    v.try_into().unwrap()
}

/// Each network's genesis meets its own powLimit, and the regtest genesis (nBits 0x207fffff)
/// is above every other limit.
#[test]
fn genesis_blocks_meet_their_network_pow_limit() {
    let btc: [(Network, &str, u32); 5] = [
        (
            Network::Mainnet,
            "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f",
            0x1d00ffff,
        ),
        (
            Network::Testnet,
            "000000000933ea01ad0ee984209779baaec3ced90fa3f408719526f8d77f4943",
            0x1d00ffff,
        ),
        (
            Network::Testnet4,
            "00000000da84f2bafbbc53dee25a72ae507ff4914b867c565be350b0da8bf043",
            0x1d00ffff,
        ),
        (
            Network::Signet,
            "00000008819873e925422c1ff0f99f7cc9bbb232af63a077a480a3633bee1ef6",
            0x1e0377ae,
        ),
        (
            Network::Regtest,
            "0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206",
            0x207fffff,
        ),
    ];
    for (n, hash, bits) in btc {
        let p = NetworkParams::get(Chain::Bitcoin, n).unwrap();
        assert_eq!(
            check_pow(&display_to_internal(hash), bits, &p.pow_limit),
            Ok(()),
            "{n}"
        );
        if n != Network::Regtest {
            let rt = display_to_internal(btc[4].1);
            assert_eq!(
                check_pow(&rt, 0x207fffff, &p.pow_limit),
                Err(PowError::AbovePowLimit),
                "{n}"
            );
        }
    }
    // Qtum: hashes from ../shared/data/qtum/genesis.txt (nBits 0x1f00ffff, regtest 0x207fffff).
    let genesis = String::from_utf8(read_data("qtum/genesis.txt")).unwrap();
    let field = |k: &str| {
        genesis
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{k} = ")))
            .unwrap()
            .trim()
            .to_string()
    };
    for (n, key) in [
        (Network::Mainnet, "mainnet"),
        (Network::Testnet, "testnet"),
        (Network::Regtest, "regtest"),
    ] {
        let p = NetworkParams::get(Chain::Qtum, n).unwrap();
        let hash = display_to_internal(&field(&format!("{key}.hashGenesisBlock")));
        let bits = u32::from_str_radix(field(&format!("{key}.nBits")).trim_start_matches("0x"), 16)
            .unwrap();
        assert_eq!(check_pow(&hash, bits, &p.pow_limit), Ok(()), "qtum {n}");
    }
}

#[test]
fn script_flags_follow_each_network_activation_heights() {
    // (network, height, strict DER, NULLDUMMY)
    let cases = [
        (Network::Mainnet, 363_724, false, false),
        (Network::Mainnet, 363_725, true, false),
        (Network::Mainnet, 481_824, true, true),
        (Network::Testnet, 330_775, false, false),
        (Network::Testnet, 330_776, true, false),
        (Network::Testnet, 834_624, true, true),
        (Network::Testnet4, 1, true, true),
        (Network::Signet, 1, true, true),
        (Network::Regtest, 1, true, true),
    ];
    for (n, h, der, dummy) in cases {
        let f = opts(Chain::Bitcoin, n).script_flags(Some(h));
        assert_eq!((f.strict_der, f.null_dummy), (der, dummy), "{n} at {h}");
    }
    // Unknown height: only what is active from genesis (regtest's segwit, Qtum's BIP66).
    let f = opts(Chain::Bitcoin, Network::Regtest).script_flags(None);
    assert_eq!((f.strict_der, f.null_dummy), (false, true));
    let f = opts(Chain::Qtum, Network::Mainnet).script_flags(None);
    assert_eq!((f.strict_der, f.null_dummy), (true, false));
    let f = opts(Chain::Qtum, Network::Mainnet).script_flags(Some(6_048));
    assert_eq!((f.strict_der, f.null_dummy), (true, true));
}

#[test]
fn block_413567_validates_on_every_bitcoin_network_it_can_belong_to() {
    let raw = read_data("bitcoin-core/block413567.raw");
    let be = TestBackend::default();
    for n in Network::ALL {
        let rep = validate_block(&raw, &opts(Chain::Bitcoin, n), &be);
        assert!(rep.valid, "{n}: {:?}", rep.error);
        assert_eq!(rep.height, Some(413_567));
        assert!(rep.flags.unwrap().strict_der);
        // Segwit (NULLDUMMY) is active at 413,567 only where it activated at genesis or block 1.
        let early_segwit = !matches!(n, Network::Mainnet | Network::Testnet);
        assert_eq!(rep.flags.unwrap().null_dummy, early_segwit, "{n}");
    }
}

/// Block 413567 with version 3: below mainnet's BIP65 minimum (4 from 388,381), fine on
/// testnet3 (BIP65 at 581,885: 3 is enough at 413,567).
#[test]
fn block_version_minimum_is_per_network() {
    let raw = read_data("bitcoin-core/block413567.raw");
    let mut b = Block::parse(&raw, Chain::Bitcoin).unwrap();
    let Header::Bitcoin(h) = &mut b.header else {
        unreachable!()
    };
    h.version = 3;
    let raw = b.serialize();
    let be = TestBackend::default();
    let run = |n: Network| {
        let o = ValidateOptions::builder(Chain::Bitcoin)
            .network(n)
            .check_pow(false) // the version is under the proof of work
            .build()
            .unwrap();
        validate_block(&raw, &o, &be)
    };
    let rep = run(Network::Mainnet);
    assert_eq!(
        rep.error_detail,
        Some(ValidationError::BadVersion {
            version: 3,
            height: 413_567,
            min: 4
        }),
        "{:?}",
        rep.error
    );
    let rep = run(Network::Testnet);
    assert!(rep.valid, "{:?}", rep.error);
}

/// With the node's height the coinbase must start with exactly that height (BIP34).
#[test]
fn bip34_height_from_the_node_is_enforced() {
    let raw = read_data("bitcoin-core/block413567.raw");
    let be = TestBackend::default();
    let with_height = |h: u32| {
        ValidateOptions::builder(Chain::Bitcoin)
            .height(h)
            .build()
            .unwrap()
    };
    let rep = validate_block(&raw, &with_height(413_567), &be);
    assert!(rep.valid, "{:?}", rep.error);
    let rep = validate_block(&raw, &with_height(413_568), &be);
    assert!(
        matches!(
            rep.error_detail,
            Some(ValidationError::BadCoinbaseHeight {
                expected: Some(413_568),
                ..
            })
        ),
        "{:?}",
        rep.error
    );
    // Below BIP34 activation any coinbase prefix is allowed (the version rule still holds:
    // below BIP34 there is none).
    let rep = validate_block(&raw, &with_height(100_000), &be);
    assert!(rep.valid, "{:?}", rep.error);
    assert!(!rep.flags.unwrap().strict_der);
}

/// Qtum mainnet: a proof-of-work block above height 5,000 is rejected (`reject-pow`);
/// regtest allows proof of work at any height.
#[test]
fn qtum_proof_of_work_after_the_last_pow_block() {
    let raw = read_data("qtum/blockbench.raw");
    let mut b = Block::parse(&raw, Chain::Qtum).unwrap();
    let Header::Qtum(q) = &mut b.header else {
        unreachable!()
    };
    q.prevout_stake = crypto_core::OutPoint::NULL;
    q.block_sig.clear();
    let raw = b.serialize();
    let be = TestBackend::default();
    let run = |n: Network| {
        let o = ValidateOptions::builder(Chain::Qtum)
            .network(n)
            .check_pow(false)
            .build()
            .unwrap();
        validate_block(&raw, &o, &be)
    };
    let rep = run(Network::Mainnet);
    assert!(!rep.proof_of_stake);
    assert_eq!(
        rep.error_detail,
        Some(ValidationError::ProofOfWorkAfterLastPowBlock {
            height: 42_987,
            last: 5_000
        }),
        "{:?}",
        rep.error
    );
    let rep = run(Network::Regtest);
    assert!(
        !matches!(
            rep.error_detail,
            Some(ValidationError::ProofOfWorkAfterLastPowBlock { .. })
        ),
        "{:?}",
        rep.error
    );
}

/// The real Qtum block validates on Qtum mainnet and testnet (height 42,987 is below both
/// header-signature heights). On regtest, offline staking is active from block 1, so its DER
/// block signature is not the recoverable compact signature required there. Qtum has no
/// testnet4 or signet.
#[test]
fn qtum_block_per_network() {
    let raw = read_data("qtum/blockbench.raw");
    let be = TestBackend::default();
    for n in [Network::Mainnet, Network::Testnet] {
        let rep = validate_block(&raw, &opts(Chain::Qtum, n), &be);
        assert!(rep.valid, "{n}: {:?}", rep.error);
    }
    let rep = validate_block(&raw, &opts(Chain::Qtum, Network::Regtest), &be);
    assert_eq!(
        rep.error_detail,
        Some(ValidationError::BadBlockSignature {
            reason: crypto_core::validate::BlockSigError::NotRecoverable { from_height: 1 }
        }),
        "{:?}",
        rep.error
    );
    assert_eq!(rep.block_signature_ok, Some(false));
    let mut o = ValidateOptions::new(Chain::Qtum);
    o.network = Network::Testnet4;
    let rep = validate_block(&raw, &o, &be);
    assert_eq!(
        rep.error_detail,
        Some(ValidationError::UnsupportedNetwork {
            chain: Chain::Qtum,
            network: Network::Testnet4
        })
    );
}
