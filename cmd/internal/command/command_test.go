package command_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/watchpost/watchpost/cmd/internal/command"
	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/department"
	"github.com/watchpost/watchpost/eventstore"
	"github.com/watchpost/watchpost/eventstore/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// fixture is a runner on a fresh stream and archive database. The archiver
// is started by the test (archive), so a test can hold the archive back.
type fixture struct {
	log       *eventstore.Log
	pool      *pgxpool.Pool
	positions *eventstore.Positions
	reg       *prometheus.Registry
	run       *command.Runner
	now       time.Time // what the runner's clock reads
}

func setup(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	log, err := eventstore.OpenLog(ctx, testenv.NATS(t), eventstore.LogConfig{}, quiet(), nil)
	if err != nil {
		t.Fatal(err)
	}
	pool, err := pgxpool.New(ctx, testenv.Postgres(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	if _, err := eventstore.Migrate(ctx, pool, eventstore.ArchiveMigrations()); err != nil {
		t.Fatal(err)
	}
	f := &fixture{log: log, pool: pool, positions: eventstore.NewPositions(pool, quiet()), reg: prometheus.NewRegistry(),
		now: testenv.Start().UTC()}
	if f.run, err = command.NewRunner(log, f.positions, func() time.Time { return f.now }, f.reg); err != nil {
		t.Fatal(err)
	}
	f.positions.Start(ctx)
	t.Cleanup(f.positions.Stop)
	return f
}

// archive starts the archiver, stopped when the test ends.
func (f *fixture) archive(t *testing.T) {
	t.Helper()
	a, err := eventstore.NewArchiver(f.log, f.pool, nil, eventstore.ArchiverConfig{}, quiet(), nil)
	if err != nil {
		t.Fatal(err)
	}
	a.Start(context.Background())
	t.Cleanup(a.Stop)
}

// counts reads watchpost_commands_total as "command/outcome" → count.
func (f *fixture) counts(t *testing.T) map[string]float64 {
	t.Helper()
	families, err := f.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, mf := range families {
		if mf.GetName() != "watchpost_commands_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			out[labels["command"]+"/"+labels["outcome"]] = m.GetCounter().GetValue()
		}
	}
	return out
}

// note is an event payload for the tests.
func note(text string, at time.Time) eventstore.Pending {
	data, _ := json.Marshal(map[string]string{"text": text})
	return eventstore.Pending{Type: "Noted", SchemaVersion: 1, Data: data, OccurredAt: at}
}

func meta(cmd, requestHash string) eventstore.Metadata {
	return eventstore.Metadata{Actor: "test", ActorRole: "handler", CommandID: cmd, RequestHash: requestHash}
}

// TestExecuteOutcomes: each way a command can end is returned to the caller
// and counted once in watchpost_commands_total under its outcome.
func TestExecuteOutcomes(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := context.Background()

	// ok: decided at the runner's clock on an empty history, stored.
	var calls int
	decideNote := func(history []eventstore.Event, now time.Time) ([]eventstore.Pending, error) {
		calls++
		if len(history) != 0 || !now.Equal(f.now) {
			return nil, fmt.Errorf("decided on %d events at %s; want none at %s", len(history), now, f.now)
		}
		return []eventstore.Pending{note("first", now)}, nil
	}
	first, err := f.run.Execute(ctx, "record", "note", "n-1", meta("cmd-1", "h1"), decideNote)
	if err != nil || len(first.Events) != 1 || first.Duplicate || first.LastSeq != first.Events[0].Seq {
		t.Fatalf("ok: %+v, %v", first, err)
	}

	// duplicate: the same command id answers with the stored events and is
	// not decided again.
	again, err := f.run.Execute(ctx, "record", "note", "n-1", meta("cmd-1", "h1"), decideNote)
	if err != nil || !again.Duplicate || len(again.Events) != 1 || again.Events[0].Seq != first.Events[0].Seq || calls != 1 {
		t.Fatalf("duplicate: %+v, %v, decided %d times", again, err, calls)
	}

	// refused: the same command id for a different request.
	if _, err := f.run.Execute(ctx, "record", "note", "n-1", meta("cmd-1", "h2"), decideNote); !errors.Is(err, eventstore.ErrIdempotencyMismatch) {
		t.Fatalf("key reused for another request: %v", err)
	}

	// refused: the domain says no; the coded error reaches the caller.
	_, err = f.run.Execute(ctx, "check", "note", "n-1", meta("cmd-2", ""), func([]eventstore.Event, time.Time) ([]eventstore.Pending, error) {
		return nil, domain.StateConflict("the note is closed")
	})
	if domain.ErrorCode(err) != domain.CodeStateConflict {
		t.Fatalf("domain refusal: %v", err)
	}

	// error: a failure that is none of the above.
	broken := errors.New("decoding failed")
	if _, err := f.run.Execute(ctx, "broken", "note", "n-1", meta("cmd-3", ""), func([]eventstore.Event, time.Time) ([]eventstore.Pending, error) {
		return nil, broken
	}); !errors.Is(err, broken) {
		t.Fatalf("plain error: %v", err)
	}

	// ok with nothing to do: no events, the aggregate's position.
	idle, err := f.run.Execute(ctx, "noop", "note", "n-1", meta("cmd-4", ""), func([]eventstore.Event, time.Time) ([]eventstore.Pending, error) {
		return nil, nil
	})
	if err != nil || len(idle.Events) != 0 || idle.LastSeq != first.LastSeq {
		t.Fatalf("nothing to do: %+v, %v", idle, err)
	}

	// conflict: another writer appends to the aggregate every time the
	// command is decided, until the runner gives up.
	decisions := 0
	_, err = f.run.Execute(ctx, "contended", "note", "n-1", meta("cmd-5", ""), func(history []eventstore.Event, now time.Time) ([]eventstore.Pending, error) {
		decisions++
		last := history[len(history)-1]
		if _, _, err := f.log.Append(ctx, "note", "n-1", last.Seq, len(history), meta(fmt.Sprint("other-writer-", decisions), ""),
			[]eventstore.Pending{note("interloper", now)}); err != nil {
			return nil, err
		}
		return []eventstore.Pending{note("contended", now)}, nil
	})
	if !errors.Is(err, eventstore.ErrConflict) || decisions != 8 {
		t.Fatalf("contended: %v after %d decisions; want ErrConflict after 8", err, decisions)
	}

	want := map[string]float64{"record/ok": 1, "record/duplicate": 1, "record/refused": 1, "check/refused": 1,
		"broken/error": 1, "noop/ok": 1, "contended/conflict": 1}
	if got := f.counts(t); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("watchpost_commands_total\n got %v\nwant %v", got, want)
	}
}

// TestSettle: Settle returns once the archive holds the position, and not
// before: with the archiver held back it times out with ErrNotProjected.
func TestSettle(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := context.Background()
	res, err := f.run.Execute(ctx, "record", "note", "n-1", meta("cmd-1", ""), func(_ []eventstore.Event, now time.Time) ([]eventstore.Pending, error) {
		return []eventstore.Pending{note("a", now), note("b", now)}, nil
	})
	if err != nil || res.LastSeq != 2 {
		t.Fatalf("%+v, %v", res, err)
	}
	short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	if err := f.run.Settle(short, res.LastSeq); !errors.Is(err, eventstore.ErrNotProjected) {
		t.Fatalf("nothing archives: Settle = %v; want ErrNotProjected", err)
	}

	settled := make(chan error, 1)
	go func() { settled <- f.run.Settle(ctx, res.LastSeq) }()
	f.archive(t)
	select {
	case err := <-settled:
		if err != nil {
			t.Fatalf("Settle with the archiver running: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Settle did not return once the archiver ran")
	}
	var archived int
	if err := f.pool.QueryRow(ctx, `SELECT count(*) FROM events WHERE seq <= $1`, int64(res.LastSeq)).Scan(&archived); err != nil || archived != 2 {
		t.Fatalf("when Settle returned the archive held %d of the 2 events (%v)", archived, err)
	}
	if err := f.run.Settle(ctx, 1); err != nil {
		t.Fatalf("an earlier position: %v", err)
	}
}

// TestEncodeFold: domain events encoded by Encode, stored in the log and
// read back, fold into the same state; a history that does not decode or
// apply names the event at fault.
func TestEncodeFold(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := context.Background()
	at := f.now
	events := []department.Event{
		department.Registered{ID: "tax-bureau", Name: "市税务局", Category: department.CategoryEnforcement, District: "柯城区", At: at},
		department.Deactivated{Reason: "并入市场监管局", At: at.Add(time.Hour)},
	}
	pending, err := command.Encode(events, department.SchemaVersion, at)
	if err != nil || len(pending) != 2 {
		t.Fatalf("Encode: %+v, %v", pending, err)
	}
	for i, p := range pending {
		data, _ := json.Marshal(events[i])
		if p.Type != events[i].EventType() || p.SchemaVersion != department.SchemaVersion || !p.OccurredAt.Equal(at) || string(p.Data) != string(data) {
			t.Fatalf("pending %d: %+v", i, p)
		}
	}
	if _, err := f.run.Execute(ctx, "register", department.AggregateType, "tax-bureau", meta("cmd-1", ""),
		func([]eventstore.Event, time.Time) ([]eventstore.Pending, error) { return pending, nil }); err != nil {
		t.Fatal(err)
	}
	h, err := f.log.Load(ctx, department.AggregateType, "tax-bureau")
	if err != nil {
		t.Fatal(err)
	}
	var d department.Department
	if err := command.Fold(h.Events, department.Decode, d.Apply); err != nil {
		t.Fatal(err)
	}
	want := department.Department{ID: "tax-bureau", Name: "市税务局", Category: department.CategoryEnforcement, District: "柯城区",
		Active: false, Version: 2, UpdatedAt: at.Add(time.Hour)}
	if !d.UpdatedAt.Equal(want.UpdatedAt) {
		t.Fatalf("updated at %s, want %s", d.UpdatedAt, want.UpdatedAt)
	}
	d.UpdatedAt = want.UpdatedAt
	if d != want {
		t.Fatalf("folded %+v\nwant   %+v", d, want)
	}

	// An unknown type at sequence 7, then an event that cannot apply to an
	// unregistered department at sequence 9.
	for _, tt := range []struct {
		history []eventstore.Event
		want    string
	}{
		{[]eventstore.Event{{Seq: 7, Type: "DepartmentMerged", Data: json.RawMessage(`{}`)}}, `event 7: department: unknown event type "DepartmentMerged"`},
		{[]eventstore.Event{{Seq: 9, Type: department.TypeDeactivated, Data: pending[1].Data}}, "event 9: department: DepartmentDeactivated before registration"},
		{[]eventstore.Event{{Seq: 3, Type: department.TypeRegistered, Data: json.RawMessage(`{"id": 5}`)}}, "event 3: department: decode DepartmentRegistered"},
	} {
		var d department.Department
		if err := command.Fold(tt.history, department.Decode, d.Apply); err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("Fold: %v; want %q", err, tt.want)
		}
	}
	if _, err := command.Encode([]unencodable{{}}, 1, at); err == nil {
		t.Error("Encode of an event that is not JSON succeeded")
	}
}

// unencodable is an event json.Marshal refuses.
type unencodable struct{ C chan int }

func (unencodable) EventType() string { return "Unencodable" }
