// Package cli is fanout's command line: the root command with its global
// flags, one file per subcommand (cmd_*.go), the driver that runs a job on
// the engine with a progress bar, per-item error lines and a summary, and
// the mapping from errors to exit codes.
//
// Each subcommand follows one shape: an options struct, a function that
// adds its flags, and a plain run function that tests call without cobra.
package cli
