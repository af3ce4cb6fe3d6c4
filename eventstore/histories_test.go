package eventstore_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/watchpost/watchpost/eventstore"
	"github.com/watchpost/watchpost/eventstore/testenv"
)

// TestRememberedHistoryIsChecked: a replica that remembers an aggregate's
// history decides on it without reading the log; when another replica
// appended meanwhile, the append is refused and the command decides again
// on the history as the log holds it, so nothing is lost or decided twice.
func TestRememberedHistoryIsChecked(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	one, two := replicas(t)
	// seen runs a command that appends one note and reports how many events
	// its decision saw.
	seen := func(log *eventstore.Log, cmd string) int {
		t.Helper()
		var saw int
		_, err := log.Execute(ctx, eventstore.Command{AggregateType: "test", AggregateID: "a", Meta: meta(cmd),
			Decide: func(h eventstore.History) ([]eventstore.Pending, error) {
				saw = len(h.Events)
				return []eventstore.Pending{note(saw)}, nil
			}})
		if err != nil {
			t.Fatal(err)
		}
		return saw
	}
	for i, tt := range []struct {
		log  *eventstore.Log
		want int
	}{
		{one, 0}, {one, 1}, // the second on what "one" remembers
		{two, 2}, // "two" reads the log
		{one, 3}, // "one" remembers 2 events: refused, reads the log, decides on 3
		{one, 4},
	} {
		if got := seen(tt.log, fmt.Sprint("c", i)); got != tt.want {
			t.Errorf("command %d decided on %d events, want %d", i, got, tt.want)
		}
	}
	h, err := one.Load(ctx, "test", "a")
	if err != nil || len(h.Events) != 5 {
		t.Fatalf("the log holds %d events (%v), want 5", len(h.Events), err)
	}
	for i, e := range h.Events {
		if want := fmt.Sprintf(`{"n":%d}`, i); string(e.Data) != want {
			t.Errorf("event %d: %s, want %s", i+1, e.Data, want)
		}
	}
}

// TestRememberedHistoryIsNotTrustedToRefuse: a decision that refuses, or
// finds nothing to do, on a remembered history is taken again on the log's,
// since nothing checks a history that appends nothing: another replica may
// have brought what the command needs.
func TestRememberedHistoryIsNotTrustedToRefuse(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	one, two := replicas(t)
	appendNote := func(log *eventstore.Log, cmd string) {
		t.Helper()
		if _, err := log.Execute(ctx, eventstore.Command{AggregateType: "test", AggregateID: "b", Meta: meta(cmd),
			Decide: func(h eventstore.History) ([]eventstore.Pending, error) {
				return []eventstore.Pending{note(len(h.Events))}, nil
			}}); err != nil {
			t.Fatal(err)
		}
	}
	appendNote(one, "first")  // "one" remembers one event
	appendNote(two, "second") // which "two" makes stale
	errTooEarly := errors.New("the second note is not there yet")
	res, err := one.Execute(ctx, eventstore.Command{AggregateType: "test", AggregateID: "b", Meta: meta("third"),
		Decide: func(h eventstore.History) ([]eventstore.Pending, error) {
			if len(h.Events) < 2 {
				return nil, errTooEarly
			}
			return []eventstore.Pending{note(len(h.Events))}, nil
		}})
	if err != nil || len(res.Events) != 1 {
		t.Fatalf("refused on the remembered history: %v", err)
	}
	// Nothing to do on a stale history: the answer's position is the log's.
	noop, err := two.Execute(ctx, eventstore.Command{AggregateType: "test", AggregateID: "b", Meta: meta("fourth"),
		Decide: func(h eventstore.History) ([]eventstore.Pending, error) { return nil, nil }})
	if err != nil || noop.LastSeq != res.LastSeq {
		t.Fatalf("a decision with nothing to do answered at %d (%v), the log is at %d", noop.LastSeq, err, res.LastSeq)
	}
}

// replicas opens the log twice on one NATS server, as two replicas do.
func replicas(t *testing.T) (*eventstore.Log, *eventstore.Log) {
	t.Helper()
	server := testenv.NATSServer(t)
	open := func(name string) *eventstore.Log {
		nc, err := server.Connect(name)
		if err != nil {
			t.Fatal(err)
		}
		log, err := eventstore.OpenLog(context.Background(), nc, eventstore.LogConfig{}, quietLogger(), nil)
		if err != nil {
			t.Fatal(err)
		}
		return log
	}
	return open("one"), open("two")
}
