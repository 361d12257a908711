//! `registers.md`, written from [`REGISTERS`](crate::REGISTERS) and the contract constants:
//! the one register table of the project. `cargo run -p bitstreams --bin gen-docs` writes it
//! to `hdl/regmap/registers.md`; a test (`bitstreams/tests/generated_docs.rs`) fails when the
//! committed file differs.

use core::fmt::{self, Write};

use crate::{
    ecdsa_key, EcdsaCode, ErrorCode, HashMode, Register, DMA_ADDR_ALIGN, DMA_MAX_BURST_BEATS,
    ECDSA_JOB_WORDS, ID_VALUE, MAP_HASH, MAX_HASH_LEN, REGISTERS, VERSION_VALUE, WINDOW_BYTES,
};

/// Bit range as the tables show it: `7:0`, or `5` for one bit.
fn bits(lsb: u32, width: u32) -> impl fmt::Display {
    struct Bits(u32, u32);
    impl fmt::Display for Bits {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            if self.1 == 1 {
                write!(f, "{}", self.0)
            } else {
                write!(f, "{}:{}", self.0 + self.1 - 1, self.0)
            }
        }
    }
    Bits(lsb, width)
}

/// A table cell: `|` would end the cell.
fn cell(w: &mut impl Write, s: &str) -> fmt::Result {
    for c in s.chars() {
        if c == '|' {
            w.write_str("\\|")?;
        } else {
            w.write_char(c)?;
        }
    }
    Ok(())
}

fn fields(w: &mut impl Write, r: &Register) -> fmt::Result {
    writeln!(
        w,
        "### `{}` (0x{:03X}, {})",
        r.name,
        r.offset,
        r.access.name()
    )?;
    writeln!(w)?;
    cell(w, r.doc)?;
    writeln!(w)?;
    writeln!(w)?;
    if r.fields.is_empty() {
        return Ok(());
    }
    writeln!(w, "| bits | field | meaning |")?;
    writeln!(w, "|---|---|---|")?;
    for f in r.fields {
        write!(w, "| {} | `{}` | ", bits(f.lsb, f.width), f.name)?;
        cell(w, f.doc)?;
        writeln!(w, " |")?;
    }
    writeln!(w)
}

/// A table of the values a code field can take (`from_bits` of its enum over 0..=255).
fn codes<C: fmt::Debug>(
    w: &mut impl Write,
    header: &str,
    from_bits: impl Fn(u32) -> Option<C>,
) -> fmt::Result {
    writeln!(w, "| {header} |")?;
    writeln!(w, "|---|---|")?;
    for v in 0..=u32::from(u8::MAX) {
        if let Some(c) = from_bits(v) {
            writeln!(w, "| {v} | `{c:?}` |")?;
        }
    }
    writeln!(w)
}

/// Writes `registers.md`.
pub fn write_markdown(w: &mut impl Write) -> fmt::Result {
    writeln!(w, "# SatChain Accel registers")?;
    writeln!(w)?;
    writeln!(
        w,
        "<!-- Generated from hdl/regmap/src/lib.rs by `cargo run -p bitstreams --bin gen-docs`; \
         do not edit (a test fails on any difference). -->"
    )?;
    writeln!(w)?;
    writeln!(
        w,
        "Interface version {}.{} (`VERSION` = 0x{VERSION_VALUE:08X}), `ID` = 0x{ID_VALUE:08X} \
         (\"SACC\"), `MAP_HASH` = 0x{MAP_HASH:08X}. AXI4-Lite window of {WINDOW_BYTES:#X} \
         bytes; every register is 32 bits.",
        VERSION_VALUE >> 16,
        VERSION_VALUE & 0xFFFF
    )?;
    writeln!(w)?;
    writeln!(w, "| offset | register | access | reset | meaning |")?;
    writeln!(w, "|---|---|---|---|---|")?;
    for r in REGISTERS {
        // MAP_HASH reports the hash of this very table (it cannot hold it as its reset value).
        let value = if r.offset == crate::reg::MAP_HASH.offset {
            MAP_HASH
        } else {
            r.reset
        };
        write!(
            w,
            "| 0x{:03X} | `{}` | {} | 0x{value:08X} | ",
            r.offset,
            r.name,
            r.access.name(),
        )?;
        cell(w, r.doc)?;
        writeln!(w, " |")?;
    }
    writeln!(w)?;
    writeln!(w, "## Fields")?;
    writeln!(w)?;
    for r in REGISTERS {
        fields(w, r)?;
    }
    writeln!(w, "## `ECDSA_IN` job")?;
    writeln!(w)?;
    writeln!(
        w,
        "{ECDSA_JOB_WORDS} words a job; the last one, `KEY`, queues it:"
    )?;
    writeln!(w)?;
    writeln!(w, "| bits | field | meaning |")?;
    writeln!(w, "|---|---|---|")?;
    for f in [ecdsa_key::PREFIX, ecdsa_key::TAG] {
        writeln!(w, "| {} | `{}` | {} |", bits(f.lsb, f.width), f.name, f.doc)?;
    }
    writeln!(w)?;
    writeln!(w, "## Codes")?;
    writeln!(w)?;
    writeln!(w, "| `HASH_CMD.MODE` | mode | fixed `LEN` |")?;
    writeln!(w, "|---|---|---|")?;
    for m in HashMode::ALL {
        match m.fixed_len() {
            Some(n) => writeln!(w, "| {} | `{m:?}` | {n} |", m as u8)?,
            None => writeln!(w, "| {} | `{m:?}` | any, at most {MAX_HASH_LEN} |", m as u8)?,
        }
    }
    writeln!(w)?;
    codes(w, "`ERROR.CODE` | `ErrorCode`", ErrorCode::from_bits)?;
    codes(w, "`ECDSA_RESULT.CODE` | `EcdsaCode`", EcdsaCode::from_bits)?;
    writeln!(
        w,
        "DMA: `HASH_DMA_ADDR` aligned to {DMA_ADDR_ALIGN} bytes; read bursts of at most \
         {DMA_MAX_BURST_BEATS} 64-bit beats. The meaning of each code is documented on its \
         enum in `hdl/regmap/src/lib.rs`."
    )
}

#[cfg(test)]
mod tests {
    /// Counts `Write` output without allocating (the crate has no `alloc`).
    struct Sink {
        bytes: usize,
        lines: usize,
    }
    impl core::fmt::Write for Sink {
        fn write_str(&mut self, s: &str) -> core::fmt::Result {
            self.bytes += s.len();
            self.lines += s.matches('\n').count();
            Ok(())
        }
    }

    #[test]
    fn doc_has_a_row_and_a_section_per_register() {
        let mut s = Sink { bytes: 0, lines: 0 };
        assert!(super::write_markdown(&mut s).is_ok());
        // Summary row + field heading (and its blank lines) for each register at least.
        assert!(s.lines > 3 * crate::REGISTERS.len(), "{} lines", s.lines);
        assert!(s.bytes > 1000);
    }
}
