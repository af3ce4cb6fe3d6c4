package auditlog_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/watchpost/watchpost/cmd/internal/auditlog"
	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/access"
	"github.com/watchpost/watchpost/domain/audit"
	"github.com/watchpost/watchpost/eventstore"
	"github.com/watchpost/watchpost/eventstore/testenv"
	"github.com/watchpost/watchpost/projections"
)

func TestMain(m *testing.M) { testenv.Main(m) }

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

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

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// fixture is a trail on a fresh stream and database, the archiver keeping
// proj.audit_log.
type fixture struct {
	log   *eventstore.Log
	pool  *pgxpool.Pool
	trail *auditlog.Trail
	clock *clock
}

func setup(t *testing.T) fixture {
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
	if _, err := eventstore.Migrate(ctx, pool, eventstore.ArchiveMigrations(), projections.Migrations()); err != nil {
		t.Fatal(err)
	}
	set := projections.Set{Inline: []projections.Projection{projections.AuditLog{}}}
	a, err := eventstore.NewArchiver(log, pool, []eventstore.Projector{set.InlineProjector()}, eventstore.ArchiverConfig{}, quiet(), nil)
	if err != nil {
		t.Fatal(err)
	}
	positions := eventstore.NewPositions(pool, quiet())
	positions.Start(ctx)
	a.Start(ctx)
	t.Cleanup(positions.Stop)
	t.Cleanup(a.Stop)
	c := &clock{now: testenv.Start().UTC()}
	return fixture{log: log, pool: pool, trail: auditlog.New(log, pool, positions, c.Now), clock: c}
}

var admin = access.Principal{TokenID: "admin-1", Role: access.RoleAdmin}

// TestRecordRefuses: an entry that lacks what its action requires (a reason
// to read or destroy personal data, the refusal of a refused attempt, an
// actor) is refused, and nothing reaches the log.
func TestRecordRefuses(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := context.Background()
	for _, tt := range []struct {
		name  string
		entry audit.Recorded
		field string // the field the refusal names, when it is a person's input
	}{
		{"disclosure without a reason", audit.Recorded{Action: audit.ActionDisclose, Actor: "h-1", ActorRole: "handler", Subject: "case-1"}, "reason"},
		{"shredding without a reason", audit.Recorded{Action: audit.ActionShred, Actor: "admin-1", ActorRole: "admin", Subject: "case-1"}, "reason"},
		{"disclosure with a reason of 501 characters", audit.Recorded{Action: audit.ActionDisclose, Actor: "h-1", Reason: strings.Repeat("查", 501)}, "reason"},
		{"disclosure with a reason that is not UTF-8", audit.Recorded{Action: audit.ActionDisclose, Actor: "h-1", Reason: "回访\xff"}, "reason"},
		{"refused disclosure without its refusal", audit.Recorded{Action: audit.ActionDiscloseRefused, Actor: "d-1", ActorRole: "department", Subject: "case-1", Reason: "核实"}, ""},
		{"an unknown action", audit.Recorded{Action: "case_printed", Actor: "h-1", Reason: "x"}, ""},
		{"no actor", audit.Recorded{Action: audit.ActionTokenCreated, Subject: "t-1"}, ""},
	} {
		err := f.trail.Record(ctx, tt.entry)
		if err == nil {
			t.Errorf("%s: recorded", tt.name)
			continue
		}
		var de *domain.Error
		if tt.field != "" && (!errors.As(err, &de) || de.Code != domain.CodeInvalid || de.Field != tt.field) {
			t.Errorf("%s: %v; want invalid %s", tt.name, err, tt.field)
		}
	}
	if last, err := f.log.LastSeq(ctx); err != nil || last != 0 {
		t.Fatalf("the log holds %d events after the refusals (%v), want none", last, err)
	}
}

// TestRecordAndList: an entry is in the trail when Record returns, with
// the time of the trail's clock unless it has its own; the trail lists the
// newest first and filters by action, subject, actor, time and position.
func TestRecordAndList(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := context.Background()
	t0 := f.clock.Now()
	longAgent := strings.Repeat("M", 250)
	entries := []audit.Recorded{
		{Action: audit.ActionTokenCreated, Actor: "admin-1", ActorRole: "admin", Subject: "tok-1", Reason: "role handler", Remote: "192.0.2.1"},
		{Action: audit.ActionDisclose, Actor: "h-1", ActorRole: "handler", Subject: "case-1", Reason: "回访前核对联系电话", Remote: "192.0.2.2", UserAgent: longAgent},
		{Action: audit.ActionDiscloseRefused, Actor: "d-1", ActorRole: "department", Subject: "case-1", Reason: "核实", Refusal: "the complainant did not consent"},
		{Action: audit.ActionShred, Actor: "system", ActorRole: "system", Subject: "case-1", Reason: "retention: 5 years after closure"},
		{Action: audit.ActionTokenRevoked, Actor: "admin-1", ActorRole: "admin", Subject: "tok-1", At: t0.Add(-24 * time.Hour)},
	}
	for i, e := range entries {
		if err := f.trail.Record(ctx, e); err != nil {
			t.Fatalf("entry %d: %v", i, err)
		}
		// Visible as soon as Record returns: the audited action may be
		// answered now.
		got, err := f.trail.List(ctx, admin, projections.AuditFilter{Limit: 1})
		if err != nil || len(got) != 1 || got[0].Action != e.Action || got[0].Subject != e.Subject {
			t.Fatalf("newest entry right after recording entry %d: %+v, %v", i, got, err)
		}
		f.clock.Add(time.Minute)
	}

	all, err := f.trail.List(ctx, admin, projections.AuditFilter{})
	if err != nil || len(all) != len(entries) {
		t.Fatalf("listed %d entries (%v), want %d", len(all), err, len(entries))
	}
	for i, got := range all {
		want := entries[len(entries)-1-i]
		if want.At.IsZero() {
			want.At = t0.Add(time.Duration(len(entries)-1-i) * time.Minute)
		}
		if want.UserAgent == longAgent {
			want.UserAgent = strings.Repeat("M", 200)
		}
		if i > 0 && got.Seq >= all[i-1].Seq {
			t.Errorf("entry %d at position %d is not older than the one before (%d)", i, got.Seq, all[i-1].Seq)
		}
		if !got.At.Equal(want.At) {
			t.Errorf("entry %d at %s, want %s", i, got.At, want.At)
		}
		got.At = want.At
		if got.Recorded != want {
			t.Errorf("entry %d:\n got %+v\nwant %+v", i, got.Recorded, want)
		}
	}

	actions := func(f projections.AuditFilter, trail *auditlog.Trail) string {
		got, err := trail.List(ctx, admin, f)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range got {
			out = append(out, e.Action)
		}
		return fmt.Sprint(out)
	}
	for _, tt := range []struct {
		filter projections.AuditFilter
		want   string
	}{
		{projections.AuditFilter{Subject: "case-1"}, "[personal_data_shredded personal_data_disclosure_refused personal_data_disclosed]"},
		{projections.AuditFilter{Actor: "admin-1"}, "[token_revoked token_created]"},
		{projections.AuditFilter{Action: audit.ActionDisclose}, "[personal_data_disclosed]"},
		{projections.AuditFilter{Subject: "case-2"}, "[]"},
		// Recorded at t0+1m, t0+2m, t0+3m; the revocation carries its own
		// time, a day earlier.
		{projections.AuditFilter{From: t0.Add(time.Minute), To: t0.Add(3 * time.Minute)}, "[personal_data_disclosure_refused personal_data_disclosed]"},
		{projections.AuditFilter{To: t0}, "[token_revoked]"},
		{projections.AuditFilter{Before: all[1].Seq}, "[personal_data_disclosure_refused personal_data_disclosed token_created]"},
		{projections.AuditFilter{Limit: 2}, "[token_revoked personal_data_shredded]"},
	} {
		if got := actions(tt.filter, f.trail); got != tt.want {
			t.Errorf("List(%+v) = %s, want %s", tt.filter, got, tt.want)
		}
	}
}

// TestListIsForAdministrators: only an administrator reads the trail.
func TestListIsForAdministrators(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := context.Background()
	if err := f.trail.Record(ctx, audit.Recorded{Action: audit.ActionDisclose, Actor: "h-1", ActorRole: "handler", Subject: "case-1", Reason: "回访"}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []access.Principal{
		{TokenID: "h-1", Role: access.RoleHandler},
		{TokenID: "d-1", Role: access.RoleDepartment, DepartmentID: "tax-bureau"},
		{TokenID: "s-1", Role: access.RoleSupervisor},
		{TokenID: "l-1", Role: access.RoleLeader},
		{TokenID: "p-1", Role: access.RolePoint, PointID: "point-7"},
	} {
		if got, err := f.trail.List(ctx, p, projections.AuditFilter{}); domain.ErrorCode(err) != domain.CodeForbidden || got != nil {
			t.Errorf("%s reads the trail: %d entries, %v; want forbidden", p.Role, len(got), err)
		}
	}
	if got, err := f.trail.List(ctx, admin, projections.AuditFilter{}); err != nil || len(got) != 1 || got[0].Reason != "回访" {
		t.Fatalf("the administrator reads %+v, %v", got, err)
	}
}
