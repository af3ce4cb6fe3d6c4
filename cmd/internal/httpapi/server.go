// Package httpapi is Watchpost's JSON API: routes, authentication, request
// decoding and the mapping of errors to HTTP.
package httpapi

import (
	"context"
	"log/slog"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/watchpost/watchpost/cmd/internal/auditlog"
	"github.com/watchpost/watchpost/cmd/internal/auth"
	"github.com/watchpost/watchpost/cmd/internal/cases"
	"github.com/watchpost/watchpost/cmd/internal/escalation"
	"github.com/watchpost/watchpost/cmd/internal/feeds"
	"github.com/watchpost/watchpost/cmd/internal/locale"
	netsvc "github.com/watchpost/watchpost/cmd/internal/network"
	"github.com/watchpost/watchpost/cmd/internal/ratings"
	"github.com/watchpost/watchpost/cmd/internal/registry"
	"github.com/watchpost/watchpost/cmd/internal/reports"
	"github.com/watchpost/watchpost/cmd/internal/reqlog"
	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/access"
	"github.com/watchpost/watchpost/domain/calendar"
	"github.com/watchpost/watchpost/domain/complaint"
	"github.com/watchpost/watchpost/domain/department"
)

// Check is a readiness check: nil when the dependency is usable.
type Check struct {
	Name  string
	Check func(ctx context.Context) error
}

// requestTimeout bounds an API request.
const requestTimeout = 20 * time.Second

// Deps are the services the API calls and what it reports on.
type Deps struct {
	Cases      *cases.Service
	Board      *escalation.Board
	Network    *netsvc.Service // the monitoring network
	Reports    *reports.Service
	Ratings    *ratings.Service // the ratings and rankings
	Registry   *registry.Service
	Calendars  *registry.Calendars
	Taxonomies *registry.Taxonomies
	Trail      *auditlog.Trail
	Accounts   *auth.Accounts
	Tokens     *auth.Tokens // who is calling
	Catalog    *locale.Catalog
	Feeds      *feeds.Service // Open311 and the deadline feeds
	Checks     []Check
	Gatherer   prometheus.Gatherer
	Logger     *slog.Logger
	Clock      func() time.Time
}

// publicLookups is how many tracking-code lookups an address may make a
// minute; a minute's allowance may be used at once.
const publicLookups = 30

// Server serves the API. Its handlers decode a request, call a service with
// the caller's principal and encode the answer: the services decide who may
// do what (domain/access).
type Server struct {
	Deps
	// publicLimit bounds tracking-code lookups per client address.
	publicLimit *limiter
}

// New returns the API server.
func New(d Deps) *Server {
	return &Server{Deps: d, publicLimit: newLimiter(publicLookups, publicLookups)}
}

// route is one route: the action it takes (which says who may call it),
// what answers, and its documentation.
type route struct {
	method, pattern string
	action          access.Action // empty with public
	handle          func(w http.ResponseWriter, r *http.Request, p access.Principal) error
	public          http.HandlerFunc // a route without authentication
	doc             doc
}

// roles are the roles that may call the route (none for a public one).
func (rt route) roles() []access.Role {
	if rt.public != nil {
		return nil
	}
	return access.RolesFor(rt.action)
}

// The shapes of list answers.
type (
	timelineView struct {
		CaseID string      `json:"caseId"`
		Events []entryView `json:"events"`
	}
	departmentList struct {
		Items []department.Department `json:"items"`
	}
	tokenList struct {
		Items []auth.Info `json:"items"`
	}
	createdToken struct {
		Token     string           `json:"token"`
		Principal access.Principal `json:"principal"`
	}
	readiness struct {
		Ready    bool              `json:"ready"`
		Checks   map[string]string `json:"checks"`
		Warnings map[string]string `json:"warnings,omitempty"` // need an administrator; the replica stays ready
	}
)

// caseQuery documents the case list's parameters.
var caseQuery = []param{
	{name: "status", kind: "string", repeat: true, description: "one or more statuses"},
	{name: "department", kind: "string", description: "the department the case is referred to"},
	{name: "category", kind: "string"}, {name: "issueType", kind: "string"}, {name: "channel", kind: "string"},
	{name: "monitoringPoint", kind: "string"},
	{name: "receivedFrom", kind: "date-time", description: "received at or after"},
	{name: "receivedTo", kind: "date-time", description: "received before"},
	{name: "sort", kind: "string", description: "receivedAt, -receivedAt (default), updatedAt, -updatedAt"},
	{name: "cursor", kind: "string", description: "the next value of the previous page"},
	{name: "limit", kind: "integer", description: "1 to 200, default 50"},
	{name: "overdue", kind: "boolean", description: "only cases with an open deadline that has passed"},
	{name: "trackingCode", kind: "string", description: "the case with this tracking code (handlers and supervisors; alone; each lookup is audited)"},
}

// allRoutes lists every route in one place.
func (s *Server) allRoutes() []route {
	routes := []route{
		{method: "GET", pattern: "/healthz", public: s.healthz, doc: doc{summary: "The process is up", response: map[string]string{}}},
		{method: "GET", pattern: "/readyz", public: s.readyz, doc: doc{summary: "NATS and PostgreSQL answer and the archive moves", response: readiness{}}},
		{method: "GET", pattern: "/metrics", public: s.metrics, doc: doc{summary: "Prometheus metrics (text format)"}},
		{method: "GET", pattern: "/api/v1/openapi.json", public: s.openAPIDocument, doc: doc{summary: "This document", response: map[string]any{}}},

		{method: "GET", pattern: "/api/v1/whoami", action: access.ReadReference, handle: s.whoami, doc: doc{summary: "The caller's role and scope", response: access.Principal{}}},
		{method: "GET", pattern: "/api/v1/taxonomy", action: access.ReadReference, handle: s.getTaxonomy, doc: doc{summary: "Channels, categories, issue types and outcomes", response: complaint.Taxonomy{}}},
		{method: "POST", pattern: "/api/v1/taxonomy/{kind}", action: access.ManageTaxonomy, handle: s.addTerm,
			doc: doc{summary: "Add a term to channels, categories or issueTypes", body: addTermRequest{}, response: complaint.Taxonomy{}, status: http.StatusCreated}},

		{method: "POST", pattern: "/api/v1/cases", action: access.FileCase, handle: s.fileComplaint,
			doc: doc{summary: "Register a complaint", body: fileComplaintRequest{}, response: cases.CenterView{}, status: http.StatusCreated}},
		{method: "GET", pattern: "/api/v1/cases", action: access.ReadCases, handle: s.listCases,
			doc: doc{summary: "List cases in the caller's scope", response: caseList{}, query: caseQuery}},
		{method: "GET", pattern: "/api/v1/cases/{id}", action: access.ReadCases, handle: s.getCase,
			doc: doc{summary: "A case as it stands, and what the caller may do next", response: cases.CenterView{}}},
		{method: "GET", pattern: "/api/v1/cases/{id}/events", action: access.ReadCases, handle: s.caseEvents,
			doc: doc{summary: "The case's timeline: who did what, when", response: timelineView{}}},

		{method: "POST", pattern: "/api/v1/cases/{id}/complainant/disclosure", action: access.DiscloseComplainant,
			handle: s.discloseComplainant, doc: doc{summary: "Disclose the complainant's personal data, with a reason that is recorded in the audit trail",
				body: disclosureRequest{}, response: disclosureView{}}},
		{method: "POST", pattern: "/api/v1/cases/{id}/shredding", action: access.ShredCase, handle: s.shredCase,
			doc: doc{summary: "Destroy the case's personal data (its key): the log stays, the data becomes unreadable", body: shredRequest{}, response: cases.CenterView{}}},
		{method: "GET", pattern: "/api/v1/public/cases/{code}", public: s.publicCase,
			doc: doc{summary: "The complainant's view by tracking code: status, deadline and replies (rate-limited per address)", response: cases.PublicView{}}},
		{method: "GET", pattern: "/api/v1/audit", action: access.ReadAudit, handle: s.listAudit,
			doc: doc{summary: "The audit trail, newest first", response: auditList{}, query: []param{{name: "action", kind: "string"},
				{name: "subject", kind: "string"}, {name: "actor", kind: "string"}, {name: "from", kind: "date-time"},
				{name: "to", kind: "date-time"}, {name: "before", kind: "integer"}, {name: "limit", kind: "integer"}}}},
		{method: "GET", pattern: "/api/v1/escalations", action: access.ReadBoard, handle: s.listEscalations,
			doc: doc{summary: "The supervisors' board: open escalations, most urgent first", response: escalationList{},
				query: []param{{name: "department", kind: "string"}, {name: "level", kind: "integer", description: "at least this level: 1 催办, 2 督办, 3 挂牌督办"},
					{name: "kind", kind: "string", description: "response, closure, rectification, or supervision (ordered by hand)"}, {name: "limit", kind: "integer"}}}},
		{method: "GET", pattern: "/api/v1/timeliness", action: access.ReadBoard, handle: s.timeliness,
			doc: doc{summary: "Departments' timeliness in a period: on-time rates, overdue closures, returns, extensions, 临期办结",
				response: timelinessList{}, query: []param{{name: "department", kind: "string"},
					{name: "from", kind: "date-time", description: "default: a month ago"}, {name: "to", kind: "date-time", description: "default: now"}}}},
		{method: "GET", pattern: "/api/v1/departments", action: access.ReadReference, handle: s.listDepartments,
			doc: doc{summary: "The department register", response: departmentList{},
				query: []param{{name: "inactive", kind: "boolean", description: "include inactive departments"}}}},
		{method: "GET", pattern: "/api/v1/departments/{id}", action: access.ReadReference, handle: s.getDepartment,
			doc: doc{summary: "One department", response: department.Department{}}},
		{method: "POST", pattern: "/api/v1/departments", action: access.ManageDepartments, handle: s.registerDepartment,
			doc: doc{summary: "Register a department", body: registerDepartmentRequest{}, response: department.Department{}, status: http.StatusCreated}},
		{method: "PATCH", pattern: "/api/v1/departments/{id}", action: access.ManageDepartments, handle: s.changeDepartment,
			doc: doc{summary: "Change a department's details", body: changeDepartmentRequest{}, response: department.Department{}}},
		{method: "POST", pattern: "/api/v1/departments/{id}/deactivation", action: access.ManageDepartments, handle: s.deactivateDepartment,
			doc: doc{summary: "Take a department out of use", body: deactivateDepartmentRequest{}, response: department.Department{}}},
		{method: "POST", pattern: "/api/v1/departments/{id}/activation", action: access.ManageDepartments, handle: s.activateDepartment,
			doc: doc{summary: "Put a department back in use", body: activateDepartmentRequest{}, response: department.Department{}}},

		{method: "GET", pattern: "/api/v1/calendar", action: access.ReadReference, handle: s.getCalendar,
			doc: doc{summary: "The loaded official working-day schedules and the calendar version", response: calendarView{}}},
		{method: "POST", pattern: "/api/v1/calendar/years", action: access.ManageCalendar, handle: s.loadCalendarYears,
			doc: doc{summary: "Load (or replace) official schedules: one year, an array of years, or the reference document",
				body: calendar.Year{}, response: calendarView{}}},
		{method: "GET", pattern: "/api/v1/calendar/due", action: access.ReadReference, handle: s.calendarDue,
			doc: doc{summary: "The deadline N working days after an instant (the start day is not counted)", response: dueView{},
				query: []param{{name: "from", kind: "date-time", description: "default: now"}, {name: "workdays", kind: "integer"}}}},
		{method: "GET", pattern: "/api/v1/calendar/workdays", action: access.ReadReference, handle: s.calendarWorkdays,
			doc: doc{summary: "Working days and working time between two instants", response: workdaysView{},
				query: []param{{name: "from", kind: "date-time"}, {name: "to", kind: "date-time"}}}},

		{method: "POST", pattern: "/api/v1/tokens", action: access.ManageTokens, handle: s.createToken,
			doc: doc{summary: "Create an API token (shown once)", body: createTokenRequest{}, response: createdToken{}, status: http.StatusCreated}},
		{method: "GET", pattern: "/api/v1/tokens", action: access.ManageTokens, handle: s.listTokens, doc: doc{summary: "Every token, without secrets", response: tokenList{}}},
		{method: "DELETE", pattern: "/api/v1/tokens/{id}", action: access.ManageTokens, handle: s.revokeToken, doc: doc{summary: "Revoke a token", status: http.StatusNoContent}},
	}
	return append(append(append(append(append(routes, s.stepRoutes()...), s.networkRoutes()...), s.reportRoutes()...), s.ratingRoutes()...), s.operationsRoutes()...)
}

// Handler is the whole HTTP surface.
func (s *Server) Handler() http.Handler {
	mux, _ := s.mux()
	return s.recoverer(s.accessLog(s.canonical(mux)))
}

// canonical refuses a path that is not in its clean form ("..", "//", ".")
// with a JSON answer, where the mux would redirect with an HTML page.
func (s *Server) canonical(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		if clean := path.Clean(p); p == "" || p[0] != '/' || (clean != p && clean+"/" != p) {
			s.writeError(w, r, &requestError{status: http.StatusBadRequest, code: "bad_path",
				message: domain.Msg("the path %q is not in its canonical form", p)})
			return
		}
		next.ServeHTTP(w, r)
	})
}

// mux registers every route and returns the patterns it registered (the
// OpenAPI test compares them with the document). Register routes only here.
func (s *Server) mux() (*http.ServeMux, []string) {
	mux := http.NewServeMux()
	var patterns []string
	handle := func(pattern string, h http.Handler) {
		mux.Handle(pattern, h)
		patterns = append(patterns, pattern)
	}
	for _, rt := range s.allRoutes() {
		if rt.public != nil {
			handle(rt.method+" "+rt.pattern, rt.public)
		} else {
			handle(rt.method+" "+rt.pattern, s.api(rt))
		}
	}
	// Anything else: 405 with the methods the path has, or a JSON 404,
	// rather than the mux's text page.
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if allowed := allowedMethods(mux, r); len(allowed) > 0 {
			w.Header().Set("Allow", strings.Join(allowed, ", "))
			s.writeError(w, r, &requestError{status: http.StatusMethodNotAllowed, code: "method_not_allowed",
				message: domain.Msg("%s is not a method of %s; use %s", r.Method, r.URL.Path, strings.Join(allowed, ", "))})
			return
		}
		s.writeError(w, r, &requestError{status: http.StatusNotFound, code: "no_route", message: domain.Msg("no such route: %s %s", r.Method, r.URL.Path)})
	})
	return mux, patterns
}

// allowedMethods lists the methods for which the mux has a route of r's
// path other than the catch-all.
func allowedMethods(mux *http.ServeMux, r *http.Request) []string {
	var out []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPatch, http.MethodPut, http.MethodDelete} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := mux.Handler(probe); pattern != "/" && pattern != "" {
			out = append(out, m)
		}
	}
	return out
}

// api wraps a route's handler with authentication and the role check.
func (s *Server) api(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// No request waits on a dependency for ever.
		ctx, cancel := context.WithTimeout(r.Context(), requestTimeout)
		defer cancel()
		r = r.WithContext(ctx)
		if id := r.PathValue("id"); id != "" && strings.HasPrefix(rt.pattern, "/api/v1/cases/{id}") {
			reqlog.SetCase(ctx, id)
		}
		p, err := s.authenticate(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if err := access.Permit(p, rt.action); err != nil {
			s.writeError(w, r, err)
			return
		}
		if err := rt.handle(w, r, p); err != nil {
			s.writeError(w, r, err)
		}
	})
}

// lang is the language a request is answered in: the one its
// Accept-Language prefers, English without one (API clients and scripts
// read the messages they always read; codes never change).
func (s *Server) lang(r *http.Request) locale.Lang {
	return locale.Negotiate(r.Header.Get("Accept-Language"), locale.EN)
}

func (s *Server) authenticate(r *http.Request) (access.Principal, error) {
	h := r.Header.Get("Authorization")
	if key := open311Key(r); h == "" && key != "" {
		return s.Tokens.Authenticate(r.Context(), key) // an Open311 client's api_key
	}
	const prefix = "Bearer "
	if len(h) <= len(prefix) || !equalFold(h[:len(prefix)], prefix) {
		return access.Principal{}, auth.ErrUnauthenticated
	}
	return s.Tokens.Authenticate(r.Context(), h[len(prefix):])
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

// accessLog gives the request its id (the caller's X-Request-Id when sane,
// else a new one), answers it in X-Request-Id, puts it on every log line
// of the request (reqlog), and logs the request when it ends.
func (s *Server) accessLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := requestID(r)
		r.Header.Set("X-Request-Id", id) // the commands' correlation id is the same
		w.Header().Set("X-Request-Id", id)
		r = r.WithContext(reqlog.With(r.Context(), id))
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r)
		if loc, ok := strings.CutPrefix(w.Header().Get("Location"), "/api/v1/cases/"); ok {
			reqlog.SetCase(r.Context(), loc) // a filing: the case it made
		}
		s.Logger.DebugContext(r.Context(), "http", "method", r.Method, "path", r.URL.Path, "status", sw.status,
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
				id := w.Header().Get("X-Request-Id") // set by accessLog, inside this handler
				s.Logger.Error("handler panic", "method", r.Method, "path", r.URL.Path, "panic", v, "request_id", id)
				writeJSON(w, http.StatusInternalServerError, errorBody{Error: errorDetail{Code: "internal", Message: "internal error", RequestID: id}})
			}
		}()
		next.ServeHTTP(w, r)
	})
}
