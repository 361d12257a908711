//! Hash jobs through the AXI4-Lite register interface of the Verilated top: results match
//! sha2, several jobs in flight with out-of-order results, every hash error code, IRQ
//! behaviour and soft reset.

mod common;
use common::axi::Axi;
use satchain_regmap::{self as rm, field, reg, ErrorCode, HashMode};
use sha2::{Digest, Sha256};

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

fn submit(a: &mut Axi, mode: HashMode, data: &[u8], tag: u8) {
    a.wr(
        reg::HASH_CMD.offset,
        cmd(mode as u32, data.len() as u32, u32::from(tag)),
    );
    for c in data.chunks(4) {
        let mut b = [0u8; 4];
        b[..c.len()].copy_from_slice(c);
        a.wr(reg::HASH_DATA.offset, u32::from_be_bytes(b));
    }
}

/// Waits for a result; returns (tag, digest) and pops it.
fn take(a: &mut Axi) -> (u8, [u8; 32]) {
    for _ in 0..100_000 {
        let r = a.rd(reg::HASH_RESULT.offset);
        if field::HASH_RESULT::VALID.get(r) == 1 {
            let mut d = [0u8; 32];
            for i in 0..8 {
                let w = a.rd(reg::HASH_DIGEST0.offset + 4 * i as u32);
                d[4 * i..4 * i + 4].copy_from_slice(&w.to_be_bytes());
            }
            a.wr(reg::HASH_POP.offset, 1);
            return (field::HASH_RESULT::TAG.get(r) as u8, d);
        }
    }
    panic!("no hash result");
}

fn error(a: &mut Axi) -> (u32, u32) {
    let e = a.rd(reg::ERROR.offset);
    (field::ERROR::CODE.get(e), field::ERROR::TAG.get(e))
}

#[test]
fn sha_axi_jobs_match_sha2_all_modes() {
    let mut a = Axi::new("top_hash");
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
    let s = a.rd(reg::STATUS.offset);
    assert_eq!(field::STATUS::HASH_BUSY.get(s), 0, "STATUS {s:#x}");
}

#[test]
fn sha_axi_error_codes() {
    let mut a = Axi::new("top_hash");
    // Unknown mode.
    a.wr(reg::HASH_CMD.offset, cmd(5, 4, 0x21));
    assert_eq!(error(&mut a), (ErrorCode::BadMode as u32, 0x21));
    a.wr(reg::ERROR.offset, 0);
    // Wrong length for MERKLE64 and HEADER80.
    a.wr(
        reg::HASH_CMD.offset,
        cmd(HashMode::Merkle64 as u32, 63, 0x22),
    );
    assert_eq!(error(&mut a), (ErrorCode::BadLength as u32, 0x22));
    a.wr(reg::ERROR.offset, 0);
    a.wr(
        reg::HASH_CMD.offset,
        cmd(HashMode::Header80 as u32, 64, 0x23),
    );
    assert_eq!(error(&mut a), (ErrorCode::BadLength as u32, 0x23));
    a.wr(reg::ERROR.offset, 0);
    // Data with no command expecting it (the refused commands queued nothing).
    a.wr(reg::HASH_DATA.offset, 0xdead_beef);
    assert_eq!(error(&mut a).0, ErrorCode::DataOverflow as u32);
    a.wr(reg::ERROR.offset, 0);
    // Pop on empty.
    a.wr(reg::HASH_POP.offset, 0);
    assert_eq!(error(&mut a).0, ErrorCode::ResultUnderflow as u32);
    a.wr(reg::ERROR.offset, 0);
    // First error is kept.
    a.wr(reg::HASH_CMD.offset, cmd(7, 0, 1));
    a.wr(reg::HASH_POP.offset, 0);
    assert_eq!(error(&mut a), (ErrorCode::BadMode as u32, 1));
    a.wr(reg::ERROR.offset, 0);
    // Command overflow: one job waits for its data word (holding the stream), 16 more fill
    // the command queue, the next one overflows.
    a.wr(reg::HASH_CMD.offset, cmd(0, 4, 0));
    for t in 1..=16 {
        a.wr(reg::HASH_CMD.offset, cmd(0, 0, t));
        assert_eq!(error(&mut a).0, 0, "command {t} refused");
    }
    a.wr(reg::HASH_CMD.offset, cmd(0, 0, 0x77));
    assert_eq!(error(&mut a), (ErrorCode::CmdOverflow as u32, 0x77));
    assert_eq!(field::STATUS::ERROR.get(a.rd(reg::STATUS.offset)), 1);
    a.wr(reg::ERROR.offset, 0);
    // The unit never hangs: feeding the missing word completes all 17 jobs.
    a.wr(reg::HASH_DATA.offset, 0x6162_6364);
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
        a.wr(reg::ECDSA_IN.offset, i);
    }
    assert_eq!(field::STATUS::ECDSA_READY.get(a.rd(reg::STATUS.offset)), 0);
    a.wr(reg::ECDSA_IN.offset, 0);
    assert_eq!(error(&mut a).0, ErrorCode::EcdsaOverflow as u32);
    a.wr(reg::ERROR.offset, 0);
    a.wr(reg::ECDSA_POP.offset, 0);
    assert_eq!(error(&mut a).0, ErrorCode::ResultUnderflow as u32);
}

#[test]
fn sha_axi_irq_and_soft_reset() {
    let mut a = Axi::new("top_hash");
    a.wr(reg::IRQ_ENABLE.offset, field::IRQ_ENABLE::HASH_DONE.mask());
    assert!(!a.irq());
    submit(&mut a, HashMode::Sha256, b"abc", 5);
    let mut n = 0;
    while !a.irq() {
        a.m.tick();
        n += 1;
        assert!(n < 10_000, "no IRQ");
    }
    // W1C while the result is still there: the bit comes back.
    a.wr(reg::IRQ_STATUS.offset, field::IRQ_STATUS::HASH_DONE.mask());
    assert!(a.irq());
    let (t, d) = take(&mut a);
    assert_eq!((t, d), (5, sw(false, b"abc")));
    a.wr(reg::IRQ_STATUS.offset, field::IRQ_STATUS::HASH_DONE.mask());
    assert!(!a.irq());
    // Soft reset in the middle of a job (command written, data missing) recovers.
    a.wr(reg::HASH_CMD.offset, cmd(0, 100, 9));
    a.wr(reg::HASH_DATA.offset, 1);
    a.wr(reg::HASH_POP.offset, 0); // an error to be cleared too
    a.wr(reg::CTRL.offset, field::CTRL::SOFT_RESET.mask());
    assert_eq!(error(&mut a).0, 0);
    let s = a.rd(reg::STATUS.offset);
    assert_eq!(field::STATUS::HASH_BUSY.get(s), 0, "STATUS {s:#x}");
    submit(&mut a, HashMode::Sha256d, b"hello", 6);
    assert_eq!(take(&mut a), (6, sw(true, b"hello")));
    assert_eq!(
        field::HASH_RESULT::VALID.get(a.rd(reg::HASH_RESULT.offset)),
        0
    );
}
