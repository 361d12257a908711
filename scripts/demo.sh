#!/usr/bin/env bash
# The main job: build a realistic signed block deterministically and validate it.
# Extra arguments go to `satchain demo` (e.g. --seed 7 --inputs 5000 --json).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if ! command -v cargo >/dev/null 2>&1 && [[ -f "$HOME/.cargo/env" ]]; then
  # shellcheck disable=SC1091
  . "$HOME/.cargo/env"
fi
cargo run --release -p satchain-cli -- demo "$@"
