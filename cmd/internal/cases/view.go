package cases

import (
	"time"

	"github.com/watchpost/watchpost/domain/access"
	"github.com/watchpost/watchpost/domain/complaint"
	"github.com/watchpost/watchpost/projections"
)

// View is a case as one audience sees it. Each audience has its own type,
// filled field by field from the case: a field added to complaint.Case
// reaches nobody until it is put on an audience's list here.
type View interface {
	// CaseID is the case the view shows.
	CaseID() string
	// Audience is whom the view is for.
	Audience() access.Audience
}

// Complainant says what there is to know about the complainant without
// naming them.
type Complainant struct {
	Anonymous         bool `json:"anonymous"`
	ConsentToDisclose bool `json:"consentToDisclose"`
	Removed           bool `json:"removed"`     // the personal data was destroyed
	Disclosable       bool `json:"disclosable"` // the caller may have it disclosed (POST .../complainant/disclosure)
}

// Extras are what every view carries besides the case's own fields: where
// the case stands in the log, what the caller may do next and, for a single
// case, its deadlines.
type Extras struct {
	Position  uint64                     `json:"position"`
	NextSteps []complaint.Step           `json:"nextSteps"`
	Deadlines []projections.CaseDeadline `json:"deadlines,omitempty"`
}

// CenterView is a case as the complaint center's staff, supervisors and
// leaders see it: everything but the complainant's personal data (disclosed
// only on request, with a reason) and the sealed and hashed forms of it.
type CenterView struct {
	ID                     string                     `json:"id"`
	Version                int                        `json:"version"`
	Status                 complaint.Status           `json:"status"`
	Channel                string                     `json:"channel"`
	ReceivedAt             time.Time                  `json:"receivedAt"`
	FiledAt                time.Time                  `json:"filedAt"`
	Complainant            Complainant                `json:"complainant"`
	PersonalDataRemoved    bool                       `json:"personalDataRemoved,omitempty"`
	TrackingCode           string                     `json:"trackingCode,omitempty"`
	MonitoringPointID      string                     `json:"monitoringPointId,omitempty"`
	RespondentDepartmentID string                     `json:"respondentDepartmentId,omitempty"`
	VisitID                string                     `json:"visitId,omitempty"` // the supervisor's visit it was collected on
	Categories             []string                   `json:"categories"`
	IssueTypes             []string                   `json:"issueTypes"`
	Title                  string                     `json:"title"`
	Description            string                     `json:"description"`
	Mode                   string                     `json:"mode,omitempty"`
	HandledBy              string                     `json:"handledBy,omitempty"`
	AcceptedAt             time.Time                  `json:"acceptedAt,omitzero"`
	NotAcceptedReason      string                     `json:"notAcceptedReason,omitempty"`
	DepartmentID           string                     `json:"departmentId,omitempty"`
	ReferredAt             time.Time                  `json:"referredAt,omitzero"`
	Referrals              int                        `json:"referrals,omitempty"`
	AcknowledgedAt         time.Time                  `json:"acknowledgedAt,omitzero"`
	ReturnedBy             string                     `json:"returnedBy,omitempty"`
	ReturnedAt             time.Time                  `json:"returnedAt,omitzero"`
	Returns                int                        `json:"returns,omitempty"`
	RespondedAt            time.Time                  `json:"respondedAt,omitzero"`
	Extensions             []complaint.Extension      `json:"extensions,omitempty"`
	ExtendedDueDate        string                     `json:"extendedDueDate,omitempty"`
	SuspendedAt            time.Time                  `json:"suspendedAt,omitzero"`
	ResumeStatus           complaint.Status           `json:"resumeStatus,omitempty"`
	Suspensions            int                        `json:"suspensions,omitempty"`
	SupervisionLevel       int                        `json:"supervisionLevel,omitempty"`
	Escalations            int                        `json:"escalations,omitempty"`
	Supervisions           int                        `json:"supervisions,omitempty"`
	Finding                string                     `json:"finding,omitempty"`
	FindingAt              time.Time                  `json:"findingAt,omitzero"`
	Rectifications         []complaint.Rectification  `json:"rectifications,omitempty"`
	Accountabilities       []complaint.Accountability `json:"accountabilities,omitempty"`
	Resolution             *complaint.Resolution      `json:"resolution,omitempty"`
	RepliedAt              time.Time                  `json:"repliedAt,omitzero"`
	ReplyMethod            string                     `json:"replyMethod,omitempty"`
	Satisfaction           string                     `json:"satisfaction,omitempty"`
	SatisfactionAt         time.Time                  `json:"satisfactionAt,omitzero"`
	Reopens                int                        `json:"reopens,omitempty"`
	ReopenedAt             time.Time                  `json:"reopenedAt,omitzero"`
	ClosedAt               time.Time                  `json:"closedAt,omitzero"`
	UpdatedAt              time.Time                  `json:"updatedAt"`
	Extras
}

// DepartmentView is a case as the department it is referred to sees it: how
// it is handled and what is asked of the department, never who complained,
// and which monitoring point reported only with the complainant's consent.
// The reason a complaint was not accepted and the tracking code are the
// center's.
type DepartmentView struct {
	ID                     string                     `json:"id"`
	Version                int                        `json:"version"`
	Status                 complaint.Status           `json:"status"`
	Channel                string                     `json:"channel"`
	ReceivedAt             time.Time                  `json:"receivedAt"`
	FiledAt                time.Time                  `json:"filedAt"`
	Complainant            Complainant                `json:"complainant"`
	PersonalDataRemoved    bool                       `json:"personalDataRemoved,omitempty"`
	MonitoringPointID      string                     `json:"monitoringPointId,omitempty"` // only with consent
	RespondentDepartmentID string                     `json:"respondentDepartmentId,omitempty"`
	Categories             []string                   `json:"categories"`
	IssueTypes             []string                   `json:"issueTypes"`
	Title                  string                     `json:"title"`
	Description            string                     `json:"description"`
	Mode                   string                     `json:"mode,omitempty"`
	HandledBy              string                     `json:"handledBy,omitempty"`
	AcceptedAt             time.Time                  `json:"acceptedAt,omitzero"`
	DepartmentID           string                     `json:"departmentId,omitempty"`
	ReferredAt             time.Time                  `json:"referredAt,omitzero"`
	Referrals              int                        `json:"referrals,omitempty"`
	AcknowledgedAt         time.Time                  `json:"acknowledgedAt,omitzero"`
	ReturnedBy             string                     `json:"returnedBy,omitempty"`
	ReturnedAt             time.Time                  `json:"returnedAt,omitzero"`
	Returns                int                        `json:"returns,omitempty"`
	RespondedAt            time.Time                  `json:"respondedAt,omitzero"`
	Extensions             []complaint.Extension      `json:"extensions,omitempty"`
	ExtendedDueDate        string                     `json:"extendedDueDate,omitempty"`
	SuspendedAt            time.Time                  `json:"suspendedAt,omitzero"`
	ResumeStatus           complaint.Status           `json:"resumeStatus,omitempty"`
	Suspensions            int                        `json:"suspensions,omitempty"`
	SupervisionLevel       int                        `json:"supervisionLevel,omitempty"`
	Escalations            int                        `json:"escalations,omitempty"`
	Supervisions           int                        `json:"supervisions,omitempty"`
	Finding                string                     `json:"finding,omitempty"`
	FindingAt              time.Time                  `json:"findingAt,omitzero"`
	Rectifications         []complaint.Rectification  `json:"rectifications,omitempty"`
	Accountabilities       []complaint.Accountability `json:"accountabilities,omitempty"`
	Resolution             *complaint.Resolution      `json:"resolution,omitempty"`
	RepliedAt              time.Time                  `json:"repliedAt,omitzero"`
	Satisfaction           string                     `json:"satisfaction,omitempty"`
	SatisfactionAt         time.Time                  `json:"satisfactionAt,omitzero"`
	Reopens                int                        `json:"reopens,omitempty"`
	ReopenedAt             time.Time                  `json:"reopenedAt,omitzero"`
	ClosedAt               time.Time                  `json:"closedAt,omitzero"`
	UpdatedAt              time.Time                  `json:"updatedAt"`
	Extras
}

// PointView is a case as the monitoring point that reported it sees it:
// where its complaint stands, who handles it, by when, and how it ended;
// not the internals of the handling (extensions, supervision,
// rectification, accountability) nor the department's own notes.
type PointView struct {
	ID                     string           `json:"id"`
	Version                int              `json:"version"`
	Status                 complaint.Status `json:"status"`
	Channel                string           `json:"channel"`
	ReceivedAt             time.Time        `json:"receivedAt"`
	FiledAt                time.Time        `json:"filedAt"`
	Complainant            Complainant      `json:"complainant"`
	PersonalDataRemoved    bool             `json:"personalDataRemoved,omitempty"`
	TrackingCode           string           `json:"trackingCode,omitempty"` // only in the answer to the point's own filing
	MonitoringPointID      string           `json:"monitoringPointId,omitempty"`
	RespondentDepartmentID string           `json:"respondentDepartmentId,omitempty"`
	Categories             []string         `json:"categories"`
	IssueTypes             []string         `json:"issueTypes"`
	Title                  string           `json:"title"`
	Description            string           `json:"description"`
	Mode                   string           `json:"mode,omitempty"`
	HandledBy              string           `json:"handledBy,omitempty"`
	AcceptedAt             time.Time        `json:"acceptedAt,omitzero"`
	NotAcceptedReason      string           `json:"notAcceptedReason,omitempty"`
	DepartmentID           string           `json:"departmentId,omitempty"`
	ReferredAt             time.Time        `json:"referredAt,omitzero"`
	AcknowledgedAt         time.Time        `json:"acknowledgedAt,omitzero"`
	RespondedAt            time.Time        `json:"respondedAt,omitzero"`
	ExtendedDueDate        string           `json:"extendedDueDate,omitempty"`
	SuspendedAt            time.Time        `json:"suspendedAt,omitzero"`
	Finding                string           `json:"finding,omitempty"`
	FindingAt              time.Time        `json:"findingAt,omitzero"`
	Outcome                string           `json:"outcome,omitempty"` // the resolution's outcome, without the department's summary
	ResolvedAt             time.Time        `json:"resolvedAt,omitzero"`
	RepliedAt              time.Time        `json:"repliedAt,omitzero"`
	Satisfaction           string           `json:"satisfaction,omitempty"`
	SatisfactionAt         time.Time        `json:"satisfactionAt,omitzero"`
	Reopens                int              `json:"reopens,omitempty"`
	ReopenedAt             time.Time        `json:"reopenedAt,omitzero"`
	ClosedAt               time.Time        `json:"closedAt,omitzero"`
	UpdatedAt              time.Time        `json:"updatedAt"`
	Extras
}

func (v CenterView) CaseID() string     { return v.ID }
func (v DepartmentView) CaseID() string { return v.ID }
func (v PointView) CaseID() string      { return v.ID }

func (CenterView) Audience() access.Audience     { return access.AudienceCenter }
func (DepartmentView) Audience() access.Audience { return access.AudienceDepartment }
func (PointView) Audience() access.Audience      { return access.AudiencePoint }

// viewOf builds the view of a case for p, without deadlines.
func viewOf(p access.Principal, row projections.CaseRow) View {
	c := row.Case
	facts := access.CaseOf(c)
	ex := Extras{Position: row.LastSeq, NextSteps: access.NextSteps(p, facts, c.NextSteps())}
	who := Complainant{Anonymous: c.Complainant.Anonymous, ConsentToDisclose: c.Complainant.ConsentToDisclose,
		Removed: c.PersonalDataRemoved, Disclosable: access.Disclosable(p, facts)}
	switch access.AudienceOf(p) {
	case access.AudienceDepartment:
		return departmentView(p, c, facts, who, ex)
	case access.AudiencePoint:
		return pointView(c, who, ex)
	}
	return centerView(c, who, ex)
}

func centerView(c complaint.Case, who Complainant, ex Extras) CenterView {
	return CenterView{
		ID: c.ID, Version: c.Version, Status: c.Status, Channel: c.Channel, ReceivedAt: c.ReceivedAt, FiledAt: c.FiledAt,
		Complainant: who, PersonalDataRemoved: c.PersonalDataRemoved,
		MonitoringPointID: c.MonitoringPointID, RespondentDepartmentID: c.RespondentDepartmentID, VisitID: c.VisitID,
		Categories: c.Categories, IssueTypes: c.IssueTypes, Title: c.Title, Description: c.Description,
		Mode: c.Mode, HandledBy: c.HandledBy, AcceptedAt: c.AcceptedAt, NotAcceptedReason: c.NotAcceptedReason,
		DepartmentID: c.DepartmentID, ReferredAt: c.ReferredAt, Referrals: c.Referrals, AcknowledgedAt: c.AcknowledgedAt,
		ReturnedBy: c.ReturnedBy, ReturnedAt: c.ReturnedAt, Returns: c.Returns, RespondedAt: c.RespondedAt,
		Extensions: c.Extensions, ExtendedDueDate: c.ExtendedDueDate,
		SuspendedAt: c.SuspendedAt, ResumeStatus: c.ResumeStatus, Suspensions: c.Suspensions,
		SupervisionLevel: c.SupervisionLevel, Escalations: c.Escalations, Supervisions: c.Supervisions,
		Finding: c.Finding, FindingAt: c.FindingAt, Rectifications: c.Rectifications, Accountabilities: c.Accountabilities,
		Resolution: c.Resolution, RepliedAt: c.RepliedAt, ReplyMethod: c.ReplyMethod,
		Satisfaction: c.Satisfaction, SatisfactionAt: c.SatisfactionAt,
		Reopens: c.Reopens, ReopenedAt: c.ReopenedAt, ClosedAt: c.ClosedAt, UpdatedAt: c.UpdatedAt,
		Extras: ex,
	}
}

func departmentView(p access.Principal, c complaint.Case, facts access.Case, who Complainant, ex Extras) DepartmentView {
	v := DepartmentView{
		ID: c.ID, Version: c.Version, Status: c.Status, Channel: c.Channel, ReceivedAt: c.ReceivedAt, FiledAt: c.FiledAt,
		Complainant: who, PersonalDataRemoved: c.PersonalDataRemoved, RespondentDepartmentID: c.RespondentDepartmentID,
		Categories: c.Categories, IssueTypes: c.IssueTypes, Title: c.Title, Description: c.Description,
		Mode: c.Mode, HandledBy: c.HandledBy, AcceptedAt: c.AcceptedAt,
		DepartmentID: c.DepartmentID, ReferredAt: c.ReferredAt, Referrals: c.Referrals, AcknowledgedAt: c.AcknowledgedAt,
		ReturnedBy: c.ReturnedBy, ReturnedAt: c.ReturnedAt, Returns: c.Returns, RespondedAt: c.RespondedAt,
		Extensions: c.Extensions, ExtendedDueDate: c.ExtendedDueDate,
		SuspendedAt: c.SuspendedAt, ResumeStatus: c.ResumeStatus, Suspensions: c.Suspensions,
		SupervisionLevel: c.SupervisionLevel, Escalations: c.Escalations, Supervisions: c.Supervisions,
		Finding: c.Finding, FindingAt: c.FindingAt, Rectifications: c.Rectifications, Accountabilities: c.Accountabilities,
		Resolution: c.Resolution, RepliedAt: c.RepliedAt, Satisfaction: c.Satisfaction, SatisfactionAt: c.SatisfactionAt,
		Reopens: c.Reopens, ReopenedAt: c.ReopenedAt, ClosedAt: c.ClosedAt, UpdatedAt: c.UpdatedAt,
		Extras: ex,
	}
	if access.SeesReportingPoint(p, facts) {
		v.MonitoringPointID = c.MonitoringPointID
	}
	return v
}

func pointView(c complaint.Case, who Complainant, ex Extras) PointView {
	v := PointView{
		ID: c.ID, Version: c.Version, Status: c.Status, Channel: c.Channel, ReceivedAt: c.ReceivedAt, FiledAt: c.FiledAt,
		Complainant: who, PersonalDataRemoved: c.PersonalDataRemoved,
		MonitoringPointID: c.MonitoringPointID, RespondentDepartmentID: c.RespondentDepartmentID,
		Categories: c.Categories, IssueTypes: c.IssueTypes, Title: c.Title, Description: c.Description,
		Mode: c.Mode, HandledBy: c.HandledBy, AcceptedAt: c.AcceptedAt, NotAcceptedReason: c.NotAcceptedReason,
		DepartmentID: c.DepartmentID, ReferredAt: c.ReferredAt, AcknowledgedAt: c.AcknowledgedAt, RespondedAt: c.RespondedAt,
		ExtendedDueDate: c.ExtendedDueDate, SuspendedAt: c.SuspendedAt, Finding: c.Finding, FindingAt: c.FindingAt,
		RepliedAt: c.RepliedAt, Satisfaction: c.Satisfaction, SatisfactionAt: c.SatisfactionAt,
		Reopens: c.Reopens, ReopenedAt: c.ReopenedAt, ClosedAt: c.ClosedAt, UpdatedAt: c.UpdatedAt,
		Extras: ex,
	}
	if c.Resolution != nil {
		v.Outcome, v.ResolvedAt = c.Resolution.Outcome, c.Resolution.At
	}
	return v
}

// withDeadlines puts a case's deadlines on its view.
func withDeadlines(v View, d []projections.CaseDeadline) View {
	switch v := v.(type) {
	case CenterView:
		v.Deadlines = d
		return v
	case DepartmentView:
		v.Deadlines = d
		return v
	case PointView:
		v.Deadlines = d
		return v
	}
	return v
}
