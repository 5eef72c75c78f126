"""Full-text benchmark driver for Milvus Lite (run by bench/fts.ts): a VARCHAR `text` field with
enable_analyzer (its standard analyzer), a BM25 function text -> sparse, SPARSE_INVERTED_INDEX with
metric BM25 (k1/b as given), the same 32-dim dense vectors as the other systems; search with the query
text, one at a time. Build = insert of every batch + flush + create_index + load (rows/s over that).
Prints one JSON line on stdout, progress on stderr.
By hand: bench/peers/.venv/bin/python bench/peers/milvus_lite_fts.py --data bench/data/fts/en --dir /tmp/mlfts
"""

import argparse
import json
import os
import shutil
import sys
import time

import numpy as np
from pymilvus import DataType, Function, FunctionType, MilvusClient


def floats(seed, start, count):
    """Outputs [start, start + count) of mulberry32(seed) mapped to [-1, 1) (as src/vector/seeded-random.ts)."""
    i = np.arange(count, dtype=np.uint64)
    s = ((np.uint64(seed) + np.uint64(start % 2**32) * np.uint64(0x6D2B79F5) + (i + np.uint64(1)) * np.uint64(0x6D2B79F5)) % np.uint64(2**32)).astype(np.uint32)
    t = s
    t = (t ^ (t >> np.uint32(15))) * (t | np.uint32(1))
    t = t ^ (t + (t ^ (t >> np.uint32(7))) * (t | np.uint32(61)))
    return (((t ^ (t >> np.uint32(14))).astype(np.float64) / 4294967296.0) * 2 - 1).astype(np.float32)


def read_jsonl(path, limit=0):
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                out.append(json.loads(line))
                if limit and len(out) >= limit:
                    break
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--rows", type=int, default=0)
    ap.add_argument("--batch", type=int, default=5000)
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--k1", type=float, default=1.2)
    ap.add_argument("--b", type=float, default=0.75)
    ap.add_argument("--dim", type=int, default=32)
    ap.add_argument("--min-seconds", type=float, default=5)
    ap.add_argument("--queries", type=int, default=0, help="only the first N queries (0: all)")
    a = ap.parse_args()

    passages = read_jsonl(os.path.join(a.data, "passages.jsonl"), a.rows)
    queries = read_jsonl(os.path.join(a.data, "queries.jsonl"), a.queries)
    shutil.rmtree(a.dir, ignore_errors=True)
    os.makedirs(a.dir)
    client = MilvusClient(os.path.join(a.dir, "fts.db"))
    schema = client.create_schema(auto_id=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("text", DataType.VARCHAR, max_length=65535, enable_analyzer=True)
    schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
    schema.add_field("dense", DataType.FLOAT_VECTOR, dim=a.dim)
    schema.add_function(Function(name="text_bm25", function_type=FunctionType.BM25, input_field_names=["text"], output_field_names=["sparse"]))
    client.create_collection("fts", schema=schema)

    batches = []
    for i in range(0, len(passages), a.batch):
        part = passages[i : i + a.batch]
        vecs = floats(7, part[0]["id"] * a.dim, len(part) * a.dim).reshape(len(part), a.dim)
        batches.append([{"id": p["id"], "text": p["text"], "dense": vecs[j]} for j, p in enumerate(part)])

    t0 = time.perf_counter()
    for b in batches:
        client.insert("fts", b)
    insert_s = time.perf_counter() - t0
    client.flush("fts")
    index = client.prepare_index_params()
    index.add_index(field_name="sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25", params={"inverted_index_algo": "DAAT_MAXSCORE", "bm25_k1": a.k1, "bm25_b": a.b})
    index.add_index(field_name="dense", index_type="FLAT", metric_type="IP")
    client.create_index("fts", index)
    client.load_collection("fts")
    build_s = time.perf_counter() - t0
    print(f"milvus-lite: {len(passages)} rows inserted in {insert_s:.1f} s, indexed and loaded at {build_s:.1f} s", file=sys.stderr)

    def search(q):
        res = client.search("fts", data=[q["text"]], anns_field="sparse", limit=a.k, output_fields=[], search_params={"metric_type": "BM25"})
        return [[int(h["id"]), float(h["distance"])] for h in res[0]]

    results = [search(q) for q in queries]
    lat = []
    s0 = time.perf_counter()
    while time.perf_counter() - s0 < a.min_seconds or len(lat) < min(len(queries), 200):
        q = queries[len(lat) % len(queries)]
        x = time.perf_counter()
        search(q)
        lat.append(time.perf_counter() - x)
    search_s = time.perf_counter() - s0
    lat.sort()
    import milvus_lite

    print(json.dumps({
        "system": "Milvus Lite",
        "version": f"milvus-lite {milvus_lite.__version__}",
        "rows": len(passages),
        "addMs": insert_s * 1000,
        "buildMs": build_s * 1000,
        "queries": len(lat),
        "qps": len(lat) / search_s,
        "p50Ms": lat[len(lat) // 2] * 1000,
        "errors": 0,
        "results": [[h[0] for h in r] for r in results],
        "scores": [[h[1] for h in r] for r in results],
    }))
    client.close()


if __name__ == "__main__":
    main()
