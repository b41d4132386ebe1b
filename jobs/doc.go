// Package jobs lists the jobs fanout ships, in one registry: the command
// line, the local pool and 'fanout worker' all build jobs from it, so a
// job added here (one package, one line below) runs locally and on every
// worker without any other change.
package jobs
