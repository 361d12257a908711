//! BIP340 Schnorr verification (Taproot) on the fabric: FpgaBackend's
//! `verify_schnorr_batch` on the Verilated shipped ring top (`top`), where each job goes through
//! the verify-job ring (`kind` 1) into the `VerifyCore`, == crypto-core's k256 reference,
//! verdict and failure reason:
//! - BIP340's official test vectors with 32-byte messages (the ones Taproot can carry), from
//!   `crypto-core/tests/data/bip340-test-vectors.csv`;
//! - random jobs (`SATCHAIN_PROPTEST_CASES`, default 24; seed `SATCHAIN_SEED`, printed):
//!   valid k256 signatures, and tampered messages, tampered s, random x-only keys (about
//!   half of them not on the curve), r >= p and s >= n.
//!
//! Signatures with r >= p or s >= n never reach the device (BIP340 checks the key first, the
//! device checks r and s first): they are counted as the backend's software jobs, and every
//! other verdict is the device's (spot checks off, faults are errors).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crypto_core::schnorr::{check_rs, verify_job_k256, FIELD_P};
use crypto_core::{Backend, SchnorrJob};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use satchain_fpga::{FaultPolicy, FpgaConfig};

fn arr<const N: usize>(h: &str) -> [u8; N] {
    hex::decode(h).unwrap().try_into().unwrap()
}

/// BIP340's vectors whose message is 32 bytes, as jobs (index, job).
fn official_vectors() -> Vec<(usize, SchnorrJob)> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../crypto-core/tests/data/bip340-test-vectors.csv"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .filter_map(|l| {
            let f: Vec<&str> = l.trim_end().splitn(8, ',').collect();
            let msg = hex::decode(f[4]).unwrap();
            (msg.len() == 32).then(|| {
                (
                    f[0].parse().unwrap(),
                    SchnorrJob {
                        xonly_pubkey: arr(f[2]),
                        msg32: msg.try_into().unwrap(),
                        sig64: arr(f[5]),
                    },
                )
            })
        })
        .collect()
}

fn random_job(rng: &mut ChaCha8Rng) -> (&'static str, SchnorrJob) {
    let key = k256::schnorr::SigningKey::from_bytes(&rng.gen::<[u8; 32]>()).unwrap();
    let msg32: [u8; 32] = rng.gen();
    let sig = key.sign_raw(&msg32, &rng.gen::<[u8; 32]>()).unwrap();
    let mut j = SchnorrJob {
        xonly_pubkey: key.verifying_key().to_bytes().into(),
        msg32,
        sig64: sig.to_bytes(),
    };
    let what = match rng.gen_range(0..8) {
        0..=2 => "valid",
        3 => {
            j.msg32[rng.gen_range(0..32)] ^= 1 << rng.gen_range(0..8);
            "tampered message"
        }
        4 => {
            j.sig64[32 + rng.gen_range(1..32)] ^= 1 << rng.gen_range(0..8);
            "tampered s"
        }
        5 => {
            j.xonly_pubkey = rng.gen();
            "random x-only key"
        }
        6 => {
            j.sig64[..32].copy_from_slice(&FIELD_P);
            j.sig64[31] = j.sig64[31].wrapping_add(rng.gen_range(0..3));
            "r >= p"
        }
        _ => {
            j.sig64[32..].fill(0xFF);
            "s >= n"
        }
    };
    (what, j)
}

#[test]
fn ring_top_bip340_matches_k256() {
    let seed = verif::vcore::seed();
    let n = verif::vcore::cases(24) as usize;
    println!("seed {seed} (replay with SATCHAIN_SEED={seed}), {n} random jobs");
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0xB340_0001);
    let mut jobs: Vec<(String, SchnorrJob)> = official_vectors()
        .into_iter()
        .map(|(i, j)| (format!("BIP340 vector {i}"), j))
        .collect();
    let official = jobs.len();
    assert!(official >= 15, "{official} vectors with 32-byte messages");
    jobs.extend((0..n).map(|_| {
        let (w, j) = random_job(&mut rng);
        (w.to_string(), j)
    }));
    let be = verif::sim_backend_with(FpgaConfig {
        policy: FaultPolicy::Error,
        spot_check: 0.0,
        ..verif::bus::sim_config()
    })
    .unwrap();
    let sj: Vec<SchnorrJob> = jobs.iter().map(|(_, j)| j.clone()).collect();
    let hw = be.verify_schnorr_batch(&sj).expect("BIP340 batch");
    let mut valid = 0;
    for ((what, j), v) in jobs.iter().zip(&hw) {
        assert_eq!(*v, verify_job_k256(j), "SATCHAIN_SEED={seed}: {what}");
        valid += usize::from(v.is_valid());
    }
    let s = be.stats();
    assert!(s.faults.is_empty(), "{:?}", s.faults);
    let software = sj.iter().filter(|j| check_rs(&j.sig64).is_err()).count();
    assert_eq!(
        usize::try_from(s.fallback_jobs).ok(),
        Some(software),
        "only r/s out of range go to software"
    );
    println!(
        "{} jobs ({official} official vectors), {valid} valid, {} on the device, all equal to k256; {} simulated cycles",
        jobs.len(),
        jobs.len() - software,
        s.device_cycles
    );
}

// ------------------------------------------------------------------ a Taproot block

type Prevouts = std::collections::HashMap<crypto_core::OutPoint, crypto_core::TxOut>;

fn validate_on(raw: &[u8], p: &Prevouts, be: &dyn Backend) -> crypto_core::BlockReport {
    let mut o = crypto_core::ValidateOptions::new(crypto_core::Chain::Bitcoin);
    o.pow_limit = Some(crypto_core::params::REGTEST_POW_LIMIT);
    o.prevouts = Some(p as &dyn crypto_core::PrevoutProvider);
    crypto_core::validate_block(raw, &o, be)
}

/// (tx, input, 65-byte-signature hash type or 0) of every Taproot input, in block order.
fn taproot_inputs(b: &crypto_core::Block, p: &Prevouts) -> Vec<(usize, usize, u8)> {
    let mut v = Vec::new();
    for (t, tx) in b.txs.iter().enumerate().skip(1) {
        for (i, inp) in tx.inputs.iter().enumerate() {
            if crypto_core::taproot::p2tr_output_key(&p[&inp.prevout].script_pubkey).is_some() {
                let sig = &inp.witness[0];
                v.push((t, i, if sig.len() == 65 { sig[64] } else { 0 }));
            }
        }
    }
    v
}

/// The block was rejected at (tx, input), and the error says so.
fn rejected_at(rep: &crypto_core::BlockReport, t: usize, i: usize, what: &str) {
    assert!(!rep.valid, "{what}: accepted on the ring top");
    let e = rep.error.as_deref().unwrap_or("");
    assert!(e.starts_with(&format!("tx {t} input {i}:")), "{what}: {e}");
}

/// `satchain demo --taproot`'s block through `--backend sim`'s backend (the ring top): every
/// input checked, the Schnorr verdicts and the BIP341 signature hashes from the device (no
/// software job, no fault), == the software backend's report; then a tampered Schnorr
/// signature, a changed annex and a wrong spent amount, each rejected naming the tx and input
/// it is in, with the device's verdict.
#[test]
fn ring_top_taproot_demo_block_every_input_on_the_device() {
    use crypto_core::Block;
    use fallback_sw::demo::taproot::{build_taproot_demo_block, reseal_witness_block};
    // A small block (the simulation runs ~13k clocks per second) that still has every Taproot
    // kind: the first seed whose 24-input demo has key-path and script-path spends and an
    // annex (one Taproot input in 40 carries one). Building a demo is cheap.
    let d = (0..500u64)
        .map(|seed| build_taproot_demo_block(seed, 24))
        .find(|d| d.mix.p2tr_key_path > 0 && d.mix.p2tr_script_path > 0 && d.mix.annexes > 0)
        .expect("a seed below 500 gives every Taproot kind in 24 inputs");
    let m = d.mix;
    let p: Prevouts = d.prevouts.iter().cloned().collect();
    let be = verif::sim_backend_with(FpgaConfig {
        policy: FaultPolicy::Error,
        spot_check: 0.0,
        ..verif::bus::sim_config()
    })
    .unwrap();
    let sw = fallback_sw::SoftwareBackend::single_thread();

    let rep = validate_on(&d.block, &p, &be);
    assert!(rep.valid, "{:?}", rep.error);
    assert_eq!(rep.signatures.checked, m.signatures());
    assert_eq!(rep.signatures.valid, m.signatures());
    assert_eq!(rep.signatures.not_checkable, 0);
    assert_eq!(rep.schnorr_jobs, m.schnorr_signatures());
    let want = validate_on(&d.block, &p, &sw);
    assert_eq!(rep.signatures, want.signatures);
    let s = be.stats();
    assert!(s.faults.is_empty(), "{:?}", s.faults);
    assert_eq!(s.fallback_jobs, 0, "every job on the device");
    assert_eq!(
        be.device_jobs(),
        rep.backend_jobs.0 + rep.backend_jobs.1 + rep.schnorr_jobs,
        "hash, ECDSA and BIP340 jobs all from the device"
    );
    println!(
        "demo Taproot block, {} inputs ({} key path, {} script path, {} annexes): {} BIP340 + {} ECDSA + {} hash jobs on the ring top, {} simulated cycles",
        m.total(),
        m.p2tr_key_path,
        m.p2tr_script_path,
        m.annexes,
        rep.schnorr_jobs,
        rep.backend_jobs.1,
        rep.backend_jobs.0,
        s.device_cycles
    );

    let block = Block::parse(&d.block, crypto_core::Chain::Bitcoin).unwrap();
    let tap = taproot_inputs(&block, &p);
    // A tampered s: BIP340 fails on the device.
    let (t, i, _) = tap[1];
    let mut b = block.clone();
    b.txs[t].inputs[i].witness[0][40] ^= 0x10;
    let rep = validate_on(&reseal_witness_block(&b.serialize()).unwrap(), &p, &be);
    rejected_at(&rep, t, i, "tampered s");
    assert!(rep
        .error
        .as_deref()
        .unwrap()
        .contains("Schnorr signature does not verify"));
    // A changed annex: sha_annex changes, so does the signature hash.
    let (t, i, _) = *tap
        .iter()
        .find(|(t, i, _)| {
            let w = &block.txs[*t].inputs[*i].witness;
            w.len() >= 2 && w.last().unwrap()[0] == crypto_core::taproot::ANNEX_TAG
        })
        .unwrap();
    let mut b = block.clone();
    b.txs[t].inputs[i].witness.last_mut().unwrap().push(0x01);
    let rep = validate_on(&reseal_witness_block(&b.serialize()).unwrap(), &p, &be);
    rejected_at(&rep, t, i, "changed annex");
    // A spent amount one satoshi off: the first Taproot input of its tx that commits to every
    // amount (not ANYONECANPAY), or the input itself, fails.
    let (t, i, _) = tap[tap.len() / 2];
    let first = tap
        .iter()
        .filter(|(tt, _, _)| *tt == t)
        .find(|(_, ii, ht)| *ii == i || ht & 0x80 == 0)
        .map(|(_, ii, _)| *ii)
        .unwrap();
    let mut q = p.clone();
    let op = block.txs[t].inputs[i].prevout;
    q.get_mut(&op).unwrap().value += 1;
    let rep = validate_on(&d.block, &q, &be);
    rejected_at(&rep, t, first, "amount + 1");
    let s = be.stats();
    assert!(s.faults.is_empty(), "{:?}", s.faults);
    assert_eq!(
        s.fallback_jobs, 0,
        "the rejections are the device's verdicts"
    );
}
