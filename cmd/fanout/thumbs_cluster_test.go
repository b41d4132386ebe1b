package main

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// outsider is how a worker is started that cannot see the submitter's
// files: as user nobody when this test runs as root (the photos are the
// root's alone), else at least in another working folder.
type outsider struct {
	dir  string
	cred *syscall.Credential
}

func newOutsider(t *testing.T) outsider {
	dir, err := os.MkdirTemp("", "fanout-outsider") // not under t.TempDir(), which is the root's alone
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	o := outsider{dir: dir}
	if os.Geteuid() == 0 {
		o.cred = &syscall.Credential{Uid: 65534, Gid: 65534}
		for _, d := range []string{o.dir, filepath.Dir(bin)} {
			if err := os.Chmod(d, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.Chown(o.dir, 65534, 65534); err != nil {
			t.Fatal(err)
		}
	}
	return o
}

// worker starts a worker as the outsider; the function returned stops it
// and returns its stderr.
func (o outsider) worker(t *testing.T, url string) func() string {
	t.Helper()
	cmd := exec.Command(bin, "worker", "-j", "2", "--nats", url, "-v")
	cmd.Dir = o.dir
	if o.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: o.cred}
	}
	var errb syncBuffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	var once sync.Once
	stop := func() string {
		once.Do(func() {
			cmd.Process.Signal(syscall.SIGINT)
			<-done
		})
		return errb.String()
	}
	t.Cleanup(func() { stop() })
	return stop
}

// privatePhotos copies testdata/images into a folder only this user can
// read.
func privatePhotos(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "photos")
	if err := os.CopyFS(dir, os.DirFS("../../testdata/images")); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "sub"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(dir, "wood.jpg"), filepath.Join(dir, "sub", "wood.jpg")); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	return dir
}

// tree reads every file under dir, by path relative to it.
func tree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		files[rel] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func sameTree(t *testing.T, got, want map[string][]byte) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%d files, want %d", len(got), len(want))
	}
	for name, w := range want {
		if g, ok := got[name]; !ok {
			t.Errorf("%s: missing", name)
		} else if !bytes.Equal(g, w) {
			t.Errorf("%s: %d bytes differ from the local run's %d", name, len(g), len(w))
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("%s: not made by the local run", name)
		}
	}
}

// TestThumbsOnWorkersThatCannotSeeTheFiles makes thumbnails through a
// broker and two workers that cannot read the photos (another user, other
// working folders): every file, the -r tree and the contact sheet are
// byte-identical to a local run's, a second run skips them all, and the
// lines printed are the local run's.
func TestThumbsOnWorkersThatCannotSeeTheFiles(t *testing.T) {
	addr := freeAddr(t)
	daemon(t, "broker", "--listen", addr, "--store", t.TempDir())
	waitListen(t, addr)
	url := "nats://" + addr
	photos := privatePhotos(t)
	o := newOutsider(t)
	if o.cred != nil {
		probe := exec.Command("cat", filepath.Join(photos, "ladybird.jpg"))
		probe.SysProcAttr = &syscall.SysProcAttr{Credential: o.cred}
		if probe.Run() == nil {
			t.Fatal("the outsider can read the photos: the test proves nothing")
		}
	}
	stops := []func() string{o.worker(t, url), o.worker(t, url)}

	out := t.TempDir()
	args := func(dir string) []string {
		return []string{"thumbs", "-r", "--index", "-o", filepath.Join(out, dir), photos}
	}
	localOut, localErr, localCode := fanout(t, "", args("local")...)
	remoteOut, remoteErr, remoteCode := fanout(t, "", append(args("remote"), "--nats", url)...)
	if remoteCode != localCode || localCode != 0 {
		t.Fatalf("exit %d through the cluster, %d locally; stderr %q, locally %q", remoteCode, localCode, remoteErr, localErr)
	}
	if sortLines(remoteOut) != sortLines(localOut) {
		t.Errorf("lines through the cluster:\n%s\nlocally:\n%s", remoteOut, localOut)
	}
	want := tree(t, filepath.Join(out, "local"))
	if len(want) < 30 {
		t.Fatalf("the local run made %d files", len(want))
	}
	sameTree(t, tree(t, filepath.Join(out, "remote")), want)

	again, againErr, code := fanout(t, "", append(args("remote"), "--nats", url)...)
	if code != 0 || strings.Count(again, ": up to date") != strings.Count(localOut, "\n") {
		t.Errorf("second run through the cluster: exit %d, stdout %q, stderr %q", code, again, againErr)
	}
	ran := 0
	for i, stop := range stops {
		log := stop()
		if strings.Contains(log, "permission denied") {
			t.Errorf("worker %d touched the photos: %s", i+1, log)
		}
		ran += strings.Count(log, "thumbs task: ok")
	}
	if ran != strings.Count(localOut, "\n") {
		t.Errorf("the workers made %d sets of thumbnails, want one per photo (%d)", ran, strings.Count(localOut, "\n"))
	}
}

// sortLines sorts the lines of s: a cluster run prints in input order
// too, but sorting keeps the message of a failure short.
func sortLines(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}

// TestThumbsStore makes thumbnails through workers that see the photos in
// a shared folder (--store file://…): only names travel, the workers
// write the thumbnails there, byte-identical to a local run's; a source
// outside the folder is refused before any work.
func TestThumbsStore(t *testing.T) {
	addr := freeAddr(t)
	daemon(t, "broker", "--listen", addr, "--store", t.TempDir())
	waitListen(t, addr)
	url := "nats://" + addr
	o := newOutsider(t)
	shared, err := os.MkdirTemp("", "fanout-shared")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(shared) })
	photos := filepath.Join(shared, "photos")
	if err := os.CopyFS(photos, os.DirFS("../../testdata/images")); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{shared, photos} {
		if err := os.Chmod(d, 0o777); err != nil { // the workers' user writes the thumbnails
			t.Fatal(err)
		}
	}
	o.worker(t, url)
	o.worker(t, url)

	local := filepath.Join(t.TempDir(), "local")
	want, _, code := fanout(t, "", "thumbs", "-o", local, photos)
	if code != 0 {
		t.Fatalf("local run: exit %d", code)
	}
	out := filepath.Join(shared, "thumbs")
	if err := os.Mkdir(out, 0o777); err != nil {
		t.Fatal(err)
	}
	os.Chmod(out, 0o777)
	got, stderr, code := fanout(t, "", "thumbs", "-o", out, "--nats", url, "--store", "file://"+shared, photos)
	if code != 0 || sortLines(got) != sortLines(want) {
		t.Fatalf("--store run: exit %d, stdout %q, stderr %q; want the local lines %q", code, got, stderr, want)
	}
	sameTree(t, tree(t, out), tree(t, local))
	if o.cred != nil { // written by the workers, not by the submitter
		st, err := os.Stat(filepath.Join(out, "wood_32_32.png"))
		if err != nil || st.Sys().(*syscall.Stat_t).Uid != o.cred.Uid {
			t.Errorf("wood_32_32.png: %v, %+v; want it written by the workers' user", err, st)
		}
	}

	_, stderr, code = fanout(t, "", "thumbs", "-o", out, "--nats", url, "--store", "file://"+shared, "../../testdata/images/wood.jpg")
	if code != 2 || !strings.Contains(stderr, "not inside the --store folder") {
		t.Errorf("a source outside the store: exit %d, stderr %q; want 2 and a line saying so", code, stderr)
	}
}
