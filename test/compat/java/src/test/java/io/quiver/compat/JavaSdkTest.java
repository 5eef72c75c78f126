package io.quiver.compat;

import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import io.milvus.v2.client.ConnectConfig;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.DataType;
import io.milvus.v2.common.IndexParam;
import io.milvus.v2.exception.MilvusClientException;
import io.milvus.v2.service.collection.request.*;
import io.milvus.v2.service.collection.response.DescribeCollectionResp;
import io.milvus.v2.service.index.request.*;
import io.milvus.v2.service.index.response.DescribeIndexResp;
import io.milvus.v2.service.partition.request.*;
import io.milvus.v2.service.utility.request.FlushReq;
import io.milvus.v2.service.vector.request.*;
import io.milvus.v2.service.vector.request.data.FloatVec;
import io.milvus.v2.service.vector.response.*;
import java.util.*;
import org.junit.jupiter.api.*;

/**
 * The official Java SDK (MilvusClientV2, milvus-sdk-java 2.6) against quiver serve at QUIVER_ADDRESS:
 * the upsert guide, partitions, indexes, search, query, delete and errors, as a JVM user writes them.
 */
class JavaSdkTest {
  static MilvusClientV2 client;
  static final Gson GSON = new Gson();

  @BeforeAll
  static void connect() {
    String address = System.getenv().getOrDefault("QUIVER_ADDRESS", "127.0.0.1:19530");
    client = new MilvusClientV2(ConnectConfig.builder().uri("http://" + address).build());
  }

  @AfterAll
  static void close() {
    if (client != null) client.close();
  }

  static CreateCollectionReq.CollectionSchema bookSchema() {
    CreateCollectionReq.CollectionSchema schema = client.createSchema();
    schema.addField(AddFieldReq.builder().fieldName("book_id").dataType(DataType.Int64).isPrimaryKey(true).autoID(false).build());
    schema.addField(AddFieldReq.builder().fieldName("book_name").dataType(DataType.VarChar).maxLength(200).build());
    schema.addField(AddFieldReq.builder().fieldName("word_count").dataType(DataType.Int64).build());
    schema.addField(AddFieldReq.builder().fieldName("book_intro").dataType(DataType.FloatVector).dimension(4).build());
    return schema;
  }

  static void createBooks(String name) {
    if (client.hasCollection(HasCollectionReq.builder().collectionName(name).build())) client.dropCollection(DropCollectionReq.builder().collectionName(name).build());
    IndexParam index = IndexParam.builder().fieldName("book_intro").indexType(IndexParam.IndexType.HNSW)
        .metricType(IndexParam.MetricType.L2).extraParams(Map.of("M", 16, "efConstruction", 64)).build();
    client.createCollection(CreateCollectionReq.builder().collectionName(name).collectionSchema(bookSchema()).indexParams(List.of(index)).build());
  }

  static JsonObject book(long id, String name, long words, float[] v) {
    JsonObject row = new JsonObject();
    row.addProperty("book_id", id);
    row.addProperty("book_name", name);
    row.addProperty("word_count", words);
    row.add("book_intro", GSON.toJsonTree(v));
    return row;
  }

  static List<JsonObject> books(long from, int n, String prefix) {
    List<JsonObject> rows = new ArrayList<>();
    for (long i = from; i < from + n; i++) rows.add(book(i, prefix + i, i * 10, new float[] {i, i + 1, i + 2, i + 3}));
    return rows;
  }

  static List<Map<String, Object>> query(String collection, String filter, List<String> fields) {
    QueryResp r = client.query(QueryReq.builder().collectionName(collection).filter(filter).outputFields(fields).build());
    List<Map<String, Object>> rows = new ArrayList<>();
    for (QueryResp.QueryResult q : r.getQueryResults()) rows.add(q.getEntity());
    rows.sort(Comparator.comparingLong(m -> ((Number) m.get("book_id")).longValue()));
    return rows;
  }

  static long count(String collection, String filter) {
    QueryResp r = client.query(QueryReq.builder().collectionName(collection).filter(filter).outputFields(List.of("count(*)")).build());
    return ((Number) r.getQueryResults().get(0).getEntity().get("count(*)")).longValue();
  }

  @Test
  void upsertGuide() {
    String c = "java_upsert_guide";
    createBooks(c);
    InsertResp ins = client.insert(InsertReq.builder().collectionName(c).data(books(1, 5, "book ")).build());
    assertEquals(5, ins.getInsertCnt());
    // Upsert: two keys replaced, one new.
    List<JsonObject> up = List.of(book(2, "second edition", 2222, new float[] {9, 9, 9, 9}), book(4, "fourth edition", 4444, new float[] {8, 8, 8, 8}),
        book(6, "new book", 66, new float[] {6, 7, 8, 9}));
    UpsertResp ur = client.upsert(UpsertReq.builder().collectionName(c).data(up).build());
    assertEquals(3, ur.getUpsertCnt());
    assertEquals(6, count(c, ""));
    List<Map<String, Object>> rows = query(c, "book_id in [2, 4, 6]", List.of("book_name", "word_count"));
    assertEquals(List.of("second edition", "fourth edition", "new book"), rows.stream().map(m -> m.get("book_name")).toList());
    assertEquals(2222L, ((Number) rows.get(0).get("word_count")).longValue());
    // The upserted vector is the one search finds.
    SearchResp s = client.search(SearchReq.builder().collectionName(c).data(List.of(new FloatVec(new float[] {9, 9, 9, 9}))).annsField("book_intro")
        .topK(1).outputFields(List.of("book_name")).build());
    assertEquals("second edition", s.getSearchResults().get(0).get(0).getEntity().get("book_name"));
    // Duplicate keys in one upsert batch are refused, and nothing changes.
    assertThrows(MilvusClientException.class, () -> client.upsert(UpsertReq.builder().collectionName(c)
        .data(List.of(book(7, "a", 1, new float[] {1, 1, 1, 1}), book(7, "b", 1, new float[] {1, 1, 1, 1}))).build()));
    assertEquals(6, count(c, ""));
  }

  @Test
  void partitions() {
    String c = "java_partitions";
    createBooks(c);
    client.createPartition(CreatePartitionReq.builder().collectionName(c).partitionName("novel").build());
    assertTrue(client.hasPartition(HasPartitionReq.builder().collectionName(c).partitionName("novel").build()));
    assertEquals(Set.of("_default", "novel"), new HashSet<>(client.listPartitions(ListPartitionsReq.builder().collectionName(c).build())));
    client.insert(InsertReq.builder().collectionName(c).partitionName("novel").data(books(1, 3, "novel ")).build());
    client.insert(InsertReq.builder().collectionName(c).data(books(10, 2, "other ")).build());
    QueryResp inNovel = client.query(QueryReq.builder().collectionName(c).partitionNames(List.of("novel")).filter("book_id >= 0").outputFields(List.of("book_id")).build());
    assertEquals(3, inNovel.getQueryResults().size());
    SearchResp s = client.search(SearchReq.builder().collectionName(c).partitionNames(List.of("_default")).data(List.of(new FloatVec(new float[] {1, 2, 3, 4})))
        .annsField("book_intro").topK(10).build());
    assertEquals(2, s.getSearchResults().get(0).size());
    client.releasePartitions(ReleasePartitionsReq.builder().collectionName(c).partitionNames(List.of("novel")).build());
    client.dropPartition(DropPartitionReq.builder().collectionName(c).partitionName("novel").build());
    assertFalse(client.hasPartition(HasPartitionReq.builder().collectionName(c).partitionName("novel").build()));
    client.loadCollection(LoadCollectionReq.builder().collectionName(c).build());
    assertEquals(2, count(c, ""));
  }

  @Test
  void indexes() {
    String c = "java_indexes";
    createBooks(c);
    client.insert(InsertReq.builder().collectionName(c).data(books(1, 20, "b")).build());
    client.flush(FlushReq.builder().collectionNames(List.of(c)).build());
    assertEquals(List.of("book_intro"), client.listIndexes(ListIndexesReq.builder().collectionName(c).build()));
    DescribeIndexResp d = client.describeIndex(DescribeIndexReq.builder().collectionName(c).fieldName("book_intro").build());
    DescribeIndexResp.IndexDesc desc = d.getIndexDescriptions().get(0);
    assertEquals(IndexParam.IndexType.HNSW, desc.getIndexType());
    assertEquals(IndexParam.MetricType.L2, desc.getMetricType());
    assertEquals("16", desc.getExtraParams().get("M"));
    client.releaseCollection(ReleaseCollectionReq.builder().collectionName(c).build());
    client.dropIndex(DropIndexReq.builder().collectionName(c).fieldName("book_intro").indexName("book_intro").build());
    assertEquals(List.of(), client.listIndexes(ListIndexesReq.builder().collectionName(c).build()));
    IndexParam ivf = IndexParam.builder().fieldName("book_intro").indexName("ivf").indexType(IndexParam.IndexType.IVF_FLAT)
        .metricType(IndexParam.MetricType.IP).extraParams(Map.of("nlist", 8)).build();
    client.createIndex(CreateIndexReq.builder().collectionName(c).indexParams(List.of(ivf)).build());
    IndexParam scalar = IndexParam.builder().fieldName("word_count").indexType(IndexParam.IndexType.STL_SORT).build();
    client.createIndex(CreateIndexReq.builder().collectionName(c).indexParams(List.of(scalar)).build());
    assertEquals(Set.of("ivf", "word_count"), new HashSet<>(client.listIndexes(ListIndexesReq.builder().collectionName(c).build())));
    client.loadCollection(LoadCollectionReq.builder().collectionName(c).build());
    SearchResp s = client.search(SearchReq.builder().collectionName(c).data(List.of(new FloatVec(new float[] {1, 1, 1, 1}))).annsField("book_intro")
        .topK(3).searchParams(Map.of("nprobe", 8)).build());
    assertEquals(3, s.getSearchResults().get(0).size());
    assertEquals(20L, ((Number) s.getSearchResults().get(0).get(0).getId()).longValue(), "IP: the largest vector first");
  }

  @Test
  void searchAndQuery() {
    String c = "java_search";
    createBooks(c);
    client.insert(InsertReq.builder().collectionName(c).data(books(1, 50, "b")).build());
    // Two query vectors, a filter, output fields; L2 distances ascend.
    SearchResp s = client.search(SearchReq.builder().collectionName(c).annsField("book_intro").topK(3).filter("word_count >= 100")
        .data(List.of(new FloatVec(new float[] {0, 1, 2, 3}), new FloatVec(new float[] {30, 31, 32, 33}))).outputFields(List.of("book_name", "word_count")).build());
    List<List<SearchResp.SearchResult>> results = s.getSearchResults();
    assertEquals(2, results.size());
    assertEquals(List.of(10L, 11L, 12L), results.get(0).stream().map(r -> ((Number) r.getId()).longValue()).toList());
    assertEquals(30L, ((Number) results.get(1).get(0).getId()).longValue());
    assertEquals(0f, results.get(1).get(0).getScore(), 1e-4);
    assertEquals("b30", results.get(1).get(0).getEntity().get("book_name"));
    assertTrue(results.get(0).get(0).getScore() <= results.get(0).get(1).getScore());
    // Query: filter, limit/offset, count(*), get by ids.
    assertEquals(5, count(c, "book_id <= 5"));
    QueryResp page = client.query(QueryReq.builder().collectionName(c).filter("book_id > 0").outputFields(List.of("book_id")).limit(5).offset(10).build());
    assertEquals(5, page.getQueryResults().size());
    GetResp g = client.get(GetReq.builder().collectionName(c).ids(List.of(3L, 4L)).outputFields(List.of("book_name")).build());
    assertEquals(Set.of("b3", "b4"), new HashSet<>(g.getGetResults().stream().map(r -> r.getEntity().get("book_name")).toList()));
    List<Map<String, Object>> like = query(c, "book_name like \"b4%\"", List.of("book_name"));
    assertEquals(List.of("b4", "b40", "b41", "b42", "b43", "b44", "b45", "b46", "b47", "b48", "b49"), like.stream().map(m -> m.get("book_name")).toList());
    DescribeCollectionResp desc = client.describeCollection(DescribeCollectionReq.builder().collectionName(c).build());
    assertEquals("book_id", desc.getPrimaryFieldName());
    assertEquals(List.of("book_id", "book_name", "word_count", "book_intro"), desc.getFieldNames());
  }

  @Test
  void delete() {
    String c = "java_delete";
    createBooks(c);
    client.insert(InsertReq.builder().collectionName(c).data(books(1, 10, "b")).build());
    DeleteResp byIds = client.delete(DeleteReq.builder().collectionName(c).ids(List.of(1L, 2L, 99L)).build());
    assertEquals(8, count(c, ""));
    DeleteResp byFilter = client.delete(DeleteReq.builder().collectionName(c).filter("word_count >= 80").build());
    assertEquals(3, byFilter.getDeleteCnt());
    assertEquals(5, count(c, ""));
    assertEquals(List.of(3L, 4L, 5L, 6L, 7L), query(c, "book_id > 0", List.of("book_id")).stream().map(m -> ((Number) m.get("book_id")).longValue()).toList());
    assertTrue(byIds.getDeleteCnt() >= 2);
  }

  @Test
  void errors() {
    String c = "java_errors";
    createBooks(c);
    // Missing collection: Milvus's code 100, the name in the message.
    MilvusClientException missing = assertThrows(MilvusClientException.class,
        () -> client.insert(InsertReq.builder().collectionName("java_no_such").data(books(1, 1, "x")).build()));
    assertEquals(100, missing.getServerErrCode());
    assertTrue(missing.getMessage().contains("java_no_such"), missing.getMessage());
    // A vector of the wrong dimension is refused; nothing is written.
    MilvusClientException dim = assertThrows(MilvusClientException.class,
        () -> client.insert(InsertReq.builder().collectionName(c).data(List.of(book(1, "ok", 1, new float[] {1, 2, 3, 4}), book(2, "bad", 1, new float[] {1, 2}))).build()));
    assertTrue(dim.getMessage().contains("book_intro") || dim.getMessage().contains("dim"), dim.getMessage());
    assertEquals(0, count(c, ""));
    // A bad filter names what is wrong.
    assertThrows(MilvusClientException.class, () -> client.query(QueryReq.builder().collectionName(c).filter("no_such_field > 1").build()));
    // Creating an existing collection with another schema is refused.
    CreateCollectionReq.CollectionSchema other = client.createSchema();
    other.addField(AddFieldReq.builder().fieldName("k").dataType(DataType.VarChar).maxLength(8).isPrimaryKey(true).build());
    other.addField(AddFieldReq.builder().fieldName("v").dataType(DataType.FloatVector).dimension(2).build());
    assertThrows(MilvusClientException.class, () -> client.createCollection(CreateCollectionReq.builder().collectionName(c).collectionSchema(other).build()));
    assertTrue(client.hasCollection(HasCollectionReq.builder().collectionName(c).build()));
    assertFalse(client.hasCollection(HasCollectionReq.builder().collectionName("java_no_such").build()));
  }
}
