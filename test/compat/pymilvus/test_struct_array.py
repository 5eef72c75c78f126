"""Array-of-structs fields through pymilvus 2.6 (run by pymilvus.test.ts; skipped on 2.5): a struct
schema (create_struct_field_schema), an index on chunks[emb] created with the collection (pymilvus
waits for it and loads), struct lists in and out, EmbeddingList (MAX_SIM_COSINE) search equal to a
brute-force reference, element_filter queries, element-level search offsets."""
import math

import pytest
from pymilvus import DataType, MilvusClient
from pymilvus import __version__ as pymilvus_version

IS_26 = tuple(int(p) for p in pymilvus_version.split(".")[:2]) >= (2, 6)
pytestmark = pytest.mark.skipif(not IS_26, reason="struct array fields are pymilvus 2.6+")


def cos(a, b):
    return sum(x * y for x, y in zip(a, b)) / math.sqrt(sum(x * x for x in a) * sum(y * y for y in b))


def test_struct_array_round_trip_search_and_element_filter(client: MilvusClient, name):
    schema = client.create_schema(auto_id=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    struct = client.create_struct_field_schema()
    struct.add_field("text", DataType.VARCHAR, max_length=32)
    struct.add_field("page", DataType.INT32)
    struct.add_field("emb", DataType.FLOAT_VECTOR, dim=3)
    schema.add_field("chunks", DataType.ARRAY, element_type=DataType.STRUCT, struct_schema=struct, max_capacity=3)
    index = client.prepare_index_params()
    index.add_index("chunks[emb]", index_type="HNSW", metric_type="MAX_SIM_COSINE", params={"M": 8, "efConstruction": 32})
    client.create_collection(name, schema=schema, index_params=index)
    rows = {
        1: [{"text": "a", "page": 1, "emb": [1.0, 0.0, 0.0]}, {"text": "b", "page": 2, "emb": [0.0, 1.0, 0.0]}],
        2: [{"text": "c", "page": 3, "emb": [0.0, 0.0, 1.0]}],
        3: [{"text": "d", "page": 2, "emb": [0.5, 0.5, 0.0]}, {"text": "e", "page": 9, "emb": [0.1, 0.2, 0.9]}],
    }
    client.insert(name, [{"id": i, "chunks": c} for i, c in rows.items()])
    got = client.query(name, filter="id > 0", output_fields=["chunks"])
    assert {r["id"]: [(e["text"], e["page"]) for e in r["chunks"]] for r in got} == {i: [(e["text"], e["page"]) for e in c] for i, c in rows.items()}

    from pymilvus.client.embedding_list import EmbeddingList

    q = EmbeddingList()
    q.add([1.0, 0.1, 0.0])
    q.add([0.0, 0.2, 1.0])
    res = client.search(name, data=[q], anns_field="chunks[emb]", limit=3, search_params={"metric_type": "MAX_SIM_COSINE"})
    ref = sorted(rows, key=lambda i: -sum(max(cos(v, e["emb"]) for e in rows[i]) for v in ([1.0, 0.1, 0.0], [0.0, 0.2, 1.0])))
    assert [h["id"] for h in res[0]] == ref

    # pymilvus 2.6 reads the rows of an element-level query (not their element_indices).
    ef = client.query(name, filter="element_filter(chunks, $[page] == 2)", output_fields=["id"])
    assert sorted(r["id"] for r in ef) == [1, 3]

    # A plain metric searches elements: hits carry their struct element offset.
    el = client.search(name, data=[[0.0, 1.0, 0.0]], anns_field="chunks[emb]", limit=3, search_params={"metric_type": "IP"})
    assert [(h["id"], h["offset"]) for h in el[0]] == [(1, 1), (3, 0), (3, 1)]
