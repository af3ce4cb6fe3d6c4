package eventstore

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/watchpost/watchpost/eventstore/testenv"
)

// TestSequenceChecks: a redelivered sequence must match what is archived;
// a delivery that jumps past a sequence the stream holds restarts the
// consumer, and one the stream does not hold is a gap. A mismatch and a gap
// stop the archiver.
func TestSequenceChecks(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	l, err := OpenLog(ctx, testenv.NATS(t), LogConfig{}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	pool, err := pgxpool.New(ctx, testenv.Postgres(t))
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	if _, err := Migrate(ctx, pool, ArchiveMigrations()); err != nil {
		t.Fatal(err)
	}
	for i, cmd := range []string{"a", "b", "c"} {
		p := Pending{Type: "Noted", SchemaVersion: 1, Data: []byte(`{}`), OccurredAt: time.Now()}
		if _, _, err := l.Append(ctx, "test", "x", uint64(i), i, Metadata{CommandID: cmd}, []Pending{p}); err != nil {
			t.Fatal(err)
		}
	}
	a, err := NewArchiver(l, pool, nil, ArchiverConfig{}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	msgs := fetch(t, l, 3)

	// Archive all three.
	var cur cursor
	batch, err := a.sequence(ctx, &cur, msgs)
	if err != nil || len(batch) != 3 {
		t.Fatalf("sequence: %d events, %v", len(batch), err)
	}
	if err := a.write(ctx, batch, cursor{}); err != nil {
		t.Fatal(err)
	}
	// Redelivered as archived: skipped.
	if again, err := a.sequence(ctx, &cur, msgs); err != nil || len(again) != 0 {
		t.Fatalf("redelivery: %d new events, %v", len(again), err)
	}
	// A jump: the next message is not cur+1, but the stream holds cur+1
	// (it was lost on the way): start over, do not stop.
	jumpCur := cursor{}
	if _, err := a.sequence(ctx, &jumpCur, msgs[1:]); !errors.Is(err, errDeliverySkipped) || errors.Is(err, ErrArchiveStopped) {
		t.Fatalf("jump: %v, want errDeliverySkipped", err)
	}
	if jumpCur.seq != 0 {
		t.Fatalf("a jump moved the cursor to %d", jumpCur.seq)
	}
	// A gap: the stream does not hold the sequence that should come next.
	if err := a.skipped(ctx, 10, 11); !errors.Is(err, ErrArchiveStopped) {
		t.Fatalf("gap: %v, want ErrArchiveStopped", err)
	}
	// Redelivered with content that differs from the archive.
	if _, err := pool.Exec(ctx, `ALTER TABLE events DISABLE TRIGGER events_append_only`); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `UPDATE events SET hash = '\x00' WHERE seq = 2`); err != nil {
		t.Fatal(err)
	}
	if _, err := a.sequence(ctx, &cur, msgs); !errors.Is(err, ErrArchiveStopped) {
		t.Fatalf("changed content: %v, want ErrArchiveStopped", err)
	}
}

// fetch reads the first n messages of the stream as a consumer delivers
// them.
func fetch(t *testing.T, l *Log, n int) []jetstream.Msg {
	t.Helper()
	c, err := l.js.OrderedConsumer(context.Background(), l.cfg.Stream, jetstream.OrderedConsumerConfig{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.Fetch(n, jetstream.FetchMaxWait(5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	var out []jetstream.Msg
	for m := range b.Messages() {
		out = append(out, m)
	}
	if len(out) != n {
		t.Fatalf("fetched %d messages, want %d", len(out), n)
	}
	return out
}
