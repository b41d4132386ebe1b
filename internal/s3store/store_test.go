package s3store_test

import (
	"context"
	"errors"
	"io"
	"slices"
	"testing"

	"github.com/fanout-dev/fanout/internal/s3store"
	"github.com/fanout-dev/fanout/internal/s3store/s3test"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want s3store.Location
		bad  bool
	}{
		{in: "s3://photos", want: s3store.Location{Bucket: "photos"}},
		{in: "s3://photos/2026/may/?region=eu-west-1", want: s3store.Location{Bucket: "photos", Prefix: "2026/may/", Region: "eu-west-1"}},
		{in: "s3://b/p?endpoint=http://127.0.0.1:9000", want: s3store.Location{Bucket: "b", Prefix: "p/", Endpoint: "http://127.0.0.1:9000"}},
		{in: "s3://b?endpoint=https://[::1]:9000/", want: s3store.Location{Bucket: "b", Endpoint: "https://[::1]:9000"}},
		{in: "s3://key:secret@b", bad: true},
		{in: "s3://b?endpoint=ftp://127.0.0.1", bad: true},
		{in: "s3://b?endpoint=http://127.0.0.1/x", bad: true},
		{in: "s3://b?acl=public", bad: true},
		{in: "s3://b/a/../../x", bad: true},
		{in: "s3:///nobucket", bad: true},
		{in: "file:///x", bad: true},
	} {
		got, err := s3store.Parse(tc.in)
		if tc.bad {
			if err == nil {
				t.Errorf("Parse(%q) = %+v, want an error", tc.in, got)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("Parse(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
			continue
		}
		if again, err := s3store.Parse(got.String()); err != nil || again != got {
			t.Errorf("Parse(%q.String() = %q) = %+v, %v", tc.in, got.String(), again, err)
		}
	}
}

func TestName(t *testing.T) {
	for _, n := range []string{"a.jpg", "x/y/z.png", ".hidden"} {
		if err := s3store.Name(n); err != nil {
			t.Errorf("Name(%q) = %v", n, err)
		}
	}
	for _, n := range []string{"", "/a", "../a", "a/../../b", "a//b", "a/", ".", "..", "a\x00b"} {
		if err := s3store.Name(n); err == nil {
			t.Errorf("Name(%q) = nil, want an error", n)
		}
	}
}

func TestStore(t *testing.T) {
	srv := s3test.Start(t, "bkt")
	ctx := context.Background()
	st, err := s3store.Open(s3store.Location{Bucket: "bkt", Prefix: "root/", Endpoint: srv.Endpoint})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"a.jpg", "sub/b.png", "sub/deep/c.gif"} {
		if err := st.Put(ctx, n, []byte("bytes of "+n), "image/x", map[string]string{"fanout-stamp": "s1"}); err != nil {
			t.Fatal(err)
		}
	}
	in, err := st.Stat(ctx, "sub/b.png")
	if err != nil || in.Size != int64(len("bytes of sub/b.png")) || in.Meta["fanout-stamp"] != "s1" || in.ETag == "" {
		t.Fatalf("Stat = %+v, %v", in, err)
	}
	r, got, err := st.Open(ctx, "a.jpg")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(r)
	r.Close()
	if string(b) != "bytes of a.jpg" || got.Meta["fanout-stamp"] != "s1" || got.Size != int64(len(b)) {
		t.Fatalf("Open = %q, %+v", b, got)
	}
	if _, err := st.Stat(ctx, "missing.jpg"); !errors.Is(err, s3store.ErrNotFound) {
		t.Fatalf("Stat of a missing object: %v, want ErrNotFound", err)
	}
	if _, _, err := st.Open(ctx, "missing.jpg"); !errors.Is(err, s3store.ErrNotFound) {
		t.Fatalf("Open of a missing object: %v, want ErrNotFound", err)
	}
	if err := st.Put(ctx, "../out.jpg", nil, "", nil); err == nil {
		t.Fatal("Put of a name outside the prefix worked")
	}
	list := func(prefix string, rec bool) (names []string) {
		for in, err := range st.List(ctx, prefix, rec) {
			if err != nil {
				t.Fatal(err)
			}
			n := in.Name
			if in.Dir {
				n += "/"
			}
			names = append(names, n)
		}
		return names
	}
	if got, want := list("", true), []string{"a.jpg", "sub/b.png", "sub/deep/c.gif"}; !slices.Equal(got, want) {
		t.Errorf("recursive list = %q, want %q", got, want)
	}
	if got, want := list("sub/", false), []string{"sub/b.png", "sub/deep/"}; !slices.Equal(got, want) {
		t.Errorf("list of sub/ = %q, want %q", got, want)
	}
	for range st.List(ctx, "", true) {
		break // stopping early must not leak the lister
	}
	if err := st.Delete(ctx, "a.jpg"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Stat(ctx, "a.jpg"); !errors.Is(err, s3store.ErrNotFound) {
		t.Fatalf("Stat after Delete: %v", err)
	}
}
