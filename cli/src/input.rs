//! Reading inputs (a file or `-` for stdin) in bounded pieces, and small JSON Lines helpers.
//!
//! No input is read whole: a single block (binary or hex) stops at the chain's largest valid
//! block, a blk*.dat file is streamed record by record (`crypto_core::blkfile::BlkReader`),
//! and JSON Lines are read a line at a time with a per-line and a per-batch byte limit. The
//! limits and the memory they bound are in cli/README.md.

use std::io::{BufRead, BufReader, Read};

use crypto_core::params::{max_block_weight, NetworkParams};
use crypto_core::Chain;
use serde_json::{Map, Value};

use crate::error::CliError;

/// Bytes read per step when a single block is read.
const CHUNK: usize = 64 * 1024;

/// The longest JSON Lines line accepted: a message of up to 2 MiB (the accelerator's
/// `MAX_HASH_LEN`) in hex plus its JSON. A longer line gets an error line; the batch goes on.
pub const MAX_LINE_BYTES: usize = 4 * 1024 * 1024 + 64 * 1024;

/// A line with no end after this many bytes stops the batch: the input is not JSON Lines.
pub const MAX_RUNAWAY_LINE_BYTES: u64 = 16 * MAX_LINE_BYTES as u64;

/// Bytes of lines held for one batch (besides the line count limit).
pub const MAX_BATCH_BYTES: usize = 16 * 1024 * 1024;

/// `path` (`-` = stdin) as a reader.
pub fn open(path: &str) -> Result<Box<dyn Read>, CliError> {
    if path == "-" {
        Ok(Box::new(std::io::stdin()))
    } else {
        let f =
            std::fs::File::open(path).map_err(|e| CliError::io(format!("opening {path}"), e))?;
        Ok(Box::new(f))
    }
}

/// Reads into `buf` until it is full or the input ends; the number of bytes read.
fn read_full(r: &mut dyn Read, buf: &mut [u8], what: &str) -> Result<usize, CliError> {
    let mut got = 0;
    while got < buf.len() {
        match r.read(buf.get_mut(got..).unwrap_or(&mut [])) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(CliError::io(format!("reading {what}"), e)),
        }
    }
    Ok(got)
}

/// What `validate-block` reads.
pub enum BlockInput {
    /// A blk*.dat stream: its first record's network and the stream (from the start).
    Blk {
        network: &'static NetworkParams,
        reader: Box<dyn Read>,
    },
    /// One block's bytes.
    Block(Vec<u8>),
}

/// Opens `path` and tells a blk*.dat stream (a known network magic first) from a single
/// block, which is then read with [`read_block_from`] under `chain`'s limit.
pub fn read_block_input(path: &str, chain: impl Fn() -> Chain) -> Result<BlockInput, CliError> {
    let mut r = open(path)?;
    let mut head = [0u8; 4];
    let n = read_full(r.as_mut(), &mut head, path)?;
    let head = head.get(..n).unwrap_or(&[]).to_vec();
    let network = <[u8; 4]>::try_from(head.as_slice())
        .ok()
        .and_then(|m| NetworkParams::by_magic(&m));
    let rest: Box<dyn Read> = Box::new(std::io::Cursor::new(head).chain(r));
    match network {
        Some(network) => Ok(BlockInput::Blk {
            network,
            reader: rest,
        }),
        None => read_block_from(rest, path, chain()).map(BlockInput::Block),
    }
}

/// One block from `path` (binary or hex), bounded by `chain`'s largest valid block.
pub fn read_block(path: &str, chain: Chain) -> Result<Vec<u8>, CliError> {
    read_block_from(open(path)?, path, chain)
}

/// Reads one block: raw bytes, or the same as hex text (whitespace allowed, as
/// `bitcoin-cli getblock HASH 0` prints it; decided by the first 64 KiB). A block cannot be
/// larger than the chain's weight limit (weight >= serialized size), so reading stops with
/// an error one byte past it — or, for hex, two digits past it or after three times as many
/// text bytes (a whitespace flood).
pub fn read_block_from(
    mut r: Box<dyn Read>,
    what: &str,
    chain: Chain,
) -> Result<Vec<u8>, CliError> {
    let max = usize::try_from(max_block_weight(chain)).unwrap_or(usize::MAX);
    let too_large = |read: u64| {
        CliError::Input(format!(
            "{what}: input is larger than the largest valid {chain} block ({max} bytes); \
             stopped after reading {read} bytes"
        ))
    };
    let mut first = vec![0u8; CHUNK];
    let n = read_full(r.as_mut(), &mut first, what)?;
    first.truncate(n);
    if first.is_empty() {
        return Err(CliError::Usage(format!("{what}: input is empty")));
    }
    let is_hex = first
        .iter()
        .all(|b| b.is_ascii_hexdigit() || b.is_ascii_whitespace())
        && first.iter().any(u8::is_ascii_hexdigit);
    if !is_hex {
        let mut raw = first;
        let room = (max + 1).saturating_sub(raw.len());
        r.take(room as u64)
            .read_to_end(&mut raw)
            .map_err(|e| CliError::io(format!("reading {what}"), e))?;
        if raw.len() > max {
            return Err(too_large(raw.len() as u64));
        }
        return Ok(raw);
    }
    // Hex: decode as it comes; memory is the decoded block plus one chunk.
    let text_limit = 3 * max as u64;
    let mut out = Vec::new();
    let mut pending: Option<u8> = None;
    let mut text_read = 0u64;
    let mut chunk = first;
    loop {
        text_read += chunk.len() as u64;
        for (i, b) in chunk.iter().enumerate() {
            if b.is_ascii_whitespace() {
                continue;
            }
            let Some(v) = (*b as char).to_digit(16) else {
                return Err(CliError::Input(format!(
                    "{what}: not a hex dump: byte {b:#04x} at offset {}",
                    text_read - chunk.len() as u64 + i as u64
                )));
            };
            let v = u8::try_from(v).unwrap_or(0);
            match pending.take() {
                None => pending = Some(v),
                Some(hi) => out.push(hi << 4 | v),
            }
        }
        if out.len() > max || text_read > text_limit {
            return Err(too_large(text_read));
        }
        chunk.resize(CHUNK, 0);
        let n = read_full(r.as_mut(), &mut chunk, what)?;
        if n == 0 {
            break;
        }
        chunk.truncate(n);
    }
    if pending.is_some() {
        return Err(CliError::Input(format!(
            "{what}: hex dump has an odd number of digits"
        )));
    }
    Ok(out)
}

/// A line reader over `path` (`-` = stdin) with the JSON Lines limits.
pub struct Lines {
    inner: Box<dyn BufRead>,
    what: String,
    /// Set when a line ran past [`MAX_RUNAWAY_LINE_BYTES`]: the input is abandoned.
    pub aborted: Option<String>,
}

/// One input line: its bytes (without the line ending), or why it was not kept.
pub type Line = Result<Vec<u8>, String>;

pub fn open_lines(path: &str) -> Result<Lines, CliError> {
    Ok(lines_from(open(path)?, path))
}

/// A line reader over any byte stream (`what` names it in messages), with the same limits.
pub fn lines_from(reader: impl Read + 'static, what: &str) -> Lines {
    Lines {
        inner: Box::new(BufReader::with_capacity(CHUNK, reader)),
        what: what.to_string(),
        aborted: None,
    }
}

impl Lines {
    /// The next line, `None` at the end (or after an abort). A line longer than
    /// [`MAX_LINE_BYTES`] is read on without being stored and returned as an error.
    fn next_line(&mut self) -> Result<Option<Line>, CliError> {
        if self.aborted.is_some() {
            return Ok(None);
        }
        let mut line = Vec::new();
        let mut len = 0u64;
        let mut any = false;
        loop {
            let buf = match self.inner.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(CliError::io(format!("reading {}", self.what), e)),
            };
            if buf.is_empty() {
                if !any {
                    return Ok(None);
                }
                break;
            }
            any = true;
            let (part, used, end) = match buf.iter().position(|b| *b == b'\n') {
                Some(i) => (buf.get(..i).unwrap_or(&[]), i + 1, true),
                None => (buf, buf.len(), false),
            };
            len += part.len() as u64;
            if len <= MAX_LINE_BYTES as u64 {
                line.extend_from_slice(part);
            } else if !line.is_empty() {
                line = Vec::new(); // too long: drop what was kept
            }
            self.inner.consume(used);
            if end {
                break;
            }
            if len > MAX_RUNAWAY_LINE_BYTES {
                self.aborted = Some(format!(
                    "{}: a line runs past {MAX_RUNAWAY_LINE_BYTES} bytes without a line end; \
                     not JSON Lines, stopped reading",
                    self.what
                ));
                break;
            }
        }
        if len > MAX_LINE_BYTES as u64 {
            return Ok(Some(Err(format!(
                "line of {len}{} bytes is longer than the {MAX_LINE_BYTES}-byte limit; skipped",
                if self.aborted.is_some() { "+" } else { "" }
            ))));
        }
        while line.last().is_some_and(|b| *b == b'\r') {
            line.pop();
        }
        Ok(Some(Ok(line)))
    }

    /// Up to `max` lines and about [`MAX_BATCH_BYTES`] bytes; an empty vector means the end
    /// of the input. Bytes are not required to be UTF-8 here: a bad line is reported per line.
    pub fn batch(&mut self, max: usize) -> Result<Vec<Line>, CliError> {
        let mut out = Vec::new();
        let mut bytes = 0usize;
        while out.len() < max && bytes < MAX_BATCH_BYTES {
            match self.next_line()? {
                None => break,
                Some(l) => {
                    bytes += l.as_ref().map_or(0, Vec::len);
                    out.push(l);
                }
            }
        }
        Ok(out)
    }
}

/// One JSON Lines input object, or why the line is malformed.
///
/// JSON inputs (the batch commands' lines, `--prevouts`) are read as a `serde_json::Value`
/// map with each field taken by hand, not through `#[derive(Deserialize)]`: a derived struct
/// fails the whole line on its first wrong field, while a batch answer line must still echo
/// the line's `id`; and every error names its field in one form (`field "vout": want an
/// integer 0..=4294967295`), with the field rules serde cannot state (hex, lengths, `msg` xor
/// `msg_hash`, the scheme, the money range). A derived `--prevouts` reader was tried: its
/// serde messages (``missing field `vout` ``, ``invalid type: floating point `1.5` ``) broke
/// that form and `tests/taproot.rs`, so the hand-written reading stays.
pub fn parse_object(line: &Line) -> Result<Map<String, Value>, String> {
    let line = line.as_ref().map_err(Clone::clone)?;
    let line = std::str::from_utf8(line).map_err(|e| format!("line is not valid UTF-8: {e}"))?;
    if line.trim().is_empty() {
        return Err("empty line".to_string());
    }
    match serde_json::from_str::<Value>(line) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err("line is not a JSON object".to_string()),
        Err(e) => Err(format!("invalid JSON: {e}")),
    }
}

/// The hex string in `field`, decoded. `None` if absent.
pub fn hex_field(obj: &Map<String, Value>, field: &str) -> Result<Option<Vec<u8>>, String> {
    match obj.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => hex::decode(s.trim())
            .map(Some)
            .map_err(|e| format!("field {field:?}: invalid hex: {e}")),
        Some(_) => Err(format!("field {field:?}: expected a hex string")),
    }
}

/// Most entries a `--prevouts` file may hold: the inputs of about 40 full Bitcoin blocks
/// (a block has at most 24,390 inputs, 4,000,000 weight units / 164 per input). About
/// 150 bytes each in memory, so at most about 150 MB.
pub const MAX_PREVOUTS: usize = 1_000_000;

/// Longest scriptPubKey in a `--prevouts` file: Core's `MAX_SCRIPT_SIZE`; no input can spend
/// a longer one.
pub const MAX_PREVOUT_SCRIPT: usize = 10_000;

/// Reads the spent outputs for `validate-block --prevouts`: JSON Lines
/// `{"txid": display hex, "vout": n, "amount": satoshis, "script_pubkey": hex}` (blank lines
/// skipped), through the bounded line reader. Any malformed line, a duplicate outpoint or more
/// than [`MAX_PREVOUTS`] entries is an error naming the line.
pub fn read_prevouts(
    path: &str,
) -> Result<std::collections::HashMap<crypto_core::OutPoint, crypto_core::TxOut>, CliError> {
    use crypto_core::{OutPoint, TxOut};
    let mut lines = open_lines(path)?;
    let mut map = std::collections::HashMap::new();
    let mut n = 0usize;
    loop {
        let batch = lines.batch(4096)?;
        if batch.is_empty() {
            break;
        }
        for line in batch {
            n += 1;
            let bad = |why: String| CliError::Input(format!("{path} line {n}: {why}"));
            if line
                .as_ref()
                .is_ok_and(|l| l.iter().all(u8::is_ascii_whitespace))
            {
                continue;
            }
            let obj = parse_object(&line).map_err(bad)?;
            let txid = hex_field(&obj, "txid")
                .map_err(bad)?
                .ok_or_else(|| bad("missing field \"txid\"".into()))?;
            let mut txid: [u8; 32] = txid.try_into().map_err(|v: Vec<u8>| {
                bad(format!("field \"txid\": want 32 bytes, got {}", v.len()))
            })?;
            txid.reverse(); // display order -> internal order
            let vout = obj
                .get("vout")
                .and_then(Value::as_u64)
                .and_then(|v| u32::try_from(v).ok())
                .ok_or_else(|| bad("field \"vout\": want an integer 0..=4294967295".into()))?;
            let max =
                crypto_core::params::BITCOIN_MAX_MONEY.max(crypto_core::params::QTUM_MAX_MONEY);
            let value = obj
                .get("amount")
                .and_then(Value::as_i64)
                .filter(|v| (0..=max).contains(v))
                .ok_or_else(|| {
                    bad(format!(
                        "field \"amount\": want an integer number of satoshis 0..={max}"
                    ))
                })?;
            let script_pubkey = hex_field(&obj, "script_pubkey")
                .map_err(bad)?
                .ok_or_else(|| bad("missing field \"script_pubkey\"".into()))?;
            if script_pubkey.len() > MAX_PREVOUT_SCRIPT {
                return Err(bad(format!(
                    "field \"script_pubkey\": {} bytes, longer than {MAX_PREVOUT_SCRIPT} (no input can spend it)",
                    script_pubkey.len()
                )));
            }
            let op = OutPoint { txid, vout };
            if map.len() >= MAX_PREVOUTS {
                return Err(bad(format!("more than {MAX_PREVOUTS} prevouts")));
            }
            if map
                .insert(
                    op,
                    TxOut {
                        value,
                        script_pubkey,
                    },
                )
                .is_some()
            {
                return Err(bad("outpoint given twice".into()));
            }
        }
    }
    if let Some(why) = lines.aborted {
        return Err(CliError::Input(why));
    }
    Ok(map)
}
