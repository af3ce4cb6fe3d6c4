package httpapi

import (
	"net/http"
	"time"

	"github.com/watchpost/watchpost/domain/access"
	"github.com/watchpost/watchpost/domain/complaint"
)

type fileComplaintRequest struct {
	Channel                string             `json:"channel" rule:"required,enum=taxonomy:channels" desc:"How the complaint came in: a code of GET /api/v1/taxonomy (channels); a monitoring point's own filing defaults to monitoring_point" example:"hotline"`
	ReceivedAt             *time.Time         `json:"receivedAt" rule:"format=date-time" desc:"When the complaint was received (not in the future, not before 2000); default now"`
	Complainant            complainantRequest `json:"complainant" rule:"required" desc:"Who complained: a name, phone or contact, or anonymous; sealed at once, never shown in a view"`
	MonitoringPointID      string             `json:"monitoringPointId" rule:"format=id" desc:"The monitoring point that reported (a point's own filing: itself)"`
	RespondentDepartmentID string             `json:"respondentDepartmentId" rule:"format=id" desc:"The registered department complained about"`
	Categories             []string           `json:"categories" rule:"required,enum=taxonomy:categories,maxItems=10" desc:"Categories: codes of GET /api/v1/taxonomy (categories)" example:"efficiency"`
	IssueTypes             []string           `json:"issueTypes" rule:"enum=taxonomy:issueTypes,maxItems=10" desc:"Issue types: codes of GET /api/v1/taxonomy (issueTypes)" example:"slow_action"`
	Title                  string             `json:"title" rule:"required,max=200" desc:"A one-line title" example:"施工许可审批超期"`
	Description            string             `json:"description" rule:"required,max=10000" desc:"What happened" example:"材料齐全，二十个工作日未批复"`
}

type complainantRequest struct {
	Name              string `json:"name" rule:"max=100" desc:"The complainant's name" example:"张三"`
	Phone             string `json:"phone" rule:"max=40" desc:"A telephone number"`
	IDNumber          string `json:"idNumber" rule:"max=40" desc:"An identity card number"`
	Address           string `json:"address" rule:"max=200" desc:"An address"`
	Contact           string `json:"contact" rule:"max=200" desc:"Another way to reach them"`
	Anonymous         bool   `json:"anonymous" desc:"An anonymous complaint carries no personal data"`
	ConsentToDisclose bool   `json:"consentToDisclose" desc:"The complainant agrees that the department may learn who they are"`
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
