package complaint

import (
	"time"

	"github.com/watchpost/watchpost/domain"

	"github.com/watchpost/watchpost/domain/ladder"
)

// Events the system raises on the case's own stream when a deadline falls
// due (the escalation ladder of DESIGN §3). They never change the status;
// Escalated raises the case's supervision level.
const (
	TypeDeadlineApproaching  = ladder.EventApproaching
	TypeResponseOverdue      = ladder.EventResponseOverdue
	TypeClosureOverdue       = ladder.EventClosureOverdue
	TypeRectificationOverdue = ladder.EventRectificationOverdue
	TypeEscalated            = ladder.EventFlagged
)

// DeadlineFacts are what every deadline event says: which step of which
// clock fell due, the deadline it belongs to (and its version), who must
// act and how late it is.
type DeadlineFacts struct {
	Alarm        ladder.Step `json:"alarm"` // the step of the ladder
	Clock        string      `json:"clock"`
	Round        int         `json:"round"`
	Version      int         `json:"version"`
	DueAt        time.Time   `json:"dueAt"`      // the deadline
	FallsDueAt   time.Time   `json:"fallsDueAt"` // when this step fell due
	DepartmentID string      `json:"departmentId,omitempty"`
	WorkdaysLate int         `json:"workdaysLate"`
	// Level is the supervision the step puts the case under: 1 催办, 2 督办,
	// 3 挂牌督办 (0 for a warning).
	Level int `json:"level,omitempty"`
}

// DeadlineApproaching warns that the last working day of a deadline began
// (临期).
type DeadlineApproaching struct {
	DeadlineFacts
	At time.Time `json:"at"`
}

// ResponseOverdue records that no quick response came in time; the case is
// urged (催办, level 1).
type ResponseOverdue struct {
	DeadlineFacts
	At time.Time `json:"at"`
}

// ClosureOverdue records that the case was not closed in time; it is put
// under supervision (督办, level 2).
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

// Escalated flags the case (挂牌督办, level 3, with an accountability review)
// when it is still open long after its closure deadline.
type Escalated struct {
	DeadlineFacts
	At time.Time `json:"at"`
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

// DeadlineEvents are the events of one step of the ladder: one event, which
// carries the supervision level the step amounts to.
func DeadlineEvents(f DeadlineFacts, now time.Time) []Event {
	f.Level = int(f.Alarm.Level())
	switch f.Alarm {
	case ladder.Approaching:
		return []Event{DeadlineApproaching{DeadlineFacts: f, At: now}}
	case ladder.ResponseOverdue:
		return []Event{ResponseOverdue{DeadlineFacts: f, At: now}}
	case ladder.ClosureOverdue:
		return []Event{ClosureOverdue{DeadlineFacts: f, At: now}}
	case ladder.Flagged:
		return []Event{Escalated{DeadlineFacts: f, At: now}}
	case ladder.RectificationOverdue:
		return []Event{RectificationOverdue{DeadlineFacts: f, At: now}}
	}
	return nil
}

// eventTime is when a deadline event was raised.
func eventTime(e Event) time.Time {
	switch e := e.(type) {
	case DeadlineApproaching:
		return e.At
	case ResponseOverdue:
		return e.At
	case ClosureOverdue:
		return e.At
	case RectificationOverdue:
		return e.At
	case Escalated:
		return e.At
	}
	return time.Time{}
}

// deadlineSummary is the timeline line of a deadline event.
func deadlineSummary(e Event) (domain.Message, bool) {
	f, ok := DeadlineFactsOf(e)
	if !ok {
		return domain.Message{}, false
	}
	who := domain.Term{Code: "center", ZH: "投诉中心", EN: "the complaint center"}
	if f.DepartmentID != "" {
		who = domain.Term{Code: f.DepartmentID, ZH: "部门 " + f.DepartmentID, EN: "department " + f.DepartmentID}
	}
	// The due day is the last day of the deadline, which ends at its close.
	due := domain.Day{Time: f.DueAt.Add(-time.Nanosecond)}
	m := domain.Msg
	switch e.(type) {
	case DeadlineApproaching:
		return m("Deadline approaching (临期): %s of %s ends %s", f.Clock, who, due), true
	case ResponseOverdue:
		return m("Response overdue (超期未反馈), urged (催办): %s was due %s, %d working day(s) late", who, due, f.WorkdaysLate), true
	case ClosureOverdue:
		return m("Closure overdue (超期未办结), under supervision (督办): %s was due %s, %d working day(s) late", who, due, f.WorkdaysLate), true
	case RectificationOverdue:
		return m("Rectification overdue (整改超期): %s was due %s", f.Clock, due), true
	case Escalated:
		return m("Flagged (挂牌督办) for accountability review: %s, %d working day(s) past the closure deadline", who, f.WorkdaysLate), true
	}
	return domain.Message{}, false
}
