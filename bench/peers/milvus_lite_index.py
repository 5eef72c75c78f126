"""Vector index benchmark driver for Milvus Lite (PyPI `milvus-lite` through `pymilvus.MilvusClient('<dir>/m.db')`).

Reads the data set files of bench/index-data.ts (raw little-endian arrays + meta.json), builds an HNSW
index (FAISS underneath), sweeps ef unfiltered / filtered (`tag == 3`) / after a 10 % upsert / after
reopen, and prints one JSON line (the EngineResult of bench/index-engine.ts). Progress goes to stderr.
Run by bench/index-peers.ts; by hand:
  bench/peers/.venv/bin/python bench/peers/milvus_lite_index.py --data bench/data/index/clustered-100000-q1000 --work /tmp/m
"""

import argparse
import json
import logging
import os
import re
import shutil
import sys
import time

import numpy as np

BATCH_ROWS = 10_000
WARMUP_QUERIES = 100
COLLECTION = "bench"
FILTER_TAG = 3


def load_data(data_dir: str) -> dict:
    with open(os.path.join(data_dir, "meta.json")) as f:
        meta = json.load(f)
    files = meta["files"]
    dim, k = meta["dim"], meta["k"]

    def arr(name, dtype, shape=None):
        a = np.fromfile(os.path.join(data_dir, files[name]), dtype=dtype)
        return a.reshape(shape) if shape else a

    return {
        "dir": data_dir,
        "meta": meta,
        "queries": arr("queries", "<f4", (meta["queries"], dim)),
        "upsert_keys": arr("upsertKeys", "<i8"),
        "truth": arr("truth", "<i4", (meta["queries"], k)),
        "truth_filtered": arr("truthFiltered", "<i4", (meta["queries"], k)),
        "truth_upserted": arr("truthUpserted", "<i4", (meta["queries"], k)),
    }


def batches(data: dict, which: str):
    """(ids, vectors) batches of the base rows or of the upsert, read from disk one at a time (memmap)."""
    meta = data["meta"]
    dim = meta["dim"]
    total = meta["rows"] if which == "base" else meta["upsertRows"]
    name = meta["files"]["vectors" if which == "base" else "upsertVectors"]
    vectors = np.memmap(os.path.join(data["dir"], name), dtype="<f4", mode="r", shape=(total, dim))
    for start in range(0, total, BATCH_ROWS):
        count = min(BATCH_ROWS, total - start)
        ids = np.arange(start, start + count, dtype=np.int64) if which == "base" else data["upsert_keys"][start:start + count]
        yield ids, np.array(vectors[start:start + count])


def rows_of(ids: np.ndarray, vectors: np.ndarray) -> list:
    """pymilvus row dicts (its input format)."""
    return [{"id": int(i), "tag": int(i) % 10, "vec": vectors[j]} for j, i in enumerate(ids)]


def peak_rss_bytes() -> int:
    with open("/proc/self/status") as f:
        m = re.search(r"VmHWM:\s+(\d+) kB", f.read())
    return int(m.group(1)) * 1024 if m else 0


def recall_of(found: np.ndarray, truth: np.ndarray) -> float:
    hit = total = 0
    for q in range(truth.shape[0]):
        want = {int(t) for t in truth[q] if t >= 0}
        total += len(want)
        hit += sum(1 for r in found[q] if int(r) in want)
    return hit / total if total else 1.0


def sweep(client, phase: str, data: dict, truth: np.ndarray, efs: list, flt: str | None = None) -> list:
    meta = data["meta"]
    k, nq = meta["k"], meta["queries"]
    out = []

    def search(q: int, ef: int):
        kwargs = {"filter": flt} if flt else {}
        res = client.search(COLLECTION, data=[data["queries"][q]], limit=k, anns_field="vec",
                            search_params={"metric_type": "L2", "params": {"ef": ef}}, output_fields=[], **kwargs)
        return [int(h["id"]) for h in res[0]]

    for i, ef in enumerate(efs):
        if i == 0:
            for q in range(min(WARMUP_QUERIES, nq // 10)):
                search(q, ef)
        found = np.full((nq, k), -1, dtype=np.int64)
        c0 = time.process_time()
        t0 = time.perf_counter()
        for q in range(nq):
            ids = search(q, ef)[:k]
            found[q, :len(ids)] = ids
        qps = nq / (time.perf_counter() - t0)
        cpu_qps = nq / max(time.process_time() - c0, 1e-9)
        recall = recall_of(found, truth)
        print(f"  milvus-lite {phase} ef={ef}: {qps:.0f} QPS (CPU {cpu_qps:.0f}), recall {recall:.3f}", file=sys.stderr, flush=True)
        out.append({"phase": phase, "setting": f"ef={ef}", "qps": qps, "cpuQps": cpu_qps, "recall": recall})
    return out


def wait_background(path: str) -> None:
    """Waits for Milvus Lite's background compaction + index builds (no public call: its engine's
    `Collection._wait_for_bg`, reached through the in-process server manager)."""
    from milvus_lite.server_manager import server_manager_instance
    entry = server_manager_instance._servers.get(os.path.abspath(path))
    if entry is None:
        return
    entry[1].get_collection(COLLECTION)._wait_for_bg()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--ef-construction", type=int, default=200)
    parser.add_argument("--efs", default="16,32,64,128,256")
    parser.add_argument("--max-queries", type=int, default=0, help="time only the first N queries (0 = all)")
    args = parser.parse_args()
    logging.disable(logging.WARNING)

    import milvus_lite
    import pymilvus
    from milvus_lite.server_manager import server_manager_instance

    shutil.rmtree(args.work, ignore_errors=True)
    os.makedirs(args.work, exist_ok=True)
    path = os.path.join(args.work, "m.db")
    data = load_data(args.data)
    meta = data["meta"]
    if 0 < args.max_queries < meta["queries"]:
        meta["queries"] = args.max_queries
        for key in ("queries", "truth", "truth_filtered", "truth_upserted"):
            data[key] = data[key][:args.max_queries]
    efs = [int(x) for x in args.efs.split(",")]

    client = pymilvus.MilvusClient(path)
    schema = pymilvus.MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
    schema.add_field("id", pymilvus.DataType.INT64, is_primary=True)
    schema.add_field("tag", pymilvus.DataType.INT64)
    schema.add_field("vec", pymilvus.DataType.FLOAT_VECTOR, dim=meta["dim"])
    client.create_collection(COLLECTION, schema=schema)
    c0 = time.process_time()
    t0 = time.perf_counter()
    for ids, vecs in batches(data, "base"):
        client.insert(COLLECTION, rows_of(ids, vecs))
    client.flush(COLLECTION)
    insert_ms = (time.perf_counter() - t0) * 1000
    index_params = client.prepare_index_params()
    index_params.add_index(field_name="vec", index_type="HNSW", metric_type="L2",
                           params={"M": 16, "efConstruction": args.ef_construction})
    client.create_index(COLLECTION, index_params)
    client.load_collection(COLLECTION)
    wait_background(path)
    build_ms = (time.perf_counter() - t0) * 1000
    build_cpu_ms = (time.process_time() - c0) * 1000
    peak_rss_after_build = peak_rss_bytes()
    print(f"milvus-lite: built in {build_ms / 1000:.1f} s", file=sys.stderr, flush=True)

    sweeps = sweep(client, "unfiltered", data, data["truth"], efs)
    sweeps += sweep(client, "filtered", data, data["truth_filtered"], efs, f"tag == {FILTER_TAG}")
    t1 = time.perf_counter()
    for ids, vecs in batches(data, "upsert"):
        client.upsert(COLLECTION, rows_of(ids, vecs))
    upsert_ms = (time.perf_counter() - t1) * 1000
    sweeps += sweep(client, "upserted", data, data["truth_upserted"], efs)
    t1 = time.perf_counter()
    client.flush(COLLECTION)
    wait_background(path)
    reindex_ms = (time.perf_counter() - t1) * 1000
    sweeps += sweep(client, "upserted-indexed", data, data["truth_upserted"], efs)
    client.close()
    server_manager_instance.release_server(path)

    t1 = time.perf_counter()
    client = pymilvus.MilvusClient(path)
    client.load_collection(COLLECTION)
    reopen_ms = (time.perf_counter() - t1) * 1000
    client.search(COLLECTION, data=[data["queries"][0]], limit=meta["k"], anns_field="vec",
                  search_params={"metric_type": "L2", "params": {"ef": efs[0]}}, output_fields=[])
    first_query_ms = (time.perf_counter() - t1) * 1000
    sweeps += sweep(client, "reopened", data, data["truth_upserted"], efs)
    client.close()
    server_manager_instance.release_server(path)

    print(json.dumps({
        "engine": "Milvus Lite",
        "version": f"milvus-lite {milvus_lite.__version__}, pymilvus {pymilvus.__version__}",
        "index": f"HNSW M=16 efConstruction={args.ef_construction} (FAISS, one graph per segment of <= 100k rows)",
        "rows": meta["rows"],
        "dim": meta["dim"],
        "buildMs": build_ms,
        "buildCpuMs": build_cpu_ms,
        "insertMs": insert_ms,
        "sweeps": sweeps,
        "upsertMs": upsert_ms,
        "reindexMs": reindex_ms,
        "reopenMs": reopen_ms,
        "firstQueryMs": first_query_ms,
        "peakRssBytes": peak_rss_bytes(),
        "peakRssAfterBuildBytes": peak_rss_after_build,
        "notes": [
            f"pymilvus row dicts, insert of {BATCH_ROWS} rows, flush, create_index HNSW, load_collection, then its background compaction + index builds drained (internal _wait_for_bg); build = all of it",
            "every call goes through pymilvus' protobuf encoding and a loopback gRPC hop to the in-process server; FAISS may use several threads",
            f"QPS and recall over the first {meta['queries']} queries (--max-queries)" if args.max_queries else "all queries",
            "'upserted': right after the upserts (unflushed rows scanned exactly); 'upserted-indexed': after flush + background compaction/index builds; reopen = MilvusClient(path) + load_collection",
        ],
    }))


if __name__ == "__main__":
    main()
