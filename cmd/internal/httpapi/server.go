// Package httpapi is Watchpost's JSON API: routes, authentication, request
// decoding and the mapping of errors to HTTP.
package httpapi

import (
	"context"
	"log/slog"
	"net/http"
	"slices"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/watchpost/watchpost/cmd/internal/auth"
	"github.com/watchpost/watchpost/cmd/internal/casework"
	"github.com/watchpost/watchpost/cmd/internal/registry"
)

// Check is a readiness check: nil when the dependency is usable.
type Check struct {
	Name  string
	Check func(ctx context.Context) error
}

// Server serves the API.
type Server struct {
	cases    *casework.Service
	registry *registry.Service
	tokens   *auth.Tokens
	checks   []Check
	gatherer prometheus.Gatherer
	logger   *slog.Logger
	clock    func() time.Time
}

// New returns the API server.
func New(cases *casework.Service, reg *registry.Service, tokens *auth.Tokens, checks []Check, gatherer prometheus.Gatherer,
	logger *slog.Logger, clock func() time.Time) *Server {
	return &Server{cases: cases, registry: reg, tokens: tokens, checks: checks, gatherer: gatherer, logger: logger, clock: clock}
}

// route is one API route: who may call it and what answers.
type route struct {
	method, pattern string
	roles           []auth.Role // empty: public
	handle          func(w http.ResponseWriter, r *http.Request, p auth.Principal) error
}

// routes lists every API route in one place.
func (s *Server) routes() []route {
	everyone := auth.Roles()
	admin := []auth.Role{auth.RoleAdmin}
	// Case readers each see their own scope (see caseScope).
	caseReaders := []auth.Role{auth.RoleHandler, auth.RoleSupervisor, auth.RoleLeader, auth.RoleDepartment, auth.RolePoint}
	return []route{
		{"GET", "/api/v1/whoami", everyone, s.whoami},
		{"GET", "/api/v1/taxonomy", everyone, s.taxonomy},

		{"POST", "/api/v1/cases", stepRoles[stepFile], s.fileComplaint},
		{"GET", "/api/v1/cases", caseReaders, s.listCases},
		{"GET", "/api/v1/cases/{id}", caseReaders, s.getCase},
		{"GET", "/api/v1/cases/{id}/events", caseReaders, s.caseEvents},
		{"POST", "/api/v1/cases/{id}/referrals", stepRoles[stepRefer], s.referCase},
		{"POST", "/api/v1/cases/{id}/resolution", stepRoles[stepResolve], s.resolveCase},

		{"GET", "/api/v1/departments", everyone, s.listDepartments},
		{"GET", "/api/v1/departments/{id}", everyone, s.getDepartment},
		{"POST", "/api/v1/departments", admin, s.registerDepartment},
		{"PATCH", "/api/v1/departments/{id}", admin, s.changeDepartment},
		{"POST", "/api/v1/departments/{id}/deactivation", admin, s.deactivateDepartment},
		{"POST", "/api/v1/departments/{id}/activation", admin, s.activateDepartment},

		{"POST", "/api/v1/tokens", admin, s.createToken},
		{"GET", "/api/v1/tokens", admin, s.listTokens},
		{"DELETE", "/api/v1/tokens/{id}", admin, s.revokeToken},
	}
}

// Handler is the whole HTTP surface.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range s.routes() {
		mux.Handle(rt.method+" "+rt.pattern, s.api(rt))
	}
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.gatherer, promhttp.HandlerOpts{}))
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, &requestError{status: http.StatusNotFound, code: "no_route", message: "no such route: " + r.Method + " " + r.URL.Path})
	})
	return s.recoverer(s.accessLog(mux))
}

// api wraps a route's handler with authentication and the role check.
func (s *Server) api(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := s.authenticate(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if !slices.Contains(rt.roles, p.Role) {
			s.writeError(w, r, &requestError{status: http.StatusForbidden, code: "forbidden",
				message: "the role " + string(p.Role) + " may not " + rt.method + " " + rt.pattern})
			return
		}
		if err := rt.handle(w, r, p); err != nil {
			s.writeError(w, r, err)
		}
	})
}

func (s *Server) authenticate(r *http.Request) (auth.Principal, error) {
	h := r.Header.Get("Authorization")
	const prefix = "Bearer "
	if len(h) <= len(prefix) || !equalFold(h[:len(prefix)], prefix) {
		return auth.Principal{}, auth.ErrUnauthenticated
	}
	return s.tokens.Authenticate(r.Context(), h[len(prefix):])
}

func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range len(a) {
		x, y := a[i]|0x20, b[i]|0x20
		if x != y {
			return false
		}
	}
	return true
}

// statusWriter remembers the status for the access log.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func (s *Server) accessLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r)
		s.logger.Debug("http", "method", r.Method, "path", r.URL.Path, "status", sw.status,
			"duration_ms", float64(time.Since(start).Microseconds())/1000)
	})
}

func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.logger.Error("handler panic", "method", r.Method, "path", r.URL.Path, "panic", v)
				writeJSON(w, http.StatusInternalServerError, errorBody{Error: errorDetail{Code: "internal", Message: "internal error"}})
			}
		}()
		next.ServeHTTP(w, r)
	})
}
