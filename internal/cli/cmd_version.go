package cli

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"github.com/fanout-dev/fanout/thumb"
)

// Version is the line that names this build of fanout (see versionLine).
// Its version part may be set at build time with
// -ldflags "-X github.com/fanout-dev/fanout/internal/cli.Version=v1.2.3";
// otherwise it comes from the module's build information.
var Version = ""

func init() {
	bi, _ := debug.ReadBuildInfo()
	Version = versionLine(Version, bi)
}

// versionLine is what --version prints: "fanout v1.2.3 (commit 0123abcd,
// 2026-12-01, go1.26.8)". The version is set at build time, or the
// module's version when built with go install; a build from a checkout
// says "devel" and names its commit (with "+changes" when the work tree
// had changes).
func versionLine(set string, bi *debug.BuildInfo) string {
	v, details := set, []string{}
	if bi != nil {
		if v == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			v = bi.Main.Version
		}
		var rev, when, dirty string
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value[:min(len(s.Value), 12)]
			case "vcs.time":
				when = s.Value[:min(len(s.Value), 10)]
			case "vcs.modified":
				if s.Value == "true" {
					dirty = "+changes"
				}
			}
		}
		if rev != "" {
			details = append(details, "commit "+rev+dirty)
		}
		if when != "" {
			details = append(details, when)
		}
	}
	if v == "" {
		v = "devel"
	}
	details = append(details, runtime.Version())
	return "fanout " + v + " (" + strings.Join(details, ", ") + ")"
}

// decoderInfo lists the decoders in use, one "name: description" per
// entry; the thumbs job fills it in.
var decoderInfo []func() string

func newVersionCmd(g *Globals) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version, the Go runtime, the image decoders and the colour engine in use",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fmt.Fprintf(g.Stdout, "%s\n%s/%s, %d cores\n", Version, runtime.GOOS, runtime.GOARCH, runtime.NumCPU())
			for _, f := range decoderInfo {
				fmt.Fprintln(g.Stdout, f())
			}
			fmt.Fprintln(g.Stdout, "colour: "+thumb.ColourEngine())
			return nil
		},
	}
}
