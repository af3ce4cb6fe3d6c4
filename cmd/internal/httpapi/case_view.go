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

// caseView is a case as the API shows it to one caller: the case's state
// without the complainant's personal data, what the caller may do next, and
// (for a single case) its deadlines.
type caseView struct {
	complaint.Case
	// The complainant's personal data is never part of a case view: it is
	// disclosed, with a reason that is recorded, by its own route.
	Complainant       complainantView            `json:"complainant"`
	SealedComplainant string                     `json:"sealedComplainant,omitempty"` // always empty: hides the case's field
	TrackingHash      string                     `json:"trackingHash,omitempty"`      // always empty: hides the case's field
	TrackingCode      string                     `json:"trackingCode,omitempty"`      // only in the answer to filing
	Position          uint64                     `json:"position"`
	NextSteps         []complaint.Step           `json:"nextSteps"`
	Deadlines         []projections.CaseDeadline `json:"deadlines,omitempty"`
}

// complainantView says what there is to know about the complainant without
// naming them.
type complainantView struct {
	Anonymous         bool `json:"anonymous"`
	ConsentToDisclose bool `json:"consentToDisclose"`
	Removed           bool `json:"removed"`     // the personal data was destroyed
	Disclosable       bool `json:"disclosable"` // the caller may have it disclosed (POST .../complainant/disclosure)
}

func (s *Server) caseView(p auth.Principal, row projections.CaseRow) caseView {
	c := row.Case
	v := caseView{Case: c, Position: row.LastSeq, NextSteps: []complaint.Step{}}
	v.Case.Complainant, v.Case.SealedComplainant, v.Case.TrackingHash = complaint.Complainant{}, "", ""
	v.Complainant = complainantView{Anonymous: c.Complainant.Anonymous, ConsentToDisclose: c.Complainant.ConsentToDisclose,
		Removed: c.PersonalDataRemoved}
	v.Complainant.Disclosable = !c.PersonalDataRemoved && !c.Complainant.Anonymous && mayReadComplainant(p, c)
	if p.Role == auth.RoleDepartment && !c.Complainant.ConsentToDisclose {
		// Which monitoring point reported is confidential too: the point is
		// often the complainant's own enterprise or community.
		v.Case.MonitoringPointID = ""
	}
	for _, step := range complaint.NextSteps(c.Status) {
		if !slices.Contains(stepRoles[step], p.Role) {
			continue
		}
		if p.Role == auth.RoleDepartment && !complaint.DepartmentStep(step) {
			continue
		}
		v.NextSteps = append(v.NextSteps, step)
	}
	return v
}

// fullCaseView is the view of a single case, with its deadlines.
func (s *Server) fullCaseView(ctx context.Context, p auth.Principal, row projections.CaseRow) (caseView, error) {
	v := s.caseView(p, row)
	now := s.clock()
	deadlines := row.Deadlines
	if deadlines == nil {
		var err error
		if deadlines, err = s.cases.Deadlines(ctx, row.Case.ID, now); err != nil {
			return v, err
		}
	}
	for i := range deadlines {
		deadlines[i].Judge(now)
	}
	lc, err := s.calendars.Current(ctx)
	if err != nil {
		return v, err
	}
	for i, d := range deadlines {
		if d.DueAt == nil || !d.Open || d.Suspended {
			continue
		}
		if d.Overdue {
			if n, err := lc.Calendar.WorkdaysLate(*d.DueAt, now); err == nil {
				deadlines[i].WorkdaysLate = &n
			}
		} else if n, err := lc.Calendar.WorkdaysBetween(now, d.DueAt.Add(-time.Nanosecond)); err == nil {
			deadlines[i].WorkdaysLeft = &n
		}
	}
	v.Deadlines = deadlines
	return v, nil
}

// mayReadComplainant: the complaint center and supervisors may learn who
// complained; a monitoring point who filed through it; a department only
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
