package failure

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// midnight is when the deadlines of TestEscalationServerKilled fall due on
// the server's clock: the start of Wednesday 25 November 2026 in Beijing
// time, a working day after a working day. The benchmark's server runs with
// a response deadline of one working day, so a case referred on Tuesday
// evening reaches the last working day of its response deadline at this
// midnight and gets its DeadlineApproaching step then.
var midnight = time.Date(2026, 11, 25, 0, 0, 0, 0, time.FixedZone("CST", 8*3600))

// clockServer is the benchmark's server (watchpost serve with the
// benchmark's policy) with its clock moved by offset.
func clockServer(t *testing.T, data string, offset time.Duration) *service {
	s := &service{t: t, data: data}
	s.proc = newProc(t, "clock-server", []string{benchServerEnv + "=1"},
		bin.bench, "-data", data, "-clock-offset", offset.String())
	return s
}

// benchServerEnv makes watchpost-bench run as its own server.
const benchServerEnv = "WATCHPOST_BENCH_SERVER"

// TestEscalationServerKilled: deadlines of many cases fall due at one
// instant; the server is killed (kill -9, with its NATS and PostgreSQL)
// while it raises their escalations and started again. Every step is raised
// exactly once, with the instant it fell due.
func TestEscalationServerKilled(t *testing.T) {
	t.Parallel()
	const cases = 300
	data := sharedDir(t)

	// Tuesday evening on the server's clock: file and refer the cases.
	s := clockServer(t, data, time.Until(midnight.Add(-30*time.Minute)))
	s.start()
	l := setupPeople(t, s)
	ctx := context.Background()
	for i := range cases {
		var filed struct {
			ID string `json:"id"`
		}
		key := fmt.Sprintf("esc-%d", i)
		if _, _, err := call(ctx, "POST", s.url+"/api/v1/cases", l.handler, key+"-file", filing("escalation test "+key), &filed); err != nil {
			t.Fatal(err)
		}
		if _, _, err := call(ctx, "POST", s.url+"/api/v1/cases/"+filed.ID+"/referrals", l.handler, key+"-refer",
			map[string]any{"departmentId": "failure-dept"}, nil); err != nil {
			t.Fatal(err)
		}
	}
	s.proc.stop()

	// Moments before midnight: started again, killed just after midnight
	// while the steps are being raised, and started once more with the same
	// clock.
	offset := time.Until(midnight.Add(-4 * time.Second))
	s = clockServer(t, data, offset)
	s.start()
	pool := openPool(t, data)
	killAt := midnight.Add(100 * time.Millisecond).Add(-offset)
	time.Sleep(time.Until(killAt))
	raisedBefore := countApproaching(t, pool)
	pool.Close()
	s.proc.kill()
	s.start()
	pool = openPool(t, data)
	defer pool.Close()

	deadline := time.Now().Add(60 * time.Second)
	for countApproaching(t, pool) < cases {
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d steps raised after a minute", countApproaching(t, pool), cases)
		}
		time.Sleep(200 * time.Millisecond)
	}
	time.Sleep(2 * time.Second) // time enough for a step raised twice to show
	var raised, distinct, wrongDue, pending int
	if err := pool.QueryRow(ctx, `SELECT count(*), count(DISTINCT aggregate_id),
			count(*) FILTER (WHERE (data->>'fallsDueAt')::timestamptz <> $1)
		FROM events WHERE event_type = 'DeadlineApproaching'`, midnight).Scan(&raised, &distinct, &wrongDue); err != nil {
		t.Fatal(err)
	}
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM proj.alarms WHERE raised_seq IS NULL AND at <= $1`, midnight).Scan(&pending); err != nil {
		t.Fatal(err)
	}
	t.Logf("raised before the kill %d, after the restart %d of %d cases", raisedBefore, raised, cases)
	fmt.Printf("%s: raised before the kill %d, after the restart %d for %d cases, %d with a wrong due instant\n",
		t.Name(), raisedBefore, raised, distinct, wrongDue)
	if raised != cases || distinct != cases {
		t.Errorf("%d steps raised for %d cases, want one for each of %d", raised, distinct, cases)
	}
	if wrongDue != 0 {
		t.Errorf("%d steps do not say they fell due at %s", wrongDue, midnight)
	}
	if pending != 0 {
		t.Errorf("%d steps due by midnight are still pending", pending)
	}
	if out, err := s.cli("verify"); err != nil {
		t.Fatalf("verify: %v\n%s", err, out)
	}
}

// openPool connects to the development PostgreSQL under data.
func openPool(t *testing.T, data string) *pgxpool.Pool {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), postgresURL(t, data))
	if err != nil {
		t.Fatal(err)
	}
	return pool
}

// countApproaching counts the DeadlineApproaching steps in the archive.
func countApproaching(t *testing.T, pool *pgxpool.Pool) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM events WHERE event_type = 'DeadlineApproaching'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
