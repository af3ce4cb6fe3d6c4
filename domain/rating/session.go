package rating

import (
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/watchpost/watchpost/domain"
)

// A central assessment session (集中测评, 002 §五.四): representatives of
// named groups each grade the units assessed. It is opened with its groups
// and units, its ballots are entered, and it is closed; only a closed
// session's ballots count, so a period with an open session cannot be
// closed.

// The bounds of a session.
const (
	maxGroups         = 20
	maxSessionUnits   = 300
	maxBallotsPerCall = 500
	maxBallotNumber   = 1_000_000
)

// OpenSession opens a session.
type OpenSession struct {
	ID     string
	HeldOn string // YYYY-MM-DD in the service's zone
	Title  string
	Groups []string
	Units  []Target
}

// Session is the state of a session.
type Session struct {
	Version int           `json:"version"`
	Opened  SessionOpened `json:"opened"`
	Cast    map[int]bool  `json:"cast,omitempty"`
	Closed  bool          `json:"closed"`
}

// Apply moves the session by one recorded event.
func (s *Session) Apply(e Event) error {
	if s.Version == 0 && e.EventType() != TypeSessionOpened {
		return fmt.Errorf("session: %s before it was opened", e.EventType())
	}
	switch e := e.(type) {
	case SessionOpened:
		if s.Version != 0 {
			return fmt.Errorf("session %s: opened twice", e.SessionID)
		}
		s.Opened, s.Cast = e, map[int]bool{}
	case BallotsCast:
		s.Cast = maps.Clone(s.Cast)
		for _, b := range e.Ballots {
			s.Cast[b.Number] = true
		}
	case SessionClosed:
		s.Closed = true
	default:
		return fmt.Errorf("session: cannot apply %T", e)
	}
	s.Version++
	return nil
}

// Open returns the events of opening a session.
func (s *Session) Open(cmd OpenSession, closed []Period, loc *time.Location, now time.Time) ([]Event, error) {
	if s.Version != 0 {
		return nil, domain.StateConflict("session %s is already open", s.Opened.SessionID)
	}
	day, err := pastDay("heldOn", cmd.HeldOn, loc, now)
	if err != nil {
		return nil, err
	}
	month, err := AdmitRating(day, loc, closed)
	if err != nil {
		return nil, err
	}
	title, err := cleanText("title", cmd.Title, 200, true)
	if err != nil {
		return nil, err
	}
	if len(cmd.Groups) == 0 || len(cmd.Groups) > maxGroups {
		return nil, domain.Invalid("groups", "name 1 to %d groups of representatives (got %d)", maxGroups, len(cmd.Groups))
	}
	groups := make([]string, len(cmd.Groups))
	for i, g := range cmd.Groups {
		f := fmt.Sprintf("groups[%d]", i)
		if groups[i], err = cleanText(f, g, 50, true); err != nil {
			return nil, err
		}
		if slices.Contains(groups[:i], groups[i]) {
			return nil, domain.Invalid(f, "%q is listed twice", groups[i])
		}
	}
	if len(cmd.Units) == 0 || len(cmd.Units) > maxSessionUnits {
		return nil, domain.Invalid("units", "name 1 to %d units to assess (got %d)", maxSessionUnits, len(cmd.Units))
	}
	seen := map[string]bool{}
	for i, u := range cmd.Units {
		f := fmt.Sprintf("units[%d]", i)
		if len(u.Units) == 0 {
			return nil, domain.Invalid(f, "is required: the department the sheet rates")
		}
		id := u.Unit().ID
		if seen[id] {
			return nil, domain.Invalid(f, "%q is listed twice", id)
		}
		seen[id] = true
	}
	return []Event{SessionOpened{SessionID: cmd.ID, HeldOn: day.Format(time.DateOnly), Month: month, Title: title,
		Groups: groups, Units: slices.Clone(cmd.Units), At: now}}, nil
}

// Unit finds a unit the session assesses by its id.
func (s *Session) Unit(id string) (Target, bool) {
	for _, u := range s.Opened.Units {
		if u.Unit().ID == id {
			return u, true
		}
	}
	return Target{}, false
}

// CastBallots returns the events of entering ballots: each numbered once
// in the session, of one of its groups, grading some of its units.
func (s *Session) CastBallots(ballots []Ballot, closed []Period, now time.Time) ([]Event, error) {
	if s.Version == 0 {
		return nil, domain.NotFound("id", "no such session")
	}
	if s.Closed {
		return nil, domain.StateConflict("session %s is closed: no more ballots are taken", s.Opened.SessionID)
	}
	if err := notClosed(s.Opened.Month, closed); err != nil {
		return nil, err
	}
	if len(ballots) == 0 || len(ballots) > maxBallotsPerCall {
		return nil, domain.Invalid("ballots", "give 1 to %d ballots at a time (got %d)", maxBallotsPerCall, len(ballots))
	}
	numbers := map[int]bool{}
	out := make([]Ballot, len(ballots))
	for i, b := range ballots {
		f := fmt.Sprintf("ballots[%d]", i)
		switch {
		case b.Number < 1 || b.Number > maxBallotNumber:
			return nil, domain.Invalid(f+".number", "must be 1 to %d (got %d)", maxBallotNumber, b.Number)
		case s.Cast[b.Number]:
			return nil, domain.StateConflict("ballot %d of session %s is already entered", b.Number, s.Opened.SessionID)
		case numbers[b.Number]:
			return nil, domain.Invalid(f+".number", "ballot %d is given twice", b.Number)
		case !slices.Contains(s.Opened.Groups, b.Group):
			return nil, domain.Invalid(f+".group", "%q is not a group of the session", b.Group)
		case len(b.Grades) == 0:
			return nil, domain.Invalid(f+".grades", "grade at least one unit")
		}
		numbers[b.Number] = true
		grades := make(map[string]Grade, len(b.Grades))
		for _, id := range slices.Sorted(maps.Keys(b.Grades)) {
			if _, ok := s.Unit(id); !ok {
				return nil, domain.Invalid(f+".grades", "%q is not a unit the session assesses", id)
			}
			if err := b.Grades[id].Validate(f + ".grades[" + id + "]"); err != nil {
				return nil, err
			}
			grades[id] = b.Grades[id]
		}
		out[i] = Ballot{Number: b.Number, Group: b.Group, Grades: grades}
	}
	return []Event{BallotsCast{Ballots: out, At: now}}, nil
}

// CloseSession returns the events of closing the session: its ballots count
// from then on.
func (s *Session) CloseSession(closed []Period, now time.Time) ([]Event, error) {
	if s.Version == 0 {
		return nil, domain.NotFound("id", "no such session")
	}
	if s.Closed {
		return nil, domain.StateConflict("session %s is already closed", s.Opened.SessionID)
	}
	if err := notClosed(s.Opened.Month, closed); err != nil {
		return nil, err
	}
	if len(s.Cast) == 0 {
		return nil, domain.StateConflict("session %s has no ballots yet", s.Opened.SessionID)
	}
	return []Event{SessionClosed{Ballots: len(s.Cast), At: now}}, nil
}

func notClosed(m Period, closed []Period) error {
	for _, c := range closed {
		if c.Includes(m) {
			return domain.StateConflict("period %s is closed: nothing more is recorded for %s", c, m)
		}
	}
	return nil
}
