package eventstore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/watchpost/watchpost/eventstore"
)

// capturing is an inline projection that keeps what it was given.
type capturing struct {
	mu     sync.Mutex
	events []eventstore.Event
}

func (*capturing) Name() string { return "capturing" }

func (c *capturing) Apply(_ context.Context, _ pgx.Tx, events []eventstore.Event) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.events = append(c.events, events...)
	return nil
}

// addField is an upcast step that sets a field from another, as a field
// added to an event type reads on the old events.
func addField(to, from string) eventstore.UpcastStep {
	return func(data []byte) ([]byte, error) {
		var m map[string]any
		if err := json.Unmarshal(data, &m); err != nil {
			return nil, err
		}
		if _, ok := m[to]; !ok {
			m[to] = m[from]
		}
		return json.Marshal(m)
	}
}

// TestUpcastStoredVersion1: an event type gained a field twice (version 2
// a label, version 3 a note). An event stored at version 1, and one at
// version 2, read at version 3 through every path the domain reads by
// (the log's history for commands, the archive for projections and views,
// the inline projections), with the new fields as the old shape meant them;
// the log and the archive keep the bytes as they were written, so the
// hash chain and the stream still verify.
func TestUpcastStoredVersion1(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := context.Background()
	const agg = "upcast-test"
	stored := []eventstore.Pending{
		{Type: "ThingNamed", SchemaVersion: 1, Data: json.RawMessage(`{"name":"旧名"}`), OccurredAt: time.Now()},
		{Type: "ThingNamed", SchemaVersion: 2, Data: json.RawMessage(`{"name":"新名","label":"标签"}`), OccurredAt: time.Now()},
		{Type: "ThingNamed", SchemaVersion: 3, Data: json.RawMessage(`{"name":"今名","label":"今","note":"注"}`), OccurredAt: time.Now()},
	}
	for i, p := range stored {
		if _, err := f.log.Execute(ctx, eventstore.Command{AggregateType: agg, AggregateID: "thing-1", Meta: meta(fmt.Sprintf("name-%d", i)),
			Decide: func(eventstore.History) ([]eventstore.Pending, error) { return []eventstore.Pending{p}, nil }}); err != nil {
			t.Fatal(err)
		}
	}
	eventstore.RegisterUpcasters(agg, eventstore.Upcasters{"ThingNamed": {1: addField("label", "name"), 2: addField("note", "label")}})
	t.Cleanup(func() { eventstore.RegisterUpcasters(agg, nil) })
	inline := &capturing{}
	startArchiver(t, f, inline)
	waitArchived(t, f, 3)

	want := []string{`{"label":"旧名","name":"旧名","note":"旧名"}`, `{"label":"标签","name":"新名","note":"标签"}`, string(stored[2].Data)}
	same := func(path string, events []eventstore.Event) {
		t.Helper()
		if len(events) != 3 {
			t.Fatalf("%s: %d events", path, len(events))
		}
		for i, e := range events {
			var got, exp any
			_ = json.Unmarshal(e.Data, &got)
			_ = json.Unmarshal([]byte(want[i]), &exp)
			if e.SchemaVersion != 3 || fmt.Sprint(got) != fmt.Sprint(exp) {
				t.Errorf("%s: event %d at version %d: %s, want version 3 %s", path, i+1, e.SchemaVersion, e.Data, want[i])
			}
		}
	}
	h, err := f.log.Load(ctx, agg, "thing-1")
	if err != nil {
		t.Fatal(err)
	}
	same("the log's history", h.Events)
	archived, err := eventstore.ReadArchive(ctx, f.pool, 0, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	same("the archive", archived)
	own, err := eventstore.ReadAggregate(ctx, f.pool, agg, "thing-1")
	if err != nil {
		t.Fatal(err)
	}
	same("the aggregate's archived events", own)
	inline.mu.Lock()
	same("the inline projection", inline.events)
	inline.mu.Unlock()

	// Stored as written.
	var data string
	var version int
	if err := f.pool.QueryRow(ctx, `SELECT data::text, schema_version FROM events WHERE seq = 1`).Scan(&data, &version); err != nil {
		t.Fatal(err)
	}
	if data != string(stored[0].Data) || version != 1 {
		t.Errorf("the archive holds %s at version %d, want the version-1 bytes as written", data, version)
	}
	rep, err := eventstore.Verify(ctx, f.pool, f.log)
	if err != nil || rep.Mismatch != "" || rep.Events != 3 {
		t.Errorf("verify: %+v %v", rep, err)
	}

	// A step that fails is an error where the event is read, never a
	// silently old shape.
	eventstore.RegisterUpcasters(agg, eventstore.Upcasters{"ThingNamed": {1: func([]byte) ([]byte, error) { return nil, fmt.Errorf("broken step") }}})
	if _, err := f.log.Load(ctx, agg, "thing-1"); err == nil {
		t.Error("a failing upcast step was not reported")
	}
}
