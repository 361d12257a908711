#!/usr/bin/env bash
# Full tests: everything the workspace tests (unit, integration, property, simulation).
# Tests on real data need ../shared/data beside the repository and fail loudly without it.
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
# --no-fail-fast: one failing test binary must not hide the results of the others.
cargo test --workspace --release --no-fail-fast
# The software path on an emulated Cortex-A9: Linux (qemu-arm) and bare metal (qemu-system-arm).
bash scripts/test-arm.sh
# Extra checks (the lead adds more here).
# Synthesis report (yosys synth_xilinx per block and for the top, cached by a hash of the
# Verilog): writes target/synth/resources.{json,md}, fails above 70 % of any XC7Z030 resource.
SATCHAIN_SYNTH_JOBS="${SATCHAIN_SYNTH_JOBS:-2}" bash bitstreams/synth.sh
