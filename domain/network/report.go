package network

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/watchpost/watchpost/domain"
)

// ReportItem is one line of a monthly report: what a point raised.
type ReportItem struct {
	PointID      string   `json:"pointId"`
	Kind         ItemKind `json:"kind"`
	Text         string   `json:"text"`
	Count        int      `json:"count"`                  // how many times it was raised (1 unless said)
	DepartmentID string   `json:"departmentId,omitempty"` // the department it concerns
	CaseID       string   `json:"caseId,omitempty"`       // a complaint listed from the cases
}

// The states of a monthly report.
const (
	StatusOpen      = "open"      // not submitted, not yet due
	StatusSubmitted = "submitted" // submitted (Late says whether after the due time)
	StatusOverdue   = "overdue"   // not submitted by the due time
)

// Report is a workstation's report of one month.
type Report struct {
	ID            string       `json:"id"`
	WorkstationID string       `json:"workstationId"`
	Month         Month        `json:"month"`
	Status        string       `json:"status"`
	Zero          bool         `json:"zero"`
	Items         []ReportItem `json:"items"`
	DueAt         time.Time    `json:"dueAt"`
	SubmittedAt   time.Time    `json:"submittedAt,omitzero"`
	Late          bool         `json:"late"`
	OverdueAt     time.Time    `json:"overdueAt,omitzero"`
	Version       int          `json:"version"`
}

// ReportID is the aggregate id of a workstation's report of a month.
func ReportID(workstationID string, m Month) string { return workstationID + "_" + string(m) }

// ParseReportID splits a report id into its workstation and month.
func ParseReportID(id string) (string, Month, error) {
	ws, month, ok := strings.Cut(id, "_")
	if !ok || !ValidID(ws) {
		return "", "", domain.NotFound("id", "no monthly report %s", id)
	}
	m, err := ParseMonth("id", month)
	if err != nil {
		return "", "", domain.NotFound("id", "no monthly report %s", id)
	}
	return ws, m, nil
}

// Apply moves the report by one recorded event.
func (r *Report) Apply(e Event) error {
	switch e := e.(type) {
	case ReportSubmitted:
		if r.Status == StatusSubmitted {
			return fmt.Errorf("report %s submitted twice", r.ID)
		}
		r.ID, r.WorkstationID, r.Month, r.DueAt = ReportID(e.WorkstationID, e.Month), e.WorkstationID, e.Month, e.DueAt
		r.Status, r.Zero, r.Items, r.SubmittedAt, r.Late = StatusSubmitted, e.Zero, append([]ReportItem{}, e.Items...), e.At, e.Late
	case ReportOverdue:
		if r.Status != "" {
			return fmt.Errorf("report %s overdue when %s", r.ID, r.Status)
		}
		r.ID, r.WorkstationID, r.Month, r.DueAt = ReportID(e.WorkstationID, e.Month), e.WorkstationID, e.Month, e.DueAt
		r.Status, r.OverdueAt = StatusOverdue, e.At
	default:
		return fmt.Errorf("report: cannot apply %T", e)
	}
	r.Version++
	return nil
}

// Submission is what a workstation submits: the items it adds to the
// complaints listed from the cases, or a zero report.
type Submission struct {
	Zero  bool         `json:"zero"`
	Items []ReportItem `json:"items"`
}

// Submit returns the events of submitting the report. points are the
// workstation's points (the items must name one of them); listed are the
// complaints its points filed in the month, which the report carries
// whatever is submitted; due is the report's due time.
func (r *Report) Submit(ws string, m Month, sub Submission, points []string, listed []ReportItem, due time.Time, loc *time.Location, now time.Time) ([]Event, error) {
	if r.Status == StatusSubmitted {
		return nil, domain.StateConflict("the report of %s for %s is already submitted", ws, m)
	}
	if m.Start(loc).After(now) {
		return nil, domain.Invalid("month", "the month %s has not begun", m)
	}
	if sub.Zero && (len(sub.Items) > 0 || len(listed) > 0) {
		return nil, domain.Invalid("zero", "a zero report (零报告) lists nothing, but %d items were raised in %s", len(sub.Items)+len(listed), m)
	}
	if !sub.Zero && len(sub.Items)+len(listed) == 0 {
		return nil, domain.Invalid("items", "list what the points raised, or submit a zero report (零报告)")
	}
	if len(sub.Items) > 500 {
		return nil, domain.Invalid("items", "lists at most 500 report items")
	}
	items := slices.Clone(listed)
	for i, in := range sub.Items {
		f := "items[" + strconv.Itoa(i) + "]"
		if !slices.Contains(points, in.PointID) {
			return nil, domain.Invalid(f+".pointId", "%q is not a point of workstation %s", in.PointID, ws)
		}
		if err := validItemKind(f+".kind", in.Kind); err != nil {
			return nil, err
		}
		t, err := text(f+".text", in.Text, 4000, true)
		if err != nil {
			return nil, err
		}
		n := in.Count
		if n == 0 {
			n = 1
		}
		if n < 1 || n > 10000 {
			return nil, domain.Invalid(f+".count", "counts from 1 to 10000 times")
		}
		if in.DepartmentID != "" {
			if err := checkID(f+".departmentId", in.DepartmentID); err != nil {
				return nil, err
			}
		}
		items = append(items, ReportItem{PointID: in.PointID, Kind: in.Kind, Text: t, Count: n, DepartmentID: in.DepartmentID})
	}
	return []Event{ReportSubmitted{WorkstationID: ws, Month: m, Zero: sub.Zero, Items: items, DueAt: due, Late: now.After(due), At: now}}, nil
}

// Overdue returns the event of a report not submitted by its due time,
// or nothing when it was submitted, is not yet due, or was already found
// overdue: raised once.
func (r *Report) Overdue(ws string, m Month, due, now time.Time) []Event {
	if r.Status != "" || now.Before(due) {
		return nil
	}
	return []Event{ReportOverdue{WorkstationID: ws, Month: m, DueAt: due, At: now}}
}

// Tally is how many opinions, suggestions and complaints one point raised
// in a report.
type Tally struct {
	PointID     string `json:"pointId"`
	Opinions    int    `json:"opinions"`
	Suggestions int    `json:"suggestions"`
	Complaints  int    `json:"complaints"`
}

// Tallies counts a report's items per point, in the order of points (the
// workstation's points: a point that raised nothing has a row of zeros).
func Tallies(points []string, items []ReportItem) []Tally {
	out := make([]Tally, 0, len(points))
	index := map[string]int{}
	for _, p := range points {
		index[p] = len(out)
		out = append(out, Tally{PointID: p})
	}
	for _, it := range items {
		i, ok := index[it.PointID]
		if !ok {
			i = len(out)
			index[it.PointID] = i
			out = append(out, Tally{PointID: it.PointID})
		}
		n := max(it.Count, 1)
		switch it.Kind {
		case ItemOpinion:
			out[i].Opinions += n
		case ItemSuggestion:
			out[i].Suggestions += n
		case ItemComplaint:
			out[i].Complaints += n
		}
	}
	return out
}
