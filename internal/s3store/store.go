package s3store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// ErrNotFound is the error of a name with no object.
var ErrNotFound = errors.New("no such object")

// Info describes one object, or with Dir a "folder": a name that other
// names continue after a slash.
type Info struct {
	Name string // relative to the store's prefix
	Dir  bool
	Size int64
	Mod  time.Time
	ETag string // the server's tag of these bytes: it changes when they do
	// Meta is the object's user metadata (names in lower case, without
	// x-amz-meta-); Stat and Open fill it in, List does not.
	Meta map[string]string
}

// Store reads and writes the objects of one Location.
type Store struct {
	loc Location
	c   *minio.Client
}

// Open returns a Store for loc, with credentials from the environment
// (see the package documentation). It sends nothing yet.
func Open(loc Location) (*Store, error) {
	host, secure := "s3.amazonaws.com", true
	lookup := minio.BucketLookupAuto
	if loc.Endpoint != "" {
		u, err := url.Parse(loc.Endpoint)
		if err != nil {
			return nil, fmt.Errorf("store %s: %w", loc, err)
		}
		host, secure = u.Host, u.Scheme == "https"
		// A server of one's own is seldom set up for bucket names in
		// host names: name the bucket in the path.
		lookup = minio.BucketLookupPath
	}
	region := loc.Region
	if region == "" {
		region = "us-east-1" // else minio-go asks the server, one more round trip
	}
	tr, err := minio.DefaultTransport(secure)
	if err != nil {
		return nil, err
	}
	tr.ResponseHeaderTimeout = time.Minute
	creds := credentials.NewChainCredentials([]credentials.Provider{
		&credentials.EnvAWS{},
		&credentials.FileAWSCredentials{},
	})
	c, err := minio.New(host, &minio.Options{Creds: creds, Secure: secure, Region: region, BucketLookup: lookup, Transport: tr})
	if err != nil {
		return nil, fmt.Errorf("store %s: %w", loc, err)
	}
	return &Store{loc: loc, c: c}, nil
}

// Location is where the store's objects are.
func (s *Store) Location() Location { return s.loc }

// URL names one object, for messages.
func (s *Store) URL(name string) string {
	return "s3://" + s.loc.Bucket + "/" + s.loc.Prefix + name
}

// Stat returns what the object called name is, or ErrNotFound.
func (s *Store) Stat(ctx context.Context, name string) (Info, error) {
	if err := Name(name); err != nil {
		return Info{}, err
	}
	oi, err := s.c.StatObject(ctx, s.loc.Bucket, s.loc.Prefix+name, minio.StatObjectOptions{})
	if err != nil {
		return Info{}, s.wrap(name, err)
	}
	return s.info(oi, true), nil
}

// Open returns a reader of the object called name and what it is; the
// caller closes the reader. The Info is of the very bytes the reader
// gives (its ETag is the one the server sent with them).
func (s *Store) Open(ctx context.Context, name string) (io.ReadCloser, Info, error) {
	if err := Name(name); err != nil {
		return nil, Info{}, err
	}
	obj, err := s.c.GetObject(ctx, s.loc.Bucket, s.loc.Prefix+name, minio.GetObjectOptions{})
	if err != nil {
		return nil, Info{}, s.wrap(name, err)
	}
	oi, err := obj.Stat() // sends the request
	if err != nil {
		obj.Close()
		return nil, Info{}, s.wrap(name, err)
	}
	return obj, s.info(oi, true), nil
}

// Put writes data as the object called name, replacing any: readers see
// the old object or the new one whole, never a part. meta is its user
// metadata.
func (s *Store) Put(ctx context.Context, name string, data []byte, contentType string, meta map[string]string) error {
	if err := Name(name); err != nil {
		return err
	}
	_, err := s.c.PutObject(ctx, s.loc.Bucket, s.loc.Prefix+name, bytes.NewReader(data), int64(len(data)),
		minio.PutObjectOptions{ContentType: contentType, UserMetadata: meta, DisableMultipart: true, SendContentMd5: true})
	return s.wrap(name, err)
}

// Delete removes the object called name, if there is one.
func (s *Store) Delete(ctx context.Context, name string) error {
	if err := Name(name); err != nil {
		return err
	}
	return s.wrap(name, s.c.RemoveObject(ctx, s.loc.Bucket, s.loc.Prefix+name, minio.RemoveObjectOptions{}))
}

// List gives the objects whose names start with prefix ("" for all), in
// name order: every one when recursive, else those directly under it and
// one Info with Dir for each name that goes on after a further slash.
func (s *Store) List(ctx context.Context, prefix string, recursive bool) iter.Seq2[Info, error] {
	return func(yield func(Info, error) bool) {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel() // ends the listing goroutine of minio-go when we stop early
		for oi := range s.c.ListObjects(ctx, s.loc.Bucket, minio.ListObjectsOptions{Prefix: s.loc.Prefix + prefix, Recursive: recursive}) {
			if oi.Err != nil {
				yield(Info{}, s.wrap(prefix, oi.Err))
				return
			}
			in := s.info(oi, false)
			if in.Name == "" {
				continue
			}
			if !yield(in, nil) {
				return
			}
		}
	}
}

func (s *Store) info(oi minio.ObjectInfo, meta bool) Info {
	in := Info{Name: strings.TrimPrefix(oi.Key, s.loc.Prefix), Size: oi.Size, Mod: oi.LastModified, ETag: strings.Trim(oi.ETag, `"`)}
	if strings.HasSuffix(in.Name, "/") {
		in.Dir, in.Name = true, strings.TrimSuffix(in.Name, "/")
	}
	if meta && len(oi.UserMetadata) > 0 {
		in.Meta = make(map[string]string, len(oi.UserMetadata))
		for k, v := range oi.UserMetadata {
			in.Meta[strings.ToLower(k)] = v
		}
	}
	return in
}

// wrap names the object in err and turns the server's "no such key" into
// ErrNotFound.
func (s *Store) wrap(name string, err error) error {
	if err == nil {
		return nil
	}
	r := minio.ToErrorResponse(err)
	switch {
	case r.Code == minio.NoSuchKey || r.StatusCode == http.StatusNotFound && r.Code != minio.NoSuchBucket:
		return fmt.Errorf("%s: %w", s.URL(name), ErrNotFound)
	case r.StatusCode == http.StatusForbidden || r.Code == "InvalidAccessKeyId" || r.Code == "SignatureDoesNotMatch":
		return fmt.Errorf("%s: %w (this process's credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or ~/.aws/credentials)", s.URL(name), err)
	}
	return fmt.Errorf("%s: %w", s.URL(name), err)
}
