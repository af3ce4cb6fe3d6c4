package cases

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/access"
	"github.com/watchpost/watchpost/eventstore"
)

// Overview is what the cases a principal may see add up to: how many are
// open in each status, and how many were received each week by category
// and by issue type.
type Overview struct {
	Open map[string]int // status → cases not closed
	// Weeks are the Mondays (YYYY-MM-DD, in the zone asked for) of the
	// weeks counted, oldest first.
	Weeks       []string
	ByCategory  map[string][]int // category → cases received per week
	ByIssueType map[string][]int // issue type → cases received per week
}

// maxOverviewWeeks bounds the weeks of an overview.
const maxOverviewWeeks = 104

// Overview counts the cases p may see; the weeks are the ones that begin
// in [from, to), weeks starting on Monday in zone.
//
// Who: as List (a department counts its own cases, a point its own).
func (s *Service) Overview(ctx context.Context, p access.Principal, from, to time.Time, zone *time.Location) (Overview, error) {
	if err := access.Permit(p, access.ReadCases); err != nil {
		return Overview{}, err
	}
	scope, err := access.ScopeCases(p, access.Scope{})
	if err != nil {
		return Overview{}, err
	}
	start := monday(from.In(zone))
	var weeks []string
	for d := start; d.Before(to); d = d.AddDate(0, 0, 7) {
		weeks = append(weeks, d.Format(time.DateOnly))
	}
	if len(weeks) == 0 || len(weeks) > maxOverviewWeeks {
		return Overview{}, domain.Invalid("to", "must come after from, at most %d weeks later", maxOverviewWeeks)
	}
	out := Overview{Open: map[string]int{}, Weeks: weeks, ByCategory: map[string][]int{}, ByIssueType: map[string][]int{}}
	rows, err := s.d.Pool.Query(ctx, `SELECT status, count(*) FROM proj.cases
		WHERE status <> 'closed' AND ($1 = '' OR department_id = $1) AND ($2 = '' OR monitoring_point_id = $2)
		GROUP BY status`, scope.DepartmentID, scope.MonitoringPointID)
	if err != nil {
		return Overview{}, eventstore.Database("cases: overview", err)
	}
	var (
		status string
		n      int
	)
	if _, err := pgx.ForEachRow(rows, []any{&status, &n}, func() error { out.Open[status] = n; return nil }); err != nil {
		return Overview{}, eventstore.Database("cases: overview", err)
	}
	_, offset := start.Zone()
	index := map[string]int{}
	for i, w := range weeks {
		index[w] = i
	}
	for column, into := range map[string]map[string][]int{"categories": out.ByCategory, "issue_types": out.ByIssueType} {
		// Weeks are cut at the zone's offset at the start of the period
		// (the zones of the service, China's, keep one all year).
		rows, err := s.d.Pool.Query(ctx, `SELECT to_char(date_trunc('week', (received_at AT TIME ZONE 'UTC') + make_interval(secs => $1)), 'YYYY-MM-DD'), code, count(*)
			FROM proj.cases, unnest(`+column+`) AS code
			WHERE received_at >= $2 AND received_at < $3 AND ($4 = '' OR department_id = $4) AND ($5 = '' OR monitoring_point_id = $5)
			GROUP BY 1, 2`, float64(offset), start, to, scope.DepartmentID, scope.MonitoringPointID)
		if err != nil {
			return Overview{}, eventstore.Database("cases: overview", err)
		}
		var week, code string
		if _, err := pgx.ForEachRow(rows, []any{&week, &code, &n}, func() error {
			i, ok := index[week]
			if !ok {
				return nil
			}
			if into[code] == nil {
				into[code] = make([]int, len(weeks))
			}
			into[code][i] += n
			return nil
		}); err != nil {
			return Overview{}, eventstore.Database("cases: overview", err)
		}
	}
	return out, nil
}

// monday is the start of the week of t (Monday, 00:00 in t's zone).
func monday(t time.Time) time.Time {
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location())
	return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
}
