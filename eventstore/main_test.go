package eventstore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/watchpost/watchpost/eventstore"
	"github.com/watchpost/watchpost/eventstore/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

type fixture struct {
	log  *eventstore.Log
	pool *pgxpool.Pool
}

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// setup gives a test its own stream and archive database.
func setup(t *testing.T) fixture {
	t.Helper()
	ctx := context.Background()
	nc := testenv.NATS(t)
	log, err := eventstore.OpenLog(ctx, nc, eventstore.LogConfig{}, quietLogger(), nil)
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
	return fixture{log: log, pool: pool}
}

// note is a test event payload.
func note(n int) eventstore.Pending {
	data, _ := json.Marshal(map[string]int{"n": n})
	return eventstore.Pending{Type: "Noted", SchemaVersion: 1, Data: data, OccurredAt: time.Now()}
}

func meta(cmd string) eventstore.Metadata {
	return eventstore.Metadata{Actor: "test", CommandID: cmd}
}

// startArchiver runs an archiver until the test ends.
func startArchiver(t *testing.T, f fixture, projectors ...eventstore.Projector) *eventstore.Archiver {
	t.Helper()
	a, err := eventstore.NewArchiver(f.log, f.pool, projectors, eventstore.ArchiverConfig{Standby: 100 * time.Millisecond}, quietLogger(), nil)
	if err != nil {
		t.Fatal(err)
	}
	a.Start(context.Background())
	t.Cleanup(a.Stop)
	return a
}

// waitArchived waits until the archive holds seq.
func waitArchived(t *testing.T, f fixture, seq uint64) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		var at int64
		if err := f.pool.QueryRow(context.Background(), `SELECT seq FROM archive_state`).Scan(&at); err != nil {
			t.Fatal(err)
		}
		if uint64(at) >= seq {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("archive at %d, want %d", at, seq)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// checkArchive asserts that the archive holds exactly sequences 1..n, each
// once, with an unbroken hash chain.
func checkArchive(t *testing.T, f fixture, n uint64) {
	t.Helper()
	ctx := context.Background()
	var count, min, max int64
	if err := f.pool.QueryRow(ctx, `SELECT count(*), coalesce(min(seq), 0), coalesce(max(seq), 0) FROM events`).Scan(&count, &min, &max); err != nil {
		t.Fatal(err)
	}
	if uint64(count) != n || (n > 0 && (min != 1 || uint64(max) != n)) {
		t.Fatalf("archive holds %d events from %d to %d, want 1..%d", count, min, max, n)
	}
	var broken int64
	if err := f.pool.QueryRow(ctx, `SELECT count(*) FROM events e JOIN events p ON p.seq = e.seq - 1 WHERE e.prev_hash <> p.hash`).Scan(&broken); err != nil {
		t.Fatal(err)
	}
	if broken != 0 {
		t.Fatalf("%d archived events do not chain to their predecessor", broken)
	}
}

func aggID(i int) string { return fmt.Sprintf("agg-%d", i) }
