"""Milvus's Text Match guide (keyword-match.md, 2.6) through pymilvus: the guide's schema code
(enable_analyzer + enable_match, then analyzer_params english), its TEXT_MATCH filters in search
and query (any term, and/not combinations, minimum_should_match on pymilvus 2.6), then the Phrase
Match guide's slop filters; data of our own, results checked."""
import pytest
from pymilvus import DataType, MilvusClient, MilvusException

DOCS = [
    "Machine learning boosts efficiency",
    "learning machine",
    "Deep learning and machine learning",
    "machine deep learning",
    "Apple pie recipe",
    "Keyword1 keyword2 and keyword3 together",
    "keyword2 keyword3",
]


def test_text_match_guide(client, name):
    # -- the guide's schema, verbatim --
    schema = MilvusClient.create_schema(enable_dynamic_field=False)
    schema.add_field(
        field_name="id",
        datatype=DataType.INT64,
        is_primary=True,
        auto_id=True
    )
    schema.add_field(
        field_name='text',
        datatype=DataType.VARCHAR,
        max_length=1000,
        enable_analyzer=True,  # Whether to enable text analysis for this field
        enable_match=True  # Whether to enable text match
    )
    schema.add_field(
        field_name="embeddings",
        datatype=DataType.FLOAT_VECTOR,
        dim=5
    )
    index_params = client.prepare_index_params()
    index_params.add_index(field_name="embeddings", index_type="FLAT", metric_type="L2")
    client.create_collection(name, schema=schema, index_params=index_params)
    client.insert(name, [{"text": t, "embeddings": [float(i), 0.0, 0.0, 0.0, 1.0]} for i, t in enumerate(DOCS)])

    def texts(filter):
        result = client.query(collection_name=name, filter=filter, output_fields=["id", "text"])
        return sorted(r["text"] for r in result)

    # -- the guide's filters --
    filter = "TEXT_MATCH(text, 'machine deep')"
    assert texts(filter) == sorted(DOCS[:4])
    filter = "TEXT_MATCH(text, 'machine') and TEXT_MATCH(text, 'deep')"
    assert texts(filter) == sorted([DOCS[2], DOCS[3]])
    filter = "not TEXT_MATCH(text, 'machine') and TEXT_MATCH(text, 'learning')"
    assert texts(filter) == []
    filter = "TEXT_MATCH(text, 'keyword1 keyword2 keyword3', minimum_should_match=2)"
    assert texts(filter) == sorted([DOCS[5], DOCS[6]])

    # search with text match, as the guide writes it
    query_vector = [0.0, 0.0, 0.0, 0.0, 1.0]
    filter = "TEXT_MATCH(text, 'keyword1 keyword2')"
    result = client.search(
        collection_name=name,
        anns_field="embeddings",
        data=[query_vector],
        filter=filter,
        search_params={"params": {"nprobe": 10}},
        limit=10,
        output_fields=["id", "text"]
    )
    assert sorted(hit["entity"]["text"] for hit in result[0]) == sorted([DOCS[5], DOCS[6]])

    # -- the Phrase Match guide's filters --
    assert texts("PHRASE_MATCH(text, 'machine learning')") == sorted([DOCS[0], DOCS[2]])
    assert texts("PHRASE_MATCH(text, 'machine learning', 1)") == sorted([DOCS[0], DOCS[2], DOCS[3]])
    assert texts("PHRASE_MATCH(text, 'machine learning', 2)") == sorted(DOCS[:4])

    # text match on a non-string field is refused with Milvus's message
    with pytest.raises(MilvusException, match='text match operation on non-string is unsupported'):
        client.query(collection_name=name, filter="TEXT_MATCH(id, 'x')")


def test_text_match_english_analyzer(client, name):
    schema = MilvusClient.create_schema(enable_dynamic_field=False)
    schema.add_field(field_name="id", datatype=DataType.INT64, is_primary=True, auto_id=True)
    # -- the guide's analyzer configuration, verbatim --
    analyzer_params = {
        "type": "english"
    }
    schema.add_field(
        field_name='text',
        datatype=DataType.VARCHAR,
        max_length=200,
        enable_analyzer=True,
        analyzer_params = analyzer_params,
        enable_match = True,
    )
    schema.add_field(field_name="embeddings", datatype=DataType.FLOAT_VECTOR, dim=5)
    index_params = client.prepare_index_params()
    index_params.add_index(field_name="embeddings", index_type="FLAT", metric_type="L2")
    client.create_collection(name, schema=schema, index_params=index_params)
    client.insert(name, [{"text": t, "embeddings": [1.0, 0.0, 0.0, 0.0, 0.0]} for t in DOCS])
    rows = client.query(collection_name=name, filter="TEXT_MATCH(text, 'boosting apples')", output_fields=["text"])
    assert sorted(r["text"] for r in rows) == sorted([DOCS[0], DOCS[4]])


@pytest.mark.skipif(not hasattr(__import__("pymilvus"), "LexicalHighlighter"), reason="pymilvus without LexicalHighlighter")
def test_highlight_text_match_terms(client, name):
    """The Text Highlighter guide's "Query term highlighting in filtering": a TEXT_MATCH filter and
    its terms highlighted; pymilvus reads highlight_results into hit["highlight"]."""
    from pymilvus import LexicalHighlighter

    schema = MilvusClient.create_schema(enable_dynamic_field=False)
    schema.add_field(field_name="id", datatype=DataType.INT64, is_primary=True, auto_id=True)
    schema.add_field(field_name="text", datatype=DataType.VARCHAR, max_length=2000, enable_analyzer=True, enable_match=True)
    schema.add_field(field_name="embeddings", datatype=DataType.FLOAT_VECTOR, dim=5)
    index_params = client.prepare_index_params()
    index_params.add_index(field_name="embeddings", index_type="FLAT", metric_type="L2")
    client.create_collection(name, schema=schema, index_params=index_params)
    client.insert(name, [
        {"text": "This document explains how text filtering works in Milvus.", "embeddings": [1.0, 0.0, 0.0, 0.0, 0.0]},
        {"text": "Nothing to filter here", "embeddings": [0.0, 1.0, 0.0, 0.0, 0.0]},
    ])
    highlighter = LexicalHighlighter(
        pre_tags=["{"],              # Tag inserted before each highlighted term
        post_tags=["}"],             # Tag inserted after each highlighted term
        highlight_query=[{
            "type": "TextMatch",     # Text filtering type
            "field": "text",         # Target text field
            "text": "text filtering" # Terms to highlight
        }]
    )
    results = client.search(
        collection_name=name,
        data=[[1.0, 0.0, 0.0, 0.0, 0.0]],
        anns_field="embeddings",
        limit=10,
        filter='TEXT_MATCH(text, "text filtering")',
        output_fields=["text"],
        highlighter=highlighter,  # Pass highlighter config here
    )
    assert len(results[0]) == 1
    # The guide prints ["{text} {filtering} works in Milvus."] for this document; pymilvus 2.6 gives
    # each field as its HighlightData: fragments and their scores.
    assert results[0][0]["highlight"]["text"]["fragments"] == ["{text} {filtering} works in Milvus."]
    assert results[0][0]["highlight"]["text"]["scores"] == [2.0]
