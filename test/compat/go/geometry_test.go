package compat

// Geometry through the Go SDK v2.6 (entity.FieldTypeGeometry, column.NewColumnGeometryWKT,
// index.NewRTreeIndex): WKT in, Milvus's WKT out, st_* filters equal before and after an RTREE
// index, and invalid WKT refused with 1100.

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

func TestGeometry(t *testing.T) {
	cli, ctx := connect(t, "")
	name := fmt.Sprintf("go_geo_%d", time.Now().UnixNano())
	schema := entity.NewSchema().WithName(name).
		WithField(entity.NewField().WithName("id").WithDataType(entity.FieldTypeInt64).WithIsPrimaryKey(true)).
		WithField(entity.NewField().WithName("v").WithDataType(entity.FieldTypeFloatVector).WithDim(2)).
		WithField(entity.NewField().WithName("geo").WithDataType(entity.FieldTypeGeometry))
	must(t, cli.CreateCollection(ctx, milvusclient.NewCreateCollectionOption(name, schema)), "create")
	t.Cleanup(func() { _ = cli.DropCollection(ctx, milvusclient.NewDropCollectionOption(name)) })

	ids := []int64{1, 2, 3, 4}
	vecs := [][]float32{{1, 0}, {0, 1}, {1, 1}, {0.5, 0.5}}
	wkts := []string{"POINT(13.399710 52.518010)", "POLYGON((0 0, 10 0, 10 10, 0 10, 0 0))", "LINESTRING (0 0, 3 4)", "MULTIPOINT (1 1, 20 20)"}
	_, err := cli.Insert(ctx, milvusclient.NewColumnBasedInsertOption(name).WithColumns(
		column.NewColumnInt64("id", ids), column.NewColumnFloatVector("v", 2, vecs), column.NewColumnGeometryWKT("geo", wkts)))
	must(t, err, "insert")
	task, err := cli.CreateIndex(ctx, milvusclient.NewCreateIndexOption(name, "v", index.NewFlatIndex(entity.L2)))
	must(t, err, "index v")
	must(t, task.Await(ctx), "await v")
	load, err := cli.LoadCollection(ctx, milvusclient.NewLoadCollectionOption(name))
	must(t, err, "load")
	must(t, load.Await(ctx), "load await")

	rs, err := cli.Query(ctx, milvusclient.NewQueryOption(name).WithFilter("id > 0").WithOutputFields("geo"))
	must(t, err, "query")
	got := map[int64]string{}
	for i := 0; i < rs.ResultCount; i++ {
		id, _ := rs.GetColumn("id").GetAsInt64(i)
		g, _ := rs.GetColumn("geo").GetAsString(i)
		got[id] = g
	}
	want := map[int64]string{1: "POINT (13.39971 52.51801)", 2: "POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0))", 3: "LINESTRING (0 0, 3 4)", 4: "MULTIPOINT ((1 1), (20 20))"}
	for id, w := range want {
		if got[id] != w {
			t.Fatalf("geo of %d: %q, want %q", id, got[id], w)
		}
	}

	filters := map[string][]int64{
		"ST_CONTAINS(geo, 'POINT (5 5)')":                                 {2},
		"st_intersects(geo, 'POINT (1 1)')":                               {2, 4},
		"ST_WITHIN(geo, 'POLYGON ((-1 -1, 30 -1, 30 30, -1 30, -1 -1))')": {2, 3, 4},
		"ST_DWITHIN(geo, 'POINT (13.4 52.518)', 100)":                     {1},
		"ST_CROSSES(geo, 'LINESTRING (0 2, 20 2)')":                       {2, 3},
	}
	check := func(stage string) {
		for f, w := range filters {
			rs, err := cli.Query(ctx, milvusclient.NewQueryOption(name).WithFilter(f).WithOutputFields("id"))
			must(t, err, f)
			var ids []int64
			for i := 0; i < rs.ResultCount; i++ {
				id, _ := rs.GetColumn("id").GetAsInt64(i)
				ids = append(ids, id)
			}
			sort.Slice(ids, func(a, b int) bool { return ids[a] < ids[b] })
			if fmt.Sprint(ids) != fmt.Sprint(w) {
				t.Fatalf("%s %s: %v, want %v", stage, f, ids, w)
			}
		}
	}
	check("scanned")
	flush, err := cli.Flush(ctx, milvusclient.NewFlushOption(name))
	must(t, err, "flush")
	must(t, flush.Await(ctx), "flush await")
	rt, err := cli.CreateIndex(ctx, milvusclient.NewCreateIndexOption(name, "geo", index.NewRTreeIndex()))
	must(t, err, "RTREE")
	must(t, rt.Await(ctx), "await RTREE")
	check("with RTREE")

	_, err = cli.Insert(ctx, milvusclient.NewColumnBasedInsertOption(name).WithColumns(
		column.NewColumnInt64("id", []int64{9}), column.NewColumnFloatVector("v", 2, [][]float32{{0, 0}}), column.NewColumnGeometryWKT("geo", []string{"POINT (1)"})))
	wantCode(t, err, 1100, "invalid WKT")
}
