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
// Delivery is at least once, and results count once: a task whose worker
// dies is redelivered after Config.AckWait; a worker stores the result in a
// result stream, with a message id of run and task, and acknowledges the
// task only once the broker has stored it; the submitter reads its run's
// results through an ordered consumer, which resumes after a broker
// restart, and takes one result per task, only with the task's token.
// Every wait of a submitter is bounded (ErrBrokerLost, ErrStreamGone,
// ErrGivenUp). When a submitter stops early, Client.Close purges its tasks
// that no worker has taken yet, and its results.
//
// StartServer runs an embedded NATS server with JetStream, so that no
// separate broker needs installing ('fanout broker'): with its own locked
// store, authentication (required off loopback), TLS, and clustering with
// other such servers.
package cluster
