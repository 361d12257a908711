//! DER parsing: strict and lax never panic; whatever passes strict also parses laxly to the
//! same (r, s); values are always below the group order.
#![no_main]

use crypto_core::der::{check_strict, parse_lax, parse_strict, ORDER_N};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let lax = parse_lax(data);
    if let Ok(sig) = lax {
        assert!(sig.r < ORDER_N && sig.s < ORDER_N);
    }
    if let Ok(s) = parse_strict(data) {
        assert!(check_strict(data).is_ok());
        let body = &data[..data.len() - 1];
        assert_eq!(parse_lax(body).ok(), Some(s.sig), "strict and lax disagree");
    }
});
