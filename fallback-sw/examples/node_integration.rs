//! A node built on rust-bitcoin (`bitcoin` 0.32) validates a block through SatChain Accel.
//!
//! ```text
//! cargo run --release -p fallback-sw --example node_integration [BLOCK.raw] [HEIGHT]
//! ```
//! Default: Bitcoin block 413567 from `../shared/data` beside the repository. `cargo test`
//! runs this example too (`harness = false`), so it builds and passes in CI.
//!
//! What a node does, step by step:
//! 1. it holds the block as a `bitcoin::Block` (here: decoded from the raw file);
//! 2. it lends its UTXO view: any `PrevoutProvider`, here a `HashMap<bitcoin::OutPoint,
//!    bitcoin::TxOut>`; lookups borrow the stored outputs, nothing is copied per input;
//! 3. it picks a backend (`SoftwareBackend` here; the FPGA backend has the same trait);
//! 4. `validate_bitcoin_block` walks the block (no re-serialization) and returns the report
//!    plus the typed block hash, txids and (for segwit blocks) wtxids it computed, so the
//!    node does not hash the transactions again.
//!
//! **The UTXO view of this example.** The repository has block 413567 but not the ~4,900
//! outputs it spends from earlier blocks. The view built here holds what the example can
//! build honestly: the outputs of the block's own transactions. The inputs that spend an
//! earlier transaction of the same block are then checked against their real scriptPubKey
//! and amount; all other inputs are checked as far as the block alone allows (P2PKH and P2SH
//! multisig by their scriptSig's shape; see crypto-core's README). A node passes its real
//! UTXO set in the same place.

use std::collections::HashMap;
use std::error::Error;
use std::path::PathBuf;

use bitcoin::{OutPoint, TxOut};
use crypto_core::params::Network;
use crypto_core::{validate_bitcoin_block, Chain, ValidateOptions};
use fallback_sw::SoftwareBackend;

fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    let path = args.next().map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../shared/data/bitcoin-core/block413567.raw")
    });
    let height: u32 = match args.next() {
        Some(h) => h.parse()?,
        None => 413_567,
    };
    let raw = std::fs::read(&path)
        .map_err(|e| format!("cannot read {} (the real block data): {e}", path.display()))?;

    // 1. The node's block.
    let block: bitcoin::Block = bitcoin::consensus::deserialize(&raw)?;

    // 2. The node's UTXO view (here: the block's own outputs, see the module docs).
    let utxos: HashMap<OutPoint, TxOut> = block
        .txdata
        .iter()
        .flat_map(|tx| {
            let txid = tx.compute_txid();
            (0u32..)
                .zip(&tx.output)
                .map(move |(vout, out)| (OutPoint { txid, vout }, out.clone()))
        })
        .collect();
    let spends_in_block = block
        .txdata
        .iter()
        .flat_map(|tx| &tx.input)
        .filter(|i| utxos.contains_key(&i.previous_output))
        .count();

    // 3. The backend, and the options of the node's chain position.
    let backend = SoftwareBackend::parallel(0);
    let opts = ValidateOptions::builder(Chain::Bitcoin)
        .network(Network::Mainnet)
        .height(height)
        .prevouts(&utxos)
        .build()?;

    // 4. Validate, and use what came back.
    let r = validate_bitcoin_block(&block, &opts, &backend);
    let rep = &r.report;
    println!(
        "block {} at height {height}: {}",
        r.block_hash.map(|h| h.to_string()).unwrap_or_default(),
        if rep.valid { "VALID" } else { "INVALID" }
    );
    println!(
        "  {} txs, {} inputs ({spends_in_block} spend outputs of this block, checked against them)",
        rep.txs, rep.inputs
    );
    println!(
        "  signatures: {} checked, {} valid, {} invalid, {} not checkable",
        rep.signatures.checked,
        rep.signatures.valid,
        rep.signatures.invalid,
        rep.signatures.not_checkable
    );
    println!(
        "  {} txids returned (first {}), wtxids: {}",
        r.txids.len(),
        r.txids.first().map(|t| t.to_string()).unwrap_or_default(),
        r.wtxids
            .as_ref()
            .map_or("none (no witness commitment)".to_string(), |w| format!(
                "{}",
                w.len()
            ))
    );
    // The node indexes the block by the txids it got back, without hashing again.
    let index: HashMap<bitcoin::Txid, usize> =
        r.txids.iter().enumerate().map(|(i, t)| (*t, i)).collect();
    println!("  txid index: {} entries", index.len());

    if let Some(e) = &rep.error {
        return Err(format!("block rejected: {e}").into());
    }
    Ok(())
}
