#!/usr/bin/env python3
"""Compares the satchain CLI's JSON from the ARM build with the x86 build's (scripts/test-arm.sh).

  same_json.py ARM.json X86.json
      one object each (validate-block --json): equal once every "timings_us" is removed, and
      the ARM verdict is VALID ("valid": true).
  same_json.py --lines ARM.jsonl X86.jsonl --expect EXPECT.jsonl
      one object per line (verify-batch, hash-batch): the same lines, and each line holds the
      fields of the matching EXPECT line with the same values (known answers).
Exits 1 with the first difference printed.
"""
import json
import sys


def drop_timings(value):
    if isinstance(value, dict):
        return {k: drop_timings(v) for k, v in value.items() if k != "timings_us"}
    if isinstance(value, list):
        return [drop_timings(v) for v in value]
    return value


def fail(msg):
    print(f"same_json: {msg}", file=sys.stderr)
    sys.exit(1)


def read_lines(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def main(argv):
    if argv and argv[0] == "--lines":
        if len(argv) != 5 or argv[3] != "--expect":
            fail("usage: same_json.py --lines ARM X86 --expect EXPECT")
        arm, x86, expect = read_lines(argv[1]), read_lines(argv[2]), read_lines(argv[4])
        if arm != x86:
            fail(f"{argv[1]} and {argv[2]} differ:\n{arm}\n{x86}")
        if len(arm) != len(expect):
            fail(f"{len(arm)} lines out, {len(expect)} expected")
        for i, (got, want) in enumerate(zip(arm, expect)):
            for key, value in want.items():
                if got.get(key) != value:
                    fail(f"line {i + 1}: {key} = {got.get(key)!r}, expected {value!r}")
        print(f"same_json: {len(arm)} lines identical on ARM and x86, known answers ok")
        return
    if len(argv) != 2:
        fail("usage: same_json.py ARM.json X86.json")
    with open(argv[0], encoding="utf-8") as f:
        arm = json.load(f)
    with open(argv[1], encoding="utf-8") as f:
        x86 = json.load(f)
    if arm.get("valid") is not True:
        fail(f"{argv[0]}: not VALID: {arm.get('error')}")
    a, b = drop_timings(arm), drop_timings(x86)
    if a != b:
        keys = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
        fail(f"{argv[0]} and {argv[1]} differ in {keys}")
    t_arm = arm.get("timings_us", {}).get("total")
    t_x86 = x86.get("timings_us", {}).get("total")
    print(f"same_json: {argv[0]}: VALID, identical to x86 but for timings_us "
          f"(total: qemu-arm {t_arm} us, x86 {t_x86} us; qemu-arm is emulation, not A9 time)")


if __name__ == "__main__":
    main(sys.argv[1:])
