package httpapi

import (
	"context"
	"slices"
	"time"

	"github.com/watchpost/watchpost/cmd/internal/auth"
	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/complaint"
	"github.com/watchpost/watchpost/projections"
)

// caseView is a case as the API shows it to one caller.
type caseView struct {
	ID                     string                 `json:"id"`
	Status                 complaint.Status       `json:"status"`
	Title                  string                 `json:"title"`
	Description            string                 `json:"description"`
	Channel                string                 `json:"channel"`
	ReceivedAt             time.Time              `json:"receivedAt"`
	FiledAt                time.Time              `json:"filedAt"`
	Categories             []string               `json:"categories"`
	IssueTypes             []string               `json:"issueTypes"`
	MonitoringPointID      string                 `json:"monitoringPointId,omitempty"`
	RespondentDepartmentID string                 `json:"respondentDepartmentId,omitempty"`
	DepartmentID           string                 `json:"departmentId,omitempty"`
	ReferredAt             *time.Time             `json:"referredAt,omitempty"`
	Resolution             *complaint.Resolution  `json:"resolution,omitempty"`
	Complainant            *complaint.Complainant `json:"complainant,omitempty"`
	ComplainantWithheld    bool                   `json:"complainantWithheld,omitempty"`
	Version                int                    `json:"version"`
	UpdatedAt              time.Time              `json:"updatedAt"`
	Position               uint64                 `json:"position"`
	NextSteps              []complaint.Step       `json:"nextSteps"`
}

func (s *Server) caseView(p auth.Principal, row projections.CaseRow) caseView {
	c := row.Case
	v := caseView{
		ID: c.ID, Status: c.Status, Title: c.Title, Description: c.Description, Channel: c.Channel,
		ReceivedAt: c.ReceivedAt, FiledAt: c.FiledAt, Categories: c.Categories, IssueTypes: c.IssueTypes,
		MonitoringPointID: c.MonitoringPointID, RespondentDepartmentID: c.RespondentDepartmentID,
		DepartmentID: c.DepartmentID, Resolution: c.Resolution, Version: c.Version, UpdatedAt: c.UpdatedAt,
		Position: row.LastSeq, NextSteps: []complaint.Step{},
	}
	if !c.ReferredAt.IsZero() {
		t := c.ReferredAt
		v.ReferredAt = &t
	}
	if mayReadComplainant(p, c) {
		cp := c.Complainant
		v.Complainant = &cp
	} else {
		v.ComplainantWithheld = true
	}
	for _, step := range complaint.NextSteps(c.Status) {
		if slices.Contains(stepRoles[step], p.Role) {
			v.NextSteps = append(v.NextSteps, step)
		}
	}
	return v
}

// mayReadComplainant: the complaint center and supervisors see who
// complained; a monitoring point sees its own filings; a department only
// when the complainant consented to disclosure.
func mayReadComplainant(p auth.Principal, c complaint.Case) bool {
	switch p.Role {
	case auth.RoleHandler, auth.RoleSupervisor:
		return true
	case auth.RolePoint:
		return c.MonitoringPointID == p.PointID
	case auth.RoleDepartment:
		return c.Complainant.ConsentToDisclose && c.DepartmentID == p.DepartmentID
	}
	return false
}

// inScope reports whether the caller may see the case at all. A department
// sees the cases referred to it; a monitoring point those filed for it.
func inScope(p auth.Principal, c complaint.Case) bool {
	switch p.Role {
	case auth.RoleDepartment:
		return c.DepartmentID != "" && c.DepartmentID == p.DepartmentID
	case auth.RolePoint:
		return c.MonitoringPointID != "" && c.MonitoringPointID == p.PointID
	}
	return true
}

// scopedCase reads a case the caller may see; others are "not found", so
// their existence does not leak.
func (s *Server) scopedCase(ctx context.Context, p auth.Principal, id string) (projections.CaseRow, error) {
	row, err := s.cases.Get(ctx, id)
	if err != nil {
		return row, err
	}
	if !inScope(p, row.Case) {
		return projections.CaseRow{}, domain.NotFound("id", "no case %s", id)
	}
	return row, nil
}
