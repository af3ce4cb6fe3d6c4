package escalation_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/watchpost/watchpost/cmd/internal/app"
	"github.com/watchpost/watchpost/cmd/internal/escalation"
	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/access"
	"github.com/watchpost/watchpost/domain/calendar"
	"github.com/watchpost/watchpost/domain/complaint"
	"github.com/watchpost/watchpost/domain/deadline"
	"github.com/watchpost/watchpost/domain/department"
	"github.com/watchpost/watchpost/eventstore"
	"github.com/watchpost/watchpost/eventstore/testenv"
	"github.com/watchpost/watchpost/projections"
)

func TestMain(m *testing.M) { testenv.Main(m) }

var cst = time.FixedZone("CST", 8*3600)

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func cstTime(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04:05", s, cst)
	if err != nil {
		panic(err)
	}
	return t
}

// clock is a test clock that stands still until the test moves it.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t.UTC()
}

// The principals of the tests: two departments with cases, a third with
// none.
var (
	admin      = access.Principal{TokenID: "admin-1", Role: access.RoleAdmin}
	handler    = access.Principal{TokenID: "handler-1", Role: access.RoleHandler}
	supervisor = access.Principal{TokenID: "sup-1", Role: access.RoleSupervisor}
	leader     = access.Principal{TokenID: "lead-1", Role: access.RoleLeader}
	point      = access.Principal{TokenID: "point-1", Role: access.RolePoint, PointID: "point-7"}
	deptA      = access.Principal{TokenID: "dept-a", Role: access.RoleDepartment, DepartmentID: "city-construction"}
	deptB      = access.Principal{TokenID: "dept-b", Role: access.RoleDepartment, DepartmentID: "tax-bureau"}
	deptC      = access.Principal{TokenID: "dept-c", Role: access.RoleDepartment, DepartmentID: "env-bureau"}
)

// world is the application's services on a fresh database and NATS server
// with the shipped calendars, the archiver applying the read models, and
// the escalation process, stepped by the test.
type world struct {
	env   *app.Env
	svc   *app.Services
	proc  *escalation.Process
	clock *clock
}

// setup starts the services with the clock at Tuesday 24 November 2026,
// 10:00 in Beijing.
func setup(t *testing.T) *world {
	t.Helper()
	ctx := context.Background()
	c := &clock{}
	c.Set(cstTime("2026-11-24 10:00:00"))
	cfg := app.Config{
		DatabaseURL: testenv.Postgres(t), NATSURL: testenv.ListeningNATS(t).URL(), DataDir: t.TempDir(),
		Replicas: 1, TimeZone: cst, Policy: deadline.DefaultPolicy(), Logger: quiet(), Clock: c.Now,
		MasterKey: "d2F0Y2hwb3N0IHRlc3QgbWFzdGVyIGtleSAzMiBieXQ=",
	}
	env, err := app.OpenDatabase(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(env.Close)
	if err := env.OpenLog(ctx, false, nil); err != nil {
		t.Fatal(err)
	}
	a, err := eventstore.NewArchiver(env.Log, env.Pool, []eventstore.Projector{app.Projections(cst, cfg.Policy).InlineProjector()},
		eventstore.ArchiverConfig{}, quiet(), nil)
	if err != nil {
		t.Fatal(err)
	}
	a.Start(ctx)
	t.Cleanup(a.Stop)
	svc, err := app.NewServices(ctx, env, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(svc.Close)
	w := &world{env: env, svc: svc, clock: c}
	if w.proc, err = escalation.New(svc.Runner, env.Pool, svc.Calendars, svc.Positions, cfg.Policy, c.Now, quiet(), nil); err != nil {
		t.Fatal(err)
	}
	if err := svc.Calendars.Seed(ctx); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"city-construction", "tax-bureau", "env-bureau"} {
		if _, err := svc.Registry.RegisterDepartment(ctx, admin, meta(admin), d, department.Details{Name: d, Category: department.CategoryManagement}); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

func meta(p access.Principal) eventstore.Metadata {
	return eventstore.Metadata{Actor: p.TokenID, ActorRole: string(p.Role), CommandID: uuid.NewString()}
}

// take takes a step on a case or fails the test.
func (w *world) take(t *testing.T, p access.Principal, id string, cmd complaint.Command) {
	t.Helper()
	if _, err := w.svc.Cases.Take(context.Background(), p, meta(p), id, cmd); err != nil {
		t.Fatalf("%T on %s: %v", cmd, id, err)
	}
}

// referred files a complaint, refers it to the department of p, which
// acknowledges it; it returns the case id.
func (w *world) referred(t *testing.T, p access.Principal, title string) string {
	t.Helper()
	v, err := w.svc.Cases.File(context.Background(), handler, meta(handler), complaint.FileComplaint{
		Channel: "hotline", Complainant: complaint.Complainant{Name: "王五", Phone: "13900000000"},
		Categories: []string{"efficiency"}, IssueTypes: []string{"slow_action"}, Title: title, Description: "二十个工作日未批复",
		ReceivedAt: w.clock.Now().Add(-48 * time.Hour),
	})
	if err != nil {
		t.Fatal(err)
	}
	w.take(t, handler, v.CaseID(), complaint.Refer{DepartmentID: p.DepartmentID})
	w.take(t, p, v.CaseID(), complaint.Acknowledge{})
	return v.CaseID()
}

// step moves the clock, raises what fell due and waits until the read
// models show it.
func (w *world) step(t *testing.T, at string) {
	t.Helper()
	ctx := context.Background()
	w.clock.Set(cstTime(at))
	if _, err := w.proc.Step(ctx); err != nil {
		t.Fatal(err)
	}
	last, err := w.env.Log.LastSeq(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.svc.Runner.Settle(ctx, last); err != nil {
		t.Fatal(err)
	}
}

// board lists the board for p, as "case clock rank workdaysLate" lines.
func (w *world) board(t *testing.T, p access.Principal, f projections.EscalationFilter, names map[string]string) (string, error) {
	t.Helper()
	items, err := w.svc.Board.Escalations(context.Background(), p, f)
	if err != nil {
		return "", err
	}
	var out []string
	for _, e := range items {
		out = append(out, fmt.Sprintf("%s %s %s/%d late %d due %s", names[e.CaseID], e.DepartmentID, e.Level, e.Rank, e.WorkdaysLate,
			e.DueAt.In(cst).Format("01-02 15:04")))
	}
	return fmt.Sprint(out), nil
}

// TestBoard: the open escalations, each department seeing only its own;
// how many working days late each is comes from the calendar in force.
func TestBoard(t *testing.T) {
	t.Parallel()
	w := setup(t)
	ctx := context.Background()
	a1 := w.referred(t, deptA, "施工许可审批超期")
	a2 := w.referred(t, deptA, "竣工验收拖延")
	b1 := w.referred(t, deptB, "税务登记被推诿")
	w.take(t, deptA, a2, complaint.Respond{Summary: "已联系企业"})
	names := map[string]string{a1: "a1", a2: "a2", b1: "b1"}

	// Referred on Tuesday 24 November: the response is due by the end of
	// Thursday 26 November (Friday 00:00); just after it, a1 and b1 are
	// escalated (催办), a2 responded.
	w.step(t, "2026-11-27 00:00:01")
	both := "[a1 city-construction response_overdue/1 late 1 due 11-27 00:00 b1 tax-bureau response_overdue/1 late 1 due 11-27 00:00]"
	onlyA := "[a1 city-construction response_overdue/1 late 1 due 11-27 00:00]"
	onlyB := "[b1 tax-bureau response_overdue/1 late 1 due 11-27 00:00]"
	for _, tt := range []struct {
		who  access.Principal
		dept string // the department asked for
		want string // the board, or the error code
	}{
		{supervisor, "", both},
		{handler, "", both},
		{leader, "", both},
		{supervisor, "tax-bureau", onlyB},
		{supervisor, "env-bureau", "[]"},
		{deptA, "", onlyA},
		{deptA, "city-construction", onlyA},
		{deptB, "", onlyB},
		{deptC, "", "[]"},
		{deptA, "tax-bureau", string(domain.CodeForbidden)},
		{admin, "", string(domain.CodeForbidden)},
		{point, "", string(domain.CodeForbidden)},
	} {
		got, err := w.board(t, tt.who, projections.EscalationFilter{DepartmentID: tt.dept}, names)
		if err != nil {
			got = string(domain.ErrorCode(err))
		}
		if got != tt.want {
			t.Errorf("%s asking for %q:\n got %s\nwant %s", tt.who.TokenID, tt.dept, got, tt.want)
		}
	}

	// Late by the working days that [due, now) touches: Friday, then no
	// more over the weekend, then Monday, then Tuesday.
	for _, tt := range []struct {
		at   string
		late int
	}{
		{"2026-11-27 00:00:01", 1},
		{"2026-11-28 12:00:00", 1},
		{"2026-11-29 23:59:59", 1},
		{"2026-11-30 10:00:00", 2},
		{"2026-12-01 00:00:00", 2},
		{"2026-12-01 00:00:01", 3},
	} {
		w.clock.Set(cstTime(tt.at))
		items, err := w.svc.Board.Escalations(ctx, deptB, projections.EscalationFilter{})
		if err != nil || len(items) != 1 || items[0].WorkdaysLate != tt.late {
			t.Errorf("at %s: %+v, %v; want b1 %d working days late", tt.at, items, err, tt.late)
		}
	}

	// A schedule that makes Monday 30 November a day off: on Monday
	// evening b1 is 1 working day late, not 2.
	years, err := calendar.DefaultYears()
	if err != nil {
		t.Fatal(err)
	}
	y := years[2]
	y.Days = append(append([]calendar.Day(nil), y.Days...), calendar.Day{Date: "2026-11-30", IsOffDay: true, Name: "调休"})
	w.clock.Set(cstTime("2026-11-30 18:00:00"))
	if _, err := w.svc.Calendars.Load(ctx, admin, meta(admin), y); err != nil {
		t.Fatal(err)
	}
	if got, err := w.board(t, deptB, projections.EscalationFilter{}, names); err != nil || got != "[b1 tax-bureau response_overdue/1 late 1 due 11-27 00:00]" {
		t.Fatalf("with Monday off: %s, %v", got, err)
	}
}

// TestTimeliness: the figures of the deadlines that fell due in a period,
// per department, a department seeing only its own; a period must be
// ordered and at most 400 days long, and none means the month to now.
func TestTimeliness(t *testing.T) {
	t.Parallel()
	w := setup(t)
	ctx := context.Background()
	w.referred(t, deptA, "施工许可审批超期")
	a2 := w.referred(t, deptA, "竣工验收拖延")
	w.referred(t, deptB, "税务登记被推诿")
	w.take(t, deptA, a2, complaint.Respond{Summary: "已联系企业"})
	// Monday 30 November: every response deadline (end of 26 November)
	// has passed; a2's was met, a1's and b1's are open and overdue; no
	// closure is due yet (end of 3 December).
	w.step(t, "2026-11-30 10:00:00")
	now := w.clock.Now()
	from, to := cstTime("2026-11-01 00:00:00"), cstTime("2026-12-01 00:00:00")

	figures := func(p access.Principal, dept string, from, to time.Time) string {
		rows, err := w.svc.Board.Timeliness(ctx, p, dept, from, to)
		if err != nil {
			var de *domain.Error
			if errors.As(err, &de) {
				return fmt.Sprintf("%s %s", de.Code, de.Field)
			}
			return err.Error()
		}
		var out []string
		for _, r := range rows {
			rate := "-"
			if r.OnTimeResponseRate != nil {
				rate = fmt.Sprintf("%.2f", *r.OnTimeResponseRate)
			}
			out = append(out, fmt.Sprintf("%s responses %d/%d (%s) closures %d/%d", r.DepartmentID, r.ResponsesOnTime, r.ResponsesDue, rate,
				r.ClosuresOnTime, r.ClosuresDue))
		}
		return fmt.Sprint(out)
	}
	a := "city-construction responses 1/2 (0.50) closures 0/0"
	b := "tax-bureau responses 0/1 (0.00) closures 0/0"
	c := "env-bureau responses 0/0 (-) closures 0/0"
	for _, tt := range []struct {
		who      access.Principal
		dept     string
		from, to time.Time
		want     string
	}{
		{supervisor, "", from, to, "[" + a + " " + b + "]"},
		{leader, "", from, to, "[" + a + " " + b + "]"},
		{handler, "tax-bureau", from, to, "[" + b + "]"},
		{deptA, "", from, to, "[" + a + "]"},
		{deptB, "tax-bureau", from, to, "[" + b + "]"},
		{deptC, "", from, to, "[" + c + "]"},
		{deptA, "tax-bureau", from, to, "forbidden "},
		{admin, "", from, to, "forbidden "},
		{point, "", from, to, "forbidden "},
		// The deadlines fell due at the end of 26 November, 27 November
		// 00:00, which [from, to) holds when from <= 00:00 < to.
		{supervisor, "", from, cstTime("2026-11-27 00:00:01"), "[" + a + " " + b + "]"},
		{supervisor, "", from, cstTime("2026-11-27 00:00:00"), "[]"},
		{supervisor, "", cstTime("2026-11-27 00:00:00"), to, "[" + a + " " + b + "]"},
		{supervisor, "", cstTime("2026-11-27 00:00:01"), to, "[]"},
		// Periods.
		{supervisor, "", to, to, "invalid to"},
		{supervisor, "", to, from, "invalid to"},
		{supervisor, "", to.Add(-400 * 24 * time.Hour), to, "[" + a + " " + b + "]"},
		{supervisor, "", to.Add(-400*24*time.Hour - time.Second), to, "invalid to"},
		{supervisor, "", time.Time{}, cstTime("2026-10-30 10:00:00"), "invalid to"}, // before the month to now
	} {
		if got := figures(tt.who, tt.dept, tt.from, tt.to); got != tt.want {
			t.Errorf("%s, %q, %s to %s:\n got %s\nwant %s", tt.who.TokenID, tt.dept, tt.from.In(cst), tt.to.In(cst), got, tt.want)
		}
	}

	// No period: the month up to now.
	rows, err := w.svc.Board.Timeliness(ctx, deptB, "", time.Time{}, time.Time{})
	if err != nil || len(rows) != 1 {
		t.Fatalf("the last month: %+v, %v", rows, err)
	}
	if rows[0].From != now.AddDate(0, -1, 0).Format(time.RFC3339) || rows[0].To != now.Format(time.RFC3339) || rows[0].ResponsesDue != 1 {
		t.Fatalf("the last month: from %s to %s with %d responses due; want %s to %s with 1", rows[0].From, rows[0].To, rows[0].ResponsesDue,
			now.AddDate(0, -1, 0).Format(time.RFC3339), now.Format(time.RFC3339))
	}
}
