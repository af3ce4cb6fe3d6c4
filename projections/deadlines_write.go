package projections

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/watchpost/watchpost/domain/deadline"
)

// The deadline projection writes a batch's rows in a few statements, one
// per table, whatever the number of cases: each table's rows travel as
// column arrays (or COPY), so PostgreSQL plans and runs one statement
// instead of one per row. Each key appears once in a batch (a case's state
// is collected after its last event), as one INSERT … ON CONFLICT DO
// UPDATE needs.

// caseClockRows are proj.case_clocks rows, a column each.
type caseClockRows struct {
	ids      []string
	trackers []string // JSON
	seqs     []int64
}

func (r *caseClockRows) add(id string, tracker []byte, seq int64) {
	r.ids, r.trackers, r.seqs = append(r.ids, id), append(r.trackers, string(tracker)), append(r.seqs, seq)
}

// deadlineRows are proj.deadlines rows, a column each.
type deadlineRows struct {
	cases, clocks, kinds, departments, outcomes, problems, calendars []string
	rounds, versions                                                 []int32
	started                                                          []time.Time
	due, ended                                                       []*time.Time
	open, suspended                                                  []bool
}

func (d *deadlineRows) add(caseID string, r *clockRow) {
	d.cases, d.clocks, d.kinds = append(d.cases, caseID), append(d.clocks, r.clockID), append(d.kinds, r.kind)
	d.departments, d.outcomes = append(d.departments, r.department), append(d.outcomes, r.outcome)
	d.problems, d.calendars = append(d.problems, r.problem), append(d.calendars, r.calendarVersion)
	d.rounds, d.versions = append(d.rounds, int32(r.round)), append(d.versions, int32(r.version))
	d.started, d.due, d.ended = append(d.started, r.startedAt), append(d.due, r.due), append(d.ended, r.endedAt)
	d.open, d.suspended = append(d.open, r.open), append(d.suspended, r.suspended)
}

// freshRows are the case_clocks and deadlines rows of cases new to the
// tables, for COPY.
type freshRows struct {
	clocks, deadlines [][]any
}

func (f *freshRows) add(id string, tracker []byte, cc *caseClocks) {
	f.clocks = append(f.clocks, []any{id, tracker, int64(cc.lastSeq)})
	for _, r := range cc.rows {
		if r.dirty {
			f.deadlines = append(f.deadlines, []any{id, r.clockID, r.kind, int32(r.round), nullable(r.department), r.startedAt, r.due,
				r.open, r.suspended, nullable(r.outcome), r.endedAt, nullable(r.problem), int32(r.version), nullable(r.calendarVersion)})
		}
	}
}

// roundRows are proj.clock_rounds rows, a column each.
type roundRows struct {
	cases, clocks, kinds, departments, outcomes []string
	rounds                                      []int32
	started, ended                              []time.Time
	due                                         []*time.Time
	onTime, lateWindow                          []*bool
}

func (r *roundRows) add(caseID string, c deadline.Clock, due *time.Time, onTime, lateWindow *bool) {
	r.cases, r.clocks, r.kinds = append(r.cases, caseID), append(r.clocks, c.ID), append(r.kinds, string(c.Kind))
	r.departments, r.outcomes = append(r.departments, c.DepartmentID), append(r.outcomes, string(c.Outcome))
	r.rounds, r.started, r.ended = append(r.rounds, int32(c.Round)), append(r.started, c.StartedAt), append(r.ended, c.EndedAt)
	r.due, r.onTime, r.lateWindow = append(r.due, due), append(r.onTime, onTime), append(r.lateWindow, lateWindow)
}

// write sends the batch's rows: the touched cases' trackers and clock rows,
// their alarms (replacing theirs), the rounds that ended, the deadline
// history and the departments' actions.
func (b *deadlineBatch) write(ctx context.Context) error {
	tx := b.tx
	if c := b.clocks; len(c.ids) > 0 {
		if _, err := tx.Exec(ctx, `INSERT INTO case_clocks (case_id, tracker, last_seq)
			SELECT * FROM unnest($1::text[], $2::jsonb[], $3::bigint[])
			ON CONFLICT (case_id) DO UPDATE SET tracker = EXCLUDED.tracker, last_seq = EXCLUDED.last_seq`,
			c.ids, c.trackers, c.seqs); err != nil {
			return err
		}
	}
	if f := b.fresh; len(f.clocks) > 0 {
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"case_clocks"}, []string{"case_id", "tracker", "last_seq"}, pgx.CopyFromRows(f.clocks)); err != nil {
			return err
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"deadlines"}, []string{"case_id", "clock_id", "kind", "round", "department_id",
			"started_at", "due_at", "open", "suspended", "outcome", "ended_at", "problem", "version", "calendar_version"},
			pgx.CopyFromRows(f.deadlines)); err != nil {
			return err
		}
	}
	if d := b.deadlines; len(d.cases) > 0 {
		if _, err := tx.Exec(ctx, `INSERT INTO deadlines (case_id, clock_id, kind, round, department_id, started_at, due_at, open,
				suspended, outcome, ended_at, problem, version, calendar_version)
			SELECT c, k, kind, round, NULLIF(dept, ''), started, due, open, suspended, NULLIF(outcome, ''), ended,
				NULLIF(problem, ''), version, NULLIF(cal, '')
			FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::timestamptz[], $7::timestamptz[],
				$8::bool[], $9::bool[], $10::text[], $11::timestamptz[], $12::text[], $13::int[], $14::text[])
				AS u(c, k, kind, round, dept, started, due, open, suspended, outcome, ended, problem, version, cal)
			ON CONFLICT (case_id, clock_id) DO UPDATE SET kind = EXCLUDED.kind, round = EXCLUDED.round,
				department_id = EXCLUDED.department_id, started_at = EXCLUDED.started_at, due_at = EXCLUDED.due_at,
				open = EXCLUDED.open, suspended = EXCLUDED.suspended, outcome = EXCLUDED.outcome,
				ended_at = EXCLUDED.ended_at, problem = EXCLUDED.problem, version = EXCLUDED.version,
				calendar_version = EXCLUDED.calendar_version`,
			d.cases, d.clocks, d.kinds, d.rounds, d.departments, d.started, d.due, d.open, d.suspended, d.outcomes,
			d.ended, d.problems, d.versions, d.calendars); err != nil {
			return err
		}
	}
	if len(b.order) > 0 {
		if _, err := tx.Exec(ctx, `DELETE FROM alarms WHERE case_id = ANY($1)`, b.order); err != nil {
			return err
		}
		var rows [][]any
		for _, id := range b.order {
			for k, a := range b.cases[id].alarms {
				rows = append(rows, []any{id, k.clock, k.round, k.level, k.version, a.at, a.deadline, nullable(a.department), a.raisedSeq, a.raisedAt})
			}
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"alarms"}, []string{"case_id", "clock_id", "round", "level", "version",
			"at", "deadline", "department_id", "raised_seq", "raised_at"}, pgx.CopyFromRows(rows)); err != nil {
			return err
		}
	}
	// A round is recorded once: replaying its end again changes nothing.
	if r := b.rounds; len(r.cases) > 0 {
		if _, err := tx.Exec(ctx, `INSERT INTO clock_rounds (case_id, clock_id, round, kind, department_id, started_at, due_at,
				ended_at, outcome, on_time, late_window)
			SELECT c, k, round, kind, NULLIF(dept, ''), started, due, ended, outcome, on_time, late_window
			FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[], $6::timestamptz[], $7::timestamptz[],
				$8::timestamptz[], $9::text[], $10::bool[], $11::bool[])
				AS u(c, k, round, kind, dept, started, due, ended, outcome, on_time, late_window)
			ON CONFLICT DO NOTHING`,
			r.cases, r.clocks, r.rounds, r.kinds, r.departments, r.started, r.due, r.ended, r.outcomes,
			r.onTime, r.lateWindow); err != nil {
			return err
		}
	}
	if len(b.history) > 0 {
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"deadline_history"}, []string{"case_id", "clock_id", "version", "round",
			"due_at", "calendar_version", "seq"}, pgx.CopyFromRows(b.history)); err != nil {
			return err
		}
	}
	if len(b.actions) > 0 {
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"department_actions"}, []string{"seq", "department_id", "action",
			"case_id", "at"}, pgx.CopyFromRows(b.actions)); err != nil {
			return err
		}
	}
	return nil
}
