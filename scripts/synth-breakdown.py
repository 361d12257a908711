#!/usr/bin/env python3
"""Where a design's LUTs go: yosys `synth_xilinx -flatten` with `keep_hierarchy` on the named
blocks, then `stat` rolled up per kept block.

    python3 scripts/synth-breakdown.py DESIGN.v OUTDIR BLOCK [BLOCK ...] [--depth N]

DESIGN.v is rust-hdl Verilog (one module per instance, named by its path: `top$cc$0$cl`).
Each BLOCK (a module name) stays a boundary; everything else is flattened into its nearest
kept parent, so the figures are those of a flattened synthesis cut at those boundaries (a few
per cent above the fully flattened total: nothing is optimized across a kept boundary).
OUTDIR gets the yosys script, log and `stat.txt`; the table goes to stdout. Example (the
VerifyCore breakdown of hdl/src/vcore/README.md; the Verilog is what
`cluster_synth --verify-core` writes to target/synth/cluster-rtl/):

    python3 scripts/synth-breakdown.py target/synth/cluster-rtl/vcore_verify_core.v \\
        target/synth/breakdown 'top$cc$0$cl' 'top$cc$0$cl$seq' 'top$cc$0$cl$alu' \\
        'top$cc$0$cl$rf' 'top$cc$0$fm' 'top$cc$0$rc' 'top$sunit' 'top$rq' 'top$js$0' \\
        'top$cc$0$cl$seq$threads$*' 'top$cc$0$cl$seq$arb_*'

A BLOCK ending in `*` names every module that matches it up to the next `$` (one level).
"""
import fnmatch
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

LUT_SITES = {"LUT1": 1, "LUT2": 1, "LUT3": 1, "LUT4": 1, "LUT5": 1, "LUT6": 1, "LUT6_2": 1,
             "INV": 1, "SRL16E": 1, "SRLC16E": 1, "SRLC32E": 1, "RAM32X1S": 1, "RAM64X1S": 1,
             "RAM32X1D": 2, "RAM64X1D": 2, "RAM128X1S": 2, "RAM128X1D": 4, "RAM256X1S": 4,
             "RAM32M": 4, "RAM64M": 4}  # as bitstreams/src/resources.rs counts them
MEMORY = {k for k in LUT_SITES if not k.startswith(("LUT", "INV"))}
FFS = {"FDRE", "FDSE", "FDCE", "FDPE"}


def fail(msg):
    print(f"synth-breakdown: {msg}", file=sys.stderr)
    sys.exit(2)


def main():
    args = sys.argv[1:]
    depth = 9
    if "--depth" in args:
        i = args.index("--depth")
        depth = int(args[i + 1])
        del args[i:i + 2]
    if len(args) < 3:
        fail(__doc__.strip().splitlines()[2].strip())
    design, out, patterns = Path(args[0]), Path(args[1]), args[2:]
    if not design.is_file():
        fail(f"{design}: no such file")
    modules = [m.group(1) for m in re.finditer(r"^module\s+([^\s(]+)", design.read_text(), re.M)]
    keep = []
    for p in patterns:
        hits = [m for m in modules if fnmatch.fnmatchcase(m, p) and m.count("$") == p.count("$")]
        if not hits:
            fail(f"no module matches `{p}`")
        keep += hits
    out.mkdir(parents=True, exist_ok=True)
    top = min(modules, key=lambda m: m.count("$"))
    lines = [f"read_verilog -sv {design.resolve()}", f"hierarchy -top {top}"]
    lines += [f"setattr -mod -set keep_hierarchy 1 {m}" for m in keep]
    lines += [f"synth_xilinx -family xc7 -top {top} -flatten -noiopad",
              f"tee -q -o {(out / 'stat.txt').resolve()} stat"]
    (out / "script.ys").write_text("\n".join(lines) + "\n")
    r = subprocess.run(["yosys", "-q", "-l", str(out / "yosys.log"), "-s", str(out / "script.ys")],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        fail(f"yosys failed (exit {r.returncode}); see {out / 'yosys.log'}\n{r.stderr[-2000:]}")
    report(out / "stat.txt", top, depth)


def report(stat, top, depth):
    cells, cur = {}, None
    for line in stat.read_text().splitlines():
        m = re.match(r"^=== (.*) ===$", line.strip())
        if m:
            cur = m.group(1)
            cells[cur] = defaultdict(int)
        elif line.strip().startswith("design hierarchy"):
            cur = None
        elif cur is not None:
            t = line.split()
            if len(t) == 2 and t[1].isdigit():
                cells[cur][t[0]] += int(t[1])

    def own(m):
        r = defaultdict(float)
        for k, n in cells[m].items():
            if k in LUT_SITES:
                r["lut"] += LUT_SITES[k] * n
                r["mem"] += LUT_SITES[k] * n if k in MEMORY else 0
            elif k in FFS:
                r["ff"] += n
            elif k in ("CARRY4", "DSP48E1"):
                r[k] += n
            elif k == "RAMB36E1":
                r["bram"] += n
            elif k == "RAMB18E1":
                r["bram"] += n / 2
        return r

    memo = {}

    def total(m):
        if m not in memo:
            r = own(m)
            for k, n in cells[m].items():
                if k in cells:
                    for f, v in total(k).items():
                        r[f] += v * n
            memo[m] = r
        return memo[m]

    print(f"{'block':<40} {'LUT':>7} {'(mem)':>6} {'FF':>7} {'CARRY4':>6} {'DSP':>4} {'BRAM36':>6}")

    def row(name, t, d):
        print(f"{'  ' * d + name:<40} {t['lut']:>7.0f} {t['mem']:>6.0f} {t['ff']:>7.0f} "
              f"{t['CARRY4']:>6.0f} {t['DSP48E1']:>4.0f} {t['bram']:>6.1f}")

    def walk(m, d, name):
        row(name, total(m), d)
        kids = sorted((k for k in cells[m] if k in cells), key=lambda k: -total(k)["lut"])
        if d >= depth or not kids:
            return
        row("(own logic)", own(m), d + 1)
        for k in kids:
            walk(k, d + 1, k[len(m) + 1:] if k.startswith(m + "$") else k)

    walk(top, 0, top)


if __name__ == "__main__":
    main()
