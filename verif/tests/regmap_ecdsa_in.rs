//! The ECDSA path of the top through its registers: 41 ECDSA_IN words stage a job, the top
//! loads it into the engine and starts it, ECDSA_RESULT / ECDSA_CYCLES / ECDSA_POP return
//! the result with its tag. A valid signature, a tampered one and r = 0.

use accel_driver::Bus;
use k256::ecdsa::signature::hazmat::PrehashSigner;
use k256::ecdsa::{Signature, SigningKey};
use satchain_regmap::{field, reg, EcdsaCode, EcdsaJob};
use verif::VerilatorBus;

/// Stages one job by its 41 ECDSA_IN words (the layout of `satchain_regmap::EcdsaJob::words`).
fn submit(a: &mut VerilatorBus, z: &[u8; 32], r: &[u8; 32], s: &[u8; 32], pk: &[u8], tag: u8) {
    let job = EcdsaJob::new(pk, z, r, s).unwrap();
    for x in job.words(tag) {
        a.write32(reg::ECDSA_IN.offset, x).unwrap();
    }
}

fn take(a: &mut VerilatorBus) -> (u8, u32, u32) {
    for _ in 0..2_000_000 {
        let r = a.read32(reg::ECDSA_RESULT.offset).unwrap();
        if field::ECDSA_RESULT::VALID.get(r) == 1 {
            let cyc = a.read32(reg::ECDSA_CYCLES.offset).unwrap();
            a.write32(reg::ECDSA_POP.offset, 1).unwrap();
            return (
                field::ECDSA_RESULT::TAG.get(r) as u8,
                field::ECDSA_RESULT::CODE.get(r),
                cyc,
            );
        }
        a.steps(200);
    }
    panic!("no ECDSA result");
}

#[test]
fn regmap_ecdsa_in_valid_invalid_bad_r() {
    let sk = SigningKey::from_bytes(&[7u8; 32].into()).unwrap();
    let pk = sk.verifying_key().to_encoded_point(true);
    let z = [0x42u8; 32];
    let sig: Signature = sk.sign_prehash(&z).unwrap();
    let (r, s) = sig.split_bytes();
    let (r, s): ([u8; 32], [u8; 32]) = (r.into(), s.into());
    let mut a = VerilatorBus::open_design(verif::bus::ENGINE_TOP_MODEL).expect("model");
    submit(&mut a, &z, &r, &s, pk.as_bytes(), 0x31);
    let (tag, code, cyc) = take(&mut a);
    println!("valid signature: tag {tag:#x} code {code} engine cycles {cyc}");
    assert_eq!((tag, code), (0x31, EcdsaCode::Valid as u32));
    assert!(cyc > 0);
    let mut z2 = z;
    z2[31] ^= 1;
    submit(&mut a, &z2, &r, &s, pk.as_bytes(), 0x32);
    let (tag, code, _) = take(&mut a);
    assert_eq!((tag, code), (0x32, EcdsaCode::Invalid as u32));
    submit(&mut a, &z, &[0u8; 32], &s, pk.as_bytes(), 0x33);
    let (tag, code, _) = take(&mut a);
    assert_eq!((tag, code), (0x33, EcdsaCode::BadR as u32));
    let e = a.read32(reg::ERROR.offset).unwrap();
    assert_eq!(e, 0, "no error expected, ERROR = {e:#x}");
}
