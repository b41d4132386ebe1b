// Package cluster runs fanout's jobs on many machines through NATS
// JetStream: horizontal scaling, where the engine alone scales vertically.
//
// A submitter publishes each input as a task to a work-queue stream; any
// number of worker processes (Worker.Serve, 'fanout worker') take tasks
// from one shared durable consumer, build the job the task names from its
// engine.Registry with the settings and version the task carries, run it,
// and publish the result back to the submitter. On the submitter's side a
// job defined by an engine.Def becomes an ordinary engine.Job (Remote), so
// the engine's ordering, bounded window, retries, progress and
// cancellation apply unchanged, and the worker runs the very same code,
// with the very same settings, as the local pool.
//
// Delivery is at least once: a task whose worker dies is redelivered after
// Config.AckWait. A task is acknowledged only after its result was sent.
// When a submitter stops early, Client.Close purges its tasks that no
// worker has taken yet.
//
// StartServer runs an embedded NATS server with JetStream, so that no
// separate broker needs installing ('fanout broker').
package cluster
