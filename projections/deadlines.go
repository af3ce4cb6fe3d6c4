package projections

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/watchpost/watchpost/domain/calendar"
	"github.com/watchpost/watchpost/domain/complaint"
	"github.com/watchpost/watchpost/domain/deadline"
	"github.com/watchpost/watchpost/domain/ladder"
	"github.com/watchpost/watchpost/eventstore"
)

// Deadlines keeps each case's clocks, their due instants and the steps of
// the escalation ladder (proj.case_clocks, proj.deadlines,
// proj.deadline_history, proj.alarms). It is inline, so a command's answer
// shows its deadlines, and the escalation process reads due alarms from it.
//
// It processes events one by one with the calendar as it stood at each
// event, so a rebuild gives the same versions whatever the batch sizes. It
// must run before CalendarYears: it reads the schedules as they were before
// the batch and applies the batch's loads itself.
type Deadlines struct {
	Policy deadline.Policy
	Loc    *time.Location
	// Calendars keeps the last calendar built, so a batch does not rebuild
	// it from the table when no schedule was loaded since (nil: no cache).
	Calendars *CalendarCache
}

// CalendarCache holds the calendar built from calendar_years as of the
// latest load it saw. Equal positions mean equal schedules, in the live
// tables as in a rebuild's, since both are folded from the same events.
type CalendarCache struct {
	mu  sync.Mutex
	seq uint64
	cal *calendar.Calendar
}

// calendarAt returns the calendar of the table on the search path.
func (d Deadlines) calendarAt(ctx context.Context, tx pgx.Tx) (*calendar.Calendar, error) {
	if d.Calendars != nil {
		var seq int64
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(seq), 0) FROM calendar_years`).Scan(&seq); err != nil {
			return nil, err
		}
		d.Calendars.mu.Lock()
		cal, at := d.Calendars.cal, d.Calendars.seq
		d.Calendars.mu.Unlock()
		if cal != nil && at == uint64(seq) {
			return cal, nil
		}
	}
	lc, err := readCalendar(ctx, tx, "calendar_years", d.Loc)
	if err != nil {
		return nil, err
	}
	if d.Calendars != nil && lc.Calendar != nil {
		d.Calendars.mu.Lock()
		d.Calendars.cal, d.Calendars.seq = lc.Calendar, lc.Seq
		d.Calendars.mu.Unlock()
	}
	return lc.Calendar, nil
}

// Name implements Projection.
func (Deadlines) Name() string { return "deadlines" }

// QueryIndexes implements QueryIndexer: Apply finds its rows by case.
func (Deadlines) QueryIndexes() []string {
	return []string{"deadlines_department", "alarms_pending", "clock_rounds_department", "department_actions_department",
		"escalation_board_urgent", "escalation_board_department"}
}

// Reads implements Reader: the deadlines read the loaded schedules.
func (Deadlines) Reads() []string { return []string{CalendarYears{}.Name()} }

// clockRow is a row of proj.deadlines.
type clockRow struct {
	clockID, kind, department string
	round                     int
	startedAt                 time.Time
	due                       *time.Time
	open, suspended           bool
	outcome                   string
	endedAt                   *time.Time
	problem                   string
	version                   int
	calendarVersion           string
	dirty                     bool
}

// caseClocks is one case's state during a batch.
type caseClocks struct {
	tracker *deadline.Tracker
	rows    map[string]*clockRow
	alarms  map[alarmKey]*alarmRow // every alarm row of the case
	lastSeq uint64
	dirty   bool
	boarded string // the clock the event being applied put on the board
	stored  bool   // its clocks are in the tables (false: the batch brings its first)
}

// alarmKey identifies an alarm row.
type alarmKey struct {
	clock   string
	round   int
	level   ladder.Step
	version int
}

// alarmRow is an alarm row's other columns.
type alarmRow struct {
	at, deadline time.Time
	department   string
	raisedSeq    *int64
	raisedAt     *time.Time
}

// dropPending removes a clock's alarms not raised yet.
func (cc *caseClocks) dropPending(clock string) {
	for k, a := range cc.alarms {
		if k.clock == clock && a.raisedSeq == nil {
			delete(cc.alarms, k)
		}
	}
}

// deadlineBatch is the work of one Apply.
type deadlineBatch struct {
	d      Deadlines
	tx     pgx.Tx
	cal    *calendar.Calendar
	cases  map[string]*caseClocks
	order  []string   // touched cases, in first-touch order
	writes *pgx.Batch // the escalation board's, in the events' order

	// Written in bulk after the board (see write).
	clocks    caseClockRows
	deadlines deadlineRows
	fresh     freshRows // of cases new to the tables, when many
	rounds    roundRows
	history   [][]any // deadline_history rows to copy
	actions   [][]any // department_actions rows to copy
}

// Apply implements Projection.
func (d Deadlines) Apply(ctx context.Context, tx pgx.Tx, events []eventstore.Event) error {
	b := &deadlineBatch{d: d, tx: tx, cases: map[string]*caseClocks{}, writes: &pgx.Batch{}}
	var ids []string
	seen := map[string]bool{}
	loadsCalendar := false
	for _, e := range events {
		switch e.AggregateType {
		case complaint.AggregateType:
			if !seen[e.AggregateID] {
				seen[e.AggregateID] = true
				ids = append(ids, e.AggregateID)
			}
		case calendar.AggregateType:
			loadsCalendar = true
		}
	}
	if len(ids) == 0 && !loadsCalendar {
		return nil
	}
	var err error
	if b.cal, err = d.calendarAt(ctx, tx); err != nil {
		return err
	}
	if err := b.load(ctx, `SELECT case_id FROM unnest($1::text[]) AS case_id`, ids); err != nil {
		return err
	}
	for _, e := range events {
		switch e.AggregateType {
		case complaint.AggregateType:
			if err := b.caseEvent(e); err != nil {
				return fmt.Errorf("event %d: %w", e.Seq, err)
			}
		case calendar.AggregateType:
			if err := b.calendarEvent(ctx, e); err != nil {
				return fmt.Errorf("event %d: %w", e.Seq, err)
			}
		}
	}
	b.flush()
	if err := tx.SendBatch(ctx, b.writes).Close(); err != nil {
		return err
	}
	return b.write(ctx)
}

// nullable is NULL for an empty string.
func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// load reads the clocks of the cases the query selects (a query over $1,
// the ids) that are not loaded yet.
func (b *deadlineBatch) load(ctx context.Context, selectCases string, ids []string) error {
	rows, err := b.tx.Query(ctx, `SELECT c.case_id, k.tracker, coalesce(k.last_seq, 0)
		FROM (`+selectCases+`) c LEFT JOIN case_clocks k ON k.case_id = c.case_id`, ids)
	if err != nil {
		return err
	}
	var fresh []string
	for rows.Next() {
		var (
			id      string
			tracker []byte
			seq     int64
		)
		if err := rows.Scan(&id, &tracker, &seq); err != nil {
			rows.Close()
			return err
		}
		if b.cases[id] != nil {
			continue
		}
		cc := &caseClocks{tracker: deadline.NewTracker(b.d.Policy), rows: map[string]*clockRow{}, alarms: map[alarmKey]*alarmRow{}, lastSeq: uint64(seq)}
		if tracker != nil {
			cc.stored = true
			if err := json.Unmarshal(tracker, cc.tracker); err != nil {
				rows.Close()
				return fmt.Errorf("case %s: stored clocks: %w", id, err)
			}
		}
		b.cases[id] = cc
		fresh = append(fresh, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(fresh) == 0 {
		return err
	}
	rows, err = b.tx.Query(ctx, `SELECT case_id, clock_id, kind, round, coalesce(department_id, ''), started_at, due_at, open,
		suspended, coalesce(outcome, ''), ended_at, coalesce(problem, ''), version, coalesce(calendar_version, '')
		FROM deadlines WHERE case_id = ANY($1)`, fresh)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id string
			r  clockRow
		)
		if err := rows.Scan(&id, &r.clockID, &r.kind, &r.round, &r.department, &r.startedAt, &r.due, &r.open,
			&r.suspended, &r.outcome, &r.endedAt, &r.problem, &r.version, &r.calendarVersion); err != nil {
			return err
		}
		b.cases[id].rows[r.clockID] = &r
	}
	if err := rows.Err(); err != nil {
		return err
	}
	rows.Close()
	rows, err = b.tx.Query(ctx, `SELECT case_id, clock_id, round, level, version, at, deadline, coalesce(department_id, ''),
		raised_seq, raised_at FROM alarms WHERE case_id = ANY($1)`, fresh)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id string
			k  alarmKey
			a  alarmRow
		)
		if err := rows.Scan(&id, &k.clock, &k.round, &k.level, &k.version, &a.at, &a.deadline, &a.department, &a.raisedSeq, &a.raisedAt); err != nil {
			return err
		}
		b.cases[id].alarms[k] = &a
	}
	return rows.Err()
}

func (b *deadlineBatch) touch(id string) *caseClocks {
	cc := b.cases[id]
	if !cc.dirty {
		cc.dirty = true
		b.order = append(b.order, id)
	}
	return cc
}

func (b *deadlineBatch) caseEvent(e eventstore.Event) error {
	de, err := complaint.Decode(e.Type, e.Data)
	if err != nil {
		return err
	}
	cc := b.touch(e.AggregateID)
	if action, dept := departmentAction(de, cc.tracker.Department); action != "" && dept != "" {
		b.actions = append(b.actions, []any{int64(e.Seq), dept, action, e.AggregateID, e.OccurredAt})
	}
	wasOpen := map[string]int{}
	for _, c := range cc.tracker.OpenClocks() {
		wasOpen[c.ID] = c.Round
	}
	cc.tracker.Apply(de)
	cc.lastSeq = e.Seq
	for _, c := range cc.tracker.Clocks {
		if round, ok := wasOpen[c.ID]; ok && round == c.Round && !c.Open() {
			if r := cc.rows[c.ID]; r != nil && r.round == c.Round {
				b.endRound(e.AggregateID, c, r)
			}
		}
	}
	if f, ok := complaint.DeadlineFactsOf(de); ok && f.Alarm != "" {
		if a := cc.alarms[alarmKey{f.Clock, f.Round, f.Alarm, f.Version}]; a != nil && a.raisedSeq == nil {
			seq, at := int64(e.Seq), e.OccurredAt
			a.raisedSeq, a.raisedAt = &seq, &at
		}
		if f.Level > 0 {
			kind, _, _ := strings.Cut(f.Clock, ":")
			b.writes.Queue(`INSERT INTO escalation_board (case_id, clock_id, round, kind, level, rank, department_id, due_at, raised_at)
				VALUES ($1, $2, $3, $4, $5, $6, NULLIF($7, ''), $8, $9)
				ON CONFLICT (case_id, clock_id) DO UPDATE SET round = EXCLUDED.round, due_at = EXCLUDED.due_at,
					department_id = EXCLUDED.department_id, raised_at = EXCLUDED.raised_at,
					level = CASE WHEN EXCLUDED.rank >= escalation_board.rank OR EXCLUDED.round <> escalation_board.round
						THEN EXCLUDED.level ELSE escalation_board.level END,
					rank = CASE WHEN EXCLUDED.round <> escalation_board.round THEN EXCLUDED.rank
						ELSE greatest(escalation_board.rank, EXCLUDED.rank) END`,
				e.AggregateID, f.Clock, f.Round, kind, f.Alarm, f.Level, f.DepartmentID, f.DueAt, e.OccurredAt)
			cc.boarded = f.Clock
		}
	}
	b.supervision(e, de, cc.tracker.Department)
	b.recompute(e.AggregateID, cc, e.Seq)
	cc.boarded = ""
	return nil
}

// supervisionClock is the board's clock id of a supervision ordered by
// hand.
const supervisionClock = "supervision"

// supervision keeps the board's row of a supervision a supervisor ordered:
// on the board from the order, at the highest level ordered, until the case
// is resolved or closed.
func (b *deadlineBatch) supervision(e eventstore.Event, de complaint.Event, dept string) {
	switch ev := de.(type) {
	case complaint.SupervisionOrdered:
		if ev.Source != complaint.SourceSupervisor {
			return
		}
		level, ok := ladder.ParseLevel(ev.Level)
		if !ok {
			return
		}
		b.writes.Queue(`INSERT INTO escalation_board (case_id, clock_id, round, kind, level, rank, department_id, due_at, raised_at, origin)
			VALUES ($1, $2, 1, $2, $3, $4, NULLIF($5, ''), $6, $6, 'supervisor')
			ON CONFLICT (case_id, clock_id) DO UPDATE SET department_id = EXCLUDED.department_id,
				level = CASE WHEN EXCLUDED.rank >= escalation_board.rank THEN EXCLUDED.level ELSE escalation_board.level END,
				rank = greatest(escalation_board.rank, EXCLUDED.rank)`,
			e.AggregateID, supervisionClock, ev.Level, int(level), dept, ev.At)
	case complaint.CaseResolved, complaint.CaseClosed, complaint.CaseNotAccepted:
		b.writes.Queue(`DELETE FROM escalation_board WHERE case_id = $1 AND clock_id = $2`, e.AggregateID, supervisionClock)
	}
}

// calendarEvent applies a loaded schedule and recomputes every open clock.
func (b *deadlineBatch) calendarEvent(ctx context.Context, e eventstore.Event) error {
	ev, err := calendar.DecodeYearLoaded(e.Type, e.Data)
	if err != nil {
		return err
	}
	if b.cal == nil {
		b.cal, err = calendar.New(b.d.Loc, ev.Schedule)
	} else {
		b.cal, err = b.cal.With(ev.Schedule)
	}
	if err != nil {
		return err
	}
	if err := b.load(ctx, `SELECT DISTINCT case_id FROM deadlines WHERE open AND $1::text[] IS NULL`, nil); err != nil {
		return err
	}
	for id, cc := range b.cases {
		if len(cc.tracker.OpenClocks()) > 0 {
			b.recompute(id, b.touch(id), e.Seq)
		}
	}
	return nil
}

// recompute brings a case's clock rows and alarms in line with its tracker
// and the calendar.
func (b *deadlineBatch) recompute(caseID string, cc *caseClocks, seq uint64) {
	var sched deadline.Schedule
	calVersion := ""
	if b.cal != nil {
		sched = cc.tracker.Schedule(b.cal)
		calVersion = b.cal.Version()
	}
	latest := map[string]deadline.Clock{}
	var ids []string
	for _, c := range cc.tracker.Clocks {
		if _, seen := latest[c.ID]; !seen {
			ids = append(ids, c.ID)
		}
		latest[c.ID] = c
	}
	for _, id := range ids {
		c := latest[id]
		r := cc.rows[id]
		if r == nil {
			r = &clockRow{clockID: id}
			cc.rows[id] = r
		}
		r.dirty = true
		wasRunning, prevRound := r.version > 0 && r.open && !r.suspended, r.round
		// A clock may be on the board if it was open before this event, or
		// a step of it was raised by this event.
		mayBeOnBoard := prevRound > 0 && r.open || cc.boarded == id
		r.kind, r.round, r.department, r.startedAt = string(c.Kind), c.Round, c.DepartmentID, c.StartedAt
		r.open, r.suspended, r.outcome = c.Open(), c.Suspended(), string(c.Outcome)
		r.endedAt = nil
		if !c.EndedAt.IsZero() {
			t := c.EndedAt
			r.endedAt = &t
		}
		if mayBeOnBoard && (!c.Open() || prevRound != c.Round) {
			// An ended clock (or one started afresh) is off the board.
			b.writes.Queue(`DELETE FROM escalation_board WHERE case_id = $1 AND clock_id = $2`, caseID, id)
		}
		if !c.Open() || c.Suspended() {
			// Ended or suspended: the last due instant stays for the record;
			// nothing more escalates until it runs again.
			cc.dropPending(id)
			continue
		}
		problem := ""
		if b.cal == nil {
			problem = "no working-day schedule is loaded"
		} else if err := sched.Problems[id]; err != nil {
			problem = err.Error()
		}
		due, has := sched.Deadlines[id]
		var duePtr *time.Time
		if has {
			duePtr = &due
		}
		changed := r.version == 0 || !sameTime(r.due, duePtr) || r.problem != problem || prevRound != c.Round
		r.calendarVersion = calVersion
		if changed {
			r.version++
			r.due, r.problem = duePtr, problem
			b.history = append(b.history, []any{caseID, id, r.version, c.Round, duePtr, nullable(calVersion), int64(seq)})
			cc.dropPending(id)
		} else if wasRunning {
			continue
		}
		// A new version, or a clock running again with the same one (raised
		// steps of this version stay raised).
		for _, a := range sched.Alarms {
			if a.ClockID != id {
				continue
			}
			k := alarmKey{id, a.Round, a.Level, r.version}
			if cc.alarms[k] == nil {
				cc.alarms[k] = &alarmRow{at: a.At, deadline: a.Deadline, department: a.DepartmentID}
			}
		}
	}
}

func sameTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.Equal(*b)
}

// flush collects the touched cases' state for the bulk writes.
func (b *deadlineBatch) flush() {
	fresh := 0
	for _, id := range b.order {
		if !b.cases[id].stored {
			fresh++
		}
	}
	for _, id := range b.order {
		cc := b.cases[id]
		tracker, _ := json.Marshal(cc.tracker)
		if !cc.stored && fresh >= copyFrom {
			// Many cases new to the tables (a rebuild, an import): their
			// rows are copied.
			b.fresh.add(id, tracker, cc)
			continue
		}
		b.clocks.add(id, tracker, int64(cc.lastSeq))
		for _, r := range cc.rows {
			if r.dirty {
				b.deadlines.add(id, r)
			}
		}
	}
}

// endRound records a clock round that just ended, for timeliness counts.
// r is the clock's row, still holding the round's last due instant.
func (b *deadlineBatch) endRound(caseID string, c deadline.Clock, r *clockRow) {
	var onTime, lateWindow *bool
	if r.due != nil {
		v := !c.EndedAt.After(*r.due)
		onTime = &v
		if c.Outcome == deadline.Met && v && b.cal != nil {
			// 临期办结: closed when no more than a fifth of the clock's
			// working time was left. The time it stood suspended is not
			// part of its window.
			left, err1 := b.cal.WorkingTime(c.EndedAt, *r.due)
			window, err2 := b.cal.WorkingTime(c.StartedAt, *r.due)
			suspended, err3 := suspendedTime(b.cal, c)
			if window -= suspended; err1 == nil && err2 == nil && err3 == nil && window > 0 {
				lw := left*5 <= window
				lateWindow = &lw
			}
		}
	}
	b.rounds.add(caseID, c, r.due, onTime, lateWindow)
}

// suspendedTime is the working time a clock stood suspended between its
// start and its end.
func suspendedTime(cal *calendar.Calendar, c deadline.Clock) (time.Duration, error) {
	var total time.Duration
	for _, p := range c.Paused {
		from, to := p.From, p.To
		if to.IsZero() || to.After(c.EndedAt) {
			to = c.EndedAt
		}
		if from.Before(c.StartedAt) {
			from = c.StartedAt
		}
		w, err := cal.WorkingTime(from, to)
		if err != nil {
			return 0, err
		}
		total += w
	}
	return total, nil
}

// departmentAction names what a department did, for timeliness counts:
// dept is the department holding the case before the event.
func departmentAction(e complaint.Event, dept string) (action, department string) {
	switch e := e.(type) {
	case complaint.ReferralReturned:
		return "return", e.DepartmentID
	case complaint.ExtensionRequested:
		return "extension_requested", dept
	case complaint.ExtensionGranted:
		return "extension_granted", dept
	}
	return "", ""
}
