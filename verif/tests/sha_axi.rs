//! Hash jobs through the AXI4-Lite register interface of the Verilated top: results match
//! sha2, several jobs in flight with out-of-order results, every hash error code, IRQ
//! behaviour and soft reset.

use accel_driver::Bus;
use satchain_regmap::{self as rm, field, reg, ErrorCode, HashMode};
use sha2::{Digest, Sha256};
use verif::VerilatorBus;

fn sw(double: bool, data: &[u8]) -> [u8; 32] {
    let d: [u8; 32] = Sha256::digest(data).into();
    if double {
        Sha256::digest(d).into()
    } else {
        d
    }
}

fn cmd(mode: u32, len: u32, tag: u32) -> u32 {
    field::HASH_CMD::TAG.put(tag) | field::HASH_CMD::MODE.put(mode) | field::HASH_CMD::LEN.put(len)
}

fn submit(a: &mut VerilatorBus, mode: HashMode, data: &[u8], tag: u8) {
    a.write32(
        reg::HASH_CMD.offset,
        cmd(mode as u32, data.len() as u32, u32::from(tag)),
    )
    .unwrap();
    for c in data.chunks(4) {
        let mut b = [0u8; 4];
        b[..c.len()].copy_from_slice(c);
        a.write32(reg::HASH_DATA.offset, u32::from_be_bytes(b))
            .unwrap();
    }
}

/// Waits for a result; returns (tag, digest) and pops it.
fn take(a: &mut VerilatorBus) -> (u8, [u8; 32]) {
    for _ in 0..100_000 {
        let r = a.read32(reg::HASH_RESULT.offset).unwrap();
        if field::HASH_RESULT::VALID.get(r) == 1 {
            let mut d = [0u8; 32];
            for i in 0..8 {
                let w = a.read32(reg::HASH_DIGEST0.offset + 4 * i as u32).unwrap();
                d[4 * i..4 * i + 4].copy_from_slice(&w.to_be_bytes());
            }
            a.write32(reg::HASH_POP.offset, 1).unwrap();
            return (field::HASH_RESULT::TAG.get(r) as u8, d);
        }
    }
    panic!("no hash result");
}

fn error(a: &mut VerilatorBus) -> (u32, u32) {
    let e = a.read32(reg::ERROR.offset).unwrap();
    (field::ERROR::CODE.get(e), field::ERROR::TAG.get(e))
}

#[test]
fn sha_axi_jobs_match_sha2_all_modes() {
    let mut a = VerilatorBus::open_design("top_hash").expect("model");
    let hdr: Vec<u8> = (0..80u8).collect();
    let node: Vec<u8> = (0..64u8).map(|x| x ^ 0x5a).collect();
    let jobs: Vec<(HashMode, Vec<u8>)> = vec![
        (HashMode::Sha256, b"abc".to_vec()),
        (HashMode::Sha256, vec![]),
        (HashMode::Sha256d, vec![7u8; 119]),
        (HashMode::Header80, hdr),
        (HashMode::Merkle64, node),
        (HashMode::Sha256, vec![0xeeu8; 1000]),
    ];
    for (i, (m, d)) in jobs.iter().enumerate() {
        submit(&mut a, *m, d, i as u8 + 10);
    }
    let mut seen = vec![false; jobs.len()];
    for _ in 0..jobs.len() {
        let (tag, d) = take(&mut a);
        let i = usize::from(tag - 10);
        let (m, data) = &jobs[i];
        assert_eq!(
            d,
            sw(*m != HashMode::Sha256, data),
            "job {i} ({m:?}, {} bytes)",
            data.len()
        );
        seen[i] = true;
    }
    assert!(seen.iter().all(|&s| s));
    assert_eq!(error(&mut a), (0, 0));
    let s = a.read32(reg::STATUS.offset).unwrap();
    assert_eq!(field::STATUS::HASH_BUSY.get(s), 0, "STATUS {s:#x}");
}

#[test]
fn sha_axi_error_codes() {
    let mut a = VerilatorBus::open_design("top_hash").expect("model");
    // Unknown mode.
    a.write32(reg::HASH_CMD.offset, cmd(5, 4, 0x21)).unwrap();
    assert_eq!(error(&mut a), (ErrorCode::BadMode as u32, 0x21));
    a.write32(reg::ERROR.offset, 0).unwrap();
    // Wrong length for MERKLE64 and HEADER80.
    a.write32(
        reg::HASH_CMD.offset,
        cmd(HashMode::Merkle64 as u32, 63, 0x22),
    )
    .unwrap();
    assert_eq!(error(&mut a), (ErrorCode::BadLength as u32, 0x22));
    a.write32(reg::ERROR.offset, 0).unwrap();
    a.write32(
        reg::HASH_CMD.offset,
        cmd(HashMode::Header80 as u32, 64, 0x23),
    )
    .unwrap();
    assert_eq!(error(&mut a), (ErrorCode::BadLength as u32, 0x23));
    a.write32(reg::ERROR.offset, 0).unwrap();
    // Data with no command expecting it (the refused commands queued nothing).
    a.write32(reg::HASH_DATA.offset, 0xdead_beef).unwrap();
    assert_eq!(error(&mut a).0, ErrorCode::DataOverflow as u32);
    a.write32(reg::ERROR.offset, 0).unwrap();
    // Pop on empty.
    a.write32(reg::HASH_POP.offset, 0).unwrap();
    assert_eq!(error(&mut a).0, ErrorCode::ResultUnderflow as u32);
    a.write32(reg::ERROR.offset, 0).unwrap();
    // First error is kept.
    a.write32(reg::HASH_CMD.offset, cmd(7, 0, 1)).unwrap();
    a.write32(reg::HASH_POP.offset, 0).unwrap();
    assert_eq!(error(&mut a), (ErrorCode::BadMode as u32, 1));
    a.write32(reg::ERROR.offset, 0).unwrap();
    // Command overflow: one job waits for its data word (holding the stream), 16 more fill
    // the command queue, the next one overflows.
    a.write32(reg::HASH_CMD.offset, cmd(0, 4, 0)).unwrap();
    for t in 1..=16 {
        a.write32(reg::HASH_CMD.offset, cmd(0, 0, t)).unwrap();
        assert_eq!(error(&mut a).0, 0, "command {t} refused");
    }
    a.write32(reg::HASH_CMD.offset, cmd(0, 0, 0x77)).unwrap();
    assert_eq!(error(&mut a), (ErrorCode::CmdOverflow as u32, 0x77));
    assert_eq!(
        field::STATUS::ERROR.get(a.read32(reg::STATUS.offset).unwrap()),
        1
    );
    a.write32(reg::ERROR.offset, 0).unwrap();
    // The unit never hangs: feeding the missing word completes all 17 jobs.
    a.write32(reg::HASH_DATA.offset, 0x6162_6364).unwrap();
    let mut tags = Vec::new();
    for _ in 0..17 {
        let (t, d) = take(&mut a);
        let want = if t == 0 {
            sw(false, b"abcd")
        } else {
            sw(false, b"")
        };
        assert_eq!(d, want, "tag {t}");
        tags.push(t);
    }
    tags.sort_unstable();
    assert_eq!(tags, (0..=16).collect::<Vec<u8>>());
    assert_eq!(error(&mut a).0, 0);
    // ECDSA_IN overflow (no engine in this model: the staged job stays).
    for i in 0..rm::ECDSA_JOB_WORDS {
        a.write32(reg::ECDSA_IN.offset, i).unwrap();
    }
    assert_eq!(
        field::STATUS::ECDSA_READY.get(a.read32(reg::STATUS.offset).unwrap()),
        0
    );
    a.write32(reg::ECDSA_IN.offset, 0).unwrap();
    assert_eq!(error(&mut a).0, ErrorCode::EcdsaOverflow as u32);
    a.write32(reg::ERROR.offset, 0).unwrap();
    a.write32(reg::ECDSA_POP.offset, 0).unwrap();
    assert_eq!(error(&mut a).0, ErrorCode::ResultUnderflow as u32);
}

#[test]
fn sha_axi_irq_and_soft_reset() {
    let mut a = VerilatorBus::open_design("top_hash").expect("model");
    a.write32(reg::IRQ_ENABLE.offset, field::IRQ_ENABLE::HASH_DONE.mask())
        .unwrap();
    assert!(!a.irq_line());
    submit(&mut a, HashMode::Sha256, b"abc", 5);
    let mut n = 0;
    while !a.irq_line() {
        a.step();
        n += 1;
        assert!(n < 10_000, "no IRQ");
    }
    // W1C while the result is still there: the bit comes back.
    a.write32(reg::IRQ_STATUS.offset, field::IRQ_STATUS::HASH_DONE.mask())
        .unwrap();
    assert!(a.irq_line());
    let (t, d) = take(&mut a);
    assert_eq!((t, d), (5, sw(false, b"abc")));
    a.write32(reg::IRQ_STATUS.offset, field::IRQ_STATUS::HASH_DONE.mask())
        .unwrap();
    assert!(!a.irq_line());
    // Soft reset in the middle of a job (command written, data missing) recovers.
    a.write32(reg::HASH_CMD.offset, cmd(0, 100, 9)).unwrap();
    a.write32(reg::HASH_DATA.offset, 1).unwrap();
    a.write32(reg::HASH_POP.offset, 0).unwrap(); // an error to be cleared too
    a.write32(reg::CTRL.offset, field::CTRL::SOFT_RESET.mask())
        .unwrap();
    assert_eq!(error(&mut a).0, 0);
    let s = a.read32(reg::STATUS.offset).unwrap();
    assert_eq!(field::STATUS::HASH_BUSY.get(s), 0, "STATUS {s:#x}");
    submit(&mut a, HashMode::Sha256d, b"hello", 6);
    assert_eq!(take(&mut a), (6, sw(true, b"hello")));
    assert_eq!(
        field::HASH_RESULT::VALID.get(a.read32(reg::HASH_RESULT.offset).unwrap()),
        0
    );
}
