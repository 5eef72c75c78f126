"""Read and write options of Milvus 2.6 through pymilvus 2.6: search_iterator (v2 pages with a token),
query_iterator over several segments (query answers in primary-key order), upsert field_ops
(ARRAY_APPEND / ARRAY_REMOVE), whole-array equality in filters, VarChar primary keys with autoID.
Skipped on pymilvus without field_ops (2.5)."""
import pytest
from pymilvus import DataType, MilvusException

try:
    from pymilvus.client.field_ops import FieldOp  # noqa: F401
    HAS_FIELD_OPS = True
except ImportError:
    HAS_FIELD_OPS = False

pytestmark = pytest.mark.skipif(not HAS_FIELD_OPS, reason="pymilvus without field_ops")

ROWS = 300


def make(client, name):
    schema = client.create_schema(auto_id=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("vec", DataType.FLOAT_VECTOR, dim=2)
    schema.add_field("tags", DataType.ARRAY, element_type=DataType.VARCHAR, max_capacity=6, max_length=16)
    index = client.prepare_index_params()
    index.add_index("vec", index_type="FLAT", metric_type="L2")
    client.create_collection(name, schema=schema, index_params=index)
    # Three flushed batches whose keys interleave; ten distinct distances from [0, 1] (ties at every page boundary).
    for b in range(3):
        keys = [k for k in range(ROWS) if k % 3 == b]
        client.insert(name, [{"id": k, "vec": [float(k % 10), 1.0], "tags": ["a"]} for k in reversed(keys)])
        client.flush(name)


def test_search_iterator_every_row_once_in_order(client, name):
    make(client, name)
    it = client.search_iterator(name, data=[[0.0, 1.0]], batch_size=7, limit=ROWS, search_params={"metric_type": "L2"})
    ids, scores = [], []
    while True:
        page = it.next()
        if page is None or len(page) == 0:  # None once the limit is reached (pymilvus)
            it.close()
            break
        ids += [h["id"] for h in page]
        scores += [h["distance"] for h in page]
        assert len(ids) <= ROWS
    assert sorted(ids) == list(range(ROWS))
    assert scores == sorted(scores)


def test_query_iterator_pages_in_key_order(client, name):
    make(client, name)
    it = client.query_iterator(name, batch_size=64, filter="id >= 0", output_fields=["id"])
    ids = []
    while True:
        page = it.next()
        if len(page) == 0:
            it.close()
            break
        ids += [r["id"] for r in page]
    assert ids == list(range(ROWS))


def test_field_ops_and_whole_array_filters(client, name):
    make(client, name)
    client.upsert(name, [{"id": 1, "tags": ["b", "c"]}], field_ops={"tags": FieldOp.array_append()})
    assert client.query(name, filter="id == 1", output_fields=["tags"])[0]["tags"] == ["a", "b", "c"]
    client.upsert(name, [{"id": 1, "tags": ["a"]}], field_ops={"tags": FieldOp.array_remove()})
    assert client.query(name, filter='tags == ["b", "c"]', output_fields=["id"]) == [{"id": 1}]
    with pytest.raises(MilvusException) as e:
        client.upsert(name, [{"id": 1, "tags": ["x"] * 5}], field_ops={"tags": FieldOp.array_append()})
    assert e.value.code == 1100 and "max_capacity 6" in e.value.message
    assert client.query(name, filter="id == 1", output_fields=["tags"])[0]["tags"] == ["b", "c"]


def test_varchar_primary_key_with_auto_id(client, name):
    schema = client.create_schema(auto_id=True)
    schema.add_field("pk", DataType.VARCHAR, is_primary=True, max_length=32)
    schema.add_field("vec", DataType.FLOAT_VECTOR, dim=2)
    client.create_collection(name, schema=schema)
    res = client.insert(name, [{"vec": [1.0, 0.0]}, {"vec": [0.0, 1.0]}])
    keys = list(res["ids"])
    assert len(keys) == 2 and all(isinstance(k, str) and k.isdigit() for k in keys)
    assert sorted(r["pk"] for r in client.query(name, filter='pk != ""', output_fields=["pk"])) == sorted(keys)
