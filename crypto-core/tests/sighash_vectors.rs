#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::cast_possible_truncation
)]
mod common;

use common::{read_data, sha256d_sw};
use crypto_core::encode::display_hex;
use crypto_core::header::QtumHeader;
use crypto_core::sighash::{legacy_preimage, LegacySighash, SIGHASH_ONE};
use crypto_core::Transaction;

/// All 500 legacy vectors of Bitcoin Core's sighash.json:
/// [raw_tx, script, input_index, hashType, expected display hex].
#[test]
fn sighash_json_all_vectors() {
    let v: serde_json::Value =
        serde_json::from_slice(&read_data("bitcoin-core/sighash.json")).unwrap();
    let mut n = 0;
    for row in v.as_array().unwrap() {
        let row = row.as_array().unwrap();
        if row.len() == 1 {
            continue; // comment
        }
        let tx = Transaction::parse_exact(&hex::decode(row[0].as_str().unwrap()).unwrap())
            .unwrap_or_else(|e| panic!("vector {n}: {e}"));
        let script = hex::decode(row[1].as_str().unwrap()).unwrap();
        let nin = row[2].as_u64().unwrap() as usize;
        let ht = row[3].as_i64().unwrap() as i32;
        let want = row[4].as_str().unwrap();
        let digest = match legacy_preimage(&tx, nin, &script, ht) {
            LegacySighash::Preimage(p) => sha256d_sw(&p),
            LegacySighash::One => SIGHASH_ONE,
        };
        assert_eq!(
            display_hex(&digest),
            want,
            "sighash vector {n}: hashType {ht} input {nin}"
        );
        n += 1;
    }
    assert_eq!(n, 500, "expected all 500 vectors");
}

/// Qtum genesis headers (181 bytes, empty signature) for the four networks.
#[test]
fn qtum_genesis_headers() {
    let text = String::from_utf8(read_data("qtum/genesis.txt")).unwrap();
    let get = |k: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("{k} = ")))
            .map(|s| s.split_whitespace().next().unwrap().to_string())
            .unwrap_or_else(|| panic!("genesis.txt lacks {k}"))
    };
    for net in ["mainnet", "testnet", "signet", "regtest"] {
        let raw = hex::decode(get(&format!("{net}.header_hex"))).unwrap();
        assert_eq!(raw.len(), 181);
        let h = QtumHeader::parse(&raw).unwrap();
        assert!(!h.is_proof_of_stake());
        assert!(h.block_sig.is_empty());
        assert_eq!(h.block_hash_preimage(), raw, "{net}: re-serialization");
        assert_eq!(
            display_hex(&sha256d_sw(&raw)),
            get(&format!("{net}.hashGenesisBlock")),
            "{net}"
        );
        assert_eq!(
            h.base.nonce.to_string(),
            get(&format!("{net}.nNonce")),
            "{net} nonce"
        );
        assert_eq!(
            format!("{:#010x}", h.base.bits),
            get(&format!("{net}.nBits")),
            "{net} bits"
        );
        assert_eq!(
            display_hex(&h.base.merkle_root),
            get("common.hashMerkleRoot")
        );
        assert_eq!(
            hex::encode(h.hash_state_root),
            get("common.hashStateRoot (serialized bytes)")
        );
        // Mainnet/testnet/signet genesis meet Qtum's powLimit; regtest's 0x207fffff does not.
        let pow = crypto_core::pow::check_pow(
            &sha256d_sw(&raw),
            h.base.bits,
            &crypto_core::pow::QTUM_POW_LIMIT,
        );
        assert_eq!(pow.is_ok(), net != "regtest", "{net}: {pow:?}");
    }
    // The genesis coinbase tx from the file has the committed merkle root as its txid.
    let cb = hex::decode(get("common.coinbase_tx_hex")).unwrap();
    let tx = Transaction::parse_exact(&cb).unwrap();
    assert!(tx.is_coinbase());
    assert_eq!(
        display_hex(&sha256d_sw(&tx.serialize(false))),
        get("common.hashMerkleRoot")
    );
}

/// BIP143's first example (native P2WPKH, input 1, SIGHASH_ALL, 6 BTC).
#[test]
fn bip143_native_p2wpkh_example() {
    use crypto_core::sighash::{bip143_parts, bip143_preimage, Bip143Hashes};
    let tx = Transaction::parse_exact(&hex::decode(
        "0100000002fff7f7881a8099afa6940d42d1e7f6362bec38171ea3edf433541db4e4ad969f0000000000eeffffffef51e1b804cc89d182d279655c3aa89e815b1b309fe287d9b2b55d57b90ec68a0100000000ffffffff02202cb206000000001976a9148280b37df378db99f66f85c95a783a76ac7a6d5988ac9093510d000000001976a9143bde42dbee7e4dbe6a21b2d50ce2f0167faa815988ac11000000",
    ).unwrap()).unwrap();
    let parts = bip143_parts(&tx);
    let hashes = Bip143Hashes {
        hash_prevouts: sha256d_sw(&parts.prevouts),
        hash_sequence: sha256d_sw(&parts.sequences),
        hash_outputs: sha256d_sw(&parts.outputs),
    };
    assert_eq!(
        hex::encode(hashes.hash_prevouts),
        "96b827c8483d4e9b96712b6713a7b68d6e8003a781feba36c31143470b4efd37"
    );
    assert_eq!(
        hex::encode(hashes.hash_sequence),
        "52b0a642eea2fb7ae638c36f6252b6750293dbe574a806984b8e4d8548339a3b"
    );
    assert_eq!(
        hex::encode(hashes.hash_outputs),
        "863ef3e1a92afbfdb97f31ad0fc7683ee943e9abcf2501590ff8f6551f47e5e5"
    );
    let code = hex::decode("76a9141d0f172a0ecb48aee1be1f2687d2963ae33f71a188ac").unwrap();
    let pre = bip143_preimage(&tx, 1, &code, 600_000_000, 1, &hashes, None).unwrap();
    assert_eq!(
        hex::encode(sha256d_sw(&pre)),
        "c37af31116d1b27caf68aae9e3ac82f1477929014d5b917657d0eb49478cb670"
    );
}
