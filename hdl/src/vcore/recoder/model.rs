//! Golden model of the Recoder (ISA.md, "REC"; ARCH.md, "Recoder"): the signed wNAF digits of
//! a 256-bit two's-complement scalar, their 8-bit digit-RAM encoding, and the cycle timeline
//! of the request queue (`REC_QUEUE` entries, one digit per clock).
//!
//! API (stable; the ISS calls it): [`recode`], [`encode_digit`] / [`decode_digit`],
//! [`RecTimeline`].

use crate::vcore::params::{DIG_POSITIONS, REC_QUEUE};
use crate::vcore::timing;
use num_bigint::BigUint;
use num_integer::Integer;
use num_traits::{One, Zero};
use std::fmt;

/// Smallest window width.
pub const MIN_W: u32 = 2;
/// Largest window width.
pub const MAX_W: u32 = 8;

/// `DIG_POSITIONS` as a u32 (136: no truncation).
#[allow(clippy::cast_possible_truncation)]
const POSITIONS: u32 = DIG_POSITIONS as u32;

/// Digits of one request, position 0 (weight 2^0) first.
pub type Digits = [i8; DIG_POSITIONS];

/// A request the recoder cannot serve as ISA.md defines it (ISS precondition errors).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecError {
    /// `w` not in 2..=8.
    BadWidth(u32),
    /// `k` is not a 256-bit word.
    TooWide { bits: u64 },
    /// `|k| >= 2^(DIG_POSITIONS - w)`: the digits would not end at 0.
    TooLarge { magnitude_bits: u64, w: u32 },
    /// [`RecTimeline`]: a request accepted while the queue was full, or two in one cycle, or
    /// out of cycle order.
    QueueViolation { cycle: u64, why: &'static str },
}

impl fmt::Display for RecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RecError::BadWidth(w) => write!(f, "REC width {w} not in 2..=8"),
            RecError::TooWide { bits } => write!(f, "REC scalar has {bits} bits; max 256"),
            RecError::TooLarge { magnitude_bits, w } => write!(
                f,
                "REC |k| has {magnitude_bits} bits; width {w} needs |k| < 2^{}",
                POSITIONS - w
            ),
            RecError::QueueViolation { cycle, why } => {
                write!(f, "recoder queue, cycle {cycle}: {why}")
            }
        }
    }
}

impl std::error::Error for RecError {}

/// The wNAF digits of `k` (a 256-bit two's-complement word given as its unsigned bit pattern,
/// `k < 2^256`) with window `w`, exactly as ISA.md "REC" defines them:
/// `neg = k[255]`, `m = neg ? 2^256 - k : k`; per position: if m is odd, `d = m mod 2^w`,
/// minus `2^w` if `d >= 2^(w-1)`, `m -= d`; else `d = 0`; `m >>= 1`; digit = `neg ? -d : d`.
///
/// Precondition (typed error): `m < 2^(DIG_POSITIONS - w)`, so that m ends at 0 and
/// `Σ digit[i]·2^i = k` (as a signed value).
pub fn recode(k: &BigUint, w: u32) -> Result<Digits, RecError> {
    if !(MIN_W..=MAX_W).contains(&w) {
        return Err(RecError::BadWidth(w));
    }
    if k.bits() > 256 {
        return Err(RecError::TooWide { bits: k.bits() });
    }
    let neg = k.bit(255);
    let mut m = if neg {
        (BigUint::one() << 256u32) - k
    } else {
        k.clone()
    };
    if m.bits() > u64::from(POSITIONS - w) {
        return Err(RecError::TooLarge {
            magnitude_bits: m.bits(),
            w,
        });
    }
    let window = 1u32 << w;
    let mut out = [0i8; DIG_POSITIONS];
    for slot in out.iter_mut() {
        let mut d: i32 = 0;
        if m.is_odd() {
            // m mod 2^w < 256.
            let low = (&m % BigUint::from(window))
                .to_u32_digits()
                .first()
                .copied()
                .unwrap_or(0);
            let (low, window) = (i32::try_from(low).unwrap_or(0), 1i32 << w);
            d = if low >= window / 2 { low - window } else { low };
            if d > 0 {
                m -= BigUint::from(d.unsigned_abs());
            } else {
                m += BigUint::from(d.unsigned_abs());
            }
        }
        m >>= 1u32;
        let signed = if neg { -d } else { d };
        // |d| < 2^(w-1) <= 128: fits an i8.
        *slot = i8::try_from(signed).unwrap_or(0);
    }
    Ok(out)
}

/// Digit-RAM encoding of one digit (the Recoder's write port, the DIG instruction's read):
/// bit 7 = sign (`d < 0`), bit 6 = zero (`d == 0`), bits 5:0 = `(|d| - 1) / 2` (0 for d = 0).
/// DIG reads `SG = bit 7`, `DZ = bit 6`, `I = bits 5:0`.
pub fn encode_digit(d: i8) -> u8 {
    if d == 0 {
        return 0x40;
    }
    let sign = if d < 0 { 0x80 } else { 0 };
    let mag = d.unsigned_abs();
    sign | ((mag.saturating_sub(1) / 2) & 0x3f)
}

/// Inverse of [`encode_digit`]; `None` for a byte no digit encodes to (a zero digit with other
/// bits set, or an even magnitude cannot occur).
pub fn decode_digit(e: u8) -> Option<i8> {
    if e & 0x40 != 0 {
        return (e == 0x40).then_some(0);
    }
    let mag = 2 * i16::from(e & 0x3f) + 1;
    let v = if e & 0x80 != 0 { -mag } else { mag };
    i8::try_from(v).ok()
}

/// `Σ digit[i]·2^i` as (negative, magnitude).
pub fn digits_value(d: &Digits) -> (bool, BigUint) {
    let (mut pos, mut neg) = (BigUint::zero(), BigUint::zero());
    for (i, &x) in d.iter().enumerate() {
        let t = BigUint::from(x.unsigned_abs()) << i;
        if x > 0 {
            pos += t;
        } else if x < 0 {
            neg += t;
        }
    }
    if pos >= neg {
        (false, pos - neg)
    } else {
        (true, neg - pos)
    }
}

/// When the Recoder serves one accepted request (cycles of the cluster clock).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecSchedule {
    /// The cycle the request was accepted (`rec_req_valid && rec_req_ready`).
    pub accept: u64,
    /// The cycle the engine takes it from the queue (it leaves the queue at the end of it):
    /// the RTL's `rec_load` pulse (the cluster returns a credit).
    pub load: u64,
    /// The cycle digit position 0 is on the write port; position i is on it in
    /// `first_write + i`.
    pub first_write: u64,
    /// The cycle of the `rec_done` pulse (the cycle after the last digit).
    pub done: u64,
}

/// The queue timeline of one Recoder (ARCH.md "Recoder", timing in `vcore::timing`):
/// - a request is accepted in cycle t only if fewer than `REC_QUEUE` requests wait in the
///   queue in cycle t (accepted before t, not yet loaded before t); at most one per cycle;
/// - the engine loads the oldest waiting request in cycle
///   `load = max(accept + 1, previous load + DIG_POSITIONS)`;
/// - digit i is on the write port in cycle `load + REC_START - 1 + i` (so a request that
///   enters an empty recoder in cycle t writes digit i in `t + REC_START + i`);
/// - `rec_done` pulses in `load + REC_START - 1 + DIG_POSITIONS`.
#[derive(Debug, Clone, Default)]
pub struct RecTimeline {
    reqs: Vec<RecSchedule>,
}

impl RecTimeline {
    /// An empty recoder.
    pub fn new() -> RecTimeline {
        RecTimeline::default()
    }

    /// Requests waiting in the queue in cycle `t` (accepted before t, not loaded before t).
    pub fn waiting(&self, t: u64) -> usize {
        self.reqs
            .iter()
            .filter(|r| r.accept < t && r.load >= t)
            .count()
    }

    /// `rec_req_ready` in cycle `t`.
    pub fn can_accept(&self, t: u64) -> bool {
        self.waiting(t) < REC_QUEUE
    }

    /// Accepts a request in cycle `t` (cycles in increasing order) and returns its schedule.
    pub fn accept(&mut self, t: u64) -> Result<RecSchedule, RecError> {
        if let Some(last) = self.reqs.last() {
            if t <= last.accept {
                return Err(RecError::QueueViolation {
                    cycle: t,
                    why: "requests must be accepted in increasing cycles, one per cycle",
                });
            }
        }
        if !self.can_accept(t) {
            return Err(RecError::QueueViolation {
                cycle: t,
                why: "queue full",
            });
        }
        let mut load = t + 1;
        if let Some(last) = self.reqs.last() {
            load = load.max(last.load + DIG_POSITIONS as u64);
        }
        let first_write = load + u64::from(timing::REC_START) - 1;
        let s = RecSchedule {
            accept: t,
            load,
            first_write,
            done: first_write + DIG_POSITIONS as u64,
        };
        self.reqs.push(s);
        Ok(s)
    }

    /// Every schedule so far, in acceptance order.
    pub fn schedules(&self) -> &[RecSchedule] {
        &self.reqs
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    fn seed() -> u64 {
        let s = std::env::var("SATCHAIN_SEED")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(0x7e_c0de);
        println!("recoder model tests: SATCHAIN_SEED={s}");
        s
    }

    fn cases(default: usize) -> usize {
        std::env::var("SATCHAIN_PROPTEST_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    }

    fn two256() -> BigUint {
        BigUint::one() << 256u32
    }

    /// The two's-complement pattern of a signed value given as (negative, magnitude).
    fn pattern(neg: bool, mag: &BigUint) -> BigUint {
        if neg && !mag.is_zero() {
            two256() - mag
        } else {
            mag.clone()
        }
    }

    /// Every property ISA.md promises, for one (k, w).
    fn check(neg: bool, mag: &BigUint, w: u32) {
        let k = pattern(neg, mag);
        let d = recode(&k, w).unwrap_or_else(|e| panic!("k {k:x} w {w}: {e}"));
        let (vn, vm) = digits_value(&d);
        assert_eq!(vm, *mag, "k {k:x} w {w}: digits do not sum to |k|");
        assert!(mag.is_zero() || vn == neg, "k {k:x} w {w}: sign");
        let bound = 1i32 << (w - 1);
        let mut last_nz: Option<usize> = None;
        for (i, &x) in d.iter().enumerate() {
            if x != 0 {
                assert!(x % 2 != 0, "k {k:x} w {w}: digit {i} = {x} even");
                assert!(i32::from(x).abs() < bound, "k {k:x} w {w}: digit {i} = {x}");
                if let Some(j) = last_nz {
                    assert!(
                        i - j >= w as usize,
                        "k {k:x} w {w}: digits {j}, {i} too close"
                    );
                }
                last_nz = Some(i);
            }
            assert_eq!(decode_digit(encode_digit(x)), Some(x));
        }
    }

    #[test]
    fn rec_model_edges() {
        for w in MIN_W..=MAX_W {
            let lim = POSITIONS - w;
            let mut mags = vec![
                BigUint::zero(),
                BigUint::one(),
                BigUint::from(2u8),
                BigUint::from(3u8),
                (BigUint::one() << lim) - 1u8,
                BigUint::one() << (lim - 1),
                (BigUint::one() << 129u32) - 1u8,
                BigUint::one() << 128u32,
            ];
            // Long runs of ones, runs at the window boundary, alternating patterns.
            for run in [w - 1, w, w + 1, 2 * w, 60, 127] {
                for at in [0u32, 1, 5] {
                    if run + at < lim {
                        mags.push(((BigUint::one() << run) - 1u8) << at);
                    }
                }
            }
            mags.push(BigUint::parse_bytes(b"5555555555555555555555555555555", 16).unwrap());
            mags.push(BigUint::parse_bytes(b"6db6db6db6db6db6db6db6db6db6db6", 16).unwrap());
            for m in &mags {
                if m.bits() <= u64::from(lim) {
                    check(false, m, w);
                    check(true, m, w);
                }
            }
        }
        // k = 0 and k = -1.
        assert_eq!(recode(&BigUint::zero(), 4).unwrap(), [0i8; DIG_POSITIONS]);
        let d = recode(&(two256() - 1u8), 5).unwrap();
        assert_eq!(d[0], -1);
        assert!(d[1..].iter().all(|&x| x == 0));
    }

    #[test]
    fn rec_model_random() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed());
        for _ in 0..cases(3000) {
            let w = rng.gen_range(MIN_W..=MAX_W);
            let lim = POSITIONS - w;
            let bits = rng.gen_range(0..=lim);
            let mut b = [0u8; 17];
            rng.fill(&mut b);
            let mag = BigUint::from_bytes_le(&b) % (BigUint::one() << bits);
            check(rng.gen(), &mag, w);
        }
    }

    #[test]
    fn rec_model_preconditions() {
        assert_eq!(recode(&BigUint::one(), 1), Err(RecError::BadWidth(1)));
        assert_eq!(recode(&BigUint::one(), 9), Err(RecError::BadWidth(9)));
        assert_eq!(recode(&two256(), 4), Err(RecError::TooWide { bits: 257 }));
        for w in MIN_W..=MAX_W {
            let lim = POSITIONS - w;
            let big = BigUint::one() << lim;
            assert!(matches!(recode(&big, w), Err(RecError::TooLarge { .. })));
            assert!(matches!(
                recode(&pattern(true, &big), w),
                Err(RecError::TooLarge { .. })
            ));
            // The most negative magnitude still allowed.
            assert!(recode(&pattern(true, &(&big - 1u8)), w).is_ok());
        }
        // -2^255 (its magnitude 2^255 has no 256-bit positive twin).
        assert!(recode(&(BigUint::one() << 255u32), 2).is_err());
    }

    #[test]
    fn rec_model_digit_encoding() {
        assert_eq!(encode_digit(0), 0x40);
        assert_eq!(encode_digit(1), 0x00);
        assert_eq!(encode_digit(-1), 0x80);
        assert_eq!(encode_digit(127), 0x3f);
        assert_eq!(encode_digit(-127), 0xbf);
        assert_eq!(decode_digit(0x41), None);
        for e in 0..=255u8 {
            if let Some(d) = decode_digit(e) {
                assert_eq!(encode_digit(d), e);
            }
        }
    }

    #[test]
    fn rec_model_timeline() {
        let n = DIG_POSITIONS as u64;
        let s0 = u64::from(timing::REC_START);
        let mut t = RecTimeline::new();
        // An empty recoder: digit i in t + REC_START + i.
        let a = t.accept(10).unwrap();
        assert_eq!((a.load, a.first_write, a.done), (11, 10 + s0, 10 + s0 + n));
        // Back to back: the next request starts DIG_POSITIONS cycles later.
        let b = t.accept(11).unwrap();
        assert_eq!(b.load, 11 + n);
        assert_eq!(b.first_write, a.first_write + n);
        assert!(t.accept(11).is_err(), "one request per cycle");
        // Fill the queue: b, c, d, e wait; f does not fit until b is loaded.
        for c in 12..15 {
            assert!(t.can_accept(c));
            t.accept(c).unwrap();
        }
        assert_eq!(t.waiting(15), REC_QUEUE);
        assert!(!t.can_accept(15));
        assert!(t.accept(15).is_err());
        assert!(!t.can_accept(b.load));
        assert!(t.can_accept(b.load + 1));
        let f = t.accept(b.load + 1).unwrap();
        assert_eq!(f.load, b.load + 4 * n);
    }
}
