"""Differential check: the same pymilvus MilvusClient request sequence against Milvus Lite and Quiver.

Usage: python differential.py --quiver http://127.0.0.1:PORT --lite-db /tmp/x/m.db
Prints one JSON object on the last stdout line:
  {"steps": N, "differences": [{"step", "lite", "quiver"}], "lite_version", "pymilvus_version"}
Each step's outcome is normalised (rows sorted by primary key, floats rounded, errors reduced to their
code) so the two systems are compared on meaning, not on representation. Exit code 0 when the run
completed, whatever the differences; 2 when a system could not be reached at all.
"""

import argparse
import json
import random
import sys

from pymilvus import DataType, MilvusClient, MilvusException

DIM = 8
SEED = 7
DISTANCE_TOLERANCE = 1e-4
ROW_COUNT = 30
TIMEOUT_S = 30


def vec(i, salt=0):
    rnd = random.Random(SEED * 1_000_003 + i * 7919 + salt)
    return [round(rnd.uniform(-1, 1), 6) for _ in range(DIM)]


def row(i, salt=0):
    return {
        "id": i,
        "vec": vec(i, salt),
        "title": f"row {i} v{salt}",
        "n": i * 2 + salt,
        "meta": {"tag": "even" if i % 2 == 0 else "odd", "score": (i % 10) / 10, "nested": {"k": i % 3}},
        "color": ["red", "green", "blue"][i % 3],
    }


def create_schema(client):
    schema = client.create_schema(auto_id=False, enable_dynamic_field=True)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("vec", DataType.FLOAT_VECTOR, dim=DIM)
    schema.add_field("title", DataType.VARCHAR, max_length=64)
    schema.add_field("n", DataType.INT64)
    schema.add_field("meta", DataType.JSON)
    return schema


def create(client, name, metric):
    index = client.prepare_index_params()
    index.add_index(field_name="vec", index_type="FLAT", metric_type=metric)
    client.create_collection(name, schema=create_schema(client), index_params=index, timeout=TIMEOUT_S)
    return "ok"


# ---- normalisation -------------------------------------------------------------------------------

def norm(value):
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, dict):
        return {str(k): norm(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, (list, tuple)):
        return [norm(v) for v in value]
    if hasattr(value, "tolist"):
        return norm(value.tolist())
    if hasattr(value, "item"):
        return norm(value.item())
    return value


def rows_of(result):
    rows = [norm(dict(r)) for r in result]
    return sorted(rows, key=lambda r: json.dumps(r.get("id", r), sort_keys=True))


def hits_of(result):
    out = []
    for hits in result:
        out.append([{"id": h["id"], "distance": float(h["distance"]), "entity": norm(dict(h.get("entity", {})))} for h in hits])
    return out


def counts_of(result, keys):
    return {k: norm(result.get(k)) for k in keys if k in result}


# ---- the request sequence ------------------------------------------------------------------------

def steps():
    """(name, function of client) in order; every function returns a JSON-able value or raises."""
    q = lambda f, **kw: lambda c: rows_of(c.query("diff", filter=f, output_fields=kw.get("out", ["id", "n", "title", "meta", "color"]), timeout=TIMEOUT_S, **{k: v for k, v in kw.items() if k != "out"}))
    count = lambda f="", **kw: lambda c: rows_of(c.query("diff", filter=f, output_fields=["count(*)"], timeout=TIMEOUT_S, **kw))
    search = lambda coll, ids, **kw: lambda c: hits_of(c.search(coll, data=[vec(i, 99) for i in ids], anns_field="vec", limit=kw.pop("limit", 5), timeout=TIMEOUT_S, **kw))
    return [
        ("create_collection", lambda c: create(c, "diff", "L2")),
        ("has_collection", lambda c: c.has_collection("diff")),
        ("describe_fields", lambda c: sorted((f["name"], int(f["type"])) for f in c.describe_collection("diff")["fields"])),
        ("duplicate_create_same_schema", lambda c: create(c, "diff", "L2")),
        ("duplicate_create_other_schema", lambda c: c.create_collection("diff", dimension=DIM + 1, timeout=TIMEOUT_S) or "ok"),
        ("insert", lambda c: counts_of(c.insert("diff", [row(i) for i in range(ROW_COUNT)], timeout=TIMEOUT_S), ["insert_count"])),
        ("upsert", lambda c: counts_of(c.upsert("diff", [row(i, 1) for i in range(25, 35)], timeout=TIMEOUT_S), ["upsert_count"])),
        ("count_all", count()),
        ("query_compare", q("n > 10 and n <= 20")),
        ("query_in", q("id in [1, 2, 3, 99]")),
        ("query_not_in", count("id not in [1, 2, 3]")),
        ("query_like_prefix", q('title like "row 1%"')),
        ("query_like_infix", count('title like "%v1%"')),
        ("query_json_path", q('meta["tag"] == "even" and id < 10')),
        ("query_json_number", count('meta["score"] > 0.45')),
        ("query_json_nested", count('meta["nested"]["k"] == 2')),
        ("query_arith_mod", q("n % 3 == 0 and id < 12")),
        ("query_arith_add", count("n + 5 > 40")),
        ("query_arith_mul", count("n * 2 < 30")),
        ("query_dynamic_field", count('color == "red"')),
        ("query_or_not", count("not (id < 5 or id > 30)")),
        ("query_limit_offset", lambda c: [r["id"] for r in c.query("diff", filter="id >= 0", output_fields=["id"], limit=5, offset=3, timeout=TIMEOUT_S)]),
        ("count_filtered", count("n >= 40")),
        ("get", lambda c: rows_of(c.get("diff", ids=[0, 5, 33, 999], output_fields=["id", "vec", "title", "meta", "color"], timeout=TIMEOUT_S))),
        ("search_l2", search("diff", [3, 17], output_fields=["title"])),
        ("search_l2_filter", search("diff", [3], filter="n > 20", output_fields=["n"])),
        ("delete_ids", lambda c: counts_of(c.delete("diff", ids=[0, 1, 2, 999], timeout=TIMEOUT_S), ["delete_count"])),
        ("delete_filter", lambda c: counts_of(c.delete("diff", filter="n < 10", timeout=TIMEOUT_S), ["delete_count"])),
        ("count_after_delete", count()),
        ("query_after_delete", lambda c: sorted(r["id"] for r in c.query("diff", filter="id < 8", output_fields=["id"], timeout=TIMEOUT_S))),
        ("create_partition", lambda c: c.create_partition("diff", "p1", timeout=TIMEOUT_S) or "ok"),
        ("has_partition", lambda c: c.has_partition("diff", "p1")),
        ("list_partitions", lambda c: sorted(c.list_partitions("diff"))),
        ("insert_partition", lambda c: counts_of(c.insert("diff", [row(i) for i in range(100, 105)], partition_name="p1", timeout=TIMEOUT_S), ["insert_count"])),
        ("count_partition", count(partition_names=["p1"])),
        ("query_partition", lambda c: sorted(r["id"] for r in c.query("diff", filter="id > 0", output_fields=["id"], partition_names=["p1"], timeout=TIMEOUT_S))),
        ("search_partition", search("diff", [101], partition_names=["p1"], limit=3, output_fields=["id"])),
        ("search_default_output", lambda c: sorted(c.search("diff", data=[vec(1, 99)], anns_field="vec", limit=1, timeout=TIMEOUT_S)[0][0].get("entity", {}).keys())),
        ("create_ip", lambda c: create(c, "diff_ip", "IP")),
        ("insert_ip", lambda c: counts_of(c.insert("diff_ip", [row(i) for i in range(ROW_COUNT)], timeout=TIMEOUT_S), ["insert_count"])),
        ("search_ip", search("diff_ip", [4, 9], output_fields=["id"])),
        ("create_cosine", lambda c: create(c, "diff_cos", "COSINE")),
        ("insert_cosine", lambda c: counts_of(c.insert("diff_cos", [row(i) for i in range(ROW_COUNT)], timeout=TIMEOUT_S), ["insert_count"])),
        ("search_cosine", search("diff_cos", [4, 9], output_fields=["id"])),
        ("error_query_missing_collection", lambda c: c.query("nope", filter="id > 0", timeout=TIMEOUT_S)),
        ("error_search_missing_collection", lambda c: c.search("nope", data=[vec(1)], limit=1, timeout=TIMEOUT_S)),
        ("error_insert_wrong_dim", lambda c: c.insert("diff", [{**row(200), "vec": [0.0] * (DIM + 1)}], timeout=TIMEOUT_S)),
        ("error_search_wrong_dim", lambda c: c.search("diff", data=[[0.0] * (DIM - 1)], anns_field="vec", limit=1, timeout=TIMEOUT_S)),
        ("error_bad_filter_syntax", lambda c: c.query("diff", filter="id >>> 3", timeout=TIMEOUT_S)),
        ("error_filter_unknown_field", lambda c: c.query("diff", filter="nosuch + 1 > 3", timeout=TIMEOUT_S)),
        ("error_missing_partition", lambda c: c.query("diff", filter="id > 0", partition_names=["nope"], timeout=TIMEOUT_S)),
        ("error_insert_missing_field", lambda c: c.insert("diff", [{"id": 300, "vec": vec(300), "meta": {}}], timeout=TIMEOUT_S)),
        ("count_after_errors", count()),
        ("drop_collection", lambda c: [c.drop_collection(n, timeout=TIMEOUT_S) for n in ("diff", "diff_ip", "diff_cos")] and "ok"),
        ("list_collections", lambda c: sorted(c.list_collections())),
    ]


def run(client, name_filter=None):
    out = {}
    for name, fn in steps():
        if name_filter is not None and name not in name_filter:
            continue
        try:
            out[name] = {"ok": norm(fn(client))}
        except MilvusException as e:
            out[name] = {"error": e.code, "message": e.message}
        except Exception as e:  # a client-side rejection (pymilvus checks some inputs itself)
            out[name] = {"error": "client", "message": f"{type(e).__name__}: {e}"}
    return out


# ---- comparison ----------------------------------------------------------------------------------

def same(a, b):
    if isinstance(a, float) or isinstance(b, float):
        return isinstance(a, (int, float)) and isinstance(b, (int, float)) and abs(a - b) <= DISTANCE_TOLERANCE
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b


def outcome(result):
    """What is compared: the value, or the error code alone (messages are reported, not compared)."""
    return {"error": result["error"]} if "error" in result else result


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quiver", required=True)
    ap.add_argument("--lite-db", required=True)
    args = ap.parse_args()
    import milvus_lite
    import pymilvus

    lite = run(MilvusClient(args.lite_db))
    quiver = run(MilvusClient(args.quiver, timeout=TIMEOUT_S))
    diffs = [
        {"step": name, "lite": lite[name], "quiver": quiver[name]}
        for name in lite
        if not same(outcome(lite[name]), outcome(quiver[name]))
    ]
    for d in diffs:
        print(f"DIFF {d['step']}: lite={json.dumps(d['lite'])[:400]} quiver={json.dumps(d['quiver'])[:400]}", file=sys.stderr)
    print(json.dumps({
        "steps": len(lite),
        "differences": diffs,
        "lite_version": milvus_lite.__version__,
        "pymilvus_version": pymilvus.__version__,
    }))


if __name__ == "__main__":
    main()
