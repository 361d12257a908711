//! Exhaustive test of the VerifyCore programs on libsecp256k1's exhaustive-test curve
//! (y² = x³ + 2 over secp256k1's p, generator of order 13; `CurveDesc::toy13`): the same
//! program generator, the same ISS (whole core: ScalarUnit with modulus 13, two clusters),
//! against the affine reference arithmetic of `ecdsa::consts::Curve`.
//!
//! ECDSA: every key x every message z in [0, 26) x every nonce (both key forms), and every
//! (r, s) in [0, n+1]² for every key. BIP340 on the same group: every key x challenge x nonce,
//! and every s in [0, n] for every key and every r = x(k·G). In a group this small the special
//! paths (equal points, opposite points, R = infinity mid-computation) are frequent; the test
//! asserts each of them ran.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::cast_possible_truncation
)]

use num_bigint::BigUint;
use satchain_hdl::ecdsa::consts::{mod_inverse, Affine};
use satchain_hdl::vcore::consts::CurveDesc;
use satchain_hdl::vcore::iss::core::{CoreJob, Run};
use satchain_hdl::vcore::iss::machine::CoreImage;
use satchain_hdl::vcore::iss::Config;
use satchain_hdl::vcore::program::{labels, ProgramOptions};
use satchain_hdl::vcore::su::model::JobKind;

const N: u64 = 13;

struct Toy {
    desc: CurveDesc,
    img: CoreImage,
    /// i·G for i in 0..13 (index 0 = infinity).
    mult: Vec<Affine>,
}

fn toy() -> Toy {
    let desc = CurveDesc::toy13().unwrap();
    let img = CoreImage::new(&desc, &ProgramOptions::default()).unwrap();
    let c = &desc.curve;
    let mut mult = vec![None];
    for i in 1..N {
        mult.push(c.mul(&BigUint::from(i), &c.g()));
    }
    Toy { desc, img, mult }
}

fn b32(v: &BigUint) -> [u8; 32] {
    let b = v.to_bytes_be();
    let mut o = [0u8; 32];
    o[32 - b.len()..].copy_from_slice(&b);
    o
}

fn n32(v: u64) -> [u8; 32] {
    b32(&BigUint::from(v))
}

fn key_bytes(pt: &Affine, compressed: bool) -> Vec<u8> {
    let (x, y) = pt.clone().unwrap();
    if compressed {
        let mut k = vec![2 + u8::from(y.bit(0))];
        k.extend_from_slice(&b32(&x));
        k
    } else {
        let mut k = vec![4];
        k.extend_from_slice(&b32(&x));
        k.extend_from_slice(&b32(&y));
        k
    }
}

impl Toy {
    /// Reference ECDSA code on the toy group (range checks, then the equation).
    fn ecdsa_ref(&self, d: u64, z: u64, r: u64, s: u64) -> u8 {
        if r == 0 || r >= N {
            return 2;
        }
        if s == 0 || s >= N {
            return 3;
        }
        let q = &self.mult[d as usize];
        let ok = self.desc.curve.ecdsa_verify(
            q,
            &BigUint::from(z),
            &BigUint::from(r),
            &BigUint::from(s),
        );
        u8::from(!ok)
    }

    /// Reference BIP340 code: s·G − e·P finite, even y, x == r.
    fn schnorr_ref(&self, px: &BigUint, e: u64, r: &BigUint, s: u64) -> u8 {
        let c = &self.desc.curve;
        if r >= &c.p {
            return 2;
        }
        if s >= N {
            return 3;
        }
        let Some(y) = c.sqrt(&((px * px * px + &c.b) % &c.p)) else {
            return 4;
        };
        let y = if y.bit(0) { &c.p - &y } else { y };
        let pp = Some((px.clone(), y));
        let sg = c.mul(&BigUint::from(s), &c.g());
        let ep = c.mul(&BigUint::from((N - e % N) % N), &pp);
        match c.add(&sg, &ep) {
            Some((x, yy)) if !yy.bit(0) && &x == r => 0,
            _ => 1,
        }
    }

    fn run(&self, jobs: &[CoreJob]) -> Run {
        self.img
            .run(&Config::default(), jobs)
            .unwrap_or_else(|e| panic!("toy ISS: {e}"))
    }

    fn label_runs(&self, run: &Run, name: &str) -> usize {
        let pcs: Vec<u16> = self
            .img
            .program
            .labels
            .iter()
            .filter(|(k, _)| k.as_str() == name || k.starts_with(&format!("{name}.")))
            .map(|(_, &v)| v)
            .collect();
        run.results
            .iter()
            .filter(|r| {
                r.stats
                    .as_ref()
                    .is_some_and(|s| pcs.iter().any(|&p| s.visited(p)))
            })
            .count()
    }
}

#[test]
fn vcore_toy_ecdsa_exhaustive() {
    let t = toy();
    let n = BigUint::from(N);
    let mut jobs = Vec::new();
    let mut want = Vec::new();
    // Every key, message z in [0, 2n) (the ScalarUnit reduces z < 2n), nonce, both forms.
    for d in 1..N {
        for z in 0..2 * N {
            for k in 1..N {
                let (rx, _) = t.mult[k as usize].clone().unwrap();
                let r = (&rx % &n).to_u64_digits().first().copied().unwrap_or(0);
                if r == 0 {
                    continue;
                }
                let kinv = mod_inverse(&BigUint::from(k), &n).unwrap();
                let s = (kinv * BigUint::from(z + r * d)) % &n;
                let s = s.to_u64_digits().first().copied().unwrap_or(0);
                if s == 0 {
                    continue;
                }
                for compressed in [true, false] {
                    let key = key_bytes(&t.mult[d as usize], compressed);
                    jobs.push(CoreJob::ecdsa(&key, &n32(z), &n32(r), &n32(s)).unwrap());
                    want.push(t.ecdsa_ref(d, z, r, s));
                }
            }
        }
    }
    let signed = jobs.len();
    // Every (r, s) in [0, n+1]² for every key (z = 5; both forms alternate).
    for d in 1..N {
        for r in 0..=N + 1 {
            for s in 0..=N + 1 {
                let key = key_bytes(&t.mult[d as usize], (r + s) % 2 == 0);
                jobs.push(CoreJob::ecdsa(&key, &n32(5), &n32(r), &n32(s)).unwrap());
                want.push(t.ecdsa_ref(d, 5, r, s));
            }
        }
    }
    let run = t.run(&jobs);
    for (i, (res, w)) in run.results.iter().zip(&want).enumerate() {
        assert_eq!(res.code, *w, "job {i}: {:?}", jobs[i]);
    }
    assert!(run.results[..signed].iter().all(|r| r.code == 0));
    for l in [
        labels::SPECIAL_DBL,
        labels::SPECIAL_INF,
        labels::R_INFINITY,
        labels::DECOMPRESS,
    ] {
        let k = t.label_runs(&run, l);
        println!("{l}: {k} of {} jobs", jobs.len());
        assert!(k > 0, "{l} never ran");
    }
    let mut by = std::collections::BTreeMap::<u8, usize>::new();
    for r in &run.results {
        *by.entry(r.code).or_default() += 1;
    }
    println!("toy ECDSA: {} jobs, codes {by:?}", jobs.len());
}

#[test]
fn vcore_toy_schnorr_exhaustive() {
    let t = toy();
    let p = &t.desc.curve.p;
    let mut jobs = Vec::new();
    let mut want = Vec::new();
    let xonly = |i: u64| -> (BigUint, u64) {
        // the key with even y: i or n − i
        let (x, y) = t.mult[i as usize].clone().unwrap();
        (x, if y.bit(0) { N - i } else { i })
    };
    for d0 in 1..N {
        let (px, d) = xonly(d0);
        for e in 0..N {
            for k0 in 1..N {
                let (rx, k) = xonly(k0);
                let s = (k + e * d) % N;
                let e_word = BigUint::from(e) + BigUint::from(N) * BigUint::from(d0); // unreduced
                jobs.push(CoreJob {
                    kind: JobKind::Schnorr,
                    z: e_word.clone(),
                    r: rx.clone(),
                    s: BigUint::from(s),
                    qx: px.clone(),
                    qy: BigUint::default(),
                    prefix: 0,
                });
                want.push(t.schnorr_ref(&px, e, &rx, s));
            }
        }
        // every s for every r = x(k·G), and r = p, r = 0
        for k0 in 0..N {
            let r = if k0 == 0 { p.clone() } else { xonly(k0).0 };
            for s in 0..=N {
                jobs.push(CoreJob {
                    kind: JobKind::Schnorr,
                    z: BigUint::from(3u32),
                    r: r.clone(),
                    s: BigUint::from(s),
                    qx: px.clone(),
                    qy: BigUint::default(),
                    prefix: 0,
                });
                want.push(t.schnorr_ref(&px, 3, &r, s));
            }
        }
    }
    let run = t.run(&jobs);
    for (i, (res, w)) in run.results.iter().zip(&want).enumerate() {
        assert_eq!(res.code, *w, "job {i}: {:?}", jobs[i]);
    }
    let mut by = std::collections::BTreeMap::<u8, usize>::new();
    for r in &run.results {
        *by.entry(r.code).or_default() += 1;
    }
    println!("toy BIP340: {} jobs, codes {by:?}", jobs.len());
    assert!(t.label_runs(&run, labels::SCHNORR_PARITY) > 0);
    assert!(t.label_runs(&run, labels::R_INFINITY) > 0);
}
