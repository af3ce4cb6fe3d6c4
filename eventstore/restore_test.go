package eventstore_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/watchpost/watchpost/eventstore"
	"github.com/watchpost/watchpost/eventstore/testenv"
)

// TestRestore: the archive of a stream (single events and atomic batches,
// over many aggregates) republished into a new, empty stream gives the same
// messages at the same sequences, with the same headers and message ids and
// the recorded time of the first; the archive verifies against it; an
// interrupted restore runs again to the end; a stream holding anything else
// is refused; and the log goes on from there: an old command sent again is
// recognised, a new one is appended after the restored events.
func TestRestore(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := context.Background()
	writeEvents(t, f, 1200, "restore")
	last, err := f.log.LastSeq(ctx)
	if err != nil {
		t.Fatal(err)
	}
	a := startArchiver(t, f)
	waitArchived(t, f, last)
	a.Stop()

	// The stream is lost: a new, empty one on another server.
	lost, err := eventstore.OpenLog(ctx, testenv.NATS(t), eventstore.LogConfig{}, quietLogger(), nil)
	if err != nil {
		t.Fatal(err)
	}
	// Interrupted after the first batch, then run again.
	interrupted, stop := context.WithCancel(ctx)
	_, err = eventstore.Restore(interrupted, f.pool, lost, func(done uint64) { stop() })
	stop()
	if err == nil {
		t.Fatal("a restore cancelled after its first batch finished")
	}
	partial, err := lost.LastSeq(ctx)
	if err != nil || partial == 0 || partial >= last {
		t.Fatalf("after the interruption the stream ends at %d (%v), want part of 1..%d", partial, err, last)
	}
	rep, err := eventstore.Restore(ctx, f.pool, lost, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Events != last-partial || rep.LastSeq != last || rep.Verified.Mismatch != "" || rep.Verified.Events != last {
		t.Fatalf("restore: %+v, want %d events up to %d, verified", rep, last-partial, last)
	}

	// Message by message: subject, headers (message id included) and data as
	// the original stream has them, the recorded time of the original.
	orig, restored := stream(t, f.log), stream(t, lost)
	for seq := uint64(1); seq <= last; seq++ {
		o, err := orig.GetMsg(ctx, seq)
		if err != nil {
			t.Fatal(err)
		}
		r, err := restored.GetMsg(ctx, seq)
		if err != nil {
			t.Fatal(err)
		}
		if o.Subject != r.Subject || string(o.Data) != string(r.Data) {
			t.Fatalf("sequence %d: %s %s, restored %s %s", seq, o.Subject, o.Data, r.Subject, r.Data)
		}
		for k, v := range o.Header {
			if strings.HasPrefix(k, "Nats-") && k != jetstream.MsgIDHeader {
				continue // how it was published and stored (the time is Wp-Recorded-At's), not what it is
			}
			if k == eventstore.HeaderOccurredAt {
				// The archive keeps microseconds (the service's clock has
				// no finer ones); this test's events were made with finer.
				ot, _ := time.Parse(time.RFC3339Nano, o.Header.Get(k))
				rt, _ := time.Parse(time.RFC3339Nano, r.Header.Get(k))
				if !ot.Truncate(time.Microsecond).Equal(rt) {
					t.Fatalf("sequence %d: occurred at %s, restored %s", seq, ot, rt)
				}
				continue
			}
			if got := r.Header.Values(k); fmt.Sprint(got) != fmt.Sprint(v) {
				t.Fatalf("sequence %d: header %s is %v, restored %v", seq, k, v, got)
			}
		}
		if got := r.Header.Get(eventstore.HeaderRecordedAt); got == "" {
			t.Fatalf("sequence %d: no %s", seq, eventstore.HeaderRecordedAt)
		}
	}

	// A stream that is not a beginning of the archive is refused.
	other, err := eventstore.OpenLog(ctx, testenv.NATS(t), eventstore.LogConfig{}, quietLogger(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := other.Append(ctx, "test", "stray", 0, 0, meta("stray"), []eventstore.Pending{note(1)}); err != nil {
		t.Fatal(err)
	}
	if _, err := eventstore.Restore(ctx, f.pool, other, nil); !errors.Is(err, eventstore.ErrStreamNotEmpty) {
		t.Errorf("a restore into a stream holding another event: %v, want ErrStreamNotEmpty", err)
	}

	// The log goes on: an old command is recognised by its id, a new one
	// lands after the restored events, and the archive takes it on.
	h, err := lost.Load(ctx, "test", aggID(0))
	if err != nil || len(h.Events) == 0 {
		t.Fatalf("history of %s after the restore: %d events, %v", aggID(0), len(h.Events), err)
	}
	first := h.Events[0]
	again, err := lost.Execute(ctx, eventstore.Command{AggregateType: "test", AggregateID: aggID(0), Meta: meta(first.Meta.CommandID),
		Decide: func(eventstore.History) ([]eventstore.Pending, error) { return []eventstore.Pending{note(99)}, nil }})
	if err != nil || !again.Duplicate {
		t.Errorf("an old command sent again after the restore: %+v %v, want the duplicate", again, err)
	}
	res, err := lost.Execute(ctx, eventstore.Command{AggregateType: "test", AggregateID: aggID(0), Meta: meta("after-restore"),
		Decide: func(eventstore.History) ([]eventstore.Pending, error) { return []eventstore.Pending{note(100)}, nil }})
	if err != nil || res.LastSeq != last+1 {
		t.Fatalf("a new command after the restore: %+v %v, want sequence %d", res, err, last+1)
	}
	b, err := eventstore.NewArchiver(lost, f.pool, nil, eventstore.ArchiverConfig{}, quietLogger(), nil)
	if err != nil {
		t.Fatal(err)
	}
	b.Start(ctx)
	defer b.Stop()
	waitArchived(t, f, last+1)
	if rep, err := eventstore.Verify(ctx, f.pool, lost); err != nil || rep.Mismatch != "" || rep.Events != last+1 {
		t.Errorf("verify after a new event: %+v %v", rep, err)
	}
	t.Logf("restored %d events (%d after an interruption at %d)", last, rep.Events, partial)
}

// stream is the log's stream, for reading messages as stored.
func stream(t *testing.T, l *eventstore.Log) jetstream.Stream {
	t.Helper()
	st, err := l.JetStream().Stream(context.Background(), l.StreamName())
	if err != nil {
		t.Fatal(err)
	}
	return st
}
