// The official Go client (milvusclient v2) against `quiver serve`: the upsert guide end to end,
// errors with their Milvus codes, databases and aliases. Run by test/compat/go-sdk.test.ts, which
// starts the server and passes its address in QUIVER_ADDRESS.
package compat

import (
	"context"
	"fmt"
	"math/rand"
	"os"
	"testing"
	"time"

	"github.com/milvus-io/milvus/client/v2/column"
	"github.com/milvus-io/milvus/client/v2/entity"
	"github.com/milvus-io/milvus/client/v2/index"
	"github.com/milvus-io/milvus/client/v2/milvusclient"
	"github.com/milvus-io/milvus/pkg/v2/util/merr"
)

const (
	dim          = 8
	rowCount     = 3000
	callTimeout  = 20 * time.Second
	awaitTimeout = 30 * time.Second
)

func connect(t *testing.T, db string) (*milvusclient.Client, context.Context) {
	t.Helper()
	address := os.Getenv("QUIVER_ADDRESS")
	if address == "" {
		t.Fatal("QUIVER_ADDRESS is not set: run this suite through test/compat/go-sdk.test.ts")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	cfg := &milvusclient.ClientConfig{Address: address, DBName: db}
	cli, err := milvusclient.New(ctx, cfg)
	if err != nil {
		t.Fatalf("connect %s: %v", address, err)
	}
	t.Cleanup(func() { _ = cli.Close(context.Background()) })
	return cli, ctx
}

func must(t *testing.T, err error, what string) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func wantCode(t *testing.T, err error, code int32, what string) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: expected error code %d, got success", what, code)
	}
	if got := merr.Code(err); got != code {
		t.Fatalf("%s: expected code %d, got %d (%v)", what, code, got, err)
	}
}

func randomVectors(seed int64, n int) [][]float32 {
	r := rand.New(rand.NewSource(seed))
	out := make([][]float32, n)
	for i := range out {
		v := make([]float32, dim)
		for j := range v {
			v[j] = r.Float32()*2 - 1
		}
		out[i] = v
	}
	return out
}

func guideSchema(name string) *entity.Schema {
	return entity.NewSchema().WithName(name).WithDynamicFieldEnabled(true).
		WithField(entity.NewField().WithName("id").WithDataType(entity.FieldTypeInt64).WithIsPrimaryKey(true)).
		WithField(entity.NewField().WithName("vector").WithDataType(entity.FieldTypeFloatVector).WithDim(dim)).
		WithField(entity.NewField().WithName("color").WithDataType(entity.FieldTypeVarChar).WithMaxLength(64)).
		WithField(entity.NewField().WithName("meta").WithDataType(entity.FieldTypeJSON))
}

// writeOption is what Insert and Upsert both accept.
type writeOption interface {
	milvusclient.InsertOption
	milvusclient.UpsertOption
}

// rows builds ids [from, from+n) with color "<prefix>_<i%5>", meta {"n": i} and dynamic {"tag": prefix},
// into partition (empty: the default partition).
func rows(name string, from, n int, prefix string, seed int64, partition ...string) writeOption {
	ids := make([]int64, n)
	colors := make([]string, n)
	metas := make([][]byte, n)
	dynamic := make([][]byte, n)
	for i := range ids {
		id := from + i
		ids[i] = int64(id)
		colors[i] = fmt.Sprintf("%s_%d", prefix, id%5)
		metas[i] = []byte(fmt.Sprintf(`{"n": %d}`, id))
		dynamic[i] = []byte(fmt.Sprintf(`{"tag": %q}`, prefix))
	}
	opt := milvusclient.NewColumnBasedInsertOption(name).
		WithInt64Column("id", ids).
		WithFloatVectorColumn("vector", dim, randomVectors(seed, n)).
		WithVarcharColumn("color", colors).
		WithColumns(column.NewColumnJSONBytes("meta", metas), column.NewColumnJSONBytes("$meta", dynamic).WithIsDynamic(true))
	for _, p := range partition {
		opt = opt.WithPartition(p)
	}
	return opt
}

func count(t *testing.T, cli *milvusclient.Client, ctx context.Context, name, filter string) int64 {
	t.Helper()
	rs, err := cli.Query(ctx, milvusclient.NewQueryOption(name).WithFilter(filter).WithOutputFields("count(*)"))
	must(t, err, "count(*) "+filter)
	n, err := rs.GetColumn("count(*)").GetAsInt64(0)
	must(t, err, "count(*) value")
	return n
}

func TestUpsertGuide(t *testing.T) {
	cli, ctx := connect(t, "")
	name := fmt.Sprintf("go_guide_%d", time.Now().UnixNano())
	must(t, cli.CreateCollection(ctx, milvusclient.NewCreateCollectionOption(name, guideSchema(name))), "create collection")
	t.Cleanup(func() { _ = cli.DropCollection(context.Background(), milvusclient.NewDropCollectionOption(name)) })

	has, err := cli.HasCollection(ctx, milvusclient.NewHasCollectionOption(name))
	must(t, err, "has collection")
	if !has {
		t.Fatal("has collection: false after create")
	}
	coll, err := cli.DescribeCollection(ctx, milvusclient.NewDescribeCollectionOption(name))
	must(t, err, "describe collection")
	if len(coll.Schema.Fields) != 4 || !coll.Schema.EnableDynamicField {
		t.Fatalf("describe: unexpected schema %+v", coll.Schema)
	}

	ins, err := cli.Insert(ctx, rows(name, 0, rowCount, "red", 1))
	must(t, err, "insert")
	if ins.InsertCount != rowCount || ins.IDs.Len() != rowCount {
		t.Fatalf("insert: count %d ids %d", ins.InsertCount, ins.IDs.Len())
	}

	up, err := cli.Upsert(ctx, rows(name, 2900, 200, "blue", 2))
	must(t, err, "upsert")
	if up.UpsertCount != 200 || up.IDs.Len() != 200 {
		t.Fatalf("upsert: count %d ids %d", up.UpsertCount, up.IDs.Len())
	}
	if n := count(t, cli, ctx, name, ""); n != 3100 {
		t.Fatalf("count after upsert: %d, want 3100", n)
	}
	if n := count(t, cli, ctx, name, `color like "blue%"`); n != 200 {
		t.Fatalf("blue rows: %d, want 200", n)
	}

	must(t, cli.CreatePartition(ctx, milvusclient.NewCreatePartitionOption(name, "p1")), "create partition")
	pup, err := cli.Upsert(ctx, rows(name, 5000, 10, "green", 3, "p1"))
	must(t, err, "upsert into partition")
	if pup.UpsertCount != 10 {
		t.Fatalf("partition upsert count %d", pup.UpsertCount)
	}
	parts, err := cli.ListPartitions(ctx, milvusclient.NewListPartitionOption(name))
	must(t, err, "list partitions")
	if len(parts) != 2 {
		t.Fatalf("partitions %v", parts)
	}
	rs, err := cli.Query(ctx, milvusclient.NewQueryOption(name).WithPartitions("p1").WithOutputFields("count(*)"))
	must(t, err, "count in p1")
	if n, _ := rs.GetColumn("count(*)").GetAsInt64(0); n != 10 {
		t.Fatalf("rows in p1: %d, want 10", n)
	}

	flush, err := cli.Flush(ctx, milvusclient.NewFlushOption(name))
	must(t, err, "flush")
	fctx, cancel := context.WithTimeout(ctx, awaitTimeout)
	defer cancel()
	must(t, flush.Await(fctx), "flush await")

	task, err := cli.CreateIndex(ctx, milvusclient.NewCreateIndexOption(name, "vector", index.NewHNSWIndex(entity.L2, 16, 64)))
	must(t, err, "create index")
	ictx, icancel := context.WithTimeout(ctx, awaitTimeout)
	defer icancel()
	must(t, task.Await(ictx), "index await")
	desc, err := cli.DescribeIndex(ctx, milvusclient.NewDescribeIndexOption(name, "vector"))
	must(t, err, "describe index")
	if desc.Params()["index_type"] != "HNSW" {
		t.Fatalf("index params %v", desc.Params())
	}

	load, err := cli.LoadCollection(ctx, milvusclient.NewLoadCollectionOption(name))
	must(t, err, "load")
	lctx, lcancel := context.WithTimeout(ctx, awaitTimeout)
	defer lcancel()
	must(t, load.Await(lctx), "load await")
	state, err := cli.GetLoadState(ctx, milvusclient.NewGetLoadStateOption(name))
	must(t, err, "load state")
	if state.State != entity.LoadStateLoaded {
		t.Fatalf("load state %v", state.State)
	}

	searchGuide(t, cli, ctx, name)
	queryGuide(t, cli, ctx, name)
	deleteGuide(t, cli, ctx, name)
}

func searchGuide(t *testing.T, cli *milvusclient.Client, ctx context.Context, name string) {
	queries := randomVectors(2, 2) // the first two vectors upserted as "blue" (ids 2900, 2901)
	res, err := cli.Search(ctx, milvusclient.NewSearchOption(name, 5, []entity.Vector{entity.FloatVector(queries[0]), entity.FloatVector(queries[1])}).
		WithANNSField("vector").WithFilter(`color like "blue%"`).WithOutputFields("color", "meta", "tag").
		WithAnnParam(index.NewHNSWAnnParam(64)))
	must(t, err, "search")
	if len(res) != 2 {
		t.Fatalf("search nq: %d result sets", len(res))
	}
	for q, want := range []int64{2900, 2901} {
		r := res[q]
		if r.ResultCount != 5 || len(r.Scores) != 5 {
			t.Fatalf("search %d: %d hits", q, r.ResultCount)
		}
		id, err := r.IDs.GetAsInt64(0)
		must(t, err, "hit id")
		if id != want || r.Scores[0] > 1e-4 {
			t.Fatalf("search %d: top hit %d score %f, want %d at distance 0", q, id, r.Scores[0], want)
		}
		for i := 0; i < r.ResultCount; i++ {
			color, err := r.GetColumn("color").GetAsString(i)
			must(t, err, "hit color")
			if color[:4] != "blue" {
				t.Fatalf("search %d: filter not applied, color %q", q, color)
			}
		}
		if r.GetColumn("meta") == nil || r.GetColumn("tag") == nil {
			t.Fatalf("search %d: output fields missing: %v", q, r.Fields)
		}
	}

	// ignore_growing searches sealed segments only (everything is sealed after the flush above).
	res, err = cli.Search(ctx, milvusclient.NewSearchOption(name, 1, []entity.Vector{entity.FloatVector(queries[0])}).
		WithANNSField("vector").WithIgnoreGrowing(true))
	must(t, err, "search with ignore_growing")
	if id, _ := res[0].IDs.GetAsInt64(0); id != 2900 {
		t.Fatalf("search with ignore_growing: top hit %d, want 2900", id)
	}

	// Hybrid search over the one vector field with two filters, fused by RRF.
	hybrid, err := cli.HybridSearch(ctx, milvusclient.NewHybridSearchOption(name, 3,
		milvusclient.NewAnnRequest("vector", 3, entity.FloatVector(queries[0])).WithFilter(`color like "blue%"`),
		milvusclient.NewAnnRequest("vector", 3, entity.FloatVector(queries[0])).WithFilter("id >= 2900"),
	).WithReranker(milvusclient.NewRRFReranker()).WithOutputFields("color"))
	must(t, err, "hybrid search")
	if id, _ := hybrid[0].IDs.GetAsInt64(0); len(hybrid) != 1 || hybrid[0].ResultCount != 3 || id != 2900 {
		t.Fatalf("hybrid search: %d sets, top hit %d", len(hybrid), id)
	}
}

func queryGuide(t *testing.T, cli *milvusclient.Client, ctx context.Context, name string) {
	rs, err := cli.Query(ctx, milvusclient.NewQueryOption(name).WithFilter("id < 10").WithOutputFields("id", "color", "meta"))
	must(t, err, "query")
	if rs.ResultCount != 10 {
		t.Fatalf("query id < 10: %d rows", rs.ResultCount)
	}
	rs, err = cli.Query(ctx, milvusclient.NewQueryOption(name).WithFilter(`meta["n"] >= 2990`).WithOutputFields("color").WithLimit(500))
	must(t, err, "query json")
	if rs.ResultCount != 120 { // 2990..3099 and the partition's 5000..5009
		t.Fatalf(`query meta["n"] >= 2990: %d rows, want 120`, rs.ResultCount)
	}
	got, err := cli.Get(ctx, milvusclient.NewQueryOption(name).WithIDs(column.NewColumnInt64("id", []int64{1, 2950, 5003, 999999})).WithOutputFields("color"))
	must(t, err, "get by ids")
	if got.ResultCount != 3 {
		t.Fatalf("get: %d rows, want 3", got.ResultCount)
	}
	for i := 0; i < got.ResultCount; i++ {
		id, _ := got.GetColumn("id").GetAsInt64(i)
		color, _ := got.GetColumn("color").GetAsString(i)
		want := map[int64]string{1: "red_1", 2950: "blue_0", 5003: "green_3"}[id]
		if color != want {
			t.Fatalf("get id %d: color %q, want %q", id, color, want)
		}
	}
}

func deleteGuide(t *testing.T, cli *milvusclient.Client, ctx context.Context, name string) {
	del, err := cli.Delete(ctx, milvusclient.NewDeleteOption(name).WithExpr(`color == "red_0"`))
	must(t, err, "delete by expression")
	if del.DeleteCount != 580 {
		t.Fatalf("delete count %d, want 580", del.DeleteCount)
	}
	del, err = cli.Delete(ctx, milvusclient.NewDeleteOption(name).WithInt64IDs("id", []int64{1, 2}))
	must(t, err, "delete by ids")
	if del.DeleteCount != 2 {
		t.Fatalf("delete by ids count %d", del.DeleteCount)
	}
	if n := count(t, cli, ctx, name, ""); n != 3110-582 {
		t.Fatalf("count after delete: %d, want %d", n, 3110-582)
	}
}

func TestErrors(t *testing.T) {
	cli, ctx := connect(t, "")
	_, err := cli.DescribeCollection(ctx, milvusclient.NewDescribeCollectionOption("go_missing_collection"))
	wantCode(t, err, 100, "describe missing collection")
	_, err = cli.Query(ctx, milvusclient.NewQueryOption("go_missing_collection").WithFilter("id > 0"))
	wantCode(t, err, 100, "query missing collection")

	name := fmt.Sprintf("go_err_%d", time.Now().UnixNano())
	must(t, cli.CreateCollection(ctx, milvusclient.NewCreateCollectionOption(name, guideSchema(name))), "create")
	t.Cleanup(func() { _ = cli.DropCollection(context.Background(), milvusclient.NewDropCollectionOption(name)) })

	wrong := milvusclient.NewColumnBasedInsertOption(name).
		WithInt64Column("id", []int64{1}).
		WithFloatVectorColumn("vector", 4, [][]float32{{1, 2, 3, 4}}).
		WithVarcharColumn("color", []string{"x"}).
		WithColumns(column.NewColumnJSONBytes("meta", [][]byte{[]byte(`{}`)}))
	_, err = cli.Insert(ctx, wrong)
	if err == nil {
		t.Fatal("insert with dim 4 into dim 8: expected an error")
	}
	_, err = cli.Search(ctx, milvusclient.NewSearchOption(name, 3, []entity.Vector{entity.FloatVector([]float32{1, 2, 3})}).WithANNSField("vector"))
	if err == nil {
		t.Fatal("search with a dim 3 vector: expected an error")
	}
	if n := count(t, cli, ctx, name, ""); n != 0 {
		t.Fatalf("rejected insert wrote %d rows", n)
	}

	must(t, cli.ReleaseCollection(ctx, milvusclient.NewReleaseCollectionOption(name)), "release")
	_, err = cli.Query(ctx, milvusclient.NewQueryOption(name).WithFilter("id > 0"))
	wantCode(t, err, 101, "query on a released collection")
	_, err = cli.Search(ctx, milvusclient.NewSearchOption(name, 3, []entity.Vector{entity.FloatVector(make([]float32, dim))}).WithANNSField("vector"))
	wantCode(t, err, 101, "search on a released collection")
}

func TestDatabasesAndAliases(t *testing.T) {
	cli, ctx := connect(t, "")
	db := fmt.Sprintf("go_db_%d", time.Now().UnixNano())
	must(t, cli.CreateDatabase(ctx, milvusclient.NewCreateDatabaseOption(db)), "create database")
	dbs, err := cli.ListDatabase(ctx, milvusclient.NewListDatabaseOption())
	must(t, err, "list databases")
	found := false
	for _, d := range dbs {
		found = found || d == db
	}
	if !found {
		t.Fatalf("database %s not listed in %v", db, dbs)
	}

	other, octx := connect(t, db)
	name := "in_db"
	must(t, other.CreateCollection(octx, milvusclient.NewCreateCollectionOption(name, guideSchema(name))), "create in db")
	_, err = other.Insert(octx, rows(name, 0, 20, "red", 4))
	must(t, err, "insert in db")
	task, err := other.CreateIndex(octx, milvusclient.NewCreateIndexOption(name, "vector", index.NewAutoIndex(entity.COSINE)))
	must(t, err, "create index in db")
	ictx, icancel := context.WithTimeout(octx, awaitTimeout)
	defer icancel()
	must(t, task.Await(ictx), "index await in db")
	flush, err := other.Flush(octx, milvusclient.NewFlushOption(name))
	must(t, err, "flush in db")
	fctx, fcancel := context.WithTimeout(octx, awaitTimeout)
	defer fcancel()
	must(t, flush.Await(fctx), "flush await in db")

	has, err := cli.HasCollection(ctx, milvusclient.NewHasCollectionOption(name))
	must(t, err, "has in default")
	if has {
		t.Fatal("collection of another database visible in default")
	}

	must(t, other.CreateAlias(octx, milvusclient.NewCreateAliasOption(name, "in_db_alias")), "create alias")
	alias, err := other.DescribeAlias(octx, milvusclient.NewDescribeAliasOption("in_db_alias"))
	must(t, err, "describe alias")
	if alias.CollectionName != name {
		t.Fatalf("alias points at %q", alias.CollectionName)
	}
	if n := count(t, other, octx, "in_db_alias", "id >= 10"); n != 10 {
		t.Fatalf("count through alias: %d, want 10", n)
	}
	aliases, err := other.ListAliases(octx, milvusclient.NewListAliasesOption(name))
	must(t, err, "list aliases")
	if len(aliases) != 1 || aliases[0] != "in_db_alias" {
		t.Fatalf("aliases %v", aliases)
	}
	must(t, other.DropAlias(octx, milvusclient.NewDropAliasOption("in_db_alias")), "drop alias")
	must(t, other.DropCollection(octx, milvusclient.NewDropCollectionOption(name)), "drop collection in db")
	must(t, cli.DropDatabase(ctx, milvusclient.NewDropDatabaseOption(db)), "drop database")
}
