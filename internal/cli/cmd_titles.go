package cli

import "github.com/spf13/cobra"

// newTitlesCmd is a placeholder until the titles job lands: it refuses honestly.
func newTitlesCmd(g *Globals) *cobra.Command {
	return &cobra.Command{
		Use:   "titles",
		Short: "not built yet",
		RunE: func(cmd *cobra.Command, _ []string) error {
			return Usagef("titles: not built yet")
		},
	}
}
