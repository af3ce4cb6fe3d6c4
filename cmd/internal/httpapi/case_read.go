package httpapi

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/watchpost/watchpost/cmd/internal/auth"
	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/projections"
)

// getCase: GET /api/v1/cases/{id}.
func (s *Server) getCase(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	row, err := s.scopedCase(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	v, err := s.fullCaseView(r.Context(), p, row)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// caseEvents: GET /api/v1/cases/{id}/events.
func (s *Server) caseEvents(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	id := r.PathValue("id")
	if _, err := s.scopedCase(r.Context(), p, id); err != nil {
		return err
	}
	entries, err := s.cases.Timeline(r.Context(), id)
	if err != nil {
		return err
	}
	actors := make([]string, len(entries))
	for i, e := range entries {
		actors[i] = e.Actor
	}
	names, err := s.tokens.Names(r.Context(), actors)
	if err != nil {
		return err
	}
	for i, e := range entries {
		entries[i].ActorName = names[e.Actor]
	}
	if p.Role == auth.RoleDepartment {
		// A monitoring point's own steps would name who reported.
		for i, e := range entries {
			if e.ActorRole == string(auth.RolePoint) {
				entries[i].Actor, entries[i].ActorName = "withheld", ""
			}
		}
	}
	writeJSON(w, http.StatusOK, timelineView{CaseID: id, Events: entries})
	return nil
}

// listCases: GET /api/v1/cases.
func (s *Server) listCases(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	f, err := caseFilter(r.URL.Query())
	if err != nil {
		return err
	}
	switch p.Role {
	case auth.RoleDepartment:
		if f.DepartmentID != "" && f.DepartmentID != p.DepartmentID {
			return domain.Forbidden("a department lists only its own cases")
		}
		if f.MonitoringPointID != "" {
			// Which monitoring point reported is confidential (监测点反映的问题要保密).
			return domain.Forbidden("a department cannot select cases by monitoring point")
		}
		f.DepartmentID = p.DepartmentID
	case auth.RolePoint:
		if f.MonitoringPointID != "" && f.MonitoringPointID != p.PointID {
			return domain.Forbidden("a monitoring point lists only its own cases")
		}
		f.MonitoringPointID = p.PointID
	}
	f.Now = s.clock()
	page, err := s.cases.List(r.Context(), f)
	if err != nil {
		return err
	}
	items := make([]caseView, len(page.Items))
	for i, row := range page.Items {
		items[i] = s.caseView(p, row)
	}
	writeJSON(w, http.StatusOK, caseList{Items: items, Next: page.Next})
	return nil
}

// caseFilter reads the list's query parameters, refusing unknown ones.
func caseFilter(q url.Values) (projections.CaseFilter, error) {
	var f projections.CaseFilter
	for name, vals := range q {
		if len(vals) != 1 && name != "status" {
			return f, badRequest("%s: give it once", name)
		}
		v := vals[0]
		if len(v) > 200 {
			return f, badRequest("%s: too long", name)
		}
		var err error
		switch name {
		case "status":
			f.Statuses = vals
		case "department":
			f.DepartmentID = v
		case "category":
			f.Category = v
		case "issueType":
			f.IssueType = v
		case "channel":
			f.Channel = v
		case "monitoringPoint":
			f.MonitoringPointID = v
		case "receivedFrom":
			f.ReceivedFrom, err = queryTime(name, v)
		case "receivedTo":
			f.ReceivedTo, err = queryTime(name, v)
		case "sort":
			f.Sort, err = projections.ParseCaseSort(v)
		case "cursor":
			f.Cursor = v
		case "limit":
			f.Limit, err = parseLimit(v)
		case "overdue":
			if v != "true" && v != "false" {
				return f, badRequest("overdue: true or false")
			}
			f.Overdue = v == "true"
		default:
			return f, badRequest("%s: unknown query parameter", name)
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
		return t, badRequest("%s: an RFC 3339 time, like 2026-11-24T00:00:00+08:00", name)
	}
	return t, nil
}

func parseLimit(v string) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > projections.MaxPageSize {
		return 0, badRequest("limit: a whole number from 1 to %d", projections.MaxPageSize)
	}
	return n, nil
}
