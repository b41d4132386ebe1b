package cluster

import (
	"errors"
	"fmt"
	"time"

	"github.com/fanout-dev/fanout/engine"
)

// Config names the streams and consumer and sets delivery timing and
// limits. The zero value works: every field has a documented default, and
// submitters and workers that share a broker must agree on the names. The
// first process to find a stream or the consumer missing creates it with
// its Config; later ones never change it.
type Config struct {
	// Stream is the work-queue stream holding tasks. Default "FANOUT".
	Stream string
	// ResultStream is the stream holding results until their submitter
	// has read them. Default Stream + "_RESULTS".
	ResultStream string
	// Subject is the prefix of task and result subjects. Default "fanout".
	Subject string
	// Consumer is the durable consumer that workers share. Default "workers".
	Consumer string
	// AckWait is how long a worker may hold a task without a sign of life
	// before it goes to another worker; workers send one every AckWait/3
	// while they run a task, so a task of a worker that died runs
	// elsewhere within about AckWait. Default 10s.
	AckWait time.Duration
	// MaxDeliver is how many times a task is handed out before it is
	// given up (a task that kills every worker it reaches); a worker that
	// stops hands its tasks back, which counts too. The submitter's call
	// then fails with ErrGivenUp. Default 20.
	MaxDeliver int
	// BrokerTimeout is how long a submitter waits for a broker it lost
	// (or that stopped answering) before its waiting items fail with
	// ErrBrokerLost. Default 1m.
	BrokerTimeout time.Duration
	// MaxTaskBytes bounds the task stream, which keeps a finished run's
	// tasks for fanout wait until Retention; beyond it the oldest tasks
	// go. Default 1 GiB.
	MaxTaskBytes int64
	// MaxResultBytes bounds the result stream; the oldest results are
	// dropped beyond it. Default 1 GiB.
	MaxResultBytes int64
	// Retention is how long tasks and results are kept at most. Default
	// 24h.
	Retention time.Duration
	// RunBucket is the key-value bucket of run records (see Run). Default
	// Stream + "_RUNS".
	RunBucket string
	// FileBucket is the object store of the files runs carry to their
	// workers (see Files). Default Stream + "_FILES".
	FileBucket string
	// MaxFileBytes bounds the file bucket: a file that would go beyond it
	// is refused. Default 8 GiB.
	MaxFileBytes int64
	// Heartbeat is how often a submitter updates its run's record, and
	// so how soon it learns that its run was cancelled. Default 5s.
	Heartbeat time.Duration
	// AbandonAfter is how long a run's submitter may be silent before
	// workers take the run for abandoned: they cancel it rather than run
	// its tasks for nobody. It must exceed BrokerTimeout. Default 3m.
	AbandonAfter time.Duration
	// Replicas is how many servers keep a copy of each stream. Zero means
	// 3 when the broker is part of a cluster of 3 or more servers, else 1.
	Replicas int
}

func (c Config) withDefaults() Config {
	if c.Stream == "" {
		c.Stream = "FANOUT"
	}
	if c.ResultStream == "" {
		c.ResultStream = c.Stream + "_RESULTS"
	}
	if c.Subject == "" {
		c.Subject = "fanout"
	}
	if c.Consumer == "" {
		c.Consumer = "workers"
	}
	if c.AckWait <= 0 {
		c.AckWait = 10 * time.Second
	}
	if c.MaxDeliver <= 0 {
		c.MaxDeliver = 20
	}
	if c.BrokerTimeout <= 0 {
		c.BrokerTimeout = time.Minute
	}
	if c.MaxTaskBytes <= 0 {
		c.MaxTaskBytes = 1 << 30
	}
	if c.MaxResultBytes <= 0 {
		c.MaxResultBytes = 1 << 30
	}
	if c.Retention <= 0 {
		c.Retention = 24 * time.Hour
	}
	if c.RunBucket == "" {
		c.RunBucket = c.Stream + "_RUNS"
	}
	if c.FileBucket == "" {
		c.FileBucket = c.Stream + "_FILES"
	}
	if c.MaxFileBytes <= 0 {
		c.MaxFileBytes = 8 << 30
	}
	if c.Heartbeat <= 0 {
		c.Heartbeat = 5 * time.Second
	}
	if c.AbandonAfter <= 0 {
		c.AbandonAfter = 3 * time.Minute
	}
	return c
}

// taskSubject is where the tasks of one run of one job are published.
func (c Config) taskSubject(job, run string) string {
	return fmt.Sprintf("%s.task.%s.%s", c.Subject, job, run)
}

// resultSubject is where a run's results come back; seq is ">" to
// subscribe.
func (c Config) resultSubject(run, seq string) string {
	return fmt.Sprintf("%s.result.%s.%s", c.Subject, run, seq)
}

// Message headers of the protocol.
const (
	hdrReply     = "Fanout-Reply"     // on a task: the subject for its result
	hdrVersion   = "Fanout-Version"   // on a task: the job's Def.Version on the submitter
	hdrSettings  = "Fanout-Settings"  // on a task: the run's settings, JSON
	hdrError     = "Fanout-Error"     // on a result: the job's error message
	hdrTransient = "Fanout-Transient" // on a result: "1" if the error may pass on retry
	hdrPart      = "Fanout-Part"      // on a result: "i/n", part i (from 0) of n
	hdrToken     = "Fanout-Token"     // on a task, and copied to its result: see taskToken
	hdrIndex     = "Fanout-Index"     // on a task: the item's place in the run's input, from 0
)

// ErrUnknownJob is the error of a task whose job the worker's registry does
// not hold; it is engine.ErrUnknownJob.
var ErrUnknownJob = engine.ErrUnknownJob

// ErrVersion is the error of a task whose job has another Def.Version on
// the worker than on the submitter: the two run different builds.
var ErrVersion = errors.New("cluster: job version differs between submitter and worker")

// ErrGivenUp is the error of a task that was handed out Config.MaxDeliver
// times without a worker finishing it.
var ErrGivenUp = errors.New("cluster: task given up")

// ErrBrokerLost is the error of the items still waiting when the
// submitter lost its broker for longer than Config.BrokerTimeout.
var ErrBrokerLost = errors.New("cluster: lost the broker")

// ErrStreamGone is the error of the items still waiting when the task or
// result stream was deleted (or deleted and made anew) during the run.
var ErrStreamGone = errors.New("cluster: stream deleted during the run")

// RemoteError is an error that a job returned on a worker.
type RemoteError struct {
	Job string // the job's name
	Msg string // the error's message on the worker
}

func (e *RemoteError) Error() string { return e.Msg }
