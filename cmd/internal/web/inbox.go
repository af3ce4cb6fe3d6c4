package web

import (
	"net/http"
	"slices"
	"strings"

	"github.com/watchpost/watchpost/cmd/internal/cases"
	"github.com/watchpost/watchpost/domain/complaint"
	"github.com/watchpost/watchpost/projections"
)

// inboxPage is a department's open cases, most urgent first, and its own
// timeliness.
type inboxPage struct {
	Cases      []caseModel
	Timeliness []projections.Timeliness
	More       bool // more open cases than the inbox shows
}

// inboxSize bounds the inbox; the case list pages through the rest.
const inboxSize = 100

// inbox: GET /inbox. The service narrows the list to the department's own
// cases; each is read with its deadlines to sort by urgency.
func (s *Server) inbox(w http.ResponseWriter, r *http.Request, sess *session) error {
	p := sess.Principal
	page, err := s.Cases.List(r.Context(), p, cases.Filter{Limit: inboxSize, Sort: projections.SortReceivedAsc,
		Statuses: []string{string(complaint.StatusReferred), string(complaint.StatusInProgress), string(complaint.StatusSuspended)}})
	if err != nil {
		return err
	}
	body := inboxPage{More: page.Next != ""}
	for _, item := range page.Items {
		full, err := s.Cases.Get(r.Context(), p, item.CaseID())
		if err != nil {
			return err
		}
		body.Cases = append(body.Cases, modelOf(full, s.Catalog))
	}
	slices.SortStableFunc(body.Cases, func(a, b caseModel) int {
		if c := a.Urgency().Compare(b.Urgency()); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	if body.Timeliness, err = s.Board.Timeliness(r.Context(), p, p.DepartmentID, timeZero, timeZero); err != nil {
		return err
	}
	v := s.view(r, sess, "待办案件")
	v.Body = body
	s.render(w, r, http.StatusOK, "inbox.html", v)
	return nil
}
