package eventstore_test

import (
	"context"
	"strings"
	"testing"

	"github.com/watchpost/watchpost/eventstore"
)

// TestVerifyCatchesTampering: the chain verifies against the stream; a row
// altered behind the append-only guard is named.
func TestVerifyCatchesTampering(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := context.Background()
	writeEvents(t, f, 60, "v")
	last, err := f.log.LastSeq(ctx)
	if err != nil {
		t.Fatal(err)
	}
	a := startArchiver(t, f)
	waitArchived(t, f, last)
	a.Stop()

	rep, err := eventstore.Verify(ctx, f.pool, f.log)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Mismatch != "" || rep.Events != last || !rep.StreamChecked {
		t.Fatalf("clean archive: %+v", rep)
	}

	// Someone with superuser rights edits an event, bypassing the guard.
	tamper := []string{
		`ALTER TABLE events DISABLE TRIGGER events_append_only`,
		`UPDATE events SET data = '{"n": 99}' WHERE seq = 17`,
		`ALTER TABLE events ENABLE TRIGGER events_append_only`,
	}
	for _, stmt := range tamper {
		if _, err := f.pool.Exec(ctx, stmt); err != nil {
			t.Fatal(err)
		}
	}
	rep, err = eventstore.Verify(ctx, f.pool, f.log)
	if err != nil {
		t.Fatal(err)
	}
	if rep.MismatchSeq != 17 || !strings.Contains(rep.Mismatch, "altered") || rep.Events != 16 {
		t.Fatalf("tampered archive: %+v", rep)
	}

	// Rewriting the hash too does not help: the next row's link breaks,
	// and the stream disagrees.
	if _, err := f.pool.Exec(ctx, `ALTER TABLE events DISABLE TRIGGER events_append_only`); err != nil {
		t.Fatal(err)
	}
	var prev []byte
	if err := f.pool.QueryRow(ctx, `SELECT prev_hash FROM events WHERE seq = 17`).Scan(&prev); err != nil {
		t.Fatal(err)
	}
	row, err := eventstore.ReadArchive(ctx, f.pool, 16, 17, 1)
	if err != nil {
		t.Fatal(err)
	}
	var meta string
	if err := f.pool.QueryRow(ctx, `SELECT metadata::text FROM events WHERE seq = 17`).Scan(&meta); err != nil {
		t.Fatal(err)
	}
	forged := eventstore.ChainHash(prev, row[0], []byte(meta))
	if _, err := f.pool.Exec(ctx, `UPDATE events SET hash = $1 WHERE seq = 17`, forged); err != nil {
		t.Fatal(err)
	}
	rep, err = eventstore.Verify(ctx, f.pool, f.log)
	if err != nil {
		t.Fatal(err)
	}
	if rep.MismatchSeq != 17 || !strings.Contains(rep.Mismatch, "stream") {
		t.Fatalf("re-hashed row: %+v", rep)
	}
	rep, err = eventstore.Verify(ctx, f.pool, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.MismatchSeq != 18 {
		t.Fatalf("re-hashed row without the stream: %+v", rep)
	}
}
