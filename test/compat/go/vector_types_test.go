package compat

// Int8Vector through the Go SDK v2.6 (entity.FieldTypeInt8Vector, column.NewColumnInt8Vector,
// entity.Int8Vector queries): rows come back equal, HNSW search equals a brute-force L2 reference,
// and an index type Milvus refuses for int8 (IVF_FLAT) is 1100.

import (
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/milvus-io/milvus/client/v2/column"
	"github.com/milvus-io/milvus/client/v2/entity"
	"github.com/milvus-io/milvus/client/v2/index"
	"github.com/milvus-io/milvus/client/v2/milvusclient"
)

func TestInt8Vector(t *testing.T) {
	cli, ctx := connect(t, "")
	name := fmt.Sprintf("go_i8_%d", time.Now().UnixNano())
	schema := entity.NewSchema().WithName(name).
		WithField(entity.NewField().WithName("id").WithDataType(entity.FieldTypeInt64).WithIsPrimaryKey(true)).
		WithField(entity.NewField().WithName("v").WithDataType(entity.FieldTypeInt8Vector).WithDim(dim))
	must(t, cli.CreateCollection(ctx, milvusclient.NewCreateCollectionOption(name, schema)), "create")
	t.Cleanup(func() { _ = cli.DropCollection(ctx, milvusclient.NewDropCollectionOption(name)) })

	const n = 300
	ids := make([]int64, n)
	vecs := make([][]int8, n)
	seed := uint32(7)
	for i := range vecs {
		ids[i] = int64(i)
		vecs[i] = make([]int8, dim)
		for k := range vecs[i] {
			seed = seed*1664525 + 1013904223
			vecs[i][k] = int8(seed >> 24)
		}
	}
	_, err := cli.Insert(ctx, milvusclient.NewColumnBasedInsertOption(name).WithColumns(column.NewColumnInt64("id", ids), column.NewColumnInt8Vector("v", dim, vecs)))
	must(t, err, "insert")

	_, err = cli.CreateIndex(ctx, milvusclient.NewCreateIndexOption(name, "v", index.NewIvfFlatIndex(entity.L2, 8)))
	wantCode(t, err, 1100, "IVF_FLAT on Int8Vector")
	task, err := cli.CreateIndex(ctx, milvusclient.NewCreateIndexOption(name, "v", index.NewHNSWIndex(entity.L2, 16, 200)))
	must(t, err, "create HNSW")
	must(t, task.Await(ctx), "await HNSW")
	flush, err := cli.Flush(ctx, milvusclient.NewFlushOption(name))
	must(t, err, "flush")
	must(t, flush.Await(ctx), "flush await")
	load, err := cli.LoadCollection(ctx, milvusclient.NewLoadCollectionOption(name))
	must(t, err, "load")
	must(t, load.Await(ctx), "load await")

	rs, err := cli.Query(ctx, milvusclient.NewQueryOption(name).WithFilter("id in [0, 299]").WithOutputFields("v"))
	must(t, err, "query")
	col, ok := rs.GetColumn("v").(*column.ColumnInt8Vector)
	if !ok || col.Len() != 2 {
		t.Fatalf("query: column %T of %d rows", rs.GetColumn("v"), rs.GetColumn("v").Len())
	}
	for i := 0; i < 2; i++ {
		id, _ := rs.GetColumn("id").GetAsInt64(i)
		got := col.Data()[i]
		for k := range got {
			if got[k] != vecs[id][k] {
				t.Fatalf("row %d: %v, inserted %v", id, got, vecs[id])
			}
		}
	}

	q := vecs[17]
	res, err := cli.Search(ctx, milvusclient.NewSearchOption(name, 5, []entity.Vector{entity.Int8Vector(q)}).WithANNSField("v").WithSearchParam("ef", "300"))
	must(t, err, "search")
	type hit struct {
		id int64
		d  int64
	}
	ref := make([]hit, n)
	for i, v := range vecs {
		var d int64
		for k := range v {
			x := int64(v[k]) - int64(q[k])
			d += x * x
		}
		ref[i] = hit{int64(i), d}
	}
	sort.Slice(ref, func(a, b int) bool { return ref[a].d < ref[b].d || (ref[a].d == ref[b].d && ref[a].id < ref[b].id) })
	for i := 0; i < 5; i++ {
		id, _ := res[0].IDs.GetAsInt64(i)
		if id != ref[i].id || float64(res[0].Scores[i]) != float64(ref[i].d) {
			t.Fatalf("hit %d: id %d score %f, brute force %d at %d", i, id, res[0].Scores[i], ref[i].id, ref[i].d)
		}
	}
}
