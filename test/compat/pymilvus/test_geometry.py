"""Geometry through pymilvus 2.6 (DataType.GEOMETRY, geometry_wkt_data): WKT in, Milvus's WKT out in
query and search, st_* filters, a WKT default (string_data), nulls, an RTREE index, 1100 for bad
WKT. Skipped on pymilvus without GEOMETRY (2.5)."""
import pytest
from pymilvus import DataType, MilvusException

pytestmark = pytest.mark.skipif(not hasattr(DataType, "GEOMETRY"), reason="pymilvus without GEOMETRY")


def test_geometry_round_trip_filters_and_rtree(client, name):
    schema = client.create_schema(auto_id=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("vec", DataType.FLOAT_VECTOR, dim=2)
    schema.add_field("geo", DataType.GEOMETRY, nullable=True)
    schema.add_field("home", DataType.GEOMETRY, default_value="POINT (0 0)")
    index_params = client.prepare_index_params()
    index_params.add_index(field_name="vec", index_type="FLAT", metric_type="L2")
    client.create_collection(name, schema=schema, index_params=index_params)
    client.insert(name, [
        {"id": 1, "vec": [1.0, 0.0], "geo": "POINT(13.399710 52.518010)"},
        {"id": 2, "vec": [0.0, 1.0], "geo": "POLYGON((0 0, 10 0, 10 10, 0 10, 0 0))", "home": "POINT (1 1)"},
        {"id": 3, "vec": [1.0, 1.0], "geo": None},
        {"id": 4, "vec": [0.5, 0.5], "geo": "MULTIPOINT (1 1, 20 20)"},
    ])
    rows = sorted(client.query(name, filter="id > 0", output_fields=["geo", "home"]), key=lambda r: r["id"])
    assert [(r["id"], r["geo"], r["home"]) for r in rows] == [
        (1, "POINT (13.39971 52.51801)", "POINT (0 0)"),
        (2, "POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0))", "POINT (1 1)"),
        (3, None, "POINT (0 0)"),
        (4, "MULTIPOINT ((1 1), (20 20))", "POINT (0 0)"),
    ]

    def ids(expr):
        return sorted(r["id"] for r in client.query(name, filter=expr, output_fields=["id"]))

    def check():
        assert ids("ST_CONTAINS(geo, 'POINT (5 5)')") == [2]
        assert ids("st_intersects(geo, 'POINT (1 1)')") == [2, 4]
        assert ids("ST_WITHIN(geo, 'POLYGON ((-1 -1, 30 -1, 30 30, -1 30, -1 -1))')") == [2, 4]
        assert ids("ST_DWITHIN(geo, 'POINT (13.4 52.518)', 100)") == [1]
        assert ids("geo IS NULL") == [3]
        assert ids("NOT ST_EQUALS(home, 'POINT (0 0)')") == [2]

    check()
    client.flush(name)
    client.release_collection(name)
    rtree = client.prepare_index_params()
    rtree.add_index(field_name="geo", index_type="RTREE")
    client.create_index(name, rtree)
    client.load_collection(name)
    assert client.describe_index(name, "geo")["index_type"] == "RTREE"
    check()
    hits = client.search(name, data=[[1.0, 0.0]], limit=5, filter="ST_INTERSECTS(geo, 'POINT (1 1)')", output_fields=["geo"])
    assert sorted(h["id"] for h in hits[0]) == [2, 4]
    assert {h["entity"]["geo"] for h in hits[0]} == {"POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0))", "MULTIPOINT ((1 1), (20 20))"}
    with pytest.raises(MilvusException) as e:
        client.insert(name, [{"id": 9, "vec": [1.0, 1.0], "geo": "POINT (1)"}])
    assert e.value.code == 1100
    assert "field geo at row 0: invalid WKT" in e.value.message
    with pytest.raises(MilvusException) as e:
        client.query(name, filter="ST_CONTAINS(id, 'POINT (1 1)')")
    assert "spatial operation are only supported on geometry fields now" in e.value.message
