//! satchain-a9: the node's software path on the Zynq's Cortex-A9, bare metal (see README.md).
//!
//! 1. `accel-driver` opens `Accel` on a `MockBus` around the behavioural register-block model
//!    (in RAM), and runs a hash job and two verify jobs through the driver;
//! 2. the software backend validates a signed demo block (and rejects a tampered copy), once
//!    with each verifier;
//! 3. the A9 global timer is read around one k256 verify, one libsecp256k1 verify, SHA-256
//!    blocks and the validation: under `qemu-system-arm -icount shift=0` one instruction is one
//!    nanosecond of virtual time, so the counts are instructions.
//!
//! Every verdict is printed as `check: <what>: ok|FAILED`; the last line is
//! `satchain-a9: PASS` or `satchain-a9: FAIL`, and the QEMU exit status follows it.

#![no_std]
#![no_main]

extern crate alloc;

mod board;
mod measure;

use accel_driver::regmap::{EcdsaCode, HashMode};
use accel_driver::{Accel, Config, EcdsaJob, HashReq, WaitMode};
use alloc::vec::Vec;
use crypto_core::{
    validate_block, Chain, PubkeyBytes, ValidateOptions, ValidationError, VerifyJob,
};
use fallback_sw::demo::{build_demo_block, expected_signatures, reseal_block, REGTEST_POW_LIMIT};
use fallback_sw::{sha256d, SoftwareBackend, Verifier};
use k256::ecdsa::signature::hazmat::PrehashSigner;
use k256::ecdsa::{Signature, SigningKey};
use testkit::mock::MockBus;
use testkit::model::{DeviceModel, ModelConfig};

/// The demo block: seed, P2PKH inputs, 2-of-3 multisig inputs (small enough for an emulator).
const DEMO: (u64, usize, usize) = (2016, 24, 4);

/// Counts passed and failed checks.
struct Checks {
    passed: u32,
    failed: u32,
}

impl Checks {
    fn check(&mut self, what: &str, ok: bool) {
        if ok {
            self.passed += 1;
            println!("check: {what}: ok");
        } else {
            self.failed += 1;
            println!("check: {what}: FAILED");
        }
    }
}

/// A valid verify job signed with k256 (deterministic key and prehash from `seed`).
fn signed_job(seed: u8, compressed: bool) -> Option<VerifyJob> {
    let mut secret = [0x5au8; 32];
    secret[31] = seed;
    let key = SigningKey::from_bytes(&secret.into()).ok()?;
    let z = sha256d(&[seed; 40]);
    let sig: Signature = key.sign_prehash(&z).ok()?;
    let (r, s) = sig.split_bytes();
    let enc = key.verifying_key().to_encoded_point(compressed);
    Some(VerifyJob {
        pubkey: PubkeyBytes::from_sec1(enc.as_bytes())?,
        prehash: z,
        r: r.into(),
        s: s.into(),
    })
}

/// The driver's request for a job (the same split the FPGA backend makes).
fn ecdsa_req(job: &VerifyJob) -> EcdsaJob {
    let key = job.pubkey.as_bytes();
    let mut qx = [0u8; 32];
    let mut qy = [0u8; 32];
    qx.copy_from_slice(&key[1..33]);
    if key.len() == 65 {
        qy.copy_from_slice(&key[33..65]);
    }
    EcdsaJob {
        z: job.prehash,
        r: job.r,
        s: job.s,
        qx,
        qy,
        prefix: key[0],
    }
}

/// Part 1: the driver on the behavioural device.
fn driver(c: &mut Checks, job: &VerifyJob) {
    let bus = MockBus::new(DeviceModel::new(ModelConfig::default()));
    let cfg = Config {
        wait: WaitMode::Poll,
        ..Config::default()
    };
    let mut accel = match Accel::open(bus, cfg) {
        Ok(a) => a,
        Err(e) => {
            println!("driver: open failed: {e}");
            c.check("driver: Accel::open on the model", false);
            return;
        }
    };
    accel.bus_mut().record = false;
    c.check("driver: Accel::open on the model", true);

    let header = [0x42u8; 80];
    let mut digest = [None; 1];
    let hashed = accel.hash_batch(
        &[HashReq {
            mode: HashMode::Header80,
            data: &header,
        }],
        &mut digest,
    );
    let want = sha256d(&header);
    println!("driver: hash job HEADER80 -> {:?}", digest[0].map(Hex));
    c.check(
        "driver: hash job == software SHA-256d",
        hashed.is_ok() && digest[0] == Some(want),
    );

    let mut bad = job.clone();
    bad.prehash[0] ^= 1;
    let mut verdicts = [None; 2];
    let verified = accel.ecdsa_batch(&[ecdsa_req(job), ecdsa_req(&bad)], &mut verdicts);
    let codes = verdicts.map(|v| v.map(|r| r.code));
    println!("driver: verify jobs -> {codes:?}");
    c.check(
        "driver: verify job VALID, tampered job INVALID",
        verified.is_ok() && codes == [Some(EcdsaCode::Valid), Some(EcdsaCode::Invalid)],
    );
}

/// Part 2: the demo block through the software backend, with each verifier.
fn block(c: &mut Checks, raw: &[u8]) {
    let (_, p2pkh, multisig) = DEMO;
    let mut opts = ValidateOptions::new(Chain::Bitcoin);
    opts.pow_limit = Some(REGTEST_POW_LIMIT);
    let sigs = expected_signatures(p2pkh, multisig);
    for v in Verifier::ALL {
        let be = SoftwareBackend::single_thread().with_verifier(*v);
        let rep = validate_block(raw, &opts, &be);
        println!(
            "block: {v}: {} ({} txs, {} inputs, signatures {} checked {} valid){}",
            if rep.valid { "VALID" } else { "INVALID" },
            rep.txs,
            rep.inputs,
            rep.signatures.checked,
            rep.signatures.valid,
            rep.error
                .as_deref()
                .map_or(alloc::string::String::new(), |e| alloc::format!(": {e}")),
        );
        c.check(
            &alloc::format!("block: demo block VALID with {v}, {sigs} signatures"),
            rep.valid && rep.signatures.valid == sigs,
        );
    }
    // One byte of r of the first signature changed and the block resealed (merkle root, proof
    // of work): only the signature is wrong, and the report must say which.
    let mut bad = Vec::from(raw);
    let resealed = match find(&bad[80..], &[0x30, 0x44, 0x02, 0x20]) {
        Some(pos) => {
            bad[80 + pos + 10] ^= 0x01;
            reseal_block(&bad).ok()
        }
        None => None,
    };
    let Some(bad) = resealed else {
        c.check("block: tampered signature found and resealed", false);
        return;
    };
    let rep = validate_block(&bad, &opts, &SoftwareBackend::single_thread());
    println!(
        "block: tampered: {}",
        rep.error.as_deref().unwrap_or("VALID")
    );
    c.check(
        "block: tampered signature INVALID (BadSignature, merkle root ok)",
        !rep.valid
            && rep.merkle_root_ok
            && matches!(rep.error_detail, Some(ValidationError::BadSignature { .. })),
    );
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Lower-case hex of a digest.
struct Hex([u8; 32]);

impl core::fmt::Debug for Hex {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        for b in self.0 {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

#[no_mangle]
extern "C" fn main() -> ! {
    board::Uart::init();
    board::timer_start();
    let heap = board::heap_init();
    println!("satchain-a9: Cortex-A9 bare metal, heap {} MiB", heap >> 20);
    let mut c = Checks {
        passed: 0,
        failed: 0,
    };
    let Some(job) = signed_job(1, true) else {
        println!("satchain-a9: could not sign a job");
        board::exit(false)
    };
    driver(&mut c, &job);
    let (seed, p2pkh, multisig) = DEMO;
    let raw = build_demo_block(seed, p2pkh, multisig);
    println!(
        "block: demo seed {seed}, {p2pkh} P2PKH + {multisig} multisig inputs, {} bytes",
        raw.len()
    );
    block(&mut c, &raw);
    measure::all(&mut c, &raw);
    let ok = c.failed == 0;
    println!("satchain-a9: {} passed, {} failed", c.passed, c.failed);
    println!("satchain-a9: {}", if ok { "PASS" } else { "FAIL" });
    board::exit(ok)
}
