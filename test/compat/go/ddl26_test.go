package compat

// Milvus 2.6 DDL through the Go SDK v2.6: AddCollectionField (old rows read the default, new rows
// carry the field), AlterCollectionFieldProperty, AlterIndexProperties / DropIndexProperties,
// INVERTED / BITMAP / STL_SORT scalar indexes, DISKANN and SCANN refused by name, the consistency
// level stored and described, FlushAll / GetFlushAllState (through the SDK's gRPC stub: v2.6.2 has
// no method for them) and RBAC with authorization off.

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/milvus-io/milvus-proto/go-api/v2/milvuspb"
	"github.com/milvus-io/milvus/client/v2/column"
	"github.com/milvus-io/milvus/client/v2/entity"
	"github.com/milvus-io/milvus/client/v2/index"
	"github.com/milvus-io/milvus/client/v2/milvusclient"
	"github.com/milvus-io/milvus/pkg/v2/util/merr"
)

func fieldNamed(t *testing.T, coll *entity.Collection, name string) *entity.Field {
	t.Helper()
	for _, f := range coll.Schema.Fields {
		if f.Name == name {
			return f
		}
	}
	t.Fatalf("field %s not described in %s", name, coll.Name)
	return nil
}

func TestAddAndAlterField(t *testing.T) {
	cli, ctx := connect(t, "")
	name := fmt.Sprintf("go_add_%d", time.Now().UnixNano())
	must(t, cli.CreateCollection(ctx, milvusclient.NewCreateCollectionOption(name, guideSchema(name))), "create")
	t.Cleanup(func() { _ = cli.DropCollection(ctx, milvusclient.NewDropCollectionOption(name)) })
	_, err := cli.Insert(ctx, rows(name, 0, 10, "old", 11))
	must(t, err, "insert before")

	score := entity.NewField().WithName("score").WithDataType(entity.FieldTypeInt64).WithNullable(true).WithDefaultValueLong(7)
	must(t, cli.AddCollectionField(ctx, milvusclient.NewAddCollectionFieldOption(name, score)), "add field")
	err = cli.AddCollectionField(ctx, milvusclient.NewAddCollectionFieldOption(name,
		entity.NewField().WithName("strict").WithDataType(entity.FieldTypeInt64)))
	wantCode(t, err, 1100, "adding a field that is neither nullable nor defaulted")

	coll, err := cli.DescribeCollection(ctx, milvusclient.NewDescribeCollectionOption(name))
	must(t, err, "describe")
	if f := fieldNamed(t, coll, "score"); !f.Nullable || f.DataType != entity.FieldTypeInt64 || f.DefaultValue.GetLongData() != 7 {
		t.Fatalf("added field described as %+v", f)
	}

	vecs := randomVectors(13, 2)
	_, err = cli.Insert(ctx, milvusclient.NewColumnBasedInsertOption(name).
		WithInt64Column("id", []int64{10, 11}).WithFloatVectorColumn("vector", dim, vecs).
		WithVarcharColumn("color", []string{"new", "new"}).
		WithColumns(column.NewColumnJSONBytes("meta", [][]byte{[]byte(`{}`), []byte(`{}`)}), column.NewColumnInt64("score", []int64{1, 2})))
	must(t, err, "insert with the added field")
	rs, err := cli.Query(ctx, milvusclient.NewQueryOption(name).WithFilter("id in [0, 9, 10, 11]").WithOutputFields("id", "score"))
	must(t, err, "query the added field")
	got := map[int64]int64{}
	for i := 0; i < rs.ResultCount; i++ {
		id, _ := rs.GetColumn("id").GetAsInt64(i)
		v, _ := rs.GetColumn("score").GetAsInt64(i)
		got[id] = v
	}
	if fmt.Sprint(got) != "map[0:7 9:7 10:1 11:2]" {
		t.Fatalf("score after AddCollectionField: %v (old rows read the default 7)", got)
	}
	if n := count(t, cli, ctx, name, "score == 7"); n != 10 {
		t.Fatalf("score == 7: %d rows, want the 10 old ones", n)
	}

	// AlterCollectionFieldProperty: max_length of a VarChar grows; a vector's dim cannot change.
	must(t, cli.AlterCollectionFieldProperty(ctx, milvusclient.NewAlterCollectionFieldPropertiesOption(name, "color").WithProperty("max_length", 1024)), "alter max_length")
	coll, err = cli.DescribeCollection(ctx, milvusclient.NewDescribeCollectionOption(name))
	must(t, err, "describe after alter")
	if ml := fieldNamed(t, coll, "color").TypeParams["max_length"]; ml != "1024" {
		t.Fatalf("color max_length after alter: %q", ml)
	}
	_, err = cli.Insert(ctx, milvusclient.NewColumnBasedInsertOption(name).
		WithInt64Column("id", []int64{12}).WithFloatVectorColumn("vector", dim, vecs[:1]).
		WithVarcharColumn("color", []string{strings.Repeat("x", 500)}).
		WithColumns(column.NewColumnJSONBytes("meta", [][]byte{[]byte(`{}`)})))
	must(t, err, "insert a 500-character color under the new max_length")
	err = cli.AlterCollectionFieldProperty(ctx, milvusclient.NewAlterCollectionFieldPropertiesOption(name, "vector").WithProperty("dim", 16))
	if err == nil {
		t.Fatal("altering a vector field's dim: expected a refusal")
	}
}

func TestIndexProperties(t *testing.T) {
	cli, ctx := connect(t, "")
	name := fmt.Sprintf("go_ixp_%d", time.Now().UnixNano())
	must(t, cli.CreateCollection(ctx, milvusclient.NewCreateCollectionOption(name, guideSchema(name))), "create")
	t.Cleanup(func() { _ = cli.DropCollection(ctx, milvusclient.NewDropCollectionOption(name)) })
	_, err := cli.Insert(ctx, rows(name, 0, 300, "c", 21))
	must(t, err, "insert")

	for _, refused := range []struct {
		kind string
		ix   index.Index
	}{{"DISKANN", index.NewDiskANNIndex(entity.L2)}, {"SCANN", index.NewSCANNIndex(entity.L2, 16, true)}} {
		_, err := cli.CreateIndex(ctx, milvusclient.NewCreateIndexOption(name, "vector", refused.ix))
		wantCode(t, err, 1100, refused.kind)
		if !strings.Contains(err.Error(), refused.kind) {
			t.Fatalf("%s refused without naming it: %v", refused.kind, err)
		}
	}
	// Nothing was created: ListIndexes (DescribeIndex) answers 700 index not found, as Milvus.
	_, err = cli.ListIndexes(ctx, milvusclient.NewListIndexOption(name))
	wantCode(t, err, 700, "indexes after the refusals")

	task, err := cli.CreateIndex(ctx, milvusclient.NewCreateIndexOption(name, "vector", index.NewHNSWIndex(entity.L2, 16, 64)).WithIndexName("vi"))
	must(t, err, "HNSW")
	must(t, task.Await(ctx), "await HNSW")
	mmap := func() string {
		t.Helper()
		d, err := cli.DescribeIndex(ctx, milvusclient.NewDescribeIndexOption(name, "vi"))
		must(t, err, "describe index")
		return d.Params()["mmap.enabled"]
	}
	must(t, cli.AlterIndexProperties(ctx, milvusclient.NewAlterIndexPropertiesOption(name, "vi").WithProperty("mmap.enabled", true)), "alter index")
	if v := mmap(); v != "true" {
		t.Fatalf("mmap.enabled after AlterIndexProperties: %q", v)
	}
	must(t, cli.DropIndexProperties(ctx, milvusclient.NewDropIndexPropertiesOption(name, "vi", "mmap.enabled")), "drop index properties")
	if v := mmap(); v != "" {
		t.Fatalf("mmap.enabled after DropIndexProperties: %q", v)
	}
	err = cli.AlterIndexProperties(ctx, milvusclient.NewAlterIndexPropertiesOption(name, "vi").WithProperty("efConstruction", 8))
	if err == nil {
		t.Fatal("altering an index build parameter: expected a refusal")
	}

	// Scalar indexes on plain fields: INVERTED, BITMAP and STL_SORT change no answer.
	schema := entity.NewSchema().WithName(name + "_s").
		WithField(entity.NewField().WithName("id").WithDataType(entity.FieldTypeInt64).WithIsPrimaryKey(true)).
		WithField(entity.NewField().WithName("v").WithDataType(entity.FieldTypeFloatVector).WithDim(2)).
		WithField(entity.NewField().WithName("word").WithDataType(entity.FieldTypeVarChar).WithMaxLength(16)).
		WithField(entity.NewField().WithName("kind").WithDataType(entity.FieldTypeInt32)).
		WithField(entity.NewField().WithName("price").WithDataType(entity.FieldTypeDouble))
	sname := name + "_s"
	must(t, cli.CreateCollection(ctx, milvusclient.NewCreateCollectionOption(sname, schema)), "create scalar")
	t.Cleanup(func() { _ = cli.DropCollection(ctx, milvusclient.NewDropCollectionOption(sname)) })
	const n = 500
	ids, words, kinds, prices, vs := make([]int64, n), make([]string, n), make([]int32, n), make([]float64, n), make([][]float32, n)
	for i := range ids {
		ids[i], words[i], kinds[i], prices[i], vs[i] = int64(i), fmt.Sprintf("w%d", i%37), int32(i%6), float64(i)/4, []float32{float32(i), 1}
	}
	_, err = cli.Insert(ctx, milvusclient.NewColumnBasedInsertOption(sname).WithInt64Column("id", ids).WithFloatVectorColumn("v", 2, vs).
		WithVarcharColumn("word", words).WithColumns(column.NewColumnInt32("kind", kinds), column.NewColumnDouble("price", prices)))
	must(t, err, "insert scalar")
	flush, err := cli.Flush(ctx, milvusclient.NewFlushOption(sname))
	must(t, err, "flush scalar")
	must(t, flush.Await(ctx), "flush await")
	filters := []string{`word == "w5"`, `word in ["w1", "w2"] and kind == 3`, "kind != 0", "price >= 100.5 and price < 110", "price > 50 or kind == 5"}
	before := make([]int64, len(filters))
	for i, f := range filters {
		before[i] = count(t, cli, ctx, sname, f)
	}
	for _, ix := range []struct {
		field, kind string
		ix          index.Index
	}{{"word", "INVERTED", index.NewInvertedIndex()}, {"kind", "BITMAP", index.NewBitmapIndex()}, {"price", "STL_SORT", index.NewSortedIndex()}} {
		task, err := cli.CreateIndex(ctx, milvusclient.NewCreateIndexOption(sname, ix.field, ix.ix))
		must(t, err, ix.kind)
		must(t, task.Await(ctx), "await "+ix.kind)
		d, err := cli.DescribeIndex(ctx, milvusclient.NewDescribeIndexOption(sname, ix.field))
		must(t, err, "describe "+ix.kind)
		if d.Params()["index_type"] != ix.kind || d.IndexedRows != n {
			t.Fatalf("%s on %s described as %v, %d rows indexed", ix.kind, ix.field, d.Params(), d.IndexedRows)
		}
	}
	for i, f := range filters {
		if got := count(t, cli, ctx, sname, f); got != before[i] || got == 0 {
			t.Fatalf("%s: %d rows with the indexes, %d without", f, got, before[i])
		}
	}
	_, err = cli.CreateIndex(ctx, milvusclient.NewCreateIndexOption(sname, "price", index.NewBitmapIndex()).WithIndexName("price_bitmap"))
	if err == nil {
		t.Fatal("BITMAP on a Double field: expected a refusal")
	}
}

func TestConsistencyAndFlushAll(t *testing.T) {
	cli, ctx := connect(t, "")
	name := fmt.Sprintf("go_cl_%d", time.Now().UnixNano())
	must(t, cli.CreateCollection(ctx, milvusclient.NewCreateCollectionOption(name, guideSchema(name)).WithConsistencyLevel(entity.ClStrong)), "create strong")
	t.Cleanup(func() { _ = cli.DropCollection(ctx, milvusclient.NewDropCollectionOption(name)) })
	must(t, cli.CreateCollection(ctx, milvusclient.NewCreateCollectionOption(name+"_b", guideSchema(name+"_b"))), "create default")
	t.Cleanup(func() { _ = cli.DropCollection(ctx, milvusclient.NewDropCollectionOption(name+"_b")) })
	for coll, want := range map[string]entity.ConsistencyLevel{name: entity.ClStrong, name + "_b": entity.ClBounded} {
		d, err := cli.DescribeCollection(ctx, milvusclient.NewDescribeCollectionOption(coll))
		must(t, err, "describe "+coll)
		if d.ConsistencyLevel != want {
			t.Fatalf("%s: consistency level %v, want %v", coll, d.ConsistencyLevel, want)
		}
	}

	_, err := cli.Insert(ctx, rows(name, 0, 120, "a", 31))
	must(t, err, "insert")
	_, err = cli.Insert(ctx, rows(name+"_b", 0, 80, "b", 32))
	must(t, err, "insert b")
	resp, err := cli.GetService().FlushAll(ctx, &milvuspb.FlushAllRequest{})
	must(t, merr.CheckRPCCall(resp.GetStatus(), err), "FlushAll")
	deadline := time.Now().Add(awaitTimeout)
	for {
		state, err := cli.GetService().GetFlushAllState(ctx, &milvuspb.GetFlushAllStateRequest{FlushAllTs: resp.GetFlushAllTs()})
		must(t, merr.CheckRPCCall(state.GetStatus(), err), "GetFlushAllState")
		if state.GetFlushed() {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("GetFlushAllState never answered flushed")
		}
		time.Sleep(100 * time.Millisecond)
	}
	for coll, want := range map[string]int64{name: 120, name + "_b": 80} {
		segs, err := cli.GetPersistentSegmentInfo(ctx, milvusclient.NewGetPersistentSegmentInfoOption(coll))
		must(t, err, "segments of "+coll)
		var rows int64
		for _, s := range segs {
			if !s.Flushed() {
				t.Fatalf("%s: segment %d in state %v after FlushAll", coll, s.ID, s.State)
			}
			rows += s.NumRows
		}
		if rows != want {
			t.Fatalf("%s: %d rows in flushed segments after FlushAll, want %d", coll, rows, want)
		}
	}
}

func TestRBACWithAuthorizationOff(t *testing.T) {
	cli, ctx := connect(t, "")
	suffix := time.Now().UnixNano() % 1_000_000_000
	user, role := fmt.Sprintf("go_user_%d", suffix), fmt.Sprintf("go_role_%d", suffix)
	must(t, cli.CreateUser(ctx, milvusclient.NewCreateUserOption(user, "go-password-1")), "create user")
	t.Cleanup(func() { _ = cli.DropUser(ctx, milvusclient.NewDropUserOption(user)) })
	must(t, cli.CreateRole(ctx, milvusclient.NewCreateRoleOption(role)), "create role")
	must(t, cli.GrantRole(ctx, milvusclient.NewGrantRoleOption(user, role)), "grant role")
	must(t, cli.GrantPrivilegeV2(ctx, milvusclient.NewGrantPrivilegeV2Option(role, "Search", "books")), "grant privilege")

	users, err := cli.ListUsers(ctx, milvusclient.NewListUserOption())
	must(t, err, "list users")
	if !strings.Contains(fmt.Sprint(users), user) || !strings.Contains(fmt.Sprint(users), "root") {
		t.Fatalf("users %v", users)
	}
	desc, err := cli.DescribeUser(ctx, milvusclient.NewDescribeUserOption(user))
	must(t, err, "describe user")
	if fmt.Sprint(desc.Roles) != "["+role+"]" {
		t.Fatalf("%s has roles %v", user, desc.Roles)
	}
	r, err := cli.DescribeRole(ctx, milvusclient.NewDescribeRoleOption(role))
	must(t, err, "describe role")
	if len(r.Privileges) != 1 || r.Privileges[0].Privilege != "Search" || r.Privileges[0].ObjectName != "books" {
		t.Fatalf("%s grants %+v", role, r.Privileges)
	}
	// Milvus refuses to drop a role that still has privileges.
	err = cli.DropRole(ctx, milvusclient.NewDropRoleOption(role))
	wantCode(t, err, 1100, "drop a role with grants")
	wantCode(t, cli.CreateUser(ctx, milvusclient.NewCreateUserOption(user, "go-password-2")), 1100, "a duplicate user")

	// Authorization is off: the new user's credentials (even a wrong password) are not checked.
	other, err := milvusclient.New(ctx, &milvusclient.ClientConfig{Address: os.Getenv("QUIVER_ADDRESS"), Username: user, Password: "wrong-password"})
	must(t, err, "connect with a wrong password")
	t.Cleanup(func() { _ = other.Close(ctx) })
	if _, err := other.ListCollections(ctx, milvusclient.NewListCollectionOption()); err != nil {
		t.Fatalf("with authorization off a wrong password is not checked: %v", err)
	}

	must(t, cli.RevokePrivilegeV2(ctx, milvusclient.NewRevokePrivilegeV2Option(role, "Search", "books")), "revoke privilege")
	must(t, cli.RevokeRole(ctx, milvusclient.NewRevokeRoleOption(user, role)), "revoke role")
	must(t, cli.DropRole(ctx, milvusclient.NewDropRoleOption(role)), "drop role")
	roles, err := cli.ListRoles(ctx, milvusclient.NewListRoleOption())
	must(t, err, "list roles")
	if strings.Contains(fmt.Sprint(roles), role) || !strings.Contains(fmt.Sprint(roles), "admin") {
		t.Fatalf("roles after drop %v", roles)
	}
}
