package httpapi

import (
	"net/http"
	"time"

	"github.com/watchpost/watchpost/domain/access"
	"github.com/watchpost/watchpost/domain/complaint"
)

type fileComplaintRequest struct {
	Channel                string             `json:"channel"`
	ReceivedAt             *time.Time         `json:"receivedAt"`
	Complainant            complainantRequest `json:"complainant"`
	MonitoringPointID      string             `json:"monitoringPointId"`
	RespondentDepartmentID string             `json:"respondentDepartmentId"`
	Categories             []string           `json:"categories"`
	IssueTypes             []string           `json:"issueTypes"`
	Title                  string             `json:"title"`
	Description            string             `json:"description"`
}

type complainantRequest struct {
	Name              string `json:"name"`
	Phone             string `json:"phone"`
	IDNumber          string `json:"idNumber"`
	Address           string `json:"address"`
	Contact           string `json:"contact"`
	Anonymous         bool   `json:"anonymous"`
	ConsentToDisclose bool   `json:"consentToDisclose"`
}

// fileComplaint: POST /api/v1/cases.
func (s *Server) fileComplaint(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	var req fileComplaintRequest
	meta, err := commandRequest(w, r, p, &req)
	if err != nil {
		return err
	}
	cmd := complaint.FileComplaint{
		Channel: req.Channel, MonitoringPointID: req.MonitoringPointID, RespondentDepartmentID: req.RespondentDepartmentID,
		Categories: req.Categories, IssueTypes: req.IssueTypes, Title: req.Title, Description: req.Description,
		Complainant: complaint.Complainant(req.Complainant),
	}
	if req.ReceivedAt != nil {
		cmd.ReceivedAt = *req.ReceivedAt
	}
	v, err := s.Cases.File(r.Context(), p, meta, cmd)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/cases/"+v.CaseID())
	writeJSON(w, http.StatusCreated, v)
	return nil
}
