// Package auth knows who is calling: bearer tokens, the roles they carry and
// the department or monitoring point they are scoped to.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"embed"
	"encoding/base32"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/access"
	"github.com/watchpost/watchpost/eventstore"
)

// Role and Principal are the access rules' (domain/access): a token carries
// a role and, for departments and monitoring points, a scope.
type (
	Role      = access.Role
	Principal = access.Principal
)

// The roles.
const (
	RoleHandler    = access.RoleHandler
	RoleDepartment = access.RoleDepartment
	RoleSupervisor = access.RoleSupervisor
	RoleLeader     = access.RoleLeader
	RolePoint      = access.RolePoint
	RoleAdmin      = access.RoleAdmin
)

// Roles lists every role.
func Roles() []Role { return access.Roles() }

// ParseRole accepts a role name.
func ParseRole(s string) (Role, error) { return access.ParseRole(s) }

// ErrUnauthenticated: no token, or one that is unknown, expired or revoked.
var ErrUnauthenticated = errors.New("auth: missing, unknown, expired or revoked token")

//go:embed migrations/*.sql
var migrations embed.FS

// Migrations are the token tables.
func Migrations() eventstore.MigrationSet { return eventstore.EmbeddedMigrations("auth", migrations) }

// Tokens creates and checks bearer tokens.
type Tokens struct {
	pool  *pgxpool.Pool
	clock func() time.Time

	// recent remembers tokens that authenticated, for a second: a busy
	// client does not cost a database read per request. A revocation here
	// takes effect at once, on another replica within that second.
	mu     sync.Mutex
	recent map[[sha256.Size]byte]cachedPrincipal
}

// cachedPrincipal is a principal and when it was last read from the store.
type cachedPrincipal struct {
	p       Principal
	expires *time.Time
	at      time.Time
}

// cacheFor is how long an authenticated token is trusted without reading
// the store again.
const cacheFor = time.Second

// NewTokens returns the token store.
func NewTokens(pool *pgxpool.Pool, clock func() time.Time) *Tokens {
	return &Tokens{pool: pool, clock: clock, recent: map[[sha256.Size]byte]cachedPrincipal{}}
}

// Spec describes a token to create.
type Spec struct {
	Role         Role
	DepartmentID string
	PointID      string
	Name         string
	TTL          time.Duration // 0: does not expire
	CreatedBy    string
}

// tokenPrefix marks Watchpost tokens so they are recognisable in a leak scan.
const tokenPrefix = "wpt_"

// Create makes a token and returns it in clear text: the only time it is
// seen. The store keeps its hash.
func (t *Tokens) Create(ctx context.Context, s Spec) (string, Principal, error) {
	if _, err := ParseRole(string(s.Role)); err != nil {
		return "", Principal{}, err
	}
	switch {
	case s.Role == RoleDepartment && s.DepartmentID == "":
		return "", Principal{}, domain.Invalid("departmentId", "a department token is scoped to a department: give its id")
	case s.Role == RolePoint && s.PointID == "":
		return "", Principal{}, domain.Invalid("pointId", "a monitoring point token is scoped to a point: give its id")
	case s.Role != RoleDepartment && s.DepartmentID != "":
		return "", Principal{}, domain.Invalid("departmentId", "only a department token is scoped to a department")
	case s.Role != RolePoint && s.PointID != "":
		return "", Principal{}, domain.Invalid("pointId", "only a monitoring point token is scoped to a point")
	}
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return "", Principal{}, err
	}
	token := tokenPrefix + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(secret))
	id, err := uuid.NewV7()
	if err != nil {
		return "", Principal{}, err
	}
	now := t.clock()
	var expires *time.Time
	if s.TTL > 0 {
		e := now.Add(s.TTL)
		expires = &e
	}
	hash := sha256.Sum256([]byte(token))
	_, err = t.pool.Exec(ctx, `INSERT INTO api_tokens (id, hash, role, department_id, point_id, name, created_at, created_by, expires_at)
		VALUES ($1, $2, $3, NULLIF($4, ''), NULLIF($5, ''), $6, $7, $8, $9)`,
		id, hash[:], string(s.Role), s.DepartmentID, s.PointID, s.Name, now, s.CreatedBy, expires)
	if err != nil {
		return "", Principal{}, fmt.Errorf("auth: create token: %w", err)
	}
	return token, Principal{TokenID: id.String(), Role: s.Role, DepartmentID: s.DepartmentID, PointID: s.PointID, Name: s.Name}, nil
}

// Authenticate returns the principal of a bearer token.
func (t *Tokens) Authenticate(ctx context.Context, token string) (Principal, error) {
	if !strings.HasPrefix(token, tokenPrefix) || len(token) > 128 {
		return Principal{}, ErrUnauthenticated
	}
	hash := sha256.Sum256([]byte(token))
	now := t.clock()
	t.mu.Lock()
	c, ok := t.recent[hash]
	t.mu.Unlock()
	if ok && now.Sub(c.at) < cacheFor && now.Sub(c.at) >= 0 && (c.expires == nil || now.Before(*c.expires)) {
		return c.p, nil
	}
	var (
		p                Principal
		stored           []byte
		dept, point      *string
		expires, revoked *time.Time
	)
	err := t.pool.QueryRow(ctx, `SELECT id::text, hash, role, department_id, point_id, name, expires_at, revoked_at
		FROM api_tokens WHERE hash = $1`, hash[:]).Scan(&p.TokenID, &stored, &p.Role, &dept, &point, &p.Name, &expires, &revoked)
	if errors.Is(err, pgx.ErrNoRows) {
		return Principal{}, ErrUnauthenticated
	}
	if err != nil {
		return Principal{}, fmt.Errorf("%w: auth: %w", eventstore.ErrUnavailable, err)
	}
	if subtle.ConstantTimeCompare(stored, hash[:]) != 1 || revoked != nil || expires != nil && !t.clock().Before(*expires) {
		return Principal{}, ErrUnauthenticated
	}
	if dept != nil {
		p.DepartmentID = *dept
	}
	if point != nil {
		p.PointID = *point
	}
	t.mu.Lock()
	if len(t.recent) > 10000 {
		clear(t.recent) // many tokens at once: start over rather than grow
	}
	t.recent[hash] = cachedPrincipal{p: p, expires: expires, at: now}
	t.mu.Unlock()
	return p, nil
}

// Revoke ends a token now.
func (t *Tokens) Revoke(ctx context.Context, id string) error {
	if _, err := uuid.Parse(id); err != nil {
		return domain.Invalid("id", "is not a token id")
	}
	tag, err := t.pool.Exec(ctx, `UPDATE api_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL`, id, t.clock())
	if err != nil {
		return fmt.Errorf("auth: revoke: %w", err)
	}
	t.mu.Lock()
	for h, c := range t.recent {
		if c.p.TokenID == id {
			delete(t.recent, h)
		}
	}
	t.mu.Unlock()
	if tag.RowsAffected() == 0 {
		return domain.NotFound("id", "no active token %s", id)
	}
	return nil
}

// Info describes a token without its secret.
type Info struct {
	ID           string     `json:"id"`
	Role         Role       `json:"role"`
	DepartmentID string     `json:"departmentId,omitempty"`
	PointID      string     `json:"pointId,omitempty"`
	Name         string     `json:"name,omitempty"`
	CreatedAt    time.Time  `json:"createdAt"`
	CreatedBy    string     `json:"createdBy"`
	ExpiresAt    *time.Time `json:"expiresAt,omitempty"`
	RevokedAt    *time.Time `json:"revokedAt,omitempty"`
}

// Names returns the names of the tokens among ids that have one; ids that
// are not token ids are ignored.
func (t *Tokens) Names(ctx context.Context, ids []string) (map[string]string, error) {
	var tokenIDs []string
	for _, id := range ids {
		if _, err := uuid.Parse(id); err == nil {
			tokenIDs = append(tokenIDs, id)
		}
	}
	names := map[string]string{}
	if len(tokenIDs) == 0 {
		return names, nil
	}
	rows, err := t.pool.Query(ctx, `SELECT id::text, name FROM api_tokens WHERE id = ANY($1::uuid[]) AND name <> ''`, tokenIDs)
	if err != nil {
		return nil, fmt.Errorf("%w: auth: names: %w", eventstore.ErrUnavailable, err)
	}
	var id, name string
	if _, err := pgx.ForEachRow(rows, []any{&id, &name}, func() error { names[id] = name; return nil }); err != nil {
		return nil, fmt.Errorf("%w: auth: names: %w", eventstore.ErrUnavailable, err)
	}
	return names, nil
}

// List returns every token, newest first.
func (t *Tokens) List(ctx context.Context) ([]Info, error) {
	rows, err := t.pool.Query(ctx, `SELECT id::text, role, coalesce(department_id, ''), coalesce(point_id, ''), name,
		created_at, created_by, expires_at, revoked_at FROM api_tokens ORDER BY created_at DESC, id DESC`)
	if err != nil {
		return nil, fmt.Errorf("auth: list: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Info, error) {
		var i Info
		err := r.Scan(&i.ID, &i.Role, &i.DepartmentID, &i.PointID, &i.Name, &i.CreatedAt, &i.CreatedBy, &i.ExpiresAt, &i.RevokedAt)
		return i, err
	})
	if err != nil {
		return nil, fmt.Errorf("auth: list: %w", err)
	}
	return out, nil
}
