//! The ECDSA engine running the verify program (`program.rs`) in Verilator against the ISS
//! (`model.rs`: HALT code and cycle count, i.e. `timing.rs` == the RTL's cycle counter) and
//! against k256 through the crypto-core types (`fallback_sw::verify_one`, VerifyJob -> code).
//!
//! Cases: a fixed list of edges (r/s at 0, 1, n-1, n, 2^256-1; high-S; z at 0, n, 2^256-1;
//! coordinates >= p; off-curve and non-residue keys; wrong parity; a bad SEC1 prefix; x(R) >= n
//! by construction) and random valid / tampered signatures (compressed and uncompressed). The
//! random count comes from SATCHAIN_PROPTEST_CASES (default small: each verify is tens of
//! thousands of Verilated cycles); the seed is printed (SATCHAIN_SEED replays it) and a failing
//! case leaves a VCD under target/vcd/.

use crypto_core::backend::{PubkeyBytes, Verdict, VerifyFailure, VerifyJob};
use k256::ecdsa::signature::hazmat::PrehashSigner;
use k256::ecdsa::{Signature, SigningKey};
use k256::elliptic_curve::ops::Reduce;
use k256::elliptic_curve::sec1::{FromEncodedPoint, ToEncodedPoint};
use k256::{AffinePoint, EncodedPoint, ProjectivePoint, Scalar, U256};
use num_bigint::BigUint;
use rand::{Rng, RngCore, SeedableRng};
use satchain_hdl::ecdsa::model::{self, EcdsaJob};
use satchain_hdl::ecdsa::program::verify_program;
use verif::ecdsa::{EngineSim, VERIFY_MODEL};

fn cases(default: u32) -> usize {
    testkit::cases(default) as usize
}

fn hexbig(s: &str) -> BigUint {
    BigUint::parse_bytes(s.as_bytes(), 16).unwrap()
}
fn p() -> BigUint {
    hexbig("fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f")
}
fn n() -> BigUint {
    hexbig("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141")
}
fn be32(v: &BigUint) -> [u8; 32] {
    let b = v.to_bytes_be();
    let mut out = [0u8; 32];
    out[32 - b.len()..].copy_from_slice(&b);
    out
}
fn max256() -> BigUint {
    (BigUint::from(1u32) << 256u32) - 1u32
}

/// One case: raw SEC1 key bytes (any prefix/length 33 or 65), z, r, s.
#[derive(Clone, Debug)]
struct Case {
    what: String,
    pubkey: Vec<u8>,
    z: [u8; 32],
    r: [u8; 32],
    s: [u8; 32],
}

fn code_of(v: Verdict) -> u8 {
    match v {
        Verdict::Valid => 0,
        Verdict::Invalid(VerifyFailure::Mismatch) => 1,
        Verdict::Invalid(VerifyFailure::BadR) => 2,
        Verdict::Invalid(VerifyFailure::BadS) => 3,
        Verdict::Invalid(VerifyFailure::BadPubkey) => 4,
    }
}

/// RTL vs ISS (code, cycles) and vs k256 (code) for one case; Ok(RTL code).
fn check(sim: &mut EngineSim, words: &[u32], c: &Case) -> Result<u8, String> {
    let inputs = EcdsaJob::new(&c.pubkey, &c.z, &c.r, &c.s).map_err(|e| format!("inputs: {e}"))?;
    let iss = model::run(words, &inputs).map_err(|e| format!("ISS error: {e}"))?;
    let rtl = sim.run(&inputs).map_err(|e| format!("RTL error: {e}"))?;
    if u32::from(rtl.code) != u32::from(iss.code) {
        return Err(format!("code: ISS {} RTL {}", iss.code, rtl.code));
    }
    if u64::from(rtl.cycles) != iss.cycles {
        return Err(format!("cycles: ISS {} RTL {}", iss.cycles, rtl.cycles));
    }
    if let Some(pk) = PubkeyBytes::from_sec1(&c.pubkey) {
        let job = VerifyJob {
            pubkey: pk,
            prehash: c.z,
            r: c.r,
            s: c.s,
        };
        let sw = code_of(fallback_sw::verify_one(&job));
        if sw != rtl.code {
            return Err(format!("k256 (fallback-sw) {sw} RTL {}", rtl.code));
        }
        let v = verif::ecdsa::verdict_of(rtl.code).map_err(|e| e.to_string())?;
        if code_of(v) != sw {
            return Err("verdict mapping".into());
        }
    }
    Ok(rtl.code)
}

fn run_cases(name: &str, seed: u64, list: &[Case]) -> Vec<(String, u8, u32)> {
    let words = verify_program().words;
    assert!(!words.is_empty(), "verify program failed to assemble");
    let mut sim = EngineSim::new(VERIFY_MODEL).expect("model ecdsa_engine");
    let mut out = Vec::new();
    for (i, c) in list.iter().enumerate() {
        match check(&mut sim, &words, c) {
            Ok(code) => out.push((c.what.clone(), code, 0)),
            Err(e) => {
                let vcd = verif::sim::vcd_path(&format!("{name}-{seed}-{i}"));
                if let Ok(inputs) = EcdsaJob::new(&c.pubkey, &c.z, &c.r, &c.s) {
                    if let Ok(mut s) = EngineSim::with_vcd(VERIFY_MODEL, &vcd) {
                        let _ = s.run(&inputs);
                        s.flush_vcd();
                    }
                }
                panic!(
                    "{name}: case {i} `{}` (seed {seed}) failed: {e}\n  pubkey {}\n  z {}\n  r {}\n  s {}\n  VCD: {}",
                    c.what,
                    hex(&c.pubkey),
                    hex(&c.z),
                    hex(&c.r),
                    hex(&c.s),
                    vcd.display()
                );
            }
        }
    }
    out
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// A valid signature from the RNG.
fn valid(rng: &mut rand_chacha::ChaCha8Rng, compressed: bool, high_s: bool) -> Case {
    loop {
        let sk = SigningKey::random(rng);
        let mut z = [0u8; 32];
        rng.fill_bytes(&mut z);
        let Ok(sig) = PrehashSigner::<Signature>::sign_prehash(&sk, &z) else {
            continue;
        };
        let sig = sig.normalize_s().unwrap_or(sig);
        let (r, s) = sig.split_scalars();
        let s: Scalar = if high_s { -*s } else { *s };
        let pk = sk.verifying_key().to_encoded_point(compressed);
        return Case {
            what: format!("valid (compressed {compressed}, high-S {high_s})"),
            pubkey: pk.as_bytes().to_vec(),
            z,
            r: r.to_bytes().into(),
            s: s.to_bytes().into(),
        };
    }
}

fn with(c: &Case, what: &str, f: impl FnOnce(&mut Case)) -> Case {
    let mut d = c.clone();
    d.what = what.to_string();
    f(&mut d);
    d
}

fn scalar(v: &BigUint) -> Scalar {
    <Scalar as Reduce<U256>>::reduce_bytes(&be32(v).into())
}

/// A valid signature whose R has x(R) = n + t >= n (the final check's r + n branch).
fn x_r_at_least_n(compressed: bool) -> Option<Case> {
    let (p, n) = (p(), n());
    for t in 1u32..1000 {
        let x = &n + t;
        if x >= p {
            return None;
        }
        let rhs = (&x * &x * &x + 7u32) % &p;
        let y = rhs.modpow(&((&p + 1u32) >> 2u32), &p);
        if (&y * &y) % &p != rhs {
            continue;
        }
        let mut enc = [0u8; 65];
        enc[0] = 4;
        enc[1..33].copy_from_slice(&be32(&x));
        enc[33..65].copy_from_slice(&be32(&y));
        let rpt: AffinePoint = Option::from(AffinePoint::from_encoded_point(
            &EncodedPoint::from_bytes(enc).ok()?,
        ))?;
        let r = scalar(&(&x - &n));
        let s = scalar(&BigUint::from(0x1234_5678u64 + u64::from(t)));
        let u1 = scalar(&BigUint::from(0xdead_beefu64 * u64::from(t)));
        let w = Option::<Scalar>::from(s.invert())?;
        let u2 = r * w;
        let z = u1 * s;
        let q = (ProjectivePoint::from(rpt) - ProjectivePoint::GENERATOR * u1)
            * Option::<Scalar>::from(u2.invert())?;
        return Some(Case {
            what: format!("x(R) = n + {t} (compressed {compressed})"),
            pubkey: q
                .to_affine()
                .to_encoded_point(compressed)
                .as_bytes()
                .to_vec(),
            z: z.to_bytes().into(),
            r: r.to_bytes().into(),
            s: s.to_bytes().into(),
        });
    }
    None
}

#[test]
fn ecdsa_engine_edges_rtl_equals_iss_and_k256() {
    let seed = testkit::seed("ecdsa_engine_edges_rtl_equals_iss_and_k256");
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let base = valid(&mut rng, false, false);
    let basec = valid(&mut rng, true, false);
    let (n, p) = (n(), p());
    let one = BigUint::from(1u32);
    let zero = BigUint::from(0u32);
    let mut list = vec![base.clone(), basec.clone()];
    for (name, v) in [
        ("0", zero.clone()),
        ("1", one.clone()),
        ("n-1", &n - 1u32),
        ("n", n.clone()),
        ("2^256-1", max256()),
    ] {
        list.push(with(&base, &format!("r = {name}"), |c| c.r = be32(&v)));
        list.push(with(&base, &format!("s = {name}"), |c| c.s = be32(&v)));
    }
    list.push(with(&base, "high-S", |c| {
        let s = BigUint::from_bytes_be(&c.s);
        c.s = be32(&(&n - s));
    }));
    list.push(valid(&mut rng, true, true));
    for (name, v) in [("0", zero.clone()), ("n", n.clone()), ("2^256-1", max256())] {
        list.push(with(&base, &format!("z = {name}"), |c| c.z = be32(&v)));
    }
    // z >= n that reduces to the signed z: same verdict (valid).
    let zz = BigUint::from_bytes_be(&base.z);
    if &zz + &n <= max256() {
        list.push(with(&base, "z + n (reduces to z)", |c| {
            c.z = be32(&(&zz + &n))
        }));
    }
    list.push(with(&base, "Qx = p", |c| {
        c.pubkey[1..33].copy_from_slice(&be32(&p))
    }));
    list.push(with(&base, "Qx = x + p", |c| {
        let x = BigUint::from_bytes_be(&c.pubkey[1..33]);
        if &x + &p <= max256() {
            c.pubkey[1..33].copy_from_slice(&be32(&(x + &p)));
        } else {
            c.pubkey[1..33].copy_from_slice(&be32(&max256()));
        }
    }));
    list.push(with(&base, "Qy = y + p (>= p)", |c| {
        let y = BigUint::from_bytes_be(&c.pubkey[33..65]);
        if &y + &p <= max256() {
            c.pubkey[33..65].copy_from_slice(&be32(&(y + &p)));
        } else {
            c.pubkey[33..65].copy_from_slice(&be32(&max256()));
        }
    }));
    list.push(with(&basec, "compressed Qx = p", |c| {
        c.pubkey[1..33].copy_from_slice(&be32(&p))
    }));
    list.push(with(&base, "off curve (y + 1)", |c| {
        let y = BigUint::from_bytes_be(&c.pubkey[33..65]);
        c.pubkey[33..65].copy_from_slice(&be32(&((y + 1u32) % &p)));
    }));
    list.push(with(&base, "uncompressed (0, 0)", |c| {
        c.pubkey[1..65].fill(0);
    }));
    // A compressed x with no square root of x^3 + 7.
    let mut x = BigUint::from(5u32);
    loop {
        let rhs = (&x * &x * &x + 7u32) % &p;
        let y = rhs.modpow(&((&p + 1u32) >> 2u32), &p);
        if (&y * &y) % &p != rhs {
            break;
        }
        x += 1u32;
    }
    list.push(with(&basec, "compressed x not on the curve", |c| {
        c.pubkey[1..33].copy_from_slice(&be32(&x))
    }));
    list.push(with(&basec, "compressed, wrong parity (-Q)", |c| {
        c.pubkey[0] ^= 1;
    }));
    list.push(with(&basec, "prefix 0x05", |c| c.pubkey[0] = 5));
    list.push(with(&base, "uncompressed with prefix 0x02", |c| {
        c.pubkey[0] = 2
    }));
    for compressed in [false, true] {
        if let Some(c) = x_r_at_least_n(compressed) {
            list.push(c);
        }
    }
    let results = run_cases("ecdsa_engine_edges", seed, &list);
    for (what, code, _) in &results {
        println!("  {what}: code {code}");
    }
    // Sanity of the list itself: the valid ones are valid, the range ones are rejected.
    assert_eq!(results[0].1, 0);
    assert_eq!(results[1].1, 0);
    assert!(results
        .iter()
        .any(|r| r.0.starts_with("x(R) = n") && r.1 == 0));
}

#[test]
fn ecdsa_engine_random_rtl_equals_iss_and_k256() {
    let seed = testkit::seed("ecdsa_engine_random_rtl_equals_iss_and_k256");
    let count = cases(6);
    println!("ecdsa_engine random: {count} cases");
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let mut list = Vec::new();
    for i in 0..count {
        let compressed = rng.gen::<bool>();
        let high = rng.gen::<bool>();
        let c = valid(&mut rng, compressed, high);
        // Every other case: tamper one bit of r, s, z or the key.
        let c = if i % 2 == 1 {
            let field = rng.gen_range(0..4);
            let bit = rng.gen_range(0..256usize);
            with(
                &c,
                &format!("{} tampered field {field} bit {bit}", c.what),
                |d| {
                    let (buf, off): (&mut [u8], usize) = match field {
                        0 => (&mut d.r, 0),
                        1 => (&mut d.s, 0),
                        2 => (&mut d.z, 0),
                        _ => (&mut d.pubkey, 1),
                    };
                    buf[off + bit / 8] ^= 1 << (bit % 8);
                },
            )
        } else {
            c
        };
        list.push(c);
    }
    let res = run_cases("ecdsa_engine_random", seed, &list);
    let valid_n = res.iter().filter(|r| r.1 == 0).count();
    println!("  {valid_n} of {} valid", res.len());
}

/// `verif::ecdsa::cycle_stats` (the hw-report figure) on a few signatures: all VALID, and the
/// numbers are within the budget of 40,000 cycles per verify.
#[test]
fn ecdsa_engine_cycle_stats_within_budget() {
    let n = cases(4);
    let st = verif::ecdsa::cycle_stats(n, 7).expect("cycle_stats");
    println!(
        "cycles per verify over {}: mean {:.0} min {} max {}",
        st.samples, st.mean, st.min, st.max
    );
    assert_eq!(st.samples, n);
    assert!(st.min <= st.max && st.min > 1000);
    assert!(st.max <= 40_000, "over the 40,000-cycle budget: {}", st.max);
}

/// Where the cycles of a verify go (ISS trace with the RTL's costs; the ISS == RTL cycle
/// agreement is checked above): instructions and cycles per opcode over random valid
/// signatures. Printed for README-rtl.md; asserts only that the sum is the total.
#[test]
fn ecdsa_engine_cycle_profile() {
    let words = verify_program().words;
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
    let mut count = [0u64; 32];
    let mut cyc = [0u64; 32];
    let mut total = 0u64;
    let jobs = 8u64;
    for i in 0..jobs {
        let c = valid(&mut rng, i % 2 == 0, false);
        let inputs = EcdsaJob::new(&c.pubkey, &c.z, &c.r, &c.s).unwrap();
        let o = model::run_traced(&words, &inputs).unwrap();
        assert_eq!(o.code, 0);
        total += o.cycles;
        for t in &o.trace {
            let op = t.op.opcode() as usize;
            count[op] += 1;
            cyc[op] += u64::from(satchain_hdl::ecdsa::timing::op_cycles(op as u8));
        }
    }
    let names = satchain_hdl::ecdsa::isa::opcode::MNEMONICS;
    println!("per verify (mean of {jobs}): total {} cycles", total / jobs);
    for (i, name) in names.iter().enumerate() {
        if count[i] > 0 {
            println!(
                "  {name:5} {:7.1} instr {:8.1} cycles ({:4.1}%)",
                count[i] as f64 / jobs as f64,
                cyc[i] as f64 / jobs as f64,
                100.0 * cyc[i] as f64 / total as f64
            );
        }
    }
    assert_eq!(cyc.iter().sum::<u64>(), total);
}
