package ratings

import (
	"context"

	netsvc "github.com/watchpost/watchpost/cmd/internal/network"
	"github.com/watchpost/watchpost/domain/access"
	"github.com/watchpost/watchpost/domain/rating"
)

// yearEndTool is the principal the year-end selection reads the network's
// reporting as: the caller has already been allowed to read the selection.
var yearEndTool = access.Tool("ratings: year-end selection")

// ReportsFrom reads the workstations' monthly reporting of a year from the
// network's assessments, for Deps.ReportRecords.
func ReportsFrom(n *netsvc.Service) func(ctx context.Context, year int) ([]rating.ReportRecord, error) {
	return func(ctx context.Context, year int) ([]rating.ReportRecord, error) {
		as, err := n.Assessments(ctx, yearEndTool, year)
		if err != nil {
			return nil, err
		}
		out := make([]rating.ReportRecord, 0, len(as))
		for _, a := range as {
			r := rating.ReportRecord{Workstation: a.WorkstationID}
			for _, m := range a.Late {
				if p, err := rating.ParsePeriod("late", string(m)); err == nil {
					r.Late = append(r.Late, p)
				}
			}
			for _, m := range a.Missing {
				if p, err := rating.ParsePeriod("missing", string(m)); err == nil {
					r.Missing = append(r.Missing, p)
				}
			}
			out = append(out, r)
		}
		return out, nil
	}
}
