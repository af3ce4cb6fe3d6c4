package failure

import (
	"context"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
)

// counts are what a failure test reports.
type counts struct {
	acknowledged, archived, duplicates, lost int
}

// check verifies what the failure left behind: every acknowledged command's
// event exactly once in the archive, no other event of the load's commands
// twice, the archive equal to the stream (watchpost verify), and the read
// models equal to a rebuild (watchpost rebuild).
func check(t *testing.T, s *service, l *load, dbURL string) counts {
	t.Helper()
	if len(l.internal) > 0 {
		t.Errorf("%d commands were answered with a server error while a dependency failed (503 is the answer for that), e.g. %s",
			len(l.internal), l.internal[0])
	}
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	// The archive catches up with the stream.
	if out, err := s.cli("verify"); err != nil {
		t.Fatalf("verify: %v\n%s", err, out)
	}
	found := map[string]int{}
	rows, err := pool.Query(ctx, `SELECT aggregate_id, event_type, count(*) FROM events WHERE aggregate_type = 'case' GROUP BY 1, 2`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var (
			id, typ string
			n       int
		)
		if err := rows.Scan(&id, &typ, &n); err != nil {
			t.Fatal(err)
		}
		found[id+"/"+typ] = n
	}
	rows.Close()
	var c counts
	c.acknowledged = len(l.acked)
	for _, cmd := range l.acked {
		switch n := found[cmd.caseID+"/"+cmd.event]; {
		case n == 0:
			c.lost++
			t.Errorf("acknowledged %s (%s) is not in the archive", cmd.key, cmd.event)
		case n > 1:
			c.duplicates++
			t.Errorf("acknowledged %s (%s) is in the archive %d times", cmd.key, cmd.event, n)
		}
	}
	for k, n := range found {
		if n > 1 {
			t.Errorf("%s is in the archive %d times", k, n)
		}
	}
	// Nothing half-applied: each case's versions run 1..n without a hole,
	// and each command id appears once per event it wrote.
	var holes, repeated int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM (SELECT aggregate_id FROM events WHERE aggregate_type = 'case'
		GROUP BY aggregate_id HAVING max(version) <> count(*)) h`).Scan(&holes); err != nil {
		t.Fatal(err)
	}
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM (SELECT command_id FROM events WHERE aggregate_type = 'case'
		GROUP BY command_id HAVING count(*) > 1) r`).Scan(&repeated); err != nil {
		t.Fatal(err)
	}
	if holes > 0 || repeated > 0 {
		t.Errorf("%d cases with holes in their versions, %d commands applied twice", holes, repeated)
	}
	// Escalations are raised once per case, clock, round, step and version.
	var twice int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM (SELECT 1 FROM events WHERE event_type IN
		('DeadlineApproaching', 'ResponseOverdue', 'ClosureOverdue', 'RectificationOverdue', 'Escalated')
		GROUP BY aggregate_id, data->>'clock', data->>'round', data->>'alarm', data->>'version' HAVING count(*) > 1) d`).Scan(&twice); err != nil {
		t.Fatal(err)
	}
	if twice > 0 {
		t.Errorf("%d escalation steps raised twice", twice)
	}
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM events`).Scan(&c.archived); err != nil {
		t.Fatal(err)
	}
	if out, err := s.cli("rebuild"); err != nil {
		t.Fatalf("rebuild: %v\n%s", err, out)
	}
	t.Logf("acknowledged=%d archived=%d duplicates=%d lost=%d", c.acknowledged, c.archived, c.duplicates, c.lost)
	fmt.Printf("%s: acknowledged=%d archived=%d duplicates=%d lost=%d\n", t.Name(), c.acknowledged, c.archived, c.duplicates, c.lost)
	return c
}
