package escalation

import (
	"context"

	"github.com/watchpost/watchpost/domain/access"
	"github.com/watchpost/watchpost/domain/ladder"
	"github.com/watchpost/watchpost/projections"
)

// Lane is one column of the board: its most urgent entries, as many as
// were asked for, and how many it holds in all.
type Lane struct {
	Rank  int // 0 临期, then the supervision levels
	Items []projections.Escalation
	Total int
}

// AllLanes asks Lanes for every column.
const AllLanes = -1

// Lanes reads the board column by column, each with its own limit, so
// that a crowded level does not hide the others: the deadlines in their
// last day, then each supervision level, the most urgent entries first.
// With only a rank, only that column.
//
// Who: as Escalations.
func (b *Board) Lanes(ctx context.Context, p access.Principal, dept string, only, perLane int) ([]Lane, error) {
	if err := access.Permit(p, access.ReadBoard); err != nil {
		return nil, err
	}
	dept, err := access.ScopeDepartment(p, dept)
	if err != nil {
		return nil, err
	}
	lc, err := b.calendar(ctx)
	if err != nil {
		return nil, err
	}
	counts, err := projections.CountEscalations(ctx, b.pool, dept)
	if err != nil {
		return nil, err
	}
	var lanes []Lane
	if only == AllLanes || only == int(ladder.Warning) {
		items, err := b.Approaching(ctx, p, dept, perLane)
		if err != nil {
			return nil, err
		}
		total, err := b.countApproaching(ctx, dept, lc)
		if err != nil {
			return nil, err
		}
		lanes = append(lanes, Lane{Rank: int(ladder.Warning), Items: items, Total: total})
	}
	for _, l := range ladder.Levels() {
		if only != AllLanes && only != int(l) {
			continue
		}
		f := projections.EscalationFilter{DepartmentID: dept, Rank: int(l), Limit: perLane}
		items, reports, err := b.escalations(ctx, p, f)
		if err != nil {
			return nil, err
		}
		lanes = append(lanes, Lane{Rank: int(l), Items: items, Total: counts[int(l)] + reports})
	}
	return lanes, nil
}
