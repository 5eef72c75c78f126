"""Timestamptz through pymilvus 2.6 (DataType.TIMESTAMPTZ): ISO text in, RFC 3339 text out in the
collection's timezone or the read's `timezone=`, ISO/INTERVAL filters, defaults described as text,
1100 for bad text. Skipped on pymilvus without TIMESTAMPTZ (2.5)."""
import pytest
from pymilvus import DataType, MilvusException

pytestmark = pytest.mark.skipif(not hasattr(DataType, "TIMESTAMPTZ"), reason="pymilvus without TIMESTAMPTZ")


def test_timestamptz_round_trip(client, name):
    schema = client.create_schema(auto_id=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("vec", DataType.FLOAT_VECTOR, dim=2)
    schema.add_field("ts", DataType.TIMESTAMPTZ, default_value="2020-01-01T00:00:00Z")
    schema.add_field("maybe", DataType.TIMESTAMPTZ, nullable=True)
    client.create_collection(name, schema=schema, properties={"timezone": "Asia/Shanghai"})
    client.insert(name, [
        {"id": 1, "vec": [1.0, 0.0], "ts": "2025-01-02T03:04:05.5Z", "maybe": "2025-06-01 08:00:00"},
        {"id": 2, "vec": [0.0, 1.0], "maybe": None},
    ])
    rows = sorted(client.query(name, filter="id > 0", output_fields=["ts", "maybe"]), key=lambda r: r["id"])
    assert [(r["id"], r["ts"], r["maybe"]) for r in rows] == [
        (1, "2025-01-02T11:04:05.5+08:00", "2025-06-01T08:00:00+08:00"),
        (2, "2020-01-01T08:00:00+08:00", None),
    ]
    utc = client.query(name, filter="id == 1", output_fields=["ts"], timezone="UTC")
    assert utc[0]["ts"] == "2025-01-02T03:04:05.5Z"
    hits = client.search(name, data=[[1.0, 0.0]], limit=1, output_fields=["ts"], timezone="America/New_York")
    assert hits[0][0]["entity"]["ts"] == "2025-01-01T22:04:05.5-05:00"
    got = client.query(name, filter="ts > ISO '2024-12-31T00:00:00Z'", output_fields=["id"])
    assert [r["id"] for r in got] == [1]
    got = client.query(name, filter="ts + INTERVAL 'P5Y' >= ISO '2025-01-01 08:00:00'", output_fields=["id"])
    assert sorted(r["id"] for r in got) == [1, 2]
    field = next(f for f in client.describe_collection(name)["fields"] if f["name"] == "ts")
    assert field["default_value"].string_data == "2020-01-01T08:00:00+08:00"  # pymilvus shows the ValueField, as with Milvus
    with pytest.raises(MilvusException) as e:
        client.insert(name, [{"id": 3, "vec": [1.0, 1.0], "ts": "soon"}])
    assert e.value.code == 1100
    assert "invalid timestamp string: 'soon'" in e.value.message
