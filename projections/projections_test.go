package projections_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/watchpost/watchpost/domain/calendar"
	"github.com/watchpost/watchpost/domain/complaint"
	"github.com/watchpost/watchpost/domain/deadline"
	"github.com/watchpost/watchpost/eventstore"
	"github.com/watchpost/watchpost/eventstore/testenv"
	"github.com/watchpost/watchpost/projections"
)

func TestMain(m *testing.M) { testenv.Main(m) }

var shanghai = time.FixedZone("CST", 8*3600)

type fixture struct {
	log       *eventstore.Log
	pool      *pgxpool.Pool
	set       projections.Set
	positions *eventstore.Positions
	clock     *testenv.Clock
}

func setup(t *testing.T) fixture {
	t.Helper()
	ctx := context.Background()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	log, err := eventstore.OpenLog(ctx, testenv.NATS(t), eventstore.LogConfig{}, logger, nil)
	if err != nil {
		t.Fatal(err)
	}
	pool, err := pgxpool.New(ctx, testenv.Postgres(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	if _, err := eventstore.Migrate(ctx, pool, eventstore.ArchiveMigrations(), projections.Migrations()); err != nil {
		t.Fatal(err)
	}
	f := fixture{log: log, pool: pool, positions: eventstore.NewPositions(pool, logger), clock: testenv.NewClock(), set: projections.Set{
		Inline: []projections.Projection{projections.Cases{}, projections.Departments{},
			projections.Deadlines{Policy: deadline.DefaultPolicy(), Loc: shanghai}, projections.CalendarYears{}},
		Async: []projections.Projection{projections.DailyIntake{Loc: shanghai}, projections.TrendCounts{Loc: shanghai}},
	}}
	// The official schedules, as the service seeds them.
	years, err := calendar.DefaultYears()
	if err != nil {
		t.Fatal(err)
	}
	for i, y := range years {
		data, _ := json.Marshal(calendar.YearLoaded{Schedule: y, At: f.clock.Now()})
		if _, _, err := log.Append(ctx, calendar.AggregateType, calendar.OfficialID, uint64(i), i,
			eventstore.Metadata{Actor: "test", CommandID: fmt.Sprint("seed-", y.Year)},
			[]eventstore.Pending{{Type: calendar.TypeYearLoaded, SchemaVersion: 1, Data: data, OccurredAt: f.clock.Now()}}); err != nil {
			t.Fatal(err)
		}
	}
	a, err := eventstore.NewArchiver(log, pool, []eventstore.Projector{f.set.InlineProjector()}, eventstore.ArchiverConfig{}, logger, nil)
	if err != nil {
		t.Fatal(err)
	}
	f.positions.Start(ctx)
	a.Start(ctx)
	t.Cleanup(f.positions.Stop)
	t.Cleanup(a.Stop)
	for _, p := range f.set.Async {
		r := projections.NewRunner(pool, p, f.positions, logger)
		r.Start(ctx)
		t.Cleanup(r.Stop)
	}
	return f
}

// decide runs one domain command on a case through the log.
func (f fixture) decide(t *testing.T, id, cmd string, d func(c *complaint.Case, now time.Time) ([]complaint.Event, error)) uint64 {
	t.Helper()
	res, err := f.log.Execute(context.Background(), eventstore.Command{
		AggregateType: complaint.AggregateType, AggregateID: id, Meta: eventstore.Metadata{Actor: "test", CommandID: cmd},
		Decide: func(h eventstore.History) ([]eventstore.Pending, error) {
			c := &complaint.Case{}
			for _, e := range h.Events {
				de, err := complaint.Decode(e.Type, e.Data)
				if err != nil {
					return nil, err
				}
				if err := c.Apply(de); err != nil {
					return nil, err
				}
			}
			now := f.clock.Now()
			events, err := d(c, now)
			if err != nil {
				return nil, err
			}
			var out []eventstore.Pending
			for _, e := range events {
				data, _ := json.Marshal(e)
				out = append(out, eventstore.Pending{Type: e.EventType(), SchemaVersion: complaint.SchemaVersion, Data: data, OccurredAt: now})
			}
			return out, nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return res.LastSeq
}

// fileCases files n cases, refers every second one and resolves every
// fourth; it returns the last sequence.
func (f fixture) fileCases(t *testing.T, n int) uint64 {
	t.Helper()
	tax := complaint.DefaultTaxonomy()
	var last uint64
	for i := range n {
		id := fmt.Sprintf("case-%03d", i)
		last = f.decide(t, id, id+"-file", func(c *complaint.Case, now time.Time) ([]complaint.Event, error) {
			return c.File(id, complaint.FileComplaint{
				Channel: tax.Channels[i%len(tax.Channels)].Code, Complainant: complaint.Complainant{Name: "Li"},
				Categories: []string{"efficiency"}, IssueTypes: []string{"slow_action"},
				Title: fmt.Sprintf("complaint %d", i), Description: "slow",
				ReceivedAt: now.Add(-time.Duration(i) * 7 * time.Hour),
			}, tax, now)
		})
		if i%2 == 0 {
			last = f.decide(t, id, id+"-refer", func(c *complaint.Case, now time.Time) ([]complaint.Event, error) {
				return c.Refer(complaint.Refer{DepartmentID: fmt.Sprintf("dept-%d", i%3)}, now)
			})
		}
		if i%4 == 0 {
			f.decide(t, id, id+"-acknowledge", func(c *complaint.Case, now time.Time) ([]complaint.Event, error) {
				return c.Decide(complaint.Acknowledge{}, complaint.Env{Now: now})
			})
			last = f.decide(t, id, id+"-resolve", func(c *complaint.Case, now time.Time) ([]complaint.Event, error) {
				return c.Resolve(complaint.Resolve{Outcome: "resolved", Summary: "done"}, tax, now)
			})
		}
	}
	return last
}

func (f fixture) waitProjected(t *testing.T, seq uint64) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := f.positions.Wait(ctx, seq); err != nil {
		t.Fatal(err)
	}
	for _, p := range f.set.Async {
		for {
			var cp int64
			err := f.pool.QueryRow(ctx, `SELECT seq FROM proj.checkpoints WHERE name = $1`, p.Name()).Scan(&cp)
			if err == nil && uint64(cp) >= seq {
				break
			}
			if ctx.Err() != nil {
				t.Fatalf("%s did not reach %d", p.Name(), seq)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}

func TestCaseProjectionAndList(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := context.Background()
	last := f.fileCases(t, 30)
	f.waitProjected(t, last)

	row, err := projections.GetCase(ctx, f.pool, "case-004")
	if err != nil {
		t.Fatal(err)
	}
	// Filed, referred (which accepts), acknowledged, resolved.
	if row.Case.Status != complaint.StatusResolved || row.Case.DepartmentID != "dept-1" || row.Case.Version != 4 {
		t.Fatalf("case-004: %+v", row.Case)
	}
	// Page through the referred-or-resolved cases of dept-0, oldest first.
	var got []string
	cursor := ""
	for {
		page, err := projections.ListCases(ctx, f.pool, projections.CaseFilter{DepartmentID: "dept-0", Sort: projections.SortReceivedAsc, Limit: 2, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range page.Items {
			got = append(got, r.Case.ID)
		}
		if page.Next == "" {
			break
		}
		cursor = page.Next
	}
	// dept-0 gets cases i with i%2==0 and i%3==0: 0, 6, 12, 18, 24; older
	// cases were received earlier, so ascending order is 24, 18, ..., 0.
	want := []string{"case-024", "case-018", "case-012", "case-006", "case-000"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("dept-0 cases %v, want %v", got, want)
	}
	page, err := projections.ListCases(ctx, f.pool, projections.CaseFilter{Statuses: []string{"filed"}, Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 15 {
		t.Fatalf("%d filed cases, want 15", len(page.Items))
	}
	if _, err := projections.ListCases(ctx, f.pool, projections.CaseFilter{Cursor: "not-a-cursor"}); err == nil {
		t.Fatal("a forged cursor was accepted")
	}
}

// TestRebuildEqualsLive: replaying the archive gives the live tables back;
// a live table that drifted is reported and repaired by a swap.
func TestRebuildEqualsLive(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := context.Background()
	last := f.fileCases(t, 20)
	f.waitProjected(t, last)

	rep, err := projections.Rebuild(ctx, f.pool, f.set, projections.RebuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var alarms int
	if err := f.pool.QueryRow(ctx, `SELECT count(*) FROM proj.alarms`).Scan(&alarms); err != nil || alarms == 0 {
		t.Fatalf("no alarms were projected (%v)", err)
	}
	if rep.Differences() != 0 || rep.Position != last || rep.Events != int(last) {
		t.Fatalf("rebuild: %+v", rep)
	}
	// Each projection's own time is reported, with the events it took.
	for _, p := range append(f.set.Inline, f.set.Async...) {
		i := slices.IndexFunc(rep.Projections, func(pt projections.ProjectionTime) bool { return pt.Name == p.Name() })
		if i < 0 || rep.Projections[i].Events == 0 || rep.Projections[i].Spent <= 0 {
			t.Fatalf("%s's time is not in the report: %+v", p.Name(), rep.Projections)
		}
	}
	var tables []string
	for _, d := range rep.Tables {
		tables = append(tables, d.Table)
		if d.Table == "cases" && d.Rows != 20 {
			t.Fatalf("rebuilt %d cases, want 20", d.Rows)
		}
	}
	for _, want := range []string{"alarms", "calendar_years", "case_clocks", "cases", "checkpoints", "clock_rounds",
		"daily_intake", "deadline_history", "deadlines", "department_actions", "departments"} {
		if !slices.Contains(tables, want) {
			t.Fatalf("%s was not compared (compared %v)", want, tables)
		}
	}

	// Drift: a live row changed behind the projections' back.
	if _, err := f.pool.Exec(ctx, `UPDATE proj.cases SET status = 'forged' WHERE id = 'case-001'`); err != nil {
		t.Fatal(err)
	}
	// In batches of 7 events, so that several batches pass through the
	// lanes that replay side by side.
	rep, err = projections.Rebuild(ctx, f.pool, f.set, projections.RebuildOptions{Batch: 7})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Events != int(last) {
		t.Fatalf("replayed %d events in batches of 7, want %d", rep.Events, last)
	}
	cases := rep.Tables[slices.IndexFunc(rep.Tables, func(d projections.TableDiff) bool { return d.Table == "cases" })]
	if rep.Differences() != 2 || cases.OnlyLive != 1 || cases.OnlyRebuilt != 1 {
		t.Fatalf("drift not reported: %+v", rep.Tables)
	}
	before := indexes(t, f.pool)
	for _, p := range append(f.set.Inline, f.set.Async...) {
		if q, ok := p.(projections.QueryIndexer); ok {
			for _, name := range q.QueryIndexes() {
				if _, ok := before[name]; !ok {
					t.Fatalf("%s names a query index %s that no table has", p.Name(), name)
				}
			}
		}
	}
	rep, err = projections.Rebuild(ctx, f.pool, f.set, projections.RebuildOptions{Swap: true})
	if err != nil || !rep.Swapped {
		t.Fatalf("swap: %+v %v", rep, err)
	}
	// The swapped-in tables have the live ones' indexes, under their
	// names, those built after the replay included.
	if after := indexes(t, f.pool); !maps.Equal(before, after) {
		t.Fatalf("indexes after the swap:\n%v\nbefore:\n%v", after, before)
	}
	// The swapped-in tables keep receiving events.
	last = f.fileCases(t, 22)
	f.waitProjected(t, last)
	rep, err = projections.Rebuild(ctx, f.pool, f.set, projections.RebuildOptions{})
	if err != nil || rep.Differences() != 0 {
		t.Fatalf("after swap: %+v %v", rep, err)
	}
	row, err := projections.GetCase(ctx, f.pool, "case-021")
	if err != nil || row.Case.Title != "complaint 21" {
		t.Fatalf("case filed after the swap: %+v %v", row, err)
	}
}

// TestTrendCountsMoveAsTheyRecount: the counts, moved batch by batch as
// cases enter cells and leave them (a referral returned and made to
// another department), are the counts a replay makes in one batch and in
// batches of one event.
func TestTrendCountsMoveAsTheyRecount(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := context.Background()
	last := f.fileCases(t, 16)
	// The cases referred and still open go to another department: they
	// leave their cells, and dept-9's cells take them.
	for i := 2; i < 16; i += 4 {
		id := fmt.Sprintf("case-%03d", i)
		f.decide(t, id, id+"-return", func(c *complaint.Case, now time.Time) ([]complaint.Event, error) {
			return c.Decide(complaint.Return{Reason: "不属于本局职责"}, complaint.Env{Now: now})
		})
		last = f.decide(t, id, id+"-refer-again", func(c *complaint.Case, now time.Time) ([]complaint.Event, error) {
			return c.Refer(complaint.Refer{DepartmentID: "dept-9"}, now)
		})
	}
	// Two cases of one day referred to dept-10, one of them then to
	// dept-11: the day's citywide cell keeps dept-10 for the other.
	tax := complaint.DefaultTaxonomy()
	received := f.clock.Now().Add(-90 * 24 * time.Hour)
	for _, id := range []string{"pair-a", "pair-b"} {
		f.decide(t, id, id+"-file", func(c *complaint.Case, now time.Time) ([]complaint.Event, error) {
			return c.File(id, complaint.FileComplaint{
				Channel: tax.Channels[0].Code, Complainant: complaint.Complainant{Name: "Li"}, Categories: []string{"efficiency"},
				IssueTypes: []string{"slow_action"}, Title: "pair", Description: "slow", ReceivedAt: received,
			}, tax, now)
		})
		last = f.decide(t, id, id+"-refer", func(c *complaint.Case, now time.Time) ([]complaint.Event, error) {
			return c.Refer(complaint.Refer{DepartmentID: "dept-10"}, now)
		})
	}
	f.decide(t, "pair-a", "pair-a-return", func(c *complaint.Case, now time.Time) ([]complaint.Event, error) {
		return c.Decide(complaint.Return{Reason: "不属于本局职责"}, complaint.Env{Now: now})
	})
	last = f.decide(t, "pair-a", "pair-a-refer-again", func(c *complaint.Case, now time.Time) ([]complaint.Event, error) {
		return c.Refer(complaint.Refer{DepartmentID: "dept-11"}, now)
	})
	f.waitProjected(t, last)
	var cases int
	var departments []string
	if err := f.pool.QueryRow(ctx, `SELECT cases, departments FROM proj.trend_counts
		WHERE dimension = 'issue' AND a = 'slow_action' AND day = $1`, received.In(shanghai).Format(time.DateOnly)).Scan(&cases, &departments); err != nil {
		t.Fatal(err)
	}
	if cases != 2 || !slices.Equal(departments, []string{"dept-10", "dept-11"}) {
		t.Fatalf("the pair's citywide cell: %d cases, departments %v; want 2, [dept-10 dept-11]", cases, departments)
	}

	var dept9 int
	if err := f.pool.QueryRow(ctx, `SELECT coalesce(sum(cases), 0) FROM proj.trend_counts
		WHERE dimension = 'department_category' AND a = 'dept-9'`).Scan(&dept9); err != nil {
		t.Fatal(err)
	}
	if dept9 != 4 {
		t.Fatalf("dept-9's cells count %d cases, want the 4 referred to it", dept9)
	}
	for _, batch := range []int{0, 1} {
		rep, err := projections.Rebuild(ctx, f.pool, f.set, projections.RebuildOptions{Batch: batch})
		if err != nil {
			t.Fatal(err)
		}
		compared := 0
		for _, d := range rep.Tables {
			if d.Table != "trend_counts" && d.Table != "trend_cases" {
				continue
			}
			compared++
			if d.OnlyLive != 0 || d.OnlyRebuilt != 0 || d.Rows == 0 {
				t.Errorf("batch %d: %s differs from its replay: %+v", batch, d.Table, d)
			}
		}
		if compared != 2 {
			t.Fatalf("batch %d: compared %d of trend_counts and trend_cases", batch, compared)
		}
	}
}

// indexes reads the read models' indexes: name to definition.
func indexes(t *testing.T, pool *pgxpool.Pool) map[string]string {
	t.Helper()
	rows, err := pool.Query(context.Background(), `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'proj'`)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			t.Fatal(err)
		}
		out[name] = def
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestCaseRowsInBulk: case rows written in bulk (a batch of more cases than
// the bulk path starts at) are the rows written one statement each.
func TestCaseRowsInBulk(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := context.Background()
	last := f.fileCases(t, 300)
	f.waitProjected(t, last)
	for _, batch := range []int{0, 50} { // one batch of all 300 cases; batches of at most 50
		rep, err := projections.Rebuild(ctx, f.pool, f.set, projections.RebuildOptions{Batch: batch})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Differences() != 0 || rep.Events != int(last) {
			t.Fatalf("batch %d: %+v", batch, rep.Tables)
		}
	}
}
