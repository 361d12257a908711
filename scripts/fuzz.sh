#!/usr/bin/env bash
# Runs every fuzz target in fuzz/ for SECONDS each (libFuzzer through cargo-fuzz, nightly
# toolchain, AddressSanitizer with leak detection), one after the other.
#
#   bash scripts/fuzz.sh SECONDS [TARGET...]      e.g. bash scripts/fuzz.sh 60
#
# The corpus lives in the repository (fuzz/corpus/<target>/, what the fuzzer found worth
# keeping); seed inputs are written from ../shared/data into a fresh fuzz/target/seeds.*/ at
# every run (fuzz/seeds.py) and read alongside it. New corpus entries of up to 64 KiB are kept in
# fuzz/corpus (commit them); larger ones are regenerated from the seeds. After a clean run the
# target's corpus is minimized (`cargo fuzz cmin`: the smallest set with the same coverage), so
# the committed corpus grows with coverage, not with run time (FUZZ_CMIN=0 skips it).
#
# Exit code: 0 when every target ran clean for its time; non-zero on any crash, leak, timeout
# (one input running more than FUZZ_TIMEOUT seconds, default 10; FUZZ_TIMEOUT_BLOCK, default
# 60, for the whole-block targets) or out-of-memory
# (FUZZ_RSS_MB, default 2048), after printing the reproducer's path and the command that
# replays it. The last lines are one summary row per target (execs, execs/s, coverage).
#
# Installs what it needs: the nightly toolchain (rustup) and cargo-fuzz (crate registry).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DATA=${SATCHAIN_DATA:-$ROOT/../shared/data}
SECS=${1:-}
if ! [[ "$SECS" =~ ^[0-9]+$ ]] || ((SECS == 0)); then
  echo "usage: bash scripts/fuzz.sh SECONDS [TARGET...]" >&2
  exit 2
fi
shift
RSS_MB=${FUZZ_RSS_MB:-2048}

if ! rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  echo "fuzz: installing the nightly toolchain (libFuzzer needs -Zsanitizer)" >&2
  rustup toolchain install nightly --profile minimal || {
    echo "fuzz: no nightly toolchain and rustup could not install one;" >&2
    echo "      install it with 'rustup toolchain install nightly' and rerun" >&2
    exit 2
  }
fi
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  echo "fuzz: installing cargo-fuzz" >&2
  cargo +nightly install cargo-fuzz --locked
fi
command -v python3 >/dev/null || { echo "fuzz: python3 is required (seed inputs)" >&2; exit 2; }

mapfile -t ALL < <(sed -n 's/^name = "\(.*\)"/\1/p' fuzz/Cargo.toml | grep -v '^satchain-fuzz$')
TARGETS=("$@")
((${#TARGETS[@]})) || TARGETS=("${ALL[@]}")

# Seeds per invocation, so two invocations (say `fuzz.sh 1800 block` and `fuzz.sh 1800 der`
# on two cores) do not delete each other's seeds; removed on exit.
mkdir -p "$ROOT/fuzz/target"
SEEDS=$(mktemp -d "$ROOT/fuzz/target/seeds.XXXXXX")
trap 'rm -rf "$SEEDS"' EXIT
python3 fuzz/seeds.py "$DATA" "$SEEDS"
LOGS=$ROOT/fuzz/target/logs
mkdir -p "$LOGS"

# Per-target input size limit: whole blocks need room; the others stay small and fast.
max_len() {
  case $1 in
    block | blk) echo 1100000 ;;
    *) echo 65536 ;;
  esac
}
# Per-input time limit (libFuzzer's -timeout, wall-clock seconds): what counts as a hang.
# Whole-block inputs get more: block 413567 itself takes 0.7 s of CPU in the instrumented
# block target but 4-15 s of wall time on a 2-core machine under load 8, which tripped a
# 10-second limit without any hang (FUZZ_TIMEOUT / FUZZ_TIMEOUT_BLOCK override).
timeout_of() {
  case $1 in
    block | blk) echo "${FUZZ_TIMEOUT_BLOCK:-60}" ;;
    *) echo "${FUZZ_TIMEOUT:-10}" ;;
  esac
}

BUILD_LOG=$LOGS/build${SEEDS##*/seeds}.log # one per invocation, like the seeds
if ! (cd fuzz && cargo +nightly fuzz build -O >"$BUILD_LOG" 2>&1); then
  echo "fuzz: the targets do not build; last lines of $BUILD_LOG:" >&2
  tail -20 "$BUILD_LOG" >&2
  exit 1
fi
failed=()
summary=()
for t in "${TARGETS[@]}"; do
  corpus=$ROOT/fuzz/corpus/$t
  arts=$ROOT/fuzz/artifacts/$t
  mkdir -p "$corpus" "$SEEDS/$t" "$arts"
  log=$LOGS/$t.log
  echo "fuzz: $t for ${SECS}s (log $log)"
  set +e
  (cd fuzz && cargo +nightly fuzz run -O "$t" "$corpus" "$SEEDS/$t" -- \
    -max_total_time="$SECS" -timeout="$(timeout_of "$t")" -rss_limit_mb="$RSS_MB" \
    -max_len="$(max_len "$t")" -print_final_stats=1 -artifact_prefix="$arts/") >"$log" 2>&1
  rc=$?
  set -e
  # Keep the corpus small enough for the repository.
  find "$corpus" -type f -size +64k -delete
  stats=$(grep -E '^#[0-9]+\s+DONE' "$log" | tail -1 || true)
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  cov=$(echo "$stats" | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
  ft=$(echo "$stats" | sed -n 's/.*ft: \([0-9]*\).*/\1/p')
  n=$(find "$corpus" -type f | wc -l)
  row="$t: ${execs:-?} execs, ${rate:-?} execs/s, cov ${cov:-?}, ft ${ft:-?}, corpus $n"
  if ((rc != 0)); then
    failed+=("$t")
    repro=$(grep -oE "Test unit written to [^ ]+" "$log" | tail -1 | sed 's/Test unit written to //' || true)
    echo "fuzz: $t FAILED (exit $rc); last lines of $log:"
    grep -E "ERROR|panicked|SUMMARY|==[0-9]+==" "$log" | head -8 || true
    if [[ -n "$repro" ]]; then
      echo "fuzz: reproducer: $repro"
      echo "fuzz: replay:     (cd fuzz && cargo +nightly fuzz run -O $t $repro)"
    fi
    row="$row  FAILED"
  fi
  if ((rc == 0)) && [[ "${FUZZ_CMIN:-1}" != 0 ]]; then
    # A 30-minute jsonl run kept 11,555 entries; the minimized set covers the same features.
    # cargo-fuzz merges into a new directory and swaps it in only when the merge succeeds
    # (when the merge fails it still exits 0, after "Failed to minimize corpus").
    clog=$LOGS/$t.cmin.log
    if (cd fuzz && cargo +nightly fuzz cmin -O "$t" "$corpus" -- \
      -timeout="$(timeout_of "$t")" -rss_limit_mb="$RSS_MB" -max_len="$(max_len "$t")") \
      >"$clog" 2>&1 && ! grep -q "Failed to minimize" "$clog"; then
      row="$row, minimized to $(find "$corpus" -type f | wc -l)"
    else
      echo "fuzz: $t: corpus minimization failed (log $clog); corpus kept as it was"
    fi
  fi
  summary+=("$row")
done
printf 'fuzz: %s\n' "${summary[@]}"
if ((${#failed[@]})); then
  echo "fuzz: failed: ${failed[*]}"
  exit 1
fi
echo "fuzz: all ${#TARGETS[@]} targets clean for ${SECS}s each"
