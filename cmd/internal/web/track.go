package web

import (
	"net/http"
	"strings"

	"github.com/watchpost/watchpost/cmd/internal/cases"
	"github.com/watchpost/watchpost/domain"
)

// trackPage is the complainant's page: the status of the case with a
// tracking code, nothing internal.
type trackPage struct {
	Code    string
	Found   bool
	Case    cases.PublicView
	Message string
}

// track: GET /track?code= looks a case up by its tracking code. It needs no
// session; lookups are limited per address, and an unknown code and a
// malformed one are answered alike.
func (s *Server) track(w http.ResponseWriter, r *http.Request) {
	v := s.view(r, nil, "投诉办理进度查询")
	code := strings.ToUpper(strings.TrimSpace(r.URL.Query().Get("code")))
	body := trackPage{Code: code}
	status := http.StatusOK
	if code != "" {
		if !s.trackLimit.allow(clientAddr(r)) {
			w.Header().Set("Retry-After", "10")
			body.Message = s.Catalog.Message(zh, domain.Msg("Too many lookups from this address; wait a minute and try again."))
			status = http.StatusTooManyRequests
		} else if pv, err := s.Cases.Public(r.Context(), code, s.Clock()); err == nil {
			body.Found, body.Case = true, pv
		} else if pr := classify(err); pr.status == http.StatusNotFound {
			body.Message = s.Catalog.Message(zh, domain.Msg("No case has this tracking code. Check the code you were given."))
			status = http.StatusNotFound
		} else {
			s.fail(w, r, nil, err)
			return
		}
	}
	v.Body = body
	s.render(w, r, status, "track.html", v)
}
