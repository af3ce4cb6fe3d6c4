package web

import (
	"net/http"
	"time"

	"github.com/watchpost/watchpost/cmd/internal/cases"
	"github.com/watchpost/watchpost/domain/complaint"
	"github.com/watchpost/watchpost/domain/department"
)

// casePage is a case with its timeline and a form for each step the reader
// may take next.
type casePage struct {
	Case        caseModel
	Timeline    []entryModel
	Taxonomy    complaint.Taxonomy
	Departments []department.Department // active ones, to refer to
	Choices     choices
	Key         string // the forms' idempotency key
	OpenStep    string // the form to show opened (it was sent with an error)
	Done        string // the step just taken
	Disclosed   *complaint.Complainant
}

// entryModel is a line of the timeline.
type entryModel struct {
	At      time.Time
	Summary string
	Actor   string
}

// casePage: GET /cases/{id}.
func (s *Server) casePage(w http.ResponseWriter, r *http.Request, sess *session) error {
	v := s.view(r, sess, "案件")
	body := casePage{Done: r.URL.Query().Get("done")}
	return s.renderCase(w, r, v, http.StatusOK, r.PathValue("id"), body)
}

// renderCase reads the case and its timeline as the reader sees them and
// renders the case page.
func (s *Server) renderCase(w http.ResponseWriter, r *http.Request, v *view, status int, id string, body casePage) error {
	p := v.Sess.Principal
	cv, err := s.Cases.Get(r.Context(), p, id)
	if err != nil {
		return err
	}
	timeline, err := s.Cases.Timeline(r.Context(), p, id)
	if err != nil {
		return err
	}
	if body.Taxonomy, err = s.Taxonomies.Current(r.Context()); err != nil {
		return err
	}
	if body.Departments, err = s.Registry.Departments(r.Context(), p, false); err != nil {
		return err
	}
	body.Case = modelOf(cv, s.Catalog)
	body.Choices = s.choices()
	body.Key = newFormKey()
	for _, e := range timeline {
		body.Timeline = append(body.Timeline, s.entryOf(e))
	}
	v.Title = body.Case.Title
	v.Body = body
	s.render(w, r, status, "case.html", v)
	return nil
}

// entryOf writes a timeline entry: the summary in Chinese, and who acted as
// far as the reader may know.
func (s *Server) entryOf(e cases.Entry) entryModel {
	out := entryModel{At: e.At, Summary: s.Catalog.Message(zh, e.Summary)}
	role := s.Catalog.Label(zh, "role", e.ActorRole)
	switch {
	case e.Actor == "withheld":
		out.Actor = s.Catalog.Label(zh, "actor", "withheld")
	case e.ActorName != "":
		out.Actor = e.ActorName + "（" + role + "）"
	default:
		out.Actor = role
	}
	return out
}
