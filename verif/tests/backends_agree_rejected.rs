//! `sim` and `fpga` agree with `sw` on rejected blocks too: the same first error (rule, tx,
//! input, reason text), the same counts and flags, the same jobs. Blocks are built from the
//! real ones: tampered, off-curve, overflowing and zero signature values, a bad multisig
//! signature, a flipped transaction bit, broken proof of work, a duplicated transaction, a
//! non-canonical and a wrong Qtum block signature, a Qtum block with a tampered input.
//!
//! The FPGA backend runs over the behavioural device model (`MockBus<DeviceModel>`) on every
//! case; the Verilated top (`sim`) on the small ones only (it is slow). Both run with no spot
//! checks and FaultPolicy::Error: every verdict in the report comes from the device, and a
//! device fault fails the case instead of being hidden by the software fallback.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::cast_possible_truncation
)]

use crypto_core::header::Header;
use crypto_core::params::Network;
use crypto_core::script::push_only;
use crypto_core::{validate_block, Backend, Block, BlockReport, Chain, ValidateOptions};
use fallback_sw::demo::{build_demo_block, reseal_block};
use fallback_sw::SoftwareBackend;
use satchain_fpga::{FaultPolicy, FpgaBackend, FpgaConfig};
use testkit::data::read as data;
use testkit::mock::MockBus;
use testkit::model::{DeviceModel, ModelConfig};

/// One rejected block: a name, the bytes, the options it is validated under, and whether it
/// is small enough for the Verilated top.
struct Case {
    name: &'static str,
    raw: Vec<u8>,
    chain: Chain,
    network: Network,
    small: bool,
}

impl Case {
    fn opts(&self) -> ValidateOptions<'static> {
        ValidateOptions::builder(self.chain)
            .network(self.network)
            .build()
            .unwrap()
    }
}

/// Block 413567 cut to its first `n` transactions, edited by `edit`, then resealed (merkle
/// root and regtest proof of work recomputed): validated as regtest.
fn btc_case(name: &'static str, n: usize, edit: impl Fn(&mut Block)) -> Case {
    let mut b = Block::parse(&data("bitcoin-core/block413567.raw"), Chain::Bitcoin).unwrap();
    b.txs.truncate(n);
    edit(&mut b);
    Case {
        name,
        raw: reseal_block(&b.serialize()).unwrap(),
        chain: Chain::Bitcoin,
        network: Network::Regtest,
        small: n <= 16,
    }
}

/// The first P2PKH-shaped input (`<sig> <key>`) at or after tx `from`: (tx, input).
fn p2pkh_input(b: &Block, from: usize) -> (usize, usize) {
    (from..b.txs.len())
        .flat_map(|t| (0..b.txs[t].inputs.len()).map(move |i| (t, i)))
        .find(|&(t, i)| {
            let p = push_only(&b.txs[t].inputs[i].script_sig).unwrap_or_default();
            p.len() == 2 && p[0].first() == Some(&0x30) && p[1].len() == 33
        })
        .unwrap()
}

/// Replaces the `<sig> <key>` pushes of input (t, i).
fn set_pushes(b: &mut Block, (t, i): (usize, usize), sig: &[u8], key: &[u8]) {
    use crypto_core::script::push_data;
    b.txs[t].inputs[i].script_sig = [push_data(sig), push_data(key)].concat();
}

fn pushes(b: &Block, (t, i): (usize, usize)) -> (Vec<u8>, Vec<u8>) {
    let p = push_only(&b.txs[t].inputs[i].script_sig).unwrap();
    (p[0].clone(), p[1].clone())
}

/// A strict-DER signature (with hash type) of `r` and `s` given as minimal positive
/// big-endian integers.
fn der(r: &[u8], s: &[u8]) -> Vec<u8> {
    let int = |v: &[u8]| {
        let mut x = vec![0x02, v.len() as u8];
        x.extend_from_slice(v);
        x
    };
    let body = [int(r), int(s)].concat();
    [vec![0x30, body.len() as u8], body, vec![0x01]].concat()
}

fn cases() -> Vec<Case> {
    let mut v = vec![
        btc_case("tampered r", 12, |b| {
            let at = p2pkh_input(b, 5);
            let (mut sig, key) = pushes(b, at);
            sig[10] ^= 0x04;
            set_pushes(b, at, &sig, &key);
        }),
        btc_case("public key off the curve", 12, |b| {
            let at = p2pkh_input(b, 5);
            let (sig, _) = pushes(b, at);
            // x = 5 has no square root on secp256k1 (5^3 + 7 = 132 is a non-residue).
            let mut key = vec![0x02];
            key.extend_from_slice(&[0u8; 31]);
            key.push(5);
            set_pushes(b, at, &sig, &key);
        }),
        btc_case("s above the group order", 12, |b| {
            let at = p2pkh_input(b, 5);
            let (_, key) = pushes(b, at);
            let mut s = vec![0x00];
            s.extend_from_slice(&[0xff; 32]);
            set_pushes(b, at, &der(&[0x01; 32], &s), &key);
        }),
        btc_case("r of zero", 12, |b| {
            let at = p2pkh_input(b, 5);
            let (_, key) = pushes(b, at);
            set_pushes(b, at, &der(&[0x00], &[0x01; 32]), &key);
        }),
        btc_case("duplicated last transaction", 13, |b| {
            let last = b.txs.last().unwrap().clone();
            b.txs.push(last);
        }),
        btc_case("tampered signature in the full block", 1557, |b| {
            let at = p2pkh_input(b, 1200);
            let (mut sig, key) = pushes(b, at);
            sig[20] ^= 0x80;
            set_pushes(b, at, &sig, &key);
        }),
    ];
    // A demo block whose 2-of-3 multisig input carries one bad signature.
    let demo = build_demo_block(11, 6, 3);
    let mut b = Block::parse(&demo, Chain::Bitcoin).unwrap();
    let (t, i) = (0..b.txs.len())
        .flat_map(|t| (0..b.txs[t].inputs.len()).map(move |i| (t, i)))
        .find(|&(t, i)| push_only(&b.txs[t].inputs[i].script_sig).is_some_and(|p| p.len() == 4))
        .unwrap();
    let mut p = push_only(&b.txs[t].inputs[i].script_sig).unwrap();
    p[1][12] ^= 0x10;
    b.txs[t].inputs[i].script_sig = p
        .iter()
        .flat_map(|x| crypto_core::script::push_data(x))
        .collect();
    v.push(Case {
        name: "bad multisig signature",
        raw: reseal_block(&b.serialize()).unwrap(),
        chain: Chain::Bitcoin,
        network: Network::Regtest,
        small: true,
    });
    // Mainnet proof of work broken / a transaction bit flipped (header untouched).
    let btc = data("bitcoin-core/block413567.raw");
    let mut raw = btc.clone();
    raw[76] ^= 1; // nonce
    v.push(Case {
        name: "proof of work",
        raw,
        chain: Chain::Bitcoin,
        network: Network::Mainnet,
        small: false,
    });
    let mut raw = btc;
    let n = raw.len();
    raw[n - 10] ^= 1;
    v.push(Case {
        name: "flipped transaction bit",
        raw,
        chain: Chain::Bitcoin,
        network: Network::Mainnet,
        small: false,
    });
    // Qtum: the issue's byte-182 flip; a wrong r (canonical, verified by the backend); a
    // tampered input signature (the merkle root moves, so the block signature fails too).
    let q = data("qtum/blockbench.raw");
    for (name, at) in [("qtum non-canonical DER", 182usize), ("qtum wrong r", 200)] {
        let mut raw = q.clone();
        raw[at] ^= 1;
        v.push(Case {
            name,
            raw,
            chain: Chain::Qtum,
            network: Network::Mainnet,
            small: true,
        });
    }
    let mut b = Block::parse(&q, Chain::Qtum).unwrap();
    let at = p2pkh_input(&b, 2);
    let (mut sig, key) = pushes(&b, at);
    sig[8] ^= 0x01;
    set_pushes(&mut b, at, &sig, &key);
    let sw = SoftwareBackend::single_thread();
    let ids: Vec<[u8; 32]> = b
        .txs
        .iter()
        .map(|t| fallback_sw::sha256d(&t.serialize(false)))
        .collect();
    let root = crypto_core::merkle::merkle_root(&ids, &sw).unwrap().root;
    if let Header::Qtum(h) = &mut b.header {
        h.base.merkle_root = root;
    }
    v.push(Case {
        name: "qtum tampered input",
        raw: b.serialize(),
        chain: Chain::Qtum,
        network: Network::Mainnet,
        small: true,
    });
    v
}

/// The whole report without what legitimately differs (backend name, timings).
fn comparable(r: &BlockReport) -> String {
    let mut r = r.clone();
    r.backend.clear();
    r.timings_ms.clear();
    format!("{r:#?}")
}

fn device_cfg(name: &'static str, base: FpgaConfig) -> FpgaConfig {
    FpgaConfig {
        policy: FaultPolicy::Error,
        spot_check: 0.0,
        name,
        ..base
    }
}

fn compare(case: &Case, hw: &dyn Backend) {
    let opts = case.opts();
    let sw = validate_block(&case.raw, &opts, &SoftwareBackend::single_thread());
    assert!(!sw.valid, "{}: the case must be rejected", case.name);
    let got = validate_block(&case.raw, &opts, hw);
    assert_eq!(
        comparable(&got),
        comparable(&sw),
        "{} on {}: reports differ",
        case.name,
        hw.name()
    );
    let s = hw.stats();
    assert!(s.faults.is_empty(), "{}: {:?}", case.name, s.faults);
    assert_eq!(s.fallback_jobs, 0, "{}", case.name);
    println!(
        "{:32} {:5}: {}",
        case.name,
        hw.name(),
        sw.error.unwrap_or_default()
    );
}

#[test]
fn fpga_model_agrees_with_software_on_rejected_blocks() {
    for case in cases() {
        let bus = MockBus::new(DeviceModel::new(ModelConfig::default()));
        let mut bus = bus;
        bus.record = false;
        let be = FpgaBackend::open(
            bus,
            SoftwareBackend::single_thread(),
            device_cfg("fpga", FpgaConfig::default()),
        )
        .unwrap();
        compare(&case, &be);
    }
}

#[test]
fn sim_agrees_with_software_on_small_rejected_blocks() {
    let cases: Vec<Case> = cases().into_iter().filter(|c| c.small).collect();
    assert!(cases.len() >= 8);
    // Each case has its own Verilated top, so the cases run on up to two threads (this test
    // took 140 s of one core in the fresh-clone CI run of f20e4f9).
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get().min(2));
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(case) = cases.get(i) else { break };
                let be =
                    verif::sim_backend_with(device_cfg("sim", verif::bus::sim_config())).unwrap();
                compare(case, &be);
            });
        }
    });
}
