package compat

// Scalar and JSON path indexes through the Go SDK v2.6 (index.NewTrieIndex, index.NewSortedIndex,
// index.NewJSONPathIndex): created, awaited, described, used by filters (counts as without them),
// and Milvus's errors for a cast BITMAP does not take.

import (
	"fmt"
	"testing"
	"time"

	"github.com/milvus-io/milvus/client/v2/index"
	"github.com/milvus-io/milvus/client/v2/milvusclient"
)

func TestScalarAndJSONPathIndexes(t *testing.T) {
	cli, ctx := connect(t, "")
	name := fmt.Sprintf("go_sidx_%d", time.Now().UnixNano())
	must(t, cli.CreateCollection(ctx, milvusclient.NewCreateCollectionOption(name, guideSchema(name))), "create")
	t.Cleanup(func() { _ = cli.DropCollection(ctx, milvusclient.NewDropCollectionOption(name)) })
	_, err := cli.Insert(ctx, rows(name, 0, 600, "c", 5))
	must(t, err, "insert")
	_, err = cli.Flush(ctx, milvusclient.NewFlushOption(name))
	must(t, err, "flush")

	filters := []string{`color == "c_3"`, `meta["n"] >= 450`, `meta["n"] < 10 or color like "c_1%"`, `tag == "c"`}
	before := make([]int64, len(filters))
	for i, f := range filters {
		before[i] = count(t, cli, ctx, name, f)
	}

	indexes := []milvusclient.CreateIndexOption{
		milvusclient.NewCreateIndexOption(name, "color", index.NewTrieIndex()).WithIndexName("color_trie"),
		milvusclient.NewCreateIndexOption(name, "meta", index.NewJSONPathIndex(index.Inverted, "double", `meta["n"]`)).WithIndexName("meta_n"),
		milvusclient.NewCreateIndexOption(name, "tag", index.NewJSONPathIndex(index.BITMAP, "varchar", "tag")).WithIndexName("tag_bitmap"),
	}
	for _, opt := range indexes {
		task, err := cli.CreateIndex(ctx, opt)
		must(t, err, "create index")
		must(t, task.Await(ctx), "await index")
	}
	desc, err := cli.DescribeIndex(ctx, milvusclient.NewDescribeIndexOption(name, "meta_n"))
	must(t, err, "describe json index")
	if p := desc.Params(); p["json_cast_type"] != "double" || p["json_path"] != `meta["n"]` || desc.IndexedRows != 600 {
		t.Fatalf("json path index described as %v (indexed rows %d)", p, desc.IndexedRows)
	}
	for i, f := range filters {
		if got := count(t, cli, ctx, name, f); got != before[i] || got == 0 {
			t.Fatalf("%s: %d rows with the indexes, %d without", f, got, before[i])
		}
	}

	_, err = cli.CreateIndex(ctx, milvusclient.NewCreateIndexOption(name, "meta", index.NewJSONPathIndex(index.BITMAP, "double", `meta["x"]`)).WithIndexName("bad"))
	wantCode(t, err, 1100, "BITMAP with a double cast")
	must(t, cli.DropIndex(ctx, milvusclient.NewDropIndexOption(name, "meta_n")), "drop json index")
}
