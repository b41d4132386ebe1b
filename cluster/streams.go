package cluster

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// dedupeWindow is how long the broker remembers message ids: a task or
// result published twice within it (a retried publish, a redelivered
// task's late result) is stored once.
const dedupeWindow = 2 * time.Minute

// ensure creates the task and result streams and the shared consumer
// unless they exist. It never updates an existing one: the broker (see
// Server.Setup), or else the first process to start, sets them up, and
// later ones (workers starting together) only look.
func ensure(ctx context.Context, nc *nats.Conn, cfg Config) (jetstream.JetStream, error) {
	js, err := jetstream.New(nc)
	if err != nil {
		return nil, fmt.Errorf("cluster: jetstream: %w", err)
	}
	replicas := replicasFor(nc, cfg)
	if _, err := runBucket(ctx, js, cfg, replicas); err != nil {
		return nil, err
	}
	for _, sc := range streamConfigs(cfg, replicas) {
		if _, err := js.Stream(ctx, sc.Name); errors.Is(err, jetstream.ErrStreamNotFound) {
			_, err = js.CreateStream(ctx, sc)
			if err != nil && !errors.Is(err, jetstream.ErrStreamNameAlreadyInUse) {
				return nil, fmt.Errorf("cluster: create stream %s: %w", sc.Name, err)
			}
		} else if err != nil {
			return nil, fmt.Errorf("cluster: stream %s: %w", sc.Name, err)
		}
	}
	if _, err := js.Consumer(ctx, cfg.Stream, cfg.Consumer); err == nil {
		return js, nil
	}
	if _, err = js.CreateOrUpdateConsumer(ctx, cfg.Stream, consumerConfig(cfg, replicas)); err != nil {
		return nil, fmt.Errorf("cluster: create consumer %s: %w", cfg.Consumer, err)
	}
	return js, nil
}

// own is ensure for the broker: it also brings existing streams and the
// run bucket to cfg's retention and limits.
func own(ctx context.Context, nc *nats.Conn, cfg Config) error {
	js, err := jetstream.New(nc)
	if err != nil {
		return fmt.Errorf("cluster: jetstream: %w", err)
	}
	replicas := replicasFor(nc, cfg)
	for _, sc := range streamConfigs(cfg, replicas) {
		if _, err := js.CreateOrUpdateStream(ctx, sc); err != nil {
			return fmt.Errorf("cluster: stream %s: %w", sc.Name, err)
		}
	}
	if _, err := js.CreateOrUpdateKeyValue(ctx, runBucketConfig(cfg, replicas)); err != nil {
		return fmt.Errorf("cluster: run bucket %s: %w", cfg.RunBucket, err)
	}
	if _, err := js.CreateOrUpdateObjectStore(ctx, fileBucketConfig(cfg, replicas)); err != nil {
		return fmt.Errorf("cluster: file bucket %s: %w", cfg.FileBucket, err)
	}
	if _, err := js.CreateOrUpdateConsumer(ctx, cfg.Stream, consumerConfig(cfg, replicas)); err != nil {
		return fmt.Errorf("cluster: consumer %s: %w", cfg.Consumer, err)
	}
	return nil
}

// replicasFor is cfg.Replicas, or 3 on a cluster of three servers or more.
func replicasFor(nc *nats.Conn, cfg Config) int {
	if cfg.Replicas > 0 {
		return cfg.Replicas
	}
	if nc.ConnectedClusterName() != "" && len(nc.Servers()) >= 3 {
		return 3
	}
	return 1
}

func streamConfigs(cfg Config, replicas int) []jetstream.StreamConfig {
	return []jetstream.StreamConfig{{
		Name:     cfg.Stream,
		Subjects: []string{cfg.Subject + ".task.>"},
		// Limits, not a work queue: a task stays after its worker acks
		// it, as the record of the run's input that fanout wait reads;
		// the shared consumer's ack floor says what is done. The oldest
		// go first when the stream is full: those of ended runs.
		Retention:  jetstream.LimitsPolicy,
		MaxBytes:   cfg.MaxTaskBytes,
		MaxAge:     cfg.Retention,
		Discard:    jetstream.DiscardOld,
		Duplicates: dedupeWindow,
		Replicas:   replicas,
	}, {
		Name:       cfg.ResultStream,
		Subjects:   []string{cfg.Subject + ".result.>"},
		Retention:  jetstream.LimitsPolicy,
		MaxBytes:   cfg.MaxResultBytes,
		MaxAge:     cfg.Retention,
		Discard:    jetstream.DiscardOld,
		Duplicates: dedupeWindow,
		Replicas:   replicas,
	}}
}

func consumerConfig(cfg Config, replicas int) jetstream.ConsumerConfig {
	return jetstream.ConsumerConfig{
		Durable:       cfg.Consumer,
		AckPolicy:     jetstream.AckExplicitPolicy,
		AckWait:       cfg.AckWait,
		MaxDeliver:    cfg.MaxDeliver,
		FilterSubject: cfg.Subject + ".task.>",
		Replicas:      replicas,
	}
}
