package cli

import "github.com/spf13/cobra"

// newPrimesCmd is a placeholder until the primes job lands: it refuses honestly.
func newPrimesCmd(g *Globals) *cobra.Command {
	return &cobra.Command{
		Use:   "primes",
		Short: "not built yet",
		RunE: func(cmd *cobra.Command, _ []string) error {
			return Usagef("primes: not built yet")
		},
	}
}
