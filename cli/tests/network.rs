#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::cast_possible_truncation
)]
//! `validate-block --network / --height / --regtest / --chain`: names are case-insensitive,
//! the network reaches the report, a blk file's magic picks its network, and a network the
//! chain does not have is a usage error.

mod common;

use common::{data, one_json, satchain, tmp};

fn path(p: &std::path::Path) -> &str {
    p.to_str().expect("utf-8 path")
}

#[test]
fn cli_network_names_are_case_insensitive_and_reported() {
    let f = data("qtum/blockbench.raw");
    let o = satchain(
        &[
            "validate-block",
            path(&f),
            "--chain",
            "QTUM",
            "--network",
            "TestNet",
            "--json",
        ],
        None,
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v = one_json(&o);
    assert_eq!(v["chain"], "qtum");
    assert_eq!(v["network"], "testnet");
    assert_eq!(v["valid"], true);
}

#[test]
fn cli_network_the_chain_lacks_is_a_usage_error() {
    let f = data("qtum/blockbench.raw");
    let o = satchain(
        &[
            "validate-block",
            path(&f),
            "--chain",
            "qtum",
            "--network",
            "testnet4",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(e.contains("qtum has no testnet4 network"), "{e}");
    // --regtest is an alias of --network regtest, not a second network.
    let o = satchain(
        &[
            "validate-block",
            path(&f),
            "--regtest",
            "--network",
            "mainnet",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn cli_height_enables_bip34_against_the_node_height() {
    let f = data("qtum/blockbench.raw");
    let run = |h: &str| {
        satchain(
            &[
                "validate-block",
                path(&f),
                "--chain",
                "qtum",
                "--height",
                h,
                "--json",
            ],
            None,
        )
    };
    let o = run("42987");
    assert_eq!(o.status.code(), Some(0));
    let o = run("42988");
    assert_eq!(o.status.code(), Some(1));
    let v = one_json(&o);
    let e = v["error"].as_str().unwrap();
    assert!(
        e.contains("does not start with height 42988 (BIP34)"),
        "{e}"
    );
}

/// A blk file framed with Qtum testnet's magic is validated as Qtum testnet.
#[test]
fn cli_blk_magic_selects_chain_and_network() {
    let q = std::fs::read(data("qtum/blockbench.raw")).unwrap();
    let mut blk = vec![0x0d, 0x22, 0x15, 0x06];
    blk.extend_from_slice(&(q.len() as u32).to_le_bytes());
    blk.extend_from_slice(&q);
    let f = tmp("qtum-testnet-blk.dat");
    std::fs::write(&f, &blk).unwrap();
    let o = satchain(&["validate-block", path(&f), "--json"], None);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v = one_json(&o);
    assert_eq!(
        (v["chain"].as_str(), v["network"].as_str()),
        (Some("qtum"), Some("testnet"))
    );
    std::fs::remove_file(&f).ok();
}
