package network

import (
	"context"
	"slices"
	"time"

	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/access"
	"github.com/watchpost/watchpost/domain/network"
	"github.com/watchpost/watchpost/eventstore"
	"github.com/watchpost/watchpost/projections"
)

// ReportView is a workstation's monthly report (附表一) as it stands: the
// complaints its points filed in the month (listed from the cases), the
// items submitted, the counts per point, and whether it is on time.
type ReportView struct {
	ID            string               `json:"id"`
	WorkstationID string               `json:"workstationId"`
	Workstation   string               `json:"workstation"`
	Month         network.Month        `json:"month"`
	Status        string               `json:"status"` // open, submitted, overdue
	DueAt         time.Time            `json:"dueAt"`
	SubmittedAt   time.Time            `json:"submittedAt,omitzero"`
	Late          bool                 `json:"late"`
	OverdueAt     time.Time            `json:"overdueAt,omitzero"`
	Zero          bool                 `json:"zero"`
	Points        []ReportPoint        `json:"points"`
	Listed        []network.ReportItem `json:"listed"` // the complaints its points filed (a draft lists them; a submitted report carries them among its items)
	Items         []network.ReportItem `json:"items"`
	Tallies       []network.Tally      `json:"tallies"`
}

// ReportPoint names a point of the report.
type ReportPoint struct {
	ID   string            `json:"id"`
	Name string            `json:"name"`
	Kind network.PointKind `json:"kind"`
}

// reportPoints are the points a workstation reports for in a month: those
// of the month's year's published roster that belong to it, or, before a
// roster is published, its active points.
func (s *Service) reportPoints(ctx context.Context, ws string, m network.Month) ([]network.Point, error) {
	all, err := projections.ListPoints(ctx, s.d.Pool, ws)
	if err != nil {
		return nil, err
	}
	roster, err := projections.GetRoster(ctx, s.d.Pool, m.Year())
	if err != nil && domain.ErrorCode(err) != domain.CodeNotFound {
		return nil, err
	}
	return slices.DeleteFunc(all, func(p network.Point) bool {
		if roster.Published {
			return !slices.Contains(roster.Points, p.ID)
		}
		return !p.Active
	}), nil
}

// listed are the complaints the points filed in the month, as report items.
func (s *Service) listed(ctx context.Context, points []network.Point, m network.Month) ([]network.ReportItem, error) {
	ids := make([]string, len(points))
	for i, p := range points {
		ids[i] = p.ID
	}
	loc := s.d.Policy.Loc
	cs, err := projections.PointCases(ctx, s.d.Pool, ids, m.Start(loc), m.End(loc))
	if err != nil {
		return nil, err
	}
	out := make([]network.ReportItem, 0, len(cs))
	for _, c := range cs {
		out = append(out, network.ReportItem{PointID: c.PointID, Kind: network.ItemComplaint, Text: c.Title, Count: 1,
			DepartmentID: c.DepartmentID, CaseID: c.ID})
	}
	return out, nil
}

// report builds the view of a workstation's report of a month.
func (s *Service) report(ctx context.Context, w network.Workstation, m network.Month) (ReportView, error) {
	id := network.ReportID(w.ID, m)
	r, err := projections.GetReport(ctx, s.d.Pool, id)
	if err != nil {
		return ReportView{}, err
	}
	points, err := s.reportPoints(ctx, w.ID, m)
	if err != nil {
		return ReportView{}, err
	}
	v := ReportView{ID: id, WorkstationID: w.ID, Workstation: w.Name, Month: m, Status: r.Status, DueAt: s.d.Policy.ReportDue(m),
		SubmittedAt: r.SubmittedAt, Late: r.Late, OverdueAt: r.OverdueAt, Zero: r.Zero, Points: []ReportPoint{}, Items: []network.ReportItem{}}
	if v.Status == "" {
		v.Status = network.StatusOpen
	}
	if !r.DueAt.IsZero() {
		v.DueAt = r.DueAt
	}
	ids := []string{}
	for _, p := range points {
		v.Points = append(v.Points, ReportPoint{ID: p.ID, Name: p.Name, Kind: p.Kind})
		ids = append(ids, p.ID)
	}
	if r.Status == network.StatusSubmitted {
		v.Items = append(v.Items, r.Items...)
		v.Listed = []network.ReportItem{}
		for _, it := range r.Items {
			if it.CaseID != "" {
				v.Listed = append(v.Listed, it)
			}
		}
	} else if v.Listed, err = s.listed(ctx, points, m); err != nil {
		return ReportView{}, err
	}
	shown := v.Items
	if r.Status != network.StatusSubmitted {
		shown = v.Listed
	}
	v.Tallies = network.Tallies(ids, shown)
	return v, nil
}

// forPoint narrows a report to one point's own lines.
func forPoint(v ReportView, pointID string) ReportView {
	keep := func(items []network.ReportItem) []network.ReportItem {
		return slices.DeleteFunc(slices.Clone(items), func(it network.ReportItem) bool { return it.PointID != pointID })
	}
	v.Items, v.Listed = keep(v.Items), keep(v.Listed)
	v.Points = slices.DeleteFunc(v.Points, func(p ReportPoint) bool { return p.ID != pointID })
	v.Tallies = slices.DeleteFunc(v.Tallies, func(t network.Tally) bool { return t.PointID != pointID })
	return v
}

// Report reads a workstation's report of a month: the draft while it is
// open (the complaints its points filed, listed from the cases), the
// submission once made.
//
// Who: the center; a supervisor for the workstations they look after; the
// workstation's liaison; a point its own lines.
func (s *Service) Report(ctx context.Context, p access.Principal, workstationID string, m network.Month) (ReportView, error) {
	if err := access.Permit(p, access.ReadReports); err != nil {
		return ReportView{}, err
	}
	var (
		w   network.Workstation
		err error
	)
	own := ""
	if p.Role == access.RolePoint && p.PointID != workstationID {
		pt, err := s.point(ctx, p, p.PointID)
		if err != nil || pt.WorkstationID != workstationID {
			return ReportView{}, domain.NotFound("id", "no workstation %s", workstationID)
		}
		own = pt.ID
		if w, err = projections.GetWorkstation(ctx, s.d.Pool, workstationID); err != nil {
			return ReportView{}, err
		}
	} else if w, err = s.workstation(ctx, p, workstationID); err != nil {
		return ReportView{}, err
	}
	v, err := s.report(ctx, w, m)
	if err != nil || own == "" {
		return v, err
	}
	return forPoint(v, own), nil
}

// SubmitReport submits a workstation's report of a month: the complaints
// its points filed are carried over, the items given are added; a zero
// report (零报告) when nothing was raised. After the due day it is
// submitted late.
//
// Who: the workstation's liaison, and handlers for it.
func (s *Service) SubmitReport(ctx context.Context, p access.Principal, meta eventstore.Metadata, workstationID string, m network.Month,
	sub network.Submission) (ReportView, error) {
	if err := access.Permit(p, access.SubmitReport); err != nil {
		return ReportView{}, err
	}
	w, err := s.workstation(ctx, p, workstationID)
	if err != nil {
		return ReportView{}, err
	}
	if err := access.PermitWorkstation(p, workstationID); err != nil {
		return ReportView{}, err
	}
	if !w.ExpectsReport(m, s.d.Policy.Loc) {
		return ReportView{}, domain.Invalid("month", "workstation %s owes no report for %s", workstationID, m)
	}
	points, err := s.reportPoints(ctx, w.ID, m)
	if err != nil {
		return ReportView{}, err
	}
	listed, err := s.listed(ctx, points, m)
	if err != nil {
		return ReportView{}, err
	}
	ids := make([]string, len(points))
	for i, pt := range points {
		ids[i] = pt.ID
	}
	due := s.d.Policy.ReportDue(m)
	if _, err := execute(ctx, s, "submit_report", network.AggregateReport, network.ReportID(w.ID, m), meta,
		func(r *network.Report, now time.Time) ([]network.Event, error) {
			return r.Submit(w.ID, m, sub, ids, listed, due, s.d.Policy.Loc, now)
		}); err != nil {
		return ReportView{}, err
	}
	return s.report(ctx, w, m)
}

// Reports lists the reports of a month: for every workstation that owes
// one, its state (open, submitted, overdue).
//
// Who: the center; a supervisor the workstations they look after; a
// workstation's liaison its own.
func (s *Service) Reports(ctx context.Context, p access.Principal, m network.Month, status string) ([]ReportView, error) {
	if err := access.Permit(p, access.ReadReports); err != nil {
		return nil, err
	}
	all, err := projections.ListWorkstations(ctx, s.d.Pool)
	if err != nil {
		return nil, err
	}
	out := []ReportView{}
	for _, w := range all {
		r, err := s.record(ctx, p, "", w.ID)
		if err != nil {
			return nil, err
		}
		if !w.ExpectsReport(m, s.d.Policy.Loc) || !access.CanReadNetwork(p, r) {
			continue
		}
		v, err := s.report(ctx, w, m)
		if err != nil {
			return nil, err
		}
		if status == "" || v.Status == status {
			out = append(out, v)
		}
	}
	return out, nil
}

// Assessment is a workstation's year of reporting (004 §四.三): the months
// reported late or not at all bar it from being rated excellent (不得评先进).
type Assessment struct {
	WorkstationID string          `json:"workstationId"`
	Year          int             `json:"year"`
	OnTime        []network.Month `json:"onTime"`
	Late          []network.Month `json:"late"`
	Missing       []network.Month `json:"missing"`
	Eligible      bool            `json:"eligibleForExcellent"`
}

// Assessments judges each workstation's reporting in a year, counting the
// months whose reports have fallen due by now.
//
// Who: the center (not supervisors' scoping: handlers, leaders,
// administrators, and supervisors for the workstations they look after).
func (s *Service) Assessments(ctx context.Context, p access.Principal, year int) ([]Assessment, error) {
	if err := access.Permit(p, access.ExportNetwork); err != nil {
		return nil, err
	}
	if year < 2000 || year > 2200 {
		return nil, domain.Invalid("year", "%d is not a roster year (2000 to 2200)", year)
	}
	all, err := projections.ListWorkstations(ctx, s.d.Pool)
	if err != nil {
		return nil, err
	}
	now, loc := s.d.Clock(), s.d.Policy.Loc
	out := []Assessment{}
	for _, w := range all {
		r, err := s.record(ctx, p, "", w.ID)
		if err != nil {
			return nil, err
		}
		if !access.CanReadNetwork(p, r) {
			continue
		}
		a := Assessment{WorkstationID: w.ID, Year: year, OnTime: []network.Month{}, Late: []network.Month{}, Missing: []network.Month{}}
		for mo := 1; mo <= 12; mo++ {
			m := network.MonthOf(time.Date(year, time.Month(mo), 1, 12, 0, 0, 0, loc), loc)
			if !w.ExpectsReport(m, loc) || s.d.Policy.ReportDue(m).After(now) {
				continue
			}
			rep, err := projections.GetReport(ctx, s.d.Pool, network.ReportID(w.ID, m))
			if err != nil {
				return nil, err
			}
			switch {
			case rep.Status == network.StatusSubmitted && !rep.Late:
				a.OnTime = append(a.OnTime, m)
			case rep.Status == network.StatusSubmitted:
				a.Late = append(a.Late, m)
			default:
				a.Missing = append(a.Missing, m)
			}
		}
		a.Eligible = len(a.Late) == 0 && len(a.Missing) == 0
		out = append(out, a)
	}
	return out, nil
}
