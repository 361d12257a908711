//! k256 == VerifyCore ISS on BIP340 Schnorr: the 19 official test vectors
//! (`tests/data/bip340-test-vectors.csv`, provenance in `tests/data/README.md`) and random /
//! tampered / constructed signatures, all through the whole core model (many in flight).
//!
//! Codes (ARCH.md): r >= p -> BAD_R, s >= n -> BAD_S (ScalarUnit), then the key (x >= p or
//! not on the curve) -> BAD_PUBKEY, then VALID / INVALID.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::cast_possible_truncation
)]

mod vcore_common;

use k256::elliptic_curve::group::Group;
use k256::elliptic_curve::point::AffineCoordinates;
use k256::elliptic_curve::PrimeField;
use k256::schnorr::{Signature, SigningKey, VerifyingKey};
use k256::{FieldBytes, ProjectivePoint, Scalar};
use num_bigint::BigUint;
use rand::Rng;
use satchain_hdl::vcore::iss::core::{CoreJob, Run};
use satchain_hdl::vcore::iss::Config;
use satchain_hdl::vcore::program::labels;
use vcore_common::*;

const P_HEX: &str = "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFC2F";
const N_HEX: &str = "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141";

fn hex(s: &str) -> Vec<u8> {
    (0..s.len() / 2)
        .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap())
        .collect()
}

fn arr(v: &[u8]) -> [u8; 32] {
    v.try_into().unwrap()
}

fn big(b: &[u8]) -> BigUint {
    BigUint::from_bytes_be(b)
}

/// tagged_hash(tag, data) = SHA256(SHA256(tag) || SHA256(tag) || data).
fn tagged(tag: &str, data: &[u8]) -> [u8; 32] {
    let th = fallback_sw::sha256(tag.as_bytes());
    let mut m = th.to_vec();
    m.extend_from_slice(&th);
    m.extend_from_slice(data);
    fallback_sw::sha256(&m)
}

#[derive(Debug, Clone)]
struct SCase {
    what: String,
    px: [u8; 32],
    msg: Vec<u8>,
    sig: [u8; 64],
}

impl SCase {
    fn job(&self) -> CoreJob {
        let r = arr(&self.sig[..32]);
        let s = arr(&self.sig[32..]);
        let mut d = r.to_vec();
        d.extend_from_slice(&self.px);
        d.extend_from_slice(&self.msg);
        let e = tagged("BIP0340/challenge", &d);
        CoreJob::schnorr(&self.px, &e, &r, &s)
    }

    /// The reference code: range checks (r, then s), the key, then BIP340's equation with
    /// k256's arithmetic (R = s·G − e·P; R finite, y(R) even, x(R) == r). Where k256's
    /// `verify_raw` accepts the encoding (it refuses r = 0 and s = 0), it must agree.
    fn want(&self) -> u8 {
        if big(&self.sig[..32]) >= big(&hex(P_HEX)) {
            return 2;
        }
        if big(&self.sig[32..]) >= big(&hex(N_HEX)) {
            return 3;
        }
        let Ok(vk) = VerifyingKey::from_bytes(&self.px) else {
            return 4;
        };
        let mut d = self.sig[..32].to_vec();
        d.extend_from_slice(&self.px);
        d.extend_from_slice(&self.msg);
        let e = reduce(&tagged("BIP0340/challenge", &d));
        let s = scalar(&arr(&self.sig[32..])).unwrap();
        let pp = ProjectivePoint::from(*vk.as_affine());
        let rp = ProjectivePoint::GENERATOR * s - pp * e;
        let ok = !bool::from(rp.is_identity()) && {
            let a = rp.to_affine();
            !bool::from(a.y_is_odd()) && <[u8; 32]>::from(a.x()) == arr(&self.sig[..32])
        };
        if let Ok(sig) = Signature::try_from(&self.sig[..]) {
            assert_eq!(
                vk.verify_raw(&self.msg, &sig).is_ok(),
                ok,
                "{}: k256",
                self.what
            );
        }
        u8::from(!ok)
    }
}

fn reduce(b: &[u8; 32]) -> Scalar {
    let v = big(b) % big(&hex(N_HEX));
    let bytes = v.to_bytes_be();
    let mut o = [0u8; 32];
    o[32 - bytes.len()..].copy_from_slice(&bytes);
    scalar(&o).unwrap()
}

fn run(cases: &[SCase]) -> Run {
    let jobs: Vec<CoreJob> = cases.iter().map(SCase::job).collect();
    image()
        .run(&Config::default(), &jobs)
        .unwrap_or_else(|e| panic!("ISS error {e}"))
}

fn check(cases: &[SCase], run: &Run) {
    for (c, r) in cases.iter().zip(&run.results) {
        assert_eq!(
            r.code,
            c.want(),
            "{}: ISS code {} \ncase {c:?}",
            c.what,
            r.code
        );
    }
}

#[test]
fn vcore_schnorr_bip340_vectors() {
    let text = include_str!("data/bip340-test-vectors.csv");
    let mut cases = Vec::new();
    let mut expected = Vec::new();
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        assert!(f.len() >= 7, "{line}");
        cases.push(SCase {
            what: format!("vector {} {}", f[0], f.get(7).copied().unwrap_or("")),
            px: arr(&hex(f[2])),
            msg: hex(f[4]),
            sig: hex(f[5]).try_into().unwrap(),
        });
        expected.push(f[6] == "TRUE");
    }
    assert_eq!(cases.len(), 19, "all 19 official vectors");
    let run = run(&cases);
    check(&cases, &run);
    for ((c, r), want) in cases.iter().zip(&run.results).zip(&expected) {
        assert_eq!(r.code == 0, *want, "{}: code {}", c.what, r.code);
        println!("{}: code {}", c.what, r.code);
    }
    // The vectors reach every code: VALID, INVALID, BAD_R (12), BAD_S (13), BAD_PUBKEY (5, 14).
    let codes: std::collections::BTreeSet<u8> = run.results.iter().map(|r| r.code).collect();
    assert_eq!(codes.into_iter().collect::<Vec<_>>(), vec![0, 1, 2, 3, 4]);
}

fn random_key(r: &mut rand_chacha::ChaCha8Rng) -> SigningKey {
    loop {
        if let Ok(k) = SigningKey::from_bytes(&r.gen::<[u8; 32]>()) {
            return k;
        }
    }
}

fn scalar(b: &[u8; 32]) -> Option<Scalar> {
    Option::from(Scalar::from_repr(FieldBytes::from(*b)))
}

/// A signature whose R = s·G − e·P is chosen: with secret d (even-y key), R = k·G for a
/// given k: r = x(R), e = H(r, P, m), s = k + e·d. Used for odd y(R) (parity path) and for
/// R = infinity (k = 0, r arbitrary).
fn forced(sk: &SigningKey, k: Scalar, r_bytes: Option<[u8; 32]>, msg: &[u8]) -> SCase {
    let px: [u8; 32] = sk.verifying_key().to_bytes().into();
    let d = *sk.as_nonzero_scalar().as_ref();
    // the x-only key's secret is d or −d (BIP340 negates to get even y)
    let pp = (ProjectivePoint::GENERATOR * d).to_affine();
    let d = if bool::from(pp.y_is_odd()) { -d } else { d };
    let rr: [u8; 32] = match r_bytes {
        Some(r) => r,
        None => (ProjectivePoint::GENERATOR * k).to_affine().x().into(),
    };
    let mut data = rr.to_vec();
    data.extend_from_slice(&px);
    data.extend_from_slice(msg);
    let e = reduce(&tagged("BIP0340/challenge", &data));
    let s = k + e * d;
    let mut sig = [0u8; 64];
    sig[..32].copy_from_slice(&rr);
    sig[32..].copy_from_slice(&s.to_bytes());
    SCase {
        what: String::new(),
        px,
        msg: msg.to_vec(),
        sig,
    }
}

#[test]
fn vcore_schnorr_random_tampered_and_constructed() {
    let mut r = rng("vcore_schnorr_random_tampered_and_constructed", 0x5c40);
    let p = big(&hex(P_HEX));
    let n = big(&hex(N_HEX));
    let to32 = |v: &BigUint| {
        let b = v.to_bytes_be();
        let mut o = [0u8; 32];
        o[32 - b.len()..].copy_from_slice(&b);
        o
    };
    let mut cases = Vec::new();
    let total = cases_or(256);
    for i in 0..total {
        let sk = random_key(&mut r);
        let len = [32usize, 0, 1, 17, 100][i % 5];
        let msg: Vec<u8> = (0..len).map(|_| r.gen()).collect();
        let aux: [u8; 32] = r.gen();
        let sig = sk.sign_raw(&msg, &aux).unwrap();
        let mut c = SCase {
            what: "valid".into(),
            px: sk.verifying_key().to_bytes().into(),
            msg,
            sig: sig.to_bytes(),
        };
        let bit = r.gen_range(0..256usize);
        match r.gen_range(0..12) {
            0..=3 => {}
            4 => {
                c.what = format!("r bit {bit}");
                c.sig[31 - bit / 8] ^= 1 << (bit % 8);
            }
            5 => {
                c.what = format!("s bit {bit}");
                c.sig[63 - bit / 8] ^= 1 << (bit % 8);
            }
            6 => {
                c.what = "message changed".into();
                c.msg.push(1);
            }
            7 => {
                c.what = format!("px bit {bit}");
                c.px[31 - bit / 8] ^= 1 << (bit % 8);
            }
            8 => {
                let v = [p.clone(), &p + 1u32, (BigUint::from(1u32) << 256u32) - 1u32]
                    [r.gen_range(0..3)]
                .clone();
                c.what = "r >= p".into();
                c.sig[..32].copy_from_slice(&to32(&v));
            }
            9 => {
                let v = [n.clone(), &n + 1u32, (BigUint::from(1u32) << 256u32) - 1u32]
                    [r.gen_range(0..3)]
                .clone();
                c.what = "s >= n".into();
                c.sig[32..].copy_from_slice(&to32(&v));
            }
            10 => {
                c.what = "px >= p or random x".into();
                c.px = if r.gen() {
                    to32(&(&p + BigUint::from(r.gen::<u16>())))
                } else {
                    r.gen()
                };
            }
            _ => {
                c.what = "s = 0".into();
                c.sig[32..].copy_from_slice(&[0u8; 32]);
            }
        }
        cases.push(c);
    }
    // Constructed: odd y(R) (x matches, parity fails), R = infinity, and their valid twins.
    let mut odd = 0;
    while odd < 4 {
        let sk = random_key(&mut r);
        let k = scalar(&r.gen()).unwrap_or(Scalar::ONE);
        let rp = (ProjectivePoint::GENERATOR * k).to_affine();
        let mut c = forced(&sk, k, None, b"parity");
        c.what = format!(
            "y(R) {}",
            if bool::from(rp.y_is_odd()) {
                "odd"
            } else {
                "even"
            }
        );
        odd += usize::from(bool::from(rp.y_is_odd()));
        cases.push(c);
    }
    for i in 0..4u8 {
        let sk = random_key(&mut r);
        let rr = if i < 2 { [i; 32] } else { r.gen() };
        let mut c = forced(&sk, Scalar::ZERO, Some(rr), b"infinity");
        c.what = "R = infinity".into();
        cases.push(c);
    }
    let run = run(&cases);
    check(&cases, &run);
    let prog = &image().program;
    let parity = prog.label(labels::SCHNORR_PARITY).unwrap();
    let inf = prog.label(labels::R_INFINITY).unwrap();
    let visits = |pc: u16| {
        run.results
            .iter()
            .filter(|x| x.stats.as_ref().is_some_and(|s| s.visited(pc)))
            .count()
    };
    assert!(visits(parity) > 0 && visits(inf) > 0);
    let mut by: std::collections::BTreeMap<u8, usize> = Default::default();
    for x in &run.results {
        *by.entry(x.code).or_default() += 1;
    }
    println!("codes: {by:?}");
}

fn cases_or(d: usize) -> usize {
    cases(d)
}
