#!/usr/bin/env bash
# Full tests: everything the workspace tests (unit, integration, property, simulation), the
# software path on an emulated Cortex-A9 (scripts/test-arm.sh) and the synthesis budget
# (bitstreams/synth.sh). Tests on real data need ../shared/data beside the repository and fail
# loudly without it.
#
# Order, for a two-core machine (CI):
#  (1) the ARM lane starts at once, in the background: the ARM cross builds (niced: they share no
#      build directory or lock with the x86 build, and take what the x86 build leaves idle),
#      then the ARM test steps under qemu; its board-cli step, which compares the ARM CLI with
#      the x86 one, waits for step (2) and uses the CLI that build made. Measured in fresh-clone
#      CI runs: niced, the x86 build took 19.5 min and the ARM lane ended 5 min after the x86
#      tests (31.1 min in all); not niced, the cross builds slowed the x86 build's serial chain
#      (satchain-hdl, then the Verilator models) so much that it was still building at 30 min;
#  (2) build every x86 test binary (the binaries the synthesis runs are among them);
#  (3) run the x86 tests while the synthesis report runs beside them;
#  (4) wait for the ARM lane and the synthesis. Logs of the jobs run beside: target/ci-logs/.
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
# Disk. A run that fills the disk fails deep inside a link ("ld terminated with signal 7 [Bus
# error]", "No space left on device"), so the free space is printed first and the size of
# target/ last. DISK_NEED_GB: a fresh-clone run of 22126fb ended with target/ at 5.1 GB (8.6 GB
# before the Verilated models moved into one shared library and the debug information into
# .dwo files), rounded up; below it, a warning names the cause up front.
DISK_NEED_GB=6
disk_free_gb() { df -Pk target | awk 'NR == 2 { printf "%d", $4 / 1048576 }'; }
free_gb=$(disk_free_gb)
stamp "disk: ${free_gb} GB free for target/ (a cold run needs ~${DISK_NEED_GB} GB)"
if ((free_gb < DISK_NEED_GB)); then
  echo "test.sh: WARNING: only ${free_gb} GB free; the builds may fail with 'No space left on device'" >&2
fi

# 1. The ARM lane, beside everything else. The board-cli step needs the x86 CLI of step 2: it
# waits for the status file step 2 writes (or for this script to be gone).
X86_BUILT=$LOGS/x86-build.status
rm -f "$X86_BUILT"
main_pid=$$
arm_all() {
  nice -n 10 bash scripts/test-arm.sh build >"$LOGS/arm-build.log" 2>&1 || return 10
  local rc=0
  bash scripts/test-arm.sh linux-tests bare-metal >"$LOGS/arm-tests.log" 2>&1 || rc=11
  while [[ ! -f $X86_BUILT ]]; do
    kill -0 "$main_pid" 2>/dev/null || return 12
    sleep 2
  done
  if [[ $(cat "$X86_BUILT") == 0 ]]; then
    SATCHAIN_HOST_CLI=$PWD/target/release/satchain \
      bash scripts/test-arm.sh board-cli >>"$LOGS/arm-tests.log" 2>&1 || rc=11
  else
    echo "test-arm: [board-cli] not run: the x86 build failed" >>"$LOGS/arm-tests.log"
    rc=11
  fi
  return $rc
}
stamp "ARM lane started (builds, then tests under qemu; logs in $LOGS/)"
arm_all &
arm=$!

# 2. Build. `cargo test --workspace` also builds the binaries of every package with integration
# tests (target/release/satchain, gen-verilog, synth-report) with the workspace's features. A
# separate `cargo build -p satchain-hdl -p bitstreams` recompiled satchain-hdl and its
# dependents (2 min 25 s in the CI run of f20e4f9) only because a build of two packages unifies
# other features; the synthesis and the board-cli step use the binaries of this build instead.
stamp "building the x86 workspace (tests, examples, binaries)"
x86_build=0
cargo test --workspace --release --no-fail-fast --no-run || x86_build=$?
echo "$x86_build" >"$X86_BUILT"
for bin in satchain gen-verilog synth-report; do
  if ((x86_build == 0)) && [[ ! -x target/release/$bin ]]; then
    echo "test.sh: the workspace test build made no target/release/$bin" >&2
    x86_build=1
  fi
done

if ((x86_build == 0)); then
  # 3. Beside the x86 test run: the synthesis report (yosys synth_xilinx per block and for the
  # top, cached by a hash of the Verilog: target/synth/resources.{json,md}; fails above 70 % of
  # any XC7Z030 resource).
  SATCHAIN_SYNTH_BIN_DIR=target/release SATCHAIN_SYNTH_JOBS="${SATCHAIN_SYNTH_JOBS:-1}" \
    bash bitstreams/synth.sh >"$LOGS/synth.log" 2>&1 &
  synth=$!
  stamp "x86 tests (beside them: the ARM lane, the synthesis; logs in $LOGS/)"
  # The test binaries of step 2, two at a time (scripts/run-tests.py: `cargo test` runs them
  # one after the other, and most keep only one core busy); every binary runs even when an
  # earlier one failed. Niced like the ARM builds, so the two share the cores equally now that
  # the x86 build is done (the ARM lane, with its qemu steps still to come, is the longer one).
  # Then the doc tests, which are not among the binaries.
  if cargo test --workspace --release --no-run --message-format=json >"$LOGS/test-binaries.json"; then
    nice -n 10 python3 scripts/run-tests.py "$LOGS/test-binaries.json" || failed+=("x86 tests")
  else
    failed+=("x86 tests (listing the test binaries)")
  fi
  cargo test --workspace --release --doc || failed+=("x86 doc tests")
else
  failed+=("x86 build")
  synth=
fi

# 4. Wait for the jobs beside.
stamp "waiting for the ARM lane"
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

if [[ -n $synth ]]; then
  stamp "waiting for the synthesis"
  if wait "$synth"; then
    tail -n 5 "$LOGS/synth.log"
  else
    echo "test.sh: bitstreams/synth.sh failed; last lines of $LOGS/synth.log:" >&2
    tail -n 40 "$LOGS/synth.log" >&2
    failed+=("synthesis")
  fi
fi
# Extra checks (the lead adds more here).

stamp "disk: target/ holds $(du -sh target | cut -f1); $(disk_free_gb) GB free"
if ((${#failed[@]})); then
  stamp "FAILED: ${failed[*]}"
  exit 1
fi
stamp "all passed"
