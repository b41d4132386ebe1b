package cluster

import (
	"errors"
	"fmt"
	"time"

	"github.com/fanout-dev/fanout/engine"
)

// Config names the stream and consumer and sets delivery timing. The zero
// value works: every field has a documented default, and submitters and
// workers that share a broker must agree on Stream.
type Config struct {
	// Stream is the JetStream stream holding tasks. Default "FANOUT".
	Stream string
	// Subject is the prefix of task and result subjects. Default "fanout".
	Subject string
	// Consumer is the durable consumer that workers share. Default "workers".
	Consumer string
	// AckWait is how long a worker may hold a task without a sign of life
	// before it goes to another worker; workers send one every AckWait/3
	// while they run a task. Default 30s.
	AckWait time.Duration
	// MaxDeliver is how many times a task is handed out before it is
	// given up (a task that kills every worker it reaches); a worker that
	// stops hands its tasks back, which counts too. The submitter's call
	// then fails with ErrGivenUp. Default 20.
	MaxDeliver int
}

func (c Config) withDefaults() Config {
	if c.Stream == "" {
		c.Stream = "FANOUT"
	}
	if c.Subject == "" {
		c.Subject = "fanout"
	}
	if c.Consumer == "" {
		c.Consumer = "workers"
	}
	if c.AckWait <= 0 {
		c.AckWait = 30 * time.Second
	}
	if c.MaxDeliver <= 0 {
		c.MaxDeliver = 20
	}
	return c
}

// taskSubject is where the tasks of one run of one job are published.
func (c Config) taskSubject(job, run string) string {
	return fmt.Sprintf("%s.task.%s.%s", c.Subject, job, run)
}

// resultSubject is where a run's results come back; seq is "*" to subscribe.
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

// RemoteError is an error that a job returned on a worker.
type RemoteError struct {
	Job string // the job's name
	Msg string // the error's message on the worker
}

func (e *RemoteError) Error() string { return e.Msg }
