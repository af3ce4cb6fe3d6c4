package httpapi

import (
	"net/http"

	"github.com/watchpost/watchpost/cmd/internal/auth"
	"github.com/watchpost/watchpost/domain/complaint"
)

type resolveRequest struct {
	Outcome string `json:"outcome"`
	Summary string `json:"summary"`
}

// resolveCase: POST /api/v1/cases/{id}/resolution.
func (s *Server) resolveCase(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	var req resolveRequest
	meta, err := commandRequest(w, r, p, &req)
	if err != nil {
		return err
	}
	cmd := complaint.Resolve{Outcome: req.Outcome, Summary: req.Summary}
	if p.Role == auth.RoleDepartment {
		cmd.DepartmentID = p.DepartmentID
	}
	row, err := s.cases.Resolve(r.Context(), meta, r.PathValue("id"), cmd)
	return s.commandAnswer(w, p, row, err, false)
}
