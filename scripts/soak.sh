#!/usr/bin/env bash
# Soak the property suites with fresh seeds (hunting, not CI):
#
#   bash scripts/soak.sh SECONDS        # e.g. 3600
#
# The normal test run uses a fixed seed per test (verif/testkit, `testkit::seed`), so it
# gives the same verdict every time. This script instead runs every property suite again
# and again, each round with a new random seed (SATCHAIN_SEED / SATCHAIN_PROPTEST_SEED) and
# more cases (SATCHAIN_PROPTEST_CASES, default 1000; SOAK_CASES overrides), until SECONDS
# have passed. Every failure prints its suite and seed, and the command that replays it;
# the output of failing rounds is kept under target/soak/. A proptest failure is also saved
# in the crate's proptest-regressions/ (commit it: the normal run then replays it forever).
# SOAK_SUITES="name ..." limits the run to some suites (names as listed below).
# Exit status: 0 if no round failed, 1 otherwise, 2 on a usage error.
set -uo pipefail
cd "$(dirname "$0")/.."

if [[ $# -ne 1 || ! "$1" =~ ^[0-9]+$ ]]; then
  echo "usage: bash scripts/soak.sh SECONDS" >&2
  exit 2
fi
budget=$1
cases=${SOAK_CASES:-1000}

# name | cargo test arguments (release profile; see the crates' READMEs)
suites=(
  "crypto-negative|-p crypto-core --test negative proptest_"
  "driver-model|-p accel-driver --test model_driver_prop"
  "sw-oracle|-p fallback-sw --test oracle"
  "iss|-p satchain-hdl --test ecdsa_iss"
  "hdl-models|-p satchain-hdl --lib ecdsa::"
  "sha-core|-p verif --test sha_core"
  "sha-unit|-p verif --test sha_unit"
  "sha-cluster|-p verif --test sha_cluster"
  "sha-dma|-p verif --test sha_dma random"
  "ecdsa-arith|-p verif --test ecdsa_arith"
  "ecdsa-engine|-p verif --test ecdsa_engine random"
  "ecdsa-selftest|-p verif --test ecdsa_engine_selftest"
  "vcore-iss|-p satchain-hdl --test vcore_iss"
  "vcore-core|-p verif --test vcore_verify_core"
  "vcore-toy-rtl|-p verif --test vcore_verify_core_toy"
)
if [[ -n "${SOAK_SUITES:-}" ]]; then
  picked=()
  for s in "${suites[@]}"; do
    for want in $SOAK_SUITES; do
      [[ "${s%%|*}" == "$want" ]] && picked+=("$s")
    done
  done
  if [[ ${#picked[@]} -eq 0 ]]; then
    echo "soak: SOAK_SUITES=$SOAK_SUITES names no suite" >&2
    exit 2
  fi
  suites=("${picked[@]}")
fi

mkdir -p target/soak
echo "soak: building the test binaries"
for s in "${suites[@]}"; do
  # shellcheck disable=SC2086
  cargo test --release ${s#*|} --no-run --quiet 2>/dev/null || {
    echo "soak: cannot build suite ${s%%|*} (cargo test --release ${s#*|})" >&2
    exit 1
  }
done

start=$(date +%s)
rounds=0
failures=()
while :; do
  now=$(date +%s)
  left=$((budget - (now - start)))
  ((left > 0)) || break
  seed=$(od -An -N8 -tu8 /dev/urandom | tr -d ' ')
  for s in "${suites[@]}"; do
    now=$(date +%s)
    left=$((budget - (now - start)))
    ((left > 0)) || break 2
    name=${s%%|*}
    args=${s#*|}
    log="target/soak/${name}-${seed}.log"
    # shellcheck disable=SC2086
    SATCHAIN_SEED=$seed SATCHAIN_PROPTEST_SEED=$seed SATCHAIN_PROPTEST_CASES=$cases \
      timeout --foreground "$left" cargo test --release --quiet $args >"$log" 2>&1
    rc=$?
    rounds=$((rounds + 1))
    if [[ $rc -eq 124 ]]; then
      rm -f "$log"
      break 2 # the time is up in the middle of a round: not a failure
    elif [[ $rc -ne 0 ]]; then
      echo "soak: FAIL $name seed $seed; replay: SATCHAIN_SEED=$seed SATCHAIN_PROPTEST_CASES=$cases cargo test --release $args  (log: $log)"
      failures+=("$name:$seed")
    else
      rm -f "$log"
    fi
  done
done
elapsed=$(($(date +%s) - start))
if [[ ${#failures[@]} -eq 0 ]]; then
  echo "soak: $rounds suite runs in ${elapsed}s, $cases cases each: no failure"
  exit 0
fi
echo "soak: $rounds suite runs in ${elapsed}s, ${#failures[@]} failed: ${failures[*]}"
exit 1
