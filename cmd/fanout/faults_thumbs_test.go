package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io/fs"
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

// The thumbs cases of the fault-injection suite: photos made through a
// broker and workers, one fault per case, and the output folder compared
// file by file with a local run's: every thumbnail there, byte-identical,
// nothing half-written, nothing made twice. FANOUT_FAULT_PHOTOS sets how
// many photos (60 by default), FANOUT_FAULT_RUNS how many runs a case.

func faultPhotoCount() int {
	if n, err := strconv.Atoi(os.Getenv("FANOUT_FAULT_PHOTOS")); err == nil && n > 0 {
		return n
	}
	return 60
}

// makePhotos writes n distinct photo-sized images, JPEG and PNG, into a
// new folder with a subfolder, so that a thumbnail of one written under
// another's name would show.
func makePhotos(t *testing.T, n int) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "photos")
	for i := range n {
		w, h := 1200+(i*37)%500, 800+(i*53)%400
		img := image.NewRGBA(image.Rect(0, 0, w, h))
		for y := range h {
			for x := range w {
				img.SetRGBA(x, y, color.RGBA{uint8(x*255/w + i*7), uint8(y*255/h + i*13), uint8((x + y + i*29) / 9), 255})
			}
		}
		sub := dir
		if i%3 == 0 {
			sub = filepath.Join(dir, "sub")
		}
		if err := os.MkdirAll(sub, 0o755); err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		name := fmt.Sprintf("photo%03d", i)
		var err error
		if i%4 == 3 {
			name += ".png"
			err = (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&b, img)
		} else {
			name += ".jpg"
			err = jpeg.Encode(&b, img, &jpeg.Options{Quality: 90})
		}
		if err == nil {
			err = os.WriteFile(filepath.Join(sub, name), b.Bytes(), 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// noTemporaries fails the test for any temporary file left in dir.
func noTemporaries(t *testing.T, files map[string][]byte) {
	t.Helper()
	for name := range files {
		if strings.Contains(filepath.Base(name), ".tmp") {
			t.Errorf("%s: a temporary file left behind", name)
		}
	}
}

// thumbsRun starts fanout thumbs of photos into out; stdout and stderr
// are read while it runs.
func thumbsRun(t *testing.T, url, photos, out string) (*exec.Cmd, *syncBuffer, *syncBuffer) {
	t.Helper()
	cmd := exec.Command(bin, "thumbs", "-r", "-o", out, "--nats", url, photos)
	var stdout, stderr syncBuffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, &stdout, &stderr
}

func finish(t *testing.T, cmd *exec.Cmd, limit time.Duration, stderr *syncBuffer) int {
	t.Helper()
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(limit):
		cmd.Process.Kill()
		<-done
		t.Fatalf("%s still ran after %v (a hang); stderr %q", cmd.Args[1], limit, tail(stderr.String()))
	}
	return cmd.ProcessState.ExitCode()
}

type thumbsFault struct {
	name    string
	workers int
	// inject makes the fault; sub is the submitter.
	inject func(t *testing.T, c *faultCluster, sub *os.Process)
}

var thumbsFaults = []thumbsFault{
	{name: "worker kill -9", workers: 3, inject: func(t *testing.T, c *faultCluster, _ *os.Process) { c.workers[0].kill9() }},
	// The stopped worker holds a task, its upload maybe read: past
	// AckWait the task goes to the other worker, which deletes the upload
	// once its result is in. The first is woken as soon as the broker has
	// handed its task out again; it finishes its copy and sends a result
	// the submitter has had already, or is about to have. The submitter is
	// stopped meanwhile, so that it is still running when both results are
	// there, however soon the other worker would have finished the run.
	{name: "worker SIGSTOP past AckWait, then SIGCONT", workers: 2, inject: func(t *testing.T, c *faultCluster, sub *os.Process) {
		c.workers[0].signal(syscall.SIGSTOP)
		stopped := time.Now()
		seen := waitRedelivered(t, c, 12*time.Second) // AckWait and a little
		sub.Signal(syscall.SIGSTOP)
		c.workers[0].signal(syscall.SIGCONT)
		time.Sleep(2 * time.Second) // for the woken worker's result
		sub.Signal(syscall.SIGCONT)
		t.Logf("worker woken %v after its stop (its task handed out again: %v)", time.Since(stopped).Round(100*time.Millisecond)-2*time.Second, seen)
	}},
	{name: "broker kill -9 and restart with its store", workers: 2, inject: func(t *testing.T, c *faultCluster, _ *os.Process) {
		c.broker.kill9()
		time.Sleep(time.Second)
		c.startBroker()
	}},
}

// thumbsReference makes the photos of the thumbs fault cases and a local
// run of them: the photos' folder, the local run's thumbnails by relative
// path, and how long a faulty cluster run may take.
func thumbsReference(t *testing.T) (string, map[string][]byte, time.Duration) {
	t.Helper()
	photos := makePhotos(t, faultPhotoCount())
	ref := filepath.Join(t.TempDir(), "local")
	start := time.Now()
	if _, stderr, code := fanout(t, "", "thumbs", "-q", "-r", "-o", ref, photos); code != 0 {
		t.Fatalf("local run: exit %d, %s", code, stderr)
	}
	return photos, tree(t, ref), 5*time.Since(start) + 2*recoverWithin + 30*time.Second
}

func TestFaultsThumbs(t *testing.T) {
	if testing.Short() {
		t.Skip("the fault-injection suite starts brokers and workers")
	}
	photos, want, limit := thumbsReference(t)
	for _, fc := range thumbsFaults {
		t.Run(fc.name, func(t *testing.T) {
			for run := range faultRuns() {
				c := newFaultCluster(t, 1, fc.workers)
				out := filepath.Join(t.TempDir(), "out")
				cmd, stdout, stderr := thumbsRun(t, c.url(), photos, out)
				rewritten := watchWrites(t, out)
				waitLines(t, stdout, len(want)/3/4, 60*time.Second) // a quarter of the photos are done
				fc.inject(t, c, cmd.Process)
				injected := time.Now()
				if code := finish(t, cmd, limit, stderr); code != 0 {
					t.Fatalf("run %d: exit %d, stderr %q", run+1, code, tail(stderr.String()))
				}
				if lines := strings.Count(stdout.String(), "\n"); lines != len(want)/3 {
					t.Errorf("run %d: %d lines, want one per photo (%d)", run+1, lines, len(want)/3)
				}
				if twice := repeated(stdout.String()); len(twice) > 0 {
					t.Errorf("run %d: reported more than once: %q", run+1, twice)
				}
				if again := rewritten(); len(again) > 0 {
					t.Errorf("run %d: written more than once: %q", run+1, again)
				}
				got := tree(t, out)
				noTemporaries(t, got)
				sameTree(t, got, want)
				t.Logf("run %d: %d thumbnails identical to the local run's, each written once; the run ended %v after the fault", run+1, len(got), time.Since(injected).Round(100*time.Millisecond))
			}
		})
	}
	t.Run("submitter kill -9, then fanout wait", func(t *testing.T) {
		for run := range faultRuns() {
			c := newFaultCluster(t, 1, 2)
			out := filepath.Join(t.TempDir(), "out")
			cmd, stdout, stderr := thumbsRun(t, c.url(), photos, out)
			waitLines(t, stdout, len(want)/3/4, 60*time.Second)
			cmd.Process.Kill()
			cmd.Wait()
			id := runID(t, stderr.String())
			wctx, cancel := context.WithTimeout(context.Background(), limit)
			wait := exec.CommandContext(wctx, bin, "wait", "--nats", c.url(), id)
			var wout, werr bytes.Buffer
			wait.Stdout, wait.Stderr = &wout, &werr
			wait.Run()
			hung := wctx.Err() != nil
			cancel()
			if hung {
				t.Fatalf("run %d: wait still ran after %v; stderr %q", run+1, limit, tail(werr.String()))
			}
			if code := wait.ProcessState.ExitCode(); code != 1 || !strings.Contains(werr.String(), "went silent") {
				t.Errorf("run %d: wait exit %d, stderr %q; want 1, saying the submitter went silent", run+1, code, werr.String())
			}
			// Every thumbnail there is whole and the local run's.
			got := tree(t, out)
			noTemporaries(t, got)
			for name, b := range got {
				if !bytes.Equal(b, want[name]) {
					t.Errorf("run %d: %s differs from the local run's after wait", run+1, name)
				}
			}
			// A re-run makes exactly the rest: nothing twice.
			again, againErr, code := fanout(t, "", "thumbs", "-r", "-o", out, "--nats", c.url(), photos)
			skipped := strings.Count(again, ": up to date")
			if code != 0 || skipped != len(got)/3 || strings.Count(again, "\n") != len(want)/3 {
				t.Fatalf("run %d: re-run exit %d, %d up to date for %d sets there; stderr %q", run+1, code, skipped, len(got)/3, tail(againErr))
			}
			final := tree(t, out)
			noTemporaries(t, final)
			sameTree(t, final, want)
			t.Logf("run %d: submitter killed after %d of %d photos, wait saved %d, the re-run made the %d left",
				run+1, strings.Count(stdout.String(), "\n"), len(want)/3, strings.Count(wout.String(), "\n"), len(want)/3-skipped)
		}
	})
}

// waitLines waits until out holds n lines.
func waitLines(t *testing.T, out *syncBuffer, n int, limit time.Duration) {
	t.Helper()
	for deadline := time.Now().Add(limit); strings.Count(out.String(), "\n") < n; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d lines after %v, want %d", strings.Count(out.String(), "\n"), limit, n)
		}
	}
}

// runID is the run id a submitter printed on stderr.
func runID(t *testing.T, stderr string) string {
	t.Helper()
	for _, line := range strings.Split(stderr, "\n") {
		if f := strings.Fields(strings.TrimPrefix(line, "fanout: run ")); strings.HasPrefix(line, "fanout: run ") && len(f) > 1 {
			return f[0]
		}
	}
	t.Fatalf("no run id in %q", stderr)
	return ""
}

// repeated returns the lines of out that are there more than once.
func repeated(out string) []string {
	seen := map[string]int{}
	var twice []string
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if seen[line]++; seen[line] == 2 {
			twice = append(twice, line)
		}
	}
	return twice
}

// watchWrites looks at the files under dir every few milliseconds, until
// the function it returns is called, which names those that were
// replaced once there (another inode or modification time): a thumbnail
// written twice, by a late duplicate result say, even with the same bytes.
// Temporary files are not looked at.
func watchWrites(t *testing.T, dir string) func() []string {
	t.Helper()
	type version struct {
		ino  uint64
		when time.Time
	}
	first := map[string]version{}
	replaced := map[string]bool{}
	look := func() {
		filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || strings.Contains(d.Name(), ".tmp") {
				return nil
			}
			st, err := os.Stat(p)
			if err != nil {
				return nil // renamed away between the listing and now
			}
			sys, ok := st.Sys().(*syscall.Stat_t)
			if !ok {
				return nil
			}
			v := version{ino: sys.Ino, when: st.ModTime()}
			if was, ok := first[p]; !ok {
				first[p] = v
			} else if was != v {
				replaced[p] = true
			}
			return nil
		})
	}
	quit, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		for {
			look()
			select {
			case <-quit:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	var once sync.Once
	var names []string
	stop := func() []string {
		once.Do(func() {
			close(quit)
			<-done
			look() // the last word
			for p := range replaced {
				names = append(names, p)
			}
		})
		return names
	}
	t.Cleanup(func() { stop() })
	return stop
}

// waitRedelivered reports whether the broker handed a task out again (to
// a worker other than the one that stopped) within limit; it looks often,
// since the other worker may take and finish it in a moment.
func waitRedelivered(t *testing.T, c *faultCluster, limit time.Duration) bool {
	t.Helper()
	nc, err := nats.Connect(c.url())
	if err != nil {
		t.Error(err)
		return false
	}
	defer nc.Close()
	js, _ := jetstream.New(nc)
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cons, err := js.Consumer(ctx, "FANOUT", "workers")
	for err != nil && ctx.Err() == nil {
		time.Sleep(10 * time.Millisecond)
		cons, err = js.Consumer(ctx, "FANOUT", "workers")
	}
	for ctx.Err() == nil {
		if info, err := cons.Info(ctx); err == nil && info.NumRedelivered > 0 {
			return true
		}
		time.Sleep(5 * time.Millisecond)
	}
	return false
}
