package projections

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/network"
	"github.com/watchpost/watchpost/eventstore"
)

// states reads the state column of rows into values of S.
func states[S any](ctx context.Context, q eventstore.Querier, what, sql string, args ...any) ([]S, error) {
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return nil, eventstore.Database("projections: "+what, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (S, error) {
		var (
			raw []byte
			s   S
		)
		if err := r.Scan(&raw); err != nil {
			return s, err
		}
		return s, json.Unmarshal(raw, &s)
	})
	if err != nil {
		return nil, eventstore.Database("projections: "+what, err)
	}
	return out, nil
}

// one reads a single state, or the not-found error given.
func one[S any](ctx context.Context, q eventstore.Querier, what string, missing error, sql string, args ...any) (S, error) {
	list, err := states[S](ctx, q, what, sql, args...)
	if err != nil {
		var zero S
		return zero, err
	}
	if len(list) == 0 {
		var zero S
		return zero, missing
	}
	return list[0], nil
}

// GetWorkstation reads a workstation.
func GetWorkstation(ctx context.Context, q eventstore.Querier, id string) (network.Workstation, error) {
	return one[network.Workstation](ctx, q, "workstation", domain.NotFound("id", "no workstation %s", id),
		`SELECT state FROM proj.network_workstations WHERE id = $1`, id)
}

// ListWorkstations reads the workstations, by district and id.
func ListWorkstations(ctx context.Context, q eventstore.Querier) ([]network.Workstation, error) {
	return states[network.Workstation](ctx, q, "workstations", `SELECT state FROM proj.network_workstations ORDER BY district, id`)
}

// GetPoint reads a monitoring point.
func GetPoint(ctx context.Context, q eventstore.Querier, id string) (network.Point, error) {
	return one[network.Point](ctx, q, "point", domain.NotFound("id", "no monitoring point %s", id),
		`SELECT state FROM proj.network_points WHERE id = $1`, id)
}

// ListPoints reads the points, of one workstation when workstationID is
// set, by district and id.
func ListPoints(ctx context.Context, q eventstore.Querier, workstationID string) ([]network.Point, error) {
	return states[network.Point](ctx, q, "points", `SELECT state FROM proj.network_points
		WHERE $1 = '' OR workstation_id = $1 ORDER BY district, id`, workstationID)
}

// GetRoster reads a year's roster.
func GetRoster(ctx context.Context, q eventstore.Querier, year int) (network.Roster, error) {
	return one[network.Roster](ctx, q, "roster", domain.NotFound("year", "no roster for %d", year),
		`SELECT state FROM proj.network_rosters WHERE id = $1`, strconv.Itoa(year))
}

// GetSupervisor reads a supervisor.
func GetSupervisor(ctx context.Context, q eventstore.Querier, id string) (network.Supervisor, error) {
	return one[network.Supervisor](ctx, q, "supervisor", domain.NotFound("id", "no supervisor %s", id),
		`SELECT state FROM proj.network_supervisors WHERE id = $1`, id)
}

// SupervisorOfToken reads the active supervisor a token is bound to (the
// zero supervisor when none is).
func SupervisorOfToken(ctx context.Context, q eventstore.Querier, tokenID string) (network.Supervisor, error) {
	list, err := states[network.Supervisor](ctx, q, "supervisor", `SELECT state FROM proj.network_supervisors
		WHERE token_id = $1 ORDER BY id`, tokenID)
	if err != nil {
		return network.Supervisor{}, err
	}
	for _, s := range list {
		if s.Active {
			return s, nil
		}
	}
	return network.Supervisor{}, nil
}

// ListSupervisors reads the supervisors.
func ListSupervisors(ctx context.Context, q eventstore.Querier) ([]network.Supervisor, error) {
	return states[network.Supervisor](ctx, q, "supervisors", `SELECT state FROM proj.network_supervisors ORDER BY id`)
}

// GetVisit reads a visit.
func GetVisit(ctx context.Context, q eventstore.Querier, id string) (network.Visit, error) {
	return one[network.Visit](ctx, q, "visit", domain.NotFound("id", "no visit %s", id),
		`SELECT state FROM proj.network_visits WHERE id = $1`, id)
}

// ListVisits reads the visits of a month (all months: empty), of one
// supervisor when supervisorID is set, newest first.
func ListVisits(ctx context.Context, q eventstore.Querier, month network.Month, supervisorID string) ([]network.Visit, error) {
	return states[network.Visit](ctx, q, "visits", `SELECT state FROM proj.network_visits
		WHERE ($1 = '' OR month = $1) AND ($2 = '' OR supervisor_id = $2) ORDER BY visited_at DESC, id LIMIT 1000`, string(month), supervisorID)
}

// ListMeetings reads the quarterly meetings of a year.
func ListMeetings(ctx context.Context, q eventstore.Querier, year int) ([]network.Meetings, error) {
	return states[network.Meetings](ctx, q, "meetings", `SELECT state FROM proj.network_meetings WHERE id LIKE $1 ORDER BY id`,
		strconv.Itoa(year)+"-q%")
}

// GetReport reads a monthly report (the zero report, status "", when there
// is nothing yet).
func GetReport(ctx context.Context, q eventstore.Querier, id string) (network.Report, error) {
	list, err := states[network.Report](ctx, q, "report", `SELECT state FROM proj.network_reports WHERE id = $1`, id)
	if err != nil || len(list) == 0 {
		return network.Report{}, err
	}
	return list[0], nil
}

// ListReports reads the reports of a month (any: empty) with a status (any:
// empty), of one workstation when set.
func ListReports(ctx context.Context, q eventstore.Querier, month network.Month, status, workstationID string) ([]network.Report, error) {
	return states[network.Report](ctx, q, "reports", `SELECT state FROM proj.network_reports
		WHERE ($1 = '' OR month = $1) AND ($2 = '' OR status = $2) AND ($3 = '' OR workstation_id = $3)
		ORDER BY due_at, workstation_id LIMIT 5000`, string(month), status, workstationID)
}

// PointCase is a complaint a point filed, as a monthly report lists it.
type PointCase struct {
	ID, Title, PointID, DepartmentID string
	ReceivedAt                       time.Time
}

// PointCases lists the complaints the points filed that were received in
// [from, to).
func PointCases(ctx context.Context, q eventstore.Querier, points []string, from, to time.Time) ([]PointCase, error) {
	rows, err := q.Query(ctx, `SELECT id, title, monitoring_point_id, coalesce(respondent_department_id, ''), received_at
		FROM proj.cases WHERE monitoring_point_id = ANY($1) AND received_at >= $2 AND received_at < $3
		ORDER BY monitoring_point_id, received_at, id`, points, from, to)
	if err != nil {
		return nil, eventstore.Database("projections: point cases", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (PointCase, error) {
		var c PointCase
		err := r.Scan(&c.ID, &c.Title, &c.PointID, &c.DepartmentID, &c.ReceivedAt)
		return c, err
	})
	if err != nil {
		return nil, eventstore.Database("projections: point cases", err)
	}
	return out, nil
}

// EntryFilter selects two-way registration entries.
type EntryFilter struct {
	PointID, DepartmentID, Side string
	Points                      []string // only these points (nil: any)
	From, To                    time.Time
	Unmatched                   bool // only flagged entries still unpaired
	Limit                       int
}

// ListEntries reads entries, oldest first.
func ListEntries(ctx context.Context, q eventstore.Querier, f EntryFilter) ([]network.LedgerEntry, error) {
	var (
		where = []string{"true"}
		args  []any
	)
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if f.PointID != "" {
		where = append(where, "point_id = "+arg(f.PointID))
	}
	if f.Points != nil {
		where = append(where, "point_id = ANY("+arg(f.Points)+")")
	}
	if f.DepartmentID != "" {
		where = append(where, "department_id = "+arg(f.DepartmentID))
	}
	if f.Side != "" {
		where = append(where, "side = "+arg(f.Side))
	}
	if !f.From.IsZero() {
		where = append(where, "occurred_at >= "+arg(f.From))
	}
	if !f.To.IsZero() {
		where = append(where, "occurred_at < "+arg(f.To))
	}
	if f.Unmatched {
		where = append(where, "paired_with IS NULL AND flag IS NOT NULL")
	}
	if f.Limit <= 0 || f.Limit > 5000 {
		f.Limit = 5000
	}
	return states[network.LedgerEntry](ctx, q, "entries", `SELECT state FROM proj.network_entries WHERE `+strings.Join(where, " AND ")+`
		ORDER BY occurred_at, point_id, entry_id LIMIT `+arg(f.Limit), args...)
}

// GetEntry reads one entry.
func GetEntry(ctx context.Context, q eventstore.Querier, pointID, entryID string) (network.LedgerEntry, error) {
	return one[network.LedgerEntry](ctx, q, "entry", domain.NotFound("id", "no registration %s", network.EntryID(pointID, entryID)),
		`SELECT state FROM proj.network_entries WHERE point_id = $1 AND entry_id = $2`, pointID, entryID)
}

// WaitingEntries are the entries still unpaired and unflagged that were
// registered at or before an instant (at most limit), and the earliest
// registration time among the later ones (zero when none).
func WaitingEntries(ctx context.Context, q eventstore.Querier, before time.Time, limit int) ([]network.LedgerEntry, time.Time, error) {
	list, err := states[network.LedgerEntry](ctx, q, "waiting entries", `SELECT state FROM proj.network_entries
		WHERE paired_with IS NULL AND flag IS NULL AND registered_at <= $1 ORDER BY registered_at, point_id, entry_id LIMIT $2`, before, limit)
	if err != nil {
		return nil, time.Time{}, err
	}
	rows, err := q.Query(ctx, `SELECT min(registered_at) FROM proj.network_entries
		WHERE paired_with IS NULL AND flag IS NULL AND registered_at > $1`, before)
	if err != nil {
		return nil, time.Time{}, eventstore.Database("projections: waiting entries", err)
	}
	next, err := pgx.CollectExactlyOneRow(rows, pgx.RowTo[*time.Time])
	if err != nil {
		return nil, time.Time{}, eventstore.Database("projections: waiting entries", err)
	}
	if next == nil {
		return list, time.Time{}, nil
	}
	return list, *next, nil
}

// EntrySum is the monthly sum of one point's, department's and kind's
// entries (情况通报).
type EntrySum struct {
	PointID      string `json:"pointId"`
	DepartmentID string `json:"departmentId"`
	Kind         string `json:"kind"`
	Department   int    `json:"byDepartment"` // records of the department's side
	Point        int    `json:"byPoint"`      // records of the point's side
	Paired       int    `json:"paired"`       // pairs
	Unmatched    int    `json:"unmatched"`    // flagged and still unpaired
	AmountFen    int64  `json:"amountFen"`    // the amounts of the department's side and of the point's unpaired ones
	Amount       string `json:"amount"`       // the same, in 元
}

// SumEntries sums the entries that occurred in [from, to) per point,
// department and kind.
func SumEntries(ctx context.Context, q eventstore.Querier, from, to time.Time) ([]EntrySum, error) {
	rows, err := q.Query(ctx, `SELECT point_id, department_id, kind,
			count(*) FILTER (WHERE side = 'department'), count(*) FILTER (WHERE side = 'point'),
			count(*) FILTER (WHERE side = 'department' AND paired_with IS NOT NULL),
			count(*) FILTER (WHERE paired_with IS NULL AND flag IS NOT NULL),
			coalesce(sum(amount_fen) FILTER (WHERE side = 'department' OR paired_with IS NULL), 0)
		FROM proj.network_entries WHERE occurred_at >= $1 AND occurred_at < $2
		GROUP BY point_id, department_id, kind ORDER BY point_id, department_id, kind`, from, to)
	if err != nil {
		return nil, eventstore.Database("projections: entry sums", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (EntrySum, error) {
		var s EntrySum
		err := r.Scan(&s.PointID, &s.DepartmentID, &s.Kind, &s.Department, &s.Point, &s.Paired, &s.Unmatched, &s.AmountFen)
		s.Amount = network.FormatAmount(s.AmountFen)
		return s, err
	})
	if err != nil {
		return nil, eventstore.Database("projections: entry sums", err)
	}
	return out, nil
}

// OverdueReportsOnBoard are the monthly reports overdue and still not
// submitted, as entries of the supervisors' board (kind "monthly_report",
// level 催办, the workstation in place of the case's title).
func OverdueReportsOnBoard(ctx context.Context, q eventstore.Querier) ([]Escalation, error) {
	list, err := ListReports(ctx, q, "", network.StatusOverdue, "")
	if err != nil {
		return nil, err
	}
	out := make([]Escalation, 0, len(list))
	for _, r := range list {
		out = append(out, Escalation{CaseID: r.ID, Title: r.WorkstationID + " " + string(r.Month), Status: r.Status,
			ClockID: "monthly_report", Kind: KindMonthlyReport, Level: "urge", Rank: 1, DueAt: r.DueAt, RaisedAt: r.OverdueAt, Origin: "deadline"})
	}
	return out, nil
}

// KindMonthlyReport is the board's kind of an overdue monthly report.
const KindMonthlyReport = "monthly_report"

// MergeBoard puts more entries among a board's, most urgent first (highest
// level, then the oldest deadline), at most limit of them (0: the page
// size).
func MergeBoard(items, more []Escalation, limit int) []Escalation {
	if limit <= 0 || limit > MaxPageSize {
		limit = MaxPageSize
	}
	out := append(append([]Escalation{}, items...), more...)
	slices.SortStableFunc(out, func(a, b Escalation) int {
		if a.Rank != b.Rank {
			return b.Rank - a.Rank
		}
		if c := a.DueAt.Compare(b.DueAt); c != 0 {
			return c
		}
		return strings.Compare(a.CaseID, b.CaseID)
	})
	if len(out) > limit {
		out = out[:limit]
	}
	return out
}
