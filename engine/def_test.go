package engine_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/fanout-dev/fanout/engine"
)

// greetSettings are the settings of the test job: the zero value greets
// with "hello".
type greetSettings struct {
	Word string `json:"word,omitempty"`
}

func (s greetSettings) Validate() error {
	if strings.ContainsAny(s.Word, " \t") {
		return fmt.Errorf("word %q must be one word", s.Word)
	}
	return nil
}

var greet = &engine.Def[greetSettings, string, string]{
	Name:    "greet",
	Version: 1,
	New: func(s greetSettings) (engine.Func[string, string], error) {
		word := s.Word
		if word == "" {
			word = "hello"
		}
		return func(_ context.Context, name string) (string, error) { return word + ", " + name, nil }, nil
	},
}

// A job is defined once; its settings build the function, locally (Job)
// or from their wire form, as a worker does (EncodeSettings, Raw).
func ExampleDef() {
	job, err := greet.Job(greetSettings{Word: "bonjour"})
	if err != nil {
		panic(err)
	}
	out, _ := job.Run(context.Background(), "Ada")
	fmt.Println(out)

	wire, _ := greet.EncodeSettings(greetSettings{Word: "hej"})
	raw, _ := greet.Raw(wire)
	res, _ := raw(context.Background(), []byte(`"Ada"`))
	fmt.Println(string(wire), string(res))
	// Output:
	// bonjour, Ada
	// {"word":"hej"} "hej, Ada"
}

func TestDefSettings(t *testing.T) {
	if _, err := greet.Job(greetSettings{Word: "two words"}); err == nil {
		t.Fatal("invalid settings accepted")
	} else if se := (*engine.SettingsError)(nil); !errors.As(err, &se) || se.Job != "greet" {
		t.Fatalf("error %v, want a *SettingsError naming the job", err)
	}
	// The zero value is the defaults, and empty wire settings are the zero value.
	raw, err := greet.Raw(nil)
	if err != nil {
		t.Fatal(err)
	}
	if out, _ := raw(context.Background(), []byte(`"Bo"`)); string(out) != `"hello, Bo"` {
		t.Fatalf("got %s", out)
	}
	// Settings this build cannot read are refused, never guessed at.
	for _, wire := range []string{`{"word":"hi","shout":true}`, `{"word":3}`, `{"word":"a"} {}`, `{"word":"a b"}`} {
		if _, err := greet.Raw([]byte(wire)); err == nil {
			t.Errorf("settings %s accepted", wire)
		} else if !strings.HasPrefix(err.Error(), "greet: settings: ") {
			t.Errorf("settings %s: error %q does not name the job", wire, err)
		}
	}
}

func TestRegistry(t *testing.T) {
	r := engine.NewRegistry(greet)
	if err := r.Add(greet); !errors.Is(err, engine.ErrDuplicateJob) {
		t.Fatalf("second add: %v, want ErrDuplicateJob", err)
	}
	bad := &engine.Def[engine.NoSettings, int, int]{Name: "a.b"}
	if err := r.Add(bad); err == nil {
		t.Fatal("a name with a dot was accepted")
	}
	if d, err := r.Lookup("greet"); err != nil || d.JobName() != "greet" || d.JobVersion() != 1 {
		t.Fatalf("lookup: %v, %v", d, err)
	}
	if _, err := r.Lookup("nope"); !errors.Is(err, engine.ErrUnknownJob) || !strings.Contains(err.Error(), "greet") {
		t.Fatalf("lookup of an unknown job: %v, want ErrUnknownJob listing the known ones", err)
	}
	if got := strings.Join(r.Names(), ","); got != "greet" {
		t.Fatalf("names %q", got)
	}
}
