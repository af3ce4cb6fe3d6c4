package auth_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/watchpost/watchpost/cmd/internal/auth"
	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/eventstore"
	"github.com/watchpost/watchpost/eventstore/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// clock is a test clock that stands still until the test moves it: what a
// test measures against the one-second cache is exactly what it set.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: testenv.Start().UTC()} }

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

// tokenDB returns a pool on a fresh database holding the token tables.
func tokenDB(t *testing.T) *pgxpool.Pool {
	t.Helper()
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, testenv.Postgres(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	if _, err := eventstore.Migrate(ctx, pool, auth.Migrations()); err != nil {
		t.Fatal(err)
	}
	return pool
}

// create makes a token or fails the test.
func create(t *testing.T, tokens *auth.Tokens, s auth.Spec) (string, auth.Principal) {
	t.Helper()
	tok, p, err := tokens.Create(context.Background(), s)
	if err != nil {
		t.Fatalf("create %+v: %v", s, err)
	}
	return tok, p
}

// refusedOn reports whether err is a domain error of code naming field.
func refusedOn(err error, code domain.Code, field string) bool {
	var de *domain.Error
	return errors.As(err, &de) && de.Code == code && de.Field == field
}

// tokenShape is what a token looks like: the prefix, then 32 random bytes
// in lower-case base 32 without padding.
var tokenShape = regexp.MustCompile(`^wpt_[a-z2-7]{52}$`)

// TestCreateTokens: a token is made for every role, scoped to a department
// or a point only when the role is; it authenticates as the principal it
// was made for, and only its SHA-256 digest is stored.
func TestCreateTokens(t *testing.T) {
	t.Parallel()
	pool := tokenDB(t)
	tokens := auth.NewTokens(pool, newClock().Now)
	ctx := context.Background()
	created := 0
	for _, tt := range []struct {
		name  string
		spec  auth.Spec
		field string // the field a refusal names; "" when the token is made
	}{
		{"handler", auth.Spec{Role: auth.RoleHandler, Name: "intake desk"}, ""},
		{"supervisor", auth.Spec{Role: auth.RoleSupervisor}, ""},
		{"leader", auth.Spec{Role: auth.RoleLeader, Name: "市领导"}, ""},
		{"admin", auth.Spec{Role: auth.RoleAdmin}, ""},
		{"department", auth.Spec{Role: auth.RoleDepartment, DepartmentID: "tax-bureau", Name: "tax"}, ""},
		{"point", auth.Spec{Role: auth.RolePoint, PointID: "point-7"}, ""},
		{"department without its department", auth.Spec{Role: auth.RoleDepartment}, "departmentId"},
		{"point without its point", auth.Spec{Role: auth.RolePoint}, "pointId"},
		{"handler scoped to a department", auth.Spec{Role: auth.RoleHandler, DepartmentID: "tax-bureau"}, "departmentId"},
		{"admin scoped to a department", auth.Spec{Role: auth.RoleAdmin, DepartmentID: "tax-bureau"}, "departmentId"},
		{"supervisor scoped to a point", auth.Spec{Role: auth.RoleSupervisor, PointID: "point-7"}, "pointId"},
		{"department also scoped to a point", auth.Spec{Role: auth.RoleDepartment, DepartmentID: "tax-bureau", PointID: "point-7"}, "pointId"},
		{"point also scoped to a department", auth.Spec{Role: auth.RolePoint, PointID: "point-7", DepartmentID: "tax-bureau"}, "departmentId"},
		{"unknown role", auth.Spec{Role: "clerk"}, "role"},
		{"no role", auth.Spec{}, "role"},
	} {
		tok, p, err := tokens.Create(ctx, tt.spec)
		if tt.field != "" {
			if !refusedOn(err, domain.CodeInvalid, tt.field) || tok != "" {
				t.Errorf("%s: got %q, %v; want refused naming %s", tt.name, tok, err, tt.field)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		created++
		if !tokenShape.MatchString(tok) {
			t.Errorf("%s: token %q does not look like a Watchpost token", tt.name, tok)
		}
		want := auth.Principal{TokenID: p.TokenID, Role: tt.spec.Role, DepartmentID: tt.spec.DepartmentID, PointID: tt.spec.PointID, Name: tt.spec.Name}
		if _, err := uuid.Parse(p.TokenID); err != nil || p != want {
			t.Errorf("%s: created %+v, want %+v", tt.name, p, want)
		}
		got, err := tokens.Authenticate(ctx, tok)
		if err != nil || got != want {
			t.Errorf("%s: authenticates as %+v, %v; want %+v", tt.name, got, err, want)
		}
		digest := sha256.Sum256([]byte(tok))
		var stored []byte
		if err := pool.QueryRow(ctx, `SELECT hash FROM api_tokens WHERE id = $1`, p.TokenID).Scan(&stored); err != nil || string(stored) != string(digest[:]) {
			t.Errorf("%s: stored %x (%v), want the token's SHA-256 %x", tt.name, stored, err, digest)
		}
	}
	var rows int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM api_tokens`).Scan(&rows); err != nil || rows != created {
		t.Fatalf("%d tokens stored (%v), want the %d that were made: a refused one must not be stored", rows, err, created)
	}
}

// TestAuthenticateRefuses: anything but a stored token, character for
// character, is refused with ErrUnauthenticated.
func TestAuthenticateRefuses(t *testing.T) {
	t.Parallel()
	tokens := auth.NewTokens(tokenDB(t), newClock().Now)
	ctx := context.Background()
	tok, _ := create(t, tokens, auth.Spec{Role: auth.RoleHandler})
	if _, err := tokens.Authenticate(ctx, tok); err != nil {
		t.Fatalf("the token itself: %v", err)
	}
	// The same token with its last character replaced by another one of
	// the alphabet.
	last := tok[len(tok)-1]
	other := byte('a')
	if last == 'a' {
		other = 'b'
	}
	for name, candidate := range map[string]string{
		"empty":                     "",
		"the prefix alone":          "wpt_",
		"without the prefix":        strings.TrimPrefix(tok, "wpt_"),
		"with a scheme in front":    "Bearer " + tok,
		"upper case":                strings.ToUpper(tok),
		"last character changed":    tok[:len(tok)-1] + string(other),
		"truncated":                 tok[:len(tok)-1],
		"one character more":        tok + "a",
		"with a space in front":     " " + tok,
		"unknown of the same shape": "wpt_" + strings.Repeat("a", 52),
		"longer than 128":           tok + strings.Repeat("a", 129-len(tok)),
	} {
		if p, err := tokens.Authenticate(ctx, candidate); !errors.Is(err, auth.ErrUnauthenticated) {
			t.Errorf("%s: %+v, %v; want ErrUnauthenticated", name, p, err)
		}
	}
}

// TestAuthenticateWithoutTheStore: a malformed token is refused before the
// store is asked, a well-formed one with the store gone is reported as
// unavailable (not as a bad token), and a token that authenticated less
// than a second ago is still trusted.
func TestAuthenticateWithoutTheStore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := tokenDB(t) // closed below; closing it again at cleanup is harmless
	c := newClock()
	tokens := auth.NewTokens(pool, c.Now)
	tok, p := create(t, tokens, auth.Spec{Role: auth.RoleSupervisor})
	if _, err := tokens.Authenticate(ctx, tok); err != nil {
		t.Fatal(err)
	}
	pool.Close()

	if _, err := tokens.Authenticate(ctx, "not-a-token"); !errors.Is(err, auth.ErrUnauthenticated) {
		t.Errorf("malformed token with the store gone: %v; want ErrUnauthenticated", err)
	}
	if _, err := tokens.Authenticate(ctx, "wpt_"+strings.Repeat("b", 52)); !errors.Is(err, eventstore.ErrUnavailable) || errors.Is(err, auth.ErrUnauthenticated) {
		t.Errorf("well-formed token with the store gone: %v; want ErrUnavailable", err)
	}
	if got, err := tokens.Authenticate(ctx, tok); err != nil || got != p {
		t.Errorf("token authenticated a moment ago: %+v, %v; want %+v from the cache", got, err, p)
	}
	c.Add(time.Second)
	if _, err := tokens.Authenticate(ctx, tok); !errors.Is(err, eventstore.ErrUnavailable) {
		t.Errorf("a second later the store is asked again: %v; want ErrUnavailable", err)
	}
}

// TestExpiry: a token with a lifetime is refused from the instant it ends,
// by the service's clock, also when it was trusted half a second before.
func TestExpiry(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := newClock()
	t0 := c.Now()
	tokens := auth.NewTokens(tokenDB(t), c.Now)
	tok, p := create(t, tokens, auth.Spec{Role: auth.RoleLeader, TTL: time.Hour})
	forever, _ := create(t, tokens, auth.Spec{Role: auth.RoleLeader})

	c.Add(time.Hour - 500*time.Millisecond)
	if _, err := tokens.Authenticate(ctx, tok); err != nil {
		t.Fatalf("half a second before it ends: %v", err)
	}
	c.Add(500 * time.Millisecond) // t0 + 1h: ended, though trusted 0.5 s ago
	if got, err := tokens.Authenticate(ctx, tok); !errors.Is(err, auth.ErrUnauthenticated) {
		t.Fatalf("at its end: %+v, %v; want ErrUnauthenticated", got, err)
	}
	c.Add(24 * time.Hour)
	if _, err := tokens.Authenticate(ctx, tok); !errors.Is(err, auth.ErrUnauthenticated) {
		t.Fatalf("a day after its end: %v", err)
	}
	if _, err := tokens.Authenticate(ctx, forever); err != nil {
		t.Fatalf("a token without a lifetime: %v", err)
	}
	list, err := tokens.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range list {
		if i.ID == p.TokenID && (i.ExpiresAt == nil || !i.ExpiresAt.Equal(t0.Add(time.Hour))) {
			t.Fatalf("listed expiry %v, want %s", i.ExpiresAt, t0.Add(time.Hour))
		}
	}
}

// TestRevocation: revoking is immediate on the Tokens that revoked; another
// instance (another replica) trusts what it authenticated for one second
// by the clock, and then refuses it.
func TestRevocation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := tokenDB(t)
	c := newClock()
	here, there := auth.NewTokens(pool, c.Now), auth.NewTokens(pool, c.Now)
	tok, p := create(t, here, auth.Spec{Role: auth.RoleHandler, Name: "desk 3"})
	for _, tokens := range []*auth.Tokens{here, there} {
		if got, err := tokens.Authenticate(ctx, tok); err != nil || got != p {
			t.Fatalf("before revocation: %+v, %v", got, err)
		}
	}
	revokedAt := c.Now()
	if err := here.Revoke(ctx, p.TokenID); err != nil {
		t.Fatal(err)
	}
	if _, err := here.Authenticate(ctx, tok); !errors.Is(err, auth.ErrUnauthenticated) {
		t.Fatalf("on the revoking instance: %v; want refused at once", err)
	}
	c.Add(999 * time.Millisecond)
	if got, err := there.Authenticate(ctx, tok); err != nil || got != p {
		t.Fatalf("on another instance 999 ms later: %+v, %v; want still trusted from its cache", got, err)
	}
	c.Add(time.Millisecond)
	if _, err := there.Authenticate(ctx, tok); !errors.Is(err, auth.ErrUnauthenticated) {
		t.Fatalf("on another instance a second later: %v; want refused", err)
	}

	if err := here.Revoke(ctx, p.TokenID); !refusedOn(err, domain.CodeNotFound, "id") {
		t.Errorf("revoking twice: %v; want not found", err)
	}
	if err := here.Revoke(ctx, uuid.NewString()); !refusedOn(err, domain.CodeNotFound, "id") {
		t.Errorf("revoking an unknown token: %v; want not found", err)
	}
	if err := here.Revoke(ctx, "desk 3"); !refusedOn(err, domain.CodeInvalid, "id") {
		t.Errorf("revoking by something that is not an id: %v; want invalid", err)
	}
	list, err := here.List(ctx)
	if err != nil || len(list) != 1 || list[0].RevokedAt == nil || !list[0].RevokedAt.Equal(revokedAt) {
		t.Fatalf("listed %+v (%v); want revoked at %s", list, err, revokedAt)
	}
}

// TestNames: the names of named tokens among the ids; other actors ("system",
// a tool), unknown ids and unnamed tokens are left out.
func TestNames(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tokens := auth.NewTokens(tokenDB(t), newClock().Now)
	_, desk := create(t, tokens, auth.Spec{Role: auth.RoleHandler, Name: "intake desk"})
	_, bureau := create(t, tokens, auth.Spec{Role: auth.RoleDepartment, DepartmentID: "city-construction", Name: "市住房和城乡建设局"})
	_, unnamed := create(t, tokens, auth.Spec{Role: auth.RoleSupervisor})

	names, err := tokens.Names(ctx, []string{desk.TokenID, "system", bureau.TokenID, unnamed.TokenID,
		"watchpost token rotate-admin", uuid.NewString(), desk.TokenID})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{desk.TokenID: "intake desk", bureau.TokenID: "市住房和城乡建设局"}
	if fmt.Sprint(names) != fmt.Sprint(want) {
		t.Fatalf("names %v, want %v", names, want)
	}
	for _, ids := range [][]string{nil, {"system", "watchpost serve"}} {
		names, err := tokens.Names(ctx, ids)
		if err != nil || names == nil || len(names) != 0 {
			t.Fatalf("Names(%q) = %v, %v; want an empty map", ids, names, err)
		}
	}
}

// TestList: every token, newest first, with its scope, maker, lifetime and
// revocation, and never its secret.
func TestList(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := newClock()
	t0 := c.Now()
	tokens := auth.NewTokens(tokenDB(t), c.Now)
	_, h := create(t, tokens, auth.Spec{Role: auth.RoleHandler, Name: "intake desk", CreatedBy: "watchpost token create"})
	c.Add(time.Minute)
	_, d := create(t, tokens, auth.Spec{Role: auth.RoleDepartment, DepartmentID: "tax-bureau", CreatedBy: "admin-1"})
	c.Add(time.Minute)
	_, pt := create(t, tokens, auth.Spec{Role: auth.RolePoint, PointID: "point-7", TTL: 48 * time.Hour, CreatedBy: "admin-1"})
	c.Add(time.Minute)
	if err := tokens.Revoke(ctx, d.TokenID); err != nil {
		t.Fatal(err)
	}
	list, err := tokens.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	at := func(d time.Duration) *time.Time { v := t0.Add(d); return &v }
	want := []auth.Info{
		{ID: pt.TokenID, Role: auth.RolePoint, PointID: "point-7", CreatedAt: *at(2 * time.Minute), CreatedBy: "admin-1", ExpiresAt: at(2*time.Minute + 48*time.Hour)},
		{ID: d.TokenID, Role: auth.RoleDepartment, DepartmentID: "tax-bureau", CreatedAt: *at(time.Minute), CreatedBy: "admin-1", RevokedAt: at(3 * time.Minute)},
		{ID: h.TokenID, Role: auth.RoleHandler, Name: "intake desk", CreatedAt: t0, CreatedBy: "watchpost token create"},
	}
	if len(list) != len(want) {
		t.Fatalf("listed %d tokens, want %d", len(list), len(want))
	}
	show := func(i auth.Info) string {
		s := fmt.Sprintf("%s %s %q %q %q %s by %s", i.ID, i.Role, i.DepartmentID, i.PointID, i.Name, i.CreatedAt.UTC().Format(time.RFC3339), i.CreatedBy)
		for _, p := range []*time.Time{i.ExpiresAt, i.RevokedAt} {
			if p == nil {
				s += " -"
			} else {
				s += " " + p.UTC().Format(time.RFC3339)
			}
		}
		return s
	}
	for i := range want {
		if show(list[i]) != show(want[i]) {
			t.Errorf("token %d:\n got %s\nwant %s", i, show(list[i]), show(want[i]))
		}
	}
}
