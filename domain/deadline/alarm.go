package deadline

import (
	"time"

	"github.com/watchpost/watchpost/domain/calendar"
)

// Level is a step of the escalation ladder.
type Level string

// The ladder.
const (
	Approaching          Level = "approaching"           // 临期: the last working day has begun
	ResponseOverdue      Level = "response_overdue"      // no reaction in time: 催办 (level 1)
	ClosureOverdue       Level = "closure_overdue"       // not closed in time: 督办 (level 2)
	Flagged              Level = "flagged"               // still open FlagAfter working days later: 挂牌督办 (level 3)
	RectificationOverdue Level = "rectification_overdue" // rectification not reported by its date
)

// Rank is the supervision level a step of the ladder amounts to (0 for a
// warning).
func (l Level) Rank() int {
	switch l {
	case ResponseOverdue, RectificationOverdue:
		return 1
	case ClosureOverdue:
		return 2
	case Flagged:
		return 3
	}
	return 0
}

// Alarm is a moment at which a clock's escalation falls due.
type Alarm struct {
	ClockID      string    `json:"clockId"`
	Kind         Kind      `json:"kind"`
	Round        int       `json:"round"`
	Level        Level     `json:"level"`
	At           time.Time `json:"at"`       // when it falls due
	Deadline     time.Time `json:"deadline"` // the clock's due instant
	DepartmentID string    `json:"departmentId,omitempty"`
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
		due, ok, err := c.Due(cal)
		if err != nil {
			s.Problems[c.ID] = err
			continue
		}
		if !ok {
			continue // suspended
		}
		s.Deadlines[c.ID] = due
		alarm := func(l Level, at time.Time) {
			s.Alarms = append(s.Alarms, Alarm{ClockID: c.ID, Kind: c.Kind, Round: c.Round, Level: l, At: at, Deadline: due, DepartmentID: c.DepartmentID})
		}
		alarm(Approaching, startOfLastDay(due, cal.Location()))
		switch c.Kind {
		case KindResponse:
			alarm(ResponseOverdue, due)
		case KindClosure:
			alarm(ClosureOverdue, due)
			flag, err := cal.Deadline(due.Add(-time.Nanosecond), t.Policy.FlagAfter)
			if err != nil {
				s.Problems[c.ID] = err
				continue
			}
			alarm(Flagged, flag)
		case KindRectification:
			alarm(RectificationOverdue, due)
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
func (s Schedule) Find(clockID string, round int, level Level) (Alarm, bool) {
	for _, a := range s.Alarms {
		if a.ClockID == clockID && a.Round == round && a.Level == level {
			return a, true
		}
	}
	return Alarm{}, false
}
