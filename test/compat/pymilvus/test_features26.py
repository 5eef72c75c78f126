"""Milvus 2.6 features through pymilvus 2.6 / 3.0 (MilvusClient): rerank functions (decay on search and
hybrid search, rrf and weighted Functions equal to RRFRanker / WeightedRanker), upsert partial update,
count(*) with filters and partitions, RBAC with authorization off, the consistency level described,
DISKANN and SCANN refused by name, SPARSE_INVERTED_INDEX and SPARSE_WAND equal to a brute-force
reference. Skipped on pymilvus before 2.6."""
import math

import pytest
import pymilvus
from pymilvus import AnnSearchRequest, DataType, Function, FunctionType, MilvusException, RRFRanker, WeightedRanker

pytestmark = pytest.mark.skipif(tuple(int(x) for x in pymilvus.__version__.split(".")[:2]) < (2, 6), reason="pymilvus before 2.6")

N = 60


def price(i):
    return i * 7 % 50


def make(client, name, **kw):
    schema = client.create_schema(auto_id=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("v", DataType.FLOAT_VECTOR, dim=2)
    schema.add_field("price", DataType.INT64)
    schema.add_field("color", DataType.VARCHAR, max_length=16)
    index = client.prepare_index_params()
    index.add_index("v", index_type="FLAT", metric_type="L2")
    client.create_collection(name, schema=schema, index_params=index, **kw)
    client.insert(name, [{"id": i, "v": [float(i), 1.0], "price": price(i), "color": "red"} for i in range(N)])


def decay_fn(function, **params):
    return Function(name="price_decay", input_field_names=["price"], function_type=FunctionType.RERANK,
                    params={"reranker": "decay", "function": function, **params})


def test_rerank_functions(client, name):
    make(client, name)
    q = [30.0, 1.0]
    plain = client.search(name, [q], limit=12, anns_field="v", output_fields=["price"])[0]
    curves = {
        "gauss": lambda d: math.exp(d * d * math.log(0.4) / 100),
        "exp": lambda d: math.exp(math.log(0.4) / 10 * d),
        "linear": lambda d: max(0.4, 1 - 0.6 / 10 * d),
    }
    for function, curve in curves.items():
        want = sorted(((1 - 2 * math.atan(h["distance"]) / math.pi) * curve(max(0.0, abs(h["entity"]["price"] - 20) - 1)), -rank, h["id"])
                      for rank, h in enumerate(plain))
        want = [(s, i) for s, _, i in reversed(want)]
        got = client.search(name, [q], limit=8, offset=4, anns_field="v",
                            ranker=decay_fn(function, origin=20, scale=10, offset=1, decay=0.4))[0]
        assert [h["id"] for h in got] == [i for _, i in want[4:12]], function
        for h, (s, _) in zip(got, want[4:12]):
            assert abs(h["distance"] - s) < 1e-5, function
    with pytest.raises(MilvusException) as e:
        client.search(name, [q], limit=5, anns_field="v", ranker=decay_fn("gauss", origin=0, scale=-1))
    assert e.value.code == 1100 and "scale must be > 0" in e.value.message

    # A hybrid search: decay over each row's best similarity; two copies of a request answer as one search.
    single = client.search(name, [q], limit=6, anns_field="v", ranker=decay_fn("gauss", origin=20, scale=10))[0]
    req = AnnSearchRequest([q], "v", {"metric_type": "L2"}, limit=6)
    twice = client.hybrid_search(name, [req, req], ranker=decay_fn("gauss", origin=20, scale=10), limit=6)[0]
    assert [h["id"] for h in twice] == [h["id"] for h in single]
    reqs = [AnnSearchRequest([q], "v", {"metric_type": "L2"}, limit=6, expr="price < 25"),
            AnnSearchRequest([[10.0, 1.0]], "v", {"metric_type": "L2"}, limit=6)]
    for fn, old in [({"reranker": "rrf", "k": 20}, RRFRanker(20)), ({"reranker": "weighted", "weights": [0.3, 0.7]}, WeightedRanker(0.3, 0.7))]:
        by_fn = client.hybrid_search(name, reqs, ranker=Function(name="f", input_field_names=[], function_type=FunctionType.RERANK, params=fn), limit=6)[0]
        by_ranker = client.hybrid_search(name, reqs, ranker=old, limit=6)[0]
        assert [(h["id"], round(h["distance"], 6)) for h in by_fn] == [(h["id"], round(h["distance"], 6)) for h in by_ranker], fn


def test_partial_update_and_count(client, name):
    make(client, name)
    client.create_partition(name, "p1")
    client.insert(name, [{"id": 100 + i, "v": [0.0, 1.0], "price": 1, "color": "blue"} for i in range(5)], partition_name="p1")
    client.upsert(name, [{"id": i, "color": "pink"} for i in range(3)], partial_update=True)
    rows = {r["id"]: r for r in client.query(name, filter="id in [0, 2, 3]", output_fields=["color", "price", "v"])}
    assert [rows[i]["color"] for i in (0, 2, 3)] == ["pink", "pink", "red"]
    assert rows[2]["price"] == price(2) and list(rows[2]["v"]) == [2.0, 1.0]
    count = lambda **kw: client.query(name, output_fields=["count(*)"], **kw)[0]["count(*)"]  # noqa: E731
    assert count(filter="") == N + 5
    assert count(filter='color == "pink"') == 3
    assert count(filter="", partition_names=["p1"]) == 5
    assert count(filter="price < 10", partition_names=["_default", "p1"]) == sum(1 for i in range(N) if price(i) < 10) + 5


def test_rbac_with_authorization_off(client, name):
    user, role = "u_" + name, "r_" + name
    client.create_user(user, "py-password-1")
    client.create_role(role)
    try:
        client.grant_role(user, role)
        client.grant_privilege_v2(role, "Search", "books", db_name="default")
        assert user in client.list_users() and "root" in client.list_users()
        assert client.describe_user(user)["roles"] == (role,) or list(client.describe_user(user)["roles"]) == [role]
        privileges = client.describe_role(role)["privileges"]
        assert [(p["privilege"], p["object_name"]) for p in privileges] == [("Search", "books")]
        with pytest.raises(MilvusException) as e:
            client.drop_role(role)
        assert e.value.code == 1100
        client.revoke_privilege_v2(role, "Search", "books", db_name="default")
        client.revoke_role(user, role)
        client.drop_role(role)
        assert role not in client.list_roles()
    finally:
        client.drop_user(user)


def test_consistency_refusals_and_sparse(client, name):
    make(client, name, consistency_level="Strong")
    assert client.describe_collection(name)["consistency_level"] in (0, "Strong")
    make(client, name + "_b")
    assert client.describe_collection(name + "_b")["consistency_level"] in (2, "Bounded")
    client.drop_collection(name + "_b")
    client.release_collection(name)
    client.drop_index(name, "v")
    for kind in ("DISKANN", "SCANN"):
        index = client.prepare_index_params()
        index.add_index("v", index_type=kind, metric_type="L2", params={"nlist": 16} if kind == "SCANN" else {})
        with pytest.raises(MilvusException) as e:
            client.create_index(name, index)
        assert e.value.code == 1100 and kind in e.value.message

    sparse = name + "_sp"
    schema = client.create_schema(auto_id=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("sp", DataType.SPARSE_FLOAT_VECTOR)
    client.create_collection(sparse, schema=schema)
    client.insert(sparse, [{"id": i, "sp": {i % 17: float(i % 7 + 1), 17 + i % 5: 0.5, 100 + i: i / 100}} for i in range(200)])
    ref = sorted(((float(i % 7 + 1) if i % 17 == 3 else 0.0) + (1.0 if 17 + i % 5 == 18 else 0.0) for i in range(200)), reverse=True)
    for kind in ("SPARSE_INVERTED_INDEX", "SPARSE_WAND"):
        client.release_collection(sparse)
        for old in client.list_indexes(sparse):
            client.drop_index(sparse, old)
        index = client.prepare_index_params()
        index.add_index("sp", index_type=kind, metric_type="IP")
        client.create_index(sparse, index)
        assert client.describe_index(sparse, client.list_indexes(sparse)[0])["index_type"] == kind
        client.load_collection(sparse)
        hits = client.search(sparse, [{3: 1.0, 18: 2.0}], limit=5, anns_field="sp")[0]
        assert [round(h["distance"], 4) for h in hits] == [round(s, 4) for s in ref[:5]], kind
    client.drop_collection(sparse)


def test_query_iterator_past_16384_rows(client, name):
    schema = client.create_schema(auto_id=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("v", DataType.FLOAT_VECTOR, dim=2)
    index = client.prepare_index_params()
    index.add_index("v", index_type="FLAT", metric_type="L2")
    client.create_collection(name, schema=schema, index_params=index)
    rows = 20_000
    for start in range(0, rows, 5000):
        client.insert(name, [{"id": i, "v": [float(i % 100), 1.0]} for i in range(start, start + 5000)])

    def drain(**kw):
        it = client.query_iterator(name, output_fields=["id"], **kw)
        ids = []
        while True:
            page = it.next()
            if not page:
                it.close()
                return ids
            ids.extend(r["id"] for r in page)

    assert drain(batch_size=4000, filter="id >= 0") == list(range(rows))
    assert len(drain(batch_size=3000, filter="id % 3 == 0")) == 6667
    assert drain(batch_size=5000, filter="id >= 0", limit=17_000) == list(range(17_000))
    assert client.query(name, filter="id >= 2000", output_fields=["count(*)"])[0]["count(*)"] == rows - 2000
