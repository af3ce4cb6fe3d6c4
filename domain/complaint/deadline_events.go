package complaint

import (
	"fmt"
	"time"
)

// Events the system raises on the case's own stream when a deadline falls
// due (the escalation ladder of DESIGN §3). They never change the status;
// Escalated raises the case's supervision level.
const (
	TypeDeadlineApproaching  = "DeadlineApproaching"
	TypeResponseOverdue      = "ResponseOverdue"
	TypeClosureOverdue       = "ClosureOverdue"
	TypeRectificationOverdue = "RectificationOverdue"
	TypeEscalated            = "Escalated"
)

// The steps of the ladder, as DeadlineFacts.Alarm names them.
const (
	AlarmApproaching          = "approaching"
	AlarmResponseOverdue      = "response_overdue"
	AlarmClosureOverdue       = "closure_overdue"
	AlarmFlagged              = "flagged"
	AlarmRectificationOverdue = "rectification_overdue"
)

// DeadlineFacts are what every deadline event says: which step of which
// clock fell due, the deadline it belongs to (and its version), who must
// act and how late it is.
type DeadlineFacts struct {
	Alarm        string    `json:"alarm"`
	Clock        string    `json:"clock"`
	Round        int       `json:"round"`
	Version      int       `json:"version"`
	DueAt        time.Time `json:"dueAt"`      // the deadline
	FallsDueAt   time.Time `json:"fallsDueAt"` // when this step fell due
	DepartmentID string    `json:"departmentId,omitempty"`
	WorkdaysLate int       `json:"workdaysLate"`
}

// DeadlineApproaching warns that the last working day of a deadline began
// (临期).
type DeadlineApproaching struct {
	DeadlineFacts
	At time.Time `json:"at"`
}

// ResponseOverdue records that no quick response came in time.
type ResponseOverdue struct {
	DeadlineFacts
	At time.Time `json:"at"`
}

// ClosureOverdue records that the case was not closed in time.
type ClosureOverdue struct {
	DeadlineFacts
	At time.Time `json:"at"`
}

// RectificationOverdue records that a rectification was not reported by its
// date.
type RectificationOverdue struct {
	DeadlineFacts
	At time.Time `json:"at"`
}

// Escalated puts the case under supervision because a deadline passed:
// level 1 催办, 2 督办, 3 挂牌督办 (with an accountability review).
type Escalated struct {
	DeadlineFacts
	Level int       `json:"level"`
	At    time.Time `json:"at"`
}

func (DeadlineApproaching) EventType() string  { return TypeDeadlineApproaching }
func (ResponseOverdue) EventType() string      { return TypeResponseOverdue }
func (ClosureOverdue) EventType() string       { return TypeClosureOverdue }
func (RectificationOverdue) EventType() string { return TypeRectificationOverdue }
func (Escalated) EventType() string            { return TypeEscalated }

// DeadlineFactsOf returns the facts of a deadline event.
func DeadlineFactsOf(e Event) (DeadlineFacts, bool) {
	switch e := e.(type) {
	case DeadlineApproaching:
		return e.DeadlineFacts, true
	case ResponseOverdue:
		return e.DeadlineFacts, true
	case ClosureOverdue:
		return e.DeadlineFacts, true
	case RectificationOverdue:
		return e.DeadlineFacts, true
	case Escalated:
		return e.DeadlineFacts, true
	}
	return DeadlineFacts{}, false
}

// DeadlineEvents are the events of one step of the ladder.
func DeadlineEvents(f DeadlineFacts, now time.Time) []Event {
	switch f.Alarm {
	case AlarmApproaching:
		return []Event{DeadlineApproaching{DeadlineFacts: f, At: now}}
	case AlarmResponseOverdue:
		return []Event{ResponseOverdue{DeadlineFacts: f, At: now}, Escalated{DeadlineFacts: f, Level: 1, At: now}}
	case AlarmClosureOverdue:
		return []Event{ClosureOverdue{DeadlineFacts: f, At: now}, Escalated{DeadlineFacts: f, Level: 2, At: now}}
	case AlarmFlagged:
		return []Event{Escalated{DeadlineFacts: f, Level: 3, At: now}}
	case AlarmRectificationOverdue:
		return []Event{RectificationOverdue{DeadlineFacts: f, At: now}}
	}
	return nil
}

// deadlineSummary is the timeline line of a deadline event.
func deadlineSummary(e Event) (string, bool) {
	f, ok := DeadlineFactsOf(e)
	if !ok {
		return "", false
	}
	who := "the complaint center"
	if f.DepartmentID != "" {
		who = "department " + f.DepartmentID
	}
	due := f.DueAt.Add(-time.Nanosecond).In(shanghai).Format(time.DateOnly)
	switch e := e.(type) {
	case DeadlineApproaching:
		return fmt.Sprintf("Deadline approaching (临期): %s of %s ends %s", f.Clock, who, due), true
	case ResponseOverdue:
		return fmt.Sprintf("Response overdue (超期未反馈): %s was due %s, %d working day(s) late", who, due, f.WorkdaysLate), true
	case ClosureOverdue:
		return fmt.Sprintf("Closure overdue (超期未办结): %s was due %s, %d working day(s) late", who, due, f.WorkdaysLate), true
	case RectificationOverdue:
		return fmt.Sprintf("Rectification overdue (整改超期): %s was due %s", f.Clock, due), true
	case Escalated:
		return fmt.Sprintf("Escalated to level %d (%s) on %s", e.Level, escalationLabel(e.Level), who), true
	}
	return "", false
}

func escalationLabel(level int) string {
	switch level {
	case 1:
		return "催办"
	case 2:
		return "督办"
	}
	return "挂牌督办, accountability review"
}

// shanghai is the zone dates are shown in (China has no daylight saving).
var shanghai = time.FixedZone("CST", 8*3600)
