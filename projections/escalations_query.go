package projections

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/ladder"
	"github.com/watchpost/watchpost/eventstore"
)

// Escalation is an open escalation on the supervisors' board: a clock still
// open whose deadline passed and whose ladder was climbed.
type Escalation struct {
	CaseID       string    `json:"caseId"`
	Title        string    `json:"title"`
	Status       string    `json:"status"`
	ClockID      string    `json:"clock"`
	Kind         string    `json:"kind"`
	Level        string    `json:"level"` // the highest step raised
	Rank         int       `json:"rank"`  // 1 催办, 2 督办, 3 挂牌督办
	DepartmentID string    `json:"departmentId,omitempty"`
	DueAt        time.Time `json:"dueAt"` // the deadline missed; for a supervision ordered by hand, when it was ordered
	RaisedAt     time.Time `json:"raisedAt"`
	// Origin is who put the case on the board: "deadline" (the clocks
	// raised it) or "supervisor" (ordered by hand, kind "supervision").
	Origin       string `json:"origin"`
	WorkdaysLate int    `json:"workdaysLate"` // filled by the caller, who has the calendar
}

// EscalationFilter selects board entries.
type EscalationFilter struct {
	DepartmentID string
	MinRank      int
	Rank         int // only this level (0: any)
	Kind         string
	Limit        int
}

// ListEscalations returns the open escalations, most urgent first: highest
// level, then the oldest deadline.
func ListEscalations(ctx context.Context, q eventstore.Querier, f EscalationFilter) ([]Escalation, error) {
	if f.Limit <= 0 || f.Limit > MaxPageSize {
		f.Limit = MaxPageSize
	}
	var (
		where = []string{"true"}
		args  []any
	)
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if f.DepartmentID != "" {
		where = append(where, "b.department_id = "+arg(f.DepartmentID))
	}
	if f.Kind != "" {
		where = append(where, "b.kind = "+arg(f.Kind))
	}
	if f.MinRank > 0 {
		where = append(where, "b.rank >= "+arg(f.MinRank))
	}
	if f.Rank > 0 {
		where = append(where, "b.rank = "+arg(f.Rank))
	}
	rows, err := q.Query(ctx, `SELECT b.case_id, c.title, c.status, b.clock_id, b.kind, b.level, b.rank,
			coalesce(b.department_id, ''), b.due_at, b.raised_at, b.origin
		FROM proj.escalation_board b JOIN proj.cases c ON c.id = b.case_id
		WHERE `+strings.Join(where, " AND ")+`
		ORDER BY b.rank DESC, b.due_at, b.case_id LIMIT `+arg(f.Limit), args...)
	if err != nil {
		return nil, eventstore.Database("projections: escalations", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Escalation, error) {
		var e Escalation
		err := r.Scan(&e.CaseID, &e.Title, &e.Status, &e.ClockID, &e.Kind, &e.Level, &e.Rank, &e.DepartmentID, &e.DueAt, &e.RaisedAt, &e.Origin)
		return e, err
	})
	if err != nil {
		return nil, eventstore.Database("projections: escalations", err)
	}
	return out, nil
}

// CountEscalations counts the open escalations by level, of one
// department or ("") of all.
func CountEscalations(ctx context.Context, q eventstore.Querier, dept string) (map[int]int, error) {
	rows, err := q.Query(ctx, `SELECT rank, count(*) FROM proj.escalation_board
		WHERE $1 = '' OR department_id = $1 GROUP BY rank`, dept)
	if err != nil {
		return nil, eventstore.Database("projections: count escalations", err)
	}
	defer rows.Close()
	out := map[int]int{}
	for rows.Next() {
		var rank, n int
		if err := rows.Scan(&rank, &n); err != nil {
			return nil, eventstore.Database("projections: count escalations", err)
		}
		out[rank] = n
	}
	if err := rows.Err(); err != nil {
		return nil, eventstore.Database("projections: count escalations", err)
	}
	return out, nil
}

// CaseDeadline is one clock of a case as the case view shows it.
type CaseDeadline struct {
	ClockID         string     `json:"clock"`
	Kind            string     `json:"kind"`
	Round           int        `json:"round"`
	DepartmentID    string     `json:"departmentId,omitempty"`
	StartedAt       time.Time  `json:"startedAt"`
	DueAt           *time.Time `json:"dueAt,omitempty"`
	Open            bool       `json:"open"`
	Suspended       bool       `json:"suspended"`
	Outcome         string     `json:"outcome,omitempty"`
	EndedAt         *time.Time `json:"endedAt,omitempty"`
	Problem         string     `json:"problem,omitempty"`
	Version         int        `json:"version"`
	CalendarVersion string     `json:"calendarVersion,omitempty"`
	Overdue         bool       `json:"overdue"`
	WorkdaysLeft    *int       `json:"workdaysLeft,omitempty"` // filled by the caller
	WorkdaysLate    *int       `json:"workdaysLate,omitempty"` // filled by the caller
}

// CaseDeadlines reads a case's clocks.
func CaseDeadlines(ctx context.Context, q eventstore.Querier, caseID string, now time.Time) ([]CaseDeadline, error) {
	out, err := caseDeadlines(ctx, q, caseID)
	for i := range out {
		out[i].Judge(now)
	}
	return out, err
}

// Judge sets whether the deadline was (or is, at now) overdue.
func (d *CaseDeadline) Judge(now time.Time) {
	if d.DueAt == nil {
		return
	}
	end := now
	if d.EndedAt != nil {
		end = *d.EndedAt
	}
	d.Overdue = !d.Suspended && end.After(*d.DueAt)
}

func caseDeadlines(ctx context.Context, q eventstore.Querier, caseID string) ([]CaseDeadline, error) {
	rows, err := q.Query(ctx, `SELECT clock_id, kind, round, coalesce(department_id, ''), started_at, due_at, open, suspended,
			coalesce(outcome, ''), ended_at, coalesce(problem, ''), version, coalesce(calendar_version, '')
		FROM proj.deadlines WHERE case_id = $1 ORDER BY started_at, clock_id`, caseID)
	if err != nil {
		return nil, eventstore.Database("projections: deadlines", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (CaseDeadline, error) {
		var d CaseDeadline
		err := r.Scan(&d.ClockID, &d.Kind, &d.Round, &d.DepartmentID, &d.StartedAt, &d.DueAt, &d.Open, &d.Suspended,
			&d.Outcome, &d.EndedAt, &d.Problem, &d.Version, &d.CalendarVersion)
		return d, err
	})
	if err != nil {
		return nil, eventstore.Database("projections: deadlines", err)
	}
	return out, nil
}

// ParseRank reads a board level filter: 1, 2 or 3.
func ParseRank(s string) (int, error) {
	l, ok := ladder.ParseRank(s)
	if !ok {
		return 0, domain.Invalid("level", "1 (催办), 2 (督办) or 3 (挂牌督办)")
	}
	return int(l), nil
}
