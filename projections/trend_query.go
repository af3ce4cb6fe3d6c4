package projections

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/watchpost/watchpost/domain/finding"
	"github.com/watchpost/watchpost/domain/trend"
	"github.com/watchpost/watchpost/eventstore"
)

// TrendCount is one cell's count on one day, with the distinct sources
// behind it.
type TrendCount struct {
	Cell        finding.Cell
	Day         trend.Date
	Cases       int
	Points      []string
	Districts   []string
	Departments []string
}

// TrendCountsCheckpoint is how far in the archive the trend counts are.
func TrendCountsCheckpoint(ctx context.Context, q eventstore.Querier) (uint64, error) {
	rows, err := q.Query(ctx, `SELECT seq FROM `+Schema+`.checkpoints WHERE name = $1`, TrendCounts{}.Name())
	if err != nil {
		return 0, eventstore.Database("projections: trend counts checkpoint", err)
	}
	seqs, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return 0, eventstore.Database("projections: trend counts checkpoint", err)
	}
	if len(seqs) == 0 {
		return 0, nil
	}
	return uint64(seqs[0]), nil
}

// TrendEpoch is the first day any case was received on (ok false before
// the first case): the counts know nothing of the days before it.
func TrendEpoch(ctx context.Context, q eventstore.Querier) (trend.Date, bool, error) {
	rows, err := q.Query(ctx, `SELECT min(day) FROM `+Schema+`.trend_counts`)
	if err != nil {
		return 0, false, eventstore.Database("projections: trend epoch", err)
	}
	day, err := pgx.CollectExactlyOneRow(rows, pgx.RowTo[*time.Time])
	if err != nil {
		return 0, false, eventstore.Database("projections: trend epoch", err)
	}
	if day == nil {
		return 0, false, nil
	}
	return trend.DateOf(day.Date()), true, nil
}

// TrendWindow reads every cell's counts from one day to another (both
// included), ordered by cell and day; only days with cases are there. With
// cells, only those cells.
func TrendWindow(ctx context.Context, q eventstore.Querier, from, to trend.Date, cells ...finding.Cell) ([]TrendCount, error) {
	sql := `SELECT dimension, a, b, day, cases, points, districts, departments FROM ` + Schema + `.trend_counts
		WHERE day BETWEEN $1::date AND $2::date`
	args := []any{from.String(), to.String()}
	if len(cells) > 0 {
		var dims, as, bs []string
		for _, c := range cells {
			a, b := c.Parts()
			dims, as, bs = append(dims, string(c.Dimension)), append(as, a), append(bs, b)
		}
		sql += ` AND (dimension, a, b) IN (SELECT * FROM unnest($3::text[], $4::text[], $5::text[]))`
		args = append(args, dims, as, bs)
	}
	sql += ` ORDER BY dimension, a, b, day`
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return nil, eventstore.Database("projections: trend window", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (TrendCount, error) {
		var (
			c       TrendCount
			dim     string
			a, b    string
			day     time.Time
			pts, ds []string
			deps    []string
		)
		if err := r.Scan(&dim, &a, &b, &day, &c.Cases, &pts, &ds, &deps); err != nil {
			return c, err
		}
		c.Cell = finding.CellOf(finding.Dimension(dim), a, b)
		c.Day = trend.DateOf(day.Date())
		c.Points, c.Districts, c.Departments = pts, ds, deps
		return c, nil
	})
	if err != nil {
		return nil, eventstore.Database("projections: trend window", err)
	}
	return out, nil
}

// TrendCases lists the cases counted in a cell from one day to another
// (both included), sorted, at most limit of them, and how many there are.
func TrendCases(ctx context.Context, q eventstore.Querier, c finding.Cell, from, to trend.Date, limit int) ([]string, int, error) {
	a, b := c.Parts()
	rows, err := q.Query(ctx, `SELECT case_id, count(*) OVER () FROM `+Schema+`.trend_case_cells
		WHERE dimension = $1 AND a = $2 AND b = $3 AND day BETWEEN $4::date AND $5::date ORDER BY case_id LIMIT $6`,
		string(c.Dimension), a, b, from.String(), to.String(), limit)
	if err != nil {
		return nil, 0, eventstore.Database("projections: trend cases", err)
	}
	var (
		ids   []string
		total int
		id    string
	)
	if _, err := pgx.ForEachRow(rows, []any{&id, &total}, func() error { ids = append(ids, id); return nil }); err != nil {
		return nil, 0, eventstore.Database("projections: trend cases", err)
	}
	return ids, total, nil
}
