package reports

import (
	"context"
	"time"

	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/access"
	"github.com/watchpost/watchpost/domain/finding"
	"github.com/watchpost/watchpost/domain/trend"
	"github.com/watchpost/watchpost/eventstore"
	"github.com/watchpost/watchpost/projections"
)

// FindingQuery selects findings.
type FindingQuery struct {
	Status []finding.Status
	Kind   trend.Kind
	Cursor string
	Limit  int
}

// Findings lists findings, the most recently updated first.
//
// Who (for this and Finding): supervisors.
func (s *Service) Findings(ctx context.Context, p access.Principal, q FindingQuery) (FindingList, error) {
	if err := access.Permit(p, access.ReadTrendFindings); err != nil {
		return FindingList{}, err
	}
	for _, st := range q.Status {
		if st != finding.StatusOpen && st != finding.StatusEnded && st != finding.StatusDismissed {
			return FindingList{}, domain.Invalid("status", "%q is not a status of a finding: open, ended or dismissed", st)
		}
	}
	if q.Kind != "" && q.Kind != trend.Tendency && q.Kind != trend.Widespread && q.Kind != trend.Emerging {
		return FindingList{}, domain.Invalid("kind", "%q is not a kind of finding: tendency, widespread or emerging", q.Kind)
	}
	page, err := projections.ListFindings(ctx, s.d.Pool, projections.FindingFilter{Status: q.Status, Kind: q.Kind, Cursor: q.Cursor, Limit: q.Limit})
	if err != nil {
		return FindingList{}, err
	}
	out := FindingList{Items: []FindingView{}, Next: page.Next}
	for _, f := range page.Items {
		out.Items = append(out.Items, findingView(f))
	}
	return out, nil
}

// Finding reads one finding with its evidence: the cases behind it and
// the chart of its cell.
func (s *Service) Finding(ctx context.Context, p access.Principal, id string) (FindingDetail, error) {
	if err := access.Permit(p, access.ReadTrendFindings); err != nil {
		return FindingDetail{}, err
	}
	f, err := s.finding(ctx, id)
	if err != nil {
		return FindingDetail{}, err
	}
	return s.detail(ctx, f)
}

func (s *Service) finding(ctx context.Context, id string) (finding.Finding, error) {
	if !finding.ValidID(id) {
		return finding.Finding{}, domain.NotFound("id", "no finding %s", id)
	}
	return projections.GetFinding(ctx, s.d.Pool, id)
}

func (s *Service) detail(ctx context.Context, f finding.Finding) (FindingDetail, error) {
	out := FindingDetail{FindingView: findingView(f), CaseLines: []CaseLine{}}
	lines, err := projections.ReportCases(ctx, s.d.Pool, f.Cases)
	if err != nil {
		return out, err
	}
	for _, c := range lines {
		out.CaseLines = append(out.CaseLines, caseLine(c))
	}
	if out.Chart, err = s.chart(ctx, f.ID, f.Cell, f.LastRaised); err != nil {
		return out, err
	}
	return out, nil
}

// DismissFinding sets a finding aside, with the reason.
//
// Who: supervisors.
func (s *Service) DismissFinding(ctx context.Context, p access.Principal, meta eventstore.Metadata, id, reason string) (FindingDetail, error) {
	if err := access.Permit(p, access.DismissTrendFinding); err != nil {
		return FindingDetail{}, err
	}
	if !finding.ValidID(id) {
		return FindingDetail{}, domain.NotFound("id", "no finding %s", id)
	}
	res, err := s.execFinding(ctx, "dismiss_trend", id, meta, func(f *finding.Finding, now time.Time) ([]finding.Event, error) {
		if f.Version == 0 {
			return nil, domain.NotFound("id", "no finding %s", id)
		}
		return f.Dismiss(reason, p.TokenID, now)
	})
	if err != nil {
		return FindingDetail{}, err
	}
	if err := s.settle(ctx, id, res.LastSeq); err != nil {
		return FindingDetail{}, err
	}
	f, err := s.finding(ctx, id)
	if err != nil {
		return FindingDetail{}, err
	}
	return s.detail(ctx, f)
}
