package httpapi

import (
	"errors"
	"net/http"
	"time"

	"github.com/watchpost/watchpost/cmd/internal/auth"
	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/complaint"
	"github.com/watchpost/watchpost/eventstore"
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
func (s *Server) fileComplaint(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
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
	if p.Role == auth.RolePoint {
		// A monitoring point files for itself, through its own channel.
		if cmd.MonitoringPointID != "" && cmd.MonitoringPointID != p.PointID {
			return domain.Forbidden("a monitoring point files complaints only for itself (%s)", p.PointID)
		}
		cmd.MonitoringPointID = p.PointID
		if cmd.Channel == "" {
			cmd.Channel = "monitoring_point"
		}
	}
	filed, err := s.cases.File(r.Context(), meta, cmd)
	if errors.Is(err, eventstore.ErrNotProjected) {
		writeJSON(w, http.StatusAccepted, storedView{ID: filed.Case.ID, Position: filed.LastSeq, TrackingCode: filed.TrackingCode,
			Message: "stored in the log; not yet visible to queries"})
		return nil
	}
	if err != nil {
		return err
	}
	// The tracking code is shown once, to whoever registers the complaint,
	// to pass on to the complainant.
	v, err := s.fullCaseView(r.Context(), p, filed.CaseRow)
	if err != nil {
		return err
	}
	v.TrackingCode = filed.TrackingCode
	w.Header().Set("Location", "/api/v1/cases/"+filed.Case.ID)
	writeJSON(w, http.StatusCreated, v)
	return nil
}
