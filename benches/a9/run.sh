#!/usr/bin/env bash
# Runs satchain-a9 on the emulated Zynq-7000 PS, prints what it printed, and checks it.
#   bash benches/a9/run.sh target/a9/armv7a-none-eabi/release/satchain-a9
# -icount shift=0: one instruction per virtual nanosecond, so the `measure:` lines are
# instruction counts (the program calibrates them against a loop of known length; this script
# requires 10 instructions per timer tick). UART1 is the console: QEMU's xilinx-zynq-a9 puts
# UART0 on the first serial port, so that one goes to null. Semihosting carries the exit status.
# Exit 0 only if QEMU exited 0, the program printed "satchain-a9: PASS" and no check failed.
set -euo pipefail
elf=${1:?usage: run.sh ELF}
out=$(mktemp)
trap 'rm -f "$out"' EXIT
status=0
timeout 300 qemu-system-arm -M xilinx-zynq-a9 -m 256M -nographic \
  -serial null -serial mon:stdio \
  -semihosting-config enable=on,target=native \
  -icount shift=0 \
  -kernel "$elf" </dev/null 2>&1 | tr -d '\r' >"$out" || status=${PIPESTATUS[0]}
cat "$out"
fail() {
  echo "run.sh: $*" >&2
  exit 1
}
((status == 0)) || fail "qemu-system-arm exited $status (124: timeout)"
grep -q '^satchain-a9: PASS$' "$out" || fail "no 'satchain-a9: PASS' line"
if grep -q 'FAILED' "$out"; then fail "a check failed"; fi
grep -Eq '^measure: calibration: .* = (9\.99[0-9]|10\.00[0-9]) instructions/tick$' "$out" ||
  fail "timer calibration is not 10 instructions/tick: was -icount shift=0 in effect?"
echo "run.sh: satchain-a9 passed on qemu-system-arm -M xilinx-zynq-a9 -icount shift=0"
