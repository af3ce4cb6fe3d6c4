package escalation

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/access"
	"github.com/watchpost/watchpost/projections"
)

// Board answers the supervisors' questions: what is overdue now, and how
// each department keeps its deadlines.
type Board struct {
	pool     *pgxpool.Pool
	calendar func(ctx context.Context) (projections.LoadedCalendar, error)
	clock    func() time.Time
}

// NewBoard returns the board.
func NewBoard(pool *pgxpool.Pool, calendar func(ctx context.Context) (projections.LoadedCalendar, error), clock func() time.Time) *Board {
	return &Board{pool: pool, calendar: calendar, clock: clock}
}

// Escalations lists the open escalations, most urgent first, with how many
// working days each is late.
//
// Who: supervisors, handlers, leaders; a department its own.
func (b *Board) Escalations(ctx context.Context, p access.Principal, f projections.EscalationFilter) ([]projections.Escalation, error) {
	if err := access.Permit(p, access.ReadBoard); err != nil {
		return nil, err
	}
	dept, err := access.ScopeDepartment(p, f.DepartmentID)
	if err != nil {
		return nil, err
	}
	f.DepartmentID = dept
	items, _, err := b.escalations(ctx, p, f)
	return items, err
}

// escalations lists the entries of a filter whose department is already
// scoped, with how many working days each is late, and says how many
// overdue monthly reports it found for the view.
func (b *Board) escalations(ctx context.Context, p access.Principal, f projections.EscalationFilter) ([]projections.Escalation, int, error) {
	items, err := projections.ListEscalations(ctx, b.pool, f)
	if err != nil {
		return nil, 0, err
	}
	reports, err := b.overdueReports(ctx, p, f)
	if err != nil {
		return nil, 0, err
	}
	if len(reports) > 0 {
		items = projections.MergeBoard(items, reports, f.Limit)
	}
	lc, err := b.calendar(ctx)
	if err != nil {
		return nil, 0, err
	}
	now := b.clock()
	for i := range items {
		if n, err := lc.Calendar.WorkdaysLate(items[i].DueAt, now); err == nil {
			items[i].WorkdaysLate = n
		}
	}
	return items, len(reports), nil
}

// overdueReports are the monthly reports overdue (附表一) when the view
// shows them: they are the center's, at level 1.
func (b *Board) overdueReports(ctx context.Context, p access.Principal, f projections.EscalationFilter) ([]projections.Escalation, error) {
	if !p.Center() || f.DepartmentID != "" || f.MinRank > 1 || f.Rank > 1 || (f.Kind != "" && f.Kind != projections.KindMonthlyReport) {
		return nil, nil
	}
	return projections.OverdueReportsOnBoard(ctx, b.pool)
}

// maxPeriod bounds the period of the timeliness figures.
const maxPeriod = 400 * 24 * time.Hour

// Timeliness counts the departments' (or one department's) kept and missed
// deadlines that fell due in [from, to); zero times mean the last month.
//
// Who: as Escalations.
func (b *Board) Timeliness(ctx context.Context, p access.Principal, dept string, from, to time.Time) ([]projections.Timeliness, error) {
	if err := access.Permit(p, access.ReadBoard); err != nil {
		return nil, err
	}
	dept, err := access.ScopeDepartment(p, dept)
	if err != nil {
		return nil, err
	}
	now := b.clock()
	if to.IsZero() {
		to = now
	}
	if from.IsZero() {
		from = now.AddDate(0, -1, 0)
	}
	if !from.Before(to) || to.Sub(from) > maxPeriod {
		return nil, domain.Invalid("to", "must come after from, at most 400 days later")
	}
	return projections.DepartmentTimeliness(ctx, b.pool, dept, from, to, now)
}
