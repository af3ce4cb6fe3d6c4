package auth_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/watchpost/watchpost/cmd/internal/app"
	"github.com/watchpost/watchpost/cmd/internal/auditlog"
	"github.com/watchpost/watchpost/cmd/internal/auth"
	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/access"
	"github.com/watchpost/watchpost/domain/audit"
	"github.com/watchpost/watchpost/domain/deadline"
	"github.com/watchpost/watchpost/domain/department"
	"github.com/watchpost/watchpost/eventstore"
	"github.com/watchpost/watchpost/eventstore/testenv"
	"github.com/watchpost/watchpost/projections"
)

var cst = time.FixedZone("CST", 8*3600)

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// services is the application's services on a fresh database and NATS
// server, with the archiver applying the read models.
type services struct {
	env   *app.Env
	svc   *app.Services
	clock *clock
	admin auth.Principal // an administrator's token
}

func setup(t *testing.T) services {
	t.Helper()
	ctx := context.Background()
	c := newClock()
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
	_, admin := create(t, svc.Tokens, auth.Spec{Role: auth.RoleAdmin, Name: "administrator"})
	return services{env: env, svc: svc, clock: c, admin: admin}
}

// register adds a department to the register.
func (s services) register(t *testing.T, id string) {
	t.Helper()
	if _, err := s.svc.Registry.RegisterDepartment(context.Background(), s.admin, eventstore.Metadata{Actor: s.admin.TokenID, CommandID: "register-" + id},
		id, department.Details{Name: id, Category: department.CategoryManagement}); err != nil {
		t.Fatal(err)
	}
}

// trail reads the audit entries about a subject, newest first.
func (s services) trail(t *testing.T, subject string) []projections.AuditEntry {
	t.Helper()
	entries, err := s.svc.Trail.List(context.Background(), s.admin, projections.AuditFilter{Subject: subject})
	if err != nil {
		t.Fatal(err)
	}
	return entries
}

// TestAccountsAreForAdministrators: creating, listing and revoking tokens
// is refused to every other role, and a refusal changes nothing.
func TestAccountsAreForAdministrators(t *testing.T) {
	t.Parallel()
	s := setup(t)
	ctx := context.Background()
	s.register(t, "tax-bureau")
	victimToken, victim, err := s.svc.Accounts.Create(ctx, s.admin, auditlog.Origin{}, auth.Spec{Role: auth.RoleHandler})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []auth.Principal{
		{TokenID: "h", Role: auth.RoleHandler},
		{TokenID: "d", Role: auth.RoleDepartment, DepartmentID: "tax-bureau"},
		{TokenID: "s", Role: auth.RoleSupervisor},
		{TokenID: "l", Role: auth.RoleLeader},
		{TokenID: "p", Role: auth.RolePoint, PointID: "point-7"},
	} {
		if tok, _, err := s.svc.Accounts.Create(ctx, p, auditlog.Origin{}, auth.Spec{Role: auth.RoleAdmin}); domain.ErrorCode(err) != domain.CodeForbidden || tok != "" {
			t.Errorf("%s creates a token: %q, %v; want forbidden", p.Role, tok, err)
		}
		if list, err := s.svc.Accounts.List(ctx, p); domain.ErrorCode(err) != domain.CodeForbidden || list != nil {
			t.Errorf("%s lists tokens: %d, %v; want forbidden", p.Role, len(list), err)
		}
		if err := s.svc.Accounts.Revoke(ctx, p, auditlog.Origin{}, victim.TokenID); domain.ErrorCode(err) != domain.CodeForbidden {
			t.Errorf("%s revokes a token: %v; want forbidden", p.Role, err)
		}
	}
	if _, err := s.svc.Tokens.Authenticate(ctx, victimToken); err != nil {
		t.Fatalf("the token others tried to revoke: %v", err)
	}
	list, err := s.svc.Accounts.List(ctx, s.admin)
	if err != nil || len(list) != 2 {
		t.Fatalf("%d tokens after the refusals (%v), want the administrator's and one handler's", len(list), err)
	}
	if e := s.trail(t, ""); len(e) != 1 || e[0].Subject != victim.TokenID {
		t.Fatalf("audit trail after the refusals: %+v; want only the one creation", e)
	}
}

// TestAccountsAudit: each creation and revocation is in the audit trail,
// with who did it, from where, to which token, when.
func TestAccountsAudit(t *testing.T) {
	t.Parallel()
	s := setup(t)
	ctx := context.Background()
	s.register(t, "city-construction")
	from := auditlog.Origin{Remote: "192.0.2.10", UserAgent: "curl/8.5.0"}
	createdAt := s.clock.Now()
	tok, p, err := s.svc.Accounts.Create(ctx, s.admin, from, auth.Spec{Role: auth.RoleDepartment, DepartmentID: "city-construction", Name: "construction bureau"})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s.svc.Tokens.Authenticate(ctx, tok); err != nil || got != p {
		t.Fatalf("the new token authenticates as %+v, %v; want %+v", got, err, p)
	}
	s.clock.Add(time.Hour)
	if err := s.svc.Accounts.Revoke(ctx, s.admin, auditlog.Origin{Remote: "192.0.2.11"}, p.TokenID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.svc.Tokens.Authenticate(ctx, tok); !errors.Is(err, auth.ErrUnauthenticated) {
		t.Fatalf("after revocation: %v", err)
	}
	entries := s.trail(t, p.TokenID)
	if len(entries) != 2 {
		t.Fatalf("%d audit entries about the token, want 2: %+v", len(entries), entries)
	}
	want := []audit.Recorded{
		{Action: audit.ActionTokenRevoked, Actor: s.admin.TokenID, ActorRole: "admin", Subject: p.TokenID, Remote: "192.0.2.11", At: createdAt.Add(time.Hour)},
		{Action: audit.ActionTokenCreated, Actor: s.admin.TokenID, ActorRole: "admin", Subject: p.TokenID, Reason: "role department",
			Remote: "192.0.2.10", UserAgent: "curl/8.5.0", At: createdAt},
	}
	for i, e := range entries {
		got := e.Recorded
		if !got.At.Equal(want[i].At) {
			t.Errorf("entry %d at %s, want %s", i, got.At, want[i].At)
		}
		got.At = want[i].At
		if got != want[i] {
			t.Errorf("entry %d:\n got %+v\nwant %+v", i, got, want[i])
		}
	}
	list, err := s.svc.Accounts.List(ctx, s.admin)
	if err != nil || len(list) != 2 || list[0].ID != p.TokenID || list[0].CreatedBy != s.admin.TokenID || list[0].RevokedAt == nil {
		t.Fatalf("listed %+v (%v); want the department token first, made by the administrator, revoked", list, err)
	}
}

// TestAccountsCheckTheRegister: a department token names a department in
// the register that is active; a refusal names the field departmentId and
// leaves no token behind.
func TestAccountsCheckTheRegister(t *testing.T) {
	t.Parallel()
	s := setup(t)
	ctx := context.Background()
	s.register(t, "tax-bureau")
	meta := func(cmd string) eventstore.Metadata {
		return eventstore.Metadata{Actor: s.admin.TokenID, CommandID: cmd}
	}
	spec := func(dept string) auth.Spec { return auth.Spec{Role: auth.RoleDepartment, DepartmentID: dept} }

	if _, _, err := s.svc.Accounts.Create(ctx, s.admin, auditlog.Origin{}, spec("no-such-bureau")); !refusedOn(err, domain.CodeInvalid, "departmentId") {
		t.Fatalf("unregistered department: %v; want invalid departmentId", err)
	}
	if _, err := s.svc.Registry.DeactivateDepartment(ctx, s.admin, meta("deactivate"), "tax-bureau", "merged"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.svc.Accounts.Create(ctx, s.admin, auditlog.Origin{}, spec("tax-bureau")); !refusedOn(err, domain.CodeInvalid, "departmentId") {
		t.Fatalf("inactive department: %v; want invalid departmentId", err)
	}
	if _, err := s.svc.Registry.ReactivateDepartment(ctx, s.admin, meta("reactivate"), "tax-bureau"); err != nil {
		t.Fatal(err)
	}
	if _, p, err := s.svc.Accounts.Create(ctx, s.admin, auditlog.Origin{}, spec("tax-bureau")); err != nil || p.DepartmentID != "tax-bureau" {
		t.Fatalf("active department: %+v, %v", p, err)
	}
	if _, _, err := s.svc.Accounts.Create(ctx, s.admin, auditlog.Origin{}, auth.Spec{Role: auth.RoleHandler, Name: strings.Repeat("名", 201)}); !refusedOn(err, domain.CodeInvalid, "name") {
		t.Fatalf("a name of 201 characters: %v; want invalid name", err)
	}
	if _, p, err := s.svc.Accounts.Create(ctx, s.admin, auditlog.Origin{}, auth.Spec{Role: auth.RoleHandler, Name: strings.Repeat("名", 200)}); err != nil || p.Name != strings.Repeat("名", 200) {
		t.Fatalf("a name of 200 characters: %v", err)
	}
	list, err := s.svc.Accounts.List(ctx, s.admin)
	if err != nil || len(list) != 3 {
		t.Fatalf("%d tokens (%v); want the administrator's and the two accepted ones", len(list), err)
	}
}

// TestAccountsNameTheRequestField: a department token without its
// department is refused naming the field of the request, departmentId, as
// the refusal of an unregistered department does; likewise pointId.
func TestAccountsNameTheRequestField(t *testing.T) {
	t.Parallel()
	s := setup(t)
	ctx := context.Background()
	if _, _, err := s.svc.Accounts.Create(ctx, s.admin, auditlog.Origin{}, auth.Spec{Role: auth.RoleDepartment}); !refusedOn(err, domain.CodeInvalid, "departmentId") {
		t.Errorf("department token without a department: %v; want invalid departmentId", err)
	}
	if _, _, err := s.svc.Accounts.Create(ctx, s.admin, auditlog.Origin{}, auth.Spec{Role: auth.RolePoint}); !refusedOn(err, domain.CodeInvalid, "pointId") {
		t.Errorf("point token without a point: %v; want invalid pointId", err)
	}
}

// TestUnauditedTokenIsRevoked: a token whose creation cannot be written to
// the audit trail does not survive: Create fails and the token is revoked.
func TestUnauditedTokenIsRevoked(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := tokenDB(t)
	nc := testenv.NATS(t)
	// A log whose stream is then deleted: every append fails quickly.
	log, err := eventstore.OpenLog(ctx, nc, eventstore.LogConfig{Stream: "GONE", RetryFor: 200 * time.Millisecond}, quiet(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := log.JetStream().DeleteStream(ctx, "GONE"); err != nil {
		t.Fatal(err)
	}
	tokens := auth.NewTokens(pool, newClock().Now)
	accounts := auth.NewAccounts(tokens, auditlog.New(log, pool, nil, newClock().Now), nil, nil, quiet())
	admin := access.Tool("watchpost token create")
	tok, _, err := accounts.Create(ctx, admin, auditlog.Origin{}, auth.Spec{Role: auth.RoleSupervisor})
	if err == nil || tok != "" {
		t.Fatalf("created %q without an audit entry (%v)", tok, err)
	}
	list, err := tokens.List(ctx)
	if err != nil || len(list) != 1 || list[0].RevokedAt == nil || list[0].CreatedBy != admin.TokenID {
		t.Fatalf("tokens after the failed audit: %+v (%v); want the one made, revoked", list, err)
	}
}
