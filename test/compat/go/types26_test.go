package compat

// Milvus 2.6 data types through the Go SDK v2.6: Timestamptz (microseconds in, RFC 3339 text in the
// collection's timezone out, ISO and INTERVAL filters), nullable vector fields, struct array fields
// with scalar sub-fields (element_filter), sparse vectors with SPARSE_INVERTED_INDEX and SPARSE_WAND,
// VarChar autoID keys and array literal equality (`tags == [..]`).

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/milvus-io/milvus-proto/go-api/v2/milvuspb"
	"github.com/milvus-io/milvus-proto/go-api/v2/schemapb"
	"github.com/milvus-io/milvus/client/v2/column"
	"github.com/milvus-io/milvus/client/v2/entity"
	"github.com/milvus-io/milvus/client/v2/index"
	"github.com/milvus-io/milvus/client/v2/milvusclient"
	"github.com/milvus-io/milvus/pkg/v2/util/merr"
)

// idsOf returns the int64 primary keys of a result set, sorted.
func idsOf(t *testing.T, rs milvusclient.ResultSet, field string) []int64 {
	t.Helper()
	var ids []int64
	for i := 0; i < rs.ResultCount; i++ {
		id, err := rs.GetColumn(field).GetAsInt64(i)
		must(t, err, "id")
		ids = append(ids, id)
	}
	sort.Slice(ids, func(a, b int) bool { return ids[a] < ids[b] })
	return ids
}

type ctxT = context.Context

// createLoaded creates the collection, a FLAT index on vecField (when given) and loads it.
func createLoaded(t *testing.T, cli *milvusclient.Client, c ctxT, opt milvusclient.CreateCollectionOption, name string) {
	t.Helper()
	must(t, cli.CreateCollection(c, opt), "create "+name)
	t.Cleanup(func() { _ = cli.DropCollection(c, milvusclient.NewDropCollectionOption(name)) })
	load, err := cli.LoadCollection(c, milvusclient.NewLoadCollectionOption(name))
	must(t, err, "load "+name)
	must(t, load.Await(c), "load await "+name)
}

func filterIDs(t *testing.T, cli *milvusclient.Client, c ctxT, name, filter string) []int64 {
	t.Helper()
	rs, err := cli.Query(c, milvusclient.NewQueryOption(name).WithFilter(filter).WithOutputFields("id"))
	must(t, err, filter)
	return idsOf(t, rs, "id")
}

// Go SDK v2.6.2 cannot express Timestamptz on its own: entity.FieldTypeTimestamptz is 15 (Milvus 2.6's
// DataType is 26, so a schema built with it is refused, by Milvus too) and ColumnTimestamptz.FieldData
// panics. The schema therefore names DataType 26, rows go through the SDK's gRPC stub (GetService) as
// microseconds and as ISO text, and filters go through the SDK's Query.
func TestTimestamptz(t *testing.T) {
	cli, ctx := connect(t, "")
	name := fmt.Sprintf("go_tz_%d", time.Now().UnixNano())
	bad := entity.NewSchema().WithName(name).
		WithField(entity.NewField().WithName("id").WithDataType(entity.FieldTypeInt64).WithIsPrimaryKey(true)).
		WithField(entity.NewField().WithName("v").WithDataType(entity.FieldTypeFloatVector).WithDim(2)).
		WithField(entity.NewField().WithName("ts").WithDataType(entity.FieldTypeTimestamptz))
	wantCode(t, cli.CreateCollection(ctx, milvusclient.NewCreateCollectionOption(name, bad)), 1100, "DataType 15 (the SDK's FieldTypeTimestamptz)")

	tsType := entity.FieldType(schemapb.DataType_Timestamptz)
	schema := entity.NewSchema().WithName(name).
		WithField(entity.NewField().WithName("id").WithDataType(entity.FieldTypeInt64).WithIsPrimaryKey(true)).
		WithField(entity.NewField().WithName("v").WithDataType(entity.FieldTypeFloatVector).WithDim(2)).
		WithField(entity.NewField().WithName("ts").WithDataType(tsType))
	createLoaded(t, cli, ctx, milvusclient.NewCreateCollectionOption(name, schema).WithProperty("timezone", "Asia/Shanghai"), name)
	coll, err := cli.DescribeCollection(ctx, milvusclient.NewDescribeCollectionOption(name))
	must(t, err, "describe")
	if coll.Properties["timezone"] != "Asia/Shanghai" || coll.Schema.Fields[2].DataType != tsType {
		t.Fatalf("described: properties %v, ts type %v", coll.Properties, coll.Schema.Fields[2].DataType)
	}

	base := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	micros := []int64{base.UnixMicro(), base.Add(24 * time.Hour).UnixMicro()}
	rawInsert(t, cli, ctx, name, column.NewColumnInt64("id", []int64{1, 2}).FieldData(),
		column.NewColumnFloatVector("v", 2, [][]float32{{1, 0}, {0, 1}}).FieldData(),
		&schemapb.FieldData{FieldName: "ts", Type: schemapb.DataType_Timestamptz, Field: &schemapb.FieldData_Scalars{Scalars: &schemapb.ScalarField{
			Data: &schemapb.ScalarField_TimestamptzData{TimestamptzData: &schemapb.TimestamptzArray{Data: micros}}}}})
	// ISO 8601 text with an offset, and naive text read in the collection's timezone.
	rawInsert(t, cli, ctx, name, column.NewColumnInt64("id", []int64{3, 4}).FieldData(),
		column.NewColumnFloatVector("v", 2, [][]float32{{1, 1}, {2, 2}}).FieldData(),
		&schemapb.FieldData{FieldName: "ts", Type: schemapb.DataType_Timestamptz, Field: &schemapb.FieldData_Scalars{Scalars: &schemapb.ScalarField{
			Data: &schemapb.ScalarField_StringData{StringData: &schemapb.StringArray{Data: []string{"2025-01-05T03:04:05Z", "2025-01-06 08:00:00"}}}}}})

	resp, err := cli.GetService().Query(ctx, &milvuspb.QueryRequest{CollectionName: name, Expr: "id > 0", OutputFields: []string{"ts"}})
	must(t, merr.CheckRPCCall(resp, err), "query ts")
	out := map[int64]string{}
	var tsData []string
	for _, fd := range resp.GetFieldsData() {
		if fd.GetFieldName() == "ts" {
			tsData = fd.GetScalars().GetStringData().GetData()
		}
	}
	for _, fd := range resp.GetFieldsData() {
		if fd.GetFieldName() == "id" {
			for i, id := range fd.GetScalars().GetLongData().GetData() {
				if i < len(tsData) {
					out[id] = tsData[i]
				}
			}
		}
	}
	want := map[int64]string{1: "2025-01-02T11:04:05+08:00", 2: "2025-01-03T11:04:05+08:00", 3: "2025-01-05T11:04:05+08:00", 4: "2025-01-06T08:00:00+08:00"}
	if fmt.Sprint(out) != fmt.Sprint(want) {
		t.Fatalf("ts out (RFC 3339 in Asia/Shanghai): %v, want %v", out, want)
	}

	filters := map[string][]int64{
		`ts > ISO '2025-01-02T03:04:05Z'`:                                      {2, 3, 4},
		`ts == ISO '2025-01-02T11:04:05+08:00'`:                                {1},
		`ts + INTERVAL 'P1D' <= ISO '2025-01-03T03:04:05Z'`:                    {1},
		`ts - INTERVAL 'PT1H' > ISO '2025-01-05T00:00:00Z'`:                    {3, 4},
		`ts >= ISO '2025-01-03T00:00:00Z' and ts < ISO '2025-01-06T00:00:00Z'`: {2, 3}, // row 4 is 2025-01-06T00:00:00Z
	}
	for f, want := range filters {
		if ids := filterIDs(t, cli, ctx, name, f); fmt.Sprint(ids) != fmt.Sprint(want) {
			t.Fatalf("%s: %v, want %v", f, ids, want)
		}
	}
	_, err = cli.Query(ctx, milvusclient.NewQueryOption(name).WithFilter(`ts > ISO 'yesterday'`))
	wantCode(t, err, 1100, "an ISO literal that is not a timestamp")
}

// rawInsert sends an InsertRequest through the SDK's gRPC stub (for what the v2.6.2 column API cannot build).
func rawInsert(t *testing.T, cli *milvusclient.Client, c ctxT, name string, fields ...*schemapb.FieldData) {
	t.Helper()
	n := uint32(0)
	if ids := fields[0].GetScalars().GetLongData().GetData(); ids != nil {
		n = uint32(len(ids))
	}
	resp, err := cli.GetService().Insert(c, &milvuspb.InsertRequest{CollectionName: name, FieldsData: fields, NumRows: n})
	must(t, merr.CheckRPCCall(resp.GetStatus(), err), "insert "+name)
	if resp.GetInsertCnt() != int64(n) {
		t.Fatalf("insert %s: %d rows written, sent %d", name, resp.GetInsertCnt(), n)
	}
}

func TestNullableVector(t *testing.T) {
	cli, ctx := connect(t, "")
	name := fmt.Sprintf("go_nv_%d", time.Now().UnixNano())
	schema := entity.NewSchema().WithName(name).
		WithField(entity.NewField().WithName("id").WithDataType(entity.FieldTypeInt64).WithIsPrimaryKey(true)).
		WithField(entity.NewField().WithName("v").WithDataType(entity.FieldTypeFloatVector).WithDim(2).WithNullable(true))
	createLoaded(t, cli, ctx, milvusclient.NewCreateCollectionOption(name, schema), name)
	coll, err := cli.DescribeCollection(ctx, milvusclient.NewDescribeCollectionOption(name))
	must(t, err, "describe")
	if !coll.Schema.Fields[1].Nullable {
		t.Fatal("vector field not described as nullable")
	}

	// v2.6.2's ColumnFloatVector.AppendValue does not record validity, so the column is built in the
	// SDK's compact form: the valid vectors, then AppendNull for each null row (rows 0, 2, 4 then 1, 3, 5).
	vec := column.NewColumnFloatVector("v", 2, [][]float32{{0, 1}, {2, 1}, {4, 1}})
	vec.SetNullable(true)
	for i := 0; i < 3; i++ {
		must(t, vec.AppendNull(), "append null")
	}
	_, err = cli.Insert(ctx, milvusclient.NewColumnBasedInsertOption(name).WithColumns(column.NewColumnInt64("id", []int64{0, 2, 4, 1, 3, 5}), vec))
	must(t, err, "insert with null vectors")

	// v2.6.2 parses vector columns without their valid_data, so the answer is read from the stub.
	resp, err := cli.GetService().Query(ctx, &milvuspb.QueryRequest{CollectionName: name, Expr: "id >= 0", OutputFields: []string{"id", "v"}})
	must(t, merr.CheckRPCCall(resp, err), "query")
	for _, fd := range resp.GetFieldsData() {
		if fd.GetFieldName() == "v" {
			got := fmt.Sprint(fd.GetValidData(), fd.GetVectors().GetFloatVector().GetData())
			if got != "[true false true false true false] [0 1 2 1 4 1]" {
				t.Fatalf("v out (rows 0..5): valid_data and vectors %s", got)
			}
		}
	}
	// A search only sees the rows that have a vector: COSINE to (4, 1) ranks 4, 2, 0.
	res, err := cli.Search(ctx, milvusclient.NewSearchOption(name, 10, []entity.Vector{entity.FloatVector{4, 1}}).WithANNSField("v"))
	must(t, err, "search")
	var hits []int64
	for i := 0; i < res[0].ResultCount; i++ {
		id, _ := res[0].IDs.GetAsInt64(i)
		hits = append(hits, id)
	}
	if fmt.Sprint(hits) != "[4 2 0]" || res[0].Scores[0] < 0.9999 {
		t.Fatalf("search over a nullable vector (COSINE): %v at %v, want [4 2 0], the first at 1", hits, res[0].Scores)
	}
}

func TestStructArray(t *testing.T) {
	cli, ctx := connect(t, "")
	name := fmt.Sprintf("go_sa_%d", time.Now().UnixNano())
	item := entity.NewStructSchema().
		WithField(entity.NewField().WithName("label").WithDataType(entity.FieldTypeVarChar).WithMaxLength(16)).
		WithField(entity.NewField().WithName("order").WithDataType(entity.FieldTypeInt64))
	schema := entity.NewSchema().WithName(name).
		WithField(entity.NewField().WithName("id").WithDataType(entity.FieldTypeInt64).WithIsPrimaryKey(true)).
		WithField(entity.NewField().WithName("v").WithDataType(entity.FieldTypeFloatVector).WithDim(2)).
		WithField(entity.NewField().WithName("items").WithDataType(entity.FieldTypeArray).WithElementType(entity.FieldTypeStruct).
			WithMaxCapacity(4).WithStructSchema(item))
	createLoaded(t, cli, ctx, milvusclient.NewCreateCollectionOption(name, schema), name)

	labels := [][]string{{"a", "b"}, {"c"}, {}, {"d", "e", "f"}}
	orders := [][]int64{{10, 60}, {70}, {}, {1, 2, 55}}
	// v2.6.2's Schema.ReadProto drops struct_array_fields, so its Insert says "field items does not
	// exist"; the SDK's own struct column goes through its gRPC stub instead.
	rawInsert(t, cli, ctx, name, column.NewColumnInt64("id", []int64{1, 2, 3, 4}).FieldData(),
		column.NewColumnFloatVector("v", 2, [][]float32{{1, 0}, {0, 1}, {1, 1}, {2, 2}}).FieldData(),
		column.NewColumnStructArray("items", []column.Column{column.NewColumnVarCharArray("label", labels), column.NewColumnInt64Array("order", orders)}).FieldData())

	// Struct arrays come back as Milvus 2.6 sends them (DataType ArrayOfStruct), which v2.6.2's
	// result parser does not know: read through the stub.
	resp, err := cli.GetService().Query(ctx, &milvuspb.QueryRequest{CollectionName: name, Expr: "id in [1, 4]", OutputFields: []string{"id", "items"}})
	must(t, merr.CheckRPCCall(resp, err), "query structs")
	var got string
	for _, fd := range resp.GetFieldsData() {
		if fd.GetFieldName() == "items" {
			for _, sub := range fd.GetStructArrays().GetFields() {
				for _, row := range sub.GetScalars().GetArrayData().GetData() {
					got += fmt.Sprintf("%s%v%v ", sub.GetFieldName(), row.GetStringData().GetData(), row.GetLongData().GetData())
				}
			}
		}
	}
	if got != "label[a b][] label[d e f][] order[][10 60] order[][1 2 55] " {
		t.Fatalf("items out of rows 1 and 4: %s", got)
	}
	// element_filter: rows with an element whose order >= 50.
	if ids := filterIDs(t, cli, ctx, name, "element_filter(items, $[order] >= 50)"); fmt.Sprint(ids) != "[1 2 4]" {
		t.Fatalf("element_filter order >= 50: %v", ids)
	}
	if ids := filterIDs(t, cli, ctx, name, `element_filter(items, $[label] == "e" and $[order] == 2)`); fmt.Sprint(ids) != "[4]" {
		t.Fatalf("element_filter label e and order 2: %v", ids)
	}
}

func TestSparseIndexes(t *testing.T) {
	cli, ctx := connect(t, "")
	name := fmt.Sprintf("go_sp_%d", time.Now().UnixNano())
	schema := entity.NewSchema().WithName(name).
		WithField(entity.NewField().WithName("id").WithDataType(entity.FieldTypeInt64).WithIsPrimaryKey(true)).
		WithField(entity.NewField().WithName("sp").WithDataType(entity.FieldTypeSparseVector))
	must(t, cli.CreateCollection(ctx, milvusclient.NewCreateCollectionOption(name, schema)), "create")
	t.Cleanup(func() { _ = cli.DropCollection(ctx, milvusclient.NewDropCollectionOption(name)) })

	const n = 200
	ids := make([]int64, n)
	rows := make([]entity.SparseEmbedding, n)
	for i := range rows {
		ids[i] = int64(i)
		pos := []uint32{uint32(i % 17), uint32(17 + i%5), uint32(100 + i)}
		val := []float32{float32(i%7) + 1, 0.5, float32(i) / 100}
		emb, err := entity.NewSliceSparseEmbedding(pos, val)
		must(t, err, "sparse row")
		rows[i] = emb
	}
	_, err := cli.Insert(ctx, milvusclient.NewColumnBasedInsertOption(name).WithColumns(column.NewColumnInt64("id", ids), column.NewColumnSparseVectors("sp", rows)))
	must(t, err, "insert")
	q, _ := entity.NewSliceSparseEmbedding([]uint32{3, 18}, []float32{1, 2})
	// brute-force IP reference
	type hit struct {
		id    int64
		score float32
	}
	ref := make([]hit, n)
	for i := range ref {
		var s float32
		if i%17 == 3 {
			s += float32(i%7) + 1
		}
		if 17+i%5 == 18 {
			s += 2 * 0.5
		}
		ref[i] = hit{int64(i), s}
	}
	sort.SliceStable(ref, func(a, b int) bool { return ref[a].score > ref[b].score })

	for _, idx := range []struct {
		name string
		ix   index.Index
		kind string
	}{{"sp_inv", index.NewSparseInvertedIndex(entity.IP, 0), "SPARSE_INVERTED_INDEX"}, {"sp_wand", index.NewSparseWANDIndex(entity.IP, 0), "SPARSE_WAND"}} {
		_ = cli.ReleaseCollection(ctx, milvusclient.NewReleaseCollectionOption(name))
		_ = cli.DropIndex(ctx, milvusclient.NewDropIndexOption(name, "sp_inv"))
		task, err := cli.CreateIndex(ctx, milvusclient.NewCreateIndexOption(name, "sp", idx.ix).WithIndexName(idx.name))
		must(t, err, "create "+idx.kind)
		must(t, task.Await(ctx), "await "+idx.kind)
		desc, err := cli.DescribeIndex(ctx, milvusclient.NewDescribeIndexOption(name, idx.name))
		must(t, err, "describe "+idx.kind)
		if desc.Params()["index_type"] != idx.kind || desc.Params()["metric_type"] != "IP" {
			t.Fatalf("%s described as %v", idx.kind, desc.Params())
		}
		load, err := cli.LoadCollection(ctx, milvusclient.NewLoadCollectionOption(name))
		must(t, err, "load")
		must(t, load.Await(ctx), "load await")
		res, err := cli.Search(ctx, milvusclient.NewSearchOption(name, 5, []entity.Vector{q}).WithANNSField("sp").WithAnnParam(index.NewSparseAnnParam()))
		must(t, err, "search "+idx.kind)
		if res[0].ResultCount != 5 {
			t.Fatalf("%s: %d hits", idx.kind, res[0].ResultCount)
		}
		for i := 0; i < 5; i++ {
			if diff := res[0].Scores[i] - ref[i].score; diff > 1e-4 || diff < -1e-4 {
				t.Fatalf("%s hit %d: score %f, brute force %f", idx.kind, i, res[0].Scores[i], ref[i].score)
			}
		}
	}
}

func TestVarCharAutoIDAndArrayEquality(t *testing.T) {
	cli, ctx := connect(t, "")
	name := fmt.Sprintf("go_vk_%d", time.Now().UnixNano())
	schema := entity.NewSchema().WithName(name).WithAutoID(true).
		WithField(entity.NewField().WithName("pk").WithDataType(entity.FieldTypeVarChar).WithMaxLength(64).WithIsPrimaryKey(true).WithIsAutoID(true)).
		WithField(entity.NewField().WithName("v").WithDataType(entity.FieldTypeFloatVector).WithDim(2)).
		WithField(entity.NewField().WithName("tags").WithDataType(entity.FieldTypeArray).WithElementType(entity.FieldTypeInt64).WithMaxCapacity(8))
	createLoaded(t, cli, ctx, milvusclient.NewCreateCollectionOption(name, schema), name)

	ins, err := cli.Insert(ctx, milvusclient.NewColumnBasedInsertOption(name).WithColumns(
		column.NewColumnFloatVector("v", 2, [][]float32{{1, 0}, {0, 1}, {1, 1}}),
		column.NewColumnInt64Array("tags", [][]int64{{1, 2, 3}, {3, 2, 1}, {1, 2}})))
	must(t, err, "insert without keys")
	keys, ok := ins.IDs.(*column.ColumnVarChar)
	if !ok || keys.Len() != 3 {
		t.Fatalf("allocated keys: %T of %d", ins.IDs, ins.IDs.Len())
	}
	seen := map[string]bool{}
	for _, k := range keys.Data() {
		if k == "" || strings.Trim(k, "0123456789") != "" || seen[k] {
			t.Fatalf("allocated VarChar keys %v: want distinct decimal ids", keys.Data())
		}
		seen[k] = true
	}

	rs, err := cli.Query(ctx, milvusclient.NewQueryOption(name).WithFilter("tags == [1, 2, 3]").WithOutputFields("pk", "tags"))
	must(t, err, "tags == [1, 2, 3]")
	if rs.ResultCount != 1 {
		t.Fatalf("tags == [1, 2, 3]: %d rows, want 1", rs.ResultCount)
	}
	pk, _ := rs.GetColumn("pk").GetAsString(0)
	if pk != keys.Data()[0] {
		t.Fatalf("tags == [1, 2, 3] matched key %q, want %q", pk, keys.Data()[0])
	}
	for f, want := range map[string]int{"tags != [1, 2, 3]": 2, "tags == [3, 2, 1] or tags == [1, 2]": 2, "tags == []": 0} {
		rs, err := cli.Query(ctx, milvusclient.NewQueryOption(name).WithFilter(f).WithOutputFields("pk"))
		must(t, err, f)
		if rs.ResultCount != want {
			t.Fatalf("%s: %d rows, want %d", f, rs.ResultCount, want)
		}
	}
	got, err := cli.Get(ctx, milvusclient.NewQueryOption(name).WithIDs(column.NewColumnVarChar("pk", keys.Data()[1:2])).WithOutputFields("tags"))
	must(t, err, "get by VarChar key")
	if got.ResultCount != 1 || fmt.Sprint(got.GetColumn("tags").FieldData().GetScalars().GetArrayData().GetData()[0].GetLongData().GetData()) != "[3 2 1]" {
		t.Fatalf("get by allocated key: %d rows", got.ResultCount)
	}
}
