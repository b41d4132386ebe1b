package engine

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// Settings is the constraint on a job's settings type. The zero value of a
// settings type must be valid and mean the job's documented defaults;
// Validate reports a value that is not usable, naming the field.
type Settings interface {
	Validate() error
}

// NoSettings is the settings type of a job that has none.
type NoSettings struct{}

// Validate always succeeds.
func (NoSettings) Validate() error { return nil }

// Def defines a job once: its name, its settings type S, its input and
// output types, and the constructor that turns settings into the function
// that does the work. The local pool and a cluster worker both build the
// job from a Def (Def.Job, Def.Raw), so they run the very same code with
// the very same settings. Settings must be JSON-serialisable, and inputs
// and outputs serialisable by Encode, for the job to run on a cluster.
//
// A Def is used through a pointer and must not be changed once in use.
type Def[S Settings, In, Out any] struct {
	// Name identifies the job across processes, e.g. "primes". It must be
	// a single NATS subject token: no '.', '*', '>' or white space.
	Name string
	// Version is the version of the job's wire form: its settings, input
	// and output. Bump it when an older build would misread them. A
	// worker runs a task only when the submitter's Version equals its own.
	Version int
	// Workers is the job's default concurrency: zero means one worker per
	// core (CPU-bound work); I/O-bound jobs declare more.
	Workers int
	// New builds the function for settings s, which Job has already
	// validated. It is called once per run, not once per item, so it is
	// the place for what items share: an HTTP client, a memory budget.
	New func(s S) (Func[In, Out], error)
}

// SettingsError is returned when a job's settings are invalid or cannot
// be read. Test for it with errors.As.
type SettingsError struct {
	Job string // the job's name
	Err error  // what is wrong
}

func (e *SettingsError) Error() string { return fmt.Sprintf("%s: settings: %v", e.Job, e.Err) }
func (e *SettingsError) Unwrap() error { return e.Err }

// Job validates s and builds the job d defines. A *SettingsError reports
// invalid settings.
func (d *Def[S, In, Out]) Job(s S) (Job[In, Out], error) {
	if err := s.Validate(); err != nil {
		return Job[In, Out]{}, &SettingsError{Job: d.Name, Err: err}
	}
	fn, err := d.New(s)
	if err != nil {
		return Job[In, Out]{}, &SettingsError{Job: d.Name, Err: err}
	}
	return Job[In, Out]{Name: d.Name, Run: fn, Workers: d.Workers}, nil
}

// EncodeSettings validates s and returns its wire form, JSON.
func (d *Def[S, In, Out]) EncodeSettings(s S) ([]byte, error) {
	if err := s.Validate(); err != nil {
		return nil, &SettingsError{Job: d.Name, Err: err}
	}
	b, err := json.Marshal(s)
	if err != nil {
		return nil, &SettingsError{Job: d.Name, Err: err}
	}
	return b, nil
}

// DecodeSettings reads settings written by EncodeSettings. It is strict: a
// field this build does not know (settings from a newer version) is an
// error, never silently dropped. Empty input means the zero value.
func (d *Def[S, In, Out]) DecodeSettings(b []byte) (S, error) {
	var s S
	if len(bytes.TrimSpace(b)) == 0 {
		return s, nil
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return s, &SettingsError{Job: d.Name, Err: fmt.Errorf("%w (settings from another version of fanout?)", err)}
	}
	if dec.More() {
		return s, &SettingsError{Job: d.Name, Err: errors.New("trailing data after the settings")}
	}
	return s, nil
}

// Raw decodes settings, builds the job and returns its function on the
// wire form (see Job.Raw): what a remote worker runs.
func (d *Def[S, In, Out]) Raw(settings []byte) (RawFunc, error) {
	s, err := d.DecodeSettings(settings)
	if err != nil {
		return nil, err
	}
	j, err := d.Job(s)
	if err != nil {
		return nil, err
	}
	return j.Raw(), nil
}

// JobName returns d.Name; with JobVersion and Raw it makes *Def a
// Definition.
func (d *Def[S, In, Out]) JobName() string { return d.Name }

// JobVersion returns d.Version.
func (d *Def[S, In, Out]) JobVersion() int { return d.Version }

// Definition is a Def with its types erased, as a Registry holds it and a
// worker runs it.
type Definition interface {
	JobName() string
	JobVersion() int
	// Raw builds the job for encoded settings, on input and output in wire form.
	Raw(settings []byte) (RawFunc, error)
}
