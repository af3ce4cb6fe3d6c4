package httpapi

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/watchpost/watchpost/cmd/internal/cases"
	"github.com/watchpost/watchpost/domain/access"
	"github.com/watchpost/watchpost/domain/complaint"
	"github.com/watchpost/watchpost/projections"
)

// caseList is a page of cases, each as the caller's audience sees it.
type caseList struct {
	Items []cases.CenterView `json:"items"` // documented as the center's view; other audiences get fewer fields
	Next  string             `json:"next"`
}

// getCase: GET /api/v1/cases/{id}.
func (s *Server) getCase(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	v, err := s.Cases.Get(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// caseEvents: GET /api/v1/cases/{id}/events.
func (s *Server) caseEvents(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	id := r.PathValue("id")
	entries, err := s.Cases.Timeline(r.Context(), p, id)
	if err != nil {
		return err
	}
	lang := s.lang(r)
	v := timelineView{CaseID: id, Events: make([]entryView, len(entries))}
	for i, e := range entries {
		v.Events[i] = entryView{Entry: e, Summary: s.Catalog.Message(lang, e.Summary)}
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// entryView is a step of the timeline with its summary in the reader's
// language.
type entryView struct {
	cases.Entry
	Summary string `json:"summary"`
}

// listCases: GET /api/v1/cases; with trackingCode, the case that code
// belongs to (for the center's staff, audited).
func (s *Server) listCases(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	q := r.URL.Query()
	if codes, ok := q["trackingCode"]; ok {
		if len(q) != 1 || len(codes) != 1 {
			return badParam("trackingCode", "trackingCode: give it once and alone")
		}
		if err := plainText("trackingCode", codes[0]); err != nil {
			return err
		}
		page := cases.Page{Items: []cases.View{}}
		v, err := s.Cases.LookUp(r.Context(), p, origin(r), codes[0])
		switch {
		case err == nil:
			page.Items = append(page.Items, v)
		case !errors.Is(err, cases.ErrNoTrackedCase):
			return err
		}
		writeJSON(w, http.StatusOK, page)
		return nil
	}
	f, err := caseFilter(q)
	if err != nil {
		return err
	}
	page, err := s.Cases.List(r.Context(), p, f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, page)
	return nil
}

// caseFilter reads the list's query parameters, refusing unknown ones.
func caseFilter(q url.Values) (cases.Filter, error) {
	var f cases.Filter
	for name, vals := range q {
		if len(vals) != 1 && name != "status" {
			return f, badParam(name, "%s: give it once", name)
		}
		if len(vals) > len(complaint.Statuses()) {
			return f, badParam(name, "%s: given too often", name)
		}
		v := vals[0]
		var err error
		switch name {
		case "status":
			for _, s := range vals {
				if err := status(name, s); err != nil {
					return f, err
				}
			}
			f.Statuses = vals
		case "department":
			err, f.DepartmentID = identifier(name, v), v
		case "category":
			err, f.Category = code(name, v), v
		case "issueType":
			err, f.IssueType = code(name, v), v
		case "channel":
			err, f.Channel = code(name, v), v
		case "monitoringPoint":
			err, f.MonitoringPointID = identifier(name, v), v
		case "receivedFrom":
			f.ReceivedFrom, err = queryTime(name, v)
		case "receivedTo":
			f.ReceivedTo, err = queryTime(name, v)
		case "sort":
			if err = plainText(name, v); err == nil {
				f.Sort, err = projections.ParseCaseSort(v)
			}
		case "cursor":
			err, f.Cursor = cursor(name, v), v
		case "limit":
			f.Limit, err = parseLimit(v)
		case "overdue":
			if v != "true" && v != "false" {
				return f, badParam(name, "overdue: true or false")
			}
			f.Overdue = v == "true"
		default:
			if err := plainText("query", name); err != nil {
				return f, err
			}
			return f, badParam(name, "%s: unknown query parameter", name)
		}
		if err != nil {
			return f, err
		}
	}
	return f, nil
}

func queryTime(name, v string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return t, badParam(name, "%s: an RFC 3339 time, like 2026-11-24T00:00:00+08:00", name)
	}
	return t, nil
}

func parseLimit(v string) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > projections.MaxPageSize {
		return 0, badParam("limit", "limit: a whole number from 1 to %d", projections.MaxPageSize)
	}
	return n, nil
}
