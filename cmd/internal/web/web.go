// Package web is Watchpost's pages in Chinese: server-rendered html/template
// pages for every role, over the same application services as the JSON
// API. Its handlers decode a form, call a service with the session's
// principal and render the answer; the services decide who may do what
// (domain/access), and what a role may do next on a case is the view's
// NextSteps.
//
// A person logs in with an API token, which is exchanged for a session
// kept in PostgreSQL (only a hash of its id); every form carries the
// session's CSRF token; every answer carries a strict Content-Security-
// Policy (scripts and styles only from /static/, none inline), and pages
// with case data are not stored by the browser.
package web

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/watchpost/watchpost/cmd/internal/auth"
	"github.com/watchpost/watchpost/cmd/internal/cases"
	"github.com/watchpost/watchpost/cmd/internal/escalation"
	"github.com/watchpost/watchpost/cmd/internal/locale"
	netsvc "github.com/watchpost/watchpost/cmd/internal/network"
	"github.com/watchpost/watchpost/cmd/internal/ratings"
	"github.com/watchpost/watchpost/cmd/internal/registry"
	"github.com/watchpost/watchpost/cmd/internal/reports"
	"github.com/watchpost/watchpost/eventstore"
)

// Deps are the services the pages call.
type Deps struct {
	Cases      *cases.Service
	Board      *escalation.Board
	Network    *netsvc.Service  // the monitoring network
	Ratings    *ratings.Service // the ratings and rankings
	Reports    *reports.Service // the trend findings and the special reports
	Registry   *registry.Service
	Calendars  *registry.Calendars
	Taxonomies *registry.Taxonomies
	Accounts   *auth.Accounts
	Tokens     *auth.Tokens
	// Positions wakes the live board when the archive moves.
	Positions *eventstore.Positions
	// Pool keeps the sessions.
	Pool    *pgxpool.Pool
	Catalog *locale.Catalog
	Logger  *slog.Logger
	Clock   func() time.Time
	// IdleTimeout ends a session unused for this long (DefaultIdleTimeout
	// when zero).
	IdleTimeout time.Duration
	// SecureCookies marks the session cookie Secure also on requests that
	// did not come over TLS (a proxy in front ends TLS); a request over TLS
	// always gets a Secure cookie.
	SecureCookies bool
}

// Migrations are the session table.
func Migrations() eventstore.MigrationSet { return eventstore.EmbeddedMigrations("web", migrations) }

// requestTimeout bounds a page's work (the live board's stream aside).
const requestTimeout = 20 * time.Second

// Server serves the pages.
type Server struct {
	Deps
	pages    *pages
	sessions *sessions
	// trackLimit bounds tracking-code lookups per client address.
	trackLimit *limiter
	// closing ends the live board's streams when the server shuts down.
	closing      context.Context
	closeStreams context.CancelFunc
}

// New parses the templates and returns the server.
func New(d Deps) (*Server, error) {
	if d.IdleTimeout <= 0 {
		d.IdleTimeout = DefaultIdleTimeout
	}
	p, err := parsePages(d.Catalog)
	if err != nil {
		return nil, err
	}
	s := &Server{Deps: d, pages: p, trackLimit: newLimiter(30, 10)}
	s.sessions = &sessions{pool: d.Pool, tokens: d.Tokens, clock: d.Clock, idle: d.IdleTimeout}
	s.closing, s.closeStreams = context.WithCancel(context.Background())
	return s, nil
}

// Shutdown ends the live streams, so the HTTP server's shutdown does not
// wait for them (register it with http.Server.RegisterOnShutdown).
func (s *Server) Shutdown() { s.closeStreams() }

// Handler is every page.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range s.routes() {
		switch {
		case rt.public != nil:
			mux.Handle(rt.pattern, rt.public)
		default:
			mux.Handle(rt.pattern, s.page(rt))
		}
	}
	return s.recoverer(s.headers(mux))
}
