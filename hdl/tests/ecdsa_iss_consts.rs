//! The constant ROM's G table against k256's multiples of the generator.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::cast_possible_truncation
)]

use k256::elliptic_curve::sec1::ToEncodedPoint;
use k256::{ProjectivePoint, Scalar};
use num_bigint::BigUint;
use satchain_hdl::ecdsa::consts::{c, const_rom, const_rom_for, from_words, Curve};

#[test]
fn consts_g_table_equals_k256_multiples() {
    let rom = const_rom();
    for k in 1u64..=15 {
        let pt = (ProjectivePoint::GENERATOR * Scalar::from(k)).to_affine();
        let enc = pt.to_encoded_point(false);
        let x = BigUint::from_bytes_be(enc.x().expect("x"));
        let y = BigUint::from_bytes_be(enc.y().expect("y"));
        let i = usize::from(c::G_TABLE) + 2 * (k as usize - 1);
        assert_eq!(from_words(&rom[i]), x, "x({k}G)");
        assert_eq!(from_words(&rom[i + 1]), y, "y({k}G)");
    }
    // p, n and b as k256 knows them (n via -1 + 1 wrap: n - 1 is the largest scalar).
    let big = const_rom_for(&Curve::secp256k1());
    let n_minus_1 = BigUint::from_bytes_be(&(-Scalar::ONE).to_bytes());
    assert_eq!(&big[usize::from(c::N)] - 1u32, n_minus_1);
}
