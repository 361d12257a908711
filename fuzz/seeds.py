#!/usr/bin/env python3
"""Seed inputs for the fuzz targets, written from the real data in ../shared/data (not kept in
the repository: the data has its own provenance there). Usage: seeds.py DATA_DIR OUT_DIR.
OUT_DIR/<target>/ gets one file per seed; existing files are replaced."""
import hashlib
import json
import os
import sys

data, out = sys.argv[1], sys.argv[2]
MAGIC = {"bitcoin": bytes.fromhex("f9beb4d9"), "qtum": bytes.fromhex("f1cfa6d3")}


def put(target, blob):
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(blob).hexdigest()), "wb") as f:
        f.write(blob)


def read(*p):
    with open(os.path.join(data, *p), "rb") as f:
        return f.read()


blocks = {
    "bitcoin": read("bitcoin-core", "block413567.raw"),
    "qtum": read("qtum", "blockbench.raw"),
}
for chain, b in blocks.items():
    put("block", b)
    rec = MAGIC[chain] + len(b).to_bytes(4, "little") + b
    # blk: 3 control bytes (read pattern, block limit) then the file.
    put("blk", b"\x05\x00\x00" + rec)
    put("blk", b"\x00\x00\x00" + rec + b"\x00" * 64 + rec)
    put("blk", b"\x01\x10\x00" + rec)  # a 64 KiB limit: the Bitcoin block is oversize

# Transactions and DER signatures from Bitcoin Core's vectors.
txs = []
for name in ("tx_valid.json", "tx_invalid.json"):
    for row in json.loads(read("bitcoin-core", name)):
        if isinstance(row, list) and len(row) >= 2 and isinstance(row[1], str):
            txs.append(bytes.fromhex(row[1]))
for row in json.loads(read("bitcoin-core", "sighash.json")):
    if isinstance(row, list) and len(row) == 5 and isinstance(row[0], str):
        txs.append(bytes.fromhex(row[0]))
for t in txs[:400]:
    put("tx", t)


def ders(blob):
    """DER-shaped signatures (with a hashtype byte) inside a byte string."""
    for i in range(len(blob) - 8):
        if blob[i] != 0x30:
            continue
        n = blob[i + 1]
        if n < 6 or n > 70 or i + 3 + n > len(blob):
            continue
        if blob[i + 2] != 0x02:
            continue
        rl = blob[i + 3]
        j = i + 4 + rl
        if j + 1 >= i + 2 + n or blob[j] != 0x02 or j + 2 + blob[j + 1] != i + 2 + n:
            continue
        yield blob[i : i + 3 + n]


seen = set()
for t in txs + [blocks["qtum"]]:
    for d in ders(t):
        if d not in seen and len(seen) < 300:
            seen.add(d)
            put("der", d)
print(f"seeds: {len(blocks)} blocks, {min(len(txs), 400)} txs, {len(seen)} DER signatures")

# JSON Lines (fuzz/jsonl): the CLI fixtures of scripts/arm, whole and line by line. Byte 0
# selects the command: 1 hash-batch; 0, 2, 4, 6 verify-batch without/with strict DER/low S.
fixtures = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts", "arm")
nj = 0
for name, sels in (("verify.jsonl", (0, 2, 4, 6)), ("hash.jsonl", (1,))):
    with open(os.path.join(fixtures, name), "rb") as f:
        whole = f.read()
    for sel in sels:
        put("jsonl", bytes([sel]) + whole)
        nj += 1
    for line in whole.splitlines():
        put("jsonl", bytes([sels[0]]) + line + b"\n")
        nj += 1
print(f"seeds: {nj} JSON Lines inputs")
