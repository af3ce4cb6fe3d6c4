package deadline

import (
	"time"

	"github.com/watchpost/watchpost/domain/calendar"
	"github.com/watchpost/watchpost/domain/ladder"
)

// Alarm is a moment at which a clock's escalation falls due.
type Alarm struct {
	ClockID      string      `json:"clockId"`
	Kind         Kind        `json:"kind"`
	Round        int         `json:"round"`
	Level        ladder.Step `json:"level"`    // the step of the ladder
	At           time.Time   `json:"at"`       // when it falls due
	Deadline     time.Time   `json:"deadline"` // the clock's due instant
	DepartmentID string      `json:"departmentId,omitempty"`
}

// Schedule is what a tracker's open clocks owe, against one calendar.
type Schedule struct {
	Deadlines map[string]time.Time // due instant per open, running clock
	Alarms    []Alarm              // every step of the ladder of those clocks, including past ones
	Problems  map[string]error     // clocks whose deadline cannot be computed (a year with no schedule)
}

// Schedule computes the due instants and alarms of the open clocks.
func (t *Tracker) Schedule(cal *calendar.Calendar) Schedule {
	s := Schedule{Deadlines: map[string]time.Time{}, Problems: map[string]error{}}
	for _, c := range t.OpenClocks() {
		due, ok, err := c.Due(cal, t.Policy.Hours)
		if err != nil {
			s.Problems[c.ID] = err
			continue
		}
		if !ok {
			continue // suspended
		}
		s.Deadlines[c.ID] = due
		alarm := func(l ladder.Step, at time.Time) {
			s.Alarms = append(s.Alarms, Alarm{ClockID: c.ID, Kind: c.Kind, Round: c.Round, Level: l, At: at, Deadline: due, DepartmentID: c.DepartmentID})
		}
		alarm(ladder.Approaching, startOfLastDay(due, cal.Location()))
		switch c.Kind {
		case KindResponse:
			alarm(ladder.ResponseOverdue, due)
		case KindClosure:
			alarm(ladder.ClosureOverdue, due)
			flag, err := cal.Deadline(due.Add(-time.Nanosecond), t.Policy.FlagAfter)
			if err != nil {
				s.Problems[c.ID] = err
				continue
			}
			alarm(ladder.Flagged, flag)
		case KindRectification:
			alarm(ladder.RectificationOverdue, due)
		}
	}
	return s
}

// startOfLastDay is the start of the calendar day in which due falls (due
// itself being the exclusive end of that day, usually its midnight).
func startOfLastDay(due time.Time, loc *time.Location) time.Time {
	last := due.Add(-time.Nanosecond).In(loc)
	return time.Date(last.Year(), last.Month(), last.Day(), 0, 0, 0, 0, loc)
}

// Find returns the alarm of a clock's round and level in the schedule.
func (s Schedule) Find(clockID string, round int, level ladder.Step) (Alarm, bool) {
	for _, a := range s.Alarms {
		if a.ClockID == clockID && a.Round == round && a.Level == level {
			return a, true
		}
	}
	return Alarm{}, false
}
