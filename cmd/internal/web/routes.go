package web

import (
	"net/http"
)

// handler is a page for a logged-in person. It returns an error for the
// error page, or nil once it answered.
type handler func(w http.ResponseWriter, r *http.Request, sess *session) error

// route is one page or form target.
type route struct {
	pattern string
	handle  handler          // behind a session (and, for POST, its CSRF token)
	public  http.HandlerFunc // without a session
	stream  bool             // a long-lived answer: no request timeout
	// passive: the page's script asks, not the person, so the session is
	// not kept alive by it.
	passive bool
}

// routes lists every route of the pages, in one place. Who reaches a page
// is the services' decision: each handler asks them with the session's
// principal (see the README's table of routes and roles).
func (s *Server) routes() []route {
	return []route{
		{pattern: "GET /static/{file}", public: s.static},
		{pattern: "GET /login", public: s.loginForm},
		{pattern: "POST /login", public: s.login},
		{pattern: "GET /track", public: s.track},
		{pattern: "POST /logout", handle: s.logout},
		{pattern: "GET /{$}", handle: s.home},

		{pattern: "GET /cases", handle: s.worklist},
		{pattern: "GET /cases/new", handle: s.intakeForm},
		{pattern: "POST /cases", handle: s.fileComplaint},
		{pattern: "GET /cases/{id}", handle: s.casePage},
		{pattern: "POST /cases/{id}/steps/{step}", handle: s.takeStep},
		{pattern: "POST /cases/{id}/disclosure", handle: s.disclose},

		{pattern: "GET /inbox", handle: s.inbox},
		{pattern: "GET /board", handle: s.board},
		{pattern: "GET /board/fragment", handle: s.boardFragment, passive: true},
		{pattern: "GET /board/events", handle: s.boardEvents, stream: true, passive: true},
		{pattern: "GET /timeliness", handle: s.timelinessPage},
		{pattern: "GET /dashboard", handle: s.dashboard},

		{pattern: "GET /network", handle: s.networkPage},
		{pattern: "POST /network/visits", handle: s.recordVisit},
		{pattern: "POST /network/reports", handle: s.submitNetworkReport},
		{pattern: "GET /network/exports/{form}", handle: s.networkExport},
		{pattern: "GET /network/registrations", handle: s.registrationsPage},
		{pattern: "POST /network/registrations", handle: s.registerNetworkEntry},

		{pattern: "GET /ratings", handle: s.ratingsPage},
		{pattern: "POST /ratings", handle: s.rateDealing},
		{pattern: "GET /ratings/print", handle: s.ratingsPrint},
		{pattern: "GET /ratings/exports/{form}", handle: s.ratingsExport},

		{pattern: "GET /findings", handle: s.findingsPage},
		{pattern: "POST /findings/runs", handle: s.runDetection},
		{pattern: "GET /findings/{id}", handle: s.findingPage},
		{pattern: "POST /findings/{id}/dismissal", handle: s.dismissFinding},
		{pattern: "GET /reports", handle: s.reportsList},
		{pattern: "POST /reports", handle: s.draftReport},
		{pattern: "GET /reports/{id}", handle: s.reportPage},
		{pattern: "GET /reports/{id}/pdf", handle: s.reportPDF},
		{pattern: "POST /reports/{id}/{step}", handle: s.reportStep},

		{pattern: "GET /admin/departments", handle: s.departmentsPage},
		{pattern: "POST /admin/departments", handle: s.registerDepartment},
		{pattern: "POST /admin/departments/{id}/deactivation", handle: s.deactivateDepartment},
		{pattern: "POST /admin/departments/{id}/activation", handle: s.activateDepartment},
		{pattern: "GET /admin/tokens", handle: s.tokensPage},
		{pattern: "POST /admin/tokens", handle: s.createToken},
		{pattern: "POST /admin/tokens/{id}/revocation", handle: s.revokeToken},
		{pattern: "GET /admin/calendar", handle: s.calendarPage},
		{pattern: "POST /admin/calendar", handle: s.loadCalendar},
		{pattern: "GET /admin/taxonomy", handle: s.taxonomyPage},
		{pattern: "POST /admin/taxonomy", handle: s.addTerm},
	}
}
