// The light compiled client of bench/concurrency.ts: the official Go SDK (milvusclient v2) driving a
// running `quiver serve`. Two modes, both reading float32 little-endian row-major files written by
// the TypeScript side (so both sides use the same seeded data):
//
//	load:   create collection "b" (id int64 pk, vec float_vector(dim)), HNSW index, insert the rows in
//	        batches, flush, wait until every row is indexed, load.
//	search: `-clients` goroutines, each with its own client connection, search (nq 1, k, ef, output
//	        field id) in a closed loop for `-seconds` after a warm-up; prints one JSON line with QPS,
//	        p50/p99, and the server's and this process's CPU seconds over the timed window.
package main

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/milvus-io/milvus/client/v2/entity"
	"github.com/milvus-io/milvus/client/v2/index"
	"github.com/milvus-io/milvus/client/v2/milvusclient"
)

const collection = "b"

var (
	address   = flag.String("address", "", "host:port of quiver serve")
	mode      = flag.String("mode", "search", "load | search")
	file      = flag.String("file", "", "float32 vectors (rows for load, queries for search)")
	dim       = flag.Int("dim", 128, "vector dimension")
	batch     = flag.Int("batch", 5000, "rows per insert (load)")
	hnswM     = flag.Int("m", 16, "HNSW M (load)")
	efc       = flag.Int("efc", 200, "HNSW efConstruction (load)")
	clients   = flag.Int("clients", 1, "concurrent clients, one connection each (search)")
	seconds   = flag.Float64("seconds", 10, "timed closed-loop duration (search)")
	warmup    = flag.Float64("warmup", 1, "untimed seconds before it (search)")
	topK      = flag.Int("k", 10, "search limit")
	ef        = flag.Int("ef", 64, "search ef")
	serverPid = flag.Int("server-pid", 0, "pid whose /proc/<pid>/stat CPU time is reported (search)")
)

func main() {
	flag.Parse()
	vectors := readVectors(*file, *dim)
	ctx := context.Background()
	switch *mode {
	case "load":
		load(ctx, vectors)
	case "search":
		search(ctx, vectors)
	default:
		fail("unknown mode %q", *mode)
	}
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
	os.Exit(1)
}

func readVectors(path string, d int) [][]float32 {
	raw, err := os.ReadFile(path)
	if err != nil {
		fail("read %s: %v", path, err)
	}
	n := len(raw) / 4 / d
	out := make([][]float32, n)
	for r := range out {
		v := make([]float32, d)
		for j := range v {
			v[j] = math.Float32frombits(binary.LittleEndian.Uint32(raw[(r*d+j)*4:]))
		}
		out[r] = v
	}
	return out
}

func connect(ctx context.Context) *milvusclient.Client {
	cli, err := milvusclient.New(ctx, &milvusclient.ClientConfig{Address: *address})
	if err != nil {
		fail("connect %s: %v", *address, err)
	}
	return cli
}

func load(ctx context.Context, rows [][]float32) {
	cli := connect(ctx)
	defer cli.Close(ctx)
	schema := entity.NewSchema().WithName(collection).
		WithField(entity.NewField().WithName("id").WithDataType(entity.FieldTypeInt64).WithIsPrimaryKey(true)).
		WithField(entity.NewField().WithName("vec").WithDataType(entity.FieldTypeFloatVector).WithDim(int64(*dim)))
	must(cli.CreateCollection(ctx, milvusclient.NewCreateCollectionOption(collection, schema)), "create collection")
	task, err := cli.CreateIndex(ctx, milvusclient.NewCreateIndexOption(collection, "vec", index.NewHNSWIndex(entity.L2, *hnswM, *efc)))
	must(err, "create index")
	must(task.Await(ctx), "create index await")
	start := time.Now()
	for s := 0; s < len(rows); s += *batch {
		e := min(s+*batch, len(rows))
		ids := make([]int64, e-s)
		for i := range ids {
			ids[i] = int64(s + i)
		}
		_, err := cli.Insert(ctx, milvusclient.NewColumnBasedInsertOption(collection).WithInt64Column("id", ids).WithFloatVectorColumn("vec", *dim, rows[s:e]))
		must(err, "insert")
	}
	insertS := time.Since(start).Seconds()
	flushed, err := cli.Flush(ctx, milvusclient.NewFlushOption(collection))
	must(err, "flush")
	must(flushed.Await(ctx), "flush await")
	for {
		d, err := cli.DescribeIndex(ctx, milvusclient.NewDescribeIndexOption(collection, "vec"))
		must(err, "describe index")
		if d.IndexedRows >= int64(len(rows)) && d.PendingIndexRows == 0 {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	loaded, err := cli.LoadCollection(ctx, milvusclient.NewLoadCollectionOption(collection))
	must(err, "load")
	must(loaded.Await(ctx), "load await")
	out, _ := json.Marshal(map[string]any{"rows": len(rows), "insertSeconds": insertS, "flushAndIndexSeconds": time.Since(start).Seconds() - insertS})
	fmt.Println(string(out))
}

func must(err error, what string) {
	if err != nil {
		fail("%s: %v", what, err)
	}
}

func procStat(pid int) string { return fmt.Sprintf("/proc/%d/stat", pid) }

// mainThreadStat is the thread whose id is the process id: Node's JS main thread (the event loop).
func mainThreadStat(pid int) string { return fmt.Sprintf("/proc/%d/task/%d/stat", pid, pid) }

// cpuSeconds is utime + stime of a /proc stat file (fields 14 and 15, in clock ticks of 1/100 s);
// the process file counts all its threads.
func cpuSeconds(path string) float64 {
	raw, err := os.ReadFile(path)
	if err != nil {
		fail("read %s: %v", path, err)
	}
	// The command name (field 2) may hold spaces; fields after its closing parenthesis start at 3.
	fields := strings.Fields(string(raw[strings.LastIndexByte(string(raw), ')')+1:]))
	utime, _ := strconv.ParseFloat(fields[11], 64)
	stime, _ := strconv.ParseFloat(fields[12], 64)
	return (utime + stime) / 100
}

func selfCPUSeconds() float64 {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	tv := func(t syscall.Timeval) float64 { return float64(t.Sec) + float64(t.Usec)/1e6 }
	return tv(ru.Utime) + tv(ru.Stime)
}

func search(ctx context.Context, queries [][]float32) {
	conns := make([]*milvusclient.Client, *clients)
	for i := range conns {
		conns[i] = connect(ctx)
		defer conns[i].Close(ctx)
	}
	var (
		wg        sync.WaitGroup
		mu        sync.Mutex
		latencies []float64
		hitErr    error
	)
	begin := time.Now()
	timedFrom := begin.Add(time.Duration(*warmup * float64(time.Second)))
	end := timedFrom.Add(time.Duration(*seconds * float64(time.Second)))
	var serverCPU0, mainCPU0, selfCPU0 float64
	var once sync.Once
	for c := range conns {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			var mine []float64
			for i := c; ; i += len(conns) {
				t := time.Now()
				if t.After(end) {
					break
				}
				if !t.Before(timedFrom) {
					// The first goroutine past the warm-up takes the CPU readings' start.
					once.Do(func() {
						if *serverPid > 0 {
							serverCPU0 = cpuSeconds(procStat(*serverPid))
							mainCPU0 = cpuSeconds(mainThreadStat(*serverPid))
						}
						selfCPU0 = selfCPUSeconds()
					})
				}
				q := queries[i%len(queries)]
				res, err := conns[c].Search(ctx, milvusclient.NewSearchOption(collection, *topK, []entity.Vector{entity.FloatVector(q)}).
					WithANNSField("vec").WithOutputFields("id").WithAnnParam(index.NewHNSWAnnParam(*ef)))
				if err == nil && (len(res) != 1 || res[0].ResultCount != *topK) {
					err = fmt.Errorf("search answered %d result sets", len(res))
				}
				if err != nil {
					mu.Lock()
					hitErr = err
					mu.Unlock()
					return
				}
				if !t.Before(timedFrom) {
					mine = append(mine, time.Since(t).Seconds()*1000)
				}
			}
			mu.Lock()
			latencies = append(latencies, mine...)
			mu.Unlock()
		}(c)
	}
	wg.Wait()
	// Calls in flight at `end` finish after it: the window is up to the last answer.
	window := time.Since(timedFrom).Seconds()
	serverCPU, mainCPU := 0.0, 0.0
	if *serverPid > 0 {
		serverCPU = cpuSeconds(procStat(*serverPid)) - serverCPU0
		mainCPU = cpuSeconds(mainThreadStat(*serverPid)) - mainCPU0
	}
	selfCPU := selfCPUSeconds() - selfCPU0
	if hitErr != nil {
		fail("search: %v", hitErr)
	}
	sort.Float64s(latencies)
	pct := func(p float64) float64 { return latencies[min(len(latencies)-1, int(p*float64(len(latencies))))] }
	n := float64(len(latencies))
	out, _ := json.Marshal(map[string]any{
		"clients": *clients, "searches": len(latencies), "seconds": window, "qps": n / window,
		"p50Ms": pct(0.5), "p99Ms": pct(0.99),
		"serverCpuSeconds": serverCPU, "serverCpuMsPerSearch": serverCPU * 1000 / n,
		"serverMainThreadCpuSeconds": mainCPU, "serverMainThreadCpuMsPerSearch": mainCPU * 1000 / n,
		"clientCpuSeconds": selfCPU, "clientCpuMsPerSearch": selfCPU * 1000 / n,
	})
	fmt.Println(string(out))
}
