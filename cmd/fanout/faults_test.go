package main

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// The fault-injection suite: a broker and workers as real processes on
// 127.0.0.1, a batch of hard 64-bit numbers submitted through them, and one
// fault per case (kill -9, SIGSTOP, a broker restart, a deleted stream).
// Every case ends with the output compared byte for byte to a local run
// of the same input: nothing lost, nothing doubled, order kept, within a
// stated time. The normal tests run each case once on a small batch;
// bench/cluster/faults runs them many times on a big one, through
//
//	FANOUT_FAULT_RUNS=10 FANOUT_FAULT_NUMBERS=20000000 go test -run Faults -timeout 3h ./cmd/fanout

// faultNumbers is how many numbers a case submits.
func faultNumbers() int {
	if n, err := strconv.Atoi(os.Getenv("FANOUT_FAULT_NUMBERS")); err == nil && n > 0 {
		return n
	}
	return 600_000
}

func faultRuns() int {
	if n, err := strconv.Atoi(os.Getenv("FANOUT_FAULT_RUNS")); err == nil && n > 0 {
		return n
	}
	return 1
}

// recoverWithin is the promise under test: a fault costs at most this
// much time over a run without it.
const recoverWithin = 15 * time.Second

// hardNumbers writes n random odd 64-bit numbers above 2^63, one per line.
func hardNumbers(t *testing.T, n int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "numbers.txt")
	var b bytes.Buffer
	r := rand.New(rand.NewPCG(1, 2))
	for range n {
		b.WriteString(strconv.FormatUint(r.Uint64()|1<<63|1, 10))
		b.WriteByte('\n')
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// proc is a fanout process started by the suite.
type proc struct {
	cmd    *exec.Cmd
	stderr syncBuffer
	done   chan struct{}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func startProc(t *testing.T, args ...string) *proc {
	t.Helper()
	p := &proc{cmd: exec.Command(bin, args...), done: make(chan struct{})}
	p.cmd.Stderr = &p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		p.cmd.Process.Signal(syscall.SIGCONT)
		p.cmd.Process.Kill()
		<-p.done
	})
	return p
}

func (p *proc) signal(s syscall.Signal) { p.cmd.Process.Signal(s) }

// kill9 kills p and waits for it to be gone.
func (p *proc) kill9() {
	p.cmd.Process.Kill()
	<-p.done
}

// faultCluster is one broker, or a cluster of them, each on a fixed
// address and store, and the workers.
type faultCluster struct {
	t       *testing.T
	addrs   []string // client addresses, one per broker
	routes  []string // cluster addresses, when more than one broker
	stores  []string
	brokers []*proc
	broker  *proc // the first
	workers []*proc
}

func newFaultCluster(t *testing.T, brokers, workers int) *faultCluster {
	t.Helper()
	c := &faultCluster{t: t}
	for range brokers {
		c.addrs = append(c.addrs, freeAddr(t))
		c.stores = append(c.stores, t.TempDir())
		if brokers > 1 {
			c.routes = append(c.routes, freeAddr(t))
		}
	}
	c.brokers = make([]*proc, brokers)
	for i := range brokers {
		c.startNode(i)
	}
	for _, a := range c.addrs {
		waitListen(t, a)
	}
	c.broker = c.brokers[0]
	for range workers {
		c.workers = append(c.workers, startProc(t, "worker", "-j", "1", "--nats", c.url()))
	}
	if brokers > 1 {
		c.waitReplicated()
	}
	return c
}

// waitReplicated waits until the workers have made the streams, kept on
// three nodes: the cluster has formed.
func (c *faultCluster) waitReplicated() {
	c.t.Helper()
	nc, err := nats.Connect(c.url())
	if err != nil {
		c.t.Fatal(err)
	}
	defer nc.Close()
	js, _ := jetstream.New(nc)
	deadline := time.Now().Add(30 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		s, err := js.Stream(ctx, "FANOUT")
		var info *jetstream.StreamInfo
		if err == nil {
			info, err = s.Info(ctx)
		}
		cancel()
		if err == nil && info.Config.Replicas == 3 && info.Cluster != nil && len(info.Cluster.Replicas) == 2 {
			return
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("the 3-node cluster did not hold a replicated stream within 30s: %v", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// url lists every broker, for clients to fail over.
func (c *faultCluster) url() string {
	var urls []string
	for _, a := range c.addrs {
		urls = append(urls, "nats://"+a)
	}
	return strings.Join(urls, ",")
}

func (c *faultCluster) startNode(i int) {
	args := []string{"broker", "-q", "--listen", c.addrs[i], "--store", c.stores[i]}
	if len(c.routes) > 0 {
		var others []string
		for j, r := range c.routes {
			if j != i {
				others = append(others, "nats-route://"+r)
			}
		}
		args = append(args, "--name", fmt.Sprintf("node%d", i), "--cluster-listen", c.routes[i], "--routes", strings.Join(others, ","))
	}
	c.brokers[i] = startProc(c.t, args...)
}

func (c *faultCluster) startBroker() {
	c.startNode(0)
	c.broker = c.brokers[0]
	waitListen(c.t, c.addrs[0])
}

// submit runs the batch through the cluster and returns its output, its
// stderr, its exit status and how long it took. It gives up after limit.
func (c *faultCluster) submit(input string, limit time.Duration) (string, string, int, time.Duration) {
	c.t.Helper()
	cmd := exec.Command(bin, "primes", "-q", "--nats", c.url(), "-f", input)
	var out, errb syncBuffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	if err := cmd.Start(); err != nil {
		c.t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-time.After(limit):
		c.dumpState() // while the submitter still hangs: for whoever reads the log
		cmd.Process.Kill()
		<-done
		c.t.Fatalf("the submitter still ran after %v (a hang); stderr %q", limit, tail(errb.String()))
	}
	took := time.Since(start)
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		c.t.Fatal(err)
	}
	return out.String(), errb.String(), cmd.ProcessState.ExitCode(), took
}

// dumpState logs what the brokers still up say of the streams and the
// work-queue consumer, and each process's last lines: what a hang needs
// to be understood.
func (c *faultCluster) dumpState() {
	for i, addr := range c.addrs {
		if b := c.brokers[i]; b != nil {
			select {
			case <-b.done:
				c.t.Logf("broker %d (%s): gone", i, addr)
				continue
			default:
			}
		}
		nc, err := nats.Connect("nats://"+addr, nats.Timeout(2*time.Second))
		if err != nil {
			c.t.Logf("broker %d (%s): %v", i, addr, err)
			continue
		}
		js, _ := jetstream.New(nc)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		for _, name := range []string{"FANOUT", "FANOUT_RESULTS"} {
			st, err := js.Stream(ctx, name)
			if err != nil {
				c.t.Logf("broker %d: stream %s: %v", i, name, err)
				continue
			}
			info, err := st.Info(ctx)
			if err != nil {
				c.t.Logf("broker %d: stream %s: %v", i, name, err)
				continue
			}
			c.t.Logf("broker %d: stream %s: %d msgs, cluster %+v", i, name, info.State.Msgs, info.Cluster)
			for ci := range st.ListConsumers(ctx).Info() {
				c.t.Logf("broker %d: consumer %s/%s: pending %d, ack pending %d, waiting %d, redelivered %d, cluster %+v",
					i, name, ci.Name, ci.NumPending, ci.NumAckPending, ci.NumWaiting, ci.NumRedelivered, ci.Cluster)
			}
		}
		cancel()
		nc.Close()
	}
	for i, b := range c.brokers {
		if b != nil {
			c.t.Logf("broker %d said: %s", i, tail(b.stderr.String()))
		}
	}
	for i, w := range c.workers {
		c.t.Logf("worker %d said: %s", i, tail(w.stderr.String()))
	}
}

func tail(s string) string {
	if len(s) > 2000 {
		return "…" + s[len(s)-2000:]
	}
	return s
}

// localRun is the reference: the same batch on the local pool.
func localRun(t *testing.T, input string) (string, time.Duration) {
	t.Helper()
	start := time.Now()
	out, stderr, code := fanout(t, "", "primes", "-q", "-f", input)
	if code != 0 {
		t.Fatalf("local run: exit %d, stderr %q", code, stderr)
	}
	return out, time.Since(start)
}

// compare checks a cluster run against the local one, line by line.
func compare(t *testing.T, name, got, want string) {
	t.Helper()
	if got == want {
		return
	}
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	i := 0
	for i < len(g) && i < len(w) && g[i] == w[i] {
		i++
	}
	seen := map[string]int{}
	dups := 0
	for _, l := range g {
		if seen[l]++; seen[l] == 2 && l != "" {
			dups++
		}
	}
	t.Fatalf("%s: %d lines through the cluster, %d locally (%d doubled); first difference at line %d", name, len(g), len(w), dups, i+1)
}

type faultCase struct {
	name    string
	brokers int // 1 when zero
	workers int
	// inject applies the fault once the batch is under way, after delay.
	inject func(t *testing.T, c *faultCluster)
	// wantFail: the run must fail cleanly (exit 1, a line that says why)
	// instead of matching the local output.
	wantFail string
	// extra is time the fault itself takes (a worker stopped for 12s).
	extra time.Duration
	// now: inject at once rather than a third of the way in (the fault
	// waits for its moment itself).
	now bool
}

var faultCases = []faultCase{
	{name: "worker kill -9", workers: 3, inject: func(t *testing.T, c *faultCluster) {
		c.workers[0].kill9()
	}},
	{name: "worker SIGSTOP past AckWait, then SIGCONT", workers: 2, extra: 12 * time.Second, inject: func(t *testing.T, c *faultCluster) {
		c.workers[0].signal(syscall.SIGSTOP)
		time.Sleep(12 * time.Second)
		c.workers[0].signal(syscall.SIGCONT)
	}},
	{name: "broker kill -9 and restart with its store", workers: 2, inject: func(t *testing.T, c *faultCluster) {
		c.broker.kill9()
		time.Sleep(time.Second)
		c.startBroker()
	}},
	{name: "one node of a 3-node broker cluster kill -9", brokers: 3, workers: 2, inject: func(t *testing.T, c *faultCluster) {
		c.brokers[1].kill9()
	}},
	{name: "task stream deleted", workers: 2, wantFail: "deleted", now: true, inject: func(t *testing.T, c *faultCluster) {
		nc, err := nats.Connect(c.url())
		if err != nil {
			t.Error(err)
			return
		}
		defer nc.Close()
		js, _ := jetstream.New(nc)
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		for { // while tasks wait in it
			s, err := js.Stream(ctx, "FANOUT")
			if err == nil {
				if info, err := s.Info(ctx); err == nil && info.State.Msgs >= 4 {
					break
				}
			}
			if ctx.Err() != nil {
				t.Error("no tasks ever waited in the stream")
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
		if err := js.DeleteStream(ctx, "FANOUT"); err != nil {
			t.Errorf("delete stream: %v", err)
		}
	}},
}

func TestFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("the fault-injection suite starts brokers and workers")
	}
	input := hardNumbers(t, faultNumbers())
	want, localTook := localRun(t, input)
	for _, fc := range faultCases {
		t.Run(fc.name, func(t *testing.T) {
			for run := range faultRuns() {
				c := newFaultCluster(t, max(fc.brokers, 1), fc.workers)
				delay := max(localTook/3, 300*time.Millisecond)
				injected := make(chan struct{})
				go func() {
					defer close(injected)
					if !fc.now {
						time.Sleep(delay)
					}
					fc.inject(t, c)
				}()
				limit := 3*localTook + 2*recoverWithin + 30*time.Second
				got, stderr, code, took := c.submit(input, limit)
				<-injected
				if fc.wantFail != "" {
					if code != 1 || !strings.Contains(stderr, fc.wantFail) {
						t.Fatalf("run %d: exit %d, stderr %q; want exit 1 and a line saying %q", run+1, code, tail(stderr), fc.wantFail)
					}
					first, _, _ := strings.Cut(stderr, "\n")
					t.Logf("run %d: failed cleanly in %v: %s", run+1, took.Round(time.Millisecond), first)
					continue
				}
				if code != 0 {
					t.Fatalf("run %d: exit %d, stderr %q", run+1, code, tail(stderr))
				}
				compare(t, fmt.Sprintf("run %d", run+1), got, want)
				if bound := 2*localTook + recoverWithin + fc.extra + 5*time.Second; took > bound {
					t.Fatalf("run %d: took %v, over the %v a recovery may take", run+1, took, bound)
				}
				t.Logf("run %d: %v through the cluster (local %v), output identical", run+1, took.Round(time.Millisecond), localTook.Round(time.Millisecond))
			}
		})
	}
}
