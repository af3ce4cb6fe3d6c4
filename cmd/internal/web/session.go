package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/watchpost/watchpost/cmd/internal/auth"
	"github.com/watchpost/watchpost/domain/access"
	"github.com/watchpost/watchpost/eventstore"
)

// The session cookie. Its value is the session id; the store keeps only a
// hash of it.
const sessionCookie = "wp_session"

// Defaults of the session's lifetime.
const (
	// DefaultIdleTimeout ends a session that was not used for this long.
	DefaultIdleTimeout = 30 * time.Minute
	// maxSessionAge ends a session this long after login, used or not.
	maxSessionAge = 12 * time.Hour
)

// session is a logged-in person: the principal of the token they logged in
// with, and the CSRF token every form of the session carries.
type session struct {
	idHash    []byte
	Principal access.Principal
	CSRF      string
}

// sessions keeps sessions in PostgreSQL, so every replica knows them.
type sessions struct {
	pool   *pgxpool.Pool
	tokens *auth.Tokens
	clock  func() time.Time
	idle   time.Duration
}

// randomToken is 32 random bytes, base64url.
func randomToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

func hashID(id string) []byte {
	h := sha256.Sum256([]byte(id))
	return h[:]
}

// create opens a session for the principal of a token and returns its id
// (the cookie's value, not stored).
func (s *sessions) create(ctx context.Context, p access.Principal) (string, error) {
	id, err := randomToken()
	if err != nil {
		return "", err
	}
	csrf, err := randomToken()
	if err != nil {
		return "", err
	}
	now := s.clock()
	// Sessions that ended long ago go on the way.
	if _, err := s.pool.Exec(ctx, `DELETE FROM web_sessions WHERE last_seen_at < $1 OR created_at < $2`,
		now.Add(-s.idle-time.Hour), now.Add(-maxSessionAge-time.Hour)); err != nil {
		return "", fmt.Errorf("%w: sessions: %w", eventstore.ErrUnavailable, err)
	}
	if _, err := s.pool.Exec(ctx, `INSERT INTO web_sessions (id_hash, token_id, csrf, created_at, last_seen_at)
		VALUES ($1, $2, $3, $4, $4)`, hashID(id), p.TokenID, csrf, now); err != nil {
		return "", fmt.Errorf("%w: sessions: %w", eventstore.ErrUnavailable, err)
	}
	return id, nil
}

// errNoSession: no cookie, an unknown session, or one that ended (idle,
// too old, or its token revoked or expired).
var errNoSession = errors.New("web: no session")

// get reads the session of a request; touch marks it used now (a page the
// person opened, not one the live board refreshes on its own).
func (s *sessions) get(ctx context.Context, r *http.Request, touch bool) (*session, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || len(c.Value) != 43 {
		return nil, errNoSession
	}
	sess := &session{idHash: hashID(c.Value)}
	var (
		tokenID           string
		created, lastSeen time.Time
	)
	err = s.pool.QueryRow(ctx, `SELECT token_id, csrf, created_at, last_seen_at FROM web_sessions WHERE id_hash = $1`,
		sess.idHash).Scan(&tokenID, &sess.CSRF, &created, &lastSeen)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, errNoSession
	}
	if err != nil {
		return nil, fmt.Errorf("%w: sessions: %w", eventstore.ErrUnavailable, err)
	}
	now := s.clock()
	if now.Sub(lastSeen) > s.idle || now.Sub(created) > maxSessionAge {
		s.end(ctx, sess.idHash)
		return nil, errNoSession
	}
	p, err := s.tokens.Current(ctx, tokenID)
	if errors.Is(err, auth.ErrUnauthenticated) {
		s.end(ctx, sess.idHash)
		return nil, errNoSession
	}
	if err != nil {
		return nil, err
	}
	sess.Principal = p
	if !touch {
		return sess, nil
	}
	if _, err := s.pool.Exec(ctx, `UPDATE web_sessions SET last_seen_at = greatest(last_seen_at, $2) WHERE id_hash = $1`,
		sess.idHash, now); err != nil {
		return nil, fmt.Errorf("%w: sessions: %w", eventstore.ErrUnavailable, err)
	}
	return sess, nil
}

// end deletes a session.
func (s *sessions) end(ctx context.Context, idHash []byte) {
	_, _ = s.pool.Exec(ctx, `DELETE FROM web_sessions WHERE id_hash = $1`, idHash)
}

// secure says whether cookies must be Secure: the request came over TLS,
// or the server is configured to say so (behind a proxy that ends TLS).
func (s *Server) secure(r *http.Request) bool { return s.SecureCookies || r.TLS != nil }

// setSessionCookie gives the browser the session id.
func (s *Server) setSessionCookie(w http.ResponseWriter, r *http.Request, id string) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: id, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: s.secure(r)})
}

// clearSessionCookie makes the browser forget the session.
func (s *Server) clearSessionCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: s.secure(r)})
}
