package cli

import (
	"fmt"

	"github.com/fanout-dev/fanout/cluster"
	"github.com/fanout-dev/fanout/engine"
	"github.com/fanout-dev/fanout/internal/web"
	"github.com/fanout-dev/fanout/prime"
	"github.com/fanout-dev/fanout/thumb"
)

// explainers tell the broker's page what the tasks of each job hold.
func explainers() map[string]web.Explainer {
	return map[string]web.Explainer{
		prime.Job.Name:      explainPrimes,
		thumb.Job.Name:      explainThumbs,
		prime.RangeJob.Name: nil, // a span is one item, named by the default
	}
}

// explainPrimes counts a chunk's numbers, and names its bad lines as the
// submitter does ("line 7", "FILE:7"); a chunk that failed as a whole is
// named by where it starts.
func explainPrimes(o cluster.Outcome, input func() []byte) (int, []web.Failure) {
	if o.Err != "" {
		name := "chunk"
		var c prime.Chunk
		if in := input(); in != nil && engine.Decode(in, &c) == nil {
			name = chunkName(c)
		}
		return 0, []web.Failure{{Item: name, Class: web.ErrorClass(o), Reason: o.Err}}
	}
	var v prime.Checked
	if engine.Decode(o.Output, &v) != nil {
		return 1, nil
	}
	var fails []web.Failure
	if len(v.Errors) > 0 {
		source := "stdin"
		var c prime.Chunk
		if in := input(); in != nil && engine.Decode(in, &c) == nil {
			source = c.Source
		}
		for _, e := range v.Errors {
			fails = append(fails, web.Failure{Item: lineName(source, e.Line), Class: "bad_input", Reason: fmt.Sprintf("%q: %s", e.Input, e.Reason)})
		}
	}
	return v.Numbers, fails
}

// explainThumbs names a failed image by its path.
func explainThumbs(o cluster.Outcome, input func() []byte) (int, []web.Failure) {
	if o.Err == "" {
		return 1, nil
	}
	name := "image"
	var it thumb.Item
	if in := input(); in != nil && engine.Decode(in, &it) == nil {
		name = it.Src
	}
	return 0, []web.Failure{{Item: name, Class: web.ErrorClass(o), Reason: o.Err}}
}
