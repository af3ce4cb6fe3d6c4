package reports

import (
	"time"

	"github.com/watchpost/watchpost/domain/access"
	"github.com/watchpost/watchpost/domain/finding"
	"github.com/watchpost/watchpost/domain/report"
	"github.com/watchpost/watchpost/domain/trend"
	"github.com/watchpost/watchpost/projections"
)

// The views are allow-lists, filled field by field: a finding or a report
// shows what supervisors and leaders need, and never the complainant or
// the monitoring points behind a count (a cell names a kind of point, not
// a point).

// SignalView is one rule's result on one cell.
type SignalView struct {
	Cell      finding.Cell    `json:"cell"`
	Kind      trend.Kind      `json:"kind"`
	Method    trend.Method    `json:"method"`
	Severity  trend.Severity  `json:"severity"`
	From      trend.Date      `json:"from"`
	To        trend.Date      `json:"to"`
	Statistic float64         `json:"statistic"`
	PValue    *float64        `json:"pValue,omitempty"`
	Threshold float64         `json:"threshold"`
	Observed  float64         `json:"observed"`
	Expected  float64         `json:"expected"`
	Sources   trend.Dimension `json:"sources,omitempty"`
}

func signalView(s finding.Signal) SignalView {
	return SignalView{Cell: s.Cell, Kind: s.Kind, Method: s.Method, Severity: s.Severity, From: s.From, To: s.To,
		Statistic: s.Statistic, PValue: s.PValue, Threshold: s.Threshold, Observed: s.Observed, Expected: s.Expected, Sources: s.Sources}
}

// FindingView is a finding as supervisors see it.
type FindingView struct {
	ID            string         `json:"id"`
	Kind          trend.Kind     `json:"kind"`
	Cell          finding.Cell   `json:"cell"`
	Status        finding.Status `json:"status"`
	Signal        SignalView     `json:"signal"`
	Corroborating []SignalView   `json:"corroborating,omitempty"`
	From          trend.Date     `json:"from"`
	To            trend.Date     `json:"to"`
	LastRaised    trend.Date     `json:"lastRaised"`
	Raises        int            `json:"raises"`
	CaseCount     int            `json:"caseCount"`
	Cases         []string       `json:"cases"`
	DetectedAt    time.Time      `json:"detectedAt"`
	UpdatedAt     time.Time      `json:"updatedAt"`
	EndedAt       *time.Time     `json:"endedAt,omitempty"`
	DismissedAt   *time.Time     `json:"dismissedAt,omitempty"`
	DismissReason string         `json:"dismissReason,omitempty"`
	Version       int            `json:"version"`
}

func findingView(f finding.Finding) FindingView {
	v := FindingView{ID: f.ID, Kind: f.Kind, Cell: f.Cell, Status: f.Status, Signal: signalView(f.Signal),
		From: f.From, To: f.To, LastRaised: f.LastRaised, Raises: f.Raises, CaseCount: f.CaseCount, Cases: f.Cases,
		DetectedAt: f.DetectedAt, UpdatedAt: f.UpdatedAt, EndedAt: f.EndedAt, DismissedAt: f.DismissedAt,
		DismissReason: f.DismissReason, Version: f.Version}
	if v.Cases == nil {
		v.Cases = []string{}
	}
	for _, c := range f.Corroborating {
		v.Corroborating = append(v.Corroborating, signalView(c))
	}
	return v
}

// CaseLine is a case behind a finding or a report: what it is about and
// where it stands, without who complained or which point reported.
type CaseLine struct {
	ID           string    `json:"id"`
	Title        string    `json:"title"`
	Status       string    `json:"status"`
	DepartmentID string    `json:"departmentId,omitempty"`
	Categories   []string  `json:"categories"`
	IssueTypes   []string  `json:"issueTypes"`
	ReceivedAt   time.Time `json:"receivedAt"`
	Supervision  int       `json:"supervisionLevel,omitempty"`
}

func caseLine(c projections.ReportCase) CaseLine {
	return CaseLine{ID: c.ID, Title: c.Title, Status: c.Status, DepartmentID: c.DepartmentID,
		Categories: c.Categories, IssueTypes: c.IssueTypes, ReceivedAt: c.ReceivedAt, Supervision: c.SupervisionLevel}
}

// Chart is a cell's daily counts against its baseline, as the dual EWMA
// sees each day, for the charts of a finding or a report.
type Chart struct {
	FindingID string            `json:"findingId"`
	Cell      finding.Cell      `json:"cell"`
	Points    []trend.EWMAPoint `json:"points"`
}

// FindingDetail is a finding with its evidence: the cases behind it and
// its cell's chart.
type FindingDetail struct {
	FindingView
	CaseLines []CaseLine `json:"caseLines"`
	Chart     Chart      `json:"chart"`
}

// FindingList is a page of findings.
type FindingList struct {
	Items []FindingView `json:"items"`
	Next  string        `json:"next,omitempty"`
}

// RecipientView is a leader a report is issued to.
type RecipientView struct {
	ID       string     `json:"id"`
	Name     string     `json:"name,omitempty"`
	OpenedAt *time.Time `json:"openedAt,omitempty"` // the read receipt (a leader sees only its own)
}

// InstructionView is a leader's instruction and what came of it.
type InstructionView struct {
	ID           string           `json:"id"`
	LeaderID     string           `json:"leaderId"`
	LeaderName   string           `json:"leaderName,omitempty"`
	Text         string           `json:"text"`
	Supervision  string           `json:"supervision,omitempty"`
	FollowUp     *report.FollowUp `json:"followUp,omitempty"`
	GivenAt      time.Time        `json:"givenAt"`
	Dispatched   bool             `json:"dispatched"`
	Ordered      int              `json:"ordered"` // cases supervision was ordered on
	Skipped      []report.Skipped `json:"skipped,omitempty"`
	DispatchedAt *time.Time       `json:"dispatchedAt,omitempty"`
	OverdueAt    *time.Time       `json:"overdueAt,omitempty"`
	Reported     *report.Report   `json:"reported,omitempty"`
}

// ReportView is a special report as its reader sees it: supervisors every
// field, a leader the report, the instructions and its own receipt.
type ReportView struct {
	ID              string            `json:"id"`
	Status          report.Status     `json:"status"`
	Title           string            `json:"title"`
	Summary         string            `json:"summary"`
	Analysis        string            `json:"analysis,omitempty"`
	Recommendations string            `json:"recommendations,omitempty"`
	Findings        []FindingView     `json:"findings"`
	Cases           []CaseLine        `json:"cases"`
	CaseCount       int               `json:"caseCount"`
	Charts          []Chart           `json:"charts,omitempty"`
	DraftedBy       string            `json:"draftedBy,omitempty"`
	DraftedAt       time.Time         `json:"draftedAt"`
	SubmittedAt     *time.Time        `json:"submittedAt,omitempty"`
	Review          *report.Review    `json:"review,omitempty"`
	Recipients      []RecipientView   `json:"recipients"`
	IssuedAt        *time.Time        `json:"issuedAt,omitempty"`
	Instructions    []InstructionView `json:"instructions"`
	ClosedAt        *time.Time        `json:"closedAt,omitempty"`
	CloseNote       string            `json:"closeNote,omitempty"`
	UpdatedAt       time.Time         `json:"updatedAt"`
	Version         int               `json:"version"`
}

// ReportLine is a report in a list.
type ReportLine struct {
	ID        string        `json:"id"`
	Status    report.Status `json:"status"`
	Title     string        `json:"title"`
	Summary   string        `json:"summary"`
	CaseCount int           `json:"caseCount"`
	DraftedAt time.Time     `json:"draftedAt"`
	IssuedAt  *time.Time    `json:"issuedAt,omitempty"`
	UpdatedAt time.Time     `json:"updatedAt"`
	// Opened: the calling leader has opened it (leaders' inbox).
	Opened bool `json:"opened"`
	// Instructions given on it so far.
	Instructions int `json:"instructions"`
}

// ReportList is a list of reports.
type ReportList struct {
	Items []ReportLine `json:"items"`
}

func reportLine(p access.Principal, r report.State) ReportLine {
	return ReportLine{ID: r.ID, Status: r.Status, Title: r.Title, Summary: r.Summary, CaseCount: len(r.Cases),
		DraftedAt: r.DraftedAt, IssuedAt: r.IssuedAt, UpdatedAt: r.UpdatedAt, Opened: r.Opened(p.TokenID),
		Instructions: len(r.Instructions)}
}

// Leader is a leader a report may be issued to.
type Leader struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
}

// LeaderList lists the leaders.
type LeaderList struct {
	Items []Leader `json:"items"`
}
