"""What differs between the pinned pymilvus versions (2.5.x and 2.6.x, both run by pymilvus.test.ts):
reads of a released collection (101), ignore_growing, search by primary keys (2.6 `ids`), databases,
aliases, flush and grouping search."""
import pytest
from pymilvus import DataType, MilvusClient, MilvusException
from pymilvus import __version__ as pymilvus_version

IS_26 = tuple(int(p) for p in pymilvus_version.split(".")[:2]) >= (2, 6)


def fill(client: MilvusClient, name, count=20):
    client.create_collection(name, dimension=4, metric_type="L2")
    rows = [{"id": i, "vector": [float(i), 1.0, 0.0, 0.0], "color": f"c{i % 3}"} for i in range(count)]
    assert client.insert(name, rows)["insert_count"] == count


def test_released_collection_answers_101(client: MilvusClient, name):
    fill(client, name)
    client.release_collection(name)
    assert str(client.get_load_state(name)["state"]) == "NotLoad"
    with pytest.raises(MilvusException) as q:
        client.query(name, filter="id > 0")
    assert q.value.code == 101
    with pytest.raises(MilvusException) as s:
        client.search(name, [[1.0, 1.0, 0.0, 0.0]], limit=2)
    assert s.value.code == 101
    client.load_collection(name)
    assert len(client.search(name, [[1.0, 1.0, 0.0, 0.0]], limit=2)[0]) == 2


def test_ignore_growing_searches_sealed_segments_only(client: MilvusClient, name):
    fill(client, name)
    client.flush(name)  # rows 0..19 sealed
    client.insert(name, [{"id": 100, "vector": [5.0, 1.0, 0.0, 0.0], "color": "new"}])  # growing
    plain = client.search(name, [[5.0, 1.0, 0.0, 0.0]], limit=2, search_params={"metric_type": "L2"})
    assert sorted(h["id"] for h in plain[0]) == [5, 100]
    sealed = client.search(name, [[5.0, 1.0, 0.0, 0.0]], limit=2, search_params={"metric_type": "L2", "ignore_growing": True})
    assert 100 not in [h["id"] for h in sealed[0]] and sealed[0][0]["id"] == 5


@pytest.mark.skipif(not IS_26, reason="search by primary keys (ids) arrived in pymilvus 2.6")
def test_search_by_primary_keys(client: MilvusClient, name):
    fill(client, name)
    hits = client.search(name, ids=[4, 11], limit=2, output_fields=["color"], search_params={"metric_type": "L2"})
    assert len(hits) == 2
    assert hits[0][0]["id"] == 4 and hits[0][0]["distance"] == pytest.approx(0.0)
    assert hits[1][0]["id"] == 11 and hits[1][0]["entity"]["color"] == "c2"
    with pytest.raises(MilvusException) as missing:
        client.search(name, ids=[999], limit=2)
    assert missing.value.code == 1100


def test_database_alias_flush(uri, name):
    admin = MilvusClient(uri=uri, timeout=10)
    db = "db_" + name
    admin.create_database(db)
    try:
        c = MilvusClient(uri=uri, db_name=db, timeout=10)
        fill(c, name, count=50)
        index_params = c.prepare_index_params()
        index_params.add_index("vector", index_type="HNSW", metric_type="L2", params={"M": 8, "efConstruction": 32})
        c.release_collection(name)
        c.drop_index(name, "vector")
        c.create_index(name, index_params)
        c.load_collection(name)
        assert c.describe_index(name, "vector")["index_type"] == "HNSW"
        c.flush(name)
        c.create_alias(name, "a_" + name)
        assert c.query("a_" + name, filter="", output_fields=["count(*)"])[0]["count(*)"] == 50
        assert c.describe_alias("a_" + name)["collection_name"] == name
        assert not admin.has_collection(name)
        c.drop_alias("a_" + name)
        c.drop_collection(name)
        c.close()
    finally:
        admin.drop_database(db)
        admin.close()


def test_grouping_search(client: MilvusClient, name):
    schema = client.create_schema(auto_id=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("doc", DataType.VARCHAR, max_length=16)
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=2)
    index_params = client.prepare_index_params()
    index_params.add_index(field_name="vector", index_type="FLAT", metric_type="L2")
    client.create_collection(name, schema=schema, index_params=index_params)
    # Row i lies at L2² i² from [0, 0]; doc = i % 4.
    client.insert(name, [{"id": i, "doc": f"d{i % 4}", "vector": [float(i), 0.0]} for i in range(40)])
    hits = client.search(name, [[0.0, 0.0]], limit=2, group_by_field="doc", group_size=2, output_fields=["doc"],
                         search_params={"metric_type": "L2"})[0]
    assert [h["id"] for h in hits] == [0, 4, 1, 5]
    assert [h["entity"]["doc"] for h in hits] == ["d0", "d0", "d1", "d1"]
    with pytest.raises(MilvusException) as bad:
        client.search(name, [[0.0, 0.0]], limit=2, group_by_field="vector")
    assert bad.value.code == 1100
