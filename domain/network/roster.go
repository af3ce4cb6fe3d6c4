package network

import (
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/watchpost/watchpost/domain"
)

// Roster is a year's list of monitoring points (一年一调整): drafted,
// adjusted with a reason for every point added or removed, and published.
// The published list is what the year's reports and ratings count.
type Roster struct {
	Year        int            `json:"year"`
	Points      []string       `json:"points"` // the list as it stands
	From        int            `json:"from,omitempty"`
	Changes     []RosterChange `json:"changes,omitempty"`
	Published   bool           `json:"published"`
	PublishedAt time.Time      `json:"publishedAt,omitzero"`
	Version     int            `json:"version"`
	UpdatedAt   time.Time      `json:"updatedAt"`
}

// RosterChange is one adjustment of a draft roster.
type RosterChange struct {
	PointID string    `json:"pointId"`
	Change  string    `json:"change"` // added, removed
	Reason  string    `json:"reason"`
	At      time.Time `json:"at"`
}

// RosterID is the aggregate id of a year's roster.
func RosterID(year int) string { return strconv.Itoa(year) }

// ParseYear reads a roster year.
func ParseYear(field, s string) (int, error) {
	y, err := strconv.Atoi(s)
	if err != nil || y < 2000 || y > 2200 {
		return 0, domain.Invalid(field, "%q is not a roster year (2000 to 2200)", s)
	}
	return y, nil
}

// Apply moves the roster by one recorded event.
func (r *Roster) Apply(e Event) error {
	if r.Version == 0 && e.EventType() != TypeRosterDrafted {
		return fmt.Errorf("roster: %s before the draft", e.EventType())
	}
	switch e := e.(type) {
	case RosterDrafted:
		*r = Roster{Year: e.Year, Points: slices.Clone(e.Points), From: e.From}
	case RosterPointAdded:
		r.Points = append(r.Points, e.PointID)
		slices.Sort(r.Points)
		r.Changes = append(r.Changes, RosterChange{PointID: e.PointID, Change: "added", Reason: e.Reason, At: e.At})
	case RosterPointRemoved:
		r.Points = slices.DeleteFunc(r.Points, func(p string) bool { return p == e.PointID })
		r.Changes = append(r.Changes, RosterChange{PointID: e.PointID, Change: "removed", Reason: e.Reason, At: e.At})
	case RosterPublished:
		r.Points, r.Published, r.PublishedAt = slices.Clone(e.Points), true, e.At
	default:
		return fmt.Errorf("roster: cannot apply %T", e)
	}
	if r.Points == nil {
		r.Points = []string{}
	}
	r.UpdatedAt = eventTime(e)
	r.Version++
	return nil
}

func eventTime(e Event) time.Time {
	switch e := e.(type) {
	case RosterDrafted:
		return e.At
	case RosterPointAdded:
		return e.At
	case RosterPointRemoved:
		return e.At
	case RosterPublished:
		return e.At
	}
	return time.Time{}
}

// Draft returns the events of opening a year's roster, starting from the
// points of a previous year's published list (from 0: empty).
func (r *Roster) Draft(year int, from int, points []string, now time.Time) ([]Event, error) {
	if r.Version != 0 {
		return nil, domain.StateConflict("the roster of %d is already drafted", year)
	}
	if year < 2000 || year > 2200 {
		return nil, domain.Invalid("year", "%d is not a roster year (2000 to 2200)", year)
	}
	list := slices.Clone(points)
	slices.Sort(list)
	list = slices.Compact(list)
	if list == nil {
		list = []string{}
	}
	return []Event{RosterDrafted{Year: year, Points: list, From: from, At: now}}, nil
}

func (r *Roster) draft() error {
	if r.Version == 0 {
		return domain.NotFound("year", "no roster for this year; draft it first")
	}
	if r.Published {
		return domain.StateConflict("the roster of %d is published; it is adjusted next year", r.Year)
	}
	return nil
}

// Add returns the events of putting a point on the draft.
func (r *Roster) Add(pointID, reason string, now time.Time) ([]Event, error) {
	if err := r.draft(); err != nil {
		return nil, err
	}
	if err := checkID("pointId", pointID); err != nil {
		return nil, err
	}
	if slices.Contains(r.Points, pointID) {
		return nil, domain.StateConflict("point %s is already on the roster of %d", pointID, r.Year)
	}
	why, err := text("reason", reason, 500, true)
	if err != nil {
		return nil, err
	}
	return []Event{RosterPointAdded{PointID: pointID, Reason: why, At: now}}, nil
}

// Remove returns the events of taking a point off the draft.
func (r *Roster) Remove(pointID, reason string, now time.Time) ([]Event, error) {
	if err := r.draft(); err != nil {
		return nil, err
	}
	if !slices.Contains(r.Points, pointID) {
		return nil, domain.StateConflict("point %s is not on the roster of %d", pointID, r.Year)
	}
	why, err := text("reason", reason, 500, true)
	if err != nil {
		return nil, err
	}
	return []Event{RosterPointRemoved{PointID: pointID, Reason: why, At: now}}, nil
}

// Publish returns the events of publishing the list. retired are the
// points on it that were retired since they were added: a list with one
// is refused, naming them.
func (r *Roster) Publish(retired []string, now time.Time) ([]Event, error) {
	if err := r.draft(); err != nil {
		return nil, err
	}
	if len(r.Points) == 0 {
		return nil, domain.StateConflict("the roster of %d has no points", r.Year)
	}
	if len(retired) > 0 {
		return nil, domain.StateConflict("the roster of %d lists retired points (%v); remove them first", r.Year, retired)
	}
	return []Event{RosterPublished{Points: slices.Clone(r.Points), At: now}}, nil
}
