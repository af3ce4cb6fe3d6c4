package eventstore_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/watchpost/watchpost/eventstore"
)

// countingProjector records every sequence it is given in a table whose key
// refuses a second application.
type countingProjector struct{}

func (countingProjector) Name() string { return "counting" }

func (countingProjector) Apply(ctx context.Context, tx pgx.Tx, events []eventstore.Event) error {
	rows := make([][]any, len(events))
	for i, e := range events {
		rows[i] = []any{int64(e.Seq)}
	}
	_, err := tx.CopyFrom(ctx, pgx.Identifier{"projected"}, []string{"seq"}, pgx.CopyFromRows(rows))
	return err
}

func createProjected(t *testing.T, f fixture) {
	t.Helper()
	if _, err := f.pool.Exec(context.Background(), `CREATE TABLE projected (seq bigint PRIMARY KEY)`); err != nil {
		t.Fatal(err)
	}
}

// writeEvents appends n events over several aggregates, some as batches,
// and returns the stream's last sequence.
func writeEvents(t *testing.T, f fixture, n int, prefix string) {
	t.Helper()
	ctx := context.Background()
	var wg sync.WaitGroup
	var written atomic.Int64
	for w := range 8 {
		wg.Go(func() {
			for i := 0; written.Load() < int64(n); i++ {
				cmd := fmt.Sprintf("%s-%d-%d", prefix, w, i)
				k := 1 + i%3
				res, err := f.log.Execute(ctx, eventstore.Command{AggregateType: "test", AggregateID: aggID(w*100 + i%7),
					Meta: meta(cmd), Decide: func(h eventstore.History) ([]eventstore.Pending, error) {
						var p []eventstore.Pending
						for j := range k {
							p = append(p, note(j))
						}
						return p, nil
					}})
				if err != nil && !errors.Is(err, eventstore.ErrConflict) {
					t.Error(err)
					return
				}
				written.Add(int64(len(res.Events)))
			}
		})
	}
	wg.Wait()
}

// TestArchiverRestartMidStream: an archiver stopped while events stream in
// and a new one started later leave every event archived and projected
// exactly once, in order, with an unbroken hash chain.
func TestArchiverRestartMidStream(t *testing.T) {
	t.Parallel()
	f := setup(t)
	createProjected(t, f)
	ctx := context.Background()

	a, err := eventstore.NewArchiver(f.log, f.pool, []eventstore.Projector{countingProjector{}},
		eventstore.ArchiverConfig{BatchSize: 50}, quietLogger(), nil)
	if err != nil {
		t.Fatal(err)
	}
	a.Start(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		writeEvents(t, f, 3000, "w")
	}()
	waitArchived(t, f, 500)
	a.Stop() // mid-stream: a batch in flight is rolled back, not acknowledged
	var stoppedAt int64
	if err := f.pool.QueryRow(ctx, `SELECT seq FROM archive_state`).Scan(&stoppedAt); err != nil {
		t.Fatal(err)
	}
	<-done
	last, err := f.log.LastSeq(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if uint64(stoppedAt) >= last {
		t.Fatalf("the archiver was stopped at %d, after the writers finished at %d: not mid-stream", stoppedAt, last)
	}
	startArchiver(t, f, countingProjector{})
	waitArchived(t, f, last)
	checkArchive(t, f, last)
	var projected int64
	if err := f.pool.QueryRow(ctx, `SELECT count(*) FROM projected`).Scan(&projected); err != nil {
		t.Fatal(err)
	}
	if uint64(projected) != last {
		t.Fatalf("projected %d events, archived %d", projected, last)
	}
	t.Logf("stopped at %d of %d, resumed and finished", stoppedAt, last)
}

// TestArchiverFailover: of two archivers one leads; when it dies the other
// takes over within seconds.
func TestArchiverFailover(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := context.Background()
	cfg := eventstore.ArchiverConfig{Standby: 200 * time.Millisecond}
	a1, _ := eventstore.NewArchiver(f.log, f.pool, nil, cfg, quietLogger(), nil)
	a2, _ := eventstore.NewArchiver(f.log, f.pool, nil, cfg, quietLogger(), nil)
	roles1, roles2 := make(chan string, 16), make(chan string, 16)
	a1.Notify(roles1)
	a2.Notify(roles2)
	a1.Start(ctx)
	a2.Start(ctx)
	t.Cleanup(a2.Stop)
	t.Cleanup(a1.Stop)

	// Each archiver reports the roles it takes: one leads, the other
	// stands by.
	role := [2]string{eventstore.RoleStarting, eventstore.RoleStarting}
	timeout := time.After(10 * time.Second)
	for role != [2]string{eventstore.RoleLeader, eventstore.RoleStandby} && role != [2]string{eventstore.RoleStandby, eventstore.RoleLeader} {
		select {
		case role[0] = <-roles1:
		case role[1] = <-roles2:
		case <-timeout:
			t.Fatalf("no single leader emerged: %v", role)
		}
		if role == [2]string{eventstore.RoleLeader, eventstore.RoleLeader} {
			t.Fatal("two archivers lead at once")
		}
	}
	lead, standby, standbyRoles := a1, a2, roles2
	if role[1] == eventstore.RoleLeader {
		lead, standby, standbyRoles = a2, a1, roles1
	}
	writeEvents(t, f, 200, "before")
	last, _ := f.log.LastSeq(ctx)
	waitArchived(t, f, last)

	lead.Stop()
	killed := time.Now()
	writeEvents(t, f, 200, "after")
	select {
	case r := <-standbyRoles:
		if r != eventstore.RoleLeader {
			t.Fatalf("the standby became %s after the leader died", r)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the standby did not take over")
	}
	last, _ = f.log.LastSeq(ctx)
	waitArchived(t, f, last)
	if took := time.Since(killed); took > 5*time.Second {
		t.Fatalf("takeover and catch-up took %s", took)
	}
	if r, _ := standby.Role(); r != eventstore.RoleLeader {
		t.Fatalf("standby is %s after the leader died", r)
	}
	checkArchive(t, f, last)
}

// TestArchiveIsAppendOnly: the archive refuses UPDATE, DELETE and TRUNCATE.
func TestArchiveIsAppendOnly(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := context.Background()
	if _, _, err := f.log.Append(ctx, "test", "a", 0, 0, meta("c"), []eventstore.Pending{note(1)}); err != nil {
		t.Fatal(err)
	}
	startArchiver(t, f)
	waitArchived(t, f, 1)
	for _, stmt := range []string{
		`UPDATE events SET event_type = 'Forged'`,
		`DELETE FROM events`,
		`TRUNCATE events`,
	} {
		_, err := f.pool.Exec(ctx, stmt)
		if err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v, want refusal", stmt, err)
		}
	}
	checkArchive(t, f, 1)
}

// TestArchiverStopsOnInconsistency: an archive that claims more than the
// stream holds stops the archiver loudly instead of skipping.
func TestArchiverStopsOnInconsistency(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := context.Background()
	if _, err := f.pool.Exec(ctx, `UPDATE archive_state SET seq = 5`); err != nil {
		t.Fatal(err)
	}
	a, err := eventstore.NewArchiver(f.log, f.pool, nil, eventstore.ArchiverConfig{Standby: 100 * time.Millisecond}, quietLogger(), nil)
	if err != nil {
		t.Fatal(err)
	}
	roles := make(chan string, 16)
	a.Notify(roles)
	a.Start(ctx)
	t.Cleanup(a.Stop)
	for stopped := false; !stopped; {
		select {
		case r := <-roles:
			stopped = r == eventstore.RoleStopped
		case <-time.After(10 * time.Second):
			r, _ := a.Role()
			t.Fatalf("archiver is %s, want stopped", r)
		}
	}
	if _, err := a.Role(); !errors.Is(err, eventstore.ErrArchiveStopped) {
		t.Fatalf("stopped with %v", err)
	}
	if err := a.Ready(ctx); err == nil || !strings.Contains(err.Error(), "archive") {
		t.Fatalf("Ready: %v, want the stop reason", err)
	}
}
