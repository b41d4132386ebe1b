package s3store

import (
	"errors"
	"fmt"
	"net/url"
	"path"
	"strings"
)

// Location is where a store's objects are: a bucket, a key prefix in it,
// and the server to reach it by.
type Location struct {
	Bucket string
	// Prefix is put before every name: "" or a path ending in "/".
	Prefix string
	// Endpoint is the server's scheme, host and port; "" is AWS S3 of
	// Region.
	Endpoint string
	// Region is the bucket's region; "" is us-east-1.
	Region string
}

// ErrURL is the error of a store URL that cannot be used.
var ErrURL = errors.New("want s3://bucket/prefix?endpoint=http://host:port&region=name")

// Parse reads a store URL: s3://bucket[/prefix][?endpoint=URL][&region=R].
// The endpoint is an http:// or https:// URL (an IP literal and port for a
// server of one's own); without it the bucket is on AWS S3. Other query
// parameters, user names and passwords are refused: credentials come from
// the environment (see the package documentation).
func Parse(raw string) (Location, error) {
	var loc Location
	u, err := url.Parse(raw)
	if err != nil {
		return loc, fmt.Errorf("store %q: %w", raw, ErrURL)
	}
	if u.Scheme != "s3" || u.Host == "" || u.Opaque != "" {
		return loc, fmt.Errorf("store %q: %w", raw, ErrURL)
	}
	if u.User != nil {
		return loc, fmt.Errorf("store %q: credentials do not go in the URL, which every worker and run record sees: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY", raw)
	}
	loc.Bucket = u.Host
	if p := strings.Trim(u.Path, "/"); p != "" && p != "." {
		if Name(p) != nil {
			return loc, fmt.Errorf("store %q: the prefix %q is not a clean path", raw, p)
		}
		loc.Prefix = p + "/"
	}
	q := u.Query()
	for k := range q {
		if k != "endpoint" && k != "region" {
			return loc, fmt.Errorf("store %q: unknown parameter %q: %w", raw, k, ErrURL)
		}
	}
	loc.Region = q.Get("region")
	if e := q.Get("endpoint"); e != "" {
		eu, err := url.Parse(e)
		if err != nil || (eu.Scheme != "http" && eu.Scheme != "https") || eu.Host == "" || (eu.Path != "" && eu.Path != "/") || eu.RawQuery != "" {
			return loc, fmt.Errorf("store %q: endpoint %q: want http://host:port or https://host:port", raw, e)
		}
		loc.Endpoint = eu.Scheme + "://" + eu.Host
	}
	return loc, nil
}

// String gives the location back as a store URL.
func (l Location) String() string {
	u := url.URL{Scheme: "s3", Host: l.Bucket, Path: "/" + l.Prefix}
	q := url.Values{}
	if l.Endpoint != "" {
		q.Set("endpoint", l.Endpoint)
	}
	if l.Region != "" {
		q.Set("region", l.Region)
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// Name checks that name is a key relative to the prefix that stays
// inside it: slash-separated, clean, not absolute, no "..".
func Name(name string) error {
	if name == "" || name == "." || path.Clean(name) != name || path.IsAbs(name) || name == ".." || strings.HasPrefix(name, "../") || strings.ContainsRune(name, 0) {
		return fmt.Errorf("%q is not a name inside the store", name)
	}
	return nil
}
