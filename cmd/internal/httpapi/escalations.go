package httpapi

import (
	"net/http"
	"time"

	"github.com/watchpost/watchpost/cmd/internal/auth"
	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/projections"
)

type escalationList struct {
	Items []projections.Escalation `json:"items"`
}

// listEscalations: GET /api/v1/escalations, the supervisors' board.
func (s *Server) listEscalations(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	q, err := queryParams(r, "department", "level", "kind", "limit")
	if err != nil {
		return err
	}
	f := projections.EscalationFilter{DepartmentID: q["department"], Kind: q["kind"]}
	if q["level"] != "" {
		if f.MinRank, err = projections.ParseRank(q["level"]); err != nil {
			return err
		}
	}
	if q["limit"] != "" {
		if f.Limit, err = parseLimit(q["limit"]); err != nil {
			return err
		}
	}
	switch q["kind"] {
	case "", "response", "closure", "rectification":
	default:
		return domain.Invalid("kind", "response, closure or rectification")
	}
	if p.Role == auth.RoleDepartment {
		if f.DepartmentID != "" && f.DepartmentID != p.DepartmentID {
			return domain.Forbidden("a department sees only its own escalations")
		}
		f.DepartmentID = p.DepartmentID
	}
	items, err := s.cases.Escalations(r.Context(), f)
	if err != nil {
		return err
	}
	lc, err := s.calendars.Current(r.Context())
	if err != nil {
		return err
	}
	now := s.clock()
	for i := range items {
		if n, err := lc.Calendar.WorkdaysLate(items[i].DueAt, now); err == nil {
			items[i].WorkdaysLate = n
		}
	}
	writeJSON(w, http.StatusOK, escalationList{Items: items})
	return nil
}

type timelinessList struct {
	Items []projections.Timeliness `json:"items"`
}

// timeliness: GET /api/v1/timeliness?department=&from=&to=.
func (s *Server) timeliness(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	q, err := queryParams(r, "department", "from", "to")
	if err != nil {
		return err
	}
	now := s.clock()
	to := now
	from := now.AddDate(0, -1, 0)
	if q["from"] != "" {
		if from, err = queryTime("from", q["from"]); err != nil {
			return err
		}
	}
	if q["to"] != "" {
		if to, err = queryTime("to", q["to"]); err != nil {
			return err
		}
	}
	if !from.Before(to) || to.Sub(from) > 400*24*time.Hour {
		return domain.Invalid("to", "must come after from, at most 400 days later")
	}
	dept := q["department"]
	if p.Role == auth.RoleDepartment {
		if dept != "" && dept != p.DepartmentID {
			return domain.Forbidden("a department sees only its own timeliness")
		}
		dept = p.DepartmentID
	}
	items, err := s.cases.Timeliness(r.Context(), dept, from, to, now)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, timelinessList{Items: items})
	return nil
}
