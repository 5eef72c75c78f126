// The older Go SDK (github.com/milvus-io/milvus-sdk-go/v2, the client the Milvus upsert guide's Go code
// uses) against `quiver serve`: the guide's `c.Upsert(ctx, collectionName, "", idColData,
// embeddingColData)`, a partition upsert, flush, HNSW, load, search, query and delete. Run by
// test/compat/go-sdk.test.ts, which starts the server and passes its address in QUIVER_ADDRESS.
package golegacy

import (
	"context"
	"fmt"
	"math/rand"
	"os"
	"testing"
	"time"

	"github.com/milvus-io/milvus-sdk-go/v2/client"
	"github.com/milvus-io/milvus-sdk-go/v2/entity"
)

const (
	dim      = 8
	rowCount = 3000
)

func must(t *testing.T, err error, what string) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func count(t *testing.T, ctx context.Context, c client.Client, name string, partitions []string) int64 {
	t.Helper()
	rs, err := c.Query(ctx, name, partitions, "", []string{"count(*)"})
	must(t, err, "query count(*)")
	col, ok := rs.GetColumn("count(*)").(*entity.ColumnInt64)
	if !ok || col.Len() != 1 {
		t.Fatalf("count(*) column: %#v", rs.GetColumn("count(*)"))
	}
	return col.Data()[0]
}

func TestUpsertGuideLegacySDK(t *testing.T) {
	address := os.Getenv("QUIVER_ADDRESS")
	if address == "" {
		t.Fatal("QUIVER_ADDRESS is not set: run this suite through test/compat/go-sdk.test.ts")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c, err := client.NewClient(ctx, client.Config{Address: address})
	must(t, err, "connect")
	defer c.Close()

	collectionName := fmt.Sprintf("legacy_%d", time.Now().UnixNano())
	schema := entity.NewSchema().WithName(collectionName).
		WithField(entity.NewField().WithName("id").WithDataType(entity.FieldTypeInt64).WithIsPrimaryKey(true)).
		WithField(entity.NewField().WithName("embedding").WithDataType(entity.FieldTypeFloatVector).WithDim(dim))
	must(t, c.CreateCollection(ctx, schema, entity.DefaultShardNumber), "create collection")
	defer func() { _ = c.DropCollection(context.Background(), collectionName) }()

	rng := rand.New(rand.NewSource(7))
	ids := make([]int64, rowCount)
	embeddings := make([][]float32, rowCount)
	for i := range ids {
		ids[i] = int64(i)
		embeddings[i] = make([]float32, dim)
		for k := range embeddings[i] {
			embeddings[i][k] = rng.Float32()
		}
	}
	// The guide, as written: columns, then c.Upsert(ctx, collectionName, "", idColData, embeddingColData).
	idColData := entity.NewColumnInt64("id", ids)
	embeddingColData := entity.NewColumnFloatVector("embedding", dim, embeddings)
	keys, err := c.Upsert(ctx, collectionName, "", idColData, embeddingColData)
	must(t, err, "upsert")
	if keys.Len() != rowCount {
		t.Fatalf("upsert returned %d keys, want %d", keys.Len(), rowCount)
	}

	// Upsert the first 100 keys again with new vectors: still 3,000 rows.
	again := make([][]float32, 100)
	for i := range again {
		again[i] = make([]float32, dim)
		again[i][0] = 100 + float32(i)
	}
	_, err = c.Upsert(ctx, collectionName, "", entity.NewColumnInt64("id", ids[:100]), entity.NewColumnFloatVector("embedding", dim, again))
	must(t, err, "upsert existing keys")

	// Upsert into a partition.
	must(t, c.CreatePartition(ctx, collectionName, "comedy"), "create partition")
	_, err = c.Upsert(ctx, collectionName, "comedy", entity.NewColumnInt64("id", []int64{5000, 5001}), entity.NewColumnFloatVector("embedding", dim, [][]float32{make([]float32, dim), make([]float32, dim)}))
	must(t, err, "partition upsert")

	must(t, c.Flush(ctx, collectionName, false), "flush")
	idx, err := entity.NewIndexHNSW(entity.L2, 16, 64)
	must(t, err, "index params")
	must(t, c.CreateIndex(ctx, collectionName, "embedding", idx, false), "create index")
	must(t, c.LoadCollection(ctx, collectionName, false), "load")

	if n := count(t, ctx, c, collectionName, nil); n != rowCount+2 {
		t.Fatalf("count(*) = %d, want %d", n, rowCount+2)
	}
	if n := count(t, ctx, c, collectionName, []string{"comedy"}); n != 2 {
		t.Fatalf("count(*) in comedy = %d, want 2", n)
	}

	// Search for the replaced vector of key 7: it is found at distance 0.
	sp, err := entity.NewIndexHNSWSearchParam(64)
	must(t, err, "search params")
	results, err := c.Search(ctx, collectionName, nil, "", []string{"id"}, []entity.Vector{entity.FloatVector(again[7])}, "embedding", entity.L2, 3, sp)
	must(t, err, "search")
	if len(results) != 1 || results[0].ResultCount != 3 {
		t.Fatalf("search results: %+v", results)
	}
	top, err := results[0].IDs.GetAsInt64(0)
	must(t, err, "top id")
	if top != 7 || results[0].Scores[0] != 0 {
		t.Fatalf("top hit %d at %f, want 7 at 0", top, results[0].Scores[0])
	}

	// Query the replaced row: its new vector came back; then delete it.
	rs, err := c.Query(ctx, collectionName, nil, "id in [7]", []string{"id", "embedding"})
	must(t, err, "query")
	vec, ok := rs.GetColumn("embedding").(*entity.ColumnFloatVector)
	if !ok || vec.Len() != 1 || vec.Data()[0][0] != 107 {
		t.Fatalf("query embedding: %#v", rs.GetColumn("embedding"))
	}
	must(t, c.Delete(ctx, collectionName, "", "id in [7]"), "delete")
	if n := count(t, ctx, c, collectionName, nil); n != rowCount+1 {
		t.Fatalf("count(*) after delete = %d, want %d", n, rowCount+1)
	}

	// An unknown collection is an error, not a crash.
	if _, err := c.Upsert(ctx, "no_such_collection", "", idColData, embeddingColData); err == nil {
		t.Fatal("upsert into a missing collection succeeded")
	}
}
