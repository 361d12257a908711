//! Golden model of the SHA-256 hardware at hardware granularity.
//!
//! - [`Round`]-level compression with the same precomputed `h + K + W` and the same
//!   16-word shift-register schedule as `Sha256Core`.
//! - [`PadStream`]: the word stream the unit's padder emits for a job (data words as they
//!   arrive over `HASH_DATA`, the 0x80 marker, zero words, the 64-bit length), block by block.
//! - [`hash_job`]: the four `HashMode`s as the unit sequences them (pass 1 over the padded
//!   message, pass 2 over the 32-byte digest for the double modes).
//! - [`ResultFifo`]: the result FIFO semantics (depth, pop on empty = error, overflow never
//!   happens because units stall).
//!
//! Tests compare every function here with `sha2`-independent known answers (FIPS 180-2
//! examples) in unit tests and with `sha2` in verif; the RTL is compared with this model and
//! with `sha2`.

use super::consts::{IV, K};
use crate::regmap::HashMode;

/// State of the compression datapath during one block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Round {
    /// a..h
    pub st: [u32; 8],
    /// The schedule register: `W[t-14..=t+1]` in round t (`x[15]` = `W[t+1]`); entries before
    /// `W[0]` are don't-care (0 here).
    pub x: [u32; 16],
    /// `h + K[t] + W[t]`, precomputed in the previous cycle.
    pub hkw: u32,
    /// Round index t.
    pub t: usize,
}

fn bsig0(x: u32) -> u32 {
    x.rotate_right(2) ^ x.rotate_right(13) ^ x.rotate_right(22)
}
fn bsig1(x: u32) -> u32 {
    x.rotate_right(6) ^ x.rotate_right(11) ^ x.rotate_right(25)
}
fn ssig0(x: u32) -> u32 {
    x.rotate_right(7) ^ x.rotate_right(18) ^ (x >> 3)
}
fn ssig1(x: u32) -> u32 {
    x.rotate_right(17) ^ x.rotate_right(19) ^ (x >> 10)
}

impl Round {
    /// The start clock: state = chaining value, `hkw = h + K[0] + W[0]`; `W[0]` (prefetched)
    /// and `W[1]` (taken this clock) enter the schedule register.
    pub fn load(chain: &[u32; 8], w0: u32, w1: u32) -> Round {
        let mut x = [0u32; 16];
        x[14] = w0;
        x[15] = w1;
        Round {
            st: *chain,
            x,
            hkw: chain[7].wrapping_add(K[0]).wrapping_add(w0),
            t: 0,
        }
    }

    /// Whether round `t` takes a message word (`W[t+2]`) from the stream.
    pub fn needs_word(&self) -> bool {
        self.t < 14
    }

    /// One round (what `Sha256Core` does in a clock it advances). `win` is `W[t+2]` for
    /// t < 14 and ignored afterwards.
    pub fn step(&mut self, win: u32) {
        let [a, b, c, d, e, f, g, _h] = self.st;
        let t1 = self
            .hkw
            .wrapping_add(bsig1(e))
            .wrapping_add((e & f) ^ (!e & g));
        let t2 = bsig0(a).wrapping_add((a & b) ^ (a & c) ^ (b & c));
        let k_next = K[(self.t + 1) % 64];
        self.hkw = k_next.wrapping_add(self.x[15]).wrapping_add(g);
        let wnew = if self.needs_word() {
            win
        } else {
            ssig1(self.x[14])
                .wrapping_add(self.x[9])
                .wrapping_add(ssig0(self.x[1]))
                .wrapping_add(self.x[0])
        };
        self.x.copy_within(1..16, 0);
        self.x[15] = wnew;
        self.st = [t1.wrapping_add(t2), a, b, c, d.wrapping_add(t1), e, f, g];
        self.t += 1;
    }
}

/// Compresses one block (16 big-endian words) into `chain`, the way the core does: `W[0]`
/// and `W[1]` at the start, `W[t+2]` in round t.
pub fn compress(chain: &mut [u32; 8], block: &[u32; 16]) {
    let mut r = Round::load(chain, block[0], block[1]);
    for t in 0..64 {
        let win = if r.needs_word() { block[t + 2] } else { 0 };
        r.step(win);
    }
    for (h, s) in chain.iter_mut().zip(r.st.iter()) {
        *h = h.wrapping_add(*s);
    }
}

/// Cycles the core spends per block: LOAD overlaps the previous FINAL, 64 rounds, FINAL.
pub const CORE_CYCLES_PER_BLOCK: u64 = 65;

/// Number of 64-byte blocks after padding a message of `len` bytes.
pub const fn padded_blocks(len: u64) -> u64 {
    (len + 8) / 64 + 1
}

/// Number of `HASH_DATA` words a job of `len` bytes carries.
pub const fn data_words(len: u64) -> u64 {
    len.div_ceil(4)
}

/// The padder of `Sha256Unit`: turns the job's data words into the padded word stream.
///
/// Word `i` of the padded message (16 per block) is, with `full = len / 4`, `rem = len % 4`:
/// `i < full`: data word i; `i == full`: (data word i masked to `rem` bytes, when rem > 0)
/// with 0x80 at byte `rem`; later words are 0, except the last two words of the last block,
/// which hold the bit length (high word, low word).
#[derive(Debug, Clone)]
pub struct PadStream {
    len: u64,
    i: u64,
    total: u64,
}

impl PadStream {
    pub fn new(len: u64) -> PadStream {
        PadStream {
            len,
            i: 0,
            total: 16 * padded_blocks(len),
        }
    }
    /// Does word `i` consume a data word from the input stream?
    pub fn needs_data(&self) -> bool {
        self.i < data_words(self.len)
    }
    /// Next padded word; `data` is the next input word when [`Self::needs_data`].
    pub fn next_word(&mut self, data: u32) -> Option<u32> {
        if self.i >= self.total {
            return None;
        }
        let i = self.i;
        let full = self.len / 4;
        let rem = self.len % 4;
        let bits = self.len * 8;
        let w = if i < full {
            data
        } else if i == full {
            let keep = if rem == 0 {
                0
            } else {
                data & !(u32::MAX >> (8 * rem))
            };
            keep | (0x8000_0000u32 >> (8 * rem))
        } else if i == self.total - 2 {
            (bits >> 32) as u32
        } else if i == self.total - 1 {
            (bits & 0xFFFF_FFFF) as u32 // lossless: masked to 32 bits
        } else {
            0
        };
        self.i += 1;
        Some(w)
    }
}

/// Splits bytes into big-endian words, the last one zero-padded (what software writes to
/// `HASH_DATA`).
pub fn bytes_to_words(data: &[u8]) -> Vec<u32> {
    data.chunks(4)
        .map(|c| {
            let mut b = [0u8; 4];
            b[..c.len()].copy_from_slice(c);
            u32::from_be_bytes(b)
        })
        .collect()
}

/// Digest words to bytes (big-endian).
pub fn words_to_bytes(w: &[u32; 8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (i, x) in w.iter().enumerate() {
        out[4 * i..4 * i + 4].copy_from_slice(&x.to_be_bytes());
    }
    out
}

/// SHA-256 of `len` bytes given as data words, through the padder and the core, counting
/// blocks.
pub fn sha256_words(words: &[u32], len: u64) -> ([u32; 8], u64) {
    let mut pad = PadStream::new(len);
    let mut chain = IV;
    let mut block = [0u32; 16];
    let mut k = 0;
    let mut src = words.iter();
    let mut blocks = 0;
    loop {
        let d = if pad.needs_data() {
            src.next().copied().unwrap_or(0)
        } else {
            0
        };
        match pad.next_word(d) {
            Some(w) => {
                block[k] = w;
                k += 1;
                if k == 16 {
                    compress(&mut chain, &block);
                    blocks += 1;
                    k = 0;
                }
            }
            None => break,
        }
    }
    (chain, blocks)
}

/// The second-pass block of the double modes: digest || 0x80 || zeros || length 256.
pub fn second_pass_block(d: &[u32; 8]) -> [u32; 16] {
    let mut b = [0u32; 16];
    b[..8].copy_from_slice(d);
    b[8] = 0x8000_0000;
    b[15] = 256;
    b
}

/// Why the unit refuses a job (the register block latches the matching `ErrorCode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobError {
    BadMode,
    BadLength,
}

/// Checks a `HASH_CMD` the way the dispatcher does.
pub fn check_cmd(mode_bits: u32, len: u32) -> Result<HashMode, JobError> {
    let mode = HashMode::from_bits(mode_bits).ok_or(JobError::BadMode)?;
    match mode.fixed_len() {
        Some(n) if len != n => Err(JobError::BadLength),
        _ => Ok(mode),
    }
}

/// Result of one job: digest bytes and number of compressions the unit ran.
pub fn hash_job(mode: HashMode, data: &[u8]) -> ([u8; 32], u64) {
    let words = bytes_to_words(data);
    let (d1, n1) = sha256_words(&words, data.len() as u64);
    match mode {
        HashMode::Sha256 => (words_to_bytes(&d1), n1),
        HashMode::Sha256d | HashMode::Merkle64 | HashMode::Header80 => {
            let mut c = IV;
            compress(&mut c, &second_pass_block(&d1));
            (words_to_bytes(&c), n1 + 1)
        }
    }
}

/// The result FIFO of the cluster as software sees it through `HASH_RESULT` / `HASH_POP`.
#[derive(Debug, Clone)]
pub struct ResultFifo {
    depth: usize,
    items: std::collections::VecDeque<(u8, [u8; 32])>,
}

impl ResultFifo {
    pub fn new(log2_depth: u32) -> ResultFifo {
        ResultFifo {
            depth: 1 << log2_depth,
            items: Default::default(),
        }
    }
    /// A unit may deliver only when this is true (units stall otherwise: no overflow).
    pub fn can_push(&self) -> bool {
        self.items.len() < self.depth
    }
    pub fn push(&mut self, tag: u8, digest: [u8; 32]) -> bool {
        if !self.can_push() {
            return false;
        }
        self.items.push_back((tag, digest));
        true
    }
    pub fn head(&self) -> Option<&(u8, [u8; 32])> {
        self.items.front()
    }
    /// `HASH_POP`: Err on empty (ERROR = ResultUnderflow).
    pub fn pop(&mut self) -> Result<(u8, [u8; 32]), crate::regmap::ErrorCode> {
        self.items
            .pop_front()
            .ok_or(crate::regmap::ErrorCode::ResultUnderflow)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02x}")).collect()
    }

    #[test]
    fn model_fips_examples() {
        // FIPS 180-2 appendix B.1 / B.2, and the empty string.
        let (d, n) = hash_job(HashMode::Sha256, b"abc");
        assert_eq!(
            hex(&d),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(n, 1);
        let (d, n) = hash_job(
            HashMode::Sha256,
            b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
        );
        assert_eq!(
            hex(&d),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        );
        assert_eq!(n, 2);
        let (d, _) = hash_job(HashMode::Sha256, b"");
        assert_eq!(
            hex(&d),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn model_sha256d_known_answer() {
        // Bitcoin genesis block header -> block hash (displayed reversed).
        let h = "0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c";
        let bytes: Vec<u8> = (0..80)
            .map(|i| u8::from_str_radix(&h[2 * i..2 * i + 2], 16).unwrap())
            .collect();
        let (mut d, n) = hash_job(HashMode::Header80, &bytes);
        d.reverse();
        assert_eq!(
            hex(&d),
            "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f"
        );
        assert_eq!(n, 3);
    }

    #[test]
    fn model_block_counts_at_boundaries() {
        for (len, blocks) in [
            (0u64, 1u64),
            (55, 1),
            (56, 2),
            (63, 2),
            (64, 2),
            (119, 2),
            (120, 3),
            (128, 3),
        ] {
            assert_eq!(padded_blocks(len), blocks, "len {len}");
            let data = vec![0xa5u8; len as usize];
            let (_, n) = hash_job(HashMode::Sha256, &data);
            assert_eq!(n, blocks);
        }
    }

    #[test]
    fn model_check_cmd() {
        assert_eq!(check_cmd(4, 0), Err(JobError::BadMode));
        assert_eq!(check_cmd(7, 64), Err(JobError::BadMode));
        assert_eq!(check_cmd(2, 63), Err(JobError::BadLength));
        assert_eq!(check_cmd(3, 64), Err(JobError::BadLength));
        assert_eq!(check_cmd(2, 64), Ok(HashMode::Merkle64));
        assert_eq!(check_cmd(0, 0), Ok(HashMode::Sha256));
    }

    #[test]
    fn model_result_fifo_underflow_and_depth() {
        let mut f = ResultFifo::new(2);
        assert_eq!(f.pop(), Err(crate::regmap::ErrorCode::ResultUnderflow));
        for t in 0..4 {
            assert!(f.push(t, [t; 32]));
        }
        assert!(!f.push(9, [0; 32]));
        assert_eq!(f.pop().map(|x| x.0), Ok(0));
    }
}
