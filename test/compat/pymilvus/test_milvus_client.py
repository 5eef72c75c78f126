"""pymilvus's MilvusClient style against Quiver: quick create, insert, upsert, search, query, get,
delete, describe/list/has/drop, dynamic fields, templates, and Milvus's error codes."""
import pytest
from pymilvus import DataType, MilvusClient, MilvusException


def test_quick_setup_crud(client: MilvusClient, name):
    client.create_collection(name, dimension=4)
    assert client.has_collection(name)
    assert not client.has_collection(name + "_missing")
    assert name in client.list_collections()
    desc = client.describe_collection(name)
    assert [f["name"] for f in desc["fields"]] == ["id", "vector"]
    assert desc["enable_dynamic_field"] is True

    rows = [{"id": i, "vector": [float(i), 1.0, 0.0, 0.0], "color": f"c{i}"} for i in range(10)]
    res = client.insert(name, rows)
    assert res["insert_count"] == 10
    res = client.upsert(name, [{"id": 3, "vector": [3.0, 1.0, 0.0, 0.0], "color": "red"}])
    assert res["upsert_count"] == 1

    hits = client.search(name, [[3.0, 1.0, 0.0, 0.0]], limit=2, output_fields=["color"], search_params={"metric_type": "COSINE"})
    assert hits[0][0]["id"] == 3
    assert hits[0][0]["entity"]["color"] == "red"
    assert len(hits[0]) == 2

    got = client.get(name, ids=[3])
    assert got[0]["color"] == "red"
    assert got[0]["vector"] == pytest.approx([3.0, 1.0, 0.0, 0.0])

    rows = client.query(name, filter="color in {colors}", filter_params={"colors": ["c1", "c2"]}, output_fields=["color"])
    assert sorted(r["color"] for r in rows) == ["c1", "c2"]
    assert client.query(name, filter="", output_fields=["count(*)"])[0]["count(*)"] == 10

    res = client.delete(name, filter="id < 2")
    assert res["delete_count"] == 2
    res = client.delete(name, ids=[9])
    assert client.query(name, filter="", output_fields=["count(*)"])[0]["count(*)"] == 7

    assert client.get_collection_stats(name)["row_count"] == 7
    client.drop_collection(name)
    assert not client.has_collection(name)


def test_schema_with_every_scalar_kind(client: MilvusClient, name):
    schema = client.create_schema(auto_id=False, enable_dynamic_field=False)
    schema.add_field("pk", DataType.VARCHAR, is_primary=True, max_length=16)
    schema.add_field("v", DataType.FLOAT_VECTOR, dim=2)
    schema.add_field("n", DataType.INT32, nullable=True)
    schema.add_field("score", DataType.DOUBLE, default_value=0.5)
    schema.add_field("meta", DataType.JSON)
    schema.add_field("tags", DataType.ARRAY, element_type=DataType.VARCHAR, max_capacity=3, max_length=8)
    index_params = client.prepare_index_params()
    index_params.add_index("v", index_type="FLAT", metric_type="L2")
    client.create_collection(name, schema=schema, index_params=index_params)
    client.insert(name, [
        {"pk": "a", "v": [0.0, 1.0], "n": 1, "score": 2.5, "meta": {"k": [1, 2]}, "tags": ["x"]},
        {"pk": "b", "v": [1.0, 0.0], "n": None, "meta": None if False else {"k": []}, "tags": []},
    ])
    rows = {r["pk"]: r for r in client.query(name, filter='pk in ["a", "b"]', output_fields=["*"])}
    assert rows["a"]["n"] == 1 and rows["a"]["score"] == 2.5 and rows["a"]["meta"] == {"k": [1, 2]} and rows["a"]["tags"] == ["x"]
    assert rows["b"]["n"] is None and rows["b"]["score"] == 0.5
    hits = client.search(name, [[1.0, 0.0]], limit=1, anns_field="v")
    assert hits[0][0]["pk"] == "b"
    assert hits[0][0]["distance"] == pytest.approx(0.0)


def test_errors_carry_milvus_codes(client: MilvusClient, name):
    with pytest.raises(MilvusException) as missing:
        client.query(name + "_missing", filter="id > 0")
    assert missing.value.code == 100
    client.create_collection(name, dimension=4)
    with pytest.raises(MilvusException) as dim:
        client.insert(name, [{"id": 1, "vector": [1.0, 2.0]}])
    assert dim.value.code == 1100
    with pytest.raises(MilvusException) as expr:
        client.query(name, filter="id >>> 1")
    assert expr.value.code == 1100
    assert client.query(name, filter="", output_fields=["count(*)"])[0]["count(*)"] == 0
