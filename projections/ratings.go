package projections

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/watchpost/watchpost/domain/complaint"
	"github.com/watchpost/watchpost/domain/rating"
	"github.com/watchpost/watchpost/eventstore"
)

// Ratings keeps the ratings' read models (migrations/0040_ratings.sql): the
// sheets, what each score counts, the rectification items the cases' own
// events give, the sessions, the closed periods with their fixed results,
// and the schemes. It is asynchronous, on its own checkpoint ("ratings");
// the ratings service waits for it after a command.
type Ratings struct {
	Loc *time.Location
}

// RatingsCheckpoint is the name of the ratings projection's checkpoint.
const RatingsCheckpoint = "ratings"

// Name implements Projection.
func (Ratings) Name() string { return RatingsCheckpoint }

// ratingApply is one batch's work: the closed periods known so far and the
// case records touched, written back at the end.
type ratingApply struct {
	loc     *time.Location
	tx      pgx.Tx
	closed  []rating.Period
	records map[string]*rating.CaseRecord
}

// Apply implements Projection.
func (r Ratings) Apply(ctx context.Context, tx pgx.Tx, events []eventstore.Event) error {
	a := &ratingApply{loc: r.Loc, tx: tx, records: map[string]*rating.CaseRecord{}}
	closed, err := closedPeriods(ctx, tx, "rating_periods")
	if err != nil {
		return err
	}
	a.closed = closed
	if err := a.loadRecords(ctx, events); err != nil {
		return err
	}
	for _, e := range events {
		var err error
		switch {
		case rating.IsAggregate(e.AggregateType):
			err = a.rating(ctx, e)
		case e.AggregateType == complaint.AggregateType && caseTypes[e.Type]:
			err = a.casework(ctx, e)
		}
		if err != nil {
			return fmt.Errorf("event %d: %w", e.Seq, err)
		}
	}
	for _, id := range sortedIDs(a.records) {
		raw, err := json.Marshal(a.records[id])
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO rating_case_records (case_id, record) VALUES ($1, $2)
			ON CONFLICT (case_id) DO UPDATE SET record = EXCLUDED.record`, id, raw); err != nil {
			return err
		}
	}
	return nil
}

// caseTypes are the case events the rectification rule reads.
var caseTypes = map[string]bool{
	complaint.TypeCaseReferred: true, complaint.TypeReferralReturned: true, complaint.TypeSupervisionOrdered: true,
	complaint.TypeClosureOverdue: true, complaint.TypeEscalated: true, complaint.TypeRectificationRequired: true,
	complaint.TypeRectificationOverdue: true, complaint.TypeRectificationReported: true, complaint.TypeRectificationVerified: true,
}

func sortedIDs[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// loadRecords reads the records of the cases the batch touches.
func (a *ratingApply) loadRecords(ctx context.Context, events []eventstore.Event) error {
	var ids []string
	for _, e := range events {
		if e.AggregateType == complaint.AggregateType && caseTypes[e.Type] && !slices.Contains(ids, e.AggregateID) {
			ids = append(ids, e.AggregateID)
		}
	}
	for _, id := range ids {
		a.records[id] = &rating.CaseRecord{}
	}
	if len(ids) == 0 {
		return nil
	}
	rows, err := a.tx.Query(ctx, `SELECT case_id, record FROM rating_case_records WHERE case_id = ANY($1)`, ids)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id  string
			raw []byte
		)
		if err := rows.Scan(&id, &raw); err != nil {
			return err
		}
		rec := &rating.CaseRecord{}
		if err := json.Unmarshal(raw, rec); err != nil {
			return fmt.Errorf("case record %s: %w", id, err)
		}
		a.records[id] = rec
	}
	return rows.Err()
}

// casework reads one case event with the rectification rule.
func (a *ratingApply) casework(ctx context.Context, e eventstore.Event) error {
	ce, err := complaint.Decode(e.Type, e.Data)
	if err != nil {
		return err
	}
	for _, f := range a.records[e.AggregateID].Observe(e.AggregateID, ce) {
		month := rating.PeriodOf(rating.PeriodMonth, f.At, a.loc)
		ev, err := json.Marshal([]itemEvent{{Seq: e.Seq, Type: f.EventType, At: f.At, Kind: f.Kind}})
		if err != nil {
			return err
		}
		if _, err := a.tx.Exec(ctx, `INSERT INTO rating_items (case_id, rect_id, period, department_id, kind, severity, events, seq)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
			ON CONFLICT (case_id, rect_id, period) DO UPDATE SET
				kind = CASE WHEN EXCLUDED.severity > rating_items.severity THEN EXCLUDED.kind ELSE rating_items.kind END,
				severity = greatest(EXCLUDED.severity, rating_items.severity),
				events = rating_items.events || EXCLUDED.events, seq = EXCLUDED.seq`,
			f.CaseID, f.RectificationID, month.String(), f.DepartmentID, string(f.Kind), rating.Severity(f.Kind), ev, int64(e.Seq)); err != nil {
			return err
		}
	}
	return nil
}

// itemEvent is a case event behind a rectification item.
type itemEvent struct {
	Seq  uint64               `json:"seq"`
	Type string               `json:"type"`
	At   time.Time            `json:"at"`
	Kind rating.DeductionKind `json:"kind"`
}

// counted says whether a sheet of month m is counted when it arrives: not
// when m lies in a closed period.
func (a *ratingApply) counted(m rating.Period) bool {
	for _, c := range a.closed {
		if c.Includes(m) {
			return false
		}
	}
	return true
}

func (a *ratingApply) rating(ctx context.Context, e eventstore.Event) error {
	re, err := rating.Decode(e.Type, e.Data)
	if err != nil {
		return err
	}
	seq := int64(e.Seq)
	switch v := re.(type) {
	case rating.DealingRated:
		dealt := v.DealtOn
		if err := a.sheet(ctx, e.AggregateID, rating.MethodInstant, v.PointID, v.Target, &v.DealingRef, &v.Dealing, &v.Kind, &dealt,
			v.Month, v.Sheet, v.Comment, nil, v.At, seq); err != nil {
			return err
		}
		return a.sheetLines(ctx, e.AggregateID, rating.MethodInstant, v.Target, v.Month, v.Sheet, 0, rating.Number{}, 0, seq)
	case rating.MonthSummarized:
		if err := a.sheet(ctx, e.AggregateID, rating.MethodMonthly, v.PointID, v.Target, nil, nil, nil, nil,
			v.Month, v.Sheet, v.Comment, nil, v.At, seq); err != nil {
			return err
		}
		return a.sheetLines(ctx, e.AggregateID, rating.MethodMonthly, v.Target, v.Month, v.Sheet, 0, rating.Number{}, 0, seq)
	case rating.InspectionRecorded:
		day := v.InspectedOn
		if err := a.sheet(ctx, e.AggregateID, rating.MethodInspection, "", v.Target, nil, nil, &v.Mode, &day,
			v.Month, v.Sheet, "", &v.Findings, v.At, seq); err != nil {
			return err
		}
		return a.sheetLines(ctx, e.AggregateID, rating.MethodInspection, v.Target, v.Month, v.Sheet, v.Violations, v.ViolationAmount, v.Lapses, seq)
	case rating.SurveyRecorded:
		for i, g := range rating.Grades() {
			n := v.Tally.Count(g)
			if n == 0 {
				continue
			}
			for _, u := range v.Target.Units {
				if err := a.line(ctx, e.AggregateID, i, u, v.Method, v.Month, g, n, 0, rating.Number{}, 0, seq); err != nil {
					return err
				}
			}
		}
	case rating.SessionOpened:
		groups, _ := json.Marshal(v.Groups)
		units, _ := json.Marshal(v.Units)
		_, err = a.tx.Exec(ctx, `INSERT INTO rating_sessions (session_id, period, held_on, title, groups, units, ballots, closed, seq)
			VALUES ($1, $2, $3, $4, $5, $6, 0, false, $7)`, v.SessionID, v.Month.String(), v.HeldOn, v.Title, groups, units, seq)
		return err
	case rating.BallotsCast:
		for _, b := range v.Ballots {
			grades, _ := json.Marshal(b.Grades)
			if _, err := a.tx.Exec(ctx, `INSERT INTO rating_ballots (session_id, number, grp, grades) VALUES ($1, $2, $3, $4)`,
				e.AggregateID, b.Number, b.Group, grades); err != nil {
				return err
			}
		}
		_, err = a.tx.Exec(ctx, `UPDATE rating_sessions SET ballots = ballots + $2, seq = $3 WHERE session_id = $1`, e.AggregateID, len(v.Ballots), seq)
		return err
	case rating.SessionClosed:
		return a.closeSession(ctx, e.AggregateID, seq)
	case rating.PeriodClosed:
		return a.closePeriod(ctx, v, seq)
	case rating.SchemeAdopted:
		raw, err := json.Marshal(v.Scheme)
		if err != nil {
			return err
		}
		if _, err := a.tx.Exec(ctx, `INSERT INTO rating_scheme_versions (scheme_id, version, scheme, adopted_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (scheme_id, version) DO NOTHING`, v.Scheme.ID, v.Scheme.Version, raw, v.At); err != nil {
			return err
		}
		for _, k := range v.Kinds {
			if _, err := a.tx.Exec(ctx, `INSERT INTO rating_schemes_in_force (kind, scheme_id, version, since) VALUES ($1, $2, $3, $4)
				ON CONFLICT (kind) DO UPDATE SET scheme_id = EXCLUDED.scheme_id, version = EXCLUDED.version, since = EXCLUDED.since`,
				string(k), v.Scheme.ID, v.Scheme.Version, v.At); err != nil {
				return err
			}
		}
	}
	return nil
}

// sheet keeps a sheet as it was given.
func (a *ratingApply) sheet(ctx context.Context, id string, m rating.Method, point string, t rating.Target, ref, dealing, kind, day *string,
	month rating.Period, s rating.Sheet, comment string, findings *string, at time.Time, seq int64) error {
	target, err := json.Marshal(t)
	if err != nil {
		return err
	}
	grades, err := json.Marshal(s)
	if err != nil {
		return err
	}
	_, err = a.tx.Exec(ctx, `INSERT INTO rating_sheets (source_id, method, point_id, department_id, unit_id, target, dealing_ref, dealing,
		kind, dealt_on, period, grades, comment, findings, at, seq, counted)
		VALUES ($1, $2, NULLIF($3, ''), $4, $5, $6, $7, $8, $9, $10::date, $11, $12, $13, $14, $15, $16, $17)`,
		id, string(m), point, t.DepartmentID, t.Unit().ID, target, ref, dealing, kind, day, month.String(), grades, comment, findings,
		at, seq, a.counted(month))
	return err
}

// sheetLines credits a sheet's overall grade to each unit of its target.
func (a *ratingApply) sheetLines(ctx context.Context, id string, m rating.Method, t rating.Target, month rating.Period, s rating.Sheet,
	violations int, amount rating.Number, lapses int, seq int64) error {
	for _, u := range t.Units {
		if err := a.line(ctx, id, 0, u, m, month, s[rating.AspectOverall], 1, violations, amount, lapses, seq); err != nil {
			return err
		}
	}
	return nil
}

func (a *ratingApply) line(ctx context.Context, id string, line int, u rating.UnitRef, m rating.Method, month rating.Period, g rating.Grade,
	n, violations int, amount rating.Number, lapses int, seq int64) error {
	amt := ""
	if violations > 0 {
		amt = amount.String()
	}
	_, err := a.tx.Exec(ctx, `INSERT INTO rating_lines (source_id, line, unit_id, unit_kind, method, period, grade, n,
		violations, violation_amount, lapses, seq, counted) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		id, line, u.ID, string(u.Kind), string(m), month.String(), string(g), n, violations, amt, lapses, seq, a.counted(month))
	return err
}

// closeSession counts a session's ballots: one line per unit graded, for
// the unit the session names (not the department of a window it names).
func (a *ratingApply) closeSession(ctx context.Context, id string, seq int64) error {
	var (
		period string
		raw    []byte
	)
	if err := a.tx.QueryRow(ctx, `UPDATE rating_sessions SET closed = true, seq = $2 WHERE session_id = $1 RETURNING period, units`,
		id, seq).Scan(&period, &raw); err != nil {
		return err
	}
	var units []rating.Target
	if err := json.Unmarshal(raw, &units); err != nil {
		return err
	}
	month, err := rating.ParsePeriod("period", period)
	if err != nil {
		return err
	}
	kinds := map[string]rating.UnitRef{}
	for _, u := range units {
		kinds[u.Unit().ID] = u.Unit()
	}
	rows, err := a.tx.Query(ctx, `SELECT number, grades FROM rating_ballots WHERE session_id = $1 ORDER BY number`, id)
	if err != nil {
		return err
	}
	type ballot struct {
		number int
		grades map[string]rating.Grade
	}
	var ballots []ballot
	for rows.Next() {
		var (
			b ballot
			g []byte
		)
		if err := rows.Scan(&b.number, &g); err != nil {
			rows.Close()
			return err
		}
		if err := json.Unmarshal(g, &b.grades); err != nil {
			rows.Close()
			return err
		}
		ballots = append(ballots, b)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, b := range ballots {
		for _, unit := range sortedIDs(b.grades) {
			u, ok := kinds[unit]
			if !ok {
				continue
			}
			if err := a.line(ctx, id, b.number, u, rating.MethodCentral, month, b.grades[unit], 1, 0, rating.Number{}, 0, seq); err != nil {
				return err
			}
		}
	}
	return nil
}

// closePeriod keeps a closing: the period, its results as the event fixed
// them with the drill-down drawn again from its inputs, and the sheets of
// the period that came after its asOf are marked as not counted.
func (a *ratingApply) closePeriod(ctx context.Context, c rating.PeriodClosed, seq int64) error {
	schemes, err := json.Marshal(c.Schemes)
	if err != nil {
		return err
	}
	if _, err := a.tx.Exec(ctx, `INSERT INTO rating_periods (period, as_of, closed_at, seq, schemes) VALUES ($1, $2, $3, $4, $5)`,
		c.Period.String(), int64(c.AsOf), c.At, seq, schemes); err != nil {
		return err
	}
	months := make([]string, 0, 12)
	for _, m := range c.Period.Months() {
		months = append(months, m.String())
	}
	for _, table := range []string{"rating_lines", "rating_sheets"} {
		if _, err := a.tx.Exec(ctx, `UPDATE `+table+` SET counted = false WHERE period = ANY($1) AND seq > $2`, months, int64(c.AsOf)); err != nil {
			return err
		}
	}
	a.closed = append(a.closed, c.Period)
	// The drill-down is drawn again from the event; the totals, places and
	// outcomes are the event's own.
	st, _ := rating.Stand(c.Period, rating.SchemesOf(c.Schemes), c.Inputs)
	inputs := map[string]rating.ScoreInput{}
	for _, in := range c.Inputs {
		inputs[in.Unit.ID] = in
	}
	for _, r := range c.Results {
		in := inputs[r.UnitID]
		sc, _ := st.Score(r.UnitID)
		rawIn, err := json.Marshal(in)
		if err != nil {
			return err
		}
		rawScore, err := json.Marshal(sc)
		if err != nil {
			return err
		}
		outcome, _ := json.Marshal(r.Outcome)
		left := st.Left[r.UnitID]
		if left == nil {
			left = []string{}
		}
		rawLeft, _ := json.Marshal(left)
		if _, err := a.tx.Exec(ctx, `INSERT INTO rating_results (period, unit_id, unit_kind, category, scored, total, ranked, not_ranked,
			place, tied, outcome, input, score, left_out) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
			c.Period.String(), r.UnitID, string(in.Unit.Kind), string(in.Unit.Category), r.Scored, r.Total.String(), r.Ranked, r.NotRanked,
			r.Place, r.Tied, outcome, rawIn, rawScore, rawLeft); err != nil {
			return err
		}
	}
	return nil
}

// closedPeriods lists the closed periods of a table (the search path's
// while projecting, the live schema's for a query).
func closedPeriods(ctx context.Context, q eventstore.Querier, table string) ([]rating.Period, error) {
	rows, err := q.Query(ctx, `SELECT period FROM `+table+` ORDER BY period`)
	if err != nil {
		return nil, err
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, err
	}
	out := make([]rating.Period, 0, len(names))
	for _, n := range names {
		p, err := rating.ParsePeriod("period", n)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}
