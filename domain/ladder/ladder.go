// Package ladder is the vocabulary of the escalation ladder (DESIGN §3): the
// supervision levels a case can be put under (催办, 督办, 挂牌督办) and the
// steps a missed deadline climbs, each with its level, its event and its
// name. The case, the deadline clocks, the projections and the board all
// speak it; nothing else spells the ladder.
package ladder

import "strconv"

// Level is a supervision level; a higher level is more severe.
type Level int

// The levels.
const (
	Warning   Level = 0 // no supervision yet: a deadline is near (临期)
	Urge      Level = 1 // 催办
	Supervise Level = 2 // 督办
	Flag      Level = 3 // 挂牌督办, with an accountability review
)

// Levels lists the supervision levels, in rising order.
func Levels() []Level { return []Level{Urge, Supervise, Flag} }

// The codes of the levels, as commands and events carry them.
const (
	CodeUrge      = "urge"
	CodeSupervise = "supervise"
	CodeFlag      = "flag"
)

var levelNames = map[Level]struct{ code, zh, en string }{
	Warning:   {"", "临期", "warning"},
	Urge:      {CodeUrge, "催办", "urging"},
	Supervise: {CodeSupervise, "督办", "supervision"},
	Flag:      {CodeFlag, "挂牌督办", "flagged supervision"},
}

// Code is the level's code in commands and events ("urge", "supervise",
// "flag"; "" for a warning).
func (l Level) Code() string { return levelNames[l].code }

// Label is the level's official Chinese name.
func (l Level) Label() string { return levelNames[l].zh }

// English is the level's name in English.
func (l Level) English() string { return levelNames[l].en }

// ParseLevel reads a level's code.
func ParseLevel(code string) (Level, bool) {
	for _, l := range Levels() {
		if l.Code() == code {
			return l, true
		}
	}
	return Warning, false
}

// ParseRank reads a level written as its number (1, 2 or 3).
func ParseRank(s string) (Level, bool) {
	n, err := strconv.Atoi(s)
	if err != nil || n < int(Urge) || n > int(Flag) {
		return Warning, false
	}
	return Level(n), true
}

// Step is a step of the ladder: what a deadline reaches when it falls due.
type Step string

// The steps.
const (
	Approaching          Step = "approaching"           // the last working day has begun (临期)
	ResponseOverdue      Step = "response_overdue"      // no quick response in time: urged (催办)
	ClosureOverdue       Step = "closure_overdue"       // not closed in time: supervised (督办)
	Flagged              Step = "flagged"               // still open long after the closure deadline (挂牌督办)
	RectificationOverdue Step = "rectification_overdue" // a rectification not reported by its date: urged
)

// Steps lists the steps.
func Steps() []Step {
	return []Step{Approaching, ResponseOverdue, ClosureOverdue, Flagged, RectificationOverdue}
}

// The types of the events that record the steps, raised by the system on
// the case's own stream.
const (
	EventApproaching          = "DeadlineApproaching"
	EventResponseOverdue      = "ResponseOverdue"
	EventClosureOverdue       = "ClosureOverdue"
	EventFlagged              = "Escalated"
	EventRectificationOverdue = "RectificationOverdue"
)

var steps = map[Step]struct {
	level     Level
	eventType string
	zh        string
}{
	Approaching:          {Warning, EventApproaching, "临期"},
	ResponseOverdue:      {Urge, EventResponseOverdue, "超期未反馈"},
	ClosureOverdue:       {Supervise, EventClosureOverdue, "超期未办结"},
	Flagged:              {Flag, EventFlagged, "挂牌督办"},
	RectificationOverdue: {Urge, EventRectificationOverdue, "整改超期"},
}

// Valid reports whether s is a step of the ladder.
func (s Step) Valid() bool { _, ok := steps[s]; return ok }

// Level is the supervision the step puts the case under.
func (s Step) Level() Level { return steps[s].level }

// EventType is the type of the event that records the step.
func (s Step) EventType() string { return steps[s].eventType }

// Label is the step's Chinese name.
func (s Step) Label() string { return steps[s].zh }

// StepOfEvent returns the step an event type records.
func StepOfEvent(eventType string) (Step, bool) {
	for _, s := range Steps() {
		if steps[s].eventType == eventType {
			return s, true
		}
	}
	return "", false
}
