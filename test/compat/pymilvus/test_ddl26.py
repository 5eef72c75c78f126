"""Milvus 2.6 DDL through pymilvus 2.6 (run by pymilvus.test.ts; skipped on 2.5): add_collection_field
with old rows reading the default or null (pymilvus sends integer defaults as long_data),
alter_collection_field, alter/drop index properties, truncate_collection, flush_all, and the
idempotent drops of Milvus 2.6. pymilvus 3.x sends AlterCollectionSchema for add_collection_field
(covered by server-ddl26.test.ts)."""
import pytest
from pymilvus import DataType, MilvusClient, MilvusException
from pymilvus import __version__ as pymilvus_version

IS_26 = tuple(int(p) for p in pymilvus_version.split(".")[:2]) >= (2, 6)
pytestmark = pytest.mark.skipif(not IS_26, reason="the 2.6 DDL calls are pymilvus 2.6+")


def make(client: MilvusClient, name):
    schema = client.create_schema(auto_id=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("vec", DataType.FLOAT_VECTOR, dim=4)
    schema.add_field("tag", DataType.VARCHAR, max_length=16)
    index = client.prepare_index_params()
    index.add_index("vec", index_type="HNSW", metric_type="L2", params={"M": 8, "efConstruction": 32}, index_name="vi")
    client.create_collection(name, schema=schema, index_params=index)
    client.insert(name, [{"id": i, "vec": [float(i), 1.0, 0.0, 0.0], "tag": f"t{i}"} for i in range(5)])


def test_add_collection_field_old_rows_read_default_or_null(client: MilvusClient, name):
    make(client, name)
    client.add_collection_field(name, field_name="score", data_type=DataType.INT32, nullable=True, default_value=7)
    client.add_collection_field(name, field_name="note", data_type=DataType.VARCHAR, max_length=8, nullable=True)
    assert [f["name"] for f in client.describe_collection(name)["fields"]] == ["id", "vec", "tag", "score", "note"]
    rows = client.query(name, filter="id >= 0", output_fields=["score", "note"])
    assert sorted((r["id"], r["score"], r["note"]) for r in rows) == [(i, 7, None) for i in range(5)]
    client.insert(name, [{"id": 9, "vec": [9.0, 1.0, 0.0, 0.0], "tag": "x", "score": 1, "note": "hi"}])
    assert client.query(name, filter="score == 7", output_fields=["count(*)"])[0]["count(*)"] == 5
    with pytest.raises(MilvusException) as e:
        client.add_collection_field(name, field_name="strict", data_type=DataType.INT64)
    assert e.value.code == 1100
    assert "added field must be nullable" in e.value.message


def test_alter_field_and_index_properties(client: MilvusClient, name):
    make(client, name)
    client.alter_collection_field(name, field_name="tag", field_params={"max_length": 64})
    tag = next(f for f in client.describe_collection(name)["fields"] if f["name"] == "tag")
    assert tag["params"]["max_length"] == 64
    client.alter_index_properties(name, index_name="vi", properties={"mmap.enabled": True})
    assert client.describe_index(name, index_name="vi")["mmap.enabled"] == "true"
    client.drop_index_properties(name, index_name="vi", property_keys=["mmap.enabled"])
    assert "mmap.enabled" not in client.describe_index(name, index_name="vi")


def test_truncate_flush_all_and_idempotent_drops(client: MilvusClient, name):
    make(client, name)
    client.flush_all()
    client.truncate_collection(name)
    assert client.query(name, filter="", output_fields=["count(*)"])[0]["count(*)"] == 0
    assert client.describe_collection(name)["collection_name"] == name
    client.drop_alias("never_made")
    client.drop_partition(name, "never_made")
    client.create_partition(name, "p")
    client.create_partition(name, "p")
    with pytest.raises(MilvusException) as e:
        client.describe_collection("12-s")
    assert e.value.code == 1100
