package cli

import "github.com/spf13/cobra"

// newThumbsCmd is a placeholder until the thumbs job lands: it refuses honestly.
func newThumbsCmd(g *Globals) *cobra.Command {
	return &cobra.Command{
		Use:   "thumbs",
		Short: "not built yet",
		RunE: func(cmd *cobra.Command, _ []string) error {
			return Usagef("thumbs: not built yet")
		},
	}
}
