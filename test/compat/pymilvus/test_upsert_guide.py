"""The Milvus upsert guide's Python code as written (ORM style) against Quiver: Collection("book"),
collection.upsert with a list of columns, a pandas DataFrame, a list of row dicts and one dict,
Partition(collection, "comedy").upsert, the MutationResult fields, then flush, index, load, search
and query."""
import random

import pandas as pd
import pytest
from pymilvus import Collection, CollectionSchema, DataType, FieldSchema, MilvusException, Partition, utility

N = 3000
DIM = 8


@pytest.fixture()
def book(orm):
    if utility.has_collection("book"):
        utility.drop_collection("book")
    fields = [
        FieldSchema(name="book_id", dtype=DataType.INT64, is_primary=True),
        FieldSchema(name="book_name", dtype=DataType.VARCHAR, max_length=200),
        FieldSchema(name="word_count", dtype=DataType.INT64),
        FieldSchema(name="book_intro", dtype=DataType.FLOAT_VECTOR, dim=DIM),
    ]
    Collection("book", CollectionSchema(fields, description="Test book search"))
    collection = Collection("book")  # Get an existing collection.
    yield collection
    utility.drop_collection("book")


def columns(start, count, word_base):
    rng = random.Random(start)
    return [
        [i for i in range(start, start + count)],
        [str(i) for i in range(start, start + count)],
        [word_base + i for i in range(count)],
        [[rng.random() for _ in range(DIM)] for _ in range(count)],
    ]


def test_upsert_list_of_columns_counts(book):
    mr = book.insert(columns(0, N, 0))
    assert mr.insert_count == N
    mr = book.upsert(columns(0, N, 10000))
    assert mr.upsert_count == N
    assert mr.insert_count == 0
    assert mr.delete_count == N
    assert mr.succ_count == N and mr.err_count == 0
    assert mr.primary_keys[:3] == [0, 1, 2]
    assert mr.timestamp > 0
    book.flush()
    assert book.num_entities == N
    rows = book.query("book_id in [0, 2999]", output_fields=["word_count"])
    assert sorted((r["book_id"], r["word_count"]) for r in rows) == [(0, 10000), (2999, 12999)]


def test_upsert_dataframe_rows_and_one_dict(book):
    df = pd.DataFrame({
        "book_id": [1, 2],
        "book_name": ["a", "b"],
        "word_count": [10, 20],
        "book_intro": [[0.1] * DIM, [0.2] * DIM],
    })
    assert book.upsert(df).upsert_count == 2
    mr = book.upsert([{"book_id": 2, "book_name": "bb", "word_count": 21, "book_intro": [0.3] * DIM},
                      {"book_id": 3, "book_name": "c", "word_count": 30, "book_intro": [0.4] * DIM}])
    assert (mr.upsert_count, mr.insert_count, mr.delete_count) == (2, 1, 1)
    mr = book.upsert({"book_id": 4, "book_name": "d", "word_count": 40, "book_intro": [0.5] * DIM})
    assert mr.upsert_count == 1
    rows = book.query("book_id >= 0", output_fields=["book_name", "word_count"])
    assert sorted((r["book_id"], r["book_name"], r["word_count"]) for r in rows) == [(1, "a", 10), (2, "bb", 21), (3, "c", 30), (4, "d", 40)]


def test_partition_upsert_moves_the_key(book):
    book.create_partition("comedy")
    book.upsert(columns(0, 10, 0))
    mr = Partition(book, "comedy").upsert([{"book_id": 5, "book_name": "funny", "word_count": 1, "book_intro": [0.0] * DIM}])
    assert (mr.upsert_count, mr.delete_count) == (1, 1)
    assert [r["book_id"] for r in book.query("book_id >= 0", partition_names=["comedy"])] == [5]
    assert book.query("book_id >= 0", output_fields=["count(*)"])[0]["count(*)"] == 10


def test_flush_index_load_search_query(book):
    data = columns(0, N, 0)
    book.insert(data)
    book.flush()
    book.create_index("book_intro", {"index_type": "HNSW", "metric_type": "L2", "params": {"M": 8, "efConstruction": 64}})
    assert book.has_index()
    assert book.index().params["index_type"] == "HNSW"
    book.load()
    res = book.search([data[3][17]], "book_intro", {"metric_type": "L2", "params": {"ef": 64}}, limit=3, output_fields=["book_name"], expr="word_count >= 0")
    hits = res[0]
    assert len(hits) == 3
    assert hits[0].id == 17
    assert hits[0].entity.get("book_name") == "17"
    assert hits[0].distance == pytest.approx(0.0, abs=1e-5)
    assert hits[1].distance >= hits[0].distance
    rows = book.query("book_id in [17, 18]", output_fields=["book_name"])
    assert sorted(r["book_name"] for r in rows) == ["17", "18"]


def test_errors_raise_milvus_exceptions(book):
    with pytest.raises(MilvusException) as wrong_dim:
        book.upsert([{"book_id": 1, "book_name": "x", "word_count": 1, "book_intro": [0.1] * 3}])
    assert wrong_dim.value.code == 1100
    with pytest.raises(MilvusException) as missing:
        book.upsert([{"book_id": 1, "book_name": "x", "word_count": 1, "book_intro": [0.1] * DIM}], partition_name="drama")
    assert missing.value.code == 200
    with pytest.raises(MilvusException) as bad_expr:
        book.query("book_id >>> 1")
    assert bad_expr.value.code == 1100
    assert book.num_entities == 0
