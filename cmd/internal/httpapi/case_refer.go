package httpapi

import (
	"net/http"

	"github.com/watchpost/watchpost/cmd/internal/auth"
	"github.com/watchpost/watchpost/domain/complaint"
)

type referRequest struct {
	DepartmentID string `json:"departmentId"`
	Note         string `json:"note"`
}

// referCase: POST /api/v1/cases/{id}/referrals.
func (s *Server) referCase(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	var req referRequest
	meta, err := commandRequest(w, r, p, &req)
	if err != nil {
		return err
	}
	row, err := s.cases.Refer(r.Context(), meta, r.PathValue("id"), complaint.Refer{DepartmentID: req.DepartmentID, Note: req.Note})
	return s.commandAnswer(w, p, row, err, false)
}
