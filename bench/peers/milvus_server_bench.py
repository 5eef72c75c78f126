"""One pymilvus 2.3.7 client against a Milvus-protocol server: real Milvus 2.3.5 (PyPI `milvus`, started
here) or a running `quiver serve`. The same steps and data for both; prints one JSON line. Run by
bench/milvus-server.ts; by hand:
  bench/peers/.venv-milvus/bin/python bench/peers/milvus_server_bench.py --target milvus --work /tmp/mv
  bench/peers/.venv-milvus/bin/python bench/peers/milvus_server_bench.py --target quiver --uri 127.0.0.1:19530

Steps (timed one by one): create the collection (`id` int64 primary key, `vec` float vector dim D; no
index yet), upsert the rows in batches (rows/s over the summed upsert calls; each batch is built as
numpy before the clock starts), flush, create the HNSW index and wait until every row is indexed
(`utility.wait_for_index_building_complete`: the build time), load (`Collection.load`, waits), then
search the queries one at a time from this one client (ef as given, k 10): QPS, p50/p99 latency and
recall@10 against a numpy brute force.

Milvus 2.3.5 is started with every port set explicitly (from --port-base) and its embedded etcd moved
off 2379/2380 through an etcd config file named by `etcd.config.path`, added to a copy of the package's
config.yaml.template. It listens on all interfaces, so it runs only for the length of this script and
is stopped by its pid (SIGTERM, then SIGKILL after 20 s) whatever happens.
"""

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import time

import numpy as np

COLLECTION = "bench_hnsw"


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def make_data(rows: int, dim: int, queries: int, seed: int):
    """Gaussian clusters (100 centres uniform in [-1, 1), sigma 0.3): rows and queries, float32."""
    rng = np.random.default_rng(seed)
    centres = rng.uniform(-1, 1, size=(100, dim)).astype(np.float32)
    row_centre = rng.integers(0, 100, size=rows)
    vectors = (centres[row_centre] + rng.normal(0, 0.3, size=(rows, dim))).astype(np.float32)
    q_centre = rng.integers(0, 100, size=queries)
    qs = (centres[q_centre] + rng.normal(0, 0.3, size=(queries, dim))).astype(np.float32)
    return vectors, qs


def exact_top10(vectors: np.ndarray, queries: np.ndarray) -> np.ndarray:
    norms = (vectors * vectors).sum(axis=1)
    out = np.empty((len(queries), 10), dtype=np.int64)
    for start in range(0, len(queries), 100):
        q = queries[start:start + 100]
        d = norms[None, :] - 2 * q @ vectors.T
        part = np.argpartition(d, 10, axis=1)[:, :10]
        order = np.take_along_axis(d, part, axis=1).argsort(axis=1)
        out[start:start + 100] = np.take_along_axis(part, order, axis=1)
    return out


def milvus_config(work: str, port_base: int):
    """A MilvusServerConfig on explicit ports, its etcd on port_base+10 / +11 through etcd.config.path."""
    import milvus

    package_dir = os.path.dirname(milvus.__file__)
    etcd_client, etcd_peer = port_base + 10, port_base + 11
    etcd_yaml = os.path.join(work, "etcd.yaml")
    with open(etcd_yaml, "w") as f:
        f.write(
            "name: quiver-bench\n"
            f"listen-client-urls: http://127.0.0.1:{etcd_client}\n"
            f"advertise-client-urls: http://127.0.0.1:{etcd_client}\n"
            f"listen-peer-urls: http://127.0.0.1:{etcd_peer}\n"
            f"initial-advertise-peer-urls: http://127.0.0.1:{etcd_peer}\n"
            f"initial-cluster: quiver-bench=http://127.0.0.1:{etcd_peer}\n"
        )
    with open(os.path.join(package_dir, "data", "config.yaml.template")) as f:
        template = f.read()
    marker = "etcd:\n"
    assert template.count(marker) >= 1, "config.yaml.template has no etcd: section"
    template = template.replace(marker, f"{marker}  config:\n    path: {etcd_yaml}\n", 1)
    template_copy = os.path.join(work, "config.yaml.template")
    with open(template_copy, "w") as f:
        f.write(template)
    ports = {
        "proxy_port": port_base,
        "proxy_internal_port": port_base + 1,
        "root_coord_port": port_base + 2,
        "query_coord_port": port_base + 3,
        "query_node_port": port_base + 4,
        "index_coord_port": port_base + 5,
        "index_node_port": port_base + 6,
        "data_coord_port": port_base + 7,
        "data_node_port": port_base + 8,
        "etcd_port": etcd_client,
    }
    config = milvus.MilvusServerConfig(template=template_copy, data_dir=os.path.join(work, "milvus"), **ports)
    config.glog_conf_file = os.path.join(package_dir, "data", "glog.conf")  # set only for the default template
    config.resolve_storage()
    return config, ports


def start_milvus(work: str, port_base: int):
    import milvus

    config, ports = milvus_config(work, port_base)
    server = milvus.MilvusServer(config, wait_for_started=False)
    server.webservice_port = port_base + 9
    started = time.perf_counter()
    server.start()
    log(f"milvus pid {server.server_proc.pid}, proxy port {ports['proxy_port']}, etcd {ports['etcd_port']}")
    server.wait_started(timeout=240_000)
    log(f"milvus ready in {time.perf_counter() - started:.1f} s")
    return server, f"127.0.0.1:{ports['proxy_port']}"


def stop_by_pid(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.time() + 20
    while time.time() < deadline:
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            return
        if done == pid:
            return
        time.sleep(0.1)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)


def cpu_seconds(pid) -> float:
    """utime + stime of process `pid` (all its threads), from /proc; 0 when unknown."""
    if pid is None:
        return 0.0
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def client_encode_seconds(coll, vectors: np.ndarray, args) -> float:
    """What pymilvus itself spends on the same upsert batches before sending: the steps of
    Collection.upsert (check, prepare_upsert_data, the UpsertRequest protobuf) plus its serialisation."""
    from pymilvus.orm.prepare import Prepare
    from pymilvus.orm.schema import check_upsert_schema

    handler = coll._get_connection()
    total = 0.0
    for start in range(0, args.rows, args.batch):
        ids = np.arange(start, min(start + args.batch, args.rows), dtype=np.int64)
        batch = [ids.tolist(), vectors[start:start + len(ids)]]
        t = time.perf_counter()
        check_upsert_schema(coll.schema, batch)
        entities = Prepare.prepare_upsert_data(batch, coll.schema)
        request = handler._prepare_batch_upsert_request(COLLECTION, entities, None, None, False, schema=coll._schema_dict)
        request.SerializeToString()
        total += time.perf_counter() - t
    return total


def run_steps(uri: str, args, vectors: np.ndarray, queries: np.ndarray, truth: np.ndarray, pid) -> dict:
    from pymilvus import Collection, CollectionSchema, DataType, FieldSchema, connections, utility

    host, port = uri.rsplit(":", 1)
    connections.connect("default", host=host, port=port, timeout=60)
    if utility.has_collection(COLLECTION):
        utility.drop_collection(COLLECTION)
    schema = CollectionSchema([
        FieldSchema("id", DataType.INT64, is_primary=True),
        FieldSchema("vec", DataType.FLOAT_VECTOR, dim=args.dim),
    ])
    coll = Collection(COLLECTION, schema)
    out = {"rows": args.rows, "dim": args.dim}

    upsert_s = 0.0
    cpu = cpu_seconds(pid)
    for start in range(0, args.rows, args.batch):
        ids = np.arange(start, min(start + args.batch, args.rows), dtype=np.int64)
        batch = [ids.tolist(), vectors[start:start + len(ids)]]
        t = time.perf_counter()
        coll.upsert(batch)
        upsert_s += time.perf_counter() - t
    out["upsert_rows_per_s"] = args.rows / upsert_s
    out["upsert_cpu_s"] = cpu_seconds(pid) - cpu
    out["upsert_s"] = upsert_s
    out["upsert_client_s"] = client_encode_seconds(coll, vectors, args)
    log(f"upsert {out['upsert_rows_per_s']:.0f} rows/s; pymilvus encoding alone {out['upsert_client_s']:.2f} of {upsert_s:.2f} s")

    t = time.perf_counter()
    coll.flush()
    out["flush_s"] = time.perf_counter() - t
    log(f"flush {out['flush_s']:.2f} s")

    t = time.perf_counter()
    cpu = cpu_seconds(pid)
    coll.create_index("vec", {"index_type": "HNSW", "metric_type": "L2", "params": {"M": args.m, "efConstruction": args.ef_construction}})
    utility.wait_for_index_building_complete(COLLECTION, timeout=3600)
    out["build_s"] = time.perf_counter() - t
    out["build_cpu_s"] = cpu_seconds(pid) - cpu
    progress = utility.index_building_progress(COLLECTION)
    out["indexed_rows"] = progress.get("indexed_rows")
    log(f"index built in {out['build_s']:.1f} s, server CPU {out['build_cpu_s']:.1f} s ({progress})")

    t = time.perf_counter()
    coll.load()
    out["load_s"] = time.perf_counter() - t
    log(f"load {out['load_s']:.2f} s")

    params = {"metric_type": "L2", "params": {"ef": args.ef}}
    for q in queries[:args.warmup]:
        coll.search([q.tolist()], "vec", params, limit=10)
    latencies, hits = [], 0
    cpu = cpu_seconds(pid)
    started = time.perf_counter()
    for i, q in enumerate(queries):
        t = time.perf_counter()
        res = coll.search([q.tolist()], "vec", params, limit=10)
        latencies.append(time.perf_counter() - t)
        hits += len(set(res[0].ids) & set(truth[i].tolist()))
    total = time.perf_counter() - started
    out["search_cpu_s"] = cpu_seconds(pid) - cpu
    lat = np.array(latencies) * 1000
    out.update({"qps": len(queries) / total, "p50_ms": float(np.percentile(lat, 50)), "p99_ms": float(np.percentile(lat, 99)),
                "recall": hits / (len(queries) * 10), "ef": args.ef})
    log(f"search {out['qps']:.0f} QPS, p50 {out['p50_ms']:.2f} ms, recall {out['recall']:.3f}")
    utility.drop_collection(COLLECTION)
    connections.disconnect("default")
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--target", choices=["milvus", "quiver"], required=True)
    ap.add_argument("--uri", help="host:port of a running quiver serve (target quiver)")
    ap.add_argument("--server-pid", type=int, help="its pid, for its CPU seconds per step (target quiver)")
    ap.add_argument("--work", default="/tmp/quiver-bench-milvus", help="Milvus's data and config directory (removed at the end)")
    ap.add_argument("--port-base", type=int, default=29600, help="Milvus's ports: proxy = base, then base+1..+11")
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--dim", type=int, default=128)
    ap.add_argument("--batch", type=int, default=5_000)
    ap.add_argument("--queries", type=int, default=1_000)
    ap.add_argument("--warmup", type=int, default=100)
    ap.add_argument("--ef", type=int, default=64)
    ap.add_argument("--m", type=int, default=16)
    ap.add_argument("--ef-construction", type=int, default=200)
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args()

    vectors, queries = make_data(args.rows, args.dim, args.queries, args.seed)
    truth = exact_top10(vectors, queries)
    server = None
    try:
        if args.target == "milvus":
            shutil.rmtree(args.work, ignore_errors=True)
            os.makedirs(args.work)
            server, uri = start_milvus(args.work, args.port_base)
            pid = server.server_proc.pid
        else:
            uri, pid = args.uri, args.server_pid
        result = run_steps(uri, args, vectors, queries, truth, pid)
        result["target"] = args.target
        print(json.dumps(result), flush=True)
    finally:
        if server is not None and server.server_proc is not None:
            pid = server.server_proc.pid
            stop_by_pid(pid)
            server.server_proc = None
            for fd in server.proc_fds.values():
                fd.close()
            server.proc_fds.clear()
            log(f"milvus pid {pid} stopped")
        if args.target == "milvus":
            shutil.rmtree(args.work, ignore_errors=True)


if __name__ == "__main__":
    main()
