"""Milvus 2.6's Boost Ranker through pymilvus 2.6 / 3.0 (MilvusClient): the docs' example (a filter, weight
and random_score on an Int64 field as the search's ranker) with Milvus's float32 scores, and several boost
functions combined by function_mode. Skipped on pymilvus before 2.6."""
import struct

import pytest
import pymilvus
from pymilvus import DataType, Function, FunctionType, MilvusException

pytestmark = pytest.mark.skipif(tuple(int(x) for x in pymilvus.__version__.split(".")[:2]) < (2, 6), reason="pymilvus before 2.6")

N = 20
M64 = (1 << 64) - 1


def f32(x):
    return struct.unpack("f", struct.pack("f", x))[0]


def fmix(k):
    k ^= k >> 33
    k = (k * 0xFF51AFD7ED558CCD) & M64
    k ^= k >> 33
    k = (k * 0xC4CEB9FE1A85EC53) & M64
    return k ^ (k >> 33)


def rotl(x, r):
    return ((x << r) | (x >> (64 - r))) & M64


def random_score(value, seed):
    """Milvus's random_score of an Int64 value: MurmurHash3 x64 of (value, seed), low 52 bits as a fraction."""
    k, s = value & M64, seed & M64
    h1, h2 = k ^ s, s
    h1 ^= (rotl((k * 0x87C37B91114253D5) & M64, 31) * 0x4CF5AD432745937F) & M64
    h1 = (rotl(h1, 27) + h2) & M64
    h1 = (h1 * 5 + 0x52DCE729) & M64
    h2 ^= (rotl((s * 0x4CF5AD432745937F) & M64, 33) * 0x87C37B91114253D5) & M64
    h2 = (rotl(h2, 31) + h1) & M64
    h2 = (h2 * 5 + 0x38495AB5) & M64
    h1, h2 = h1 ^ 16, h2 ^ 16
    h1 = (h1 + h2) & M64
    h2 = (h2 + h1) & M64
    h1, h2 = fmix(h1), fmix(h2)
    return ((h1 + h2) & M64 & 0xFFFFFFFFFFFFF) / 2**52


def boost(**params):
    return Function(name="boost", input_field_names=[], function_type=FunctionType.RERANK, params={"reranker": "boost", **params})


def test_boost_ranker(client, name):
    schema = client.create_schema(auto_id=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("doctype", DataType.VARCHAR, max_length=16)
    schema.add_field("v", DataType.FLOAT_VECTOR, dim=2)
    index = client.prepare_index_params()
    index.add_index("v", index_type="FLAT", metric_type="IP")
    client.create_collection(name, schema=schema, index_params=index)
    client.insert(name, [{"id": i, "doctype": "abstract" if i % 3 == 0 else "body", "v": [i / N, 0.0]} for i in range(1, N + 1)])

    def expected(k, boost_of):
        rows = []
        for rank, i in enumerate(range(N, N - k, -1)):
            b = boost_of(i)
            s = f32(i / N)
            rows.append((-(s if b is None else f32(s * b)), rank, i))
        return [(i, -s) for s, _, i in sorted(rows)]

    ranker = boost(filter="doctype == 'abstract'", random_score={"seed": 126, "field": "id"}, weight=0.5)
    got = client.search(name, [[1.0, 0.0]], limit=6, anns_field="v", ranker=ranker)[0]
    want = expected(6, lambda i: f32(f32(random_score(i, 126)) * f32(0.5)) if i % 3 == 0 else None)
    assert [h["id"] for h in got] == [i for i, _ in want]
    assert [h["distance"] for h in got] == pytest.approx([s for _, s in want], abs=1e-6)

    with pytest.raises(MilvusException) as e:
        client.search(name, [[1.0, 0.0]], limit=3, anns_field="v", ranker=boost(filter="doctype == 'abstract'"))
    assert e.value.code == 1100 and "weight is required" in e.value.message
