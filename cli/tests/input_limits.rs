#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::cast_possible_truncation
)]
//! Bounded reading: over-long inputs end with a clear error (exit 2) instead of being read
//! whole; an oversize blk record is reported and skipped; an over-long JSON Lines line gets
//! an error line and the batch goes on. Not timed: these tests only check that reading
//! stops and what is reported.

mod common;

use std::io::Write;
use std::process::{Command, Output, Stdio};

use common::{data, satchain, stdout, tmp};
use serde_json::Value;

fn path(p: &std::path::Path) -> &str {
    p.to_str().expect("utf-8 path")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

/// Runs the binary with `input` on stdin, ignoring a broken pipe: the CLI may stop reading
/// (that is what is tested) before the writer is done.
fn satchain_stdin_may_close(args: &[&str], input: Vec<u8>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_satchain"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn satchain");
    let mut pipe = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || {
        let _ = pipe.write_all(&input); // EPIPE once the CLI stops reading is expected
    });
    let out = child.wait_with_output().expect("wait");
    writer.join().expect("stdin writer");
    out
}

#[test]
fn dev_zero_ends_with_a_size_error() {
    let o = satchain(&["validate-block", "/dev/zero"], None);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.contains("larger than the largest valid bitcoin block (4000000 bytes)")
            && e.contains("stopped after reading 4000001 bytes"),
        "{e}"
    );
}

#[test]
fn over_long_stdin_block_stops_at_the_chain_limit() {
    // 9 MB of zeros: over Bitcoin's 4 MB and over Qtum's 8 MB.
    for (chain, limit) in [("bitcoin", 4_000_000u64), ("qtum", 8_000_000)] {
        let o = satchain_stdin_may_close(
            &["validate-block", "-", "--chain", chain],
            vec![0u8; 9_000_000],
        );
        assert_eq!(o.status.code(), Some(2), "{chain}");
        let e = stderr(&o);
        assert!(
            e.contains(&format!(
                "({limit} bytes); stopped after reading {}",
                limit + 1
            )),
            "{chain}: {e}"
        );
    }
    // Below Qtum's limit the same bytes are read and fail as a block (exit 1).
    let o = satchain_stdin_may_close(
        &["validate-block", "-", "--chain", "qtum", "--json"],
        vec![0u8; 5_000_000],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
}

#[test]
fn over_long_hex_dump_and_whitespace_flood_stop() {
    let f = tmp("big-hex.txt");
    std::fs::write(&f, "00".repeat(4_000_001)).unwrap();
    let o = satchain(&["validate-block", path(&f)], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("larger than the largest valid"),
        "{}",
        stderr(&o)
    );
    let mut flood = b"00".to_vec();
    flood.extend(std::iter::repeat_n(b' ', 12_100_000));
    std::fs::write(&f, &flood).unwrap();
    let o = satchain(&["validate-block", path(&f)], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("larger than the largest valid"),
        "{}",
        stderr(&o)
    );
    std::fs::write(&f, "00 11 2").unwrap();
    let o = satchain(&["validate-block", path(&f)], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("odd number of digits"),
        "{}",
        stderr(&o)
    );
    std::fs::remove_file(&f).ok();
}

/// A well-framed record larger than any valid block is reported invalid and skipped; the
/// next record is validated. Endless zero padding is not a blk file.
#[test]
fn blk_stream_skips_oversize_records_and_refuses_endless_padding() {
    let btc = std::fs::read(data("bitcoin-core/block413567.raw")).unwrap();
    let magic = [0xf9, 0xbe, 0xb4, 0xd9];
    let mut blk = magic.to_vec();
    blk.extend_from_slice(&5_000_000u32.to_le_bytes());
    blk.extend(std::iter::repeat_n(0x11u8, 5_000_000));
    blk.extend_from_slice(&magic);
    blk.extend_from_slice(&(btc.len() as u32).to_le_bytes());
    blk.extend_from_slice(&btc);
    let f = tmp("oversize-blk.dat");
    std::fs::write(&f, &blk).unwrap();
    let o = satchain(&["validate-block", path(&f), "--json"], None);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let lines: Vec<Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["valid"], false);
    assert!(lines[0]["error"]
        .as_str()
        .unwrap()
        .contains("block record of 5000000 bytes exceeds the largest valid bitcoin block"));
    assert_eq!(lines[1]["valid"], true);
    assert_eq!(lines[1]["offset"], 8 + 5_000_000 + 8);

    let mut padded = blk[8 + 5_000_000..].to_vec();
    padded.extend(std::iter::repeat_n(0u8, 17 * 1024 * 1024));
    padded.push(1);
    std::fs::write(&f, &padded).unwrap();
    let o = satchain(&["validate-block", path(&f)], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("zero padding"), "{}", stderr(&o));
    std::fs::remove_file(&f).ok();
}

/// A line over the limit gets an error line; the lines around it are answered.
#[test]
fn over_long_json_line_gets_an_error_line_and_the_batch_goes_on() {
    let long = format!("{{\"id\": 2, \"msg\": \"{}\"}}", "ab".repeat(2_200_000));
    let input =
        format!("{{\"id\": 1, \"msg\": \"616263\"}}\n{long}\n{{\"id\": 3, \"msg\": \"616263\"}}\n");
    let o = satchain(&["hash-batch", "-"], Some(input.as_bytes()));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let lines: Vec<Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    let abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    assert_eq!(lines[0]["digest"], abc);
    assert_eq!(lines[1]["digest"], Value::Null);
    assert!(lines[1]["error"]
        .as_str()
        .unwrap()
        .contains("-byte limit; skipped"));
    assert_eq!(lines[2]["digest"], abc);
    assert_eq!(lines[2]["id"], 3);

    let o = satchain(&["verify-batch", "-"], Some(input.as_bytes()));
    let lines: Vec<Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert!(lines[1]["error"]
        .as_str()
        .unwrap()
        .contains("limit; skipped"));
}

/// A stream with no line end at all (here /dev/zero) is not JSON Lines: after 16 times the
/// line limit the batch stops with exit 2.
#[test]
fn endless_line_stops_the_batch() {
    let o = satchain(&["hash-batch", "/dev/zero"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("not JSON Lines"), "{}", stderr(&o));
    assert_eq!(stdout(&o).lines().count(), 1);
}
