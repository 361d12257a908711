#!/usr/bin/env bash
# Full tests: everything the workspace tests (unit, integration, property, simulation), the
# software path on an emulated Cortex-A9 (scripts/test-arm.sh) and the synthesis budget
# (bitstreams/synth.sh). Tests on real data need ../shared/data beside the repository and fail
# loudly without it.
#
# Order, for a two-core machine (CI): (1) build every x86 test binary; (2) run them while, beside
# them, the ARM cross builds are followed by the ARM test steps under qemu, and the synthesis
# runs (most test binaries keep one core busy; the cross builds, qemu and yosys fill the other;
# they share no build directory or lock with the x86 run, but the ARM board-cli step, which
# compares with the x86 CLI, runs last because it waits for the x86 build lock); (3) wait for
# both. Logs of the jobs run beside: target/ci-logs/.
# Exit status non-zero when any part failed; every part runs even when an earlier one failed.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# rustup's cargo, not Debian's /usr/bin/cargo (setup.sh installs that one for the ARM targets only).
if [[ -f "$HOME/.cargo/env" && "$(command -v cargo || true)" != "$HOME/.cargo/bin/cargo" ]]; then
  # shellcheck disable=SC1091
  . "$HOME/.cargo/env"
fi
if [[ ! -d ../shared/data ]]; then
  echo "test.sh: WARNING: ../shared/data is missing; the tests on real blocks will fail" >&2
fi
LOGS=target/ci-logs
mkdir -p "$LOGS"
failed=()
t0=$SECONDS
stamp() { echo "test.sh: [$((SECONDS - t0)) s] $*"; }

# 1. Build. The two binaries the synthesis runs are built here too, so it needs no cargo later.
stamp "building the x86 workspace (tests, examples, binaries)"
cargo test --workspace --release --no-fail-fast --no-run
cargo build --release -p satchain-hdl --bin gen-verilog -p bitstreams --bin synth-report

# 2. Beside the x86 test run: the software path on an emulated Cortex-A9, Linux (qemu-arm) and
# bare metal (qemu-system-arm), its cross builds first; and the synthesis report (yosys
# synth_xilinx per block and for the top, cached by a hash of the Verilog:
# target/synth/resources.{json,md}; fails above 70 % of any XC7Z030 resource).
arm_all() {
  bash scripts/test-arm.sh build >"$LOGS/arm-build.log" 2>&1 || return 10
  bash scripts/test-arm.sh linux-tests bare-metal board-cli >"$LOGS/arm-tests.log" 2>&1 || return 11
}
arm_all &
arm=$!
SATCHAIN_SYNTH_BIN_DIR=target/release SATCHAIN_SYNTH_JOBS="${SATCHAIN_SYNTH_JOBS:-1}" \
  bash bitstreams/synth.sh >"$LOGS/synth.log" 2>&1 &
synth=$!
stamp "x86 tests (beside them: ARM builds + tests, synthesis; logs in $LOGS/)"
# --no-fail-fast: one failing test binary must not hide the results of the others.
cargo test --workspace --release --no-fail-fast || failed+=("x86 tests")

# 3. Wait for the jobs beside.
stamp "waiting for the ARM builds and tests"
arm_rc=0
wait "$arm" || arm_rc=$?
case $arm_rc in
0) grep -E '^test-arm:' "$LOGS/arm-tests.log" ;;
10)
  echo "test.sh: the ARM builds failed; last lines of $LOGS/arm-build.log:" >&2
  tail -n 40 "$LOGS/arm-build.log" >&2
  failed+=("arm builds")
  ;;
*)
  echo "test.sh: the ARM tests failed; $LOGS/arm-tests.log:" >&2
  grep -E '^test-arm:' "$LOGS/arm-tests.log" >&2 || true
  tail -n 40 "$LOGS/arm-tests.log" >&2
  failed+=("arm tests")
  ;;
esac

stamp "waiting for the synthesis"
if wait "$synth"; then
  tail -n 5 "$LOGS/synth.log"
else
  echo "test.sh: bitstreams/synth.sh failed; last lines of $LOGS/synth.log:" >&2
  tail -n 40 "$LOGS/synth.log" >&2
  failed+=("synthesis")
fi
# Extra checks (the lead adds more here).

if ((${#failed[@]})); then
  stamp "FAILED: ${failed[*]}"
  exit 1
fi
stamp "all passed"
