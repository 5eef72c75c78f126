"""Milvus's Full Text Search guide (full-text-search.md, 2.6) through pymilvus: the guide's schema
(VARCHAR with enable_analyzer, a SPARSE_FLOAT_VECTOR output, Function(FunctionType.BM25)), its index
(SPARSE_INVERTED_INDEX, metric BM25, inverted_index_algo / bm25_k1 / bm25_b), its insert (no sparse
values given) and its text search, verbatim; then the output field refused on read and on write,
and a dense + BM25 hybrid search. Scores are checked against BM25 computed here from the texts."""
import math
import re

import pytest
from pymilvus import AnnSearchRequest, DataType, Function, FunctionType, MilvusClient, MilvusException, RRFRanker

TEXTS = [
    'information retrieval is a field of study.',
    'information retrieval focuses on finding relevant information in large datasets.',
    'data mining and information retrieval overlap in research.',
]


def reference_bm25(texts, query, k1=1.2, b=0.75):
    tok = lambda t: re.findall(r"[a-z0-9]+", t.lower())
    docs = [tok(t) for t in texts]
    n = len(docs)
    avgdl = sum(len(d) for d in docs) / n
    out = []
    for i, d in enumerate(docs):
        s = 0.0
        for term in set(tok(query)):
            q = tok(query).count(term)
            tf = d.count(term)
            if tf == 0:
                continue
            df = sum(1 for x in docs if term in x)
            idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
            s += q * idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * len(d) / avgdl))
        if s > 0:
            out.append((texts[i], s))
    return sorted(out, key=lambda x: -x[1])


def test_full_text_search_guide(client, name):
    # -- the guide's code, verbatim (collection name and client from the fixtures) --
    schema = client.create_schema()

    schema.add_field(field_name="id", datatype=DataType.INT64, is_primary=True, auto_id=True)
    schema.add_field(field_name="text", datatype=DataType.VARCHAR, max_length=1000, enable_analyzer=True)
    schema.add_field(field_name="sparse", datatype=DataType.SPARSE_FLOAT_VECTOR)

    bm25_function = Function(
        name="text_bm25_emb", # Function name
        input_field_names=["text"], # Name of the VARCHAR field containing raw text data
        output_field_names=["sparse"], # Name of the SPARSE_FLOAT_VECTOR field reserved to store generated embeddings
        function_type=FunctionType.BM25, # Set to `BM25`
    )

    schema.add_function(bm25_function)

    index_params = client.prepare_index_params()

    index_params.add_index(
        field_name="sparse",

        index_type="SPARSE_INVERTED_INDEX",
        metric_type="BM25",
        params={
            "inverted_index_algo": "DAAT_MAXSCORE",
            "bm25_k1": 1.2,
            "bm25_b": 0.75
        }

    )

    client.create_collection(
        collection_name=name,
        schema=schema,
        index_params=index_params
    )

    client.insert(name, [
        {'text': 'information retrieval is a field of study.'},
        {'text': 'information retrieval focuses on finding relevant information in large datasets.'},
        {'text': 'data mining and information retrieval overlap in research.'},
    ])

    search_params = {
        'params': {'drop_ratio_search': 0.2},
    }

    res = client.search(
        collection_name=name,
        data=['whats the focus of information retrieval?'],
        anns_field='sparse',
        output_fields=['text'], # Fields to return in search results; sparse field cannot be output
        limit=3,
        search_params=search_params
    )
    # -- end of the guide --

    hits = res[0]
    want = reference_bm25(TEXTS, 'whats the focus of information retrieval?')
    assert [h["entity"]["text"] for h in hits] == [t for t, _ in want]
    for h, (_, score) in zip(hits, want):
        assert abs(h["distance"] - score) < 1e-4

    described = client.describe_collection(name)
    assert [f["name"] for f in described["functions"]] == ["text_bm25_emb"]
    assert [f["name"] for f in described["fields"] if f.get("is_function_output")] == ["sparse"]

    with pytest.raises(MilvusException, match="not allowed to retrieve raw data of field sparse"):
        client.query(name, filter="id >= 0", output_fields=["sparse"])
    with pytest.raises(MilvusException):
        client.insert(name, [{'text': 'x', 'sparse': {1: 0.5}}])


def test_hybrid_dense_and_bm25(client, name):
    schema = client.create_schema()
    schema.add_field(field_name="id", datatype=DataType.INT64, is_primary=True)
    schema.add_field(field_name="text", datatype=DataType.VARCHAR, max_length=1000, enable_analyzer=True)
    schema.add_field(field_name="dense", datatype=DataType.FLOAT_VECTOR, dim=2)
    schema.add_field(field_name="sparse", datatype=DataType.SPARSE_FLOAT_VECTOR)
    schema.add_function(Function(name="bm25", input_field_names=["text"], output_field_names=["sparse"], function_type=FunctionType.BM25))
    index_params = client.prepare_index_params()
    index_params.add_index(field_name="sparse", index_type="AUTOINDEX", metric_type="BM25")
    index_params.add_index(field_name="dense", index_type="AUTOINDEX", metric_type="COSINE")
    client.create_collection(collection_name=name, schema=schema, index_params=index_params)
    client.insert(name, [{"id": i, "text": t, "dense": [1.0, float(i)]} for i, t in enumerate(TEXTS)])
    res = client.hybrid_search(
        collection_name=name,
        reqs=[
            AnnSearchRequest(data=["data mining research"], anns_field="sparse", param={}, limit=3),
            AnnSearchRequest(data=[[1.0, 2.0]], anns_field="dense", param={}, limit=3),
        ],
        ranker=RRFRanker(60),
        limit=2,
        output_fields=["text"],
    )
    # doc 2 is the only BM25 hit and the dense neighbour of [1, 2]: first in both lists
    assert len(res[0]) == 2
    assert res[0][0]["id"] == 2
    assert res[0][0]["entity"]["text"] == TEXTS[2]
