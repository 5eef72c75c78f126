package compat

// Milvus 2.6 reads and writes through the Go SDK v2.6: the query iterator past 16,384 rows with exact
// counts, the search iterator v2 (its token) equal to a brute-force ranking, upsert with partial
// update, count(*) with filters and partitions, and order_by_fields on search (a search parameter).

import (
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"testing"
	"time"

	"github.com/milvus-io/milvus/client/v2/entity"
	"github.com/milvus-io/milvus/client/v2/index"
	"github.com/milvus-io/milvus/client/v2/milvusclient"
)

const iterRows = 20_000

// planeVectors returns n 2-d vectors from a fixed LCG.
func planeVectors(n int) [][]float32 {
	out := make([][]float32, n)
	seed := uint32(99)
	next := func() float32 {
		seed = seed*1664525 + 1013904223
		return float32(seed>>8)/float32(1<<24)*2 - 1
	}
	for i := range out {
		out[i] = []float32{next(), next()}
	}
	return out
}

func TestIterators(t *testing.T) {
	cli, ctx := connect(t, "")
	name := fmt.Sprintf("go_iter_%d", time.Now().UnixNano())
	schema := entity.NewSchema().WithName(name).
		WithField(entity.NewField().WithName("id").WithDataType(entity.FieldTypeInt64).WithIsPrimaryKey(true)).
		WithField(entity.NewField().WithName("v").WithDataType(entity.FieldTypeFloatVector).WithDim(2))
	must(t, cli.CreateCollection(ctx, milvusclient.NewCreateCollectionOption(name, schema)), "create")
	t.Cleanup(func() { _ = cli.DropCollection(ctx, milvusclient.NewDropCollectionOption(name)) })
	vecs := planeVectors(iterRows)
	for from := 0; from < iterRows; from += 5000 {
		ids := make([]int64, 5000)
		for i := range ids {
			ids[i] = int64(from + i)
		}
		_, err := cli.Insert(ctx, milvusclient.NewColumnBasedInsertOption(name).WithInt64Column("id", ids).WithFloatVectorColumn("v", 2, vecs[from:from+5000]))
		must(t, err, "insert")
	}
	task, err := cli.CreateIndex(ctx, milvusclient.NewCreateIndexOption(name, "v", index.NewFlatIndex(entity.L2)))
	must(t, err, "FLAT")
	must(t, task.Await(ctx), "await FLAT")
	load, err := cli.LoadCollection(ctx, milvusclient.NewLoadCollectionOption(name))
	must(t, err, "load")
	must(t, load.Await(ctx), "load await")

	drain := func(opt milvusclient.QueryIteratorOption) []int64 {
		t.Helper()
		it, err := cli.QueryIterator(ctx, opt)
		must(t, err, "query iterator")
		var ids []int64
		for {
			rs, err := it.Next(ctx)
			if errors.Is(err, io.EOF) {
				return ids
			}
			must(t, err, "query iterator next")
			for i := 0; i < rs.ResultCount; i++ {
				id, _ := rs.GetColumn("id").GetAsInt64(i)
				ids = append(ids, id)
			}
		}
	}
	all := drain(milvusclient.NewQueryIteratorOption(name).WithBatchSize(3000).WithOutputFields("id"))
	if len(all) != iterRows {
		t.Fatalf("query iterator: %d rows, want %d", len(all), iterRows)
	}
	for i, id := range all {
		if id != int64(i) {
			t.Fatalf("query iterator row %d is id %d: want every key once, in key order", i, id)
		}
	}
	if got := drain(milvusclient.NewQueryIteratorOption(name).WithBatchSize(4000).WithFilter("id % 3 == 0").WithOutputFields("id")); len(got) != 6667 {
		t.Fatalf("query iterator with a filter: %d rows, want 6667", len(got))
	}
	if got := drain(milvusclient.NewQueryIteratorOption(name).WithBatchSize(5000).WithIteratorLimit(17_000).WithOutputFields("id")); len(got) != 17_000 || got[16_999] != 16_999 {
		t.Fatalf("query iterator with limit 17,000: %d rows", len(got))
	}

	q := []float32{0.25, -0.5}
	type hit struct {
		id int64
		d  float32
	}
	ref := make([]hit, iterRows)
	for i, v := range vecs {
		dx, dy := v[0]-q[0], v[1]-q[1]
		ref[i] = hit{int64(i), dx*dx + dy*dy}
	}
	sort.Slice(ref, func(a, b int) bool { return ref[a].d < ref[b].d })
	const want = 2500
	it, err := cli.SearchIterator(ctx, milvusclient.NewSearchIteratorOption(name, entity.FloatVector(q)).WithANNSField("v").WithBatchSize(700).WithIteratorLimit(want))
	must(t, err, "search iterator (v2: the SDK probes for its token)")
	seen := map[int64]bool{}
	var last float32 = -1
	for {
		rs, err := it.Next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		must(t, err, "search iterator next")
		for i := 0; i < rs.ResultCount; i++ {
			id, _ := rs.IDs.GetAsInt64(i)
			if seen[id] || rs.Scores[i] < last-1e-6 {
				t.Fatalf("search iterator: id %d repeated or distance %f after %f", id, rs.Scores[i], last)
			}
			seen[id], last = true, rs.Scores[i]
		}
	}
	if len(seen) != want {
		t.Fatalf("search iterator: %d hits, want %d", len(seen), want)
	}
	for _, h := range ref[:want-1] { // the last place may tie
		if !seen[h.id] {
			t.Fatalf("search iterator missed id %d at distance %f (brute force)", h.id, h.d)
		}
	}
}

func TestPartialUpsertCountAndOrder(t *testing.T) {
	cli, ctx := connect(t, "")
	name := fmt.Sprintf("go_pu_%d", time.Now().UnixNano())
	schema := guideSchema(name).WithField(entity.NewField().WithName("rank").WithDataType(entity.FieldTypeInt64).WithNullable(true))
	must(t, cli.CreateCollection(ctx, milvusclient.NewCreateCollectionOption(name, schema)), "create")
	t.Cleanup(func() { _ = cli.DropCollection(ctx, milvusclient.NewDropCollectionOption(name)) })
	must(t, cli.CreatePartition(ctx, milvusclient.NewCreatePartitionOption(name, "p1")), "p1")
	must(t, cli.CreatePartition(ctx, milvusclient.NewCreatePartitionOption(name, "p2")), "p2")
	_, err := cli.Insert(ctx, rows(name, 0, 100, "red", 41))
	must(t, err, "insert default")
	_, err = cli.Insert(ctx, rows(name, 100, 50, "blue", 42, "p1"))
	must(t, err, "insert p1")
	_, err = cli.Insert(ctx, rows(name, 150, 30, "green", 43, "p2"))
	must(t, err, "insert p2")

	// Partial update: only color and rank of ids 0..4; vector, meta and the dynamic tag are kept.
	ids := []int64{0, 1, 2, 3, 4}
	up, err := cli.Upsert(ctx, milvusclient.NewColumnBasedInsertOption(name).WithInt64Column("id", ids).
		WithVarcharColumn("color", []string{"pink", "pink", "pink", "pink", "pink"}).WithInt64Column("rank", []int64{50, 40, 30, 20, 10}).
		WithPartialUpdate(true))
	must(t, err, "partial upsert")
	if up.UpsertCount != 5 {
		t.Fatalf("partial upsert count %d", up.UpsertCount)
	}
	rs, err := cli.Query(ctx, milvusclient.NewQueryOption(name).WithFilter("id in [0, 4, 5]").WithOutputFields("id", "color", "meta", "tag", "rank", "vector"))
	must(t, err, "query after partial upsert")
	vec0 := randomVectors(41, 1)[0]
	for i := 0; i < rs.ResultCount; i++ {
		id, _ := rs.GetColumn("id").GetAsInt64(i)
		color, _ := rs.GetColumn("color").GetAsString(i)
		meta, _ := rs.GetColumn("meta").Get(i)
		tag, _ := rs.GetColumn("tag").GetAsString(i)
		rankNull, _ := rs.GetColumn("rank").IsNull(i)
		rank, _ := rs.GetColumn("rank").GetAsInt64(i)
		want := map[int64]string{0: "pink 50 false", 4: "pink 10 false", 5: "red_0 0 true"}[id]
		if got := fmt.Sprintf("%s %d %v", color, rank, rankNull); got != want || tag != "red" || fmt.Sprintf("%s", meta) != fmt.Sprintf(`{"n": %d}`, id) && fmt.Sprintf("%s", meta) != fmt.Sprintf(`{"n":%d}`, id) {
			t.Fatalf("row %d after partial upsert: %s (tag %q, meta %s), want %s", id, got, tag, meta, want)
		}
		if id == 0 {
			v, _ := rs.GetColumn("vector").Get(i)
			if fmt.Sprint(v) != fmt.Sprint(entity.FloatVector(vec0)) {
				t.Fatalf("row 0 vector changed by a partial upsert: %v, was %v", v, vec0)
			}
		}
	}

	// count(*) with filters and partitions.
	for _, c := range []struct {
		filter string
		parts  []string
		want   int64
	}{{"", nil, 180}, {`color like "blue%"`, nil, 50}, {"", []string{"p1"}, 50}, {"id >= 120", []string{"p1", "p2"}, 60}, {`color == "pink"`, []string{"p1"}, 0}, {"rank > 15", []string{"_default"}, 4}} {
		opt := milvusclient.NewQueryOption(name).WithFilter(c.filter).WithOutputFields("count(*)")
		if len(c.parts) > 0 {
			opt = opt.WithPartitions(c.parts...)
		}
		rs, err := cli.Query(ctx, opt)
		must(t, err, "count(*) "+c.filter)
		if n, _ := rs.GetColumn("count(*)").GetAsInt64(0); n != c.want || rs.ResultCount != 1 {
			t.Fatalf("count(*) filter %q partitions %v: %d (%d rows), want %d", c.filter, c.parts, n, rs.ResultCount, c.want)
		}
	}

	// order_by_fields on search: the hits within the limit come back ordered by rank, descending.
	res, err := cli.Search(ctx, milvusclient.NewSearchOption(name, 5, []entity.Vector{entity.FloatVector(vec0)}).WithANNSField("vector").
		WithFilter("rank is not null").WithOutputFields("rank").WithSearchParam("order_by_fields", "rank:desc"))
	must(t, err, "search with order_by_fields")
	var ranks []int64
	for i := 0; i < res[0].ResultCount; i++ {
		r, _ := res[0].GetColumn("rank").GetAsInt64(i)
		ranks = append(ranks, r)
	}
	if fmt.Sprint(ranks) != "[50 40 30 20 10]" {
		t.Fatalf("search ordered by rank desc: %v", ranks)
	}
	res, err = cli.Search(ctx, milvusclient.NewSearchOption(name, 5, []entity.Vector{entity.FloatVector(vec0)}).WithANNSField("vector").
		WithFilter("rank is not null").WithOutputFields("rank").WithSearchParam("order_by_fields", "rank:asc"))
	must(t, err, "search with order_by_fields asc")
	ranks = ranks[:0]
	for i := 0; i < res[0].ResultCount; i++ {
		r, _ := res[0].GetColumn("rank").GetAsInt64(i)
		ranks = append(ranks, r)
	}
	if fmt.Sprint(ranks) != "[10 20 30 40 50]" { // id 0 (rank 50) is the nearest, yet last
		t.Fatalf("search ordered by rank asc: %v", ranks)
	}
}

// Rerank functions the Go SDK sends as FunctionScore (entity.Function of type Rerank): decay on a
// single search (similarity × gauss/exp/linear decay of a numeric field, L2 distances turned into
// 1 − 2·atan(d)/π) and in a hybrid search (the best similarity per row), rrf and weighted fusing a hybrid search.
func TestRerankFunctions(t *testing.T) {
	cli, ctx := connect(t, "")
	name := fmt.Sprintf("go_rr_%d", time.Now().UnixNano())
	schema := entity.NewSchema().WithName(name).
		WithField(entity.NewField().WithName("id").WithDataType(entity.FieldTypeInt64).WithIsPrimaryKey(true)).
		WithField(entity.NewField().WithName("v").WithDataType(entity.FieldTypeFloatVector).WithDim(2)).
		WithField(entity.NewField().WithName("price").WithDataType(entity.FieldTypeInt64))
	const n = 60
	ids, prices, vecs := make([]int64, n), make([]int64, n), make([][]float32, n)
	for i := range ids {
		ids[i], prices[i], vecs[i] = int64(i), int64(i*7%50), []float32{float32(i), 1}
	}
	must(t, cli.CreateCollection(ctx, milvusclient.NewCreateCollectionOption(name, schema)), "create")
	t.Cleanup(func() { _ = cli.DropCollection(ctx, milvusclient.NewDropCollectionOption(name)) })
	_, err := cli.Insert(ctx, milvusclient.NewColumnBasedInsertOption(name).WithInt64Column("id", ids).WithFloatVectorColumn("v", 2, vecs).WithInt64Column("price", prices))
	must(t, err, "insert")
	task, err := cli.CreateIndex(ctx, milvusclient.NewCreateIndexOption(name, "v", index.NewFlatIndex(entity.L2)))
	must(t, err, "FLAT")
	must(t, task.Await(ctx), "await FLAT")
	load, err := cli.LoadCollection(ctx, milvusclient.NewLoadCollectionOption(name))
	must(t, err, "load")
	must(t, load.Await(ctx), "load await")

	q := entity.FloatVector{30, 1}
	plain, err := cli.Search(ctx, milvusclient.NewSearchOption(name, 12, []entity.Vector{q}).WithANNSField("v"))
	must(t, err, "plain search")
	curves := map[string]func(d float64) float64{
		"gauss":  func(d float64) float64 { return math.Exp(d * d * math.Log(0.4) / 100) },
		"exp":    func(d float64) float64 { return math.Exp(math.Log(0.4) / 10 * d) },
		"linear": func(d float64) float64 { return math.Max(0.4, 1-0.6/10*d) },
	}
	for curve, f := range curves {
		type ranked struct {
			id    int64
			rank  int
			score float64
		}
		want := make([]ranked, plain[0].ResultCount)
		for i := range want {
			id, _ := plain[0].IDs.GetAsInt64(i)
			d := math.Max(0, math.Abs(float64(prices[id])-20)-1)
			want[i] = ranked{id, i, (1 - 2*math.Atan(float64(plain[0].Scores[i]))/math.Pi) * f(d)}
		}
		sort.SliceStable(want, func(a, b int) bool { return want[a].score > want[b].score })
		fr := entity.NewFunction().WithName("price_decay").WithType(entity.FunctionTypeRerank).WithInputFields("price").
			WithParam("reranker", "decay").WithParam("function", curve).WithParam("origin", 20).WithParam("scale", 10).WithParam("offset", 1).WithParam("decay", 0.4)
		res, err := cli.Search(ctx, milvusclient.NewSearchOption(name, 8, []entity.Vector{q}).WithANNSField("v").WithOffset(4).WithFunctionReranker(fr))
		must(t, err, curve+" decay search")
		if res[0].ResultCount != 8 {
			t.Fatalf("%s: %d hits", curve, res[0].ResultCount)
		}
		for i := 0; i < 8; i++ {
			id, _ := res[0].IDs.GetAsInt64(i)
			w := want[4+i]
			if id != w.id || math.Abs(float64(res[0].Scores[i])-w.score) > 1e-5 {
				t.Fatalf("%s hit %d: id %d score %f, want id %d score %f", curve, 4+i, id, res[0].Scores[i], w.id, w.score)
			}
		}
	}
	// In a hybrid search a decay function takes each row's best similarity over the requests: two
	// copies of one request answer as the single search does.
	gauss := entity.NewFunction().WithName("g").WithType(entity.FunctionTypeRerank).WithInputFields("price").
		WithParam("reranker", "decay").WithParam("function", "gauss").WithParam("origin", 20).WithParam("scale", 10)
	single, err := cli.Search(ctx, milvusclient.NewSearchOption(name, 6, []entity.Vector{q}).WithANNSField("v").WithFunctionReranker(gauss))
	must(t, err, "decay search")
	twice, err := cli.HybridSearch(ctx, milvusclient.NewHybridSearchOption(name, 6, milvusclient.NewAnnRequest("v", 6, q), milvusclient.NewAnnRequest("v", 6, q)).WithFunctionRerankers(gauss))
	must(t, err, "decay hybrid search")
	if got, want := fmt.Sprint(twice[0].IDs.FieldData()), fmt.Sprint(single[0].IDs.FieldData()); got != want || twice[0].ResultCount != 6 {
		t.Fatalf("hybrid decay over two copies of a request: %s, single search %s", got, want)
	}
	for i := range single[0].Scores {
		if math.Abs(float64(twice[0].Scores[i]-single[0].Scores[i])) > 1e-6 {
			t.Fatalf("hybrid decay score %d: %f, single search %f", i, twice[0].Scores[i], single[0].Scores[i])
		}
	}
	bad := entity.NewFunction().WithName("d").WithType(entity.FunctionTypeRerank).WithInputFields("price").
		WithParam("reranker", "decay").WithParam("function", "gauss").WithParam("origin", 0).WithParam("scale", -1)
	_, err = cli.Search(ctx, milvusclient.NewSearchOption(name, 5, []entity.Vector{q}).WithANNSField("v").WithFunctionReranker(bad))
	wantCode(t, err, 1100, "decay with scale -1")

	// rrf and weighted as functions fuse a hybrid search as the RRFReranker / WeightedReranker do.
	reqs := func() []*milvusclient.AnnRequest {
		return []*milvusclient.AnnRequest{
			milvusclient.NewAnnRequest("v", 6, q).WithFilter("price < 25"),
			milvusclient.NewAnnRequest("v", 6, entity.FloatVector{10, 1}),
		}
	}
	for _, c := range []struct {
		fn  *entity.Function
		old milvusclient.Reranker
	}{
		{entity.NewFunction().WithName("r").WithType(entity.FunctionTypeRerank).WithParam("reranker", "rrf").WithParam("k", 20), milvusclient.NewRRFReranker().WithK(20)},
		{entity.NewFunction().WithName("w").WithType(entity.FunctionTypeRerank).WithParam("reranker", "weighted").WithParam("weights", []float64{0.3, 0.7}), milvusclient.NewWeightedReranker([]float64{0.3, 0.7})},
	} {
		byFn, err := cli.HybridSearch(ctx, milvusclient.NewHybridSearchOption(name, 6, reqs()...).WithFunctionRerankers(c.fn))
		must(t, err, "hybrid with a rerank function")
		byRanker, err := cli.HybridSearch(ctx, milvusclient.NewHybridSearchOption(name, 6, reqs()...).WithReranker(c.old))
		must(t, err, "hybrid with a reranker")
		got, want := fmt.Sprint(byFn[0].IDs.FieldData(), byFn[0].Scores), fmt.Sprint(byRanker[0].IDs.FieldData(), byRanker[0].Scores)
		if got != want || byFn[0].ResultCount != 6 {
			t.Fatalf("hybrid with function %s: %s, with the reranker %s", c.fn.Name, got, want)
		}
	}
}
