//! Instructions per operation on the A9's instruction stream.
//!
//! The A9 global timer is read around each operation. Under `qemu-system-arm -icount shift=0`
//! the virtual clock advances one nanosecond per executed instruction and QEMU's global timer
//! ticks once per 10 virtual ns (prescaler 0), so instructions = ticks x 10. The factor is not
//! assumed: a loop of a known instruction count calibrates it first, and the count is printed
//! with it (`run.sh` refuses a calibration other than 10 instructions per tick).
//! Without `-icount` the same numbers are host time and mean nothing.

use alloc::vec::Vec;

use crypto_core::{validate_block, Backend, Chain, HashJob, ValidateOptions, VerifyJob};
use fallback_sw::demo::REGTEST_POW_LIMIT;
use fallback_sw::{sha256, verify_one, Libsecp256k1, SoftwareBackend, Verifier};

use crate::board::timer_now;
use crate::{println, signed_job, Checks};

/// Iterations of the calibration loop (two instructions each: `subs`, `bne`).
const CAL_ITERS: u32 = 1_000_000;

/// Timer ticks spent in `f`.
fn ticks<R>(f: impl FnOnce() -> R) -> (u64, R) {
    let t0 = timer_now();
    let r = f();
    let t1 = timer_now();
    (t1.wrapping_sub(t0), r)
}

/// Ticks of a loop of exactly `2 * CAL_ITERS` instructions (plus the three around it).
fn calibration_ticks() -> u64 {
    ticks(|| {
        // SAFETY: a register-only countdown loop; touches no memory.
        unsafe {
            core::arch::asm!(
                "1:",
                "subs {n}, {n}, #1",
                "bne 1b",
                n = inout(reg) CAL_ITERS => _,
                options(nomem, nostack),
            );
        }
    })
    .0
}

/// Prints one measurement: `measure: <id>: <instructions per op> instructions/op (<n> ops,
/// <ticks> ticks)`; `run.sh` and benches/README.md read these lines.
fn report(id: &str, ticks: u64, ops: u64, per_tick_milli: u64) {
    let instr = ticks * per_tick_milli / 1000;
    println!(
        "measure: {id}: {} instructions/op ({ops} ops, {ticks} ticks)",
        instr / ops.max(1)
    );
}

pub fn all(c: &mut Checks, raw_block: &[u8]) {
    let cal = calibration_ticks();
    // Instructions per tick, in thousandths.
    let per_tick_milli = u64::from(2 * CAL_ITERS) * 1000 / cal.max(1);
    println!(
        "measure: calibration: {} instructions in {cal} ticks = {}.{:03} instructions/tick",
        2 * CAL_ITERS,
        per_tick_milli / 1000,
        per_tick_milli % 1000
    );

    // SHA-256 compression: a 16 KiB message is 256 blocks plus the padding block.
    let msg = alloc::vec![0xa5u8; 16 * 1024];
    let (t, d) = ticks(|| sha256(&msg));
    c.check("measure: SHA-256 of 16 KiB computed", d != [0u8; 32]);
    report("sha256/block", t, 257, per_tick_milli);

    // SHA-256d of 80-byte headers through the backend (3 compressions each).
    let jobs: Vec<HashJob> = (0u8..100).map(|i| HashJob::header80(&[i; 80])).collect();
    let be = SoftwareBackend::single_thread();
    let (t, out) = ticks(|| be.hash_batch(&jobs));
    c.check(
        "measure: 100 header80 jobs hashed",
        out.map(|d| d.len()).ok() == Some(100),
    );
    report("sha256d/header80", t, 100, per_tick_milli);

    // ECDSA: eight distinct valid jobs (compressed and uncompressed keys), each verifier.
    let vjobs: Vec<VerifyJob> = (10u8..18)
        .filter_map(|i| signed_job(i, i % 2 == 0))
        .collect();
    let (t, ok) = ticks(|| vjobs.iter().filter(|j| verify_one(j).is_valid()).count());
    c.check("measure: k256 verifies 8 valid jobs", ok == 8);
    report("ecdsa_verify/k256", t, 8, per_tick_milli);
    let libsecp = Libsecp256k1::new();
    let (t, ok) = ticks(|| {
        vjobs
            .iter()
            .filter(|j| libsecp.verify(j).is_valid())
            .count()
    });
    c.check("measure: libsecp256k1 verifies 8 valid jobs", ok == 8);
    report("ecdsa_verify/libsecp256k1", t, 8, per_tick_milli);

    // The whole validation of the demo block, single thread, each verifier.
    let mut opts = ValidateOptions::new(Chain::Bitcoin);
    opts.pow_limit = Some(REGTEST_POW_LIMIT);
    for v in Verifier::ALL {
        let be = SoftwareBackend::single_thread().with_verifier(*v);
        let (t, rep) = ticks(|| validate_block(raw_block, &opts, &be));
        c.check(
            &alloc::format!("measure: demo block VALID with {v}"),
            rep.valid,
        );
        report(
            &alloc::format!("validate/sw-{v}/demo-block"),
            t,
            1,
            per_tick_milli,
        );
        report(
            &alloc::format!("validate/sw-{v}/per-signature"),
            t,
            rep.signatures.checked,
            per_tick_milli,
        );
    }
}
