package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/watchpost/watchpost/cmd/internal/app"
	"github.com/watchpost/watchpost/cmd/internal/command"
	"github.com/watchpost/watchpost/cmd/internal/escalation"
	"github.com/watchpost/watchpost/domain/complaint"
	"github.com/watchpost/watchpost/eventstore"
	"github.com/watchpost/watchpost/eventstore/testenv"
)

var cst = time.FixedZone("CST", 8*3600)

// clockAt returns a test clock that reads t now.
func clockAt(t time.Time) *testenv.Clock { return testenv.ClockAt(t) }

func cstTime(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04:05", s, cst)
	if err != nil {
		panic(err)
	}
	return t
}

// raised is one deadline event of a case.
type raised struct {
	Type       string    `json:"type"`
	Alarm      string    `json:"alarm"`
	Clock      string    `json:"clock"`
	Level      int       `json:"level"`
	DueAt      time.Time `json:"dueAt"`
	FallsDueAt time.Time `json:"fallsDueAt"`
	Late       int       `json:"workdaysLate"`
	At         time.Time `json:"at"`
}

// deadlineEvents reads the deadline events of a case from the archive.
func deadlineEvents(t *testing.T, m *app.Main, caseID string) []raised {
	t.Helper()
	rows, err := m.Env().Pool.Query(context.Background(), `SELECT event_type, data::text FROM events
		WHERE aggregate_id = $1 AND event_type IN ('DeadlineApproaching', 'ResponseOverdue', 'ClosureOverdue',
			'RectificationOverdue', 'Escalated') ORDER BY seq`, caseID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []raised
	for rows.Next() {
		var (
			typ, data string
			r         raised
		)
		if err := rows.Scan(&typ, &data); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal([]byte(data), &r); err != nil {
			t.Fatal(err)
		}
		r.Type = typ
		out = append(out, r)
	}
	return out
}

// summary names the raised events as "Type/alarm[/level]".
func summary(events []raised) []string {
	var out []string
	for _, e := range events {
		s := e.Type + "/" + e.Clock + "/" + e.Alarm
		if e.Level > 0 {
			s += fmt.Sprintf("/%d", e.Level)
		}
		out = append(out, s)
	}
	return out
}

// waitFor polls until cond holds.
func waitFor(t *testing.T, what string, within time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// notified gives a configuration a channel on which its escalation process
// reports each step.
func notified(cfg app.Config) (app.Config, chan escalation.Stepped) {
	ch := make(chan escalation.Stepped, 256)
	cfg.Signals.Escalation = ch
	return cfg, ch
}

// settled waits until the escalation process reporting on ch has begun a
// step after since and raised nothing in it: it looked again and found
// nothing more to raise.
func settled(t *testing.T, ch <-chan escalation.Stepped, since time.Time) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case s := <-ch:
			if s.Began.After(since) && s.Raised == 0 && s.Err == nil {
				return
			}
		case <-timeout:
			t.Fatal("the escalation process did not settle")
		}
	}
}

// referredCase files and refers a case, acknowledged by the department.
func referredCase(t *testing.T, w *world) string {
	t.Helper()
	id := w.file(t, "营业执照变更拖延")
	w.referAndAcknowledge(t, id)
	return id
}

// TestLadderWithAnInjectedClock: a case left untouched climbs the ladder,
// each step once, at the moments the official calendar gives; the board
// shows it.
func TestLadderWithAnInjectedClock(t *testing.T) {
	t.Parallel()
	clock := clockAt(cstTime("2026-11-24 10:00:00")) // a Tuesday
	cfg, steps := notified(testConfig(t, testenv.Postgres(t), "", clock.Now))
	w := worldOf(t, start(t, cfg))
	id := referredCase(t, w)

	// Response due by the end of Thursday 26 November; the warning at its
	// start.
	clock.Set(cstTime("2026-11-26 00:00:01"))
	waitFor(t, "the response warning", 5*time.Second, func() bool { return len(deadlineEvents(t, w.m, id)) == 1 })
	clock.Set(cstTime("2026-11-27 00:00:01"))
	waitFor(t, "the response escalation", 5*time.Second, func() bool { return len(deadlineEvents(t, w.m, id)) == 2 })
	board := w.supervisor.as(t).do("GET", "/api/v1/escalations", nil, http.StatusOK)
	items := board["items"].([]any)
	if len(items) != 1 || items[0].(map[string]any)["caseId"] != id || items[0].(map[string]any)["rank"] != float64(1) {
		t.Fatalf("board after the response deadline: %v", board)
	}
	overdue := w.handler.as(t).do("GET", "/api/v1/cases?overdue=true", nil, http.StatusOK)
	if len(overdue["items"].([]any)) != 1 {
		t.Fatalf("overdue cases: %v", overdue)
	}

	// Closure due by the end of 3 December (7 working days); 挂牌督办 five
	// working days later, at the end of 10 December. The service sees both
	// pass at once.
	clock.Set(cstTime("2026-12-11 00:00:01"))
	waitFor(t, "the whole ladder", 5*time.Second, func() bool { return len(deadlineEvents(t, w.m, id)) == 5 })
	settled(t, steps, time.Now()) // nothing more may come
	events := deadlineEvents(t, w.m, id)
	want := "[DeadlineApproaching/response/approaching ResponseOverdue/response/response_overdue/1 " +
		"DeadlineApproaching/closure/approaching ClosureOverdue/closure/closure_overdue/2 Escalated/closure/flagged/3]"
	if fmt.Sprint(summary(events)) != want {
		t.Fatalf("raised %v\nwant   %s", summary(events), want)
	}
	for _, e := range events {
		switch e.Alarm {
		case "response_overdue":
			if !e.DueAt.Equal(cstTime("2026-11-27 00:00:00")) || !e.FallsDueAt.Equal(e.DueAt) {
				t.Errorf("response escalation: %+v", e)
			}
		case "flagged":
			if !e.FallsDueAt.Equal(cstTime("2026-12-11 00:00:00")) || !e.DueAt.Equal(cstTime("2026-12-04 00:00:00")) || e.Late != 6 {
				t.Errorf("flag: %+v", e)
			}
		}
	}
	board = w.supervisor.as(t).do("GET", "/api/v1/escalations", nil, http.StatusOK)
	items = board["items"].([]any)
	if len(items) != 2 || items[0].(map[string]any)["rank"] != float64(3) || items[0].(map[string]any)["workdaysLate"] != float64(6) {
		t.Fatalf("board after the flag: %v", board)
	}
	c := w.handler.as(t).do("GET", "/api/v1/cases/"+id, nil, http.StatusOK)
	if c["supervisionLevel"] != float64(3) {
		t.Fatalf("supervision level %v", c["supervisionLevel"])
	}
	// Resolving closes the clocks: the board empties.
	step(t, w.dept, id, "/resolution", map[string]any{"outcome": "resolved", "summary": "已办结"}, "resolved")
	if items := w.supervisor.as(t).do("GET", "/api/v1/escalations", nil, http.StatusOK)["items"].([]any); len(items) != 0 {
		t.Fatalf("board after resolution: %v", items)
	}
	stats := w.supervisor.as(t).do("GET", "/api/v1/timeliness?department=city-construction&from=2026-11-01T00:00:00%2B08:00&to=2026-12-31T00:00:00%2B08:00", nil, http.StatusOK)
	row := stats["items"].([]any)[0].(map[string]any)
	if row["responsesDue"] != float64(1) || row["responsesOnTime"] != float64(0) || row["overdueClosures"] != float64(1) {
		t.Fatalf("timeliness: %v", row)
	}
}

// TestResponseRacingTheEscalation: a response sent as the deadline passes
// is accepted, and the escalation is raised at most once; if the response
// came first, not at all.
func TestResponseRacingTheEscalation(t *testing.T) {
	t.Parallel()
	clock := clockAt(cstTime("2026-11-24 10:00:00"))
	cfg, steps := notified(testConfig(t, testenv.Postgres(t), "", clock.Now))
	w := worldOf(t, start(t, cfg))
	id := referredCase(t, w)
	// The deadline passes while the response is on its way.
	clock.Set(cstTime("2026-11-27 00:00:00").Add(-20 * time.Millisecond))
	step(t, w.dept, id, "/responses", map[string]any{"summary": "已处理"}, "in_progress")
	waitFor(t, "the deadline to pass", 5*time.Second, func() bool { return !w.m.Now().Before(cstTime("2026-11-27 00:00:00")) })
	settled(t, steps, time.Now())
	n := 0
	for _, e := range deadlineEvents(t, w.m, id) {
		if e.Type == "ResponseOverdue" {
			n++
		}
	}
	if n > 1 {
		t.Fatalf("%d response escalations", n)
	}
	t.Logf("response escalations raised: %d", n)
}

// TestLadderInRealTime: a step a second and a half ahead is raised within a
// second of falling due.
func TestLadderInRealTime(t *testing.T) {
	t.Parallel()
	clock := clockAt(cstTime("2026-11-24 10:00:00"))
	w := worldOf(t, start(t, testConfig(t, testenv.Postgres(t), "", clock.Now)))
	id := referredCase(t, w)
	clock.Set(cstTime("2026-11-26 00:00:00").Add(-1500 * time.Millisecond)) // the warning falls due in 1.5 s
	waitFor(t, "the warning", 5*time.Second, func() bool { return len(deadlineEvents(t, w.m, id)) == 1 })
	e := deadlineEvents(t, w.m, id)[0]
	lag := e.At.Sub(e.FallsDueAt)
	if lag < 0 || lag > time.Second {
		t.Fatalf("raised %s after it fell due", lag)
	}
	t.Logf("raised %s after it fell due", lag)
}

// TestLadderAcrossRestart: a step that falls due while the service is down
// is raised when it starts again, with the due time it belonged to.
func TestLadderAcrossRestart(t *testing.T) {
	t.Parallel()
	clock := clockAt(cstTime("2026-11-24 10:00:00"))
	cfg := testConfig(t, testenv.Postgres(t), "", clock.Now)
	first := app.NewMain(cfg)
	if err := first.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	w := worldOf(t, first)
	id := referredCase(t, w)
	first.Close()

	clock.Set(cstTime("2026-11-27 09:30:00")) // the response deadline passed at midnight
	second := start(t, cfg)
	waitFor(t, "the escalations after the restart", 5*time.Second, func() bool { return len(deadlineEvents(t, second, id)) == 2 })
	for _, e := range deadlineEvents(t, second, id) {
		want := cstTime("2026-11-27 00:00:00")
		if e.Alarm == "approaching" {
			want = cstTime("2026-11-26 00:00:00")
		}
		if !e.FallsDueAt.Equal(want) || e.At.Before(cstTime("2026-11-27 09:30:00")) {
			t.Fatalf("%s raised at %s for %s, want for %s", e.Type, e.At, e.FallsDueAt, want)
		}
	}
}

// TestLadderWithThreeReplicas: three servers on one NATS and one PostgreSQL
// raise each step exactly once.
func TestLadderWithThreeReplicas(t *testing.T) {
	t.Parallel()
	clock := clockAt(cstTime("2026-11-24 10:00:00"))
	db := testenv.Postgres(t)
	nats := testenv.ListeningNATS(t).URL()
	var (
		replicas []*app.Main
		steps    []chan escalation.Stepped
	)
	for range 3 {
		cfg, ch := notified(testConfig(t, db, nats, clock.Now))
		replicas = append(replicas, start(t, cfg))
		steps = append(steps, ch)
	}
	w := worldOf(t, replicas[0])
	var ids []string
	for range 5 {
		ids = append(ids, referredCase(t, w))
	}
	clock.Set(cstTime("2026-12-11 00:00:01"))
	for _, id := range ids {
		waitFor(t, "the ladder", 10*time.Second, func() bool { return len(deadlineEvents(t, replicas[1], id)) == 5 })
	}
	// Every replica looks again and finds nothing more to raise.
	now := time.Now()
	for _, ch := range steps {
		settled(t, ch, now)
	}
	for _, id := range ids {
		if got := summary(deadlineEvents(t, replicas[2], id)); len(got) != 5 {
			t.Fatalf("case %s: %d deadline events: %v", id, len(got), got)
		}
	}
}

// TestCalendarLoadRecomputes: a closure deadline that runs into a year with
// no schedule is shown as a problem; loading the year computes it, with the
// new calendar version, and the history keeps the earlier state.
func TestCalendarLoadRecomputes(t *testing.T) {
	t.Parallel()
	clock := clockAt(cstTime("2026-12-28 10:00:00")) // a Monday; 7 working days reach into 2027
	w := worldOf(t, start(t, testConfig(t, testenv.Postgres(t), "", clock.Now)))
	id := referredCase(t, w)
	clockOf := func(v map[string]any, name string) map[string]any {
		for _, d := range v["deadlines"].([]any) {
			if d := d.(map[string]any); d["clock"] == name {
				return d
			}
		}
		t.Fatalf("no %s clock in %v", name, v["deadlines"])
		return nil
	}
	v := w.handler.as(t).do("GET", "/api/v1/cases/"+id, nil, http.StatusOK)
	closure := clockOf(v, "closure")
	if closure["dueAt"] != nil || closure["problem"] == nil {
		t.Fatalf("closure before 2027 is loaded: %v", closure)
	}
	if clockOf(v, "response")["dueAt"] == nil {
		t.Fatal("the response deadline (in 2026) is missing")
	}
	w.handler.as(t).do("GET", "/api/v1/calendar/due?from=2026-12-28T10:00:00%2B08:00&workdays=7", nil, http.StatusUnprocessableEntity)

	cal := w.admin.as(t).do("POST", "/api/v1/calendar/years", map[string]any{"year": 2027, "notice": "国务院办公厅关于2027年部分节假日安排的通知",
		"days": []map[string]any{{"date": "2027-01-01", "isOffDay": true, "name": "元旦"}}}, http.StatusOK)
	v = w.handler.as(t).do("GET", "/api/v1/cases/"+id, nil, http.StatusOK)
	closure = clockOf(v, "closure")
	// 29, 30, 31 December, then 4-7 January (1 January is a holiday).
	if closure["dueAt"] != "2027-01-08T00:00:00+08:00" && closure["dueAt"] != "2027-01-07T16:00:00Z" {
		t.Fatalf("closure after loading 2027: %v", closure)
	}
	if closure["version"] != float64(2) || closure["calendarVersion"] != cal["version"] || closure["problem"] != nil {
		t.Fatalf("closure version %v, calendar %v (want %v)", closure["version"], closure["calendarVersion"], cal["version"])
	}
	var history int
	if err := w.m.Env().Pool.QueryRow(context.Background(), `SELECT count(*) FROM proj.deadline_history WHERE case_id = $1 AND clock_id = 'closure'`, id).Scan(&history); err != nil || history != 2 {
		t.Fatalf("closure history has %d versions (%v)", history, err)
	}
}

// TestCalendarEdgesThroughAPI: the API gives the official calendar's due
// dates on the hard edges.
func TestCalendarEdgesThroughAPI(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	for _, tt := range []struct {
		from     string
		workdays int
		dueDate  string
	}{
		{"2026-02-13T10:00:00+08:00", 2, "2026-02-24"}, // Spring Festival: make-up Saturday 14 Feb, off until 23 Feb
		{"2026-02-27T10:00:00+08:00", 1, "2026-02-28"}, // the second make-up Saturday
		{"2025-09-30T10:00:00+08:00", 2, "2025-10-10"}, // National Day week: off 1-8 Oct
		{"2025-12-31T23:59:00+08:00", 2, "2026-01-05"}, // New Year: off 1-3 Jan, Sunday 4 Jan a make-up day, then Monday
		{"2026-11-20T23:59:00+08:00", 7, "2026-12-01"}, // 23:59 on a Friday: the Friday is not counted
		{"2026-10-03T09:00:00+08:00", 2, "2026-10-09"}, // during a holiday: off until 7 Oct, then 8 and 9 Oct
	} {
		v := w.handler.as(t).do("GET", fmt.Sprintf("/api/v1/calendar/due?from=%s&workdays=%d",
			strings.ReplaceAll(tt.from, "+", "%2B"), tt.workdays), nil, http.StatusOK)
		if v["dueDate"] != tt.dueDate {
			t.Errorf("%s + %d working days: due %v, want %s", tt.from, tt.workdays, v["dueDate"], tt.dueDate)
		}
	}
}

// TestMidnightBurstInOneStep: more steps falling due at one instant than
// one read of the due alarms takes are all raised in the first step that
// sees them, without waiting for the read models to mark the first ones
// raised.
func TestMidnightBurstInOneStep(t *testing.T) {
	t.Parallel()
	clock := clockAt(cstTime("2026-11-24 10:00:00")) // a Tuesday
	cfg, steps := notified(testConfig(t, testenv.Postgres(t), "", clock.Now))
	w := worldOf(t, start(t, cfg))
	const n = 1100 // over two pages of due alarms
	ctx := context.Background()
	tax := complaint.DefaultTaxonomy()
	at := clock.Now().UTC()
	var batch []eventstore.NewAggregate
	for i := range n {
		id := fmt.Sprintf("burst-%04d", i)
		c := &complaint.Case{}
		events, err := c.File(id, complaint.FileComplaint{
			Channel: tax.Channels[0].Code, Categories: []string{tax.Categories[0].Code}, Complainant: complaint.Complainant{Anonymous: true},
			Title: "午夜到期", Description: "同时到期的案件", ReceivedAt: at,
		}, tax, at)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range events {
			if err := c.Apply(e); err != nil {
				t.Fatal(err)
			}
		}
		refer, err := c.Refer(complaint.Refer{DepartmentID: "city-construction"}, at)
		if err != nil {
			t.Fatal(err)
		}
		pending, err := command.Encode(append(events, refer...), complaint.SchemaVersion, at)
		if err != nil {
			t.Fatal(err)
		}
		batch = append(batch, eventstore.NewAggregate{Type: complaint.AggregateType, ID: id,
			Meta: eventstore.Metadata{Actor: "test", ActorRole: "system", CommandID: "burst-" + id}, Events: pending})
	}
	for len(batch) > 0 {
		k := min(200, len(batch))
		if _, err := w.m.Env().Log.Import(ctx, batch[:k]); err != nil {
			t.Fatal(err)
		}
		batch = batch[k:]
	}
	waitFor(t, "the burst's alarms", 30*time.Second, func() bool {
		var cases int
		err := w.m.Env().Pool.QueryRow(ctx, `SELECT count(DISTINCT case_id) FROM proj.alarms WHERE case_id LIKE 'burst-%'`).Scan(&cases)
		return err == nil && cases == n
	})

	// Every response warning falls due at the start of Thursday 26 November.
	since := time.Now()
	clock.Set(cstTime("2026-11-26 00:00:01"))
	timeout := time.After(60 * time.Second)
	for {
		select {
		case s := <-steps:
			if !s.Began.After(since) || s.Raised == 0 {
				continue
			}
			if s.Raised != n || s.Err != nil {
				t.Fatalf("the first step raising the burst raised %d of %d (%v)", s.Raised, n, s.Err)
			}
			return
		case <-timeout:
			t.Fatal("the burst was not raised")
		}
	}
}
