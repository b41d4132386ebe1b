// Package s3store is the small part of S3 that fanout's thumbs job uses
// when its sources and thumbnails live in a bucket (thumbs --store
// s3://…): listing names under a prefix, reading an object whole or its
// metadata, and writing an object, which S3 makes visible whole or not at
// all. It wraps minio-go, which speaks to AWS S3 and to every store that
// talks its protocol (MinIO, Ceph, Garage, SeaweedFS…).
//
// Credentials come from the environment of each process, never from the
// URL, which travels to workers and is kept in run records:
// AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN), or
// the default profile of ~/.aws/credentials. Nothing asks an instance
// metadata service.
package s3store
