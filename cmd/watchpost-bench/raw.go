package main

import (
	"context"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// rawStream is where the baseline publishes: a stream like the event log's
// (file storage, the same server, the same dedup window), so the only
// difference from the service's appends is everything the service does
// around them.
const rawStream = "BENCH_RAW"

// rawBaseline publishes from users goroutines for d, each to aggregates of
// its own, with the service's optimistic-concurrency and dedup headers, and
// returns publishes per second.
func rawBaseline(ctx context.Context, nc *nats.Conn, users int, d time.Duration) (perSec float64, published int, err error) {
	js, err := jetstream.New(nc)
	if err != nil {
		return 0, 0, err
	}
	if _, err := js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name: rawStream, Subjects: []string{"benchraw.>"}, Storage: jetstream.FileStorage,
		Duplicates: 15 * time.Minute, AllowDirect: true, AllowAtomicPublish: true,
	}); err != nil {
		return 0, 0, err
	}
	defer func() { _ = js.DeleteStream(context.WithoutCancel(ctx), rawStream) }()
	payload := make([]byte, 420) // about a referral event's size
	run := time.Now().UnixNano()
	last := make([]map[int]uint64, users) // each publisher's aggregates' last sequences
	for w := range last {
		last[w] = map[int]uint64{}
	}
	perSec, published, err = drive(ctx, users, d, func(w, i int) error {
		agg := i % 5 // a few aggregates per user, as a user's cases
		m := nats.NewMsg(fmt.Sprintf("benchraw.case.%d-%d-%d", run, w, agg))
		m.Data = payload
		ack, err := js.PublishMsg(ctx, m,
			jetstream.WithMsgID(fmt.Sprintf("%d-%d-%d", run, w, i)),
			jetstream.WithExpectLastSequencePerSubject(last[w][agg]))
		if err != nil {
			return err
		}
		last[w][agg] = ack.Sequence
		return nil
	})
	if err != nil {
		return 0, 0, fmt.Errorf("raw baseline: %w", err)
	}
	return perSec, published, nil
}
