// Package deadline keeps a case's clocks: the department's response (2
// working days) and closure (7 working days) deadlines of the monitoring
// rules (衢纪发〔2009〕12号 §七.2), rectification due dates, and the
// escalation ladder that follows a missed one. A Tracker is folded from the
// case's events; due instants are computed against a working-day calendar,
// so they change when a new official schedule is loaded.
package deadline

import (
	"fmt"
	"slices"
	"time"

	"github.com/watchpost/watchpost/domain/calendar"
	"github.com/watchpost/watchpost/domain/complaint"
)

// Policy is the configurable part of the rules.
type Policy struct {
	ResponseDays int // working days to react after a referral (快速反应)
	ClosureDays  int // working days to close an ordinary case (办结)
	FlagAfter    int // working days after the closure deadline before 挂牌督办
	// Hours are the working hours of a working day: a suspension that
	// covers any part of them adds that day to the clocks (zero: the
	// default hours).
	Hours Hours `json:"hours,omitzero"`
}

// Hours are the working hours of a day, as offsets from its midnight.
type Hours struct {
	Start time.Duration `json:"start"`
	End   time.Duration `json:"end"`
}

// DefaultHours are 08:30 to 17:30.
func DefaultHours() Hours {
	return Hours{Start: 8*time.Hour + 30*time.Minute, End: 17*time.Hour + 30*time.Minute}
}

// orDefault is the hours, or the default hours when none are set.
func (h Hours) orDefault() Hours {
	if h == (Hours{}) {
		return DefaultHours()
	}
	return h
}

// DefaultPolicy is the rule of the monitoring-point regulations.
func DefaultPolicy() Policy {
	return Policy{ResponseDays: 2, ClosureDays: 7, FlagAfter: 5, Hours: DefaultHours()}
}

// Validate refuses a policy that cannot work.
func (p Policy) Validate() error {
	if p.ResponseDays < 1 || p.ClosureDays < p.ResponseDays || p.FlagAfter < 1 {
		return fmt.Errorf("deadline: policy needs 1 <= response days <= closure days and flag-after >= 1, got %+v", p)
	}
	if h := p.Hours; h != (Hours{}) && (h.Start < 0 || h.End <= h.Start || h.End > 24*time.Hour) {
		return fmt.Errorf("deadline: working hours must lie within a day and end after they start, got %s to %s", h.Start, h.End)
	}
	return nil
}

// Kind tells clocks apart.
type Kind string

// The kinds of clock.
const (
	KindResponse      Kind = "response"
	KindClosure       Kind = "closure"
	KindRectification Kind = "rectification"
)

// Outcome is how a clock ended.
type Outcome string

// The outcomes.
const (
	Running   Outcome = ""          // not ended
	Met       Outcome = "met"       // stopped by the step it waited for
	Cancelled Outcome = "cancelled" // ended without that step (returned, not accepted, closed)
)

// Interval is a suspension: the clock does not run from From to To (To is
// zero while the suspension lasts).
type Interval struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to,omitzero"`
}

// Clock is one deadline of a case.
type Clock struct {
	ID           string     `json:"id"` // "response", "closure", "rectification:<id>"
	Kind         Kind       `json:"kind"`
	Round        int        `json:"round"`                  // restarts (a re-referral, a reopening) count up
	DepartmentID string     `json:"departmentId,omitempty"` // who must act; empty: the complaint center
	StartedAt    time.Time  `json:"startedAt"`
	Workdays     int        `json:"workdays,omitempty"`  // the budget from StartedAt
	FixedDate    string     `json:"fixedDate,omitempty"` // an explicit due date (extension, rectification) replacing the budget
	FixedAt      time.Time  `json:"fixedAt,omitzero"`    // when FixedDate was set
	Paused       []Interval `json:"paused,omitempty"`
	EndedAt      time.Time  `json:"endedAt,omitzero"`
	Outcome      Outcome    `json:"outcome,omitempty"`
}

// Open reports whether the clock still runs (or is suspended).
func (c Clock) Open() bool { return c.Outcome == Running }

// Suspended reports whether the clock is stopped by a suspension now.
func (c Clock) Suspended() bool {
	return len(c.Paused) > 0 && c.Paused[len(c.Paused)-1].To.IsZero()
}

// Due is when the clock runs out: the end of its last working day, moved
// later by one working day for each working day on which the case was
// suspended for any part of its working hours (a suspension outside working
// hours, or only on rest days, adds none). A deadline therefore always ends
// with a working day. A suspended clock has no due instant (ok is false).
func (c Clock) Due(cal *calendar.Calendar, hours Hours) (due time.Time, ok bool, err error) {
	if c.Suspended() {
		return time.Time{}, false, nil
	}
	from := c.StartedAt
	if c.FixedDate != "" {
		d, err := time.ParseInLocation(time.DateOnly, c.FixedDate, cal.Location())
		if err != nil {
			return time.Time{}, false, fmt.Errorf("deadline: clock %s: due date %q: %w", c.ID, c.FixedDate, err)
		}
		due = d.AddDate(0, 0, 1) // the end of that day
		from = c.FixedAt
	} else if due, err = cal.Deadline(c.StartedAt, c.Workdays); err != nil {
		return time.Time{}, false, err
	}
	days, err := suspendedDays(cal, hours.orDefault(), c.Paused, from)
	if err != nil {
		return time.Time{}, false, err
	}
	if days > 0 {
		if due, err = cal.Deadline(due.Add(-time.Nanosecond), days); err != nil {
			return time.Time{}, false, err
		}
	}
	return due, true, nil
}

// suspendedDays counts the working days whose working hours some ended
// suspension after from overlaps; a day counts once however many
// suspensions touch it.
func suspendedDays(cal *calendar.Calendar, hours Hours, paused []Interval, from time.Time) (int, error) {
	loc := cal.Location()
	seen := map[time.Time]bool{}
	for _, p := range paused {
		if p.To.IsZero() || !p.To.After(from) {
			continue // ongoing, or before the current due date was set
		}
		lo := maxTime(p.From, from)
		if !p.To.After(lo) {
			continue
		}
		first := lo.In(loc)
		for day := time.Date(first.Year(), first.Month(), first.Day(), 0, 0, 0, 0, loc); day.Before(p.To); day = day.AddDate(0, 0, 1) {
			start, end := day.Add(hours.Start), day.Add(hours.End)
			if !lo.Before(end) || !p.To.After(start) || seen[day] {
				continue // the suspension misses this day's working hours
			}
			work, err := cal.IsWorkday(day.Year(), day.Month(), day.Day())
			if err != nil {
				return 0, err
			}
			if work {
				seen[day] = true
			}
		}
	}
	return len(seen), nil
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// Tracker is the set of a case's clocks, folded from its events.
type Tracker struct {
	Policy     Policy  `json:"policy"`
	Clocks     []Clock `json:"clocks"`
	Department string  `json:"department,omitempty"` // who handles the case now ("" for the center)
	Handled    bool    `json:"handled,omitempty"`    // someone handles it (referred or taken by the center)
}

// NewTracker returns an empty tracker with a policy.
func NewTracker(p Policy) *Tracker { return &Tracker{Policy: p} }

// Clock returns the latest clock with an id.
func (t *Tracker) Clock(id string) (Clock, bool) {
	for i := len(t.Clocks) - 1; i >= 0; i-- {
		if t.Clocks[i].ID == id {
			return t.Clocks[i], true
		}
	}
	return Clock{}, false
}

// open returns the open clock with an id, if any.
func (t *Tracker) open(id string) *Clock {
	for i := len(t.Clocks) - 1; i >= 0; i-- {
		if t.Clocks[i].ID == id && t.Clocks[i].Open() {
			return &t.Clocks[i]
		}
	}
	return nil
}

func (t *Tracker) start(kind Kind, id, dept string, at time.Time, workdays int, fixed string) {
	round := 1
	if c, ok := t.Clock(id); ok {
		round = c.Round + 1
	}
	c := Clock{ID: id, Kind: kind, Round: round, DepartmentID: dept, StartedAt: at, Workdays: workdays}
	if fixed != "" {
		c.FixedDate, c.FixedAt, c.Workdays = fixed, at, 0
	}
	t.Clocks = append(t.Clocks, c)
}

func (t *Tracker) end(id string, at time.Time, o Outcome) {
	if c := t.open(id); c != nil {
		if c.Suspended() {
			c.Paused[len(c.Paused)-1].To = at
		}
		c.EndedAt, c.Outcome = at, o
	}
}

// startHandling starts the response and closure clocks.
func (t *Tracker) startHandling(dept string, at time.Time) {
	t.end(string(KindResponse), at, Cancelled)
	t.end(string(KindClosure), at, Cancelled)
	t.Department, t.Handled = dept, true
	t.start(KindResponse, string(KindResponse), dept, at, t.Policy.ResponseDays, "")
	t.start(KindClosure, string(KindClosure), dept, at, t.Policy.ClosureDays, "")
}

// RectificationClock is the id of a rectification's clock.
func RectificationClock(rectificationID string) string {
	return string(KindRectification) + ":" + rectificationID
}

// Apply moves the clocks by one case event.
func (t *Tracker) Apply(e complaint.Event) {
	switch e := e.(type) {
	case complaint.CaseAccepted:
		if e.Mode == complaint.ModeDirect || e.Mode == complaint.ModeSelf {
			t.startHandling("", e.At)
		}
	case complaint.CaseReferred:
		t.startHandling(e.DepartmentID, e.At)
	case complaint.ReferralReturned:
		t.end(string(KindResponse), e.At, Cancelled)
		t.end(string(KindClosure), e.At, Cancelled)
		t.Department, t.Handled = "", false
	case complaint.ResponseRecorded:
		t.end(string(KindResponse), e.At, Met)
	case complaint.ExtensionGranted:
		if c := t.open(string(KindClosure)); c != nil {
			c.FixedDate, c.FixedAt, c.Workdays = e.DueDate, e.At, 0
		}
	case complaint.CaseSuspended:
		for _, id := range []string{string(KindResponse), string(KindClosure)} {
			if c := t.open(id); c != nil && !c.Suspended() {
				c.Paused = append(c.Paused, Interval{From: e.At})
			}
		}
	case complaint.CaseResumed:
		for _, id := range []string{string(KindResponse), string(KindClosure)} {
			if c := t.open(id); c != nil && c.Suspended() {
				c.Paused[len(c.Paused)-1].To = e.At
			}
		}
	case complaint.RectificationRequired:
		t.start(KindRectification, RectificationClock(e.RectificationID), t.Department, e.At, 0, e.DueDate)
	case complaint.RectificationReported:
		t.end(RectificationClock(e.RectificationID), e.At, Met)
	case complaint.RectificationVerified:
		if !e.Accepted {
			// Sent back: the department must report again, by the same date.
			if c, ok := t.Clock(RectificationClock(e.RectificationID)); ok && !c.Open() {
				t.Clocks = append(t.Clocks, Clock{ID: c.ID, Kind: c.Kind, Round: c.Round + 1, DepartmentID: c.DepartmentID,
					StartedAt: e.At, FixedDate: c.FixedDate, FixedAt: c.FixedAt})
			}
		}
	case complaint.CaseResolved:
		// Resolving answers the referral too, if no quick response came.
		t.end(string(KindResponse), e.At, Met)
		t.end(string(KindClosure), e.At, Met)
	case complaint.CaseReopened:
		t.start(KindClosure, string(KindClosure), t.Department, e.At, t.Policy.ClosureDays, "")
	case complaint.CaseNotAccepted, complaint.CaseClosed:
		for i := range t.Clocks {
			if t.Clocks[i].Open() {
				t.end(t.Clocks[i].ID, eventTime(e), Cancelled)
			}
		}
	}
}

func eventTime(e complaint.Event) time.Time {
	switch e := e.(type) {
	case complaint.CaseNotAccepted:
		return e.At
	case complaint.CaseClosed:
		return e.At
	}
	return time.Time{}
}

// OpenClocks are the clocks still running or suspended, by id.
func (t *Tracker) OpenClocks() []Clock {
	var out []Clock
	for _, c := range t.Clocks {
		if c.Open() {
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b Clock) int {
		switch {
		case a.ID < b.ID:
			return -1
		case a.ID > b.ID:
			return 1
		}
		return 0
	})
	return out
}
