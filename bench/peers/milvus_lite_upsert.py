"""Upsert benchmark driver for Milvus Lite (PyPI `milvus-lite` through `pymilvus.MilvusClient('<dir>.db')`).

Generates the benchmark data exactly as bench/upsert.ts does (mulberry32 by index, see
bench/README.md "Data"), upserts it in batches, flushes, verifies, reopens, and prints one JSON
line on stdout. Progress goes to stderr. Run by bench/upsert.ts; by hand:
  bench/peers/.venv/bin/python bench/peers/milvus_lite_upsert.py --dir /tmp/m.db --rows 20000
"""

import argparse
import json
import logging
import os
import sys
import time

import numpy as np

DIM = 128
TITLE_LENGTH_MAX = 64
OVERWRITE_N_OFFSET = 1_000_000_000_000
COLLECTION = "bench"
GOLDEN = np.uint32(0x6D2B79F5)


def mulberry32_range(seed: int, start: int, count: int) -> np.ndarray:
    """Outputs start..start+count-1 (0-based) of src/vector/seeded-random.ts's seededRandom(seed), as float64."""
    with np.errstate(over="ignore"):
        index = np.arange(start + 1, start + count + 1, dtype=np.uint64)
        s = ((np.uint64(seed & 0xFFFFFFFF) + index * np.uint64(0x6D2B79F5)) & np.uint64(0xFFFFFFFF)).astype(np.uint32)
        t = (s ^ (s >> np.uint32(15))) * (s | np.uint32(1))
        t = t ^ (t + (t ^ (t >> np.uint32(7))) * (t | np.uint32(61)))
        t = t ^ (t >> np.uint32(14))
    return t.astype(np.float64) / 4294967296.0


def vectors(seed: int, first_row: int, row_count: int) -> np.ndarray:
    """Rows first_row.. of the vector stream for `seed`: floats random()*2-1 rounded to float32."""
    raw = mulberry32_range(seed, first_row * DIM, row_count * DIM)
    return (raw * 2.0 - 1.0).astype(np.float32).reshape(row_count, DIM)


def overwrite_keys(rows: int, overwrite_count: int, first: int, count: int) -> np.ndarray:
    """Keys of overwrite rows first..first+count-1: floor(j * rows / overwrite_count)."""
    j = np.arange(first, first + count, dtype=np.int64)
    return (j * rows) // overwrite_count


def make_rows(keys: np.ndarray, vecs: np.ndarray, version: int) -> list:
    """pymilvus row dicts (its input format); built outside the timed region."""
    offset = OVERWRITE_N_OFFSET if version == 1 else 0
    return [
        {"id": int(k), "n": int(k) + offset, "title": f"row {int(k)} v{version}", "vec": vecs[i]}
        for i, k in enumerate(keys)
    ]


def fingerprint(vecs: np.ndarray) -> int:
    """Sum of the float32 bit patterns mod 2**32 (order-independent, exact)."""
    return int(vecs.view(np.uint32).sum(dtype=np.uint64) & np.uint64(0xFFFFFFFF))


def create_collection(client, pymilvus) -> None:
    schema = pymilvus.MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
    schema.add_field("id", pymilvus.DataType.INT64, is_primary=True)
    schema.add_field("n", pymilvus.DataType.INT64)
    schema.add_field("title", pymilvus.DataType.VARCHAR, max_length=TITLE_LENGTH_MAX)
    schema.add_field("vec", pymilvus.DataType.FLOAT_VECTOR, dim=DIM)
    client.create_collection(COLLECTION, schema=schema)


def run_phase(client, batches) -> float:
    """Upserts each prepared batch; returns the summed milliseconds of the upsert calls only."""
    total_ms = 0.0
    for rows in batches():
        t0 = time.perf_counter()
        result = client.upsert(COLLECTION, rows)
        total_ms += (time.perf_counter() - t0) * 1000
        count = result["upsert_count"] if isinstance(result, dict) else len(rows)
        if count != len(rows):
            raise RuntimeError(f"upsert_count {count} != {len(rows)}")
    return total_ms


def count_rows(client) -> int:
    res = client.query(COLLECTION, filter="", output_fields=["count(*)"])
    return int(res[0]["count(*)"])


def verify(client, rows: int, overwrite_count: int) -> None:
    got = count_rows(client)
    if got != rows:
        raise RuntimeError(f"count(*) {got} != {rows}")
    probe = [0, overwrite_count // 2, overwrite_count - 1] if overwrite_count > 0 else []
    keys = [int(k) for k in overwrite_keys(rows, overwrite_count, 0, overwrite_count)[probe]] if probe else []
    untouched = [k + 1 for k in keys if k + 1 < rows and (k + 1) not in keys]
    for row in client.get(COLLECTION, ids=keys + untouched, output_fields=["n", "title"]):
        k = int(row["id"])
        want_version = 1 if k in keys else 0
        want_n = k + (OVERWRITE_N_OFFSET if want_version == 1 else 0)
        if int(row["n"]) != want_n or row["title"] != f"row {k} v{want_version}":
            raise RuntimeError(f"key {k}: got n={row['n']} title={row['title']!r}, want n={want_n}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True, help="path ending in .db (Milvus Lite data directory)")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument("--overwrite", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--wal-sync", choices=["close", "batch"], default="close",
                        help="Milvus Lite WAL sync_mode: close (its default) or batch (fsync every write)")
    args = parser.parse_args()
    logging.disable(logging.WARNING)

    import milvus_lite
    import pymilvus
    from milvus_lite.server_manager import server_manager_instance
    from milvus_lite.storage.wal import WAL

    if args.wal_sync != "close":
        # The engine constructs WAL(...) without sync_mode; change the default it gets.
        WAL.__init__.__defaults__ = (args.wal_sync,)

    rows, batch, seed = args.rows, args.batch, args.seed
    overwrite_count = round(rows * args.overwrite)
    fp = [0]

    def load_batches():
        for start in range(0, rows, batch):
            count = min(batch, rows - start)
            vecs = vectors(seed, start, count)
            fp[0] = (fp[0] + fingerprint(vecs)) & 0xFFFFFFFF
            yield make_rows(np.arange(start, start + count, dtype=np.int64), vecs, 0)
            print(f"milvus-lite load {start + count}/{rows}", file=sys.stderr, flush=True)

    def overwrite_batches():
        for start in range(0, overwrite_count, batch):
            count = min(batch, overwrite_count - start)
            vecs = vectors(seed + 1, start, count)
            fp[0] = (fp[0] + fingerprint(vecs)) & 0xFFFFFFFF
            yield make_rows(overwrite_keys(rows, overwrite_count, start, count), vecs, 1)

    client = pymilvus.MilvusClient(args.dir)
    create_collection(client, pymilvus)
    load_ms = run_phase(client, load_batches)
    overwrite_ms = run_phase(client, overwrite_batches)
    t0 = time.perf_counter()
    client.flush(COLLECTION)
    flush_ms = (time.perf_counter() - t0) * 1000
    verify(client, rows, overwrite_count)
    client.close()
    server_manager_instance.release_server(args.dir)

    t0 = time.perf_counter()
    client = pymilvus.MilvusClient(args.dir)
    reopen_ms = (time.perf_counter() - t0) * 1000
    reopened_count = count_rows(client)
    first_count_ms = (time.perf_counter() - t0) * 1000
    if reopened_count != rows:
        raise RuntimeError(f"after reopen count(*) {reopened_count} != {rows}")
    client.close()
    server_manager_instance.release_server(args.dir)

    print(json.dumps({
        "system": "Milvus Lite",
        "version": f"milvus-lite {milvus_lite.__version__}, pymilvus {pymilvus.__version__}",
        "rows": rows,
        "overwriteRows": overwrite_count,
        "batch": batch,
        "loadMs": load_ms,
        "overwriteMs": overwrite_ms,
        "flushMs": flush_ms,
        "reopenMs": reopen_ms,
        "firstCountMs": first_count_ms,
        "fingerprint": fp[0],
        "verified": True,
        "notes": [] if args.wal_sync == "close" else [f"WAL sync_mode={args.wal_sync} (patched default)"],
    }))


if __name__ == "__main__":
    main()
