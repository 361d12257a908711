//! Transaction parsing: never panics; parse -> serialize(witness) reproduces the consumed
//! bytes; sighash preimage builders accept whatever parses.
#![no_main]

use crypto_core::sighash::{bip143_parts, legacy_preimage};
use crypto_core::Transaction;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok((tx, used)) = Transaction::parse(data) {
        assert_eq!(tx.serialize(true), &data[..used], "round trip");
        let script = data.get(..data.len().min(40)).unwrap_or(&[]);
        let ht = data.first().copied().unwrap_or(1) as i32;
        for i in 0..tx.inputs.len().min(4) + 1 {
            let _ = legacy_preimage(&tx, i, script, ht);
        }
        let _ = bip143_parts(&tx);
        let mut s = script.to_vec();
        let _ = crypto_core::script::find_and_delete(&mut s, &data[..data.len().min(3)]);
        let _ = crypto_core::script::classify(data);
        let _ = crypto_core::script::push_only(data);
    }
});
