#!/usr/bin/env bash
# Synthesis report for the XC7Z030, runnable anywhere yosys is installed (CI included).
#
#   bash bitstreams/synth.sh [OUTDIR]          (default OUTDIR: target/synth)
#
# 1. generates the Verilog of every block and of the accelerator top into OUTDIR/rtl
#    (satchain-hdl's gen-verilog),
# 2. runs yosys `synth_xilinx -family xc7 -top top -flatten -noiopad` on each file, and the
#    logic depth (`ltp` with flip-flops removed); results are cached in OUTDIR/cache by a hash
#    of the Verilog, so an unchanged block is not synthesized again, and their small result
#    files are kept in bitstreams/data/synth-results/ (committed: a fresh checkout takes a
#    block's figures from there when its key matches, instead of running yosys),
# 3. writes OUTDIR/resources.json (read by `satchain hw-report`) and OUTDIR/resources.md,
# 4. compares the fresh figures with the committed bitstreams/data/hw-report.json (the source of
#    the README hardware tables): every block's and the top's resources exactly, each clock
#    domain's timing-model estimate within 0.001 MHz (bitstreams/src/drift.rs); a difference is
#    printed with the command that regenerates the report and the tables.
#
# Exit status: 0 within budget and the committed report current, 1 the accelerator uses more
# than 70 % of a resource of the XC7Z030, 2 a tool or flow error, 3 the committed
# hw-report.json differs from this synthesis. Env: SATCHAIN_SYNTH_JOBS (parallel yosys runs,
# default 1), SATCHAIN_SYNTH_TIMEOUT (seconds per yosys run, default 3600),
# SATCHAIN_HW_REPORT_CHECK=0 skips step 4 (while iterating on the RTL; CI never sets it).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${1:-target/synth}"

if ! command -v yosys >/dev/null 2>&1; then
    echo "synth.sh: yosys is not installed: apt-get install -y yosys (or bash scripts/setup.sh)" >&2
    exit 2
fi

# A fresh RTL directory each time: a block that was renamed or removed must not linger.
rm -rf "$OUT/rtl"
mkdir -p "$OUT/rtl"
# SATCHAIN_SYNTH_BIN_DIR: run gen-verilog and synth-report from there (already built) instead of
# through `cargo run`, which would wait for the build-directory lock while another cargo command
# (scripts/test.sh's test run, beside which it runs) holds it.
if [[ -n "${SATCHAIN_SYNTH_BIN_DIR:-}" ]]; then
    GEN_VERILOG=("$SATCHAIN_SYNTH_BIN_DIR/gen-verilog")
    SYNTH_REPORT=("$SATCHAIN_SYNTH_BIN_DIR/synth-report")
else
    GEN_VERILOG=(cargo run --release -q -p satchain-hdl --bin gen-verilog --)
    SYNTH_REPORT=(cargo run --release -q -p bitstreams --bin synth-report --)
fi
"${GEN_VERILOG[@]}" "$OUT/rtl" >/dev/null
check=(--check-committed bitstreams/data/hw-report.json)
if [[ "${SATCHAIN_HW_REPORT_CHECK:-1}" == 0 ]]; then
    echo "synth.sh: SATCHAIN_HW_REPORT_CHECK=0: the committed hw-report.json is not compared" >&2
    check=()
fi
# Committed results (bitstreams/src/flow.rs): a block whose Verilog, yosys version and script
# match an entry of bitstreams/data/synth-results/ is not synthesized again; the directory is
# refreshed after the run (commit it with hw-report.json). SATCHAIN_SYNTH_FRESH=1 synthesizes
# every block target/synth/cache does not hold (use a new output directory to redo them all).
results=(--results bitstreams/data/synth-results)
if [[ "${SATCHAIN_SYNTH_FRESH:-0}" == 1 ]]; then
    results+=(--fresh)
fi
"${SYNTH_REPORT[@]}" "${results[@]}" \
    --rtl "$OUT/rtl" --out "$OUT" \
    --jobs "${SATCHAIN_SYNTH_JOBS:-1}" --timeout "${SATCHAIN_SYNTH_TIMEOUT:-3600}" "${check[@]}"
