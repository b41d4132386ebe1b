package cluster

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fanout-dev/fanout/engine"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Files is the file store of one run, in the broker's object store
// (Config.FileBucket): what a submitter puts there, the workers of the
// run read (engine.FilesFrom gives them the store in a task's context),
// under names of the run's own. A file is read back whole or not at all:
// the object store checks each file's SHA-256 as it is read. It is safe
// for concurrent use.
type Files struct {
	js  jetstream.JetStream
	cfg Config
	run string
	b   *bucketRef
}

// bucketRef is the object store, looked up until found.
type bucketRef struct {
	mu    sync.Mutex
	store jetstream.ObjectStore
}

// Files returns this run's file store.
func (c *Client) Files() *Files {
	c.filesOnce.Do(func() { c.files = &Files{js: c.js, cfg: c.cfg, run: c.run, b: &bucketRef{}} })
	return c.files
}

// ofRun is the file store of run, sharing f's bucket.
func (f *Files) ofRun(run string) *Files {
	if f.b == nil {
		f.b = &bucketRef{}
	}
	return &Files{js: f.js, cfg: f.cfg, run: run, b: f.b}
}

func (f *Files) bucket(ctx context.Context) (jetstream.ObjectStore, error) {
	b := f.b
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.store == nil {
		// Made when first needed, not with the streams: the jobs that
		// carry no files never wait on it (a cluster electing leaders).
		if err := fileBucket(ctx, f.js, f.cfg, replicasFor(f.js.Conn(), f.cfg)); err != nil {
			return nil, err
		}
		s, err := f.js.ObjectStore(ctx, f.cfg.FileBucket)
		if err != nil {
			return nil, fmt.Errorf("cluster: file bucket %s: %w", f.cfg.FileBucket, err)
		}
		b.store = s
	}
	return b.store, nil
}

// key is the object name of the run's file name.
func (f *Files) key(name string) string { return f.run + "/" + name }

// Put stores under name, replacing a file of that name, what the reader
// open gives, read in chunks: nothing holds the whole file in memory. It
// implements thumb.Uploads. While the broker is away (a restart, a lost
// connection) it starts over with a new reader from open, for as long as
// Config.BrokerTimeout; then it fails with ErrBrokerLost.
func (f *Files) Put(ctx context.Context, name string, open func() (io.ReadCloser, error)) error {
	deadline := time.Now().Add(f.cfg.BrokerTimeout)
	wait := 250 * time.Millisecond
	for {
		err := f.attempt(ctx, name, open)
		switch {
		case err == nil:
			return nil
		case ctx.Err() != nil:
			return ctx.Err()
		case !lostBroker(err):
			return fmt.Errorf("cluster: upload %s: %w", name, err)
		case time.Now().After(deadline):
			return fmt.Errorf("%w: upload %s: %w", ErrBrokerLost, name, err)
		}
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return ctx.Err()
		}
		wait = min(2*wait, 2*time.Second)
	}
}

// attempt is one upload. The acknowledgements of its chunks are lost
// with the connection: an upload that saw the connection go is given up
// at once, to start over, rather than left waiting for them.
func (f *Files) attempt(ctx context.Context, name string, open func() (io.ReadCloser, error)) error {
	actx, cancel := context.WithTimeout(ctx, f.cfg.BrokerTimeout)
	defer cancel()
	nc := f.js.Conn()
	reconnects := nc.Stats().Reconnects
	var cut atomic.Bool
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				if !nc.IsConnected() || nc.Stats().Reconnects != reconnects {
					cut.Store(true)
					cancel()
					return
				}
			}
		}
	})
	err := f.put(actx, name, open)
	close(done)
	wg.Wait()
	if err != nil && cut.Load() && ctx.Err() == nil {
		return fmt.Errorf("%w (%w)", nats.ErrDisconnected, err)
	}
	return err
}

func (f *Files) put(ctx context.Context, name string, open func() (io.ReadCloser, error)) error {
	s, err := f.bucket(ctx)
	if err != nil {
		return err
	}
	r, err := open()
	if err != nil {
		return &sourceError{err}
	}
	defer r.Close()
	_, err = s.Put(ctx, jetstream.ObjectMeta{Name: f.key(name)}, readErrors{r})
	return err
}

// sourceError is an error of the reader being uploaded, not of the
// broker: Put does not try again.
type sourceError struct{ err error }

func (e *sourceError) Error() string { return e.err.Error() }
func (e *sourceError) Unwrap() error { return e.err }

// readErrors marks the errors of the reader it wraps as its own.
type readErrors struct{ r io.Reader }

func (r readErrors) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if err != nil && err != io.EOF {
		err = &sourceError{err}
	}
	return n, err
}

// lostBroker reports whether err says the broker is away or did not
// answer, rather than that the request was refused or the file failed.
func lostBroker(err error) bool {
	var se *sourceError
	if errors.As(err, &se) || errors.Is(err, jetstream.ErrMaxBytesExceeded) {
		return false
	}
	var api *jetstream.APIError
	if errors.As(err, &api) {
		return api.Code == 503 || api.Code >= 500 && strings.Contains(api.Description, "unavailable")
	}
	for _, lost := range []error{nats.ErrDisconnected, nats.ErrConnectionReconnecting, nats.ErrTimeout,
		nats.ErrNoResponders, context.DeadlineExceeded, jetstream.ErrNoHeartbeat, jetstream.ErrJetStreamNotEnabled} {
		if errors.Is(err, lost) {
			return true
		}
	}
	return false
}

// Open reads the file called name; it implements engine.Files.
func (f *Files) Open(ctx context.Context, name string) (io.ReadCloser, error) {
	s, err := f.bucket(ctx)
	if err != nil {
		return nil, err
	}
	r, err := s.Get(ctx, f.key(name))
	if errors.Is(err, jetstream.ErrObjectNotFound) {
		return nil, fmt.Errorf("cluster: %s: %w", name, ErrNoFile)
	}
	if err != nil {
		return nil, fmt.Errorf("cluster: download %s: %w", name, err)
	}
	return r, nil
}

// Delete removes the file called name; a file that is not there is no
// error.
func (f *Files) Delete(ctx context.Context, name string) error {
	s, err := f.bucket(ctx)
	if err != nil {
		return err
	}
	if err := s.Delete(ctx, f.key(name)); err != nil && !errors.Is(err, jetstream.ErrObjectNotFound) {
		return fmt.Errorf("cluster: delete %s: %w", name, err)
	}
	return nil
}

// taskFiles is the file store of one task's run, as the task sees it: a
// run's file is read by the one task it was put there for, and deleted
// once that task's result is stored, so that uploads do not outlive
// their tasks even when their submitter is gone. (A redelivered copy of
// the task finds the file gone and fails; its result is a duplicate,
// which the submitter drops.)
//
// A download cut by a lost broker is no fault of the task: the worker
// hands such a task back (see lost) instead of storing its failure.
type taskFiles struct {
	*Files
	mu     sync.Mutex
	opened []string
	cut    bool // a download failed because the broker was away
}

func (t *taskFiles) Open(ctx context.Context, name string) (io.ReadCloser, error) {
	r, err := t.Files.Open(ctx, name)
	if err != nil {
		t.saw(err)
		return nil, err
	}
	t.mu.Lock()
	t.opened = append(t.opened, name)
	t.mu.Unlock()
	return &download{r, t}, nil
}

func (t *taskFiles) saw(err error) {
	if lostBroker(err) {
		t.mu.Lock()
		t.cut = true
		t.mu.Unlock()
	}
}

// lost reports whether a download of the task was cut by a lost broker.
func (t *taskFiles) lost() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.cut
}

// download is a run's file being read, its errors seen by its task.
type download struct {
	io.ReadCloser
	t *taskFiles
}

func (d *download) Read(p []byte) (int, error) {
	n, err := d.ReadCloser.Read(p)
	if err != nil && err != io.EOF {
		d.t.saw(err)
	}
	return n, err
}

// deleteOpened deletes the files the task opened; a file left behind
// expires with Config.Retention.
func (t *taskFiles) deleteOpened(ctx context.Context) {
	t.mu.Lock()
	names := t.opened
	t.opened = nil
	t.mu.Unlock()
	for _, name := range names {
		dctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		_ = t.Files.Delete(dctx, name)
		cancel()
	}
}

// ErrNoFile is the error of a run's file that is not in the store: never
// put there, deleted once its result was in, or past Config.Retention.
var ErrNoFile = errors.New("no such file in the run's store")

var _ engine.Files = (*Files)(nil)

// fileBucketConfig is the object store's configuration.
func fileBucketConfig(cfg Config, replicas int) jetstream.ObjectStoreConfig {
	return jetstream.ObjectStoreConfig{
		Bucket:      cfg.FileBucket,
		Description: "fanout: files of runs, for their workers",
		TTL:         cfg.Retention,
		MaxBytes:    cfg.MaxFileBytes,
		Storage:     jetstream.FileStorage,
		Replicas:    replicas,
	}
}

// fileBucket makes the object store unless it exists.
func fileBucket(ctx context.Context, js jetstream.JetStream, cfg Config, replicas int) error {
	if _, err := js.ObjectStore(ctx, cfg.FileBucket); err == nil {
		return nil
	} else if !errors.Is(err, jetstream.ErrBucketNotFound) {
		return fmt.Errorf("cluster: file bucket %s: %w", cfg.FileBucket, err)
	}
	_, err := js.CreateObjectStore(ctx, fileBucketConfig(cfg, replicas))
	if err != nil && !errors.Is(err, jetstream.ErrBucketExists) && !errors.Is(err, jetstream.ErrStreamNameAlreadyInUse) {
		return fmt.Errorf("cluster: create file bucket %s: %w", cfg.FileBucket, err)
	}
	return nil
}

// Files returns the followed run's file store: fanout wait deletes, as
// the run's submitter would have, each upload whose result it saved.
func (f *Follower) Files() *Files {
	return &Files{js: f.c.js, cfg: f.c.cfg, run: f.run, b: &bucketRef{}}
}
