package escalation

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/watchpost/watchpost/domain/access"
	"github.com/watchpost/watchpost/domain/ladder"
	"github.com/watchpost/watchpost/eventstore"
	"github.com/watchpost/watchpost/projections"
)

// Approaching lists the open deadlines whose last working day has begun
// (临期: each ends tonight) and that have not escalated, soonest first. They
// are the board's first column, before the supervision levels.
//
// Who: as Escalations.
func (b *Board) Approaching(ctx context.Context, p access.Principal, dept string, limit int) ([]projections.Escalation, error) {
	if err := access.Permit(p, access.ReadBoard); err != nil {
		return nil, err
	}
	dept, err := access.ScopeDepartment(p, dept)
	if err != nil {
		return nil, err
	}
	if limit <= 0 || limit > projections.MaxPageSize {
		limit = projections.MaxPageSize
	}
	lc, err := b.calendar(ctx)
	if err != nil {
		return nil, err
	}
	now, tonight := lastDay(b.clock(), lc)
	rows, err := b.pool.Query(ctx, `SELECT d.case_id, c.title, c.status, d.clock_id, d.kind, coalesce(d.department_id, ''), d.due_at
		FROM proj.deadlines d JOIN proj.cases c ON c.id = d.case_id
		WHERE `+approachingWhere+`
		ORDER BY d.due_at, d.case_id LIMIT $4`, now, tonight, dept, limit)
	if err != nil {
		return nil, eventstore.Database("escalation: approaching", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (projections.Escalation, error) {
		e := projections.Escalation{Level: string(ladder.Approaching), Rank: int(ladder.Warning)}
		err := r.Scan(&e.CaseID, &e.Title, &e.Status, &e.ClockID, &e.Kind, &e.DepartmentID, &e.DueAt)
		return e, err
	})
	if err != nil {
		return nil, eventstore.Database("escalation: approaching", err)
	}
	return out, nil
}

// approachingWhere selects the deadlines in their last day ($1 now, $2 the
// coming midnight) of a department ($3; empty for all) not escalated yet.
const approachingWhere = `d.open AND NOT d.suspended AND d.due_at > $1 AND d.due_at <= $2 AND ($3 = '' OR d.department_id = $3)
	AND NOT EXISTS (SELECT 1 FROM proj.escalation_board e WHERE e.case_id = d.case_id AND e.clock_id = d.clock_id)`

// lastDay is now and the coming midnight: a deadline is the end of its
// last working day, so those that end by that midnight are in their last
// day now.
func lastDay(now time.Time, lc projections.LoadedCalendar) (time.Time, time.Time) {
	local := now.In(lc.Calendar.Location())
	return now, time.Date(local.Year(), local.Month(), local.Day()+1, 0, 0, 0, 0, local.Location())
}

// countApproaching counts the deadlines Approaching lists.
func (b *Board) countApproaching(ctx context.Context, dept string, lc projections.LoadedCalendar) (int, error) {
	now, tonight := lastDay(b.clock(), lc)
	var n int
	if err := b.pool.QueryRow(ctx, `SELECT count(*) FROM proj.deadlines d WHERE `+approachingWhere, now, tonight, dept).Scan(&n); err != nil {
		return 0, eventstore.Database("escalation: count approaching", err)
	}
	return n, nil
}
