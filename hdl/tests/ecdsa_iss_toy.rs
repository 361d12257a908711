//! Exhaustive test of the verify microcode on a toy curve, y² = x³ + 7 over F_43 with 31
//! points (prime order, n < p so the `r + n < p` case is common): the same program generator
//! (`verify_program_for`) and the same ISS, with the toy curve's constant ROM and moduli,
//! against a plain affine reference (`Curve::ecdsa_verify`). Every key, every message and
//! every nonce; every (r, s) pair in [0, n+1]² for every key; every public-key encoding.
//! The small group makes the special paths (equal points, opposite points, R = infinity)
//! frequent; the test asserts that each of them ran.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::cast_possible_truncation
)]

use num_bigint::BigUint;
use satchain_hdl::ecdsa::asm::Program;
use satchain_hdl::ecdsa::consts::{mod_inverse, Affine, Curve};
use satchain_hdl::ecdsa::model::{EcdsaJob, Iss, IssOutcome, RunOptions};
use satchain_hdl::ecdsa::program::{labels, try_verify_program, ProgramOptions};

const VALID: u8 = 0;
const INVALID: u8 = 1;
const BAD_R: u8 = 2;
const BAD_S: u8 = 3;
const BAD_PUBKEY: u8 = 4;

fn be32(v: u64) -> [u8; 32] {
    let mut o = [0u8; 32];
    o[24..].copy_from_slice(&v.to_be_bytes());
    o
}

fn be32_big(v: &BigUint) -> [u8; 32] {
    let b = v.to_bytes_be();
    let mut o = [0u8; 32];
    o[32 - b.len()..].copy_from_slice(&b);
    o
}

struct Toy {
    curve: Curve,
    iss: Iss,
    prog: Program,
    p: u64,
    n: u64,
}

impl Toy {
    /// The toy machine with the product program (`product`) or the variant whose every
    /// squaring run is an LDLC/DJNZ loop with a one-squaring body (the loop paths of the
    /// exponentiations, which the toy curve's short exponents otherwise leave unrolled).
    fn new(product: bool) -> Toy {
        let curve = Curve::toy43();
        let opts = if product {
            ProgramOptions::default()
        } else {
            ProgramOptions {
                max_unrolled_squarings: 0,
                squarings_per_loop_body: 1,
            }
        };
        let prog = try_verify_program(&curve, &opts).expect("toy program");
        Toy {
            iss: Iss::new(curve.clone()),
            curve,
            prog,
            p: 43,
            n: 31,
        }
    }

    fn run(&self, key: &[u8], z: &[u8; 32], r: u64, s: u64) -> IssOutcome {
        let inputs = EcdsaJob::new(key, z, &be32(r), &be32(s)).expect("key length");
        self.iss
            .run(
                &self.prog.words,
                &inputs,
                &RunOptions {
                    trace: true,
                    ..RunOptions::default()
                },
            )
            .unwrap_or_else(|e| panic!("ISS error {e} on key {key:?} r {r} s {s}"))
    }

    /// The reference: software precedence r, s, public key, equation.
    fn reference(&self, key: &[u8], z: &BigUint, r: u64, s: u64) -> u8 {
        if r == 0 || r >= self.n {
            return BAD_R;
        }
        if s == 0 || s >= self.n {
            return BAD_S;
        }
        let Some(q) = self.decode(key) else {
            return BAD_PUBKEY;
        };
        if self
            .curve
            .ecdsa_verify(&q, z, &BigUint::from(r), &BigUint::from(s))
        {
            VALID
        } else {
            INVALID
        }
    }

    fn decode(&self, key: &[u8]) -> Option<Affine> {
        let p = &self.curve.p;
        match (key.len(), key[0]) {
            (33, pre @ (2 | 3)) => {
                let x = BigUint::from_bytes_be(&key[1..33]);
                if &x >= p {
                    return None;
                }
                let y = self.curve.sqrt(&((&x * &x * &x + &self.curve.b) % p))?;
                let y = if y.bit(0) == (pre == 3) {
                    y
                } else {
                    (p - &y) % p
                };
                Some(Some((x, y)))
            }
            (65, 4) => {
                let x = BigUint::from_bytes_be(&key[1..33]);
                let y = BigUint::from_bytes_be(&key[33..65]);
                self.curve.on_curve(&x, &y).then_some(Some((x, y)))
            }
            _ => None,
        }
    }

    fn encode(&self, q: &Affine, compressed: bool) -> Vec<u8> {
        let (x, y) = q.as_ref().expect("finite");
        if compressed {
            let mut k = vec![if y.bit(0) { 3 } else { 2 }];
            k.extend_from_slice(&be32_big(x));
            k
        } else {
            let mut k = vec![4];
            k.extend_from_slice(&be32_big(x));
            k.extend_from_slice(&be32_big(y));
            k
        }
    }
}

#[derive(Default)]
struct Seen {
    runs: u64,
    codes: [u64; 5],
    g_dbl: u64,
    g_inf: u64,
    q_dbl: u64,
    q_inf: u64,
    r_plus_n: u64,
    r_inf: u64,
}

impl Seen {
    fn add(&mut self, t: &Toy, o: &IssOutcome) {
        let pc = |l: &str| t.prog.label(l).expect("label");
        self.runs += 1;
        self.codes[usize::from(o.code.min(4))] += 1;
        let (gs, gd, qs, qd, rn) = (
            pc(labels::G_SPECIAL),
            pc(labels::G_SPECIAL_DBL),
            pc(labels::Q_SPECIAL),
            pc(labels::Q_SPECIAL_DBL),
            pc(labels::FINAL_R_PLUS_N),
        );
        if o.visited(gd) {
            self.g_dbl += 1;
        } else if o.visited(gs) {
            self.g_inf += 1;
        }
        if o.visited(qd) {
            self.q_dbl += 1;
        } else if o.visited(qs) {
            self.q_inf += 1;
        }
        if o.visited(rn) {
            self.r_plus_n += 1;
        }
        if o.code == INVALID && !o.visited(pc(labels::FINAL)) {
            self.r_inf += 1;
        }
    }
}

#[test]
fn toy_every_key_message_and_nonce_verifies() {
    for product in [true, false] {
        every_key_message_and_nonce(&Toy::new(product), product);
    }
}

fn every_key_message_and_nonce(t: &Toy, product: bool) {
    let g = t.curve.g();
    let mut seen = Seen::default();
    // Every key for the product program; every third key for the looped variant, to keep the
    // test short.
    for d in (1..t.n).step_by(if product { 1 } else { 3 }) {
        let q = t.curve.mul(&BigUint::from(d), &g);
        for z in 0..t.n {
            for k in 1..t.n {
                let (rx, _) = t.curve.mul(&BigUint::from(k), &g).expect("kG finite");
                let r = (&rx % t.n).iter_u64_digits().next().unwrap_or(0);
                if r == 0 {
                    continue;
                }
                let kinv = mod_inverse(&BigUint::from(k), &t.curve.n).expect("k invertible");
                let s = (kinv * (BigUint::from(z) + BigUint::from(r * d))) % t.n;
                let s = s.iter_u64_digits().next().unwrap_or(0);
                if s == 0 {
                    continue;
                }
                // Both key forms, and z + m·n for a large m (z is reduced mod n by the program).
                let zb = be32(z);
                let zbig = BigUint::from(z) + BigUint::from(t.n) * BigUint::from(u64::MAX - d);
                for (compressed, zz) in [(true, zb), (false, be32_big(&zbig))] {
                    let key = t.encode(&q, compressed);
                    let want = t.reference(&key, &BigUint::from_bytes_be(&zz), r, s);
                    assert_eq!(want, VALID, "reference rejects d {d} z {z} k {k}");
                    let o = t.run(&key, &zz, r, s);
                    assert_eq!(
                        o.code, VALID,
                        "ISS rejects d {d} z {z} k {k} compressed {compressed}"
                    );
                    seen.add(t, &o);
                }
            }
        }
    }
    println!(
        "product program {product}: valid signatures: {} runs; special paths: g dbl {}, g inf {}, q dbl {}, q inf {}; r+n branch {}",
        seen.runs, seen.g_dbl, seen.g_inf, seen.q_dbl, seen.q_inf, seen.r_plus_n
    );
    assert!(seen.runs > if product { 40_000 } else { 13_000 });
    for (name, v) in [
        ("g dbl", seen.g_dbl),
        ("g inf", seen.g_inf),
        ("q dbl", seen.q_dbl),
        ("q inf", seen.q_inf),
        ("r+n", seen.r_plus_n),
    ] {
        // The key subset of the looped variant need not reach every path; the (r, s) test
        // runs every path on both variants.
        assert!(v > 0 || !product, "special path {name} never ran");
    }
}

#[test]
fn toy_every_r_s_pair_for_every_key() {
    for product in [true, false] {
        every_r_s_pair(&Toy::new(product), product);
    }
}

fn every_r_s_pair(t: &Toy, product: bool) {
    let g = t.curve.g();
    let mut seen = Seen::default();
    // Every key for the product program; every third key for the looped variant, to keep the
    // test short.
    for d in (1..t.n).step_by(if product { 1 } else { 3 }) {
        let q = t.curve.mul(&BigUint::from(d), &g);
        let key = t.encode(&q, d % 2 == 0);
        let z = (d * 7 + 3) % t.n;
        for r in 0..=t.n + 1 {
            for s in 0..=t.n + 1 {
                let want = t.reference(&key, &BigUint::from(z), r, s);
                let o = t.run(&key, &be32(z), r, s);
                assert_eq!(o.code, want, "d {d} z {z} r {r} s {s}");
                seen.add(t, &o);
            }
        }
    }
    println!(
        "product program {product}: (r, s) pairs: {} runs, codes {:?}; R = infinity {}; r+n branch {}; special paths g dbl {} g inf {} q dbl {} q inf {}",
        seen.runs, seen.codes, seen.r_inf, seen.r_plus_n, seen.g_dbl, seen.g_inf, seen.q_dbl, seen.q_inf
    );
    assert!(
        seen.codes[..4].iter().all(|&c| c > 0),
        "VALID, INVALID, BAD_R, BAD_S occur"
    );
    assert!(seen.r_inf > 0, "R = infinity never occurred");
    for (name, v) in [
        ("g dbl", seen.g_dbl),
        ("g inf", seen.g_inf),
        ("q dbl", seen.q_dbl),
        ("q inf", seen.q_inf),
        ("r+n", seen.r_plus_n),
    ] {
        assert!(
            v > 0,
            "special path {name} never ran (product program {product})"
        );
    }
}

#[test]
fn toy_every_public_key_encoding() {
    let t = Toy::new(true);
    let mut seen = Seen::default();
    // A fixed signature of key 5 (so that some encodings verify).
    let d = 5u64;
    let (z, k) = (11u64, 7u64);
    let g = t.curve.g();
    let (rx, _) = t.curve.mul(&BigUint::from(k), &g).expect("kG");
    let r = (&rx % t.n).iter_u64_digits().next().unwrap_or(0);
    let kinv = mod_inverse(&BigUint::from(k), &t.curve.n).expect("inv");
    let s = ((kinv * BigUint::from(z + r * d)) % t.n)
        .iter_u64_digits()
        .next()
        .unwrap_or(0);
    assert!(r != 0 && s != 0);
    let mut keys = Vec::new();
    for pre in [0u8, 1, 2, 3, 5, 6, 7] {
        for x in 0..t.p + 3 {
            let mut key = vec![pre];
            key.extend_from_slice(&be32(x));
            keys.push(key);
        }
    }
    for pre in [4u8, 2, 6] {
        for x in 0..t.p + 2 {
            for y in 0..t.p + 2 {
                let mut key = vec![pre];
                key.extend_from_slice(&be32(x));
                key.extend_from_slice(&be32(y));
                keys.push(key);
            }
        }
    }
    for key in &keys {
        let want = t.reference(key, &BigUint::from(z), r, s);
        let o = t.run(key, &be32(z), r, s);
        assert_eq!(o.code, want, "key {key:?}");
        seen.add(&t, &o);
    }
    println!(
        "public-key encodings: {} runs, codes {:?}",
        seen.runs, seen.codes
    );
    assert!(
        seen.codes[usize::from(VALID)] >= 2,
        "the signing key verifies in both forms"
    );
    assert!(seen.codes[usize::from(BAD_PUBKEY)] > 0 && seen.codes[usize::from(INVALID)] > 0);
    let _ = (BAD_R, BAD_S);
}
