package httpapi

import (
	"net/http"
	"time"

	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/access"
	"github.com/watchpost/watchpost/projections"
)

type escalationList struct {
	Items []projections.Escalation `json:"items"`
}

// listEscalations: GET /api/v1/escalations, the supervisors' board.
func (s *Server) listEscalations(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	q, err := queryParams(r, map[string]func(string, string) error{"department": identifier, "level": plainText, "kind": code, "limit": plainText})
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
	case "", "response", "closure", "rectification", "supervision", projections.KindMonthlyReport:
	default:
		return domain.Invalid("kind", "response, closure, rectification or supervision")
	}
	items, err := s.Board.Escalations(r.Context(), p, f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, escalationList{Items: items})
	return nil
}

type timelinessList struct {
	Items []projections.Timeliness `json:"items"`
}

// timeliness: GET /api/v1/timeliness?department=&from=&to=.
func (s *Server) timeliness(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	q, err := queryParams(r, map[string]func(string, string) error{"department": identifier, "from": plainText, "to": plainText})
	if err != nil {
		return err
	}
	var from, to time.Time
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
	items, err := s.Board.Timeliness(r.Context(), p, q["department"], from, to)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, timelinessList{Items: items})
	return nil
}
