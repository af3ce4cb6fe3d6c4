package registry_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/watchpost/watchpost/cmd/internal/registry"
	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/calendar"
	"github.com/watchpost/watchpost/domain/complaint"
	"github.com/watchpost/watchpost/projections"
)

// year2027 is a made-up schedule for a year the program does not ship.
var year2027 = calendar.Year{Year: 2027, Notice: "国务院办公厅关于2027年部分节假日安排的通知", Days: []calendar.Day{
	{Date: "2027-01-01", IsOffDay: true, Name: "元旦"},
	{Date: "2027-02-06", IsOffDay: false, Name: "春节"}, // a Saturday worked
}}

// seeded seeds the shipped schedules and waits until the read models hold
// them.
func (w *world) seeded(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	if err := w.svc.Calendars.Seed(ctx); err != nil {
		t.Fatal(err)
	}
	w.settle(t)
}

// settle waits until the read models hold everything in the log.
func (w *world) settle(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	last, err := w.env.Log.LastSeq(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.svc.Runner.Settle(ctx, last); err != nil {
		t.Fatal(err)
	}
}

// calendarEvents counts the official calendar's events in the log.
func (w *world) calendarEvents(t *testing.T) int {
	t.Helper()
	h, err := w.env.Log.Load(context.Background(), calendar.AggregateType, calendar.OfficialID)
	if err != nil {
		t.Fatal(err)
	}
	return len(h.Events)
}

// workday asks a calendar about one date: "work", "off" or the error.
func workday(lc projections.LoadedCalendar, y, m, d int) string {
	ok, err := lc.Calendar.IsWorkday(y, time.Month(m), d)
	switch {
	case err != nil:
		return err.Error()
	case ok:
		return "work"
	}
	return "off"
}

// TestCalendarLoad: only an administrator loads a year; the calendar in
// force sees it at once, and loading the same schedule again stores
// nothing.
func TestCalendarLoad(t *testing.T) {
	t.Parallel()
	w := setup(t)
	ctx := context.Background()
	w.seeded(t)
	cals := w.svc.Calendars
	before, err := cals.Current(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(before.Calendar.Years()) != "[2024 2025 2026]" {
		t.Fatalf("seeded years %v", before.Calendar.Years())
	}
	var missing *calendar.MissingYearError
	if _, err := before.Calendar.IsWorkday(2027, 1, 4); !errors.As(err, &missing) || missing.Year != 2027 {
		t.Fatalf("2027 before it is loaded: %v; want a missing year", err)
	}

	for _, p := range nonAdmins {
		if _, err := cals.Load(ctx, p, meta(p), year2027); domain.ErrorCode(err) != domain.CodeForbidden {
			t.Errorf("%s loads a year: %v; want forbidden", p.Role, err)
		}
	}
	if _, err := cals.Load(ctx, admin, meta(admin), calendar.Year{Year: 2027, Notice: "empty"}); !refusedOn(err, domain.CodeInvalid, "schedule") {
		t.Errorf("a year without any day: %v; want invalid schedule", err)
	}
	if n := w.calendarEvents(t); n != 3 {
		t.Fatalf("%d calendar events after the refusals, want the 3 seeded", n)
	}

	loadedAt := w.clock.Now()
	res, err := cals.Load(ctx, admin, meta(admin), year2027)
	if err != nil || len(res.Events) != 1 {
		t.Fatalf("load 2027: %+v, %v", res, err)
	}
	after, err := cals.Current(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(after.Calendar.Years()) != "[2024 2025 2026 2027]" || after.Seq != res.LastSeq ||
		!after.LoadedAt[2027].Equal(loadedAt) || after.Notices[2027] != year2027.Notice {
		t.Fatalf("after loading 2027: years %v, seq %d (want %d), loaded %v, notice %q",
			after.Calendar.Years(), after.Seq, res.LastSeq, after.LoadedAt[2027], after.Notices[2027])
	}
	for _, tt := range []struct {
		m, d int
		want string
	}{
		{1, 1, "off"},  // 元旦, a Friday
		{1, 4, "work"}, // an ordinary Monday
		{2, 6, "work"}, // the Saturday worked
		{2, 7, "off"},  // an ordinary Sunday
	} {
		if got := workday(after, 2027, tt.m, tt.d); got != tt.want {
			t.Errorf("2027-%02d-%02d: %s, want %s", tt.m, tt.d, got, tt.want)
		}
	}
	// Another instance, as another replica would build it, reads the same.
	other, err := registry.NewCalendars(nil, w.env.Pool, cst).Current(ctx)
	if err != nil || other.Calendar.Version() != after.Calendar.Version() {
		t.Fatalf("another instance: %v, %v; want version %s", other.Calendar, err, after.Calendar.Version())
	}

	again, err := cals.Load(ctx, admin, meta(admin), year2027)
	if err != nil || len(again.Events) != 0 || w.calendarEvents(t) != 4 {
		t.Fatalf("the same schedule again: %+v, %v, %d events; want nothing stored", again, err, w.calendarEvents(t))
	}
}

// TestCalendarSeed: seeding loads each shipped year once, however often it
// runs, and does not undo a schedule an administrator loaded for a shipped
// year.
func TestCalendarSeed(t *testing.T) {
	t.Parallel()
	w := setup(t)
	ctx := context.Background()
	if _, err := w.svc.Calendars.Current(ctx); domain.ErrorCode(err) != domain.CodeStateConflict {
		t.Fatalf("no schedule loaded: %v; want a state conflict", err)
	}
	w.seeded(t)
	w.seeded(t)
	if n := w.calendarEvents(t); n != 3 {
		t.Fatalf("%d calendar events after seeding twice, want 3 (2024, 2025, 2026)", n)
	}

	// The administrator declares 31 December 2026, a Thursday, a day off.
	years, err := calendar.DefaultYears()
	if err != nil {
		t.Fatal(err)
	}
	y2026 := years[2]
	if y2026.Year != 2026 {
		t.Fatalf("third shipped year is %d", y2026.Year)
	}
	y2026.Days = append(append([]calendar.Day(nil), y2026.Days...), calendar.Day{Date: "2026-12-31", IsOffDay: true, Name: "调休"})
	if _, err := w.svc.Calendars.Load(ctx, admin, meta(admin), y2026); err != nil {
		t.Fatal(err)
	}
	w.seeded(t)
	if n := w.calendarEvents(t); n != 4 {
		t.Fatalf("%d calendar events after the replacement and another seed, want 4", n)
	}
	lc, err := w.svc.Calendars.Current(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := workday(lc, 2026, 12, 31); got != "off" {
		t.Fatalf("2026-12-31 after seeding again: %s; want the administrator's day off kept", got)
	}
	if got := workday(lc, 2026, 12, 30); got != "work" {
		t.Fatalf("2026-12-30: %s", got)
	}
}

// TestAddTerm: an administrator extends a list of the classification; the
// term is in force at once, here and on another instance; the lists that
// carry meaning, duplicates and malformed codes are refused.
func TestAddTerm(t *testing.T) {
	t.Parallel()
	w := setup(t)
	ctx := context.Background()
	tax := w.svc.Taxonomies
	has := func(terms []complaint.Term, code, label string) bool {
		for _, term := range terms {
			if term.Code == code {
				return term.Label == label
			}
		}
		return false
	}
	before, err := tax.Current(ctx)
	if err != nil || len(before.IssueTypes) != 8 || has(before.IssueTypes, "delayed_permits", "审批拖延") {
		t.Fatalf("default issue types: %v, %v", before.IssueTypes, err)
	}
	for _, p := range nonAdmins {
		if _, err := tax.AddTerm(ctx, p, meta(p), complaint.KindIssueTypes, "delayed_permits", "审批拖延"); domain.ErrorCode(err) != domain.CodeForbidden {
			t.Errorf("%s adds a term: %v; want forbidden", p.Role, err)
		}
	}
	m := meta(admin)
	got, err := tax.AddTerm(ctx, admin, m, complaint.KindIssueTypes, "delayed_permits", "审批拖延")
	if err != nil || len(got.IssueTypes) != 9 || !has(got.IssueTypes, "delayed_permits", "审批拖延") {
		t.Fatalf("after adding: %v, %v", got.IssueTypes, err)
	}
	if _, err := tax.AddTerm(ctx, admin, meta(admin), complaint.KindChannels, "wechat", "微信"); err != nil {
		t.Fatal(err)
	}
	// Sent again with the same command id: one effect.
	if got, err := tax.AddTerm(ctx, admin, m, complaint.KindIssueTypes, "delayed_permits", "审批拖延"); err != nil || len(got.IssueTypes) != 9 {
		t.Fatalf("the same command again: %v, %v", got.IssueTypes, err)
	}
	for _, current := range []func(context.Context) (complaint.Taxonomy, error){tax.Current, registry.NewTaxonomies(nil, w.env.Pool).Current} {
		now, err := current(ctx)
		if err != nil || len(now.IssueTypes) != 9 || !has(now.IssueTypes, "delayed_permits", "审批拖延") ||
			len(now.Channels) != 9 || !has(now.Channels, "wechat", "微信") || len(now.Categories) != 5 {
			t.Fatalf("classification in force: %+v, %v", now, err)
		}
	}

	for _, tt := range []struct {
		kind, code, label string
		want              domain.Code
		field             string
	}{
		{complaint.KindIssueTypes, "delayed_permits", "again", domain.CodeStateConflict, ""},
		{"outcomes", "forgiven", "宽恕", domain.CodeNotFound, "kind"},
		{complaint.KindCategories, "Efficiency", "效率", domain.CodeInvalid, "code"},
		{complaint.KindCategories, "x", "短", domain.CodeInvalid, "code"},
		{complaint.KindCategories, "honesty", "", domain.CodeInvalid, "label"},
	} {
		if _, err := tax.AddTerm(ctx, admin, meta(admin), tt.kind, tt.code, tt.label); !refusedOn(err, tt.want, tt.field) {
			t.Errorf("AddTerm(%s, %q, %q): %v; want %s on %q", tt.kind, tt.code, tt.label, err, tt.want, tt.field)
		}
	}
	h, err := w.env.Log.Load(ctx, complaint.TaxonomyAggregateType, complaint.TaxonomyID)
	if err != nil || len(h.Events) != 2 {
		t.Fatalf("the classification's history holds %d events (%v), want 2", len(h.Events), err)
	}
}
