"""Scalar and JSON path indexes through pymilvus's MilvusClient (the way Milvus 2.6's docs write them):
INVERTED / STL_SORT / BITMAP / Trie on scalar fields, JSON path indexes on a JSON field and on a
dynamic key, describe_index with typed params, filters answered through them, Milvus's errors."""
import pytest
from pymilvus import DataType, MilvusClient, MilvusException

ROWS = 300


def rows():
    out = []
    for i in range(ROWS):
        meta = {"other": 1} if i % 7 == 0 else {"brand": f"b{i % 5}", "price": (i % 40) / 2, "supplier": {"city": ["Oslo", "Lima", "Pune"][i % 3]}}
        out.append({"id": i, "vector": [i / ROWS, 1 - i / ROWS], "n": i % 50, "tag": f"t{i % 9}", "meta": meta, "color": "red" if i % 4 == 0 else "blue"})
    return out


def ids(client, name, flt):
    return sorted(r["id"] for r in client.query(name, filter=flt, output_fields=["id"], limit=16384))


def test_scalar_and_json_path_indexes(client: MilvusClient, name):
    schema = client.create_schema(auto_id=False, enable_dynamic_field=True)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=2)
    schema.add_field("n", DataType.INT64)
    schema.add_field("tag", DataType.VARCHAR, max_length=16)
    schema.add_field("meta", DataType.JSON)
    client.create_collection(name, schema=schema)

    params = client.prepare_index_params()
    params.add_index(field_name="vector", index_type="HNSW", metric_type="L2", params={"M": 8, "efConstruction": 64})
    params.add_index(field_name="n", index_type="STL_SORT", index_name="n_sorted")
    params.add_index(field_name="tag", index_type="Trie", index_name="tag_trie")
    params.add_index(field_name="meta", index_type="INVERTED", index_name="brand_index", params={"json_path": 'meta["brand"]', "json_cast_type": "varchar"})
    params.add_index(field_name="meta", index_type="AUTOINDEX", index_name="price_index", params={"json_path": 'meta["price"]', "json_cast_type": "double"})
    params.add_index(field_name="meta", index_type="BITMAP", index_name="city_index", params={"json_path": 'meta["supplier"]["city"]', "json_cast_type": "varchar"})
    params.add_index(field_name="color", index_type="INVERTED", index_name="color_index", params={"json_path": "color", "json_cast_type": "varchar"})
    client.create_index(name, params)

    client.insert(name, rows())
    client.flush(name)
    client.load_collection(name)
    assert sorted(client.list_indexes(name)) == sorted(["vector", "n_sorted", "tag_trie", "brand_index", "price_index", "city_index", "color_index"])

    desc = client.describe_index(name, "price_index")
    assert desc["index_type"] == "AUTOINDEX"
    assert desc["field_name"] == "meta"
    assert desc["json_path"] == 'meta["price"]'
    assert desc["json_cast_type"] == "double"
    vec = client.describe_index(name, "vector")
    assert vec["M"] == "8" and vec["efConstruction"] == "64"  # pymilvus sends one pair per param; Milvus echoes the pairs

    data = rows()
    cases = {
        'meta["brand"] == "b3"': [r["id"] for r in data if r["meta"].get("brand") == "b3"],
        'meta["price"] >= 15 and n < 30': [r["id"] for r in data if r["meta"].get("price", -1) >= 15 and r["n"] < 30],
        'meta["supplier"]["city"] in ["Lima", "Pune"]': [r["id"] for r in data if r["meta"].get("supplier", {}).get("city") in ("Lima", "Pune")],
        'color == "red" and tag like "t1%"': [r["id"] for r in data if r["color"] == "red" and r["tag"].startswith("t1")],
        "n in [1, 2, 3]": [r["id"] for r in data if r["n"] in (1, 2, 3)],
    }
    for flt, want in cases.items():
        assert ids(client, name, flt) == sorted(want), flt

    client.release_collection(name)
    client.drop_index(name, "brand_index")
    assert "brand_index" not in client.list_indexes(name)


def test_json_index_errors(client: MilvusClient, name):
    schema = client.create_schema(auto_id=False, enable_dynamic_field=True)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=2)
    schema.add_field("meta", DataType.JSON)
    client.create_collection(name, schema=schema)
    bad = [
        ("BITMAP", {"json_path": 'meta["a"]', "json_cast_type": "double"}, 1100, "not supported for BITMAP index"),
        ("INVERTED", {"json_path": 'meta["a"]'}, 1101, "json index must specify cast type"),
        ("INVERTED", {"json_path": 'other["a"]', "json_cast_type": "double"}, 1100, "does not refer to field meta"),
    ]
    for index_type, p, code, text in bad:
        params = client.prepare_index_params()
        params.add_index(field_name="meta", index_type=index_type, index_name="x", params=p)
        with pytest.raises(MilvusException) as e:
            client.create_index(name, params)
        assert e.value.code == code, e.value
        assert text in e.value.message
    assert client.list_indexes(name) == []
