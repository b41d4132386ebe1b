package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fanout-dev/fanout/internal/s3store"
	"github.com/fanout-dev/fanout/internal/s3store/s3test"
)

// TestFaultsThumbsBucket is the thumbs fault cases with the photos and
// thumbnails in an S3 bucket (--store s3://…): the workers read and write
// the bucket themselves, and whatever is killed, every thumbnail ends up
// there, byte-identical to a local run's, one line per photo printed.
// Only the thumbnails of the photos a killed worker had in hand may be
// written twice (the same bytes: each write is a whole object).
func TestFaultsThumbsBucket(t *testing.T) {
	if testing.Short() {
		t.Skip("the fault-injection suite starts brokers and workers")
	}
	photos, want, limit := thumbsReference(t)
	srv := s3test.Start(t, "photos") // before the workers start: they take the credentials from their environment
	for _, fc := range thumbsFaults {
		t.Run(fc.name, func(t *testing.T) {
			for run := range faultRuns() {
				loc := s3store.Location{Bucket: "photos", Prefix: strings.ReplaceAll(t.Name(), "/", "_") + "-" + string(rune('a'+run)) + "/", Endpoint: srv.Endpoint}
				bk, err := s3store.Open(loc)
				if err != nil {
					t.Fatal(err)
				}
				err = filepath.WalkDir(photos, func(p string, d os.DirEntry, err error) error {
					if err != nil || d.IsDir() {
						return err
					}
					b, err := os.ReadFile(p)
					rel, _ := filepath.Rel(filepath.Dir(photos), p)
					if err == nil {
						err = bk.Put(context.Background(), filepath.ToSlash(rel), b, "", nil)
					}
					return err
				})
				if err != nil {
					t.Fatal(err)
				}
				_, putsBefore := srv.Puts()
				c := newFaultCluster(t, 1, fc.workers)
				cmd := exec.Command(bin, "thumbs", "-r", "-o", "out", "--nats", c.url(), "--store", loc.String(), "photos")
				var stdout, stderr syncBuffer
				cmd.Stdout, cmd.Stderr = &stdout, &stderr
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				waitLines(t, &stdout, len(want)/3/4, 60*time.Second) // a quarter of the photos are done
				fc.inject(t, c, cmd.Process)
				if code := finish(t, cmd, limit, &stderr); code != 0 {
					t.Fatalf("run %d: exit %d, stderr %q", run+1, code, tail(stderr.String()))
				}
				if lines := strings.Count(stdout.String(), "\n"); lines != len(want)/3 {
					t.Errorf("run %d: %d lines, want one per photo (%d)", run+1, lines, len(want)/3)
				}
				got := bucketTree(t, bk, "out/")
				sameTree(t, got, want)
				_, putsAfter := srv.Puts()
				again := putsAfter - putsBefore - len(want)
				if again < 0 || again > 3*2*fc.workers { // a killed worker holds at most -j photos of 3 thumbnails each
					t.Errorf("run %d: %d thumbnails written for %d: %d more than once", run+1, putsAfter-putsBefore, len(want), again)
				}
				t.Logf("run %d: %d thumbnails in the bucket identical to the local run's, %d written twice", run+1, len(got), again)
			}
		})
	}
}
