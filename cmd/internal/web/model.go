package web

import (
	"time"

	"github.com/watchpost/watchpost/cmd/internal/cases"
	"github.com/watchpost/watchpost/cmd/internal/locale"
	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/access"
	"github.com/watchpost/watchpost/domain/complaint"
	"github.com/watchpost/watchpost/projections"
)

// caseModel is a case as a page shows it, taken from the view of the
// reader's audience: the view is the allow-list, and a field the audience's
// view lacks stays empty here.
type caseModel struct {
	Audience          access.Audience
	ID                string
	Status            complaint.Status
	Channel           string
	ReceivedAt        time.Time
	FiledAt           time.Time
	UpdatedAt         time.Time
	Complainant       cases.Complainant
	TrackingCode      string
	MonitoringPointID string
	DepartmentID      string
	Categories        []string
	IssueTypes        []string
	Title             string
	Description       string
	Mode              string
	NotAcceptedReason string
	Extensions        []complaint.Extension
	ExtendedDueDate   string
	SupervisionLevel  int
	Finding           string
	Rectifications    []complaint.Rectification
	Accountabilities  []complaint.Accountability
	Outcome           string
	ResolutionSummary string
	ReplyMethod       string
	Satisfaction      string
	ClosedAt          time.Time
	NextSteps         []complaint.Step
	Deadlines         []deadlineModel
}

// modelOf takes what a page shows from a case's view.
func modelOf(v cases.View, c *locale.Catalog) caseModel {
	m := caseModel{Audience: v.Audience()}
	var deadlines []projections.CaseDeadline
	switch v := v.(type) {
	case cases.CenterView:
		m.ID, m.Status, m.Channel, m.ReceivedAt, m.FiledAt, m.UpdatedAt = v.ID, v.Status, v.Channel, v.ReceivedAt, v.FiledAt, v.UpdatedAt
		m.Complainant, m.TrackingCode, m.MonitoringPointID, m.DepartmentID = v.Complainant, v.TrackingCode, v.MonitoringPointID, v.DepartmentID
		m.Categories, m.IssueTypes, m.Title, m.Description, m.Mode = v.Categories, v.IssueTypes, v.Title, v.Description, v.Mode
		m.NotAcceptedReason, m.Extensions, m.ExtendedDueDate, m.SupervisionLevel = v.NotAcceptedReason, v.Extensions, v.ExtendedDueDate, v.SupervisionLevel
		m.Finding, m.Rectifications, m.Accountabilities = v.Finding, v.Rectifications, v.Accountabilities
		if v.Resolution != nil {
			m.Outcome, m.ResolutionSummary = v.Resolution.Outcome, v.Resolution.Summary
		}
		m.ReplyMethod, m.Satisfaction, m.ClosedAt, m.NextSteps, deadlines = v.ReplyMethod, v.Satisfaction, v.ClosedAt, v.NextSteps, v.Deadlines
	case cases.DepartmentView:
		m.ID, m.Status, m.Channel, m.ReceivedAt, m.FiledAt, m.UpdatedAt = v.ID, v.Status, v.Channel, v.ReceivedAt, v.FiledAt, v.UpdatedAt
		m.Complainant, m.MonitoringPointID, m.DepartmentID = v.Complainant, v.MonitoringPointID, v.DepartmentID
		m.Categories, m.IssueTypes, m.Title, m.Description, m.Mode = v.Categories, v.IssueTypes, v.Title, v.Description, v.Mode
		m.Extensions, m.ExtendedDueDate, m.SupervisionLevel = v.Extensions, v.ExtendedDueDate, v.SupervisionLevel
		m.Finding, m.Rectifications, m.Accountabilities = v.Finding, v.Rectifications, v.Accountabilities
		if v.Resolution != nil {
			m.Outcome, m.ResolutionSummary = v.Resolution.Outcome, v.Resolution.Summary
		}
		m.Satisfaction, m.ClosedAt, m.NextSteps, deadlines = v.Satisfaction, v.ClosedAt, v.NextSteps, v.Deadlines
	case cases.PointView:
		m.ID, m.Status, m.Channel, m.ReceivedAt, m.FiledAt, m.UpdatedAt = v.ID, v.Status, v.Channel, v.ReceivedAt, v.FiledAt, v.UpdatedAt
		m.Complainant, m.TrackingCode, m.MonitoringPointID, m.DepartmentID = v.Complainant, v.TrackingCode, v.MonitoringPointID, v.DepartmentID
		m.Categories, m.IssueTypes, m.Title, m.Description, m.Mode = v.Categories, v.IssueTypes, v.Title, v.Description, v.Mode
		m.NotAcceptedReason, m.ExtendedDueDate, m.Finding, m.Outcome = v.NotAcceptedReason, v.ExtendedDueDate, v.Finding, v.Outcome
		m.Satisfaction, m.ClosedAt, m.NextSteps, deadlines = v.Satisfaction, v.ClosedAt, v.NextSteps, v.Deadlines
	}
	for _, d := range deadlines {
		m.Deadlines = append(m.Deadlines, deadlineOf(d, c))
	}
	return m
}

// Takes reports whether the reader may take a step now.
func (m caseModel) Takes(step complaint.Step) bool {
	for _, s := range m.NextSteps {
		if s == step {
			return true
		}
	}
	return false
}

// PendingExtension is the extension request awaiting a decision.
func (m caseModel) PendingExtension() *complaint.Extension {
	for i := range m.Extensions {
		if m.Extensions[i].Status == complaint.ExtensionStatusPending {
			return &m.Extensions[i]
		}
	}
	return nil
}

// OpenRectification is the rectification awaiting a report or a check.
func (m caseModel) OpenRectification() *complaint.Rectification {
	for i := range m.Rectifications {
		if m.Rectifications[i].Open() {
			return &m.Rectifications[i]
		}
	}
	return nil
}

// Urgency orders cases: the earliest open, running deadline first; cases
// without one last.
func (m caseModel) Urgency() time.Time {
	var first time.Time
	for _, d := range m.Deadlines {
		if d.running && (first.IsZero() || d.dueAt.Before(first)) {
			first = d.dueAt
		}
	}
	if first.IsZero() {
		return time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return first
}

// deadlineModel is one deadline with its countdown.
type deadlineModel struct {
	Kind            string
	DueDate         string // the last working day, in Chinese
	Countdown       string // 剩余 1 个工作日, 已超期 2 个工作日, ...
	State           string // ok, due, late, done, suspended, problem (a CSS class)
	Version         int
	CalendarVersion string
	Round           int
	DepartmentID    string
	running         bool
	dueAt           time.Time
}

// deadlineOf writes a deadline's countdown in working days.
func deadlineOf(d projections.CaseDeadline, c *locale.Catalog) deadlineModel {
	out := deadlineModel{Kind: d.Kind, Version: d.Version, CalendarVersion: d.CalendarVersion, Round: d.Round, DepartmentID: d.DepartmentID}
	msg := func(m domain.Message) string { return c.Message(zh, m) }
	if d.DueAt != nil {
		// The deadline is the end of its last working day.
		out.DueDate = c.Date(zh, d.DueAt.Add(-time.Nanosecond))
		out.dueAt = *d.DueAt
	}
	switch {
	case d.Problem != "":
		out.State, out.Countdown = "problem", msg(domain.Msg("cannot be computed: %s", d.Problem))
	case !d.Open && d.Outcome == "cancelled":
		out.State, out.Countdown = "done", msg(domain.Msg("cancelled"))
	case !d.Open && d.Overdue:
		out.State, out.Countdown = "late", msg(domain.Msg("met late"))
	case !d.Open:
		out.State, out.Countdown = "done", msg(domain.Msg("met on time"))
	case d.Suspended:
		out.State, out.Countdown = "suspended", msg(domain.Msg("the clock is stopped (suspended)"))
	case d.WorkdaysLate != nil && *d.WorkdaysLate > 0:
		out.State, out.Countdown, out.running = "late", msg(domain.Msg("%d working day(s) overdue", *d.WorkdaysLate)), true
	case d.Overdue:
		out.State, out.Countdown, out.running = "late", msg(domain.Msg("overdue")), true
	case d.WorkdaysLeft != nil && *d.WorkdaysLeft == 0:
		out.State, out.Countdown, out.running = "due", msg(domain.Msg("due today")), true
	case d.WorkdaysLeft != nil:
		out.State, out.Countdown, out.running = "ok", msg(domain.Msg("%d working day(s) left", *d.WorkdaysLeft)), true
		if *d.WorkdaysLeft <= 1 {
			out.State = "due"
		}
	default:
		out.State, out.Countdown, out.running = "ok", "", d.DueAt != nil
	}
	return out
}

// overdueBy writes how many working days a deadline is late.
func (s *Server) overdueBy(n int) string {
	return s.Catalog.Message(zh, domain.Msg("%d working day(s) overdue", n))
}
