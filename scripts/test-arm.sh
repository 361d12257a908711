#!/usr/bin/env bash
# The software path on an emulated Cortex-A9 (the Zynq's processing system), Linux and bare metal.
#
#  1. linux-tests   crypto-core, fallback-sw, accel-driver and satchain-regmap built for
#                   armv7-unknown-linux-gnueabihf; their test suites (block 413567 included)
#                   run under `qemu-arm -cpu cortex-a9` on the armhf multiarch libc.
#  2. board-cli     the board CLI (satchain-cli --no-default-features) for ARM: validate-block
#                   on block 413567 and the Qtum PoS block (VALID, the same JSON as the x86
#                   binary but for timings_us), verify-batch and hash-batch (the same lines out
#                   as on x86, and known answers), demo (a signed block, VALID) and
#                   `--backend sim` refused with exit 2 (the board build has no simulator).
#  3. bare-metal    accel-driver + satchain-regmap for armv7a-none-eabi (-Zbuild-std), and
#                   benches/a9 run under `qemu-system-arm -M xilinx-zynq-a9`: the driver on a
#                   behavioural device in RAM (a hash job, a verify job), then a signed demo
#                   block validated by the software backend; the verdicts printed over the
#                   UART are checked.
#
# The ARM builds use Debian's Rust (/usr/bin/rustc, rustc-web 1.96), never rustup's host
# toolchain: RUSTC, RUSTDOC and CARGO are set for those commands only. Builds are cached in
# target/arm (Linux) and target/a9 (bare metal). Installs: scripts/setup.sh. Every step runs even
# when an earlier one failed; the last line is the summary, the exit code non-zero if any step
# failed. Arguments select steps: `bash scripts/test-arm.sh board-cli` runs only that one.
#
# Cost, measured in fresh-clone CI runs (2 cores). Run of f20e4f9 (builds beside the x86 test
# run): cold builds 10.4 min (Linux test suites), 4.8 min (board CLI), 0.9 + 1.8 min (bare
# metal, -Zbuild-std compiled core and alloc twice); steps linux-tests 185 s, bare-metal 2 s,
# board-cli 265 s (most of it an x86 `cargo build` of the CLI, now taken from test.sh's build).
# Run of 3673456 (builds niced beside the x86 build): all builds 1,713 s, linux-tests 144 s,
# bare-metal 2 s, board-cli 6 s. A fresh clone (CI) pays the cold builds.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DATA=${SATCHAIN_DATA:-$ROOT/../shared/data}
LOG=$ROOT/target/arm-logs
mkdir -p "$LOG"

ARM_RUSTC=/usr/bin/rustc
ARM_CARGO=/usr/bin/cargo
ARM_RUSTDOC=/usr/bin/rustdoc
LINUX_TARGET=armv7-unknown-linux-gnueabihf
# The four crates of issue 13 whose whole test suites must pass on the A9, and satchain-fpga
# (the FPGA backend and its board opener; its tests ran inside crypto-core's before it moved).
LINUX_CRATES=(-p crypto-core -p fallback-sw -p accel-driver -p satchain-regmap -p satchain-fpga)

# Cargo for the ARM targets: Debian's rustc/cargo, qemu-arm as the test runner. No debug info
# in these builds (the workspace's release profile has it for the host's profilers): a failing
# test under qemu still names its file and line in the panic message, and the cold cross build
# is part of every CI run. Without debug information there is nothing to split, and rustc
# accepts `-C split-debuginfo=unpacked` only on some targets (the workspace profile's setting,
# for the host): off.
arm_cargo() {
  env RUSTC="$ARM_RUSTC" RUSTDOC="$ARM_RUSTDOC" CARGO="$ARM_CARGO" \
    CARGO_PROFILE_RELEASE_DEBUG=0 CARGO_PROFILE_RELEASE_SPLIT_DEBUGINFO=off \
    CARGO_TARGET_ARMV7_UNKNOWN_LINUX_GNUEABIHF_LINKER=arm-linux-gnueabihf-gcc \
    CARGO_TARGET_ARMV7_UNKNOWN_LINUX_GNUEABIHF_RUNNER="qemu-arm -cpu cortex-a9" \
    CC_armv7_unknown_linux_gnueabihf=arm-linux-gnueabihf-gcc \
    AR_armv7_unknown_linux_gnueabihf=arm-linux-gnueabihf-ar \
    CC_armv7a_none_eabi=arm-none-eabi-gcc \
    AR_armv7a_none_eabi=arm-none-eabi-ar \
    "$ARM_CARGO" "$@"
}

passed=()
failed=()
# step NAME FUNCTION: runs FUNCTION, output to target/arm-logs/NAME.log (tail shown on failure).
# The function runs in a subshell with errexit on: its first failing command fails the step
# (an `if "$fn"` would switch errexit off inside the function).
step() {
  local name=$1 fn=$2 t0=$SECONDS rc=0
  echo "test-arm: [$name] ..."
  set +e
  (
    set -euo pipefail
    "$fn"
  ) >"$LOG/$name.log" 2>&1
  rc=$?
  set -e
  if ((rc == 0)); then
    passed+=("$name")
    echo "test-arm: [$name] ok ($((SECONDS - t0)) s)"
  else
    failed+=("$name")
    echo "test-arm: [$name] FAILED ($((SECONDS - t0)) s); last lines of $LOG/$name.log:" >&2
    tail -n 40 "$LOG/$name.log" >&2
  fi
}

for tool in "$ARM_RUSTC" "$ARM_RUSTDOC" "$ARM_CARGO" qemu-arm qemu-system-arm arm-linux-gnueabihf-gcc arm-none-eabi-gcc; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "test-arm: $tool is missing; run scripts/setup.sh (Debian 12 packages)" >&2
    echo "test-arm: 0 passed, 1 failed"
    exit 1
  fi
done
if [[ ! -f "$DATA/bitcoin-core/block413567.raw" || ! -f "$DATA/qtum/blockbench.raw" ]]; then
  echo "test-arm: WARNING: $DATA is missing; the steps on real blocks will fail" >&2
fi

# ---- 1. the test suites on qemu-arm ---------------------------------------------------------
linux_tests() {
  # Random cases under emulation: SATCHAIN_ARM_PROPTEST_CASES (default 16). The x86 run of the
  # same suites covers SATCHAIN_PROPTEST_CASES; here the point is the same code on a 32-bit
  # ARM (usize, alignment, libc), and qemu-arm runs ~10x slower, so fewer random cases keep
  # the whole CI run well under 30 minutes. Every deterministic test still runs in full.
  SATCHAIN_PROPTEST_CASES="${SATCHAIN_ARM_PROPTEST_CASES:-16}" CARGO_TARGET_DIR="$ROOT/target/arm" \
    arm_cargo test --release --locked --target "$LINUX_TARGET" "${LINUX_CRATES[@]}" \
    --all-features --no-fail-fast
}

# ---- 2. the board CLI on qemu-arm -----------------------------------------------------------
ARM_CLI=$ROOT/target/arm/$LINUX_TARGET/release/satchain
# The x86 twin: the same board build (same features) in its own target directory, so it needs
# no Verilator or HDL build and leaves target/release's development CLI alone.
HOST_CLI=$ROOT/target/board/release/satchain
FIXTURES=$ROOT/scripts/arm

board_cli() {
  # The board CLI: satchain-cli without its default features (sim, hw-report), so no
  # Verilator, yosys or HDL crate (cli/tests/board_tree.rs checks the tree).
  CARGO_TARGET_DIR="$ROOT/target/arm" arm_cargo build --release --locked \
    --target "$LINUX_TARGET" -p satchain-cli --no-default-features
  # The x86 twin. scripts/test.sh names the CLI its workspace test build made
  # (SATCHAIN_HOST_CLI=target/release/satchain, current by construction: that build ran first).
  # Rebuilding it here with `cargo build -p satchain-cli` recompiled satchain-hdl and its
  # dependents (4 min 18 s in the CI run of f20e4f9), only because a one-package build unifies
  # other features than the workspace's test build. Run alone, this step builds the board CLI in
  # target/board (no Verilator or HDL build). Both answer the same on `sw`, which is all this
  # step compares.
  if [[ -n ${SATCHAIN_HOST_CLI:-} ]]; then
    HOST_CLI=$SATCHAIN_HOST_CLI
    [[ -x $HOST_CLI ]] || {
      echo "board CLI: SATCHAIN_HOST_CLI=$HOST_CLI is not an executable"
      return 1
    }
  else
    CARGO_TARGET_DIR="$ROOT/target/board" cargo build --release --locked -p satchain-cli \
      --no-default-features
  fi
  local arm=(qemu-arm -cpu cortex-a9 "$ARM_CLI") out=$ROOT/target/arm-logs/cli
  mkdir -p "$out"
  local block chain name
  for block in "bitcoin-core/block413567.raw bitcoin" "qtum/blockbench.raw qtum"; do
    read -r name chain <<<"$block"
    local tag
    tag=$(basename "$name" .raw)
    "${arm[@]}" validate-block "$DATA/$name" --chain "$chain" --json >"$out/$tag.arm.json"
    "$HOST_CLI" validate-block "$DATA/$name" --chain "$chain" --json >"$out/$tag.x86.json"
    python3 "$FIXTURES/same_json.py" "$out/$tag.arm.json" "$out/$tag.x86.json"
  done
  "${arm[@]}" verify-batch "$FIXTURES/verify.jsonl" >"$out/verify.arm.jsonl"
  "$HOST_CLI" verify-batch "$FIXTURES/verify.jsonl" >"$out/verify.x86.jsonl"
  "${arm[@]}" hash-batch "$FIXTURES/hash.jsonl" >"$out/hash.arm.jsonl"
  "$HOST_CLI" hash-batch "$FIXTURES/hash.jsonl" >"$out/hash.x86.jsonl"
  python3 "$FIXTURES/same_json.py" --lines "$out/verify.arm.jsonl" "$out/verify.x86.jsonl" \
    --expect "$FIXTURES/verify.expect.jsonl"
  python3 "$FIXTURES/same_json.py" --lines "$out/hash.arm.jsonl" "$out/hash.x86.jsonl" \
    --expect "$FIXTURES/hash.expect.jsonl"
  # demo: a signed block built and validated on the A9 (exit 0 = valid, every signature checked).
  "${arm[@]}" demo --inputs 4 >"$out/demo.arm.txt"
  # The board build has no simulation backend: `--backend sim` is a usage error (exit 2).
  local rc=0
  "${arm[@]}" demo --inputs 1 --backend sim >/dev/null 2>&1 || rc=$?
  if ((rc != 2)); then
    echo "board CLI: --backend sim exited $rc, expected 2 (no sim in the board build)"
    return 1
  fi
}

# ---- 3. bare metal on qemu-system-arm (Zynq-7000 PS) ----------------------------------------
A9_TARGET=armv7a-none-eabi

bare_metal() {
  # The driver and the register map alone, as a node's RTOS would build them.
  RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR="$ROOT/target/a9" arm_cargo build --locked --release \
    -Zbuild-std=core,alloc --target "$A9_TARGET" -p accel-driver -p satchain-regmap
  # The program: its own crate and lockfile; benches/a9/.cargo/config.toml (read from that
  # directory) sets the target, -Zbuild-std, the linker and the CPU.
  (cd benches/a9 && RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR="$ROOT/target/a9" \
    arm_cargo build --locked --release)
  bash benches/a9/run.sh "$ROOT/target/a9/$A9_TARGET/release/satchain-a9"
}

# ---- build only --------------------------------------------------------------------------
# Every ARM artefact the three steps need, without running anything: scripts/test.sh starts it
# beside the x86 test run (the cross builds use target/arm and target/a9 and Debian's cargo, so
# they take no lock of the x86 build), and the steps after it find their builds done.
build_all() {
  CARGO_TARGET_DIR="$ROOT/target/arm" arm_cargo test --release --locked --target "$LINUX_TARGET" \
    "${LINUX_CRATES[@]}" --all-features --no-run
  CARGO_TARGET_DIR="$ROOT/target/arm" arm_cargo build --release --locked \
    --target "$LINUX_TARGET" -p satchain-cli --no-default-features
  RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR="$ROOT/target/a9" arm_cargo build --locked --release \
    -Zbuild-std=core,alloc --target "$A9_TARGET" -p accel-driver -p satchain-regmap
  (cd benches/a9 && RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR="$ROOT/target/a9" \
    arm_cargo build --locked --release)
}

# Arguments name the steps to run (default: the three test steps), e.g.
# `bash scripts/test-arm.sh board-cli`; `build` builds what they need and runs nothing.
STEPS=("$@")
((${#STEPS[@]} > 0)) || STEPS=(linux-tests board-cli bare-metal)
for s in "${STEPS[@]}"; do
  case $s in
  linux-tests) step linux-tests linux_tests ;;
  board-cli) step board-cli board_cli ;;
  bare-metal) step bare-metal bare_metal ;;
  build) step build build_all ;;
  *)
    echo "test-arm: unknown step '$s' (linux-tests, board-cli, bare-metal, build)" >&2
    failed+=("$s")
    ;;
  esac
done

echo "test-arm: passed: ${passed[*]:-none}; failed: ${failed[*]:-none} ($SECONDS s)"
echo "test-arm: ${#passed[@]} passed, ${#failed[@]} failed"
((${#failed[@]} == 0))
