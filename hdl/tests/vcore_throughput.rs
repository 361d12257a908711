//! The throughput tables of `src/vcore/README.md` are ISS output, not typed figures: every table
//! there follows a marker line `<!-- vcore_throughput ARGS -->` (the example's arguments) and
//! holds the rows `vcore_throughput ARGS --markdown` prints. This test recomputes them.
//!
//! A marker with `--profile` holds the region table `--profile --markdown` prints (checked
//! whole). Throughput tables: by default one row per table (THREADS 32 / MUL_WB 29 where the
//! table has it, else its last row; tables of more than 256 jobs are skipped), ~3 s per row in
//! release on an idle core. All rows (~3 min idle):
//! `cargo test -p satchain-hdl --release --test vcore_throughput -- --ignored`.
//! A mismatch prints the row the README should have. The README's headline claim (two clusters,
//! THREADS 32, MUL_WB 29 meet >= 100,000 verifies/s at 166.67 MHz, the clock shipped until
//! 2026-12-08, ECDSA and BIP340, with the one ScalarUnit as their limit) is asserted on the
//! recomputed rows.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::cast_possible_truncation
)]

#[path = "vcore_common/throughput.rs"]
mod throughput;

use satchain_hdl::vcore::iss::machine::CoreImage;
use throughput::{batch, measure, profile_markdown, Opts, PROFILE_HEADER, TABLE_HEADER};

/// A README table: its marker's arguments and its rows.
struct Table {
    line: usize,
    args: Vec<String>,
    rows: Vec<String>,
}

fn readme() -> String {
    let p = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src/vcore/README.md");
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The marked tables of the README; a marker without a table of [`TABLE_HEADER`] below fails.
fn tables(text: &str) -> Vec<Table> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        let Some(rest) = l
            .trim()
            .strip_prefix("<!-- vcore_throughput")
            .and_then(|r| r.strip_suffix("-->"))
        else {
            continue;
        };
        let args: Vec<String> = rest.split_whitespace().map(str::to_string).collect();
        let header = if Opts::parse(&args)
            .unwrap_or_else(|e| panic!("line {}: {e}", i + 1))
            .profile
        {
            PROFILE_HEADER
        } else {
            TABLE_HEADER
        };
        let header: Vec<&str> = header.lines().collect();
        assert_eq!(
            lines.get(i + 1..i + 3),
            Some(&header[..]),
            "README line {}: a marker must be followed by the table header",
            i + 1
        );
        let rows: Vec<String> = lines[i + 3..]
            .iter()
            .take_while(|r| r.starts_with('|'))
            .map(|r| (*r).to_string())
            .collect();
        assert!(!rows.is_empty(), "README line {}: empty table", i + 1);
        out.push(Table {
            line: i + 1,
            args,
            rows,
        });
    }
    out
}

/// (THREADS, MUL_WB) of a row.
fn key(row: &str) -> (u32, u32) {
    let cells: Vec<&str> = row.split('|').map(str::trim).collect();
    (cells[1].parse().unwrap(), cells[2].parse().unwrap())
}

/// Recomputes the chosen rows of every table; returns the mismatches.
fn check(all: bool) -> usize {
    let text = readme();
    let ts = tables(&text);
    assert!(ts.len() >= 4, "the README's marked tables are gone");
    assert!(
        ts.iter().any(|t| t.args.iter().any(|a| a == "--profile")),
        "the README's profile tables are gone"
    );
    let img = CoreImage::secp256k1().unwrap();
    let mut bad = 0;
    for t in &ts {
        let o = Opts::parse(&t.args).unwrap_or_else(|e| panic!("line {}: {e}", t.line));
        assert!(!o.markdown, "line {}: no --markdown in a marker", t.line);
        if o.profile {
            // A profile table: the whole block, for the first configuration of the marker.
            if !all && o.jobs > 256 {
                continue;
            }
            let (jobs, _) = batch(&o);
            let m = measure(img, &o.config(o.threads[0], o.mul_wbs[0]), &jobs);
            // The README's rows are the block below the header lines.
            let want = profile_markdown(&img.program, &m)
                .lines()
                .skip(2)
                .collect::<Vec<_>>()
                .join("\n");
            if t.rows.join("\n") == want {
                println!("line {} {:?}: profile table ok", t.line, t.args);
            } else {
                bad += 1;
                println!(
                    "line {} ({}): README\n{}\nISS\n{want}",
                    t.line,
                    t.args.join(" "),
                    t.rows.join("\n")
                );
            }
            continue;
        }
        let chosen: Vec<&String> = if all {
            t.rows.iter().collect()
        } else if o.jobs > 256 {
            println!("line {}: {} jobs, only with --ignored", t.line, o.jobs);
            continue;
        } else {
            let best = t
                .rows
                .iter()
                .filter(|r| key(r).1 == 29)
                .max_by_key(|r| key(r).0)
                .unwrap_or_else(|| t.rows.last().unwrap());
            vec![best]
        };
        let (jobs, _) = batch(&o);
        for row in chosen {
            let (th, wb) = key(row);
            let m = measure(img, &o.config(th, wb), &jobs);
            let want = m.markdown_row();
            if th == 32
                && wb == 29
                && o.jobs == 256
                && o.fetch == 4
                && o.alu_wb == 9
                && o.clusters == 2
            {
                // The README's claim: two clusters pass 100,000 at 166.67 MHz (shipped until
                // 2026-12-08) even with one ScalarUnit of two clocks per cycle as the limit
                // (before, busy >= 0.85 and 100,000 at 150 MHz: the one-clock unit did not bind).
                assert!(
                    m.verifies_per_s(166.667) >= 100_000.0,
                    "line {}: the README's claim fails: {want}",
                    t.line
                );
            }
            if *row == want {
                println!("line {} {:?}: {row} ok", t.line, t.args);
            } else {
                bad += 1;
                println!(
                    "line {} ({}): README\n  {row}\nISS\n  {want}",
                    t.line,
                    t.args.join(" ")
                );
            }
        }
    }
    bad
}

#[test]
fn vcore_throughput_readme_rows_sample() {
    assert_eq!(
        check(false),
        0,
        "README rows differ from the ISS (see above)"
    );
}

#[test]
#[ignore = "~3 min: every row of the README's throughput tables"]
fn vcore_throughput_readme_rows_all() {
    assert_eq!(
        check(true),
        0,
        "README rows differ from the ISS (see above)"
    );
}

#[test]
fn vcore_throughput_group_formats_thousands() {
    use throughput::group;
    assert_eq!(group(0.4), "0");
    assert_eq!(group(999.0), "999");
    assert_eq!(group(1000.0), "1,000");
    assert_eq!(group(1_234_567.6), "1,234,568");
    assert_eq!(group(-12_345.0), "-12,345");
}
