package cli

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// Version is fanout's version, set at build time with
// -ldflags "-X github.com/fanout-dev/fanout/internal/cli.Version=v1.2.3";
// otherwise it comes from the module's build information.
var Version = ""

func init() {
	if Version != "" {
		return
	}
	Version = "(devel)"
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		Version = bi.Main.Version
	}
}

// decoderInfo lists the decoders in use, one "name: description" per
// entry; the thumbs job fills it in.
var decoderInfo []func() string

func newVersionCmd(g *Globals) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version, the Go runtime and the image decoders in use",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fmt.Fprintf(g.Stdout, "fanout %s (%s, %s/%s, %d cores)\n", Version, runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.NumCPU())
			for _, f := range decoderInfo {
				fmt.Fprintln(g.Stdout, f())
			}
			return nil
		},
	}
}
