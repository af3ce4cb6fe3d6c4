package eventstore_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/watchpost/watchpost/eventstore"
)

// TestConcurrentWriters: 50 writers race on one aggregate; every command is
// applied exactly once or refused, and versions stay consecutive.
func TestConcurrentWriters(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := context.Background()
	const writers = 50
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		applied = map[string]uint64{}
		refused int
	)
	for i := range writers {
		wg.Go(func() {
			cmd := fmt.Sprintf("cmd-%d", i)
			res, err := f.log.Execute(ctx, eventstore.Command{
				AggregateType: "test", AggregateID: "shared", Meta: meta(cmd),
				Decide: func(h eventstore.History) ([]eventstore.Pending, error) {
					return []eventstore.Pending{note(len(h.Events))}, nil
				},
			})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				applied[cmd] = res.LastSeq
			case errors.Is(err, eventstore.ErrConflict):
				refused++
			default:
				t.Errorf("%s: %v", cmd, err)
			}
		})
	}
	wg.Wait()
	if len(applied)+refused != writers {
		t.Fatalf("%d applied + %d refused, want %d", len(applied), refused, writers)
	}
	h, err := f.log.Load(ctx, "test", "shared")
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Events) != len(applied) {
		t.Fatalf("history has %d events, %d commands were applied", len(h.Events), len(applied))
	}
	seen := map[string]bool{}
	for i, e := range h.Events {
		if e.Version != i+1 {
			t.Fatalf("event %d has version %d", i, e.Version)
		}
		if seen[e.Meta.CommandID] {
			t.Fatalf("command %s stored twice", e.Meta.CommandID)
		}
		seen[e.Meta.CommandID] = true
		if applied[e.Meta.CommandID] != e.Seq {
			t.Fatalf("command %s: answered sequence %d, stored at %d", e.Meta.CommandID, applied[e.Meta.CommandID], e.Seq)
		}
	}
	t.Logf("%d applied, %d refused after repeated conflicts", len(applied), refused)
}

// TestRetriedAppendStoredOnce: sending the same command again, within the
// log's dedup window or after the aggregate moved on, stores nothing new.
func TestRetriedAppendStoredOnce(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := context.Background()

	first, dup, err := f.log.Append(ctx, "test", "a", 0, 0, meta("c1"), []eventstore.Pending{note(1)})
	if err != nil || dup {
		t.Fatalf("first append: dup=%v err=%v", dup, err)
	}
	// The same command again for a new aggregate (a creation retried with a
	// freshly chosen id): the dedup window answers with the original.
	again, dup, err := f.log.Append(ctx, "test", "a-retry", 0, 0, meta("c1"), []eventstore.Pending{note(1)})
	if err != nil {
		t.Fatal(err)
	}
	if !dup || again[0].Seq != first[0].Seq || again[0].ID != first[0].ID || again[0].AggregateID != "a" {
		t.Fatalf("retry: dup=%v %+v, want the original %+v", dup, again[0], first[0])
	}
	// A multi-event command sent again after another writer moved on.
	cmd := eventstore.Command{AggregateType: "test", AggregateID: "a", Meta: meta("c2"),
		Decide: func(h eventstore.History) ([]eventstore.Pending, error) {
			return []eventstore.Pending{note(2), note(3)}, nil
		}}
	res, err := f.log.Execute(ctx, cmd)
	if err != nil || len(res.Events) != 2 || res.Duplicate {
		t.Fatalf("batch: %+v %v", res, err)
	}
	if _, _, err := f.log.Append(ctx, "test", "a", res.LastSeq, 3, meta("c3"), []eventstore.Pending{note(4)}); err != nil {
		t.Fatal(err)
	}
	again2, err := f.log.Execute(ctx, cmd)
	if err != nil || !again2.Duplicate || again2.Events[0].Seq != res.Events[0].Seq || len(again2.Events) != 2 {
		t.Fatalf("re-sent batch: %+v %v", again2, err)
	}
	h, err := f.log.Load(ctx, "test", "a")
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Events) != 4 {
		t.Fatalf("history has %d events, want 4", len(h.Events))
	}
	if last, err := f.log.LastSeq(ctx); err != nil || last != 4 {
		t.Fatalf("stream ends at %d (%v), want 4", last, err)
	}
}

// TestIdempotencyMismatch: a command id sent again with a different request
// is refused rather than answered with the first request's result.
func TestIdempotencyMismatch(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := context.Background()
	cmd := func(hash string) eventstore.Command {
		m := meta("same-key")
		m.RequestHash = hash
		return eventstore.Command{AggregateType: "test", AggregateID: "k", Meta: m,
			Decide: func(eventstore.History) ([]eventstore.Pending, error) { return []eventstore.Pending{note(1)}, nil }}
	}
	if _, err := f.log.Execute(ctx, cmd("one")); err != nil {
		t.Fatal(err)
	}
	if res, err := f.log.Execute(ctx, cmd("one")); err != nil || !res.Duplicate {
		t.Fatalf("same request again: %+v %v", res, err)
	}
	if _, err := f.log.Execute(ctx, cmd("two")); !errors.Is(err, eventstore.ErrIdempotencyMismatch) {
		t.Fatalf("other request, same key: %v, want ErrIdempotencyMismatch", err)
	}
}

// TestStaleExpectationIsConflict: an append that expects an old head is
// refused and stores nothing.
func TestStaleExpectationIsConflict(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := context.Background()
	if _, _, err := f.log.Append(ctx, "test", "x", 0, 0, meta("a"), []eventstore.Pending{note(1)}); err != nil {
		t.Fatal(err)
	}
	_, _, err := f.log.Append(ctx, "test", "x", 0, 0, meta("b"), []eventstore.Pending{note(2), note(3)})
	if !errors.Is(err, eventstore.ErrConflict) {
		t.Fatalf("stale batch: %v, want ErrConflict", err)
	}
	h, err := f.log.Load(ctx, "test", "x")
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Events) != 1 {
		t.Fatalf("history has %d events after a refused batch, want 1", len(h.Events))
	}
}

// TestImport: aggregates imported in atomic batches are archived like any
// others; importing an existing aggregate is refused.
func TestImport(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := context.Background()
	var aggs []eventstore.NewAggregate
	for i := range 700 {
		aggs = append(aggs, eventstore.NewAggregate{Type: "test", ID: fmt.Sprint("imp-", i), Meta: meta(fmt.Sprint("import-", i)),
			Events: []eventstore.Pending{note(1), note(2)}})
	}
	n, err := f.log.Import(ctx, aggs)
	if err != nil || n != 1400 {
		t.Fatalf("imported %d: %v", n, err)
	}
	h, err := f.log.Load(ctx, "test", "imp-699")
	if err != nil || len(h.Events) != 2 || h.Events[1].Version != 2 {
		t.Fatalf("imported aggregate: %+v %v", h, err)
	}
	startArchiver(t, f)
	waitArchived(t, f, 1400)
	checkArchive(t, f, 1400)
	if _, err := f.log.Import(ctx, aggs[:1]); err == nil {
		t.Fatal("an existing aggregate was imported again")
	}
}
