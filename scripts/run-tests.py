#!/usr/bin/env python3
"""Runs the test binaries a `cargo test --no-run --message-format=json` build made, two at a time.

    cargo test --workspace --release --no-run --message-format=json > target/ci-logs/tests.json
    python3 scripts/run-tests.py target/ci-logs/tests.json

`cargo test` runs its test binaries one after the other. On CI's two cores most binaries keep
one core busy (a single long simulation), so the x86 test run took 15.5 min of the fresh-clone
CI run of f20e4f9 while the other core was shared by the ARM lane and the synthesis. This runs
the same binaries, with the environment `cargo test` gives them (working directory = the
package's directory, CARGO_MANIFEST_DIR, CARGO_PKG_NAME, CARGO), SATCHAIN_TEST_JOBS at a time
(default 2), longest first (the durations of the last run, target/ci-logs/test-times.json, else
the order of SLOW_FIRST below). Doc tests are not among the binaries: run them with
`cargo test --doc`. Each binary's output is printed whole when it ends, headed by its name,
verdict and time; the last lines list the failed binaries. Exit status 1 when any failed or
could not start.
"""

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

# Binaries that took longest in a local run of the suite on 2 cores (2026-12-07, SATCHAIN_PROPTEST_CASES
# 64, the top and hash_cluster models at -O2; seconds of wall time then), used when no timing
# file from an earlier run exists.
SLOW_FIRST = [
    "vring_path",  # 106
    "vcore_cluster",  # 71
    "backends_agree_rejected",  # 62
    "sha_block413567",  # 54
    "fault_top",  # 38
    "ring_top_bip340",  # 38
    "satchain_hdl (lib)",  # 26
    "bench_hw_report",  # 25
    "vivado_ports",  # 22
    "vcore_verify_core",  # 21
    "vcore_verify_core_toy",  # 21
    "sha_dma",  # 20
]


def binaries(path):
    """(name, package, manifest dir, executable) of every test executable in the JSON."""
    out = []
    seen = set()
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line.startswith("{"):
                continue
            m = json.loads(line)
            if m.get("reason") != "compiler-artifact" or not m.get("executable"):
                continue
            if not m.get("profile", {}).get("test"):
                continue
            exe = m["executable"]
            if exe in seen:
                continue
            seen.add(exe)
            # package_id: "path+file:///…/crypto-core#0.1.0" or "…#name@0.1.0"
            pkg_id = m["package_id"]
            frag = pkg_id.rsplit("#", 1)[-1]
            pkg = frag.split("@")[0] if "@" in frag else pkg_id.rsplit("#", 1)[0].rstrip("/").rsplit("/", 1)[-1]
            tgt = m["target"]
            name = tgt["name"] if "lib" not in tgt["kind"] else pkg.replace("-", "_") + " (lib)"
            out.append((name, pkg, os.path.dirname(m["manifest_path"]), exe))
    return out


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    bins = binaries(sys.argv[1])
    if not bins:
        print(f"run-tests: no test executables in {sys.argv[1]}", file=sys.stderr)
        return 1
    times_p = os.path.join("target", "ci-logs", "test-times.json")
    try:
        with open(times_p, encoding="utf-8") as f:
            last = json.load(f)
    except (OSError, ValueError):
        last = {}

    def key(b):
        return f"{b[1]}: {b[0]}"

    def rank(b):
        if key(b) in last:
            return (0, -last[key(b)])
        if b[0] in SLOW_FIRST:
            return (1, SLOW_FIRST.index(b[0]))
        return (2, 0)

    bins.sort(key=rank)
    jobs = int(os.environ.get("SATCHAIN_TEST_JOBS", "2") or "2")
    cargo = os.environ.get("CARGO") or shutil.which("cargo") or "cargo"
    lock = threading.Lock()
    failed = []
    times = {}

    def run(b):
        name, pkg, mdir, exe = b
        env = dict(os.environ, CARGO_MANIFEST_DIR=mdir, CARGO_PKG_NAME=pkg, CARGO=cargo)
        t0 = time.monotonic()
        try:
            p = subprocess.run([exe], cwd=mdir, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, check=False)
            rc, text = p.returncode, p.stdout.decode("utf-8", "replace")
        except OSError as e:
            rc, text = -1, f"cannot start {exe}: {e}\n"
        dt = time.monotonic() - t0
        with lock:
            times[key(b)] = round(dt, 1)
            verdict = "ok" if rc == 0 else f"FAILED (exit {rc})"
            print(f"==== {pkg}: {name} [{exe}] {verdict} in {dt:.1f} s", flush=True)
            sys.stdout.write(text)
            sys.stdout.flush()
            if rc != 0:
                failed.append(key(b))

    t0 = time.monotonic()
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        list(pool.map(run, bins))
    try:
        os.makedirs(os.path.dirname(times_p), exist_ok=True)
        with open(times_p, "w", encoding="utf-8") as f:
            json.dump(times, f, indent=1, sort_keys=True)
    except OSError:
        pass
    total = time.monotonic() - t0
    print(f"run-tests: {len(bins) - len(failed)} of {len(bins)} test binaries passed "
          f"in {total:.0f} s ({jobs} at a time)")
    if failed:
        print("run-tests: FAILED: " + "; ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
