"""langchain-milvus's `Milvus` vector store against Quiver with a deterministic fake embedding: add texts
and documents with metadata, similarity search with and without a metadata filter, scores, delete by
ids and by expression, upsert, and reopening the store on the same collection."""
from langchain_core.documents import Document
from langchain_core.embeddings import DeterministicFakeEmbedding
from langchain_milvus import Milvus

DIM = 8
TEXTS = ["apples are red", "bananas are yellow", "grapes are purple", "limes are green", "plums are purple"]


def store(uri, name, **kwargs):
    return Milvus(
        embedding_function=DeterministicFakeEmbedding(size=DIM),
        collection_name=name,
        connection_args={"uri": uri},
        **kwargs,
    )


def test_add_search_filter_delete(uri, name):
    s = store(uri, name, drop_old=True, auto_id=False)
    metas = [{"kind": "fruit", "rank": i, "color": t.split()[-1]} for i, t in enumerate(TEXTS)]
    ids = s.add_texts(TEXTS, metadatas=metas, ids=[f"t{i}" for i in range(len(TEXTS))])
    assert ids == [f"t{i}" for i in range(len(TEXTS))]

    hits = s.similarity_search("grapes are purple", k=2)
    assert hits[0].page_content == "grapes are purple"
    assert hits[0].metadata["color"] == "purple"

    scored = s.similarity_search_with_score("limes are green", k=3)
    assert scored[0][0].page_content == "limes are green"
    assert scored[0][1] == 0.0 or abs(scored[0][1]) < 1e-4
    assert scored[0][1] <= scored[1][1] <= scored[2][1]

    filtered = s.similarity_search("grapes are purple", k=5, expr='color == "purple" and rank > 2')
    assert [d.page_content for d in filtered] == ["plums are purple"]

    mmr = s.max_marginal_relevance_search("grapes are purple", k=2, fetch_k=5)
    assert mmr[0].page_content == "grapes are purple" and len(mmr) == 2

    by_vector = s.similarity_search_by_vector(DeterministicFakeEmbedding(size=DIM).embed_query("apples are red"), k=1)
    assert by_vector[0].metadata["pk"] == "t0"

    assert s.delete(ids=["t0", "t1"])
    left = s.similarity_search("apples are red", k=10)
    assert sorted(d.metadata["pk"] for d in left) == ["t2", "t3", "t4"]
    s.delete(expr='color == "green"')
    assert sorted(d.metadata["pk"] for d in s.similarity_search("x", k=10)) == ["t2", "t4"]


def test_documents_upsert_and_reopen(uri, name):
    s = store(uri, name, drop_old=True, auto_id=True)
    docs = [Document(page_content=t, metadata={"source": f"doc{i % 2}"}) for i, t in enumerate(TEXTS)]
    pks = s.add_documents(docs)
    assert len(pks) == len(TEXTS)
    hits = s.similarity_search("bananas are yellow", k=1, expr='source == "doc1"')
    assert hits[0].page_content == "bananas are yellow"

    reopened = store(uri, name)
    assert reopened.similarity_search("plums are purple", k=1)[0].page_content == "plums are purple"
    found = reopened.get_pks('source == "doc0"')
    assert len(found) == 3

    s2 = store(uri, name + "_u", drop_old=True, auto_id=False)
    s2.add_texts(["old text"], metadatas=[{"v": 1}], ids=["k1"])
    s2.upsert(ids=["k1"], documents=[Document(page_content="new text", metadata={"v": 2})])
    got = s2.similarity_search("new text", k=5)
    assert [(d.page_content, d.metadata["v"]) for d in got] == [("new text", 2)]
    s2.drop()
    s.drop()
