package prime

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/fanout-dev/fanout/engine"
)

// The jobs run on JSON as a worker runs them, with the settings that
// travelled with the task.
func TestJobsRaw(t *testing.T) {
	for _, tc := range []struct {
		name, settings, in, want string
	}{
		{"text", ``, `{"first":1,"text":"7\n9\nx\n"}`,
			`{"codes":"pcx","primes":1,"numbers":2,"errors":[{"line":3,"input":"x","reason":"not an integer"}]}`},
		{"json primes only", `{"json":true,"primes_only":true}`, `{"first":1,"text":"7\n9\n"}`,
			`{"codes":"pc","primes":1,"numbers":2}`},
		{"range list", ``, `{"lo":90,"hi":110}`, `{"count":5,"text":"97\n101\n103\n107\n109\n"}`},
		{"range count", `{"count":true}`, `{"lo":90,"hi":110}`, `{"count":5}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// The table is JSON, to be read; the job runs on the wire form.
			var raw func(context.Context, []byte) ([]byte, error)
			var in []byte
			var err error
			var decode func([]byte) (any, error)
			if strings.HasPrefix(tc.name, "range") {
				raw, err = RangeJob.Raw([]byte(tc.settings))
				in = wireOf[Span](t, tc.in)
				decode = func(b []byte) (any, error) { var s Sieved; return s, engine.Decode(b, &s) }
			} else {
				raw, err = Job.Raw([]byte(tc.settings))
				in = wireOf[Chunk](t, tc.in)
				decode = func(b []byte) (any, error) { var c Checked; return c, engine.Decode(b, &c) }
			}
			if err != nil {
				t.Fatal(err)
			}
			out, err := raw(context.Background(), in)
			if err != nil {
				t.Fatal(err)
			}
			v, err := decode(out)
			if got := string(mustJSON(t, v)); err != nil || got != tc.want {
				t.Fatalf("got %s, %v\nwant %s", got, err, tc.want)
			}
		})
	}
}

// wireOf returns the wire form of the T written as JSON in s.
func wireOf[T any](t *testing.T, s string) []byte {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatal(err)
	}
	b, err := engine.Encode(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Cut ends a chunk's output at its first bad line, in every format.
// What a worker sends, rendered on arrival, is what the job writes
// locally.
func TestRenderAfterTheWire(t *testing.T) {
	c := Chunk{Source: "f", First: 3, Text: "7\n\n+08\nx\n-11\n18446744073709551557\n"}
	for _, s := range []Settings{{}, {JSON: true}, {PrimesOnly: true}, {JSON: true, PrimesOnly: true}} {
		job, _ := Job.Job(s)
		local, err := job.Run(context.Background(), c)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := Job.Raw(mustJSON(t, s))
		in, _ := engine.Encode(c)
		wire, err := raw(context.Background(), in)
		if err != nil {
			t.Fatal(err)
		}
		var remote Checked
		if err := engine.Decode(wire, &remote); err != nil {
			t.Fatal(err)
		}
		remote.Render(c, s)
		if string(remote.Text) != string(local.Text) || remote.Numbers != local.Numbers {
			t.Errorf("%+v: rendered %q, locally %q", s, remote.Text, local.Text)
		}
		before := string(local.Text)
		local.Render(c, Settings{JSON: !s.JSON})
		if string(local.Text) != before {
			t.Errorf("Render changed a local chunk's text")
		}
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestCut(t *testing.T) {
	c := Chunk{Source: "stdin", First: 10, Text: "7\n\n8\nx\n11\ny\n"}
	for _, tc := range []struct {
		s    Settings
		want string
	}{
		{Settings{}, "7 is prime: true\n8 is prime: false\n"},
		{Settings{PrimesOnly: true}, "7\n"},
		{Settings{JSON: true}, `{"n":"7","prime":true}` + "\n" + `{"n":"8","prime":false}` + "\n" + `{"line":13,"input":"x","error":"not an integer"}` + "\n"},
	} {
		job, err := Job.Job(tc.s)
		if err != nil {
			t.Fatal(err)
		}
		out, err := job.Run(context.Background(), c)
		if err != nil {
			t.Fatal(err)
		}
		head, bad, ok := Cut(c, out, tc.s)
		if !ok || bad.Line != 13 || string(head.Text) != tc.want || head.Numbers != 2 || head.Primes != 1 || head.Codes != "p-cx" {
			t.Errorf("%+v: Cut = %q (%d numbers, %d primes, codes %q), line %d, %v; want %q", tc.s, head.Text, head.Numbers, head.Primes, head.Codes, bad.Line, ok, tc.want)
		}
	}
	good := Chunk{First: 1, Text: "2\n3\n"}
	job, _ := Job.Job(Settings{})
	out, _ := job.Run(context.Background(), good)
	if head, _, ok := Cut(good, out, Settings{}); ok || string(head.Text) != string(out.Text) {
		t.Errorf("Cut of a chunk with no bad line: %q, %v", head.Text, ok)
	}
}
