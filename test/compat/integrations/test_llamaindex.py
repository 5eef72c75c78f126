"""llama-index-vector-stores-milvus's `MilvusVectorStore` against Quiver with nodes carrying given
embeddings: add nodes with metadata, query with and without metadata filters, delete by document and by
node ids, and reopening the store on the same collection (overwrite=False)."""
import asyncio

from llama_index.core.schema import NodeRelationship, RelatedNodeInfo, TextNode
from llama_index.core.vector_stores.types import (
    FilterOperator,
    MetadataFilter,
    MetadataFilters,
    VectorStoreQuery,
)
from llama_index.vector_stores.milvus import MilvusVectorStore

DIM = 8


def unit(i):
    v = [0.0] * DIM
    v[i % DIM] = 1.0
    v[(i + 1) % DIM] = 0.1 * (i // DIM + 1)
    return v


def nodes():
    out = []
    for i in range(6):
        n = TextNode(id_=f"n{i}", text=f"text {i}", embedding=unit(i), metadata={"genre": "a" if i % 2 == 0 else "b", "year": 2000 + i})
        n.relationships[NodeRelationship.SOURCE] = RelatedNodeInfo(node_id=f"doc{i // 3}")
        out.append(n)
    return out


def store(uri, name, overwrite):
    return MilvusVectorStore(uri=uri, collection_name=name, dim=DIM, overwrite=overwrite, similarity_metric="L2", use_async_client=False)


def test_add_query_filter_delete_reopen(uri, name):
    s = store(uri, name, overwrite=True)
    ids = s.add(nodes())
    assert ids == [f"n{i}" for i in range(6)]

    res = s.query(VectorStoreQuery(query_embedding=unit(2), similarity_top_k=2))
    assert res.ids[0] == "n2"
    assert res.nodes[0].get_content() == "text 2"
    assert res.nodes[0].metadata["year"] == 2002

    filters = MetadataFilters(filters=[
        MetadataFilter(key="genre", value="b"),
        MetadataFilter(key="year", value=2002, operator=FilterOperator.GT),
    ])
    res = s.query(VectorStoreQuery(query_embedding=unit(2), similarity_top_k=5, filters=filters))
    assert sorted(res.ids) == ["n3", "n5"]

    s.delete("doc0")
    res = s.query(VectorStoreQuery(query_embedding=unit(0), similarity_top_k=10))
    assert sorted(res.ids) == ["n3", "n4", "n5"]
    s.delete_nodes(node_ids=["n4"])

    reopened = store(uri, name, overwrite=False)
    res = reopened.query(VectorStoreQuery(query_embedding=unit(5), similarity_top_k=10))
    assert res.ids == ["n5", "n3"]
    got = reopened.get_nodes(node_ids=["n3"])
    assert got[0].get_content() == "text 3"
    reopened.clear()


def test_async_client(uri, name):
    async def run():
        s = MilvusVectorStore(uri=uri, collection_name=name, dim=DIM, overwrite=True, similarity_metric="L2")
        assert await s.async_add(nodes()) == [f"n{i}" for i in range(6)]
        res = await s.aquery(VectorStoreQuery(query_embedding=unit(1), similarity_top_k=2))
        assert res.ids[0] == "n1"
        await s.adelete_nodes(node_ids=["n1"])
        res = await s.aquery(VectorStoreQuery(query_embedding=unit(1), similarity_top_k=1))
        assert res.ids[0] != "n1"
        await s.aclear()

    asyncio.run(run())
