"""Int8Vector and nullable vector fields through pymilvus 2.6: int8 rows as numpy int8 arrays in,
the same integers out, HNSW search equal to a brute-force reference, other index types refused;
nullable vectors with None in and out, never search hits. Skipped on pymilvus without INT8_VECTOR."""
import numpy as np
import pytest
from pymilvus import DataType, MilvusException

pytestmark = pytest.mark.skipif(not hasattr(DataType, "INT8_VECTOR"), reason="pymilvus without INT8_VECTOR")


def as_ints(v):
    """A vector as pymilvus returns it (numpy array, list, or bytes in a list) → list of ints."""
    if isinstance(v, list) and len(v) == 1 and isinstance(v[0], (bytes, bytearray)):
        v = v[0]
    if isinstance(v, (bytes, bytearray)):
        return np.frombuffer(v, dtype=np.int8).tolist()
    return [int(x) for x in v]


def nearest(rows, q, k):
    d = sorted(((int(((np.asarray(v, dtype=np.int64) - q) ** 2).sum()), i) for i, v in rows.items() if v is not None))
    return [i for _, i in d[:k]]


def test_int8_vector_round_trip_and_search(client, name):
    rng = np.random.default_rng(8)
    schema = client.create_schema(auto_id=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("v", DataType.INT8_VECTOR, dim=8)
    client.create_collection(name, schema=schema)
    rows = {i: rng.integers(-128, 128, size=8, dtype=np.int8) for i in range(100)}
    client.insert(name, [{"id": i, "v": v} for i, v in rows.items()])
    with pytest.raises(MilvusException) as e:
        client.create_index(name, _index(client, "IVF_FLAT"))
    assert e.value.code == 1100
    assert "data type Int8Vector can't build with this index IVF_FLAT" in e.value.message
    client.create_index(name, _index(client, "HNSW"))
    client.flush(name)
    client.load_collection(name)
    got = client.query(name, filter="id in [0, 7]", output_fields=["v"])
    assert sorted((r["id"], as_ints(r["v"])) for r in got) == [(0, rows[0].tolist()), (7, rows[7].tolist())]
    q = rng.integers(-128, 128, size=8, dtype=np.int8)
    hits = client.search(name, data=[q], limit=5, search_params={"params": {"ef": 200}}, output_fields=["v"])
    assert [h["id"] for h in hits[0]] == nearest(rows, q.astype(np.int64), 5)


def _index(client, index_type):
    params = client.prepare_index_params()
    params.add_index(field_name="v", index_type=index_type, metric_type="L2", params={"M": 16, "efConstruction": 200, "nlist": 4})
    return params


def test_nullable_vectors(client, name):
    schema = client.create_schema(auto_id=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("v", DataType.FLOAT_VECTOR, dim=2, nullable=True)
    client.create_collection(name, schema=schema)
    rows = {1: [1.0, 2.0], 2: None, 3: [3.0, 4.0], 4: None}
    client.insert(name, [{"id": i, "v": v} for i, v in rows.items()])
    got = sorted(client.query(name, filter="id > 0", output_fields=["v"]), key=lambda r: r["id"])
    assert [(r["id"], None if r["v"] is None else [float(x) for x in r["v"]]) for r in got] == list(rows.items())
    hits = client.search(name, data=[[1.0, 2.0]], limit=10, output_fields=["v"], search_params={"metric_type": "L2"})
    assert [h["id"] for h in hits[0]] == [1, 3]
    assert client.query(name, filter="", output_fields=["count(*)"])[0]["count(*)"] == 4
