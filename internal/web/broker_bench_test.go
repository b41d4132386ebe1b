package web

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/fanout-dev/fanout/cluster"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// BenchmarkBrokerMillion stores a run of 1,000,000 tasks and their
// results in an embedded broker (one in ten failed, the failure named by
// its task's input), then starts the broker's page on it and reports how
// much the heap grew once the page has read every result, and how long
// the run page and a searched failure page take. FANOUT_BENCH_ITEMS sets
// another number of tasks.
//
//	go test -run XX -bench BrokerMillion -benchtime 20x ./internal/web
func BenchmarkBrokerMillion(b *testing.B) {
	n := 1_000_000
	if s := os.Getenv("FANOUT_BENCH_ITEMS"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	srv, err := cluster.StartServer(context.Background(), cluster.ServerConfig{StoreDir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Shutdown()
	nc, err := nats.Connect(srv.URL())
	if err != nil {
		b.Fatal(err)
	}
	defer nc.Close()
	ctx := context.Background()
	if err := srv.Setup(ctx, cluster.Config{MaxTaskBytes: 4 << 30, MaxResultBytes: 4 << 30}); err != nil {
		b.Fatal(err)
	}
	run := "BENCHRUN"
	start := time.Now()
	publishRun(b, nc, run, n)
	b.Logf("stored %d tasks and results in %v", n, time.Since(start).Round(time.Millisecond))

	before := heap()
	start = time.Now()
	pnc, err := srv.Connect()
	if err != nil {
		b.Fatal(err)
	}
	defer pnc.Close()
	br, err := StartBroker(ctx, pnc, BrokerConfig{})
	if err != nil {
		b.Fatal(err)
	}
	defer br.Stop()
	for br.Monitor().Counts(run).OK+br.Monitor().Counts(run).Failed < int64(n) {
		time.Sleep(50 * time.Millisecond)
	}
	for {
		if kept, dropped := br.run(run).fails.kept(); int64(kept)+dropped >= int64(n/10) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	read := time.Since(start)
	grown := float64(heap()-before) / (1 << 20)
	b.Logf("the page read %d results in %v; heap grew %.1f MiB", n, read.Round(time.Millisecond), grown)
	b.ReportMetric(grown, "MiB-heap-growth")

	s, err := New(Config{Addr: "127.0.0.1:0", Broker: br})
	if err != nil {
		b.Fatal(err)
	}
	h := s.Handler()
	paths := []string{"/", "/runs/" + run, "/runs/" + run + "?q=input-0099&page=2", "/runs/" + run + "?class=error&page=1000"}
	for _, p := range paths {
		if rec := get(b, h, p); rec.Code != http.StatusOK {
			b.Fatalf("%s: %d %s", p, rec.Code, rec.Body)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		for _, p := range paths {
			get(b, h, p)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*len(paths))/1000, "ms/page")
}

// heap is the heap in use after a collection.
func heap() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// publishRun stores n tasks of run as a submitter sends them, and their
// results as workers answer them: every tenth failed.
func publishRun(b *testing.B, nc *nats.Conn, run string, n int) {
	js, err := jetstream.New(nc, jetstream.WithPublishAsyncMaxPending(4096))
	if err != nil {
		b.Fatal(err)
	}
	for i := 1; i <= n; i++ {
		seq := strconv.FormatUint(uint64(i), 36)
		t := nats.NewMsg("fanout.task.echo." + run)
		t.Header.Set("Fanout-Reply", "fanout.result."+run+"."+seq)
		t.Data = fmt.Appendf(nil, "%q", fmt.Sprintf("input-%07d", i))
		if _, err := js.PublishMsgAsync(t); err != nil {
			b.Fatal(err)
		}
		r := nats.NewMsg("fanout.result." + run + "." + seq)
		r.Header.Set("Fanout-Worker", "bench:1")
		if i%10 == 0 {
			r.Header.Set("Fanout-Error", "failed on purpose")
		} else {
			r.Data = t.Data
		}
		if _, err := js.PublishMsgAsync(r); err != nil {
			b.Fatal(err)
		}
		if i%1000 == 0 { // let the broker keep up
			select {
			case <-js.PublishAsyncComplete():
			case <-time.After(time.Minute):
				b.Fatal("publish stalled")
			}
		}
	}
	select {
	case <-js.PublishAsyncComplete():
	case <-time.After(5 * time.Minute):
		b.Fatal("publish did not complete")
	}
}
