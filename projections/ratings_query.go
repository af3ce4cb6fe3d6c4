package projections

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/watchpost/watchpost/domain/rating"
	"github.com/watchpost/watchpost/eventstore"
)

// The queries of the ratings' read models. Every one names the live schema.

func dbErr(op string, err error) error { return eventstore.Database("projections: "+op, err) }

// RatingsPosition is how far the ratings projection has come in the log.
func RatingsPosition(ctx context.Context, q eventstore.Querier) (uint64, error) {
	rows, err := q.Query(ctx, `SELECT coalesce((SELECT seq FROM proj.checkpoints WHERE name = $1), 0)`, RatingsCheckpoint)
	if err != nil {
		return 0, dbErr("ratings position", err)
	}
	seq, err := pgx.CollectExactlyOneRow(rows, pgx.RowTo[int64])
	if err != nil {
		return 0, dbErr("ratings position", err)
	}
	return uint64(seq), nil
}

// WaitRatings waits until the ratings projection holds seq, looking every
// poll, or until ctx ends (eventstore.ErrNotProjected).
func WaitRatings(ctx context.Context, q eventstore.Querier, seq uint64, poll time.Duration) error {
	for {
		at, err := RatingsPosition(ctx, q)
		if err == nil && at >= seq {
			return nil
		}
		if err != nil && ctx.Err() == nil && !errors.Is(err, eventstore.ErrUnavailable) {
			return err
		}
		t := time.NewTimer(poll)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("%w: the ratings at %d, waiting for %d: %w", eventstore.ErrNotProjected, at, seq, ctx.Err())
		case <-t.C:
		}
	}
}

// ClosedRatingPeriods lists the closed periods.
func ClosedRatingPeriods(ctx context.Context, q eventstore.Querier) ([]rating.Period, error) {
	out, err := closedPeriods(ctx, q, "proj.rating_periods")
	if err != nil {
		return nil, dbErr("closed periods", err)
	}
	return out, nil
}

// ClosedRatingPeriod is a closed period as the read model holds it.
type ClosedRatingPeriod struct {
	Period   rating.Period      `json:"period"`
	AsOf     uint64             `json:"asOf"`
	ClosedAt time.Time          `json:"closedAt"`
	Seq      uint64             `json:"seq"`
	Schemes  []rating.SchemeUse `json:"schemes"`
}

// GetClosedRatingPeriod reads a closed period; false when it is open.
func GetClosedRatingPeriod(ctx context.Context, q eventstore.Querier, p rating.Period) (ClosedRatingPeriod, bool, error) {
	rows, err := q.Query(ctx, `SELECT as_of, closed_at, seq, schemes FROM proj.rating_periods WHERE period = $1`, p.String())
	if err != nil {
		return ClosedRatingPeriod{}, false, dbErr("closed period", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (ClosedRatingPeriod, error) {
		c := ClosedRatingPeriod{Period: p}
		var (
			asOf, seq int64
			raw       []byte
		)
		if err := r.Scan(&asOf, &c.ClosedAt, &seq, &raw); err != nil {
			return c, err
		}
		c.AsOf, c.Seq = uint64(asOf), uint64(seq)
		return c, json.Unmarshal(raw, &c.Schemes)
	})
	if err != nil {
		return ClosedRatingPeriod{}, false, dbErr("closed period", err)
	}
	if len(out) == 0 {
		return ClosedRatingPeriod{}, false, nil
	}
	return out[0], true, nil
}

// OpenRatingSessions lists the sessions of the months still open.
func OpenRatingSessions(ctx context.Context, q eventstore.Querier, months []string) ([]string, error) {
	rows, err := q.Query(ctx, `SELECT session_id FROM proj.rating_sessions WHERE period = ANY($1) AND NOT closed ORDER BY session_id`, months)
	if err != nil {
		return nil, dbErr("open sessions", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, dbErr("open sessions", err)
	}
	return out, nil
}

// UnitTallies are a unit's counted grades per method for a month.
type UnitTallies struct {
	Kind    rating.UnitKind
	Tallies map[rating.Method]rating.Tally
}

// RatingTallies counts the grades of a month per unit and method.
func RatingTallies(ctx context.Context, q eventstore.Querier, month rating.Period) (map[string]UnitTallies, error) {
	rows, err := q.Query(ctx, `SELECT unit_id, unit_kind, method, grade, sum(n)::bigint FROM proj.rating_lines
		WHERE period = $1 AND counted GROUP BY 1, 2, 3, 4 ORDER BY 1, 3, 4`, month.String())
	if err != nil {
		return nil, dbErr("tallies", err)
	}
	out := map[string]UnitTallies{}
	var (
		unit, kind, method, grade string
		n                         int64
	)
	_, err = pgx.ForEachRow(rows, []any{&unit, &kind, &method, &grade, &n}, func() error {
		u, ok := out[unit]
		if !ok {
			u = UnitTallies{Kind: rating.UnitKind(kind), Tallies: map[rating.Method]rating.Tally{}}
		}
		m := rating.Method(method)
		u.Tallies[m] = u.Tallies[m].With(rating.Grade(grade), int(n))
		out[unit] = u
		return nil
	})
	if err != nil {
		return nil, dbErr("tallies", err)
	}
	return out, nil
}

// RatingDaily are a month's daily-check deductions per unit (003): the
// person-times of breaches by amount, and the lapses, with the inspections
// that found them.
func RatingDaily(ctx context.Context, q eventstore.Querier, month rating.Period) (map[string][]rating.Deduction, error) {
	rows, err := q.Query(ctx, `
		SELECT unit_id, 'violation', violation_amount, sum(violations)::bigint, array_agg(source_id ORDER BY source_id)
			FROM proj.rating_lines WHERE period = $1 AND counted AND violations > 0 GROUP BY 1, 3
		UNION ALL
		SELECT unit_id, 'lapse', '', sum(lapses)::bigint, array_agg(source_id ORDER BY source_id)
			FROM proj.rating_lines WHERE period = $1 AND counted AND lapses > 0 GROUP BY 1
		ORDER BY 1, 2, 3`, month.String())
	if err != nil {
		return nil, dbErr("daily checks", err)
	}
	out := map[string][]rating.Deduction{}
	var (
		unit, kind, amount string
		n                  int64
		refs               []string
	)
	_, err = pgx.ForEachRow(rows, []any{&unit, &kind, &amount, &n, &refs}, func() error {
		d := rating.Deduction{Kind: rating.DeductionKind(kind), Count: int(n), Refs: refs}
		if amount != "" {
			a, err := rating.ParseNumber(amount)
			if err != nil {
				return err
			}
			d.Amount = a
		}
		out[unit] = append(out[unit], d)
		return nil
	})
	if err != nil {
		return nil, dbErr("daily checks", err)
	}
	return out, nil
}

// RatingItems are a month's rectification items per department.
func RatingItems(ctx context.Context, q eventstore.Querier, month rating.Period) (map[string][]rating.Item, error) {
	rows, err := q.Query(ctx, `SELECT department_id, case_id, rect_id, kind FROM proj.rating_items WHERE period = $1 ORDER BY 1, 2, 3`, month.String())
	if err != nil {
		return nil, dbErr("rectification items", err)
	}
	out := map[string][]rating.Item{}
	var dept, caseID, rect, kind string
	_, err = pgx.ForEachRow(rows, []any{&dept, &caseID, &rect, &kind}, func() error {
		out[dept] = append(out[dept], rating.Item{Ref: rating.ItemRef(caseID, rect), Kind: rating.DeductionKind(kind)})
		return nil
	})
	if err != nil {
		return nil, dbErr("rectification items", err)
	}
	return out, nil
}

// RatingItemEvent is a case event behind a rectification item.
type RatingItemEvent struct {
	Seq  uint64               `json:"seq"`
	Type string               `json:"type"`
	At   time.Time            `json:"at"`
	Kind rating.DeductionKind `json:"kind"`
}

// RatingItem is a rectification item with the case events behind it.
type RatingItem struct {
	CaseID          string               `json:"caseId"`
	RectificationID string               `json:"rectificationId"`
	Period          string               `json:"period"`
	DepartmentID    string               `json:"departmentId"`
	Kind            rating.DeductionKind `json:"kind"`
	Events          []RatingItemEvent    `json:"events"`
}

// RatingItemsOf reads the items of a department in months.
func RatingItemsOf(ctx context.Context, q eventstore.Querier, department string, months []string) ([]RatingItem, error) {
	rows, err := q.Query(ctx, `SELECT case_id, rect_id, period, department_id, kind, events FROM proj.rating_items
		WHERE department_id = $1 AND period = ANY($2) ORDER BY period, case_id, rect_id`, department, months)
	if err != nil {
		return nil, dbErr("rectification items", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (RatingItem, error) {
		var (
			it  RatingItem
			raw []byte
		)
		if err := r.Scan(&it.CaseID, &it.RectificationID, &it.Period, &it.DepartmentID, &it.Kind, &raw); err != nil {
			return it, err
		}
		return it, json.Unmarshal(raw, &it.Events)
	})
	if err != nil {
		return nil, dbErr("rectification items", err)
	}
	return out, nil
}

// RatingResult is a unit's result in a closed period.
type RatingResult struct {
	UnitID    string            `json:"unitId"`
	Kind      rating.UnitKind   `json:"kind"`
	Category  rating.Category   `json:"category"`
	Scored    bool              `json:"scored"`
	Total     rating.Number     `json:"total"`
	Ranked    bool              `json:"ranked"`
	NotRanked string            `json:"notRanked,omitempty"`
	Place     int               `json:"place,omitempty"`
	Tied      bool              `json:"tied,omitempty"`
	Outcome   rating.Outcome    `json:"outcome"`
	Input     rating.ScoreInput `json:"input"`
	Score     rating.Score      `json:"score"`
	Left      []string          `json:"left"`
}

// RatingResults reads a closed period's results (of one unit when unit is
// not empty), by unit.
func RatingResults(ctx context.Context, q eventstore.Querier, p rating.Period, unit string) ([]RatingResult, error) {
	rows, err := q.Query(ctx, `SELECT unit_id, unit_kind, category, scored, total, ranked, not_ranked, place, tied, outcome, input, score, left_out
		FROM proj.rating_results WHERE period = $1 AND ($2 = '' OR unit_id = $2) ORDER BY unit_id`, p.String(), unit)
	if err != nil {
		return nil, dbErr("results", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (RatingResult, error) {
		var (
			res                          RatingResult
			total                        string
			outcome, input, score, left_ []byte
		)
		if err := r.Scan(&res.UnitID, &res.Kind, &res.Category, &res.Scored, &total, &res.Ranked, &res.NotRanked, &res.Place, &res.Tied,
			&outcome, &input, &score, &left_); err != nil {
			return res, err
		}
		var err error
		if res.Total, err = rating.ParseNumber(total); err != nil {
			return res, err
		}
		for _, part := range []struct {
			raw []byte
			to  any
		}{{outcome, &res.Outcome}, {input, &res.Input}, {score, &res.Score}, {left_, &res.Left}} {
			if err := json.Unmarshal(part.raw, part.to); err != nil {
				return res, err
			}
		}
		return res, nil
	})
	if err != nil {
		return nil, dbErr("results", err)
	}
	return out, nil
}

// RatingSchemesInForce reads the schemes adopted for kinds of unit (a kind
// without one is scored by rating.DefaultScheme).
func RatingSchemesInForce(ctx context.Context, q eventstore.Querier) (map[rating.UnitKind]rating.Scheme, error) {
	rows, err := q.Query(ctx, `SELECT f.kind, v.scheme FROM proj.rating_schemes_in_force f
		JOIN proj.rating_scheme_versions v ON v.scheme_id = f.scheme_id AND v.version = f.version ORDER BY f.kind`)
	if err != nil {
		return nil, dbErr("schemes", err)
	}
	out := map[rating.UnitKind]rating.Scheme{}
	var (
		kind string
		raw  []byte
	)
	_, err = pgx.ForEachRow(rows, []any{&kind, &raw}, func() error {
		var s rating.Scheme
		if err := json.Unmarshal(raw, &s); err != nil {
			return err
		}
		out[rating.UnitKind(kind)] = s
		return nil
	})
	if err != nil {
		return nil, dbErr("schemes", err)
	}
	return out, nil
}

// RatingSchemeVersions lists every scheme version adopted, by id and
// version.
func RatingSchemeVersions(ctx context.Context, q eventstore.Querier) ([]rating.Scheme, error) {
	rows, err := q.Query(ctx, `SELECT scheme FROM proj.rating_scheme_versions ORDER BY scheme_id, version`)
	if err != nil {
		return nil, dbErr("scheme versions", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (rating.Scheme, error) {
		var (
			raw []byte
			s   rating.Scheme
		)
		if err := r.Scan(&raw); err != nil {
			return s, err
		}
		return s, json.Unmarshal(raw, &s)
	})
	if err != nil {
		return nil, dbErr("scheme versions", err)
	}
	return out, nil
}

// RatingSheet is a sheet as it was given, with its rater: the center's and
// the rating point's own view.
type RatingSheet struct {
	SourceID     string        `json:"id"`
	Method       rating.Method `json:"method"`
	PointID      string        `json:"pointId,omitempty"`
	Target       rating.Target `json:"target"`
	DealingRef   string        `json:"dealingRef,omitempty"`
	Dealing      string        `json:"dealing,omitempty"`
	Kind         string        `json:"kind,omitempty"`
	DealtOn      string        `json:"dealtOn,omitempty"`
	Period       string        `json:"period"`
	Grades       rating.Sheet  `json:"grades"`
	Comment      string        `json:"comment,omitempty"`
	Findings     string        `json:"findings,omitempty"`
	At           time.Time     `json:"at"`
	Counted      bool          `json:"counted"`
	DepartmentID string        `json:"departmentId"`
	UnitID       string        `json:"unitId"`
}

// SheetFilter selects sheets.
type SheetFilter struct {
	Months     []string // required
	Point      string   // "" for every point
	Department string   // "" for every department
	Unit       string   // "" for every unit: a unit the sheet is credited to
	Method     string   // "" for every method
	Limit      int
}

// RatingSheets lists sheets, in the order they were given.
func RatingSheets(ctx context.Context, q eventstore.Querier, f SheetFilter) ([]RatingSheet, error) {
	if f.Limit <= 0 {
		f.Limit = 100000
	}
	rows, err := q.Query(ctx, `SELECT source_id, method, coalesce(point_id, ''), target, coalesce(dealing_ref, ''), coalesce(dealing, ''),
			coalesce(kind, ''), coalesce(to_char(dealt_on, 'YYYY-MM-DD'), ''), period, grades, comment, coalesce(findings, ''), at, counted,
			department_id, unit_id
		FROM proj.rating_sheets s
		WHERE period = ANY($1) AND ($2 = '' OR point_id = $2) AND ($3 = '' OR department_id = $3) AND ($5 = '' OR method = $5)
			AND ($4 = '' OR EXISTS (SELECT 1 FROM jsonb_array_elements(s.target->'units') u WHERE u->>'id' = $4))
		ORDER BY seq LIMIT $6`, f.Months, f.Point, f.Department, f.Unit, f.Method, f.Limit)
	if err != nil {
		return nil, dbErr("sheets", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (RatingSheet, error) {
		var (
			s              RatingSheet
			target, grades []byte
		)
		if err := r.Scan(&s.SourceID, &s.Method, &s.PointID, &target, &s.DealingRef, &s.Dealing, &s.Kind, &s.DealtOn, &s.Period,
			&grades, &s.Comment, &s.Findings, &s.At, &s.Counted, &s.DepartmentID, &s.UnitID); err != nil {
			return s, err
		}
		if err := json.Unmarshal(target, &s.Target); err != nil {
			return s, err
		}
		return s, json.Unmarshal(grades, &s.Grades)
	})
	if err != nil {
		return nil, dbErr("sheets", err)
	}
	return out, nil
}

// RatingLine is one grade a score counts.
type RatingLine struct {
	SourceID string        `json:"sourceId"`
	Line     int           `json:"line"`
	Method   rating.Method `json:"method"`
	Period   string        `json:"period"`
	Grade    rating.Grade  `json:"grade"`
	N        int           `json:"n"`
	Counted  bool          `json:"counted"`
}

// RatingLinesOf lists the lines of a unit in months, counted or not.
func RatingLinesOf(ctx context.Context, q eventstore.Querier, unit string, months []string) ([]RatingLine, error) {
	rows, err := q.Query(ctx, `SELECT source_id, line, method, period, grade, n, counted FROM proj.rating_lines
		WHERE unit_id = $1 AND period = ANY($2) ORDER BY period, method, seq, source_id, line`, unit, months)
	if err != nil {
		return nil, dbErr("lines", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[RatingLine])
	if err != nil {
		return nil, dbErr("lines", err)
	}
	return out, nil
}

// RatingUnits lists the rated units that have lines in months, with their
// kinds.
func RatingUnits(ctx context.Context, q eventstore.Querier, months []string) (map[string]rating.UnitKind, error) {
	rows, err := q.Query(ctx, `SELECT DISTINCT unit_id, unit_kind FROM proj.rating_lines WHERE period = ANY($1) ORDER BY 1`, months)
	if err != nil {
		return nil, dbErr("units", err)
	}
	out := map[string]rating.UnitKind{}
	var id, kind string
	_, err = pgx.ForEachRow(rows, []any{&id, &kind}, func() error {
		out[id] = rating.UnitKind(kind)
		return nil
	})
	if err != nil {
		return nil, dbErr("units", err)
	}
	return out, nil
}

// RatingSession is a central assessment session as the read model holds
// it.
type RatingSession struct {
	ID      string          `json:"id"`
	Period  string          `json:"period"`
	HeldOn  string          `json:"heldOn"`
	Title   string          `json:"title"`
	Groups  []string        `json:"groups"`
	Units   []rating.Target `json:"units"`
	Ballots int             `json:"ballots"`
	Closed  bool            `json:"closed"`
	// ByGroup counts the ballots per group.
	ByGroup map[string]int `json:"byGroup"`
}

// GetRatingSession reads a session.
func GetRatingSession(ctx context.Context, q eventstore.Querier, id string) (RatingSession, bool, error) {
	rows, err := q.Query(ctx, `SELECT session_id, period, to_char(held_on, 'YYYY-MM-DD'), title, groups, units, ballots, closed,
			coalesce((SELECT jsonb_object_agg(grp, n) FROM (SELECT grp, count(*) AS n FROM proj.rating_ballots b
				WHERE b.session_id = s.session_id GROUP BY grp) g), '{}'::jsonb)
		FROM proj.rating_sessions s WHERE session_id = $1`, id)
	if err != nil {
		return RatingSession{}, false, dbErr("session", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (RatingSession, error) {
		var (
			s                    RatingSession
			groups, units, byGrp []byte
		)
		if err := r.Scan(&s.ID, &s.Period, &s.HeldOn, &s.Title, &groups, &units, &s.Ballots, &s.Closed, &byGrp); err != nil {
			return s, err
		}
		for _, part := range []struct {
			raw []byte
			to  any
		}{{groups, &s.Groups}, {units, &s.Units}, {byGrp, &s.ByGroup}} {
			if err := json.Unmarshal(part.raw, part.to); err != nil {
				return s, err
			}
		}
		return s, nil
	})
	if err != nil {
		return RatingSession{}, false, dbErr("session", err)
	}
	if len(out) == 0 {
		return RatingSession{}, false, nil
	}
	return out[0], true, nil
}
