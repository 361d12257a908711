//! Small hash functions that are not Backend operations.
//!
//! RIPEMD-160 (for HASH160) is not offered by the hardware, so it is computed here, with the
//! maintained `ripemd` crate. The validation pipeline computes the SHA-256 half of HASH160
//! through the backend ([`crate::Backend::hash_batch`], so that the accelerator does it) and
//! finishes with [`ripemd160`]. The standalone [`hash160`] uses `sha2` for the SHA-256 half;
//! it is meant for building scripts (demo blocks, tests), not for the validation hot path:
//! consensus code never hashes with it.

use ripemd::{Digest, Ripemd160};
use sha2::Sha256;

/// RIPEMD-160.
pub fn ripemd160(data: &[u8]) -> [u8; 20] {
    Ripemd160::digest(data).into()
}

/// HASH160 = RIPEMD160(SHA256(data)), in software (`sha2`), outside the Backend.
pub fn hash160(data: &[u8]) -> [u8; 20] {
    ripemd160(&Sha256::digest(data))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ripemd160_known_answers() {
        // From the RIPEMD-160 reference page.
        assert_eq!(
            hex::encode(ripemd160(b"")),
            "9c1185a5c5e9fc54612808977ee8f548b2258d31"
        );
        assert_eq!(
            hex::encode(ripemd160(b"abc")),
            "8eb208f7e05d987a9b044a8e98c6b087f15a0bfc"
        );
        assert_eq!(
            hex::encode(ripemd160(
                b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
            )),
            "12a053384a9c0c88e405a06c27dcf49ada62eb2b"
        );
        assert_eq!(
            hex::encode(ripemd160(&[b'a'; 1_000_000])),
            "52783243c1697bdbe16d37f97f68f08325dc1528"
        );
    }

    #[test]
    fn hash160_of_generator_pubkey() {
        // Compressed G: its HASH160 is the well-known 751e76e8199196d454941c45d1b3a323f1433bd6.
        let g = hex::decode("0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798")
            .unwrap();
        assert_eq!(
            hex::encode(hash160(&g)),
            "751e76e8199196d454941c45d1b3a323f1433bd6"
        );
    }
}
