//! Reading inputs (a file or `-` for stdin) and small JSON Lines helpers.

use std::io::{BufRead, BufReader, Read};

use serde_json::{Map, Value};

use crate::error::CliError;

/// Reads all of `path` (`-` = stdin).
pub fn read_all(path: &str) -> Result<Vec<u8>, CliError> {
    if path == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .lock()
            .read_to_end(&mut buf)
            .map_err(|e| CliError::io("reading stdin", e))?;
        Ok(buf)
    } else {
        std::fs::read(path).map_err(|e| CliError::io(format!("reading {path}"), e))
    }
}

/// A line reader over `path` (`-` = stdin).
pub fn open_lines(path: &str) -> Result<Box<dyn BufRead>, CliError> {
    if path == "-" {
        Ok(Box::new(BufReader::new(std::io::stdin())))
    } else {
        let f =
            std::fs::File::open(path).map_err(|e| CliError::io(format!("opening {path}"), e))?;
        Ok(Box::new(BufReader::new(f)))
    }
}

/// Reads up to `max` lines (raw bytes, without the line ending); an empty vector means end
/// of input. Bytes are not required to be UTF-8 here: a bad line is reported per line.
pub fn read_lines(r: &mut dyn BufRead, max: usize, what: &str) -> Result<Vec<Vec<u8>>, CliError> {
    let mut out = Vec::new();
    while out.len() < max {
        let mut line = Vec::new();
        let n = r
            .read_until(b'\n', &mut line)
            .map_err(|e| CliError::io(format!("reading {what}"), e))?;
        if n == 0 {
            break;
        }
        while line.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
            line.pop();
        }
        out.push(line);
    }
    Ok(out)
}

/// One JSON Lines input object, or why the line is malformed.
pub fn parse_object(line: &[u8]) -> Result<Map<String, Value>, String> {
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

/// If `data` is a hex dump (only hex digits and whitespace, even digit count), its bytes.
pub fn decode_hex_dump(data: &[u8]) -> Option<Vec<u8>> {
    if data.is_empty()
        || !data
            .iter()
            .all(|b| b.is_ascii_hexdigit() || b.is_ascii_whitespace())
    {
        return None;
    }
    let digits: Vec<u8> = data.iter().copied().filter(u8::is_ascii_hexdigit).collect();
    if digits.is_empty() {
        return None;
    }
    hex::decode(digits).ok()
}
