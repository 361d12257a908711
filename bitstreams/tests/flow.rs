//! The flow end to end: real yosys on small designs (cache behaviour, report files), and the
//! `synth-report` exit codes with a stand-in yosys that prints captured, edited output.

use bitstreams::{flow, FlowOptions, XC7Z030};
use std::path::{Path, PathBuf};
use std::process::Command;

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

fn fresh_dir(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("bitstreams-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn require_yosys() {
    let ok = Command::new("yosys")
        .arg("-V")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    assert!(
        ok,
        "yosys is not installed: apt-get install -y yosys (bash scripts/setup.sh does it)"
    );
}

#[test]
fn flow_real_yosys_reports_and_caches() {
    require_yosys();
    let dir = fresh_dir("real");
    let rtl = dir.join("rtl");
    std::fs::create_dir_all(&rtl).unwrap();
    std::fs::copy(data("dsp_adder.v"), rtl.join("top.v")).unwrap();
    std::fs::copy(data("memories.v"), rtl.join("memories.v")).unwrap();
    std::fs::write(
        rtl.join("harness_selftest.v"),
        "this is excluded and not Verilog",
    )
    .unwrap();
    let out = dir.join("out");
    let mut opts = FlowOptions::new(&rtl, &out);
    opts.verbose = false;
    let r1 = flow::run(&opts, &XC7Z030).unwrap();
    let total = r1.total.as_ref().unwrap();
    assert_eq!(total.resources.dsp, 4);
    assert_eq!(total.resources.carry4, 20);
    assert_eq!(r1.blocks.len(), 1);
    assert_eq!(r1.blocks[0].name, "memories");
    assert_eq!(r1.blocks[0].resources.ramb36, 2);
    assert!(r1.within_budget());
    assert_eq!(r1.logic_depth, Some(15));
    assert!(r1.missing.is_empty());
    // Timing ran on every netlist, with the model the report names. Every path of these two
    // designs starts at a top-level port (ports are not start points), so no clock domain has
    // a register-to-register path: none is invented.
    for b in r1.blocks.iter().chain(r1.total.iter()) {
        let t = b
            .timing
            .as_ref()
            .unwrap_or_else(|| panic!("{:?}", b.timing_error));
        assert!(t.domains.is_empty() && t.unknown_cells.is_empty(), "{t:?}");
    }
    assert_eq!(r1.timing_model, flow::current_timing_model());
    assert!(out.join("logs/top.json.log").exists());

    // The files hw-report reads.
    let back = flow::read_report(&out).unwrap();
    assert_eq!(back, r1);
    assert!(std::fs::read_to_string(out.join("resources.md"))
        .unwrap()
        .contains("| memories |"));
    assert!(flow::report_is_current(&back, &rtl, &opts.exclude).unwrap());
    let texts: Vec<(String, String)> = ["memories.v", "top.v"]
        .iter()
        .map(|f| (f.to_string(), std::fs::read_to_string(rtl.join(f)).unwrap()))
        .collect();
    assert!(flow::report_matches(&back, &texts));
    assert!(!flow::report_matches(&back, &texts[..1]));

    // Second run: served from the cache, so yosys writes no new log.
    std::fs::remove_dir_all(out.join("logs")).unwrap();
    let r2 = flow::run(&opts, &XC7Z030).unwrap();
    assert_eq!(r2, r1);
    assert!(
        !out.join("logs/top.log").exists(),
        "cached run must not call yosys"
    );

    // A report timed with another model is stale.
    let mut other = back.clone();
    other.timing_model = Some("another-model".into());
    assert!(!flow::report_matches(&other, &texts));

    // A changed block is synthesized again, and the old report is stale.
    let mut v = std::fs::read_to_string(rtl.join("memories.v")).unwrap();
    v.push_str("\n// changed\n");
    std::fs::write(rtl.join("memories.v"), v).unwrap();
    assert!(!flow::report_is_current(&r2, &rtl, &opts.exclude).unwrap());
    let r3 = flow::run(&opts, &XC7Z030).unwrap();
    assert!(out.join("logs/memories.log").exists());
    assert!(!out.join("logs/top.log").exists());
    assert_ne!(r3.blocks[0].verilog_sha256, r1.blocks[0].verilog_sha256);
}

#[test]
fn flow_rejects_empty_rtl_and_missing_top_module() {
    let dir = fresh_dir("empty");
    let opts = FlowOptions::new(dir.join("rtl"), dir.join("out"));
    std::fs::create_dir_all(dir.join("rtl")).unwrap();
    assert!(matches!(
        flow::run(&opts, &XC7Z030),
        Err(flow::FlowError::NoRtl(_))
    ));
    std::fs::write(dir.join("rtl/x.v"), "module notop(input a); endmodule\n").unwrap();
    let mut opts = opts;
    opts.verbose = false;
    match flow::run(&opts, &XC7Z030) {
        Err(flow::FlowError::NoTop { file }) => assert_eq!(file, "x.v"),
        Err(flow::FlowError::YosysMissing { .. }) => panic!("yosys is not installed"),
        other => panic!("expected NoTop, got {other:?}"),
    }
}

/// A stand-in for yosys: answers `-V`, and for `-p SCRIPT` writes the captured `stat -json` and
/// `ltp` of `dsp_adder`, with the LUT2 count replaced by `luts`, to the `tee -o` paths of the
/// script.
fn fake_yosys(dir: &Path, luts: u64, fail: bool) -> PathBuf {
    let stat = std::fs::read_to_string(data("dsp_adder.stat.json")).unwrap();
    let total = 200 - 79 + luts;
    // Both the module's and the design's counts (yosys writes the same numbers twice).
    assert_eq!(stat.matches("\"num_cells\":         200,").count(), 2);
    assert_eq!(stat.matches("\"LUT2\": 79").count(), 2);
    let stat = stat
        .replace(
            "\"num_cells\":         200,",
            &format!("\"num_cells\": {total},"),
        )
        .replace("\"LUT2\": 79", &format!("\"LUT2\": {luts}"));
    std::fs::write(dir.join("fake.stat"), stat).unwrap();
    std::fs::copy(data("dsp_adder.ltp"), dir.join("fake.ltp")).unwrap();
    let body = if fail {
        "echo 'ERROR: fake failure' ; exit 3".to_string()
    } else {
        format!(
            r#"s=$(echo "$2" | sed -n 's/.*tee -q -o \([^ ;]*\) stat.*/\1/p')
n=$(echo "$2" | sed -n 's/.*write_rtlil \([^ ;]*\).*/\1/p')
l=$(echo "$2" | sed -n 's/.*tee -q -o \([^ ;]*\) ltp.*/\1/p')
j=$(echo "$2" | sed -n 's/.*write_json \([^ ;]*\).*/\1/p')
[ -n "$s" ] && cp {d}/fake.stat "$s"
[ -n "$n" ] && echo fake-netlist > "$n"
[ -n "$l" ] && cp {d}/fake.ltp "$l"
[ -n "$j" ] && cp {json} "$j"
exit 0"#,
            d = dir.display(),
            json = data("timing_small.json").display()
        )
    };
    let script = format!(
        "#!/usr/bin/env bash\nif [ \"$1\" = -V ]; then echo 'Yosys 0.0 (fake {luts} {fail})'; exit 0; fi\n{body}\n"
    );
    let p = dir.join("yosys");
    std::fs::write(&p, script).unwrap();
    Command::new("chmod").arg("+x").arg(&p).status().unwrap();
    p
}

fn synth_report(rtl: &Path, out: &Path, yosys: &Path, extra: &[&str]) -> (i32, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_synth-report"))
        .args(["--quiet", "--rtl"])
        .arg(rtl)
        .arg("--out")
        .arg(out)
        .arg("--yosys")
        .arg(yosys)
        .args(extra)
        .output()
        .unwrap();
    (
        o.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        ),
    )
}

#[test]
fn synth_report_exit_codes_follow_the_budget() {
    let dir = fresh_dir("exit");
    let rtl = dir.join("rtl");
    std::fs::create_dir_all(&rtl).unwrap();
    std::fs::write(rtl.join("top.v"), "module top(input a); endmodule\n").unwrap();

    // 55,020 LUTs = exactly 70 %: allowed.
    let y = fake_yosys(&dir, 55_020, false);
    let (code, text) = synth_report(&rtl, &dir.join("out-a"), &y, &[]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("Budget check: PASS"), "{text}");
    // The timing table (the stand-in's netlist is the captured two-clock one).
    assert!(text.contains("| top | clk_a |"), "{text}");

    // One more LUT: over 70 %, exit 1 (0 with --no-budget-fail).
    let y = fake_yosys(&dir, 55_021, false);
    let (code, text) = synth_report(&rtl, &dir.join("out-b"), &y, &[]);
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("Budget check: FAIL, over 70 %: LUT 70.0 %"),
        "{text}"
    );
    let (code, _) = synth_report(&rtl, &dir.join("out-b"), &y, &["--no-budget-fail"]);
    assert_eq!(code, 0);

    // yosys fails: exit 2 with the log tail.
    let y = fake_yosys(&dir, 1, true);
    let (code, text) = synth_report(&rtl, &dir.join("out-c"), &y, &[]);
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("fake failure"), "{text}");

    // Usage errors: exit 2.
    let (code, text) = synth_report(&rtl, &dir.join("out-d"), &y, &["--bogus"]);
    assert_eq!(code, 2, "{text}");
}

/// The committed results (`FlowOptions::results_dir`): a fresh output directory is served from
/// them without yosys; `fresh`, a changed Verilog text or a read-only use behave as documented.
#[test]
fn flow_committed_results_replace_yosys_only_for_the_same_key() {
    let dir = fresh_dir("results");
    let rtl = dir.join("rtl");
    std::fs::create_dir_all(&rtl).unwrap();
    std::fs::write(
        rtl.join("top.v"),
        "module top(input a, output b); assign b = a; endmodule\n",
    )
    .unwrap();
    let good = fake_yosys(&dir, 79, false);
    // Same `-V` answer as `good` (so the same cache keys), but any synthesis fails.
    let refuse = dir.join("refuse");
    std::fs::write(
        &refuse,
        format!(
            "#!/usr/bin/env bash\nif [ \"$1\" = -V ]; then exec {} -V; fi\necho 'ERROR: refused'; exit 3\n",
            good.display()
        ),
    )
    .unwrap();
    Command::new("chmod")
        .arg("+x")
        .arg(&refuse)
        .status()
        .unwrap();
    let results = dir.join("results");
    let run = |out: &str, yosys: &Path, publish: bool, fresh: bool| {
        let mut o = FlowOptions::new(&rtl, dir.join(out));
        o.verbose = false;
        o.yosys = yosys.to_string_lossy().to_string();
        o.results_dir = Some(results.clone());
        o.publish_results = publish;
        o.fresh = fresh;
        flow::run(&o, &XC7Z030)
    };
    let entries = || {
        let mut v: Vec<String> = std::fs::read_dir(&results)
            .map(|d| {
                d.map(|e| e.unwrap().file_name().to_string_lossy().to_string())
                    .collect()
            })
            .unwrap_or_default();
        v.sort();
        v
    };

    // Read-only use writes nothing; a publishing run writes stat, meta, depth and timing.
    let r0 = run("out0", &good, false, false).unwrap();
    assert!(entries().is_empty(), "{:?}", entries());
    let r1 = run("out1", &good, true, false).unwrap();
    // The same figures (only the time yosys took differs between two runs).
    let mut r0 = r0;
    r0.total.as_mut().unwrap().synth_ms = r1.total.as_ref().unwrap().synth_ms;
    assert_eq!(r1, r0);
    let first = entries();
    assert_eq!(first.len(), 4, "{first:?}");
    assert!(
        first.iter().any(|f| f.ends_with(".timing.json")),
        "{first:?}"
    );

    // A new output directory (a fresh clone): served from the results, yosys never runs.
    assert_eq!(run("out2", &refuse, false, false).unwrap(), r1);
    // `fresh` does not read them.
    assert!(matches!(
        run("out3", &refuse, false, true),
        Err(flow::FlowError::YosysFailed { .. })
    ));
    // A changed Verilog text misses them.
    std::fs::write(
        rtl.join("top.v"),
        "module top(input a, output b); assign b = ~a; endmodule\n",
    )
    .unwrap();
    assert!(matches!(
        run("out4", &refuse, false, false),
        Err(flow::FlowError::YosysFailed { .. })
    ));
    // Publishing the new synthesis replaces the block's old entries, and drops the entries of
    // blocks that are gone.
    // The results of the designs synthesized outside the catalogue stay.
    std::fs::write(results.join("gone-0123456789abcdef.stat.json"), "{}").unwrap();
    let kept = format!(
        "{}-0123456789abcdef.stat.json",
        flow::OFF_CATALOGUE_RESULTS[2]
    );
    std::fs::write(results.join(&kept), "{}").unwrap();
    run("out5", &good, true, false).unwrap();
    let mut second = entries();
    assert!(second.contains(&kept), "{second:?}");
    second.retain(|f| *f != kept);
    assert_eq!(second.len(), 4, "{second:?}");
    assert!(
        second.iter().all(|f| !first.contains(f)),
        "{first:?} {second:?}"
    );
}
